/* deck-plan.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * From staged changes and the loaded cluster state to the requests that
 * carry them out (DESIGN.md §3). A pure function: no network, no clock, so
 * that what Review shows is exactly what Apply sends, and it is unit
 * tested. Every request the applier sends is in the plan: the operations,
 * the cluster_status read again on every instance before anything is sent
 * (drift), and the read-back after converting a mesh.
 *
 * It sends as few requests as it can: every change between one instance
 * and one peer goes into one update_node, whose subscriptions are the
 * loaded ones with the changes merged in (update_node replaces the whole
 * list). A native peer in full replication cannot be narrowed by
 * update_node (DESIGN.md §2): the mesh of full replication it belongs to is
 * converted as one unit (deck-plan-mesh.c).
 *
 * Describing the plan is in deck-plan-describe.c, comparing it with the
 * servers in deck-plan-drift.c.
 */

#define G_LOG_DOMAIN "deck-plan"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "deck-plan-private.h"
#include "hdb-capabilities.h"

G_DEFINE_QUARK (deck-plan-error-quark, deck_plan_error)

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
deck_plan_op_get_node_spec (const DeckPlanOp *op,
                            const char       *authorization,
                            HdbNodeSpec      *spec)
{
  g_return_if_fail (op->kind == DECK_PLAN_OP_ADD_NODE || op->kind == DECK_PLAN_OP_UPDATE_NODE);

  memset (spec, 0, sizeof *spec);
  spec->engine = op->engine;
  spec->name = op->peer;
  spec->url = op->url;
  spec->authorization = op->needs_authorization ? authorization : NULL;
  spec->retain_authorization = op->retain_authorization;
  spec->subscriptions = op->subscriptions;
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
unit_free (DeckPlanUnit *unit)
{
  g_clear_pointer (&unit->instance_ids, g_ptr_array_unref);
  g_clear_pointer (&unit->node_names, g_ptr_array_unref);
  g_clear_pointer (&unit->operations, g_ptr_array_unref);
  g_free (unit);
}

static void
deck_plan_finalize (GObject *object)
{
  DeckPlan *self = DECK_PLAN (object);

  g_clear_pointer (&self->changes, g_ptr_array_unref);
  g_clear_pointer (&self->instance_ids, g_ptr_array_unref);
  g_clear_pointer (&self->units, g_ptr_array_unref);
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
  self->units = g_ptr_array_new_with_free_func ((GDestroyNotify) unit_free);
  self->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) deck_plan_problem_free);
  self->node_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* Building */

GPtrArray *
_deck_plan_copy_changes (GPtrArray *changes,
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

void
_deck_subscription_set_init (DeckSubscriptionSet *set)
{
  set->list = g_ptr_array_new_with_free_func ((GDestroyNotify) hdb_subscription_free);
  set->index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* Returns the entry for @database.@table, added with @publish and
 * @subscribe when it is not there yet. */
HdbSubscription *
_deck_subscription_set_ensure (DeckSubscriptionSet *set,
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

/* Sets what @change asks of its table in @set (a table new to the set
 * starts with both directions off); @mirrored: the change was staged from
 * the other side of the link, whose publish is this side's subscribe. */
void
_deck_subscription_set_apply (DeckSubscriptionSet *set,
                              const DeckChange    *change,
                              gboolean             mirrored)
{
  HdbSubscription *sub = _deck_subscription_set_ensure (set, change->database, change->table,
                                                        FALSE, FALSE);
  gboolean *publish = mirrored ? &sub->subscribe : &sub->publish;
  gboolean *subscribe = mirrored ? &sub->publish : &sub->subscribe;

  if (change->publish != DECK_TOGGLE_UNCHANGED)
    *publish = change->publish == DECK_TOGGLE_ON;
  if (change->subscribe != DECK_TOGGLE_UNCHANGED)
    *subscribe = change->subscribe == DECK_TOGGLE_ON;
}

/* The set's sorted list; the set is used up. */
GPtrArray *
_deck_subscription_set_finish (DeckSubscriptionSet *set)
{
  g_hash_table_unref (set->index);
  g_ptr_array_sort (set->list, compare_subscriptions);
  return set->list;
}

void
_deck_plan_add_problem (DeckPlan   *self,
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
  problem->changes = _deck_plan_copy_changes (changes, from, to);
  g_ptr_array_add (self->problems, problem);
}

void
_deck_plan_add_op (DeckPlan   *self,
                   DeckPlanOp *op)
{
  GPtrArray *ops = g_hash_table_lookup (self->operations, op->instance_id);

  if (ops == NULL)
    {
      ops = g_ptr_array_new_with_free_func ((GDestroyNotify) deck_plan_op_free);
      g_hash_table_insert (self->operations, g_strdup (op->instance_id), ops);
      g_ptr_array_add (self->instance_ids, g_strdup (op->instance_id));
    }
  g_ptr_array_add (ops, op);
  self->n_operations++;
}

DeckPlanOp *
_deck_plan_op_new (DeckPlanOpKind  kind,
                   const char     *instance_id,
                   const char     *peer,
                   const char     *url,
                   HdbEngine       engine)
{
  DeckPlanOp *op = g_new0 (DeckPlanOp, 1);
  gboolean native = engine == HDB_ENGINE_NATIVE;

  op->kind = kind;
  op->instance_id = g_strdup (instance_id);
  op->peer = g_strdup (peer);
  op->url = native ? g_strdup (url) : NULL;
  op->engine = engine;
  /* remove_node identifies the node by name only; add_node and
   * update_node carry the peer's credentials (DESIGN.md §2). */
  op->needs_authorization = native && kind != DECK_PLAN_OP_REMOVE_NODE;
  op->retain_authorization = op->needs_authorization && url != NULL &&
                             g_ascii_strncasecmp (url, "ws://", 5) == 0;
  op->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) deck_change_free);
  return op;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The instance whose loaded status has @node_name as its own, the first in
 * id order; NULL when none was loaded. */
const char *
_deck_plan_instance_for_node (GHashTable *statuses,
                              const char *node_name)
{
  g_autofree gpointer *ids = NULL;
  guint n_ids = 0;

  if (statuses == NULL || node_name == NULL)
    return NULL;
  ids = g_hash_table_get_keys_as_array (statuses, &n_ids);
  qsort (ids, n_ids, sizeof (gpointer), compare_strings);
  for (guint i = 0; i < n_ids; i++)
    {
      const HdbClusterStatus *status = g_hash_table_lookup (statuses, ids[i]);

      if (status != NULL && g_strcmp0 (status->node_name, node_name) == 0)
        return ids[i];
    }
  return NULL;
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

/* Whether update_node changes the link between @own and @peer (node names)
 * as it asks: both versions must do it, as far as @versions (node name →
 * Harper version) knows them. */
static gboolean
updates_in_place (GHashTable *versions,
                  const char *own,
                  const char *peer)
{
  const char *names[] = { own, peer };

  for (guint i = 0; versions != NULL && i < G_N_ELEMENTS (names); i++)
    {
      const char *version = names[i] != NULL ? g_hash_table_lookup (versions, names[i]) : NULL;
      const HdbCapabilities *caps = hdb_capabilities_for_version (version);

      if (version != NULL && caps->known && !caps->updates_in_place)
        return FALSE;
    }
  return TRUE;
}

/* The link between @instance_id and @conn's node, made anew: removed on
 * both sides (on the peer only when it is an instance of @statuses), then
 * added with @subscriptions; a unit, so that the applier sends it in this
 * order across the two instances and reads both back
 * (deck_plan_check_unit()). */
static void
add_relink (DeckPlan            *self,
            GPtrArray           *changes,
            guint                from,
            guint                to,
            GHashTable          *statuses,
            const char          *instance_id,
            const char          *own_name,
            const HdbConnection *conn,
            GPtrArray           *subscriptions)
{
  DeckPlanUnit *unit = g_new0 (DeckPlanUnit, 1);
  const char *peer_id = _deck_plan_instance_for_node (statuses, conn->name);
  guint index = self->units->len + 1;
  DeckPlanOp *ops[3] = { NULL, };

  unit->relink = TRUE;
  unit->instance_ids = g_ptr_array_new_with_free_func (g_free);
  unit->node_names = g_ptr_array_new_with_free_func (g_free);
  unit->operations = g_ptr_array_new ();
  g_ptr_array_add (unit->instance_ids, g_strdup (instance_id));
  g_ptr_array_add (unit->node_names, g_strdup (own_name));

  ops[0] = _deck_plan_op_new (DECK_PLAN_OP_REMOVE_NODE, instance_id, conn->name, conn->url,
                              HDB_ENGINE_NATIVE);
  if (peer_id != NULL && own_name != NULL)
    {
      const HdbClusterStatus *peer_status = g_hash_table_lookup (statuses, peer_id);
      const HdbConnection *back = hdb_cluster_status_find_connection (peer_status, own_name);

      g_ptr_array_add (unit->instance_ids, g_strdup (peer_id));
      g_ptr_array_add (unit->node_names, g_strdup (conn->name));
      ops[1] = _deck_plan_op_new (DECK_PLAN_OP_REMOVE_NODE, peer_id, own_name,
                                  back != NULL ? back->url : NULL, HDB_ENGINE_NATIVE);
    }
  ops[2] = _deck_plan_op_new (DECK_PLAN_OP_ADD_NODE, instance_id, conn->name, conn->url,
                              HDB_ENGINE_NATIVE);
  ops[2]->subscriptions = subscriptions;

  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    {
      if (ops[i] == NULL)
        continue;
      g_ptr_array_extend_and_steal (ops[i]->changes, _deck_plan_copy_changes (changes, from, to));
      ops[i]->unit = index;
      ops[i]->relink = TRUE;
      _deck_plan_add_op (self, ops[i]);
      g_ptr_array_add (unit->operations, ops[i]);
    }
  g_ptr_array_add (self->units, unit);
}

/* Plans the changes [from, to), which are all between one instance and
 * one peer. A native peer in full replication is left in @meshes, for
 * _deck_plan_add_meshes(). */
static void
plan_peer (DeckPlan   *self,
           GPtrArray  *changes,
           guint       from,
           guint       to,
           GHashTable *statuses,
           GHashTable *engines,
           GHashTable *versions,
           GArray     *meshes)
{
  const DeckChange *first = g_ptr_array_index (changes, from);
  const char *instance_id = first->instance_id;
  const HdbClusterStatus *status = NULL;
  const HdbConnection *conn;
  gpointer engine_value = NULL;
  HdbEngine engine;
  DeckSubscriptionSet set;
  DeckPlanOp *op;

  if (statuses != NULL)
    status = g_hash_table_lookup (statuses, instance_id);
  if (status == NULL)
    {
      _deck_plan_add_problem (self, changes, from, to,
                              g_strdup (_("The replication state of this instance was not "
                                          "loaded.")));
      return;
    }

  if (engines != NULL && g_hash_table_lookup_extended (engines, instance_id, NULL, &engine_value))
    engine = (HdbEngine) GPOINTER_TO_INT (engine_value);
  else
    engine = status->engine;
  if (engine != HDB_ENGINE_NATIVE && engine != HDB_ENGINE_NATS)
    {
      _deck_plan_add_problem (self, changes, from, to,
                              g_strdup (_("Replication is not enabled on this instance.")));
      return;
    }

  conn = hdb_cluster_status_find_connection (status, first->peer);
  if (conn == NULL)
    {
      _deck_plan_add_problem (self, changes, from, to,
                              g_strdup_printf (_("%s is not connected to this instance any "
                                                 "more."), first->peer));
      return;
    }

  /* update_node without the URL corrupts the stored one (DESIGN.md §2),
   * and add_node cannot work without it either. */
  if (engine == HDB_ENGINE_NATIVE && (conn->url == NULL || *conn->url == '\0'))
    {
      _deck_plan_add_problem (self, changes, from, to,
                              g_strdup_printf (_("The address of %s is not known, and changing "
                                                 "its subscriptions without it would break the "
                                                 "connection."), first->peer));
      return;
    }

  if (engine == HDB_ENGINE_NATIVE && conn->replicates)
    {
      DeckPlanRange range = { from, to };

      /* A mesh is found by node names, starting from this instance's. */
      if (status->node_name == NULL || *status->node_name == '\0')
        {
          _deck_plan_add_problem (self, changes, from, to,
                                  g_strdup (_("This instance did not say its node name, "
                                              "which converting a link in full replication "
                                              "needs. Reload, and if it stays so, check the "
                                              "instance's replication settings.")));
          return;
        }

      g_array_append_val (meshes, range);
      return;
    }

  _deck_subscription_set_init (&set);
  for (guint i = 0; conn->subscriptions != NULL && i < conn->subscriptions->len; i++)
    {
      const HdbSubscription *sub = g_ptr_array_index (conn->subscriptions, i);

      _deck_subscription_set_ensure (&set, sub->database, sub->table, sub->publish,
                                     sub->subscribe);
    }
  for (guint i = from; i < to; i++)
    _deck_subscription_set_apply (&set, g_ptr_array_index (changes, i), FALSE);

  /* Harper 4.5 and later do not change a link in place as update_node
   * asks (a direction switched back on stays closed): the link is made
   * anew, removed on both sides and added again. */
  if (engine == HDB_ENGINE_NATIVE &&
      !updates_in_place (versions, status->node_name, first->peer))
    {
      /* Removing the link on this side alone, with the other side out of
       * reach, could leave it half made: nothing is planned then. */
      if (_deck_plan_instance_for_node (statuses, conn->name) == NULL ||
          status->node_name == NULL)
        {
          g_ptr_array_unref (_deck_subscription_set_finish (&set));
          _deck_plan_add_problem (self, changes, from, to,
                                  g_strdup_printf (_("This Harper version does not change a "
                                                     "link in place, so it is removed on "
                                                     "both sides and added again, and the "
                                                     "replication state of %s was not "
                                                     "loaded: it is not in the "
                                                     "organization, or could not be read."),
                                                   conn->name));
          return;
        }
      add_relink (self, changes, from, to, statuses, instance_id, status->node_name, conn,
                  _deck_subscription_set_finish (&set));
      return;
    }

  op = _deck_plan_op_new (DECK_PLAN_OP_UPDATE_NODE, instance_id, conn->name, conn->url, engine);
  g_ptr_array_extend_and_steal (op->changes, _deck_plan_copy_changes (changes, from, to));
  op->subscriptions = _deck_subscription_set_finish (&set);
  _deck_plan_add_op (self, op);

  /* Harper 4.4.18, NATS: after an update_node that switches subscribe back
   * on, no record arrives until a second, identical update_node (seen on
   * real nodes every time; switching publish back on is not affected). */
  if (engine == HDB_ENGINE_NATS && subscribes_again (changes, from, to))
    {
      DeckPlanOp *again = _deck_plan_op_new (DECK_PLAN_OP_UPDATE_NODE, instance_id, conn->name,
                                             conn->url, engine);

      g_ptr_array_extend_and_steal (again->changes, _deck_plan_copy_changes (changes, from, to));
      again->subscriptions = g_ptr_array_new_with_free_func ((GDestroyNotify) hdb_subscription_free);
      for (guint i = 0; i < op->subscriptions->len; i++)
        g_ptr_array_add (again->subscriptions,
                         hdb_subscription_copy (g_ptr_array_index (op->subscriptions, i)));
      again->repeat = TRUE;
      _deck_plan_add_op (self, again);
    }
}

/* A unit's operations go first on each of its instances (the applier sends
 * them in the unit's order, then the instance's others); otherwise the
 * order stays. */
static void
put_unit_first (GPtrArray *ops)
{
  g_autoptr(GPtrArray) others = g_ptr_array_new ();
  guint n = 0;

  for (guint i = 0; i < ops->len; i++)
    {
      gpointer op = g_ptr_array_index (ops, i);

      if (((DeckPlanOp *) op)->unit != 0)
        ops->pdata[n++] = op;
      else
        g_ptr_array_add (others, op);
    }
  for (guint i = 0; i < others->len; i++)
    ops->pdata[n++] = g_ptr_array_index (others, i);
}

static void
finish_building (DeckPlan   *self,
                 GHashTable *statuses)
{
  GHashTableIter iter;
  gpointer key, value;

  g_ptr_array_sort (self->instance_ids, compare_strings);

  g_hash_table_iter_init (&iter, self->operations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    put_unit_first (value);

  /* The node names, for people and for the applier's peer clients. */
  if (statuses == NULL)
    return;
  g_hash_table_iter_init (&iter, statuses);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const HdbClusterStatus *status = value;

      if (status->node_name != NULL)
        g_hash_table_insert (self->node_names, g_strdup (key), g_strdup (status->node_name));
    }
}

/**
 * deck_plan_new_full:
 * @changes: the staged changes; the plan keeps a snapshot
 * @statuses: (element-type utf8 HdbClusterStatus) (nullable): instance id
 *   → its loaded cluster status: of every instance the changes name, and
 *   of the instances that share full replication with them (a mesh is
 *   converted as one unit, which sends requests to all of them)
 * @engines: (nullable): instance id → its #HdbEngine (GINT_TO_POINTER);
 *   an instance missing here uses the engine its status tells
 * @schemas: (element-type utf8 HdbSchema) (nullable): instance id → its
 *   loaded describe_all, the tables a link in full replication keeps when
 *   it is turned into per-table subscriptions
 *
 * Builds the plan: per instance, in instance id order, one operation per
 * peer, in peer name order, and the units that convert meshes in full
 * replication. Without the schemas, the explicit lists that replace full
 * replication hold only the tables the changes name, and the others stop
 * replicating: pass the schemas.
 *
 * Returns: (transfer full): the plan
 */
DeckPlan *
deck_plan_new_full (DeckChangeSet *changes,
                    GHashTable    *statuses,
                    GHashTable    *engines,
                    GHashTable    *schemas)
{
  return deck_plan_new_versioned (changes, statuses, engines, schemas, NULL);
}

/**
 * deck_plan_new_versioned:
 * @changes: the staged changes; the plan keeps a snapshot
 * @statuses: (element-type utf8 HdbClusterStatus) (nullable): as for
 *   deck_plan_new_full(); with a version that changes no link in place,
 *   the peer's status too (its side of the link is removed)
 * @engines: (nullable): as for deck_plan_new_full()
 * @schemas: (element-type utf8 HdbSchema) (nullable): as for
 *   deck_plan_new_full()
 * @versions: (element-type utf8 utf8) (nullable): node name → the Harper
 *   version of that node, for the instances and peers known
 *
 * deck_plan_new_full(), knowing versions: where an instance or its peer
 * runs a Harper that does not change a link in place as update_node asks
 * (4.5 and later, hdb-capabilities.h), a changed explicit link is made
 * anew as a unit: removed on both sides, then added with its new
 * subscriptions, and read back. A version not in @versions is taken to
 * update in place (as 4.4 does).
 *
 * Returns: (transfer full): the plan
 */
DeckPlan *
deck_plan_new_versioned (DeckChangeSet *changes,
                         GHashTable    *statuses,
                         GHashTable    *engines,
                         GHashTable    *schemas,
                         GHashTable    *versions)
{
  g_autoptr(DeckPlan) self = NULL;
  g_autoptr(GArray) meshes = g_array_new (FALSE, FALSE, sizeof (DeckPlanRange));
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

      plan_peer (self, self->changes, from, to, statuses, engines, versions, meshes);
      from = to;
    }

  if (meshes->len > 0)
    _deck_plan_add_meshes (self, meshes, statuses, schemas);
  finish_building (self, statuses);
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
 *   operations to run on @instance_id, in the order they are sent to it
 *   (those of a unit first), or %NULL when none
 */
GPtrArray *
deck_plan_get_operations (DeckPlan   *self,
                          const char *instance_id)
{
  g_return_val_if_fail (DECK_IS_PLAN (self), NULL);

  return g_hash_table_lookup (self->operations, instance_id);
}

/**
 * deck_plan_get_units:
 * @self: a plan
 *
 * Returns: (transfer none) (element-type DeckPlanUnit): the meshes in full
 *   replication the plan converts, each as one unit
 */
GPtrArray *
deck_plan_get_units (DeckPlan *self)
{
  g_return_val_if_fail (DECK_IS_PLAN (self), NULL);

  return self->units;
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
 * deck_plan_get_n_operations:
 * @self: a plan
 *
 * Returns: the number of operations (the requests that change something)
 */
guint
deck_plan_get_n_operations (DeckPlan *self)
{
  g_return_val_if_fail (DECK_IS_PLAN (self), 0);

  return self->n_operations;
}

/**
 * deck_plan_get_n_reads:
 * @self: a plan
 *
 * The cluster_status requests applying sends: one per instance with
 * operations before anything is sent (deck_plan_check_drift()), and one
 * per instance of every unit after its operations (deck_plan_check_unit()).
 *
 * Returns: the number of reads
 */
guint
deck_plan_get_n_reads (DeckPlan *self)
{
  guint n;

  g_return_val_if_fail (DECK_IS_PLAN (self), 0);

  n = self->instance_ids->len;
  for (guint i = 0; i < self->units->len; i++)
    n += ((DeckPlanUnit *) g_ptr_array_index (self->units, i))->instance_ids->len;
  return n;
}

/**
 * deck_plan_get_n_requests:
 * @self: a plan
 *
 * Returns: the number of requests applying the plan sends when every one
 *   succeeds: its operations and its reads; nothing else is sent
 */
guint
deck_plan_get_n_requests (DeckPlan *self)
{
  g_return_val_if_fail (DECK_IS_PLAN (self), 0);

  if (self->n_operations == 0)
    return 0;
  return self->n_operations + deck_plan_get_n_reads (self);
}

/**
 * deck_plan_get_node_name:
 * @self: a plan
 * @instance_id: an instance
 *
 * Returns: (nullable): the node name its loaded status reported
 */
const char *
deck_plan_get_node_name (DeckPlan   *self,
                         const char *instance_id)
{
  g_return_val_if_fail (DECK_IS_PLAN (self), NULL);

  return g_hash_table_lookup (self->node_names, instance_id);
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

/**
 * deck_plan_get_n_reopened:
 * @self: a plan
 *
 * How many of the plan's changes switch a direction back on
 * (deck_change_reopens()): records written while it was off may never
 * arrive.
 *
 * Returns: the number of such changes
 */
guint
deck_plan_get_n_reopened (DeckPlan *self)
{
  guint n = 0;

  g_return_val_if_fail (DECK_IS_PLAN (self), 0);

  for (guint i = 0; i < self->changes->len; i++)
    if (deck_change_reopens (g_ptr_array_index (self->changes, i)))
      n++;
  return n;
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
      GPtrArray *ops = g_hash_table_lookup (self->operations,
                                            g_ptr_array_index (self->instance_ids, i));

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
 *   replication), whose unit sends requests to the peers too: the applier
 *   needs their clients
 */
gboolean
deck_plan_has_remove (DeckPlan *self)
{
  g_return_val_if_fail (DECK_IS_PLAN (self), FALSE);

  return self->units->len > 0;
}
