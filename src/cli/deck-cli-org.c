/* deck-cli-org.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * clusterdeck-cli org list, add, rename and remove: the organizations of
 * the store the window shows.
 */

#define G_LOG_DOMAIN "deck-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-cli.h"
#include "deck-cli-private.h"

static int
cmd_org_list (DeckCli  *cli,
              int       argc,
              char    **argv)
{
  GListModel *orgs = deck_store_get_organizations (cli->store);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (orgs); i++)
    {
      g_autoptr(DeckOrganization) o = g_list_model_get_item (orgs, i);
      guint n = g_list_model_get_n_items (deck_organization_get_instances (o));

      if (cli->json)
        {
          json_builder_begin_object (builder);
          hdb_json_add_string_member (builder, "name", deck_organization_get_name (o));
          hdb_json_add_int_member (builder, "instances", n);
          json_builder_end_object (builder);
        }
      else
        {
          g_autofree char *name = deck_cli_escape (deck_organization_get_name (o));

          g_print ("%s\t%u\n", name, n);
        }
    }
  json_builder_end_array (builder);
  if (cli->json)
    {
      root = json_builder_get_root (builder);
      deck_cli_print_json (root);
    }
  return DECK_CLI_EXIT_OK;
}

static int
cmd_org_add (DeckCli  *cli,
             int       argc,
             char    **argv)
{
  g_autoptr(GError) error = NULL;

  if (deck_store_add_organization (cli->store, argv[1], &error) == NULL)
    return deck_cli_fail_error (error);
  g_print (_("Added organization “%s”.\n"), argv[1]);
  return DECK_CLI_EXIT_OK;
}

static int
cmd_org_rename (DeckCli  *cli,
                int       argc,
                char    **argv)
{
  g_autoptr(GError) error = NULL;
  DeckOrganization *org = deck_store_find_organization (cli->store, argv[1]);

  if (org == NULL)
    return deck_cli_fail_code ("not-found", _("There is no organization “%s”."), argv[1]);
  if (!deck_store_rename_organization (cli->store, org, argv[2], &error))
    return deck_cli_fail_error (error);
  g_print (_("Renamed organization “%s” to “%s”.\n"), argv[1], argv[2]);
  return DECK_CLI_EXIT_OK;
}

static int
cmd_org_remove (DeckCli  *cli,
                int       argc,
                char    **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DeckOrganization) removed = NULL;
  DeckOrganization *org = deck_store_find_organization (cli->store, argv[1]);
  GListModel *instances;

  if (org == NULL)
    return deck_cli_fail_code ("not-found", _("There is no organization “%s”."), argv[1]);
  removed = g_object_ref (org);
  if (!deck_store_remove_organization (cli->store, org, &error))
    return deck_cli_fail_error (error);

  /* Their passwords go with them. */
  instances = deck_organization_get_instances (removed);
  for (guint i = 0; i < g_list_model_get_n_items (instances); i++)
    {
      g_autoptr(DeckInstance) instance = g_list_model_get_item (instances, i);
      g_autoptr(GAsyncResult) result = NULL;

      deck_credentials_clear_async (cli->credentials, DECK_SECRET_INSTANCE_LOGIN,
                                    deck_instance_get_id (instance), NULL, deck_cli_store_result,
                                    &result);
      deck_credentials_clear_finish (cli->credentials, deck_cli_wait_result (&result), NULL);
    }
  g_print (_("Removed organization “%s”.\n"), argv[1]);
  return DECK_CLI_EXIT_OK;
}

const DeckCliCommand deck_cli_org_commands[] = {
  { "org", "list", "", N_("List the organizations"),
    NULL, NULL, 0, 0, cmd_org_list },
  { "org", "add", N_("NAME"), N_("Add an organization"),
    N_("org add needs a NAME."), NULL, 1, 1, cmd_org_add },
  { "org", "rename", N_("NAME NEW"), N_("Rename an organization"),
    N_("org rename needs a NAME and a NEW name."), NULL, 2, 2, cmd_org_rename },
  { "org", "remove", N_("NAME"), N_("Remove an organization and its instances"),
    N_("org remove needs a NAME."), NULL, 1, 1, cmd_org_remove },
  { NULL }
};
