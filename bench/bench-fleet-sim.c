/* bench-fleet-sim.c: many Harper instances on loopback, for bench-fleet
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One SoupServer listening on --instances ports of 127.0.0.1, each port an
 * instance that answers Harper's operations API with the answers captured
 * from Harper 4.4.18 in tests/fixtures/hdb/ (registration_info,
 * user_info_super, get_configuration_native, cluster_status_native_
 * subscriptions, describe_all, update_node…), after a latency drawn for
 * each request around what a real node on loopback takes (the request
 * floor of docs/performance.md, times --latency-scale): 1.2 ms for
 * user_info, 1.3 for cluster_status, 1.8 for describe_all, 2.6 for
 * get_configuration, 12 for update_node; ±30 %, and one request in fifty
 * five times slower.
 *
 * The last --frozen instances accept connections and read requests but
 * never answer; the --refusing ones before them have no listener at all
 * (a port that was free, closed again: connections are refused).
 *
 * On start it prints one line per instance, "instance INDEX PORT KIND",
 * then "ready". It answers {"operation":"sim_stats"} on any port with its
 * counts (requests per operation since it started, and the most requests
 * and the most update_node in flight at once since the last time it was
 * asked), and ends when its standard input closes.
 */

#define G_LOG_DOMAIN "bench-fleet-sim"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <libsoup/soup.h>

typedef enum
{
  KIND_NORMAL,
  KIND_REFUSING,
  KIND_FROZEN,
} Kind;

static const char *kind_names[] = { "normal", "refusing", "frozen" };

static const struct
{
  const char *operation;
  const char *file;
  double      latency_ms;
} answers[] = {
  { "registration_info", "registration_info.json", 1.0 },
  { "user_info", "user_info_super.json", 1.2 },
  { "get_configuration", "get_configuration_native.json", 2.6 },
  { "cluster_status", "cluster_status_native_subscriptions.json", 1.3 },
  { "describe_all", "describe_all.json", 1.8 },
  { "system_information", "system_information_threads.json", 1.5 },
  { "update_node", "update_node.json", 12.0 },
  { "add_node", "add_node.json", 15.0 },
  { "remove_node", "remove_node.json", 10.0 },
};

static GBytes *bodies[G_N_ELEMENTS (answers)];
static GBytes *unknown_body;
static GHashTable *port_kinds;        /* port → Kind + 1 */
static double opt_latency_scale = 1.0;
static GRand *rand_;

static GHashTable *counts;            /* operation → count */
static guint in_flight, max_in_flight;
static guint updates_in_flight, max_updates_in_flight;

typedef struct
{
  SoupServerMessage *msg;
  int                answer;   /* index into answers, or -1 */
} Delayed;

static double
latency_ms (double mean)
{
  double ms = mean * opt_latency_scale * g_rand_double_range (rand_, 0.7, 1.3);

  if (g_rand_int_range (rand_, 0, 50) == 0)
    ms *= 5;
  return ms;
}

static gboolean
answer_now (gpointer data)
{
  Delayed *delayed = data;
  GBytes *body = delayed->answer >= 0 ? bodies[delayed->answer] : unknown_body;

  soup_server_message_set_status (delayed->msg, delayed->answer >= 0 ? 200 : 400, NULL);
  soup_server_message_set_response (delayed->msg, "application/json", SOUP_MEMORY_COPY,
                                    g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  soup_server_message_unpause (delayed->msg);
  if (delayed->answer >= 0 && strcmp (answers[delayed->answer].operation, "update_node") == 0)
    updates_in_flight--;
  in_flight--;
  g_object_unref (delayed->msg);
  g_free (delayed);
  return G_SOURCE_REMOVE;
}

/* The operation named in a request body, read without a JSON parser: the
 * app's bodies start with it. */
static char *
operation_of (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  const char *at = strstr (text, "\"operation\"");
  const char *start, *end;

  if (at == NULL || (start = strchr (at + 11, '"')) == NULL || (end = strchr (start + 1, '"')) == NULL)
    return g_strdup ("");
  return g_strndup (start + 1, end - start - 1);
}

static void
send_stats (SoupServerMessage *msg)
{
  GString *out = g_string_new ("{");
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_string_append_printf (out, "\"%s\":%u,", (char *) key, GPOINTER_TO_UINT (value));
  g_string_append_printf (out, "\"max_in_flight\":%u,\"max_update_node_in_flight\":%u}",
                          max_in_flight, max_updates_in_flight);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, out->str, out->len);
  g_string_free (out, FALSE);
  /* The most in flight since the last time asked */
  max_in_flight = in_flight;
  max_updates_in_flight = updates_in_flight;
}

static void
handle (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  GInetSocketAddress *local = G_INET_SOCKET_ADDRESS (soup_server_message_get_local_address (msg));
  guint port = g_inet_socket_address_get_port (local);
  Kind kind = GPOINTER_TO_UINT (g_hash_table_lookup (port_kinds, GUINT_TO_POINTER (port))) - 1;
  g_autofree char *operation = operation_of (msg);
  Delayed *delayed;

  if (strcmp (operation, "sim_stats") == 0)
    {
      send_stats (msg);
      return;
    }
  g_hash_table_insert (counts, g_strdup (operation),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, operation)) + 1));
  in_flight++;
  max_in_flight = MAX (max_in_flight, in_flight);
  /* Read, never answered: the client's own timer has to end it. */
  soup_server_message_pause (msg);
  if (kind == KIND_FROZEN)
    return;

  delayed = g_new0 (Delayed, 1);
  delayed->msg = g_object_ref (msg);
  delayed->answer = -1;
  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    if (strcmp (operation, answers[i].operation) == 0)
      delayed->answer = (int) i;
  if (delayed->answer >= 0 && strcmp (operation, "update_node") == 0)
    {
      updates_in_flight++;
      max_updates_in_flight = MAX (max_updates_in_flight, updates_in_flight);
    }
  g_timeout_add_full (G_PRIORITY_DEFAULT,
                      (guint) (latency_ms (delayed->answer >= 0 ? answers[delayed->answer].latency_ms
                                                                : 1.0) + 0.5),
                      answer_now, delayed, NULL);
}

/* A socket listening on a free port of 127.0.0.1 */
static GSocket *
listening_socket (guint *port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                  G_SOCKET_PROTOCOL_TCP, &error);

  if (socket == NULL || !g_socket_bind (socket, any, FALSE, &error) ||
      !g_socket_listen (socket, &error))
    g_error ("listening socket: %s", error->message);
  bound = g_socket_get_local_address (socket, &error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return socket;
}

static void
on_stdin_closed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      loop)
{
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, NULL);

  if (bytes != NULL && g_bytes_get_size (bytes) > 0)
    g_input_stream_read_bytes_async (G_INPUT_STREAM (source), 64, G_PRIORITY_DEFAULT, NULL,
                                     on_stdin_closed, loop);
  else
    g_main_loop_quit (loop);
}

int
main (int   argc,
      char *argv[])
{
  guint n = 200, n_frozen = 5, n_refusing = 3;
  const char *fixtures = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (g_object_unref);

  for (int i = 1; i < argc; i++)
    {
      const char *v = i + 1 < argc ? argv[i + 1] : NULL;

      if (v != NULL && strcmp (argv[i], "--instances") == 0)
        n = (guint) atoi (argv[++i]);
      else if (v != NULL && strcmp (argv[i], "--frozen") == 0)
        n_frozen = (guint) atoi (argv[++i]);
      else if (v != NULL && strcmp (argv[i], "--refusing") == 0)
        n_refusing = (guint) atoi (argv[++i]);
      else if (v != NULL && strcmp (argv[i], "--latency-scale") == 0)
        opt_latency_scale = g_ascii_strtod (argv[++i], NULL);
      else if (v != NULL && strcmp (argv[i], "--fixtures") == 0)
        fixtures = argv[++i];
      else
        {
          fprintf (stderr, "usage: %s --fixtures DIR [--instances N] [--frozen N] [--refusing N]"
                           " [--latency-scale X]\n", argv[0]);
          return 2;
        }
    }
  if (fixtures == NULL || n_frozen + n_refusing > n)
    {
      fprintf (stderr, "%s: --fixtures is needed, and more instances than frozen and refusing ones\n",
               argv[0]);
      return 2;
    }

  rand_ = g_rand_new_with_seed (20250601);
  counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  port_kinds = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autofree char *path = g_build_filename (fixtures, answers[i].file, NULL);
      g_autoptr(GError) error = NULL;
      char *text;
      gsize len;

      if (!g_file_get_contents (path, &text, &len, &error))
        g_error ("%s", error->message);
      bodies[i] = g_bytes_new_take (text, len);
    }
  unknown_body = g_bytes_new_static ("{\"error\":\"Operation 'x' not found\"}", 36);

  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, NULL, handle, NULL, NULL);
  for (guint i = 0; i < n; i++)
    {
      Kind kind = i >= n - n_frozen ? KIND_FROZEN
                  : i >= n - n_frozen - n_refusing ? KIND_REFUSING : KIND_NORMAL;
      g_autoptr(GError) error = NULL;
      guint port;
      GSocket *socket = listening_socket (&port);

      if (kind == KIND_REFUSING)
        {
          /* Nothing listens there any more: connections are refused. */
          g_socket_close (socket, NULL);
          g_object_unref (socket);
        }
      else
        {
          if (!soup_server_listen_socket (server, socket, 0, &error))
            g_error ("listen: %s", error->message);
          g_ptr_array_add (keep, socket);
          g_hash_table_insert (port_kinds, GUINT_TO_POINTER (port), GUINT_TO_POINTER (kind + 1));
        }
      printf ("instance %u %u %s\n", i, port, kind_names[kind]);
    }
  printf ("ready\n");
  fflush (stdout);

  in = g_unix_input_stream_new (0, FALSE);
  g_input_stream_read_bytes_async (in, 64, G_PRIORITY_DEFAULT, NULL, on_stdin_closed, loop);
  g_main_loop_run (loop);
  return 0;
}
