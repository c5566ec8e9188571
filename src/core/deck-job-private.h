/* deck-job-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the job types (DeckEnableJob, DeckConnectJob, DeckDisconnectJob,
 * DeckApplyJob) and the context share about a job, beyond its public API.
 */

#pragma once

#include "deck-context.h"
#include "deck-job.h"

G_BEGIN_DECLS

/* The job's own cancellable: cancelled by deck_job_cancel() or when the
 * context goes, never by whoever started the job. */
GCancellable *_deck_job_get_cancellable (DeckJob      *self);
/* Another instance the job acts on, found by deck_job_involves(). */
void          _deck_job_add_instance_id (DeckJob      *self,
                                         const char   *instance_id);
void          _deck_job_set_phase       (DeckJob      *self,
                                         const char   *phase);
/* RUNNING → PREPARED: the first step is done, the caller decides. */
void          _deck_job_prepared        (DeckJob      *self);
/* PREPARED (or FAILED, for a step that may be taken again) → RUNNING. */
gboolean      _deck_job_resume          (DeckJob      *self,
                                         GError      **error);
void          _deck_job_succeed         (DeckJob      *self);
/* Ends the job with @error (taken); G_IO_ERROR_CANCELLED, or any error once
 * the job's cancellable is cancelled, ends it as CANCELLED. */
void          _deck_job_fail            (DeckJob      *self,
                                         GError       *error);
/* Ends the job as CANCELLED (nothing was in flight). */
void          _deck_job_cancelled       (DeckJob      *self);
/* Keeps @error (taken) in @first unless it holds one already; an error of
 * the peer's client is prefixed with @peer_label (%NULL: not the peer). */
void          _deck_job_keep_first_error (GError              **first,
                                          GError               *error,
                                          const char           *peer_label);
/* Whether clustering runs on the instance (@info), and on the peer with
 * the same engine when @peer_info is not %NULL. */
gboolean      _deck_job_check_engines   (const HdbServerInfo  *info,
                                         const char           *name,
                                         const HdbServerInfo  *peer_info,
                                         const char           *peer_label,
                                         GError              **error);

G_END_DECLS
