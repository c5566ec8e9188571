/* bench-util.c: what the real-cluster and fleet benchmarks share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Clocks, the results of the rounds (a list of values per key, printed as
 * medians with every round's value), a trace of the app's debug lines with
 * their times (CLUSTERDECK_BENCH_TRACE=1: where a wait goes), and the wait
 * for the first frame painted once a condition holds (a GdkFrameClock
 * "after-paint", the floor's own method).
 */

#define G_LOG_DOMAIN "bench-util"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench-util.h"
#include "ui-test-util.h"

gint64
bench_now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

/* CPU time of the whole process (every thread) */
gint64
bench_cpu_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

/* Results ------------------------------------------------------------------ */

static GHashTable *results;   /* key → GArray of double */
static GPtrArray *result_keys;  /* in the order they came */

void
bench_record (const char *key,
              double      value)
{
  GArray *values;

  if (results == NULL)
    {
      results = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) g_array_unref);
      result_keys = g_ptr_array_new_with_free_func (g_free);
    }
  values = g_hash_table_lookup (results, key);

  if (values == NULL)
    {
      values = g_array_new (FALSE, FALSE, sizeof (double));
      g_hash_table_insert (results, g_strdup (key), values);
      g_ptr_array_add (result_keys, g_strdup (key));
    }
  g_array_append_val (values, value);
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

double
bench_median (const char *key)
{
  GArray *values = results != NULL ? g_hash_table_lookup (results, key) : NULL;
  g_autofree double *sorted = NULL;
  guint n;

  if (values == NULL || values->len == 0)
    return -1;
  n = values->len;
  sorted = g_memdup2 (values->data, n * sizeof (double));
  qsort (sorted, n, sizeof (double), compare_doubles);
  return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/* Every key: PREFIX.KEY=median, and PREFIX.KEY.rounds=each round's value */
void
bench_print_records (const char *prefix)
{
  for (guint i = 0; result_keys != NULL && i < result_keys->len; i++)
    {
      const char *key = g_ptr_array_index (result_keys, i);
      GArray *values = g_hash_table_lookup (results, key);
      GString *all = g_string_new (NULL);

      for (guint k = 0; k < values->len; k++)
        g_string_append_printf (all, "%s%.2f", k ? "," : "", g_array_index (values, double, k));
      printf ("%s%s=%.2f\n", prefix, key, bench_median (key));
      printf ("%s%s.rounds=%s\n", prefix, key, all->str);
      g_string_free (all, TRUE);
    }
}

/* Tracing (CLUSTERDECK_BENCH_TRACE=1) ------------------------------------------ */

/* Every debug message of the app's libraries with its time since the
 * program began (or since exec, for --app-start), on stderr: where a wait
 * goes. */
static gint64 trace_t0;

static void
trace_handler (const char     *log_domain,
               GLogLevelFlags  log_level,
               const char     *message,
               gpointer        user_data)
{
  if ((log_level & G_LOG_LEVEL_DEBUG) == 0)
    {
      g_log_default_handler (log_domain, log_level, message, user_data);
      return;
    }
  if (log_domain != NULL && (g_str_has_prefix (log_domain, "deck") ||
                             g_str_has_prefix (log_domain, "hdb")))
    g_printerr ("[%9.1f ms] %s: %s\n", (bench_now_ns () - trace_t0) / 1e6, log_domain, message);
}

gboolean
bench_tracing (void)
{
  return g_strcmp0 (g_getenv ("CLUSTERDECK_BENCH_TRACE"), "1") == 0;
}

/* GTK's "reports a minimum height of …" names a widget by its address: the
 * trace prints where that widget stands (its ancestors, with their CSS
 * names and classes). */
static void
trace_widget_ancestry (const char *message)
{
  const char *at = strstr (message, " 0x");
  GtkWidget *widget;

  if (at == NULL || strstr (message, "reports a minimum") == NULL)
    return;
  widget = GTK_WIDGET ((gpointer) (gsize) g_ascii_strtoull (at + 3, NULL, 16));
  for (guint depth = 0; widget != NULL && depth < 40; depth++, widget = gtk_widget_get_parent (widget))
    {
      g_auto(GStrv) classes = gtk_widget_get_css_classes (widget);
      g_autofree char *joined = g_strjoinv (".", classes);
      const char *label = GTK_IS_LABEL (widget) ? gtk_label_get_label (GTK_LABEL (widget)) : NULL;

      g_printerr ("#   %*s%s (%s%s%s)%s%s%s\n", (int) depth, "", G_OBJECT_TYPE_NAME (widget),
                  gtk_widget_get_css_name (widget), *joined != '\0' ? "." : "", joined,
                  label != NULL ? " \"" : "", label != NULL ? label : "", label != NULL ? "\"" : "");
    }
}

static GLogWriterOutput
trace_writer (GLogLevelFlags   log_level,
              const GLogField *fields,
              gsize            n_fields,
              gpointer         user_data)
{
  GLogWriterOutput output = g_log_writer_default (log_level, fields, n_fields, user_data);

  if ((log_level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)) != 0)
    for (gsize i = 0; i < n_fields; i++)
      if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0)
        trace_widget_ancestry (fields[i].value);
  return output;
}

void
bench_trace_init (gint64 t0)
{
  trace_t0 = t0;
  if (bench_tracing ())
    {
      g_log_set_default_handler (trace_handler, NULL);
      g_log_set_writer_func (trace_writer, NULL, NULL);
    }
}

void
bench_trace_mark (const char *what)
{
  if (bench_tracing ())
    g_printerr ("[%9.1f ms] bench: %s\n", (bench_now_ns () - trace_t0) / 1e6, what);
}

/* Painted frames ----------------------------------------------------------- */

typedef struct
{
  GtkWidget *widget;
  BenchCondition condition;
  gpointer   data;
  gint64     t;
  char      *state;   /* for the trace: what the window shows, last seen */
} PaintWait;

/* What the window shows, for the trace */
static BenchDescribe describe;

/* The process's CPU time over the last measured wait */
double bench_last_cpu_ms;

void
bench_set_describe (BenchDescribe func)
{
  describe = func;
}

static void
on_after_paint (GdkFrameClock *clock,
                PaintWait     *wait)
{
  if (wait->t == 0 && wait->condition (wait->data))
    {
      wait->t = bench_now_ns ();
      bench_trace_mark ("painted");
    }
}

/* A frame when the condition holds but nothing asked for one */
static gboolean
on_poll (gpointer data)
{
  PaintWait *wait = data;

  if (wait->t == 0 && wait->condition (wait->data))
    gtk_widget_queue_draw (wait->widget);
  if (wait->t == 0 && describe != NULL && bench_tracing ())
    {
      g_autofree char *state = describe ();

      if (g_strcmp0 (state, wait->state) != 0)
        {
          bench_trace_mark (state);
          g_free (wait->state);
          wait->state = g_steal_pointer (&state);
        }
    }
  return G_SOURCE_CONTINUE;
}

/* Iterates until a frame of @widget's toplevel was painted with
 * @condition holding; returns the milliseconds from @t0 to that frame. */
double
bench_wait_painted (GtkWidget      *widget,
                    BenchCondition  condition,
                    gpointer        data,
                    gint64          t0)
{
  PaintWait wait = { GTK_WIDGET (gtk_widget_get_root (widget)), condition, data, 0, NULL };
  GdkFrameClock *clock = gtk_widget_get_frame_clock (wait.widget);
  gint64 cpu0 = bench_cpu_ns ();
  gulong handler;
  guint poll;

  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &wait);
  poll = g_timeout_add (5, on_poll, &wait);
  WAIT_UNTIL (wait.t != 0, BENCH_STEP_MS);
  g_source_remove (poll);
  g_signal_handler_disconnect (clock, handler);
  g_free (wait.state);
  bench_last_cpu_ms = (bench_cpu_ns () - cpu0) / 1e6;
  return (wait.t - t0) / 1e6;
}

/* Whether every instance of @store has a known status (not being checked
 * for the first time) */
gboolean
bench_all_statuses_known (DeckStore *the_store,
                          guint     *n_instances)
{
  GListModel *orgs = deck_store_get_organizations (the_store);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (orgs); i++)
    {
      g_autoptr(DeckOrganization) o = g_list_model_get_item (orgs, i);
      GListModel *list = deck_organization_get_instances (o);

      for (guint j = 0; j < g_list_model_get_n_items (list); j++)
        {
          g_autoptr(DeckInstance) instance = g_list_model_get_item (list, j);
          DeckInstanceStatus status = deck_instance_get_status (instance);

          if (status == DECK_INSTANCE_STATUS_UNKNOWN || status == DECK_INSTANCE_STATUS_CHECKING)
            return FALSE;
          n++;
        }
    }
  *n_instances = n;
  return n > 0;
}
