/* deck-json-file.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one way the app reads and writes its own files (organizations.json,
 * pending.json, history.jsonl): a file is the user's data, and several
 * Clusterdeck processes (the window, clusterdeck-cli, an older or a newer
 * version) may use it at once.
 *
 * - Reading is bounded: never more than the size limit is read, and the
 *   bytes go through hdb_json_parse() (size, depth, UTF-8) before json-glib
 *   sees them. A file that is not a regular file (a folder, a FIFO) is an
 *   I/O error, never a wait.
 * - Every file carries a format version. One newer than this build knows is
 *   reported as DECK_JSON_FILE_ERROR_NEWER, with its content for callers
 *   that want to show it: it is never written over nor moved, so that an
 *   older clusterdeck-cli cannot spoil what a newer window wrote.
 * - A file that cannot be understood is set aside, renamed with a time
 *   stamp, and only when it is still the file that was judged: a writer
 *   that replaced it meanwhile wins.
 * - Writes are atomic: a temporary file in the same folder, flushed to
 *   disk, renamed over the old one, and the folder flushed too; 0600 in a
 *   folder created 0700. A crash leaves the old file or the new one.
 * - Load, edit and save happen under an advisory lock (flock on a hidden
 *   lock file beside the file), and a stamp of what was last read or
 *   written tells whether another process changed the file since: the
 *   owner reads it again and applies its edit to the fresh content instead
 *   of saving blind.
 * - Watching: a GFileMonitor on the file; DeckJsonFile::changed is emitted
 *   when the file is no longer what its owner last accepted.
 *
 * The system calls themselves are in deck-file-io.c.
 */

#define G_LOG_DOMAIN "deck-json-file"

#include "config.h"

#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "deck-file-io.h"
#include "deck-json-file.h"
#include "hdb-json.h"

/* Events of one write (a temporary file created, written, renamed) come
 * together: one look after they settled. */
#define WATCH_SETTLE_MS 50

struct _DeckJsonFile
{
  GObject       parent_instance;

  char         *path;
  char         *lock_path;
  gint64        format_version;
  gsize         max_size;

  GMutex        mutex;        /* guards known */
  char         *known;        /* the stamp of what the owner last accepted */

  GRecMutex     lock_mutex;   /* held with the file lock: threads of this process */
  int           lock_fd;
  guint         lock_depth;

  GFileMonitor *monitor;
  GSource      *settle;
};

G_DEFINE_FINAL_TYPE (DeckJsonFile, deck_json_file, G_TYPE_OBJECT)

G_DEFINE_QUARK (deck-json-file-error-quark, deck_json_file_error)

enum {
  PROP_0,
  PROP_PATH,
  PROP_FORMAT_VERSION,
  PROP_MAX_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/**
 * deck_json_file_parse_data:
 * @data: (array length=length): a file's content
 * @length: its length
 * @format_version: the newest format the caller reads
 * @max_size: the largest content it accepts
 * @root: (out) (transfer full) (nullable): the JSON object
 * @version: (out) (optional): its format version
 * @error: return location for %DECK_JSON_FILE_ERROR_CORRUPT or
 *   %DECK_JSON_FILE_ERROR_NEWER
 *
 * What deck_json_file_read() does with the bytes it read: hdb_json_parse()
 * (size, depth, UTF-8), then an object with an integral "version" of at
 * least 1, newer ones reported with @root set. No file involved: for the
 * format parsers' tests and fuzz targets.
 *
 * Returns: %TRUE when @root is usable
 */
gboolean
deck_json_file_parse_data (const char  *data,
                           gsize        length,
                           gint64       format_version,
                           gsize        max_size,
                           JsonNode   **root,
                           gint64      *version,
                           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) parsed = NULL;
  JsonNode *member;
  gint64 number;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (root != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *root = NULL;
  if (version != NULL)
    *version = 0;

  parsed = hdb_json_parse (data != NULL ? data : "", length, max_size, &local_error);
  if (parsed == NULL)
    {
      g_set_error_literal (error, DECK_JSON_FILE_ERROR, DECK_JSON_FILE_ERROR_CORRUPT,
                           local_error->message);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (parsed))
    {
      g_set_error_literal (error, DECK_JSON_FILE_ERROR, DECK_JSON_FILE_ERROR_CORRUPT,
                           _("it does not hold a JSON object"));
      return FALSE;
    }

  /* An integer, not 1.0 or "1": this app always wrote a plain integer. */
  member = hdb_json_get_member (json_node_get_object (parsed), "version");
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_INT64 ||
      !hdb_json_get_int (json_node_get_object (parsed), "version", 1, G_MAXINT64, &number))
    {
      g_set_error_literal (error, DECK_JSON_FILE_ERROR, DECK_JSON_FILE_ERROR_CORRUPT,
                           _("its format version is missing"));
      return FALSE;
    }

  if (version != NULL)
    *version = number;
  *root = g_steal_pointer (&parsed);

  if (number > format_version)
    {
      /* The number goes in as a string: xgettext cannot read
       * G_GINT64_FORMAT inside a translatable string. */
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, number);

      g_set_error (error, DECK_JSON_FILE_ERROR, DECK_JSON_FILE_ERROR_NEWER,
                   _("format %s"), text);
      return FALSE;
    }
  return TRUE;
}

/**
 * deck_json_file_read_bytes:
 * @self: a file
 * @max_size: the most to read
 * @skipped: (out) (optional): with it, a larger file is read from its end
 *   and this says how many bytes came before; without it, a larger file is
 *   %DECK_JSON_FILE_ERROR_CORRUPT
 * @stamp: (out) (transfer full): what the file was, for
 *   deck_json_file_accept(); set on errors too
 * @error: return location for a #DECK_JSON_FILE_ERROR
 *
 * The bytes of the file, for a format that is not one JSON document (the
 * history's JSON Lines). Thread-safe.
 *
 * Returns: (transfer full) (nullable): the bytes; %NULL without an error
 *   when there is no file
 */
GBytes *
deck_json_file_read_bytes (DeckJsonFile  *self,
                           gsize          max_size,
                           gsize         *skipped,
                           char         **stamp,
                           GError       **error)
{
  g_return_val_if_fail (DECK_IS_JSON_FILE (self), NULL);
  g_return_val_if_fail (stamp != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return deck_file_read_bounded (self->path, max_size, skipped, stamp, error);
}

/**
 * deck_json_file_read:
 * @self: a file
 * @root: (out) (transfer full) (nullable): the file's JSON object; %NULL
 *   when there is no file
 * @version: (out) (optional): its format version; 0 when there is no file
 * @stamp: (out) (transfer full): what the file was, to give to
 *   deck_json_file_accept() once the content is in use, or to
 *   deck_json_file_set_aside(); set on errors too
 * @error: return location for a #DECK_JSON_FILE_ERROR
 *
 * Reads at most the size limit and parses it (deck_json_file_parse_data():
 * a newer format is %DECK_JSON_FILE_ERROR_NEWER with @root set, for a
 * caller that shows it read-only; anything else wrong is
 * %DECK_JSON_FILE_ERROR_CORRUPT, a message fragment saying why), or fails
 * with %DECK_JSON_FILE_ERROR_IO. Nothing changes on disk or in @self.
 * Thread-safe.
 *
 * Returns: %TRUE when @root is usable (or there is no file)
 */
gboolean
deck_json_file_read (DeckJsonFile  *self,
                     JsonNode     **root,
                     gint64        *version,
                     char         **stamp,
                     GError       **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *data;
  gsize length;

  g_return_val_if_fail (DECK_IS_JSON_FILE (self), FALSE);
  g_return_val_if_fail (root != NULL && stamp != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *root = NULL;
  if (version != NULL)
    *version = 0;

  bytes = deck_file_read_bounded (self->path, self->max_size, NULL, stamp, &local_error);
  if (bytes == NULL)
    {
      if (local_error == NULL)
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  data = g_bytes_get_data (bytes, &length);
  return deck_json_file_parse_data (data != NULL ? data : "", length, self->format_version,
                                    self->max_size, root, version, error);
}

/**
 * deck_json_file_accept:
 * @self: a file
 * @stamp: (nullable): a stamp from a read, or %NULL for "unknown"
 *
 * Records that the owner now holds what the file was at @stamp: from then
 * on deck_json_file_has_changed() and DeckJsonFile::changed compare with
 * it. A write records its own stamp.
 */
void
deck_json_file_accept (DeckJsonFile *self,
                       const char   *stamp)
{
  g_return_if_fail (DECK_IS_JSON_FILE (self));

  g_mutex_lock (&self->mutex);
  g_free (self->known);
  self->known = g_strdup (stamp);
  g_mutex_unlock (&self->mutex);
}

static char *
dup_known (DeckJsonFile *self)
{
  char *known;

  g_mutex_lock (&self->mutex);
  known = g_strdup (self->known);
  g_mutex_unlock (&self->mutex);
  return known;
}

static char *
current_stamp (DeckJsonFile *self)
{
  g_autoptr(GBytes) bytes = NULL;
  char *stamp = NULL;

  bytes = deck_file_read_bounded (self->path, self->max_size, NULL, &stamp, NULL);
  return stamp;
}

/**
 * deck_json_file_has_changed:
 * @self: a file
 *
 * Reads the file (bounded) and compares it with what the owner last
 * accepted or wrote.
 *
 * Returns: %TRUE when the file is not what the owner holds (or the owner
 *   never accepted anything)
 */
gboolean
deck_json_file_has_changed (DeckJsonFile *self)
{
  g_autofree char *known = NULL;
  g_autofree char *now = NULL;

  g_return_val_if_fail (DECK_IS_JSON_FILE (self), TRUE);

  known = dup_known (self);
  now = current_stamp (self);
  return known == NULL || g_strcmp0 (known, now) != 0;
}

/* Locking */

/**
 * deck_json_file_lock:
 * @self: a file
 * @error: return location for %DECK_JSON_FILE_ERROR_IO or
 *   %DECK_JSON_FILE_ERROR_BUSY
 *
 * Takes the advisory lock that every Clusterdeck process takes around a
 * load, edit and save of this file (flock on ".NAME.lock" beside it, made
 * with the folder when missing). Waits at most
 * %DECK_JSON_FILE_LOCK_TIMEOUT_MS. Nests: each successful call needs one
 * deck_json_file_unlock().
 *
 * Returns: %TRUE when the lock is held
 */
gboolean
deck_json_file_lock (DeckJsonFile  *self,
                     GError       **error)
{
  int fd;

  g_return_val_if_fail (DECK_IS_JSON_FILE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_rec_mutex_lock (&self->lock_mutex);
  if (self->lock_depth > 0)
    {
      self->lock_depth++;
      return TRUE;
    }

  fd = deck_file_lock (self->lock_path, self->path, DECK_JSON_FILE_LOCK_TIMEOUT_MS, error);
  if (fd < 0)
    {
      g_rec_mutex_unlock (&self->lock_mutex);
      return FALSE;
    }
  self->lock_fd = fd;
  self->lock_depth = 1;
  return TRUE;
}

/**
 * deck_json_file_unlock:
 * @self: a file locked by deck_json_file_lock()
 */
void
deck_json_file_unlock (DeckJsonFile *self)
{
  g_return_if_fail (DECK_IS_JSON_FILE (self));
  g_return_if_fail (self->lock_depth > 0);

  if (--self->lock_depth == 0)
    {
      deck_file_unlock (self->lock_fd);
      self->lock_fd = -1;
    }
  g_rec_mutex_unlock (&self->lock_mutex);
}

/* Writing */

/**
 * deck_json_file_write_data:
 * @self: a file, locked
 * @data: (array length=length): the new content
 * @length: its length
 * @error: return location for a %DECK_JSON_FILE_ERROR_IO
 *
 * Replaces the file atomically: a temporary file beside it (mode 0600),
 * written and flushed to disk, renamed over the file, the folder flushed.
 * A failure leaves the old file and no temporary one.
 *
 * Returns: %TRUE when the file holds @data
 */
gboolean
deck_json_file_write_data (DeckJsonFile  *self,
                           const char    *data,
                           gsize          length,
                           GError       **error)
{
  g_return_val_if_fail (DECK_IS_JSON_FILE (self), FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (self->lock_depth > 0, FALSE);

  if (!deck_file_replace (self->path, data != NULL ? data : "", length, error))
    return FALSE;

  g_mutex_lock (&self->mutex);
  g_free (self->known);
  self->known = deck_file_stamp_for_data (data != NULL ? data : "", length);
  g_mutex_unlock (&self->mutex);
  return TRUE;
}

/**
 * deck_json_file_write:
 * @self: a file, locked
 * @root: a JSON object; its "version" member is set to the format version
 * @error: return location for a %DECK_JSON_FILE_ERROR_IO
 *
 * Writes @root pretty-printed (for the admin who reads it), atomically as
 * deck_json_file_write_data() does.
 *
 * Returns: %TRUE when written
 */
gboolean
deck_json_file_write (DeckJsonFile  *self,
                      JsonNode      *root,
                      GError       **error)
{
  g_autoptr(JsonGenerator) generator = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;

  g_return_val_if_fail (DECK_IS_JSON_FILE (self), FALSE);
  g_return_val_if_fail (root != NULL && JSON_NODE_HOLDS_OBJECT (root), FALSE);

  json_object_set_int_member (json_node_get_object (root), "version", self->format_version);

  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, &length);

  return deck_json_file_write_data (self, data, length, error);
}

/**
 * deck_json_file_append_data:
 * @self: a file, locked
 * @data: (array length=length): whole lines
 * @length: their length
 * @error: return location for a %DECK_JSON_FILE_ERROR_IO
 *
 * Appends with one write, flushed to disk (the file is made 0600 when
 * missing), for a file of lines where a crash may cost the last line only.
 * The owner's stamp is forgotten.
 *
 * Returns: %TRUE when appended
 */
gboolean
deck_json_file_append_data (DeckJsonFile  *self,
                            const char    *data,
                            gsize          length,
                            GError       **error)
{
  g_return_val_if_fail (DECK_IS_JSON_FILE (self), FALSE);
  g_return_val_if_fail (self->lock_depth > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!deck_file_append (self->path, data, length, error))
    return FALSE;
  deck_json_file_accept (self, NULL);
  return TRUE;
}

/**
 * deck_json_file_set_aside:
 * @self: a file
 * @stamp: the stamp of the read that found the file unusable
 * @tag: a word for the new name, e.g. "corrupt"
 * @error: return location for a #DECK_JSON_FILE_ERROR
 *
 * Renames the file to "NAME.TAG-YYYYMMDD-HHMMSS" (with "-N" when that is
 * taken), under the lock, and only when it is still what the read found:
 * %DECK_JSON_FILE_ERROR_CHANGED otherwise (another process wrote it since;
 * read it again).
 *
 * Returns: (transfer full) (nullable): the new name
 */
char *
deck_json_file_set_aside (DeckJsonFile  *self,
                          const char    *stamp,
                          const char    *tag,
                          GError       **error)
{
  g_autofree char *current = NULL;
  char *target;

  g_return_val_if_fail (DECK_IS_JSON_FILE (self), NULL);
  g_return_val_if_fail (stamp != NULL && tag != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!deck_json_file_lock (self, error))
    return NULL;

  current = current_stamp (self);
  if (g_strcmp0 (current, stamp) != 0)
    {
      deck_json_file_unlock (self);
      g_set_error (error, DECK_JSON_FILE_ERROR, DECK_JSON_FILE_ERROR_CHANGED,
                   _("%s changed while it was being read"), self->path);
      return NULL;
    }

  target = deck_file_move_aside (self->path, tag, error);
  if (target != NULL)
    deck_json_file_accept (self, "missing");
  deck_json_file_unlock (self);
  return target;
}

/* Watching */

static gboolean
settle_done_cb (gpointer user_data)
{
  DeckJsonFile *self = user_data;

  g_clear_pointer (&self->settle, g_source_unref);

  if (deck_json_file_has_changed (self))
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return G_SOURCE_REMOVE;
}

static void
monitor_changed_cb (GFileMonitor      *monitor,
                    GFile             *file,
                    GFile             *other_file,
                    GFileMonitorEvent  event,
                    DeckJsonFile      *self)
{
  if (self->settle != NULL)
    return;

  self->settle = g_timeout_source_new (WATCH_SETTLE_MS);
  g_source_set_callback (self->settle, settle_done_cb, self, NULL);
  g_source_set_static_name (self->settle, "[deck] json file settle");
  g_source_attach (self->settle, g_main_context_get_thread_default ());
}

static void
stop_watching (DeckJsonFile *self)
{
  if (self->settle != NULL)
    {
      g_source_destroy (self->settle);
      g_clear_pointer (&self->settle, g_source_unref);
    }
  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->monitor, monitor_changed_cb, self);
      g_file_monitor_cancel (self->monitor);
      g_clear_object (&self->monitor);
    }
}

/**
 * deck_json_file_set_watched:
 * @self: a file
 * @watched: whether to watch
 *
 * Watches the file for changes by other processes: DeckJsonFile::changed
 * is emitted (in the thread-default main context of this call, once the
 * events of a write settled) when the file is no longer what the owner
 * last accepted or wrote. The folder is made when missing, so that its
 * appearance is seen at once.
 */
void
deck_json_file_set_watched (DeckJsonFile *self,
                            gboolean      watched)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (DECK_IS_JSON_FILE (self));

  if (watched == (self->monitor != NULL))
    return;

  if (!watched)
    {
      stop_watching (self);
      return;
    }

  deck_file_make_directory (self->path, NULL);
  file = g_file_new_for_path (self->path);
  self->monitor = g_file_monitor_file (file, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  if (self->monitor == NULL)
    {
      /* Not fatal: the file still works, other processes' changes are
       * seen at the next edit. */
      g_debug ("%s cannot be watched: %s", self->path, error->message);
      return;
    }
  g_signal_connect (self->monitor, "changed", G_CALLBACK (monitor_changed_cb), self);
}

gboolean
deck_json_file_get_watched (DeckJsonFile *self)
{
  g_return_val_if_fail (DECK_IS_JSON_FILE (self), FALSE);
  return self->monitor != NULL;
}

/* GObject */

static void
deck_json_file_dispose (GObject *object)
{
  DeckJsonFile *self = DECK_JSON_FILE (object);

  stop_watching (self);

  G_OBJECT_CLASS (deck_json_file_parent_class)->dispose (object);
}

static void
deck_json_file_finalize (GObject *object)
{
  DeckJsonFile *self = DECK_JSON_FILE (object);

  if (self->lock_fd >= 0)
    close (self->lock_fd);
  g_free (self->path);
  g_free (self->lock_path);
  g_free (self->known);
  g_mutex_clear (&self->mutex);
  g_rec_mutex_clear (&self->lock_mutex);

  G_OBJECT_CLASS (deck_json_file_parent_class)->finalize (object);
}

static void
deck_json_file_constructed (GObject *object)
{
  DeckJsonFile *self = DECK_JSON_FILE (object);
  g_autofree char *directory = NULL;
  g_autofree char *base = NULL;
  g_autofree char *name = NULL;

  G_OBJECT_CLASS (deck_json_file_parent_class)->constructed (object);

  g_assert (self->path != NULL);
  directory = g_path_get_dirname (self->path);
  base = g_path_get_basename (self->path);
  /* Hidden, and not "NAME.…": the temporary files and the files set aside
   * are "NAME.…", and people look for those. */
  name = g_strconcat (".", base, ".lock", NULL);
  self->lock_path = g_build_filename (directory, name, NULL);
}

static void
deck_json_file_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  DeckJsonFile *self = DECK_JSON_FILE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_FORMAT_VERSION:
      g_value_set_int64 (value, self->format_version);
      break;
    case PROP_MAX_SIZE:
      g_value_set_uint64 (value, self->max_size);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_json_file_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  DeckJsonFile *self = DECK_JSON_FILE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;
    case PROP_FORMAT_VERSION:
      self->format_version = g_value_get_int64 (value);
      break;
    case PROP_MAX_SIZE:
      self->max_size = (gsize) g_value_get_uint64 (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_json_file_class_init (DeckJsonFileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = deck_json_file_dispose;
  object_class->finalize = deck_json_file_finalize;
  object_class->constructed = deck_json_file_constructed;
  object_class->get_property = deck_json_file_get_property;
  object_class->set_property = deck_json_file_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FORMAT_VERSION] =
    g_param_spec_int64 ("format-version", NULL, NULL, 1, G_MAXINT64, 1,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_SIZE] =
    g_param_spec_uint64 ("max-size", NULL, NULL, 1, G_MAXSSIZE, 1024 * 1024,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DeckJsonFile::changed:
   * @self: the file
   *
   * The file on disk is no longer what the owner last accepted or wrote:
   * another process wrote, moved, removed or fixed it. Emitted only while
   * watched.
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
deck_json_file_init (DeckJsonFile *self)
{
  g_mutex_init (&self->mutex);
  g_rec_mutex_init (&self->lock_mutex);
  self->lock_fd = -1;
}

/**
 * deck_json_file_new:
 * @path: the file
 * @format_version: the newest format this build reads and the one it writes
 * @max_size: the largest file it reads, in bytes
 *
 * Returns: (transfer full): an object for @path; nothing is read yet
 */
DeckJsonFile *
deck_json_file_new (const char *path,
                    gint64      format_version,
                    gsize       max_size)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_object_new (DECK_TYPE_JSON_FILE,
                       "path", path,
                       "format-version", format_version,
                       "max-size", (guint64) max_size,
                       NULL);
}

const char *
deck_json_file_get_path (DeckJsonFile *self)
{
  g_return_val_if_fail (DECK_IS_JSON_FILE (self), NULL);
  return self->path;
}
