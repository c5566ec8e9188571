/* deck-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "deck-credentials.h"
#include "deck-instance-monitor.h"
#include "deck-store.h"

G_BEGIN_DECLS

#define DECK_TYPE_APPLICATION (deck_application_get_type ())

G_DECLARE_FINAL_TYPE (DeckApplication, deck_application, DECK, APPLICATION, AdwApplication)

DeckApplication     *deck_application_new             (void);
DeckStore           *deck_application_get_store       (DeckApplication *self);
DeckCredentials     *deck_application_get_credentials (DeckApplication *self);
DeckInstanceMonitor *deck_application_get_monitor     (DeckApplication *self);

G_END_DECLS
