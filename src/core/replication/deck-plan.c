/* deck-plan.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * From staged changes and the loaded cluster state to the requests that
 * carry them out (DESIGN.md §3). A pure function: no network, no clock, so
 * that what Review shows is exactly what Apply sends, and it is unit
 * tested.
 *
 * It sends as few requests as it can: every change between one instance
 * and one peer goes into one update_node, whose subscriptions are the
 * loaded ones with the changes merged in (update_node replaces the whole
 * list). A native peer in full replication cannot be narrowed by
 * update_node (DESIGN.md §2), so it is removed and added again with an
 * explicit list.
 */

#define G_LOG_DOMAIN "deck-plan"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "deck-plan.h"

G_DEFINE_QUARK (deck-plan-error-quark, deck_plan_error)

struct _DeckPlan
{
  GObject     parent_instance;

  GPtrArray  *changes;        /* DeckChange, the snapshot the plan was built from */
  GPtrArray  *instance_ids;   /* char *, sorted: instances with operations */
  GHashTable *operations;     /* instance id → GPtrArray of DeckPlanOp */
  GPtrArray  *problems;       /* DeckPlanProblem */
  GHashTable *node_names;     /* instance id → its node name, for people */
  GHashTable *labels;         /* instance id → its name, for people */
  guint       n_requests;
};

G_DEFINE_FINAL_TYPE (DeckPlan, deck_plan, G_TYPE_OBJECT)

/**
 * deck_plan_op_kind_to_string:
 * @kind: an operation kind
 *
 * Returns: the Harper operation name, e.g. "update_node"
 */
const char *
deck_plan_op_kind_to_string (DeckPlanOpKind kind)
{
  switch (kind)
    {
    case DECK_PLAN_OP_UPDATE_NODE:
      return "update_node";
    case DECK_PLAN_OP_REMOVE_NODE:
      return "remove_node";
    case DECK_PLAN_OP_ADD_NODE:
      return "add_node";
    default:
      g_return_val_if_reached ("unknown");
    }
}

void
deck_plan_op_free (DeckPlanOp *op)
{
  if (op == NULL)
    return;
  g_free (op->instance_id);
  g_free (op->peer);
  g_free (op->url);
  g_clear_pointer (&op->subscriptions, g_ptr_array_unref);
  g_clear_pointer (&op->changes, g_ptr_array_unref);
  g_free (op);
}

void
deck_plan_problem_free (DeckPlanProblem *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->instance_id);
  g_free (problem->peer);
  g_free (problem->message);
  g_clear_pointer (&problem->changes, g_ptr_array_unref);
  g_free (problem);
}

static void
deck_plan_finalize (GObject *object)
{
  DeckPlan *self = DECK_PLAN (object);

  g_clear_pointer (&self->changes, g_ptr_array_unref);
  g_clear_pointer (&self->instance_ids, g_ptr_array_unref);
  g_clear_pointer (&self->operations, g_hash_table_unref);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_clear_pointer (&self->node_names, g_hash_table_unref);
  g_clear_pointer (&self->labels, g_hash_table_unref);

  G_OBJECT_CLASS (deck_plan_parent_class)->finalize (object);
}

static void
deck_plan_class_init (DeckPlanClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = deck_plan_finalize;
}

static void
deck_plan_init (DeckPlan *self)
{
  self->instance_ids = g_ptr_array_new_with_free_func (g_free);
  self->operations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_ptr_array_unref);
  self->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) deck_plan_problem_free);
  self->node_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* Building */

static GPtrArray *
copy_changes (GPtrArray *changes,
              guint      from,
              guint      to)
{
  GPtrArray *copy = g_ptr_array_new_full (to - from, (GDestroyNotify) deck_change_free);

  for (guint i = from; i < to; i++)
    g_ptr_array_add (copy, deck_change_copy (g_ptr_array_index (changes, i)));
  return copy;
}

static int
compare_subscriptions (gconstpointer a,
                       gconstpointer b)
{
  const HdbSubscription *sa = *(const HdbSubscription * const *) a;
  const HdbSubscription *sb = *(const HdbSubscription * const *) b;
  int result = g_strcmp0 (sa->database, sb->database);

  return result != 0 ? result : g_strcmp0 (sa->table, sb->table);
}

typedef struct
{
  GPtrArray  *list;    /* HdbSubscription, owned */
  GHashTable *index;   /* "database\037table" → HdbSubscription in list */
} SubscriptionSet;

static void
subscription_set_init (SubscriptionSet *set)
{
  set->list = g_ptr_array_new_with_free_func ((GDestroyNotify) hdb_subscription_free);
  set->index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* Returns the entry for @database.@table, added with @publish and
 * @subscribe when it is not there yet. */
static HdbSubscription *
subscription_set_ensure (SubscriptionSet *set,
                         const char      *database,
                         const char      *table,
                         gboolean         publish,
                         gboolean         subscribe)
{
  g_autofree char *key = g_strjoin ("\037", database, table, NULL);
  HdbSubscription *sub = g_hash_table_lookup (set->index, key);

  if (sub == NULL)
    {
      sub = hdb_subscription_new (database, table, subscribe, publish);
      g_ptr_array_add (set->list, sub);
      g_hash_table_insert (set->index, g_steal_pointer (&key), sub);
    }
  return sub;
}

/* Applies the changes [from, to) to @set and returns its sorted list. */
static GPtrArray *
subscription_set_finish (SubscriptionSet *set,
                         GPtrArray       *changes,
                         guint            from,
                         guint            to,
                         gboolean         new_default)
{
  for (guint i = from; i < to; i++)
    {
      const DeckChange *change = g_ptr_array_index (changes, i);
      HdbSubscription *sub = subscription_set_ensure (set, change->database, change->table,
                                                      new_default, new_default);

      if (change->publish != DECK_TOGGLE_UNCHANGED)
        sub->publish = change->publish == DECK_TOGGLE_ON;
      if (change->subscribe != DECK_TOGGLE_UNCHANGED)
        sub->subscribe = change->subscribe == DECK_TOGGLE_ON;
    }

  g_hash_table_unref (set->index);
  g_ptr_array_sort (set->list, compare_subscriptions);
  return set->list;
}

static void
add_problem (DeckPlan   *self,
             GPtrArray  *changes,
             guint       from,
             guint       to,
             char       *message)
{
  const DeckChange *first = g_ptr_array_index (changes, from);
  DeckPlanProblem *problem = g_new0 (DeckPlanProblem, 1);

  problem->instance_id = g_strdup (first->instance_id);
  problem->peer = g_strdup (first->peer);
  problem->message = message;
  problem->changes = copy_changes (changes, from, to);
  g_ptr_array_add (self->problems, problem);
}

static void
add_op (DeckPlan   *self,
        DeckPlanOp *op)
{
  GPtrArray *ops = g_hash_table_lookup (self->operations, op->instance_id);

  if (ops == NULL)
    {
      ops = g_ptr_array_new_with_free_func ((GDestroyNotify) deck_plan_op_free);
      g_hash_table_insert (self->operations, g_strdup (op->instance_id), ops);
      /* Changes come sorted by instance, so this keeps the list sorted. */
      g_ptr_array_add (self->instance_ids, g_strdup (op->instance_id));
    }
  g_ptr_array_add (ops, op);
  self->n_requests++;
}

static DeckPlanOp *
new_op (DeckPlanOpKind       kind,
        const char          *instance_id,
        const HdbConnection *conn,
        HdbEngine            engine,
        GPtrArray           *changes,
        guint                from,
        guint                to)
{
  DeckPlanOp *op = g_new0 (DeckPlanOp, 1);
  gboolean native = engine == HDB_ENGINE_NATIVE;

  op->kind = kind;
  op->instance_id = g_strdup (instance_id);
  op->peer = g_strdup (conn->name);
  op->url = native ? g_strdup (conn->url) : NULL;
  op->engine = engine;
  /* remove_node identifies the node by name only; add_node and
   * update_node carry the peer's credentials (DESIGN.md §2). */
  op->needs_authorization = native && kind != DECK_PLAN_OP_REMOVE_NODE;
  op->retain_authorization = op->needs_authorization &&
                             g_ascii_strncasecmp (conn->url, "ws://", 5) == 0;
  op->changes = copy_changes (changes, from, to);
  return op;
}

static gboolean
subscribes_again (GPtrArray *changes,
                  guint      from,
                  guint      to)
{
  for (guint i = from; i < to; i++)
    if (((const DeckChange *) g_ptr_array_index (changes, i))->subscribe == DECK_TOGGLE_ON)
      return TRUE;
  return FALSE;
}

/* Plans the changes [from, to), which are all between one instance and
 * one peer. */
static void
plan_peer (DeckPlan   *self,
           GPtrArray  *changes,
           guint       from,
           guint       to,
           GHashTable *statuses,
           GHashTable *engines,
           GHashTable *schemas)
{
  const DeckChange *first = g_ptr_array_index (changes, from);
  const char *instance_id = first->instance_id;
  const HdbClusterStatus *status = NULL;
  const HdbConnection *conn;
  const HdbSchema *schema = NULL;
  gpointer engine_value = NULL;
  HdbEngine engine;
  SubscriptionSet set;
  DeckPlanOp *op;

  if (statuses != NULL)
    status = g_hash_table_lookup (statuses, instance_id);
  if (status == NULL)
    {
      add_problem (self, changes, from, to,
                   g_strdup (_("The replication state of this instance was not loaded.")));
      return;
    }
  if (status->node_name != NULL && !g_hash_table_contains (self->node_names, instance_id))
    g_hash_table_insert (self->node_names, g_strdup (instance_id), g_strdup (status->node_name));

  if (engines != NULL && g_hash_table_lookup_extended (engines, instance_id, NULL, &engine_value))
    engine = (HdbEngine) GPOINTER_TO_INT (engine_value);
  else
    engine = status->engine;
  if (engine != HDB_ENGINE_NATIVE && engine != HDB_ENGINE_NATS)
    {
      add_problem (self, changes, from, to,
                   g_strdup (_("Replication is not enabled on this instance.")));
      return;
    }

  conn = hdb_cluster_status_find_connection (status, first->peer);
  if (conn == NULL)
    {
      add_problem (self, changes, from, to,
                   g_strdup_printf (_("%s is not connected to this instance any more."),
                                    first->peer));
      return;
    }

  /* update_node without the URL corrupts the stored one (DESIGN.md §2),
   * and add_node cannot work without it either. */
  if (engine == HDB_ENGINE_NATIVE && (conn->url == NULL || *conn->url == '\0'))
    {
      add_problem (self, changes, from, to,
                   g_strdup_printf (_("The address of %s is not known, and changing its "
                                      "subscriptions without it would break the connection."),
                                    first->peer));
      return;
    }

  subscription_set_init (&set);

  if (engine == HDB_ENGINE_NATIVE && conn->replicates)
    {
      /* Full replication covers every table; the explicit list that
       * replaces it must keep everything the user did not switch off. */
      for (guint i = 0; conn->subscriptions != NULL && i < conn->subscriptions->len; i++)
        {
          const HdbSubscription *sub = g_ptr_array_index (conn->subscriptions, i);

          subscription_set_ensure (&set, sub->database, sub->table, TRUE, TRUE);
        }
      if (schemas != NULL)
        schema = g_hash_table_lookup (schemas, instance_id);
      for (guint i = 0; schema != NULL && i < schema->databases->len; i++)
        {
          const HdbDatabase *db = g_ptr_array_index (schema->databases, i);

          /* Every instance has its own system database. */
          if (g_strcmp0 (db->name, "system") == 0)
            continue;
          for (guint j = 0; j < db->tables->len; j++)
            {
              const HdbTable *table = g_ptr_array_index (db->tables, j);

              subscription_set_ensure (&set, db->name, table->name, TRUE, TRUE);
            }
        }

      op = new_op (DECK_PLAN_OP_REMOVE_NODE, instance_id, conn, engine, changes, from, to);
      add_op (self, op);
      op = new_op (DECK_PLAN_OP_ADD_NODE, instance_id, conn, engine, changes, from, to);
      op->subscriptions = subscription_set_finish (&set, changes, from, to, TRUE);
      add_op (self, op);
      return;
    }

  for (guint i = 0; conn->subscriptions != NULL && i < conn->subscriptions->len; i++)
    {
      const HdbSubscription *sub = g_ptr_array_index (conn->subscriptions, i);

      subscription_set_ensure (&set, sub->database, sub->table, sub->publish, sub->subscribe);
    }
  op = new_op (DECK_PLAN_OP_UPDATE_NODE, instance_id, conn, engine, changes, from, to);
  op->subscriptions = subscription_set_finish (&set, changes, from, to, FALSE);
  add_op (self, op);

  /* Harper 4.4.18, NATS: after an update_node that switches subscribe back
   * on, no record arrives until a second, identical update_node (seen on
   * real nodes every time; switching publish back on is not affected). */
  if (engine == HDB_ENGINE_NATS && subscribes_again (changes, from, to))
    {
      DeckPlanOp *again = new_op (DECK_PLAN_OP_UPDATE_NODE, instance_id, conn, engine, changes,
                                  from, to);

      again->subscriptions = g_ptr_array_new_with_free_func ((GDestroyNotify) hdb_subscription_free);
      for (guint i = 0; i < op->subscriptions->len; i++)
        g_ptr_array_add (again->subscriptions,
                         hdb_subscription_copy (g_ptr_array_index (op->subscriptions, i)));
      again->repeat = TRUE;
      add_op (self, again);
    }
}

/**
 * deck_plan_new_full:
 * @changes: the staged changes; the plan keeps a snapshot
 * @statuses: (element-type utf8 HdbClusterStatus) (nullable): instance id
 *   → its loaded cluster status
 * @engines: (nullable): instance id → its #HdbEngine (GINT_TO_POINTER);
 *   an instance missing here uses the engine its status tells
 * @schemas: (element-type utf8 HdbSchema) (nullable): instance id → its
 *   loaded describe_all, the tables a peer in full replication keeps when
 *   it is turned into per-table subscriptions
 *
 * Builds the plan: per instance, in instance id order, one operation (or a
 * remove + add for a native peer in full replication) per peer, in peer
 * name order. Without a schema, the explicit list that replaces full
 * replication holds only the tables the changes and the loaded
 * subscriptions name, and the others stop replicating: pass the schemas.
 *
 * Returns: (transfer full): the plan
 */
DeckPlan *
deck_plan_new_full (DeckChangeSet *changes,
                    GHashTable    *statuses,
                    GHashTable    *engines,
                    GHashTable    *schemas)
{
  g_autoptr(DeckPlan) self = NULL;
  guint from = 0;

  g_return_val_if_fail (DECK_IS_CHANGE_SET (changes), NULL);

  self = g_object_new (DECK_TYPE_PLAN, NULL);
  self->changes = deck_change_set_dup_changes (changes);

  while (from < self->changes->len)
    {
      const DeckChange *first = g_ptr_array_index (self->changes, from);
      guint to = from + 1;

      while (to < self->changes->len)
        {
          const DeckChange *change = g_ptr_array_index (self->changes, to);

          if (g_strcmp0 (change->instance_id, first->instance_id) != 0 ||
              g_strcmp0 (change->peer, first->peer) != 0)
            break;
          to++;
        }

      plan_peer (self, self->changes, from, to, statuses, engines, schemas);
      from = to;
    }

  return g_steal_pointer (&self);
}

/**
 * deck_plan_new:
 * @changes: the staged changes; the plan keeps a snapshot
 * @statuses: (element-type utf8 HdbClusterStatus) (nullable): instance id
 *   → its loaded cluster status
 * @engines: (nullable): instance id → its #HdbEngine (GINT_TO_POINTER)
 *
 * deck_plan_new_full() without schemas.
 *
 * Returns: (transfer full): the plan
 */
DeckPlan *
deck_plan_new (DeckChangeSet *changes,
               GHashTable    *statuses,
               GHashTable    *engines)
{
  return deck_plan_new_full (changes, statuses, engines, NULL);
}

/**
 * deck_plan_get_instance_ids:
 * @self: a plan
 *
 * Returns: (transfer none) (element-type utf8): the instances with
 *   operations, sorted
 */
GPtrArray *
deck_plan_get_instance_ids (DeckPlan *self)
{
  g_return_val_if_fail (DECK_IS_PLAN (self), NULL);

  return self->instance_ids;
}

/**
 * deck_plan_get_operations:
 * @self: a plan
 * @instance_id: an instance
 *
 * Returns: (transfer none) (element-type DeckPlanOp) (nullable): the
 *   operations to run on @instance_id, in order, or %NULL when none
 */
GPtrArray *
deck_plan_get_operations (DeckPlan   *self,
                          const char *instance_id)
{
  g_return_val_if_fail (DECK_IS_PLAN (self), NULL);

  return g_hash_table_lookup (self->operations, instance_id);
}

/**
 * deck_plan_get_problems:
 * @self: a plan
 *
 * Returns: (transfer none) (element-type DeckPlanProblem): the changes
 *   that cannot be planned, with why
 */
GPtrArray *
deck_plan_get_problems (DeckPlan *self)
{
  g_return_val_if_fail (DECK_IS_PLAN (self), NULL);

  return self->problems;
}

/**
 * deck_plan_get_n_requests:
 * @self: a plan
 *
 * Returns: the number of requests applying the plan sends (one per
 *   operation)
 */
guint
deck_plan_get_n_requests (DeckPlan *self)
{
  g_return_val_if_fail (DECK_IS_PLAN (self), 0);

  return self->n_requests;
}

/**
 * deck_plan_get_changes:
 * @self: a plan
 *
 * Returns: (transfer none) (element-type DeckChange): the changes the plan
 *   was built from
 */
GPtrArray *
deck_plan_get_changes (DeckPlan *self)
{
  g_return_val_if_fail (DECK_IS_PLAN (self), NULL);

  return self->changes;
}

/* Describing */

static char *
instance_label (DeckPlan   *self,
                const char *instance_id)
{
  const char *node_name = g_hash_table_lookup (self->node_names, instance_id);
  const char *label = g_hash_table_lookup (self->labels, instance_id);

  if (label != NULL)
    instance_id = label;

  if (node_name == NULL || g_strcmp0 (node_name, instance_id) == 0)
    return g_strdup (instance_id);
  return g_strdup_printf ("%s (%s)", instance_id, node_name);
}

static const DeckChange *
find_change (GPtrArray             *changes,
             const HdbSubscription *sub)
{
  for (guint i = 0; i < changes->len; i++)
    {
      const DeckChange *change = g_ptr_array_index (changes, i);

      if (g_strcmp0 (change->database, sub->database) == 0 &&
          g_strcmp0 (change->table, sub->table) == 0)
        return change;
    }
  return NULL;
}

static void
append_direction (GString    *text,
                  const char *on,
                  const char *off,
                  gboolean    value,
                  DeckToggle  staged,
                  gboolean    was)
{
  g_string_append (text, value ? on : off);
  if (staged != DECK_TOGGLE_UNCHANGED)
    {
      g_string_append_c (text, ' ');
      g_string_append (text, was ? _("(changed, was on)") : _("(changed, was off)"));
    }
}

static void
describe_op (DeckPlan         *self,
             GString          *text,
             guint             number,
             const DeckPlanOp *op)
{
  if (number > 0)
    g_string_append_printf (text, "  %u. ", number);
  g_string_append_printf (text, "%s %s", deck_plan_op_kind_to_string (op->kind), op->peer);
  if (op->url != NULL)
    g_string_append_printf (text, " (%s)", op->url);
  g_string_append_c (text, '\n');

  if (op->repeat)
    {
      g_string_append (text, "     ");
      g_string_append (text, _("the same again: Harper’s NATS clustering restarts a subscription "
                               "switched back on only at the second update"));
      g_string_append_c (text, '\n');
      return;
    }

  if (op->needs_authorization)
    {
      g_string_append (text, "     ");
      g_string_append (text, _("authorization: (cluster user, hidden)"));
      if (op->retain_authorization)
        {
          g_string_append (text, ", ");
          g_string_append (text, _("retained (plain ws://)"));
        }
      g_string_append_c (text, '\n');
    }

  if (op->kind == DECK_PLAN_OP_REMOVE_NODE)
    {
      g_string_append (text, "     ");
      g_string_append (text, _("ends full replication, to add the node again with "
                               "per-table subscriptions"));
      g_string_append_c (text, '\n');
      return;
    }

  for (guint i = 0; op->subscriptions != NULL && i < op->subscriptions->len; i++)
    {
      const HdbSubscription *sub = g_ptr_array_index (op->subscriptions, i);
      const DeckChange *change = find_change (op->changes, sub);

      g_string_append_printf (text, "     %s.%s: ", sub->database, sub->table);
      append_direction (text, _("publish on"), _("publish off"), sub->publish,
                        change ? change->publish : DECK_TOGGLE_UNCHANGED,
                        change ? change->baseline.publish : FALSE);
      g_string_append (text, ", ");
      append_direction (text, _("subscribe on"), _("subscribe off"), sub->subscribe,
                        change ? change->subscribe : DECK_TOGGLE_UNCHANGED,
                        change ? change->baseline.subscribe : FALSE);
      g_string_append_c (text, '\n');
    }
}

/**
 * deck_plan_set_instance_label:
 * @self: a plan
 * @instance_id: an instance of the plan
 * @label: its name, for people
 *
 * deck_plan_describe() names the instance so (with its node name), rather
 * than by its id.
 */
void
deck_plan_set_instance_label (DeckPlan   *self,
                              const char *instance_id,
                              const char *label)
{
  g_return_if_fail (DECK_IS_PLAN (self));
  g_return_if_fail (instance_id != NULL && label != NULL);

  g_hash_table_insert (self->labels, g_strdup (instance_id), g_strdup (label));
}

/**
 * deck_plan_needs_authorization:
 * @self: a plan
 *
 * Returns: whether an operation needs the cluster user's password
 */
gboolean
deck_plan_needs_authorization (DeckPlan *self)
{
  g_return_val_if_fail (DECK_IS_PLAN (self), FALSE);

  for (guint i = 0; i < self->instance_ids->len; i++)
    {
      GPtrArray *ops = g_hash_table_lookup (self->operations, g_ptr_array_index (self->instance_ids, i));

      for (guint j = 0; j < ops->len; j++)
        if (((DeckPlanOp *) g_ptr_array_index (ops, j))->needs_authorization)
          return TRUE;
    }
  return FALSE;
}

/**
 * deck_plan_has_remove:
 * @self: a plan
 *
 * Returns: whether an operation is a `remove_node` (leaving full
 *   replication), for which the applier also needs the peers' clients
 */
gboolean
deck_plan_has_remove (DeckPlan *self)
{
  g_return_val_if_fail (DECK_IS_PLAN (self), FALSE);

  for (guint i = 0; i < self->instance_ids->len; i++)
    {
      GPtrArray *ops = g_hash_table_lookup (self->operations, g_ptr_array_index (self->instance_ids, i));

      for (guint j = 0; j < ops->len; j++)
        if (((DeckPlanOp *) g_ptr_array_index (ops, j))->kind == DECK_PLAN_OP_REMOVE_NODE)
          return TRUE;
    }
  return FALSE;
}

/**
 * deck_plan_describe_op:
 * @self: a plan
 * @op: one of its operations
 *
 * One operation as deck_plan_describe() lists it, without its number: a
 * first line with the operation, the peer and its URL, then one indented
 * line per detail. Never holds a secret.
 *
 * Returns: (transfer full): the text
 */
char *
deck_plan_describe_op (DeckPlan         *self,
                       const DeckPlanOp *op)
{
  GString *text;

  g_return_val_if_fail (DECK_IS_PLAN (self), NULL);
  g_return_val_if_fail (op != NULL, NULL);

  text = g_string_new (NULL);
  describe_op (self, text, 0, op);
  return g_string_free (text, FALSE);
}

/**
 * deck_plan_describe:
 * @self: a plan
 *
 * The plan for people (Review, `clusterdeck-cli plan`): per instance, each
 * operation with its peer, URL and complete subscription list, changed
 * directions marked; then the changes that cannot be planned. Never
 * contains a secret: where an authorization will be sent, it says so.
 *
 * Returns: (transfer full): the text
 */
char *
deck_plan_describe (DeckPlan *self)
{
  GString *text;

  g_return_val_if_fail (DECK_IS_PLAN (self), NULL);

  text = g_string_new (NULL);

  if (self->n_requests == 0 && self->problems->len == 0)
    {
      g_string_append (text, _("Nothing to apply."));
      g_string_append_c (text, '\n');
      return g_string_free (text, FALSE);
    }

  for (guint i = 0; i < self->instance_ids->len; i++)
    {
      const char *instance_id = g_ptr_array_index (self->instance_ids, i);
      GPtrArray *ops = g_hash_table_lookup (self->operations, instance_id);
      g_autofree char *label = instance_label (self, instance_id);

      g_string_append_printf (text, _("On %s:"), label);
      g_string_append_c (text, '\n');
      for (guint j = 0; j < ops->len; j++)
        describe_op (self, text, j + 1, g_ptr_array_index (ops, j));
    }

  if (self->problems->len > 0)
    {
      g_string_append (text, _("Cannot be applied:"));
      g_string_append_c (text, '\n');
      for (guint i = 0; i < self->problems->len; i++)
        {
          const DeckPlanProblem *problem = g_ptr_array_index (self->problems, i);
          g_autofree char *label = instance_label (self, problem->instance_id);

          g_string_append_printf (text, "  %s → %s: %s\n", label, problem->peer,
                                  problem->message);
        }
    }

  g_string_append_printf (text,
                          g_dngettext (GETTEXT_PACKAGE, "%u request.", "%u requests.",
                                       self->n_requests),
                          self->n_requests);
  g_string_append_c (text, '\n');
  return g_string_free (text, FALSE);
}

/* Drift */

static const char *
direction_drift (gboolean    is_publish,
                 gboolean    was)
{
  if (is_publish)
    return was ? _("publish was on when staged, is now off")
               : _("publish was off when staged, is now on");
  return was ? _("subscribe was on when staged, is now off")
             : _("subscribe was off when staged, is now on");
}

/**
 * deck_plan_check_changes_drift:
 * @changes: (element-type DeckChange): staged changes, with their baselines
 * @fresh_statuses: (element-type utf8 HdbClusterStatus): instance id → its
 *   cluster status, read again just now
 * @error: return location for a %DECK_PLAN_ERROR_DRIFT
 *
 * Compares what each change was staged against with the server's state
 * now, so that applying never overwrites a link someone else changed
 * (DESIGN.md §3). Every difference is listed in the error, one a line,
 * e.g. "node1 → node2 dev.dog: publish was on when staged, is now off".
 *
 * Returns: %TRUE when nothing changed
 */
gboolean
deck_plan_check_changes_drift (GPtrArray   *changes,
                               GHashTable  *fresh_statuses,
                               GError     **error)
{
  g_autoptr(GString) lines = g_string_new (NULL);
  const char *last_instance = NULL;
  const char *last_peer = NULL;
  gboolean skip_peer = FALSE;
  gboolean replicates_reported = FALSE;

  g_return_val_if_fail (changes != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Changes come sorted by instance and peer (deck_change_set_dup_changes),
   * so a problem with a whole connection is reported once. */
  for (guint i = 0; i < changes->len; i++)
    {
      const DeckChange *change = g_ptr_array_index (changes, i);
      const HdbClusterStatus *status = NULL;
      const HdbConnection *conn = NULL;
      const char *node = change->instance_id;
      gboolean new_peer;
      DeckBaseline now;

      new_peer = g_strcmp0 (change->instance_id, last_instance) != 0 ||
                 g_strcmp0 (change->peer, last_peer) != 0;
      if (new_peer)
        {
          skip_peer = FALSE;
          replicates_reported = FALSE;
        }
      last_instance = change->instance_id;
      last_peer = change->peer;
      if (skip_peer)
        continue;

      if (fresh_statuses != NULL)
        status = g_hash_table_lookup (fresh_statuses, change->instance_id);
      if (status != NULL && status->node_name != NULL)
        node = status->node_name;

      if (status == NULL)
        {
          g_string_append_printf (lines, "%s → %s: %s\n", node, change->peer,
                                  _("the replication state could not be read again"));
          skip_peer = TRUE;
          continue;
        }

      conn = hdb_cluster_status_find_connection (status, change->peer);
      if (conn == NULL)
        {
          g_string_append_printf (lines, "%s → %s: %s\n", node, change->peer,
                                  _("the connection no longer exists"));
          skip_peer = TRUE;
          continue;
        }

      if (!replicates_reported && conn->replicates != change->baseline.replicates)
        {
          g_string_append_printf (lines, "%s → %s: %s\n", node, change->peer,
                                  change->baseline.replicates
                                  ? _("full replication was on when staged, is now off")
                                  : _("full replication was off when staged, is now on"));
          replicates_reported = TRUE;
        }

      deck_baseline_from_connection (conn, change->database, change->table, &now);
      /* A direction that already has the value the change asks for is no
       * drift: applying it overwrites nothing (an operation whose answer
       * timed out may have taken effect all the same). */
      if (now.publish != change->baseline.publish &&
          now.publish != deck_change_get_desired_publish (change))
        g_string_append_printf (lines, "%s → %s %s.%s: %s\n", node, change->peer,
                                change->database, change->table,
                                direction_drift (TRUE, change->baseline.publish));
      if (now.subscribe != change->baseline.subscribe &&
          now.subscribe != deck_change_get_desired_subscribe (change))
        g_string_append_printf (lines, "%s → %s %s.%s: %s\n", node, change->peer,
                                change->database, change->table,
                                direction_drift (FALSE, change->baseline.subscribe));
    }

  if (lines->len == 0)
    return TRUE;

  g_string_truncate (lines, lines->len - 1);
  g_set_error (error, DECK_PLAN_ERROR, DECK_PLAN_ERROR_DRIFT,
               _("The replication state changed since these changes were made. Nothing was "
                 "applied; reload to see the current state.\n%s"),
               lines->str);
  return FALSE;
}

static gboolean
op_changes_table (const DeckPlanOp *op,
                  const char       *database,
                  const char       *table)
{
  for (guint i = 0; i < op->changes->len; i++)
    {
      const DeckChange *change = g_ptr_array_index (op->changes, i);

      if (g_strcmp0 (change->database, database) == 0 && g_strcmp0 (change->table, table) == 0)
        return TRUE;
    }
  return FALSE;
}

static const HdbSubscription *
find_subscription (GPtrArray  *subscriptions,
                   const char *database,
                   const char *table)
{
  for (guint i = 0; subscriptions != NULL && i < subscriptions->len; i++)
    {
      const HdbSubscription *sub = g_ptr_array_index (subscriptions, i);

      if (g_strcmp0 (sub->database, database) == 0 && g_strcmp0 (sub->table, table) == 0)
        return sub;
    }
  return NULL;
}

/**
 * deck_plan_check_links_drift:
 * @self: a plan
 * @fresh_statuses: (element-type utf8 HdbClusterStatus): instance id → its
 *   cluster status, read again just now
 * @skip: (nullable) (element-type utf8 any): instances not to check (they
 *   could not be read again; their operations fail anyway)
 * @error: return location for a %DECK_PLAN_ERROR_DRIFT
 *
 * An `update_node` sends the link's whole subscription list, as it was
 * loaded, with the staged changes merged in. A table of that link that
 * nobody staged but that someone changed on the server since (or a table
 * added to the link) would silently be put back: that is drift too.
 * deck_plan_check_changes_drift() covers the staged tables themselves.
 *
 * Returns: %TRUE when the rest of every link is as it was loaded
 */
gboolean
deck_plan_check_links_drift (DeckPlan    *self,
                             GHashTable  *fresh_statuses,
                             GHashTable  *skip,
                             GError     **error)
{
  g_autoptr(GString) lines = g_string_new (NULL);

  g_return_val_if_fail (DECK_IS_PLAN (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; i < self->instance_ids->len; i++)
    {
      const char *instance_id = g_ptr_array_index (self->instance_ids, i);
      GPtrArray *ops = g_hash_table_lookup (self->operations, instance_id);
      const HdbClusterStatus *status;
      const char *node;

      if (skip != NULL && g_hash_table_contains (skip, instance_id))
        continue;
      status = fresh_statuses ? g_hash_table_lookup (fresh_statuses, instance_id) : NULL;
      if (status == NULL)
        continue;
      node = status->node_name != NULL ? status->node_name : instance_id;

      for (guint j = 0; j < ops->len; j++)
        {
          const DeckPlanOp *op = g_ptr_array_index (ops, j);
          const HdbConnection *conn;

          if (op->kind != DECK_PLAN_OP_UPDATE_NODE)
            continue;
          conn = hdb_cluster_status_find_connection (status, op->peer);
          /* A connection gone, or in full replication now: the changes'
           * own check says so. */
          if (conn == NULL || conn->replicates)
            continue;

          for (guint k = 0; op->subscriptions != NULL && k < op->subscriptions->len; k++)
            {
              const HdbSubscription *sub = g_ptr_array_index (op->subscriptions, k);
              DeckBaseline now;

              if (op_changes_table (op, sub->database, sub->table))
                continue;
              deck_baseline_from_connection (conn, sub->database, sub->table, &now);
              if (now.publish != sub->publish)
                g_string_append_printf (lines, "%s → %s %s.%s: %s\n", node, op->peer,
                                        sub->database, sub->table,
                                        sub->publish ? _("publish was on when loaded, is now off")
                                                     : _("publish was off when loaded, is now on"));
              if (now.subscribe != sub->subscribe)
                g_string_append_printf (lines, "%s → %s %s.%s: %s\n", node, op->peer,
                                        sub->database, sub->table,
                                        sub->subscribe ? _("subscribe was on when loaded, is now off")
                                                       : _("subscribe was off when loaded, is now on"));
            }

          for (guint k = 0; conn->subscriptions != NULL && k < conn->subscriptions->len; k++)
            {
              const HdbSubscription *sub = g_ptr_array_index (conn->subscriptions, k);

              if (find_subscription (op->subscriptions, sub->database, sub->table) == NULL &&
                  (sub->publish || sub->subscribe))
                g_string_append_printf (lines, "%s → %s %s.%s: %s\n", node, op->peer,
                                        sub->database, sub->table,
                                        _("was added to the link on the server since it was "
                                          "loaded"));
            }
        }
    }

  if (lines->len == 0)
    return TRUE;

  g_string_truncate (lines, lines->len - 1);
  g_set_error (error, DECK_PLAN_ERROR, DECK_PLAN_ERROR_DRIFT,
               _("The replication state changed since these changes were made. Nothing was "
                 "applied; reload to see the current state.\n%s"), lines->str);
  return FALSE;
}

/**
 * deck_plan_check_drift:
 * @self: a plan
 * @fresh_statuses: (element-type utf8 HdbClusterStatus): instance id → its
 *   cluster status, read again just now
 * @error: return location for a %DECK_PLAN_ERROR_DRIFT
 *
 * deck_plan_check_changes_drift() on the changes the plan was built from.
 *
 * Returns: %TRUE when nothing changed
 */
gboolean
deck_plan_check_drift (DeckPlan    *self,
                       GHashTable  *fresh_statuses,
                       GError     **error)
{
  g_return_val_if_fail (DECK_IS_PLAN (self), FALSE);

  return deck_plan_check_changes_drift (self->changes, fresh_statuses, error);
}
