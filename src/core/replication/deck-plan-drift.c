/* deck-plan-drift.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Comparing a plan with the servers (DESIGN.md §3). Before anything is
 * sent, the state read again must still be the one the changes were staged
 * against (drift): applying never overwrites what someone else did. After
 * a mesh in full replication was converted, every link of it is read back
 * and must be what the plan says (deck_plan_check_unit()).
 */

#define G_LOG_DOMAIN "deck-plan"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "deck-plan-private.h"

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

/* A mesh converted as one unit must still be the mesh it was when loaded:
 * every instance in full replication with every other, and with no one
 * else (a node that joined would lose its links to the mesh, unplanned). */
static void
check_mesh_drift (DeckPlan           *self,
                  const DeckPlanUnit *unit,
                  GHashTable         *fresh_statuses,
                  GHashTable         *skip,
                  GString            *lines)
{
  for (guint i = 0; i < unit->instance_ids->len; i++)
    {
      const char *instance_id = g_ptr_array_index (unit->instance_ids, i);
      const char *node = g_ptr_array_index (unit->node_names, i);
      const HdbClusterStatus *status;

      if (skip != NULL && g_hash_table_contains (skip, instance_id))
        continue;
      status = fresh_statuses ? g_hash_table_lookup (fresh_statuses, instance_id) : NULL;
      if (status == NULL)
        continue;

      for (guint j = 0; j < unit->node_names->len; j++)
        {
          const char *peer = g_ptr_array_index (unit->node_names, j);
          const HdbConnection *conn;

          if (j == i)
            continue;
          conn = hdb_cluster_status_find_connection (status, peer);
          if (conn == NULL)
            g_string_append_printf (lines, "%s → %s: %s\n", node, peer,
                                    _("the connection no longer exists"));
          else if (!conn->replicates)
            g_string_append_printf (lines, "%s → %s: %s\n", node, peer,
                                    _("full replication was on when loaded, is now off"));
        }
      for (guint k = 0; k < status->connections->len; k++)
        {
          const HdbConnection *conn = g_ptr_array_index (status->connections, k);
          gboolean member = FALSE;

          for (guint j = 0; j < unit->node_names->len && !member; j++)
            member = g_strcmp0 (g_ptr_array_index (unit->node_names, j), conn->name) == 0;
          if (conn->replicates && !member)
            g_string_append_printf (lines, "%s → %s: %s\n", node, conn->name,
                                    _("joined full replication since it was loaded"));
        }
    }
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

          /* The add_node of a link made anew sends the whole list too. */
          if (op->kind != DECK_PLAN_OP_UPDATE_NODE &&
              !(op->relink && op->kind == DECK_PLAN_OP_ADD_NODE))
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

  for (guint i = 0; i < self->units->len; i++)
    {
      const DeckPlanUnit *unit = g_ptr_array_index (self->units, i);

      /* A link made anew is one explicit link, checked above. */
      if (!unit->relink)
        check_mesh_drift (self, unit, fresh_statuses, skip, lines);
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

/* The subscriptions of the add_node of @op as the instance @instance_id
 * sees them: its own when the op was sent to it, else the mirror image. */
static void
expected_directions (const DeckPlanOp      *op,
                     const char            *instance_id,
                     const HdbSubscription *sub,
                     gboolean              *publish,
                     gboolean              *subscribe)
{
  gboolean mirrored = g_strcmp0 (op->instance_id, instance_id) != 0;

  *publish = mirrored ? sub->subscribe : sub->publish;
  *subscribe = mirrored ? sub->publish : sub->subscribe;
}

static const char *
on_off (gboolean value)
{
  return value ? _("on") : _("off");
}

static const DeckPlanOp *
find_add (const DeckPlanUnit *unit,
          const char         *instance_id,
          const char         *node,
          const char         *peer_id,
          const char         *peer)
{
  for (guint i = 0; i < unit->operations->len; i++)
    {
      const DeckPlanOp *op = g_ptr_array_index (unit->operations, i);

      if (op->kind != DECK_PLAN_OP_ADD_NODE)
        continue;
      if ((g_strcmp0 (op->instance_id, instance_id) == 0 && g_strcmp0 (op->peer, peer) == 0) ||
          (g_strcmp0 (op->instance_id, peer_id) == 0 && g_strcmp0 (op->peer, node) == 0))
        return op;
    }
  return NULL;
}

/* Compares one link read back with what its add_node sent. */
static void
compare_link (const DeckPlanOp    *op,
              const char          *instance_id,
              const char          *node,
              const HdbConnection *conn,
              GString             *lines)
{
  if (conn->replicates)
    {
      g_string_append_printf (lines, "%s → %s: %s\n", node, conn->name,
                              _("still in full replication"));
      return;
    }

  for (guint i = 0; op->subscriptions != NULL && i < op->subscriptions->len; i++)
    {
      const HdbSubscription *sub = g_ptr_array_index (op->subscriptions, i);
      const HdbSubscription *now = find_subscription (conn->subscriptions, sub->database,
                                                      sub->table);
      gboolean publish, subscribe;

      expected_directions (op, instance_id, sub, &publish, &subscribe);
      if (now == NULL)
        g_string_append_printf (lines, "%s → %s %s.%s: %s\n", node, conn->name, sub->database,
                                sub->table, _("not listed; the plan lists it"));
      else if (now->publish != publish || now->subscribe != subscribe)
        /* Translators: publish and subscribe read back, then as planned (on/off) */
        g_string_append_printf (lines, _("%s → %s %s.%s: publish %s, subscribe %s; the plan "
                                         "says publish %s, subscribe %s\n"),
                                node, conn->name, sub->database, sub->table,
                                on_off (now->publish), on_off (now->subscribe),
                                on_off (publish), on_off (subscribe));
    }
  for (guint i = 0; conn->subscriptions != NULL && i < conn->subscriptions->len; i++)
    {
      const HdbSubscription *now = g_ptr_array_index (conn->subscriptions, i);

      if (find_subscription (op->subscriptions, now->database, now->table) == NULL)
        g_string_append_printf (lines, "%s → %s %s.%s: %s\n", node, conn->name, now->database,
                                now->table, _("listed; the plan does not list it"));
    }
}

/**
 * deck_plan_check_unit:
 * @self: a plan
 * @unit: one of its units
 * @fresh_statuses: (element-type utf8 HdbClusterStatus): instance id → its
 *   cluster status, read after the unit's operations
 * @error: return location for a %DECK_PLAN_ERROR_VERIFICATION
 *
 * Reads every link of the mesh back: on every instance of @unit, the link
 * to every other must be there, out of full replication, with exactly the
 * subscriptions its add_node sent (or their mirror image on the peer's
 * side). Every difference is named in the error, one a line, e.g.
 * "node3 → node2 dev.dog: publish off, subscribe on; the plan says publish
 * on, subscribe on".
 *
 * Returns: %TRUE when every link is what the plan says
 */
gboolean
deck_plan_check_unit (DeckPlan            *self,
                      const DeckPlanUnit  *unit,
                      GHashTable          *fresh_statuses,
                      GError             **error)
{
  g_autoptr(GString) lines = g_string_new (NULL);

  g_return_val_if_fail (DECK_IS_PLAN (self), FALSE);
  g_return_val_if_fail (unit != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; i < unit->instance_ids->len; i++)
    {
      const char *instance_id = g_ptr_array_index (unit->instance_ids, i);
      const char *node = g_ptr_array_index (unit->node_names, i);
      const HdbClusterStatus *status = NULL;

      if (fresh_statuses != NULL)
        status = g_hash_table_lookup (fresh_statuses, instance_id);
      if (status == NULL)
        {
          g_string_append_printf (lines, "%s: %s\n", node,
                                  _("the replication state could not be read back"));
          continue;
        }

      for (guint j = 0; j < unit->instance_ids->len; j++)
        {
          const char *peer = g_ptr_array_index (unit->node_names, j);
          const HdbConnection *conn;
          const DeckPlanOp *op;

          if (j == i)
            continue;
          conn = hdb_cluster_status_find_connection (status, peer);
          op = find_add (unit, instance_id, node, g_ptr_array_index (unit->instance_ids, j), peer);
          g_return_val_if_fail (op != NULL, FALSE);
          if (conn == NULL)
            g_string_append_printf (lines, "%s → %s: %s\n", node, peer,
                                    _("the link is missing"));
          else
            compare_link (op, instance_id, node, conn, lines);
        }
    }

  if (lines->len == 0)
    return TRUE;

  g_string_truncate (lines, lines->len - 1);
  g_set_error (error, DECK_PLAN_ERROR, DECK_PLAN_ERROR_VERIFICATION,
               _("The links read back after the change differ from the plan:\n%s"), lines->str);
  return FALSE;
}
