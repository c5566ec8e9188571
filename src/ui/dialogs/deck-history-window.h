/* deck-history-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define DECK_TYPE_HISTORY_WINDOW (deck_history_window_get_type ())

G_DECLARE_FINAL_TYPE (DeckHistoryWindow, deck_history_window, DECK, HISTORY_WINDOW, AdwWindow)

GtkWidget *deck_history_window_new       (GtkWindow         *parent,
                                          const char        *path);
gboolean   deck_history_window_is_loaded (DeckHistoryWindow *self);

G_END_DECLS
