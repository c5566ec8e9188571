/* test-restart-monitor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DeckRestartMonitor against a real Harper node of the version under test
 * (HARPER_VERSION; meson runs it on every version of the matrix, inside a
 * private network namespace since 4.3.0 listens on every interface). A
 * second client polls the node on its own every 50 ms; the monitor must say
 * "back" only after that probe saw the node stop answering (never early),
 * and the delay between the probe seeing it answer again and the monitor
 * saying so is measured and logged (a "# restart-detection:" line per
 * restart, which build-aux/compat-table.py collects for
 * docs/compatibility.md), not asserted: the goal is under 0.5 s on every
 * version. What the restart leaves behind (the same process with new
 * workers, or a new process) is compared with what the capability table
 * says of the version. Then restart_service http_workers, a restart the old
 * server survives (a proxy answers `restart` without passing it on and drops
 * a connection: the old process keeps answering and must never count as
 * back), a node that does not come back (timeout, then keep waiting after it
 * is started again) and a cancellation. Who answers before the restart may
 * be asked ahead (deck_restart_monitor_record_ahead()): a run that finds it
 * on its way or answered sends no more requests than one that asks itself,
 * and one cancelled while it waits for it never sends the restart.
 */

#include <string.h>

#include <libsoup/soup.h>

#include "deck-restart-monitor.h"
#include "harper-fixture.h"
#include "hdb-capabilities.h"
#include "hdb-json.h"
#include "hdb-process-info.h"
#include "hdb-test-helpers.h"

#define PROBE_INTERVAL_MS  50
#define PROBE_TIMEOUT_MS   1000
#define N_RESTARTS         3

static HarperFixture *cluster;
static HdbClient *client;

/* What a test sees of a monitor through its notifications. */
typedef struct
{
  GArray    *phases;          /* DeckRestartPhase, in the order notified */
  GPtrArray *messages;        /* distinct messages, in order */
  guint      n_elapsed;
  gint64     last_elapsed_time;
  gint64     max_elapsed_gap; /* µs between two "elapsed" notifications */
  gint64     done_time;
  gint64     failed_time;
  gint64     waiting_time;
  guint      n_sent_at_waiting; /* the client's requests when WAITING came */
  gboolean   count_after;
  guint      n_after;         /* notifications after count_after was set */
} Observer;

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  Observer *obs = user_data;
  DeckRestartMonitor *monitor = DECK_RESTART_MONITOR (object);
  const char *name = g_param_spec_get_name (pspec);
  gint64 now = g_get_monotonic_time ();

  if (obs->count_after)
    obs->n_after++;

  if (g_str_equal (name, "phase"))
    {
      DeckRestartPhase phase = deck_restart_monitor_get_phase (monitor);

      g_array_append_val (obs->phases, phase);
      if (phase == DECK_RESTART_PHASE_DONE)
        obs->done_time = now;
      else if (phase == DECK_RESTART_PHASE_FAILED)
        obs->failed_time = now;
      else if (phase == DECK_RESTART_PHASE_WAITING)
        {
          obs->waiting_time = now;
          obs->n_sent_at_waiting = hdb_client_get_request_count (client);
        }
    }
  else if (g_str_equal (name, "elapsed"))
    {
      if (obs->last_elapsed_time != 0)
        obs->max_elapsed_gap = MAX (obs->max_elapsed_gap, now - obs->last_elapsed_time);
      obs->last_elapsed_time = now;
      obs->n_elapsed++;
    }
  else if (g_str_equal (name, "message"))
    {
      const char *message = deck_restart_monitor_get_message (monitor);

      if (message != NULL)
        g_ptr_array_add (obs->messages, g_strdup (message));
    }
}

static void
observer_init (Observer           *obs,
               DeckRestartMonitor *monitor)
{
  memset (obs, 0, sizeof *obs);
  obs->phases = g_array_new (FALSE, FALSE, sizeof (DeckRestartPhase));
  obs->messages = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (monitor, "notify", G_CALLBACK (on_notify), obs);
}

static void
observer_clear (Observer           *obs,
                DeckRestartMonitor *monitor)
{
  g_signal_handlers_disconnect_by_data (monitor, obs);
  g_clear_pointer (&obs->phases, g_array_unref);
  g_clear_pointer (&obs->messages, g_ptr_array_unref);
}

static void
observer_log_messages (Observer *obs)
{
  /* Every tick changes the figure; the first of each kind is enough. */
  const char *previous = "";

  for (guint i = 0; i < obs->messages->len; i++)
    {
      const char *message = g_ptr_array_index (obs->messages, i);

      if (strncmp (message, previous, 12) != 0)
        g_test_message ("  message: %s", message);
      previous = message;
    }
}

static void
assert_phases (Observer               *obs,
               const DeckRestartPhase *expected,
               guint                   n_expected)
{
  g_autoptr(GString) seen = g_string_new (NULL);

  for (guint i = 0; i < obs->phases->len; i++)
    g_string_append_printf (seen, "%s%s", i > 0 ? " -> " : "",
                            deck_restart_phase_describe (g_array_index (obs->phases,
                                                                        DeckRestartPhase, i)));
  g_test_message ("phases: %s", seen->str);

  g_assert_cmpuint (obs->phases->len, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    g_assert_cmpint (g_array_index (obs->phases, DeckRestartPhase, i), ==, expected[i]);
}

static GArray *
current_threads (void)
{
  g_autoptr(GError) error = NULL;
  GArray *threads = HDB_SYNC (client, system_threads, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (threads->len, >, 0);
  return threads;
}

/* The main process as Harper reports it (not the fixture's pid file). */
static gint64
current_pid (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(HdbProcessInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  /* A wait, not a measure: a loaded machine's Harper may take its time. */
  TEST_AWAIT (result, 90000,
              hdb_client_process_info_async (client, TRUE, 60000, NULL, test_util_store_result,
                                             &result));
  info = hdb_client_process_info_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->pid, >, 0);
  return info->pid;
}

static const HdbCapabilities *
capabilities (void)
{
  return hdb_capabilities_for_version (harper_fixture_get_version (cluster));
}

static gboolean
threads_disjoint (GArray *a,
                  GArray *b)
{
  for (guint i = 0; i < a->len; i++)
    for (guint j = 0; j < b->len; j++)
      if (g_array_index (a, gint64, i) == g_array_index (b, gint64, j))
        return FALSE;
  return TRUE;
}

static char *
threads_to_string (GArray *threads)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < threads->len; i++)
    g_string_append_printf (text, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "",
                            g_array_index (threads, gint64, i));
  return g_string_free (text, FALSE);
}

static DeckRestartMonitor *
monitor_new (void)
{
  DeckRestartMonitor *monitor = deck_restart_monitor_new (client);

  deck_restart_monitor_set_name (monitor, harper_fixture_get_node_name (cluster, 0));
  return monitor;
}

/* The probe: an independent client asking user_info every 50 ms. ------- */

typedef struct
{
  HdbClient *client;
  guint      timer;
  gboolean   in_flight;
  guint      n_requests;
  gint64     first_failure;  /* when it first failed */
  gint64     back_time;      /* when it first answered after failing */
} Probe;

static void
on_probe_answer (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Probe *probe = user_data;
  g_autoptr(HdbUserInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_monotonic_time ();

  probe->in_flight = FALSE;
  info = hdb_client_user_info_finish (HDB_CLIENT (source), result, &error);
  if (info == NULL && probe->first_failure == 0)
    probe->first_failure = now;
  else if (info != NULL && probe->first_failure != 0 && probe->back_time == 0)
    probe->back_time = now;
}

static gboolean
on_probe_timer (gpointer user_data)
{
  Probe *probe = user_data;

  /* One request at a time: a slow answer delays the next one. */
  if (!probe->in_flight)
    {
      probe->in_flight = TRUE;
      probe->n_requests++;
      hdb_client_user_info_async (probe->client, NULL, on_probe_answer, probe);
    }
  return G_SOURCE_CONTINUE;
}

static void
probe_start (Probe *probe)
{
  memset (probe, 0, sizeof *probe);
  probe->client = hdb_test_client (harper_fixture_get_url (cluster, 0),
                                   harper_fixture_get_username (cluster),
                                   harper_fixture_get_password (cluster));
  hdb_client_set_timeout (probe->client, PROBE_TIMEOUT_MS);
  probe->timer = g_timeout_add (PROBE_INTERVAL_MS, on_probe_timer, probe);
}

static void
probe_stop (Probe *probe)
{
  g_clear_handle_id (&probe->timer, g_source_remove);
  while (probe->in_flight)
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&probe->client);
}

/* Tests ------------------------------------------------------------------ */

/* Who answers before the restart: asked by the run itself, asked ahead
 * and still on its way when the run starts, or asked ahead and answered. */
typedef enum
{
  AHEAD_NONE,
  AHEAD_IN_FLIGHT,
  AHEAD_ANSWERED,
} Ahead;

static const char *const ahead_names[] = { "no record ahead", "record ahead in flight",
                                           "record ahead answered" };

/* One restart, followed by the monitor and watched by the probe. Returns the
 * detection lag (µs): from the probe seeing the node answer again to the
 * monitor saying it is back; and in @n_sent, the requests the monitor's
 * client sent from the record (ahead or not) until the restart answered. */
static gint64
restart_once (guint  n,
              Ahead  ahead,
              guint *n_sent)
{
  static const DeckRestartPhase expected[] = {
    DECK_RESTART_PHASE_RESTARTING, DECK_RESTART_PHASE_WAITING,
    DECK_RESTART_PHASE_VERIFYING, DECK_RESTART_PHASE_DONE,
  };
  g_autoptr(DeckRestartMonitor) monitor = monitor_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) before = current_threads ();
  g_autoptr(GArray) after = NULL;
  g_autofree char *before_text = NULL;
  g_autofree char *after_text = NULL;
  const HdbCapabilities *caps = capabilities ();
  gint64 pid = current_pid ();
  gint64 new_pid;
  Observer obs;
  Probe probe;
  gint64 start;
  gint64 lag;
  guint n_before;

  observer_init (&obs, monitor);
  probe_start (&probe);
  /* Let the probe see the node answering before the restart. */
  test_util_spin (200);

  n_before = hdb_client_get_request_count (client);
  if (ahead != AHEAD_NONE)
    deck_restart_monitor_record_ahead (monitor);
  if (ahead == AHEAD_ANSWERED)
    {
      /* A wait, not a measure: a loaded machine's Harper may take its time. */
      gint64 deadline = g_get_monotonic_time () + 90 * G_USEC_PER_SEC;

      while (!deck_restart_monitor_get_recorded_ahead (monitor))
        {
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          test_util_spin (20);
        }
    }
  else
    g_assert_false (deck_restart_monitor_get_recorded_ahead (monitor));

  start = g_get_monotonic_time ();
  TEST_AWAIT (result, 120000,
              deck_restart_monitor_run_async (monitor, DECK_RESTART_KIND_RESTART, NULL,
                                              test_util_store_result, &result));
  g_assert_true (deck_restart_monitor_run_finish (monitor, result, &error));
  g_assert_no_error (error);
  g_assert_false (deck_restart_monitor_get_recorded_ahead (monitor));
  *n_sent = obs.n_sent_at_waiting - n_before;
  g_test_message ("restart %u (%s): %u request(s) from the record to the restart's answer",
                  n, ahead_names[ahead], *n_sent);

  /* The probe may still be waiting for its answer. */
  for (guint i = 0; i < 40 && probe.back_time == 0; i++)
    test_util_spin (50);
  probe_stop (&probe);

  g_assert_cmpint (deck_restart_monitor_get_phase (monitor), ==, DECK_RESTART_PHASE_DONE);
  assert_phases (&obs, expected, G_N_ELEMENTS (expected));
  observer_log_messages (&obs);

  /* Never early: the node stopped answering before the monitor said back. */
  g_assert_cmpint (probe.first_failure, !=, 0);
  g_assert_cmpint (probe.back_time, !=, 0);
  g_assert_cmpint (obs.done_time, !=, 0);
  g_assert_cmpint (obs.done_time, >, probe.first_failure);
  lag = obs.done_time - probe.back_time;
  g_test_message ("restart %u: probe saw the node fail after %.2f s and answer again after "
                  "%.2f s (%u probes); the monitor said DONE after %.2f s (elapsed %.2f s); "
                  "detection lag %+.0f ms", n,
                  (probe.first_failure - start) / 1e6, (probe.back_time - start) / 1e6,
                  probe.n_requests, (obs.done_time - start) / 1e6,
                  deck_restart_monitor_get_elapsed (monitor), lag / 1e3);
  g_test_message ("restart-detection: version=%s answered_after_s=%.2f lag_ms=%.0f",
                  harper_fixture_get_version (cluster), (probe.back_time - start) / 1e6,
                  lag / 1e3);

  /* "elapsed" came all along (its regularity is logged, not asserted: a
   * busy machine delays timers). */
  g_test_message ("elapsed notified %u times, largest gap %.0f ms", obs.n_elapsed,
                  obs.max_elapsed_gap / 1e3);
  g_assert_cmpuint (obs.n_elapsed, >, 0);
  g_assert_cmpstr (deck_restart_monitor_get_message (monitor), !=, NULL);
  g_assert_true (g_str_has_prefix (deck_restart_monitor_get_message (monitor), "Back after "));

  /* What the restart left is what the table says of this version: the same
   * process with new workers (4.0-4.4), or a new process whose workers may
   * carry the old ids (4.5+). */
  after = current_threads ();
  new_pid = current_pid ();
  before_text = threads_to_string (before);
  after_text = threads_to_string (after);
  g_test_message ("Harper %s (%s restart): threads before %s, after %s; pid %" G_GINT64_FORMAT
                  " before, %" G_GINT64_FORMAT " after", harper_fixture_get_version (cluster),
                  hdb_restart_style_to_string (caps->restart_style), before_text, after_text,
                  pid, new_pid);
  if (caps->restart_style == HDB_RESTART_STYLE_WORKERS)
    {
      g_assert_true (threads_disjoint (before, after));
      g_assert_cmpint (new_pid, ==, pid);
    }
  else
    {
      g_assert_cmpint (caps->restart_style, ==, HDB_RESTART_STYLE_PROCESS);
      g_assert_cmpint (new_pid, !=, pid);
    }
  g_assert_cmpint (harper_fixture_get_pid (cluster, 0), ==, new_pid);

  observer_clear (&obs, monitor);
  return lag;
}

static void
test_back_quickly (void)
{
  gint64 lags[N_RESTARTS];
  guint n_sent[N_RESTARTS];
  gint64 worst = G_MININT64;

  /* The first asks who answers itself; the second finds that asked ahead
   * and waits for it, the third finds it answered: both send no more than
   * the first, and are judged as well (never early, the same evidence). */
  G_STATIC_ASSERT (N_RESTARTS == 3);
  for (guint i = 0; i < N_RESTARTS; i++)
    {
      lags[i] = restart_once (i + 1, (Ahead) i, &n_sent[i]);
      worst = MAX (worst, lags[i]);
    }
  g_assert_cmpuint (n_sent[0], >=, 2);
  g_assert_cmpuint (n_sent[1], ==, n_sent[0]);
  g_assert_cmpuint (n_sent[2], ==, n_sent[0]);
  g_test_message ("restart-detection-summary: version=%s restarts=%u worst_lag_ms=%.0f",
                  harper_fixture_get_version (cluster), N_RESTARTS, worst / 1e3);
}

static void
test_http_workers (void)
{
  static const DeckRestartPhase expected[] = {
    DECK_RESTART_PHASE_RESTARTING, DECK_RESTART_PHASE_WAITING,
    DECK_RESTART_PHASE_VERIFYING, DECK_RESTART_PHASE_DONE,
  };
  g_autoptr(DeckRestartMonitor) monitor = monitor_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) before = current_threads ();
  g_autoptr(GArray) after = NULL;
  g_autofree char *before_text = NULL;
  g_autofree char *after_text = NULL;
  Observer obs;

  observer_init (&obs, monitor);

  TEST_AWAIT (result, 60000,
              deck_restart_monitor_run_async (monitor, DECK_RESTART_KIND_HTTP_WORKERS, NULL,
                                              test_util_store_result, &result));
  g_assert_true (deck_restart_monitor_run_finish (monitor, result, &error));
  g_assert_no_error (error);

  assert_phases (&obs, expected, G_N_ELEMENTS (expected));
  observer_log_messages (&obs);
  g_test_message ("restart_service http_workers: back after %.2f s",
                  deck_restart_monitor_get_elapsed (monitor));

  /* restart_service replaces the workers inside the process on every
   * version measured. */
  after = current_threads ();
  before_text = threads_to_string (before);
  after_text = threads_to_string (after);
  g_test_message ("threads before %s, after %s", before_text, after_text);
  g_assert_true (threads_disjoint (before, after));

  observer_clear (&obs, monitor);
}

static void
test_cancel (void)
{
  DeckRestartMonitor *monitor = monitor_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Observer obs;
  gint64 cancelled_at;
  gint64 returned_at;

  observer_init (&obs, monitor);
  g_object_add_weak_pointer (G_OBJECT (monitor), (gpointer *) &monitor);

  deck_restart_monitor_run_async (monitor, DECK_RESTART_KIND_RESTART, cancellable,
                                  test_util_store_result, &result);
  /* Reading who answers before the restart may take Harper a few seconds
   * on a busy machine (the process list). */
  for (guint i = 0; i < 3000; i++)
    {
      if (deck_restart_monitor_get_phase (monitor) == DECK_RESTART_PHASE_WAITING)
        break;
      test_util_spin (10);
    }
  g_assert_cmpint (deck_restart_monitor_get_phase (monitor), ==, DECK_RESTART_PHASE_WAITING);

  /* Let it poll a little (the node is now restarting), then cancel. */
  test_util_spin (600);
  obs.count_after = TRUE;
  cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  g_assert_true (test_util_wait_for_pointer ((gpointer *) &result, 5000));
  returned_at = g_get_monotonic_time ();

  g_assert_false (deck_restart_monitor_run_finish (monitor, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_test_message ("cancelled after %.0f ms", (returned_at - cancelled_at) / 1e3);

  /* No timer survives: nothing is notified any more, and once the request
   * that was in flight has come back, the monitor goes away with its last
   * reference. */
  test_util_spin (1000);
  g_assert_cmpuint (obs.n_after, ==, 0);
  observer_clear (&obs, monitor);
  g_clear_object (&result);
  g_object_unref (monitor);
  for (guint i = 0; i < 50 && monitor != NULL; i++)
    test_util_spin (100);
  g_assert_null (monitor);

  /* The restart goes on without the monitor; the next test needs the node. */
  g_assert_true (hdb_test_wait_answering (client, 60000));
}

/* A run cancelled while it waits for who answers, asked ahead: it ends at
 * once, and the restart is never sent (the client sent the one request
 * asked ahead, and nothing after it). */
static void
test_cancel_while_recording_ahead (void)
{
  DeckRestartMonitor *monitor = monitor_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint n_before = hdb_client_get_request_count (client);

  g_object_add_weak_pointer (G_OBJECT (monitor), (gpointer *) &monitor);
  deck_restart_monitor_record_ahead (monitor);
  g_assert_cmpuint (hdb_client_get_request_count (client), ==, n_before + 1);
  deck_restart_monitor_run_async (monitor, DECK_RESTART_KIND_RESTART, cancellable,
                                  test_util_store_result, &result);
  /* Nothing is answered before the main loop runs: the run waits. */
  g_assert_false (deck_restart_monitor_get_recorded_ahead (monitor));
  g_cancellable_cancel (cancellable);
  g_assert_true (test_util_wait_for_pointer ((gpointer *) &result, 5000));
  g_assert_false (deck_restart_monitor_run_finish (monitor, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_object (&result);

  /* The request asked ahead comes back (cancelled) and lets the monitor
   * go; nothing more was sent. */
  g_object_unref (monitor);
  for (guint i = 0; i < 100 && monitor != NULL; i++)
    test_util_spin (100);
  g_assert_null (monitor);
  test_util_spin (500);
  g_assert_cmpuint (hdb_client_get_request_count (client), ==, n_before + 1);
  g_assert_true (hdb_test_wait_answering (client, 60000));
}

/* A restart the old server survives: a proxy in front of the node answers
 * `restart` without passing it on, and drops the connection of the first
 * health check after it (a fault no real server produces on demand). The
 * node keeps answering as the process it was, with the same workers: the
 * old rule ("an answer after a failed request") would have said back. */

typedef struct
{
  SoupServer  *server;
  SoupSession *session;     /* to the real node, used synchronously */
  char        *url;         /* the proxy's base URL */
  gboolean     drop;        /* drop the first health check after `restart` */
  gboolean     restarted;   /* `restart` was answered (and not passed on) */
  gboolean     dropped;     /* the health check after it was dropped */
  guint        n_forwarded;
} FakeRestartProxy;

static gboolean
is_restart (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(JsonNode) node = NULL;
  gsize size = 0;
  const char *data = g_bytes_get_data (bytes, &size);

  if (size == 0)
    return FALSE;
  node = hdb_json_parse (data, size, 1 << 20, NULL);
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) &&
         g_strcmp0 (hdb_json_get_string (json_node_get_object (node), "operation"),
                    "restart") == 0;
}

static void
forward (FakeRestartProxy  *proxy,
         SoupServerMessage *msg,
         const char        *path)
{
  g_autofree char *target = g_strconcat (harper_fixture_get_url (cluster, 0), path, NULL);
  g_autoptr(SoupMessage) out = soup_message_new (soup_server_message_get_method (msg), target);
  SoupMessageHeaders *in_headers = soup_server_message_get_request_headers (msg);
  const char *auth = soup_message_headers_get_one (in_headers, "Authorization");
  g_autoptr(GBytes) request_body = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *type;

  if (auth != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (out), "Authorization", auth);
  /* A new connection each time: one kept from before a restart would lead
   * to the old (4.5+: dead) process. */
  soup_message_headers_replace (soup_message_get_request_headers (out), "Connection", "close");
  request_body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  if (g_bytes_get_size (request_body) > 0)
    soup_message_set_request_body_from_bytes (out, "application/json", request_body);

  proxy->n_forwarded++;
  reply = soup_session_send_and_read (proxy->session, out, NULL, &error);
  if (reply == NULL)
    {
      g_debug ("proxy: %s %s: %s", soup_server_message_get_method (msg), path, error->message);
      soup_server_message_set_status (msg, SOUP_STATUS_BAD_GATEWAY, NULL);
      return;
    }
  type = soup_message_headers_get_content_type (soup_message_get_response_headers (out), NULL);
  soup_server_message_set_status (msg, soup_message_get_status (out), NULL);
  soup_server_message_set_response (msg, type != NULL ? type : "application/json",
                                    SOUP_MEMORY_COPY, g_bytes_get_data (reply, NULL),
                                    g_bytes_get_size (reply));
}

static void
on_proxy_request (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  FakeRestartProxy *proxy = user_data;
  static const char answer[] =
    "{\"message\":\"Restarting HarperDB. This may take up to 60 seconds.\"}";

  if (g_strcmp0 (soup_server_message_get_method (msg), "POST") == 0 && is_restart (msg))
    {
      proxy->restarted = TRUE;
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, answer,
                                        strlen (answer));
      return;
    }
  if (proxy->drop && proxy->restarted && !proxy->dropped && g_str_equal (path, "/health"))
    {
      g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

      proxy->dropped = TRUE;
      g_io_stream_close (stream, NULL, NULL);
      return;
    }
  forward (proxy, msg, path);
}

static void
proxy_start (FakeRestartProxy *proxy,
             gboolean          drop)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  memset (proxy, 0, sizeof *proxy);
  proxy->drop = drop;
  proxy->session = soup_session_new ();
  proxy->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (proxy->server, NULL, on_proxy_request, proxy, NULL);
  g_assert_true (soup_server_listen_local (proxy->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY,
                                           &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (proxy->server);
  proxy->url = g_uri_to_string (uris->data);
  if (g_str_has_suffix (proxy->url, "/"))
    proxy->url[strlen (proxy->url) - 1] = '\0';
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static void
proxy_stop (FakeRestartProxy *proxy)
{
  soup_server_disconnect (proxy->server);
  g_clear_object (&proxy->server);
  g_clear_object (&proxy->session);
  g_clear_pointer (&proxy->url, g_free);
}

static void
test_old_still_answers (void)
{
  FakeRestartProxy proxy;
  g_autoptr(HdbClient) proxied = NULL;
  g_autoptr(DeckRestartMonitor) monitor = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) before = current_threads ();
  g_autoptr(GArray) after = NULL;
  gint64 pid = current_pid ();
  Observer obs;

  proxy_start (&proxy, TRUE);
  proxied = hdb_test_client (proxy.url, harper_fixture_get_username (cluster),
                             harper_fixture_get_password (cluster));
  monitor = deck_restart_monitor_new (proxied);
  deck_restart_monitor_set_name (monitor, harper_fixture_get_node_name (cluster, 0));
  deck_restart_monitor_set_timeout (monitor, 5000);
  observer_init (&obs, monitor);

  TEST_AWAIT (result, 60000,
              deck_restart_monitor_run_async (monitor, DECK_RESTART_KIND_RESTART, NULL,
                                              test_util_store_result, &result));
  g_assert_false (deck_restart_monitor_run_finish (monitor, result, &error));
  g_test_message ("%s (%u requests passed on)", error->message, proxy.n_forwarded);
  observer_log_messages (&obs);

  /* The fake restart was sent and a poll failed, yet the node never counted
   * as back: it timed out, saying the old server still answers. */
  g_assert_true (proxy.restarted);
  g_assert_true (proxy.dropped);
  g_assert_error (error, DECK_RESTART_ERROR, DECK_RESTART_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "as the server it was before the restart"));
  g_assert_cmpint (obs.done_time, ==, 0);

  /* Nothing restarted indeed. */
  after = current_threads ();
  g_assert_false (threads_disjoint (before, after));
  g_assert_cmpint (current_pid (), ==, pid);

  observer_clear (&obs, monitor);
  proxy_stop (&proxy);
}

typedef struct
{
  guint    node;
  GError  *error;
  gboolean ok;
} StopJob;

static gpointer
stop_node_thread (gpointer data)
{
  StopJob *job = data;

  job->ok = harper_fixture_stop_node (cluster, job->node, &job->error);
  return NULL;
}

static void
test_timeout_then_keep_waiting (void)
{
  static const DeckRestartPhase expected[] = {
    DECK_RESTART_PHASE_RESTARTING, DECK_RESTART_PHASE_WAITING,
    DECK_RESTART_PHASE_FAILED, DECK_RESTART_PHASE_WAITING,
    DECK_RESTART_PHASE_VERIFYING, DECK_RESTART_PHASE_DONE,
  };
  g_autoptr(DeckRestartMonitor) monitor = NULL;
  g_autoptr(HdbClient) proxied = NULL;
  FakeRestartProxy proxy;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) before = current_threads ();
  g_autoptr(GArray) after = NULL;
  g_autofree char *before_text = NULL;
  g_autofree char *after_text = NULL;
  GPid pid_before;
  GPid pid_after;
  StopJob stop = { 0, NULL, FALSE };
  GThread *thread;
  const char *message;
  gint64 waited;

  Observer obs;

  /* The restart is swallowed by the proxy, so that the node does not
   * restart on its own while it is stopped (a new 4.5+ process could start
   * after the stop looked for it). */
  proxy_start (&proxy, FALSE);
  proxied = hdb_test_client (proxy.url, harper_fixture_get_username (cluster),
                             harper_fixture_get_password (cluster));
  monitor = deck_restart_monitor_new (proxied);
  deck_restart_monitor_set_name (monitor, harper_fixture_get_node_name (cluster, 0));
  observer_init (&obs, monitor);
  deck_restart_monitor_set_timeout (monitor, 3000);
  deck_restart_monitor_set_written (monitor, "clustering_enabled true",
                                    "set clustering.enabled to false again.");

  deck_restart_monitor_run_async (monitor, DECK_RESTART_KIND_RESTART, NULL,
                                  test_util_store_result, &result);
  for (gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
       obs.waiting_time == 0 && g_get_monotonic_time () < deadline;)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (obs.waiting_time, !=, 0);
  g_assert_true (proxy.restarted);

  /* The restart was answered: now the node goes away for good. The stop
   * runs in a thread, so that the monitor keeps polling meanwhile. */
  pid_before = harper_fixture_get_pid (cluster, 0);
  thread = g_thread_new ("stop-node", stop_node_thread, &stop);
  g_assert_true (test_util_wait_for_pointer ((gpointer *) &result, 30000));
  waited = obs.failed_time - obs.waiting_time;

  g_assert_false (deck_restart_monitor_run_finish (monitor, result, &error));
  g_assert_error (error, DECK_RESTART_ERROR, DECK_RESTART_ERROR_TIMEOUT);
  message = deck_restart_monitor_get_message (monitor);
  g_test_message ("timeout after %.2f s of waiting: %s", waited / 1e6, error->message);
  g_assert_cmpint (deck_restart_monitor_get_phase (monitor), ==, DECK_RESTART_PHASE_FAILED);
  g_assert_cmpint (waited, >=, 2900 * 1000);
  g_assert_cmpstr (message, ==, error->message);
  g_assert_nonnull (strstr (message, harper_fixture_get_node_name (cluster, 0)));
  g_assert_nonnull (strstr (message, "keep waiting"));
  /* It says what was written before the restart, and how to undo it. */
  g_assert_nonnull (strstr (message, "clustering_enabled true"));
  g_assert_nonnull (strstr (message, "set clustering.enabled to false again."));

  g_clear_error (&error);

  g_thread_join (thread);
  g_assert_no_error (stop.error);
  g_assert_true (stop.ok);

  /* Started again it is a new process; the monitor knows it as the node
   * it restarted. */
  g_assert_true (harper_fixture_start_node (cluster, 0, &error));
  g_assert_no_error (error);
  pid_after = harper_fixture_get_pid (cluster, 0);
  g_test_message ("pid before %d, after %d", (int) pid_before, (int) pid_after);
  g_assert_cmpint (pid_after, !=, pid_before);

  g_clear_object (&result);
  TEST_AWAIT (result, 30000,
              deck_restart_monitor_keep_waiting_async (monitor, NULL, test_util_store_result,
                                                       &result));
  g_assert_true (deck_restart_monitor_keep_waiting_finish (monitor, result, &error));
  g_assert_no_error (error);
  g_test_message ("back after %.2f s in all", deck_restart_monitor_get_elapsed (monitor));
  /* Back: nothing left to undo. */
  g_assert_null (deck_restart_monitor_get_written (monitor));

  assert_phases (&obs, expected, G_N_ELEMENTS (expected));
  observer_log_messages (&obs);

  after = current_threads ();
  before_text = threads_to_string (before);
  after_text = threads_to_string (after);
  g_test_message ("threads before %s, after %s", before_text, after_text);

  /* Nothing left to keep waiting for. */
  g_clear_object (&result);
  TEST_AWAIT (result, 5000,
              deck_restart_monitor_keep_waiting_async (monitor, NULL, test_util_store_result,
                                                       &result));
  g_assert_false (deck_restart_monitor_keep_waiting_finish (monitor, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);

  observer_clear (&obs, monitor);
  g_clear_object (&monitor);
  proxy_stop (&proxy);
}

static void
test_phase_descriptions (void)
{
  g_assert_cmpstr (deck_restart_phase_describe (DECK_RESTART_PHASE_WRITING_CONFIGURATION), ==,
                   "Writing configuration");
  g_assert_cmpstr (deck_restart_phase_describe (DECK_RESTART_PHASE_RESTARTING), ==,
                   "Restarting");
  g_assert_cmpstr (deck_restart_phase_describe (DECK_RESTART_PHASE_WAITING), ==,
                   "Waiting for the instance");
  g_assert_cmpstr (deck_restart_phase_describe (DECK_RESTART_PHASE_VERIFYING), ==, "Verifying");
  g_assert_cmpstr (deck_restart_phase_describe (DECK_RESTART_PHASE_DONE), ==, "Done");
  g_assert_cmpstr (deck_restart_phase_describe (DECK_RESTART_PHASE_FAILED), ==, "Failed");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  cluster = harper_fixture_start (1, HARPER_FIXTURE_UNCONFIGURED, &error);
  if (cluster == NULL)
    {
      g_printerr ("Could not start the Harper node: %s\n", error->message);
      g_print ("1..1\nnot ok 1 - start a Harper node (%s): %s\n",
               g_getenv ("HARPER_VERSION") ? g_getenv ("HARPER_VERSION") : "baseline",
               error->message);
      return 1;
    }
  client = hdb_test_client (harper_fixture_get_url (cluster, 0),
                            harper_fixture_get_username (cluster),
                            harper_fixture_get_password (cluster));

  g_test_add_func ("/restart/phases", test_phase_descriptions);
  g_test_add_func ("/restart/back-quickly", test_back_quickly);
  g_test_add_func ("/restart/http-workers", test_http_workers);
  g_test_add_func ("/restart/old-still-answers", test_old_still_answers);
  g_test_add_func ("/restart/cancel", test_cancel);
  g_test_add_func ("/restart/cancel-while-recording-ahead", test_cancel_while_recording_ahead);
  g_test_add_func ("/restart/timeout", test_timeout_then_keep_waiting);

  status = g_test_run ();

  g_clear_object (&client);
  g_clear_pointer (&cluster, harper_fixture_free);
  return status;
}
