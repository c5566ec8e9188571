/* deck-cli-set.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * clusterdeck-cli set: stages a change of publish or subscribe, like a
 * switch in the grid, on the grid's own rows (deck_replication_model_build()
 * from the instance's cluster status and both sides' schemas). A database
 * or table that neither side has is refused before anything is staged.
 */

#define G_LOG_DOMAIN "deck-cli"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "deck-change-set.h"
#include "deck-cli.h"
#include "deck-cli-private.h"
#include "deck-replication-model.h"

/* The options; one command runs per process. */
static char *opt_publish;
static char *opt_subscribe;

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

static void
add_tables (GHashTable      *tables,
            const HdbSchema *schema,
            const char      *database)
{
  const HdbDatabase *db = hdb_schema_find_database (schema, database);

  for (guint i = 0; db != NULL && i < db->tables->len; i++)
    g_hash_table_add (tables, ((HdbTable *) g_ptr_array_index (db->tables, i))->name);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The tables @spec (DATABASE or DATABASE.TABLE) names that the instance or
 * its peer has: the rows the grid shows for it (a table one side lacks is
 * one). Anything neither side has is refused, saying what: -1 and @status
 * set. Fills @database and @tables (sorted, borrowed from the schemas). */
static gboolean
find_tables (DeckInstance     *instance,
             DeckInstance     *other,
             const HdbSchema  *own,
             const HdbSchema  *theirs,
             const char       *spec,
             char            **database,
             GPtrArray        *tables,
             int              *status)
{
  g_autoptr(GHashTable) found = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree gpointer *names = NULL;
  const char *name = deck_instance_get_name (instance);
  const char *peer = deck_instance_get_name (other);
  const char *dot = strchr (spec, '.');
  const char *table = NULL;
  guint n;

  if (dot != NULL)
    {
      *database = g_strndup (spec, (gsize) (dot - spec));
      table = dot + 1;
      if (**database == '\0' || *table == '\0')
        {
          *status = deck_cli_usage_error ("set", _("Write the table as DATABASE.TABLE."));
          return FALSE;
        }
    }
  else
    *database = g_strdup (spec);

  /* The grid leaves it out: users and roles replicate with the whole node. */
  if (g_str_equal (*database, "system"))
    {
      *status = deck_cli_fail_code ("invalid",
                                    _("The system database is not replicated table by table."));
      return FALSE;
    }
  if (hdb_schema_find_database (own, *database) == NULL &&
      hdb_schema_find_database (theirs, *database) == NULL)
    {
      *status = deck_cli_fail_code ("not-found", _("Neither “%s” nor “%s” has a database “%s”."),
                                    name, peer, *database);
      return FALSE;
    }

  add_tables (found, own, *database);
  add_tables (found, theirs, *database);
  if (table != NULL)
    {
      if (!g_hash_table_contains (found, table))
        {
          *status = deck_cli_fail_code ("not-found",
                                        _("Neither “%s” nor “%s” has a table “%s” in the "
                                          "database “%s”."), name, peer, table, *database);
          return FALSE;
        }
      g_ptr_array_add (tables, (gpointer) table);
      return TRUE;
    }

  if (g_hash_table_size (found) == 0)
    {
      *status = deck_cli_fail_code ("not-found",
                                    _("The database “%s” has no tables on “%s” or on “%s”."),
                                    *database, name, peer);
      return FALSE;
    }
  names = g_hash_table_get_keys_as_array (found, &n);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (tables, names[i]);
  g_ptr_array_sort (tables, compare_names);
  return TRUE;
}

/* Stages the switches on the grid's rows of @tables: the rows the window
 * builds from the same status and schemas, staged as its switches do. */
static void
stage (DeckInstance        *instance,
       const char          *peer,
       HdbClusterStatus    *status,
       HdbSchema           *own,
       HdbSchema           *theirs,
       const char          *database,
       GPtrArray           *tables,
       DeckToggle           publish,
       DeckToggle           subscribe,
       DeckChangeSet       *changes)
{
  g_autoptr(GHashTable) peer_schemas = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GListStore) rows = NULL;

  g_hash_table_insert (peer_schemas, (gpointer) peer, theirs);
  rows = deck_replication_model_build (deck_instance_get_id (instance), status, own,
                                       peer_schemas, NULL, changes);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (rows)); i++)
    {
      g_autoptr(DeckReplicationItem) row = g_list_model_get_item (G_LIST_MODEL (rows), i);

      if (!g_str_equal (deck_replication_item_get_peer (row), peer) ||
          !g_str_equal (deck_replication_item_get_database (row), database) ||
          !g_ptr_array_find_with_equal_func (tables, deck_replication_item_get_table (row),
                                             g_str_equal, NULL))
        continue;
      if (publish != DECK_TOGGLE_UNCHANGED)
        deck_replication_item_stage (row, changes, DECK_REPLICATION_PUBLISH,
                                     publish == DECK_TOGGLE_ON);
      if (subscribe != DECK_TOGGLE_UNCHANGED)
        deck_replication_item_stage (row, changes, DECK_REPLICATION_SUBSCRIBE,
                                     subscribe == DECK_TOGGLE_ON);
    }
}

static int
cmd_set (DeckCli  *cli,
         int       argc,
         char    **argv)
{
  g_autofree char *database = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdbClient) client = NULL;
  g_autoptr(HdbClient) peer_client = NULL;
  g_autoptr(HdbServerInfo) peer_info = NULL;
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(HdbSchema) own = NULL;
  g_autoptr(HdbSchema) theirs = NULL;
  g_autoptr(DeckChangeSet) changes = NULL;
  g_autoptr(GPtrArray) tables = g_ptr_array_new ();
  DeckToggle publish, subscribe;
  DeckInstance *instance, *other;
  int refused;

  if (!parse_switch (opt_publish, &publish) || !parse_switch (opt_subscribe, &subscribe))
    return deck_cli_usage_error ("set", _("--publish and --subscribe take “on” or “off”."));
  if (publish == DECK_TOGGLE_UNCHANGED && subscribe == DECK_TOGGLE_UNCHANGED)
    return deck_cli_usage_error ("set", _("set needs --publish or --subscribe."));

  instance = deck_store_find_instance (cli->store, argv[1], &error);
  if (instance == NULL)
    return deck_cli_fail_error (error);
  other = deck_store_find_instance (cli->store, argv[2], &error);
  if (other == NULL)
    return deck_cli_fail_error (error);
  if (other == instance)
    return deck_cli_fail_code ("invalid", _("An instance does not replicate to itself."));
  if (g_strcmp0 (deck_instance_get_organization_id (instance),
                 deck_instance_get_organization_id (other)) != 0)
    return deck_cli_fail_code ("invalid", _("“%s” and “%s” are not in the same organization."),
                               deck_instance_get_name (instance), deck_instance_get_name (other));

  client = deck_cli_client_for (cli, instance, &error);
  if (client == NULL)
    return deck_cli_fail_error (error);
  peer_client = deck_cli_client_for (cli, other, &error);
  if (peer_client == NULL)
    return deck_cli_fail_error (error);

  /* The peer's node name, as the instance's node records know it. */
  peer_info = deck_cli_server_info (peer_client, &error);
  if (peer_info == NULL)
    return deck_cli_fail_error (error);
  if (peer_info->node_name == NULL || peer_info->engine == HDB_ENGINE_NONE)
    return deck_cli_fail_code ("not-enabled",
                               _("Clustering is not enabled on “%s”: run clusterdeck-cli enable %s"),
                               deck_instance_get_name (other), deck_instance_get_name (other));

  status = deck_cli_cluster_status (client, &error);
  if (status == NULL)
    return deck_cli_fail_error (error);
  if (hdb_cluster_status_find_connection (status, peer_info->node_name) == NULL)
    return deck_cli_fail_code ("not-connected",
                               _("“%s” is not connected to “%s”: run clusterdeck-cli connect %s %s"),
                               deck_instance_get_name (instance), deck_instance_get_name (other),
                               deck_instance_get_name (instance), deck_instance_get_name (other));

  /* Both sides' tables, as the grid reads them; nothing is staged for what
   * neither has. */
  own = deck_cli_describe_all (client, &error);
  if (own == NULL)
    return deck_cli_fail_error (error);
  theirs = deck_cli_describe_all (peer_client, &error);
  if (theirs == NULL)
    return deck_cli_fail_error (error);
  if (!find_tables (instance, other, own, theirs, argv[3], &database, tables, &refused))
    return refused;

  changes = deck_cli_load_pending (cli, &error);
  if (changes == NULL)
    return deck_cli_fail_error (error);
  stage (instance, peer_info->node_name, status, own, theirs, database, tables, publish,
         subscribe, changes);
  if (!deck_pending_save (deck_context_get_pending (cli->context), &error))
    return deck_cli_fail_error (error);

  g_print (g_dngettext (GETTEXT_PACKAGE, "Staged %u table; %u change is pending.\n",
                        "Staged %u tables; %u changes are pending.\n", tables->len),
           tables->len, deck_change_set_get_n_changes (changes));
  g_print (_("Review them with: clusterdeck-cli plan\n"));
  return DECK_CLI_EXIT_OK;
}

/* The table ------------------------------------------------------------------- */

static const GOptionEntry set_entries[] = {
  { "publish", 0, 0, G_OPTION_ARG_STRING, &opt_publish,
    N_("Whether the instance sends the tables to the peer"), N_("on|off") },
  { "subscribe", 0, 0, G_OPTION_ARG_STRING, &opt_subscribe,
    N_("Whether the instance receives the peer’s tables"), N_("on|off") },
  { NULL }
};

const DeckCliCommand deck_cli_set_commands[] = {
  { NULL, "set", N_("NAME PEER DATABASE[.TABLE] [--publish on|off] [--subscribe on|off]"),
    N_("Stage a publish or subscribe change"),
    N_("set needs an instance NAME, a PEER and a DATABASE[.TABLE]."), set_entries, 3, 3,
    cmd_set },
  { NULL }
};
