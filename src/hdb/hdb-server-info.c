/* hdb-server-info.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * hdb_client_server_info_async(): what the app needs to know of an instance
 * before anything else, from up to four reads in one round trip (two for a
 * login found not to be a super user).
 */

#define G_LOG_DOMAIN "hdb-client"

#include "hdb-client-private.h"
#include "hdb-parse.h"

/* server_info: registration_info, user_info, get_configuration and
 * cluster_status at once, one round trip. Only a super user may read the
 * last two: once a client has found its login not a super user, it asks
 * for them no more unless user_info (asked first, with registration_info)
 * finds it one again: two round trips then, as for everyone before.
 * The error returned is the one the reads one after the other would have
 * met first (registration_info, user_info, get_configuration, then
 * cluster_status); a login that is not a super user gets no error from the
 * last two. */
typedef struct
{
  HdbServerInfo       *info;
  gboolean             all_at_once;   /* the four reads went out together */
  gboolean             second_round;  /* get_configuration and cluster_status, after */
  guint                n_running;     /* reads not answered yet */
  HdbRegistrationInfo *registration;
  HdbUserInfo         *user;
  HdbConfiguration    *config;
  HdbClusterStatus    *status;
  GError              *registration_error;
  GError              *user_error;
  GError              *config_error;
  GError              *status_error;
} ServerInfoState;

static void
server_info_state_free (ServerInfoState *state)
{
  g_clear_pointer (&state->info, hdb_server_info_free);
  g_clear_pointer (&state->registration, hdb_registration_info_free);
  g_clear_pointer (&state->user, hdb_user_info_free);
  g_clear_pointer (&state->config, hdb_configuration_free);
  g_clear_pointer (&state->status, hdb_cluster_status_free);
  g_clear_error (&state->registration_error);
  g_clear_error (&state->user_error);
  g_clear_error (&state->config_error);
  g_clear_error (&state->status_error);
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

/* Whether one of the two reads failed (its error then returned on @task,
 * @first's before @second's) */
static gboolean
server_info_failed (GTask   *task,
                    GError **first,
                    GError **second)
{
  GError **error = *first != NULL ? first : second;

  if (*error == NULL)
    return FALSE;
  g_task_return_error (task, g_steal_pointer (error));
  g_object_unref (task);
  return TRUE;
}

static void
server_info_engine (ServerInfoState *state)
{
  HdbClusterStatus *status = state->status;

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
}

/* The configuration and the cluster status are in */
static void
server_info_configured (GTask *task)
{
  ServerInfoState *state = g_task_get_task_data (task);

  if (server_info_failed (task, &state->config_error, &state->status_error))
    return;

  server_info_engine (state);
  server_info_finish_with (task);
}

static void on_server_info_configuration (GObject      *source,
                                          GAsyncResult *result,
                                          gpointer      user_data);
static void on_server_info_status        (GObject      *source,
                                          GAsyncResult *result,
                                          gpointer      user_data);

/* Every read sent is answered: who the login is decides the rest */
static void
server_info_identified (GTask *task)
{
  ServerInfoState *state = g_task_get_task_data (task);
  HdbClient *client = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (server_info_failed (task, &state->registration_error, &state->user_error))
    return;

  state->info->version = g_strdup (state->registration->version);
  state->info->username = g_strdup (state->user->username);
  state->info->super_user = state->user->super_user;
  client->not_super_user = !state->user->super_user;

  /* Only a super user may read the configuration: anyone else gets the
   * engine as unknown rather than a guess from the version. */
  if (!state->user->super_user)
    {
      state->info->engine = HDB_ENGINE_UNKNOWN;
      server_info_finish_with (task);
      return;
    }

  if (state->all_at_once)
    {
      server_info_configured (task);
      return;
    }

  state->second_round = TRUE;
  state->n_running = 2;
  hdb_client_get_configuration_async (client, cancellable, on_server_info_configuration, task);
  hdb_client_cluster_status_async (client, cancellable, on_server_info_status, task);
}

/* One read answered; the last of those sent together goes on */
static void
server_info_read_done (GTask *task)
{
  ServerInfoState *state = g_task_get_task_data (task);

  if (--state->n_running > 0)
    return;
  if (state->second_round)
    server_info_configured (task);
  else
    server_info_identified (task);
}

static void
on_server_info_configuration (GObject      *source,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  GTask *task = user_data;
  ServerInfoState *state = g_task_get_task_data (task);

  state->config = hdb_client_get_configuration_finish (HDB_CLIENT (source), result,
                                                       &state->config_error);
  server_info_read_done (task);
}

static void
on_server_info_status (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  ServerInfoState *state = g_task_get_task_data (task);

  state->status = hdb_client_cluster_status_finish (HDB_CLIENT (source), result,
                                                    &state->status_error);
  server_info_read_done (task);
}

static void
on_server_info_registration (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  GTask *task = user_data;
  ServerInfoState *state = g_task_get_task_data (task);

  state->registration = hdb_client_registration_info_finish (HDB_CLIENT (source), result,
                                                             &state->registration_error);
  server_info_read_done (task);
}

static void
on_server_info_user (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  ServerInfoState *state = g_task_get_task_data (task);

  state->user = hdb_client_user_info_finish (HDB_CLIENT (source), result, &state->user_error);
  server_info_read_done (task);
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

  state->all_at_once = !self->not_super_user;
  state->n_running = state->all_at_once ? 4 : 2;
  hdb_client_registration_info_async (self, cancellable, on_server_info_registration, task);
  hdb_client_user_info_async (self, cancellable, on_server_info_user, task);
  if (state->all_at_once)
    {
      hdb_client_get_configuration_async (self, cancellable, on_server_info_configuration, task);
      hdb_client_cluster_status_async (self, cancellable, on_server_info_status, task);
    }
}

HdbServerInfo *
hdb_client_server_info_finish (HdbClient     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return _hdb_client_finish_pointer (self, result, hdb_client_server_info_async, error);
}
