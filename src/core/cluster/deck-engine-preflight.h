/* deck-engine-preflight.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "deck-engine.h"

G_BEGIN_DECLS

/* Whether a server of @version can run @engine (hdb-capabilities.h), with a
 * sentence for the user saying why not. For the UI and the CLI, which decide
 * what to offer from the version they know. */
gboolean  deck_engine_check_version        (HdbEngine                engine,
                                            const char              *version,
                                            GError                 **error);

/* Before anything is written to enable @engine: the server's version
 * (registration_info) and, for NATS, the four ports (valid, distinct, none
 * of the instance's own, and free on its host). Fails with
 * DECK_ENGINE_ERROR_NOT_SUPPORTED and the reason; nothing is changed on the
 * server. deck_engine_enable_async() runs it first. */
void      deck_engine_preflight_async      (HdbEngine                engine,
                                            HdbClient               *client,
                                            const DeckEnableRequest *request,
                                            GCancellable            *cancellable,
                                            GAsyncReadyCallback      callback,
                                            gpointer                 user_data);
gboolean  deck_engine_preflight_finish     (GAsyncResult            *result,
                                            GError                 **error);

/* For the engines: tells @monitor what an enable wrote (read back as
 * @config) and how to undo it by hand, for the message of a restart that
 * does not come back. */
void      _deck_engine_note_written        (DeckRestartMonitor      *monitor,
                                            HdbEngine                engine,
                                            const HdbConfiguration  *config);

/* For the native engine: full replication (NULL) or, between versions whose
 * system databases differ, one subscription per common table. */
void      _deck_engine_link_subscriptions_async  (HdbClient            *client,
                                                  HdbClient            *peer_client,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean  _deck_engine_link_subscriptions_finish (GAsyncResult         *result,
                                                  GPtrArray           **subscriptions,
                                                  GError              **error);

G_END_DECLS
