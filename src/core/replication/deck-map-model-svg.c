/* deck-map-model-svg.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cluster map as SVG (`clusterdeck-cli map`, the window's export):
 * pure string building from the model of deck-map-model.c, every name
 * escaped. Each node and edge is a group with a <title> (what a viewer
 * shows on hover and a screen reader reads) and data- attributes (the
 * health and kind, for scripts and tests). The output depends on the map
 * only: the same cluster gives the same bytes.
 */

#define G_LOG_DOMAIN "deck-map-model"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "deck-map-model.h"

/* Text for XML: valid UTF-8, no control character (XML 1.0 allows none but
 * tab, newline and carriage return, not even as a reference), then the
 * markup characters escaped. */
static char *
escape (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);

  for (char *p = valid; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = ' ';
  return g_markup_escape_text (valid, -1);
}

/* From the middle of a line of 13 px text to its baseline: viewers do not
 * all know dominant-baseline. */
#define BASELINE 4.5

/* A number the same on every machine and in every locale. */
static const char *
num (char   *buffer,
     double  value)
{
  return g_ascii_formatd (buffer, G_ASCII_DTOSTR_BUF_SIZE, "%.1f", value);
}

static void
append_arrow (GString    *svg,
              double      tip_x,
              double      tip_y,
              double      from_x,
              double      from_y,
              const char *color)
{
  double dx = tip_x - from_x, dy = tip_y - from_y;
  double length = hypot (dx, dy);
  double ux = length > 0 ? dx / length : 0, uy = length > 0 ? dy / length : 0;
  char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE], c[G_ASCII_DTOSTR_BUF_SIZE];
  char d[G_ASCII_DTOSTR_BUF_SIZE], e[G_ASCII_DTOSTR_BUF_SIZE], f[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (svg, "    <polygon fill=\"%s\" points=\"%s,%s %s,%s %s,%s\"/>\n",
                          color, num (a, tip_x), num (b, tip_y),
                          num (c, tip_x - 12 * ux - 6 * uy), num (d, tip_y - 12 * uy + 6 * ux),
                          num (e, tip_x - 12 * ux + 6 * uy), num (f, tip_y - 12 * uy - 6 * ux));
}

static void
append_edge (GString              *svg,
             const DeckMapModel *map,
             const DeckMapEdge    *edge)
{
  const DeckMapNode *a = g_ptr_array_index (map->nodes, edge->a);
  const DeckMapNode *b = g_ptr_array_index (map->nodes, edge->b);
  g_autofree char *from = escape (a->name);
  g_autofree char *to = escape (b->name);
  g_autofree char *description = deck_map_edge_describe (map, edge);
  g_autofree char *title = escape (description);
  g_autofree char *label = NULL;
  g_autofree char *label_text = NULL;
  const char *color = deck_map_health_color (edge->health);
  const char *direction = edge->forward && edge->backward ? "both" : edge->forward ? "forward"
                          : edge->backward ? "backward" : "none";
  char s[4][G_ASCII_DTOSTR_BUF_SIZE];
  double x1, y1, x2, y2;

  deck_map_edge_ends (map, edge, &x1, &y1, &x2, &y2);
  g_string_append_printf (svg, "  <g class=\"edge\" data-from=\"%s\" data-to=\"%s\" "
                          "data-kind=\"%s\" data-direction=\"%s\" data-tables=\"%u\" "
                          "data-health=\"%s\">\n",
                          from, to, edge->full ? "full" : "tables", direction, edge->n_tables,
                          deck_map_health_to_string (edge->health));
  g_string_append_printf (svg, "    <title>%s</title>\n", title);
  /* Full replication is the thick line; a link that is down is dashed, so
   * that it shows without its colour too. */
  g_string_append_printf (svg, "    <line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\" "
                          "stroke-width=\"%s\"%s/>\n",
                          num (s[0], x1), num (s[1], y1), num (s[2], x2), num (s[3], y2), color,
                          edge->full ? "5" : "2",
                          edge->health == DECK_MAP_HEALTH_DISCONNECTED
                          ? " stroke-dasharray=\"8 5\"" : "");
  if (edge->forward)
    append_arrow (svg, x2, y2, x1, y1, color);
  if (edge->backward)
    append_arrow (svg, x1, y1, x2, y2, color);
  if (edge->full)
    label_text = g_strdup (_("full"));
  else
    label_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u table", "%u tables",
                                               edge->n_tables), edge->n_tables);
  label = escape (label_text);
  g_string_append_printf (svg, "    <text x=\"%s\" y=\"%s\" text-anchor=\"middle\" "
                          "fill=\"#3d3846\" stroke=\"#ffffff\" stroke-width=\"4\" "
                          "paint-order=\"stroke\">%s</text>\n",
                          num (s[0], edge->label_x), num (s[1], edge->label_y + BASELINE),
                          label);
  g_string_append (svg, "  </g>\n");
}

static void
append_node (GString           *svg,
             const DeckMapNode *node)
{
  g_autofree char *name = escape (node->name);
  g_autofree char *title = NULL;
  g_autofree char *description = NULL;
  char s[3][G_ASCII_DTOSTR_BUF_SIZE];

  if (node->detail != NULL)
    /* TRANSLATORS: an instance, its health, and why */
    description = g_strdup_printf (_("%s: %s (%s)"), node->name,
                                   deck_map_health_describe (node->health), node->detail);
  else
    /* TRANSLATORS: an instance and its health */
    description = g_strdup_printf (_("%s: %s"), node->name,
                                   deck_map_health_describe (node->health));
  title = escape (description);
  g_string_append_printf (svg, "  <g class=\"node\" data-name=\"%s\" data-health=\"%s\">\n",
                          name, deck_map_health_to_string (node->health));
  g_string_append_printf (svg, "    <title>%s</title>\n", title);
  g_string_append_printf (svg, "    <circle cx=\"%s\" cy=\"%s\" r=\"%s\" fill=\"%s\" "
                          "stroke=\"#ffffff\" stroke-width=\"3\"/>\n",
                          num (s[0], node->x), num (s[1], node->y),
                          num (s[2], DECK_MAP_NODE_RADIUS),
                          deck_map_health_color (node->health));
  g_string_append_printf (svg, "    <text x=\"%s\" y=\"%s\" text-anchor=\"%s\" "
                          "fill=\"#241f31\" font-weight=\"bold\">%s</text>\n",
                          num (s[0], node->label_x), num (s[1], node->label_y + BASELINE),
                          node->label_anchor < 0 ? "end" : node->label_anchor > 0 ? "start"
                                                                                : "middle",
                          name);
  g_string_append (svg, "  </g>\n");
}

/* The colours' meaning, along the bottom. */
static void
append_legend (GString              *svg,
               const DeckMapModel *map)
{
  char s[2][G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (svg, "  <g class=\"legend\">\n");
  for (DeckMapHealth health = DECK_MAP_HEALTH_CONNECTED; health <= DECK_MAP_HEALTH_OUTSIDE;
       health++)
    {
      g_autofree char *text = escape (deck_map_health_describe (health));
      double x, y;

      deck_map_legend_position (map, health, &x, &y);
      g_string_append_printf (svg, "    <circle cx=\"%s\" cy=\"%s\" r=\"6\" fill=\"%s\"/>\n",
                              num (s[0], x + 6), num (s[1], y),
                              deck_map_health_color (health));
      g_string_append_printf (svg, "    <text x=\"%s\" y=\"%s\" fill=\"#3d3846\">%s</text>\n",
                              num (s[0], x + 18), num (s[1], y + BASELINE), text);
    }
  g_string_append (svg, "  </g>\n");
}

/**
 * deck_map_model_to_svg:
 * @map: a map
 * @title: (nullable): the picture's title, such as the organization's name
 *
 * Returns: (transfer full): @map as an SVG document
 */
char *
deck_map_model_to_svg (const DeckMapModel *map,
                         const char           *title)
{
  GString *svg = g_string_new (NULL);
  g_autofree char *escaped_title = escape (title != NULL ? title : _("Cluster map"));
  char w[G_ASCII_DTOSTR_BUF_SIZE], h[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_val_if_fail (map != NULL, NULL);

  num (w, map->width);
  num (h, map->height);
  g_string_append (svg, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  g_string_append_printf (svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%s\" "
                          "height=\"%s\" viewBox=\"0 0 %s %s\" font-family=\"sans-serif\" "
                          "font-size=\"13\">\n", w, h, w, h);
  g_string_append_printf (svg, "  <title>%s</title>\n", escaped_title);
  g_string_append_printf (svg, "  <rect width=\"%s\" height=\"%s\" fill=\"#ffffff\"/>\n", w, h);
  /* Edges first, so that the nodes are drawn over their ends. */
  for (guint i = 0; i < map->edges->len; i++)
    append_edge (svg, map, g_ptr_array_index (map->edges, i));
  for (guint i = 0; i < map->nodes->len; i++)
    append_node (svg, g_ptr_array_index (map->nodes, i));
  append_legend (svg, map);
  g_string_append (svg, "</svg>\n");
  return g_string_free (svg, FALSE);
}
