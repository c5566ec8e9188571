/* deck-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "deck-context.h"

G_BEGIN_DECLS

#define DECK_TYPE_APPLICATION (deck_application_get_type ())

G_DECLARE_FINAL_TYPE (DeckApplication, deck_application, DECK, APPLICATION, AdwApplication)

DeckApplication     *deck_application_new             (void);
DeckContext         *deck_application_get_context     (DeckApplication *self);
void                 deck_application_add_accels      (GtkApplication  *app);

G_END_DECLS
