/* deck-replication-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "deck-context.h"

G_BEGIN_DECLS

#define DECK_TYPE_REPLICATION_PAGE (deck_replication_page_get_type ())

G_DECLARE_FINAL_TYPE (DeckReplicationPage, deck_replication_page, DECK, REPLICATION_PAGE, AdwBin)

void          deck_replication_page_set_context     (DeckReplicationPage *self,
                                                     DeckContext         *context);
GtkWidget    *deck_replication_page_get_tables      (DeckReplicationPage *self);
GtkWidget    *deck_replication_page_get_connections (DeckReplicationPage *self);
void          deck_replication_page_show_tables     (DeckReplicationPage *self,
                                                     gboolean             tables);
DeckInstance *deck_replication_page_get_instance    (DeckReplicationPage *self);
void          deck_replication_page_set_instance    (DeckReplicationPage *self,
                                                     DeckInstance        *instance);
void          deck_replication_page_reload          (DeckReplicationPage *self);
/* "enable", "progress", "manage" or "status": what the page shows */
const char   *deck_replication_page_get_view        (DeckReplicationPage *self);

G_END_DECLS
