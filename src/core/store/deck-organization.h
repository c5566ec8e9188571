/* deck-organization.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DECK_TYPE_ORGANIZATION (deck_organization_get_type ())

G_DECLARE_FINAL_TYPE (DeckOrganization, deck_organization, DECK, ORGANIZATION, GObject)

DeckOrganization *deck_organization_new           (const char       *id,
                                                   const char       *name);
const char       *deck_organization_get_id        (DeckOrganization *self);
const char       *deck_organization_get_name      (DeckOrganization *self);
void              deck_organization_set_name      (DeckOrganization *self,
                                                   const char       *name);
const char       *deck_organization_get_cluster_user (DeckOrganization *self);
void              deck_organization_set_cluster_user (DeckOrganization *self,
                                                      const char       *cluster_user);
/* (element-type DeckInstance): the organization's instances, sorted by name */
GListModel       *deck_organization_get_instances (DeckOrganization *self);

G_END_DECLS
