/* deck-health-watch.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "deck-cluster-health.h"
#include "deck-context.h"

G_BEGIN_DECLS

#define DECK_TYPE_HEALTH_WATCH (deck_health_watch_get_type ())

G_DECLARE_FINAL_TYPE (DeckHealthWatch, deck_health_watch, DECK, HEALTH_WATCH, GObject)

#define DECK_HEALTH_WATCH_DEFAULT_INTERVAL  10
#define DECK_HEALTH_WATCH_DEFAULT_THRESHOLD 60
/* How many readings of a link's latency the watch keeps */
#define DECK_HEALTH_WATCH_HISTORY_LENGTH    30

DeckHealthWatch      *deck_health_watch_new              (DeckContext          *context,
                                                          GPtrArray            *instances);

void                  deck_health_watch_set_interval     (DeckHealthWatch      *self,
                                                          guint                 seconds);
guint                 deck_health_watch_get_interval     (DeckHealthWatch      *self);
void                  deck_health_watch_set_threshold    (DeckHealthWatch      *self,
                                                          guint                 seconds);
guint                 deck_health_watch_get_threshold    (DeckHealthWatch      *self);

void                  deck_health_watch_start            (DeckHealthWatch      *self);
void                  deck_health_watch_stop             (DeckHealthWatch      *self);
gboolean              deck_health_watch_is_started       (DeckHealthWatch      *self);

GPtrArray            *deck_health_watch_get_items        (DeckHealthWatch      *self);
GDateTime            *deck_health_watch_get_read_time    (DeckHealthWatch      *self);
guint                 deck_health_watch_get_n_readings   (DeckHealthWatch      *self);
const DeckHealthItem *deck_health_watch_get_unhealthy    (DeckHealthWatch      *self,
                                                          const char           *instance_id);
const DeckHealthItem *deck_health_watch_get_unhealthy_link (DeckHealthWatch    *self,
                                                          const char           *instance_id);
const double         *deck_health_watch_get_latency_history (DeckHealthWatch  *self,
                                                          const DeckHealthItem *item,
                                                          guint                *n_values);
GDateTime            *deck_health_watch_get_state_since  (DeckHealthWatch      *self,
                                                          const DeckHealthItem *item);
const DeckHealthItem *deck_health_watch_get_link_problem (DeckHealthWatch      *self,
                                                          const char           *instance_id,
                                                          const char           *peer_node);

/* The context's own, every instance of the store (deck-context.c). */
DeckHealthWatch      *deck_context_get_health_watch      (DeckContext          *context);

char                 *deck_health_item_describe_link     (const DeckHealthItem *item);

G_END_DECLS
