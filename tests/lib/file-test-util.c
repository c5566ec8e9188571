/* file-test-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Files for the tests of the app's files (see file-test-util.h).
 */

#define G_LOG_DOMAIN "file-test-util"

#include "file-test-util.h"

void
file_test_write (const char *path,
                 const char *contents,
                 gssize      length)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
}

char *
file_test_read (const char *path,
                gsize      *length)
{
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, length, NULL))
    return NULL;
  return contents;
}

GPtrArray *
file_test_list_siblings (const char *path,
                         const char *tag)
{
  g_autofree char *dir_name = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *prefix = g_strdup_printf ("%s.%s", base, tag);
  g_autoptr(GDir) dir = g_dir_open (dir_name, 0, NULL);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_prefix (name, prefix))
        g_ptr_array_add (found, g_build_filename (dir_name, name, NULL));
    }
  g_ptr_array_sort (found, (GCompareFunc) g_strcmp0);
  return found;
}

guint
file_test_count_siblings (const char *path,
                          const char *tag)
{
  g_autoptr(GPtrArray) found = file_test_list_siblings (path, tag);

  return found->len;
}

void
file_test_hostile_clear (FileTestHostile *hostile)
{
  g_clear_pointer (&hostile->data, g_free);
}

FileTestHostile
file_test_hostile_nested (void)
{
  FileTestHostile hostile = { "nested 150 KB deep", NULL, 150 * 1024 };

  hostile.data = g_malloc (hostile.length + 1);
  memset (hostile.data, '[', hostile.length);
  hostile.data[hostile.length] = '\0';
  return hostile;
}

FileTestHostile
file_test_hostile_too_large (gsize max_size)
{
  FileTestHostile hostile = { "over the size limit", NULL, max_size + 1 };
  const char *head = "{\"version\": 1, \"padding\": \"";
  gsize head_length = strlen (head);

  hostile.data = g_malloc (hostile.length + 1);
  memcpy (hostile.data, head, head_length);
  memset (hostile.data + head_length, 'x', hostile.length - head_length - 2);
  memcpy (hostile.data + hostile.length - 2, "\"}", 2);
  hostile.data[hostile.length] = '\0';
  return hostile;
}

FileTestHostile
file_test_hostile_not_utf8 (void)
{
  static const char latin1[] = "{\"version\": 1, \"name\": \"Caf\xe9\"}";
  FileTestHostile hostile = { "not UTF-8", NULL, sizeof latin1 - 1 };

  hostile.data = g_memdup2 (latin1, sizeof latin1);
  return hostile;
}

void
file_test_set_dac_override (gboolean on)
{
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2];
  guint32 bits = (1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH);

  g_assert_cmpint (syscall (SYS_capget, &header, data), ==, 0);
  if (on)
    data[0].effective |= bits & data[0].permitted;
  else
    data[0].effective &= ~bits;
  g_assert_cmpint (syscall (SYS_capset, &header, data), ==, 0);
}

void
file_test_deny_read (const char *path)
{
  int fd;

  g_assert_cmpint (g_chmod (path, 0), ==, 0);
  if (geteuid () == 0)
    file_test_set_dac_override (FALSE);

  /* Checked, not assumed. */
  fd = g_open (path, O_RDONLY, 0);
  g_assert_cmpint (fd, ==, -1);
  g_assert_cmpint (errno, ==, EACCES);
}

void
file_test_allow_read (const char *path)
{
  if (geteuid () == 0)
    file_test_set_dac_override (TRUE);
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
}
