/* deck-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The application owns the context (the store, the keyring access, the
 * instance monitor, the pending changes and the jobs); the window shows it.
 * The store is read off the main thread, and the window appears once it is.
 * The context lives as long as the application, so that a job goes on
 * whatever the window shows.
 */

#define G_LOG_DOMAIN "deck-application"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-application.h"
#include "deck-health-notifier.h"
#include "deck-preferences-window.h"
#include "deck-ui-util.h"
#include "deck-window.h"

struct _DeckApplication
{
  AdwApplication       parent_instance;

  DeckContext         *context;
  DeckHealthNotifier  *notifier;         /* once the store is read */
  GSettings           *settings;         /* nullable: the schema is not installed */
  gboolean             loaded;
  gboolean             activate_pending;
};

G_DEFINE_FINAL_TYPE (DeckApplication, deck_application, ADW_TYPE_APPLICATION)

static void
present_window (DeckApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      GtkShortcutsWindow *overlay;

      window = GTK_WINDOW (deck_window_new (GTK_APPLICATION (self), self->context));
      /* GtkApplication built the window's shortcuts window (gtk/help-overlay.ui)
       * when the window was added to it. */
      overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
      if (overlay != NULL)
        deck_shortcuts_window_name_widgets (overlay);
    }
  gtk_window_present (window);
}

/* The links' health, read as often as the instances are (the
 * refresh-interval setting): the sidebar's marks, and the notifications
 * (unless the health-notifications setting turns them off). */
static void
start_health (DeckApplication *self)
{
  DeckHealthWatch *health = deck_context_get_health_watch (self->context);

  if (self->settings != NULL)
    deck_health_watch_set_interval (health, g_settings_get_uint (self->settings,
                                                                 "refresh-interval"));
  self->notifier = deck_health_notifier_new (G_APPLICATION (self), health,
                                             deck_context_get_store (self->context));
  if (self->settings != NULL)
    g_settings_bind (self->settings, "health-notifications", self->notifier, "enabled",
                     G_SETTINGS_BIND_GET);
  deck_health_watch_start (health);
}

static void
on_store_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(DeckApplication) self = user_data;
  g_autoptr(GError) problem = NULL;
  g_autoptr(GError) error = NULL;

  if (!deck_store_load_finish (DECK_STORE (source), result, &problem, &error))
    g_warning ("Could not read the organizations: %s", error->message);
  if (problem != NULL)
    g_warning ("%s", problem->message);

  self->loaded = TRUE;
  deck_instance_monitor_start (deck_context_get_monitor (self->context));
  start_health (self);
  if (self->activate_pending)
    present_window (self);
  g_application_release (G_APPLICATION (self));
}

static void
deck_application_activate (GApplication *app)
{
  DeckApplication *self = DECK_APPLICATION (app);

  if (!self->loaded)
    {
      self->activate_pending = TRUE;
      return;
    }
  present_window (self);
}

static void
deck_application_about_action (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data)
{
  static const char *developers[] = { "The Clusterdeck developers", NULL };
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  adw_show_about_window (window,
                         "application-name", _("Clusterdeck"),
                         "application-icon", APP_ID,
                         "developer-name", _("The Clusterdeck developers"),
                         "version", PACKAGE_VERSION,
                         "website", "https://github.com/clusterdeck/clusterdeck",
                         "issue-url", "https://github.com/clusterdeck/clusterdeck/issues",
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         /* Translators: put your names here, one per line, e.g.
                          * "Jane Doe <jane@example.org>"; they show in the About window. */
                         "translator-credits", _("translator-credits"),
                         "comments", _("Manage the clustering and replication of Harper instances"),
                         NULL);
}

static void
deck_application_preferences_action (GSimpleAction *action,
                                     GVariant      *parameter,
                                     gpointer       user_data)
{
  DeckApplication *self = DECK_APPLICATION (user_data);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  gtk_window_present (GTK_WINDOW (deck_preferences_window_new (window, self->settings)));
}

static void
deck_application_quit_action (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { .name = "preferences", .activate = deck_application_preferences_action },
  { .name = "about", .activate = deck_application_about_action },
  { .name = "quit", .activate = deck_application_quit_action },
};

/* The keys of every action with one. They are application accelerators,
 * not widget-class bindings, because GtkShortcutsShortcut shows only these
 * (tests/ui/test-ui-shortcuts.c checks every row of the shortcuts window
 * has a key). An action a window does not have (win.add-instance in a
 * dialog) lets the key go on to the focused widget. */
static const struct
{
  const char *action;
  const char *accels[3];
} app_accels[] = {
  { "app.quit", { "<Primary>q", NULL } },
  { "app.preferences", { "<Primary>comma", NULL } },
  { "window.close", { "<Primary>w", NULL } },
  { "win.show-help-overlay", { "<Primary>question", NULL } },
  { "win.add-instance", { "<Primary>n", NULL } },
  { "win.add-organization", { "<Shift><Primary>n", NULL } },
  { "win.refresh", { "<Primary>r", "F5", NULL } },
};

/**
 * deck_application_add_accels:
 * @app: an application
 *
 * Sets the keyboard shortcuts of Clusterdeck's actions on @app.
 */
void
deck_application_add_accels (GtkApplication *app)
{
  g_return_if_fail (GTK_IS_APPLICATION (app));

  for (gsize i = 0; i < G_N_ELEMENTS (app_accels); i++)
    gtk_application_set_accels_for_action (app, app_accels[i].action, app_accels[i].accels);
}

/* The Preferences change it while the app runs. */
static void
on_refresh_interval_changed (DeckApplication *self)
{
  guint interval = g_settings_get_uint (self->settings, "refresh-interval");

  deck_instance_monitor_set_interval (deck_context_get_monitor (self->context), interval);
  deck_health_watch_set_interval (deck_context_get_health_watch (self->context), interval);
}

static void
deck_application_startup (GApplication *app)
{
  DeckApplication *self = DECK_APPLICATION (app);

  G_APPLICATION_CLASS (deck_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  deck_application_add_accels (GTK_APPLICATION (app));
  self->settings = deck_settings_new_if_installed ();

  {
    g_autoptr(DeckStore) store = deck_store_new (NULL);
    g_autoptr(DeckInstanceMonitor) monitor = deck_instance_monitor_new (store,
                                                                         deck_credentials_get_default ());

    if (self->settings != NULL)
      deck_instance_monitor_set_interval (monitor, g_settings_get_uint (self->settings,
                                                                        "refresh-interval"));
    self->context = deck_context_new (store, deck_credentials_get_default (), monitor);
  }
  if (self->settings != NULL)
    g_signal_connect_swapped (self->settings, "changed::refresh-interval",
                              G_CALLBACK (on_refresh_interval_changed), self);

  /* Held until the store is read, so that the application does not quit
   * before its window exists. */
  g_application_hold (app);
  deck_store_load_async (deck_context_get_store (self->context), NULL, on_store_loaded,
                         g_object_ref (self));
}

static void
deck_application_shutdown (GApplication *app)
{
  DeckApplication *self = DECK_APPLICATION (app);

  /* The notifications go with the application (withdrawn), and the
   * readings stop with the context. Jobs still running are cancelled
   * with it. */
  if (self->notifier != NULL)
    g_settings_unbind (self->notifier, "enabled");
  g_clear_object (&self->notifier);
  g_clear_object (&self->context);
  /* The window size is bound to the settings and written as it changes;
   * app.quit ends the process right after, so the writes must be out. */
  if (self->settings != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->settings, self);
      g_settings_sync ();
    }
  g_clear_object (&self->settings);

  G_APPLICATION_CLASS (deck_application_parent_class)->shutdown (app);
}

static void
deck_application_class_init (DeckApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = deck_application_activate;
  app_class->startup = deck_application_startup;
  app_class->shutdown = deck_application_shutdown;
}

static void
deck_application_init (DeckApplication *self)
{
}

/**
 * deck_application_new:
 *
 * Returns: (transfer full): the application
 */
DeckApplication *
deck_application_new (void)
{
  return g_object_new (DECK_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/clusterdeck/Clusterdeck",
                       NULL);
}

/**
 * deck_application_get_context:
 * @self: the application
 *
 * Returns: (transfer none): the context its windows show
 */
DeckContext *
deck_application_get_context (DeckApplication *self)
{
  g_return_val_if_fail (DECK_IS_APPLICATION (self), NULL);
  return self->context;
}
