/* test-ui-grid-apply.c: the Tables page of the Replication view (the grid,
 * the pending bar, Review & Apply) against three real Harper nodes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under tests/ui/in-netns-session.sh, as ui-replication does: a private
 * network namespace (a loopback of its own, so that other test programs'
 * Harper nodes on the machine are out of reach), its own Xvfb, session bus
 * and unlocked gnome-keyring, and a fresh $XDG_STATE_HOME (pending.json and
 * history.jsonl start empty).
 *
 * Nodes: three Harper nodes of the version under test (HARPER_VERSION)
 * started with replication configured
 * (node1…node3), a cluster user (a super user) on each, a database `data`
 * with the tables `dog` and `cat` on each, and node1 connected to node2 and
 * to node3 through add_node with explicit per-table subscriptions (not full
 * replication):
 *
 *   node1 → node2: dog subscribe only, cat both ways
 *   node1 → node3: dog both ways,      cat subscribe only
 *
 * They are registered as the instances "node1"…"node3" of the organization
 * "Demo", which names the cluster user; the logins and the cluster password
 * are in the keyring, as the enable form leaves them. The window gets a
 * monitor refreshing every 2 s with a 1.5 s check timeout.
 *
 * Switches are found by their accessible name ("Publish data.dog to
 * node2"), read with GTK's test accessibility API (GTK_A11Y=test: GTK 4.8
 * has no getter), and toggled with gtk_widget_activate(), a keyboard
 * toggle. Buttons are pressed the same way. What the UI claims is checked on
 * the real nodes with clients of our own (cluster_status, and records that
 * do or do not arrive), and in pending.json.
 *
 * /ui/grid/stage-review-apply also presses the Undo of the "1 change
 * applied" toast (the inverse, applied at once), shown when the Review
 * dialog closes.
 *
 * /ui/grid/partial-failure freezes node3 with SIGSTOP; it is thawed by the
 * test, by its fixture's teardown, by an atexit() hook and, when a failed
 * assertion aborts, by a SIGABRT handler. node1's update_node for node3
 * then times out, but takes effect on node1 all the same; the drift check
 * accepts a direction that already has the staged value, so Retry sends
 * it again and succeeds.
 *
 * Harper 4.4.18 sometimes reads a request sent shortly after an
 * update_node and never answers it (other requests are answered
 * meanwhile; `ss` shows nothing unread). The test gets past that as a user
 * would, and says so in "NOTE" lines: our probes send a read again, F5 when
 * the Tables could not be read, Cancel and Review again when the plan could
 * not read the state, Retry when an apply failed only on that.
 *
 * Screenshots: replication-grid.png (the window, one change staged),
 * review-dialog.png and apply-failed.png (the dialog); rendered in the app,
 * checked not to be blank, kept in CLUSTERDECK_SCREENSHOT_DIR when it is set.
 */

#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "deck-change-set.h"
#include "deck-check-window.h"
#include "deck-cluster-check.h"
#include "deck-history.h"
#include "deck-history-window.h"
#include "deck-instance-row.h"
#include "deck-pending.h"
#include "deck-replication-grid.h"
#include "deck-replication-tables.h"
#include "deck-review-dialog.h"
#include "deck-toggle-cell.h"
#include "deck-review-op-row.h"
#include "hdb-capabilities.h"
#include "ui-test-harper.h"

#define CLUSTER_PASSWORD   "Grid-Apply-Cluster-9"
#define DB                 "data"
/* Loading the tables: node1's cluster status and three schemas. */
#define LOAD_BOUND_MS      45000   /* more than a client's 30 s timeout */
/* Our probes' requests (read requests are sent again after a timeout) */
#define PROBE_TIMEOUT_MS   8000
/* An apply that works: a cluster_status again, then update_node(s). */
#define APPLY_BOUND_MS     45000   /* more than a client's 30 s timeout */
#define ARRIVE_MS          30000
#define ABSENT_MS          3000
/* A direction switched off stops within this after the apply */
#define SWITCH_MS          15000

static char *pending_path;
static char *history_path;
/* Where clusterdeck-cli finds this window's organizations.json: the store
 * lives in store_dir, which "clusterdeck" under this folder links to. */
static char *cli_config_home;

/* Filled by the subtests for /ui/grid/history */
static guint n_applied_ops;         /* operations the dialog reported done */
static guint n_failed_ops;          /* … and failed */
static gboolean retry_succeeded;    /* /ui/grid/partial-failure's Retry applied */
static gboolean undo_done;          /* /ui/grid/stage-review-apply's Undo applied */

/* Secrets that must never show up in a log message */
static guint n_secret_leaks;

static const char *
node_name (guint i)
{
  return harper_fixture_get_node_name (nodes, i);
}

/* The real nodes ----------------------------------------------------------------- */

/* Our own client of node @i, new for every request (no connection kept
 * from before an update_node). */
static HdbClient *
probe (guint i)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&probes[i]);
  probes[i] = hdb_client_new (harper_fixture_get_url (nodes, i), harper_fixture_get_username (nodes),
                              harper_fixture_get_password (nodes), &error);
  g_assert_no_error (error);
  hdb_client_set_timeout (probes[i], PROBE_TIMEOUT_MS);
  return probes[i];
}

/* Requests our probes had to send again: Harper 4.4.18 sometimes leaves a
 * request sent shortly after an update_node unanswered (the node answers
 * other requests meanwhile, and the same request again at once). */
static guint n_probe_retries;

/* The TCP connections to node @i's operations port as `ss` sees them (in
 * our network namespace): for a request left unanswered, whether its bytes
 * wait unread on the server's side (Recv-Q) or were never sent (Send-Q). */
static void
log_sockets (guint i)
{
  g_autofree char *port = g_strdup_printf ("%u", harper_fixture_get_port (nodes, i));
  g_autofree char *filter = g_strdup_printf ("( sport = :%s or dport = :%s )", port, port);
  const char *argv[] = { "ss", "-tnH", "state", "all", filter, NULL };
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0, n_queued = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, NULL, NULL))
    return;
  lines = g_strsplit (out, "\n", -1);
  for (guint k = 0; lines[k] != NULL; k++)
    {
      g_auto(GStrv) f = g_strsplit_set (g_strstrip (lines[k]), " \t", -1);
      guint recv_q = 0, send_q = 0, col = 0;

      if (*lines[k] == '\0' || g_str_has_prefix (lines[k], "LISTEN"))
        continue;
      n++;
      for (guint c = 0; f[c] != NULL; c++)
        if (*f[c] != '\0')
          {
            if (col == 1)
              recv_q = atoi (f[c]);
            else if (col == 2)
              send_q = atoi (f[c]);
            col++;
          }
      if (recv_q > 0 || send_q > 0)
        {
          n_queued++;
          g_test_message ("  socket with data waiting: %s", lines[k]);
        }
    }
  g_test_message ("  %u TCP sockets on %s's port %s, %u with data waiting", n, node_name (i), port,
                  n_queued);
}

/* Requests our probes had to send again: Harper 4.4.18 sometimes leaves a
 * request sent shortly after an update_node unanswered (the node answers
 * other requests meanwhile, and the same request again at once). */
static guint n_probe_retries;

static HdbClusterStatus *
read_cluster_status (guint i)
{
  for (guint attempt = 1; ; attempt++)
    {
      HdbClient *client = probe (i);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      HdbClusterStatus *status;

      hdb_client_cluster_status_async (client, NULL, test_util_store_result, &result);
      if (!test_util_wait_for_pointer ((gpointer *) &result, 3000))
        {
          g_test_message ("NOTE: no answer to cluster_status from %s after 3 s:", node_name (i));
          log_sockets (i);
          TEST_AWAIT (result, PROBE_TIMEOUT_MS + 5000, (void) 0);
        }
      status = hdb_client_cluster_status_finish (client, result, &error);
      if (status != NULL)
        return status;
      /* Harper 4.4 may leave a node's cluster_status unanswered for a while
       * after a peer of it was frozen (seen in CI: three reads of 8 s in a
       * row, after the partial failure's SIGSTOP): wait, longer. */
      if (attempt == 10 || !g_error_matches (error, HDB_ERROR, HDB_ERROR_TIMEOUT))
        g_assert_no_error (error);
      n_probe_retries++;
      g_test_message ("NOTE: our probe's cluster_status of %s: “%s”; sending it again",
                      node_name (i), error->message);
    }
}

/* node @i's view of @table with @peer: publish and subscribe */
static DeckBaseline
link_state (guint       i,
            const char *peer,
            const char *table)
{
  g_autoptr(HdbClusterStatus) status = read_cluster_status (i);
  const HdbConnection *conn = hdb_cluster_status_find_connection (status, peer);
  DeckBaseline state = { 0 };

  g_assert_nonnull (conn);
  g_assert_false (conn->replicates);   /* per-table subscriptions throughout */
  deck_baseline_from_connection (conn, DB, table, &state);
  return state;
}

/* Every connection of node @i with its subscriptions, one line */
static char *
describe_links (guint i)
{
  g_autoptr(HdbClusterStatus) status = read_cluster_status (i);
  GString *out = g_string_new (NULL);

  for (guint c = 0; c < status->connections->len; c++)
    {
      const HdbConnection *conn = g_ptr_array_index (status->connections, c);

      g_string_append_printf (out, "%s%s%s [", c ? "; " : "", conn->name,
                              conn->replicates ? " (full replication)" : "");
      for (guint s = 0; conn->subscriptions != NULL && s < conn->subscriptions->len; s++)
        {
          const HdbSubscription *sub = g_ptr_array_index (conn->subscriptions, s);

          g_string_append_printf (out, "%s%s.%s:%s%s", s ? ", " : "", sub->database, sub->table,
                                  sub->publish ? " publish" : "", sub->subscribe ? " subscribe" : "");
        }
      g_string_append_c (out, ']');
    }
  return g_string_free (out, FALSE);
}

static void
insert_record (guint       i,
               const char *table,
               gint64      id,
               const char *name)
{
  g_autoptr(JsonArray) records = json_array_new ();
  g_autoptr(JsonObject) record = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  json_object_set_int_member (record, "id", id);
  json_object_set_string_member (record, "name", name);
  json_array_add_object_element (records, g_steal_pointer (&record));
  message = HDB_SYNC (probe (i), insert, &error, DB, table, records);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (message, "inserted 1"));
}

/* Polls node @i for the record until it is there (TRUE) or @ms pass; the
 * main context keeps running meanwhile. */
static gboolean
wait_record (guint       i,
             const char *table,
             gint64      id,
             guint       ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;

  do
    {
      g_autoptr(JsonArray) ids = json_array_new ();
      g_autoptr(JsonArray) records = NULL;
      g_autoptr(GError) error = NULL;

      json_array_add_int_element (ids, id);
      records = HDB_SYNC (probe (i), search_by_id, &error, DB, table, ids);
      if (records != NULL && json_array_get_length (records) > 0)
        return TRUE;
      test_util_spin (100);
    }
  while (g_get_monotonic_time () < deadline);
  return FALSE;
}

/* Whether node @from's writes to @table no longer reach node @to: writes a
 * record of @table, then one of @control (a table that flows the same way)
 * and waits for the control; the first record must then stay away for
 * ABSENT_MS. Harper 4.4.18 changes what flows some time after update_node
 * answered (the peer asks again ~200 ms after its node record changed,
 * later on a busy machine), so a record written at once may still go
 * through: this tries again until one stays away, for @bound_ms at most.
 * @next_id: the ids to use, counted up. */
static gboolean
direction_stopped (guint       from,
                   guint       to,
                   const char *table,
                   const char *control,
                   gint64     *next_id,
                   guint       bound_ms)
{
  gint64 t0 = g_get_monotonic_time ();
  guint n_through = 0;

  for (;;)
    {
      gint64 id = (*next_id)++;
      gint64 ctl = (*next_id)++;

      insert_record (from, table, id, "should stay away");
      insert_record (from, control, ctl, "the control, after it");
      g_assert_true (wait_record (to, control, ctl, ARRIVE_MS));
      if (!wait_record (to, table, id, ABSENT_MS))
        {
          g_test_message ("%s → %s: %s.%s stopped (%u record(s) went through first, %.1f s)",
                          node_name (from), node_name (to), DB, table, n_through,
                          ms_since (t0) / 1000.0);
          return TRUE;
        }
      n_through++;
      if (ms_since (t0) > bound_ms)
        return FALSE;
    }
}

/* Polls node @i until its link to @peer has its database sockets up. */
static gboolean
wait_link_up (guint       i,
              const char *peer,
              guint       ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;

  do
    {
      g_autoptr(HdbClusterStatus) status = read_cluster_status (i);
      const HdbConnection *conn = hdb_cluster_status_find_connection (status, peer);

      if (conn != NULL && hdb_connection_is_connected (conn))
        return TRUE;
      test_util_spin (200);
    }
  while (g_get_monotonic_time () < deadline);
  return FALSE;
}

/* update_node on node1 for @peer, as the applier sends it: the URL, the
 * cluster user's authorization (retained), every subscription. */
static void
update_node_behind_the_back (guint      peer,
                             GPtrArray *subscriptions)
{
  g_autofree char *authorization = hdb_basic_authorization (CLUSTER_USER, CLUSTER_PASSWORD);
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;
  HdbNodeSpec spec = { 0 };

  spec.engine = HDB_ENGINE_NATIVE;
  spec.name = node_name (peer);
  spec.url = harper_fixture_get_repl_url (nodes, peer);
  spec.authorization = authorization;
  spec.retain_authorization = TRUE;
  spec.subscriptions = subscriptions;
  message = HDB_SYNC (probe (0), update_node, &error, &spec);
  g_assert_no_error (error);
  g_test_message ("behind the app's back, update_node on node1 for %s: %s", node_name (peer), message);
  memset (authorization, 0, strlen (authorization));
}

/* Pending changes ------------------------------------------------------------------ */

/* What pending.json holds now */
static DeckChangeSet *
read_pending_file (void)
{
  g_autoptr(DeckPending) pending = deck_pending_new (pending_path);
  g_autoptr(GError) error = NULL;

  g_assert_true (deck_pending_load (pending, &error));
  g_assert_no_error (error);
  return g_object_ref (deck_pending_get_changes (pending));
}

static guint
pending_file_n_changes (void)
{
  g_autoptr(DeckChangeSet) changes = read_pending_file ();

  return deck_change_set_get_n_changes (changes);
}

/* The change pending.json holds for node1 → @peer, @table, or FALSE */
static gboolean
pending_file_get (guint       peer,
                  const char *table,
                  DeckToggle *publish,
                  DeckToggle *subscribe)
{
  g_autoptr(DeckChangeSet) changes = read_pending_file ();

  return deck_change_set_get (changes, deck_instance_get_id (instances[0]), node_name (peer), DB,
                              table, publish, subscribe);
}

/* The window's parts ---------------------------------------------------------------- */

static DeckReplicationTables *
tables (void)
{
  return DECK_REPLICATION_TABLES (deck_replication_page_get_tables (replication_page ()));
}

/* The switch whose accessible name is @label ("Publish data.dog to node2"),
 * shown, or NULL */
static GtkSwitch *
find_switch (const char *label)
{
  g_autoptr(GPtrArray) switches = g_ptr_array_new ();

  find_all_widgets (GTK_WIDGET (tables ()), match_type, GSIZE_TO_POINTER (GTK_TYPE_SWITCH), switches);
  for (guint i = 0; i < switches->len; i++)
    if (match_accessible_label (g_ptr_array_index (switches, i), label))
      return g_ptr_array_index (switches, i);
  return NULL;
}

/* The switch's cell: DeckToggleCell draws the "Changed" mark next to the
 * switch while it has the "changed" style class */
static GtkWidget *
changed_mark (GtkSwitch *toggle)
{
  GtkWidget *cell = gtk_widget_get_parent (GTK_WIDGET (toggle));

  g_assert_true (DECK_IS_TOGGLE_CELL (cell));
  return cell;
}

/* Whether the cell shows its value as changed: the mark shown (the cell's
 * "changed" class), the accessible description saying so. */
static gboolean
shows_changed (GtkSwitch *toggle)
{
  GtkWidget *mark = changed_mark (toggle);
  gboolean shown = deck_toggle_cell_get_changed (DECK_TOGGLE_CELL (mark));
  g_autofree char *description = NULL;

  g_assert_cmpint (shown, ==, gtk_widget_has_css_class (mark, "changed"));
  description = gtk_test_accessible_check_property (GTK_ACCESSIBLE (toggle),
                                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                                    "changed, not applied");
  g_assert_cmpint (shown, ==, description == NULL);
  return shown;
}

/* The mark is drawn bold, as the design asks ("shown in bold until applied"):
 * the cell's font, in which it draws the mark */
static void
assert_mark_bold (GtkSwitch *toggle)
{
  GtkWidget *mark = changed_mark (toggle);
  PangoContext *context = gtk_widget_get_pango_context (mark);
  const PangoFontDescription *font = pango_context_get_font_description (context);

  g_assert_true (gtk_widget_has_css_class (mark, "changed"));
  g_assert_true (gtk_widget_get_mapped (mark));
  g_assert_nonnull (font);
  g_test_message ("the Changed mark: font weight %d (bold is %d)",
                  (int) pango_font_description_get_weight (font), PANGO_WEIGHT_BOLD);
  g_assert_cmpint (pango_font_description_get_weight (font), >=, PANGO_WEIGHT_BOLD);
}

/* The pending bar's text ("1 pending change"), or NULL while it is hidden */
static const char *
pending_bar_text (void)
{
  GtkWidget *revealer = find_of_type (GTK_WIDGET (tables ()), GTK_TYPE_REVEALER);
  GtkWidget *bar, *label;

  g_assert_nonnull (revealer);
  if (!gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)))
    return NULL;
  bar = find_of_type (revealer, GTK_TYPE_ACTION_BAR);
  g_assert_nonnull (bar);
  label = find_of_type (bar, GTK_TYPE_LABEL);
  g_assert_nonnull (label);
  return gtk_label_get_label (GTK_LABEL (label));
}

static GtkWidget *
tables_button (const char *label)
{
  GtkWidget *button = find_widget (GTK_WIDGET (tables ()), match_button_label, label);

  g_assert_nonnull (button);
  return button;
}

/* The Tables say they could not read the state */
static const char *
tables_error (void)
{
  GtkWidget *stack = find_of_type (GTK_WIDGET (tables ()), GTK_TYPE_STACK);
  GtkWidget *child;

  g_assert_nonnull (stack);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (stack)), "status") != 0)
    return NULL;
  child = gtk_stack_get_visible_child (GTK_STACK (stack));
  if (!ADW_IS_STATUS_PAGE (child) ||
      g_strcmp0 (adw_status_page_get_title (ADW_STATUS_PAGE (child)),
                 "Could Not Read the Replication State") != 0)
    return NULL;
  return adw_status_page_get_description (ADW_STATUS_PAGE (child))
         ? adw_status_page_get_description (ADW_STATUS_PAGE (child)) : "";
}

/* Loads of the Tables that failed and were done again with F5 */
static guint n_tables_refreshes;

/* Waits for the Tables to be read. A load that takes long or fails is
 * noted (a request Harper leaves unanswered waits for the client's 30 s
 * timeout); after a failed one, F5 as a user would. */
static void
wait_tables_loaded (void)
{
  double ms;

  gboolean logged = FALSE;
  gint64 t0 = g_get_monotonic_time ();

  WAIT_UNTIL_BODY (!deck_replication_tables_is_loading (tables ()), LOAD_BOUND_MS, ms,
                   if (!logged && ms_since (t0) > 3000)
                     {
                       logged = TRUE;
                       g_test_message ("NOTE: the Tables are still being read after 3 s:");
                       log_sockets (0);
                     });
  if (ms > 5000)
    g_test_message ("NOTE: the Tables took %.1f s to be read", ms / 1000.0);
  if (tables_error () != NULL)
    {
      n_tables_refreshes++;
      g_test_message ("NOTE: the Tables say “Could Not Read the Replication State”: %s; "
                      "pressing F5 (win.refresh)", tables_error ());
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));
      WAIT_UNTIL (!deck_replication_tables_is_loading (tables ()) && tables_error () == NULL,
                  LOAD_BOUND_MS);
    }
}

/* The grid is on screen (not behind a status page) and no read is running. */
static gboolean
grid_ready (void)
{
  return !deck_replication_tables_is_loading (tables ()) &&
         gtk_widget_get_mapped (GTK_WIDGET (deck_replication_tables_get_grid (tables ())));
}

/* node1's Replication view, Tables page, loaded, with @label shown */
static GtkSwitch *
show_tables_with (const char *label)
{
  GtkSwitch *toggle = NULL;
  gint64 t0;

  ui_harper_show_replication_of (instances[0]);
  WAIT_UNTIL (view_is ("manage"), 10000);
  deck_replication_page_show_tables (replication_page (), TRUE);
  t0 = g_get_monotonic_time ();
  wait_tables_loaded ();
  /* Selecting the instance may start a read a moment later: wait for the
   * grid itself on screen, not a switch in a page hidden behind "Reading". */
  WAIT_UNTIL (grid_ready () && (toggle = find_switch (label)) != NULL, LOAD_BOUND_MS);
  g_test_message ("node1's Tables page shows “%s” after %.0f ms", label, ms_since (t0));
  return toggle;
}

/* Toggles the switch named @label, as a keypress does, and waits until its
 * cell shows the change. */
static void
toggle_switch (const char *label)
{
  GtkSwitch *toggle = NULL;
  gboolean before;

  WAIT_UNTIL (grid_ready () && (toggle = find_switch (label)) != NULL, LOAD_BOUND_MS);
  before = gtk_switch_get_active (toggle);
  g_assert_true (gtk_widget_activate (GTK_WIDGET (toggle)));
  WAIT_UNTIL ((toggle = find_switch (label)) != NULL &&
              gtk_switch_get_active (toggle) != before && shows_changed (toggle), 5000);
  g_test_message ("toggled “%s”: %s → %s", label, before ? "on" : "off", before ? "off" : "on");
}

/* Toasts -------------------------------------------------------------------------- */

static gboolean
match_toast_title (GtkWidget *widget, gconstpointer title)
{
  return match_toast (widget, NULL) && find_widget (widget, match_label_text, title) != NULL;
}

static GtkWidget *
find_toast (const char *title)
{
  return find_widget (GTK_WIDGET (window), match_toast_title, title);
}

/* Dismisses every toast shown, so that the next one shows at once (they
 * come one at a time). */
static void
dismiss_toasts (void)
{
  GtkWidget *toast;

  while ((toast = find_widget (GTK_WIDGET (window), match_toast, NULL)) != NULL)
    {
      g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
      gboolean dismissed = FALSE;

      find_all_widgets (toast, match_type, GSIZE_TO_POINTER (GTK_TYPE_BUTTON), buttons);
      /* The close button is the one without a label. */
      for (guint i = 0; i < buttons->len; i++)
        if (gtk_button_get_label (g_ptr_array_index (buttons, i)) == NULL)
          {
            g_assert_true (gtk_widget_activate (g_ptr_array_index (buttons, i)));
            dismissed = TRUE;
            break;
          }
      g_assert_true (dismissed);
      WAIT_UNTIL (find_widget (GTK_WIDGET (window), match_toast, NULL) != toast, 5000);
    }
}

/* The review dialog ------------------------------------------------------------------ */

static DeckReviewDialog *
find_review_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (DECK_IS_REVIEW_DIALOG (item) && gtk_widget_get_visible (GTK_WIDGET (item)))
        return DECK_REVIEW_DIALOG (item);
    }
  return NULL;
}

static const char *
dialog_state (DeckReviewDialog *dialog)
{
  return deck_review_dialog_get_state (dialog);
}

static gboolean
state_is (DeckReviewDialog *dialog,
          const char       *state)
{
  return g_strcmp0 (deck_review_dialog_get_state (dialog), state) == 0;
}

/* Presses Review & Apply and waits for the plan. */
static DeckReviewDialog *
open_review_once (void)
{
  DeckReviewDialog *dialog = NULL;
  gboolean logged = FALSE;
  gint64 t0;
  double ms;

  g_assert_null (find_review_dialog ());
  g_assert_true (gtk_widget_activate (tables_button ("_Review & Apply…")));
  WAIT_UNTIL ((dialog = find_review_dialog ()) != NULL, 5000);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  t0 = g_get_monotonic_time ();
  WAIT_UNTIL_BODY (!state_is (dialog, "loading"), LOAD_BOUND_MS, ms,
                   if (!logged && ms_since (t0) > 3000)
                     {
                       logged = TRUE;
                       g_test_message ("NOTE: Review still reads the state after 3 s:");
                       log_sockets (0);
                     });
  g_test_message ("Review: state “%s” after %.0f ms", dialog_state (dialog), ms);
  if (state_is (dialog, "review"))
    {
      /* Apply waits for the cluster password from the keyring. */
      WAIT_UNTIL_TIMED (gtk_widget_is_sensitive (find_widget (GTK_WIDGET (dialog), match_button_label,
                                                              "_Apply")), 10000, ms);
      g_assert_false (gtk_widget_is_visible (find_of_type (GTK_WIDGET (dialog),
                                                           ADW_TYPE_PASSWORD_ENTRY_ROW)));
      g_test_message ("Apply sensitive %.0f ms later (the cluster password from the keyring)", ms);
    }
  return dialog;
}

/* The operation rows, in order */
static GPtrArray *
op_rows (DeckReviewDialog *dialog)
{
  GPtrArray *rows = g_ptr_array_new ();

  find_all_widgets (GTK_WIDGET (dialog), match_type, GSIZE_TO_POINTER (DECK_TYPE_REVIEW_OP_ROW), rows);
  return rows;
}

/* Where Harper does not change a link in place (4.5+, hdb-capabilities.h),
 * a change of a link makes it anew: a unit of three operations (remove on
 * both sides, add), not one update_node. */
static gboolean
relinks (void)
{
  return !hdb_capabilities_for_version (harper_fixture_get_version (nodes))->updates_in_place;
}

static guint
ops_per_change (void)
{
  return relinks () ? 3 : 1;
}

/* The row of the operation that carries @peer's new subscriptions, sent to
 * node1: the update_node, or the add_node that makes the link anew (a
 * unit's row, which names the instance it goes to). */
static GtkWidget *
op_row (DeckReviewDialog *dialog,
        guint             peer)
{
  g_autofree char *title = relinks ()
                           ? g_strdup_printf ("Add %s again, with the new subscriptions (on %s)",
                                              node_name (peer),
                                              deck_instance_get_name (instances[0]))
                           : g_strdup_printf ("Update the subscriptions with %s",
                                              node_name (peer));
  GtkWidget *row = find_widget (GTK_WIDGET (dialog), match_row_title, title);

  g_assert_nonnull (row);
  return row;
}

/* The result an operation row shows ("Done", the error), or NULL */
static const char *
op_row_result (GtkWidget *row)
{
  DeckReviewOpRow *op = DECK_REVIEW_OP_ROW (row);

  switch (deck_review_op_row_get_status (op))
    {
    case DECK_REVIEW_OP_PLANNED:
      return NULL;
    case DECK_REVIEW_OP_FAILED:
      /* A failure says "Failed" next to the title, and why under it. */
      g_assert_cmpstr (deck_review_op_row_get_result (op), ==, "Failed");
      g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row)), ==,
                       deck_review_op_row_get_message (op));
      return deck_review_op_row_get_message (op);
    case DECK_REVIEW_OP_SENDING:
    case DECK_REVIEW_OP_DONE:
    case DECK_REVIEW_OP_NOT_SENT:
    default:
      return deck_review_op_row_get_result (op);
    }
}

static gboolean
op_row_failed (GtkWidget *row)
{
  return deck_review_op_row_get_status (DECK_REVIEW_OP_ROW (row)) == DECK_REVIEW_OP_FAILED;
}

static gboolean
op_row_done (GtkWidget *row)
{
  return deck_review_op_row_get_status (DECK_REVIEW_OP_ROW (row)) == DECK_REVIEW_OP_DONE &&
         g_strcmp0 (op_row_result (row), "Done") == 0;
}

static void
log_dialog (DeckReviewDialog *dialog)
{
  g_autofree char *summary = deck_review_dialog_dup_summary (dialog);
  g_autoptr(GPtrArray) rows = op_rows (dialog);

  g_test_message ("dialog “%s”, state “%s”: %s", gtk_window_get_title (GTK_WINDOW (dialog)),
                  dialog_state (dialog), summary);
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);

      g_test_message ("  row “%s” — “%s”: %s", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                      adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row)),
                      op_row_result (row) ? op_row_result (row) : "(no result)");
    }
}

static GtkWidget *
dialog_button (DeckReviewDialog *dialog,
               const char       *label)
{
  GtkWidget *button = find_widget (GTK_WIDGET (dialog), match_button_label, label);

  g_assert_nonnull (button);
  return button;
}

/* Presses Close and waits for the dialog to go (the Tables reload then). */
static void
close_review (DeckReviewDialog *dialog)
{
  gboolean destroyed = FALSE;

  g_signal_connect (dialog, "destroy", G_CALLBACK (ui_test_on_destroyed), &destroyed);
  g_assert_true (gtk_widget_is_sensitive (dialog_button (dialog, "_Close")));
  /* Held until it is closed, then let go: it must go (a job it started
   * goes on in the context); its last reference dropped disposes it, and
   * says "destroy", which the Tables hear. */
  g_object_ref (dialog);
  g_assert_true (gtk_widget_activate (dialog_button (dialog, "_Close")));
  WAIT_UNTIL (find_review_dialog () == NULL, 5000);
  UI_TEST_ASSERT_FINALIZED (dialog);
  g_assert_true (destroyed);
  wait_tables_loaded ();
}

/* Requests Harper left unanswered that the test got past as a user would
 * (Cancel and Review again, Retry) */
static guint n_user_recoveries;

/* The plan could not read an instance: a request left unanswered */
static const char *
unanswered_problem (DeckReviewDialog *dialog)
{
  GtkWidget *group = find_widget (GTK_WIDGET (dialog), match_group_title, "Cannot Be Applied");
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  if (group == NULL)
    return NULL;
  find_all_widgets (group, match_type, GSIZE_TO_POINTER (ADW_TYPE_ACTION_ROW), rows);
  for (guint i = 0; i < rows->len; i++)
    {
      const char *subtitle = adw_action_row_get_subtitle (g_ptr_array_index (rows, i));

      if (subtitle != NULL && strstr (subtitle, "did not answer") != NULL)
        return subtitle;
    }
  return NULL;
}

/* Presses Review & Apply and waits for the plan. When the plan could not
 * be made because Harper left a request unanswered, Cancel and Review
 * again, as a user would (noted). */
static DeckReviewDialog *
open_review (void)
{
  for (guint attempt = 1; ; attempt++)
    {
      DeckReviewDialog *dialog = open_review_once ();
      gboolean destroyed = FALSE;

      if (attempt == 3 || unanswered_problem (dialog) == NULL)
        return dialog;
      n_user_recoveries++;
      g_test_message ("NOTE: the plan says “%s”; Cancel and Review again",
                      unanswered_problem (dialog));
      g_signal_connect (dialog, "destroy", G_CALLBACK (ui_test_on_destroyed), &destroyed);
      g_assert_true (gtk_widget_activate (dialog_button (dialog, "_Cancel")));
      WAIT_UNTIL (destroyed, 5000);
      wait_tables_loaded ();
    }
}

/* Whether every failed row failed because a request went unanswered */
static gboolean
failed_unanswered (DeckReviewDialog *dialog)
{
  g_autoptr(GPtrArray) rows = op_rows (dialog);
  guint n_failed = 0;

  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);

      if (!op_row_failed (row))
        continue;
      n_failed++;
      if (strstr (op_row_result (row), "did not answer") == NULL &&
          strstr (op_row_result (row), "could not be read") == NULL)
        return FALSE;
    }
  return n_failed > 0;
}

static void count_results (DeckReviewDialog *dialog);

/* Presses Apply and waits for the end. When it failed only because Harper
 * left a request unanswered (no node is paused then), Retry, as a user
 * would (noted). Returns how long Apply took to the end. */
static void
retry_unanswered (DeckReviewDialog *dialog)
{
  for (guint attempt = 1; attempt < 3 && state_is (dialog, "failed") && failed_unanswered (dialog);
       attempt++)
    {
      n_user_recoveries++;
      log_dialog (dialog);
      g_test_message ("NOTE: the apply failed on a request left unanswered; Retry");
      count_results (dialog);
      deck_review_dialog_apply (dialog);
      WAIT_UNTIL (!state_is (dialog, "failed"), 5000);
      WAIT_UNTIL (!state_is (dialog, "loading") && !state_is (dialog, "applying") &&
                  !state_is (dialog, "review"), APPLY_BOUND_MS);
    }
}

static double
apply_and_wait (DeckReviewDialog *dialog)
{
  gint64 t0 = g_get_monotonic_time ();

  g_assert_true (gtk_widget_activate (dialog_button (dialog, "_Apply")));
  WAIT_UNTIL (!state_is (dialog, "applying") && !state_is (dialog, "review"), APPLY_BOUND_MS);
  retry_unanswered (dialog);
  return ms_since (t0);
}

/* Counts the results the rows show, for the history. */
static void
count_results (DeckReviewDialog *dialog)
{
  g_autoptr(GPtrArray) rows = op_rows (dialog);

  for (guint i = 0; i < rows->len; i++)
    {
      if (op_row_done (g_ptr_array_index (rows, i)))
        n_applied_ops++;
      else if (op_row_failed (g_ptr_array_index (rows, i)))
        n_failed_ops++;
    }
}

/* What is on screen, for a failure ---------------------------------------------------- */

static void
dump_tree (GtkWidget *widget,
           GString   *out,
           int        depth)
{
  if (!gtk_widget_get_visible (widget))
    return;

  if (GTK_IS_SWITCH (widget))
    {
      g_autofree char *label = ui_test_accessible_label (GTK_ACCESSIBLE (widget));

      g_string_append_printf (out, "%*sswitch “%s” %s%s\n", depth, "", label ? label : "",
                              gtk_switch_get_active (GTK_SWITCH (widget)) ? "on" : "off",
                              gtk_widget_has_css_class (widget, "changed") ? " (changed)" : "");
      return;
    }
  if (ADW_IS_PREFERENCES_GROUP (widget) &&
      adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (widget)) != NULL &&
      *adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (widget)) != '\0')
    g_string_append_printf (out, "%*sgroup “%s”\n", depth, "",
                            adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (widget)));
  else if (ADW_IS_EXPANDER_ROW (widget))
    g_string_append_printf (out, "%*sexpander row “%s” — “%s”\n", depth, "",
                            adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)),
                            adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (widget)));
  else if (ADW_IS_ACTION_ROW (widget))
    g_string_append_printf (out, "%*srow “%s” — “%s”\n", depth, "",
                            adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)),
                            adw_action_row_get_subtitle (ADW_ACTION_ROW (widget))
                            ? adw_action_row_get_subtitle (ADW_ACTION_ROW (widget)) : "");
  else if (ADW_IS_STATUS_PAGE (widget))
    g_string_append_printf (out, "%*sstatus page “%s”: %s\n", depth, "",
                            adw_status_page_get_title (ADW_STATUS_PAGE (widget)),
                            adw_status_page_get_description (ADW_STATUS_PAGE (widget))
                            ? adw_status_page_get_description (ADW_STATUS_PAGE (widget)) : "");
  else if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
    {
      g_string_append_printf (out, "%*sbutton “%s”%s\n", depth, "",
                              gtk_button_get_label (GTK_BUTTON (widget)),
                              gtk_widget_is_sensitive (widget) ? "" : " (insensitive)");
      return;
    }
  else if (GTK_IS_LABEL (widget) && *gtk_label_get_label (GTK_LABEL (widget)) != '\0' &&
           gtk_widget_get_ancestor (widget, ADW_TYPE_PREFERENCES_ROW) == NULL &&
           gtk_widget_get_ancestor (widget, ADW_TYPE_STATUS_PAGE) == NULL)
    g_string_append_printf (out, "%*slabel “%s”\n", depth, "", gtk_label_get_label (GTK_LABEL (widget)));

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    dump_tree (c, out, depth + 1);
}

static void
dump_screen (const char *why)
{
  g_autoptr(GString) out = g_string_new (NULL);
  DeckReviewDialog *dialog;

  if (why != NULL)
    g_test_message ("%s", why);
  for (guint i = 0; i < N_NODES; i++)
    if (instances[i] != NULL)
      g_test_message ("instance %s: %s, engine %s, node %s; last error: %s",
                      deck_instance_get_name (instances[i]),
                      deck_instance_status_to_string (deck_instance_get_status (instances[i])),
                      hdb_engine_to_string (deck_instance_get_engine (instances[i])),
                      deck_instance_get_node_name (instances[i]),
                      deck_instance_get_last_error (instances[i]));
  if (window == NULL)
    return;
  if (find_of_type (GTK_WIDGET (window), DECK_TYPE_REPLICATION_PAGE) != NULL)
    {
      g_string_append_printf (out, "replication page, view “%s”; Tables%s:\n",
                              deck_replication_page_get_view (replication_page ()),
                              deck_replication_tables_is_loading (tables ()) ? " (loading)" : "");
      dump_tree (GTK_WIDGET (tables ()), out, 2);
    }
  dialog = find_review_dialog ();
  if (dialog != NULL)
    {
      g_autofree char *summary = deck_review_dialog_dup_summary (dialog);

      g_string_append_printf (out, "review dialog, state “%s”, summary “%s”:\n",
                              dialog_state (dialog), summary);
      dump_tree (GTK_WIDGET (dialog), out, 2);
    }
  ui_test_print_lines (out);
}

/* Setup --------------------------------------------------------------------------- */

static void
check_log (const char     *log_domain,
           GLogLevelFlags  log_level,
           const char     *message)
{
  if (message != NULL &&
      (strstr (message, CLUSTER_PASSWORD) != NULL || strstr (message, "Basic ") != NULL ||
       (nodes != NULL && strstr (message, harper_fixture_get_password (nodes)) != NULL)))
    n_secret_leaks++;
}

/* node1 → @peer with explicit subscriptions: (table, subscribe, publish)… */
static gboolean
connect_with_subscriptions (guint     peer,
                            gboolean  dog_subscribe,
                            gboolean  dog_publish,
                            gboolean  cat_subscribe,
                            gboolean  cat_publish,
                            GError  **error)
{
  g_autoptr(GPtrArray) subs = g_ptr_array_new_with_free_func ((GDestroyNotify) hdb_subscription_free);
  g_autofree char *authorization = hdb_basic_authorization (CLUSTER_USER, CLUSTER_PASSWORD);
  g_autofree char *message = NULL;
  HdbNodeSpec spec = { 0 };

  g_ptr_array_add (subs, hdb_subscription_new (DB, "dog", dog_subscribe, dog_publish));
  g_ptr_array_add (subs, hdb_subscription_new (DB, "cat", cat_subscribe, cat_publish));
  spec.engine = HDB_ENGINE_NATIVE;
  spec.name = node_name (peer);
  spec.url = harper_fixture_get_repl_url (nodes, peer);
  spec.authorization = authorization;
  spec.retain_authorization = TRUE;
  spec.subscriptions = subs;
  message = HDB_SYNC (probe (0), add_node, error, &spec);
  memset (authorization, 0, strlen (authorization));
  if (message == NULL)
    return FALSE;
  g_test_message ("add_node on node1 for %s: %s", node_name (peer), message);
  if (strstr (message, "but there was an error") != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "add_node: %s", message);
      return FALSE;
    }
  return TRUE;
}

/* The cluster: cluster user, schema, node1's two links (checked with data). */
static gboolean
setup_cluster (GError **error)
{
  gint64 t0 = g_get_monotonic_time ();

  for (guint i = 0; i < N_NODES; i++)
    {
      g_autofree char *user = NULL;
      g_autofree char *db = NULL;
      const char *tables_[] = { "dog", "cat" };

      user = HDB_SYNC (probe (i), add_user, error, CLUSTER_USER, CLUSTER_PASSWORD, "super_user", TRUE);
      if (user == NULL)
        return FALSE;
      db = HDB_SYNC (probe (i), create_database, error, DB);
      if (db == NULL)
        return FALSE;
      for (guint t = 0; t < G_N_ELEMENTS (tables_); t++)
        {
          g_autofree char *made = HDB_SYNC (probe (i), create_table, error, DB, tables_[t], "id");

          if (made == NULL)
            return FALSE;
        }
    }

  /* node1 → node2: dog subscribe only, cat both ways;
   * node1 → node3: dog both ways, cat subscribe only. */
  if (!connect_with_subscriptions (1, TRUE, FALSE, TRUE, TRUE, error) ||
      !connect_with_subscriptions (2, TRUE, TRUE, TRUE, FALSE, error))
    return FALSE;
  for (guint peer = 1; peer < N_NODES; peer++)
    if (!wait_link_up (0, node_name (peer), 20000) || !wait_link_up (peer, node_name (0), 20000))
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "the link node1 ↔ %s did not come up",
                     node_name (peer));
        return FALSE;
      }

  /* The links carry data: node1's cat reaches node2, node1's dog node3. */
  insert_record (0, "cat", 1, "node1 cat, for node2");
  insert_record (0, "dog", 1, "node1 dog, for node3");
  if (!wait_record (1, "cat", 1, ARRIVE_MS) || !wait_record (2, "dog", 1, ARRIVE_MS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "records did not replicate");
      return FALSE;
    }
  for (guint i = 0; i < N_NODES; i++)
    {
      g_autofree char *links = describe_links (i);

      g_test_message ("%s: %s", node_name (i), links);
    }
  g_test_message ("cluster set up in %.1f s (cluster user, data.dog and data.cat on every node, "
                  "node1 linked to node2 and node3 with per-table subscriptions)",
                  ms_since (t0) / 1000.0);
  return TRUE;
}

static gboolean
setup (GError **error)
{
  g_autofree char *label = NULL;
  g_autofree char *state_dir = NULL;

  if (!ui_harper_start_nodes (HARPER_FIXTURE_DEFAULT, error) || !setup_cluster (error))
    return FALSE;

  /* A fresh state directory (in-netns-session.sh gives a fresh HOME). */
  pending_path = deck_pending_default_path ();
  history_path = deck_history_default_path ();
  state_dir = g_path_get_dirname (pending_path);
  g_test_message ("pending changes: %s; history: %s", pending_path, history_path);
  if (g_file_test (pending_path, G_FILE_TEST_EXISTS) || g_file_test (history_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "%s already holds pending changes or a history: run under in-netns-session.sh "
                   "(a fresh $XDG_STATE_HOME)", state_dir);
      return FALSE;
    }

  if (!ui_harper_open_store (error))
    return FALSE;

  /* The organization, its instances and its cluster user, the logins and
   * the cluster password in the keyring: as enabling leaves them. */
  demo = deck_store_add_organization (store, "Demo", error);
  if (demo == NULL || !deck_store_set_cluster_user (store, demo, CLUSTER_USER, error))
    return FALSE;
  label = g_strdup_printf ("Clusterdeck cluster user of “%s”", deck_organization_get_name (demo));
  if (!store_password (DECK_SECRET_CLUSTER_USER, deck_organization_get_id (demo), label,
                       CLUSTER_PASSWORD, error))
    return FALSE;
  if (!ui_harper_add_instances (error))
    return FALSE;

  ui_harper_start_monitor ();
  ui_harper_create_window ();
  for (guint i = 0; i < N_NODES; i++)
    WAIT_UNTIL (deck_instance_get_status (instances[i]) == DECK_INSTANCE_STATUS_REACHABLE &&
                deck_instance_get_engine (instances[i]) == HDB_ENGINE_NATIVE &&
                g_strcmp0 (deck_instance_get_node_name (instances[i]), node_name (i)) == 0, 20000);
  return TRUE;
}

static void
teardown (void)
{
  ui_harper_teardown ();
  if (cli_config_home != NULL)
    {
      g_autofree char *link = g_build_filename (cli_config_home, "clusterdeck", NULL);

      g_unlink (link);
      g_rmdir (cli_config_home);
      g_clear_pointer (&cli_config_home, g_free);
    }
  g_clear_pointer (&pending_path, g_free);
  g_clear_pointer (&history_path, g_free);
}

/* 1. Stage, review, apply ------------------------------------------------------------ */

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* The Review warns that a direction switched on from off does not bring
 * what was written meanwhile, and offers the record counts once applied:
 * the window shows what the check of the organization finds, read again
 * here on its own (nothing is written meanwhile). */
static void
assert_record_counts_offered (DeckReviewDialog *dialog)
{
  GtkWidget *button = find_widget (GTK_WIDGET (dialog), match_button_label,
                                   "Check Record _Counts…");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(DeckClusterState) state = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) skipped = NULL;
  DeckCheckWindow *check;

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_visible (button));
  g_assert_true (gtk_widget_activate (button));
  WAIT_UNTIL ((check = (DeckCheckWindow *) ui_test_find_toplevel (DECK_TYPE_CHECK_WINDOW)) != NULL, 5000);
  WAIT_UNTIL (deck_check_window_is_checked (check), 30000);
  save_screenshot (GTK_WIDGET (check), "record-counts.png");

  deck_context_read_cluster_async (deck_context, demo,
                                   NULL, store_result, &result);
  WAIT_UNTIL (result != NULL, 30000);
  state = deck_context_read_cluster_finish (deck_context, result, NULL);
  g_assert_nonnull (state);
  rows = deck_cluster_check (state, &skipped);
  g_test_message ("Record Counts: %u tables, %u differ (read again: %u, %u)",
                  deck_check_window_get_n_tables (check), deck_check_window_get_n_differ (check),
                  rows->len, deck_cluster_check_count_differ (rows));
  /* node1 ↔ node2 and node1 ↔ node3 flow both tables at least one way. */
  g_assert_cmpuint (deck_check_window_get_n_tables (check), >=, 4);
  g_assert_cmpuint (deck_check_window_get_n_tables (check), ==, rows->len);
  g_assert_cmpuint (deck_check_window_get_n_differ (check), ==,
                    deck_cluster_check_count_differ (rows));
  gtk_window_close (GTK_WINDOW (check));
  WAIT_UNTIL (ui_test_find_toplevel (DECK_TYPE_CHECK_WINDOW) == NULL, 5000);
}

static void
test_stage_review_apply (void)
{
  const char *label = "Publish data.dog to node2";
  g_autofree char *links_before = NULL;
  g_autofree char *links_now = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  DeckReviewDialog *dialog;
  GtkSwitch *toggle;
  GtkWidget *toast;
  DeckToggle publish, subscribe;
  DeckBaseline state;
  double apply_ms;
  gint64 t0, done_at;

  /* On the server: node1 does not publish dog to node2, and a record of
   * node1's dog stays on node1 while one of its cat arrives. */
  state = link_state (0, "node2", "dog");
  g_assert_false (state.publish);
  g_assert_true (state.subscribe);
  insert_record (0, "dog", 10, "node1 dog, publish to node2 off");
  insert_record (0, "cat", 10, "node1 cat, the control, after it");
  g_assert_true (wait_record (1, "cat", 10, ARRIVE_MS));
  g_assert_false (wait_record (1, "dog", 10, ABSENT_MS));
  links_before = describe_links (0);

  /* The grid shows node1's tables with node2 and node3. */
  toggle = show_tables_with (label);
  g_assert_cmpuint (g_list_model_get_n_items (deck_replication_grid_get_model (
                      deck_replication_tables_get_grid (tables ()))), ==, 4);
  g_assert_nonnull (find_switch ("Subscribe to data.dog from node2"));
  g_assert_nonnull (find_switch ("Publish data.cat to node3"));
  g_assert_false (gtk_switch_get_active (toggle));
  g_assert_true (gtk_switch_get_active (find_switch ("Subscribe to data.dog from node2")));
  g_assert_false (shows_changed (toggle));
  g_assert_null (pending_bar_text ());

  /* Toggle: staged, shown, saved; nothing sent. */
  toggle_switch (label);
  toggle = find_switch (label);
  g_assert_true (gtk_switch_get_active (toggle));
  WAIT_UNTIL (g_strcmp0 (pending_bar_text (), "1 pending change") == 0, 5000);
  wait_frames (GTK_WIDGET (window), 2);
  assert_mark_bold (toggle);
  g_assert_false (shows_changed (find_switch ("Subscribe to data.dog from node2")));
  WAIT_UNTIL (pending_file_n_changes () == 1, 5000);
  g_assert_true (pending_file_get (1, "dog", &publish, &subscribe));
  g_assert_cmpint (publish, ==, DECK_TOGGLE_ON);
  g_assert_cmpint (subscribe, ==, DECK_TOGGLE_UNCHANGED);
  links_now = describe_links (0);
  g_assert_cmpstr (links_now, ==, links_before);
  g_test_message ("staged, nothing sent: node1 still has %s", links_now);
  save_screenshot (GTK_WIDGET (window), "replication-grid.png");

  /* Review: one update_node, to node1, for node2 (or its remove and add). */
  dialog = open_review ();
  log_dialog (dialog);
  g_assert_cmpstr (dialog_state (dialog), ==, "review");
  rows = op_rows (dialog);
  g_assert_cmpuint (rows->len, ==, ops_per_change ());
  g_assert_true (g_ptr_array_index (rows, rows->len - 1) == op_row (dialog, 1));
  g_assert_true (gtk_widget_is_sensitive (dialog_button (dialog, "_Apply")));
  {
    g_autofree char *summary = deck_review_dialog_dup_summary (dialog);

    /* The update_node and the cluster_status read again before it; or
     * the relink's three operations, its two reads before and two after. */
    g_assert_cmpstr (summary, ==, ops_per_change () == 1
                     ? "2 requests will be sent. Nothing has been sent yet."
                     : "7 requests will be sent. Nothing has been sent yet.");
  }
  /* The exact operation, shown; no secret in it. */
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (g_ptr_array_index (rows, 0)), TRUE);
  {
    g_autoptr(GPtrArray) labels = g_ptr_array_new ();

    find_all_widgets (GTK_WIDGET (dialog), match_type, GSIZE_TO_POINTER (GTK_TYPE_LABEL), labels);
    for (guint i = 0; i < labels->len; i++)
      {
        const char *text = gtk_label_get_label (g_ptr_array_index (labels, i));

        g_assert_null (strstr (text, CLUSTER_PASSWORD));
        g_assert_null (strstr (text, harper_fixture_get_password (nodes)));
        if (strstr (text, "update_node") != NULL)
          g_test_message ("the operation as shown: %s", text);
      }
  }
  save_screenshot (GTK_WIDGET (dialog), "review-dialog.png");

  /* Publish switched on from off: said before applying; the record counts
   * are offered only once it is applied. */
  g_assert_nonnull (find_widget (GTK_WIDGET (dialog), match_label_text,
                                 "A direction is switched on that was off. Records written "
                                 "while it was off may never arrive: Harper does not send "
                                 "them. Compare the record counts once it is applied."));
  g_assert_false (gtk_widget_get_visible (find_widget (GTK_WIDGET (dialog), match_button_label,
                                                       "Check Record _Counts…")));

  /* Apply */
  apply_ms = apply_and_wait (dialog);
  log_dialog (dialog);
  g_assert_cmpstr (dialog_state (dialog), ==, "done");
  assert_record_counts_offered (dialog);
  done_at = g_get_monotonic_time ();
  g_test_message ("applied in %.0f ms (Apply pressed → “done”)", apply_ms);
  g_assert_true (op_row_done (op_row (dialog, 1)));
  count_results (dialog);

  /* On the server: publish on, subscribe as it was; node3 untouched. */
  state = link_state (0, "node2", "dog");
  g_assert_true (state.publish);
  g_assert_true (state.subscribe);
  state = link_state (0, "node2", "cat");
  g_assert_true (state.publish && state.subscribe);
  state = link_state (0, "node3", "dog");
  g_assert_true (state.publish && state.subscribe);
  state = link_state (0, "node3", "cat");
  g_assert_true (!state.publish && state.subscribe);
  {
    g_autofree char *links = describe_links (0);
    g_autofree char *mirror = describe_links (1);

    g_test_message ("after the apply: node1 %s; node2 %s", links, mirror);
  }
  /* Data: node1's dog now reaches node2 (and the one held back catches up). */
  insert_record (0, "dog", 11, "node1 dog, publish to node2 on");
  t0 = g_get_monotonic_time ();
  g_assert_true (wait_record (1, "dog", 11, ARRIVE_MS));
  g_test_message ("a record of node1's dog arrived on node2 %.0f ms after its insert", ms_since (t0));
  /* The one written while publish was off is not caught up: node2 resumes
   * the database's stream after the last record it received (cat 10). */
  g_test_message ("node1's dog written while publish was off: %s on node2",
                  wait_record (1, "dog", 10, 0) ? "caught up" : "not");

  /* Nothing pending. The Undo toast waits for the modal dialog to close:
   * behind it, it could not be reached. */
  g_assert_null (pending_bar_text ());
  WAIT_UNTIL (pending_file_n_changes () == 0, 5000);
  g_assert_null (find_toast ("1 change applied"));
  close_review (dialog);
  WAIT_UNTIL ((toast = find_toast ("1 change applied")) != NULL, 5000);
  g_assert_nonnull (find_widget (toast, match_button_label, "_Undo"));
  g_test_message ("toast “1 change applied” with “Undo”, %.1f s after “done”",
                  ms_since (done_at) / 1000.0);
  WAIT_UNTIL ((toggle = find_switch (label)) != NULL && gtk_switch_get_active (toggle) &&
              !shows_changed (toggle), 10000);

  /* Undo: the inverse, applied at once in a dialog of its own. */
  toast = find_toast ("1 change applied");
  g_assert_nonnull (toast);
  t0 = g_get_monotonic_time ();
  g_assert_true (gtk_widget_activate (find_widget (toast, match_button_label, "_Undo")));
  WAIT_UNTIL ((dialog = find_review_dialog ()) != NULL, 5000);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), ==, "Undo Changes");
  /* and its header says so too */
  g_assert_cmpstr (adw_window_title_get_title (ADW_WINDOW_TITLE (find_of_type (GTK_WIDGET (dialog),
                                                                                ADW_TYPE_WINDOW_TITLE))),
                   ==, "Undo Changes");
  WAIT_UNTIL (state_is (dialog, "done") || state_is (dialog, "failed") ||
              state_is (dialog, "refused") || state_is (dialog, "empty"), APPLY_BOUND_MS);
  retry_unanswered (dialog);
  log_dialog (dialog);
  g_assert_cmpstr (dialog_state (dialog), ==, "done");
  g_test_message ("Undo: “done” %.0f ms after the toast's Undo, without an Apply", ms_since (t0));
  g_assert_true (op_row_done (op_row (dialog, 1)));
  count_results (dialog);
  undo_done = TRUE;
  state = link_state (0, "node2", "dog");
  g_assert_false (state.publish);
  g_assert_true (state.subscribe);
  /* node1's dog stays on node1 again; its cat (the control) arrives. */
  {
    gint64 id = 100;

    g_assert_true (direction_stopped (0, 1, "dog", "cat", &id, SWITCH_MS));
  }
  g_assert_cmpuint (pending_file_n_changes (), ==, 0);
  close_review (dialog);
  WAIT_UNTIL ((toggle = find_switch (label)) != NULL && !gtk_switch_get_active (toggle) &&
              !shows_changed (toggle), 10000);
  dismiss_toasts ();
}

/* 2. One instance fails, the other applies --------------------------------------------- */

/* The subtitle of the first "Cannot Be Applied" row, or NULL */
static const char *
first_problem (DeckReviewDialog *dialog)
{
  GtkWidget *group = find_widget (GTK_WIDGET (dialog), match_group_title, "Cannot Be Applied");
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  if (group == NULL)
    return NULL;
  find_all_widgets (group, match_type, GSIZE_TO_POINTER (ADW_TYPE_ACTION_ROW), rows);
  return rows->len > 0 ? adw_action_row_get_subtitle (g_ptr_array_index (rows, 0)) : NULL;
}

/* Where a changed link is made anew on both sides (4.5+), a peer that does
 * not answer cannot have its side removed: its change is not planned at
 * all (a problem of the plan, said in the Review), while the other link is
 * made anew; once the peer is back, Review again applies it. */
static void
partial_failure_relink (PausedFixture *f)
{
  const char *to_node2 = "Subscribe to data.cat from node2";
  const char *to_node3 = "Publish data.cat to node3";
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *links3_before = NULL;
  g_autofree char *links3_after = NULL;
  DeckReviewDialog *dialog;
  GtkSwitch *toggle;
  DeckToggle publish, subscribe;
  DeckBaseline state;
  const char *problem;
  double ms;
  gint64 t0;

  g_assert_cmpuint (f->index, ==, 2);
  show_tables_with (to_node2);
  WAIT_UNTIL (find_switch (to_node3) != NULL, 10000);
  g_assert_true (gtk_switch_get_active (find_switch (to_node2)));
  g_assert_false (gtk_switch_get_active (find_switch (to_node3)));
  toggle_switch (to_node2);   /* node1 stops receiving cat from node2 */
  toggle_switch (to_node3);   /* node1 starts sending cat to node3 */
  WAIT_UNTIL (pending_file_n_changes () == 2, 5000);
  links3_before = describe_links (0);

  paused_pid = harper_fixture_get_pid (nodes, f->index);
  g_assert_cmpint (paused_pid, >, 0);
  harper_fixture_pause_node (nodes, f->index);
  g_test_message ("paused node3 (pid %d, SIGSTOP)", (int) paused_pid);

  dialog = open_review ();
  log_dialog (dialog);
  g_assert_cmpstr (dialog_state (dialog), ==, "review");
  rows = op_rows (dialog);
  g_assert_cmpuint (rows->len, ==, ops_per_change ());
  op_row (dialog, 1);
  problem = first_problem (dialog);
  g_assert_nonnull (problem);
  g_test_message ("node3's change: %s", problem);
  g_assert_nonnull (strstr (problem, "node3"));
  g_assert_nonnull (strstr (problem, "not loaded"));

  ms = apply_and_wait (dialog);
  log_dialog (dialog);
  g_test_message ("with node3 paused, the apply ended “%s” %.0f ms after Apply",
                  dialog_state (dialog), ms);
  /* Every operation sent was done; node3's change is still pending, so
   * the dialog offers Retry. */
  g_assert_cmpstr (dialog_state (dialog), ==, "failed");
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = op_rows (dialog);
  for (guint i = 0; i < rows->len; i++)
    g_assert_true (op_row_done (g_ptr_array_index (rows, i)));
  {
    g_autofree char *summary = deck_review_dialog_dup_summary (dialog);

    g_test_message ("summary: %s", summary);
    g_assert_nonnull (strstr (summary, "1 change could not be planned"));
    g_assert_nonnull (strstr (summary, "1 change is still pending"));
  }
  g_assert_true (gtk_widget_is_sensitive (dialog_button (dialog, "_Retry")));
  count_results (dialog);

  /* node2's link was made anew; node1's link to node3 was not touched. */
  state = link_state (0, "node2", "cat");
  g_assert_false (state.subscribe);
  g_assert_true (state.publish);
  {
    gint64 id = 200;

    g_assert_true (direction_stopped (1, 0, "cat", "dog", &id, SWITCH_MS));
  }
  links3_after = describe_links (0);
  g_test_message ("node1's links before: %s; after: %s", links3_before, links3_after);
  state = link_state (0, "node3", "cat");
  g_assert_false (state.publish);
  WAIT_UNTIL (pending_file_n_changes () == 1, 5000);
  g_assert_true (pending_file_get (2, "cat", &publish, &subscribe));
  g_assert_cmpint (publish, ==, DECK_TOGGLE_ON);
  g_assert_cmpint (subscribe, ==, DECK_TOGGLE_UNCHANGED);

  /* node3 back: Retry reads the state again and makes its link anew. */
  resume_paused_node ();
  WAIT_UNTIL (wait_link_up (0, "node3", 1), 30000);
  t0 = g_get_monotonic_time ();
  deck_review_dialog_apply (dialog);
  WAIT_UNTIL (!state_is (dialog, "failed"), 5000);
  WAIT_UNTIL (state_is (dialog, "done") || state_is (dialog, "failed") ||
              state_is (dialog, "refused") || state_is (dialog, "empty"), APPLY_BOUND_MS);
  log_dialog (dialog);
  g_assert_cmpstr (dialog_state (dialog), ==, "done");
  g_test_message ("Retry: “done” %.0f ms after Retry", ms_since (t0));
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = op_rows (dialog);
  g_assert_cmpuint (rows->len, ==, ops_per_change ());
  g_assert_true (op_row_done (op_row (dialog, 2)));
  count_results (dialog);
  retry_succeeded = TRUE;

  state = link_state (0, "node3", "cat");
  g_assert_true (state.publish);
  g_assert_true (state.subscribe);
  insert_record (0, "cat", 21, "node1 cat, for node3, after node3 came back");
  g_assert_true (wait_record (2, "cat", 21, ARRIVE_MS));
  WAIT_UNTIL (pending_file_n_changes () == 0, 5000);
  close_review (dialog);
  WAIT_UNTIL ((toggle = find_switch (to_node3)) != NULL && gtk_switch_get_active (toggle) &&
              !shows_changed (toggle), 10000);
  dismiss_toasts ();
}

static void
test_partial_failure (PausedFixture *f,
                      gconstpointer  data)
{
  const char *to_node2 = "Subscribe to data.cat from node2";
  const char *to_node3 = "Publish data.cat to node3";
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(DeckChangeSet) left = NULL;
  g_autoptr(GPtrArray) list = NULL;
  DeckReviewDialog *dialog;
  GtkSwitch *toggle;
  DeckToggle publish, subscribe;
  DeckBaseline state;
  HdbClient *client;
  double fail_ms, retry_ms;
  gboolean node1_late;
  gint64 t0;

  if (relinks ())
    {
      partial_failure_relink (f);
      return;
    }
  g_assert_cmpuint (f->index, ==, 2);
  show_tables_with (to_node2);
  WAIT_UNTIL (find_switch (to_node3) != NULL, 10000);
  g_assert_true (gtk_switch_get_active (find_switch (to_node2)));
  g_assert_false (gtk_switch_get_active (find_switch (to_node3)));
  toggle_switch (to_node2);   /* node1 stops receiving cat from node2 */
  toggle_switch (to_node3);   /* node1 starts sending cat to node3 */
  WAIT_UNTIL (g_strcmp0 (pending_bar_text (), "2 pending changes") == 0, 5000);
  WAIT_UNTIL (pending_file_n_changes () == 2, 5000);

  /* node3 freezes: its port accepts, nothing answers. */
  paused_pid = harper_fixture_get_pid (nodes, f->index);
  g_assert_cmpint (paused_pid, >, 0);
  harper_fixture_pause_node (nodes, f->index);
  g_test_message ("paused node3 (pid %d, SIGSTOP)", (int) paused_pid);

  dialog = open_review ();
  log_dialog (dialog);
  g_assert_cmpstr (dialog_state (dialog), ==, "review");
  rows = op_rows (dialog);
  g_assert_cmpuint (rows->len, ==, 2 * ops_per_change ());
  op_row (dialog, 1);
  op_row (dialog, 2);

  /* The dialog's requests go through the monitor's client of node1. */
  client = deck_instance_monitor_get_client (monitor, instances[0]);
  g_assert_nonnull (client);
  g_test_message ("the client the dialog sends with (the monitor's client of node1) has a "
                  "timeout of %u ms; the monitor's checks use %u ms",
                  hdb_client_get_timeout (client), deck_instance_monitor_get_timeout (monitor));

  t0 = g_get_monotonic_time ();
  g_assert_true (gtk_widget_activate (dialog_button (dialog, "_Apply")));
  WAIT_UNTIL_TIMED (!state_is (dialog, "applying") && !state_is (dialog, "review"),
                    hdb_client_get_timeout (client) + 15000, fail_ms);
  fail_ms = ms_since (t0);
  log_dialog (dialog);
  g_test_message ("with node3 paused, the apply ended “%s” %.0f ms after Apply (request timeout "
                  "%u ms)", dialog_state (dialog), fail_ms, hdb_client_get_timeout (client));
  g_assert_cmpstr (dialog_state (dialog), ==, "failed");
  g_assert_cmpfloat (fail_ms, <=, hdb_client_get_timeout (client) + 10000);
  g_assert_true (op_row_failed (op_row (dialog, 2)) ||
                 deck_review_op_row_get_status (DECK_REVIEW_OP_ROW (op_row (dialog, 2))) ==
                 DECK_REVIEW_OP_NOT_SENT);
  g_test_message ("node3's row says: %s",
                  deck_review_op_row_get_result (DECK_REVIEW_OP_ROW (op_row (dialog, 2))));
  g_assert_true (gtk_widget_is_sensitive (dialog_button (dialog, "_Retry")));
  count_results (dialog);

  /* Harper does not promise that node1 answers while a peer it is linked
   * to is frozen: its cluster_status (read again before anything is sent)
   * may wait for node3 too. Then nothing was sent and both changes stay
   * pending; Retry sends both once node3 is back. */
  node1_late = !op_row_done (op_row (dialog, 1));
  if (node1_late)
    {
      n_user_recoveries++;
      g_test_message ("NOTE: node1 did not answer while node3 was frozen: nothing sent (%s)",
                      deck_review_op_row_get_result (DECK_REVIEW_OP_ROW (op_row (dialog, 1))));
      g_assert_cmpuint (pending_file_n_changes (), ==, 2);
      state = link_state (0, "node2", "cat");
      g_assert_true (state.subscribe);
      WAIT_UNTIL (g_strcmp0 (pending_bar_text (), "2 pending changes") == 0, 5000);
    }
  else
    {
      /* node2's change is on the server; only node3's is pending. */
      g_assert_nonnull (op_row_result (op_row (dialog, 2)));
      state = link_state (0, "node2", "cat");
      g_assert_false (state.subscribe);
      g_assert_true (state.publish);
      /* node2's cat no longer reaches node1; its dog (the control) does. */
      {
        gint64 id = 200;

        g_assert_true (direction_stopped (1, 0, "cat", "dog", &id, SWITCH_MS));
      }
      left = read_pending_file ();
      list = deck_change_set_dup_changes (left);
      g_assert_cmpuint (list->len, ==, 1);
      g_assert_true (pending_file_get (2, "cat", &publish, &subscribe));
      g_assert_cmpint (publish, ==, DECK_TOGGLE_ON);
      g_assert_cmpint (subscribe, ==, DECK_TOGGLE_UNCHANGED);
      WAIT_UNTIL (g_strcmp0 (pending_bar_text (), "1 pending change") == 0, 5000);
      save_screenshot (GTK_WIDGET (dialog), "apply-failed.png");
    }

  /* node3 back: Retry reads the state again and sends what is left. */
  resume_paused_node ();
  WAIT_UNTIL (wait_link_up (0, "node3", 1), 30000);
  {
    g_autofree char *links1 = describe_links (0);
    g_autofree char *links3 = describe_links (2);

    g_test_message ("node3 thawed; node1: %s; node3: %s", links1, links3);
  }
  t0 = g_get_monotonic_time ();
  deck_review_dialog_apply (dialog);
  WAIT_UNTIL (!state_is (dialog, "failed"), 5000);
  WAIT_UNTIL (state_is (dialog, "done") || state_is (dialog, "failed") ||
              state_is (dialog, "refused") || state_is (dialog, "empty") ||
              (state_is (dialog, "review") && unanswered_problem (dialog) != NULL),
              APPLY_BOUND_MS);
  if (state_is (dialog, "review"))
    {
      gboolean destroyed = FALSE;

      /* Retry's reading of the state went unanswered: the dialog offers
       * no Retry then (Apply, insensitive); Cancel and Review again. */
      n_user_recoveries++;
      g_test_message ("NOTE: Retry's plan says “%s”; Cancel and Review again",
                      unanswered_problem (dialog));
      g_signal_connect (dialog, "destroy", G_CALLBACK (ui_test_on_destroyed), &destroyed);
      g_assert_true (gtk_widget_activate (dialog_button (dialog, "_Cancel")));
      WAIT_UNTIL (destroyed, 5000);
      wait_tables_loaded ();
      dialog = open_review ();
      g_assert_cmpstr (dialog_state (dialog), ==, "review");
      apply_and_wait (dialog);
    }
  retry_ms = ms_since (t0);
  log_dialog (dialog);
  /* The update_node that timed out had changed node1's record all the same:
   * the drift check must not refuse the very value the change asks for. */
  g_assert_cmpstr (dialog_state (dialog), ==, "done");
  g_test_message ("Retry: “done” %.0f ms after Retry", retry_ms);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = op_rows (dialog);
  g_assert_cmpuint (rows->len, ==, (node1_late ? 2 : 1) * ops_per_change ());
  g_assert_true (op_row_done (op_row (dialog, 2)));
  if (node1_late)
    {
      g_assert_true (op_row_done (op_row (dialog, 1)));
      state = link_state (0, "node2", "cat");
      g_assert_false (state.subscribe);
    }
  count_results (dialog);
  retry_succeeded = TRUE;

  /* On the server, and with data: node1's cat reaches node3. */
  state = link_state (0, "node3", "cat");
  g_assert_true (state.publish);
  g_assert_true (state.subscribe);
  {
    g_autofree char *links3 = describe_links (2);

    g_test_message ("after the retry, node3: %s", links3);
  }
  insert_record (0, "cat", 21, "node1 cat, for node3, after the retry");
  g_assert_true (wait_record (2, "cat", 21, ARRIVE_MS));
  WAIT_UNTIL (pending_file_n_changes () == 0, 5000);
  g_assert_null (pending_bar_text ());
  close_review (dialog);
  WAIT_UNTIL ((toggle = find_switch (to_node3)) != NULL && gtk_switch_get_active (toggle) &&
              !shows_changed (toggle), 10000);
  dismiss_toasts ();
}

/* 3. Drift ------------------------------------------------------------------------------ */

static void
test_drift (void)
{
  const char *label = "Subscribe to data.dog from node2";
  g_autoptr(GPtrArray) subs = g_ptr_array_new_with_free_func ((GDestroyNotify) hdb_subscription_free);
  g_autofree char *links_before = NULL;
  g_autofree char *links_after = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *expected = NULL;
  DeckReviewDialog *dialog;
  DeckToggle publish, subscribe;
  DeckBaseline dog, cat;
  double ms;

  show_tables_with (label);
  g_assert_true (gtk_switch_get_active (find_switch (label)));
  toggle_switch (label);   /* node1 stops receiving dog from node2 */
  WAIT_UNTIL (pending_file_n_changes () == 1, 5000);

  /* Behind the app's back: node1's publish of dog to node2 is switched
   * (off after the Undo of /ui/grid/stage-review-apply, else on). */
  dog = link_state (0, "node2", "dog");
  cat = link_state (0, "node2", "cat");
  g_assert_cmpint (dog.publish, ==, !undo_done);
  g_assert_true (dog.subscribe);
  g_ptr_array_add (subs, hdb_subscription_new (DB, "dog", TRUE, !dog.publish));
  g_ptr_array_add (subs, hdb_subscription_new (DB, "cat", cat.subscribe, cat.publish));
  update_node_behind_the_back (1, subs);
  dog = link_state (0, "node2", "dog");
  g_assert_cmpint (dog.publish, ==, undo_done);
  g_assert_true (dog.subscribe);
  expected = g_strdup_printf ("node1 → node2 " DB ".dog: publish was %s when staged, is now %s",
                              undo_done ? "off" : "on", undo_done ? "on" : "off");
  links_before = describe_links (0);

  dialog = open_review ();
  g_assert_cmpstr (dialog_state (dialog), ==, "review");
  ms = apply_and_wait (dialog);
  log_dialog (dialog);
  g_assert_cmpstr (dialog_state (dialog), ==, "refused");
  g_test_message ("refused %.0f ms after Apply", ms);
  summary = deck_review_dialog_dup_summary (dialog);
  g_assert_nonnull (strstr (summary, expected));
  g_assert_nonnull (strstr (summary, "Nothing was applied"));
  g_assert_cmpstr (op_row_result (op_row (dialog, 1)), ==, "Not sent");

  /* Nothing else changed on the server; the change is still pending. */
  links_after = describe_links (0);
  g_assert_cmpstr (links_after, ==, links_before);
  g_assert_cmpuint (pending_file_n_changes (), ==, 1);
  g_assert_true (pending_file_get (1, "dog", &publish, &subscribe));
  g_assert_cmpint (publish, ==, DECK_TOGGLE_UNCHANGED);
  g_assert_cmpint (subscribe, ==, DECK_TOGGLE_OFF);
  g_assert_cmpstr (pending_bar_text (), ==, "1 pending change");
  g_assert_false (find_toast ("1 change applied") != NULL);

  /* Closed: the grid reloads; the change stays until discarded. */
  close_review (dialog);
  g_assert_cmpuint (pending_file_n_changes (), ==, 1);
  g_assert_true (gtk_widget_activate (tables_button ("_Discard")));
  WAIT_UNTIL (pending_file_n_changes () == 0, 5000);
  WAIT_UNTIL (pending_bar_text () == NULL, 5000);
  dismiss_toasts ();
}

/* 4. Pending changes survive the window -------------------------------------------------- */

static void
test_pending_survives_reopen (void)
{
  const char *label = "Publish data.cat to node3";
  gboolean destroyed = FALSE;
  GtkWidget *toast, *undo;
  GtkSwitch *toggle;
  DeckToggle publish, subscribe;

  show_tables_with (label);
  g_assert_true (gtk_switch_get_active (find_switch (label)));
  toggle_switch (label);
  WAIT_UNTIL (g_strcmp0 (pending_bar_text (), "1 pending change") == 0, 5000);

  /* The window goes (its pending changes are written then). */
  g_signal_connect (window, "destroy", G_CALLBACK (ui_test_on_destroyed), &destroyed);
  gtk_window_destroy (GTK_WINDOW (window));
  window = NULL;
  WAIT_UNTIL (destroyed, 5000);
  flush_main_context ();
  g_assert_cmpuint (pending_file_n_changes (), ==, 1);
  g_assert_true (pending_file_get (2, "cat", &publish, &subscribe));
  g_assert_cmpint (publish, ==, DECK_TOGGLE_OFF);

  /* A new window shows it staged. */
  ui_harper_create_window ();
  toggle = show_tables_with (label);
  g_assert_false (gtk_switch_get_active (toggle));
  g_assert_true (shows_changed (toggle));
  WAIT_UNTIL (g_strcmp0 (pending_bar_text (), "1 pending change") == 0, 5000);
  g_test_message ("in a new window: “%s” off, marked Changed, “%s”", label, pending_bar_text ());
  g_assert_true (link_state (0, "node3", "cat").publish);   /* never sent */

  /* Discard: nothing pending, the switch shows the server's value. */
  g_assert_true (gtk_widget_activate (tables_button ("_Discard")));
  WAIT_UNTIL (pending_file_n_changes () == 0, 5000);
  WAIT_UNTIL ((toggle = find_switch (label)) != NULL && gtk_switch_get_active (toggle) &&
              !shows_changed (toggle), 5000);
  WAIT_UNTIL (pending_bar_text () == NULL, 5000);

  /* Its toast's Undo brings it back. */
  WAIT_UNTIL ((toast = find_toast ("1 pending change discarded")) != NULL, 5000);
  undo = find_widget (toast, match_button_label, "_Undo");
  g_assert_nonnull (undo);
  g_assert_true (gtk_widget_activate (undo));
  WAIT_UNTIL (pending_file_n_changes () == 1, 5000);
  WAIT_UNTIL ((toggle = find_switch (label)) != NULL && !gtk_switch_get_active (toggle) &&
              shows_changed (toggle), 5000);
  WAIT_UNTIL (g_strcmp0 (pending_bar_text (), "1 pending change") == 0, 5000);
  g_assert_true (pending_file_get (2, "cat", &publish, &subscribe));
  g_assert_cmpint (publish, ==, DECK_TOGGLE_OFF);
  g_test_message ("Undo of the discard: staged again");

  /* Discard again. */
  g_assert_true (gtk_widget_activate (tables_button ("_Discard")));
  WAIT_UNTIL (pending_file_n_changes () == 0, 5000);
  WAIT_UNTIL ((toggle = find_switch (label)) != NULL && gtk_switch_get_active (toggle) &&
              !shows_changed (toggle), 5000);
  g_assert_true (link_state (0, "node3", "cat").publish);
  dismiss_toasts ();
}

/* 5. History ------------------------------------------------------------------------------ */

static GtkWindow *
find_window_titled (const char *title)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (gtk_widget_get_visible (GTK_WIDGET (item)) &&
          g_strcmp0 (gtk_window_get_title (GTK_WINDOW (item)), title) == 0)
        return GTK_WINDOW (item);
    }
  return NULL;
}

static gboolean
row_succeeded (GtkWidget *row)
{
  GtkWidget *icon = find_of_type (row, GTK_TYPE_IMAGE);

  g_assert_nonnull (icon);
  return gtk_widget_has_css_class (icon, "success");
}

static void
test_history (void)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autofree char *contents = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *pair = g_strdup_printf ("%s:%s", CLUSTER_USER, CLUSTER_PASSWORD);
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  guint node2_ok = 0, node3_ok = 0, node3_failed = 0;
  GtkWindow *history = NULL;
  gboolean destroyed = FALSE;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.history", NULL));
  WAIT_UNTIL ((history = find_window_titled ("Replication History")) != NULL, 5000);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (history));
  g_assert_true (gtk_window_get_transient_for (history) == GTK_WINDOW (window));

  /* The history is read in a worker thread: rows once it is read. */
  g_assert_true (DECK_IS_HISTORY_WINDOW (history));
  WAIT_UNTIL (deck_history_window_is_loaded (DECK_HISTORY_WINDOW (history)), 5000);
  find_all_widgets (GTK_WIDGET (history), match_type, GSIZE_TO_POINTER (ADW_TYPE_ACTION_ROW), rows);
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);
      const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));
      const char *subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
      gboolean ok = row_succeeded (row);
      g_autofree char *flat = g_strdelimit (g_strdup (subtitle), "\n", '|');

      g_test_message ("history row: %s “%s” — %s", ok ? "✓" : "✗", title, flat);
      /* The operation that carries the subscriptions: update_node, or
       * the add_node of a link made anew. */
      if (g_strcmp0 (title, relinks () ? "node1 → node2: add_node"
                                       : "node1 → node2: update_node") == 0 && ok)
        node2_ok++;
      else if (g_strcmp0 (title, relinks () ? "node1 → node3: add_node"
                                            : "node1 → node3: update_node") == 0)
        {
          if (ok)
            node3_ok++;
          else
            node3_failed++;
          g_assert_nonnull (strstr (subtitle, DB ".cat: publish on"));
        }
    }
  /* Subtest 1: node2 and its Undo; subtest 2: node2, node3 failed, node3
   * retried. */
  g_assert_cmpuint (rows->len, ==, n_applied_ops + n_failed_ops);
  g_assert_cmpuint (node2_ok, ==, undo_done ? 3 : 2);
  /* Where links are made anew, node3's change was not sent while it was
   * paused (a problem of the plan), so nothing failed. */
  g_assert_cmpuint (node3_failed, ==, relinks () ? 0 : 1);
  g_assert_cmpuint (node3_ok, ==, retry_succeeded ? 1 : 0);

  /* No secret in the file. */
  g_assert_true (g_file_get_contents (history_path, &contents, NULL, &error));
  g_assert_no_error (error);
  encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
  g_assert_null (strstr (contents, CLUSTER_PASSWORD));
  g_assert_null (strstr (contents, harper_fixture_get_password (nodes)));
  g_assert_null (strstr (contents, encoded));
  g_assert_null (strstr (contents, "Basic "));
  g_assert_null (strstr (contents, "authorization"));
  lines = g_strsplit (g_strstrip (contents), "\n", -1);
  g_test_message ("%s: %u lines, no password, no authorization", history_path,
                  g_strv_length (lines));

  g_signal_connect (history, "destroy", G_CALLBACK (ui_test_on_destroyed), &destroyed);
  /* Held until it is closed, then let go: it must go (its last reference
   * dropped disposes it, and says "destroy"). */
  g_object_ref (history);
  gtk_window_close (history);
  WAIT_UNTIL (find_window_titled ("Replication History") == NULL, 5000);
  UI_TEST_ASSERT_FINALIZED (history);
  g_assert_true (destroyed);

  g_test_message ("secrets in log messages: %u", n_secret_leaks);
  g_assert_cmpuint (n_secret_leaks, ==, 0);
}

/* 6. The command line while the window is open ------------------------------------------- */

/* Runs clusterdeck-cli (CLUSTERDECK_CLI, set by meson) with @args on this
 * window's files and keyring while the main loop keeps running, as a user's
 * terminal would next to the window. Returns its exit status. */
static int
run_cli (const char * const *args)
{
  const char *cli = g_getenv ("CLUSTERDECK_CLI");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *joined = NULL;

  g_assert_nonnull (cli);
  if (cli_config_home == NULL)
    {
      g_autofree char *link = NULL;

      cli_config_home = make_temp_dir ("clusterdeck-cli-config-XXXXXX", &error);
      g_assert_no_error (error);
      link = g_build_filename (cli_config_home, "clusterdeck", NULL);
      g_assert_cmpint (symlink (store_dir, link), ==, 0);
    }

  g_ptr_array_add (argv, (gpointer) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", cli_config_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "CLUSTERDECK_PASSWORD",
                                harper_fixture_get_password (nodes), TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  TEST_AWAIT (result, 60000,
              g_subprocess_communicate_utf8_async (process, NULL, NULL, test_util_store_result,
                                                   &result));
  g_assert_true (g_subprocess_communicate_utf8_finish (process, result, &out, NULL, &error));
  g_assert_no_error (error);
  joined = g_strjoinv (" ", (char **) args);
  g_test_message ("clusterdeck-cli %s: exit %d\n%s", joined, g_subprocess_get_exit_status (process),
                  out);
  return g_subprocess_get_exit_status (process);
}

static gboolean
match_row_named (GtkWidget *widget, gconstpointer name)
{
  return DECK_IS_INSTANCE_ROW (widget) &&
         g_strcmp0 (deck_instance_get_name (deck_instance_row_get_instance (DECK_INSTANCE_ROW (widget))),
                    name) == 0;
}

/* The window is open on node1's Tables while clusterdeck-cli adds an
 * instance and stages a change: the window shows both moments later, and
 * its own next edits (a switch, a rename) keep them in both files. */
static void
test_cli_while_open (void)
{
  const char *cli_label = "Subscribe to data.dog from node2";
  const char *own_label = "Publish data.cat to node3";
  const char *add_args[] = { "instance", "add", "--org", "Demo", "--name", "node-cli",
                             "--url", "http://127.0.0.1:9", "--username", "admin", NULL };
  const char *remove_args[] = { "instance", "remove", "node-cli", NULL };
  g_autoptr(GError) error = NULL;
  GtkSwitch *toggle;
  gboolean dog_subscribed;
  DeckToggle publish, subscribe;
  double shown_ms;

  toggle = show_tables_with (cli_label);
  WAIT_UNTIL (pending_bar_text () == NULL && pending_file_n_changes () == 0, 5000);
  dog_subscribed = gtk_switch_get_active (toggle);
  g_assert_null (find_widget (GTK_WIDGET (window), match_row_named, "node-cli"));

  /* An instance that does not answer: saved, then its test fails (exit 1). */
  g_assert_cmpint (run_cli (add_args), ==, 1);
  WAIT_UNTIL_TIMED (find_widget (GTK_WIDGET (window), match_row_named, "node-cli") != NULL, 10000,
                    shown_ms);
  g_test_message ("the window shows the instance the CLI added after %.0f ms", shown_ms);

  {
    const char *set_args[] = { "set", "node1", "node2", "data.dog", "--subscribe",
                               dog_subscribed ? "off" : "on", NULL };

    g_assert_cmpint (run_cli (set_args), ==, 0);
  }
  WAIT_UNTIL_TIMED ((toggle = find_switch (cli_label)) != NULL &&
                    gtk_switch_get_active (toggle) != dog_subscribed && shows_changed (toggle) &&
                    g_strcmp0 (pending_bar_text (), "1 pending change") == 0, 10000, shown_ms);
  g_test_message ("the window shows the change the CLI staged after %.0f ms", shown_ms);

  /* The window's own edits keep them. */
  toggle_switch (own_label);
  WAIT_UNTIL (g_strcmp0 (pending_bar_text (), "2 pending changes") == 0, 5000);
  WAIT_UNTIL (pending_file_n_changes () == 2, 5000);
  g_assert_true (pending_file_get (1, "dog", &publish, &subscribe));
  g_assert_cmpint (subscribe, ==, dog_subscribed ? DECK_TOGGLE_OFF : DECK_TOGGLE_ON);
  g_assert_true (pending_file_get (2, "cat", &publish, &subscribe));

  g_assert_true (deck_store_rename_organization (store, demo, "Demo Org", &error));
  g_assert_no_error (error);
  {
    g_autoptr(DeckStore) reread = deck_store_new (deck_store_get_path (store));
    DeckOrganization *organization;

    g_assert_true (deck_store_load (reread, NULL, &error));
    g_assert_no_error (error);
    organization = deck_store_find_organization (reread, "Demo Org");
    g_assert_nonnull (organization);
    g_assert_nonnull (deck_store_find_instance (reread, "Demo Org/node-cli", &error));
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (deck_organization_get_instances (organization)),
                      ==, N_NODES + 1);
  }

  /* Put back as it was: the CLI removes the instance, the window shows it
   * gone; Discard empties pending.json. */
  g_assert_true (deck_store_rename_organization (store, demo, "Demo", &error));
  g_assert_cmpint (run_cli (remove_args), ==, 0);
  WAIT_UNTIL (find_widget (GTK_WIDGET (window), match_row_named, "node-cli") == NULL, 10000);
  g_assert_true (gtk_widget_activate (tables_button ("_Discard")));
  WAIT_UNTIL (pending_file_n_changes () == 0, 5000);
  dismiss_toasts ();
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  ui_harper_filter_log (check_log);
  if (!ui_harper_init (dump_screen))
    return 1;
  if (!ui_test_accessible_readable ())
    {
      g_print ("Bail out! GTK_A11Y=test is needed: switches are found by their accessible name\n");
      return 1;
    }
  ui_test_load_app_css ();

  if (!setup (&error))
    {
      g_print ("Bail out! setup failed: %s\n", error->message);
      teardown ();
      return 1;
    }

  g_test_add_func ("/ui/grid/stage-review-apply", test_stage_review_apply);
  g_test_add ("/ui/grid/partial-failure", PausedFixture, GUINT_TO_POINTER (2),
              paused_setup, test_partial_failure, paused_teardown);
  g_test_add_func ("/ui/grid/drift", test_drift);
  g_test_add_func ("/ui/grid/pending-survives-reopen", test_pending_survives_reopen);
  g_test_add_func ("/ui/grid/history", test_history);
  g_test_add_func ("/ui/grid/cli-while-open", test_cli_while_open);
  status = g_test_run ();
  g_test_message ("requests Harper left unanswered: probe requests sent again %u, Tables loads "
                  "done again with F5 %u, Review or Apply done again %u", n_probe_retries,
                  n_tables_refreshes, n_user_recoveries);
  teardown ();
  return status;
}
