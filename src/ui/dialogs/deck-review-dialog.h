/* deck-review-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "deck-context.h"
#include "deck-plan.h"

G_BEGIN_DECLS

#define DECK_TYPE_REVIEW_DIALOG (deck_review_dialog_get_type ())

G_DECLARE_FINAL_TYPE (DeckReviewDialog, deck_review_dialog, DECK, REVIEW_DIALOG, AdwWindow)

DeckReviewDialog *deck_review_dialog_new          (GtkWindow           *parent,
                                                   DeckContext         *context,
                                                   DeckChangeSet       *changes,
                                                   gboolean             apply_at_once);
void              deck_review_dialog_apply        (DeckReviewDialog    *self);
const char       *deck_review_dialog_get_state    (DeckReviewDialog    *self);
DeckChangeSet    *deck_review_dialog_get_applied  (DeckReviewDialog    *self);
char             *deck_review_dialog_dup_summary  (DeckReviewDialog    *self);
DeckPlan         *deck_review_dialog_get_plan     (DeckReviewDialog    *self);

G_END_DECLS
