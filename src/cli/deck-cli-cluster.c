/* deck-cli-cluster.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * clusterdeck-cli enable, connect and disconnect: the engines of the core,
 * with the restart's phases printed as they happen.
 */

#define G_LOG_DOMAIN "deck-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-cli.h"
#include "deck-cli-private.h"
#include "deck-engine.h"
#include "deck-schema-diff.h"
#include "hdb-parse.h"

/* The cluster user's password: the environment, the organization's item in
 * the keyring, then standard input or a prompt. */
char *
deck_cli_cluster_password (DeckCli          *cli,
                           DeckOrganization *org)
{
  g_autoptr(GAsyncResult) result = NULL;
  const char *env = g_getenv ("CLUSTERDECK_CLUSTER_PASSWORD");
  char *password;

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  deck_credentials_lookup_async (cli->credentials, DECK_SECRET_CLUSTER_USER,
                                 deck_organization_get_id (org), NULL, deck_cli_store_result,
                                 &result);
  password = deck_credentials_lookup_finish (cli->credentials, deck_cli_wait_result (&result), NULL);
  if (password != NULL)
    return password;

  return deck_cli_read_password ("CLUSTERDECK_CLUSTER_PASSWORD", _("Cluster password: "));
}

static void
on_phase (DeckRestartMonitor *monitor,
          GParamSpec         *pspec,
          gpointer            user_data)
{
  DeckRestartPhase phase = deck_restart_monitor_get_phase (monitor);
  DeckRestartPhase *last = user_data;

  if (phase == *last)
    return;
  *last = phase;
  g_print ("[%5.1f s] %s\n", deck_restart_monitor_get_elapsed (monitor),
           deck_restart_phase_describe (phase));
}

/**
 * deck_cli_cmd_enable:
 * @cli: the command line's state
 * @argc: arguments after the command
 * @argv: ("enable", NAME, options)
 *
 * Returns: the exit status
 */
int
deck_cli_cmd_enable (DeckCli  *cli,
                     int       argc,
                     char    **argv)
{
  g_autofree char *cluster_user = NULL;
  g_autofree char *node_name = NULL;
  g_autofree char *password = NULL;
  g_autofree char *label = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new ("");
  g_autoptr(GError) error = NULL;
  g_autoptr(HdbClient) client = NULL;
  g_autoptr(HdbServerInfo) info = NULL;
  g_autoptr(DeckEngine) engine = NULL;
  g_autoptr(DeckRestartMonitor) monitor = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  DeckRestartPhase last = DECK_RESTART_PHASE_IDLE;
  GOptionEntry entries[] = {
    { "cluster-user", 0, 0, G_OPTION_ARG_STRING, &cluster_user, N_("Cluster user"), "USER" },
    { "node-name", 0, 0, G_OPTION_ARG_STRING, &node_name, N_("Node name"), "NODE" },
    { NULL }
  };
  DeckEnableRequest request = { 0 };
  DeckOrganization *org;
  DeckInstance *instance;
  HdbEngine kind;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_help_enabled (context, FALSE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return deck_cli_usage_error (error->message);
  if (argc != 2)
    return deck_cli_usage_error (_("enable needs an instance NAME."));

  instance = deck_store_find_instance (cli->store, argv[1], &error);
  if (instance == NULL)
    return deck_cli_fail ("%s", error->message);
  org = deck_store_find_organization (cli->store, deck_instance_get_organization_id (instance));

  client = deck_cli_client_for (cli, instance, &error);
  if (client == NULL)
    return deck_cli_fail ("%s", error->message);
  info = deck_cli_server_info (client, &error);
  if (info == NULL)
    return deck_cli_fail ("%s", error->message);
  if (!info->super_user)
    return deck_cli_fail (_("“%s” is logged in as %s, who is not a super user: Harper lets only "
                            "super users enable clustering."),
                          deck_instance_get_name (instance), info->username);
  if (info->engine != HDB_ENGINE_NONE && !info->restart_pending)
    {
      g_print (_("Clustering is already enabled on “%s” (%s, node “%s”).\n"),
               deck_instance_get_name (instance), hdb_engine_to_string (info->engine),
               info->node_name ? info->node_name : "?");
      return DECK_CLI_EXIT_OK;
    }

  kind = info->engine == HDB_ENGINE_NATS || !hdb_version_has_native (info->version)
         ? HDB_ENGINE_NATS : HDB_ENGINE_NATIVE;
  engine = deck_engine_new_for (kind);

  if (cluster_user == NULL)
    cluster_user = g_strdup (deck_organization_get_cluster_user (org)
                             ? deck_organization_get_cluster_user (org)
                             : DECK_DEFAULT_CLUSTER_USER);
  if (node_name == NULL)
    node_name = deck_engine_suggest_node_name (engine, deck_instance_get_name (instance),
                                               deck_instance_get_url (instance));
  if (!deck_engine_validate_node_name (engine, node_name, &error))
    return deck_cli_fail ("%s", error->message);

  password = deck_cli_cluster_password (cli, org);
  if (password == NULL)
    return deck_cli_fail (_("No cluster password given."));

  g_print (_("Enabling %s on “%s” as node “%s”, cluster user “%s”.\n"),
           hdb_engine_to_string (kind), deck_instance_get_name (instance), node_name, cluster_user);

  request.cluster_user = cluster_user;
  request.cluster_password = password;
  request.node_name = node_name;

  monitor = deck_restart_monitor_new (client);
  g_signal_connect (monitor, "notify::phase", G_CALLBACK (on_phase), &last);
  deck_engine_enable_async (engine, client, &request, monitor, NULL, deck_cli_store_result, &result);
  if (!deck_engine_enable_finish (engine, deck_cli_wait_result (&result), &error))
    {
      deck_cli_wipe (password);
      return deck_cli_fail (_("Clustering was not enabled on “%s”: %s"),
                            deck_instance_get_name (instance), error->message);
    }
  g_print ("[%5.1f s] %s\n", deck_restart_monitor_get_elapsed (monitor),
           _("Clustering enabled"));

  /* The other instances of the organization need the same cluster user. */
  if (!deck_store_set_cluster_user (cli->store, org, cluster_user, &error))
    g_printerr ("clusterdeck-cli: %s\n", error->message);
  g_clear_error (&error);
  g_clear_object (&result);
  label = g_strdup_printf (_("Clusterdeck cluster user of “%s”"), deck_organization_get_name (org));
  deck_credentials_store_async (cli->credentials, DECK_SECRET_CLUSTER_USER,
                                deck_organization_get_id (org), label, password, NULL,
                                deck_cli_store_result, &result);
  if (!deck_credentials_store_finish (cli->credentials, deck_cli_wait_result (&result), &error))
    g_printerr (_("clusterdeck-cli: the cluster password could not be stored in the keyring: %s\n"),
                error->message);
  deck_cli_wipe (password);
  return DECK_CLI_EXIT_OK;
}

/* Replication never creates a database (Q9): say which tables will not
 * replicate because one side lacks them. */
static void
warn_missing_tables (DeckInstance *instance,
                     HdbClient    *client,
                     DeckInstance *other,
                     HdbClient    *peer_client)
{
  g_autoptr(HdbSchema) mine = deck_cli_describe_all (client, NULL);
  g_autoptr(HdbSchema) theirs = deck_cli_describe_all (peer_client, NULL);
  g_autoptr(GPtrArray) on_peer = NULL;
  g_autoptr(GPtrArray) here = NULL;

  if (mine == NULL || theirs == NULL)
    return;
  on_peer = deck_schema_diff_missing (mine, theirs);
  here = deck_schema_diff_missing (theirs, mine);
  if (on_peer->len > 0)
    {
      g_autofree char *list = deck_schema_diff_describe (on_peer);

      g_printerr (_("Note: “%s” lacks %s; those tables do not replicate until they are created "
                    "there (replication never creates a database).\n"),
                  deck_instance_get_name (other), list);
    }
  if (here->len > 0)
    {
      g_autofree char *list = deck_schema_diff_describe (here);

      g_printerr (_("Note: “%s” lacks %s; those tables do not replicate until they are created "
                    "there (replication never creates a database).\n"),
                  deck_instance_get_name (instance), list);
    }
}

/**
 * deck_cli_cmd_connect:
 * @cli: the command line's state
 * @argc: arguments after the command
 * @argv: ("connect" or "disconnect", NAME, PEER)
 * @connect: %TRUE to connect, %FALSE to disconnect
 *
 * Returns: the exit status
 */
int
deck_cli_cmd_connect (DeckCli  *cli,
                      int       argc,
                      char    **argv,
                      gboolean  connect)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdbClient) client = NULL;
  g_autoptr(HdbClient) peer_client = NULL;
  g_autoptr(HdbServerInfo) info = NULL;
  g_autoptr(HdbServerInfo) peer_info = NULL;
  g_autoptr(DeckEngine) engine = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *password = NULL;
  DeckOrganization *org;
  DeckInstance *instance, *other;
  DeckPeer peer = { 0 };
  gboolean ok;

  if (argc != 3)
    return deck_cli_usage_error (connect ? _("connect needs an instance NAME and a PEER.")
                                         : _("disconnect needs an instance NAME and a PEER."));

  instance = deck_store_find_instance (cli->store, argv[1], &error);
  if (instance == NULL)
    return deck_cli_fail ("%s", error->message);
  other = deck_store_find_instance (cli->store, argv[2], &error);
  if (other == NULL)
    return deck_cli_fail ("%s", error->message);
  if (other == instance)
    return deck_cli_fail (_("An instance cannot be connected to itself."));
  org = deck_store_find_organization (cli->store, deck_instance_get_organization_id (instance));

  client = deck_cli_client_for (cli, instance, &error);
  if (client == NULL)
    return deck_cli_fail ("%s", error->message);
  peer_client = deck_cli_client_for (cli, other, &error);
  if (peer_client == NULL)
    return deck_cli_fail ("%s", error->message);

  info = deck_cli_server_info (client, &error);
  if (info == NULL)
    return deck_cli_fail ("%s", error->message);
  peer_info = deck_cli_server_info (peer_client, &error);
  if (peer_info == NULL)
    return deck_cli_fail ("%s", error->message);

  if (info->engine == HDB_ENGINE_NONE || info->node_name == NULL)
    return deck_cli_fail (_("Clustering is not enabled on “%s”: run clusterdeck-cli enable %s"),
                          deck_instance_get_name (instance), deck_instance_get_name (instance));
  if (peer_info->engine != info->engine || peer_info->node_name == NULL)
    return deck_cli_fail (_("“%s” is not enabled with the same engine (%s) as “%s”: run "
                            "clusterdeck-cli enable %s"),
                          deck_instance_get_name (other), hdb_engine_to_string (info->engine),
                          deck_instance_get_name (instance), deck_instance_get_name (other));

  engine = deck_engine_new_for (info->engine);
  /* The engine reads the peer's own replication URL from its configuration. */
  peer.client = peer_client;
  peer.node_name = peer_info->node_name;
  peer.replication_url = NULL;
  peer.pinned = deck_instance_get_pinned_certificate (other) != NULL;

  if (connect)
    {
      warn_missing_tables (instance, client, other, peer_client);
      password = deck_cli_cluster_password (cli, org);
      if (password == NULL)
        return deck_cli_fail (_("No cluster password given."));
      deck_engine_connect_async (engine, client,
                                 deck_organization_get_cluster_user (org)
                                 ? deck_organization_get_cluster_user (org)
                                 : DECK_DEFAULT_CLUSTER_USER,
                                 password, &peer, NULL, deck_cli_store_result, &result);
      ok = deck_engine_connect_finish (engine, deck_cli_wait_result (&result), &error);
      deck_cli_wipe (password);
    }
  else
    {
      deck_engine_disconnect_async (engine, client, info->node_name, &peer, NULL,
                                    deck_cli_store_result, &result);
      ok = deck_engine_disconnect_finish (engine, deck_cli_wait_result (&result), &error);
    }

  if (!ok)
    return deck_cli_fail (connect ? _("“%s” was not connected to “%s”: %s")
                                  : _("“%s” was not disconnected from “%s”: %s"),
                          deck_instance_get_name (instance), deck_instance_get_name (other),
                          error->message);

  g_print (connect ? _("Connected “%s” (node %s) to “%s” (node %s).\n")
                   : _("Disconnected “%s” (node %s) from “%s” (node %s).\n"),
           deck_instance_get_name (instance), info->node_name, deck_instance_get_name (other),
           peer_info->node_name);
  return DECK_CLI_EXIT_OK;
}
