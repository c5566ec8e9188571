/* deck-cluster-state.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "deck-change-set.h"
#include "deck-cluster-file.h"
#include "deck-instance.h"
#include "hdb-types.h"

G_BEGIN_DECLS

/**
 * DeckClusterState:
 * @instances: (element-type DeckInstance): the instances read, in the
 *   order given
 * @statuses: (element-type utf8 HdbClusterStatus): instance id → its
 *   `cluster_status`
 * @schemas: (element-type utf8 HdbSchema): instance id → its `describe_all`
 *   (record counts included)
 * @unreadable: (element-type utf8 utf8): instance id → why its state could
 *   not be read
 *
 * What an organization's instances said about their replication at one
 * moment: what `export` writes, what `plan -f` compares a file with, what
 * `check` counts. Holds no secret (HdbClusterStatus never keeps a
 * retained authorization).
 */
typedef struct
{
  GPtrArray  *instances;
  GHashTable *statuses;
  GHashTable *schemas;
  GHashTable *unreadable;
} DeckClusterState;

void              deck_cluster_state_free         (DeckClusterState      *state);

void              deck_cluster_state_read_async   (GPtrArray             *instances,
                                                   GHashTable            *clients,
                                                   GCancellable          *cancellable,
                                                   GAsyncReadyCallback    callback,
                                                   gpointer               user_data);
DeckClusterState *deck_cluster_state_read_finish  (GAsyncResult          *result,
                                                   GError               **error);

DeckInstance     *deck_cluster_state_find_node    (DeckClusterState      *state,
                                                   const char            *node_name);
const char       *deck_cluster_state_get_node_name (DeckClusterState     *state,
                                                   DeckInstance          *instance);

DeckClusterFile  *deck_cluster_state_export       (DeckClusterState      *state,
                                                   const char            *organization);
DeckChangeSet    *deck_cluster_state_diff         (DeckClusterState      *state,
                                                   const DeckClusterFile *file,
                                                   GPtrArray            **unresolved);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeckClusterState, deck_cluster_state_free)

G_END_DECLS
