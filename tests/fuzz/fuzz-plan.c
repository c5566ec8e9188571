/* fuzz-plan.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The plan and its description: pending changes (pending.json's format),
 * the cluster_status and the describe_all that every instance they name
 * answered, and the engine, all from the input, which is those three texts
 * separated by NUL bytes (the first byte of the input picks the engine).
 * Planning, describing, checking drift and inverting must never crash or
 * warn, whatever the server said.
 */

#include <string.h>

#include "deck-pending.h"
#include "deck-plan.h"
#include "hdb-json.h"
#include "hdb-parse.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* The NUL-separated part @index of @data (empty when there is none). */
static const char *
part (const char *data,
      gsize       size,
      guint       index,
      gsize      *length)
{
  const char *start = data;
  const char *end = data + size;

  for (guint i = 0; i < index; i++)
    {
      const char *nul = memchr (start, '\0', (gsize) (end - start));

      if (nul == NULL)
        {
          *length = 0;
          return "";
        }
      start = nul + 1;
    }
  {
    const char *nul = memchr (start, '\0', (gsize) (end - start));

    *length = (gsize) ((nul != NULL ? nul : end) - start);
  }
  return start;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static const HdbEngine engines_of[] = { HDB_ENGINE_NATIVE, HDB_ENGINE_NATS, HDB_ENGINE_NONE };
  const char *text;
  gsize length, pending_length, status_length, schema_length;
  const char *pending_text, *status_text, *schema_text;
  g_autoptr(DeckChangeSet) changes = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GHashTable) statuses = NULL;
  g_autoptr(GHashTable) engines = NULL;
  g_autoptr(GHashTable) schemas = NULL;
  g_autoptr(DeckPlan) plan = NULL;
  g_autoptr(JsonNode) status_node = NULL;
  g_autoptr(JsonNode) schema_node = NULL;
  HdbEngine engine;

  if (size < 1)
    return 0;
  engine = engines_of[data[0] % G_N_ELEMENTS (engines_of)];
  text = (const char *) data + 1;
  length = size - 1;
  pending_text = part (text, length, 0, &pending_length);
  status_text = part (text, length, 1, &status_length);
  schema_text = part (text, length, 2, &schema_length);

  changes = deck_pending_parse_data (pending_text, pending_length, NULL);
  if (changes == NULL)
    return 0;

  statuses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                    (GDestroyNotify) hdb_cluster_status_free);
  engines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  schemas = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                   (GDestroyNotify) hdb_schema_free);
  status_node = hdb_json_parse (status_text, status_length, 1 << 20, NULL);
  schema_node = hdb_json_parse (schema_text, schema_length, 1 << 20, NULL);

  list = deck_change_set_dup_changes (changes);
  for (guint i = 0; i < list->len; i++)
    {
      const DeckChange *change = g_ptr_array_index (list, i);
      HdbClusterStatus *status;
      HdbSchema *schema;

      if (g_hash_table_contains (engines, change->instance_id))
        continue;
      g_hash_table_insert (engines, g_strdup (change->instance_id), GINT_TO_POINTER (engine));
      status = status_node != NULL ? hdb_parse_cluster_status (status_node, NULL) : NULL;
      if (status != NULL)
        g_hash_table_insert (statuses, g_strdup (change->instance_id), status);
      schema = schema_node != NULL ? hdb_parse_describe_all (schema_node, NULL) : NULL;
      if (schema != NULL)
        g_hash_table_insert (schemas, g_strdup (change->instance_id), schema);
    }

  plan = deck_plan_new_full (changes, statuses, engines, schemas);
  g_free (deck_plan_describe (plan));
  (void) deck_plan_get_n_requests (plan);
  (void) deck_plan_needs_authorization (plan);
  {
    GPtrArray *ids = deck_plan_get_instance_ids (plan);

    for (guint i = 0; i < ids->len; i++)
      {
        GPtrArray *ops = deck_plan_get_operations (plan, g_ptr_array_index (ids, i));

        for (guint k = 0; ops != NULL && k < ops->len; k++)
          g_free (deck_plan_describe_op (plan, g_ptr_array_index (ops, k)));
      }
  }
  {
    g_autoptr(GError) error = NULL;

    if (!deck_plan_check_drift (plan, statuses, &error))
      g_assert_nonnull (error);
  }
  {
    g_autoptr(DeckChangeSet) inverse = deck_change_set_inverse (changes);

    g_assert_cmpuint (deck_change_set_get_n_changes (inverse), ==,
                      deck_change_set_get_n_changes (changes));
  }
  return 0;
}
