/* deck-native-engine.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Native ("Plexus") replication of Harper 4.4 and later, as measured on
 * 4.4.18 (reference/harper-local-cluster.md §4–§5):
 *
 * - enable: a dedicated cluster user with the super_user role (4.4 refuses a
 *   cluster_user-role account for the internal add_node_back), then
 *   replication_hostname and replication_url, a restart, and a check that the
 *   running server reports the new node name;
 * - connect: add_node with the peer's URL and the cluster user as a ready-made
 *   "Basic …" string (an object is sent raw to the peer, Q3), retained on
 *   plain ws; an HTTP 200 "… but there was an error" leaves a stray record
 *   behind (Q4), which is removed before failing;
 * - disconnect: remove_node on both sides, since removal is one-sided (Q5).
 */

#define G_LOG_DOMAIN "deck-native-engine"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "deck-native-engine.h"

#define NODE_NAME_MAX       255
#define SUPER_USER_ROLE     "super_user"
#define VERIFY_INTERVAL_MS  500
#define VERIFY_TIMEOUT_MS   60000
#define LINK_INTERVAL_MS    250
#define LINK_TIMEOUT_MS     30000
#define GONE_INTERVAL_MS    250
#define GONE_TIMEOUT_MS     5000

struct _DeckNativeEngine
{
  DeckEngine parent_instance;
};

G_DEFINE_FINAL_TYPE (DeckNativeEngine, deck_native_engine, DECK_TYPE_ENGINE)

static gboolean
is_native_enabled (const HdbClusterStatus *status)
{
  return status->engine == HDB_ENGINE_NATIVE && status->is_enabled &&
         status->node_name != NULL && *status->node_name != '\0';
}

static HdbEngine
deck_native_engine_get_kind (DeckEngine *engine)
{
  return HDB_ENGINE_NATIVE;
}

static gboolean
deck_native_engine_validate_node_name (DeckEngine  *engine,
                                       const char  *node_name,
                                       GError     **error)
{
  if (node_name == NULL || *node_name == '\0')
    {
      g_set_error_literal (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_INVALID_NODE_NAME,
                           _("The node name is empty."));
      return FALSE;
    }
  if (strlen (node_name) > NODE_NAME_MAX)
    {
      g_set_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_INVALID_NODE_NAME,
                   _("A node name can have at most %u characters."), NODE_NAME_MAX);
      return FALSE;
    }
  for (const char *p = node_name; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        {
          g_set_error_literal (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_INVALID_NODE_NAME,
                               _("A node name cannot contain spaces."));
          return FALSE;
        }
      if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-' && *p != '_')
        {
          g_set_error_literal (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_INVALID_NODE_NAME,
                               _("A node name is like a host name: it can only contain letters, "
                                 "digits, dots, dashes and underscores."));
          return FALSE;
        }
    }
  return TRUE;
}

/* Enable ---------------------------------------------------------------------- */

typedef struct
{
  HdbClient          *client;
  DeckRestartMonitor *monitor;
  char               *cluster_user;
  char               *cluster_password;
  char               *node_name;
  char               *replication_url;
  gboolean            writing;         /* the monitor shows WRITING_CONFIGURATION */
} Enable;

static void
enable_free (Enable *data)
{
  g_clear_object (&data->client);
  g_clear_object (&data->monitor);
  g_free (data->cluster_user);
  g_clear_pointer (&data->cluster_password, deck_credentials_free_secret);
  g_free (data->node_name);
  g_free (data->replication_url);
  g_free (data);
}

/* Fails the enable; a phase left at WRITING_CONFIGURATION would say that
 * something is still going on. */
static void
enable_return_error (GTask  *task,
                     GError *error)
{
  Enable *data = g_task_get_task_data (task);

  if (data->writing)
    deck_restart_monitor_set_phase (data->monitor, DECK_RESTART_PHASE_FAILED);
  g_task_return_error (task, error);
}

static gboolean
check_node_name (const HdbClusterStatus *status,
                 gpointer                user_data)
{
  const char *node_name = user_data;

  return is_native_enabled (status) && g_strcmp0 (status->node_name, node_name) == 0;
}

static void
on_enable_verified (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Enable *data = g_task_get_task_data (task);
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  gboolean satisfied;

  status = _deck_engine_poll_status_finish (DECK_ENGINE (source), result, &satisfied, &error);
  if (status == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!satisfied)
    {
      g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_APPLIED,
                               _("The instance restarted but reports the node name “%s” instead "
                                 "of “%s”. Stopping and starting Harper may be needed."),
                               status->node_name ? status->node_name : _("none"),
                               data->node_name);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_enable_restarted (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Enable *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* The monitor's own error (a timeout the UI may offer to keep waiting
   * on) goes to the caller unchanged. */
  if (!deck_restart_monitor_run_finish (DECK_RESTART_MONITOR (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The restarted workers may take a moment to report the new name. */
  g_debug ("cluster_status (after the restart)");
  _deck_engine_poll_status_async (g_task_get_source_object (task), data->client, check_node_name,
                                  data->node_name, VERIFY_INTERVAL_MS, VERIFY_TIMEOUT_MS,
                                  g_task_get_cancellable (task), on_enable_verified,
                                  g_object_ref (task));
}

static void
on_enable_config_reread (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Enable *data = g_task_get_task_data (task);
  g_autoptr(HdbConfiguration) config = NULL;
  GError *error = NULL;

  config = hdb_client_get_configuration_finish (HDB_CLIENT (source), result, &error);
  if (config == NULL)
    {
      enable_return_error (task, error);
      return;
    }
  if (g_strcmp0 (config->replication_hostname, data->node_name) != 0 ||
      g_strcmp0 (config->replication_url, data->replication_url) != 0)
    {
      enable_return_error (task,
                           g_error_new (DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_APPLIED,
                                        _("The configuration was written but reads back "
                                          "differently: node name “%s”, replication URL “%s”."),
                                        config->replication_hostname ?: _("none"),
                                        config->replication_url ?: _("none")));
      return;
    }

  data->writing = FALSE;
  g_debug ("restart");
  deck_restart_monitor_run_async (data->monitor, DECK_RESTART_KIND_RESTART,
                                  g_task_get_cancellable (task), on_enable_restarted,
                                  g_object_ref (task));
}

static void
on_enable_config_written (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autofree char *message = NULL;
  GError *error = NULL;

  message = hdb_client_set_configuration_finish (HDB_CLIENT (source), result, &error);
  if (message == NULL)
    {
      enable_return_error (task, error);
      return;
    }

  /* set_configuration answers before anything is checked: read it back. */
  g_debug ("get_configuration (read back)");
  hdb_client_get_configuration_async (HDB_CLIENT (source), g_task_get_cancellable (task),
                                      on_enable_config_reread, g_object_ref (task));
}

static void
enable_write (GTask *task)
{
  Enable *data = g_task_get_task_data (task);
  g_autoptr(JsonObject) settings = json_object_new ();

  data->writing = TRUE;
  deck_restart_monitor_set_phase (data->monitor, DECK_RESTART_PHASE_WRITING_CONFIGURATION);

  json_object_set_string_member (settings, "replication_hostname", data->node_name);
  json_object_set_string_member (settings, "replication_url", data->replication_url);
  g_debug ("set_configuration");
  hdb_client_set_configuration_async (data->client, settings, g_task_get_cancellable (task),
                                      on_enable_config_written, task);
}

static void
on_enable_status_before (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Enable *data = g_task_get_task_data (task);
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(GError) error = NULL;

  status = hdb_client_cluster_status_finish (HDB_CLIENT (source), result, &error);
  if (status == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Already running with this configuration: nothing to write, and no
   * reason to restart. */
  if (check_node_name (status, data->node_name))
    {
      g_debug ("already enabled");
      g_task_return_boolean (task, TRUE);
      return;
    }
  enable_write (g_steal_pointer (&task));
}

static void
on_enable_config_read (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Enable *data = g_task_get_task_data (task);
  g_autoptr(HdbConfiguration) config = NULL;
  g_autoptr(GError) error = NULL;

  config = hdb_client_get_configuration_finish (HDB_CLIENT (source), result, &error);
  if (config == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Setting a replication name on a NATS node would silently move its node
   * operations to the other engine. */
  if (hdb_configuration_get_engine (config) == HDB_ENGINE_NATS)
    {
      g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_FAILED,
                               _("This instance uses NATS clustering; native replication is not "
                                 "enabled over it."));
      return;
    }

  if (g_strcmp0 (config->replication_hostname, data->node_name) == 0 &&
      g_strcmp0 (config->replication_url, data->replication_url) == 0)
    {
      g_debug ("cluster_status");
      hdb_client_cluster_status_async (data->client, g_task_get_cancellable (task),
                                       on_enable_status_before, g_object_ref (task));
      return;
    }
  enable_write (g_steal_pointer (&task));
}

static void
on_enable_user_ready (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Enable *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!_deck_engine_ensure_cluster_user_finish (DECK_ENGINE (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_debug ("get_configuration");
  hdb_client_get_configuration_async (data->client, g_task_get_cancellable (task),
                                      on_enable_config_read, g_object_ref (task));
}

static void
deck_native_engine_enable_async (DeckEngine              *engine,
                                 HdbClient               *client,
                                 const DeckEnableRequest *request,
                                 DeckRestartMonitor      *monitor,
                                 GCancellable            *cancellable,
                                 GAsyncReadyCallback      callback,
                                 gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Enable *data;

  task = g_task_new (engine, cancellable, callback, user_data);
  g_task_set_source_tag (task, deck_native_engine_enable_async);
  g_task_set_name (task, "[deck] native enable");

  data = g_new0 (Enable, 1);
  data->client = g_object_ref (client);
  data->monitor = g_object_ref (monitor);
  data->cluster_user = g_strdup (request->cluster_user);
  data->cluster_password = g_strdup (request->cluster_password);
  data->node_name = g_strdup (request->node_name);
  if (request->replication_url != NULL && *request->replication_url != '\0')
    data->replication_url = g_strdup (request->replication_url);
  else
    data->replication_url = deck_engine_replication_url_for (hdb_client_get_base_url (client));
  g_task_set_task_data (task, data, (GDestroyNotify) enable_free);

  if (!deck_engine_validate_node_name (engine, data->node_name, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (data->cluster_user == NULL || *data->cluster_user == '\0' ||
      data->cluster_password == NULL || *data->cluster_password == '\0')
    {
      g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_FAILED,
                               _("The cluster user needs a name and a password."));
      return;
    }
  if (data->replication_url == NULL)
    {
      g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_FAILED,
                               _("No replication URL can be made from “%s”."),
                               hdb_client_get_base_url (client));
      return;
    }

  _deck_engine_ensure_cluster_user_async (engine, client, data->cluster_user,
                                          data->cluster_password, SUPER_USER_ROLE, TRUE,
                                          cancellable, on_enable_user_ready,
                                          g_steal_pointer (&task));
}

static gboolean
deck_native_engine_enable_finish (DeckEngine    *engine,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, engine), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        deck_native_engine_enable_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Connect --------------------------------------------------------------------- */

typedef struct
{
  HdbClient *client;
  HdbClient *peer_client;
  char      *cluster_user;
  char      *authorization;   /* "Basic …": never logged */
  char      *peer_name;
  char      *peer_url;
  gboolean   pinned;
  char      *own_name;
  char      *harper_message;  /* of a partial add_node */
  GPtrArray *cleanup;         /* Removal, still to run */
} Connect;

/* One remove_node of the clean-up after a partial add_node. */
typedef struct
{
  HdbClient *client;
  char      *name;
} Removal;

static void
removal_free (Removal *removal)
{
  g_clear_object (&removal->client);
  g_free (removal->name);
  g_free (removal);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Removal, removal_free)

static void
connect_free (Connect *data)
{
  g_clear_object (&data->client);
  g_clear_object (&data->peer_client);
  g_free (data->cluster_user);
  g_clear_pointer (&data->authorization, deck_credentials_free_secret);
  g_free (data->peer_name);
  g_free (data->peer_url);
  g_free (data->own_name);
  g_free (data->harper_message);
  g_clear_pointer (&data->cleanup, g_ptr_array_unref);
  g_free (data);
}

static gboolean
check_linked (const HdbClusterStatus *status,
              gpointer                user_data)
{
  const char *peer_name = user_data;
  const HdbConnection *conn = hdb_cluster_status_find_connection (status, peer_name);

  return conn != NULL && hdb_connection_is_connected (conn);
}

static void
on_connect_linked (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Connect *data = g_task_get_task_data (task);
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) down = g_string_new (NULL);
  const HdbConnection *conn;
  gboolean satisfied;

  status = _deck_engine_poll_status_finish (DECK_ENGINE (source), result, &satisfied, &error);
  if (status == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (satisfied)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  conn = hdb_cluster_status_find_connection (status, data->peer_name);
  for (guint i = 0; conn != NULL && i < conn->database_sockets->len; i++)
    {
      const HdbDatabaseSocket *s = g_ptr_array_index (conn->database_sockets, i);

      if (!s->connected)
        g_string_append_printf (down, "%s%s", down->len > 0 ? ", " : "", s->database);
    }
  if (down->len > 0)
    g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_CONNECTED,
                             _("The connection to “%s” was added, but these databases were "
                               "still not connected after %u seconds: %s."),
                             data->peer_name, LINK_TIMEOUT_MS / 1000, down->str);
  else
    g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_CONNECTED,
                             _("The connection to “%s” was added but did not come up within %u "
                               "seconds."),
                             data->peer_name, LINK_TIMEOUT_MS / 1000);
}

/* Harper's "Successfully added … but there was an error updating target
 * node: Error returned from URL: REASON" in the user's words. */
static GError *
partial_connect_error (Connect *data)
{
  const char *reason = hdb_message_get_peer_detail (data->harper_message);
  HdbErrorReason kind = hdb_classify_message (data->harper_message);

  if (reason == NULL)
    reason = data->harper_message ? data->harper_message : "";

  if (kind == HDB_ERROR_REASON_PEER_REFUSED_LOGIN)
    return g_error_new (DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_PARTIAL_CONNECT,
                        _("“%s” refused the login of the cluster user “%s”. Check that the "
                          "cluster user exists there with the same password as on this instance."),
                        data->peer_name, data->cluster_user);
  if (kind == HDB_ERROR_REASON_PEER_UNREACHABLE)
    return g_error_new (DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_PARTIAL_CONNECT,
                        _("This instance could not reach “%s” at %s (%s). Check that its "
                          "replication URL can be reached from here."),
                        data->peer_name, data->peer_url, reason);
  return g_error_new (DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_PARTIAL_CONNECT,
                      _("“%s” did not accept the connection, so it was removed again. Harper "
                        "said: %s"),
                      data->peer_name, reason);
}

static void connect_cleanup_next (GTask *task);

static void
on_connect_cleanup_removed (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  /* Best effort: "does not exist" is the usual answer for all but one of
   * the names tried. */
  message = hdb_client_remove_node_finish (HDB_CLIENT (source), result, &error);
  if (error != NULL && !_deck_engine_error_is_missing_node (error))
    g_debug ("remove_node (clean-up) failed: %s", hdb_error_code_to_string (error->code));
  connect_cleanup_next (g_steal_pointer (&task));
}

static void
connect_cleanup_next (GTask *task)
{
  Connect *data = g_task_get_task_data (task);
  g_autoptr(Removal) removal = NULL;

  if (data->cleanup->len == 0)
    {
      g_task_return_error (task, partial_connect_error (data));
      g_object_unref (task);
      return;
    }

  removal = g_ptr_array_steal_index (data->cleanup, 0);
  g_debug ("remove_node (clean-up)");
  hdb_client_remove_node_async (removal->client, HDB_ENGINE_NATIVE, removal->name,
                                g_task_get_cancellable (task), on_connect_cleanup_removed, task);
}

static void
cleanup_add (Connect    *data,
             HdbClient  *client,
             const char *name)
{
  Removal *removal;

  if (name == NULL || *name == '\0')
    return;
  for (guint i = 0; i < data->cleanup->len; i++)
    {
      const Removal *other = g_ptr_array_index (data->cleanup, i);

      if (other->client == client && g_strcmp0 (other->name, name) == 0)
        return;
    }
  removal = g_new0 (Removal, 1);
  removal->client = g_object_ref (client);
  removal->name = g_strdup (name);
  g_ptr_array_add (data->cleanup, removal);
}

static void
on_connect_added (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Connect *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *host = NULL;

  message = hdb_client_add_node_finish (HDB_CLIENT (source), result, &error);
  if (message == NULL && g_error_matches (error, HDB_ERROR, HDB_ERROR_HARPER) &&
      hdb_error_get_status (error) == 200)
    {
      /* Q4: the local side was added, the peer's was not. The stray record
       * keeps retrying and, while named after a loopback address, makes any
       * loopback connection trusted (Q3): remove it, under the peer's name
       * and under the URL's host, and our record on the peer if any. */
      data->harper_message = g_strdup (hdb_error_get_harper_message (error));
      data->cleanup = g_ptr_array_new_with_free_func ((GDestroyNotify) removal_free);
      host = _deck_engine_url_host (data->peer_url);
      cleanup_add (data, data->client, data->peer_name);
      cleanup_add (data, data->client, host);
      cleanup_add (data, data->peer_client, data->own_name);
      connect_cleanup_next (g_steal_pointer (&task));
      return;
    }
  if (message == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_debug ("cluster_status (until the link is up)");
  _deck_engine_poll_status_async (g_task_get_source_object (task), data->client, check_linked,
                                  data->peer_name, LINK_INTERVAL_MS, LINK_TIMEOUT_MS,
                                  g_task_get_cancellable (task), on_connect_linked,
                                  g_object_ref (task));
}

static void
connect_add_node (GTask *task)
{
  Connect *data = g_task_get_task_data (task);
  HdbNodeSpec spec = {
    .engine = HDB_ENGINE_NATIVE,
    .name = data->peer_name,
    .url = data->peer_url,
    .authorization = data->authorization,
    /* On plain ws the peer can only tell who connects by these credentials
     * (Q3); over wss the certificates exchanged by add_node do it. */
    .retain_authorization = g_ascii_strncasecmp (data->peer_url, "ws://", 5) == 0,
    .skip_tls_verify = data->pinned,
    /* Full replication; the replication grid narrows it later. */
    .subscriptions = NULL,
  };

  g_debug ("add_node");
  hdb_client_add_node_async (data->client, &spec, g_task_get_cancellable (task),
                             on_connect_added, task);
}

static void
on_connect_peer_config (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Connect *data = g_task_get_task_data (task);
  g_autoptr(HdbConfiguration) config = NULL;
  g_autoptr(GError) error = NULL;

  config = hdb_client_get_configuration_finish (HDB_CLIENT (source), result, &error);
  if (config == NULL)
    {
      _deck_engine_prefix_peer_error (&error, data->peer_client);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (config->replication_url != NULL && *config->replication_url != '\0')
    data->peer_url = g_strdup (config->replication_url);
  else
    data->peer_url = deck_engine_replication_url_for (hdb_client_get_base_url (data->peer_client));
  connect_add_node (g_steal_pointer (&task));
}

static void
on_connect_peer_status (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Connect *data = g_task_get_task_data (task);
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(GError) error = NULL;

  status = hdb_client_cluster_status_finish (HDB_CLIENT (source), result, &error);
  if (status == NULL)
    {
      _deck_engine_prefix_peer_error (&error, data->peer_client);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!is_native_enabled (status))
    {
      g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_ENABLED,
                               _("Native replication is not enabled on the peer %s. Enable "
                                 "clustering there first."),
                               hdb_client_get_base_url (data->peer_client));
      return;
    }

  /* What the running peer reports wins over what the caller remembered. */
  if (data->peer_name != NULL && g_strcmp0 (data->peer_name, status->node_name) != 0)
    g_debug ("the peer's node name changed since it was read");
  g_free (data->peer_name);
  data->peer_name = g_strdup (status->node_name);

  if (g_strcmp0 (data->peer_name, data->own_name) == 0)
    {
      g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_FAILED,
                               _("Both instances use the node name “%s”. Node names must differ: "
                                 "enable clustering on one of them again with another name."),
                               data->own_name);
      return;
    }

  if (data->peer_url == NULL)
    {
      g_debug ("get_configuration (peer)");
      hdb_client_get_configuration_async (data->peer_client, g_task_get_cancellable (task),
                                          on_connect_peer_config, g_object_ref (task));
      return;
    }
  connect_add_node (g_steal_pointer (&task));
}

static void
on_connect_own_status (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Connect *data = g_task_get_task_data (task);
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(GError) error = NULL;

  status = hdb_client_cluster_status_finish (HDB_CLIENT (source), result, &error);
  if (status == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!is_native_enabled (status))
    {
      g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_ENABLED,
                               _("Native replication is not enabled on %s. Enable clustering "
                                 "there first."),
                               hdb_client_get_base_url (data->client));
      return;
    }
  data->own_name = g_strdup (status->node_name);

  g_debug ("cluster_status (peer)");
  hdb_client_cluster_status_async (data->peer_client, g_task_get_cancellable (task),
                                   on_connect_peer_status, g_object_ref (task));
}

static void
deck_native_engine_connect_async (DeckEngine          *engine,
                                  HdbClient           *client,
                                  const char          *cluster_user,
                                  const char          *cluster_password,
                                  const DeckPeer      *peer,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Connect *data;

  task = g_task_new (engine, cancellable, callback, user_data);
  g_task_set_source_tag (task, deck_native_engine_connect_async);
  g_task_set_name (task, "[deck] native connect");

  data = g_new0 (Connect, 1);
  data->client = g_object_ref (client);
  data->peer_client = g_object_ref (peer->client);
  data->cluster_user = g_strdup (cluster_user);
  data->peer_name = g_strdup (peer->node_name);
  data->peer_url = g_strdup (peer->replication_url);
  data->pinned = peer->pinned;
  g_task_set_task_data (task, data, (GDestroyNotify) connect_free);

  if (cluster_user == NULL || *cluster_user == '\0' ||
      cluster_password == NULL || *cluster_password == '\0')
    {
      g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_FAILED,
                               _("The cluster user needs a name and a password."));
      return;
    }
  data->authorization = hdb_basic_authorization (cluster_user, cluster_password);

  g_debug ("cluster_status");
  hdb_client_cluster_status_async (client, cancellable, on_connect_own_status,
                                   g_steal_pointer (&task));
}

static gboolean
deck_native_engine_connect_finish (DeckEngine    *engine,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, engine), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        deck_native_engine_connect_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Disconnect ------------------------------------------------------------------ */

typedef struct
{
  HdbClient *client;
  HdbClient *peer_client;
  char      *own_name;
  char      *peer_name;
} Disconnect;

static void
disconnect_free (Disconnect *data)
{
  g_clear_object (&data->client);
  g_clear_object (&data->peer_client);
  g_free (data->own_name);
  g_free (data->peer_name);
  g_free (data);
}

static gboolean
check_forgotten (const HdbClusterStatus *status,
                 gpointer                user_data)
{
  return hdb_cluster_status_find_connection (status, user_data) == NULL;
}

static void
on_disconnect_peer_checked (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Disconnect *data = g_task_get_task_data (task);
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  gboolean satisfied;

  status = _deck_engine_poll_status_finish (DECK_ENGINE (source), result, &satisfied, &error);
  if (status == NULL)
    {
      _deck_engine_prefix_peer_error (&error, data->peer_client);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!satisfied)
    {
      g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_FAILED,
                               _("“%s” still lists “%s” after the connection was removed."),
                               data->peer_name, data->own_name);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_disconnect_own_checked (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Disconnect *data = g_task_get_task_data (task);
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  gboolean satisfied;

  status = _deck_engine_poll_status_finish (DECK_ENGINE (source), result, &satisfied, &error);
  if (status == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!satisfied)
    {
      g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_FAILED,
                               _("“%s” still lists “%s” after the connection was removed."),
                               data->own_name, data->peer_name);
      return;
    }

  /* A node outside the organization: only this side could be removed. */
  if (data->peer_client == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  g_debug ("cluster_status (peer, until it forgot us)");
  _deck_engine_poll_status_async (DECK_ENGINE (source), data->peer_client, check_forgotten,
                                  data->own_name, GONE_INTERVAL_MS, GONE_TIMEOUT_MS,
                                  g_task_get_cancellable (task), on_disconnect_peer_checked,
                                  g_object_ref (task));
}

static void
on_disconnect_peer_removed (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Disconnect *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  /* The first removal usually reaches the peer too (remove_node_back), so
   * "does not exist" here is the expected answer. */
  message = hdb_client_remove_node_finish (HDB_CLIENT (source), result, &error);
  if (message == NULL && !_deck_engine_error_is_missing_node (error))
    {
      _deck_engine_prefix_peer_error (&error, data->peer_client);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_debug ("cluster_status (until the peer is forgotten)");
  _deck_engine_poll_status_async (g_task_get_source_object (task), data->client, check_forgotten,
                                  data->peer_name, GONE_INTERVAL_MS, GONE_TIMEOUT_MS,
                                  g_task_get_cancellable (task), on_disconnect_own_checked,
                                  g_object_ref (task));
}

static void
on_disconnect_removed (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Disconnect *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  message = hdb_client_remove_node_finish (HDB_CLIENT (source), result, &error);
  if (message == NULL && !_deck_engine_error_is_missing_node (error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (data->peer_client == NULL)
    {
      g_debug ("cluster_status (until the peer is forgotten)");
      _deck_engine_poll_status_async (g_task_get_source_object (task), data->client,
                                      check_forgotten, data->peer_name, GONE_INTERVAL_MS,
                                      GONE_TIMEOUT_MS, g_task_get_cancellable (task),
                                      on_disconnect_own_checked, g_object_ref (task));
      return;
    }

  /* Removal is one-sided (Q5): the peer may keep its record and keep
   * connecting back. */
  g_debug ("remove_node (peer)");
  hdb_client_remove_node_async (data->peer_client, HDB_ENGINE_NATIVE, data->own_name,
                                g_task_get_cancellable (task), on_disconnect_peer_removed,
                                g_object_ref (task));
}

static char *
not_enabled_message (const char *url)
{
  return g_strdup_printf (_("Native replication is not enabled on %s."), url);
}

static void
on_disconnect_names_read (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Disconnect *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!_deck_engine_read_node_names_finish (DECK_ENGINE (source), result, &data->own_name,
                                            &data->peer_name, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_debug ("remove_node");
  hdb_client_remove_node_async (data->client, HDB_ENGINE_NATIVE, data->peer_name,
                                g_task_get_cancellable (task), on_disconnect_removed,
                                g_object_ref (task));
}

static void
deck_native_engine_disconnect_async (DeckEngine          *engine,
                                     HdbClient           *client,
                                     const char          *node_name,
                                     const DeckPeer      *peer,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task;
  Disconnect *data;

  task = g_task_new (engine, cancellable, callback, user_data);
  g_task_set_source_tag (task, deck_native_engine_disconnect_async);
  g_task_set_name (task, "[deck] native disconnect");

  data = g_new0 (Disconnect, 1);
  data->client = g_object_ref (client);
  data->peer_client = peer->client != NULL ? g_object_ref (peer->client) : NULL;
  if (node_name != NULL && *node_name != '\0')
    data->own_name = g_strdup (node_name);
  if (peer->node_name != NULL && *peer->node_name != '\0')
    data->peer_name = g_strdup (peer->node_name);
  g_task_set_task_data (task, data, (GDestroyNotify) disconnect_free);

  if (data->peer_client == NULL && data->peer_name == NULL)
    {
      g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_FAILED,
                               _("Which node to disconnect is not known."));
      g_object_unref (task);
      return;
    }

  _deck_engine_read_node_names_async (engine, data->client, data->peer_client, data->own_name,
                                      data->peer_name, is_native_enabled, not_enabled_message,
                                      cancellable, on_disconnect_names_read, task);
}

static gboolean
deck_native_engine_disconnect_finish (DeckEngine    *engine,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, engine), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        deck_native_engine_disconnect_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Type -------------------------------------------------------------------- */

static void
deck_native_engine_class_init (DeckNativeEngineClass *klass)
{
  DeckEngineClass *engine_class = DECK_ENGINE_CLASS (klass);

  engine_class->get_kind = deck_native_engine_get_kind;
  engine_class->validate_node_name = deck_native_engine_validate_node_name;
  engine_class->enable_async = deck_native_engine_enable_async;
  engine_class->enable_finish = deck_native_engine_enable_finish;
  engine_class->connect_async = deck_native_engine_connect_async;
  engine_class->connect_finish = deck_native_engine_connect_finish;
  engine_class->disconnect_async = deck_native_engine_disconnect_async;
  engine_class->disconnect_finish = deck_native_engine_disconnect_finish;
}

static void
deck_native_engine_init (DeckNativeEngine *self)
{
}

/**
 * deck_native_engine_new:
 *
 * Returns: (transfer full): the engine of native replication (Harper 4.4+)
 */
DeckNativeEngine *
deck_native_engine_new (void)
{
  return g_object_new (DECK_TYPE_NATIVE_ENGINE, NULL);
}
