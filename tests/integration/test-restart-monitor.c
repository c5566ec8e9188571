/* test-restart-monitor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DeckRestartMonitor against a real Harper 4.4.18 node. The main claim is
 * measured, not assumed: a second client polls the node on its own every
 * 50 ms, and the monitor must report "back" within a second of the moment
 * that probe sees the node answer again. Then restart_service http_workers,
 * a node that does not come back (timeout, then keep waiting after it is
 * started again) and a cancellation.
 */

#include <string.h>

#include "deck-restart-monitor.h"
#include "harper-fixture.h"
#include "hdb-test-helpers.h"

#define PROBE_INTERVAL_MS  50
#define PROBE_TIMEOUT_MS   1000
#define MAX_LAG_US         G_USEC_PER_SEC

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
        obs->waiting_time = now;
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

static void
test_back_quickly (void)
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
  GPid pid = harper_fixture_get_pid (cluster, 0);
  Observer obs;
  Probe probe;
  gint64 start;
  gint64 lag;

  observer_init (&obs, monitor);
  probe_start (&probe);
  /* Let the probe see the node answering before the restart. */
  test_util_spin (200);

  start = g_get_monotonic_time ();
  TEST_AWAIT (result, 60000,
              deck_restart_monitor_run_async (monitor, DECK_RESTART_KIND_RESTART, NULL,
                                              test_util_store_result, &result));
  g_assert_true (deck_restart_monitor_run_finish (monitor, result, &error));
  g_assert_no_error (error);

  /* The probe may still be waiting for its answer. */
  for (guint i = 0; i < 40 && probe.back_time == 0; i++)
    test_util_spin (50);
  probe_stop (&probe);

  g_assert_cmpint (deck_restart_monitor_get_phase (monitor), ==, DECK_RESTART_PHASE_DONE);
  assert_phases (&obs, expected, G_N_ELEMENTS (expected));
  observer_log_messages (&obs);

  g_assert_cmpint (probe.first_failure, !=, 0);
  g_assert_cmpint (probe.back_time, !=, 0);
  g_assert_cmpint (obs.done_time, !=, 0);
  lag = obs.done_time - probe.back_time;
  g_test_message ("restart: probe saw the node fail after %.2f s and answer again after "
                  "%.2f s (%u probes); the monitor said DONE after %.2f s (elapsed %.2f s); "
                  "detection lag %+.0f ms",
                  (probe.first_failure - start) / 1e6, (probe.back_time - start) / 1e6,
                  probe.n_requests, (obs.done_time - start) / 1e6,
                  deck_restart_monitor_get_elapsed (monitor), lag / 1e3);
  g_assert_cmpint (lag, <=, MAX_LAG_US);

  /* "elapsed" came all along, at least every 250 ms (a little slack for a
   * busy machine). */
  g_test_message ("elapsed notified %u times, largest gap %.0f ms", obs.n_elapsed,
                  obs.max_elapsed_gap / 1e3);
  g_assert_cmpuint (obs.n_elapsed, >=, (guint) (deck_restart_monitor_get_elapsed (monitor) / 0.25));
  g_assert_cmpint (obs.max_elapsed_gap, <=, 400 * 1000);
  g_assert_cmpstr (deck_restart_monitor_get_message (monitor), !=, NULL);
  g_assert_true (g_str_has_prefix (deck_restart_monitor_get_message (monitor), "Back after "));

  /* 4.4 replaced the workers and kept the process. */
  after = current_threads ();
  before_text = threads_to_string (before);
  after_text = threads_to_string (after);
  g_test_message ("threads before %s, after %s; pid %d", before_text, after_text, (int) pid);
  g_assert_true (threads_disjoint (before, after));
  g_assert_cmpint (harper_fixture_get_pid (cluster, 0), ==, pid);

  observer_clear (&obs, monitor);
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
  for (guint i = 0; i < 200; i++)
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
  g_assert_cmpint (returned_at - cancelled_at, <, 200 * 1000);

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
  g_autoptr(DeckRestartMonitor) monitor = monitor_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) before = current_threads ();
  g_autoptr(GArray) after = NULL;
  g_autofree char *before_text = NULL;
  g_autofree char *after_text = NULL;
  GPid pid_before = harper_fixture_get_pid (cluster, 0);
  GPid pid_after;
  StopJob stop = { 0, NULL, FALSE };
  GThread *thread;
  const char *message;
  gint64 waited;

  Observer obs;

  observer_init (&obs, monitor);
  deck_restart_monitor_set_timeout (monitor, 3000);

  deck_restart_monitor_run_async (monitor, DECK_RESTART_KIND_RESTART, NULL,
                                  test_util_store_result, &result);
  for (guint i = 0; i < 500 && obs.waiting_time == 0; i++)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (obs.waiting_time, !=, 0);

  /* The restart was answered: now the node goes away for good. The stop
   * runs in a thread, so that the monitor keeps polling meanwhile. */
  thread = g_thread_new ("stop-node", stop_node_thread, &stop);
  g_assert_true (test_util_wait_for_pointer ((gpointer *) &result, 30000));
  waited = obs.failed_time - obs.waiting_time;

  g_assert_false (deck_restart_monitor_run_finish (monitor, result, &error));
  g_assert_error (error, DECK_RESTART_ERROR, DECK_RESTART_ERROR_TIMEOUT);
  message = deck_restart_monitor_get_message (monitor);
  g_test_message ("timeout after %.2f s of waiting: %s", waited / 1e6, error->message);
  g_assert_cmpint (deck_restart_monitor_get_phase (monitor), ==, DECK_RESTART_PHASE_FAILED);
  g_assert_cmpint (waited, >=, 2900 * 1000);
  g_assert_cmpint (waited, <=, 3500 * 1000);
  g_assert_cmpstr (message, ==, error->message);
  g_assert_nonnull (strstr (message, harper_fixture_get_node_name (cluster, 0)));
  g_assert_nonnull (strstr (message, "keep waiting"));

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
      g_print ("1..1\nnot ok 1 - start a Harper 4.4.18 node: %s\n", error->message);
      return 1;
    }
  client = hdb_test_client (harper_fixture_get_url (cluster, 0),
                            harper_fixture_get_username (cluster),
                            harper_fixture_get_password (cluster));

  g_test_add_func ("/restart/phases", test_phase_descriptions);
  g_test_add_func ("/restart/back-quickly", test_back_quickly);
  g_test_add_func ("/restart/http-workers", test_http_workers);
  g_test_add_func ("/restart/cancel", test_cancel);
  g_test_add_func ("/restart/timeout", test_timeout_then_keep_waiting);

  status = g_test_run ();

  g_clear_object (&client);
  g_clear_pointer (&cluster, harper_fixture_free);
  return status;
}
