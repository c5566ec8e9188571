/* hdb-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One HdbClient talks to one Harper instance over its Operations API: a POST
 * of a JSON body to "/", with Basic authentication on every request. The
 * client never writes a request body, an Authorization header or a password
 * to the log: bodies may carry passwords (add_user) and cluster credentials
 * (add_node).
 */

#define G_LOG_DOMAIN "hdb-client"

#include <string.h>

#include <libsoup/soup.h>

#include "hdb-client.h"
#include "hdb-json.h"
#include "hdb-parse.h"
#include "hdb-pin-database.h"

#define DEFAULT_TIMEOUT_MS         30000
#define DEFAULT_MAX_RESPONSE_SIZE  (64 * 1024 * 1024)
#define READ_CHUNK                 (64 * 1024)

struct _HdbClient
{
  GObject             parent_instance;

  SoupSession        *session;
  GUri               *base_uri;
  char               *base_url;
  char               *username;
  char               *authorization;   /* "Basic …": never logged */
  guint               timeout_ms;
  char               *pinned;          /* lower-case hex, no colons */
  gsize               max_response_size;
  HdbCertificateInfo *peer_certificate;
  guint               request_count;
};

G_DEFINE_FINAL_TYPE (HdbClient, hdb_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_USERNAME,
  PROP_TIMEOUT,
  PROP_PINNED_CERTIFICATE,
  PROP_MAX_RESPONSE_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef gpointer (*HdbParseFunc) (JsonNode  *node,
                                  GError   **error);

/* One operation, the GTask's data. A read may be sent twice (see
 * HDB_READ_ATTEMPT_MS); the fields under "The current attempt" belong to the
 * attempt in flight and are replaced by attempt_clear() and attempt_start(). */
typedef struct
{
  HdbClient      *client;
  GBytes         *body;            /* NULL for GET /health */
  char           *operation;       /* for messages and the debug log */
  HdbParseFunc    parse;
  GDestroyNotify  result_free;
  gboolean        raw_text;        /* GET /health: the body is not JSON */
  GCancellable   *caller_cancellable;
  guint           timeout_ms;      /* the whole request's bound */
  guint           reported_ms;     /* the bound a final timeout names */
  gboolean        may_retry;       /* a read whose bound exceeds HDB_READ_ATTEMPT_MS */
  guint           attempt;         /* 1 for the first */
  gint64          started;         /* monotonic time the first attempt began */

  /* The current attempt */
  SoupMessage    *message;
  GCancellable   *cancellable;     /* ours: cancelled by the caller's or by the timer */
  gulong          caller_handler;
  guint           timeout_source;
  guint           attempt_timeout_ms;
  gboolean        timed_out;
  GInputStream   *stream;
  GByteArray     *buffer;
} Request;

static void on_message_restarted (SoupMessage *message,
                                  gpointer     user_data);

/* Drops everything the current attempt holds. A cancelled attempt's
 * message is finished by then: its callback has run. */
static void
attempt_clear (Request *req)
{
  g_clear_handle_id (&req->timeout_source, g_source_remove);
  if (req->caller_handler != 0)
    g_cancellable_disconnect (req->caller_cancellable, req->caller_handler);
  req->caller_handler = 0;
  g_clear_object (&req->cancellable);
  g_clear_object (&req->stream);
  g_clear_pointer (&req->buffer, g_byte_array_unref);
  if (req->message != NULL)
    g_signal_handlers_disconnect_by_func (req->message, on_message_restarted, req);
  g_clear_object (&req->message);
  req->timed_out = FALSE;
}

static void
request_free (Request *req)
{
  attempt_clear (req);
  g_clear_object (&req->caller_cancellable);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_free (req->operation);
  g_clear_object (&req->client);
  g_free (req);
}

static void
hdb_client_finalize (GObject *object)
{
  HdbClient *self = HDB_CLIENT (object);

  g_clear_object (&self->session);
  g_clear_pointer (&self->base_uri, g_uri_unref);
  g_free (self->base_url);
  g_free (self->username);
  if (self->authorization != NULL)
    memset (self->authorization, 0, strlen (self->authorization));
  g_free (self->authorization);
  g_free (self->pinned);
  g_clear_pointer (&self->peer_certificate, hdb_certificate_info_free);

  G_OBJECT_CLASS (hdb_client_parent_class)->finalize (object);
}

static void
hdb_client_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  HdbClient *self = HDB_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_USERNAME:
      g_value_set_string (value, self->username);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout_ms);
      break;
    case PROP_PINNED_CERTIFICATE:
      g_value_set_string (value, self->pinned);
      break;
    case PROP_MAX_RESPONSE_SIZE:
      g_value_set_uint64 (value, self->max_response_size);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hdb_client_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  HdbClient *self = HDB_CLIENT (object);

  switch (prop_id)
    {
    case PROP_TIMEOUT:
      hdb_client_set_timeout (self, g_value_get_uint (value));
      break;
    case PROP_PINNED_CERTIFICATE:
      hdb_client_set_pinned_certificate (self, g_value_get_string (value));
      break;
    case PROP_MAX_RESPONSE_SIZE:
      hdb_client_set_max_response_size (self, g_value_get_uint64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hdb_client_class_init (HdbClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hdb_client_finalize;
  object_class->get_property = hdb_client_get_property;
  object_class->set_property = hdb_client_set_property;

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_USERNAME] =
    g_param_spec_string ("username", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 1, G_MAXUINT, DEFAULT_TIMEOUT_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PINNED_CERTIFICATE] =
    g_param_spec_string ("pinned-certificate", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_RESPONSE_SIZE] =
    g_param_spec_uint64 ("max-response-size", NULL, NULL, 1024, G_MAXUINT64,
                         DEFAULT_MAX_RESPONSE_SIZE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hdb_client_init (HdbClient *self)
{
  self->timeout_ms = DEFAULT_TIMEOUT_MS;
  self->max_response_size = DEFAULT_MAX_RESPONSE_SIZE;
  /* Our own timer bounds each request; the session's timeouts stay off so
   * that a slow but progressing answer is judged by one rule only. */
  self->session = soup_session_new_with_options ("timeout", 0,
                                                 "idle-timeout", 60,
                                                 "max-conns-per-host", 4,
                                                 NULL);
}

/**
 * hdb_basic_authorization:
 * @username: a user name
 * @password: a password
 *
 * Returns: (transfer full): the value of a Basic Authorization header
 */
char *
hdb_basic_authorization (const char *username,
                         const char *password)
{
  g_autofree char *pair = g_strdup_printf ("%s:%s", username ? username : "",
                                           password ? password : "");
  g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));

  memset (pair, 0, strlen (pair));
  return g_strdup_printf ("Basic %s", encoded);
}

/**
 * hdb_client_new:
 * @base_url: the operations API, e.g. "https://db1.example.com:9925"
 * @username: the login
 * @password: its password (kept in memory only)
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): a client, or %NULL when @base_url is
 *   not an http or https URL
 */
HdbClient *
hdb_client_new (const char  *base_url,
                const char  *username,
                const char  *password,
                GError     **error)
{
  g_autoptr(HdbClient) self = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *scheme;

  g_return_val_if_fail (base_url != NULL, NULL);

  uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, &local_error);
  if (uri == NULL)
    {
      hdb_set_error (error, HDB_ERROR_NETWORK, 0, NULL,
                     "“%s” is not a valid URL: %s", base_url, local_error->message);
      return NULL;
    }

  /* A password in the URL would end up in every message and debug line
   * that names the instance: never take one. */
  if (g_uri_get_userinfo (uri) != NULL)
    {
      hdb_set_error (error, HDB_ERROR_NETWORK, 0, NULL,
                     "The URL must not contain a user name or password.");
      return NULL;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      hdb_set_error (error, HDB_ERROR_NETWORK, 0, NULL,
                     "“%s” is not an http or https URL.", base_url);
      return NULL;
    }
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      hdb_set_error (error, HDB_ERROR_NETWORK, 0, NULL,
                     "“%s” names no host.", base_url);
      return NULL;
    }

  self = g_object_new (HDB_TYPE_CLIENT, NULL);
  self->base_uri = g_uri_parse_relative (uri, "/", G_URI_FLAGS_NONE, NULL);
  self->base_url = g_strdup (base_url);
  hdb_client_set_credentials (self, username, password);

  return g_steal_pointer (&self);
}

const char *
hdb_client_get_base_url (HdbClient *self)
{
  g_return_val_if_fail (HDB_IS_CLIENT (self), NULL);
  return self->base_url;
}

const char *
hdb_client_get_username (HdbClient *self)
{
  g_return_val_if_fail (HDB_IS_CLIENT (self), NULL);
  return self->username;
}

/**
 * hdb_client_set_credentials:
 * @self: a client
 * @username: the login
 * @password: its password
 *
 * Replaces the credentials used by the requests started from now on.
 */
void
hdb_client_set_credentials (HdbClient  *self,
                            const char *username,
                            const char *password)
{
  g_return_if_fail (HDB_IS_CLIENT (self));

  g_free (self->username);
  self->username = g_strdup (username);
  if (self->authorization != NULL)
    memset (self->authorization, 0, strlen (self->authorization));
  g_free (self->authorization);
  self->authorization = hdb_basic_authorization (username, password);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USERNAME]);
}

/**
 * hdb_client_dup_basic_authorization:
 * @self: a client
 *
 * The engines give this to a peer as the cluster user's authorization.
 * Treat it like a password.
 *
 * Returns: (transfer full): the "Basic …" value of this client's login
 */
char *
hdb_client_dup_basic_authorization (HdbClient *self)
{
  g_return_val_if_fail (HDB_IS_CLIENT (self), NULL);
  return g_strdup (self->authorization);
}

guint
hdb_client_get_timeout (HdbClient *self)
{
  g_return_val_if_fail (HDB_IS_CLIENT (self), 0);
  return self->timeout_ms;
}

/**
 * hdb_client_set_timeout:
 * @self: a client
 * @timeout_ms: the default time a request may take, in milliseconds
 *
 * This bounds the whole call: a read that is asked again (see
 * %HDB_READ_ATTEMPT_MS) shares it between its two attempts.
 */
void
hdb_client_set_timeout (HdbClient *self,
                        guint      timeout_ms)
{
  g_return_if_fail (HDB_IS_CLIENT (self));
  g_return_if_fail (timeout_ms > 0);

  if (self->timeout_ms == timeout_ms)
    return;
  self->timeout_ms = timeout_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

/**
 * hdb_normalize_fingerprint:
 * @fingerprint: a SHA-256 fingerprint, hex, with or without colons
 *
 * Returns: (transfer full) (nullable): 64 lower-case hex digits, or %NULL
 *   when @fingerprint is not a SHA-256 fingerprint
 */
char *
hdb_normalize_fingerprint (const char *fingerprint)
{
  GString *out;

  if (fingerprint == NULL)
    return NULL;

  out = g_string_new (NULL);
  for (const char *p = fingerprint; *p; p++)
    {
      if (g_ascii_isxdigit (*p))
        g_string_append_c (out, g_ascii_tolower (*p));
      else if (*p != ':' && *p != ' ')
        {
          g_string_free (out, TRUE);
          return NULL;
        }
    }

  if (out->len != 64)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/**
 * hdb_format_fingerprint:
 * @fingerprint: a SHA-256 fingerprint
 *
 * Returns: (transfer full) (nullable): the form people read: "AB:CD:…"
 */
char *
hdb_format_fingerprint (const char *fingerprint)
{
  g_autofree char *normal = hdb_normalize_fingerprint (fingerprint);
  GString *out;

  if (normal == NULL)
    return NULL;

  out = g_string_new (NULL);
  for (guint i = 0; i < 64; i += 2)
    {
      if (i > 0)
        g_string_append_c (out, ':');
      g_string_append_c (out, g_ascii_toupper (normal[i]));
      g_string_append_c (out, g_ascii_toupper (normal[i + 1]));
    }
  return g_string_free (out, FALSE);
}

const char *
hdb_client_get_pinned_certificate (HdbClient *self)
{
  g_return_val_if_fail (HDB_IS_CLIENT (self), NULL);
  return self->pinned;
}

/**
 * hdb_client_set_pinned_certificate:
 * @self: a client
 * @sha256: (nullable): the SHA-256 fingerprint of the only certificate to
 *   accept, or %NULL to rely on the system's trusted authorities
 *
 * With a pin, the certificate's fingerprint alone decides, whoever signed it.
 */
void
hdb_client_set_pinned_certificate (HdbClient  *self,
                                   const char *sha256)
{
  g_autofree char *normal = NULL;

  g_return_if_fail (HDB_IS_CLIENT (self));

  normal = hdb_normalize_fingerprint (sha256);
  if (sha256 != NULL && *sha256 != '\0' && normal == NULL)
    g_warning ("Ignoring a pinned certificate that is not a SHA-256 fingerprint");

  if (g_strcmp0 (normal, self->pinned) == 0)
    return;

  g_free (self->pinned);
  self->pinned = g_steal_pointer (&normal);

  if (self->pinned != NULL)
    {
      g_autoptr(GTlsDatabase) database = hdb_pin_database_new ();

      g_object_set (self->session, "tls-database", database, NULL);
    }
  else
    {
      GTlsBackend *backend = g_tls_backend_get_default ();
      g_autoptr(GTlsDatabase) database = g_tls_backend_get_default_database (backend);

      g_object_set (self->session, "tls-database", database, NULL);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PINNED_CERTIFICATE]);
}

gsize
hdb_client_get_max_response_size (HdbClient *self)
{
  g_return_val_if_fail (HDB_IS_CLIENT (self), 0);
  return self->max_response_size;
}

/**
 * hdb_client_set_max_response_size:
 * @self: a client
 * @max_bytes: the largest answer body accepted
 *
 * A larger answer fails with %HDB_ERROR_INVALID_RESPONSE instead of
 * filling memory.
 */
void
hdb_client_set_max_response_size (HdbClient *self,
                                  gsize      max_bytes)
{
  g_return_if_fail (HDB_IS_CLIENT (self));

  if (self->max_response_size == max_bytes)
    return;
  self->max_response_size = max_bytes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_RESPONSE_SIZE]);
}

/**
 * hdb_client_dup_peer_certificate:
 * @self: a client
 *
 * The certificate the server presented the last time one was not trusted:
 * what the UI shows when it asks the user whether to trust it.
 *
 * Returns: (transfer full) (nullable): the certificate's details, or %NULL
 */
HdbCertificateInfo *
hdb_client_dup_peer_certificate (HdbClient *self)
{
  g_return_val_if_fail (HDB_IS_CLIENT (self), NULL);
  return hdb_certificate_info_copy (self->peer_certificate);
}

/**
 * hdb_client_get_request_count:
 * @self: a client
 *
 * Every request sent counts, including the second attempt of a read whose
 * first got no answer in time (see %HDB_READ_ATTEMPT_MS): one call can
 * count twice.
 *
 * Returns: how many requests this client has sent
 */
guint
hdb_client_get_request_count (HdbClient *self)
{
  g_return_val_if_fail (HDB_IS_CLIENT (self), 0);
  return self->request_count;
}

static HdbCertificateInfo *
certificate_info_new (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;
  HdbCertificateInfo *info;
  g_autofree char *hex = NULL;

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    return NULL;

  hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
  info = g_new0 (HdbCertificateInfo, 1);
  info->sha256 = hdb_format_fingerprint (hex);
  info->subject = g_tls_certificate_get_subject_name (certificate);
  info->issuer = g_tls_certificate_get_issuer_name (certificate);
  info->not_before = g_tls_certificate_get_not_valid_before (certificate);
  info->not_after = g_tls_certificate_get_not_valid_after (certificate);
  return info;
}

static gboolean
on_accept_certificate (SoupMessage          *message,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  HdbClient *self = HDB_CLIENT (user_data);
  g_autofree char *presented = NULL;
  HdbCertificateInfo *info;

  info = certificate_info_new (certificate);
  if (info == NULL)
    return FALSE;

  g_clear_pointer (&self->peer_certificate, hdb_certificate_info_free);
  self->peer_certificate = info;

  if (self->pinned == NULL)
    return FALSE;

  presented = hdb_normalize_fingerprint (info->sha256);
  return g_strcmp0 (presented, self->pinned) == 0;
}

/* libsoup may restart a message (a redirect, a dropped keep-alive
 * connection); the body stream is then spent and must be given again. */
static void
on_message_restarted (SoupMessage *message,
                      gpointer     user_data)
{
  Request *req = user_data;

  soup_message_set_request_body_from_bytes (message, "application/json", req->body);
}

/* The operations that only read: asking one of them twice changes nothing
 * on the server. "sql" is not one of them: a statement may write. Anything
 * not listed is sent once, whatever happens. */
static const char * const read_operations[] = {
  "cluster_status", "cluster_get_routes", "cluster_network",
  "describe_all", "describe_database", "describe_table",
  "get_configuration", "system_information", "registration_info",
  "user_info", "list_users", "list_roles", "get_job",
  "search_by_id", "search_by_value", "search_by_hash", "search_by_conditions",
};

static gboolean
operation_is_read (const char *operation)
{
  for (guint i = 0; i < G_N_ELEMENTS (read_operations); i++)
    if (g_strcmp0 (operation, read_operations[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
caller_cancelled (Request *req)
{
  return req->caller_cancellable != NULL && g_cancellable_is_cancelled (req->caller_cancellable);
}

/* The first attempt of a read with a long bound is shortened; any other
 * attempt runs to the end of the caller's bound. */
static gboolean
attempt_is_last (Request *req)
{
  return !req->may_retry || req->attempt > 1;
}

static void
request_return_error (GTask  *task,
                      GError *error)
{
  g_task_return_error (task, error);
  g_object_unref (task);
}

static char *
host_and_port (HdbClient *self)
{
  int port = g_uri_get_port (self->base_uri);

  if (port < 0)
    port = g_ascii_strcasecmp (g_uri_get_scheme (self->base_uri), "https") == 0 ? 443 : 80;
  return g_strdup_printf ("%s:%d", g_uri_get_host (self->base_uri), port);
}

/* Turns a transport-level error into an HdbError that says what happened
 * in words a user can act on. */
static GError *
map_transport_error (Request *req,
                     GError  *error)
{
  HdbClient *self = req->client;
  g_autofree char *where = host_and_port (self);
  GError *mapped = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      /* A shortened first attempt that ran out while the caller cancelled
       * is not retried (see request_transport_failed): it was cancelled. */
      if ((req->timed_out && (attempt_is_last (req) || !caller_cancelled (req))) ||
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        hdb_set_error (&mapped, HDB_ERROR_TIMEOUT, 0, NULL,
                       "%s did not answer %s within %.1f s.",
                       where, req->operation, req->reported_ms / 1000.0);
      else
        mapped = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                              "The request %s to %s was cancelled.", req->operation, where);
    }
  else if (error->domain == G_TLS_ERROR)
    {
      if (self->pinned != NULL && self->peer_certificate != NULL)
        hdb_set_error (&mapped, HDB_ERROR_TLS, 0, NULL,
                       "The certificate of %s has changed: it is not the one you trusted "
                       "(it now presents %s). Check with the server's administrator before "
                       "trusting it again.", where, self->peer_certificate->sha256);
      else if (self->peer_certificate != NULL)
        hdb_set_error (&mapped, HDB_ERROR_TLS, 0, NULL,
                       "The certificate of %s is not trusted (self-signed or from an unknown "
                       "authority). Its SHA-256 fingerprint is %s.",
                       where, self->peer_certificate->sha256);
      else
        hdb_set_error (&mapped, HDB_ERROR_TLS, 0, NULL,
                       "Could not set up a secure connection to %s: %s. Check that the URL "
                       "uses the right scheme (http or https).", where, error->message);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    hdb_set_error (&mapped, HDB_ERROR_NETWORK, 0, NULL,
                   "%s refused the connection. Check that Harper is running and that the "
                   "port is right.", where);
  else if (error->domain == G_RESOLVER_ERROR)
    hdb_set_error (&mapped, HDB_ERROR_NETWORK, 0, NULL,
                   "The host of %s could not be found: %s", where, error->message);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE))
    hdb_set_error (&mapped, HDB_ERROR_NETWORK, 0, NULL,
                   "The connection to %s closed before the whole answer to %s arrived.",
                   where, req->operation);
  else if (error->domain == SOUP_SESSION_ERROR)
    hdb_set_error (&mapped, HDB_ERROR_INVALID_RESPONSE, 0, NULL,
                   "%s did not answer %s with valid HTTP: %s",
                   where, req->operation, error->message);
  else
    hdb_set_error (&mapped, HDB_ERROR_NETWORK, 0, NULL,
                   "Could not reach %s: %s", where, error->message);

  return mapped;
}

static char *
harper_error_text (JsonNode *node)
{
  JsonObject *object;
  JsonNode *error_node;
  JsonNode *unauthorized;
  GString *text;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);
  if (!json_object_has_member (object, "error"))
    return NULL;

  error_node = json_object_get_member (object, "error");
  if (JSON_NODE_HOLDS_VALUE (error_node) && json_node_get_value_type (error_node) == G_TYPE_STRING)
    text = g_string_new (json_node_get_string (error_node));
  else
    text = g_string_new ("(no message)");

  /* A 403 says which operation was refused; that is the useful part. */
  unauthorized = json_object_get_member (object, "unauthorized_access");
  if (unauthorized != NULL && JSON_NODE_HOLDS_ARRAY (unauthorized))
    {
      JsonArray *array = json_node_get_array (unauthorized);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (element) &&
              json_node_get_value_type (element) == G_TYPE_STRING)
            g_string_append_printf (text, "; %s", json_node_get_string (element));
        }
    }
  return g_string_free (text, FALSE);
}

static void
request_complete (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  HdbClient *self = req->client;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *where = host_and_port (self);
  g_autofree char *harper_text = NULL;
  GError *error = NULL;
  guint status;
  gboolean is_json;

  status = soup_message_get_status (req->message);

  if (req->raw_text)
    {
      if (SOUP_STATUS_IS_SUCCESSFUL (status))
        {
          g_task_return_boolean (task, TRUE);
          g_object_unref (task);
          return;
        }
      hdb_set_error (&error, status >= 500 ? HDB_ERROR_SERVER : HDB_ERROR_HARPER, status, NULL,
                     "%s answered the health check with HTTP %u %s.",
                     where, status, soup_message_get_reason_phrase (req->message));
      request_return_error (task, error);
      return;
    }

  /* Bounded in size and depth before json-glib sees it (hdb-json.h). */
  root = hdb_json_parse ((const char *) req->buffer->data, req->buffer->len,
                         self->max_response_size, &parse_error);
  is_json = root != NULL;

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      gpointer result;

      if (!is_json || root == NULL)
        {
          hdb_set_error (&error, HDB_ERROR_INVALID_RESPONSE, status, NULL,
                         "%s answered %s with something that is not JSON%s%s. Is this "
                         "the operations API of a Harper instance?",
                         where, req->operation,
                         parse_error ? ": " : "",
                         parse_error ? parse_error->message : "");
          request_return_error (task, error);
          return;
        }

      result = req->parse (root, &error);
      if (result == NULL)
        {
          request_return_error (task, error);
          return;
        }
      g_task_return_pointer (task, result, req->result_free);
      g_object_unref (task);
      return;
    }

  harper_text = is_json ? harper_error_text (root) : NULL;

  if (status == SOUP_STATUS_UNAUTHORIZED)
    hdb_set_error (&error, HDB_ERROR_AUTH, status, harper_text,
                   "%s refused the login of “%s”%s%s. Check the user name and password.",
                   where, self->username ? self->username : "",
                   harper_text ? ": " : "", harper_text ? harper_text : "");
  else if (status == SOUP_STATUS_FORBIDDEN)
    hdb_set_error (&error, HDB_ERROR_FORBIDDEN, status, harper_text,
                   "“%s” may not run %s on %s%s%s. This needs a super user.",
                   self->username ? self->username : "", req->operation, where,
                   harper_text ? ": " : "", harper_text ? harper_text : "");
  else if (status >= 400 && status < 500 && harper_text != NULL)
    hdb_set_error (&error, HDB_ERROR_HARPER, status, harper_text,
                   "%s refused %s: %s", where, req->operation, harper_text);
  else if (status >= 400 && status < 500)
    hdb_set_error (&error, HDB_ERROR_HARPER, status, NULL,
                   "%s refused %s with HTTP %u %s.", where, req->operation, status,
                   soup_message_get_reason_phrase (req->message));
  else if (status >= 500 && harper_text != NULL)
    hdb_set_error (&error, HDB_ERROR_SERVER, status, harper_text,
                   "%s failed to run %s: %s", where, req->operation, harper_text);
  else if (status >= 500)
    hdb_set_error (&error, HDB_ERROR_SERVER, status, NULL,
                   "%s answered %s with HTTP %u %s and a page that does not come from "
                   "Harper (a proxy in between, or a server that is starting or failing).",
                   where, req->operation, status,
                   soup_message_get_reason_phrase (req->message));
  else
    hdb_set_error (&error, HDB_ERROR_INVALID_RESPONSE, status, NULL,
                   "%s answered %s with an unexpected HTTP %u %s. Check the URL.",
                   where, req->operation, status,
                   soup_message_get_reason_phrase (req->message));

  request_return_error (task, error);
}

static void read_next_chunk (GTask *task);
static void request_transport_failed (GTask  *task,
                                      GError *error);

static void
on_chunk_read (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  GError *error = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (chunk == NULL)
    {
      request_transport_failed (task, error);
      return;
    }

  if (g_bytes_get_size (chunk) == 0)
    {
      g_input_stream_close_async (req->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      g_clear_handle_id (&req->timeout_source, g_source_remove);
      request_complete (task);
      return;
    }

  if (req->buffer->len + g_bytes_get_size (chunk) > req->client->max_response_size)
    {
      g_autofree char *where = host_and_port (req->client);
      g_autofree char *limit = g_format_size (req->client->max_response_size);

      g_cancellable_cancel (req->cancellable);
      hdb_set_error (&error, HDB_ERROR_INVALID_RESPONSE,
                     soup_message_get_status (req->message), NULL,
                     "The answer of %s to %s is larger than %s; it was not read.",
                     where, req->operation, limit);
      request_return_error (task, error);
      return;
    }

  g_byte_array_append (req->buffer, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  read_next_chunk (task);
}

static void
read_next_chunk (GTask *task)
{
  Request *req = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (req->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   req->cancellable, on_chunk_read, task);
}

static void
on_message_sent (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);
  GError *error = NULL;

  req->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (req->stream == NULL)
    {
      request_transport_failed (task, error);
      return;
    }

  req->buffer = g_byte_array_new ();
  read_next_chunk (task);
}

static gboolean
on_request_timeout (gpointer user_data)
{
  Request *req = user_data;

  req->timeout_source = 0;
  req->timed_out = TRUE;
  g_cancellable_cancel (req->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_caller_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  GCancellable *ours = user_data;

  g_cancellable_cancel (ours);
}

static void
attempt_start (GTask *task,
               guint  timeout_ms)
{
  Request *req = g_task_get_task_data (task);
  HdbClient *self = req->client;

  req->cancellable = g_cancellable_new ();
  if (req->caller_cancellable != NULL)
    req->caller_handler = g_cancellable_connect (req->caller_cancellable,
                                                 G_CALLBACK (on_caller_cancelled),
                                                 req->cancellable, NULL);

  req->attempt_timeout_ms = timeout_ms;
  req->timeout_source = g_timeout_add (timeout_ms, on_request_timeout, req);
  g_source_set_name_by_id (req->timeout_source, "[hdb] request timeout");

  soup_message_add_flags (req->message, SOUP_MESSAGE_NO_REDIRECT);
  g_signal_connect_object (req->message, "accept-certificate",
                           G_CALLBACK (on_accept_certificate), self, 0);
  if (req->body != NULL)
    g_signal_connect (req->message, "restarted", G_CALLBACK (on_message_restarted), req);

  self->request_count++;
  g_debug ("%s → %s", req->operation, self->base_url);

  soup_session_send_async (self->session, req->message, G_PRIORITY_DEFAULT,
                           req->cancellable, on_message_sent, task);
}

/* A message like @old: the same method, URL, body and the headers this
 * client sets (not those libsoup added while sending @old). */
static SoupMessage *
message_new_like (SoupMessage *old,
                  GBytes      *body)
{
  static const char * const copied[] = { "Authorization", "Accept" };
  SoupMessageHeaders *from = soup_message_get_request_headers (old);
  SoupMessage *message;

  message = soup_message_new_from_uri (soup_message_get_method (old),
                                       soup_message_get_uri (old));
  for (guint i = 0; i < G_N_ELEMENTS (copied); i++)
    {
      const char *value = soup_message_headers_get_one (from, copied[i]);

      if (value != NULL)
        soup_message_headers_replace (soup_message_get_request_headers (message),
                                      copied[i], value);
    }
  if (body != NULL)
    soup_message_set_request_body_from_bytes (message, "application/json", body);
  return message;
}

/* Sends a read again after its first attempt got no answer within
 * HDB_READ_ATTEMPT_MS, with what is left of the caller's bound.
 *
 * Harper 4.4 sometimes receives a read sent just after an add_node or an
 * update_node and never answers it, while it answers anything else at
 * once. Waiting longer does not help; asking again does. */
static void
request_retry (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  gint64 elapsed_ms = (g_get_monotonic_time () - req->started) / 1000;
  guint remaining_ms = 1000;
  SoupMessage *message;

  /* At least 1 s, so that the second attempt has a chance; the bound then
   * exceeds the caller's by less than that, and a timeout names it. */
  if (elapsed_ms + 1000 < req->timeout_ms)
    remaining_ms = req->timeout_ms - elapsed_ms;
  req->reported_ms = MAX (req->timeout_ms, elapsed_ms + remaining_ms);

  g_debug ("%s on %s: no answer within %.1f s, asking again on a new connection",
           req->operation, req->client->base_url, req->attempt_timeout_ms / 1000.0);

  message = message_new_like (req->message, req->body);
  attempt_clear (req);
  req->message = message;
  /* Not on the connection that swallowed the first attempt (libsoup
   * closes that one, as its message was cancelled mid-way), nor on an idle
   * one: a fresh connection is what Harper answers. libsoup 3.2 gives every
   * POST a new connection anyway (it reuses idle ones only for idempotent
   * methods or messages flagged so); the flag keeps this true regardless. */
  soup_message_add_flags (req->message, SOUP_MESSAGE_NEW_CONNECTION);
  req->attempt++;
  attempt_start (task, remaining_ms);
}

/* The current attempt failed before a whole answer arrived; takes @error.
 * Only a read's shortened first attempt that ran out is sent again: never
 * on another error, never when the caller cancelled, never a write. */
static void
request_transport_failed (GTask  *task,
                          GError *error)
{
  Request *req = g_task_get_task_data (task);
  GError *mapped;

  if (req->timed_out && !attempt_is_last (req) && !caller_cancelled (req))
    {
      g_error_free (error);
      request_retry (task);
      return;
    }

  g_debug ("%s on %s failed: %s", req->operation, req->client->base_url, error->message);
  mapped = map_transport_error (req, error);
  g_error_free (error);
  request_return_error (task, mapped);
}

static void
request_start (HdbClient           *self,
               Request             *req,
               guint                timeout_ms,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task;

  req->client = g_object_ref (self);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, req->operation);
  g_task_set_task_data (task, req, (GDestroyNotify) request_free);
  /* GTask must not return its own G_IO_ERROR_CANCELLED early: every error
   * goes through map_transport_error, which tells the caller's cancellation
   * (G_IO_ERROR_CANCELLED) from the client's own timer (HDB_ERROR_TIMEOUT).
   * Each attempt has a cancellable of its own, chained to the caller's. */
  g_task_set_check_cancellable (task, FALSE);

  if (cancellable != NULL)
    req->caller_cancellable = g_object_ref (cancellable);

  req->timeout_ms = timeout_ms > 0 ? timeout_ms : self->timeout_ms;
  req->reported_ms = req->timeout_ms;
  /* A bound of HDB_READ_ATTEMPT_MS or less (the monitor's checks, the
   * restart polls) leaves no room for a second attempt: one is sent. */
  req->may_retry = !req->raw_text && operation_is_read (req->operation) &&
                   req->timeout_ms > HDB_READ_ATTEMPT_MS;
  req->attempt = 1;
  req->started = g_get_monotonic_time ();

  attempt_start (task, req->may_retry ? HDB_READ_ATTEMPT_MS : req->timeout_ms);
}

/* Starts one operation. Takes @request; @parse turns the answer's JSON
 * into the result, which @result_free frees. */
static void
hdb_client_run (HdbClient           *self,
                JsonObject          *request,
                guint                timeout_ms,
                HdbParseFunc         parse,
                GDestroyNotify       result_free,
                gpointer             source_tag,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(JsonObject) owned = request;
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  Request *req;
  char *text;

  json_node_set_object (node, owned);

  req = g_new0 (Request, 1);
  req->operation = g_strdup (json_object_get_string_member_with_default (owned, "operation",
                                                                          "request"));
  req->parse = parse;
  req->result_free = result_free;

  text = json_to_string (node, FALSE);
  req->body = g_bytes_new_take (text, strlen (text));

  req->message = soup_message_new_from_uri (SOUP_METHOD_POST, self->base_uri);
  soup_message_headers_replace (soup_message_get_request_headers (req->message),
                                "Authorization", self->authorization);
  soup_message_headers_replace (soup_message_get_request_headers (req->message),
                                "Accept", "application/json");
  soup_message_set_request_body_from_bytes (req->message, "application/json", req->body);

  request_start (self, req, timeout_ms, source_tag, cancellable, callback, user_data);
}

static gpointer
hdb_client_finish_pointer (HdbClient     *self,
                           GAsyncResult  *result,
                           gpointer       source_tag,
                           GError       **error)
{
  g_return_val_if_fail (HDB_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static JsonObject *
operation_new (const char *operation)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "operation", operation);
  return object;
}

static gpointer
parse_any (JsonNode  *node,
           GError   **error)
{
  return json_node_copy (node);
}

/**
 * hdb_client_call_async:
 * @self: a client
 * @request: (transfer none): the whole request body, with its `operation`
 * @timeout_ms: the time this request may take, 0 for the client's default
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Sends any operation and returns the JSON answer as it is. The typed
 * calls below are preferred; this one serves tests and rare operations.
 * An operation that only reads (by its name, e.g. get_job) may be sent a
 * second time, as %HDB_READ_ATTEMPT_MS describes; any other is sent once.
 */
void
hdb_client_call_async (HdbClient           *self,
                       JsonObject          *request,
                       guint                timeout_ms,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_return_if_fail (HDB_IS_CLIENT (self));
  g_return_if_fail (request != NULL);

  hdb_client_run (self, json_object_ref (request), timeout_ms, parse_any,
                  (GDestroyNotify) json_node_unref, hdb_client_call_async,
                  cancellable, callback, user_data);
}

/**
 * hdb_client_call_finish:
 * @self: a client
 * @result: the result
 * @error: return location for an #HdbError
 *
 * Returns: (transfer full): the JSON answer
 */
JsonNode *
hdb_client_call_finish (HdbClient     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  return hdb_client_finish_pointer (self, result, hdb_client_call_async, error);
}

/**
 * hdb_client_health_async:
 * @self: a client
 * @timeout_ms: the time the check may take, 0 for the client's default
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * `GET /health`: answers without authentication while Harper runs.
 */
void
hdb_client_health_async (HdbClient           *self,
                         guint                timeout_ms,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GUri) uri = NULL;
  Request *req;

  g_return_if_fail (HDB_IS_CLIENT (self));

  uri = g_uri_parse_relative (self->base_uri, "/health", G_URI_FLAGS_NONE, NULL);

  req = g_new0 (Request, 1);
  req->operation = g_strdup ("health");
  req->raw_text = TRUE;
  req->message = soup_message_new_from_uri (SOUP_METHOD_GET, uri);

  request_start (self, req, timeout_ms, hdb_client_health_async, cancellable, callback,
                 user_data);
}

gboolean
hdb_client_health_finish (HdbClient     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (HDB_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The simple operations: a request without arguments and a parser. */
#define SIMPLE_OPERATION(name, op_string, parser, free_func, ret_type)              \
  void                                                                              \
  hdb_client_##name##_async (HdbClient           *self,                            \
                             GCancellable        *cancellable,                     \
                             GAsyncReadyCallback  callback,                        \
                             gpointer             user_data)                       \
  {                                                                                 \
    g_return_if_fail (HDB_IS_CLIENT (self));                                        \
    hdb_client_run (self, operation_new (op_string), 0, (HdbParseFunc) parser,     \
                    (GDestroyNotify) free_func, hdb_client_##name##_async,          \
                    cancellable, callback, user_data);                              \
  }                                                                                 \
                                                                                    \
  ret_type                                                                          \
  hdb_client_##name##_finish (HdbClient     *self,                                  \
                              GAsyncResult  *result,                                \
                              GError       **error)                                 \
  {                                                                                 \
    return hdb_client_finish_pointer (self, result, hdb_client_##name##_async,     \
                                      error);                                       \
  }

SIMPLE_OPERATION (registration_info, "registration_info", hdb_parse_registration_info,
                  hdb_registration_info_free, HdbRegistrationInfo *)
SIMPLE_OPERATION (user_info, "user_info", hdb_parse_user_info, hdb_user_info_free,
                  HdbUserInfo *)
SIMPLE_OPERATION (describe_all, "describe_all", hdb_parse_describe_all, hdb_schema_free,
                  HdbSchema *)
SIMPLE_OPERATION (get_configuration, "get_configuration", hdb_parse_configuration,
                  hdb_configuration_free, HdbConfiguration *)
SIMPLE_OPERATION (cluster_status, "cluster_status", hdb_parse_cluster_status,
                  hdb_cluster_status_free, HdbClusterStatus *)
SIMPLE_OPERATION (cluster_get_routes, "cluster_get_routes", hdb_parse_routes,
                  json_node_unref, JsonNode *)
SIMPLE_OPERATION (restart, "restart", hdb_parse_restart_reply, hdb_restart_reply_free,
                  HdbRestartReply *)
SIMPLE_OPERATION (list_roles, "list_roles", hdb_parse_roles, g_ptr_array_unref,
                  GPtrArray *)
SIMPLE_OPERATION (list_users, "list_users", hdb_parse_users, g_ptr_array_unref,
                  GPtrArray *)

#undef SIMPLE_OPERATION

/* The operations with arguments build their body and hand it on. */
#define FINISH_OPERATION(name, ret_type)                                            \
  ret_type                                                                          \
  hdb_client_##name##_finish (HdbClient     *self,                                  \
                              GAsyncResult  *result,                                \
                              GError       **error)                                 \
  {                                                                                 \
    return hdb_client_finish_pointer (self, result, hdb_client_##name##_async,     \
                                      error);                                       \
  }

void
hdb_client_set_configuration_async (HdbClient           *self,
                                    JsonObject          *settings,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  JsonObject *request;
  g_autoptr(GList) names = NULL;

  g_return_if_fail (HDB_IS_CLIENT (self));
  g_return_if_fail (settings != NULL);

  request = operation_new ("set_configuration");
  names = json_object_get_members (settings);
  for (const GList *l = names; l != NULL; l = l->next)
    if (g_strcmp0 (l->data, "operation") != 0)
      json_object_set_member (request, l->data,
                              json_node_copy (json_object_get_member (settings, l->data)));

  hdb_client_run (self, request, 0, (HdbParseFunc) hdb_parse_message, g_free,
                  hdb_client_set_configuration_async, cancellable, callback, user_data);
}

FINISH_OPERATION (set_configuration, char *)

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
  JsonObject *request = operation_new (operation);

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

  hdb_client_run (self, node_request_new ("add_node", spec), 0,
                  (HdbParseFunc) hdb_parse_node_message, g_free,
                  hdb_client_add_node_async, cancellable, callback, user_data);
}

FINISH_OPERATION (add_node, char *)

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

  hdb_client_run (self, node_request_new ("update_node", spec), 0,
                  (HdbParseFunc) hdb_parse_node_message, g_free,
                  hdb_client_update_node_async, cancellable, callback, user_data);
}

FINISH_OPERATION (update_node, char *)

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

  request = operation_new ("remove_node");
  json_object_set_string_member (request, engine == HDB_ENGINE_NATS ? "node_name" : "hostname",
                                 name);
  hdb_client_run (self, request, 0, (HdbParseFunc) hdb_parse_message, g_free,
                  hdb_client_remove_node_async, cancellable, callback, user_data);
}

FINISH_OPERATION (remove_node, char *)

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

  request = operation_new ("cluster_set_routes");
  if (server != NULL)
    json_object_set_string_member (request, "server", server);
  json_object_set_array_member (request, "routes", json_array_ref (routes));
  hdb_client_run (self, request, 0, (HdbParseFunc) hdb_parse_message, g_free,
                  hdb_client_cluster_set_routes_async, cancellable, callback, user_data);
}

FINISH_OPERATION (cluster_set_routes, char *)

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

  request = operation_new ("cluster_delete_routes");
  json_object_set_array_member (request, "routes", json_array_ref (routes));
  hdb_client_run (self, request, 0, (HdbParseFunc) hdb_parse_message, g_free,
                  hdb_client_cluster_delete_routes_async, cancellable, callback, user_data);
}

FINISH_OPERATION (cluster_delete_routes, char *)

/**
 * hdb_client_restart_service_async:
 * @self: a client
 * @service: e.g. "http_workers" or "clustering_config"
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 */
void
hdb_client_restart_service_async (HdbClient           *self,
                                  const char          *service,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  JsonObject *request;

  g_return_if_fail (HDB_IS_CLIENT (self));
  g_return_if_fail (service != NULL);

  request = operation_new ("restart_service");
  json_object_set_string_member (request, "service", service);
  hdb_client_run (self, request, 0, (HdbParseFunc) hdb_parse_restart_reply,
                  (GDestroyNotify) hdb_restart_reply_free,
                  hdb_client_restart_service_async, cancellable, callback, user_data);
}

FINISH_OPERATION (restart_service, HdbRestartReply *)

/**
 * hdb_client_system_threads_async:
 * @self: a client
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * `system_information` for `threads`: the ids of the worker threads, which a
 * restart replaces (DESIGN.md §4).
 */
void
hdb_client_system_threads_async (HdbClient           *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  JsonObject *request;
  JsonArray *attributes;

  g_return_if_fail (HDB_IS_CLIENT (self));

  request = operation_new ("system_information");
  attributes = json_array_new ();
  json_array_add_string_element (attributes, "threads");
  json_object_set_array_member (request, "attributes", attributes);
  hdb_client_run (self, request, 0, (HdbParseFunc) hdb_parse_thread_ids,
                  (GDestroyNotify) g_array_unref,
                  hdb_client_system_threads_async, cancellable, callback, user_data);
}

FINISH_OPERATION (system_threads, GArray *)

void
hdb_client_add_role_async (HdbClient           *self,
                           const char          *role,
                           JsonObject          *permission,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  JsonObject *request;

  g_return_if_fail (HDB_IS_CLIENT (self));
  g_return_if_fail (role != NULL && permission != NULL);

  request = operation_new ("add_role");
  json_object_set_string_member (request, "role", role);
  json_object_set_object_member (request, "permission", json_object_ref (permission));
  hdb_client_run (self, request, 0, parse_any, (GDestroyNotify) json_node_unref,
                  hdb_client_add_role_async, cancellable, callback, user_data);
}

/**
 * hdb_client_add_role_finish:
 * @self: a client
 * @result: the result
 * @error: return location for an #HdbError
 *
 * Returns: (transfer full): the role's name as Harper created it
 */
char *
hdb_client_add_role_finish (HdbClient     *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_autoptr(JsonNode) node = hdb_client_finish_pointer (self, result,
                                                        hdb_client_add_role_async, error);
  JsonObject *object;

  if (node == NULL)
    return NULL;

  /* add_role answers with the created role, not with a message. */
  object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  if (object == NULL || !json_object_has_member (object, "role"))
    {
      hdb_set_error (error, HDB_ERROR_INVALID_RESPONSE, 200, NULL,
                     "The answer to add_role does not name the role.");
      return NULL;
    }
  return g_strdup (json_object_get_string_member_with_default (object, "role", ""));
}

void
hdb_client_add_user_async (HdbClient           *self,
                           const char          *username,
                           const char          *password,
                           const char          *role,
                           gboolean             active,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  JsonObject *request;

  g_return_if_fail (HDB_IS_CLIENT (self));
  g_return_if_fail (username != NULL && password != NULL && role != NULL);

  request = operation_new ("add_user");
  json_object_set_string_member (request, "role", role);
  json_object_set_string_member (request, "username", username);
  json_object_set_string_member (request, "password", password);
  json_object_set_boolean_member (request, "active", active);
  hdb_client_run (self, request, 0, (HdbParseFunc) hdb_parse_message, g_free,
                  hdb_client_add_user_async, cancellable, callback, user_data);
}

FINISH_OPERATION (add_user, char *)

/**
 * hdb_client_alter_user_async:
 * @self: a client
 * @username: the user to change
 * @password: (nullable): a new password, or %NULL to keep it
 * @role: (nullable): a new role, or %NULL to keep it
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 */
void
hdb_client_alter_user_async (HdbClient           *self,
                             const char          *username,
                             const char          *password,
                             const char          *role,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  JsonObject *request;

  g_return_if_fail (HDB_IS_CLIENT (self));
  g_return_if_fail (username != NULL);

  request = operation_new ("alter_user");
  json_object_set_string_member (request, "username", username);
  if (password != NULL)
    json_object_set_string_member (request, "password", password);
  if (role != NULL)
    json_object_set_string_member (request, "role", role);
  hdb_client_run (self, request, 0, (HdbParseFunc) hdb_parse_message, g_free,
                  hdb_client_alter_user_async, cancellable, callback, user_data);
}

FINISH_OPERATION (alter_user, char *)

void
hdb_client_create_database_async (HdbClient           *self,
                                  const char          *database,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  JsonObject *request;

  g_return_if_fail (HDB_IS_CLIENT (self));
  g_return_if_fail (database != NULL);

  request = operation_new ("create_database");
  json_object_set_string_member (request, "database", database);
  hdb_client_run (self, request, 0, (HdbParseFunc) hdb_parse_message, g_free,
                  hdb_client_create_database_async, cancellable, callback, user_data);
}

FINISH_OPERATION (create_database, char *)

void
hdb_client_create_table_async (HdbClient           *self,
                               const char          *database,
                               const char          *table,
                               const char          *primary_key,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  JsonObject *request;

  g_return_if_fail (HDB_IS_CLIENT (self));
  g_return_if_fail (database != NULL && table != NULL && primary_key != NULL);

  request = operation_new ("create_table");
  json_object_set_string_member (request, "database", database);
  json_object_set_string_member (request, "table", table);
  json_object_set_string_member (request, "primary_key", primary_key);
  hdb_client_run (self, request, 0, (HdbParseFunc) hdb_parse_message, g_free,
                  hdb_client_create_table_async, cancellable, callback, user_data);
}

FINISH_OPERATION (create_table, char *)

void
hdb_client_insert_async (HdbClient           *self,
                         const char          *database,
                         const char          *table,
                         JsonArray           *records,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  JsonObject *request;

  g_return_if_fail (HDB_IS_CLIENT (self));
  g_return_if_fail (database != NULL && table != NULL && records != NULL);

  request = operation_new ("insert");
  json_object_set_string_member (request, "database", database);
  json_object_set_string_member (request, "table", table);
  json_object_set_array_member (request, "records", json_array_ref (records));
  hdb_client_run (self, request, 0, (HdbParseFunc) hdb_parse_message, g_free,
                  hdb_client_insert_async, cancellable, callback, user_data);
}

FINISH_OPERATION (insert, char *)

static gpointer
parse_record_array (JsonNode  *node,
                    GError   **error)
{
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      hdb_set_error (error, HDB_ERROR_INVALID_RESPONSE, 200, NULL,
                     "The answer to search_by_id is not a list of records.");
      return NULL;
    }
  return json_array_ref (json_node_get_array (node));
}

void
hdb_client_search_by_id_async (HdbClient           *self,
                               const char          *database,
                               const char          *table,
                               JsonArray           *ids,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  JsonObject *request;
  JsonArray *attributes;

  g_return_if_fail (HDB_IS_CLIENT (self));
  g_return_if_fail (database != NULL && table != NULL && ids != NULL);

  request = operation_new ("search_by_id");
  json_object_set_string_member (request, "database", database);
  json_object_set_string_member (request, "table", table);
  json_object_set_array_member (request, "ids", json_array_ref (ids));
  attributes = json_array_new ();
  json_array_add_string_element (attributes, "*");
  json_object_set_array_member (request, "get_attributes", attributes);
  hdb_client_run (self, request, 0, parse_record_array, (GDestroyNotify) json_array_unref,
                  hdb_client_search_by_id_async, cancellable, callback, user_data);
}

FINISH_OPERATION (search_by_id, JsonArray *)

#undef FINISH_OPERATION

/* server_info: registration_info, user_info, then (for a super user)
 * get_configuration and cluster_status, one after the other. */
typedef struct
{
  HdbServerInfo    *info;
  HdbConfiguration *config;
} ServerInfoState;

static void
server_info_state_free (ServerInfoState *state)
{
  g_clear_pointer (&state->info, hdb_server_info_free);
  g_clear_pointer (&state->config, hdb_configuration_free);
  g_free (state);
}

static void
server_info_finish_with (GTask *task)
{
  ServerInfoState *state = g_task_get_task_data (task);

  g_task_return_pointer (task, g_steal_pointer (&state->info),
                         (GDestroyNotify) hdb_server_info_free);
  g_object_unref (task);
}

static void
on_server_info_status (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  ServerInfoState *state = g_task_get_task_data (task);
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(GError) error = NULL;

  status = hdb_client_cluster_status_finish (HDB_CLIENT (source), result, &error);
  if (status == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  state->info->engine = hdb_detect_engine (state->config, status);

  if (status->node_name != NULL && status->engine != HDB_ENGINE_NONE)
    state->info->node_name = g_strdup (status->node_name);

  /* The file says one thing, the running server another: a restart is due. */
  if (state->info->engine == HDB_ENGINE_NATIVE)
    state->info->restart_pending = status->engine != HDB_ENGINE_NATIVE ||
      (state->config->replication_hostname != NULL &&
       g_strcmp0 (state->config->replication_hostname, status->node_name) != 0);
  else if (state->info->engine == HDB_ENGINE_NATS)
    state->info->restart_pending = !status->is_enabled;

  if (state->info->node_name == NULL && !state->info->restart_pending)
    {
      if (state->info->engine == HDB_ENGINE_NATS)
        state->info->node_name = g_strdup (state->config->clustering_node_name);
      else if (state->info->engine == HDB_ENGINE_NATIVE)
        state->info->node_name = g_strdup (state->config->replication_hostname);
    }

  server_info_finish_with (task);
}

static void
on_server_info_configuration (GObject      *source,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  GTask *task = user_data;
  ServerInfoState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  state->config = hdb_client_get_configuration_finish (HDB_CLIENT (source), result, &error);
  if (state->config == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  hdb_client_cluster_status_async (HDB_CLIENT (source), g_task_get_cancellable (task),
                                   on_server_info_status, task);
}

static void
on_server_info_user (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  ServerInfoState *state = g_task_get_task_data (task);
  g_autoptr(HdbUserInfo) user = NULL;
  g_autoptr(GError) error = NULL;

  user = hdb_client_user_info_finish (HDB_CLIENT (source), result, &error);
  if (user == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  state->info->username = g_strdup (user->username);
  state->info->super_user = user->super_user;

  /* Only a super user may read the configuration: anyone else gets the
   * engine as unknown rather than a guess from the version. */
  if (!user->super_user)
    {
      state->info->engine = HDB_ENGINE_UNKNOWN;
      server_info_finish_with (task);
      return;
    }

  hdb_client_get_configuration_async (HDB_CLIENT (source), g_task_get_cancellable (task),
                                      on_server_info_configuration, task);
}

static void
on_server_info_registration (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  GTask *task = user_data;
  ServerInfoState *state = g_task_get_task_data (task);
  g_autoptr(HdbRegistrationInfo) registration = NULL;
  g_autoptr(GError) error = NULL;

  registration = hdb_client_registration_info_finish (HDB_CLIENT (source), result, &error);
  if (registration == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  state->info->version = g_strdup (registration->version);
  hdb_client_user_info_async (HDB_CLIENT (source), g_task_get_cancellable (task),
                              on_server_info_user, task);
}

/**
 * hdb_client_server_info_async:
 * @self: a client
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Finds the version, the replication engine (from the configuration, never
 * from the version alone) and the node name.
 */
void
hdb_client_server_info_async (HdbClient           *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;
  ServerInfoState *state;

  g_return_if_fail (HDB_IS_CLIENT (self));

  state = g_new0 (ServerInfoState, 1);
  state->info = g_new0 (HdbServerInfo, 1);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hdb_client_server_info_async);
  g_task_set_task_data (task, state, (GDestroyNotify) server_info_state_free);

  hdb_client_registration_info_async (self, cancellable, on_server_info_registration, task);
}

HdbServerInfo *
hdb_client_server_info_finish (HdbClient     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return hdb_client_finish_pointer (self, result, hdb_client_server_info_async, error);
}
