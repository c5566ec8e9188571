/* deck-native-engine-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rooms of DeckNativeEngine: the type, enable and disconnect
 * (deck-native-engine.c), and connect (deck-native-connect.c).
 */

#pragma once

#include "deck-engine-private.h"
#include "deck-native-engine.h"

G_BEGIN_DECLS

/* The engine's DeckLinkKind (deck-native-engine.c). */
extern const DeckLinkKind _deck_native_link;

void _deck_native_engine_connect_async (DeckEngine          *engine,
                                        HdbClient           *client,
                                        const char          *cluster_user,
                                        const char          *cluster_password,
                                        const DeckPeer      *peer,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);

G_END_DECLS
