/* hdb-types.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hdb-types"

#include "hdb-types.h"

/**
 * hdb_engine_to_string:
 * @engine: an #HdbEngine
 *
 * Returns: the stable name used in `--json` output: `native`, `nats`, `none` or `unknown`
 */
const char *
hdb_engine_to_string (HdbEngine engine)
{
  switch (engine)
    {
    case HDB_ENGINE_NONE: return "none";
    case HDB_ENGINE_NATIVE: return "native";
    case HDB_ENGINE_NATS: return "nats";
    case HDB_ENGINE_UNKNOWN:
    default: return "unknown";
    }
}

void
hdb_registration_info_free (HdbRegistrationInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->version);
  g_free (info->ram_allocation);
  g_free (info->license_expiration_date);
  g_free (info);
}

void
hdb_user_info_free (HdbUserInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->username);
  g_free (info->role);
  g_free (info);
}

void
hdb_role_free (HdbRole *role)
{
  if (role == NULL)
    return;
  g_free (role->id);
  g_free (role->role);
  g_free (role);
}

void
hdb_schema_free (HdbSchema *schema)
{
  if (schema == NULL)
    return;
  g_clear_pointer (&schema->databases, g_ptr_array_unref);
  g_free (schema);
}

/**
 * hdb_schema_find_database:
 * @schema: a schema
 * @database: a database name
 *
 * Returns: (nullable) (transfer none): the database, or %NULL
 */
const HdbDatabase *
hdb_schema_find_database (const HdbSchema *schema,
                          const char      *database)
{
  g_return_val_if_fail (schema != NULL, NULL);

  for (guint i = 0; i < schema->databases->len; i++)
    {
      const HdbDatabase *db = g_ptr_array_index (schema->databases, i);

      if (g_strcmp0 (db->name, database) == 0)
        return db;
    }
  return NULL;
}

/**
 * hdb_schema_find_table:
 * @schema: a schema
 * @database: a database name
 * @table: a table name
 *
 * Returns: (nullable) (transfer none): the table, or %NULL
 */
const HdbTable *
hdb_schema_find_table (const HdbSchema *schema,
                       const char      *database,
                       const char      *table)
{
  const HdbDatabase *db = hdb_schema_find_database (schema, database);

  if (db == NULL)
    return NULL;

  for (guint i = 0; i < db->tables->len; i++)
    {
      const HdbTable *t = g_ptr_array_index (db->tables, i);

      if (g_strcmp0 (t->name, table) == 0)
        return t;
    }
  return NULL;
}

void
hdb_configuration_free (HdbConfiguration *config)
{
  if (config == NULL)
    return;
  g_free (config->replication_hostname);
  g_free (config->replication_url);
  g_free (config->clustering_node_name);
  g_free (config->clustering_user);
  g_free (config->operations_port);
  g_free (config->operations_secure_port);
  g_clear_pointer (&config->raw, json_node_unref);
  g_free (config);
}

/**
 * hdb_configuration_get_engine:
 * @config: a configuration
 *
 * Native replication is used for the node operations as soon as
 * `replication.hostname` or `replication.url` is set, whatever
 * `clustering.enabled` says (reference §0); NATS otherwise when enabled.
 *
 * Returns: the engine this configuration selects
 */
HdbEngine
hdb_configuration_get_engine (const HdbConfiguration *config)
{
  g_return_val_if_fail (config != NULL, HDB_ENGINE_UNKNOWN);

  if ((config->replication_hostname != NULL && *config->replication_hostname != '\0') ||
      (config->replication_url != NULL && *config->replication_url != '\0'))
    return HDB_ENGINE_NATIVE;
  if (config->clustering_enabled)
    return HDB_ENGINE_NATS;
  return HDB_ENGINE_NONE;
}

HdbSubscription *
hdb_subscription_new (const char *database,
                      const char *table,
                      gboolean    subscribe,
                      gboolean    publish)
{
  HdbSubscription *sub = g_new0 (HdbSubscription, 1);

  sub->database = g_strdup (database);
  sub->table = g_strdup (table);
  sub->subscribe = !!subscribe;
  sub->publish = !!publish;
  return sub;
}

HdbSubscription *
hdb_subscription_copy (const HdbSubscription *sub)
{
  return hdb_subscription_new (sub->database, sub->table, sub->subscribe, sub->publish);
}

void
hdb_subscription_free (HdbSubscription *sub)
{
  if (sub == NULL)
    return;
  g_free (sub->database);
  g_free (sub->table);
  g_free (sub);
}

void
hdb_connection_free (HdbConnection *conn)
{
  if (conn == NULL)
    return;
  g_free (conn->name);
  g_free (conn->url);
  g_clear_pointer (&conn->subscriptions, g_ptr_array_unref);
  g_clear_pointer (&conn->database_sockets, g_ptr_array_unref);
  g_free (conn->status);
  g_free (conn->uptime);
  g_free (conn);
}

/**
 * hdb_connection_is_connected:
 * @conn: a connection
 *
 * Native: every database socket is connected (and there is at least one).
 * NATS: the status is `open`.
 *
 * Returns: whether the link is up
 */
gboolean
hdb_connection_is_connected (const HdbConnection *conn)
{
  g_return_val_if_fail (conn != NULL, FALSE);

  if (conn->status != NULL)
    return g_strcmp0 (conn->status, "open") == 0;

  if (conn->database_sockets == NULL || conn->database_sockets->len == 0)
    return FALSE;

  for (guint i = 0; i < conn->database_sockets->len; i++)
    {
      const HdbDatabaseSocket *s = g_ptr_array_index (conn->database_sockets, i);

      if (!s->connected)
        return FALSE;
    }
  return TRUE;
}

void
hdb_cluster_status_free (HdbClusterStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->node_name);
  g_clear_pointer (&status->connections, g_ptr_array_unref);
  g_free (status);
}

/**
 * hdb_cluster_status_find_connection:
 * @status: a cluster status
 * @name: a peer's node name
 *
 * Returns: (nullable) (transfer none): the connection with that peer, or %NULL
 */
const HdbConnection *
hdb_cluster_status_find_connection (const HdbClusterStatus *status,
                                    const char             *name)
{
  g_return_val_if_fail (status != NULL, NULL);

  for (guint i = 0; i < status->connections->len; i++)
    {
      const HdbConnection *conn = g_ptr_array_index (status->connections, i);

      if (g_strcmp0 (conn->name, name) == 0)
        return conn;
    }
  return NULL;
}

void
hdb_server_info_free (HdbServerInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->version);
  g_free (info->node_name);
  g_free (info->username);
  g_free (info);
}

HdbCertificateInfo *
hdb_certificate_info_copy (const HdbCertificateInfo *info)
{
  HdbCertificateInfo *copy;

  if (info == NULL)
    return NULL;

  copy = g_new0 (HdbCertificateInfo, 1);
  copy->sha256 = g_strdup (info->sha256);
  copy->subject = g_strdup (info->subject);
  copy->issuer = g_strdup (info->issuer);
  copy->public_key_sha256 = g_strdup (info->public_key_sha256);
  copy->not_before = info->not_before ? g_date_time_ref (info->not_before) : NULL;
  copy->not_after = info->not_after ? g_date_time_ref (info->not_after) : NULL;
  return copy;
}

void
hdb_certificate_info_free (HdbCertificateInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->sha256);
  g_free (info->subject);
  g_free (info->issuer);
  g_free (info->public_key_sha256);
  g_clear_pointer (&info->not_before, g_date_time_unref);
  g_clear_pointer (&info->not_after, g_date_time_unref);
  g_free (info);
}

void
hdb_restart_reply_free (HdbRestartReply *reply)
{
  if (reply == NULL)
    return;
  g_free (reply->message);
  g_free (reply->job_id);
  g_free (reply);
}

void
hdb_job_free (HdbJob *job)
{
  if (job == NULL)
    return;
  g_free (job->id);
  g_free (job->type);
  g_free (job->status_text);
  g_free (job->message);
  g_free (job);
}

void
hdb_cluster_network_free (HdbClusterNetwork *network)
{
  if (network == NULL)
    return;
  g_clear_pointer (&network->nodes, g_ptr_array_unref);
  g_free (network);
}

/**
 * hdb_cluster_network_has_node:
 * @network: a cluster_network answer
 * @name: a node name
 *
 * Returns: whether the node @name answered: its NATS servers run and are
 *   connected to this node's
 */
gboolean
hdb_cluster_network_has_node (const HdbClusterNetwork *network,
                              const char              *name)
{
  g_return_val_if_fail (network != NULL, FALSE);

  for (guint i = 0; i < network->nodes->len; i++)
    {
      const HdbNetworkNode *node = g_ptr_array_index (network->nodes, i);

      if (g_strcmp0 (node->name, name) == 0)
        return TRUE;
    }
  return FALSE;
}
