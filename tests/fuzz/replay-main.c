/* replay-main.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The driver of a fuzz target in a build without libFuzzer (gcc, the
 * everyday build): runs LLVMFuzzerTestOneInput() once on every file given,
 * or on every file of every directory given, so that the committed corpus
 * and the crash regressions are replayed by every test run. Prints TAP.
 */

#include <glib.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static guint n_run;

static void
replay_file (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      g_printerr ("%s\n", error->message);
      g_assert_not_reached ();
    }
  /* A copy of exactly @length bytes, so that ASan sees a read past the end. */
  {
    g_autofree guint8 *copy = g_memdup2 (contents, length);

    LLVMFuzzerTestOneInput (copy, length);
  }
  n_run++;
}

static void
replay (gconstpointer data)
{
  const char *path = data;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      g_assert_nonnull (dir);
      while ((name = g_dir_read_name (dir)) != NULL)
        g_ptr_array_add (names, g_build_filename (path, name, NULL));
      g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
      for (guint i = 0; i < names->len; i++)
        if (g_file_test (g_ptr_array_index (names, i), G_FILE_TEST_IS_REGULAR))
          replay_file (g_ptr_array_index (names, i));
    }
  else
    {
      replay_file (path);
    }
  g_test_message ("%u input(s) replayed from %s", n_run, path);
  g_assert_cmpuint (n_run, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  for (int i = 1; i < argc; i++)
    {
      g_autofree char *base = g_path_get_basename (argv[i]);
      g_autofree char *name = g_strdup_printf ("/fuzz/replay/%s", base);

      g_test_add_data_func (name, argv[i], replay);
    }
  return g_test_run ();
}
