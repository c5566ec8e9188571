/* deck-toggle-cell.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "deck-replication-model.h"

G_BEGIN_DECLS

/* The room between the switch and its "Changed" mark, in pixels (as the
 * box the cell replaced had); the grid sizes its columns with it. */
#define DECK_TOGGLE_CELL_MARK_SPACING 6

#define DECK_TYPE_TOGGLE_CELL (deck_toggle_cell_get_type ())

G_DECLARE_FINAL_TYPE (DeckToggleCell, deck_toggle_cell, DECK, TOGGLE_CELL, GtkWidget)

GtkWidget               *deck_toggle_cell_new           (DeckReplicationDirection  direction);
DeckReplicationDirection deck_toggle_cell_get_direction (DeckToggleCell           *self);
DeckReplicationItem     *deck_toggle_cell_get_item      (DeckToggleCell           *self);
void                     deck_toggle_cell_set_item      (DeckToggleCell           *self,
                                                         DeckReplicationItem      *item);
gboolean                 deck_toggle_cell_get_changed   (DeckToggleCell           *self);
GtkSwitch               *deck_toggle_cell_get_switch    (DeckToggleCell           *self);
void                     deck_toggle_cell_sync          (DeckToggleCell           *self);

G_END_DECLS
