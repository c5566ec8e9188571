/* test-map-model.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cluster map without a server: nodes (instances and a peer outside the
 * organization) and edges with their kinds, directions and health, merged
 * from both ends; the layout the same whatever order the instances come
 * in; the SVG well-formed (read back with GMarkup) with hostile names
 * escaped, and the same bytes twice; the health as read kept beside the
 * health shown, and the end of a link that opens it.
 */

#include <math.h>

#include <glib.h>

#include "deck-map-model.h"
#include "deck-cluster-state.h"
#include "hdb-json.h"
#include "hdb-parse.h"

/* Names a careless writer would break the XML with. */
#define HOSTILE_A "a<b>&\"c'"
#define HOSTILE_NODE "n1&<x>"

/* "a<b>&..." (n1) replicates everything with n2, and has a per-table link
 * to "z" (n3) and to a peer outside, "ghost"; n3 reports its socket to n1
 * catching up. "off" has replication off; "down" is not read. */
static const char *n1_status =
  "{\"type\": \"cluster-status\", \"node_name\": \"" "n1&<x>" "\", \"is_enabled\": true,"
  " \"connections\": ["
  "  {\"url\": \"ws://127.0.0.1:2\", \"name\": \"n2\", \"replicates\": true,"
  "   \"database_sockets\": [{\"database\": \"data\", \"connected\": true,"
  "                           \"catching_up_from\": \"up-to-date\"}]},"
  "  {\"url\": \"ws://127.0.0.1:3\", \"name\": \"n3\","
  "   \"subscriptions\": [{\"database\": \"db\", \"table\": \"dog\", \"publish\": true, \"subscribe\": false},"
  "                       {\"database\": \"db\", \"table\": \"cat\", \"publish\": true, \"subscribe\": false}],"
  "   \"database_sockets\": []},"
  "  {\"url\": \"ws://127.0.0.1:9\", \"name\": \"ghost\","
  "   \"subscriptions\": [{\"database\": \"db\", \"table\": \"dog\", \"publish\": false, \"subscribe\": true}],"
  "   \"database_sockets\": [{\"database\": \"db\", \"connected\": false}]}]}";
static const char *n2_status =
  "{\"type\": \"cluster-status\", \"node_name\": \"n2\", \"is_enabled\": true,"
  " \"connections\": [{\"url\": \"ws://127.0.0.1:1\", \"name\": \"" "n1&<x>" "\", \"replicates\": true,"
  "  \"database_sockets\": []}]}";
static const char *n3_status =
  "{\"type\": \"cluster-status\", \"node_name\": \"n3\", \"is_enabled\": true,"
  " \"connections\": [{\"url\": \"ws://127.0.0.1:1\", \"name\": \"" "n1&<x>" "\","
  "  \"subscriptions\": [{\"database\": \"db\", \"table\": \"dog\", \"publish\": false, \"subscribe\": true}],"
  "  \"database_sockets\": [{\"database\": \"db\", \"connected\": true,"
  "                          \"catching_up_from\": \"2026-01-01T00:00:00Z\"}]}]}";
static const char *off_status =
  "{\"is_enabled\": false, \"connections\": []}";

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = hdb_json_parse (json, strlen (json), 1 << 20, &error);

  g_assert_no_error (error);
  return node;
}

/* The state of five instances, added in the order @order gives. */
static DeckClusterState *
make_state (const guint order[5])
{
  DeckClusterState *state = g_new0 (DeckClusterState, 1);
  const char *names[] = { HOSTILE_A, "b2", "z", "off", "down" };
  const char *statuses[] = { n1_status, n2_status, n3_status, off_status, NULL };

  state->instances = g_ptr_array_new_with_free_func (g_object_unref);
  state->statuses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) hdb_cluster_status_free);
  state->schemas = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) hdb_schema_free);
  state->unreadable = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint k = 0; k < 5; k++)
    {
      guint i = order[k];
      g_autofree char *id = g_strdup_printf ("id%u", i + 1);

      g_ptr_array_add (state->instances,
                       deck_instance_new (id, "org", names[i], "http://127.0.0.1:9925", "admin"));
      if (statuses[i] != NULL)
        {
          g_autoptr(JsonNode) status = parse (statuses[i]);
          g_autoptr(GError) error = NULL;
          HdbClusterStatus *parsed = hdb_parse_cluster_status (status, &error);

          g_assert_no_error (error);
          g_hash_table_insert (state->statuses, g_strdup (id), parsed);
        }
      else
        g_hash_table_insert (state->unreadable, g_strdup (id),
                             g_strdup ("Connection refused <&>"));
    }
  return state;
}

static const guint in_order[5] = { 0, 1, 2, 3, 4 };
static const guint shuffled[5] = { 3, 4, 2, 0, 1 };

static const DeckMapNode *
node_named (const DeckMapModel *map,
            const char           *name,
            guint                *index)
{
  for (guint i = 0; i < map->nodes->len; i++)
    {
      const DeckMapNode *node = g_ptr_array_index (map->nodes, i);

      if (g_str_equal (node->name, name))
        {
          *index = i;
          return node;
        }
    }
  g_assert_not_reached ();
}

static const DeckMapEdge *
edge_between (const DeckMapModel *map,
              guint                 x,
              guint                 y)
{
  for (guint i = 0; i < map->edges->len; i++)
    {
      const DeckMapEdge *edge = g_ptr_array_index (map->edges, i);

      if (edge->a == MIN (x, y) && edge->b == MAX (x, y))
        return edge;
    }
  return NULL;
}

static void
test_model (void)
{
  g_autoptr(DeckClusterState) state = make_state (in_order);
  g_autoptr(DeckMapModel) map = deck_map_model_new (state);
  guint a, b2, z, off, down, ghost;
  const DeckMapEdge *edge;

  /* Five instances and the peer outside, sorted by name (bytes). */
  g_assert_cmpuint (map->nodes->len, ==, 6);
  g_assert_cmpint (node_named (map, HOSTILE_A, &a)->health, ==, DECK_MAP_HEALTH_CONNECTED);
  g_assert_cmpint (node_named (map, "b2", &b2)->health, ==, DECK_MAP_HEALTH_CONNECTED);
  g_assert_cmpint (node_named (map, "z", &z)->health, ==, DECK_MAP_HEALTH_CONNECTED);
  g_assert_cmpint (node_named (map, "off", &off)->health, ==, DECK_MAP_HEALTH_NOT_ENABLED);
  g_assert_cmpint (node_named (map, "down", &down)->health, ==, DECK_MAP_HEALTH_UNREACHABLE);
  g_assert_cmpstr (node_named (map, "down", &down)->detail, ==, "Connection refused <&>");
  g_assert_cmpint (node_named (map, "ghost", &ghost)->health, ==, DECK_MAP_HEALTH_OUTSIDE);
  g_assert_null (node_named (map, "ghost", &ghost)->instance_id);
  g_assert_cmpuint (a, ==, 0);
  g_assert_cmpuint (z, ==, 5);

  g_assert_cmpuint (map->edges->len, ==, 3);
  edge = edge_between (map, a, b2);
  g_assert_nonnull (edge);
  g_assert_true (edge->full && edge->forward && edge->backward);
  g_assert_cmpint (edge->health, ==, DECK_MAP_HEALTH_CONNECTED);

  /* Both ends agree: a publishes dog and cat to z; z's socket is catching
   * up, which makes the edge so. */
  edge = edge_between (map, a, z);
  g_assert_nonnull (edge);
  g_assert_false (edge->full);
  g_assert_true (edge->forward);
  g_assert_false (edge->backward);
  g_assert_cmpuint (edge->n_tables, ==, 2);
  g_assert_cmpint (edge->health, ==, DECK_MAP_HEALTH_CATCHING_UP);

  /* a subscribes to ghost: records flow from ghost (later in the order). */
  edge = edge_between (map, a, ghost);
  g_assert_nonnull (edge);
  g_assert_false (edge->forward);
  g_assert_true (edge->backward);
  g_assert_cmpint (edge->health, ==, DECK_MAP_HEALTH_DISCONNECTED);

  g_assert_null (edge_between (map, off, a));
  g_assert_null (edge_between (map, down, a));
}

static void
test_stable_layout (void)
{
  g_autoptr(DeckClusterState) one = make_state (in_order);
  g_autoptr(DeckClusterState) two = make_state (shuffled);
  g_autoptr(DeckMapModel) x = deck_map_model_new (one);
  g_autoptr(DeckMapModel) y = deck_map_model_new (two);
  g_autofree char *svg_x = deck_map_model_to_svg (x, "Demo");
  g_autofree char *svg_y = deck_map_model_to_svg (y, "Demo");
  g_autofree char *again = deck_map_model_to_svg (x, "Demo");

  /* Every node inside the picture, none on another. */
  for (guint i = 0; i < x->nodes->len; i++)
    {
      const DeckMapNode *node = g_ptr_array_index (x->nodes, i);

      g_assert_cmpfloat (node->x, >=, DECK_MAP_NODE_RADIUS);
      g_assert_cmpfloat (node->x, <=, x->width - DECK_MAP_NODE_RADIUS);
      g_assert_cmpfloat (node->y, >=, DECK_MAP_NODE_RADIUS);
      g_assert_cmpfloat (node->y, <=, x->height - DECK_MAP_NODE_RADIUS);
      for (guint j = 0; j < i; j++)
        {
          const DeckMapNode *other = g_ptr_array_index (x->nodes, j);

          g_assert_cmpfloat (hypot (node->x - other->x, node->y - other->y), >,
                             2 * DECK_MAP_NODE_RADIUS);
        }
    }
  g_assert_cmpstr (svg_x, ==, svg_y);
  g_assert_cmpstr (svg_x, ==, again);
}

typedef struct
{
  GPtrArray *names;        /* data-name of each node */
  GPtrArray *kinds;        /* "from|to|kind|direction|health" of each edge */
  guint      depth;
} SvgRead;

static void
on_start (GMarkupParseContext  *context,
          const char           *element,
          const char          **names,
          const char          **values,
          gpointer              user_data,
          GError              **error)
{
  SvgRead *read = user_data;
  const char *cls = NULL, *name = NULL, *from = NULL, *to = NULL, *kind = NULL;
  const char *direction = NULL, *health = NULL;

  read->depth++;
  if (!g_str_equal (element, "g"))
    return;
  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_str_equal (names[i], "class")) cls = values[i];
      else if (g_str_equal (names[i], "data-name")) name = values[i];
      else if (g_str_equal (names[i], "data-from")) from = values[i];
      else if (g_str_equal (names[i], "data-to")) to = values[i];
      else if (g_str_equal (names[i], "data-kind")) kind = values[i];
      else if (g_str_equal (names[i], "data-direction")) direction = values[i];
      else if (g_str_equal (names[i], "data-health")) health = values[i];
    }
  if (g_strcmp0 (cls, "node") == 0)
    g_ptr_array_add (read->names, g_strdup (name));
  else if (g_strcmp0 (cls, "edge") == 0)
    g_ptr_array_add (read->kinds, g_strdup_printf ("%s|%s|%s|%s|%s", from, to, kind,
                                                   direction, health));
}

static void
on_end (GMarkupParseContext  *context,
        const char           *element,
        gpointer              user_data,
        GError              **error)
{
  ((SvgRead *) user_data)->depth--;
}

static void
test_svg_hostile (void)
{
  g_autoptr(DeckClusterState) state = make_state (in_order);
  g_autoptr(DeckMapModel) map = deck_map_model_new (state);
  g_autofree char *svg = deck_map_model_to_svg (map, "Org <\"&'>\x01");
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) kinds = g_ptr_array_new_with_free_func (g_free);
  SvgRead read = { names, kinds, 0 };
  GMarkupParser parser = { on_start, on_end, NULL, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const char *body = strstr (svg, "<svg");

  g_assert_true (g_str_has_prefix (svg, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
  /* No raw markup character of a name leaks, nor a control character. */
  g_assert_null (strstr (svg, HOSTILE_A));
  g_assert_null (strstr (svg, "\x01"));
  g_assert_nonnull (strstr (svg, "a&lt;b&gt;&amp;&quot;c&apos;"));

  context = g_markup_parse_context_new (&parser, 0, &read, NULL);
  g_assert_true (g_markup_parse_context_parse (context, body, -1, &error));
  g_assert_true (g_markup_parse_context_end_parse (context, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (read.depth, ==, 0);

  g_assert_cmpuint (names->len, ==, 6);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, HOSTILE_A);
  g_assert_cmpuint (kinds->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (kinds, 0), ==, HOSTILE_A "|b2|full|both|connected");
  g_assert_cmpstr (g_ptr_array_index (kinds, 1), ==,
                   HOSTILE_A "|ghost|tables|backward|disconnected");
  g_assert_cmpstr (g_ptr_array_index (kinds, 2), ==, HOSTILE_A "|z|tables|forward|catching-up");
}

/* The health as read is kept beside the health shown (which DeckMapLive
 * changes); a link opens at its first end, unless that end is no instance
 * or does not answer while the other does. */
static void
test_pick_end (void)
{
  g_autoptr(DeckClusterState) state = make_state (in_order);
  g_autoptr(DeckMapModel) map = deck_map_model_new (state);
  const DeckMapNode *here = NULL, *there = NULL;
  DeckMapNode *first;
  guint a, b2, ghost;
  const DeckMapEdge *edge;

  for (guint i = 0; i < map->nodes->len; i++)
    {
      const DeckMapNode *node = g_ptr_array_index (map->nodes, i);

      g_assert_cmpint (node->read_health, ==, node->health);
    }
  for (guint i = 0; i < map->edges->len; i++)
    {
      const DeckMapEdge *one = g_ptr_array_index (map->edges, i);

      g_assert_cmpint (one->read_health, ==, one->health);
    }

  first = (DeckMapNode *) node_named (map, HOSTILE_A, &a);
  node_named (map, "b2", &b2);
  node_named (map, "ghost", &ghost);
  edge = edge_between (map, a, b2);
  g_assert_true (deck_map_edge_pick_end (map, edge, &here, &there));
  g_assert_cmpstr (here->name, ==, HOSTILE_A);
  g_assert_cmpstr (there->name, ==, "b2");

  /* The first end does not answer now: the other opens the pair. */
  first->health = DECK_MAP_HEALTH_UNREACHABLE;
  g_assert_true (deck_map_edge_pick_end (map, edge, &here, &there));
  g_assert_cmpstr (here->name, ==, "b2");
  g_assert_cmpstr (there->name, ==, HOSTILE_A);

  /* A peer outside the organization is never the end opened. */
  edge = edge_between (map, a, ghost);
  g_assert_true (deck_map_edge_pick_end (map, edge, &here, &there));
  g_assert_cmpstr (here->name, ==, HOSTILE_A);
  g_assert_cmpstr (there->name, ==, "ghost");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/map-model/model", test_model);
  g_test_add_func ("/map-model/stable-layout", test_stable_layout);
  g_test_add_func ("/map-model/svg-hostile", test_svg_hostile);
  g_test_add_func ("/map-model/pick-end", test_pick_end);
  return g_test_run ();
}
