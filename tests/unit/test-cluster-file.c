/* test-cluster-file.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cluster as a file without a server: the format read back as written,
 * hostile files refused with the problem named, the change set a file asks
 * for against a loaded state (with what a change set cannot do listed), and
 * the consistency check's pairs and counts.
 */

#include <glib.h>

#include "deck-cluster-check.h"
#include "deck-cluster-file.h"
#include "deck-json-schema.h"
#include "deck-cluster-health.h"
#include "deck-cluster-state.h"
#include "hdb-json.h"
#include "hdb-parse.h"

/* node1 has node2 with clidb.dog published and subscribed, ctldb.ctl
 * subscribed only; node2 mirrors it. */
static const char *node1_status =
  "{\"type\": \"cluster-status\", \"node_name\": \"n1\", \"is_enabled\": true,"
  " \"connections\": [{\"url\": \"ws://127.0.0.1:1\", \"name\": \"n2\","
  "  \"subscriptions\": [{\"database\": \"clidb\", \"table\": \"dog\", \"publish\": true, \"subscribe\": true},"
  "                      {\"database\": \"ctldb\", \"table\": \"ctl\", \"publish\": false, \"subscribe\": true}],"
  "  \"database_sockets\": []}]}";
static const char *node2_status =
  "{\"type\": \"cluster-status\", \"node_name\": \"n2\", \"is_enabled\": true,"
  " \"connections\": [{\"url\": \"ws://127.0.0.1:2\", \"name\": \"n1\","
  "  \"subscriptions\": [{\"database\": \"clidb\", \"table\": \"dog\", \"publish\": true, \"subscribe\": true},"
  "                      {\"database\": \"ctldb\", \"table\": \"ctl\", \"publish\": true, \"subscribe\": false}],"
  "  \"database_sockets\": []}]}";
static const char *node1_schema =
  "{\"clidb\": {\"dog\": {\"name\": \"dog\", \"hash_attribute\": \"id\", \"record_count\": 5}},"
  " \"ctldb\": {\"ctl\": {\"name\": \"ctl\", \"hash_attribute\": \"id\", \"record_count\": 7}}}";
static const char *node2_schema =
  "{\"clidb\": {\"dog\": {\"name\": \"dog\", \"hash_attribute\": \"id\", \"record_count\": 4}},"
  " \"ctldb\": {\"ctl\": {\"name\": \"ctl\", \"hash_attribute\": \"id\", \"record_count\": 7}}}";

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = hdb_json_parse (json, strlen (json), 1 << 20, &error);

  g_assert_no_error (error);
  return node;
}

static DeckClusterState *
make_state (void)
{
  DeckClusterState *state = g_new0 (DeckClusterState, 1);
  const char *statuses[] = { node1_status, node2_status };
  const char *schemas[] = { node1_schema, node2_schema };

  state->instances = g_ptr_array_new_with_free_func (g_object_unref);
  state->statuses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) hdb_cluster_status_free);
  state->schemas = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) hdb_schema_free);
  state->unreadable = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *id = g_strdup_printf ("id%u", i + 1);
      g_autofree char *name = g_strdup_printf ("node%u", i + 1);
      g_autoptr(JsonNode) status = parse (statuses[i]);
      g_autoptr(JsonNode) schema = parse (schemas[i]);
      g_autoptr(GError) error = NULL;
      HdbClusterStatus *parsed = hdb_parse_cluster_status (status, &error);

      g_assert_no_error (error);
      g_ptr_array_add (state->instances,
                       deck_instance_new (id, "org", name, "http://127.0.0.1:9925", "admin"));
      g_hash_table_insert (state->statuses, g_strdup (id), parsed);
      g_hash_table_insert (state->schemas, g_strdup (id), hdb_parse_describe_all (schema, NULL));
    }
  return state;
}

static void
test_round_trip (void)
{
  g_autoptr(DeckClusterState) state = make_state ();
  g_autoptr(DeckClusterFile) file = deck_cluster_state_export (state, "Demo");
  g_autoptr(DeckClusterFile) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = deck_cluster_file_to_data (file, NULL);
  g_autofree char *text_again = NULL;

  g_assert_null (strstr (text, "Basic"));
  again = deck_cluster_file_parse (text, strlen (text), &error);
  g_assert_no_error (error);
  text_again = deck_cluster_file_to_data (again, NULL);
  g_assert_cmpstr (text, ==, text_again);
  g_assert_cmpstr (again->organization, ==, "Demo");
  g_assert_cmpuint (again->instances->len, ==, 2);
}

static void
test_hostile (void)
{
  static const struct { const char *json; const char *named; GQuark domain; int code; } cases[] = {
    { "", "no JSON", 0, DECK_CLUSTER_FILE_ERROR_INVALID },
    { "[1]", "object", 0, DECK_CLUSTER_FILE_ERROR_INVALID },
    { "{\"version\": 1, \"instances\": []}", "format", 0, DECK_CLUSTER_FILE_ERROR_INVALID },
    { "{\"format\": \"clusterdeck-cluster\", \"version\": 2, \"instances\": []}", "newer", 0,
      DECK_CLUSTER_FILE_ERROR_NEWER },
    { "{\"format\": \"clusterdeck-cluster\", \"version\": 1}", "instances", 0,
      DECK_CLUSTER_FILE_ERROR_INVALID },
    { "{\"format\": \"clusterdeck-cluster\", \"version\": 1, \"instances\": [7]}", "instance 1", 0,
      DECK_CLUSTER_FILE_ERROR_INVALID },
    { "{\"format\": \"clusterdeck-cluster\", \"version\": 1, \"instances\": [{\"name\": \"\"}]}",
      "empty", 0, DECK_CLUSTER_FILE_ERROR_INVALID },
    { "{\"format\": \"clusterdeck-cluster\", \"version\": 1, \"instances\": [{\"name\": \"a\", "
      "\"engine\": \"plexus\"}]}", "engine", 0, DECK_CLUSTER_FILE_ERROR_INVALID },
    { "{\"format\": \"clusterdeck-cluster\", \"version\": 1, \"instances\": [{\"name\": \"a\", "
      "\"connections\": [{\"peer\": \"b\"}, {\"peer\": \"b\"}]}]}", "two connections", 0,
      DECK_CLUSTER_FILE_ERROR_INVALID },
    { "{\"format\": \"clusterdeck-cluster\", \"version\": 1, \"instances\": [{\"name\": \"a\", "
      "\"connections\": [{\"peer\": \"b\", \"full_replication\": 1}]}]}", "full_replication", 0,
      DECK_CLUSTER_FILE_ERROR_INVALID },
    { "{\"format\": \"clusterdeck-cluster\", \"version\": 1, \"instances\": [{\"name\": \"a\", "
      "\"connections\": [{\"peer\": \"b\", \"subscriptions\": [{\"database\": \"d\", \"table\": "
      "\"t\", \"publish\": true}]}]}]}", "subscribe", 0, DECK_CLUSTER_FILE_ERROR_INVALID },
    { "{\"format\": \"clusterdeck-cluster\", \"version\": 1, \"instances\": [{\"name\": \"a\", "
      "\"connections\": [{\"peer\": \"b\", \"subscriptions\": ["
      "{\"database\": \"d\", \"table\": \"t\", \"publish\": true, \"subscribe\": true},"
      "{\"database\": \"d\", \"table\": \"t\", \"publish\": false, \"subscribe\": true}]}]}]}",
      "twice", 0, DECK_CLUSTER_FILE_ERROR_INVALID },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DeckClusterFile) file = deck_cluster_file_parse (cases[i].json,
                                                                 strlen (cases[i].json), &error);

      g_assert_null (file);
      g_assert_error (error, DECK_CLUSTER_FILE_ERROR, cases[i].code);
      if (strstr (error->message, cases[i].named) == NULL)
        g_error ("case %u: “%s” does not name “%s”", i, error->message, cases[i].named);
    }
}

/* The format's JSON Schema, on its own: it refuses what the reader refuses
 * for its form (the reader's semantic rules, a name or a pair listed twice,
 * are beyond a schema and said in its description), it takes what the
 * writer writes, and it is the file installed for other tools. */
static void
test_schema (void)
{
  static const struct { const char *json; const char *where; } refused[] = {
    { "[1]", "the document is not an object" },
    { "{\"version\": 1, \"instances\": []}", "has no “format”" },
    { "{\"format\": \"clusterdeck-cluster\", \"version\": 1}", "has no “instances”" },
    { "{\"format\": \"clusterdeck-kluster\", \"version\": 1, \"instances\": []}", "format is not" },
    { "{\"format\": \"clusterdeck-cluster\", \"version\": 1, \"instances\": [7]}",
      "instances[0] is not an object" },
    { "{\"format\": \"clusterdeck-cluster\", \"version\": 1, \"instances\": [{\"name\": \"\"}]}",
      "instances[0].name is empty" },
    { "{\"format\": \"clusterdeck-cluster\", \"version\": 1, \"instances\": [{\"name\": \"a\", "
      "\"engine\": \"plexus\"}]}", "instances[0].engine is not one of" },
    { "{\"format\": \"clusterdeck-cluster\", \"version\": 1, \"instances\": [{\"name\": \"a\", "
      "\"connections\": [{\"peer\": \"b\", \"full_replication\": 1}]}]}",
      "instances[0].connections[0].full_replication is not true or false" },
    { "{\"format\": \"clusterdeck-cluster\", \"version\": 1, \"instances\": [{\"name\": \"a\", "
      "\"connections\": [{\"peer\": \"b\", \"subscriptions\": [{\"database\": \"d\", \"table\": "
      "\"t\", \"publish\": true}]}]}]}", "subscriptions[0] has no “subscribe”" },
    { "{\"format\": \"clusterdeck-cluster\", \"version\": 1, \"instances\": [{\"name\": \"a\", "
      "\"connections\": [{\"peer\": \"b\", \"subscriptions\": [{\"database\": \"d\", \"table\": "
      "\"t\", \"publish\": \"yes\", \"subscribe\": true}]}]}]}",
      "subscriptions[0].publish is not true or false" },
  };
  JsonNode *schema = deck_cluster_file_get_schema ();
  g_autoptr(DeckClusterState) state = make_state ();
  g_autoptr(DeckClusterFile) file = deck_cluster_state_export (state, "Demo");
  g_autofree char *text = deck_cluster_file_to_data (file, NULL);
  g_autoptr(JsonNode) written = json_from_string (text, NULL);
  g_autofree char *installed_path = g_test_build_filename (G_TEST_DIST, "..", "..", "data",
                                                           "clusterdeck-cluster-1.schema.json",
                                                           NULL);
  g_autofree char *installed_text = NULL;
  g_autoptr(JsonNode) installed = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(JsonNode) value = json_from_string (refused[i].json, NULL);
      g_autoptr(GError) broken = NULL;

      g_assert_nonnull (value);
      g_assert_false (deck_json_schema_validate (schema, value, &broken));
      g_assert_error (broken, DECK_JSON_SCHEMA_ERROR, DECK_JSON_SCHEMA_ERROR_INVALID);
      g_test_message ("schema: %s", broken->message);
      if (strstr (broken->message, refused[i].where) == NULL)
        g_error ("case %u: “%s” does not say “%s”", i, broken->message, refused[i].where);
    }

  /* What the writer writes, and a member the format does not know. */
  g_assert_true (deck_json_schema_validate (schema, written, &error));
  g_assert_no_error (error);
  json_object_set_string_member (json_node_get_object (written), "comment", "kept for later");
  g_assert_true (deck_json_schema_validate (schema, written, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (installed_path, &installed_text, NULL, &error));
  g_assert_no_error (error);
  installed = json_from_string (installed_text, &error);
  g_assert_no_error (error);
  g_assert_true (json_node_equal (installed, schema));
}

static void
test_diff (void)
{
  g_autoptr(DeckClusterState) state = make_state ();
  g_autoptr(DeckClusterFile) file = deck_cluster_state_export (state, "Demo");
  g_autoptr(DeckChangeSet) none = NULL;
  g_autoptr(DeckChangeSet) changes = NULL;
  g_autoptr(GPtrArray) unresolved = NULL;
  DeckClusterFileInstance *node1;
  DeckClusterFileLink *link;
  HdbSubscription *dog;
  const DeckChange *change;

  /* The live state against its own export: nothing to do. */
  none = deck_cluster_state_diff (state, file, &unresolved);
  g_assert_cmpuint (deck_change_set_get_n_changes (none), ==, 0);
  g_assert_cmpuint (unresolved->len, ==, 0);
  g_clear_pointer (&unresolved, g_ptr_array_unref);

  /* The file wants clidb.dog not published by node1, a link to n3 that does
   * not exist, and no longer lists node2's link. */
  node1 = g_ptr_array_index (file->instances, 0);
  link = g_ptr_array_index (node1->links, 0);
  dog = g_ptr_array_index (link->subscriptions, 0);
  g_assert_cmpstr (dog->table, ==, "dog");
  dog->publish = FALSE;
  deck_cluster_file_add_link (node1, "n3", NULL, FALSE);
  g_ptr_array_set_size (((DeckClusterFileInstance *) g_ptr_array_index (file->instances, 1))->links, 0);

  changes = deck_cluster_state_diff (state, file, &unresolved);
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 1);
  change = deck_change_set_lookup (changes, "id1", "n2", "clidb", "dog");
  g_assert_nonnull (change);
  g_assert_cmpint (change->publish, ==, DECK_TOGGLE_OFF);
  g_assert_cmpint (change->subscribe, ==, DECK_TOGGLE_UNCHANGED);
  g_assert_true (change->baseline.publish);
  g_assert_cmpuint (unresolved->len, ==, 2);
  g_assert_nonnull (strstr (g_ptr_array_index (unresolved, 0), "connect node1 n3"));
  g_assert_nonnull (strstr (g_ptr_array_index (unresolved, 1), "disconnect node2 node1"));
}

/* A native change asked for from both sides (the file read from both
 * nodes' mirrored records) is sent once, from the first instance. */
static void
test_diff_mirror (void)
{
  g_autoptr(DeckClusterState) state = make_state ();
  g_autoptr(DeckClusterFile) file = deck_cluster_state_export (state, "Demo");
  g_autoptr(DeckChangeSet) changes = NULL;
  g_autoptr(GPtrArray) unresolved = NULL;
  DeckClusterFileInstance *node1 = g_ptr_array_index (file->instances, 0);
  DeckClusterFileInstance *node2 = g_ptr_array_index (file->instances, 1);
  DeckClusterFileLink *link1 = g_ptr_array_index (node1->links, 0);
  DeckClusterFileLink *link2 = g_ptr_array_index (node2->links, 0);

  ((HdbSubscription *) g_ptr_array_index (link1->subscriptions, 0))->publish = FALSE;
  ((HdbSubscription *) g_ptr_array_index (link2->subscriptions, 0))->subscribe = FALSE;
  changes = deck_cluster_state_diff (state, file, &unresolved);
  g_assert_cmpuint (unresolved->len, ==, 0);
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 1);
  g_assert_nonnull (deck_change_set_lookup (changes, "id1", "n2", "clidb", "dog"));

  /* A mirror that does not match (edited by hand) is kept on both sides. */
  ((HdbSubscription *) g_ptr_array_index (link2->subscriptions, 0))->publish = FALSE;
  g_clear_object (&changes);
  g_clear_pointer (&unresolved, g_ptr_array_unref);
  changes = deck_cluster_state_diff (state, file, &unresolved);
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 2);
}

static void
test_check (void)
{
  g_autoptr(DeckClusterState) state = make_state ();
  g_autoptr(GPtrArray) skipped = NULL;
  g_autoptr(GPtrArray) rows = deck_cluster_check (state, &skipped);
  const DeckCheckRow *dog, *ctl;

  g_assert_cmpuint (skipped->len, ==, 0);
  /* Both sides list the link: one row per table. */
  g_assert_cmpuint (rows->len, ==, 2);
  dog = g_ptr_array_index (rows, 0);
  ctl = g_ptr_array_index (rows, 1);
  g_assert_cmpstr (dog->table, ==, "dog");
  g_assert_cmpstr (dog->instance, ==, "node1");
  g_assert_cmpstr (dog->peer, ==, "node2");
  g_assert_cmpint (dog->instance_count, ==, 5);
  g_assert_cmpint (dog->peer_count, ==, 4);
  g_assert_true (dog->differs);
  g_assert_true (dog->to_peer && dog->from_peer);
  g_assert_cmpstr (ctl->table, ==, "ctl");
  g_assert_false (ctl->differs);
  g_assert_false (ctl->to_peer);
  g_assert_true (ctl->from_peer);
}

/* The first reading is all new; an instance that stops answering is one
 * change (its links are not reported "gone": nothing is known of them);
 * one that answers again without a link reports the link gone. */
static void
test_health (void)
{
  g_autoptr(DeckClusterState) state = make_state ();
  g_autoptr(GPtrArray) first = deck_cluster_health_read (state);
  g_autoptr(GPtrArray) all = deck_cluster_health_changes (NULL, first);
  g_autoptr(GPtrArray) same = deck_cluster_health_changes (first, first);
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GPtrArray) third = NULL;
  g_autoptr(GPtrArray) gone = NULL;
  const DeckHealthItem *item;
  HdbClusterStatus *status;

  /* Two instances and their links (no database sockets in the fixture:
   * each link as a whole). */
  g_assert_cmpuint (first->len, ==, 4);
  g_assert_cmpuint (all->len, ==, 4);
  g_assert_cmpuint (same->len, ==, 0);

  g_hash_table_remove (state->statuses, "id2");
  g_hash_table_insert (state->unreadable, g_strdup ("id2"), g_strdup ("timed out"));
  second = deck_cluster_health_read (state);
  changes = deck_cluster_health_changes (first, second);
  g_assert_cmpuint (changes->len, ==, 1);
  item = g_ptr_array_index (changes, 0);
  g_assert_cmpstr (item->instance, ==, "node2");
  g_assert_null (item->peer);
  g_assert_cmpstr (item->state, ==, "unreachable");
  g_assert_cmpstr (item->detail, ==, "timed out");

  status = g_hash_table_lookup (state->statuses, "id1");
  g_ptr_array_set_size (status->connections, 0);
  third = deck_cluster_health_read (state);
  gone = deck_cluster_health_changes (second, third);
  g_assert_cmpuint (gone->len, ==, 1);
  item = g_ptr_array_index (gone, 0);
  g_assert_cmpstr (item->instance, ==, "node1");
  g_assert_cmpstr (item->peer_node, ==, "n2");
  g_assert_cmpstr (item->state, ==, "gone");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cluster-file/round-trip", test_round_trip);
  g_test_add_func ("/cluster-file/hostile", test_hostile);
  g_test_add_func ("/cluster-file/schema", test_schema);
  g_test_add_func ("/cluster-file/diff", test_diff);
  g_test_add_func ("/cluster-file/diff-mirror", test_diff_mirror);
  g_test_add_func ("/cluster-file/check", test_check);
  g_test_add_func ("/cluster-file/health", test_health);
  return g_test_run ();
}
