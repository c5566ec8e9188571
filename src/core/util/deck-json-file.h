/* deck-json-file.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DECK_JSON_FILE_ERROR (deck_json_file_error_quark ())

/**
 * DeckJsonFileError:
 * @DECK_JSON_FILE_ERROR_CORRUPT: not a file of this format: larger than the
 *   limit, nested too deep, not UTF-8, not JSON, not an object, or without a
 *   format version; the message says which (a fragment, for the caller's
 *   sentence)
 * @DECK_JSON_FILE_ERROR_NEWER: written by a newer Clusterdeck: to be read
 *   only, never written or moved
 * @DECK_JSON_FILE_ERROR_IO: the file, its folder or its lock could not be
 *   read, created, moved or written
 * @DECK_JSON_FILE_ERROR_CHANGED: the file is no longer what was read: read
 *   it again
 * @DECK_JSON_FILE_ERROR_BUSY: another process held the lock for longer than
 *   %DECK_JSON_FILE_LOCK_TIMEOUT_MS
 */
typedef enum
{
  DECK_JSON_FILE_ERROR_CORRUPT,
  DECK_JSON_FILE_ERROR_NEWER,
  DECK_JSON_FILE_ERROR_IO,
  DECK_JSON_FILE_ERROR_CHANGED,
  DECK_JSON_FILE_ERROR_BUSY,
} DeckJsonFileError;

/* Writers hold the lock for one read, one edit and one write: milliseconds.
 * Waiting longer means something is wrong, and the caller is told. */
#define DECK_JSON_FILE_LOCK_TIMEOUT_MS 5000

#define DECK_TYPE_JSON_FILE (deck_json_file_get_type ())

G_DECLARE_FINAL_TYPE (DeckJsonFile, deck_json_file, DECK, JSON_FILE, GObject)

GQuark        deck_json_file_error_quark        (void);

DeckJsonFile *deck_json_file_new                (const char    *path,
                                                 gint64         format_version,
                                                 gsize          max_size);
const char   *deck_json_file_get_path           (DeckJsonFile  *self);

/* The parse of deck_json_file_read() on bytes already read */
gboolean      deck_json_file_parse_data         (const char    *data,
                                                 gsize          length,
                                                 gint64         format_version,
                                                 gsize          max_size,
                                                 JsonNode     **root,
                                                 gint64        *version,
                                                 GError       **error);

/* Reading. Thread-safe: a worker thread may read while the owner's thread
 * goes on; nothing the object remembers changes until deck_json_file_accept(). */
gboolean      deck_json_file_read               (DeckJsonFile  *self,
                                                 JsonNode     **root,
                                                 gint64        *version,
                                                 char         **stamp,
                                                 GError       **error);
GBytes       *deck_json_file_read_bytes         (DeckJsonFile  *self,
                                                 gsize          max_size,
                                                 gsize         *skipped,
                                                 char         **stamp,
                                                 GError       **error);
void          deck_json_file_accept             (DeckJsonFile  *self,
                                                 const char    *stamp);
gboolean      deck_json_file_has_changed        (DeckJsonFile  *self);

/* Writing, always under the lock */
gboolean      deck_json_file_lock               (DeckJsonFile  *self,
                                                 GError       **error);
void          deck_json_file_unlock             (DeckJsonFile  *self);
gboolean      deck_json_file_write              (DeckJsonFile  *self,
                                                 JsonNode      *root,
                                                 GError       **error);
gboolean      deck_json_file_write_data         (DeckJsonFile  *self,
                                                 const char    *data,
                                                 gsize          length,
                                                 GError       **error);
gboolean      deck_json_file_append_data        (DeckJsonFile  *self,
                                                 const char    *data,
                                                 gsize          length,
                                                 GError       **error);
char         *deck_json_file_set_aside          (DeckJsonFile  *self,
                                                 const char    *stamp,
                                                 const char    *tag,
                                                 GError       **error);

/* Watching: emits DeckJsonFile::changed when another process changed the
 * file (or it appeared, went, or became readable or unreadable). */
void          deck_json_file_set_watched        (DeckJsonFile  *self,
                                                 gboolean       watched);
gboolean      deck_json_file_get_watched        (DeckJsonFile  *self);

G_END_DECLS
