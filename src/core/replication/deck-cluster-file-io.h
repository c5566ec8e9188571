/* deck-cluster-file-io.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "deck-cluster-file.h"
#include "deck-store.h"

G_BEGIN_DECLS

DeckClusterFile  *deck_cluster_file_load               (GFile                  *file,
                                                        GCancellable           *cancellable,
                                                        GError                **error);
void              deck_cluster_file_load_async         (GFile                  *file,
                                                        GCancellable           *cancellable,
                                                        GAsyncReadyCallback     callback,
                                                        gpointer                user_data);
DeckClusterFile  *deck_cluster_file_load_finish        (GAsyncResult           *result,
                                                        GError                **error);

DeckOrganization *deck_cluster_file_find_organization  (const DeckClusterFile  *file,
                                                        DeckStore              *store,
                                                        DeckOrganization       *fallback,
                                                        GError                **error);

G_END_DECLS
