/* deck-history.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The history of applied changes (DESIGN.md §3): what was sent where, when,
 * and what came back, so that a user can tell later who turned a table
 * off. It is JSON Lines under $XDG_STATE_HOME/clusterdeck/, one object per
 * operation, appended under the file's lock (deck-json-file.c) so that a
 * crash while writing loses at most the last line and two processes never
 * interleave theirs. It is bounded: the newest DECK_HISTORY_MAX_ENTRIES
 * entries in DECK_HISTORY_MAX_BYTES at most; an append that would pass
 * either rewrites the file (atomically) without the oldest lines. It is
 * read from its end, at most DECK_HISTORY_MAX_BYTES, off the main thread
 * for the window, every line through hdb_json_parse() with typed access: a
 * line that cannot be read is skipped and counted, never fatal. It holds
 * no secret: the plan has none, and an authorization that a server echoes
 * is masked.
 */

#define G_LOG_DOMAIN "deck-history"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "deck-history.h"
#include "deck-json-file.h"
#include "deck-paths.h"
#include "hdb-json.h"

/* A line lists the changes of one operation: thousands of tables fit. */
#define LINE_MAX_SIZE (256 * 1024)

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
  hdb_json_add_int_member (builder, "version", DECK_HISTORY_FORMAT_VERSION);
  hdb_json_add_string_member (builder, "time", time);
  hdb_json_add_string_member (builder, "instance", instance);
  hdb_json_add_string_member (builder, "instance_id", op_result->instance_id);
  hdb_json_add_string_member (builder, "peer", op_result->peer);
  hdb_json_add_string_member (builder, "operation", deck_plan_op_kind_to_string (op_result->kind));
  json_builder_set_member_name (builder, "changes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < op_result->changes->len; i++)
    {
      g_autofree char *change = describe_change (g_ptr_array_index (op_result->changes, i));

      json_builder_add_string_value (builder, change);
    }
  json_builder_end_array (builder);
  hdb_json_add_string_member (builder, "result", op_result->ok ? "ok" : "failed");
  hdb_json_add_boolean_member (builder, "sent", op_result->reached);
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

static DeckJsonFile *
history_file (const char *path)
{
  return deck_json_file_new (path, DECK_HISTORY_FORMAT_VERSION, DECK_HISTORY_MAX_BYTES);
}

/* The whole lines of @bytes (without their newlines). When the read began
 * past the start of the file, the first line is a part of one: dropped. */
static GPtrArray *
split_lines (GBytes *bytes,
             gsize   skipped)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  const char *data;
  const char *end;
  gsize length = 0;

  if (bytes == NULL)
    return lines;
  data = g_bytes_get_data (bytes, &length);
  /* An empty file's bytes have no data pointer: NULL + 0 is undefined. */
  if (data == NULL || length == 0)
    return lines;
  end = data + length;

  if (skipped > 0)
    {
      const char *newline = memchr (data, '\n', length);

      data = newline != NULL ? newline + 1 : end;
    }

  while (data < end)
    {
      const char *newline = memchr (data, '\n', (gsize) (end - data));
      const char *stop = newline != NULL ? newline : end;

      if (stop > data)
        g_ptr_array_add (lines, g_strndup (data, (gsize) (stop - data)));
      data = stop + 1;
    }
  return lines;
}

/* Appends @out (@n_lines whole lines) under the lock, trimming to the
 * bounds. Touches nothing but the file: runs in a worker thread too. */
static gboolean
append_lines (const char  *path,
              GString     *out,
              guint        n_lines,
              GError     **error)
{
  g_autoptr(DeckJsonFile) file = history_file (path);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GString) kept = NULL;
  g_autofree char *stamp = NULL;
  g_auto(GStrv) added = NULL;
  GError *local_error = NULL;
  gsize skipped = 0, size = 0, total;
  guint first;
  gboolean done;

  if (!deck_json_file_lock (file, error))
    return FALSE;

  bytes = deck_json_file_read_bytes (file, DECK_HISTORY_MAX_BYTES, &skipped, &stamp,
                                     &local_error);
  if (bytes == NULL && local_error != NULL)
    {
      deck_json_file_unlock (file);
      g_propagate_error (error, local_error);
      return FALSE;
    }
  lines = split_lines (bytes, skipped);
  if (bytes != NULL)
    size = g_bytes_get_size (bytes);

  /* Within bounds: one appended write of whole lines, so that readers never
   * see half an entry. A last line a crash cut short gets its newline. */
  if (skipped == 0 && size + out->len <= DECK_HISTORY_MAX_BYTES &&
      lines->len + n_lines <= DECK_HISTORY_MAX_ENTRIES)
    {
      const char *data = bytes != NULL ? g_bytes_get_data (bytes, NULL) : NULL;

      if (size > 0 && data[size - 1] != '\n')
        g_string_prepend_c (out, '\n');
      done = deck_json_file_append_data (file, out->str, out->len, error);
      deck_json_file_unlock (file);
      return done;
    }

  /* Over a bound: the newest lines that fit, the oldest dropped. */
  added = g_strsplit (out->str, "\n", -1);
  for (guint i = 0; added[i] != NULL; i++)
    if (*added[i] != '\0')
      g_ptr_array_add (lines, g_strdup (added[i]));

  first = lines->len;
  total = 0;
  while (first > 0 && lines->len - first < DECK_HISTORY_MAX_ENTRIES)
    {
      gsize line_size = strlen (lines->pdata[first - 1]) + 1;

      if (total + line_size > DECK_HISTORY_MAX_BYTES)
        break;
      total += line_size;
      first--;
    }
  kept = g_string_sized_new (total);
  for (guint i = first; i < lines->len; i++)
    {
      g_string_append (kept, lines->pdata[i]);
      g_string_append_c (kept, '\n');
    }
  g_debug ("The history is full: %u older entries dropped", first);

  done = deck_json_file_write_data (file, kept->str, kept->len, error);
  deck_json_file_unlock (file);
  return done;
}

/* One line per operation of @result, with the time now. */
static GString *
build_lines (const DeckApplyResult *result,
             GHashTable            *instance_names)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < result->results->len; i++)
    add_entry_line (out, time, g_ptr_array_index (result->results, i), instance_names);
  return out;
}

/**
 * deck_history_append:
 * @path: the history file, usually deck_history_default_path()
 * @result: what an apply did
 * @instance_names: (nullable) (element-type utf8 utf8): instance id → the
 *   name to record; the id when missing
 * @error: return location for a #DECK_JSON_FILE_ERROR
 *
 * Appends one line per operation of @result, with the time now, under the
 * file's lock. When the history would then hold more than
 * %DECK_HISTORY_MAX_ENTRIES lines or %DECK_HISTORY_MAX_BYTES, the file is
 * rewritten atomically with the newest lines that fit. The folder is made
 * when needed, private to the user; the file is 0600. Blocks on file I/O;
 * see deck_history_append_async().
 *
 * Returns: %TRUE on success
 */
gboolean
deck_history_append (const char             *path,
                     const DeckApplyResult  *result,
                     GHashTable             *instance_names,
                     GError                **error)
{
  g_autoptr(GString) out = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  if (result->results->len == 0)
    return TRUE;

  out = build_lines (result, instance_names);
  return append_lines (path, out, result->results->len, error);
}

typedef struct
{
  char    *path;
  GString *out;
  guint    n_lines;
} AppendData;

static void
append_data_free (AppendData *data)
{
  g_free (data->path);
  g_string_free (data->out, TRUE);
  g_free (data);
}

static void
append_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  AppendData *data = task_data;
  GError *error = NULL;

  if (data->n_lines == 0 || append_lines (data->path, data->out, data->n_lines, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * deck_history_append_async:
 * @path: the history file
 * @result: what an apply did
 * @instance_names: (nullable) (element-type utf8 utf8): as for
 *   deck_history_append()
 * @cancellable: (nullable): a #GCancellable (only before the worker started)
 * @callback: called when the lines are written
 * @user_data: data for @callback
 *
 * deck_history_append() with the file I/O in a worker thread; the lines
 * (and their time) are made at once.
 */
void
deck_history_append_async (const char             *path,
                           const DeckApplyResult  *result,
                           GHashTable             *instance_names,
                           GCancellable           *cancellable,
                           GAsyncReadyCallback     callback,
                           gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  AppendData *data;

  g_return_if_fail (path != NULL);
  g_return_if_fail (result != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, deck_history_append_async);
  g_task_set_name (task, "deck_history_append_async");
  data = g_new0 (AppendData, 1);
  data->path = g_strdup (path);
  data->out = build_lines (result, instance_names);
  data->n_lines = result->results->len;
  g_task_set_task_data (task, data, (GDestroyNotify) append_data_free);
  g_task_run_in_thread (task, append_thread);
}

gboolean
deck_history_append_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == deck_history_append_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static DeckHistoryEntry *
parse_line (const char *line)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(DeckHistoryEntry) entry = NULL;
  JsonObject *object;
  JsonArray *changes;
  gint64 version = 1;

  root = hdb_json_parse (line, strlen (line), LINE_MAX_SIZE, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);

  /* Lines of the first format have no version; a newer line may mean
   * something else by the same members. */
  if (hdb_json_get_member (object, "version") != NULL &&
      (!hdb_json_get_int (object, "version", 1, G_MAXINT64, &version) ||
       version > DECK_HISTORY_FORMAT_VERSION))
    return NULL;

  if (hdb_json_get_string (object, "time") == NULL ||
      hdb_json_get_string (object, "instance") == NULL ||
      hdb_json_get_string (object, "peer") == NULL ||
      hdb_json_get_string (object, "operation") == NULL)
    return NULL;

  entry = g_new0 (DeckHistoryEntry, 1);
  entry->time = g_strdup (hdb_json_get_string (object, "time"));
  entry->instance = g_strdup (hdb_json_get_string (object, "instance"));
  entry->peer = g_strdup (hdb_json_get_string (object, "peer"));
  entry->operation = g_strdup (hdb_json_get_string (object, "operation"));
  entry->ok = g_strcmp0 (hdb_json_get_string (object, "result"), "ok") == 0;
  entry->message = g_strdup (hdb_json_get_string (object, "message"));
  entry->changes = g_ptr_array_new_with_free_func (g_free);
  changes = hdb_json_get_array (object, "changes");
  for (guint i = 0; changes != NULL && i < json_array_get_length (changes); i++)
    {
      const char *change = hdb_json_node_get_string (json_array_get_element (changes, i));

      if (change != NULL)
        g_ptr_array_add (entry->changes, g_strdup (change));
    }
  return g_steal_pointer (&entry);
}

/* The entries of the history text @bytes (its first @skipped_bytes not
 * read); *n_skipped counts the lines that are not entries. */
static GPtrArray *
parse_bytes (GBytes *bytes,
             gsize   skipped_bytes,
             guint  *n_skipped)
{
  g_autoptr(GPtrArray) lines = split_lines (bytes, skipped_bytes);
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) deck_history_entry_free);

  *n_skipped = 0;
  for (guint i = 0; i < lines->len; i++)
    {
      DeckHistoryEntry *entry;

      if (*g_strstrip (lines->pdata[i]) == '\0')
        continue;
      entry = parse_line (lines->pdata[i]);
      if (entry == NULL)
        (*n_skipped)++;
      else
        g_ptr_array_add (entries, entry);
    }
  return entries;
}

/**
 * deck_history_parse_data:
 * @data: the text of a history file
 * @length: its length
 * @n_skipped: (out): the lines that are not entries
 *
 * Reads history entries from memory, as deck_history_load() reads them from
 * the file (for the fuzz targets and tests).
 *
 * Returns: (transfer full) (element-type DeckHistoryEntry): the entries
 */
GPtrArray *
deck_history_parse_data (const char *data,
                         gsize       length,
                         guint      *n_skipped)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, length);

  return parse_bytes (bytes, 0, n_skipped);
}

/**
 * deck_history_load:
 * @path: the history file
 * @n_skipped: (out) (optional): lines that could not be read (a crash
 *   while writing, an edit by hand, a newer format); they are skipped, not
 *   fatal
 * @error: return location for a #DECK_JSON_FILE_ERROR
 *
 * Reads the newest %DECK_HISTORY_MAX_BYTES of the history (a larger file,
 * from an older Clusterdeck, is read from its end; the next append trims
 * it). Blocks on file I/O: the window uses deck_history_load_async().
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
  g_autoptr(DeckJsonFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *stamp = NULL;
  gsize skipped_bytes = 0;
  guint skipped = 0;

  g_return_val_if_fail (path != NULL, NULL);

  if (n_skipped != NULL)
    *n_skipped = 0;

  file = history_file (path);
  bytes = deck_json_file_read_bytes (file, DECK_HISTORY_MAX_BYTES, &skipped_bytes, &stamp,
                                     &local_error);
  if (bytes == NULL && local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (skipped_bytes > 0)
    g_debug ("%s is larger than %d bytes: its %" G_GSIZE_FORMAT " oldest bytes were not read",
             path, DECK_HISTORY_MAX_BYTES, skipped_bytes);

  entries = parse_bytes (bytes, skipped_bytes, &skipped);
  if (n_skipped != NULL)
    *n_skipped = skipped;
  return g_steal_pointer (&entries);
}

typedef struct
{
  GPtrArray *entries;
  guint      n_skipped;
} LoadResult;

static void
load_result_free (LoadResult *result)
{
  g_clear_pointer (&result->entries, g_ptr_array_unref);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LoadResult, load_result_free)

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(LoadResult) result = g_new0 (LoadResult, 1);
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  result->entries = deck_history_load (path, &result->n_skipped, &error);
  if (result->entries == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) load_result_free);
}

/**
 * deck_history_load_async:
 * @path: the history file
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the entries
 * @user_data: data for @callback
 *
 * deck_history_load() in a worker thread.
 */
void
deck_history_load_async (const char          *path,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, deck_history_load_async);
  g_task_set_name (task, "deck_history_load_async");
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, load_thread);
}

/**
 * deck_history_load_finish:
 * @result: the result given to the callback
 * @n_skipped: (out) (optional): as for deck_history_load()
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type DeckHistoryEntry) (nullable): the
 *   entries, oldest first; %NULL on @error
 */
GPtrArray *
deck_history_load_finish (GAsyncResult  *result,
                          guint         *n_skipped,
                          GError       **error)
{
  g_autoptr(LoadResult) loaded = NULL;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == deck_history_load_async, NULL);

  if (n_skipped != NULL)
    *n_skipped = 0;
  loaded = g_task_propagate_pointer (G_TASK (result), error);
  if (loaded == NULL)
    return NULL;
  if (n_skipped != NULL)
    *n_skipped = loaded->n_skipped;
  return g_steal_pointer (&loaded->entries);
}
