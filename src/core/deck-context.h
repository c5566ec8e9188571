/* deck-context.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "deck-change-set.h"
#include "deck-cluster-state.h"
#include "deck-credentials.h"
#include "deck-instance-monitor.h"
#include "deck-job.h"
#include "deck-pending.h"
#include "deck-store.h"
#include "hdb-client.h"

G_BEGIN_DECLS

#define DECK_TYPE_CONTEXT (deck_context_get_type ())

G_DECLARE_FINAL_TYPE (DeckContext, deck_context, DECK, CONTEXT, GObject)

DeckContext         *deck_context_new                 (DeckStore           *store,
                                                       DeckCredentials     *credentials,
                                                       DeckInstanceMonitor *monitor);

DeckStore           *deck_context_get_store           (DeckContext         *self);
DeckCredentials     *deck_context_get_credentials     (DeckContext         *self);
DeckInstanceMonitor *deck_context_get_monitor         (DeckContext         *self);

/* The instance's client (the monitor's), %NULL while its password is not known. */
HdbClient           *deck_context_get_client          (DeckContext         *self,
                                                       DeckInstance        *instance);
DeckOrganization    *deck_context_get_organization    (DeckContext         *self,
                                                       DeckInstance        *instance);
const char          *deck_context_get_cluster_user    (DeckContext         *self,
                                                       DeckOrganization    *organization);

/* What every instance of an organization says of its replication, read at
 * once with the monitor's clients (export, the record-count check, the map). */
void                 deck_context_read_cluster_async  (DeckContext         *self,
                                                       DeckOrganization    *organization,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
DeckClusterState    *deck_context_read_cluster_finish (DeckContext         *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* The cluster as a file (deck-context-file.c): an organization written
 * to a file as `clusterdeck-cli export` does, and the changes that bring
 * the live cluster to a file's state, as `plan -f` plans them. */
void                 deck_context_export_cluster_async     (DeckContext         *self,
                                                            DeckOrganization    *organization,
                                                            GFile               *destination,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
DeckClusterState    *deck_context_export_cluster_finish    (DeckContext         *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);
void                 deck_context_changes_from_file_async  (DeckContext         *self,
                                                            GFile               *source,
                                                            DeckOrganization    *fallback,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
DeckChangeSet       *deck_context_changes_from_file_finish (DeckContext         *self,
                                                            GAsyncResult        *result,
                                                            DeckOrganization   **organization,
                                                            GPtrArray          **unresolved,
                                                            GError             **error);

/* The pending changes ($XDG_STATE_HOME/clusterdeck/pending.json), read on
 * first use. */
DeckPending         *deck_context_get_pending         (DeckContext         *self);
/* The applied-changes history ($XDG_STATE_HOME/clusterdeck/history.jsonl). */
const char          *deck_context_get_history_path    (DeckContext         *self);

/* Jobs: running, and finished ones until replaced or forgotten. */
DeckJob             *deck_context_find_job            (DeckContext         *self,
                                                       const char          *instance_id,
                                                       DeckJobKind          kind);
GPtrArray           *deck_context_list_jobs           (DeckContext         *self,
                                                       const char          *instance_id);
void                 deck_context_forget_job          (DeckContext         *self,
                                                       DeckJob             *job);

G_END_DECLS
