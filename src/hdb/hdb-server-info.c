/* hdb-server-info.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * hdb_client_server_info_async(): what the app needs to know of an instance
 * before anything else, from up to four reads one after the other.
 */

#define G_LOG_DOMAIN "hdb-client"

#include "hdb-client-private.h"
#include "hdb-parse.h"

/* server_info: registration_info, user_info, then (for a super user)
 * get_configuration and cluster_status, one after the other. */
typedef struct
{
  HdbServerInfo    *info;
  HdbConfiguration *config;
} ServerInfoState;

static void
server_info_state_free (ServerInfoState *state)
{
  g_clear_pointer (&state->info, hdb_server_info_free);
  g_clear_pointer (&state->config, hdb_configuration_free);
  g_free (state);
}

static void
server_info_finish_with (GTask *task)
{
  ServerInfoState *state = g_task_get_task_data (task);

  g_task_return_pointer (task, g_steal_pointer (&state->info),
                         (GDestroyNotify) hdb_server_info_free);
  g_object_unref (task);
}

static void
on_server_info_status (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  ServerInfoState *state = g_task_get_task_data (task);
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(GError) error = NULL;

  status = hdb_client_cluster_status_finish (HDB_CLIENT (source), result, &error);
  if (status == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  state->info->engine = hdb_detect_engine (state->config, status);

  if (status->node_name != NULL && status->engine != HDB_ENGINE_NONE)
    state->info->node_name = g_strdup (status->node_name);

  /* The file says one thing, the running server another: a restart is due. */
  if (state->info->engine == HDB_ENGINE_NATIVE)
    state->info->restart_pending = status->engine != HDB_ENGINE_NATIVE ||
      (state->config->replication_hostname != NULL &&
       g_strcmp0 (state->config->replication_hostname, status->node_name) != 0);
  else if (state->info->engine == HDB_ENGINE_NATS)
    state->info->restart_pending = !status->is_enabled;

  if (state->info->node_name == NULL && !state->info->restart_pending)
    {
      if (state->info->engine == HDB_ENGINE_NATS)
        state->info->node_name = g_strdup (state->config->clustering_node_name);
      else if (state->info->engine == HDB_ENGINE_NATIVE)
        state->info->node_name = g_strdup (state->config->replication_hostname);
    }

  server_info_finish_with (task);
}

static void
on_server_info_configuration (GObject      *source,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  GTask *task = user_data;
  ServerInfoState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  state->config = hdb_client_get_configuration_finish (HDB_CLIENT (source), result, &error);
  if (state->config == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  hdb_client_cluster_status_async (HDB_CLIENT (source), g_task_get_cancellable (task),
                                   on_server_info_status, task);
}

static void
on_server_info_user (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  ServerInfoState *state = g_task_get_task_data (task);
  g_autoptr(HdbUserInfo) user = NULL;
  g_autoptr(GError) error = NULL;

  user = hdb_client_user_info_finish (HDB_CLIENT (source), result, &error);
  if (user == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  state->info->username = g_strdup (user->username);
  state->info->super_user = user->super_user;

  /* Only a super user may read the configuration: anyone else gets the
   * engine as unknown rather than a guess from the version. */
  if (!user->super_user)
    {
      state->info->engine = HDB_ENGINE_UNKNOWN;
      server_info_finish_with (task);
      return;
    }

  hdb_client_get_configuration_async (HDB_CLIENT (source), g_task_get_cancellable (task),
                                      on_server_info_configuration, task);
}

static void
on_server_info_registration (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  GTask *task = user_data;
  ServerInfoState *state = g_task_get_task_data (task);
  g_autoptr(HdbRegistrationInfo) registration = NULL;
  g_autoptr(GError) error = NULL;

  registration = hdb_client_registration_info_finish (HDB_CLIENT (source), result, &error);
  if (registration == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  state->info->version = g_strdup (registration->version);
  hdb_client_user_info_async (HDB_CLIENT (source), g_task_get_cancellable (task),
                              on_server_info_user, task);
}

/**
 * hdb_client_server_info_async:
 * @self: a client
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Finds the version, the replication engine (from the configuration, never
 * from the version alone) and the node name.
 */
void
hdb_client_server_info_async (HdbClient           *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;
  ServerInfoState *state;

  g_return_if_fail (HDB_IS_CLIENT (self));

  state = g_new0 (ServerInfoState, 1);
  state->info = g_new0 (HdbServerInfo, 1);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hdb_client_server_info_async);
  g_task_set_task_data (task, state, (GDestroyNotify) server_info_state_free);

  hdb_client_registration_info_async (self, cancellable, on_server_info_registration, task);
}

HdbServerInfo *
hdb_client_server_info_finish (HdbClient     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return _hdb_client_finish_pointer (self, result, hdb_client_server_info_async, error);
}
