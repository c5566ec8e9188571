/* deck-schema-diff.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Which tables one instance has that another lacks, and creating them
 * there. Replication only carries tables whose database exists on both
 * sides (reference Q9), so connecting two instances with different
 * schemas replicates less than the user expects unless this is offered.
 */

#define G_LOG_DOMAIN "deck-schema-diff"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "deck-schema-diff.h"

void
deck_missing_table_free (DeckMissingTable *missing)
{
  if (missing == NULL)
    return;
  g_free (missing->database);
  g_free (missing->table);
  g_free (missing->primary_key);
  g_free (missing);
}

/**
 * deck_schema_diff_missing:
 * @have: the schema of the instance that has the tables
 * @other: the schema of the instance that may lack them
 *
 * The `system` database is left out: every instance has its own.
 *
 * Returns: (transfer full) (element-type DeckMissingTable): the tables of
 *   @have that @other lacks, in database then table order
 */
GPtrArray *
deck_schema_diff_missing (const HdbSchema *have,
                          const HdbSchema *other)
{
  GPtrArray *missing = g_ptr_array_new_with_free_func ((GDestroyNotify) deck_missing_table_free);

  g_return_val_if_fail (have != NULL && other != NULL, missing);

  for (guint i = 0; i < have->databases->len; i++)
    {
      const HdbDatabase *db = g_ptr_array_index (have->databases, i);
      gboolean db_missing;

      if (g_strcmp0 (db->name, "system") == 0)
        continue;
      db_missing = hdb_schema_find_database (other, db->name) == NULL;

      for (guint j = 0; j < db->tables->len; j++)
        {
          const HdbTable *table = g_ptr_array_index (db->tables, j);
          DeckMissingTable *m;

          if (hdb_schema_find_table (other, db->name, table->name) != NULL)
            continue;

          m = g_new0 (DeckMissingTable, 1);
          m->database = g_strdup (db->name);
          m->table = g_strdup (table->name);
          m->primary_key = g_strdup (table->primary_key ? table->primary_key : "id");
          m->database_missing = db_missing;
          g_ptr_array_add (missing, m);
        }
    }
  return missing;
}

/**
 * deck_schema_diff_describe:
 * @missing: (element-type DeckMissingTable): missing tables
 *
 * Returns: (transfer full): "dev.dog, dev.cat, shop.order" for people
 */
char *
deck_schema_diff_describe (GPtrArray *missing)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < missing->len; i++)
    {
      const DeckMissingTable *m = g_ptr_array_index (missing, i);

      if (i > 0)
        g_string_append (text, ", ");
      g_string_append_printf (text, "%s.%s", m->database, m->table);
    }
  return g_string_free (text, FALSE);
}

typedef struct
{
  GPtrArray *missing;
  guint      next;
  gboolean   table_step;   /* the database of missing[next] exists now */
} CreateState;

static void
create_state_free (CreateState *state)
{
  g_ptr_array_unref (state->missing);
  g_free (state);
}

static void create_next (GTask *task);

static void
on_created (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CreateState *state = g_task_get_task_data (task);
  const DeckMissingTable *m = g_ptr_array_index (state->missing, state->next);
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;

  if (state->table_step)
    message = hdb_client_create_table_finish (HDB_CLIENT (source), result, &error);
  else
    message = hdb_client_create_database_finish (HDB_CLIENT (source), result, &error);

  /* Something created meanwhile (by a user, or by an earlier entry) is as
   * good as created now. */
  if (message == NULL && !(error != NULL && error->domain == HDB_ERROR &&
                           hdb_error_get_harper_message (error) != NULL &&
                           g_strrstr (hdb_error_get_harper_message (error), "already exists")))
    {
      g_task_return_new_error (task, HDB_ERROR, error->code,
                               _("Could not create %s.%s: %s"), m->database, m->table,
                               error->message);
      return;
    }

  if (state->table_step)
    {
      state->next++;
      state->table_step = FALSE;
    }
  else
    state->table_step = TRUE;
  create_next (g_steal_pointer (&task));
}

static void
create_next (GTask *task)
{
  CreateState *state = g_task_get_task_data (task);
  HdbClient *client = g_task_get_source_object (task);
  const DeckMissingTable *m;

  if (state->next >= state->missing->len)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  m = g_ptr_array_index (state->missing, state->next);
  if (!state->table_step && !m->database_missing)
    state->table_step = TRUE;

  if (state->table_step)
    hdb_client_create_table_async (client, m->database, m->table, m->primary_key,
                                   g_task_get_cancellable (task), on_created, task);
  else
    hdb_client_create_database_async (client, m->database, g_task_get_cancellable (task),
                                      on_created, task);
}

/**
 * deck_schema_create_missing_async:
 * @client: the instance that lacks the tables
 * @missing: (element-type DeckMissingTable): from deck_schema_diff_missing()
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Creates the databases and tables, one after the other. Only their
 * structure is created; the records come with replication.
 */
void
deck_schema_create_missing_async (HdbClient           *client,
                                  GPtrArray           *missing,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;
  CreateState *state;

  g_return_if_fail (HDB_IS_CLIENT (client));
  g_return_if_fail (missing != NULL);

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, deck_schema_create_missing_async);
  state = g_new0 (CreateState, 1);
  state->missing = g_ptr_array_ref (missing);
  g_task_set_task_data (task, state, (GDestroyNotify) create_state_free);
  create_next (task);
}

gboolean
deck_schema_create_missing_finish (HdbClient     *client,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
