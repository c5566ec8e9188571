/* deck-health-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "deck-context.h"
#include "deck-organization.h"

G_BEGIN_DECLS

#define DECK_TYPE_HEALTH_WINDOW (deck_health_window_get_type ())

G_DECLARE_FINAL_TYPE (DeckHealthWindow, deck_health_window, DECK, HEALTH_WINDOW, AdwWindow)

GtkWidget *deck_health_window_new           (GtkWindow        *parent,
                                             DeckContext      *context,
                                             DeckOrganization *organization);
guint      deck_health_window_get_n_links   (DeckHealthWindow *self);
guint      deck_health_window_get_n_unhealthy (DeckHealthWindow *self);
guint      deck_health_window_get_n_builds  (DeckHealthWindow *self);

G_END_DECLS
