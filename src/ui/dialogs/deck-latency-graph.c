/* deck-latency-graph.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A small line graph of a link's latency over the last readings (the
 * health watch's history): the newest reading at the right edge, one
 * slot per reading to the left of it, one line in the text colour over a
 * faint base line, a gap where a reading reported no latency, scaled from
 * 0 to a quarter above the largest value. Its accessible label says in
 * words what it draws.
 */

#define G_LOG_DOMAIN "deck-latency-graph"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-latency-graph.h"

#define GRAPH_WIDTH  96
#define GRAPH_HEIGHT 24

struct _DeckLatencyGraph
{
  GtkWidget  parent_instance;

  GArray    *values;   /* double, < 0 for none */
};

G_DEFINE_FINAL_TYPE (DeckLatencyGraph, deck_latency_graph, GTK_TYPE_WIDGET)

static void
deck_latency_graph_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  DeckLatencyGraph *self = DECK_LATENCY_GRAPH (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  double highest = 0;
  gboolean drawing = FALSE;
  GdkRGBA color;
  cairo_t *cr;

  double step = (width - 2) / (double) (DECK_LATENCY_GRAPH_SLOTS - 1);

  for (guint i = 0; i < self->values->len; i++)
    highest = MAX (highest, g_array_index (self->values, double, i));

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_set_source_rgba (cr, color.red, color.green, color.blue, color.alpha * 0.25);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, 0, height - 0.5);
  cairo_line_to (cr, width, height - 0.5);
  cairo_stroke (cr);
  if (highest <= 0)
    {
      cairo_destroy (cr);
      return;
    }

  gdk_cairo_set_source_rgba (cr, &color);
  cairo_set_line_width (cr, 1.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint i = 0; i < self->values->len; i++)
    {
      double value = g_array_index (self->values, double, i);
      double x = width - 1 - step * (self->values->len - 1 - i);
      double y = height - 1.5 - (height - 3) * value / (highest * 1.25);

      if (value < 0)
        drawing = FALSE;
      else if (!drawing)
        {
          /* A segment's first point: a dot, should it stay alone. */
          cairo_move_to (cr, x, y);
          cairo_line_to (cr, x, y);
          drawing = TRUE;
        }
      else
        cairo_line_to (cr, x, y);
    }
  cairo_stroke (cr);
  cairo_destroy (cr);
}

static void
deck_latency_graph_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  *minimum = *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? GRAPH_WIDTH : GRAPH_HEIGHT;
}

static void
deck_latency_graph_finalize (GObject *object)
{
  DeckLatencyGraph *self = DECK_LATENCY_GRAPH (object);

  g_clear_pointer (&self->values, g_array_unref);

  G_OBJECT_CLASS (deck_latency_graph_parent_class)->finalize (object);
}

static void
deck_latency_graph_class_init (DeckLatencyGraphClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = deck_latency_graph_finalize;
  widget_class->snapshot = deck_latency_graph_snapshot;
  widget_class->measure = deck_latency_graph_measure;
  gtk_widget_class_set_css_name (widget_class, "latencygraph");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
deck_latency_graph_init (DeckLatencyGraph *self)
{
  self->values = g_array_new (FALSE, FALSE, sizeof (double));
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("No latency reported yet"), -1);
}

/**
 * deck_latency_graph_new:
 *
 * Returns: (transfer floating): an empty graph
 */
GtkWidget *
deck_latency_graph_new (void)
{
  return g_object_new (DECK_TYPE_LATENCY_GRAPH, NULL);
}

/**
 * deck_latency_graph_set_values:
 * @self: a graph
 * @values: (array length=n_values) (nullable): latencies in ms, oldest
 *   first; a value below 0 is a reading without one
 * @n_values: how many (the last %DECK_LATENCY_GRAPH_SLOTS are drawn)
 */
void
deck_latency_graph_set_values (DeckLatencyGraph *self,
                               const double     *values,
                               guint             n_values)
{
  double lowest = G_MAXDOUBLE, highest = -1, last = -1;
  guint from = n_values > DECK_LATENCY_GRAPH_SLOTS ? n_values - DECK_LATENCY_GRAPH_SLOTS : 0;
  g_autofree char *label = NULL;

  g_return_if_fail (DECK_IS_LATENCY_GRAPH (self));
  g_return_if_fail (values != NULL || n_values == 0);

  g_array_set_size (self->values, 0);
  if (n_values > from)
    g_array_append_vals (self->values, values + from, n_values - from);
  for (guint i = 0; i < self->values->len; i++)
    {
      double value = g_array_index (self->values, double, i);

      if (value >= 0)
        {
          lowest = MIN (lowest, value);
          highest = MAX (highest, value);
        }
      last = value;
    }
  if (highest < 0)
    label = g_strdup (_("No latency reported yet"));
  else if (last < 0)
    label = g_strdup_printf (_("Latency over the last %u readings: %.1f to %.1f ms; none at the "
                               "last reading"), self->values->len, lowest, highest);
  else
    label = g_strdup_printf (_("Latency over the last %u readings: %.1f to %.1f ms, %.1f ms at "
                               "the last"), self->values->len, lowest, highest, last);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), label);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * deck_latency_graph_get_n_values:
 * @self: a graph
 *
 * Returns: how many readings the graph draws
 */
guint
deck_latency_graph_get_n_values (DeckLatencyGraph *self)
{
  g_return_val_if_fail (DECK_IS_LATENCY_GRAPH (self), 0);
  return self->values->len;
}
