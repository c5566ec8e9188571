/* deck-applier.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Carries out a plan (DESIGN.md §3): first the cluster status of every
 * instance is read again, and nothing is sent when a link changed since
 * the changes were staged, so that applying never overwrites what someone
 * else did. Then the instances run in parallel, each one's operations in
 * order, because a remove_node must be done before the add_node that
 * follows it. A failed operation stops its instance; whatever did not
 * apply is handed back as a change set, to stay pending.
 *
 * The plan holds no secret: the cluster user's authorization is added
 * here, just before each request, and wiped when the apply is over.
 */

#define G_LOG_DOMAIN "deck-applier"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "deck-applier.h"
#include "deck-engine.h"

struct _DeckApplier
{
  GObject     parent_instance;

  GHashTable *peer_clients;   /* peer node name → HdbClient */
};

G_DEFINE_FINAL_TYPE (DeckApplier, deck_applier, G_TYPE_OBJECT)

enum
{
  OPERATION_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
deck_apply_op_result_free (DeckApplyOpResult *result)
{
  if (result == NULL)
    return;
  g_free (result->instance_id);
  g_free (result->peer);
  g_free (result->message);
  g_clear_error (&result->error);
  g_clear_pointer (&result->changes, g_ptr_array_unref);
  g_free (result);
}

void
deck_apply_result_free (DeckApplyResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->results, g_ptr_array_unref);
  g_clear_object (&result->remaining);
  g_free (result);
}

static void
deck_applier_finalize (GObject *object)
{
  DeckApplier *self = DECK_APPLIER (object);

  g_clear_pointer (&self->peer_clients, g_hash_table_unref);

  G_OBJECT_CLASS (deck_applier_parent_class)->finalize (object);
}

static void
deck_applier_class_init (DeckApplierClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = deck_applier_finalize;

  /**
   * DeckApplier::operation-finished:
   * @applier: the applier
   * @op: (type gpointer): the #DeckPlanOp of the plan being applied
   * @error: (nullable): why it failed or was not sent, %NULL on success
   *
   * Emitted once for every operation of the plan, when its answer came
   * back, or when it is known that it will not be sent.
   */
  signals[OPERATION_FINISHED] =
    g_signal_new ("operation-finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  G_TYPE_POINTER,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
deck_applier_init (DeckApplier *self)
{
  self->peer_clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

/**
 * deck_applier_new:
 *
 * Returns: (transfer full): a new applier
 */
DeckApplier *
deck_applier_new (void)
{
  return g_object_new (DECK_TYPE_APPLIER, NULL);
}

/**
 * deck_applier_set_peer_client:
 * @self: an applier
 * @node_name: a peer's node name, as the plan names it
 * @client: (nullable): a client of that peer, or %NULL to forget it
 *
 * Native replication cannot be narrowed out of full replication by
 * update_node, and remove_node is one-sided (reference Q5, Q6): the peer
 * keeps its full-replication record of the instance, add_node only
 * patches it, and the link ends up broken. So after a native remove_node
 * of the plan succeeds, the instance is also removed on the peer when a
 * client of the peer is known here; these requests are counted in
 * #DeckApplyResult.n_peer_requests. Without a client the remove stays
 * one-sided.
 */
void
deck_applier_set_peer_client (DeckApplier *self,
                              const char  *node_name,
                              HdbClient   *client)
{
  g_return_if_fail (DECK_IS_APPLIER (self));
  g_return_if_fail (node_name != NULL);
  g_return_if_fail (client == NULL || HDB_IS_CLIENT (client));

  if (client == NULL)
    g_hash_table_remove (self->peer_clients, node_name);
  else
    g_hash_table_insert (self->peer_clients, g_strdup (node_name), g_object_ref (client));
}

/* Applying ---------------------------------------------------------------- */

typedef struct
{
  DeckApplier *applier;
  DeckPlan    *plan;
  GHashTable  *clients;       /* instance id → HdbClient */
  char        *authorization; /* "Basic …", wiped when done */
  GHashTable  *fresh;         /* instance id → HdbClusterStatus read again */
  GHashTable  *read_errors;   /* instance id → GError */
  GHashTable  *results;       /* instance id → GPtrArray of DeckApplyOpResult */
  guint        outstanding;
  guint        n_peer_requests;
} ApplyData;

typedef struct
{
  GTask      *task;
  char       *instance_id;
  HdbClient  *client;
  GPtrArray  *ops;      /* DeckPlanOp, owned by the plan */
  GPtrArray  *results;  /* DeckApplyOpResult, owned by ApplyData */
  guint       next;
  char       *message;  /* the current operation's answer, while the peer is asked */
} InstanceRun;

static void
apply_data_free (ApplyData *data)
{
  g_clear_object (&data->applier);
  g_clear_object (&data->plan);
  g_clear_pointer (&data->clients, g_hash_table_unref);
  g_clear_pointer (&data->authorization, hdb_secret_free);
  g_clear_pointer (&data->fresh, g_hash_table_unref);
  g_clear_pointer (&data->read_errors, g_hash_table_unref);
  g_clear_pointer (&data->results, g_hash_table_unref);
  g_free (data);
}

static void
instance_run_free (InstanceRun *run)
{
  g_clear_object (&run->task);
  g_free (run->instance_id);
  g_clear_object (&run->client);
  g_free (run->message);
  g_free (run);
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

static void
finish_apply (GTask *task)
{
  ApplyData *data = g_task_get_task_data (task);
  DeckApplyResult *result = g_new0 (DeckApplyResult, 1);
  GPtrArray *instance_ids = deck_plan_get_instance_ids (data->plan);
  GPtrArray *problems = deck_plan_get_problems (data->plan);

  result->n_peer_requests = data->n_peer_requests;
  result->results = g_ptr_array_new_with_free_func ((GDestroyNotify) deck_apply_op_result_free);
  result->remaining = deck_change_set_new ();

  for (guint i = 0; i < instance_ids->len; i++)
    {
      GPtrArray *results = g_hash_table_lookup (data->results,
                                                g_ptr_array_index (instance_ids, i));

      for (guint j = 0; results != NULL && j < results->len; j++)
        {
          DeckApplyOpResult *op_result = g_ptr_array_index (results, j);

          if (op_result->ok)
            {
              result->n_ok++;
            }
          else
            {
              result->n_failed++;
              for (guint k = 0; k < op_result->changes->len; k++)
                deck_change_set_add_change (result->remaining,
                                            g_ptr_array_index (op_result->changes, k));
            }
          g_ptr_array_index (results, j) = NULL;
          g_ptr_array_add (result->results, op_result);
        }
    }

  /* What the plan could not carry out did not apply either. */
  for (guint i = 0; i < problems->len; i++)
    {
      const DeckPlanProblem *problem = g_ptr_array_index (problems, i);

      for (guint k = 0; k < problem->changes->len; k++)
        deck_change_set_add_change (result->remaining, g_ptr_array_index (problem->changes, k));
    }

  g_debug ("applied: %u ok, %u failed, %u changes left pending", result->n_ok,
           result->n_failed, deck_change_set_get_n_changes (result->remaining));
  g_task_return_pointer (task, result, (GDestroyNotify) deck_apply_result_free);
}

static void
instance_done (InstanceRun *run)
{
  GTask *task = g_object_ref (run->task);
  ApplyData *data = g_task_get_task_data (task);

  instance_run_free (run);
  if (--data->outstanding == 0)
    finish_apply (task);
  g_object_unref (task);
}

/* Records an operation's outcome and tells the listeners. Takes @error. */
static void
record_op (InstanceRun      *run,
           const DeckPlanOp *op,
           gboolean          reached,
           char             *message,
           GError           *error)
{
  ApplyData *data = g_task_get_task_data (run->task);
  DeckApplyOpResult *result = op_result_new (op);

  result->reached = reached;
  result->ok = error == NULL;
  result->error = error;
  result->message = error != NULL ? g_strdup (error->message) : message;
  if (error != NULL)
    g_free (message);
  g_ptr_array_add (run->results, result);

  g_signal_emit (data->applier, signals[OPERATION_FINISHED], 0, op, result->error);
}

/* Every operation from run->next on is not sent, for @reason. */
static void
skip_rest (InstanceRun  *run,
           const GError *reason)
{
  for (; run->next < run->ops->len; run->next++)
    record_op (run, g_ptr_array_index (run->ops, run->next), FALSE, NULL,
               g_error_copy (reason));
}

static void run_next (InstanceRun *run);

/* Records the outcome of the current operation and moves on. Takes
 * @message and @error. */
static void
op_done (InstanceRun *run,
         char        *message,
         GError      *error)
{
  const DeckPlanOp *op = g_ptr_array_index (run->ops, run->next);

  record_op (run, op, TRUE, message, error ? g_error_copy (error) : NULL);
  run->next++;

  if (error != NULL)
    {
      g_autoptr(GError) reason = NULL;

      g_debug ("%s: %s to %s failed, the instance's other operations are not sent",
               run->instance_id, deck_plan_op_kind_to_string (op->kind), op->peer);
      reason = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                            _("Not sent, because an earlier operation on this instance failed: %s"),
                            error->message);
      skip_rest (run, reason);
      g_error_free (error);
    }
  run_next (run);
}

/* remove_node of a node that is not there (HTTP 400). */
static gboolean
is_missing_node (const GError *error)
{
  return g_error_matches (error, HDB_ERROR, HDB_ERROR_HARPER) &&
         hdb_error_get_reason (error) == HDB_ERROR_REASON_MISSING_NODE;
}

static void
on_peer_remove_done (GObject      *source,
                     GAsyncResult *res,
                     gpointer      user_data)
{
  InstanceRun *run = user_data;
  const DeckPlanOp *op = g_ptr_array_index (run->ops, run->next);
  g_autoptr(GError) error = NULL;
  g_autofree char *peer_message = NULL;
  char *message = g_steal_pointer (&run->message);

  peer_message = hdb_client_remove_node_finish (HDB_CLIENT (source), res, &error);
  if (peer_message == NULL && !is_missing_node (error))
    {
      GError *failure = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                     _("%s was removed here, but it still lists this instance "
                                       "and would keep replicating everything: %s"),
                                     op->peer, error->message);

      op_done (run, message, failure);
      return;
    }
  op_done (run, message, NULL);
}

static void
on_op_done (GObject      *source,
            GAsyncResult *res,
            gpointer      user_data)
{
  InstanceRun *run = user_data;
  ApplyData *data = g_task_get_task_data (run->task);
  const DeckPlanOp *op = g_ptr_array_index (run->ops, run->next);
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
      /* Already gone is what remove_node is for. */
      if (message == NULL && is_missing_node (error))
        {
          message = g_strdup (error->message);
          g_clear_error (&error);
        }
      break;
    default:
      g_assert_not_reached ();
    }

  if (error == NULL && op->kind == DECK_PLAN_OP_REMOVE_NODE && op->engine == HDB_ENGINE_NATIVE)
    {
      HdbClient *peer_client = g_hash_table_lookup (data->applier->peer_clients, op->peer);
      const HdbClusterStatus *status = g_hash_table_lookup (data->fresh, run->instance_id);

      /* Both sides (reference Q5, Q6): see deck_applier_set_peer_client(). */
      if (peer_client != NULL && status != NULL && status->node_name != NULL)
        {
          g_debug ("%s: removing %s on %s too", run->instance_id, status->node_name, op->peer);
          run->message = message;
          data->n_peer_requests++;
          hdb_client_remove_node_async (peer_client, HDB_ENGINE_NATIVE, status->node_name,
                                        g_task_get_cancellable (run->task),
                                        on_peer_remove_done, run);
          return;
        }
    }

  op_done (run, message, error);
}

static void
run_next (InstanceRun *run)
{
  ApplyData *data = g_task_get_task_data (run->task);
  GCancellable *cancellable = g_task_get_cancellable (run->task);
  g_autoptr(GError) error = NULL;
  const DeckPlanOp *op;
  HdbNodeSpec spec = { 0 };

  if (run->next < run->ops->len && g_cancellable_set_error_if_cancelled (cancellable, &error))
    skip_rest (run, error);

  if (run->next >= run->ops->len)
    {
      instance_done (run);
      return;
    }

  op = g_ptr_array_index (run->ops, run->next);
  g_debug ("%s: %s %s (%u of %u)", run->instance_id, deck_plan_op_kind_to_string (op->kind),
           op->peer, run->next + 1, run->ops->len);

  if (op->kind == DECK_PLAN_OP_REMOVE_NODE)
    {
      hdb_client_remove_node_async (run->client, op->engine, op->peer, cancellable,
                                    on_op_done, run);
      return;
    }

  spec.engine = op->engine;
  spec.name = op->peer;
  spec.url = op->url;
  spec.authorization = op->needs_authorization ? data->authorization : NULL;
  spec.retain_authorization = op->retain_authorization;
  spec.subscriptions = op->subscriptions;

  if (op->kind == DECK_PLAN_OP_ADD_NODE)
    hdb_client_add_node_async (run->client, &spec, cancellable, on_op_done, run);
  else
    hdb_client_update_node_async (run->client, &spec, cancellable, on_op_done, run);
}

static void
start_operations (GTask *task)
{
  ApplyData *data = g_task_get_task_data (task);
  GPtrArray *instance_ids = deck_plan_get_instance_ids (data->plan);
  g_autoptr(GPtrArray) readable = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  /* What the operations carry out is checked, once per change (a remove
   * and its add carry the same). An instance that cannot be read is not
   * changed, but it does not stop the others: its operations fail below,
   * with the reason. The plan's problems send nothing and stay pending. */
  for (guint i = 0; i < instance_ids->len; i++)
    {
      const char *instance_id = g_ptr_array_index (instance_ids, i);
      GPtrArray *ops = deck_plan_get_operations (data->plan, instance_id);

      if (g_hash_table_contains (data->read_errors, instance_id))
        continue;
      for (guint j = 0; j < ops->len; j++)
        {
          const DeckPlanOp *op = g_ptr_array_index (ops, j);

          for (guint k = 0; k < op->changes->len; k++)
            {
              const DeckChange *change = g_ptr_array_index (op->changes, k);
              char *key = g_strjoin ("\037", change->instance_id, change->peer,
                                     change->database, change->table, NULL);

              if (g_hash_table_add (seen, key))
                g_ptr_array_add (readable, (gpointer) change);
            }
        }
    }
  if (!deck_plan_check_changes_drift (readable, data->fresh, &error) ||
      !deck_plan_check_links_drift (data->plan, data->fresh, data->read_errors, &error))
    {
      g_debug ("drift found, nothing is applied");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->outstanding = 1;
  for (guint i = 0; i < instance_ids->len; i++)
    {
      const char *instance_id = g_ptr_array_index (instance_ids, i);
      InstanceRun *run = g_new0 (InstanceRun, 1);
      const GError *read_error;

      run->task = g_object_ref (task);
      run->instance_id = g_strdup (instance_id);
      run->client = g_object_ref (g_hash_table_lookup (data->clients, instance_id));
      run->ops = deck_plan_get_operations (data->plan, instance_id);
      run->results = g_ptr_array_new ();
      g_hash_table_insert (data->results, g_strdup (instance_id), run->results);
      data->outstanding++;

      read_error = g_hash_table_lookup (data->read_errors, instance_id);
      if (read_error != NULL)
        skip_rest (run, read_error);
      run_next (run);
    }

  /* Released last, so that an instance finishing at once does not
   * complete the task while others are still being started. */
  if (--data->outstanding == 0)
    finish_apply (task);
}

typedef struct
{
  GTask *task;
  char  *instance_id;
} StatusRead;

static void
on_status_read (GObject      *source,
                GAsyncResult *res,
                gpointer      user_data)
{
  StatusRead *read = user_data;
  g_autoptr(GTask) task = g_steal_pointer (&read->task);
  g_autofree char *id = g_steal_pointer (&read->instance_id);
  ApplyData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  HdbClusterStatus *status;

  g_free (read);
  status = hdb_client_cluster_status_finish (HDB_CLIENT (source), res, &error);
  if (status != NULL)
    {
      g_hash_table_insert (data->fresh, g_strdup (id), status);
    }
  else
    {
      GError *reason = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                    _("Not sent, because the replication state could not "
                                      "be read again: %s"), error->message);

      g_debug ("%s: cluster_status failed: %s", id, error->message);
      g_hash_table_insert (data->read_errors, g_strdup (id), reason);
    }

  if (--data->outstanding == 0)
    start_operations (task);
}

/**
 * deck_applier_apply_async:
 * @self: an applier
 * @plan: the plan to carry out
 * @clients: (element-type utf8 HdbClient): instance id → its client, for
 *   every instance of the plan; each request is bounded by its client's
 *   timeout
 * @cluster_user: (nullable): the cluster user, for native add_node and
 *   update_node
 * @cluster_password: (nullable): its password; not kept after the apply
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Reads the cluster status of every instance of @plan again, in parallel,
 * and fails with %DECK_PLAN_ERROR_DRIFT, sending nothing, when something
 * changed since the changes were staged. Otherwise runs the instances in
 * parallel and each one's operations in order; a failed operation stops
 * its instance. #DeckApplier::operation-finished is emitted per
 * operation. An instance whose state cannot be read again is not changed
 * and its operations fail, while the others go ahead.
 */
void
deck_applier_apply_async (DeckApplier         *self,
                          DeckPlan            *plan,
                          GHashTable          *clients,
                          const char          *cluster_user,
                          const char          *cluster_password,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GPtrArray *instance_ids;
  ApplyData *data;
  gboolean needs_authorization = FALSE;

  g_return_if_fail (DECK_IS_APPLIER (self));
  g_return_if_fail (DECK_IS_PLAN (plan));
  g_return_if_fail (clients != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, deck_applier_apply_async);

  data = g_new0 (ApplyData, 1);
  data->applier = g_object_ref (self);
  data->plan = g_object_ref (plan);
  data->clients = g_hash_table_ref (clients);
  data->fresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) hdb_cluster_status_free);
  data->read_errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) g_error_free);
  data->results = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_ptr_array_unref);
  g_task_set_task_data (task, data, (GDestroyNotify) apply_data_free);

  instance_ids = deck_plan_get_instance_ids (plan);
  for (guint i = 0; i < instance_ids->len; i++)
    {
      const char *instance_id = g_ptr_array_index (instance_ids, i);
      GPtrArray *ops = deck_plan_get_operations (plan, instance_id);

      if (!HDB_IS_CLIENT (g_hash_table_lookup (clients, instance_id)))
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                   "No client for instance %s", instance_id);
          return;
        }
      for (guint j = 0; j < ops->len; j++)
        needs_authorization |= ((DeckPlanOp *) g_ptr_array_index (ops, j))->needs_authorization;
    }

  if (needs_authorization)
    {
      if (cluster_user == NULL || cluster_password == NULL)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                   _("The cluster user's password is needed to change "
                                     "native replication links."));
          return;
        }
      data->authorization = hdb_basic_authorization (cluster_user, cluster_password);
    }

  /* One read per instance, all at once; operations start when all are in. */
  data->outstanding = 1;
  for (guint i = 0; i < instance_ids->len; i++)
    {
      const char *instance_id = g_ptr_array_index (instance_ids, i);
      StatusRead *read = g_new0 (StatusRead, 1);

      read->task = g_object_ref (task);
      read->instance_id = g_strdup (instance_id);
      data->outstanding++;
      hdb_client_cluster_status_async (g_hash_table_lookup (clients, instance_id), cancellable,
                                       on_status_read, read);
    }
  if (--data->outstanding == 0)
    start_operations (task);
}

/**
 * deck_applier_apply_finish:
 * @self: an applier
 * @result: the result passed to the callback
 * @error: return location for a %DECK_PLAN_ERROR_DRIFT (nothing was
 *   sent), a cancellation, or a missing password
 *
 * Returns: (transfer full) (nullable): what happened to each operation,
 *   and the changes that stay pending; %NULL on @error
 */
DeckApplyResult *
deck_applier_apply_finish (DeckApplier   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (DECK_IS_APPLIER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
