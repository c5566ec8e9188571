/* deck-cli-instance.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * clusterdeck-cli instance list, add, remove, test and trust: the instances
 * of the store the window shows, their passwords in the keyring, and the
 * certificates pinned for them (DESIGN.md §6).
 */

#define G_LOG_DOMAIN "deck-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-cli.h"
#include "deck-cli-private.h"

/* The options; one command runs per process. */
static char *opt_org;
static char *opt_name;
static char *opt_url;
static char *opt_username;
static gboolean opt_yes;
static gboolean opt_clear;

/* list ------------------------------------------------------------------------ */

static void
add_instance_json (JsonBuilder      *builder,
                   DeckOrganization *org,
                   DeckInstance     *in)
{
  json_builder_begin_object (builder);
  hdb_json_add_string_member (builder, "organization", deck_organization_get_name (org));
  hdb_json_add_string_member (builder, "name", deck_instance_get_name (in));
  hdb_json_add_string_member (builder, "url", deck_instance_get_url (in));
  hdb_json_add_string_member (builder, "username", deck_instance_get_username (in));
  json_builder_set_member_name (builder, "pinned_certificate");
  if (deck_instance_get_pinned_certificate (in) != NULL)
    json_builder_add_string_value (builder, deck_instance_get_pinned_certificate (in));
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
}

/* ORG/NAME, URL, user and whether a certificate is pinned, tab-separated. */
static void
print_instance (DeckOrganization *org,
                DeckInstance     *in)
{
  g_autofree char *org_name = deck_cli_escape (deck_organization_get_name (org));
  g_autofree char *name = deck_cli_escape (deck_instance_get_name (in));
  g_autofree char *url = deck_cli_escape (deck_instance_get_url (in));
  g_autofree char *user = deck_cli_escape (deck_instance_get_username (in));

  if (deck_instance_get_pinned_certificate (in) != NULL)
    g_print ("%s/%s\t%s\t%s\t%s\n", org_name, name, url, user, _("(certificate pinned)"));
  else
    g_print ("%s/%s\t%s\t%s\n", org_name, name, url, user);
}

static int
cmd_instance_list (DeckCli  *cli,
                   int       argc,
                   char    **argv)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GListModel *orgs = deck_store_get_organizations (cli->store);
  DeckOrganization *only = NULL;

  if (opt_org != NULL)
    {
      only = deck_store_find_organization (cli->store, opt_org);
      if (only == NULL)
        return deck_cli_fail_code ("not-found", _("There is no organization “%s”."), opt_org);
    }

  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (orgs); i++)
    {
      g_autoptr(DeckOrganization) org = g_list_model_get_item (orgs, i);
      GListModel *instances = deck_organization_get_instances (org);

      if (only != NULL && org != only)
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (instances); j++)
        {
          g_autoptr(DeckInstance) in = g_list_model_get_item (instances, j);

          if (cli->json)
            add_instance_json (builder, org, in);
          else
            print_instance (org, in);
        }
    }
  json_builder_end_array (builder);
  if (cli->json)
    {
      g_autoptr(JsonNode) root = json_builder_get_root (builder);

      deck_cli_print_json (root);
    }
  return DECK_CLI_EXIT_OK;
}

/* test, add ------------------------------------------------------------------- */

static void
print_certificate (const HdbCertificateInfo *peer)
{
  g_autofree char *from = peer->not_before ? g_date_time_format_iso8601 (peer->not_before) : NULL;
  g_autofree char *until = peer->not_after ? g_date_time_format_iso8601 (peer->not_after) : NULL;
  g_autofree char *subject = deck_cli_escape (peer->subject ? peer->subject : "?");
  g_autofree char *issuer = deck_cli_escape (peer->issuer ? peer->issuer : "?");

  g_print (_("  SHA-256 fingerprint: %s\n"), peer->sha256);
  g_print (_("  Subject:             %s\n"), subject);
  g_print (_("  Issuer:              %s\n"), issuer);
  g_print (_("  Valid from:          %s\n"), from ? from : "?");
  g_print (_("  Valid until:         %s\n"), until ? until : "?");
}

/* Runs server_info and prints the result; TRUE when the instance answered. */
static gboolean
test_instance (DeckCli      *cli,
               DeckInstance *instance,
               HdbClient    *client)
{
  g_autoptr(HdbServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *version = NULL;
  g_autofree char *user = NULL;
  const char *name = deck_instance_get_name (instance);

  info = deck_cli_server_info (client, &error);
  if (info == NULL)
    {
      g_autoptr(HdbCertificateInfo) peer = NULL;

      deck_cli_fail_code (deck_cli_error_code (error), _("“%s” did not answer: %s"),
                          name, error->message);
      if (!g_error_matches (error, HDB_ERROR, HDB_ERROR_TLS))
        return FALSE;
      peer = hdb_client_dup_peer_certificate (client);
      if (peer != NULL && deck_instance_get_pinned_certificate (instance) == NULL)
        deck_cli_warn ("tls",
                       _("The certificate’s SHA-256 fingerprint is %s. If it is the right one, "
                         "trust it with: clusterdeck-cli instance trust %s"),
                       peer->sha256, name);
      return FALSE;
    }

  version = deck_cli_escape (info->version);
  user = deck_cli_escape (info->username);
  if (info->super_user)
    g_print (_("“%s” answered: Harper %s, engine %s, logged in as %s (super user).\n"),
             name, version, hdb_engine_to_string (info->engine), user);
  else
    g_print (_("“%s” answered: Harper %s, engine %s, logged in as %s.\n"),
             name, version, hdb_engine_to_string (info->engine), user);
  return TRUE;
}

static int
cmd_instance_add (DeckCli  *cli,
                  int       argc,
                  char    **argv)
{
  g_autoptr(HdbSecret) password = NULL;
  g_autofree char *label = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(HdbClient) client = NULL;
  DeckOrganization *org;
  DeckInstance *instance;

  if (opt_org == NULL || opt_name == NULL || opt_url == NULL || opt_username == NULL)
    return deck_cli_usage_error ("instance add",
                                 _("instance add needs --org, --name, --url and --username."));

  org = deck_store_find_organization (cli->store, opt_org);
  if (org == NULL)
    return deck_cli_fail_code ("not-found",
                               _("There is no organization “%s”. Create it with: "
                                 "clusterdeck-cli org add %s"), opt_org, opt_org);

  /* Every way out of here wipes it (HdbSecret), the store's refusal too. */
  password = deck_cli_read_password (cli->login_password, _("Password: "), &error);
  if (password == NULL)
    return deck_cli_fail_error (error);

  instance = deck_store_add_instance (cli->store, org, opt_name, opt_url, opt_username, NULL,
                                      &error);
  if (instance == NULL)
    return deck_cli_fail_error (error);

  label = g_strdup_printf (_("Clusterdeck login for instance “%s”"), opt_name);
  deck_credentials_store_async (cli->credentials, DECK_SECRET_INSTANCE_LOGIN,
                                deck_instance_get_id (instance), label, password, NULL,
                                deck_cli_store_result, &result);
  if (!deck_credentials_store_finish (cli->credentials, deck_cli_wait_result (&result), &error))
    deck_cli_warn ("credentials", _("The password could not be stored in the keyring: %s"),
                   error->message);
  else if (deck_credentials_get_memory_only (cli->credentials))
    deck_cli_warn ("credentials",
                   _("No keyring is available, so the password was not stored; set "
                     "CLUSTERDECK_PASSWORD for the next commands."));
  g_clear_error (&error);

  g_print (_("Added instance “%s” to “%s”.\n"), deck_instance_get_name (instance),
           deck_organization_get_name (org));

  deck_cli_warn_in_clear (cli, instance);
  client = hdb_client_new (deck_instance_get_url (instance), deck_instance_get_username (instance),
                           password, &error);
  if (client == NULL)
    return deck_cli_fail_error (error);
  hdb_client_set_timeout (client, DECK_CLI_TIMEOUT_MS);
  return test_instance (cli, instance, client) ? DECK_CLI_EXIT_OK : DECK_CLI_EXIT_FAILURE;
}

/* The instance named by argv[1], or a failure said. */
static DeckInstance *
find_instance (DeckCli  *cli,
               char    **argv,
               int      *status)
{
  g_autoptr(GError) error = NULL;
  DeckInstance *instance = deck_store_find_instance (cli->store, argv[1], &error);

  if (instance == NULL)
    *status = deck_cli_fail_error (error);
  return instance;
}

static int
cmd_instance_test (DeckCli  *cli,
                   int       argc,
                   char    **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdbClient) client = NULL;
  DeckInstance *instance;
  int status;

  instance = find_instance (cli, argv, &status);
  if (instance == NULL)
    return status;
  client = deck_cli_client_for (cli, instance, &error);
  if (client == NULL)
    return deck_cli_fail_error (error);
  return test_instance (cli, instance, client) ? DECK_CLI_EXIT_OK : DECK_CLI_EXIT_FAILURE;
}

/* remove ---------------------------------------------------------------------- */

static int
cmd_instance_remove (DeckCli  *cli,
                     int       argc,
                     char    **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DeckInstance) removed = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  DeckInstance *instance;
  int status;

  instance = find_instance (cli, argv, &status);
  if (instance == NULL)
    return status;
  removed = g_object_ref (instance);
  if (!deck_store_remove_instance (cli->store, instance, &error))
    return deck_cli_fail_error (error);
  deck_credentials_clear_async (cli->credentials, DECK_SECRET_INSTANCE_LOGIN,
                                deck_instance_get_id (removed), NULL, deck_cli_store_result,
                                &result);
  deck_credentials_clear_finish (cli->credentials, deck_cli_wait_result (&result), NULL);
  g_print (_("Removed instance “%s”.\n"), deck_instance_get_name (removed));
  return DECK_CLI_EXIT_OK;
}

/* trust ----------------------------------------------------------------------- */

/* Forgets the pinned certificate: the system's trust decides again. */
static int
clear_pin (DeckCli      *cli,
           DeckInstance *instance)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *shown = NULL;
  const char *name = deck_instance_get_name (instance);

  if (deck_instance_get_pinned_certificate (instance) == NULL)
    {
      g_print (_("No certificate is pinned for “%s”; nothing to clear.\n"), name);
      return DECK_CLI_EXIT_OK;
    }

  shown = hdb_format_fingerprint (deck_instance_get_pinned_certificate (instance));
  g_print (_("“%s” trusts the pinned certificate %s.\n"), name, shown);
  if (!opt_yes)
    {
      if (!deck_cli_ask (_("Forget it, so that only a certificate this computer trusts is "
                           "accepted? [y/N] ")))
        {
          g_print (_("Kept.\n"));
          return DECK_CLI_EXIT_FAILURE;
        }
    }

  deck_instance_set_pinned_certificate (instance, NULL);
  if (!deck_store_update_instance (cli->store, instance, &error))
    return deck_cli_fail_error (error);
  g_print (_("Forgotten. “%s” must now present a certificate this computer trusts.\n"), name);
  return DECK_CLI_EXIT_OK;
}

static int
cmd_instance_trust (DeckCli  *cli,
                    int       argc,
                    char    **argv)
{
  g_autoptr(HdbClient) client = NULL;
  g_autoptr(HdbClient) probe = NULL;
  g_autoptr(HdbCertificateInfo) peer = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(HdbRegistrationInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *previous = NULL;
  DeckInstance *instance;
  const char *name;
  int status;

  instance = find_instance (cli, argv, &status);
  if (instance == NULL)
    return status;
  if (opt_clear)
    return clear_pin (cli, instance);

  name = deck_instance_get_name (instance);
  previous = g_strdup (deck_instance_get_pinned_certificate (instance));

  /* registration_info needs no login: enough to see the certificate. */
  probe = hdb_client_new (deck_instance_get_url (instance), "", "", &error);
  if (probe == NULL)
    return deck_cli_fail_error (error);
  hdb_client_set_timeout (probe, DECK_CLI_TIMEOUT_MS);
  hdb_client_registration_info_async (probe, NULL, deck_cli_store_result, &result);
  info = hdb_client_registration_info_finish (probe, deck_cli_wait_result (&result), &error);
  peer = hdb_client_dup_peer_certificate (probe);

  if (info != NULL)
    {
      g_print (_("“%s” presents a certificate this computer already trusts; nothing to pin.\n"),
               name);
      return DECK_CLI_EXIT_OK;
    }
  if (peer == NULL)
    return deck_cli_fail_error (error);

  g_print (_("“%s” presents this certificate:\n"), name);
  print_certificate (peer);
  if (previous != NULL)
    {
      g_autofree char *shown = hdb_format_fingerprint (previous);

      g_print (_("It replaces the certificate trusted before: %s\n"), shown);
    }

  if (!opt_yes)
    {
      g_autofree char *question = g_strdup_printf (_("Trust this certificate for “%s”? [y/N] "),
                                                   name);

      if (!deck_cli_ask (question))
        {
          g_print (_("Not trusted.\n"));
          return DECK_CLI_EXIT_FAILURE;
        }
    }

  /* The probe's TLS error was expected: it is what brought us here. */
  g_clear_error (&error);
  deck_instance_set_pinned_certificate (instance, peer->sha256);
  if (!deck_store_update_instance (cli->store, instance, &error))
    return deck_cli_fail_error (error);
  g_print (_("Trusted. The certificate is pinned for “%s”.\n"), name);

  client = deck_cli_client_for (cli, instance, &error);
  if (client == NULL)
    return deck_cli_fail_error (error);
  return test_instance (cli, instance, client) ? DECK_CLI_EXIT_OK : DECK_CLI_EXIT_FAILURE;
}

/* The table ------------------------------------------------------------------- */

static const GOptionEntry list_entries[] = {
  { "org", 0, 0, G_OPTION_ARG_STRING, &opt_org, N_("Only the instances of ORG"), N_("ORG") },
  { NULL }
};

static const GOptionEntry add_entries[] = {
  { "org", 0, 0, G_OPTION_ARG_STRING, &opt_org, N_("The organization to add it to"), N_("ORG") },
  { "name", 0, 0, G_OPTION_ARG_STRING, &opt_name, N_("The instance’s name"), N_("NAME") },
  { "url", 0, 0, G_OPTION_ARG_STRING, &opt_url,
    N_("Its Operations API URL (http or https, host, port)"), N_("URL") },
  { "username", 0, 0, G_OPTION_ARG_STRING, &opt_username, N_("The login"), N_("USER") },
  { NULL }
};

static const GOptionEntry trust_entries[] = {
  { "yes", 0, 0, G_OPTION_ARG_NONE, &opt_yes, N_("Do it without asking"), NULL },
  { "clear", 0, 0, G_OPTION_ARG_NONE, &opt_clear,
    N_("Forget the pinned certificate instead"), NULL },
  { NULL }
};

const DeckCliCommand deck_cli_instance_commands[] = {
  { "instance", "list", N_("[--org ORG]"), N_("List the instances"),
    NULL, list_entries, 0, 0, cmd_instance_list },
  { "instance", "add", N_("--org ORG --name NAME --url URL --username USER"),
    N_("Add an instance and test it"),
    NULL, add_entries, 0, 0, cmd_instance_add },
  { "instance", "remove", N_("NAME"), N_("Remove an instance and its password"),
    N_("instance remove needs a NAME."), NULL, 1, 1, cmd_instance_remove },
  { "instance", "test", N_("NAME"), N_("Log in to an instance and say what it runs"),
    N_("instance test needs a NAME."), NULL, 1, 1, cmd_instance_test },
  { "instance", "trust", N_("NAME [--clear] [--yes]"),
    N_("Pin an instance’s certificate, or clear it"),
    N_("instance trust needs a NAME."), trust_entries, 1, 1, cmd_instance_trust },
  { NULL }
};
