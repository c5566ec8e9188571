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
 * @HDB_ERROR_TIMEOUT: no answer within the request's timeout
 * @HDB_ERROR_CANCELLED: the caller cancelled the request
 *
 * Error codes of the Harper client. The extended error data carries the
 * HTTP status and Harper's own `error` text; see hdb_error_get_status() and
 * hdb_error_get_harper_message().
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
  HDB_ERROR_CANCELLED,
} HdbError;

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

G_END_DECLS
