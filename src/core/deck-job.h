/* deck-job.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "deck-instance.h"

G_BEGIN_DECLS

#define DECK_JOB_ERROR (deck_job_error_quark ())

/**
 * DeckJobError:
 * @DECK_JOB_ERROR_NO_CLIENT: the login of an instance is not known
 * @DECK_JOB_ERROR_NO_CLUSTER_PASSWORD: the cluster user's password is not known
 * @DECK_JOB_ERROR_NOT_SUPER_USER: the login is not a super user
 * @DECK_JOB_ERROR_NOT_ENABLED: clustering is not enabled on the instance
 * @DECK_JOB_ERROR_PEER_NOT_ENABLED: the peer is not enabled with the same engine
 * @DECK_JOB_ERROR_NOT_SAVED: done on the server, but what the app keeps
 *   (the store, the keyring) could not be written
 * @DECK_JOB_ERROR_PARTIAL: some operations of an apply failed
 * @DECK_JOB_ERROR_BUSY: the same job is already running
 * @DECK_JOB_ERROR_FAILED: anything else
 */
typedef enum
{
  DECK_JOB_ERROR_NO_CLIENT,
  DECK_JOB_ERROR_NO_CLUSTER_PASSWORD,
  DECK_JOB_ERROR_NOT_SUPER_USER,
  DECK_JOB_ERROR_NOT_ENABLED,
  DECK_JOB_ERROR_PEER_NOT_ENABLED,
  DECK_JOB_ERROR_NOT_SAVED,
  DECK_JOB_ERROR_PARTIAL,
  DECK_JOB_ERROR_BUSY,
  DECK_JOB_ERROR_FAILED,
} DeckJobError;

/**
 * DeckJobKind:
 * @DECK_JOB_KIND_ENABLE: #DeckEnableJob
 * @DECK_JOB_KIND_CONNECT: #DeckConnectJob
 * @DECK_JOB_KIND_DISCONNECT: #DeckDisconnectJob
 * @DECK_JOB_KIND_APPLY: #DeckApplyJob
 */
typedef enum
{
  DECK_JOB_KIND_ENABLE,
  DECK_JOB_KIND_CONNECT,
  DECK_JOB_KIND_DISCONNECT,
  DECK_JOB_KIND_APPLY,
} DeckJobKind;

/**
 * DeckJobState:
 * @DECK_JOB_STATE_IDLE: not started
 * @DECK_JOB_STATE_RUNNING: working
 * @DECK_JOB_STATE_PREPARED: its first step is done and it waits for the
 *   caller's decision (a connect job that found missing tables; an apply
 *   job whose plan is read)
 * @DECK_JOB_STATE_SUCCEEDED: done
 * @DECK_JOB_STATE_FAILED: ended with #DeckJob:error
 * @DECK_JOB_STATE_CANCELLED: cancelled by deck_job_cancel() or because its
 *   context went away
 */
typedef enum
{
  DECK_JOB_STATE_IDLE,
  DECK_JOB_STATE_RUNNING,
  DECK_JOB_STATE_PREPARED,
  DECK_JOB_STATE_SUCCEEDED,
  DECK_JOB_STATE_FAILED,
  DECK_JOB_STATE_CANCELLED,
} DeckJobState;

#define DECK_TYPE_JOB_KIND  (deck_job_kind_get_type ())
#define DECK_TYPE_JOB_STATE (deck_job_state_get_type ())

GType    deck_job_kind_get_type  (void) G_GNUC_CONST;
GType    deck_job_state_get_type (void) G_GNUC_CONST;
GQuark   deck_job_error_quark    (void);

#define DECK_TYPE_JOB (deck_job_get_type ())

G_DECLARE_DERIVABLE_TYPE (DeckJob, deck_job, DECK, JOB, GObject)

/* The context (deck-context.h) includes this header. */
typedef struct _DeckContext DeckContext;

struct _DeckJobClass
{
  GObjectClass parent_class;

  DeckJobKind kind;

  /* Starts the job's work (the state is RUNNING already). */
  void (*run) (DeckJob *self);
};

DeckJobKind   deck_job_get_kind        (DeckJob     *self);
DeckContext  *deck_job_get_context     (DeckJob     *self);
DeckInstance *deck_job_get_instance    (DeckJob     *self);
DeckInstance *deck_job_get_peer        (DeckJob     *self);
const char   *deck_job_get_instance_id (DeckJob     *self);
const char   *deck_job_get_peer_id     (DeckJob     *self);
gboolean      deck_job_involves        (DeckJob     *self,
                                        const char  *instance_id);
DeckJobState  deck_job_get_state       (DeckJob     *self);
gboolean      deck_job_is_finished     (DeckJob     *self);
const char   *deck_job_get_phase       (DeckJob     *self);
const GError *deck_job_get_error       (DeckJob     *self);

gboolean      deck_job_start           (DeckJob     *self,
                                        GError     **error);
void          deck_job_cancel          (DeckJob     *self);

G_END_DECLS
