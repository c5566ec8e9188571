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
 * node, as a click does: "node-activated" says which instance. A click on
 * an edge says which ("edge-activated"); the window's list of links is
 * the keyboard's way to the same.
 *
 * The map is a DeckMapLive's (src/core): the widget draws its model and
 * draws it again when it changes (the health watch's readings), nothing
 * more.
 */

#define G_LOG_DOMAIN "deck-cluster-map"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "deck-cluster-map.h"

struct _DeckClusterMap
{
  GtkWidget     parent_instance;

  DeckMapLive  *live;            /* owned, nullable */
  gulong        changed_handler;
  int           focused;         /* a node's index, -1 for none */
};

G_DEFINE_FINAL_TYPE (DeckClusterMap, deck_cluster_map, GTK_TYPE_WIDGET)

enum {
  SIGNAL_NODE_ACTIVATED,
  SIGNAL_EDGE_ACTIVATED,
  N_SIGNALS
};

/* How far from an edge's line a click still hits it, in the map's units */
#define EDGE_HIT_DISTANCE 7.0

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
  DeckMapModel *model = deck_cluster_map_get_model (self);
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
  DeckMapModel *model;
  GdkRGBA white = { 1, 1, 1, 1 };

  g_return_if_fail (DECK_IS_CLUSTER_MAP (self));
  model = deck_cluster_map_get_model (self);
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
  DeckMapModel *model = deck_cluster_map_get_model (self);
  double w = gtk_widget_get_width (GTK_WIDGET (self));
  double h = gtk_widget_get_height (GTK_WIDGET (self));
  double scale = MIN (w / model->width, h / model->height);

  *dx = (w - model->width * scale) / 2;
  *dy = (h - model->height * scale) / 2;
  return scale;
}

static void
deck_cluster_map_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  DeckClusterMap *self = DECK_CLUSTER_MAP (widget);
  double dx, dy, scale;

  if (deck_cluster_map_get_model (self) == NULL)
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

/* @x, @y: in the widget; the node there (in the map's units: @mx, @my),
 * or -1 */
static int
node_at (DeckClusterMap *self,
         double          x,
         double          y,
         double         *mx,
         double         *my)
{
  DeckMapModel *model = deck_cluster_map_get_model (self);
  double dx, dy, scale;

  if (model == NULL)
    return -1;
  scale = fit_scale (self, &dx, &dy);
  *mx = x = (x - dx) / scale;
  *my = y = (y - dy) / scale;
  for (guint i = 0; i < model->nodes->len; i++)
    {
      const DeckMapNode *node = g_ptr_array_index (model->nodes, i);

      if (hypot (x - node->x, y - node->y) <= DECK_MAP_NODE_RADIUS + 3)
        return (int) i;
    }
  return -1;
}

/* The edge whose line passes nearest (@x, @y), in the map's units, if one
 * passes near enough; -1 otherwise. */
static int
edge_at (DeckMapModel *model,
         double        x,
         double        y)
{
  double best = EDGE_HIT_DISTANCE;
  int found = -1;

  for (guint i = 0; i < model->edges->len; i++)
    {
      const DeckMapEdge *edge = g_ptr_array_index (model->edges, i);
      double x1, y1, x2, y2, vx, vy, t, length2, distance;

      deck_map_edge_ends (model, edge, &x1, &y1, &x2, &y2);
      vx = x2 - x1;
      vy = y2 - y1;
      length2 = vx * vx + vy * vy;
      t = length2 > 0 ? ((x - x1) * vx + (y - y1) * vy) / length2 : 0;
      t = CLAMP (t, 0, 1);
      distance = hypot (x - (x1 + t * vx), y - (y1 + t * vy));
      if (distance <= best)
        {
          best = distance;
          found = (int) i;
        }
    }
  return found;
}

static void
activate_node (DeckClusterMap *self,
               int             index)
{
  DeckMapModel *model = deck_cluster_map_get_model (self);
  const DeckMapNode *node;

  if (model == NULL || index < 0 || (guint) index >= model->nodes->len)
    return;
  node = g_ptr_array_index (model->nodes, index);
  /* A peer outside the organization has no instance to select. */
  if (node->instance_id != NULL)
    g_signal_emit (self, signals[SIGNAL_NODE_ACTIVATED], 0, node->instance_id);
}

/**
 * deck_cluster_map_activate_at:
 * @self: a map
 * @x: a point of the widget
 * @y: the same
 *
 * What a click at (@x, @y) does: a node there is focused and activated
 * (::node-activated), else an edge that passes there is (::edge-activated).
 *
 * Returns: whether a node or an edge was there
 */
gboolean
deck_cluster_map_activate_at (DeckClusterMap *self,
                              double          x,
                              double          y)
{
  double mx = 0, my = 0;
  int index;

  g_return_val_if_fail (DECK_IS_CLUSTER_MAP (self), FALSE);

  index = node_at (self, x, y, &mx, &my);
  if (index >= 0)
    {
      self->focused = index;
      gtk_widget_grab_focus (GTK_WIDGET (self));
      gtk_widget_queue_draw (GTK_WIDGET (self));
      activate_node (self, index);
      return TRUE;
    }
  if (deck_cluster_map_get_model (self) == NULL ||
      (index = edge_at (deck_cluster_map_get_model (self), mx, my)) < 0)
    return FALSE;
  g_signal_emit (self, signals[SIGNAL_EDGE_ACTIVATED], 0, (guint) index);
  return TRUE;
}

/**
 * deck_cluster_map_to_widget:
 * @self: a map with a model, allocated
 * @mx: a point of the map, in its units
 * @my: the same
 * @x: (out): where the widget shows it
 * @y: (out): the same
 */
void
deck_cluster_map_to_widget (DeckClusterMap *self,
                            double          mx,
                            double          my,
                            double         *x,
                            double         *y)
{
  double dx, dy, scale;

  g_return_if_fail (DECK_IS_CLUSTER_MAP (self));
  g_return_if_fail (deck_cluster_map_get_model (self) != NULL);

  scale = fit_scale (self, &dx, &dy);
  *x = dx + mx * scale;
  *y = dy + my * scale;
}

static void
on_pressed (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            DeckClusterMap  *self)
{
  deck_cluster_map_activate_at (self, x, y);
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                DeckClusterMap        *self)
{
  DeckMapModel *model = deck_cluster_map_get_model (self);
  int n = model != NULL ? (int) model->nodes->len : 0;

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
  DeckMapModel *model = deck_cluster_map_get_model (self);

  if (self->focused < 0 && model != NULL && model->nodes->len > 0)
    self->focused = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
deck_cluster_map_dispose (GObject *object)
{
  DeckClusterMap *self = DECK_CLUSTER_MAP (object);

  if (self->live != NULL)
    g_clear_signal_handler (&self->changed_handler, self->live);
  g_clear_object (&self->live);
  G_OBJECT_CLASS (deck_cluster_map_parent_class)->dispose (object);
}

static void
deck_cluster_map_class_init (DeckClusterMapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = deck_cluster_map_dispose;
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

  /**
   * DeckClusterMap::edge-activated:
   * @self: the map
   * @index: the edge clicked, its index in the model's edges
   */
  signals[SIGNAL_EDGE_ACTIVATED] =
    g_signal_new ("edge-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

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

static void
on_live_changed (DeckClusterMap *self)
{
  DeckMapModel *model = deck_cluster_map_get_model (self);

  if (model == NULL || self->focused >= (int) model->nodes->len)
    self->focused = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * deck_cluster_map_set_live:
 * @self: a map
 * @live: (nullable): the live map whose model is drawn, again at each of
 *   its ::changed
 */
void
deck_cluster_map_set_live (DeckClusterMap *self,
                           DeckMapLive    *live)
{
  g_return_if_fail (DECK_IS_CLUSTER_MAP (self));
  g_return_if_fail (live == NULL || DECK_IS_MAP_LIVE (live));

  if (self->live != NULL)
    g_clear_signal_handler (&self->changed_handler, self->live);
  g_set_object (&self->live, live);
  if (live != NULL)
    self->changed_handler = g_signal_connect_swapped (live, "changed",
                                                      G_CALLBACK (on_live_changed), self);
  on_live_changed (self);
}

/**
 * deck_cluster_map_get_model:
 * @self: a map
 *
 * Returns: (transfer none) (nullable): the model drawn: the live map's
 */
DeckMapModel *
deck_cluster_map_get_model (DeckClusterMap *self)
{
  g_return_val_if_fail (DECK_IS_CLUSTER_MAP (self), NULL);
  return self->live != NULL ? deck_map_live_get_model (self->live) : NULL;
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
  DeckMapModel *model;
  int focused;

  g_return_val_if_fail (DECK_IS_CLUSTER_MAP (self), NULL);
  native = gtk_widget_get_native (GTK_WIDGET (self));
  model = deck_cluster_map_get_model (self);
  if (model == NULL || native == NULL ||
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
                                                           ceil (model->width * scale),
                                                           ceil (model->height * scale)));
}
