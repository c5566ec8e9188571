/* test-ui-restore.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cluster as a file from the window, against three real Harper nodes
 * (replication configured): node1 linked to node2 with per-table
 * directions (data.dog: node1 subscribes only; data.cat: both ways),
 * node3 without links.
 *
 *   Export Cluster (deck_window_export_cluster(): the native chooser
 *   cannot be driven) writes the JSON `clusterdeck-cli export` writes for
 *   the same store and keyring (compared parsed, `exported` aside), with
 *   no secret in it.
 *   Behind the app's back, node1 starts publishing data.dog to node2.
 *   Restore from File with the exported file opens Review & Apply listing
 *   the operation that switches it back (an update_node on node1, or where
 *   Harper does not change a link in place the link made anew), with the
 *   lines `clusterdeck-cli plan -f` prints; nothing was sent meanwhile. Apply
 *   restores node1's link as it was at the export (cluster_status).
 *   A malformed file gives a dialog naming the problem, opens no review
 *   and stages nothing.
 *
 * Renders restore-review.png (kept with CLUSTERDECK_SCREENSHOT_DIR).
 * CLUSTERDECK_CLI (set by meson) is the command line compared with.
 */

#include "deck-review-dialog.h"
#include "hdb-capabilities.h"
#include "hdb-json.h"
#include "ui-test-harper.h"

#define CLUSTER_PASSWORD "Restore-Me-7"
#define DB               "data"
#define PROBE_TIMEOUT_MS 10000
#define LINK_BOUND_MS    30000
#define SWITCH_BOUND_MS  30000
#define REVIEW_BOUND_MS  60000
#define APPLY_BOUND_MS   120000

static char *cli_config_home;
static char *work_dir;
static char *export_path;

static void
dump_screen (const char *why)
{
  g_test_message ("dump: %s", why);
}

static const char *
node_name (guint i)
{
  return harper_fixture_get_node_name (nodes, i);
}

/* Our own client of node @i, new for every request. */
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

static HdbClusterStatus *
read_cluster_status (guint i)
{
  g_autoptr(GError) error = NULL;
  HdbClusterStatus *status = HDB_SYNC (probe (i), cluster_status, &error);

  g_assert_no_error (error);
  return status;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Node @i's links as it reports them, sorted: what restoring must bring back. */
static char *
describe_links (guint i)
{
  g_autoptr(HdbClusterStatus) status = read_cluster_status (i);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new (NULL);

  for (guint c = 0; c < status->connections->len; c++)
    {
      const HdbConnection *conn = g_ptr_array_index (status->connections, c);

      for (guint s = 0; conn->subscriptions != NULL && s < conn->subscriptions->len; s++)
        {
          const HdbSubscription *sub = g_ptr_array_index (conn->subscriptions, s);

          g_ptr_array_add (lines, g_strdup_printf ("%s %s.%s%s%s", conn->name, sub->database,
                                                   sub->table, sub->publish ? " publish" : "",
                                                   sub->subscribe ? " subscribe" : ""));
        }
      if (conn->replicates)
        g_ptr_array_add (lines, g_strdup_printf ("%s full", conn->name));
    }
  g_ptr_array_sort (lines, compare_strings);
  for (guint k = 0; k < lines->len; k++)
    g_string_append_printf (out, "%s%s", k ? "; " : "", (const char *) g_ptr_array_index (lines, k));
  return g_string_free (out, FALSE);
}

static gboolean
link_up (guint       i,
         const char *peer)
{
  g_autoptr(HdbClusterStatus) status = read_cluster_status (i);
  const HdbConnection *conn = hdb_cluster_status_find_connection (status, peer);

  return conn != NULL && hdb_connection_is_connected (conn);
}

/* add_node or update_node on node1 for node2, as the applier sends them. */
static gboolean
node1_to_node2 (gboolean   update,
                gboolean   dog_publish,
                GError   **error)
{
  g_autoptr(GPtrArray) subs = g_ptr_array_new_with_free_func ((GDestroyNotify) hdb_subscription_free);
  g_autofree char *authorization = hdb_basic_authorization (CLUSTER_USER, CLUSTER_PASSWORD);
  g_autofree char *message = NULL;
  HdbNodeSpec spec = { 0 };

  g_ptr_array_add (subs, hdb_subscription_new (DB, "dog", TRUE, dog_publish));
  g_ptr_array_add (subs, hdb_subscription_new (DB, "cat", TRUE, TRUE));
  spec.engine = HDB_ENGINE_NATIVE;
  spec.name = node_name (1);
  spec.url = harper_fixture_get_repl_url (nodes, 1);
  spec.authorization = authorization;
  spec.retain_authorization = TRUE;
  spec.subscriptions = subs;
  if (update)
    message = HDB_SYNC (probe (0), update_node, error, &spec);
  else
    message = HDB_SYNC (probe (0), add_node, error, &spec);
  memset (authorization, 0, strlen (authorization));
  if (message == NULL)
    return FALSE;
  g_test_message ("%s on node1 for node2: %s", update ? "update_node" : "add_node", message);
  return TRUE;
}

static gboolean
setup (GError **error)
{
  g_autofree char *label = NULL;

  if (!ui_harper_start_nodes (HARPER_FIXTURE_DEFAULT, error))
    return FALSE;
  for (guint i = 0; i < N_NODES; i++)
    {
      g_autofree char *user = HDB_SYNC (probe (i), add_user, error, CLUSTER_USER, CLUSTER_PASSWORD,
                                        "super_user", TRUE);
      g_autofree char *db = NULL;

      if (user == NULL)
        return FALSE;
      db = HDB_SYNC (probe (i), create_database, error, DB);
      if (db == NULL)
        return FALSE;
      for (guint t = 0; t < 2; t++)
        {
          g_autofree char *made = HDB_SYNC (probe (i), create_table, error, DB,
                                            t == 0 ? "dog" : "cat", "id");

          if (made == NULL)
            return FALSE;
        }
    }
  if (!node1_to_node2 (FALSE, FALSE, error))
    return FALSE;
  WAIT_UNTIL (link_up (0, node_name (1)) && link_up (1, node_name (0)), LINK_BOUND_MS);

  if (!ui_harper_open_store (error))
    return FALSE;
  demo = deck_store_add_organization (store, "Demo", error);
  if (demo == NULL || !deck_store_set_cluster_user (store, demo, CLUSTER_USER, error))
    return FALSE;
  label = g_strdup_printf ("Clusterdeck cluster user of “%s”", deck_organization_get_name (demo));
  if (!store_password (DECK_SECRET_CLUSTER_USER, deck_organization_get_id (demo), label,
                       CLUSTER_PASSWORD, error) ||
      !ui_harper_add_instances (error))
    return FALSE;

  work_dir = make_temp_dir ("clusterdeck-restore-XXXXXX", error);
  if (work_dir == NULL)
    return FALSE;
  export_path = g_build_filename (work_dir, "window.json", NULL);

  ui_harper_start_monitor ();
  ui_harper_create_window ();
  for (guint i = 0; i < N_NODES; i++)
    WAIT_UNTIL (deck_instance_get_status (instances[i]) == DECK_INSTANCE_STATUS_REACHABLE &&
                g_strcmp0 (deck_instance_get_node_name (instances[i]), node_name (i)) == 0, 20000);
  return TRUE;
}

/* clusterdeck-cli @args on this window's store and keyring, the main loop
 * running; its output (standard error merged) in *@out. */
static int
run_cli (const char * const  *args,
         char               **out)
{
  const char *cli = g_getenv ("CLUSTERDECK_CLI");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
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
  g_assert_true (g_subprocess_communicate_utf8_finish (process, result, out, NULL, &error));
  g_assert_no_error (error);
  joined = g_strjoinv (" ", (char **) args);
  g_test_message ("clusterdeck-cli %s: exit %d\n%s", joined, g_subprocess_get_exit_status (process),
                  *out);
  return g_subprocess_get_exit_status (process);
}

/* A cluster file, parsed, without its `exported` time. */
static JsonNode *
parse_export (const char *path)
{
  g_autofree char *text = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  g_assert_true (g_file_get_contents (path, &text, &length, &error));
  g_assert_no_error (error);
  root = hdb_json_parse (text, length, 8 * 1024 * 1024, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  g_assert_true (json_object_has_member (json_node_get_object (root), "exported"));
  json_object_remove_member (json_node_get_object (root), "exported");
  return root;
}

static char *
node1_before;

static void
test_export (void)
{
  g_autoptr(GFile) file = g_file_new_for_path (export_path);
  g_autofree char *cli_path = g_build_filename (work_dir, "cli.json", NULL);
  const char *args[] = { "export", "--org", "Demo", "-o", cli_path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) window_json = NULL;
  g_autoptr(JsonNode) cli_json = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *toast;

  node1_before = describe_links (0);
  g_test_message ("node1 at the export: %s", node1_before);
  g_assert_nonnull (strstr (node1_before, "data.dog subscribe"));

  /* What win.export-cluster does once its (native, not drivable) chooser
   * gave a file. */
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (window)));
  deck_window_export_cluster (window, file);
  /* Written whole under its name (GIO renames a temporary file). */
  WAIT_UNTIL (g_file_test (export_path, G_FILE_TEST_EXISTS), 30000);
  /* The toast says where it went (every instance was read). */
  WAIT_UNTIL ((toast = find_widget (GTK_WIDGET (window), match_toast, NULL)) != NULL &&
              find_widget (toast, match_label_text, "Cluster exported to “window.json”") != NULL,
              10000);

  g_assert_cmpint (run_cli (args, &out), ==, 0);
  window_json = parse_export (export_path);
  cli_json = parse_export (cli_path);
  g_assert_true (json_node_equal (window_json, cli_json));

  g_assert_true (g_file_get_contents (export_path, &text, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("the window's export:\n%s", text);
  g_assert_null (strstr (text, CLUSTER_PASSWORD));
  g_assert_null (strstr (text, harper_fixture_get_password (nodes)));
  g_assert_null (strstr (text, "Basic "));
  /* node1 subscribes to data.dog only: one direction off in the file. */
  g_assert_nonnull (strstr (text, "\"publish\" : false"));
}

static void
test_restore (void)
{
  g_autofree char *changed = NULL;
  g_autofree char *described = NULL;
  g_autofree char *out = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (export_path);
  g_autoptr(GError) error = NULL;
  const char *args[] = { "plan", "-f", export_path, NULL };
  DeckReviewDialog *dialog;
  DeckPlan *plan;
  GPtrArray *ops;
  const DeckPlanOp *op;
  gboolean relink;

  g_assert_nonnull (node1_before);

  /* Behind the app's back: node1 publishes data.dog to node2 too. */
  g_assert_true (node1_to_node2 (TRUE, TRUE, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (({ g_autofree char *now = describe_links (0);
                 strstr (now, "data.dog publish subscribe") != NULL; }), SWITCH_BOUND_MS);
  changed = describe_links (0);
  g_test_message ("node1 after the change behind the back: %s", changed);

  g_assert_null (ui_test_find_toplevel (DECK_TYPE_REVIEW_DIALOG));
  deck_window_restore_from_file (window, file);
  WAIT_UNTIL ((dialog = (DeckReviewDialog *) ui_test_find_toplevel (DECK_TYPE_REVIEW_DIALOG)) != NULL &&
              g_strcmp0 (deck_review_dialog_get_state (dialog), "review") == 0, REVIEW_BOUND_MS);

  /* The operation that takes the publish back: one update_node on node1
   * where Harper changes a link in place (4.4), else the link made anew
   * (hdb-capabilities.h): remove_node on both sides, then add_node on
   * node1 with the file's subscriptions. Nothing else. The requests count
   * the drift check's and the read-back's cluster_status too. */
  plan = deck_review_dialog_get_plan (dialog);
  described = deck_plan_describe (plan);
  g_test_message ("Review lists:\n%s", described);
  relink = !hdb_capabilities_for_version (harper_fixture_get_version (nodes))->updates_in_place;
  g_assert_cmpuint (deck_plan_get_n_operations (plan), ==, relink ? 3 : 1);
  g_assert_cmpuint (deck_plan_get_n_requests (plan), ==,
                    deck_plan_get_n_operations (plan) + deck_plan_get_n_reads (plan));
  ops = deck_plan_get_operations (plan, deck_instance_get_id (instances[0]));
  g_assert_nonnull (ops);
  g_assert_cmpuint (ops->len, ==, relink ? 2 : 1);
  op = g_ptr_array_index (ops, ops->len - 1);
  g_assert_cmpint (op->kind, ==, relink ? DECK_PLAN_OP_ADD_NODE : DECK_PLAN_OP_UPDATE_NODE);
  g_assert_cmpstr (op->peer, ==, node_name (1));
  g_assert_cmpuint (op->subscriptions->len, ==, 2);
  for (guint s = 0; s < op->subscriptions->len; s++)
    {
      const HdbSubscription *sub = g_ptr_array_index (op->subscriptions, s);

      g_assert_true (sub->subscribe);
      g_assert_true (sub->publish == g_str_equal (sub->table, "cat"));
    }
  if (relink)
    {
      const DeckPlanOp *first = g_ptr_array_index (ops, 0);
      GPtrArray *peer_ops = deck_plan_get_operations (plan, deck_instance_get_id (instances[1]));

      g_assert_cmpint (first->kind, ==, DECK_PLAN_OP_REMOVE_NODE);
      g_assert_nonnull (peer_ops);
      g_assert_cmpuint (peer_ops->len, ==, 1);
      g_assert_cmpint (((const DeckPlanOp *) g_ptr_array_index (peer_ops, 0))->kind, ==,
                       DECK_PLAN_OP_REMOVE_NODE);
    }

  /* The same lines plan -f prints, and nothing sent so far. */
  g_assert_cmpint (run_cli (args, &out), ==, 0);
  g_assert_nonnull (strstr (out, described));
  {
    g_autofree char *still = describe_links (0);

    g_assert_cmpstr (still, ==, changed);
  }

  wait_frames (GTK_WIDGET (dialog), 2);
  render_screenshot (GTK_WIDGET (dialog), "restore-review.png");

  deck_review_dialog_apply (dialog);
  WAIT_UNTIL (g_strcmp0 (deck_review_dialog_get_state (dialog), "done") == 0 ||
              g_strcmp0 (deck_review_dialog_get_state (dialog), "failed") == 0 ||
              g_strcmp0 (deck_review_dialog_get_state (dialog), "refused") == 0, APPLY_BOUND_MS);
  g_assert_cmpstr (deck_review_dialog_get_state (dialog), ==, "done");
  WAIT_UNTIL (({ g_autofree char *now = describe_links (0);
                 g_strcmp0 (now, node1_before) == 0; }), SWITCH_BOUND_MS);
  after = describe_links (0);
  g_test_message ("node1 after Apply: %s", after);
  g_assert_cmpstr (after, ==, node1_before);
  g_assert_cmpuint (deck_change_set_get_n_changes (deck_pending_get_changes (deck_context_get_pending (deck_context))),
                    ==, 0);
  gtk_window_destroy (GTK_WINDOW (dialog));
  flush_main_context ();
}

static void
test_malformed (void)
{
  g_autofree char *path = g_build_filename (work_dir, "bad.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *alert = NULL;
  const char *bad =
    "{\"format\": \"clusterdeck-cluster\", \"version\": 1, \"organization\": \"Demo\", "
    "\"instances\": [{\"name\": \"node1\", \"connections\": [{\"peer\": \"node2\", "
    "\"subscriptions\": [{\"database\": \"data\", \"table\": \"dog\", \"publish\": \"yes\", "
    "\"subscribe\": true}]}]}]}";
  const char *body;

  g_assert_true (g_file_set_contents (path, bad, -1, &error));
  g_assert_no_error (error);
  deck_window_restore_from_file (window, file);
  WAIT_UNTIL ((alert = (AdwMessageDialog *) ui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL, 10000);
  body = adw_message_dialog_get_body (alert);
  g_test_message ("“%s”: %s", adw_message_dialog_get_heading (alert), body);
  g_assert_nonnull (strstr (body, "“publish”"));
  g_assert_nonnull (strstr (body, "not true or false"));
  flush_main_context ();
  g_assert_null (ui_test_find_toplevel (DECK_TYPE_REVIEW_DIALOG));
  g_assert_cmpuint (deck_change_set_get_n_changes (deck_pending_get_changes (deck_context_get_pending (deck_context))),
                    ==, 0);
  gtk_window_destroy (GTK_WINDOW (alert));
  flush_main_context ();
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
  g_test_add_func ("/ui-restore/export", test_export);
  g_test_add_func ("/ui-restore/restore", test_restore);
  g_test_add_func ("/ui-restore/malformed", test_malformed);
  status = g_test_run ();
  ui_harper_teardown ();
  if (cli_config_home != NULL)
    {
      g_autofree char *link = g_build_filename (cli_config_home, "clusterdeck", NULL);

      g_unlink (link);
      g_rmdir (cli_config_home);
    }
  if (work_dir != NULL)
    remove_dir (work_dir);
  g_free (cli_config_home);
  g_free (work_dir);
  g_free (export_path);
  g_free (node1_before);
  return status;
}
