/* deck-applier-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the two rooms of DeckApplier share: reading the state and settling
 * the result (deck-applier.c), and sending the operations in lanes
 * (deck-applier-lanes.c).
 */

#pragma once

#include "deck-applier.h"

G_BEGIN_DECLS

struct _DeckApplier
{
  GObject     parent_instance;

  GHashTable *peer_clients;   /* peer node name → HdbClient */
  guint       max_parallel;   /* lanes running at once */
};

/* The task data of an apply. */
typedef struct
{
  DeckApplier   *applier;
  DeckPlan      *plan;
  GHashTable    *clients;       /* instance id → HdbClient */
  char          *authorization; /* "Basic …", wiped when done */
  GHashTable    *fresh;         /* instance id → HdbClusterStatus read again */
  GHashTable    *read_errors;   /* instance id → GError */
  GHashTable    *results;       /* instance id → GPtrArray of DeckApplyOpResult */
  GString       *verification;  /* what the units read back differently */
  DeckChangeSet *unverified;    /* the changes of those units */
  guint          n_read_again;  /* cluster_status sent to read a unit back again */
  GQueue         waiting;       /* lanes not started yet */
  guint          running;       /* lanes started and not done */
  guint          outstanding;
} ApplyData;

void _deck_applier_emit_operation_finished (DeckApplier      *self,
                                            const DeckPlanOp *op,
                                            const GError     *error);
void _deck_applier_run_lanes               (GTask            *task);
void _deck_applier_finish_apply            (GTask            *task);

G_END_DECLS
