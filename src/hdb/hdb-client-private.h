/* hdb-client-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the files of HdbClient share and nobody else sees: the instance
 * structure, the request machinery of hdb-request.c that every typed
 * operation goes through, and the certificate handling of hdb-certificate.c.
 * Nothing outside src/hdb includes this header.
 */

#pragma once

#include <libsoup/soup.h>

#include "hdb-client.h"

G_BEGIN_DECLS

#define HDB_CLIENT_DEFAULT_TIMEOUT_MS        30000
#define HDB_CLIENT_DEFAULT_MAX_RESPONSE_SIZE (64 * 1024 * 1024)

struct _HdbClient
{
  GObject             parent_instance;

  SoupSession        *session;
  GUri               *base_uri;
  char               *base_url;
  char               *username;
  char               *authorization;   /* "Basic …": never logged, wiped when replaced */
  guint               timeout_ms;
  char               *pinned;          /* lower-case hex, no colons */
  char               *pinned_key;      /* SHA-256 of the pinned certificate's public key, once seen */
  guint               pin_notify;      /* idle that notifies a pin moved to a renewed certificate */
  gsize               max_response_size;
  HdbCertificateInfo *peer_certificate;
  guint               request_count;
  gboolean            not_super_user;  /* server_info found the login not a super user */
};

/* Turns the JSON of a 2xx answer into an operation's result, or fails with
 * HDB_ERROR_INVALID_RESPONSE. */
typedef gpointer (*HdbParseFunc) (JsonNode  *node,
                                  GError   **error);

/* hdb-request.c */
JsonObject *_hdb_operation_new         (const char          *operation);
gpointer    _hdb_parse_any             (JsonNode            *node,
                                        GError             **error);
void        _hdb_client_run            (HdbClient           *self,
                                        JsonObject          *request,
                                        guint                timeout_ms,
                                        HdbParseFunc         parse,
                                        GDestroyNotify       result_free,
                                        gpointer             source_tag,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
void        _hdb_client_run_message    (HdbClient           *self,
                                        JsonObject          *request,
                                        gpointer             source_tag,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gpointer    _hdb_client_finish_pointer (HdbClient           *self,
                                        GAsyncResult        *result,
                                        gpointer             source_tag,
                                        GError             **error);
char       *_hdb_client_host_and_port  (HdbClient           *self);
char       *_hdb_harper_error_text     (JsonNode            *node);

/* hdb-request-body.c */
GBytes     *_hdb_request_body_new      (JsonObject          *request,
                                        gboolean             wipe_secrets);

/* hdb-certificate.c */
void        _hdb_client_apply_pin      (HdbClient           *self);
gboolean    _hdb_client_accept_certificate (SoupMessage          *message,
                                            GTlsCertificate      *certificate,
                                            GTlsCertificateFlags  errors,
                                            gpointer              user_data);
GError     *_hdb_client_tls_error      (HdbClient           *self,
                                        const GError        *error);

/* hdb-client.c: the pin moves to a renewed certificate with the same key */
void        _hdb_client_move_pin       (HdbClient           *self,
                                        const char          *sha256);

/* An operation that takes no argument: its _async sends {"operation": …}
 * and its _finish returns what @parser made of the answer. */
#define HDB_DEFINE_SIMPLE_OPERATION(name, op_string, parser, free_func, ret_type)   \
  void                                                                              \
  hdb_client_##name##_async (HdbClient           *self,                            \
                             GCancellable        *cancellable,                     \
                             GAsyncReadyCallback  callback,                        \
                             gpointer             user_data)                       \
  {                                                                                 \
    g_return_if_fail (HDB_IS_CLIENT (self));                                        \
    _hdb_client_run (self, _hdb_operation_new (op_string), 0,                       \
                     (HdbParseFunc) parser, (GDestroyNotify) free_func,             \
                     hdb_client_##name##_async, cancellable, callback, user_data);  \
  }                                                                                 \
                                                                                    \
  ret_type                                                                          \
  hdb_client_##name##_finish (HdbClient     *self,                                  \
                              GAsyncResult  *result,                                \
                              GError       **error)                                 \
  {                                                                                 \
    return _hdb_client_finish_pointer (self, result, hdb_client_##name##_async,    \
                                       error);                                      \
  }

/* The _finish of an operation whose _async builds its own body. */
#define HDB_DEFINE_FINISH(name, ret_type)                                           \
  ret_type                                                                          \
  hdb_client_##name##_finish (HdbClient     *self,                                  \
                              GAsyncResult  *result,                                \
                              GError       **error)                                 \
  {                                                                                 \
    return _hdb_client_finish_pointer (self, result, hdb_client_##name##_async,    \
                                       error);                                      \
  }

G_END_DECLS
