/* deck-cli-replication.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * clusterdeck-cli pending, discard, plan, apply and history: the same
 * pending changes, apply job and history as the grid (DESIGN.md §3, §6),
 * reached through the context. The pending changes survive between
 * commands (`set` stages them, deck-cli-set.c), and what apply could not do
 * stays pending (the apply job settles them as Review & Apply does).
 */

#define G_LOG_DOMAIN "deck-cli"

#include "config.h"

#include <unistd.h>

#include <glib/gi18n.h>

#include "deck-apply-job.h"
#include "deck-change-set.h"
#include "deck-cli.h"
#include "deck-cli-private.h"
#include "deck-history.h"
#include "deck-plan.h"

/* Shared ------------------------------------------------------------------- */

/**
 * deck_cli_load_pending:
 * @cli: the command line's state
 * @error: where to say why they cannot be had
 *
 * The pending changes the window shares (the context's). A file that had
 * to be set aside is reported and the command goes on without it; one that
 * cannot be read, or that a newer Clusterdeck wrote, stops the command: it
 * stays as it is. Saving (deck_pending_save()) merges what the window
 * staged meanwhile.
 *
 * Returns: (transfer full) (nullable): the changes
 */
DeckChangeSet *
deck_cli_load_pending (DeckCli  *cli,
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
      deck_cli_warn (deck_cli_error_code (problem), "%s", problem->message);
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

/* One line for a staged change: who, the table, what changes and what it
 * was, each form a whole sentence for the translators. */
static char *
describe_change (DeckCli          *cli,
                 const DeckChange *change)
{
  g_autofree char *line = NULL;
  const char *instance = instance_label (cli, change->instance_id);
  const char *publish = change->publish == DECK_TOGGLE_ON ? "on" : "off";
  const char *subscribe = change->subscribe == DECK_TOGGLE_ON ? "on" : "off";
  const char *was_publish = change->baseline.publish ? "on" : "off";
  const char *was_subscribe = change->baseline.subscribe ? "on" : "off";

  if (change->publish != DECK_TOGGLE_UNCHANGED && change->subscribe != DECK_TOGGLE_UNCHANGED)
    line = change->baseline.replicates
      ? g_strdup_printf (_("%s → %s %s.%s: publish %s (was %s) subscribe %s (was %s) "
                           "[full replication]"),
                         instance, change->peer, change->database, change->table, publish,
                         was_publish, subscribe, was_subscribe)
      : g_strdup_printf (_("%s → %s %s.%s: publish %s (was %s) subscribe %s (was %s)"),
                         instance, change->peer, change->database, change->table, publish,
                         was_publish, subscribe, was_subscribe);
  else if (change->publish != DECK_TOGGLE_UNCHANGED)
    line = change->baseline.replicates
      ? g_strdup_printf (_("%s → %s %s.%s: publish %s (was %s) [full replication]"),
                         instance, change->peer, change->database, change->table, publish,
                         was_publish)
      : g_strdup_printf (_("%s → %s %s.%s: publish %s (was %s)"),
                         instance, change->peer, change->database, change->table, publish,
                         was_publish);
  else
    line = change->baseline.replicates
      ? g_strdup_printf (_("%s → %s %s.%s: subscribe %s (was %s) [full replication]"),
                         instance, change->peer, change->database, change->table, subscribe,
                         was_subscribe)
      : g_strdup_printf (_("%s → %s %s.%s: subscribe %s (was %s)"),
                         instance, change->peer, change->database, change->table, subscribe,
                         was_subscribe);
  /* Names from the pending file and the servers: one line, escaped. */
  return deck_cli_escape (line);
}

/* The options; one command runs per process. */
static gboolean opt_yes;
static char *opt_file;
/* What the cluster file of -f asks for that no change set can do. */
static guint n_unresolved;

/* pending, discard ------------------------------------------------------------ */

static int
cmd_pending (DeckCli  *cli,
             int       argc,
             char    **argv)
{
  g_autoptr(DeckChangeSet) changes = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  changes = deck_cli_load_pending (cli, &error);
  if (changes == NULL)
    return deck_cli_fail_error (error);
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
          hdb_json_add_string_member (builder, "instance",
                                      instance_label (cli, change->instance_id));
          hdb_json_add_string_member (builder, "peer", change->peer);
          hdb_json_add_string_member (builder, "database", change->database);
          hdb_json_add_string_member (builder, "table", change->table);
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

  changes = deck_cli_load_pending (cli, &error);
  if (changes == NULL)
    return deck_cli_fail_error (error);
  n = deck_change_set_get_n_changes (changes);
  deck_change_set_clear (changes);
  if (!save_pending (cli, &error))
    return deck_cli_fail_error (error);
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
/* The changes to plan: the pending ones, or, with -f, those that bring the
 * live cluster to the file's state (deck-cli-file.c); what they cannot do
 * is said first, as warnings. */
static DeckChangeSet *
load_changes (DeckCli  *cli,
              GError  **error)
{
  g_autoptr(GPtrArray) unresolved = NULL;
  DeckChangeSet *changes;

  if (opt_file == NULL)
    return deck_cli_load_pending (cli, error);
  changes = deck_cli_changes_from_file (cli, opt_file, &unresolved, error);
  if (changes == NULL)
    return NULL;
  n_unresolved = unresolved->len;
  for (guint i = 0; i < unresolved->len; i++)
    deck_cli_warn ("unresolved", "%s", (const char *) g_ptr_array_index (unresolved, i));
  return changes;
}

/* With -f, a cluster that already matches the file plans nothing: said
 * here, since an apply job needs changes to plan. Returns whether it did. */
static gboolean
matches_file (DeckChangeSet *changes)
{
  if (opt_file == NULL || deck_change_set_get_n_changes (changes) > 0)
    return FALSE;
  if (n_unresolved == 0)
    g_print (_("The cluster matches the file: nothing to send.\n"));
  else
    g_print (_("No per-table direction differs from the file; what else differs is listed "
               "above and is not done by apply.\n"));
  return TRUE;
}

static DeckApplyJob *
prepare_apply (DeckCli        *cli,
               DeckChangeSet  *changes,
               GError        **error)
{
  g_autoptr(DeckApplyJob) job = NULL;
  GHashTable *unreadable;
  GHashTableIter iter;
  gpointer id, why;

  add_clients (cli, changes);

  job = deck_apply_job_new (cli->context, changes);
  if (cli->cluster_password != NULL)
    deck_apply_job_set_cluster_password (job, cli->cluster_password);
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
        deck_cli_warn ("unreadable", _("“%s” could not be read: %s"),
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
  g_autoptr(DeckChangeSet) changes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  changes = load_changes (cli, &error);
  if (changes == NULL)
    return deck_cli_fail_error (error);
  if (matches_file (changes))
    return DECK_CLI_EXIT_OK;
  job = prepare_apply (cli, changes, &error);
  if (job == NULL)
    return deck_cli_fail_error (error);

  text = deck_plan_describe (deck_apply_job_get_plan (job));
  g_print ("%s", text);
  /* Only planned: the job ends without sending anything. */
  deck_job_cancel (DECK_JOB (job));
  return DECK_CLI_EXIT_OK;
}

static gboolean
confirm (guint n_requests)
{
  g_autofree char *question = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "Send %u request? [y/N] ",
                                                            "Send %u requests? [y/N] ",
                                                            n_requests), n_requests);

  return deck_cli_ask (question);
}

static void
on_operation_finished (DeckApplyJob *job,
                       DeckPlanOp   *op,
                       const GError *error,
                       gpointer      user_data)
{
  DeckCli *cli = user_data;

  g_autofree char *peer = deck_cli_escape (op->peer);
  g_autofree char *why = error != NULL ? deck_cli_escape (error->message) : NULL;

  if (error == NULL)
    g_print (_("%s → %s: %s: ok\n"), instance_label (cli, op->instance_id), peer,
             deck_plan_op_kind_to_string (op->kind));
  else
    g_print (_("%s → %s: %s: failed: %s\n"), instance_label (cli, op->instance_id), peer,
             deck_plan_op_kind_to_string (op->kind), why);
}

static int
cmd_apply (DeckCli  *cli,
           int       argc,
           char    **argv)
{
  g_autoptr(DeckApplyJob) job = NULL;
  g_autoptr(DeckChangeSet) changes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const DeckApplyResult *result;
  DeckPlan *plan;
  guint n_requests, n_left;

  changes = load_changes (cli, &error);
  if (changes == NULL)
    return deck_cli_fail_error (error);
  if (matches_file (changes))
    return n_unresolved > 0 ? DECK_CLI_EXIT_FAILURE : DECK_CLI_EXIT_OK;
  job = prepare_apply (cli, changes, &error);
  if (job == NULL)
    return deck_cli_fail_error (error);

  plan = deck_apply_job_get_plan (job);
  text = deck_plan_describe (plan);
  g_print ("%s", text);
  n_requests = deck_plan_get_n_requests (plan);
  if (n_requests == 0)
    {
      deck_job_cancel (DECK_JOB (job));
      return deck_plan_get_problems (plan)->len > 0 ? DECK_CLI_EXIT_FAILURE : DECK_CLI_EXIT_OK;
    }

  if (!opt_yes)
    {
      if (!isatty (STDIN_FILENO))
        {
          deck_job_cancel (DECK_JOB (job));
          return deck_cli_usage_error ("apply", _("apply asks before sending anything, and standard input "
                                                  "is not a terminal: review with clusterdeck-cli "
                                                  "plan, then run clusterdeck-cli apply --yes."));
        }
      if (!confirm (n_requests))
        {
          deck_job_cancel (DECK_JOB (job));
          return deck_cli_fail_code ("declined",
                                     opt_file != NULL
                                     ? _("Nothing was sent.")
                                     : _("Nothing was sent; the changes are still pending."));
        }
    }

  /* Neither in the environment nor in the keyring: asked for. */
  if (deck_apply_job_needs_password (job))
    {
      g_autoptr(HdbSecret) password = deck_cli_read_password (NULL, _("Cluster password: "),
                                                              &error);

      if (password == NULL)
        {
          deck_job_cancel (DECK_JOB (job));
          return deck_cli_fail_code ("no-password", _("No cluster password was given; nothing "
                                                      "was sent."));
        }
      deck_apply_job_set_cluster_password (job, password);
    }

  g_signal_connect (job, "operation-finished", G_CALLBACK (on_operation_finished), cli);
  if (!deck_apply_job_apply (job, &error))
    {
      deck_job_cancel (DECK_JOB (job));
      return deck_cli_fail_error (error);
    }
  deck_cli_wait_job (DECK_JOB (job));

  result = deck_apply_job_get_result (job);
  if (result == NULL)
    return deck_cli_fail_error (deck_job_get_error (DECK_JOB (job)));
  if (deck_apply_job_get_settle_error (job) != NULL)
    deck_cli_warn (deck_cli_error_code (deck_apply_job_get_settle_error (job)), "%s",
                   deck_apply_job_get_settle_error (job)->message);

  if (result->verification_error != NULL)
    {
      g_autofree char *line = deck_cli_escape (result->verification_error->message);

      g_print ("%s\n", line);
    }
  n_left = deck_change_set_get_n_changes (result->remaining);
  g_print (_("%u ok, %u failed; %u changes still pending.\n"), result->n_ok, result->n_failed,
           n_left);
  if (result->n_failed == 0 && n_left == 0)
    return n_unresolved > 0 ? DECK_CLI_EXIT_PARTIAL : DECK_CLI_EXIT_OK;
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

  entries = deck_history_load (path, &skipped, &error);
  if (entries == NULL)
    return deck_cli_fail_error (error);
  if (skipped > 0)
    deck_cli_warn ("corrupt", g_dngettext (GETTEXT_PACKAGE,
                                           "%u line of %s could not be read and was skipped.",
                                           "%u lines of %s could not be read and were skipped.",
                                           skipped), skipped, path);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < entries->len; i++)
        {
          const DeckHistoryEntry *entry = g_ptr_array_index (entries, i);

          json_builder_begin_object (builder);
          hdb_json_add_string_member (builder, "time", entry->time);
          hdb_json_add_string_member (builder, "instance", entry->instance);
          hdb_json_add_string_member (builder, "peer", entry->peer);
          hdb_json_add_string_member (builder, "operation", entry->operation);
          json_builder_set_member_name (builder, "changes");
          json_builder_begin_array (builder);
          for (guint j = 0; j < entry->changes->len; j++)
            json_builder_add_string_value (builder, g_ptr_array_index (entry->changes, j));
          json_builder_end_array (builder);
          hdb_json_add_string_member (builder, "result", entry->ok ? "ok" : "failed");
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
      g_autofree char *shown = deck_cli_escape (line);

      g_print ("%s\n", shown);
    }
  return DECK_CLI_EXIT_OK;
}

/* The table ------------------------------------------------------------------- */

static const GOptionEntry plan_entries[] = {
  { "file", 'f', 0, G_OPTION_ARG_FILENAME, &opt_file,
    N_("Plan what brings the live cluster to the state of a cluster file (see export)"),
    N_("FILE") },
  { NULL }
};

static const GOptionEntry apply_entries[] = {
  { "yes", 0, 0, G_OPTION_ARG_NONE, &opt_yes, N_("Send the requests without asking"), NULL },
  { "file", 'f', 0, G_OPTION_ARG_FILENAME, &opt_file,
    N_("Bring the live cluster to the state of a cluster file (see export)"), N_("FILE") },
  { NULL }
};

const DeckCliCommand deck_cli_replication_commands[] = {
  { NULL, "pending", "", N_("List the staged changes"), NULL, NULL, 0, 0, cmd_pending },
  { NULL, "discard", "", N_("Drop every staged change"), NULL, NULL, 0, 0, cmd_discard },
  { NULL, "plan", N_("[-f FILE]"), N_("Print the requests apply would send"),
    NULL, plan_entries, 0, 0, cmd_plan },
  { NULL, "apply", N_("[--yes] [-f FILE]"), N_("Send the staged changes, a line per request"),
    NULL, apply_entries, 0, 0, cmd_apply },
  { NULL, "history", "", N_("List the changes applied so far"), NULL, NULL, 0, 0, cmd_history },
  { NULL }
};
