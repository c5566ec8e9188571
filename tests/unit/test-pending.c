/* test-pending.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DeckPending and pending.json: the round trip, files that are hostile,
 * newer or unreadable (set aside or left alone, reported, never written
 * over, the staged changes kept), autosave, the three-way merge of two
 * writers in one process and in two, and watching. Each test has its own
 * XDG_STATE_HOME (G_TEST_OPTION_ISOLATE_DIRS).
 */

#include <signal.h>
#include <sys/wait.h>

#include "deck-pending.h"
#include "file-test-util.h"
#include "test-util.h"

#define CHILD_CHANGES 10

static const DeckBaseline off = { FALSE, FALSE, FALSE };

static char *
pending_path (void)
{
  return g_build_filename (g_get_user_state_dir (), "clusterdeck", "pending.json", NULL);
}

static void
stage (DeckChangeSet *changes,
       const char    *instance,
       const char    *table,
       gboolean       publish)
{
  deck_change_set_set_publish (changes, instance, "node2", "db", table, publish, &off);
}

static gboolean
has (DeckChangeSet *changes,
     const char    *instance,
     const char    *table)
{
  return deck_change_set_lookup (changes, instance, "node2", "db", table) != NULL;
}

static DeckPending *
load_pending (void)
{
  g_autoptr(DeckPending) pending = deck_pending_new (NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (deck_pending_load (pending, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&pending);
}

/* A pending changes file as another process left it */
static void
save_with_other (const char *instance,
                 const char *table)
{
  g_autoptr(DeckPending) other = load_pending ();
  g_autoptr(GError) error = NULL;

  stage (deck_pending_get_changes (other), instance, table, TRUE);
  g_assert_true (deck_pending_save (other, &error));
  g_assert_no_error (error);
}

static void
spin_until_staged (DeckChangeSet *changes,
                   const char    *instance,
                   const char    *table)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

  /* Bounded so that a watch that never fires fails here, not in meson. */
  while (!has (changes, instance, table) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (has (changes, instance, table));
}

static void
spin_idle (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* The round trip */

static void
test_round_trip (void)
{
  g_autoptr(DeckPending) pending = load_pending ();
  g_autoptr(DeckPending) reread = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = pending_path ();
  g_autofree char *contents = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  DeckChangeSet *changes = deck_pending_get_changes (pending);
  DeckBaseline replicating = { TRUE, TRUE, TRUE };
  GStatBuf buf;

  g_assert_true (g_str_has_suffix (deck_pending_get_path (pending), "clusterdeck/pending.json"));
  g_assert_true (deck_pending_get_writable (pending));
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 0);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  stage (changes, "inst-a", "dog", TRUE);
  deck_change_set_set_subscribe (changes, "inst-a", "node3", "shop", "product", FALSE,
                                 &replicating);
  deck_change_set_set_subscribe (changes, "inst-b", "node2", "db", "cat", TRUE, &off);
  g_assert_true (deck_pending_save (pending, &error));
  g_assert_no_error (error);

  g_assert_cmpint (g_stat (path, &buf), ==, 0);
  g_assert_cmpint (buf.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (dir, &buf), ==, 0);
  g_assert_cmpint (buf.st_mode & 0777, ==, 0700);
  contents = file_test_read (path, NULL);
  g_assert_nonnull (strstr (contents, "\"version\" : 1"));
  g_assert_null (strstr (contents, "Basic"));
  g_assert_null (strstr (contents, "authorization"));
  /* The lock file is hidden, and nothing else is left beside the file. */
  g_assert_cmpuint (file_test_count_siblings (path, ""), ==, 0);

  reread = load_pending ();
  before = deck_change_set_dup_changes (changes);
  after = deck_change_set_dup_changes (deck_pending_get_changes (reread));
  g_assert_cmpuint (after->len, ==, 3);
  for (guint i = 0; i < before->len; i++)
    g_assert_true (deck_change_equal (before->pdata[i], after->pdata[i]));
}

/* Files that cannot be understood */

static void
assert_set_aside (const char *data,
                  gssize      length,
                  const char *why)
{
  g_autofree char *path = pending_path ();
  g_autoptr(DeckPending) pending = deck_pending_new (NULL);
  g_autoptr(GPtrArray) aside = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *kept = NULL;
  gsize kept_length = 0;
  DeckChangeSet *changes = deck_pending_get_changes (pending);

  g_test_message ("%s", why);
  file_test_write (path, data, length);

  /* Staged before the load (as the window may have): kept. */
  stage (changes, "inst-local", "dog", TRUE);
  g_assert_false (deck_pending_load (pending, &error));
  g_assert_error (error, DECK_PENDING_ERROR, DECK_PENDING_ERROR_CORRUPT);
  g_test_message ("%s", error->message);
  g_assert_true (has (changes, "inst-local", "dog"));
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 1);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  aside = file_test_list_siblings (path, "corrupt-");
  g_assert_cmpuint (aside->len, ==, 1);
  g_assert_nonnull (strstr (error->message, aside->pdata[0]));
  g_assert_true (g_regex_match_simple ("pending\\.json\\.corrupt-[0-9]{8}-[0-9]{6}$",
                                      aside->pdata[0], 0, 0));
  kept = file_test_read (aside->pdata[0], &kept_length);
  g_assert_cmpmem (kept, kept_length, data, length < 0 ? strlen (data) : (gsize) length);
  g_assert_error (deck_pending_get_problem (pending), DECK_PENDING_ERROR,
                  DECK_PENDING_ERROR_CORRUPT);

  /* The next save writes a fresh file; the one set aside stays. */
  g_clear_error (&error);
  g_assert_true (deck_pending_get_writable (pending));
  g_assert_true (deck_pending_save (pending, &error));
  g_assert_no_error (error);
  {
    g_autoptr(DeckPending) reread = load_pending ();

    g_assert_true (has (deck_pending_get_changes (reread), "inst-local", "dog"));
  }
  g_assert_cmpint (g_unlink (aside->pdata[0]), ==, 0);
  g_assert_cmpint (g_unlink (path), ==, 0);
}

static void
test_corrupt (void)
{
  const char *cases[] = {
    "{\"version\": 1, \"changes\": [",
    "[1, 2, 3]",
    "",
    "{\"changes\": []}",
    "{\"version\": \"1\", \"changes\": []}",
    "{\"version\": 1, \"changes\": {}}",
    "{\"version\": 1, \"changes\": [{\"instance\": \"inst-a\"}]}",
    /* a switch, a name and a baseline of the wrong type */
    "{\"version\": 1, \"changes\": [{\"instance\": \"a\", \"peer\": \"b\","
    " \"database\": \"c\", \"table\": \"d\", \"publish\": \"yes\","
    " \"baseline\": {\"publish\": false, \"subscribe\": false, \"replicates\": false}}]}",
    "{\"version\": 1, \"changes\": [{\"instance\": 7, \"peer\": \"b\","
    " \"database\": \"c\", \"table\": \"d\", \"publish\": true,"
    " \"baseline\": {\"publish\": false, \"subscribe\": false, \"replicates\": false}}]}",
    ("{\"version\": 1, \"changes\": [{\"instance\": \"a\", \"peer\": \"b\","
     " \"database\": \"c\", \"table\": \"d\", \"publish\": true, \"baseline\": [false]}]}"),
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_set_aside (cases[i], -1, cases[i]);
}

static void
test_hostile (void)
{
  FileTestHostile hostile[] = {
    file_test_hostile_nested (),
    file_test_hostile_too_large (DECK_PENDING_MAX_FILE_SIZE),
    file_test_hostile_not_utf8 (),
  };

  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      assert_set_aside (hostile[i].data, (gssize) hostile[i].length, hostile[i].name);
      file_test_hostile_clear (&hostile[i]);
    }
}

/* The same judgement without a file (the entry point of fuzz targets). */
static void
test_parse_data (void)
{
  const char *good = "{\"version\": 1, \"changes\": [{\"instance\": \"a\", \"peer\": \"b\", "
                     "\"database\": \"c\", \"table\": \"d\", \"subscribe\": true, "
                     "\"baseline\": {\"publish\": false, \"subscribe\": false, "
                     "\"replicates\": false}}]}";
  FileTestHostile nested = file_test_hostile_nested ();
  g_autoptr(DeckChangeSet) changes = NULL;
  g_autoptr(GError) error = NULL;

  changes = deck_pending_parse_data (good, strlen (good), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 1);

  g_assert_null (deck_pending_parse_data (nested.data, nested.length, &error));
  g_assert_error (error, DECK_PENDING_ERROR, DECK_PENDING_ERROR_CORRUPT);
  g_clear_error (&error);
  g_assert_null (deck_pending_parse_data ("{\"version\": 2}", 14, &error));
  g_assert_error (error, DECK_PENDING_ERROR, DECK_PENDING_ERROR_NEWER);
  g_clear_error (&error);
  g_assert_null (deck_pending_parse_data ("", 0, &error));
  g_assert_error (error, DECK_PENDING_ERROR, DECK_PENDING_ERROR_CORRUPT);
  file_test_hostile_clear (&nested);
}

/* Files that must be left alone */

static void
assert_left_alone (DeckPending *pending,
                   const char  *path,
                   int          code)
{
  DeckChangeSet *changes = deck_pending_get_changes (pending);
  g_autoptr(GError) error = NULL;

  g_assert_false (deck_pending_get_writable (pending));
  g_assert_error (deck_pending_get_problem (pending), DECK_PENDING_ERROR, code);
  g_test_message ("%s", deck_pending_get_problem (pending)->message);

  /* Staging goes on in memory; nothing is written, however often. */
  stage (changes, "inst-new", "cat", TRUE);
  spin_idle ();
  g_assert_false (deck_pending_save (pending, &error));
  g_assert_error (error, DECK_PENDING_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_true (deck_pending_flush (pending, NULL));
  g_assert_true (has (changes, "inst-new", "cat"));
  g_assert_cmpuint (file_test_count_siblings (path, ""), ==, 0);
}

static void
test_newer (void)
{
  const char *newer = "{\"version\": 7, \"changes\": \"a new shape\"}";
  g_autofree char *path = pending_path ();
  g_autoptr(DeckPending) pending = deck_pending_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;

  file_test_write (path, newer, -1);
  stage (deck_pending_get_changes (pending), "inst-local", "dog", TRUE);
  deck_pending_set_autosave (pending, TRUE);
  g_assert_false (deck_pending_load (pending, &error));
  g_assert_error (error, DECK_PENDING_ERROR, DECK_PENDING_ERROR_NEWER);
  g_assert_nonnull (strstr (error->message, "format 7"));
  g_assert_true (has (deck_pending_get_changes (pending), "inst-local", "dog"));

  assert_left_alone (pending, path, DECK_PENDING_ERROR_NEWER);
  after = file_test_read (path, NULL);
  g_assert_cmpstr (after, ==, newer);
}

static void
test_unreadable (void)
{
  g_autofree char *path = pending_path ();
  g_autoptr(DeckPending) pending = deck_pending_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;
  DeckChangeSet *changes = deck_pending_get_changes (pending);
  GStatBuf buf;

  /* What the CLI staged before: unreadable now (EACCES, even as root). */
  save_with_other ("inst-cli", "dog");
  file_test_deny_read (path);

  deck_pending_set_autosave (pending, TRUE);
  stage (changes, "inst-local", "dog", TRUE);
  g_assert_false (deck_pending_load (pending, &error));
  g_assert_error (error, DECK_PENDING_ERROR, DECK_PENDING_ERROR_IO);
  g_assert_nonnull (strstr (error->message, g_strerror (EACCES)));
  g_test_message ("%s", error->message);
  g_assert_true (has (changes, "inst-local", "dog"));
  g_clear_error (&error);

  assert_left_alone (pending, path, DECK_PENDING_ERROR_IO);
  g_assert_cmpint (g_stat (path, &buf), ==, 0);
  g_assert_cmpint (buf.st_mode & 0777, ==, 0);

  /* Readable again: the watch reads it, merges, and saves both. */
  file_test_allow_read (path);
  spin_until_staged (changes, "inst-cli", "dog");
  g_assert_true (deck_pending_get_writable (pending));
  g_assert_null (deck_pending_get_problem (pending));
  g_assert_true (has (changes, "inst-local", "dog"));
  g_assert_true (has (changes, "inst-new", "cat"));
  g_assert_true (deck_pending_flush (pending, &error));
  g_assert_no_error (error);
  {
    g_autoptr(DeckPending) reread = load_pending ();
    DeckChangeSet *saved = deck_pending_get_changes (reread);

    g_assert_cmpuint (deck_change_set_get_n_changes (saved), ==, 3);
    g_assert_true (has (saved, "inst-cli", "dog"));
    g_assert_true (has (saved, "inst-local", "dog"));
  }
  after = file_test_read (path, NULL);
  g_assert_nonnull (after);
}

static void
test_not_a_file (void)
{
  g_autofree char *path = pending_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  /* A FIFO: reading must not hang, and a blind save would replace it. */
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (mkfifo (path, 0600), ==, 0);
  {
    g_autoptr(DeckPending) pending = deck_pending_new (NULL);
    GStatBuf buf;

    deck_pending_set_autosave (pending, TRUE);
    g_assert_false (deck_pending_load (pending, &error));
    g_assert_error (error, DECK_PENDING_ERROR, DECK_PENDING_ERROR_IO);
    g_test_message ("%s", error->message);
    assert_left_alone (pending, path, DECK_PENDING_ERROR_IO);
    g_assert_cmpint (g_lstat (path, &buf), ==, 0);
    g_assert_true (S_ISFIFO (buf.st_mode));
  }
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_clear_error (&error);

  /* A folder in its place. */
  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  {
    g_autoptr(DeckPending) pending = deck_pending_new (NULL);

    g_assert_false (deck_pending_load (pending, &error));
    g_assert_error (error, DECK_PENDING_ERROR, DECK_PENDING_ERROR_IO);
    assert_left_alone (pending, path, DECK_PENDING_ERROR_IO);
    g_assert_true (g_file_test (path, G_FILE_TEST_IS_DIR));
  }
}

/* Autosave */

static void
test_autosave (void)
{
  g_autofree char *path = pending_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(DeckPending) pending = deck_pending_open (NULL, &error);
  DeckChangeSet *changes = deck_pending_get_changes (pending);

  g_assert_no_error (error);
  g_assert_true (deck_pending_get_autosave (pending));

  /* Many changes in one burst are one idle write; flush writes at once. */
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *table = g_strdup_printf ("t%03u", i);

      stage (changes, "inst-a", table, TRUE);
    }
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  spin_idle ();
  {
    g_autoptr(DeckPending) reread = load_pending ();

    g_assert_cmpuint (deck_change_set_get_n_changes (deck_pending_get_changes (reread)), ==, 100);
  }

  deck_change_set_remove (changes, "inst-a", "node2", "db", "t000");
  g_assert_true (deck_pending_flush (pending, &error));
  g_assert_no_error (error);
  {
    g_autoptr(DeckPending) reread = load_pending ();

    g_assert_cmpuint (deck_change_set_get_n_changes (deck_pending_get_changes (reread)), ==, 99);
  }

  /* A change still waiting for its idle is written when the object goes. */
  deck_change_set_remove (changes, "inst-a", "node2", "db", "t001");
  g_clear_object (&pending);
  {
    g_autoptr(DeckPending) reread = load_pending ();

    g_assert_cmpuint (deck_change_set_get_n_changes (deck_pending_get_changes (reread)), ==, 98);
  }
}

/* Two writers */

static void
test_merge (void)
{
  g_autoptr(DeckChangeSet) base = deck_change_set_new ();
  g_autoptr(DeckChangeSet) ours = NULL;
  g_autoptr(DeckChangeSet) theirs = NULL;
  g_autoptr(DeckChangeSet) merged = NULL;

  stage (base, "i", "kept", TRUE);
  stage (base, "i", "ours-removed", TRUE);
  stage (base, "i", "theirs-removed", TRUE);
  stage (base, "i", "both-changed", TRUE);
  ours = deck_change_set_copy (base);
  theirs = deck_change_set_copy (base);

  stage (ours, "i", "ours-added", TRUE);
  deck_change_set_remove (ours, "i", "node2", "db", "ours-removed");
  deck_change_set_set_subscribe (ours, "i", "node2", "db", "both-changed", TRUE, &off);
  stage (theirs, "i", "theirs-added", TRUE);
  deck_change_set_remove (theirs, "i", "node2", "db", "theirs-removed");
  deck_change_set_remove (theirs, "i", "node2", "db", "both-changed");

  merged = deck_change_set_merge (base, ours, theirs);
  g_assert_true (has (merged, "i", "kept"));
  g_assert_true (has (merged, "i", "ours-added"));
  g_assert_true (has (merged, "i", "theirs-added"));
  g_assert_false (has (merged, "i", "ours-removed"));
  g_assert_false (has (merged, "i", "theirs-removed"));
  /* Both changed it: ours, the edit being made, wins. */
  g_assert_true (has (merged, "i", "both-changed"));
  g_assert_cmpint (deck_change_set_lookup (merged, "i", "node2", "db", "both-changed")->subscribe,
                   ==, DECK_TOGGLE_ON);
  g_assert_cmpuint (deck_change_set_get_n_changes (merged), ==, 4);
}

static void
test_two_writers (void)
{
  g_autoptr(DeckPending) window = load_pending ();
  g_autoptr(DeckPending) cli = load_pending ();
  g_autoptr(GError) error = NULL;

  /* Both loaded the same (empty) file, then each staged and saved. */
  stage (deck_pending_get_changes (window), "inst-w", "dog", TRUE);
  stage (deck_pending_get_changes (cli), "inst-c", "dog", TRUE);
  g_assert_true (deck_pending_save (cli, &error));
  g_assert_true (deck_pending_save (window, &error));
  g_assert_no_error (error);
  g_assert_true (has (deck_pending_get_changes (window), "inst-c", "dog"));
  {
    g_autoptr(DeckPending) reread = load_pending ();

    g_assert_cmpuint (deck_change_set_get_n_changes (deck_pending_get_changes (reread)), ==, 2);
  }

  /* A discard removes what it saw, not what was staged since. */
  g_assert_true (deck_pending_load (cli, &error));
  stage (deck_pending_get_changes (window), "inst-w", "cat", TRUE);
  g_assert_true (deck_pending_save (window, &error));
  deck_change_set_clear (deck_pending_get_changes (cli));
  g_assert_true (deck_pending_save (cli, &error));
  g_assert_no_error (error);
  {
    g_autoptr(DeckPending) reread = load_pending ();
    DeckChangeSet *saved = deck_pending_get_changes (reread);

    g_assert_cmpuint (deck_change_set_get_n_changes (saved), ==, 1);
    g_assert_true (has (saved, "inst-w", "cat"));
  }
}

static void
test_watch (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DeckPending) window = deck_pending_open (NULL, &error);
  DeckChangeSet *changes = deck_pending_get_changes (window);

  g_assert_no_error (error);
  stage (changes, "inst-w", "dog", TRUE);
  g_assert_true (deck_pending_flush (window, &error));

  /* Staged by "the CLI": shown in the window's change set. */
  save_with_other ("inst-c", "cat");
  spin_until_staged (changes, "inst-c", "cat");
  g_assert_true (has (changes, "inst-w", "dog"));

  /* The window's next edit keeps it. */
  stage (changes, "inst-w", "bird", TRUE);
  g_assert_true (deck_pending_flush (window, &error));
  g_assert_no_error (error);
  {
    g_autoptr(DeckPending) reread = load_pending ();
    DeckChangeSet *saved = deck_pending_get_changes (reread);

    g_assert_cmpuint (deck_change_set_get_n_changes (saved), ==, 3);
    g_assert_true (has (saved, "inst-c", "cat"));
  }
}

/* The child: stages CHILD_CHANGES changes, one load, stage and save each,
 * as clusterdeck-cli set does. */
static int
run_stage_child (const char *path,
                 const char *instance)
{
  for (guint i = 0; i < CHILD_CHANGES; i++)
    {
      g_autoptr(DeckPending) pending = deck_pending_new (path);
      g_autoptr(GError) error = NULL;
      g_autofree char *table = g_strdup_printf ("t%02u", i);

      if (!deck_pending_load (pending, &error))
        {
          g_printerr ("%s\n", error->message);
          return 3;
        }
      stage (deck_pending_get_changes (pending), instance, table, TRUE);
      if (!deck_pending_save (pending, &error))
        {
          g_printerr ("%s\n", error->message);
          return 4;
        }
    }
  return 0;
}

static void
test_two_processes (void)
{
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *path = pending_path ();
  g_autoptr(DeckPending) reread = NULL;
  GPid pids[2];

  for (guint i = 0; i < G_N_ELEMENTS (pids); i++)
    {
      g_autofree char *instance = g_strdup_printf ("inst-%u", i);
      /* The children get the path: the test's XDG dirs are not in the
       * environment. */
      const char *argv[] = { self_exe, "--stage-child", path, instance, NULL };
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

  reread = load_pending ();
  g_assert_cmpuint (deck_change_set_get_n_changes (deck_pending_get_changes (reread)), ==,
                    2 * CHILD_CHANGES);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 4 && strcmp (argv[1], "--stage-child") == 0)
    return run_stage_child (argv[2], argv[3]);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/pending/round-trip", test_round_trip);
  g_test_add_func ("/pending/corrupt", test_corrupt);
  g_test_add_func ("/pending/hostile", test_hostile);
  g_test_add_func ("/pending/parse-data", test_parse_data);
  g_test_add_func ("/pending/newer", test_newer);
  g_test_add_func ("/pending/unreadable", test_unreadable);
  g_test_add_func ("/pending/not-a-file", test_not_a_file);
  g_test_add_func ("/pending/autosave", test_autosave);
  g_test_add_func ("/pending/merge", test_merge);
  g_test_add_func ("/pending/two-writers", test_two_writers);
  g_test_add_func ("/pending/watch", test_watch);
  g_test_add_func ("/pending/two-processes", test_two_processes);

  return g_test_run ();
}
