/* deck-grid-rows.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "deck-grid-row.h"

G_BEGIN_DECLS

#define DECK_TYPE_GRID_ROWS (deck_grid_rows_get_type ())

G_DECLARE_FINAL_TYPE (DeckGridRows, deck_grid_rows, DECK, GRID_ROWS, GObject)

DeckGridRows *deck_grid_rows_new (GListModel *source);

G_END_DECLS
