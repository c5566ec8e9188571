/* deck-nats-disconnect.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Disconnecting two NATS nodes: remove_node on both sides, then the hub
 * route either side may hold (it depends on which one connected), a reload
 * of both NATS configurations, and a wait until neither lists the other.
 */

#define G_LOG_DOMAIN "deck-nats-engine"

#include <glib/gi18n-lib.h>

#include "deck-nats-engine-private.h"

typedef struct
{
  DeckLink          link;
  HdbConfiguration *own_config;
  HdbConfiguration *peer_config;
} Disconnect;

static void
disconnect_free (Disconnect *data)
{
  _deck_link_clear (&data->link);
  g_clear_pointer (&data->own_config, hdb_configuration_free);
  g_clear_pointer (&data->peer_config, hdb_configuration_free);
  g_free (data);
}

static DeckStepResult
config_read (DeckStepRun   *run,
             gpointer       data,
             GObject       *source,
             GAsyncResult  *result,
             GError       **error)
{
  Disconnect *disconnect = data;
  HdbConfiguration *config;

  config = hdb_client_get_configuration_finish (HDB_CLIENT (source), result, error);
  if (config == NULL)
    return DECK_STEP_REQUEST_FAILED;
  if (HDB_CLIENT (source) == disconnect->link.peer_client)
    disconnect->peer_config = config;
  else
    disconnect->own_config = config;
  return DECK_STEP_NEXT;
}

/* Either side may hold the route, depending on which one connected: the
 * instance's route to the peer's hub, and the peer's to the instance's. The
 * step runs on the side its DECK_STEP_ON_PEER names; the route deleted
 * there is the one to the other side. */
static void
delete_route (DeckStepRun         *run,
              gpointer             data,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  Disconnect *disconnect = data;
  HdbClient *on = _deck_step_run_get_client (run);
  gboolean on_peer = on == disconnect->link.peer_client;
  g_autoptr(JsonArray) routes = NULL;

  routes = _deck_nats_hub_route_for (on_peer ? disconnect->link.client
                                             : disconnect->link.peer_client,
                                     on_peer ? disconnect->own_config : disconnect->peer_config);
  hdb_client_cluster_delete_routes_async (on, routes, _deck_step_run_get_cancellable (run),
                                          callback, user_data);
}

static DeckStepResult
route_deleted (DeckStepRun   *run,
               gpointer       data,
               GObject       *source,
               GAsyncResult  *result,
               GError       **error)
{
  g_autofree char *message = NULL;

  message = hdb_client_cluster_delete_routes_finish (HDB_CLIENT (source), result, error);
  return message != NULL ? DECK_STEP_NEXT : DECK_STEP_REQUEST_FAILED;
}

/* The base class refuses a disconnect without the peer's client: its
 * routes need its login. */
static const DeckStep disconnect_steps[] = {
  { "cluster_status", DECK_STEP_DEFAULT, _deck_link_own_name_known, _deck_step_cluster_status,
    _deck_link_name_read, NULL },
  { "cluster_status (peer)", DECK_STEP_ON_PEER, _deck_link_peer_name_known,
    _deck_step_cluster_status, _deck_link_name_read, NULL },
  { "remove_node", DECK_STEP_DEFAULT, NULL, _deck_link_remove_on_own, _deck_link_removed,
    _deck_engine_error_is_missing_node },
  { "remove_node (peer)", DECK_STEP_ON_PEER, NULL, _deck_link_remove_on_peer,
    _deck_link_removed, _deck_engine_error_is_missing_node },
  { "get_configuration (peer)", DECK_STEP_ON_PEER, NULL, _deck_step_get_configuration,
    config_read, NULL },
  { "get_configuration", DECK_STEP_DEFAULT, NULL, _deck_step_get_configuration, config_read,
    NULL },
  { "cluster_delete_routes", DECK_STEP_DEFAULT, NULL, delete_route, route_deleted, NULL },
  { "cluster_delete_routes (peer)", DECK_STEP_ON_PEER, NULL, delete_route, route_deleted, NULL },
  { "restart_service clustering_config", DECK_STEP_DEFAULT, NULL, _deck_nats_step_reload,
    _deck_nats_step_reloaded, NULL },
  { "restart_service clustering_config (peer)", DECK_STEP_ON_PEER, NULL, _deck_nats_step_reload,
    _deck_nats_step_reloaded, NULL },
  { "cluster_status (until the peer is forgotten)", DECK_STEP_DEFAULT, NULL,
    _deck_link_wait_own_forgotten, _deck_link_own_forgotten, NULL },
  { "cluster_status (peer, until it forgot us)", DECK_STEP_ON_PEER, NULL,
    _deck_link_wait_peer_forgotten, _deck_link_peer_forgotten, NULL },
};

static const DeckStepList disconnect_list = {
  "NATS disconnect", disconnect_steps, G_N_ELEMENTS (disconnect_steps), NULL,
};

void
_deck_nats_engine_disconnect_async (DeckEngine          *engine,
                                    HdbClient           *client,
                                    const char          *node_name,
                                    const DeckPeer      *peer,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  Disconnect *data = g_new0 (Disconnect, 1);

  _deck_link_init (&data->link, &_deck_nats_link, client, peer->client, node_name,
                   peer->node_name, FALSE);
  _deck_steps_run_async (engine, &disconnect_list, data, (GDestroyNotify) disconnect_free,
                         client, peer->client, cancellable, callback, user_data);
}
