/* deck-pending-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * pending.json's format (deck-pending-format.c), for DeckPending only.
 */

#pragma once

#include <json-glib/json-glib.h>

#include "deck-change-set.h"

G_BEGIN_DECLS

JsonNode      *_deck_pending_build_content (DeckChangeSet  *set);
DeckChangeSet *_deck_pending_parse_content (JsonNode       *root,
                                            char          **reason);

G_END_DECLS
