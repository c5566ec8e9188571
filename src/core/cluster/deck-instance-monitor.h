/* deck-instance-monitor.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "deck-credentials.h"
#include "deck-instance.h"
#include "deck-store.h"
#include "hdb-client.h"

G_BEGIN_DECLS

#define DECK_TYPE_INSTANCE_MONITOR (deck_instance_monitor_get_type ())

G_DECLARE_FINAL_TYPE (DeckInstanceMonitor, deck_instance_monitor, DECK, INSTANCE_MONITOR, GObject)

DeckInstanceMonitor *deck_instance_monitor_new          (DeckStore           *store,
                                                         DeckCredentials     *credentials);
guint                deck_instance_monitor_get_interval (DeckInstanceMonitor *self);
void                 deck_instance_monitor_set_interval (DeckInstanceMonitor *self,
                                                         guint                seconds);
guint                deck_instance_monitor_get_timeout  (DeckInstanceMonitor *self);
void                 deck_instance_monitor_set_timeout  (DeckInstanceMonitor *self,
                                                         guint                timeout_ms);
void                 deck_instance_monitor_start        (DeckInstanceMonitor *self);
void                 deck_instance_monitor_refresh      (DeckInstanceMonitor *self,
                                                         DeckInstance        *instance);
void                 deck_instance_monitor_refresh_all  (DeckInstanceMonitor *self);
/* A password the user typed (no keyring, or a changed one): used from now on. */
void                 deck_instance_monitor_set_password (DeckInstanceMonitor *self,
                                                         DeckInstance        *instance,
                                                         const char          *password);
/* (nullable) (transfer none): the client of an instance whose password is known */
HdbClient           *deck_instance_monitor_get_client   (DeckInstanceMonitor *self,
                                                         DeckInstance        *instance);

G_END_DECLS
