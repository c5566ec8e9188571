/* test-mesh.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A mesh of three real Harper nodes of the version under test
 * (HARPER_VERSION) in full replication, converted as one unit
 * (src/core/replication/deck-plan-mesh.c says what Harper does and why). The nodes are enabled and connected through the core engine
 * (node1 adds node2 and node3 without subscriptions; node2 and node3 find
 * each other), then one table is switched off between node1 and node2,
 * staged from node1's point of view as the grid does, planned from the
 * states of the three instances and applied:
 *
 * - the plan's description lists every request sent, each with the
 *   instance it goes to (six remove_node, three add_node, the reads);
 * - the requests counted in the three clients equal the plan's count;
 * - every link of the mesh reads back as planned (the applier's own
 *   verification, and cluster_status read here on every node);
 * - data flows on every link exactly as the grid shows it, on every node:
 *   a direction on carries a record written from then on, the one switched
 *   off holds records back (hdb_test_write_until_held_full(), which controls
 *   the timing, and stops and starts the receiving node if Harper missed the
 *   change). Nothing written while a direction was off is expected later.
 */

#include <string.h>

#include "deck-applier.h"
#include "deck-engine.h"
#include "harper-fixture.h"
#include "hdb-test-helpers.h"

#define DB                "meshflow"
#define CLUSTER_USER      "deck_cluster"
#define CLUSTER_PASSWORD  "Mesh-Cluster-Pw-5"
#define ENGINE_WAIT_MS    240000
#define APPLY_WAIT_MS     120000
#define LINK_WAIT_MS      30000
#define ARRIVE_MS         30000
#define ABSENT_MS         3000
#define SWITCH_MS         20000
#define N_NODES           3

static const char *tables[] = { "dog", "cat" };

static HarperFixture *cluster;
static HdbClient *clients[N_NODES];
static const char *ids[N_NODES] = { "instance-1", "instance-2", "instance-3" };
static GHashTable *client_table;   /* instance id → HdbClient */
static DeckEngine *engine;
static gint64 next_id = 1;

static const char *
node_name (guint i)
{
  return harper_fixture_get_node_name (cluster, i);
}

#define ENGINE_SYNC(name, error, ...)                                             \
  ({                                                                              \
    g_autoptr(GAsyncResult) _res = NULL;                                          \
    TEST_AWAIT (_res, ENGINE_WAIT_MS,                                             \
                deck_engine_##name##_async (engine, ##__VA_ARGS__, NULL,          \
                                            test_util_store_result, &_res));      \
    deck_engine_##name##_finish (engine, _res, error);                            \
  })

static HdbClusterStatus *
read_status (guint i)
{
  g_autoptr(GError) error = NULL;
  HdbClusterStatus *status = HDB_SYNC (clients[i], cluster_status, &error);

  g_assert_no_error (error);
  g_assert_nonnull (status);
  return status;
}

static GHashTable *
read_statuses (void)
{
  GHashTable *statuses = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                (GDestroyNotify) hdb_cluster_status_free);

  for (guint i = 0; i < N_NODES; i++)
    g_hash_table_insert (statuses, (gpointer) ids[i], read_status (i));
  return statuses;
}

static guint
count_requests (void)
{
  guint total = 0;

  for (guint i = 0; i < N_NODES; i++)
    total += hdb_client_get_request_count (clients[i]);
  return total;
}

/* What the grid shows for @from's link to @to: whether @from publishes
 * @table to it (full replication publishes everything). */
static gboolean
grid_publishes (GHashTable *statuses,
                guint       from,
                guint       to,
                const char *table)
{
  const HdbClusterStatus *status = g_hash_table_lookup (statuses, ids[from]);
  const HdbConnection *conn = hdb_cluster_status_find_connection (status, node_name (to));
  DeckBaseline baseline;

  g_assert_nonnull (conn);
  deck_baseline_from_connection (conn, DB, table, &baseline);
  return baseline.publish;
}

static gboolean
grid_subscribes (GHashTable *statuses,
                 guint       at,
                 guint       from,
                 const char *table)
{
  const HdbClusterStatus *status = g_hash_table_lookup (statuses, ids[at]);
  const HdbConnection *conn = hdb_cluster_status_find_connection (status, node_name (from));
  DeckBaseline baseline;

  g_assert_nonnull (conn);
  deck_baseline_from_connection (conn, DB, table, &baseline);
  return baseline.subscribe;
}

/* Setup ------------------------------------------------------------------- */

static void
wait_all_links (void)
{
  for (guint i = 0; i < N_NODES; i++)
    for (guint j = 0; j < N_NODES; j++)
      if (i != j)
        g_assert_true (hdb_test_wait_link (clients[i], node_name (j), TRUE, LINK_WAIT_MS));
}

static void
test_enable_and_connect (void)
{
  g_autoptr(GHashTable) statuses = NULL;

  for (guint i = 0; i < N_NODES; i++)
    {
      g_autoptr(DeckRestartMonitor) monitor = deck_restart_monitor_new (clients[i]);
      g_autoptr(GError) error = NULL;
      g_autofree char *db = NULL;
      DeckEnableRequest request = {
        .cluster_user = CLUSTER_USER,
        .cluster_password = CLUSTER_PASSWORD,
        .node_name = node_name (i),
      };

      g_assert_true (ENGINE_SYNC (enable, &error, clients[i], &request, monitor));
      g_assert_no_error (error);
      /* Replication never creates databases (Q9): the same on every node. */
      db = HDB_SYNC (clients[i], create_database, &error, DB);
      g_assert_no_error (error);
      for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
        {
          g_autofree char *made = HDB_SYNC (clients[i], create_table, &error, DB, tables[t],
                                            "id");

          g_assert_no_error (error);
          g_assert_nonnull (made);
        }
    }

  /* node1 adds node2 and node3; node2 and node3 then connect by themselves
   * through the node table they share. */
  for (guint peer = 1; peer < N_NODES; peer++)
    {
      g_autoptr(GError) error = NULL;
      DeckPeer p = { .client = clients[peer], .node_name = node_name (peer) };

      g_assert_true (ENGINE_SYNC (connect, &error, clients[0], CLUSTER_USER, CLUSTER_PASSWORD,
                                  &p));
      g_assert_no_error (error);
    }
  wait_all_links ();

  statuses = read_statuses ();
  for (guint i = 0; i < N_NODES; i++)
    for (guint j = 0; j < N_NODES; j++)
      {
        const HdbConnection *conn;

        if (i == j)
          continue;
        conn = hdb_cluster_status_find_connection (g_hash_table_lookup (statuses, ids[i]),
                                                   node_name (j));
        g_assert_nonnull (conn);
        g_assert_true (conn->replicates);
      }

  for (guint i = 0; i < N_NODES; i++)
    {
      gint64 id = next_id++;

      hdb_test_insert (clients[i], DB, "dog", id, "in full replication");
      for (guint j = 0; j < N_NODES; j++)
        if (j != i)
          g_assert_true (hdb_test_wait_record (clients[j], DB, "dog", id, ARRIVE_MS));
    }
}

/* One table off between two nodes of the mesh ----------------------------- */

static void
on_operation_finished (DeckApplier  *applier,
                       DeckPlanOp   *op,
                       const GError *error,
                       gpointer      user_data)
{
  guint *n_signals = user_data;

  (*n_signals)++;
  g_test_message ("  %s: %s %s → %s", op->instance_id, deck_plan_op_kind_to_string (op->kind),
                  op->peer, error ? error->message : "ok");
}

static void
assert_described (const char       *text,
                  const DeckPlanOp *op)
{
  guint i;
  g_autofree char *line = NULL;

  for (i = 0; i < N_NODES && !g_str_equal (ids[i], op->instance_id); i++)
    ;
  g_assert_cmpuint (i, <, N_NODES);
  line = g_strdup_printf ("On %s (%s): %s %s (", ids[i], node_name (i),
                          deck_plan_op_kind_to_string (op->kind), op->peer);
  if (strstr (text, line) == NULL)
    g_error ("the description does not list “%s”", line);
}

static void
test_table_off (void)
{
  g_autoptr(GHashTable) statuses = read_statuses ();
  g_autoptr(GHashTable) schemas = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                         (GDestroyNotify) hdb_schema_free);
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(DeckChangeSet) changes = deck_change_set_new ();
  g_autoptr(DeckPlan) plan = NULL;
  g_autoptr(DeckApplier) applier = deck_applier_new ();
  g_autoptr(DeckApplyResult) result = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const DeckPlanUnit *unit;
  DeckBaseline baseline;
  guint before, n_sent, n_signals = 0;

  /* Staged from node1's point of view: node1 stops publishing dog to
   * node2. The plan gets every instance's state and schema, as the review
   * reads them. */
  deck_baseline_from_connection (hdb_cluster_status_find_connection (g_hash_table_lookup (statuses, ids[0]),
                                                                     node_name (1)),
                                 DB, "dog", &baseline);
  g_assert_true (baseline.replicates);
  deck_change_set_set_publish (changes, ids[0], node_name (1), DB, "dog", FALSE, &baseline);
  for (guint i = 0; i < N_NODES; i++)
    {
      HdbSchema *schema = HDB_SYNC (clients[i], describe_all, &error);

      g_assert_no_error (error);
      g_hash_table_insert (schemas, (gpointer) ids[i], schema);
    }
  plan = deck_plan_new_full (changes, statuses, NULL, schemas);
  text = deck_plan_describe (plan);
  g_test_message ("%s", text);

  /* The whole mesh, as one unit: 6 removals, 3 add_node; read again
   * before (3) and back after (3). */
  g_assert_cmpuint (deck_plan_get_problems (plan)->len, ==, 0);
  g_assert_cmpuint (deck_plan_get_units (plan)->len, ==, 1);
  unit = g_ptr_array_index (deck_plan_get_units (plan), 0);
  g_assert_cmpuint (unit->instance_ids->len, ==, N_NODES);
  g_assert_cmpuint (deck_plan_get_n_operations (plan), ==, 9);
  g_assert_cmpuint (deck_plan_get_n_requests (plan), ==, 9 + 3 + 3);
  for (guint i = 0; i < unit->operations->len; i++)
    assert_described (text, g_ptr_array_index (unit->operations, i));
  g_assert_nonnull (strstr (text, "15 requests."));
  g_assert_null (strstr (text, CLUSTER_PASSWORD));
  g_assert_null (strstr (text, "Basic "));

  g_signal_connect (applier, "operation-finished", G_CALLBACK (on_operation_finished),
                    &n_signals);
  before = count_requests ();
  TEST_AWAIT (res, APPLY_WAIT_MS,
              deck_applier_apply_async (applier, plan, client_table, CLUSTER_USER,
                                        CLUSTER_PASSWORD, NULL, test_util_store_result, &res));
  result = deck_applier_apply_finish (applier, res, &error);
  n_sent = count_requests () - before;
  g_assert_no_error (error);
  g_assert_nonnull (result);

  /* Everything the plan listed, and nothing else but the reads of a unit
   * read back again (Harper may report a link's new state late). */
  g_test_message ("sent %u requests, the plan said %u, %u read back again", n_sent,
                  deck_plan_get_n_requests (plan), result->n_read_again);
  g_assert_cmpuint (n_sent, ==, deck_plan_get_n_requests (plan) + result->n_read_again);
  g_assert_cmpuint (result->n_ok, ==, 9);
  g_assert_cmpuint (result->n_failed, ==, 0);
  g_assert_cmpuint (n_signals, ==, 9);
  g_assert_no_error (result->verification_error);
  g_assert_cmpuint (deck_change_set_get_n_changes (result->remaining), ==, 0);

  /* Every link read back here too: out of full replication, as planned. */
  after = read_statuses ();
  g_assert_true (deck_plan_check_unit (plan, unit, after, &error));
  g_assert_no_error (error);
  for (guint from = 0; from < N_NODES; from++)
    for (guint to = 0; to < N_NODES; to++)
      for (guint t = 0; t < G_N_ELEMENTS (tables) && from != to; t++)
        {
          gboolean off = from == 0 && to == 1 && g_str_equal (tables[t], "dog");

          /* The grid of either node shows the same direction. */
          g_assert_cmpint (grid_publishes (after, from, to, tables[t]), ==, !off);
          g_assert_cmpint (grid_subscribes (after, to, from, tables[t]), ==, !off);
        }
}

/* Data flows as the grid shows ---------------------------------------------- */

/* What hdb_test_write_until_held_full() does when Harper missed a change:
 * the node that receives, @user_data, stopped and started (it answers
 * again when harper_fixture_start_node() returns), then every link up. */
static void
restart_receiver (gpointer user_data)
{
  guint i = GPOINTER_TO_UINT (user_data);
  g_autoptr(GError) error = NULL;

  g_assert_true (harper_fixture_stop_node (cluster, i, &error));
  g_assert_no_error (error);
  g_assert_true (harper_fixture_start_node (cluster, i, &error));
  g_assert_no_error (error);
  wait_all_links ();
}

static void
test_flows (void)
{
  g_autoptr(GHashTable) statuses = read_statuses ();

  wait_all_links ();

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    for (guint from = 0; from < N_NODES; from++)
      for (guint to = 0; to < N_NODES; to++)
        {
          gboolean on;

          if (from == to)
            continue;
          on = grid_publishes (statuses, from, to, tables[t]);
          if (on)
            {
              gint64 id = next_id++;

              hdb_test_insert (clients[from], DB, tables[t], id, "flows");
              g_assert_true (hdb_test_wait_record (clients[to], DB, tables[t], id, ARRIVE_MS));
            }
          else
            {
              /* Ids of their own: the probe writes first_id * 1000 + n too. */
              hdb_test_write_until_held_full (clients[from], clients[to], DB, tables[t],
                                              1000 + next_id++, "held back", ABSENT_MS,
                                              SWITCH_MS, restart_receiver,
                                              GUINT_TO_POINTER (to));
            }
          g_test_message ("%s.%s %s → %s: %s", DB, tables[t], node_name (from), node_name (to),
                          on ? "flows" : "does not flow");
        }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  cluster = harper_fixture_start (N_NODES, HARPER_FIXTURE_DEFAULT, &error);
  if (cluster == NULL)
    {
      g_printerr ("Could not start the Harper nodes: %s\n", error->message);
      g_print ("1..1\nnot ok 1 - start three Harper %s nodes: %s\n",
               harper_fixture_requested_version (), error->message);
      return 1;
    }

  client_table = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < N_NODES; i++)
    {
      clients[i] = hdb_test_client (harper_fixture_get_url (cluster, i),
                                    harper_fixture_get_username (cluster),
                                    harper_fixture_get_password (cluster));
      g_hash_table_insert (client_table, (gpointer) ids[i], clients[i]);
    }
  engine = deck_engine_new_for (HDB_ENGINE_NATIVE);

  g_test_add_func ("/mesh/enable-and-connect", test_enable_and_connect);
  g_test_add_func ("/mesh/table-off", test_table_off);
  g_test_add_func ("/mesh/flows", test_flows);

  status = g_test_run ();

  g_clear_object (&engine);
  g_clear_pointer (&client_table, g_hash_table_unref);
  for (guint i = 0; i < N_NODES; i++)
    g_clear_object (&clients[i]);
  g_clear_pointer (&cluster, harper_fixture_free);
  return status;
}
