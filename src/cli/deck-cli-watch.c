/* deck-cli-watch.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * clusterdeck-cli status --watch: a DeckHealthWatch (the core's, which
 * the window's sidebar marks and notifications also stand on) reads the
 * organization's state every interval, each instance with its client's
 * timeout, and this prints what changed since the last reading (its
 * ::changed): the first reading in full, then a line
 * per instance that became reachable or unreachable and per link (per
 * database on the native engine) that connected, disconnected, started or
 * finished catching up, or went. Until interrupted (SIGINT, SIGTERM), which
 * ends it with exit status 0.
 */

#define G_LOG_DOMAIN "deck-cli"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "deck-cli.h"
#include "deck-cli-private.h"
#include "deck-health-watch.h"

typedef struct
{
  gboolean  stopped;
  DeckCli  *cli;
  gboolean  many_organizations;  /* the instances watched are in more than one */
} Watch;

static gboolean
on_signal (gpointer user_data)
{
  Watch *watch = user_data;

  watch->stopped = TRUE;
  return G_SOURCE_CONTINUE;
}

/* The name of @item's instance's organization, or NULL */
static const char *
organization_of (DeckCli              *cli,
                 const DeckHealthItem *item)
{
  DeckStore *store = deck_context_get_store (cli->context);
  DeckInstance *instance = deck_store_find_instance_by_id (store, item->instance_id);
  DeckOrganization *org;

  if (instance == NULL)
    return NULL;
  org = deck_store_find_organization (store, deck_instance_get_organization_id (instance));
  return org != NULL ? deck_organization_get_name (org) : NULL;
}

/* A line a change: with --json an object (its organization always named);
 * otherwise tab-separated, the instance as ORG/NAME when the instances
 * watched are in more than one organization (two may have an instance of
 * the same name), as the commands take it. */
static void
print_change (Watch                *watch,
              const DeckHealthItem *item,
              const char           *when)
{
  DeckCli *cli = watch->cli;
  const char *organization = organization_of (cli, item);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      hdb_json_add_string_member (builder, "time", when);
      json_builder_set_member_name (builder, "organization");
      if (organization != NULL)
        json_builder_add_string_value (builder, organization);
      else
        json_builder_add_null_value (builder);
      hdb_json_add_string_member (builder, "instance", item->instance);
      json_builder_set_member_name (builder, "peer");
      if (item->peer != NULL)
        json_builder_add_string_value (builder, item->peer);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "database");
      if (item->database != NULL)
        json_builder_add_string_value (builder, item->database);
      else
        json_builder_add_null_value (builder);
      hdb_json_add_string_member (builder, "state", item->state);
      json_builder_set_member_name (builder, "detail");
      if (item->detail != NULL)
        json_builder_add_string_value (builder, item->detail);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      /* One object per line: a stream a script reads as it comes. */
      {
        g_autoptr(JsonGenerator) generator = json_generator_new ();
        g_autofree char *text = NULL;

        json_generator_set_root (generator, root);
        text = json_generator_to_data (generator, NULL);
        g_print ("%s\n", text);
      }
    }
  else
    {
      g_autofree char *instance = watch->many_organizations && organization != NULL
                                  ? g_strdup_printf ("%s/%s", organization, item->instance)
                                  : g_strdup (item->instance);
      g_autofree char *link = g_strdup_printf ("%s%s%s%s%s", instance,
                                               item->peer != NULL ? " → " : "",
                                               item->peer ? item->peer : "",
                                               item->database != NULL ? " " : "",
                                               item->database ? item->database : "");
      g_autofree char *shown_link = deck_cli_escape (link);
      g_autofree char *shown_state = deck_cli_escape (item->state);
      g_autofree char *shown_detail = deck_cli_escape (item->detail);

      /* Tab-separated, the state a word for scripts (not translated); each
       * field escaped on its own, so that the tabs between them stay tabs. */
      g_print ("%s\t%s\t%s%s%s\n", when, shown_link, shown_state,
               item->detail != NULL ? "\t" : "", shown_detail);
    }
  fflush (stdout);
}

static void
on_changed (DeckHealthWatch      *health,
            const DeckHealthItem *before,
            const DeckHealthItem *after,
            Watch                *watch)
{
  g_autofree char *when = g_date_time_format (deck_health_watch_get_read_time (health),
                                              "%FT%TZ");

  print_change (watch, after, when);
}

/**
 * deck_cli_watch:
 * @cli: the command line's state
 * @instances: (element-type DeckInstance): what to watch
 * @interval: seconds between two readings
 *
 * Returns: the exit status: 0 once interrupted
 */
int
deck_cli_watch (DeckCli   *cli,
                GPtrArray *instances,
                guint      interval)
{
  DeckHealthWatch *health;
  gpointer alive;
  Watch watch = { FALSE, cli, FALSE };
  guint sigint, sigterm;

  /* The passwords are asked for once, before the first reading: the watch
   * reads with the clients this leaves in the context. */
  for (guint i = 0; i < instances->len; i++)
    {
      HdbClient *client = deck_cli_client_for (cli, g_ptr_array_index (instances, i), NULL);

      g_clear_object (&client);
    }

  for (guint i = 1; i < instances->len; i++)
    if (g_strcmp0 (deck_instance_get_organization_id (g_ptr_array_index (instances, i)),
                   deck_instance_get_organization_id (g_ptr_array_index (instances, 0))) != 0)
      watch.many_organizations = TRUE;

  health = deck_health_watch_new (cli->context, instances);
  deck_health_watch_set_interval (health, interval);
  g_signal_connect (health, "changed", G_CALLBACK (on_changed), &watch);
  sigint = g_unix_signal_add (SIGINT, on_signal, &watch);
  sigterm = g_unix_signal_add (SIGTERM, on_signal, &watch);
  deck_health_watch_start (health);
  while (!watch.stopped)
    g_main_context_iteration (NULL, TRUE);
  deck_health_watch_stop (health);
  /* The reading in flight holds the watch until it ends, cancelled: waited
   * for, so that nothing is left running at exit. */
  alive = health;
  g_object_add_weak_pointer (G_OBJECT (health), &alive);
  g_object_unref (health);
  while (alive != NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  return DECK_CLI_EXIT_OK;
}
