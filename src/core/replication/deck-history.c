/* deck-history.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The history of applied changes (DESIGN.md §3): what was sent where, when,
 * and what came back, so that a user can tell later who turned a table
 * off. It is append-only JSON Lines under $XDG_STATE_HOME/clusterdeck/, one
 * object per operation, so that a crash while writing loses at most the
 * last line and never the earlier ones. It holds no secret: the plan has
 * none, and an authorization that a server echoes is masked.
 */

#define G_LOG_DOMAIN "deck-history"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "deck-history.h"
#include "deck-paths.h"

void
deck_history_entry_free (DeckHistoryEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->time);
  g_free (entry->instance);
  g_free (entry->peer);
  g_free (entry->operation);
  g_clear_pointer (&entry->changes, g_ptr_array_unref);
  g_free (entry->message);
  g_free (entry);
}

/**
 * deck_history_entry_describe:
 * @entry: an entry
 *
 * Returns: (transfer full): one line for people, e.g.
 *   "2026-01-02T10:00:00Z node1 → node2 update_node ok: dev.dog: publish off"
 */
char *
deck_history_entry_describe (const DeckHistoryEntry *entry)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (entry != NULL, NULL);

  g_string_append_printf (text, "%s %s → %s %s %s", entry->time, entry->instance, entry->peer,
                          entry->operation, entry->ok ? _("ok") : _("failed"));
  for (guint i = 0; entry->changes != NULL && i < entry->changes->len; i++)
    g_string_append_printf (text, "%s%s", i == 0 ? ": " : "; ",
                            (const char *) g_ptr_array_index (entry->changes, i));
  if (entry->message != NULL)
    g_string_append_printf (text, " (%s)", entry->message);
  return g_string_free (text, FALSE);
}

/**
 * deck_history_default_path:
 *
 * Returns: (transfer full): $XDG_STATE_HOME/clusterdeck/history.jsonl
 */
char *
deck_history_default_path (void)
{
  g_autofree char *dir = deck_paths_state_dir ();

  return g_build_filename (dir, "history.jsonl", NULL);
}

static char *
describe_change (const DeckChange *change)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "%s.%s:", change->database, change->table);
  if (change->publish != DECK_TOGGLE_UNCHANGED)
    g_string_append_printf (text, " publish %s", change->publish == DECK_TOGGLE_ON ? "on" : "off");
  if (change->publish != DECK_TOGGLE_UNCHANGED && change->subscribe != DECK_TOGGLE_UNCHANGED)
    g_string_append_c (text, ',');
  if (change->subscribe != DECK_TOGGLE_UNCHANGED)
    g_string_append_printf (text, " subscribe %s",
                            change->subscribe == DECK_TOGGLE_ON ? "on" : "off");
  return g_string_free (text, FALSE);
}

/* A server that echoes a request could return the authorization. */
static char *
mask_secrets (const char *message)
{
  g_autoptr(GRegex) regex = NULL;

  if (message == NULL)
    return NULL;
  regex = g_regex_new ("Basic\\s+[A-Za-z0-9+/=._~-]+", G_REGEX_CASELESS, 0, NULL);
  return g_regex_replace_literal (regex, message, -1, 0, "Basic (hidden)", 0, NULL);
}

static void
add_entry_line (GString                 *out,
                const char              *time,
                const DeckApplyOpResult *op_result,
                GHashTable              *instance_names)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *line = NULL;
  g_autofree char *message = mask_secrets (op_result->message);
  const char *instance = NULL;

  if (instance_names != NULL)
    instance = g_hash_table_lookup (instance_names, op_result->instance_id);
  if (instance == NULL)
    instance = op_result->instance_id;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "time");
  json_builder_add_string_value (builder, time);
  json_builder_set_member_name (builder, "instance");
  json_builder_add_string_value (builder, instance);
  json_builder_set_member_name (builder, "instance_id");
  json_builder_add_string_value (builder, op_result->instance_id);
  json_builder_set_member_name (builder, "peer");
  json_builder_add_string_value (builder, op_result->peer);
  json_builder_set_member_name (builder, "operation");
  json_builder_add_string_value (builder, deck_plan_op_kind_to_string (op_result->kind));
  json_builder_set_member_name (builder, "changes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < op_result->changes->len; i++)
    {
      g_autofree char *change = describe_change (g_ptr_array_index (op_result->changes, i));

      json_builder_add_string_value (builder, change);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "result");
  json_builder_add_string_value (builder, op_result->ok ? "ok" : "failed");
  json_builder_set_member_name (builder, "sent");
  json_builder_add_boolean_value (builder, op_result->reached);
  json_builder_set_member_name (builder, "message");
  if (message != NULL)
    json_builder_add_string_value (builder, message);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  line = json_generator_to_data (generator, NULL);
  g_string_append (out, line);
  g_string_append_c (out, '\n');
}

/**
 * deck_history_append:
 * @path: the history file, usually deck_history_default_path()
 * @result: what an apply did
 * @instance_names: (nullable) (element-type utf8 utf8): instance id → the
 *   name to record; the id when missing
 * @error: return location for a #GIOError
 *
 * Appends one line per operation of @result, with the time now. The
 * directory is created when needed, private to the user.
 *
 * Returns: %TRUE on success
 */
gboolean
deck_history_append (const char             *path,
                     const DeckApplyResult  *result,
                     GHashTable             *instance_names,
                     GError                **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *dir = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  if (result->results->len == 0)
    return TRUE;

  for (guint i = 0; i < result->results->len; i++)
    add_entry_line (out, time, g_ptr_array_index (result->results, i), instance_names);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not create %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }

  /* One write of whole lines, so that readers never see half an entry
   * unless the disk fills up. */
  file = g_file_new_for_path (path);
  stream = g_file_append_to (file, G_FILE_CREATE_PRIVATE, NULL, error);
  if (stream == NULL)
    return FALSE;
  if (!g_output_stream_write_all (G_OUTPUT_STREAM (stream), out->str, out->len, NULL, NULL,
                                  error))
    return FALSE;
  return g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, error);
}

static DeckHistoryEntry *
parse_line (const char *line)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(DeckHistoryEntry) entry = NULL;
  JsonObject *object;
  JsonNode *root;
  JsonArray *changes = NULL;

  if (!json_parser_load_from_data (parser, line, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  if (json_object_get_string_member_with_default (object, "time", NULL) == NULL ||
      json_object_get_string_member_with_default (object, "instance", NULL) == NULL ||
      json_object_get_string_member_with_default (object, "peer", NULL) == NULL ||
      json_object_get_string_member_with_default (object, "operation", NULL) == NULL)
    return NULL;

  entry = g_new0 (DeckHistoryEntry, 1);
  entry->time = g_strdup (json_object_get_string_member (object, "time"));
  entry->instance = g_strdup (json_object_get_string_member (object, "instance"));
  entry->peer = g_strdup (json_object_get_string_member (object, "peer"));
  entry->operation = g_strdup (json_object_get_string_member (object, "operation"));
  entry->ok = g_strcmp0 (json_object_get_string_member_with_default (object, "result", NULL),
                         "ok") == 0;
  entry->message = g_strdup (json_object_get_string_member_with_default (object, "message",
                                                                          NULL));
  entry->changes = g_ptr_array_new_with_free_func (g_free);
  if (json_object_has_member (object, "changes") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "changes")))
    changes = json_object_get_array_member (object, "changes");
  for (guint i = 0; changes != NULL && i < json_array_get_length (changes); i++)
    {
      JsonNode *node = json_array_get_element (changes, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_ptr_array_add (entry->changes, g_strdup (json_node_get_string (node)));
    }
  return g_steal_pointer (&entry);
}

/**
 * deck_history_load:
 * @path: the history file
 * @n_skipped: (out) (optional): lines that could not be read (a crash
 *   while writing, an edit by hand); they are skipped, not fatal
 * @error: return location for a #GFileError
 *
 * Returns: (transfer full) (element-type DeckHistoryEntry) (nullable): the
 *   entries, oldest first; empty when there is no history yet; %NULL on
 *   @error
 */
GPtrArray *
deck_history_load (const char  *path,
                   guint       *n_skipped,
                   GError     **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  guint skipped = 0;

  g_return_val_if_fail (path != NULL, NULL);

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) deck_history_entry_free);
  if (!g_file_get_contents (path, &contents, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          if (n_skipped != NULL)
            *n_skipped = 0;
          return g_steal_pointer (&entries);
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      DeckHistoryEntry *entry;

      if (*g_strstrip (lines[i]) == '\0')
        continue;
      entry = parse_line (lines[i]);
      if (entry == NULL)
        skipped++;
      else
        g_ptr_array_add (entries, entry);
    }

  if (n_skipped != NULL)
    *n_skipped = skipped;
  return g_steal_pointer (&entries);
}
