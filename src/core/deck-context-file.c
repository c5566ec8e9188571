/* deck-context-file.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cluster as a file (docs/cluster-file.md) from the context's side:
 * export an organization to a file, and the changes that bring the live
 * cluster back to a file's state. The window's Export Cluster and Restore
 * from File run these; `clusterdeck-cli export`, `plan -f` and `apply -f`
 * run the same steps of the core (deck_cluster_file_load(),
 * deck_cluster_file_find_organization(), deck_cluster_state_export() and
 * deck_cluster_state_diff()) with the command line's own clients. What
 * comes out of a restore is an ordinary change set: it is planned,
 * reviewed and applied like any other, and nothing is sent here.
 */

#define G_LOG_DOMAIN "deck-context"

#include "config.h"

#include <string.h>

#include "deck-cluster-file-io.h"
#include "deck-context.h"

/* Export ---------------------------------------------------------------------- */

typedef struct
{
  GFile            *destination;
  char             *organization;
  DeckClusterState *state;
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_clear_object (&data->destination);
  g_free (data->organization);
  g_clear_pointer (&data->state, deck_cluster_state_free);
  g_free (data);
}

static void
export_written_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ExportData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&data->state),
                           (GDestroyNotify) deck_cluster_state_free);
}

static void
export_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ExportData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(DeckClusterFile) file = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GBytes) bytes = NULL;
  char *text;

  data->state = deck_context_read_cluster_finish (DECK_CONTEXT (source), result, &error);
  if (data->state == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  file = deck_cluster_state_export (data->state, data->organization);
  text = deck_cluster_file_to_data (file, now);
  bytes = g_bytes_new_take (text, strlen (text));
  /* Replaced whole (GIO writes a temporary file and renames it): an
   * export that fails half-way leaves the old file. The file holds no
   * secret, so it is made readable like any document. */
  g_file_replace_contents_bytes_async (data->destination, bytes, NULL, FALSE,
                                       G_FILE_CREATE_REPLACE_DESTINATION,
                                       g_task_get_cancellable (task), export_written_cb,
                                       g_object_ref (task));
}

/**
 * deck_context_export_cluster_async:
 * @self: a context
 * @organization: an organization of the store
 * @destination: where to write the cluster file
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once the file is written, or could not be
 * @user_data: data for @callback
 *
 * Reads the replication of every instance of @organization at once and
 * writes it to @destination as `clusterdeck-cli export` does: names, URLs
 * and switches, never a secret. An instance that could not be read is
 * written with what is known of it, as the command line does; the state
 * returned says which.
 */
void
deck_context_export_cluster_async (DeckContext         *self,
                                   DeckOrganization    *organization,
                                   GFile               *destination,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportData *data;

  g_return_if_fail (DECK_IS_CONTEXT (self));
  g_return_if_fail (DECK_IS_ORGANIZATION (organization));
  g_return_if_fail (G_IS_FILE (destination));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, deck_context_export_cluster_async);
  data = g_new0 (ExportData, 1);
  data->destination = g_object_ref (destination);
  data->organization = g_strdup (deck_organization_get_name (organization));
  g_task_set_task_data (task, data, (GDestroyNotify) export_data_free);
  deck_context_read_cluster_async (self, organization, cancellable, export_read_cb,
                                   g_steal_pointer (&task));
}

/**
 * deck_context_export_cluster_finish:
 * @self: a context
 * @result: the result
 * @error: why the file could not be written
 *
 * Returns: (transfer full) (nullable): the state that was written, its
 *   @unreadable naming the instances that could not be read
 */
DeckClusterState *
deck_context_export_cluster_finish (DeckContext   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Restore ------------------------------------------------------------------- */

typedef struct
{
  DeckOrganization *fallback;
  DeckOrganization *organization;
  DeckClusterFile  *file;
  GPtrArray        *unresolved;
} RestoreData;

static void
restore_data_free (RestoreData *data)
{
  g_clear_object (&data->fallback);
  g_clear_object (&data->organization);
  g_clear_pointer (&data->file, deck_cluster_file_free);
  g_clear_pointer (&data->unresolved, g_ptr_array_unref);
  g_free (data);
}

static void
restore_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RestoreData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(DeckClusterState) state = NULL;

  state = deck_context_read_cluster_finish (DECK_CONTEXT (source), result, &error);
  if (state == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, deck_cluster_state_diff (state, data->file, &data->unresolved),
                         g_object_unref);
}

static void
restore_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RestoreData *data = g_task_get_task_data (task);
  DeckContext *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  DeckOrganization *organization;
  GCancellable *cancellable;

  data->file = deck_cluster_file_load_finish (result, &error);
  if (data->file == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  organization = deck_cluster_file_find_organization (data->file, deck_context_get_store (self),
                                                      data->fallback, &error);
  if (organization == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data->organization = g_object_ref (organization);
  /* The cancellable is taken before the task is given away: the order in
   * which a call's arguments are evaluated is not defined. */
  cancellable = g_task_get_cancellable (task);
  deck_context_read_cluster_async (self, organization, cancellable, restore_read_cb,
                                   g_steal_pointer (&task));
}

/**
 * deck_context_changes_from_file_async:
 * @self: a context
 * @source: a cluster file
 * @fallback: (nullable): the organization meant when the file names none
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the changes, or why there are none
 * @user_data: data for @callback
 *
 * Reads and checks @source (deck_cluster_file_load()), then the live
 * state of its organization (deck_cluster_file_find_organization()), and
 * finds the changes that bring the live state to the file's
 * (deck_cluster_state_diff()): what `plan -f` plans. Sends nothing; a file
 * that is refused gives an error and no changes.
 */
void
deck_context_changes_from_file_async (DeckContext         *self,
                                      GFile               *source,
                                      DeckOrganization    *fallback,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RestoreData *data;

  g_return_if_fail (DECK_IS_CONTEXT (self));
  g_return_if_fail (G_IS_FILE (source));
  g_return_if_fail (fallback == NULL || DECK_IS_ORGANIZATION (fallback));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, deck_context_changes_from_file_async);
  data = g_new0 (RestoreData, 1);
  data->fallback = fallback != NULL ? g_object_ref (fallback) : NULL;
  g_task_set_task_data (task, data, (GDestroyNotify) restore_data_free);
  deck_cluster_file_load_async (source, cancellable, restore_loaded_cb, g_steal_pointer (&task));
}

/**
 * deck_context_changes_from_file_finish:
 * @self: a context
 * @result: the result
 * @organization: (out) (optional) (transfer full): the organization compared
 * @unresolved: (out) (optional) (transfer full) (element-type utf8): what
 *   differs and no change set can do, a sentence each
 * @error: why the file or the cluster could not be read
 *
 * Returns: (transfer full) (nullable): the changes, empty when the per-table
 *   directions match the file
 */
DeckChangeSet *
deck_context_changes_from_file_finish (DeckContext       *self,
                                       GAsyncResult      *result,
                                       DeckOrganization **organization,
                                       GPtrArray        **unresolved,
                                       GError           **error)
{
  RestoreData *data;
  DeckChangeSet *changes;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  changes = g_task_propagate_pointer (G_TASK (result), error);
  if (changes == NULL)
    return NULL;
  data = g_task_get_task_data (G_TASK (result));
  if (organization != NULL)
    *organization = g_object_ref (data->organization);
  if (unresolved != NULL)
    *unresolved = data->unresolved != NULL ? g_ptr_array_ref (data->unresolved)
                                           : g_ptr_array_new_with_free_func (g_free);
  return changes;
}
