/* deck-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "deck-application"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-application.h"
#include "deck-window.h"

struct _DeckApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (DeckApplication, deck_application, ADW_TYPE_APPLICATION)

static void
deck_application_activate (GApplication *app)
{
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    window = GTK_WINDOW (deck_window_new (DECK_APPLICATION (app)));

  gtk_window_present (window);
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
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "comments", _("Manage the clustering and replication of Harper instances"),
                         NULL);
}

static void
deck_application_quit_action (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { .name = "about", .activate = deck_application_about_action },
  { .name = "quit", .activate = deck_application_quit_action },
};

static void
deck_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (deck_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit",
                                         (const char *[]) { "<primary>q", NULL });
}

static void
deck_application_class_init (DeckApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = deck_application_activate;
  app_class->startup = deck_application_startup;
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
