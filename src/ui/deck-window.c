/* deck-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "deck-window"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-window.h"

struct _DeckWindow
{
  AdwApplicationWindow  parent_instance;

  AdwStatusPage        *empty_page;
};

G_DEFINE_FINAL_TYPE (DeckWindow, deck_window, ADW_TYPE_APPLICATION_WINDOW)

static void
deck_window_class_init (DeckWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/clusterdeck/Clusterdeck/deck-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DeckWindow, empty_page);
}

static void
deck_window_init (DeckWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * deck_window_new:
 * @application: the application
 *
 * Returns: (transfer full): a new main window
 */
DeckWindow *
deck_window_new (DeckApplication *application)
{
  return g_object_new (DECK_TYPE_WINDOW, "application", application, NULL);
}
