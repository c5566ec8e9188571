/* test-ui-files.c: the main window and the app's own files, without Harper.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under Xvfb on a private session bus that activates nothing (no
 * keyring: passwords in memory), the app's files in a temporary folder,
 * removed before each test. The real window is opened on files that
 * are hostile (organizations.json nested 150 KB deep, pending.json with a
 * member of the wrong type, a history with nested and wrong-typed lines),
 * newer (organizations.json) or unreadable (pending.json, EACCES even as
 * root: the test drops CAP_DAC_OVERRIDE in its own thread, where the window
 * reads): the window says so in its banner, shows what it can, and leaves
 * every file as it was or set aside intact; nothing is overwritten.
 */

#include <string.h>

#include <adwaita.h>

#include "../unit/file-test-util.h"
#include "deck-credentials.h"
#include "deck-history-window.h"
#include "deck-instance-monitor.h"
#include "deck-instance-row.h"
#include "deck-store.h"
#include "deck-window.h"
#include "ui-test-util.h"

static GLogFunc test_log_handler;

static void
drop_debug_messages (const char     *log_domain,
                     GLogLevelFlags  log_level,
                     const char     *message,
                     gpointer        user_data)
{
  if ((log_level & G_LOG_LEVEL_DEBUG) == 0)
    test_log_handler (log_domain, log_level, message, user_data);
}

static char *
config_path (const char *name)
{
  return g_build_filename (g_get_user_config_dir (), "clusterdeck", name, NULL);
}

static char *
state_path (const char *name)
{
  return g_build_filename (g_get_user_state_dir (), "clusterdeck", name, NULL);
}

/* Removes @path and what it holds (no symlinks are followed). */
static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static char *base_dir;

/* Each test starts with no file of the app's. */
static void
fresh_files (void)
{
  g_autofree char *config = g_build_filename (g_get_user_config_dir (), "clusterdeck", NULL);
  g_autofree char *state = g_build_filename (g_get_user_state_dir (), "clusterdeck", NULL);

  remove_tree (config);
  remove_tree (state);
}

typedef struct
{
  DeckStore           *store;
  DeckCredentials     *credentials;
  DeckInstanceMonitor *monitor;
  DeckContext         *context;
  DeckWindow          *window;
} Opened;

/* The store loaded as the app loads it, then the window on it. */
static void
open_window (Opened *opened)
{
  g_autoptr(GError) problem = NULL;
  g_autoptr(GError) error = NULL;

  opened->store = deck_store_new (NULL);
  g_assert_true (deck_store_load (opened->store, &problem, &error));
  g_assert_no_error (error);
  if (problem != NULL)
    g_test_message ("the store's problem: %s", problem->message);
  opened->credentials = g_object_ref (deck_credentials_get_default ());
  opened->monitor = deck_instance_monitor_new (opened->store, opened->credentials);
  opened->context = deck_context_new (opened->store, opened->credentials, opened->monitor);
  opened->window = deck_window_new (NULL, opened->context);
  gtk_window_present (GTK_WINDOW (opened->window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (opened->window));
}

/* The window goes (it saves what is waiting then), and what it used. */
static void
close_window (Opened *opened)
{
  gboolean destroyed = FALSE;

  g_signal_connect (opened->window, "destroy", G_CALLBACK (ui_test_on_destroyed), &destroyed);
  gtk_window_destroy (GTK_WINDOW (opened->window));
  WAIT_UNTIL (destroyed, 5000);
  flush_main_context ();
  g_clear_object (&opened->context);
  g_clear_object (&opened->monitor);
  g_clear_object (&opened->credentials);
  g_clear_object (&opened->store);
}

static gboolean
match_label_containing (GtkWidget *widget, gconstpointer text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_is_drawable (widget) &&
         strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL;
}

/* The banner shows @text, drawn as plain text */
static void
assert_banner_says (DeckWindow *window,
                    const char *text)
{
  GtkWidget *label = NULL;

  WAIT_UNTIL ((label = find_widget (GTK_WIDGET (window), match_label_containing, text)) != NULL,
              5000);
  g_assert_false (gtk_label_get_use_markup (GTK_LABEL (label)));
  g_test_message ("the banner: %s", gtk_label_get_label (GTK_LABEL (label)));
}

static void
assert_set_aside_intact (const char *path,
                         const char *contents,
                         gsize       length)
{
  g_autoptr(GPtrArray) aside = file_test_list_siblings (path, "corrupt-");
  g_autofree char *kept = NULL;
  gsize kept_length = 0;

  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (aside->len, ==, 1);
  kept = file_test_read (aside->pdata[0], &kept_length);
  g_assert_cmpmem (kept, kept_length, contents, length);
}

static GtkWindow *
find_window_titled (const char *title)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (gtk_widget_get_visible (GTK_WIDGET (item)) &&
          g_strcmp0 (gtk_window_get_title (GTK_WINDOW (item)), title) == 0)
        return GTK_WINDOW (item);
    }
  return NULL;
}

static void
test_hostile (void)
{
  g_autofree char *orgs = config_path ("organizations.json");
  g_autofree char *pending = state_path ("pending.json");
  g_autofree char *history = state_path ("history.jsonl");
  const char *wrong_type = "{\"version\": 1, \"changes\": [{\"instance\": \"i\", \"peer\": \"p\", "
                           "\"database\": \"d\", \"table\": \"t\", \"publish\": \"yes\", "
                           "\"baseline\": {\"publish\": false, \"subscribe\": false, "
                           "\"replicates\": false}}]}";
  const char *good = "{\"version\": 1, \"time\": \"2026-01-02T10:00:00Z\", \"instance\": \"node1\", "
                     "\"peer\": \"node2\", \"operation\": \"update_node\", "
                     "\"changes\": [\"db.dog: publish off\"], \"result\": \"ok\", "
                     "\"message\": null}\n";
  FileTestHostile nested = file_test_hostile_nested ();
  g_autoptr(GString) lines = g_string_new (good);
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autofree char *history_after = NULL;
  Opened opened = { 0 };
  GtkWindow *history_window = NULL;
  gboolean destroyed = FALSE;

  fresh_files ();
  file_test_write (orgs, nested.data, (gssize) nested.length);
  file_test_write (pending, wrong_type, -1);
  g_string_append_len (lines, nested.data, (gssize) nested.length);
  g_string_append (lines, "\n{\"time\": 7, \"instance\": \"x\", \"peer\": \"y\", \"operation\": \"z\"}\n");
  file_test_write (history, lines->str, (gssize) lines->len);

  open_window (&opened);
  assert_banner_says (opened.window, "Your organizations file could not be read");
  assert_banner_says (opened.window, "Your pending changes could not be read");
  assert_set_aside_intact (orgs, nested.data, nested.length);
  assert_set_aside_intact (pending, wrong_type, strlen (wrong_type));

  /* The history: the good entry, the others counted. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (opened.window), "win.history", NULL));
  WAIT_UNTIL ((history_window = find_window_titled ("Replication History")) != NULL, 5000);
  g_assert_true (DECK_IS_HISTORY_WINDOW (history_window));
  WAIT_UNTIL (deck_history_window_is_loaded (DECK_HISTORY_WINDOW (history_window)), 5000);
  find_all_widgets (GTK_WIDGET (history_window), match_type,
                    GSIZE_TO_POINTER (ADW_TYPE_ACTION_ROW), rows);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_nonnull (find_widget (GTK_WIDGET (history_window), match_label_text,
                                 "2 lines of the file could not be read."));
  g_signal_connect (history_window, "destroy", G_CALLBACK (ui_test_on_destroyed), &destroyed);
  /* Held until it is closed, then let go: it must go (its last reference
   * dropped disposes it, and says "destroy"). */
  g_object_ref (history_window);
  gtk_window_close (history_window);
  WAIT_UNTIL (find_window_titled ("Replication History") == NULL, 5000);
  UI_TEST_ASSERT_FINALIZED (history_window);
  g_assert_true (destroyed);
  history_after = file_test_read (history, NULL);
  g_assert_cmpstr (history_after, ==, lines->str);

  close_window (&opened);
  /* Nothing was staged: nothing written in the place of pending.json. */
  g_assert_false (g_file_test (pending, G_FILE_TEST_EXISTS));
  file_test_hostile_clear (&nested);
}

static void
test_newer_and_unreadable (void)
{
  g_autofree char *orgs = config_path ("organizations.json");
  g_autofree char *pending = state_path ("pending.json");
  const char *newer = "{\"version\": 5, \"organizations\": [{\"id\": \"o1\", \"name\": \"Acme\", "
                      "\"instances\": [{\"id\": \"i1\", \"name\": \"db1\", "
                      "\"url\": \"https://db1.example.com:9925\", \"username\": \"u\"}]}]}";
  const char *staged = "{\"version\": 1, \"changes\": [{\"instance\": \"i1\", \"peer\": \"node2\", "
                       "\"database\": \"db\", \"table\": \"dog\", \"publish\": false, "
                       "\"baseline\": {\"publish\": true, \"subscribe\": true, "
                       "\"replicates\": false}}]}";
  g_autoptr(GError) error = NULL;
  g_autofree char *orgs_after = NULL;
  g_autofree char *pending_after = NULL;
  Opened opened = { 0 };
  GStatBuf buf;

  fresh_files ();
  file_test_write (orgs, newer, -1);
  file_test_write (pending, staged, -1);
  file_test_deny_read (pending);

  open_window (&opened);
  assert_banner_says (opened.window, "newer version of Clusterdeck");
  assert_banner_says (opened.window, "Your pending changes could not be read");
  assert_banner_says (opened.window, g_strerror (EACCES));

  /* The newer file is shown, read-only. */
  WAIT_UNTIL (find_widget (GTK_WIDGET (opened.window), match_label_text, "Acme") != NULL, 5000);
  WAIT_UNTIL (find_of_type (GTK_WIDGET (opened.window), DECK_TYPE_INSTANCE_ROW) != NULL, 5000);
  g_assert_true (deck_store_get_read_only (opened.store));
  g_assert_null (deck_store_add_organization (opened.store, "Other", &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_READ_ONLY);

  close_window (&opened);
  file_test_allow_read (pending);
  orgs_after = file_test_read (orgs, NULL);
  g_assert_cmpstr (orgs_after, ==, newer);
  pending_after = file_test_read (pending, NULL);
  g_assert_cmpstr (pending_after, ==, staged);
  g_assert_cmpint (g_stat (pending, &buf), ==, 0);
  g_assert_cmpuint (file_test_count_siblings (orgs, ""), ==, 0);
  g_assert_cmpuint (file_test_count_siblings (pending, ""), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *config_home = NULL;
  g_autofree char *state_home = NULL;
  int status;

  /* The app's folders in a temporary one, set before anything reads them.
   * Not G_TEST_OPTION_ISOLATE_DIRS: with its XDG_DATA_DIRS, GTK cannot load
   * its SVG icons (a warning, fatal in a test). */
  base_dir = g_dir_make_tmp ("clusterdeck-ui-files-XXXXXX", NULL);
  g_assert_nonnull (base_dir);
  config_home = g_build_filename (base_dir, "config", NULL);
  state_home = g_build_filename (base_dir, "state", NULL);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  g_setenv ("XDG_STATE_HOME", state_home, TRUE);

  g_test_init (&argc, &argv, NULL);
  if (g_strcmp0 (g_getenv ("G_MESSAGES_DEBUG"), "") == 0 || g_getenv ("G_MESSAGES_DEBUG") == NULL)
    test_log_handler = g_log_set_default_handler (drop_debug_messages, NULL);
  if (!gtk_init_check ())
    {
      g_print ("Bail out! cannot open a display: run under Xvfb (meson test ui-files)\n");
      return 1;
    }
  adw_init ();

  g_test_add_func ("/ui/files/hostile", test_hostile);
  g_test_add_func ("/ui/files/newer-and-unreadable", test_newer_and_unreadable);

  status = g_test_run ();
  remove_tree (base_dir);
  g_clear_pointer (&base_dir, g_free);
  return status;
}
