/* tour-util.h: what tour-screenshots.c finds and waits for (header only)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Windows, message dialogs, rows and buttons of the management screen found
 * by their titles and tooltips, the Add Instance dialog filled in and
 * saved, popovers rendered on white. Split from tour-screenshots.c (which
 * alone includes it) to keep that file under the house's 1,000 lines; it
 * relies on ui-test-harper.h's globals (the window, the store), included
 * first.
 */

#pragma once

#include "deck-instance-dialog.h"
#include "ui-test-harper.h"

#define BOUND_MS          120000
#define DIALOG_TALL       890

/* Finding things --------------------------------------------------------- */

static inline void
dump (const char *why)
{
  if (why != NULL)
    g_test_message ("%s", why);
}

static inline AdwMessageDialog *
find_message_dialog (const char *heading)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (item) && gtk_widget_get_visible (GTK_WIDGET (item)) &&
          g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (item)), heading) == 0)
        return ADW_MESSAGE_DIALOG (item);
    }
  return NULL;
}

/* Waits for the message dialog @heading, renders it as @shot (unless NULL),
 * and presses the button labelled @label. */
static inline void
answer (const char *heading,
        const char *label,
        const char *shot)
{
  AdwMessageDialog *dialog = NULL;
  gboolean destroyed = FALSE;
  GtkWidget *button;

  WAIT_UNTIL ((dialog = find_message_dialog (heading)) != NULL, 10000);
  g_signal_connect (dialog, "destroy", G_CALLBACK (ui_test_on_destroyed), &destroyed);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (dialog));
  if (shot != NULL)
    save_screenshot (GTK_WIDGET (dialog), shot);
  button = find_widget (GTK_WIDGET (dialog), match_button_label, label);
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_activate (button));
  WAIT_UNTIL (destroyed, 10000);
}

static inline GtkWidget *
find_row (GtkWidget  *root,
          const char *title)
{
  GtkWidget *row = find_widget (root, match_row_title, title);

  g_assert_nonnull (row);
  return row;
}

static inline const char *
row_subtitle (GtkWidget  *root,
              const char *title)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (find_row (root, title)));
}

static inline void
type_into (GtkWidget  *root,
           const char *title,
           const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (find_row (root, title)), text);
}

/* The replication page's stack and its views */
static inline GtkWidget *
view_widget (const char *view)
{
  GtkWidget *stack = adw_bin_get_child (ADW_BIN (replication_page ()));
  GtkWidget *child = gtk_stack_get_child_by_name (GTK_STACK (stack), view);

  g_assert_nonnull (child);
  return child;
}

static inline gboolean
shown_within (GtkWidget *widget,
              GtkWidget *group)
{
  for (GtkWidget *w = widget; w != NULL && w != group; w = gtk_widget_get_parent (w))
    if (!gtk_widget_get_visible (w) || !gtk_widget_get_child_visible (w))
      return FALSE;
  return TRUE;
}

/* The row @title shown in the management group @group_title, or NULL */
static inline GtkWidget *
manage_row (const char *group_title,
            const char *title)
{
  GtkWidget *group;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  if (!view_is ("manage"))
    return NULL;
  group = find_widget (view_widget ("manage"), match_group_title, group_title);
  g_assert_nonnull (group);
  find_all_widgets (group, match_row_title, title, rows);
  for (guint i = 0; i < rows->len; i++)
    if (shown_within (g_ptr_array_index (rows, i), group))
      return g_ptr_array_index (rows, i);
  return NULL;
}

static inline GtkWidget *
manage_button (const char *tooltip)
{
  return view_is ("manage") ? find_widget (view_widget ("manage"), match_button_tooltip, tooltip) : NULL;
}

static inline GtkWidget *
row_label_button (const char *group_title,
                  const char *title,
                  const char *label)
{
  GtkWidget *row = manage_row (group_title, title);
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  if (row == NULL)
    return NULL;
  find_all_widgets (row, match_button_label, label, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (shown_within (g_ptr_array_index (buttons, i), row))
      return g_ptr_array_index (buttons, i);
  return NULL;
}

/* The red icon of a row (a menu button shown when it has a problem) */
static inline GtkWidget *
problem_button (const char *group_title,
                const char *title)
{
  GtkWidget *row = manage_row (group_title, title);
  GtkWidget *button = row != NULL ? find_of_type (row, GTK_TYPE_MENU_BUTTON) : NULL;

  return button != NULL && gtk_widget_get_visible (button) ? button : NULL;
}

/* The management screen could not read the cluster status (on a loaded
 * machine): F5, as a user would, once per failed load. */
static GtkWidget *last_load_error;

static inline void
refresh_after_load_error (void)
{
  GtkWidget *row = manage_row ("Connected Instances", "Could not read the cluster status");

  if (row == NULL || row == last_load_error)
    return;
  last_load_error = row;
  g_test_message ("NOTE: “Could not read the cluster status”; pressing F5");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL);
}

#define WAIT_MANAGE(cond, ms) G_STMT_START {                                   \
    double wait_ms_ G_GNUC_UNUSED;                                             \
    WAIT_UNTIL_BODY (cond, ms, wait_ms_, refresh_after_load_error ());         \
  } G_STMT_END

/* Checks a core call's result */
static inline void
run_sync_ok (gboolean    ok,
             GError     *error)
{
  g_assert_no_error (error);
  g_assert_true (ok);
}

static inline void
wait_management (DeckInstance *instance)
{
  ui_harper_show_replication_of (instance);
  WAIT_UNTIL (view_is ("manage"), 20000);
}

/* A popover on white (it has no background of its own outside its arrow and
 * shadow, which render_screenshot() would take for black); checks that text
 * shows. */
static inline void
render_on_white (GtkWidget  *widget,
                 const char *name)
{
  int w = gtk_widget_get_width (widget);
  int h = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_build_filename (ui_test_shots ()->dir, name, NULL);
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  g_assert_cmpint (w, >, 0);
  g_assert_cmpint (h, >, 0);
  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 1, 1, 1, 1 }, &GRAPHENE_RECT_INIT (0, 0, w, h));
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("%s: %d×%d, saved to %s", name, w, h, path);
}

/* The instance dialog -------------------------------------------------------- */

static inline DeckInstanceDialog *
open_add_dialog (gboolean *destroyed)
{
  DeckInstanceDialog *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-instance", NULL));
  dialog = DECK_INSTANCE_DIALOG (ui_test_find_toplevel (DECK_TYPE_INSTANCE_DIALOG));
  g_assert_nonnull (dialog);
  *destroyed = FALSE;
  g_signal_connect (dialog, "destroy", G_CALLBACK (ui_test_on_destroyed), destroyed);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (dialog));
  WAIT_UNTIL (gtk_widget_get_width (GTK_WIDGET (dialog)) > 0, 5000);
  return dialog;
}

static inline void
fill_dialog (DeckInstanceDialog *dialog,
             const char         *name,
             const char         *url,
             const char         *username,
             const char         *password)
{
  GtkWidget *root = GTK_WIDGET (dialog);

  if (name != NULL)
    type_into (root, "Name", name);
  if (url != NULL)
    type_into (root, "URL", url);
  type_into (root, "User Name", username);
  type_into (root, "Password", password);
}

static inline gboolean
connection_says (DeckInstanceDialog *dialog,
                 const char         *prefix)
{
  return g_str_has_prefix (row_subtitle (GTK_WIDGET (dialog), "Connection"), prefix);
}

static inline void
test_and_wait (DeckInstanceDialog *dialog)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.test", NULL));
  WAIT_UNTIL (connection_says (dialog, "Connected:"), 30000);
}

static inline void
save_and_wait (DeckInstanceDialog *dialog,
               gboolean           *destroyed)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL));
  WAIT_UNTIL (*destroyed, 30000);
}

/* Scrolls the first scrolled window under @root to its end, as a user
 * would to see the button under the certificate. */
static inline void
scroll_to_end (GtkWidget *root)
{
  GtkWidget *scrolled = find_of_type (root, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adj;

  g_assert_nonnull (scrolled);
  wait_frames (root, 2);
  adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
}

static inline void
make_tall (GtkWidget *dialog)
{
  int w, h;

  gtk_window_get_default_size (GTK_WINDOW (dialog), &w, &h);
  gtk_window_set_default_size (GTK_WINDOW (dialog), w, DIALOG_TALL);
  WAIT_UNTIL (gtk_widget_get_height (dialog) > h, 5000);
}
