/* deck-engine-preflight.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Can this server run engine X?", asked before anything is written: an
 * admin tool must never take a server down. Enabling writes the
 * configuration and restarts Harper; if the engine cannot start, the server
 * may not come back at all. Harper 4.7.29 with NATS clustering enabled and
 * no nats-server (its package ships none) stopped at the restart with
 * "nats-server dependency is either missing or the wrong version" and never
 * answered again; a NATS port that another program holds stops the NATS
 * servers the same way. So the version is checked against the table of
 * hdb-capabilities.c, and for NATS the four ports are checked from outside:
 * valid, distinct, none of the instance's own, and free on its host.
 *
 * If a restart does not come back anyway, _deck_engine_note_written() has
 * told the restart monitor what was written and how to undo it by hand.
 */

#define G_LOG_DOMAIN "deck-engine"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "deck-credentials.h"
#include "deck-engine-preflight.h"
#include "deck-engine-private.h"
#include "hdb-capabilities.h"
#include "hdb-json.h"

#define PROBE_TIMEOUT_S 1

/* The NATS ports, in the order of DeckEnableRequest's fields, with Harper's
 * defaults (as deck-nats-engine.c writes them). */
static const struct
{
  const char *path;
  const char *label;
  guint       fallback;
} nats_ports[] = {
  { "clustering.hubServer.network.port", N_("NATS hub server"), 9930 },
  { "clustering.hubServer.leafNodes.network.port", N_("NATS hub leaf nodes"), 9931 },
  { "clustering.hubServer.cluster.network.port", N_("NATS hub cluster"), 9932 },
  { "clustering.leafServer.network.port", N_("NATS leaf server"), 9940 },
};

/* The instance's own ports, which NATS must not take. */
static const char * const own_ports[] = {
  "operationsApi.network.port", "operationsApi.network.securePort",
  "http.port", "http.securePort",
  "mqtt.network.port", "mqtt.network.securePort",
  "replication.port", "replication.securePort",
};

/**
 * deck_engine_check_version:
 * @engine: %HDB_ENGINE_NATIVE or %HDB_ENGINE_NATS
 * @version: (nullable): the server's version, as registration_info says
 * @error: return location for a %DECK_ENGINE_ERROR_NOT_SUPPORTED error whose
 *   message says why, in the user's words
 *
 * Returns: whether a server of @version can run @engine once enabled
 */
gboolean
deck_engine_check_version (HdbEngine    engine,
                           const char  *version,
                           GError     **error)
{
  const HdbCapabilities *caps = hdb_capabilities_for_version (version);
  const char *shown = version != NULL && *version != '\0' ? version : _("unknown");

  switch (hdb_capabilities_engine_support (caps, engine))
    {
    case HDB_ENGINE_SUPPORT_YES:
      return TRUE;

    case HDB_ENGINE_SUPPORT_NEEDS_NATS_SERVER:
      g_set_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_SUPPORTED,
                   _("Harper %s no longer ships the nats-server program that NATS clustering "
                     "needs (NATS clustering is deprecated since Harper 4.5 and removed in "
                     "5.0). Without it, Harper stops at the restart that enables NATS and "
                     "does not come back, and Clusterdeck cannot see from here whether "
                     "someone installed it by hand, so it does not enable NATS. Use native "
                     "replication instead."), shown);
      return FALSE;

    case HDB_ENGINE_SUPPORT_NO:
      if (engine == HDB_ENGINE_NATIVE && caps->nats)
        g_set_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_SUPPORTED,
                     _("Harper %s has no native replication (it came with Harper 4.4); it "
                       "can use NATS clustering."), shown);
      else if (engine == HDB_ENGINE_NATS && caps->native)
        g_set_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_SUPPORTED,
                     _("Harper %s has no NATS clustering (it was removed in Harper 5.0); it "
                       "uses native replication."), shown);
      else
        g_set_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_SUPPORTED,
                     _("Harper %s has no clustering that Clusterdeck can manage: it needs "
                       "Harper 4.0 or later."), shown);
      return FALSE;

    case HDB_ENGINE_SUPPORT_UNKNOWN:
    default:
      g_set_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_SUPPORTED,
                   _("The Harper version of this instance (%s) is not one Clusterdeck knows, "
                     "so it does not enable clustering there."), shown);
      return FALSE;
    }
}

/* Configuration ------------------------------------------------------------ */

static JsonNode *
config_lookup (const HdbConfiguration *config,
               const char             *path)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);
  JsonNode *node = config != NULL ? config->raw : NULL;

  for (guint i = 0; parts[i] != NULL && node != NULL; i++)
    {
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return NULL;
      node = hdb_json_get_member (json_node_get_object (node), parts[i]);
    }
  return node;
}

/* A port written as a number, or as "PORT" or "HOST:PORT"; 0 if none. */
static guint
config_port (const HdbConfiguration *config,
             const char             *path)
{
  JsonNode *node = config_lookup (config, path);
  const char *text;
  const char *colon;
  guint64 port;
  gint64 number;

  if (node == NULL)
    return 0;
  if (hdb_json_node_get_int (node, 1, 65535, &number))
    return (guint) number;
  text = hdb_json_node_get_string (node);
  if (text == NULL)
    return 0;
  colon = strrchr (text, ':');
  if (!g_ascii_string_to_unsigned (colon ? colon + 1 : text, 10, 1, 65535, &port, NULL))
    return 0;
  return (guint) port;
}

static const char *
config_root_path (const HdbConfiguration *config)
{
  return hdb_json_node_get_string (config_lookup (config, "rootPath"));
}

/* The preflight ----------------------------------------------------------- */

typedef struct
{
  HdbEngine         engine;
  HdbClient        *client;
  char             *host;
  guint             ports[G_N_ELEMENTS (nats_ports)];
  gboolean          own[G_N_ELEMENTS (nats_ports)];  /* its running NATS holds it */
  guint             next;                            /* the port being probed */
  GSocketClient    *socket_client;
} Preflight;

static void
preflight_free (Preflight *data)
{
  g_clear_object (&data->client);
  g_clear_object (&data->socket_client);
  g_free (data->host);
  g_free (data);
}

static void probe_next (GTask *task);

static void
on_probed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Preflight *data = g_task_get_task_data (task);
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  guint i = data->next;

  connection = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), result, &error);
  if (g_task_return_error_if_cancelled (task))
    return;
  if (connection != NULL)
    {
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_SUPPORTED,
                               _("Port %u on %s, which NATS clustering would use for its %s, "
                                 "is taken by another program: the NATS servers could not "
                                 "start there and Harper might not come back from the "
                                 "restart. Nothing was written; choose other ports."),
                               data->ports[i], data->host, _(nats_ports[i].label));
      return;
    }
  /* Refused: free. Anything else (a firewall that drops, a timeout) cannot
   * be told from here; Harper's own check at start-up is the last word. */
  g_debug ("port %u on %s: %s", data->ports[i], data->host, error->message);
  data->next++;
  probe_next (g_steal_pointer (&task));
}

static void
probe_next (GTask *task)
{
  Preflight *data = g_task_get_task_data (task);

  while (data->next < G_N_ELEMENTS (nats_ports) && data->own[data->next])
    data->next++;
  if (data->next >= G_N_ELEMENTS (nats_ports))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  g_socket_client_connect_to_host_async (data->socket_client, data->host,
                                         (guint16) data->ports[data->next],
                                         g_task_get_cancellable (task), on_probed, task);
}

/* The ports NATS would use: valid, distinct, not the instance's own. */
static gboolean
check_nats_ports (Preflight               *data,
                  const HdbConfiguration  *config,
                  GError                 **error)
{
  gboolean running = hdb_configuration_get_engine (config) == HDB_ENGINE_NATS &&
                     config->clustering_enabled;

  for (guint i = 0; i < G_N_ELEMENTS (nats_ports); i++)
    {
      guint configured = config_port (config, nats_ports[i].path);

      if (data->ports[i] > 65535)
        {
          g_set_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_SUPPORTED,
                       _("%u is not a port number (for the %s)."), data->ports[i],
                       _(nats_ports[i].label));
          return FALSE;
        }
      if (data->ports[i] == 0)
        data->ports[i] = configured != 0 ? configured : nats_ports[i].fallback;
      /* The instance's own NATS servers hold their ports while they run. */
      data->own[i] = running && configured == data->ports[i];

      for (guint j = 0; j < i; j++)
        if (data->ports[j] == data->ports[i])
          {
            g_set_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_SUPPORTED,
                         _("The %s and the %s would both use port %u; NATS needs four "
                           "different ports."), _(nats_ports[j].label),
                         _(nats_ports[i].label), data->ports[i]);
            return FALSE;
          }
      for (guint k = 0; k < G_N_ELEMENTS (own_ports); k++)
        if (config_port (config, own_ports[k]) == data->ports[i])
          {
            g_set_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_SUPPORTED,
                         _("Port %u, asked for the %s, is the instance’s own (%s)."),
                         data->ports[i], _(nats_ports[i].label), own_ports[k]);
            return FALSE;
          }
    }
  return TRUE;
}

static void
on_configuration (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Preflight *data = g_task_get_task_data (task);
  g_autoptr(HdbConfiguration) config = NULL;
  g_autoptr(GUri) uri = NULL;
  GError *error = NULL;

  config = hdb_client_get_configuration_finish (HDB_CLIENT (source), result, &error);
  if (config == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!check_nats_ports (data, config, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  uri = g_uri_parse (hdb_client_get_base_url (data->client), G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  data->host = g_strdup (g_uri_get_host (uri));
  data->socket_client = g_socket_client_new ();
  g_socket_client_set_timeout (data->socket_client, PROBE_TIMEOUT_S);
  probe_next (g_steal_pointer (&task));
}

static void
on_registration (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Preflight *data = g_task_get_task_data (task);
  g_autoptr(HdbRegistrationInfo) info = NULL;
  GCancellable *cancellable;
  GError *error = NULL;

  info = hdb_client_registration_info_finish (HDB_CLIENT (source), result, &error);
  if (info == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!deck_engine_check_version (data->engine, info->version, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (data->engine != HDB_ENGINE_NATS)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  cancellable = g_task_get_cancellable (task);
  hdb_client_get_configuration_async (data->client, cancellable, on_configuration,
                                      g_steal_pointer (&task));
}

/**
 * deck_engine_preflight_async:
 * @engine: the engine about to be enabled
 * @client: the instance's client (a super user's login)
 * @request: what the enable will write (its NATS ports are read)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Checks, without changing anything, that the server can run @engine (see
 * the file's comment).
 */
void
deck_engine_preflight_async (HdbEngine                engine,
                             HdbClient               *client,
                             const DeckEnableRequest *request,
                             GCancellable            *cancellable,
                             GAsyncReadyCallback      callback,
                             gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  Preflight *data;

  g_return_if_fail (HDB_IS_CLIENT (client));
  g_return_if_fail (request != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, deck_engine_preflight_async);
  g_task_set_name (task, "[deck] engine preflight");

  data = g_new0 (Preflight, 1);
  data->engine = engine;
  data->client = g_object_ref (client);
  data->ports[0] = request->nats_hub_port;
  data->ports[1] = request->nats_hub_leafnodes_port;
  data->ports[2] = request->nats_hub_cluster_port;
  data->ports[3] = request->nats_leaf_port;
  g_task_set_task_data (task, data, (GDestroyNotify) preflight_free);

  g_debug ("registration_info (preflight)");
  hdb_client_registration_info_async (client, cancellable, on_registration,
                                      g_steal_pointer (&task));
}

/**
 * deck_engine_preflight_finish:
 * @result: the result
 * @error: return location for a %DECK_ENGINE_ERROR_NOT_SUPPORTED error, an
 *   #HdbError, or %G_IO_ERROR_CANCELLED
 *
 * Returns: whether the server can run the engine
 */
gboolean
deck_engine_preflight_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        deck_engine_preflight_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* What was written ---------------------------------------------------------- */

/**
 * _deck_engine_note_written:
 * @monitor: the monitor that will follow the restart
 * @engine: the engine enabled
 * @config: the configuration as read back after writing it
 *
 * Tells @monitor what the enable wrote and how to undo it by hand.
 */
void
_deck_engine_note_written (DeckRestartMonitor     *monitor,
                           HdbEngine               engine,
                           const HdbConfiguration *config)
{
  g_autofree char *written = NULL;
  g_autofree char *undo = NULL;
  g_autofree char *file = NULL;
  const char *root = config_root_path (config);

  file = root != NULL ? g_build_filename (root, "harperdb-config.yaml", NULL)
                      : g_strdup ("harperdb-config.yaml");

  if (engine == HDB_ENGINE_NATIVE)
    {
      written = g_strdup_printf (_("replication.hostname “%s” and replication.url “%s”"),
                                 config->replication_hostname ?: "",
                                 config->replication_url ?: "");
      undo = g_strdup_printf (_("remove hostname and url under replication: in %s (or put "
                                "back the copy Harper kept in the backup folder next to it), "
                                "then start Harper again."), file);
    }
  else
    {
      GString *ports = g_string_new (NULL);

      for (guint i = 0; i < G_N_ELEMENTS (nats_ports); i++)
        g_string_append_printf (ports, "%s%s %u", i > 0 ? ", " : "", nats_ports[i].path,
                                config_port (config, nats_ports[i].path));
      written = g_strdup_printf (_("clustering.enabled true, clustering.nodeName “%s”, "
                                   "clustering.user “%s”, %s"),
                                 config->clustering_node_name ?: "",
                                 config->clustering_user ?: "", ports->str);
      g_string_free (ports, TRUE);
      undo = g_strdup_printf (_("set enabled: false under clustering: in %s (or put back the "
                                "copy Harper kept in the backup folder next to it), then start "
                                "Harper again."), file);
    }
  deck_restart_monitor_set_written (monitor, written, undo);
}

/* A native link between versions ------------------------------------------- */

typedef struct
{
  HdbClient   *client;
  HdbClient   *peer_client;
  char        *version;
  char        *peer_version;
  HdbSchema   *schema;
} Link;

static void
link_free (Link *data)
{
  g_clear_object (&data->client);
  g_clear_object (&data->peer_client);
  g_free (data->version);
  g_free (data->peer_version);
  g_clear_pointer (&data->schema, hdb_schema_free);
  g_free (data);
}

/* The own answer comes first and is kept; the peer's follows. A failure on
 * the peer says which peer answered it. */
static gboolean
link_answer_failed (GTask    *task,
                    gboolean  from_peer,
                    GError   *error)
{
  Link *data = g_task_get_task_data (task);

  if (error == NULL)
    return FALSE;
  if (from_peer)
    _deck_engine_prefix_peer_error (&error, data->peer_client);
  g_task_return_error (task, error);
  return TRUE;
}

static void
on_link_schema (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Link *data = g_task_get_task_data (task);
  gboolean from_peer = data->schema != NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(HdbSchema) peer = NULL;
  g_autoptr(GPtrArray) subscriptions = NULL;
  GError *error = NULL;
  HdbSchema *schema;

  schema = hdb_client_describe_all_finish (HDB_CLIENT (source), result, &error);
  if (link_answer_failed (task, from_peer, error))
    return;
  if (!from_peer)
    {
      data->schema = schema;
      hdb_client_describe_all_async (data->peer_client, cancellable, on_link_schema,
                                     g_steal_pointer (&task));
      return;
    }
  peer = schema;

  subscriptions = g_ptr_array_new_with_free_func ((GDestroyNotify) hdb_subscription_free);
  for (guint i = 0; i < data->schema->databases->len; i++)
    {
      const HdbDatabase *db = g_ptr_array_index (data->schema->databases, i);

      /* The system database is what must not be shared. */
      if (g_strcmp0 (db->name, "system") == 0)
        continue;
      for (guint k = 0; k < db->tables->len; k++)
        {
          const HdbTable *table = g_ptr_array_index (db->tables, k);

          if (hdb_schema_find_table (peer, db->name, table->name) != NULL)
            g_ptr_array_add (subscriptions, hdb_subscription_new (db->name, table->name,
                                                                  TRUE, TRUE));
        }
    }
  if (subscriptions->len == 0)
    {
      g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_SUPPORTED,
                               _("Harper %s and Harper %s cannot share full replication: it "
                                 "replicates the system database too, whose layout differs "
                                 "between them, and the older node stops when the newer one’s "
                                 "system tables arrive. They are linked table by table instead, "
                                 "and have no table in common yet: create the tables on both, "
                                 "then connect."), data->version, data->peer_version);
      return;
    }
  g_debug ("%s and %s: linked table by table (%u tables)", data->version, data->peer_version,
           subscriptions->len);
  g_task_return_pointer (task, g_steal_pointer (&subscriptions),
                         (GDestroyNotify) g_ptr_array_unref);
}

static void
on_link_version (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Link *data = g_task_get_task_data (task);
  gboolean from_peer = data->version != NULL;
  g_autoptr(HdbRegistrationInfo) info = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  info = hdb_client_registration_info_finish (HDB_CLIENT (source), result, &error);
  if (link_answer_failed (task, from_peer, error))
    return;
  if (!from_peer)
    {
      data->version = g_strdup (info->version);
      hdb_client_registration_info_async (data->peer_client, cancellable, on_link_version,
                                          g_steal_pointer (&task));
      return;
    }
  data->peer_version = g_strdup (info->version);
  if (hdb_capabilities_full_replication_with (hdb_capabilities_for_version (data->version),
                                              hdb_capabilities_for_version (data->peer_version)))
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  hdb_client_describe_all_async (data->client, cancellable, on_link_schema,
                                 g_steal_pointer (&task));
}

/**
 * _deck_engine_link_subscriptions_async:
 * @client: the instance that adds the node
 * @peer_client: the peer's client
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * How a new native link between the two should replicate: fully when their
 * versions may share the system database
 * (hdb_capabilities_full_replication_with()), else table by table, every
 * table both have, both ways (a rolling upgrade: 4.4 beside 4.7).
 */
void
_deck_engine_link_subscriptions_async (HdbClient           *client,
                                       HdbClient           *peer_client,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Link *data = g_new0 (Link, 1);

  g_task_set_source_tag (task, _deck_engine_link_subscriptions_async);
  g_task_set_name (task, "[deck] native link subscriptions");
  data->client = g_object_ref (client);
  data->peer_client = g_object_ref (peer_client);
  g_task_set_task_data (task, data, (GDestroyNotify) link_free);
  hdb_client_registration_info_async (client, cancellable, on_link_version,
                                      g_steal_pointer (&task));
}

/**
 * _deck_engine_link_subscriptions_finish:
 * @result: the result
 * @subscriptions: (out) (transfer full) (element-type HdbSubscription):
 *   %NULL for full replication, else the subscriptions to add the node with
 * @error: return location for an error
 *
 * Returns: whether the link can be made
 */
gboolean
_deck_engine_link_subscriptions_finish (GAsyncResult  *result,
                                        GPtrArray    **subscriptions,
                                        GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  GPtrArray *found;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  found = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  *subscriptions = found;
  return TRUE;
}
