/* fuzz-hdb-parse.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every parser of a Harper answer (hdb-parse.h) on whatever hdb_json_parse()
 * accepts: the first byte picks the parser, the rest is the body. Each must
 * return a result or an HDB_ERROR, never crash or warn.
 */

#include "hdb-json.h"
#include "hdb-error.h"
#include "hdb-parse.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

#define N_PARSERS 14

static void
check_error (GError *error)
{
  if (error != NULL)
    g_assert_true (error->domain == HDB_ERROR);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  guint which;

  if (size < 1)
    return 0;
  which = data[0] % N_PARSERS;
  node = hdb_json_parse ((const char *) data + 1, size - 1, 1 << 20, NULL);
  if (node == NULL)
    return 0;

  switch (which)
    {
    case 0:
      {
        HdbRegistrationInfo *info = hdb_parse_registration_info (node, &error);

        g_clear_pointer (&info, hdb_registration_info_free);
      }
      break;
    case 1:
      {
        HdbUserInfo *info = hdb_parse_user_info (node, &error);

        g_clear_pointer (&info, hdb_user_info_free);
      }
      break;
    case 2:
      {
        GPtrArray *users = hdb_parse_users (node, &error);

        g_clear_pointer (&users, g_ptr_array_unref);
      }
      break;
    case 3:
      {
        GPtrArray *roles = hdb_parse_roles (node, &error);

        g_clear_pointer (&roles, g_ptr_array_unref);
      }
      break;
    case 4:
      {
        HdbSchema *schema = hdb_parse_describe_all (node, &error);

        if (schema != NULL)
          (void) hdb_schema_find_table (schema, "data", "dog");
        g_clear_pointer (&schema, hdb_schema_free);
      }
      break;
    case 5:
    case 6:
      {
        /* A configuration and a status from the same body: the engine
         * detection reads both. */
        HdbConfiguration *config = hdb_parse_configuration (node, NULL);
        HdbClusterStatus *status = hdb_parse_cluster_status (node, &error);

        if (config != NULL || status != NULL)
          (void) hdb_detect_engine (config, status);
        if (status != NULL)
          {
            (void) hdb_cluster_status_find_connection (status, "node2");
            for (guint i = 0; i < status->connections->len; i++)
              (void) hdb_connection_is_connected (g_ptr_array_index (status->connections, i));
          }
        g_clear_pointer (&config, hdb_configuration_free);
        g_clear_pointer (&status, hdb_cluster_status_free);
      }
      break;
    case 7:
      {
        GArray *threads = hdb_parse_thread_ids (node, &error);

        g_clear_pointer (&threads, g_array_unref);
      }
      break;
    case 8:
      g_free (hdb_parse_message (node, &error));
      break;
    case 9:
      g_free (hdb_parse_node_message (node, &error));
      break;
    case 10:
      {
        HdbRestartReply *reply = hdb_parse_restart_reply (node, &error);

        g_clear_pointer (&reply, hdb_restart_reply_free);
      }
      break;
    case 11:
      {
        JsonNode *routes = hdb_parse_routes (node, &error);

        g_clear_pointer (&routes, json_node_unref);
      }
      break;
    case 12:
      if (JSON_NODE_HOLDS_ARRAY (node))
        g_ptr_array_unref (hdb_parse_subscriptions (json_node_get_array (node)));
      break;
    default:
      {
        HdbConfiguration *config = hdb_parse_configuration (node, &error);

        g_clear_pointer (&config, hdb_configuration_free);
      }
      break;
    }
  check_error (error);
  return 0;
}
