/* deck-overview-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "deck-instance.h"

G_BEGIN_DECLS

#define DECK_TYPE_OVERVIEW_PAGE (deck_overview_page_get_type ())

G_DECLARE_FINAL_TYPE (DeckOverviewPage, deck_overview_page, DECK, OVERVIEW_PAGE, AdwBin)

DeckInstance *deck_overview_page_get_instance (DeckOverviewPage *self);
void          deck_overview_page_set_instance (DeckOverviewPage *self,
                                               DeckInstance     *instance);

G_END_DECLS
