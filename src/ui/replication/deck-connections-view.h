/* deck-connections-view.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "deck-context.h"
#include "deck-peer-list.h"

G_BEGIN_DECLS

#define DECK_TYPE_CONNECTIONS_VIEW (deck_connections_view_get_type ())

G_DECLARE_FINAL_TYPE (DeckConnectionsView, deck_connections_view, DECK, CONNECTIONS_VIEW, AdwBin)

void          deck_connections_view_set_context  (DeckConnectionsView *self,
                                                  DeckContext         *context);
DeckInstance *deck_connections_view_get_instance (DeckConnectionsView *self);
void          deck_connections_view_set_instance (DeckConnectionsView *self,
                                                  DeckInstance        *instance);
void          deck_connections_view_reload       (DeckConnectionsView *self);
DeckPeerList *deck_connections_view_get_peers    (DeckConnectionsView *self);
const char   *deck_connections_view_get_error    (DeckConnectionsView *self);

G_END_DECLS
