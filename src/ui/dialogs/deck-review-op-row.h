/* deck-review-op-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/**
 * DeckReviewOpStatus:
 * @DECK_REVIEW_OP_PLANNED: not sent yet
 * @DECK_REVIEW_OP_SENDING: being sent (or waiting for its turn)
 * @DECK_REVIEW_OP_DONE: sent, and it succeeded
 * @DECK_REVIEW_OP_FAILED: sent, and it failed
 * @DECK_REVIEW_OP_NOT_SENT: the apply was refused before it was sent
 */
typedef enum
{
  DECK_REVIEW_OP_PLANNED,
  DECK_REVIEW_OP_SENDING,
  DECK_REVIEW_OP_DONE,
  DECK_REVIEW_OP_FAILED,
  DECK_REVIEW_OP_NOT_SENT,
} DeckReviewOpStatus;

#define DECK_TYPE_REVIEW_OP_ROW (deck_review_op_row_get_type ())

G_DECLARE_FINAL_TYPE (DeckReviewOpRow, deck_review_op_row, DECK, REVIEW_OP_ROW, AdwExpanderRow)

GtkWidget          *deck_review_op_row_new         (const char         *title,
                                                    const char         *description);
DeckReviewOpStatus  deck_review_op_row_get_status  (DeckReviewOpRow    *self);
void                deck_review_op_row_set_status  (DeckReviewOpRow    *self,
                                                    DeckReviewOpStatus  status,
                                                    const char         *message);
const char         *deck_review_op_row_get_message (DeckReviewOpRow    *self);
const char         *deck_review_op_row_get_result  (DeckReviewOpRow    *self);

G_END_DECLS
