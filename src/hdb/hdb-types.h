/* hdb-types.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Plain data parsed from Harper's answers. None of these structures ever
 * holds a password or a retained authorization value.
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * HdbEngine:
 * @HDB_ENGINE_UNKNOWN: could not be told (for instance, not a super user)
 * @HDB_ENGINE_NONE: neither engine is configured
 * @HDB_ENGINE_NATIVE: native (WebSocket, "Plexus") replication, Harper 4.4+
 * @HDB_ENGINE_NATS: legacy NATS clustering
 */
typedef enum
{
  HDB_ENGINE_UNKNOWN,
  HDB_ENGINE_NONE,
  HDB_ENGINE_NATIVE,
  HDB_ENGINE_NATS,
} HdbEngine;

const char *hdb_engine_to_string (HdbEngine engine);

typedef struct
{
  char     *version;
  gboolean  registered;
  char     *ram_allocation;
  char     *license_expiration_date;
} HdbRegistrationInfo;

void hdb_registration_info_free (HdbRegistrationInfo *info);

typedef struct
{
  char     *username;
  gboolean  active;
  char     *role;
  gboolean  super_user;
  gboolean  cluster_user;
} HdbUserInfo;

void         hdb_user_info_free (HdbUserInfo *info);

typedef struct
{
  char     *id;
  char     *role;
  gboolean  super_user;
  gboolean  cluster_user;
} HdbRole;

void hdb_role_free (HdbRole *role);

typedef struct
{
  char    *name;
  char    *primary_key;
  gint64   record_count;
} HdbTable;

typedef struct
{
  char      *name;
  GPtrArray *tables;     /* HdbTable, sorted by name */
} HdbDatabase;

typedef struct
{
  GPtrArray *databases;  /* HdbDatabase, sorted by name */
} HdbSchema;

void               hdb_schema_free          (HdbSchema  *schema);
const HdbDatabase *hdb_schema_find_database (const HdbSchema *schema,
                                             const char      *database);
const HdbTable    *hdb_schema_find_table    (const HdbSchema *schema,
                                             const char      *database,
                                             const char      *table);

/**
 * HdbConfiguration:
 *
 * What get_configuration answers. The fields hold what decides the engine;
 * anything else the app needs is read with hdb_configuration_has(),
 * hdb_configuration_get_string() and hdb_configuration_get_port() by its
 * dotted path ("clustering.hubServer.cluster.network.port"). Code outside
 * libhdb never walks @raw itself.
 */
typedef struct
{
  char     *replication_hostname;
  char     *replication_url;
  gboolean  clustering_enabled;
  char     *clustering_node_name;
  char     *clustering_user;
  char     *operations_port;         /* as written in the file, e.g. "127.0.0.1:9925" */
  char     *operations_secure_port;
  JsonNode *raw;                     /* the whole configuration, for libhdb's accessors */
} HdbConfiguration;

void        hdb_configuration_free       (HdbConfiguration       *config);
HdbEngine   hdb_configuration_get_engine (const HdbConfiguration *config);
gboolean    hdb_configuration_has        (const HdbConfiguration *config,
                                          const char             *path);
const char *hdb_configuration_get_string (const HdbConfiguration *config,
                                          const char             *path);
guint       hdb_configuration_get_port   (const HdbConfiguration *config,
                                          const char             *path);

typedef struct
{
  char     *database;
  char     *table;
  gboolean  subscribe;
  gboolean  publish;
} HdbSubscription;

HdbSubscription *hdb_subscription_new  (const char *database,
                                        const char *table,
                                        gboolean    subscribe,
                                        gboolean    publish);
HdbSubscription *hdb_subscription_copy (const HdbSubscription *sub);
void             hdb_subscription_free (HdbSubscription *sub);

typedef struct
{
  char     *database;
  gboolean  connected;
  double    latency;             /* ms, < 0 when unknown */
  char     *catching_up_from;    /* "up-to-date" or an ISO time */
  gint64    thread_id;
} HdbDatabaseSocket;

typedef struct
{
  char      *name;               /* native `name`, NATS `node_name` */
  char      *url;                /* native only */
  gboolean   replicates;         /* full replication (native) */
  GPtrArray *subscriptions;      /* HdbSubscription; empty when none */
  GPtrArray *database_sockets;   /* HdbDatabaseSocket (native) */
  char      *status;             /* NATS: open, closed, NoResponders, Timeout */
  double     latency_ms;         /* NATS, < 0 when unknown */
  char      *uptime;             /* NATS */
  gboolean   has_authorization;  /* a retained credential is stored (never its value) */
} HdbConnection;

void     hdb_connection_free         (HdbConnection       *conn);
gboolean hdb_connection_is_connected (const HdbConnection *conn);

typedef struct
{
  HdbEngine  engine;             /* as the answer's shape tells */
  char      *node_name;
  gboolean   is_enabled;
  GPtrArray *connections;        /* HdbConnection */
} HdbClusterStatus;

void                 hdb_cluster_status_free            (HdbClusterStatus *status);
const HdbConnection *hdb_cluster_status_find_connection (const HdbClusterStatus *status,
                                                         const char             *name);

typedef struct
{
  char      *version;
  HdbEngine  engine;
  char      *node_name;          /* NULL when replication is not enabled */
  char      *username;
  gboolean   super_user;
  gboolean   restart_pending;    /* configured, but the running server does not use it yet */
} HdbServerInfo;

void hdb_server_info_free (HdbServerInfo *info);

typedef struct
{
  char      *sha256;             /* "AB:CD:…" */
  char      *subject;
  char      *issuer;
  char      *public_key_sha256;  /* of its SubjectPublicKeyInfo, lower-case hex; NULL if unread */
  GDateTime *not_before;
  GDateTime *not_after;
} HdbCertificateInfo;

HdbCertificateInfo *hdb_certificate_info_copy (const HdbCertificateInfo *info);
void                hdb_certificate_info_free (HdbCertificateInfo *info);

typedef struct
{
  char *message;
  char *job_id;                  /* restart_service only */
} HdbRestartReply;

void hdb_restart_reply_free (HdbRestartReply *reply);

/**
 * HdbJobStatus:
 * @HDB_JOB_STATUS_UNKNOWN: the answer names no such job, or gives it no status
 * @HDB_JOB_STATUS_RUNNING: any status but the two below (`IN_PROGRESS`, …)
 * @HDB_JOB_STATUS_COMPLETE: `COMPLETE`
 * @HDB_JOB_STATUS_ERROR: `ERROR`; the job's message says why
 */
typedef enum
{
  HDB_JOB_STATUS_UNKNOWN,
  HDB_JOB_STATUS_RUNNING,
  HDB_JOB_STATUS_COMPLETE,
  HDB_JOB_STATUS_ERROR,
} HdbJobStatus;

typedef struct
{
  char         *id;
  char         *type;            /* e.g. "restart_service" */
  HdbJobStatus  status;
  char         *status_text;     /* as Harper wrote it; NULL when unknown */
  char         *message;         /* the result or the failure, when Harper gives one */
} HdbJob;

void hdb_job_free (HdbJob *job);

typedef struct
{
  char    *name;
  double   response_time_ms;     /* < 0 when unknown */
  GStrv    connected_nodes;      /* empty unless asked for */
} HdbNetworkNode;

typedef struct
{
  GPtrArray *nodes;              /* HdbNetworkNode: the nodes that answered */
} HdbClusterNetwork;

void     hdb_cluster_network_free     (HdbClusterNetwork       *network);
gboolean hdb_cluster_network_has_node (const HdbClusterNetwork *network,
                                       const char              *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdbRegistrationInfo, hdb_registration_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdbUserInfo, hdb_user_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdbRole, hdb_role_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdbSchema, hdb_schema_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdbConfiguration, hdb_configuration_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdbSubscription, hdb_subscription_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdbConnection, hdb_connection_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdbClusterStatus, hdb_cluster_status_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdbServerInfo, hdb_server_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdbCertificateInfo, hdb_certificate_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdbRestartReply, hdb_restart_reply_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdbJob, hdb_job_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdbClusterNetwork, hdb_cluster_network_free)

G_END_DECLS
