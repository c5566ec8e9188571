/* deck-job.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A piece of work on one or two instances that outlives whoever started it
 * (a page, a dialog, a command): it owns its cancellable, says where it is
 * through properties (state, phase, error) and tells when it ends with
 * ::finished. Its context keeps it, running and for a while after, so that
 * a page the user comes back to finds it again (deck_context_find_job()).
 *
 * This is the base of DeckEnableJob, DeckConnectJob, DeckDisconnectJob and
 * DeckApplyJob; each of them does its work in run() and the steps that may
 * follow, and ends it with _deck_job_succeed() or _deck_job_fail().
 */

#define G_LOG_DOMAIN "deck-job"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "deck-context-private.h"
#include "deck-job-private.h"

typedef struct
{
  DeckContext  *context;        /* weak: the context owns the job */
  DeckInstance *instance;       /* owned; NULL for an apply of removed instances */
  DeckInstance *peer;           /* owned; NULL but for a connect or disconnect */
  char         *instance_id;
  char         *peer_id;
  GPtrArray    *involved;       /* instance ids, the two above first */
  DeckJobState  state;
  char         *phase;
  GError       *error;
  GCancellable *cancellable;    /* owned */
} DeckJobPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (DeckJob, deck_job, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (DeckJobKind, deck_job_kind,
  G_DEFINE_ENUM_VALUE (DECK_JOB_KIND_ENABLE, "enable"),
  G_DEFINE_ENUM_VALUE (DECK_JOB_KIND_CONNECT, "connect"),
  G_DEFINE_ENUM_VALUE (DECK_JOB_KIND_DISCONNECT, "disconnect"),
  G_DEFINE_ENUM_VALUE (DECK_JOB_KIND_APPLY, "apply"))

G_DEFINE_ENUM_TYPE (DeckJobState, deck_job_state,
  G_DEFINE_ENUM_VALUE (DECK_JOB_STATE_IDLE, "idle"),
  G_DEFINE_ENUM_VALUE (DECK_JOB_STATE_RUNNING, "running"),
  G_DEFINE_ENUM_VALUE (DECK_JOB_STATE_PREPARED, "prepared"),
  G_DEFINE_ENUM_VALUE (DECK_JOB_STATE_SUCCEEDED, "succeeded"),
  G_DEFINE_ENUM_VALUE (DECK_JOB_STATE_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (DECK_JOB_STATE_CANCELLED, "cancelled"))

G_DEFINE_QUARK (deck-job-error-quark, deck_job_error)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_KIND,
  PROP_INSTANCE,
  PROP_PEER,
  PROP_INSTANCE_ID,
  PROP_PEER_ID,
  PROP_STATE,
  PROP_PHASE,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_state (DeckJob      *self,
           DeckJobState  state)
{
  DeckJobPrivate *priv = deck_job_get_instance_private (self);

  if (priv->state == state)
    return;
  priv->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
finish (DeckJob      *self,
        DeckJobState  state,
        GError       *error)
{
  DeckJobPrivate *priv = deck_job_get_instance_private (self);
  /* Alive until the end, whatever the signal handlers drop. */
  g_autoptr(DeckJob) hold G_GNUC_UNUSED = g_object_ref (self);

  g_clear_error (&priv->error);
  priv->error = error;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
  set_state (self, state);
  {
    g_autofree char *kind = g_enum_to_string (DECK_TYPE_JOB_KIND, deck_job_get_kind (self));
    g_autofree char *state_name = g_enum_to_string (DECK_TYPE_JOB_STATE, state);

    g_debug ("%s job on %s%s%s: %s%s%s", kind, priv->instance_id,
             priv->peer_id ? " and " : "", priv->peer_id ? priv->peer_id : "",
             state_name, error ? ": " : "", error ? error->message : "");
  }
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
}

static void
deck_job_constructed (GObject *object)
{
  DeckJob *self = DECK_JOB (object);
  DeckJobPrivate *priv = deck_job_get_instance_private (self);

  G_OBJECT_CLASS (deck_job_parent_class)->constructed (object);

  /* The ids are the instances' unless given (an apply names instances by
   * id, and one of them may be gone from the store). */
  if (priv->instance_id == NULL && priv->instance != NULL)
    priv->instance_id = g_strdup (deck_instance_get_id (priv->instance));
  if (priv->peer_id == NULL && priv->peer != NULL)
    priv->peer_id = g_strdup (deck_instance_get_id (priv->peer));
  if (priv->instance_id != NULL)
    g_ptr_array_add (priv->involved, g_strdup (priv->instance_id));
  if (priv->peer_id != NULL)
    g_ptr_array_add (priv->involved, g_strdup (priv->peer_id));
}

static void
deck_job_dispose (GObject *object)
{
  DeckJob *self = DECK_JOB (object);
  DeckJobPrivate *priv = deck_job_get_instance_private (self);

  g_clear_weak_pointer (&priv->context);

  G_OBJECT_CLASS (deck_job_parent_class)->dispose (object);
}

static void
deck_job_finalize (GObject *object)
{
  DeckJob *self = DECK_JOB (object);
  DeckJobPrivate *priv = deck_job_get_instance_private (self);

  g_clear_object (&priv->cancellable);
  g_clear_object (&priv->instance);
  g_clear_object (&priv->peer);
  g_clear_pointer (&priv->involved, g_ptr_array_unref);
  g_clear_error (&priv->error);
  g_free (priv->instance_id);
  g_free (priv->peer_id);
  g_free (priv->phase);

  G_OBJECT_CLASS (deck_job_parent_class)->finalize (object);
}

static void
deck_job_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  DeckJob *self = DECK_JOB (object);
  DeckJobPrivate *priv = deck_job_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, priv->context);
      break;
    case PROP_KIND:
      g_value_set_enum (value, deck_job_get_kind (self));
      break;
    case PROP_INSTANCE:
      g_value_set_object (value, priv->instance);
      break;
    case PROP_PEER:
      g_value_set_object (value, priv->peer);
      break;
    case PROP_INSTANCE_ID:
      g_value_set_string (value, priv->instance_id);
      break;
    case PROP_PEER_ID:
      g_value_set_string (value, priv->peer_id);
      break;
    case PROP_STATE:
      g_value_set_enum (value, priv->state);
      break;
    case PROP_PHASE:
      g_value_set_string (value, priv->phase);
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, priv->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_job_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  DeckJob *self = DECK_JOB (object);
  DeckJobPrivate *priv = deck_job_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_set_weak_pointer (&priv->context, g_value_get_object (value));
      break;
    case PROP_INSTANCE:
      priv->instance = g_value_dup_object (value);
      break;
    case PROP_PEER:
      priv->peer = g_value_dup_object (value);
      break;
    case PROP_INSTANCE_ID:
      priv->instance_id = g_value_dup_string (value);
      break;
    case PROP_PEER_ID:
      priv->peer_id = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_job_class_init (DeckJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = deck_job_constructed;
  object_class->dispose = deck_job_dispose;
  object_class->finalize = deck_job_finalize;
  object_class->get_property = deck_job_get_property;
  object_class->set_property = deck_job_set_property;

  /**
   * DeckJob:context:
   *
   * The context that keeps the job (held weakly: the context owns its jobs).
   */
  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, DECK_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, DECK_TYPE_JOB_KIND, DECK_JOB_KIND_ENABLE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * DeckJob:instance: (nullable)
   *
   * The instance the job was started on (an apply: the one of its first
   * change, when it is still in the store).
   */
  properties[PROP_INSTANCE] =
    g_param_spec_object ("instance", NULL, NULL, DECK_TYPE_INSTANCE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * DeckJob:peer: (nullable)
   *
   * The other instance of a connect or disconnect, when it is in the
   * organization.
   */
  properties[PROP_PEER] =
    g_param_spec_object ("peer", NULL, NULL, DECK_TYPE_INSTANCE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * DeckJob:instance-id:
   *
   * The id of the instance the job was started on (#DeckJob:instance's,
   * unless given).
   */
  properties[PROP_INSTANCE_ID] =
    g_param_spec_string ("instance-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * DeckJob:peer-id: (nullable)
   *
   * The other instance of a connect or disconnect, when it is in the
   * organization.
   */
  properties[PROP_PEER_ID] =
    g_param_spec_string ("peer-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, DECK_TYPE_JOB_STATE, DECK_JOB_STATE_IDLE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * DeckJob:phase: (nullable)
   *
   * What the job is doing, in plain words ("Reading the tables…").
   */
  properties[PROP_PHASE] =
    g_param_spec_string ("phase", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * DeckJob:error: (nullable)
   *
   * Why the job failed, once it did.
   */
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DeckJob::finished:
   * @self: the job
   *
   * Emitted when the job ends: succeeded, failed or cancelled (see
   * #DeckJob:state). A job that is taken up again after a failure (Keep
   * Waiting) emits it again when it ends the second time.
   */
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
deck_job_init (DeckJob *self)
{
  DeckJobPrivate *priv = deck_job_get_instance_private (self);

  priv->cancellable = g_cancellable_new ();
  priv->involved = g_ptr_array_new_with_free_func (g_free);
}

/* Public ------------------------------------------------------------------- */

DeckJobKind
deck_job_get_kind (DeckJob *self)
{
  g_return_val_if_fail (DECK_IS_JOB (self), DECK_JOB_KIND_ENABLE);

  return DECK_JOB_GET_CLASS (self)->kind;
}

/**
 * deck_job_get_context:
 * @self: a job
 *
 * Returns: (nullable) (transfer none): its context, %NULL once it is gone
 */
DeckContext *
deck_job_get_context (DeckJob *self)
{
  DeckJobPrivate *priv = deck_job_get_instance_private (self);

  g_return_val_if_fail (DECK_IS_JOB (self), NULL);
  return priv->context;
}

/**
 * deck_job_get_instance:
 * @self: a job
 *
 * Returns: (nullable) (transfer none): the instance it was started on
 */
DeckInstance *
deck_job_get_instance (DeckJob *self)
{
  DeckJobPrivate *priv = deck_job_get_instance_private (self);

  g_return_val_if_fail (DECK_IS_JOB (self), NULL);
  return priv->instance;
}

/**
 * deck_job_get_peer:
 * @self: a job
 *
 * Returns: (nullable) (transfer none): the peer of a connect or disconnect,
 *   when it is an instance of the organization
 */
DeckInstance *
deck_job_get_peer (DeckJob *self)
{
  DeckJobPrivate *priv = deck_job_get_instance_private (self);

  g_return_val_if_fail (DECK_IS_JOB (self), NULL);
  return priv->peer;
}

const char *
deck_job_get_instance_id (DeckJob *self)
{
  DeckJobPrivate *priv = deck_job_get_instance_private (self);

  g_return_val_if_fail (DECK_IS_JOB (self), NULL);
  return priv->instance_id;
}

/**
 * deck_job_get_peer_id:
 * @self: a job
 *
 * Returns: (nullable): the peer instance's id (connect, disconnect)
 */
const char *
deck_job_get_peer_id (DeckJob *self)
{
  DeckJobPrivate *priv = deck_job_get_instance_private (self);

  g_return_val_if_fail (DECK_IS_JOB (self), NULL);
  return priv->peer_id;
}

/**
 * deck_job_involves:
 * @self: a job
 * @instance_id: an instance's id
 *
 * Returns: whether the job acts on the instance (as the one it was started
 *   on, as the peer, or as one of an apply's instances)
 */
gboolean
deck_job_involves (DeckJob    *self,
                   const char *instance_id)
{
  DeckJobPrivate *priv = deck_job_get_instance_private (self);

  g_return_val_if_fail (DECK_IS_JOB (self), FALSE);

  if (instance_id == NULL)
    return FALSE;
  for (guint i = 0; i < priv->involved->len; i++)
    if (g_str_equal (g_ptr_array_index (priv->involved, i), instance_id))
      return TRUE;
  return FALSE;
}

DeckJobState
deck_job_get_state (DeckJob *self)
{
  DeckJobPrivate *priv = deck_job_get_instance_private (self);

  g_return_val_if_fail (DECK_IS_JOB (self), DECK_JOB_STATE_IDLE);
  return priv->state;
}

/**
 * deck_job_is_finished:
 * @self: a job
 *
 * Returns: whether it succeeded, failed or was cancelled
 */
gboolean
deck_job_is_finished (DeckJob *self)
{
  DeckJobPrivate *priv = deck_job_get_instance_private (self);

  g_return_val_if_fail (DECK_IS_JOB (self), FALSE);
  return priv->state == DECK_JOB_STATE_SUCCEEDED || priv->state == DECK_JOB_STATE_FAILED ||
         priv->state == DECK_JOB_STATE_CANCELLED;
}

const char *
deck_job_get_phase (DeckJob *self)
{
  DeckJobPrivate *priv = deck_job_get_instance_private (self);

  g_return_val_if_fail (DECK_IS_JOB (self), NULL);
  return priv->phase;
}

/**
 * deck_job_get_error:
 * @self: a job
 *
 * Returns: (nullable) (transfer none): why it failed
 */
const GError *
deck_job_get_error (DeckJob *self)
{
  DeckJobPrivate *priv = deck_job_get_instance_private (self);

  g_return_val_if_fail (DECK_IS_JOB (self), NULL);
  return priv->error;
}

/**
 * deck_job_start:
 * @self: a job that was not started
 * @error: return location for why it cannot start
 *
 * Hands the job to its context, which keeps it until it is replaced by a
 * newer job of the same kind on the same instances, is forgotten
 * (deck_context_forget_job()) or the context goes, and starts it. The
 * caller may drop its reference: the job goes on.
 *
 * Returns: %FALSE (and %DECK_JOB_ERROR_BUSY) when the same job is already
 *   running, or when the context is gone
 */
gboolean
deck_job_start (DeckJob  *self,
                GError  **error)
{
  DeckJobPrivate *priv = deck_job_get_instance_private (self);

  g_return_val_if_fail (DECK_IS_JOB (self), FALSE);
  g_return_val_if_fail (priv->state == DECK_JOB_STATE_IDLE, FALSE);

  if (priv->context == NULL)
    {
      g_set_error_literal (error, DECK_JOB_ERROR, DECK_JOB_ERROR_FAILED,
                           _("Clusterdeck is shutting down."));
      return FALSE;
    }
  if (!_deck_context_add_job (priv->context, self, error))
    return FALSE;

  set_state (self, DECK_JOB_STATE_RUNNING);
  DECK_JOB_GET_CLASS (self)->run (self);
  return TRUE;
}

/**
 * deck_job_cancel:
 * @self: a job
 *
 * Cancels the job: what is in flight ends with G_IO_ERROR_CANCELLED and the
 * job ends as %DECK_JOB_STATE_CANCELLED (a job that was not started, or
 * that waits for a decision, ends so at once). A finished job stays as it
 * ended.
 */
void
deck_job_cancel (DeckJob *self)
{
  DeckJobPrivate *priv = deck_job_get_instance_private (self);

  g_return_if_fail (DECK_IS_JOB (self));

  if (deck_job_is_finished (self))
    return;
  g_cancellable_cancel (priv->cancellable);
  if (priv->state != DECK_JOB_STATE_RUNNING)
    _deck_job_cancelled (self);
}

/* For the job types ------------------------------------------------------------ */

GCancellable *
_deck_job_get_cancellable (DeckJob *self)
{
  DeckJobPrivate *priv = deck_job_get_instance_private (self);

  return priv->cancellable;
}

void
_deck_job_add_instance_id (DeckJob    *self,
                           const char *instance_id)
{
  DeckJobPrivate *priv = deck_job_get_instance_private (self);

  if (instance_id != NULL && !deck_job_involves (self, instance_id))
    g_ptr_array_add (priv->involved, g_strdup (instance_id));
}

void
_deck_job_set_phase (DeckJob    *self,
                     const char *phase)
{
  DeckJobPrivate *priv = deck_job_get_instance_private (self);

  if (g_strcmp0 (priv->phase, phase) == 0)
    return;
  g_free (priv->phase);
  priv->phase = g_strdup (phase);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PHASE]);
}

void
_deck_job_prepared (DeckJob *self)
{
  DeckJobPrivate *priv = deck_job_get_instance_private (self);

  g_return_if_fail (priv->state == DECK_JOB_STATE_RUNNING);

  /* Cancelled while the last answer was on its way. */
  if (g_cancellable_is_cancelled (priv->cancellable))
    {
      _deck_job_cancelled (self);
      return;
    }
  set_state (self, DECK_JOB_STATE_PREPARED);
}

gboolean
_deck_job_resume (DeckJob  *self,
                  GError  **error)
{
  DeckJobPrivate *priv = deck_job_get_instance_private (self);

  if (priv->state != DECK_JOB_STATE_PREPARED && priv->state != DECK_JOB_STATE_FAILED)
    {
      g_set_error_literal (error, DECK_JOB_ERROR, DECK_JOB_ERROR_BUSY,
                           _("This step cannot be taken now."));
      return FALSE;
    }
  if (priv->context == NULL || g_cancellable_is_cancelled (priv->cancellable))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
      return FALSE;
    }
  g_clear_error (&priv->error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
  set_state (self, DECK_JOB_STATE_RUNNING);
  return TRUE;
}

void
_deck_job_succeed (DeckJob *self)
{
  _deck_job_set_phase (self, NULL);
  finish (self, DECK_JOB_STATE_SUCCEEDED, NULL);
}

void
_deck_job_fail (DeckJob *self,
                GError  *error)
{
  DeckJobPrivate *priv = deck_job_get_instance_private (self);

  g_return_if_fail (error != NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_cancellable_is_cancelled (priv->cancellable))
    finish (self, DECK_JOB_STATE_CANCELLED, error);
  else
    finish (self, DECK_JOB_STATE_FAILED, error);
}

void
_deck_job_cancelled (DeckJob *self)
{
  finish (self, DECK_JOB_STATE_CANCELLED,
          g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled")));
}

/* The reads a job runs side by side keep the first error; the others are
 * dropped. The client's errors do not say which instance they are about:
 * one of the peer's is prefixed with its name. */
void
_deck_job_keep_first_error (GError     **first,
                            GError      *error,
                            const char  *peer_label)
{
  if (error == NULL)
    return;
  if (*first != NULL)
    {
      g_error_free (error);
      return;
    }
  if (peer_label != NULL && error->domain == HDB_ERROR)
    g_prefix_error (&error, "“%s”: ", peer_label);
  *first = error;
}

/* A link is made or undone between two nodes of one engine: clustering
 * must run on the instance, and on the peer (when its server was read)
 * with the same engine. */
gboolean
_deck_job_check_engines (const HdbServerInfo  *info,
                         const char           *name,
                         const HdbServerInfo  *peer_info,
                         const char           *peer_label,
                         GError              **error)
{
  if (info->engine == HDB_ENGINE_NONE || info->engine == HDB_ENGINE_UNKNOWN ||
      info->node_name == NULL)
    {
      g_set_error (error, DECK_JOB_ERROR, DECK_JOB_ERROR_NOT_ENABLED,
                   _("Clustering is not enabled on “%s”."), name);
      return FALSE;
    }
  if (peer_info != NULL && (peer_info->engine != info->engine || peer_info->node_name == NULL))
    {
      g_set_error (error, DECK_JOB_ERROR, DECK_JOB_ERROR_PEER_NOT_ENABLED,
                   _("“%s” is not enabled with the same engine (%s) as “%s”."),
                   peer_label, hdb_engine_to_string (info->engine), name);
      return FALSE;
    }
  return TRUE;
}
