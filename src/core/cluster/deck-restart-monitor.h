/* deck-restart-monitor.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hdb-client.h"

G_BEGIN_DECLS

#define DECK_RESTART_ERROR (deck_restart_error_quark ())

typedef enum
{
  DECK_RESTART_ERROR_TIMEOUT,      /* not back within the timeout; keep_waiting may follow */
  DECK_RESTART_ERROR_REFUSED,      /* the restart request itself failed (HdbError in message) */
  DECK_RESTART_ERROR_NOT_VERIFIED, /* back, but the check after the restart failed */
} DeckRestartError;

/**
 * DeckRestartPhase:
 * @DECK_RESTART_PHASE_IDLE: nothing running
 * @DECK_RESTART_PHASE_WRITING_CONFIGURATION: set by the caller (an engine) before the restart
 * @DECK_RESTART_PHASE_RESTARTING: the restart request is being sent
 * @DECK_RESTART_PHASE_WAITING: waiting for the instance to answer again
 * @DECK_RESTART_PHASE_VERIFYING: it answers; checking that the restart took (threads, user_info)
 * @DECK_RESTART_PHASE_DONE: back and verified
 * @DECK_RESTART_PHASE_FAILED: gave up, or the restart was refused
 */
typedef enum
{
  DECK_RESTART_PHASE_IDLE,
  DECK_RESTART_PHASE_WRITING_CONFIGURATION,
  DECK_RESTART_PHASE_RESTARTING,
  DECK_RESTART_PHASE_WAITING,
  DECK_RESTART_PHASE_VERIFYING,
  DECK_RESTART_PHASE_DONE,
  DECK_RESTART_PHASE_FAILED,
} DeckRestartPhase;

/**
 * DeckRestartKind:
 * @DECK_RESTART_KIND_RESTART: the `restart` operation
 * @DECK_RESTART_KIND_HTTP_WORKERS: `restart_service` `http_workers`
 * @DECK_RESTART_KIND_CLUSTERING_CONFIG: `restart_service` `clustering_config` (NATS)
 */
typedef enum
{
  DECK_RESTART_KIND_RESTART,
  DECK_RESTART_KIND_HTTP_WORKERS,
  DECK_RESTART_KIND_CLUSTERING_CONFIG,
} DeckRestartKind;

#define DECK_TYPE_RESTART_PHASE (deck_restart_phase_get_type ())

GType       deck_restart_phase_get_type (void) G_GNUC_CONST;
const char *deck_restart_phase_describe (DeckRestartPhase phase);

#define DECK_TYPE_RESTART_MONITOR (deck_restart_monitor_get_type ())

G_DECLARE_FINAL_TYPE (DeckRestartMonitor, deck_restart_monitor, DECK, RESTART_MONITOR, GObject)

GQuark              deck_restart_error_quark          (void);

DeckRestartMonitor *deck_restart_monitor_new          (HdbClient          *client);
HdbClient          *deck_restart_monitor_get_client   (DeckRestartMonitor *self);
/* "name": what the messages call the instance (default: host:port of the
 * client's URL). */
const char         *deck_restart_monitor_get_name     (DeckRestartMonitor *self);
void                deck_restart_monitor_set_name     (DeckRestartMonitor *self,
                                                       const char         *name);
/* Properties, all notify: "phase", "elapsed" (seconds since the restart was
 * sent, updated at least every 250 ms while running), "message" (what is
 * known, in plain words), "timeout" (ms, default 120000). */
DeckRestartPhase    deck_restart_monitor_get_phase    (DeckRestartMonitor *self);
void                deck_restart_monitor_set_phase    (DeckRestartMonitor *self,
                                                       DeckRestartPhase    phase);
double              deck_restart_monitor_get_elapsed  (DeckRestartMonitor *self);
const char         *deck_restart_monitor_get_message  (DeckRestartMonitor *self);
guint               deck_restart_monitor_get_timeout  (DeckRestartMonitor *self);
void                deck_restart_monitor_set_timeout  (DeckRestartMonitor *self,
                                                       guint               timeout_ms);

/* What was written before the restart and how to undo it by hand: a
 * restart that fails says so (see the .c file). */
void                deck_restart_monitor_set_written  (DeckRestartMonitor *self,
                                                       const char         *written,
                                                       const char         *undo);
const char         *deck_restart_monitor_get_written  (DeckRestartMonitor *self);

/* Asks who answers now, for the next run: a caller with steps to do before
 * the restart (writing the configuration) saves Harper's slow answer
 * (system_information, ~200 ms) from the wait. Harmless if no run follows;
 * ignored while a run is on or one is asked already. A run that starts
 * before the answer waits for it (within its own timeout); an answer older
 * than 30 s is not used. */
void                deck_restart_monitor_record_ahead (DeckRestartMonitor *self);
/* Whether an answer asked ahead is there for the next run */
gboolean            deck_restart_monitor_get_recorded_ahead (DeckRestartMonitor *self);

/* Records who answers (main process and worker threads), sends the restart,
 * then polls /health and the worker threads with backoff (first poll within
 * 250 ms) until the evidence shows the restarted server (deck-restart-judge.h:
 * a new process, only new workers, or an answer after the port refused
 * connections) and user_info succeeds. */
void                deck_restart_monitor_run_async    (DeckRestartMonitor  *self,
                                                       DeckRestartKind      kind,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean            deck_restart_monitor_run_finish   (DeckRestartMonitor  *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
/* After DECK_RESTART_ERROR_TIMEOUT: wait (WAITING/VERIFYING) for another
 * timeout period without sending a new restart. */
void                deck_restart_monitor_keep_waiting_async  (DeckRestartMonitor  *self,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
gboolean            deck_restart_monitor_keep_waiting_finish (DeckRestartMonitor  *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);

G_END_DECLS
