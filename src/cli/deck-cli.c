/* deck-cli.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * clusterdeck-cli: the command line on the same store, keyring and client
 * as the window (DESIGN.md §6). It adds no logic of its own: each command
 * reads the store, calls the core and prints what happened.
 */

#define G_LOG_DOMAIN "deck-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "deck-cli.h"
#include "deck-cli-private.h"
#include "deck-credentials.h"
#include "deck-store.h"
#include "hdb-client.h"

#define CHECK_TIMEOUT_MS 10000

static gboolean opt_version;
static gboolean opt_json;

static const GOptionEntry global_entries[] = {
  { "version", 0, 0, G_OPTION_ARG_NONE, &opt_version, N_("Print the version and exit"), NULL },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print machine-readable JSON"), NULL },
  { NULL }
};

static const char *usage_text =
  "Commands:\n"
  "  org list | org add NAME | org rename NAME NEW | org remove NAME\n"
  "  instance list [--org ORG]\n"
  "  instance add --org ORG --name NAME --url URL --username USER\n"
  "  instance remove NAME | instance test NAME | instance trust NAME [--yes]\n"
  "  status [NAME]\n"
  "  enable NAME [--cluster-user USER] [--node-name NODE]\n"
  "  connect NAME PEER [--create-missing] | disconnect NAME PEER\n"
  "  set NAME PEER DATABASE[.TABLE] [--publish on|off] [--subscribe on|off]\n"
  "  pending | discard | plan | apply [--yes]\n"
  "  history\n"
  "\n"
  "NAME may be written ORG/NAME. Passwords are read from standard input when it is not a\n"
  "terminal, else asked for without echo; CLUSTERDECK_PASSWORD (instance login) and\n"
  "CLUSTERDECK_CLUSTER_PASSWORD (cluster user) are accepted for automation.\n";

/* Small helpers ---------------------------------------------------------- */

int
deck_cli_fail (const char *format,
               ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("clusterdeck-cli: %s\n", message);
  return DECK_CLI_EXIT_FAILURE;
}

int
deck_cli_usage_error (const char *message)
{
  g_printerr ("clusterdeck-cli: %s\n\n%s", message, usage_text);
  return DECK_CLI_EXIT_USAGE;
}

void
deck_cli_store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

GAsyncResult *
deck_cli_wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* Synchronous reads for the commands (the CLI keeps no live state). */

HdbServerInfo *
deck_cli_server_info (HdbClient  *client,
                      GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  hdb_client_server_info_async (client, NULL, deck_cli_store_result, &result);
  return hdb_client_server_info_finish (client, deck_cli_wait_result (&result), error);
}

HdbClusterStatus *
deck_cli_cluster_status (HdbClient  *client,
                         GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  hdb_client_cluster_status_async (client, NULL, deck_cli_store_result, &result);
  return hdb_client_cluster_status_finish (client, deck_cli_wait_result (&result), error);
}

HdbSchema *
deck_cli_describe_all (HdbClient  *client,
                       GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  hdb_client_describe_all_async (client, NULL, deck_cli_store_result, &result);
  return hdb_client_describe_all_finish (client, deck_cli_wait_result (&result), error);
}

void
deck_cli_wipe (char *s)
{
  if (s != NULL)
    memset (s, 0, strlen (s));
}

/* A password from the environment, standard input or a no-echo prompt. */
char *
deck_cli_read_password (const char *env_name,
               const char *prompt)
{
  const char *env = g_getenv (env_name);
  char line[1024];
  gsize len;

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  if (isatty (STDIN_FILENO))
    {
      struct termios old, quiet;
      gboolean got;

      g_printerr ("%s", prompt);
      tcgetattr (STDIN_FILENO, &old);
      quiet = old;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      tcsetattr (STDIN_FILENO, TCSANOW, &quiet);
      got = fgets (line, sizeof line, stdin) != NULL;
      tcsetattr (STDIN_FILENO, TCSANOW, &old);
      g_printerr ("\n");
      if (!got)
        return NULL;
    }
  else if (fgets (line, sizeof line, stdin) == NULL)
    return NULL;

  len = strlen (line);
  while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
    line[--len] = '\0';
  if (len == 0)
    return NULL;

  {
    char *password = g_strdup (line);

    deck_cli_wipe (line);
    return password;
  }
}

static char *
lookup_password (DeckCli      *cli,
                 DeckInstance *instance,
                 GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  char *password;
  const char *env;

  deck_credentials_lookup_async (cli->credentials, DECK_SECRET_INSTANCE_LOGIN,
                                 deck_instance_get_id (instance), NULL, deck_cli_store_result, &result);
  password = deck_credentials_lookup_finish (cli->credentials, deck_cli_wait_result (&result), error);
  if (password != NULL)
    return password;

  env = g_getenv ("CLUSTERDECK_PASSWORD");
  if (env != NULL && *env != '\0')
    {
      g_clear_error (error);
      return g_strdup (env);
    }
  if (error != NULL && *error == NULL)
    g_set_error (error, DECK_CREDENTIALS_ERROR, DECK_CREDENTIALS_ERROR_FAILED,
                 _("No password is stored for “%s”. Add the instance again, or set "
                   "CLUSTERDECK_PASSWORD."), deck_instance_get_name (instance));
  return NULL;
}

/* A client of @instance, with the command line's short timeout. It is the
 * context's (the instance monitor's, given the password here), so that the
 * jobs find it. */
HdbClient *
deck_cli_client_for (DeckCli       *cli,
                     DeckInstance  *instance,
                     GError       **error)
{
  g_autofree char *password = lookup_password (cli, instance, error);
  g_autoptr(HdbClient) check = NULL;
  HdbClient *client;

  if (password == NULL)
    return NULL;

  /* What the URL and login are worth, said before anything is kept. */
  check = hdb_client_new (deck_instance_get_url (instance), deck_instance_get_username (instance),
                          password, error);
  if (check == NULL)
    {
      deck_cli_wipe (password);
      return NULL;
    }
  deck_instance_monitor_set_password (deck_context_get_monitor (cli->context), instance, password);
  deck_cli_wipe (password);
  client = deck_context_get_client (cli->context, instance);
  if (client == NULL)
    {
      g_set_error (error, DECK_CREDENTIALS_ERROR, DECK_CREDENTIALS_ERROR_FAILED,
                   _("“%s” is not in the store any more."), deck_instance_get_name (instance));
      return NULL;
    }
  hdb_client_set_timeout (client, CHECK_TIMEOUT_MS);
  return g_object_ref (client);
}

void
deck_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

/* org -------------------------------------------------------------------- */

static int
cmd_org (DeckCli  *cli,
         int       argc,
         char    **argv)
{
  g_autoptr(GError) error = NULL;
  const char *sub = argc > 1 ? argv[1] : "list";
  DeckOrganization *org;

  if (g_str_equal (sub, "list"))
    {
      GListModel *orgs = deck_store_get_organizations (cli->store);
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < g_list_model_get_n_items (orgs); i++)
        {
          g_autoptr(DeckOrganization) o = g_list_model_get_item (orgs, i);
          guint n = g_list_model_get_n_items (deck_organization_get_instances (o));

          if (cli->json)
            {
              json_builder_begin_object (builder);
              json_builder_set_member_name (builder, "name");
              json_builder_add_string_value (builder, deck_organization_get_name (o));
              json_builder_set_member_name (builder, "instances");
              json_builder_add_int_value (builder, n);
              json_builder_end_object (builder);
            }
          else
            g_print ("%s\t%u\n", deck_organization_get_name (o), n);
        }
      json_builder_end_array (builder);
      if (cli->json)
        {
          g_autoptr(JsonNode) root = json_builder_get_root (builder);

          deck_cli_print_json (root);
        }
      return DECK_CLI_EXIT_OK;
    }

  if (g_str_equal (sub, "add"))
    {
      if (argc != 3)
        return deck_cli_usage_error (_("org add needs a NAME."));
      if (deck_store_add_organization (cli->store, argv[2], &error) == NULL)
        return deck_cli_fail ("%s", error->message);
      g_print (_("Added organization “%s”.\n"), argv[2]);
      return DECK_CLI_EXIT_OK;
    }

  if (g_str_equal (sub, "rename"))
    {
      if (argc != 4)
        return deck_cli_usage_error (_("org rename needs a NAME and a NEW name."));
      org = deck_store_find_organization (cli->store, argv[2]);
      if (org == NULL)
        return deck_cli_fail (_("There is no organization “%s”."), argv[2]);
      if (!deck_store_rename_organization (cli->store, org, argv[3], &error))
        return deck_cli_fail ("%s", error->message);
      g_print (_("Renamed organization “%s” to “%s”.\n"), argv[2], argv[3]);
      return DECK_CLI_EXIT_OK;
    }

  if (g_str_equal (sub, "remove"))
    {
      g_autoptr(DeckOrganization) removed = NULL;
      GListModel *instances;

      if (argc != 3)
        return deck_cli_usage_error (_("org remove needs a NAME."));
      org = deck_store_find_organization (cli->store, argv[2]);
      if (org == NULL)
        return deck_cli_fail (_("There is no organization “%s”."), argv[2]);
      removed = g_object_ref (org);
      if (!deck_store_remove_organization (cli->store, org, &error))
        return deck_cli_fail ("%s", error->message);

      instances = deck_organization_get_instances (removed);
      for (guint i = 0; i < g_list_model_get_n_items (instances); i++)
        {
          g_autoptr(DeckInstance) instance = g_list_model_get_item (instances, i);
          g_autoptr(GAsyncResult) result = NULL;

          deck_credentials_clear_async (cli->credentials, DECK_SECRET_INSTANCE_LOGIN,
                                        deck_instance_get_id (instance), NULL, deck_cli_store_result, &result);
          deck_credentials_clear_finish (cli->credentials, deck_cli_wait_result (&result), NULL);
        }
      g_print (_("Removed organization “%s”.\n"), argv[2]);
      return DECK_CLI_EXIT_OK;
    }

  return deck_cli_usage_error (_("Unknown org command."));
}

/* instance --------------------------------------------------------------- */

static void
print_certificate (const HdbCertificateInfo *peer)
{
  g_autofree char *from = peer->not_before ? g_date_time_format_iso8601 (peer->not_before) : NULL;
  g_autofree char *until = peer->not_after ? g_date_time_format_iso8601 (peer->not_after) : NULL;

  g_print (_("  SHA-256 fingerprint: %s\n"), peer->sha256);
  g_print (_("  Subject:             %s\n"), peer->subject ? peer->subject : "?");
  g_print (_("  Issuer:              %s\n"), peer->issuer ? peer->issuer : "?");
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

  info = deck_cli_server_info (client, &error);
  if (info == NULL)
    {
      g_printerr (_("clusterdeck-cli: “%s” did not answer: %s\n"),
                  deck_instance_get_name (instance), error->message);
      if (g_error_matches (error, HDB_ERROR, HDB_ERROR_TLS))
        {
          g_autoptr(HdbCertificateInfo) peer = hdb_client_dup_peer_certificate (client);

          if (peer != NULL && deck_instance_get_pinned_certificate (instance) == NULL)
            g_printerr (_("The certificate’s SHA-256 fingerprint is %s.\n"
                          "If it is the right one, trust it with: clusterdeck-cli instance trust %s\n"),
                        peer->sha256, deck_instance_get_name (instance));
        }
      return FALSE;
    }

  g_print (_("“%s” answered: Harper %s, engine %s, logged in as %s%s.\n"),
           deck_instance_get_name (instance), info->version, hdb_engine_to_string (info->engine),
           info->username, info->super_user ? _(" (super user)") : "");
  return TRUE;
}

static int
cmd_instance_add (DeckCli  *cli,
                  int       argc,
                  char    **argv)
{
  g_autofree char *org_name = NULL;
  g_autofree char *name = NULL;
  g_autofree char *url = NULL;
  g_autofree char *username = NULL;
  g_autofree char *password = NULL;
  g_autofree char *label = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new ("");
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(HdbClient) client = NULL;
  GOptionEntry entries[] = {
    { "org", 0, 0, G_OPTION_ARG_STRING, &org_name, N_("Organization"), "ORG" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Instance name"), "NAME" },
    { "url", 0, 0, G_OPTION_ARG_STRING, &url, N_("Operations API URL"), "URL" },
    { "username", 0, 0, G_OPTION_ARG_STRING, &username, N_("Login"), "USER" },
    { NULL }
  };
  DeckOrganization *org;
  DeckInstance *instance;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_help_enabled (context, FALSE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return deck_cli_usage_error (error->message);
  if (org_name == NULL || name == NULL || url == NULL || username == NULL)
    return deck_cli_usage_error (_("instance add needs --org, --name, --url and --username."));

  org = deck_store_find_organization (cli->store, org_name);
  if (org == NULL)
    return deck_cli_fail (_("There is no organization “%s”. Create it with: clusterdeck-cli org add %s"),
                 org_name, org_name);

  password = deck_cli_read_password ("CLUSTERDECK_PASSWORD", _("Password: "));
  if (password == NULL)
    return deck_cli_fail (_("No password given (standard input was empty)."));

  instance = deck_store_add_instance (cli->store, org, name, url, username, NULL, &error);
  if (instance == NULL)
    return deck_cli_fail ("%s", error->message);

  label = g_strdup_printf (_("Clusterdeck login for instance “%s”"), name);
  deck_credentials_store_async (cli->credentials, DECK_SECRET_INSTANCE_LOGIN,
                                deck_instance_get_id (instance), label, password, NULL,
                                deck_cli_store_result, &result);
  if (!deck_credentials_store_finish (cli->credentials, deck_cli_wait_result (&result), &error))
    g_printerr (_("clusterdeck-cli: the password could not be stored in the keyring: %s\n"),
                error->message);
  else if (deck_credentials_get_memory_only (cli->credentials))
    g_printerr (_("clusterdeck-cli: no keyring is available, so the password was not stored; "
                  "set CLUSTERDECK_PASSWORD for the next commands.\n"));
  g_clear_error (&error);

  g_print (_("Added instance “%s” to “%s”.\n"), name, deck_organization_get_name (org));

  client = hdb_client_new (url, username, password, &error);
  deck_cli_wipe (password);
  if (client == NULL)
    return deck_cli_fail ("%s", error->message);
  hdb_client_set_timeout (client, CHECK_TIMEOUT_MS);
  return test_instance (cli, instance, client) ? DECK_CLI_EXIT_OK : DECK_CLI_EXIT_FAILURE;
}

static int
cmd_instance_trust (DeckCli  *cli,
                    DeckInstance *instance,
                    gboolean  yes)
{
  g_autoptr(HdbClient) client = NULL;
  g_autoptr(HdbClient) probe = NULL;
  g_autoptr(HdbCertificateInfo) peer = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(HdbRegistrationInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *previous = g_strdup (deck_instance_get_pinned_certificate (instance));

  /* registration_info needs no login: enough to see the certificate. */
  probe = hdb_client_new (deck_instance_get_url (instance), "", "", &error);
  if (probe == NULL)
    return deck_cli_fail ("%s", error->message);
  hdb_client_set_timeout (probe, CHECK_TIMEOUT_MS);
  hdb_client_registration_info_async (probe, NULL, deck_cli_store_result, &result);
  info = hdb_client_registration_info_finish (probe, deck_cli_wait_result (&result), &error);
  peer = hdb_client_dup_peer_certificate (probe);

  if (info != NULL || peer == NULL)
    {
      if (info != NULL)
        {
          g_print (_("“%s” presents a certificate this computer already trusts; nothing to pin.\n"),
                   deck_instance_get_name (instance));
          return DECK_CLI_EXIT_OK;
        }
      return deck_cli_fail ("%s", error->message);
    }

  g_print (_("“%s” presents this certificate:\n"), deck_instance_get_name (instance));
  print_certificate (peer);
  if (previous != NULL)
    {
      g_autofree char *shown = hdb_format_fingerprint (previous);

      g_print (_("It replaces the certificate trusted before: %s\n"), shown);
    }

  if (!yes)
    {
      char answer[16] = "";

      g_print (_("Trust this certificate for “%s”? [y/N] "), deck_instance_get_name (instance));
      if (fgets (answer, sizeof answer, stdin) == NULL ||
          (answer[0] != 'y' && answer[0] != 'Y'))
        {
          g_print (_("Not trusted.\n"));
          return DECK_CLI_EXIT_FAILURE;
        }
    }

  /* The probe's TLS error was expected: it is what brought us here. */
  g_clear_error (&error);
  deck_instance_set_pinned_certificate (instance, peer->sha256);
  if (!deck_store_update_instance (cli->store, instance, &error))
    return deck_cli_fail ("%s", error->message);
  g_print (_("Trusted. The certificate is pinned for “%s”.\n"), deck_instance_get_name (instance));

  client = deck_cli_client_for (cli, instance, &error);
  if (client == NULL)
    return deck_cli_fail ("%s", error->message);
  return test_instance (cli, instance, client) ? DECK_CLI_EXIT_OK : DECK_CLI_EXIT_FAILURE;
}

static int
cmd_instance (DeckCli  *cli,
              int       argc,
              char    **argv)
{
  g_autoptr(GError) error = NULL;
  const char *sub = argc > 1 ? argv[1] : "list";
  DeckInstance *instance;

  if (g_str_equal (sub, "list"))
    {
      g_autofree char *org_name = NULL;
      g_autoptr(GOptionContext) context = g_option_context_new ("");
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      GListModel *orgs = deck_store_get_organizations (cli->store);
      GOptionEntry entries[] = {
        { "org", 0, 0, G_OPTION_ARG_STRING, &org_name, N_("Organization"), "ORG" },
        { NULL }
      };

      g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
      g_option_context_set_help_enabled (context, FALSE);
      if (!g_option_context_parse (context, &argc, &argv, &error))
        return deck_cli_usage_error (error->message);
      if (org_name != NULL && deck_store_find_organization (cli->store, org_name) == NULL)
        return deck_cli_fail (_("There is no organization “%s”."), org_name);

      json_builder_begin_array (builder);
      for (guint i = 0; i < g_list_model_get_n_items (orgs); i++)
        {
          g_autoptr(DeckOrganization) org = g_list_model_get_item (orgs, i);
          GListModel *instances = deck_organization_get_instances (org);

          if (org_name != NULL && org != deck_store_find_organization (cli->store, org_name))
            continue;

          for (guint j = 0; j < g_list_model_get_n_items (instances); j++)
            {
              g_autoptr(DeckInstance) in = g_list_model_get_item (instances, j);

              if (cli->json)
                {
                  json_builder_begin_object (builder);
                  json_builder_set_member_name (builder, "organization");
                  json_builder_add_string_value (builder, deck_organization_get_name (org));
                  json_builder_set_member_name (builder, "name");
                  json_builder_add_string_value (builder, deck_instance_get_name (in));
                  json_builder_set_member_name (builder, "url");
                  json_builder_add_string_value (builder, deck_instance_get_url (in));
                  json_builder_set_member_name (builder, "username");
                  json_builder_add_string_value (builder, deck_instance_get_username (in));
                  json_builder_set_member_name (builder, "pinned_certificate");
                  if (deck_instance_get_pinned_certificate (in) != NULL)
                    json_builder_add_string_value (builder, deck_instance_get_pinned_certificate (in));
                  else
                    json_builder_add_null_value (builder);
                  json_builder_end_object (builder);
                }
              else
                g_print ("%s/%s\t%s\t%s%s\n", deck_organization_get_name (org),
                         deck_instance_get_name (in), deck_instance_get_url (in),
                         deck_instance_get_username (in),
                         deck_instance_get_pinned_certificate (in) ? _("\t(certificate pinned)") : "");
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

  if (g_str_equal (sub, "add"))
    return cmd_instance_add (cli, argc - 1, argv + 1);

  if (argc < 3)
    return deck_cli_usage_error (_("This instance command needs a NAME."));

  instance = deck_store_find_instance (cli->store, argv[2], &error);
  if (instance == NULL)
    return deck_cli_fail ("%s", error->message);

  if (g_str_equal (sub, "remove"))
    {
      g_autoptr(DeckInstance) removed = g_object_ref (instance);
      g_autoptr(GAsyncResult) result = NULL;

      if (!deck_store_remove_instance (cli->store, instance, &error))
        return deck_cli_fail ("%s", error->message);
      deck_credentials_clear_async (cli->credentials, DECK_SECRET_INSTANCE_LOGIN,
                                    deck_instance_get_id (removed), NULL, deck_cli_store_result, &result);
      deck_credentials_clear_finish (cli->credentials, deck_cli_wait_result (&result), NULL);
      g_print (_("Removed instance “%s”.\n"), deck_instance_get_name (removed));
      return DECK_CLI_EXIT_OK;
    }

  if (g_str_equal (sub, "test"))
    {
      g_autoptr(HdbClient) client = deck_cli_client_for (cli, instance, &error);

      if (client == NULL)
        return deck_cli_fail ("%s", error->message);
      return test_instance (cli, instance, client) ? DECK_CLI_EXIT_OK : DECK_CLI_EXIT_FAILURE;
    }

  if (g_str_equal (sub, "trust"))
    {
      gboolean yes = argc > 3 && g_str_equal (argv[3], "--yes");

      return cmd_instance_trust (cli, instance, yes);
    }

  return deck_cli_usage_error (_("Unknown instance command."));
}

/* status ----------------------------------------------------------------- */

typedef struct
{
  DeckInstance     *instance;
  HdbClient        *client;
  HdbServerInfo    *info;
  HdbClusterStatus *status;
  GError           *error;
  gboolean          done;
} StatusJob;

static void
status_job_free (StatusJob *job)
{
  g_clear_object (&job->instance);
  g_clear_object (&job->client);
  g_clear_pointer (&job->info, hdb_server_info_free);
  g_clear_pointer (&job->status, hdb_cluster_status_free);
  g_clear_error (&job->error);
  g_free (job);
}

static void
on_status_cluster (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  StatusJob *job = user_data;

  /* A failure here (say, replication off) leaves the facts known so far. */
  job->status = hdb_client_cluster_status_finish (HDB_CLIENT (source), result, NULL);
  job->done = TRUE;
}

static void
on_status_info (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  StatusJob *job = user_data;

  job->info = hdb_client_server_info_finish (HDB_CLIENT (source), result, &job->error);
  if (job->info != NULL && job->info->super_user && job->info->engine != HDB_ENGINE_NONE)
    {
      hdb_client_cluster_status_async (job->client, NULL, on_status_cluster, job);
      return;
    }
  job->done = TRUE;
}

static void
add_connections_json (JsonBuilder      *builder,
                      HdbClusterStatus *status)
{
  json_builder_begin_array (builder);
  for (guint i = 0; status != NULL && i < status->connections->len; i++)
    {
      HdbConnection *conn = g_ptr_array_index (status->connections, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, conn->name);
      json_builder_set_member_name (builder, "url");
      if (conn->url)
        json_builder_add_string_value (builder, conn->url);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "connected");
      json_builder_add_boolean_value (builder, hdb_connection_is_connected (conn));
      if (conn->status != NULL)
        {
          json_builder_set_member_name (builder, "status");
          json_builder_add_string_value (builder, conn->status);
        }
      json_builder_set_member_name (builder, "databases");
      json_builder_begin_array (builder);
      for (guint j = 0; j < conn->database_sockets->len; j++)
        {
          HdbDatabaseSocket *s = g_ptr_array_index (conn->database_sockets, j);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "database");
          json_builder_add_string_value (builder, s->database);
          json_builder_set_member_name (builder, "connected");
          json_builder_add_boolean_value (builder, s->connected);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "full_replication");
      json_builder_add_boolean_value (builder, conn->replicates);
      json_builder_set_member_name (builder, "subscriptions");
      json_builder_begin_array (builder);
      for (guint j = 0; j < conn->subscriptions->len; j++)
        {
          HdbSubscription *sub = g_ptr_array_index (conn->subscriptions, j);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "database");
          json_builder_add_string_value (builder, sub->database);
          json_builder_set_member_name (builder, "table");
          json_builder_add_string_value (builder, sub->table);
          json_builder_set_member_name (builder, "publish");
          json_builder_add_boolean_value (builder, sub->publish);
          json_builder_set_member_name (builder, "subscribe");
          json_builder_add_boolean_value (builder, sub->subscribe);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static int
cmd_status (DeckCli  *cli,
            int       argc,
            char    **argv)
{
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) status_job_free);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;
  GListModel *orgs = deck_store_get_organizations (cli->store);
  guint failed = 0;

  if (argc > 1)
    {
      DeckInstance *instance = deck_store_find_instance (cli->store, argv[1], &error);
      StatusJob *job;

      if (instance == NULL)
        return deck_cli_fail ("%s", error->message);
      job = g_new0 (StatusJob, 1);
      job->instance = g_object_ref (instance);
      g_ptr_array_add (jobs, job);
    }
  else
    {
      for (guint i = 0; i < g_list_model_get_n_items (orgs); i++)
        {
          g_autoptr(DeckOrganization) org = g_list_model_get_item (orgs, i);
          GListModel *instances = deck_organization_get_instances (org);

          for (guint j = 0; j < g_list_model_get_n_items (instances); j++)
            {
              StatusJob *job = g_new0 (StatusJob, 1);

              job->instance = g_list_model_get_item (instances, j);
              g_ptr_array_add (jobs, job);
            }
        }
    }

  /* Every instance is asked at once, each with its own timeout. */
  for (guint i = 0; i < jobs->len; i++)
    {
      StatusJob *job = g_ptr_array_index (jobs, i);

      job->client = deck_cli_client_for (cli, job->instance, &job->error);
      if (job->client == NULL)
        job->done = TRUE;
      else
        hdb_client_server_info_async (job->client, NULL, on_status_info, job);
    }
  for (guint i = 0; i < jobs->len; i++)
    while (!((StatusJob *) g_ptr_array_index (jobs, i))->done)
      g_main_context_iteration (NULL, TRUE);

  json_builder_begin_array (builder);
  for (guint i = 0; i < jobs->len; i++)
    {
      StatusJob *job = g_ptr_array_index (jobs, i);
      HdbServerInfo *info = job->info;

      if (info == NULL)
        failed++;

      if (!cli->json)
        {
          if (info != NULL)
            g_print ("%s\t%s\treachable\tHarper %s\t%s\t%s\n",
                     deck_instance_get_name (job->instance), deck_instance_get_url (job->instance),
                     info->version, hdb_engine_to_string (info->engine),
                     info->node_name ? info->node_name : "-");
          else
            g_print ("%s\t%s\tunreachable\t%s\n", deck_instance_get_name (job->instance),
                     deck_instance_get_url (job->instance), job->error->message);
          continue;
        }

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, deck_instance_get_name (job->instance));
      json_builder_set_member_name (builder, "url");
      json_builder_add_string_value (builder, deck_instance_get_url (job->instance));
      json_builder_set_member_name (builder, "reachable");
      json_builder_add_boolean_value (builder, info != NULL);
      json_builder_set_member_name (builder, "error");
      if (job->error != NULL)
        json_builder_add_string_value (builder, job->error->message);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "error_code");
      if (job->error != NULL && job->error->domain == HDB_ERROR)
        json_builder_add_string_value (builder, hdb_error_code_to_string (job->error->code));
      else if (job->error != NULL)
        json_builder_add_string_value (builder, "credentials");
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "version");
      if (info != NULL)
        json_builder_add_string_value (builder, info->version);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "engine");
      json_builder_add_string_value (builder, info ? hdb_engine_to_string (info->engine) : "unknown");
      json_builder_set_member_name (builder, "node_name");
      if (info != NULL && info->node_name != NULL)
        json_builder_add_string_value (builder, info->node_name);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "super_user");
      json_builder_add_boolean_value (builder, info != NULL && info->super_user);
      json_builder_set_member_name (builder, "connections");
      add_connections_json (builder, job->status);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  if (cli->json)
    {
      g_autoptr(JsonNode) root = json_builder_get_root (builder);

      deck_cli_print_json (root);
    }

  if (failed == 0)
    return DECK_CLI_EXIT_OK;
  return failed == jobs->len ? DECK_CLI_EXIT_FAILURE : DECK_CLI_EXIT_PARTIAL;
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
  g_autoptr(GError) problem = NULL;
  g_autoptr(DeckStore) store = NULL;
  g_autoptr(DeckInstanceMonitor) monitor = NULL;
  g_autoptr(DeckContext) deck_context = NULL;
  DeckCli cli = { 0 };
  const char *command;
  int status;

  context = g_option_context_new (_("COMMAND …"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, global_entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Manage the clustering and replication of Harper instances."));
  g_option_context_set_description (context, usage_text);
  g_option_context_set_strict_posix (context, TRUE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return deck_cli_usage_error (error->message);

  if (opt_version)
    {
      g_print ("clusterdeck-cli %s\n", PACKAGE_VERSION);
      return DECK_CLI_EXIT_OK;
    }

  if (argc < 2)
    return deck_cli_usage_error (_("No command given."));

  /* --json may also follow the command. */
  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--json"))
      {
        opt_json = TRUE;
        memmove (&argv[i], &argv[i + 1], sizeof (char *) * (size_t) (argc - i));
        argc--;
        i--;
      }

  command = argv[1];
  if (!g_str_equal (command, "org") && !g_str_equal (command, "instance") &&
      !g_str_equal (command, "status") && !g_str_equal (command, "enable") &&
      !g_str_equal (command, "connect") && !g_str_equal (command, "disconnect") &&
      !deck_cli_is_replication_command (command))
    return deck_cli_usage_error (_("Unknown command."));

  store = deck_store_new (NULL);
  if (!deck_store_load (store, &problem, &error))
    return deck_cli_fail ("%s", error->message);
  if (problem != NULL)
    g_printerr ("clusterdeck-cli: %s\n", problem->message);

  /* The monitor is never started: the command line checks nothing in the
   * background, and gives the monitor the passwords it reads
   * (deck_cli_client_for()). */
  monitor = deck_instance_monitor_new (store, deck_credentials_get_default ());
  deck_context = deck_context_new (store, deck_credentials_get_default (), monitor);
  cli.context = deck_context;
  cli.store = deck_context_get_store (deck_context);
  cli.credentials = deck_context_get_credentials (deck_context);
  cli.json = opt_json;

  if (g_str_equal (command, "org"))
    status = cmd_org (&cli, argc - 1, argv + 1);
  else if (g_str_equal (command, "instance"))
    status = cmd_instance (&cli, argc - 1, argv + 1);
  else if (g_str_equal (command, "enable"))
    status = deck_cli_cmd_enable (&cli, argc - 1, argv + 1);
  else if (g_str_equal (command, "connect"))
    status = deck_cli_cmd_connect (&cli, argc - 1, argv + 1, TRUE);
  else if (g_str_equal (command, "disconnect"))
    status = deck_cli_cmd_connect (&cli, argc - 1, argv + 1, FALSE);
  else if (deck_cli_is_replication_command (command))
    status = deck_cli_cmd_replication (&cli, argc - 1, argv + 1);
  else
    status = cmd_status (&cli, argc - 1, argv + 1);

  return status;
}
