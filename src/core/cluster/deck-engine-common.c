/* deck-engine-common.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The steps both engines take, for the step runner of deck-engine-steps.c:
 * making sure the cluster user exists with its password; on a DeckEnable
 * at the start of an enable's data, reading whether it is enabled already,
 * writing the configuration, restarting and waiting for the node name; on
 * a DeckLink at the start of a connect's or disconnect's data, reading the
 * two node names, removing the connection on either side and waiting until
 * it is forgotten, and waiting until a new link is up.
 */

#define G_LOG_DOMAIN "deck-engine"

#include <glib/gi18n-lib.h>

#include "deck-engine-private.h"

/* Ensuring the cluster user ------------------------------------------------ */

typedef struct
{
  HdbClient *client;
  HdbClient *login;      /* the same instance, logged in as the cluster user */
  char      *username;
  char      *password;
  char      *role;
  gboolean   need_super_user;
  gboolean   found;
} EnsureUser;

static void
ensure_user_free (EnsureUser *data)
{
  g_clear_object (&data->client);
  g_clear_object (&data->login);
  g_free (data->username);
  g_clear_pointer (&data->password, deck_credentials_free_secret);
  g_free (data->role);
  g_free (data);
}

static void
list_users (DeckStepRun         *run,
            gpointer             data,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  hdb_client_list_users_async (_deck_step_run_get_client (run),
                               _deck_step_run_get_cancellable (run), callback, user_data);
}

static DeckStepResult
users_listed (DeckStepRun   *run,
              gpointer       data,
              GObject       *source,
              GAsyncResult  *result,
              GError       **error)
{
  EnsureUser *ensure = data;
  g_autoptr(GPtrArray) users = NULL;
  const HdbUserInfo *found = NULL;

  users = hdb_client_list_users_finish (HDB_CLIENT (source), result, error);
  if (users == NULL)
    return DECK_STEP_REQUEST_FAILED;

  for (guint i = 0; i < users->len && found == NULL; i++)
    {
      const HdbUserInfo *user = g_ptr_array_index (users, i);

      if (g_strcmp0 (user->username, ensure->username) == 0)
        found = user;
    }
  if (found == NULL)
    return DECK_STEP_NEXT;
  ensure->found = TRUE;

  /* An existing account is only reused as it is: changing its role or
   * password could break whatever else uses it. */
  if (ensure->need_super_user && !found->super_user)
    {
      g_set_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_CLUSTER_USER_MISMATCH,
                   _("A user “%s” already exists on this instance but is not a super user, "
                     "which native replication needs for its cluster user. Choose another "
                     "cluster user name."),
                   ensure->username);
      return DECK_STEP_CHECK_FAILED;
    }
  if (!ensure->need_super_user && !found->cluster_user)
    {
      g_set_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_CLUSTER_USER_MISMATCH,
                   _("A user “%s” already exists on this instance but does not have the "
                     "cluster_user role that NATS clustering needs. Choose another cluster user "
                     "name."),
                   ensure->username);
      return DECK_STEP_CHECK_FAILED;
    }
  if (!found->active)
    {
      g_set_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_CLUSTER_USER_MISMATCH,
                   _("A user “%s” already exists on this instance but is not active. Activate "
                     "it, or choose another cluster user name."),
                   ensure->username);
      return DECK_STEP_CHECK_FAILED;
    }

  /* The password is checked by logging in with it: Harper never shows one. */
  ensure->login = hdb_client_new (hdb_client_get_base_url (ensure->client), ensure->username,
                                  ensure->password, error);
  if (ensure->login == NULL)
    return DECK_STEP_CHECK_FAILED;
  hdb_client_set_pinned_certificate (ensure->login,
                                     hdb_client_get_pinned_certificate (ensure->client));
  hdb_client_set_timeout (ensure->login, hdb_client_get_timeout (ensure->client));
  return DECK_STEP_NEXT;
}

static gboolean
user_found (gpointer data)
{
  return ((EnsureUser *) data)->found;
}

static gboolean
user_not_found (gpointer data)
{
  return !((EnsureUser *) data)->found;
}

static void
add_user (DeckStepRun         *run,
          gpointer             data,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  EnsureUser *ensure = data;

  hdb_client_add_user_async (ensure->client, ensure->username, ensure->password, ensure->role,
                             TRUE, _deck_step_run_get_cancellable (run), callback, user_data);
}

static DeckStepResult
user_added (DeckStepRun   *run,
            gpointer       data,
            GObject       *source,
            GAsyncResult  *result,
            GError       **error)
{
  g_autofree char *message = hdb_client_add_user_finish (HDB_CLIENT (source), result, error);

  return message != NULL ? DECK_STEP_DONE : DECK_STEP_REQUEST_FAILED;
}

static void
log_in (DeckStepRun         *run,
        gpointer             data,
        GAsyncReadyCallback  callback,
        gpointer             user_data)
{
  EnsureUser *ensure = data;

  hdb_client_user_info_async (ensure->login, _deck_step_run_get_cancellable (run), callback,
                              user_data);
}

static DeckStepResult
logged_in (DeckStepRun   *run,
           gpointer       data,
           GObject       *source,
           GAsyncResult  *result,
           GError       **error)
{
  EnsureUser *ensure = data;
  g_autoptr(HdbUserInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;

  info = hdb_client_user_info_finish (HDB_CLIENT (source), result, &local_error);
  if (g_error_matches (local_error, HDB_ERROR, HDB_ERROR_AUTH))
    {
      g_set_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_CLUSTER_USER_MISMATCH,
                   _("A user “%s” already exists on this instance with another password. Use "
                     "that password, or another cluster user name."),
                   ensure->username);
      return DECK_STEP_CHECK_FAILED;
    }
  /* Harper may refuse user_info to a role without rights; the login itself
   * worked, which is all this step checks. */
  if (info == NULL && !g_error_matches (local_error, HDB_ERROR, HDB_ERROR_FORBIDDEN))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return DECK_STEP_REQUEST_FAILED;
    }
  return DECK_STEP_NEXT;
}

static const DeckStep ensure_user_steps[] = {
  { "list_users", DECK_STEP_DEFAULT, NULL, list_users, users_listed, NULL },
  { "add_user", DECK_STEP_DEFAULT, user_found, add_user, user_added, NULL },
  { "user_info (as the cluster user)", DECK_STEP_DEFAULT, user_not_found, log_in, logged_in,
    NULL },
};

static const DeckStepList ensure_user_list = {
  "ensure cluster user", ensure_user_steps, G_N_ELEMENTS (ensure_user_steps), NULL,
};

void
_deck_engine_ensure_cluster_user_async (DeckEngine          *self,
                                        HdbClient           *client,
                                        const char          *username,
                                        const char          *password,
                                        const char          *role,
                                        gboolean             need_super_user,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  EnsureUser *data = g_new0 (EnsureUser, 1);

  data->client = g_object_ref (client);
  data->username = g_strdup (username);
  data->password = g_strdup (password);
  data->role = g_strdup (role);
  data->need_super_user = need_super_user;
  _deck_steps_run_async (self, &ensure_user_list, data, (GDestroyNotify) ensure_user_free,
                         client, NULL, cancellable, callback, user_data);
}

gboolean
_deck_engine_ensure_cluster_user_finish (DeckEngine    *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  return _deck_steps_run_finish (self, result, error);
}

/* Enabling ------------------------------------------------------------------- */

void
_deck_enable_init (DeckEnable              *enable,
                   HdbClient               *client,
                   DeckRestartMonitor      *monitor,
                   const DeckEnableRequest *request,
                   DeckStatusCheck          check_node_name)
{
  enable->client = g_object_ref (client);
  enable->monitor = g_object_ref (monitor);
  enable->cluster_user = g_strdup (request->cluster_user);
  enable->cluster_password = g_strdup (request->cluster_password);
  enable->node_name = g_strdup (request->node_name);
  enable->check_node_name = check_node_name;
}

void
_deck_enable_clear (DeckEnable *enable)
{
  g_clear_object (&enable->client);
  g_clear_object (&enable->monitor);
  g_clear_pointer (&enable->cluster_user, g_free);
  g_clear_pointer (&enable->cluster_password, deck_credentials_free_secret);
  g_clear_pointer (&enable->node_name, g_free);
  g_clear_pointer (&enable->role, g_free);
}

/* A phase left at WRITING_CONFIGURATION would say that something is still
 * going on. */
void
_deck_enable_failed (gpointer data)
{
  DeckEnable *enable = data;

  if (enable->writing)
    deck_restart_monitor_set_phase (enable->monitor, DECK_RESTART_PHASE_FAILED);
}

gboolean
_deck_enable_not_configured (gpointer data)
{
  return !((DeckEnable *) data)->configured;
}

gboolean
_deck_enable_check_user (DeckEnable  *enable,
                         GError     **error)
{
  if (enable->cluster_user == NULL || *enable->cluster_user == '\0' ||
      enable->cluster_password == NULL || *enable->cluster_password == '\0')
    {
      g_set_error_literal (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_FAILED,
                           _("The cluster user needs a name and a password."));
      return FALSE;
    }
  return TRUE;
}

void
_deck_enable_ensure_user (DeckStepRun         *run,
                          gpointer             data,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  DeckEnable *enable = data;

  _deck_engine_ensure_cluster_user_async (_deck_step_run_get_engine (run), enable->client,
                                          enable->cluster_user, enable->cluster_password,
                                          enable->role, enable->need_super_user,
                                          _deck_step_run_get_cancellable (run), callback,
                                          user_data);
}

DeckStepResult
_deck_enable_user_ready (DeckStepRun   *run,
                         gpointer       data,
                         GObject       *source,
                         GAsyncResult  *result,
                         GError       **error)
{
  if (!_deck_engine_ensure_cluster_user_finish (DECK_ENGINE (source), result, error))
    return DECK_STEP_REQUEST_FAILED;
  return DECK_STEP_NEXT;
}

/* Already running with this configuration: nothing to write, and no reason
 * to restart. */
DeckStepResult
_deck_enable_status_read (DeckStepRun   *run,
                          gpointer       data,
                          GObject       *source,
                          GAsyncResult  *result,
                          GError       **error)
{
  DeckEnable *enable = data;
  g_autoptr(HdbClusterStatus) status = NULL;

  status = hdb_client_cluster_status_finish (HDB_CLIENT (source), result, error);
  if (status == NULL)
    return DECK_STEP_REQUEST_FAILED;
  if (enable->check_node_name (status, enable->node_name))
    {
      g_debug ("already enabled");
      return DECK_STEP_DONE;
    }
  return DECK_STEP_NEXT;
}

void
_deck_enable_write (DeckStepRun         *run,
                    DeckEnable          *enable,
                    JsonObject          *settings,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  enable->writing = TRUE;
  deck_restart_monitor_set_phase (enable->monitor, DECK_RESTART_PHASE_WRITING_CONFIGURATION);
  hdb_client_set_configuration_async (enable->client, settings,
                                      _deck_step_run_get_cancellable (run), callback, user_data);
}

/* set_configuration answers before anything is checked: the engine's next
 * step reads it back. */
DeckStepResult
_deck_enable_written (DeckStepRun   *run,
                      gpointer       data,
                      GObject       *source,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_autofree char *message = NULL;

  message = hdb_client_set_configuration_finish (HDB_CLIENT (source), result, error);
  return message != NULL ? DECK_STEP_NEXT : DECK_STEP_REQUEST_FAILED;
}

void
_deck_enable_restart (DeckStepRun         *run,
                      gpointer             data,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  DeckEnable *enable = data;

  enable->writing = FALSE;
  deck_restart_monitor_run_async (enable->monitor, DECK_RESTART_KIND_RESTART,
                                  _deck_step_run_get_cancellable (run), callback, user_data);
}

/* The monitor's own error (a timeout the UI may offer to keep waiting on)
 * goes to the caller unchanged. */
DeckStepResult
_deck_enable_restarted (DeckStepRun   *run,
                        gpointer       data,
                        GObject       *source,
                        GAsyncResult  *result,
                        GError       **error)
{
  if (!deck_restart_monitor_run_finish (DECK_RESTART_MONITOR (source), result, error))
    return DECK_STEP_REQUEST_FAILED;
  return DECK_STEP_NEXT;
}

void
_deck_enable_wait_node_name (DeckStepRun         *run,
                             gpointer             data,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  DeckEnable *enable = data;

  _deck_engine_poll_status_async (_deck_step_run_get_engine (run), enable->client,
                                  enable->check_node_name, enable->node_name,
                                  enable->verify_interval_ms, enable->verify_timeout_ms,
                                  _deck_step_run_get_cancellable (run), callback, user_data);
}

DeckStepResult
_deck_enable_verified (DeckStepRun   *run,
                       gpointer       data,
                       GObject       *source,
                       GAsyncResult  *result,
                       GError       **error)
{
  DeckEnable *enable = data;
  g_autoptr(HdbClusterStatus) status = NULL;
  const char *not_running;
  gboolean satisfied;

  status = _deck_engine_poll_status_finish (DECK_ENGINE (source), result, &satisfied, error);
  if (status == NULL)
    return DECK_STEP_REQUEST_FAILED;
  if (satisfied)
    return DECK_STEP_NEXT;

  not_running = enable->not_running != NULL ? enable->not_running (status) : NULL;
  if (not_running != NULL)
    g_set_error_literal (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_APPLIED, not_running);
  else
    g_set_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_APPLIED,
                 _("The instance restarted but reports the node name “%s” instead of “%s”. "
                   "Stopping and starting Harper may be needed."),
                 status->node_name ? status->node_name : _("none"), enable->node_name);
  return DECK_STEP_CHECK_FAILED;
}

/* The two nodes of a connect or disconnect ---------------------------------- */

void
_deck_link_init (DeckLink           *link,
                 const DeckLinkKind *kind,
                 HdbClient          *client,
                 HdbClient          *peer_client,
                 const char         *own_name,
                 const char         *peer_name,
                 gboolean            connecting)
{
  link->kind = kind;
  link->client = g_object_ref (client);
  link->peer_client = peer_client != NULL ? g_object_ref (peer_client) : NULL;
  link->own_name = own_name != NULL && *own_name != '\0' ? g_strdup (own_name) : NULL;
  link->peer_name = peer_name != NULL && *peer_name != '\0' ? g_strdup (peer_name) : NULL;
  link->connecting = connecting;
}

void
_deck_link_clear (DeckLink *link)
{
  g_clear_object (&link->client);
  g_clear_object (&link->peer_client);
  g_clear_pointer (&link->own_name, g_free);
  g_clear_pointer (&link->peer_name, g_free);
}

gboolean
_deck_link_own_name_known (gpointer data)
{
  return ((DeckLink *) data)->own_name != NULL;
}

gboolean
_deck_link_peer_name_known (gpointer data)
{
  return ((DeckLink *) data)->peer_name != NULL;
}

gboolean
_deck_link_without_peer (gpointer data)
{
  return ((DeckLink *) data)->peer_client == NULL;
}

DeckStepResult
_deck_link_name_read (DeckStepRun   *run,
                      gpointer       data,
                      GObject       *source,
                      GAsyncResult  *result,
                      GError       **error)
{
  DeckLink *link = data;
  HdbClient *client = HDB_CLIENT (source);
  gboolean is_peer = client == link->peer_client;
  g_autoptr(HdbClusterStatus) status = NULL;

  status = hdb_client_cluster_status_finish (client, result, error);
  if (status == NULL)
    return DECK_STEP_REQUEST_FAILED;
  if (!link->kind->is_enabled (status))
    {
      DeckLinkCase link_case = !link->connecting ? DECK_LINK_DISCONNECT
                               : is_peer ? DECK_LINK_CONNECT_PEER : DECK_LINK_CONNECT_HERE;
      g_autofree char *message = link->kind->not_enabled (hdb_client_get_base_url (client),
                                                          link_case);

      g_set_error_literal (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_ENABLED, message);
      return DECK_STEP_CHECK_FAILED;
    }

  if (!is_peer)
    {
      g_free (link->own_name);
      link->own_name = g_strdup (status->node_name);
      return DECK_STEP_NEXT;
    }

  /* What the running peer reports wins over what the caller remembered. */
  if (link->peer_name != NULL && g_strcmp0 (link->peer_name, status->node_name) != 0)
    g_debug ("the peer's node name changed since it was read");
  g_free (link->peer_name);
  link->peer_name = g_strdup (status->node_name);

  if (link->connecting && g_strcmp0 (link->peer_name, link->own_name) == 0)
    {
      g_set_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_FAILED,
                   _("Both instances use the node name “%s”. Node names must differ: enable "
                     "clustering on one of them again with another name."),
                   link->own_name);
      return DECK_STEP_CHECK_FAILED;
    }
  return DECK_STEP_NEXT;
}

void
_deck_link_remove_on_own (DeckStepRun         *run,
                          gpointer             data,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  DeckLink *link = data;

  hdb_client_remove_node_async (link->client, link->kind->engine, link->peer_name,
                                _deck_step_run_get_cancellable (run), callback, user_data);
}

/* Removal is one-sided (reference Q5): the peer may keep its record and
 * keep connecting back, so both sides are removed. */
void
_deck_link_remove_on_peer (DeckStepRun         *run,
                           gpointer             data,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  DeckLink *link = data;

  hdb_client_remove_node_async (link->peer_client, link->kind->engine, link->own_name,
                                _deck_step_run_get_cancellable (run), callback, user_data);
}

/* The first removal often reaches the other side too, so "does not exist"
 * is the usual answer of the second: the steps accept it
 * (_deck_engine_error_is_missing_node). */
DeckStepResult
_deck_link_removed (DeckStepRun   *run,
                    gpointer       data,
                    GObject       *source,
                    GAsyncResult  *result,
                    GError       **error)
{
  g_autofree char *message = hdb_client_remove_node_finish (HDB_CLIENT (source), result, error);

  return message != NULL ? DECK_STEP_NEXT : DECK_STEP_REQUEST_FAILED;
}

static gboolean
check_forgotten (const HdbClusterStatus *status,
                 gpointer                user_data)
{
  return hdb_cluster_status_find_connection (status, user_data) == NULL;
}

void
_deck_link_wait_own_forgotten (DeckStepRun         *run,
                               gpointer             data,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  DeckLink *link = data;

  _deck_engine_poll_status_async (_deck_step_run_get_engine (run), link->client, check_forgotten,
                                  link->peer_name, link->kind->gone_interval_ms,
                                  link->kind->gone_timeout_ms,
                                  _deck_step_run_get_cancellable (run), callback, user_data);
}

void
_deck_link_wait_peer_forgotten (DeckStepRun         *run,
                                gpointer             data,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  DeckLink *link = data;

  _deck_engine_poll_status_async (_deck_step_run_get_engine (run), link->peer_client,
                                  check_forgotten, link->own_name, link->kind->gone_interval_ms,
                                  link->kind->gone_timeout_ms,
                                  _deck_step_run_get_cancellable (run), callback, user_data);
}

static DeckStepResult
forgotten (DeckLink      *link,
           gboolean       on_peer,
           GObject       *source,
           GAsyncResult  *result,
           GError       **error)
{
  g_autoptr(HdbClusterStatus) status = NULL;
  gboolean satisfied;

  status = _deck_engine_poll_status_finish (DECK_ENGINE (source), result, &satisfied, error);
  if (status == NULL)
    return DECK_STEP_REQUEST_FAILED;
  if (!satisfied)
    {
      g_set_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_FAILED,
                   _("“%s” still lists “%s” after the connection was removed. Harper 4.4 "
                     "keeps such a link, and can go on replicating over it, when one of the "
                     "two instances was stopped and started after they were connected: stop "
                     "and start Harper on both, then look at the connection again."),
                   on_peer ? link->peer_name : link->own_name,
                   on_peer ? link->own_name : link->peer_name);
      return DECK_STEP_CHECK_FAILED;
    }
  return DECK_STEP_NEXT;
}

DeckStepResult
_deck_link_own_forgotten (DeckStepRun   *run,
                          gpointer       data,
                          GObject       *source,
                          GAsyncResult  *result,
                          GError       **error)
{
  return forgotten (data, FALSE, source, result, error);
}

DeckStepResult
_deck_link_peer_forgotten (DeckStepRun   *run,
                           gpointer       data,
                           GObject       *source,
                           GAsyncResult  *result,
                           GError       **error)
{
  return forgotten (data, TRUE, source, result, error);
}

static gboolean
check_linked (const HdbClusterStatus *status,
              gpointer                user_data)
{
  const HdbConnection *conn = hdb_cluster_status_find_connection (status, user_data);

  return conn != NULL && hdb_connection_is_connected (conn);
}

void
_deck_link_wait_linked (DeckStepRun         *run,
                        gpointer             data,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  DeckLink *link = data;

  _deck_engine_poll_status_async (_deck_step_run_get_engine (run), link->client, check_linked,
                                  link->peer_name, link->kind->link_interval_ms,
                                  link->kind->link_timeout_ms,
                                  _deck_step_run_get_cancellable (run), callback, user_data);
}
