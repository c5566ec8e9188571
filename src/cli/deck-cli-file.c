/* deck-cli-file.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * clusterdeck-cli export, and the file side of plan -f and apply -f: the
 * cluster as a file (docs/cluster-file.md). The reading, the format and the
 * comparison are the core's (deck-cluster-state.c, deck-cluster-file.c);
 * what a file asks for becomes an ordinary change set, planned, reviewed,
 * checked for drift and applied by the commands of deck-cli-replication.c.
 */

#define G_LOG_DOMAIN "deck-cli"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "deck-cli.h"
#include "deck-cli-private.h"
#include "deck-cluster-file-io.h"
#include "deck-cluster-state.h"

/* The organization ---------------------------------------------------------- */

/**
 * deck_cli_find_organization:
 * @cli: the command line's state
 * @name: (nullable): what --org gave
 * @error: where to say why there is none
 *
 * The organization named, or the only one there is.
 *
 * Returns: (transfer none) (nullable): the organization
 */
DeckOrganization *
deck_cli_find_organization (DeckCli     *cli,
                            const char  *name,
                            GError     **error)
{
  GListModel *orgs = deck_store_get_organizations (cli->store);
  g_autoptr(DeckOrganization) only = NULL;
  DeckOrganization *org;

  if (name != NULL)
    {
      org = deck_store_find_organization (cli->store, name);
      if (org == NULL)
        g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_NOT_FOUND,
                     _("There is no organization “%s”."), name);
      return org;
    }
  if (g_list_model_get_n_items (orgs) != 1)
    {
      g_set_error_literal (error, DECK_STORE_ERROR, DECK_STORE_ERROR_NOT_FOUND,
                           g_list_model_get_n_items (orgs) == 0
                           ? _("There is no organization yet.")
                           : _("There is more than one organization: name one with --org."));
      return NULL;
    }
  only = g_list_model_get_item (orgs, 0);
  return only;
}

/**
 * deck_cli_read_cluster:
 * @cli: the command line's state
 * @org: an organization
 *
 * Reads the state of every instance of @org at once (each with the command
 * line's timeout). An instance whose password is not known, or that does
 * not answer, is in the state's @unreadable.
 *
 * Returns: (transfer full): the state
 */
DeckClusterState *
deck_cli_read_cluster (DeckCli          *cli,
                       DeckOrganization *org)
{
  GListModel *model = deck_organization_get_instances (org);
  g_autoptr(GPtrArray) instances = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         g_object_unref);
  g_autoptr(GHashTable) why = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GAsyncResult) result = NULL;
  DeckClusterState *state;
  GHashTableIter iter;
  gpointer id, message;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(DeckInstance) instance = g_list_model_get_item (model, i);
      g_autoptr(GError) error = NULL;
      HdbClient *client = deck_cli_client_for (cli, instance, &error);

      if (client != NULL)
        g_hash_table_insert (clients, g_strdup (deck_instance_get_id (instance)), client);
      else
        g_hash_table_insert (why, g_strdup (deck_instance_get_id (instance)),
                             g_strdup (error->message));
      g_ptr_array_add (instances, g_steal_pointer (&instance));
    }

  deck_cluster_state_read_async (instances, clients, NULL, deck_cli_store_result, &result);
  state = deck_cluster_state_read_finish (deck_cli_wait_result (&result), NULL);
  g_assert (state != NULL);

  /* Why a client could not be had says more than "no password". */
  g_hash_table_iter_init (&iter, why);
  while (g_hash_table_iter_next (&iter, &id, &message))
    g_hash_table_replace (state->unreadable, g_strdup (id), g_strdup (message));
  return state;
}

/* Warns about each instance that could not be read, in the organization's
 * order. */
static void
warn_unreadable (DeckClusterState *state)
{
  for (guint i = 0; i < state->instances->len; i++)
    {
      DeckInstance *instance = g_ptr_array_index (state->instances, i);
      const char *why = g_hash_table_lookup (state->unreadable, deck_instance_get_id (instance));

      if (why != NULL)
        deck_cli_warn ("unreadable", _("“%s” could not be read: %s"),
                       deck_instance_get_name (instance), why);
    }
}

/* export --------------------------------------------------------------------- */

static char *opt_org;
static char *opt_output;

static int
cmd_export (DeckCli  *cli,
            int       argc,
            char    **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DeckClusterState) state = NULL;
  g_autoptr(DeckClusterFile) file = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *text = NULL;
  DeckOrganization *org = deck_cli_find_organization (cli, opt_org, &error);

  if (org == NULL)
    return deck_cli_fail_error (error);

  state = deck_cli_read_cluster (cli, org);
  warn_unreadable (state);
  file = deck_cluster_state_export (state, deck_organization_get_name (org));
  text = deck_cluster_file_to_data (file, now);

  if (opt_output != NULL && !g_str_equal (opt_output, "-"))
    {
      /* Atomic: an export that fails half-way leaves the old file. The
       * file holds no secret, so it is readable like any document. */
      if (!g_file_set_contents_full (opt_output, text, -1, G_FILE_SET_CONTENTS_CONSISTENT,
                                     0644, &error))
        return deck_cli_fail_code ("io", "%s", error->message);
    }
  else
    {
      /* The file is JSON already, with --json or without: names from the
       * servers are escaped by JSON itself. */
      fputs (text, stdout);
      fflush (stdout);
    }
  return g_hash_table_size (state->unreadable) > 0 ? DECK_CLI_EXIT_PARTIAL : DECK_CLI_EXIT_OK;
}

/* plan -f, apply -f ------------------------------------------------------------- */

/**
 * deck_cli_changes_from_file:
 * @cli: the command line's state
 * @path: a cluster file
 * @unresolved: (out) (transfer full) (element-type utf8): what no change
 *   set can do, a sentence each
 * @error: where to say why the file cannot be used
 *
 * Reads @path, then the live state of its organization (the one it names,
 * or the only one), and returns the changes that bring the live state to
 * the file's. The window's Restore from File takes the same steps of the
 * core (deck-context-file.c).
 *
 * Returns: (transfer full) (nullable): the changes
 */
DeckChangeSet *
deck_cli_changes_from_file (DeckCli     *cli,
                            const char  *path,
                            GPtrArray  **unresolved,
                            GError     **error)
{
  g_autoptr(GFile) location = g_file_new_for_commandline_arg (path);
  g_autoptr(DeckClusterFile) file = NULL;
  g_autoptr(DeckClusterState) state = NULL;
  DeckOrganization *org;

  /* The steps of deck_context_changes_from_file_async() (the window's
   * Restore from File), with the command line's clients for the read. */
  file = deck_cluster_file_load (location, NULL, error);
  if (file == NULL)
    return NULL;
  org = deck_cluster_file_find_organization (file, cli->store, NULL, error);
  if (org == NULL)
    return NULL;
  state = deck_cli_read_cluster (cli, org);
  return deck_cluster_state_diff (state, file, unresolved);
}

/* The table ------------------------------------------------------------------- */

static const GOptionEntry export_entries[] = {
  { "org", 0, 0, G_OPTION_ARG_STRING, &opt_org,
    N_("The organization (needed when there are several)"), N_("ORG") },
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output,
    N_("Write to FILE instead of standard output"), N_("FILE") },
  { NULL }
};

const DeckCliCommand deck_cli_file_commands[] = {
  { NULL, "export", N_("[--org ORG] [-o FILE]"),
    N_("Write the organization’s replication as a cluster file"),
    NULL, export_entries, 0, 0, cmd_export },
  { NULL }
};
