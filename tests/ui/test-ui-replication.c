/* test-ui-replication.c: the Replication view against three real Harper
 * nodes, driven the way a user would drive it: enable clustering through the
 * form, follow the restart, connect and disconnect from the management
 * screen, and a hung node that must not hold up the others.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under tests/ui/in-netns-session.sh, as ui-instances does: a private
 * network namespace with its own Xvfb, session bus and unlocked
 * gnome-keyring. The nodes here are plain HTTP and only listen on 127.0.0.1,
 * so the namespace is not needed for Harper's sake; it is used because
 * other test programs start Harper nodes on the same machine at the same
 * time, and a loopback of our own keeps their ports and ours apart (an
 * add_node can never reach someone else's node), and because the harness
 * (Xvfb, bus, keyring, HARPER_BIN found before the network goes) is the
 * same as ui-instances'.
 *
 * Nodes: three Harper nodes of the version under test (HARPER_VERSION)
 * started with replication unconfigured
 * (HARPER_FIXTURE_UNCONFIGURED), registered as the instances "node1",
 * "node2" and "node3" of the organization "Demo" through the store, their
 * login passwords in the keyring. The window gets the real keyring and a
 * monitor refreshing every 2 s with a 1.5 s timeout.
 *
 * Everything goes through widgets: the entry rows of the enable form, the
 * "Enable Clustering" button, the response buttons of the confirmation
 * dialogs, the row buttons of the management screen (found by their tooltip,
 * which the page sets to the same text as their accessible name) and
 * win.refresh. What the UI claims is then checked on the real nodes with a
 * client of our own. When the management screen says it could not read the
 * cluster status (its request is bounded by the monitor's 1.5 s check
 * timeout: seen once on a loaded machine), the test presses F5 as a user
 * would, and says so in a "NOTE" line.
 *
 * The jobs outlive what the user looks at: /ui/replication/enable-elsewhere
 * enables node2 and selects node1 at once (a look back at node2 midway
 * shows the restart's progress); the restart is followed to its end, node2
 * is enabled on the server, and its page shows the management screen when
 * the user comes back. /ui/replication/connect-elsewhere connects node1 and
 * node2 and selects node3 at once; both nodes list each other
 * (cluster_status), and node1's page shows node2 connected on return; the
 * same for disconnecting.
 *
 * /ui/replication/paused-node freezes node3 with SIGSTOP; it is thawed by the
 * test, by its fixture's teardown, by an atexit() hook and, when a failed
 * assertion aborts, by a SIGABRT handler.
 *
 * Screenshots (enable-panel.png, restart-progress.png, management.png) are
 * rendered in the app and checked not to be blank; kept in
 * CLUSTERDECK_SCREENSHOT_DIR when it is set, as ui-instances does.
 */

#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "deck-enable-job.h"
#include "deck-engine.h"
#include "deck-peer-row.h"
#include "deck-restart-monitor.h"
#include "ui-test-harper.h"

#define CLUSTER_PASSWORD   "Repl1cate-Me-Now"
/* Enable: cluster user, configuration, restart, verification (measured
 * 3–8 s from the confirmation on a busy 2-core machine). */
#define ENABLE_BOUND_MS    90000
/* Connect: add_node and the engine's wait for the link (≤ 30 s). */
#define CONNECT_BOUND_MS   60000
#define DISCONNECT_BOUND_MS 30000
#define VERIFY_WAIT_MS     30000

static void dump_screen (const char *why);

static const char *
page_view (void)
{
  return deck_replication_page_get_view (replication_page ());
}

/* The page's own stack: its child (an AdwBin holds one). */
static GtkStack *
page_stack (void)
{
  GtkWidget *child = adw_bin_get_child (ADW_BIN (replication_page ()));

  g_assert_true (GTK_IS_STACK (child));
  return GTK_STACK (child);
}

static GtkWidget *
view_widget (const char *view)
{
  GtkWidget *child = gtk_stack_get_child_by_name (page_stack (), view);

  g_assert_nonnull (child);
  return child;
}

static GtkWidget *
manage_group (const char *title)
{
  GtkWidget *group = find_widget (view_widget ("manage"), match_group_title, title);

  g_assert_nonnull (group);
  return group;
}

/* Whether @widget shows within @group: it and every parent up to the group
 * are visible, and not hidden by their parent (a list's placeholder while
 * the list has rows). */
static gboolean
shown_within (GtkWidget *widget,
              GtkWidget *group)
{
  for (GtkWidget *w = widget; w != NULL && w != group; w = gtk_widget_get_parent (w))
    if (!gtk_widget_get_visible (w) || !gtk_widget_get_child_visible (w))
      return FALSE;
  return TRUE;
}

/* The row titled @title that the management group @group_title shows, or
 * NULL (the groups' lists keep their placeholder rows, hidden, while they
 * have rows) */
static GtkWidget *
manage_row (const char *group_title,
            const char *title)
{
  GtkWidget *group = manage_group (group_title);
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  find_all_widgets (group, match_row_title, title, rows);
  for (guint i = 0; i < rows->len; i++)
    if (shown_within (g_ptr_array_index (rows, i), group))
      return g_ptr_array_index (rows, i);
  return NULL;
}

/* The management screen could not read the cluster status (its request
 * timed out: the page uses the monitor's client, with the monitor's check
 * timeout). A user presses F5 then; so does the test, and says so. */
static GtkWidget *last_load_error_row;
static guint n_load_errors;

static void
refresh_after_load_error (void)
{
  GtkWidget *row;

  if (!view_is ("manage"))
    return;
  row = manage_row ("Connected Instances", "Could not read the cluster status");
  if (row == NULL || row == last_load_error_row)
    return;
  last_load_error_row = row;
  n_load_errors++;
  g_test_message ("NOTE: %s's management screen: “Could not read the cluster status: %s”; "
                  "pressing F5 (win.refresh)",
                  deck_instance_get_name (deck_replication_page_get_instance (replication_page ())),
                  adw_action_row_get_subtitle (ADW_ACTION_ROW (row)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));
}

/* WAIT_UNTIL_TIMED for the management screen: F5 after a failed load */
#define WAIT_MANAGE_TIMED(cond, ms, elapsed_ms)                                \
  WAIT_UNTIL_BODY (cond, ms, elapsed_ms, refresh_after_load_error ())

#define WAIT_MANAGE(cond, ms) G_STMT_START {                                   \
    double wait_elapsed_ G_GNUC_UNUSED;                                        \
    WAIT_MANAGE_TIMED (cond, ms, wait_elapsed_);                               \
  } G_STMT_END

/* The button labelled @label that the row titled @title of the group
 * @group_title shows, or NULL (a row has a button for every state its
 * peer can be in; it shows those of its state) */
static GtkWidget *
row_button (const char *group_title,
            const char *title,
            const char *label)
{
  GtkWidget *row = manage_row (group_title, title);
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  if (row == NULL)
    return NULL;
  find_all_widgets (row, match_button_label, label, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (shown_within (g_ptr_array_index (buttons, i), row))
      return g_ptr_array_index (buttons, i);
  return NULL;
}

static const char *
manage_row_subtitle (const char *group_title,
                     const char *title)
{
  GtkWidget *row = manage_row (group_title, title);

  g_assert_nonnull (row);
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

/* The problem a row shows (the tooltip of its red icon, which opens a
 * popover saying the same), or NULL */
static const char *
row_problem (const char *group_title,
             const char *title)
{
  GtkWidget *row = manage_row (group_title, title);
  GtkWidget *button = row != NULL ? find_of_type (row, GTK_TYPE_MENU_BUTTON) : NULL;

  if (button == NULL || !gtk_widget_get_visible (button))
    return NULL;
  g_assert_true (DECK_IS_PEER_ROW (row));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==,
                   deck_peer_row_get_problem (DECK_PEER_ROW (row)));
  return gtk_widget_get_tooltip_text (button);
}

static GtkWidget *
find_button_by_tooltip (const char *tooltip)
{
  return find_widget (view_widget ("manage"), match_button_tooltip, tooltip);
}

static AdwMessageDialog *
find_message_dialog (const char *heading)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (item) &&
          gtk_widget_get_visible (GTK_WIDGET (item)) &&
          g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (item)), heading) == 0)
        return ADW_MESSAGE_DIALOG (item);
    }
  return NULL;
}

static void
answer_dialog (const char *heading,
               const char *response,
               const char *expected_label)
{
  AdwMessageDialog *dialog = NULL;
  GtkWidget *button;
  gboolean destroyed = FALSE;

  WAIT_UNTIL ((dialog = find_message_dialog (heading)) != NULL, 5000);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  g_assert_true (adw_message_dialog_has_response (dialog, response));
  g_assert_cmpstr (adw_message_dialog_get_response_label (dialog, response), ==, expected_label);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, response));
  g_test_message ("dialog “%s”: %s", heading, adw_message_dialog_get_body (dialog));
  g_signal_connect (dialog, "destroy", G_CALLBACK (ui_test_on_destroyed), &destroyed);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (dialog));

  button = find_widget (GTK_WIDGET (dialog), match_button_label, expected_label);
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_true (gtk_widget_activate (button));
  WAIT_UNTIL (destroyed, 5000);
  g_assert_null (find_message_dialog (heading));
}

/* What is on screen, for a failure ------------------------------------------ */

static void
dump_tree (GtkWidget *widget,
           GString   *out,
           int        depth)
{
  if (!gtk_widget_get_visible (widget) || !gtk_widget_get_child_visible (widget))
    return;

  if (ADW_IS_PREFERENCES_GROUP (widget) &&
      adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (widget)) != NULL &&
      *adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (widget)) != '\0')
    g_string_append_printf (out, "%*sgroup “%s”\n", depth, "",
                            adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (widget)));
  else if (ADW_IS_ENTRY_ROW (widget))
    {
      gboolean secret = ADW_IS_PASSWORD_ENTRY_ROW (widget);
      const char *text = gtk_editable_get_text (GTK_EDITABLE (widget));

      g_string_append_printf (out, "%*sentry “%s” = “%s”\n", depth, "",
                              adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)),
                              secret ? (*text ? "(set)" : "") : text);
      return;
    }
  else if (ADW_IS_ACTION_ROW (widget))
    g_string_append_printf (out, "%*srow “%s” — “%s”\n", depth, "",
                            adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)),
                            adw_action_row_get_subtitle (ADW_ACTION_ROW (widget))
                            ? adw_action_row_get_subtitle (ADW_ACTION_ROW (widget)) : "");
  else if (GTK_IS_BUTTON (widget))
    {
      g_string_append_printf (out, "%*sbutton “%s” tooltip “%s”%s\n", depth, "",
                              gtk_button_get_label (GTK_BUTTON (widget))
                              ? gtk_button_get_label (GTK_BUTTON (widget)) : "",
                              gtk_widget_get_tooltip_text (widget)
                              ? gtk_widget_get_tooltip_text (widget) : "",
                              gtk_widget_is_sensitive (widget) ? "" : " (insensitive)");
      return;
    }
  else if (GTK_IS_MENU_BUTTON (widget))
    {
      g_string_append_printf (out, "%*sproblem button, tooltip “%s”\n", depth, "",
                              gtk_widget_get_tooltip_text (widget)
                              ? gtk_widget_get_tooltip_text (widget) : "");
      return;
    }
  else if (GTK_IS_SPINNER (widget))
    g_string_append_printf (out, "%*sspinner%s\n", depth, "",
                            gtk_spinner_get_spinning (GTK_SPINNER (widget)) ? " spinning" : "");
  else if (GTK_IS_LABEL (widget) && *gtk_label_get_label (GTK_LABEL (widget)) != '\0' &&
           !ADW_IS_PREFERENCES_ROW (gtk_widget_get_ancestor (widget, ADW_TYPE_PREFERENCES_ROW)))
    g_string_append_printf (out, "%*slabel “%s”\n", depth, "", gtk_label_get_label (GTK_LABEL (widget)));

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    dump_tree (c, out, depth + 1);
}

static void
dump_screen (const char *why)
{
  g_autoptr(GString) out = g_string_new (NULL);
  GListModel *toplevels = gtk_window_get_toplevels ();

  if (why != NULL)
    g_test_message ("%s", why);
  if (window == NULL)
    return;

  for (guint i = 0; i < N_NODES; i++)
    if (instances[i] != NULL)
      g_test_message ("instance %s: %s, version %s, engine %s, node %s%s; last error: %s",
                      deck_instance_get_name (instances[i]),
                      deck_instance_status_to_string (deck_instance_get_status (instances[i])),
                      deck_instance_get_version (instances[i]),
                      hdb_engine_to_string (deck_instance_get_engine (instances[i])),
                      deck_instance_get_node_name (instances[i]),
                      deck_instance_get_restart_pending (instances[i]) ? " (restart pending)" : "",
                      deck_instance_get_last_error (instances[i]));

  {
    GtkWidget *page = find_of_type (GTK_WIDGET (window), DECK_TYPE_REPLICATION_PAGE);

    if (page != NULL)
      {
        DeckInstance *shown = deck_replication_page_get_instance (DECK_REPLICATION_PAGE (page));
        GtkWidget *visible = gtk_stack_get_visible_child (GTK_STACK (adw_bin_get_child (ADW_BIN (page))));

        g_string_append_printf (out, "replication page of “%s”, view “%s” (window shows “%s”):\n",
                                shown ? deck_instance_get_name (shown) : "(none)",
                                deck_replication_page_get_view (DECK_REPLICATION_PAGE (page)),
                                adw_view_stack_get_visible_child_name (view_stack ()));
        dump_tree (visible, out, 2);
      }
  }
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (item) && gtk_widget_get_visible (GTK_WIDGET (item)))
        g_string_append_printf (out, "open dialog “%s”: %s\n",
                                adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (item)),
                                adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (item)));
    }

  ui_test_print_lines (out);
}

/* The restart's progress, as the page shows it ------------------------------- */

/* The four phases the progress view lists, in order */
static const DeckRestartPhase listed_phases[] = {
  DECK_RESTART_PHASE_WRITING_CONFIGURATION,
  DECK_RESTART_PHASE_RESTARTING,
  DECK_RESTART_PHASE_WAITING,
  DECK_RESTART_PHASE_VERIFYING,
};
#define N_LISTED G_N_ELEMENTS (listed_phases)

typedef struct
{
  GtkSpinner *spinners[N_LISTED];
  gboolean    seen[N_LISTED];       /* the phase's spinner was spinning at some point */
  double      seen_at_ms[N_LISTED];
  GString    *order;                /* "Writing… (0.1 s) → …" */
  GString    *views;                /* the page's views, in order */
  gulong      spinner_handlers[N_LISTED];
  gulong      view_handler;
  gint64      t0;
} ProgressTrace;

static ProgressTrace *trace;  /* for the signal handlers */

/* A spinner spins while its widget has the :checked state. GTK 4.8 emits
 * notify::spinning before it changes that state (gtk_spinner_get_spinning()
 * still says the old value in a handler), so the state change is followed. */
static void
on_spinner_state (GtkWidget     *spinner,
                  GtkStateFlags  previous,
                  gpointer       data)
{
  guint i = GPOINTER_TO_UINT (data);
  gboolean now = (gtk_widget_get_state_flags (spinner) & GTK_STATE_FLAG_CHECKED) != 0;
  gboolean before = (previous & GTK_STATE_FLAG_CHECKED) != 0;

  if (!now || before)
    return;
  if (!trace->seen[i])
    trace->seen_at_ms[i] = ms_since (trace->t0);
  trace->seen[i] = TRUE;
  g_string_append_printf (trace->order, "%s%s (%.1f s)", trace->order->len ? " → " : "",
                          deck_restart_phase_describe (listed_phases[i]),
                          ms_since (trace->t0) / 1000.0);
}

static void
on_view_changed (GtkStack   *stack,
                 GParamSpec *pspec,
                 gpointer    data)
{
  g_string_append_printf (trace->views, " → %s (%.1f s)", gtk_stack_get_visible_child_name (stack),
                          ms_since (trace->t0) / 1000.0);
}

/* Finds the phase rows of the progress view (a label with the phase's
 * description, and a spinner next to it) and follows their spinners and the
 * page's view. */
static void
trace_start (ProgressTrace *t)
{
  GtkWidget *progress = view_widget ("progress");

  memset (t, 0, sizeof *t);
  trace = t;
  t->order = g_string_new (NULL);
  t->views = g_string_new (page_view ());
  t->t0 = g_get_monotonic_time ();
  for (guint i = 0; i < N_LISTED; i++)
    {
      GtkWidget *label = find_widget (progress, match_label_text,
                                      deck_restart_phase_describe (listed_phases[i]));
      GtkWidget *spinner;

      g_assert_nonnull (label);
      spinner = find_of_type (gtk_widget_get_parent (label), GTK_TYPE_SPINNER);
      g_assert_nonnull (spinner);
      t->spinners[i] = GTK_SPINNER (spinner);
      t->spinner_handlers[i] = g_signal_connect (spinner, "state-flags-changed",
                                                 G_CALLBACK (on_spinner_state), GUINT_TO_POINTER (i));
    }
  t->view_handler = g_signal_connect (page_stack (), "notify::visible-child-name",
                                      G_CALLBACK (on_view_changed), NULL);
}

static void
trace_stop (ProgressTrace *t)
{
  for (guint i = 0; i < N_LISTED; i++)
    g_clear_signal_handler (&t->spinner_handlers[i], t->spinners[i]);
  g_clear_signal_handler (&t->view_handler, page_stack ());
  g_string_free (t->order, TRUE);
  g_string_free (t->views, TRUE);
  trace = NULL;
}

/* The listed phase whose spinner spins and shows now, or -1 */
static int
spinning_phase (ProgressTrace *t)
{
  for (guint i = 0; i < N_LISTED; i++)
    if (gtk_spinner_get_spinning (t->spinners[i]) &&
        gtk_widget_get_visible (GTK_WIDGET (t->spinners[i])))
      return (int) i;
  return -1;
}

static gboolean
match_numeric_label (GtkWidget *widget, gconstpointer data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "numeric");
}

/* The elapsed time: the only label of the progress view with the "numeric" class */
static GtkLabel *
elapsed_label (void)
{
  GtkWidget *label = find_widget (view_widget ("progress"), match_numeric_label, NULL);

  g_assert_nonnull (label);
  return GTK_LABEL (label);
}

static gboolean
match_wrapped_label (GtkWidget *widget, gconstpointer data)
{
  return GTK_IS_LABEL (widget) && gtk_label_get_wrap (GTK_LABEL (widget)) &&
         gtk_label_get_justify (GTK_LABEL (widget)) == GTK_JUSTIFY_CENTER;
}

/* The message under the elapsed time: the centred wrapping label */
static GtkLabel *
progress_message (void)
{
  GtkWidget *label = find_widget (view_widget ("progress"), match_wrapped_label, NULL);

  g_assert_nonnull (label);
  return GTK_LABEL (label);
}

/* The elapsed time the page shows ("3.4 s"), in seconds; 0 when none */
static double
shown_elapsed (void)
{
  return g_ascii_strtod (gtk_label_get_label (elapsed_label ()), NULL);
}

static GtkWidget *
back_button (void)
{
  GtkWidget *button = find_widget (view_widget ("progress"), match_button_label, "_Back");

  g_assert_nonnull (button);
  return button;
}

/* Enabling through the form -------------------------------------------------- */

static GtkWidget *
enable_row (const char *title)
{
  GtkWidget *row = find_widget (view_widget ("enable"), match_row_title, title);

  g_assert_nonnull (row);
  return row;
}

static const char *
entry_text (const char *title)
{
  return gtk_editable_get_text (GTK_EDITABLE (enable_row (title)));
}

static void
show_replication_of (DeckInstance *instance)
{
  ui_harper_show_replication_of (instance);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (view_stack ()), ==, "replication");
}

static HdbConfiguration *
read_configuration (guint i)
{
  g_autoptr(GError) error = NULL;
  HdbConfiguration *config = HDB_SYNC (probes[i], get_configuration, &error);

  g_assert_no_error (error);
  return config;
}

static HdbClusterStatus *
read_cluster_status (guint i)
{
  g_autoptr(GError) error = NULL;
  HdbClusterStatus *status = HDB_SYNC (probes[i], cluster_status, &error);

  g_assert_no_error (error);
  return status;
}

static const HdbConnection *
find_connection (const HdbClusterStatus *status,
                 const char             *name)
{
  for (guint i = 0; i < status->connections->len; i++)
    {
      const HdbConnection *conn = g_ptr_array_index (status->connections, i);

      if (g_strcmp0 (conn->name, name) == 0)
        return conn;
    }
  return NULL;
}

static char *
describe_connections (const HdbClusterStatus *status)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < status->connections->len; i++)
    {
      const HdbConnection *conn = g_ptr_array_index (status->connections, i);

      g_string_append_printf (out, "%s%s (%s, %u database socket(s))", i ? ", " : "",
                              conn->name, conn->url ? conn->url : "no url",
                              conn->database_sockets->len);
    }
  if (out->len == 0)
    g_string_append (out, "none");
  return g_string_free (out, FALSE);
}

/* What the real node says after enabling: the configuration written, the
 * running server's node name and engine, the cluster user. */
static void
verify_enabled_on_node (guint i)
{
  const char *node_name = harper_fixture_get_node_name (nodes, i);
  g_autoptr(HdbConfiguration) config = read_configuration (i);
  g_autoptr(HdbClusterStatus) status = read_cluster_status (i);
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GError) error = NULL;
  const HdbUserInfo *cluster_user = NULL;
  g_autofree char *repl_url = g_strdup_printf ("ws://127.0.0.1:%u", harper_fixture_get_port (nodes, i));

  g_test_message ("%s: get_configuration: replication.hostname “%s”, replication.url “%s”; "
                  "cluster_status: node_name “%s”, engine %s, enabled %d",
                  node_name, config->replication_hostname, config->replication_url,
                  status->node_name, hdb_engine_to_string (status->engine), status->is_enabled);
  g_assert_cmpstr (config->replication_hostname, ==, node_name);
  g_assert_cmpstr (config->replication_url, ==, repl_url);
  g_assert_cmpstr (status->node_name, ==, node_name);
  g_assert_cmpint (status->engine, ==, HDB_ENGINE_NATIVE);
  g_assert_true (status->is_enabled);

  users = HDB_SYNC (probes[i], list_users, &error);
  g_assert_no_error (error);
  for (guint k = 0; k < users->len; k++)
    {
      const HdbUserInfo *user = g_ptr_array_index (users, k);

      if (g_strcmp0 (user->username, CLUSTER_USER) == 0)
        cluster_user = user;
    }
  g_assert_nonnull (cluster_user);
  g_test_message ("%s: list_users: “%s” role “%s”, super_user %d, active %d", node_name,
                  cluster_user->username, cluster_user->role, cluster_user->super_user,
                  cluster_user->active);
  /* Native replication on 4.4: a dedicated super user (deck-native-engine.c) */
  g_assert_cmpstr (cluster_user->role, ==, "super_user");
  g_assert_true (cluster_user->super_user);
  g_assert_true (cluster_user->active);
}

/* Fills the form of node @i (the password prefilled from the keyring when
 * @expect_prefilled, typed otherwise), presses Enable Clustering, confirms,
 * follows the phases and waits for the management screen. */
static void
enable_through_ui (guint        i,
                   gboolean     expect_prefilled,
                   const char  *panel_shot,
                   const char  *progress_shot)
{
  DeckInstance *instance = instances[i];
  const char *node_name = harper_fixture_get_node_name (nodes, i);
  GtkWidget *password_row, *text, *button, *engine_row;
  ProgressTrace t;
  double ms;
  guint shots_taken = 0;
  gint64 t0;

  g_assert_cmpint (deck_instance_get_engine (instance), ==, HDB_ENGINE_NONE);
  show_replication_of (instance);
  WAIT_UNTIL_TIMED (view_is ("enable"), 10000, ms);
  g_test_message ("%s: the enable form is shown (%.0f ms)", node_name, ms);

  /* The form as it comes */
  engine_row = enable_row ("Engine");
  g_test_message ("engine: %s", adw_action_row_get_subtitle (ADW_ACTION_ROW (engine_row)));
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (engine_row)),
                                   "Native replication"));
  g_assert_cmpstr (entry_text ("Cluster User"), ==, CLUSTER_USER);
  g_assert_cmpstr (entry_text ("Node Name"), ==, node_name);   /* the suggestion is kept */
  password_row = enable_row ("Cluster Password");
  g_assert_true (ADW_IS_PASSWORD_ENTRY_ROW (password_row));
  text = find_of_type (password_row, GTK_TYPE_TEXT);
  g_assert_nonnull (text);
  g_assert_false (gtk_text_get_visibility (GTK_TEXT (text)));   /* bullets */
  button = find_widget (view_widget ("enable"), match_button_label, "_Enable Clustering");
  g_assert_nonnull (button);

  if (expect_prefilled)
    {
      /* Enabling node1 put the organization's cluster password in the
       * keyring; the form offers it. */
      WAIT_UNTIL_TIMED (*entry_text ("Cluster Password") != '\0', 10000, ms);
      g_test_message ("%s: cluster password prefilled from the keyring after %.0f ms", node_name, ms);
      g_assert_cmpstr (entry_text ("Cluster Password"), ==, CLUSTER_PASSWORD);
    }
  else
    {
      g_assert_cmpstr (entry_text ("Cluster Password"), ==, "");
      g_assert_false (gtk_widget_is_sensitive (button));   /* no password yet */
      gtk_editable_set_text (GTK_EDITABLE (password_row), CLUSTER_PASSWORD);
    }
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (password_row)), ==, CLUSTER_PASSWORD);
  WAIT_UNTIL (gtk_widget_is_sensitive (button), 2000);

  if (panel_shot != NULL)
    save_screenshot (GTK_WIDGET (window), panel_shot);

  /* Enable Clustering → the confirmation → Enable and Restart */
  trace_start (&t);
  t0 = g_get_monotonic_time ();
  g_assert_true (gtk_widget_activate (button));
  answer_dialog ("Enable Clustering?", "enable", "_Enable and Restart");
  g_assert_cmpstr (page_view (), ==, "progress");
  {
    g_autofree char *title = g_strdup_printf ("Enabling Clustering on %s", deck_instance_get_name (instance));

    g_assert_nonnull (find_widget (view_widget ("progress"), match_label_text, title));
  }

  /* Follow the phases until the management screen. The screenshot is taken
   * the first time the page says it waits for the restarted instance, and
   * taken again if it still does a second and a half into the restart (the
   * message then says what the polls see). */
  WAIT_UNTIL_BODY (view_is ("manage") ||
                   (view_is ("progress") && gtk_widget_get_visible (back_button ())),
                   ENABLE_BOUND_MS, ms,
                   if (progress_shot != NULL && shots_taken < 2 && view_is ("progress") &&
                       spinning_phase (&t) == 2 /* WAITING */ &&
                       (shots_taken == 0 || shown_elapsed () >= 1.5))
                     {
                       int phase;

                       wait_frames (GTK_WIDGET (window), 2);
                       /* Rendered right away, without another iteration: what
                        * the image shows is what is checked here. */
                       phase = spinning_phase (&t);
                       if (view_is ("progress") && phase >= 0)
                         {
                           g_test_message ("screenshot: “%s” spinning, elapsed “%s”, message “%s”",
                                           deck_restart_phase_describe (listed_phases[phase]),
                                           gtk_label_get_label (elapsed_label ()),
                                           gtk_label_get_label (progress_message ()));
                           g_assert_cmpstr (gtk_label_get_label (elapsed_label ()), !=, "");
                           render_screenshot (GTK_WIDGET (window), progress_shot);
                           shots_taken++;
                         }
                     });
  ms = ms_since (t0);
  g_test_message ("%s: phases shown: %s", node_name, t.order->str);
  g_test_message ("%s: views: %s", node_name, t.views->str);
  if (!view_is ("manage"))
    dump_screen ("enabling failed: the page shows Back");
  g_assert_cmpstr (page_view (), ==, "manage");
  g_test_message ("%s: enabled through the UI in %.1f s (confirmation to management screen)",
                  node_name, ms / 1000.0);
  for (guint k = 0; k < N_LISTED; k++)
    g_test_message ("  %-26s %s", deck_restart_phase_describe (listed_phases[k]),
                    t.seen[k] ? "seen spinning" : "not seen spinning");
  g_assert_true (t.seen[2]);   /* WAITING was shown */
  if (progress_shot != NULL)
    g_assert_cmpuint (shots_taken, >, 0);
  /* From the progress straight to the management screen: the form (or a
   * status page) never came back in between. */
  {
    g_auto(GStrv) steps = g_regex_split_simple (" \\([0-9.]+ s\\)", t.views->str, 0, 0);
    g_autofree char *plain = g_strjoinv ("", steps);

    g_assert_cmpstr (plain, ==, "enable → progress → manage");
  }
  trace_stop (&t);

  /* What the management screen says about this instance */
  {
    g_autofree char *description = g_strdup_printf ("This instance is the node “%s” (native replication).",
                                                    node_name);

    g_assert_cmpstr (adw_preferences_group_get_description (
                       ADW_PREFERENCES_GROUP (manage_group ("Connected Instances"))), ==, description);
  }
  g_assert_cmpint (deck_instance_get_engine (instance), ==, HDB_ENGINE_NATIVE);
  g_assert_cmpstr (deck_instance_get_node_name (instance), ==, node_name);

  verify_enabled_on_node (i);
}

/* Tests ----------------------------------------------------------------------- */

static void
test_enable (void)
{
  enable_through_ui (0, FALSE, "enable-panel.png", "restart-progress.png");

  /* Node 2 and 3 are not enabled: they are offered for configuration. */
  for (guint i = 1; i < N_NODES; i++)
    {
      const char *name = deck_instance_get_name (instances[i]);

      WAIT_MANAGE (manage_row ("Unconnected Instances", name) != NULL, 5000);
      g_assert_cmpstr (manage_row_subtitle ("Unconnected Instances", name), ==,
                       "Clustering is not enabled on this instance");
      g_assert_nonnull (row_button ("Unconnected Instances", name, "_Configure…"));
    }
  g_assert_nonnull (manage_row ("Connected Instances", "No connections yet"));
  g_assert_nonnull (manage_row ("Unregistered Instances", "None"));
}

static gboolean
connected_to (guint       i,
              const char *peer)
{
  g_autoptr(HdbClusterStatus) status = read_cluster_status (i);

  return find_connection (status, peer) != NULL;
}

static void
log_connections (guint i)
{
  g_autoptr(HdbClusterStatus) status = read_cluster_status (i);
  g_autofree char *text = describe_connections (status);

  g_test_message ("%s: cluster_status connections: %s", harper_fixture_get_node_name (nodes, i), text);
}

static void
test_connect (void)
{
  GtkWidget *button;
  double ms;
  gint64 t0;

  /* (node2 was enabled by /ui/replication/enable-elsewhere.) */
  /* On node1's management screen: Connect node2 */
  show_replication_of (instances[0]);
  WAIT_UNTIL (view_is ("manage"), 10000);
  g_assert_false (connected_to (0, "node2"));
  /* Found after the check above: it runs the main loop, and a reload of
   * the screen in the meantime replaces the rows and their buttons. */
  WAIT_MANAGE ((button = find_button_by_tooltip ("Connect node2")) != NULL, 10000);
  g_assert_cmpstr (manage_row_subtitle ("Unconnected Instances", "node2"), ==, "Node “node2”");
  g_assert_true (gtk_widget_is_sensitive (button));

  t0 = g_get_monotonic_time ();
  g_assert_true (gtk_widget_activate (button));
  WAIT_MANAGE_TIMED (manage_row ("Connected Instances", "node2") != NULL ||
                     row_problem ("Unconnected Instances", "node2") != NULL, CONNECT_BOUND_MS, ms);
  if (row_problem ("Unconnected Instances", "node2") != NULL)
    {
      dump_screen (NULL);
      log_connections (0);
      log_connections (1);
      g_error ("Connect node2 failed after %.1f s: %s", ms / 1000.0,
               row_problem ("Unconnected Instances", "node2"));
    }
  g_test_message ("node2 listed as connected on node1's screen %.1f s after Connect node2",
                  ms / 1000.0);
  g_test_message ("node2 row: “%s”", manage_row_subtitle ("Connected Instances", "node2"));
  g_assert_null (manage_row ("Unconnected Instances", "node2"));
  g_assert_nonnull (find_button_by_tooltip ("Disconnect node2"));
  /* node3 stays unconnected, offered for configuration */
  g_assert_cmpstr (manage_row_subtitle ("Unconnected Instances", "node3"), ==,
                   "Clustering is not enabled on this instance");
  g_assert_nonnull (row_button ("Unconnected Instances", "node3", "_Configure…"));
  g_assert_nonnull (manage_row ("Unregistered Instances", "None"));

  /* On the real nodes: each lists the other. */
  log_connections (0);
  log_connections (1);
  g_assert_true (connected_to (0, "node2"));
  g_assert_true (connected_to (1, "node1"));
  g_assert_false (connected_to (0, "node3"));

  /* Harper opens the database sockets shortly after connecting; the row says
   * "Connecting…" until then. For the screenshot, refresh (as a user would,
   * F5) until it shows them; bounded. */
  t0 = g_get_monotonic_time ();
  while (g_str_has_prefix (manage_row_subtitle ("Connected Instances", "node2"), "Connecting") &&
         ms_since (t0) < VERIFY_WAIT_MS)
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));
      test_util_spin (REFRESH_INTERVAL_S * 1000);
      WAIT_MANAGE (manage_row ("Connected Instances", "node2") != NULL, 10000);
    }
  g_test_message ("node2 row after %.1f s: “%s”", ms_since (t0) / 1000.0,
                  manage_row_subtitle ("Connected Instances", "node2"));
  if (g_str_has_prefix (manage_row_subtitle ("Connected Instances", "node2"), "Connecting"))
    dump_screen ("NOTE: the connection still shows no database socket");
  save_screenshot (GTK_WIDGET (window), "management.png");

  /* node2's own screen shows node1 connected (add_node is mirrored). */
  show_replication_of (instances[1]);
  WAIT_UNTIL (view_is ("manage"), 10000);
  WAIT_MANAGE (manage_row ("Connected Instances", "node1") != NULL, 10000);
  g_test_message ("on node2's screen: node1 “%s”", manage_row_subtitle ("Connected Instances", "node1"));
  show_replication_of (instances[0]);
}

static void
test_disconnect (void)
{
  GtkWidget *button;
  double ms;
  gint64 t0;

  show_replication_of (instances[0]);
  WAIT_UNTIL (view_is ("manage"), 10000);
  WAIT_MANAGE ((button = find_button_by_tooltip ("Disconnect node2")) != NULL, 10000);
  g_assert_nonnull (manage_row ("Connected Instances", "node2"));

  t0 = g_get_monotonic_time ();
  g_assert_true (gtk_widget_activate (button));
  answer_dialog ("Disconnect?", "disconnect", "_Disconnect");
  WAIT_MANAGE_TIMED (manage_row ("Unconnected Instances", "node2") != NULL &&
                    find_button_by_tooltip ("Connect node2") != NULL,
                    DISCONNECT_BOUND_MS, ms);
  g_test_message ("node2 back in Unconnected Instances %.1f s after the confirmation (%.1f s "
                  "after Disconnect node2)", ms / 1000.0, ms_since (t0) / 1000.0);
  g_assert_null (manage_row ("Connected Instances", "node2"));
  g_assert_nonnull (manage_row ("Connected Instances", "No connections yet"));

  /* Neither real node lists the other. */
  log_connections (0);
  log_connections (1);
  g_assert_false (connected_to (0, "node2"));
  g_assert_false (connected_to (1, "node1"));
}


/* Jobs that outlive what the user looks at ----------------------------------- */

static void
test_enable_elsewhere (void)
{
  DeckInstance *node2 = instances[1];
  g_autoptr(DeckJob) job = NULL;
  DeckRestartMonitor *restart;
  GtkWidget *button;
  gboolean looked_back = FALSE;
  double ms;

  /* node2's form: the password comes from the keyring (node1's enable
   * kept it for the organization). */
  g_assert_cmpint (deck_instance_get_engine (node2), ==, HDB_ENGINE_NONE);
  show_replication_of (node2);
  WAIT_UNTIL (view_is ("enable"), 10000);
  WAIT_UNTIL (*entry_text ("Cluster Password") != '\0', 10000);
  button = find_widget (view_widget ("enable"), match_button_label, "_Enable Clustering");
  g_assert_nonnull (button);
  WAIT_UNTIL (gtk_widget_is_sensitive (button), 2000);
  g_assert_true (gtk_widget_activate (button));
  answer_dialog ("Enable Clustering?", "enable", "_Enable and Restart");
  g_assert_cmpstr (page_view (), ==, "progress");

  /* At once, the user looks at node1. */
  show_replication_of (instances[0]);
  WAIT_UNTIL (view_is ("manage"), 10000);
  job = deck_context_find_job (deck_context, deck_instance_get_id (node2), DECK_JOB_KIND_ENABLE);
  g_assert_nonnull (job);
  g_object_ref (job);
  restart = deck_enable_job_get_restart_monitor (DECK_ENABLE_JOB (job));
  g_assert_nonnull (restart);

  /* Midway through the restart, a look back at node2: its progress. */
  WAIT_UNTIL (deck_restart_monitor_get_phase (restart) >= DECK_RESTART_PHASE_WAITING ||
              deck_job_is_finished (job), ENABLE_BOUND_MS);
  if (!deck_job_is_finished (job))
    {
      g_autofree char *title = g_strdup_printf ("Enabling Clustering on %s",
                                                deck_instance_get_name (node2));

      show_replication_of (node2);
      if (!deck_job_is_finished (job))
        {
          g_assert_cmpstr (page_view (), ==, "progress");
          g_assert_nonnull (find_widget (view_widget ("progress"), match_label_text, title));
          g_test_message ("back on node2 while it restarts: the progress (“%s”, %s)",
                          deck_restart_phase_describe (deck_restart_monitor_get_phase (restart)),
                          gtk_label_get_label (elapsed_label ()));
          looked_back = TRUE;
        }
      show_replication_of (instances[0]);
      WAIT_UNTIL (view_is ("manage"), 10000);
    }
  if (!looked_back)
    g_test_message ("NOTE: the restart was over before the look back at node2");

  /* The restart is followed to its end while the user looks at node1. */
  WAIT_UNTIL_TIMED (deck_job_is_finished (job), ENABLE_BOUND_MS, ms);
  if (deck_job_get_state (job) != DECK_JOB_STATE_SUCCEEDED)
    g_error ("enabling node2 ended %s: %s",
             g_enum_to_string (DECK_TYPE_JOB_STATE, deck_job_get_state (job)),
             deck_job_get_error (job) ? deck_job_get_error (job)->message : "");
  g_assert_cmpint (deck_restart_monitor_get_phase (restart), ==, DECK_RESTART_PHASE_DONE);
  g_test_message ("node2 enabled while the user looked at node1: restart followed for %.1f s "
                  "(%.1f s after the look back)", deck_restart_monitor_get_elapsed (restart),
                  ms / 1000.0);
  g_assert_true (deck_replication_page_get_instance (replication_page ()) == instances[0]);
  g_assert_cmpstr (page_view (), ==, "manage");
  verify_enabled_on_node (1);

  /* Back on node2: the outcome, its management screen (once the monitor's
   * check has seen the instance enabled). */
  show_replication_of (node2);
  WAIT_UNTIL_TIMED (view_is ("manage"), 20000, ms);
  g_test_message ("back on node2: the management screen after %.0f ms", ms);
  {
    g_autofree char *description = g_strdup_printf ("This instance is the node “%s” (native replication).",
                                                    deck_instance_get_name (node2));

    g_assert_cmpstr (adw_preferences_group_get_description (
                       ADW_PREFERENCES_GROUP (manage_group ("Connected Instances"))), ==, description);
  }
  /* node1 enabled but not connected, node3 not enabled */
  WAIT_MANAGE (find_button_by_tooltip ("Connect node1") != NULL, 10000);
  g_assert_cmpstr (manage_row_subtitle ("Unconnected Instances", "node1"), ==, "Node “node1”");
}

/* Polls both nodes (our own clients) until they list each other, or no
 * longer do (@want), within @ms; returns the time it took, -1 when not. */
static double
wait_linked (gboolean want,
             guint    ms)
{
  gint64 t0 = g_get_monotonic_time ();

  do
    {
      if (connected_to (0, "node2") == want && connected_to (1, "node1") == want)
        return ms_since (t0);
      test_util_spin (500);
    }
  while (ms_since (t0) < ms);
  return -1;
}

static void
test_connect_elsewhere (void)
{
  GtkWidget *button;
  DeckJob *job;
  double ms;

  show_replication_of (instances[0]);
  WAIT_UNTIL (view_is ("manage"), 10000);
  g_assert_false (connected_to (0, "node2"));
  WAIT_MANAGE ((button = find_button_by_tooltip ("Connect node2")) != NULL, 10000);
  g_assert_true (gtk_widget_activate (button));

  /* As soon as the click took (a button's click comes a moment after its
   * activation), the user looks at node3 (not enabled: its form). */
  WAIT_UNTIL ((job = deck_context_find_job (deck_context, deck_instance_get_id (instances[0]),
                                            DECK_JOB_KIND_CONNECT)) != NULL, 5000);
  g_assert_false (deck_job_is_finished (job));
  show_replication_of (instances[2]);
  WAIT_UNTIL (view_is ("enable"), 10000);

  /* The connect goes on: both nodes list each other. */
  ms = wait_linked (TRUE, CONNECT_BOUND_MS);
  if (ms < 0)
    {
      log_connections (0);
      log_connections (1);
      job = deck_context_find_job (deck_context, deck_instance_get_id (instances[0]),
                                   DECK_JOB_KIND_CONNECT);
      g_error ("node1 and node2 are not connected after %u ms (job: %s, %s)", CONNECT_BOUND_MS,
               job ? g_enum_to_string (DECK_TYPE_JOB_STATE, deck_job_get_state (job)) : "none",
               job && deck_job_get_error (job) ? deck_job_get_error (job)->message : "");
    }
  g_test_message ("node1 and node2 list each other %.1f s after Connect, the user on node3",
                  ms / 1000.0);
  /* The job ends (and, done, is forgotten by the page). */
  WAIT_UNTIL ((job = deck_context_find_job (deck_context, deck_instance_get_id (instances[0]),
                                            DECK_JOB_KIND_CONNECT)) == NULL ||
              deck_job_get_state (job) == DECK_JOB_STATE_SUCCEEDED, CONNECT_BOUND_MS);
  g_assert_true (deck_replication_page_get_instance (replication_page ()) == instances[2]);
  g_assert_cmpstr (page_view (), ==, "enable");

  /* Back on node1: node2 connected. */
  show_replication_of (instances[0]);
  WAIT_MANAGE (manage_row ("Connected Instances", "node2") != NULL, 20000);
  g_assert_null (manage_row ("Unconnected Instances", "node2"));
  g_test_message ("back on node1: node2 “%s”", manage_row_subtitle ("Connected Instances", "node2"));

  /* Disconnect, and the same at once. */
  WAIT_MANAGE ((button = find_button_by_tooltip ("Disconnect node2")) != NULL, 10000);
  g_assert_true (gtk_widget_activate (button));
  answer_dialog ("Disconnect?", "disconnect", "_Disconnect");
  job = deck_context_find_job (deck_context, deck_instance_get_id (instances[0]),
                               DECK_JOB_KIND_DISCONNECT);
  g_assert_nonnull (job);
  g_assert_false (deck_job_is_finished (job));
  show_replication_of (instances[2]);
  WAIT_UNTIL (view_is ("enable"), 10000);
  ms = wait_linked (FALSE, DISCONNECT_BOUND_MS);
  if (ms < 0)
    {
      log_connections (0);
      log_connections (1);
      g_error ("node1 and node2 still list each other %u ms after Disconnect", DISCONNECT_BOUND_MS);
    }
  g_test_message ("node1 and node2 forgot each other %.1f s after Disconnect, the user on node3",
                  ms / 1000.0);
  show_replication_of (instances[0]);
  WAIT_MANAGE (manage_row ("Unconnected Instances", "node2") != NULL &&
               find_button_by_tooltip ("Connect node2") != NULL, 20000);
  g_assert_null (manage_row ("Connected Instances", "node2"));
}

/* A paused node -------------------------------------------------------------- */

typedef struct
{
  gint64  last_us;          /* monotonic time of the last new last-checked */
  double  max_gap_ms;
  guint   n;
} CheckLog;

static void
on_last_checked (DeckInstance *instance,
                 GParamSpec   *pspec,
                 CheckLog     *log)
{
  gint64 now = g_get_monotonic_time ();

  if (log->last_us != 0)
    log->max_gap_ms = MAX (log->max_gap_ms, (double) (now - log->last_us) / 1000.0);
  log->last_us = now;
  log->n++;
}

static gboolean
checked_since (DeckInstance *instance,
               GDateTime    *before)
{
  GDateTime *now = deck_instance_get_last_checked (instance);

  return now != NULL && (before == NULL || g_date_time_compare (now, before) > 0);
}

static void
test_paused_node (PausedFixture *f,
                  gconstpointer  data)
{
  DeckInstance *hung = instances[f->index];
  g_autoptr(GDateTime) before0 = NULL;
  g_autoptr(GDateTime) before1 = NULL;
  CheckLog logs[2] = { { 0 } };
  gulong handlers[2];
  /* A row that answers is checked again within one interval after its last
   * check, and that check takes at most the timeout: two of those. */
  const double others_bound_ms = 2.0 * (REFRESH_INTERVAL_S * 1000 + CHECK_TIMEOUT_MS);
  /* The hung node: the check win.refresh starts fails after the timeout; a
   * check that was already running when it froze fails sooner. */
  const double hung_bound_ms = CHECK_TIMEOUT_MS + REFRESH_INTERVAL_S * 1000;
  double ms0, ms1, hung_ms, page_ms, back_ms;
  double wait_ms G_GNUC_UNUSED;
  gint64 t0, t_watch;

  g_assert_cmpuint (f->index, ==, 2);
  for (guint i = 0; i < N_NODES; i++)
    WAIT_UNTIL (deck_instance_get_status (instances[i]) == DECK_INSTANCE_STATUS_REACHABLE, 20000);
  show_replication_of (instances[0]);
  WAIT_UNTIL (view_is ("manage"), 10000);
  WAIT_MANAGE (manage_row ("Unconnected Instances", "node3") != NULL, 10000);

  /* Freeze node3 (SIGSTOP): its port accepts, nothing answers. */
  paused_pid = harper_fixture_get_pid (nodes, f->index);
  g_assert_cmpint (paused_pid, >, 0);
  harper_fixture_pause_node (nodes, f->index);
  g_test_message ("paused %s (pid %d, SIGSTOP)", harper_fixture_get_node_name (nodes, f->index),
                  (int) paused_pid);

  before0 = g_date_time_ref (deck_instance_get_last_checked (instances[0]));
  before1 = g_date_time_ref (deck_instance_get_last_checked (instances[1]));
  handlers[0] = g_signal_connect (instances[0], "notify::last-checked", G_CALLBACK (on_last_checked), &logs[0]);
  handlers[1] = g_signal_connect (instances[1], "notify::last-checked", G_CALLBACK (on_last_checked), &logs[1]);

  /* F5 */
  t0 = g_get_monotonic_time ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));
  ms0 = ms1 = -1;
  WAIT_UNTIL_BODY (ms0 >= 0 && ms1 >= 0, (guint) others_bound_ms, wait_ms,
                   {
                     if (ms0 < 0 && checked_since (instances[0], before0))
                       ms0 = ms_since (t0);
                     if (ms1 < 0 && checked_since (instances[1], before1))
                       ms1 = ms_since (t0);
                   });
  WAIT_UNTIL (deck_instance_get_status (hung) == DECK_INSTANCE_STATUS_UNREACHABLE,
              (guint) (hung_bound_ms * 4));
  hung_ms = ms_since (t0);
  g_test_message ("after win.refresh: node1 checked again after %.0f ms, node2 after %.0f ms "
                  "(bound %.0f ms = 2 × (interval %d s + timeout %d ms)); node3 unreachable "
                  "after %.0f ms (bound %.0f ms = timeout + interval): “%s”",
                  ms0, ms1, others_bound_ms, REFRESH_INTERVAL_S, CHECK_TIMEOUT_MS,
                  hung_ms, hung_bound_ms, deck_instance_get_last_error (hung));
  g_assert_cmpfloat (ms0, <=, others_bound_ms);
  g_assert_cmpfloat (ms1, <=, others_bound_ms);
  /* What the monitor guarantees is independence, not a time: the others
   * were checked again before the frozen node's own check gave up. Its
   * time is logged against the bound above, never asserted (it failed at
   * 4.3 s against 3.5 s on a busy machine). */
  g_assert_cmpfloat (ms0, <, hung_ms);
  g_assert_cmpfloat (ms1, <, hung_ms);
  /* Their own answers are Harper's: a node linked to the frozen one may
   * itself answer late (seen on 4.4.18: node2 past the 1.5 s timeout), so
   * their status is logged, not asserted. */
  g_test_message ("node1 %s, node2 %s",
                  deck_instance_status_to_string (deck_instance_get_status (instances[0])),
                  deck_instance_status_to_string (deck_instance_get_status (instances[1])));

  /* The management screen of node1, reloaded: node3 not reachable, and the
   * reload (node1's own cluster_status) not held up by it. */
  t0 = g_get_monotonic_time ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));
  WAIT_MANAGE_TIMED (manage_row ("Unconnected Instances", "node3") != NULL &&
                    g_strcmp0 (manage_row_subtitle ("Unconnected Instances", "node3"),
                               "Not reachable now") == 0,
                    (guint) others_bound_ms, page_ms);
  g_test_message ("node1's management screen says node3 is “Not reachable now” %.0f ms after "
                  "win.refresh", page_ms);
  g_assert_cmpstr (manage_row_subtitle ("Unconnected Instances", "node2"), ==, "Node “node2”");

  /* For a while with node3 hung: node1 and node2 keep being checked on
   * their own schedule. */
  t_watch = g_get_monotonic_time ();
  logs[0].last_us = logs[1].last_us = t_watch;
  logs[0].max_gap_ms = logs[1].max_gap_ms = 0;
  logs[0].n = logs[1].n = 0;
  test_util_spin (4 * REFRESH_INTERVAL_S * 1000 + CHECK_TIMEOUT_MS);
  {
    gint64 end = g_get_monotonic_time ();

    for (guint k = 0; k < 2; k++)
      logs[k].max_gap_ms = MAX (logs[k].max_gap_ms, (double) (end - logs[k].last_us) / 1000.0);
  }
  g_test_message ("over %.1f s with node3 hung: node1 checked %u times (longest gap %.0f ms), "
                  "node2 %u times (longest gap %.0f ms); node3 %s",
                  ms_since (t_watch) / 1000.0, logs[0].n, logs[0].max_gap_ms, logs[1].n,
                  logs[1].max_gap_ms, deck_instance_status_to_string (deck_instance_get_status (hung)));
  for (guint k = 0; k < 2; k++)
    {
      g_assert_cmpuint (logs[k].n, >=, 3);
      g_assert_cmpfloat (logs[k].max_gap_ms, <=, others_bound_ms);
      g_assert_cmpint (deck_instance_get_status (instances[k]), ==, DECK_INSTANCE_STATUS_REACHABLE);
    }
  g_assert_cmpint (deck_instance_get_status (hung), ==, DECK_INSTANCE_STATUS_UNREACHABLE);
  g_signal_handler_disconnect (instances[0], handlers[0]);
  g_signal_handler_disconnect (instances[1], handlers[1]);

  /* Thawed, it answers again (after the monitor's backoff: ≤ 4 × interval
   * + timeout). */
  t0 = g_get_monotonic_time ();
  resume_paused_node ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));
  WAIT_UNTIL_TIMED (deck_instance_get_status (hung) == DECK_INSTANCE_STATUS_REACHABLE, 40000, back_ms);
  g_test_message ("node3 resumed (SIGCONT): reachable again after %.0f ms", back_ms);
}

/* Setup ----------------------------------------------------------------------- */

static gboolean
setup (GError **error)
{
  if (!ui_harper_start_nodes (HARPER_FIXTURE_UNCONFIGURED, error) || !ui_harper_open_store (error))
    return FALSE;

  /* The organization and its instances through the store, their logins in
   * the keyring: as the dialogs would leave them. */
  demo = deck_store_add_organization (store, "Demo", error);
  if (demo == NULL || !ui_harper_add_instances (error))
    return FALSE;
  for (guint i = 0; i < N_NODES; i++)
    {
      probes[i] = hdb_client_new (harper_fixture_get_url (nodes, i), harper_fixture_get_username (nodes),
                                  harper_fixture_get_password (nodes), error);
      if (probes[i] == NULL)
        return FALSE;
      hdb_client_set_timeout (probes[i], 20000);
    }

  ui_harper_start_monitor ();
  ui_harper_create_window ();
  for (guint i = 0; i < N_NODES; i++)
    WAIT_UNTIL (deck_instance_get_status (instances[i]) == DECK_INSTANCE_STATUS_REACHABLE &&
                deck_instance_get_engine (instances[i]) == HDB_ENGINE_NONE, 20000);
  return TRUE;
}

/* An unregistered node ---------------------------------------------------- */

static void
test_unregistered (void)
{
  g_autoptr(DeckEngine) engine = deck_engine_new_for (HDB_ENGINE_NATIVE);
  g_autoptr(DeckRestartMonitor) restart = deck_restart_monitor_new (probes[2]);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DeckInstance) node3 = g_object_ref (instances[2]);
  GtkWidget *button;
  DeckEnableRequest request = {
    .cluster_user = CLUSTER_USER,
    .cluster_password = CLUSTER_PASSWORD,
    .node_name = "node3",
  };
  DeckPeer peer = { 0 };

  /* node3 joins the cluster behind the organization's back: enabled and
   * connected to node1 through the core, then removed from the store. */
  TEST_AWAIT (result, ENABLE_BOUND_MS,
              deck_engine_enable_async (engine, probes[2], &request, restart, NULL,
                                        test_util_store_result, &result));
  g_assert_true (deck_engine_enable_finish (engine, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  peer.client = probes[2];
  peer.node_name = "node3";
  TEST_AWAIT (result, CONNECT_BOUND_MS,
              deck_engine_connect_async (engine, probes[0], CLUSTER_USER, CLUSTER_PASSWORD, &peer,
                                         NULL, test_util_store_result, &result));
  g_assert_true (deck_engine_connect_finish (engine, result, &error));
  g_assert_no_error (error);
  g_assert_true (connected_to (0, "node3"));

  g_assert_true (deck_store_remove_instance (store, node3, &error));
  g_assert_no_error (error);

  /* node1's screen lists node3 as unregistered, with "Add to Organization…"
   * and a − button. */
  show_replication_of (instances[0]);
  WAIT_UNTIL (view_is ("manage"), 10000);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));
  WAIT_MANAGE (manage_row ("Unregistered Instances", "node3") != NULL, 20000);
  g_test_message ("node3 unregistered: “%s”", manage_row_subtitle ("Unregistered Instances", "node3"));
  g_assert_null (manage_row ("Unconnected Instances", "node3"));
  g_assert_nonnull (row_button ("Unregistered Instances", "node3", "Add to _Organization…"));
  WAIT_MANAGE ((button = find_button_by_tooltip ("Disconnect node3")) != NULL, 10000);

  /* Disconnect it: only this side can be removed without its login. */
  g_assert_true (gtk_widget_activate (button));
  answer_dialog ("Disconnect?", "disconnect", "_Disconnect");
  WAIT_MANAGE (manage_row ("Unregistered Instances", "node3") == NULL, DISCONNECT_BOUND_MS);
  g_assert_false (connected_to (0, "node3"));
}

/* A wrong cluster password on the peer ------------------------------------ */

static void
test_wrong_cluster_password (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *altered = NULL;
  const char *problem;
  DeckInstance *node3;
  GtkWidget *button;
  double ms;

  /* node3's cluster user gets another password behind the app's back, and
   * node3 comes back into the organization. */
  altered = HDB_SYNC (probes[2], alter_user, &error, CLUSTER_USER, "Another-Pass-9", NULL);
  g_assert_no_error (error);
  node3 = deck_store_add_instance (store, demo, "node3", harper_fixture_get_url (nodes, 2),
                                   harper_fixture_get_username (nodes), NULL, &error);
  g_assert_no_error (error);
  deck_instance_monitor_set_password (monitor, node3, harper_fixture_get_password (nodes));
  WAIT_UNTIL (deck_instance_get_status (node3) == DECK_INSTANCE_STATUS_REACHABLE &&
              deck_instance_get_engine (node3) == HDB_ENGINE_NATIVE &&
              g_strcmp0 (deck_instance_get_node_name (node3), "node3") == 0, 20000);

  show_replication_of (instances[0]);
  WAIT_UNTIL (view_is ("manage"), 10000);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));
  WAIT_MANAGE ((button = find_button_by_tooltip ("Connect node3")) != NULL, 20000);

  g_assert_true (gtk_widget_activate (button));
  WAIT_MANAGE_TIMED (row_problem ("Unconnected Instances", "node3") != NULL ||
                     manage_row ("Connected Instances", "node3") != NULL, CONNECT_BOUND_MS, ms);
  problem = row_problem ("Unconnected Instances", "node3");
  g_assert_nonnull (problem);
  g_test_message ("the row says, %.1f s after Connect: %s", ms / 1000.0, problem);
  g_assert_nonnull (strstr (problem, "cluster user"));
  g_assert_null (manage_row ("Connected Instances", "node3"));

  /* No stray record on either side (Q4). */
  log_connections (0);
  log_connections (2);
  g_assert_false (connected_to (0, "node3"));
  g_assert_false (connected_to (0, "127.0.0.1"));
  g_assert_false (connected_to (2, "127.0.0.1"));
}

/* Not a super user --------------------------------------------------------- */

static void
test_not_super_user (void)
{
  g_autoptr(JsonObject) permission = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *role = NULL;
  g_autofree char *user = NULL;
  DeckInstance *reader;
  AdwStatusPage *status;

  /* A login that may read but is no super user. */
  json_object_set_boolean_member (permission, "super_user", FALSE);
  role = HDB_SYNC (probes[0], add_role, &error, "deck_reader", permission);
  g_assert_no_error (error);
  user = HDB_SYNC (probes[0], add_user, &error, "reader", "Reader-Pass-1", "deck_reader", TRUE);
  g_assert_no_error (error);

  reader = deck_store_add_instance (store, demo, "node1 as reader",
                                    harper_fixture_get_url (nodes, 0), "reader", NULL, &error);
  g_assert_no_error (error);
  deck_instance_monitor_set_password (monitor, reader, "Reader-Pass-1");
  WAIT_UNTIL (deck_instance_get_status (reader) == DECK_INSTANCE_STATUS_REACHABLE, 20000);
  g_assert_false (deck_instance_get_super_user (reader));

  /* Its Replication view says why there is nothing to manage. */
  show_replication_of (reader);
  WAIT_UNTIL (view_is ("status"), 10000);
  status = ADW_STATUS_PAGE (view_widget ("status"));
  g_assert_cmpstr (adw_status_page_get_title (status), ==, "Replication Needs a Super User");
  g_assert_nonnull (strstr (adw_status_page_get_description (status), "“reader”"));
  g_test_message ("%s: %s", adw_status_page_get_title (status),
                  adw_status_page_get_description (status));
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

  g_test_add_func ("/ui/replication/enable", test_enable);
  g_test_add_func ("/ui/replication/enable-elsewhere", test_enable_elsewhere);
  g_test_add_func ("/ui/replication/connect", test_connect);
  g_test_add_func ("/ui/replication/disconnect", test_disconnect);
  g_test_add_func ("/ui/replication/connect-elsewhere", test_connect_elsewhere);
  g_test_add ("/ui/replication/paused-node", PausedFixture, GUINT_TO_POINTER (2),
              paused_setup, test_paused_node, paused_teardown);
  g_test_add_func ("/ui/replication/unregistered", test_unregistered);
  g_test_add_func ("/ui/replication/wrong-cluster-password", test_wrong_cluster_password);
  g_test_add_func ("/ui/replication/not-super-user", test_not_super_user);
  status = g_test_run ();
  g_test_message ("failed loads of the management screen retried with F5: %u", n_load_errors);
  ui_harper_teardown ();
  return status;
}
