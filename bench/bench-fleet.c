/* bench-fleet.c: the app with a fleet of simulated instances
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-fleet-sim serves --instances instances on loopback (answers
 * captured from Harper 4.4.18, realistic latencies; the last five frozen,
 * three before them refusing connections). They are the instances of one
 * organization in a store of the benchmark's own, their logins in the
 * keyring (run it in a session with one: bench/run-cluster.sh). Then, in
 * the real window (DeckWindow, the organization's sidebar on screen) and
 * the real DeckInstanceMonitor with the app's defaults (a check's timeout
 * 5 s):
 *
 *   status   from deck_instance_monitor_start() until every instance's
 *            status is known: the last answering instance, the last
 *            refusing one and the frozen ones (which can only end by their
 *            own timeout), each instance's time on its own; the frames the
 *            window paints meanwhile (it is kept drawing every frame, as an
 *            animation would): interval median, p95, max, and how many
 *            took over 25 ms (a frame and a half at 60 Hz);
 *   refresh  the process's CPU time per refresh cycle once every status is
 *            known (--interval-s, over --cycles cycles), and the requests
 *            the simulator saw per cycle;
 *   memory   peak RSS, and RSS once every status is known;
 *   apply    one change (publish shop.product to node2, as the captured
 *            cluster status allows) on each of --apply instances: the plan
 *            (a cluster_status and a describe_all per instance), then
 *            DeckApplier with its default limit of instances changed at
 *            once (8), and again with no limit; the most update_node the
 *            simulator had in flight at once.
 *
 * No assertion on time; it exits 0 when everything ran.
 */

#define G_LOG_DOMAIN "bench-fleet"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <adwaita.h>

#include "bench-bare.h"
#include "deck-applier.h"
#include "deck-context.h"
#include "deck-credentials.h"
#include "deck-instance-monitor.h"
#include "deck-plan-loader.h"
#include "deck-store.h"
#include "deck-window.h"
#include "hdb-client.h"
#include "ui-test-util.h"

#define STEP_MS   120000
#define JANK_MS   25.0

static guint opt_instances = 200;
static guint opt_frozen = 5;
static guint opt_refusing = 3;
static guint opt_interval_s = 2;
static guint opt_cycles = 3;
static guint opt_apply = 50;
static double opt_latency_scale = 1.0;
static const char *opt_sim;
static const char *opt_fixtures;

typedef struct
{
  DeckInstance *instance;
  guint         port;
  const char   *kind;      /* "normal", "refusing", "frozen" */
  gint64        known_ns;  /* when its status was first known */
} Member;

static GArray *members;    /* Member */
static GPid sim_pid;
static int sim_stdin = -1;
static char *store_dir;
static DeckStore *store;
static DeckCredentials *credentials;
static DeckInstanceMonitor *monitor;
static DeckContext *context;
static DeckWindow *window;
static gint64 t_start;
static GArray *frame_ms;
static gint64 last_frame;

static gint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

/* CLUSTERDECK_BENCH_TRACE=1: the app's debug lines and the long frames,
 * with their time since the monitor started, on stderr */
static gboolean
tracing (void)
{
  return g_strcmp0 (g_getenv ("CLUSTERDECK_BENCH_TRACE"), "1") == 0;
}

static void
trace_handler (const char     *log_domain,
               GLogLevelFlags  log_level,
               const char     *message,
               gpointer        user_data)
{
  if ((log_level & G_LOG_LEVEL_DEBUG) == 0)
    g_log_default_handler (log_domain, log_level, message, user_data);
  else if (t_start != 0 && log_domain != NULL &&
           (g_str_has_prefix (log_domain, "deck") || g_str_has_prefix (log_domain, "hdb")))
    g_printerr ("[%9.1f ms] %s: %s\n", (now_ns () - t_start) / 1e6, log_domain, message);
}

static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long
proc_kb (const char *key)
{
  g_autofree char *contents = NULL;
  const char *at;

  if (!g_file_get_contents ("/proc/self/status", &contents, NULL, NULL) ||
      (at = strstr (contents, key)) == NULL)
    return -1;
  return strtol (at + strlen (key) + 1, NULL, 10);
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *values,
            double  p)
{
  guint rank;

  if (values->len == 0)
    return -1;
  qsort (values->data, values->len, sizeof (double), compare_doubles);
  rank = (guint) (p / 100.0 * values->len + 0.999999);
  return g_array_index (values, double, CLAMP (rank, 1, values->len) - 1);
}

/* The simulator ------------------------------------------------------------ */

static void
start_sim (void)
{
  g_autofree char *n = g_strdup_printf ("%u", opt_instances);
  g_autofree char *frozen = g_strdup_printf ("%u", opt_frozen);
  g_autofree char *refusing = g_strdup_printf ("%u", opt_refusing);
  g_autofree char *scale = g_strdup_printf ("%g", opt_latency_scale);
  const char *argv[] = { opt_sim, "--fixtures", opt_fixtures, "--instances", n, "--frozen", frozen,
                         "--refusing", refusing, "--latency-scale", scale, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOChannel) out = NULL;
  int out_fd;

  if (!g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &sim_pid, &sim_stdin, &out_fd, NULL, &error))
    g_error ("%s: %s", opt_sim, error->message);
  out = g_io_channel_unix_new (out_fd);
  g_io_channel_set_close_on_unref (out, TRUE);
  members = g_array_new (FALSE, TRUE, sizeof (Member));
  for (;;)
    {
      g_autofree char *line = NULL;
      guint index, port;
      char kind[16];

      if (g_io_channel_read_line (out, &line, NULL, NULL, &error) != G_IO_STATUS_NORMAL)
        g_error ("the simulator ended before it was ready");
      if (g_str_has_prefix (line, "ready"))
        break;
      if (sscanf (line, "instance %u %u %15s", &index, &port, kind) == 3)
        {
          Member m = { NULL, port, g_intern_string (kind), 0 };

          g_array_append_val (members, m);
        }
    }
}

/* The simulator's counts, from any of its answering ports */
static char *
sim_stats (void)
{
  BareCall call = { .body = "{\"operation\":\"sim_stats\"}" };
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/",
                                          g_array_index (members, Member, 0).port);
  char *answer;

  bare_sequence (url, "admin", "x", &call, 1, 10000);
  answer = g_steal_pointer (&call.answer);
  return answer;
}

static double
stat_number (const char *stats,
             const char *key)
{
  g_autofree char *needle = g_strdup_printf ("\"%s\":", key);
  const char *at = stats != NULL ? strstr (stats, needle) : NULL;

  return at != NULL ? g_ascii_strtod (at + strlen (needle), NULL) : 0;
}

static double
sim_requests (const char *stats)
{
  static const char *ops[] = { "registration_info", "user_info", "get_configuration",
                               "cluster_status", "describe_all", "update_node" };
  double n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    n += stat_number (stats, ops[i]);
  return n;
}

/* The organization --------------------------------------------------------- */

static guint n_stored;

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!deck_credentials_store_finish (DECK_CREDENTIALS (source), result, &error))
    g_error ("keyring: %s", error->message);
  n_stored++;
}

static void
setup_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) problem = NULL;
  g_autofree char *path = NULL;
  DeckOrganization *org;

  store_dir = g_dir_make_tmp ("clusterdeck-fleet-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (store_dir, "organizations.json", NULL);
  store = deck_store_new (path);
  deck_store_load (store, &problem, &error);
  g_assert_no_error (error);
  credentials = g_object_ref (deck_credentials_get_default ());
  org = deck_store_add_organization (store, "Fleet", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < members->len; i++)
    {
      Member *m = &g_array_index (members, Member, i);
      g_autofree char *name = g_strdup_printf ("sim%03u", i + 1);
      g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", m->port);

      m->instance = deck_store_add_instance (store, org, name, url, "admin", NULL, &error);
      g_assert_no_error (error);
      /* One at a time: the keyring daemon is slow to store many at once. */
      deck_credentials_store_async (credentials, DECK_SECRET_INSTANCE_LOGIN,
                                    deck_instance_get_id (m->instance), "Clusterdeck fleet bench",
                                    "Fleet-pass-1", NULL, on_stored, NULL);
      WAIT_UNTIL (n_stored == i + 1, STEP_MS);
    }
}

/* Statuses ----------------------------------------------------------------- */

static guint n_known;

static void
on_status (DeckInstance *instance,
           GParamSpec   *pspec,
           Member       *m)
{
  DeckInstanceStatus status = deck_instance_get_status (instance);

  if (m->known_ns != 0 || status == DECK_INSTANCE_STATUS_UNKNOWN ||
      status == DECK_INSTANCE_STATUS_CHECKING)
    return;
  m->known_ns = now_ns ();
  n_known++;
}

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       data)
{
  return G_SOURCE_CONTINUE;
}

static void
on_after_paint (GdkFrameClock *clock,
                gpointer       data)
{
  gint64 t = now_ns ();

  if (last_frame != 0 && frame_ms != NULL)
    {
      double ms = (t - last_frame) / 1e6;

      g_array_append_val (frame_ms, ms);
      if (ms > 50 && tracing ())
        g_printerr ("[%9.1f ms] frame after %.1f ms\n", (t - t_start) / 1e6, ms);
    }
  last_frame = t;
}

static double
max_known_ms (const char *kind,
              guint      *n)
{
  double worst = 0;

  *n = 0;
  for (guint i = 0; i < members->len; i++)
    {
      Member *m = &g_array_index (members, Member, i);

      if (m->kind != g_intern_string (kind))
        continue;
      (*n)++;
      worst = MAX (worst, (m->known_ns - t_start) / 1e6);
    }
  return worst;
}

static void
bench_statuses (void)
{
  GdkFrameClock *clock;
  gulong handler;
  guint tick, n;
  double cpu0;

  monitor = deck_instance_monitor_new (store, credentials);
  deck_instance_monitor_set_interval (monitor, opt_interval_s);
  context = deck_context_new (store, credentials, monitor);
  window = deck_window_new (NULL, context);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)), STEP_MS);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  for (guint i = 0; i < members->len; i++)
    {
      Member *m = &g_array_index (members, Member, i);

      g_signal_connect (m->instance, "notify::status", G_CALLBACK (on_status), m);
    }
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  frame_ms = g_array_new (FALSE, FALSE, sizeof (double));
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), NULL);
  tick = gtk_widget_add_tick_callback (GTK_WIDGET (window), on_tick, NULL, NULL);

  cpu0 = cpu_ms ();
  t_start = now_ns ();
  deck_instance_monitor_start (monitor);
  WAIT_UNTIL (n_known == members->len, STEP_MS);
  gtk_widget_remove_tick_callback (GTK_WIDGET (window), tick);
  g_signal_handler_disconnect (clock, handler);

  printf ("fleet.status.cpu_ms=%.1f\n", cpu_ms () - cpu0);
  printf ("fleet.status.all_known_ms=%.1f\n", (now_ns () - t_start) / 1e6);
  printf ("fleet.status.normal_last_ms=%.1f\n", max_known_ms ("normal", &n));
  printf ("fleet.status.normal=%u\n", n);
  printf ("fleet.status.refusing_last_ms=%.1f\n", max_known_ms ("refusing", &n));
  printf ("fleet.status.refusing=%u\n", n);
  printf ("fleet.status.frozen_last_ms=%.1f\n", max_known_ms ("frozen", &n));
  printf ("fleet.status.frozen=%u\n", n);
  printf ("fleet.status.check_timeout_ms=%u\n", deck_instance_monitor_get_timeout (monitor));
  {
    GArray *normal = g_array_new (FALSE, FALSE, sizeof (double));
    guint over = 0;

    for (guint i = 0; i < members->len; i++)
      {
        Member *m = &g_array_index (members, Member, i);
        double ms = (m->known_ns - t_start) / 1e6;

        if (m->kind == g_intern_string ("normal"))
          g_array_append_val (normal, ms);
      }
    printf ("fleet.status.normal_median_ms=%.1f\n", percentile (normal, 50));
    for (guint i = 0; i < frame_ms->len; i++)
      over += g_array_index (frame_ms, double, i) > JANK_MS;
    printf ("fleet.frames=%u\n", frame_ms->len);
    printf ("fleet.frames.interval_median_ms=%.2f\n", percentile (frame_ms, 50));
    printf ("fleet.frames.interval_p95_ms=%.2f\n", percentile (frame_ms, 95));
    printf ("fleet.frames.interval_max_ms=%.2f\n", percentile (frame_ms, 100));
    printf ("fleet.frames.over_25ms=%u\n", over);
    g_array_unref (normal);
  }
  printf ("fleet.memory.rss_known_kb=%ld\n", proc_kb ("VmRSS:"));
}

/* Refresh cycles ----------------------------------------------------------- */

static void
bench_refresh (void)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  double cpu0, cpu1;

  /* A cycle to settle (the first refreshes start one interval after each
   * instance's first check), then the measured ones. */
  test_util_spin (opt_interval_s * 1000);
  before = sim_stats ();
  cpu0 = cpu_ms ();
  test_util_spin (opt_interval_s * opt_cycles * 1000);
  cpu1 = cpu_ms ();
  after = sim_stats ();
  printf ("fleet.refresh.interval_s=%u\n", opt_interval_s);
  printf ("fleet.refresh.cycles=%u\n", opt_cycles);
  printf ("fleet.refresh.cpu_ms_per_cycle=%.2f\n", (cpu1 - cpu0) / opt_cycles);
  printf ("fleet.refresh.requests_per_cycle=%.1f\n",
          (sim_requests (after) - sim_requests (before)) / opt_cycles);
}

/* Apply --------------------------------------------------------------------- */

static GAsyncResult *
await (GAsyncResult **slot)
{
  WAIT_UNTIL (*slot != NULL, STEP_MS);
  return *slot;
}

static void
bench_apply (guint max_parallel,
             const char *label)
{
  g_autoptr(DeckChangeSet) changes = deck_change_set_new ();
  g_autoptr(GHashTable) clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         g_object_unref);
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GAsyncResult) applied = NULL;
  g_autoptr(DeckPlan) plan = NULL;
  g_autoptr(DeckApplier) applier = deck_applier_new ();
  g_autoptr(DeckApplyResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stats_before = sim_stats ();
  g_autofree char *stats_after = NULL;
  DeckBaseline baseline = { FALSE, TRUE, FALSE };   /* shop.product: subscribe only */
  guint n = 0;
  gint64 t0;
  double cpu0;

  for (guint i = 0; i < members->len && n < opt_apply; i++)
    {
      Member *m = &g_array_index (members, Member, i);
      HdbClient *client;

      if (m->kind != g_intern_string ("normal"))
        continue;
      client = deck_instance_monitor_get_client (monitor, m->instance);
      g_assert_nonnull (client);
      g_hash_table_insert (clients, g_strdup (deck_instance_get_id (m->instance)),
                           g_object_ref (client));
      deck_change_set_set_publish (changes, deck_instance_get_id (m->instance), "node2", "shop",
                                   "product", TRUE, &baseline);
      n++;
    }

  cpu0 = cpu_ms ();
  t0 = now_ns ();
  deck_plan_load_async (changes, clients, NULL, test_util_store_result, &loaded);
  plan = deck_plan_load_finish (await (&loaded), NULL, &error);
  g_assert_no_error (error);
  printf ("fleet.apply.%s.plan_ms=%.1f\n", label, (now_ns () - t0) / 1e6);

  if (max_parallel > 0)
    deck_applier_set_max_parallel (applier, max_parallel);
  t0 = now_ns ();
  deck_applier_apply_async (applier, plan, clients, "cluster_user", "Fleet-cluster-1", NULL,
                            test_util_store_result, &applied);
  result = deck_applier_apply_finish (applier, await (&applied), &error);
  g_assert_no_error (error);
  stats_after = sim_stats ();
  printf ("fleet.apply.%s.instances=%u\n", label, n);
  printf ("fleet.apply.%s.max_parallel=%u\n", label, max_parallel > 0 ? max_parallel : 8);
  printf ("fleet.apply.%s.apply_ms=%.1f\n", label, (now_ns () - t0) / 1e6);
  printf ("fleet.apply.%s.cpu_ms=%.1f\n", label, cpu_ms () - cpu0);
  printf ("fleet.apply.%s.ok=%u\n", label, result->n_ok);
  printf ("fleet.apply.%s.failed=%u\n", label, result->n_failed);
  printf ("fleet.apply.%s.update_node_sent=%.0f\n", label,
          stat_number (stats_after, "update_node") - stat_number (stats_before, "update_node"));
  printf ("fleet.apply.%s.most_update_node_in_flight=%.0f\n", label,
          stat_number (stats_after, "max_update_node_in_flight"));
}

/* Main ---------------------------------------------------------------------- */

static void
usage (void)
{
  g_printerr ("usage: bench-fleet --sim BENCH-FLEET-SIM --fixtures DIR [--instances N]\n"
              "                   [--frozen N] [--refusing N] [--interval-s S] [--cycles N]\n"
              "                   [--apply N] [--latency-scale X]\n");
  exit (2);
}

int
main (int   argc,
      char *argv[])
{
  struct rusage usage_;

  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      const char *v = i + 1 < argc ? argv[i + 1] : NULL;

      if (v == NULL)
        usage ();
      else if (strcmp (a, "--sim") == 0)
        opt_sim = argv[++i];
      else if (strcmp (a, "--fixtures") == 0)
        opt_fixtures = argv[++i];
      else if (strcmp (a, "--instances") == 0)
        opt_instances = (guint) atoi (argv[++i]);
      else if (strcmp (a, "--frozen") == 0)
        opt_frozen = (guint) atoi (argv[++i]);
      else if (strcmp (a, "--refusing") == 0)
        opt_refusing = (guint) atoi (argv[++i]);
      else if (strcmp (a, "--interval-s") == 0 && atoi (v) > 0)
        opt_interval_s = (guint) atoi (argv[++i]);
      else if (strcmp (a, "--cycles") == 0 && atoi (v) > 0)
        opt_cycles = (guint) atoi (argv[++i]);
      else if (strcmp (a, "--apply") == 0)
        opt_apply = (guint) atoi (argv[++i]);
      else if (strcmp (a, "--latency-scale") == 0)
        opt_latency_scale = g_ascii_strtod (argv[++i], NULL);
      else
        usage ();
    }
  if (opt_sim == NULL || opt_fixtures == NULL || opt_frozen + opt_refusing >= opt_instances)
    usage ();
  if (!gtk_init_check ())
    g_error ("cannot open a display: run under bench/run-cluster.sh");
  if (tracing ())
    g_log_set_default_handler (trace_handler, NULL);
  adw_init ();
  ui_test_load_app_css ();

  start_sim ();
  setup_store ();
  printf ("fleet.instances=%u\n", opt_instances);
  printf ("fleet.frozen=%u\n", opt_frozen);
  printf ("fleet.refusing=%u\n", opt_refusing);
  printf ("fleet.latency_scale=%g\n", opt_latency_scale);
  bench_statuses ();
  bench_refresh ();
  if (opt_apply > 0)
    {
      opt_apply = MIN (opt_apply, opt_instances - opt_frozen - opt_refusing);
      bench_apply (0, "default");
      bench_apply (opt_apply, "unlimited");
    }
  getrusage (RUSAGE_SELF, &usage_);
  printf ("fleet.memory.peak_rss_kb=%ld\n", usage_.ru_maxrss);
  fflush (stdout);

  gtk_window_destroy (GTK_WINDOW (window));
  flush_main_context ();
  g_clear_object (&context);
  g_clear_object (&monitor);
  g_clear_object (&credentials);
  g_clear_object (&store);
  if (store_dir != NULL)
    {
      g_autofree char *file = g_build_filename (store_dir, "organizations.json", NULL);

      g_unlink (file);
      g_rmdir (store_dir);
    }
  close (sim_stdin);
  g_spawn_close_pid (sim_pid);
  return 0;
}
