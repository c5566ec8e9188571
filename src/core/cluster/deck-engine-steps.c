/* deck-engine-steps.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The step runner of the engines. Enable, connect and disconnect are each
 * an ordered list of steps (deck-engine-private.h): one request and what
 * its answer means. The runner carries the list out on one GTask with the
 * engine's data struct, in order, stops at the first error (unless the
 * step accepts it, like a removal that finds the node already gone), names
 * the peer in the errors of the peer's requests, and says in its debug
 * messages which step runs. Cancellation is checked before every step, so
 * a cancelled run sends nothing more.
 *
 * The steps both engines take are in deck-engine-common.c.
 */

#define G_LOG_DOMAIN "deck-engine"

#include "deck-engine-private.h"

/* The runner ------------------------------------------------------------- */

struct _DeckStepRun
{
  DeckEngine         *engine;      /* the task's source object */
  GTask              *task;        /* owns this struct */
  const DeckStepList *list;
  guint               index;
  guint               again_ms;
  gpointer            data;
  GDestroyNotify      data_free;
  HdbClient          *client;
  HdbClient          *peer;
};

static void
step_run_free (DeckStepRun *run)
{
  if (run->data_free != NULL)
    run->data_free (run->data);
  g_clear_object (&run->client);
  g_clear_object (&run->peer);
  g_free (run);
}

static void run_steps (GTask *task);

static void
run_fail (GTask  *task,
          GError *error)
{
  DeckStepRun *run = g_task_get_task_data (task);

  /* The step's name only: an error message may quote a server. */
  g_debug ("%s: failed at %s", run->list->name, _deck_step_run_get_step_name (run));
  if (run->list->failed != NULL)
    run->list->failed (run->data);
  g_task_return_error (task, error);
}

static void
on_again_slept (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!_deck_engine_sleep_finish (DECK_ENGINE (source), result, &error))
    {
      run_fail (task, error);
      return;
    }
  run_steps (task);
}

/* Acts on a step's result (taking @error). Returns whether the run goes
 * on at once. */
static gboolean
run_handle (GTask          *task,
            DeckStepResult  result,
            GError         *error)
{
  DeckStepRun *run = g_task_get_task_data (task);
  const DeckStep *step = &run->list->steps[run->index];
  guint pause;

  switch (result)
    {
    case DECK_STEP_NEXT:
      g_clear_error (&error);
      run->index++;
      return TRUE;

    case DECK_STEP_AGAIN:
      g_clear_error (&error);
      pause = run->again_ms;
      run->again_ms = 0;
      if (pause == 0)
        return TRUE;
      _deck_engine_sleep_async (run->engine, pause, g_task_get_cancellable (task), on_again_slept,
                                g_object_ref (task));
      return FALSE;

    case DECK_STEP_DONE:
      g_clear_error (&error);
      g_task_return_boolean (task, TRUE);
      return FALSE;

    case DECK_STEP_REQUEST_FAILED:
      g_return_val_if_fail (error != NULL, FALSE);
      if (step->accept != NULL && step->accept (error))
        {
          g_debug ("%s: %s: accepted", run->list->name, step->name);
          g_error_free (error);
          run->index++;
          return TRUE;
        }
      if ((step->flags & DECK_STEP_ON_PEER) && run->peer != NULL)
        _deck_engine_prefix_peer_error (&error, run->peer);
      run_fail (task, error);
      return FALSE;

    case DECK_STEP_CHECK_FAILED:
    default:
      g_return_val_if_fail (error != NULL, FALSE);
      run_fail (task, error);
      return FALSE;
    }
}

static void
on_step_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DeckStepRun *run = g_task_get_task_data (task);
  const DeckStep *step = &run->list->steps[run->index];
  GError *error = NULL;
  DeckStepResult step_result;

  step_result = step->finish (run, run->data, source, result, &error);
  if (run_handle (task, step_result, error))
    run_steps (task);
}

/* Runs the steps from run->index on, until one waits for an answer or the
 * run is over. The caller keeps its reference to @task. */
static void
run_steps (GTask *task)
{
  DeckStepRun *run = g_task_get_task_data (task);

  for (;;)
    {
      const DeckStep *step;
      GError *error = NULL;

      if (run->index >= run->list->n_steps)
        {
          g_task_return_boolean (task, TRUE);
          return;
        }
      step = &run->list->steps[run->index];
      if (step->skip != NULL && step->skip (run->data))
        {
          run->index++;
          continue;
        }
      if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
        {
          run_fail (task, error);
          return;
        }

      g_debug ("%s: %s (step %u of %u)", run->list->name, step->name, run->index + 1,
               run->list->n_steps);
      if (step->start == NULL)
        {
          DeckStepResult result = step->finish (run, run->data, NULL, NULL, &error);

          if (!run_handle (task, result, error))
            return;
          continue;
        }
      step->start (run, run->data, on_step_done, g_object_ref (task));
      return;
    }
}

/**
 * _deck_steps_run_async:
 * @engine: the engine whose steps these are
 * @list: the steps; must outlive the run (a static table)
 * @data: the data every step reads and fills; owned by the run
 * @data_free: (nullable): frees @data when the run is over
 * @client: (nullable): the instance the steps send their requests to
 * @peer: (nullable): the peer, to which the steps marked
 *   %DECK_STEP_ON_PEER send theirs, and whose URL starts their errors
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the run is over
 * @user_data: data for @callback
 *
 * Runs the steps of @list in order on one task. The run succeeds when the
 * last step is done (or a step says %DECK_STEP_DONE), and fails with the
 * first error no step accepts; then the steps left are not run.
 */
void
_deck_steps_run_async (DeckEngine          *engine,
                       const DeckStepList  *list,
                       gpointer             data,
                       GDestroyNotify       data_free,
                       HdbClient           *client,
                       HdbClient           *peer,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task;
  DeckStepRun *run;

  g_return_if_fail (DECK_IS_ENGINE (engine));
  g_return_if_fail (list != NULL && list->n_steps > 0);

  task = g_task_new (engine, cancellable, callback, user_data);
  g_task_set_source_tag (task, _deck_steps_run_async);
  g_task_set_name (task, list->name);

  run = g_new0 (DeckStepRun, 1);
  run->engine = engine;
  run->task = task;
  run->list = list;
  run->data = data;
  run->data_free = data_free;
  run->client = client != NULL ? g_object_ref (client) : NULL;
  run->peer = peer != NULL ? g_object_ref (peer) : NULL;
  g_task_set_task_data (task, run, (GDestroyNotify) step_run_free);

  run_steps (task);
  g_object_unref (task);
}

gboolean
_deck_steps_run_finish (DeckEngine    *engine,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, engine), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == _deck_steps_run_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The data of a run that is over, for a finish function that returns
 * more than success. */
gpointer
_deck_steps_run_get_data (GAsyncResult *result)
{
  DeckStepRun *run = g_task_get_task_data (G_TASK (result));

  return run->data;
}

DeckEngine *
_deck_step_run_get_engine (DeckStepRun *run)
{
  return run->engine;
}

GCancellable *
_deck_step_run_get_cancellable (DeckStepRun *run)
{
  return g_task_get_cancellable (run->task);
}

/* The client the running step sends its request to. */
HdbClient *
_deck_step_run_get_client (DeckStepRun *run)
{
  const DeckStep *step = &run->list->steps[MIN (run->index, run->list->n_steps - 1)];

  return (step->flags & DECK_STEP_ON_PEER) ? run->peer : run->client;
}

void
_deck_step_cluster_status (DeckStepRun         *run,
                           gpointer             data,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  hdb_client_cluster_status_async (_deck_step_run_get_client (run),
                                   _deck_step_run_get_cancellable (run), callback, user_data);
}

void
_deck_step_get_configuration (DeckStepRun         *run,
                              gpointer             data,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  hdb_client_get_configuration_async (_deck_step_run_get_client (run),
                                      _deck_step_run_get_cancellable (run), callback, user_data);
}

void
_deck_step_describe_all (DeckStepRun         *run,
                         gpointer             data,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  hdb_client_describe_all_async (_deck_step_run_get_client (run),
                                 _deck_step_run_get_cancellable (run), callback, user_data);
}

/* The step that runs, or ran last. */
const char *
_deck_step_run_get_step_name (DeckStepRun *run)
{
  if (run->index >= run->list->n_steps)
    return run->list->steps[run->list->n_steps - 1].name;
  return run->list->steps[run->index].name;
}

/* With DECK_STEP_AGAIN: pause so long before the step runs again. */
void
_deck_step_run_again_after (DeckStepRun *run,
                            guint        ms)
{
  run->again_ms = ms;
}

/* A cancellable pause -------------------------------------------------------- */

typedef struct
{
  GSource      *timer;
  GCancellable *cancellable;
  gulong        cancelled_handler;
} Sleep;

static void
sleep_free (Sleep *data)
{
  if (data->timer != NULL)
    {
      g_source_destroy (data->timer);
      g_source_unref (data->timer);
    }
  g_cancellable_disconnect (data->cancellable, data->cancelled_handler);
  g_clear_object (&data->cancellable);
  g_free (data);
}

static gboolean
on_sleep_done (gpointer user_data)
{
  GTask *task = user_data;

  if (!g_task_return_error_if_cancelled (task))
    g_task_return_boolean (task, TRUE);
  return G_SOURCE_REMOVE;
}

static void
on_sleep_cancelled (GCancellable *cancellable,
                    gpointer      user_data)
{
  GTask *task = user_data;
  Sleep *data = g_task_get_task_data (task);

  /* Runs in the thread that cancelled: end the pause in the task's context. */
  g_source_set_ready_time (data->timer, 0);
}

void
_deck_engine_sleep_async (DeckEngine          *self,
                          guint                ms,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;
  Sleep *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _deck_engine_sleep_async);
  g_task_set_name (task, "[deck] engine pause");

  data = g_new0 (Sleep, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) sleep_free);

  data->timer = g_timeout_source_new (ms);
  g_source_set_callback (data->timer, on_sleep_done, task, g_object_unref);
  g_source_set_static_name (data->timer, "[deck] engine pause");
  g_source_attach (data->timer, g_task_get_context (task));
  if (cancellable != NULL)
    {
      data->cancellable = g_object_ref (cancellable);
      data->cancelled_handler = g_cancellable_connect (cancellable,
                                                       G_CALLBACK (on_sleep_cancelled), task,
                                                       NULL);
    }
}

gboolean
_deck_engine_sleep_finish (DeckEngine    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == _deck_engine_sleep_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Polling cluster_status ---------------------------------------------------- */

typedef struct
{
  DeckStatusCheck   check;
  gpointer          check_data;
  guint             interval_ms;
  gint64            deadline;
  HdbClusterStatus *last;
  GError           *last_error;
  gboolean          satisfied;
} Poll;

static void
poll_free (Poll *poll)
{
  g_clear_pointer (&poll->last, hdb_cluster_status_free);
  g_clear_error (&poll->last_error);
  g_free (poll);
}

static DeckStepResult
poll_check (DeckStepRun   *run,
            gpointer       data,
            GObject       *source,
            GAsyncResult  *result,
            GError       **error)
{
  Poll *poll = data;
  GError *local_error = NULL;
  HdbClusterStatus *status;

  status = hdb_client_cluster_status_finish (HDB_CLIENT (source), result, &local_error);
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, local_error);
      return DECK_STEP_REQUEST_FAILED;
    }

  if (status != NULL)
    {
      g_clear_pointer (&poll->last, hdb_cluster_status_free);
      poll->last = status;
      if (poll->check (status, poll->check_data))
        {
          poll->satisfied = TRUE;
          return DECK_STEP_DONE;
        }
    }
  else
    {
      /* The instance may be restarting: keep asking until the deadline. */
      g_clear_error (&poll->last_error);
      poll->last_error = local_error;
    }

  if (g_get_monotonic_time () + (gint64) poll->interval_ms * 1000 > poll->deadline)
    return DECK_STEP_DONE;
  _deck_step_run_again_after (run, poll->interval_ms);
  return DECK_STEP_AGAIN;
}

static const DeckStep poll_steps[] = {
  { "cluster_status (poll)", DECK_STEP_DEFAULT, NULL, _deck_step_cluster_status, poll_check,
    NULL },
};

static const DeckStepList poll_list = {
  "cluster status poll", poll_steps, G_N_ELEMENTS (poll_steps), NULL,
};

void
_deck_engine_poll_status_async (DeckEngine          *self,
                                HdbClient           *client,
                                DeckStatusCheck      check,
                                gpointer             check_data,
                                guint                interval_ms,
                                guint                timeout_ms,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  Poll *poll = g_new0 (Poll, 1);

  poll->check = check;
  poll->check_data = check_data;
  poll->interval_ms = MAX (interval_ms, 50);
  poll->deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  _deck_steps_run_async (self, &poll_list, poll, (GDestroyNotify) poll_free, client, NULL,
                         cancellable, callback, user_data);
}

HdbClusterStatus *
_deck_engine_poll_status_finish (DeckEngine    *self,
                                 GAsyncResult  *result,
                                 gboolean      *satisfied,
                                 GError       **error)
{
  Poll *poll;

  if (satisfied != NULL)
    *satisfied = FALSE;
  if (!_deck_steps_run_finish (self, result, error))
    return NULL;

  poll = _deck_steps_run_get_data (result);
  if (poll->last == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&poll->last_error));
      return NULL;
    }
  if (satisfied != NULL)
    *satisfied = poll->satisfied;
  return g_steal_pointer (&poll->last);
}
