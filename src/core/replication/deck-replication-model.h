/* deck-replication-model.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "deck-change-set.h"
#include "hdb-types.h"

G_BEGIN_DECLS

/**
 * DeckReplicationDirection:
 * @DECK_REPLICATION_PUBLISH: the instance sends the table to the peer
 * @DECK_REPLICATION_SUBSCRIBE: the instance receives the table from the peer
 */
typedef enum
{
  DECK_REPLICATION_PUBLISH,
  DECK_REPLICATION_SUBSCRIBE,
} DeckReplicationDirection;

#define DECK_TYPE_REPLICATION_ITEM (deck_replication_item_get_type ())

G_DECLARE_FINAL_TYPE (DeckReplicationItem, deck_replication_item, DECK, REPLICATION_ITEM, GObject)

DeckReplicationItem *deck_replication_item_new            (const char          *instance_id,
                                                           const char          *peer,
                                                           const char          *peer_label,
                                                           const char          *database,
                                                           const char          *table,
                                                           const DeckBaseline  *baseline,
                                                           const char          *state);
const char          *deck_replication_item_get_instance_id (DeckReplicationItem *self);
const char          *deck_replication_item_get_peer        (DeckReplicationItem *self);
const char          *deck_replication_item_get_peer_label  (DeckReplicationItem *self);
const char          *deck_replication_item_get_database    (DeckReplicationItem *self);
const char          *deck_replication_item_get_table       (DeckReplicationItem *self);
const DeckBaseline  *deck_replication_item_get_baseline    (DeckReplicationItem *self);
const char          *deck_replication_item_get_state       (DeckReplicationItem *self);
gboolean             deck_replication_item_get_value       (DeckReplicationItem *self,
                                                            DeckReplicationDirection direction);
gboolean             deck_replication_item_get_changed     (DeckReplicationItem *self,
                                                            DeckReplicationDirection direction);
gboolean             deck_replication_item_get_full_replication (DeckReplicationItem *self);
void                 deck_replication_item_stage           (DeckReplicationItem *self,
                                                            DeckChangeSet       *changes,
                                                            DeckReplicationDirection direction,
                                                            gboolean             value);
gboolean             deck_replication_item_sync            (DeckReplicationItem *self,
                                                            DeckChangeSet       *changes);
gboolean             deck_replication_item_matches         (DeckReplicationItem *self,
                                                            const char          *needle);

GListStore *deck_replication_model_build (const char             *instance_id,
                                          const HdbClusterStatus *status,
                                          const HdbSchema        *own_schema,
                                          GHashTable             *peer_schemas,
                                          GHashTable             *peer_labels,
                                          DeckChangeSet          *changes);
guint       deck_replication_model_sync  (GListModel             *model,
                                          DeckChangeSet          *changes);

G_END_DECLS
