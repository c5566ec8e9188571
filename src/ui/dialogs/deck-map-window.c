/* deck-map-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cluster map of an organization (win.cluster-map): the picture
 * (DeckClusterMap) and, beside it, the same nodes and links as lists of
 * rows with names, which is what a screen reader and the keyboard use. The
 * map is the core's DeckMapLive: the state read as `clusterdeck-cli map`
 * reads it, then the health of its nodes and links as the context's health
 * watch reads it, again and again; the picture and the rows follow.
 * Activating a node, in the picture or the list, selects its instance in
 * the main window; activating a link (a click on its line, or Enter on its
 * row) shows the Tables of one end in the main window, filtered to the
 * other. Export writes the SVG of the core's writer, or a PNG rendered by
 * the widget.
 */

#define G_LOG_DOMAIN "deck-map-window"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "deck-map-window.h"

struct _DeckMapWindow
{
  AdwWindow         parent_instance;

  DeckWindow       *parent;          /* weak */
  DeckContext      *context;
  DeckOrganization *organization;
  DeckMapLive      *live;
  gboolean          loaded;
  GPtrArray        *node_rows;       /* AdwActionRow, as the model's nodes */
  GPtrArray        *edge_rows;       /* AdwActionRow, as the model's edges */

  AdwWindowTitle   *window_title;
  GtkStack         *stack;
  DeckClusterMap   *map;
  GtkListBox       *nodes_list;
  GtkListBox       *edges_list;
};

G_DEFINE_FINAL_TYPE (DeckMapWindow, deck_map_window, ADW_TYPE_WINDOW)

static void
select_instance (DeckMapWindow *self,
                 const char    *instance_id)
{
  DeckStore *store = deck_context_get_store (self->context);
  DeckInstance *instance = deck_store_find_instance_by_id (store, instance_id);

  if (instance != NULL && self->parent != NULL)
    deck_window_select_instance (self->parent, instance);
}

static void
on_node_activated (DeckMapWindow *self,
                   const char    *instance_id)
{
  select_instance (self, instance_id);
}

static void
on_node_row_activated (DeckMapWindow *self,
                       GtkListBoxRow *row)
{
  const char *instance_id = g_object_get_data (G_OBJECT (row), "instance-id");

  if (instance_id != NULL)
    select_instance (self, instance_id);
}

/* A link: the Tables of one end (one that answers), filtered to the
 * other, in the main window. */
static void
on_edge_activated (DeckMapWindow *self,
                   guint          index)
{
  DeckMapModel *model = deck_map_live_get_model (self->live);
  const DeckMapNode *here, *there;
  DeckInstance *instance;

  if (model == NULL || index >= model->edges->len || self->parent == NULL ||
      !deck_map_edge_pick_end (model, g_ptr_array_index (model->edges, index), &here, &there))
    return;
  instance = deck_store_find_instance_by_id (deck_context_get_store (self->context),
                                             here->instance_id);
  if (instance != NULL)
    deck_window_show_tables (self->parent, instance, there->name);
}

static void
on_edge_row_activated (DeckMapWindow *self,
                       GtkListBoxRow *row)
{
  guint index;

  if (self->edge_rows != NULL && g_ptr_array_find (self->edge_rows, row, &index))
    on_edge_activated (self, index);
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static char *
node_subtitle (const DeckMapNode *node)
{
  return node->detail != NULL && node->health == node->read_health
         ? g_strdup_printf ("%s: %s", deck_map_health_describe (node->health), node->detail)
         : g_strdup (deck_map_health_describe (node->health));
}

/* The rows' words, as the map says now (its health changes). A row's
 * accessible name is its title (AdwActionRow's own), so that a screen
 * reader says the link and its health as the picture shows them. */
static void
update_rows (DeckMapWindow *self,
             DeckMapModel  *model)
{
  for (guint i = 0; i < model->nodes->len && i < self->node_rows->len; i++)
    {
      const DeckMapNode *node = g_ptr_array_index (model->nodes, i);
      g_autofree char *subtitle = node_subtitle (node);

      adw_action_row_set_subtitle (g_ptr_array_index (self->node_rows, i), subtitle);
    }
  for (guint i = 0; i < model->edges->len && i < self->edge_rows->len; i++)
    {
      const DeckMapEdge *edge = g_ptr_array_index (model->edges, i);
      g_autofree char *text = deck_map_edge_describe (model, edge);
      GtkWidget *row = g_ptr_array_index (self->edge_rows, i);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
    }
}

static void
fill_lists (DeckMapWindow *self,
            DeckMapModel  *model)
{
  clear_list (self->nodes_list);
  clear_list (self->edges_list);
  g_ptr_array_set_size (self->node_rows, 0);
  g_ptr_array_set_size (self->edge_rows, 0);
  for (guint i = 0; i < model->nodes->len; i++)
    {
      const DeckMapNode *node = g_ptr_array_index (model->nodes, i);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), node->name);
      /* Only an instance of the organization can be selected. */
      if (node->instance_id != NULL)
        g_object_set_data_full (G_OBJECT (row), "instance-id", g_strdup (node->instance_id),
                                g_free);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), node->instance_id != NULL);
      gtk_list_box_append (self->nodes_list, row);
      g_ptr_array_add (self->node_rows, row);
    }
  for (guint i = 0; i < model->edges->len; i++)
    {
      const DeckMapEdge *edge = g_ptr_array_index (model->edges, i);
      const DeckMapNode *here, *there;
      GtkWidget *row = adw_action_row_new ();
      gboolean openable = deck_map_edge_pick_end (model, edge, &here, &there);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), openable);
      if (openable)
        {
          g_autofree char *description = NULL;

          /* The arrow only shows that the row leads somewhere; the row's
           * description says where, so a screen reader skips the image. */
          adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                     g_object_new (GTK_TYPE_IMAGE,
                                                   "icon-name", "go-next-symbolic",
                                                   "accessible-role",
                                                   GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                                   NULL));
          /* TRANSLATORS: what activating a link of the map does: an
           * instance, then its peer */
          description = g_strdup_printf (_("Shows the tables of %s filtered to %s"), here->name,
                                         there->name);
          gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                          GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
        }
      gtk_list_box_append (self->edges_list, row);
      g_ptr_array_add (self->edge_rows, row);
    }
  if (model->edges->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No links"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_append (self->edges_list, row);
    }
  update_rows (self, model);
}

static void
on_live_changed (DeckMapWindow *self,
                 gboolean       new_map)
{
  DeckMapModel *model = deck_map_live_get_model (self->live);

  if (model == NULL)
    return;
  if (new_map)
    fill_lists (self, model);
  else
    update_rows (self, model);
  gtk_stack_set_visible_child_name (self->stack, "map");
  self->loaded = TRUE;
}

/**
 * deck_map_window_reload:
 * @self: a map window
 *
 * Reads the organization's state again (Refresh), every instance at once;
 * the health watch's readings keep it up to date in between.
 */
void
deck_map_window_reload (DeckMapWindow *self)
{
  g_return_if_fail (DECK_IS_MAP_WINDOW (self));

  deck_map_live_reload (self->live);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  deck_map_window_reload (DECK_MAP_WINDOW (widget));
}

static gboolean
save (DeckMapWindow  *self,
      GFile          *file,
      gboolean        png,
      GError        **error)
{
  DeckMapModel *model = deck_cluster_map_get_model (self->map);
  g_autofree char *path = g_file_get_path (file);

  if (png)
    {
      g_autoptr(GdkTexture) texture = deck_cluster_map_to_texture (self->map, 2);

      if (texture == NULL || !gdk_texture_save_to_png (texture, path))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write “%s”."), path);
          return FALSE;
        }
      return TRUE;
    }
  else
    {
      g_autofree char *svg = deck_map_model_to_svg (model,
                                                    deck_organization_get_name (self->organization));

      return g_file_replace_contents (file, svg, strlen (svg), NULL, FALSE,
                                      G_FILE_CREATE_NONE, NULL, NULL, error);
    }
}

static void
on_export_response (GtkNativeDialog *dialog,
                    int              response,
                    DeckMapWindow   *self)
{
  gboolean png = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "png"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GError) error = NULL;

      if (!save (self, file, png, &error))
        {
          GtkWidget *alert = adw_message_dialog_new (GTK_WINDOW (self), _("Export Failed"),
                                                     error->message);

          adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (alert), "close", _("_Close"));
          gtk_window_present (GTK_WINDOW (alert));
        }
    }
  g_object_unref (dialog);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DeckMapWindow *self = DECK_MAP_WINDOW (widget);
  gboolean png = g_str_equal (g_variant_get_string (parameter, NULL), "png");
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;

  if (deck_cluster_map_get_model (self->map) == NULL)
    return;
  chooser = gtk_file_chooser_native_new (png ? _("Export as PNG") : _("Export as SVG"),
                                         GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  /* TRANSLATORS: the file name offered, before its extension */
  name = g_strdup_printf ("%s.%s", _("cluster-map"), png ? "png" : "svg");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data (G_OBJECT (chooser), "png", GINT_TO_POINTER (png));
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
deck_map_window_dispose (GObject *object)
{
  DeckMapWindow *self = DECK_MAP_WINDOW (object);

  if (self->live != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->live, self);
      deck_map_live_stop (self->live);
    }
  g_clear_object (&self->live);
  g_clear_pointer (&self->node_rows, g_ptr_array_unref);
  g_clear_pointer (&self->edge_rows, g_ptr_array_unref);
  g_clear_weak_pointer (&self->parent);
  g_clear_object (&self->context);
  g_clear_object (&self->organization);
  gtk_widget_dispose_template (GTK_WIDGET (self), DECK_TYPE_MAP_WINDOW);
  G_OBJECT_CLASS (deck_map_window_parent_class)->dispose (object);
}

static void
deck_map_window_class_init (DeckMapWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = deck_map_window_dispose;

  g_type_ensure (DECK_TYPE_CLUSTER_MAP);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/clusterdeck/Clusterdeck/dialogs/deck-map-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DeckMapWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, DeckMapWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, DeckMapWindow, map);
  gtk_widget_class_bind_template_child (widget_class, DeckMapWindow, nodes_list);
  gtk_widget_class_bind_template_child (widget_class, DeckMapWindow, edges_list);
  gtk_widget_class_bind_template_callback (widget_class, on_node_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_node_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_edge_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_edge_row_activated);

  gtk_widget_class_install_action (widget_class, "map.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "map.export", "s", export_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "map.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
deck_map_window_init (DeckMapWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->node_rows = g_ptr_array_new ();
  self->edge_rows = g_ptr_array_new ();
}

/**
 * deck_map_window_new:
 * @parent: the main window, whose instance a node selects
 * @context: the context
 * @organization: the organization drawn
 *
 * Returns: (transfer none): the window, shown; it reads the state at once
 */
GtkWidget *
deck_map_window_new (DeckWindow       *parent,
                     DeckContext      *context,
                     DeckOrganization *organization)
{
  DeckMapWindow *self = g_object_new (DECK_TYPE_MAP_WINDOW,
                                      "transient-for", parent,
                                      NULL);

  g_set_weak_pointer (&self->parent, parent);
  self->context = g_object_ref (context);
  self->organization = g_object_ref (organization);
  self->live = deck_map_live_new (context, organization, deck_context_get_health_watch (context));
  g_signal_connect_swapped (self->live, "changed", G_CALLBACK (on_live_changed), self);
  deck_cluster_map_set_live (self->map, self->live);
  adw_window_title_set_subtitle (self->window_title, deck_organization_get_name (organization));
  gtk_window_present (GTK_WINDOW (self));
  deck_map_window_reload (self);
  return GTK_WIDGET (self);
}

gboolean
deck_map_window_is_loaded (DeckMapWindow *self)
{
  g_return_val_if_fail (DECK_IS_MAP_WINDOW (self), FALSE);
  return self->loaded;
}

DeckClusterMap *
deck_map_window_get_map (DeckMapWindow *self)
{
  g_return_val_if_fail (DECK_IS_MAP_WINDOW (self), NULL);
  return self->map;
}
