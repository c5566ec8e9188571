/* deck-store-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What DeckStore needs from DeckOrganization and nobody else may use: only
 * the store changes an organization's list of instances, so that every
 * change is validated and saved.
 */

#pragma once

#include "deck-instance.h"
#include "deck-organization.h"

G_BEGIN_DECLS

/* The order of organizations and instances: case-insensitive by name, then
 * case-sensitive, so that the order is total and does not depend on the
 * order of insertion. */
int           deck_name_compare                   (const char       *a,
                                                   const char       *b);
/* A key for comparing names case-insensitively (casefolded, NFC). */
char         *deck_name_key                       (const char       *name);

void          deck_organization_insert_instance   (DeckOrganization *self,
                                                   DeckInstance     *instance);
gboolean      deck_organization_remove_instance   (DeckOrganization *self,
                                                   DeckInstance     *instance);
gboolean      deck_organization_contains_instance (DeckOrganization *self,
                                                   DeckInstance     *instance);
/* (transfer none) (nullable): by name, case-sensitively or not */
DeckInstance *deck_organization_lookup_instance   (DeckOrganization *self,
                                                   const char       *name,
                                                   gboolean          ignore_case);

G_END_DECLS
