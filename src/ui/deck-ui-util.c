/* deck-ui-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Small widget helpers the pages and dialogs share: buttons whose mnemonic
 * does not double their accessible name, and the places where libadwaita
 * 1.2 parses a string as Pango markup (toasts, status page descriptions,
 * preferences group titles and descriptions), which get text from a
 * server, a file or the user only escaped. Rows are made plain text with
 * adw_preferences_row_set_use_markup() (or use-markup in a template).
 */

#include "config.h"

#include "deck-ui-util.h"

/**
 * deck_mnemonic_button_new:
 * @label: the label, with an underlined mnemonic ("_Apply")
 *
 * A button whose accessible name is its label once: GTK 4.8 sets the
 * label with the underscore as the accessible name too, and screen readers
 * read both.
 *
 * Returns: (transfer floating): the button
 */
GtkWidget *
deck_mnemonic_button_new (const char *label)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL);
  return button;
}

/**
 * deck_button_set_mnemonic_label:
 * @button: a button made by deck_mnemonic_button_new()
 * @label: its new label
 *
 * gtk_button_set_label() sets the doubled accessible name again.
 */
void
deck_button_set_mnemonic_label (GtkButton  *button,
                                const char *label)
{
  gtk_button_set_label (button, label);
  gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL);
}

/**
 * deck_widget_reset_mnemonic_labels:
 * @widget: a widget, usually a template's root after gtk_widget_init_template()
 *
 * For every button under @widget (itself included) whose label has a
 * mnemonic, lets the accessible name come from the label alone, as
 * deck_mnemonic_button_new() does: buttons built from a template get the
 * doubled name too.
 */
void
deck_widget_reset_mnemonic_labels (GtkWidget *widget)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  if (GTK_IS_BUTTON (widget) && gtk_button_get_use_underline (GTK_BUTTON (widget)) &&
      gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
    gtk_accessible_reset_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    deck_widget_reset_mnemonic_labels (child);
}

/* Text -------------------------------------------------------------------- */

static char *
escape (const char *text)
{
  return text != NULL ? g_markup_escape_text (text, -1) : NULL;
}

/**
 * deck_toast_new_text:
 * @text: plain text (it may come from a server)
 *
 * AdwToast 1.2 parses its title as markup and has no way to turn that off:
 * the title is @text escaped.
 *
 * Returns: (transfer full): a new toast
 */
AdwToast *
deck_toast_new_text (const char *text)
{
  g_autofree char *escaped = escape (text != NULL ? text : "");

  return adw_toast_new (escaped);
}

/* The first AdwToastOverlay under @widget, depth first */
static AdwToastOverlay *
find_overlay_below (GtkWidget *widget)
{
  if (ADW_IS_TOAST_OVERLAY (widget))
    return ADW_TOAST_OVERLAY (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AdwToastOverlay *found = find_overlay_below (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The toast overlay a widget's toasts go to: its own window's, else (in a
 * dialog) the window the dialog belongs to. */
static AdwToastOverlay *
find_overlay (GtkWidget *widget)
{
  GtkWidget *ancestor = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  GtkWindow *window;

  if (ancestor != NULL)
    return ADW_TOAST_OVERLAY (ancestor);
  window = deck_widget_get_window (widget);
  for (GtkWindow *parent = window != NULL ? gtk_window_get_transient_for (window) : NULL;
       parent != NULL;
       parent = gtk_window_get_transient_for (parent))
    {
      AdwToastOverlay *overlay = find_overlay_below (GTK_WIDGET (parent));

      if (overlay != NULL)
        return overlay;
    }
  return NULL;
}

/**
 * deck_widget_add_toast:
 * @widget: a widget in a window
 * @toast: (transfer full): a toast
 *
 * Shows @toast in the toast overlay of @widget's window (or of the window
 * a dialog belongs to); drops it when there is none.
 */
void
deck_widget_add_toast (GtkWidget *widget,
                       AdwToast  *toast)
{
  AdwToastOverlay *overlay;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (ADW_IS_TOAST (toast));

  overlay = find_overlay (widget);
  if (overlay != NULL)
    adw_toast_overlay_add_toast (overlay, toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}

/**
 * deck_widget_toast:
 * @widget: a widget in a window
 * @text: plain text (it may come from a server)
 *
 * Shows @text in a toast, see deck_widget_add_toast().
 */
void
deck_widget_toast (GtkWidget  *widget,
                   const char *text)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  deck_widget_add_toast (widget, deck_toast_new_text (text));
}

/**
 * deck_status_page_set_description_text:
 * @page: a status page
 * @text: (nullable): plain text
 *
 * AdwStatusPage 1.2 always parses its description as markup.
 */
void
deck_status_page_set_description_text (AdwStatusPage *page,
                                       const char    *text)
{
  g_autofree char *escaped = escape (text);

  adw_status_page_set_description (page, escaped);
}

/**
 * deck_preferences_group_set_title_text:
 * @group: a preferences group
 * @text: plain text
 *
 * AdwPreferencesGroup 1.2 always parses its title as markup.
 */
void
deck_preferences_group_set_title_text (AdwPreferencesGroup *group,
                                       const char          *text)
{
  g_autofree char *escaped = escape (text != NULL ? text : "");

  adw_preferences_group_set_title (group, escaped);
}

/**
 * deck_preferences_group_set_description_text:
 * @group: a preferences group
 * @text: (nullable): plain text
 *
 * AdwPreferencesGroup 1.2 always parses its description as markup.
 */
void
deck_preferences_group_set_description_text (AdwPreferencesGroup *group,
                                             const char          *text)
{
  g_autofree char *escaped = escape (text);

  adw_preferences_group_set_description (group, escaped);
}

/**
 * deck_widget_get_window:
 * @widget: a widget
 *
 * Returns: (nullable) (transfer none): the window @widget is in, for the
 *   dialogs it opens
 */
GtkWindow *
deck_widget_get_window (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}
