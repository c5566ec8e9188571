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
 * not sent, with why.
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
} Lane;

static void
lane_free (Lane *lane)
{
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

  lane->next++;
  if (!deck_plan_check_unit (data->plan, unit, lane->read_back, &error))
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

static void
lane_next (Lane *lane)
{
  ApplyData *data = g_task_get_task_data (lane->task);
  GCancellable *cancellable = g_task_get_cancellable (lane->task);
  g_autoptr(GError) error = NULL;
  const LaneStep *step;
  const DeckPlanOp *op;
  HdbClient *client;
  HdbNodeSpec spec = { 0 };

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
      lane->read_back = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) hdb_cluster_status_free);
      lane->n_read = 0;
      read_back_next (lane);
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

  spec.engine = op->engine;
  spec.name = op->peer;
  spec.url = op->url;
  spec.authorization = op->needs_authorization ? data->authorization : NULL;
  spec.retain_authorization = op->retain_authorization;
  spec.subscriptions = op->subscriptions;

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
