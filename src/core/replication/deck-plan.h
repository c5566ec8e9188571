/* deck-plan.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "deck-change-set.h"
#include "hdb-client.h"
#include "hdb-types.h"

G_BEGIN_DECLS

#define DECK_PLAN_ERROR (deck_plan_error_quark ())

/**
 * DeckPlanErrorCode:
 * @DECK_PLAN_ERROR_DRIFT: the server's state changed since the changes were staged
 * @DECK_PLAN_ERROR_VERIFICATION: the links read back after applying differ
 *   from what the plan says
 */
typedef enum
{
  DECK_PLAN_ERROR_DRIFT,
  DECK_PLAN_ERROR_VERIFICATION,
} DeckPlanErrorCode;

GQuark deck_plan_error_quark (void);

/**
 * DeckPlanOpKind:
 * @DECK_PLAN_OP_UPDATE_NODE: `update_node` with the merged subscriptions
 * @DECK_PLAN_OP_REMOVE_NODE: `remove_node` (to leave full replication; a
 *   node that is already gone counts as removed)
 * @DECK_PLAN_OP_ADD_NODE: `add_node` with explicit subscriptions
 */
typedef enum
{
  DECK_PLAN_OP_UPDATE_NODE,
  DECK_PLAN_OP_REMOVE_NODE,
  DECK_PLAN_OP_ADD_NODE,
} DeckPlanOpKind;

const char *deck_plan_op_kind_to_string (DeckPlanOpKind kind);

/**
 * DeckPlanOp:
 * @kind: the operation
 * @instance_id: the instance the request is sent to
 * @peer: the peer's node name
 * @url: (nullable): the peer's replication URL from the loaded connection
 *   (native; always sent, because update_node without it corrupts the
 *   stored URL); %NULL for NATS
 * @engine: %HDB_ENGINE_NATIVE or %HDB_ENGINE_NATS
 * @subscriptions: (element-type HdbSubscription) (nullable): the complete
 *   list to send, ordered by database and table; %NULL for REMOVE_NODE
 * @needs_authorization: the applier adds the cluster user's Basic
 *   authorization (native UPDATE_NODE and ADD_NODE)
 * @retain_authorization: the applier sends `retain_authorization` (the
 *   peer's URL is plain ws://)
 * @changes: (element-type DeckChange): the staged changes this operation
 *   carries out; they stay pending when it fails
 * @repeat: the same `update_node` as the operation before it, sent again:
 *   Harper 4.4's NATS clustering restarts a subscription that was switched
 *   back on only at the second update
 * @unit: 0, or the full-replication mesh this operation converts, as
 *   1 + its index in deck_plan_get_units(): the unit's operations go to
 *   several instances and are sent in the unit's order
 * @relink: part of a unit that makes an explicit link anew (remove on both
 *   sides, then add), because a version on it does not change a link in
 *   place as update_node asks (hdb-capabilities.h)
 *
 * One request. Holds no secret: the applier fills the authorization in.
 */
typedef struct
{
  DeckPlanOpKind  kind;
  char           *instance_id;
  char           *peer;
  char           *url;
  HdbEngine       engine;
  GPtrArray      *subscriptions;
  gboolean        needs_authorization;
  gboolean        retain_authorization;
  GPtrArray      *changes;
  gboolean        repeat;
  guint           unit;
  gboolean        relink;
} DeckPlanOp;

void deck_plan_op_free (DeckPlanOp *op);
/* What an add_node or update_node of the plan sends: @spec points into @op
 * (and @authorization, the cluster user's, given where @op needs it). */
void deck_plan_op_get_node_spec (const DeckPlanOp *op,
                                 const char       *authorization,
                                 HdbNodeSpec      *spec);

/**
 * DeckPlanProblem:
 * @instance_id: the instance
 * @peer: the peer's node name
 * @message: what is wrong, for people
 * @changes: (element-type DeckChange): the changes that cannot be planned
 *
 * Changes the plan cannot carry out, for instance with a peer that is no
 * longer connected. They are not operations and send nothing.
 */
typedef struct
{
  char      *instance_id;
  char      *peer;
  char      *message;
  GPtrArray *changes;
} DeckPlanProblem;

void deck_plan_problem_free (DeckPlanProblem *problem);

/**
 * DeckPlanUnit:
 * @instance_ids: (element-type utf8): the instances of a mesh in full
 *   replication, sorted by node name
 * @node_names: (element-type utf8): their node names, in the same order
 * @operations: (element-type DeckPlanOp): the operations that convert
 *   every link of the mesh to per-table subscriptions, in the order they
 *   are sent (across the instances); the plan owns them
 * @relink: the unit makes one explicit link anew (remove on both sides,
 *   then add with the new subscriptions) instead of converting a mesh: a
 *   Harper on it does not change a link in place (4.5+)
 *
 * Harper keeps one node table (system.hdb_nodes) for every node of a mesh
 * in full replication, so converting one link rewrites the others: the
 * whole mesh is converted at once (every node removes every other, then
 * one add_node per link), and every instance of it is read back afterwards
 * and compared with the plan (deck_plan_check_unit()).
 */
typedef struct
{
  GPtrArray *instance_ids;
  GPtrArray *node_names;
  GPtrArray *operations;
  gboolean   relink;
} DeckPlanUnit;

#define DECK_TYPE_PLAN (deck_plan_get_type ())

G_DECLARE_FINAL_TYPE (DeckPlan, deck_plan, DECK, PLAN, GObject)

DeckPlan   *deck_plan_new                (DeckChangeSet  *changes,
                                          GHashTable     *statuses,
                                          GHashTable     *engines);
DeckPlan   *deck_plan_new_full           (DeckChangeSet  *changes,
                                          GHashTable     *statuses,
                                          GHashTable     *engines,
                                          GHashTable     *schemas);
DeckPlan   *deck_plan_new_versioned      (DeckChangeSet  *changes,
                                          GHashTable     *statuses,
                                          GHashTable     *engines,
                                          GHashTable     *schemas,
                                          GHashTable     *versions);
GPtrArray  *deck_plan_get_instance_ids   (DeckPlan       *self);
GPtrArray  *deck_plan_get_operations     (DeckPlan       *self,
                                          const char     *instance_id);
GPtrArray  *deck_plan_get_problems       (DeckPlan       *self);
guint       deck_plan_get_n_requests     (DeckPlan       *self);
guint       deck_plan_get_n_operations   (DeckPlan       *self);
guint       deck_plan_get_n_reads        (DeckPlan       *self);
GPtrArray  *deck_plan_get_units          (DeckPlan       *self);
const char *deck_plan_get_node_name      (DeckPlan       *self,
                                          const char     *instance_id);
void        deck_plan_set_instance_label (DeckPlan       *self,
                                          const char     *instance_id,
                                          const char     *label);
gboolean    deck_plan_needs_authorization (DeckPlan      *self);
gboolean    deck_plan_has_remove         (DeckPlan       *self);
GPtrArray  *deck_plan_get_changes        (DeckPlan       *self);
guint       deck_plan_get_n_reopened     (DeckPlan       *self);
char       *deck_plan_describe           (DeckPlan       *self);
char       *deck_plan_describe_op        (DeckPlan       *self,
                                          const DeckPlanOp *op);
gboolean    deck_plan_check_drift        (DeckPlan       *self,
                                          GHashTable     *fresh_statuses,
                                          GError        **error);
gboolean    deck_plan_check_links_drift  (DeckPlan       *self,
                                          GHashTable     *fresh_statuses,
                                          GHashTable     *skip,
                                          GError        **error);
gboolean    deck_plan_check_changes_drift (GPtrArray     *changes,
                                          GHashTable     *fresh_statuses,
                                          GError        **error);
gboolean    deck_plan_check_unit         (DeckPlan       *self,
                                          const DeckPlanUnit *unit,
                                          GHashTable     *fresh_statuses,
                                          GError        **error);

G_END_DECLS
