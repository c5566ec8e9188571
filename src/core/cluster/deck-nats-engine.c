/* deck-nats-engine.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Legacy NATS clustering (Harper 4.0–4.3, and 4.4+ with clustering.enabled),
 * reference/harper-operations-api.md §3 and harper-local-cluster.md §6:
 *
 * - enable: a role with the cluster_user permission and the cluster user
 *   (same name and password on every node), then clustering_enabled,
 *   clustering_nodeName and clustering_user, and a restart;
 * - connect: a hub route to the peer's hub cluster port, a reload of the NATS
 *   configuration, then add_node with a subscription for every table both
 *   sides have (NATS moves data only through subscriptions);
 * - disconnect: remove_node on both sides, then the routes.
 *
 * An instance installed without clustering has no clustering section in its
 * configuration file at all, and Harper's validation then refuses
 * clustering_enabled alone ("'clustering.hubServer.cluster.name' is
 * required. 'clustering.leafServer.streams' is required"): enabling writes
 * whatever the section lacks, with the values of Harper's own template.
 */

#define G_LOG_DOMAIN "deck-nats-engine"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "deck-nats-engine.h"

#define CLUSTER_ROLE          "cluster_user"
#define DEFAULT_CLUSTER_NAME  "harperdb"
#define VERIFY_INTERVAL_MS    500
#define VERIFY_TIMEOUT_MS     30000
#define NETWORK_TIMEOUT_MS    30000
#define NETWORK_REQUEST_MS    8000
#define NETWORK_RETRY_MS      1000
#define JOB_INTERVAL_MS       250
#define JOB_TIMEOUT_MS        10000
#define JOB_FALLBACK_MS       2000
#define ADD_RETRY_MS          1000
#define ADD_TIMEOUT_MS        60000
#define LINK_INTERVAL_MS      500
#define LINK_TIMEOUT_MS       30000
#define GONE_INTERVAL_MS      250
#define GONE_TIMEOUT_MS       10000

struct _DeckNatsEngine
{
  DeckEngine parent_instance;
};

G_DEFINE_FINAL_TYPE (DeckNatsEngine, deck_nats_engine, DECK_TYPE_ENGINE)

/* The four NATS ports, in the order of DeckEnableRequest's fields. */
static const struct
{
  const char *path;
  const char *key;
  guint       fallback;
} nats_ports[] = {
  { "clustering.hubServer.network.port",
    "clustering_hubServer_network_port", 9930 },
  { "clustering.hubServer.leafNodes.network.port",
    "clustering_hubServer_leafNodes_network_port", 9931 },
  { "clustering.hubServer.cluster.network.port",
    "clustering_hubServer_cluster_network_port", 9932 },
  { "clustering.leafServer.network.port",
    "clustering_leafServer_network_port", 9940 },
};

#define HUB_CLUSTER_PORT 2

/* A port written as a number, or as a string "PORT" or "HOST:PORT"; 0 if none. */
static guint
config_port (const HdbConfiguration *config,
             const char             *path)
{
  return hdb_configuration_get_port (config, path);
}

static gboolean
is_nats_enabled (const HdbClusterStatus *status)
{
  return status->engine == HDB_ENGINE_NATS && status->is_enabled &&
         status->node_name != NULL && *status->node_name != '\0';
}

static HdbEngine
deck_nats_engine_get_kind (DeckEngine *engine)
{
  return HDB_ENGINE_NATS;
}

static gboolean
deck_nats_engine_validate_node_name (DeckEngine  *engine,
                                     const char  *node_name,
                                     GError     **error)
{
  if (node_name == NULL || *node_name == '\0')
    {
      g_set_error_literal (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_INVALID_NODE_NAME,
                           _("The node name is empty."));
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
      if (strchr (".,*>", *p) != NULL)
        {
          g_set_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_INVALID_NODE_NAME,
                       _("A NATS node name cannot contain “%c”: dots, commas, “*” and “>” have "
                         "a meaning in NATS subjects."),
                       *p);
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
  char               *role;
  guint               ports[G_N_ELEMENTS (nats_ports)];
  gboolean            writing;         /* the monitor shows WRITING_CONFIGURATION */
  gint64              network_deadline;
} Enable;

static void
enable_free (Enable *data)
{
  g_clear_object (&data->client);
  g_clear_object (&data->monitor);
  g_free (data->cluster_user);
  g_clear_pointer (&data->cluster_password, deck_credentials_free_secret);
  g_free (data->node_name);
  g_free (data->role);
  g_free (data);
}

static void
enable_return_error (GTask  *task,
                     GError *error)
{
  Enable *data = g_task_get_task_data (task);

  if (data->writing)
    deck_restart_monitor_set_phase (data->monitor, DECK_RESTART_PHASE_FAILED);
  g_task_return_error (task, error);
}

/* Whether the configuration already says what the request asks for. */
static gboolean
config_matches (const HdbConfiguration *config,
                const Enable           *data)
{
  if (!config->clustering_enabled ||
      g_strcmp0 (config->clustering_node_name, data->node_name) != 0 ||
      g_strcmp0 (config->clustering_user, data->cluster_user) != 0)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (nats_ports); i++)
    if (data->ports[i] != 0 && config_port (config, nats_ports[i].path) != data->ports[i])
      return FALSE;
  return TRUE;
}

static gboolean
check_node_name (const HdbClusterStatus *status,
                 gpointer                user_data)
{
  return is_nats_enabled (status) && g_strcmp0 (status->node_name, user_data) == 0;
}

static void enable_check_network (GTask *task);

static void
on_enable_network_paused (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!_deck_engine_sleep_finish (DECK_ENGINE (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  enable_check_network (g_steal_pointer (&task));
}

static void
on_enable_network (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Enable *data = g_task_get_task_data (task);
  g_autoptr(HdbClusterNetwork) network = NULL;
  g_autoptr(GError) error = NULL;

  network = hdb_client_cluster_network_finish (HDB_CLIENT (source), result, &error);
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      g_task_return_error_if_cancelled (task);
      return;
    }
  if (network != NULL && hdb_cluster_network_has_node (network, data->node_name))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (g_get_monotonic_time () > data->network_deadline)
    {
      g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_APPLIED,
                               _("NATS clustering is configured, but its servers did not start "
                                 "within %u seconds. Harper's log may tell why; stopping and "
                                 "starting Harper may be needed."),
                               NETWORK_TIMEOUT_MS / 1000);
      return;
    }
  _deck_engine_sleep_async (g_task_get_source_object (task), NETWORK_RETRY_MS,
                            g_task_get_cancellable (task), on_enable_network_paused,
                            g_object_ref (task));
}

static void
enable_check_network (GTask *task)
{
  Enable *data = g_task_get_task_data (task);

  /* The operation waits 1 s for the nodes to answer; without NATS the
   * operations API waits for a NATS connection instead. */
  g_debug ("cluster_network");
  hdb_client_cluster_network_async (data->client, 1000, FALSE, NETWORK_REQUEST_MS,
                                    g_task_get_cancellable (task), on_enable_network, task);
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
      if (!status->is_enabled)
        g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_APPLIED,
                                 _("The instance restarted but NATS clustering is still not "
                                   "running. Harper's log may tell why."));
      else
        g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_APPLIED,
                                 _("The instance restarted but reports the node name “%s” "
                                   "instead of “%s”. Stopping and starting Harper may be "
                                   "needed."),
                                 status->node_name ? status->node_name : _("none"),
                                 data->node_name);
      return;
    }

  /* cluster_status only reads the configuration; whether the NATS servers
   * really run shows when the node answers cluster_network over NATS. */
  data->network_deadline = g_get_monotonic_time () + (gint64) NETWORK_TIMEOUT_MS * 1000;
  enable_check_network (g_steal_pointer (&task));
}

static void
on_enable_restarted (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Enable *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!deck_restart_monitor_run_finish (DECK_RESTART_MONITOR (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The first start of the NATS servers (certificates, two nats-server
   * processes) takes longer than the restart of the workers. */
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
  if (!config_matches (config, data))
    {
      enable_return_error (task,
                           g_error_new (DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_APPLIED,
                                        _("The configuration was written but reads back "
                                          "differently: clustering %s, node name “%s”, cluster "
                                          "user “%s”."),
                                        config->clustering_enabled ? _("on") : _("off"),
                                        config->clustering_node_name ?: _("none"),
                                        config->clustering_user ?: _("none")));
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
  g_debug ("get_configuration (read back)");
  hdb_client_get_configuration_async (HDB_CLIENT (source), g_task_get_cancellable (task),
                                      on_enable_config_reread, g_object_ref (task));
}

static void
enable_write (GTask                  *task,
              const HdbConfiguration *config)
{
  Enable *data = g_task_get_task_data (task);
  g_autoptr(JsonObject) settings = json_object_new ();

  data->writing = TRUE;
  deck_restart_monitor_set_phase (data->monitor, DECK_RESTART_PHASE_WRITING_CONFIGURATION);

  json_object_set_boolean_member (settings, "clustering_enabled", TRUE);
  json_object_set_string_member (settings, "clustering_nodeName", data->node_name);
  json_object_set_string_member (settings, "clustering_user", data->cluster_user);

  for (guint i = 0; i < G_N_ELEMENTS (nats_ports); i++)
    {
      if (data->ports[i] != 0)
        json_object_set_int_member (settings, nats_ports[i].key, data->ports[i]);
      else if (config_port (config, nats_ports[i].path) == 0)
        json_object_set_int_member (settings, nats_ports[i].key, nats_ports[i].fallback);
    }

  /* What an install without clustering lacks, as Harper's template has it;
   * the cluster name must be the same on every node. */
  if (!hdb_configuration_has (config, "clustering.hubServer.cluster.name"))
    json_object_set_string_member (settings, "clustering_hubServer_cluster_name",
                                   DEFAULT_CLUSTER_NAME);
  if (!hdb_configuration_has (config, "clustering.leafServer.streams"))
    {
      json_object_set_int_member (settings, "clustering_leafServer_streams_maxConsumeMsgs", 100);
      json_object_set_int_member (settings, "clustering_leafServer_streams_maxIngestThreads", 2);
    }
  if (!hdb_configuration_has (config, "clustering.tls.insecure"))
    {
      json_object_set_boolean_member (settings, "clustering_tls_insecure", TRUE);
      json_object_set_boolean_member (settings, "clustering_tls_verify", TRUE);
    }
  /* Without certificate paths the hub starts without TLS and the leaf
   * server, which connects to it over tls://, never does: add_node then
   * hangs. Harper creates these files when clustering starts. */
  if (!hdb_configuration_has (config, "clustering.tls.certificate"))
    {
      const char *root_path = hdb_configuration_get_string (config, "rootPath");
      const char *private_key = hdb_configuration_get_string (config, "tls.privateKey");
      g_autofree char *keys = NULL;

      if (root_path != NULL)
        {
          g_autofree char *certificate = NULL;
          g_autofree char *authority = NULL;
          g_autofree char *key = NULL;

          keys = g_strconcat (root_path, "/keys/", NULL);
          certificate = g_strconcat (keys, "natsCertificate.pem", NULL);
          authority = g_strconcat (keys, "natsCaCertificate.pem", NULL);
          if (private_key != NULL)
            key = g_strdup (private_key);
          else
            key = g_strconcat (keys, "privateKey.pem", NULL);

          json_object_set_string_member (settings, "clustering_tls_certificate", certificate);
          json_object_set_string_member (settings, "clustering_tls_certificateAuthority",
                                         authority);
          json_object_set_string_member (settings, "clustering_tls_privateKey", key);
        }
    }

  g_debug ("set_configuration");
  hdb_client_set_configuration_async (data->client, settings, g_task_get_cancellable (task),
                                      on_enable_config_written, task);
}

typedef struct
{
  GTask            *task;
  HdbConfiguration *config;
} StatusBefore;

static void
on_enable_status_before (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  StatusBefore *before = user_data;
  g_autoptr(GTask) task = before->task;
  g_autoptr(HdbConfiguration) config = before->config;
  Enable *data = g_task_get_task_data (task);
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(GError) error = NULL;

  g_free (before);
  status = hdb_client_cluster_status_finish (HDB_CLIENT (source), result, &error);
  if (status == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (check_node_name (status, data->node_name))
    {
      g_debug ("already enabled");
      g_task_return_boolean (task, TRUE);
      return;
    }
  enable_write (g_steal_pointer (&task), config);
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

  /* With a replication name or URL set, Harper 4.4 sends every node
   * operation to native replication, whatever clustering says. */
  if (hdb_configuration_get_engine (config) == HDB_ENGINE_NATIVE)
    {
      g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_FAILED,
                               _("This instance uses native replication; NATS clustering is not "
                                 "enabled over it."));
      return;
    }

  if (config_matches (config, data))
    {
      StatusBefore *before = g_new0 (StatusBefore, 1);

      before->task = g_steal_pointer (&task);
      before->config = g_steal_pointer (&config);
      g_debug ("cluster_status");
      hdb_client_cluster_status_async (data->client, g_task_get_cancellable (before->task),
                                       on_enable_status_before, before);
      return;
    }
  enable_write (g_steal_pointer (&task), config);
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
enable_ensure_user (GTask *task)
{
  Enable *data = g_task_get_task_data (task);

  _deck_engine_ensure_cluster_user_async (g_task_get_source_object (task), data->client,
                                          data->cluster_user, data->cluster_password, data->role,
                                          FALSE, g_task_get_cancellable (task),
                                          on_enable_user_ready, task);
}

static void
on_enable_role_added (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *role = NULL;

  role = hdb_client_add_role_finish (HDB_CLIENT (source), result, &error);
  if (role == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  enable_ensure_user (g_steal_pointer (&task));
}

static void
on_enable_roles_listed (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Enable *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) roles = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) permission = NULL;

  roles = hdb_client_list_roles_finish (HDB_CLIENT (source), result, &error);
  if (roles == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Any role with the permission will do, the usual name first (as Harper
   * Studio does). */
  for (guint i = 0; i < roles->len; i++)
    {
      const HdbRole *role = g_ptr_array_index (roles, i);

      if (role->cluster_user && (data->role == NULL || g_strcmp0 (role->role, CLUSTER_ROLE) == 0))
        {
          g_free (data->role);
          data->role = g_strdup (role->role);
        }
    }
  if (data->role != NULL)
    {
      enable_ensure_user (g_steal_pointer (&task));
      return;
    }

  data->role = g_strdup (CLUSTER_ROLE);
  permission = json_object_new ();
  json_object_set_boolean_member (permission, "cluster_user", TRUE);
  g_debug ("add_role");
  hdb_client_add_role_async (data->client, CLUSTER_ROLE, permission, g_task_get_cancellable (task),
                             on_enable_role_added, g_object_ref (task));
}

static void
deck_nats_engine_enable_async (DeckEngine              *engine,
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
  g_task_set_source_tag (task, deck_nats_engine_enable_async);
  g_task_set_name (task, "[deck] NATS enable");

  data = g_new0 (Enable, 1);
  data->client = g_object_ref (client);
  data->monitor = g_object_ref (monitor);
  data->cluster_user = g_strdup (request->cluster_user);
  data->cluster_password = g_strdup (request->cluster_password);
  data->node_name = g_strdup (request->node_name);
  data->ports[0] = request->nats_hub_port;
  data->ports[1] = request->nats_hub_leafnodes_port;
  data->ports[2] = request->nats_hub_cluster_port;
  data->ports[3] = request->nats_leaf_port;
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
  for (guint i = 0; i < G_N_ELEMENTS (data->ports); i++)
    if (data->ports[i] > 65535)
      {
        g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_FAILED,
                                 _("%u is not a port number."), data->ports[i]);
        return;
      }

  g_debug ("list_roles");
  hdb_client_list_roles_async (client, cancellable, on_enable_roles_listed,
                               g_steal_pointer (&task));
}

static gboolean
deck_nats_engine_enable_finish (DeckEngine    *engine,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, engine), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        deck_nats_engine_enable_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Reloading the NATS configuration ---------------------------------------------- */

/* restart_service clustering_config, then its job until it is done (or a
 * short while when the answer names no job). */
typedef struct
{
  HdbClient *client;
  char      *job_id;
  gint64     deadline;
} Reload;

static void
reload_free (Reload *reload)
{
  g_clear_object (&reload->client);
  g_free (reload->job_id);
  g_free (reload);
}

static void reload_ask_job (GTask *task);

static void
on_reload_paused (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Reload *reload = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!_deck_engine_sleep_finish (DECK_ENGINE (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (reload->job_id == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  reload_ask_job (g_steal_pointer (&task));
}

static void
on_reload_job (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Reload *reload = g_task_get_task_data (task);
  g_autoptr(HdbJob) job = NULL;
  g_autoptr(GError) error = NULL;
  HdbJobStatus status = HDB_JOB_STATUS_UNKNOWN;

  job = hdb_client_get_job_finish (HDB_CLIENT (source), result, &error);
  if (job == NULL && g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (job != NULL)
    status = job->status;

  if (status == HDB_JOB_STATUS_ERROR)
    {
      g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_FAILED,
                               _("Harper could not reload its NATS configuration."));
      return;
    }
  if (status == HDB_JOB_STATUS_COMPLETE || g_get_monotonic_time () > reload->deadline)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  _deck_engine_sleep_async (g_task_get_source_object (task), JOB_INTERVAL_MS,
                            g_task_get_cancellable (task), on_reload_paused,
                            g_object_ref (task));
}

static void
reload_ask_job (GTask *task)
{
  Reload *reload = g_task_get_task_data (task);

  g_debug ("get_job");
  hdb_client_get_job_async (reload->client, reload->job_id, 0, g_task_get_cancellable (task),
                            on_reload_job, task);
}

static void
on_reload_sent (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Reload *reload = g_task_get_task_data (task);
  g_autoptr(HdbRestartReply) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = hdb_client_restart_service_finish (HDB_CLIENT (source), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  reload->job_id = g_strdup (reply->job_id);
  _deck_engine_sleep_async (g_task_get_source_object (task),
                            reload->job_id ? JOB_INTERVAL_MS : JOB_FALLBACK_MS,
                            g_task_get_cancellable (task), on_reload_paused,
                            g_object_ref (task));
}

static void
reload_clustering_async (DeckEngine          *engine,
                         HdbClient           *client,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;
  Reload *reload;

  task = g_task_new (engine, cancellable, callback, user_data);
  g_task_set_source_tag (task, reload_clustering_async);
  g_task_set_name (task, "[deck] NATS reload");

  reload = g_new0 (Reload, 1);
  reload->client = g_object_ref (client);
  reload->deadline = g_get_monotonic_time () + JOB_TIMEOUT_MS * 1000;
  g_task_set_task_data (task, reload, (GDestroyNotify) reload_free);

  g_debug ("restart_service clustering_config");
  hdb_client_restart_service_async (client, "clustering_config", cancellable, on_reload_sent,
                                    task);
}

static gboolean
reload_clustering_finish (DeckEngine    *engine,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, engine), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Connect --------------------------------------------------------------------- */

typedef struct
{
  HdbClient *client;
  HdbClient *peer_client;
  char      *own_name;
  char      *peer_name;
  HdbSchema *own_schema;
  GPtrArray *subscriptions;
  gint64     add_deadline;
  gboolean   updating;        /* the node was known already: update_node */
} Connect;

static void
connect_free (Connect *data)
{
  g_clear_object (&data->client);
  g_clear_object (&data->peer_client);
  g_free (data->own_name);
  g_free (data->peer_name);
  g_clear_pointer (&data->own_schema, hdb_schema_free);
  g_clear_pointer (&data->subscriptions, g_ptr_array_unref);
  g_free (data);
}

static gboolean
check_linked (const HdbClusterStatus *status,
              gpointer                user_data)
{
  const HdbConnection *conn = hdb_cluster_status_find_connection (status, user_data);

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
  g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_CONNECTED,
                           _("The connection to “%s” was added but its state was still “%s” "
                             "after %u seconds."),
                           data->peer_name,
                           conn != NULL && conn->status != NULL ? conn->status : _("unknown"),
                           LINK_TIMEOUT_MS / 1000);
}

/* While the route comes up, add_node cannot reach the peer over NATS yet. */
static gboolean
is_not_yet_reachable (const GError *error)
{
  return g_error_matches (error, HDB_ERROR, HDB_ERROR_TIMEOUT) ||
         hdb_error_get_reason (error) == HDB_ERROR_REASON_CLUSTERING_NOT_READY;
}

static void connect_add_node (GTask *task);

static void
on_connect_retry (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!_deck_engine_sleep_finish (DECK_ENGINE (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  connect_add_node (g_steal_pointer (&task));
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

  if (data->updating)
    message = hdb_client_update_node_finish (HDB_CLIENT (source), result, &error);
  else
    message = hdb_client_add_node_finish (HDB_CLIENT (source), result, &error);

  if (message == NULL && !data->updating && g_error_matches (error, HDB_ERROR, HDB_ERROR_HARPER) &&
      hdb_error_get_reason (error) == HDB_ERROR_REASON_ALREADY_ADDED)
    {
      /* Connected before: make sure every common table is subscribed. */
      data->updating = TRUE;
      connect_add_node (g_steal_pointer (&task));
      return;
    }
  if (message == NULL && is_not_yet_reachable (error) &&
      g_get_monotonic_time () < data->add_deadline)
    {
      g_debug ("add_node: the peer is not reachable over NATS yet");
      _deck_engine_sleep_async (g_task_get_source_object (task), ADD_RETRY_MS,
                                g_task_get_cancellable (task), on_connect_retry,
                                g_object_ref (task));
      return;
    }
  if (message == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_debug ("cluster_status (until the link is open)");
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
    .engine = HDB_ENGINE_NATS,
    .name = data->peer_name,
    .subscriptions = data->subscriptions,
  };

  if (data->updating)
    {
      g_debug ("update_node");
      hdb_client_update_node_async (data->client, &spec, g_task_get_cancellable (task),
                                    on_connect_added, task);
      return;
    }
  g_debug ("add_node");
  hdb_client_add_node_async (data->client, &spec, g_task_get_cancellable (task),
                             on_connect_added, task);
}

static void
on_connect_reloaded (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Connect *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!reload_clustering_finish (DECK_ENGINE (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data->add_deadline = g_get_monotonic_time () + (gint64) ADD_TIMEOUT_MS * 1000;
  connect_add_node (g_steal_pointer (&task));
}

static void
on_connect_route_set (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  message = hdb_client_cluster_set_routes_finish (HDB_CLIENT (source), result, &error);
  if (message == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Routes are read when the NATS servers start: reload them. */
  reload_clustering_async (g_task_get_source_object (task), HDB_CLIENT (source),
                           g_task_get_cancellable (task), on_connect_reloaded,
                           g_object_ref (task));
}

/* The route to an instance's hub: the host of its operations API URL (the
 * hub listens on every interface) and its hub cluster port. */
static JsonArray *
hub_route_for (HdbClient              *client,
               const HdbConfiguration *config)
{
  g_autofree char *host = _deck_engine_url_host (hdb_client_get_base_url (client));
  JsonArray *routes = json_array_new ();
  JsonObject *route = json_object_new ();
  guint port = config_port (config, nats_ports[HUB_CLUSTER_PORT].path);

  json_object_set_string_member (route, "host", host ? host : "");
  json_object_set_int_member (route, "port", port ? port : nats_ports[HUB_CLUSTER_PORT].fallback);
  json_array_add_object_element (routes, route);
  return routes;
}

static void
on_connect_peer_config (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Connect *data = g_task_get_task_data (task);
  g_autoptr(HdbConfiguration) config = NULL;
  g_autoptr(JsonArray) routes = NULL;
  g_autoptr(GError) error = NULL;

  config = hdb_client_get_configuration_finish (HDB_CLIENT (source), result, &error);
  if (config == NULL)
    {
      _deck_engine_prefix_peer_error (&error, data->peer_client);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  routes = hub_route_for (data->peer_client, config);
  g_debug ("cluster_set_routes");
  hdb_client_cluster_set_routes_async (data->client, "hub", routes, g_task_get_cancellable (task),
                                       on_connect_route_set, g_object_ref (task));
}

static void
on_connect_peer_schema (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Connect *data = g_task_get_task_data (task);
  g_autoptr(HdbSchema) schema = NULL;
  g_autoptr(GError) error = NULL;

  schema = hdb_client_describe_all_finish (HDB_CLIENT (source), result, &error);
  if (schema == NULL)
    {
      _deck_engine_prefix_peer_error (&error, data->peer_client);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* NATS moves data only through subscriptions, and Harper skips one whose
   * table is missing on a side: subscribe to every table both have. */
  data->subscriptions = g_ptr_array_new_with_free_func ((GDestroyNotify) hdb_subscription_free);
  for (guint i = 0; i < data->own_schema->databases->len; i++)
    {
      const HdbDatabase *db = g_ptr_array_index (data->own_schema->databases, i);

      for (guint j = 0; j < db->tables->len; j++)
        {
          const HdbTable *table = g_ptr_array_index (db->tables, j);

          if (hdb_schema_find_table (schema, db->name, table->name) != NULL)
            g_ptr_array_add (data->subscriptions,
                             hdb_subscription_new (db->name, table->name, TRUE, TRUE));
        }
    }
  if (data->subscriptions->len == 0)
    {
      g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_FAILED,
                               _("“%s” and “%s” have no table in common. NATS clustering "
                                 "replicates a table only when the same database and table exist "
                                 "on both instances: create them on both first."),
                               data->own_name, data->peer_name);
      return;
    }

  g_debug ("get_configuration (peer)");
  hdb_client_get_configuration_async (data->peer_client, g_task_get_cancellable (task),
                                      on_connect_peer_config, g_object_ref (task));
}

static void
on_connect_own_schema (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Connect *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->own_schema = hdb_client_describe_all_finish (HDB_CLIENT (source), result, &error);
  if (data->own_schema == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_debug ("describe_all (peer)");
  hdb_client_describe_all_async (data->peer_client, g_task_get_cancellable (task),
                                 on_connect_peer_schema, g_object_ref (task));
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
  if (!is_nats_enabled (status))
    {
      g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_ENABLED,
                               _("NATS clustering is not enabled on the peer %s. Enable "
                                 "clustering there first."),
                               hdb_client_get_base_url (data->peer_client));
      return;
    }
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

  /* The tables first: without one in common there is nothing to connect,
   * and nothing is changed. */
  g_debug ("describe_all");
  hdb_client_describe_all_async (data->client, g_task_get_cancellable (task),
                                 on_connect_own_schema, g_object_ref (task));
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
  if (!is_nats_enabled (status))
    {
      g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_ENABLED,
                               _("NATS clustering is not enabled on %s. Enable clustering there "
                                 "first."),
                               hdb_client_get_base_url (data->client));
      return;
    }
  data->own_name = g_strdup (status->node_name);
  g_debug ("cluster_status (peer)");
  hdb_client_cluster_status_async (data->peer_client, g_task_get_cancellable (task),
                                   on_connect_peer_status, g_object_ref (task));
}

static void
deck_nats_engine_connect_async (DeckEngine          *engine,
                                HdbClient           *client,
                                const char          *cluster_user,
                                const char          *cluster_password,
                                const DeckPeer      *peer,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;
  Connect *data;

  task = g_task_new (engine, cancellable, callback, user_data);
  g_task_set_source_tag (task, deck_nats_engine_connect_async);
  g_task_set_name (task, "[deck] NATS connect");

  /* The cluster user is not sent: NATS nodes authenticate each other with
   * the cluster user each one has configured. */
  data = g_new0 (Connect, 1);
  data->client = g_object_ref (client);
  data->peer_client = g_object_ref (peer->client);
  data->peer_name = g_strdup (peer->node_name);
  g_task_set_task_data (task, data, (GDestroyNotify) connect_free);

  g_debug ("cluster_status");
  hdb_client_cluster_status_async (client, cancellable, on_connect_own_status, task);
}

static gboolean
deck_nats_engine_connect_finish (DeckEngine    *engine,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, engine), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        deck_nats_engine_connect_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Disconnect ------------------------------------------------------------------ */

typedef enum
{
  STEP_REMOVE_OWN,
  STEP_REMOVE_PEER,
  STEP_READ_PEER_CONFIG,
  STEP_READ_OWN_CONFIG,
  STEP_DELETE_OWN_ROUTE,
  STEP_DELETE_PEER_ROUTE,
  STEP_RELOAD_OWN,
  STEP_RELOAD_PEER,
  STEP_CHECK_OWN,
  STEP_CHECK_PEER,
  STEP_DONE,
} DisconnectStep;

typedef struct
{
  HdbClient        *client;
  HdbClient        *peer_client;
  char             *own_name;
  char             *peer_name;
  HdbConfiguration *own_config;
  HdbConfiguration *peer_config;
  DisconnectStep    step;
} Disconnect;

static void
disconnect_free (Disconnect *data)
{
  g_clear_object (&data->client);
  g_clear_object (&data->peer_client);
  g_free (data->own_name);
  g_free (data->peer_name);
  g_clear_pointer (&data->own_config, hdb_configuration_free);
  g_clear_pointer (&data->peer_config, hdb_configuration_free);
  g_free (data);
}

static gboolean
check_forgotten (const HdbClusterStatus *status,
                 gpointer                user_data)
{
  return hdb_cluster_status_find_connection (status, user_data) == NULL;
}

static void disconnect_step (GTask *task);

/* The result of every step: what may go wrong is checked here, in the order
 * of the steps. */
static void
on_disconnect_step_done (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Disconnect *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autoptr(HdbClusterStatus) status = NULL;
  gboolean on_peer = FALSE;
  gboolean satisfied = TRUE;

  switch (data->step)
    {
    case STEP_REMOVE_OWN:
    case STEP_REMOVE_PEER:
      on_peer = data->step == STEP_REMOVE_PEER;
      message = hdb_client_remove_node_finish (HDB_CLIENT (source), result, &error);
      /* The first removal reaches the peer too; "was not found" there (or
       * here, when it was gone already) is success. */
      if (message == NULL && _deck_engine_error_is_missing_node (error))
        g_clear_error (&error);
      break;
    case STEP_READ_PEER_CONFIG:
      on_peer = TRUE;
      data->peer_config = hdb_client_get_configuration_finish (HDB_CLIENT (source), result,
                                                               &error);
      break;
    case STEP_READ_OWN_CONFIG:
      data->own_config = hdb_client_get_configuration_finish (HDB_CLIENT (source), result,
                                                              &error);
      break;
    case STEP_DELETE_OWN_ROUTE:
    case STEP_DELETE_PEER_ROUTE:
      on_peer = data->step == STEP_DELETE_PEER_ROUTE;
      message = hdb_client_cluster_delete_routes_finish (HDB_CLIENT (source), result, &error);
      break;
    case STEP_RELOAD_OWN:
    case STEP_RELOAD_PEER:
      on_peer = data->step == STEP_RELOAD_PEER;
      reload_clustering_finish (DECK_ENGINE (source), result, &error);
      break;
    case STEP_CHECK_OWN:
    case STEP_CHECK_PEER:
      on_peer = data->step == STEP_CHECK_PEER;
      status = _deck_engine_poll_status_finish (DECK_ENGINE (source), result, &satisfied, &error);
      break;
    case STEP_DONE:
    default:
      g_assert_not_reached ();
    }

  if (error != NULL)
    {
      if (on_peer)
        _deck_engine_prefix_peer_error (&error, data->peer_client);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!satisfied)
    {
      g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_FAILED,
                               _("“%s” still lists “%s” after the connection was removed."),
                               on_peer ? data->peer_name : data->own_name,
                               on_peer ? data->own_name : data->peer_name);
      return;
    }

  data->step++;
  disconnect_step (g_steal_pointer (&task));
}

static void
disconnect_step (GTask *task)
{
  Disconnect *data = g_task_get_task_data (task);
  DeckEngine *engine = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(JsonArray) routes = NULL;

  switch (data->step)
    {
    case STEP_REMOVE_OWN:
      g_debug ("remove_node");
      hdb_client_remove_node_async (data->client, HDB_ENGINE_NATS, data->peer_name, cancellable,
                                    on_disconnect_step_done, task);
      break;
    case STEP_REMOVE_PEER:
      g_debug ("remove_node (peer)");
      hdb_client_remove_node_async (data->peer_client, HDB_ENGINE_NATS, data->own_name,
                                    cancellable, on_disconnect_step_done, task);
      break;
    case STEP_READ_PEER_CONFIG:
      g_debug ("get_configuration (peer)");
      hdb_client_get_configuration_async (data->peer_client, cancellable,
                                          on_disconnect_step_done, task);
      break;
    case STEP_READ_OWN_CONFIG:
      g_debug ("get_configuration");
      hdb_client_get_configuration_async (data->client, cancellable, on_disconnect_step_done,
                                          task);
      break;
    case STEP_DELETE_OWN_ROUTE:
      /* Either side may hold the route, depending on which one connected. */
      routes = hub_route_for (data->peer_client, data->peer_config);
      g_debug ("cluster_delete_routes");
      hdb_client_cluster_delete_routes_async (data->client, routes, cancellable,
                                              on_disconnect_step_done, task);
      break;
    case STEP_DELETE_PEER_ROUTE:
      routes = hub_route_for (data->client, data->own_config);
      g_debug ("cluster_delete_routes (peer)");
      hdb_client_cluster_delete_routes_async (data->peer_client, routes, cancellable,
                                              on_disconnect_step_done, task);
      break;
    case STEP_RELOAD_OWN:
      reload_clustering_async (engine, data->client, cancellable, on_disconnect_step_done, task);
      break;
    case STEP_RELOAD_PEER:
      reload_clustering_async (engine, data->peer_client, cancellable, on_disconnect_step_done,
                               task);
      break;
    case STEP_CHECK_OWN:
      _deck_engine_poll_status_async (engine, data->client, check_forgotten, data->peer_name,
                                      GONE_INTERVAL_MS, GONE_TIMEOUT_MS, cancellable,
                                      on_disconnect_step_done, task);
      break;
    case STEP_CHECK_PEER:
      _deck_engine_poll_status_async (engine, data->peer_client, check_forgotten, data->own_name,
                                      GONE_INTERVAL_MS, GONE_TIMEOUT_MS, cancellable,
                                      on_disconnect_step_done, task);
      break;
    case STEP_DONE:
    default:
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      break;
    }
}

static char *
not_enabled_message (const char *url)
{
  return g_strdup_printf (_("NATS clustering is not enabled on %s."), url);
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
  disconnect_step (g_steal_pointer (&task));
}

static void
deck_nats_engine_disconnect_async (DeckEngine          *engine,
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
  g_task_set_source_tag (task, deck_nats_engine_disconnect_async);
  g_task_set_name (task, "[deck] NATS disconnect");

  data = g_new0 (Disconnect, 1);
  data->client = g_object_ref (client);
  data->peer_client = g_object_ref (peer->client);
  if (node_name != NULL && *node_name != '\0')
    data->own_name = g_strdup (node_name);
  if (peer->node_name != NULL && *peer->node_name != '\0')
    data->peer_name = g_strdup (peer->node_name);
  data->step = STEP_REMOVE_OWN;
  g_task_set_task_data (task, data, (GDestroyNotify) disconnect_free);

  _deck_engine_read_node_names_async (engine, data->client, data->peer_client, data->own_name,
                                      data->peer_name, is_nats_enabled, not_enabled_message,
                                      cancellable, on_disconnect_names_read, task);
}

static gboolean
deck_nats_engine_disconnect_finish (DeckEngine    *engine,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, engine), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        deck_nats_engine_disconnect_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Type -------------------------------------------------------------------- */

static void
deck_nats_engine_class_init (DeckNatsEngineClass *klass)
{
  DeckEngineClass *engine_class = DECK_ENGINE_CLASS (klass);

  engine_class->get_kind = deck_nats_engine_get_kind;
  engine_class->validate_node_name = deck_nats_engine_validate_node_name;
  engine_class->enable_async = deck_nats_engine_enable_async;
  engine_class->enable_finish = deck_nats_engine_enable_finish;
  engine_class->connect_async = deck_nats_engine_connect_async;
  engine_class->connect_finish = deck_nats_engine_connect_finish;
  engine_class->disconnect_async = deck_nats_engine_disconnect_async;
  engine_class->disconnect_finish = deck_nats_engine_disconnect_finish;
}

static void
deck_nats_engine_init (DeckNatsEngine *self)
{
}

/**
 * deck_nats_engine_new:
 *
 * Returns: (transfer full): the engine of legacy NATS clustering
 */
DeckNatsEngine *
deck_nats_engine_new (void)
{
  return g_object_new (DECK_TYPE_NATS_ENGINE, NULL);
}
