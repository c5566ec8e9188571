/* deck-preferences-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Preferences: how often the selected instance is read again (the
 * refresh-interval setting), and whether an unhealthy replication link
 * raises a desktop notification (health-notifications). Each row is bound
 * to its setting, so a
 * change is saved as it is made and the application, which listens to the
 * setting, applies it at once; there is no Apply button.
 */

#define G_LOG_DOMAIN "deck-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-preferences-window.h"
#include "deck-ui-util.h"

struct _DeckPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Template widgets */
  GtkSpinButton        *refresh_spin;
  GtkSwitch            *notify_switch;
};

G_DEFINE_FINAL_TYPE (DeckPreferencesWindow, deck_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
deck_preferences_window_class_init (DeckPreferencesWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/clusterdeck/Clusterdeck/dialogs/deck-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DeckPreferencesWindow, refresh_spin);
  gtk_widget_class_bind_template_child (widget_class, DeckPreferencesWindow, notify_switch);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
deck_preferences_window_init (DeckPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* AdwPreferencesWindow's own search entry has no name in GTK 4.8. */
  deck_widget_name_search_entries (GTK_WIDGET (self), _("Search Preferences"));
}

/**
 * deck_preferences_window_new:
 * @parent: (nullable): the window it belongs to
 * @settings: (nullable): the application's settings; %NULL when the schema
 *   is not installed, and the rows are then insensitive
 *
 * Returns: (transfer floating): a new Preferences window
 */
GtkWidget *
deck_preferences_window_new (GtkWindow *parent,
                             GSettings *settings)
{
  DeckPreferencesWindow *self = g_object_new (DECK_TYPE_PREFERENCES_WINDOW,
                                              "transient-for", parent,
                                              NULL);

  if (settings != NULL)
    {
      /* The schema's range is the spin button's range, so no value the
       * button allows is refused by the setting. */
      g_autoptr(GSettingsSchema) schema = NULL;
      g_autoptr(GSettingsSchemaKey) key = NULL;
      g_autoptr(GVariant) range = NULL;
      const char *kind;
      g_autoptr(GVariant) limits = NULL;

      g_object_get (settings, "settings-schema", &schema, NULL);
      key = g_settings_schema_get_key (schema, "refresh-interval");
      range = g_settings_schema_key_get_range (key);
      g_variant_get (range, "(&sv)", &kind, &limits);
      if (g_strcmp0 (kind, "range") == 0)
        {
          guint32 min, max;

          g_variant_get (limits, "(uu)", &min, &max);
          gtk_spin_button_set_range (self->refresh_spin, min, max);
        }
      g_settings_bind (settings, "refresh-interval", self->refresh_spin, "value",
                       G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "health-notifications", self->notify_switch, "active",
                       G_SETTINGS_BIND_DEFAULT);
    }
  else
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->refresh_spin), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->notify_switch), FALSE);
    }

  return GTK_WIDGET (self);
}
