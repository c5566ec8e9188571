/* deck-restart-poll.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The requests of DeckRestartMonitor: who answers before the restart (the
 * main process and its workers), the restart itself, then polls until the
 * judgement (deck-restart-judge.c) says the instance is back, and a login to
 * verify it.
 *
 * One request runs at a time. Every request has its own short timeout, so a
 * hung server costs one poll and not the whole wait, and the pause between
 * polls stays short once the server has stopped answering: the caller learns
 * within a fraction of a second that the instance is back. A poll is cheap:
 * `GET /health` (no login), then the worker threads. A failed poll is
 * followed by one plain connection attempt to the port, which tells a refused
 * connection (nothing listens: the old server is gone) from anything else.
 * The process identity, which costs Harper a scan of its host's processes,
 * is asked for only when the threads and the port cannot tell.
 */

#define G_LOG_DOMAIN "deck-restart-monitor"

#include <glib/gi18n-lib.h>

#include "deck-restart-monitor-private.h"
#include "hdb-deadline.h"
#include "hdb-process-info.h"

#define NO_JOB_SETTLE_US G_USEC_PER_SEC

/* The first poll comes soon after the reply (a quick restart may be over in
 * a second); the pause never grows past half a second. */
static const guint backoff_ms[] = { 100, 150, 250, 250, 500 };

/* One request with its own timeout. The callback gets the call, and learns
 * from call_end() whether the request still matters: the operation may have
 * ended (done, timed out, cancelled) while it was on its way. */
struct _DeckRestartCall
{
  DeckRestartMonitor *self;
  HdbDeadline         deadline;
  guint               timeout_ms;
};

typedef DeckRestartCall Call;

static void verify_step (DeckRestartMonitor *self);
static void poll_process (DeckRestartMonitor *self,
                          gboolean            with_process);

/* Requests ------------------------------------------------------------------ */

static Call *
call_start (DeckRestartMonitor *self,
            guint               timeout_ms)
{
  Call *call;

  g_assert (self->call == NULL);

  call = g_new0 (Call, 1);
  call->self = g_object_ref (self);
  call->timeout_ms = timeout_ms;
  hdb_deadline_start (&call->deadline, NULL, timeout_ms, "[deck] restart monitor request timeout");
  self->call = call;
  return call;
}

/* A request our own timer cancelled ran out of time: say so. */
static void
timeout_to_error (DeckRestartMonitor *self,
                  const HdbDeadline  *deadline,
                  guint               timeout_ms,
                  GError            **error)
{
  if (deadline->timed_out && error != NULL &&
      g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (error);
      hdb_set_error (error, HDB_ERROR_TIMEOUT, 0, NULL, _("%s did not answer within %.1f s."),
                     self->name, timeout_ms / 1000.0);
    }
}

/* Frees @call. Returns the monitor if the request still matters, else
 * %NULL: it does not when a newer call replaced it or the run was cancelled
 * meanwhile (then the run is over, see check_cancelled()). A request that
 * ran out of time comes back as G_IO_ERROR_CANCELLED (our timer cancelled
 * its cancellable); it is turned into a timeout here. */
static DeckRestartMonitor *
call_end (Call    *call,
          GError **error)
{
  DeckRestartMonitor *self = call->self;
  gboolean current = self->call == call;

  if (current)
    self->call = NULL;

  if (current)
    timeout_to_error (self, &call->deadline, call->timeout_ms, error);

  hdb_deadline_clear (&call->deadline);
  /* While the call is current the task holds the monitor: this is not the
   * last reference. */
  g_clear_object (&call->self);
  g_free (call);

  if (!current || _deck_restart_monitor_check_cancelled (self))
    return NULL;
  return self;
}

/* Forgets the request in flight: its callback still runs, sees that it is no
 * longer current, and frees it. */
void
_deck_restart_monitor_drop_call (DeckRestartMonitor *self)
{
  if (self->call != NULL)
    {
      g_cancellable_cancel (self->call->deadline.cancellable);
      self->call = NULL;
    }
}

/* Judging the failures ---------------------------------------------------- */

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
  self->evidence.failed = TRUE;
  self->failing = TRUE;
  self->answering_old = FALSE;
  g_free (self->last_error);
  self->last_error = g_strdup (error->message);
  self->last_reason = short_reason (error);
  self->heard = TRUE;
  g_debug ("%s: %s", self->name, error->message);
  _deck_restart_monitor_update_message (self);
}

/* The port ------------------------------------------------------------------ */

static void
on_port_probed (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  DeckRestartMonitor *self;

  connection = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), result, &error);
  if (connection != NULL)
    g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  if ((self = call_end (user_data, &error)) == NULL)
    return;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    {
      if (!self->evidence.refused)
        g_debug ("%s refused a connection: nothing listens on its port", self->name);
      self->evidence.refused = TRUE;
    }
  _deck_restart_monitor_schedule_poll (self);
}

/* After a failed poll: one plain connection to the port. Refused means no
 * server listens there (the old one is gone); anything else says nothing. */
static void
probe_port (DeckRestartMonitor *self)
{
  g_autoptr(GUri) uri = g_uri_parse (hdb_client_get_base_url (self->client),
                                     G_URI_FLAGS_NONE, NULL);
  g_autoptr(GSocketClient) socket_client = NULL;
  const char *scheme;
  int port;
  Call *call;

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    {
      _deck_restart_monitor_schedule_poll (self);
      return;
    }
  scheme = g_uri_get_scheme (uri);
  port = g_uri_get_port (uri);
  if (port < 0)
    port = g_strcmp0 (scheme, "https") == 0 ? 443 : 80;

  socket_client = g_socket_client_new ();
  call = call_start (self, DECK_RESTART_PROBE_TIMEOUT_MS);
  g_socket_client_connect_to_host_async (socket_client, g_uri_get_host (uri), (guint16) port,
                                         call->deadline.cancellable, on_port_probed, call);
}

/* The restart job ------------------------------------------------------------ */

static void
become_back (DeckRestartMonitor *self)
{
  self->back_time = g_get_monotonic_time ();
  self->failing = FALSE;
  self->answering_old = FALSE;
  self->job_running = FALSE;
  _deck_restart_monitor_set_phase (self, DECK_RESTART_PHASE_VERIFYING);
  _deck_restart_monitor_update_message (self);
  verify_step (self);
}

static void
keep_polling_answered (DeckRestartMonitor *self)
{
  self->failing = FALSE;
  self->answering_old = TRUE;
  self->heard = TRUE;
  _deck_restart_monitor_update_message (self);
  _deck_restart_monitor_schedule_poll (self);
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
  if ((self = call_end (user_data, &error)) == NULL)
    return;

  if (job == NULL && is_not_answering (error))
    {
      note_failure (self, error);
      _deck_restart_monitor_schedule_poll (self);
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
        _deck_restart_monitor_schedule_poll (self);
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
      _deck_restart_monitor_finish_failed (self, DECK_RESTART_ERROR_NOT_VERIFIED, text);
    }
  else
    {
      self->failing = FALSE;
      self->job_running = TRUE;
      _deck_restart_monitor_update_message (self);
      _deck_restart_monitor_schedule_poll (self);
    }
}

static void
job_step (DeckRestartMonitor *self)
{
  Call *call = call_start (self, DECK_RESTART_POLL_TIMEOUT_MS);

  hdb_client_get_job_async (self->client, self->job_id, DECK_RESTART_POLL_TIMEOUT_MS,
                            call->deadline.cancellable, on_job, call);
}

/* Verifying ----------------------------------------------------------------- */

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
  if ((self = call_end (user_data, &error)) == NULL)
    return;

  if (info != NULL)
    {
      _deck_restart_monitor_finish_done (self);
      return;
    }

  if (is_not_answering (error))
    {
      note_failure (self, error);
      _deck_restart_monitor_schedule_poll (self);
      return;
    }

  text = g_strdup_printf (_("%s answers again, but the check after the restart failed: %s"),
                          self->name, error->message);
  _deck_restart_monitor_finish_failed (self, DECK_RESTART_ERROR_NOT_VERIFIED, text);
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

  call = call_start (self, DECK_RESTART_POLL_TIMEOUT_MS);
  hdb_client_user_info_async (self->client, call->deadline.cancellable, on_verify_user_info, call);
}

/* Polling ------------------------------------------------------------------- */

static void
judge (DeckRestartMonitor *self,
       HdbProcessInfo     *info)
{
  DeckRestartSnapshot now = { 0, };
  DeckRestartVerdict verdict;

  if (info != NULL)
    {
      now.pid = info->pid;
      now.started = info->started;
      now.threads = info->threads;
    }
  verdict = deck_restart_judge (&self->evidence, &now, &self->sign);
  if (verdict == DECK_RESTART_VERDICT_BACK)
    {
      g_autofree char *who = deck_restart_snapshot_describe (&now);

      g_debug ("%s is back: %s (%s)", self->name, deck_restart_sign_to_string (self->sign), who);
      become_back (self);
    }
  else if (verdict == DECK_RESTART_VERDICT_ASK_PROCESS)
    poll_process (self, TRUE);
  else
    keep_polling_answered (self);
}

static void
on_poll_process (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(HdbProcessInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  DeckRestartMonitor *self;

  info = hdb_client_process_info_finish (HDB_CLIENT (source), result, &error);
  if ((self = call_end (user_data, &error)) == NULL)
    return;

  if (info == NULL && is_not_answering (error))
    {
      note_failure (self, error);
      probe_port (self);
      return;
    }
  if (info == NULL)
    g_debug ("%s answers, but not with its threads: %s", self->name, error->message);

  judge (self, info);
}

/* The threads (cheap), or with @with_process the process too (see the
 * file's comment). A verdict that asks for the process after the process
 * was given does not come: the judgement then always decides. */
static void
poll_process (DeckRestartMonitor *self,
              gboolean            with_process)
{
  Call *call = call_start (self, with_process ? DECK_RESTART_PROCESS_TIMEOUT_MS
                                              : DECK_RESTART_POLL_TIMEOUT_MS);

  hdb_client_process_info_async (self->client, with_process, call->timeout_ms,
                                 call->deadline.cancellable, on_poll_process, call);
}

static void
on_poll_health (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  DeckRestartMonitor *self;

  hdb_client_health_finish (HDB_CLIENT (source), result, &error);
  if ((self = call_end (user_data, &error)) == NULL)
    return;

  if (error != NULL)
    {
      note_failure (self, error);
      probe_port (self);
      return;
    }

  if (self->kind == DECK_RESTART_KIND_CLUSTERING_CONFIG)
    {
      /* NATS reloads its configuration; the HTTP workers may stay as they
       * are. The job says when the reload is over. Without one, an answer a
       * second after the request is the best there is. */
      if (self->job_id != NULL && !self->job_done)
        job_step (self);
      else if (self->job_done || self->evidence.failed || self->evidence.refused ||
               g_get_monotonic_time () - self->reply_time >= NO_JOB_SETTLE_US)
        become_back (self);
      else
        keep_polling_answered (self);
      return;
    }

  poll_process (self, FALSE);
}

static gboolean
on_poll_timer (gpointer user_data)
{
  DeckRestartMonitor *self = user_data;
  Call *call;

  self->poll_source = 0;
  if (_deck_restart_monitor_check_cancelled (self))
    return G_SOURCE_REMOVE;

  if (self->phase == DECK_RESTART_PHASE_VERIFYING)
    {
      verify_step (self);
      return G_SOURCE_REMOVE;
    }

  /* /health first: it needs no login and costs the server nothing. */
  call = call_start (self, DECK_RESTART_POLL_TIMEOUT_MS);
  hdb_client_health_async (self->client, DECK_RESTART_POLL_TIMEOUT_MS, call->deadline.cancellable,
                           on_poll_health, call);
  return G_SOURCE_REMOVE;
}

void
_deck_restart_monitor_schedule_poll (DeckRestartMonitor *self)
{
  guint delay;

  g_assert (self->poll_source == 0 && self->call == NULL);

  if (self->phase == DECK_RESTART_PHASE_VERIFYING)
    delay = DECK_RESTART_VERIFY_INTERVAL_MS;
  else
    delay = backoff_ms[MIN (self->n_polls, G_N_ELEMENTS (backoff_ms) - 1)];
  /* Once it stopped answering, it comes back within seconds: look often. */
  if (self->evidence.failed || self->evidence.refused)
    delay = MIN (delay, DECK_RESTART_FAILING_INTERVAL_MS);
  self->n_polls++;

  self->poll_source = g_timeout_add (delay, on_poll_timer, self);
  g_source_set_name_by_id (self->poll_source, "[deck] restart monitor poll");
}

/* The restart ------------------------------------------------------------- */

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
  if ((self = call_end (call, &error)) == NULL)
    return;

  self->reply_time = g_get_monotonic_time ();
  _deck_restart_monitor_update_elapsed (self);

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
      _deck_restart_monitor_finish_failed (self, DECK_RESTART_ERROR_REFUSED, error->message);
      return;
    }

  _deck_restart_monitor_set_message (self, text);
  _deck_restart_monitor_enter_waiting (self);
}

static void
send_restart (DeckRestartMonitor *self)
{
  Call *call;

  /* The restart request may take the client's usual time. */
  call = call_start (self, hdb_client_get_timeout (self->client));
  self->sent_time = g_get_monotonic_time ();
  self->elapsed = 0;
  g_object_notify (G_OBJECT (self), "elapsed");
  _deck_restart_monitor_start_tick (self);

  switch (self->kind)
    {
    case DECK_RESTART_KIND_RESTART:
      hdb_client_restart_async (self->client, call->deadline.cancellable, on_restart_sent, call);
      break;
    case DECK_RESTART_KIND_HTTP_WORKERS:
      hdb_client_restart_service_async (self->client, "http_workers", call->deadline.cancellable,
                                        on_restart_sent, call);
      break;
    case DECK_RESTART_KIND_CLUSTERING_CONFIG:
      hdb_client_restart_service_async (self->client, "clustering_config",
                                        call->deadline.cancellable, on_restart_sent, call);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* Who answers before the restart: the process and its workers, or, when
 * the process cannot be read (in time), the workers alone. Without either,
 * "back" is an answer after a failed poll (see deck-restart-judge.c). */
static void
record_done (DeckRestartMonitor *self,
             HdbProcessInfo     *info,
             const GError       *error)
{
  g_autofree char *who = NULL;

  if (info != NULL)
    deck_restart_snapshot_take (&self->evidence.before, info->pid, info->started,
                                info->threads != NULL && info->threads->len > 0
                                ? info->threads : NULL);
  who = deck_restart_snapshot_describe (&self->evidence.before);
  g_debug ("Before the restart of %s: %s%s%s", self->name, who, error != NULL ? "; " : "",
           error != NULL ? error->message : "");
  send_restart (self);
}

static void
on_recorded_threads (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(HdbProcessInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  DeckRestartMonitor *self;

  info = hdb_client_process_info_finish (HDB_CLIENT (source), result, &error);
  if ((self = call_end (user_data, &error)) == NULL)
    return;
  record_done (self, info, error);
}

/* What the first question (the process and its workers) answered */
static void
record_answer (DeckRestartMonitor *self,
               HdbProcessInfo     *info,
               const GError       *error)
{
  Call *call;

  if (info != NULL && info->pid != 0)
    {
      record_done (self, info, NULL);
      return;
    }

  g_debug ("The process of %s is not known (%s); asking for its threads alone", self->name,
           error != NULL ? error->message : "not in the answer");
  call = call_start (self, DECK_RESTART_POLL_TIMEOUT_MS);
  hdb_client_process_info_async (self->client, FALSE, call->timeout_ms, call->deadline.cancellable,
                                 on_recorded_threads, call);
}

static void
on_recorded_process (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(HdbProcessInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  DeckRestartMonitor *self;

  info = hdb_client_process_info_finish (HDB_CLIENT (source), result, &error);
  if ((self = call_end (user_data, &error)) == NULL)
    return;
  record_answer (self, info, error);
}

/* Recording ahead ------------------------------------------------------- */

struct _DeckRestartAhead
{
  DeckRestartMonitor *self;
  HdbDeadline         deadline;
};

#define AHEAD_MAX_AGE_US (30 * G_USEC_PER_SEC)

/* An answer asked ahead is there, not used yet */
static gboolean
has_ahead (DeckRestartMonitor *self)
{
  return self->ahead_info != NULL || self->ahead_error != NULL;
}

void
_deck_restart_monitor_clear_ahead (DeckRestartMonitor *self)
{
  g_clear_pointer (&self->ahead_info, hdb_process_info_free);
  g_clear_error (&self->ahead_error);
}

/* Forgets the request in flight (its callback frees it); the run that
 * waited for it is over. */
void
_deck_restart_monitor_drop_ahead (DeckRestartMonitor *self)
{
  self->ahead_waited = FALSE;
  if (self->ahead != NULL)
    {
      g_cancellable_cancel (self->ahead->deadline.cancellable);
      self->ahead = NULL;
    }
}

static void
use_ahead (DeckRestartMonitor *self)
{
  g_autoptr(HdbProcessInfo) info = g_steal_pointer (&self->ahead_info);
  g_autoptr(GError) error = g_steal_pointer (&self->ahead_error);

  g_debug ("Who answers %s was asked ahead, %.0f ms ago", self->name,
           (g_get_monotonic_time () - self->ahead_time) / 1000.0);
  record_answer (self, info, error);
}

static void
on_recorded_ahead (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  DeckRestartAhead *ahead = user_data;
  g_autoptr(DeckRestartMonitor) self = ahead->self;
  g_autoptr(HdbProcessInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  gboolean current = self->ahead == ahead;

  info = hdb_client_process_info_finish (HDB_CLIENT (source), result, &error);
  if (current)
    timeout_to_error (self, &ahead->deadline, DECK_RESTART_RECORD_TIMEOUT_MS, &error);
  hdb_deadline_clear (&ahead->deadline);
  g_free (ahead);
  if (!current)
    return;

  self->ahead = NULL;
  self->ahead_info = g_steal_pointer (&info);
  self->ahead_error = g_steal_pointer (&error);
  self->ahead_time = g_get_monotonic_time ();
  if (self->ahead_waited)
    {
      self->ahead_waited = FALSE;
      if (!_deck_restart_monitor_check_cancelled (self))
        use_ahead (self);
    }
}

/**
 * deck_restart_monitor_record_ahead:
 * @self: a monitor
 *
 * Asks who answers now (the main process and its workers) for the next run
 * (see the header).
 */
void
deck_restart_monitor_record_ahead (DeckRestartMonitor *self)
{
  DeckRestartAhead *ahead;

  g_return_if_fail (DECK_IS_RESTART_MONITOR (self));

  if (self->task != NULL || self->ahead != NULL)
    return;
  _deck_restart_monitor_clear_ahead (self);
  ahead = g_new0 (DeckRestartAhead, 1);
  ahead->self = g_object_ref (self);
  hdb_deadline_start (&ahead->deadline, NULL, DECK_RESTART_RECORD_TIMEOUT_MS,
                      "[deck] restart monitor record ahead timeout");
  self->ahead = ahead;
  hdb_client_process_info_async (self->client, TRUE, DECK_RESTART_RECORD_TIMEOUT_MS,
                                 ahead->deadline.cancellable, on_recorded_ahead, ahead);
}

gboolean
deck_restart_monitor_get_recorded_ahead (DeckRestartMonitor *self)
{
  g_return_val_if_fail (DECK_IS_RESTART_MONITOR (self), FALSE);

  return has_ahead (self);
}

/* The start of a run: record who answers (or take what was asked ahead),
 * then send the restart. */
void
_deck_restart_monitor_record (DeckRestartMonitor *self)
{
  Call *call;

  if (self->ahead != NULL)
    {
      g_debug ("Waiting for who answers %s, asked ahead", self->name);
      self->ahead_waited = TRUE;
      return;
    }
  if (has_ahead (self) && g_get_monotonic_time () - self->ahead_time < AHEAD_MAX_AGE_US)
    {
      use_ahead (self);
      return;
    }
  _deck_restart_monitor_clear_ahead (self);

  call = call_start (self, DECK_RESTART_RECORD_TIMEOUT_MS);
  hdb_client_process_info_async (self->client, TRUE, call->timeout_ms, call->deadline.cancellable,
                                 on_recorded_process, call);
}
