/* hdb-process-info.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `system_information` for the process and its worker threads. Listing the
 * processes costs Harper a scan of every process on its host: 20-30 ms once
 * warm, 0.6 s (3 s on a busy machine) the first time a worker is asked. So
 * the caller asks for it only when the threads cannot tell
 * (@with_process), and the threads alone otherwise.
 */

#define G_LOG_DOMAIN "hdb-process-info"

#include <string.h>

#include "hdb-error.h"
#include "hdb-json.h"
#include "hdb-process-info.h"

void
hdb_process_info_free (HdbProcessInfo *info)
{
  if (info == NULL)
    return;
  g_clear_pointer (&info->threads, g_array_unref);
  g_free (info);
}

/**
 * hdb_parse_process_started:
 * @started: (nullable): `started` as Harper writes it, "2026-12-05 14:54:19"
 *   (the server's local time zone is not said; UTC is assumed, which is
 *   enough to compare two answers of the same server)
 *
 * Returns: seconds since the epoch, or 0 when @started cannot be read
 */
gint64
hdb_parse_process_started (const char *started)
{
  g_autoptr(GTimeZone) utc = NULL;
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *iso = NULL;

  if (started == NULL || strlen (started) != 19 || started[10] != ' ')
    return 0;
  iso = g_strdup (started);
  iso[10] = 'T';
  utc = g_time_zone_new_utc ();
  when = g_date_time_new_from_iso8601 (iso, utc);
  return when != NULL ? g_date_time_to_unix (when) : 0;
}

/**
 * hdb_parse_process_info:
 * @node: the answer to `system_information` with the attributes
 *   `harperdb_processes` and/or `threads`
 * @error: return location for an %HDB_ERROR_INVALID_RESPONSE
 *
 * Returns: (transfer full): what the answer says; fields it does not have
 *   stay unknown
 */
HdbProcessInfo *
hdb_parse_process_info (JsonNode  *node,
                        GError   **error)
{
  g_autoptr(HdbProcessInfo) info = g_new0 (HdbProcessInfo, 1);
  JsonObject *object;
  JsonObject *processes;
  JsonArray *core;
  JsonArray *threads;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      hdb_set_error (error, HDB_ERROR_INVALID_RESPONSE, 0, NULL,
                     "The answer to system_information is not an object.");
      return NULL;
    }
  object = json_node_get_object (node);

  processes = hdb_json_get_object (object, "harperdb_processes");
  core = hdb_json_get_array (processes, "core");
  if (core != NULL && json_array_get_length (core) > 0)
    {
      JsonNode *first = json_array_get_element (core, 0);
      JsonObject *main_process = JSON_NODE_HOLDS_OBJECT (first) ? json_node_get_object (first)
                                                                 : NULL;
      gint64 pid = 0;

      if (hdb_json_get_int (main_process, "pid", 1, G_MAXINT32, &pid))
        info->pid = pid;
      info->started = hdb_parse_process_started (hdb_json_get_string (main_process, "started"));
    }

  threads = hdb_json_get_array (object, "threads");
  if (threads != NULL)
    {
      info->threads = g_array_new (FALSE, FALSE, sizeof (gint64));
      for (guint i = 0; i < json_array_get_length (threads); i++)
        {
          JsonNode *element = json_array_get_element (threads, i);
          gint64 id;

          if (JSON_NODE_HOLDS_OBJECT (element) &&
              hdb_json_get_int (json_node_get_object (element), "threadId", 0, G_MAXINT32, &id))
            g_array_append_val (info->threads, id);
        }
    }

  if (info->pid == 0 && info->threads == NULL)
    {
      hdb_set_error (error, HDB_ERROR_INVALID_RESPONSE, 0, NULL,
                     "The answer to system_information names neither the process nor its "
                     "threads.");
      return NULL;
    }
  return g_steal_pointer (&info);
}

static void
on_process_info (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) node = NULL;
  GError *error = NULL;
  HdbProcessInfo *info;

  node = hdb_client_call_finish (HDB_CLIENT (source), result, &error);
  if (node == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  info = hdb_parse_process_info (node, &error);
  if (info == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, info, (GDestroyNotify) hdb_process_info_free);
}

/**
 * hdb_client_process_info_async:
 * @client: a client (a super user's login)
 * @with_process: also ask for the main process (slow the first time a
 *   worker is asked, see the file's comment); %FALSE asks for the threads only
 * @timeout_ms: the request's timeout, 0 for the client's
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * `system_information` for `threads` and, with @with_process,
 * `harperdb_processes`.
 */
void
hdb_client_process_info_async (HdbClient           *client,
                               gboolean             with_process,
                               guint                timeout_ms,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(JsonObject) request = json_object_new ();
  JsonArray *attributes = json_array_new ();
  GTask *task;

  g_return_if_fail (HDB_IS_CLIENT (client));

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, hdb_client_process_info_async);
  g_task_set_name (task, "[hdb] process info");

  json_object_set_string_member (request, "operation", "system_information");
  json_array_add_string_element (attributes, "threads");
  if (with_process)
    json_array_add_string_element (attributes, "harperdb_processes");
  json_object_set_array_member (request, "attributes", attributes);
  hdb_client_call_async (client, request, timeout_ms, cancellable, on_process_info, task);
}

/**
 * hdb_client_process_info_finish:
 * @client: a client
 * @result: the result
 * @error: return location for an #HdbError or %G_IO_ERROR_CANCELLED
 *
 * Returns: (transfer full): what the server said about its process
 */
HdbProcessInfo *
hdb_client_process_info_finish (HdbClient     *client,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        hdb_client_process_info_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
