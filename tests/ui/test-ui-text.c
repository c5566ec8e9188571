/* test-ui-text.c: text is text. Strings from a server, a file or the user
 * that hold `&`, `<` and `>` are shown as they are, never parsed as Pango
 * markup, and every page and dialog they appear on goes away when it is
 * closed (g_assert_finalize_object).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libadwaita 1.2 parses as markup the titles and subtitles of its rows, the
 * titles and descriptions of preferences groups, the descriptions of status
 * pages and the titles of toasts. A string with `&` or `<` then shows blank
 * (and GTK warns), one with `<b>…</b>` shows bold without its tags. Every
 * check here reads back what a label shows (gtk_label_get_text(): the text
 * on screen, markup taken out) and compares it with the literal string.
 *
 * No real server sends these on demand, so loopback servers do
 * (tests/faults/fault-server.c): a fake Harper whose node names, replication
 * URL, database and error messages carry markup characters, the same over
 * HTTPS with a certificate whose subject and issuer are
 * `O=AT&T Labs <Research>, CN=<clusterdeck> & ui` (test-cert-markup.pem),
 * and one that refuses every request with such a message. The user's own
 * names (organization, instance) carry them too.
 *
 * Runs under Xvfb on a private session bus that activates nothing (no
 * keyring: passwords in memory), the app's files in a temporary folder,
 * with G_DEBUG=fatal-warnings: a markup
 * error is a Gtk-WARNING, and ends the program. Screenshots (text-*.png)
 * go to CLUSTERDECK_SCREENSHOT_DIR when it is set.
 */

#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "deck-change-set.h"
#include "deck-connections-view.h"
#include "deck-credentials.h"
#include "deck-enable-panel.h"
#include "deck-history-window.h"
#include "deck-instance-dialog.h"
#include "deck-instance-monitor.h"
#include "deck-overview-page.h"
#include "deck-peer-row.h"
#include "deck-replication-page.h"
#include "deck-replication-tables.h"
#include "deck-restart-progress.h"
#include "deck-review-dialog.h"
#include "deck-store.h"
#include "deck-window.h"
#include "fault-server.h"
#include "hdb-json.h"
#include "ui-test-util.h"

#define WINDOW_WIDTH  1100
#define WINDOW_HEIGHT 720

/* What the fake Harper says: node names, an address, a database and an
 * error message, each with every character markup cares about. */
#define NODE_NAME     "node <1> & co"
#define PEER_NODE     "far <b>away</b> & node"
#define PEER_URL      "ws://far.example:9925/?a=<1>&b=2"
#define DATABASE      "data<&>"
#define SERVER_ERROR  "Cluster status <refused> & logged: <b>code 7</b>"
#define REFUSAL       "Login <denied> & not <i>retried</i>"

/* What the user typed */
#define ORG_NAME      "Demo & <Co>"
#define SPARE_ORG     "Spare <&> Org"
#define INSTANCE_NAME "Paris & <Berlin>"
#define PASSWORD      "fake-password"

typedef struct
{
  gboolean fail_cluster_status;
} FakeHarper;

static FakeHarper fake;
static FaultServer *harper;        /* plain HTTP */
static FaultServer *harper_tls;    /* HTTPS, the markup certificate */
static FaultServer *refusing;      /* answers every request 400 REFUSAL */

/* The fake Harper ------------------------------------------------------------- */

static char *
configuration_json (void)
{
  return g_strdup_printf ("{\"replication\": {\"hostname\": \"%s\", \"url\": \"ws://127.0.0.1:9\"},"
                          " \"operationsApi\": {\"network\": {\"port\": 9}}}", NODE_NAME);
}

static char *
cluster_status_json (void)
{
  return g_strdup_printf ("{\"type\": \"cluster-status\", \"node_name\": \"%s\", \"is_enabled\": true,"
                          " \"connections\": [{\"name\": \"%s\", \"url\": \"%s\","
                          " \"subscriptions\": [{\"database\": \"data\", \"table\": \"dog\","
                          " \"subscribe\": true, \"publish\": true},"
                          " {\"database\": \"shop\", \"table\": \"product\","
                          " \"subscribe\": true, \"publish\": false}],"
                          " \"database_sockets\": [{\"database\": \"%s\", \"connected\": false,"
                          " \"thread_id\": 1}]}]}",
                          NODE_NAME, PEER_NODE, PEER_URL, DATABASE);
}

/* Answers each operation as Harper 4.4 would, with the strings above. */
static void
fake_harper (SoupServerMessage *msg,
             gpointer           data)
{
  FaultServer *fs = data;
  g_autoptr(JsonNode) root = hdb_json_parse (fs->last_body->str, fs->last_body->len, 1 << 20, NULL);
  const char *operation = NULL;
  g_autofree char *body = NULL;

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    operation = hdb_json_get_string (json_node_get_object (root), "operation");

  if (g_strcmp0 (operation, "registration_info") == 0)
    body = fault_load_fixture ("registration_info.json");
  else if (g_strcmp0 (operation, "user_info") == 0)
    body = fault_load_fixture ("user_info_super.json");
  else if (g_strcmp0 (operation, "get_configuration") == 0)
    body = configuration_json ();
  else if (g_strcmp0 (operation, "describe_all") == 0)
    body = fault_load_fixture ("describe_all.json");
  else if (g_strcmp0 (operation, "cluster_status") == 0 && fake.fail_cluster_status)
    {
      fault_respond (msg, 400, "application/json", "{\"error\": \"" SERVER_ERROR "\"}");
      return;
    }
  else if (g_strcmp0 (operation, "cluster_status") == 0)
    body = cluster_status_json ();
  else
    {
      fault_respond (msg, 400, "application/json", "{\"error\": \"Operation not supported\"}");
      return;
    }
  fault_respond (msg, 200, "application/json", body);
}

static void
refuse (SoupServerMessage *msg,
        gpointer           data)
{
  fault_respond (msg, 400, "application/json", "{\"error\": \"" REFUSAL "\"}");
}

/* What is on screen ----------------------------------------------------------- */

typedef struct
{
  const char *text;
  gboolean    containing;
} Shown;

static gboolean
match_label_showing (GtkWidget *widget, gconstpointer data)
{
  const Shown *shown = data;
  const char *text;

  if (!GTK_IS_LABEL (widget) || !gtk_widget_get_mapped (widget))
    return FALSE;
  text = gtk_label_get_text (GTK_LABEL (widget));
  return shown->containing ? strstr (text, shown->text) != NULL : g_strcmp0 (text, shown->text) == 0;
}

/* The label under @root that shows @text on screen, or NULL */
static GtkLabel *
label_showing (GtkWidget  *root,
               const char *text)
{
  Shown shown = { text, FALSE };

  return GTK_LABEL (find_widget (root, match_label_showing, &shown));
}

static GtkLabel *
label_showing_part (GtkWidget  *root,
                    const char *text)
{
  Shown shown = { text, TRUE };

  return GTK_LABEL (find_widget (root, match_label_showing, &shown));
}

/* @text shows under @root, literally: a label shows it, and neither parses
 * markup nor drops what looks like a tag. */
static void
assert_shows (GtkWidget  *root,
              const char *text)
{
  GtkLabel *label;

  WAIT_UNTIL ((label = label_showing (root, text)) != NULL, 10000);
  g_test_message ("shown literally: “%s”", text);
}

static void
assert_shows_part (GtkWidget  *root,
                   const char *text)
{
  GtkLabel *label;

  WAIT_UNTIL ((label = label_showing_part (root, text)) != NULL, 10000);
  g_test_message ("shown literally: “%s”", gtk_label_get_text (label));
}

static void
dump_labels (GtkWidget *widget,
             GString   *out)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget))
    g_string_append_printf (out, "label “%s” (set as “%s”)\n", gtk_label_get_text (GTK_LABEL (widget)),
                            gtk_label_get_label (GTK_LABEL (widget)));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    dump_labels (c, out);
}

static void
dump_screen (const char *why)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  if (why != NULL)
    g_test_message ("%s", why);
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);
      g_autoptr(GString) out = g_string_new (NULL);
      g_auto(GStrv) lines = NULL;

      dump_labels (toplevel, out);
      lines = g_strsplit (out->str, "\n", -1);
      g_test_message ("window “%s”:", gtk_window_get_title (GTK_WINDOW (toplevel)));
      for (guint j = 0; lines[j] != NULL; j++)
        if (*lines[j] != '\0')
          g_test_message ("  %s", lines[j]);
    }
}

/* Renders @widget on a white ground (a popover is transparent around its
 * arrow and shadow, which render_screenshot() would take for black) and
 * saves it as @name in the screenshot directory; checks that text shows. */
static void
render_on_white (GtkWidget  *widget,
                 const char *name)
{
  int w = gtk_widget_get_width (widget);
  int h = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_build_filename (ui_test_shots ()->dir, name, NULL);
  g_autofree guchar *pixels = NULL;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  guint dark = 0;

  g_assert_cmpint (w, >, 0);
  g_assert_cmpint (h, >, 0);
  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 1, 1, 1, 1 }, &GRAPHENE_RECT_INIT (0, 0, w, h));
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  pixels = g_malloc ((gsize) w * h * 4);
  gdk_texture_download (texture, pixels, (gsize) w * 4);
  for (gsize i = 0; i < (gsize) w * h; i++)
    dark += (pixels[i * 4] + pixels[i * 4 + 1] + pixels[i * 4 + 2]) / 3 < 80;
  g_test_message ("%s: %d×%d, %u dark pixels%s%s", name, w, h, dark,
                  ui_test_shots ()->keep ? ", saved to " : "", ui_test_shots ()->keep ? path : "");
  g_assert_cmpuint (dark, >, 100);
}

/* The app --------------------------------------------------------------------- */

static char *base_dir;

/* Removes @path and what it holds (no symlinks are followed). */
static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* Each test starts with none of the app's files. */
static void
fresh_files (void)
{
  g_autofree char *config = g_build_filename (g_get_user_config_dir (), "clusterdeck", NULL);
  g_autofree char *state = g_build_filename (g_get_user_state_dir (), "clusterdeck", NULL);

  remove_tree (config);
  remove_tree (state);
}

typedef struct
{
  DeckStore           *store;
  DeckCredentials     *credentials;
  DeckInstanceMonitor *monitor;
  DeckContext         *context;
  DeckOrganization    *organization;
  DeckInstance        *instance;
  DeckWindow          *window;
} App;

/* The organization "Demo & <Co>" with the instance "Paris & <Berlin>" on
 * the fake Harper, its password in memory; checked once, at start (the
 * monitor's next round would come after an hour). */
static void
app_start (App *app)
{
  g_autoptr(GError) problem = NULL;
  g_autoptr(GError) error = NULL;

  app->store = deck_store_new (NULL);
  g_assert_true (deck_store_load (app->store, &problem, &error));
  g_assert_no_error (error);
  app->organization = deck_store_add_organization (app->store, ORG_NAME, &error);
  g_assert_no_error (error);
  g_assert_nonnull (deck_store_add_organization (app->store, SPARE_ORG, &error));
  g_assert_no_error (error);
  app->instance = deck_store_add_instance (app->store, app->organization, INSTANCE_NAME,
                                           harper->url, "admin", NULL, &error);
  g_assert_no_error (error);
  app->credentials = g_object_ref (deck_credentials_get_default ());
  app->monitor = deck_instance_monitor_new (app->store, app->credentials);
  deck_instance_monitor_set_interval (app->monitor, 3600);
  deck_instance_monitor_set_timeout (app->monitor, 10000);
  deck_instance_monitor_set_password (app->monitor, app->instance, PASSWORD);
  deck_instance_monitor_start (app->monitor);
  app->context = deck_context_new (app->store, app->credentials, app->monitor);
  app->window = deck_window_new (NULL, app->context);
  gtk_window_set_default_size (GTK_WINDOW (app->window), WINDOW_WIDTH, WINDOW_HEIGHT);
  gtk_window_present (GTK_WINDOW (app->window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (app->window));
  WAIT_UNTIL (deck_instance_get_status (app->instance) == DECK_INSTANCE_STATUS_REACHABLE, 15000);
  g_assert_cmpstr (deck_instance_get_node_name (app->instance), ==, NODE_NAME);
}

/* The window goes, and everything it showed with it. */
static void
app_stop (App *app)
{
  g_object_ref (app->window);
  gtk_window_destroy (GTK_WINDOW (app->window));
  UI_TEST_ASSERT_FINALIZED (app->window);
  g_clear_object (&app->context);
  g_clear_object (&app->monitor);
  g_clear_object (&app->credentials);
  app->instance = NULL;
  app->organization = NULL;
  g_clear_object (&app->store);
}

static DeckReplicationPage *
replication_page (App *app)
{
  GtkWidget *page = find_of_type (GTK_WIDGET (app->window), DECK_TYPE_REPLICATION_PAGE);

  g_assert_nonnull (page);
  return DECK_REPLICATION_PAGE (page);
}

static void
show_replication (App *app)
{
  GtkWidget *stack = find_of_type (GTK_WIDGET (app->window), ADW_TYPE_VIEW_STACK);

  deck_window_select_instance (app->window, app->instance);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (stack), "replication");
  WAIT_UNTIL (g_strcmp0 (deck_replication_page_get_view (replication_page (app)), "manage") == 0,
              10000);
}

/* The instance dialog ----------------------------------------------------------- */

static DeckInstanceDialog *
open_add_dialog (App        *app,
                 const char *url)
{
  DeckInstanceDialog *dialog;
  GtkWidget *row;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app->window), "win.add-instance", NULL));
  WAIT_UNTIL ((dialog = (DeckInstanceDialog *) ui_test_find_toplevel (DECK_TYPE_INSTANCE_DIALOG)) != NULL, 5000);
  g_object_ref (dialog);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (dialog));
  row = find_widget (GTK_WIDGET (dialog), match_row_title, "Name");
  gtk_editable_set_text (GTK_EDITABLE (row), INSTANCE_NAME " 2");
  row = find_widget (GTK_WIDGET (dialog), match_row_title, "URL");
  gtk_editable_set_text (GTK_EDITABLE (row), url);
  row = find_widget (GTK_WIDGET (dialog), match_row_title, "Password");
  gtk_editable_set_text (GTK_EDITABLE (row), PASSWORD);
  return dialog;
}

/* Test Connection, until the Connection row says how it went */
static void
test_connection (DeckInstanceDialog *dialog)
{
  GtkWidget *row = find_widget (GTK_WIDGET (dialog), match_row_title, "Connection");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.test", NULL));
  WAIT_UNTIL (gtk_widget_is_sensitive (find_widget (GTK_WIDGET (dialog), match_button_label,
                                                    "_Test Connection")) &&
              g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Connecting…") != 0,
              20000);
  g_test_message ("Connection: %s", adw_action_row_get_subtitle (ADW_ACTION_ROW (row)));
}

static void
close_dialog (GtkWindow *dialog)
{
  gtk_window_destroy (dialog);
  UI_TEST_ASSERT_FINALIZED (dialog);
}

/* The trust section shows the certificate's subject and issuer as the
 * server sent them. */
static void
test_certificate (void)
{
  App app = { 0 };
  g_autoptr(HdbClient) probe = NULL;
  g_autoptr(HdbCertificateInfo) peer = NULL;
  g_autoptr(GError) error = NULL;
  DeckInstanceDialog *dialog;
  GtkWidget *group;

  /* What the certificate says, as our own client reads it. */
  probe = fault_client_for (harper_tls->url);
  error = fault_registration_error (probe);
  g_assert_error (error, HDB_ERROR, HDB_ERROR_TLS);
  peer = hdb_client_dup_peer_certificate (probe);
  g_assert_nonnull (peer);
  g_test_message ("subject: %s; issuer: %s", peer->subject, peer->issuer);
  /* GnuTLS writes the name as RFC 4514 says ("AT&T Labs \<Research\>"):
   * still every character markup cares about. */
  for (const char *c = "&<>"; *c != '\0'; c++)
    {
      g_assert_nonnull (strchr (peer->subject, *c));
      g_assert_nonnull (strchr (peer->issuer, *c));
    }

  fresh_files ();
  app_start (&app);
  dialog = open_add_dialog (&app, harper_tls->url);
  /* Tall enough for the whole trust section (Xvfb's screen is 900 high). */
  gtk_window_set_default_size (GTK_WINDOW (dialog), 580, 890);
  test_connection (dialog);
  group = find_widget (GTK_WIDGET (dialog), match_group_title, "Certificate Not Trusted");
  g_assert_nonnull (group);
  WAIT_UNTIL (gtk_widget_get_mapped (group), 5000);
  assert_shows (group, peer->subject);
  assert_shows (group, peer->issuer);
  /* The error says why, with the host as the user typed it. */
  assert_shows_part (GTK_WIDGET (dialog), "127.0.0.1");
  wait_frames (GTK_WIDGET (dialog), 3);
  render_screenshot (GTK_WIDGET (dialog), "text-certificate.png");

  close_dialog (GTK_WINDOW (dialog));
  app_stop (&app);
}

/* A server's error message, in the Connection row. */
static void
test_error_message (void)
{
  App app = { 0 };
  DeckInstanceDialog *dialog;

  fresh_files ();
  app_start (&app);
  dialog = open_add_dialog (&app, refusing->url);
  test_connection (dialog);
  assert_shows_part (GTK_WIDGET (dialog), REFUSAL);
  wait_frames (GTK_WIDGET (dialog), 3);
  render_screenshot (GTK_WIDGET (dialog), "text-error.png");
  close_dialog (GTK_WINDOW (dialog));
  app_stop (&app);
}

/* The management screen ------------------------------------------------------------ */

/* Node names, an address and a database name from the server on the
 * Connections; its error message on the Connections and the Tables; the
 * user's names in the window, a toast, Review & Apply and the history.
 * Then the window goes, and the replication page and its parts with it. */
static void
test_management (void)
{
  App app = { 0 };
  g_autoptr(DeckChangeSet) changes = deck_change_set_new ();
  g_autofree char *description = g_strdup_printf ("This instance is the node “%s” (native replication).",
                                                  NODE_NAME);
  g_autofree char *summary = g_strdup_printf ("%s · %s not connected", PEER_URL, DATABASE);
  g_autofree char *problem_start = g_strdup_printf ("Database “%s” is not connected.", DATABASE);
  DeckBaseline baseline = { .publish = TRUE, .subscribe = TRUE };
  GtkWidget *connections, *row, *tables, *parts[4];
  DeckReviewDialog *review;
  GtkWidget *toast;

  fresh_files ();
  app_start (&app);
  show_replication (&app);
  connections = deck_replication_page_get_connections (replication_page (&app));
  WAIT_UNTIL (deck_peer_list_count (deck_connections_view_get_peers (DECK_CONNECTIONS_VIEW (connections)),
                                    DECK_PEER_GROUP_UNREGISTERED) == 1, 10000);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (app.window));

  /* The user's names, in the sidebars and the title. */
  assert_shows (GTK_WIDGET (app.window), ORG_NAME);
  assert_shows (GTK_WIDGET (app.window), INSTANCE_NAME);
  /* The server's, on the Connections. */
  assert_shows (connections, description);
  assert_shows (connections, PEER_NODE);
  assert_shows (connections, summary);
  row = find_of_type (connections, DECK_TYPE_PEER_ROW);
  g_assert_nonnull (row);
  /* The page and its parts are let go below; this row goes when a read of
   * the cluster status makes new rows. */
  parts[0] = g_object_ref (GTK_WIDGET (replication_page (&app)));
  parts[1] = g_object_ref (connections);
  parts[2] = g_object_ref (deck_replication_page_get_tables (replication_page (&app)));
  parts[3] = g_object_ref (row);
  g_assert_true (g_str_has_prefix (deck_peer_row_get_problem (DECK_PEER_ROW (row)), problem_start));
  {
    GtkWidget *button = find_of_type (row, GTK_TYPE_MENU_BUTTON);
    GtkPopover *popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));

    g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==,
                     deck_peer_row_get_problem (DECK_PEER_ROW (row)));
    gtk_popover_popup (popover);
    WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (popover)), 5000);
    assert_shows_part (GTK_WIDGET (popover), problem_start);
    wait_frames (GTK_WIDGET (popover), 3);
    /* The popover is a surface of its own: rendered on its own. */
    render_on_white (GTK_WIDGET (popover), "text-problem.png");
    gtk_popover_popdown (popover);
    wait_frames (GTK_WIDGET (app.window), 3);
    render_screenshot (GTK_WIDGET (app.window), "text-management.png");
  }

  /* The server's error message, where the cluster status could not be read. */
  fake.fail_cluster_status = TRUE;
  deck_replication_page_reload (replication_page (&app));
  assert_shows (connections, "Could not read the cluster status");
  assert_shows_part (connections, SERVER_ERROR);
  deck_replication_page_show_tables (replication_page (&app), TRUE);
  tables = deck_replication_page_get_tables (replication_page (&app));
  assert_shows (tables, "Could Not Read the Replication State");
  assert_shows_part (tables, SERVER_ERROR);
  wait_frames (GTK_WIDGET (app.window), 3);
  render_screenshot (GTK_WIDGET (app.window), "text-tables-error.png");
  fake.fail_cluster_status = FALSE;
  deck_replication_page_show_tables (replication_page (&app), FALSE);

  /* Review & Apply names the instance and the peer as they are. */
  deck_change_set_set_publish (changes, deck_instance_get_id (app.instance), PEER_NODE, "data", "dog",
                               FALSE, &baseline);
  /* A direction switched on that was off: the dialog warns, with an icon
   * beside a wrapping label. Wide enough for that label to fit on one line,
   * GTK 4.8 once measured the row a pixel taller than it said it needed (a
   * Gtk-CRITICAL, fatal here). */
  deck_change_set_set_publish (changes, deck_instance_get_id (app.instance), PEER_NODE, "shop",
                               "product", TRUE, &(DeckBaseline) { .publish = FALSE, .subscribe = TRUE });
  review = deck_review_dialog_new (GTK_WINDOW (app.window), app.context, changes, FALSE);
  g_object_ref (review);
  gtk_window_set_default_size (GTK_WINDOW (review), 1600, 800);
  WAIT_UNTIL (g_strcmp0 (deck_review_dialog_get_state (review), "loading") != 0, 15000);
  g_test_message ("review: %s", deck_review_dialog_get_state (review));
  g_assert_cmpstr (deck_review_dialog_get_state (review), ==, "review");
  gtk_test_widget_wait_for_draw (GTK_WIDGET (review));
  assert_shows (GTK_WIDGET (review), "On " INSTANCE_NAME);
  assert_shows (GTK_WIDGET (review), "Update the subscriptions with " PEER_NODE);
  assert_shows_part (GTK_WIDGET (review), PEER_URL);
  assert_shows_part (GTK_WIDGET (review), "A direction is switched on that was off.");
  {
    /* GTK's own rule: measured without a width, a row is never shorter
     * than at any width (1048576 is the width GTK checks with). */
    GtkWidget *warning_row = GTK_WIDGET (label_showing_part (GTK_WIDGET (review),
                                                     "A direction is switched on that was off."));
    int at_any = 0, at_widest = 0;

    while (!GTK_IS_BOX (warning_row) ||
           gtk_orientable_get_orientation (GTK_ORIENTABLE (warning_row)) != GTK_ORIENTATION_HORIZONTAL)
      warning_row = gtk_widget_get_parent (warning_row);
    gtk_widget_measure (warning_row, GTK_ORIENTATION_VERTICAL, -1, &at_any, NULL, NULL, NULL);
    gtk_widget_measure (warning_row, GTK_ORIENTATION_VERTICAL, 1048576, &at_widest, NULL, NULL, NULL);
    g_test_message ("the warning's row: %d px high without a width, %d px at 1048576",
                    at_any, at_widest);
    g_assert_cmpint (at_any, >=, at_widest);
  }
  wait_frames (GTK_WIDGET (review), 3);
  render_screenshot (GTK_WIDGET (review), "text-review.png");
  close_dialog (GTK_WINDOW (review));

  /* A toast names an organization as the user wrote it (deleting it
   * leaves the replication page without an instance, and its rows go). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app.window), "win.delete-organization", NULL));
  WAIT_UNTIL ((toast = find_widget (GTK_WIDGET (app.window), match_toast, NULL)) != NULL, 5000);
  assert_shows (toast, "Organization “" ORG_NAME "” deleted");
  /* The toast slides in, the header's title fades into the switcher. */
  test_util_spin (600);
  wait_frames (GTK_WIDGET (app.window), 3);
  render_screenshot (GTK_WIDGET (app.window), "text-toast.png");

  /* The page and its parts go with the window. */
  app_stop (&app);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    UI_TEST_ASSERT_FINALIZED (parts[i]);
}

/* The history ------------------------------------------------------------------------ */

static void
test_history (void)
{
  App app = { 0 };
  g_autofree char *dir = g_build_filename (g_get_user_state_dir (), "clusterdeck", NULL);
  g_autofree char *path = g_build_filename (dir, "history.jsonl", NULL);
  const char *line = "{\"version\": 1, \"time\": \"2026-01-02T10:00:00Z\", \"instance\": \""
                     INSTANCE_NAME "\", \"peer\": \"" PEER_NODE "\", \"operation\": \"update_node\", "
                     "\"changes\": [\"" DATABASE ".dog: publish off\"], \"result\": \"failed\", "
                     "\"message\": \"" SERVER_ERROR "\"}\n";
  g_autoptr(GError) error = NULL;
  GtkWindow *history;

  fresh_files ();
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, line, -1, &error));
  g_assert_no_error (error);

  app_start (&app);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app.window), "win.history", NULL));
  WAIT_UNTIL ((history = ui_test_find_toplevel (DECK_TYPE_HISTORY_WINDOW)) != NULL, 5000);
  g_object_ref (history);
  WAIT_UNTIL (deck_history_window_is_loaded (DECK_HISTORY_WINDOW (history)), 5000);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (history));
  assert_shows (GTK_WIDGET (history), INSTANCE_NAME " → " PEER_NODE ": update_node");
  assert_shows_part (GTK_WIDGET (history), DATABASE ".dog: publish off");
  assert_shows_part (GTK_WIDGET (history), SERVER_ERROR);
  wait_frames (GTK_WIDGET (history), 3);
  render_screenshot (GTK_WIDGET (history), "text-history.png");
  close_dialog (history);
  app_stop (&app);
}

/* Lifetimes -------------------------------------------------------------------------- */

/* The pages and the replication page's parts, each on its own: made,
 * shown in a window, given a context and an instance, and gone when let
 * go. */
static void
test_parts_lifetime (void)
{
  App app = { 0 };
  GType types[] = {
    DECK_TYPE_ENABLE_PANEL, DECK_TYPE_RESTART_PROGRESS, DECK_TYPE_CONNECTIONS_VIEW,
    DECK_TYPE_REPLICATION_TABLES, DECK_TYPE_REPLICATION_PAGE, DECK_TYPE_OVERVIEW_PAGE,
  };

  fresh_files ();
  app_start (&app);
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      GtkWidget *window = gtk_window_new ();
      GtkWidget *part = g_object_ref_sink (g_object_new (types[i], NULL));

      if (DECK_IS_ENABLE_PANEL (part))
        {
          deck_enable_panel_set_context (DECK_ENABLE_PANEL (part), app.context);
          deck_enable_panel_set_instance (DECK_ENABLE_PANEL (part), app.instance);
        }
      else if (DECK_IS_CONNECTIONS_VIEW (part))
        {
          deck_connections_view_set_context (DECK_CONNECTIONS_VIEW (part), app.context);
          deck_connections_view_set_instance (DECK_CONNECTIONS_VIEW (part), app.instance);
          deck_connections_view_reload (DECK_CONNECTIONS_VIEW (part));
        }
      else if (DECK_IS_REPLICATION_TABLES (part))
        {
          deck_replication_tables_set_context (DECK_REPLICATION_TABLES (part), app.context);
          deck_replication_tables_load (DECK_REPLICATION_TABLES (part), app.instance);
        }
      else if (DECK_IS_REPLICATION_PAGE (part))
        {
          deck_replication_page_set_context (DECK_REPLICATION_PAGE (part), app.context);
          deck_replication_page_set_instance (DECK_REPLICATION_PAGE (part), app.instance);
        }
      else if (DECK_IS_OVERVIEW_PAGE (part))
        deck_overview_page_set_instance (DECK_OVERVIEW_PAGE (part), app.instance);
      gtk_window_set_child (GTK_WINDOW (window), part);
      gtk_window_present (GTK_WINDOW (window));
      gtk_test_widget_wait_for_draw (window);
      g_test_message ("%s shown", G_OBJECT_TYPE_NAME (part));
      /* Let go while what it started may still run. */
      gtk_window_destroy (GTK_WINDOW (window));
      UI_TEST_ASSERT_FINALIZED (part);
    }
  app_stop (&app);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_autofree char *config_home = NULL;
  g_autofree char *state_home = NULL;

  /* The app's folders in a temporary one, set before anything reads them
   * (each test starts without the app's files: fresh_files()). Not
   * G_TEST_OPTION_ISOLATE_DIRS: its XDG_DATA_DIRS hide the system's MIME
   * database, icons and GSettings schemas, and GTK then cannot load its
   * SVG icons, GIO its proxy settings (as test-ui-files.c says). */
  base_dir = g_dir_make_tmp ("clusterdeck-ui-text-XXXXXX", NULL);
  g_assert_nonnull (base_dir);
  config_home = g_build_filename (base_dir, "config", NULL);
  state_home = g_build_filename (base_dir, "state", NULL);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  g_setenv ("XDG_STATE_HOME", state_home, TRUE);

  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_print ("Bail out! cannot open a display: run under xvfb-run\n");
      return 1;
    }
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-font-name", "Cantarell 11", NULL);
  ui_test_load_app_css ();
  ui_test_set_dump_func (dump_screen);
  if (!ui_test_shots_init_full ("clusterdeck-text-XXXXXX", TRUE, &error))
    {
      g_print ("Bail out! %s\n", error->message);
      return 1;
    }

  cert = g_test_build_filename (G_TEST_DIST, "ui", "test-cert-markup.pem", NULL);
  key = g_test_build_filename (G_TEST_DIST, "ui", "test-key-markup.pem", NULL);
  certificate = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);
  harper = fault_server_new (fake_harper, NULL);
  harper_tls = fault_server_new (fake_harper, certificate);
  refusing = fault_server_new (refuse, NULL);

  g_test_add_func ("/ui/text/certificate", test_certificate);
  g_test_add_func ("/ui/text/error-message", test_error_message);
  g_test_add_func ("/ui/text/management", test_management);
  g_test_add_func ("/ui/text/history", test_history);
  g_test_add_func ("/ui/lifetime/pages-and-parts", test_parts_lifetime);
  status = g_test_run ();

  g_clear_pointer (&harper, fault_server_free);
  g_clear_pointer (&harper_tls, fault_server_free);
  g_clear_pointer (&refusing, fault_server_free);
  ui_test_shots_cleanup ();
  remove_tree (base_dir);
  g_clear_pointer (&base_dir, g_free);
  return status;
}
