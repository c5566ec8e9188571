/* deck-cluster-map.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cluster map drawn (DeckMapModel, src/core): discs for the instances,
 * lines with arrows for the links, coloured by health, with GtkSnapshot.
 * The edges go through a cairo node of the snapshot (GTK 4.8 has no path
 * nodes); discs and text are the snapshot's own. The picture is the one
 * the SVG writer makes, scaled to fit. The keyboard moves a focus ring
 * from node to node (arrows, Home, End) and Enter or Space activates the
 * node, as a click does: "node-activated" says which instance.
 */

#define G_LOG_DOMAIN "deck-cluster-map"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "deck-cluster-map.h"

struct _DeckClusterMap
{
  GtkWidget     parent_instance;

  DeckMapModel *model;
  int           focused;   /* a node's index, -1 for none */
};

G_DEFINE_FINAL_TYPE (DeckClusterMap, deck_cluster_map, GTK_TYPE_WIDGET)

enum {
  SIGNAL_NODE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
rgba_of (DeckMapHealth  health,
         GdkRGBA       *rgba)
{
  gdk_rgba_parse (rgba, deck_map_health_color (health));
}

static void
cairo_arrow (cairo_t *cr,
             double   tip_x,
             double   tip_y,
             double   from_x,
             double   from_y)
{
  double dx = tip_x - from_x, dy = tip_y - from_y;
  double length = hypot (dx, dy);
  double ux = length > 0 ? dx / length : 0, uy = length > 0 ? dy / length : 0;

  cairo_move_to (cr, tip_x, tip_y);
  cairo_line_to (cr, tip_x - 12 * ux - 6 * uy, tip_y - 12 * uy + 6 * ux);
  cairo_line_to (cr, tip_x - 12 * ux + 6 * uy, tip_y - 12 * uy - 6 * ux);
  cairo_close_path (cr);
  cairo_fill (cr);
}

static void
draw_edges (DeckClusterMap *self,
            GtkSnapshot    *snapshot)
{
  DeckMapModel *model = self->model;
  cairo_t *cr;

  cr = gtk_snapshot_append_cairo (snapshot,
                                  &GRAPHENE_RECT_INIT (0, 0, model->width, model->height));
  for (guint i = 0; i < model->edges->len; i++)
    {
      const DeckMapEdge *edge = g_ptr_array_index (model->edges, i);
      static const double dashes[] = { 8, 5 };
      double x1, y1, x2, y2;
      GdkRGBA rgba;

      deck_map_edge_ends (model, edge, &x1, &y1, &x2, &y2);
      rgba_of (edge->health, &rgba);
      gdk_cairo_set_source_rgba (cr, &rgba);
      /* As in the SVG: full replication thick, a link that is down dashed. */
      cairo_set_line_width (cr, edge->full ? 5 : 2);
      cairo_set_dash (cr, dashes, edge->health == DECK_MAP_HEALTH_DISCONNECTED ? 2 : 0, 0);
      cairo_move_to (cr, x1, y1);
      cairo_line_to (cr, x2, y2);
      cairo_stroke (cr);
      if (edge->forward)
        cairo_arrow (cr, x2, y2, x1, y1);
      if (edge->backward)
        cairo_arrow (cr, x1, y1, x2, y2);
    }
  cairo_destroy (cr);
}

/* Text whose line is centred on @y and which starts (@anchor 1), ends
 * (-1) or is centred (0) on @x, dark on the light background the map has
 * in both styles (the map is a picture, like the exported one). */
static void
draw_text (DeckClusterMap *self,
           GtkSnapshot    *snapshot,
           const char     *text,
           double          x,
           double          y,
           int             anchor,
           gboolean        bold)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  GdkRGBA color = { 0.14, 0.12, 0.19, 1 };
  int width, height;

  if (bold)
    {
      g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>", text);

      pango_layout_set_markup (layout, markup, -1);
    }
  else
    pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &width, &height);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (anchor > 0 ? x : anchor < 0 ? x - width
                                                                          : x - width / 2.0,
                                                y - height / 2.0));
  gtk_snapshot_append_layout (snapshot, layout, &color);
  gtk_snapshot_restore (snapshot);
  g_object_unref (layout);
}

static void
draw_disc (GtkSnapshot   *snapshot,
           double         x,
           double         y,
           double         radius,
           const GdkRGBA *rgba)
{
  GskRoundedRect disc;

  gsk_rounded_rect_init_from_rect (&disc,
                                   &GRAPHENE_RECT_INIT (x - radius, y - radius,
                                                        2 * radius, 2 * radius),
                                   radius);
  gtk_snapshot_push_rounded_clip (snapshot, &disc);
  gtk_snapshot_append_color (snapshot, rgba, &disc.bounds);
  gtk_snapshot_pop (snapshot);
}

/**
 * deck_cluster_map_draw:
 * @self: a map
 * @snapshot: where to draw
 * @scale: the scale (1: the model's units are pixels)
 *
 * Draws the model from (0, 0), its background included: what the widget
 * shows and what the PNG export holds.
 */
void
deck_cluster_map_draw (DeckClusterMap *self,
                       GtkSnapshot    *snapshot,
                       double          scale)
{
  DeckMapModel *model = self->model;
  GdkRGBA white = { 1, 1, 1, 1 };

  g_return_if_fail (DECK_IS_CLUSTER_MAP (self));
  if (model == NULL)
    return;

  gtk_snapshot_save (snapshot);
  gtk_snapshot_scale (snapshot, scale, scale);
  gtk_snapshot_append_color (snapshot, &white,
                             &GRAPHENE_RECT_INIT (0, 0, model->width, model->height));
  draw_edges (self, snapshot);
  for (guint i = 0; i < model->edges->len; i++)
    {
      const DeckMapEdge *edge = g_ptr_array_index (model->edges, i);
      g_autofree char *label = NULL;

      if (edge->full)
        label = g_strdup (_("full"));
      else
        label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u table", "%u tables",
                                              edge->n_tables), edge->n_tables);
      draw_text (self, snapshot, label, edge->label_x, edge->label_y, 0, FALSE);
    }
  for (guint i = 0; i < model->nodes->len; i++)
    {
      const DeckMapNode *node = g_ptr_array_index (model->nodes, i);
      GdkRGBA rgba;

      if ((int) i == self->focused && gtk_widget_has_focus (GTK_WIDGET (self)))
        {
          GdkRGBA ring = { 0.21, 0.52, 0.89, 1 };

          draw_disc (snapshot, node->x, node->y, DECK_MAP_NODE_RADIUS + 6, &ring);
        }
      draw_disc (snapshot, node->x, node->y, DECK_MAP_NODE_RADIUS + 3, &white);
      rgba_of (node->health, &rgba);
      draw_disc (snapshot, node->x, node->y, DECK_MAP_NODE_RADIUS, &rgba);
      draw_text (self, snapshot, node->name, node->label_x, node->label_y, node->label_anchor,
                 TRUE);
    }
  /* The legend, as in the SVG. */
  for (DeckMapHealth health = DECK_MAP_HEALTH_CONNECTED; health <= DECK_MAP_HEALTH_OUTSIDE;
       health++)
    {
      GdkRGBA rgba;
      double x, y;

      deck_map_legend_position (model, health, &x, &y);
      rgba_of (health, &rgba);
      draw_disc (snapshot, x + 6, y, 6, &rgba);
      draw_text (self, snapshot, deck_map_health_describe (health), x + 18, y, 1, FALSE);
    }
  gtk_snapshot_restore (snapshot);
}

static double
fit_scale (DeckClusterMap *self,
           double         *dx,
           double         *dy)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self));
  double h = gtk_widget_get_height (GTK_WIDGET (self));
  double scale = MIN (w / self->model->width, h / self->model->height);

  *dx = (w - self->model->width * scale) / 2;
  *dy = (h - self->model->height * scale) / 2;
  return scale;
}

static void
deck_cluster_map_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  DeckClusterMap *self = DECK_CLUSTER_MAP (widget);
  double dx, dy, scale;

  if (self->model == NULL)
    return;
  scale = fit_scale (self, &dx, &dy);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (dx, dy));
  deck_cluster_map_draw (self, snapshot, scale);
  gtk_snapshot_restore (snapshot);
}

static void
deck_cluster_map_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  /* Small enough for a narrow window; the picture scales to fit. */
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 240 : 180;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 720 : 540;
}

static int
node_at (DeckClusterMap *self,
         double          x,
         double          y)
{
  double dx, dy, scale;

  if (self->model == NULL)
    return -1;
  scale = fit_scale (self, &dx, &dy);
  x = (x - dx) / scale;
  y = (y - dy) / scale;
  for (guint i = 0; i < self->model->nodes->len; i++)
    {
      const DeckMapNode *node = g_ptr_array_index (self->model->nodes, i);

      if (hypot (x - node->x, y - node->y) <= DECK_MAP_NODE_RADIUS + 3)
        return (int) i;
    }
  return -1;
}

static void
activate_node (DeckClusterMap *self,
               int             index)
{
  const DeckMapNode *node;

  if (self->model == NULL || index < 0 || (guint) index >= self->model->nodes->len)
    return;
  node = g_ptr_array_index (self->model->nodes, index);
  /* A peer outside the organization has no instance to select. */
  if (node->instance_id != NULL)
    g_signal_emit (self, signals[SIGNAL_NODE_ACTIVATED], 0, node->instance_id);
}

static void
on_pressed (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            DeckClusterMap  *self)
{
  int index = node_at (self, x, y);

  if (index < 0)
    return;
  self->focused = index;
  gtk_widget_grab_focus (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
  activate_node (self, index);
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                DeckClusterMap        *self)
{
  int n = self->model != NULL ? (int) self->model->nodes->len : 0;

  if (n == 0)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Right: case GDK_KEY_Down: case GDK_KEY_KP_Right: case GDK_KEY_KP_Down:
      self->focused = (self->focused + 1) % n;
      break;
    case GDK_KEY_Left: case GDK_KEY_Up: case GDK_KEY_KP_Left: case GDK_KEY_KP_Up:
      self->focused = self->focused <= 0 ? n - 1 : self->focused - 1;
      break;
    case GDK_KEY_Home:
      self->focused = 0;
      break;
    case GDK_KEY_End:
      self->focused = n - 1;
      break;
    case GDK_KEY_Return: case GDK_KEY_KP_Enter: case GDK_KEY_space:
      activate_node (self, self->focused);
      return TRUE;
    default:
      return FALSE;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

static void
on_focus_changed (DeckClusterMap *self)
{
  if (self->focused < 0 && self->model != NULL && self->model->nodes->len > 0)
    self->focused = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
deck_cluster_map_finalize (GObject *object)
{
  DeckClusterMap *self = DECK_CLUSTER_MAP (object);

  g_clear_pointer (&self->model, deck_map_model_free);
  G_OBJECT_CLASS (deck_cluster_map_parent_class)->finalize (object);
}

static void
deck_cluster_map_class_init (DeckClusterMapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = deck_cluster_map_finalize;
  widget_class->snapshot = deck_cluster_map_snapshot;
  widget_class->measure = deck_cluster_map_measure;

  /**
   * DeckClusterMap::node-activated:
   * @self: the map
   * @instance_id: the instance of the node clicked or activated
   */
  signals[SIGNAL_NODE_ACTIVATED] =
    g_signal_new ("node-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_css_name (widget_class, "clustermap");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
deck_cluster_map_init (DeckClusterMap *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();

  self->focused = -1;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  g_signal_connect_swapped (focus, "enter", G_CALLBACK (on_focus_changed), self);
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (on_focus_changed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);
  /* The picture's text alternative is the list beside it (DeckMapWindow). */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Cluster map"), -1);
}

GtkWidget *
deck_cluster_map_new (void)
{
  return g_object_new (DECK_TYPE_CLUSTER_MAP, NULL);
}

/**
 * deck_cluster_map_set_model:
 * @self: a map
 * @model: (transfer full) (nullable): what to draw
 */
void
deck_cluster_map_set_model (DeckClusterMap *self,
                            DeckMapModel   *model)
{
  g_return_if_fail (DECK_IS_CLUSTER_MAP (self));

  g_clear_pointer (&self->model, deck_map_model_free);
  self->model = model;
  if (model == NULL || self->focused >= (int) model->nodes->len)
    self->focused = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

DeckMapModel *
deck_cluster_map_get_model (DeckClusterMap *self)
{
  g_return_val_if_fail (DECK_IS_CLUSTER_MAP (self), NULL);
  return self->model;
}

/**
 * deck_cluster_map_to_texture:
 * @self: a realized map with a model
 * @scale: the scale (2 for a sharp picture on a document)
 *
 * Renders the whole map, whatever the widget's size, with the widget's
 * renderer: the PNG export and the tests' screenshots.
 *
 * Returns: (transfer full) (nullable): the picture, %NULL without a model
 *   or a renderer
 */
GdkTexture *
deck_cluster_map_to_texture (DeckClusterMap *self,
                             double          scale)
{
  GtkNative *native;
  GskRenderer *renderer;
  g_autoptr(GskRenderNode) node = NULL;
  GtkSnapshot *snapshot;
  int focused;

  g_return_val_if_fail (DECK_IS_CLUSTER_MAP (self), NULL);
  native = gtk_widget_get_native (GTK_WIDGET (self));
  if (self->model == NULL || native == NULL ||
      (renderer = gtk_native_get_renderer (native)) == NULL)
    return NULL;

  /* No focus ring in a document. */
  focused = self->focused;
  self->focused = -1;
  snapshot = gtk_snapshot_new ();
  deck_cluster_map_draw (self, snapshot, scale);
  node = gtk_snapshot_free_to_node (snapshot);
  self->focused = focused;
  return gsk_renderer_render_texture (renderer, node,
                                      &GRAPHENE_RECT_INIT (0, 0,
                                                           ceil (self->model->width * scale),
                                                           ceil (self->model->height * scale)));
}
