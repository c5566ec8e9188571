/* hdb-parse.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure parsers from Harper's JSON answers to the structures of hdb-types.h.
 * They take the parsed body of a 2xx answer and fail with
 * HDB_ERROR_INVALID_RESPONSE when it does not have the expected shape.
 */

#pragma once

#include "hdb-types.h"

G_BEGIN_DECLS

HdbRegistrationInfo *hdb_parse_registration_info (JsonNode  *node,
                                                  GError   **error);
HdbUserInfo         *hdb_parse_user_info         (JsonNode  *node,
                                                  GError   **error);
GPtrArray           *hdb_parse_users             (JsonNode  *node,
                                                  GError   **error);
GPtrArray           *hdb_parse_roles             (JsonNode  *node,
                                                  GError   **error);
HdbSchema           *hdb_parse_describe_all      (JsonNode  *node,
                                                  GError   **error);
HdbConfiguration    *hdb_parse_configuration     (JsonNode  *node,
                                                  GError   **error);
HdbClusterStatus    *hdb_parse_cluster_status    (JsonNode  *node,
                                                  GError   **error);
GArray              *hdb_parse_thread_ids        (JsonNode  *node,
                                                  GError   **error);
char                *hdb_parse_message           (JsonNode  *node,
                                                  GError   **error);
char                *hdb_parse_node_message      (JsonNode  *node,
                                                  GError   **error);
HdbRestartReply     *hdb_parse_restart_reply     (JsonNode  *node,
                                                  GError   **error);
JsonNode            *hdb_parse_routes            (JsonNode  *node,
                                                  GError   **error);
HdbJob              *hdb_parse_job               (JsonNode  *node,
                                                  GError   **error);
HdbClusterNetwork   *hdb_parse_cluster_network   (JsonNode  *node,
                                                  GError   **error);
GPtrArray           *hdb_parse_subscriptions     (JsonArray *array);
gboolean             hdb_version_parse           (const char *version,
                                                  guint      *major,
                                                  guint      *minor,
                                                  guint      *micro);
gboolean             hdb_version_has_native      (const char *version);
HdbEngine            hdb_detect_engine           (const HdbConfiguration *config,
                                                  const HdbClusterStatus *status);

G_END_DECLS
