/* test-schema-diff.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Missing databases and tables: found from two schemas (describe_all as a
 * real 4.4.18 server answered it, captured in tests/fixtures/hdb/, against an
 * empty one), then created on a real Harper node of the version under test
 * (HARPER_VERSION), twice (the second time finds them there).
 */

#include "deck-schema-diff.h"
#include "harper-fixture.h"
#include "hdb-parse.h"
#include "hdb-test-helpers.h"

static HdbSchema *
load_schema (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "hdb", name, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  HdbSchema *schema;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  schema = hdb_parse_describe_all (json_parser_get_root (parser), &error);
  g_assert_no_error (error);
  return schema;
}

static void
test_diff (void)
{
  g_autoptr(HdbSchema) full = load_schema ("describe_all.json");
  g_autoptr(HdbSchema) empty = load_schema ("describe_all_empty.json");
  g_autoptr(GPtrArray) missing = deck_schema_diff_missing (full, empty);
  g_autoptr(GPtrArray) none = deck_schema_diff_missing (empty, full);
  g_autoptr(GPtrArray) same = deck_schema_diff_missing (full, full);
  g_autofree char *text = deck_schema_diff_describe (missing);
  const DeckMissingTable *m;

  g_assert_cmpuint (missing->len, ==, 3);
  g_assert_cmpstr (text, ==, "crm.customer, shop.order, shop.product");
  m = g_ptr_array_index (missing, 0);
  g_assert_true (m->database_missing);
  g_assert_cmpstr (m->primary_key, ==, "id");
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpuint (same->len, ==, 0);
}

static void
test_create_on_real_node (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HarperFixture) node = harper_fixture_start (1, HARPER_FIXTURE_UNCONFIGURED, &error);
  g_autoptr(HdbClient) client = NULL;
  g_autoptr(HdbSchema) full = load_schema ("describe_all.json");
  g_autoptr(HdbSchema) now = NULL;
  g_autoptr(HdbSchema) after = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(GPtrArray) left = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *db = NULL;

  g_assert_no_error (error);
  client = hdb_test_client (harper_fixture_get_url (node, 0), harper_fixture_get_username (node),
                            harper_fixture_get_password (node));

  /* The node has one of the databases already, without its tables. */
  db = HDB_SYNC (client, create_database, &error, "shop");
  g_assert_no_error (error);

  now = HDB_SYNC (client, describe_all, &error);
  g_assert_no_error (error);
  missing = deck_schema_diff_missing (full, now);
  g_assert_cmpuint (missing->len, ==, 3);

  TEST_AWAIT (result, 60000,
              deck_schema_create_missing_async (client, missing, NULL, test_util_store_result,
                                                &result));
  g_assert_true (deck_schema_create_missing_finish (client, result, &error));
  g_assert_no_error (error);

  after = HDB_SYNC (client, describe_all, &error);
  g_assert_no_error (error);
  left = deck_schema_diff_missing (full, after);
  g_assert_cmpuint (left->len, ==, 0);
  g_assert_nonnull (hdb_schema_find_table (after, "crm", "customer"));

  /* Again: everything exists, which is no error. */
  g_clear_object (&result);
  TEST_AWAIT (result, 60000,
              deck_schema_create_missing_async (client, missing, NULL, test_util_store_result,
                                                &result));
  g_assert_true (deck_schema_create_missing_finish (client, result, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/schema-diff/missing", test_diff);
  g_test_add_func ("/schema-diff/create-on-real-node", test_create_on_real_node);

  return g_test_run ();
}
