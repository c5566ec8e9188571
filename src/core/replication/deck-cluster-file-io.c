/* deck-cluster-file-io.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A cluster file (docs/cluster-file.md) read from disk, and the
 * organization it is meant for: the first steps of `plan -f`, `apply -f`
 * and the window's Restore from File, written once for both. The file is
 * refused before it is read whole when it is larger than the format
 * allows, then read by deck_cluster_file_parse() as hostile input.
 */

#define G_LOG_DOMAIN "deck-cluster-file"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "deck-cluster-file-io.h"

/**
 * deck_cluster_file_load:
 * @file: where the cluster file is
 * @cancellable: (nullable): a #GCancellable
 * @error: where to say why it cannot be used
 *
 * Reads and checks the cluster file at @file. Blocks: call it from a
 * worker, or use deck_cluster_file_load_async().
 *
 * Returns: (transfer full) (nullable): the file's content
 */
DeckClusterFile *
deck_cluster_file_load (GFile         *file,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  guint8 buffer[8192];
  gssize n;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stream = g_file_read (file, cancellable, error);
  if (stream == NULL)
    return NULL;
  while ((n = g_input_stream_read (G_INPUT_STREAM (stream), buffer, sizeof buffer, cancellable,
                                   error)) > 0)
    {
      if (bytes->len + (gsize) n > DECK_CLUSTER_FILE_MAX_BYTES)
        {
          g_autofree char *name = g_file_get_parse_name (file);

          g_set_error (error, DECK_CLUSTER_FILE_ERROR, DECK_CLUSTER_FILE_ERROR_INVALID,
                       _("%s is larger than a cluster file may be (%u bytes)."), name,
                       (guint) DECK_CLUSTER_FILE_MAX_BYTES);
          return NULL;
        }
      g_byte_array_append (bytes, buffer, (guint) n);
    }
  if (n < 0)
    return NULL;
  return deck_cluster_file_parse ((const char *) bytes->data, bytes->len, error);
}

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  DeckClusterFile *file = deck_cluster_file_load (task_data, cancellable, &error);

  if (file == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, file, (GDestroyNotify) deck_cluster_file_free);
}

/**
 * deck_cluster_file_load_async:
 * @file: where the cluster file is
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * deck_cluster_file_load() in a worker: a file on a slow or remote file
 * system does not block the main loop.
 */
void
deck_cluster_file_load_async (GFile               *file,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, deck_cluster_file_load_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_in_thread);
}

/**
 * deck_cluster_file_load_finish:
 * @result: the result
 * @error: where to say why the file cannot be used
 *
 * Returns: (transfer full) (nullable): the file's content
 */
DeckClusterFile *
deck_cluster_file_load_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * deck_cluster_file_find_organization:
 * @file: a cluster file
 * @store: the organizations
 * @fallback: (nullable): the organization meant when @file names none
 * @error: where to say why there is none
 *
 * The organization a cluster file is compared with: the one it names;
 * when it names none, @fallback, or else the only organization there is.
 *
 * Returns: (transfer none) (nullable): the organization
 */
DeckOrganization *
deck_cluster_file_find_organization (const DeckClusterFile  *file,
                                     DeckStore              *store,
                                     DeckOrganization       *fallback,
                                     GError                **error)
{
  GListModel *orgs;
  g_autoptr(DeckOrganization) only = NULL;
  DeckOrganization *org;

  g_return_val_if_fail (file != NULL, NULL);
  g_return_val_if_fail (DECK_IS_STORE (store), NULL);

  if (file->organization != NULL)
    {
      org = deck_store_find_organization (store, file->organization);
      if (org == NULL)
        g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_NOT_FOUND,
                     _("The file is of the organization “%s”, and there is no organization of "
                       "that name."), file->organization);
      return org;
    }
  if (fallback != NULL)
    return fallback;

  orgs = deck_store_get_organizations (store);
  if (g_list_model_get_n_items (orgs) != 1)
    {
      g_set_error_literal (error, DECK_STORE_ERROR, DECK_STORE_ERROR_NOT_FOUND,
                           g_list_model_get_n_items (orgs) == 0
                           ? _("There is no organization yet.")
                           : _("The file names no organization, and there is more than one."));
      return NULL;
    }
  only = g_list_model_get_item (orgs, 0);
  return only;
}
