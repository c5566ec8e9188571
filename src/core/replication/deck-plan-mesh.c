/* deck-plan-mesh.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Leaving full replication (native). What Harper 4.4.18 does, found on
 * three nodes on loopback over plain ws (tests/integration/explore-mesh.c,
 * runs "current", "staged", "nowait" and "update"; node1 added node2 and
 * node3 without subscriptions, node2 and node3 then connected by
 * themselves):
 *
 * - Full replication replicates the system database, hdb_nodes included,
 *   so every node of the mesh holds the same records: node1, node2 and
 *   node3, each with replicates: true. cluster_status lists every record
 *   but the node's own, so node1's link to node2 is the same record as
 *   node3's link to node2. A node replicates everything with a peer when
 *   the peer's record and its own record both say replicates: true.
 * - update_node cannot narrow such a link (Q6): the record is patched and
 *   keeps replicates: true, nothing changes in what flows; the
 *   subscriptions it carries are written into the shared records all the
 *   same (node2's, and through add_node_back node1's own).
 * - What a plan sent until now, node1: remove_node node2, node2:
 *   remove_node node1, node1: add_node node2 with subscriptions, rewrites
 *   the third node's links. node2's record is deleted on every node, its
 *   own copy too, so node2 stops replicating with node3 as well (node2
 *   lists node3 with replicates: true and never connected again). Then
 *   node1's new record of node2, with node1's subscriptions, replicates to
 *   node3, which from then on subscribes to node2 as node1 does: node3
 *   listed node2 with "a: subscribe only", and neither table a nor table b
 *   flowed node3 → node2 any more, though nobody had changed that link.
 * - Converting the whole mesh at once works: every node removes every other
 *   (six remove_node for three nodes; the deletes replicate, so the last
 *   ones may answer "does not exist", which is what a removal wants), after
 *   which no node lists any connection (read at once after the last
 *   removal, in every run: no wait was needed); then one add_node with
 *   explicit subscriptions per link (three), whose add_node_back writes
 *   the mirror image on the peer. No link replicates the system database
 *   any more, so each node's hdb_nodes is its own again, cluster_status on
 *   every node shows exactly what was sent (at once), and data flowed on
 *   all twelve directions of two tables exactly as the subscriptions said.
 * - Over wss, remove_node_back reaches the peer (its certificate lets it
 *   in, where plain ws sends it without credentials): for a
 *   full-replication record it names the peer itself, which then deletes
 *   its own record and stops replicating with every node (read in the
 *   bundled server's setNode, not run). Removing every link of the mesh
 *   covers that case too.
 *
 * So a change to any link in full replication converts its whole mesh, as
 * one unit: every node of the mesh removes every other, then every link is
 * added again with per-table subscriptions that keep what flows (every
 * table both ways, from both instances' schemas) but what the user
 * changed, and afterwards every instance of the mesh is read back and
 * compared with the plan (deck_plan_check_unit()). The system database,
 * and with it users and roles, no longer replicates; the description says
 * so.
 */

#define G_LOG_DOMAIN "deck-plan"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "deck-plan-private.h"

typedef struct
{
  const char             *instance_id;
  const char             *node_name;
  const HdbClusterStatus *status;
  const HdbSchema        *schema;
} Member;

/* One link of the mesh, members[a] and members[b] (a < b). */
typedef struct
{
  guint      a;
  guint      b;
  guint      sender;         /* a or b: the add_node goes there */
  GPtrArray *changes;        /* DeckChange, both sides' */
  GPtrArray *subscriptions;  /* HdbSubscription, the sender's side */
  char      *url;            /* the receiver's, as the sender knows it */
} Link;

static void
link_clear (Link *link)
{
  g_clear_pointer (&link->changes, g_ptr_array_unref);
  g_clear_pointer (&link->subscriptions, g_ptr_array_unref);
  g_clear_pointer (&link->url, g_free);
}

/* By node name: the order people read the unit in, and the removals go. */
static int
compare_members (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (((const Member *) a)->node_name, ((const Member *) b)->node_name);
}

/* The nodes in full replication with @status's node, itself included: the
 * records its status lists with replicates: true, and theirs, as far as
 * their states were loaded. Names of nodes whose state was not loaded go
 * to @missing. */
static GArray *
find_members (const char             *instance_id,
              const HdbClusterStatus *status,
              GHashTable             *statuses,
              GHashTable             *schemas,
              GString                *missing)
{
  GArray *members = g_array_new (FALSE, FALSE, sizeof (Member));
  g_autoptr(GPtrArray) queue = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_ptr_array_add (queue, (gpointer) status->node_name);
  g_hash_table_add (seen, (gpointer) status->node_name);
  for (guint q = 0; q < queue->len; q++)
    {
      const char *name = g_ptr_array_index (queue, q);
      Member member = { 0 };

      member.node_name = name;
      member.instance_id = q == 0 ? instance_id : _deck_plan_instance_for_node (statuses, name);
      if (member.instance_id == NULL)
        {
          g_string_append_printf (missing, "%s%s", missing->len > 0 ? ", " : "", name);
          continue;
        }
      member.status = g_hash_table_lookup (statuses, member.instance_id);
      member.schema = schemas != NULL ? g_hash_table_lookup (schemas, member.instance_id) : NULL;
      g_array_append_val (members, member);

      for (guint i = 0; i < member.status->connections->len; i++)
        {
          const HdbConnection *conn = g_ptr_array_index (member.status->connections, i);

          if (conn->replicates && conn->name != NULL && g_hash_table_add (seen, conn->name))
            g_ptr_array_add (queue, conn->name);
        }
    }
  g_array_sort (members, compare_members);
  return members;
}

/* Every table of @schema but the system database's (every instance has
 * its own), both ways. */
static void
add_schema_tables (DeckSubscriptionSet *set,
                   const HdbSchema     *schema)
{
  for (guint i = 0; schema != NULL && i < schema->databases->len; i++)
    {
      const HdbDatabase *db = g_ptr_array_index (schema->databases, i);

      if (g_strcmp0 (db->name, "system") == 0)
        continue;
      for (guint j = 0; j < db->tables->len; j++)
        {
          const HdbTable *table = g_ptr_array_index (db->tables, j);

          _deck_subscription_set_ensure (set, db->name, table->name, TRUE, TRUE);
        }
    }
}

/* Whether two changes of one link, seen from the same side, ask opposite
 * things of one direction of one table. */
static gboolean
contradict (const DeckChange *a,
            gboolean          a_mirrored,
            const DeckChange *b,
            gboolean          b_mirrored)
{
  DeckToggle a_publish = a_mirrored ? a->subscribe : a->publish;
  DeckToggle a_subscribe = a_mirrored ? a->publish : a->subscribe;
  DeckToggle b_publish = b_mirrored ? b->subscribe : b->publish;
  DeckToggle b_subscribe = b_mirrored ? b->publish : b->subscribe;

  if (g_strcmp0 (a->database, b->database) != 0 || g_strcmp0 (a->table, b->table) != 0)
    return FALSE;
  return (a_publish != DECK_TOGGLE_UNCHANGED && b_publish != DECK_TOGGLE_UNCHANGED &&
          a_publish != b_publish) ||
         (a_subscribe != DECK_TOGGLE_UNCHANGED && b_subscribe != DECK_TOGGLE_UNCHANGED &&
          a_subscribe != b_subscribe);
}

/* Works out @link; returns a problem's message, or NULL. */
static char *
plan_link (Link     *link,
           GArray   *members)
{
  const Member *a = &g_array_index (members, Member, link->a);
  const Member *b = &g_array_index (members, Member, link->b);
  const Member *sender, *receiver;
  const HdbConnection *conn;
  DeckSubscriptionSet set;
  gboolean from_a = FALSE, from_b = FALSE;

  for (guint i = 0; i < link->changes->len; i++)
    {
      const DeckChange *change = g_ptr_array_index (link->changes, i);
      gboolean is_a = g_strcmp0 (change->instance_id, a->instance_id) == 0;

      from_a |= is_a;
      from_b |= !is_a;
      for (guint j = 0; j < i; j++)
        {
          const DeckChange *other = g_ptr_array_index (link->changes, j);

          if (contradict (change, !is_a,
                          other, g_strcmp0 (other->instance_id, a->instance_id) != 0))
            return g_strdup_printf (_("%s.%s is changed from both sides of %s ↔ %s, "
                                      "differently."),
                                    change->database, change->table, a->node_name,
                                    b->node_name);
        }
    }

  /* The add_node goes where the user staged the change, if only one side
   * did: its subscriptions are then the ones the user saw. */
  link->sender = from_b && !from_a ? link->b : link->a;
  sender = &g_array_index (members, Member, link->sender);
  receiver = link->sender == link->a ? b : a;

  conn = hdb_cluster_status_find_connection (sender->status, receiver->node_name);
  if (conn == NULL || conn->url == NULL || *conn->url == '\0')
    return g_strdup_printf (_("The address of %s is not known on %s, and the link cannot be "
                              "added again without it."),
                            receiver->node_name, sender->node_name);
  link->url = g_strdup (conn->url);

  _deck_subscription_set_init (&set);
  add_schema_tables (&set, sender->schema);
  add_schema_tables (&set, receiver->schema);
  for (guint i = 0; i < link->changes->len; i++)
    {
      const DeckChange *change = g_ptr_array_index (link->changes, i);

      /* Full replication carried every table both ways, a table no schema
       * names too. */
      _deck_subscription_set_ensure (&set, change->database, change->table, TRUE, TRUE);
      _deck_subscription_set_apply (&set, change,
                                    g_strcmp0 (change->instance_id, sender->instance_id) != 0);
    }
  link->subscriptions = _deck_subscription_set_finish (&set);
  return NULL;
}

static GPtrArray *
copy_link_changes (const Link *link)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify) deck_change_free);

  for (guint i = 0; i < link->changes->len; i++)
    g_ptr_array_add (copy, deck_change_copy (g_ptr_array_index (link->changes, i)));
  return copy;
}

static const Link *
find_link (GArray *links,
           guint   x,
           guint   y)
{
  for (guint i = 0; i < links->len; i++)
    {
      const Link *link = &g_array_index (links, Link, i);

      if ((link->a == x && link->b == y) || (link->a == y && link->b == x))
        return link;
    }
  return NULL;
}

static void
add_unit (DeckPlan *self,
          GArray   *members,
          GArray   *links)
{
  DeckPlanUnit *unit = g_new0 (DeckPlanUnit, 1);
  guint index = self->units->len + 1;

  unit->instance_ids = g_ptr_array_new_with_free_func (g_free);
  unit->node_names = g_ptr_array_new_with_free_func (g_free);
  unit->operations = g_ptr_array_new ();
  for (guint i = 0; i < members->len; i++)
    {
      const Member *member = &g_array_index (members, Member, i);

      g_ptr_array_add (unit->instance_ids, g_strdup (member->instance_id));
      g_ptr_array_add (unit->node_names, g_strdup (member->node_name));
    }

  /* First every node forgets every other, so that no record is shared any
   * more; then every link is added again. */
  for (guint x = 0; x < members->len; x++)
    for (guint y = 0; y < members->len; y++)
      {
        const Member *here = &g_array_index (members, Member, x);
        const Member *there = &g_array_index (members, Member, y);
        const HdbConnection *conn;
        DeckPlanOp *op;

        if (x == y)
          continue;
        conn = hdb_cluster_status_find_connection (here->status, there->node_name);
        op = _deck_plan_op_new (DECK_PLAN_OP_REMOVE_NODE, here->instance_id, there->node_name,
                                conn != NULL ? conn->url : NULL, HDB_ENGINE_NATIVE);
        g_ptr_array_extend_and_steal (op->changes, copy_link_changes (find_link (links, x, y)));
        op->unit = index;
        _deck_plan_add_op (self, op);
        g_ptr_array_add (unit->operations, op);
      }

  for (guint i = 0; i < links->len; i++)
    {
      Link *link = &g_array_index (links, Link, i);
      const Member *sender = &g_array_index (members, Member, link->sender);
      const Member *receiver = &g_array_index (members, Member,
                                               link->sender == link->a ? link->b : link->a);
      DeckPlanOp *op;

      op = _deck_plan_op_new (DECK_PLAN_OP_ADD_NODE, sender->instance_id, receiver->node_name,
                              link->url, HDB_ENGINE_NATIVE);
      g_ptr_array_extend_and_steal (op->changes, copy_link_changes (link));
      op->subscriptions = g_steal_pointer (&link->subscriptions);
      op->unit = index;
      _deck_plan_add_op (self, op);
      g_ptr_array_add (unit->operations, op);
    }

  g_ptr_array_add (self->units, unit);
}

/* Plans the mesh of the range @first, with every other range of @ranges
 * on it (marking them in @used). */
static void
plan_mesh (DeckPlan   *self,
           GArray     *ranges,
           guint       first,
           gboolean   *used,
           GHashTable *statuses,
           GHashTable *schemas)
{
  const DeckPlanRange *range = &g_array_index (ranges, DeckPlanRange, first);
  const DeckChange *change = g_ptr_array_index (self->changes, range->from);
  const HdbClusterStatus *status = g_hash_table_lookup (statuses, change->instance_id);
  g_autoptr(GString) missing = g_string_new (NULL);
  g_autoptr(GArray) members = NULL;
  g_autoptr(GArray) links = g_array_new (FALSE, TRUE, sizeof (Link));
  g_autoptr(GArray) mine = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *problem = NULL;

  g_array_set_clear_func (links, (GDestroyNotify) link_clear);
  members = find_members (change->instance_id, status, statuses, schemas, missing);

  for (guint r = first; r < ranges->len; r++)
    {
      const DeckPlanRange *other = &g_array_index (ranges, DeckPlanRange, r);
      const DeckChange *other_change = g_ptr_array_index (self->changes, other->from);

      for (guint m = 0; m < members->len && !used[r]; m++)
        if (g_strcmp0 (g_array_index (members, Member, m).instance_id,
                       other_change->instance_id) == 0)
          {
            used[r] = TRUE;
            g_array_append_val (mine, r);
          }
    }

  if (missing->len > 0)
    problem = g_strdup_printf (_("Harper keeps one node table for every node in full "
                                 "replication, so this change converts all their links at "
                                 "once, and the replication state of %s (in full replication "
                                 "with this instance) was not loaded: it is not in the "
                                 "organization, or could not be read."),
                               missing->str);

  for (guint a = 0; problem == NULL && a < members->len; a++)
    for (guint b = a + 1; problem == NULL && b < members->len; b++)
      {
        const Member *ma = &g_array_index (members, Member, a);
        const Member *mb = &g_array_index (members, Member, b);
        Link link = { a, b, a, NULL, NULL, NULL };

        /* The changes of this link, staged from either side. */
        link.changes = g_ptr_array_new ();
        for (guint k = 0; k < mine->len; k++)
          {
            const DeckPlanRange *r = &g_array_index (ranges, DeckPlanRange,
                                                     g_array_index (mine, guint, k));
            const DeckChange *c = g_ptr_array_index (self->changes, r->from);

            if ((g_strcmp0 (c->instance_id, ma->instance_id) == 0 &&
                 g_strcmp0 (c->peer, mb->node_name) == 0) ||
                (g_strcmp0 (c->instance_id, mb->instance_id) == 0 &&
                 g_strcmp0 (c->peer, ma->node_name) == 0))
              for (guint i = r->from; i < r->to; i++)
                g_ptr_array_add (link.changes, g_ptr_array_index (self->changes, i));
          }
        problem = plan_link (&link, members);
        g_array_append_val (links, link);
      }

  if (problem != NULL)
    {
      for (guint k = 0; k < mine->len; k++)
        {
          const DeckPlanRange *r = &g_array_index (ranges, DeckPlanRange,
                                                   g_array_index (mine, guint, k));

          _deck_plan_add_problem (self, self->changes, r->from, r->to, g_strdup (problem));
        }
      return;
    }
  add_unit (self, members, links);
}

void
_deck_plan_add_meshes (DeckPlan   *self,
                       GArray     *ranges,
                       GHashTable *statuses,
                       GHashTable *schemas)
{
  g_autofree gboolean *used = g_new0 (gboolean, ranges->len);

  for (guint r = 0; r < ranges->len; r++)
    if (!used[r])
      plan_mesh (self, ranges, r, used, statuses, schemas);
}
