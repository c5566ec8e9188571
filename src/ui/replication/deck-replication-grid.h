/* deck-replication-grid.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "deck-change-set.h"
#include "deck-replication-model.h"

G_BEGIN_DECLS

#define DECK_TYPE_REPLICATION_GRID (deck_replication_grid_get_type ())

G_DECLARE_FINAL_TYPE (DeckReplicationGrid, deck_replication_grid, DECK, REPLICATION_GRID, AdwBin)

GtkWidget     *deck_replication_grid_new             (void);
void           deck_replication_grid_set_model       (DeckReplicationGrid *self,
                                                      GListModel          *items);
GListModel    *deck_replication_grid_get_model       (DeckReplicationGrid *self);
void           deck_replication_grid_set_change_set  (DeckReplicationGrid *self,
                                                      DeckChangeSet       *changes);
void           deck_replication_grid_set_filter_text (DeckReplicationGrid *self,
                                                      const char          *text);
guint          deck_replication_grid_get_n_shown     (DeckReplicationGrid *self);
GtkColumnView *deck_replication_grid_get_column_view (DeckReplicationGrid *self);
GtkEditable   *deck_replication_grid_get_search_entry (DeckReplicationGrid *self);
guint          deck_replication_grid_stage_all       (DeckReplicationGrid *self,
                                                      const char          *peer,
                                                      const char          *database,
                                                      DeckReplicationDirection direction,
                                                      gboolean             value);

G_END_DECLS
