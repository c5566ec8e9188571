/* deck-check-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "deck-context.h"

G_BEGIN_DECLS

#define DECK_TYPE_CHECK_WINDOW (deck_check_window_get_type ())

G_DECLARE_FINAL_TYPE (DeckCheckWindow, deck_check_window, DECK, CHECK_WINDOW, AdwWindow)

GtkWidget *deck_check_window_new        (GtkWindow        *parent,
                                         DeckContext      *context,
                                         DeckOrganization *organization);
void       deck_check_window_check      (DeckCheckWindow  *self);
gboolean   deck_check_window_is_checked (DeckCheckWindow  *self);
guint      deck_check_window_get_n_differ (DeckCheckWindow *self);
guint      deck_check_window_get_n_tables (DeckCheckWindow *self);

G_END_DECLS
