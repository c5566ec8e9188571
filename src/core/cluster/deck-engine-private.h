/* deck-engine-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the engine implementations (DeckNativeEngine, DeckNatsEngine) share
 * and nobody else uses: the step runner that carries out enable, connect
 * and disconnect, and the helpers their steps call.
 */

#pragma once

#include "deck-engine.h"

G_BEGIN_DECLS

/* The step runner --------------------------------------------------------- */

/**
 * DeckStepResult:
 * @DECK_STEP_NEXT: go on with the next step
 * @DECK_STEP_AGAIN: run this step again, after the pause the step set with
 *   _deck_step_run_again_after() (none by default)
 * @DECK_STEP_DONE: the run succeeded; the steps left are not run
 * @DECK_STEP_REQUEST_FAILED: the step's request failed with the error set:
 *   an error the step accepts lets the run go on; any other ends it, named
 *   after the peer on a %DECK_STEP_ON_PEER step
 * @DECK_STEP_CHECK_FAILED: the answer is not what the run needs; the run
 *   ends with the error set, as it is
 */
typedef enum
{
  DECK_STEP_NEXT,
  DECK_STEP_AGAIN,
  DECK_STEP_DONE,
  DECK_STEP_REQUEST_FAILED,
  DECK_STEP_CHECK_FAILED,
} DeckStepResult;

/**
 * DeckStepFlags:
 * @DECK_STEP_DEFAULT: the request goes to the instance itself
 * @DECK_STEP_ON_PEER: the request goes to the peer (_deck_step_run_get_client()
 *   returns it): its errors start with the peer's URL, so that the user
 *   knows which instance answered
 */
typedef enum
{
  DECK_STEP_DEFAULT = 0,
  DECK_STEP_ON_PEER = 1 << 0,
} DeckStepFlags;

typedef struct _DeckStepRun DeckStepRun;

/* Starts the step's request; @callback gets @user_data, as in GIO. */
typedef void           (*DeckStepStart)  (DeckStepRun         *run,
                                          gpointer             data,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
/* Reads the answer (@source and @result are NULL for a step without a
 * request) into the run's data and says how the run goes on. */
typedef DeckStepResult (*DeckStepFinish) (DeckStepRun         *run,
                                          gpointer             data,
                                          GObject             *source,
                                          GAsyncResult        *result,
                                          GError             **error);

/**
 * DeckStep:
 * @name: what the step sends, for debug messages and
 *   _deck_step_run_get_step_name() (an operation name, never a value)
 * @flags: #DeckStepFlags
 * @skip: (nullable): whether the step is left out, asked when its turn
 *   comes (so it may depend on what earlier steps read)
 * @start: (nullable): starts the request; %NULL for a step that only
 *   decides, from what earlier steps read
 * @finish: reads the answer
 * @accept: (nullable): whether a request's error counts as success (a node
 *   that is already gone, for a removal)
 */
typedef struct
{
  const char     *name;
  DeckStepFlags   flags;
  gboolean      (*skip)   (gpointer      data);
  DeckStepStart   start;
  DeckStepFinish  finish;
  gboolean      (*accept) (const GError *error);
} DeckStep;

/**
 * DeckStepList:
 * @name: the run's name ("native connect"): the task's name and the start
 *   of its debug messages
 * @steps: the steps, in order
 * @n_steps: how many
 * @failed: (nullable): called with the run's data just before it returns
 *   an error (to leave a restart monitor's phase at FAILED, say)
 */
typedef struct
{
  const char      *name;
  const DeckStep  *steps;
  guint            n_steps;
  void           (*failed) (gpointer data);
} DeckStepList;

void          _deck_steps_run_async          (DeckEngine          *engine,
                                              const DeckStepList  *list,
                                              gpointer             data,
                                              GDestroyNotify       data_free,
                                              HdbClient           *client,
                                              HdbClient           *peer,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean      _deck_steps_run_finish         (DeckEngine          *engine,
                                              GAsyncResult        *result,
                                              GError             **error);
gpointer      _deck_steps_run_get_data       (GAsyncResult        *result);

DeckEngine   *_deck_step_run_get_engine      (DeckStepRun         *run);
GCancellable *_deck_step_run_get_cancellable (DeckStepRun         *run);
HdbClient    *_deck_step_run_get_client      (DeckStepRun         *run);
const char   *_deck_step_run_get_step_name   (DeckStepRun         *run);
void          _deck_step_run_again_after     (DeckStepRun         *run,
                                              guint                ms);

/* Starts of the requests many steps send, to the instance or, on a
 * %DECK_STEP_ON_PEER step, to the peer. */
void          _deck_step_cluster_status      (DeckStepRun         *run,
                                              gpointer             data,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
void          _deck_step_get_configuration   (DeckStepRun         *run,
                                              gpointer             data,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
void          _deck_step_describe_all        (DeckStepRun         *run,
                                              gpointer             data,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);

/* Helpers the steps use ---------------------------------------------------- */

/* Whether @status is what the caller waits for. */
typedef gboolean (*DeckStatusCheck) (const HdbClusterStatus *status,
                                     gpointer                user_data);

/* The cluster user exists with @password (checked by logging in as it) and
 * the rights it needs, or is created with @role. */
void              _deck_engine_ensure_cluster_user_async  (DeckEngine           *self,
                                                           HdbClient            *client,
                                                           const char           *username,
                                                           const char           *password,
                                                           const char           *role,
                                                           gboolean              need_super_user,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean          _deck_engine_ensure_cluster_user_finish (DeckEngine           *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);
/* Polls cluster_status every @interval_ms until @check says yes or
 * @timeout_ms pass. Returns the last status read (NULL and an error only
 * when none could be read); *satisfied tells whether @check said yes. */
void              _deck_engine_poll_status_async          (DeckEngine           *self,
                                                           HdbClient            *client,
                                                           DeckStatusCheck       check,
                                                           gpointer              check_data,
                                                           guint                 interval_ms,
                                                           guint                 timeout_ms,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
HdbClusterStatus *_deck_engine_poll_status_finish         (DeckEngine           *self,
                                                           GAsyncResult         *result,
                                                           gboolean             *satisfied,
                                                           GError              **error);
/* A pause that ends early (with G_IO_ERROR_CANCELLED) when cancelled. */
void              _deck_engine_sleep_async                (DeckEngine           *self,
                                                           guint                 ms,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean          _deck_engine_sleep_finish               (DeckEngine           *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);
gboolean          _deck_engine_error_is_missing_node      (const GError         *error);
char             *_deck_engine_url_host                   (const char           *url);
void              _deck_engine_prefix_peer_error          (GError              **error,
                                                           HdbClient            *peer);

/* Enabling: the steps both engines take ------------------------------------ */

/**
 * DeckEnable:
 * @client: the instance
 * @monitor: its restart monitor, which the UI follows
 * @cluster_user: the cluster user's name
 * @cluster_password: its password (wiped when freed)
 * @node_name: the node name to enable
 * @role: (nullable): the cluster user's role, once known
 * @need_super_user: the cluster user must be a super user (native)
 * @check_node_name: whether a cluster_status reports the engine running
 *   with a node name (given as user data)
 * @not_running: (nullable): the message for a restarted instance whose
 *   status shows the engine not running at all (%NULL: the node name's
 *   message says it)
 * @verify_interval_ms: how often cluster_status is read after the restart
 * @verify_timeout_ms: and for how long
 * @configured: the configuration already says what the request asks
 * @writing: the monitor shows WRITING_CONFIGURATION
 *
 * The first member of an engine's enable data, for the steps below.
 */
typedef struct
{
  HdbClient          *client;
  DeckRestartMonitor *monitor;
  char               *cluster_user;
  char               *cluster_password;
  char               *node_name;
  char               *role;
  gboolean            need_super_user;
  DeckStatusCheck     check_node_name;
  const char       *(*not_running) (const HdbClusterStatus *status);
  guint               verify_interval_ms;
  guint               verify_timeout_ms;
  gboolean            configured;
  gboolean            writing;
} DeckEnable;

void           _deck_enable_init              (DeckEnable              *enable,
                                               HdbClient               *client,
                                               DeckRestartMonitor      *monitor,
                                               const DeckEnableRequest *request,
                                               DeckStatusCheck          check_node_name);
void           _deck_enable_clear             (DeckEnable              *enable);
/* The run's failed hook: leaves no phase at WRITING_CONFIGURATION. */
void           _deck_enable_failed            (gpointer                 enable);
/* Skips: the configuration does not say it already. */
gboolean       _deck_enable_not_configured    (gpointer                 enable);
/* The user, the name and the password are given. */
gboolean       _deck_enable_check_user        (DeckEnable              *enable,
                                               GError                 **error);

void           _deck_enable_ensure_user       (DeckStepRun             *run,
                                               gpointer                 enable,
                                               GAsyncReadyCallback      callback,
                                               gpointer                 user_data);
DeckStepResult _deck_enable_user_ready        (DeckStepRun             *run,
                                               gpointer                 enable,
                                               GObject                 *source,
                                               GAsyncResult            *result,
                                               GError                 **error);
/* cluster_status: already running with this node name ends the run. */
DeckStepResult _deck_enable_status_read       (DeckStepRun             *run,
                                               gpointer                 enable,
                                               GObject                 *source,
                                               GAsyncResult            *result,
                                               GError                 **error);
/* set_configuration with @settings (the phase says so). */
void           _deck_enable_write             (DeckStepRun             *run,
                                               DeckEnable              *enable,
                                               JsonObject              *settings,
                                               GAsyncReadyCallback      callback,
                                               gpointer                 user_data);
DeckStepResult _deck_enable_written           (DeckStepRun             *run,
                                               gpointer                 enable,
                                               GObject                 *source,
                                               GAsyncResult            *result,
                                               GError                 **error);
/* restart, followed by the monitor to its end. */
void           _deck_enable_restart           (DeckStepRun             *run,
                                               gpointer                 enable,
                                               GAsyncReadyCallback      callback,
                                               gpointer                 user_data);
DeckStepResult _deck_enable_restarted         (DeckStepRun             *run,
                                               gpointer                 enable,
                                               GObject                 *source,
                                               GAsyncResult            *result,
                                               GError                 **error);
/* cluster_status until the engine runs with the node name. */
void           _deck_enable_wait_node_name    (DeckStepRun             *run,
                                               gpointer                 enable,
                                               GAsyncReadyCallback      callback,
                                               gpointer                 user_data);
DeckStepResult _deck_enable_verified          (DeckStepRun             *run,
                                               gpointer                 enable,
                                               GObject                 *source,
                                               GAsyncResult            *result,
                                               GError                 **error);

/* The two nodes a connect or disconnect is about -------------------------- */

/**
 * DeckLinkCase:
 * @DECK_LINK_CONNECT_HERE: connecting, this instance is not enabled
 * @DECK_LINK_CONNECT_PEER: connecting, the peer is not enabled
 * @DECK_LINK_DISCONNECT: disconnecting, one of them is not enabled
 */
typedef enum
{
  DECK_LINK_CONNECT_HERE,
  DECK_LINK_CONNECT_PEER,
  DECK_LINK_DISCONNECT,
} DeckLinkCase;

/**
 * DeckLinkKind:
 * @engine: %HDB_ENGINE_NATIVE or %HDB_ENGINE_NATS
 * @is_enabled: whether the engine's clustering runs on the node of a status
 * @not_enabled: the message of %DECK_ENGINE_ERROR_NOT_ENABLED for the
 *   instance at @url
 * @link_interval_ms: how often cluster_status is read until a new link is up
 * @link_timeout_ms: and for how long
 * @gone_interval_ms: how often it is read until a removed node is forgotten
 * @gone_timeout_ms: and for how long
 *
 * What the shared steps of an engine's connect and disconnect need to know
 * about the engine.
 */
typedef struct
{
  HdbEngine   engine;
  gboolean  (*is_enabled)  (const HdbClusterStatus *status);
  char     *(*not_enabled) (const char             *url,
                            DeckLinkCase            link_case);
  guint       link_interval_ms;
  guint       link_timeout_ms;
  guint       gone_interval_ms;
  guint       gone_timeout_ms;
} DeckLinkKind;

/**
 * DeckLink:
 * @kind: the engine's #DeckLinkKind
 * @client: the instance
 * @peer_client: (nullable): the peer; %NULL for a node outside the
 *   organization (disconnect then removes this side only)
 * @own_name: (nullable): the instance's node name, until it is read
 * @peer_name: (nullable): the peer's node name, until it is read
 * @connecting: a connect (the node names are always read, and must differ)
 *
 * The first member of the run's data of a connect or a disconnect, so that
 * the steps below serve both engines.
 */
typedef struct
{
  const DeckLinkKind *kind;
  HdbClient          *client;
  HdbClient          *peer_client;
  char               *own_name;
  char               *peer_name;
  gboolean            connecting;
} DeckLink;

void           _deck_link_init                (DeckLink            *link,
                                               const DeckLinkKind  *kind,
                                               HdbClient           *client,
                                               HdbClient           *peer_client,
                                               const char          *own_name,
                                               const char          *peer_name,
                                               gboolean             connecting);
void           _deck_link_clear               (DeckLink            *link);

/* Skips: the name is known already; there is no peer client. */
gboolean       _deck_link_own_name_known      (gpointer             link);
gboolean       _deck_link_peer_name_known     (gpointer             link);
gboolean       _deck_link_without_peer        (gpointer             link);

/* After _deck_step_cluster_status on the instance (on the peer): the
 * engine runs there, and its node name (connecting: different from the
 * instance's). */
DeckStepResult _deck_link_name_read           (DeckStepRun         *run,
                                               gpointer             link,
                                               GObject             *source,
                                               GAsyncResult        *result,
                                               GError             **error);

/* remove_node of the peer on the instance (of the instance on the peer). */
void           _deck_link_remove_on_own       (DeckStepRun         *run,
                                               gpointer             link,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
void           _deck_link_remove_on_peer      (DeckStepRun         *run,
                                               gpointer             link,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
DeckStepResult _deck_link_removed             (DeckStepRun         *run,
                                               gpointer             link,
                                               GObject             *source,
                                               GAsyncResult        *result,
                                               GError             **error);

/* cluster_status until the instance (the peer) no longer lists the other. */
void           _deck_link_wait_own_forgotten  (DeckStepRun         *run,
                                               gpointer             link,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
void           _deck_link_wait_peer_forgotten (DeckStepRun         *run,
                                               gpointer             link,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
DeckStepResult _deck_link_own_forgotten       (DeckStepRun         *run,
                                               gpointer             link,
                                               GObject             *source,
                                               GAsyncResult        *result,
                                               GError             **error);
DeckStepResult _deck_link_peer_forgotten      (DeckStepRun         *run,
                                               gpointer             link,
                                               GObject             *source,
                                               GAsyncResult        *result,
                                               GError             **error);

/* cluster_status on the instance until its link to the peer is up; the
 * engine's own finish says what is missing when it is not. */
void           _deck_link_wait_linked         (DeckStepRun         *run,
                                               gpointer             link,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);

G_END_DECLS
