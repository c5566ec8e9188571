/* deck-context.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one object the window, its pages and the command line are given
 * (gnome-calendar's GcalContext is the model): the organizations and
 * instances (DeckStore), the keyring (DeckCredentials), the instances'
 * clients and live state (DeckInstanceMonitor), the pending changes and
 * the applied-changes history, and the jobs that run on them.
 *
 * The jobs (DeckEnableJob, DeckConnectJob, DeckDisconnectJob, DeckApplyJob)
 * are kept here while they run and after they end, until a newer job of
 * the same kind on the same instances replaces them, a caller forgets them,
 * or the context goes (which cancels those still running). So a job goes
 * on when the page that started it shows another instance, and the page
 * finds it again when the user comes back.
 *
 * The pending changes (DeckPending: the file the window and the command
 * line share) and the history are reached through this object, and settled
 * after an apply by it (for DeckApplyJob), in one place.
 */

#define G_LOG_DOMAIN "deck-context"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "deck-context-private.h"
#include "deck-engine.h"
#include "deck-health-watch.h"
#include "deck-history.h"
#include "deck-job-private.h"

/* Finished jobs kept (besides running ones), oldest dropped first. */
#define MAX_FINISHED_JOBS 32

struct _DeckContext
{
  GObject              parent_instance;

  /* Owned */
  DeckStore           *store;
  DeckCredentials     *credentials;
  DeckInstanceMonitor *monitor;
  DeckPending         *pending;          /* read on first use */
  char                *history_path;
  GPtrArray           *jobs;             /* DeckJob, oldest first */
  DeckHealthWatch     *health_watch;     /* made on first use */
};

G_DEFINE_FINAL_TYPE (DeckContext, deck_context, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_CREDENTIALS,
  PROP_MONITOR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
deck_context_dispose (GObject *object)
{
  DeckContext *self = DECK_CONTEXT (object);

  /* The jobs end with the context: what they still wait for is cancelled,
   * and each ends as it can (a job holds what it works on itself). */
  if (self->jobs != NULL)
    {
      g_autoptr(GPtrArray) jobs = g_steal_pointer (&self->jobs);

      for (guint i = 0; i < jobs->len; i++)
        deck_job_cancel (g_ptr_array_index (jobs, i));
    }
  if (self->pending != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!deck_pending_flush (self->pending, &error))
        g_warning ("The pending changes could not be saved: %s", error->message);
      g_clear_object (&self->pending);
    }
  /* Before the monitor: its clients are the ones the watch reads with. */
  if (self->health_watch != NULL)
    deck_health_watch_stop (self->health_watch);
  g_clear_object (&self->health_watch);
  g_clear_object (&self->monitor);
  g_clear_object (&self->credentials);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (deck_context_parent_class)->dispose (object);
}

static void
deck_context_finalize (GObject *object)
{
  DeckContext *self = DECK_CONTEXT (object);

  g_free (self->history_path);

  G_OBJECT_CLASS (deck_context_parent_class)->finalize (object);
}

static void
deck_context_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  DeckContext *self = DECK_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_CREDENTIALS:
      g_value_set_object (value, self->credentials);
      break;
    case PROP_MONITOR:
      g_value_set_object (value, self->monitor);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_context_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  DeckContext *self = DECK_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_CREDENTIALS:
      self->credentials = g_value_dup_object (value);
      break;
    case PROP_MONITOR:
      self->monitor = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_context_class_init (DeckContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = deck_context_dispose;
  object_class->finalize = deck_context_finalize;
  object_class->get_property = deck_context_get_property;
  object_class->set_property = deck_context_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, DECK_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CREDENTIALS] =
    g_param_spec_object ("credentials", NULL, NULL, DECK_TYPE_CREDENTIALS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MONITOR] =
    g_param_spec_object ("monitor", NULL, NULL, DECK_TYPE_INSTANCE_MONITOR,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
deck_context_init (DeckContext *self)
{
  self->jobs = g_ptr_array_new_with_free_func (g_object_unref);
  self->history_path = deck_history_default_path ();
}

/**
 * deck_context_new:
 * @store: the organizations and instances (loaded by the caller)
 * @credentials: the keyring
 * @monitor: the instances' clients and live state; the window starts it,
 *   the command line does not (it gives the passwords it reads with
 *   deck_instance_monitor_set_password())
 *
 * Returns: (transfer full): a context
 */
DeckContext *
deck_context_new (DeckStore           *store,
                  DeckCredentials     *credentials,
                  DeckInstanceMonitor *monitor)
{
  g_return_val_if_fail (DECK_IS_STORE (store), NULL);
  g_return_val_if_fail (DECK_IS_CREDENTIALS (credentials), NULL);
  g_return_val_if_fail (DECK_IS_INSTANCE_MONITOR (monitor), NULL);

  return g_object_new (DECK_TYPE_CONTEXT,
                       "store", store,
                       "credentials", credentials,
                       "monitor", monitor,
                       NULL);
}

/**
 * deck_context_get_store:
 * @self: a context
 *
 * Returns: (transfer none): the organizations and instances
 */
DeckStore *
deck_context_get_store (DeckContext *self)
{
  g_return_val_if_fail (DECK_IS_CONTEXT (self), NULL);
  return self->store;
}

/**
 * deck_context_get_credentials:
 * @self: a context
 *
 * Returns: (transfer none): the keyring
 */
DeckCredentials *
deck_context_get_credentials (DeckContext *self)
{
  g_return_val_if_fail (DECK_IS_CONTEXT (self), NULL);
  return self->credentials;
}

/**
 * deck_context_get_monitor:
 * @self: a context
 *
 * Returns: (transfer none): the instance monitor
 */
DeckInstanceMonitor *
deck_context_get_monitor (DeckContext *self)
{
  g_return_val_if_fail (DECK_IS_CONTEXT (self), NULL);
  return self->monitor;
}

/**
 * deck_context_get_client:
 * @self: a context
 * @instance: an instance
 *
 * Returns: (nullable) (transfer none): the client of @instance, %NULL while
 *   its password is not known
 */
HdbClient *
deck_context_get_client (DeckContext  *self,
                         DeckInstance *instance)
{
  g_return_val_if_fail (DECK_IS_CONTEXT (self), NULL);
  g_return_val_if_fail (DECK_IS_INSTANCE (instance), NULL);

  return deck_instance_monitor_get_client (self->monitor, instance);
}

static void
read_cluster_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  DeckClusterState *state = deck_cluster_state_read_finish (result, &error);

  if (state == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, state, (GDestroyNotify) deck_cluster_state_free);
}

/**
 * deck_context_read_cluster_async:
 * @self: a context
 * @organization: an organization of the store
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when every instance answered or failed
 * @user_data: data for @callback
 *
 * Reads the replication state of every instance of @organization at once,
 * with the monitor's clients. An instance whose password is not known, or
 * that does not answer, is in the state's @unreadable with the reason;
 * only cancelling fails the whole read.
 */
void
deck_context_read_cluster_async (DeckContext         *self,
                                 DeckOrganization    *organization,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GListModel *model;
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) instances = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         g_object_unref);

  g_return_if_fail (DECK_IS_CONTEXT (self));
  g_return_if_fail (DECK_IS_ORGANIZATION (organization));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, deck_context_read_cluster_async);

  model = deck_organization_get_instances (organization);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(DeckInstance) instance = g_list_model_get_item (model, i);
      HdbClient *client = deck_context_get_client (self, instance);

      /* Without a client (no password yet) the instance is unreadable. */
      if (client != NULL)
        g_hash_table_insert (clients, g_strdup (deck_instance_get_id (instance)),
                             g_object_ref (client));
      g_ptr_array_add (instances, g_steal_pointer (&instance));
    }
  deck_cluster_state_read_async (instances, clients, cancellable, read_cluster_cb,
                                 g_steal_pointer (&task));
}

/**
 * deck_context_read_cluster_finish:
 * @self: a context
 * @result: the result
 * @error: return location for an error (only %G_IO_ERROR_CANCELLED)
 *
 * Returns: (transfer full) (nullable): the state
 */
DeckClusterState *
deck_context_read_cluster_finish (DeckContext   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * deck_context_get_health_watch:
 * @self: a context
 *
 * The health of every instance of the store and its links, read again and
 * again with the monitor's clients once started (the application starts
 * it; the sidebar's marks and the desktop notifications show it). Made on
 * first use, not started; stopped with the context.
 *
 * Returns: (transfer none): the context's health watch
 */
DeckHealthWatch *
deck_context_get_health_watch (DeckContext *self)
{
  g_return_val_if_fail (DECK_IS_CONTEXT (self), NULL);

  if (self->health_watch == NULL)
    self->health_watch = deck_health_watch_new (self, NULL);
  return self->health_watch;
}

/**
 * deck_context_get_organization:
 * @self: a context
 * @instance: an instance
 *
 * Returns: (nullable) (transfer none): the organization of @instance
 */
DeckOrganization *
deck_context_get_organization (DeckContext  *self,
                               DeckInstance *instance)
{
  g_return_val_if_fail (DECK_IS_CONTEXT (self), NULL);

  if (instance == NULL)
    return NULL;
  return deck_store_find_organization (self->store, deck_instance_get_organization_id (instance));
}

/**
 * deck_context_get_cluster_user:
 * @self: a context
 * @organization: (nullable): an organization
 *
 * Returns: the name of @organization's cluster user: the one it was enabled
 *   with, else %DECK_DEFAULT_CLUSTER_USER
 */
const char *
deck_context_get_cluster_user (DeckContext      *self,
                               DeckOrganization *organization)
{
  const char *user;

  g_return_val_if_fail (DECK_IS_CONTEXT (self), NULL);

  user = organization != NULL ? deck_organization_get_cluster_user (organization) : NULL;
  return user != NULL ? user : DECK_DEFAULT_CLUSTER_USER;
}

/* Pending changes and history ------------------------------------------------ */

/**
 * deck_context_get_pending:
 * @self: a context
 *
 * The pending changes, read from their file the first time. A problem with
 * the file (set aside, unreadable, newer) is deck_pending_get_problem()'s.
 * They are not saved by themselves: the window turns autosave on
 * (deck_pending_set_autosave()), the command line saves when it means to.
 *
 * Returns: (transfer none): the pending changes
 */
DeckPending *
deck_context_get_pending (DeckContext *self)
{
  g_return_val_if_fail (DECK_IS_CONTEXT (self), NULL);

  if (self->pending == NULL)
    {
      g_autoptr(GError) error = NULL;

      self->pending = deck_pending_new (NULL);
      if (!deck_pending_load (self->pending, &error))
        g_debug ("The pending changes: %s", error->message);
    }
  return self->pending;
}

/**
 * deck_context_get_history_path:
 * @self: a context
 *
 * Returns: the file of the applied-changes history
 */
const char *
deck_context_get_history_path (DeckContext *self)
{
  g_return_val_if_fail (DECK_IS_CONTEXT (self), NULL);
  return self->history_path;
}

DeckChangeSet *
_deck_context_settle_pending (DeckContext            *self,
                              const DeckApplyResult  *result,
                              GError                **error)
{
  g_autoptr(DeckChangeSet) applied = deck_change_set_new ();
  g_autoptr(GPtrArray) remaining = deck_change_set_dup_changes (result->remaining);
  g_autoptr(GError) save_error = NULL;
  DeckPending *pending = deck_context_get_pending (self);
  DeckChangeSet *changes = deck_pending_get_changes (pending);

  for (guint i = 0; i < result->results->len; i++)
    {
      const DeckApplyOpResult *op = g_ptr_array_index (result->results, i);

      for (guint j = 0; op->changes != NULL && j < op->changes->len; j++)
        {
          const DeckChange *change = g_ptr_array_index (op->changes, j);

          if (deck_change_set_lookup (result->remaining, change->instance_id, change->peer,
                                      change->database, change->table) != NULL)
            continue;
          deck_change_set_add_change (applied, change);
          deck_change_set_remove (changes, change->instance_id, change->peer, change->database,
                                  change->table);
        }
    }
  for (guint i = 0; i < remaining->len; i++)
    deck_change_set_add_change (changes, g_ptr_array_index (remaining, i));

  /* At once, under the file's lock: what another process staged meanwhile
   * is merged in and stays. */
  if (!deck_pending_save (pending, &save_error))
    {
      g_warning ("The pending changes could not be saved: %s", save_error->message);
      g_propagate_error (error, g_steal_pointer (&save_error));
    }
  return g_steal_pointer (&applied);
}

static void
on_history_appended (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!deck_history_append_finish (result, &error))
    {
      g_warning ("The history could not be written: %s", error->message);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
_deck_context_record_history_async (DeckContext           *self,
                                    const DeckApplyResult *result,
                                    GAsyncReadyCallback    callback,
                                    gpointer               user_data)
{
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GTask *task = g_task_new (NULL, NULL, callback, user_data);

  g_task_set_source_tag (task, _deck_context_record_history_async);
  /* The context stays until the history is written. */
  g_task_set_task_data (task, g_object_ref (self), g_object_unref);
  /* The history names instances as people know them (the id of one that
   * is gone). */
  for (guint i = 0; i < result->results->len; i++)
    {
      const DeckApplyOpResult *op = g_ptr_array_index (result->results, i);
      DeckInstance *instance = deck_store_find_instance_by_id (self->store, op->instance_id);

      if (!g_hash_table_contains (names, op->instance_id))
        g_hash_table_insert (names, g_strdup (op->instance_id),
                             g_strdup (instance ? deck_instance_get_name (instance) : op->instance_id));
    }
  deck_history_append_async (self->history_path, result, names, NULL, on_history_appended, task);
}

gboolean
_deck_context_record_history_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Jobs ----------------------------------------------------------------------- */

static gboolean
same_job (DeckJob *a,
          DeckJob *b)
{
  return deck_job_get_kind (a) == deck_job_get_kind (b) &&
         g_strcmp0 (deck_job_get_instance_id (a), deck_job_get_instance_id (b)) == 0 &&
         g_strcmp0 (deck_job_get_peer_id (a), deck_job_get_peer_id (b)) == 0;
}

gboolean
_deck_context_add_job (DeckContext  *self,
                       DeckJob      *job,
                       GError      **error)
{
  guint n_finished = 0;

  g_return_val_if_fail (DECK_IS_CONTEXT (self), FALSE);
  g_return_val_if_fail (self->jobs != NULL, FALSE);

  for (guint i = 0; i < self->jobs->len; i++)
    {
      DeckJob *other = g_ptr_array_index (self->jobs, i);

      if (other != job && same_job (other, job) && !deck_job_is_finished (other))
        {
          g_set_error_literal (error, DECK_JOB_ERROR, DECK_JOB_ERROR_BUSY,
                               deck_job_get_phase (other) != NULL
                               ? deck_job_get_phase (other)
                               : _("The same work is already under way."));
          return FALSE;
        }
    }

  /* The newest job of a kind on the same instances replaces the last one. */
  for (guint i = self->jobs->len; i > 0; i--)
    {
      DeckJob *other = g_ptr_array_index (self->jobs, i - 1);

      if (other == job || (same_job (other, job) && deck_job_is_finished (other)))
        g_ptr_array_remove_index (self->jobs, i - 1);
    }
  g_ptr_array_add (self->jobs, g_object_ref (job));

  for (guint i = self->jobs->len; i > 0; i--)
    if (deck_job_is_finished (g_ptr_array_index (self->jobs, i - 1)) &&
        ++n_finished > MAX_FINISHED_JOBS)
      g_ptr_array_remove_index (self->jobs, i - 1);
  return TRUE;
}

/**
 * deck_context_find_job:
 * @self: a context
 * @instance_id: an instance's id
 * @kind: the kind of job
 *
 * Returns: (nullable) (transfer none): the newest job of @kind that acts
 *   on the instance (running, waiting for a decision, or finished and not
 *   yet forgotten)
 */
DeckJob *
deck_context_find_job (DeckContext *self,
                       const char  *instance_id,
                       DeckJobKind  kind)
{
  g_return_val_if_fail (DECK_IS_CONTEXT (self), NULL);

  for (guint i = self->jobs ? self->jobs->len : 0; i > 0; i--)
    {
      DeckJob *job = g_ptr_array_index (self->jobs, i - 1);

      if (deck_job_get_kind (job) == kind && deck_job_involves (job, instance_id))
        return job;
    }
  return NULL;
}

/**
 * deck_context_list_jobs:
 * @self: a context
 * @instance_id: (nullable): an instance's id, or %NULL for every job
 *
 * Returns: (transfer container) (element-type DeckJob): the jobs that act
 *   on the instance, newest first
 */
GPtrArray *
deck_context_list_jobs (DeckContext *self,
                        const char  *instance_id)
{
  GPtrArray *list = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (DECK_IS_CONTEXT (self), list);

  for (guint i = self->jobs ? self->jobs->len : 0; i > 0; i--)
    {
      DeckJob *job = g_ptr_array_index (self->jobs, i - 1);

      if (instance_id == NULL || deck_job_involves (job, instance_id))
        g_ptr_array_add (list, g_object_ref (job));
    }
  return list;
}

/**
 * deck_context_forget_job:
 * @self: a context
 * @job: a job of the context
 *
 * Drops the context's hold on @job (its outcome was shown). A job that
 * still runs goes on to its end, but is not found any more.
 */
void
deck_context_forget_job (DeckContext *self,
                         DeckJob     *job)
{
  g_return_if_fail (DECK_IS_CONTEXT (self));
  g_return_if_fail (DECK_IS_JOB (job));

  if (self->jobs != NULL)
    g_ptr_array_remove (self->jobs, job);
}
