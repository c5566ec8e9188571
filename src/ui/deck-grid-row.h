/* deck-grid-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "deck-replication-model.h"

G_BEGIN_DECLS

#define DECK_TYPE_GRID_ROW (deck_grid_row_get_type ())

G_DECLARE_FINAL_TYPE (DeckGridRow, deck_grid_row, DECK, GRID_ROW, GObject)

DeckGridRow         *deck_grid_row_new      (DeckReplicationItem *item);
DeckReplicationItem *deck_grid_row_get_item (DeckGridRow         *self);
void                 deck_grid_row_set_item (DeckGridRow         *self,
                                             DeckReplicationItem *item);

G_END_DECLS
