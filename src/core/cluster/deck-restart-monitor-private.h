/* deck-restart-monitor-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the two halves of DeckRestartMonitor: the object (properties,
 * phases, messages, how a run ends: deck-restart-monitor.c) and its requests
 * (recording who answers, sending the restart, polling, verifying:
 * deck-restart-poll.c). The judgement itself is deck-restart-judge.c.
 */

#pragma once

#include "deck-restart-judge.h"
#include "deck-restart-monitor.h"
#include "hdb-process-info.h"

G_BEGIN_DECLS

#define DECK_RESTART_RECORD_TIMEOUT_MS 8000   /* who answers before the restart */
#define DECK_RESTART_POLL_TIMEOUT_MS   2000   /* one poll request */
#define DECK_RESTART_PROCESS_TIMEOUT_MS 5000  /* a poll that asks for the process */
#define DECK_RESTART_PROBE_TIMEOUT_MS  1000   /* one connection attempt */
#define DECK_RESTART_TICK_MS           200    /* "elapsed" is notified at least this often */
#define DECK_RESTART_FAILING_INTERVAL_MS 50   /* between polls once the server stopped answering:
                                               * a refused connection costs nothing, and the
                                               * instance is seen back within this of answering
                                               * again */
#define DECK_RESTART_VERIFY_INTERVAL_MS 250

typedef struct _DeckRestartCall DeckRestartCall;
typedef struct _DeckRestartAhead DeckRestartAhead;

struct _DeckRestartMonitor
{
  GObject           parent_instance;

  HdbClient        *client;
  char             *name;
  DeckRestartPhase  phase;
  char             *message;
  double            elapsed;
  guint             timeout_ms;

  /* What the caller wrote before this restart, and how to undo it by hand
   * (deck_restart_monitor_set_written()); said when the restart fails. */
  char             *written;
  char             *undo;

  /* The running run or keep_waiting; NULL while idle. */
  GTask            *task;
  GSource          *cancel_source;
  DeckRestartCall  *call;            /* the request in flight: at most one */
  guint             poll_source;
  guint             tick_source;
  guint             deadline_source;

  /* What is known about the restart. Kept after a timeout: keep_waiting
   * judges the instance against the same "before". */
  DeckRestartKind      kind;
  DeckRestartEvidence  evidence;
  DeckRestartSign      sign;         /* why the last verdict was given */
  char                *job_id;
  gint64               sent_time;    /* monotonic µs; 0 until the request went out */
  gint64               reply_time;
  gint64               back_time;
  guint                n_polls;
  gboolean             failing;      /* the last request failed */
  gboolean             answering_old; /* answers, but as the server from before */
  gboolean             job_running;
  gboolean             job_done;
  gboolean             timed_out;    /* the last wait ended with a timeout */
  char                *last_error;   /* the last failure, a sentence */
  const char          *last_reason;  /* the same in a few words */
  gboolean             heard;        /* a poll came back since the restart */

  /* Who answers, asked before the run (deck_restart_monitor_record_ahead()):
   * the next run takes it instead of asking again. */
  DeckRestartAhead    *ahead;        /* the request in flight */
  gboolean             ahead_waited; /* a run waits for its answer */
  HdbProcessInfo      *ahead_info;   /* its answer, not used yet: one of the two */
  GError              *ahead_error;
  gint64               ahead_time;   /* monotonic µs of the answer */
};

/* deck-restart-monitor.c */
void     _deck_restart_monitor_set_phase      (DeckRestartMonitor *self,
                                               DeckRestartPhase    phase);
void     _deck_restart_monitor_set_message    (DeckRestartMonitor *self,
                                               const char         *message);
void     _deck_restart_monitor_update_elapsed (DeckRestartMonitor *self);
void     _deck_restart_monitor_update_message (DeckRestartMonitor *self);
void     _deck_restart_monitor_start_tick     (DeckRestartMonitor *self);
void     _deck_restart_monitor_enter_waiting  (DeckRestartMonitor *self);
gboolean _deck_restart_monitor_check_cancelled (DeckRestartMonitor *self);
void     _deck_restart_monitor_finish_done    (DeckRestartMonitor *self);
void     _deck_restart_monitor_finish_failed  (DeckRestartMonitor *self,
                                               DeckRestartError    code,
                                               const char         *message);

/* deck-restart-poll.c */
void     _deck_restart_monitor_record         (DeckRestartMonitor *self);
void     _deck_restart_monitor_schedule_poll  (DeckRestartMonitor *self);
void     _deck_restart_monitor_drop_call      (DeckRestartMonitor *self);
void     _deck_restart_monitor_drop_ahead     (DeckRestartMonitor *self);
void     _deck_restart_monitor_clear_ahead    (DeckRestartMonitor *self);

G_END_DECLS
