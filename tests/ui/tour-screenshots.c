/* tour-screenshots.c: renders the pictures of docs/tutorial.md, the README
 * and the metainfo, one story from the empty first-run window to a node
 * added from outside the organization, against real Harper nodes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not a test: build-aux/screenshots.sh runs it under
 * tests/ui/in-netns-session.sh (a network namespace of its own, so the
 * fixed ports below never meet another program's nodes, and Harper's TLS
 * mode keeps its extra port inside), with CLUSTERDECK_SCREENSHOT_DIR set to
 * docs/images. It drives the window the way the UI tests do (actions,
 * widgets found by their titles and tooltips) and speaks TAP, one subtest
 * per step of the tutorial, so that a step that fails says which.
 *
 * One story, one set of names: the organization "Demo"; node1, node2 and
 * node3 on http://127.0.0.1:29100, :29110 and :29120 (the ports of
 * build-aux/demo-cluster.sh), replication not configured; node4, HTTPS with
 * Harper's self-signed certificate, on https://127.0.0.1:29130; and
 * "node1 (reader)", node1 under a login that is no super user.
 *
 * Reproducible pictures: fixed window sizes (the main window 1000×700
 * without its frame, 400×700 for the narrow ones), close-only title
 * buttons (gtk-decoration-layout), Cantarell 11, the cairo renderer
 * (meson's ui environment, set by the script), fixed ports and names, TZ=UTC,
 * no cursor blink and no animations (a spinner at rest), and the history
 * file's times replaced by fixed ones before its window is rendered. What
 * still moves is said in docs/tutorial.md: the clock time of the
 * Overview's last check, and Harper's own link timings in row subtitles.
 */

#include <stdio.h>
#include <string.h>

#include <adwaita.h>

#include "deck-check-window.h"
#include "deck-engine.h"
#include "deck-history-window.h"
#include "deck-map-window.h"
#include "deck-instance-dialog.h"
#include "deck-peer-row.h"
#include "deck-replication-tables.h"
#include "deck-restart-monitor.h"
#include "deck-review-dialog.h"
#include "deck-review-op-row.h"
#include "deck-toggle-cell.h"
#include "tour-util.h"
#include "ui-test-harper.h"

/* The main window's size; CLUSTERDECK_TOUR_SIZE=WxH changes it, and the
 * narrow window's in proportion (the large-text renders of
 * build-aux/screenshots.sh --a11y-wide). */
static int tour_width = 1000;
static int tour_height = 700;
#define NARROW_WIDTH      400
#define NARROW_HEIGHT     700
#define HISTORY_DAY       "2026-12-01"
#define PLAIN_BASE_PORT   "29100"
#define TLS_BASE_PORT     "29130"
#define CLUSTER_PASSWORD  "Repl1cate-Me-Now"
#define OTHER_PASSWORD    "Another-Pass-9"

static HarperFixture *tls_node;

/* The story ------------------------------------------------------------------ */

static void
step_first_run (void)
{
  g_assert_null (deck_window_get_selected_organization (window));
  save_screenshot (GTK_WIDGET (window), "first-run.png");
}

static void
step_add_organization (void)
{
  AdwMessageDialog *dialog = NULL;
  GtkWidget *entry;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-organization", NULL));
  WAIT_UNTIL ((dialog = find_message_dialog ("Add Organization")) != NULL, 5000);
  entry = find_of_type (GTK_WIDGET (dialog), GTK_TYPE_ENTRY);
  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), "Demo");
  answer ("Add Organization", "_Add", "add-organization.png");
  WAIT_UNTIL ((demo = deck_window_get_selected_organization (window)) != NULL, 5000);
  g_assert_cmpstr (deck_organization_get_name (demo), ==, "Demo");
}

static DeckInstance *
wait_instance (const char *name)
{
  DeckInstance *instance = NULL;

  WAIT_UNTIL ((instance = deck_store_find_instance (store, name, NULL)) != NULL, 10000);
  WAIT_UNTIL (deck_instance_get_status (instance) == DECK_INSTANCE_STATUS_REACHABLE, 30000);
  return instance;
}

static void
step_add_instances (void)
{
  gboolean destroyed;
  DeckInstanceDialog *dialog;

  dialog = open_add_dialog (&destroyed);
  fill_dialog (dialog, "node1", harper_fixture_get_url (nodes, 0), harper_fixture_get_username (nodes),
               harper_fixture_get_password (nodes));
  test_and_wait (dialog);
  save_screenshot (GTK_WIDGET (dialog), "add-instance.png");
  save_and_wait (dialog, &destroyed);
  instances[0] = wait_instance ("node1");

  for (guint i = 1; i < N_NODES; i++)
    {
      g_autofree char *name = g_strdup_printf ("node%u", i + 1);

      dialog = open_add_dialog (&destroyed);
      fill_dialog (dialog, name, harper_fixture_get_url (nodes, i), harper_fixture_get_username (nodes),
                   harper_fixture_get_password (nodes));
      save_and_wait (dialog, &destroyed);
      instances[i] = wait_instance (name);
    }
}

static void
step_trust_certificate (void)
{
  gboolean destroyed;
  DeckInstanceDialog *dialog = open_add_dialog (&destroyed);
  GtkWidget *group = find_widget (GTK_WIDGET (dialog), match_group_title, "Certificate Not Trusted");

  g_assert_nonnull (group);
  fill_dialog (dialog, "node4", harper_fixture_get_url (tls_node, 0), harper_fixture_get_username (tls_node),
               harper_fixture_get_password (tls_node));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.test", NULL));
  WAIT_UNTIL (gtk_widget_get_visible (group), 30000);
  make_tall (GTK_WIDGET (dialog));
  scroll_to_end (GTK_WIDGET (dialog));
  save_screenshot (GTK_WIDGET (dialog), "trust-certificate.png");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.trust", NULL));
  WAIT_UNTIL (connection_says (dialog, "Connected:"), 30000);
  save_and_wait (dialog, &destroyed);
  g_assert_nonnull (deck_instance_get_pinned_certificate (wait_instance ("node4")));
}

static void
step_main_window (void)
{
  deck_window_select_instance (window, instances[0]);
  adw_view_stack_set_visible_child_name (view_stack (), "overview");
  save_screenshot (GTK_WIDGET (window), "main-window.png");
}

static void
step_super_user (void)
{
  g_autoptr(JsonObject) permission = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *role = NULL;
  g_autofree char *user = NULL;
  gboolean destroyed;
  DeckInstanceDialog *dialog;
  DeckInstance *reader;

  /* A login of node1 that may read but is no super user */
  json_object_set_boolean_member (permission, "super_user", FALSE);
  role = HDB_SYNC (probes[0], add_role, &error, "reader", permission);
  g_assert_no_error (error);
  user = HDB_SYNC (probes[0], add_user, &error, "reader", "Reader-Pass-1", "reader", TRUE);
  g_assert_no_error (error);

  dialog = open_add_dialog (&destroyed);
  fill_dialog (dialog, "node1 (reader)", harper_fixture_get_url (nodes, 0), "reader", "Reader-Pass-1");
  save_and_wait (dialog, &destroyed);
  reader = wait_instance ("node1 (reader)");
  g_assert_false (deck_instance_get_super_user (reader));
  ui_harper_show_replication_of (reader);
  WAIT_UNTIL (view_is ("status"), 10000);
  save_screenshot (GTK_WIDGET (window), "super-user.png");

  /* It has served its purpose: the rest of the story manages node1 with
   * its super user's login. */
  g_assert_true (deck_store_remove_instance (store, reader, &error));
  g_assert_no_error (error);
}

static const char *
entry_text (const char *title)
{
  return gtk_editable_get_text (GTK_EDITABLE (find_row (view_widget ("enable"), title)));
}

static void
enable_through_ui (guint    i,
                   gboolean shots)
{
  GtkWidget *button;
  GtkWidget *password = NULL;
  gboolean shot_taken = FALSE;
  double ms G_GNUC_UNUSED;

  ui_harper_show_replication_of (instances[i]);
  WAIT_UNTIL (view_is ("enable"), 20000);
  button = find_widget (view_widget ("enable"), match_button_label, "_Enable Clustering");
  g_assert_nonnull (button);
  password = find_row (view_widget ("enable"), "Cluster Password");
  if (i == 0)
    gtk_editable_set_text (GTK_EDITABLE (password), CLUSTER_PASSWORD);
  else  /* the organization's cluster password, offered from the keyring */
    WAIT_UNTIL (*entry_text ("Cluster Password") != '\0', 10000);
  WAIT_UNTIL (gtk_widget_is_sensitive (button), 5000);
  if (shots)
    save_screenshot (GTK_WIDGET (window), "enable-panel.png");

  g_assert_true (gtk_widget_activate (button));
  answer ("Enable Clustering?", "_Enable and Restart", shots ? "enable-confirm.png" : NULL);
  /* The progress, taken once the restart has been under way for a second
   * and a half and the instance list says a restart is pending (the list
   * follows the monitor's next check, a moment after the configuration is
   * written). */
  WAIT_UNTIL_BODY (view_is ("manage"), BOUND_MS, ms,
                   if (shots && !shot_taken && view_is ("progress") &&
                       deck_instance_get_restart_pending (instances[i]))
                     {
                       static gint64 seen;

                       if (seen == 0)
                         seen = g_get_monotonic_time ();
                       else if (ms_since (seen) > 1500)
                         {
                           wait_frames (GTK_WIDGET (window), 2);
                           if (view_is ("progress"))
                             {
                               render_screenshot (GTK_WIDGET (window), "restart-progress.png");
                               shot_taken = TRUE;
                             }
                         }
                     });
  g_assert_cmpint (deck_instance_get_engine (instances[i]), ==, HDB_ENGINE_NATIVE);
}

static void
step_enable (void)
{
  enable_through_ui (0, TRUE);
  enable_through_ui (1, FALSE);
}

/* Presses the row button @tooltip ("Connect node2") and makes sure it was
 * heard: a reload of the screen replaces the rows and their buttons, and a
 * button found before it is no longer on screen. Pressed again (at most
 * five times) while the same button is still offered, sensitive, a few
 * seconds later. */
static void
press_row_button (const char *tooltip)
{
  GtkWidget *button = NULL;

  for (guint k = 0; k < 5; k++)
    {
      WAIT_MANAGE ((button = manage_button (tooltip)) != NULL && gtk_widget_get_mapped (button) &&
                   gtk_widget_is_sensitive (button), 30000);
      wait_frames (GTK_WIDGET (window), 2);
      button = manage_button (tooltip);
      if (button == NULL || !gtk_widget_is_sensitive (button))
        continue;
      gtk_widget_activate (button);
      test_util_spin (3000);
      button = manage_button (tooltip);
      if (button == NULL || !gtk_widget_get_mapped (button) || !gtk_widget_is_sensitive (button) ||
          problem_button ("Unconnected Instances", tooltip + strlen ("Connect ")) != NULL)
        return;   /* busy, done, or failed with its red icon */
      g_test_message ("NOTE: “%s” still offered 3 s after it was pressed; pressing it again", tooltip);
    }
}

static void
step_connect (void)
{
  GtkWidget *button = NULL;
  gint64 t0;

  wait_management (instances[0]);
  WAIT_MANAGE ((button = manage_button ("Connect node2")) != NULL, 20000);
  save_screenshot (GTK_WIDGET (window), "management-before.png");
  press_row_button ("Connect node2");
  WAIT_MANAGE (manage_row ("Connected Instances", "node2") != NULL ||
              problem_button ("Unconnected Instances", "node2") != NULL, BOUND_MS);
  g_assert_nonnull (manage_row ("Connected Instances", "node2"));
  /* Harper opens the database sockets a moment after connecting: F5 until
   * the row shows them, as a user would (bounded). */
  t0 = g_get_monotonic_time ();
  while (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (
                             manage_row ("Connected Instances", "node2"))), "Connecting") &&
         ms_since (t0) < 30000)
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));
      test_util_spin (2000);
      WAIT_MANAGE (manage_row ("Connected Instances", "node2") != NULL, 20000);
    }
  save_screenshot (GTK_WIDGET (window), "connected.png");
}

/* node3 was set up by someone else, with another cluster password: the
 * connection fails, and its row says why. */
static void
step_failed_connect (void)
{
  g_autoptr(DeckEngine) engine = deck_engine_new_for (HDB_ENGINE_NATIVE);
  g_autoptr(DeckRestartMonitor) restart = deck_restart_monitor_new (probes[2]);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  DeckEnableRequest request = {
    .cluster_user = CLUSTER_USER,
    .cluster_password = OTHER_PASSWORD,
    .node_name = "node3",
  };
  GtkWidget *button = NULL;
  GtkWidget *popover;

  TEST_AWAIT (result, BOUND_MS,
              deck_engine_enable_async (engine, probes[2], &request, restart, NULL,
                                        test_util_store_result, &result));
  run_sync_ok (deck_engine_enable_finish (engine, result, &error), error);
  WAIT_UNTIL (deck_instance_get_engine (instances[2]) == HDB_ENGINE_NATIVE &&
              !deck_instance_get_restart_pending (instances[2]) &&
              g_strcmp0 (deck_instance_get_node_name (instances[2]), "node3") == 0, 60000);

  /* F5 until the screen offers + for node3 (bounded) */
  wait_management (instances[0]);
  for (guint k = 0; k < 10 && (button = manage_button ("Connect node3")) == NULL; k++)
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));
      test_util_spin (3000);
    }
  if (button == NULL)
    {
      GtkWidget *row = manage_row ("Unconnected Instances", "node3");

      g_test_message ("node3's row: %s", row ? adw_action_row_get_subtitle (ADW_ACTION_ROW (row)) : "none");
    }
  g_assert_nonnull (button);
  press_row_button ("Connect node3");
  WAIT_MANAGE ((button = problem_button ("Unconnected Instances", "node3")) != NULL ||
              manage_row ("Connected Instances", "node3") != NULL, BOUND_MS);
  g_assert_nonnull (button);
  g_test_message ("node3's row says: %s", gtk_widget_get_tooltip_text (button));
  save_screenshot (GTK_WIDGET (window), "connect-failed.png");

  /* The red icon opens the explanation. */
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
  WAIT_UNTIL (gtk_widget_get_mapped (popover), 5000);
  wait_frames (popover, 3);
  render_on_white (popover, "connect-problem.png");
  gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
}

static gboolean
match_switch_label (GtkWidget *widget, gconstpointer label)
{
  return GTK_IS_SWITCH (widget) && match_accessible_label (widget, label);
}

static DeckReplicationTables *
tables (void)
{
  return DECK_REPLICATION_TABLES (deck_replication_page_get_tables (replication_page ()));
}

static GtkSwitch *
find_switch (const char *label)
{
  return GTK_SWITCH (find_widget (GTK_WIDGET (tables ()), match_switch_label, label));
}

static gboolean
grid_ready (void)
{
  return !deck_replication_tables_is_loading (tables ()) &&
         gtk_widget_get_mapped (GTK_WIDGET (deck_replication_tables_get_grid (tables ())));
}

static void
show_tables (void)
{
  wait_management (instances[0]);
  deck_replication_page_show_tables (replication_page (), TRUE);
  WAIT_UNTIL (grid_ready () && find_switch ("Publish data.dog to node2") != NULL, BOUND_MS);
}

static void
toggle (const char *label)
{
  GtkSwitch *sw = NULL;

  WAIT_UNTIL (grid_ready () && (sw = find_switch (label)) != NULL, BOUND_MS);
  g_assert_true (gtk_widget_activate (GTK_WIDGET (sw)));
}

static GtkWidget *
tables_button (const char *label)
{
  GtkWidget *button = find_widget (GTK_WIDGET (tables ()), match_button_label, label);

  g_assert_nonnull (button);
  return button;
}

static DeckReviewDialog *
review_dialog (void)
{
  return (DeckReviewDialog *) ui_test_find_toplevel (DECK_TYPE_REVIEW_DIALOG);
}

static gboolean
state_is (DeckReviewDialog *dialog,
          const char       *state)
{
  return g_strcmp0 (deck_review_dialog_get_state (dialog), state) == 0;
}

static DeckReviewDialog *
open_review (void)
{
  DeckReviewDialog *dialog = NULL;

  g_assert_true (gtk_widget_activate (tables_button ("_Review & Apply…")));
  WAIT_UNTIL ((dialog = review_dialog ()) != NULL, 5000);
  WAIT_UNTIL (!state_is (dialog, "loading"), BOUND_MS);
  g_assert_true (state_is (dialog, "review"));
  WAIT_UNTIL (gtk_widget_is_sensitive (find_widget (GTK_WIDGET (dialog), match_button_label, "_Apply")),
              10000);
  return dialog;
}

static void
close_review (DeckReviewDialog *dialog)
{
  gboolean destroyed = FALSE;

  g_signal_connect (dialog, "destroy", G_CALLBACK (ui_test_on_destroyed), &destroyed);
  g_assert_true (gtk_widget_activate (find_widget (GTK_WIDGET (dialog), match_button_label, "_Close")));
  WAIT_UNTIL (destroyed, 10000);
  WAIT_UNTIL (!deck_replication_tables_is_loading (tables ()), BOUND_MS);
}

static gboolean
match_toast_with (GtkWidget *widget, gconstpointer title)
{
  return match_toast (widget, NULL) && find_widget (widget, match_label_text, title) != NULL;
}

static void
step_grid_review_apply_undo (void)
{
  DeckReviewDialog *dialog;
  GtkWidget *toast = NULL;

  show_tables ();
  /* node1 and node2 replicate everything; a switch narrows that to
   * per-table subscriptions, which the grid asks about first. */
  toggle ("Publish data.dog to node2");
  answer ("Change to Per-Table Replication?", "C_hange", "full-replication.png");
  WAIT_UNTIL (find_widget (GTK_WIDGET (tables ()), match_label_text, "1 pending change") != NULL, 10000);
  save_screenshot (GTK_WIDGET (window), "replication-grid.png");

  dialog = open_review ();
  save_screenshot (GTK_WIDGET (dialog), "review-dialog.png");
  g_assert_true (gtk_widget_activate (find_widget (GTK_WIDGET (dialog), match_button_label, "_Apply")));
  WAIT_UNTIL (!state_is (dialog, "applying") && !state_is (dialog, "review"), BOUND_MS);
  g_test_message ("apply ended “%s”", deck_review_dialog_get_state (dialog));
  g_assert_true (state_is (dialog, "done"));
  save_screenshot (GTK_WIDGET (dialog), "apply-done.png");
  close_review (dialog);

  WAIT_UNTIL ((toast = find_widget (GTK_WIDGET (window), match_toast_with, "1 change applied")) != NULL,
              10000);
  wait_frames (GTK_WIDGET (window), 3);
  test_util_spin (600);
  render_screenshot (GTK_WIDGET (window), "undo-toast.png");
  g_assert_true (gtk_widget_activate (find_widget (toast, match_button_label, "_Undo")));
  WAIT_UNTIL ((dialog = review_dialog ()) != NULL, 10000);
  WAIT_UNTIL (state_is (dialog, "done") || state_is (dialog, "failed"), BOUND_MS);
  g_test_message ("undo ended “%s”", deck_review_dialog_get_state (dialog));
  save_screenshot (GTK_WIDGET (dialog), "undo-done.png");
  close_review (dialog);
}

static void
step_failed_apply_retry (void)
{
  DeckReviewDialog *dialog;
  pid_t pid;

  show_tables ();
  toggle ("Subscribe to data.cat from node2");
  /* Should the Undo have put the link back into full replication, the grid
   * asks again. */
  test_util_spin (1500);
  if (find_message_dialog ("Change to Per-Table Replication?") != NULL)
    answer ("Change to Per-Table Replication?", "C_hange", NULL);
  WAIT_UNTIL (find_widget (GTK_WIDGET (tables ()), match_label_text, "1 pending change") != NULL, 10000);
  dialog = open_review ();

  /* node2 stops answering (SIGSTOP) just before Apply. */
  pid = harper_fixture_get_pid (nodes, 1);
  paused_pid = pid;
  harper_fixture_pause_node (nodes, 1);
  g_assert_true (gtk_widget_activate (find_widget (GTK_WIDGET (dialog), match_button_label, "_Apply")));
  WAIT_UNTIL (!state_is (dialog, "applying") && !state_is (dialog, "review"), BOUND_MS);
  g_test_message ("with node2 paused the apply ended “%s”", deck_review_dialog_get_state (dialog));
  save_screenshot (GTK_WIDGET (dialog), "apply-failed.png");

  resume_paused_node ();
  test_util_spin (3000);
  deck_review_dialog_apply (dialog);
  WAIT_UNTIL (!state_is (dialog, "failed"), 5000);
  WAIT_UNTIL (state_is (dialog, "done") || state_is (dialog, "failed") || state_is (dialog, "refused"),
              BOUND_MS);
  g_test_message ("Retry ended “%s”", deck_review_dialog_get_state (dialog));
  save_screenshot (GTK_WIDGET (dialog), "apply-retried.png");
  close_review (dialog);
  /* The toast of this apply is not this story's business. */
  WAIT_UNTIL (find_widget (GTK_WIDGET (window), match_toast, NULL) == NULL, 30000);
}

static void
step_disconnect (void)
{
  GtkWidget *button = NULL;

  wait_management (instances[0]);
  /* Back from the Tables to the Connections page */
  deck_replication_page_show_tables (replication_page (), FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));
  for (guint k = 0; k < 5 && find_message_dialog ("Disconnect?") == NULL; k++)
    {
      WAIT_MANAGE ((button = manage_button ("Disconnect node2")) != NULL &&
                  gtk_widget_get_mapped (button) && gtk_widget_is_sensitive (button), 30000);
      wait_frames (GTK_WIDGET (window), 2);
      if ((button = manage_button ("Disconnect node2")) != NULL)
        gtk_widget_activate (button);
      test_util_spin (2000);
    }
  answer ("Disconnect?", "_Disconnect", "disconnect.png");
  WAIT_MANAGE (manage_row ("Unconnected Instances", "node2") != NULL &&
              manage_button ("Connect node2") != NULL, BOUND_MS);
}

/* node3 leaves the organization, its cluster password is put right, and
 * someone connects it to node1 from outside the app: node1 lists it as
 * unregistered, and it is added back. */
static void
step_unregistered (void)
{
  g_autoptr(DeckEngine) engine = deck_engine_new_for (HDB_ENGINE_NATIVE);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *altered = NULL;
  DeckPeer peer = { .client = probes[2], .node_name = "node3" };
  gboolean destroyed = FALSE;
  DeckInstanceDialog *dialog;
  GtkWidget *button = NULL;

  run_sync_ok (deck_store_remove_instance (store, instances[2], &error), error);
  instances[2] = NULL;
  altered = HDB_SYNC (probes[2], alter_user, &error, CLUSTER_USER, CLUSTER_PASSWORD, NULL);
  g_assert_no_error (error);
  TEST_AWAIT (result, BOUND_MS,
              deck_engine_connect_async (engine, probes[0], CLUSTER_USER, CLUSTER_PASSWORD, &peer,
                                         NULL, test_util_store_result, &result));
  run_sync_ok (deck_engine_connect_finish (engine, result, &error), error);

  wait_management (instances[0]);
  deck_replication_page_show_tables (replication_page (), FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));
  WAIT_MANAGE ((button = row_label_button ("Unregistered Instances", "node3", "Add to _Organization…")) != NULL,
              30000);
  save_screenshot (GTK_WIDGET (window), "unregistered.png");

  g_assert_true (gtk_widget_activate (button));
  WAIT_UNTIL ((dialog = DECK_INSTANCE_DIALOG (ui_test_find_toplevel (DECK_TYPE_INSTANCE_DIALOG))) != NULL, 5000);
  g_signal_connect (dialog, "destroy", G_CALLBACK (ui_test_on_destroyed), &destroyed);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (dialog));
  g_test_message ("the dialog offers name “%s”, URL “%s”",
                  gtk_editable_get_text (GTK_EDITABLE (find_row (GTK_WIDGET (dialog), "Name"))),
                  gtk_editable_get_text (GTK_EDITABLE (find_row (GTK_WIDGET (dialog), "URL"))));
  fill_dialog (dialog, "node3", harper_fixture_get_url (nodes, 2), harper_fixture_get_username (nodes),
               harper_fixture_get_password (nodes));
  test_and_wait (dialog);
  save_screenshot (GTK_WIDGET (dialog), "add-unregistered.png");
  save_and_wait (dialog, &destroyed);
  instances[2] = wait_instance ("node3");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));
  WAIT_MANAGE (manage_row ("Connected Instances", "node3") != NULL, 30000);
  save_screenshot (GTK_WIDGET (window), "management.png");
}

/* The main screens in a narrow window (400×700, as a phone or a quarter
 * of a screen): the leaflet shows one pane at a time, with back buttons. */
static int frame_w, frame_h;   /* the client-side frame, outside the pictures */

static void
size_window (int width,
             int height)
{
  gtk_window_set_default_size (GTK_WINDOW (window), width + frame_w, height + frame_h);
  WAIT_UNTIL (gtk_widget_get_width (GTK_WIDGET (window)) == width &&
              gtk_widget_get_height (GTK_WIDGET (window)) == height, 5000);
  wait_frames (GTK_WIDGET (window), 3);
}

static gboolean
match_leaflet (GtkWidget *widget, gconstpointer data)
{
  return ADW_IS_LEAFLET (widget);
}

static void
narrow_shot (AdwLeaflet *leaflet,
             const char *page,
             const char *name)
{
  adw_leaflet_set_visible_child_name (leaflet, page);
  wait_frames (GTK_WIDGET (window), 3);
  /* A frame drawn just now: a redraw queued since leaves no image. */
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  render_screenshot (GTK_WIDGET (window), name);
}

static void
step_narrow (void)
{
  AdwLeaflet *leaflet = ADW_LEAFLET (find_widget (GTK_WIDGET (window), match_leaflet, NULL));

  g_assert_nonnull (leaflet);
  wait_management (instances[0]);
  deck_replication_page_show_tables (replication_page (), FALSE);
  WAIT_MANAGE (manage_row ("Connected Instances", "node3") != NULL, 30000);

  /* Scaled with the main window (CLUSTERDECK_TOUR_SIZE): larger text needs
   * a wider narrow window too. */
  size_window (NARROW_WIDTH * tour_width / 1000, NARROW_HEIGHT * tour_height / 700);
  WAIT_UNTIL (adw_leaflet_get_folded (leaflet), 5000);
  narrow_shot (leaflet, "instances", "narrow-instances.png");
  WAIT_MANAGE (manage_row ("Connected Instances", "node3") != NULL, 30000);
  narrow_shot (leaflet, "content", "narrow-connections.png");
  /* node2 was disconnected in step 12: node3 is node1's peer now. */
  deck_replication_page_show_tables (replication_page (), TRUE);
  WAIT_UNTIL (grid_ready () && find_switch ("Publish data.dog to node3") != NULL, BOUND_MS);
  narrow_shot (leaflet, "content", "narrow-tables.png");
  deck_replication_page_show_tables (replication_page (), FALSE);
  adw_view_stack_set_visible_child_name (view_stack (), "overview");
  narrow_shot (leaflet, "content", "narrow-overview.png");

  size_window (tour_width, tour_height);
  WAIT_UNTIL (!adw_leaflet_get_folded (leaflet), 5000);
}

/* The instance of a history line, for sorting */
static char *
line_instance (const char *line)
{
  g_autoptr(GRegex) regex = g_regex_new ("\"instance\"\\s*:\\s*\"([^\"]*)\"", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  return g_regex_match (regex, line, 0, &match) ? g_match_info_fetch (match, 1) : g_strdup ("");
}

static int
compare_line_instances (gconstpointer a,
                        gconstpointer b)
{
  g_autofree char *ia = line_instance (*(const char *const *) a);
  g_autofree char *ib = line_instance (*(const char *const *) b);

  return strcmp (ia, ib);
}

/* Appends @group (lines of one apply) to @out, each instance's lines
 * together: an apply sends to its instances at once, so their lines come in
 * the order the answers did, which differs from run to run; the sort is
 * stable, so an instance's own lines keep their order. */
static void
flush_group (GPtrArray *group,
             GString   *out)
{
  g_ptr_array_sort (group, compare_line_instances);
  for (guint i = 0; i < group->len; i++)
    g_string_append_printf (out, "%s\n", (const char *) g_ptr_array_index (group, i));
  g_ptr_array_set_size (group, 0);
}

/* The history file with the same times on every run: the lines of one
 * apply (which share a time) get 10:00, those of the next 10:01, and so on,
 * of a fixed day, in a fixed order (flush_group()). Only the time strings
 * are replaced; the lines stay as the app wrote them. */
static void
fix_history_times (const char *path)
{
  g_autoptr(GRegex) regex = g_regex_new ("\"time\"\\s*:\\s*\"([^\"]*)\"", 0, 0, NULL);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GPtrArray) group = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *last = NULL;
  g_auto(GStrv) lines = NULL;
  int n = -1;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GMatchInfo) match = NULL;
      g_autofree char *time = NULL;
      int start, end;

      if (*lines[i] == '\0')
        continue;
      g_assert_true (g_regex_match (regex, lines[i], 0, &match));
      time = g_match_info_fetch (match, 1);
      g_assert_true (g_match_info_fetch_pos (match, 1, &start, &end));
      if (g_strcmp0 (time, last) != 0)
        {
          flush_group (group, out);
          g_free (last);
          last = g_strdup (time);
          n++;
        }
      g_assert_cmpint (n, <, 60);
      g_ptr_array_add (group, g_strdup_printf ("%.*s" HISTORY_DAY "T10:%02d:00Z%s", start, lines[i], n,
                                               lines[i] + end));
    }
  flush_group (group, out);
  g_assert_cmpint (n, >=, 0);
  g_assert_true (g_file_set_contents (path, out->str, (gssize) out->len, &error));
  g_assert_no_error (error);
}

static void
step_history (void)
{
  GtkWidget *history = NULL;

  fix_history_times (deck_context_get_history_path (deck_context));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.history", NULL));
  WAIT_UNTIL ((history = GTK_WIDGET (ui_test_find_toplevel (DECK_TYPE_HISTORY_WINDOW))) != NULL, 5000);
  WAIT_UNTIL (deck_history_window_is_loaded (DECK_HISTORY_WINDOW (history)), 30000);
  save_screenshot (history, "history.png");
  gtk_window_destroy (GTK_WINDOW (history));
}

/* After the Undo switched node1's publishing to node2 back on: Record
 * Counts compares every table that flows (the Review offered it), and the
 * Cluster Map draws the organization as it stands. */
static void
step_counts_and_map (void)
{
  GtkWidget *counts = NULL;
  GtkWidget *map = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.check-record-counts", NULL));
  WAIT_UNTIL ((counts = GTK_WIDGET (ui_test_find_toplevel (DECK_TYPE_CHECK_WINDOW))) != NULL, 5000);
  WAIT_UNTIL (deck_check_window_is_checked (DECK_CHECK_WINDOW (counts)), BOUND_MS);
  g_test_message ("record counts: %u tables, %u differ",
                  deck_check_window_get_n_tables (DECK_CHECK_WINDOW (counts)),
                  deck_check_window_get_n_differ (DECK_CHECK_WINDOW (counts)));
  g_assert_cmpuint (deck_check_window_get_n_tables (DECK_CHECK_WINDOW (counts)), >, 0);
  save_screenshot (counts, "record-counts.png");
  gtk_window_destroy (GTK_WINDOW (counts));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.cluster-map", NULL));
  WAIT_UNTIL ((map = GTK_WIDGET (ui_test_find_toplevel (DECK_TYPE_MAP_WINDOW))) != NULL, 5000);
  WAIT_UNTIL (deck_map_window_is_loaded (DECK_MAP_WINDOW (map)), BOUND_MS);
  save_screenshot (map, "cluster-map-window.png");
  gtk_window_destroy (GTK_WINDOW (map));
}

/* Setup ---------------------------------------------------------------------- */

static gboolean
start_nodes (GError **error)
{
  if (!ui_test_shots_init (error))
    return FALSE;
  g_setenv ("HARPER_FIXTURE_BASE_PORT", PLAIN_BASE_PORT, TRUE);
  nodes = harper_fixture_start (N_NODES, HARPER_FIXTURE_UNCONFIGURED, error);
  if (nodes == NULL)
    return FALSE;
  g_setenv ("HARPER_FIXTURE_BASE_PORT", TLS_BASE_PORT, TRUE);
  tls_node = harper_fixture_start (1, HARPER_FIXTURE_TLS | HARPER_FIXTURE_UNCONFIGURED, error);
  g_unsetenv ("HARPER_FIXTURE_BASE_PORT");
  if (tls_node == NULL)
    return FALSE;
  g_test_message ("Harper %s: %s %s %s, and %s", harper_fixture_get_version (nodes),
                  harper_fixture_get_url (nodes, 0), harper_fixture_get_url (nodes, 1),
                  harper_fixture_get_url (nodes, 2), harper_fixture_get_url (tls_node, 0));

  /* The same tables on every plain node: replication never creates them. */
  for (guint i = 0; i < N_NODES; i++)
    {
      static const char *const specs[][2] = {
        { "data", "dog" }, { "data", "cat" }, { "data", "owner" }, { "shop", "product" }, { "shop", "order" },
      };

      probes[i] = hdb_client_new (harper_fixture_get_url (nodes, i), harper_fixture_get_username (nodes),
                                  harper_fixture_get_password (nodes), error);
      if (probes[i] == NULL)
        return FALSE;
      hdb_client_set_timeout (probes[i], 20000);
      for (guint k = 0; k < G_N_ELEMENTS (specs); k++)
        {
          g_autofree char *made = HDB_SYNC (probes[i], create_table, error, specs[k][0], specs[k][1], "id");

          if (made == NULL)
            return FALSE;
        }
    }
  return TRUE;
}

static void
create_window (void)
{
  window = deck_window_new (NULL, deck_context);
  gtk_window_set_default_size (GTK_WINDOW (window), tour_width, tour_height);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  WAIT_UNTIL (gtk_widget_get_width (GTK_WIDGET (window)) > 0, 5000);
  /* The default size counts the client-side frame; the pictures do not. */
  frame_w = tour_width - gtk_widget_get_width (GTK_WIDGET (window));
  frame_h = tour_height - gtk_widget_get_height (GTK_WIDGET (window));
  gtk_window_set_default_size (GTK_WINDOW (window), tour_width + frame_w, tour_height + frame_h);
  WAIT_UNTIL (gtk_widget_get_width (GTK_WIDGET (window)) == tour_width &&
              gtk_widget_get_height (GTK_WIDGET (window)) == tour_height, 5000);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  /* Times (the Overview's last check, the history) in one zone on every
   * machine */
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("CLUSTERDECK_TOUR_SIZE") != NULL &&
      (sscanf (g_getenv ("CLUSTERDECK_TOUR_SIZE"), "%dx%d", &tour_width, &tour_height) != 2 ||
       tour_width < 360 || tour_height < 300))
    {
      g_print ("Bail out! CLUSTERDECK_TOUR_SIZE is not WIDTHxHEIGHT: %s\n",
               g_getenv ("CLUSTERDECK_TOUR_SIZE"));
      return 1;
    }
  ui_harper_filter_log (NULL);
  if (!ui_harper_init (dump))
    return 1;
  /* Close-only title buttons, as GNOME's default layout */
  g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", ":close", NULL);
  /* A text cursor shown (not blinking) and spinners at rest: a picture does
   * not depend on the moment it is taken. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, "gtk-enable-animations", FALSE,
                NULL);
  ui_test_load_app_css ();

  if (!start_nodes (&error) || !ui_harper_open_store (&error))
    {
      g_print ("Bail out! setup failed: %s\n", error->message);
      g_clear_pointer (&tls_node, harper_fixture_free);
      ui_harper_teardown ();
      return 1;
    }
  ui_harper_start_monitor ();
  /* A check (and the management screen's read, which uses the monitor's
   * client) may take long on a loaded machine; the pictures need no
   * timeouts. */
  deck_instance_monitor_set_timeout (monitor, 10000);
  create_window ();

  g_test_add_func ("/tour/01-first-run", step_first_run);
  g_test_add_func ("/tour/02-add-organization", step_add_organization);
  g_test_add_func ("/tour/03-add-instances", step_add_instances);
  g_test_add_func ("/tour/04-trust-certificate", step_trust_certificate);
  g_test_add_func ("/tour/05-main-window", step_main_window);
  g_test_add_func ("/tour/06-super-user", step_super_user);
  g_test_add_func ("/tour/07-enable", step_enable);
  g_test_add_func ("/tour/08-connect", step_connect);
  g_test_add_func ("/tour/09-failed-connect", step_failed_connect);
  g_test_add_func ("/tour/10-grid-review-apply-undo", step_grid_review_apply_undo);
  g_test_add_func ("/tour/10b-record-counts-and-map", step_counts_and_map);
  g_test_add_func ("/tour/11-failed-apply-retry", step_failed_apply_retry);
  g_test_add_func ("/tour/12-disconnect", step_disconnect);
  g_test_add_func ("/tour/13-unregistered", step_unregistered);
  g_test_add_func ("/tour/14-narrow", step_narrow);
  g_test_add_func ("/tour/15-history", step_history);
  status = g_test_run ();
  g_clear_pointer (&tls_node, harper_fixture_free);
  ui_harper_teardown ();
  return status;
}
