/* deck-enable-panel.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "deck-context.h"

G_BEGIN_DECLS

#define DECK_TYPE_ENABLE_PANEL (deck_enable_panel_get_type ())

G_DECLARE_FINAL_TYPE (DeckEnablePanel, deck_enable_panel, DECK, ENABLE_PANEL, AdwBin)

void          deck_enable_panel_set_context  (DeckEnablePanel *self,
                                              DeckContext     *context);
DeckInstance *deck_enable_panel_get_instance (DeckEnablePanel *self);
void          deck_enable_panel_set_instance (DeckEnablePanel *self,
                                              DeckInstance    *instance);

G_END_DECLS
