/* test-hdb-unit.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libhdb without a network: version and engine detection, fingerprints,
 * error data, and the request bodies' helpers.
 */

#include <string.h>

#include "hdb-client.h"
#include "hdb-parse.h"

static void
test_version_parse (void)
{
  guint major = 0, minor = 0, micro = 0;

  g_assert_true (hdb_version_parse ("4.4.18", &major, &minor, &micro));
  g_assert_cmpuint (major, ==, 4);
  g_assert_cmpuint (minor, ==, 4);
  g_assert_cmpuint (micro, ==, 18);

  g_assert_true (hdb_version_parse ("4.7.29-beta.1", &major, &minor, &micro));
  g_assert_cmpuint (minor, ==, 7);
  g_assert_cmpuint (micro, ==, 29);

  g_assert_true (hdb_version_parse ("5.0", &major, &minor, &micro));
  g_assert_cmpuint (major, ==, 5);
  g_assert_cmpuint (micro, ==, 0);

  g_assert_false (hdb_version_parse ("", NULL, NULL, NULL));
  g_assert_false (hdb_version_parse ("four", NULL, NULL, NULL));
  g_assert_false (hdb_version_parse ("4", NULL, NULL, NULL));
  g_assert_false (hdb_version_parse (NULL, NULL, NULL, NULL));
}

static void
test_version_has_native (void)
{
  g_assert_false (hdb_version_has_native ("4.3.38"));
  g_assert_false (hdb_version_has_native ("3.3.0"));
  g_assert_true (hdb_version_has_native ("4.4.0"));
  g_assert_true (hdb_version_has_native ("4.4.18"));
  g_assert_true (hdb_version_has_native ("4.7.29"));
  g_assert_true (hdb_version_has_native ("5.1.2"));
  g_assert_false (hdb_version_has_native ("garbage"));
}

static JsonNode *
parse (const char *json)
{
  JsonNode *node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  return node;
}

static void
test_engine_from_configuration (void)
{
  struct {
    const char *json;
    HdbEngine   engine;
  } cases[] = {
    { "{\"replication\":{\"hostname\":null,\"databases\":\"*\"},\"clustering\":{\"enabled\":false}}",
      HDB_ENGINE_NONE },
    { "{\"replication\":{\"hostname\":\"node1\",\"url\":\"ws://127.0.0.1:9925\"}}",
      HDB_ENGINE_NATIVE },
    { "{\"replication\":{\"url\":\"wss://db1:9925\"},\"clustering\":{\"enabled\":false}}",
      HDB_ENGINE_NATIVE },
    /* A bridge node: native wins for the node operations (reference §0). */
    { "{\"replication\":{\"hostname\":\"node1\"},\"clustering\":{\"enabled\":true,\"nodeName\":\"n1\"}}",
      HDB_ENGINE_NATIVE },
    { "{\"clustering\":{\"enabled\":true,\"nodeName\":\"nodeA\",\"user\":\"cluster_user\"}}",
      HDB_ENGINE_NATS },
    { "{\"clustering\":{\"enabled\":\"true\",\"nodeName\":\"nodeA\"}}",
      HDB_ENGINE_NATS },
    { "{}", HDB_ENGINE_NONE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = parse (cases[i].json);
      g_autoptr(GError) error = NULL;
      g_autoptr(HdbConfiguration) config = hdb_parse_configuration (node, &error);

      g_assert_no_error (error);
      g_assert_cmpint (hdb_configuration_get_engine (config), ==, cases[i].engine);
      g_assert_cmpint (hdb_detect_engine (config, NULL), ==, cases[i].engine);
    }

  g_assert_cmpint (hdb_detect_engine (NULL, NULL), ==, HDB_ENGINE_UNKNOWN);
}

static void
test_engine_from_status_shape (void)
{
  struct {
    const char *json;
    HdbEngine   engine;
  } cases[] = {
    { "{\"connections\":[]}", HDB_ENGINE_NONE },
    { "{\"type\":\"cluster-status\",\"connections\":[],\"node_name\":\"node1\",\"is_enabled\":true}",
      HDB_ENGINE_NATIVE },
    { "{\"node_name\":\"nodeA\",\"is_enabled\":true,\"connections\":[]}", HDB_ENGINE_NATS },
    { "{\"node_name\":\"nodeA\",\"is_enabled\":true,\"connections\":[{\"node_name\":\"nodeB\","
      "\"status\":\"open\",\"ports\":{\"clustering\":9932},\"latency_ms\":7}]}", HDB_ENGINE_NATS },
    { "{\"node_name\":null,\"is_enabled\":false,\"connections\":[]}", HDB_ENGINE_NONE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = parse (cases[i].json);
      g_autoptr(GError) error = NULL;
      g_autoptr(HdbClusterStatus) status = hdb_parse_cluster_status (node, &error);

      g_assert_no_error (error);
      g_assert_cmpint (status->engine, ==, cases[i].engine);
      g_assert_cmpint (hdb_detect_engine (NULL, status), ==, cases[i].engine);
    }
}

static void
test_engine_names (void)
{
  g_assert_cmpstr (hdb_engine_to_string (HDB_ENGINE_NATIVE), ==, "native");
  g_assert_cmpstr (hdb_engine_to_string (HDB_ENGINE_NATS), ==, "nats");
  g_assert_cmpstr (hdb_engine_to_string (HDB_ENGINE_NONE), ==, "none");
  g_assert_cmpstr (hdb_engine_to_string (HDB_ENGINE_UNKNOWN), ==, "unknown");
}

static void
test_fingerprints (void)
{
  const char *colon = "FD:4D:C3:4C:A2:16:E2:0C:72:15:37:0B:73:A0:BB:C3:"
                      "52:AE:99:0A:DC:47:6F:94:55:6E:2C:FB:13:1F:29:FB";
  const char *plain = "fd4dc34ca216e20c7215370b73a0bbc352ae990adc476f94556e2cfb131f29fb";
  g_autofree char *n1 = hdb_normalize_fingerprint (colon);
  g_autofree char *n2 = hdb_normalize_fingerprint (plain);
  g_autofree char *f = hdb_format_fingerprint (plain);
  g_autofree char *bad1 = hdb_normalize_fingerprint ("FD:4D");
  g_autofree char *bad2 = hdb_normalize_fingerprint ("zz4dc34ca216e20c7215370b73a0bbc352ae990adc476f94556e2cfb131f29fb");

  g_assert_cmpstr (n1, ==, plain);
  g_assert_cmpstr (n2, ==, plain);
  g_assert_cmpstr (f, ==, colon);
  g_assert_null (bad1);
  g_assert_null (bad2);
  g_assert_null (hdb_normalize_fingerprint (NULL));
}

static void
test_basic_authorization (void)
{
  g_autoptr(HdbSecret) value = hdb_basic_authorization ("admin", "Harper-lab-1");
  g_autoptr(HdbSecret) empty = hdb_basic_authorization (NULL, NULL);
  g_autoptr(HdbSecret) unicode = hdb_basic_authorization ("zoë", "pässwörd:with:colons");
  g_autofree guchar *decoded = NULL;
  gsize length;

  /* base64("admin:Harper-lab-1") */
  g_assert_cmpstr (value, ==, "Basic YWRtaW46SGFycGVyLWxhYi0x");
  g_assert_cmpstr (empty, ==, "Basic Og==");
  g_assert_true (g_str_has_prefix (unicode, "Basic "));
  decoded = g_base64_decode (unicode + strlen ("Basic "), &length);
  g_assert_cmpmem (decoded, length, "zoë:pässwörd:with:colons",
                   strlen ("zoë:pässwörd:with:colons"));
  hdb_secret_free (NULL);
}

static void
test_client_plaintext (void)
{
  static const struct { const char *url; gboolean plaintext; } cases[] = {
    { "http://127.0.0.1:9925", TRUE },
    { "HTTP://db1.example.com:9925/", TRUE },
    { "https://db1.example.com:9925", FALSE },
    { "HTTPS://db1.example.com", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HdbClient) client = hdb_client_new (cases[i].url, "admin", "pw", &error);

      g_assert_no_error (error);
      g_assert_cmpint (hdb_client_is_plaintext (client), ==, cases[i].plaintext);
    }
}

static void
test_client_never_exposes_password (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdbClient) client = hdb_client_new ("http://127.0.0.1:9925", "admin",
                                                "s3cret-Pass", &error);
  g_autofree char *url = NULL;
  g_autofree char *user = NULL;

  g_assert_no_error (error);
  g_object_get (client, "base-url", &url, "username", &user, NULL);
  g_assert_cmpstr (url, ==, "http://127.0.0.1:9925");
  g_assert_cmpstr (user, ==, "admin");
  /* No property hands the password back. */
  g_assert_null (g_object_class_find_property (G_OBJECT_GET_CLASS (client), "password"));
  g_assert_cmpuint (hdb_client_get_request_count (client), ==, 0);
}

static void
test_error_data (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) copy = NULL;

  hdb_set_error (&error, HDB_ERROR_HARPER, 400, "database 'dev' already exists",
                 "refused: %s", "x");
  g_assert_error (error, HDB_ERROR, HDB_ERROR_HARPER);
  g_assert_cmpuint (hdb_error_get_status (error), ==, 400);
  g_assert_cmpstr (hdb_error_get_harper_message (error), ==, "database 'dev' already exists");

  /* The extended data survives a copy. */
  copy = g_error_copy (error);
  g_assert_cmpuint (hdb_error_get_status (copy), ==, 400);
  g_assert_cmpstr (hdb_error_get_harper_message (copy), ==, "database 'dev' already exists");

  g_assert_cmpstr (hdb_error_code_to_string (HDB_ERROR_INVALID_RESPONSE), ==, "invalid-response");
  g_assert_cmpstr (hdb_error_code_to_string (HDB_ERROR_TIMEOUT), ==, "timeout");

  /* Not an HdbError: no data. */
  g_clear_error (&error);
  g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_FAILED, "x");
  g_assert_cmpuint (hdb_error_get_status (error), ==, 0);
  g_assert_null (hdb_error_get_harper_message (error));
}

static void
test_node_message_partial (void)
{
  const char *failures[] = {
    "{\"message\":\"Successfully added 'ws://127.0.0.1:19110' to cluster but there was an error updating target node: Connection closed Unauthorized 1008\"}",
    "{\"message\":\"Some subscriptions were unsuccessful due to schema and/or tables not existing on the local or remote node\",\"added\":[],\"skipped\":[{}]}",
    "{\"message\":\"Unable to create subscriptions due to schema and/or tables not existing on the local or remote node\"}",
  };
  g_autoptr(JsonNode) ok = parse ("{\"message\":\"Successfully added 'ws://127.0.0.1:19110' to cluster\"}");
  g_autoptr(GError) error = NULL;
  g_autofree char *message = hdb_parse_node_message (ok, &error);

  g_assert_no_error (error);
  g_assert_nonnull (strstr (message, "Successfully added"));

  for (guint i = 0; i < G_N_ELEMENTS (failures); i++)
    {
      g_autoptr(JsonNode) node = parse (failures[i]);
      g_autofree char *m = hdb_parse_node_message (node, &error);

      g_assert_null (m);
      g_assert_error (error, HDB_ERROR, HDB_ERROR_HARPER);
      g_assert_cmpuint (hdb_error_get_status (error), ==, 200);
      g_clear_error (&error);
    }
}

static void
test_parsers_reject_wrong_shapes (void)
{
  g_autoptr(JsonNode) array = parse ("[]");
  g_autoptr(JsonNode) object = parse ("{\"foo\":1}");
  g_autoptr(JsonNode) bad_connections = parse ("{\"connections\":\"none\"}");
  g_autoptr(GError) error = NULL;

  g_assert_null (hdb_parse_registration_info (array, &error));
  g_assert_error (error, HDB_ERROR, HDB_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
  g_assert_null (hdb_parse_registration_info (object, &error));
  g_assert_error (error, HDB_ERROR, HDB_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
  g_assert_null (hdb_parse_user_info (object, &error));
  g_assert_error (error, HDB_ERROR, HDB_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
  g_assert_null (hdb_parse_users (object, &error));
  g_assert_error (error, HDB_ERROR, HDB_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
  g_assert_null (hdb_parse_roles (object, &error));
  g_assert_error (error, HDB_ERROR, HDB_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
  g_assert_null (hdb_parse_describe_all (array, &error));
  g_assert_error (error, HDB_ERROR, HDB_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
  g_assert_null (hdb_parse_cluster_status (bad_connections, &error));
  g_assert_error (error, HDB_ERROR, HDB_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
  g_assert_null (hdb_parse_thread_ids (object, &error));
  g_assert_error (error, HDB_ERROR, HDB_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
  g_assert_null (hdb_parse_message (object, &error));
  g_assert_error (error, HDB_ERROR, HDB_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
  g_assert_null (hdb_parse_configuration (array, &error));
  g_assert_error (error, HDB_ERROR, HDB_ERROR_INVALID_RESPONSE);
}

static void
test_subscriptions_schema_alias (void)
{
  g_autoptr(JsonNode) node = parse ("[{\"schema\":\"dev\",\"table\":\"dog\",\"publish\":true,\"subscribe\":false},"
                                    "{\"database\":\"dev\",\"table\":\"cat\",\"publish\":false,\"subscribe\":true},"
                                    "{\"table\":\"orphan\"}, 42]");
  g_autoptr(GPtrArray) subs = hdb_parse_subscriptions (json_node_get_array (node));
  HdbSubscription *s0, *s1;

  g_assert_cmpuint (subs->len, ==, 2);
  s0 = g_ptr_array_index (subs, 0);
  s1 = g_ptr_array_index (subs, 1);
  g_assert_cmpstr (s0->database, ==, "dev");
  g_assert_cmpstr (s0->table, ==, "dog");
  g_assert_true (s0->publish);
  g_assert_false (s0->subscribe);
  g_assert_cmpstr (s1->table, ==, "cat");
  g_assert_true (s1->subscribe);
}

/* A password in the URL is refused, and the error never repeats it. */
static void
test_client_refuses_userinfo (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdbClient) client = hdb_client_new ("http://admin:S3cret-in-url@127.0.0.1:9925",
                                                "admin", "pw", &error);

  g_assert_null (client);
  g_assert_error (error, HDB_ERROR, HDB_ERROR_NETWORK);
  g_assert_null (strstr (error->message, "S3cret-in-url"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hdb/version/parse", test_version_parse);
  g_test_add_func ("/hdb/version/has-native", test_version_has_native);
  g_test_add_func ("/hdb/engine/from-configuration", test_engine_from_configuration);
  g_test_add_func ("/hdb/engine/from-status-shape", test_engine_from_status_shape);
  g_test_add_func ("/hdb/engine/names", test_engine_names);
  g_test_add_func ("/hdb/fingerprints", test_fingerprints);
  g_test_add_func ("/hdb/basic-authorization", test_basic_authorization);
  g_test_add_func ("/hdb/client/plaintext", test_client_plaintext);
  g_test_add_func ("/hdb/client/no-password-property", test_client_never_exposes_password);
  g_test_add_func ("/hdb/client/refuses-userinfo", test_client_refuses_userinfo);
  g_test_add_func ("/hdb/error/data", test_error_data);
  g_test_add_func ("/hdb/parse/node-message-partial", test_node_message_partial);
  g_test_add_func ("/hdb/parse/wrong-shapes", test_parsers_reject_wrong_shapes);
  g_test_add_func ("/hdb/parse/subscriptions-schema-alias", test_subscriptions_schema_alias);

  return g_test_run ();
}
