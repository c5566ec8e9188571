/* test-store-file.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DeckStore and organizations.json: files that are corrupt, hostile
 * (nested, too large, not UTF-8, members of the wrong type), newer (left
 * alone, read-only) or unreadable (EACCES even as root, a folder in its
 * place); a save that fails or is killed at any moment; the load in a
 * worker thread. Two writers: test-store-writers.c. Each test has its own
 * XDG_CONFIG_HOME (G_TEST_OPTION_ISOLATE_DIRS).
 */

#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/wait.h>

#include <json-glib/json-glib.h>

#include "store-test-util.h"
#include "test-util.h"

/* Bad files */

/* Loads @contents and checks that the file was set aside intact under a
 * name with @tag, the problem names it, and the store starts empty. */
static void
assert_set_aside (const char *contents,
                  int         code,
                  const char *tag)
{
  g_autoptr(DeckStore) store = NULL;
  g_autoptr(GError) problem = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *path = default_path ();
  g_autofree char *kept = NULL;
  g_autofree char *pattern = NULL;
  g_autofree char *base = NULL;
  const char *aside = NULL;

  file_test_write (path, contents, -1);
  before = file_test_list_siblings (path, tag);

  store = deck_store_new (NULL);
  g_assert_true (deck_store_load (store, &problem, &error));
  g_assert_no_error (error);
  g_assert_error (problem, DECK_STORE_ERROR, code);
  g_test_message ("%s", problem->message);
  g_assert_cmpuint (n_items (deck_store_get_organizations (store)), ==, 0);
  g_assert_nonnull (deck_store_get_load_problem (store));
  g_assert_error (deck_store_get_load_problem (store), DECK_STORE_ERROR, code);

  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  after = file_test_list_siblings (path, tag);
  g_assert_cmpuint (after->len, ==, before->len + 1);
  for (guint i = 0; i < after->len && aside == NULL; i++)
    {
      if (!g_ptr_array_find_with_equal_func (before, after->pdata[i], g_str_equal, NULL))
        aside = after->pdata[i];
    }
  g_assert_nonnull (aside);

  base = g_path_get_basename (aside);
  pattern = g_strdup_printf ("^organizations\\.json\\.%s-[0-9]{8}-[0-9]{6}(-[0-9]+)?$", tag);
  g_assert_true (g_regex_match_simple (pattern, base, 0, 0));

  kept = file_test_read (aside, NULL);
  g_assert_cmpstr (kept, ==, contents);
  g_assert_nonnull (strstr (problem->message, aside));

  /* A fresh file may be written now; the one set aside stays. */
  add_organization (store, "Fresh");
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&kept, g_free);
  kept = file_test_read (aside, NULL);
  g_assert_cmpstr (kept, ==, contents);

  /* Reset for the next case of the same test. */
  g_assert_cmpint (g_unlink (path), ==, 0);
}

static void
test_corrupt (void)
{
  const char *cases[] = {
    "garbage {",
    "",
    "[1, 2, 3]",
    "{\"version\": 1}",
    "{\"version\": \"1\", \"organizations\": []}",
    "{\"version\": 1.0, \"organizations\": []}",
    "{\"organizations\": []}",
    "{\"version\": 1, \"organizations\": {}}",
    "{\"version\": 1, \"organizations\": [42]}",
    "{\"version\": 1, \"organizations\": [{\"id\": \"o1\", \"name\": \"A\"}]}",
    "{\"version\": 1, \"organizations\": [{\"id\": \"\", \"name\": \"A\", \"instances\": []}]}",
    "{\"version\": 1, \"organizations\": [{\"id\": \"o1\", \"name\": \" \", \"instances\": []}]}",
    /* two organizations with the same id, or the same name */
    "{\"version\": 1, \"organizations\": ["
      "{\"id\": \"o1\", \"name\": \"A\", \"instances\": []},"
      "{\"id\": \"o1\", \"name\": \"B\", \"instances\": []}]}",
    "{\"version\": 1, \"organizations\": ["
      "{\"id\": \"o1\", \"name\": \"A\", \"instances\": []},"
      "{\"id\": \"o2\", \"name\": \"a\", \"instances\": []}]}",
    /* an invalid URL inside a valid-looking file */
    "{\"version\": 1, \"organizations\": [{\"id\": \"o1\", \"name\": \"A\", \"instances\": ["
      "{\"id\": \"i1\", \"name\": \"db1\", \"url\": \"https://db1:9925\", \"username\": \"u\"},"
      "{\"id\": \"i2\", \"name\": \"db2\", \"url\": \"ftp://db2\", \"username\": \"u\"}]}]}",
    "{\"version\": 1, \"organizations\": [{\"id\": \"o1\", \"name\": \"A\", \"instances\": ["
      "{\"id\": \"i1\", \"name\": \"db1\", \"url\": \"not a url\", \"username\": \"u\"}]}]}",
    /* an instance without a login, with a bad pin, with a slash, twice */
    "{\"version\": 1, \"organizations\": [{\"id\": \"o1\", \"name\": \"A\", \"instances\": ["
      "{\"id\": \"i1\", \"name\": \"db1\", \"url\": \"https://db1\"}]}]}",
    "{\"version\": 1, \"organizations\": [{\"id\": \"o1\", \"name\": \"A\", \"instances\": ["
      "{\"id\": \"i1\", \"name\": \"db1\", \"url\": \"https://db1\", \"username\": \"u\","
      " \"pinned_certificate\": \"zz\"}]}]}",
    "{\"version\": 1, \"organizations\": [{\"id\": \"o1\", \"name\": \"A\", \"instances\": ["
      "{\"id\": \"i1\", \"name\": \"a/b\", \"url\": \"https://db1\", \"username\": \"u\"}]}]}",
    "{\"version\": 1, \"organizations\": ["
      "{\"id\": \"o1\", \"name\": \"A\", \"instances\": ["
      "{\"id\": \"i1\", \"name\": \"db1\", \"url\": \"https://db1\", \"username\": \"u\"}]},"
      "{\"id\": \"o2\", \"name\": \"B\", \"instances\": ["
      "{\"id\": \"i1\", \"name\": \"db1\", \"url\": \"https://db1\", \"username\": \"u\"}]}]}",
    "{\"version\": 1, \"organizations\": [{\"id\": \"o1\", \"name\": \"A\", \"instances\": ["
      "{\"id\": \"i1\", \"name\": \"db1\", \"url\": \"https://db1\", \"username\": \"u\"},"
      "{\"id\": \"i2\", \"name\": \"DB1\", \"url\": \"https://db1\", \"username\": \"u\"}]}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("case %u: %s", i, cases[i]);
      assert_set_aside (cases[i], DECK_STORE_ERROR_CORRUPT, "corrupt");
    }
}

static void
test_corrupt_twice (void)
{
  g_autofree char *path = default_path ();
  g_autoptr(GPtrArray) aside = NULL;

  /* Two corrupt files in a row (usually within the same second): the
   * second does not replace the first. */
  assert_set_aside ("first garbage", DECK_STORE_ERROR_CORRUPT, "corrupt");
  assert_set_aside ("second garbage", DECK_STORE_ERROR_CORRUPT, "corrupt");

  aside = file_test_list_siblings (path, "corrupt");
  g_assert_cmpuint (aside->len, ==, 2);
  for (guint i = 0; i < aside->len; i++)
    {
      g_autofree char *contents = file_test_read (aside->pdata[i], NULL);

      g_assert_true (g_strcmp0 (contents, "first garbage") == 0 ||
                     g_strcmp0 (contents, "second garbage") == 0);
    }
}

/* A file of a newer format: left where it is, byte for byte, shown as far
 * as this version reads it, every change refused. An older
 * `clusterdeck-cli org list` must not make the newer app start empty. */
static void
assert_newer_left_alone (const char *contents,
                         guint       n_shown)
{
  g_autofree char *path = default_path ();
  g_autoptr(DeckStore) store = deck_store_new (NULL);
  g_autoptr(GError) problem = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;

  file_test_write (path, contents, -1);
  g_assert_true (deck_store_load (store, &problem, &error));
  g_assert_no_error (error);
  g_assert_error (problem, DECK_STORE_ERROR, DECK_STORE_ERROR_NEWER);
  g_test_message ("%s", problem->message);
  g_assert_true (deck_store_get_read_only (store));
  g_assert_cmpuint (n_items (deck_store_get_organizations (store)), ==, n_shown);

  g_assert_null (deck_store_add_organization (store, "Fresh", &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_READ_ONLY);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_false (deck_store_save (store, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_READ_ONLY);
  g_clear_error (&error);
  if (n_shown > 0)
    {
      g_assert_false (deck_store_rename_organization (store, organization_at (store, 0), "Zeta",
                                                      &error));
      g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_READ_ONLY);
      g_assert_cmpstr (deck_organization_get_name (organization_at (store, 0)), !=, "Zeta");
    }

  after = file_test_read (path, NULL);
  g_assert_cmpstr (after, ==, contents);
  g_assert_cmpuint (file_test_count_siblings (path, ""), ==, 0);
}

static void
test_newer (void)
{
  g_autofree char *path = default_path ();

  /* A shape this version cannot read: nothing shown. */
  assert_newer_left_alone ("{\"version\": 2, \"organizations\": \"a new shape\", \"more\": true}",
                           0);
  g_assert_cmpint (g_unlink (path), ==, 0);

  /* One it can: shown, with the members it does not know left alone. */
  assert_newer_left_alone ("{\"version\": 17, \"sync\": {\"peer\": \"x\"}, \"organizations\": ["
                           "{\"id\": \"o1\", \"name\": \"Acme\", \"color\": \"red\", "
                           "\"instances\": [{\"id\": \"i1\", \"name\": \"db1\", "
                           "\"url\": \"https://db1:9925\", \"username\": \"u\"}]}]}",
                           1);
}

/* Hostile files: set aside, reported, no crash and no critical (the test
 * runs with G_DEBUG=fatal-warnings). */
static void
test_hostile (void)
{
  FileTestHostile hostile[] = {
    file_test_hostile_nested (),
    file_test_hostile_too_large (DECK_STORE_MAX_FILE_SIZE),
    file_test_hostile_not_utf8 (),
  };

  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_test_message ("%s", hostile[i].name);
      assert_set_aside (hostile[i].data, DECK_STORE_ERROR_CORRUPT, "corrupt");
      file_test_hostile_clear (&hostile[i]);
    }
}

/* Every member of the wrong JSON type: refused with a reason, set aside,
 * never a Json-CRITICAL. */
static void
test_wrong_type (void)
{
  const char *cases[] = {
    "{\"version\": 1, \"organizations\": [{\"id\": \"o1\", \"name\": \"A\", "
    "\"cluster_user\": 42, \"instances\": []}]}",
    "{\"version\": 1, \"organizations\": [{\"id\": \"o1\", \"name\": \"A\", "
    "\"cluster_user\": [\"x\"], \"instances\": []}]}",
    "{\"version\": 1, \"organizations\": [{\"id\": 1, \"name\": \"A\", \"instances\": []}]}",
    "{\"version\": 1, \"organizations\": [{\"id\": \"o1\", \"name\": {\"a\": 1}, "
    "\"instances\": []}]}",
    "{\"version\": 1, \"organizations\": [{\"id\": \"o1\", \"name\": \"A\", \"instances\": \"x\"}]}",
    "{\"version\": 1, \"organizations\": [{\"id\": \"o1\", \"name\": \"A\", \"instances\": ["
    "{\"id\": \"i1\", \"name\": \"db1\", \"url\": 9925, \"username\": \"u\"}]}]}",
    "{\"version\": 1, \"organizations\": [{\"id\": \"o1\", \"name\": \"A\", \"instances\": ["
    "{\"id\": \"i1\", \"name\": \"db1\", \"url\": \"https://db1\", \"username\": true}]}]}",
    "{\"version\": 1, \"organizations\": [{\"id\": \"o1\", \"name\": \"A\", \"instances\": ["
    "{\"id\": \"i1\", \"name\": \"db1\", \"url\": \"https://db1\", \"username\": \"u\", "
    "\"pinned_certificate\": 7}]}]}",
    "{\"version\": [1], \"organizations\": []}",
    "{\"version\": 1e300, \"organizations\": []}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("case %u: %s", i, cases[i]);
      assert_set_aside (cases[i], DECK_STORE_ERROR_CORRUPT, "corrupt");
    }
}

/* DeckStore: files that cannot be read or written */

static void
assert_mutators_refuse (DeckStore *store)
{
  g_autoptr(DeckOrganization) organization = deck_organization_new ("o1", "Acme");
  g_autoptr(GError) error = NULL;

  g_assert_null (deck_store_add_organization (store, "Acme", &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "could not read"));
  g_clear_error (&error);
  g_assert_false (deck_store_save (store, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO);
  g_clear_error (&error);
  g_assert_false (deck_store_restore_organization (store, organization, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO);
}

static void
test_io_directory (void)
{
  g_autofree char *path = default_path ();
  g_autoptr(DeckStore) store = NULL;
  g_autoptr(GError) problem = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *inside = g_build_filename (path, "keep-me", NULL);
  g_autofree char *contents = NULL;

  /* Root reads anything: a directory in place of the file fails for
   * everyone. */
  g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
  file_test_write (inside, "precious", -1);

  store = deck_store_new (NULL);
  g_assert_false (deck_store_load (store, &problem, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO);
  g_assert_no_error (problem);
  g_test_message ("%s", error->message);
  g_assert_null (deck_store_get_load_problem (store));

  assert_mutators_refuse (store);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_DIR));
  contents = file_test_read (inside, NULL);
  g_assert_cmpstr (contents, ==, "precious");
  g_assert_cmpuint (file_test_count_siblings (path, ""), ==, 0);

  /* Once fixed, a new load lets changes through again. */
  g_assert_cmpint (g_unlink (inside), ==, 0);
  g_assert_cmpint (g_rmdir (path), ==, 0);
  g_clear_error (&error);
  g_assert_true (deck_store_load (store, &problem, &error));
  g_assert_no_error (error);
  add_organization (store, "Acme");
}

static void
test_io_not_a_directory (void)
{
  g_autofree char *path = default_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(DeckStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  /* The "clusterdeck" folder is a file: reading fails with ENOTDIR. */
  file_test_write (dir, "not a folder", -1);

  store = deck_store_new (NULL);
  g_assert_false (deck_store_load (store, NULL, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO);
  assert_mutators_refuse (store);

  contents = file_test_read (dir, NULL);
  g_assert_cmpstr (contents, ==, "not a folder");
}

/* A file this process cannot read (EACCES, even as root): an I/O error,
 * the file untouched, every change refused; readable again, all is well. */
static void
test_io_unreadable (void)
{
  g_autofree char *path = default_path ();
  g_autoptr(DeckStore) store = NULL;
  g_autoptr(GError) problem = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  {
    g_autoptr(DeckStore) writer = new_loaded_store (NULL);

    add_instance (writer, add_organization (writer, "Acme"), "db1", NULL);
  }
  before = file_test_read (path, NULL);
  file_test_deny_read (path);

  store = deck_store_new (NULL);
  g_assert_false (deck_store_load (store, &problem, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, g_strerror (EACCES)));
  g_test_message ("%s", error->message);
  g_assert_no_error (problem);
  assert_mutators_refuse (store);
  g_assert_cmpuint (file_test_count_siblings (path, ""), ==, 0);

  file_test_allow_read (path);
  after = file_test_read (path, NULL);
  g_assert_cmpstr (after, ==, before);

  g_clear_error (&error);
  g_assert_true (deck_store_load (store, &problem, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_items (deck_store_get_organizations (store)), ==, 1);
}

static void
test_save_failure_rolls_back (void)
{
  g_autofree char *path = default_path ();
  g_autoptr(DeckStore) store = new_loaded_store (NULL);
  g_autoptr(GError) error = NULL;
  DeckOrganization *acme;
  DeckInstance *db1;

  acme = add_organization (store, "Acme");
  db1 = add_instance (store, acme, "db1", NULL);

  /* After a good load, the file turns into a directory: every save fails
   * (a file cannot be renamed over a directory, not even by root). */
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);

  g_assert_null (deck_store_add_organization (store, "Other", &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_cmpuint (n_items (deck_store_get_organizations (store)), ==, 1);

  g_assert_false (deck_store_rename_organization (store, acme, "Zeta", &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO);
  g_clear_error (&error);
  g_assert_cmpstr (deck_organization_get_name (acme), ==, "Acme");

  g_assert_false (deck_store_remove_organization (store, acme, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO);
  g_clear_error (&error);
  g_assert_true (organization_at (store, 0) == acme);

  g_assert_null (deck_store_add_instance (store, acme, "db2", "https://db2", "u", NULL, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO);
  g_clear_error (&error);
  assert_instance_names (acme, "db1");

  deck_instance_set_url (db1, "https://moved:9925");
  deck_instance_set_name (db1, "zz");
  g_assert_false (deck_store_update_instance (store, db1, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO);
  g_clear_error (&error);
  g_assert_cmpstr (deck_instance_get_url (db1), ==, "https://db1.example.com:9925");
  g_assert_cmpstr (deck_instance_get_name (db1), ==, "db1");

  g_assert_false (deck_store_remove_instance (store, db1, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO);
  g_clear_error (&error);
  assert_instance_names (acme, "db1");

  /* No temporary file is left behind by the failed saves. */
  g_assert_cmpuint (file_test_count_siblings (path, ""), ==, 0);

  g_assert_cmpint (g_rmdir (path), ==, 0);
  g_assert_true (deck_store_save (store, &error));
  g_assert_no_error (error);
  {
    g_autoptr(DeckStore) reloaded = new_loaded_store (NULL);

    assert_same_content (store, reloaded);
  }
}

/* DeckStore: a save killed at any moment */

#define BIG_NAME_LENGTH (2 * 1024 * 1024)
#define KILL_ITERATIONS 30

static char *
big_name (void)
{
  char *name = g_malloc (BIG_NAME_LENGTH + 1);

  /* Quotes and backslashes make the writer escape, like real names could. */
  for (gsize i = 0; i < BIG_NAME_LENGTH; i++)
    name[i] = "abcdefgh\"\\ijklmnop"[i % 18];
  name[0] = 'Z';
  name[BIG_NAME_LENGTH] = '\0';
  return name;
}

/* The child: loads the store at @path, says so on stdout, and adds one
 * organization with a very long name, which saves a file of tens of MB. */
static int
run_save_child (const char *path)
{
  g_autoptr(DeckStore) store = deck_store_new (path);
  g_autoptr(GError) problem = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = big_name ();

  if (!deck_store_load (store, &problem, &error) || problem != NULL)
    return 3;
  if (write (STDOUT_FILENO, "s", 1) != 1)
    return 4;
  if (deck_store_add_organization (store, name, &error) == NULL)
    return 5;
  if (write (STDOUT_FILENO, "d", 1) != 1)
    return 4;
  return 0;
}

typedef enum
{
  OUTCOME_OLD,
  OUTCOME_NEW,
} Outcome;

static Outcome
check_after_kill (const char *path,
                  const char *old_contents,
                  guint       old_count)
{
  g_autofree char *contents = file_test_read (path, NULL);
  g_autoptr(DeckStore) store = NULL;
  g_autoptr(GError) problem = NULL;
  g_autoptr(GError) error = NULL;
  DeckOrganization *big;

  g_assert_nonnull (contents);
  if (strcmp (contents, old_contents) == 0)
    return OUTCOME_OLD;

  /* Not the old file: then exactly the new one, complete. */
  store = deck_store_new (path);
  g_assert_true (deck_store_load (store, &problem, &error));
  g_assert_no_error (error);
  g_assert_no_error (problem);
  g_assert_cmpuint (n_items (deck_store_get_organizations (store)), ==, old_count + 1);
  big = organization_at (store, old_count);
  g_assert_cmpuint (strlen (deck_organization_get_name (big)), ==, BIG_NAME_LENGTH);
  g_assert_cmpint (deck_organization_get_name (big)[0], ==, 'Z');
  return OUTCOME_NEW;
}

/* Waits for an event of @mask about a file whose name starts with @prefix
 * in the directory @inotify_fd watches. */
static gboolean
wait_for_event (int         inotify_fd,
                guint32     mask,
                const char *prefix,
                guint       timeout_ms)
{
  char buffer[4096] __attribute__ ((aligned (__alignof__ (struct inotify_event))));
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < deadline)
    {
      struct pollfd pfd = { inotify_fd, POLLIN, 0 };
      ssize_t length;

      if (poll (&pfd, 1, 100) <= 0)
        continue;
      length = read (inotify_fd, buffer, sizeof buffer);
      for (char *p = buffer; length > 0 && p < buffer + length; )
        {
          struct inotify_event *event = (struct inotify_event *) p;

          if ((event->mask & mask) != 0 && event->len > 0 &&
              g_str_has_prefix (event->name, prefix))
            return TRUE;
          p += sizeof (struct inotify_event) + event->len;
        }
    }
  return FALSE;
}

typedef struct
{
  GPid pid;
  int  out_fd;
  int  inotify_fd;
} SaveChild;

/* Starts a child that saves the store at @path; returns once it is about
 * to save. */
static void
save_child_start (SaveChild  *child,
                  const char *self_exe,
                  const char *path)
{
  const char *argv[] = { self_exe, "--save-child", path, NULL };
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;
  char signal_byte = 0;

  /* Watched from now on: the temporary file of the parent's own writes is
   * not the child's. */
  child->inotify_fd = inotify_init1 (IN_CLOEXEC | IN_NONBLOCK);
  g_assert_cmpint (child->inotify_fd, >=, 0);
  g_assert_cmpint (inotify_add_watch (child->inotify_fd, dir, IN_CREATE | IN_MOVED_TO), >=, 0);

  g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                            NULL, NULL, &child->pid, NULL, &child->out_fd, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (read (child->out_fd, &signal_byte, 1), ==, 1);
  g_assert_cmpint (signal_byte, ==, 's');
}

/* Reaps the child; returns whether it finished its save. */
static gboolean
save_child_finish (SaveChild *child)
{
  int status;

  g_assert_cmpint (waitpid (child->pid, &status, 0), ==, child->pid);
  close (child->out_fd);
  close (child->inotify_fd);
  g_spawn_close_pid (child->pid);

  g_assert_true ((WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL) ||
                 (WIFEXITED (status) && WEXITSTATUS (status) == 0));
  return WIFEXITED (status);
}

static void
test_interrupted_write (void)
{
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *path = default_path ();
  g_autofree char *temp_prefix = NULL;
  g_autofree char *old_contents = NULL;
  g_autoptr(DeckStore) store = NULL;
  guint old_count, outcomes[2] = { 0, 0 }, interrupted = 0;
  gint64 whole_save, write_window;

  g_assert_nonnull (self_exe);
  temp_prefix = g_strconcat (FILE_BASENAME, ".", NULL);

  /* The previous file: a few organizations. */
  store = new_loaded_store (NULL);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *org_name = g_strdup_printf ("Org %u", i);
      DeckOrganization *organization = add_organization (store, org_name);

      add_instance (store, organization, "db1", PIN_NORMAL);
      add_instance (store, organization, "db2", NULL);
    }
  old_count = n_items (deck_store_get_organizations (store));
  old_contents = file_test_read (path, NULL);
  g_clear_object (&store);

  /* One save to its end: how long it takes in all, and how long the
   * temporary file exists before it is renamed over the old one (the
   * write and the fsync). */
  {
    SaveChild child;
    char done = 0;
    gint64 start, created;

    save_child_start (&child, self_exe, path);
    start = g_get_monotonic_time ();
    g_assert_true (wait_for_event (child.inotify_fd, IN_CREATE, temp_prefix, 60000));
    created = g_get_monotonic_time ();
    g_assert_true (wait_for_event (child.inotify_fd, IN_MOVED_TO, FILE_BASENAME, 60000));
    write_window = g_get_monotonic_time () - created;
    g_assert_cmpint (read (child.out_fd, &done, 1), ==, 1);
    g_assert_cmpint (done, ==, 'd');
    whole_save = g_get_monotonic_time () - start;
    g_assert_true (save_child_finish (&child));
    g_assert_cmpint (check_after_kill (path, old_contents, old_count), ==, OUTCOME_NEW);
    g_test_message ("a save takes %" G_GINT64_FORMAT " µs; its temporary file exists for %"
                    G_GINT64_FORMAT " µs", whole_save, write_window);
  }

  /* Half the kills fall anywhere in the save, half while the file is being
   * written, flushed and renamed: the moment that matters. */
  for (guint i = 0; i < KILL_ITERATIONS; i++)
    {
      gboolean targeted = i % 2 == 1;
      g_autoptr(GPtrArray) leftovers = NULL;
      SaveChild child;
      gulong delay;
      gboolean finished;
      Outcome outcome;

      file_test_write (path, old_contents, -1);
      save_child_start (&child, self_exe, path);

      if (targeted)
        {
          g_assert_true (wait_for_event (child.inotify_fd, IN_CREATE, temp_prefix, 60000));
          delay = (gulong) g_random_int_range (0, (gint32) MAX (write_window, 100));
        }
      else
        {
          delay = (gulong) g_random_int_range (0, (gint32) MAX (whole_save * 11 / 10, 1000));
        }
      g_usleep (delay);
      g_assert_cmpint (kill (child.pid, SIGKILL), ==, 0);
      finished = save_child_finish (&child);

      outcome = check_after_kill (path, old_contents, old_count);
      outcomes[outcome]++;

      /* A temporary file left behind proves the kill came mid-write. */
      leftovers = file_test_list_siblings (path, "");
      if (leftovers->len > 0)
        interrupted++;
      for (guint j = 0; j < leftovers->len; j++)
        g_assert_cmpint (g_unlink (leftovers->pdata[j]), ==, 0);

      g_test_message ("kill %u, %s, after %lu µs: %s%s%s", i,
                      targeted ? "after the temporary file appeared" : "anywhere",
                      delay, outcome == OUTCOME_NEW ? "new file" : "old file",
                      leftovers->len > 0 ? ", temporary file left behind" : "",
                      finished ? ", the save had ended" : "");
    }

  g_test_message ("%u kills: %u left the old file, %u the new one; %u interrupted the write",
                  KILL_ITERATIONS, outcomes[OUTCOME_OLD], outcomes[OUTCOME_NEW], interrupted);
  g_assert_cmpuint (outcomes[OUTCOME_OLD] + outcomes[OUTCOME_NEW], ==, KILL_ITERATIONS);
  /* Otherwise this test proved nothing. */
  g_assert_cmpuint (interrupted, >, 0);
}

/* DeckStore: asynchronous load */

typedef struct
{
  GThread *main_thread;
  gboolean off_main_thread;
  guint    changes;
} ThreadCheck;

static void
check_thread_cb (GListModel  *model,
                 guint        position,
                 guint        removed,
                 guint        added,
                 ThreadCheck *check)
{
  check->changes++;
  if (g_thread_self () != check->main_thread)
    check->off_main_thread = TRUE;
}

static void
test_load_async (void)
{
  g_autoptr(DeckStore) writer = new_loaded_store (NULL);
  g_autoptr(DeckStore) store = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) problem = NULL;
  g_autoptr(GError) error = NULL;
  ThreadCheck check = { g_thread_self (), FALSE, 0 };

  add_instance (writer, add_organization (writer, "Acme"), "db1", PIN_COLONS);
  add_organization (writer, "Other");

  store = deck_store_new (NULL);
  g_signal_connect (deck_store_get_organizations (store), "items-changed",
                    G_CALLBACK (check_thread_cb), &check);
  TEST_AWAIT (result, 10000,
              deck_store_load_async (store, NULL, test_util_store_result, &result));
  g_assert_true (deck_store_load_finish (store, result, &problem, &error));
  g_assert_no_error (error);
  g_assert_no_error (problem);
  g_assert_cmpuint (check.changes, ==, 1);
  g_assert_false (check.off_main_thread);
  assert_same_content (writer, store);

  /* Changes work after an asynchronous load. */
  add_organization (store, "Third");
}

static void
test_load_async_problems (void)
{
  g_autofree char *path = default_path ();
  g_autoptr(DeckStore) store = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) problem = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  /* Corrupt: set aside, reported, empty. */
  file_test_write (path, "{{{", -1);
  store = deck_store_new (NULL);
  TEST_AWAIT (result, 10000,
              deck_store_load_async (store, NULL, test_util_store_result, &result));
  g_assert_true (deck_store_load_finish (store, result, &problem, &error));
  g_assert_no_error (error);
  g_assert_error (problem, DECK_STORE_ERROR, DECK_STORE_ERROR_CORRUPT);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (file_test_count_siblings (path, "corrupt"), ==, 1);
  g_clear_object (&result);
  g_clear_error (&problem);
  g_clear_object (&store);

  /* Cancelled before it started: nothing read, nothing moved. */
  file_test_write (path, "{{{", -1);
  store = deck_store_new (NULL);
  g_cancellable_cancel (cancellable);
  TEST_AWAIT (result, 10000,
              deck_store_load_async (store, cancellable, test_util_store_result, &result));
  g_assert_false (deck_store_load_finish (store, result, &problem, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_no_error (problem);
  contents = file_test_read (path, NULL);
  g_assert_cmpstr (contents, ==, "{{{");
  g_clear_error (&error);
  g_clear_object (&result);
  g_clear_object (&store);
  g_assert_cmpint (g_unlink (path), ==, 0);

  /* Unreadable: an I/O error, the mutators refuse. */
  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  store = deck_store_new (NULL);
  TEST_AWAIT (result, 10000,
              deck_store_load_async (store, NULL, test_util_store_result, &result));
  g_assert_false (deck_store_load_finish (store, result, &problem, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO);
  g_assert_no_error (problem);
  assert_mutators_refuse (store);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_DIR));
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && strcmp (argv[1], "--save-child") == 0)
    return run_save_child (argv[2]);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store-file/corrupt", test_corrupt);
  g_test_add_func ("/store-file/corrupt-twice", test_corrupt_twice);
  g_test_add_func ("/store-file/hostile", test_hostile);
  g_test_add_func ("/store-file/wrong-type", test_wrong_type);
  g_test_add_func ("/store-file/newer", test_newer);
  g_test_add_func ("/store-file/io/directory", test_io_directory);
  g_test_add_func ("/store-file/io/not-a-directory", test_io_not_a_directory);
  g_test_add_func ("/store-file/io/unreadable", test_io_unreadable);
  g_test_add_func ("/store-file/save-failure-rolls-back", test_save_failure_rolls_back);
  g_test_add_func ("/store-file/interrupted-write", test_interrupted_write);
  g_test_add_func ("/store-file/load-async", test_load_async);
  g_test_add_func ("/store-file/load-async-problems", test_load_async_problems);

  return g_test_run ();
}
