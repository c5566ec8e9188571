/* deck-map-model.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cluster map's model: an organization's instances (and the peers
 * outside it that they name) as nodes, their links as edges, each with its
 * health, made from the state `export` and `check` read
 * (deck_cluster_state_read_async()). The layout is stable: the nodes are
 * sorted by name and placed on a circle, so the same cluster gives the
 * same picture, whatever order the instances answered in. The SVG writer
 * (deck-map-model-svg.c) and the window's view draw this one model.
 */

#define G_LOG_DOMAIN "deck-map-model"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "deck-map-model.h"

#define MAP_WIDTH 720.0
#define MAP_HEIGHT 540.0
#define MAP_RADIUS 180.0

static void
map_node_free (DeckMapNode *node)
{
  g_free (node->name);
  g_free (node->instance_id);
  g_free (node->node_name);
  g_free (node->detail);
  g_free (node);
}

typedef struct
{
  DeckMapEdge  edge;
  gboolean     known;      /* an end reported the link's health */
  GHashTable  *tables;     /* "database\ntable" */
} EdgeBuild;

static void
edge_build_free (EdgeBuild *build)
{
  g_hash_table_unref (build->tables);
  g_free (build);
}

/* Whether a link as one end reports it is connected, catching up or not;
 * FALSE when that end says nothing of it. A native link's sockets are
 * those the reporting node opened to take the peer's records: the end that
 * only publishes has none, and its silence is no sign of a broken link. */
static gboolean
link_health (const HdbConnection *conn,
             DeckMapHealth       *health)
{
  DeckMapHealth worst = DECK_MAP_HEALTH_CONNECTED;

  if (conn->status != NULL)
    {
      *health = hdb_connection_is_connected (conn) ? DECK_MAP_HEALTH_CONNECTED
                                                   : DECK_MAP_HEALTH_DISCONNECTED;
      return TRUE;
    }
  if (conn->database_sockets->len == 0)
    return FALSE;
  for (guint i = 0; i < conn->database_sockets->len; i++)
    {
      const HdbDatabaseSocket *socket = g_ptr_array_index (conn->database_sockets, i);
      DeckMapHealth one = DECK_MAP_HEALTH_CONNECTED;

      if (!socket->connected)
        one = DECK_MAP_HEALTH_DISCONNECTED;
      else if (socket->catching_up_from != NULL &&
               g_strcmp0 (socket->catching_up_from, "up-to-date") != 0)
        one = DECK_MAP_HEALTH_CATCHING_UP;
      worst = MAX (worst, one);
    }
  *health = worst;
  return TRUE;
}

static int
compare_nodes (gconstpointer a,
               gconstpointer b)
{
  const DeckMapNode *x = *(DeckMapNode * const *) a;
  const DeckMapNode *y = *(DeckMapNode * const *) b;
  int by;

  /* Byte order, not the locale's collation: the picture must not change
   * with the reader's language. An instance comes before a peer outside of
   * the same name. */
  if ((by = g_strcmp0 (x->name, y->name)) != 0)
    return by;
  if ((x->instance_id == NULL) != (y->instance_id == NULL))
    return x->instance_id == NULL ? 1 : -1;
  if ((by = g_strcmp0 (x->instance_id, y->instance_id)) != 0)
    return by;
  return g_strcmp0 (x->node_name, y->node_name);
}

static int
compare_edges (gconstpointer a,
               gconstpointer b)
{
  const DeckMapEdge *x = *(DeckMapEdge * const *) a;
  const DeckMapEdge *y = *(DeckMapEdge * const *) b;

  if (x->a != y->a)
    return x->a < y->a ? -1 : 1;
  if (x->b != y->b)
    return x->b < y->b ? -1 : 1;
  return 0;
}

/* Rounded, so that the output is the same on every machine. */
static double
tenth (double value)
{
  return round (value * 10) / 10;
}

/* The nodes on a circle, the first at the top, clockwise; each name
 * outside the circle, each edge's label beside its middle, outwards. */
static void
lay_out (DeckMapModel *map)
{
  double cx = map->width / 2, cy = map->height / 2 - 20;
  guint n = map->nodes->len;

  for (guint i = 0; i < n; i++)
    {
      DeckMapNode *node = g_ptr_array_index (map->nodes, i);
      double angle = n == 1 ? G_PI / 2 : -G_PI / 2 + 2 * G_PI * i / n;
      double ux = cos (angle), uy = sin (angle);
      double away = DECK_MAP_NODE_RADIUS + 14;

      node->x = tenth (n == 1 ? cx : cx + MAP_RADIUS * ux);
      node->y = tenth (n == 1 ? cy : cy + MAP_RADIUS * uy);
      node->label_anchor = ux > 0.4 ? 1 : ux < -0.4 ? -1 : 0;
      /* A name beside its node needs less room than one above or below. */
      if (node->label_anchor != 0)
        away = DECK_MAP_NODE_RADIUS + 8;
      node->label_x = tenth (node->x + away * ux);
      node->label_y = tenth (node->y + away * uy);
    }
  for (guint i = 0; i < map->edges->len; i++)
    {
      DeckMapEdge *edge = g_ptr_array_index (map->edges, i);
      const DeckMapNode *a = g_ptr_array_index (map->nodes, edge->a);
      const DeckMapNode *b = g_ptr_array_index (map->nodes, edge->b);
      double mx = (a->x + b->x) / 2, my = (a->y + b->y) / 2;
      double dx = b->x - a->x, dy = b->y - a->y;
      double length = hypot (dx, dy);
      double nx = length > 0 ? -dy / length : 0, ny = length > 0 ? dx / length : -1;

      /* The normal that points away from the centre (for a line through
       * the centre, either: the first). */
      if (nx * (mx - cx) + ny * (my - cy) < 0)
        {
          nx = -nx;
          ny = -ny;
        }
      edge->label_x = tenth (mx + 12 * nx);
      edge->label_y = tenth (my + 12 * ny);
    }
}

/**
 * deck_map_legend_position:
 * @model: a map
 * @health: one of the health values
 * @x: (out): the left of the legend's entry for @health
 * @y: (out): the middle of its line
 *
 * The legend is two lines of three entries along the bottom; the columns
 * are wide enough for the English words.
 */
void
deck_map_legend_position (const DeckMapModel *model,
                          DeckMapHealth       health,
                          double             *x,
                          double             *y)
{
  guint row = health / 3, column = health % 3;

  *x = 16 + column * 200;
  *y = model->height - 46 + row * 24;
}

static DeckMapNode *
outside_node (GHashTable *outside,
              GPtrArray  *nodes,
              const char *node_name)
{
  DeckMapNode *node = g_hash_table_lookup (outside, node_name);

  if (node == NULL)
    {
      node = g_new0 (DeckMapNode, 1);
      node->name = g_strdup (node_name);
      node->node_name = g_strdup (node_name);
      node->health = DECK_MAP_HEALTH_OUTSIDE;
      g_hash_table_insert (outside, node->node_name, node);
      g_ptr_array_add (nodes, node);
    }
  return node;
}

/* Notes what @conn, reported by the node @from, says of the link to @to. */
static void
add_link (GHashTable          *edges,
          guint                from,
          guint                to,
          const HdbConnection *conn)
{
  g_autofree char *key = g_strdup_printf ("%u\n%u", MIN (from, to), MAX (from, to));
  EdgeBuild *build = g_hash_table_lookup (edges, key);
  gboolean first_is_from = from < to;
  DeckMapHealth health;

  if (build == NULL)
    {
      build = g_new0 (EdgeBuild, 1);
      build->edge.a = MIN (from, to);
      build->edge.b = MAX (from, to);
      build->edge.health = DECK_MAP_HEALTH_CONNECTED;
      build->tables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (edges, g_steal_pointer (&key), build);
    }
  if (link_health (conn, &health))
    {
      build->edge.health = build->known ? MAX (build->edge.health, health) : health;
      build->known = TRUE;
    }
  if (conn->replicates)
    {
      build->edge.full = TRUE;
      build->edge.forward = build->edge.backward = TRUE;
      return;
    }
  for (guint i = 0; i < conn->subscriptions->len; i++)
    {
      const HdbSubscription *sub = g_ptr_array_index (conn->subscriptions, i);

      /* The reporting node publishes its records to the peer, and
       * subscribes to the peer's. */
      if (sub->publish)
        *(first_is_from ? &build->edge.forward : &build->edge.backward) = TRUE;
      if (sub->subscribe)
        *(first_is_from ? &build->edge.backward : &build->edge.forward) = TRUE;
      if (sub->publish || sub->subscribe)
        g_hash_table_add (build->tables, g_strconcat (sub->database, "\n",
                                                      sub->table != NULL ? sub->table : "*",
                                                      NULL));
    }
}

/**
 * deck_map_model_new:
 * @state: an organization's state (deck_cluster_state_read_async())
 *
 * Makes the map of @state: a node per instance and per peer outside the
 * organization that an instance names, an edge per pair that either end
 * reports a link for, laid out stably.
 *
 * Returns: (transfer full): the map
 */
DeckMapModel *
deck_map_model_new (DeckClusterState *state)
{
  DeckMapModel *map = g_new0 (DeckMapModel, 1);
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) outside = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) index = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) edges = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                       (GDestroyNotify) edge_build_free);
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (state != NULL, NULL);

  map->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) map_node_free);
  map->edges = g_ptr_array_new_with_free_func (g_free);
  map->width = MAP_WIDTH;
  map->height = MAP_HEIGHT;

  for (guint i = 0; i < state->instances->len; i++)
    {
      DeckInstance *instance = g_ptr_array_index (state->instances, i);
      const char *id = deck_instance_get_id (instance);
      const HdbClusterStatus *status = g_hash_table_lookup (state->statuses, id);
      DeckMapNode *node = g_new0 (DeckMapNode, 1);

      node->name = g_strdup (deck_instance_get_name (instance));
      node->instance_id = g_strdup (id);
      if (status == NULL)
        {
          node->health = DECK_MAP_HEALTH_UNREACHABLE;
          node->detail = g_strdup (g_hash_table_lookup (state->unreadable, id));
        }
      else
        {
          node->node_name = g_strdup (status->node_name);
          node->health = status->engine == HDB_ENGINE_NONE ? DECK_MAP_HEALTH_NOT_ENABLED
                                                           : DECK_MAP_HEALTH_CONNECTED;
        }
      g_hash_table_insert (by_id, node->instance_id, node);
      g_ptr_array_add (map->nodes, node);
    }

  /* The peers outside the organization first, so that every node has its
   * place in the sorted order before an edge names it. */
  for (guint i = 0; i < state->instances->len; i++)
    {
      DeckInstance *instance = g_ptr_array_index (state->instances, i);
      const HdbClusterStatus *status = g_hash_table_lookup (state->statuses,
                                                            deck_instance_get_id (instance));

      for (guint j = 0; status != NULL && j < status->connections->len; j++)
        {
          const HdbConnection *conn = g_ptr_array_index (status->connections, j);

          if (conn->name != NULL && deck_cluster_state_find_node (state, conn->name) == NULL)
            outside_node (outside, map->nodes, conn->name);
        }
    }
  g_ptr_array_sort (map->nodes, compare_nodes);
  for (guint i = 0; i < map->nodes->len; i++)
    {
      DeckMapNode *node = g_ptr_array_index (map->nodes, i);

      node->read_health = node->health;
      g_hash_table_insert (index, node, GUINT_TO_POINTER (i));
    }

  for (guint i = 0; i < state->instances->len; i++)
    {
      DeckInstance *instance = g_ptr_array_index (state->instances, i);
      const char *id = deck_instance_get_id (instance);
      const HdbClusterStatus *status = g_hash_table_lookup (state->statuses, id);
      guint from = GPOINTER_TO_UINT (g_hash_table_lookup (index,
                                                          g_hash_table_lookup (by_id, id)));

      for (guint j = 0; status != NULL && j < status->connections->len; j++)
        {
          const HdbConnection *conn = g_ptr_array_index (status->connections, j);
          DeckInstance *peer;
          DeckMapNode *peer_node;
          guint to;

          if (conn->name == NULL)
            continue;
          peer = deck_cluster_state_find_node (state, conn->name);
          peer_node = peer != NULL ? g_hash_table_lookup (by_id, deck_instance_get_id (peer))
                                   : g_hash_table_lookup (outside, conn->name);
          to = GPOINTER_TO_UINT (g_hash_table_lookup (index, peer_node));
          if (to != from)
            add_link (edges, from, to, conn);
        }
    }

  g_hash_table_iter_init (&iter, edges);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      EdgeBuild *build = value;
      DeckMapEdge *edge = g_memdup2 (&build->edge, sizeof build->edge);

      edge->n_tables = g_hash_table_size (build->tables);
      /* Neither end has a socket for it: nothing flows. */
      if (!build->known)
        edge->health = DECK_MAP_HEALTH_DISCONNECTED;
      edge->read_health = edge->health;
      g_ptr_array_add (map->edges, edge);
    }
  g_ptr_array_sort (map->edges, compare_edges);
  lay_out (map);
  return map;
}

void
deck_map_model_free (DeckMapModel *map)
{
  if (map == NULL)
    return;
  g_ptr_array_unref (map->nodes);
  g_ptr_array_unref (map->edges);
  g_free (map);
}

/**
 * deck_map_health_to_string:
 *
 * Returns: one word for scripts and the SVG's attributes (not translated)
 */
const char *
deck_map_health_to_string (DeckMapHealth health)
{
  switch (health)
    {
    case DECK_MAP_HEALTH_CONNECTED: return "connected";
    case DECK_MAP_HEALTH_CATCHING_UP: return "catching-up";
    case DECK_MAP_HEALTH_DISCONNECTED: return "disconnected";
    case DECK_MAP_HEALTH_UNREACHABLE: return "unreachable";
    case DECK_MAP_HEALTH_NOT_ENABLED: return "not-enabled";
    case DECK_MAP_HEALTH_OUTSIDE: return "outside";
    default: g_return_val_if_reached ("unknown");
    }
}

/**
 * deck_map_health_describe:
 *
 * Returns: the health in words, translated
 */
const char *
deck_map_health_describe (DeckMapHealth health)
{
  switch (health)
    {
    case DECK_MAP_HEALTH_CONNECTED: return _("connected");
    case DECK_MAP_HEALTH_CATCHING_UP: return _("catching up");
    case DECK_MAP_HEALTH_DISCONNECTED: return _("disconnected");
    case DECK_MAP_HEALTH_UNREACHABLE: return _("unreachable");
    case DECK_MAP_HEALTH_NOT_ENABLED: return _("replication not enabled");
    case DECK_MAP_HEALTH_OUTSIDE: return _("not in the organization");
    default: g_return_val_if_reached ("?");
    }
}

/**
 * deck_map_health_color:
 *
 * The colours are GNOME's palette, so that the SVG and the window agree.
 *
 * Returns: the health's colour, as "#rrggbb"
 */
const char *
deck_map_health_color (DeckMapHealth health)
{
  switch (health)
    {
    case DECK_MAP_HEALTH_CONNECTED: return "#26a269";
    case DECK_MAP_HEALTH_CATCHING_UP: return "#e5a50a";
    case DECK_MAP_HEALTH_DISCONNECTED: return "#c01c28";
    case DECK_MAP_HEALTH_UNREACHABLE: return "#a51d2d";
    case DECK_MAP_HEALTH_NOT_ENABLED: return "#9a9996";
    case DECK_MAP_HEALTH_OUTSIDE: return "#3584e4";
    default: g_return_val_if_reached ("#000000");
    }
}

/**
 * deck_map_edge_describe:
 * @map: a map
 * @edge: one of its edges
 *
 * Returns: (transfer full): the edge in words, such as “a → b: 2 tables,
 *   connected”
 */
char *
deck_map_edge_describe (const DeckMapModel *map,
                        const DeckMapEdge    *edge)
{
  const DeckMapNode *a = g_ptr_array_index (map->nodes, edge->a);
  const DeckMapNode *b = g_ptr_array_index (map->nodes, edge->b);
  const char *arrow = edge->forward && edge->backward ? "↔" : edge->forward ? "→"
                      : edge->backward ? "←" : "–";
  g_autofree char *kind = NULL;

  if (edge->full)
    kind = g_strdup (_("full replication"));
  else
    kind = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u table", "%u tables",
                                         edge->n_tables), edge->n_tables);
  /* TRANSLATORS: an instance, an arrow, the other instance, what flows
   * between them ("full replication", "2 tables"), and the link's health. */
  return g_strdup_printf (_("%s %s %s: %s, %s"), a->name, arrow, b->name, kind,
                          deck_map_health_describe (edge->health));
}

/**
 * deck_map_edge_pick_end:
 * @map: a map
 * @edge: one of its edges
 * @here: (out): the end whose replication shows the pair: an instance of
 *   the organization, one that answers when there is one
 * @there: (out): the other end
 *
 * Which end of a link to open, to look at the pair from: @edge's first
 * node unless it is no instance of the organization or it does not answer
 * while the other does.
 *
 * Returns: whether either end is an instance of the organization
 */
gboolean
deck_map_edge_pick_end (const DeckMapModel  *map,
                        const DeckMapEdge   *edge,
                        const DeckMapNode  **here,
                        const DeckMapNode  **there)
{
  const DeckMapNode *a = g_ptr_array_index (map->nodes, edge->a);
  const DeckMapNode *b = g_ptr_array_index (map->nodes, edge->b);
  gboolean use_b;

  use_b = a->instance_id == NULL ||
          (b->instance_id != NULL && a->health == DECK_MAP_HEALTH_UNREACHABLE &&
           b->health != DECK_MAP_HEALTH_UNREACHABLE);
  *here = use_b ? b : a;
  *there = use_b ? a : b;
  return (*here)->instance_id != NULL;
}

/**
 * deck_map_edge_ends:
 *
 * The segment an edge is drawn on: from the rim of one node's disc to the
 * rim of the other's, so that an arrow's tip touches the disc.
 */
void
deck_map_edge_ends (const DeckMapModel *map,
                    const DeckMapEdge    *edge,
                    double               *x1,
                    double               *y1,
                    double               *x2,
                    double               *y2)
{
  const DeckMapNode *a = g_ptr_array_index (map->nodes, edge->a);
  const DeckMapNode *b = g_ptr_array_index (map->nodes, edge->b);
  double dx = b->x - a->x, dy = b->y - a->y;
  double length = hypot (dx, dy);
  double ux = length > 0 ? dx / length : 0, uy = length > 0 ? dy / length : 0;
  double inset = DECK_MAP_NODE_RADIUS + 2;

  *x1 = round ((a->x + ux * inset) * 10) / 10;
  *y1 = round ((a->y + uy * inset) * 10) / 10;
  *x2 = round ((b->x - ux * inset) * 10) / 10;
  *y2 = round ((b->y - uy * inset) * 10) / 10;
}
