/* hdb-parse.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Harper's answers are read here and in hdb-parse-cluster.c, and nowhere
 * else. A server of another version, or something that is not Harper at
 * all, may answer with another shape: every member is read through the
 * readers of hdb-parse-private.h, whose rule (missing is a default, the
 * wrong type or range an invalid answer) that header describes.
 */

#define G_LOG_DOMAIN "hdb-parse"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "hdb-parse.h"
#include "hdb-capabilities.h"
#include "hdb-parse-private.h"

/* Thread ids, pids and the like: positive and well within an int. */
#define MAX_ID G_MAXINT32

HdbRegistrationInfo *
hdb_parse_registration_info (JsonNode  *node,
                             GError   **error)
{
  HdbReader r = HDB_READER_INIT ("registration_info", error);
  g_autoptr(HdbRegistrationInfo) info = NULL;
  JsonObject *object;
  const char *version;

  if ((object = _hdb_reader_root_object (&r, node)) == NULL)
    return NULL;

  version = _hdb_reader_string (&r, object, "version", NULL);
  if (r.failed)
    return NULL;
  if (version == NULL)
    {
      _hdb_reader_fail (&r, "it does not say which Harper version the server runs");
      return NULL;
    }

  info = g_new0 (HdbRegistrationInfo, 1);
  info->version = g_strdup (version);
  /* The license is only shown: a member of another type reads as missing. */
  (void) hdb_json_get_boolean (object, "registered", &info->registered);
  info->ram_allocation = _hdb_info_dup_scalar (object, "ram_allocation");
  info->license_expiration_date = _hdb_info_dup_scalar (object, "license_expiration_date");
  return g_steal_pointer (&info);
}

/* user_info and list_users describe a user alike: the role is an object
 * holding its name and permission (older answers give the name alone). */
static HdbUserInfo *
parse_user_object (HdbReader  *r,
                   JsonObject *object)
{
  g_autoptr(HdbUserInfo) info = g_new0 (HdbUserInfo, 1);
  JsonObject *role = NULL;
  JsonObject *permission;

  info->username = g_strdup (_hdb_reader_string (r, object, "username", "a user"));
  info->active = _hdb_reader_flag (r, object, "active", "a user", TRUE);
  if (hdb_json_get_string (object, "role") != NULL)
    info->role = g_strdup (hdb_json_get_string (object, "role"));
  else if ((role = _hdb_reader_object (r, object, "role", "a user")) != NULL)
    info->role = g_strdup (_hdb_reader_string (r, role, "role", "a user's role"));
  permission = _hdb_reader_object (r, role, "permission", "a user's role");
  info->super_user = _hdb_reader_flag (r, permission, "super_user", "a role's permission", FALSE);
  info->cluster_user = _hdb_reader_flag (r, permission, "cluster_user", "a role's permission",
                                         FALSE);
  if (r->failed)
    return NULL;
  return g_steal_pointer (&info);
}

HdbUserInfo *
hdb_parse_user_info (JsonNode  *node,
                     GError   **error)
{
  HdbReader r = HDB_READER_INIT ("user_info", error);
  JsonObject *object;
  const char *username;

  if ((object = _hdb_reader_root_object (&r, node)) == NULL)
    return NULL;

  username = _hdb_reader_string (&r, object, "username", NULL);
  if (r.failed)
    return NULL;
  if (username == NULL)
    {
      _hdb_reader_fail (&r, "it names no user");
      return NULL;
    }
  return parse_user_object (&r, object);
}

GPtrArray *
hdb_parse_users (JsonNode  *node,
                 GError   **error)
{
  HdbReader r = HDB_READER_INIT ("list_users", error);
  g_autoptr(GPtrArray) users = NULL;
  JsonArray *array;

  if ((array = _hdb_reader_root_array (&r, node)) == NULL)
    return NULL;

  users = g_ptr_array_new_with_free_func ((GDestroyNotify) hdb_user_info_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = _hdb_reader_element_object (&r, array, i, "a user");
      HdbUserInfo *user;

      if (r.failed)
        return NULL;
      /* A record without a name is no login the app could use. */
      if (_hdb_reader_string (&r, object, "username", "a user") == NULL)
        continue;
      if ((user = parse_user_object (&r, object)) == NULL)
        return NULL;
      g_ptr_array_add (users, user);
    }
  if (r.failed)
    return NULL;
  return g_steal_pointer (&users);
}

GPtrArray *
hdb_parse_roles (JsonNode  *node,
                 GError   **error)
{
  HdbReader r = HDB_READER_INIT ("list_roles", error);
  g_autoptr(GPtrArray) roles = NULL;
  JsonArray *array;

  if ((array = _hdb_reader_root_array (&r, node)) == NULL)
    return NULL;

  roles = g_ptr_array_new_with_free_func ((GDestroyNotify) hdb_role_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = _hdb_reader_element_object (&r, array, i, "a role");
      JsonObject *permission;
      const char *name;
      HdbRole *role;

      name = _hdb_reader_string (&r, object, "role", "a role");
      permission = _hdb_reader_object (&r, object, "permission", "a role");
      if (r.failed)
        return NULL;
      if (name == NULL)
        continue;

      role = g_new0 (HdbRole, 1);
      role->id = _hdb_info_dup_scalar (object, "id");
      role->role = g_strdup (name);
      role->super_user = _hdb_reader_flag (&r, permission, "super_user", "a role's permission",
                                           FALSE);
      role->cluster_user = _hdb_reader_flag (&r, permission, "cluster_user",
                                             "a role's permission", FALSE);
      g_ptr_array_add (roles, role);
    }
  if (r.failed)
    return NULL;
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

/* One database of describe_all: its tables by name. */
static HdbDatabase *
parse_database (HdbReader  *r,
                const char *name,
                JsonObject *db_object)
{
  g_autoptr(GList) table_names = json_object_get_members (db_object);
  HdbDatabase *db = g_new0 (HdbDatabase, 1);

  db->name = g_strdup (name);
  db->tables = g_ptr_array_new_with_free_func ((GDestroyNotify) table_free);

  for (const GList *t = table_names; t != NULL && !r->failed; t = t->next)
    {
      JsonObject *table_object;
      HdbTable *table;

      if (hdb_json_get_member (db_object, t->data) == NULL)
        continue;
      table_object = _hdb_reader_object (r, db_object, t->data, "a database");
      if (table_object == NULL)
        break;

      table = g_new0 (HdbTable, 1);
      table->name = g_strdup (t->data);
      table->primary_key = g_strdup (_hdb_reader_string (r, table_object, "hash_attribute",
                                                         "a table"));
      table->record_count = _hdb_info_int (table_object, "record_count", 0, G_MAXINT64, -1);
      g_ptr_array_add (db->tables, table);
    }
  g_ptr_array_sort (db->tables, compare_tables);
  return db;
}

HdbSchema *
hdb_parse_describe_all (JsonNode  *node,
                        GError   **error)
{
  HdbReader r = HDB_READER_INIT ("describe_all", error);
  g_autoptr(HdbSchema) schema = NULL;
  g_autoptr(GList) db_names = NULL;
  JsonObject *object;

  if ((object = _hdb_reader_root_object (&r, node)) == NULL)
    return NULL;

  schema = g_new0 (HdbSchema, 1);
  schema->databases = g_ptr_array_new_with_free_func ((GDestroyNotify) database_free);

  db_names = json_object_get_members (object);
  for (const GList *l = db_names; l != NULL && !r.failed; l = l->next)
    {
      JsonObject *db_object;

      if (hdb_json_get_member (object, l->data) == NULL)
        continue;
      if ((db_object = _hdb_reader_object (&r, object, l->data, NULL)) == NULL)
        break;
      g_ptr_array_add (schema->databases, parse_database (&r, l->data, db_object));
    }
  if (r.failed)
    return NULL;
  g_ptr_array_sort (schema->databases, compare_databases);

  return g_steal_pointer (&schema);
}

HdbConfiguration *
hdb_parse_configuration (JsonNode  *node,
                         GError   **error)
{
  HdbReader r = HDB_READER_INIT ("get_configuration", error);
  g_autoptr(HdbConfiguration) config = NULL;
  JsonObject *object, *replication, *clustering, *ops, *network;

  if ((object = _hdb_reader_root_object (&r, node)) == NULL)
    return NULL;

  /* Which engine the app uses is read from these: a section of another
   * type makes the whole configuration unreadable, never "not enabled". */
  replication = _hdb_reader_object (&r, object, "replication", NULL);
  clustering = _hdb_reader_object (&r, object, "clustering", NULL);
  ops = _hdb_reader_object (&r, object, "operationsApi", NULL);
  network = _hdb_reader_object (&r, ops, "network", "operationsApi");

  config = g_new0 (HdbConfiguration, 1);
  config->replication_hostname = g_strdup (_hdb_reader_string (&r, replication, "hostname",
                                                               "replication"));
  config->replication_url = g_strdup (_hdb_reader_string (&r, replication, "url", "replication"));
  config->clustering_enabled = _hdb_reader_flag (&r, clustering, "enabled", "clustering", FALSE);
  config->clustering_node_name = _hdb_reader_dup_scalar (&r, clustering, "nodeName",
                                                         "clustering");
  config->clustering_user = g_strdup (_hdb_reader_string (&r, clustering, "user", "clustering"));
  config->operations_port = _hdb_reader_dup_scalar (&r, network, "port",
                                                    "operationsApi.network");
  config->operations_secure_port = _hdb_reader_dup_scalar (&r, network, "securePort",
                                                           "operationsApi.network");
  _hdb_configuration_check (&r, node);
  if (r.failed)
    return NULL;
  config->raw = json_node_copy (node);
  return g_steal_pointer (&config);
}

GArray *
hdb_parse_thread_ids (JsonNode  *node,
                      GError   **error)
{
  HdbReader r = HDB_READER_INIT ("system_information", error);
  g_autoptr(GArray) ids = NULL;
  JsonObject *object;
  JsonArray *threads;

  if ((object = _hdb_reader_root_object (&r, node)) == NULL)
    return NULL;

  threads = _hdb_reader_array (&r, object, "threads", NULL);
  if (r.failed)
    return NULL;
  if (threads == NULL)
    {
      _hdb_reader_fail (&r, "it lists no threads");
      return NULL;
    }

  /* The restart monitor compares these sets: an id it cannot read would
   * make a restart look done (or not) when it is not. */
  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < json_array_get_length (threads); i++)
    {
      JsonObject *thread = _hdb_reader_element_object (&r, threads, i, "a thread");
      gint64 id = _hdb_reader_int (&r, thread, "threadId", "a thread", 0, MAX_ID, -1);

      if (r.failed)
        return NULL;
      if (id >= 0)
        g_array_append_val (ids, id);
    }
  return g_steal_pointer (&ids);
}

char *
hdb_parse_message (JsonNode  *node,
                   GError   **error)
{
  HdbReader r = HDB_READER_INIT ("the operation", error);
  JsonObject *object;
  const char *message;

  if ((object = _hdb_reader_root_object (&r, node)) == NULL)
    return NULL;

  message = _hdb_reader_string (&r, object, "message", NULL);
  if (r.failed)
    return NULL;
  if (message == NULL)
    {
      _hdb_reader_fail (&r, "it has no message");
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
                         _("Harper reported a failure: %s"), message);
          return NULL;
        }
    }
  return g_steal_pointer (&message);
}

HdbRestartReply *
hdb_parse_restart_reply (JsonNode  *node,
                         GError   **error)
{
  HdbReader r = HDB_READER_INIT ("restart", error);
  g_autofree char *message = hdb_parse_message (node, error);
  g_autoptr(HdbRestartReply) reply = NULL;

  if (message == NULL)
    return NULL;

  reply = g_new0 (HdbRestartReply, 1);
  reply->message = g_steal_pointer (&message);
  reply->job_id = g_strdup (_hdb_reader_string (&r, json_node_get_object (node), "job_id", NULL));
  if (r.failed)
    return NULL;
  return g_steal_pointer (&reply);
}

/* get_job answers with a list holding the job; an empty one when Harper
 * knows no job of that id. */
HdbJob *
hdb_parse_job (JsonNode  *node,
               GError   **error)
{
  HdbReader r = HDB_READER_INIT ("get_job", error);
  g_autoptr(HdbJob) job = NULL;
  JsonObject *object;
  JsonArray *array;
  const char *status;

  if ((array = _hdb_reader_root_array (&r, node)) == NULL)
    return NULL;

  job = g_new0 (HdbJob, 1);
  if (json_array_get_length (array) == 0)
    return g_steal_pointer (&job);

  object = _hdb_reader_element_object (&r, array, 0, "the job");
  job->id = _hdb_reader_dup_scalar (&r, object, "id", "the job");
  job->type = g_strdup (_hdb_reader_string (&r, object, "type", "the job"));
  status = _hdb_reader_string (&r, object, "status", "the job");
  /* The outcome is shown; Harper writes an error's text, or sometimes an
   * object, there. */
  job->message = g_strdup (hdb_json_get_string (object, "message"));
  if (r.failed)
    return NULL;

  job->status_text = g_strdup (status);
  if (status == NULL)
    job->status = HDB_JOB_STATUS_UNKNOWN;
  else if (g_str_equal (status, "COMPLETE"))
    job->status = HDB_JOB_STATUS_COMPLETE;
  else if (g_str_equal (status, "ERROR"))
    job->status = HDB_JOB_STATUS_ERROR;
  else
    job->status = HDB_JOB_STATUS_RUNNING;
  return g_steal_pointer (&job);
}

JsonNode *
hdb_parse_routes (JsonNode  *node,
                  GError   **error)
{
  HdbReader r = HDB_READER_INIT ("cluster_get_routes", error);

  /* Harper 4.4 answers a list (native) or {"hub": […], "leaf": […]} (NATS). */
  if (node == NULL || (!JSON_NODE_HOLDS_ARRAY (node) && !JSON_NODE_HOLDS_OBJECT (node)))
    {
      _hdb_reader_fail (&r, "it is neither a list nor an object");
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
 * Whether this version can run native replication at all, as the table of
 * hdb-capabilities.c says. It does not say which engine the instance uses:
 * that is read from its configuration.
 *
 * Returns: %TRUE for 4.4 and later
 */
gboolean
hdb_version_has_native (const char *version)
{
  return hdb_capabilities_for_version (version)->native;
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
