/* deck-pending-format.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The format of pending.json (DeckPending, deck-pending.c):
 *
 *   {"version": 1,
 *    "changes": [{"instance": ID, "peer": NODE, "database": …, "table": …,
 *                 "publish": bool (optional), "subscribe": bool (optional),
 *                 "baseline": {"publish", "subscribe", "replicates"}}]}
 *
 * Names and switches only, never a secret. Every member is read with its
 * type checked: a switch of another type rejects the file rather than
 * reading as "unchanged".
 */

#define G_LOG_DOMAIN "deck-pending"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "deck-json-file.h"
#include "deck-pending.h"
#include "deck-pending-private.h"
#include "hdb-json.h"

static void
add_toggle (JsonBuilder *builder,
            const char  *name,
            DeckToggle   toggle)
{
  /* An unchanged direction is left out rather than written as null, so
   * that the file says only what the user changed. */
  if (toggle == DECK_TOGGLE_UNCHANGED)
    return;
  hdb_json_add_boolean_member (builder, name, toggle == DECK_TOGGLE_ON);
}

/* The content of pending.json for @set. */
JsonNode *
_deck_pending_build_content (DeckChangeSet *set)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) changes = deck_change_set_dup_changes (set);

  json_builder_begin_object (builder);
  hdb_json_add_int_member (builder, "version", DECK_PENDING_FORMAT_VERSION);
  json_builder_set_member_name (builder, "changes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < changes->len; i++)
    {
      const DeckChange *change = g_ptr_array_index (changes, i);

      json_builder_begin_object (builder);
      hdb_json_add_string_member (builder, "instance", change->instance_id);
      hdb_json_add_string_member (builder, "peer", change->peer);
      hdb_json_add_string_member (builder, "database", change->database);
      hdb_json_add_string_member (builder, "table", change->table);
      add_toggle (builder, "publish", change->publish);
      add_toggle (builder, "subscribe", change->subscribe);
      json_builder_set_member_name (builder, "baseline");
      json_builder_begin_object (builder);
      hdb_json_add_boolean_member (builder, "publish", change->baseline.publish);
      hdb_json_add_boolean_member (builder, "subscribe", change->baseline.subscribe);
      hdb_json_add_boolean_member (builder, "replicates", change->baseline.replicates);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* An optional switch: missing or null is "unchanged", a boolean is the
 * direction, anything else is refused. */
static gboolean
read_toggle (JsonObject *object,
             const char *name,
             DeckToggle *toggle)
{
  gboolean value;

  *toggle = DECK_TOGGLE_UNCHANGED;
  if (hdb_json_get_member (object, name) == NULL)
    return TRUE;
  if (!hdb_json_get_boolean (object, name, &value))
    return FALSE;
  *toggle = value ? DECK_TOGGLE_ON : DECK_TOGGLE_OFF;
  return TRUE;
}

static const char *
read_name (JsonObject *object,
           const char *name)
{
  const char *value = hdb_json_get_string (object, name);

  return value != NULL && *value != '\0' ? value : NULL;
}

/* The changes @root (an object, its version checked) stages, or NULL and
 * why not (for people). One bad entry rejects the whole file: applying part
 * of what the user staged would be worse than showing the problem. */
DeckChangeSet *
_deck_pending_parse_content (JsonNode  *root,
                             char     **reason)
{
  g_autoptr(DeckChangeSet) set = deck_change_set_new ();
  JsonArray *array;

  array = hdb_json_get_array (json_node_get_object (root), "changes");
  if (array == NULL)
    {
      *reason = g_strdup (_("it has no list of changes"));
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      DeckChange change = { 0 };
      JsonObject *entry, *baseline;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          *reason = g_strdup_printf (_("change %u is not an object"), i + 1);
          return NULL;
        }
      entry = json_node_get_object (element);
      baseline = hdb_json_get_object (entry, "baseline");

      change.instance_id = (char *) read_name (entry, "instance");
      change.peer = (char *) read_name (entry, "peer");
      change.database = (char *) read_name (entry, "database");
      change.table = (char *) read_name (entry, "table");
      if (change.instance_id == NULL || change.peer == NULL ||
          change.database == NULL || change.table == NULL ||
          !read_toggle (entry, "publish", &change.publish) ||
          !read_toggle (entry, "subscribe", &change.subscribe) ||
          baseline == NULL ||
          !hdb_json_get_boolean (baseline, "publish", &change.baseline.publish) ||
          !hdb_json_get_boolean (baseline, "subscribe", &change.baseline.subscribe) ||
          !hdb_json_get_boolean (baseline, "replicates", &change.baseline.replicates))
        {
          *reason = g_strdup_printf (_("change %u is incomplete"), i + 1);
          return NULL;
        }

      deck_change_set_add_change (set, &change);
    }
  return g_steal_pointer (&set);
}

/**
 * deck_pending_parse_data:
 * @data: (array length=length): the content of a pending.json
 * @length: its length
 * @error: return location for %DECK_PENDING_ERROR_CORRUPT or
 *   %DECK_PENDING_ERROR_NEWER
 *
 * Parses pending.json's content as DeckPending does, without a file: for
 * tests and fuzz targets.
 *
 * Returns: (transfer full) (nullable): the changes it stages
 */
DeckChangeSet *
deck_pending_parse_data (const char  *data,
                         gsize        length,
                         GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *reason = NULL;
  DeckChangeSet *changes;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (!deck_json_file_parse_data (data, length, DECK_PENDING_FORMAT_VERSION,
                                  DECK_PENDING_MAX_FILE_SIZE, &root, NULL, &local_error))
    {
      g_set_error_literal (error, DECK_PENDING_ERROR,
                           g_error_matches (local_error, DECK_JSON_FILE_ERROR,
                                            DECK_JSON_FILE_ERROR_NEWER)
                           ? DECK_PENDING_ERROR_NEWER : DECK_PENDING_ERROR_CORRUPT,
                           local_error->message);
      return NULL;
    }
  changes = _deck_pending_parse_content (root, &reason);
  if (changes == NULL)
    g_set_error_literal (error, DECK_PENDING_ERROR, DECK_PENDING_ERROR_CORRUPT, reason);
  return changes;
}
