/* deck-nats-engine.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "deck-engine.h"

G_BEGIN_DECLS

#define DECK_TYPE_NATS_ENGINE (deck_nats_engine_get_type ())

G_DECLARE_FINAL_TYPE (DeckNatsEngine, deck_nats_engine, DECK, NATS_ENGINE, DeckEngine)

DeckNatsEngine *deck_nats_engine_new (void);

G_END_DECLS
