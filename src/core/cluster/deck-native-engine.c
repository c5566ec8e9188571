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
 *
 * Each is a list of steps that the engine's step runner carries out
 * (deck-engine-steps.c); connect is in deck-native-connect.c.
 */

#define G_LOG_DOMAIN "deck-native-engine"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "deck-engine-preflight.h"
#include "deck-native-engine-private.h"

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
  DeckEnable  base;
  char       *replication_url;
} Enable;

static void
enable_free (Enable *data)
{
  _deck_enable_clear (&data->base);
  g_free (data->replication_url);
  g_free (data);
}

/* Whether the configuration already says what the request asks for. */
static gboolean
config_matches (const HdbConfiguration *config,
                const Enable           *enable)
{
  return g_strcmp0 (config->replication_hostname, enable->base.node_name) == 0 &&
         g_strcmp0 (config->replication_url, enable->replication_url) == 0;
}

static gboolean
check_node_name (const HdbClusterStatus *status,
                 gpointer                user_data)
{
  const char *node_name = user_data;

  return is_native_enabled (status) && g_strcmp0 (status->node_name, node_name) == 0;
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
  if (enable->replication_url == NULL)
    {
      g_set_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_FAILED,
                   _("No replication URL can be made from “%s”."),
                   hdb_client_get_base_url (enable->base.client));
      return DECK_STEP_CHECK_FAILED;
    }
  return DECK_STEP_NEXT;
}

static DeckStepResult
enable_config_read (DeckStepRun   *run,
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

  /* Setting a replication name on a NATS node would silently move its node
   * operations to the other engine. */
  if (hdb_configuration_get_engine (config) == HDB_ENGINE_NATS)
    {
      g_set_error_literal (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_FAILED,
                           _("This instance uses NATS clustering; native replication is not "
                             "enabled over it."));
      return DECK_STEP_CHECK_FAILED;
    }

  enable->base.configured = config_matches (config, enable);
  return DECK_STEP_NEXT;
}

static void
enable_write (DeckStepRun         *run,
              gpointer             data,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  Enable *enable = data;
  g_autoptr(JsonObject) settings = json_object_new ();

  json_object_set_string_member (settings, "replication_hostname", enable->base.node_name);
  json_object_set_string_member (settings, "replication_url", enable->replication_url);
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
                   _("The configuration was written but reads back differently: node name "
                     "“%s”, replication URL “%s”."),
                   config->replication_hostname ?: _("none"),
                   config->replication_url ?: _("none"));
      return DECK_STEP_CHECK_FAILED;
    }
  /* Said if the restart does not come back. */
  _deck_engine_note_written (enable->base.monitor, HDB_ENGINE_NATIVE, config);
  return DECK_STEP_NEXT;
}

static const DeckStep enable_steps[] = {
  { "check the request", DECK_STEP_DEFAULT, NULL, NULL, enable_validate, NULL },
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
  /* The restarted workers may take a moment to report the new name. */
  { "cluster_status (after the restart)", DECK_STEP_DEFAULT, NULL, _deck_enable_wait_node_name,
    _deck_enable_verified, NULL },
};

static const DeckStepList enable_list = {
  "native enable", enable_steps, G_N_ELEMENTS (enable_steps), _deck_enable_failed,
};

static void
deck_native_engine_enable_async (DeckEngine              *engine,
                                 HdbClient               *client,
                                 const DeckEnableRequest *request,
                                 DeckRestartMonitor      *monitor,
                                 GCancellable            *cancellable,
                                 GAsyncReadyCallback      callback,
                                 gpointer                 user_data)
{
  Enable *data = g_new0 (Enable, 1);

  _deck_enable_init (&data->base, client, monitor, request, check_node_name);
  data->base.role = g_strdup (SUPER_USER_ROLE);
  data->base.need_super_user = TRUE;
  data->base.verify_interval_ms = VERIFY_INTERVAL_MS;
  data->base.verify_timeout_ms = VERIFY_TIMEOUT_MS;
  if (request->replication_url != NULL && *request->replication_url != '\0')
    data->replication_url = g_strdup (request->replication_url);
  else
    data->replication_url = deck_engine_replication_url_for (hdb_client_get_base_url (client));

  _deck_steps_run_async (engine, &enable_list, data, (GDestroyNotify) enable_free, client, NULL,
                         cancellable, callback, user_data);
}

/* Connect and disconnect: the two nodes ------------------------------------- */

static char *
not_enabled_message (const char   *url,
                     DeckLinkCase  link_case)
{
  switch (link_case)
    {
    case DECK_LINK_CONNECT_HERE:
      return g_strdup_printf (_("Native replication is not enabled on %s. Enable clustering "
                                "there first."), url);
    case DECK_LINK_CONNECT_PEER:
      return g_strdup_printf (_("Native replication is not enabled on the peer %s. Enable "
                                "clustering there first."), url);
    case DECK_LINK_DISCONNECT:
    default:
      return g_strdup_printf (_("Native replication is not enabled on %s."), url);
    }
}

const DeckLinkKind _deck_native_link = {
  .engine = HDB_ENGINE_NATIVE,
  .is_enabled = is_native_enabled,
  .not_enabled = not_enabled_message,
  .link_interval_ms = LINK_INTERVAL_MS,
  .link_timeout_ms = LINK_TIMEOUT_MS,
  .gone_interval_ms = GONE_INTERVAL_MS,
  .gone_timeout_ms = GONE_TIMEOUT_MS,
};

/* Disconnect ------------------------------------------------------------------ */

static void
disconnect_free (DeckLink *link)
{
  _deck_link_clear (link);
  g_free (link);
}

static DeckStepResult
disconnect_validate (DeckStepRun   *run,
                     gpointer       data,
                     GObject       *source,
                     GAsyncResult  *result,
                     GError       **error)
{
  DeckLink *link = data;

  if (link->peer_client == NULL && link->peer_name == NULL)
    {
      g_set_error_literal (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_FAILED,
                           _("Which node to disconnect is not known."));
      return DECK_STEP_CHECK_FAILED;
    }
  return DECK_STEP_NEXT;
}

/* Without the peer's login (a node outside the organization) only this side
 * is removed. */
static const DeckStep disconnect_steps[] = {
  { "check the request", DECK_STEP_DEFAULT, NULL, NULL, disconnect_validate, NULL },
  { "cluster_status", DECK_STEP_DEFAULT, _deck_link_own_name_known, _deck_step_cluster_status,
    _deck_link_name_read, NULL },
  { "cluster_status (peer)", DECK_STEP_ON_PEER, _deck_link_peer_name_known,
    _deck_step_cluster_status, _deck_link_name_read, NULL },
  { "remove_node", DECK_STEP_DEFAULT, NULL, _deck_link_remove_on_own, _deck_link_removed,
    _deck_engine_error_is_missing_node },
  { "remove_node (peer)", DECK_STEP_ON_PEER, _deck_link_without_peer, _deck_link_remove_on_peer,
    _deck_link_removed, _deck_engine_error_is_missing_node },
  { "cluster_status (until the peer is forgotten)", DECK_STEP_DEFAULT, NULL,
    _deck_link_wait_own_forgotten, _deck_link_own_forgotten, NULL },
  { "cluster_status (peer, until it forgot us)", DECK_STEP_ON_PEER, _deck_link_without_peer,
    _deck_link_wait_peer_forgotten, _deck_link_peer_forgotten, NULL },
};

static const DeckStepList disconnect_list = {
  "native disconnect", disconnect_steps, G_N_ELEMENTS (disconnect_steps), NULL,
};

static void
deck_native_engine_disconnect_async (DeckEngine          *engine,
                                     HdbClient           *client,
                                     const char          *node_name,
                                     const DeckPeer      *peer,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  DeckLink *link = g_new0 (DeckLink, 1);

  _deck_link_init (link, &_deck_native_link, client, peer->client, node_name, peer->node_name, FALSE);
  _deck_steps_run_async (engine, &disconnect_list, link, (GDestroyNotify) disconnect_free,
                         client, peer->client, cancellable, callback, user_data);
}

/* Type -------------------------------------------------------------------- */

static void
deck_native_engine_class_init (DeckNativeEngineClass *klass)
{
  DeckEngineClass *engine_class = DECK_ENGINE_CLASS (klass);

  engine_class->get_kind = deck_native_engine_get_kind;
  engine_class->validate_node_name = deck_native_engine_validate_node_name;
  engine_class->enable_async = deck_native_engine_enable_async;
  engine_class->enable_finish = _deck_steps_run_finish;
  engine_class->connect_async = _deck_native_engine_connect_async;
  engine_class->connect_finish = _deck_steps_run_finish;
  engine_class->disconnect_async = deck_native_engine_disconnect_async;
  engine_class->disconnect_finish = _deck_steps_run_finish;
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
