/* test-faults-hostile.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A hostile server (a wrong URL, a compromised node, anything on plain
 * http://) answers 200 to every read the app makes, with:
 *   a. ~150 KB of "[" (json-glib used to recurse until the stack overflowed);
 *   b. a body over the client's size limit;
 *   c. a body cut off: the connection closes mid-way;
 *   d. bytes that are not UTF-8;
 *   e. members of the wrong JSON type: every member the app reads present
 *      with another type, numbers like 1e300, null where an object belongs.
 * Each must end in an HDB_ERROR (INVALID_RESPONSE, or NETWORK for the cut
 * off body) whose message says what to check, with no crash and no critical
 * (G_DEBUG=fatal-warnings). The composite server info is checked with each
 * of its four reads hostile in turn, the others answered as Harper does.
 */

#include <string.h>

#include "fault-server.h"
#include "hdb-json.h"
#include "test-util.h"

/* The client's limit in the too-large case (the default, 64 MiB, elsewhere). */
#define SIZE_LIMIT (64 * 1024)

typedef enum
{
  HOSTILE_NESTED,
  HOSTILE_TOO_LARGE,
  HOSTILE_CUT_OFF,
  HOSTILE_NOT_UTF8,
  HOSTILE_WRONG_TYPES,
} HostileKind;

typedef void     (*StartFunc)  (HdbClient           *client,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data);
typedef gpointer (*FinishFunc) (HdbClient     *client,
                                GAsyncResult  *result,
                                GError       **error);

/* One read of the app: how to run it, which operation the server sees
 * hostile, and bodies of that operation's answer with wrong-typed members. */
typedef struct
{
  const char       *name;
  const char       *operation;
  StartFunc         start;
  FinishFunc        finish;
  GDestroyNotify    free_func;
  const char *const wrong[5];
} Read;

/* What the server does for one request. */
typedef struct
{
  const char *operation;    /* the one answered with @body */
  HostileKind kind;
  const char *body;
  gsize       length;
} Hostile;

/* Harper's own answers, for the other reads of the composite server info. */
static const struct
{
  const char *operation;
  const char *fixture;
} good_answers[] = {
  { "registration_info", "registration_info.json" },
  { "user_info", "user_info_super.json" },
  { "get_configuration", "get_configuration_native.json" },
  { "cluster_status", "cluster_status_native_empty.json" },
};

static char *
request_operation (FaultServer *fs)
{
  g_autoptr(JsonNode) root = NULL;

  if (g_strcmp0 (fs->last_path, "/health") == 0)
    return g_strdup ("health");
  root = hdb_json_parse (fs->last_body->str, fs->last_body->len, 1 << 20, NULL);
  g_assert_nonnull (root);
  return g_strdup (hdb_json_get_string (json_node_get_object (root), "operation"));
}

static void
handle_hostile (SoupServerMessage *msg,
                gpointer           data)
{
  FaultServer *fs = data;
  const Hostile *hostile = fs->handler_data;
  g_autofree char *operation = request_operation (fs);

  if (g_strcmp0 (operation, hostile->operation) != 0)
    {
      for (guint i = 0; i < G_N_ELEMENTS (good_answers); i++)
        if (g_strcmp0 (operation, good_answers[i].operation) == 0)
          {
            g_autofree char *body = fault_load_fixture (good_answers[i].fixture);

            fault_respond (msg, 200, "application/json", body);
            return;
          }
      g_error ("unexpected operation %s", operation);
    }

  if (hostile->kind == HOSTILE_CUT_OFF)
    fault_respond_cut_off (msg, hostile->body, hostile->length, hostile->length + 4000);
  else
    fault_respond_bytes (msg, 200, "application/json", hostile->body, hostile->length);
}

/* The reads, as the app makes them. */

static gpointer
health_finish (HdbClient     *client,
               GAsyncResult  *result,
               GError       **error)
{
  return hdb_client_health_finish (client, result, error) ? GINT_TO_POINTER (1) : NULL;
}

static void
health_start (HdbClient           *client,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  hdb_client_health_async (client, 0, NULL, callback, user_data);
}

static void
search_start (HdbClient           *client,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  g_autoptr(JsonArray) ids = json_array_new ();

  json_array_add_int_element (ids, 1);
  hdb_client_search_by_id_async (client, "shop", "product", ids, NULL, callback, user_data);
}

static void
job_start (HdbClient           *client,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  hdb_client_get_job_async (client, "ce19508f-08c1-4db0-b297-14e1ce3a99f7", 0, NULL, callback,
                            user_data);
}

static void
network_start (HdbClient           *client,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  hdb_client_cluster_network_async (client, 1000, TRUE, 0, NULL, callback, user_data);
}

#define SIMPLE(op) \
  (StartFunc) hdb_client_##op##_async_no_cancellable, (FinishFunc) hdb_client_##op##_finish

#define DEFINE_SIMPLE_START(op)                                                   \
  static void                                                                     \
  hdb_client_##op##_async_no_cancellable (HdbClient           *client,            \
                                          GAsyncReadyCallback  callback,          \
                                          gpointer             user_data)         \
  {                                                                               \
    hdb_client_##op##_async (client, NULL, callback, user_data);                  \
  }

DEFINE_SIMPLE_START (registration_info)
DEFINE_SIMPLE_START (user_info)
DEFINE_SIMPLE_START (server_info)
DEFINE_SIMPLE_START (describe_all)
DEFINE_SIMPLE_START (get_configuration)
DEFINE_SIMPLE_START (cluster_status)
DEFINE_SIMPLE_START (system_threads)
DEFINE_SIMPLE_START (list_users)
DEFINE_SIMPLE_START (list_roles)
DEFINE_SIMPLE_START (cluster_get_routes)

#define REGISTRATION_WRONG \
  { "{\"version\":4.4,\"registered\":\"no\",\"ram_allocation\":[],\"license_expiration_date\":{}}", \
    "{\"version\":1e300}", "[{\"version\":\"" FAKE_VERSION "\"}]", "null", NULL }
#define USER_WRONG \
  { "{\"username\":[],\"active\":\"x\",\"role\":{\"role\":5,\"permission\":\"all\"}}", \
    "{\"username\":\"admin\",\"role\":{\"role\":\"super_user\",\"permission\":{\"super_user\":\"yes\"}}}", \
    "{\"username\":\"admin\",\"active\":1e300}", "null", NULL }
#define CONFIGURATION_WRONG \
  { "{\"replication\":{\"hostname\":5,\"url\":[]},\"clustering\":{\"enabled\":\"perhaps\"," \
    "\"nodeName\":{},\"user\":7},\"operationsApi\":{\"network\":{\"port\":1e300}}}", \
    "{\"replication\":[]}", \
    "{\"clustering\":{\"hubServer\":{\"cluster\":{\"network\":{\"port\":\"x\"}}}}}", "null", NULL }
#define STATUS_WRONG \
  { "{\"type\":5,\"node_name\":[],\"is_enabled\":\"x\",\"connections\":{}}", \
    "{\"connections\":[null]}", \
    "{\"type\":\"cluster-status\",\"connections\":[{\"name\":\"n\",\"url\":\"ws://x\"," \
    "\"replicates\":\"yes\",\"subscriptions\":{},\"database_sockets\":[{\"database\":1," \
    "\"connected\":\"x\",\"thread_id\":1e300}]}]}", "null", NULL }

static const Read reads[] = {
  { "registration_info", "registration_info", SIMPLE (registration_info),
    (GDestroyNotify) hdb_registration_info_free, REGISTRATION_WRONG },
  { "user_info", "user_info", SIMPLE (user_info), (GDestroyNotify) hdb_user_info_free,
    USER_WRONG },
  { "server_info/registration_info", "registration_info", SIMPLE (server_info),
    (GDestroyNotify) hdb_server_info_free, REGISTRATION_WRONG },
  { "server_info/user_info", "user_info", SIMPLE (server_info),
    (GDestroyNotify) hdb_server_info_free, USER_WRONG },
  { "server_info/get_configuration", "get_configuration", SIMPLE (server_info),
    (GDestroyNotify) hdb_server_info_free, CONFIGURATION_WRONG },
  { "server_info/cluster_status", "cluster_status", SIMPLE (server_info),
    (GDestroyNotify) hdb_server_info_free, STATUS_WRONG },
  { "describe_all", "describe_all", SIMPLE (describe_all), (GDestroyNotify) hdb_schema_free,
    { "{\"shop\":[],\"crm\":1e300}",
      "{\"shop\":{\"product\":{\"hash_attribute\":{},\"record_count\":\"many\"}}}",
      "[]", "null", NULL } },
  { "get_configuration", "get_configuration", SIMPLE (get_configuration),
    (GDestroyNotify) hdb_configuration_free, CONFIGURATION_WRONG },
  { "cluster_status", "cluster_status", SIMPLE (cluster_status),
    (GDestroyNotify) hdb_cluster_status_free, STATUS_WRONG },
  { "system_information", "system_information", SIMPLE (system_threads),
    (GDestroyNotify) g_array_unref,
    { "{\"threads\":[{\"threadId\":1e300}]}", "{\"threads\":{}}",
      "{\"threads\":[{\"threadId\":\"1\",\"name\":5}]}", "null", NULL } },
  { "list_users", "list_users", SIMPLE (list_users), (GDestroyNotify) g_ptr_array_unref,
    { "[{\"username\":5,\"active\":\"x\",\"role\":[]}]", "{\"users\":[]}", "[null]", "null",
      NULL } },
  { "list_roles", "list_roles", SIMPLE (list_roles), (GDestroyNotify) g_ptr_array_unref,
    { "[{\"role\":[],\"permission\":\"x\",\"id\":{}}]",
      "[{\"role\":\"r\",\"permission\":{\"super_user\":\"x\"}}]", "{}", "null", NULL } },
  { "search_by_id", "search_by_id", search_start,
    (FinishFunc) hdb_client_search_by_id_finish, (GDestroyNotify) json_array_unref,
    { "{\"id\":1}", "\"records\"", "1e300", "null", NULL } },
  { "get_job", "get_job", job_start, (FinishFunc) hdb_client_get_job_finish,
    (GDestroyNotify) hdb_job_free,
    { "[{\"id\":1e300,\"type\":[],\"status\":{},\"message\":5}]", "{\"status\":\"COMPLETE\"}",
      "[null]", "null", NULL } },
  { "cluster_network", "cluster_network", network_start,
    (FinishFunc) hdb_client_cluster_network_finish, (GDestroyNotify) hdb_cluster_network_free,
    { "{\"nodes\":{\"name\":\"node1\"}}",
      "{\"nodes\":[{\"name\":5,\"connected_nodes\":\"node2\"}]}",
      "{\"nodes\":[{\"name\":\"a\",\"connected_nodes\":[1e300]}]}", "null", NULL } },
  { "cluster_get_routes", "cluster_get_routes", SIMPLE (cluster_get_routes),
    (GDestroyNotify) json_node_unref, { "\"routes\"", "1e300", "true", "null", NULL } },
  /* /health reads no JSON: only its size and its end matter. */
  { "health", "health", health_start, health_finish, NULL, { NULL } },
};

/* Runs @read against a server answering @hostile; returns the error. */
static GError *
run_read (const Read    *read,
          const Hostile *hostile)
{
  g_autoptr(FaultServer) fs = fault_server_new (handle_hostile, NULL);
  g_autoptr(HdbClient) client = fault_client_for (fs->url);
  g_autoptr(GAsyncResult) result = NULL;
  GError *error = NULL;
  gpointer value;

  fs->handler_data = (gpointer) hostile;
  if (hostile->kind == HOSTILE_TOO_LARGE)
    hdb_client_set_max_response_size (client, SIZE_LIMIT);
  TEST_AWAIT (result, 20000, read->start (client, test_util_store_result, &result));
  value = read->finish (client, result, &error);
  if (value != NULL)
    {
      if (read->free_func != NULL)
        read->free_func (value);
      g_error ("%s accepted a hostile answer (%.60s)", read->name, hostile->body);
    }
  g_assert_nonnull (error);
  g_test_message ("%s: %s", read->name, error->message);
  return error;
}

/* A sentence a user can act on: it names the operation and ends as one. */
static void
assert_clear (const GError *error,
              const Read   *read,
              const char   *also)
{
  gsize length = strlen (error->message);

  g_assert_cmpuint (length, >, 20);
  g_assert_true (error->message[length - 1] == '.' || error->message[length - 1] == '?');
  g_assert_nonnull (strstr (error->message, read->operation));
  if (also != NULL)
    g_assert_nonnull (strstr (error->message, also));
}

static void
test_nested (gconstpointer data)
{
  const Read *read = data;
  g_autofree char *deep = g_strnfill (150 * 1024, '[');
  Hostile hostile = { read->operation, HOSTILE_NESTED, deep, strlen (deep) };
  g_autoptr(GError) error = run_read (read, &hostile);

  g_assert_error (error, HDB_ERROR, HDB_ERROR_INVALID_RESPONSE);
  assert_clear (error, read, "nested");
}

static void
test_too_large (gconstpointer data)
{
  const Read *read = data;
  g_autoptr(GString) big = g_string_new ("[");
  Hostile hostile = { read->operation, HOSTILE_TOO_LARGE, NULL, 0 };
  g_autoptr(GError) error = NULL;

  /* Valid JSON, twice the limit. */
  while (big->len < 2 * SIZE_LIMIT)
    g_string_append (big, "\"0123456789abcdef\",");
  g_string_append (big, "0]");
  hostile.body = big->str;
  hostile.length = big->len;

  error = run_read (read, &hostile);
  g_assert_error (error, HDB_ERROR, HDB_ERROR_INVALID_RESPONSE);
  assert_clear (error, read, "larger than");
}

static void
test_cut_off (gconstpointer data)
{
  const Read *read = data;
  static const char start[] = "{\"version\":\"" FAKE_VERSION "\",\"registered\":fa";
  Hostile hostile = { read->operation, HOSTILE_CUT_OFF, start, strlen (start) };
  g_autoptr(GError) error = run_read (read, &hostile);

  g_assert_error (error, HDB_ERROR, HDB_ERROR_NETWORK);
  assert_clear (error, read, "closed before the whole answer");
}

static void
test_not_utf8 (gconstpointer data)
{
  const Read *read = data;
  static const char bytes[] = "{\"version\":\"4.4.\xff\xfe\",\"username\":\"\xc3\x28\"}";
  Hostile hostile = { read->operation, HOSTILE_NOT_UTF8, bytes, strlen (bytes) };
  g_autoptr(GError) error = run_read (read, &hostile);

  g_assert_error (error, HDB_ERROR, HDB_ERROR_INVALID_RESPONSE);
  assert_clear (error, read, "UTF-8");
}

static void
test_wrong_types (gconstpointer data)
{
  const Read *read = data;

  for (guint i = 0; read->wrong[i] != NULL; i++)
    {
      Hostile hostile = { read->operation, HOSTILE_WRONG_TYPES, read->wrong[i],
                          strlen (read->wrong[i]) };
      g_autoptr(GError) error = run_read (read, &hostile);

      g_assert_error (error, HDB_ERROR, HDB_ERROR_INVALID_RESPONSE);
      assert_clear (error, read, "Harper");
    }
}

int
main (int   argc,
      char *argv[])
{
  static const struct
  {
    const char     *name;
    GTestDataFunc   func;
    gboolean        needs_json;
  } cases[] = {
    { "nested", test_nested, TRUE },
    { "too-large", test_too_large, FALSE },
    { "cut-off", test_cut_off, FALSE },
    { "not-utf8", test_not_utf8, TRUE },
    { "wrong-types", test_wrong_types, TRUE },
  };

  g_test_init (&argc, &argv, NULL);

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    for (guint r = 0; r < G_N_ELEMENTS (reads); r++)
      {
        g_autofree char *path = NULL;

        if (cases[c].needs_json && reads[r].wrong[0] == NULL)
          continue;
        path = g_strdup_printf ("/faults/hostile/%s/%s", cases[c].name, reads[r].name);
        g_test_add_data_func (path, &reads[r], cases[c].func);
      }

  return g_test_run ();
}
