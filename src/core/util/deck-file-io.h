/* deck-file-io.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The file system calls under DeckJsonFile; nothing else uses them.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *deck_file_stamp_for_data  (const char  *data,
                                     gsize        length);
GBytes   *deck_file_read_bounded    (const char  *path,
                                     gsize        max_size,
                                     gsize       *skipped,
                                     char       **stamp,
                                     GError     **error);
gboolean  deck_file_make_directory  (const char  *path,
                                     GError     **error);
gboolean  deck_file_replace         (const char  *path,
                                     const char  *data,
                                     gsize        length,
                                     GError     **error);
gboolean  deck_file_append          (const char  *path,
                                     const char  *data,
                                     gsize        length,
                                     GError     **error);
char     *deck_file_move_aside      (const char  *path,
                                     const char  *tag,
                                     GError     **error);
void      deck_file_sync_directory  (const char  *path);
void      deck_file_set_io_error    (GError     **error,
                                     const char  *path,
                                     int          saved_errno);
int       deck_file_lock            (const char  *lock_path,
                                     const char  *path,
                                     guint        timeout_ms,
                                     GError     **error);
void      deck_file_unlock          (int          fd);

G_END_DECLS
