/* deck-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "deck-application.h"

G_BEGIN_DECLS

#define DECK_TYPE_WINDOW (deck_window_get_type ())

G_DECLARE_FINAL_TYPE (DeckWindow, deck_window, DECK, WINDOW, AdwApplicationWindow)

DeckWindow *deck_window_new (DeckApplication *application);

G_END_DECLS
