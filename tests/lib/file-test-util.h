/* file-test-util.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the tests of the app's files share: writing and reading files,
 * listing what was set aside beside one, hostile contents, and a file the
 * test process cannot read even as root.
 */

#pragma once

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

G_BEGIN_DECLS

void
file_test_write (const char *path,
                 const char *contents,
                 gssize      length);

char *
file_test_read (const char *path,
                gsize      *length);

/* The files beside @path named "BASENAME.TAG…", sorted. */
GPtrArray *
file_test_list_siblings (const char *path,
                         const char *tag);

guint
file_test_count_siblings (const char *path,
                          const char *tag);

/* Hostile contents, each of which must be set aside (or refused) without a
 * crash or a critical warning. */
typedef struct
{
  const char *name;
  char       *data;
  gsize       length;
} FileTestHostile;

void
file_test_hostile_clear (FileTestHostile *hostile);

/* ~150 KB of "[": json-glib alone would recurse until the stack
 * overflows. */
FileTestHostile
file_test_hostile_nested (void);

/* A valid-looking file of @max_size + 1 bytes: one long string. */
FileTestHostile
file_test_hostile_too_large (gsize max_size);

/* Latin-1 where UTF-8 belongs. */
FileTestHostile
file_test_hostile_not_utf8 (void);

/* Capabilities are per thread: dropping them in the calling thread makes
 * the file unreadable to the reads that thread makes, even as root. */
void
file_test_set_dac_override (gboolean on);

/* Makes @path unreadable (EACCES) for reads of the calling thread. */
void
file_test_deny_read (const char *path);

void
file_test_allow_read (const char *path);

G_END_DECLS
