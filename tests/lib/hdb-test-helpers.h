/* hdb-test-helpers.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Blocking wrappers (for tests only) around the async HdbClient calls, and
 * polling with a bound for what replication does in its own time.
 */

#pragma once

#include "hdb-client.h"
#include "test-util.h"

G_BEGIN_DECLS

#define HDB_TEST_WAIT_MS 60000

/* Calls NAME_async with ARGS, waits, and returns NAME_finish's value. */
#define HDB_SYNC(client, name, error, ...)                                        \
  ({                                                                              \
    g_autoptr(GAsyncResult) _res = NULL;                                          \
    TEST_AWAIT (_res, HDB_TEST_WAIT_MS,                                           \
                hdb_client_##name##_async (client, ##__VA_ARGS__, NULL,           \
                                           test_util_store_result, &_res));   \
    hdb_client_##name##_finish (client, _res, error);                             \
  })

JsonNode *
hdb_test_call (HdbClient   *client,
               const char  *json,
               GError     **error);

HdbClient *
hdb_test_client (const char *url,
                 const char *user,
                 const char *password);

/* Polls search_by_id until the record is there (TRUE) or @ms pass. */
gboolean
hdb_test_wait_record (HdbClient  *client,
                      const char *database,
                      const char *table,
                      gint64      id,
                      guint       ms);

void
hdb_test_insert (HdbClient  *client,
                 const char *database,
                 const char *table,
                 gint64      id,
                 const char *name);

/* Polls user_info until the instance answers again after a restart. */
gboolean
hdb_test_wait_answering (HdbClient *client,
                         guint      ms);

/* Polls cluster_status until the link to @peer is (or is no longer) up. */
gboolean
hdb_test_wait_link (HdbClient  *client,
                    const char *peer,
                    gboolean    connected,
                    guint       ms);

/* Harper stops a flow some time after the operation that stops it answered
 * (an update_node that switches a direction off, a remove_node, a
 * disconnect): 4.4 renews a subscription on a 200 ms timer, later on a busy
 * machine. A record written at once may still go through, so a test that
 * asserts "this no longer flows" cannot write one record and wait: it writes
 * records of @table on @from, ids @first_id, then @first_id * 1000 + 1, + 2
 * …, until one has not reached @to within @absent_ms, and fails if records
 * still arrive @bound_ms after the first write. The test controls the
 * timing; what it asserts is what Harper guarantees (the flow stops).
 * Returns the id of the record held back. How long the flow took to stop
 * is in the test log.
 *
 * HDB_TEST_FLOW_STOP_MS is the bound every caller gives: a liveness bound
 * (the flow never stopped), not a speed. Harper promises no time: on a
 * quiet machine the flow stops within a second; CI once saw 4.4.18 let
 * records of an update_node through for 20 s on two loaded cores, so the
 * bound is three times that. */
#define HDB_TEST_FLOW_STOP_MS 60000

gint64
hdb_test_write_until_held (HdbClient  *from,
                           HdbClient  *to,
                           const char *database,
                           const char *table,
                           gint64      first_id,
                           const char *label,
                           guint       absent_ms,
                           guint       bound_ms);

/* Called by hdb_test_write_until_held_full() when records still flow
 * @bound_ms after the first write: stops and starts the node that receives
 * and waits until its links are up again. Harper 4.4.18 can miss a change
 * of subscription altogether (CI saw a direction still flowing 20 s after
 * the update_node, and again 20 s after the same one sent again); what it
 * guarantees is the stored node records, and a node builds its
 * subscriptions from them as it starts. */
typedef void (*HdbTestRestartFunc) (gpointer user_data);

/* As hdb_test_write_until_held(), but records still flowing @bound_ms
 * after the first write make it say so and call @restart once; the flow
 * must then stop within @bound_ms of that. CLUSTERDECK_TEST_SWITCH_MS sets
 * the first bound, to run that path (0: restart before the first write). */
gint64
hdb_test_write_until_held_full (HdbClient          *from,
                                HdbClient          *to,
                                const char         *database,
                                const char         *table,
                                gint64              first_id,
                                const char         *label,
                                guint               absent_ms,
                                guint               bound_ms,
                                HdbTestRestartFunc  restart,
                                gpointer            user_data);

/* CLUSTERDECK_TEST_SWITCH_MS, else @bound_ms. */
guint
hdb_test_first_bound (guint bound_ms);

G_END_DECLS
