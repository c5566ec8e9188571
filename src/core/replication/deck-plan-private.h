/* deck-plan-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rooms of DeckPlan: building a plan from staged changes
 * (deck-plan.c), converting a full-replication mesh as one unit
 * (deck-plan-mesh.c), describing it for people (deck-plan-describe.c), and
 * comparing it with the servers' state before and after applying
 * (deck-plan-drift.c).
 */

#pragma once

#include "deck-plan.h"

G_BEGIN_DECLS

struct _DeckPlan
{
  GObject     parent_instance;

  GPtrArray  *changes;        /* DeckChange, the snapshot the plan was built from */
  GPtrArray  *instance_ids;   /* char *, sorted: instances with operations */
  GHashTable *operations;     /* instance id → GPtrArray of DeckPlanOp, in the order sent */
  GPtrArray  *units;          /* DeckPlanUnit */
  GPtrArray  *problems;       /* DeckPlanProblem */
  GHashTable *node_names;     /* instance id → its node name */
  GHashTable *labels;         /* instance id → its name, for people */
  guint       n_operations;
};

/* The changes [from, to) of plan->changes: all between one instance and
 * one peer. */
typedef struct
{
  guint from;
  guint to;
} DeckPlanRange;

/* A link's subscriptions while they are worked out, one per table. */
typedef struct
{
  GPtrArray  *list;    /* HdbSubscription, owned */
  GHashTable *index;   /* "database\037table" → HdbSubscription in list */
} DeckSubscriptionSet;

void             _deck_subscription_set_init   (DeckSubscriptionSet *set);
HdbSubscription *_deck_subscription_set_ensure (DeckSubscriptionSet *set,
                                                const char          *database,
                                                const char          *table,
                                                gboolean             publish,
                                                gboolean             subscribe);
void             _deck_subscription_set_apply  (DeckSubscriptionSet *set,
                                                const DeckChange    *change,
                                                gboolean             mirrored);
GPtrArray       *_deck_subscription_set_finish (DeckSubscriptionSet *set);

GPtrArray  *_deck_plan_copy_changes     (GPtrArray            *changes,
                                         guint                 from,
                                         guint                 to);
void        _deck_plan_add_problem      (DeckPlan             *self,
                                         GPtrArray            *changes,
                                         guint                 from,
                                         guint                 to,
                                         char                 *message);
DeckPlanOp *_deck_plan_op_new           (DeckPlanOpKind        kind,
                                         const char           *instance_id,
                                         const char           *peer,
                                         const char           *url,
                                         HdbEngine             engine);
void        _deck_plan_add_op           (DeckPlan             *self,
                                         DeckPlanOp           *op);
const char *_deck_plan_instance_for_node (GHashTable          *statuses,
                                          const char          *node_name);

/* Plans the ranges whose link is native full replication: every mesh they
 * belong to becomes one unit (deck-plan-mesh.c). */
void        _deck_plan_add_meshes       (DeckPlan             *self,
                                         GArray               *ranges,
                                         GHashTable           *statuses,
                                         GHashTable           *schemas);

char       *_deck_plan_instance_label   (DeckPlan             *self,
                                         const char           *instance_id);

G_END_DECLS
