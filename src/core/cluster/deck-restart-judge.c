/* deck-restart-judge.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The pure part of following a restart: given who answered before the
 * restart, what happened since, and who answers now, is the instance back?
 * No I/O here; tests/unit/test-restart-judge.c feeds it the sequences real
 * servers produced (docs/compatibility.md).
 *
 * Three kinds of evidence, none of them tied to a version:
 *
 * - the process identity (pid and start time): Harper 4.5 and later restart
 *   as a new main process; 4.0 to 4.4 keep theirs. A different process is
 *   back; the same process with a worker from before is not.
 * - the worker threads: 4.0 to 4.4 replace every worker with one of a higher
 *   id. None left from before is back; old and new side by side is a restart
 *   half-way. A new process numbers its workers from 1 again, so its ids may
 *   be the old ones: then only the process can tell.
 * - the port: a refused connection means nothing listened there. Once the
 *   restart was accepted, the old server does not listen again, so whatever
 *   answers after a refusal is the new one (unless it still lists old
 *   workers beside new ones).
 *
 * Reading the process costs Harper up to a second the first time a worker is
 * asked, so it is asked for only when the threads and the port cannot tell
 * (DECK_RESTART_VERDICT_ASK_PROCESS): while the old server still answers (it
 * is warm, and answers fast), or when the refused moment was missed.
 */

#define G_LOG_DOMAIN "deck-restart-judge"

#include "deck-restart-judge.h"

static gboolean
contains (GArray *threads,
          gint64  id)
{
  for (guint i = 0; i < threads->len; i++)
    if (g_array_index (threads, gint64, i) == id)
      return TRUE;
  return FALSE;
}

/* How many of @now's ids were there before. */
static guint
count_old (GArray *before,
           GArray *now)
{
  guint n = 0;

  for (guint i = 0; i < now->len; i++)
    if (contains (before, g_array_index (now, gint64, i)))
      n++;
  return n;
}

static gboolean
same_process (const DeckRestartSnapshot *before,
              const DeckRestartSnapshot *now)
{
  if (before->pid != now->pid)
    return FALSE;
  if (before->started != 0 && now->started != 0 &&
      ABS (before->started - now->started) > DECK_RESTART_STARTED_SLACK)
    return FALSE;
  return TRUE;
}

static DeckRestartVerdict
verdict (DeckRestartVerdict  value,
         DeckRestartSign     reason,
         DeckRestartSign    *sign)
{
  if (sign != NULL)
    *sign = reason;
  return value;
}

/**
 * deck_restart_judge:
 * @evidence: what is known since the restart was sent
 * @now: who answered the latest request (the threads always when the server
 *   lists them; the process only when the previous verdict asked for it)
 * @sign: (out) (optional): why
 *
 * Returns: whether the instance is back, not yet, or cannot be told without
 *   the process identity
 */
DeckRestartVerdict
deck_restart_judge (const DeckRestartEvidence *evidence,
                    const DeckRestartSnapshot *now,
                    DeckRestartSign           *sign)
{
  const DeckRestartSnapshot *before;
  guint n_old = 0;

  g_return_val_if_fail (evidence != NULL && now != NULL, DECK_RESTART_VERDICT_NOT_YET);

  before = &evidence->before;

  /* An answer that lists no worker at all is from a server in between. */
  if (now->threads != NULL && now->threads->len == 0)
    return verdict (DECK_RESTART_VERDICT_NOT_YET, DECK_RESTART_SIGN_NO_WORKERS, sign);

  /* The process tells when both answers name it. */
  if (before->pid != 0 && now->pid != 0 && !same_process (before, now))
    return verdict (DECK_RESTART_VERDICT_BACK, DECK_RESTART_SIGN_NEW_PROCESS, sign);

  if (before->threads != NULL && now->threads != NULL)
    {
      n_old = count_old (before->threads, now->threads);
      if (n_old == 0)
        return verdict (DECK_RESTART_VERDICT_BACK, DECK_RESTART_SIGN_NEW_WORKERS, sign);
      /* Old workers beside new ones: a rolling restart half-way. */
      if (n_old < now->threads->len)
        return verdict (DECK_RESTART_VERDICT_NOT_YET, DECK_RESTART_SIGN_OLD_WORKERS, sign);
    }

  /* The same process, still with a worker from before. */
  if (before->pid != 0 && now->pid != 0)
    return verdict (DECK_RESTART_VERDICT_NOT_YET, DECK_RESTART_SIGN_SAME_PROCESS, sign);

  /* Nothing listened for a moment; now something does, and it lists no
   * mix of old and new workers: the restarted server. */
  if (evidence->refused)
    return verdict (DECK_RESTART_VERDICT_BACK, DECK_RESTART_SIGN_LISTENING_AGAIN, sign);

  /* Only old ids (or none known): the old server, or a new process that
   * numbers its workers as the old one did. */
  if (before->pid != 0)
    return verdict (DECK_RESTART_VERDICT_ASK_PROCESS, DECK_RESTART_SIGN_NONE, sign);

  /* A server that names neither its process nor its threads: an answer
   * after a failure is the best there is; ids not above the old ones are a
   * new process numbering from 1 again. */
  if (evidence->failed)
    {
      gint64 max_before = -1;
      gint64 max_now = -1;

      if (before->threads == NULL || now->threads == NULL)
        return verdict (DECK_RESTART_VERDICT_BACK, DECK_RESTART_SIGN_ANSWERS_AFTER_FAILING, sign);
      for (guint i = 0; i < before->threads->len; i++)
        max_before = MAX (max_before, g_array_index (before->threads, gint64, i));
      for (guint i = 0; i < now->threads->len; i++)
        max_now = MAX (max_now, g_array_index (now->threads, gint64, i));
      if (max_now <= max_before)
        return verdict (DECK_RESTART_VERDICT_BACK, DECK_RESTART_SIGN_ANSWERS_AFTER_FAILING, sign);
    }

  return verdict (DECK_RESTART_VERDICT_NOT_YET,
                  n_old > 0 ? DECK_RESTART_SIGN_OLD_WORKERS : DECK_RESTART_SIGN_NONE, sign);
}

/**
 * deck_restart_sign_to_string:
 * @sign: a #DeckRestartSign
 *
 * Returns: a few words for the log (not translated)
 */
const char *
deck_restart_sign_to_string (DeckRestartSign sign)
{
  switch (sign)
    {
    case DECK_RESTART_SIGN_NONE: return "nothing to go by";
    case DECK_RESTART_SIGN_NO_WORKERS: return "no workers listed";
    case DECK_RESTART_SIGN_SAME_PROCESS: return "the same process with a worker from before";
    case DECK_RESTART_SIGN_OLD_WORKERS: return "workers from before still answer";
    case DECK_RESTART_SIGN_NEW_PROCESS: return "a new main process";
    case DECK_RESTART_SIGN_NEW_WORKERS: return "only new workers";
    case DECK_RESTART_SIGN_LISTENING_AGAIN: return "listening again after refusing connections";
    case DECK_RESTART_SIGN_ANSWERS_AFTER_FAILING: return "answering again after failing";
    default: g_return_val_if_reached ("?");
    }
}

/**
 * deck_restart_snapshot_clear:
 * @snapshot: a snapshot
 *
 * Forgets what @snapshot knows (frees its threads).
 */
void
deck_restart_snapshot_clear (DeckRestartSnapshot *snapshot)
{
  snapshot->pid = 0;
  snapshot->started = 0;
  g_clear_pointer (&snapshot->threads, g_array_unref);
}

/**
 * deck_restart_snapshot_take:
 * @snapshot: a snapshot
 * @pid: the main process, or 0
 * @started: its start, or 0
 * @threads: (transfer none) (nullable): the worker ids
 *
 * Replaces what @snapshot knows.
 */
void
deck_restart_snapshot_take (DeckRestartSnapshot *snapshot,
                            gint64               pid,
                            gint64               started,
                            GArray              *threads)
{
  deck_restart_snapshot_clear (snapshot);
  snapshot->pid = pid;
  snapshot->started = started;
  if (threads != NULL)
    snapshot->threads = g_array_ref (threads);
}

/**
 * deck_restart_snapshot_describe:
 * @snapshot: a snapshot
 *
 * Returns: (transfer full): "pid 6808, threads 1,2" (for the log)
 */
char *
deck_restart_snapshot_describe (const DeckRestartSnapshot *snapshot)
{
  GString *text = g_string_new (NULL);

  if (snapshot->pid != 0)
    g_string_append_printf (text, "pid %" G_GINT64_FORMAT, snapshot->pid);
  else
    g_string_append (text, "pid ?");
  g_string_append (text, ", threads ");
  if (snapshot->threads == NULL)
    g_string_append (text, "?");
  for (guint i = 0; snapshot->threads != NULL && i < snapshot->threads->len; i++)
    g_string_append_printf (text, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "",
                            g_array_index (snapshot->threads, gint64, i));
  return g_string_free (text, FALSE);
}
