/* deck-replication-tables.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "deck-context.h"
#include "deck-replication-grid.h"

G_BEGIN_DECLS

#define DECK_TYPE_REPLICATION_TABLES (deck_replication_tables_get_type ())

G_DECLARE_FINAL_TYPE (DeckReplicationTables, deck_replication_tables, DECK, REPLICATION_TABLES, AdwBin)

GtkWidget           *deck_replication_tables_new         (void);
void                 deck_replication_tables_set_context (DeckReplicationTables  *self,
                                                          DeckContext            *context);
void                 deck_replication_tables_load        (DeckReplicationTables  *self,
                                                          DeckInstance           *instance);
DeckReplicationGrid *deck_replication_tables_get_grid    (DeckReplicationTables  *self);
gboolean             deck_replication_tables_is_loading  (DeckReplicationTables  *self);
GtkWidget           *deck_replication_tables_review      (DeckReplicationTables  *self);
void                 deck_replication_tables_discard     (DeckReplicationTables  *self);

G_END_DECLS
