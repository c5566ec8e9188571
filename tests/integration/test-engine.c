/* test-engine.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DeckEngine (native replication) against three real Harper nodes of the
 * version under test (HARPER_VERSION) on 127.0.0.1, started with
 * replication unconfigured, through the core as the
 * app uses it: enable with a real DeckRestartMonitor following the restart,
 * connect, data flowing, a connection the peer refuses (and what it leaves
 * behind), disconnect. Every debug message of the run is checked for
 * passwords and Authorization values.
 */

#include <string.h>

#include "deck-engine.h"
#include "deck-native-engine.h"
#include "harper-fixture.h"
#include "hdb-test-helpers.h"

#define DB                "engineflow"
#define TABLE             "dog"
#define CLUSTER_USER      "deck_cluster"
#define CLUSTER_PASSWORD  "Cluster-Pw-1"
#define OTHER_PASSWORD    "Another-Pw-2"
#define NODE3_USER        "deck_cluster3"
#define NODE3_PASSWORD    "Third-Pw-3"
#define ENGINE_WAIT_MS    240000

static HarperFixture *cluster;
static HdbClient *clients[3];
static DeckEngine *engine;

/* Every log message passes here: debug output is counted, checked and
 * dropped, the rest goes to GTest's handler. */
static const char *secrets[8];
static guint n_debug_messages;
static guint n_leaks;
static GLogFunc test_log_handler;

static void
check_message (const char *text)
{
  for (guint k = 0; k < G_N_ELEMENTS (secrets) && secrets[k] != NULL; k++)
    if (strstr (text, secrets[k]) != NULL)
      n_leaks++;
  if (strstr (text, "Basic ") != NULL)
    n_leaks++;
}

static void
check_log (const char     *log_domain,
           GLogLevelFlags  level,
           const char     *message,
           gpointer        user_data)
{
  check_message (message);
  if (level & G_LOG_LEVEL_DEBUG)
    {
      n_debug_messages++;
      return;
    }
  test_log_handler (log_domain, level, message, user_data);
}

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

/* Enables node @i through the engine with a real restart monitor; the
 * phases it went through are returned in @phases. */
static gboolean
enable_node (guint        i,
             const char  *user,
             const char  *password,
             GArray      *phases,
             double      *seconds,
             GError     **error)
{
  g_autoptr(DeckRestartMonitor) monitor = deck_restart_monitor_new (clients[i]);
  DeckEnableRequest request = {
    .cluster_user = user,
    .cluster_password = password,
    .node_name = node_name (i),
  };
  gint64 start = g_get_monotonic_time ();
  gboolean ok;

  g_signal_connect (monitor, "notify::phase", G_CALLBACK (on_phase), phases);
  ok = ENGINE_SYNC (enable, error, clients[i], &request, monitor);
  g_signal_handlers_disconnect_by_data (monitor, phases);
  if (seconds != NULL)
    *seconds = (g_get_monotonic_time () - start) / 1e6;
  return ok;
}

static const HdbUserInfo *
find_user (GPtrArray  *users,
           const char *name)
{
  for (guint i = 0; i < users->len; i++)
    {
      const HdbUserInfo *user = g_ptr_array_index (users, i);

      if (g_strcmp0 (user->username, name) == 0)
        return user;
    }
  return NULL;
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

/* The raw node records of node @i (cluster_status lists only peers with
 * open sockets): whether one is named @name. */
static gboolean
has_node_record (guint       i,
                 const char *name)
{
  g_autofree char *json = g_strdup_printf ("{\"operation\":\"search_by_value\","
                                           "\"database\":\"system\",\"table\":\"hdb_nodes\","
                                           "\"search_attribute\":\"name\",\"search_value\":\"%s\","
                                           "\"get_attributes\":[\"name\"]}", name);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = hdb_test_call (clients[i], json, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_array_get_length (json_node_get_array (node)) > 0;
}

/* Names, URLs ------------------------------------------------------------ */

static void
test_names (void)
{
  g_autoptr(DeckEngine) nats = deck_engine_new_for (HDB_ENGINE_NATS);
  g_autoptr(GError) error = NULL;
  g_autofree char *s1 = NULL;
  g_autofree char *s2 = NULL;
  g_autofree char *s3 = NULL;
  g_autofree char *s4 = NULL;
  g_autofree char *s5 = NULL;
  g_autofree char *u1 = NULL;
  g_autofree char *u2 = NULL;
  g_autofree char *u3 = NULL;
  g_autofree char *u4 = NULL;

  g_assert_null (deck_engine_new_for (HDB_ENGINE_NONE));
  g_assert_null (deck_engine_new_for (HDB_ENGINE_UNKNOWN));
  g_assert_cmpint (deck_engine_get_kind (engine), ==, HDB_ENGINE_NATIVE);
  g_assert_cmpint (deck_engine_get_kind (nats), ==, HDB_ENGINE_NATS);

  g_assert_true (deck_engine_validate_node_name (engine, "db1.example.com", &error));
  g_assert_no_error (error);
  g_assert_true (deck_engine_validate_node_name (engine, "node_1-a", NULL));
  g_assert_false (deck_engine_validate_node_name (engine, "", &error));
  g_assert_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_INVALID_NODE_NAME);
  g_clear_error (&error);
  g_assert_false (deck_engine_validate_node_name (engine, "two words", &error));
  g_assert_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_INVALID_NODE_NAME);
  g_clear_error (&error);
  g_assert_false (deck_engine_validate_node_name (engine, "a/b", NULL));
  {
    g_autofree char *long_name = g_strnfill (256, 'a');

    g_assert_false (deck_engine_validate_node_name (engine, long_name, NULL));
    long_name[255] = '\0';
    g_assert_true (deck_engine_validate_node_name (engine, long_name, NULL));
  }

  g_assert_true (deck_engine_validate_node_name (nats, "node_1-a", NULL));
  g_assert_false (deck_engine_validate_node_name (nats, "db1.example.com", &error));
  g_assert_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_INVALID_NODE_NAME);
  g_clear_error (&error);
  g_assert_false (deck_engine_validate_node_name (nats, "a,b", NULL));
  g_assert_false (deck_engine_validate_node_name (nats, "a*", NULL));
  g_assert_false (deck_engine_validate_node_name (nats, "a>b", NULL));
  g_assert_false (deck_engine_validate_node_name (nats, "a b", NULL));
  g_assert_false (deck_engine_validate_node_name (nats, NULL, NULL));

  s1 = deck_engine_suggest_node_name (engine, "Berlin DB 1", NULL);
  g_assert_cmpstr (s1, ==, "berlin-db-1");
  s2 = deck_engine_suggest_node_name (engine, "db1.example.com", NULL);
  g_assert_cmpstr (s2, ==, "db1.example.com");
  s3 = deck_engine_suggest_node_name (nats, "db1.example.com", NULL);
  g_assert_cmpstr (s3, ==, "db1-example-com");
  s4 = deck_engine_suggest_node_name (engine, "  ¿¡!!  ", "https://Db2.Example.com:9925");
  g_assert_cmpstr (s4, ==, "db2.example.com");
  s5 = deck_engine_suggest_node_name (nats, "Zürich — Haupt", NULL);
  g_assert_true (deck_engine_validate_node_name (nats, s5, NULL));
  g_assert_cmpstr (s5, ==, "zurich-haupt");
  {
    g_autofree char *fallback = deck_engine_suggest_node_name (engine, "***", NULL);

    g_assert_cmpstr (fallback, ==, "node");
  }

  u1 = deck_engine_replication_url_for ("http://127.0.0.1:19100");
  g_assert_cmpstr (u1, ==, "ws://127.0.0.1:19100");
  u2 = deck_engine_replication_url_for ("https://db1.example.com:9925/");
  g_assert_cmpstr (u2, ==, "wss://db1.example.com:9925");
  u3 = deck_engine_replication_url_for ("https://[::1]:9925");
  g_assert_cmpstr (u3, ==, "wss://[::1]:9925");
  u4 = deck_engine_replication_url_for ("ftp://host:1");
  g_assert_null (u4);
}

/* Enable ------------------------------------------------------------------- */

static void
test_enable (void)
{
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GArray) phases = g_array_new (FALSE, FALSE, sizeof (guint));
      g_autoptr(HdbConfiguration) config = NULL;
      g_autoptr(HdbClusterStatus) status = NULL;
      g_autoptr(GPtrArray) users = NULL;
      g_autoptr(GError) error = NULL;
      const HdbUserInfo *user;
      double seconds;
      gboolean ok;

      ok = enable_node (i, CLUSTER_USER, CLUSTER_PASSWORD, phases, &seconds, &error);
      g_assert_no_error (error);
      g_assert_true (ok);
      g_test_message ("%s enabled through the engine in %.1f s (%u phase changes)",
                      node_name (i), seconds, phases->len);
      g_assert_true (phases_contain (phases, DECK_RESTART_PHASE_WRITING_CONFIGURATION));
      g_assert_true (phases_contain (phases, DECK_RESTART_PHASE_RESTARTING));
      g_assert_cmpuint (g_array_index (phases, guint, phases->len - 1), ==,
                        DECK_RESTART_PHASE_DONE);

      /* What the real node now says. */
      config = HDB_SYNC (clients[i], get_configuration, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (config->replication_hostname, ==, node_name (i));
      g_assert_cmpstr (config->replication_url, ==, harper_fixture_get_repl_url (cluster, i));
      status = HDB_SYNC (clients[i], cluster_status, &error);
      g_assert_no_error (error);
      g_assert_cmpint (status->engine, ==, HDB_ENGINE_NATIVE);
      g_assert_true (status->is_enabled);
      g_assert_cmpstr (status->node_name, ==, node_name (i));

      users = HDB_SYNC (clients[i], list_users, &error);
      g_assert_no_error (error);
      user = find_user (users, CLUSTER_USER);
      g_assert_nonnull (user);
      g_assert_true (user->super_user);
      g_assert_true (user->active);
    }
}

static void
test_enable_again (void)
{
  gboolean ok;
  g_autoptr(GArray) phases = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GError) error = NULL;
  double seconds;

  /* Same user, same password, same name: nothing to do, and no restart. */
  ok = enable_node (0, CLUSTER_USER, CLUSTER_PASSWORD, phases, &seconds, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_false (phases_contain (phases, DECK_RESTART_PHASE_RESTARTING));
  g_test_message ("enabling %s again took %.2f s without a restart", node_name (0), seconds);
}

static void
test_enable_refused (void)
{
  g_autoptr(GArray) phases = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(HdbConfiguration) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *added = NULL;
  g_autofree char *added2 = NULL;

  /* An invalid node name is refused before anything is sent. */
  {
    g_autoptr(DeckRestartMonitor) monitor = deck_restart_monitor_new (clients[2]);
    guint before = hdb_client_get_request_count (clients[2]);
    DeckEnableRequest request = {
      .cluster_user = CLUSTER_USER,
      .cluster_password = CLUSTER_PASSWORD,
      .node_name = "node three",
    };

    g_assert_false (ENGINE_SYNC (enable, &error, clients[2], &request, monitor));
    g_assert_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_INVALID_NODE_NAME);
    g_assert_cmpuint (hdb_client_get_request_count (clients[2]), ==, before);
    g_clear_error (&error);
  }

  /* The cluster user exists on node3 with another password. */
  added = HDB_SYNC (clients[2], add_user, &error, CLUSTER_USER, OTHER_PASSWORD, "super_user",
                    TRUE);
  g_assert_no_error (error);
  g_assert_false (enable_node (2, CLUSTER_USER, CLUSTER_PASSWORD, phases, NULL, &error));
  g_assert_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_CLUSTER_USER_MISMATCH);
  g_assert_nonnull (strstr (error->message, "“" CLUSTER_USER "” already exists"));
  g_assert_nonnull (strstr (error->message, "another password"));
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* An existing user that is not a super user will not do either. */
  added2 = HDB_SYNC (clients[2], add_user, &error, "deck_plain", CLUSTER_PASSWORD,
                     "cluster_user", TRUE);
  g_assert_no_error (error);
  g_assert_false (enable_node (2, "deck_plain", CLUSTER_PASSWORD, phases, NULL, &error));
  g_assert_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_CLUSTER_USER_MISMATCH);
  g_assert_nonnull (strstr (error->message, "not a super user"));
  g_clear_error (&error);

  /* Nothing was written. */
  g_assert_false (phases_contain (phases, DECK_RESTART_PHASE_WRITING_CONFIGURATION));
  config = HDB_SYNC (clients[2], get_configuration, &error);
  g_assert_no_error (error);
  g_assert_null (config->replication_hostname);
  g_assert_null (config->replication_url);
}

/* Connect and disconnect ------------------------------------------------------- */

static void
create_schema (guint i)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *table = NULL;

  db = HDB_SYNC (clients[i], create_database, &error, DB);
  g_assert_no_error (error);
  table = HDB_SYNC (clients[i], create_table, &error, DB, TABLE, "id");
  g_assert_no_error (error);
}

static void
test_connect_not_enabled (void)
{
  g_autoptr(GError) error = NULL;
  DeckPeer peer = { .client = clients[2], .node_name = node_name (2) };

  g_assert_false (ENGINE_SYNC (connect, &error, clients[0], CLUSTER_USER, CLUSTER_PASSWORD,
                               &peer));
  g_assert_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_ENABLED);
  g_assert_nonnull (strstr (error->message, harper_fixture_get_url (cluster, 2)));
  g_test_message ("%s", error->message);
}

static void
test_connect (void)
{
  gboolean ok;
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  const HdbConnection *conn;
  /* The URL is left out: the engine reads it from the peer. */
  DeckPeer peer = { .client = clients[1], .node_name = node_name (1) };
  gint64 start;

  create_schema (0);
  create_schema (1);

  start = g_get_monotonic_time ();
  ok = ENGINE_SYNC (connect, &error, clients[0], CLUSTER_USER, CLUSTER_PASSWORD,
                              &peer);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_test_message ("connected %s → %s in %.2f s", node_name (0), node_name (1),
                  (g_get_monotonic_time () - start) / 1e6);

  status = HDB_SYNC (clients[0], cluster_status, &error);
  g_assert_no_error (error);
  conn = hdb_cluster_status_find_connection (status, node_name (1));
  g_assert_nonnull (conn);
  g_assert_true (hdb_connection_is_connected (conn));
  g_assert_true (conn->replicates);
  g_assert_cmpstr (conn->url, ==, harper_fixture_get_repl_url (cluster, 1));
  g_assert_true (conn->has_authorization);
  g_assert_true (hdb_test_wait_link (clients[1], node_name (0), TRUE, 15000));

  hdb_test_insert (clients[0], DB, TABLE, 1, "from node1");
  g_assert_true (hdb_test_wait_record (clients[1], DB, TABLE, 1, 15000));
  hdb_test_insert (clients[1], DB, TABLE, 2, "from node2");
  g_assert_true (hdb_test_wait_record (clients[0], DB, TABLE, 2, 15000));

  /* Connecting again is harmless. */
  ok = ENGINE_SYNC (connect, &error, clients[0], CLUSTER_USER, CLUSTER_PASSWORD,
                              &peer);
  g_assert_no_error (error);
  g_assert_true (ok);
}

static void
test_connect_wrong_password (void)
{
  gboolean ok;
  g_autoptr(GArray) phases = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GError) error = NULL;
  DeckPeer peer = {
    .client = clients[2],
    .node_name = node_name (2),
    .replication_url = harper_fixture_get_repl_url (cluster, 2),
  };
  const char *stray[] = { "127.0.0.1", node_name (2) };

  /* node3 is enabled with its own cluster user; the "deck_cluster" it has
   * carries another password than node1's. */
  ok = enable_node (2, NODE3_USER, NODE3_PASSWORD, phases, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);

  g_assert_false (ENGINE_SYNC (connect, &error, clients[0], CLUSTER_USER, CLUSTER_PASSWORD,
                               &peer));
  g_assert_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_PARTIAL_CONNECT);
  g_assert_nonnull (strstr (error->message, "refused the login"));
  g_assert_nonnull (strstr (error->message, "same password"));
  g_test_message ("%s", error->message);

  /* Nothing stray is left on either side (nor on node2, which shares
   * node1's system database). */
  for (guint k = 0; k < G_N_ELEMENTS (stray); k++)
    {
      g_assert_false (lists_node (0, stray[k]));
      g_assert_false (has_node_record (0, stray[k]));
      g_assert_false (lists_node (1, stray[k]));
    }
  g_assert_false (lists_node (2, node_name (0)));
  g_assert_false (lists_node (2, "127.0.0.1"));
  g_assert_false (has_node_record (2, node_name (0)));
  g_assert_false (has_node_record (2, "127.0.0.1"));

  /* The link node1–node2 is untouched. */
  g_assert_true (hdb_test_wait_link (clients[0], node_name (1), TRUE, 5000));
}

static void
test_disconnect (void)
{
  gboolean ok;
  g_autoptr(GError) error = NULL;
  DeckPeer peer = { .client = clients[1], .node_name = node_name (1) };
  gint64 start = g_get_monotonic_time ();

  ok = ENGINE_SYNC (disconnect, &error, clients[0], node_name (0), &peer);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_test_message ("disconnected in %.2f s", (g_get_monotonic_time () - start) / 1e6);

  g_assert_false (lists_node (0, node_name (1)));
  g_assert_false (lists_node (1, node_name (0)));

  hdb_test_write_until_held (clients[0], clients[1], DB, TABLE, 3, "after disconnect, from node1",
                             3000, HDB_TEST_FLOW_STOP_MS);
  hdb_test_write_until_held (clients[1], clients[0], DB, TABLE, 4, "after disconnect, from node2",
                             3000, HDB_TEST_FLOW_STOP_MS);

  /* Disconnecting again, with the names read from the nodes: both sides
   * have forgotten the other already, which is success. */
  peer.node_name = NULL;
  ok = ENGINE_SYNC (disconnect, &error, clients[0], NULL, &peer);
  g_assert_no_error (error);
  g_assert_true (ok);
}

static void
test_cancel (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  DeckPeer peer = { .client = clients[1], .node_name = node_name (1) };

  /* However far it got, a cancelled operation ends with G_IO_ERROR_CANCELLED
   * (the UI does not show it). */
  deck_engine_connect_async (engine, clients[0], CLUSTER_USER, CLUSTER_PASSWORD, &peer,
                             cancellable, test_util_store_result, &result);
  g_cancellable_cancel (cancellable);
  g_assert_true (test_util_wait_for_pointer ((gpointer *) &result, 10000));
  g_assert_false (deck_engine_connect_finish (engine, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (lists_node (0, node_name (1)));
}

static void
test_no_secrets_logged (void)
{
  g_test_message ("%u debug messages checked", n_debug_messages);
  g_assert_cmpuint (n_debug_messages, >, 20);
  g_assert_cmpuint (n_leaks, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *auth1 = hdb_basic_authorization (CLUSTER_USER, CLUSTER_PASSWORD);
  g_autofree char *auth2 = hdb_basic_authorization (NODE3_USER, NODE3_PASSWORD);
  int status;

  g_test_init (&argc, &argv, NULL);
  test_log_handler = g_log_set_default_handler (check_log, NULL);

  cluster = harper_fixture_start (3, HARPER_FIXTURE_UNCONFIGURED, &error);
  if (cluster == NULL)
    {
      g_printerr ("Could not start the Harper nodes: %s\n", error->message);
      g_print ("1..1\nnot ok 1 - start three Harper %s nodes: %s\n",
               harper_fixture_requested_version (), error->message);
      return 1;
    }

  secrets[0] = CLUSTER_PASSWORD;
  secrets[1] = OTHER_PASSWORD;
  secrets[2] = NODE3_PASSWORD;
  secrets[3] = harper_fixture_get_password (cluster);
  secrets[4] = auth1 + strlen ("Basic ");
  secrets[5] = auth2 + strlen ("Basic ");

  for (guint i = 0; i < 3; i++)
    clients[i] = hdb_test_client (harper_fixture_get_url (cluster, i),
                                  harper_fixture_get_username (cluster),
                                  harper_fixture_get_password (cluster));
  engine = deck_engine_new_for (HDB_ENGINE_NATIVE);

  g_test_add_func ("/engine/native/names-and-urls", test_names);
  g_test_add_func ("/engine/native/enable", test_enable);
  g_test_add_func ("/engine/native/enable-again", test_enable_again);
  g_test_add_func ("/engine/native/enable-refused", test_enable_refused);
  g_test_add_func ("/engine/native/connect-not-enabled", test_connect_not_enabled);
  g_test_add_func ("/engine/native/connect", test_connect);
  g_test_add_func ("/engine/native/connect-wrong-password", test_connect_wrong_password);
  g_test_add_func ("/engine/native/disconnect", test_disconnect);
  g_test_add_func ("/engine/native/cancel", test_cancel);
  g_test_add_func ("/engine/native/no-secrets-logged", test_no_secrets_logged);

  status = g_test_run ();

  g_clear_object (&engine);
  for (guint i = 0; i < 3; i++)
    g_clear_object (&clients[i]);
  g_clear_pointer (&cluster, harper_fixture_free);
  return status;
}
