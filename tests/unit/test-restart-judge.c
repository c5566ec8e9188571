/* test-restart-judge.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The pure parts of following a restart across Harper versions, without a
 * server: the table of what each version can do (hdb-capabilities.c), the
 * parser of system_information's process and threads (hdb-process-info.c),
 * and the judgement "is it back?" (deck-restart-judge.c), fed the sequences
 * real servers produced (docs/compatibility.md, measured with
 * tests/integration/test-restart-monitor.c and a 50 ms probe):
 *
 *   4.4.18  pid 32001 threads [3]; old workers answer [3], then [3,4] side by
 *           side, then the port refuses, then [4]; the pid stays
 *   4.3.0   the same pattern ([1] → [1,2] → refused → [2])
 *   4.7.29  pid 3660 threads [1]; the old process answers [1] for 0.2 s, the
 *           port refuses for 2.5-7 s, then pid 4405 answers with [1]
 */

#include <string.h>

#include "deck-restart-judge.h"
#include "hdb-capabilities.h"
#include "hdb-json.h"
#include "hdb-process-info.h"

/* Capabilities ------------------------------------------------------------- */

static void
test_capabilities_table (void)
{
  const HdbCapabilities *v43 = hdb_capabilities_for_version ("4.3.0");
  const HdbCapabilities *v44 = hdb_capabilities_for_version ("4.4.18");
  const HdbCapabilities *v47 = hdb_capabilities_for_version ("4.7.29");
  const HdbCapabilities *v5 = hdb_capabilities_for_version ("5.1.0");
  const HdbCapabilities *garbage = hdb_capabilities_for_version ("garbage");

  g_assert_true (v43->known && v44->known && v47->known && v5->known);
  g_assert_false (garbage->known);
  g_assert_null (hdb_capabilities_for_version (NULL)->since);

  g_assert_cmpstr (v43->measured, ==, "4.3.0");
  g_assert_cmpstr (v44->measured, ==, "4.4.18");
  g_assert_cmpstr (v47->measured, ==, "4.7.29");
  g_assert_null (hdb_capabilities_for_version ("4.5.2")->measured);

  /* Engines. */
  g_assert_cmpint (hdb_capabilities_engine_support (v43, HDB_ENGINE_NATIVE), ==, HDB_ENGINE_SUPPORT_NO);
  g_assert_cmpint (hdb_capabilities_engine_support (v43, HDB_ENGINE_NATS), ==, HDB_ENGINE_SUPPORT_YES);
  g_assert_cmpint (hdb_capabilities_engine_support (v44, HDB_ENGINE_NATIVE), ==, HDB_ENGINE_SUPPORT_YES);
  g_assert_cmpint (hdb_capabilities_engine_support (v44, HDB_ENGINE_NATS), ==, HDB_ENGINE_SUPPORT_YES);
  g_assert_cmpint (hdb_capabilities_engine_support (v47, HDB_ENGINE_NATIVE), ==, HDB_ENGINE_SUPPORT_YES);
  g_assert_cmpint (hdb_capabilities_engine_support (v47, HDB_ENGINE_NATS), ==,
                   HDB_ENGINE_SUPPORT_NEEDS_NATS_SERVER);
  g_assert_cmpint (hdb_capabilities_engine_support (v5, HDB_ENGINE_NATS), ==, HDB_ENGINE_SUPPORT_NO);
  g_assert_cmpint (hdb_capabilities_engine_support (garbage, HDB_ENGINE_NATIVE), ==,
                   HDB_ENGINE_SUPPORT_UNKNOWN);

  g_assert_cmpint (hdb_capabilities_engine_to_enable (v43), ==, HDB_ENGINE_NATS);
  g_assert_cmpint (hdb_capabilities_engine_to_enable (v44), ==, HDB_ENGINE_NATIVE);
  g_assert_cmpint (hdb_capabilities_engine_to_enable (v47), ==, HDB_ENGINE_NATIVE);
  g_assert_cmpint (hdb_capabilities_engine_to_enable (garbage), ==, HDB_ENGINE_UNKNOWN);
  g_assert_cmpint (hdb_capabilities_engine_to_enable (hdb_capabilities_for_version ("3.3.0")), ==,
                   HDB_ENGINE_UNKNOWN);

  /* Restarts and payloads. */
  g_assert_cmpint (v43->restart_style, ==, HDB_RESTART_STYLE_WORKERS);
  g_assert_cmpint (v44->restart_style, ==, HDB_RESTART_STYLE_WORKERS);
  g_assert_cmpint (v47->restart_style, ==, HDB_RESTART_STYLE_PROCESS);
  g_assert_cmpstr (hdb_restart_style_to_string (v47->restart_style), ==, "process");
  g_assert_false (v44->status_camel_case);
  g_assert_true (v44->status_catching_up);
  g_assert_true (v47->status_camel_case);
  g_assert_true (v47->status_timing);
  g_assert_false (v47->status_catching_up);
  g_assert_false (v43->binds_host);
  g_assert_true (v44->binds_host);
  g_assert_false (v44->catch_up_guaranteed);
  g_assert_false (v47->catch_up_guaranteed);

  /* Rows hold from their first version up to the next row's. */
  g_assert_true (hdb_capabilities_for_version ("4.4.0") == v44);
  g_assert_true (hdb_capabilities_for_version ("4.4.99") == v44);
  g_assert_true (hdb_capabilities_for_version ("4.0.7") == v43);
  g_assert_true (hdb_capabilities_for_version ("4.7.0") == v47);
  g_assert_true (hdb_capabilities_for_version ("6.0.0") == v5);
}

/* Process info --------------------------------------------------------------- */

static HdbProcessInfo *
parse_info (const char *json)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  HdbProcessInfo *info;

  node = hdb_json_parse (json, strlen (json), 1 << 20, &error);
  g_assert_no_error (error);
  info = hdb_parse_process_info (node, &error);
  g_assert_no_error (error);
  return info;
}

static void
test_process_info (void)
{
  /* Trimmed answers of a 4.7.29 node (with its processes) and a 4.4.18 node
   * (threads only). */
  g_autoptr(HdbProcessInfo) full = parse_info (
    "{\"harperdb_processes\":{\"core\":[{\"pid\":31952,\"parentPid\":1,\"name\":\"node\","
    "\"started\":\"2026-12-05 14:54:19\",\"state\":\"sleeping\"}],\"clustering\":[]},"
    "\"threads\":[{\"threadId\":1,\"name\":\"http\",\"heapTotal\":85229568}]}");
  g_autoptr(HdbProcessInfo) threads = parse_info (
    "{\"threads\":[{\"threadId\":3,\"name\":\"http\"},{\"threadId\":4,\"name\":\"http\"}]}");
  g_autoptr(HdbProcessInfo) odd = parse_info (
    "{\"harperdb_processes\":{\"core\":[{\"pid\":\"x\",\"started\":5}]},"
    "\"threads\":[{\"threadId\":1e300},{\"threadId\":2}]}");
  g_autoptr(JsonNode) nothing = hdb_json_parse ("{\"system\":{}}", 12, 1024, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (full->pid, ==, 31952);
  g_assert_cmpint (full->started, ==, hdb_parse_process_started ("2026-12-05 14:54:19"));
  g_assert_cmpint (full->started, >, 0);
  g_assert_cmpuint (full->threads->len, ==, 1);
  g_assert_cmpint (g_array_index (full->threads, gint64, 0), ==, 1);

  g_assert_cmpint (threads->pid, ==, 0);
  g_assert_cmpint (threads->started, ==, 0);
  g_assert_cmpuint (threads->threads->len, ==, 2);

  /* Wrong types are unknown, not cast. */
  g_assert_cmpint (odd->pid, ==, 0);
  g_assert_cmpint (odd->started, ==, 0);
  g_assert_cmpuint (odd->threads->len, ==, 1);

  g_assert_null (hdb_parse_process_info (nothing, &error));
  g_assert_error (error, HDB_ERROR, HDB_ERROR_INVALID_RESPONSE);

  g_assert_cmpint (hdb_parse_process_started ("2026-12-05 14:54:20") -
                   hdb_parse_process_started ("2026-12-05 14:54:19"), ==, 1);
  g_assert_cmpint (hdb_parse_process_started ("yesterday"), ==, 0);
  g_assert_cmpint (hdb_parse_process_started (NULL), ==, 0);
}

/* The judgement ---------------------------------------------------------------- */

static GArray *
ids (guint n,
     ...)
{
  GArray *array = g_array_new (FALSE, FALSE, sizeof (gint64));
  va_list args;

  va_start (args, n);
  for (guint i = 0; i < n; i++)
    {
      gint64 id = va_arg (args, int);

      g_array_append_val (array, id);
    }
  va_end (args);
  return array;
}

/* One answer: threads (always asked), pid and started (when the verdict
 * asked for the process; 0 otherwise). */
static DeckRestartVerdict
answer (DeckRestartEvidence *evidence,
        gint64               pid,
        gint64               started,
        GArray              *threads,
        DeckRestartSign      expected_sign)
{
  DeckRestartSnapshot now = { pid, started, threads };
  DeckRestartSign sign = DECK_RESTART_SIGN_NONE;
  DeckRestartVerdict verdict = deck_restart_judge (evidence, &now, &sign);

  g_test_message ("  → %s", deck_restart_sign_to_string (sign));
  g_assert_cmpint (sign, ==, expected_sign);
  g_clear_pointer (&threads, g_array_unref);
  return verdict;
}

static void
evidence_init (DeckRestartEvidence *evidence,
               gint64               pid,
               gint64               started,
               GArray              *threads)
{
  memset (evidence, 0, sizeof *evidence);
  deck_restart_snapshot_take (&evidence->before, pid, started, threads);
  g_clear_pointer (&threads, g_array_unref);
}

#define T0 1796482459   /* 2026-12-05 14:54:19 UTC */

/* 4.4.18 (and 4.3.0): the same process, new workers of higher ids. */
static void
test_workers_restart (void)
{
  DeckRestartEvidence ev;

  evidence_init (&ev, 32001, T0, ids (1, 3));

  /* The old worker answers: only the process could tell a new process
   * numbering as the old one did; asked, it is the same one. */
  g_assert_cmpint (answer (&ev, 0, 0, ids (1, 3), DECK_RESTART_SIGN_NONE), ==,
                   DECK_RESTART_VERDICT_ASK_PROCESS);
  g_assert_cmpint (answer (&ev, 32001, T0 + 1, ids (1, 3), DECK_RESTART_SIGN_SAME_PROCESS), ==,
                   DECK_RESTART_VERDICT_NOT_YET);
  /* Old and new side by side: half-way. */
  g_assert_cmpint (answer (&ev, 0, 0, ids (2, 3, 4), DECK_RESTART_SIGN_OLD_WORKERS), ==,
                   DECK_RESTART_VERDICT_NOT_YET);
  ev.refused = TRUE;
  /* Even after the port refused, a mix is no restart over. */
  g_assert_cmpint (answer (&ev, 0, 0, ids (2, 3, 4), DECK_RESTART_SIGN_OLD_WORKERS), ==,
                   DECK_RESTART_VERDICT_NOT_YET);
  /* Only new workers: back, with no need for the process. */
  g_assert_cmpint (answer (&ev, 0, 0, ids (1, 4), DECK_RESTART_SIGN_NEW_WORKERS), ==,
                   DECK_RESTART_VERDICT_BACK);

  deck_restart_snapshot_clear (&ev.before);
}

/* 4.7.29: a new process whose workers count from 1 again. */
static void
test_process_restart (void)
{
  DeckRestartEvidence ev;

  evidence_init (&ev, 3660, T0, ids (1, 1));

  /* The old process still answers for a moment: same threads, same pid. */
  g_assert_cmpint (answer (&ev, 0, 0, ids (1, 1), DECK_RESTART_SIGN_NONE), ==,
                   DECK_RESTART_VERDICT_ASK_PROCESS);
  g_assert_cmpint (answer (&ev, 3660, T0, ids (1, 1), DECK_RESTART_SIGN_SAME_PROCESS), ==,
                   DECK_RESTART_VERDICT_NOT_YET);

  /* The port refused: what answers next is the new process, at once (the
   * process is not asked: it costs the new one up to a second). */
  ev.failed = TRUE;
  ev.refused = TRUE;
  g_assert_cmpint (answer (&ev, 0, 0, ids (1, 1), DECK_RESTART_SIGN_LISTENING_AGAIN), ==,
                   DECK_RESTART_VERDICT_BACK);

  deck_restart_snapshot_clear (&ev.before);
}

/* 4.7.29 when the refused moment was missed (a proxy in between, or polls
 * that fell on either side of it): the process tells. */
static void
test_process_restart_unseen (void)
{
  DeckRestartEvidence ev;

  evidence_init (&ev, 3660, T0, ids (1, 1));
  g_assert_cmpint (answer (&ev, 0, 0, ids (1, 1), DECK_RESTART_SIGN_NONE), ==,
                   DECK_RESTART_VERDICT_ASK_PROCESS);
  g_assert_cmpint (answer (&ev, 4405, T0 + 20, ids (1, 1), DECK_RESTART_SIGN_NEW_PROCESS), ==,
                   DECK_RESTART_VERDICT_BACK);
  /* A recycled pid is still another process when it started later. */
  g_assert_cmpint (answer (&ev, 3660, T0 + 20, ids (1, 1), DECK_RESTART_SIGN_NEW_PROCESS), ==,
                   DECK_RESTART_VERDICT_BACK);
  deck_restart_snapshot_clear (&ev.before);
}

/* Never early: the old process answers after a request failed in another
 * way (no answer in time on a busy machine, a keep-alive connection closed):
 * the old rule ("an answer after a failure") would have said back. */
static void
test_never_early (void)
{
  DeckRestartEvidence ev;

  evidence_init (&ev, 3660, T0, ids (1, 1));
  ev.failed = TRUE;
  g_assert_cmpint (answer (&ev, 0, 0, ids (1, 1), DECK_RESTART_SIGN_NONE), ==,
                   DECK_RESTART_VERDICT_ASK_PROCESS);
  g_assert_cmpint (answer (&ev, 3660, T0 + 1, ids (1, 1), DECK_RESTART_SIGN_SAME_PROCESS), ==,
                   DECK_RESTART_VERDICT_NOT_YET);
  /* An answer listing no worker is a server in between. */
  g_assert_cmpint (answer (&ev, 0, 0, ids (0), DECK_RESTART_SIGN_NO_WORKERS), ==,
                   DECK_RESTART_VERDICT_NOT_YET);
  deck_restart_snapshot_clear (&ev.before);
}

/* A server that names neither process nor threads: the old rule is all
 * there is. */
static void
test_without_identity (void)
{
  DeckRestartEvidence ev;
  DeckRestartSnapshot nothing = { 0, };

  memset (&ev, 0, sizeof ev);
  g_assert_cmpint (deck_restart_judge (&ev, &nothing, NULL), ==, DECK_RESTART_VERDICT_NOT_YET);
  ev.failed = TRUE;
  g_assert_cmpint (deck_restart_judge (&ev, &nothing, NULL), ==, DECK_RESTART_VERDICT_BACK);

  /* Threads known, process not: a new process numbering from 1 again is not
   * above the old ids; higher ids beside none of the old are new workers. */
  evidence_init (&ev, 0, 0, ids (1, 5));
  g_assert_cmpint (answer (&ev, 0, 0, ids (1, 5), DECK_RESTART_SIGN_OLD_WORKERS), ==,
                   DECK_RESTART_VERDICT_NOT_YET);
  ev.failed = TRUE;
  g_assert_cmpint (answer (&ev, 0, 0, ids (1, 5), DECK_RESTART_SIGN_ANSWERS_AFTER_FAILING), ==,
                   DECK_RESTART_VERDICT_BACK);
  deck_restart_snapshot_clear (&ev.before);
}

static void
test_describe (void)
{
  DeckRestartSnapshot snapshot = { 0, };
  g_autofree char *unknown = deck_restart_snapshot_describe (&snapshot);
  g_autofree char *known = NULL;
  g_autoptr(GArray) threads = ids (2, 3, 4);

  deck_restart_snapshot_take (&snapshot, 6808, T0, threads);
  known = deck_restart_snapshot_describe (&snapshot);
  g_assert_cmpstr (unknown, ==, "pid ?, threads ?");
  g_assert_cmpstr (known, ==, "pid 6808, threads 3,4");
  deck_restart_snapshot_clear (&snapshot);
  g_assert_null (snapshot.threads);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/capabilities/table", test_capabilities_table);
  g_test_add_func ("/restart/process-info", test_process_info);
  g_test_add_func ("/restart/judge/workers", test_workers_restart);
  g_test_add_func ("/restart/judge/process", test_process_restart);
  g_test_add_func ("/restart/judge/process-refusal-unseen", test_process_restart_unseen);
  g_test_add_func ("/restart/judge/never-early", test_never_early);
  g_test_add_func ("/restart/judge/without-identity", test_without_identity);
  g_test_add_func ("/restart/judge/describe", test_describe);

  return g_test_run ();
}
