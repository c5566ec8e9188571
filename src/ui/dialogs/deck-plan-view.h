/* deck-plan-view.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "deck-plan.h"
#include "deck-review-op-row.h"
#include "deck-store.h"

G_BEGIN_DECLS

#define DECK_TYPE_PLAN_VIEW (deck_plan_view_get_type ())

G_DECLARE_FINAL_TYPE (DeckPlanView, deck_plan_view, DECK, PLAN_VIEW, AdwPreferencesPage)

void             deck_plan_view_set_store  (DeckPlanView       *self,
                                            DeckStore          *store);
void             deck_plan_view_show       (DeckPlanView       *self,
                                            DeckPlan           *plan,
                                            GHashTable         *unreadable);
void             deck_plan_view_clear      (DeckPlanView       *self);
DeckReviewOpRow *deck_plan_view_get_row    (DeckPlanView       *self,
                                            const DeckPlanOp   *op);
void             deck_plan_view_set_status (DeckPlanView       *self,
                                            DeckReviewOpStatus  status);
const char      *deck_plan_view_peer_name  (DeckPlanView       *self,
                                            const char         *instance_id,
                                            const char         *node_name);

G_END_DECLS
