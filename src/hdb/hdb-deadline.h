/* hdb-deadline.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * HdbDeadline: the bound on one network call (a request's attempt, a
 * certificate fetch, a restart monitor's poll). The call runs with a
 * cancellable of its own, cancelled by the caller's cancellable or by a
 * timer; `timed_out` says which, so that the caller's cancellation stays
 * G_IO_ERROR_CANCELLED and the timer's becomes HDB_ERROR_TIMEOUT.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  GCancellable *cancellable;     /* ours: cancelled by the caller's or by the timer */
  GCancellable *caller;
  gulong        caller_handler;
  guint         timer;
  gboolean      timed_out;
} HdbDeadline;

void hdb_deadline_start      (HdbDeadline  *deadline,
                              GCancellable *caller,
                              guint         timeout_ms,
                              const char   *name);
void hdb_deadline_stop_timer (HdbDeadline  *deadline);
void hdb_deadline_clear      (HdbDeadline  *deadline);

G_END_DECLS
