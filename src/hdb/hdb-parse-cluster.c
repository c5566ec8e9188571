/* hdb-parse-cluster.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The answers about clustering: cluster_status in both engines' shapes,
 * the subscriptions of a node record, and cluster_network (NATS). What the app shows and changes in the
 * replication grid is read from here, so the rule of hdb-parse-private.h
 * applies in full: a name, URL, flag or subscription of another type makes
 * the answer invalid; only latencies, uptimes and catch-up times, which are
 * shown and nothing else, read as missing when they are not what Harper
 * sends.
 */

#define G_LOG_DOMAIN "hdb-parse"

#include "hdb-parse.h"
#include "hdb-parse-private.h"

/* A day: a latency beyond it is no measurement. */
#define MAX_LATENCY_MS (24.0 * 3600.0 * 1000.0)

/* One subscription; %NULL when it names no database or table. */
static HdbSubscription *
parse_subscription (HdbReader  *r,
                    JsonObject *object)
{
  const char *database = _hdb_reader_string (r, object, "database", "a subscription");
  const char *table = _hdb_reader_string (r, object, "table", "a subscription");
  gboolean subscribe = _hdb_reader_flag (r, object, "subscribe", "a subscription", FALSE);
  gboolean publish = _hdb_reader_flag (r, object, "publish", "a subscription", FALSE);

  /* Harper writes the database as `database` or, in older records, `schema`. */
  if (database == NULL)
    database = _hdb_reader_string (r, object, "schema", "a subscription");
  if (r->failed || database == NULL || table == NULL)
    return NULL;
  return hdb_subscription_new (database, table, subscribe, publish);
}

/**
 * hdb_parse_subscriptions:
 * @array: (nullable): a JSON array of subscription objects
 *
 * Reads the subscriptions of a node record as far as it can: an element
 * that is not a subscription, or one with a member of another type, is
 * left out. (cluster_status is read strictly, see hdb_parse_cluster_status().)
 *
 * Returns: (transfer full) (element-type HdbSubscription): the subscriptions
 */
GPtrArray *
hdb_parse_subscriptions (JsonArray *array)
{
  GPtrArray *subs = g_ptr_array_new_with_free_func ((GDestroyNotify) hdb_subscription_free);

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      /* A reader of its own per element, without an error to set: a
       * failure leaves this element out and nothing else. */
      HdbReader scratch = HDB_READER_INIT ("a node record", NULL);
      JsonObject *object = _hdb_reader_element_object (&scratch, array, i, "a subscription");
      HdbSubscription *sub = parse_subscription (&scratch, object);

      if (sub != NULL)
        g_ptr_array_add (subs, sub);
    }
  return subs;
}

static GPtrArray *
parse_subscriptions_strictly (HdbReader *r,
                              JsonArray *array)
{
  g_autoptr(GPtrArray) subs = NULL;

  subs = g_ptr_array_new_with_free_func ((GDestroyNotify) hdb_subscription_free);
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *object = _hdb_reader_element_object (r, array, i, "a subscription");
      HdbSubscription *sub = parse_subscription (r, object);

      if (r->failed)
        return NULL;
      if (sub != NULL)
        g_ptr_array_add (subs, sub);
    }
  return g_steal_pointer (&subs);
}

static void
database_socket_free (HdbDatabaseSocket *s)
{
  g_free (s->database);
  g_free (s->catching_up_from);
  g_free (s);
}

static HdbDatabaseSocket *
parse_database_socket (HdbReader  *r,
                       JsonObject *object)
{
  HdbDatabaseSocket *s = g_new0 (HdbDatabaseSocket, 1);

  s->database = g_strdup (_hdb_reader_string (r, object, "database", "a database socket"));
  s->connected = _hdb_reader_flag (r, object, "connected", "a database socket", FALSE);
  s->latency = _hdb_info_double (object, "latency", 0, MAX_LATENCY_MS, -1);
  s->catching_up_from = g_strdup (hdb_json_get_string (object, "catching_up_from"));
  /* 4.4.18 says thread_id, 4.7 threadId. */
  s->thread_id = _hdb_info_int (object, "thread_id", 0, G_MAXINT32,
                                _hdb_info_int (object, "threadId", 0, G_MAXINT32, -1));
  return s;
}

static HdbConnection *
parse_connection (HdbReader  *r,
                  JsonObject *object)
{
  g_autoptr(HdbConnection) conn = g_new0 (HdbConnection, 1);
  JsonArray *sockets;

  conn->name = g_strdup (_hdb_reader_string (r, object, "name", "a connection"));
  if (conn->name == NULL)
    conn->name = g_strdup (_hdb_reader_string (r, object, "node_name", "a connection"));
  conn->url = g_strdup (_hdb_reader_string (r, object, "url", "a connection"));
  conn->replicates = _hdb_reader_flag (r, object, "replicates", "a connection", FALSE);
  conn->subscriptions = parse_subscriptions_strictly (r, _hdb_reader_array (r, object,
                                                                            "subscriptions",
                                                                            "a connection"));
  conn->status = g_strdup (_hdb_reader_string (r, object, "status", "a connection"));
  conn->latency_ms = _hdb_info_double (object, "latency_ms", 0, MAX_LATENCY_MS, -1);
  conn->uptime = g_strdup (hdb_json_get_string (object, "uptime"));
  /* Harper returns the retained credential in clear (Q11): note that there
   * is one, never keep it. */
  conn->has_authorization = hdb_json_get_member (object, "authorization") != NULL;

  conn->database_sockets = g_ptr_array_new_with_free_func ((GDestroyNotify) database_socket_free);
  sockets = _hdb_reader_array (r, object, "database_sockets", "a connection");
  for (guint i = 0; sockets != NULL && i < json_array_get_length (sockets); i++)
    {
      JsonObject *so = _hdb_reader_element_object (r, sockets, i, "a database socket");

      if (r->failed)
        break;
      g_ptr_array_add (conn->database_sockets, parse_database_socket (r, so));
    }
  if (r->failed)
    return NULL;
  return g_steal_pointer (&conn);
}

HdbClusterStatus *
hdb_parse_cluster_status (JsonNode  *node,
                          GError   **error)
{
  HdbReader r = HDB_READER_INIT ("cluster_status", error);
  g_autoptr(HdbClusterStatus) status = NULL;
  JsonObject *object;
  JsonArray *connections;
  const char *type;
  gboolean nats_shape = FALSE;

  if ((object = _hdb_reader_root_object (&r, node)) == NULL)
    return NULL;

  connections = _hdb_reader_array (&r, object, "connections", NULL);

  status = g_new0 (HdbClusterStatus, 1);
  status->node_name = _hdb_reader_dup_scalar (&r, object, "node_name", NULL);
  status->is_enabled = _hdb_reader_flag (&r, object, "is_enabled", NULL, FALSE);
  type = _hdb_reader_string (&r, object, "type", NULL);
  status->connections = g_ptr_array_new_with_free_func ((GDestroyNotify) hdb_connection_free);

  for (guint i = 0; connections != NULL && i < json_array_get_length (connections); i++)
    {
      JsonObject *co = _hdb_reader_element_object (&r, connections, i, "a connection");
      HdbConnection *conn;

      if (r.failed || (conn = parse_connection (&r, co)) == NULL)
        return NULL;
      if (hdb_json_get_member (co, "status") != NULL || hdb_json_get_member (co, "ports") != NULL)
        nats_shape = TRUE;
      g_ptr_array_add (status->connections, conn);
    }
  if (r.failed)
    return NULL;

  /* Native answers carry "type": "cluster-status"; the NATS shape has none
   * and its connections report a status and ports. */
  if (g_strcmp0 (type, "cluster-status") == 0)
    status->engine = HDB_ENGINE_NATIVE;
  else if (nats_shape || (status->is_enabled && status->node_name != NULL))
    status->engine = HDB_ENGINE_NATS;
  else
    status->engine = HDB_ENGINE_NONE;

  return g_steal_pointer (&status);
}

static void
network_node_free (HdbNetworkNode *node)
{
  g_free (node->name);
  g_strfreev (node->connected_nodes);
  g_free (node);
}

static HdbNetworkNode *
parse_network_node (HdbReader  *r,
                    JsonObject *object,
                    const char *name)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *connected = _hdb_reader_array (r, object, "connected_nodes", "a node");
  HdbNetworkNode *node;

  for (guint i = 0; connected != NULL && i < json_array_get_length (connected); i++)
    {
      const char *peer = hdb_json_node_get_string (json_array_get_element (connected, i));

      if (peer == NULL)
        {
          _hdb_reader_fail (r, "a node's “connected_nodes” holds something that is not a name");
          return NULL;
        }
      g_strv_builder_add (builder, peer);
    }
  if (r->failed)
    return NULL;

  node = g_new0 (HdbNetworkNode, 1);
  node->name = g_strdup (name);
  node->response_time_ms = _hdb_info_double (object, "response_time", 0, MAX_LATENCY_MS, -1);
  node->connected_nodes = g_strv_builder_end (builder);
  return node;
}

/* {"nodes": [{"name", "response_time", "connected_nodes": [...], "routes"}]}:
 * the nodes whose NATS servers answered within the request's timeout. */
HdbClusterNetwork *
hdb_parse_cluster_network (JsonNode  *node,
                           GError   **error)
{
  HdbReader r = HDB_READER_INIT ("cluster_network", error);
  g_autoptr(HdbClusterNetwork) network = NULL;
  JsonObject *object;
  JsonArray *nodes;

  if ((object = _hdb_reader_root_object (&r, node)) == NULL)
    return NULL;
  nodes = _hdb_reader_array (&r, object, "nodes", NULL);

  network = g_new0 (HdbClusterNetwork, 1);
  network->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) network_node_free);
  for (guint i = 0; nodes != NULL && i < json_array_get_length (nodes); i++)
    {
      JsonObject *no = _hdb_reader_element_object (&r, nodes, i, "a node");
      const char *name = _hdb_reader_string (&r, no, "name", "a node");
      HdbNetworkNode *network_node;

      if (r.failed)
        return NULL;
      if (name == NULL)
        continue;
      if ((network_node = parse_network_node (&r, no, name)) == NULL)
        return NULL;
      g_ptr_array_add (network->nodes, network_node);
    }
  if (r.failed)
    return NULL;
  return g_steal_pointer (&network);
}
