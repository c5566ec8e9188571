/* test-faults-answers.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Answers a real Harper server does not give on demand, served well-formed
 * over HTTP by a loopback SoupServer (fault-server.h): malformed or
 * misshapen JSON, an HTML error page of a proxy, Harper's refusals with
 * each status, a partial failure inside a 200, a large answer. Each ends in
 * the right HDB_ERROR code with a message that says what happened.
 */

#include <string.h>

#include "fault-server.h"
#include "hdb-json.h"
#include "test-util.h"

static void
handle_malformed (SoupServerMessage *msg,
                  gpointer           data)
{
  fault_respond (msg, 200, "application/json", "{\"version\": \"" FAKE_VERSION "\", ");
}

static void
test_malformed_json (void)
{
  g_autoptr(FaultServer) fs = fault_server_new (handle_malformed, NULL);
  g_autoptr(HdbClient) client = fault_client_for (fs->url);
  g_autoptr(GError) error = fault_registration_error (client);

  g_assert_error (error, HDB_ERROR, HDB_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "not JSON"));
  g_assert_cmpuint (hdb_error_get_status (error), ==, 200);
}

static void
handle_wrong_shape (SoupServerMessage *msg,
                    gpointer           data)
{
  fault_respond (msg, 200, "application/json", "[1, 2, 3]");
}

static void
test_wrong_shape (void)
{
  g_autoptr(FaultServer) fs = fault_server_new (handle_wrong_shape, NULL);
  g_autoptr(HdbClient) client = fault_client_for (fs->url);
  g_autoptr(GError) error = fault_registration_error (client);

  g_assert_error (error, HDB_ERROR, HDB_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "registration_info"));
}

static void
handle_html_502 (SoupServerMessage *msg,
                 gpointer           data)
{
  fault_respond (msg, 502, "text/html",
           "<html><head><title>502 Bad Gateway</title></head>"
           "<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center>"
           "</body></html>");
}

static void
test_html_502 (void)
{
  g_autoptr(FaultServer) fs = fault_server_new (handle_html_502, NULL);
  g_autoptr(HdbClient) client = fault_client_for (fs->url);
  g_autoptr(GError) error = fault_registration_error (client);

  g_assert_error (error, HDB_ERROR, HDB_ERROR_SERVER);
  g_assert_cmpuint (hdb_error_get_status (error), ==, 502);
  g_assert_null (hdb_error_get_harper_message (error));
  g_assert_nonnull (strstr (error->message, "502"));
  g_assert_nonnull (strstr (error->message, "does not come from Harper"));
}

static void
handle_500_json (SoupServerMessage *msg,
                 gpointer           data)
{
  fault_respond (msg, 500, "application/json", "{\"error\":\"Unable to find a certificate to use for replication\"}");
}

static void
test_server_error_json (void)
{
  g_autoptr(FaultServer) fs = fault_server_new (handle_500_json, NULL);
  g_autoptr(HdbClient) client = fault_client_for (fs->url);
  g_autoptr(GError) error = fault_registration_error (client);

  g_assert_error (error, HDB_ERROR, HDB_ERROR_SERVER);
  g_assert_cmpstr (hdb_error_get_harper_message (error), ==,
                   "Unable to find a certificate to use for replication");
}

static void
handle_401 (SoupServerMessage *msg,
            gpointer           data)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "WWW-Authenticate", "Basic");
  fault_respond (msg, 401, "application/json", "{\"error\":\"Login failed\"}");
}

static void
test_unauthorized (void)
{
  g_autoptr(FaultServer) fs = fault_server_new (handle_401, NULL);
  g_autoptr(HdbClient) client = fault_client_for (fs->url);
  g_autoptr(GError) error = fault_registration_error (client);

  g_assert_error (error, HDB_ERROR, HDB_ERROR_AUTH);
  g_assert_cmpuint (hdb_error_get_status (error), ==, 401);
  g_assert_cmpstr (hdb_error_get_harper_message (error), ==, "Login failed");
  g_assert_nonnull (strstr (error->message, "admin"));
  /* The password never appears in a message. */
  g_assert_null (strstr (error->message, "fault-password"));
  /* The request carried Basic auth for admin. */
  g_assert_cmpuint (fs->n_requests, ==, 1);
}

static void
handle_403 (SoupServerMessage *msg,
            gpointer           data)
{
  fault_respond (msg, 403, "application/json",
           "{\"error\":\"This operation is not authorized due to role restrictions and/or "
           "invalid database items\",\"unauthorized_access\":[\"Operation 'restart' is "
           "restricted to 'super_user' roles\"],\"invalid_schema_items\":[]}");
}

static void
test_forbidden (void)
{
  g_autoptr(FaultServer) fs = fault_server_new (handle_403, NULL);
  g_autoptr(HdbClient) client = fault_client_for (fs->url);
  g_autoptr(GError) error = fault_registration_error (client);

  g_assert_error (error, HDB_ERROR, HDB_ERROR_FORBIDDEN);
  g_assert_nonnull (strstr (hdb_error_get_harper_message (error), "restricted to 'super_user'"));
  g_assert_nonnull (strstr (error->message, "super user"));
}

static void
handle_400 (SoupServerMessage *msg,
            gpointer           data)
{
  fault_respond (msg, 400, "application/json", "{\"error\":\"Operation 'registration_info' not found\"}");
}

static void
test_harper_refusal (void)
{
  g_autoptr(FaultServer) fs = fault_server_new (handle_400, NULL);
  g_autoptr(HdbClient) client = fault_client_for (fs->url);
  g_autoptr(GError) error = fault_registration_error (client);

  g_assert_error (error, HDB_ERROR, HDB_ERROR_HARPER);
  g_assert_cmpuint (hdb_error_get_status (error), ==, 400);
  g_assert_cmpstr (hdb_error_get_harper_message (error), ==,
                   "Operation 'registration_info' not found");
}

static void
handle_partial_add_node (SoupServerMessage *msg,
                         gpointer           data)
{
  fault_respond (msg, 200, "application/json",
           "{\"message\":\"Successfully added 'ws://127.0.0.1:1' to cluster but there was an "
           "error updating target node: Connection closed Unauthorized 1008\"}");
}

static void
test_partial_add_node (void)
{
  g_autoptr(FaultServer) fs = fault_server_new (handle_partial_add_node, NULL);
  g_autoptr(HdbClient) client = fault_client_for (fs->url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  HdbNodeSpec spec = {
    .engine = HDB_ENGINE_NATIVE,
    .name = "node2",
    .url = "ws://127.0.0.1:1",
    .authorization = "Basic Y2x1c3Rlcl91c2VyOmZha2U=",
    .retain_authorization = TRUE,
  };

  TEST_AWAIT (result, 20000,
              hdb_client_add_node_async (client, &spec, NULL, test_util_store_result, &result));
  message = hdb_client_add_node_finish (client, result, &error);
  g_assert_null (message);
  g_assert_error (error, HDB_ERROR, HDB_ERROR_HARPER);
  g_assert_nonnull (strstr (hdb_error_get_harper_message (error), "Unauthorized 1008"));

  /* The request carried everything DESIGN.md §2 asks for. */
  g_assert_nonnull (strstr (fs->last_body->str, "\"operation\":\"add_node\""));
  g_assert_nonnull (strstr (fs->last_body->str, "\"url\":\"ws://127.0.0.1:1\""));
  g_assert_nonnull (strstr (fs->last_body->str, "\"retain_authorization\":true"));
  g_assert_nonnull (strstr (fs->last_body->str, "\"hostname\":\"node2\""));
}

static void
handle_big (SoupServerMessage *msg,
            gpointer           data)
{
  /* A 10 MB answer: a long list of records. */
  GString *body = g_string_sized_new (10 * 1024 * 1024 + 64);

  g_string_append_c (body, '[');
  while (body->len < 10 * 1024 * 1024)
    g_string_append (body, "{\"id\":1,\"name\":\"0123456789012345678901234567890123456789\"},");
  g_string_append (body, "{\"id\":2}]");

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    body->str, body->len);
  g_string_free (body, FALSE);
}

static void
test_big_response (void)
{
  g_autoptr(FaultServer) fs = fault_server_new (handle_big, NULL);
  g_autoptr(HdbClient) client = fault_client_for (fs->url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonArray) records = NULL;
  g_autoptr(JsonArray) ids = json_array_new ();
  g_autoptr(GError) error = NULL;

  /* Under the default limit (64 MiB) a 10 MB answer is read whole. */
  json_array_add_int_element (ids, 1);
  TEST_AWAIT (result, 30000,
              hdb_client_search_by_id_async (client, "dev", "dog", ids, NULL,
                                             test_util_store_result, &result));
  records = hdb_client_search_by_id_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (records), >, 100000);
  g_clear_object (&result);

  /* Over the limit it is refused without being kept in memory. */
  hdb_client_set_max_response_size (client, 4 * 1024 * 1024);
  TEST_AWAIT (result, 30000,
              hdb_client_search_by_id_async (client, "dev", "dog", ids, NULL,
                                             test_util_store_result, &result));
  g_clear_pointer (&records, json_array_unref);
  records = hdb_client_search_by_id_finish (client, result, &error);
  g_assert_null (records);
  g_assert_error (error, HDB_ERROR, HDB_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "larger than"));
}

static void
test_bad_url (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdbClient) client = hdb_client_new ("ftp://127.0.0.1:9925", "a", "b", &error);

  g_assert_null (client);
  g_assert_error (error, HDB_ERROR, HDB_ERROR_NETWORK);
  g_clear_error (&error);

  client = hdb_client_new ("not a url", "a", "b", &error);
  g_assert_null (client);
  g_assert_nonnull (error);
}

static void
handle_user_exists (SoupServerMessage *msg,
                    gpointer           data)
{
  fault_respond (msg, 409, "application/json", "{\"error\":\"User reader already exists\"}");
}

/* The member @name of the last request's body, as the server read it. */
static char *
body_member (FaultServer *fs,
             const char  *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = hdb_json_parse (fs->last_body->str, fs->last_body->len, 1 << 20,
                                             &error);

  g_assert_no_error (error);
  return g_strdup (hdb_json_get_string (json_node_get_object (root), name));
}

/* Bodies with a password or a credential reach the server whole, however
 * the secret is written, and never reach a message. (The client wipes its
 * copies once they are sent; that is checked by reading hdb-request.c, not
 * here: freed memory cannot be looked at.) */
static void
test_secret_bodies (void)
{
  static const char password[] = "p\"a\\s\x01s é\n\u2028w:rd";
  g_autoptr(FaultServer) fs = fault_server_new (handle_user_exists, NULL);
  g_autoptr(HdbClient) client = fault_client_for (fs->url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *sent = NULL;
  g_autoptr(HdbSecret) authorization = hdb_basic_authorization ("cluster_user", password);
  g_autoptr(JsonObject) request = json_object_new ();
  g_autoptr(JsonNode) answer = NULL;
  HdbNodeSpec spec = {
    .engine = HDB_ENGINE_NATIVE,
    .name = "node2",
    .url = "wss://127.0.0.1:1",
    .authorization = authorization,
  };

  TEST_AWAIT (result, 20000,
              hdb_client_add_user_async (client, "reader", password, "cluster_user", TRUE, NULL,
                                         test_util_store_result, &result));
  message = hdb_client_add_user_finish (client, result, &error);
  g_assert_null (message);
  g_assert_error (error, HDB_ERROR, HDB_ERROR_HARPER);
  g_assert_null (strstr (error->message, "w:rd"));
  sent = body_member (fs, "password");
  g_assert_cmpstr (sent, ==, password);
  g_clear_error (&error);
  g_clear_object (&result);
  g_clear_pointer (&sent, g_free);

  TEST_AWAIT (result, 20000,
              hdb_client_add_node_async (client, &spec, NULL, test_util_store_result, &result));
  message = hdb_client_add_node_finish (client, result, &error);
  g_assert_error (error, HDB_ERROR, HDB_ERROR_HARPER);
  g_assert_null (strstr (error->message, authorization + strlen ("Basic ")));
  sent = body_member (fs, "authorization");
  g_assert_cmpstr (sent, ==, authorization);
  g_clear_error (&error);
  g_clear_object (&result);

  /* A body the caller built stays the caller's: nothing in it is wiped. */
  json_object_set_string_member (request, "operation", "alter_user");
  json_object_set_string_member (request, "password", password);
  TEST_AWAIT (result, 20000,
              hdb_client_call_async (client, request, 0, NULL, test_util_store_result, &result));
  answer = hdb_client_call_finish (client, result, &error);
  g_assert_error (error, HDB_ERROR, HDB_ERROR_HARPER);
  g_assert_cmpstr (hdb_json_get_string (request, "password"), ==, password);
}

/* server_info's four reads: each answered after 100 ms, from the captured
 * fixtures, a login that is a super user or not; the server notes each
 * operation and how many were in flight at once. */
typedef struct
{
  gboolean   super_user;
  GPtrArray *operations;
  guint      in_flight;
  guint      most_in_flight;
} InfoServer;

static void
handle_info (SoupServerMessage *msg,
             gpointer           data)
{
  FaultServer *fs = data;
  InfoServer *is = fs->handler_data;
  const char *fixture = "error_unknown_operation.json";
  g_autofree char *body = NULL;
  static const struct { const char *operation, *super, *plain; } answers[] = {
    { "registration_info", "registration_info.json", "registration_info.json" },
    { "user_info", "user_info_super.json", "user_info_plain.json" },
    { "get_configuration", "get_configuration_native.json", "error_403.json" },
    { "cluster_status", "cluster_status_native_replicates.json", "error_403.json" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autofree char *member = g_strdup_printf ("\"%s\"", answers[i].operation);

      if (strstr (fs->last_body->str, member) != NULL)
        {
          g_ptr_array_add (is->operations, g_strdup (answers[i].operation));
          fixture = is->super_user ? answers[i].super : answers[i].plain;
        }
    }
  body = fault_load_fixture (fixture);
  fault_respond_later (msg, 100, g_str_has_prefix (fixture, "error_403") ? 403 : 200, body,
                       &is->in_flight);
  is->most_in_flight = MAX (is->most_in_flight, is->in_flight);
}

/* server_info once more, the server's notes cleared first */
static HdbServerInfo *
server_info_of (HdbClient  *client,
                InfoServer *is)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  HdbServerInfo *info;

  g_ptr_array_set_size (is->operations, 0);
  is->most_in_flight = 0;

  TEST_AWAIT (result, 10000,
              hdb_client_server_info_async (client, NULL, test_util_store_result, &result));
  info = hdb_client_server_info_finish (client, result, &error);
  g_assert_no_error (error);
  return info;
}

static void
test_server_info_round_trips (void)
{
  InfoServer is = { .super_user = TRUE };
  g_autoptr(GPtrArray) operations = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(FaultServer) fs = fault_server_new (handle_info, NULL);
  g_autoptr(HdbClient) client = fault_client_for (fs->url);
  g_autoptr(HdbServerInfo) info = NULL;

  is.operations = operations;
  fs->handler_data = &is;

  /* A super user: the four reads at once, one round trip. */
  info = server_info_of (client, &is);
  g_assert_true (info->super_user);
  g_assert_cmpint (info->engine, ==, HDB_ENGINE_NATIVE);
  g_assert_cmpuint (is.operations->len, ==, 4);
  g_assert_cmpuint (is.most_in_flight, ==, 4);
  g_clear_pointer (&info, hdb_server_info_free);

  /* Not a super user: its refused reads are no error; the engine is not
   * guessed. The client then asks only for the first two. */
  is.super_user = FALSE;
  info = server_info_of (client, &is);
  g_assert_false (info->super_user);
  g_assert_cmpint (info->engine, ==, HDB_ENGINE_UNKNOWN);
  g_assert_cmpuint (is.operations->len, ==, 4);
  g_clear_pointer (&info, hdb_server_info_free);

  info = server_info_of (client, &is);
  g_assert_false (info->super_user);
  /* Sent at once on two connections: they may arrive in either order. */
  g_assert_cmpuint (is.operations->len, ==, 2);
  g_assert_true (g_ptr_array_find_with_equal_func (is.operations, "registration_info",
                                                   g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (is.operations, "user_info",
                                                   g_str_equal, NULL));
  g_clear_pointer (&info, hdb_server_info_free);

  /* Made a super user again: user_info says so, and the other two follow
   * in a second round trip. */
  is.super_user = TRUE;
  info = server_info_of (client, &is);
  g_assert_true (info->super_user);
  g_assert_cmpint (info->engine, ==, HDB_ENGINE_NATIVE);
  g_assert_cmpuint (is.operations->len, ==, 4);
  g_assert_cmpuint (is.most_in_flight, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/faults/malformed-json", test_malformed_json);
  g_test_add_func ("/faults/wrong-shape", test_wrong_shape);
  g_test_add_func ("/faults/html-502", test_html_502);
  g_test_add_func ("/faults/server-error-json", test_server_error_json);
  g_test_add_func ("/faults/unauthorized", test_unauthorized);
  g_test_add_func ("/faults/forbidden", test_forbidden);
  g_test_add_func ("/faults/harper-refusal", test_harper_refusal);
  g_test_add_func ("/faults/partial-add-node", test_partial_add_node);
  g_test_add_func ("/faults/10mb-response", test_big_response);
  g_test_add_func ("/faults/bad-url", test_bad_url);
  g_test_add_func ("/faults/secret-bodies", test_secret_bodies);
  g_test_add_func ("/faults/server-info-round-trips", test_server_info_round_trips);

  return g_test_run ();
}
