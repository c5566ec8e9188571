/* deck-restart-progress.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "deck-enable-job.h"

G_BEGIN_DECLS

#define DECK_TYPE_RESTART_PROGRESS (deck_restart_progress_get_type ())

G_DECLARE_FINAL_TYPE (DeckRestartProgress, deck_restart_progress, DECK, RESTART_PROGRESS, AdwBin)

DeckEnableJob *deck_restart_progress_get_job (DeckRestartProgress *self);
void           deck_restart_progress_set_job (DeckRestartProgress *self,
                                              DeckEnableJob       *job);

G_END_DECLS
