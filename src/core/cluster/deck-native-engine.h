/* deck-native-engine.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "deck-engine.h"

G_BEGIN_DECLS

#define DECK_TYPE_NATIVE_ENGINE (deck_native_engine_get_type ())

G_DECLARE_FINAL_TYPE (DeckNativeEngine, deck_native_engine, DECK, NATIVE_ENGINE, DeckEngine)

DeckNativeEngine *deck_native_engine_new (void);

G_END_DECLS
