/* bench-bare.c: a bare HTTP client of Harper's operations API, for the
 * floors of the real-cluster benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What any client has to wait for: the same operations the app sends, as
 * plain POSTs of literal JSON with libsoup and nothing else (no parsing,
 * no retries, no typed errors), on a new connection. Each call runs in a
 * main context of its own, so that nothing else the benchmark has going
 * (a window, the app's monitor) runs in between and adds to the floor.
 */

#define G_LOG_DOMAIN "bench-bare"

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "bench-bare.h"

typedef struct
{
  GMainContext *context;
  SoupSession  *session;
  char         *url;
  char         *authorization;
  guint         pending;
} Bare;

typedef struct
{
  Bare     *bare;
  BareCall *call;
  gint64    t0;
} Pending;

static gint64
now_us (void)
{
  return g_get_monotonic_time ();
}

static Bare *
bare_new (const char *url,
          const char *user,
          const char *password,
          guint       max_conns)
{
  Bare *bare = g_new0 (Bare, 1);
  g_autofree char *pair = g_strconcat (user, ":", password, NULL);
  g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));

  bare->context = g_main_context_new ();
  g_main_context_push_thread_default (bare->context);
  bare->session = soup_session_new_with_options ("max-conns", (int) MAX (max_conns, 2),
                                                 "max-conns-per-host", (int) MAX (max_conns, 2),
                                                 NULL);
  bare->url = g_strdup (url);
  bare->authorization = g_strconcat ("Basic ", encoded, NULL);
  return bare;
}

static void
bare_free (Bare *bare)
{
  g_clear_object (&bare->session);
  /* Whatever the session left behind (closing connections) */
  while (g_main_context_iteration (bare->context, FALSE))
    ;
  g_main_context_pop_thread_default (bare->context);
  g_main_context_unref (bare->context);
  g_free (bare->url);
  g_free (bare->authorization);
  g_free (bare);
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Pending *pending = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  pending->call->ms = (now_us () - pending->t0) / 1000.0;
  pending->call->status = bytes != NULL ? soup_message_get_status (msg) : 0;
  g_free (pending->call->answer);
  pending->call->answer = bytes != NULL ? g_strndup (g_bytes_get_data (bytes, NULL),
                                                     g_bytes_get_size (bytes))
                                        : g_strdup (error->message);
  pending->bare->pending--;
  g_free (pending);
}

static void
bare_send (Bare         *bare,
           BareCall     *call,
           GCancellable *cancellable)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", bare->url);
  g_autoptr(GBytes) body = g_bytes_new (call->body, strlen (call->body));
  Pending *pending = g_new0 (Pending, 1);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                bare->authorization);
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  pending->bare = bare;
  pending->call = call;
  pending->t0 = now_us ();
  bare->pending++;
  soup_session_send_and_read_async (bare->session, msg, G_PRIORITY_DEFAULT, cancellable, on_read,
                                    pending);
}

static gboolean
on_deadline (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* Runs the bare client's context until every call answered, or cancels
 * them after @timeout_ms. */
static void
bare_wait (Bare         *bare,
           GCancellable *cancellable,
           guint         timeout_ms)
{
  GSource *deadline = g_timeout_source_new (timeout_ms);

  g_source_set_callback (deadline, on_deadline, cancellable, NULL);
  g_source_attach (deadline, bare->context);
  while (bare->pending > 0)
    g_main_context_iteration (bare->context, TRUE);
  g_source_destroy (deadline);
  g_source_unref (deadline);
}

/**
 * bare_parallel:
 *
 * Sends every call at once on new connections, and waits for all.
 *
 * Returns: the milliseconds from the first send to the last answer
 */
double
bare_parallel (const char *url,
               const char *user,
               const char *password,
               BareCall   *calls,
               guint       n_calls,
               guint       timeout_ms)
{
  Bare *bare = bare_new (url, user, password, n_calls);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gint64 t0 = now_us ();
  double ms;

  for (guint i = 0; i < n_calls; i++)
    bare_send (bare, &calls[i], cancellable);
  bare_wait (bare, cancellable, timeout_ms);
  ms = (now_us () - t0) / 1000.0;
  bare_free (bare);
  return ms;
}

/**
 * bare_sequence:
 *
 * Sends the calls one after the other on one new connection (kept alive
 * between them).
 *
 * Returns: the milliseconds from the first send to the last answer
 */
double
bare_sequence (const char *url,
               const char *user,
               const char *password,
               BareCall   *calls,
               guint       n_calls,
               guint       timeout_ms)
{
  Bare *bare = bare_new (url, user, password, 1);
  gint64 t0 = now_us ();
  double ms;

  for (guint i = 0; i < n_calls; i++)
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();

      bare_send (bare, &calls[i], cancellable);
      bare_wait (bare, cancellable, timeout_ms);
    }
  ms = (now_us () - t0) / 1000.0;
  bare_free (bare);
  return ms;
}

void
bare_calls_clear (BareCall *calls,
                  guint     n_calls)
{
  for (guint i = 0; i < n_calls; i++)
    g_clear_pointer (&calls[i].answer, g_free);
}

/**
 * bare_restart_probe:
 * @poll_ms: the time between two probes
 * @timeout_ms: how long to wait for the instance to come back
 * @down_after_ms: (out): when the first probe failed, after the restart was sent
 * @down_for_ms: (out): how long the probes failed
 *
 * Sends `restart`, then `user_info` on a new connection every @poll_ms
 * (each bounded by 500 ms) until one fails and a later one answers 200.
 *
 * Returns: the milliseconds from sending `restart` to that answer, or -1
 */
double
bare_restart_probe (const char *url,
                    const char *user,
                    const char *password,
                    guint       poll_ms,
                    guint       timeout_ms,
                    double     *down_after_ms,
                    double     *down_for_ms)
{
  BareCall restart = { .body = "{\"operation\":\"restart\"}" };
  gint64 t0 = now_us ();
  gint64 down = 0;
  double back = -1;

  bare_sequence (url, user, password, &restart, 1, 5000);
  bare_calls_clear (&restart, 1);
  while ((now_us () - t0) / 1000 < timeout_ms)
    {
      BareCall probe = { .body = "{\"operation\":\"user_info\"}" };
      gint64 t_probe = now_us ();

      bare_sequence (url, user, password, &probe, 1, 500);
      bare_calls_clear (&probe, 1);
      if (probe.status != 200 && down == 0)
        down = t_probe;
      else if (probe.status == 200 && down != 0)
        {
          back = (now_us () - t0) / 1000.0;
          break;
        }
      g_usleep (poll_ms * 1000);
    }
  *down_after_ms = down != 0 ? (down - t0) / 1000.0 : -1;
  *down_for_ms = down != 0 && back > 0 ? back - (down - t0) / 1000.0 : -1;
  return back;
}
