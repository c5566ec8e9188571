/* deck-store-file.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DeckStore's file: reading, checking, writing and watching
 * organizations.json through DeckJsonFile (deck-json-file.c: bounded
 * reads, versions, atomic replace, set aside, lock, change stamps).
 *
 * The file is the user's data, and the window and clusterdeck-cli may both
 * change it, so the store is careful with it:
 *
 * - A file it cannot understand (not JSON, too large or deep, a member of
 *   the wrong type, one invalid entry) is moved aside under a new name and
 *   the user is told; it is never written over. Dropping only the bad
 *   entries would lose them at the next save.
 * - A file of a newer format is shown as far as this version can read it,
 *   and never written nor moved: an older clusterdeck-cli must not spoil
 *   what a newer window keeps.
 * - A file it cannot read at all (permissions, a folder in its place) stays
 *   where it is, and every change is refused until it can be read.
 * - Every change is made under the file's lock, on what the file holds
 *   then: when another process changed it since it was read, it is read
 *   again and shown first, and the change is made to that.
 * - After a load the file is watched: what another process writes is shown
 *   within moments, with the models' usual signals.
 */

#define G_LOG_DOMAIN "deck-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "deck-store.h"
#include "deck-store-private.h"
#include "hdb-json.h"

/* Reading */

typedef struct
{
  JsonNode *root;       /* validated content; NULL for none */
  char     *stamp;      /* what the file was, to accept once shown */
  GError   *problem;    /* CORRUPT (set aside) or NEWER (read-only) */
  gboolean  read_only;
} StoreRead;

static void
store_read_free (StoreRead *result)
{
  g_clear_pointer (&result->root, json_node_unref);
  g_free (result->stamp);
  g_clear_error (&result->problem);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreRead, store_read_free)

typedef enum
{
  READ_FOR_LOAD,    /* a corrupt file is set aside; the store starts empty */
  READ_FOR_EDIT,    /* a corrupt file is set aside; the models are kept and saved */
  READ_FOR_WATCH,   /* a corrupt file is left for the next edit to deal with */
} ReadPurpose;

/* Reads and checks the file; sets a corrupt one aside (but for a watch).
 * Returns NULL with a DECK_STORE_ERROR only when the file was left where it
 * was and nothing can be shown: unreadable, or corrupt for a watch. */
static StoreRead *
read_content (DeckJsonFile  *file,
              ReadPurpose    purpose,
              GError       **error)
{
  for (guint attempt = 0; attempt < 3; attempt++)
    {
      g_autoptr(StoreRead) result = g_new0 (StoreRead, 1);
      g_autoptr(JsonNode) root = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GError) aside_error = NULL;
      g_autofree char *reason = NULL;
      g_autofree char *aside = NULL;

      if (deck_json_file_read (file, &root, NULL, &result->stamp, &local_error))
        {
          if (root == NULL || _deck_store_check_content (root, &reason))
            {
              result->root = g_steal_pointer (&root);
              return g_steal_pointer (&result);
            }
        }
      else if (g_error_matches (local_error, DECK_JSON_FILE_ERROR, DECK_JSON_FILE_ERROR_NEWER))
        {
          /* Shown as far as this version understands it, when it does. */
          if (_deck_store_check_content (root, &reason))
            result->root = g_steal_pointer (&root);
          result->read_only = TRUE;
          g_set_error (&result->problem, DECK_STORE_ERROR, DECK_STORE_ERROR_NEWER,
                       _("Your organizations file was written by a newer version of "
                         "Clusterdeck (%s). This version shows what it can read of it and "
                         "changes nothing; use the newer version to make changes."),
                       local_error->message);
          return g_steal_pointer (&result);
        }
      else if (g_error_matches (local_error, DECK_JSON_FILE_ERROR, DECK_JSON_FILE_ERROR_CORRUPT))
        {
          reason = g_strdup (local_error->message);
        }
      else
        {
          g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO,
                       _("Your organizations file could not be read: %s."),
                       local_error->message);
          return NULL;
        }

      if (purpose == READ_FOR_WATCH)
        {
          g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_CORRUPT,
                       _("Your organizations file could not be read (%s)."), reason);
          return NULL;
        }

      aside = deck_json_file_set_aside (file, result->stamp, "corrupt", &aside_error);
      if (aside == NULL)
        {
          /* Another process replaced it meanwhile: judge its file. */
          if (g_error_matches (aside_error, DECK_JSON_FILE_ERROR, DECK_JSON_FILE_ERROR_CHANGED))
            continue;
          g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO,
                       _("Your organizations file could not be read (%s), and could not be "
                         "moved aside: %s. Nothing was changed."),
                       reason, aside_error->message);
          return NULL;
        }

      g_free (result->stamp);
      result->stamp = g_strdup ("missing");
      if (purpose == READ_FOR_LOAD)
        g_set_error (&result->problem, DECK_STORE_ERROR, DECK_STORE_ERROR_CORRUPT,
                     _("Your organizations file could not be read (%s). It was kept as %s "
                       "and Clusterdeck started with an empty list."),
                     reason, aside);
      else
        g_set_error (&result->problem, DECK_STORE_ERROR, DECK_STORE_ERROR_CORRUPT,
                     _("Your organizations file had been changed into one that could not be "
                       "read (%s). It was kept as %s, and the organizations shown here were "
                       "saved in its place."),
                     reason, aside);
      /* Not a warning: the caller tells the user, in the window or on stderr. */
      g_debug ("%s", result->problem->message);
      return g_steal_pointer (&result);
    }

  g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO,
               _("Your organizations file kept changing while it was being read. Nothing "
                 "was changed."));
  return NULL;
}

static void
set_read_only (DeckStore *self,
               gboolean   read_only)
{
  if (self->read_only == read_only)
    return;
  self->read_only = read_only;
  g_object_notify (G_OBJECT (self), "read-only");
}

/* Shows what was read: on the thread that owns the models. */
static void
show_read (DeckStore *self,
           StoreRead *result)
{
  g_clear_pointer (&self->saved, json_node_unref);
  if (result->root != NULL)
    self->saved = json_node_ref (result->root);
  set_read_only (self, result->read_only);
  _deck_store_show_content (self, result->root);
  deck_json_file_accept (self->file, result->stamp);
}

/* Watching */

static void
file_changed_cb (DeckJsonFile *file,
                 DeckStore    *self)
{
  g_autoptr(StoreRead) result = NULL;
  g_autoptr(GError) error = NULL;

  result = read_content (file, READ_FOR_WATCH, &error);
  if (result == NULL)
    {
      /* The models keep what they show; the next change reads the file
       * again and deals with it. */
      g_debug ("%s", error->message);
      return;
    }

  /* A file that could not be read before can be now. */
  g_clear_error (&self->read_failure);
  self->loaded = TRUE;
  if (result->problem != NULL || self->read_only)
    {
      g_clear_error (&self->load_problem);
      self->load_problem = g_steal_pointer (&result->problem);
    }
  show_read (self, result);
  g_debug ("Another process changed %s: %u organizations", self->path,
           g_list_model_get_n_items (G_LIST_MODEL (self->organizations)));
}

/**
 * _deck_store_start_watching:
 * @self: a store
 *
 * Shows what other processes write from now on.
 */
void
_deck_store_start_watching (DeckStore *self)
{
  if (self->unwatched || deck_json_file_get_watched (self->file))
    return;
  g_signal_connect (self->file, "changed", G_CALLBACK (file_changed_cb), self);
  deck_json_file_set_watched (self->file, TRUE);
}

/**
 * deck_store_set_watched:
 * @self: a store
 * @watched: whether to watch the file once it is loaded
 *
 * A store watches its file from its first load on (the default), and shows
 * what other processes write. A one-shot process such as clusterdeck-cli
 * turns that off before loading: it reads the file once and shows nothing
 * later, and its edits still apply to what other processes wrote meanwhile
 * (DeckJsonFile reads the file again under its lock when its stamp
 * changed). Watching starts GLib's worker thread and makes the folder;
 * neither is wanted by a process that reads a file and exits.
 */
void
deck_store_set_watched (DeckStore *self,
                        gboolean   watched)
{
  g_return_if_fail (DECK_IS_STORE (self));

  self->unwatched = !watched;
  if (!watched)
    {
      g_signal_handlers_disconnect_by_func (self->file, file_changed_cb, self);
      deck_json_file_set_watched (self->file, FALSE);
    }
  else if (self->loaded || self->read_failure != NULL)
    _deck_store_start_watching (self);
}

/* Loading */

static void
record_read_failure (DeckStore    *self,
                     const GError *error)
{
  g_clear_error (&self->read_failure);
  g_clear_error (&self->load_problem);
  self->read_failure = g_error_copy (error);
  g_debug ("%s", error->message);
}

static void
apply_load (DeckStore *self,
            StoreRead *result)
{
  g_clear_error (&self->read_failure);
  g_clear_error (&self->load_problem);
  self->load_problem = g_steal_pointer (&result->problem);
  show_read (self, result);
  self->loaded = TRUE;

  g_debug ("Loaded %u organizations from %s",
           g_list_model_get_n_items (G_LIST_MODEL (self->organizations)), self->path);
}

/**
 * deck_store_load:
 * @self: a store
 * @problem: (out) (optional): set when the file was corrupt (and was moved
 *   aside) or of a newer format (and is shown read-only)
 * @error: return location for a %DECK_STORE_ERROR_IO
 *
 * Reads the organizations file into the models. A missing file is an
 * empty list. A corrupt file is renamed (its new name is in the @problem
 * message) and the store starts empty; a file of a newer format is left
 * as it is, shown as far as this version reads it, and every change is
 * refused (DeckStore:read-only). Both still return %TRUE. A file that
 * cannot be read at all stays where it is: this returns %FALSE, and every
 * change is refused until the file can be read (the store notices when it
 * can). From now on the store watches its file.
 *
 * Blocks on file I/O; the UI uses deck_store_load_async().
 *
 * Returns: %FALSE when the file could not be read
 */
gboolean
deck_store_load (DeckStore  *self,
                 GError    **problem,
                 GError    **error)
{
  g_autoptr(StoreRead) result = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (DECK_IS_STORE (self), FALSE);
  g_return_val_if_fail (problem == NULL || *problem == NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  result = read_content (self->file, READ_FOR_LOAD, &local_error);
  _deck_store_start_watching (self);
  if (result == NULL)
    {
      record_read_failure (self, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  apply_load (self, result);
  if (problem != NULL && self->load_problem != NULL)
    *problem = g_error_copy (self->load_problem);
  return TRUE;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  DeckJsonFile *file = task_data;
  GError *error = NULL;
  StoreRead *result;

  if (g_task_return_error_if_cancelled (task))
    return;

  result = read_content (file, READ_FOR_LOAD, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) store_read_free);
}

/* Back on the caller's thread: only here are the models touched. */
static void
load_thread_done (GObject      *source_object,
                  GAsyncResult *thread_result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(StoreRead) result = NULL;
  DeckStore *self = DECK_STORE (source_object);
  GError *error = NULL;

  result = g_task_propagate_pointer (G_TASK (thread_result), &error);
  if (result == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          record_read_failure (self, error);
          _deck_store_start_watching (self);
        }
      g_task_return_error (task, error);
      return;
    }

  apply_load (self, result);
  _deck_store_start_watching (self);
  if (self->load_problem != NULL)
    g_task_set_task_data (task, g_error_copy (self->load_problem), (GDestroyNotify) g_error_free);
  g_task_return_boolean (task, TRUE);
}

/**
 * deck_store_load_async:
 * @self: a store
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the file was read and the models updated
 * @user_data: data for @callback
 *
 * Like deck_store_load(), with the file I/O in a worker thread. The models
 * are updated in the thread-default main context of the caller, before
 * @callback runs. Cancelling only helps before the worker started: once the
 * file may have been moved aside, the result is always applied, so that the
 * user is told.
 */
void
deck_store_load_async (DeckStore           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) thread_task = NULL;

  g_return_if_fail (DECK_IS_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, deck_store_load_async);
  g_task_set_name (task, "deck_store_load_async");
  g_task_set_check_cancellable (task, FALSE);

  thread_task = g_task_new (self, cancellable, load_thread_done, g_steal_pointer (&task));
  g_task_set_source_tag (thread_task, deck_store_load_async);
  g_task_set_name (thread_task, "deck_store_load_async (thread)");
  g_task_set_check_cancellable (thread_task, FALSE);
  g_task_set_task_data (thread_task, g_object_ref (self->file), g_object_unref);
  g_task_run_in_thread (thread_task, load_thread);
}

/**
 * deck_store_load_finish:
 * @self: a store
 * @result: the #GAsyncResult given to the callback
 * @problem: (out) (optional): as for deck_store_load()
 * @error: return location for an error
 *
 * Returns: %FALSE when the file could not be read, or the load was
 *   cancelled before it started
 */
gboolean
deck_store_load_finish (DeckStore     *self,
                        GAsyncResult  *result,
                        GError       **problem,
                        GError       **error)
{
  const GError *found;

  g_return_val_if_fail (DECK_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == deck_store_load_async, FALSE);
  g_return_val_if_fail (problem == NULL || *problem == NULL, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  found = g_task_get_task_data (G_TASK (result));
  if (problem != NULL && found != NULL)
    *problem = g_error_copy (found);
  return TRUE;
}

/**
 * deck_store_get_load_problem:
 * @self: a store
 *
 * Returns: (nullable): the %DECK_STORE_ERROR_CORRUPT or
 *   %DECK_STORE_ERROR_NEWER problem the last load (or reload) found, if any
 */
const GError *
deck_store_get_load_problem (DeckStore *self)
{
  g_return_val_if_fail (DECK_IS_STORE (self), NULL);
  return self->load_problem;
}

/* Editing */

static JsonNode *
build_content (DeckStore *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GListModel *organizations = G_LIST_MODEL (self->organizations);
  guint n_organizations = g_list_model_get_n_items (organizations);

  json_builder_begin_object (builder);
  hdb_json_add_int_member (builder, "version", DECK_STORE_FORMAT_VERSION);
  json_builder_set_member_name (builder, "organizations");
  json_builder_begin_array (builder);

  for (guint i = 0; i < n_organizations; i++)
    {
      g_autoptr(DeckOrganization) organization = g_list_model_get_item (organizations, i);
      GListModel *instances = deck_organization_get_instances (organization);
      guint n_instances = g_list_model_get_n_items (instances);

      json_builder_begin_object (builder);
      hdb_json_add_string_member (builder, "id", deck_organization_get_id (organization));
      hdb_json_add_string_member (builder, "name", deck_organization_get_name (organization));
      if (deck_organization_get_cluster_user (organization) != NULL)
        {
          hdb_json_add_string_member (builder, "cluster_user",
                                      deck_organization_get_cluster_user (organization));
        }
      json_builder_set_member_name (builder, "instances");
      json_builder_begin_array (builder);

      for (guint j = 0; j < n_instances; j++)
        {
          g_autoptr(DeckInstance) instance = g_list_model_get_item (instances, j);
          const char *pin = deck_instance_get_pinned_certificate (instance);

          json_builder_begin_object (builder);
          hdb_json_add_string_member (builder, "id", deck_instance_get_id (instance));
          hdb_json_add_string_member (builder, "name", deck_instance_get_name (instance));
          hdb_json_add_string_member (builder, "url", deck_instance_get_url (instance));
          hdb_json_add_string_member (builder, "username", deck_instance_get_username (instance));
          if (pin != NULL)
            hdb_json_add_string_member (builder, "pinned_certificate", pin);
          json_builder_end_object (builder);
        }

      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }

  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Refuses to write when writing could destroy data: before the file was
 * read, after it could not be read, and over a newer format. */
static gboolean
check_writable (DeckStore  *self,
                GError    **error)
{
  if (self->read_failure != NULL)
    {
      g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO,
                   _("%s Nothing was changed: Clusterdeck does not write over a file it "
                     "could not read. Fix the problem and try again."),
                   self->read_failure->message);
      return FALSE;
    }
  if (!self->loaded)
    {
      g_set_error_literal (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO,
                           _("Your organizations file has not been read yet, so nothing "
                             "was changed."));
      return FALSE;
    }
  if (self->read_only)
    {
      g_set_error_literal (error, DECK_STORE_ERROR, DECK_STORE_ERROR_READ_ONLY,
                           _("Nothing was changed: your organizations file was written by a "
                             "newer version of Clusterdeck, which this version does not "
                             "write over."));
      return FALSE;
    }
  return TRUE;
}

/**
 * _deck_store_begin_edit:
 * @self: a store
 * @error: return location for an error
 *
 * Takes the file's lock, and when another process changed the file since
 * the models were last in step with it, reads it again and shows it, so
 * that the edit is made to what the file holds. A file found corrupt then
 * is set aside and the models are kept (they are saved in its place). On
 * success the caller edits the models, calls _deck_store_commit_edit()
 * (or puts the models back) and always _deck_store_end_edit().
 *
 * Returns: %TRUE when the lock is held and the models are current
 */
gboolean
_deck_store_begin_edit (DeckStore  *self,
                        GError    **error)
{
  g_autoptr(StoreRead) result = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!check_writable (self, error))
    return FALSE;

  if (!deck_json_file_lock (self->file, &local_error))
    {
      g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO,
                   _("Nothing was changed: your organizations file could not be locked: %s."),
                   local_error->message);
      return FALSE;
    }

  if (!deck_json_file_has_changed (self->file))
    return TRUE;

  result = read_content (self->file, READ_FOR_EDIT, &local_error);
  if (result == NULL)
    {
      deck_json_file_unlock (self->file);
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s ",
                                  _("Nothing was changed."));
      return FALSE;
    }

  if (result->read_only)
    {
      g_clear_error (&self->load_problem);
      self->load_problem = g_steal_pointer (&result->problem);
      show_read (self, result);
      deck_json_file_unlock (self->file);
      return check_writable (self, error);
    }

  if (result->problem != NULL)
    {
      /* Set aside: what the models show is written in its place. */
      g_clear_error (&self->load_problem);
      self->load_problem = g_steal_pointer (&result->problem);
      deck_json_file_accept (self->file, result->stamp);
      return TRUE;
    }

  show_read (self, result);
  return TRUE;
}

/**
 * _deck_store_commit_edit:
 * @self: a store in an edit
 * @error: return location for a %DECK_STORE_ERROR_IO
 *
 * Writes the models to the file.
 *
 * Returns: %TRUE when written
 */
gboolean
_deck_store_commit_edit (DeckStore  *self,
                         GError    **error)
{
  g_autoptr(JsonNode) root = build_content (self);
  g_autoptr(GError) local_error = NULL;

  if (!deck_json_file_write (self->file, root, &local_error))
    {
      g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO,
                   _("Your organizations could not be saved: %s."), local_error->message);
      return FALSE;
    }

  g_clear_pointer (&self->saved, json_node_unref);
  self->saved = g_steal_pointer (&root);
  return TRUE;
}

void
_deck_store_end_edit (DeckStore *self)
{
  deck_json_file_unlock (self->file);
}

/**
 * deck_store_save:
 * @self: a store
 * @error: return location for an error
 *
 * Writes the organizations file from the models, after reading again what
 * another process wrote meanwhile (see _deck_store_begin_edit()): under
 * the file's lock, atomically (a temporary file, flushed to disk, renamed
 * over the old one), readable by its owner only (0600), in a folder made
 * 0700. Every mutator saves this way; call it directly only to write the
 * file again.
 *
 * Returns: %TRUE when the file was written
 */
gboolean
deck_store_save (DeckStore  *self,
                 GError    **error)
{
  gboolean saved;

  g_return_val_if_fail (DECK_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_deck_store_begin_edit (self, error))
    return FALSE;
  saved = _deck_store_commit_edit (self, error);
  _deck_store_end_edit (self);
  return saved;
}
