/* deck-cluster-health.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The health of an organization's links as one list (`clusterdeck-cli
 * status --watch`): each instance reachable or not, and each link, per
 * database on the native engine (cluster_status's database_sockets), up to
 * date, catching up, or disconnected. Two readings compared give what
 * changed. Pure functions over a DeckClusterState: reading is the state's.
 */

#define G_LOG_DOMAIN "deck-cluster-health"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "deck-cluster-health.h"

void
deck_health_item_free (DeckHealthItem *item)
{
  if (item == NULL)
    return;
  g_free (item->instance);
  g_free (item->instance_id);
  g_free (item->peer);
  g_free (item->peer_node);
  g_free (item->peer_id);
  g_free (item->database);
  g_free (item->state);
  g_free (item->detail);
  g_free (item);
}

static DeckHealthItem *
item_new (DeckInstance *instance,
          DeckInstance *peer_instance,
          const char   *peer_node,
          const char   *database,
          const char   *state,
          char         *detail)
{
  DeckHealthItem *item = g_new0 (DeckHealthItem, 1);

  item->instance = g_strdup (deck_instance_get_name (instance));
  item->instance_id = g_strdup (deck_instance_get_id (instance));
  item->peer = g_strdup (peer_instance != NULL ? deck_instance_get_name (peer_instance) : peer_node);
  item->peer_node = g_strdup (peer_node);
  item->peer_id = peer_instance != NULL ? g_strdup (deck_instance_get_id (peer_instance)) : NULL;
  item->database = g_strdup (database);
  item->state = g_strdup (state);
  item->detail = detail;
  item->latency_ms = -1;
  return item;
}

/**
 * deck_health_item_dup:
 * @item: an item
 * @state: (nullable): the copy's state, %NULL for @item's
 *
 * Returns: (transfer full): a copy of @item; with another @state, without
 *   @item's detail and latency (they belonged to its state)
 */
DeckHealthItem *
deck_health_item_dup (const DeckHealthItem *item,
                      const char           *state)
{
  DeckHealthItem *copy = g_new0 (DeckHealthItem, 1);

  copy->instance = g_strdup (item->instance);
  copy->instance_id = g_strdup (item->instance_id);
  copy->peer = g_strdup (item->peer);
  copy->peer_node = g_strdup (item->peer_node);
  copy->peer_id = g_strdup (item->peer_id);
  copy->database = g_strdup (item->database);
  copy->state = g_strdup (state != NULL ? state : item->state);
  copy->detail = state != NULL ? NULL : g_strdup (item->detail);
  copy->latency_ms = state != NULL ? -1 : item->latency_ms;
  return copy;
}

/**
 * deck_health_item_dup_key:
 * @item: a health item
 *
 * The key that names @item's link in one reading and the next: its
 * instance's id, its peer's node name and its database, joined by the unit
 * separator. The watch keeps its state by it and Link Health its rows.
 *
 * Returns: (transfer full): the key
 */
char *
deck_health_item_dup_key (const DeckHealthItem *item)
{
  return g_strjoin ("\x1f", item->instance_id != NULL ? item->instance_id : "",
                    item->peer_node != NULL ? item->peer_node : "",
                    item->database != NULL ? item->database : "", NULL);
}

/**
 * deck_health_item_compare:
 * @a: a pointer to a #DeckHealthItem pointer
 * @b: another
 *
 * Orders items by instance (its name, then its id: two organizations may
 * each have an instance of that name), peer node and database, as readings
 * are kept (a #GCompareFunc for g_ptr_array_sort()).
 *
 * Returns: <0, 0 or >0
 */
int
deck_health_item_compare (gconstpointer a,
                          gconstpointer b)
{
  const DeckHealthItem *x = *(DeckHealthItem * const *) a;
  const DeckHealthItem *y = *(DeckHealthItem * const *) b;
  int by;

  if ((by = g_strcmp0 (x->instance, y->instance)) != 0 ||
      (by = g_strcmp0 (x->instance_id, y->instance_id)) != 0 ||
      (by = g_strcmp0 (x->peer_node, y->peer_node)) != 0)
    return by;
  return g_strcmp0 (x->database, y->database);
}

/* The instance of @instance's organization whose node is @node_name: the
 * state may hold several organizations (the context's health watch reads
 * them all), and node names are only unique within a cluster. */
static DeckInstance *
find_peer (DeckClusterState *state,
           DeckInstance     *instance,
           const char       *node_name)
{
  const char *organization = deck_instance_get_organization_id (instance);

  for (guint i = 0; node_name != NULL && i < state->instances->len; i++)
    {
      DeckInstance *other = g_ptr_array_index (state->instances, i);

      if (g_strcmp0 (deck_instance_get_organization_id (other), organization) == 0 &&
          g_strcmp0 (deck_cluster_state_get_node_name (state, other), node_name) == 0)
        return other;
    }
  return NULL;
}

static void
add_link (GPtrArray           *items,
          DeckClusterState    *state,
          DeckInstance        *instance,
          const HdbConnection *conn)
{
  DeckInstance *peer = find_peer (state, instance, conn->name);

  if (conn->database_sockets->len == 0)
    {
      /* NATS, or a native link without a socket yet: the link as a whole. */
      gboolean connected = hdb_connection_is_connected (conn);
      DeckHealthItem *item = item_new (instance, peer, conn->name, NULL,
                                       connected ? "connected" : "disconnected",
                                       conn->latency_ms >= 0
                                       ? g_strdup_printf (_("latency %.1f ms"), conn->latency_ms)
                                       : NULL);

      item->latency_ms = connected ? conn->latency_ms : -1;
      g_ptr_array_add (items, item);
      return;
    }
  for (guint k = 0; k < conn->database_sockets->len; k++)
    {
      const HdbDatabaseSocket *socket = g_ptr_array_index (conn->database_sockets, k);
      gboolean up_to_date = g_strcmp0 (socket->catching_up_from, "up-to-date") == 0 ||
                            socket->catching_up_from == NULL;
      const char *word = !socket->connected ? "disconnected"
                         : up_to_date ? "up-to-date" : "catching-up";
      char *detail = NULL;
      DeckHealthItem *item;

      if (socket->connected && !up_to_date)
        detail = g_strdup_printf (_("catching up from %s"), socket->catching_up_from);
      else if (socket->connected && socket->latency >= 0)
        detail = g_strdup_printf (_("latency %.1f ms"), socket->latency);
      item = item_new (instance, peer, conn->name, socket->database, word, detail);
      item->latency_ms = socket->connected ? socket->latency : -1;
      g_ptr_array_add (items, item);
    }
}

/**
 * deck_cluster_health_read:
 * @state: an organization's state
 *
 * Returns: (transfer full) (element-type DeckHealthItem): the instances and
 *   their links, sorted by instance, peer and database
 */
GPtrArray *
deck_cluster_health_read (DeckClusterState *state)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) deck_health_item_free);

  for (guint i = 0; i < state->instances->len; i++)
    {
      DeckInstance *instance = g_ptr_array_index (state->instances, i);
      const char *id = deck_instance_get_id (instance);
      const HdbClusterStatus *status = g_hash_table_lookup (state->statuses, id);

      if (status == NULL)
        {
          const char *why = g_hash_table_lookup (state->unreadable, id);

          g_ptr_array_add (items, item_new (instance, NULL, NULL, NULL, "unreachable",
                                            g_strdup (why)));
          continue;
        }
      g_ptr_array_add (items, item_new (instance, NULL, NULL, NULL, "reachable", NULL));
      for (guint j = 0; j < status->connections->len; j++)
        {
          const HdbConnection *conn = g_ptr_array_index (status->connections, j);

          if (conn->name != NULL)
            add_link (items, state, instance, conn);
        }
    }
  g_ptr_array_sort (items, deck_health_item_compare);
  return items;
}

static const DeckHealthItem *
find_item (GPtrArray            *items,
           const DeckHealthItem *like)
{
  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      const DeckHealthItem *item = g_ptr_array_index (items, i);

      if (deck_health_item_compare (&item, &like) == 0)
        return item;
    }
  return NULL;
}

/**
 * deck_cluster_health_changes:
 * @before: (nullable) (element-type DeckHealthItem): the previous reading;
 *   %NULL for the first, when everything is new
 * @after: (element-type DeckHealthItem): the new reading
 *
 * Returns: (transfer full) (element-type DeckHealthItem): what is new or
 *   changed state in @after, and what @after no longer has (as `gone`)
 */
GPtrArray *
deck_cluster_health_changes (GPtrArray *before,
                             GPtrArray *after)
{
  GPtrArray *changes = g_ptr_array_new_with_free_func ((GDestroyNotify) deck_health_item_free);

  for (guint i = 0; i < after->len; i++)
    {
      const DeckHealthItem *item = g_ptr_array_index (after, i);
      const DeckHealthItem *was = find_item (before, item);

      if (was == NULL || g_strcmp0 (was->state, item->state) != 0)
        g_ptr_array_add (changes, deck_health_item_dup (item, NULL));
    }
  for (guint i = 0; before != NULL && i < before->len; i++)
    {
      const DeckHealthItem *item = g_ptr_array_index (before, i);

      /* An unreachable instance reports no links: they are not "gone". */
      if (item->peer != NULL && find_item (after, item) == NULL)
        {
          DeckHealthItem like = { .instance = item->instance, .instance_id = item->instance_id };
          const DeckHealthItem *owner = find_item (after, &like);

          if (owner == NULL || g_strcmp0 (owner->state, "reachable") == 0)
            g_ptr_array_add (changes, deck_health_item_dup (item, "gone"));
        }
    }
  g_ptr_array_sort (changes, deck_health_item_compare);
  return changes;
}
