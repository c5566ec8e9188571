/* deck-cli-cluster.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * clusterdeck-cli enable, connect and disconnect: a thin shell over the
 * core's jobs (DeckEnableJob, DeckConnectJob, DeckDisconnectJob), the same
 * the window runs, with the restart's phases printed as they happen.
 */

#define G_LOG_DOMAIN "deck-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-cli.h"
#include "deck-cli-private.h"
#include "deck-connect-job.h"
#include "deck-disconnect-job.h"
#include "deck-enable-job.h"
#include "deck-schema-diff.h"

/* Runs the main loop until @job ends or waits for a decision. */
void
deck_cli_wait_job (DeckJob *job)
{
  while (!deck_job_is_finished (job) && deck_job_get_state (job) != DECK_JOB_STATE_PREPARED)
    g_main_context_iteration (NULL, TRUE);
}

/* Starts a job with the cluster password (NULL: the job looks in the keyring)
 * and waits for it. */
typedef DeckJob *(*StartWithPassword) (DeckCli     *cli,
                                       gpointer     data,
                                       const char  *password,
                                       GError     **error);

/* Runs @start with the cluster password from the environment, else from
 * the organization's item in the keyring (the job looks); when neither has
 * it, asks for it (standard input or a prompt) and runs @start again. NULL
 * (and @error) when it could not start, or no password was given. */
static DeckJob *
run_with_cluster_password (DeckCli            *cli,
                           StartWithPassword   start,
                           gpointer            data,
                           GError            **error)
{
  const char *env = g_getenv ("CLUSTERDECK_CLUSTER_PASSWORD");
  g_autoptr(DeckJob) job = start (cli, data, env != NULL && *env != '\0' ? env : NULL, error);
  g_autofree char *password = NULL;

  if (job == NULL || !g_error_matches (deck_job_get_error (job), DECK_JOB_ERROR,
                                       DECK_JOB_ERROR_NO_CLUSTER_PASSWORD))
    return g_steal_pointer (&job);

  g_clear_object (&job);
  password = deck_cli_read_password ("CLUSTERDECK_CLUSTER_PASSWORD", _("Cluster password: "));
  if (password == NULL)
    {
      g_set_error_literal (error, DECK_JOB_ERROR, DECK_JOB_ERROR_NO_CLUSTER_PASSWORD,
                           _("No cluster password given."));
      return NULL;
    }
  job = start (cli, data, password, error);
  deck_cli_wipe (password);
  return g_steal_pointer (&job);
}

/* enable ------------------------------------------------------------------- */

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

/* The engine and node name are known: say what is about to happen. */
static void
on_node_name (DeckEnableJob *job,
              GParamSpec    *pspec,
              gpointer       user_data)
{
  if (deck_enable_job_get_already_enabled (job))
    return;
  g_print (_("Enabling %s on “%s” as node “%s”, cluster user “%s”.\n"),
           hdb_engine_to_string (deck_enable_job_get_engine (job)),
           deck_instance_get_name (deck_job_get_instance (DECK_JOB (job))),
           deck_enable_job_get_node_name (job), deck_enable_job_get_cluster_user (job));
}

typedef struct
{
  DeckInstance     *instance;
  const char       *cluster_user;
  const char       *node_name;
  DeckRestartPhase  last;
} EnableArgs;

static DeckJob *
start_enable (DeckCli     *cli,
              gpointer     data,
              const char  *password,
              GError     **error)
{
  EnableArgs *args = data;
  g_autoptr(DeckEnableJob) job = deck_enable_job_new (cli->context, args->instance,
                                                      args->cluster_user, password,
                                                      args->node_name);

  g_signal_connect (job, "notify::node-name", G_CALLBACK (on_node_name), NULL);
  if (!deck_job_start (DECK_JOB (job), error))
    return NULL;
  g_signal_connect (deck_enable_job_get_restart_monitor (job), "notify::phase",
                    G_CALLBACK (on_phase), &args->last);
  deck_cli_wait_job (DECK_JOB (job));
  return DECK_JOB (g_steal_pointer (&job));
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
  g_autoptr(GOptionContext) context = g_option_context_new ("");
  g_autoptr(GError) error = NULL;
  g_autoptr(HdbClient) client = NULL;
  g_autoptr(DeckEnableJob) job = NULL;
  EnableArgs args = { 0 };
  GOptionEntry entries[] = {
    { "cluster-user", 0, 0, G_OPTION_ARG_STRING, &cluster_user, N_("Cluster user"), "USER" },
    { "node-name", 0, 0, G_OPTION_ARG_STRING, &node_name, N_("Node name"), "NODE" },
    { NULL }
  };
  const GError *job_error;
  DeckInstance *instance;
  const char *name;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_help_enabled (context, FALSE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return deck_cli_usage_error (error->message);
  if (argc != 2)
    return deck_cli_usage_error (_("enable needs an instance NAME."));

  instance = deck_store_find_instance (cli->store, argv[1], &error);
  if (instance == NULL)
    return deck_cli_fail ("%s", error->message);
  name = deck_instance_get_name (instance);
  client = deck_cli_client_for (cli, instance, &error);
  if (client == NULL)
    return deck_cli_fail ("%s", error->message);

  args.instance = instance;
  args.cluster_user = cluster_user;
  args.node_name = node_name;
  job = DECK_ENABLE_JOB (run_with_cluster_password (cli, start_enable, &args, &error));
  if (job == NULL)
    return deck_cli_fail ("%s", error->message);

  job_error = deck_job_get_error (DECK_JOB (job));
  if (deck_enable_job_get_already_enabled (job))
    {
      g_print (_("Clustering is already enabled on “%s” (%s, node “%s”).\n"), name,
               hdb_engine_to_string (deck_enable_job_get_engine (job)),
               deck_enable_job_get_node_name (job) ? deck_enable_job_get_node_name (job) : "?");
      return DECK_CLI_EXIT_OK;
    }
  if (g_error_matches (job_error, DECK_JOB_ERROR, DECK_JOB_ERROR_NOT_SAVED))
    {
      /* Enabled on the server; what the other instances need was not kept. */
      g_print ("[%5.1f s] %s\n",
               deck_restart_monitor_get_elapsed (deck_enable_job_get_restart_monitor (job)),
               _("Clustering enabled"));
      g_printerr ("clusterdeck-cli: %s\n", job_error->message);
      return DECK_CLI_EXIT_PARTIAL;
    }
  if (job_error != NULL && job_error->domain == DECK_JOB_ERROR)
    return deck_cli_fail ("%s", job_error->message);
  if (job_error != NULL)
    return deck_cli_fail (_("Clustering was not enabled on “%s”: %s"), name, job_error->message);

  g_print ("[%5.1f s] %s\n",
           deck_restart_monitor_get_elapsed (deck_enable_job_get_restart_monitor (job)),
           _("Clustering enabled"));
  return DECK_CLI_EXIT_OK;
}

/* connect, disconnect -------------------------------------------------------- */

/* What a job's error says on the command line: the hint to enable where
 * clustering is missing, else what was not done and why. */
static int
fail_job (DeckJob      *job,
          DeckInstance *instance,
          DeckInstance *other,
          gboolean      connect)
{
  const GError *error = deck_job_get_error (job);
  const char *why = error != NULL ? error->message : _("Cancelled");

  if (g_error_matches (error, DECK_JOB_ERROR, DECK_JOB_ERROR_NOT_ENABLED))
    return deck_cli_fail (_("Clustering is not enabled on “%s”: run clusterdeck-cli enable %s"),
                          deck_instance_get_name (instance), deck_instance_get_name (instance));
  if (g_error_matches (error, DECK_JOB_ERROR, DECK_JOB_ERROR_PEER_NOT_ENABLED))
    return deck_cli_fail ("%s", error->message);
  if (connect)
    return deck_cli_fail (_("“%s” was not connected to “%s”: %s"),
                          deck_instance_get_name (instance), deck_instance_get_name (other), why);
  return deck_cli_fail (_("“%s” was not disconnected from “%s”: %s"),
                        deck_instance_get_name (instance), deck_instance_get_name (other), why);
}

typedef struct
{
  DeckInstance *instance;
  DeckInstance *other;
} ConnectArgs;

/* Starts a connect job and waits for its preparation. */
static DeckJob *
prepare_connect (DeckCli     *cli,
                 gpointer     data,
                 const char  *password,
                 GError     **error)
{
  ConnectArgs *args = data;
  g_autoptr(DeckConnectJob) job = deck_connect_job_new (cli->context, args->instance, args->other);

  if (password != NULL)
    deck_connect_job_set_cluster_password (job, password);
  if (!deck_job_start (DECK_JOB (job), error))
    return NULL;
  deck_cli_wait_job (DECK_JOB (job));
  return DECK_JOB (g_steal_pointer (&job));
}

/* Replication never creates a database (Q9): one sentence for each side
 * that lacks tables the other has. */
static void
print_missing (DeckInstance *lacking,
               GPtrArray    *missing)
{
  g_autofree char *list = NULL;

  if (missing == NULL || missing->len == 0)
    return;
  list = deck_schema_diff_describe (missing);
  g_printerr (g_dngettext (GETTEXT_PACKAGE,
                           "clusterdeck-cli: “%s” lacks the table %s, which would not replicate "
                           "(replication never creates one): create it there first, or run connect "
                           "with --create-missing.\n",
                           "clusterdeck-cli: “%s” lacks the tables %s, which would not replicate "
                           "(replication never creates them): create them there first, or run "
                           "connect with --create-missing.\n",
                           missing->len),
              deck_instance_get_name (lacking), list);
}

static int
cmd_connect (DeckCli      *cli,
             DeckInstance *instance,
             DeckInstance *other,
             gboolean      create_missing)
{
  g_autoptr(DeckConnectJob) job = NULL;
  g_autoptr(GError) error = NULL;
  ConnectArgs args = { instance, other };
  GPtrArray *here, *on_peer;

  job = DECK_CONNECT_JOB (run_with_cluster_password (cli, prepare_connect, &args, &error));
  if (job == NULL)
    return deck_cli_fail ("%s", error->message);
  if (deck_job_get_state (DECK_JOB (job)) != DECK_JOB_STATE_PREPARED)
    return fail_job (DECK_JOB (job), instance, other, TRUE);

  here = deck_connect_job_get_missing_here (job);
  on_peer = deck_connect_job_get_missing_on_peer (job);
  if (deck_connect_job_has_missing (job) && !create_missing)
    {
      /* Nothing was sent. */
      print_missing (other, on_peer);
      print_missing (instance, here);
      deck_job_cancel (DECK_JOB (job));
      return DECK_CLI_EXIT_FAILURE;
    }

  /* What trust the connect extends (a pinned certificate accepted without
   * a certificate authority), said before anything is sent. */
  if (deck_connect_job_get_trust (job) != NULL)
    g_print ("%s\n", deck_connect_job_get_trust (job));
  if (!deck_connect_job_connect (job, create_missing, &error))
    return deck_cli_fail ("%s", error->message);
  deck_cli_wait_job (DECK_JOB (job));
  if (deck_job_get_state (DECK_JOB (job)) != DECK_JOB_STATE_SUCCEEDED)
    return fail_job (DECK_JOB (job), instance, other, TRUE);

  if (deck_connect_job_get_created_missing (job))
    {
      if (on_peer->len > 0)
        {
          g_autofree char *list = deck_schema_diff_describe (on_peer);

          g_print (_("Created %s on “%s”.\n"), list, deck_instance_get_name (other));
        }
      if (here->len > 0)
        {
          g_autofree char *list = deck_schema_diff_describe (here);

          g_print (_("Created %s on “%s”.\n"), list, deck_instance_get_name (instance));
        }
    }
  g_print (_("Connected “%s” (node %s) to “%s” (node %s).\n"),
           deck_instance_get_name (instance), deck_connect_job_get_node_name (job),
           deck_instance_get_name (other), deck_connect_job_get_peer_node_name (job));
  if (deck_connect_job_get_followed_certificate (job) != NULL)
    g_print (_("Harper gave “%s” a new certificate with the same key, issued by %s; its pin now "
               "names SHA-256 %s.\n"),
             deck_instance_get_name (instance),
             deck_connect_job_get_followed_certificate (job)->issuer ?: "?",
             deck_connect_job_get_followed_certificate (job)->sha256);
  return DECK_CLI_EXIT_OK;
}

static int
cmd_disconnect (DeckCli      *cli,
                DeckInstance *instance,
                DeckInstance *other)
{
  g_autoptr(DeckDisconnectJob) job = deck_disconnect_job_new (cli->context, instance, other,
                                                              NULL, NULL);
  g_autoptr(GError) error = NULL;

  if (!deck_job_start (DECK_JOB (job), &error))
    return deck_cli_fail ("%s", error->message);
  deck_cli_wait_job (DECK_JOB (job));
  if (deck_job_get_state (DECK_JOB (job)) != DECK_JOB_STATE_SUCCEEDED)
    return fail_job (DECK_JOB (job), instance, other, FALSE);

  g_print (_("Disconnected “%s” (node %s) from “%s” (node %s).\n"),
           deck_instance_get_name (instance), deck_disconnect_job_get_node_name (job),
           deck_instance_get_name (other), deck_disconnect_job_get_peer_node_name (job));
  return DECK_CLI_EXIT_OK;
}

/**
 * deck_cli_cmd_connect:
 * @cli: the command line's state
 * @argc: arguments after the command
 * @argv: ("connect" or "disconnect", NAME, PEER, options)
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
  g_autoptr(GOptionContext) context = g_option_context_new ("");
  g_autoptr(GError) error = NULL;
  g_autoptr(HdbClient) client = NULL;
  g_autoptr(HdbClient) peer_client = NULL;
  gboolean create_missing = FALSE;
  GOptionEntry connect_entries[] = {
    { "create-missing", 0, 0, G_OPTION_ARG_NONE, &create_missing,
      N_("Create the tables either side lacks first"), NULL },
    { NULL }
  };
  GOptionEntry no_entries[] = { { NULL } };
  DeckInstance *instance, *other;

  g_option_context_add_main_entries (context, connect ? connect_entries : no_entries,
                                     GETTEXT_PACKAGE);
  g_option_context_set_help_enabled (context, FALSE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return deck_cli_usage_error (error->message);
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

  /* The jobs find these clients in the context. */
  client = deck_cli_client_for (cli, instance, &error);
  if (client == NULL)
    return deck_cli_fail ("%s", error->message);
  peer_client = deck_cli_client_for (cli, other, &error);
  if (peer_client == NULL)
    return deck_cli_fail ("%s", error->message);

  if (connect)
    return cmd_connect (cli, instance, other, create_missing);
  return cmd_disconnect (cli, instance, other);
}
