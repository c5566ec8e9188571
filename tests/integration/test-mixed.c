/* test-mixed.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A mixed cluster, as a rolling upgrade leaves one: a node of the baseline
 * (4.4.18) and a node of the newest version (4.7.29) (HARPER_MIXED_VERSIONS,
 * set by meson from tests/harper/versions/matrix.txt), started with
 * replication unconfigured and driven through the core as the app does:
 * enable each (its own restart style followed by the restart monitor),
 * connect them with native replication, data flowing both ways, publish
 * switched off on the older node through change set →
 * plan → applier (the link becomes per-table subscriptions: only the newer
 * node's records flow), switched on again (new records flow both ways
 * again), disconnect (nothing flows any more). The plan loader, given the
 * versions the store knows, makes the older node's link anew too when
 * only the older node is named. cluster_status is read from
 * both: 4.4 writes its socket fields in snake_case, 4.7 in camelCase, and
 * the parser reads both.
 *
 * Full replication is what Harper cannot do across these versions: it
 * replicates the system database too, and the 4.4.18 node exited (silently,
 * and again at every start) once the 4.7.29 node's system table definitions
 * arrived. So the engine links them table by table, every table both have,
 * both ways (hdb_capabilities_full_replication_with()), and a pair with no
 * table in common is refused with that reason.
 */

#include <string.h>

#include "deck-applier.h"
#include "deck-engine.h"
#include "deck-plan-loader.h"
#include "harper-fixture.h"
#include "hdb-capabilities.h"
#include "hdb-test-helpers.h"

#define DB                "mixedflow"
#define TABLE             "dog"
#define CTL_DB            "mixedctl"
#define CTL               "ctl"
#define CLUSTER_USER      "deck_mixed"
#define CLUSTER_PASSWORD  "Mixed-Cluster-Pw-3"
#define ENGINE_WAIT_MS    240000
#define APPLY_WAIT_MS     120000
#define ARRIVE_MS         30000
#define ABSENT_MS         3000
#define SWITCH_MS         20000
#define N_NODES           2

static HarperFixture *cluster;
static HdbClient *clients[N_NODES];
static const char *ids[N_NODES] = { "instance-old", "instance-new" };
static GHashTable *client_table;   /* instance id → HdbClient */
static DeckEngine *engine;
static gint64 next_id = 1;

#define ENGINE_SYNC(name, error, ...)                                             \
  ({                                                                              \
    g_autoptr(GAsyncResult) _res = NULL;                                          \
    TEST_AWAIT (_res, ENGINE_WAIT_MS,                                             \
                deck_engine_##name##_async (engine, ##__VA_ARGS__, NULL,          \
                                            test_util_store_result, &_res));      \
    deck_engine_##name##_finish (engine, _res, error);                            \
  })

static const char *
node_name (guint i)
{
  return harper_fixture_get_node_name (cluster, i);
}

static const char *
version (guint i)
{
  return harper_fixture_get_node_version (cluster, i);
}

static HdbClusterStatus *
read_status (guint i)
{
  g_autoptr(GError) error = NULL;
  HdbClusterStatus *status = HDB_SYNC (clients[i], cluster_status, &error);

  g_assert_no_error (error);
  g_assert_nonnull (status);
  return status;
}

/* A record written on @from arrives on @to (TRUE), or not within ABSENT_MS. */
static gboolean
flows (guint from,
       guint to)
{
  gint64 id = next_id++;
  g_autofree char *label = g_strdup_printf ("from %s (Harper %s)", node_name (from), version (from));

  hdb_test_insert (clients[from], DB, TABLE, id, label);
  return hdb_test_wait_record (clients[to], DB, TABLE, id, ARRIVE_MS);
}

static void
test_versions (void)
{
  g_auto(GStrv) wanted = g_strsplit (g_getenv ("HARPER_MIXED_VERSIONS"), " ", -1);

  for (guint i = 0; i < N_NODES; i++)
    {
      g_autoptr(HdbRegistrationInfo) info = NULL;
      g_autoptr(GError) error = NULL;

      info = HDB_SYNC (clients[i], registration_info, &error);
      g_assert_no_error (error);
      g_test_message ("%s: Harper %s (%s restart)", node_name (i), info->version,
                      hdb_restart_style_to_string (hdb_capabilities_for_version (info->version)->restart_style));
      g_assert_cmpstr (info->version, ==, wanted[i]);
      g_assert_cmpstr (info->version, ==, version (i));
      g_assert_true (hdb_capabilities_for_version (info->version)->native);
    }
  /* A mixed cluster indeed. */
  g_assert_cmpstr (version (0), !=, version (1));
}

static void
create_tables (void)
{
  for (guint i = 0; i < N_NODES; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *made = NULL;

      /* The same tables on both before they connect (4.4 does not create
       * them for its peer). */
      made = HDB_SYNC (clients[i], create_database, &error, DB);
      g_assert_no_error (error);
      g_clear_pointer (&made, g_free);
      made = HDB_SYNC (clients[i], create_table, &error, DB, TABLE, "id");
      g_assert_no_error (error);
      g_clear_pointer (&made, g_free);
      made = HDB_SYNC (clients[i], create_database, &error, CTL_DB);
      g_assert_no_error (error);
      g_clear_pointer (&made, g_free);
      made = HDB_SYNC (clients[i], create_table, &error, CTL_DB, CTL, "id");
      g_assert_no_error (error);
    }
}

static void
test_enable (void)
{
  for (guint i = 0; i < N_NODES; i++)
    {
      g_autoptr(DeckRestartMonitor) monitor = deck_restart_monitor_new (clients[i]);
      g_autoptr(GError) error = NULL;
      DeckEnableRequest request = {
        .cluster_user = CLUSTER_USER,
        .cluster_password = CLUSTER_PASSWORD,
        .node_name = node_name (i),
      };

      g_assert_true (ENGINE_SYNC (enable, &error, clients[i], &request, monitor));
      g_assert_no_error (error);
      g_test_message ("%s (Harper %s) enabled; its restart took %.1f s", node_name (i), version (i),
                      deck_restart_monitor_get_elapsed (monitor));
    }
}

/* Before the tables exist, there is nothing to link table by table: the
 * connect is refused, with the reason, and nothing is added. */
static void
test_connect_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdbClusterStatus) status = NULL;
  DeckPeer peer = { .client = clients[1], .node_name = node_name (1) };

  g_assert_false (ENGINE_SYNC (connect, &error, clients[0], CLUSTER_USER, CLUSTER_PASSWORD, &peer));
  g_test_message ("%s", error->message);
  g_assert_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, version (0)));
  g_assert_nonnull (strstr (error->message, version (1)));
  g_assert_nonnull (strstr (error->message, "full replication"));
  status = read_status (0);
  g_assert_null (hdb_cluster_status_find_connection (status, node_name (1)));
}

/* The older node connects to the newer one, table by table. */
static void
test_connect (void)
{
  g_autoptr(GError) error = NULL;
  DeckPeer peer = { .client = clients[1], .node_name = node_name (1) };
  gboolean ok;

  create_tables ();
  ok = ENGINE_SYNC (connect, &error, clients[0], CLUSTER_USER, CLUSTER_PASSWORD, &peer);
  if (error != NULL)
    g_test_message ("connect: %s", error->message);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_true (hdb_test_wait_link (clients[0], node_name (1), TRUE, 15000));
  g_assert_true (hdb_test_wait_link (clients[1], node_name (0), TRUE, 15000));

  /* Each side reports the link in its own dialect; both are understood. */
  for (guint i = 0; i < N_NODES; i++)
    {
      g_autoptr(HdbClusterStatus) status = read_status (i);
      const HdbConnection *conn = hdb_cluster_status_find_connection (status, node_name (1 - i));
      const HdbCapabilities *caps = hdb_capabilities_for_version (version (i));
      gboolean any_thread = FALSE;
      gboolean any_catching_up = FALSE;

      g_assert_nonnull (conn);
      g_assert_false (conn->replicates);
      g_assert_cmpuint (conn->subscriptions->len, ==, 2);
      for (guint k = 0; k < conn->subscriptions->len; k++)
        {
          const HdbSubscription *sub = g_ptr_array_index (conn->subscriptions, k);

          g_assert_true (sub->publish && sub->subscribe);
        }
      g_assert_true (hdb_connection_is_connected (conn));
      for (guint k = 0; k < conn->database_sockets->len; k++)
        {
          const HdbDatabaseSocket *socket = g_ptr_array_index (conn->database_sockets, k);

          any_thread |= socket->thread_id >= 0;
          any_catching_up |= socket->catching_up_from != NULL;
        }
      g_test_message ("%s (Harper %s) sees %s: %u database sockets, thread ids %s, "
                      "catching_up_from %s", node_name (i), version (i), node_name (1 - i),
                      conn->database_sockets->len, any_thread ? "read" : "missing",
                      any_catching_up ? "reported" : "not reported");
      g_assert_cmpuint (conn->database_sockets->len, >, 0);
      g_assert_true (any_thread);
      g_assert_true (any_catching_up == caps->status_catching_up);
    }

  g_assert_true (flows (0, 1));
  g_assert_true (flows (1, 0));
}

/* The plan as the app makes it, from what the instances report now. */
static DeckPlan *
make_plan (DeckChangeSet *changes)
{
  g_autoptr(GHashTable) statuses = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                          (GDestroyNotify) hdb_cluster_status_free);
  g_autoptr(GHashTable) schemas = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                         (GDestroyNotify) hdb_schema_free);
  g_autoptr(GHashTable) versions = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < N_NODES; i++)
    {
      g_autoptr(GError) error = NULL;
      HdbSchema *schema;

      g_hash_table_insert (statuses, (gpointer) ids[i], read_status (i));
      schema = HDB_SYNC (clients[i], describe_all, &error);
      g_assert_no_error (error);
      g_hash_table_insert (schemas, (gpointer) ids[i], schema);
      g_hash_table_insert (versions, (gpointer) node_name (i), (gpointer) version (i));
    }
  return deck_plan_new_versioned (changes, statuses, NULL, schemas, versions);
}

static void
apply_toggle (gboolean publish,
              gboolean on)
{
  g_autoptr(DeckChangeSet) changes = deck_change_set_new ();
  g_autoptr(HdbClusterStatus) status = read_status (0);
  g_autoptr(DeckPlan) plan = NULL;
  g_autoptr(DeckApplier) applier = deck_applier_new ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(DeckApplyResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const HdbConnection *conn = hdb_cluster_status_find_connection (status, node_name (1));
  DeckBaseline baseline;

  g_assert_nonnull (conn);
  deck_baseline_from_connection (conn, DB, TABLE, &baseline);
  if (publish)
    deck_change_set_set_publish (changes, ids[0], node_name (1), DB, TABLE, on, &baseline);
  else
    deck_change_set_set_subscribe (changes, ids[0], node_name (1), DB, TABLE, on, &baseline);
  plan = make_plan (changes);
  text = deck_plan_describe (plan);
  g_test_message ("%s", text);
  g_assert_null (strstr (text, CLUSTER_PASSWORD));

  for (guint i = 0; i < N_NODES; i++)
    deck_applier_set_peer_client (applier, node_name (i), clients[i]);
  TEST_AWAIT (res, APPLY_WAIT_MS,
              deck_applier_apply_async (applier, plan, client_table, CLUSTER_USER,
                                        CLUSTER_PASSWORD, NULL, test_util_store_result, &res));
  result = deck_applier_apply_finish (applier, res, &error);
  g_assert_no_error (error);
  for (guint k = 0; k < result->results->len; k++)
    {
      const DeckApplyOpResult *r = g_ptr_array_index (result->results, k);

      g_test_message ("%s: %s", deck_plan_op_kind_to_string (r->kind),
                      r->error != NULL ? r->error->message : r->message);
    }
  g_assert_cmpuint (result->n_failed, ==, 0);
  g_assert_cmpuint (result->n_ok, >, 0);
  g_assert_cmpuint (deck_change_set_get_n_changes (result->remaining), ==, 0);
}

/* The plan as the window and the CLI load it (deck_plan_load_versioned_async(),
 * given the versions the store knows), for a change made on the older node
 * alone: where either side does not change a link in place, the loader reads
 * the newer node too and the link is made anew, though only the older one
 * was named. Nothing is sent. */
static void
test_plan_load (void)
{
  g_autoptr(DeckChangeSet) changes = deck_change_set_new ();
  g_autoptr(HdbClusterStatus) status = read_status (0);
  g_autoptr(GHashTable) known = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GHashTable) unreadable = NULL;
  g_autoptr(DeckPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const HdbConnection *conn = hdb_cluster_status_find_connection (status, node_name (1));
  gboolean relink = FALSE;
  DeckBaseline baseline;

  g_assert_nonnull (conn);
  for (guint i = 0; i < N_NODES; i++)
    {
      g_hash_table_insert (known, (gpointer) node_name (i), (gpointer) version (i));
      relink |= !hdb_capabilities_for_version (version (i))->updates_in_place;
    }
  deck_baseline_from_connection (conn, DB, TABLE, &baseline);
  deck_change_set_set_publish (changes, ids[0], node_name (1), DB, TABLE, FALSE, &baseline);

  TEST_AWAIT (res, APPLY_WAIT_MS,
              deck_plan_load_versioned_async (changes, client_table, known, NULL,
                                              test_util_store_result, &res));
  plan = deck_plan_load_finish (res, &unreadable, &error);
  g_assert_no_error (error);
  text = deck_plan_describe (plan);
  g_test_message ("%s (Harper %s) → %s (Harper %s): %s", node_name (0), version (0),
                  node_name (1), version (1), text);
  g_assert_cmpuint (deck_plan_get_problems (plan)->len, ==, 0);
  g_assert_cmpuint (deck_plan_get_units (plan)->len, ==, relink ? 1 : 0);
  g_assert_cmpuint (deck_plan_get_n_operations (plan), ==, relink ? 3 : 1);
}

/* Publish off on the older node: its records stop reaching the newer one,
 * the newer one's still arrive. Then on again: new records flow both ways
 * (the newer node does not resume a direction switched back on by
 * update_node, so the plan makes the link anew). The same with subscribe.
 * (Records written while a direction was off are not guaranteed to arrive:
 * Harper resumes a database's stream after the last record the peer
 * received.) */
static void
test_toggle (void)
{
  for (guint k = 0; k < 2; k++)
    {
      gboolean publish = k == 0;
      guint from = publish ? 0 : 1;
      guint to = 1 - from;
      const char *what = publish ? "publish" : "subscribe";
      gint64 held;

      apply_toggle (publish, FALSE);
      g_assert_true (hdb_test_wait_link (clients[0], node_name (1), TRUE, 15000));
      g_assert_true (flows (to, from));
      held = hdb_test_write_until_held (clients[from], clients[to], DB, TABLE, 500 + k,
                                        "written while off", ABSENT_MS, SWITCH_MS);
      g_test_message ("%s off: record %" G_GINT64_FORMAT " of %s is held back", what, held,
                      node_name (from));

      apply_toggle (publish, TRUE);
      g_assert_true (flows (0, 1));
      g_assert_true (flows (1, 0));
      g_test_message ("%s on again: record %" G_GINT64_FORMAT ", written while off, %s", what,
                      held, hdb_test_wait_record (clients[to], DB, TABLE, held, 0)
                      ? "caught up" : "did not catch up (Harper does not guarantee it)");
    }
}

static void
test_disconnect (void)
{
  g_autoptr(GError) error = NULL;
  DeckPeer peer = { .client = clients[1], .node_name = node_name (1) };

  g_assert_true (ENGINE_SYNC (disconnect, &error, clients[0], node_name (0), &peer));
  g_assert_no_error (error);
  for (guint i = 0; i < N_NODES; i++)
    {
      g_autoptr(HdbClusterStatus) status = read_status (i);

      g_assert_null (hdb_cluster_status_find_connection (status, node_name (1 - i)));
    }
  hdb_test_write_until_held (clients[0], clients[1], DB, TABLE, 700, "after disconnect, old",
                             ABSENT_MS, SWITCH_MS);
  hdb_test_write_until_held (clients[1], clients[0], DB, TABLE, 800, "after disconnect, new",
                             ABSENT_MS, SWITCH_MS);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) versions = NULL;
  const char *wanted = g_getenv ("HARPER_MIXED_VERSIONS");
  int status;

  g_test_init (&argc, &argv, NULL);

  if (wanted == NULL || *wanted == '\0')
    {
      g_print ("1..0 # SKIP HARPER_MIXED_VERSIONS (two versions, set by meson) is not set\n");
      return 0;
    }
  versions = g_strsplit (wanted, " ", -1);
  g_assert_cmpuint (g_strv_length (versions), ==, N_NODES);

  cluster = harper_fixture_start_versions ((const char * const *) versions,
                                           HARPER_FIXTURE_UNCONFIGURED, &error);
  if (cluster == NULL)
    {
      g_print ("1..1\nnot ok 1 - start Harper %s and %s: %s\n", versions[0], versions[1],
               error->message);
      return 1;
    }

  client_table = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < N_NODES; i++)
    {
      clients[i] = hdb_test_client (harper_fixture_get_url (cluster, i),
                                    harper_fixture_get_username (cluster),
                                    harper_fixture_get_password (cluster));
      g_hash_table_insert (client_table, (gpointer) ids[i], clients[i]);
    }
  engine = deck_engine_new_for (HDB_ENGINE_NATIVE);

  g_test_add_func ("/mixed/versions", test_versions);
  g_test_add_func ("/mixed/enable", test_enable);
  g_test_add_func ("/mixed/connect-refused", test_connect_refused);
  g_test_add_func ("/mixed/connect", test_connect);
  g_test_add_func ("/mixed/plan-load", test_plan_load);
  g_test_add_func ("/mixed/toggle", test_toggle);
  g_test_add_func ("/mixed/disconnect", test_disconnect);

  status = g_test_run ();

  g_clear_object (&engine);
  g_clear_pointer (&client_table, g_hash_table_unref);
  for (guint i = 0; i < N_NODES; i++)
    g_clear_object (&clients[i]);
  g_clear_pointer (&cluster, harper_fixture_free);
  return status;
}
