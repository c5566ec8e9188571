/* deck-restart-monitor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Follows one restart of a Harper instance from the request until the
 * instance works again (DESIGN.md §4). Harper 4.4 answers `restart` at once
 * and then replaces its worker threads: the old workers keep answering for a
 * moment, then the port refuses connections for a second or two, then the new
 * workers answer. Harper 4.5 and later start a new main process instead,
 * whose workers are numbered from 1 again. An answer alone may come from the
 * server that is about to go; what shows that the restart happened is
 * deck-restart-judge.c's business, the requests are deck-restart-poll.c's.
 * This file is the object: its properties, phases and messages, and how a
 * run ends.
 */

#define G_LOG_DOMAIN "deck-restart-monitor"

#include <glib/gi18n-lib.h>

#include "deck-restart-monitor-private.h"

#define DEFAULT_TIMEOUT_MS   120000

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

static void set_phase (DeckRestartMonitor *self,
                       DeckRestartPhase    phase);

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
  _deck_restart_monitor_drop_call (self);
  _deck_restart_monitor_drop_ahead (self);
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
  g_debug ("%s is back after %.2f s (%s)", self->name, self->elapsed,
           deck_restart_sign_to_string (self->sign));
  /* What was written is in effect now: nothing to undo any more. */
  g_clear_pointer (&self->written, g_free);
  g_clear_pointer (&self->undo, g_free);

  g_task_return_boolean (task, TRUE);
}

static void
finish_failed (DeckRestartMonitor *self,
               DeckRestartError    code,
               const char         *message)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);
  g_autofree char *text = NULL;

  stop_everything (self);
  update_elapsed (self);
  self->timed_out = code == DECK_RESTART_ERROR_TIMEOUT;

  /* A restart that follows a configuration change: say what was written,
   * and how to take it back without this app. */
  if (self->written != NULL)
    text = g_strdup_printf (_("%s Before the restart, Clusterdeck wrote to %s’s "
                              "configuration: %s. To undo it by hand: %s"),
                            message, self->name, self->written,
                            self->undo != NULL ? self->undo
                            : _("restore the previous harperdb-config.yaml (Harper keeps a copy "
                                "in the backup folder of its root path) and start Harper again."));
  else
    text = g_strdup (message);

  set_phase (self, DECK_RESTART_PHASE_FAILED);
  set_message (self, text);
  g_debug ("Restart of %s failed: %s", self->name, text);

  g_task_return_new_error (task, DECK_RESTART_ERROR, code, "%s", text);
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
    return g_strdup_printf (_("%s still answers after %.0f s, but as the server it was "
                              "before the restart (the same process and workers): it has not "
                              "restarted yet. You can keep waiting for it."),
                            self->name, self->elapsed);
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
  self->tick_source = g_timeout_add (DECK_RESTART_TICK_MS, on_tick, self);
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
  _deck_restart_monitor_schedule_poll (self);
}

static void
reset_knowledge (DeckRestartMonitor *self)
{
  deck_restart_snapshot_clear (&self->evidence.before);
  self->evidence.refused = FALSE;
  self->evidence.failed = FALSE;
  self->sign = DECK_RESTART_SIGN_NONE;
  g_clear_pointer (&self->job_id, g_free);
  g_clear_pointer (&self->last_error, g_free);
  self->last_reason = NULL;
  self->sent_time = 0;
  self->reply_time = 0;
  self->back_time = 0;
  self->n_polls = 0;
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
 * Records who answers (the main process and its worker threads), sends the
 * restart, and follows the instance until it works again (see the file's
 * comment). One run or keep_waiting at a time; a second one fails with
 * %G_IO_ERROR_PENDING.
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

  _deck_restart_monitor_record (self);
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
  deck_restart_snapshot_clear (&self->evidence.before);
  g_free (self->job_id);
  g_free (self->written);
  g_free (self->undo);
  g_free (self->last_error);
  _deck_restart_monitor_clear_ahead (self);

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

/**
 * deck_restart_monitor_set_written:
 * @self: a monitor
 * @written: (nullable): what the caller wrote to the instance's configuration
 *   before the coming restart, in the user's words ("clustering_enabled true,
 *   clustering_nodeName “berlin”"); %NULL when nothing
 * @undo: (nullable): how to take it back by hand if Harper does not come back
 *
 * A restart that does not come back, or is refused, then says what was
 * written and how to undo it. Cleared when a restart succeeds.
 */
void
deck_restart_monitor_set_written (DeckRestartMonitor *self,
                                  const char         *written,
                                  const char         *undo)
{
  g_return_if_fail (DECK_IS_RESTART_MONITOR (self));

  g_free (self->written);
  self->written = g_strdup (written);
  g_free (self->undo);
  self->undo = g_strdup (undo);
}

/**
 * deck_restart_monitor_get_written:
 * @self: a monitor
 *
 * Returns: (nullable): what deck_restart_monitor_set_written() was given, until
 *   a restart succeeded
 */
const char *
deck_restart_monitor_get_written (DeckRestartMonitor *self)
{
  g_return_val_if_fail (DECK_IS_RESTART_MONITOR (self), NULL);
  return self->written;
}

/* For deck-restart-poll.c --------------------------------------------------- */

void
_deck_restart_monitor_set_phase (DeckRestartMonitor *self,
                                 DeckRestartPhase    phase)
{
  set_phase (self, phase);
}

void
_deck_restart_monitor_set_message (DeckRestartMonitor *self,
                                   const char         *message)
{
  set_message (self, message);
}

void
_deck_restart_monitor_update_elapsed (DeckRestartMonitor *self)
{
  update_elapsed (self);
}

void
_deck_restart_monitor_update_message (DeckRestartMonitor *self)
{
  update_message (self);
}

void
_deck_restart_monitor_start_tick (DeckRestartMonitor *self)
{
  start_tick (self);
}

void
_deck_restart_monitor_enter_waiting (DeckRestartMonitor *self)
{
  enter_waiting (self);
}

gboolean
_deck_restart_monitor_check_cancelled (DeckRestartMonitor *self)
{
  return check_cancelled (self);
}

void
_deck_restart_monitor_finish_done (DeckRestartMonitor *self)
{
  finish_done (self);
}

void
_deck_restart_monitor_finish_failed (DeckRestartMonitor *self,
                                     DeckRestartError    code,
                                     const char         *message)
{
  finish_failed (self, code, message);
}
