/* hdb-deadline.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The bound on one network call of libhdb: its own cancellable, chained to
 * the caller's and cancelled by a timer (see hdb-deadline.h). The request,
 * the certificate fetch and the restart monitor's polls share it.
 */

#define G_LOG_DOMAIN "hdb-client"

#include "hdb-deadline.h"

static gboolean
on_deadline_timer (gpointer user_data)
{
  HdbDeadline *deadline = user_data;

  deadline->timer = 0;
  deadline->timed_out = TRUE;
  g_cancellable_cancel (deadline->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_caller_cancelled (GCancellable *caller,
                     gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

/**
 * hdb_deadline_start:
 * @deadline: a zeroed or cleared deadline
 * @caller: (nullable): the caller's cancellable
 * @timeout_ms: when the timer cancels
 * @name: the timer source's name, for debugging
 *
 * @deadline must stay where it is (in the call's data) until
 * hdb_deadline_clear(): the timer points at it. A caller's cancellable
 * that is cancelled already cancels ours at once.
 */
void
hdb_deadline_start (HdbDeadline  *deadline,
                    GCancellable *caller,
                    guint         timeout_ms,
                    const char   *name)
{
  g_return_if_fail (deadline->cancellable == NULL);

  deadline->cancellable = g_cancellable_new ();
  deadline->timed_out = FALSE;
  if (caller != NULL)
    {
      deadline->caller = g_object_ref (caller);
      deadline->caller_handler = g_cancellable_connect (caller, G_CALLBACK (on_caller_cancelled),
                                                        deadline->cancellable, NULL);
    }
  deadline->timer = g_timeout_add (timeout_ms, on_deadline_timer, deadline);
  g_source_set_name_by_id (deadline->timer, name);
}

/* The call is over (or no longer bounded): the timer no longer fires. */
void
hdb_deadline_stop_timer (HdbDeadline *deadline)
{
  g_clear_handle_id (&deadline->timer, g_source_remove);
}

/* Drops all the deadline holds and forgets whether it timed out; it may be
 * started again. */
void
hdb_deadline_clear (HdbDeadline *deadline)
{
  g_clear_handle_id (&deadline->timer, g_source_remove);
  if (deadline->caller_handler != 0)
    g_cancellable_disconnect (deadline->caller, deadline->caller_handler);
  deadline->caller_handler = 0;
  g_clear_object (&deadline->caller);
  g_clear_object (&deadline->cancellable);
  deadline->timed_out = FALSE;
}
