/* deck-preferences-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define DECK_TYPE_PREFERENCES_WINDOW (deck_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (DeckPreferencesWindow, deck_preferences_window, DECK, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

GtkWidget *deck_preferences_window_new (GtkWindow *parent,
                                        GSettings *settings);

G_END_DECLS
