/* deck-peer-item.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "deck-instance.h"

G_BEGIN_DECLS

/**
 * DeckPeerGroup:
 * @DECK_PEER_GROUP_CONNECTED: an instance of the organization this instance
 *   has a connection with
 * @DECK_PEER_GROUP_UNCONNECTED: an instance of the organization without one
 * @DECK_PEER_GROUP_UNREGISTERED: a node this instance is connected to that
 *   is not in the organization
 *
 * Where the management screen lists a peer.
 */
typedef enum
{
  DECK_PEER_GROUP_CONNECTED,
  DECK_PEER_GROUP_UNCONNECTED,
  DECK_PEER_GROUP_UNREGISTERED,
} DeckPeerGroup;

/**
 * DeckPeerState:
 * @DECK_PEER_STATE_LINKED: a connection exists (it can be removed)
 * @DECK_PEER_STATE_CONNECTABLE: no connection; enabled with the same engine,
 *   so one can be made
 * @DECK_PEER_STATE_UNREACHABLE: no connection, and the instance does not
 *   answer now
 * @DECK_PEER_STATE_NOT_ENABLED: no connection, and clustering is not
 *   enabled on the instance (it can be configured)
 * @DECK_PEER_STATE_INCOMPATIBLE: no connection; the instance uses the other
 *   engine, has not restarted since it was configured, or has no node name
 *   yet (it can be configured)
 *
 * What can be done with a peer.
 */
typedef enum
{
  DECK_PEER_STATE_LINKED,
  DECK_PEER_STATE_CONNECTABLE,
  DECK_PEER_STATE_UNREACHABLE,
  DECK_PEER_STATE_NOT_ENABLED,
  DECK_PEER_STATE_INCOMPATIBLE,
} DeckPeerState;

#define DECK_TYPE_PEER_GROUP (deck_peer_group_get_type ())
#define DECK_TYPE_PEER_STATE (deck_peer_state_get_type ())

GType deck_peer_group_get_type (void) G_GNUC_CONST;
GType deck_peer_state_get_type (void) G_GNUC_CONST;

#define DECK_TYPE_PEER_ITEM (deck_peer_item_get_type ())

G_DECLARE_FINAL_TYPE (DeckPeerItem, deck_peer_item, DECK, PEER_ITEM, GObject)

DeckPeerGroup  deck_peer_item_get_group      (DeckPeerItem *self);
DeckPeerState  deck_peer_item_get_state      (DeckPeerItem *self);
DeckInstance  *deck_peer_item_get_instance   (DeckPeerItem *self);
const char    *deck_peer_item_get_name       (DeckPeerItem *self);
const char    *deck_peer_item_get_node_name  (DeckPeerItem *self);
const char    *deck_peer_item_get_url        (DeckPeerItem *self);
const char    *deck_peer_item_get_summary    (DeckPeerItem *self);
const char    *deck_peer_item_get_problem    (DeckPeerItem *self);
gboolean       deck_peer_item_get_replicates (DeckPeerItem *self);

G_END_DECLS
