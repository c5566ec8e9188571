/* test-jobs.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The core's jobs through a DeckContext, on two real Harper nodes started
 * with replication unconfigured, with a real keyring (run by
 * tests/with-keyring.sh, which also gives fresh XDG directories: the
 * pending changes and the history go there).
 *
 *  /jobs/not-enabled             before the enable: connect and disconnect
 *                                 end NOT_ENABLED naming the instance, and a
 *                                 peer that refuses the login is named in
 *                                 the error; no node is added
 *  /jobs/enable-outlives-starter  a "page" (TestStarter) starts an enable job
 *                                 on each node and is finalized at once; both
 *                                 jobs follow their restarts to the end, found
 *                                 by instance in the context; the nodes are
 *                                 enabled, the cluster user kept in the store
 *                                 and its password in the keyring
 *  /jobs/connect                  node1 has a table node2 lacks: prepare names
 *                                 it and sends nothing (cancelled: no node
 *                                 added); a second job creates it on node2 and
 *                                 connects; the same job twice is refused
 *  /jobs/disconnect               both sides forget each other
 *  /jobs/apply                    connected again (nothing missing now), a
 *                                 staged change applied: it leaves the pending
 *                                 changes, the history gets its lines
 *  /jobs/context-gone             a job whose context goes is cancelled and
 *                                 finalized once its reads come back
 *
 * Every job is checked with g_assert_finalize_object() once the context has
 * dropped it (forgotten, replaced or with the context).
 */

#include <glib/gstdio.h>

#include "deck-apply-job.h"
#include "deck-connect-job.h"
#include "deck-context.h"
#include "deck-disconnect-job.h"
#include "deck-enable-job.h"
#include "deck-history.h"
#include "deck-schema-diff.h"
#include "harper-fixture.h"
#include "hdb-test-helpers.h"

#define CLUSTER_USER     "jobs_cluster"
#define CLUSTER_PASSWORD "Jobs-Cluster-Pass-4"
#define JOB_BOUND_MS     120000

static HarperFixture *nodes;
static HdbClient *probes[2];        /* our own clients: what the nodes really say */
static DeckStore *store;
static DeckCredentials *credentials;
static DeckInstanceMonitor *monitor;
static DeckContext *context;
static DeckOrganization *demo;
static DeckInstance *instances[2];
static char *store_dir;

/* A stand-in for a page: it starts jobs and watches them, as the
 * replication page does, and can go away while they run. */
#define TEST_TYPE_STARTER (test_starter_get_type ())
G_DECLARE_FINAL_TYPE (TestStarter, test_starter, TEST, STARTER, GObject)

struct _TestStarter
{
  GObject    parent_instance;
  GPtrArray *jobs;
  guint      n_finished;
};

G_DEFINE_FINAL_TYPE (TestStarter, test_starter, G_TYPE_OBJECT)

static void
test_starter_finalize (GObject *object)
{
  g_ptr_array_unref (TEST_STARTER (object)->jobs);
  G_OBJECT_CLASS (test_starter_parent_class)->finalize (object);
}

static void
test_starter_class_init (TestStarterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_starter_finalize;
}

static void
test_starter_init (TestStarter *self)
{
  self->jobs = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
on_starter_job_finished (TestStarter *self)
{
  self->n_finished++;
}

static void
test_starter_enable (TestStarter  *self,
                     DeckInstance *instance)
{
  g_autoptr(DeckEnableJob) job = deck_enable_job_new (context, instance, CLUSTER_USER,
                                                      CLUSTER_PASSWORD, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (deck_job_start (DECK_JOB (job), &error));
  g_assert_no_error (error);
  g_signal_connect_object (job, "finished", G_CALLBACK (on_starter_job_finished), self,
                           G_CONNECT_SWAPPED);
  g_ptr_array_add (self->jobs, g_object_ref (job));
}

/* Helpers ---------------------------------------------------------------------- */

/* Runs the main loop until @job ends or waits for a decision. */
static void
wait_job (DeckJob *job)
{
  gint64 end = g_get_monotonic_time () + (gint64) JOB_BOUND_MS * 1000;

  while (!deck_job_is_finished (job) && deck_job_get_state (job) != DECK_JOB_STATE_PREPARED)
    {
      if (g_get_monotonic_time () > end)
        g_error ("a %s job is still %s after %u ms (%s)",
                 g_enum_to_string (DECK_TYPE_JOB_KIND, deck_job_get_kind (job)),
                 g_enum_to_string (DECK_TYPE_JOB_STATE, deck_job_get_state (job)), JOB_BOUND_MS,
                 deck_job_get_phase (job));
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
assert_job_state (DeckJob      *job,
                  DeckJobState  state)
{
  if (deck_job_get_state (job) != state)
    g_error ("the %s job ended %s, not %s: %s",
             g_enum_to_string (DECK_TYPE_JOB_KIND, deck_job_get_kind (job)),
             g_enum_to_string (DECK_TYPE_JOB_STATE, deck_job_get_state (job)),
             g_enum_to_string (DECK_TYPE_JOB_STATE, state),
             deck_job_get_error (job) ? deck_job_get_error (job)->message : "no error");
}

/* The context forgets @job; the caller's reference is the last one. */
static void
drop_job (gpointer job)
{
  deck_context_forget_job (context, job);
  g_assert_null (deck_context_find_job (context, deck_job_get_instance_id (job),
                                        deck_job_get_kind (job)));
  g_assert_finalize_object (job);
}

static HdbClusterStatus *
cluster_status (guint i)
{
  g_autoptr(GError) error = NULL;
  HdbClusterStatus *status = HDB_SYNC (probes[i], cluster_status, &error);

  g_assert_no_error (error);
  return status;
}

static gboolean
connected_to (guint       i,
              const char *peer)
{
  g_autoptr(HdbClusterStatus) status = cluster_status (i);

  return hdb_cluster_status_find_connection (status, peer) != NULL;
}

static gboolean
has_table (guint       i,
           const char *database,
           const char *table)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdbSchema) schema = HDB_SYNC (probes[i], describe_all, &error);
  const HdbDatabase *db;

  g_assert_no_error (error);
  db = hdb_schema_find_database (schema, database);
  for (guint k = 0; db != NULL && k < db->tables->len; k++)
    if (g_str_equal (((HdbTable *) g_ptr_array_index (db->tables, k))->name, table))
      return TRUE;
  return FALSE;
}

/* Tests ------------------------------------------------------------------------- */

/* Starts @job and waits for it to fail with @domain/@code. */
static const GError *
assert_job_fails (DeckJob *job,
                  GQuark   domain,
                  gint     code)
{
  g_autoptr(GError) error = NULL;
  const GError *failure;

  g_assert_true (deck_job_start (job, &error));
  g_assert_no_error (error);
  wait_job (job);
  assert_job_state (job, DECK_JOB_STATE_FAILED);
  failure = deck_job_get_error (job);
  g_assert_error ((GError *) failure, domain, code);
  return failure;
}

static void
test_not_enabled (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *not_enabled = NULL;
  g_autofree char *refused = NULL;
  DeckInstance *bad_login;
  DeckJob *job;
  const GError *failure;

  /* Translators' text aside, the message names the instance. */
  not_enabled = g_strdup_printf ("“%s”", deck_instance_get_name (instances[0]));

  job = DECK_JOB (deck_connect_job_new (context, instances[0], instances[1]));
  failure = assert_job_fails (job, DECK_JOB_ERROR, DECK_JOB_ERROR_NOT_ENABLED);
  g_assert_nonnull (strstr (failure->message, not_enabled));
  drop_job (job);

  job = DECK_JOB (deck_disconnect_job_new (context, instances[0], instances[1], NULL, NULL));
  failure = assert_job_fails (job, DECK_JOB_ERROR, DECK_JOB_ERROR_NOT_ENABLED);
  g_assert_nonnull (strstr (failure->message, not_enabled));
  drop_job (job);

  /* node2 under another name, with a password it refuses: the peer's reads
   * fail, and the error says whose they were. */
  bad_login = deck_store_add_instance (store, demo, "node2-bad-login",
                                       harper_fixture_get_url (nodes, 1),
                                       harper_fixture_get_username (nodes), NULL, &error);
  g_assert_no_error (error);
  deck_instance_monitor_set_password (monitor, bad_login, "Not-The-Password-1");
  job = DECK_JOB (deck_connect_job_new (context, instances[0], bad_login));
  failure = assert_job_fails (job, HDB_ERROR, HDB_ERROR_AUTH);
  refused = g_strdup_printf ("“%s”: ", deck_instance_get_name (bad_login));
  g_assert_true (g_str_has_prefix (failure->message, refused));
  drop_job (job);
  g_assert_true (deck_store_remove_instance (store, bad_login, &error));
  g_assert_no_error (error);

  g_assert_false (connected_to (0, "node2"));
  g_assert_false (connected_to (1, "node1"));
}

static void
test_enable_outlives_starter (void)
{
  TestStarter *starter = g_object_new (TEST_TYPE_STARTER, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;
  DeckJob *jobs[2];

  test_starter_enable (starter, instances[0]);
  test_starter_enable (starter, instances[1]);
  g_assert_cmpuint (starter->n_finished, ==, 0);
  /* The page goes away while both restarts are under way. */
  g_assert_finalize_object (starter);

  for (guint i = 0; i < 2; i++)
    {
      DeckRestartMonitor *restart;

      jobs[i] = deck_context_find_job (context, deck_instance_get_id (instances[i]),
                                       DECK_JOB_KIND_ENABLE);
      g_assert_nonnull (jobs[i]);
      g_object_ref (jobs[i]);
      wait_job (jobs[i]);
      assert_job_state (jobs[i], DECK_JOB_STATE_SUCCEEDED);
      restart = deck_enable_job_get_restart_monitor (DECK_ENABLE_JOB (jobs[i]));
      g_assert_cmpint (deck_restart_monitor_get_phase (restart), ==, DECK_RESTART_PHASE_DONE);
      g_test_message ("%s enabled (%s) while nobody watched, restart followed for %.1f s",
                      harper_fixture_get_node_name (nodes, i),
                      hdb_engine_to_string (deck_enable_job_get_engine (DECK_ENABLE_JOB (jobs[i]))),
                      deck_restart_monitor_get_elapsed (restart));
    }

  /* On the nodes: enabled, with their node names. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(HdbClusterStatus) status = cluster_status (i);

      g_assert_true (status->is_enabled);
      g_assert_cmpstr (status->node_name, ==, harper_fixture_get_node_name (nodes, i));
    }
  /* Kept for the organization: the user in the store, the password in the
   * keyring. */
  g_assert_cmpstr (deck_organization_get_cluster_user (demo), ==, CLUSTER_USER);
  TEST_AWAIT (result, 10000,
              deck_credentials_lookup_async (credentials, DECK_SECRET_CLUSTER_USER,
                                             deck_organization_get_id (demo), NULL,
                                             test_util_store_result, &result));
  password = deck_credentials_lookup_finish (credentials, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, CLUSTER_PASSWORD);

  drop_job (jobs[0]);
  drop_job (jobs[1]);
}

static void
test_connect (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *answer = NULL;
  DeckConnectJob *job;
  DeckConnectJob *second;
  GPtrArray *missing;

  /* node1 has jobsdb.dog, node2 does not. */
  answer = HDB_SYNC (probes[0], create_database, &error, "jobsdb");
  g_assert_no_error (error);
  g_clear_pointer (&answer, g_free);
  answer = HDB_SYNC (probes[0], create_table, &error, "jobsdb", "dog", "id");
  g_assert_no_error (error);
  g_assert_false (has_table (1, "jobsdb", "dog"));

  /* Prepare: it says what is missing where, and waits. */
  job = deck_connect_job_new (context, instances[0], instances[1]);
  g_assert_true (deck_job_start (DECK_JOB (job), &error));
  g_assert_no_error (error);
  /* The same job while it runs: refused. */
  second = deck_connect_job_new (context, instances[0], instances[1]);
  g_assert_false (deck_job_start (DECK_JOB (second), &error));
  g_assert_error (error, DECK_JOB_ERROR, DECK_JOB_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_finalize_object (second);

  wait_job (DECK_JOB (job));
  assert_job_state (DECK_JOB (job), DECK_JOB_STATE_PREPARED);
  missing = deck_connect_job_get_missing_on_peer (job);
  g_assert_cmpuint (missing->len, ==, 1);
  g_assert_cmpstr (((DeckMissingTable *) g_ptr_array_index (missing, 0))->table, ==, "dog");
  g_assert_cmpuint (deck_connect_job_get_missing_here (job)->len, ==, 0);
  g_assert_cmpstr (deck_connect_job_get_peer_node_name (job), ==, "node2");

  /* Cancelled at the decision: nothing was sent. */
  deck_job_cancel (DECK_JOB (job));
  assert_job_state (DECK_JOB (job), DECK_JOB_STATE_CANCELLED);
  g_assert_false (connected_to (0, "node2"));
  g_assert_false (connected_to (1, "node1"));
  g_assert_false (has_table (1, "jobsdb", "dog"));
  drop_job (job);

  /* Again, creating what is missing. */
  job = deck_connect_job_new (context, instances[0], instances[1]);
  g_assert_true (deck_job_start (DECK_JOB (job), &error));
  wait_job (DECK_JOB (job));
  assert_job_state (DECK_JOB (job), DECK_JOB_STATE_PREPARED);
  g_assert_true (deck_connect_job_connect (job, TRUE, &error));
  g_assert_no_error (error);
  wait_job (DECK_JOB (job));
  assert_job_state (DECK_JOB (job), DECK_JOB_STATE_SUCCEEDED);
  g_assert_true (deck_connect_job_get_created_missing (job));
  g_assert_true (has_table (1, "jobsdb", "dog"));
  g_assert_true (connected_to (0, "node2"));
  g_assert_true (connected_to (1, "node1"));

  /* Found from either side until forgotten. */
  g_assert_true (deck_context_find_job (context, deck_instance_get_id (instances[1]),
                                        DECK_JOB_KIND_CONNECT) == DECK_JOB (job));
  drop_job (job);
}

static void
test_apply (void)
{
  g_autoptr(HdbClusterStatus) status = cluster_status (0);
  g_autoptr(DeckChangeSet) staged = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GError) error = NULL;
  DeckChangeSet *pending = deck_pending_get_changes (deck_context_get_pending (context));
  const HdbConnection *conn = hdb_cluster_status_find_connection (status, "node2");
  DeckBaseline baseline;
  DeckApplyJob *job;
  DeckConnectJob *connect;
  guint skipped = 0;

  /* Connected again: the tables are on both sides now. */
  connect = deck_connect_job_new (context, instances[0], instances[1]);
  g_assert_true (deck_job_start (DECK_JOB (connect), &error));
  wait_job (DECK_JOB (connect));
  assert_job_state (DECK_JOB (connect), DECK_JOB_STATE_PREPARED);
  g_assert_false (deck_connect_job_has_missing (connect));
  g_assert_true (deck_connect_job_connect (connect, FALSE, &error));
  g_assert_no_error (error);
  wait_job (DECK_JOB (connect));
  assert_job_state (DECK_JOB (connect), DECK_JOB_STATE_SUCCEEDED);
  g_assert_false (deck_connect_job_get_created_missing (connect));
  drop_job (connect);
  hdb_cluster_status_free (status);
  status = cluster_status (0);
  conn = hdb_cluster_status_find_connection (status, "node2");

  /* Stage: node1 stops publishing jobsdb.dog to node2. */
  g_assert_nonnull (conn);
  g_assert_null (deck_pending_get_problem (deck_context_get_pending (context)));
  deck_baseline_from_connection (conn, "jobsdb", "dog", &baseline);
  deck_change_set_set_publish (pending, deck_instance_get_id (instances[0]), "node2", "jobsdb",
                               "dog", FALSE, &baseline);
  g_assert_cmpuint (deck_change_set_get_n_changes (pending), ==, 1);
  staged = deck_change_set_copy (pending);

  job = deck_apply_job_new (context, pending);
  g_assert_true (deck_job_start (DECK_JOB (job), &error));
  g_assert_no_error (error);
  wait_job (DECK_JOB (job));
  assert_job_state (DECK_JOB (job), DECK_JOB_STATE_PREPARED);
  g_assert_cmpuint (deck_plan_get_n_requests (deck_apply_job_get_plan (job)), >, 0);
  /* The cluster password came from the keyring (enable kept it). */
  g_assert_false (deck_apply_job_needs_password (job));

  g_assert_true (deck_apply_job_apply (job, &error));
  g_assert_no_error (error);
  wait_job (DECK_JOB (job));
  assert_job_state (DECK_JOB (job), DECK_JOB_STATE_SUCCEEDED);
  g_assert_null (deck_apply_job_get_settle_error (job));
  g_assert_cmpuint (deck_change_set_get_n_changes (deck_apply_job_get_applied (job)), ==, 1);

  /* Settled: the change left the pending changes (and their file), the
   * history has the operations. */
  g_assert_cmpuint (deck_change_set_get_n_changes (pending), ==, 0);
  {
    g_autoptr(DeckPending) on_disk = deck_pending_new (NULL);

    g_assert_true (deck_pending_load (on_disk, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (deck_change_set_get_n_changes (deck_pending_get_changes (on_disk)), ==, 0);
  }
  history = deck_history_load (deck_context_get_history_path (context), &skipped, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, deck_apply_job_get_result (job)->results->len);
  g_assert_cmpuint (skipped, ==, 0);

  /* On node1: jobsdb.dog is not published to node2 any more. */
  {
    g_autoptr(HdbClusterStatus) after = cluster_status (0);
    DeckBaseline now;

    deck_baseline_from_connection (hdb_cluster_status_find_connection (after, "node2"), "jobsdb",
                                   "dog", &now);
    g_assert_false (now.publish);
    g_assert_true (now.subscribe);
  }
  drop_job (job);
}

static void
test_disconnect (void)
{
  g_autoptr(GError) error = NULL;
  DeckDisconnectJob *job = deck_disconnect_job_new (context, instances[0], instances[1], NULL, NULL);

  g_assert_true (deck_job_start (DECK_JOB (job), &error));
  g_assert_no_error (error);
  wait_job (DECK_JOB (job));
  assert_job_state (DECK_JOB (job), DECK_JOB_STATE_SUCCEEDED);
  g_assert_cmpstr (deck_disconnect_job_get_peer_node_name (job), ==, "node2");
  g_assert_false (connected_to (0, "node2"));
  g_assert_false (connected_to (1, "node1"));
  drop_job (job);
}

static void
on_finished_state (DeckJob      *job,
                   DeckJobState *state)
{
  *state = deck_job_get_state (job);
}

static void
test_context_gone (void)
{
  g_autoptr(GError) error = NULL;
  DeckConnectJob *job = deck_connect_job_new (context, instances[0], instances[1]);
  DeckJob *weak = DECK_JOB (job);
  DeckJobState ended = DECK_JOB_STATE_IDLE;

  g_object_add_weak_pointer (G_OBJECT (job), (gpointer *) &weak);
  g_signal_connect (job, "finished", G_CALLBACK (on_finished_state), &ended);
  g_assert_true (deck_job_start (DECK_JOB (job), &error));
  g_assert_no_error (error);
  g_object_unref (job);
  g_assert_nonnull (weak);   /* the context keeps it */
  g_assert_cmpint (deck_job_get_state (weak), ==, DECK_JOB_STATE_RUNNING);

  /* The context goes: the job is cancelled, and goes once its reads are
   * back (they hold it until then). */
  g_clear_object (&context);
  {
    gint64 end = g_get_monotonic_time () + (gint64) JOB_BOUND_MS * 1000;

    while (weak != NULL && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_null (weak);
  g_assert_cmpint (ended, ==, DECK_JOB_STATE_CANCELLED);
}

/* Setup ------------------------------------------------------------------------ */

static gboolean
setup (GError **error)
{
  g_autoptr(GError) problem = NULL;
  g_autofree char *path = NULL;

  nodes = harper_fixture_start (2, HARPER_FIXTURE_UNCONFIGURED, error);
  if (nodes == NULL)
    return FALSE;
  g_test_message ("2 Harper %s nodes started in %.1f s", harper_fixture_get_version (nodes),
                  harper_fixture_get_start_seconds (nodes));

  store_dir = g_dir_make_tmp ("clusterdeck-jobs-XXXXXX", error);
  if (store_dir == NULL)
    return FALSE;
  path = g_build_filename (store_dir, "organizations.json", NULL);
  store = deck_store_new (path);
  if (!deck_store_load (store, &problem, error))
    return FALSE;
  credentials = g_object_ref (deck_credentials_get_default ());
  monitor = deck_instance_monitor_new (store, credentials);
  context = deck_context_new (store, credentials, monitor);

  demo = deck_store_add_organization (store, "Demo", error);
  if (demo == NULL)
    return FALSE;
  for (guint i = 0; i < 2; i++)
    {
      instances[i] = deck_store_add_instance (store, demo, harper_fixture_get_node_name (nodes, i),
                                              harper_fixture_get_url (nodes, i),
                                              harper_fixture_get_username (nodes), NULL, error);
      if (instances[i] == NULL)
        return FALSE;
      /* As the command line gives it: the monitor is not started. */
      deck_instance_monitor_set_password (monitor, instances[i], harper_fixture_get_password (nodes));
      probes[i] = hdb_test_client (harper_fixture_get_url (nodes, i),
                                   harper_fixture_get_username (nodes),
                                   harper_fixture_get_password (nodes));
    }
  return TRUE;
}

static void
teardown (void)
{
  g_clear_object (&context);
  g_clear_object (&monitor);
  g_clear_object (&credentials);
  for (guint i = 0; i < 2; i++)
    g_clear_object (&probes[i]);
  g_clear_object (&store);
  g_clear_pointer (&nodes, harper_fixture_free);
  if (store_dir != NULL)
    {
      g_autofree char *path = g_build_filename (store_dir, "organizations.json", NULL);

      g_unlink (path);
      g_rmdir (store_dir);
    }
  g_clear_pointer (&store_dir, g_free);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  /* G_DEBUG=fatal-warnings for this program only: in the environment it
   * would reach the keyring daemon that tests/with-keyring.sh starts. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL);
  if (!setup (&error))
    {
      g_print ("Bail out! setup failed: %s\n", error->message);
      teardown ();
      return 1;
    }

  g_test_add_func ("/jobs/not-enabled", test_not_enabled);
  g_test_add_func ("/jobs/enable-outlives-starter", test_enable_outlives_starter);
  g_test_add_func ("/jobs/connect", test_connect);
  g_test_add_func ("/jobs/disconnect", test_disconnect);
  g_test_add_func ("/jobs/apply", test_apply);
  g_test_add_func ("/jobs/context-gone", test_context_gone);
  status = g_test_run ();
  teardown ();
  return status;
}
