/* deck-map-live.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "deck-context.h"
#include "deck-health-watch.h"
#include "deck-map-model.h"

G_BEGIN_DECLS

#define DECK_TYPE_MAP_LIVE (deck_map_live_get_type ())

G_DECLARE_FINAL_TYPE (DeckMapLive, deck_map_live, DECK, MAP_LIVE, GObject)

DeckMapLive  *deck_map_live_new        (DeckContext      *context,
                                        DeckOrganization *organization,
                                        DeckHealthWatch  *watch);
void          deck_map_live_reload     (DeckMapLive      *self);
void          deck_map_live_stop       (DeckMapLive      *self);
DeckMapModel *deck_map_live_get_model  (DeckMapLive      *self);
gboolean      deck_map_live_apply      (DeckMapLive      *self);

G_END_DECLS
