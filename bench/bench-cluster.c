/* bench-cluster.c: what a user waits for on a real cluster
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three real Harper nodes (tests/harper/harper-cluster.sh, through the
 * tests' fixture), replication configured, a database `bench` with
 * --tables tables on each, node1 linked to node2 and node3 with explicit
 * subscriptions (subscribe only) to every table; and a fourth node left
 * unconfigured, to enable. They are the instances of an organization in a
 * store at the default path, their logins and the cluster password in the
 * keyring (run it in a session with one: bench/run-cluster.sh).
 *
 * Each figure is set against its floor, measured in the same run, round
 * after round (--rounds), so that a busy neighbour hits both alike:
 *
 *   start    exec of the real application (DeckApplication, this program
 *            started again with --app-start through bench-launch) to the
 *            first frame painted once every instance's status is known;
 *            floor: bench-floor's bare window (exec to first frame) plus
 *            the slowest status read of a bare client (registration_info,
 *            user_info, get_configuration and cluster_status, all at once
 *            on a new connection: bench-bare.c).
 *   open     selecting node1 (node2's Tables shown before) to the first
 *            frame painted with node1's grid; floor: the reads the grid
 *            needs (node1's cluster_status, then the three describe_all),
 *            one after the other by a bare client.
 *   review   Review & Apply pressed to the plan shown; floor: the reads
 *            the plan needs (cluster_status and describe_all of node1).
 *   apply1   Apply of one change (a publish flip to node2) to the frame
 *            that shows every result; floor: the drift read (node1's
 *            cluster_status) plus the same update_node sent alone.
 *   apply100 the same with --tables changes to each of node2 and node3
 *            (two update_node); floor: the drift read plus the slower
 *            update_node alone.
 *   enable   "Enable and Restart" on the fourth node to the management
 *            screen painted; floor: Harper's own restart seen by a bare
 *            probe (restart, then user_info on a new connection every
 *            10 ms until it failed and answers again), taken on the same
 *            node after it was enabled.
 *
 * Frames are caught with the window's GdkFrameClock "after-paint" (the
 * floor's own method): the first one after which the condition holds.
 * It prints a table, then `cluster.KEY=VALUE` lines (medians, and each
 * round's values), and exits 0 when everything ran. No assertion on time.
 */

#define G_LOG_DOMAIN "bench-cluster"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <adwaita.h>

#include "bench-bare.h"
#include "bench-util.h"
#include "deck-application.h"
#include "deck-context.h"
#include "deck-credentials.h"
#include "deck-instance-monitor.h"
#include "deck-replication-grid.h"
#include "deck-replication-page.h"
#include "deck-replication-tables.h"
#include "deck-review-dialog.h"
#include "deck-store.h"
#include "deck-window.h"
#include "harper-fixture.h"
#include "hdb-client.h"
#include "ui-test-util.h"

#define N_NODES          3
#define DB               "bench"
#define CLUSTER_USER     "cluster_user"
#define CLUSTER_PASSWORD "Bench-Cluster-7"
#define STEP_MS          BENCH_STEP_MS

static guint opt_rounds = 5;
static guint opt_tables = 50;
static gboolean opt_no_enable;
static const char *opt_launch;
static const char *opt_floor;

static HarperFixture *nodes;
static HarperFixture *spare;
static HdbClient *probes[N_NODES];
static DeckStore *store;
static DeckCredentials *credentials;
static DeckInstanceMonitor *monitor;
static DeckOrganization *org;
static DeckInstance *instances[N_NODES + 1];
static DeckContext *context;
static DeckWindow *window;

/* Setting the cluster up --------------------------------------------------- */

#define HDB_SYNC(client, name, error, ...)                                     \
  ({                                                                           \
    HdbClient *client_ = (client);                                             \
    g_autoptr(GAsyncResult) res_ = NULL;                                       \
    TEST_AWAIT (res_, STEP_MS,                                                 \
                hdb_client_##name##_async (client_, ##__VA_ARGS__, NULL,       \
                                           test_util_store_result, &res_));    \
    hdb_client_##name##_finish (client_, res_, error);                         \
  })

static const char *
node_name (guint i)
{
  return harper_fixture_get_node_name (nodes, i);
}

static char *
table_name (guint t)
{
  return g_strdup_printf ("t%03u", t);
}

/* node1's subscriptions to @peer: every table subscribed; published where
 * @publish says (NULL: none) */
static GPtrArray *
subscriptions (const gboolean *publish)
{
  GPtrArray *subs = g_ptr_array_new_with_free_func ((GDestroyNotify) hdb_subscription_free);

  for (guint t = 0; t < opt_tables; t++)
    {
      g_autofree char *table = table_name (t);

      g_ptr_array_add (subs, hdb_subscription_new (DB, table, TRUE, publish && publish[t]));
    }
  return subs;
}

static gboolean
link_up (guint from,
         guint to)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdbClusterStatus) status = HDB_SYNC (probes[from], cluster_status, &error);
  const HdbConnection *conn;

  if (status == NULL)
    return FALSE;
  conn = hdb_cluster_status_find_connection (status, node_name (to));
  if (conn == NULL)
    return FALSE;
  for (guint i = 0; conn->database_sockets != NULL && i < conn->database_sockets->len; i++)
    if (!((HdbDatabaseSocket *) g_ptr_array_index (conn->database_sockets, i))->connected)
      return FALSE;
  return conn->database_sockets != NULL && conn->database_sockets->len > 0;
}

static void
setup_cluster (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *authorization = hdb_basic_authorization (CLUSTER_USER, CLUSTER_PASSWORD);
  gint64 t0 = g_get_monotonic_time ();

  for (guint i = 0; i < N_NODES; i++)
    {
      g_autofree char *user = NULL;
      g_autofree char *db = NULL;

      probes[i] = hdb_client_new (harper_fixture_get_url (nodes, i),
                                  harper_fixture_get_username (nodes),
                                  harper_fixture_get_password (nodes), &error);
      g_assert_no_error (error);
      user = HDB_SYNC (probes[i], add_user, &error, CLUSTER_USER, CLUSTER_PASSWORD, "super_user",
                       TRUE);
      g_assert_no_error (error);
      db = HDB_SYNC (probes[i], create_database, &error, DB);
      g_assert_no_error (error);
      for (guint t = 0; t < opt_tables; t++)
        {
          g_autofree char *table = table_name (t);
          g_autofree char *made = HDB_SYNC (probes[i], create_table, &error, DB, table, "id");

          g_assert_no_error (error);
          g_assert_nonnull (made);
        }
    }

  for (guint peer = 1; peer < N_NODES; peer++)
    {
      g_autoptr(GPtrArray) subs = subscriptions (NULL);
      g_autofree char *message = NULL;
      HdbNodeSpec spec = { 0 };

      spec.engine = HDB_ENGINE_NATIVE;
      spec.name = node_name (peer);
      spec.url = harper_fixture_get_repl_url (nodes, peer);
      spec.authorization = authorization;
      spec.retain_authorization = TRUE;
      spec.subscriptions = subs;
      message = HDB_SYNC (probes[0], add_node, &error, &spec);
      g_assert_no_error (error);
      WAIT_UNTIL (link_up (0, peer), STEP_MS);
    }
  memset (authorization, 0, strlen (authorization));
  g_printerr ("# cluster set up in %.1f s: %u tables on each node, node1 linked to node2 "
              "and node3\n", (g_get_monotonic_time () - t0) / 1e6, opt_tables);
}

static void
store_secret (DeckSecretKind  kind,
              const char     *key,
              const char     *secret)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  TEST_AWAIT (result, STEP_MS,
              deck_credentials_store_async (credentials, kind, key, "Clusterdeck bench", secret,
                                            NULL, test_util_store_result, &result));
  deck_credentials_store_finish (credentials, result, &error);
  g_assert_no_error (error);
}

/* The organization at the default path, as the application finds it */
static void
setup_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) problem = NULL;

  store = deck_store_new (NULL);
  deck_store_load (store, &problem, &error);
  g_assert_no_error (error);
  g_assert_no_error (problem);
  credentials = g_object_ref (deck_credentials_get_default ());
  org = deck_store_add_organization (store, "Bench", &error);
  g_assert_no_error (error);
  deck_store_set_cluster_user (store, org, CLUSTER_USER, &error);
  g_assert_no_error (error);
  store_secret (DECK_SECRET_CLUSTER_USER, deck_organization_get_id (org), CLUSTER_PASSWORD);
  for (guint i = 0; i < N_NODES + (spare != NULL); i++)
    {
      HarperFixture *f = i < N_NODES ? nodes : spare;
      guint k = i < N_NODES ? i : 0;
      g_autofree char *name = g_strdup_printf ("node%u", i + 1);

      instances[i] = deck_store_add_instance (store, org, name, harper_fixture_get_url (f, k),
                                              harper_fixture_get_username (f), NULL, &error);
      g_assert_no_error (error);
      store_secret (DECK_SECRET_INSTANCE_LOGIN, deck_instance_get_id (instances[i]),
                    harper_fixture_get_password (f));
    }
}

/* Start-up ------------------------------------------------------------------ */

static double
kv_number (const char *text,
           const char *key)
{
  g_autofree char *needle = g_strconcat (key, "=", NULL);
  const char *at = strstr (text, needle);

  return at != NULL ? g_ascii_strtod (at + strlen (needle), NULL) : -1;
}

static char *
spawn_output (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                     &status, &error))
    g_error ("%s: %s", argv[0], error->message);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("%s %s: %s\n%s", argv[0], argv[1], error->message, err);
  if (g_strcmp0 (g_getenv ("CLUSTERDECK_BENCH_TRACE"), "1") == 0)
    g_printerr ("# %s:\n%s", argv[1], err);
  return g_steal_pointer (&out);
}

/* The reads a status needs, all at once on a new connection */
static double
bare_status_read (HarperFixture *f,
                  guint          i)
{
  BareCall calls[] = {
    { .body = "{\"operation\":\"registration_info\"}" },
    { .body = "{\"operation\":\"user_info\"}" },
    { .body = "{\"operation\":\"get_configuration\"}" },
    { .body = "{\"operation\":\"cluster_status\"}" },
  };
  double ms = bare_parallel (harper_fixture_get_url (f, i), harper_fixture_get_username (f),
                             harper_fixture_get_password (f), calls, G_N_ELEMENTS (calls),
                             STEP_MS);

  for (guint k = 0; k < G_N_ELEMENTS (calls); k++)
    if (calls[k].status != 200)
      g_error ("bare status read: %s answered %u", calls[k].body, calls[k].status);
  bare_calls_clear (calls, G_N_ELEMENTS (calls));
  return ms;
}

static void
bench_start (char *self_path)
{
  const char *app_argv[] = { opt_launch, self_path, "--app-start", NULL };
  const char *floor_argv[] = { opt_launch, opt_floor, NULL };

  for (guint r = 0; r < opt_rounds; r++)
    {
      g_autofree char *app = spawn_output (app_argv);
      g_autofree char *bare = spawn_output (floor_argv);
      double slowest = 0;

      for (guint i = 0; i < N_NODES + (spare != NULL); i++)
        slowest = MAX (slowest, i < N_NODES ? bare_status_read (nodes, i)
                                            : bare_status_read (spare, 0));
      bench_record ("start.app_ms", kv_number (app, "start.all_known_ms"));
      bench_record ("start.app_first_frame_ms", kv_number (app, "start.first_frame_ms"));
      bench_record ("start.app_cpu_ms", kv_number (app, "start.cpu_ms"));
      bench_record ("start.app_maxrss_kb", kv_number (app, "start.maxrss_kb"));
      bench_record ("start.app_widgets", kv_number (app, "start.widgets"));
      bench_record ("start.floor_window_ms", kv_number (bare, "first_paint_ms"));
      bench_record ("start.floor_slowest_status_ms", slowest);
      bench_record ("start.floor_ms", kv_number (bare, "first_paint_ms") + slowest);
    }
}

/* The window ---------------------------------------------------------------- */

static DeckReplicationPage *
page (void)
{
  return DECK_REPLICATION_PAGE (find_of_type (GTK_WIDGET (window), DECK_TYPE_REPLICATION_PAGE));
}

static DeckReplicationTables *
tables (void)
{
  return DECK_REPLICATION_TABLES (deck_replication_page_get_tables (page ()));
}

static DeckReplicationGrid *
grid (void)
{
  return deck_replication_tables_get_grid (tables ());
}

static guint
grid_rows (void)
{
  GListModel *model = deck_replication_grid_get_model (grid ());

  return model != NULL ? g_list_model_get_n_items (model) : 0;
}

static char *
describe_page (void)
{
  DeckReplicationPage *p = window != NULL ? page () : NULL;

  if (p == NULL)
    return g_strdup ("no window");
  return g_strdup_printf ("page %s of %s, tables %s, %u rows, grid %s",
                          deck_replication_page_get_view (p),
                          deck_replication_page_get_instance (p)
                          ? deck_instance_get_name (deck_replication_page_get_instance (p)) : "-",
                          deck_replication_tables_is_loading (tables ()) ? "loading" : "loaded",
                          grid_rows (),
                          gtk_widget_get_mapped (GTK_WIDGET (grid ())) ? "mapped" : "unmapped");
}

static gboolean
statuses_known (gpointer data)
{
  guint n;

  return bench_all_statuses_known (store, &n);
}

/* @instance's grid, loaded and on screen */
static gboolean
grid_shown (gpointer data)
{
  DeckInstance *instance = data;
  guint expected = instance == instances[0] ? 2 * opt_tables : opt_tables;

  return deck_replication_page_get_instance (page ()) == instance &&
         g_strcmp0 (deck_replication_page_get_view (page ()), "manage") == 0 &&
         !deck_replication_tables_is_loading (tables ()) &&
         grid_rows () == expected && gtk_widget_get_mapped (GTK_WIDGET (grid ()));
}

static void
show_tables_of (DeckInstance *instance)
{
  deck_window_select_instance (window, instance);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (find_of_type (GTK_WIDGET (window),
                                                                       ADW_TYPE_VIEW_STACK)),
                                         "replication");
  deck_replication_page_show_tables (page (), TRUE);
  WAIT_UNTIL (grid_shown (instance), STEP_MS);
}

static void
open_window (void)
{
  monitor = deck_instance_monitor_new (store, credentials);
  deck_instance_monitor_start (monitor);
  context = deck_context_new (store, credentials, monitor);
  window = deck_window_new (NULL, context);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)), STEP_MS);
  bench_wait_painted (GTK_WIDGET (window), statuses_known, NULL, bench_now_ns ());
}

/* Opening an instance ------------------------------------------------------- */

static double
bare_grid_reads (void)
{
  double ms = 0;

  for (guint i = 0; i < N_NODES; i++)
    {
      BareCall calls[] = {
        { .body = "{\"operation\":\"cluster_status\"}" },
        { .body = "{\"operation\":\"describe_all\"}" },
      };
      guint from = i == 0 ? 0 : 1;   /* the peers: describe_all only */

      ms += bare_sequence (harper_fixture_get_url (nodes, i), harper_fixture_get_username (nodes),
                           harper_fixture_get_password (nodes), calls + from,
                           G_N_ELEMENTS (calls) - from, STEP_MS);
      bare_calls_clear (calls, G_N_ELEMENTS (calls));
    }
  return ms;
}

static void
bench_open (void)
{
  for (guint r = 0; r < opt_rounds; r++)
    {
      gint64 t0;

      show_tables_of (instances[1]);
      test_util_spin (300);
      bench_trace_mark ("select node1");
      t0 = bench_now_ns ();
      deck_window_select_instance (window, instances[0]);
      bench_record ("open.app_ms", bench_wait_painted (GTK_WIDGET (window), grid_shown, instances[0], t0));
      bench_record ("open.app_cpu_ms", bench_last_cpu_ms);
      bench_record ("open.floor_ms", bare_grid_reads ());
    }
}

/* Review & Apply ------------------------------------------------------------- */

static DeckChangeSet *
pending (void)
{
  DeckChangeSet *changes = NULL;

  g_object_get (grid (), "change-set", &changes, NULL);
  g_object_unref (changes);   /* the grid keeps it */
  return changes;
}

/* Flips the publish switch of the first @n_tables tables to each peer of
 * @peers, as toggles do; returns how many were staged. */
static guint
stage_publish_flips (const guint *peers,
                     guint        n_peers,
                     guint        n_tables,
                     gboolean     value)
{
  GListModel *model = deck_replication_grid_get_model (grid ());
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(DeckReplicationItem) item = g_list_model_get_item (model, i);
      const char *table = deck_replication_item_get_table (item);
      guint t = (guint) g_ascii_strtoull (table + 1, NULL, 10);

      for (guint p = 0; p < n_peers; p++)
        if (g_strcmp0 (deck_replication_item_get_peer (item), node_name (peers[p])) == 0 &&
            t < n_tables)
          {
            g_assert_cmpint (deck_replication_item_get_value (item, DECK_REPLICATION_PUBLISH), !=,
                             value);
            deck_replication_item_stage (item, pending (), DECK_REPLICATION_PUBLISH, value);
            n++;
          }
    }
  return n;
}

/* What update_node sends for @peer with the first @n_tables published as
 * @value: the body the applier would send. */
static char *
update_node_body (guint    peer,
                  guint    n_tables,
                  gboolean value)
{
  g_autofree char *authorization = hdb_basic_authorization (CLUSTER_USER, CLUSTER_PASSWORD);
  GString *body = g_string_new (NULL);

  g_string_append_printf (body, "{\"operation\":\"update_node\",\"hostname\":\"%s\",\"url\":\"%s\","
                                "\"authorization\":\"%s\",\"retain_authorization\":true,"
                                "\"subscriptions\":[",
                          node_name (peer), harper_fixture_get_repl_url (nodes, peer),
                          authorization);
  for (guint t = 0; t < opt_tables; t++)
    g_string_append_printf (body, "%s{\"database\":\"%s\",\"table\":\"t%03u\","
                                  "\"subscribe\":true,\"publish\":%s}",
                            t > 0 ? "," : "", DB, t,
                            (t < n_tables ? value : !value) ? "true" : "false");
  g_string_append (body, "]}");
  memset (authorization, 0, strlen (authorization));
  return g_string_free (body, FALSE);
}

/* Floor: node1's cluster_status, then each update_node alone (flipped to
 * @value, and back, untimed). Returns the read plus the slowest update. */
static double
bare_apply_floor (const char  *key,
                  const guint *peers,
                  guint        n_peers,
                  guint        n_tables,
                  gboolean     value)
{
  BareCall read = { .body = "{\"operation\":\"cluster_status\"}" };
  double read_ms, slowest = 0;
  g_autofree char *read_key = g_strconcat (key ? key : "", ".floor_drift_read_ms", NULL);
  g_autofree char *update_key = g_strconcat (key ? key : "", ".floor_update_node_ms", NULL);

  read_ms = bare_sequence (harper_fixture_get_url (nodes, 0), harper_fixture_get_username (nodes),
                           harper_fixture_get_password (nodes), &read, 1, STEP_MS);
  bare_calls_clear (&read, 1);
  for (guint p = 0; p < n_peers; p++)
    {
      g_autofree char *flip = update_node_body (peers[p], n_tables, value);
      g_autofree char *back = update_node_body (peers[p], n_tables, !value);
      BareCall calls[] = { { .body = flip }, { .body = back } };

      bare_sequence (harper_fixture_get_url (nodes, 0), harper_fixture_get_username (nodes),
                     harper_fixture_get_password (nodes), calls, 1, STEP_MS);
      test_util_spin (300);
      bare_sequence (harper_fixture_get_url (nodes, 0), harper_fixture_get_username (nodes),
                     harper_fixture_get_password (nodes), calls + 1, 1, STEP_MS);
      if (calls[0].status != 200 || calls[1].status != 200)
        g_error ("bare update_node: %u %s", calls[0].status, calls[0].answer);
      slowest = MAX (slowest, calls[0].ms);
      bare_calls_clear (calls, G_N_ELEMENTS (calls));
      memset (flip, 0, strlen (flip));
      memset (back, 0, strlen (back));
      test_util_spin (300);
    }
  if (key != NULL)
    {
      bench_record (read_key, read_ms);
      bench_record (update_key, slowest);
    }
  return read_ms + slowest;
}

static double
bare_plan_reads (void)
{
  BareCall calls[] = {
    { .body = "{\"operation\":\"cluster_status\"}" },
    { .body = "{\"operation\":\"describe_all\"}" },
  };
  double ms = bare_sequence (harper_fixture_get_url (nodes, 0), harper_fixture_get_username (nodes),
                             harper_fixture_get_password (nodes), calls, 2, STEP_MS);

  bare_calls_clear (calls, G_N_ELEMENTS (calls));
  return ms;
}

static gboolean
dialog_ready (gpointer data)
{
  DeckReviewDialog *dialog = data;
  GtkWidget *button = find_widget (GTK_WIDGET (dialog), match_button_label, "_Apply");

  return g_strcmp0 (deck_review_dialog_get_state (dialog), "review") == 0 &&
         button != NULL && gtk_widget_is_sensitive (button);
}

static gboolean
dialog_finished (gpointer data)
{
  const char *state = deck_review_dialog_get_state (data);

  return g_strcmp0 (state, "done") == 0 || g_strcmp0 (state, "failed") == 0 ||
         g_strcmp0 (state, "refused") == 0;
}

/* Every publish switch of the first @n_tables tables to @peers shows @value */
static gboolean
grid_values_are (const guint *peers,
                 guint        n_peers,
                 guint        n_tables,
                 gboolean     value)
{
  GListModel *model = deck_replication_grid_get_model (grid ());

  if (model == NULL || deck_replication_tables_is_loading (tables ()))
    return FALSE;
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(DeckReplicationItem) item = g_list_model_get_item (model, i);
      guint t = (guint) g_ascii_strtoull (deck_replication_item_get_table (item) + 1, NULL, 10);

      for (guint p = 0; p < n_peers; p++)
        if (g_strcmp0 (deck_replication_item_get_peer (item), node_name (peers[p])) == 0 &&
            t < n_tables &&
            (deck_replication_item_get_value (item, DECK_REPLICATION_PUBLISH) != value ||
             deck_replication_item_get_changed (item, DECK_REPLICATION_PUBLISH)))
          return FALSE;
    }
  return TRUE;
}

static void
bench_apply (const char  *key,
             const guint *peers,
             guint        n_peers,
             guint        n_tables)
{
  g_autofree char *app_key = g_strconcat (key, ".app_ms", NULL);
  g_autofree char *floor_key = g_strconcat (key, ".floor_ms", NULL);
  g_autofree char *review_key = g_strconcat (key, ".review_ms", NULL);
  g_autofree char *review_floor_key = g_strconcat (key, ".review_floor_ms", NULL);
  g_autofree char *failed_key = g_strconcat (key, ".failed", NULL);
  g_autofree char *review_cpu_key = g_strconcat (key, ".review_cpu_ms", NULL);
  g_autofree char *app_cpu_key = g_strconcat (key, ".app_cpu_ms", NULL);

  show_tables_of (instances[0]);
  /* An even number of rounds, so that the tables end as they began; the
   * last one is not counted when --rounds is odd. */
  for (guint r = 0; r < opt_rounds + opt_rounds % 2; r++)
    {
      /* Published after an even round, not after an odd one */
      gboolean value = r % 2 == 0;
      gboolean counted = r < opt_rounds;
      double floor_ms, review_floor_ms, review_ms, review_cpu_ms, app_ms, app_cpu_ms;
      DeckReviewDialog *dialog;
      gboolean destroyed = FALSE;
      gint64 t0;

      floor_ms = bare_apply_floor (counted ? key : NULL, peers, n_peers, n_tables, value);
      review_floor_ms = bare_plan_reads ();
      test_util_spin (1000);
      /* The grid may have read the state while the floor's update_node had
       * it flipped: read again until it shows what the servers have. */
      while (!grid_values_are (peers, n_peers, n_tables, !value))
        {
          deck_replication_tables_load (tables (), instances[0]);
          WAIT_UNTIL (!deck_replication_tables_is_loading (tables ()), STEP_MS);
          test_util_spin (200);
        }

      g_assert_cmpuint (stage_publish_flips (peers, n_peers, n_tables, value), ==,
                        n_peers * n_tables);
      bench_trace_mark ("Review & Apply");
      t0 = bench_now_ns ();
      dialog = DECK_REVIEW_DIALOG (deck_replication_tables_review (tables ()));
      review_ms = bench_wait_painted (GTK_WIDGET (dialog), dialog_ready, dialog, t0);
      review_cpu_ms = bench_last_cpu_ms;

      bench_trace_mark ("Apply");
      t0 = bench_now_ns ();
      deck_review_dialog_apply (dialog);
      app_ms = bench_wait_painted (GTK_WIDGET (dialog), dialog_finished, dialog, t0);
      app_cpu_ms = bench_last_cpu_ms;
      if (counted)
        {
          bench_record (floor_key, floor_ms);
          bench_record (review_floor_key, review_floor_ms);
          bench_record (review_key, review_ms);
          bench_record (review_cpu_key, review_cpu_ms);
          bench_record (app_key, app_ms);
          bench_record (app_cpu_key, app_cpu_ms);
        }
      if (g_strcmp0 (deck_review_dialog_get_state (dialog), "done") != 0)
        {
          g_autofree char *summary = deck_review_dialog_dup_summary (dialog);

          g_printerr ("# %s round %u: %s: %s\n", key, r + 1, deck_review_dialog_get_state (dialog),
                      summary);
          bench_record (failed_key, 1);
        }

      g_signal_connect (dialog, "destroy", G_CALLBACK (ui_test_on_destroyed), &destroyed);
      gtk_window_destroy (GTK_WINDOW (dialog));
      WAIT_UNTIL (destroyed, STEP_MS);
      /* The grid reads the state again when the dialog closes, and once
       * more a second after the apply. */
      test_util_spin (1500);
      WAIT_UNTIL (grid_values_are (peers, n_peers, n_tables, value) ||
                  deck_change_set_get_n_changes (pending ()) > 0, STEP_MS);
      if (deck_change_set_get_n_changes (pending ()) > 0)
        g_error ("%s round %u: changes are still pending", key, r + 1);
    }
}

/* Enable ------------------------------------------------------------------- */

static gboolean
view_is (gpointer view)
{
  return g_strcmp0 (deck_replication_page_get_view (page ()), view) == 0;
}

static gboolean
management_shown (gpointer data)
{
  return deck_replication_page_get_instance (page ()) == data && view_is ((gpointer) "manage");
}

static void
answer_dialog (const char *heading,
               const char *label)
{
  AdwMessageDialog *dialog = NULL;
  GtkWidget *button;

  WAIT_UNTIL (({
                GListModel *toplevels = gtk_window_get_toplevels ();

                for (guint i = 0; dialog == NULL && i < g_list_model_get_n_items (toplevels); i++)
                  {
                    g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

                    if (ADW_IS_MESSAGE_DIALOG (item) && gtk_widget_get_visible (GTK_WIDGET (item)) &&
                        g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (item)),
                                   heading) == 0)
                      dialog = ADW_MESSAGE_DIALOG (item);
                  }
                dialog != NULL;
              }), STEP_MS);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (dialog));
  button = find_widget (GTK_WIDGET (dialog), match_button_label, label);
  g_assert_nonnull (button);
  /* As a click does: gtk_widget_activate() is the keyboard's activation,
   * which shows the button pressed for 250 ms (GTK's ACTIVATE_TIMEOUT)
   * before "clicked", and that is no wait of the app's. */
  g_signal_emit_by_name (button, "clicked");
}

static void
bench_enable (void)
{
  DeckInstance *instance = instances[N_NODES];
  GtkWidget *enable_view, *row, *button;
  double down_after, down_for, ms;
  gint64 t0;

  /* Harper's restart as a bare probe sees it, unconfigured */
  ms = bare_restart_probe (harper_fixture_get_url (spare, 0), harper_fixture_get_username (spare),
                           harper_fixture_get_password (spare), 10, STEP_MS, &down_after,
                           &down_for);
  bench_record ("enable.floor_unconfigured_ms", ms);
  WAIT_UNTIL (deck_instance_get_status (instance) == DECK_INSTANCE_STATUS_REACHABLE, STEP_MS);
  test_util_spin (3000);

  deck_window_select_instance (window, instance);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (find_of_type (GTK_WIDGET (window),
                                                                       ADW_TYPE_VIEW_STACK)),
                                         "replication");
  WAIT_UNTIL (view_is ((gpointer) "enable"), STEP_MS);
  enable_view = gtk_stack_get_visible_child (GTK_STACK (find_of_type (GTK_WIDGET (page ()),
                                                                      GTK_TYPE_STACK)));
  row = find_widget (enable_view, match_row_title, "Cluster Password");
  g_assert_nonnull (row);
  /* The organization's password comes from the keyring. */
  WAIT_UNTIL (*gtk_editable_get_text (GTK_EDITABLE (row)) != '\0', STEP_MS);
  row = find_widget (enable_view, match_row_title, "Node Name");
  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), "node4");
  button = find_widget (enable_view, match_button_label, "_Enable Clustering");
  g_assert_nonnull (button);
  WAIT_UNTIL (gtk_widget_is_sensitive (button), STEP_MS);
  gtk_widget_activate (button);

  t0 = bench_now_ns ();
  answer_dialog ("Enable Clustering?", "_Enable and Restart");
  /* From the answer: the dialog waits for the user, not for Harper */
  bench_trace_mark ("Enable and Restart");
  t0 = bench_now_ns ();
  bench_record ("enable.app_ms", bench_wait_painted (GTK_WIDGET (window), management_shown, instance, t0));
  bench_record ("enable.app_cpu_ms", bench_last_cpu_ms);

  /* The same restart, now with replication configured: the floor */
  test_util_spin (3000);
  ms = bare_restart_probe (harper_fixture_get_url (spare, 0), harper_fixture_get_username (spare),
                           harper_fixture_get_password (spare), 10, STEP_MS, &down_after,
                           &down_for);
  bench_record ("enable.floor_ms", ms);
  bench_record ("enable.floor_down_after_ms", down_after);
  bench_record ("enable.floor_down_for_ms", down_for);
}

/* Output -------------------------------------------------------------------- */

static void
row_out (const char *what,
         const char *app_key,
         const char *floor_key)
{
  double app = bench_median (app_key), floor = bench_median (floor_key);

  if (app < 0)
    return;
  printf ("  %-44s %9.1f %9.1f %+9.1f\n", what, app, floor, app - floor);
}

static void
print_results (void)
{
  printf ("Harper %s, %u tables, medians of %u rounds (ms)        app     floor  app-floor\n",
          harper_fixture_get_version (nodes), opt_tables, opt_rounds);
  row_out ("exec -> window with every status", "start.app_ms", "start.floor_ms");
  row_out ("select node1 -> its grid painted", "open.app_ms", "open.floor_ms");
  row_out ("Review & Apply -> plan shown (1 change)", "apply1.review_ms", "apply1.review_floor_ms");
  row_out ("Apply 1 change -> results shown", "apply1.app_ms", "apply1.floor_ms");
  row_out ("Review & Apply -> plan shown (many)", "apply100.review_ms", "apply100.review_floor_ms");
  row_out ("Apply many changes, 2 peers -> results shown", "apply100.app_ms", "apply100.floor_ms");
  row_out ("enable -> management screen", "enable.app_ms", "enable.floor_ms");
  printf ("\n");

  printf ("cluster.harper_version=%s\n", harper_fixture_get_version (nodes));
  printf ("cluster.tables=%u\n", opt_tables);
  printf ("cluster.rounds=%u\n", opt_rounds);
  printf ("cluster.apply100.changes=%u\n", 2 * opt_tables);
  bench_print_records ("cluster.");
}

/* Main ---------------------------------------------------------------------- */

static void
teardown (void)
{
  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  window = NULL;
  flush_main_context ();
  g_clear_object (&context);
  g_clear_object (&monitor);
  for (guint i = 0; i < N_NODES; i++)
    g_clear_object (&probes[i]);
  g_clear_object (&credentials);
  g_clear_object (&store);
  g_clear_pointer (&nodes, harper_fixture_free);
  g_clear_pointer (&spare, harper_fixture_free);
}

static void
usage (void)
{
  g_printerr ("usage: bench-cluster --launch BENCH-LAUNCH --floor BENCH-FLOOR [--rounds N]\n"
              "                     [--tables N] [--no-enable]\n"
              "       (in a session with a keyring: bench/run-cluster.sh runs it so)\n");
  exit (2);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
  const guint to_node2[] = { 1 };
  const guint to_both[] = { 1, 2 };

  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      const char *v = i + 1 < argc ? argv[i + 1] : NULL;

      if (strcmp (a, "--app-start") == 0)
        return bench_cluster_app_start (argv[0]);
      else if (strcmp (a, "--no-enable") == 0)
        opt_no_enable = TRUE;
      else if (v != NULL && strcmp (a, "--rounds") == 0 && atoi (v) > 0)
        opt_rounds = (guint) atoi (argv[++i]);
      else if (v != NULL && strcmp (a, "--tables") == 0 && atoi (v) > 0)
        opt_tables = (guint) atoi (argv[++i]);
      else if (v != NULL && strcmp (a, "--launch") == 0)
        opt_launch = argv[++i];
      else if (v != NULL && strcmp (a, "--floor") == 0)
        opt_floor = argv[++i];
      else
        usage ();
    }
  if (opt_launch == NULL || opt_floor == NULL)
    usage ();

  bench_trace_init (bench_now_ns ());
  bench_set_describe (describe_page);
  if (!gtk_init_check ())
    g_error ("cannot open a display: run under bench/run-cluster.sh");
  adw_init ();
  ui_test_load_app_css ();

  nodes = harper_fixture_start (N_NODES, HARPER_FIXTURE_DEFAULT, &error);
  g_assert_no_error (error);
  if (!opt_no_enable)
    {
      spare = harper_fixture_start (1, HARPER_FIXTURE_UNCONFIGURED, &error);
      g_assert_no_error (error);
    }
  g_printerr ("# Harper %s: %u nodes%s\n", harper_fixture_get_version (nodes), N_NODES,
              spare ? " and one unconfigured" : "");
  setup_cluster ();
  setup_store ();

  g_printerr ("# start-up (%u rounds)\n", opt_rounds);
  bench_start (self_path);
  open_window ();
  g_printerr ("# opening an instance\n");
  bench_open ();
  g_printerr ("# Review & Apply: 1 change\n");
  bench_apply ("apply1", to_node2, 1, 1);
  g_printerr ("# Review & Apply: %u changes over 2 peers\n", 2 * opt_tables);
  bench_apply ("apply100", to_both, 2, opt_tables);
  if (spare != NULL)
    {
      g_printerr ("# enable clustering\n");
      bench_enable ();
    }

  print_results ();
  teardown ();
  return 0;
}
