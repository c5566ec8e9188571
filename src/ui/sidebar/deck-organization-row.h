/* deck-organization-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "deck-organization.h"

G_BEGIN_DECLS

#define DECK_TYPE_ORGANIZATION_ROW (deck_organization_row_get_type ())

G_DECLARE_FINAL_TYPE (DeckOrganizationRow, deck_organization_row, DECK, ORGANIZATION_ROW,
                      GtkListBoxRow)

GtkWidget        *deck_organization_row_new              (DeckOrganization    *organization);
DeckOrganization *deck_organization_row_get_organization (DeckOrganizationRow *self);

G_END_DECLS
