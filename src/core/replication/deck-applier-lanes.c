/* deck-applier-lanes.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sending a plan's operations (deck-applier.c reads the state first and
 * refuses drift). The operations go in lanes, which run in parallel: one
 * per instance, its operations in order, and one per unit (a mesh leaving
 * full replication), whose operations go in the unit's order across its
 * instances, then its read-back, then the other operations of those
 * instances. A failure stops the rest of its lane: they are recorded as
 * not sent, with why. A unit that reads back differently from the plan is
 * read again for a few seconds before the difference counts: Harper may
 * report a link's new state late.
 */

#define G_LOG_DOMAIN "deck-applier"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "deck-applier-private.h"

/* One step of a lane: an operation, or the read-back of a unit. */
typedef struct
{
  const DeckPlanOp   *op;
  const DeckPlanUnit *verify;
} LaneStep;

/* Steps sent one after the other: one instance's operations, or a unit's
 * with the other operations of its instances after them. */
typedef struct
{
  GTask      *task;
  GArray     *steps;     /* LaneStep */
  guint       next;
  GHashTable *read_back; /* instance id → HdbClusterStatus, while verifying */
  guint       n_read;
  guint       n_tries;   /* read-backs of the unit so far */
  gint64      deadline;  /* monotonic µs: no read-back starts after it */
  GSource    *pause;     /* the pause before reading back again */
  GSource    *cancelled; /* ends that pause early */
} Lane;

/* A unit's links can read back late: Harper 4.7 under load reports a link
 * that add_node or update_node just changed with its old subscriptions for
 * a while. A unit that reads back differently is read again after these
 * pauses (the last one repeated), for at most READ_BACK_BUDGET_US from the
 * first read-back, before the difference is reported. */
static const guint read_back_pause_ms[] = { 100, 200, 400, 800, 1000 };
#define READ_BACK_BUDGET_US (5 * G_USEC_PER_SEC)

static void
lane_stop_pause (Lane *lane)
{
  if (lane->pause != NULL)
    {
      g_source_destroy (lane->pause);
      g_clear_pointer (&lane->pause, g_source_unref);
    }
  if (lane->cancelled != NULL)
    {
      g_source_destroy (lane->cancelled);
      g_clear_pointer (&lane->cancelled, g_source_unref);
    }
}

static void
lane_free (Lane *lane)
{
  lane_stop_pause (lane);
  g_clear_object (&lane->task);
  g_clear_pointer (&lane->steps, g_array_unref);
  g_clear_pointer (&lane->read_back, g_hash_table_unref);
  g_free (lane);
}

static DeckApplyOpResult *
op_result_new (const DeckPlanOp *op)
{
  DeckApplyOpResult *result = g_new0 (DeckApplyOpResult, 1);

  result->kind = op->kind;
  result->instance_id = g_strdup (op->instance_id);
  result->peer = g_strdup (op->peer);
  result->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) deck_change_free);
  for (guint i = 0; op->changes != NULL && i < op->changes->len; i++)
    g_ptr_array_add (result->changes, deck_change_copy (g_ptr_array_index (op->changes, i)));
  return result;
}

static void start_waiting (ApplyData *data);

static void
lane_done (Lane *lane)
{
  GTask *task = g_object_ref (lane->task);
  ApplyData *data = g_task_get_task_data (task);

  lane_free (lane);
  data->running--;
  start_waiting (data);
  if (--data->outstanding == 0)
    _deck_applier_finish_apply (task);
  g_object_unref (task);
}

/* Records an operation's outcome and tells the listeners. Takes @message
 * and @error. */
static void
record_op (Lane             *lane,
           const DeckPlanOp *op,
           gboolean          reached,
           char             *message,
           GError           *error)
{
  ApplyData *data = g_task_get_task_data (lane->task);
  DeckApplyOpResult *result = op_result_new (op);
  GPtrArray *results = g_hash_table_lookup (data->results, op->instance_id);

  if (results == NULL)
    {
      results = g_ptr_array_new ();
      g_hash_table_insert (data->results, g_strdup (op->instance_id), results);
    }

  result->reached = reached;
  result->ok = error == NULL;
  result->error = error;
  result->message = error != NULL ? g_strdup (error->message) : message;
  if (error != NULL)
    g_free (message);
  g_ptr_array_add (results, result);

  _deck_applier_emit_operation_finished (data->applier, op, result->error);
}

/* Every step from lane->next on is not sent, for @reason. */
static void
skip_rest (Lane         *lane,
           const GError *reason)
{
  for (; lane->next < lane->steps->len; lane->next++)
    {
      const LaneStep *step = &g_array_index (lane->steps, LaneStep, lane->next);

      if (step->op != NULL)
        record_op (lane, step->op, FALSE, NULL, g_error_copy (reason));
    }
}

static void lane_next (Lane *lane);

/* remove_node of a node that is not there (HTTP 400). */
static gboolean
is_missing_node (const GError *error)
{
  return g_error_matches (error, HDB_ERROR, HDB_ERROR_HARPER) &&
         hdb_error_get_reason (error) == HDB_ERROR_REASON_MISSING_NODE;
}

static void
on_op_done (GObject      *source,
            GAsyncResult *res,
            gpointer      user_data)
{
  Lane *lane = user_data;
  const DeckPlanOp *op = g_array_index (lane->steps, LaneStep, lane->next).op;
  HdbClient *client = HDB_CLIENT (source);
  GError *error = NULL;
  char *message = NULL;

  switch (op->kind)
    {
    case DECK_PLAN_OP_UPDATE_NODE:
      message = hdb_client_update_node_finish (client, res, &error);
      break;
    case DECK_PLAN_OP_ADD_NODE:
      message = hdb_client_add_node_finish (client, res, &error);
      break;
    case DECK_PLAN_OP_REMOVE_NODE:
      message = hdb_client_remove_node_finish (client, res, &error);
      /* Already gone is what remove_node is for: in a mesh, the removals
       * replicate, so the last ones often find the node gone. */
      if (message == NULL && is_missing_node (error))
        {
          message = g_strdup (error->message);
          g_clear_error (&error);
        }
      break;
    default:
      g_assert_not_reached ();
    }

  record_op (lane, op, TRUE, message, error != NULL ? g_error_copy (error) : NULL);
  lane->next++;

  if (error != NULL)
    {
      g_autoptr(GError) reason = NULL;

      g_debug ("%s: %s to %s failed, the operations after it are not sent", op->instance_id,
               deck_plan_op_kind_to_string (op->kind), op->peer);
      reason = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                            _("Not sent, because an earlier operation on this instance failed: %s"),
                            error->message);
      skip_rest (lane, reason);
      g_error_free (error);
    }
  lane_next (lane);
}

static void read_back_next (Lane *lane);
static void read_back_start (Lane *lane);

static void
on_read_back (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  Lane *lane = user_data;
  const DeckPlanUnit *unit = g_array_index (lane->steps, LaneStep, lane->next).verify;
  const char *instance_id = g_ptr_array_index (unit->instance_ids, lane->n_read);
  g_autoptr(GError) error = NULL;
  HdbClusterStatus *status;

  /* One that cannot be read is named by the comparison. */
  status = hdb_client_cluster_status_finish (HDB_CLIENT (source), res, &error);
  if (status != NULL)
    g_hash_table_insert (lane->read_back, g_strdup (instance_id), status);
  else
    g_debug ("%s: cluster_status (read back) failed", instance_id);
  lane->n_read++;
  read_back_next (lane);
}

static gboolean
on_read_back_pause (gpointer user_data)
{
  Lane *lane = user_data;
  ApplyData *data = g_task_get_task_data (lane->task);
  const DeckPlanUnit *unit = g_array_index (lane->steps, LaneStep, lane->next).verify;

  lane_stop_pause (lane);
  /* Cancelled meanwhile: the difference read last is reported (the
   * comparison again, with the same states), and the rest of the lane is
   * not sent (lane_next()). */
  if (g_cancellable_is_cancelled (g_task_get_cancellable (lane->task)))
    {
      read_back_next (lane);
      return G_SOURCE_REMOVE;
    }
  data->n_read_again += unit->instance_ids->len;
  read_back_start (lane);
  return G_SOURCE_REMOVE;
}

static gboolean
on_read_back_cancelled (GCancellable *cancellable,
                        gpointer      user_data)
{
  return on_read_back_pause (user_data);
}

/* Whether the unit that just read back differently is read again after a
 * pause (started here), or its difference is final: the budget is spent,
 * or the apply was cancelled. */
static gboolean
read_back_again (Lane *lane)
{
  GCancellable *cancellable = g_task_get_cancellable (lane->task);
  guint pause_ms = read_back_pause_ms[MIN (lane->n_tries - 1,
                                           G_N_ELEMENTS (read_back_pause_ms) - 1)];
  gint64 now = g_get_monotonic_time ();

  if (g_cancellable_is_cancelled (cancellable) ||
      now + (gint64) pause_ms * 1000 > lane->deadline)
    return FALSE;

  lane->pause = g_timeout_source_new (pause_ms);
  g_source_set_callback (lane->pause, on_read_back_pause, lane, NULL);
  g_source_set_static_name (lane->pause, "[deck] applier read-back pause");
  g_source_attach (lane->pause, g_task_get_context (lane->task));
  if (cancellable != NULL)
    {
      /* A cancellation ends the pause at once rather than after it. */
      lane->cancelled = g_cancellable_source_new (cancellable);
      g_source_set_callback (lane->cancelled, G_SOURCE_FUNC (on_read_back_cancelled), lane,
                             NULL);
      g_source_attach (lane->cancelled, g_task_get_context (lane->task));
    }
  return TRUE;
}

static void
read_back_next (Lane *lane)
{
  ApplyData *data = g_task_get_task_data (lane->task);
  const DeckPlanUnit *unit = g_array_index (lane->steps, LaneStep, lane->next).verify;
  g_autoptr(GError) error = NULL;

  if (lane->n_read < unit->instance_ids->len)
    {
      const char *instance_id = g_ptr_array_index (unit->instance_ids, lane->n_read);

      g_debug ("%s: cluster_status (read back)", instance_id);
      hdb_client_cluster_status_async (g_hash_table_lookup (data->clients, instance_id),
                                       g_task_get_cancellable (lane->task), on_read_back, lane);
      return;
    }

  if (!deck_plan_check_unit (data->plan, unit, lane->read_back, &error) &&
      read_back_again (lane))
    {
      g_debug ("a unit read back differently from the plan (try %u), reading it again: %s",
               lane->n_tries, error->message);
      return;
    }

  lane->next++;
  if (error != NULL)
    {
      g_autoptr(GError) reason = NULL;

      g_debug ("a unit read back differently from the plan");
      if (data->verification->len > 0)
        g_string_append_c (data->verification, '\n');
      g_string_append (data->verification, error->message);
      for (guint i = 0; i < unit->operations->len; i++)
        {
          const DeckPlanOp *op = g_ptr_array_index (unit->operations, i);

          for (guint k = 0; k < op->changes->len; k++)
            deck_change_set_add_change (data->unverified, g_ptr_array_index (op->changes, k));
        }
      reason = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                            _("Not sent, because the links read back differ from the plan."));
      skip_rest (lane, reason);
    }
  g_clear_pointer (&lane->read_back, g_hash_table_unref);
  lane_next (lane);
}

/* Reads every instance of the unit at the lane's step, one after the
 * other, then compares (read_back_next()). */
static void
read_back_start (Lane *lane)
{
  g_clear_pointer (&lane->read_back, g_hash_table_unref);
  lane->read_back = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) hdb_cluster_status_free);
  lane->n_read = 0;
  lane->n_tries++;
  read_back_next (lane);
}

static void
lane_next (Lane *lane)
{
  ApplyData *data = g_task_get_task_data (lane->task);
  GCancellable *cancellable = g_task_get_cancellable (lane->task);
  g_autoptr(GError) error = NULL;
  const LaneStep *step;
  const DeckPlanOp *op;
  HdbClient *client;
  HdbNodeSpec spec;

  if (lane->next < lane->steps->len && g_cancellable_set_error_if_cancelled (cancellable, &error))
    skip_rest (lane, error);

  if (lane->next >= lane->steps->len)
    {
      lane_done (lane);
      return;
    }

  step = &g_array_index (lane->steps, LaneStep, lane->next);
  if (step->verify != NULL)
    {
      lane->n_tries = 0;
      lane->deadline = g_get_monotonic_time () + READ_BACK_BUDGET_US;
      read_back_start (lane);
      return;
    }

  op = step->op;
  client = g_hash_table_lookup (data->clients, op->instance_id);
  g_debug ("%s: %s %s (step %u of %u)", op->instance_id, deck_plan_op_kind_to_string (op->kind),
           op->peer, lane->next + 1, lane->steps->len);

  if (op->kind == DECK_PLAN_OP_REMOVE_NODE)
    {
      hdb_client_remove_node_async (client, op->engine, op->peer, cancellable, on_op_done, lane);
      return;
    }

  deck_plan_op_get_node_spec (op, data->authorization, &spec);
  if (op->kind == DECK_PLAN_OP_ADD_NODE)
    hdb_client_add_node_async (client, &spec, cancellable, on_op_done, lane);
  else
    hdb_client_update_node_async (client, &spec, cancellable, on_op_done, lane);
}

static void
lane_add_op (Lane             *lane,
             const DeckPlanOp *op)
{
  LaneStep step = { op, NULL };

  g_array_append_val (lane->steps, step);
}

static Lane *
lane_new (GTask *task)
{
  Lane *lane = g_new0 (Lane, 1);

  lane->task = g_object_ref (task);
  lane->steps = g_array_new (FALSE, FALSE, sizeof (LaneStep));
  return lane;
}

/* The lanes: one per unit (its operations, its read-back, then the other
 * operations of its instances), and one per other instance. */
static GPtrArray *
make_lanes (GTask *task)
{
  ApplyData *data = g_task_get_task_data (task);
  GPtrArray *units = deck_plan_get_units (data->plan);
  GPtrArray *instance_ids = deck_plan_get_instance_ids (data->plan);
  GPtrArray *lanes = g_ptr_array_new ();
  g_autoptr(GHashTable) in_unit = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < units->len; i++)
    {
      const DeckPlanUnit *unit = g_ptr_array_index (units, i);
      Lane *lane = lane_new (task);
      LaneStep verify = { NULL, unit };

      for (guint j = 0; j < unit->operations->len; j++)
        lane_add_op (lane, g_ptr_array_index (unit->operations, j));
      g_array_append_val (lane->steps, verify);
      for (guint j = 0; j < unit->instance_ids->len; j++)
        {
          const char *instance_id = g_ptr_array_index (unit->instance_ids, j);
          GPtrArray *ops = deck_plan_get_operations (data->plan, instance_id);

          /* An instance in two units (two links made anew) sends its
           * other operations in the first one's lane only. */
          if (!g_hash_table_add (in_unit, (gpointer) instance_id))
            continue;
          for (guint k = 0; ops != NULL && k < ops->len; k++)
            if (((const DeckPlanOp *) g_ptr_array_index (ops, k))->unit == 0)
              lane_add_op (lane, g_ptr_array_index (ops, k));
        }
      g_ptr_array_add (lanes, lane);
    }

  for (guint i = 0; i < instance_ids->len; i++)
    {
      const char *instance_id = g_ptr_array_index (instance_ids, i);
      GPtrArray *ops = deck_plan_get_operations (data->plan, instance_id);
      Lane *lane;

      if (g_hash_table_contains (in_unit, instance_id))
        continue;
      lane = lane_new (task);
      for (guint k = 0; k < ops->len; k++)
        lane_add_op (lane, g_ptr_array_index (ops, k));
      g_ptr_array_add (lanes, lane);
    }
  return lanes;
}

/* The read error of an instance of the lane, if any: then nothing of the
 * lane is sent (half a mesh cannot be converted). */
static const GError *
lane_read_error (Lane      *lane,
                 ApplyData *data)
{
  for (guint i = 0; i < lane->steps->len; i++)
    {
      const LaneStep *step = &g_array_index (lane->steps, LaneStep, i);
      const GError *error;

      if (step->op == NULL)
        continue;
      error = g_hash_table_lookup (data->read_errors, step->op->instance_id);
      if (error != NULL)
        return error;
    }
  return NULL;
}

/* Starts waiting lanes while fewer than the applier's limit run. A lane
 * with an instance that could not be read ends at once, sending nothing. */
static void
start_waiting (ApplyData *data)
{
  while (data->running < data->applier->max_parallel && !g_queue_is_empty (&data->waiting))
    {
      Lane *lane = g_queue_pop_head (&data->waiting);
      const GError *read_error = lane_read_error (lane, data);

      data->running++;
      if (read_error != NULL)
        skip_rest (lane, read_error);
      lane_next (lane);
    }
}

/* Runs the lanes in parallel, at most the applier's limit at a time;
 * _deck_applier_finish_apply() when the last is done. */
void
_deck_applier_run_lanes (GTask *task)
{
  ApplyData *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) lanes = make_lanes (task);

  data->outstanding = 1;
  for (guint i = 0; i < lanes->len; i++)
    {
      data->outstanding++;
      g_queue_push_tail (&data->waiting, g_ptr_array_index (lanes, i));
    }
  start_waiting (data);

  /* Released last, so that a lane finishing at once does not complete the
   * task while others are still being started. */
  if (--data->outstanding == 0)
    _deck_applier_finish_apply (task);
}
