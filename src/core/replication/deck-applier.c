/* deck-applier.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Carries out a plan (DESIGN.md §3), and sends nothing the plan does not
 * list: first the cluster status of every instance with operations is
 * read again, and nothing is sent when a link changed since the changes
 * were staged, so that applying never overwrites what someone else did.
 * Then the instances run in parallel, each one's operations in order; the
 * instances of a mesh converted as one unit run together, in the unit's
 * order across them (every removal before any add_node), and every one of
 * them is read back afterwards and compared with the plan
 * (deck-applier-lanes.c). A failed operation stops its instance (its
 * unit); whatever did not apply is handed back as a change set, to stay
 * pending.
 *
 * At most DEFAULT_MAX_PARALLEL lanes (instances, units) run at a time, the
 * others wait their turn: a fleet-wide change must not send every
 * update_node at once, each of which makes its instance talk to its peers.
 *
 * The plan holds no secret: the cluster user's authorization is added
 * here, just before each request, and wiped when the apply is over.
 */

#define G_LOG_DOMAIN "deck-applier"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "deck-applier-private.h"

/* Lanes run at once: enough to keep a fleet-wide apply short, few enough
 * that the peers are not asked by every instance at the same time. */
#define DEFAULT_MAX_PARALLEL 8

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
  g_clear_error (&result->verification_error);
  g_free (result);
}

static void
deck_applier_finalize (GObject *object)
{
  DeckApplier *self = DECK_APPLIER (object);

  g_clear_pointer (&self->peer_clients, g_hash_table_unref);

  G_OBJECT_CLASS (deck_applier_parent_class)->finalize (object);
}

void
_deck_applier_emit_operation_finished (DeckApplier      *self,
                                       const DeckPlanOp *op,
                                       const GError     *error)
{
  g_signal_emit (self, signals[OPERATION_FINISHED], 0, op, error);
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
  self->max_parallel = DEFAULT_MAX_PARALLEL;
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
 * A client for an instance of the plan that the clients given to
 * deck_applier_apply_async() lack, found by the node name the plan knows
 * it by (deck_plan_get_node_name()): converting a mesh out of full
 * replication sends requests to the peers too, and they are operations of
 * the plan like any other.
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

/**
 * deck_applier_set_max_parallel:
 * @self: an applier
 * @max_parallel: how many instances (or units) may be changed at once, at
 *   least 1
 *
 * The default, 8, is meant to be left alone; benchmarks and tests change it.
 */
void
deck_applier_set_max_parallel (DeckApplier *self,
                               guint        max_parallel)
{
  g_return_if_fail (DECK_IS_APPLIER (self));
  g_return_if_fail (max_parallel > 0);

  self->max_parallel = max_parallel;
}

/* Applying ---------------------------------------------------------------- */

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
  if (data->verification != NULL)
    g_string_free (data->verification, TRUE);
  g_clear_object (&data->unverified);
  g_free (data);
}

void
_deck_applier_finish_apply (GTask *task)
{
  ApplyData *data = g_task_get_task_data (task);
  DeckApplyResult *result = g_new0 (DeckApplyResult, 1);
  GPtrArray *instance_ids = deck_plan_get_instance_ids (data->plan);
  GPtrArray *problems = deck_plan_get_problems (data->plan);
  g_autoptr(GPtrArray) unverified = deck_change_set_dup_changes (data->unverified);

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

  /* What the plan could not carry out did not apply either, nor did what
   * a mesh read back differently. */
  for (guint i = 0; i < problems->len; i++)
    {
      const DeckPlanProblem *problem = g_ptr_array_index (problems, i);

      for (guint k = 0; k < problem->changes->len; k++)
        deck_change_set_add_change (result->remaining, g_ptr_array_index (problem->changes, k));
    }
  for (guint k = 0; k < unverified->len; k++)
    deck_change_set_add_change (result->remaining, g_ptr_array_index (unverified, k));
  result->n_read_again = data->n_read_again;
  if (data->verification->len > 0)
    result->verification_error = g_error_new_literal (DECK_PLAN_ERROR,
                                                      DECK_PLAN_ERROR_VERIFICATION,
                                                      data->verification->str);

  g_debug ("applied: %u ok, %u failed, %u changes left pending%s, %u read back again",
           result->n_ok, result->n_failed, deck_change_set_get_n_changes (result->remaining),
           result->verification_error ? ", a unit read back differently" : "",
           result->n_read_again);
  g_task_return_pointer (task, result, (GDestroyNotify) deck_apply_result_free);
}

static int
compare_changes (gconstpointer a,
                 gconstpointer b)
{
  const DeckChange *ca = *(const DeckChange * const *) a;
  const DeckChange *cb = *(const DeckChange * const *) b;
  int result = g_strcmp0 (ca->instance_id, cb->instance_id);

  if (result == 0)
    result = g_strcmp0 (ca->peer, cb->peer);
  if (result == 0)
    result = g_strcmp0 (ca->database, cb->database);
  return result != 0 ? result : g_strcmp0 (ca->table, cb->table);
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

              if (g_hash_table_contains (data->read_errors, change->instance_id))
                g_free (key);
              else if (g_hash_table_add (seen, key))
                g_ptr_array_add (readable, (gpointer) change);
            }
        }
    }
  /* Sorted as deck_plan_check_changes_drift() wants them (a unit's
   * operations carry changes staged on other instances). */
  g_ptr_array_sort (readable, compare_changes);
  if (!deck_plan_check_changes_drift (readable, data->fresh, &error) ||
      !deck_plan_check_links_drift (data->plan, data->fresh, data->read_errors, &error))
    {
      g_debug ("drift found, nothing is applied");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  _deck_applier_run_lanes (task);
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
 *   every instance of the plan (an instance missing here may be given by
 *   its node name, deck_applier_set_peer_client()); each request is
 *   bounded by its client's timeout
 * @cluster_user: (nullable): the cluster user, for native add_node and
 *   update_node
 * @cluster_password: (nullable): its password; not kept after the apply
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Sends the requests of @plan, and no others: reads the cluster status of
 * every instance of @plan again, in parallel, and fails with
 * %DECK_PLAN_ERROR_DRIFT, sending nothing more, when something changed
 * since the changes were staged. Otherwise runs the instances in parallel,
 * at most deck_applier_set_max_parallel() at a time (8), and each one's
 * operations in order (a unit's across its instances, then its read-back);
 * a failed operation stops its instance (its unit).
 * #DeckApplier::operation-finished is emitted per operation. An instance
 * whose state cannot be read again is not changed (nor is the rest of its
 * unit) and its operations fail, while the others go ahead.
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

  g_return_if_fail (DECK_IS_APPLIER (self));
  g_return_if_fail (DECK_IS_PLAN (plan));
  g_return_if_fail (clients != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, deck_applier_apply_async);

  data = g_new0 (ApplyData, 1);
  data->applier = g_object_ref (self);
  data->plan = g_object_ref (plan);
  data->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  data->fresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) hdb_cluster_status_free);
  data->read_errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) g_error_free);
  data->results = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_ptr_array_unref);
  data->verification = g_string_new (NULL);
  data->unverified = deck_change_set_new ();
  g_task_set_task_data (task, data, (GDestroyNotify) apply_data_free);

  instance_ids = deck_plan_get_instance_ids (plan);
  for (guint i = 0; i < instance_ids->len; i++)
    {
      const char *instance_id = g_ptr_array_index (instance_ids, i);
      const char *node_name = deck_plan_get_node_name (plan, instance_id);
      HdbClient *client = g_hash_table_lookup (clients, instance_id);

      if (client == NULL && node_name != NULL)
        client = g_hash_table_lookup (self->peer_clients, node_name);
      if (!HDB_IS_CLIENT (client))
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                   "No client for instance %s", instance_id);
          return;
        }
      g_hash_table_insert (data->clients, g_strdup (instance_id), g_object_ref (client));
    }

  if (deck_plan_needs_authorization (plan))
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
      hdb_client_cluster_status_async (g_hash_table_lookup (data->clients, instance_id),
                                       cancellable, on_status_read, read);
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
 *   the changes that stay pending, and whether the meshes converted read
 *   back as planned; %NULL on @error
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
