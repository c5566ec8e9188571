/* deck-cli-replication.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * clusterdeck-cli set, pending, discard, plan, apply and history: the same
 * change set, plan, applier and history as the grid (DESIGN.md §3, §6).
 * `set` only stages, like a switch in the grid; pending changes live in
 * $XDG_STATE_HOME/clusterdeck/pending.json so that they survive between
 * commands, and what apply could not do goes back there.
 */

#define G_LOG_DOMAIN "deck-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "deck-applier.h"
#include "deck-change-set.h"
#include "deck-cli.h"
#include "deck-cli-private.h"
#include "deck-engine.h"
#include "deck-history.h"
#include "deck-paths.h"
#include "deck-pending.h"
#include "deck-plan.h"

/* Shared ------------------------------------------------------------------- */

/* The pending changes the window shares. A file that had to be set aside
 * is reported and the command goes on without it; one that cannot be read,
 * or that a newer Clusterdeck wrote, stops the command: it stays as it is.
 * Saving (deck_pending_save()) merges what the window staged meanwhile. */
static DeckPending *
load_pending (GError **error)
{
  g_autoptr(DeckPending) pending = deck_pending_new (NULL);
  g_autoptr(GError) local_error = NULL;

  if (!deck_pending_load (pending, &local_error))
    {
      if (!g_error_matches (local_error, DECK_PENDING_ERROR, DECK_PENDING_ERROR_CORRUPT))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_printerr ("clusterdeck-cli: %s\n", local_error->message);
    }
  return g_steal_pointer (&pending);
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
  g_autoptr(DeckPending) pending = NULL;
  DeckChangeSet *changes;
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

  pending = load_pending (&error);
  if (pending == NULL)
    return deck_cli_fail ("%s", error->message);
  changes = deck_pending_get_changes (pending);

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

  if (!deck_pending_save (pending, &error))
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
  g_autoptr(DeckPending) pending = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  if (argc != 1)
    return deck_cli_usage_error (_("pending takes no arguments."));
  pending = load_pending (&error);
  if (pending == NULL)
    return deck_cli_fail ("%s", error->message);
  list = deck_change_set_dup_changes (deck_pending_get_changes (pending));

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
  g_autoptr(DeckPending) pending = NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  if (argc != 1)
    return deck_cli_usage_error (_("discard takes no arguments."));
  pending = load_pending (&error);
  if (pending == NULL)
    return deck_cli_fail ("%s", error->message);
  n = deck_change_set_get_n_changes (deck_pending_get_changes (pending));
  deck_change_set_clear (deck_pending_get_changes (pending));
  if (!deck_pending_save (pending, &error))
    return deck_cli_fail ("%s", error->message);
  g_print (g_dngettext (GETTEXT_PACKAGE, "Discarded %u pending change.\n",
                        "Discarded %u pending changes.\n", n), n);
  return DECK_CLI_EXIT_OK;
}

/* plan, apply -------------------------------------------------------------- */

typedef struct
{
  DeckPending   *pending;
  DeckChangeSet *changes;   /* the pending changes */
  DeckPlan      *plan;
  GHashTable    *clients;   /* instance id → HdbClient */
  GHashTable    *names;     /* instance id → instance name */
  GHashTable    *statuses;  /* instance id → HdbClusterStatus */
} Loaded;

static void
loaded_clear (Loaded *loaded)
{
  g_clear_object (&loaded->changes);
  g_clear_object (&loaded->pending);
  g_clear_object (&loaded->plan);
  g_clear_pointer (&loaded->clients, g_hash_table_unref);
  g_clear_pointer (&loaded->names, g_hash_table_unref);
  g_clear_pointer (&loaded->statuses, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Loaded, loaded_clear)

/* Whether a change is about a link in full replication: its mesh is
 * converted as one unit, on all of its instances. */
static gboolean
needs_peers (Loaded *loaded)
{
  g_autoptr(GPtrArray) list = deck_change_set_dup_changes (loaded->changes);

  for (guint i = 0; i < list->len; i++)
    {
      const DeckChange *change = g_ptr_array_index (list, i);
      const HdbClusterStatus *status = g_hash_table_lookup (loaded->statuses, change->instance_id);
      const HdbConnection *conn = status ? hdb_cluster_status_find_connection (status,
                                                                               change->peer)
                                         : NULL;

      if (conn != NULL && conn->replicates)
        return TRUE;
    }
  return FALSE;
}

/* Reads the state (and schema) of @instance into @loaded; FALSE when it
 * cannot be reached. */
static gboolean
load_instance (DeckCli      *cli,
               Loaded       *loaded,
               GHashTable   *schemas,
               DeckInstance *instance)
{
  const char *id = deck_instance_get_id (instance);
  g_autoptr(HdbClient) client = NULL;
  g_autoptr(GError) local_error = NULL;
  HdbClusterStatus *status = NULL;
  HdbSchema *schema;

  client = deck_cli_client_for (cli, instance, &local_error);
  if (client != NULL)
    status = deck_cli_cluster_status (client, &local_error);
  if (status == NULL)
    {
      g_printerr (_("clusterdeck-cli: “%s” could not be read: %s\n"),
                  deck_instance_get_name (instance), local_error->message);
      return FALSE;
    }
  g_hash_table_insert (loaded->statuses, g_strdup (id), status);

  /* Full replication turned into per-table subscriptions must keep every
   * other table. */
  schema = deck_cli_describe_all (client, NULL);
  if (schema != NULL)
    g_hash_table_insert (schemas, g_strdup (id), schema);
  g_hash_table_insert (loaded->clients, g_strdup (id), g_steal_pointer (&client));
  return TRUE;
}

/* The other instances of the organizations of the changes, for a mesh in
 * full replication. */
static void
load_peers (DeckCli    *cli,
            Loaded     *loaded,
            GHashTable *schemas)
{
  g_autoptr(GHashTable) orgs = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, loaded->names);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      DeckInstance *instance = deck_store_find_instance_by_id (cli->store, key);

      if (instance != NULL)
        g_hash_table_add (orgs, (gpointer) deck_instance_get_organization_id (instance));
    }

  g_hash_table_iter_init (&iter, orgs);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      DeckOrganization *org = deck_store_find_organization (cli->store, key);
      GListModel *instances = org ? deck_organization_get_instances (org) : NULL;

      for (guint i = 0; instances != NULL && i < g_list_model_get_n_items (instances); i++)
        {
          g_autoptr(DeckInstance) instance = g_list_model_get_item (instances, i);

          if (g_hash_table_contains (loaded->names, deck_instance_get_id (instance)))
            continue;
          g_hash_table_insert (loaded->names, g_strdup (deck_instance_get_id (instance)),
                               g_strdup (deck_instance_get_name (instance)));
          load_instance (cli, loaded, schemas, instance);
        }
    }
}

/* Reads the pending changes and the current state of every instance they
 * name (and, for a link in full replication, of the other instances of the
 * organization), and plans them. An instance that cannot be reached is
 * left out of the state, and the plan lists its changes as not
 * applicable. */
static gboolean
load_plan (DeckCli  *cli,
           Loaded   *loaded,
           GError  **error)
{
  g_autoptr(GHashTable) schemas = NULL;
  g_autoptr(GPtrArray) list = NULL;

  loaded->pending = load_pending (error);
  if (loaded->pending == NULL)
    return FALSE;
  loaded->changes = g_object_ref (deck_pending_get_changes (loaded->pending));

  loaded->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  loaded->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  loaded->statuses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) hdb_cluster_status_free);
  schemas = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                   (GDestroyNotify) hdb_schema_free);

  list = deck_change_set_dup_changes (loaded->changes);
  for (guint i = 0; i < list->len; i++)
    {
      const DeckChange *change = g_ptr_array_index (list, i);
      DeckInstance *instance;

      if (g_hash_table_contains (loaded->names, change->instance_id))
        continue;
      instance = deck_store_find_instance_by_id (cli->store, change->instance_id);
      g_hash_table_insert (loaded->names, g_strdup (change->instance_id),
                           g_strdup (instance ? deck_instance_get_name (instance)
                                              : change->instance_id));
      if (instance == NULL)
        {
          g_printerr (_("clusterdeck-cli: an instance of the pending changes was removed.\n"));
          continue;
        }

      load_instance (cli, loaded, schemas, instance);
    }

  if (needs_peers (loaded))
    load_peers (cli, loaded, schemas);

  loaded->plan = deck_plan_new_full (loaded->changes, loaded->statuses, NULL, schemas);
  {
    GHashTableIter iter;
    gpointer id, name;

    g_hash_table_iter_init (&iter, loaded->names);
    while (g_hash_table_iter_next (&iter, &id, &name))
      deck_plan_set_instance_label (loaded->plan, id, name);
  }
  return TRUE;
}

static int
cmd_plan (DeckCli  *cli,
          int       argc,
          char    **argv)
{
  g_auto(Loaded) loaded = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (argc != 1)
    return deck_cli_usage_error (_("plan takes no arguments."));
  if (!load_plan (cli, &loaded, &error))
    return deck_cli_fail ("%s", error->message);

  text = deck_plan_describe (loaded.plan);
  g_print ("%s", text);
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
on_operation_finished (DeckApplier  *applier,
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
  g_auto(Loaded) loaded = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(DeckApplier) applier = NULL;
  g_autoptr(DeckApplyResult) result = NULL;
  g_autoptr(GAsyncResult) async_result = NULL;
  g_autofree char *text = NULL;
  g_autofree char *password = NULL;
  g_autofree char *history = NULL;
  GOptionEntry entries[] = {
    { "yes", 0, 0, G_OPTION_ARG_NONE, &yes, N_("Apply without asking"), NULL },
    { NULL }
  };
  const char *cluster_user = NULL;
  GPtrArray *ids;
  guint n_requests;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_help_enabled (context, FALSE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return deck_cli_usage_error (error->message);
  if (argc != 1)
    return deck_cli_usage_error (_("apply takes no arguments but --yes."));

  if (!load_plan (cli, &loaded, &error))
    return deck_cli_fail ("%s", error->message);

  text = deck_plan_describe (loaded.plan);
  g_print ("%s", text);
  n_requests = deck_plan_get_n_requests (loaded.plan);
  if (n_requests == 0)
    return deck_plan_get_problems (loaded.plan)->len > 0 ? DECK_CLI_EXIT_FAILURE
                                                          : DECK_CLI_EXIT_OK;

  if (!yes)
    {
      if (!isatty (STDIN_FILENO))
        return deck_cli_usage_error (_("apply asks before sending anything, and standard input "
                                       "is not a terminal: review with clusterdeck-cli plan, "
                                       "then run clusterdeck-cli apply --yes."));
      if (!confirm (n_requests))
        {
          g_print (_("Nothing was sent; the changes are still pending.\n"));
          return DECK_CLI_EXIT_FAILURE;
        }
    }

  /* One cluster user per organization; the changes of one apply are
   * between instances of the same organization. */
  ids = deck_plan_get_instance_ids (loaded.plan);
  if (deck_plan_needs_authorization (loaded.plan) && ids->len > 0)
    {
      DeckInstance *instance = deck_store_find_instance_by_id (cli->store,
                                                               g_ptr_array_index (ids, 0));
      DeckOrganization *org = deck_store_find_organization (
        cli->store, deck_instance_get_organization_id (instance));

      for (guint i = 1; i < ids->len; i++)
        {
          DeckInstance *other = deck_store_find_instance_by_id (cli->store,
                                                                g_ptr_array_index (ids, i));

          if (g_strcmp0 (deck_instance_get_organization_id (other),
                         deck_instance_get_organization_id (instance)) != 0)
            return deck_cli_fail (_("The pending changes are in more than one organization; "
                                    "apply them one organization at a time."));
        }
      cluster_user = deck_organization_get_cluster_user (org) != NULL
                     ? deck_organization_get_cluster_user (org)
                     : DECK_DEFAULT_CLUSTER_USER;
      password = deck_cli_cluster_password (cli, org);
      if (password == NULL)
        return deck_cli_fail (_("No cluster password given."));
    }

  applier = deck_applier_new ();
  g_signal_connect (applier, "operation-finished", G_CALLBACK (on_operation_finished), cli);
  deck_applier_apply_async (applier, loaded.plan, loaded.clients, cluster_user, password, NULL,
                            deck_cli_store_result, &async_result);
  result = deck_applier_apply_finish (applier, deck_cli_wait_result (&async_result), &error);
  deck_cli_wipe (password);
  if (result == NULL)
    return deck_cli_fail ("%s", error->message);

  /* What applied leaves; what the window staged meanwhile stays. */
  deck_change_set_assign (loaded.changes, result->remaining);
  if (!deck_pending_save (loaded.pending, &error))
    {
      g_printerr ("clusterdeck-cli: %s\n", error->message);
      g_clear_error (&error);
    }
  history = deck_history_default_path ();
  if (!deck_history_append (history, result, loaded.names, &error))
    {
      g_printerr (_("clusterdeck-cli: the history could not be written: %s\n"), error->message);
      g_clear_error (&error);
    }

  if (result->verification_error != NULL)
    g_print ("%s\n", result->verification_error->message);
  g_print (_("%u ok, %u failed; %u changes still pending.\n"), result->n_ok, result->n_failed,
           deck_change_set_get_n_changes (result->remaining));
  if (result->n_failed == 0 && deck_change_set_get_n_changes (result->remaining) == 0)
    return DECK_CLI_EXIT_OK;
  return result->n_ok > 0 ? DECK_CLI_EXIT_PARTIAL : DECK_CLI_EXIT_FAILURE;
}

/* history ------------------------------------------------------------------ */

static int
cmd_history (DeckCli  *cli,
             int       argc,
             char    **argv)
{
  g_autofree char *path = deck_history_default_path ();
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
