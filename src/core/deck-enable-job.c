/* deck-enable-job.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Enabling clustering on an instance, from the window's form or from
 * `clusterdeck-cli enable`: it reads the server (a super user? enabled
 * already? which version?), chooses the engine, enables through it and
 * follows the restart to its end (DeckRestartMonitor, which the caller
 * watches for the phases), then keeps what the other instances of the
 * organization need: the cluster user's name in the store and its
 * password in the keyring. Keeping them is part of the job: when it fails,
 * the job fails with DECK_JOB_ERROR_NOT_SAVED (the server is enabled).
 *
 * When the restart is not over within the monitor's timeout the job fails
 * with DECK_RESTART_ERROR_TIMEOUT, and deck_enable_job_keep_waiting()
 * takes it up again without restarting.
 */

#define G_LOG_DOMAIN "deck-enable-job"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "deck-enable-job.h"
#include "deck-engine.h"
#include "deck-engine-preflight.h"
#include "deck-job-private.h"
#include "hdb-capabilities.h"
#include "hdb-parse.h"

struct _DeckEnableJob
{
  DeckJob             parent_instance;

  /* Owned */
  DeckInstance       *instance;         /* the job's (borrowed) */
  DeckStore          *store;
  DeckCredentials    *credentials;
  HdbClient          *client;
  DeckEngine         *engine;
  DeckRestartMonitor *restart;
  char               *cluster_user;
  char               *cluster_password;   /* wiped when done */
  char               *node_name;
  gboolean            already_enabled;
};

G_DEFINE_FINAL_TYPE (DeckEnableJob, deck_enable_job, DECK_TYPE_JOB)

enum {
  PROP_0,
  PROP_NODE_NAME,
  PROP_RESTART_MONITOR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * deck_enable_job_choose_engine:
 * @configured: the engine the server's configuration names
 *   (%HDB_ENGINE_NONE when none)
 * @version: the server's Harper version
 *
 * The one place that decides: an instance that is configured keeps its
 * engine; otherwise the one the version runs (hdb-capabilities.h): native
 * replication where it has it, NATS clustering before 4.4. Whether the
 * server can run it is deck_engine_check_version()'s to say.
 *
 * Returns: %HDB_ENGINE_NATIVE or %HDB_ENGINE_NATS, or %HDB_ENGINE_UNKNOWN
 *   when the version runs neither
 */
HdbEngine
deck_enable_job_choose_engine (HdbEngine   configured,
                               const char *version)
{
  if (configured == HDB_ENGINE_NATS || configured == HDB_ENGINE_NATIVE)
    return configured;
  return hdb_capabilities_engine_to_enable (hdb_capabilities_for_version (version));
}

static void
wipe_password (DeckEnableJob *self)
{
  g_clear_pointer (&self->cluster_password, deck_credentials_free_secret);
}

static void
on_monitor_phase (DeckEnableJob      *self,
                  GParamSpec         *pspec,
                  DeckRestartMonitor *monitor)
{
  _deck_job_set_phase (DECK_JOB (self),
                       deck_restart_phase_describe (deck_restart_monitor_get_phase (monitor)));
}

/* Keeping what the organization needs ---------------------------------------- */

static void
saved (DeckEnableJob *self,
       GError        *error)
{
  DeckContext *context = deck_job_get_context (DECK_JOB (self));

  wipe_password (self);
  /* The server is enabled either way: the monitor's next check says so. */
  if (context != NULL)
    deck_instance_monitor_refresh (deck_context_get_monitor (context), self->instance);
  if (error != NULL)
    _deck_job_fail (DECK_JOB (self), error);
  else
    _deck_job_succeed (DECK_JOB (self));
}

static void
on_password_stored (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(DeckEnableJob) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!deck_credentials_store_finish (DECK_CREDENTIALS (source), result, &error))
    {
      saved (self, g_error_new (DECK_JOB_ERROR, DECK_JOB_ERROR_NOT_SAVED,
                                _("Clustering is enabled on “%s”, but the cluster password could "
                                  "not be stored in the keyring: %s"),
                                deck_instance_get_name (self->instance), error->message));
      return;
    }
  saved (self, NULL);
}

static void
save (DeckEnableJob *self)
{
  DeckOrganization *org = deck_store_find_organization (self->store,
                                                        deck_instance_get_organization_id (self->instance));
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;

  _deck_job_set_phase (DECK_JOB (self), _("Keeping the cluster user for the organization"));
  if (org == NULL)
    {
      saved (self, g_error_new (DECK_JOB_ERROR, DECK_JOB_ERROR_NOT_SAVED,
                                _("Clustering is enabled on “%s”, but its organization is gone: "
                                  "the cluster user was not kept."),
                                deck_instance_get_name (self->instance)));
      return;
    }

  /* The other instances of the organization need the same cluster user. */
  if (!deck_store_set_cluster_user (self->store, org, self->cluster_user, &error))
    {
      saved (self, g_error_new (DECK_JOB_ERROR, DECK_JOB_ERROR_NOT_SAVED,
                                _("Clustering is enabled on “%s”, but the cluster user could not "
                                  "be saved: %s"),
                                deck_instance_get_name (self->instance), error->message));
      return;
    }

  /* Translators: %s is an organization's name */
  label = g_strdup_printf (_("Clusterdeck cluster user of “%s”"), deck_organization_get_name (org));
  deck_credentials_store_async (self->credentials, DECK_SECRET_CLUSTER_USER,
                                deck_organization_get_id (org), label, self->cluster_password,
                                NULL, on_password_stored, g_object_ref (self));
}

/* Enabling ------------------------------------------------------------------- */

/* The restart is over (@error is %NULL), or it is not. */
static void
restarted (DeckEnableJob *self,
           GError        *error)
{
  if (error != NULL)
    {
      /* Keep Waiting needs the password to keep it afterwards. */
      if (!g_error_matches (error, DECK_RESTART_ERROR, DECK_RESTART_ERROR_TIMEOUT))
        wipe_password (self);
      _deck_job_fail (DECK_JOB (self), error);
      return;
    }
  save (self);
}

static void
on_enabled (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(DeckEnableJob) self = user_data;
  GError *error = NULL;

  deck_engine_enable_finish (DECK_ENGINE (source), result, &error);
  restarted (self, error);
}

static void
on_kept_waiting (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(DeckEnableJob) self = user_data;
  GError *error = NULL;

  deck_restart_monitor_keep_waiting_finish (DECK_RESTART_MONITOR (source), result, &error);
  restarted (self, error);
}

static void
on_server_info (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DeckEnableJob) self = user_data;
  g_autoptr(HdbServerInfo) info = NULL;
  DeckEnableRequest request = { 0 };
  const char *name = deck_instance_get_name (self->instance);
  GError *error = NULL;
  HdbEngine kind;

  info = hdb_client_server_info_finish (HDB_CLIENT (source), result, &error);
  if (info == NULL)
    {
      _deck_job_fail (DECK_JOB (self), error);
      return;
    }
  if (!info->super_user)
    {
      _deck_job_fail (DECK_JOB (self),
                      g_error_new (DECK_JOB_ERROR, DECK_JOB_ERROR_NOT_SUPER_USER,
                                   _("“%s” is logged in as %s, who is not a super user: Harper "
                                     "lets only super users enable clustering."),
                                   name, info->username));
      return;
    }

  if (info->engine != HDB_ENGINE_NONE && info->engine != HDB_ENGINE_UNKNOWN &&
      !info->restart_pending)
    {
      self->already_enabled = TRUE;
      self->engine = deck_engine_new_for (info->engine);
      g_free (self->node_name);
      self->node_name = g_strdup (info->node_name);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NODE_NAME]);
      wipe_password (self);
      _deck_job_succeed (DECK_JOB (self));
      return;
    }

  /* A server that cannot run the engine is refused before anything is
   * asked or written (e.g. NATS on Harper 4.5+, which ships no nats-server). */
  kind = deck_enable_job_choose_engine (info->engine, info->version);
  if (!deck_engine_check_version (kind != HDB_ENGINE_UNKNOWN ? kind : HDB_ENGINE_NATIVE,
                                  info->version, &error))
    {
      wipe_password (self);
      _deck_job_fail (DECK_JOB (self), error);
      return;
    }
  self->engine = deck_engine_new_for (kind);
  if (self->node_name == NULL)
    self->node_name = deck_engine_suggest_node_name (self->engine, name,
                                                     deck_instance_get_url (self->instance));

  /* Both checked before anything is sent. */
  if (!deck_engine_validate_node_name (self->engine, self->node_name, &error))
    {
      wipe_password (self);
      _deck_job_fail (DECK_JOB (self), error);
      return;
    }
  if (self->cluster_password == NULL || *self->cluster_password == '\0')
    {
      _deck_job_fail (DECK_JOB (self),
                      g_error_new_literal (DECK_JOB_ERROR, DECK_JOB_ERROR_NO_CLUSTER_PASSWORD,
                                           _("No cluster password was given.")));
      return;
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NODE_NAME]);

  /* The restart comes after the cluster user and the configuration are
   * written; who answers before it is asked now, meanwhile (Harper takes
   * ~200 ms to say). */
  deck_restart_monitor_record_ahead (self->restart);
  request.cluster_user = self->cluster_user;
  request.cluster_password = self->cluster_password;
  request.node_name = self->node_name;
  deck_engine_enable_async (self->engine, self->client, &request, self->restart,
                            _deck_job_get_cancellable (DECK_JOB (self)), on_enabled,
                            g_object_ref (self));
}

static void
on_cluster_password (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(DeckEnableJob) self = user_data;
  GError *error = NULL;

  self->cluster_password = deck_credentials_lookup_finish (DECK_CREDENTIALS (source), result, &error);
  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      _deck_job_fail (DECK_JOB (self), error);
      return;
    }
  g_clear_error (&error);
  hdb_client_server_info_async (self->client, _deck_job_get_cancellable (DECK_JOB (self)),
                                on_server_info, g_object_ref (self));
}

static void
deck_enable_job_run (DeckJob *job)
{
  DeckEnableJob *self = DECK_ENABLE_JOB (job);
  DeckContext *context = deck_job_get_context (job);
  DeckOrganization *org = deck_context_get_organization (context, self->instance);

  self->client = deck_context_get_client (context, self->instance);
  if (self->client == NULL)
    {
      _deck_job_fail (job, g_error_new (DECK_JOB_ERROR, DECK_JOB_ERROR_NO_CLIENT,
                                        _("The password of “%s” is not known."),
                                        deck_instance_get_name (self->instance)));
      return;
    }
  g_object_ref (self->client);
  self->store = g_object_ref (deck_context_get_store (context));
  self->credentials = g_object_ref (deck_context_get_credentials (context));
  if (self->cluster_user == NULL)
    self->cluster_user = g_strdup (deck_context_get_cluster_user (context, org));

  self->restart = deck_restart_monitor_new (self->client);
  /* Its messages name the instance as the rest of the app does. */
  deck_restart_monitor_set_name (self->restart, deck_instance_get_name (self->instance));
  g_signal_connect_object (self->restart, "notify::phase", G_CALLBACK (on_monitor_phase), self,
                           G_CONNECT_SWAPPED);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESTART_MONITOR]);

  _deck_job_set_phase (job, _("Reading the instance’s configuration"));
  /* Without a password of its own, the organization's from the keyring
   * (enabling another instance of it). */
  if (self->cluster_password == NULL && org != NULL)
    {
      deck_credentials_lookup_async (self->credentials, DECK_SECRET_CLUSTER_USER,
                                     deck_organization_get_id (org), _deck_job_get_cancellable (job),
                                     on_cluster_password, g_object_ref (self));
      return;
    }
  hdb_client_server_info_async (self->client, _deck_job_get_cancellable (job), on_server_info,
                                g_object_ref (self));
}

/* The type ----------------------------------------------------------------- */

static void
deck_enable_job_finalize (GObject *object)
{
  DeckEnableJob *self = DECK_ENABLE_JOB (object);

  wipe_password (self);
  self->instance = NULL;
  g_clear_object (&self->store);
  g_clear_object (&self->credentials);
  g_clear_object (&self->client);
  g_clear_object (&self->engine);
  g_clear_object (&self->restart);
  g_free (self->cluster_user);
  g_free (self->node_name);

  G_OBJECT_CLASS (deck_enable_job_parent_class)->finalize (object);
}

static void
deck_enable_job_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  DeckEnableJob *self = DECK_ENABLE_JOB (object);

  switch (prop_id)
    {
    case PROP_NODE_NAME:
      g_value_set_string (value, self->node_name);
      break;
    case PROP_RESTART_MONITOR:
      g_value_set_object (value, self->restart);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_enable_job_class_init (DeckEnableJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  DeckJobClass *job_class = DECK_JOB_CLASS (klass);

  object_class->finalize = deck_enable_job_finalize;
  object_class->get_property = deck_enable_job_get_property;
  job_class->kind = DECK_JOB_KIND_ENABLE;
  job_class->run = deck_enable_job_run;

  /**
   * DeckEnableJob:node-name:
   *
   * The node name: the one asked for, the suggested one once the server
   * was read, or the one it has when it was enabled already. It notifies
   * once the server was read, when deck_enable_job_get_engine() is known.
   */
  properties[PROP_NODE_NAME] =
    g_param_spec_string ("node-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * DeckEnableJob:restart-monitor:
   *
   * The restart being followed (its phases, elapsed time and messages), set
   * as soon as the job starts.
   */
  properties[PROP_RESTART_MONITOR] =
    g_param_spec_object ("restart-monitor", NULL, NULL, DECK_TYPE_RESTART_MONITOR,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
deck_enable_job_init (DeckEnableJob *self)
{
}

/**
 * deck_enable_job_new:
 * @context: the context
 * @instance: the instance to enable
 * @cluster_user: (nullable): the cluster user's name; %NULL for the
 *   organization's (or the default)
 * @cluster_password: (nullable): its password; %NULL for the one the keyring
 *   keeps for the organization (the job fails with
 *   %DECK_JOB_ERROR_NO_CLUSTER_PASSWORD when there is none, before sending
 *   anything)
 * @node_name: (nullable): the node name; %NULL for the engine's suggestion
 *
 * Returns: (transfer full): a job, not started (deck_job_start())
 */
DeckEnableJob *
deck_enable_job_new (DeckContext  *context,
                     DeckInstance *instance,
                     const char   *cluster_user,
                     const char   *cluster_password,
                     const char   *node_name)
{
  DeckEnableJob *self;

  g_return_val_if_fail (DECK_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (DECK_IS_INSTANCE (instance), NULL);

  self = g_object_new (DECK_TYPE_ENABLE_JOB,
                       "context", context,
                       "instance", instance,
                       NULL);
  self->instance = instance;
  self->cluster_user = g_strdup (cluster_user);
  self->cluster_password = g_strdup (cluster_password);
  self->node_name = g_strdup (node_name);
  return self;
}

HdbEngine
deck_enable_job_get_engine (DeckEnableJob *self)
{
  g_return_val_if_fail (DECK_IS_ENABLE_JOB (self), HDB_ENGINE_UNKNOWN);
  return self->engine != NULL ? deck_engine_get_kind (self->engine) : HDB_ENGINE_UNKNOWN;
}

const char *
deck_enable_job_get_node_name (DeckEnableJob *self)
{
  g_return_val_if_fail (DECK_IS_ENABLE_JOB (self), NULL);
  return self->node_name;
}

/**
 * deck_enable_job_get_cluster_user:
 * @self: a job
 *
 * Returns: (nullable): the cluster user, once the job started
 */
const char *
deck_enable_job_get_cluster_user (DeckEnableJob *self)
{
  g_return_val_if_fail (DECK_IS_ENABLE_JOB (self), NULL);
  return self->cluster_user;
}

/**
 * deck_enable_job_get_restart_monitor:
 * @self: a job
 *
 * Returns: (nullable) (transfer none): the restart being followed, once the
 *   job started
 */
DeckRestartMonitor *
deck_enable_job_get_restart_monitor (DeckEnableJob *self)
{
  g_return_val_if_fail (DECK_IS_ENABLE_JOB (self), NULL);
  return self->restart;
}

/**
 * deck_enable_job_get_already_enabled:
 * @self: a job
 *
 * Returns: whether the job found clustering enabled already (and did
 *   nothing)
 */
gboolean
deck_enable_job_get_already_enabled (DeckEnableJob *self)
{
  g_return_val_if_fail (DECK_IS_ENABLE_JOB (self), FALSE);
  return self->already_enabled;
}

/**
 * deck_enable_job_is_failed:
 * @self: a job
 *
 * Returns: whether enabling failed on the server; a job that enabled the
 *   instance but could not keep the cluster user in the store or the
 *   keyring (%DECK_JOB_ERROR_NOT_SAVED) did not
 */
gboolean
deck_enable_job_is_failed (DeckEnableJob *self)
{
  g_return_val_if_fail (DECK_IS_ENABLE_JOB (self), FALSE);

  return deck_job_get_state (DECK_JOB (self)) == DECK_JOB_STATE_FAILED &&
         !g_error_matches (deck_job_get_error (DECK_JOB (self)), DECK_JOB_ERROR,
                           DECK_JOB_ERROR_NOT_SAVED);
}

/**
 * deck_enable_job_can_keep_waiting:
 * @self: a job
 *
 * Returns: whether the job failed because the restart was not over in time
 *   (deck_enable_job_keep_waiting() then waits longer)
 */
gboolean
deck_enable_job_can_keep_waiting (DeckEnableJob *self)
{
  g_return_val_if_fail (DECK_IS_ENABLE_JOB (self), FALSE);

  return deck_job_get_state (DECK_JOB (self)) == DECK_JOB_STATE_FAILED &&
         g_error_matches (deck_job_get_error (DECK_JOB (self)), DECK_RESTART_ERROR,
                          DECK_RESTART_ERROR_TIMEOUT);
}

/**
 * deck_enable_job_keep_waiting:
 * @self: a job that can keep waiting (deck_enable_job_can_keep_waiting())
 * @error: return location for why it cannot
 *
 * Waits another timeout period for the restarted instance, without sending
 * a new restart; the job runs again and ends as it would have.
 *
 * Returns: whether the job runs again
 */
gboolean
deck_enable_job_keep_waiting (DeckEnableJob  *self,
                              GError        **error)
{
  g_return_val_if_fail (DECK_IS_ENABLE_JOB (self), FALSE);

  if (!deck_enable_job_can_keep_waiting (self))
    {
      g_set_error_literal (error, DECK_JOB_ERROR, DECK_JOB_ERROR_FAILED,
                           _("The restart is not being waited for."));
      return FALSE;
    }
  if (!_deck_job_resume (DECK_JOB (self), error))
    return FALSE;
  deck_restart_monitor_keep_waiting_async (self->restart, _deck_job_get_cancellable (DECK_JOB (self)),
                                           on_kept_waiting, g_object_ref (self));
  return TRUE;
}
