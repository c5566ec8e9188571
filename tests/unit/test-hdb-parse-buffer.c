/* test-hdb-parse-buffer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * hdb_parse_buffer(), the entry point fuzz targets will use: every parser
 * on the raw bytes of the captured answers it reads (tests/fixtures/hdb,
 * the future seed corpus), and on bytes no parser should accept.
 */

#include <string.h>

#include "hdb-parse-buffer.h"
#include "hdb-error.h"

static const struct
{
  const char *fixture;
  const char *parser;
} corpus[] = {
  { "registration_info.json", "registration_info" },
  { "user_info_super.json", "user_info" },
  { "user_info_plain.json", "user_info" },
  { "list_users.json", "list_users" },
  { "list_roles.json", "list_roles" },
  { "describe_all.json", "describe_all" },
  { "describe_all_empty.json", "describe_all" },
  { "get_configuration_native.json", "get_configuration" },
  { "get_configuration_native_routes.json", "get_configuration" },
  { "get_configuration_nats.json", "get_configuration" },
  { "get_configuration_unconfigured.json", "get_configuration" },
  { "cluster_status_native_empty.json", "cluster_status" },
  { "cluster_status_native_replicates.json", "cluster_status" },
  { "cluster_status_native_subscriptions.json", "cluster_status" },
  { "cluster_status_nats.json", "cluster_status" },
  { "cluster_status_nats_empty.json", "cluster_status" },
  { "cluster_status_unconfigured.json", "cluster_status" },
  { "system_information_threads.json", "system_information" },
  { "set_configuration.json", "message" },
  { "remove_node.json", "message" },
  { "add_node.json", "node_message" },
  { "update_node_nats.json", "node_message" },
  { "restart.json", "restart" },
  { "restart_service.json", "restart" },
  { "cluster_get_routes_native.json", "cluster_get_routes" },
  { "cluster_get_routes_nats.json", "cluster_get_routes" },
  { "cluster_network_nats.json", "cluster_network" },
  { "error_401.json", "error" },
  { "error_403.json", "error" },
  { "remove_node_missing.json", "error" },
};

static void
test_names (void)
{
  for (guint i = 0; i < HDB_N_PARSERS; i++)
    {
      HdbParserId id;

      g_assert_true (hdb_parser_lookup (hdb_parser_get_name (i), &id));
      g_assert_cmpint (id, ==, i);
    }
  g_assert_false (hdb_parser_lookup ("no_such_operation", &(HdbParserId) { 0 }));
}

static void
test_corpus (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (corpus); i++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "hdb",
                                                     corpus[i].fixture, NULL);
      g_autofree char *data = NULL;
      g_autoptr(GError) error = NULL;
      GDestroyNotify free_func = NULL;
      HdbParserId id;
      gsize length;
      gpointer result;

      g_file_get_contents (path, &data, &length, &error);
      g_assert_no_error (error);
      g_assert_true (hdb_parser_lookup (corpus[i].parser, &id));
      result = hdb_parse_buffer (id, data, length, &free_func, &error);
      g_assert_no_error (error);
      g_assert_nonnull (result);
      g_assert_nonnull (free_func);
      free_func (result);
    }
}

/* Bytes no parser accepts: each gives an error, none a crash or critical. */
static void
test_refused (void)
{
  g_autofree char *deep = g_strnfill (150 * 1024, '[');
  const char *inputs[] = {
    "", "   ", "[", "{", "\xff\xfe", "{\"a\":\"\xc3\x28\"}", "nul", "{\"a\":1,}", "'x'",
    "/* */ {}", "{\"a\":1} {\"b\":2}", "1e999", deep,
  };

  for (guint id = 0; id < HDB_N_PARSERS; id++)
    for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
      {
        g_autoptr(GError) error = NULL;
        GDestroyNotify free_func = NULL;
        gpointer result = hdb_parse_buffer (id, inputs[i], strlen (inputs[i]), &free_func,
                                            &error);

        if (result != NULL)
          g_error ("%s accepted %.40s", hdb_parser_get_name (id), inputs[i]);
        g_assert_error (error, HDB_ERROR, HDB_ERROR_INVALID_RESPONSE);
      }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hdb/parse-buffer/names", test_names);
  g_test_add_func ("/hdb/parse-buffer/corpus", test_corpus);
  g_test_add_func ("/hdb/parse-buffer/refused", test_refused);

  return g_test_run ();
}
