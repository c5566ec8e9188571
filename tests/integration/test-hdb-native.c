/* test-hdb-native.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libhdb against three real Harper nodes of the version under test
 * (HARPER_VERSION; meson runs it on every native-replication version) on 127.0.0.1, started with
 * replication unconfigured. First every call on its own, then the complete
 * native flow through HdbClient alone: enable with set_configuration and
 * restart, schema on both sides, add_node, data flowing, update_node
 * narrowing it, remove_node ending it.
 */

#include <string.h>

#include "harper-fixture.h"
#include "hdb-parse.h"
#include "hdb-test-helpers.h"

#define DB     "deckflow"
#define TABLE  "dog"

static HarperFixture *cluster;
static HdbClient *clients[3];

static const char *
node_url (guint i)
{
  return harper_fixture_get_url (cluster, i);
}

static void
test_health_and_registration (void)
{
  g_autoptr(HdbRegistrationInfo) registration = NULL;
  g_autoptr(GError) error = NULL;
  gboolean healthy;

  healthy = HDB_SYNC (clients[2], health, &error, 0);
  g_assert_no_error (error);
  g_assert_true (healthy);

  registration = HDB_SYNC (clients[2], registration_info, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (registration->version, ==, harper_fixture_get_version (cluster));
  g_assert_cmpstr (registration->version, ==, harper_fixture_requested_version ());
  g_assert_true (hdb_version_has_native (registration->version));
  g_test_message ("server version %s", registration->version);
}

static void
test_user_info_and_server_info (void)
{
  g_autoptr(HdbUserInfo) user = NULL;
  g_autoptr(HdbServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  user = HDB_SYNC (clients[2], user_info, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (user->username, ==, harper_fixture_get_username (cluster));
  g_assert_true (user->super_user);

  info = HDB_SYNC (clients[2], server_info, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->version, ==, harper_fixture_get_version (cluster));
  g_assert_cmpint (info->engine, ==, HDB_ENGINE_NONE);
  g_assert_null (info->node_name);
  g_assert_true (info->super_user);
  g_assert_false (info->restart_pending);
}

static void
test_wrong_password (void)
{
  g_autoptr(HdbClient) wrong = hdb_test_client (node_url (2), harper_fixture_get_username (cluster),
                                                "not-the-password");
  g_autoptr(HdbUserInfo) user = NULL;
  g_autoptr(GError) error = NULL;

  user = HDB_SYNC (wrong, user_info, &error);
  g_assert_null (user);
  g_assert_error (error, HDB_ERROR, HDB_ERROR_AUTH);
  g_assert_cmpstr (hdb_error_get_harper_message (error), ==, "Login failed");
}

static void
test_configuration_and_status (void)
{
  g_autoptr(HdbConfiguration) config = NULL;
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(GError) error = NULL;

  config = HDB_SYNC (clients[2], get_configuration, &error);
  g_assert_no_error (error);
  g_assert_null (config->replication_hostname);
  g_assert_null (config->replication_url);
  g_assert_false (config->clustering_enabled);
  g_assert_cmpint (hdb_configuration_get_engine (config), ==, HDB_ENGINE_NONE);
  g_assert_nonnull (config->operations_port);

  status = HDB_SYNC (clients[2], cluster_status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status->connections->len, ==, 0);
  g_assert_cmpint (status->engine, ==, HDB_ENGINE_NONE);
}

static void
test_roles_and_users (void)
{
  g_autoptr(GPtrArray) roles = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(JsonObject) permission = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *role = NULL;
  g_autofree char *added = NULL;
  g_autofree char *altered = NULL;
  gboolean has_super = FALSE, has_new_role = FALSE, has_new_user = FALSE;

  json_object_set_boolean_member (permission, "cluster_user", TRUE);
  role = HDB_SYNC (clients[2], add_role, &error, "deck_cluster_role", permission);
  g_assert_no_error (error);
  g_assert_cmpstr (role, ==, "deck_cluster_role");

  roles = HDB_SYNC (clients[2], list_roles, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < roles->len; i++)
    {
      HdbRole *r = g_ptr_array_index (roles, i);

      has_super |= r->super_user;
      if (g_strcmp0 (r->role, "deck_cluster_role") == 0)
        has_new_role = r->cluster_user && r->id != NULL;
    }
  g_assert_true (has_super);
  g_assert_true (has_new_role);

  /* A second add_role of the same name is a clear Harper error. */
  g_clear_pointer (&role, g_free);
  role = HDB_SYNC (clients[2], add_role, &error, "deck_cluster_role", permission);
  g_assert_null (role);
  g_assert_error (error, HDB_ERROR, HDB_ERROR_HARPER);
  g_assert_nonnull (strstr (hdb_error_get_harper_message (error), "already exists"));
  g_clear_error (&error);

  added = HDB_SYNC (clients[2], add_user, &error, "deck_user", "first-Password-1",
                    "super_user", TRUE);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (added, "successfully added"));

  users = HDB_SYNC (clients[2], list_users, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < users->len; i++)
    {
      HdbUserInfo *u = g_ptr_array_index (users, i);

      if (g_strcmp0 (u->username, "deck_user") == 0)
        has_new_user = u->super_user && u->active;
    }
  g_assert_true (has_new_user);

  altered = HDB_SYNC (clients[2], alter_user, &error, "deck_user", "second-Password-2", NULL);
  g_assert_no_error (error);

  /* The new password works, the old one no longer does. */
  {
    g_autoptr(HdbClient) as_new = hdb_test_client (node_url (2), "deck_user", "second-Password-2");
    g_autoptr(HdbClient) as_old = hdb_test_client (node_url (2), "deck_user", "first-Password-1");
    g_autoptr(HdbUserInfo) ok = NULL;
    g_autoptr(HdbUserInfo) refused = NULL;

    ok = HDB_SYNC (as_new, user_info, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (ok->username, ==, "deck_user");
    refused = HDB_SYNC (as_old, user_info, &error);
    g_assert_error (error, HDB_ERROR, HDB_ERROR_AUTH);
  }
}

static void
test_schema_and_data (void)
{
  g_autoptr(HdbSchema) schema = NULL;
  g_autoptr(JsonArray) ids = json_array_new ();
  g_autoptr(JsonArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *table = NULL;
  const HdbTable *t;

  db = HDB_SYNC (clients[2], create_database, &error, "calls");
  g_assert_no_error (error);
  g_assert_nonnull (strstr (db, "successfully created"));
  table = HDB_SYNC (clients[2], create_table, &error, "calls", "cat", "id");
  g_assert_no_error (error);
  g_assert_nonnull (strstr (table, "successfully created"));

  hdb_test_insert (clients[2], "calls", "cat", 7, "Tom");

  schema = HDB_SYNC (clients[2], describe_all, &error);
  g_assert_no_error (error);
  t = hdb_schema_find_table (schema, "calls", "cat");
  g_assert_nonnull (t);
  g_assert_cmpstr (t->primary_key, ==, "id");

  json_array_add_int_element (ids, 7);
  records = HDB_SYNC (clients[2], search_by_id, &error, "calls", "cat", ids);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (records), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (records, 0),
                                                  "name"), ==, "Tom");

  /* A second create_database is refused with Harper's own words. */
  g_clear_pointer (&db, g_free);
  db = HDB_SYNC (clients[2], create_database, &error, "calls");
  g_assert_null (db);
  g_assert_error (error, HDB_ERROR, HDB_ERROR_HARPER);
  g_assert_nonnull (strstr (hdb_error_get_harper_message (error), "already exists"));
}

static char *
configured_routes (HdbClient *client)
{
  g_autoptr(HdbConfiguration) config = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *replication;

  config = HDB_SYNC (client, get_configuration, &error);
  g_assert_no_error (error);
  replication = json_object_get_object_member (json_node_get_object (config->raw), "replication");
  if (replication == NULL || !json_object_has_member (replication, "routes"))
    return g_strdup ("");
  return json_to_string (json_object_get_member (replication, "routes"), FALSE);
}

static void
test_routes (void)
{
  g_autoptr(JsonArray) routes = json_array_new ();
  g_autoptr(JsonNode) current = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *set = NULL;
  g_autofree char *deleted = NULL;
  g_autofree char *after_set = NULL;
  g_autofree char *after_delete = NULL;

  json_array_add_string_element (routes, "ws://127.0.0.1:1");
  set = HDB_SYNC (clients[2], cluster_set_routes, &error, NULL, routes);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (set, "successfully set"));

  /* Native routes are a configuration-file setting, read at start-up: 4.4.18
   * writes them to replication.routes at once, while cluster_get_routes
   * keeps answering with the routes the running server started with. */
  after_set = configured_routes (clients[2]);
  g_assert_nonnull (strstr (after_set, "ws://127.0.0.1:1"));
  current = HDB_SYNC (clients[2], cluster_get_routes, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (current));

  deleted = HDB_SYNC (clients[2], cluster_delete_routes, &error, routes);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (deleted, "successfully deleted"));
  after_delete = configured_routes (clients[2]);
  g_assert_null (strstr (after_delete, "ws://127.0.0.1:1"));
}

static void
test_threads_and_restart_service (void)
{
  g_autoptr(GArray) before = NULL;
  g_autoptr(GArray) after = NULL;
  g_autoptr(HdbRestartReply) reply = NULL;
  g_autoptr(GError) error = NULL;
  gboolean changed = FALSE;
  gint64 deadline;

  before = HDB_SYNC (clients[2], system_threads, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (before->len, >, 0);

  reply = HDB_SYNC (clients[2], restart_service, &error, "http_workers");
  g_assert_no_error (error);
  g_assert_nonnull (reply->job_id);
  g_assert_nonnull (strstr (reply->message, "http_workers"));

  /* The workers are replaced: their thread ids change. */
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!changed && g_get_monotonic_time () < deadline)
    {
      g_clear_pointer (&after, g_array_unref);
      g_clear_error (&error);
      test_util_spin (250);
      after = HDB_SYNC (clients[2], system_threads, &error);
      if (after == NULL)
        continue;
      changed = TRUE;
      for (guint i = 0; i < after->len; i++)
        for (guint j = 0; j < before->len; j++)
          if (g_array_index (after, gint64, i) == g_array_index (before, gint64, j))
            changed = FALSE;
    }
  g_assert_true (changed);
  g_assert_true (hdb_test_wait_answering (clients[2], 60000));

  /* The job the restart ran as ends COMPLETE. */
  {
    g_autoptr(HdbJob) job = NULL;

    deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
    while (g_get_monotonic_time () < deadline)
      {
        g_clear_pointer (&job, hdb_job_free);
        g_clear_error (&error);
        job = HDB_SYNC (clients[2], get_job, &error, reply->job_id, 0);
        g_assert_no_error (error);
        if (job->status == HDB_JOB_STATUS_COMPLETE || job->status == HDB_JOB_STATUS_ERROR)
          break;
        test_util_spin (250);
      }
    g_test_message ("job %s: %s (%s)", job->id, job->status_text, job->message);
    g_assert_cmpstr (job->id, ==, reply->job_id);
    g_assert_cmpint (job->status, ==, HDB_JOB_STATUS_COMPLETE);
  }

  /* A job Harper does not know is no error. */
  {
    g_autoptr(HdbJob) unknown = HDB_SYNC (clients[2], get_job, &error,
                                          "00000000-0000-0000-0000-000000000000", 0);

    g_assert_no_error (error);
    g_assert_cmpint (unknown->status, ==, HDB_JOB_STATUS_UNKNOWN);
  }
}

/* Native flow ----------------------------------------------------------- */

static char *
repl_authorization (void)
{
  return hdb_basic_authorization ("deck_repl", "Repl-Password-9");
}

static void
enable_replication (guint i)
{
  g_autoptr(JsonObject) settings = json_object_new ();
  g_autoptr(HdbConfiguration) config = NULL;
  g_autoptr(HdbRestartReply) reply = NULL;
  g_autoptr(HdbServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  const char *name = harper_fixture_get_node_name (cluster, i);
  gint64 start;

  json_object_set_string_member (settings, "replication_hostname", name);
  json_object_set_string_member (settings, "replication_url",
                                 harper_fixture_get_repl_url (cluster, i));
  message = HDB_SYNC (clients[i], set_configuration, &error, settings);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (message, "restart"));

  /* The file says native, the running server does not yet. */
  config = HDB_SYNC (clients[i], get_configuration, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (config->replication_hostname, ==, name);
  g_assert_cmpint (hdb_configuration_get_engine (config), ==, HDB_ENGINE_NATIVE);
  info = HDB_SYNC (clients[i], server_info, &error);
  g_assert_no_error (error);
  g_assert_true (info->restart_pending);
  g_clear_pointer (&info, hdb_server_info_free);

  start = g_get_monotonic_time ();
  reply = HDB_SYNC (clients[i], restart, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (reply->message, "Restarting"));

  /* Wait until the restarted server reports its node name. */
  while (g_get_monotonic_time () - start < 90 * G_USEC_PER_SEC)
    {
      test_util_spin (250);
      g_clear_error (&error);
      g_clear_pointer (&info, hdb_server_info_free);
      info = HDB_SYNC (clients[i], server_info, &error);
      if (info != NULL && !info->restart_pending && info->engine == HDB_ENGINE_NATIVE)
        break;
    }
  g_assert_nonnull (info);
  g_assert_cmpint (info->engine, ==, HDB_ENGINE_NATIVE);
  g_assert_false (info->restart_pending);
  g_assert_cmpstr (info->node_name, ==, name);
  g_test_message ("%s answered with replication on after %.1f s", name,
                  (g_get_monotonic_time () - start) / 1e6);
}

static void
create_schema_and_user (guint i)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *table = NULL;
  g_autofree char *user = NULL;

  db = HDB_SYNC (clients[i], create_database, &error, DB);
  g_assert_no_error (error);
  table = HDB_SYNC (clients[i], create_table, &error, DB, TABLE, "id");
  g_assert_no_error (error);
  /* The dedicated replication account (a super user: Harper 4.4 refuses a
   * cluster_user role for add_node_back). */
  user = HDB_SYNC (clients[i], add_user, &error, "deck_repl", "Repl-Password-9", "super_user",
                   TRUE);
  g_assert_no_error (error);
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
test_native_enable (void)
{
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(GError) error = NULL;

  enable_replication (0);
  enable_replication (1);

  status = HDB_SYNC (clients[0], cluster_status, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status->engine, ==, HDB_ENGINE_NATIVE);
  g_assert_true (status->is_enabled);
  g_assert_cmpstr (status->node_name, ==, harper_fixture_get_node_name (cluster, 0));

  create_schema_and_user (0);
  create_schema_and_user (1);
}

static void
test_native_partial_add_node (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autofree char *message = NULL;
  g_autofree char *removed = NULL;
  HdbNodeSpec spec = {
    .engine = HDB_ENGINE_NATIVE,
    .url = harper_fixture_get_repl_url (cluster, 1),
  };

  /* Without credentials, 4.4.18 answers HTTP 200 "… but there was an error
   * updating target node" (Q4): the client calls it a failure. */
  message = HDB_SYNC (clients[0], add_node, &error, &spec);
  g_assert_null (message);
  g_assert_error (error, HDB_ERROR, HDB_ERROR_HARPER);
  g_assert_cmpuint (hdb_error_get_status (error), ==, 200);
  g_assert_nonnull (strstr (hdb_error_get_harper_message (error), "but there was an error"));
  g_clear_error (&error);

  /* It leaves a stray record named after the URL's host; remove it. */
  removed = HDB_SYNC (clients[0], remove_node, &error, HDB_ENGINE_NATIVE, "127.0.0.1");
  g_assert_no_error (error);

  status = HDB_SYNC (clients[0], cluster_status, &error);
  g_assert_no_error (error);
  g_assert_null (hdb_cluster_status_find_connection (status, "127.0.0.1"));
}

static void
test_native_connect_and_flow (void)
{
  g_autoptr(GPtrArray) both = subscriptions (TRUE, TRUE);
  g_autofree char *auth = repl_authorization ();
  g_autofree char *message = NULL;
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  const char *node1 = harper_fixture_get_node_name (cluster, 0);
  const char *node2 = harper_fixture_get_node_name (cluster, 1);
  const HdbConnection *conn;
  HdbNodeSpec spec = {
    .engine = HDB_ENGINE_NATIVE,
    .name = node2,
    .url = harper_fixture_get_repl_url (cluster, 1),
    .authorization = auth,
    .retain_authorization = TRUE,
    .subscriptions = both,
  };
  gint64 start;

  start = g_get_monotonic_time ();
  message = HDB_SYNC (clients[0], add_node, &error, &spec);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (message, "Successfully added"));

  g_assert_true (hdb_test_wait_link (clients[0], node2, TRUE, 30000));
  g_test_message ("link up %.2f s after add_node", (g_get_monotonic_time () - start) / 1e6);

  status = HDB_SYNC (clients[0], cluster_status, &error);
  g_assert_no_error (error);
  conn = hdb_cluster_status_find_connection (status, node2);
  g_assert_nonnull (conn);
  g_assert_cmpstr (conn->url, ==, harper_fixture_get_repl_url (cluster, 1));
  g_assert_false (conn->replicates);
  g_assert_cmpuint (conn->subscriptions->len, ==, 1);
  /* A retained credential is noted, never kept. */
  g_assert_true (conn->has_authorization);

  /* Both ways. */
  hdb_test_insert (clients[0], DB, TABLE, 1, "from node1");
  g_assert_true (hdb_test_wait_record (clients[1], DB, TABLE, 1, 15000));
  hdb_test_insert (clients[1], DB, TABLE, 2, "from node2");
  g_assert_true (hdb_test_wait_record (clients[0], DB, TABLE, 2, 15000));
  (void) node1;
}

/* Harper answers only the later of two cluster_status requests that one of
 * its worker threads serves at once; the earlier never gets an answer (the
 * client would ask again after HDB_READ_ATTEMPT_MS, and count it). Which
 * worker serves a connection is Harper's choice, so the client sends an
 * instance one cluster_status at a time: six asked at once, from three
 * clients, are each answered, each sent once. */
static void
test_native_cluster_status_at_once (void)
{
  const char *node2 = harper_fixture_get_node_name (cluster, 1);
  HdbClient *askers[3];
  GAsyncResult *results[6] = { NULL };
  guint before[3];
  guint sent = 0;

  askers[0] = g_object_ref (clients[0]);
  for (guint i = 1; i < G_N_ELEMENTS (askers); i++)
    askers[i] = hdb_test_client (node_url (0), harper_fixture_get_username (cluster),
                                 harper_fixture_get_password (cluster));
  for (guint i = 0; i < G_N_ELEMENTS (askers); i++)
    before[i] = hdb_client_get_request_count (askers[i]);

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    hdb_client_cluster_status_async (askers[i % 3], NULL, test_util_store_result, &results[i]);

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr(HdbClusterStatus) status = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_true (test_util_wait_for_pointer ((gpointer *) &results[i], 60000));
      status = hdb_client_cluster_status_finish (askers[i % 3], results[i], &error);
      g_assert_no_error (error);
      g_assert_nonnull (hdb_cluster_status_find_connection (status, node2));
      g_clear_object (&results[i]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (askers); i++)
    {
      sent += hdb_client_get_request_count (askers[i]) - before[i];
      g_object_unref (askers[i]);
    }
  g_assert_cmpuint (sent, ==, G_N_ELEMENTS (results));
}

static void
test_native_update_node (void)
{
  g_autoptr(GPtrArray) subscribe_only = subscriptions (TRUE, FALSE);
  g_autofree char *auth = repl_authorization ();
  g_autofree char *message = NULL;
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  const char *node2 = harper_fixture_get_node_name (cluster, 1);
  const HdbConnection *conn;
  const HdbSubscription *sub;
  HdbNodeSpec spec = {
    .engine = HDB_ENGINE_NATIVE,
    .name = node2,
    .url = harper_fixture_get_repl_url (cluster, 1),
    .authorization = auth,
    .retain_authorization = TRUE,
    .subscriptions = subscribe_only,
  };

  /* node1 stops publishing to node2 and keeps receiving from it. */
  message = HDB_SYNC (clients[0], update_node, &error, &spec);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (message, "Successfully updated"));

  status = HDB_SYNC (clients[0], cluster_status, &error);
  g_assert_no_error (error);
  conn = hdb_cluster_status_find_connection (status, node2);
  g_assert_nonnull (conn);
  /* update_node was sent with the URL, so the stored one is unchanged (Q7). */
  g_assert_cmpstr (conn->url, ==, harper_fixture_get_repl_url (cluster, 1));
  g_assert_cmpuint (conn->subscriptions->len, ==, 1);
  sub = g_ptr_array_index (conn->subscriptions, 0);
  g_assert_true (sub->subscribe);
  g_assert_false (sub->publish);

  hdb_test_insert (clients[1], DB, TABLE, 3, "node2 still reaches node1");
  g_assert_true (hdb_test_wait_record (clients[0], DB, TABLE, 3, 15000));
  hdb_test_write_until_held (clients[0], clients[1], DB, TABLE, 4, "node1 no longer reaches node2",
                             3000, HDB_TEST_FLOW_STOP_MS);
}

static void
test_native_remove_node (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *removed1 = NULL;
  g_autofree char *removed2 = NULL;
  g_autoptr(HdbClusterStatus) status1 = NULL;
  g_autoptr(HdbClusterStatus) status2 = NULL;
  const char *node1 = harper_fixture_get_node_name (cluster, 0);
  const char *node2 = harper_fixture_get_node_name (cluster, 1);

  removed1 = HDB_SYNC (clients[0], remove_node, &error, HDB_ENGINE_NATIVE, node2);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (removed1, "Successfully removed"));

  /* Removal is one-sided (Q5): remove node1 on node2 too. "does not exist"
   * there means it was already gone, which is as good. */
  removed2 = HDB_SYNC (clients[1], remove_node, &error, HDB_ENGINE_NATIVE, node1);
  if (error != NULL)
    {
      g_assert_error (error, HDB_ERROR, HDB_ERROR_HARPER);
      g_assert_nonnull (strstr (hdb_error_get_harper_message (error), "does not exist"));
      g_clear_error (&error);
    }

  status1 = HDB_SYNC (clients[0], cluster_status, &error);
  g_assert_no_error (error);
  g_assert_null (hdb_cluster_status_find_connection (status1, node2));
  status2 = HDB_SYNC (clients[1], cluster_status, &error);
  g_assert_no_error (error);
  g_assert_null (hdb_cluster_status_find_connection (status2, node1));

  hdb_test_write_until_held (clients[1], clients[0], DB, TABLE, 5, "after remove, from node2",
                             3000, HDB_TEST_FLOW_STOP_MS);
  hdb_test_write_until_held (clients[0], clients[1], DB, TABLE, 6, "after remove, from node1",
                             3000, HDB_TEST_FLOW_STOP_MS);

  /* A second removal names a node that no longer exists. */
  g_clear_pointer (&removed1, g_free);
  removed1 = HDB_SYNC (clients[0], remove_node, &error, HDB_ENGINE_NATIVE, node2);
  g_assert_null (removed1);
  g_assert_error (error, HDB_ERROR, HDB_ERROR_HARPER);
  g_assert_nonnull (strstr (hdb_error_get_harper_message (error), "does not exist"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  cluster = harper_fixture_start (3, HARPER_FIXTURE_UNCONFIGURED, &error);
  if (cluster == NULL)
    {
      g_printerr ("Could not start the Harper nodes: %s\n", error->message);
      g_print ("1..1\nnot ok 1 - start three Harper %s nodes: %s\n",
               harper_fixture_requested_version (), error->message);
      return 1;
    }

  for (guint i = 0; i < 3; i++)
    clients[i] = hdb_test_client (harper_fixture_get_url (cluster, i),
                                  harper_fixture_get_username (cluster),
                                  harper_fixture_get_password (cluster));

  g_test_add_func ("/hdb/native/health-and-registration", test_health_and_registration);
  g_test_add_func ("/hdb/native/user-and-server-info", test_user_info_and_server_info);
  g_test_add_func ("/hdb/native/wrong-password", test_wrong_password);
  g_test_add_func ("/hdb/native/configuration-and-status", test_configuration_and_status);
  g_test_add_func ("/hdb/native/roles-and-users", test_roles_and_users);
  g_test_add_func ("/hdb/native/schema-and-data", test_schema_and_data);
  g_test_add_func ("/hdb/native/routes", test_routes);
  g_test_add_func ("/hdb/native/threads-and-restart-service", test_threads_and_restart_service);
  g_test_add_func ("/hdb/native/flow/enable", test_native_enable);
  g_test_add_func ("/hdb/native/flow/connect-and-replicate", test_native_connect_and_flow);
  g_test_add_func ("/hdb/native/flow/cluster-status-at-once", test_native_cluster_status_at_once);
  g_test_add_func ("/hdb/native/flow/update-node", test_native_update_node);
  g_test_add_func ("/hdb/native/flow/remove-node", test_native_remove_node);
  g_test_add_func ("/hdb/native/flow/partial-add-node", test_native_partial_add_node);

  status = g_test_run ();

  for (guint i = 0; i < 3; i++)
    g_clear_object (&clients[i]);
  g_clear_pointer (&cluster, harper_fixture_free);
  return status;
}
