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
  g_autoptr(DeckJob) job = start (cli, data, cli->cluster_password, error);
  g_autoptr(HdbSecret) password = NULL;

  if (job == NULL || !g_error_matches (deck_job_get_error (job), DECK_JOB_ERROR,
                                       DECK_JOB_ERROR_NO_CLUSTER_PASSWORD))
    return g_steal_pointer (&job);

  g_clear_object (&job);
  password = deck_cli_read_password (NULL, _("Cluster password: "), NULL);
  if (password == NULL)
    {
      g_set_error_literal (error, DECK_JOB_ERROR, DECK_JOB_ERROR_NO_CLUSTER_PASSWORD,
                           _("No cluster password was given."));
      return NULL;
    }
  return start (cli, data, password, error);
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
  g_autofree char *node_name = NULL;

  if (deck_enable_job_get_already_enabled (job))
    return;
  node_name = deck_cli_escape (deck_enable_job_get_node_name (job));
  g_print (_("Enabling %s on “%s” as node “%s”, cluster user “%s”.\n"),
           hdb_engine_to_string (deck_enable_job_get_engine (job)),
           deck_instance_get_name (deck_job_get_instance (DECK_JOB (job))),
           node_name, deck_enable_job_get_cluster_user (job));
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

/* The options; one command runs per process. */
static char *opt_cluster_user;
static char *opt_node_name;
static gboolean opt_create_missing;

static int
cmd_enable (DeckCli  *cli,
            int       argc,
            char    **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdbClient) client = NULL;
  g_autoptr(DeckEnableJob) job = NULL;
  EnableArgs args = { 0 };
  const GError *job_error;
  DeckInstance *instance;
  const char *name;

  instance = deck_store_find_instance (cli->store, argv[1], &error);
  if (instance == NULL)
    return deck_cli_fail_error (error);
  name = deck_instance_get_name (instance);
  client = deck_cli_client_for (cli, instance, &error);
  if (client == NULL)
    return deck_cli_fail_error (error);

  args.instance = instance;
  args.cluster_user = opt_cluster_user;
  args.node_name = opt_node_name;
  job = DECK_ENABLE_JOB (run_with_cluster_password (cli, start_enable, &args, &error));
  if (job == NULL)
    return deck_cli_fail_error (error);

  job_error = deck_job_get_error (DECK_JOB (job));
  if (deck_enable_job_get_already_enabled (job))
    {
      g_autofree char *node_name = deck_cli_escape (deck_enable_job_get_node_name (job)
                                                    ? deck_enable_job_get_node_name (job) : "?");

      g_print (_("Clustering is already enabled on “%s” (%s, node “%s”).\n"), name,
               hdb_engine_to_string (deck_enable_job_get_engine (job)), node_name);
      return DECK_CLI_EXIT_OK;
    }
  if (g_error_matches (job_error, DECK_JOB_ERROR, DECK_JOB_ERROR_NOT_SAVED))
    {
      /* Enabled on the server; what the other instances need was not kept. */
      g_print ("[%5.1f s] %s\n",
               deck_restart_monitor_get_elapsed (deck_enable_job_get_restart_monitor (job)),
               _("Clustering enabled"));
      deck_cli_fail_error (job_error);
      return DECK_CLI_EXIT_PARTIAL;
    }
  if (job_error != NULL && job_error->domain == DECK_JOB_ERROR)
    return deck_cli_fail_error (job_error);
  if (job_error != NULL)
    return deck_cli_fail_code (deck_cli_error_code (job_error),
                               _("Clustering was not enabled on “%s”: %s"), name,
                               job_error->message);

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
  const char *code = deck_cli_error_code (error);

  if (g_error_matches (error, DECK_JOB_ERROR, DECK_JOB_ERROR_NOT_ENABLED))
    return deck_cli_fail_code (code,
                               _("Clustering is not enabled on “%s”: run clusterdeck-cli enable %s"),
                               deck_instance_get_name (instance), deck_instance_get_name (instance));
  if (g_error_matches (error, DECK_JOB_ERROR, DECK_JOB_ERROR_PEER_NOT_ENABLED))
    return deck_cli_fail_error (error);
  if (connect)
    return deck_cli_fail_code (code, _("“%s” was not connected to “%s”: %s"),
                               deck_instance_get_name (instance), deck_instance_get_name (other),
                               why);
  return deck_cli_fail_code (code, _("“%s” was not disconnected from “%s”: %s"),
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
  deck_cli_fail_code ("missing-tables",
                      g_dngettext (GETTEXT_PACKAGE,
                                   "“%s” lacks the table %s, which would not replicate "
                                   "(replication never creates one): create it there first, or "
                                   "run connect with --create-missing.",
                                   "“%s” lacks the tables %s, which would not replicate "
                                   "(replication never creates them): create them there first, "
                                   "or run connect with --create-missing.",
                                   missing->len),
                      deck_instance_get_name (lacking), list);
}

static int
connect_instances (DeckCli      *cli,
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
    return deck_cli_fail_error (error);
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
    return deck_cli_fail_error (error);
  deck_cli_wait_job (DECK_JOB (job));
  if (deck_job_get_state (DECK_JOB (job)) != DECK_JOB_STATE_SUCCEEDED)
    return fail_job (DECK_JOB (job), instance, other, TRUE);

  if (deck_connect_job_get_created_missing (job))
    {
      if (on_peer->len > 0)
        {
          g_autofree char *list = deck_schema_diff_describe (on_peer);
          g_autofree char *shown = deck_cli_escape (list);

          g_print (_("Created %s on “%s”.\n"), shown, deck_instance_get_name (other));
        }
      if (here->len > 0)
        {
          g_autofree char *list = deck_schema_diff_describe (here);
          g_autofree char *shown = deck_cli_escape (list);

          g_print (_("Created %s on “%s”.\n"), shown, deck_instance_get_name (instance));
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
disconnect_instances (DeckCli      *cli,
                      DeckInstance *instance,
                      DeckInstance *other)
{
  g_autoptr(DeckDisconnectJob) job = deck_disconnect_job_new (cli->context, instance, other,
                                                              NULL, NULL);
  g_autoptr(GError) error = NULL;

  if (!deck_job_start (DECK_JOB (job), &error))
    return deck_cli_fail_error (error);
  deck_cli_wait_job (DECK_JOB (job));
  if (deck_job_get_state (DECK_JOB (job)) != DECK_JOB_STATE_SUCCEEDED)
    return fail_job (DECK_JOB (job), instance, other, FALSE);

  g_print (_("Disconnected “%s” (node %s) from “%s” (node %s).\n"),
           deck_instance_get_name (instance), deck_disconnect_job_get_node_name (job),
           deck_instance_get_name (other), deck_disconnect_job_get_peer_node_name (job));
  return DECK_CLI_EXIT_OK;
}

/* Both instances, each with a client in the context (the jobs find them
 * there); or a failure said. */
static int
find_pair (DeckCli       *cli,
           char         **argv,
           DeckInstance **instance,
           DeckInstance **other)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdbClient) client = NULL;
  g_autoptr(HdbClient) peer_client = NULL;

  *instance = deck_store_find_instance (cli->store, argv[1], &error);
  if (*instance == NULL)
    return deck_cli_fail_error (error);
  *other = deck_store_find_instance (cli->store, argv[2], &error);
  if (*other == NULL)
    return deck_cli_fail_error (error);
  if (*other == *instance)
    return deck_cli_fail_code ("invalid", _("An instance cannot be connected to itself."));

  client = deck_cli_client_for (cli, *instance, &error);
  if (client == NULL)
    return deck_cli_fail_error (error);
  peer_client = deck_cli_client_for (cli, *other, &error);
  if (peer_client == NULL)
    return deck_cli_fail_error (error);
  return -1;
}

static int
cmd_connect (DeckCli  *cli,
             int       argc,
             char    **argv)
{
  DeckInstance *instance, *other;
  int status = find_pair (cli, argv, &instance, &other);

  if (status >= 0)
    return status;
  return connect_instances (cli, instance, other, opt_create_missing);
}

static int
cmd_disconnect (DeckCli  *cli,
                int       argc,
                char    **argv)
{
  DeckInstance *instance, *other;
  int status = find_pair (cli, argv, &instance, &other);

  if (status >= 0)
    return status;
  return disconnect_instances (cli, instance, other);
}

/* The table ------------------------------------------------------------------- */

static const GOptionEntry enable_entries[] = {
  { "cluster-user", 0, 0, G_OPTION_ARG_STRING, &opt_cluster_user,
    N_("The cluster user (default: the organization’s, else cluster_user)"), N_("USER") },
  { "node-name", 0, 0, G_OPTION_ARG_STRING, &opt_node_name,
    N_("The node name (default: made from the instance’s name)"), N_("NODE") },
  { NULL }
};

static const GOptionEntry connect_entries[] = {
  { "create-missing", 0, 0, G_OPTION_ARG_NONE, &opt_create_missing,
    N_("Create the tables either side lacks first"), NULL },
  { NULL }
};

const DeckCliCommand deck_cli_cluster_commands[] = {
  { NULL, "enable", N_("NAME [--cluster-user USER] [--node-name NODE]"),
    N_("Enable clustering and follow the restart"),
    N_("enable needs an instance NAME."), enable_entries, 1, 1, cmd_enable },
  { NULL, "connect", N_("NAME PEER [--create-missing]"),
    N_("Connect two instances (full replication)"),
    N_("connect needs an instance NAME and a PEER."), connect_entries, 2, 2, cmd_connect },
  { NULL, "disconnect", N_("NAME PEER"), N_("Disconnect two instances, on both sides"),
    N_("disconnect needs an instance NAME and a PEER."), NULL, 2, 2, cmd_disconnect },
  { NULL }
};
