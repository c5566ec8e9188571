/* deck-cluster-health.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "deck-cluster-state.h"

G_BEGIN_DECLS

/**
 * DeckHealthItem:
 * @instance: the instance's name
 * @instance_id: the instance's id in the store: what identifies it (two
 *   organizations may each have an instance of the same name)
 * @peer: (nullable): the peer (its instance name, else its node name);
 *   %NULL for the instance itself
 * @peer_node: (nullable): the peer's node name: what identifies the link
 *   (the peer's instance name is known only while the peer answers)
 * @peer_id: (nullable): the peer's instance id, while the peer answers (an
 *   instance of the same organization)
 * @database: (nullable): the database of a native link's socket; %NULL
 *   for the instance, or for a NATS link as a whole
 * @state: one word, for scripts: `reachable`, `unreachable` (an
 *   instance); `up-to-date`, `catching-up`, `connected`, `disconnected` (a
 *   link); `gone` (a link or socket no longer reported)
 * @detail: (nullable): why an instance is unreachable, or the time a
 *   socket is catching up from, or its latency
 *
 * One thing whose health can change. Only @state is compared between two
 * readings: the details change all the time.
 */
typedef struct
{
  char *instance;
  char *instance_id;
  char *peer;
  char *peer_node;
  char *peer_id;
  char *database;
  char *state;
  char *detail;
  double latency_ms;   /* the link's or socket's latency, < 0 when not reported */
} DeckHealthItem;

void            deck_health_item_free     (DeckHealthItem       *item);
DeckHealthItem *deck_health_item_dup      (const DeckHealthItem *item,
                                           const char           *state);
char           *deck_health_item_dup_key  (const DeckHealthItem *item);
int             deck_health_item_compare  (gconstpointer         a,
                                           gconstpointer         b);

GPtrArray      *deck_cluster_health_read    (DeckClusterState *state);
GPtrArray      *deck_cluster_health_changes (GPtrArray        *before,
                                             GPtrArray        *after);

G_END_DECLS
