/* deck-nats-engine-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rooms of DeckNatsEngine: the type (deck-nats-engine.c), enabling
 * (deck-nats-enable.c), connecting (deck-nats-connect.c), disconnecting
 * (deck-nats-disconnect.c), and the NATS configuration and routes they
 * share (deck-nats-config.c).
 */

#pragma once

#include "deck-engine-private.h"
#include "deck-nats-engine.h"

G_BEGIN_DECLS

/**
 * DeckNatsPort:
 * @path: the dotted path in the configuration
 * @key: the set_configuration key
 * @fallback: Harper's default
 */
typedef struct
{
  const char *path;
  const char *key;
  guint       fallback;
} DeckNatsPort;

/* The four NATS ports, in the order of DeckEnableRequest's fields. */
#define DECK_NATS_N_PORTS        4
#define DECK_NATS_HUB_CLUSTER    2   /* the port peers route to */

extern const DeckNatsPort _deck_nats_ports[DECK_NATS_N_PORTS];

/* The engine's DeckLinkKind (deck-nats-engine.c). */
extern const DeckLinkKind _deck_nats_link;

JsonArray *_deck_nats_hub_route_for           (HdbClient               *client,
                                               const HdbConfiguration  *config);

/* restart_service clustering_config, then its job until it is done (or a
 * short while when the answer names no job). */
void       _deck_nats_reload_async            (DeckEngine              *engine,
                                               HdbClient               *client,
                                               GCancellable            *cancellable,
                                               GAsyncReadyCallback      callback,
                                               gpointer                 user_data);
gboolean   _deck_nats_reload_finish           (DeckEngine              *engine,
                                               GAsyncResult            *result,
                                               GError                 **error);

/* The reload as a step, on the side the step names. */
void       _deck_nats_step_reload             (DeckStepRun             *run,
                                               gpointer                 data,
                                               GAsyncReadyCallback      callback,
                                               gpointer                 user_data);
DeckStepResult _deck_nats_step_reloaded       (DeckStepRun             *run,
                                               gpointer                 data,
                                               GObject                 *source,
                                               GAsyncResult            *result,
                                               GError                 **error);

void       _deck_nats_engine_enable_async     (DeckEngine              *engine,
                                               HdbClient               *client,
                                               const DeckEnableRequest *request,
                                               DeckRestartMonitor      *monitor,
                                               GCancellable            *cancellable,
                                               GAsyncReadyCallback      callback,
                                               gpointer                 user_data);
void       _deck_nats_engine_connect_async    (DeckEngine              *engine,
                                               HdbClient               *client,
                                               const char              *cluster_user,
                                               const char              *cluster_password,
                                               const DeckPeer          *peer,
                                               GCancellable            *cancellable,
                                               GAsyncReadyCallback      callback,
                                               gpointer                 user_data);
void       _deck_nats_engine_disconnect_async (DeckEngine              *engine,
                                               HdbClient               *client,
                                               const char              *node_name,
                                               const DeckPeer          *peer,
                                               GCancellable            *cancellable,
                                               GAsyncReadyCallback      callback,
                                               gpointer                 user_data);

G_END_DECLS
