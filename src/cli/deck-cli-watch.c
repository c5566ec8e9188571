/* deck-cli-watch.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * clusterdeck-cli status --watch: reads the organization's state every
 * interval (deck_cluster_state_read_async(), each instance with its
 * client's timeout) and prints what changed since the last reading
 * (deck_cluster_health_changes()): the first reading in full, then a line
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
#include "deck-cluster-health.h"

typedef struct
{
  GCancellable *cancellable;
  gboolean      stopped;
  gboolean      tick;
} Watch;

static gboolean
on_signal (gpointer user_data)
{
  Watch *watch = user_data;

  watch->stopped = TRUE;
  g_cancellable_cancel (watch->cancellable);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_tick (gpointer user_data)
{
  Watch *watch = user_data;

  watch->tick = TRUE;
  return G_SOURCE_REMOVE;
}

static void
print_change (DeckCli              *cli,
              const DeckHealthItem *item,
              const char           *when)
{
  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      hdb_json_add_string_member (builder, "time", when);
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
      g_autofree char *line = NULL;
      g_autofree char *shown = NULL;

      /* Tab-separated, the state a word for scripts (not translated). */
      line = g_strdup_printf ("%s\t%s%s%s%s%s\t%s%s%s", when, item->instance,
                              item->peer != NULL ? " → " : "", item->peer ? item->peer : "",
                              item->database != NULL ? " " : "",
                              item->database ? item->database : "", item->state,
                              item->detail != NULL ? "\t" : "", item->detail ? item->detail : "");
      shown = deck_cli_escape (line);
      g_print ("%s\n", shown);
    }
  fflush (stdout);
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
  g_autoptr(GHashTable) clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         g_object_unref);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Watch watch = { cancellable, FALSE, FALSE };
  guint sigint, sigterm, tick_id;

  /* The passwords are asked for once, before the first reading. */
  for (guint i = 0; i < instances->len; i++)
    {
      DeckInstance *instance = g_ptr_array_index (instances, i);
      HdbClient *client = deck_cli_client_for (cli, instance, NULL);

      if (client != NULL)
        g_hash_table_insert (clients, g_strdup (deck_instance_get_id (instance)), client);
    }

  sigint = g_unix_signal_add (SIGINT, on_signal, &watch);
  sigterm = g_unix_signal_add (SIGTERM, on_signal, &watch);
  while (!watch.stopped)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(DeckClusterState) state = NULL;
      g_autoptr(GPtrArray) after = NULL;
      g_autoptr(GPtrArray) changes = NULL;
      g_autoptr(GDateTime) now = NULL;
      g_autofree char *when = NULL;

      deck_cluster_state_read_async (instances, clients, cancellable, deck_cli_store_result,
                                     &result);
      state = deck_cluster_state_read_finish (deck_cli_wait_result (&result), NULL);
      if (state == NULL)
        break;
      now = g_date_time_new_now_utc ();
      when = g_date_time_format (now, "%FT%TZ");
      after = deck_cluster_health_read (state);
      changes = deck_cluster_health_changes (before, after);
      for (guint i = 0; i < changes->len; i++)
        print_change (cli, g_ptr_array_index (changes, i), when);
      g_clear_pointer (&before, g_ptr_array_unref);
      before = g_steal_pointer (&after);

      watch.tick = FALSE;
      tick_id = g_timeout_add_seconds (interval, on_tick, &watch);
      while (!watch.tick && !watch.stopped)
        g_main_context_iteration (NULL, TRUE);
      /* By its id: the signal sources have the same user data, and removing
       * "the first source of &watch" took the SIGINT one (a critical at
       * exit). A tick that fired removed itself. */
      if (!watch.tick)
        g_source_remove (tick_id);
    }
  g_source_remove (sigint);
  g_source_remove (sigterm);
  return DECK_CLI_EXIT_OK;
}
