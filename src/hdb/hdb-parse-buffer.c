/* hdb-parse-buffer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hdb-parse"

#include <glib/gi18n-lib.h>

#include "hdb-client-private.h"
#include "hdb-json.h"
#include "hdb-parse.h"
#include "hdb-parse-buffer.h"

typedef gpointer (*ParseFunc) (JsonNode  *node,
                               GError   **error);

/* The same parsers the typed operations of hdb-client-*.c run. */
static const struct
{
  const char     *name;
  ParseFunc       parse;
  GDestroyNotify  free_func;
} parsers[HDB_N_PARSERS] = {
  [HDB_PARSER_REGISTRATION_INFO] = { "registration_info",
                                     (ParseFunc) hdb_parse_registration_info,
                                     (GDestroyNotify) hdb_registration_info_free },
  [HDB_PARSER_USER_INFO] = { "user_info", (ParseFunc) hdb_parse_user_info,
                             (GDestroyNotify) hdb_user_info_free },
  [HDB_PARSER_LIST_USERS] = { "list_users", (ParseFunc) hdb_parse_users,
                              (GDestroyNotify) g_ptr_array_unref },
  [HDB_PARSER_LIST_ROLES] = { "list_roles", (ParseFunc) hdb_parse_roles,
                              (GDestroyNotify) g_ptr_array_unref },
  [HDB_PARSER_DESCRIBE_ALL] = { "describe_all", (ParseFunc) hdb_parse_describe_all,
                                (GDestroyNotify) hdb_schema_free },
  [HDB_PARSER_GET_CONFIGURATION] = { "get_configuration", (ParseFunc) hdb_parse_configuration,
                                     (GDestroyNotify) hdb_configuration_free },
  [HDB_PARSER_CLUSTER_STATUS] = { "cluster_status", (ParseFunc) hdb_parse_cluster_status,
                                  (GDestroyNotify) hdb_cluster_status_free },
  [HDB_PARSER_SYSTEM_THREADS] = { "system_information", (ParseFunc) hdb_parse_thread_ids,
                                  (GDestroyNotify) g_array_unref },
  [HDB_PARSER_MESSAGE] = { "message", (ParseFunc) hdb_parse_message, g_free },
  [HDB_PARSER_NODE_MESSAGE] = { "node_message", (ParseFunc) hdb_parse_node_message, g_free },
  [HDB_PARSER_RESTART_REPLY] = { "restart", (ParseFunc) hdb_parse_restart_reply,
                                 (GDestroyNotify) hdb_restart_reply_free },
  [HDB_PARSER_CLUSTER_GET_ROUTES] = { "cluster_get_routes", (ParseFunc) hdb_parse_routes,
                                      (GDestroyNotify) json_node_unref },
  [HDB_PARSER_GET_JOB] = { "get_job", (ParseFunc) hdb_parse_job,
                           (GDestroyNotify) hdb_job_free },
  [HDB_PARSER_CLUSTER_NETWORK] = { "cluster_network", (ParseFunc) hdb_parse_cluster_network,
                                   (GDestroyNotify) hdb_cluster_network_free },
  [HDB_PARSER_ERROR_BODY] = { "error", NULL, g_free },
};

/**
 * hdb_parser_get_name:
 * @id: a parser
 *
 * Returns: the operation whose answer it reads ("cluster_status"), or
 *   "message", "node_message" and "error" for the answers many share
 */
const char *
hdb_parser_get_name (HdbParserId id)
{
  g_return_val_if_fail (id < HDB_N_PARSERS, NULL);
  return parsers[id].name;
}

/**
 * hdb_parser_lookup:
 * @name: a name hdb_parser_get_name() returns
 * @id: (out): the parser
 *
 * Returns: whether a parser has that name
 */
gboolean
hdb_parser_lookup (const char  *name,
                   HdbParserId *id)
{
  for (guint i = 0; i < HDB_N_PARSERS; i++)
    if (g_strcmp0 (parsers[i].name, name) == 0)
      {
        *id = i;
        return TRUE;
      }
  return FALSE;
}

/**
 * hdb_parse_buffer:
 * @id: the parser
 * @data: (array length=length): an answer's body, as received
 * @length: its length
 * @free_func: (out): frees the result
 * @error: an %HDB_ERROR_INVALID_RESPONSE (or %HDB_ERROR_HARPER for a node
 *   message that reports a failure)
 *
 * Returns: (transfer full) (nullable): what the parser made of @data
 */
gpointer
hdb_parse_buffer (HdbParserId      id,
                  const char      *data,
                  gsize            length,
                  GDestroyNotify  *free_func,
                  GError         **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) json_error = NULL;
  gpointer result;

  g_return_val_if_fail (id < HDB_N_PARSERS, NULL);
  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (free_func != NULL, NULL);

  *free_func = parsers[id].free_func;
  root = hdb_json_parse (data, length, HDB_CLIENT_DEFAULT_MAX_RESPONSE_SIZE, &json_error);
  if (root == NULL)
    {
      hdb_set_error (error, HDB_ERROR_INVALID_RESPONSE, 0, NULL,
                     _("The answer to %s is not JSON: %s."), parsers[id].name,
                     json_error->message);
      return NULL;
    }

  if (id == HDB_PARSER_ERROR_BODY)
    {
      result = _hdb_harper_error_text (root);
      if (result == NULL)
        hdb_set_error (error, HDB_ERROR_INVALID_RESPONSE, 0, NULL,
                       _("The body is not an error of Harper's."));
      return result;
    }
  return parsers[id].parse (root, error);
}
