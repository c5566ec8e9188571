/* hdb-client.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "hdb-error.h"
#include "hdb-types.h"

G_BEGIN_DECLS

#define HDB_TYPE_CLIENT (hdb_client_get_type ())

G_DECLARE_FINAL_TYPE (HdbClient, hdb_client, HDB, CLIENT, GObject)

/**
 * HDB_READ_ATTEMPT_MS:
 *
 * How long the first attempt of a read (cluster_status, describe_all,
 * get_configuration, get_job, search_by_id…) may take when the request's
 * timeout is longer. Harper 4.4 sometimes never answers a read sent just
 * after an add_node or update_node, while a fresh request is answered at
 * once; so a read that got no answer in this time is sent once more, on a
 * new connection, with the rest of its timeout. (One cause is known: of two
 * cluster_status requests one Harper worker serves at once, only the later
 * is answered; the client never sends an instance two at once, but another
 * program may.) The caller's bound does not change. A write is never sent twice, and a request whose timeout is this
 * or shorter is sent once. hdb_client_get_request_count() counts both
 * attempts.
 */
#define HDB_READ_ATTEMPT_MS 8000

/**
 * HdbNodeSpec:
 * @engine: %HDB_ENGINE_NATIVE or %HDB_ENGINE_NATS; decides which fields are sent
 * @name: the peer's node name (native `hostname`, NATS `node_name`)
 * @url: the peer's replication URL (native; always sent, see DESIGN.md §2)
 * @authorization: a ready-made "Basic …" value for the peer (native), or %NULL
 * @retain_authorization: store @authorization in the node record (plain ws)
 * @skip_tls_verify: send `verify_tls: false` (only for a certificate the user pinned)
 * @subscriptions: (element-type HdbSubscription) (nullable): %NULL for full replication
 * @start_time: (nullable): ISO time to replicate from
 *
 * What add_node and update_node send. The caller owns every field.
 */
typedef struct
{
  HdbEngine   engine;
  const char *name;
  const char *url;
  const char *authorization;
  gboolean    retain_authorization;
  gboolean    skip_tls_verify;
  GPtrArray  *subscriptions;
  const char *start_time;
} HdbNodeSpec;

HdbClient   *hdb_client_new                   (const char  *base_url,
                                               const char  *username,
                                               const char  *password,
                                               GError     **error);
const char  *hdb_client_get_base_url          (HdbClient   *self);
const char  *hdb_client_get_username          (HdbClient   *self);
void         hdb_client_set_credentials       (HdbClient   *self,
                                               const char  *username,
                                               const char  *password);
char        *hdb_client_dup_basic_authorization (HdbClient *self);
guint        hdb_client_get_timeout           (HdbClient   *self);
void         hdb_client_set_timeout           (HdbClient   *self,
                                               guint        timeout_ms);
const char  *hdb_client_get_pinned_certificate (HdbClient  *self);
void         hdb_client_set_pinned_certificate (HdbClient  *self,
                                               const char  *sha256);
gsize        hdb_client_get_max_response_size (HdbClient   *self);
void         hdb_client_set_max_response_size (HdbClient   *self,
                                               gsize        max_bytes);
HdbCertificateInfo *hdb_client_dup_peer_certificate (HdbClient *self);
void         hdb_client_follow_certificate_async  (HdbClient           *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
HdbCertificateInfo *hdb_client_follow_certificate_finish (HdbClient     *self,
                                                          GAsyncResult  *result,
                                                          GError       **error);
guint        hdb_client_get_request_count     (HdbClient   *self);

gboolean     hdb_client_is_plaintext          (HdbClient   *self);

/* A secret (a password, a "Basic …" value): wiped when freed. */
typedef char HdbSecret;
void         hdb_secret_free                  (char        *secret);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdbSecret, hdb_secret_free)

char        *hdb_normalize_fingerprint        (const char  *fingerprint);
char        *hdb_format_fingerprint           (const char  *fingerprint);
gboolean     hdb_fingerprint_equal            (const char  *a,
                                               const char  *b);
char        *hdb_certificate_public_key_sha256 (const guint8 *der,
                                                gsize         len);
/* The certificate a wss:// or https:// endpoint presents, read without
 * trusting it or sending it anything (hdb-certificate.c). */
void         hdb_fetch_certificate_async      (const char          *url,
                                               guint                timeout_ms,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
HdbCertificateInfo *hdb_fetch_certificate_finish (GAsyncResult     *result,
                                                  GError          **error);
char        *hdb_basic_authorization          (const char  *username,
                                               const char  *password);

/* Any operation: @request is the whole body ({"operation": …}). */
void         hdb_client_call_async            (HdbClient           *self,
                                               JsonObject          *request,
                                               guint                timeout_ms,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
JsonNode    *hdb_client_call_finish           (HdbClient           *self,
                                               GAsyncResult        *result,
                                               GError             **error);

void         hdb_client_health_async          (HdbClient           *self,
                                               guint                timeout_ms,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean     hdb_client_health_finish         (HdbClient           *self,
                                               GAsyncResult        *result,
                                               GError             **error);

void
hdb_client_registration_info_async (HdbClient *self,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
HdbRegistrationInfo *
hdb_client_registration_info_finish (HdbClient *self,
                                     GAsyncResult *result,
                                     GError **error);

void
hdb_client_user_info_async (HdbClient *self,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data);
HdbUserInfo *
hdb_client_user_info_finish (HdbClient *self,
                             GAsyncResult *result,
                             GError **error);

void
hdb_client_server_info_async (HdbClient *self,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data);
HdbServerInfo *
hdb_client_server_info_finish (HdbClient *self,
                               GAsyncResult *result,
                               GError **error);

void
hdb_client_describe_all_async (HdbClient *self,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
HdbSchema *
hdb_client_describe_all_finish (HdbClient *self,
                                GAsyncResult *result,
                                GError **error);

void
hdb_client_get_configuration_async (HdbClient *self,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
HdbConfiguration *
hdb_client_get_configuration_finish (HdbClient *self,
                                     GAsyncResult *result,
                                     GError **error);

void
hdb_client_set_configuration_async (HdbClient *self,
                                    JsonObject *settings,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
char *
hdb_client_set_configuration_finish (HdbClient *self,
                                     GAsyncResult *result,
                                     GError **error);

void
hdb_client_cluster_status_async (HdbClient *self,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
HdbClusterStatus *
hdb_client_cluster_status_finish (HdbClient *self,
                                  GAsyncResult *result,
                                  GError **error);

void
hdb_client_add_node_async (HdbClient *self,
                           const HdbNodeSpec *spec,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data);
char *
hdb_client_add_node_finish (HdbClient *self,
                            GAsyncResult *result,
                            GError **error);

void
hdb_client_update_node_async (HdbClient *self,
                              const HdbNodeSpec *spec,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data);
char *
hdb_client_update_node_finish (HdbClient *self,
                               GAsyncResult *result,
                               GError **error);

void
hdb_client_remove_node_async (HdbClient *self,
                              HdbEngine engine,
                              const char *name,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data);
char *
hdb_client_remove_node_finish (HdbClient *self,
                               GAsyncResult *result,
                               GError **error);

void
hdb_client_cluster_set_routes_async (HdbClient *self,
                                     const char *server,
                                     JsonArray *routes,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
char *
hdb_client_cluster_set_routes_finish (HdbClient *self,
                                      GAsyncResult *result,
                                      GError **error);

void
hdb_client_cluster_get_routes_async (HdbClient *self,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
JsonNode *
hdb_client_cluster_get_routes_finish (HdbClient *self,
                                      GAsyncResult *result,
                                      GError **error);

void
hdb_client_cluster_delete_routes_async (HdbClient *self,
                                        JsonArray *routes,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
char *
hdb_client_cluster_delete_routes_finish (HdbClient *self,
                                         GAsyncResult *result,
                                         GError **error);

void
hdb_client_restart_async (HdbClient *self,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data);
HdbRestartReply *
hdb_client_restart_finish (HdbClient *self,
                           GAsyncResult *result,
                           GError **error);

void
hdb_client_restart_service_async (HdbClient *self,
                                  const char *service,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data);
HdbRestartReply *
hdb_client_restart_service_finish (HdbClient *self,
                                   GAsyncResult *result,
                                   GError **error);

void
hdb_client_get_job_async (HdbClient *self,
                          const char *job_id,
                          guint timeout_ms,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data);
HdbJob *
hdb_client_get_job_finish (HdbClient *self,
                           GAsyncResult *result,
                           GError **error);

void
hdb_client_cluster_network_async (HdbClient *self,
                                  guint wait_ms,
                                  gboolean connected_nodes,
                                  guint timeout_ms,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data);
HdbClusterNetwork *
hdb_client_cluster_network_finish (HdbClient *self,
                                   GAsyncResult *result,
                                   GError **error);

void
hdb_client_system_threads_async (HdbClient *self,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
GArray *
hdb_client_system_threads_finish (HdbClient *self,
                                  GAsyncResult *result,
                                  GError **error);

void
hdb_client_list_roles_async (HdbClient *self,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data);
GPtrArray *
hdb_client_list_roles_finish (HdbClient *self,
                              GAsyncResult *result,
                              GError **error);

void
hdb_client_add_role_async (HdbClient *self,
                           const char *role,
                           JsonObject *permission,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data);
char *
hdb_client_add_role_finish (HdbClient *self,
                            GAsyncResult *result,
                            GError **error);

void
hdb_client_list_users_async (HdbClient *self,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data);
GPtrArray *
hdb_client_list_users_finish (HdbClient *self,
                              GAsyncResult *result,
                              GError **error);

void
hdb_client_add_user_async (HdbClient *self,
                           const char *username,
                           const char *password,
                           const char *role,
                           gboolean active,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data);
char *
hdb_client_add_user_finish (HdbClient *self,
                            GAsyncResult *result,
                            GError **error);

void
hdb_client_alter_user_async (HdbClient *self,
                             const char *username,
                             const char *password,
                             const char *role,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data);
char *
hdb_client_alter_user_finish (HdbClient *self,
                              GAsyncResult *result,
                              GError **error);

void
hdb_client_create_database_async (HdbClient *self,
                                  const char *database,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data);
char *
hdb_client_create_database_finish (HdbClient *self,
                                   GAsyncResult *result,
                                   GError **error);

void
hdb_client_create_table_async (HdbClient *self,
                               const char *database,
                               const char *table,
                               const char *primary_key,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
char *
hdb_client_create_table_finish (HdbClient *self,
                                GAsyncResult *result,
                                GError **error);

void
hdb_client_insert_async (HdbClient *self,
                         const char *database,
                         const char *table,
                         JsonArray *records,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data);
char *
hdb_client_insert_finish (HdbClient *self,
                          GAsyncResult *result,
                          GError **error);

void
hdb_client_search_by_id_async (HdbClient *self,
                               const char *database,
                               const char *table,
                               JsonArray *ids,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
JsonArray *
hdb_client_search_by_id_finish (HdbClient *self,
                                GAsyncResult *result,
                                GError **error);

G_END_DECLS
