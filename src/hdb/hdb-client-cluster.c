/* hdb-client-cluster.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The clustering operations of HdbClient, for both engines: the cluster
 * status, adding, updating and removing a peer, the NATS routes and the
 * NATS network (reference §2, §3). add_node and update_node carry the peer's
 * authorization: their bodies are never logged.
 */

#define G_LOG_DOMAIN "hdb-client"

#include "hdb-client-private.h"
#include "hdb-parse.h"

HDB_DEFINE_SIMPLE_OPERATION (cluster_status, "cluster_status", hdb_parse_cluster_status,
                             hdb_cluster_status_free, HdbClusterStatus *)
HDB_DEFINE_SIMPLE_OPERATION (cluster_get_routes, "cluster_get_routes", hdb_parse_routes,
                             json_node_unref, JsonNode *)

static JsonArray *
subscriptions_to_json (GPtrArray *subscriptions)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < subscriptions->len; i++)
    {
      const HdbSubscription *sub = g_ptr_array_index (subscriptions, i);
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "database", sub->database);
      json_object_set_string_member (object, "table", sub->table);
      json_object_set_boolean_member (object, "subscribe", sub->subscribe);
      json_object_set_boolean_member (object, "publish", sub->publish);
      json_array_add_object_element (array, object);
    }
  return array;
}

/* add_node and update_node take the same body (reference §2.3, §3.4). */
static JsonObject *
node_request_new (const char        *operation,
                  const HdbNodeSpec *spec)
{
  JsonObject *request = _hdb_operation_new (operation);

  if (spec->engine == HDB_ENGINE_NATS)
    {
      g_autoptr(GPtrArray) none = NULL;

      json_object_set_string_member (request, "node_name", spec->name);
      if (spec->subscriptions == NULL)
        none = g_ptr_array_new ();
      json_object_set_array_member (request, "subscriptions",
                                    subscriptions_to_json (spec->subscriptions ?
                                                           spec->subscriptions : none));
    }
  else
    {
      if (spec->name != NULL)
        json_object_set_string_member (request, "hostname", spec->name);
      /* Always send the URL: without it update_node rewrites the stored
       * one from the local port (Q7). */
      if (spec->url != NULL)
        json_object_set_string_member (request, "url", spec->url);
      if (spec->authorization != NULL)
        json_object_set_string_member (request, "authorization", spec->authorization);
      if (spec->retain_authorization)
        json_object_set_boolean_member (request, "retain_authorization", TRUE);
      if (spec->skip_tls_verify)
        json_object_set_boolean_member (request, "verify_tls", FALSE);
      if (spec->subscriptions != NULL)
        json_object_set_array_member (request, "subscriptions",
                                      subscriptions_to_json (spec->subscriptions));
    }

  if (spec->start_time != NULL)
    json_object_set_string_member (request, "start_time", spec->start_time);

  return request;
}

/**
 * hdb_client_add_node_async:
 * @self: a client
 * @spec: the peer and what to replicate
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Connects this instance to a peer. An HTTP 200 whose message says "but
 * there was an error" fails with %HDB_ERROR_HARPER.
 */
void
hdb_client_add_node_async (HdbClient           *self,
                           const HdbNodeSpec   *spec,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (HDB_IS_CLIENT (self));
  g_return_if_fail (spec != NULL);
  g_return_if_fail (spec->name != NULL || spec->url != NULL);

  _hdb_client_run (self, node_request_new ("add_node", spec), 0,
                   (HdbParseFunc) hdb_parse_node_message, g_free,
                   hdb_client_add_node_async, cancellable, callback, user_data);
}

HDB_DEFINE_FINISH (add_node, char *)

/**
 * hdb_client_update_node_async:
 * @self: a client
 * @spec: the peer and the subscriptions to merge
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Changes the subscriptions of a connection; the same partial-failure rule
 * as add_node applies.
 */
void
hdb_client_update_node_async (HdbClient           *self,
                              const HdbNodeSpec   *spec,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (HDB_IS_CLIENT (self));
  g_return_if_fail (spec != NULL);
  g_return_if_fail (spec->name != NULL);

  _hdb_client_run (self, node_request_new ("update_node", spec), 0,
                   (HdbParseFunc) hdb_parse_node_message, g_free,
                   hdb_client_update_node_async, cancellable, callback, user_data);
}

HDB_DEFINE_FINISH (update_node, char *)

/**
 * hdb_client_remove_node_async:
 * @self: a client
 * @engine: which field names the peer
 * @name: the peer's node name
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Removes this instance's record of a peer. It is one-sided (Q5): the
 * caller removes the other side as well.
 */
void
hdb_client_remove_node_async (HdbClient           *self,
                              HdbEngine            engine,
                              const char          *name,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  JsonObject *request;

  g_return_if_fail (HDB_IS_CLIENT (self));
  g_return_if_fail (name != NULL);

  request = _hdb_operation_new ("remove_node");
  json_object_set_string_member (request, engine == HDB_ENGINE_NATS ? "node_name" : "hostname",
                                 name);
  _hdb_client_run_message (self, request, hdb_client_remove_node_async, cancellable,
                           callback, user_data);
}

HDB_DEFINE_FINISH (remove_node, char *)

/**
 * hdb_client_cluster_set_routes_async:
 * @self: a client
 * @server: (nullable): "hub" or "leaf" for NATS, %NULL for native
 * @routes: the routes (strings or `{host, port}` objects)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 */
void
hdb_client_cluster_set_routes_async (HdbClient           *self,
                                     const char          *server,
                                     JsonArray           *routes,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  JsonObject *request;

  g_return_if_fail (HDB_IS_CLIENT (self));
  g_return_if_fail (routes != NULL);

  request = _hdb_operation_new ("cluster_set_routes");
  if (server != NULL)
    json_object_set_string_member (request, "server", server);
  json_object_set_array_member (request, "routes", json_array_ref (routes));
  _hdb_client_run_message (self, request, hdb_client_cluster_set_routes_async, cancellable,
                           callback, user_data);
}

HDB_DEFINE_FINISH (cluster_set_routes, char *)

void
hdb_client_cluster_delete_routes_async (HdbClient           *self,
                                        JsonArray           *routes,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  JsonObject *request;

  g_return_if_fail (HDB_IS_CLIENT (self));
  g_return_if_fail (routes != NULL);

  request = _hdb_operation_new ("cluster_delete_routes");
  json_object_set_array_member (request, "routes", json_array_ref (routes));
  _hdb_client_run_message (self, request, hdb_client_cluster_delete_routes_async, cancellable,
                           callback, user_data);
}

HDB_DEFINE_FINISH (cluster_delete_routes, char *)

/**
 * hdb_client_cluster_network_async:
 * @self: a client
 * @wait_ms: how long the instance waits for the other nodes' NATS servers
 *   to answer (Harper's default is 2000)
 * @connected_nodes: also ask each node which nodes it is connected to
 * @timeout_ms: the time this request may take, 0 for the client's default
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * The nodes of a legacy (NATS) cluster that answer: a node whose NATS
 * servers do not run is missing. Native replication has no such operation.
 */
void
hdb_client_cluster_network_async (HdbClient           *self,
                                  guint                wait_ms,
                                  gboolean             connected_nodes,
                                  guint                timeout_ms,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  JsonObject *request;

  g_return_if_fail (HDB_IS_CLIENT (self));

  request = _hdb_operation_new ("cluster_network");
  json_object_set_int_member (request, "timeout", wait_ms);
  json_object_set_boolean_member (request, "connected_nodes", connected_nodes);
  json_object_set_boolean_member (request, "routes", FALSE);
  _hdb_client_run (self, request, timeout_ms, (HdbParseFunc) hdb_parse_cluster_network,
                   (GDestroyNotify) hdb_cluster_network_free,
                   hdb_client_cluster_network_async, cancellable, callback, user_data);
}

HDB_DEFINE_FINISH (cluster_network, HdbClusterNetwork *)
