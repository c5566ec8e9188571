/* test-faults-transport.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What goes wrong between the client and a server, on loopback: a server
 * that never answers (the client's own timer), the caller's cancellation,
 * the one retry of a read on a new connection (and no retry of a write), a
 * refused connection, a body cut off, a keep-alive connection dropped under
 * a request (its body sent again), and TLS: an untrusted certificate, a
 * pinned one, and one that changed. SoupServer serves what is well-formed
 * HTTP (fault-server.h); a raw socket server what is not.
 */

#include <string.h>

#include "fault-server.h"
#include "test-util.h"

static void
test_timeout (void)
{
  g_autoptr(FaultServer) fs = fault_server_new (fault_handle_never, NULL);
  g_autoptr(HdbClient) client = fault_client_for (fs->url);
  g_autoptr(GError) error = NULL;
  gint64 start;
  double elapsed;

  hdb_client_set_timeout (client, 400);
  start = g_get_monotonic_time ();
  error = fault_registration_error (client);
  elapsed = (g_get_monotonic_time () - start) / 1e6;

  g_assert_error (error, HDB_ERROR, HDB_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "did not answer"));
  /* Bounded by the request's timeout, not by anything longer. */
  g_assert_cmpfloat (elapsed, <, 10.0);
}

static void
on_cancel_timeout (gpointer data)
{
  g_cancellable_cancel (data);
}

static void
test_cancel (void)
{
  g_autoptr(FaultServer) fs = fault_server_new (fault_handle_never, NULL);
  g_autoptr(HdbClient) client = fault_client_for (fs->url);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdbUserInfo) info = NULL;

  g_timeout_add_once (100, on_cancel_timeout, cancellable);
  TEST_AWAIT (result, 20000,
              hdb_client_user_info_async (client, cancellable, test_util_store_result, &result));
  info = hdb_client_user_info_finish (client, result, &error);
  g_assert_null (info);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Harper 4.4 sometimes receives a read sent just after an update_node and
 * never answers it, while a fresh request is answered at once. This server
 * does that to the first request of one operation: it swallows it (or,
 * with stall_first, sends the headers and part of the body, then nothing),
 * and answers the next ones, unless swallow_all. It notes the client's port
 * of every request: which connection carried it. */
typedef struct
{
  const char *operation;     /* the operation whose first request is swallowed */
  gboolean    stall_first;
  gboolean    swallow_all;
  guint       n_operation;   /* requests of that operation received */
  guint16     first_port;    /* the connection of the first of them */
  guint16     answered_port; /* the connection of the one answered */
  GArray     *ports;         /* guint16: the port of every request, in order */
  GPtrArray  *warm_up;       /* registration_info requests held back */
} Swallow;

static void
swallow_clear (Swallow *sw)
{
  g_clear_pointer (&sw->ports, g_array_unref);
  g_clear_pointer (&sw->warm_up, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Swallow, swallow_clear)

static const char cluster_status_answer[] =
  "{\"type\":\"cluster-status\",\"node_name\":\"node1\",\"is_enabled\":true,"
  "\"connections\":[]}";

static void
handle_swallow (SoupServerMessage *msg,
                gpointer           data)
{
  FaultServer *fs = data;
  Swallow *sw = fs->handler_data;
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  guint16 port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (remote));
  g_autofree char *member = g_strdup_printf ("\"operation\":\"%s\"", sw->operation);

  g_array_append_val (sw->ports, port);

  if (strstr (fs->last_body->str, member) != NULL)
    {
      sw->n_operation++;
      if (sw->n_operation == 1 && sw->stall_first)
        {
          SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

          sw->first_port = port;
          soup_server_message_set_status (msg, 200, NULL);
          soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
          soup_message_headers_set_content_type (headers, "application/json", NULL);
          soup_message_body_append (soup_server_message_get_response_body (msg),
                                    SOUP_MEMORY_STATIC, "{\"type\":", 8);
          /* The body is never completed: libsoup writes this chunk and waits. */
          return;
        }
      if (sw->n_operation == 1 || sw->swallow_all)
        {
          if (sw->n_operation == 1)
            sw->first_port = port;
          fault_handle_never (msg, fs);
          return;
        }
      sw->answered_port = port;
      if (strstr (fs->last_body->str, "cluster_status") != NULL)
        fault_respond (msg, 200, "application/json", cluster_status_answer);
      else
        fault_respond (msg, 200, "application/json", "{\"message\":\"Successfully updated 'node2'\"}");
      return;
    }

  /* registration_info: the first waits for the second, so that the client
   * holds two open connections, both idle afterwards. */
  g_ptr_array_add (sw->warm_up, g_object_ref (msg));
  if (sw->warm_up->len < 2)
    {
      soup_server_message_pause (msg);
      return;
    }
  for (guint i = 0; i < sw->warm_up->len; i++)
    {
      SoupServerMessage *held = g_ptr_array_index (sw->warm_up, i);

      fault_respond (held, 200, "application/json",
               "{\"registered\":false,\"version\":\"" FAKE_VERSION "\",\"ram_allocation\":512,"
               "\"license_expiration_date\":null}");
      if (held != msg)
        soup_server_message_unpause (held);
    }
  g_ptr_array_set_size (sw->warm_up, 0);
}

static FaultServer *
swallow_server_new (Swallow    *sw,
                    const char *operation)
{
  FaultServer *fs = fault_server_new (handle_swallow, NULL);

  sw->operation = operation;
  sw->ports = g_array_new (FALSE, FALSE, sizeof (guint16));
  sw->warm_up = g_ptr_array_new_with_free_func (g_object_unref);
  fs->handler_data = sw;
  return fs;
}

static gboolean
port_seen_before (Swallow *sw,
                  guint16  port,
                  guint    before)
{
  for (guint i = 0; i < before && i < sw->ports->len; i++)
    if (g_array_index (sw->ports, guint16, i) == port)
      return TRUE;
  return FALSE;
}

/* Two registration_info at once: two connections, both idle afterwards,
 * whether or not libsoup would reuse one for a POST. */
static void
warm_up_two_connections (HdbClient *client,
                         Swallow   *sw)
{
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(HdbRegistrationInfo) info1 = NULL;
  g_autoptr(HdbRegistrationInfo) info2 = NULL;
  g_autoptr(GError) error = NULL;

  hdb_client_registration_info_async (client, NULL, test_util_store_result, &first);
  TEST_AWAIT (second, 5000,
              hdb_client_registration_info_async (client, NULL, test_util_store_result, &second));
  g_assert_true (test_util_wait_for_pointer ((gpointer *) &first, 5000));
  info1 = hdb_client_registration_info_finish (client, first, &error);
  g_assert_no_error (error);
  info2 = hdb_client_registration_info_finish (client, second, &error);
  g_assert_no_error (error);
  /* Let both connections go back to the pool. */
  test_util_spin (200);

  g_assert_cmpuint (sw->ports->len, ==, 2);
  g_assert_cmpuint (g_array_index (sw->ports, guint16, 0), !=,
                    g_array_index (sw->ports, guint16, 1));
}

static void
test_read_retried (void)
{
  g_auto(Swallow) sw = { 0 };
  g_autoptr(FaultServer) fs = swallow_server_new (&sw, "cluster_status");
  g_autoptr(HdbClient) client = fault_client_for (fs->url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  guint count_before;
  gint64 start;
  double elapsed;

  hdb_client_set_timeout (client, 10000);
  warm_up_two_connections (client, &sw);
  count_before = hdb_client_get_request_count (client);

  start = g_get_monotonic_time ();
  TEST_AWAIT (result, 15000,
              hdb_client_cluster_status_async (client, NULL, test_util_store_result, &result));
  elapsed = (g_get_monotonic_time () - start) / 1e6;
  status = hdb_client_cluster_status_finish (client, result, &error);
  g_test_message ("cluster_status answered after %.2f s; ports: swallowed %u, answered %u",
                  elapsed, sw.first_port, sw.answered_port);

  g_assert_no_error (error);
  g_assert_cmpstr (status->node_name, ==, "node1");
  /* The first attempt waited HDB_READ_ATTEMPT_MS, the second was answered
   * at once: within the caller's 10 s. */
  g_assert_cmpfloat (elapsed, >, 7.0);
  g_assert_cmpfloat (elapsed, <, 10.0);
  g_assert_cmpuint (hdb_client_get_request_count (client) - count_before, ==, 2);
  g_assert_cmpuint (sw.n_operation, ==, 2);
  /* The second went on a connection of its own: not the one that
   * swallowed the first, nor an idle one. (libsoup 3.2 opens a new
   * connection for every POST, so today the first attempt did too; the
   * idle connections make this check bite should that change.) */
  g_assert_cmpuint (sw.answered_port, !=, sw.first_port);
  g_assert_false (port_seen_before (&sw, sw.answered_port, sw.ports->len - 1));
}

static void
test_write_not_resent (void)
{
  g_auto(Swallow) sw = { 0 };
  g_autoptr(FaultServer) fs = swallow_server_new (&sw, "update_node");
  g_autoptr(HdbClient) client = fault_client_for (fs->url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  HdbNodeSpec spec = {
    .engine = HDB_ENGINE_NATIVE,
    .name = "node2",
    .url = "wss://127.0.0.1:1",
  };
  gint64 start;
  double elapsed;

  hdb_client_set_timeout (client, 10000);
  start = g_get_monotonic_time ();
  TEST_AWAIT (result, 15000,
              hdb_client_update_node_async (client, &spec, NULL, test_util_store_result,
                                            &result));
  elapsed = (g_get_monotonic_time () - start) / 1e6;
  message = hdb_client_update_node_finish (client, result, &error);
  g_test_message ("update_node failed after %.2f s: %s", elapsed,
                  error ? error->message : "(no error)");

  g_assert_null (message);
  g_assert_error (error, HDB_ERROR, HDB_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "did not answer update_node within 10.0 s."));
  /* The whole timeout, in one attempt: a write is never sent twice. */
  g_assert_cmpfloat (elapsed, >, 9.8);
  g_assert_cmpfloat (elapsed, <, 12.0);
  g_assert_cmpuint (hdb_client_get_request_count (client), ==, 1);
  g_assert_cmpuint (fs->n_requests, ==, 1);
}

static void
test_short_timeout_read_not_resent (void)
{
  g_auto(Swallow) sw = { 0 };
  g_autoptr(FaultServer) fs = swallow_server_new (&sw, "cluster_status");
  g_autoptr(HdbClient) client = fault_client_for (fs->url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  gint64 start;
  double elapsed;

  /* A timeout of HDB_READ_ATTEMPT_MS itself leaves no room for a second
   * attempt (nor does the monitor's 1.5 s): one request, as before. */
  hdb_client_set_timeout (client, HDB_READ_ATTEMPT_MS);
  start = g_get_monotonic_time ();
  TEST_AWAIT (result, 15000,
              hdb_client_cluster_status_async (client, NULL, test_util_store_result, &result));
  elapsed = (g_get_monotonic_time () - start) / 1e6;
  status = hdb_client_cluster_status_finish (client, result, &error);
  g_test_message ("cluster_status failed after %.2f s: %s", elapsed,
                  error ? error->message : "(no error)");

  g_assert_null (status);
  g_assert_error (error, HDB_ERROR, HDB_ERROR_TIMEOUT);
  expected = g_strdup_printf ("did not answer cluster_status within %.1f s.",
                              HDB_READ_ATTEMPT_MS / 1000.0);
  g_assert_nonnull (strstr (error->message, expected));
  g_assert_cmpfloat (elapsed, >, HDB_READ_ATTEMPT_MS / 1000.0 - 0.2);
  g_assert_cmpfloat (elapsed, <, HDB_READ_ATTEMPT_MS / 1000.0 + 2.0);
  g_assert_cmpuint (hdb_client_get_request_count (client), ==, 1);
  g_assert_cmpuint (fs->n_requests, ==, 1);
}

static void
test_read_cancelled_not_resent (void)
{
  g_auto(Swallow) sw = { 0 };
  g_autoptr(FaultServer) fs = swallow_server_new (&sw, "cluster_status");
  g_autoptr(HdbClient) client = fault_client_for (fs->url);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;
  double elapsed;

  /* The default timeout (30 s): the first attempt would last 8 s. */
  start = g_get_monotonic_time ();
  g_timeout_add_once (300, on_cancel_timeout, cancellable);
  TEST_AWAIT (result, 5000,
              hdb_client_cluster_status_async (client, cancellable, test_util_store_result,
                                               &result));
  elapsed = (g_get_monotonic_time () - start) / 1e6;
  status = hdb_client_cluster_status_finish (client, result, &error);
  g_assert_null (status);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpfloat (elapsed, <, 2.0);

  /* A retry would start as soon as the attempt ended: none comes. */
  test_util_spin (300);
  g_assert_cmpuint (hdb_client_get_request_count (client), ==, 1);
  g_assert_cmpuint (fs->n_requests, ==, 1);
}

static void
test_read_retry_bounded (void)
{
  g_auto(Swallow) sw = { 0 };
  g_autoptr(FaultServer) fs = swallow_server_new (&sw, "cluster_status");
  g_autoptr(HdbClient) client = fault_client_for (fs->url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;
  double elapsed;

  /* The first answer stops after its headers and a few bytes; the second
   * never comes. The caller's 9 s bound the whole call. */
  sw.stall_first = TRUE;
  sw.swallow_all = TRUE;
  hdb_client_set_timeout (client, 9000);
  start = g_get_monotonic_time ();
  TEST_AWAIT (result, 15000,
              hdb_client_cluster_status_async (client, NULL, test_util_store_result, &result));
  elapsed = (g_get_monotonic_time () - start) / 1e6;
  status = hdb_client_cluster_status_finish (client, result, &error);
  g_test_message ("cluster_status failed after %.2f s: %s", elapsed,
                  error ? error->message : "(no error)");

  g_assert_null (status);
  g_assert_error (error, HDB_ERROR, HDB_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "did not answer cluster_status within 9.0 s."));
  g_assert_cmpfloat (elapsed, >, 8.8);
  g_assert_cmpfloat (elapsed, <, 11.0);
  g_assert_cmpuint (hdb_client_get_request_count (client), ==, 2);
  g_assert_cmpuint (sw.n_operation, ==, 2);
  g_assert_cmpuint (sw.ports->len, ==, 2);
  g_assert_cmpuint (g_array_index (sw.ports, guint16, 0), !=,
                    g_array_index (sw.ports, guint16, 1));
}

static void
test_connection_refused (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HdbClient) client = NULL;
  g_autofree char *url = NULL;
  guint16 port;

  /* A port that was free a moment ago and is closed again. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);

  url = g_strdup_printf ("http://127.0.0.1:%u", port);
  client = fault_client_for (url);
  error = fault_registration_error (client);
  g_assert_error (error, HDB_ERROR, HDB_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "refused"));
}


/* Raw socket server: for answers that are not well-formed HTTP. */
typedef enum
{
  RAW_CUT_BODY,
  RAW_DROP_SECOND,
} RawMode;

typedef struct
{
  GSocketService *service;
  RawMode         mode;
  guint           n_connections;
  guint           n_bodies;
  GString        *bodies;
  char           *url;
} RawServer;

/* Reads one request (headers and Content-Length body) from @stream. */
static gboolean
raw_read_request (GInputStream *in,
                  GString      *body_out)
{
  GString *head = g_string_new (NULL);
  gsize content_length = 0;
  char c;
  const char *cl;

  while (!g_str_has_suffix (head->str, "\r\n\r\n"))
    {
      if (g_input_stream_read (in, &c, 1, NULL, NULL) != 1)
        {
          g_string_free (head, TRUE);
          return FALSE;
        }
      g_string_append_c (head, c);
    }

  cl = strstr (head->str, "Content-Length: ");
  if (cl != NULL)
    content_length = g_ascii_strtoull (cl + strlen ("Content-Length: "), NULL, 10);
  g_string_free (head, TRUE);

  g_string_set_size (body_out, content_length);
  if (content_length > 0 &&
      !g_input_stream_read_all (in, body_out->str, content_length, NULL, NULL, NULL))
    return FALSE;
  return TRUE;
}

static gpointer
raw_connection_thread (gpointer data)
{
  GSocketConnection *connection = data;
  RawServer *rs = g_object_get_data (G_OBJECT (connection), "raw-server");
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  guint n = g_atomic_int_add (&rs->n_connections, 1);
  g_autoptr(GString) body = g_string_new (NULL);

  if (rs->mode == RAW_CUT_BODY)
    {
      const char *reply = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                          "Content-Length: 4000\r\n\r\n{\"version\":\"" FAKE_VERSION "\",\"registered\":fa";

      if (raw_read_request (in, body))
        g_output_stream_write_all (out, reply, strlen (reply), NULL, NULL, NULL);
    }
  else
    {
      /* Connection 0 answers the first request and then drops the second
       * without a word, as a server that closed an idle keep-alive
       * connection does. The client must send it again, body included. */
      guint on_this = 0;

      while (raw_read_request (in, body))
        {
          g_autofree char *json = NULL;
          g_autofree char *reply = NULL;

          if (n == 0 && on_this == 1)
            break;
          on_this++;
          g_atomic_int_inc (&rs->n_bodies);
          json = g_strdup_printf ("{\"message\":\"got %" G_GSIZE_FORMAT " bytes: %s\"}",
                                  body->len,
                                  strstr (body->str, "create_database") ? "create_database"
                                                                        : "other");
          reply = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                   "Connection: keep-alive\r\nContent-Length: %" G_GSIZE_FORMAT
                                   "\r\n\r\n%s", strlen (json), json);
          g_output_stream_write_all (out, reply, strlen (reply), NULL, NULL, NULL);
        }
    }

  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  g_object_unref (connection);
  return NULL;
}

static gboolean
raw_on_incoming (GSocketService    *service,
                 GSocketConnection *connection,
                 GObject           *source,
                 gpointer           user_data)
{
  g_object_set_data (G_OBJECT (connection), "raw-server", user_data);
  g_thread_unref (g_thread_new ("raw-server", raw_connection_thread, g_object_ref (connection)));
  return TRUE;
}

static RawServer *
raw_server_new (RawMode mode)
{
  RawServer *rs = g_new0 (RawServer, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  rs->mode = mode;
  rs->service = g_socket_service_new ();
  g_socket_listener_add_address (G_SOCKET_LISTENER (rs->service), address,
                                 G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &effective, &error);
  g_assert_no_error (error);
  g_signal_connect (rs->service, "incoming", G_CALLBACK (raw_on_incoming), rs);
  rs->url = g_strdup_printf ("http://127.0.0.1:%u",
                             g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)));
  return rs;
}

static void
raw_server_free (RawServer *rs)
{
  g_socket_service_stop (rs->service);
  g_socket_listener_close (G_SOCKET_LISTENER (rs->service));
  g_object_unref (rs->service);
  g_free (rs->url);
  g_free (rs);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RawServer, raw_server_free)

static void
test_cut_off_body (void)
{
  g_autoptr(RawServer) rs = raw_server_new (RAW_CUT_BODY);
  g_autoptr(HdbClient) client = fault_client_for (rs->url);
  g_autoptr(GError) error = fault_registration_error (client);

  g_assert_error (error, HDB_ERROR, HDB_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "closed before the whole answer"));
}

static void
test_body_resent_on_restart (void)
{
  g_autoptr(RawServer) rs = raw_server_new (RAW_DROP_SECOND);
  g_autoptr(HdbClient) client = fault_client_for (rs->url);
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message1 = NULL;
  g_autofree char *message2 = NULL;

  TEST_AWAIT (first, 20000,
              hdb_client_create_database_async (client, "warmup", NULL,
                                                test_util_store_result, &first));
  message1 = hdb_client_create_database_finish (client, first, &error);
  g_assert_no_error (error);

  TEST_AWAIT (second, 20000,
              hdb_client_create_database_async (client, "second", NULL,
                                                test_util_store_result, &second));
  message2 = hdb_client_create_database_finish (client, second, &error);
  g_assert_no_error (error);
  g_test_message ("connections: %u, answers: %u, second: %s",
                  rs->n_connections, rs->n_bodies, message2);

  /* The second request went out again on a new connection, with its body. */
  g_assert_cmpuint (g_atomic_int_get (&rs->n_connections), ==, 2);
  g_assert_nonnull (strstr (message2, "create_database"));
  g_assert_null (strstr (message2, "got 0 bytes"));
}

static void
handle_registration (SoupServerMessage *msg,
                     gpointer           data)
{
  fault_respond (msg, 200, "application/json",
           "{\"registered\":false,\"version\":\"" FAKE_VERSION "\",\"ram_allocation\":512,"
           "\"license_expiration_date\":null}");
}

static GTlsCertificate *
load_certificate (const char *which)
{
  g_autofree char *cert = g_test_build_filename (G_TEST_DIST, "faults",
                                                 which[0] == 'a' ? "test-cert-a.pem"
                                                                 : "test-cert-b.pem", NULL);
  g_autofree char *key = g_test_build_filename (G_TEST_DIST, "faults",
                                                which[0] == 'a' ? "test-key-a.pem"
                                                                : "test-key-b.pem", NULL);
  g_autoptr(GError) error = NULL;
  GTlsCertificate *certificate = g_tls_certificate_new_from_files (cert, key, &error);

  g_assert_no_error (error);
  return certificate;
}

static char *
certificate_sha256 (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;

  g_object_get (certificate, "certificate", &der, NULL);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
}

static void
test_tls_untrusted_then_pinned (void)
{
  g_autoptr(GTlsCertificate) cert_a = load_certificate ("a");
  g_autoptr(GTlsCertificate) cert_b = load_certificate ("b");
  g_autoptr(FaultServer) fs = fault_server_new (handle_registration, cert_a);
  g_autoptr(HdbClient) client = NULL;
  g_autoptr(HdbCertificateInfo) peer = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(HdbRegistrationInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = certificate_sha256 (cert_a);
  g_autofree char *expected_display = hdb_format_fingerprint (expected);
  g_autofree char *other = certificate_sha256 (cert_b);

  g_assert_true (g_str_has_prefix (fs->url, "https://"));
  client = fault_client_for (fs->url);

  /* 1. A self-signed certificate is not trusted; its details are readable. */
  error = fault_registration_error (client);
  g_assert_error (error, HDB_ERROR, HDB_ERROR_TLS);
  g_assert_nonnull (strstr (error->message, "not trusted"));
  peer = hdb_client_dup_peer_certificate (client);
  g_assert_nonnull (peer);
  g_assert_cmpstr (peer->sha256, ==, expected_display);
  g_assert_nonnull (strstr (peer->subject, "clusterdeck-fault-a"));
  g_assert_nonnull (peer->not_before);
  g_assert_nonnull (peer->not_after);
  g_assert_cmpint (g_date_time_compare (peer->not_before, peer->not_after), <, 0);
  g_assert_nonnull (strstr (error->message, expected_display));
  g_assert_cmpuint (fs->n_requests, ==, 0);
  g_clear_error (&error);

  /* 2. Pinned, the same certificate is accepted. */
  hdb_client_set_pinned_certificate (client, peer->sha256);
  g_assert_cmpstr (hdb_client_get_pinned_certificate (client), ==, expected);
  TEST_AWAIT (result, 20000,
              hdb_client_registration_info_async (client, NULL, test_util_store_result, &result));
  info = hdb_client_registration_info_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->version, ==, FAKE_VERSION);
  g_assert_cmpuint (fs->n_requests, ==, 1);

  /* 3. Pinned to another certificate: a hard error that says it changed,
   *    and no request (with its credentials) reaches the server. */
  {
    g_autoptr(HdbClient) pinned_elsewhere = fault_client_for (fs->url);

    hdb_client_set_pinned_certificate (pinned_elsewhere, other);
    error = fault_registration_error (pinned_elsewhere);
    g_assert_error (error, HDB_ERROR, HDB_ERROR_TLS);
    g_assert_nonnull (strstr (error->message, "has changed"));
    g_assert_cmpuint (fs->n_requests, ==, 1);
  }
}

/* Harper answers only the later of two cluster_status requests one of its
 * worker threads serves at once (hdb-request.c, "One cluster_status at a
 * time per instance"). This server answers each cluster_status after
 * 150 ms and notes how many were in flight at once. */
typedef struct
{
  guint in_flight;
  guint most_in_flight;
  guint n_status;
} Overlap;

static void
handle_overlap (SoupServerMessage *msg,
                gpointer           data)
{
  FaultServer *fs = data;
  Overlap *ov = fs->handler_data;

  if (strstr (fs->last_body->str, "\"cluster_status\"") == NULL)
    {
      fault_respond (msg, 200, "application/json", "{\"message\":\"ok\"}");
      return;
    }
  ov->n_status++;
  fault_respond_later (msg, 150, 200, cluster_status_answer, &ov->in_flight);
  ov->most_in_flight = MAX (ov->most_in_flight, ov->in_flight);
}

static void
test_cluster_status_one_at_a_time (void)
{
  Overlap ov = { 0 };
  g_autoptr(FaultServer) fs = fault_server_new (handle_overlap, NULL);
  g_autoptr(HdbClient) a = fault_client_for (fs->url);
  g_autoptr(HdbClient) b = fault_client_for (fs->url);
  g_autoptr(GAsyncResult) r1 = NULL;
  g_autoptr(GAsyncResult) r2 = NULL;
  g_autoptr(GAsyncResult) r3 = NULL;
  g_autoptr(GAsyncResult) r4 = NULL;
  g_autoptr(JsonNode) other = NULL;
  g_autoptr(GError) error = NULL;
  HdbClient *clients[] = { a, b, a };
  GAsyncResult **results[] = { &r1, &r2, &r3 };

  fs->handler_data = &ov;
  /* Three at once, from two clients of the same instance, and a request
   * of another operation beside them, which does not wait. */
  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    hdb_client_cluster_status_async (clients[i], NULL, test_util_store_result, results[i]);
  {
    g_autoptr(JsonObject) request = json_object_new ();

    json_object_set_string_member (request, "operation", "user_info");
    hdb_client_call_async (b, request, 0, NULL, test_util_store_result, &r4);
  }

  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    {
      g_autoptr(HdbClusterStatus) status = NULL;

      g_assert_true (test_util_wait_for_pointer ((gpointer *) results[i], 10000));
      status = hdb_client_cluster_status_finish (clients[i], *results[i], &error);
      g_assert_no_error (error);
      g_assert_cmpstr (status->node_name, ==, "node1");
    }
  g_assert_true (test_util_wait_for_pointer ((gpointer *) &r4, 10000));
  other = hdb_client_call_finish (b, r4, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (ov.n_status, ==, 3);
  g_assert_cmpuint (ov.most_in_flight, ==, 1);
  /* Each was sent once: none waited long enough to be asked again. */
  g_assert_cmpuint (hdb_client_get_request_count (a), ==, 2);
  g_assert_cmpuint (hdb_client_get_request_count (b), ==, 2);
}

static void
test_cluster_status_wait_bounded (void)
{
  g_auto(Swallow) sw = { 0 };
  g_autoptr(FaultServer) fs = swallow_server_new (&sw, "cluster_status");
  g_autoptr(HdbClient) first = fault_client_for (fs->url);
  g_autoptr(HdbClient) second = fault_client_for (fs->url);
  g_autoptr(GCancellable) first_cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) third_cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) r1 = NULL;
  g_autoptr(GAsyncResult) r2 = NULL;
  g_autoptr(GAsyncResult) r3 = NULL;
  g_autoptr(GAsyncResult) r4 = NULL;
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;

  /* The first is swallowed and holds the instance's turn (its first
   * attempt would last HDB_READ_ATTEMPT_MS). */
  hdb_client_cluster_status_async (first, first_cancellable, test_util_store_result, &r1);
  for (guint waited = 0; sw.n_operation == 0 && waited < 5000; waited += 20)
    test_util_spin (20);
  g_assert_cmpuint (sw.n_operation, ==, 1);
  g_assert_null (r1);

  /* One waiting is bounded by its own timeout, and never sent. */
  hdb_client_set_timeout (second, 700);
  TEST_AWAIT (r2, 5000,
              hdb_client_cluster_status_async (second, NULL, test_util_store_result, &r2));
  status = hdb_client_cluster_status_finish (second, r2, &error);
  g_assert_null (status);
  g_assert_error (error, HDB_ERROR, HDB_ERROR_TIMEOUT);
  expected = g_strdup_printf ("did not answer cluster_status within %.1f s.", 0.7);
  g_assert_nonnull (strstr (error->message, expected));
  g_clear_error (&error);

  /* One waiting that its caller cancels: cancelled, and never sent. */
  g_timeout_add_once (100, on_cancel_timeout, third_cancellable);
  TEST_AWAIT (r3, 5000,
              hdb_client_cluster_status_async (second, third_cancellable,
                                               test_util_store_result, &r3));
  status = hdb_client_cluster_status_finish (second, r3, &error);
  g_assert_null (status);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (sw.n_operation, ==, 1);
  g_assert_cmpuint (hdb_client_get_request_count (second), ==, 0);

  /* The first ends (cancelled): the next goes out at once and is answered. */
  g_cancellable_cancel (first_cancellable);
  g_assert_true (test_util_wait_for_pointer ((gpointer *) &r1, 5000));
  status = hdb_client_cluster_status_finish (first, r1, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  hdb_client_set_timeout (second, 5000);
  TEST_AWAIT (r4, 10000,
              hdb_client_cluster_status_async (second, NULL, test_util_store_result, &r4));
  status = hdb_client_cluster_status_finish (second, r4, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (status->node_name, ==, "node1");
  g_assert_cmpuint (sw.n_operation, ==, 2);
  g_assert_cmpuint (hdb_client_get_request_count (second), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/faults/timeout", test_timeout);
  g_test_add_func ("/faults/cancel", test_cancel);
  g_test_add_func ("/faults/read-retried-on-new-connection", test_read_retried);
  g_test_add_func ("/faults/write-not-resent", test_write_not_resent);
  g_test_add_func ("/faults/short-timeout-read-not-resent", test_short_timeout_read_not_resent);
  g_test_add_func ("/faults/read-cancelled-not-resent", test_read_cancelled_not_resent);
  g_test_add_func ("/faults/read-retry-bounded", test_read_retry_bounded);
  g_test_add_func ("/faults/cluster-status-one-at-a-time", test_cluster_status_one_at_a_time);
  g_test_add_func ("/faults/cluster-status-wait-bounded", test_cluster_status_wait_bounded);
  g_test_add_func ("/faults/connection-refused", test_connection_refused);
  g_test_add_func ("/faults/cut-off-body", test_cut_off_body);
  g_test_add_func ("/faults/body-resent-on-restart", test_body_resent_on_restart);
  g_test_add_func ("/faults/tls-untrusted-then-pinned", test_tls_untrusted_then_pinned);

  return g_test_run ();
}
