/* deck-file-io.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The file system calls under DeckJsonFile (deck-json-file.c): a read that
 * never takes more than a bound and never waits on a FIFO, an atomic
 * replace with its fsyncs, an append of whole lines, a rename aside that
 * takes no name already there, and a lock that waits a bounded time. Each
 * says what happened in the DECK_JSON_FILE_ERROR domain, and each read
 * gives a stamp that tells the state of the file apart from any other.
 */

#define G_LOG_DOMAIN "deck-json-file"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "deck-file-io.h"
#include "deck-json-file.h"

/* Stamps: what the file was when it was looked at. Two looks that give the
 * same stamp saw the same thing. */

char *
deck_file_stamp_for_data (const char *data,
                          gsize       length)
{
  g_autofree char *digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                         (const guchar *) data, length);

  return g_strconcat ("sha256:", digest, NULL);
}

static char *
stamp_for_stat (const char     *kind,
                const GStatBuf *buf)
{
  return g_strdup_printf ("%s:%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT ":%" G_GINT64_FORMAT
                          ":%" G_GINT64_FORMAT ".%09ld",
                          kind, (guint64) buf->st_dev, (guint64) buf->st_ino,
                          (gint64) buf->st_size, (gint64) buf->st_mtim.tv_sec,
                          buf->st_mtim.tv_nsec);
}

/* Reading */

static gboolean
read_all (int     fd,
          char   *buffer,
          gsize   wanted,
          gsize  *got,
          int    *saved_errno)
{
  gsize total = 0;

  while (total < wanted)
    {
      gssize n = read (fd, buffer + total, wanted - total);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          *saved_errno = errno;
          return FALSE;
        }
      if (n == 0)
        break;
      total += (gsize) n;
    }
  *got = total;
  return TRUE;
}

void
deck_file_set_io_error (GError     **error,
                        const char  *path,
                        int          saved_errno)
{
  g_set_error (error, DECK_JSON_FILE_ERROR, DECK_JSON_FILE_ERROR_IO,
               /* TRANSLATORS: a file name, then why (from the system) */
               _("%s: %s"), path, g_strerror (saved_errno));
}

static void
set_too_large (GError **error,
               gsize    max_size)
{
  g_autofree char *size = g_format_size_full (max_size, G_FORMAT_SIZE_IEC_UNITS);

  g_set_error (error, DECK_JSON_FILE_ERROR, DECK_JSON_FILE_ERROR_CORRUPT,
               _("it is larger than %s"), size);
}

/**
 * deck_file_read_bounded: (skip)
 *
 * Reads at most @max_size bytes. Returns NULL without an error when there
 * is no file. Always sets @stamp. With @skipped, a longer file is read from
 * its end: *skipped is the number of bytes left out before it; without, a
 * longer file is CORRUPT and nothing of it is read.
 */
GBytes *
deck_file_read_bounded (const char  *path,
                        gsize        max_size,
                        gsize       *skipped,
                        char       **stamp,
                        GError     **error)
{
  g_autofree char *buffer = NULL;
  GStatBuf buf;
  gsize wanted, got = 0;
  int saved_errno = 0;
  int fd;

  if (skipped != NULL)
    *skipped = 0;

  /* O_NONBLOCK: a FIFO in place of the file must not hang the app. */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0);
  if (fd < 0)
    {
      saved_errno = errno;
      if (saved_errno == ENOENT)
        {
          *stamp = g_strdup ("missing");
          return NULL;
        }
      *stamp = g_strdup_printf ("error:%d", saved_errno);
      deck_file_set_io_error (error, path, saved_errno);
      return NULL;
    }

  if (fstat (fd, &buf) != 0)
    {
      saved_errno = errno;
      close (fd);
      *stamp = g_strdup_printf ("error:%d", saved_errno);
      deck_file_set_io_error (error, path, saved_errno);
      return NULL;
    }
  if (!S_ISREG (buf.st_mode))
    {
      close (fd);
      *stamp = stamp_for_stat ("special", &buf);
      if (S_ISDIR (buf.st_mode))
        deck_file_set_io_error (error, path, EISDIR);
      else
        g_set_error (error, DECK_JSON_FILE_ERROR, DECK_JSON_FILE_ERROR_IO,
                     _("%s: not a regular file"), path);
      return NULL;
    }

  if ((guint64) buf.st_size > max_size)
    {
      if (skipped == NULL)
        {
          close (fd);
          *stamp = stamp_for_stat ("large", &buf);
          set_too_large (error, max_size);
          return NULL;
        }
      if (lseek (fd, (off_t) (buf.st_size - (off_t) max_size), SEEK_SET) < 0)
        {
          saved_errno = errno;
          close (fd);
          *stamp = g_strdup_printf ("error:%d", saved_errno);
          deck_file_set_io_error (error, path, saved_errno);
          return NULL;
        }
      *skipped = (gsize) buf.st_size - max_size;
    }

  /* One byte more than allowed: a file that grew since fstat() is still
   * caught. */
  wanted = max_size + 1;
  buffer = g_malloc (MIN (wanted, (gsize) buf.st_size + 1));
  if (!read_all (fd, buffer, MIN (wanted, (gsize) buf.st_size + 1), &got, &saved_errno))
    {
      close (fd);
      *stamp = g_strdup_printf ("error:%d", saved_errno);
      deck_file_set_io_error (error, path, saved_errno);
      return NULL;
    }
  close (fd);

  if (got > max_size)
    {
      *stamp = stamp_for_stat ("large", &buf);
      set_too_large (error, max_size);
      return NULL;
    }

  *stamp = deck_file_stamp_for_data (buffer, got);
  return g_bytes_new_take (g_steal_pointer (&buffer), got);
}

/* Makes the folder of @path, 0700. */
gboolean
deck_file_make_directory (const char  *path,
                          GError     **error)
{
  g_autofree char *directory = g_path_get_dirname (path);

  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      int saved_errno = errno;

      deck_file_set_io_error (error, directory, saved_errno);
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        length,
           int         *saved_errno)
{
  while (length > 0)
    {
      gssize n = write (fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          *saved_errno = errno;
          return FALSE;
        }
      data += n;
      length -= (gsize) n;
    }
  return TRUE;
}

void
deck_file_sync_directory (const char *path)
{
  g_autofree char *directory = g_path_get_dirname (path);
  int fd = g_open (directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  /* The rename is durable once the folder is on disk too. A file system
   * that cannot sync a folder still did the rename. */
  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

/**
 * deck_file_replace: (skip)
 *
 * Replaces @path atomically with @data: a temporary file beside it (mode
 * 0600), written and flushed to disk, renamed over @path, the folder
 * flushed. A failure leaves the old file and no temporary one.
 */
gboolean
deck_file_replace (const char  *path,
                   const char  *data,
                   gsize        length,
                   GError     **error)
{
  g_autofree char *temp = NULL;
  int saved_errno = 0;
  int fd;

  if (!deck_file_make_directory (path, error))
    return FALSE;

  temp = g_strconcat (path, ".XXXXXX", NULL);
  fd = g_mkstemp_full (temp, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      deck_file_set_io_error (error, temp, errno);
      return FALSE;
    }

  if (!write_all (fd, data, length, &saved_errno) ||
      (fsync (fd) != 0 && (saved_errno = errno) != 0))
    {
      close (fd);
      g_unlink (temp);
      deck_file_set_io_error (error, path, saved_errno);
      return FALSE;
    }
  if (close (fd) != 0)
    {
      saved_errno = errno;
      g_unlink (temp);
      deck_file_set_io_error (error, path, saved_errno);
      return FALSE;
    }
  if (g_rename (temp, path) != 0)
    {
      saved_errno = errno;
      g_unlink (temp);
      deck_file_set_io_error (error, path, saved_errno);
      return FALSE;
    }
  deck_file_sync_directory (path);
  return TRUE;
}

/**
 * deck_file_append: (skip)
 *
 * Appends @data with one write, flushed to disk; @path is made 0600 when
 * missing.
 */
gboolean
deck_file_append (const char  *path,
                  const char  *data,
                  gsize        length,
                  GError     **error)
{
  int saved_errno = 0;
  int fd;

  if (!deck_file_make_directory (path, error))
    return FALSE;

  fd = g_open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0600);
  if (fd < 0)
    {
      deck_file_set_io_error (error, path, errno);
      return FALSE;
    }
  if (!write_all (fd, data, length, &saved_errno) ||
      (fsync (fd) != 0 && (saved_errno = errno) != 0))
    {
      close (fd);
      deck_file_set_io_error (error, path, saved_errno);
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/**
 * deck_file_move_aside: (skip)
 *
 * Renames @path to "PATH.TAG-YYYYMMDD-HHMMSS", with "-N" when that name is
 * taken, and returns the new name.
 */
char *
deck_file_move_aside (const char  *path,
                      const char  *tag,
                      GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *time_text = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *base = g_strdup_printf ("%s.%s-%s", path, tag, time_text);
  g_autofree char *target = g_strdup (base);
  GStatBuf buf;

  /* lstat, not g_file_test: a dangling symlink is a taken name too. */
  for (guint n = 1; g_lstat (target, &buf) == 0; n++)
    {
      g_free (target);
      target = g_strdup_printf ("%s-%u", base, n);
    }

  if (g_rename (path, target) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, DECK_JSON_FILE_ERROR, DECK_JSON_FILE_ERROR_IO,
                   _("%s could not be moved to %s: %s"),
                   path, target, g_strerror (saved_errno));
      return NULL;
    }
  deck_file_sync_directory (path);
  return g_steal_pointer (&target);
}

/**
 * deck_file_lock: (skip)
 *
 * Opens (makes) @lock_path and takes an exclusive flock on it, waiting at
 * most @timeout_ms: %DECK_JSON_FILE_ERROR_BUSY then, naming @path.
 *
 * Returns: the locked descriptor, for deck_file_unlock(), or -1
 */
int
deck_file_lock (const char  *lock_path,
                const char  *path,
                guint        timeout_ms,
                GError     **error)
{
  gint64 deadline;
  int fd;

  if (!deck_file_make_directory (lock_path, error))
    return -1;
  fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
  if (fd < 0)
    {
      deck_file_set_io_error (error, lock_path, errno);
      return -1;
    }

  /* Polled rather than blocking, so that a process that never lets go is
   * reported instead of freezing this one. */
  deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;
  while (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == EINTR)
        continue;
      if (saved_errno != EWOULDBLOCK || g_get_monotonic_time () >= deadline)
        {
          close (fd);
          if (saved_errno == EWOULDBLOCK)
            g_set_error (error, DECK_JSON_FILE_ERROR, DECK_JSON_FILE_ERROR_BUSY,
                         _("another Clusterdeck process has been changing %s for more than "
                           "%u seconds"),
                         path, timeout_ms / 1000);
          else
            deck_file_set_io_error (error, lock_path, saved_errno);
          return -1;
        }
      g_usleep (5 * G_TIME_SPAN_MILLISECOND);
    }
  return fd;
}

void
deck_file_unlock (int fd)
{
  flock (fd, LOCK_UN);
  close (fd);
}
