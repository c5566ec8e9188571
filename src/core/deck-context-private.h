/* deck-context-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the jobs ask of their context, beyond its public API.
 */

#pragma once

#include "deck-applier.h"
#include "deck-context.h"

G_BEGIN_DECLS

/* Keeps @job (refusing a second running job of the same kind on the same
 * instances with DECK_JOB_ERROR_BUSY). */
gboolean _deck_context_add_job      (DeckContext            *self,
                                     DeckJob                *job,
                                     GError                **error);

/* After an apply: the changes that took effect leave the pending changes
 * and the others stay (or are added, for an apply of another set than the
 * pending one: an Undo), and the pending changes are written at once
 * (merged with what another process staged). Returns the changes that took
 * effect; *@error says when the file could not be written. */
DeckChangeSet *_deck_context_settle_pending        (DeckContext           *self,
                                                    const DeckApplyResult *result,
                                                    GError               **error);
/* After an apply: a line per operation in the history (in a worker). */
void           _deck_context_record_history_async  (DeckContext           *self,
                                                    const DeckApplyResult *result,
                                                    GAsyncReadyCallback    callback,
                                                    gpointer               user_data);
gboolean       _deck_context_record_history_finish (GAsyncResult          *result,
                                                    GError               **error);

G_END_DECLS
