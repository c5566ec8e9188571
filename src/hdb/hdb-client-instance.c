/* hdb-client-instance.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The operations of HdbClient on one instance itself: what it is and who
 * logs in (registration_info, user_info), its configuration, its restart,
 * its users and roles, and its databases, tables and records. add_user and
 * alter_user carry a password: their bodies are never logged.
 */

#define G_LOG_DOMAIN "hdb-client"

#include <glib/gi18n-lib.h>

#include "hdb-client-private.h"
#include "hdb-json.h"
#include "hdb-parse.h"

HDB_DEFINE_SIMPLE_OPERATION (registration_info, "registration_info", hdb_parse_registration_info,
                             hdb_registration_info_free, HdbRegistrationInfo *)
HDB_DEFINE_SIMPLE_OPERATION (user_info, "user_info", hdb_parse_user_info, hdb_user_info_free,
                             HdbUserInfo *)
HDB_DEFINE_SIMPLE_OPERATION (describe_all, "describe_all", hdb_parse_describe_all, hdb_schema_free,
                             HdbSchema *)
HDB_DEFINE_SIMPLE_OPERATION (get_configuration, "get_configuration", hdb_parse_configuration,
                             hdb_configuration_free, HdbConfiguration *)
HDB_DEFINE_SIMPLE_OPERATION (restart, "restart", hdb_parse_restart_reply, hdb_restart_reply_free,
                             HdbRestartReply *)
HDB_DEFINE_SIMPLE_OPERATION (list_roles, "list_roles", hdb_parse_roles, g_ptr_array_unref,
                             GPtrArray *)
HDB_DEFINE_SIMPLE_OPERATION (list_users, "list_users", hdb_parse_users, g_ptr_array_unref,
                             GPtrArray *)


void
hdb_client_set_configuration_async (HdbClient           *self,
                                    JsonObject          *settings,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  JsonObject *request;
  g_autoptr(GList) names = NULL;

  g_return_if_fail (HDB_IS_CLIENT (self));
  g_return_if_fail (settings != NULL);

  request = _hdb_operation_new ("set_configuration");
  names = json_object_get_members (settings);
  for (const GList *l = names; l != NULL; l = l->next)
    if (g_strcmp0 (l->data, "operation") != 0)
      json_object_set_member (request, l->data,
                              json_node_copy (json_object_get_member (settings, l->data)));

  _hdb_client_run_message (self, request, hdb_client_set_configuration_async, cancellable,
                           callback, user_data);
}

HDB_DEFINE_FINISH (set_configuration, char *)

/**
 * hdb_client_restart_service_async:
 * @self: a client
 * @service: e.g. "http_workers" or "clustering_config"
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 */
void
hdb_client_restart_service_async (HdbClient           *self,
                                  const char          *service,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  JsonObject *request;

  g_return_if_fail (HDB_IS_CLIENT (self));
  g_return_if_fail (service != NULL);

  request = _hdb_operation_new ("restart_service");
  json_object_set_string_member (request, "service", service);
  _hdb_client_run (self, request, 0, (HdbParseFunc) hdb_parse_restart_reply,
                   (GDestroyNotify) hdb_restart_reply_free,
                   hdb_client_restart_service_async, cancellable, callback, user_data);
}

HDB_DEFINE_FINISH (restart_service, HdbRestartReply *)

/**
 * hdb_client_system_threads_async:
 * @self: a client
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * `system_information` for `threads`: the ids of the worker threads, which a
 * restart replaces (DESIGN.md §4).
 */
void
hdb_client_system_threads_async (HdbClient           *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  JsonObject *request;
  JsonArray *attributes;

  g_return_if_fail (HDB_IS_CLIENT (self));

  request = _hdb_operation_new ("system_information");
  attributes = json_array_new ();
  json_array_add_string_element (attributes, "threads");
  json_object_set_array_member (request, "attributes", attributes);
  _hdb_client_run (self, request, 0, (HdbParseFunc) hdb_parse_thread_ids,
                   (GDestroyNotify) g_array_unref,
                   hdb_client_system_threads_async, cancellable, callback, user_data);
}

HDB_DEFINE_FINISH (system_threads, GArray *)

/**
 * hdb_client_get_job_async:
 * @self: a client
 * @job_id: the id an operation run as a job answered with
 * @timeout_ms: the time this request may take, 0 for the client's default
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * The state of a job (restart_service runs as one). A job Harper does not
 * know is no error: its status is %HDB_JOB_STATUS_UNKNOWN.
 */
void
hdb_client_get_job_async (HdbClient           *self,
                          const char          *job_id,
                          guint                timeout_ms,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  JsonObject *request;

  g_return_if_fail (HDB_IS_CLIENT (self));
  g_return_if_fail (job_id != NULL);

  request = _hdb_operation_new ("get_job");
  json_object_set_string_member (request, "id", job_id);
  _hdb_client_run (self, request, timeout_ms, (HdbParseFunc) hdb_parse_job,
                   (GDestroyNotify) hdb_job_free,
                   hdb_client_get_job_async, cancellable, callback, user_data);
}

HDB_DEFINE_FINISH (get_job, HdbJob *)

void
hdb_client_add_role_async (HdbClient           *self,
                           const char          *role,
                           JsonObject          *permission,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  JsonObject *request;

  g_return_if_fail (HDB_IS_CLIENT (self));
  g_return_if_fail (role != NULL && permission != NULL);

  request = _hdb_operation_new ("add_role");
  json_object_set_string_member (request, "role", role);
  json_object_set_object_member (request, "permission", json_object_ref (permission));
  _hdb_client_run (self, request, 0, _hdb_parse_any, (GDestroyNotify) json_node_unref,
                   hdb_client_add_role_async, cancellable, callback, user_data);
}

/**
 * hdb_client_add_role_finish:
 * @self: a client
 * @result: the result
 * @error: return location for an #HdbError
 *
 * Returns: (transfer full): the role's name as Harper created it
 */
char *
hdb_client_add_role_finish (HdbClient     *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_autoptr(JsonNode) node = _hdb_client_finish_pointer (self, result,
                                                         hdb_client_add_role_async, error);
  const char *role;

  if (node == NULL)
    return NULL;

  /* add_role answers with the created role, not with a message. */
  role = JSON_NODE_HOLDS_OBJECT (node) ? hdb_json_get_string (json_node_get_object (node), "role")
                                       : NULL;
  if (role == NULL)
    {
      hdb_set_error (error, HDB_ERROR_INVALID_RESPONSE, 200, NULL,
                     _("The answer to add_role does not name the role. Check that the URL is "
                       "the operations API of a Harper instance."));
      return NULL;
    }
  return g_strdup (role);
}

void
hdb_client_add_user_async (HdbClient           *self,
                           const char          *username,
                           const char          *password,
                           const char          *role,
                           gboolean             active,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  JsonObject *request;

  g_return_if_fail (HDB_IS_CLIENT (self));
  g_return_if_fail (username != NULL && password != NULL && role != NULL);

  request = _hdb_operation_new ("add_user");
  json_object_set_string_member (request, "role", role);
  json_object_set_string_member (request, "username", username);
  json_object_set_string_member (request, "password", password);
  json_object_set_boolean_member (request, "active", active);
  _hdb_client_run_message (self, request, hdb_client_add_user_async, cancellable,
                           callback, user_data);
}

HDB_DEFINE_FINISH (add_user, char *)

/**
 * hdb_client_alter_user_async:
 * @self: a client
 * @username: the user to change
 * @password: (nullable): a new password, or %NULL to keep it
 * @role: (nullable): a new role, or %NULL to keep it
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 */
void
hdb_client_alter_user_async (HdbClient           *self,
                             const char          *username,
                             const char          *password,
                             const char          *role,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  JsonObject *request;

  g_return_if_fail (HDB_IS_CLIENT (self));
  g_return_if_fail (username != NULL);

  request = _hdb_operation_new ("alter_user");
  json_object_set_string_member (request, "username", username);
  if (password != NULL)
    json_object_set_string_member (request, "password", password);
  if (role != NULL)
    json_object_set_string_member (request, "role", role);
  _hdb_client_run_message (self, request, hdb_client_alter_user_async, cancellable,
                           callback, user_data);
}

HDB_DEFINE_FINISH (alter_user, char *)

void
hdb_client_create_database_async (HdbClient           *self,
                                  const char          *database,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  JsonObject *request;

  g_return_if_fail (HDB_IS_CLIENT (self));
  g_return_if_fail (database != NULL);

  request = _hdb_operation_new ("create_database");
  json_object_set_string_member (request, "database", database);
  _hdb_client_run_message (self, request, hdb_client_create_database_async, cancellable,
                           callback, user_data);
}

HDB_DEFINE_FINISH (create_database, char *)

void
hdb_client_create_table_async (HdbClient           *self,
                               const char          *database,
                               const char          *table,
                               const char          *primary_key,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  JsonObject *request;

  g_return_if_fail (HDB_IS_CLIENT (self));
  g_return_if_fail (database != NULL && table != NULL && primary_key != NULL);

  request = _hdb_operation_new ("create_table");
  json_object_set_string_member (request, "database", database);
  json_object_set_string_member (request, "table", table);
  json_object_set_string_member (request, "primary_key", primary_key);
  _hdb_client_run_message (self, request, hdb_client_create_table_async, cancellable,
                           callback, user_data);
}

HDB_DEFINE_FINISH (create_table, char *)

void
hdb_client_insert_async (HdbClient           *self,
                         const char          *database,
                         const char          *table,
                         JsonArray           *records,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  JsonObject *request;

  g_return_if_fail (HDB_IS_CLIENT (self));
  g_return_if_fail (database != NULL && table != NULL && records != NULL);

  request = _hdb_operation_new ("insert");
  json_object_set_string_member (request, "database", database);
  json_object_set_string_member (request, "table", table);
  json_object_set_array_member (request, "records", json_array_ref (records));
  _hdb_client_run_message (self, request, hdb_client_insert_async, cancellable,
                           callback, user_data);
}

HDB_DEFINE_FINISH (insert, char *)

static gpointer
parse_record_array (JsonNode  *node,
                    GError   **error)
{
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      hdb_set_error (error, HDB_ERROR_INVALID_RESPONSE, 200, NULL,
                     _("The answer to search_by_id is not a list of records. Check that the "
                       "URL is the operations API of a Harper instance."));
      return NULL;
    }
  return json_array_ref (json_node_get_array (node));
}

void
hdb_client_search_by_id_async (HdbClient           *self,
                               const char          *database,
                               const char          *table,
                               JsonArray           *ids,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  JsonObject *request;
  JsonArray *attributes;

  g_return_if_fail (HDB_IS_CLIENT (self));
  g_return_if_fail (database != NULL && table != NULL && ids != NULL);

  request = _hdb_operation_new ("search_by_id");
  json_object_set_string_member (request, "database", database);
  json_object_set_string_member (request, "table", table);
  json_object_set_array_member (request, "ids", json_array_ref (ids));
  attributes = json_array_new ();
  json_array_add_string_element (attributes, "*");
  json_object_set_array_member (request, "get_attributes", attributes);
  _hdb_client_run (self, request, 0, parse_record_array, (GDestroyNotify) json_array_unref,
                   hdb_client_search_by_id_async, cancellable, callback, user_data);
}

HDB_DEFINE_FINISH (search_by_id, JsonArray *)
