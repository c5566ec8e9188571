/* deck-cli-status.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * clusterdeck-cli status: every instance (or one) asked at once what it
 * runs and, where clustering is on, its connections (DESIGN.md §6).
 */

#define G_LOG_DOMAIN "deck-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-cli.h"
#include "deck-cli-private.h"

static gboolean opt_watch;
static int opt_interval = 5;

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
      hdb_json_add_string_member (builder, "name", conn->name);
      json_builder_set_member_name (builder, "url");
      if (conn->url)
        json_builder_add_string_value (builder, conn->url);
      else
        json_builder_add_null_value (builder);
      hdb_json_add_boolean_member (builder, "connected", hdb_connection_is_connected (conn));
      if (conn->status != NULL)
        hdb_json_add_string_member (builder, "status", conn->status);
      json_builder_set_member_name (builder, "databases");
      json_builder_begin_array (builder);
      for (guint j = 0; j < conn->database_sockets->len; j++)
        {
          HdbDatabaseSocket *s = g_ptr_array_index (conn->database_sockets, j);

          json_builder_begin_object (builder);
          hdb_json_add_string_member (builder, "database", s->database);
          hdb_json_add_boolean_member (builder, "connected", s->connected);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      hdb_json_add_boolean_member (builder, "full_replication", conn->replicates);
      json_builder_set_member_name (builder, "subscriptions");
      json_builder_begin_array (builder);
      for (guint j = 0; j < conn->subscriptions->len; j++)
        {
          HdbSubscription *sub = g_ptr_array_index (conn->subscriptions, j);

          json_builder_begin_object (builder);
          hdb_json_add_string_member (builder, "database", sub->database);
          hdb_json_add_string_member (builder, "table", sub->table);
          hdb_json_add_boolean_member (builder, "publish", sub->publish);
          hdb_json_add_boolean_member (builder, "subscribe", sub->subscribe);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/* One line, tab-separated: name, URL, reachable or unreachable, then the
 * version, engine and node name, or the error. The words "reachable" and
 * "unreachable" are for scripts, so not translated. */
static void
print_status_line (StatusJob *job)
{
  g_autofree char *name = deck_cli_escape (deck_instance_get_name (job->instance));
  g_autofree char *url = deck_cli_escape (deck_instance_get_url (job->instance));

  if (job->info != NULL)
    {
      g_autofree char *version = deck_cli_escape (job->info->version);
      g_autofree char *node_name = deck_cli_escape (job->info->node_name ? job->info->node_name
                                                                         : "-");

      g_print ("%s\t%s\treachable\tHarper %s\t%s\t%s\n", name, url, version,
               hdb_engine_to_string (job->info->engine), node_name);
    }
  else
    {
      g_autofree char *why = deck_cli_escape (job->error->message);

      g_print ("%s\t%s\tunreachable\t%s\n", name, url, why);
    }
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
        return deck_cli_fail_error (error);
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

  if (opt_watch)
    {
      g_autoptr(GPtrArray) instances = g_ptr_array_new_with_free_func (g_object_unref);

      if (opt_interval < 1 || opt_interval > 3600)
        return deck_cli_usage_error ("status", _("--interval is a number of seconds from 1 "
                                                 "to 3600."));
      for (guint i = 0; i < jobs->len; i++)
        g_ptr_array_add (instances,
                         g_object_ref (((StatusJob *) g_ptr_array_index (jobs, i))->instance));
      return deck_cli_watch (cli, instances, (guint) opt_interval);
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
          print_status_line (job);
          continue;
        }

      json_builder_begin_object (builder);
      hdb_json_add_string_member (builder, "name", deck_instance_get_name (job->instance));
      hdb_json_add_string_member (builder, "url", deck_instance_get_url (job->instance));
      hdb_json_add_boolean_member (builder, "reachable", info != NULL);
      json_builder_set_member_name (builder, "error");
      if (job->error != NULL)
        json_builder_add_string_value (builder, job->error->message);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "error_code");
      if (job->error != NULL)
        json_builder_add_string_value (builder, deck_cli_error_code (job->error));
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "version");
      if (info != NULL)
        json_builder_add_string_value (builder, info->version);
      else
        json_builder_add_null_value (builder);
      hdb_json_add_string_member (builder, "engine",
                                  info ? hdb_engine_to_string (info->engine) : "unknown");
      json_builder_set_member_name (builder, "node_name");
      if (info != NULL && info->node_name != NULL)
        json_builder_add_string_value (builder, info->node_name);
      else
        json_builder_add_null_value (builder);
      hdb_json_add_boolean_member (builder, "super_user", info != NULL && info->super_user);
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

static const GOptionEntry status_entries[] = {
  { "watch", 0, 0, G_OPTION_ARG_NONE, &opt_watch,
    N_("Print the links’ health as it changes, until interrupted"), NULL },
  { "interval", 0, 0, G_OPTION_ARG_INT, &opt_interval,
    N_("Seconds between two readings with --watch (default 5)"), N_("SECONDS") },
  { NULL }
};

const DeckCliCommand deck_cli_status_commands[] = {
  { NULL, "status", N_("[NAME]"),
    N_("Show what the instances run and their links"),
    NULL, status_entries, 0, 1, cmd_status },
  { NULL }
};
