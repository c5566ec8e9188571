/* deck-cli.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * clusterdeck-cli: the command line on the same store, keyring and client
 * as the window (DESIGN.md §6). It adds no logic of its own: each command
 * reads the store, calls the core and prints what happened.
 *
 * This file reads the command line: the global options, the command (from
 * the tables of the command files), its options and arguments, and --help
 * at every level, all before anything is loaded, so that a usage error or
 * a help text touches no file. Then it loads the store, makes the context
 * and runs the command.
 */

#define G_LOG_DOMAIN "deck-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "deck-cli.h"
#include "deck-cli-private.h"

static gboolean opt_version;
static gboolean opt_json;

static const GOptionEntry global_entries[] = {
  { "version", 0, 0, G_OPTION_ARG_NONE, &opt_version, N_("Print the version and exit"), NULL },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print machine-readable JSON"), NULL },
  { NULL }
};

/* --json is global but may follow the command too; each command's help
 * shows it. */
static const GOptionEntry json_entries[] = {
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print machine-readable JSON"), NULL },
  { NULL }
};

static const DeckCliCommand * const tables[] = {
  deck_cli_org_commands,
  deck_cli_instance_commands,
  deck_cli_status_commands,
  deck_cli_cluster_commands,
  deck_cli_set_commands,
  deck_cli_replication_commands,
  deck_cli_file_commands,
  deck_cli_check_commands,
  deck_cli_map_commands,
};

/* What the help says after the options. The man page is made from the help
 * texts (build-aux/cli-manpage.py): a line ending in ":" starts a section. */
static const char *help_notes =
  N_("Names:\n"
     "  NAME may be written ORG/NAME when an instance name is not unique.\n"
     "\n"
     "Passwords:\n"
     "  Passwords never come from arguments. They are read from standard input when\n"
     "  it is not a terminal, else asked for without echo. CLUSTERDECK_PASSWORD (an\n"
     "  instance’s login) and CLUSTERDECK_CLUSTER_PASSWORD (the cluster user) are\n"
     "  accepted for automation; they are read once and removed from the\n"
     "  environment, so that no process clusterdeck-cli starts inherits them.\n"
     "  Passwords are kept in the keyring, as the window keeps them.\n"
     "\n"
     "Output:\n"
     "  Text that comes from servers or files is printed with control characters\n"
     "  escaped (ESC as \\x1b). With --json, results are JSON on standard output,\n"
     "  and errors and warnings are JSON objects on standard error, one per line:\n"
     "    {\"error\": {\"code\": CODE, \"message\": MESSAGE}}\n"
     "    {\"warning\": {\"code\": CODE, \"message\": MESSAGE}}\n"
     "  CODE is one of: usage, not-found, ambiguous, exists, invalid, newer,\n"
     "  corrupt, io, credentials, no-password, network, tls, auth, forbidden,\n"
     "  harper, server, invalid-response, timeout, not-enabled, not-connected,\n"
     "  not-super-user, missing-tables, not-saved, busy, drift, verification,\n"
     "  declined, cancelled, in-clear (a warning), failed.\n"
     "\n"
     "Files:\n"
     "  $XDG_CONFIG_HOME/clusterdeck/organizations.json: organizations and instances.\n"
     "  $XDG_STATE_HOME/clusterdeck/pending.json: the pending changes, shared with\n"
     "  the window. $XDG_STATE_HOME/clusterdeck/history.jsonl: what was applied.\n"
     "\n"
     "Exit status:\n"
     "  0 success, 1 failure, 2 usage error, 3 partial failure (some instances or\n"
     "  operations failed).\n");

/* Help ---------------------------------------------------------------------- */

static gboolean
is_help_option (const char *arg)
{
  return g_str_equal (arg, "--help") || g_str_equal (arg, "-h") || g_str_equal (arg, "-?") ||
         g_str_equal (arg, "--help-all");
}

/* Whether --help is among @argv[1..] (options end at "--"). */
static gboolean
wants_help (int    argc,
            char **argv)
{
  for (int i = 1; i < argc && !g_str_equal (argv[i], "--"); i++)
    if (is_help_option (argv[i]))
      return TRUE;
  return FALSE;
}

/* "org add", "set" */
static char *
command_words (const DeckCliCommand *command)
{
  if (command->family != NULL)
    return g_strdup_printf ("%s %s", command->family, command->name);
  return g_strdup (command->name);
}

/* The commands (of @family only, unless %NULL), a line each: the usage and
 * what it does. */
static char *
list_commands (const char *family)
{
  GString *text = g_string_new (NULL);

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    for (const DeckCliCommand *c = tables[t]; c->name != NULL; c++)
      {
        g_autofree char *words = command_words (c);
        g_autofree char *usage = NULL;

        if (family != NULL && g_strcmp0 (c->family, family) != 0)
          continue;
        usage = *c->parameters != '\0' ? g_strdup_printf ("%s %s", words, _(c->parameters))
                                       : g_strdup (words);
        if (g_utf8_strlen (usage, -1) < 34)
          g_string_append_printf (text, "  %-34s %s\n", usage, _(c->summary));
        else
          g_string_append_printf (text, "  %s\n  %-34s %s\n", usage, "", _(c->summary));
      }
  return g_string_free (text, FALSE);
}

static GOptionContext *
global_context (void)
{
  GOptionContext *context = g_option_context_new (_("COMMAND …"));
  g_autofree char *commands = list_commands (NULL);
  g_autofree char *description = NULL;

  description = g_strdup_printf (_("Commands:\n%s\n"
                                   "Run “clusterdeck-cli COMMAND --help” for the options of a "
                                   "command.\n\n%s"),
                                 commands, _(help_notes));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, global_entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Manage the clustering and replication of Harper instances."));
  g_option_context_set_description (context, description);
  g_option_context_set_strict_posix (context, TRUE);
  return context;
}

/* The usage line is "PROGRAM [OPTION…] PARAMETERS", with GLib's PROGRAM
 * the program's name: it is the command words while a command's help is
 * made. */
static void
print_help (GOptionContext *context,
            const char     *words)
{
  g_autofree char *program = g_strdup (g_get_prgname ());
  g_autofree char *text = NULL;

  if (words != NULL)
    {
      g_autofree char *name = g_strdup_printf ("clusterdeck-cli %s", words);

      g_set_prgname (name);
    }
  text = g_option_context_get_help (context, TRUE, NULL);
  g_set_prgname (program);
  g_print ("%s", text);
}

static int
family_help (const char *family)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("COMMAND …"));
  g_autofree char *commands = list_commands (family);
  g_autofree char *description = g_strdup_printf (_("Commands:\n%s\n"
                                                    "Run “clusterdeck-cli %s COMMAND --help” for "
                                                    "the options of a command."),
                                                  commands, family);

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, json_entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, g_str_equal (family, "org")
                                ? _("Organizations: local groups of instances.")
                                : _("Instances: the Harper servers and their logins."));
  g_option_context_set_description (context, description);
  print_help (context, family);
  return DECK_CLI_EXIT_OK;
}

/* Commands -------------------------------------------------------------------- */

static gboolean
is_family (const char *word)
{
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    for (const DeckCliCommand *c = tables[t]; c->name != NULL; c++)
      if (g_strcmp0 (c->family, word) == 0)
        return TRUE;
  return FALSE;
}

static const DeckCliCommand *
find_command (const char *family,
              const char *name)
{
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    for (const DeckCliCommand *c = tables[t]; c->name != NULL; c++)
      if (g_strcmp0 (c->family, family) == 0 && g_str_equal (c->name, name))
        return c;
  return NULL;
}

/* Parses @command's options and counts its arguments; @argv[0] is the
 * command's own word. Returns -1 to go on, with @args the command's word
 * and its arguments ("--" taken out: what follows it is an argument even
 * when it starts with a dash); else the exit status (0 after printing the
 * help). */
static int
parse_command (const DeckCliCommand   *command,
               int                     argc,
               char                  **argv,
               GStrv                  *args)
{
  g_autofree char *words = command_words (command);
  g_autoptr(GOptionContext) context = g_option_context_new (command->parameters);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) remaining = NULL;
  GOptionEntry remaining_entries[] = {
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &remaining, NULL, NULL },
    { NULL }
  };
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  int n_args;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (command->entries != NULL)
    g_option_context_add_main_entries (context, command->entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, json_entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, remaining_entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, command->summary);

  if (wants_help (argc, argv))
    {
      print_help (context, words);
      return DECK_CLI_EXIT_OK;
    }

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return deck_cli_usage_error (words, error->message);

  n_args = remaining != NULL ? (int) g_strv_length (remaining) : 0;
  if (n_args < command->min_args)
    return deck_cli_usage_error (words, _(command->missing));
  if (n_args > command->max_args)
    {
      g_autofree char *message = NULL;

      message = g_strdup_printf (_("“%s” is one argument too many for %s."),
                                 remaining[command->max_args], words);
      return deck_cli_usage_error (words, message);
    }

  g_strv_builder_add (builder, command->name);
  for (int i = 0; i < n_args; i++)
    g_strv_builder_add (builder, remaining[i]);
  *args = g_strv_builder_end (builder);
  return -1;
}

/* Removes every --json from @argv (before a "--"): it may be written after
 * the command too. */
static void
take_json_option (int   *argc,
                  char **argv)
{
  for (int i = 1; i < *argc && !g_str_equal (argv[i], "--"); i++)
    if (g_str_equal (argv[i], "--json"))
      {
        opt_json = TRUE;
        memmove (&argv[i], &argv[i + 1], sizeof (char *) * (size_t) (*argc - i));
        (*argc)--;
        i--;
      }
}

/* Loads the store and makes the context, then runs @command. */
static int
run_command (DeckCli              *cli,
             const DeckCliCommand *command,
             int                   argc,
             char                **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) problem = NULL;
  g_autoptr(DeckStore) store = deck_store_new (NULL);
  g_autoptr(DeckInstanceMonitor) monitor = NULL;
  g_autoptr(DeckContext) context = NULL;

  /* Read once: a command shows nothing later, and its edits are applied to
   * what other processes wrote meanwhile all the same (the file's stamp). */
  deck_store_set_watched (store, FALSE);
  if (!deck_store_load (store, &problem, &error))
    return deck_cli_fail_error (error);
  if (problem != NULL)
    deck_cli_warn (deck_cli_error_code (problem), "%s", problem->message);

  /* The monitor is never started: the command line checks nothing in the
   * background, and gives the monitor the passwords it reads
   * (deck_cli_client_for()). */
  monitor = deck_instance_monitor_new (store, deck_credentials_get_default ());
  context = deck_context_new (store, deck_credentials_get_default (), monitor);
  cli->context = context;
  cli->store = deck_context_get_store (context);
  cli->credentials = deck_context_get_credentials (context);

  return command->run (cli, argc, argv);
}

static int
dispatch (DeckCli  *cli,
          int       argc,
          char    **argv)
{
  const DeckCliCommand *command;
  g_auto(GStrv) args = NULL;
  const char *family = NULL;
  int status;

  if (is_family (argv[0]))
    {
      family = argv[0];
      /* The family alone lists, as it always did: "org" is "org list". */
      if (argc == 1)
        command = find_command (family, "list");
      else if (is_help_option (argv[1]))
        return family_help (family);
      else
        {
          command = find_command (family, argv[1]);
          if (command == NULL)
            {
              g_autofree char *message = NULL;

              message = g_strdup_printf (_("“%s” is not a command of %s."), argv[1], family);
              return deck_cli_usage_error (family, message);
            }
          argc--;
          argv++;
        }
    }
  else
    {
      command = find_command (NULL, argv[0]);
      if (command == NULL)
        {
          g_autofree char *message = g_strdup_printf (_("“%s” is not a command."), argv[0]);

          return deck_cli_usage_error (NULL, message);
        }
    }

  status = parse_command (command, argc, argv, &args);
  if (status >= 0)
    return status;
  return run_command (cli, command, (int) g_strv_length (args), args);
}

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
  DeckCli cli = { 0 };
  int status;

  /* First, before any library could start a process that inherits them. */
  deck_cli_take_environment (&cli);
  /* The usage lines name the program so whatever path ran it. */
  g_set_prgname ("clusterdeck-cli");

  take_json_option (&argc, argv);
  deck_cli_output_init (opt_json);
  cli.json = opt_json;

  context = global_context ();
  /* Help before the command is the whole program's. */
  for (int i = 1; i < argc && argv[i][0] == '-'; i++)
    if (is_help_option (argv[i]))
      {
        print_help (context, NULL);
        deck_cli_clear_environment (&cli);
        return DECK_CLI_EXIT_OK;
      }

  if (!g_option_context_parse (context, &argc, &argv, &error))
    status = deck_cli_usage_error (NULL, error->message);
  else if (opt_version)
    {
      g_print ("clusterdeck-cli %s\n", PACKAGE_VERSION);
      status = DECK_CLI_EXIT_OK;
    }
  else if (argc < 2)
    status = deck_cli_usage_error (NULL, _("No command was given."));
  else
    status = dispatch (&cli, argc - 1, argv + 1);

  deck_cli_clear_environment (&cli);
  g_clear_pointer (&cli.warned_in_clear, g_hash_table_unref);
  return status;
}
