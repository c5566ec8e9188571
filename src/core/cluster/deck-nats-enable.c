/* deck-nats-enable.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Enabling NATS clustering on an instance: a role with the cluster_user
 * permission and the cluster user (same name and password on every node),
 * then clustering_enabled, clustering_nodeName and clustering_user, a
 * restart, and a check that the NATS servers answer.
 *
 * An instance installed without clustering has no clustering section in its
 * configuration file at all, and Harper's validation then refuses
 * clustering_enabled alone ("'clustering.hubServer.cluster.name' is
 * required. 'clustering.leafServer.streams' is required"): enabling writes
 * whatever the section lacks, with the values of Harper's own template.
 */

#define G_LOG_DOMAIN "deck-nats-engine"

#include <glib/gi18n-lib.h>

#include "deck-engine-preflight.h"
#include "deck-nats-engine-private.h"

#define CLUSTER_ROLE          "cluster_user"
#define DEFAULT_CLUSTER_NAME  "harperdb"
#define VERIFY_INTERVAL_MS    500
#define VERIFY_TIMEOUT_MS     60000
/* How long the NATS servers may take to answer after the restart before the
 * enable says they did not start: ~20 s on an idle two-core machine, over
 * 30 s on a busy one (a clean CI run, 2026-12-06); a slow start is not a
 * failed one, and the progress shows meanwhile. */
#define NETWORK_TIMEOUT_MS    120000
#define NETWORK_REQUEST_MS    8000
#define NETWORK_RETRY_MS      1000

typedef struct
{
  DeckEnable        base;
  guint             ports[DECK_NATS_N_PORTS];
  HdbConfiguration *config;          /* as read before writing */
  gint64            network_deadline;
} Enable;

static void
enable_free (Enable *data)
{
  _deck_enable_clear (&data->base);
  g_clear_pointer (&data->config, hdb_configuration_free);
  g_free (data);
}

/* Whether the configuration already says what the request asks for. */
static gboolean
config_matches (const HdbConfiguration *config,
                const Enable           *enable)
{
  if (!config->clustering_enabled ||
      g_strcmp0 (config->clustering_node_name, enable->base.node_name) != 0 ||
      g_strcmp0 (config->clustering_user, enable->base.cluster_user) != 0)
    return FALSE;
  for (guint i = 0; i < DECK_NATS_N_PORTS; i++)
    if (enable->ports[i] != 0 &&
        hdb_configuration_get_port (config, _deck_nats_ports[i].path) != enable->ports[i])
      return FALSE;
  return TRUE;
}

static gboolean
check_node_name (const HdbClusterStatus *status,
                 gpointer                user_data)
{
  return _deck_nats_link.is_enabled (status) && g_strcmp0 (status->node_name, user_data) == 0;
}

static DeckStepResult
enable_validate (DeckStepRun   *run,
                 gpointer       data,
                 GObject       *source,
                 GAsyncResult  *result,
                 GError       **error)
{
  Enable *enable = data;

  if (!deck_engine_validate_node_name (_deck_step_run_get_engine (run), enable->base.node_name,
                                       error) ||
      !_deck_enable_check_user (&enable->base, error))
    return DECK_STEP_CHECK_FAILED;
  for (guint i = 0; i < DECK_NATS_N_PORTS; i++)
    if (enable->ports[i] > 65535)
      {
        g_set_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_FAILED,
                     _("%u is not a port number."), enable->ports[i]);
        return DECK_STEP_CHECK_FAILED;
      }
  return DECK_STEP_NEXT;
}

static void
enable_list_roles (DeckStepRun         *run,
                   gpointer             data,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  hdb_client_list_roles_async (_deck_step_run_get_client (run),
                               _deck_step_run_get_cancellable (run), callback, user_data);
}

/* Any role with the permission will do, the usual name first (as Harper
 * Studio does). */
static DeckStepResult
enable_roles_listed (DeckStepRun   *run,
                     gpointer       data,
                     GObject       *source,
                     GAsyncResult  *result,
                     GError       **error)
{
  Enable *enable = data;
  g_autoptr(GPtrArray) roles = NULL;

  roles = hdb_client_list_roles_finish (HDB_CLIENT (source), result, error);
  if (roles == NULL)
    return DECK_STEP_REQUEST_FAILED;

  for (guint i = 0; i < roles->len; i++)
    {
      const HdbRole *role = g_ptr_array_index (roles, i);

      if (role->cluster_user &&
          (enable->base.role == NULL || g_strcmp0 (role->role, CLUSTER_ROLE) == 0))
        {
          g_free (enable->base.role);
          enable->base.role = g_strdup (role->role);
        }
    }
  return DECK_STEP_NEXT;
}

static gboolean
role_found (gpointer data)
{
  return ((Enable *) data)->base.role != NULL;
}

static void
enable_add_role (DeckStepRun         *run,
                 gpointer             data,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  Enable *enable = data;
  g_autoptr(JsonObject) permission = json_object_new ();

  enable->base.role = g_strdup (CLUSTER_ROLE);
  json_object_set_boolean_member (permission, "cluster_user", TRUE);
  hdb_client_add_role_async (enable->base.client, CLUSTER_ROLE, permission,
                             _deck_step_run_get_cancellable (run), callback, user_data);
}

static DeckStepResult
enable_role_added (DeckStepRun   *run,
                   gpointer       data,
                   GObject       *source,
                   GAsyncResult  *result,
                   GError       **error)
{
  g_autofree char *role = hdb_client_add_role_finish (HDB_CLIENT (source), result, error);

  return role != NULL ? DECK_STEP_NEXT : DECK_STEP_REQUEST_FAILED;
}

static DeckStepResult
enable_config_read (DeckStepRun   *run,
                    gpointer       data,
                    GObject       *source,
                    GAsyncResult  *result,
                    GError       **error)
{
  Enable *enable = data;

  enable->config = hdb_client_get_configuration_finish (HDB_CLIENT (source), result, error);
  if (enable->config == NULL)
    return DECK_STEP_REQUEST_FAILED;

  /* With a replication name or URL set, Harper 4.4 sends every node
   * operation to native replication, whatever clustering says. */
  if (hdb_configuration_get_engine (enable->config) == HDB_ENGINE_NATIVE)
    {
      g_set_error_literal (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_FAILED,
                           _("This instance uses native replication; NATS clustering is not "
                             "enabled over it."));
      return DECK_STEP_CHECK_FAILED;
    }
  enable->base.configured = config_matches (enable->config, enable);
  return DECK_STEP_NEXT;
}

/* Without certificate paths the hub starts without TLS and the leaf server,
 * which connects to it over tls://, never does: add_node then hangs. Harper
 * creates these files when clustering starts. */
static void
add_certificate_paths (JsonObject             *settings,
                       const HdbConfiguration *config)
{
  const char *root_path = hdb_configuration_get_string (config, "rootPath");
  const char *private_key = hdb_configuration_get_string (config, "tls.privateKey");
  g_autofree char *keys = NULL;
  g_autofree char *certificate = NULL;
  g_autofree char *authority = NULL;
  g_autofree char *key = NULL;

  if (root_path == NULL)
    return;

  keys = g_strconcat (root_path, "/keys/", NULL);
  certificate = g_strconcat (keys, "natsCertificate.pem", NULL);
  authority = g_strconcat (keys, "natsCaCertificate.pem", NULL);
  key = private_key != NULL ? g_strdup (private_key) : g_strconcat (keys, "privateKey.pem", NULL);

  json_object_set_string_member (settings, "clustering_tls_certificate", certificate);
  json_object_set_string_member (settings, "clustering_tls_certificateAuthority", authority);
  json_object_set_string_member (settings, "clustering_tls_privateKey", key);
}

static void
enable_write (DeckStepRun         *run,
              gpointer             data,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  Enable *enable = data;
  const HdbConfiguration *config = enable->config;
  g_autoptr(JsonObject) settings = json_object_new ();

  json_object_set_boolean_member (settings, "clustering_enabled", TRUE);
  json_object_set_string_member (settings, "clustering_nodeName", enable->base.node_name);
  json_object_set_string_member (settings, "clustering_user", enable->base.cluster_user);

  for (guint i = 0; i < DECK_NATS_N_PORTS; i++)
    {
      const DeckNatsPort *port = &_deck_nats_ports[i];

      if (enable->ports[i] != 0)
        json_object_set_int_member (settings, port->key, enable->ports[i]);
      else if (hdb_configuration_get_port (config, port->path) == 0)
        json_object_set_int_member (settings, port->key, port->fallback);
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
  if (!hdb_configuration_has (config, "clustering.tls.certificate"))
    add_certificate_paths (settings, config);

  _deck_enable_write (run, &enable->base, settings, callback, user_data);
}

static DeckStepResult
enable_config_reread (DeckStepRun   *run,
                      gpointer       data,
                      GObject       *source,
                      GAsyncResult  *result,
                      GError       **error)
{
  Enable *enable = data;
  g_autoptr(HdbConfiguration) config = NULL;

  config = hdb_client_get_configuration_finish (HDB_CLIENT (source), result, error);
  if (config == NULL)
    return DECK_STEP_REQUEST_FAILED;
  if (!config_matches (config, enable))
    {
      g_set_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_APPLIED,
                   _("The configuration was written but reads back differently: clustering %s, "
                     "node name “%s”, cluster user “%s”."),
                   config->clustering_enabled ? _("on") : _("off"),
                   config->clustering_node_name ?: _("none"),
                   config->clustering_user ?: _("none"));
      return DECK_STEP_CHECK_FAILED;
    }
  /* Said if the restart does not come back. */
  _deck_engine_note_written (enable->base.monitor, HDB_ENGINE_NATS, config);
  return DECK_STEP_NEXT;
}

static const char *
not_running (const HdbClusterStatus *status)
{
  if (status->is_enabled)
    return NULL;
  return _("The instance restarted but NATS clustering is still not running. Harper's log may "
           "tell why.");
}

/* The operation waits 1 s for the nodes to answer; without NATS the
 * operations API waits for a NATS connection instead. */
static void
enable_ask_network (DeckStepRun         *run,
                    gpointer             data,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  Enable *enable = data;

  /* cluster_status only reads the configuration; whether the NATS servers
   * really run shows when the node answers cluster_network over NATS. */
  if (enable->network_deadline == 0)
    enable->network_deadline = g_get_monotonic_time () + (gint64) NETWORK_TIMEOUT_MS * 1000;
  hdb_client_cluster_network_async (enable->base.client, 1000, FALSE, NETWORK_REQUEST_MS,
                                    _deck_step_run_get_cancellable (run), callback, user_data);
}

static DeckStepResult
enable_network_read (DeckStepRun   *run,
                     gpointer       data,
                     GObject       *source,
                     GAsyncResult  *result,
                     GError       **error)
{
  Enable *enable = data;
  g_autoptr(HdbClusterNetwork) network = NULL;
  g_autoptr(GError) local_error = NULL;

  network = hdb_client_cluster_network_finish (HDB_CLIENT (source), result, &local_error);
  if (g_cancellable_set_error_if_cancelled (_deck_step_run_get_cancellable (run), error))
    return DECK_STEP_REQUEST_FAILED;
  if (network != NULL && hdb_cluster_network_has_node (network, enable->base.node_name))
    return DECK_STEP_NEXT;
  if (g_get_monotonic_time () > enable->network_deadline)
    {
      g_set_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_APPLIED,
                   _("NATS clustering is configured, but its servers did not start within %u "
                     "seconds. Harper's log may tell why; stopping and starting Harper may be "
                     "needed."),
                   NETWORK_TIMEOUT_MS / 1000);
      return DECK_STEP_CHECK_FAILED;
    }
  _deck_step_run_again_after (run, NETWORK_RETRY_MS);
  return DECK_STEP_AGAIN;
}

static const DeckStep enable_steps[] = {
  { "check the request", DECK_STEP_DEFAULT, NULL, NULL, enable_validate, NULL },
  { "list_roles", DECK_STEP_DEFAULT, NULL, enable_list_roles, enable_roles_listed, NULL },
  { "add_role", DECK_STEP_DEFAULT, role_found, enable_add_role, enable_role_added, NULL },
  { "ensure the cluster user", DECK_STEP_DEFAULT, NULL, _deck_enable_ensure_user,
    _deck_enable_user_ready, NULL },
  { "get_configuration", DECK_STEP_DEFAULT, NULL, _deck_step_get_configuration,
    enable_config_read, NULL },
  { "cluster_status", DECK_STEP_DEFAULT, _deck_enable_not_configured, _deck_step_cluster_status,
    _deck_enable_status_read, NULL },
  { "set_configuration", DECK_STEP_DEFAULT, NULL, enable_write, _deck_enable_written, NULL },
  { "get_configuration (read back)", DECK_STEP_DEFAULT, NULL, _deck_step_get_configuration,
    enable_config_reread, NULL },
  { "restart", DECK_STEP_DEFAULT, NULL, _deck_enable_restart, _deck_enable_restarted, NULL },
  /* The first start of the NATS servers (certificates, two nats-server
   * processes) takes longer than the restart of the workers. */
  { "cluster_status (after the restart)", DECK_STEP_DEFAULT, NULL, _deck_enable_wait_node_name,
    _deck_enable_verified, NULL },
  { "cluster_network", DECK_STEP_DEFAULT, NULL, enable_ask_network, enable_network_read, NULL },
};

static const DeckStepList enable_list = {
  "NATS enable", enable_steps, G_N_ELEMENTS (enable_steps), _deck_enable_failed,
};

void
_deck_nats_engine_enable_async (DeckEngine              *engine,
                                HdbClient               *client,
                                const DeckEnableRequest *request,
                                DeckRestartMonitor      *monitor,
                                GCancellable            *cancellable,
                                GAsyncReadyCallback      callback,
                                gpointer                 user_data)
{
  Enable *data = g_new0 (Enable, 1);

  _deck_enable_init (&data->base, client, monitor, request, check_node_name);
  data->base.not_running = not_running;
  data->base.verify_interval_ms = VERIFY_INTERVAL_MS;
  data->base.verify_timeout_ms = VERIFY_TIMEOUT_MS;
  data->ports[0] = request->nats_hub_port;
  data->ports[1] = request->nats_hub_leafnodes_port;
  data->ports[2] = request->nats_hub_cluster_port;
  data->ports[3] = request->nats_leaf_port;
  _deck_steps_run_async (engine, &enable_list, data, (GDestroyNotify) enable_free, client, NULL,
                         cancellable, callback, user_data);
}
