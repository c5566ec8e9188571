/* deck-cli-check.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * clusterdeck-cli check: for each pair of connected instances of an
 * organization and each table that should flow between them, the record
 * counts both sides report (deck-cluster-check.c). The exit status says
 * whether they agree: 0 when every table has the same count on both
 * sides, 1 when one differs (or could not be counted), as diff(1) does.
 */

#define G_LOG_DOMAIN "deck-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-cli.h"
#include "deck-cli-private.h"
#include "deck-cluster-check.h"

static char *opt_org;

static void
add_count (JsonBuilder *builder,
           const char  *member,
           gint64       count)
{
  json_builder_set_member_name (builder, member);
  if (count >= 0)
    json_builder_add_int_value (builder, count);
  else
    json_builder_add_null_value (builder);
}

static void
print_json (GPtrArray *rows,
            GPtrArray *skipped,
            guint      n_differ)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  hdb_json_add_boolean_member (builder, "consistent", n_differ == 0);
  json_builder_set_member_name (builder, "tables");
  json_builder_begin_array (builder);
  for (guint i = 0; i < rows->len; i++)
    {
      const DeckCheckRow *row = g_ptr_array_index (rows, i);

      json_builder_begin_object (builder);
      hdb_json_add_string_member (builder, "instance", row->instance);
      hdb_json_add_string_member (builder, "peer", row->peer);
      hdb_json_add_string_member (builder, "database", row->database);
      hdb_json_add_string_member (builder, "table", row->table);
      hdb_json_add_boolean_member (builder, "to_peer", row->to_peer);
      hdb_json_add_boolean_member (builder, "from_peer", row->from_peer);
      add_count (builder, "instance_count", row->instance_count);
      add_count (builder, "peer_count", row->peer_count);
      hdb_json_add_boolean_member (builder, "equal", !row->differs);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "skipped");
  json_builder_begin_array (builder);
  for (guint i = 0; i < skipped->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (skipped, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  deck_cli_print_json (root);
}

static char *
count_text (gint64 count)
{
  /* "missing" covers a table one side lacks and a count it did not give. */
  return count >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, count) : g_strdup (_("missing"));
}

static void
print_text (GPtrArray *rows,
            GPtrArray *skipped)
{
  for (guint i = 0; i < skipped->len; i++)
    {
      g_autofree char *line = deck_cli_escape (g_ptr_array_index (skipped, i));

      g_printerr ("%s\n", line);
    }
  for (guint i = 0; i < rows->len; i++)
    {
      const DeckCheckRow *row = g_ptr_array_index (rows, i);
      g_autofree char *line = NULL;
      g_autofree char *shown = NULL;
      g_autofree char *a = count_text (row->instance_count);
      g_autofree char *b = count_text (row->peer_count);
      const char *arrow = row->to_peer && row->from_peer ? "↔" : row->to_peer ? "→" : "←";

      if (!row->differs)
        continue;
      line = g_strdup_printf (_("%s.%s differs: %s has %s records, %s has %s (%s %s %s)"),
                              row->database, row->table, row->instance, a, row->peer, b,
                              row->instance, arrow, row->peer);
      shown = deck_cli_escape (line);
      g_print ("%s\n", shown);
    }
  {
    g_autofree char *summary = deck_cluster_check_summary (rows);

    g_print ("%s\n", summary);
  }
}

static int
cmd_check (DeckCli  *cli,
           int       argc,
           char    **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DeckClusterState) state = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) skipped = NULL;
  DeckOrganization *org = deck_cli_find_organization (cli, opt_org, &error);
  guint n_differ;

  if (org == NULL)
    return deck_cli_fail_error (error);

  state = deck_cli_read_cluster (cli, org);
  rows = deck_cluster_check (state, &skipped);
  n_differ = deck_cluster_check_count_differ (rows);

  if (cli->json)
    print_json (rows, skipped, n_differ);
  else
    print_text (rows, skipped);
  return n_differ == 0 ? DECK_CLI_EXIT_OK : DECK_CLI_EXIT_FAILURE;
}

static const GOptionEntry check_entries[] = {
  { "org", 0, 0, G_OPTION_ARG_STRING, &opt_org,
    N_("The organization (needed when there are several)"), N_("ORG") },
  { NULL }
};

const DeckCliCommand deck_cli_check_commands[] = {
  { NULL, "check", N_("[--org ORG]"),
    N_("Compare the record counts of the tables that flow between connected instances"),
    NULL, check_entries, 0, 0, cmd_check },
  { NULL }
};
