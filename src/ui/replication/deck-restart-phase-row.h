/* deck-restart-phase-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "deck-restart-monitor.h"

G_BEGIN_DECLS

#define DECK_TYPE_RESTART_PHASE_ROW (deck_restart_phase_row_get_type ())

G_DECLARE_FINAL_TYPE (DeckRestartPhaseRow, deck_restart_phase_row, DECK, RESTART_PHASE_ROW,
                      GtkListBoxRow)

DeckRestartPhase deck_restart_phase_row_get_phase   (DeckRestartPhaseRow *self);
void             deck_restart_phase_row_set_phase   (DeckRestartPhaseRow *self,
                                                     DeckRestartPhase     phase);
void             deck_restart_phase_row_show_status (DeckRestartPhaseRow *self,
                                                     DeckRestartPhase     current);

G_END_DECLS
