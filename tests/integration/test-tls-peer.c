/* test-tls-peer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Native connect to a peer whose certificate the user pinned, on two real
 * Harper nodes over HTTPS with their own self-signed certificates (each
 * node's is issued by its own authority), through DeckConnectJob as the
 * window and the command line run it. Run by in-netns.sh (Harper's TLS
 * mode also listens on all interfaces, quirk Q1) and tests/with-keyring.sh
 * (fresh XDG directories for the context).
 *
 *  /tls-peer/fetch-certificate  hdb_fetch_certificate_async() reads from the
 *                               replication URL (wss://) the certificate the
 *                               operations API presents (the one the user
 *                               pins), and another node's from its URL
 *  /tls-peer/other-certificate  node2's configuration names node1's listener
 *                               as its replication URL (another certificate):
 *                               the connect says what trust it would extend,
 *                               then is refused with the URL, the pinned and
 *                               the presented fingerprint; node1 and node2
 *                               have no node record afterwards (add_node,
 *                               with verify_tls false, was never sent)
 *  /tls-peer/unreadable         the URL names a port where nothing listens:
 *                               refused (the certificate could not be read),
 *                               nothing added
 *  /tls-peer/same-certificate   node2's own replication URL presents the
 *                               pinned certificate: the connect goes through
 *                               and the link comes up. Harper then reissues
 *                               node1's certificate (same key, node2's
 *                               authority): node1's pin follows it, in the
 *                               store too
 */

#include <string.h>

#include <glib/gstdio.h>

#include "deck-connect-job.h"
#include "deck-context.h"
#include "deck-engine.h"
#include "harper-fixture.h"
#include "hdb-json.h"
#include "hdb-test-helpers.h"

#define JOB_BOUND_MS 120000

static HarperFixture *nodes;
static HdbClient *probes[2];        /* our own clients, pinned: what the nodes really say */
static char *pins[2];               /* each node's certificate, "AB:CD:…" */
static DeckStore *store;
static DeckCredentials *credentials;
static DeckInstanceMonitor *monitor;
static DeckContext *context;
static DeckOrganization *org;
static DeckInstance *instances[2];
static char *store_dir;

/* Helpers ---------------------------------------------------------------------- */

static void
wait_job (DeckJob *job)
{
  gint64 end = g_get_monotonic_time () + (gint64) JOB_BOUND_MS * 1000;

  while (!deck_job_is_finished (job) && deck_job_get_state (job) != DECK_JOB_STATE_PREPARED)
    {
      if (g_get_monotonic_time () > end)
        g_error ("the connect job is still %s after %u ms (%s)",
                 g_enum_to_string (DECK_TYPE_JOB_STATE, deck_job_get_state (job)), JOB_BOUND_MS,
                 deck_job_get_phase (job));
      g_main_context_iteration (NULL, TRUE);
    }
}

static HdbCertificateInfo *
fetch_certificate (const char  *url,
                   GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  TEST_AWAIT (result, HDB_TEST_WAIT_MS,
              hdb_fetch_certificate_async (url, 10000, NULL, test_util_store_result, &result));
  return hdb_fetch_certificate_finish (result, error);
}

/* The names of node @i's node records (system.hdb_nodes), joined by commas. */
static char *
node_records (guint i)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) names = g_string_new (NULL);
  JsonArray *array;

  node = hdb_test_call (probes[i],
                        "{\"operation\":\"search_by_value\",\"database\":\"system\","
                        "\"table\":\"hdb_nodes\",\"search_attribute\":\"name\","
                        "\"search_value\":\"*\",\"get_attributes\":[\"name\"]}", &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  array = json_node_get_array (node);
  for (guint k = 0; k < json_array_get_length (array); k++)
    {
      JsonNode *element = json_array_get_element (array, k);
      const char *name = NULL;

      if (JSON_NODE_HOLDS_OBJECT (element))
        name = hdb_json_get_string (json_node_get_object (element), "name");
      g_string_append_printf (names, "%s%s", names->len > 0 ? "," : "", name ? name : "?");
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

/* Node @i has no record of another node (Harper may keep one of itself). */
static void
assert_no_peer_record (guint i)
{
  g_autofree char *records = node_records (i);
  g_auto(GStrv) names = g_strsplit (records, ",", -1);

  for (guint k = 0; names[k] != NULL; k++)
    if (*names[k] != '\0' && g_strcmp0 (names[k], harper_fixture_get_node_name (nodes, i)) != 0)
      g_error ("%s has a node record “%s” (all: %s)", harper_fixture_get_node_name (nodes, i),
               names[k], records);
  g_test_message ("%s's node records: [%s]", harper_fixture_get_node_name (nodes, i), records);
}

static void
set_replication_url (guint       i,
                     const char *url)
{
  g_autoptr(JsonObject) settings = json_object_new ();
  g_autoptr(HdbConfiguration) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *answer = NULL;

  /* get_configuration reads the file that set_configuration writes: the
   * URL a connect reads changes at once; the running node keeps serving
   * replication as it started (no restart). */
  json_object_set_string_member (settings, "replication_url", url);
  answer = HDB_SYNC (probes[i], set_configuration, &error, settings);
  g_assert_no_error (error);
  g_assert_nonnull (answer);
  config = HDB_SYNC (probes[i], get_configuration, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (config->replication_url, ==, url);
}

/* Prepares a connect of node1 to node2 (pinned), which needs no decision
 * about tables, and returns it prepared. */
static DeckConnectJob *
prepare_connect (void)
{
  g_autoptr(DeckConnectJob) job = deck_connect_job_new (context, instances[0], instances[1]);
  g_autoptr(GError) error = NULL;

  deck_connect_job_set_cluster_password (job, harper_fixture_get_password (nodes));
  g_assert_true (deck_job_start (DECK_JOB (job), &error));
  g_assert_no_error (error);
  wait_job (DECK_JOB (job));
  if (deck_job_get_state (DECK_JOB (job)) != DECK_JOB_STATE_PREPARED)
    g_error ("not prepared: %s", deck_job_get_error (DECK_JOB (job))->message);
  g_assert_false (deck_connect_job_has_missing (job));
  return g_steal_pointer (&job);
}

/* Runs the prepared @job's connect to its end. */
static void
run_connect (DeckConnectJob *job)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (deck_connect_job_connect (job, FALSE, &error));
  g_assert_no_error (error);
  wait_job (DECK_JOB (job));
  g_assert_true (deck_job_is_finished (DECK_JOB (job)));
}

/* Tests ------------------------------------------------------------------------- */

static void
test_fetch_certificate (void)
{
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(HdbCertificateInfo) presented = NULL;
      g_autoptr(GError) error = NULL;
      const char *repl_url = harper_fixture_get_repl_url (nodes, i);

      g_assert_true (g_str_has_prefix (repl_url, "wss://"));
      presented = fetch_certificate (repl_url, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (presented->sha256, ==, pins[i]);
      g_assert_nonnull (strstr (presented->subject, harper_fixture_get_node_name (nodes, i)));
    }
  /* Two nodes, two certificates: what the refusal below rests on. */
  g_assert_cmpstr (pins[0], !=, pins[1]);
}

static void
test_other_certificate (void)
{
  g_autoptr(DeckConnectJob) job = NULL;
  const GError *error;
  const char *hostile = harper_fixture_get_repl_url (nodes, 0);
  const char *trust;

  /* node2 says its replication URL is node1's listener: a URL whose
   * certificate is not the one the user pinned for node2. */
  set_replication_url (1, hostile);

  job = prepare_connect ();
  /* Before anything is sent, the job says what trust it would extend. */
  trust = deck_connect_job_get_trust (job);
  g_assert_nonnull (trust);
  g_test_message ("trust: %s", trust);
  g_assert_cmpstr (deck_connect_job_get_peer_replication_url (job), ==, hostile);
  g_assert_nonnull (strstr (trust, hostile));
  g_assert_nonnull (strstr (trust, pins[1]));
  g_assert_nonnull (strstr (trust, "without a certificate authority"));

  run_connect (job);
  g_assert_cmpint (deck_job_get_state (DECK_JOB (job)), ==, DECK_JOB_STATE_FAILED);
  error = deck_job_get_error (DECK_JOB (job));
  g_test_message ("refused: %s", error->message);
  g_assert_error ((GError *) error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_CERTIFICATE_MISMATCH);
  g_assert_nonnull (strstr (error->message, hostile));
  g_assert_nonnull (strstr (error->message, pins[1]));     /* expected */
  g_assert_nonnull (strstr (error->message, pins[0]));     /* presented */
  g_assert_nonnull (strstr (error->message, "Nothing was sent"));

  /* Nothing was added on either node. */
  assert_no_peer_record (0);
  assert_no_peer_record (1);
  set_replication_url (1, harper_fixture_get_repl_url (nodes, 1));
  deck_context_forget_job (context, DECK_JOB (job));
}

static void
test_unreadable (void)
{
  g_autoptr(DeckConnectJob) job = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetSocketAddress) bound = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *closed = NULL;
  const GError *error;

  /* A port that was free a moment ago and where nothing listens. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &local_error);
  g_assert_no_error (local_error);
  g_assert_true (g_socket_bind (socket, any_port, FALSE, &local_error));
  bound = G_INET_SOCKET_ADDRESS (g_socket_get_local_address (socket, &local_error));
  g_assert_no_error (local_error);
  closed = g_strdup_printf ("wss://127.0.0.1:%u", g_inet_socket_address_get_port (bound));
  g_socket_close (socket, NULL);
  set_replication_url (1, closed);

  job = prepare_connect ();
  g_assert_nonnull (deck_connect_job_get_trust (job));
  run_connect (job);
  g_assert_cmpint (deck_job_get_state (DECK_JOB (job)), ==, DECK_JOB_STATE_FAILED);
  error = deck_job_get_error (DECK_JOB (job));
  g_test_message ("refused: %s", error->message);
  g_assert_error ((GError *) error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_CERTIFICATE_MISMATCH);
  g_assert_nonnull (strstr (error->message, closed));
  g_assert_nonnull (strstr (error->message, "could not be read"));
  g_assert_nonnull (strstr (error->message, pins[1]));

  assert_no_peer_record (0);
  assert_no_peer_record (1);
  set_replication_url (1, harper_fixture_get_repl_url (nodes, 1));
  deck_context_forget_job (context, DECK_JOB (job));
}

static void
test_same_certificate (void)
{
  g_autoptr(DeckConnectJob) job = prepare_connect ();
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(HdbCertificateInfo) presented = NULL;
  g_autoptr(GError) error = NULL;
  const char *own = harper_fixture_get_repl_url (nodes, 1);

  g_assert_cmpstr (deck_connect_job_get_peer_replication_url (job), ==, own);
  g_assert_nonnull (strstr (deck_connect_job_get_trust (job), own));

  run_connect (job);
  if (deck_job_get_state (DECK_JOB (job)) != DECK_JOB_STATE_SUCCEEDED)
    g_error ("not connected: %s", deck_job_get_error (DECK_JOB (job))->message);

  /* The job waited for the link; node1 lists node2. */
  status = HDB_SYNC (probes[0], cluster_status, &error);
  g_assert_no_error (error);
  g_assert_nonnull (hdb_cluster_status_find_connection (status,
                                                        harper_fixture_get_node_name (nodes, 1)));

  /* Harper reissued node1's certificate (same key, signed by node2's
   * authority; reference Q10). The job read it on a connection of its own
   * and the pin followed it, kept in the store. */
  presented = fetch_certificate (harper_fixture_get_repl_url (nodes, 0), &error);
  g_assert_no_error (error);
  g_test_message ("node1 now presents %s, issued by %s", presented->sha256,
                  presented->issuer ? presented->issuer : "?");
  if (g_strcmp0 (presented->sha256, pins[0]) != 0)
    {
      const HdbCertificateInfo *followed = deck_connect_job_get_followed_certificate (job);
      g_autoptr(DeckStore) reread = NULL;
      g_autoptr(GError) problem = NULL;
      DeckInstance *stored;

      g_assert_nonnull (followed);
      g_assert_cmpstr (followed->sha256, ==, presented->sha256);
      g_assert_true (hdb_fingerprint_equal (deck_instance_get_pinned_certificate (instances[0]),
                                            presented->sha256));
      reread = deck_store_new (deck_store_get_path (store));
      g_assert_true (deck_store_load (reread, &problem, &error));
      g_assert_no_error (error);
      stored = deck_store_find_instance (reread, harper_fixture_get_node_name (nodes, 0), &error);
      g_assert_no_error (error);
      g_assert_true (hdb_fingerprint_equal (deck_instance_get_pinned_certificate (stored),
                                            presented->sha256));
    }
  else
    {
      g_assert_null (deck_connect_job_get_followed_certificate (job));
      g_test_message ("node1 still presents the certificate pinned first");
    }

  /* Our own client (pinned to the first certificate, whose key it saw)
   * follows it too. */
  g_clear_pointer (&status, hdb_cluster_status_free);
  status = HDB_SYNC (probes[0], cluster_status, &error);
  g_assert_no_error (error);
  deck_context_forget_job (context, DECK_JOB (job));
}

/* Setup ------------------------------------------------------------------------ */

static gboolean
setup (GError **error)
{
  g_autoptr(GError) problem = NULL;
  g_autofree char *path = NULL;

  nodes = harper_fixture_start (2, HARPER_FIXTURE_TLS, error);
  if (nodes == NULL)
    return FALSE;
  g_test_message ("2 Harper %s nodes over HTTPS started in %.1f s",
                  harper_fixture_get_version (nodes), harper_fixture_get_start_seconds (nodes));

  /* What the user pins: the certificate the operations API presents, as
   * the instance dialog and `instance trust` read it. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(HdbUserInfo) user = NULL;
      g_autoptr(HdbCertificateInfo) seen = NULL;
      GError *refused = NULL;

      probes[i] = hdb_test_client (harper_fixture_get_url (nodes, i),
                                   harper_fixture_get_username (nodes),
                                   harper_fixture_get_password (nodes));
      user = HDB_SYNC (probes[i], user_info, &refused);
      g_assert_null (user);
      g_assert_error (refused, HDB_ERROR, HDB_ERROR_TLS);
      g_clear_error (&refused);
      seen = hdb_client_dup_peer_certificate (probes[i]);
      g_assert_nonnull (seen);
      pins[i] = g_strdup (seen->sha256);
      hdb_client_set_pinned_certificate (probes[i], pins[i]);
    }

  store_dir = g_dir_make_tmp ("clusterdeck-tls-peer-XXXXXX", error);
  if (store_dir == NULL)
    return FALSE;
  path = g_build_filename (store_dir, "organizations.json", NULL);
  store = deck_store_new (path);
  if (!deck_store_load (store, &problem, error))
    return FALSE;
  credentials = g_object_ref (deck_credentials_get_default ());
  monitor = deck_instance_monitor_new (store, credentials);
  context = deck_context_new (store, credentials, monitor);

  org = deck_store_add_organization (store, "Secure", error);
  if (org == NULL)
    return FALSE;
  /* The fixture's super user serves as the cluster user (Harper 4.4 needs
   * super-user rights for add_node_back). */
  if (!deck_store_set_cluster_user (store, org, harper_fixture_get_username (nodes), error))
    return FALSE;
  for (guint i = 0; i < 2; i++)
    {
      instances[i] = deck_store_add_instance (store, org, harper_fixture_get_node_name (nodes, i),
                                              harper_fixture_get_url (nodes, i),
                                              harper_fixture_get_username (nodes), pins[i], error);
      if (instances[i] == NULL)
        return FALSE;
      deck_instance_monitor_set_password (monitor, instances[i], harper_fixture_get_password (nodes));
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
    {
      g_clear_object (&probes[i]);
      g_clear_pointer (&pins[i], g_free);
    }
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

  g_test_add_func ("/tls-peer/fetch-certificate", test_fetch_certificate);
  g_test_add_func ("/tls-peer/other-certificate", test_other_certificate);
  g_test_add_func ("/tls-peer/unreadable", test_unreadable);
  g_test_add_func ("/tls-peer/same-certificate", test_same_certificate);
  status = g_test_run ();
  teardown ();
  return status;
}
