/* bench-grid.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The replication grid with 10,000 rows (50 peers x 200 tables), in a real
 * window under Xvfb (DESIGN.md §5: a benchmark is a program, never a timed
 * assertion in a test). What it measures, in one process:
 *
 *   - building the model with deck_replication_model_build() from a
 *     synthetic loaded cluster status (50 connections with explicit
 *     subscriptions), the instance's schema and the peers' schema;
 *   - gtk_window_present() to the window's first GdkFrameClock
 *     "after-paint", and exec to that frame when started by bench/launch
 *     (which exports ANCHOR_T0_NS, like the floor in docs/performance.md);
 *   - RSS before the model, after it, at the first frame, and the peak
 *     (getrusage ru_maxrss);
 *   - filtering with a word that matches 1 % of the rows, from the call to
 *     the first painted frame that shows exactly the matching rows, and
 *     clearing the filter the same way (median of --filter-runs);
 *   - scrolling the column view's vertical adjustment from top to bottom,
 *     one step per frame (a page by default): the interval between painted
 *     frames (what the eye sees; the frame clock paces it at ~16.7 ms) and
 *     each step's own work: the gtk_adjustment_set_value() call (the list
 *     binds the rows coming into view there) plus the frame that paints
 *     it, from "before-paint" to "after-paint".
 *
 * With --floor the same harness runs a bare GtkColumnView (the floor of
 * docs/performance.md: label, label, switch, switch, over a GListStore of
 * plain GObjects, behind a GtkFilterListModel with a substring filter on a
 * hidden tag that matches every hundredth row), so that the grid's figures
 * can be compared in the same run.
 *
 * It prints a table, then `key=value` lines, and exits 0 when every phase
 * completed.
 */

#define G_LOG_DOMAIN "bench-grid"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <adwaita.h>
#ifdef HAVE_CALLGRIND_H
#include <valgrind/callgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#define CALLGRIND_DUMP_STATS_AT(name)
#define CALLGRIND_ZERO_STATS
#endif

#include "deck-change-set.h"
#include "deck-replication-grid.h"
#include "bench-grid-model.h"
#include "deck-replication-model.h"
#include "hdb-types.h"

#define INSTANCE        "hub"
#define WATCHDOG_S      180
#define SETTLE_MS       300
#define JANK_MS         25.0   /* 1.5 frames at 60 Hz */

/* Options ------------------------------------------------------------------ */

static gboolean opt_floor;
static guint opt_peers = 50;
static guint opt_tables = 200;          /* per peer, over N_DATABASES databases */
static guint opt_filter_runs = 5;
static double opt_scroll_step = 1.0;    /* in pages */
static gboolean opt_no_scroll;
static const char *opt_filter_word;

/* Clock and memory --------------------------------------------------------- */

static gint64 anchor_ns;

static gint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

/* CPU time of the whole process (every thread): less disturbed than the
 * wall clock by other programs on a shared machine. */
static gint64
cpu_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

static double
ms_between (gint64 from,
            gint64 to)
{
  return (to - from) / 1e6;
}

static long
proc_kb (const char *file,
         const char *key)
{
  g_autofree char *contents = NULL;
  size_t len = strlen (key);
  const char *line;

  if (!g_file_get_contents (file, &contents, NULL, NULL))
    return -1;
  for (line = contents; line != NULL && *line != '\0'; line = strchr (line, '\n'))
    {
      if (*line == '\n')
        line++;
      if (strncmp (line, key, len) == 0 && line[len] == ':')
        return strtol (line + len + 1, NULL, 10);
    }
  return -1;
}

static long
maxrss_kb (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

/* Nearest-rank percentile (0..100) of @samples; sorts them. */
static double
percentile (GArray *samples,
            double  p)
{
  guint rank;

  if (samples->len == 0)
    return -1;
  qsort (samples->data, samples->len, sizeof (double), compare_doubles);
  rank = (guint) (p / 100.0 * samples->len + 0.999999);
  rank = CLAMP (rank, 1, samples->len);
  return g_array_index (samples, double, rank - 1);
}

static void
append_ms (GArray *samples,
           double  ms)
{
  g_array_append_val (samples, ms);
}

/* The run ------------------------------------------------------------------ */

typedef enum
{
  PHASE_FIRST_PAINT,
  PHASE_SETTLE,
  PHASE_FILTER,
  PHASE_CLEAR,
  PHASE_SCROLL_START,
  PHASE_SCROLL,
  PHASE_DONE,
} Phase;

static struct
{
  GApplication   *app;
  GtkWidget      *window;
  GtkWidget      *grid;            /* grid mode */
  GtkColumnView  *view;
  GtkCustomFilter *floor_filter;   /* floor mode */
  GtkFilterListModel *floor_filtered;
  GListModel     *model;
  GtkAdjustment  *vadj;
  GdkFrameClock  *clock;
  Phase           phase;
  gboolean        failed;
  const char     *failure;

  guint           n_rows;
  guint           n_widgets;       /* under the column view at the first frame */
  guint           n_matching;
  char           *filter_word;

  gint64          t_main;
  gint64          t_activate;
  gint64          t_present;
  gint64          t_first_paint;
  gint64          cpu_first_paint;
  double          model_ms;
  char           *renderer;

  long            rss_start_kb;
  long            rss_before_model_kb;
  long            rss_after_model_kb;
  long            maxrss_first_paint_kb;
  long            rss_first_paint_kb;
  long            pss_first_paint_kb;
  long            maxrss_end_kb;
  long            pss_end_kb;

  /* filter / clear */
  guint           filter_run;
  gint64          t_call;
  gint64          cpu_call;
  double          call_ms;
  gboolean        ready_in_frame;
  GArray         *filter_ms;
  GArray         *filter_call_ms;
  GArray         *filter_cpu_ms;
  GArray         *clear_cpu_ms;
  GArray         *clear_ms;
  GArray         *clear_call_ms;

  /* scroll */
  gint64          t_before_paint;
  gint64          t_last_paint;
  gint64          t_scroll_start;
  gint64          cpu_scroll_start;
  double          scroll_cpu_ms;
  double          step_px;
  guint           n_steps;
  double          upper_start;
  double          upper_end;
  double          page_size;
  double          scroll_total_ms;
  GArray         *frame_interval_ms;
  GArray         *frame_work_ms;
  GArray         *set_value_ms;
  double          pending_set_ms;
} run;

static guint
n_shown (void)
{
  if (opt_floor)
    return g_list_model_get_n_items (G_LIST_MODEL (run.floor_filtered));
  return deck_replication_grid_get_n_shown (DECK_REPLICATION_GRID (run.grid));
}

static void
set_filter (const char *text)
{
  if (opt_floor)
    {
      bench_floor_set_needle (text);
      gtk_filter_changed (GTK_FILTER (run.floor_filter), GTK_FILTER_CHANGE_DIFFERENT);
    }
  else
    {
      deck_replication_grid_set_filter_text (DECK_REPLICATION_GRID (run.grid), text);
    }
}

static void
finish (void)
{
  run.phase = PHASE_DONE;
  run.maxrss_end_kb = maxrss_kb ();
  run.pss_end_kb = proc_kb ("/proc/self/smaps_rollup", "Pss");
  g_application_quit (run.app);
}

static void
fail (const char *why)
{
  if (!run.failed)
    {
      run.failed = TRUE;
      run.failure = why;
    }
  finish ();
}

static gboolean
watchdog_cb (gpointer user_data)
{
  g_printerr ("bench-grid: still in phase %d after %d s; giving up\n", run.phase, WATCHDOG_S);
  fail ("watchdog");
  return G_SOURCE_REMOVE;
}

static void
start_filter_phase (Phase phase)
{
  run.phase = phase;
  run.ready_in_frame = FALSE;
  run.cpu_call = cpu_ns ();
  run.t_call = now_ns ();
  set_filter (phase == PHASE_FILTER ? run.filter_word : "");
  run.call_ms = ms_between (run.t_call, now_ns ());
  /* Make sure a frame follows even if the filter does not dirty anything
   * at once (an incremental or idle filter). */
  gdk_frame_clock_request_phase (run.clock, GDK_FRAME_CLOCK_PHASE_UPDATE);
}

static void
start_scroll (void)
{
  run.vadj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (run.view));
  if (run.vadj == NULL)
    {
      fail ("the column view has no vertical adjustment");
      return;
    }
  run.phase = PHASE_SCROLL_START;
  gtk_adjustment_set_value (run.vadj, gtk_adjustment_get_lower (run.vadj));
  gdk_frame_clock_request_phase (run.clock, GDK_FRAME_CLOCK_PHASE_UPDATE);
}

/* The grid's rows are counted from their own fields, not with
 * deck_replication_item_matches(): that makes a row's search text the first
 * time, and the first filter measured must pay for it as the app's does.
 * The benchmark's filter is one word. */
static gboolean
grid_row_matches (DeckReplicationItem *item,
                  const char          *needle)
{
  g_autofree char *text = g_strdup_printf ("%s %s %s.%s",
                                           deck_replication_item_get_peer_label (item),
                                           deck_replication_item_get_peer (item),
                                           deck_replication_item_get_database (item),
                                           deck_replication_item_get_table (item));
  g_autofree char *folded = g_utf8_casefold (text, -1);

  return strstr (folded, needle) != NULL;
}

static guint
count_matching (GListModel *model,
                const char *word)
{
  g_autofree char *needle = g_utf8_casefold (word, -1);
  guint n = g_list_model_get_n_items (model);
  guint matching = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      if (opt_floor ? strstr (bench_floor_row_get_tag (BENCH_FLOOR_ROW (item)), word) != NULL
                    : grid_row_matches (DECK_REPLICATION_ITEM (item), needle))
        matching++;
    }
  return matching;
}

static gboolean
settled_cb (gpointer user_data)
{
  /* Counted here, out of the start-up's timing. */
  run.n_matching = count_matching (run.model, run.filter_word);
  CALLGRIND_ZERO_STATS;
  if (opt_filter_runs > 0)
    start_filter_phase (PHASE_FILTER);
  else if (!opt_no_scroll)
    start_scroll ();
  else
    finish ();
  return G_SOURCE_REMOVE;
}

/* Widgets under @widget, itself included: what a filter tears down and
 * builds again when it replaces the visible rows. */
static guint
count_widgets (GtkWidget *widget)
{
  guint n = 1;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_widgets (child);
  return n;
}

static void
on_before_paint (GdkFrameClock *clock,
                 gpointer       user_data)
{
  run.t_before_paint = now_ns ();
}

/* Runs before the frame's layout: a frame whose update sees the filtered
 * row count lays out and paints the filtered list. */
static void
on_update (GdkFrameClock *clock,
           gpointer       user_data)
{
  if (run.phase == PHASE_FILTER)
    run.ready_in_frame = n_shown () == run.n_matching;
  else if (run.phase == PHASE_CLEAR)
    run.ready_in_frame = n_shown () == run.n_rows;
}

static void
scroll_step (void)
{
  double lower = gtk_adjustment_get_lower (run.vadj);
  double upper = gtk_adjustment_get_upper (run.vadj);
  double page = gtk_adjustment_get_page_size (run.vadj);
  double value = gtk_adjustment_get_value (run.vadj);
  double last = MAX (lower, upper - page);
  gint64 t0;

  if (value >= last - 0.5)
    {
      run.upper_end = upper;
      run.scroll_total_ms = ms_between (run.t_scroll_start, now_ns ());
      run.scroll_cpu_ms = ms_between (run.cpu_scroll_start, cpu_ns ());
      CALLGRIND_DUMP_STATS_AT ("scroll");
      if (!opt_no_scroll)
        finish ();
      return;
    }
  if (run.n_steps > 100000)
    {
      fail ("scrolling never reached the bottom");
      return;
    }
  /* GtkListBase rebinds the rows that come into view right here, not in
   * the frame: a step's work is this call plus the frame that paints it. */
  t0 = now_ns ();
  gtk_adjustment_set_value (run.vadj, MIN (value + run.step_px, last));
  run.pending_set_ms = ms_between (t0, now_ns ());
  append_ms (run.set_value_ms, run.pending_set_ms);
  run.n_steps++;
}

static void
on_after_paint (GdkFrameClock *clock,
                gpointer       user_data)
{
  gint64 t = now_ns ();

  switch (run.phase)
    {
    case PHASE_FIRST_PAINT:
      {
        GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (run.window));

        run.t_first_paint = t;
        run.cpu_first_paint = cpu_ns ();
        run.renderer = g_strdup (renderer ? G_OBJECT_TYPE_NAME (renderer) : "none");
        run.maxrss_first_paint_kb = maxrss_kb ();
        run.n_widgets = count_widgets (GTK_WIDGET (run.view));
        run.rss_first_paint_kb = proc_kb ("/proc/self/status", "VmRSS");
        run.pss_first_paint_kb = proc_kb ("/proc/self/smaps_rollup", "Pss");
        /* Under callgrind (bench/run.sh --callgrind): the instructions of
         * each phase, which the neighbours' load does not change. */
        CALLGRIND_DUMP_STATS_AT ("first-frame");
        run.phase = PHASE_SETTLE;
        g_timeout_add (SETTLE_MS, settled_cb, NULL);
      }
      break;

    case PHASE_SETTLE:
    case PHASE_DONE:
      break;

    case PHASE_FILTER:
    case PHASE_CLEAR:
      if (!run.ready_in_frame)
        {
          gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_UPDATE);
          break;
        }
      if (run.phase == PHASE_FILTER)
        {
          append_ms (run.filter_ms, ms_between (run.t_call, t));
          append_ms (run.filter_cpu_ms, ms_between (run.cpu_call, cpu_ns ()));
          g_array_append_val (run.filter_call_ms, run.call_ms);
          CALLGRIND_DUMP_STATS_AT ("filter");
          start_filter_phase (PHASE_CLEAR);
        }
      else
        {
          append_ms (run.clear_ms, ms_between (run.t_call, t));
          append_ms (run.clear_cpu_ms, ms_between (run.cpu_call, cpu_ns ()));
          g_array_append_val (run.clear_call_ms, run.call_ms);
          CALLGRIND_DUMP_STATS_AT ("clear");
          if (++run.filter_run < opt_filter_runs)
            start_filter_phase (PHASE_FILTER);
          else if (!opt_no_scroll)
            start_scroll ();
          else
            finish ();
        }
      break;

    case PHASE_SCROLL_START:
      /* At the top, painted: start stepping. */
      run.page_size = gtk_adjustment_get_page_size (run.vadj);
      run.upper_start = gtk_adjustment_get_upper (run.vadj);
      run.step_px = MAX (1.0, opt_scroll_step * run.page_size);
      run.phase = PHASE_SCROLL;
      run.t_scroll_start = t;
      run.cpu_scroll_start = cpu_ns ();
      run.t_last_paint = t;
      scroll_step ();
      break;

    case PHASE_SCROLL:
      append_ms (run.frame_interval_ms, ms_between (run.t_last_paint, t));
      append_ms (run.frame_work_ms, run.pending_set_ms + ms_between (run.t_before_paint, t));
      run.t_last_paint = t;
      scroll_step ();
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
on_realize (GtkWidget *window,
            gpointer   user_data)
{
  run.clock = gtk_widget_get_frame_clock (window);
  g_signal_connect (run.clock, "before-paint", G_CALLBACK (on_before_paint), NULL);
  g_signal_connect (run.clock, "update", G_CALLBACK (on_update), NULL);
  g_signal_connect (run.clock, "after-paint", G_CALLBACK (on_after_paint), NULL);
}

static GtkWidget *
build_floor_content (void)
{
  g_autoptr(GListStore) store = NULL;
  GtkWidget *scrolled;
  GtkWidget *view;
  gint64 t0;

  t0 = now_ns ();
  store = bench_floor_model_build (opt_peers * opt_tables);
  run.model_ms = ms_between (t0, now_ns ());
  run.model = g_object_ref (G_LIST_MODEL (store));

  run.floor_filter = gtk_custom_filter_new (bench_floor_match, NULL, NULL);
  run.floor_filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (store)),
                                                  g_object_ref (GTK_FILTER (run.floor_filter)));
  view = gtk_column_view_new (GTK_SELECTION_MODEL (
      gtk_no_selection_new (g_object_ref (G_LIST_MODEL (run.floor_filtered)))));
  run.view = GTK_COLUMN_VIEW (view);
  bench_floor_add_column (run.view, "Node", FALSE, 0);
  bench_floor_add_column (run.view, "URL", FALSE, 1);
  bench_floor_add_column (run.view, "Publish", TRUE, 2);
  bench_floor_add_column (run.view, "Subscribe", TRUE, 3);

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_widget_set_vexpand (scrolled, TRUE);
  return scrolled;
}

static GtkWidget *
build_grid_content (void)
{
  g_autoptr(HdbClusterStatus) status = bench_grid_new_status (INSTANCE, opt_peers, opt_tables);
  g_autoptr(HdbSchema) own_schema = bench_grid_new_schema (opt_tables);
  g_autoptr(HdbSchema) peer_schema = bench_grid_new_schema (opt_tables - 1);
  g_autoptr(GHashTable) peer_schemas = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) peer_labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(DeckChangeSet) changes = deck_change_set_new ();
  g_autoptr(GListStore) store = NULL;
  gint64 t0;

  for (guint p = 0; p < status->connections->len; p++)
    {
      const HdbConnection *conn = g_ptr_array_index (status->connections, p);
      DeckBaseline baseline;

      g_hash_table_insert (peer_schemas, g_strdup (conn->name), peer_schema);
      g_hash_table_insert (peer_labels, g_strdup (conn->name), g_strdup_printf ("Harper %02u", p + 1));
      /* One staged change per peer, shown as changed. */
      deck_baseline_from_connection (conn, "sales", "order_00", &baseline);
      deck_change_set_set_publish (changes, INSTANCE, conn->name, "sales", "order_00",
                                   !baseline.publish, &baseline);
    }

  t0 = now_ns ();
  store = deck_replication_model_build (INSTANCE, status, own_schema, peer_schemas,
                                        peer_labels, changes);
  run.model_ms = ms_between (t0, now_ns ());
  run.model = g_object_ref (G_LIST_MODEL (store));

  run.grid = deck_replication_grid_new ();
  deck_replication_grid_set_change_set (DECK_REPLICATION_GRID (run.grid), changes);
  deck_replication_grid_set_model (DECK_REPLICATION_GRID (run.grid), G_LIST_MODEL (store));
  run.view = deck_replication_grid_get_column_view (DECK_REPLICATION_GRID (run.grid));
  gtk_widget_set_vexpand (run.grid, TRUE);
  return run.grid;
}

static void
activate (GApplication *app,
          gpointer      user_data)
{
  GtkWidget *box;
  GtkWidget *header;

  run.t_activate = now_ns ();
  run.rss_before_model_kb = proc_kb ("/proc/self/status", "VmRSS");

  /* The grid is styled as in the app (style.css, which the application
   * loads from its resources); the floor stays bare. */
  if (!opt_floor)
    {
      g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

      gtk_css_provider_load_from_resource (css, "/io/github/clusterdeck/Clusterdeck/style.css");
      gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                  GTK_STYLE_PROVIDER (css),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    }

  run.window = adw_application_window_new (GTK_APPLICATION (app));
  gtk_window_set_title (GTK_WINDOW (run.window), "Clusterdeck bench");
  gtk_window_set_default_size (GTK_WINDOW (run.window), 1024, 700);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header),
                                   adw_window_title_new ("Clusterdeck",
                                                         opt_floor ? "floor" : "replication grid"));
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), opt_floor ? build_floor_content () : build_grid_content ());
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (run.window), box);

  run.rss_after_model_kb = proc_kb ("/proc/self/status", "VmRSS");
  run.n_rows = g_list_model_get_n_items (run.model);
  if (run.view == NULL)
    {
      fail ("no column view");
      return;
    }

  g_signal_connect (run.window, "realize", G_CALLBACK (on_realize), NULL);
  /* Valgrind runs the program some fifty times slower. */
  g_timeout_add_seconds (RUNNING_ON_VALGRIND ? 40 * WATCHDOG_S : WATCHDOG_S, watchdog_cb, NULL);
  run.t_present = now_ns ();
  gtk_window_present (GTK_WINDOW (run.window));
}

/* Output ------------------------------------------------------------------- */

static void
kv_ms (const char *key,
       double      ms)
{
  printf ("grid.%s=%.2f\n", key, ms);
}

static void
print_results (void)
{
  const char *mode = opt_floor ? "floor" : "grid";
  double filter_med = percentile (run.filter_ms, 50);
  double filter_max = percentile (run.filter_ms, 100);
  double filter_call = percentile (run.filter_call_ms, 50);
  double clear_med = percentile (run.clear_ms, 50);
  double clear_max = percentile (run.clear_ms, 100);
  double clear_call = percentile (run.clear_call_ms, 50);
  double iv_med = percentile (run.frame_interval_ms, 50);
  double iv_p95 = percentile (run.frame_interval_ms, 95);
  double iv_max = percentile (run.frame_interval_ms, 100);
  double wk_med = percentile (run.frame_work_ms, 50);
  double wk_p95 = percentile (run.frame_work_ms, 95);
  double wk_max = percentile (run.frame_work_ms, 100);
  double filter_cpu = percentile (run.filter_cpu_ms, 50);
  double clear_cpu = percentile (run.clear_cpu_ms, 50);
  double set_value_med = percentile (run.set_value_ms, 50);
  double set_value_max = percentile (run.set_value_ms, 100);
  guint janky = 0;

  for (guint i = 0; i < run.frame_interval_ms->len; i++)
    if (g_array_index (run.frame_interval_ms, double, i) > JANK_MS)
      janky++;

  printf ("%s: %u rows (%u x %u), renderer %s\n", mode, run.n_rows, opt_peers, opt_tables,
          run.renderer ? run.renderer : "none");
  printf ("  %-40s %10.1f ms\n", "model build", run.model_ms);
  if (anchor_ns > 0 && run.t_first_paint > 0)
    printf ("  %-40s %10.1f ms\n", "exec -> first frame", ms_between (anchor_ns, run.t_first_paint));
  if (run.t_first_paint > 0)
    {
      printf ("  %-40s %10.1f ms\n", "main() -> first frame", ms_between (run.t_main, run.t_first_paint));
      printf ("  %-40s %10.1f ms\n", "gtk_window_present -> first frame",
              ms_between (run.t_present, run.t_first_paint));
    }
  printf ("  %-40s %10u\n", "widgets in the column view", run.n_widgets);
  printf ("  %-40s %10.1f MiB\n", "RSS before the model", run.rss_before_model_kb / 1024.0);
  printf ("  %-40s %10.1f MiB\n", "RSS after the model and widgets", run.rss_after_model_kb / 1024.0);
  printf ("  %-40s %10.1f MiB (PSS %.1f)\n", "RSS at first frame",
          run.rss_first_paint_kb / 1024.0, run.pss_first_paint_kb / 1024.0);
  printf ("  %-40s %10.1f MiB\n", "peak RSS (ru_maxrss)", run.maxrss_end_kb / 1024.0);
  if (run.filter_ms->len > 0)
    {
      printf ("  %-40s %10.1f ms (max %.1f; call %.1f; CPU %.1f) x%u\n",
              "filter to 1 % -> painted", filter_med, filter_max, filter_call, filter_cpu,
              run.filter_ms->len);
      printf ("  %-40s %10.1f ms (max %.1f; call %.1f; CPU %.1f)\n",
              "clear filter -> painted", clear_med, clear_max, clear_call, clear_cpu);
    }
  if (run.frame_interval_ms->len > 0)
    {
      printf ("  scroll top -> bottom: %u steps of %.0f px (page %.0f px), %.0f ms\n",
              run.n_steps, run.step_px, run.page_size, run.scroll_total_ms);
      printf ("  %-40s %6.1f / %6.1f / %6.1f ms (over %.0f ms: %u)\n",
              "frame interval median / p95 / max", iv_med, iv_p95, iv_max, JANK_MS, janky);
      printf ("  %-40s %6.1f / %6.1f / %6.1f ms\n",
              "step work median / p95 / max", wk_med, wk_p95, wk_max);
      printf ("  %-40s %6.2f / %6.2f ms; CPU per step %.1f ms\n",
              "set_value median / max", set_value_med, set_value_max,
              run.scroll_cpu_ms / MAX (run.n_steps, 1));
    }
  if (run.failed)
    printf ("  FAILED: %s\n", run.failure);
  printf ("\n");

  printf ("grid.mode=%s\n", mode);
  printf ("grid.ok=%s\n", run.failed ? "false" : "true");
  printf ("grid.renderer=%s\n", run.renderer ? run.renderer : "none");
  printf ("grid.rows=%u\n", run.n_rows);
  printf ("grid.widgets=%u\n", run.n_widgets);
  kv_ms ("model_build_ms", run.model_ms);
  if (anchor_ns > 0 && run.t_first_paint > 0)
    kv_ms ("exec_to_first_frame_ms", ms_between (anchor_ns, run.t_first_paint));
  if (anchor_ns > 0)
    kv_ms ("exec_to_main_ms", ms_between (anchor_ns, run.t_main));
  kv_ms ("main_to_activate_ms", ms_between (run.t_main, run.t_activate));
  kv_ms ("activate_to_present_ms", ms_between (run.t_activate, run.t_present));
  if (run.t_first_paint > 0)
    {
      kv_ms ("present_to_first_frame_ms", ms_between (run.t_present, run.t_first_paint));
      kv_ms ("cpu_to_first_frame_ms", run.cpu_first_paint / 1e6);
    }
  printf ("grid.rss_start_kb=%ld\n", run.rss_start_kb);
  printf ("grid.rss_before_model_kb=%ld\n", run.rss_before_model_kb);
  printf ("grid.rss_after_model_kb=%ld\n", run.rss_after_model_kb);
  printf ("grid.rss_first_frame_kb=%ld\n", run.rss_first_paint_kb);
  printf ("grid.pss_first_frame_kb=%ld\n", run.pss_first_paint_kb);
  printf ("grid.maxrss_first_frame_kb=%ld\n", run.maxrss_first_paint_kb);
  printf ("grid.peak_rss_kb=%ld\n", run.maxrss_end_kb);
  printf ("grid.pss_end_kb=%ld\n", run.pss_end_kb);
  printf ("grid.filter_word=%s\n", run.filter_word);
  printf ("grid.filter_rows=%u\n", run.n_matching);
  printf ("grid.filter_runs=%u\n", run.filter_ms->len);
  if (run.filter_ms->len > 0)
    {
      kv_ms ("filter_ms", filter_med);
      kv_ms ("filter_ms_max", filter_max);
      kv_ms ("filter_call_ms", filter_call);
      kv_ms ("filter_cpu_ms", filter_cpu);
      kv_ms ("clear_ms", clear_med);
      kv_ms ("clear_ms_max", clear_max);
      kv_ms ("clear_call_ms", clear_call);
      kv_ms ("clear_cpu_ms", clear_cpu);
    }
  if (run.frame_interval_ms->len > 0)
    {
      printf ("grid.scroll_steps=%u\n", run.n_steps);
      printf ("grid.scroll_step_px=%.0f\n", run.step_px);
      printf ("grid.scroll_page_px=%.0f\n", run.page_size);
      printf ("grid.scroll_upper_px_start=%.0f\n", run.upper_start);
      printf ("grid.scroll_upper_px_end=%.0f\n", run.upper_end);
      kv_ms ("scroll_total_ms", run.scroll_total_ms);
      kv_ms ("scroll_interval_ms_median", iv_med);
      kv_ms ("scroll_interval_ms_p95", iv_p95);
      kv_ms ("scroll_interval_ms_max", iv_max);
      printf ("grid.scroll_frames_over_%.0fms=%u\n", JANK_MS, janky);
      kv_ms ("scroll_step_work_ms_median", wk_med);
      kv_ms ("scroll_step_work_ms_p95", wk_p95);
      kv_ms ("scroll_step_work_ms_max", wk_max);
      kv_ms ("scroll_set_value_ms_median", set_value_med);
      kv_ms ("scroll_set_value_ms_max", set_value_max);
      kv_ms ("scroll_cpu_ms", run.scroll_cpu_ms);
      kv_ms ("scroll_cpu_ms_per_step", run.scroll_cpu_ms / MAX (run.n_steps, 1));
    }
}

static void
usage (const char *argv0)
{
  fprintf (stderr,
           "usage: %s [--floor] [--peers N] [--tables N] [--filter-runs N]\n"
           "          [--filter WORD] [--scroll-step PAGES] [--no-scroll]\n", argv0);
  exit (2);
}

int
main (int    argc,
      char **argv)
{
  const char *anchor = g_getenv ("ANCHOR_T0_NS");
  g_autoptr(AdwApplication) app = NULL;
  int status;

  run.t_main = now_ns ();
  anchor_ns = anchor != NULL ? g_ascii_strtoll (anchor, NULL, 10) : 0;
  run.rss_start_kb = proc_kb ("/proc/self/status", "VmRSS");

  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      const char *v = i + 1 < argc ? argv[i + 1] : NULL;

      if (strcmp (a, "--floor") == 0)
        opt_floor = TRUE;
      else if (strcmp (a, "--no-scroll") == 0)
        opt_no_scroll = TRUE;
      else if (v != NULL && strcmp (a, "--peers") == 0)
        opt_peers = (guint) atoi (argv[++i]);
      else if (v != NULL && strcmp (a, "--tables") == 0)
        opt_tables = (guint) atoi (argv[++i]);
      else if (v != NULL && strcmp (a, "--filter-runs") == 0)
        opt_filter_runs = (guint) atoi (argv[++i]);
      else if (v != NULL && strcmp (a, "--filter") == 0)
        opt_filter_word = argv[++i];
      else if (v != NULL && strcmp (a, "--scroll-step") == 0)
        opt_scroll_step = g_ascii_strtod (argv[++i], NULL);
      else
        usage (argv[0]);
    }
  if (opt_peers < 1 || opt_tables < 2 * N_DATABASES || opt_scroll_step <= 0)
    usage (argv[0]);

  /* Both match 1 % of the rows, spread over the whole list like the
   * grid's (2 of each peer's 200): a filter whose rows are already on
   * screen reuses their widgets, and would flatter the floor. */
  run.filter_word = g_strdup (opt_filter_word ? opt_filter_word : opt_floor ? "tag07" : "invoice");
  run.filter_ms = g_array_new (FALSE, FALSE, sizeof (double));
  run.filter_call_ms = g_array_new (FALSE, FALSE, sizeof (double));
  run.clear_ms = g_array_new (FALSE, FALSE, sizeof (double));
  run.clear_call_ms = g_array_new (FALSE, FALSE, sizeof (double));
  run.frame_interval_ms = g_array_new (FALSE, FALSE, sizeof (double));
  run.frame_work_ms = g_array_new (FALSE, FALSE, sizeof (double));
  run.set_value_ms = g_array_new (FALSE, FALSE, sizeof (double));
  run.filter_cpu_ms = g_array_new (FALSE, FALSE, sizeof (double));
  run.clear_cpu_ms = g_array_new (FALSE, FALSE, sizeof (double));

  app = adw_application_new ("io.github.clusterdeck.Bench", G_APPLICATION_DEFAULT_FLAGS);
  run.app = G_APPLICATION (app);
  g_signal_connect (app, "activate", G_CALLBACK (activate), NULL);
  /* Our options are not GApplication's. */
  status = g_application_run (G_APPLICATION (app), 1, argv);

  if (run.t_first_paint == 0 && !run.failed)
    {
      run.failed = TRUE;
      run.failure = "no frame was painted";
    }
  if (run.maxrss_end_kb == 0)
    run.maxrss_end_kb = maxrss_kb ();
  print_results ();
  return status != 0 || run.failed ? 1 : 0;
}
