/* deck-health-notifier.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "deck-health-watch.h"
#include "deck-store.h"

G_BEGIN_DECLS

#define DECK_TYPE_HEALTH_NOTIFIER (deck_health_notifier_get_type ())

G_DECLARE_FINAL_TYPE (DeckHealthNotifier, deck_health_notifier, DECK, HEALTH_NOTIFIER, GObject)

DeckHealthNotifier *deck_health_notifier_new              (GApplication       *application,
                                                           DeckHealthWatch    *health,
                                                           DeckStore          *store);
gboolean            deck_health_notifier_get_enabled      (DeckHealthNotifier *self);
void                deck_health_notifier_set_enabled      (DeckHealthNotifier *self,
                                                           gboolean            enabled);
char               *deck_health_notifier_dup_id           (const DeckHealthItem *item);
void                deck_health_notifier_withdraw_all     (DeckHealthNotifier *self);

G_END_DECLS
