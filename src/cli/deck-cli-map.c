/* deck-cli-map.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * clusterdeck-cli map: the cluster map of an organization as SVG
 * (deck-map-model.c), from the state that `export` and `check` read.
 * The command line links no drawing library, so it writes SVG only; the
 * window exports PNG.
 */

#define G_LOG_DOMAIN "deck-cli"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "deck-cli.h"
#include "deck-cli-private.h"
#include "deck-map-model.h"

static char *opt_org;
static char *opt_output;

static int
cmd_map (DeckCli  *cli,
         int       argc,
         char    **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DeckClusterState) state = NULL;
  g_autoptr(DeckMapModel) map = NULL;
  g_autofree char *svg = NULL;
  gboolean to_stdout = opt_output == NULL || g_str_equal (opt_output, "-");
  DeckOrganization *org;
  int status;

  /* Said before anything is read: a wrong name costs no round trip. */
  if (!to_stdout && !g_str_has_suffix (opt_output, ".svg") &&
      !g_str_has_suffix (opt_output, ".SVG"))
    return deck_cli_usage_error ("map", _("The command line writes SVG only: give a FILE "
                                          "ending in .svg, or “-” (export PNG from the "
                                          "window)."));

  org = deck_cli_find_organization (cli, opt_org, &error);
  if (org == NULL)
    return deck_cli_fail_error (error);

  state = deck_cli_read_cluster (cli, org);
  /* An instance that could not be read is on the map, marked unreachable
   * with the reason in its title; the warning says it here too. */
  for (guint i = 0; i < state->instances->len; i++)
    {
      DeckInstance *instance = g_ptr_array_index (state->instances, i);
      const char *why = g_hash_table_lookup (state->unreadable, deck_instance_get_id (instance));

      if (why != NULL)
        deck_cli_warn ("unreadable", _("“%s” could not be read: %s"),
                       deck_instance_get_name (instance), why);
    }
  /* As export: the picture is written, the status says it is partial. */
  status = g_hash_table_size (state->unreadable) > 0 ? DECK_CLI_EXIT_PARTIAL : DECK_CLI_EXIT_OK;
  map = deck_map_model_new (state);
  svg = deck_map_model_to_svg (map, deck_organization_get_name (org));

  if (to_stdout)
    {
      /* Written as is: the SVG escapes every name itself. */
      fputs (svg, stdout);
      fflush (stdout);
      return status;
    }
  /* Atomic, as export is: a failed write leaves the old picture. */
  if (!g_file_set_contents_full (opt_output, svg, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                 &error))
    return deck_cli_fail_code ("io", "%s", error->message);
  return status;
}

static const GOptionEntry map_entries[] = {
  { "org", 0, 0, G_OPTION_ARG_STRING, &opt_org,
    N_("The organization (needed when there are several)"), N_("ORG") },
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output,
    N_("Write the SVG to FILE instead of standard output"), N_("FILE") },
  { NULL }
};

const DeckCliCommand deck_cli_map_commands[] = {
  { NULL, "map", N_("[--org ORG] [-o FILE.svg]"),
    N_("Draw the organization’s instances and links as an SVG picture"),
    NULL, map_entries, 0, 0, cmd_map },
  { NULL }
};
