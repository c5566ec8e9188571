/* deck-restart-monitor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Follows one restart of a Harper instance from the request until the
 * instance works again (DESIGN.md §4). Harper 4.4 answers `restart` at once
 * and then replaces its worker threads: the old workers keep answering for a
 * moment, then the port refuses connections for a second or two, then the new
 * workers answer. Only a changed set of worker threads, or an answer after the
 * port went quiet, shows that the restart happened; an answer alone may come
 * from a worker that is about to go.
 *
 * One request runs at a time. Every request has its own short timeout, so a
 * hung server costs one poll and not the whole wait, and the pause between
 * polls stays short once the server has stopped answering: the caller learns
 * within a fraction of a second that the instance is back.
 */

#define G_LOG_DOMAIN "deck-restart-monitor"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "deck-restart-monitor.h"

#define DEFAULT_TIMEOUT_MS   120000
#define RECORD_TIMEOUT_MS    5000    /* the threads before the restart */
#define POLL_TIMEOUT_MS      2000    /* one poll request */
#define TICK_MS              200     /* "elapsed" is notified at least this often */
#define FAILING_INTERVAL_MS  50      /* between polls once the server stopped answering: a
                                        * refused connection costs nothing, and the instance
                                        * is seen back within this of answering again */
#define VERIFY_INTERVAL_MS   250
#define NO_JOB_SETTLE_US     G_USEC_PER_SEC

/* The first poll comes soon after the reply (a quick restart may be over in
 * a second); the pause never grows past half a second, so "back" is seen
 * within that plus the time of three small requests. */
static const guint backoff_ms[] = { 100, 150, 250, 250, 500 };

typedef struct _Call Call;

struct _DeckRestartMonitor
{
  GObject           parent_instance;

  HdbClient        *client;
  char             *name;
  DeckRestartPhase  phase;
  char             *message;
  double            elapsed;
  guint             timeout_ms;

  /* The running run or keep_waiting; NULL while idle. */
  GTask            *task;
  GSource          *cancel_source;
  Call             *call;            /* the request in flight: at most one */
  guint             poll_source;
  guint             tick_source;
  guint             deadline_source;

  /* What is known about the restart. Kept after a timeout: keep_waiting
   * judges the instance against the same "before". */
  DeckRestartKind   kind;
  GArray           *threads_before;  /* worker thread ids; NULL if unknown */
  char             *job_id;
  gint64            sent_time;       /* monotonic µs; 0 until the request went out */
  gint64            reply_time;
  gint64            back_time;
  guint             n_polls;
  gboolean          saw_failure;     /* a poll failed since the restart was sent */
  gboolean          failing;         /* the last request failed */
  gboolean          answering_old;   /* answers, but with the workers from before */
  gboolean          job_running;
  gboolean          job_done;
  gboolean          timed_out;       /* the last wait ended with a timeout */
  char             *last_error;      /* the last failure, a sentence */
  const char       *last_reason;     /* the same in a few words */
  gboolean          heard;           /* a poll came back since the restart */
};

/* One request with its own timeout. The callback gets the Call, and learns
 * from call_end() whether the request still matters: the operation may have
 * ended (done, timed out, cancelled) while it was on its way. */
struct _Call
{
  DeckRestartMonitor *self;
  GCancellable       *cancellable;
  guint               timer;
  guint               timeout_ms;
  gboolean            timed_out;
};

G_DEFINE_FINAL_TYPE (DeckRestartMonitor, deck_restart_monitor, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (DeckRestartPhase, deck_restart_phase,
  G_DEFINE_ENUM_VALUE (DECK_RESTART_PHASE_IDLE, "idle"),
  G_DEFINE_ENUM_VALUE (DECK_RESTART_PHASE_WRITING_CONFIGURATION, "writing-configuration"),
  G_DEFINE_ENUM_VALUE (DECK_RESTART_PHASE_RESTARTING, "restarting"),
  G_DEFINE_ENUM_VALUE (DECK_RESTART_PHASE_WAITING, "waiting"),
  G_DEFINE_ENUM_VALUE (DECK_RESTART_PHASE_VERIFYING, "verifying"),
  G_DEFINE_ENUM_VALUE (DECK_RESTART_PHASE_DONE, "done"),
  G_DEFINE_ENUM_VALUE (DECK_RESTART_PHASE_FAILED, "failed"))

G_DEFINE_QUARK (deck-restart-error-quark, deck_restart_error)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_NAME,
  PROP_PHASE,
  PROP_ELAPSED,
  PROP_MESSAGE,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void schedule_poll (DeckRestartMonitor *self);
static void set_phase     (DeckRestartMonitor *self,
                           DeckRestartPhase    phase);
static void verify_step   (DeckRestartMonitor *self);

/**
 * deck_restart_phase_describe:
 * @phase: a phase
 *
 * Returns: a short translated text for @phase, for a status line
 */
const char *
deck_restart_phase_describe (DeckRestartPhase phase)
{
  switch (phase)
    {
    case DECK_RESTART_PHASE_IDLE:
      return _("Idle");
    case DECK_RESTART_PHASE_WRITING_CONFIGURATION:
      return _("Writing configuration");
    case DECK_RESTART_PHASE_RESTARTING:
      return _("Restarting");
    case DECK_RESTART_PHASE_WAITING:
      return _("Waiting for the instance");
    case DECK_RESTART_PHASE_VERIFYING:
      return _("Verifying");
    case DECK_RESTART_PHASE_DONE:
      return _("Done");
    case DECK_RESTART_PHASE_FAILED:
      return _("Failed");
    default:
      g_return_val_if_reached ("");
    }
}

/* Properties --------------------------------------------------------------- */

static void
set_message (DeckRestartMonitor *self,
             const char         *message)
{
  if (g_strcmp0 (self->message, message) == 0)
    return;
  g_free (self->message);
  self->message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
}

static void
update_elapsed (DeckRestartMonitor *self)
{
  if (self->sent_time == 0)
    return;
  self->elapsed = (g_get_monotonic_time () - self->sent_time) / (double) G_USEC_PER_SEC;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ELAPSED]);
}

/* The message while waiting: what the last request showed, and how long the
 * restart has been going on. */
static void
update_message (DeckRestartMonitor *self)
{
  g_autofree char *text = NULL;

  if (self->task == NULL || self->sent_time == 0)
    return;

  if (self->phase == DECK_RESTART_PHASE_WAITING)
    {
      /* Until a poll came back, the message about the restart's answer stays. */
      if (!self->heard)
        return;
      if (self->failing)
        text = g_strdup_printf (_("Waiting for %s to answer again (%s, %.1f s)"),
                                self->name, self->last_reason, self->elapsed);
      else if (self->job_running)
        text = g_strdup_printf (_("Waiting for the restart job on %s to finish (%.1f s)"),
                                self->name, self->elapsed);
      else if (self->answering_old)
        text = g_strdup_printf (_("Waiting for %s to restart: its old workers still answer "
                                  "(%.1f s)"), self->name, self->elapsed);
      else
        text = g_strdup_printf (_("Waiting for %s to restart (%.1f s)"),
                                self->name, self->elapsed);
    }
  else if (self->phase == DECK_RESTART_PHASE_VERIFYING)
    {
      if (self->failing)
        text = g_strdup_printf (_("Checking %s after the restart (%s, %.1f s)"),
                                self->name, self->last_reason, self->elapsed);
      else if (self->job_running)
        text = g_strdup_printf (_("%s answers again; waiting for its restart job to finish "
                                  "(%.1f s)"), self->name, self->elapsed);
      else
        text = g_strdup_printf (_("%s answers again after %.1f s; checking that it works"),
                                self->name,
                                (self->back_time - self->sent_time) / (double) G_USEC_PER_SEC);
    }

  if (text != NULL)
    set_message (self, text);
}

static char *
default_name (HdbClient *client)
{
  g_autoptr(GUri) uri = g_uri_parse (hdb_client_get_base_url (client), G_URI_FLAGS_NONE, NULL);

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return g_strdup (hdb_client_get_base_url (client));
  if (g_uri_get_port (uri) < 0)
    return g_strdup (g_uri_get_host (uri));
  return g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
}

/* Requests ----------------------------------------------------------------- */

static gboolean
on_call_timeout (gpointer user_data)
{
  Call *call = user_data;

  call->timer = 0;
  call->timed_out = TRUE;
  g_cancellable_cancel (call->cancellable);
  return G_SOURCE_REMOVE;
}

static Call *
call_start (DeckRestartMonitor *self,
            guint               timeout_ms)
{
  Call *call;

  g_assert (self->call == NULL);

  call = g_new0 (Call, 1);
  call->self = g_object_ref (self);
  call->cancellable = g_cancellable_new ();
  call->timeout_ms = timeout_ms;
  call->timer = g_timeout_add (timeout_ms, on_call_timeout, call);
  g_source_set_name_by_id (call->timer, "[deck] restart monitor request timeout");
  self->call = call;
  return call;
}

/* Frees @call. Returns the monitor if the request still matters, else
 * %NULL. A request that ran out of time comes back as G_IO_ERROR_CANCELLED
 * (our timer cancelled its cancellable); it is turned into a timeout here. */
static DeckRestartMonitor *
call_end (Call    *call,
          GError **error)
{
  DeckRestartMonitor *self = call->self;
  gboolean current = self->call == call;

  if (current)
    self->call = NULL;

  if (current && call->timed_out && error != NULL &&
      g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (error);
      hdb_set_error (error, HDB_ERROR_TIMEOUT, 0, NULL,
                     _("%s did not answer within %.1f s."), self->name,
                     call->timeout_ms / 1000.0);
    }

  g_clear_handle_id (&call->timer, g_source_remove);
  g_clear_object (&call->cancellable);
  /* While the call is current the task holds the monitor: this is not the
   * last reference. */
  g_clear_object (&call->self);
  g_free (call);

  return current ? self : NULL;
}

/* Ending ------------------------------------------------------------------- */

static void
stop_everything (DeckRestartMonitor *self)
{
  g_clear_handle_id (&self->poll_source, g_source_remove);
  g_clear_handle_id (&self->tick_source, g_source_remove);
  g_clear_handle_id (&self->deadline_source, g_source_remove);
  if (self->cancel_source != NULL)
    {
      g_source_destroy (self->cancel_source);
      g_clear_pointer (&self->cancel_source, g_source_unref);
    }
  /* Its callback still runs, sees that it is no longer current, and frees it. */
  if (self->call != NULL)
    {
      g_cancellable_cancel (self->call->cancellable);
      self->call = NULL;
    }
}

static void
finish_done (DeckRestartMonitor *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);
  g_autofree char *text = NULL;

  stop_everything (self);
  update_elapsed (self);
  set_phase (self, DECK_RESTART_PHASE_DONE);
  text = g_strdup_printf (_("Back after %.1f s"), self->elapsed);
  set_message (self, text);
  g_debug ("%s is back after %.2f s", self->name, self->elapsed);

  g_task_return_boolean (task, TRUE);
}

static void
finish_failed (DeckRestartMonitor *self,
               DeckRestartError    code,
               const char         *message)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  stop_everything (self);
  update_elapsed (self);
  self->timed_out = code == DECK_RESTART_ERROR_TIMEOUT;
  set_phase (self, DECK_RESTART_PHASE_FAILED);
  set_message (self, message);
  g_debug ("Restart of %s failed: %s", self->name, message);

  g_task_return_new_error (task, DECK_RESTART_ERROR, code, "%s", message);
}

/* Cancelling leaves the properties as they are: the caller asked to stop
 * hearing about this restart, so nothing is notified any more. */
static void
finish_cancelled (DeckRestartMonitor *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  stop_everything (self);
  if (!g_task_return_error_if_cancelled (task))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             "The restart monitor was cancelled");
}

/* TRUE (and the task ended) when the caller cancelled. Checked at every
 * step: a timer may fire in the same main loop iteration as the
 * cancellation, before the cancellable's own source runs. */
static gboolean
check_cancelled (DeckRestartMonitor *self)
{
  if (self->task == NULL)
    return TRUE;
  if (!g_cancellable_is_cancelled (g_task_get_cancellable (self->task)))
    return FALSE;
  finish_cancelled (self);
  return TRUE;
}

static gboolean
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  DeckRestartMonitor *self = user_data;

  g_clear_pointer (&self->cancel_source, g_source_unref);
  if (self->task != NULL)
    finish_cancelled (self);
  return G_SOURCE_REMOVE;
}

static char *
describe_timeout (DeckRestartMonitor *self)
{
  if (self->failing && self->last_error != NULL)
    return g_strdup_printf (_("%s is still not answering after %.0f s. The last attempt said: "
                              "%s You can keep waiting for it, or check the server."),
                            self->name, self->elapsed, self->last_error);
  if (self->phase == DECK_RESTART_PHASE_VERIFYING)
    return g_strdup_printf (_("%s answers again, but the check after the restart has not "
                              "succeeded after %.0f s. You can keep waiting for it."),
                            self->name, self->elapsed);
  if (self->job_running)
    return g_strdup_printf (_("The restart job on %s has not finished after %.0f s. You can "
                              "keep waiting for it."), self->name, self->elapsed);
  if (self->answering_old)
    return g_strdup_printf (_("%s still answers after %.0f s, but with the workers it had "
                              "before the restart: it has not restarted yet. You can keep "
                              "waiting for it."), self->name, self->elapsed);
  return g_strdup_printf (_("%s has not answered after %.0f s. You can keep waiting for it."),
                          self->name, self->elapsed);
}

static gboolean
on_deadline (gpointer user_data)
{
  DeckRestartMonitor *self = user_data;
  g_autofree char *text = NULL;

  self->deadline_source = 0;
  if (check_cancelled (self))
    return G_SOURCE_REMOVE;

  update_elapsed (self);
  text = describe_timeout (self);
  finish_failed (self, DECK_RESTART_ERROR_TIMEOUT, text);
  return G_SOURCE_REMOVE;
}

static gboolean
on_tick (gpointer user_data)
{
  DeckRestartMonitor *self = user_data;

  if (check_cancelled (self))
    {
      self->tick_source = 0;
      return G_SOURCE_REMOVE;
    }
  update_elapsed (self);
  update_message (self);
  return G_SOURCE_CONTINUE;
}

static void
set_phase (DeckRestartMonitor *self,
           DeckRestartPhase    phase)
{
  if (self->phase == phase)
    return;
  self->phase = phase;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PHASE]);
}

/* Judging the answers ------------------------------------------------------ */

static const char *
short_reason (const GError *error)
{
  if (error->domain != HDB_ERROR)
    return _("error");

  switch ((HdbError) error->code)
    {
    case HDB_ERROR_NETWORK:
      return _("no connection");
    case HDB_ERROR_TIMEOUT:
      return _("no answer");
    case HDB_ERROR_SERVER:
      return _("server error");
    case HDB_ERROR_INVALID_RESPONSE:
      return _("unexpected answer");
    case HDB_ERROR_TLS:
      return _("TLS error");
    case HDB_ERROR_AUTH:
    case HDB_ERROR_FORBIDDEN:
      return _("login refused");
    case HDB_ERROR_HARPER:
    default:
      return _("error");
    }
}

/* Errors that mean "still restarting"; anything else is a real answer. */
static gboolean
is_not_answering (const GError *error)
{
  return g_error_matches (error, HDB_ERROR, HDB_ERROR_NETWORK) ||
         g_error_matches (error, HDB_ERROR, HDB_ERROR_TIMEOUT) ||
         g_error_matches (error, HDB_ERROR, HDB_ERROR_SERVER) ||
         g_error_matches (error, HDB_ERROR, HDB_ERROR_INVALID_RESPONSE) ||
         g_error_matches (error, HDB_ERROR, HDB_ERROR_TLS);
}

static void
note_failure (DeckRestartMonitor *self,
              const GError       *error)
{
  self->saw_failure = TRUE;
  self->failing = TRUE;
  self->answering_old = FALSE;
  g_free (self->last_error);
  self->last_error = g_strdup (error->message);
  self->last_reason = short_reason (error);
  self->heard = TRUE;
  g_debug ("%s: %s", self->name, error->message);
  update_message (self);
}

static gboolean
thread_sets_disjoint (GArray *a,
                      GArray *b)
{
  for (guint i = 0; i < a->len; i++)
    for (guint j = 0; j < b->len; j++)
      if (g_array_index (a, gint64, i) == g_array_index (b, gint64, j))
        return FALSE;
  return TRUE;
}

static gint64
thread_max (GArray *threads)
{
  gint64 max = -1;

  for (guint i = 0; i < threads->len; i++)
    max = MAX (max, g_array_index (threads, gint64, i));
  return max;
}

/* Whether an answer with @threads (NULL: not known) shows that the restart
 * happened. */
static gboolean
is_back (DeckRestartMonitor *self,
         GArray             *threads)
{
  /* An answer that lists no worker at all is from a server in between. */
  if (threads != NULL && threads->len == 0)
    return FALSE;

  /* Every worker was replaced: the rolling restart of 4.4 is over. */
  if (threads != NULL && self->threads_before != NULL &&
      thread_sets_disjoint (threads, self->threads_before))
    return TRUE;

  /* Otherwise only an answer after the server stopped answering counts. */
  if (!self->saw_failure)
    return FALSE;
  if (threads == NULL || self->threads_before == NULL)
    return TRUE;

  /* A new process numbers its workers from 1 again, so its ids are not
   * above the old ones. A mix of old ids and higher new ones is a rolling
   * restart half-way (a dying worker dropped a connection while another old
   * one still serves): not yet. */
  return thread_max (threads) <= thread_max (self->threads_before);
}

static void
become_back (DeckRestartMonitor *self)
{
  self->back_time = g_get_monotonic_time ();
  self->failing = FALSE;
  self->answering_old = FALSE;
  self->job_running = FALSE;
  set_phase (self, DECK_RESTART_PHASE_VERIFYING);
  update_message (self);
  verify_step (self);
}

static void
keep_polling_answered (DeckRestartMonitor *self)
{
  self->failing = FALSE;
  self->answering_old = TRUE;
  self->heard = TRUE;
  update_message (self);
  schedule_poll (self);
}

static void
on_job (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(HdbJob) job = NULL;
  g_autoptr(GError) error = NULL;
  DeckRestartMonitor *self;

  job = hdb_client_get_job_finish (HDB_CLIENT (source), result, &error);
  if ((self = call_end (user_data, &error)) == NULL || check_cancelled (self))
    return;

  if (job == NULL && is_not_answering (error))
    {
      note_failure (self, error);
      schedule_poll (self);
      return;
    }

  if (job == NULL || job->status == HDB_JOB_STATUS_UNKNOWN)
    {
      /* No verdict from the job (gone, refused, or without a status):
       * judge by the answers alone, as without a job. */
      g_debug ("No status for job %s of %s: %s", self->job_id, self->name,
               error != NULL ? error->message : "no status in the answer");
      g_clear_pointer (&self->job_id, g_free);
      self->failing = FALSE;
      if (self->phase == DECK_RESTART_PHASE_VERIFYING)
        verify_step (self);
      else
        schedule_poll (self);
      return;
    }

  if (job->status == HDB_JOB_STATUS_COMPLETE)
    {
      self->job_done = TRUE;
      self->job_running = FALSE;
      if (self->phase == DECK_RESTART_PHASE_VERIFYING)
        verify_step (self);
      else
        become_back (self);
    }
  else if (job->status == HDB_JOB_STATUS_ERROR)
    {
      g_autofree char *text = NULL;

      text = g_strdup_printf (_("The restart job on %s failed: %s"), self->name,
                              job->message ?: _("no reason given"));
      finish_failed (self, DECK_RESTART_ERROR_NOT_VERIFIED, text);
    }
  else
    {
      self->failing = FALSE;
      self->job_running = TRUE;
      update_message (self);
      schedule_poll (self);
    }
}

static void
job_step (DeckRestartMonitor *self)
{
  Call *call = call_start (self, POLL_TIMEOUT_MS);

  hdb_client_get_job_async (self->client, self->job_id, POLL_TIMEOUT_MS, call->cancellable,
                            on_job, call);
}

static void
on_verify_user_info (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(HdbUserInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  DeckRestartMonitor *self;

  info = hdb_client_user_info_finish (HDB_CLIENT (source), result, &error);
  if ((self = call_end (user_data, &error)) == NULL || check_cancelled (self))
    return;

  if (info != NULL)
    {
      finish_done (self);
      return;
    }

  if (is_not_answering (error))
    {
      note_failure (self, error);
      schedule_poll (self);
      return;
    }

  text = g_strdup_printf (_("%s answers again, but the check after the restart failed: %s"),
                          self->name, error->message);
  finish_failed (self, DECK_RESTART_ERROR_NOT_VERIFIED, text);
}

/* VERIFYING: the restart job (if it has one and it matters), then a login. */
static void
verify_step (DeckRestartMonitor *self)
{
  Call *call;

  if (self->kind == DECK_RESTART_KIND_HTTP_WORKERS && self->job_id != NULL && !self->job_done)
    {
      job_step (self);
      return;
    }

  call = call_start (self, POLL_TIMEOUT_MS);
  hdb_client_user_info_async (self->client, call->cancellable, on_verify_user_info, call);
}

static void
on_poll_threads (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GArray) threads = NULL;
  g_autoptr(GError) error = NULL;
  DeckRestartMonitor *self;

  threads = hdb_client_system_threads_finish (HDB_CLIENT (source), result, &error);
  if ((self = call_end (user_data, &error)) == NULL || check_cancelled (self))
    return;

  if (threads == NULL && is_not_answering (error))
    {
      note_failure (self, error);
      schedule_poll (self);
      return;
    }
  if (threads == NULL)
    g_debug ("%s answers, but not with its threads: %s", self->name, error->message);

  if (is_back (self, threads))
    become_back (self);
  else
    keep_polling_answered (self);
}

static void
on_poll_health (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  DeckRestartMonitor *self;
  Call *call;

  hdb_client_health_finish (HDB_CLIENT (source), result, &error);
  if ((self = call_end (user_data, &error)) == NULL || check_cancelled (self))
    return;

  if (error != NULL)
    {
      note_failure (self, error);
      schedule_poll (self);
      return;
    }

  if (self->kind == DECK_RESTART_KIND_CLUSTERING_CONFIG)
    {
      /* NATS reloads its configuration; the HTTP workers may stay as they
       * are. The job says when the reload is over. Without one, an answer a
       * second after the request is the best there is. */
      if (self->job_id != NULL && !self->job_done)
        job_step (self);
      else if (self->job_done || self->saw_failure ||
               g_get_monotonic_time () - self->reply_time >= NO_JOB_SETTLE_US)
        become_back (self);
      else
        keep_polling_answered (self);
      return;
    }

  if (self->threads_before == NULL)
    {
      if (is_back (self, NULL))
        become_back (self);
      else
        keep_polling_answered (self);
      return;
    }

  call = call_start (self, POLL_TIMEOUT_MS);
  hdb_client_system_threads_async (self->client, call->cancellable, on_poll_threads, call);
}

static gboolean
on_poll_timer (gpointer user_data)
{
  DeckRestartMonitor *self = user_data;
  Call *call;

  self->poll_source = 0;
  if (check_cancelled (self))
    return G_SOURCE_REMOVE;

  if (self->phase == DECK_RESTART_PHASE_VERIFYING)
    {
      verify_step (self);
      return G_SOURCE_REMOVE;
    }

  /* /health first: it needs no login and costs the server nothing. */
  call = call_start (self, POLL_TIMEOUT_MS);
  hdb_client_health_async (self->client, POLL_TIMEOUT_MS, call->cancellable, on_poll_health,
                           call);
  return G_SOURCE_REMOVE;
}

static void
schedule_poll (DeckRestartMonitor *self)
{
  guint delay;

  g_assert (self->poll_source == 0 && self->call == NULL);

  if (self->phase == DECK_RESTART_PHASE_VERIFYING)
    delay = VERIFY_INTERVAL_MS;
  else
    delay = backoff_ms[MIN (self->n_polls, G_N_ELEMENTS (backoff_ms) - 1)];
  /* Once it stopped answering, it comes back within seconds: look often. */
  if (self->saw_failure)
    delay = MIN (delay, FAILING_INTERVAL_MS);
  self->n_polls++;

  self->poll_source = g_timeout_add (delay, on_poll_timer, self);
  g_source_set_name_by_id (self->poll_source, "[deck] restart monitor poll");
}

/* Running ------------------------------------------------------------------ */

static void
begin (DeckRestartMonitor *self,
       GTask              *task)
{
  GCancellable *cancellable = g_task_get_cancellable (task);

  self->task = task;
  if (cancellable != NULL)
    {
      self->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (self->cancel_source, G_SOURCE_FUNC (on_cancelled), self, NULL);
      g_source_set_name (self->cancel_source, "[deck] restart monitor cancelled");
      g_source_attach (self->cancel_source, g_task_get_context (task));
    }
}

static void
start_tick (DeckRestartMonitor *self)
{
  g_clear_handle_id (&self->tick_source, g_source_remove);
  self->tick_source = g_timeout_add (TICK_MS, on_tick, self);
  g_source_set_name_by_id (self->tick_source, "[deck] restart monitor elapsed");
}

static void
enter_waiting (DeckRestartMonitor *self)
{
  self->n_polls = 0;
  self->back_time = 0;
  set_phase (self, DECK_RESTART_PHASE_WAITING);
  update_message (self);

  self->deadline_source = g_timeout_add (self->timeout_ms, on_deadline, self);
  g_source_set_name_by_id (self->deadline_source, "[deck] restart monitor timeout");
  schedule_poll (self);
}

static void
on_restart_sent (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(HdbRestartReply) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  DeckRestartMonitor *self;

  if (call->self->kind == DECK_RESTART_KIND_RESTART)
    reply = hdb_client_restart_finish (HDB_CLIENT (source), result, &error);
  else
    reply = hdb_client_restart_service_finish (HDB_CLIENT (source), result, &error);
  if ((self = call_end (call, &error)) == NULL || check_cancelled (self))
    return;

  self->reply_time = g_get_monotonic_time ();
  update_elapsed (self);

  if (reply != NULL)
    {
      self->job_id = g_strdup (reply->job_id);
      text = g_strdup_printf (_("%s accepted the restart; waiting for it to answer again"),
                              self->name);
    }
  else if (g_error_matches (error, HDB_ERROR, HDB_ERROR_NETWORK))
    {
      /* Harper closes the connection right after answering `restart`; a
       * broken connection here most likely means the restart is under way. */
      text = g_strdup_printf (_("%s is probably restarting: the connection broke after the "
                                "restart request (%s)"), self->name, error->message);
    }
  else
    {
      finish_failed (self, DECK_RESTART_ERROR_REFUSED, error->message);
      return;
    }

  set_message (self, text);
  enter_waiting (self);
}

static void
send_restart (DeckRestartMonitor *self)
{
  Call *call;

  /* The restart request may take the client's usual time. */
  call = call_start (self, hdb_client_get_timeout (self->client));
  self->sent_time = g_get_monotonic_time ();
  self->elapsed = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ELAPSED]);
  start_tick (self);

  switch (self->kind)
    {
    case DECK_RESTART_KIND_RESTART:
      hdb_client_restart_async (self->client, call->cancellable, on_restart_sent, call);
      break;
    case DECK_RESTART_KIND_HTTP_WORKERS:
      hdb_client_restart_service_async (self->client, "http_workers", call->cancellable,
                                        on_restart_sent, call);
      break;
    case DECK_RESTART_KIND_CLUSTERING_CONFIG:
      hdb_client_restart_service_async (self->client, "clustering_config", call->cancellable,
                                        on_restart_sent, call);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
on_threads_recorded (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GArray) threads = NULL;
  g_autoptr(GError) error = NULL;
  DeckRestartMonitor *self;

  threads = hdb_client_system_threads_finish (HDB_CLIENT (source), result, &error);
  if ((self = call_end (user_data, &error)) == NULL || check_cancelled (self))
    return;

  /* Without them, "back" is an answer after a failed poll (see is_back). */
  if (threads == NULL || threads->len == 0)
    g_debug ("The worker threads of %s are not known: %s", self->name,
             error != NULL ? error->message : "none listed");
  else
    self->threads_before = g_steal_pointer (&threads);

  send_restart (self);
}

static void
reset_knowledge (DeckRestartMonitor *self)
{
  g_clear_pointer (&self->threads_before, g_array_unref);
  g_clear_pointer (&self->job_id, g_free);
  g_clear_pointer (&self->last_error, g_free);
  self->last_reason = NULL;
  self->sent_time = 0;
  self->reply_time = 0;
  self->back_time = 0;
  self->n_polls = 0;
  self->saw_failure = FALSE;
  self->failing = FALSE;
  self->answering_old = FALSE;
  self->job_running = FALSE;
  self->job_done = FALSE;
  self->timed_out = FALSE;
  self->heard = FALSE;
}

/**
 * deck_restart_monitor_run_async:
 * @self: a monitor
 * @kind: which restart to send
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the instance is back, or the monitor gave up
 * @user_data: data for @callback
 *
 * Records the worker threads, sends the restart, and follows the instance
 * until it works again (see the file's comment). One run or keep_waiting
 * at a time; a second one fails with %G_IO_ERROR_PENDING.
 */
void
deck_restart_monitor_run_async (DeckRestartMonitor  *self,
                                DeckRestartKind      kind,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *text = NULL;
  Call *call;

  g_return_if_fail (DECK_IS_RESTART_MONITOR (self));
  g_return_if_fail (kind <= DECK_RESTART_KIND_CLUSTERING_CONFIG);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, deck_restart_monitor_run_async);
  g_task_set_name (task, "[deck] restart monitor run");

  if (self->task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("A restart of %s is already being followed."), self->name);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  reset_knowledge (self);
  self->kind = kind;
  self->elapsed = 0;
  begin (self, g_steal_pointer (&task));

  set_phase (self, DECK_RESTART_PHASE_RESTARTING);
  text = g_strdup_printf (_("Asking %s to restart"), self->name);
  set_message (self, text);

  call = call_start (self, RECORD_TIMEOUT_MS);
  hdb_client_system_threads_async (self->client, call->cancellable, on_threads_recorded, call);
}

/**
 * deck_restart_monitor_run_finish:
 * @self: a monitor
 * @result: the result
 * @error: return location for a #DeckRestartError, an #HdbError or
 *   %G_IO_ERROR_CANCELLED
 *
 * Returns: %TRUE if the instance is back and works
 */
gboolean
deck_restart_monitor_run_finish (DeckRestartMonitor  *self,
                                 GAsyncResult        *result,
                                 GError             **error)
{
  g_return_val_if_fail (DECK_IS_RESTART_MONITOR (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        deck_restart_monitor_run_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * deck_restart_monitor_keep_waiting_async:
 * @self: a monitor whose last run or keep_waiting ended with
 *   %DECK_RESTART_ERROR_TIMEOUT
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the instance is back, or the monitor gave up again
 * @user_data: data for @callback
 *
 * Waits another timeout period for the same restart: no new request is
 * sent, and the instance is judged against the worker threads it had
 * before the restart. "elapsed" keeps counting from the restart request.
 */
void
deck_restart_monitor_keep_waiting_async (DeckRestartMonitor  *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DECK_IS_RESTART_MONITOR (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, deck_restart_monitor_keep_waiting_async);
  g_task_set_name (task, "[deck] restart monitor keep waiting");

  if (self->task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("A restart of %s is already being followed."), self->name);
      return;
    }
  if (!self->timed_out || self->sent_time == 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("There is no restart of %s to keep waiting for."), self->name);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  self->timed_out = FALSE;
  begin (self, g_steal_pointer (&task));
  update_elapsed (self);
  start_tick (self);
  enter_waiting (self);
}

/**
 * deck_restart_monitor_keep_waiting_finish:
 * @self: a monitor
 * @result: the result
 * @error: return location for a #DeckRestartError or %G_IO_ERROR_CANCELLED
 *
 * Returns: %TRUE if the instance is back and works
 */
gboolean
deck_restart_monitor_keep_waiting_finish (DeckRestartMonitor  *self,
                                          GAsyncResult        *result,
                                          GError             **error)
{
  g_return_val_if_fail (DECK_IS_RESTART_MONITOR (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        deck_restart_monitor_keep_waiting_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* GObject ------------------------------------------------------------------ */

static void
deck_restart_monitor_dispose (GObject *object)
{
  DeckRestartMonitor *self = DECK_RESTART_MONITOR (object);

  /* A running task holds the monitor, so this is the idle case (or
   * g_object_run_dispose): make sure no timer points here any more. */
  stop_everything (self);
  g_clear_object (&self->task);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (deck_restart_monitor_parent_class)->dispose (object);
}

static void
deck_restart_monitor_finalize (GObject *object)
{
  DeckRestartMonitor *self = DECK_RESTART_MONITOR (object);

  g_free (self->name);
  g_free (self->message);
  g_clear_pointer (&self->threads_before, g_array_unref);
  g_free (self->job_id);
  g_free (self->last_error);

  G_OBJECT_CLASS (deck_restart_monitor_parent_class)->finalize (object);
}

static void
deck_restart_monitor_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  DeckRestartMonitor *self = DECK_RESTART_MONITOR (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_PHASE:
      g_value_set_enum (value, self->phase);
      break;
    case PROP_ELAPSED:
      g_value_set_double (value, self->elapsed);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_restart_monitor_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  DeckRestartMonitor *self = DECK_RESTART_MONITOR (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    case PROP_NAME:
      deck_restart_monitor_set_name (self, g_value_get_string (value));
      break;
    case PROP_PHASE:
      deck_restart_monitor_set_phase (self, g_value_get_enum (value));
      break;
    case PROP_TIMEOUT:
      deck_restart_monitor_set_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_restart_monitor_constructed (GObject *object)
{
  DeckRestartMonitor *self = DECK_RESTART_MONITOR (object);

  G_OBJECT_CLASS (deck_restart_monitor_parent_class)->constructed (object);

  g_assert (HDB_IS_CLIENT (self->client));
  if (self->name == NULL)
    self->name = default_name (self->client);
}

static void
deck_restart_monitor_class_init (DeckRestartMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = deck_restart_monitor_constructed;
  object_class->dispose = deck_restart_monitor_dispose;
  object_class->finalize = deck_restart_monitor_finalize;
  object_class->get_property = deck_restart_monitor_get_property;
  object_class->set_property = deck_restart_monitor_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, HDB_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * DeckRestartMonitor:name:
   *
   * What the messages call the instance; host:port of the client's URL
   * unless set.
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PHASE] =
    g_param_spec_enum ("phase", NULL, NULL,
                       DECK_TYPE_RESTART_PHASE, DECK_RESTART_PHASE_IDLE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * DeckRestartMonitor:elapsed:
   *
   * Seconds since the restart request was sent; notified at least every
   * 250 ms while a run or keep_waiting is going on.
   */
  properties[PROP_ELAPSED] =
    g_param_spec_double ("elapsed", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * DeckRestartMonitor:message: (nullable)
   *
   * What is known about the restart, in a sentence for the user.
   */
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * DeckRestartMonitor:timeout:
   *
   * How long to wait (ms) for the instance to come back, counted from the
   * restart's answer, or from keep_waiting. A change applies to the next
   * wait.
   */
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 1, G_MAXUINT, DEFAULT_TIMEOUT_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
deck_restart_monitor_init (DeckRestartMonitor *self)
{
  self->timeout_ms = DEFAULT_TIMEOUT_MS;
  self->phase = DECK_RESTART_PHASE_IDLE;
}

/**
 * deck_restart_monitor_new:
 * @client: the client of the instance to restart (a super user's login)
 *
 * Returns: (transfer full): a monitor, idle
 */
DeckRestartMonitor *
deck_restart_monitor_new (HdbClient *client)
{
  g_return_val_if_fail (HDB_IS_CLIENT (client), NULL);

  return g_object_new (DECK_TYPE_RESTART_MONITOR, "client", client, NULL);
}

/**
 * deck_restart_monitor_get_client:
 * @self: a monitor
 *
 * Returns: (transfer none): the client the monitor uses
 */
HdbClient *
deck_restart_monitor_get_client (DeckRestartMonitor *self)
{
  g_return_val_if_fail (DECK_IS_RESTART_MONITOR (self), NULL);
  return self->client;
}

const char *
deck_restart_monitor_get_name (DeckRestartMonitor *self)
{
  g_return_val_if_fail (DECK_IS_RESTART_MONITOR (self), NULL);
  return self->name;
}

/**
 * deck_restart_monitor_set_name:
 * @self: a monitor
 * @name: (nullable): what the messages call the instance (its name in the
 *   app); %NULL for host:port
 */
void
deck_restart_monitor_set_name (DeckRestartMonitor *self,
                               const char         *name)
{
  g_autofree char *fallback = NULL;

  g_return_if_fail (DECK_IS_RESTART_MONITOR (self));

  /* During construction the client may not be set yet: constructed() fills
   * in the default. */
  if ((name == NULL || *name == '\0') && self->client != NULL)
    name = fallback = default_name (self->client);
  else if (name != NULL && *name == '\0')
    name = NULL;

  if (g_strcmp0 (self->name, name) == 0)
    return;
  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

DeckRestartPhase
deck_restart_monitor_get_phase (DeckRestartMonitor *self)
{
  g_return_val_if_fail (DECK_IS_RESTART_MONITOR (self), DECK_RESTART_PHASE_IDLE);
  return self->phase;
}

/**
 * deck_restart_monitor_set_phase:
 * @self: a monitor
 * @phase: the phase to show
 *
 * For the caller's own steps around a restart, such as
 * %DECK_RESTART_PHASE_WRITING_CONFIGURATION before deck_restart_monitor_run_async().
 * While a run is going on, the monitor sets the phases itself.
 */
void
deck_restart_monitor_set_phase (DeckRestartMonitor *self,
                                DeckRestartPhase    phase)
{
  g_return_if_fail (DECK_IS_RESTART_MONITOR (self));
  g_return_if_fail (phase <= DECK_RESTART_PHASE_FAILED);

  set_phase (self, phase);
}

double
deck_restart_monitor_get_elapsed (DeckRestartMonitor *self)
{
  g_return_val_if_fail (DECK_IS_RESTART_MONITOR (self), 0);
  return self->elapsed;
}

const char *
deck_restart_monitor_get_message (DeckRestartMonitor *self)
{
  g_return_val_if_fail (DECK_IS_RESTART_MONITOR (self), NULL);
  return self->message;
}

guint
deck_restart_monitor_get_timeout (DeckRestartMonitor *self)
{
  g_return_val_if_fail (DECK_IS_RESTART_MONITOR (self), 0);
  return self->timeout_ms;
}

/**
 * deck_restart_monitor_set_timeout:
 * @self: a monitor
 * @timeout_ms: how long to wait for the instance to come back
 */
void
deck_restart_monitor_set_timeout (DeckRestartMonitor *self,
                                  guint               timeout_ms)
{
  g_return_if_fail (DECK_IS_RESTART_MONITOR (self));
  g_return_if_fail (timeout_ms > 0);

  if (self->timeout_ms == timeout_ms)
    return;
  self->timeout_ms = timeout_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}
