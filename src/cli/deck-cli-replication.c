/* deck-cli-replication.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * clusterdeck-cli set, pending, discard, plan, apply and history: the same
 * pending changes, apply job and history as the grid (DESIGN.md §3, §6),
 * reached through the context. `set` only stages, like a switch in the
 * grid; the pending changes survive between commands, and what apply could
 * not do stays pending (the apply job settles them as Review & Apply does).
 */

#define G_LOG_DOMAIN "deck-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "deck-apply-job.h"
#include "deck-change-set.h"
#include "deck-cli.h"
#include "deck-cli-private.h"
#include "deck-history.h"
#include "deck-plan.h"

/* Shared ------------------------------------------------------------------- */

/* The pending changes the window shares (the context's). A file that had
 * to be set aside is reported and the command goes on without it; one that
 * cannot be read, or that a newer Clusterdeck wrote, stops the command: it
 * stays as it is. Saving (deck_pending_save()) merges what the window
 * staged meanwhile. */
static DeckChangeSet *
load_pending (DeckCli  *cli,
              GError  **error)
{
  DeckPending *pending = deck_context_get_pending (cli->context);
  const GError *problem = deck_pending_get_problem (pending);

  if (problem != NULL)
    {
      if (!g_error_matches (problem, DECK_PENDING_ERROR, DECK_PENDING_ERROR_CORRUPT))
        {
          g_propagate_error (error, g_error_copy (problem));
          return NULL;
        }
      g_printerr ("clusterdeck-cli: %s\n", problem->message);
    }
  return g_object_ref (deck_pending_get_changes (pending));
}

static gboolean
save_pending (DeckCli  *cli,
              GError  **error)
{
  return deck_pending_save (deck_context_get_pending (cli->context), error);
}

static const char *
instance_label (DeckCli    *cli,
                const char *instance_id)
{
  DeckInstance *instance = deck_store_find_instance_by_id (cli->store, instance_id);

  return instance != NULL ? deck_instance_get_name (instance) : instance_id;
}

static const char *
on_off (DeckToggle toggle)
{
  return toggle == DECK_TOGGLE_ON ? "on" : "off";
}

static char *
describe_change (DeckCli          *cli,
                 const DeckChange *change)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "%s → %s %s.%s:", instance_label (cli, change->instance_id),
                          change->peer, change->database, change->table);
  if (change->publish != DECK_TOGGLE_UNCHANGED)
    g_string_append_printf (text, _(" publish %s (was %s)"), on_off (change->publish),
                            change->baseline.publish ? "on" : "off");
  if (change->subscribe != DECK_TOGGLE_UNCHANGED)
    g_string_append_printf (text, _(" subscribe %s (was %s)"), on_off (change->subscribe),
                            change->baseline.subscribe ? "on" : "off");
  if (change->baseline.replicates)
    g_string_append (text, _(" [full replication]"));
  return g_string_free (text, FALSE);
}

/* set ---------------------------------------------------------------------- */

static gboolean
parse_switch (const char *value,
              DeckToggle *toggle)
{
  if (value == NULL)
    *toggle = DECK_TOGGLE_UNCHANGED;
  else if (g_str_equal (value, "on"))
    *toggle = DECK_TOGGLE_ON;
  else if (g_str_equal (value, "off"))
    *toggle = DECK_TOGGLE_OFF;
  else
    return FALSE;
  return TRUE;
}

static int
cmd_set (DeckCli  *cli,
         int       argc,
         char    **argv)
{
  g_autofree char *publish_arg = NULL;
  g_autofree char *subscribe_arg = NULL;
  g_autofree char *database = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new ("");
  g_autoptr(GError) error = NULL;
  g_autoptr(HdbClient) client = NULL;
  g_autoptr(HdbClient) peer_client = NULL;
  g_autoptr(HdbServerInfo) peer_info = NULL;
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(HdbSchema) schema = NULL;
  g_autoptr(DeckChangeSet) changes = NULL;
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  GOptionEntry entries[] = {
    { "publish", 0, 0, G_OPTION_ARG_STRING, &publish_arg, N_("Publish the table to the peer"),
      "on|off" },
    { "subscribe", 0, 0, G_OPTION_ARG_STRING, &subscribe_arg,
      N_("Subscribe to the peer's table"), "on|off" },
    { NULL }
  };
  DeckToggle publish, subscribe;
  DeckInstance *instance, *other;
  const HdbConnection *conn;
  const char *dot;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_help_enabled (context, FALSE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return deck_cli_usage_error (error->message);
  if (argc != 4)
    return deck_cli_usage_error (_("set needs an instance NAME, a PEER and a DATABASE[.TABLE]."));
  if (!parse_switch (publish_arg, &publish) || !parse_switch (subscribe_arg, &subscribe))
    return deck_cli_usage_error (_("--publish and --subscribe take “on” or “off”."));
  if (publish == DECK_TOGGLE_UNCHANGED && subscribe == DECK_TOGGLE_UNCHANGED)
    return deck_cli_usage_error (_("set needs --publish or --subscribe."));

  instance = deck_store_find_instance (cli->store, argv[1], &error);
  if (instance == NULL)
    return deck_cli_fail ("%s", error->message);
  other = deck_store_find_instance (cli->store, argv[2], &error);
  if (other == NULL)
    return deck_cli_fail ("%s", error->message);
  if (other == instance)
    return deck_cli_fail (_("An instance does not replicate to itself."));
  if (g_strcmp0 (deck_instance_get_organization_id (instance),
                 deck_instance_get_organization_id (other)) != 0)
    return deck_cli_fail (_("“%s” and “%s” are not in the same organization."),
                          deck_instance_get_name (instance), deck_instance_get_name (other));

  client = deck_cli_client_for (cli, instance, &error);
  if (client == NULL)
    return deck_cli_fail ("%s", error->message);
  peer_client = deck_cli_client_for (cli, other, &error);
  if (peer_client == NULL)
    return deck_cli_fail ("%s", error->message);

  /* The peer's node name, as the instance's node records know it. */
  peer_info = deck_cli_server_info (peer_client, &error);
  if (peer_info == NULL)
    return deck_cli_fail ("%s", error->message);
  if (peer_info->node_name == NULL || peer_info->engine == HDB_ENGINE_NONE)
    return deck_cli_fail (_("Clustering is not enabled on “%s”: run clusterdeck-cli enable %s"),
                          deck_instance_get_name (other), deck_instance_get_name (other));

  status = deck_cli_cluster_status (client, &error);
  if (status == NULL)
    return deck_cli_fail ("%s", error->message);
  conn = hdb_cluster_status_find_connection (status, peer_info->node_name);
  if (conn == NULL)
    return deck_cli_fail (_("“%s” is not connected to “%s”: run clusterdeck-cli connect %s %s"),
                          deck_instance_get_name (instance), deck_instance_get_name (other),
                          deck_instance_get_name (instance), deck_instance_get_name (other));

  dot = strchr (argv[3], '.');
  if (dot != NULL)
    {
      database = g_strndup (argv[3], (gsize) (dot - argv[3]));
      if (*database == '\0' || dot[1] == '\0')
        return deck_cli_usage_error (_("Write the table as DATABASE.TABLE."));
      g_ptr_array_add (tables, g_strdup (dot + 1));
    }
  else
    {
      const HdbDatabase *db;

      database = g_strdup (argv[3]);
      schema = deck_cli_describe_all (client, &error);
      if (schema == NULL)
        return deck_cli_fail ("%s", error->message);
      db = hdb_schema_find_database (schema, database);
      if (db == NULL || db->tables->len == 0)
        return deck_cli_fail (_("“%s” has no tables in a database “%s”."),
                              deck_instance_get_name (instance), database);
      for (guint i = 0; i < db->tables->len; i++)
        g_ptr_array_add (tables, g_strdup (((HdbTable *) g_ptr_array_index (db->tables, i))->name));
    }

  changes = load_pending (cli, &error);
  if (changes == NULL)
    return deck_cli_fail ("%s", error->message);

  for (guint i = 0; i < tables->len; i++)
    {
      const char *table = g_ptr_array_index (tables, i);
      const char *id = deck_instance_get_id (instance);
      const char *peer = peer_info->node_name;
      DeckBaseline baseline;

      deck_baseline_from_connection (conn, database, table, &baseline);
      if (publish != DECK_TOGGLE_UNCHANGED)
        deck_change_set_set_publish (changes, id, peer, database, table,
                                     publish == DECK_TOGGLE_ON, &baseline);
      if (subscribe != DECK_TOGGLE_UNCHANGED)
        deck_change_set_set_subscribe (changes, id, peer, database, table,
                                       subscribe == DECK_TOGGLE_ON, &baseline);
    }

  if (!save_pending (cli, &error))
    return deck_cli_fail ("%s", error->message);

  g_print (g_dngettext (GETTEXT_PACKAGE, "Staged %u table; %u change is pending.\n",
                        "Staged %u tables; %u changes are pending.\n", tables->len),
           tables->len, deck_change_set_get_n_changes (changes));
  g_print (_("Review them with: clusterdeck-cli plan\n"));
  return DECK_CLI_EXIT_OK;
}

/* pending, discard ------------------------------------------------------------ */

static int
cmd_pending (DeckCli  *cli,
             int       argc,
             char    **argv)
{
  g_autoptr(DeckChangeSet) changes = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  if (argc != 1)
    return deck_cli_usage_error (_("pending takes no arguments."));
  changes = load_pending (cli, &error);
  if (changes == NULL)
    return deck_cli_fail ("%s", error->message);
  list = deck_change_set_dup_changes (changes);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < list->len; i++)
        {
          const DeckChange *change = g_ptr_array_index (list, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "instance");
          json_builder_add_string_value (builder, instance_label (cli, change->instance_id));
          json_builder_set_member_name (builder, "peer");
          json_builder_add_string_value (builder, change->peer);
          json_builder_set_member_name (builder, "database");
          json_builder_add_string_value (builder, change->database);
          json_builder_set_member_name (builder, "table");
          json_builder_add_string_value (builder, change->table);
          json_builder_set_member_name (builder, "publish");
          if (change->publish != DECK_TOGGLE_UNCHANGED)
            json_builder_add_boolean_value (builder, change->publish == DECK_TOGGLE_ON);
          else
            json_builder_add_null_value (builder);
          json_builder_set_member_name (builder, "subscribe");
          if (change->subscribe != DECK_TOGGLE_UNCHANGED)
            json_builder_add_boolean_value (builder, change->subscribe == DECK_TOGGLE_ON);
          else
            json_builder_add_null_value (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      deck_cli_print_json (root);
      return DECK_CLI_EXIT_OK;
    }

  if (list->len == 0)
    {
      g_print (_("No pending changes.\n"));
      return DECK_CLI_EXIT_OK;
    }
  for (guint i = 0; i < list->len; i++)
    {
      g_autofree char *line = describe_change (cli, g_ptr_array_index (list, i));

      g_print ("%s\n", line);
    }
  return DECK_CLI_EXIT_OK;
}

static int
cmd_discard (DeckCli  *cli,
             int       argc,
             char    **argv)
{
  g_autoptr(DeckChangeSet) changes = NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  if (argc != 1)
    return deck_cli_usage_error (_("discard takes no arguments."));
  changes = load_pending (cli, &error);
  if (changes == NULL)
    return deck_cli_fail ("%s", error->message);
  n = deck_change_set_get_n_changes (changes);
  deck_change_set_clear (changes);
  if (!save_pending (cli, &error))
    return deck_cli_fail ("%s", error->message);
  g_print (g_dngettext (GETTEXT_PACKAGE, "Discarded %u pending change.\n",
                        "Discarded %u pending changes.\n", n), n);
  return DECK_CLI_EXIT_OK;
}

/* plan, apply -------------------------------------------------------------- */

/* Gives the context a client of every instance of the organizations the
 * pending changes are in: the apply job reads the instances the changes
 * name, and, for a mesh in full replication (converted as one unit), the
 * others too. One that cannot be had is left out; the plan says so. */
static void
add_clients (DeckCli       *cli,
             DeckChangeSet *changes)
{
  g_autoptr(GHashTable) orgs = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) list = deck_change_set_dup_changes (changes);
  GHashTableIter iter;
  gpointer org;

  for (guint i = 0; i < list->len; i++)
    {
      const DeckChange *change = g_ptr_array_index (list, i);
      DeckInstance *instance = deck_store_find_instance_by_id (cli->store, change->instance_id);

      if (instance != NULL)
        g_hash_table_add (orgs, deck_context_get_organization (cli->context, instance));
    }

  g_hash_table_iter_init (&iter, orgs);
  while (g_hash_table_iter_next (&iter, &org, NULL))
    {
      GListModel *instances = org != NULL ? deck_organization_get_instances (org) : NULL;

      for (guint i = 0; instances != NULL && i < g_list_model_get_n_items (instances); i++)
        {
          g_autoptr(DeckInstance) instance = g_list_model_get_item (instances, i);
          /* Made for the context's monitor to hold; not used here. */
          g_autoptr(HdbClient) client G_GNUC_UNUSED = deck_cli_client_for (cli, instance, NULL);
        }
    }
}

/* Plans the pending changes through an apply job, reading the current
 * state of every instance they name; says which could not be read. */
static DeckApplyJob *
prepare_apply (DeckCli  *cli,
               GError  **error)
{
  g_autoptr(DeckChangeSet) changes = load_pending (cli, error);
  g_autoptr(DeckApplyJob) job = NULL;
  const char *env = g_getenv ("CLUSTERDECK_CLUSTER_PASSWORD");
  GHashTable *unreadable;
  GHashTableIter iter;
  gpointer id, why;

  if (changes == NULL)
    return NULL;
  add_clients (cli, changes);

  job = deck_apply_job_new (cli->context, changes);
  if (env != NULL && *env != '\0')
    deck_apply_job_set_cluster_password (job, env);
  if (!deck_job_start (DECK_JOB (job), error))
    return NULL;
  deck_cli_wait_job (DECK_JOB (job));
  if (deck_job_get_state (DECK_JOB (job)) != DECK_JOB_STATE_PREPARED)
    {
      g_propagate_error (error, g_error_copy (deck_job_get_error (DECK_JOB (job))));
      return NULL;
    }

  unreadable = deck_apply_job_get_unreadable (job);
  if (unreadable != NULL)
    {
      g_hash_table_iter_init (&iter, unreadable);
      while (g_hash_table_iter_next (&iter, &id, &why))
        g_printerr (_("clusterdeck-cli: “%s” could not be read: %s\n"),
                    instance_label (cli, id), (const char *) why);
    }
  return g_steal_pointer (&job);
}

static int
cmd_plan (DeckCli  *cli,
          int       argc,
          char    **argv)
{
  g_autoptr(DeckApplyJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (argc != 1)
    return deck_cli_usage_error (_("plan takes no arguments."));
  job = prepare_apply (cli, &error);
  if (job == NULL)
    return deck_cli_fail ("%s", error->message);

  text = deck_plan_describe (deck_apply_job_get_plan (job));
  g_print ("%s", text);
  /* Only planned: the job ends without sending anything. */
  deck_job_cancel (DECK_JOB (job));
  return DECK_CLI_EXIT_OK;
}

static gboolean
confirm (guint n_requests)
{
  char line[64];

  g_print (g_dngettext (GETTEXT_PACKAGE, "Send %u request? [y/N] ", "Send %u requests? [y/N] ",
                        n_requests), n_requests);
  fflush (stdout);
  if (fgets (line, sizeof line, stdin) == NULL)
    return FALSE;
  return line[0] == 'y' || line[0] == 'Y';
}

static void
on_operation_finished (DeckApplyJob *job,
                       DeckPlanOp   *op,
                       const GError *error,
                       gpointer      user_data)
{
  DeckCli *cli = user_data;

  if (error == NULL)
    g_print (_("%s → %s: %s: ok\n"), instance_label (cli, op->instance_id), op->peer,
             deck_plan_op_kind_to_string (op->kind));
  else
    g_print (_("%s → %s: %s: failed: %s\n"), instance_label (cli, op->instance_id), op->peer,
             deck_plan_op_kind_to_string (op->kind), error->message);
}

static int
cmd_apply (DeckCli  *cli,
           int       argc,
           char    **argv)
{
  gboolean yes = FALSE;
  g_autoptr(GOptionContext) context = g_option_context_new ("");
  g_autoptr(DeckApplyJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GOptionEntry entries[] = {
    { "yes", 0, 0, G_OPTION_ARG_NONE, &yes, N_("Apply without asking"), NULL },
    { NULL }
  };
  const DeckApplyResult *result;
  DeckPlan *plan;
  guint n_requests, n_left;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_help_enabled (context, FALSE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return deck_cli_usage_error (error->message);
  if (argc != 1)
    return deck_cli_usage_error (_("apply takes no arguments but --yes."));

  job = prepare_apply (cli, &error);
  if (job == NULL)
    return deck_cli_fail ("%s", error->message);

  plan = deck_apply_job_get_plan (job);
  text = deck_plan_describe (plan);
  g_print ("%s", text);
  n_requests = deck_plan_get_n_requests (plan);
  if (n_requests == 0)
    {
      deck_job_cancel (DECK_JOB (job));
      return deck_plan_get_problems (plan)->len > 0 ? DECK_CLI_EXIT_FAILURE : DECK_CLI_EXIT_OK;
    }

  if (!yes)
    {
      if (!isatty (STDIN_FILENO))
        {
          deck_job_cancel (DECK_JOB (job));
          return deck_cli_usage_error (_("apply asks before sending anything, and standard input "
                                         "is not a terminal: review with clusterdeck-cli plan, "
                                         "then run clusterdeck-cli apply --yes."));
        }
      if (!confirm (n_requests))
        {
          deck_job_cancel (DECK_JOB (job));
          g_print (_("Nothing was sent; the changes are still pending.\n"));
          return DECK_CLI_EXIT_FAILURE;
        }
    }

  /* Neither in the environment nor in the keyring: asked for. */
  if (deck_apply_job_needs_password (job))
    {
      g_autofree char *password = deck_cli_read_password ("CLUSTERDECK_CLUSTER_PASSWORD",
                                                          _("Cluster password: "));

      deck_apply_job_set_cluster_password (job, password);
      deck_cli_wipe (password);
    }

  g_signal_connect (job, "operation-finished", G_CALLBACK (on_operation_finished), cli);
  if (!deck_apply_job_apply (job, &error))
    {
      deck_job_cancel (DECK_JOB (job));
      return deck_cli_fail ("%s", error->message);
    }
  deck_cli_wait_job (DECK_JOB (job));

  result = deck_apply_job_get_result (job);
  if (result == NULL)
    return deck_cli_fail ("%s", deck_job_get_error (DECK_JOB (job))->message);
  if (deck_apply_job_get_settle_error (job) != NULL)
    g_printerr ("clusterdeck-cli: %s\n", deck_apply_job_get_settle_error (job)->message);

  if (result->verification_error != NULL)
    g_print ("%s\n", result->verification_error->message);
  n_left = deck_change_set_get_n_changes (result->remaining);
  g_print (_("%u ok, %u failed; %u changes still pending.\n"), result->n_ok, result->n_failed,
           n_left);
  if (result->n_failed == 0 && n_left == 0)
    return DECK_CLI_EXIT_OK;
  return result->n_ok > 0 ? DECK_CLI_EXIT_PARTIAL : DECK_CLI_EXIT_FAILURE;
}

/* history ------------------------------------------------------------------ */

static int
cmd_history (DeckCli  *cli,
             int       argc,
             char    **argv)
{
  const char *path = deck_context_get_history_path (cli->context);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  guint skipped = 0;

  if (argc != 1)
    return deck_cli_usage_error (_("history takes no arguments."));
  entries = deck_history_load (path, &skipped, &error);
  if (entries == NULL)
    return deck_cli_fail ("%s", error->message);
  if (skipped > 0)
    g_printerr (_("clusterdeck-cli: %u lines of %s could not be read and were skipped.\n"),
                skipped, path);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < entries->len; i++)
        {
          const DeckHistoryEntry *entry = g_ptr_array_index (entries, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "time");
          json_builder_add_string_value (builder, entry->time);
          json_builder_set_member_name (builder, "instance");
          json_builder_add_string_value (builder, entry->instance);
          json_builder_set_member_name (builder, "peer");
          json_builder_add_string_value (builder, entry->peer);
          json_builder_set_member_name (builder, "operation");
          json_builder_add_string_value (builder, entry->operation);
          json_builder_set_member_name (builder, "changes");
          json_builder_begin_array (builder);
          for (guint j = 0; j < entry->changes->len; j++)
            json_builder_add_string_value (builder, g_ptr_array_index (entry->changes, j));
          json_builder_end_array (builder);
          json_builder_set_member_name (builder, "result");
          json_builder_add_string_value (builder, entry->ok ? "ok" : "failed");
          json_builder_set_member_name (builder, "message");
          if (entry->message != NULL)
            json_builder_add_string_value (builder, entry->message);
          else
            json_builder_add_null_value (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      deck_cli_print_json (root);
      return DECK_CLI_EXIT_OK;
    }

  if (entries->len == 0)
    {
      g_print (_("No changes have been applied yet.\n"));
      return DECK_CLI_EXIT_OK;
    }
  for (guint i = 0; i < entries->len; i++)
    {
      g_autofree char *line = deck_history_entry_describe (g_ptr_array_index (entries, i));

      g_print ("%s\n", line);
    }
  return DECK_CLI_EXIT_OK;
}

/**
 * deck_cli_is_replication_command:
 * @command: a command name
 *
 * Returns: whether deck_cli_cmd_replication() runs @command
 */
gboolean
deck_cli_is_replication_command (const char *command)
{
  static const char * const commands[] = { "set", "pending", "discard", "plan", "apply",
                                           "history", NULL };

  return g_strv_contains (commands, command);
}

/**
 * deck_cli_cmd_replication:
 * @cli: the command line's state
 * @argc: arguments after the command
 * @argv: (COMMAND, arguments): set, pending, discard, plan, apply or history
 *
 * Returns: the exit status
 */
int
deck_cli_cmd_replication (DeckCli  *cli,
                          int       argc,
                          char    **argv)
{
  const char *command = argv[0];

  if (g_str_equal (command, "set"))
    return cmd_set (cli, argc, argv);
  if (g_str_equal (command, "pending"))
    return cmd_pending (cli, argc, argv);
  if (g_str_equal (command, "discard"))
    return cmd_discard (cli, argc, argv);
  if (g_str_equal (command, "plan"))
    return cmd_plan (cli, argc, argv);
  if (g_str_equal (command, "apply"))
    return cmd_apply (cli, argc, argv);
  if (g_str_equal (command, "history"))
    return cmd_history (cli, argc, argv);
  return deck_cli_usage_error (_("Unknown command."));
}
