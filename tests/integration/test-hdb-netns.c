/* test-hdb-netns.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The parts of libhdb whose real servers listen on every interface (legacy
 * NATS clustering, and Harper's stray listener in TLS mode, Q1): run by
 * in-netns.sh inside a private network namespace that has only `lo`, on
 * every version of the matrix (HARPER_VERSION). A version that cannot run
 * NATS (4.5 and later ship no nats-server) skips the NATS part with the
 * fixture's reason.
 *
 * - TLS: a real node with its self-signed certificate is refused until its
 *   fingerprint is pinned, then answers.
 * - NATS: enable state read from the configuration, routes, restart_service
 *   clustering_config, add_node, data flowing, update_node narrowing it,
 *   remove_node ending it.
 */

#include <string.h>

#include "harper-fixture.h"
#include "hdb-test-helpers.h"

#define DB     "natsflow"
#define TABLE  "dog"

static HarperFixture *tls_node;
static HarperFixture *nats;
static HdbClient *nats_clients[2];

static void
skip_with_reason (gconstpointer reason)
{
  g_test_skip (reason);
}

static void
test_tls_pinning (void)
{
  g_autoptr(HdbClient) client = NULL;
  g_autoptr(HdbRegistrationInfo) info = NULL;
  g_autoptr(HdbCertificateInfo) peer = NULL;
  g_autoptr(HdbUserInfo) user = NULL;
  g_autoptr(GError) error = NULL;
  const char *url = harper_fixture_get_url (tls_node, 0);

  g_assert_true (g_str_has_prefix (url, "https://"));
  client = hdb_test_client (url, harper_fixture_get_username (tls_node),
                            harper_fixture_get_password (tls_node));

  info = HDB_SYNC (client, registration_info, &error);
  g_assert_null (info);
  g_assert_error (error, HDB_ERROR, HDB_ERROR_TLS);
  peer = hdb_client_dup_peer_certificate (client);
  g_assert_nonnull (peer);
  g_assert_nonnull (peer->sha256);
  g_assert_nonnull (peer->subject);
  g_assert_nonnull (peer->not_after);
  g_test_message ("Harper's certificate: %s, issued by %s, SHA-256 %s",
                  peer->subject, peer->issuer ? peer->issuer : "?", peer->sha256);
  g_clear_error (&error);

  hdb_client_set_pinned_certificate (client, peer->sha256);
  info = HDB_SYNC (client, registration_info, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->version, ==, harper_fixture_get_version (tls_node));
  g_assert_cmpstr (info->version, ==, harper_fixture_requested_version ());
  user = HDB_SYNC (client, user_info, &error);
  g_assert_no_error (error);
  g_assert_true (user->super_user);
}

static gint64
hub_cluster_port (HdbConfiguration *config)
{
  guint port = hdb_configuration_get_port (config, "clustering.hubServer.cluster.network.port");

  g_assert_cmpuint (port, >, 0);
  return port;
}

static GPtrArray *
subscriptions (gboolean subscribe,
               gboolean publish)
{
  GPtrArray *subs = g_ptr_array_new_with_free_func ((GDestroyNotify) hdb_subscription_free);

  g_ptr_array_add (subs, hdb_subscription_new (DB, TABLE, subscribe, publish));
  return subs;
}

static void
test_nats_detect (void)
{
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(HdbConfiguration) config = NULL;
      g_autoptr(HdbClusterStatus) status = NULL;
      g_autoptr(HdbServerInfo) info = NULL;
      g_autoptr(GError) error = NULL;

      config = HDB_SYNC (nats_clients[i], get_configuration, &error);
      g_assert_no_error (error);
      g_assert_true (config->clustering_enabled);
      g_assert_cmpstr (config->clustering_node_name, ==, harper_fixture_get_node_name (nats, i));
      g_assert_cmpint (hdb_configuration_get_engine (config), ==, HDB_ENGINE_NATS);

      status = HDB_SYNC (nats_clients[i], cluster_status, &error);
      g_assert_no_error (error);
      g_assert_true (status->is_enabled);
      g_assert_cmpint (status->engine, ==, HDB_ENGINE_NATS);

      info = HDB_SYNC (nats_clients[i], server_info, &error);
      g_assert_no_error (error);
      g_assert_cmpint (info->engine, ==, HDB_ENGINE_NATS);
      g_assert_cmpstr (info->node_name, ==, harper_fixture_get_node_name (nats, i));
    }
}

static void
test_nats_routes_and_connect (void)
{
  g_autoptr(HdbConfiguration) config_b = NULL;
  g_autoptr(JsonArray) routes = json_array_new ();
  g_autoptr(JsonObject) route = json_object_new ();
  g_autoptr(HdbRestartReply) reply = NULL;
  g_autoptr(JsonNode) current = NULL;
  g_autoptr(GPtrArray) both = subscriptions (TRUE, TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *set = NULL;
  g_autofree char *text = NULL;
  g_autofree char *added = NULL;
  const char *node_b = harper_fixture_get_node_name (nats, 1);
  HdbNodeSpec spec = { .engine = HDB_ENGINE_NATS, .name = node_b, .subscriptions = both };
  gint64 deadline;

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *db = HDB_SYNC (nats_clients[i], create_database, &error, DB);
      g_autofree char *table = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (db);
      table = HDB_SYNC (nats_clients[i], create_table, &error, DB, TABLE, "id");
      g_assert_no_error (error);
    }

  config_b = HDB_SYNC (nats_clients[1], get_configuration, &error);
  g_assert_no_error (error);
  json_object_set_string_member (route, "host", "127.0.0.1");
  json_object_set_int_member (route, "port", hub_cluster_port (config_b));
  json_array_add_object_element (routes, g_steal_pointer (&route));

  set = HDB_SYNC (nats_clients[0], cluster_set_routes, &error, "hub", routes);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (set, "successfully set"));

  current = HDB_SYNC (nats_clients[0], cluster_get_routes, &error);
  g_assert_no_error (error);
  text = json_to_string (current, FALSE);
  g_assert_nonnull (strstr (text, "hub"));

  reply = HDB_SYNC (nats_clients[0], restart_service, &error, "clustering_config");
  g_assert_no_error (error);

  /* add_node travels over the NATS mesh: retry while the route comes up. */
  deadline = g_get_monotonic_time () + 90 * G_USEC_PER_SEC;
  while (added == NULL && g_get_monotonic_time () < deadline)
    {
      g_clear_error (&error);
      test_util_spin (1000);
      added = HDB_SYNC (nats_clients[0], add_node, &error, &spec);
      if (error != NULL)
        g_test_message ("add_node not yet: %s", error->message);
    }
  g_assert_no_error (error);
  g_assert_nonnull (strstr (added, "Successfully added"));

  g_assert_true (hdb_test_wait_link (nats_clients[0], node_b, TRUE, 60000));

  /* Both nodes' NATS servers answer on the mesh. */
  {
    g_autoptr(HdbClusterNetwork) network = NULL;

    network = HDB_SYNC (nats_clients[0], cluster_network, &error, 1000, TRUE, 0);
    g_assert_no_error (error);
    g_assert_true (hdb_cluster_network_has_node (network, harper_fixture_get_node_name (nats, 0)));
    g_assert_true (hdb_cluster_network_has_node (network, node_b));
    for (guint i = 0; i < network->nodes->len; i++)
      {
        const HdbNetworkNode *node = g_ptr_array_index (network->nodes, i);

        g_test_message ("cluster_network: %s, %.0f ms, connected to %u", node->name,
                        node->response_time_ms, g_strv_length (node->connected_nodes));
      }
  }

  hdb_test_insert (nats_clients[0], DB, TABLE, 1, "from A");
  g_assert_true (hdb_test_wait_record (nats_clients[1], DB, TABLE, 1, 20000));
  hdb_test_insert (nats_clients[1], DB, TABLE, 2, "from B");
  g_assert_true (hdb_test_wait_record (nats_clients[0], DB, TABLE, 2, 20000));
}

static void
test_nats_update_node (void)
{
  g_autoptr(GPtrArray) publish_only = subscriptions (FALSE, TRUE);
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *updated = NULL;
  const char *node_b = harper_fixture_get_node_name (nats, 1);
  const HdbConnection *conn;
  HdbNodeSpec spec = { .engine = HDB_ENGINE_NATS, .name = node_b, .subscriptions = publish_only };

  updated = HDB_SYNC (nats_clients[0], update_node, &error, &spec);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (updated, "Successfully updated"));

  status = HDB_SYNC (nats_clients[0], cluster_status, &error);
  g_assert_no_error (error);
  conn = hdb_cluster_status_find_connection (status, node_b);
  g_assert_nonnull (conn);
  g_assert_cmpstr (conn->status, ==, "open");

  hdb_test_insert (nats_clients[0], DB, TABLE, 3, "A still reaches B");
  g_assert_true (hdb_test_wait_record (nats_clients[1], DB, TABLE, 3, 20000));
  hdb_test_write_until_held (nats_clients[1], nats_clients[0], DB, TABLE, 4,
                             "B no longer reaches A", 3000, HDB_TEST_FLOW_STOP_MS);
}

static void
test_nats_remove_node (void)
{
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *removed = NULL;
  const char *node_b = harper_fixture_get_node_name (nats, 1);

  removed = HDB_SYNC (nats_clients[0], remove_node, &error, HDB_ENGINE_NATS, node_b);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (removed, "Successfully removed"));

  status = HDB_SYNC (nats_clients[0], cluster_status, &error);
  g_assert_no_error (error);
  g_assert_null (hdb_cluster_status_find_connection (status, node_b));

  hdb_test_write_until_held (nats_clients[0], nats_clients[1], DB, TABLE, 5, "after remove",
                             3000, HDB_TEST_FLOW_STOP_MS);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *nats_refusal = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  /* Replication is not needed here (and 4.3 has none). */
  tls_node = harper_fixture_start (1, HARPER_FIXTURE_TLS | HARPER_FIXTURE_UNCONFIGURED, &error);
  if (tls_node == NULL)
    {
      g_print ("1..1\nnot ok 1 - start a Harper %s node over HTTPS: %s\n",
               harper_fixture_requested_version (), error->message);
      return 1;
    }
  nats = harper_fixture_start (2, HARPER_FIXTURE_NATS, &error);
  if (nats == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    nats_refusal = g_strdup (error->message);
  else if (nats == NULL)
    {
      g_print ("1..1\nnot ok 1 - start two Harper %s nodes with NATS: %s\n",
               harper_fixture_requested_version (), error->message);
      harper_fixture_free (tls_node);
      return 1;
    }
  for (guint i = 0; nats != NULL && i < 2; i++)
    nats_clients[i] = hdb_test_client (harper_fixture_get_url (nats, i),
                                       harper_fixture_get_username (nats),
                                       harper_fixture_get_password (nats));

  g_test_add_func ("/hdb/tls/untrusted-then-pinned", test_tls_pinning);
  if (nats_refusal != NULL)
    {
      g_test_add_data_func ("/hdb/nats/detect", nats_refusal, skip_with_reason);
      g_test_add_data_func ("/hdb/nats/routes-and-connect", nats_refusal, skip_with_reason);
      g_test_add_data_func ("/hdb/nats/update-node", nats_refusal, skip_with_reason);
      g_test_add_data_func ("/hdb/nats/remove-node", nats_refusal, skip_with_reason);
    }
  else
    {
      g_test_add_func ("/hdb/nats/detect", test_nats_detect);
      g_test_add_func ("/hdb/nats/routes-and-connect", test_nats_routes_and_connect);
      g_test_add_func ("/hdb/nats/update-node", test_nats_update_node);
      g_test_add_func ("/hdb/nats/remove-node", test_nats_remove_node);
    }

  status = g_test_run ();

  for (guint i = 0; i < 2; i++)
    g_clear_object (&nats_clients[i]);
  g_clear_pointer (&nats, harper_fixture_free);
  g_clear_pointer (&tls_node, harper_fixture_free);
  return status;
}
