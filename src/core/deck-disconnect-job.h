/* deck-disconnect-job.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "deck-context.h"
#include "deck-job.h"

G_BEGIN_DECLS

#define DECK_TYPE_DISCONNECT_JOB (deck_disconnect_job_get_type ())

G_DECLARE_FINAL_TYPE (DeckDisconnectJob, deck_disconnect_job, DECK, DISCONNECT_JOB, DeckJob)

DeckDisconnectJob *deck_disconnect_job_new                (DeckContext       *context,
                                                           DeckInstance      *instance,
                                                           DeckInstance      *peer,
                                                           const char        *peer_node_name,
                                                           const char        *peer_url);
const char        *deck_disconnect_job_get_node_name      (DeckDisconnectJob *self);
const char        *deck_disconnect_job_get_peer_node_name (DeckDisconnectJob *self);

G_END_DECLS
