/* test-plan.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The change set and the plan built from it (DESIGN.md §3): merging every
 * change between one instance and one peer into one request, full
 * replication turned into remove + add, NATS, changes that cannot be
 * planned, the inverse and the drift check (pending.json: test-pending.c).
 * Cluster states are parsed from JSON shaped like the recorded answers in
 * tests/fixtures/hdb/cluster_status_*.json.
 */

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "deck-change-set.h"
#include "deck-plan.h"
#include "deck-plan-loader.h"
#include "deck-replication-model.h"
#include "hdb-parse.h"

#define NODE2_URL "ws://127.0.0.1:24110"
#define NODE3_URL "wss://node3.example:9933"

/* node1 (native): node2 with shop.product subscribed only; node3 in full
 * replication; both with a retained credential that must never show. */
static const char *native_status_json =
  "{"
  "  \"type\": \"cluster-status\","
  "  \"node_name\": \"node1\","
  "  \"is_enabled\": true,"
  "  \"connections\": ["
  "    {"
  "      \"url\": \"" NODE2_URL "\","
  "      \"name\": \"node2\","
  "      \"authorization\": \"Basic Y2x1c3Rlcl91c2VyOmZha2UtZml4dHVyZQ==\","
  "      \"subscriptions\": ["
  "        { \"database\": \"shop\", \"table\": \"product\","
  "          \"subscribe\": true, \"publish\": false }"
  "      ],"
  "      \"database_sockets\": []"
  "    },"
  "    {"
  "      \"url\": \"" NODE3_URL "\","
  "      \"name\": \"node3\","
  "      \"replicates\": true,"
  "      \"authorization\": \"Basic Y2x1c3Rlcl91c2VyOmZha2UtZml4dHVyZQ==\","
  "      \"database_sockets\": []"
  "    }"
  "  ]"
  "}";

/* node3 (native), in full replication with node1: its status lists node1,
 * and node2 too (Harper keeps one node table for a mesh in full
 * replication, so node1's record of node2 is node3's as well). */
static const char *node3_status_json =
  "{"
  "  \"type\": \"cluster-status\","
  "  \"node_name\": \"node3\","
  "  \"is_enabled\": true,"
  "  \"connections\": ["
  "    {"
  "      \"url\": \"wss://node1.example:9933\","
  "      \"name\": \"node1\","
  "      \"replicates\": true,"
  "      \"database_sockets\": []"
  "    },"
  "    {"
  "      \"url\": \"" NODE2_URL "\","
  "      \"name\": \"node2\","
  "      \"subscriptions\": ["
  "        { \"database\": \"shop\", \"table\": \"product\","
  "          \"subscribe\": true, \"publish\": false }"
  "      ],"
  "      \"database_sockets\": []"
  "    }"
  "  ]"
  "}";

/* node5 (NATS), shaped like cluster_status_nats.json: "schema", not
 * "database", in the subscriptions. */
static const char *nats_status_json =
  "{"
  "  \"node_name\": \"node5\","
  "  \"is_enabled\": true,"
  "  \"connections\": ["
  "    {"
  "      \"node_name\": \"node6\","
  "      \"status\": \"open\","
  "      \"ports\": { \"clustering\": 19115, \"operations_api\": \"127.0.0.1:19110\" },"
  "      \"latency_ms\": 5,"
  "      \"uptime\": \"22s\","
  "      \"subscriptions\": ["
  "        { \"schema\": \"shop\", \"table\": \"product\","
  "          \"publish\": true, \"subscribe\": true }"
  "      ]"
  "    }"
  "  ]"
  "}";

/* Helpers */

static HdbClusterStatus *
parse_status (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  HdbClusterStatus *status;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  status = hdb_parse_cluster_status (json_parser_get_root (parser), &error);
  g_assert_no_error (error);
  g_assert_nonnull (status);
  return status;
}

static HdbSchema *
parse_schema (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  HdbSchema *schema;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  schema = hdb_parse_describe_all (json_parser_get_root (parser), &error);
  g_assert_no_error (error);
  return schema;
}

static GHashTable *
new_statuses (void)
{
  GHashTable *statuses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) hdb_cluster_status_free);

  g_hash_table_insert (statuses, g_strdup ("inst-a"), parse_status (native_status_json));
  g_hash_table_insert (statuses, g_strdup ("inst-c"), parse_status (node3_status_json));
  g_hash_table_insert (statuses, g_strdup ("inst-n"), parse_status (nats_status_json));
  return statuses;
}

static GHashTable *
new_engines (void)
{
  GHashTable *engines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_hash_table_insert (engines, g_strdup ("inst-a"), GINT_TO_POINTER (HDB_ENGINE_NATIVE));
  g_hash_table_insert (engines, g_strdup ("inst-n"), GINT_TO_POINTER (HDB_ENGINE_NATS));
  return engines;
}

/* Stages a switch the way the grid does: the baseline comes from the
 * loaded status. */
static void
stage (DeckChangeSet *changes,
       GHashTable    *statuses,
       const char    *instance_id,
       const char    *peer,
       const char    *database,
       const char    *table,
       gboolean       is_publish,
       gboolean       value)
{
  const HdbClusterStatus *status = g_hash_table_lookup (statuses, instance_id);
  DeckBaseline baseline;

  deck_baseline_from_connection (status ? hdb_cluster_status_find_connection (status, peer) : NULL,
                                 database, table, &baseline);
  if (is_publish)
    deck_change_set_set_publish (changes, instance_id, peer, database, table, value, &baseline);
  else
    deck_change_set_set_subscribe (changes, instance_id, peer, database, table, value, &baseline);
}

static const HdbSubscription *
find_sub (GPtrArray  *subs,
          const char *database,
          const char *table)
{
  for (guint i = 0; subs != NULL && i < subs->len; i++)
    {
      const HdbSubscription *sub = g_ptr_array_index (subs, i);

      if (g_strcmp0 (sub->database, database) == 0 && g_strcmp0 (sub->table, table) == 0)
        return sub;
    }
  return NULL;
}

static void
assert_sub (GPtrArray  *subs,
            const char *database,
            const char *table,
            gboolean    publish,
            gboolean    subscribe)
{
  const HdbSubscription *sub = find_sub (subs, database, table);

  g_assert_nonnull (sub);
  g_assert_cmpint (sub->publish, ==, publish);
  g_assert_cmpint (sub->subscribe, ==, subscribe);
}

static void
count_signal (DeckChangeSet *changes,
              guint         *count)
{
  (*count)++;
}

/* Tests */

static void
test_one_toggle (void)
{
  g_autoptr(GHashTable) statuses = new_statuses ();
  g_autoptr(GHashTable) engines = new_engines ();
  g_autoptr(DeckChangeSet) changes = deck_change_set_new ();
  g_autoptr(DeckPlan) plan = NULL;
  GPtrArray *ops;
  DeckPlanOp *op;

  stage (changes, statuses, "inst-a", "node2", "shop", "product", TRUE, TRUE);
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 1);

  plan = deck_plan_new (changes, statuses, engines);
  /* One update_node, and the cluster_status read again before it. */
  g_assert_cmpuint (deck_plan_get_n_operations (plan), ==, 1);
  g_assert_cmpuint (deck_plan_get_n_reads (plan), ==, 1);
  g_assert_cmpuint (deck_plan_get_n_requests (plan), ==, 2);
  g_assert_cmpuint (deck_plan_get_units (plan)->len, ==, 0);
  g_assert_cmpuint (deck_plan_get_problems (plan)->len, ==, 0);
  g_assert_cmpuint (deck_plan_get_instance_ids (plan)->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (deck_plan_get_instance_ids (plan), 0), ==, "inst-a");

  ops = deck_plan_get_operations (plan, "inst-a");
  g_assert_nonnull (ops);
  g_assert_cmpuint (ops->len, ==, 1);
  op = g_ptr_array_index (ops, 0);
  g_assert_cmpint (op->kind, ==, DECK_PLAN_OP_UPDATE_NODE);
  g_assert_cmpstr (op->instance_id, ==, "inst-a");
  g_assert_cmpstr (op->peer, ==, "node2");
  /* Always the URL: update_node without it corrupts the stored one. */
  g_assert_cmpstr (op->url, ==, NODE2_URL);
  g_assert_cmpint (op->engine, ==, HDB_ENGINE_NATIVE);
  g_assert_true (op->needs_authorization);
  g_assert_true (op->retain_authorization);
  g_assert_cmpuint (op->changes->len, ==, 1);
  /* The loaded subscribe stays on; publish is switched on. */
  g_assert_cmpuint (op->subscriptions->len, ==, 1);
  assert_sub (op->subscriptions, "shop", "product", TRUE, TRUE);

  g_assert_null (deck_plan_get_operations (plan, "inst-n"));
}

static void
test_many_toggles_one_request (void)
{
  g_autoptr(GHashTable) statuses = new_statuses ();
  g_autoptr(GHashTable) engines = new_engines ();
  g_autoptr(DeckChangeSet) changes = deck_change_set_new ();
  g_autoptr(DeckPlan) plan = NULL;
  GPtrArray *ops;
  DeckPlanOp *op;
  const HdbSubscription *first;

  stage (changes, statuses, "inst-a", "node2", "shop", "product", FALSE, FALSE);
  stage (changes, statuses, "inst-a", "node2", "dev", "dog", TRUE, TRUE);
  stage (changes, statuses, "inst-a", "node2", "dev", "dog", FALSE, TRUE);
  stage (changes, statuses, "inst-a", "node2", "dev", "cat", FALSE, TRUE);
  stage (changes, statuses, "inst-a", "node2", "crm", "lead", TRUE, TRUE);
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 4);

  plan = deck_plan_new (changes, statuses, engines);
  g_assert_cmpuint (deck_plan_get_n_operations (plan), ==, 1);
  g_assert_cmpuint (deck_plan_get_n_requests (plan), ==, 2);
  ops = deck_plan_get_operations (plan, "inst-a");
  g_assert_cmpuint (ops->len, ==, 1);
  op = g_ptr_array_index (ops, 0);
  g_assert_cmpint (op->kind, ==, DECK_PLAN_OP_UPDATE_NODE);
  g_assert_cmpuint (op->changes->len, ==, 4);
  g_assert_cmpuint (op->subscriptions->len, ==, 4);
  assert_sub (op->subscriptions, "shop", "product", FALSE, FALSE);
  assert_sub (op->subscriptions, "dev", "dog", TRUE, TRUE);
  assert_sub (op->subscriptions, "dev", "cat", FALSE, TRUE);
  assert_sub (op->subscriptions, "crm", "lead", TRUE, FALSE);
  /* Sorted by database then table. */
  first = g_ptr_array_index (op->subscriptions, 0);
  g_assert_cmpstr (first->database, ==, "crm");
}

static void
test_thousand_toggles_ten_peers (void)
{
  g_autoptr(GString) json = g_string_new (NULL);
  g_autoptr(GHashTable) statuses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) hdb_cluster_status_free);
  g_autoptr(DeckChangeSet) changes = deck_change_set_new ();
  g_autoptr(DeckPlan) plan = NULL;
  GPtrArray *ops;

  g_string_append (json, "{\"type\":\"cluster-status\",\"node_name\":\"hub\","
                         "\"is_enabled\":true,\"connections\":[");
  for (guint p = 0; p < 10; p++)
    g_string_append_printf (json, "%s{\"name\":\"peer%02u\",\"url\":\"wss://peer%02u:9933\","
                            "\"subscriptions\":[]}", p ? "," : "", p, p);
  g_string_append (json, "]}");
  g_hash_table_insert (statuses, g_strdup ("hub"), parse_status (json->str));

  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *peer = g_strdup_printf ("peer%02u", i % 10);
      g_autofree char *table = g_strdup_printf ("t%03u", i / 10);

      stage (changes, statuses, "hub", peer, "dev", table, i % 2 == 0, TRUE);
    }
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 1000);

  /* No engines table: the status tells the engine. */
  plan = deck_plan_new (changes, statuses, NULL);
  g_assert_cmpuint (deck_plan_get_n_operations (plan), ==, 10);
  g_assert_cmpuint (deck_plan_get_n_requests (plan), ==, 10 + 1);
  ops = deck_plan_get_operations (plan, "hub");
  g_assert_cmpuint (ops->len, ==, 10);
  for (guint p = 0; p < 10; p++)
    {
      DeckPlanOp *op = g_ptr_array_index (ops, p);
      g_autofree char *peer = g_strdup_printf ("peer%02u", p);

      g_assert_cmpint (op->kind, ==, DECK_PLAN_OP_UPDATE_NODE);
      g_assert_cmpstr (op->peer, ==, peer);
      g_assert_cmpuint (op->subscriptions->len, ==, 100);
      g_assert_cmpuint (op->changes->len, ==, 100);
      g_assert_true (op->needs_authorization);
      /* wss: no need to retain the credential. */
      g_assert_false (op->retain_authorization);
    }
}

static void
test_full_replication (void)
{
  g_autoptr(GHashTable) statuses = new_statuses ();
  g_autoptr(GHashTable) engines = new_engines ();
  g_autoptr(GHashTable) schemas = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) hdb_schema_free);
  g_autoptr(DeckChangeSet) changes = deck_change_set_new ();
  g_autoptr(DeckPlan) plan = NULL;
  g_autoptr(DeckPlan) plan_no_schema = NULL;
  g_autoptr(DeckPlan) plan_no_peer = NULL;
  GPtrArray *ops;
  DeckPlanOp *op;
  DeckToggle publish, subscribe;

  /* Staging "on" for a peer in full replication is no change. */
  stage (changes, statuses, "inst-a", "node3", "dev", "dog", TRUE, TRUE);
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 0);

  stage (changes, statuses, "inst-a", "node3", "dev", "dog", TRUE, FALSE);
  g_assert_true (deck_change_set_get (changes, "inst-a", "node3", "dev", "dog",
                                      &publish, &subscribe));
  g_assert_cmpint (publish, ==, DECK_TOGGLE_OFF);
  g_assert_cmpint (subscribe, ==, DECK_TOGGLE_UNCHANGED);
  g_assert_true (deck_change_set_lookup (changes, "inst-a", "node3", "dev", "dog")->baseline.replicates);

  g_hash_table_insert (schemas, g_strdup ("inst-a"),
                       parse_schema ("{"
                                     "  \"dev\": { \"dog\": { \"hash_attribute\": \"id\" },"
                                     "             \"cat\": { \"hash_attribute\": \"id\" } },"
                                     "  \"shop\": { \"product\": { \"hash_attribute\": \"id\" } },"
                                     "  \"system\": { \"hdb_nodes\": { \"hash_attribute\": \"name\" } }"
                                     "}"));

  plan = deck_plan_new_full (changes, statuses, engines, schemas);
  g_assert_cmpuint (deck_plan_get_problems (plan)->len, ==, 0);
  /* node1 and node3 are a mesh of two: each removes the other, node1 adds
   * node3 again; read again before, both read back after. */
  g_assert_cmpuint (deck_plan_get_units (plan)->len, ==, 1);
  g_assert_cmpuint (deck_plan_get_n_operations (plan), ==, 3);
  g_assert_cmpuint (deck_plan_get_n_requests (plan), ==, 3 + 2 + 2);
  g_assert_true (deck_plan_has_remove (plan));
  ops = deck_plan_get_operations (plan, "inst-a");
  g_assert_cmpuint (ops->len, ==, 2);

  op = g_ptr_array_index (ops, 0);
  g_assert_cmpint (op->kind, ==, DECK_PLAN_OP_REMOVE_NODE);
  g_assert_cmpstr (op->peer, ==, "node3");
  g_assert_cmpuint (op->unit, ==, 1);
  g_assert_null (op->subscriptions);
  g_assert_false (op->needs_authorization);

  op = g_ptr_array_index (ops, 1);
  g_assert_cmpint (op->kind, ==, DECK_PLAN_OP_ADD_NODE);
  g_assert_cmpstr (op->peer, ==, "node3");
  g_assert_cmpstr (op->url, ==, NODE3_URL);
  g_assert_true (op->needs_authorization);
  g_assert_false (op->retain_authorization);
  /* Every table of the instance stays fully replicated but the one
   * switched off; the system database is never subscribed. */
  g_assert_cmpuint (op->subscriptions->len, ==, 3);
  assert_sub (op->subscriptions, "dev", "dog", FALSE, TRUE);
  assert_sub (op->subscriptions, "dev", "cat", TRUE, TRUE);
  assert_sub (op->subscriptions, "shop", "product", TRUE, TRUE);
  g_assert_null (find_sub (op->subscriptions, "system", "hdb_nodes"));

  /* The peer's side: node3 removes node1, in the plan like the rest. */
  ops = deck_plan_get_operations (plan, "inst-c");
  g_assert_cmpuint (ops->len, ==, 1);
  op = g_ptr_array_index (ops, 0);
  g_assert_cmpint (op->kind, ==, DECK_PLAN_OP_REMOVE_NODE);
  g_assert_cmpstr (op->peer, ==, "node1");
  g_assert_cmpuint (op->changes->len, ==, 1);

  /* Without a schema, the universe is what the changes name. */
  plan_no_schema = deck_plan_new (changes, statuses, engines);
  ops = deck_plan_get_operations (plan_no_schema, "inst-a");
  g_assert_cmpuint (ops->len, ==, 2);
  op = g_ptr_array_index (ops, 1);
  g_assert_cmpuint (op->subscriptions->len, ==, 1);
  assert_sub (op->subscriptions, "dev", "dog", FALSE, TRUE);

  /* Without node3's state its side cannot be planned: nothing is. */
  g_hash_table_remove (statuses, "inst-c");
  plan_no_peer = deck_plan_new_full (changes, statuses, engines, schemas);
  g_assert_cmpuint (deck_plan_get_n_requests (plan_no_peer), ==, 0);
  g_assert_cmpuint (deck_plan_get_problems (plan_no_peer)->len, ==, 1);
  g_assert_nonnull (strstr (((DeckPlanProblem *) g_ptr_array_index (deck_plan_get_problems (plan_no_peer), 0))->message,
                            "node3"));
}

static void
test_nats (void)
{
  g_autoptr(GHashTable) statuses = new_statuses ();
  g_autoptr(GHashTable) engines = new_engines ();
  g_autoptr(DeckChangeSet) changes = deck_change_set_new ();
  g_autoptr(DeckPlan) plan = NULL;
  g_autofree char *text = NULL;
  GPtrArray *ops;
  DeckPlanOp *op;

  stage (changes, statuses, "inst-n", "node6", "shop", "product", FALSE, FALSE);
  stage (changes, statuses, "inst-n", "node6", "dev", "dog", TRUE, TRUE);

  plan = deck_plan_new (changes, statuses, engines);
  g_assert_cmpuint (deck_plan_get_n_operations (plan), ==, 1);
  g_assert_cmpuint (deck_plan_get_n_requests (plan), ==, 2);
  ops = deck_plan_get_operations (plan, "inst-n");
  op = g_ptr_array_index (ops, 0);
  g_assert_cmpint (op->kind, ==, DECK_PLAN_OP_UPDATE_NODE);
  g_assert_cmpint (op->engine, ==, HDB_ENGINE_NATS);
  g_assert_cmpstr (op->peer, ==, "node6");
  g_assert_null (op->url);
  g_assert_false (op->needs_authorization);
  g_assert_false (op->retain_authorization);
  g_assert_cmpuint (op->subscriptions->len, ==, 2);
  assert_sub (op->subscriptions, "shop", "product", TRUE, FALSE);
  assert_sub (op->subscriptions, "dev", "dog", TRUE, FALSE);

  text = deck_plan_describe (plan);
  g_assert_nonnull (strstr (text, "update_node node6"));
  g_assert_null (strstr (text, "authorization"));
  g_clear_pointer (&text, g_free);
  g_clear_object (&plan);

  /* Subscribe switched back on: the same update_node twice (Harper 4.4's
   * NATS clustering restarts the subscription only at the second). */
  stage (changes, statuses, "inst-n", "node6", "shop", "product", FALSE, TRUE);
  plan = deck_plan_new (changes, statuses, engines);
  g_assert_cmpuint (deck_plan_get_n_operations (plan), ==, 1);
  deck_change_set_clear (changes);
  stage (changes, statuses, "inst-n", "node6", "dev", "dog", FALSE, TRUE);
  g_clear_object (&plan);
  plan = deck_plan_new (changes, statuses, engines);
  g_assert_cmpuint (deck_plan_get_n_operations (plan), ==, 2);
  g_assert_cmpuint (deck_plan_get_n_requests (plan), ==, 3);
  ops = deck_plan_get_operations (plan, "inst-n");
  g_assert_false (((DeckPlanOp *) g_ptr_array_index (ops, 0))->repeat);
  op = g_ptr_array_index (ops, 1);
  g_assert_true (op->repeat);
  g_assert_cmpint (op->kind, ==, DECK_PLAN_OP_UPDATE_NODE);
  assert_sub (op->subscriptions, "dev", "dog", FALSE, TRUE);
  text = deck_plan_describe (plan);
  g_assert_nonnull (strstr (text, "the same again"));
}

static void
test_problems (void)
{
  g_autoptr(GHashTable) statuses = new_statuses ();
  g_autoptr(GHashTable) engines = new_engines ();
  g_autoptr(DeckChangeSet) changes = deck_change_set_new ();
  g_autoptr(DeckPlan) plan = NULL;
  g_autofree char *text = NULL;
  DeckBaseline off = { FALSE, FALSE, FALSE };
  GPtrArray *problems;
  DeckPlanProblem *problem;

  deck_change_set_set_publish (changes, "inst-a", "node9", "dev", "dog", TRUE, &off);
  deck_change_set_set_publish (changes, "inst-a", "node9", "dev", "cat", TRUE, &off);
  deck_change_set_set_publish (changes, "inst-z", "node2", "dev", "dog", TRUE, &off);
  stage (changes, statuses, "inst-a", "node2", "dev", "dog", TRUE, TRUE);
  g_hash_table_insert (engines, g_strdup ("inst-off"), GINT_TO_POINTER (HDB_ENGINE_NONE));
  g_hash_table_insert (statuses, g_strdup ("inst-off"), parse_status (native_status_json));
  deck_change_set_set_publish (changes, "inst-off", "node2", "dev", "dog", TRUE, &off);

  plan = deck_plan_new (changes, statuses, engines);
  /* The plannable change still goes out. */
  g_assert_cmpuint (deck_plan_get_n_operations (plan), ==, 1);
  problems = deck_plan_get_problems (plan);
  g_assert_cmpuint (problems->len, ==, 3);

  problem = g_ptr_array_index (problems, 0);
  g_assert_cmpstr (problem->instance_id, ==, "inst-a");
  g_assert_cmpstr (problem->peer, ==, "node9");
  g_assert_cmpuint (problem->changes->len, ==, 2);
  g_assert_nonnull (strstr (problem->message, "node9"));

  problem = g_ptr_array_index (problems, 1);
  g_assert_cmpstr (problem->instance_id, ==, "inst-off");
  problem = g_ptr_array_index (problems, 2);
  g_assert_cmpstr (problem->instance_id, ==, "inst-z");

  text = deck_plan_describe (plan);
  g_assert_nonnull (strstr (text, "inst-a (node1) → node9"));
}

static void
test_describe (void)
{
  g_autoptr(GHashTable) statuses = new_statuses ();
  g_autoptr(GHashTable) engines = new_engines ();
  g_autoptr(DeckChangeSet) changes = deck_change_set_new ();
  g_autoptr(DeckChangeSet) empty = deck_change_set_new ();
  g_autoptr(DeckPlan) plan = NULL;
  g_autoptr(DeckPlan) empty_plan = NULL;
  g_autofree char *text = NULL;
  g_autofree char *empty_text = NULL;

  stage (changes, statuses, "inst-a", "node2", "shop", "product", TRUE, TRUE);
  stage (changes, statuses, "inst-a", "node3", "shop", "product", FALSE, FALSE);
  plan = deck_plan_new (changes, statuses, engines);
  text = deck_plan_describe (plan);
  g_test_message ("%s", text);

  g_assert_nonnull (strstr (text, "On inst-a (node1):\n  1. update_node node2 (" NODE2_URL ")"));
  /* The conversion of node1 ↔ node3, in the order it is sent, with the
   * instance every request goes to, and its read-back. */
  g_assert_nonnull (strstr (text, "Full replication between inst-a (node1) and inst-c (node3) "
                                  "ends."));
  g_assert_nonnull (strstr (text, "  1. On inst-a (node1): remove_node node3 (" NODE3_URL ")"));
  g_assert_nonnull (strstr (text, "  2. On inst-c (node3): remove_node node1"));
  g_assert_nonnull (strstr (text, "  3. On inst-a (node1): add_node node3 (" NODE3_URL ")"));
  g_assert_nonnull (strstr (text, "  4. Read back on inst-a (node1) and inst-c (node3)"));
  g_assert_nonnull (strstr (text, "First, cluster_status on inst-a (node1) and inst-c (node3)"));
  g_assert_nonnull (strstr (text, "authorization: (cluster user, hidden)"));
  g_assert_nonnull (strstr (text, "shop.product: publish on (changed, was off), subscribe on"));
  /* node1 publishes shop.product to node2 again: what was written while
   * it did not may never arrive, and the Review says so. Switching node3's
   * link off is not such a change. */
  g_assert_cmpuint (deck_plan_get_n_reopened (plan), ==, 1);
  g_assert_nonnull (strstr (text, "Switched on (from off):\n"
                                  "  shop.product: inst-a (node1) publishes to node2\n"
                                  "Records written while this direction was off may never "
                                  "arrive"));
  /* 4 operations, 2 reads before, 2 after. */
  g_assert_cmpuint (deck_plan_get_n_requests (plan), ==, 8);
  g_assert_nonnull (strstr (text, "8 requests."));
  /* The retained credential of the loaded status never shows. */
  g_assert_null (strstr (text, "Basic"));
  g_assert_null (strstr (text, "Y2x1c3Rlcl91c2VyOmZha2UtZml4dHVyZQ"));

  empty_plan = deck_plan_new (empty, statuses, engines);
  g_assert_cmpuint (deck_plan_get_n_requests (empty_plan), ==, 0);
  g_assert_cmpuint (deck_plan_get_n_reopened (empty_plan), ==, 0);
  empty_text = deck_plan_describe (empty_plan);
  g_assert_cmpstr (empty_text, ==, "Nothing to apply.\n");
}


/* A mesh --------------------------------------------------------------------- */

/* The status of node@i of a mesh of three in full replication (node1,
 * node2, node3 at ws://mesh@i:9925), every link replicating, or as @links
 * says: "2=dev.dog:PS,dev.cat:P-;3=…" lists explicit subscriptions per
 * peer. */
static HdbClusterStatus *
mesh_status (guint       i,
             const char *links)
{
  g_autoptr(GString) json = g_string_new (NULL);
  g_auto(GStrv) parts = links != NULL ? g_strsplit (links, ";", -1) : NULL;
  gboolean first = TRUE;

  g_string_append_printf (json, "{\"type\":\"cluster-status\",\"node_name\":\"node%u\","
                          "\"is_enabled\":true,\"connections\":[", i);
  for (guint peer = 1; peer <= 3; peer++)
    {
      const char *subs = NULL;

      if (peer == i)
        continue;
      for (guint k = 0; parts != NULL && parts[k] != NULL; k++)
        if (parts[k][0] == '0' + (char) peer)
          subs = parts[k] + 2;
      g_string_append_printf (json, "%s{\"url\":\"ws://mesh%u:9925\",\"name\":\"node%u\",",
                              first ? "" : ",", peer, peer);
      first = FALSE;
      if (subs == NULL)
        {
          g_string_append (json, "\"replicates\":true}");
          continue;
        }
      g_string_append (json, "\"subscriptions\":[");
      {
        g_auto(GStrv) items = g_strsplit (subs, ",", -1);

        for (guint k = 0; items[k] != NULL; k++)
          {
            g_auto(GStrv) name = g_strsplit_set (items[k], ".:", 3);

            g_string_append_printf (json, "%s{\"database\":\"%s\",\"table\":\"%s\","
                                    "\"publish\":%s,\"subscribe\":%s}",
                                    k ? "," : "", name[0], name[1],
                                    name[2][0] == 'P' ? "true" : "false",
                                    name[2][1] == 'S' ? "true" : "false");
          }
      }
      g_string_append (json, "]}");
    }
  g_string_append (json, "]}");
  return parse_status (json->str);
}

static GHashTable *
mesh_statuses (const char *links1,
               const char *links2,
               const char *links3)
{
  GHashTable *statuses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) hdb_cluster_status_free);

  g_hash_table_insert (statuses, g_strdup ("m1"), mesh_status (1, links1));
  g_hash_table_insert (statuses, g_strdup ("m2"), mesh_status (2, links2));
  g_hash_table_insert (statuses, g_strdup ("m3"), mesh_status (3, links3));
  return statuses;
}

static const DeckPlanOp *
unit_op (const DeckPlanUnit *unit,
         guint               i,
         DeckPlanOpKind      kind,
         const char         *instance_id,
         const char         *peer)
{
  const DeckPlanOp *op = g_ptr_array_index (unit->operations, i);

  g_assert_cmpint (op->kind, ==, kind);
  g_assert_cmpstr (op->instance_id, ==, instance_id);
  g_assert_cmpstr (op->peer, ==, peer);
  g_assert_cmpuint (op->unit, ==, 1);
  return op;
}

static void
test_mesh (void)
{
  g_autoptr(GHashTable) statuses = mesh_statuses (NULL, NULL, NULL);
  g_autoptr(GHashTable) schemas = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) hdb_schema_free);
  g_autoptr(GHashTable) fresh = NULL;
  g_autoptr(DeckChangeSet) changes = deck_change_set_new ();
  g_autoptr(DeckPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const DeckPlanUnit *unit;
  const DeckPlanOp *op;

  g_hash_table_insert (schemas, g_strdup ("m1"),
                       parse_schema ("{\"dev\": {\"dog\": {\"hash_attribute\": \"id\"},"
                                     "         \"cat\": {\"hash_attribute\": \"id\"}}}"));
  g_hash_table_insert (schemas, g_strdup ("m2"),
                       parse_schema ("{\"dev\": {\"dog\": {\"hash_attribute\": \"id\"},"
                                     "         \"cat\": {\"hash_attribute\": \"id\"}},"
                                     " \"shop\": {\"x\": {\"hash_attribute\": \"id\"}}}"));
  g_hash_table_insert (schemas, g_strdup ("m3"),
                       parse_schema ("{\"dev\": {\"dog\": {\"hash_attribute\": \"id\"}}}"));

  /* node1 stops publishing dev.dog to node2; node3 stops subscribing to
   * node2's dev.cat (staged from node3's side). */
  stage (changes, statuses, "m1", "node2", "dev", "dog", TRUE, FALSE);
  stage (changes, statuses, "m3", "node2", "dev", "cat", FALSE, FALSE);
  plan = deck_plan_new_full (changes, statuses, NULL, schemas);
  text = deck_plan_describe (plan);
  g_test_message ("%s", text);

  /* One unit: every node removes every other (6), one add_node per link
   * (3); read again before (3) and back after (3). */
  g_assert_cmpuint (deck_plan_get_problems (plan)->len, ==, 0);
  g_assert_cmpuint (deck_plan_get_units (plan)->len, ==, 1);
  unit = g_ptr_array_index (deck_plan_get_units (plan), 0);
  g_assert_cmpuint (unit->instance_ids->len, ==, 3);
  g_assert_cmpuint (unit->operations->len, ==, 9);
  g_assert_cmpuint (deck_plan_get_n_operations (plan), ==, 9);
  g_assert_cmpuint (deck_plan_get_n_reads (plan), ==, 6);
  g_assert_cmpuint (deck_plan_get_n_requests (plan), ==, 15);
  g_assert_nonnull (strstr (text, "15 requests."));

  unit_op (unit, 0, DECK_PLAN_OP_REMOVE_NODE, "m1", "node2");
  unit_op (unit, 1, DECK_PLAN_OP_REMOVE_NODE, "m1", "node3");
  unit_op (unit, 2, DECK_PLAN_OP_REMOVE_NODE, "m2", "node1");
  unit_op (unit, 3, DECK_PLAN_OP_REMOVE_NODE, "m2", "node3");
  unit_op (unit, 4, DECK_PLAN_OP_REMOVE_NODE, "m3", "node1");
  op = unit_op (unit, 5, DECK_PLAN_OP_REMOVE_NODE, "m3", "node2");
  g_assert_cmpstr (op->url, ==, "ws://mesh2:9925");

  /* node1 → node2 from node1, every table of both but dev.dog's publish. */
  op = unit_op (unit, 6, DECK_PLAN_OP_ADD_NODE, "m1", "node2");
  g_assert_cmpstr (op->url, ==, "ws://mesh2:9925");
  g_assert_true (op->retain_authorization);
  g_assert_cmpuint (op->subscriptions->len, ==, 3);
  assert_sub (op->subscriptions, "dev", "dog", FALSE, TRUE);
  assert_sub (op->subscriptions, "dev", "cat", TRUE, TRUE);
  assert_sub (op->subscriptions, "shop", "x", TRUE, TRUE);
  g_assert_nonnull (strstr (text, "On m1 (node1): add_node node2 (ws://mesh2:9925)"));
  /* node1 ↔ node3 unchanged: everything both ways. */
  op = unit_op (unit, 7, DECK_PLAN_OP_ADD_NODE, "m1", "node3");
  g_assert_cmpuint (op->subscriptions->len, ==, 2);
  assert_sub (op->subscriptions, "dev", "dog", TRUE, TRUE);
  assert_sub (op->subscriptions, "dev", "cat", TRUE, TRUE);
  g_assert_cmpuint (op->changes->len, ==, 0);
  /* node2 ↔ node3 from node3, where it was staged. */
  op = unit_op (unit, 8, DECK_PLAN_OP_ADD_NODE, "m3", "node2");
  g_assert_cmpuint (op->subscriptions->len, ==, 3);
  assert_sub (op->subscriptions, "dev", "cat", TRUE, FALSE);
  assert_sub (op->subscriptions, "dev", "dog", TRUE, TRUE);
  g_assert_nonnull (strstr (text, "  9. On m3 (node3): add_node node2"));
  g_assert_nonnull (strstr (text, "dev.cat: publish on, subscribe off (changed, was on)"));
  g_assert_nonnull (strstr (text, "10. Read back on m1 (node1), m2 (node2) and m3 (node3)"));

  /* Per instance, in the order they are sent to it. */
  g_assert_cmpuint (deck_plan_get_operations (plan, "m1")->len, ==, 4);
  g_assert_cmpuint (deck_plan_get_operations (plan, "m2")->len, ==, 2);
  g_assert_cmpuint (deck_plan_get_operations (plan, "m3")->len, ==, 3);

  /* The mesh as loaded is no drift; a link out of full replication since
   * is. */
  g_assert_true (deck_plan_check_links_drift (plan, statuses, NULL, &error));
  g_assert_no_error (error);
  fresh = mesh_statuses (NULL, "3=dev.dog:PS", NULL);
  g_assert_false (deck_plan_check_links_drift (plan, fresh, NULL, &error));
  g_assert_error (error, DECK_PLAN_ERROR, DECK_PLAN_ERROR_DRIFT);
  g_assert_nonnull (strstr (error->message,
                            "node2 → node3: full replication was on when loaded, is now off"));
  g_clear_error (&error);
  g_clear_pointer (&fresh, g_hash_table_unref);

  /* Read back as planned (node2 and node1 store the mirror images)… */
  fresh = mesh_statuses ("2=dev.cat:PS,dev.dog:-S,shop.x:PS;3=dev.cat:PS,dev.dog:PS",
                         "1=dev.cat:PS,dev.dog:P-,shop.x:PS;3=dev.cat:-S,dev.dog:PS,shop.x:PS",
                         "1=dev.cat:PS,dev.dog:PS;2=dev.cat:P-,dev.dog:PS,shop.x:PS");
  g_assert_true (deck_plan_check_unit (plan, unit, fresh, &error));
  g_assert_no_error (error);
  g_clear_pointer (&fresh, g_hash_table_unref);

  /* …or not: each difference is named. */
  fresh = mesh_statuses ("2=dev.cat:PS,dev.dog:-S,shop.x:PS;3=dev.cat:PS,dev.dog:PS",
                         "1=dev.cat:PS,dev.dog:P-,shop.x:PS",
                         "1=dev.cat:PS,dev.dog:PS;2=dev.cat:-S,dev.dog:PS,shop.x:PS");
  g_assert_false (deck_plan_check_unit (plan, unit, fresh, &error));
  g_assert_error (error, DECK_PLAN_ERROR, DECK_PLAN_ERROR_VERIFICATION);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "node2 → node3: still in full replication"));
  g_assert_nonnull (strstr (error->message,
                            "node3 → node2 dev.cat: publish off, subscribe on; the plan says "
                            "publish on, subscribe off"));
  g_assert_null (strstr (error->message, "node1 →"));
}

static void
test_mesh_problems (void)
{
  g_autoptr(GHashTable) statuses = mesh_statuses (NULL, NULL, NULL);
  g_autoptr(DeckChangeSet) changes = deck_change_set_new ();
  g_autoptr(DeckPlan) plan = NULL;
  DeckPlanProblem *problem;

  /* Both sides of one link ask opposite things of one direction: node1
   * stops publishing dev.dog to node2, node2 keeps subscribing to it… */
  stage (changes, statuses, "m1", "node2", "dev", "dog", TRUE, FALSE);
  deck_change_set_set_subscribe (changes, "m2", "node1", "dev", "dog", TRUE,
                                 &(DeckBaseline) { TRUE, FALSE, TRUE });
  plan = deck_plan_new (changes, statuses, NULL);
  g_assert_cmpuint (deck_plan_get_n_requests (plan), ==, 0);
  g_assert_cmpuint (deck_plan_get_problems (plan)->len, ==, 2);
  problem = g_ptr_array_index (deck_plan_get_problems (plan), 0);
  g_assert_nonnull (strstr (problem->message, "dev.dog is changed from both sides"));
  g_clear_object (&plan);

  /* A member whose state was not loaded: nothing of the mesh is sent. */
  deck_change_set_remove (changes, "m2", "node1", "dev", "dog");
  g_hash_table_remove (statuses, "m3");
  plan = deck_plan_new (changes, statuses, NULL);
  g_assert_cmpuint (deck_plan_get_n_requests (plan), ==, 0);
  g_assert_cmpuint (deck_plan_get_problems (plan)->len, ==, 1);
  problem = g_ptr_array_index (deck_plan_get_problems (plan), 0);
  g_assert_nonnull (strstr (problem->message, "node3"));
  g_clear_object (&plan);

  /* A status that does not say its own node name (a hostile or broken
   * server; fuzz-plan's crash-mesh-without-node-name): the mesh cannot be
   * found from it, and nothing of it is sent. */
  g_hash_table_insert (statuses, g_strdup ("m3"), mesh_status (3, NULL));
  g_clear_pointer (&((HdbClusterStatus *) g_hash_table_lookup (statuses, "m1"))->node_name,
                   g_free);
  plan = deck_plan_new (changes, statuses, NULL);
  g_assert_cmpuint (deck_plan_get_n_requests (plan), ==, 0);
  g_assert_cmpuint (deck_plan_get_problems (plan)->len, ==, 1);
  problem = g_ptr_array_index (deck_plan_get_problems (plan), 0);
  g_assert_nonnull (strstr (problem->message, "node name"));
}

static void
test_staging_baseline_removes (void)
{
  g_autoptr(GHashTable) statuses = new_statuses ();
  g_autoptr(DeckChangeSet) changes = deck_change_set_new ();
  g_autoptr(GPtrArray) list = NULL;
  DeckToggle publish, subscribe;
  const DeckChange *change;
  guint signals = 0;

  g_signal_connect (changes, "changed", G_CALLBACK (count_signal), &signals);

  /* Equal to the loaded value: nothing staged, nothing emitted. */
  stage (changes, statuses, "inst-a", "node2", "shop", "product", FALSE, TRUE);
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 0);
  g_assert_cmpuint (signals, ==, 0);

  stage (changes, statuses, "inst-a", "node2", "shop", "product", TRUE, TRUE);
  stage (changes, statuses, "inst-a", "node2", "shop", "product", FALSE, FALSE);
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 1);
  g_assert_cmpuint (signals, ==, 2);
  change = deck_change_set_lookup (changes, "inst-a", "node2", "shop", "product");
  g_assert_nonnull (change);
  g_assert_false (change->baseline.publish);
  g_assert_true (change->baseline.subscribe);
  g_assert_true (deck_change_get_desired_publish (change));
  g_assert_false (deck_change_get_desired_subscribe (change));

  /* Publish back to its baseline: only subscribe stays staged. */
  stage (changes, statuses, "inst-a", "node2", "shop", "product", TRUE, FALSE);
  g_assert_true (deck_change_set_get (changes, "inst-a", "node2", "shop", "product",
                                      &publish, &subscribe));
  g_assert_cmpint (publish, ==, DECK_TOGGLE_UNCHANGED);
  g_assert_cmpint (subscribe, ==, DECK_TOGGLE_OFF);

  /* Both back: the entry goes. */
  stage (changes, statuses, "inst-a", "node2", "shop", "product", FALSE, TRUE);
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 0);
  g_assert_false (deck_change_set_get (changes, "inst-a", "node2", "shop", "product",
                                       &publish, &subscribe));
  g_assert_cmpint (publish, ==, DECK_TOGGLE_UNCHANGED);
  g_assert_cmpuint (signals, ==, 4);

  /* Removing by peer and instance, clearing. */
  stage (changes, statuses, "inst-a", "node2", "dev", "dog", TRUE, TRUE);
  stage (changes, statuses, "inst-a", "node2", "dev", "cat", TRUE, TRUE);
  stage (changes, statuses, "inst-a", "node3", "dev", "dog", TRUE, FALSE);
  stage (changes, statuses, "inst-n", "node6", "dev", "dog", TRUE, TRUE);
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 4);
  list = deck_change_set_dup_changes (changes);
  g_assert_cmpuint (list->len, ==, 4);
  g_assert_cmpstr (((DeckChange *) g_ptr_array_index (list, 0))->table, ==, "cat");
  g_assert_cmpstr (((DeckChange *) g_ptr_array_index (list, 3))->instance_id, ==, "inst-n");
  g_assert_cmpuint (deck_change_set_remove_peer (changes, "inst-a", "node2"), ==, 2);
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 2);
  g_assert_cmpuint (deck_change_set_remove_peer (changes, "inst-a", NULL), ==, 1);
  g_assert_true (deck_change_set_remove (changes, "inst-n", "node6", "dev", "dog"));
  g_assert_false (deck_change_set_remove (changes, "inst-n", "node6", "dev", "dog"));
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 0);

  stage (changes, statuses, "inst-a", "node2", "dev", "dog", TRUE, TRUE);
  signals = 0;
  deck_change_set_clear (changes);
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 0);
  g_assert_cmpuint (signals, ==, 1);
}

static void
test_inverse (void)
{
  g_autoptr(GHashTable) statuses = new_statuses ();
  g_autoptr(DeckChangeSet) changes = deck_change_set_new ();
  g_autoptr(DeckChangeSet) inverse = NULL;
  g_autoptr(DeckChangeSet) back = NULL;
  const DeckChange *undo;

  stage (changes, statuses, "inst-a", "node2", "shop", "product", TRUE, TRUE);
  stage (changes, statuses, "inst-a", "node2", "dev", "dog", FALSE, TRUE);
  stage (changes, statuses, "inst-a", "node3", "dev", "dog", TRUE, FALSE);

  inverse = deck_change_set_inverse (changes);
  g_assert_cmpuint (deck_change_set_get_n_changes (inverse), ==, 3);

  undo = deck_change_set_lookup (inverse, "inst-a", "node2", "shop", "product");
  g_assert_cmpint (undo->publish, ==, DECK_TOGGLE_OFF);
  g_assert_cmpint (undo->subscribe, ==, DECK_TOGGLE_UNCHANGED);
  g_assert_true (undo->baseline.publish);
  g_assert_true (undo->baseline.subscribe);

  undo = deck_change_set_lookup (inverse, "inst-a", "node2", "dev", "dog");
  g_assert_cmpint (undo->publish, ==, DECK_TOGGLE_UNCHANGED);
  g_assert_cmpint (undo->subscribe, ==, DECK_TOGGLE_OFF);
  g_assert_true (undo->baseline.subscribe);
  g_assert_false (undo->baseline.publish);

  /* Full replication was turned into per-table subscriptions. */
  undo = deck_change_set_lookup (inverse, "inst-a", "node3", "dev", "dog");
  g_assert_cmpint (undo->publish, ==, DECK_TOGGLE_ON);
  g_assert_false (undo->baseline.publish);
  g_assert_true (undo->baseline.subscribe);
  g_assert_false (undo->baseline.replicates);

  /* The inverse of the inverse stages the same switches. */
  back = deck_change_set_inverse (inverse);
  undo = deck_change_set_lookup (back, "inst-a", "node2", "shop", "product");
  g_assert_cmpint (undo->publish, ==, DECK_TOGGLE_ON);
  g_assert_false (undo->baseline.publish);
  undo = deck_change_set_lookup (back, "inst-a", "node2", "dev", "dog");
  g_assert_cmpint (undo->subscribe, ==, DECK_TOGGLE_ON);
}

static void
test_drift (void)
{
  g_autoptr(GHashTable) statuses = new_statuses ();
  g_autoptr(GHashTable) engines = new_engines ();
  g_autoptr(DeckChangeSet) changes = deck_change_set_new ();
  g_autoptr(DeckPlan) plan = NULL;
  g_autoptr(GHashTable) fresh = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *changed_json = NULL;
  g_autofree char *removed_json = NULL;
  HdbClusterStatus *status;

  /* shop.product: subscribe off (publish stays off) */
  stage (changes, statuses, "inst-a", "node2", "shop", "product", FALSE, FALSE);
  stage (changes, statuses, "inst-a", "node2", "dev", "dog", TRUE, TRUE);
  stage (changes, statuses, "inst-a", "node3", "dev", "dog", TRUE, FALSE);
  plan = deck_plan_new (changes, statuses, engines);

  /* The same state read again: no drift. */
  fresh = new_statuses ();
  g_assert_true (deck_plan_check_drift (plan, fresh, &error));
  g_assert_no_error (error);
  g_hash_table_unref (fresh);

  /* Someone subscribed node1 to node2's shop.product with publish on, and
   * took node3 out of full replication. */
  changed_json = g_strdup (native_status_json);
  g_assert_nonnull (strstr (changed_json, "\"subscribe\": true, \"publish\": false"));
  memcpy (strstr (changed_json, "\"publish\": false"), "\"publish\": true ", 16);
  memcpy (strstr (changed_json, "\"replicates\": true"), "\"replicates\": 0   ", 18);
  fresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                 (GDestroyNotify) hdb_cluster_status_free);
  status = parse_status (changed_json);
  g_assert_false (((HdbConnection *) g_ptr_array_index (status->connections, 1))->replicates);
  g_hash_table_insert (fresh, g_strdup ("inst-a"), status);
  g_assert_false (deck_plan_check_drift (plan, fresh, &error));
  g_assert_error (error, DECK_PLAN_ERROR, DECK_PLAN_ERROR_DRIFT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message,
                            "node1 → node2 shop.product: publish was off when staged, is now on"));
  g_assert_null (strstr (error->message, "node2 dev.dog"));
  g_assert_nonnull (strstr (error->message,
                            "node1 → node3: full replication was on when staged, is now off"));
  /* node3's dev.dog no longer published is what the change asks for; its
   * subscribe, which the change keeps, was lost. */
  g_assert_null (strstr (error->message, "node1 → node3 dev.dog: publish"));
  g_assert_nonnull (strstr (error->message,
                            "node1 → node3 dev.dog: subscribe was on when staged, is now off"));
  g_clear_error (&error);
  g_hash_table_unref (fresh);

  /* The connection to node2 is gone. */
  removed_json = g_strdup (native_status_json);
  memcpy (strstr (removed_json, "\"name\": \"node2\""), "\"name\": \"nodeX\"", 15);
  fresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                 (GDestroyNotify) hdb_cluster_status_free);
  g_hash_table_insert (fresh, g_strdup ("inst-a"), parse_status (removed_json));
  g_assert_false (deck_plan_check_drift (plan, fresh, &error));
  g_assert_error (error, DECK_PLAN_ERROR, DECK_PLAN_ERROR_DRIFT);
  g_assert_nonnull (strstr (error->message, "node1 → node2: the connection no longer exists"));
  /* Once per connection, not once per change. */
  g_assert_null (strstr (strstr (error->message, "no longer exists") + 1, "no longer exists"));
  g_assert_null (strstr (error->message, "node3"));
  g_clear_error (&error);
  g_hash_table_remove_all (fresh);

  /* Not read again at all. */
  {
    g_autoptr(GPtrArray) list = deck_change_set_dup_changes (changes);

    g_assert_false (deck_plan_check_changes_drift (list, fresh, &error));
    g_assert_error (error, DECK_PLAN_ERROR, DECK_PLAN_ERROR_DRIFT);
    g_assert_nonnull (strstr (error->message, "inst-a → node2"));
  }
  g_hash_table_unref (fresh);
  fresh = NULL;
}

/* An operation whose answer timed out may have taken effect: on Retry the
 * server already has the wanted value, which is no drift. */
static void
test_drift_already_applied (void)
{
  g_autoptr(GHashTable) statuses = new_statuses ();
  g_autoptr(GHashTable) engines = new_engines ();
  g_autoptr(GHashTable) fresh = NULL;
  g_autoptr(DeckChangeSet) changes = deck_change_set_new ();
  g_autoptr(DeckPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *applied_json = g_strdup (native_status_json);

  stage (changes, statuses, "inst-a", "node2", "shop", "product", TRUE, TRUE);
  plan = deck_plan_new (changes, statuses, engines);
  memcpy (strstr (applied_json, "\"publish\": false"), "\"publish\": true ", 16);
  fresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                 (GDestroyNotify) hdb_cluster_status_free);
  g_hash_table_insert (fresh, g_strdup ("inst-a"), parse_status (applied_json));
  g_assert_true (deck_plan_check_drift (plan, fresh, &error));
  g_assert_no_error (error);
}

/* The rest of a link changed on the server: an update_node would put it back. */
static void
test_links_drift (void)
{
  g_autoptr(GHashTable) statuses = new_statuses ();
  g_autoptr(GHashTable) fresh = new_statuses ();
  g_autoptr(GHashTable) engines = new_engines ();
  g_autoptr(DeckChangeSet) changes = deck_change_set_new ();
  g_autoptr(DeckPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  HdbClusterStatus *status;
  HdbConnection *conn;
  HdbSubscription *product;

  stage (changes, statuses, "inst-a", "node2", "shop", "order", TRUE, TRUE);
  plan = deck_plan_new (changes, statuses, engines);
  g_assert_true (deck_plan_check_links_drift (plan, fresh, NULL, &error));
  g_assert_no_error (error);

  /* shop.product, not staged, was switched on the server. */
  status = g_hash_table_lookup (fresh, "inst-a");
  conn = (HdbConnection *) hdb_cluster_status_find_connection (status, "node2");
  product = g_ptr_array_index (conn->subscriptions, 0);
  product->subscribe = FALSE;
  g_assert_false (deck_plan_check_links_drift (plan, fresh, NULL, &error));
  g_assert_error (error, DECK_PLAN_ERROR, DECK_PLAN_ERROR_DRIFT);
  g_assert_nonnull (strstr (error->message, "node1 → node2 shop.product: subscribe was on when loaded, is now off"));
  g_clear_error (&error);
  product->subscribe = TRUE;

  /* A table added to the link on the server. */
  g_ptr_array_add (conn->subscriptions, hdb_subscription_new ("shop", "customer", TRUE, FALSE));
  g_assert_false (deck_plan_check_links_drift (plan, fresh, NULL, &error));
  g_assert_nonnull (strstr (error->message, "shop.customer: was added"));
  g_clear_error (&error);

  /* An instance that could not be read again is not checked here. */
  {
    g_autoptr(GHashTable) skip = g_hash_table_new (g_str_hash, g_str_equal);

    g_hash_table_add (skip, (gpointer) "inst-a");
    g_assert_true (deck_plan_check_links_drift (plan, fresh, skip, &error));
  }
}

/* Links made anew (Harper 4.5+) ------------------------------------------- */

/* node2 (native), the other side of node1's explicit link: node1 publishes
 * shop.product to it. */
static const char *node2_status_json =
  "{"
  "  \"type\": \"cluster-status\","
  "  \"node_name\": \"node2\","
  "  \"is_enabled\": true,"
  "  \"connections\": ["
  "    {"
  "      \"url\": \"ws://127.0.0.1:24100\","
  "      \"name\": \"node1\","
  "      \"subscriptions\": ["
  "        { \"database\": \"shop\", \"table\": \"product\","
  "          \"subscribe\": false, \"publish\": true }"
  "      ],"
  "      \"database_sockets\": []"
  "    }"
  "  ]"
  "}";

/* node1's and (@with_peer) node2's states, and their versions by node name */
static GHashTable *
relink_statuses (gboolean with_peer)
{
  GHashTable *statuses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) hdb_cluster_status_free);

  g_hash_table_insert (statuses, g_strdup ("inst-a"), parse_status (native_status_json));
  if (with_peer)
    g_hash_table_insert (statuses, g_strdup ("inst-b"), parse_status (node2_status_json));
  return statuses;
}

static GHashTable *
versions_of (const char *node1,
             const char *node2)
{
  GHashTable *versions = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (versions, (gpointer) "node1", (gpointer) node1);
  g_hash_table_insert (versions, (gpointer) "node2", (gpointer) node2);
  return versions;
}

static void
test_relink (void)
{
  static const struct { const char *node1, *node2; gboolean relink; } cases[] = {
    { "4.4.18", "4.4.18", FALSE },   /* update_node changes the link in place */
    { "4.7.29", "4.7.29", TRUE },    /* it does not: made anew */
    { "4.4.18", "4.7.29", TRUE },    /* either side is enough (a rolling upgrade) */
    { "4.7.29", "4.4.18", TRUE },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GHashTable) statuses = relink_statuses (TRUE);
      g_autoptr(GHashTable) fresh = relink_statuses (TRUE);
      g_autoptr(GHashTable) versions = versions_of (cases[c].node1, cases[c].node2);
      g_autoptr(DeckChangeSet) changes = deck_change_set_new ();
      g_autoptr(DeckPlan) plan = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      const DeckPlanUnit *unit;
      const DeckPlanOp *op;
      GPtrArray *ops;

      g_test_message ("node1 %s, node2 %s", cases[c].node1, cases[c].node2);
      stage (changes, statuses, "inst-a", "node2", "shop", "product", TRUE, TRUE);
      plan = deck_plan_new_versioned (changes, statuses, NULL, NULL, versions);
      g_assert_cmpuint (deck_plan_get_problems (plan)->len, ==, 0);
      if (!cases[c].relink)
        {
          g_assert_cmpuint (deck_plan_get_n_operations (plan), ==, 1);
          g_assert_cmpuint (deck_plan_get_n_requests (plan), ==, 2);
          g_assert_cmpuint (deck_plan_get_units (plan)->len, ==, 0);
          continue;
        }

      /* remove on node1, remove on node2, add on node1: one unit, two
       * reads before, two read back. */
      g_assert_cmpuint (deck_plan_get_units (plan)->len, ==, 1);
      unit = g_ptr_array_index (deck_plan_get_units (plan), 0);
      g_assert_true (unit->relink);
      g_assert_cmpuint (unit->operations->len, ==, 3);
      g_assert_cmpuint (deck_plan_get_n_operations (plan), ==, 3);
      g_assert_cmpuint (deck_plan_get_n_reads (plan), ==, 4);
      g_assert_cmpuint (deck_plan_get_n_requests (plan), ==, 7);
      op = g_ptr_array_index (unit->operations, 0);
      g_assert_cmpint (op->kind, ==, DECK_PLAN_OP_REMOVE_NODE);
      g_assert_cmpstr (op->instance_id, ==, "inst-a");
      g_assert_cmpstr (op->peer, ==, "node2");
      op = g_ptr_array_index (unit->operations, 1);
      g_assert_cmpint (op->kind, ==, DECK_PLAN_OP_REMOVE_NODE);
      g_assert_cmpstr (op->instance_id, ==, "inst-b");
      g_assert_cmpstr (op->peer, ==, "node1");
      op = g_ptr_array_index (unit->operations, 2);
      g_assert_cmpint (op->kind, ==, DECK_PLAN_OP_ADD_NODE);
      g_assert_cmpstr (op->instance_id, ==, "inst-a");
      g_assert_cmpstr (op->url, ==, NODE2_URL);
      g_assert_true (op->relink);
      g_assert_true (op->needs_authorization);
      assert_sub (op->subscriptions, "shop", "product", TRUE, TRUE);
      ops = deck_plan_get_operations (plan, "inst-b");
      g_assert_cmpuint (ops->len, ==, 1);

      text = deck_plan_describe (plan);
      g_assert_nonnull (strstr (text, "is made anew"));
      g_assert_null (strstr (text, "Basic "));

      /* Nothing changed since: no drift (a link made anew is not a mesh). */
      g_assert_true (deck_plan_check_links_drift (plan, fresh, NULL, &error));
      g_assert_no_error (error);
    }
}

/* Without the peer's state, half a relink is not planned. */
static void
test_relink_peer_unread (void)
{
  g_autoptr(GHashTable) statuses = relink_statuses (FALSE);
  g_autoptr(GHashTable) versions = versions_of ("4.7.29", "4.7.29");
  g_autoptr(DeckChangeSet) changes = deck_change_set_new ();
  g_autoptr(DeckPlan) plan = NULL;
  const DeckPlanProblem *problem;

  stage (changes, statuses, "inst-a", "node2", "shop", "product", TRUE, TRUE);
  plan = deck_plan_new_versioned (changes, statuses, NULL, NULL, versions);
  g_assert_cmpuint (deck_plan_get_n_requests (plan), ==, 0);
  g_assert_cmpuint (deck_plan_get_problems (plan)->len, ==, 1);
  problem = g_ptr_array_index (deck_plan_get_problems (plan), 0);
  g_test_message ("%s", problem->message);
  g_assert_nonnull (strstr (problem->message, "node2"));
  g_assert_nonnull (strstr (problem->message, "not loaded"));
}

/* The grid's model ---------------------------------------------------------- */

static const char *own_schema_json =
  "{ \"shop\": { \"product\": { \"name\": \"product\", \"hash_attribute\": \"id\", \"record_count\": 1 },"
  "              \"order\": { \"name\": \"order\", \"hash_attribute\": \"id\", \"record_count\": 0 } },"
  "  \"system\": { \"hdb_user\": { \"name\": \"hdb_user\", \"hash_attribute\": \"username\" } } }";

static const char *peer_schema_json =
  "{ \"shop\": { \"product\": { \"name\": \"product\", \"hash_attribute\": \"id\", \"record_count\": 1 },"
  "              \"review\": { \"name\": \"review\", \"hash_attribute\": \"id\", \"record_count\": 0 } } }";

static DeckReplicationItem *
find_item (GListModel *model,
           const char *peer,
           const char *database,
           const char *table)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(DeckReplicationItem) item = g_list_model_get_item (model, i);

      if (g_str_equal (deck_replication_item_get_peer (item), peer) &&
          g_str_equal (deck_replication_item_get_database (item), database) &&
          g_str_equal (deck_replication_item_get_table (item), table))
        return item;
    }
  return NULL;
}

static void
test_model_build (void)
{
  g_autoptr(HdbClusterStatus) status = parse_status (native_status_json);
  g_autoptr(HdbSchema) own = parse_schema (own_schema_json);
  g_autoptr(GHashTable) peers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                       (GDestroyNotify) hdb_schema_free);
  g_autoptr(GHashTable) labels = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(DeckChangeSet) changes = deck_change_set_new ();
  g_autoptr(GListStore) model = NULL;
  DeckReplicationItem *item;

  g_hash_table_insert (peers, (gpointer) "node2", parse_schema (peer_schema_json));
  g_hash_table_insert (labels, (gpointer) "node2", (gpointer) "Second");
  model = deck_replication_model_build ("inst-a", status, own, peers, labels, changes);

  /* node2: order, product, review (union, no system); node3 (not read):
   * order and product from this side. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 5);
  item = find_item (G_LIST_MODEL (model), "node2", "shop", "product");
  g_assert_nonnull (item);
  g_assert_cmpstr (deck_replication_item_get_peer_label (item), ==, "Second");
  g_assert_false (deck_replication_item_get_value (item, DECK_REPLICATION_PUBLISH));
  g_assert_true (deck_replication_item_get_value (item, DECK_REPLICATION_SUBSCRIBE));
  g_assert_null (deck_replication_item_get_state (item));
  item = find_item (G_LIST_MODEL (model), "node2", "shop", "review");
  g_assert_cmpstr (deck_replication_item_get_state (item), ==, "Missing on this instance");
  item = find_item (G_LIST_MODEL (model), "node2", "shop", "order");
  g_assert_cmpstr (deck_replication_item_get_state (item), ==, "Missing on Second");
  item = find_item (G_LIST_MODEL (model), "node3", "shop", "order");
  g_assert_true (deck_replication_item_get_full_replication (item));
  g_assert_true (deck_replication_item_get_value (item, DECK_REPLICATION_PUBLISH));
  g_assert_null (find_item (G_LIST_MODEL (model), "node2", "system", "hdb_user"));
  g_assert_null (find_item (G_LIST_MODEL (model), "node1", "shop", "product"));

  /* By peer as the status lists them, then database and table: the tables
   * of every peer are sorted once for all of them. */
  {
    static const char *expected[][2] = {
      { "node2", "order" }, { "node2", "product" }, { "node2", "review" },
      { "node3", "order" }, { "node3", "product" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      {
        g_autoptr(DeckReplicationItem) row = g_list_model_get_item (G_LIST_MODEL (model), i);

        g_assert_cmpstr (deck_replication_item_get_peer (row), ==, expected[i][0]);
        g_assert_cmpstr (deck_replication_item_get_table (row), ==, expected[i][1]);
      }
  }
  /* The search text is made at the first filter, from the shared names. */
  item = find_item (G_LIST_MODEL (model), "node2", "shop", "review");
  g_assert_true (deck_replication_item_matches (item, "second node2 shop.review"));
  g_assert_false (deck_replication_item_matches (item, "node3"));
}

static void
count_notify (guint *n)
{
  (*n)++;
}

static void
test_model_stage_sync_filter (void)
{
  g_autoptr(HdbClusterStatus) status = parse_status (native_status_json);
  g_autoptr(HdbSchema) own = parse_schema (own_schema_json);
  g_autoptr(DeckChangeSet) changes = deck_change_set_new ();
  g_autoptr(GListStore) model = deck_replication_model_build ("inst-a", status, own, NULL, NULL,
                                                              changes);
  g_autoptr(GListStore) again = NULL;
  g_autofree char *needle = g_utf8_casefold ("NODE2 prod", -1);
  DeckReplicationItem *item = find_item (G_LIST_MODEL (model), "node2", "shop", "product");
  DeckToggle publish, subscribe;
  guint n_notify = 0;

  g_signal_connect_swapped (item, "notify::publish-changed", G_CALLBACK (count_notify), &n_notify);
  deck_replication_item_stage (item, changes, DECK_REPLICATION_PUBLISH, TRUE);
  g_assert_true (deck_replication_item_get_changed (item, DECK_REPLICATION_PUBLISH));
  g_assert_false (deck_replication_item_get_changed (item, DECK_REPLICATION_SUBSCRIBE));
  g_assert_cmpuint (n_notify, ==, 1);
  g_assert_true (deck_change_set_get (changes, "inst-a", "node2", "shop", "product",
                                      &publish, &subscribe));
  g_assert_cmpint (publish, ==, DECK_TOGGLE_ON);
  g_assert_cmpint (subscribe, ==, DECK_TOGGLE_UNCHANGED);

  /* A model built again (a reload) shows what is staged. */
  again = deck_replication_model_build ("inst-a", status, own, NULL, NULL, changes);
  g_assert_true (deck_replication_item_get_value (
    find_item (G_LIST_MODEL (again), "node2", "shop", "product"), DECK_REPLICATION_PUBLISH));

  /* Discarding shows the baseline again. */
  deck_change_set_clear (changes);
  g_assert_cmpuint (deck_replication_model_sync (G_LIST_MODEL (model), changes), ==, 1);
  g_assert_false (deck_replication_item_get_value (item, DECK_REPLICATION_PUBLISH));
  g_assert_cmpuint (n_notify, ==, 2);

  g_assert_true (deck_replication_item_matches (item, needle));
  g_assert_true (deck_replication_item_matches (item, NULL));
  g_assert_false (deck_replication_item_matches (item, "node3"));
  g_assert_false (deck_replication_item_matches (
    find_item (G_LIST_MODEL (model), "node2", "shop", "order"), needle));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/plan/one-toggle", test_one_toggle);
  g_test_add_func ("/plan/many-toggles-one-request", test_many_toggles_one_request);
  g_test_add_func ("/plan/thousand-toggles-ten-peers", test_thousand_toggles_ten_peers);
  g_test_add_func ("/plan/full-replication", test_full_replication);
  g_test_add_func ("/plan/nats", test_nats);
  g_test_add_func ("/plan/problems", test_problems);
  g_test_add_func ("/plan/describe", test_describe);
  g_test_add_func ("/plan/drift", test_drift);
  g_test_add_func ("/plan/drift-already-applied", test_drift_already_applied);
  g_test_add_func ("/plan/links-drift", test_links_drift);
  g_test_add_func ("/plan/mesh", test_mesh);
  g_test_add_func ("/plan/mesh-problems", test_mesh_problems);
  g_test_add_func ("/plan/relink", test_relink);
  g_test_add_func ("/plan/relink-peer-unread", test_relink_peer_unread);
  g_test_add_func ("/change-set/staging-baseline-removes", test_staging_baseline_removes);
  g_test_add_func ("/change-set/inverse", test_inverse);
  g_test_add_func ("/model/build", test_model_build);
  g_test_add_func ("/model/stage-sync-filter", test_model_stage_sync_filter);

  return g_test_run ();
}
