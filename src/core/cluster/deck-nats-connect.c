/* deck-nats-connect.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Connecting two NATS nodes: a hub route to the peer's hub cluster port, a
 * reload of the NATS configuration, then add_node with a subscription for
 * every table both sides have (NATS moves data only through
 * subscriptions), and a wait until the connection is open.
 */

#define G_LOG_DOMAIN "deck-nats-engine"

#include <glib/gi18n-lib.h>

#include "deck-nats-engine-private.h"

#define ADD_RETRY_MS    1000
#define ADD_TIMEOUT_MS  60000

typedef struct
{
  DeckLink          link;
  HdbSchema        *own_schema;
  HdbConfiguration *peer_config;
  GPtrArray        *subscriptions;
  gint64            add_deadline;
  gboolean          updating;        /* the node was known already: update_node */
} Connect;

static void
connect_free (Connect *data)
{
  _deck_link_clear (&data->link);
  g_clear_pointer (&data->own_schema, hdb_schema_free);
  g_clear_pointer (&data->peer_config, hdb_configuration_free);
  g_clear_pointer (&data->subscriptions, g_ptr_array_unref);
  g_free (data);
}

/* The tables first: without one in common there is nothing to connect, and
 * nothing is changed. */
static DeckStepResult
own_schema_read (DeckStepRun   *run,
                 gpointer       data,
                 GObject       *source,
                 GAsyncResult  *result,
                 GError       **error)
{
  Connect *connect = data;

  connect->own_schema = hdb_client_describe_all_finish (HDB_CLIENT (source), result, error);
  return connect->own_schema != NULL ? DECK_STEP_NEXT : DECK_STEP_REQUEST_FAILED;
}

/* NATS moves data only through subscriptions, and Harper skips one whose
 * table is missing on a side: subscribe to every table both have. */
static DeckStepResult
peer_schema_read (DeckStepRun   *run,
                  gpointer       data,
                  GObject       *source,
                  GAsyncResult  *result,
                  GError       **error)
{
  Connect *connect = data;
  g_autoptr(HdbSchema) schema = NULL;

  schema = hdb_client_describe_all_finish (HDB_CLIENT (source), result, error);
  if (schema == NULL)
    return DECK_STEP_REQUEST_FAILED;

  connect->subscriptions = g_ptr_array_new_with_free_func ((GDestroyNotify) hdb_subscription_free);
  for (guint i = 0; i < connect->own_schema->databases->len; i++)
    {
      const HdbDatabase *db = g_ptr_array_index (connect->own_schema->databases, i);

      for (guint j = 0; j < db->tables->len; j++)
        {
          const HdbTable *table = g_ptr_array_index (db->tables, j);

          if (hdb_schema_find_table (schema, db->name, table->name) != NULL)
            g_ptr_array_add (connect->subscriptions,
                             hdb_subscription_new (db->name, table->name, TRUE, TRUE));
        }
    }
  if (connect->subscriptions->len == 0)
    {
      g_set_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_FAILED,
                   _("“%s” and “%s” have no table in common. NATS clustering replicates a table "
                     "only when the same database and table exist on both instances: create "
                     "them on both first."),
                   connect->link.own_name, connect->link.peer_name);
      return DECK_STEP_CHECK_FAILED;
    }
  return DECK_STEP_NEXT;
}

static DeckStepResult
peer_config_read (DeckStepRun   *run,
                  gpointer       data,
                  GObject       *source,
                  GAsyncResult  *result,
                  GError       **error)
{
  Connect *connect = data;

  connect->peer_config = hdb_client_get_configuration_finish (HDB_CLIENT (source), result, error);
  return connect->peer_config != NULL ? DECK_STEP_NEXT : DECK_STEP_REQUEST_FAILED;
}

static void
set_route (DeckStepRun         *run,
           gpointer             data,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  Connect *connect = data;
  g_autoptr(JsonArray) routes = _deck_nats_hub_route_for (connect->link.peer_client,
                                                          connect->peer_config);

  hdb_client_cluster_set_routes_async (connect->link.client, "hub", routes,
                                       _deck_step_run_get_cancellable (run), callback, user_data);
}

static DeckStepResult
route_set (DeckStepRun   *run,
           gpointer       data,
           GObject       *source,
           GAsyncResult  *result,
           GError       **error)
{
  g_autofree char *message = NULL;

  message = hdb_client_cluster_set_routes_finish (HDB_CLIENT (source), result, error);
  return message != NULL ? DECK_STEP_NEXT : DECK_STEP_REQUEST_FAILED;
}

static DeckStepResult
reloaded (DeckStepRun   *run,
          gpointer       data,
          GObject       *source,
          GAsyncResult  *result,
          GError       **error)
{
  Connect *connect = data;

  if (!_deck_nats_reload_finish (DECK_ENGINE (source), result, error))
    return DECK_STEP_REQUEST_FAILED;
  connect->add_deadline = g_get_monotonic_time () + (gint64) ADD_TIMEOUT_MS * 1000;
  return DECK_STEP_NEXT;
}

static void
add_node (DeckStepRun         *run,
          gpointer             data,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  Connect *connect = data;
  HdbNodeSpec spec = {
    .engine = HDB_ENGINE_NATS,
    .name = connect->link.peer_name,
    .subscriptions = connect->subscriptions,
  };

  if (connect->updating)
    hdb_client_update_node_async (connect->link.client, &spec,
                                  _deck_step_run_get_cancellable (run), callback, user_data);
  else
    hdb_client_add_node_async (connect->link.client, &spec,
                               _deck_step_run_get_cancellable (run), callback, user_data);
}

/* While the route comes up, add_node cannot reach the peer over NATS yet. */
static gboolean
is_not_yet_reachable (const GError *error)
{
  return g_error_matches (error, HDB_ERROR, HDB_ERROR_TIMEOUT) ||
         hdb_error_get_reason (error) == HDB_ERROR_REASON_CLUSTERING_NOT_READY;
}

static DeckStepResult
node_added (DeckStepRun   *run,
            gpointer       data,
            GObject       *source,
            GAsyncResult  *result,
            GError       **error)
{
  Connect *connect = data;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *message = NULL;

  if (connect->updating)
    message = hdb_client_update_node_finish (HDB_CLIENT (source), result, &local_error);
  else
    message = hdb_client_add_node_finish (HDB_CLIENT (source), result, &local_error);
  if (message != NULL)
    return DECK_STEP_NEXT;

  if (!connect->updating && g_error_matches (local_error, HDB_ERROR, HDB_ERROR_HARPER) &&
      hdb_error_get_reason (local_error) == HDB_ERROR_REASON_ALREADY_ADDED)
    {
      /* Connected before: make sure every common table is subscribed. */
      connect->updating = TRUE;
      return DECK_STEP_AGAIN;
    }
  if (is_not_yet_reachable (local_error) && g_get_monotonic_time () < connect->add_deadline)
    {
      g_debug ("add_node: the peer is not reachable over NATS yet");
      _deck_step_run_again_after (run, ADD_RETRY_MS);
      return DECK_STEP_AGAIN;
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return DECK_STEP_REQUEST_FAILED;
}

static DeckStepResult
linked (DeckStepRun   *run,
        gpointer       data,
        GObject       *source,
        GAsyncResult  *result,
        GError       **error)
{
  Connect *connect = data;
  g_autoptr(HdbClusterStatus) status = NULL;
  const HdbConnection *conn;
  gboolean satisfied;

  status = _deck_engine_poll_status_finish (DECK_ENGINE (source), result, &satisfied, error);
  if (status == NULL)
    return DECK_STEP_REQUEST_FAILED;
  if (satisfied)
    return DECK_STEP_NEXT;
  conn = hdb_cluster_status_find_connection (status, connect->link.peer_name);
  g_set_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_CONNECTED,
               _("The connection to “%s” was added but its state was still “%s” after %u "
                 "seconds."),
               connect->link.peer_name,
               conn != NULL && conn->status != NULL ? conn->status : _("unknown"),
               _deck_nats_link.link_timeout_ms / 1000);
  return DECK_STEP_CHECK_FAILED;
}

static const DeckStep connect_steps[] = {
  { "cluster_status", DECK_STEP_DEFAULT, NULL, _deck_step_cluster_status, _deck_link_name_read,
    NULL },
  { "cluster_status (peer)", DECK_STEP_ON_PEER, NULL, _deck_step_cluster_status,
    _deck_link_name_read, NULL },
  { "describe_all", DECK_STEP_DEFAULT, NULL, _deck_step_describe_all, own_schema_read, NULL },
  { "describe_all (peer)", DECK_STEP_ON_PEER, NULL, _deck_step_describe_all, peer_schema_read,
    NULL },
  { "get_configuration (peer)", DECK_STEP_ON_PEER, NULL, _deck_step_get_configuration,
    peer_config_read, NULL },
  { "cluster_set_routes", DECK_STEP_DEFAULT, NULL, set_route, route_set, NULL },
  /* Routes are read when the NATS servers start: reload them. */
  { "restart_service clustering_config", DECK_STEP_DEFAULT, NULL, _deck_nats_step_reload,
    reloaded, NULL },
  { "add_node", DECK_STEP_DEFAULT, NULL, add_node, node_added, NULL },
  { "cluster_status (until the link is open)", DECK_STEP_DEFAULT, NULL, _deck_link_wait_linked,
    linked, NULL },
};

static const DeckStepList connect_list = {
  "NATS connect", connect_steps, G_N_ELEMENTS (connect_steps), NULL,
};

/* The cluster user is not sent: NATS nodes authenticate each other with the
 * cluster user each one has configured. */
void
_deck_nats_engine_connect_async (DeckEngine          *engine,
                                 HdbClient           *client,
                                 const char          *cluster_user,
                                 const char          *cluster_password,
                                 const DeckPeer      *peer,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  Connect *data = g_new0 (Connect, 1);

  _deck_link_init (&data->link, &_deck_nats_link, client, peer->client, NULL, peer->node_name,
                   TRUE);
  _deck_steps_run_async (engine, &connect_list, data, (GDestroyNotify) connect_free, client,
                         peer->client, cancellable, callback, user_data);
}
