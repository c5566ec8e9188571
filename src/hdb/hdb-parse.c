/* hdb-parse.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Harper's answers are read here and nowhere else. Every accessor checks the
 * type it reads, since a server of another version (or something that is
 * not Harper at all) may answer with a different shape.
 */

#define G_LOG_DOMAIN "hdb-parse"

#include <string.h>

#include "hdb-error.h"
#include "hdb-parse.h"

static JsonObject *
expect_object (JsonNode    *node,
               const char  *what,
               GError     **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      hdb_set_error (error, HDB_ERROR_INVALID_RESPONSE, 0, NULL,
                     "The answer to %s is not a JSON object.", what);
      return NULL;
    }
  return json_node_get_object (node);
}

static JsonArray *
expect_array (JsonNode    *node,
              const char  *what,
              GError     **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      hdb_set_error (error, HDB_ERROR_INVALID_RESPONSE, 0, NULL,
                     "The answer to %s is not a JSON array.", what);
      return NULL;
    }
  return json_node_get_array (node);
}

static JsonNode *
member (JsonObject *object,
        const char *name)
{
  if (object == NULL || !json_object_has_member (object, name))
    return NULL;
  return json_object_get_member (object, name);
}

static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* A port may be written as a number or as "host:port". */
static char *
dup_scalar_as_string (JsonObject *object,
                      const char *name)
{
  JsonNode *node = member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (node));
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    case G_TYPE_DOUBLE:
      return g_strdup_printf ("%.0f", json_node_get_double (node));
    default:
      return NULL;
    }
}

static gboolean
get_bool (JsonObject *object,
          const char *name,
          gboolean    fallback)
{
  JsonNode *node = member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      return json_node_get_boolean (node);
    case G_TYPE_STRING:
      /* set_configuration casts "true"; a hand-edited file may keep the string. */
      return g_ascii_strcasecmp (json_node_get_string (node), "true") == 0;
    case G_TYPE_INT64:
      return json_node_get_int (node) != 0;
    default:
      return fallback;
    }
}

static double
get_double (JsonObject *object,
            const char *name,
            double      fallback)
{
  JsonNode *node = member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_DOUBLE:
      return json_node_get_double (node);
    case G_TYPE_INT64:
      return (double) json_node_get_int (node);
    default:
      return fallback;
    }
}

static gint64
get_int (JsonObject *object,
         const char *name,
         gint64      fallback)
{
  return (gint64) get_double (object, name, (double) fallback);
}

static JsonObject *
get_object (JsonObject *object,
            const char *name)
{
  JsonNode *node = member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

static JsonArray *
get_array (JsonObject *object,
           const char *name)
{
  JsonNode *node = member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return json_node_get_array (node);
}

HdbRegistrationInfo *
hdb_parse_registration_info (JsonNode  *node,
                             GError   **error)
{
  g_autoptr(HdbRegistrationInfo) info = NULL;
  JsonObject *object;

  if (!(object = expect_object (node, "registration_info", error)))
    return NULL;

  if (get_string (object, "version") == NULL)
    {
      hdb_set_error (error, HDB_ERROR_INVALID_RESPONSE, 0, NULL,
                     "The server did not say which Harper version it runs.");
      return NULL;
    }

  info = g_new0 (HdbRegistrationInfo, 1);
  info->version = g_strdup (get_string (object, "version"));
  info->registered = get_bool (object, "registered", FALSE);
  info->ram_allocation = dup_scalar_as_string (object, "ram_allocation");
  info->license_expiration_date = dup_scalar_as_string (object, "license_expiration_date");
  return g_steal_pointer (&info);
}

static HdbUserInfo *
parse_user_object (JsonObject *object)
{
  HdbUserInfo *info = g_new0 (HdbUserInfo, 1);
  JsonObject *role = get_object (object, "role");
  JsonObject *permission = get_object (role, "permission");

  info->username = g_strdup (get_string (object, "username"));
  info->active = get_bool (object, "active", TRUE);
  if (role != NULL)
    info->role = g_strdup (get_string (role, "role"));
  else
    info->role = g_strdup (get_string (object, "role"));
  info->super_user = get_bool (permission, "super_user", FALSE);
  info->cluster_user = get_bool (permission, "cluster_user", FALSE);
  return info;
}

HdbUserInfo *
hdb_parse_user_info (JsonNode  *node,
                     GError   **error)
{
  JsonObject *object;

  if (!(object = expect_object (node, "user_info", error)))
    return NULL;

  if (get_string (object, "username") == NULL)
    {
      hdb_set_error (error, HDB_ERROR_INVALID_RESPONSE, 0, NULL,
                     "The answer to user_info names no user.");
      return NULL;
    }
  return parse_user_object (object);
}

GPtrArray *
hdb_parse_users (JsonNode  *node,
                 GError   **error)
{
  g_autoptr(GPtrArray) users = NULL;
  JsonArray *array;

  if (!(array = expect_array (node, "list_users", error)))
    return NULL;

  users = g_ptr_array_new_with_free_func ((GDestroyNotify) hdb_user_info_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (element) &&
          get_string (json_node_get_object (element), "username") != NULL)
        g_ptr_array_add (users, parse_user_object (json_node_get_object (element)));
    }
  return g_steal_pointer (&users);
}

GPtrArray *
hdb_parse_roles (JsonNode  *node,
                 GError   **error)
{
  g_autoptr(GPtrArray) roles = NULL;
  JsonArray *array;

  if (!(array = expect_array (node, "list_roles", error)))
    return NULL;

  roles = g_ptr_array_new_with_free_func ((GDestroyNotify) hdb_role_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object, *permission;
      HdbRole *role;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      object = json_node_get_object (element);
      if (get_string (object, "role") == NULL)
        continue;

      permission = get_object (object, "permission");
      role = g_new0 (HdbRole, 1);
      role->id = dup_scalar_as_string (object, "id");
      role->role = g_strdup (get_string (object, "role"));
      role->super_user = get_bool (permission, "super_user", FALSE);
      role->cluster_user = get_bool (permission, "cluster_user", FALSE);
      g_ptr_array_add (roles, role);
    }
  return g_steal_pointer (&roles);
}

static void
table_free (HdbTable *table)
{
  g_free (table->name);
  g_free (table->primary_key);
  g_free (table);
}

static void
database_free (HdbDatabase *db)
{
  g_free (db->name);
  g_clear_pointer (&db->tables, g_ptr_array_unref);
  g_free (db);
}

static int
compare_tables (gconstpointer a,
                gconstpointer b)
{
  const HdbTable *ta = *(HdbTable **) a;
  const HdbTable *tb = *(HdbTable **) b;

  return g_strcmp0 (ta->name, tb->name);
}

static int
compare_databases (gconstpointer a,
                   gconstpointer b)
{
  const HdbDatabase *da = *(HdbDatabase **) a;
  const HdbDatabase *db = *(HdbDatabase **) b;

  return g_strcmp0 (da->name, db->name);
}

HdbSchema *
hdb_parse_describe_all (JsonNode  *node,
                        GError   **error)
{
  g_autoptr(HdbSchema) schema = NULL;
  g_autoptr(GList) db_names = NULL;
  JsonObject *object;

  if (!(object = expect_object (node, "describe_all", error)))
    return NULL;

  schema = g_new0 (HdbSchema, 1);
  schema->databases = g_ptr_array_new_with_free_func ((GDestroyNotify) database_free);

  db_names = json_object_get_members (object);
  for (const GList *l = db_names; l != NULL; l = l->next)
    {
      JsonObject *db_object = get_object (object, l->data);
      g_autoptr(GList) table_names = NULL;
      HdbDatabase *db;

      if (db_object == NULL)
        continue;

      db = g_new0 (HdbDatabase, 1);
      db->name = g_strdup (l->data);
      db->tables = g_ptr_array_new_with_free_func ((GDestroyNotify) table_free);

      table_names = json_object_get_members (db_object);
      for (const GList *t = table_names; t != NULL; t = t->next)
        {
          JsonObject *table_object = get_object (db_object, t->data);
          HdbTable *table;

          if (table_object == NULL)
            continue;

          table = g_new0 (HdbTable, 1);
          table->name = g_strdup (t->data);
          table->primary_key = g_strdup (get_string (table_object, "hash_attribute"));
          table->record_count = get_int (table_object, "record_count", -1);
          g_ptr_array_add (db->tables, table);
        }
      g_ptr_array_sort (db->tables, compare_tables);
      g_ptr_array_add (schema->databases, db);
    }
  g_ptr_array_sort (schema->databases, compare_databases);

  return g_steal_pointer (&schema);
}

HdbConfiguration *
hdb_parse_configuration (JsonNode  *node,
                         GError   **error)
{
  HdbConfiguration *config;
  JsonObject *object, *replication, *clustering, *ops, *network;

  if (!(object = expect_object (node, "get_configuration", error)))
    return NULL;

  replication = get_object (object, "replication");
  clustering = get_object (object, "clustering");
  ops = get_object (object, "operationsApi");
  network = get_object (ops, "network");

  config = g_new0 (HdbConfiguration, 1);
  config->replication_hostname = g_strdup (get_string (replication, "hostname"));
  config->replication_url = g_strdup (get_string (replication, "url"));
  config->clustering_enabled = get_bool (clustering, "enabled", FALSE);
  config->clustering_node_name = dup_scalar_as_string (clustering, "nodeName");
  config->clustering_user = g_strdup (get_string (clustering, "user"));
  config->operations_port = dup_scalar_as_string (network, "port");
  config->operations_secure_port = dup_scalar_as_string (network, "securePort");
  config->raw = json_node_copy (node);
  return config;
}

/**
 * hdb_parse_subscriptions:
 * @array: (nullable): a JSON array of subscription objects
 *
 * Harper writes the database as `database` or, in older records, `schema`.
 *
 * Returns: (transfer full) (element-type HdbSubscription): the subscriptions
 */
GPtrArray *
hdb_parse_subscriptions (JsonArray *array)
{
  GPtrArray *subs = g_ptr_array_new_with_free_func ((GDestroyNotify) hdb_subscription_free);

  if (array == NULL)
    return subs;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object;
      const char *database;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      object = json_node_get_object (element);
      database = get_string (object, "database");
      if (database == NULL)
        database = get_string (object, "schema");
      if (database == NULL || get_string (object, "table") == NULL)
        continue;

      g_ptr_array_add (subs, hdb_subscription_new (database,
                                                   get_string (object, "table"),
                                                   get_bool (object, "subscribe", FALSE),
                                                   get_bool (object, "publish", FALSE)));
    }
  return subs;
}

static void
database_socket_free (HdbDatabaseSocket *s)
{
  g_free (s->database);
  g_free (s->catching_up_from);
  g_free (s);
}

static HdbConnection *
parse_connection (JsonObject *object)
{
  HdbConnection *conn = g_new0 (HdbConnection, 1);
  JsonArray *sockets;

  conn->name = g_strdup (get_string (object, "name"));
  if (conn->name == NULL)
    conn->name = g_strdup (get_string (object, "node_name"));
  conn->url = g_strdup (get_string (object, "url"));
  conn->replicates = get_bool (object, "replicates", FALSE);
  conn->subscriptions = hdb_parse_subscriptions (get_array (object, "subscriptions"));
  conn->status = g_strdup (get_string (object, "status"));
  conn->latency_ms = get_double (object, "latency_ms", -1);
  conn->uptime = g_strdup (get_string (object, "uptime"));
  /* Harper returns the retained credential in clear (Q11): note that there
   * is one, never keep it. */
  conn->has_authorization = member (object, "authorization") != NULL &&
                            !JSON_NODE_HOLDS_NULL (member (object, "authorization"));

  conn->database_sockets = g_ptr_array_new_with_free_func ((GDestroyNotify) database_socket_free);
  sockets = get_array (object, "database_sockets");
  for (guint i = 0; sockets != NULL && i < json_array_get_length (sockets); i++)
    {
      JsonNode *element = json_array_get_element (sockets, i);
      JsonObject *so;
      HdbDatabaseSocket *s;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      so = json_node_get_object (element);

      s = g_new0 (HdbDatabaseSocket, 1);
      s->database = g_strdup (get_string (so, "database"));
      s->connected = get_bool (so, "connected", FALSE);
      s->latency = get_double (so, "latency", -1);
      s->catching_up_from = g_strdup (get_string (so, "catching_up_from"));
      s->thread_id = get_int (so, "thread_id", get_int (so, "threadId", -1));
      g_ptr_array_add (conn->database_sockets, s);
    }
  return conn;
}

HdbClusterStatus *
hdb_parse_cluster_status (JsonNode  *node,
                          GError   **error)
{
  g_autoptr(HdbClusterStatus) status = NULL;
  JsonObject *object;
  JsonArray *connections;
  gboolean nats_shape = FALSE;

  if (!(object = expect_object (node, "cluster_status", error)))
    return NULL;

  connections = get_array (object, "connections");
  if (member (object, "connections") != NULL && connections == NULL)
    {
      hdb_set_error (error, HDB_ERROR_INVALID_RESPONSE, 0, NULL,
                     "The answer to cluster_status has no list of connections.");
      return NULL;
    }

  status = g_new0 (HdbClusterStatus, 1);
  status->node_name = dup_scalar_as_string (object, "node_name");
  status->is_enabled = get_bool (object, "is_enabled", FALSE);
  status->connections = g_ptr_array_new_with_free_func ((GDestroyNotify) hdb_connection_free);

  for (guint i = 0; connections != NULL && i < json_array_get_length (connections); i++)
    {
      JsonNode *element = json_array_get_element (connections, i);
      JsonObject *co;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      co = json_node_get_object (element);
      if (member (co, "status") != NULL || member (co, "ports") != NULL)
        nats_shape = TRUE;
      g_ptr_array_add (status->connections, parse_connection (co));
    }

  /* Native answers carry "type": "cluster-status"; the NATS shape has none
   * and its connections report a status and ports. */
  if (g_strcmp0 (get_string (object, "type"), "cluster-status") == 0)
    status->engine = HDB_ENGINE_NATIVE;
  else if (nats_shape || (status->is_enabled && status->node_name != NULL))
    status->engine = HDB_ENGINE_NATS;
  else
    status->engine = HDB_ENGINE_NONE;

  return g_steal_pointer (&status);
}

GArray *
hdb_parse_thread_ids (JsonNode  *node,
                      GError   **error)
{
  g_autoptr(GArray) ids = NULL;
  JsonObject *object;
  JsonArray *threads;

  if (!(object = expect_object (node, "system_information", error)))
    return NULL;

  threads = get_array (object, "threads");
  if (threads == NULL)
    {
      hdb_set_error (error, HDB_ERROR_INVALID_RESPONSE, 0, NULL,
                     "The answer to system_information lists no threads.");
      return NULL;
    }

  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < json_array_get_length (threads); i++)
    {
      JsonNode *element = json_array_get_element (threads, i);
      gint64 id;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      id = get_int (json_node_get_object (element), "threadId", -1);
      if (id >= 0)
        g_array_append_val (ids, id);
    }
  return g_steal_pointer (&ids);
}

char *
hdb_parse_message (JsonNode  *node,
                   GError   **error)
{
  JsonObject *object;
  const char *message;

  if (!(object = expect_object (node, "the operation", error)))
    return NULL;

  message = get_string (object, "message");
  if (message == NULL)
    {
      hdb_set_error (error, HDB_ERROR_INVALID_RESPONSE, 0, NULL,
                     "The answer has no message.");
      return NULL;
    }
  return g_strdup (message);
}

/* Answers of add_node and update_node that are HTTP 200 yet report a failure
 * (reference §2.3, §3.4, Q4). */
static const char * const partial_failures[] = {
  "but there was an error",
  "Some subscriptions were unsuccessful",
  "Unable to create subscriptions",
};

char *
hdb_parse_node_message (JsonNode  *node,
                        GError   **error)
{
  g_autofree char *message = hdb_parse_message (node, error);

  if (message == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (partial_failures); i++)
    {
      if (strstr (message, partial_failures[i]) != NULL)
        {
          hdb_set_error (error, HDB_ERROR_HARPER, 200, message,
                         "Harper reported a failure: %s", message);
          return NULL;
        }
    }
  return g_steal_pointer (&message);
}

HdbRestartReply *
hdb_parse_restart_reply (JsonNode  *node,
                         GError   **error)
{
  g_autofree char *message = hdb_parse_message (node, error);
  HdbRestartReply *reply;

  if (message == NULL)
    return NULL;

  reply = g_new0 (HdbRestartReply, 1);
  reply->message = g_steal_pointer (&message);
  reply->job_id = g_strdup (get_string (json_node_get_object (node), "job_id"));
  return reply;
}

JsonNode *
hdb_parse_routes (JsonNode  *node,
                  GError   **error)
{
  if (node == NULL || (!JSON_NODE_HOLDS_ARRAY (node) && !JSON_NODE_HOLDS_OBJECT (node)))
    {
      hdb_set_error (error, HDB_ERROR_INVALID_RESPONSE, 0, NULL,
                     "The answer to cluster_get_routes is neither a list nor an object.");
      return NULL;
    }
  return json_node_copy (node);
}

/**
 * hdb_version_parse:
 * @version: a version such as "4.4.18"
 * @major: (out) (optional): major
 * @minor: (out) (optional): minor
 * @micro: (out) (optional): micro (0 when absent)
 *
 * Returns: whether @version starts with MAJOR.MINOR
 */
gboolean
hdb_version_parse (const char *version,
                   guint      *major,
                   guint      *minor,
                   guint      *micro)
{
  guint64 v[3] = { 0, 0, 0 };
  const char *p = version;
  guint n = 0;

  if (version == NULL)
    return FALSE;

  while (n < 3 && g_ascii_isdigit (*p))
    {
      char *end = NULL;

      v[n++] = g_ascii_strtoull (p, &end, 10);
      p = end;
      if (*p != '.')
        break;
      p++;
    }

  if (n < 2)
    return FALSE;
  if (major)
    *major = (guint) v[0];
  if (minor)
    *minor = (guint) v[1];
  if (micro)
    *micro = (guint) v[2];
  return TRUE;
}

/**
 * hdb_version_has_native:
 * @version: a Harper version
 *
 * Whether this version can run native replication at all. It does not say
 * which engine the instance uses: that is read from its configuration.
 *
 * Returns: %TRUE for 4.4 and later
 */
gboolean
hdb_version_has_native (const char *version)
{
  guint major, minor;

  if (!hdb_version_parse (version, &major, &minor, NULL))
    return FALSE;
  return major > 4 || (major == 4 && minor >= 4);
}

/**
 * hdb_detect_engine:
 * @config: (nullable): the instance's configuration
 * @status: (nullable): its cluster status
 *
 * The configuration decides (reference §0); the shape of cluster_status is
 * the fallback when the configuration could not be read.
 *
 * Returns: the engine
 */
HdbEngine
hdb_detect_engine (const HdbConfiguration *config,
                   const HdbClusterStatus *status)
{
  if (config != NULL)
    return hdb_configuration_get_engine (config);
  if (status != NULL)
    return status->engine;
  return HDB_ENGINE_UNKNOWN;
}
