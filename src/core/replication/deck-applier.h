/* deck-applier.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "deck-change-set.h"
#include "deck-plan.h"
#include "hdb-client.h"

G_BEGIN_DECLS

/**
 * DeckApplyOpResult:
 * @kind: the operation
 * @instance_id: the instance the request was (or would have been) sent to
 * @peer: the peer's node name
 * @reached: %FALSE when the request was never sent (an earlier operation
 *   of the instance failed, its state could not be read, or the apply was
 *   cancelled)
 * @ok: the operation succeeded
 * @message: (nullable): the server's answer on success, or why it failed
 * @error: (nullable): the failure
 * @changes: (element-type DeckChange): the staged changes it carries out
 *
 * What happened to one operation of a plan. Holds no secret.
 */
typedef struct
{
  DeckPlanOpKind  kind;
  char           *instance_id;
  char           *peer;
  gboolean        reached;
  gboolean        ok;
  char           *message;
  GError         *error;
  GPtrArray      *changes;
} DeckApplyOpResult;

void deck_apply_op_result_free (DeckApplyOpResult *result);

/**
 * DeckApplyResult:
 * @n_ok: operations that succeeded
 * @n_failed: operations that failed or were not reached
 * @results: (element-type DeckApplyOpResult): one per operation, by
 *   instance id, then in the order of the plan
 * @remaining: the staged changes that did not apply (failed, not reached,
 *   that the plan could not carry out, or whose mesh did not read back as
 *   planned): keep them pending
 * @verification_error: (nullable): a %DECK_PLAN_ERROR_VERIFICATION naming
 *   every difference between the links read back after converting a mesh
 *   and the plan; %NULL when every unit read back as planned, or the plan
 *   had none
 * @n_read_again: cluster_status requests sent to read a unit back again,
 *   because it first read back differently from the plan (Harper may report
 *   a link's new state late); the applier reads again for at most about
 *   five seconds before it reports the difference
 *
 * The applier sends the plan's requests and nothing else: on success,
 * their number is deck_plan_get_n_requests() plus @n_read_again.
 */
typedef struct
{
  guint          n_ok;
  guint          n_failed;
  GPtrArray     *results;
  DeckChangeSet *remaining;
  GError        *verification_error;
  guint          n_read_again;
} DeckApplyResult;

void deck_apply_result_free (DeckApplyResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeckApplyOpResult, deck_apply_op_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeckApplyResult, deck_apply_result_free)

#define DECK_TYPE_APPLIER (deck_applier_get_type ())

G_DECLARE_FINAL_TYPE (DeckApplier, deck_applier, DECK, APPLIER, GObject)

DeckApplier     *deck_applier_new          (void);
void             deck_applier_set_peer_client (DeckApplier       *self,
                                               const char        *node_name,
                                               HdbClient         *client);
void             deck_applier_set_max_parallel (DeckApplier       *self,
                                                guint              max_parallel);
void             deck_applier_apply_async  (DeckApplier          *self,
                                            DeckPlan             *plan,
                                            GHashTable           *clients,
                                            const char           *cluster_user,
                                            const char           *cluster_password,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
DeckApplyResult *deck_applier_apply_finish (DeckApplier          *self,
                                            GAsyncResult         *result,
                                            GError              **error);

G_END_DECLS
