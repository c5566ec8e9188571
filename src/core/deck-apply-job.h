/* deck-apply-job.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "deck-applier.h"
#include "deck-context.h"
#include "deck-job.h"
#include "deck-plan.h"

G_BEGIN_DECLS

#define DECK_TYPE_APPLY_JOB (deck_apply_job_get_type ())

G_DECLARE_FINAL_TYPE (DeckApplyJob, deck_apply_job, DECK, APPLY_JOB, DeckJob)

DeckApplyJob          *deck_apply_job_new                   (DeckContext   *context,
                                                             DeckChangeSet *changes);
DeckChangeSet         *deck_apply_job_get_changes           (DeckApplyJob  *self);
void                   deck_apply_job_set_cluster_password  (DeckApplyJob  *self,
                                                             const char    *password);
/* Once prepared */
DeckPlan              *deck_apply_job_get_plan              (DeckApplyJob  *self);
GHashTable            *deck_apply_job_get_unreadable        (DeckApplyJob  *self);
gboolean               deck_apply_job_needs_password        (DeckApplyJob  *self);
gboolean               deck_apply_job_apply                 (DeckApplyJob  *self,
                                                             GError       **error);
/* Once applied */
const DeckApplyResult *deck_apply_job_get_result            (DeckApplyJob  *self);
DeckChangeSet         *deck_apply_job_get_applied           (DeckApplyJob  *self);
const GError          *deck_apply_job_get_settle_error      (DeckApplyJob  *self);

G_END_DECLS
