/* hdb-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One HdbClient talks to one Harper instance over its Operations API: a POST
 * of a JSON body to "/", with Basic authentication on every request. This
 * file holds the object itself: its construction, credentials and settings.
 * The requests are sent by hdb-request.c, the operations are in
 * hdb-client-cluster.c and hdb-client-instance.c, the trust in a server's
 * certificate is decided in hdb-certificate.c, and the composite server
 * information is in hdb-server-info.c.
 *
 * The client never writes a request body, an Authorization header or a
 * password to the log: bodies may carry passwords (add_user) and cluster
 * credentials (add_node).
 */

#define G_LOG_DOMAIN "hdb-client"

#include <string.h>

#include "hdb-client-private.h"

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

static void
hdb_client_finalize (GObject *object)
{
  HdbClient *self = HDB_CLIENT (object);

  g_clear_object (&self->session);
  g_clear_pointer (&self->base_uri, g_uri_unref);
  g_free (self->base_url);
  g_free (self->username);
  hdb_secret_free (self->authorization);
  g_free (self->pinned);
  g_free (self->pinned_key);
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
    g_param_spec_uint ("timeout", NULL, NULL, 1, G_MAXUINT, HDB_CLIENT_DEFAULT_TIMEOUT_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PINNED_CERTIFICATE] =
    g_param_spec_string ("pinned-certificate", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_RESPONSE_SIZE] =
    g_param_spec_uint64 ("max-response-size", NULL, NULL, 1024, G_MAXUINT64,
                         HDB_CLIENT_DEFAULT_MAX_RESPONSE_SIZE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hdb_client_init (HdbClient *self)
{
  self->timeout_ms = HDB_CLIENT_DEFAULT_TIMEOUT_MS;
  self->max_response_size = HDB_CLIENT_DEFAULT_MAX_RESPONSE_SIZE;
  /* Our own timer bounds each request; the session's timeouts stay off so
   * that a slow but progressing answer is judged by one rule only. */
  self->session = soup_session_new_with_options ("timeout", 0,
                                                 "idle-timeout", 60,
                                                 "max-conns-per-host", 4,
                                                 NULL);
}

/**
 * hdb_secret_free:
 * @secret: (nullable): a password, or a "Basic …" value
 *
 * Overwrites @secret with zeros and frees it, so that it does not linger in
 * freed memory. `g_autoptr(HdbSecret)` does this at the end of a scope.
 */
void
hdb_secret_free (char *secret)
{
  if (secret == NULL)
    return;
  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

/**
 * hdb_basic_authorization:
 * @username: a user name
 * @password: a password
 *
 * The value is as secret as the password it holds (base64 is no
 * encryption): free it with hdb_secret_free(), never with g_free().
 *
 * Returns: (transfer full): the value of a Basic Authorization header
 */
char *
hdb_basic_authorization (const char *username,
                         const char *password)
{
  static const char prefix[] = "Basic ";
  g_autoptr(HdbSecret) pair = NULL;
  g_autoptr(HdbSecret) encoded = NULL;
  gsize length;
  char *value;

  /* Every intermediate is allocated at its final size (no buffer that
   * grows and leaves a copy behind) and wiped before it is freed. */
  pair = g_strconcat (username ? username : "", ":", password ? password : "", NULL);
  encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
  length = strlen (encoded);
  value = g_malloc (sizeof prefix + length);
  memcpy (value, prefix, sizeof prefix - 1);
  memcpy (value + sizeof prefix - 1, encoded, length + 1);
  return value;
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

/**
 * hdb_client_is_plaintext:
 * @self: a client
 *
 * Whether the client talks plain HTTP: then its login (the Basic
 * Authorization header) and every password or cluster credential it sends
 * cross the network in clear, readable by anyone on the path. The UI and
 * the CLI warn about it.
 *
 * Returns: %TRUE for an http:// URL, %FALSE for https://
 */
gboolean
hdb_client_is_plaintext (HdbClient *self)
{
  g_return_val_if_fail (HDB_IS_CLIENT (self), FALSE);
  return g_ascii_strcasecmp (g_uri_get_scheme (self->base_uri), "https") != 0;
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
  hdb_secret_free (self->authorization);
  self->authorization = hdb_basic_authorization (username, password);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USERNAME]);
}

/**
 * hdb_client_dup_basic_authorization:
 * @self: a client
 *
 * The engines give this to a peer as the cluster user's authorization.
 * Treat it like a password: free it with hdb_secret_free().
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
 * With a pin, the certificate's fingerprint alone decides, whoever signed it;
 * with one exception. Once the client has seen the pinned certificate, it
 * knows its public key, and a certificate with another fingerprint but
 * that same key is accepted too: the server proved it holds the pinned
 * certificate's private key. Harper does this to a node when it is
 * connected over wss:// (its certificate is reissued, same key, by the
 * peer's authority). The pin then moves to the new certificate and
 * #HdbClient:pinned-certificate is notified (from an idle), so that the
 * owner can keep it.
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
  /* Another pin: the key of the one before no longer vouches for anything. */
  g_clear_pointer (&self->pinned_key, g_free);

  _hdb_client_apply_pin (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PINNED_CERTIFICATE]);
}

static gboolean
notify_pin_moved (gpointer user_data)
{
  HdbClient *self = HDB_CLIENT (user_data);

  self->pin_notify = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PINNED_CERTIFICATE]);
  return G_SOURCE_REMOVE;
}

/* The server presented a certificate with another fingerprint but the
 * public key of the pinned one (hdb-certificate.c): the pin moves to it.
 * The notification comes from an idle: this runs inside the TLS handshake,
 * where a listener must not rebuild clients or write files. */
void
_hdb_client_move_pin (HdbClient  *self,
                      const char *sha256)
{
  g_autofree char *normal = hdb_normalize_fingerprint (sha256);

  g_return_if_fail (normal != NULL);

  g_free (self->pinned);
  self->pinned = g_steal_pointer (&normal);
  if (self->pin_notify == 0)
    {
      self->pin_notify = g_idle_add_full (G_PRIORITY_DEFAULT, notify_pin_moved,
                                          g_object_ref (self), g_object_unref);
      g_source_set_name_by_id (self->pin_notify, "[hdb] pin moved");
    }
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
