/* deck-map-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "deck-cluster-map.h"
#include "deck-context.h"
#include "deck-window.h"

G_BEGIN_DECLS

#define DECK_TYPE_MAP_WINDOW (deck_map_window_get_type ())

G_DECLARE_FINAL_TYPE (DeckMapWindow, deck_map_window, DECK, MAP_WINDOW, AdwWindow)

GtkWidget      *deck_map_window_new       (DeckWindow       *parent,
                                           DeckContext      *context,
                                           DeckOrganization *organization);
void            deck_map_window_reload    (DeckMapWindow    *self);
gboolean        deck_map_window_is_loaded (DeckMapWindow    *self);
DeckClusterMap *deck_map_window_get_map   (DeckMapWindow    *self);

G_END_DECLS
