/* test-ui-shortcuts.c: the GNOME habits of the app, without Harper.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under Xvfb on a private session bus that activates nothing, the
 * app's files in a temporary folder, GSettings in memory (meson sets
 * GSETTINGS_BACKEND=memory). Checks that every row of the shortcuts window
 * shows a key (GtkShortcutsShortcut shows an action's key only when it is an
 * application accelerator), that every accelerator's action exists, that the
 * window's size and maximized state reach the settings as they change (not
 * only when the window closes, which Ctrl+Q never does), and that the
 * Preferences edit the refresh interval within the schema's range.
 */

#include <string.h>

#include <adwaita.h>

#include "deck-application.h"
#include "deck-credentials.h"
#include "deck-instance-monitor.h"
#include "deck-preferences-window.h"
#include "deck-store.h"
#include "deck-window.h"
#include "ui-test-util.h"

#define HELP_OVERLAY "/io/github/clusterdeck/Clusterdeck/gtk/help-overlay.ui"

static char *base_dir;

/* The application as the app starts it (actions, accelerators, settings),
 * registered on the private bus but never run. */
static DeckApplication *
registered_application (void)
{
  DeckApplication *app = deck_application_new ();
  g_autoptr(GError) error = NULL;

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  return app;
}

/* Whether @action (with its prefix) is one the app or its window has. */
static gboolean
action_exists (GApplication *app,
               const char   *action)
{
  const char *dot = strchr (action, '.');
  GType type;
  gboolean found = FALSE;

  g_assert_nonnull (dot);
  if (g_str_has_prefix (action, "app."))
    return g_action_group_has_action (G_ACTION_GROUP (app), dot + 1);
  if (g_str_has_prefix (action, "win.show-help-overlay"))
    return TRUE;   /* GtkApplicationWindow's own, when the help overlay is found */

  type = g_str_has_prefix (action, "win.") ? DECK_TYPE_WINDOW : GTK_TYPE_WINDOW;
  {
    g_autoptr(GTypeClass) klass = g_type_class_ref (type);

    for (guint i = 0;; i++)
      {
        GType owner;
        const char *name;
        const GVariantType *parameter_type;
        const char *property_name;

        /* GTK 4.8 fills every out argument: none may be NULL. */
        if (!gtk_widget_class_query_action (GTK_WIDGET_CLASS (klass), i, &owner, &name,
                                            &parameter_type, &property_name))
          break;
        if (g_strcmp0 (name, action) == 0)
          found = TRUE;
      }
  }
  return found;
}

static void
test_every_row_has_a_key (void)
{
  g_autoptr(DeckApplication) app = registered_application ();
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource (HELP_OVERLAY);
  g_autoptr(GSList) objects = gtk_builder_get_objects (builder);
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) actions = NULL;
  guint rows = 0;

  for (GSList *l = objects; l != NULL; l = l->next)
    {
      g_autofree char *title = NULL;
      g_autofree char *accelerator = NULL;
      g_autofree char *action = NULL;
      g_auto(GStrv) accels = NULL;
      const char *shown;

      if (!GTK_IS_SHORTCUTS_SHORTCUT (l->data))
        continue;
      rows++;
      g_object_get (l->data, "title", &title, "accelerator", &accelerator,
                    "action-name", &action, NULL);
      if (accelerator != NULL && *accelerator != '\0')
        shown = accelerator;
      else
        {
          if (action == NULL)
            g_error ("the row “%s” has neither an accelerator nor an action", title);
          accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), action);
          if (accels[0] == NULL)
            g_error ("the row “%s” shows no key: %s has no application accelerator", title, action);
          shown = accels[0];
          g_assert_true (action_exists (G_APPLICATION (app), action));
        }
      g_test_message ("%s: %s", title, shown);
      {
        guint key;
        GdkModifierType mods;
        g_autofree char *canonical = NULL;
        g_autofree char *name = NULL;

        g_assert_true (gtk_accelerator_parse (shown, &key, &mods));
        name = gtk_accelerator_name (key, mods);
        /* Unique within a group: Ctrl+F searches the instances, and filters
         * the Tables while they have the focus (two groups). */
        canonical = g_strdup_printf ("%p %s",
                                     gtk_widget_get_ancestor (l->data, GTK_TYPE_SHORTCUTS_GROUP),
                                     name);
        if (!g_hash_table_add (keys, g_steal_pointer (&canonical)))
          g_error ("the row “%s” shows %s, which another row of its group shows too", title, shown);
      }
    }
  g_assert_cmpuint (rows, >=, 10);

  /* The other way round: every accelerator leads to an action that exists. */
  actions = gtk_application_list_action_descriptions (GTK_APPLICATION (app));
  for (guint i = 0; actions[i] != NULL; i++)
    {
      g_autofree char *name = NULL;
      g_autoptr(GVariant) target = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_true (g_action_parse_detailed_name (actions[i], &name, &target, &error));
      if (!action_exists (G_APPLICATION (app), name))
        g_error ("%s has a key but no such action exists", name);
    }
  g_assert_cmpuint (g_strv_length (actions), >=, 7);

  /* The GNOME keys (HIG): Ctrl+W closes the window, Ctrl+Q quits,
   * Ctrl+comma the Preferences. */
  {
    g_auto(GStrv) close = gtk_application_get_actions_for_accel (GTK_APPLICATION (app), "<Primary>w");
    g_auto(GStrv) quit = gtk_application_get_actions_for_accel (GTK_APPLICATION (app), "<Primary>q");
    g_auto(GStrv) prefs = gtk_application_get_actions_for_accel (GTK_APPLICATION (app), "<Primary>comma");

    g_assert_true (g_strv_contains ((const char * const *) close, "window.close"));
    g_assert_true (g_strv_contains ((const char * const *) quit, "app.quit"));
    g_assert_true (g_strv_contains ((const char * const *) prefs, "app.preferences"));
  }
}

typedef struct
{
  DeckStore           *store;
  DeckInstanceMonitor *monitor;
  DeckContext         *context;
  DeckWindow          *window;
} Opened;

static void
open_window (Opened *opened)
{
  g_autoptr(GError) problem = NULL;
  g_autoptr(GError) error = NULL;

  opened->store = deck_store_new (NULL);
  g_assert_true (deck_store_load (opened->store, &problem, &error));
  g_assert_no_error (error);
  opened->monitor = deck_instance_monitor_new (opened->store, deck_credentials_get_default ());
  opened->context = deck_context_new (opened->store, deck_credentials_get_default (),
                                      opened->monitor);
  opened->window = deck_window_new (NULL, opened->context);
}

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
  g_clear_object (&opened->store);
}

static void
test_window_state_follows (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.clusterdeck.Clusterdeck");
  Opened opened = { 0 };
  int width, height;

  g_settings_set_int (settings, "window-width", 900);
  g_settings_set_int (settings, "window-height", 640);
  g_settings_set_boolean (settings, "window-maximized", FALSE);

  /* The window starts at the saved size... */
  open_window (&opened);
  gtk_window_get_default_size (GTK_WINDOW (opened.window), &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 640);
  gtk_window_present (GTK_WINDOW (opened.window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (opened.window));

  /* ...and a new size is in the settings at once, with the window still
   * open: a quit that closes no window (Ctrl+Q) keeps it. */
  gtk_window_set_default_size (GTK_WINDOW (opened.window), 720, 560);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 720);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 560);
  close_window (&opened);

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 720);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 560);

  /* Maximized, saved: Xvfb has no window manager to maximize the window,
   * but opening and closing it must not write "not maximized" over it. */
  g_settings_set_boolean (settings, "window-maximized", TRUE);
  open_window (&opened);
  gtk_window_present (GTK_WINDOW (opened.window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (opened.window));
  close_window (&opened);
  g_assert_true (g_settings_get_boolean (settings, "window-maximized"));
  g_settings_reset (settings, "window-maximized");
}

static gboolean
match_spin (GtkWidget *widget, gconstpointer data)
{
  return GTK_IS_SPIN_BUTTON (widget);
}

static void
test_preferences (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.clusterdeck.Clusterdeck");
  GtkWidget *prefs;
  GtkSpinButton *spin;
  double min, max;

  g_settings_set_uint (settings, "refresh-interval", 30);
  prefs = deck_preferences_window_new (NULL, settings);
  g_object_ref_sink (prefs);
  gtk_window_present (GTK_WINDOW (prefs));
  gtk_test_widget_wait_for_draw (prefs);

  g_assert_nonnull (find_widget (prefs, match_row_title, "Refresh Interval"));
  spin = GTK_SPIN_BUTTON (find_widget (prefs, match_spin, NULL));
  g_assert_nonnull (spin);
  g_assert_cmpfloat (gtk_spin_button_get_value (spin), ==, 30);

  /* The schema's range, so nothing the button allows is refused. */
  gtk_spin_button_get_range (spin, &min, &max);
  g_assert_cmpfloat (min, ==, 2);
  g_assert_cmpfloat (max, ==, 3600);

  gtk_spin_button_set_value (spin, 45);
  g_assert_cmpuint (g_settings_get_uint (settings, "refresh-interval"), ==, 45);
  g_settings_set_uint (settings, "refresh-interval", 12);
  g_assert_cmpfloat (gtk_spin_button_get_value (spin), ==, 12);

  gtk_window_destroy (GTK_WINDOW (prefs));
  UI_TEST_ASSERT_FINALIZED (prefs);
  g_settings_reset (settings, "refresh-interval");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *config_home = NULL;
  g_autofree char *state_home = NULL;
  int status;

  /* Not G_TEST_OPTION_ISOLATE_DIRS: with its XDG_DATA_DIRS, GTK cannot load
   * its SVG icons (see test-ui-files.c). */
  base_dir = g_dir_make_tmp ("clusterdeck-ui-shortcuts-XXXXXX", NULL);
  g_assert_nonnull (base_dir);
  config_home = g_build_filename (base_dir, "config", NULL);
  state_home = g_build_filename (base_dir, "state", NULL);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  g_setenv ("XDG_STATE_HOME", state_home, TRUE);

  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_print ("Bail out! cannot open a display: run under Xvfb (meson test ui-shortcuts)\n");
      return 1;
    }
  adw_init ();

  g_test_add_func ("/ui/gnome/every-row-has-a-key", test_every_row_has_a_key);
  g_test_add_func ("/ui/gnome/window-state-follows", test_window_state_follows);
  g_test_add_func ("/ui/gnome/preferences", test_preferences);

  status = g_test_run ();
  remove_dir (base_dir);
  g_clear_pointer (&base_dir, g_free);
  return status;
}
