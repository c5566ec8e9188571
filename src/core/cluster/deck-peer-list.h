/* deck-peer-list.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "deck-instance.h"
#include "deck-peer-item.h"
#include "hdb-types.h"

G_BEGIN_DECLS

#define DECK_TYPE_PEER_LIST (deck_peer_list_get_type ())

G_DECLARE_FINAL_TYPE (DeckPeerList, deck_peer_list, DECK, PEER_LIST, GObject)

DeckPeerList *deck_peer_list_new           (void);
void          deck_peer_list_update        (DeckPeerList           *self,
                                            DeckInstance           *instance,
                                            GListModel             *instances,
                                            const HdbClusterStatus *status);
void          deck_peer_list_clear         (DeckPeerList           *self);
guint         deck_peer_list_count         (DeckPeerList           *self,
                                            DeckPeerGroup           group);
DeckPeerItem     *deck_peer_list_find_node     (DeckPeerList           *self,
                                            const char             *node_name);
DeckPeerItem     *deck_peer_list_find_instance (DeckPeerList           *self,
                                            const char             *instance_id);

G_END_DECLS
