/* deck-restart-judge.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * DeckRestartSnapshot:
 * @pid: the main process, 0 when not known
 * @started: its start, seconds since the epoch, 0 when not known
 * @threads: (element-type gint64) (nullable): worker thread ids, %NULL when
 *   not known
 *
 * Who answered one request (an #HdbProcessInfo, as far as it was asked for).
 */
typedef struct
{
  gint64  pid;
  gint64  started;
  GArray *threads;
} DeckRestartSnapshot;

/**
 * DeckRestartEvidence:
 * @before: who answered before the restart was sent
 * @refused: since the restart was accepted, a connection to the port was
 *   refused: nothing listened there for a moment
 * @failed: since the restart was accepted, a request failed in another way
 *   (no answer in time, a broken connection, a 5xx)
 *
 * What the monitor knows about one restart besides the latest answer.
 */
typedef struct
{
  DeckRestartSnapshot before;
  gboolean            refused;
  gboolean            failed;
} DeckRestartEvidence;

/**
 * DeckRestartVerdict:
 * @DECK_RESTART_VERDICT_NOT_YET: the answer came from the server as it was
 *   before the restart, or from one half-way
 * @DECK_RESTART_VERDICT_ASK_PROCESS: the threads cannot tell: ask again with
 *   the process identity
 * @DECK_RESTART_VERDICT_BACK: the restart happened and this is the new server
 */
typedef enum
{
  DECK_RESTART_VERDICT_NOT_YET,
  DECK_RESTART_VERDICT_ASK_PROCESS,
  DECK_RESTART_VERDICT_BACK,
} DeckRestartVerdict;

/**
 * DeckRestartSign:
 * @DECK_RESTART_SIGN_NONE: nothing to go by yet
 * @DECK_RESTART_SIGN_NO_WORKERS: the answer lists no worker at all (a server
 *   in between)
 * @DECK_RESTART_SIGN_SAME_PROCESS: the main process from before answers
 *   with a worker from before
 * @DECK_RESTART_SIGN_OLD_WORKERS: old and new workers answer side by side (a
 *   rolling restart half-way), or only old ones
 * @DECK_RESTART_SIGN_NEW_PROCESS: another main process answers (Harper 4.5+)
 * @DECK_RESTART_SIGN_NEW_WORKERS: none of the workers from before is left
 *   (Harper 4.4)
 * @DECK_RESTART_SIGN_LISTENING_AGAIN: the port refused connections, and now
 *   answers
 * @DECK_RESTART_SIGN_ANSWERS_AFTER_FAILING: no identity to compare: an answer
 *   after a failed request (the old rule, for a server that names neither its
 *   process nor its threads)
 *
 * Why a verdict was given, for the messages and the log.
 */
typedef enum
{
  DECK_RESTART_SIGN_NONE,
  DECK_RESTART_SIGN_NO_WORKERS,
  DECK_RESTART_SIGN_SAME_PROCESS,
  DECK_RESTART_SIGN_OLD_WORKERS,
  DECK_RESTART_SIGN_NEW_PROCESS,
  DECK_RESTART_SIGN_NEW_WORKERS,
  DECK_RESTART_SIGN_LISTENING_AGAIN,
  DECK_RESTART_SIGN_ANSWERS_AFTER_FAILING,
} DeckRestartSign;

/* Two readings of `started` for the same process may differ by a second. */
#define DECK_RESTART_STARTED_SLACK 2

DeckRestartVerdict deck_restart_judge            (const DeckRestartEvidence *evidence,
                                                  const DeckRestartSnapshot *now,
                                                  DeckRestartSign           *sign);
const char        *deck_restart_sign_to_string   (DeckRestartSign            sign);
void               deck_restart_snapshot_clear   (DeckRestartSnapshot       *snapshot);
void               deck_restart_snapshot_take    (DeckRestartSnapshot       *snapshot,
                                                  gint64                     pid,
                                                  gint64                     started,
                                                  GArray                    *threads);
char              *deck_restart_snapshot_describe (const DeckRestartSnapshot *snapshot);

G_END_DECLS
