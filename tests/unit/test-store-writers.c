/* test-store-writers.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * organizations.json with two writers, as the window and clusterdeck-cli
 * are: two stores in one process, each edit made to what the file holds
 * then; the watch that shows another process's writes in place; two child
 * processes adding instances at once (the program runs itself as them).
 * Each test has its own XDG_CONFIG_HOME (G_TEST_OPTION_ISOLATE_DIRS).
 */

#include <sys/wait.h>

#include "store-test-util.h"
#include "test-util.h"

static DeckOrganization *
find_organization (DeckStore  *store,
                   const char *name)
{
  DeckOrganization *organization = deck_store_find_organization (store, name);

  g_assert_nonnull (organization);
  return organization;
}

static DeckInstance *
find_instance (DeckStore  *store,
               const char *spec)
{
  g_autoptr(GError) error = NULL;
  DeckInstance *instance = deck_store_find_instance (store, spec, &error);

  g_assert_no_error (error);
  return instance;
}

/* Two stores of one file, as the window and clusterdeck-cli are: neither
 * runs its main loop here, so neither has seen the other's writes through
 * its watch. Every edit is made to what the file holds then. */
static void
test_two_writers (void)
{
  g_autoptr(DeckStore) window = NULL;
  g_autoptr(DeckStore) cli = NULL;
  g_autoptr(DeckStore) reread = NULL;
  g_autoptr(GError) error = NULL;
  DeckOrganization *acme;
  DeckInstance *db1;

  {
    g_autoptr(DeckStore) writer = new_loaded_store (NULL);

    add_instance (writer, add_organization (writer, "Acme"), "db1", NULL);
    add_organization (writer, "Other");
  }
  window = new_loaded_store (NULL);
  cli = new_loaded_store (NULL);
  acme = find_organization (window, "Acme");
  db1 = find_instance (window, "db1");

  /* The CLI adds db2; the window, which has not seen it, adds db3. */
  add_instance (cli, find_organization (cli, "Acme"), "db2", NULL);
  add_instance (window, acme, "db3", NULL);
  assert_instance_names (acme, "db1 db2 db3");
  g_assert_true (find_instance (window, "db1") == db1);
  reread = new_loaded_store (NULL);
  assert_instance_names (find_organization (reread, "Acme"), "db1 db2 db3");
  g_clear_object (&reread);

  /* The same name from both sides: the second is told. */
  g_assert_null (deck_store_add_instance (cli, find_organization (cli, "Acme"), "DB3",
                                          "https://x", "u", NULL, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_EXISTS);
  g_clear_error (&error);

  /* The CLI renames the organization; the window changes db1's URL. */
  g_assert_true (deck_store_rename_organization (cli, find_organization (cli, "Acme"),
                                                 "Acme Corp", &error));
  deck_instance_set_url (db1, "https://moved.example.com:9925");
  g_assert_true (deck_store_update_instance (window, db1, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (deck_organization_get_name (acme), ==, "Acme Corp");
  g_assert_cmpstr (deck_instance_get_url (db1), ==, "https://moved.example.com:9925");
  reread = new_loaded_store (NULL);
  assert_same_content (window, reread);
  g_clear_object (&reread);

  /* What the other side removed cannot be changed any more. */
  g_assert_true (deck_store_remove_instance (cli, find_instance (cli, "db2"), &error));
  g_assert_true (deck_store_remove_organization (cli, find_organization (cli, "Other"), &error));
  g_assert_no_error (error);
  {
    DeckInstance *db2 = find_instance (window, "db2");
    DeckOrganization *other = find_organization (window, "Other");

    g_object_ref (db2);
    g_object_ref (other);
    g_assert_false (deck_store_remove_instance (window, db2, &error));
    g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_NOT_FOUND);
    g_test_message ("%s", error->message);
    g_clear_error (&error);
    g_assert_null (deck_store_add_instance (window, other, "db9", "https://x", "u", NULL, &error));
    g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
    g_object_unref (db2);
    g_object_unref (other);
  }
  assert_instance_names (acme, "db1 db3");
  g_assert_cmpuint (n_items (deck_store_get_organizations (window)), ==, 1);

  reread = new_loaded_store (NULL);
  assert_same_content (window, reread);
  assert_same_content (cli, reread);
}

static void
count_items_changed (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     guint      *count)
{
  (*count)++;
}

/* Spins the main loop until @cond, at most 10 s: a watch that never fires
 * fails here rather than in meson. */
#define SPIN_UNTIL(cond) G_STMT_START {                                          \
    gint64 spin_deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;   \
    while (!(cond) && g_get_monotonic_time () < spin_deadline)                  \
      g_main_context_iteration (NULL, TRUE);                                    \
    g_assert_true (cond);                                                       \
  } G_STMT_END

/* The window's store shows what another process writes, with the models'
 * usual signals, keeping its objects. */
static void
test_watch (void)
{
  g_autoptr(DeckStore) window = NULL;
  g_autoptr(DeckStore) cli = NULL;
  g_autoptr(DeckStore) reread = NULL;
  g_autoptr(GError) error = NULL;
  DeckOrganization *acme;
  guint organizations_changed = 0, instances_changed = 0;

  {
    g_autoptr(DeckStore) writer = new_loaded_store (NULL);

    add_instance (writer, add_organization (writer, "Acme"), "db1", NULL);
  }
  window = new_loaded_store (NULL);
  acme = find_organization (window, "Acme");
  g_signal_connect (deck_store_get_organizations (window), "items-changed",
                    G_CALLBACK (count_items_changed), &organizations_changed);
  g_signal_connect (deck_organization_get_instances (acme), "items-changed",
                    G_CALLBACK (count_items_changed), &instances_changed);

  cli = new_loaded_store (NULL);
  add_instance (cli, find_organization (cli, "Acme"), "db2", NULL);
  SPIN_UNTIL (n_items (deck_organization_get_instances (acme)) == 2);
  assert_instance_names (acme, "db1 db2");
  g_assert_cmpuint (instances_changed, ==, 1);
  g_assert_cmpuint (organizations_changed, ==, 0);
  g_assert_true (find_organization (window, "Acme") == acme);

  add_organization (cli, "Beta");
  g_assert_true (deck_store_rename_organization (cli, find_organization (cli, "Acme"), "Alpha",
                                                 &error));
  g_assert_no_error (error);
  SPIN_UNTIL (n_items (deck_store_get_organizations (window)) == 2 &&
              g_strcmp0 (deck_organization_get_name (acme), "Alpha") == 0);
  g_assert_true (find_organization (window, "Alpha") == acme);

  /* The window's next edit keeps all of it. */
  add_instance (window, acme, "db3", NULL);
  reread = new_loaded_store (NULL);
  assert_same_content (window, reread);
  assert_instance_names (find_organization (reread, "Alpha"), "db1 db2 db3");
  g_clear_object (&reread);

  /* A newer Clusterdeck rewrote the file: read-only from now on. */
  {
    g_autofree char *path = default_path ();
    g_autofree char *contents = file_test_read (path, NULL);
    g_autoptr(GString) newer = g_string_new (contents);

    g_string_replace (newer, "\"version\" : 1", "\"version\" : 2", 1);
    file_test_write (path, newer->str, -1);
    SPIN_UNTIL (deck_store_get_read_only (window));
    g_assert_error (deck_store_get_load_problem (window), DECK_STORE_ERROR,
                    DECK_STORE_ERROR_NEWER);
    g_assert_null (deck_store_add_organization (window, "Gamma", &error));
    g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_READ_ONLY);
  }
}

/* A store that does not watch its file, as clusterdeck-cli's: loading a
 * missing file makes nothing (a watch makes the folder, to see the file
 * appear), and its edits still keep what another store wrote meanwhile. */
static void
test_unwatched (void)
{
  g_autoptr(DeckStore) cli = deck_store_new (NULL);
  g_autoptr(DeckStore) window = NULL;
  g_autoptr(DeckStore) reread = NULL;
  g_autoptr(GError) problem = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = default_path ();
  g_autofree char *folder = g_path_get_dirname (path);

  deck_store_set_watched (cli, FALSE);
  g_assert_true (deck_store_load (cli, &problem, &error));
  g_assert_no_error (error);
  g_assert_no_error (problem);
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));

  window = new_loaded_store (NULL);
  g_assert_true (g_file_test (folder, G_FILE_TEST_IS_DIR));
  add_instance (window, add_organization (window, "Acme"), "db1", NULL);
  g_assert_cmpuint (n_items (deck_store_get_organizations (cli)), ==, 0);

  add_organization (cli, "Beta");
  add_instance (cli, find_organization (cli, "Acme"), "db2", NULL);
  reread = new_loaded_store (NULL);
  assert_same_content (cli, reread);
  assert_instance_names (find_organization (reread, "Acme"), "db1 db2");
  g_assert_nonnull (deck_store_find_organization (reread, "Beta"));
}

/* The child: adds CHILD_INSTANCES instances to ORG, each one load, add and
 * save, as clusterdeck-cli instance add does. */
#define CHILD_INSTANCES 10

static int
run_add_child (const char *path,
               const char *prefix)
{
  for (guint i = 0; i < CHILD_INSTANCES; i++)
    {
      g_autoptr(DeckStore) store = deck_store_new (path);
      g_autoptr(GError) error = NULL;
      g_autofree char *name = g_strdup_printf ("%s-%02u", prefix, i);
      g_autofree char *url = g_strdup_printf ("https://%s.example.com", name);
      DeckOrganization *organization;

      if (!deck_store_load (store, NULL, &error))
        return 3;
      organization = deck_store_find_organization (store, "Acme");
      if (organization == NULL)
        return 4;
      if (deck_store_add_instance (store, organization, name, url, "u", NULL, &error) == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 5;
        }
    }
  return 0;
}

static void
test_two_processes (void)
{
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *path = default_path ();
  g_autoptr(DeckStore) store = new_loaded_store (NULL);
  g_autoptr(DeckStore) reread = NULL;
  const char *prefixes[] = { "left", "right" };
  GPid pids[G_N_ELEMENTS (prefixes)];

  add_organization (store, "Acme");
  for (guint i = 0; i < G_N_ELEMENTS (pids); i++)
    {
      const char *argv[] = { self_exe, "--add-child", path, prefixes[i], NULL };
      g_autoptr(GError) error = NULL;

      g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                     &pids[i], &error);
      g_assert_no_error (error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (pids); i++)
    {
      int status;

      g_assert_cmpint (waitpid (pids[i], &status, 0), ==, pids[i]);
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 0);
      g_spawn_close_pid (pids[i]);
    }

  reread = new_loaded_store (NULL);
  g_assert_cmpuint (n_items (deck_organization_get_instances (find_organization (reread, "Acme"))),
                    ==, G_N_ELEMENTS (prefixes) * CHILD_INSTANCES);

  /* This store, which saw none of it, adds one more and loses none. */
  add_instance (store, find_organization (store, "Acme"), "middle", NULL);
  g_clear_object (&reread);
  reread = new_loaded_store (NULL);
  g_assert_cmpuint (n_items (deck_organization_get_instances (find_organization (reread, "Acme"))),
                    ==, G_N_ELEMENTS (prefixes) * CHILD_INSTANCES + 1);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 4 && strcmp (argv[1], "--add-child") == 0)
    return run_add_child (argv[2], argv[3]);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store-writers/two-writers", test_two_writers);
  g_test_add_func ("/store-writers/watch", test_watch);
  g_test_add_func ("/store-writers/unwatched", test_unwatched);
  g_test_add_func ("/store-writers/two-processes", test_two_processes);

  return g_test_run ();
}
