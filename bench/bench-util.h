/* bench-util.h: what the real-cluster and fleet benchmarks share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "deck-store.h"

G_BEGIN_DECLS

/* A bound on any one wait: far beyond a client's timeout */
#define BENCH_STEP_MS 120000

gint64   bench_now_ns             (void);
gint64   bench_cpu_ns             (void);

void     bench_record             (const char *key,
                                   double      value);
double   bench_median             (const char *key);
void     bench_print_records      (const char *prefix);

gboolean bench_tracing            (void);
void     bench_trace_init         (gint64      t0);
void     bench_trace_mark         (const char *what);

typedef gboolean (*BenchCondition) (gpointer data);
typedef char    *(*BenchDescribe)  (void);

extern double bench_last_cpu_ms;

void     bench_set_describe       (BenchDescribe   describe);
double   bench_wait_painted       (GtkWidget      *widget,
                                   BenchCondition  condition,
                                   gpointer        data,
                                   gint64          t0);
gboolean bench_all_statuses_known (DeckStore      *store,
                                   guint          *n_instances);

/* bench-cluster-start.c: the application itself, watched (--app-start) */
int      bench_cluster_app_start  (char           *argv0);

G_END_DECLS
