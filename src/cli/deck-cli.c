/* deck-cli.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * clusterdeck-cli: the command line on the same core as the window.
 */

#define G_LOG_DOMAIN "deck-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-cli.h"

static gboolean opt_version;
static gboolean opt_json;

static const GOptionEntry entries[] = {
  { "version", 0, 0, G_OPTION_ARG_NONE, &opt_version, N_("Print the version and exit"), NULL },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print machine-readable JSON"), NULL },
  { NULL }
};

/**
 * deck_cli_run:
 * @argc: argument count
 * @argv: arguments
 *
 * Runs one command line.
 *
 * Returns: the process exit status, a #DeckCliExit
 */
int
deck_cli_run (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;

  context = g_option_context_new (_("COMMAND …"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Manage the clustering and replication of Harper instances."));
  g_option_context_set_strict_posix (context, TRUE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return DECK_CLI_EXIT_USAGE;
    }

  if (opt_version)
    {
      g_print ("clusterdeck-cli %s\n", PACKAGE_VERSION);
      return DECK_CLI_EXIT_OK;
    }

  if (argc < 2)
    {
      g_printerr ("%s\n", _("No command given. Run “clusterdeck-cli --help” for the list of commands."));
      return DECK_CLI_EXIT_USAGE;
    }

  g_printerr (_("Unknown command “%s”. Run “clusterdeck-cli --help” for the list of commands.\n"),
              argv[1]);
  return DECK_CLI_EXIT_USAGE;
}
