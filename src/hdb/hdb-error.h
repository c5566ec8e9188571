/* hdb-error.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HDB_ERROR (hdb_error_quark ())

/**
 * HdbError:
 * @HDB_ERROR_NETWORK: the instance could not be reached, or the connection broke
 * @HDB_ERROR_TLS: the TLS handshake failed or the certificate is not trusted
 * @HDB_ERROR_AUTH: the server refused the credentials (HTTP 401)
 * @HDB_ERROR_FORBIDDEN: the user may not run this operation (HTTP 403)
 * @HDB_ERROR_HARPER: Harper refused the request (other 4xx, or a 200 that reports failure)
 * @HDB_ERROR_SERVER: the server failed (5xx), or something that is not Harper answered
 * @HDB_ERROR_INVALID_RESPONSE: the answer could not be understood
 * @HDB_ERROR_TIMEOUT: no answer within the request's timeout (the client's own timer)
 *
 * Error codes of the Harper client. The extended error data carries the
 * HTTP status and Harper's own `error` text; see hdb_error_get_status() and
 * hdb_error_get_harper_message().
 *
 * Cancellation follows GIO's convention: when the caller's #GCancellable is
 * cancelled, the operation ends with %G_IO_ERROR_CANCELLED, untouched.
 */
typedef enum
{
  HDB_ERROR_NETWORK,
  HDB_ERROR_TLS,
  HDB_ERROR_AUTH,
  HDB_ERROR_FORBIDDEN,
  HDB_ERROR_HARPER,
  HDB_ERROR_SERVER,
  HDB_ERROR_INVALID_RESPONSE,
  HDB_ERROR_TIMEOUT,
} HdbError;

/**
 * HdbErrorReason:
 * @HDB_ERROR_REASON_NONE: nothing this library knows of
 * @HDB_ERROR_REASON_MISSING_NODE: the node named is not in `hdb_nodes`
 *   (`remove_node`, `update_node`: "does not exist", "was not found")
 * @HDB_ERROR_REASON_ALREADY_ADDED: `add_node` of a node that is there already
 * @HDB_ERROR_REASON_ALREADY_EXISTS: `create_database` / `create_table` of one
 *   that exists
 * @HDB_ERROR_REASON_CLUSTERING_NOT_READY: legacy (NATS) clustering did not
 *   answer yet (no responders, not listening, a timeout inside Harper)
 * @HDB_ERROR_REASON_PEER_REFUSED_LOGIN: the node reached the peer, which
 *   refused the cluster user's login
 * @HDB_ERROR_REASON_PEER_UNREACHABLE: the node could not reach the peer
 *   (connection refused, unknown host, unreachable, timed out)
 * @HDB_ERROR_REASON_PEER_FAILED: `add_node` answered "Successfully added …
 *   but there was an error updating target node" for another reason
 *
 * What Harper meant, read from its message text. Harper's messages are
 * matched in this library only, against the table in hdb-error.c, whose
 * entries the fixtures under tests/fixtures/hdb/ show.
 */
typedef enum
{
  HDB_ERROR_REASON_NONE,
  HDB_ERROR_REASON_MISSING_NODE,
  HDB_ERROR_REASON_ALREADY_ADDED,
  HDB_ERROR_REASON_ALREADY_EXISTS,
  HDB_ERROR_REASON_CLUSTERING_NOT_READY,
  HDB_ERROR_REASON_PEER_REFUSED_LOGIN,
  HDB_ERROR_REASON_PEER_UNREACHABLE,
  HDB_ERROR_REASON_PEER_FAILED,
} HdbErrorReason;

GQuark       hdb_error_quark               (void);

void         hdb_set_error                 (GError     **error,
                                            HdbError     code,
                                            guint        http_status,
                                            const char  *harper_message,
                                            const char  *format,
                                            ...) G_GNUC_PRINTF (5, 6);
guint        hdb_error_get_status          (const GError *error);
const char  *hdb_error_get_harper_message  (const GError *error);
const char  *hdb_error_code_to_string      (HdbError     code);

HdbErrorReason hdb_error_get_reason        (const GError *error);
HdbErrorReason hdb_classify_message        (const char   *harper_text);
const char    *hdb_message_get_peer_detail (const char   *harper_text);

G_END_DECLS
