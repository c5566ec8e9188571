/* deck-peer-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "deck-job.h"
#include "deck-peer-item.h"

G_BEGIN_DECLS

#define DECK_TYPE_PEER_ROW (deck_peer_row_get_type ())

G_DECLARE_FINAL_TYPE (DeckPeerRow, deck_peer_row, DECK, PEER_ROW, AdwActionRow)

GtkWidget  *deck_peer_row_new         (DeckPeerItem    *peer);
DeckPeerItem   *deck_peer_row_get_peer    (DeckPeerRow *self);
DeckJob    *deck_peer_row_get_job     (DeckPeerRow *self);
void        deck_peer_row_set_job     (DeckPeerRow *self,
                                       DeckJob     *job);
void        deck_peer_row_set_failure (DeckPeerRow *self,
                                       const char  *message);
gboolean    deck_peer_row_get_busy    (DeckPeerRow *self);
const char *deck_peer_row_get_problem (DeckPeerRow *self);

G_END_DECLS
