/* test-ui-health.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Live health against three real Harper nodes: node1 and node2 enabled and
 * connected in full replication, node3 left without. The context's
 * DeckHealthWatch reads them every second; the test owns
 * org.gtk.Notifications on its private session bus (so GLib's GNotification
 * takes its "gtk" backend and sends the notifications to the test) and
 * records AddNotification and RemoveNotification. node2 frozen (SIGSTOP):
 * node1's row in the sidebar gets the warning mark, its tooltip naming the
 * link, and exactly one notification is added for node1's link to node2,
 * its body naming node2, its default action app.select-instance with
 * node1's id (activated: node1 is selected). node2 thawed (SIGCONT): the
 * mark goes and the notification is withdrawn.
 *
 * The waits are bounded by the test's own timing (a reading a second, each
 * instance with the monitor's 1.5 s timeout) plus Harper's: after its peer
 * froze, Harper may leave node1's own cluster_status unanswered for a
 * while (ui-grid-apply met over 24 s on Harper 4.4), and node1's link keeps
 * the health it had while node1 does not answer; the bound is a liveness
 * bound, nothing asserts how fast.
 */

#include "deck-health-notifier.h"
#include "deck-health-watch.h"
#include "deck-health-window.h"
#include "deck-latency-graph.h"
#include "deck-engine.h"
#include "deck-instance-row.h"
#include "deck-restart-monitor.h"
#include "ui-test-harper.h"

#define CLUSTER_PASSWORD  "Health-Me-Now-7"
#define ENABLE_BOUND_MS   90000
#define CONNECT_BOUND_MS  60000
#define HEALTHY_BOUND_MS  90000
/* A reading a second plus the timeout, and Harper's own delay (above). */
#define LIVENESS_BOUND_MS 120000
#define WATCH_INTERVAL_S  1
#define CATCHING_UP_S     60
#define APP_ID_TEST       "io.github.clusterdeck.Clusterdeck.HealthTest"

static const char notifications_xml[] =
  "<node>"
  "  <interface name='org.gtk.Notifications'>"
  "    <method name='AddNotification'>"
  "      <arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/>"
  "    </method>"
  "    <method name='RemoveNotification'>"
  "      <arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/>"
  "    </method>"
  "  </interface>"
  "</node>";

typedef struct
{
  char *method;
  char *app_id;
  char *id;
  char *title;
  char *body;
  char *action;
  char *target;
} Call;

static GPtrArray *calls;            /* Call, as they came */
static GtkApplication *app;
static DeckHealthNotifier *notifier;
static guint registration_id;
static GDBusConnection *bus;

static void
call_free (Call *call)
{
  g_free (call->method);
  g_free (call->app_id);
  g_free (call->id);
  g_free (call->title);
  g_free (call->body);
  g_free (call->action);
  g_free (call->target);
  g_free (call);
}

static void
on_method_call (GDBusConnection       *connection,
                const char            *sender,
                const char            *object_path,
                const char            *interface_name,
                const char            *method_name,
                GVariant              *parameters,
                GDBusMethodInvocation *invocation,
                gpointer               user_data)
{
  Call *call = g_new0 (Call, 1);

  call->method = g_strdup (method_name);
  if (g_strcmp0 (method_name, "AddNotification") == 0)
    {
      g_autoptr(GVariant) notification = NULL;
      g_autoptr(GVariant) target = NULL;

      g_variant_get (parameters, "(ss@a{sv})", &call->app_id, &call->id, &notification);
      g_variant_lookup (notification, "title", "s", &call->title);
      g_variant_lookup (notification, "body", "s", &call->body);
      g_variant_lookup (notification, "default-action", "s", &call->action);
      target = g_variant_lookup_value (notification, "default-action-target", NULL);
      if (target != NULL && g_variant_is_of_type (target, G_VARIANT_TYPE_STRING))
        call->target = g_variant_dup_string (target, NULL);
    }
  else
    g_variant_get (parameters, "(ss)", &call->app_id, &call->id);
  g_test_message ("%s %s: %s%s%s", method_name, call->id, call->title ? call->title : "",
                  call->body ? " — " : "", call->body ? call->body : "");
  g_ptr_array_add (calls, call);
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static guint
count_calls (const char *method,
             const char *id)
{
  guint n = 0;

  for (guint i = 0; i < calls->len; i++)
    {
      const Call *call = g_ptr_array_index (calls, i);

      if (g_strcmp0 (call->method, method) == 0 && (id == NULL || g_strcmp0 (call->id, id) == 0))
        n++;
    }
  return n;
}

static const Call *
find_call (const char *method,
           const char *id)
{
  for (guint i = 0; i < calls->len; i++)
    {
      const Call *call = g_ptr_array_index (calls, i);

      if (g_strcmp0 (call->method, method) == 0 && g_strcmp0 (call->id, id) == 0)
        return call;
    }
  return NULL;
}

/* The test is the notification server: GNotification's "gtk" backend is
 * taken when org.gtk.Notifications has an owner on the session bus. */
static gboolean
own_notifications (GError **error)
{
  static const GDBusInterfaceVTable vtable = { on_method_call, NULL, NULL, { 0 } };
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, error);
  g_autoptr(GVariant) reply = NULL;
  guint32 result;

  if (info == NULL)
    return FALSE;
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, error);
  if (bus == NULL)
    return FALSE;
  registration_id = g_dbus_connection_register_object (bus, "/org/gtk/Notifications",
                                                       info->interfaces[0], &vtable, NULL, NULL,
                                                       error);
  if (registration_id == 0)
    return FALSE;
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.gtk.Notifications", 4u),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, 10000,
                                       NULL, error);
  if (reply == NULL)
    return FALSE;
  g_variant_get (reply, "(u)", &result);
  if (result != 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "org.gtk.Notifications is owned already (RequestName: %u)", result);
      return FALSE;
    }
  return TRUE;
}

static void
dump_screen (const char *why)
{
  DeckHealthWatch *health = deck_context_get_health_watch (deck_context);
  GPtrArray *items = deck_health_watch_get_items (health);

  g_test_message ("dump: %s", why);
  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      const DeckHealthItem *item = g_ptr_array_index (items, i);

      g_test_message ("  %s → %s %s: %s %s", item->instance, item->peer ? item->peer : "-",
                      item->database ? item->database : "-", item->state,
                      item->detail ? item->detail : "");
    }
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

static void
on_changed (DeckHealthWatch      *health,
            const DeckHealthItem *before,
            const DeckHealthItem *after,
            gpointer              data)
{
  g_test_message ("reading %u: %s → %s %s: %s%s%s", deck_health_watch_get_n_readings (health),
                  after->instance, after->peer ? after->peer : "-",
                  after->database ? after->database : "-", after->state,
                  after->detail ? " " : "", after->detail ? after->detail : "");
}

static gboolean
setup (GError **error)
{
  g_autoptr(DeckEngine) engine = deck_engine_new_for (HDB_ENGINE_NATIVE);
  g_autoptr(GAsyncResult) result = NULL;
  DeckPeer peer = { 0 };

  calls = g_ptr_array_new_with_free_func ((GDestroyNotify) call_free);
  if (!own_notifications (error))
    return FALSE;
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

  /* The application the notifications are sent as: registered on the
   * private session bus, the window its own. */
  app = gtk_application_new (APP_ID_TEST, G_APPLICATION_DEFAULT_FLAGS);
  if (!g_application_register (G_APPLICATION (app), NULL, error))
    return FALSE;
  gtk_application_add_window (app, GTK_WINDOW (window));
  {
    DeckHealthWatch *health = deck_context_get_health_watch (deck_context);

    deck_health_watch_set_interval (health, WATCH_INTERVAL_S);
    deck_health_watch_set_threshold (health, CATCHING_UP_S);
    g_signal_connect (health, "changed", G_CALLBACK (on_changed), NULL);
    notifier = deck_health_notifier_new (G_APPLICATION (app), health, store);
    deck_health_watch_start (health);
  }
  return TRUE;
}

static gboolean
match_instance_row (GtkWidget     *widget,
                    gconstpointer  instance)
{
  return DECK_IS_INSTANCE_ROW (widget) &&
         deck_instance_row_get_instance (DECK_INSTANCE_ROW (widget)) == instance;
}

static DeckInstanceRow *
row_of (DeckInstance *instance)
{
  GtkWidget *row = find_widget (GTK_WIDGET (window), match_instance_row, instance);

  g_assert_nonnull (row);
  return DECK_INSTANCE_ROW (row);
}

static gboolean
match_warning_icon (GtkWidget     *widget,
                    gconstpointer  data)
{
  return GTK_IS_IMAGE (widget) &&
         g_strcmp0 (gtk_image_get_icon_name (GTK_IMAGE (widget)), "dialog-warning-symbolic") == 0;
}

static GtkWidget *
mark_of (DeckInstance *instance)
{
  GtkWidget *icon = find_widget (GTK_WIDGET (row_of (instance)), match_warning_icon, NULL);

  g_assert_nonnull (icon);
  return icon;
}

static gboolean
match_graph_of (GtkWidget     *widget,
                gconstpointer  n_values)
{
  return DECK_IS_LATENCY_GRAPH (widget) &&
         deck_latency_graph_get_n_values (DECK_LATENCY_GRAPH (widget)) >= GPOINTER_TO_UINT (n_values);
}

/* The organization's links in the watch's last reading, as one string, and
 * how many readings had other links than the one before (::read, after the
 * Link Health window's own handler) */
static char *last_links;
static guint n_link_changes;

static void
on_read_count_link_changes (DeckHealthWatch *health)
{
  GPtrArray *items = deck_health_watch_get_items (health);
  g_autoptr(GString) links = g_string_new (NULL);

  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      const DeckHealthItem *item = g_ptr_array_index (items, i);

      if (item->peer_node != NULL)
        g_string_append_printf (links, "%s/%s/%s;", item->instance_id, item->peer_node,
                                item->database != NULL ? item->database : "");
    }
  if (last_links != NULL && g_strcmp0 (last_links, links->str) != 0)
    n_link_changes++;
  g_free (last_links);
  last_links = g_string_free (g_steal_pointer (&links), FALSE);
}

/* Whether node1's link to node2 has been read, with no unhealthy link */
static gboolean
node1_link_healthy (void)
{
  DeckHealthWatch *health = deck_context_get_health_watch (deck_context);
  GPtrArray *items = deck_health_watch_get_items (health);
  gboolean seen = FALSE;

  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      const DeckHealthItem *item = g_ptr_array_index (items, i);

      if (g_strcmp0 (item->instance_id, deck_instance_get_id (instances[0])) == 0 &&
          g_strcmp0 (item->peer_node, harper_fixture_get_node_name (nodes, 1)) == 0)
        seen = TRUE;
    }
  return seen && deck_health_watch_get_unhealthy_link (health,
                                                       deck_instance_get_id (instances[0])) == NULL;
}

static void
test_health (void)
{
  DeckHealthWatch *health = deck_context_get_health_watch (deck_context);
  DeckInstanceRow *row1 = row_of (instances[0]);
  g_autofree char *id = NULL;
  DeckHealthWindow *links = NULL;
  const Call *added;
  guint adds_before, readings;
  double ms;

  WAIT_UNTIL (node1_link_healthy (), HEALTHY_BOUND_MS);
  g_test_message ("Harper %s: node1's link to node2 healthy after %u readings",
                  harper_fixture_get_version (nodes), deck_health_watch_get_n_readings (health));
  g_assert_false (gtk_widget_get_visible (mark_of (instances[0])));
  g_assert_null (deck_instance_row_get_health_problem (row1));
  adds_before = count_calls ("AddNotification", NULL);
  g_assert_cmpuint (adds_before, ==, 0);

  /* Link Health: node1's and node2's links per database, each with its
   * latency over the readings (two at least, to draw a line). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.link-health", NULL));
  WAIT_UNTIL ((links = (DeckHealthWindow *) ui_test_find_toplevel (DECK_TYPE_HEALTH_WINDOW)) != NULL, 10000);
  g_object_ref (links);
  WAIT_UNTIL (deck_health_window_get_n_links (links) > 0 &&
              find_widget (GTK_WIDGET (links), match_graph_of, GUINT_TO_POINTER (2)) != NULL,
              LIVENESS_BOUND_MS);
  g_assert_cmpuint (deck_health_window_get_n_unhealthy (links), ==, 0);
  g_test_message ("Link Health: %u links; a graph: %s", deck_health_window_get_n_links (links),
                  gtk_widget_get_tooltip_text (find_widget (GTK_WIDGET (links), match_graph_of,
                                                            GUINT_TO_POINTER (2))));
  /* A few readings more, for the picture. The rows stay while the links
   * read are the same: made again only as often as the links changed. */
  {
    DeckHealthWatch *watch = deck_context_get_health_watch (deck_context);
    guint builds = deck_health_window_get_n_builds (links);
    gulong handler = g_signal_connect (watch, "read", G_CALLBACK (on_read_count_link_changes),
                                       NULL);

    on_read_count_link_changes (watch);
    n_link_changes = 0;
    WAIT_UNTIL (find_widget (GTK_WIDGET (links), match_graph_of, GUINT_TO_POINTER (6)) != NULL,
                LIVENESS_BOUND_MS);
    g_clear_signal_handler (&handler, watch);
    g_test_message ("Link Health: rows made %u time(s) more over readings whose links changed %u time(s)",
                    deck_health_window_get_n_builds (links) - builds, n_link_changes);
    g_assert_cmpuint (deck_health_window_get_n_builds (links) - builds, ==, n_link_changes);
    g_clear_pointer (&last_links, g_free);
  }
  wait_frames (GTK_WIDGET (links), 3);
  render_screenshot (GTK_WIDGET (links), "link-health.png");

  /* node2 frozen: node1's link to it is down. */
  paused_pid = harper_fixture_get_pid (nodes, 1);
  harper_fixture_pause_node (nodes, 1);
  WAIT_UNTIL_TIMED (deck_instance_row_get_health_problem (row1) != NULL, LIVENESS_BOUND_MS, ms);
  g_test_message ("node2 frozen: node1's mark after %.1f s: %s", ms / 1000.0,
                  deck_instance_row_get_health_problem (row1));
  {
    GtkWidget *mark = mark_of (instances[0]);
    g_autofree char *tooltip = NULL;

    g_assert_true (gtk_widget_get_visible (mark));
    tooltip = g_strdup (gtk_widget_get_tooltip_text (mark));
    g_assert_nonnull (strstr (tooltip, deck_instance_get_name (instances[1])));
    if (ui_test_accessible_readable ())
      {
        g_autofree char *label = ui_test_accessible_label (GTK_ACCESSIBLE (mark));

        g_assert_cmpstr (label, ==, "A replication link is down");
      }
  }
  wait_frames (GTK_WIDGET (window), 3);
  render_screenshot (GTK_WIDGET (window), "health-mark.png");
  /* The Link Health window says so too, on the same reading or the next. */
  WAIT_UNTIL (deck_health_window_get_n_unhealthy (links) > 0, LIVENESS_BOUND_MS);
  wait_frames (GTK_WIDGET (links), 3);
  render_screenshot (GTK_WIDGET (links), "link-health-down.png");
  /* node2's own row: it does not answer; its links are not read. */
  g_assert_null (deck_instance_row_get_health_problem (row_of (instances[1])));

  {
    DeckHealthItem like = { .instance_id = (char *) deck_instance_get_id (instances[0]),
                            .peer_node = (char *) harper_fixture_get_node_name (nodes, 1) };

    id = deck_health_notifier_dup_id (&like);
  }
  WAIT_UNTIL (count_calls ("AddNotification", id) == 1, 10000);
  added = find_call ("AddNotification", id);
  g_assert_cmpstr (added->app_id, ==, APP_ID_TEST);
  g_assert_nonnull (added->title);
  g_assert_nonnull (strstr (added->body, deck_instance_get_name (instances[1])));
  g_assert_cmpstr (added->action, ==, "app.select-instance");
  g_assert_cmpstr (added->target, ==, deck_instance_get_id (instances[0]));

  /* Three more readings: still the one notification. */
  readings = deck_health_watch_get_n_readings (health);
  WAIT_UNTIL (deck_health_watch_get_n_readings (health) >= readings + 3, LIVENESS_BOUND_MS);
  g_assert_cmpuint (count_calls ("AddNotification", NULL), ==, 1);
  g_assert_cmpuint (count_calls ("RemoveNotification", NULL), ==, 0);

  /* The notification's action selects node1. */
  deck_window_select_instance (window, instances[2]);
  flush_main_context ();
  g_assert_true (deck_window_get_selected_instance (window) == instances[2]);
  g_action_group_activate_action (G_ACTION_GROUP (app), "select-instance",
                                  g_variant_new_string (added->target));
  flush_main_context ();
  g_assert_true (deck_window_get_selected_instance (window) == instances[0]);

  /* node2 thawed: the mark goes, the notification is withdrawn. */
  resume_paused_node ();
  WAIT_UNTIL_TIMED (deck_instance_row_get_health_problem (row1) == NULL &&
                    count_calls ("RemoveNotification", id) == 1, LIVENESS_BOUND_MS, ms);
  g_test_message ("node2 thawed: node1's mark gone, notification withdrawn after %.1f s",
                  ms / 1000.0);
  g_assert_false (gtk_widget_get_visible (mark_of (instances[0])));
  g_assert_cmpuint (count_calls ("AddNotification", id), ==, 1);
  WAIT_UNTIL (deck_health_window_get_n_unhealthy (links) == 0, LIVENESS_BOUND_MS);
  gtk_window_destroy (GTK_WINDOW (links));
  UI_TEST_ASSERT_FINALIZED (links);
  /* node2's own links reconnect after the thaw: not asserted (Harper's
   * timing), but said. */
  g_test_message ("notifications added in all: %u, withdrawn: %u",
                  count_calls ("AddNotification", NULL), count_calls ("RemoveNotification", NULL));
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
  g_test_add_func ("/ui-health/frozen-peer", test_health);
  status = g_test_run ();

  deck_health_watch_stop (deck_context_get_health_watch (deck_context));
  g_clear_object (&notifier);
  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  window = NULL;
  g_clear_object (&app);
  ui_harper_teardown ();
  if (registration_id != 0)
    g_dbus_connection_unregister_object (bus, registration_id);
  g_clear_object (&bus);
  g_clear_pointer (&calls, g_ptr_array_unref);
  return status;
}
