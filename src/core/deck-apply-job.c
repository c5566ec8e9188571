/* deck-apply-job.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Applying staged changes, from Review & Apply or `clusterdeck-cli apply`,
 * in two steps.
 *
 * Prepare (deck_job_start()): reads the state of every instance the
 * changes name (and of the other instances of their organization, when a
 * mesh in full replication is converted as one unit or a link is made anew
 * on both sides) and plans them with the versions the store knows
 * (deck_plan_load_versioned_async()), and meanwhile finds the cluster
 * user's password in the keyring when none was given (the plan may not
 * need it). Then it waits in %DECK_JOB_STATE_PREPARED for the caller, who
 * shows the plan.
 *
 * Apply (deck_apply_job_apply()): runs the plan through DeckApplier
 * (::operation-finished is passed on as each answer comes back), then
 * settles: the history gets a line per operation, the changes that took
 * effect leave the pending changes, the others stay (their errors are in
 * the result). The job succeeds when every operation did; otherwise it
 * fails, with %DECK_JOB_ERROR_PARTIAL when some failed or the plan could
 * not make some of the changes (its problems), with the result's
 * verification error when a converted mesh did not read back as planned,
 * or with the applier's error when nothing was sent (drift, cancellation).
 */

#define G_LOG_DOMAIN "deck-apply-job"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "deck-apply-job.h"
#include "deck-context-private.h"
#include "deck-job-private.h"
#include "deck-plan-loader.h"

struct _DeckApplyJob
{
  DeckJob           parent_instance;

  /* Owned */
  DeckChangeSet    *changes;
  DeckStore        *store;
  DeckCredentials  *credentials;
  GHashTable       *clients;        /* instance id → HdbClient: the organization's */
  GHashTable       *versions;       /* node name → Harper version, as the store knows them */
  DeckOrganization *organization;   /* of the changes */
  gboolean          many_organizations;
  char             *cluster_password;  /* wiped when done */
  DeckPlan         *plan;
  GHashTable       *unreadable;     /* instance id → why */
  GError           *prepare_error;
  guint             n_waiting;
  DeckApplier      *applier;
  DeckApplyResult  *result;
  DeckChangeSet    *applied;
  GError           *settle_error;
};

G_DEFINE_FINAL_TYPE (DeckApplyJob, deck_apply_job, DECK_TYPE_JOB)

enum {
  SIGNAL_OPERATION_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
wipe_password (DeckApplyJob *self)
{
  g_clear_pointer (&self->cluster_password, deck_credentials_free_secret);
}

/* Applying ----------------------------------------------------------------- */

static void
on_operation_finished (DeckApplyJob *self,
                       DeckPlanOp   *op,
                       const GError *error)
{
  g_signal_emit (self, signals[SIGNAL_OPERATION_FINISHED], 0, op, error);
}

/* The end: every operation done, or not. */
static void
applied (DeckApplyJob *self)
{
  if (self->result->n_failed == 0 && deck_change_set_get_n_changes (self->result->remaining) == 0)
    {
      _deck_job_succeed (DECK_JOB (self));
      return;
    }
  if (self->result->n_failed == 0 && self->result->verification_error != NULL)
    {
      _deck_job_fail (DECK_JOB (self), g_error_copy (self->result->verification_error));
      return;
    }
  /* Every operation sent was done, yet changes are left: those the plan
   * could not make (its problems, e.g. a link made anew whose peer could
   * not be read). "0 of 3 operations failed" would not say that. */
  if (self->result->n_failed == 0)
    {
      guint n_left = deck_change_set_get_n_changes (self->result->remaining);

      _deck_job_fail (DECK_JOB (self),
                      g_error_new (DECK_JOB_ERROR, DECK_JOB_ERROR_PARTIAL,
                                   g_dngettext (GETTEXT_PACKAGE,
                                                "Every operation sent was done, but %u change "
                                                "could not be planned.",
                                                "Every operation sent was done, but %u changes "
                                                "could not be planned.",
                                                n_left),
                                   n_left));
      return;
    }
  _deck_job_fail (DECK_JOB (self),
                  g_error_new (DECK_JOB_ERROR, DECK_JOB_ERROR_PARTIAL,
                               g_dngettext (GETTEXT_PACKAGE,
                                            "%u of %u operation failed or was not sent.",
                                            "%u of %u operations failed or were not sent.",
                                            self->result->n_ok + self->result->n_failed),
                               self->result->n_failed, self->result->n_ok + self->result->n_failed));
}

static void
on_history_recorded (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(DeckApplyJob) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!_deck_context_record_history_finish (result, &error) && self->settle_error == NULL)
    self->settle_error = g_steal_pointer (&error);
  applied (self);
}

static void
on_applied (GObject      *source,
            GAsyncResult *res,
            gpointer      user_data)
{
  g_autoptr(DeckApplyJob) self = user_data;
  DeckContext *context = deck_job_get_context (DECK_JOB (self));
  GError *error = NULL;

  wipe_password (self);
  self->result = deck_applier_apply_finish (DECK_APPLIER (source), res, &error);
  g_clear_object (&self->applier);
  if (self->result == NULL)
    {
      _deck_job_fail (DECK_JOB (self), error);
      return;
    }

  /* What went through is settled: the pending changes at once, the history
   * in a worker, and the job ends once both are written. Without a context
   * (it went meanwhile) nobody keeps them any more, and only the result
   * tells. */
  if (context == NULL)
    {
      applied (self);
      return;
    }
  self->applied = _deck_context_settle_pending (context, self->result, &self->settle_error);
  _deck_context_record_history_async (context, self->result, on_history_recorded,
                                      g_object_ref (self));
}

/**
 * deck_apply_job_apply:
 * @self: a prepared job
 * @error: return location for why it cannot go on
 *
 * Sends the plan (the applier checks first that nothing changed on the
 * servers since the changes were staged), then settles the history and the
 * pending changes. The job runs again until then.
 *
 * Returns: whether the job runs again
 */
gboolean
deck_apply_job_apply (DeckApplyJob  *self,
                      GError       **error)
{
  DeckContext *context = deck_job_get_context (DECK_JOB (self));
  const char *cluster_user = NULL;

  g_return_val_if_fail (DECK_IS_APPLY_JOB (self), FALSE);

  if (deck_job_get_state (DECK_JOB (self)) != DECK_JOB_STATE_PREPARED)
    {
      g_set_error_literal (error, DECK_JOB_ERROR, DECK_JOB_ERROR_FAILED,
                           _("The changes are not planned yet."));
      return FALSE;
    }
  if (deck_plan_needs_authorization (self->plan))
    {
      /* One cluster user per organization. */
      if (self->many_organizations)
        {
          g_set_error_literal (error, DECK_JOB_ERROR, DECK_JOB_ERROR_FAILED,
                               _("The pending changes are in more than one organization; "
                                 "apply them one organization at a time."));
          return FALSE;
        }
      if (self->cluster_password == NULL || *self->cluster_password == '\0')
        {
          g_set_error_literal (error, DECK_JOB_ERROR, DECK_JOB_ERROR_NO_CLUSTER_PASSWORD,
                               _("No cluster password given."));
          return FALSE;
        }
      cluster_user = deck_context_get_cluster_user (context, self->organization);
    }
  if (!_deck_job_resume (DECK_JOB (self), error))
    return FALSE;

  _deck_job_set_phase (DECK_JOB (self), _("Checking that nothing changed on the servers, then "
                                          "sending"));
  self->applier = deck_applier_new ();
  g_signal_connect_object (self->applier, "operation-finished",
                           G_CALLBACK (on_operation_finished), self, G_CONNECT_SWAPPED);
  deck_applier_apply_async (self->applier, self->plan, self->clients, cluster_user,
                            self->cluster_password, _deck_job_get_cancellable (DECK_JOB (self)),
                            on_applied, g_object_ref (self));
  return TRUE;
}

/* Preparing ---------------------------------------------------------------- */

static void
step_done (DeckApplyJob *self)
{
  if (--self->n_waiting > 0)
    return;
  _deck_job_set_phase (DECK_JOB (self), NULL);
  if (self->prepare_error != NULL)
    {
      wipe_password (self);
      _deck_job_fail (DECK_JOB (self), g_steal_pointer (&self->prepare_error));
      return;
    }
  _deck_job_prepared (DECK_JOB (self));
}

static void
on_cluster_password (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(DeckApplyJob) self = user_data;
  g_autoptr(GError) error = NULL;
  char *password;

  /* Not in the keyring (or no keyring): the caller asks for it. */
  password = deck_credentials_lookup_finish (DECK_CREDENTIALS (source), result, &error);
  if (self->cluster_password == NULL)
    self->cluster_password = password;
  else
    deck_credentials_free_secret (password);
  if (error != NULL)
    g_debug ("No cluster password in the keyring: %s", error->message);
  step_done (self);
}

static void
on_plan_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DeckApplyJob) self = user_data;
  DeckContext *context = deck_job_get_context (DECK_JOB (self));
  GError *error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  GHashTableIter iter;
  gpointer id;

  self->plan = deck_plan_load_finish (result, &self->unreadable, &error);
  if (self->plan == NULL || context == NULL)
    {
      if (error == NULL)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
      self->prepare_error = error;
      step_done (self);
      return;
    }

  /* Plans name instances as people know them: those of the changes, and
   * the others of their organization that a mesh's conversion reaches. */
  list = deck_change_set_dup_changes (self->changes);
  for (guint i = 0; i < list->len; i++)
    {
      const DeckChange *change = g_ptr_array_index (list, i);
      DeckInstance *instance = deck_store_find_instance_by_id (self->store, change->instance_id);

      deck_plan_set_instance_label (self->plan, change->instance_id,
                                    instance ? deck_instance_get_name (instance) : change->instance_id);
    }
  g_hash_table_iter_init (&iter, self->clients);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    {
      DeckInstance *instance = deck_store_find_instance_by_id (self->store, id);

      if (instance != NULL)
        deck_plan_set_instance_label (self->plan, id, deck_instance_get_name (instance));
    }

  step_done (self);
}

/* Gives @self the clients of every instance of @org it has none of yet. */
static void
add_clients (DeckApplyJob     *self,
             DeckContext      *context,
             DeckOrganization *org)
{
  GListModel *instances = deck_organization_get_instances (org);

  for (guint i = 0; i < g_list_model_get_n_items (instances); i++)
    {
      g_autoptr(DeckInstance) instance = g_list_model_get_item (instances, i);
      HdbClient *client = deck_context_get_client (context, instance);

      if (client != NULL && !g_hash_table_contains (self->clients, deck_instance_get_id (instance)))
        g_hash_table_insert (self->clients, g_strdup (deck_instance_get_id (instance)),
                             g_object_ref (client));
      /* What a link can do depends on both sides' versions
       * (hdb-capabilities.h), the peer's too when it is not read. */
      if (deck_instance_get_node_name (instance) != NULL && deck_instance_get_version (instance) != NULL)
        g_hash_table_insert (self->versions, g_strdup (deck_instance_get_node_name (instance)),
                             g_strdup (deck_instance_get_version (instance)));
    }
}

static void
deck_apply_job_run (DeckJob *job)
{
  DeckApplyJob *self = DECK_APPLY_JOB (job);
  DeckContext *context = deck_job_get_context (job);
  g_autoptr(GPtrArray) list = deck_change_set_dup_changes (self->changes);

  self->store = g_object_ref (deck_context_get_store (context));
  self->credentials = g_object_ref (deck_context_get_credentials (context));

  /* The clients of every instance of the changes' organizations: a mesh in
   * full replication is converted as one unit, on all of its instances. */
  for (guint i = 0; i < list->len; i++)
    {
      const DeckChange *change = g_ptr_array_index (list, i);
      DeckInstance *instance = deck_store_find_instance_by_id (self->store, change->instance_id);
      DeckOrganization *org = deck_context_get_organization (context, instance);

      if (org == NULL)
        continue;
      if (self->organization == NULL)
        {
          self->organization = g_object_ref (org);
          add_clients (self, context, org);
        }
      else if (org != self->organization)
        {
          self->many_organizations = TRUE;
          add_clients (self, context, org);
        }
    }

  _deck_job_set_phase (job, _("Reading the current state"));
  self->n_waiting = 1;
  deck_plan_load_versioned_async (self->changes, self->clients, self->versions,
                                  _deck_job_get_cancellable (job), on_plan_loaded,
                                  g_object_ref (self));
  /* The cluster password is looked up while the state is read, not after:
   * native plans need it, and the keyring answers in the meantime. A plan
   * that turns out not to need it leaves it unused (and wiped). */
  if (self->cluster_password == NULL && self->organization != NULL)
    {
      self->n_waiting++;
      deck_credentials_lookup_async (self->credentials, DECK_SECRET_CLUSTER_USER,
                                     deck_organization_get_id (self->organization),
                                     _deck_job_get_cancellable (job),
                                     on_cluster_password, g_object_ref (self));
    }
}

/* The type ------------------------------------------------------------------- */

static void
deck_apply_job_finalize (GObject *object)
{
  DeckApplyJob *self = DECK_APPLY_JOB (object);

  wipe_password (self);
  g_clear_object (&self->changes);
  g_clear_object (&self->store);
  g_clear_object (&self->credentials);
  g_clear_pointer (&self->clients, g_hash_table_unref);
  g_clear_pointer (&self->versions, g_hash_table_unref);
  g_clear_object (&self->organization);
  g_clear_object (&self->plan);
  g_clear_pointer (&self->unreadable, g_hash_table_unref);
  g_clear_error (&self->prepare_error);
  g_clear_object (&self->applier);
  g_clear_pointer (&self->result, deck_apply_result_free);
  g_clear_object (&self->applied);
  g_clear_error (&self->settle_error);

  G_OBJECT_CLASS (deck_apply_job_parent_class)->finalize (object);
}

static void
deck_apply_job_class_init (DeckApplyJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  DeckJobClass *job_class = DECK_JOB_CLASS (klass);

  object_class->finalize = deck_apply_job_finalize;
  job_class->kind = DECK_JOB_KIND_APPLY;
  job_class->run = deck_apply_job_run;

  /**
   * DeckApplyJob::operation-finished:
   * @self: the job
   * @op: (type gpointer): the #DeckPlanOp of deck_apply_job_get_plan()
   * @error: (nullable): why it failed or was not sent, %NULL on success
   *
   * Emitted once for every operation of the plan, as DeckApplier does.
   */
  signals[SIGNAL_OPERATION_FINISHED] =
    g_signal_new ("operation-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2,
                  G_TYPE_POINTER, G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
deck_apply_job_init (DeckApplyJob *self)
{
  self->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/**
 * deck_apply_job_new:
 * @context: the context
 * @changes: what to apply (copied): the pending changes, or another set
 *   (an Undo's inverse), whose changes that do not apply become pending
 *
 * Returns: (transfer full): a job, not started: deck_job_start() plans it
 */
DeckApplyJob *
deck_apply_job_new (DeckContext   *context,
                    DeckChangeSet *changes)
{
  g_autoptr(DeckChangeSet) copy = NULL;
  g_autoptr(GPtrArray) list = NULL;
  const char *first;
  DeckApplyJob *self;

  g_return_val_if_fail (DECK_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (DECK_IS_CHANGE_SET (changes), NULL);

  copy = deck_change_set_copy (changes);
  list = deck_change_set_dup_changes (copy);
  first = list->len > 0 ? ((const DeckChange *) g_ptr_array_index (list, 0))->instance_id : NULL;
  self = g_object_new (DECK_TYPE_APPLY_JOB,
                       "context", context,
                       "instance", first != NULL
                                   ? deck_store_find_instance_by_id (deck_context_get_store (context),
                                                                     first)
                                   : NULL,
                       "instance-id", first,
                       NULL);
  for (guint i = 0; i < list->len; i++)
    _deck_job_add_instance_id (DECK_JOB (self),
                               ((const DeckChange *) g_ptr_array_index (list, i))->instance_id);
  self->changes = g_steal_pointer (&copy);
  return self;
}

/**
 * deck_apply_job_get_changes:
 * @self: a job
 *
 * Returns: (transfer none): what the job applies
 */
DeckChangeSet *
deck_apply_job_get_changes (DeckApplyJob *self)
{
  g_return_val_if_fail (DECK_IS_APPLY_JOB (self), NULL);
  return self->changes;
}

/**
 * deck_apply_job_set_cluster_password:
 * @self: a job, not yet applying
 * @password: (nullable): the cluster user's password
 *
 * Uses @password rather than the one the keyring keeps for the
 * organization.
 */
void
deck_apply_job_set_cluster_password (DeckApplyJob *self,
                                     const char   *password)
{
  g_return_if_fail (DECK_IS_APPLY_JOB (self));

  wipe_password (self);
  self->cluster_password = g_strdup (password);
}

/**
 * deck_apply_job_get_plan:
 * @self: a job
 *
 * Returns: (nullable) (transfer none): the plan, once prepared
 */
DeckPlan *
deck_apply_job_get_plan (DeckApplyJob *self)
{
  g_return_val_if_fail (DECK_IS_APPLY_JOB (self), NULL);
  return self->plan;
}

/**
 * deck_apply_job_get_unreadable:
 * @self: a job
 *
 * Returns: (nullable) (transfer none) (element-type utf8 utf8): instance id
 *   → why its state could not be read, once prepared
 */
GHashTable *
deck_apply_job_get_unreadable (DeckApplyJob *self)
{
  g_return_val_if_fail (DECK_IS_APPLY_JOB (self), NULL);
  return self->unreadable;
}

/**
 * deck_apply_job_needs_password:
 * @self: a prepared job
 *
 * Returns: whether the plan needs the cluster user's password and none is
 *   known (the keyring had none, and none was given)
 */
gboolean
deck_apply_job_needs_password (DeckApplyJob *self)
{
  g_return_val_if_fail (DECK_IS_APPLY_JOB (self), FALSE);

  return self->plan != NULL && deck_plan_needs_authorization (self->plan) &&
         (self->cluster_password == NULL || *self->cluster_password == '\0');
}

/**
 * deck_apply_job_get_result:
 * @self: a job
 *
 * Returns: (nullable) (transfer none): what happened to each operation,
 *   once applied (%NULL when nothing was sent)
 */
const DeckApplyResult *
deck_apply_job_get_result (DeckApplyJob *self)
{
  g_return_val_if_fail (DECK_IS_APPLY_JOB (self), NULL);
  return self->result;
}

/**
 * deck_apply_job_get_applied:
 * @self: a job
 *
 * Returns: (nullable) (transfer none): the changes that took effect, once
 *   applied (an Undo applies their inverse)
 */
DeckChangeSet *
deck_apply_job_get_applied (DeckApplyJob *self)
{
  g_return_val_if_fail (DECK_IS_APPLY_JOB (self), NULL);
  return self->applied;
}

/**
 * deck_apply_job_get_settle_error:
 * @self: a job
 *
 * Returns: (nullable) (transfer none): what could not be written after the
 *   apply (the history, or the pending changes' file)
 */
const GError *
deck_apply_job_get_settle_error (DeckApplyJob *self)
{
  g_return_val_if_fail (DECK_IS_APPLY_JOB (self), NULL);
  return self->settle_error;
}
