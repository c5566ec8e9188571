/* test-hdb-wrong-types.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The parsers of libhdb fed with answers whose members have another JSON
 * type than Harper's, or numbers out of range ("threadId": 1e300): a member
 * the app acts on makes the answer invalid (HDB_ERROR_INVALID_RESPONSE,
 * naming the member), a member that is only shown reads as missing, and
 * nothing ever casts out of range or logs a critical (this program runs
 * with G_DEBUG=fatal-warnings). The second half takes every captured
 * answer of tests/fixtures/hdb and replaces each of its members, one at a
 * time, with a value of every other type.
 */

#include <string.h>

#include "hdb-client.h"
#include "hdb-parse.h"

typedef gpointer (*ParseFunc) (JsonNode *node, GError **error);

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

/* Runs @parser on @json: %NULL and the error when it failed, else the
 * result, freed with @free_func by the caller. */
static gpointer
run (ParseFunc    parser,
     const char  *json,
     GError     **error)
{
  g_autoptr(JsonNode) node = parse (json);

  return parser (node, error);
}

static void
assert_invalid (ParseFunc   parser,
                const char *json,
                const char *named)
{
  g_autoptr(GError) error = NULL;
  gpointer result = run (parser, json, &error);

  if (result != NULL)
    g_error ("%s was accepted", json);
  g_assert_error (error, HDB_ERROR, HDB_ERROR_INVALID_RESPONSE);
  g_test_message ("%s → %s", json, error->message);
  if (named != NULL)
    g_assert_nonnull (strstr (error->message, named));
}

static void
test_registration_info (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdbRegistrationInfo) info = NULL;

  assert_invalid ((ParseFunc) hdb_parse_registration_info, "{\"version\":4.4}", "version");
  assert_invalid ((ParseFunc) hdb_parse_registration_info, "null", NULL);
  assert_invalid ((ParseFunc) hdb_parse_registration_info, "\"4.4.18\"", NULL);

  /* The license is shown and nothing else: read as missing. */
  info = run ((ParseFunc) hdb_parse_registration_info,
              "{\"version\":\"4.4.18\",\"registered\":\"yes\",\"ram_allocation\":1e300,"
              "\"license_expiration_date\":{\"a\":1}}", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->version, ==, "4.4.18");
  g_assert_false (info->registered);
  g_assert_null (info->ram_allocation);
  g_assert_null (info->license_expiration_date);
}

static void
test_user_info (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdbUserInfo) user = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GPtrArray) roles = NULL;

  assert_invalid ((ParseFunc) hdb_parse_user_info, "{\"username\":5}", "username");
  assert_invalid ((ParseFunc) hdb_parse_user_info, "{\"username\":\"a\",\"role\":5}", "role");
  assert_invalid ((ParseFunc) hdb_parse_user_info,
                  "{\"username\":\"a\",\"role\":{\"role\":\"r\",\"permission\":[]}}",
                  "permission");
  assert_invalid ((ParseFunc) hdb_parse_user_info,
                  "{\"username\":\"a\",\"role\":{\"permission\":{\"super_user\":\"yes\"}}}",
                  "super_user");
  assert_invalid ((ParseFunc) hdb_parse_user_info,
                  "{\"username\":\"a\",\"active\":{}}", "active");
  assert_invalid ((ParseFunc) hdb_parse_users, "[5]", "a user");
  assert_invalid ((ParseFunc) hdb_parse_users, "[{\"username\":[]}]", "username");
  assert_invalid ((ParseFunc) hdb_parse_roles, "[{\"role\":\"r\",\"permission\":\"all\"}]",
                  "permission");
  assert_invalid ((ParseFunc) hdb_parse_roles, "{\"role\":\"r\"}", NULL);

  /* The older shape: the role by name. */
  user = run ((ParseFunc) hdb_parse_user_info,
              "{\"username\":\"a\",\"role\":\"super_user\",\"active\":\"true\"}", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (user->role, ==, "super_user");
  g_assert_true (user->active);
  g_assert_false (user->super_user);

  /* A record without a name is left out; a role's id is only shown. */
  users = run ((ParseFunc) hdb_parse_users, "[{},{\"username\":\"b\",\"role\":null}]", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (users->len, ==, 1);
  roles = run ((ParseFunc) hdb_parse_roles,
               "[{\"role\":\"r\",\"id\":1e300,\"permission\":{\"cluster_user\":true}}]", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (roles->len, ==, 1);
  g_assert_null (((HdbRole *) g_ptr_array_index (roles, 0))->id);
  g_assert_true (((HdbRole *) g_ptr_array_index (roles, 0))->cluster_user);
}

static void
test_describe_all (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdbSchema) schema = NULL;
  const HdbTable *table;

  assert_invalid ((ParseFunc) hdb_parse_describe_all, "{\"shop\":5}", "shop");
  assert_invalid ((ParseFunc) hdb_parse_describe_all, "{\"shop\":{\"product\":[]}}", "product");
  assert_invalid ((ParseFunc) hdb_parse_describe_all,
                  "{\"shop\":{\"product\":{\"hash_attribute\":7}}}", "hash_attribute");

  schema = run ((ParseFunc) hdb_parse_describe_all,
                "{\"gone\":null,\"shop\":{\"product\":{\"hash_attribute\":\"id\","
                "\"record_count\":1e300},\"order\":{\"record_count\":-4}}}", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (schema->databases->len, ==, 1);
  table = hdb_schema_find_table (schema, "shop", "product");
  g_assert_cmpstr (table->primary_key, ==, "id");
  g_assert_cmpint (table->record_count, ==, -1);
  g_assert_cmpint (hdb_schema_find_table (schema, "shop", "order")->record_count, ==, -1);
}

static void
test_configuration (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdbConfiguration) config = NULL;

  /* Never "not enabled" from a section that could not be read. */
  assert_invalid ((ParseFunc) hdb_parse_configuration, "{\"replication\":\"node1\"}",
                  "replication");
  assert_invalid ((ParseFunc) hdb_parse_configuration,
                  "{\"replication\":{\"hostname\":[\"node1\"]}}", "hostname");
  assert_invalid ((ParseFunc) hdb_parse_configuration, "{\"clustering\":{\"enabled\":[]}}",
                  "enabled");
  assert_invalid ((ParseFunc) hdb_parse_configuration,
                  "{\"clustering\":{\"enabled\":\"maybe\"}}", "enabled");
  assert_invalid ((ParseFunc) hdb_parse_configuration, "{\"clustering\":{\"nodeName\":1.5}}",
                  "nodeName");
  assert_invalid ((ParseFunc) hdb_parse_configuration,
                  "{\"operationsApi\":{\"network\":{\"port\":1e300}}}", "port");
  assert_invalid ((ParseFunc) hdb_parse_configuration, "{\"operationsApi\":true}",
                  "operationsApi");

  /* The paths the engines read besides the fields. */
  assert_invalid ((ParseFunc) hdb_parse_configuration,
                  "{\"clustering\":{\"hubServer\":{\"cluster\":{\"network\":{\"port\":\"abc\"}}}}}",
                  "clustering.hubServer.cluster.network.port");
  assert_invalid ((ParseFunc) hdb_parse_configuration,
                  "{\"clustering\":{\"leafServer\":{\"network\":{\"port\":70000}}}}",
                  "clustering.leafServer.network.port");
  assert_invalid ((ParseFunc) hdb_parse_configuration, "{\"rootPath\":5}", "rootPath");
  assert_invalid ((ParseFunc) hdb_parse_configuration,
                  "{\"clustering\":{\"hubServer\":{\"cluster\":{\"name\":[]}}}}", "name");
  {
    /* Harper also writes tls as a list of certificates: no path leads
     * through it, and that is no error. */
    g_autoptr(HdbConfiguration) listed = run ((ParseFunc) hdb_parse_configuration,
                                              "{\"tls\":[{\"privateKey\":\"/k.pem\"}],"
                                              "\"clustering\":{\"hubServer\":{\"network\":"
                                              "{\"port\":\"0.0.0.0:9930\"}}}}", &error);

    g_assert_no_error (error);
    g_assert_null (hdb_configuration_get_string (listed, "tls.privateKey"));
    g_assert_cmpuint (hdb_configuration_get_port (listed, "clustering.hubServer.network.port"),
                      ==, 9930);
  }

  config = run ((ParseFunc) hdb_parse_configuration,
                "{\"replication\":null,\"clustering\":{\"enabled\":1,\"nodeName\":12,"
                "\"user\":null},\"operationsApi\":{\"network\":{\"port\":9925,"
                "\"securePort\":null}}}", &error);
  g_assert_no_error (error);
  g_assert_true (config->clustering_enabled);
  g_assert_cmpstr (config->clustering_node_name, ==, "12");
  g_assert_null (config->clustering_user);
  g_assert_cmpstr (config->operations_port, ==, "9925");
  g_assert_null (config->operations_secure_port);
  g_assert_cmpint (hdb_configuration_get_engine (config), ==, HDB_ENGINE_NATS);
}

static void
test_cluster_status (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdbClusterStatus) status = NULL;
  const HdbConnection *conn;
  const HdbDatabaseSocket *socket;

  assert_invalid ((ParseFunc) hdb_parse_cluster_status, "{\"connections\":[5]}",
                  "a connection");
  assert_invalid ((ParseFunc) hdb_parse_cluster_status, "{\"node_name\":{}}", "node_name");
  assert_invalid ((ParseFunc) hdb_parse_cluster_status, "{\"is_enabled\":[]}", "is_enabled");
  assert_invalid ((ParseFunc) hdb_parse_cluster_status, "{\"type\":1}", "type");
  assert_invalid ((ParseFunc) hdb_parse_cluster_status, "{\"connections\":[{\"name\":5}]}",
                  "name");
  assert_invalid ((ParseFunc) hdb_parse_cluster_status,
                  "{\"connections\":[{\"name\":\"n\",\"url\":true}]}", "url");
  assert_invalid ((ParseFunc) hdb_parse_cluster_status,
                  "{\"connections\":[{\"name\":\"n\",\"replicates\":\"sometimes\"}]}",
                  "replicates");
  assert_invalid ((ParseFunc) hdb_parse_cluster_status,
                  "{\"connections\":[{\"name\":\"n\",\"subscriptions\":\"all\"}]}",
                  "subscriptions");
  assert_invalid ((ParseFunc) hdb_parse_cluster_status,
                  "{\"connections\":[{\"name\":\"n\",\"subscriptions\":[7]}]}",
                  "a subscription");
  assert_invalid ((ParseFunc) hdb_parse_cluster_status,
                  "{\"connections\":[{\"name\":\"n\",\"subscriptions\":[{\"database\":\"d\","
                  "\"table\":\"t\",\"publish\":\"x\"}]}]}", "publish");
  assert_invalid ((ParseFunc) hdb_parse_cluster_status,
                  "{\"connections\":[{\"name\":\"n\",\"database_sockets\":{}}]}",
                  "database_sockets");
  assert_invalid ((ParseFunc) hdb_parse_cluster_status,
                  "{\"connections\":[{\"name\":\"n\",\"database_sockets\":[{\"database\":\"d\","
                  "\"connected\":\"yes\"}]}]}", "connected");
  assert_invalid ((ParseFunc) hdb_parse_cluster_status,
                  "{\"connections\":[{\"node_name\":\"n\",\"status\":42}]}", "status");

  /* What is only shown reads as missing; 1e300 is never cast. */
  status = run ((ParseFunc) hdb_parse_cluster_status,
                "{\"type\":\"cluster-status\",\"node_name\":\"node1\",\"is_enabled\":true,"
                "\"connections\":[{\"name\":\"node2\",\"url\":\"ws://h:1\",\"authorization\":null,"
                "\"latency_ms\":\"fast\",\"uptime\":5,\"database_sockets\":[{\"database\":\"d\","
                "\"connected\":true,\"latency\":1e300,\"thread_id\":1e300,"
                "\"catching_up_from\":[]},{\"database\":\"e\",\"connected\":false,"
                "\"threadId\":-3,\"latency\":-1}]}]}", &error);
  g_assert_no_error (error);
  conn = hdb_cluster_status_find_connection (status, "node2");
  g_assert_nonnull (conn);
  g_assert_false (conn->has_authorization);
  g_assert_cmpfloat (conn->latency_ms, <, 0);
  g_assert_null (conn->uptime);
  g_assert_cmpuint (conn->database_sockets->len, ==, 2);
  socket = g_ptr_array_index (conn->database_sockets, 0);
  g_assert_cmpfloat (socket->latency, <, 0);
  g_assert_cmpint (socket->thread_id, ==, -1);
  g_assert_null (socket->catching_up_from);
  socket = g_ptr_array_index (conn->database_sockets, 1);
  g_assert_cmpint (socket->thread_id, ==, -1);
  g_assert_false (hdb_connection_is_connected (conn));
}

static void
test_threads_and_replies (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;

  assert_invalid ((ParseFunc) hdb_parse_thread_ids, "{\"threads\":[{\"threadId\":1e300}]}",
                  "threadId");
  assert_invalid ((ParseFunc) hdb_parse_thread_ids, "{\"threads\":[{\"threadId\":-1}]}",
                  "threadId");
  assert_invalid ((ParseFunc) hdb_parse_thread_ids, "{\"threads\":[{\"threadId\":1.5}]}",
                  "threadId");
  assert_invalid ((ParseFunc) hdb_parse_thread_ids, "{\"threads\":[{\"threadId\":\"1\"}]}",
                  "threadId");
  assert_invalid ((ParseFunc) hdb_parse_thread_ids, "{\"threads\":[null]}", "a thread");
  assert_invalid ((ParseFunc) hdb_parse_thread_ids, "{\"threads\":{}}", "threads");
  assert_invalid ((ParseFunc) hdb_parse_message, "{\"message\":[]}", "message");
  assert_invalid ((ParseFunc) hdb_parse_node_message, "{\"message\":5}", "message");
  assert_invalid ((ParseFunc) hdb_parse_restart_reply, "{\"message\":\"m\",\"job_id\":5}",
                  "job_id");

  assert_invalid ((ParseFunc) hdb_parse_job, "{\"status\":\"COMPLETE\"}", NULL);
  assert_invalid ((ParseFunc) hdb_parse_job, "[\"COMPLETE\"]", "the job");
  assert_invalid ((ParseFunc) hdb_parse_job, "[{\"status\":true}]", "status");
  assert_invalid ((ParseFunc) hdb_parse_job, "[{\"status\":\"COMPLETE\",\"id\":1e300}]", "id");
  assert_invalid ((ParseFunc) hdb_parse_cluster_network, "{\"nodes\":{}}", "nodes");
  assert_invalid ((ParseFunc) hdb_parse_cluster_network, "{\"nodes\":[[]]}", "a node");
  assert_invalid ((ParseFunc) hdb_parse_cluster_network, "{\"nodes\":[{\"name\":5}]}", "name");
  assert_invalid ((ParseFunc) hdb_parse_cluster_network,
                  "{\"nodes\":[{\"name\":\"a\",\"connected_nodes\":[5]}]}", "connected_nodes");

  /* A thread without an id (the main thread of some versions) is left out. */
  ids = run ((ParseFunc) hdb_parse_thread_ids,
             "{\"threads\":[{\"name\":\"main\"},{\"threadId\":2147483647},{\"threadId\":3.0}]}",
             &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 2);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, G_MAXINT32);
  g_assert_cmpint (g_array_index (ids, gint64, 1), ==, 3);
}

/* Every member of every captured answer, replaced in turn. */
static const struct
{
  const char     *fixture;
  ParseFunc       parser;
  GDestroyNotify  free_func;
} answers[] = {
  { "registration_info.json", (ParseFunc) hdb_parse_registration_info,
    (GDestroyNotify) hdb_registration_info_free },
  { "user_info_super.json", (ParseFunc) hdb_parse_user_info, (GDestroyNotify) hdb_user_info_free },
  { "user_info_plain.json", (ParseFunc) hdb_parse_user_info, (GDestroyNotify) hdb_user_info_free },
  { "list_users.json", (ParseFunc) hdb_parse_users, (GDestroyNotify) g_ptr_array_unref },
  { "list_roles.json", (ParseFunc) hdb_parse_roles, (GDestroyNotify) g_ptr_array_unref },
  { "describe_all.json", (ParseFunc) hdb_parse_describe_all, (GDestroyNotify) hdb_schema_free },
  { "get_configuration_native.json", (ParseFunc) hdb_parse_configuration,
    (GDestroyNotify) hdb_configuration_free },
  { "get_configuration_nats.json", (ParseFunc) hdb_parse_configuration,
    (GDestroyNotify) hdb_configuration_free },
  { "cluster_status_native_replicates.json", (ParseFunc) hdb_parse_cluster_status,
    (GDestroyNotify) hdb_cluster_status_free },
  { "cluster_status_native_subscriptions.json", (ParseFunc) hdb_parse_cluster_status,
    (GDestroyNotify) hdb_cluster_status_free },
  { "cluster_status_nats.json", (ParseFunc) hdb_parse_cluster_status,
    (GDestroyNotify) hdb_cluster_status_free },
  { "system_information_threads.json", (ParseFunc) hdb_parse_thread_ids,
    (GDestroyNotify) g_array_unref },
  { "restart_service.json", (ParseFunc) hdb_parse_restart_reply,
    (GDestroyNotify) hdb_restart_reply_free },
  { "add_node.json", (ParseFunc) hdb_parse_node_message, g_free },
  { "cluster_network_nats.json", (ParseFunc) hdb_parse_cluster_network,
    (GDestroyNotify) hdb_cluster_network_free },
};

static const char * const replacements[] = {
  "null", "true", "0", "-1", "1.5", "1e300", "-1e300", "\"\"", "\"x\"", "[]", "[1,\"a\"]",
  "{}", "{\"a\":[{}]}",
};

typedef struct
{
  guint n_parsed;
  guint n_accepted;
  guint n_refused;
} Tally;

static void
parse_once (guint      answer,
            JsonNode  *root,
            Tally     *tally)
{
  g_autoptr(GError) error = NULL;
  gpointer result = answers[answer].parser (root, &error);

  tally->n_parsed++;
  if (result != NULL)
    {
      g_assert_no_error (error);
      answers[answer].free_func (result);
      tally->n_accepted++;
      return;
    }
  g_assert_error (error, HDB_ERROR, HDB_ERROR_INVALID_RESPONSE);
  g_assert_cmpuint (strlen (error->message), >, 0);
  tally->n_refused++;
}

static void mutate (guint answer, JsonNode *root, JsonNode *node, guint depth, Tally *tally);

static void
mutate_object (guint       answer,
               JsonNode   *root,
               JsonObject *object,
               guint       depth,
               Tally      *tally)
{
  g_autoptr(GList) members = json_object_get_members (object);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  /* Copies: json-glib frees a member's name when the member is replaced. */
  for (const GList *l = members; l != NULL; l = l->next)
    g_ptr_array_add (names, g_strdup (l->data));

  for (guint n = 0; n < names->len; n++)
    {
      const char *name = g_ptr_array_index (names, n);
      g_autoptr(JsonNode) original = json_node_ref (json_object_get_member (object, name));

      for (guint i = 0; i < G_N_ELEMENTS (replacements); i++)
        {
          json_object_set_member (object, name, parse (replacements[i]));
          parse_once (answer, root, tally);
        }
      json_object_set_member (object, name, json_node_ref (original));
      mutate (answer, root, original, depth + 1, tally);
    }
}

static void
mutate (guint     answer,
        JsonNode *root,
        JsonNode *node,
        guint     depth,
        Tally    *tally)
{
  /* Deeper than any member a parser reads. */
  if (depth > 5)
    return;

  if (JSON_NODE_HOLDS_OBJECT (node))
    mutate_object (answer, root, json_node_get_object (node), depth, tally);
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint length = json_array_get_length (array);

      /* An element of every other type, appended, then taken away again. */
      for (guint i = 0; i < G_N_ELEMENTS (replacements); i++)
        {
          json_array_add_element (array, parse (replacements[i]));
          parse_once (answer, root, tally);
          json_array_remove_element (array, length);
        }
      for (guint i = 0; i < length && i < 3; i++)
        mutate (answer, root, json_array_get_element (array, i), depth + 1, tally);
    }
}

static void
test_every_member_of_every_answer (void)
{
  for (guint a = 0; a < G_N_ELEMENTS (answers); a++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "hdb",
                                                     answers[a].fixture, NULL);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      Tally tally = { 0, };
      JsonNode *root;

      json_parser_load_from_file (parser, path, &error);
      g_assert_no_error (error);
      root = json_parser_get_root (parser);

      /* The answer itself is good; the whole answer of another type is not. */
      parse_once (a, root, &tally);
      g_assert_cmpuint (tally.n_accepted, ==, 1);
      for (guint i = 0; i < G_N_ELEMENTS (replacements); i++)
        {
          g_autoptr(JsonNode) other = parse (replacements[i]);

          if (JSON_NODE_TYPE (other) != JSON_NODE_TYPE (root))
            {
              guint refused = tally.n_refused;

              parse_once (a, other, &tally);
              g_assert_cmpuint (tally.n_refused, ==, refused + 1);
            }
        }

      mutate (a, root, root, 0, &tally);
      g_test_message ("%s: %u answers, %u accepted, %u refused", answers[a].fixture,
                      tally.n_parsed, tally.n_accepted, tally.n_refused);
      /* Every parser refuses some of them, and reads past the rest. */
      g_assert_cmpuint (tally.n_refused, >, 0);
      g_assert_cmpuint (tally.n_accepted, >, 1);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hdb/wrong-types/registration-info", test_registration_info);
  g_test_add_func ("/hdb/wrong-types/users-and-roles", test_user_info);
  g_test_add_func ("/hdb/wrong-types/describe-all", test_describe_all);
  g_test_add_func ("/hdb/wrong-types/configuration", test_configuration);
  g_test_add_func ("/hdb/wrong-types/cluster-status", test_cluster_status);
  g_test_add_func ("/hdb/wrong-types/threads-and-replies", test_threads_and_replies);
  g_test_add_func ("/hdb/wrong-types/every-member-of-every-answer",
                   test_every_member_of_every_answer);

  return g_test_run ();
}
