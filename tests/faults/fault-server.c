/* fault-server.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "fault-server.h"
#include "test-util.h"

static void
fault_server_callback (SoupServer        *server,
                       SoupServerMessage *msg,
                       const char        *path,
                       GHashTable        *query,
                       gpointer           user_data)
{
  FaultServer *fs = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  fs->n_requests++;
  g_string_assign (fs->last_body, "");
  if (body->length > 0)
    g_string_append_len (fs->last_body, body->data, body->length);
  g_free (fs->last_path);
  fs->last_path = g_strdup (path);
  fs->handler (msg, fs);
}

/**
 * fault_server_new:
 * @handler: answers every request
 * @certificate: (nullable): serve HTTPS with this certificate
 *
 * Returns: (transfer full): a server listening on a free 127.0.0.1 port
 */
FaultServer *
fault_server_new (FaultHandler     handler,
                  GTlsCertificate *certificate)
{
  FaultServer *fs = g_new0 (FaultServer, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;
  g_autofree char *uri_string = NULL;

  fs->handler = handler;
  fs->paused = g_ptr_array_new_with_free_func (g_object_unref);
  fs->last_body = g_string_new (NULL);
  fs->server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (fs->server, NULL, fault_server_callback, fs, NULL);
  soup_server_listen_local (fs->server, 0,
                            SOUP_SERVER_LISTEN_IPV4_ONLY |
                            (certificate ? SOUP_SERVER_LISTEN_HTTPS : 0),
                            &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (fs->server);
  g_assert_nonnull (uris);
  uri_string = g_uri_to_string (uris->data);
  fs->url = g_strdup (uri_string);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return fs;
}

void
fault_server_free (FaultServer *fs)
{
  for (guint i = 0; i < fs->paused->len; i++)
    soup_server_message_unpause (g_ptr_array_index (fs->paused, i));
  g_ptr_array_unref (fs->paused);
  soup_server_disconnect (fs->server);
  g_object_unref (fs->server);
  g_string_free (fs->last_body, TRUE);
  g_free (fs->last_path);
  g_free (fs->url);
  g_free (fs);
}

void
fault_respond (SoupServerMessage *msg,
               guint              status,
               const char        *content_type,
               const char        *body)
{
  fault_respond_bytes (msg, status, content_type, body, strlen (body));
}

void
fault_respond_bytes (SoupServerMessage *msg,
                     guint              status,
                     const char        *content_type,
                     const char        *data,
                     gsize              length)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, data, length);
}

/**
 * fault_respond_cut_off:
 * @msg: the request
 * @data: the start of the body
 * @length: its length
 * @announced: the Content-Length announced, more than @length
 *
 * Answers 200 with the headers and @length bytes of a body of @announced
 * bytes, then closes the connection: a server that died mid-answer.
 */
void
fault_respond_cut_off (SoupServerMessage *msg,
                       const char        *data,
                       gsize              length,
                       gsize              announced)
{
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);
  g_autofree char *head = g_strdup_printf ("HTTP/1.1 200 OK\r\n"
                                           "Content-Type: application/json\r\n"
                                           "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
                                           announced);
  GOutputStream *out = g_io_stream_get_output_stream (stream);

  g_assert_cmpuint (length, <, announced);
  g_output_stream_write_all (out, head, strlen (head), NULL, NULL, NULL);
  g_output_stream_write_all (out, data, length, NULL, NULL, NULL);
  g_io_stream_close (stream, NULL, NULL);
}

/* Never answers: the request stays paused until the server is freed. */
void
fault_handle_never (SoupServerMessage *msg,
                    gpointer           data)
{
  FaultServer *fs = data;

  soup_server_message_pause (msg);
  g_ptr_array_add (fs->paused, g_object_ref (msg));
}

typedef struct
{
  SoupServerMessage *msg;
  guint              status;
  char              *body;
  guint             *in_flight;
} Later;

static void
respond_now (gpointer data)
{
  Later *later = data;

  if (later->in_flight != NULL)
    (*later->in_flight)--;
  fault_respond (later->msg, later->status, "application/json", later->body);
  soup_server_message_unpause (later->msg);
  g_object_unref (later->msg);
  g_free (later->body);
  g_free (later);
}

/* Answers @msg (JSON) after @delay_ms, the request paused meanwhile. While
 * it waits, *@in_flight (when given) counts it (one more now, one less when
 * answered), so a test sees how many were in flight at once. */
void
fault_respond_later (SoupServerMessage *msg,
                     guint              delay_ms,
                     guint              status,
                     const char        *body,
                     guint             *in_flight)
{
  Later *later = g_new0 (Later, 1);

  later->msg = g_object_ref (msg);
  later->status = status;
  later->body = g_strdup (body);
  later->in_flight = in_flight;
  if (in_flight != NULL)
    (*in_flight)++;
  soup_server_message_pause (msg);
  g_timeout_add_once (delay_ms, respond_now, later);
}

HdbClient *
fault_client_for (const char *url)
{
  g_autoptr(GError) error = NULL;
  HdbClient *client = hdb_client_new (url, "admin", "fault-password", &error);

  g_assert_no_error (error);
  return client;
}

/* Runs registration_info and returns its error (which the caller expects). */
GError *
fault_registration_error (HdbClient *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(HdbRegistrationInfo) info = NULL;
  GError *error = NULL;

  TEST_AWAIT (result, 20000,
              hdb_client_registration_info_async (client, NULL, test_util_store_result, &result));
  info = hdb_client_registration_info_finish (client, result, &error);
  g_assert_null (info);
  g_assert_nonnull (error);
  g_test_message ("error: %s", error->message);
  return error;
}

/* A captured answer of tests/fixtures/hdb. */
char *
fault_load_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "hdb", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}
