/* test-engine-nats.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DeckEngine (legacy NATS clustering) against two real Harper 4.4.18 nodes
 * installed without clustering: enable through the core (role, cluster
 * user, the clustering section, the restart followed by a real
 * DeckRestartMonitor), connect (route, reload, add_node with a subscription
 * per common table), data flowing both ways, disconnect. nats-server listens
 * on every interface, so in-netns.sh runs this in a private network
 * namespace; the two nodes share it and get distinct NATS ports through
 * DeckEnableRequest.
 */

#include <string.h>

#include "deck-engine.h"
#include "harper-fixture.h"
#include "hdb-test-helpers.h"

#define DB                "natsengine"
#define TABLE             "dog"
#define CLUSTER_USER      "deck_nats"
#define CLUSTER_PASSWORD  "Nats-Cluster-Pw-1"
#define ENGINE_WAIT_MS    240000

static HarperFixture *cluster;
static HdbClient *clients[2];
static DeckEngine *engine;

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

static void
on_phase (GObject    *object,
          GParamSpec *pspec,
          gpointer    user_data)
{
  GArray *phases = user_data;
  guint phase = deck_restart_monitor_get_phase (DECK_RESTART_MONITOR (object));

  g_array_append_val (phases, phase);
}

static gboolean
phases_contain (GArray *phases,
                guint   phase)
{
  for (guint i = 0; i < phases->len; i++)
    if (g_array_index (phases, guint, i) == phase)
      return TRUE;
  return FALSE;
}

/* Node i uses the NATS ports the harness gives a NATS node (ops + 3 … + 6). */
static gboolean
enable_node (guint        i,
             GArray      *phases,
             double      *seconds,
             GError     **error)
{
  g_autoptr(DeckRestartMonitor) monitor = deck_restart_monitor_new (clients[i]);
  guint port = harper_fixture_get_port (cluster, i);
  DeckEnableRequest request = {
    .cluster_user = CLUSTER_USER,
    .cluster_password = CLUSTER_PASSWORD,
    .node_name = node_name (i),
    .nats_hub_port = port + 3,
    .nats_hub_leafnodes_port = port + 4,
    .nats_hub_cluster_port = port + 5,
    .nats_leaf_port = port + 6,
  };
  gint64 start = g_get_monotonic_time ();
  gboolean ok;

  g_signal_connect (monitor, "notify::phase", G_CALLBACK (on_phase), phases);
  ok = ENGINE_SYNC (enable, error, clients[i], &request, monitor);
  g_signal_handlers_disconnect_by_data (monitor, phases);
  *seconds = (g_get_monotonic_time () - start) / 1e6;
  return ok;
}

static gboolean
lists_node (guint       i,
            const char *name)
{
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(GError) error = NULL;

  status = HDB_SYNC (clients[i], cluster_status, &error);
  g_assert_no_error (error);
  return hdb_cluster_status_find_connection (status, name) != NULL;
}

/* Harper 4.4.18 decides whether "its" NATS servers run by looking for any
 * process named nats-server on the machine. With two instances on one host,
 * the second one enabled by a `restart` sees the first one's servers, starts
 * none of its own and stops the others (a one-instance-per-host deployment
 * never meets this). So node1 is stopped while node2 is enabled, and then
 * started again: a full start always starts the node's own servers. */
static void
test_enable (void)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GArray) phases = g_array_new (FALSE, FALSE, sizeof (guint));
      double seconds;
      gboolean ok;

      if (i == 1)
        {
          ok = harper_fixture_stop_node (cluster, 0, &error);
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      ok = enable_node (i, phases, &seconds, &error);
      g_assert_no_error (error);
      g_assert_true (ok);
      g_test_message ("%s: NATS enabled through the engine in %.1f s", node_name (i), seconds);
      g_assert_true (phases_contain (phases, DECK_RESTART_PHASE_WRITING_CONFIGURATION));
      g_assert_cmpuint (g_array_index (phases, guint, phases->len - 1), ==,
                        DECK_RESTART_PHASE_DONE);
    }
  {
    gint64 start = g_get_monotonic_time ();
    gboolean ok = harper_fixture_start_node (cluster, 0, &error);

    g_assert_no_error (error);
    g_assert_true (ok);
    g_test_message ("%s started again in %.1f s", node_name (0),
                    (g_get_monotonic_time () - start) / 1e6);
  }

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(HdbConfiguration) config = NULL;
      g_autoptr(HdbClusterStatus) status = NULL;
      g_autoptr(GPtrArray) users = NULL;
      gboolean found = FALSE;

      config = HDB_SYNC (clients[i], get_configuration, &error);
      g_assert_no_error (error);
      g_assert_true (config->clustering_enabled);
      g_assert_cmpstr (config->clustering_node_name, ==, node_name (i));
      g_assert_cmpstr (config->clustering_user, ==, CLUSTER_USER);
      g_assert_cmpint (hdb_configuration_get_engine (config), ==, HDB_ENGINE_NATS);

      status = HDB_SYNC (clients[i], cluster_status, &error);
      g_assert_no_error (error);
      g_assert_cmpint (status->engine, ==, HDB_ENGINE_NATS);
      g_assert_true (status->is_enabled);
      g_assert_cmpstr (status->node_name, ==, node_name (i));

      users = HDB_SYNC (clients[i], list_users, &error);
      g_assert_no_error (error);
      for (guint k = 0; k < users->len; k++)
        {
          const HdbUserInfo *user = g_ptr_array_index (users, k);

          if (g_strcmp0 (user->username, CLUSTER_USER) == 0)
            found = user->cluster_user && !user->super_user;
        }
      g_assert_true (found);
    }
}

static void
test_enable_again (void)
{
  gboolean ok;
  g_autoptr(GArray) phases = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GError) error = NULL;
  double seconds;

  ok = enable_node (0, phases, &seconds, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_false (phases_contain (phases, DECK_RESTART_PHASE_RESTARTING));
  g_test_message ("enabling %s again: %.2f s, no restart", node_name (0), seconds);
}

static void
test_connect_without_common_table (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) routes = NULL;
  g_autofree char *text = NULL;
  DeckPeer peer = { .client = clients[1], .node_name = node_name (1) };

  g_assert_false (ENGINE_SYNC (connect, &error, clients[0], CLUSTER_USER, CLUSTER_PASSWORD,
                               &peer));
  g_assert_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "same database and table"));
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* Nothing was changed: no route. */
  routes = HDB_SYNC (clients[0], cluster_get_routes, &error);
  g_assert_no_error (error);
  text = json_to_string (routes, FALSE);
  g_assert_null (strstr (text, "port"));
}

static void
test_connect (void)
{
  gboolean ok;
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  const HdbConnection *conn;
  DeckPeer peer = { .client = clients[1], .node_name = node_name (1) };
  gint64 start;

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *db = HDB_SYNC (clients[i], create_database, &error, DB);
      g_autofree char *table = NULL;

      g_assert_no_error (error);
      table = HDB_SYNC (clients[i], create_table, &error, DB, TABLE, "id");
      g_assert_no_error (error);
    }

  start = g_get_monotonic_time ();
  ok = ENGINE_SYNC (connect, &error, clients[0], CLUSTER_USER, CLUSTER_PASSWORD,
                              &peer);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_test_message ("NATS connect %s → %s in %.1f s", node_name (0), node_name (1),
                  (g_get_monotonic_time () - start) / 1e6);

  status = HDB_SYNC (clients[0], cluster_status, &error);
  g_assert_no_error (error);
  conn = hdb_cluster_status_find_connection (status, node_name (1));
  g_assert_nonnull (conn);
  g_assert_cmpstr (conn->status, ==, "open");
  g_assert_cmpuint (conn->subscriptions->len, ==, 1);

  hdb_test_insert (clients[0], DB, TABLE, 1, "from A");
  g_assert_true (hdb_test_wait_record (clients[1], DB, TABLE, 1, 20000));
  hdb_test_insert (clients[1], DB, TABLE, 2, "from B");
  g_assert_true (hdb_test_wait_record (clients[0], DB, TABLE, 2, 20000));
}

static void
test_disconnect (void)
{
  gboolean ok;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) routes = NULL;
  g_autofree char *text = NULL;
  g_autofree char *port = NULL;
  DeckPeer peer = { .client = clients[1], .node_name = node_name (1) };
  gint64 start = g_get_monotonic_time ();

  ok = ENGINE_SYNC (disconnect, &error, clients[0], node_name (0), &peer);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_test_message ("NATS disconnect in %.1f s", (g_get_monotonic_time () - start) / 1e6);

  g_assert_false (lists_node (0, node_name (1)));
  g_assert_false (lists_node (1, node_name (0)));

  routes = HDB_SYNC (clients[0], cluster_get_routes, &error);
  g_assert_no_error (error);
  text = json_to_string (routes, FALSE);
  port = g_strdup_printf ("%u", harper_fixture_get_port (cluster, 1) + 5);
  g_assert_null (strstr (text, port));

  test_util_spin (1500);
  hdb_test_insert (clients[0], DB, TABLE, 3, "after disconnect, from A");
  hdb_test_insert (clients[1], DB, TABLE, 4, "after disconnect, from B");
  g_assert_false (hdb_test_wait_record (clients[1], DB, TABLE, 3, 4000));
  g_assert_false (hdb_test_wait_record (clients[0], DB, TABLE, 4, 1000));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  /* Unconfigured: no replication, no NATS; the engine enables NATS. */
  cluster = harper_fixture_start (2, HARPER_FIXTURE_UNCONFIGURED, &error);
  if (cluster == NULL)
    {
      g_print ("1..1\nnot ok 1 - start two Harper 4.4.18 nodes: %s\n", error->message);
      return 1;
    }
  for (guint i = 0; i < 2; i++)
    clients[i] = hdb_test_client (harper_fixture_get_url (cluster, i),
                                  harper_fixture_get_username (cluster),
                                  harper_fixture_get_password (cluster));
  engine = deck_engine_new_for (HDB_ENGINE_NATS);

  g_test_add_func ("/engine/nats/enable", test_enable);
  g_test_add_func ("/engine/nats/enable-again", test_enable_again);
  g_test_add_func ("/engine/nats/connect-without-common-table", test_connect_without_common_table);
  g_test_add_func ("/engine/nats/connect", test_connect);
  g_test_add_func ("/engine/nats/disconnect", test_disconnect);

  status = g_test_run ();

  g_clear_object (&engine);
  for (guint i = 0; i < 2; i++)
    g_clear_object (&clients[i]);
  g_clear_pointer (&cluster, harper_fixture_free);
  return status;
}
