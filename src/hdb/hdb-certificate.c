/* hdb-certificate.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How HdbClient trusts a server: the system's authorities, or a pinned
 * SHA-256 fingerprint. With a pin the session uses an HdbPinDatabase, which
 * vouches for nothing, so that every certificate reaches the
 * accept-certificate handler below, where the pin alone decides. The
 * certificate a server presented is kept (its details, never the key) for
 * the UI to show when it asks the user whether to trust it.
 */

#define G_LOG_DOMAIN "hdb-client"

#include <glib/gi18n-lib.h>

#include "hdb-client-private.h"
#include "hdb-deadline.h"
#include "hdb-pin-database.h"

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

/**
 * hdb_fingerprint_equal:
 * @a: (nullable): a SHA-256 fingerprint, in any form hdb_normalize_fingerprint() reads
 * @b: (nullable): another
 *
 * Returns: whether both are fingerprints, and the same one
 */
gboolean
hdb_fingerprint_equal (const char *a,
                       const char *b)
{
  g_autofree char *normal_a = hdb_normalize_fingerprint (a);
  g_autofree char *normal_b = hdb_normalize_fingerprint (b);

  return normal_a != NULL && normal_b != NULL && g_str_equal (normal_a, normal_b);
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

static char *public_key_sha256 (GTlsCertificate *certificate);

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
  info->public_key_sha256 = public_key_sha256 (certificate);
  info->not_before = g_tls_certificate_get_not_valid_before (certificate);
  info->not_after = g_tls_certificate_get_not_valid_after (certificate);
  return info;
}

/* One DER element at @p (of @len bytes): its tag, where its contents start
 * and how long they are, and its whole length. Definite lengths of up to
 * four bytes only, as certificates use; anything else is refused. */
static gboolean
der_element (const guint8  *p,
             gsize          len,
             guint8        *tag,
             const guint8 **contents,
             gsize         *contents_len,
             gsize         *total)
{
  gsize header = 2;
  gsize n;

  if (len < 2)
    return FALSE;
  *tag = p[0];
  n = p[1];
  if (n & 0x80)
    {
      guint bytes = n & 0x7f;

      if (bytes == 0 || bytes > 4 || len < 2 + (gsize) bytes)
        return FALSE;
      n = 0;
      for (guint i = 0; i < bytes; i++)
        n = (n << 8) | p[2 + i];
      header += bytes;
    }
  if (n > len - header)
    return FALSE;
  *contents = p + header;
  *contents_len = n;
  *total = header + n;
  return TRUE;
}

/**
 * hdb_certificate_public_key_sha256:
 * @der: a certificate, DER-encoded (X.509)
 * @len: its length
 *
 * The SHA-256 of the certificate's SubjectPublicKeyInfo (the whole DER
 * element, as public-key pins are computed): equal for two certificates
 * issued for the same key.
 *
 * Returns: (transfer full) (nullable): 64 lower-case hex digits, or %NULL
 *   when @der is not a certificate this reads
 */
char *
hdb_certificate_public_key_sha256 (const guint8 *der,
                                   gsize         len)
{
  /* Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version
   * (optional), serialNumber, signature, issuer, validity, subject,
   * subjectPublicKeyInfo, … }, … }: the tags before the key. */
  static const guint8 before_key[] = { 0x02, 0x30, 0x30, 0x30, 0x30 };
  const guint8 *contents, *inner;
  gsize contents_len, inner_len, total;
  guint8 tag;

  if (der == NULL || !der_element (der, len, &tag, &contents, &contents_len, &total) ||
      tag != 0x30)
    return NULL;
  if (!der_element (contents, contents_len, &tag, &contents, &contents_len, &total) ||
      tag != 0x30)
    return NULL;

  /* Inside tbsCertificate: each element is stepped over in turn. */
  for (guint i = 0; i <= G_N_ELEMENTS (before_key); i++)
    {
      if (!der_element (contents, contents_len, &tag, &inner, &inner_len, &total))
        return NULL;
      if (i == 0 && tag == 0xa0)
        {
          /* The version, present from X.509 v2 on. */
          contents += total;
          contents_len -= total;
          if (!der_element (contents, contents_len, &tag, &inner, &inner_len, &total))
            return NULL;
        }
      if (i == G_N_ELEMENTS (before_key))
        break;
      if (tag != before_key[i])
        return NULL;
      contents += total;
      contents_len -= total;
    }
  if (tag != 0x30)
    return NULL;
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, contents, total);
}

static char *
public_key_sha256 (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    return NULL;
  return hdb_certificate_public_key_sha256 (der->data, der->len);
}

/* Whether the pin accepts the certificate @info describes: the pinned one
 * (whose key is then known), or one the server renewed with that key, to
 * which the pin then moves. */
static gboolean
pin_accepts (HdbClient                *self,
             const HdbCertificateInfo *info)
{
  g_autofree char *presented = hdb_normalize_fingerprint (info->sha256);

  if (g_strcmp0 (presented, self->pinned) == 0)
    {
      /* The pinned certificate: its key is what a renewal must keep. */
      if (info->public_key_sha256 != NULL)
        {
          g_free (self->pinned_key);
          self->pinned_key = g_strdup (info->public_key_sha256);
        }
      return TRUE;
    }
  if (self->pinned_key != NULL && g_strcmp0 (info->public_key_sha256, self->pinned_key) == 0)
    {
      g_debug ("The certificate of %s was renewed with the pinned certificate's key; "
               "the pin moves to it", self->base_url);
      _hdb_client_move_pin (self, presented);
      return TRUE;
    }
  return FALSE;
}

/* The handler of every message's accept-certificate signal: libsoup asks
 * it about a certificate the session's database did not vouch for (every
 * certificate, when a pin is set). */
gboolean
_hdb_client_accept_certificate (SoupMessage          *message,
                                GTlsCertificate      *certificate,
                                GTlsCertificateFlags  errors,
                                gpointer              user_data)
{
  HdbClient *self = HDB_CLIENT (user_data);
  HdbCertificateInfo *info;

  info = certificate_info_new (certificate);
  if (info == NULL)
    return FALSE;

  g_clear_pointer (&self->peer_certificate, hdb_certificate_info_free);
  self->peer_certificate = info;

  return self->pinned != NULL && pin_accepts (self, info);
}


/* Gives the session the TLS database the pin calls for. */
void
_hdb_client_apply_pin (HdbClient *self)
{
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
}

/* A G_TLS_ERROR of a request, in words that say which certificate was
 * refused and why. */
GError *
_hdb_client_tls_error (HdbClient    *self,
                       const GError *error)
{
  g_autofree char *where = _hdb_client_host_and_port (self);
  GError *mapped = NULL;

  if (self->pinned != NULL && self->peer_certificate != NULL)
    hdb_set_error (&mapped, HDB_ERROR_TLS, 0, NULL,
                   _("The certificate of %s has changed: it is not the one you trusted "
                     "(it now presents %s). Check with the server's administrator before "
                     "trusting it again."), where, self->peer_certificate->sha256);
  else if (self->peer_certificate != NULL)
    hdb_set_error (&mapped, HDB_ERROR_TLS, 0, NULL,
                   _("The certificate of %s is not trusted (self-signed or from an unknown "
                     "authority). Its SHA-256 fingerprint is %s."),
                   where, self->peer_certificate->sha256);
  else
    hdb_set_error (&mapped, HDB_ERROR_TLS, 0, NULL,
                   _("Could not set up a secure connection to %s: %s. Check that the URL "
                     "uses the right scheme (http or https)."), where, error->message);
  return mapped;
}

/* Reading a TLS endpoint's certificate ---------------------------------------
 *
 * Before a node is told to accept a certificate without a certificate
 * authority (add_node with verify_tls false), the app reads what the
 * replication URL presents itself, to compare it with the certificate the
 * user pinned. The handshake never completes: the accept-certificate
 * handler records the certificate and refuses it, so nothing is sent to
 * that server, not even an HTTP request. */

typedef struct
{
  char               *where;              /* "host:port", for messages */
  GSocketConnectable *address;
  HdbDeadline         deadline;           /* its timer runs for timeout_ms */
  guint               timeout_ms;
  GSocketConnection  *tcp;
  GIOStream          *connection;
  HdbCertificateInfo *certificate;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  hdb_deadline_clear (&fetch->deadline);
  g_clear_object (&fetch->connection);
  if (fetch->tcp != NULL)
    g_io_stream_close (G_IO_STREAM (fetch->tcp), NULL, NULL);
  g_clear_object (&fetch->tcp);
  g_clear_object (&fetch->address);
  g_clear_pointer (&fetch->certificate, hdb_certificate_info_free);
  g_free (fetch->where);
  g_free (fetch);
}

/* Ends the task: with the certificate when one was presented, whatever
 * became of the handshake the handler refused; else with @error (taken),
 * in words that say which endpoint failed and how. */
static void
fetch_return (GTask  *task,
              GError *error)
{
  Fetch *fetch = g_task_get_task_data (task);
  GError *mapped = NULL;

  hdb_deadline_stop_timer (&fetch->deadline);
  if (fetch->certificate != NULL)
    {
      g_clear_error (&error);
      g_task_return_pointer (task, g_steal_pointer (&fetch->certificate),
                             (GDestroyNotify) hdb_certificate_info_free);
      return;
    }

  if (fetch->deadline.timed_out)
    hdb_set_error (&mapped, HDB_ERROR_TIMEOUT, 0, NULL,
                   _("%s did not present a certificate within %.1f s."),
                   fetch->where, fetch->timeout_ms / 1000.0);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    mapped = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                          _("Reading the certificate of %s was cancelled."), fetch->where);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    hdb_set_error (&mapped, HDB_ERROR_NETWORK, 0, NULL,
                   _("%s refused the connection."), fetch->where);
  else if (error->domain == G_RESOLVER_ERROR)
    hdb_set_error (&mapped, HDB_ERROR_NETWORK, 0, NULL,
                   _("The host of %s could not be found: %s"), fetch->where, error->message);
  else if (error->domain == G_TLS_ERROR)
    hdb_set_error (&mapped, HDB_ERROR_TLS, 0, NULL,
                   _("%s did not set up a secure connection: %s"), fetch->where, error->message);
  else
    hdb_set_error (&mapped, HDB_ERROR_NETWORK, 0, NULL,
                   _("Could not reach %s: %s"), fetch->where, error->message);
  g_clear_error (&error);
  g_task_return_error (task, mapped);
}

static gboolean
on_fetch_accept_certificate (GTlsConnection       *connection,
                             GTlsCertificate      *certificate,
                             GTlsCertificateFlags  errors,
                             gpointer              user_data)
{
  Fetch *fetch = user_data;

  g_clear_pointer (&fetch->certificate, hdb_certificate_info_free);
  fetch->certificate = certificate_info_new (certificate);
  /* Refused: this connection only reads the certificate. */
  return FALSE;
}

static void
on_fetch_handshake (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* The handler refused every certificate, so the handshake cannot have
   * succeeded; what it ended with matters only when none was presented. */
  if (g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error))
    g_set_error_literal (&error, G_TLS_ERROR, G_TLS_ERROR_MISC, _("no certificate presented"));
  fetch_return (task, error);
}

static void
on_fetch_connected (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GIOStream) plain = NULL;
  g_autoptr(GTlsDatabase) nobody = NULL;
  GIOStream *tls;
  GError *error = NULL;

  fetch->tcp = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
  if (fetch->tcp == NULL)
    {
      fetch_return (task, error);
      return;
    }
  /* TLS over the socket's streams, not over the socket connection itself:
   * glib-networking resumes a session (skipping the certificate, and any
   * check of it) only on a socket connection to an address it met before,
   * as this process's own clients do. A full handshake is the point here. */
  plain = g_simple_io_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (fetch->tcp)),
                                  g_io_stream_get_output_stream (G_IO_STREAM (fetch->tcp)));
  tls = g_tls_client_connection_new (plain, fetch->address, &error);
  if (tls == NULL)
    {
      fetch_return (task, error);
      return;
    }
  fetch->connection = tls;
  /* A database that vouches for nothing: every certificate, even one a
   * public authority signed, reaches the handler. */
  nobody = hdb_pin_database_new ();
  g_tls_connection_set_database (G_TLS_CONNECTION (tls), nobody);
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (on_fetch_accept_certificate), fetch);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT,
                                    fetch->deadline.cancellable, on_fetch_handshake,
                                    g_steal_pointer (&task));
}

/**
 * hdb_fetch_certificate_async:
 * @url: a wss:// or https:// URL (only its host and port are used)
 * @timeout_ms: how long connecting and the handshake may take; 0 for the
 *   client's default (30 s)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Reads the certificate the TLS endpoint of @url presents, without
 * trusting it and without sending it anything: the handshake is refused
 * once the certificate is read. Cancelling @cancellable ends it with
 * %G_IO_ERROR_CANCELLED; the timer, with %HDB_ERROR_TIMEOUT.
 */
void
hdb_fetch_certificate_async (const char          *url,
                             guint                timeout_ms,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSocketClient) socket_client = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  Fetch *fetch;
  int port;

  g_return_if_fail (url != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hdb_fetch_certificate_async);
  g_task_set_name (task, "[hdb] fetch certificate");
  /* Every error goes through fetch_return, which tells the caller's
   * cancellation from the timer. */
  g_task_set_check_cancellable (task, FALSE);

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_ascii_strcasecmp (scheme, "wss") != 0 && g_ascii_strcasecmp (scheme, "https") != 0))
    {
      GError *error = NULL;

      hdb_set_error (&error, HDB_ERROR_TLS, 0, NULL,
                     _("“%s” is not a wss:// or https:// URL, so it has no certificate to read."),
                     url);
      g_task_return_error (task, error);
      return;
    }
  port = g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 443;

  fetch = g_new0 (Fetch, 1);
  fetch->where = g_strdup_printf ("%s:%d", g_uri_get_host (uri), port);
  fetch->address = g_network_address_new (g_uri_get_host (uri), port);
  fetch->timeout_ms = timeout_ms > 0 ? timeout_ms : HDB_CLIENT_DEFAULT_TIMEOUT_MS;
  g_task_set_task_data (task, fetch, (GDestroyNotify) fetch_free);
  hdb_deadline_start (&fetch->deadline, cancellable, fetch->timeout_ms,
                      "[hdb] certificate timeout");

  socket_client = g_socket_client_new ();
  g_socket_client_connect_async (socket_client, fetch->address, fetch->deadline.cancellable,
                                 on_fetch_connected, g_steal_pointer (&task));
}

/**
 * hdb_fetch_certificate_finish:
 * @result: the result given to the callback
 * @error: return location for an error (%HDB_ERROR or %G_IO_ERROR_CANCELLED)
 *
 * Returns: (transfer full): the certificate's details, or %NULL
 */
HdbCertificateInfo *
hdb_fetch_certificate_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hdb_fetch_certificate_async,
                        NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Following a renewed certificate ----------------------------------------- */

static void
on_follow_fetched (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HdbClient *self = g_task_get_source_object (task);
  g_autoptr(HdbCertificateInfo) info = NULL;
  GError *error = NULL;

  info = hdb_fetch_certificate_finish (result, &error);
  if (info == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* A certificate the pin does not accept is left for the next request to
   * report, with its own words. */
  if (self->pinned != NULL && pin_accepts (self, info))
    {
      g_task_return_pointer (task, g_steal_pointer (&info),
                             (GDestroyNotify) hdb_certificate_info_free);
      return;
    }
  g_task_return_pointer (task, NULL, NULL);
}

/**
 * hdb_client_follow_certificate_async:
 * @self: a client
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Reads the certificate the server presents now, on a connection of its
 * own (an open keep-alive connection still shows the one it started
 * with), and moves the pin to it when the server renewed the pinned
 * certificate with the same key (see hdb_client_set_pinned_certificate()).
 * For after an operation that makes the server renew it: Harper reissues
 * a node's certificate when the node is connected over wss://.
 */
void
hdb_client_follow_certificate_async (HdbClient           *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HDB_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hdb_client_follow_certificate_async);
  if (self->pinned == NULL || self->pinned_key == NULL || hdb_client_is_plaintext (self))
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  hdb_fetch_certificate_async (self->base_url, self->timeout_ms, cancellable, on_follow_fetched,
                               g_steal_pointer (&task));
}

/**
 * hdb_client_follow_certificate_finish:
 * @self: a client
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the certificate the server presents
 *   now, which the pin names (it may have moved to it, now or before);
 *   %NULL without an error when the pin does not accept it, or when the
 *   client has no pin to follow (none, or its certificate not seen yet)
 */
HdbCertificateInfo *
hdb_client_follow_certificate_finish (HdbClient     *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
