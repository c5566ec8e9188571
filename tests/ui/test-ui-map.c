/* test-ui-map.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cluster map window against three real Harper nodes: node1 and node2
 * enabled and connected in full replication through the core, node3 left
 * without replication. The window's map (win.cluster-map) shows the three
 * instances with their health and the link, full; its list equivalent
 * names them; activating node2's row selects node2 in the main window, and
 * node3 activated in the picture selects node3; the picture rendered twice
 * is the same pixels. Renders cluster-map.png (the window) and
 * cluster-map-export.png (the map as exported); kept with
 * CLUSTERDECK_SCREENSHOT_DIR.
 *
 * Live: the context's health watch reads every second; node2 frozen
 * (SIGSTOP), the map's link turns disconnected and node2 unreachable, in
 * the model the picture draws and in the list's row (renders
 * cluster-map-unhealthy.png and cluster-map-unhealthy-export.png); node2
 * thawed (SIGCONT), both are connected again. The waits are liveness
 * bounds (a reading a second, each instance with the monitor's 1.5 s
 * timeout, plus Harper's own delay: after its peer froze, node1 may leave
 * cluster_status unanswered for a while); the time taken is logged, not
 * asserted. Activating the link, by its row in the list and by a click
 * on its line, shows node1's Replication → Tables in the main window, the
 * grid filtered to node2.
 */

#include "deck-cluster-map.h"
#include "deck-engine.h"
#include "deck-health-watch.h"
#include "deck-map-window.h"
#include "deck-replication-grid.h"
#include "deck-replication-tables.h"
#include "deck-restart-monitor.h"
#include "ui-test-harper.h"

#define CLUSTER_PASSWORD "Map-Me-Now-7"
#define ENABLE_BOUND_MS  90000
#define CONNECT_BOUND_MS 60000
#define LINK_BOUND_MS    60000
/* A reading a second plus the timeout, and Harper's own delay (above). */
#define LIVENESS_BOUND_MS 120000
#define WATCH_INTERVAL_S  1
#define MAP_DB            "map"

static DeckMapWindow *map_window;

static void
dump_screen (const char *why)
{
  g_test_message ("dump: %s", why);
}

static void
enable (DeckEngine *engine,
        guint       i)
{
  g_autoptr(DeckRestartMonitor) restart = deck_restart_monitor_new (probes[i]);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  DeckEnableRequest request = {
    .cluster_user = CLUSTER_USER,
    .cluster_password = CLUSTER_PASSWORD,
    .node_name = harper_fixture_get_node_name (nodes, i),
  };

  TEST_AWAIT (result, ENABLE_BOUND_MS,
              deck_engine_enable_async (engine, probes[i], &request, restart, NULL,
                                        test_util_store_result, &result));
  g_assert_true (deck_engine_enable_finish (engine, result, &error));
  g_assert_no_error (error);
}

static gboolean
setup (GError **error)
{
  g_autoptr(DeckEngine) engine = deck_engine_new_for (HDB_ENGINE_NATIVE);
  g_autoptr(GAsyncResult) result = NULL;
  DeckPeer peer = { 0 };

  if (!ui_harper_start_nodes (HARPER_FIXTURE_UNCONFIGURED, error) || !ui_harper_open_store (error))
    return FALSE;
  demo = deck_store_add_organization (store, "Demo", error);
  if (demo == NULL || !ui_harper_add_instances (error))
    return FALSE;
  for (guint i = 0; i < N_NODES; i++)
    {
      probes[i] = hdb_client_new (harper_fixture_get_url (nodes, i),
                                  harper_fixture_get_username (nodes),
                                  harper_fixture_get_password (nodes), error);
      if (probes[i] == NULL)
        return FALSE;
      hdb_client_set_timeout (probes[i], 20000);
    }
  /* A table on node1 and node2, so that the Tables a link opens have a
   * row to show. */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *db = HDB_SYNC (probes[i], create_database, error, MAP_DB);
      g_autofree char *table = NULL;

      if (db == NULL)
        return FALSE;
      table = HDB_SYNC (probes[i], create_table, error, MAP_DB, "dog", "id");
      if (table == NULL)
        return FALSE;
    }

  /* node1 ⇄ node2 in full replication; node3 stays without. */
  enable (engine, 0);
  enable (engine, 1);
  peer.client = probes[1];
  peer.node_name = harper_fixture_get_node_name (nodes, 1);
  TEST_AWAIT (result, CONNECT_BOUND_MS,
              deck_engine_connect_async (engine, probes[0], CLUSTER_USER, CLUSTER_PASSWORD, &peer,
                                         NULL, test_util_store_result, &result));
  if (!deck_engine_connect_finish (engine, result, error))
    return FALSE;

  ui_harper_start_monitor ();
  ui_harper_create_window ();
  for (guint i = 0; i < N_NODES; i++)
    WAIT_UNTIL (deck_instance_get_status (instances[i]) == DECK_INSTANCE_STATUS_REACHABLE, 20000);
  return TRUE;
}

static DeckMapModel *
model (void)
{
  return deck_cluster_map_get_model (deck_map_window_get_map (map_window));
}

/* Whether the map, read again, shows the link connected (Harper opens the
 * database sockets a moment after add_node answered). */
static gboolean
link_connected (void)
{
  DeckMapModel *m;
  const DeckMapEdge *edge;

  if (!deck_map_window_is_loaded (map_window))
    return FALSE;
  m = model ();
  if (m->edges->len != 1)
    return FALSE;
  edge = g_ptr_array_index (m->edges, 0);
  return edge->health == DECK_MAP_HEALTH_CONNECTED;
}

static void
open_map (void)
{
  GList *toplevels;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.cluster-map", NULL));
  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l != NULL; l = l->next)
    if (DECK_IS_MAP_WINDOW (l->data))
      map_window = l->data;
  g_list_free (toplevels);
  g_assert_nonnull (map_window);
  gtk_window_set_default_size (GTK_WINDOW (map_window), 1000, 600);
  WAIT_UNTIL (deck_map_window_is_loaded (map_window), 30000);
  {
    gint64 t0 = g_get_monotonic_time ();

    while (!link_connected () && ms_since (t0) < LINK_BOUND_MS)
      {
        gint64 t1 = g_get_monotonic_time ();

        deck_map_window_reload (map_window);
        WAIT_UNTIL (deck_map_window_is_loaded (map_window), 30000);
        /* One reading a second at most. */
        while (ms_since (t1) < 1000)
          g_main_context_iteration (NULL, TRUE);
      }
  }
  wait_frames (GTK_WIDGET (map_window), 2);
}

static void
test_map (void)
{
  DeckMapModel *m;
  const DeckMapEdge *edge;
  const char *health[N_NODES];
  GtkWidget *row;

  open_map ();
  m = model ();
  g_assert_cmpuint (m->nodes->len, ==, N_NODES);
  for (guint i = 0; i < N_NODES; i++)
    {
      const DeckMapNode *node = g_ptr_array_index (m->nodes, i);

      /* Sorted by name: node1, node2, node3, as the instances are named. */
      g_assert_cmpstr (node->name, ==, harper_fixture_get_node_name (nodes, i));
      health[i] = deck_map_health_to_string (node->health);
    }
  g_test_message ("Harper %s: nodes %s, %s, %s", harper_fixture_get_version (nodes),
                  health[0], health[1], health[2]);
  g_assert_cmpstr (health[0], ==, "connected");
  g_assert_cmpstr (health[1], ==, "connected");
  g_assert_cmpstr (health[2], ==, "not-enabled");
  g_assert_cmpuint (m->edges->len, ==, 1);
  edge = g_ptr_array_index (m->edges, 0);
  g_assert_cmpuint (edge->a, ==, 0);
  g_assert_cmpuint (edge->b, ==, 1);
  g_assert_true (edge->full && edge->forward && edge->backward);
  g_assert_cmpint (edge->health, ==, DECK_MAP_HEALTH_CONNECTED);

  /* The list equivalent names the nodes and the link. */
  for (guint i = 0; i < N_NODES; i++)
    g_assert_nonnull (find_widget (GTK_WIDGET (map_window), match_row_title,
                                   harper_fixture_get_node_name (nodes, i)));
  {
    g_autofree char *text = deck_map_edge_describe (m, edge);

    g_test_message ("link row: %s", text);
    g_assert_nonnull (find_widget (GTK_WIDGET (map_window), match_row_title, text));
  }

  render_screenshot (GTK_WIDGET (map_window), "cluster-map.png");

  /* A row of the list selects its instance. */
  row = find_widget (GTK_WIDGET (map_window), match_row_title, "node2");
  g_assert_nonnull (row);
  g_signal_emit_by_name (gtk_widget_get_parent (row), "row-activated", row);
  flush_main_context ();
  g_assert_true (deck_window_get_selected_instance (window) == instances[1]);

  /* So does the picture: its node-activated (a click on a node, or Enter
   * on the focused one) selects the node's instance. */
  {
    GtkWidget *map = GTK_WIDGET (deck_map_window_get_map (map_window));

    gtk_widget_grab_focus (map);
    flush_main_context ();
    g_assert_true (gtk_widget_has_focus (map));
    g_signal_emit_by_name (map, "node-activated", deck_instance_get_id (instances[2]));
    flush_main_context ();
    g_assert_true (deck_window_get_selected_instance (window) == instances[2]);
  }
}

static void
test_export (void)
{
  DeckClusterMap *map = deck_map_window_get_map (map_window);
  g_autoptr(GdkTexture) one = deck_cluster_map_to_texture (map, 1);
  g_autoptr(GdkTexture) two = deck_cluster_map_to_texture (map, 1);
  g_autofree guchar *a = NULL;
  g_autofree guchar *b = NULL;
  g_autofree char *path = NULL;
  int w, h;

  g_assert_nonnull (one);
  g_assert_nonnull (two);
  w = gdk_texture_get_width (one);
  h = gdk_texture_get_height (one);
  g_assert_cmpint (w, ==, (int) model ()->width);
  g_assert_cmpint (h, ==, (int) model ()->height);
  a = g_malloc ((gsize) w * h * 4);
  b = g_malloc ((gsize) w * h * 4);
  gdk_texture_download (one, a, (gsize) w * 4);
  gdk_texture_download (two, b, (gsize) w * 4);
  g_assert_true (memcmp (a, b, (gsize) w * h * 4) == 0);

  path = g_build_filename (ui_test_shots ()->dir, "cluster-map-export.png", NULL);
  g_assert_true (gdk_texture_save_to_png (one, path));
  g_test_message ("cluster-map-export.png: %d×%d%s%s", w, h,
                  ui_test_shots ()->keep ? ", saved to " : "",
                  ui_test_shots ()->keep ? path : "");
}

static const DeckMapNode *
map_node (guint i)
{
  return g_ptr_array_index (model ()->nodes, i);
}

static DeckMapHealth
link_health (void)
{
  DeckMapModel *m = model ();

  g_assert_cmpuint (m->edges->len, ==, 1);
  return ((const DeckMapEdge *) g_ptr_array_index (m->edges, 0))->health;
}

/* The link's row in the list, found by the words the map gives it now */
static GtkWidget *
link_row (void)
{
  g_autofree char *text = deck_map_edge_describe (model (), g_ptr_array_index (model ()->edges, 0));

  return find_widget (GTK_WIDGET (map_window), match_row_title, text);
}

static void
test_live (void)
{
  DeckHealthWatch *health = deck_context_get_health_watch (deck_context);
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  GtkWidget *row;
  double ms;

  deck_health_watch_set_interval (health, WATCH_INTERVAL_S);
  deck_health_watch_start (health);
  WAIT_UNTIL (deck_health_watch_get_n_readings (health) >= 1 &&
              link_health () == DECK_MAP_HEALTH_CONNECTED &&
              map_node (1)->health == DECK_MAP_HEALTH_CONNECTED, LIVENESS_BOUND_MS);

  /* node2 frozen: the link is down, node2 does not answer. */
  paused_pid = harper_fixture_get_pid (nodes, 1);
  harper_fixture_pause_node (nodes, 1);
  WAIT_UNTIL_TIMED (link_health () == DECK_MAP_HEALTH_DISCONNECTED &&
                    map_node (1)->health == DECK_MAP_HEALTH_UNREACHABLE, LIVENESS_BOUND_MS, ms);
  g_test_message ("Harper %s, node2 frozen: the map shows the link %s and node2 %s after %.1f s "
                  "(%u readings of the watch)", harper_fixture_get_version (nodes),
                  deck_map_health_to_string (link_health ()),
                  deck_map_health_to_string (map_node (1)->health), ms / 1000.0,
                  deck_health_watch_get_n_readings (health));
  /* The layout did not move: node2 is where it was read. */
  g_assert_cmpstr (map_node (1)->name, ==, harper_fixture_get_node_name (nodes, 1));
  g_assert_cmpint (map_node (1)->read_health, ==, DECK_MAP_HEALTH_CONNECTED);
  g_assert_cmpint (map_node (2)->health, ==, DECK_MAP_HEALTH_NOT_ENABLED);
  /* The list says it as the picture does. */
  row = link_row ();
  g_assert_nonnull (row);
  g_test_message ("link row: %s", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));

  wait_frames (GTK_WIDGET (map_window), 2);
  render_screenshot (GTK_WIDGET (map_window), "cluster-map-unhealthy.png");
  texture = deck_cluster_map_to_texture (deck_map_window_get_map (map_window), 1);
  g_assert_nonnull (texture);
  path = g_build_filename (ui_test_shots ()->dir, "cluster-map-unhealthy-export.png", NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));

  /* node2 thawed: both well again. */
  resume_paused_node ();
  WAIT_UNTIL_TIMED (link_health () == DECK_MAP_HEALTH_CONNECTED &&
                    map_node (1)->health == DECK_MAP_HEALTH_CONNECTED, LIVENESS_BOUND_MS, ms);
  g_test_message ("node2 thawed: the map shows the link and node2 connected after %.1f s",
                  ms / 1000.0);
  g_assert_nonnull (link_row ());
}

static DeckReplicationGrid *
tables_grid (void)
{
  GtkWidget *tables = deck_replication_page_get_tables (replication_page ());

  return deck_replication_tables_get_grid (DECK_REPLICATION_TABLES (tables));
}

/* Whether the main window shows node1's Tables, filtered to node2 */
static void
assert_pair_shown (void)
{
  GtkWidget *tables = deck_replication_page_get_tables (replication_page ());
  GtkEditable *entry = deck_replication_grid_get_search_entry (tables_grid ());

  g_assert_true (deck_window_get_selected_instance (window) == instances[0]);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (view_stack ()), ==, "replication");
  g_assert_true (view_is ("manage"));
  WAIT_UNTIL (gtk_widget_get_mapped (tables), 5000);
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, deck_instance_get_name (instances[1]));
  /* The grid read, its rows are node2's (the filter names it). */
  WAIT_UNTIL (!deck_replication_tables_is_loading (DECK_REPLICATION_TABLES (tables)) &&
              deck_replication_grid_get_n_shown (tables_grid ()) > 0, 30000);
}

static void
test_open_link (void)
{
  DeckClusterMap *map = deck_map_window_get_map (map_window);
  const DeckMapEdge *edge = g_ptr_array_index (model ()->edges, 0);
  GtkWidget *row = link_row ();
  double x1, y1, x2, y2, x, y;

  /* The link's row, activated (Enter on it): node1, the end that is
   * first, with the grid filtered to node2. */
  g_assert_nonnull (row);
  g_assert_true (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (row)));
  /* node2 answers the main window's checks again after its thaw. */
  WAIT_UNTIL (deck_instance_get_status (instances[1]) == DECK_INSTANCE_STATUS_REACHABLE, 20000);
  deck_window_select_instance (window, instances[2]);
  flush_main_context ();
  g_signal_emit_by_name (gtk_widget_get_parent (row), "row-activated", row);
  flush_main_context ();
  assert_pair_shown ();
  wait_frames (GTK_WIDGET (window), 2);
  g_test_message ("node1's Tables filtered to node2: %u rows shown",
                  deck_replication_grid_get_n_shown (tables_grid ()));
  render_screenshot (GTK_WIDGET (window), "cluster-map-link-tables.png");

  /* A click on the middle of the link's line does the same. */
  deck_window_select_instance (window, instances[2]);
  deck_replication_grid_set_filter_text (tables_grid (), NULL);
  flush_main_context ();
  deck_map_edge_ends (model (), edge, &x1, &y1, &x2, &y2);
  deck_cluster_map_to_widget (map, (x1 + x2) / 2, (y1 + y2) / 2, &x, &y);
  g_assert_true (deck_cluster_map_activate_at (map, x, y));
  flush_main_context ();
  assert_pair_shown ();
  /* Far from every node and line, a click does nothing. */
  deck_cluster_map_to_widget (map, 4, 4, &x, &y);
  g_assert_false (deck_cluster_map_activate_at (map, x, y));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  ui_harper_filter_log (NULL);
  if (!ui_harper_init (dump_screen))
    return 1;
  if (!setup (&error))
    {
      g_print ("Bail out! setup failed: %s\n", error->message);
      ui_harper_teardown ();
      return 1;
    }
  g_test_add_func ("/ui-map/map", test_map);
  g_test_add_func ("/ui-map/export", test_export);
  g_test_add_func ("/ui-map/live", test_live);
  g_test_add_func ("/ui-map/open-link", test_open_link);
  status = g_test_run ();
  deck_health_watch_stop (deck_context_get_health_watch (deck_context));
  if (map_window != NULL)
    gtk_window_destroy (GTK_WINDOW (map_window));
  ui_harper_teardown ();
  return status;
}
