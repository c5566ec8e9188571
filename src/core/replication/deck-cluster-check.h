/* deck-cluster-check.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "deck-cluster-state.h"

G_BEGIN_DECLS

/**
 * DeckCheckRow:
 * @instance: the name of one instance of the pair (the first of the
 *   organization's order)
 * @peer: the name of the other
 * @database: the database
 * @table: the table
 * @to_peer: records should flow from @instance to @peer
 * @from_peer: records should flow from @peer to @instance
 * @instance_count: the table's record count on @instance, -1 when the
 *   table is missing there or its count is not known
 * @peer_count: the same on @peer
 * @differs: the counts differ, or one of them is not known
 *
 * One table that should flow between two connected instances, with the
 * record counts both report.
 */
typedef struct
{
  char     *instance;
  char     *peer;
  char     *database;
  char     *table;
  gboolean  to_peer;
  gboolean  from_peer;
  gint64    instance_count;
  gint64    peer_count;
  gboolean  differs;
} DeckCheckRow;

void       deck_check_row_free (DeckCheckRow     *row);

GPtrArray *deck_cluster_check  (DeckClusterState *state,
                                GPtrArray       **skipped);
guint      deck_cluster_check_count_differ (GPtrArray *rows);
char      *deck_cluster_check_summary      (GPtrArray *rows);

G_END_DECLS
