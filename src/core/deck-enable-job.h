/* deck-enable-job.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "deck-context.h"
#include "deck-job.h"
#include "deck-restart-monitor.h"

G_BEGIN_DECLS

#define DECK_TYPE_ENABLE_JOB (deck_enable_job_get_type ())

G_DECLARE_FINAL_TYPE (DeckEnableJob, deck_enable_job, DECK, ENABLE_JOB, DeckJob)

/* The engine that enabling uses on a server with @configured (as its
 * configuration says) that runs @version. */
HdbEngine           deck_enable_job_choose_engine       (HdbEngine      configured,
                                                         const char    *version);

DeckEnableJob      *deck_enable_job_new                 (DeckContext   *context,
                                                         DeckInstance  *instance,
                                                         const char    *cluster_user,
                                                         const char    *cluster_password,
                                                         const char    *node_name);
HdbEngine           deck_enable_job_get_engine          (DeckEnableJob *self);
const char         *deck_enable_job_get_node_name       (DeckEnableJob *self);
const char         *deck_enable_job_get_cluster_user    (DeckEnableJob *self);
DeckRestartMonitor *deck_enable_job_get_restart_monitor (DeckEnableJob *self);
gboolean            deck_enable_job_get_already_enabled (DeckEnableJob *self);
gboolean            deck_enable_job_is_failed           (DeckEnableJob *self);
gboolean            deck_enable_job_can_keep_waiting    (DeckEnableJob *self);
gboolean            deck_enable_job_keep_waiting        (DeckEnableJob *self,
                                                         GError       **error);

G_END_DECLS
