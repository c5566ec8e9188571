/* bench-grid-model.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "hdb-types.h"

G_BEGIN_DECLS

#define N_DATABASES 4

char             *bench_grid_table_name   (guint          t);
HdbSchema        *bench_grid_new_schema   (guint          n_tables);
HdbClusterStatus *bench_grid_new_status   (const char    *instance,
                                           guint          n_peers,
                                           guint          n_tables);

#define BENCH_TYPE_FLOOR_ROW (bench_floor_row_get_type ())
G_DECLARE_FINAL_TYPE (BenchFloorRow, bench_floor_row, BENCH, FLOOR_ROW, GObject)

GListStore       *bench_floor_model_build (guint          n);
void              bench_floor_add_column  (GtkColumnView *view,
                                           const char    *title,
                                           gboolean       is_switch,
                                           int            which);
void              bench_floor_set_needle  (const char    *text);
gboolean          bench_floor_match       (gpointer       item,
                                           gpointer       user_data);
const char       *bench_floor_row_get_tag (BenchFloorRow *row);

G_END_DECLS
