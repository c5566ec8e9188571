/* deck-pending.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The pending changes: a change set (pure data, deck-change-set.c) kept in
 * $XDG_STATE_HOME/clusterdeck/pending.json (its format:
 * deck-pending-format.c), which the window and clusterdeck-cli share
 * (docs/managing-replication.md). What is staged is the user's work, so:
 *
 * - a file that cannot be read (EACCES, a folder or a FIFO in its place)
 *   or that a newer Clusterdeck wrote is left as it is and never written
 *   over: the change set is not cleared, saving is refused with the reason,
 *   and the file is read again when it changes (a fixed permission, say);
 * - a file that cannot be understood is moved aside, and the user told;
 * - every save is made under the file's lock after merging what another
 *   process staged since the file was last read (deck_change_set_merge()),
 *   so that switches staged with clusterdeck-cli while the window is open
 *   are kept, and the other way round;
 * - with autosave, every burst of changes is one write, and the file is
 *   watched: what the CLI stages shows in the window within moments.
 */

#define G_LOG_DOMAIN "deck-pending"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "deck-json-file.h"
#include "deck-paths.h"
#include "deck-pending.h"
#include "deck-pending-private.h"

struct _DeckPending
{
  GObject        parent_instance;

  char          *path;
  DeckJsonFile  *file;
  DeckChangeSet *changes;    /* what is staged: the live set the UI edits */
  DeckChangeSet *base;       /* what the file held when last read or written */
  guint          save_id;    /* an autosave waiting for its idle */
  gboolean       autosave;
  gboolean       writable;   /* the file was read (or set aside): it may be written */
  gboolean       merging;    /* bringing the changes in step with the file: not an edit */
  GError        *problem;
};

G_DEFINE_FINAL_TYPE (DeckPending, deck_pending, G_TYPE_OBJECT)

G_DEFINE_QUARK (deck-pending-error-quark, deck_pending_error)

enum {
  PROP_0,
  PROP_PATH,
  PROP_CHANGES,
  PROP_AUTOSAVE,
  PROP_WRITABLE,
  PROP_PROBLEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* State */

static void
set_problem (DeckPending *self,
             GError      *problem)
{
  g_clear_error (&self->problem);
  self->problem = problem;
  if (problem != NULL)
    g_debug ("%s", problem->message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
}

static void
set_writable (DeckPending *self,
              gboolean     writable)
{
  if (self->writable == writable)
    return;
  self->writable = writable;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WRITABLE]);
}

static gboolean
save_idle (gpointer user_data)
{
  DeckPending *self = user_data;
  g_autoptr(GError) error = NULL;

  self->save_id = 0;
  /* A failure is the problem property's: the window shows it. */
  if (!deck_pending_save (self, &error))
    g_debug ("The pending changes were not saved: %s", error->message);
  return G_SOURCE_REMOVE;
}

static void
schedule_save (DeckPending *self)
{
  /* Many switches flipped at once are one write. */
  if (self->autosave && self->save_id == 0)
    self->save_id = g_idle_add_full (G_PRIORITY_DEFAULT, save_idle, self, NULL);
}

static void
changes_changed_cb (DeckChangeSet *changes,
                    DeckPending   *self)
{
  if (!self->merging)
    schedule_save (self);
}

/* Merges what the file holds now into the changes: what this process
 * staged since the last read or write stays, and so does what another
 * process staged meanwhile. */
static void
merge_in (DeckPending   *self,
          DeckChangeSet *theirs)
{
  g_autoptr(DeckChangeSet) merged = deck_change_set_merge (self->base, self->changes, theirs);

  g_set_object (&self->base, theirs);
  self->merging = TRUE;
  deck_change_set_assign (self->changes, merged);
  self->merging = FALSE;

  /* The file lacks some of ours: it is written at the next idle. */
  if (!deck_change_set_equal (merged, theirs))
    schedule_save (self);
}

/* The file is not to be written: the change set stays as it is, nothing is
 * saved until the file can be read again. */
static void
block (DeckPending *self,
       GError      *problem)
{
  g_clear_handle_id (&self->save_id, g_source_remove);
  set_writable (self, FALSE);
  set_problem (self, problem);
}

typedef enum
{
  REFRESH_LOAD,    /* a corrupt file is set aside */
  REFRESH_SAVE,    /* the same, under the lock, before writing */
  REFRESH_WATCH,   /* a corrupt file is left for the next save */
} RefreshPurpose;

/* Reads the file and merges it into the changes. Returns TRUE when they
 * are in step with the file and it may be written; *set_aside is set when
 * a corrupt file was moved aside on the way (then the changes are this
 * process's only). */
static gboolean
refresh (DeckPending     *self,
         RefreshPurpose   purpose,
         GError         **set_aside,
         GError         **error)
{
  for (guint attempt = 0; attempt < 3; attempt++)
    {
      g_autoptr(JsonNode) root = NULL;
      g_autoptr(DeckChangeSet) theirs = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GError) aside_error = NULL;
      g_autofree char *stamp = NULL;
      g_autofree char *reason = NULL;
      g_autofree char *aside = NULL;
      GError *problem;

      if (deck_json_file_read (self->file, &root, NULL, &stamp, &local_error))
        {
          theirs = root != NULL ? _deck_pending_parse_content (root, &reason) : deck_change_set_new ();
          if (theirs != NULL)
            {
              merge_in (self, theirs);
              deck_json_file_accept (self->file, stamp);
              if (!self->writable && self->problem != NULL)
                set_problem (self, NULL);
              set_writable (self, TRUE);
              return TRUE;
            }
        }
      else if (g_error_matches (local_error, DECK_JSON_FILE_ERROR, DECK_JSON_FILE_ERROR_CORRUPT))
        {
          reason = g_strdup (local_error->message);
        }
      else
        {
          gboolean newer = g_error_matches (local_error, DECK_JSON_FILE_ERROR,
                                            DECK_JSON_FILE_ERROR_NEWER);

          deck_json_file_accept (self->file, stamp);
          if (newer)
            problem = g_error_new (DECK_PENDING_ERROR, DECK_PENDING_ERROR_NEWER,
                                   _("Your pending changes were saved by a newer version of "
                                     "Clusterdeck (%s). This version leaves them as they are "
                                     "and saves nothing over them."),
                                   local_error->message);
          else
            problem = g_error_new (DECK_PENDING_ERROR, DECK_PENDING_ERROR_IO,
                                   _("Your pending changes could not be read: %s. They are "
                                     "left as they are, and nothing is saved over them until "
                                     "the file can be read."),
                                   local_error->message);
          g_propagate_error (error, g_error_copy (problem));
          block (self, problem);
          return FALSE;
        }

      if (purpose == REFRESH_WATCH)
        {
          g_set_error (error, DECK_PENDING_ERROR, DECK_PENDING_ERROR_CORRUPT,
                       _("Your pending changes could not be read (%s)."), reason);
          return FALSE;
        }

      aside = deck_json_file_set_aside (self->file, stamp, "corrupt", &aside_error);
      if (aside == NULL)
        {
          /* Another process replaced it meanwhile: judge its file. */
          if (g_error_matches (aside_error, DECK_JSON_FILE_ERROR, DECK_JSON_FILE_ERROR_CHANGED))
            continue;
          problem = g_error_new (DECK_PENDING_ERROR, DECK_PENDING_ERROR_IO,
                                 _("Your pending changes could not be read (%s), and could not "
                                   "be moved aside: %s. Nothing is saved over them."),
                                 reason, aside_error->message);
          g_propagate_error (error, g_error_copy (problem));
          block (self, problem);
          return FALSE;
        }

      problem = g_error_new (DECK_PENDING_ERROR, DECK_PENDING_ERROR_CORRUPT,
                             _("Your pending changes could not be read (%s). They were kept "
                               "as %s, and Clusterdeck went on without them."),
                             reason, aside);
      g_propagate_error (set_aside, g_error_copy (problem));
      theirs = deck_change_set_new ();
      g_set_object (&self->base, theirs);
      deck_json_file_accept (self->file, "missing");
      set_writable (self, TRUE);
      set_problem (self, problem);
      if (deck_change_set_get_n_changes (self->changes) > 0)
        schedule_save (self);
      return TRUE;
    }

  g_set_error (error, DECK_PENDING_ERROR, DECK_PENDING_ERROR_IO,
               _("Your pending changes kept changing while they were being read."));
  return FALSE;
}

/* Watching */

static void
file_changed_cb (DeckJsonFile *file,
                 DeckPending  *self)
{
  g_autoptr(GError) error = NULL;

  /* Only reading: the lock is for writers. */
  if (!refresh (self, REFRESH_WATCH, NULL, &error))
    g_debug ("%s", error->message);
}

/* Loading and saving */

/**
 * deck_pending_load:
 * @self: pending changes
 * @error: return location for a #DECK_PENDING_ERROR
 *
 * Reads the file and merges it into the change set (at the first load,
 * that is the file's content). A missing file stages nothing.
 *
 * - %DECK_PENDING_ERROR_CORRUPT: the file could not be understood; it was
 *   moved aside (the message names its new name), and may be written again.
 * - %DECK_PENDING_ERROR_NEWER or %DECK_PENDING_ERROR_IO: the file stays as
 *   it is and nothing is written over it (deck_pending_get_writable() is
 *   %FALSE); the change set is not touched. With autosave, the file is read
 *   again when it changes.
 *
 * Returns: %TRUE when the file's changes are in the change set
 */
gboolean
deck_pending_load (DeckPending  *self,
                   GError      **error)
{
  g_autoptr(GError) set_aside = NULL;

  g_return_val_if_fail (DECK_IS_PENDING (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!refresh (self, REFRESH_LOAD, &set_aside, error))
    return FALSE;
  if (set_aside != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&set_aside));
      return FALSE;
    }
  return TRUE;
}

/* A save that failed: the file is as it was; the changes stay, and the
 * next save tries again. */
static gboolean
fail_save (DeckPending   *self,
           const GError  *cause,
           GError       **error)
{
  GError *problem = g_error_new (DECK_PENDING_ERROR, DECK_PENDING_ERROR_IO,
                                 _("Your pending changes could not be saved: %s."),
                                 cause->message);

  g_propagate_error (error, g_error_copy (problem));
  set_problem (self, problem);
  return FALSE;
}

/**
 * deck_pending_save:
 * @self: pending changes, loaded
 * @error: return location for a #DECK_PENDING_ERROR
 *
 * Writes the change set, under the file's lock. When another process
 * changed the file since it was read, that is merged in first (see
 * deck_change_set_merge()), so what it staged is kept and shows in the
 * change set. Atomic, 0600, in a folder made 0700. Refused while the file
 * could not be read or is of a newer format.
 *
 * Returns: %TRUE when the file holds the change set
 */
gboolean
deck_pending_save (DeckPending  *self,
                   GError      **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (DECK_IS_PENDING (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_clear_handle_id (&self->save_id, g_source_remove);

  if (!self->writable)
    {
      /* The problem says why, and that nothing is saved over the file. */
      if (self->problem != NULL)
        g_propagate_error (error, g_error_copy (self->problem));
      else
        g_set_error_literal (error, DECK_PENDING_ERROR, DECK_PENDING_ERROR_IO,
                             _("Your pending changes were not saved: the file has not been "
                               "read yet."));
      return FALSE;
    }

  if (!deck_json_file_lock (self->file, &local_error))
    return fail_save (self, local_error, error);

  if (deck_json_file_has_changed (self->file) &&
      !refresh (self, REFRESH_SAVE, NULL, error))
    {
      deck_json_file_unlock (self->file);
      return FALSE;
    }

  root = _deck_pending_build_content (self->changes);
  if (!deck_json_file_write (self->file, root, &local_error))
    {
      deck_json_file_unlock (self->file);
      return fail_save (self, local_error, error);
    }
  deck_json_file_unlock (self->file);

  /* A merge above may have asked for a save: this was it. */
  g_clear_handle_id (&self->save_id, g_source_remove);
  g_clear_object (&self->base);
  self->base = deck_change_set_copy (self->changes);
  if (self->problem != NULL && self->problem->code == DECK_PENDING_ERROR_IO)
    set_problem (self, NULL);
  return TRUE;
}

/**
 * deck_pending_flush:
 * @self: pending changes
 * @error: return location for a #DECK_PENDING_ERROR
 *
 * Writes at once an autosave that is still waiting for its idle.
 *
 * Returns: %TRUE when nothing was waiting or it was written
 */
gboolean
deck_pending_flush (DeckPending  *self,
                    GError      **error)
{
  g_return_val_if_fail (DECK_IS_PENDING (self), FALSE);

  if (self->save_id == 0)
    return TRUE;
  return deck_pending_save (self, error);
}

/**
 * deck_pending_set_autosave:
 * @self: pending changes
 * @autosave: whether to keep the file and the change set in step
 *
 * With autosave, every burst of changes to the change set is saved at the
 * next idle (deck_pending_flush() writes at once), and the file is
 * watched: what another process saves is merged into the change set
 * (DeckChangeSet::changed) moments later. The window uses it; the command
 * line saves when it means to.
 */
void
deck_pending_set_autosave (DeckPending *self,
                           gboolean     autosave)
{
  g_return_if_fail (DECK_IS_PENDING (self));

  autosave = !!autosave;
  if (self->autosave == autosave)
    return;
  self->autosave = autosave;
  deck_json_file_set_watched (self->file, autosave);
  if (!autosave)
    g_clear_handle_id (&self->save_id, g_source_remove);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTOSAVE]);
}

gboolean
deck_pending_get_autosave (DeckPending *self)
{
  g_return_val_if_fail (DECK_IS_PENDING (self), FALSE);
  return self->autosave;
}

/**
 * deck_pending_get_writable:
 * @self: pending changes
 *
 * Returns: whether the file was read (or set aside) and may be written;
 *   %FALSE before the first load, and while the file cannot be read or is
 *   of a newer format
 */
gboolean
deck_pending_get_writable (DeckPending *self)
{
  g_return_val_if_fail (DECK_IS_PENDING (self), FALSE);
  return self->writable;
}

/**
 * deck_pending_get_problem:
 * @self: pending changes
 *
 * Returns: (nullable): the last problem with the file: set aside, newer,
 *   unreadable, or not saved; for the user
 */
const GError *
deck_pending_get_problem (DeckPending *self)
{
  g_return_val_if_fail (DECK_IS_PENDING (self), NULL);
  return self->problem;
}

/* GObject */

static void
deck_pending_dispose (GObject *object)
{
  DeckPending *self = DECK_PENDING (object);

  if (self->save_id != 0)
    {
      g_autoptr(GError) error = NULL;

      if (!deck_pending_save (self, &error))
        g_debug ("The pending changes were not saved: %s", error->message);
    }
  if (self->file != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->file, self);
      deck_json_file_set_watched (self->file, FALSE);
    }
  if (self->changes != NULL)
    g_signal_handlers_disconnect_by_data (self->changes, self);
  g_clear_object (&self->file);
  g_clear_object (&self->changes);
  g_clear_object (&self->base);

  G_OBJECT_CLASS (deck_pending_parent_class)->dispose (object);
}

static void
deck_pending_finalize (GObject *object)
{
  DeckPending *self = DECK_PENDING (object);

  g_free (self->path);
  g_clear_error (&self->problem);

  G_OBJECT_CLASS (deck_pending_parent_class)->finalize (object);
}

static void
deck_pending_constructed (GObject *object)
{
  DeckPending *self = DECK_PENDING (object);

  G_OBJECT_CLASS (deck_pending_parent_class)->constructed (object);

  if (self->path == NULL)
    self->path = deck_pending_default_path ();
  self->file = deck_json_file_new (self->path, DECK_PENDING_FORMAT_VERSION,
                                   DECK_PENDING_MAX_FILE_SIZE);
  g_signal_connect (self->file, "changed", G_CALLBACK (file_changed_cb), self);
  g_signal_connect (self->changes, "changed", G_CALLBACK (changes_changed_cb), self);
}

static void
deck_pending_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  DeckPending *self = DECK_PENDING (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_CHANGES:
      g_value_set_object (value, self->changes);
      break;
    case PROP_AUTOSAVE:
      g_value_set_boolean (value, self->autosave);
      break;
    case PROP_WRITABLE:
      g_value_set_boolean (value, self->writable);
      break;
    case PROP_PROBLEM:
      g_value_set_boxed (value, self->problem);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_pending_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  DeckPending *self = DECK_PENDING (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;
    case PROP_AUTOSAVE:
      deck_pending_set_autosave (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_pending_class_init (DeckPendingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = deck_pending_dispose;
  object_class->finalize = deck_pending_finalize;
  object_class->constructed = deck_pending_constructed;
  object_class->get_property = deck_pending_get_property;
  object_class->set_property = deck_pending_set_property;

  /**
   * DeckPending:path:
   *
   * The file; by default `$XDG_STATE_HOME/clusterdeck/pending.json`.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * DeckPending:changes:
   *
   * The change set the UI and the command line stage into.
   */
  properties[PROP_CHANGES] =
    g_param_spec_object ("changes", NULL, NULL, DECK_TYPE_CHANGE_SET,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUTOSAVE] =
    g_param_spec_boolean ("autosave", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WRITABLE] =
    g_param_spec_boolean ("writable", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * DeckPending:problem:
   *
   * The last problem with the file (a #GError of #DECK_PENDING_ERROR), for
   * the user; %NULL when there is none.
   */
  properties[PROP_PROBLEM] =
    g_param_spec_boxed ("problem", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
deck_pending_init (DeckPending *self)
{
  self->changes = deck_change_set_new ();
  self->base = deck_change_set_new ();
}

/**
 * deck_pending_default_path:
 *
 * Returns: (transfer full): `$XDG_STATE_HOME/clusterdeck/pending.json`
 */
char *
deck_pending_default_path (void)
{
  g_autofree char *dir = deck_paths_state_dir ();

  return g_build_filename (dir, "pending.json", NULL);
}

/**
 * deck_pending_new:
 * @path: (nullable): the file, or %NULL for deck_pending_default_path()
 *
 * Returns: (transfer full): pending changes with nothing staged and
 *   nothing read; deck_pending_load() reads the file
 */
DeckPending *
deck_pending_new (const char *path)
{
  return g_object_new (DECK_TYPE_PENDING, "path", path, NULL);
}

/**
 * deck_pending_open:
 * @path: (nullable): the file, or %NULL for deck_pending_default_path()
 * @error: return location for what deck_pending_load() found
 *
 * Loads the pending changes and keeps them in step with the file
 * (deck_pending_set_autosave()): what the window uses.
 *
 * Returns: (transfer full): the pending changes, never %NULL
 */
DeckPending *
deck_pending_open (const char  *path,
                   GError     **error)
{
  g_autoptr(DeckPending) self = deck_pending_new (path);

  deck_pending_load (self, error);
  deck_pending_set_autosave (self, TRUE);
  return g_steal_pointer (&self);
}

const char *
deck_pending_get_path (DeckPending *self)
{
  g_return_val_if_fail (DECK_IS_PENDING (self), NULL);
  return self->path;
}

/**
 * deck_pending_get_changes:
 * @self: pending changes
 *
 * Returns: (transfer none): the change set, staged into by the grid and
 *   the command line
 */
DeckChangeSet *
deck_pending_get_changes (DeckPending *self)
{
  g_return_val_if_fail (DECK_IS_PENDING (self), NULL);
  return self->changes;
}
