/* deck-ui-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Small widget helpers the pages and dialogs share: buttons whose mnemonic
 * does not double their accessible name, password fields whose icons have
 * a name, and the places where libadwaita 1.2 parses a string as Pango
 * markup (toasts, status page descriptions, preferences group titles and
 * descriptions), which get text from a server, a file or the user only
 * escaped. Rows are made plain text with
 * adw_preferences_row_set_use_markup() (or use-markup in a template).
 */

#include "config.h"

#include <glib/gi18n.h>

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

/* GTK 4.8 sets the label again, with its underscore, as the button's
 * accessible name whenever the label changes: reset it each time. */
static void
mnemonic_label_changed (GtkButton *button)
{
  if (gtk_button_get_use_underline (button) && gtk_button_get_label (button) != NULL)
    gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL);
}

/**
 * deck_widget_reset_mnemonic_labels:
 * @widget: a widget, usually a template's root after gtk_widget_init_template(),
 *   or an #AdwMessageDialog after its responses were added
 *
 * For every button under @widget (itself included) whose label has a
 * mnemonic, lets the accessible name come from the label alone, as
 * deck_mnemonic_button_new() does: buttons built from a template, and the
 * response buttons of a message dialog, get the doubled name too
 * ("_Cancel Cancel": the raw label set as the accessible label, plus the
 * visible label the button is labelled by). The name then is the visible
 * label's text, without the underscore; it stays so when the label changes.
 */
void
deck_widget_reset_mnemonic_labels (GtkWidget *widget)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  if (GTK_IS_BUTTON (widget) && !g_object_get_data (G_OBJECT (widget), "deck-mnemonic-name"))
    {
      g_object_set_data (G_OBJECT (widget), "deck-mnemonic-name", GINT_TO_POINTER (1));
      mnemonic_label_changed (GTK_BUTTON (widget));
      g_signal_connect (widget, "notify::label", G_CALLBACK (mnemonic_label_changed), NULL);
      g_signal_connect (widget, "notify::use-underline", G_CALLBACK (mnemonic_label_changed), NULL);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    deck_widget_reset_mnemonic_labels (child);
}

/* The icon's name is its tooltip, which the entry changes as the icon
 * changes ("Show Text" → "Hide Text"). */
static void
icon_tooltip_changed (GtkWidget *icon)
{
  const char *tooltip = gtk_widget_get_tooltip_text (icon);

  if (tooltip != NULL && *tooltip != '\0')
    gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    tooltip, -1);
}

static void
name_icons_below (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if ((GTK_IS_BUTTON (child) || GTK_IS_IMAGE (child)) &&
          !g_object_get_data (G_OBJECT (child), "deck-icon-name"))
        {
          g_object_set_data (G_OBJECT (child), "deck-icon-name", GINT_TO_POINTER (1));
          icon_tooltip_changed (child);
          g_signal_connect (child, "notify::tooltip-text", G_CALLBACK (icon_tooltip_changed), NULL);
        }
      else
        name_icons_below (child);
    }
}

/**
 * deck_password_entry_name_icons:
 * @entry: a #GtkPasswordEntry or an #AdwPasswordEntryRow
 *
 * Names the icons of a password field after their tooltips: the peek icon
 * ("Show Text", a #GtkButton in #AdwPasswordEntryRow 1.2, a #GtkImage in
 * #GtkPasswordEntry) and the Caps Lock warning. GTK 4.8 gives them no
 * accessible name, so a screen reader hears the peek icon as a button
 * called "GtkImage"; the tooltip is only its description. The name follows
 * the tooltip, which says what pressing the icon does next ("Hide Text"),
 * in libadwaita's and GTK's own translation.
 */
void
deck_password_entry_name_icons (GtkWidget *entry)
{
  g_return_if_fail (GTK_IS_PASSWORD_ENTRY (entry) || ADW_IS_PASSWORD_ENTRY_ROW (entry));

  name_icons_below (entry);
  /* GtkPasswordEntry makes its peek icon when it is asked to show it. */
  if (GTK_IS_PASSWORD_ENTRY (entry) && !g_object_get_data (G_OBJECT (entry), "deck-icon-name"))
    {
      g_object_set_data (G_OBJECT (entry), "deck-icon-name", GINT_TO_POINTER (1));
      g_signal_connect (entry, "notify::show-peek-icon", G_CALLBACK (name_icons_below), NULL);
    }
}

/* The shortcuts window --------------------------------------------------- */

static void
name_widget (GtkWidget  *widget,
             const char *name)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  name, -1);
}

/* A search entry's placeholder ("Search Shortcuts") is not its name in
 * GTK 4.8: it is made its name, or fallback when it has none. */
static void
name_search_entry (GtkWidget  *entry,
                   const char *fallback)
{
  g_autofree char *placeholder = NULL;

  g_object_get (entry, "placeholder-text", &placeholder, NULL);
  name_widget (entry, placeholder != NULL && *placeholder != '\0' ? placeholder : fallback);
}

static void
name_search_entries_below (GtkWidget  *widget,
                           const char *fallback)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_SEARCH_ENTRY (child))
        name_search_entry (child, fallback);
      else
        name_search_entries_below (child, fallback);
    }
}

/**
 * deck_widget_name_search_entries:
 * @widget: a widget, built
 * @fallback: the name of an entry without a placeholder text
 *
 * Names every #GtkSearchEntry under @widget after its placeholder text:
 * GTK 4.8 gives the search entries that libadwaita and GTK make for
 * themselves (#AdwPreferencesWindow's) no accessible name, and a screen
 * reader hears "GtkSearchEntry".
 */
void
deck_widget_name_search_entries (GtkWidget  *widget,
                                 const char *fallback)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  name_search_entries_below (widget, fallback);
}

/* Whether button shows only an icon named "edit-find…": the search
 * toggle of GtkShortcutsWindow's header bar. */
static gboolean
is_search_icon_button (GtkWidget *button)
{
  GtkWidget *child = gtk_button_get_child (GTK_BUTTON (button));
  const char *icon = GTK_IS_IMAGE (child) ? gtk_image_get_icon_name (GTK_IMAGE (child)) : NULL;

  return icon != NULL && g_str_has_prefix (icon, "edit-find");
}

static void
name_shortcuts_widgets_below (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_SEARCH_ENTRY (child))
        {
          name_search_entry (child, _("Search Shortcuts"));
          continue;
        }
      if (GTK_IS_MENU_BUTTON (child))
        {
          /* The section menu. The toggle button inside it, which AT-SPI
           * lists as a node of its own, is labelled by the menu button:
           * named too, it would say "Sections Sections". */
          name_widget (child, _("Sections"));
          continue;
        }
      if (GTK_IS_BUTTON (child) && is_search_icon_button (child))
        name_widget (child, _("Search Shortcuts"));
      name_shortcuts_widgets_below (child);
    }
}

/**
 * deck_shortcuts_window_name_widgets:
 * @window: a #GtkShortcutsWindow, built
 *
 * Names the widgets GtkShortcutsWindow makes for itself, which GTK 4.8
 * leaves without an accessible name (a screen reader hears
 * "GtkSearchEntry", "GtkImage", "GtkMenuButton"): the search entry after
 * its placeholder, the search toggle button "Search Shortcuts" and the
 * section menu button "Sections". Nothing is added to the window: the
 * names are the widgets' own accessible labels.
 */
void
deck_shortcuts_window_name_widgets (GtkShortcutsWindow *window)
{
  g_return_if_fail (GTK_IS_SHORTCUTS_WINDOW (window));

  if (g_object_get_data (G_OBJECT (window), "deck-shortcuts-named"))
    return;
  g_object_set_data (G_OBJECT (window), "deck-shortcuts-named", GINT_TO_POINTER (1));
  name_shortcuts_widgets_below (GTK_WIDGET (window));
}

/* libadwaita 1.2's toast has a close button with an icon and no name: a
 * screen reader hears "GtkImage". Its action button ("_Undo") gets GTK
 * 4.8's doubled name ("_Undo Undo"). Each toast widget is named as it is
 * added to the overlay. */
static void
name_toast_buttons_below (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_BUTTON (child) && gtk_button_get_label (GTK_BUTTON (child)) == NULL)
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        _("Dismiss"), -1);
      else if (GTK_IS_BUTTON (child))
        deck_widget_reset_mnemonic_labels (child);
      name_toast_buttons_below (child);
    }
}

static void
on_toast_overlay_children_changed (GListModel *children,
                                   guint       position,
                                   guint       removed,
                                   guint       added,
                                   gpointer    user_data)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GtkWidget) child = g_list_model_get_item (children, i);

      if (g_strcmp0 (G_OBJECT_TYPE_NAME (child), "AdwToastWidget") == 0)
        name_toast_buttons_below (child);
    }
}

/* Tab leaves a list ------------------------------------------------------- */

/* The list's last (forward) or first (backward) row that can take the focus,
 * in the list's order. */
static GtkWidget *
list_box_edge_row (GtkListBox       *list,
                   GtkDirectionType  direction)
{
  GtkWidget *edge = NULL;
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (list, i)) != NULL; i++)
    {
      GtkWidget *widget = GTK_WIDGET (row);

      if (!gtk_widget_get_mapped (widget) || !gtk_widget_is_sensitive (widget) ||
          !gtk_widget_get_focusable (widget))
        continue;
      edge = widget;
      if (direction == GTK_DIR_TAB_BACKWARD)
        break;
    }
  return edge;
}

static gboolean
list_box_key_pressed_cb (GtkEventControllerKey *controller,
                         guint                  keyval,
                         guint                  keycode,
                         GdkModifierType        state,
                         gpointer               user_data)
{
  GtkListBox *list = GTK_LIST_BOX (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller)));
  GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (list), GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = NULL;
  GtkDirectionType direction;
  GtkWidget *edge;
  GtkRoot *root;
  double value = 0;

  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return GDK_EVENT_PROPAGATE;
  if (keyval == GDK_KEY_ISO_Left_Tab ||
      ((keyval == GDK_KEY_Tab || keyval == GDK_KEY_KP_Tab) && (state & GDK_SHIFT_MASK) != 0))
    direction = GTK_DIR_TAB_BACKWARD;
  else if (keyval == GDK_KEY_Tab || keyval == GDK_KEY_KP_Tab)
    direction = GTK_DIR_TAB_FORWARD;
  else
    return GDK_EVENT_PROPAGATE;

  edge = list_box_edge_row (list, direction);
  root = gtk_widget_get_root (GTK_WIDGET (list));
  if (edge == NULL || root == NULL)
    return GDK_EVENT_PROPAGATE;

  /* Focusing a row by gtk_widget_grab_focus() moves the list's cursor, not
   * its selection; from the edge row GTK's own Tab goes on past the list.
   * The scrolled window follows the focus to that row: it is put back. */
  if (scrolled != NULL)
    {
      adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
      value = gtk_adjustment_get_value (adjustment);
    }
  gtk_widget_grab_focus (edge);
  /* As GtkWindow moves the focus on Tab: past the last widget, around. */
  if (!gtk_widget_child_focus (GTK_WIDGET (root), direction))
    {
      gtk_root_set_focus (root, NULL);
      gtk_widget_child_focus (GTK_WIDGET (root), direction);
    }
  if (adjustment != NULL)
    gtk_adjustment_set_value (adjustment, value);
  return GDK_EVENT_STOP;
}

/**
 * deck_list_box_tab_leaves:
 * @list: a list box with single or browse selection (a sidebar)
 *
 * Makes Tab and Shift+Tab leave @list at once, from any row; the arrows
 * still move from row to row. GTK 4.8's list box makes every row a Tab
 * stop and selects the row Tab lands on, so a keyboard user going past
 * the instances list with Tab selected every instance in turn and ended
 * on the last one. Tab into the list still lands on the selected row.
 */
void
deck_list_box_tab_leaves (GtkListBox *list)
{
  GtkEventController *keys;

  g_return_if_fail (GTK_IS_LIST_BOX (list));

  keys = gtk_event_controller_key_new ();
  /* Before the list box's own handling of the key, which is in the bubble
   * phase of the focused row's ancestors (the window's Tab binding). */
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (list_box_key_pressed_cb), NULL);
  gtk_widget_add_controller (GTK_WIDGET (list), keys);
}

/**
 * deck_toast_overlay_name_buttons:
 * @overlay: a toast overlay
 *
 * Gives the close button of every toast @overlay shows from now on an
 * accessible name ("Dismiss"), which libadwaita 1.2 does not.
 */
void
deck_toast_overlay_name_buttons (AdwToastOverlay *overlay)
{
  GListModel *children;

  g_return_if_fail (ADW_IS_TOAST_OVERLAY (overlay));

  children = gtk_widget_observe_children (GTK_WIDGET (overlay));
  g_signal_connect (children, "items-changed", G_CALLBACK (on_toast_overlay_children_changed),
                    NULL);
  /* The list lives as long as the overlay. */
  g_object_set_data_full (G_OBJECT (overlay), "deck-toast-children", children, g_object_unref);
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

/**
 * deck_settings_new_if_installed:
 *
 * An uninstalled build run without GSETTINGS_SCHEMA_DIR has no schema, and
 * g_settings_new() would abort: it runs without settings instead.
 *
 * Returns: (transfer full) (nullable): the application's settings, or %NULL
 *   when their schema is not installed
 */
GSettings *
deck_settings_new_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    return NULL;
  return g_settings_new (APP_ID);
}

/* Keeping the keyboard focus -------------------------------------------------- */

/* What deck_window_keep_focus() remembers of a window: the ancestors of its
 * last focus widget, nearest first, and the pending look at a lost focus. */
typedef struct
{
  GtkWindow *window;     /* unowned: this is the window's data */
  GPtrArray *ancestors;  /* GWeakRef *, owned */
  guint      idle_id;
} FocusKeeper;

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

static void
focus_keeper_free (gpointer data)
{
  FocusKeeper *keeper = data;

  g_clear_handle_id (&keeper->idle_id, g_source_remove);
  g_ptr_array_unref (keeper->ancestors);
  g_free (keeper);
}

static gboolean
restore_focus (gpointer data)
{
  FocusKeeper *keeper = data;

  keeper->idle_id = 0;
  if (gtk_window_get_focus (keeper->window) != NULL ||
      !gtk_widget_get_mapped (GTK_WIDGET (keeper->window)))
    return G_SOURCE_REMOVE;
  for (guint i = 0; i < keeper->ancestors->len; i++)
    {
      g_autoptr(GtkWidget) ancestor = g_weak_ref_get (g_ptr_array_index (keeper->ancestors, i));

      if (ancestor != NULL && gtk_widget_get_root (ancestor) == GTK_ROOT (keeper->window) &&
          gtk_widget_get_mapped (ancestor) &&
          gtk_widget_child_focus (ancestor, GTK_DIR_TAB_FORWARD))
        break;
    }
  return G_SOURCE_REMOVE;
}

static void
on_focus_widget (GtkWindow   *window,
                 GParamSpec  *pspec,
                 FocusKeeper *keeper)
{
  GtkWidget *focus = gtk_window_get_focus (window);

  if (focus == NULL)
    {
      /* GTK passes through no focus on its way around (Tab past the last
       * widget): only a focus still lost once it is idle counts. */
      if (keeper->idle_id == 0)
        keeper->idle_id = g_idle_add (restore_focus, keeper);
      return;
    }
  g_clear_handle_id (&keeper->idle_id, g_source_remove);
  g_ptr_array_set_size (keeper->ancestors, 0);
  for (GtkWidget *w = gtk_widget_get_parent (focus); w != NULL && w != GTK_WIDGET (window);
       w = gtk_widget_get_parent (w))
    {
      GWeakRef *ref = g_new0 (GWeakRef, 1);

      g_weak_ref_init (ref, w);
      g_ptr_array_add (keeper->ancestors, ref);
    }
}

/**
 * deck_window_keep_focus:
 * @window: a window
 *
 * When the focused widget of @window goes away (its row rebuilt, its bar
 * hidden after an Apply), GTK 4.8 leaves the window with no focus at all,
 * and the next Tab starts again at its first widget: a keyboard user loses
 * their place. From now on the focus then goes to the first widget that
 * takes it in the nearest of the lost widget's containers still shown.
 */
void
deck_window_keep_focus (GtkWindow *window)
{
  FocusKeeper *keeper;

  g_return_if_fail (GTK_IS_WINDOW (window));

  keeper = g_new0 (FocusKeeper, 1);
  keeper->window = window;
  keeper->ancestors = g_ptr_array_new_with_free_func (weak_ref_free);
  g_object_set_data_full (G_OBJECT (window), "deck-focus-keeper", keeper, focus_keeper_free);
  g_signal_connect (window, "notify::focus-widget", G_CALLBACK (on_focus_widget), keeper);
}
