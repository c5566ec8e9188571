/* bench-cluster-start.c: the application itself, watched, for bench-cluster
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-cluster starts itself again with --app-start through bench-launch
 * (which takes the exec timestamp, ANCHOR_T0_NS); this runs the real
 * DeckApplication as `clusterdeck` does (its store at the default path, the
 * keyring, its monitor and window) and prints, from exec: the window's
 * first painted frame, and the first frame painted once every instance's
 * status is known; the CPU time and the peak RSS then; the widgets of the
 * window at its first frame. It quits at once after that frame.
 */

#define G_LOG_DOMAIN "bench-cluster"

#include "config.h"

#include <stdio.h>
#include <sys/resource.h>

#include "bench-util.h"
#include "deck-application.h"

static guint
count_widgets (GtkWidget *widget)
{
  guint n = 1;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_widgets (child);
  return n;
}

static struct
{
  GApplication *app;
  guint         n_widgets;
  gint64        anchor;
  gint64        first_frame;
  gint64        all_known;
  gint64        cpu_ns;
  guint         n_instances;
} start;

static gboolean
quit_app (gpointer data)
{
  g_application_quit (start.app);
  return G_SOURCE_REMOVE;
}

static void
on_start_after_paint (GdkFrameClock *clock,
                      GtkWidget     *window_)
{
  DeckContext *context = deck_application_get_context (DECK_APPLICATION (start.app));
  DeckStore *the_store = deck_context_get_store (context);
  struct timespec ts;

  if (start.first_frame == 0)
    {
      start.first_frame = bench_now_ns ();
      start.n_widgets = count_widgets (window_);
      bench_trace_mark ("first frame");
    }
  if (start.all_known == 0 && bench_all_statuses_known (the_store, &start.n_instances))
    {
      start.all_known = bench_now_ns ();
      bench_trace_mark ("every status known, painted");
      clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
      start.cpu_ns = (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
      g_idle_add (quit_app, NULL);
    }
}

static gboolean
on_start_poll (gpointer data)
{
  GtkWidget *window_ = data;
  guint n;

  if (start.all_known == 0 &&
      bench_all_statuses_known (deck_context_get_store (deck_application_get_context (
                                  DECK_APPLICATION (start.app))), &n))
    gtk_widget_queue_draw (window_);
  return G_SOURCE_CONTINUE;
}

static void
on_start_realize (GtkWidget *window_)
{
  g_signal_connect (gtk_widget_get_frame_clock (window_), "after-paint",
                    G_CALLBACK (on_start_after_paint), window_);
  g_timeout_add (5, on_start_poll, window_);
}

static void
on_app_startup (GApplication *app)
{
  bench_trace_mark ("startup done");
}

static void
on_app_activate (GApplication *app)
{
  bench_trace_mark ("activate done");
}

static void
on_window_added (GtkApplication *app,
                 GtkWindow      *window_)
{
  bench_trace_mark ("window added");
  if (gtk_widget_get_realized (GTK_WIDGET (window_)))
    on_start_realize (GTK_WIDGET (window_));
  else
    g_signal_connect (window_, "realize", G_CALLBACK (on_start_realize), NULL);
}

static gboolean
on_start_watchdog (gpointer data)
{
  g_printerr ("bench-cluster --app-start: no frame with every status known after 60 s\n");
  g_application_quit (start.app);
  return G_SOURCE_REMOVE;
}

/* The real application, as `clusterdeck` runs it (main.c), watched. */
int
bench_cluster_app_start (char *argv0)
{
  const char *anchor = g_getenv ("ANCHOR_T0_NS");
  g_autoptr(DeckApplication) app = deck_application_new ();
  struct rusage usage;
  char *argv[] = { argv0, NULL };

  start.anchor = anchor != NULL ? g_ascii_strtoll (anchor, NULL, 10) : bench_now_ns ();
  bench_trace_init (start.anchor);
  bench_trace_mark ("main");
  start.app = G_APPLICATION (app);
  g_signal_connect (app, "window-added", G_CALLBACK (on_window_added), NULL);
  g_signal_connect (app, "startup", G_CALLBACK (on_app_startup), NULL);
  g_signal_connect_after (app, "activate", G_CALLBACK (on_app_activate), NULL);
  g_timeout_add_seconds (60, on_start_watchdog, NULL);
  g_application_run (G_APPLICATION (app), 1, argv);
  if (start.all_known == 0)
    return 1;
  getrusage (RUSAGE_SELF, &usage);
  printf ("start.first_frame_ms=%.2f\n", (start.first_frame - start.anchor) / 1e6);
  printf ("start.all_known_ms=%.2f\n", (start.all_known - start.anchor) / 1e6);
  printf ("start.cpu_ms=%.2f\n", start.cpu_ns / 1e6);
  printf ("start.maxrss_kb=%ld\n", usage.ru_maxrss);
  printf ("start.instances=%u\n", start.n_instances);
  printf ("start.widgets=%u\n", start.n_widgets);
  return 0;
}
