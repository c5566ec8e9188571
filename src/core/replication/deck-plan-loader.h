/* deck-plan-loader.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "deck-change-set.h"
#include "deck-plan.h"

G_BEGIN_DECLS

void      deck_plan_load_async  (DeckChangeSet        *changes,
                                 GHashTable           *clients,
                                 GCancellable         *cancellable,
                                 GAsyncReadyCallback   callback,
                                 gpointer              user_data);
void      deck_plan_load_versioned_async (DeckChangeSet        *changes,
                                          GHashTable           *clients,
                                          GHashTable           *known_versions,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
DeckPlan *deck_plan_load_finish (GAsyncResult         *result,
                                 GHashTable          **unreadable,
                                 GError              **error);

G_END_DECLS
