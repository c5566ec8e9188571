/* test-faults-certificate.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Certificates from loopback servers, for what a real Harper node does not
 * do on demand:
 *
 * - hdb_fetch_certificate_async() reads the certificate a TLS endpoint
 *   presents without sending it a request; a server that answers in plain
 *   HTTP, a closed port, a server that never says a word (the timer), the
 *   caller's cancellation and a URL without TLS each end in their error.
 * - hdb_certificate_public_key_sha256(): the same for a certificate
 *   reissued with the same key (test-cert-a-renewed.pem: key A, signed by
 *   B, as Harper reissues a node's certificate), another for another key,
 *   nothing for any truncated certificate.
 * - A pinned client follows a certificate renewed with the pinned one's key
 *   (hdb_client_follow_certificate_async(), or any request: its pin moves,
 *   notified), refuses one with another key, and a client that never saw
 *   the pinned certificate accepts no renewal.
 */

#include <string.h>

#include "fault-server.h"
#include "test-util.h"

#define FETCH_BOUND_MS 20000

static void
handle_registration (SoupServerMessage *msg,
                     gpointer           data)
{
  fault_respond (msg, 200, "application/json",
                 "{\"registered\":false,\"version\":\"4.4.18\",\"ram_allocation\":512,"
                 "\"license_expiration_date\":null}");
}

static GTlsCertificate *
load_certificate (const char *cert_name,
                  const char *key_name)
{
  g_autofree char *cert = g_test_build_filename (G_TEST_DIST, "faults", cert_name, NULL);
  g_autofree char *key = g_test_build_filename (G_TEST_DIST, "faults", key_name, NULL);
  g_autoptr(GError) error = NULL;
  GTlsCertificate *certificate = g_tls_certificate_new_from_files (cert, key, &error);

  g_assert_no_error (error);
  return certificate;
}

static GByteArray *
certificate_der (GTlsCertificate *certificate)
{
  GByteArray *der = NULL;

  g_object_get (certificate, "certificate", &der, NULL);
  g_assert_nonnull (der);
  return der;
}

static char *
certificate_sha256 (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = certificate_der (certificate);
  g_autofree char *hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);

  return hdb_format_fingerprint (hex);
}

static HdbCertificateInfo *
fetch (const char    *url,
       guint          timeout_ms,
       GCancellable  *cancellable,
       GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  TEST_AWAIT (result, FETCH_BOUND_MS,
              hdb_fetch_certificate_async (url, timeout_ms, cancellable, test_util_store_result,
                                           &result));
  return hdb_fetch_certificate_finish (result, error);
}

/* "wss://127.0.0.1:PORT" for a server's "https://127.0.0.1:PORT/" */
static char *
wss_url (const char *https_url)
{
  g_autoptr(GUri) uri = g_uri_parse (https_url, G_URI_FLAGS_NONE, NULL);

  g_assert_nonnull (uri);
  return g_strdup_printf ("wss://%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
}

/* A port on 127.0.0.1 that was free a moment ago, where nothing listens. */
static guint
closed_port (void)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  g_socket_close (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* Fetching ------------------------------------------------------------------- */

static void
test_fetch (void)
{
  g_autoptr(GTlsCertificate) cert_a = load_certificate ("test-cert-a.pem", "test-key-a.pem");
  g_autoptr(FaultServer) fs = fault_server_new (handle_registration, cert_a);
  g_autofree char *expected = certificate_sha256 (cert_a);
  g_autofree char *url = wss_url (fs->url);
  g_autoptr(HdbCertificateInfo) info = NULL;
  g_autoptr(HdbCertificateInfo) again = NULL;
  g_autoptr(GError) error = NULL;

  info = fetch (url, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->sha256, ==, expected);
  g_assert_nonnull (strstr (info->subject, "clusterdeck-fault-a"));
  g_assert_nonnull (info->not_after);
  /* The handshake was refused once the certificate was read: the server
   * never got a request. */
  g_assert_cmpuint (fs->n_requests, ==, 0);

  /* An https:// URL names the same endpoint. */
  again = fetch (fs->url, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->sha256, ==, expected);
  g_assert_true (hdb_fingerprint_equal (again->sha256, expected));
}

static void
test_fetch_refused (void)
{
  g_autofree char *url = g_strdup_printf ("wss://127.0.0.1:%u", closed_port ());
  g_autoptr(HdbCertificateInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = fetch (url, 5000, NULL, &error);
  g_assert_null (info);
  g_assert_error (error, HDB_ERROR, HDB_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "refused"));
}

/* A TCP listener that is no TLS server: it answers every connection with
 * @reply (what a plain HTTP server says to bytes it cannot read) and
 * closes it, or with %NULL holds it and never says a word. */
typedef struct
{
  GSocketService *service;
  GPtrArray      *held;
  const char     *reply;
  char           *url;
} RawServer;

static gboolean
on_raw_incoming (GSocketService    *service,
                 GSocketConnection *connection,
                 GObject           *source,
                 gpointer           user_data)
{
  RawServer *raw = user_data;

  if (raw->reply == NULL)
    {
      g_ptr_array_add (raw->held, g_object_ref (connection));
      return TRUE;
    }
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), raw->reply,
                             strlen (raw->reply), NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

static RawServer *
raw_server_new (const char *reply)
{
  RawServer *raw = g_new0 (RawServer, 1);
  g_autoptr(GError) error = NULL;
  guint16 port;

  raw->service = g_socket_service_new ();
  raw->held = g_ptr_array_new_with_free_func (g_object_unref);
  raw->reply = reply;
  port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (raw->service), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (raw->service, "incoming", G_CALLBACK (on_raw_incoming), raw);
  raw->url = g_strdup_printf ("wss://127.0.0.1:%u", port);
  return raw;
}

static void
raw_server_free (RawServer *raw)
{
  g_socket_service_stop (raw->service);
  g_socket_listener_close (G_SOCKET_LISTENER (raw->service));
  g_object_unref (raw->service);
  g_ptr_array_unref (raw->held);
  g_free (raw->url);
  g_free (raw);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RawServer, raw_server_free)

static void
test_fetch_not_a_tls_server (void)
{
  g_autoptr(RawServer) raw = raw_server_new ("HTTP/1.1 400 Bad Request\r\n"
                                             "Content-Length: 0\r\nConnection: close\r\n\r\n");
  g_autoptr(HdbCertificateInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = fetch (raw->url, 5000, NULL, &error);
  g_assert_null (info);
  g_assert_error (error, HDB_ERROR, HDB_ERROR_TLS);
  g_test_message ("plain HTTP: %s", error->message);
  g_assert_nonnull (strstr (error->message, "did not set up a secure connection"));
}

static void
test_fetch_timeout_and_cancel (void)
{
  g_autoptr(RawServer) silent = raw_server_new (NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(HdbCertificateInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  /* The client's own timer. */
  info = fetch (silent->url, 300, NULL, &error);
  g_assert_null (info);
  g_assert_error (error, HDB_ERROR, HDB_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "did not present a certificate"));
  g_clear_error (&error);

  /* The caller's cancellation, with a long timer. */
  g_timeout_add_once (100, (GSourceOnceFunc) g_cancellable_cancel, cancellable);
  info = fetch (silent->url, 60000, cancellable, &error);
  g_assert_null (info);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* Cancelled before it starts. */
  info = fetch (silent->url, 60000, cancellable, &error);
  g_assert_null (info);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_fetch_not_tls (void)
{
  const char *urls[] = { "ws://127.0.0.1:9925", "http://127.0.0.1:9925", "wss://", "not a url" };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(HdbCertificateInfo) info = NULL;
      g_autoptr(GError) error = NULL;

      info = fetch (urls[i], 1000, NULL, &error);
      g_assert_null (info);
      g_assert_error (error, HDB_ERROR, HDB_ERROR_TLS);
      g_assert_nonnull (strstr (error->message, "is not a wss:// or https:// URL"));
    }
}

/* Public keys ----------------------------------------------------------------- */

static void
test_public_key (void)
{
  g_autoptr(GTlsCertificate) cert_a = load_certificate ("test-cert-a.pem", "test-key-a.pem");
  g_autoptr(GTlsCertificate) renewed = load_certificate ("test-cert-a-renewed.pem",
                                                         "test-key-a.pem");
  g_autoptr(GTlsCertificate) cert_b = load_certificate ("test-cert-b.pem", "test-key-b.pem");
  g_autoptr(GByteArray) der_a = certificate_der (cert_a);
  g_autoptr(GByteArray) der_renewed = certificate_der (renewed);
  g_autoptr(GByteArray) der_b = certificate_der (cert_b);
  g_autofree char *key_a = hdb_certificate_public_key_sha256 (der_a->data, der_a->len);
  g_autofree char *key_renewed = hdb_certificate_public_key_sha256 (der_renewed->data,
                                                                    der_renewed->len);
  g_autofree char *key_b = hdb_certificate_public_key_sha256 (der_b->data, der_b->len);
  g_autofree char *fp_a = certificate_sha256 (cert_a);
  g_autofree char *fp_renewed = certificate_sha256 (renewed);

  g_assert_nonnull (key_a);
  g_assert_cmpuint (strlen (key_a), ==, 64);
  g_assert_cmpstr (key_a, ==, key_renewed);
  g_assert_cmpstr (key_a, !=, key_b);
  /* Two certificates, one key. */
  g_assert_false (hdb_fingerprint_equal (fp_a, fp_renewed));

  /* Every truncation of a certificate is refused, never read past. */
  for (gsize len = 0; len < der_a->len; len++)
    {
      g_autofree guint8 *copy = g_memdup2 (der_a->data, len);
      g_autofree char *none = hdb_certificate_public_key_sha256 (copy, len);

      g_assert_null (none);
    }
  g_assert_null (hdb_certificate_public_key_sha256 (NULL, 0));
  g_assert_null (hdb_certificate_public_key_sha256 ((const guint8 *) "\x30\x84\xff\xff\xff\xff", 6));
}

/* Pins that follow a renewal ---------------------------------------------------- */

static void
on_pin_notify (GObject    *object,
               GParamSpec *pspec,
               gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
serve_registration (SoupServer        *server,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  handle_registration (msg, NULL);
}

/* A TLS server with @certificate listening on @port (0: any). */
static SoupServer *
tls_server_on (GTlsCertificate *certificate,
               guint           *port)
{
  SoupServer *server = soup_server_new ("tls-certificate", certificate, NULL);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  soup_server_add_handler (server, NULL, serve_registration, NULL, NULL);
  soup_server_listen_local (server, *port, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS,
                            &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  *port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return server;
}

static HdbRegistrationInfo *
registration (HdbClient  *client,
              GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  TEST_AWAIT (result, FETCH_BOUND_MS,
              hdb_client_registration_info_async (client, NULL, test_util_store_result, &result));
  return hdb_client_registration_info_finish (client, result, error);
}

/* The server at @port now presents @certificate: a new server on the same
 * port, the old one's connections closed. */
static SoupServer *
replace_server (SoupServer      *old,
                GTlsCertificate *certificate,
                guint            port)
{
  soup_server_disconnect (old);
  g_object_unref (old);
  test_util_spin (50);
  return tls_server_on (certificate, &port);
}

static HdbCertificateInfo *
follow (HdbClient  *client,
        GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  TEST_AWAIT (result, FETCH_BOUND_MS,
              hdb_client_follow_certificate_async (client, NULL, test_util_store_result, &result));
  return hdb_client_follow_certificate_finish (client, result, error);
}

static void
assert_registration_refused (HdbClient *client)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdbRegistrationInfo) info = registration (client, &error);

  g_assert_null (info);
  g_assert_error (error, HDB_ERROR, HDB_ERROR_TLS);
  g_assert_nonnull (strstr (error->message, "has changed"));
}

static void
flush_idles (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static void
test_pin_follows_renewal (void)
{
  g_autoptr(GTlsCertificate) cert_a = load_certificate ("test-cert-a.pem", "test-key-a.pem");
  g_autoptr(GTlsCertificate) renewed = load_certificate ("test-cert-a-renewed.pem",
                                                         "test-key-a.pem");
  g_autoptr(GTlsCertificate) cert_b = load_certificate ("test-cert-b.pem", "test-key-b.pem");
  g_autofree char *fp_a = certificate_sha256 (cert_a);
  g_autofree char *fp_renewed = certificate_sha256 (renewed);
  g_autofree char *normal_a = hdb_normalize_fingerprint (fp_a);
  g_autofree char *normal_renewed = hdb_normalize_fingerprint (fp_renewed);
  g_autoptr(HdbClient) client = NULL;
  g_autoptr(HdbClient) stranger = NULL;
  g_autoptr(HdbCertificateInfo) moved = NULL;
  g_autoptr(HdbCertificateInfo) unmoved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  guint port = 0;
  guint notified = 0;
  SoupServer *server;

  server = tls_server_on (cert_a, &port);
  url = g_strdup_printf ("https://127.0.0.1:%u", port);
  client = fault_client_for (url);
  hdb_client_set_pinned_certificate (client, fp_a);
  g_signal_connect (client, "notify::pinned-certificate", G_CALLBACK (on_pin_notify), &notified);

  /* 1. The pinned certificate: accepted, its key learned. Following finds
   *    it where it was. */
  {
    g_autoptr(HdbRegistrationInfo) info = registration (client, &error);

    g_assert_no_error (error);
    g_assert_nonnull (info);
  }
  unmoved = follow (client, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (unmoved->sha256, ==, fp_a);
  flush_idles ();
  g_assert_cmpuint (notified, ==, 0);

  /* 2. Reissued with the same key: following it moves the pin (notified
   *    from an idle, not inside the handshake). */
  server = replace_server (server, renewed, port);
  moved = follow (client, &error);
  g_assert_no_error (error);
  g_assert_nonnull (moved);
  g_assert_cmpstr (moved->sha256, ==, fp_renewed);
  g_assert_cmpstr (hdb_client_get_pinned_certificate (client), ==, normal_renewed);
  flush_idles ();
  g_assert_cmpuint (notified, ==, 1);

  /* 3. A request meeting a certificate with the same key is accepted too,
   *    and the pin moves with it (back to the first one here). */
  server = replace_server (server, cert_a, port);
  {
    g_autoptr(HdbRegistrationInfo) info = registration (client, &error);

    g_assert_no_error (error);
    g_assert_nonnull (info);
  }
  g_assert_cmpstr (hdb_client_get_pinned_certificate (client), ==, normal_a);
  flush_idles ();
  g_assert_cmpuint (notified, ==, 2);

  /* 4. A client that never saw the pinned certificate knows no key: a
   *    renewed one is refused, as a changed certificate. */
  server = replace_server (server, renewed, port);
  stranger = fault_client_for (url);
  hdb_client_set_pinned_certificate (stranger, fp_a);
  assert_registration_refused (stranger);

  /* 5. Another key: refused, and the pin stays. */
  server = replace_server (server, cert_b, port);
  assert_registration_refused (client);
  g_clear_pointer (&unmoved, hdb_certificate_info_free);
  unmoved = follow (client, &error);
  g_assert_no_error (error);
  g_assert_null (unmoved);
  g_assert_cmpstr (hdb_client_get_pinned_certificate (client), ==, normal_a);

  /* 6. A pin set by hand forgets the key learned before. */
  hdb_client_set_pinned_certificate (client, fp_renewed);
  server = replace_server (server, cert_a, port);
  assert_registration_refused (client);

  soup_server_disconnect (server);
  g_object_unref (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/faults/certificate/fetch", test_fetch);
  g_test_add_func ("/faults/certificate/fetch-not-a-tls-server", test_fetch_not_a_tls_server);
  g_test_add_func ("/faults/certificate/fetch-refused", test_fetch_refused);
  g_test_add_func ("/faults/certificate/fetch-timeout-and-cancel", test_fetch_timeout_and_cancel);
  g_test_add_func ("/faults/certificate/fetch-not-tls", test_fetch_not_tls);
  g_test_add_func ("/faults/certificate/public-key", test_public_key);
  g_test_add_func ("/faults/certificate/pin-follows-renewal", test_pin_follows_renewal);

  return g_test_run ();
}
