/* deck-replication-grid-cells.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cells of DeckReplicationGrid: the column factories, and the dimming
 * of an Instance or Database cell that repeats the row above.
 *
 * The items GTK binds are the grid's lines (DeckGridRow, see
 * DeckGridRows), not its rows: a cell shows its line's row, and shows it
 * again when a filter or a sort points the line at another row. GTK makes
 * the widgets of up to two hundred lines, so a line is as few widgets as
 * the grid can do with: a label per text column, a DeckToggleCell (itself
 * and its switch) per direction, and a plain button for the row's menu,
 * whose popover is one for the whole grid and is made when it is first
 * opened (deck-replication-grid-bulk.c). Nothing is a box around a single
 * child, and no tooltip is set ahead of time.
 */

#define G_LOG_DOMAIN "deck-replication-grid"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-grid-row.h"
#include "deck-replication-grid-private.h"

typedef enum
{
  COLUMN_INSTANCE,
  COLUMN_DATABASE,
  COLUMN_TABLE,
  COLUMN_PUBLISH,
  COLUMN_SUBSCRIBE,
  COLUMN_STATE,
  COLUMN_MENU,
} Column;

static Column
cell_column (GtkListItem *list_item)
{
  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (list_item), "deck-column"));
}

/* The row a cell shows: its line's (see DeckGridRows) */
static DeckReplicationItem *
cell_item (GtkListItem *list_item)
{
  DeckGridRow *line = gtk_list_item_get_item (list_item);

  return line != NULL ? deck_grid_row_get_item (line) : NULL;
}

/* Column sorters ----------------------------------------------------------- */

/* The column view's sorter sorts the rows (the sort model is below the
 * lines), so these read a DeckReplicationItem. */
static char *
item_dup_peer_label (DeckReplicationItem *item)
{
  return g_strdup (deck_replication_item_get_peer_label (item));
}

static char *
item_dup_database (DeckReplicationItem *item)
{
  return g_strdup (deck_replication_item_get_database (item));
}

static char *
item_dup_table (DeckReplicationItem *item)
{
  return g_strdup (deck_replication_item_get_table (item));
}

/* Used only once a header is clicked: the grid's own order is made without
 * them (see update_order() in deck-replication-grid.c). */
static GtkSorter *
string_sorter (GCallback getter)
{
  return GTK_SORTER (gtk_string_sorter_new (gtk_cclosure_expression_new (G_TYPE_STRING, NULL,
                                                                         0, NULL, getter,
                                                                         NULL, NULL)));
}

/* Visual grouping ---------------------------------------------------------- */

/* Dims an Instance or Database cell that repeats the row above: the peer for
 * Instance, the peer and database for Database, so that a new instance's
 * first row always names its database. */
static void
update_grouping (DeckReplicationGrid *self,
                 GtkListItem         *list_item)
{
  DeckReplicationItem *item = cell_item (list_item);
  guint position = gtk_list_item_get_position (list_item);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  gboolean same = FALSE;

  if (item == NULL || label == NULL)
    return;

  if (position != GTK_INVALID_LIST_POSITION && position > 0)
    {
      GListModel *shown = G_LIST_MODEL (self->filter_model);
      g_autoptr(DeckReplicationItem) above = g_list_model_get_item (shown, position - 1);

      same = above != NULL &&
             g_strcmp0 (deck_replication_item_get_peer (above),
                        deck_replication_item_get_peer (item)) == 0 &&
             (cell_column (list_item) == COLUMN_INSTANCE ||
              g_strcmp0 (deck_replication_item_get_database (above),
                         deck_replication_item_get_database (item)) == 0);
    }

  if (same)
    gtk_widget_add_css_class (label, "dim-label");
  else
    gtk_widget_remove_css_class (label, "dim-label");
}

/* After the rows moved (a sort, a filter, a new model): a line whose row
 * stayed the same can have another row above it now. Only the bound cells
 * are looked at, a few screenfuls. */
void
_deck_replication_grid_update_groups (DeckReplicationGrid *self)
{
  GHashTableIter iter;
  gpointer list_item;

  g_hash_table_iter_init (&iter, self->grouped_cells);
  while (g_hash_table_iter_next (&iter, &list_item, NULL))
    update_grouping (self, list_item);
}

/* Tooltips ----------------------------------------------------------------- */

/* Tooltips are computed when asked for: gtk_widget_set_tooltip_text() asks
 * the display where the pointer is (a round trip to the X server), far too
 * slow to do for every cell bound while scrolling. */
static gboolean
on_text_query_tooltip (GtkWidget   *label,
                       int          x,
                       int          y,
                       gboolean     keyboard,
                       GtkTooltip  *tooltip,
                       GtkListItem *list_item)
{
  DeckReplicationItem *item = cell_item (list_item);
  const char *text = gtk_label_get_text (GTK_LABEL (label));

  if (item == NULL)
    return FALSE;
  /* The node name, when people know the instance by another name */
  if (cell_column (list_item) == COLUMN_INSTANCE &&
      g_strcmp0 (text, deck_replication_item_get_peer (item)) != 0)
    {
      g_autofree char *full = g_strdup_printf (_("%s (node %s)"), text,
                                               deck_replication_item_get_peer (item));

      gtk_tooltip_set_text (tooltip, full);
      return TRUE;
    }
  if (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (label))))
    {
      gtk_tooltip_set_text (tooltip, text);
      return TRUE;
    }
  return FALSE;
}

static gboolean
on_state_query_tooltip (GtkWidget   *label,
                        int          x,
                        int          y,
                        gboolean     keyboard,
                        GtkTooltip  *tooltip,
                        GtkListItem *list_item)
{
  DeckReplicationItem *item = cell_item (list_item);

  if (item == NULL)
    return FALSE;
  if (deck_replication_item_get_state (item) != NULL)
    gtk_tooltip_set_text (tooltip, deck_replication_item_get_state (item));
  else if (deck_replication_item_get_full_replication (item))
    gtk_tooltip_set_text (tooltip, _("Every table is replicated in both directions, "
                                     "including tables created later"));
  else
    return FALSE;
  return TRUE;
}

static gboolean
on_menu_query_tooltip (GtkWidget  *button,
                       int         x,
                       int         y,
                       gboolean    keyboard,
                       GtkTooltip *tooltip,
                       gpointer    data)
{
  gtk_tooltip_set_text (tooltip, _("Bulk Changes"));
  return TRUE;
}

/* Making cells ------------------------------------------------------------- */

static void
on_cell_toggled (DeckToggleCell      *cell,
                 gboolean             active,
                 DeckReplicationGrid *self)
{
  DeckReplicationItem *item = deck_toggle_cell_get_item (cell);
  DeckReplicationDirection direction = deck_toggle_cell_get_direction (cell);

  if (_deck_replication_grid_needs_confirmation (self, item, direction, active))
    {
      _deck_replication_grid_confirm (self, item, cell, NULL, direction, active, FALSE);
      return;
    }
  deck_replication_item_stage (item, self->changes, direction, active);
}

static void
on_menu_clicked (GtkButton   *button,
                 GtkListItem *list_item)
{
  DeckReplicationItem *item = cell_item (list_item);
  GtkWidget *grid = gtk_widget_get_ancestor (GTK_WIDGET (button), DECK_TYPE_REPLICATION_GRID);

  if (item != NULL && grid != NULL)
    _deck_replication_grid_open_bulk_menu (DECK_REPLICATION_GRID (grid), GTK_WIDGET (button),
                                           item);
}

static GtkWidget *
new_label (GtkListItem *list_item,
           GCallback    query_tooltip)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_has_tooltip (label, TRUE);
  g_signal_connect (label, "query-tooltip", query_tooltip, list_item);
  return label;
}

/* A plain button: the menu it opens is the grid's one popover, filled for
 * the row when it opens. Its icon is drawn by its style (the "row-menu"
 * class in style.css), not by an image inside it: one widget fewer on
 * every line. */
static GtkWidget *
new_menu_button (GtkListItem *list_item)
{
  GtkWidget *button = gtk_button_new ();

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "image-button");
  gtk_widget_add_css_class (button, "row-menu");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_HAS_POPUP,
                                  TRUE, -1);
  /* Not gtk_widget_set_tooltip_text(): see on_text_query_tooltip(). */
  gtk_widget_set_has_tooltip (button, TRUE);
  g_signal_connect (button, "query-tooltip", G_CALLBACK (on_menu_query_tooltip), NULL);
  g_signal_connect (button, "clicked", G_CALLBACK (on_menu_clicked), list_item);
  return button;
}

static void
cell_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            DeckReplicationGrid      *self)
{
  Column column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "deck-column"));
  GtkWidget *child;

  g_object_set_data (G_OBJECT (list_item), "deck-column", GINT_TO_POINTER (column));
  g_object_set_data (G_OBJECT (list_item), "deck-grid", self);
  switch (column)
    {
    case COLUMN_INSTANCE:
    case COLUMN_DATABASE:
    case COLUMN_TABLE:
      child = new_label (list_item, G_CALLBACK (on_text_query_tooltip));
      break;
    case COLUMN_PUBLISH:
    case COLUMN_SUBSCRIBE:
      child = deck_toggle_cell_new (column == COLUMN_PUBLISH ? DECK_REPLICATION_PUBLISH
                                                             : DECK_REPLICATION_SUBSCRIBE);
      g_signal_connect (child, "toggled", G_CALLBACK (on_cell_toggled), self);
      break;
    case COLUMN_STATE:
      child = new_label (list_item, G_CALLBACK (on_state_query_tooltip));
      break;
    case COLUMN_MENU:
    default:
      child = new_menu_button (list_item);
      break;
    }
  gtk_list_item_set_child (list_item, child);
}

/* Showing a row ------------------------------------------------------------ */

static void
show_text (DeckReplicationGrid *self,
           GtkListItem         *list_item,
           DeckReplicationItem *item)
{
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (list_item));

  switch (cell_column (list_item))
    {
    case COLUMN_INSTANCE:
      gtk_label_set_text (label, deck_replication_item_get_peer_label (item));
      break;
    case COLUMN_DATABASE:
      gtk_label_set_text (label, deck_replication_item_get_database (item));
      break;
    case COLUMN_TABLE:
    default:
      gtk_label_set_text (label, deck_replication_item_get_table (item));
      return;
    }
  update_grouping (self, list_item);
}

/* Only the classes that change are touched: each change restyles the label. */
static void
set_class (GtkWidget  *widget,
           const char *name,
           gboolean    on)
{
  if (on)
    gtk_widget_add_css_class (widget, name);
  else
    gtk_widget_remove_css_class (widget, name);
}

static void
show_state (GtkListItem         *list_item,
            DeckReplicationItem *item)
{
  GtkWidget *label = gtk_list_item_get_child (list_item);
  const char *state = deck_replication_item_get_state (item);

  /* A problem is shown before full replication: it is what needs doing. */
  if (state != NULL)
    gtk_label_set_text (GTK_LABEL (label), state);
  else if (deck_replication_item_get_full_replication (item))
    gtk_label_set_text (GTK_LABEL (label), _("Full replication"));
  else
    gtk_label_set_text (GTK_LABEL (label), "—");
  set_class (label, "warning", state != NULL);
  set_class (label, "dim-label", state == NULL);
}

static void
show_menu (GtkListItem         *list_item,
           DeckReplicationItem *item)
{
  g_autofree char *label = NULL;

  /* Translators: "Bulk changes for dev.dog on node2": database.table, then the peer */
  label = g_strdup_printf (_("Bulk changes for %s.%s on %s"),
                           deck_replication_item_get_database (item),
                           deck_replication_item_get_table (item),
                           deck_replication_item_get_peer_label (item));
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_list_item_get_child (list_item)),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* Shows the row of the cell's line: when bound, and when the line is
 * pointed at another row. */
static void
show_cell (GtkListItem *list_item)
{
  DeckReplicationGrid *self = g_object_get_data (G_OBJECT (list_item), "deck-grid");
  DeckReplicationItem *item = cell_item (list_item);

  if (item == NULL)
    return;
  switch (cell_column (list_item))
    {
    case COLUMN_INSTANCE:
    case COLUMN_DATABASE:
    case COLUMN_TABLE:
      show_text (self, list_item, item);
      break;
    case COLUMN_PUBLISH:
    case COLUMN_SUBSCRIBE:
      deck_toggle_cell_set_item (DECK_TOGGLE_CELL (gtk_list_item_get_child (list_item)), item);
      break;
    case COLUMN_STATE:
      show_state (list_item, item);
      break;
    case COLUMN_MENU:
    default:
      show_menu (list_item, item);
      break;
    }
}

static void
cell_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           DeckReplicationGrid      *self)
{
  DeckGridRow *line = gtk_list_item_get_item (list_item);
  Column column = cell_column (list_item);
  gulong handler;

  handler = g_signal_connect_swapped (line, "notify::item", G_CALLBACK (show_cell), list_item);
  g_object_set_data (G_OBJECT (list_item), "deck-line-handler", GSIZE_TO_POINTER (handler));
  if (column == COLUMN_INSTANCE || column == COLUMN_DATABASE)
    g_hash_table_add (self->grouped_cells, list_item);
  show_cell (list_item);
}

static void
cell_unbind (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             DeckReplicationGrid      *self)
{
  DeckGridRow *line = gtk_list_item_get_item (list_item);
  gulong handler = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (list_item), "deck-line-handler"));
  GtkWidget *child = gtk_list_item_get_child (list_item);

  if (line != NULL && handler != 0)
    g_signal_handler_disconnect (line, handler);
  g_object_set_data (G_OBJECT (list_item), "deck-line-handler", NULL);
  g_hash_table_remove (self->grouped_cells, list_item);
  if (DECK_IS_TOGGLE_CELL (child))
    deck_toggle_cell_set_item (DECK_TOGGLE_CELL (child), NULL);
}

/* Columns ------------------------------------------------------------------ */

static GtkColumnViewColumn *
add_column (DeckReplicationGrid *self,
            const char          *title,
            Column               kind)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_object_set_data (G_OBJECT (factory), "deck-column", GINT_TO_POINTER (kind));
  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup), self);
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (cell_unbind), self);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_append_column (self->column_view, column);
  g_object_unref (column);
  return column;
}

/* Every column has a fixed width, the text columns as a minimum that they
 * share the rest of the width above: GTK 4.8 would otherwise size a column
 * to the rows it has made so far, so columns would jump while scrolling and
 * the last ones be squeezed. The minimums (528 px) fit the page of a
 * 1000-pixel window (the window less its two sidebars, 548 px) without
 * scrolling sideways: a text column is as wide as its header ("Database"),
 * a switch column as the switch and its "Changed" mark. Longer text is
 * ellipsized, with a tooltip. */
#define TEXT_COLUMN_WIDTH   64
#define SWITCH_COLUMN_WIDTH 112
#define MENU_COLUMN_WIDTH   48

static void
text_column_widths (GtkColumnViewColumn *column)
{
  gtk_column_view_column_set_expand (column, TRUE);
  gtk_column_view_column_set_resizable (column, TRUE);
}

/* The width of @text in 9 pt bold, the font of the "Changed" mark
 * (style.css) and of Adwaita's column headers, at the display's text size. */
static int
caption_text_width (GtkWidget  *widget,
                    const char *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  g_autoptr(PangoAttrList) attrs = pango_attr_list_new ();
  int width;

  pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_attr_list_insert (attrs, pango_attr_size_new (9 * PANGO_SCALE));
  pango_layout_set_attributes (layout, attrs);
  pango_layout_get_pixel_size (layout, &width, NULL);
  g_object_unref (layout);
  return width;
}

/* The columns' widths follow the text size (GNOME's Large Text, a longer
 * translation): a switch column is SWITCH_COLUMN_WIDTH, or more when the
 * switch (48 px in Adwaita), the mark's spacing, the mark and the cell's
 * padding (6 px on each side) need it; a text column is
 * TEXT_COLUMN_WIDTH, or more when its header and the header's padding need
 * it (a GTK 4.8 header clips its title). A few layouts are measured, not
 * the cells. At the default text size they come out at those above (the
 * switch columns a pixel wider with Cantarell 11). */
static void
update_column_widths (DeckReplicationGrid *self)
{
  GtkWidget *widget = GTK_WIDGET (self->column_view);
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  int switch_width = MAX (SWITCH_COLUMN_WIDTH, 48 + DECK_TOGGLE_CELL_MARK_SPACING +
                                               caption_text_width (widget, _("Changed")) + 12);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      GtkListItemFactory *factory = gtk_column_view_column_get_factory (column);
      Column kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "deck-column"));
      const char *title = gtk_column_view_column_get_title (column);
      int width;

      if (kind == COLUMN_PUBLISH || kind == COLUMN_SUBSCRIBE)
        width = switch_width;
      else if (kind == COLUMN_MENU)
        continue;
      else
        width = MAX (TEXT_COLUMN_WIDTH, caption_text_width (widget, title != NULL ? title : "") + 12);
      if (gtk_column_view_column_get_fixed_width (column) != width)
        gtk_column_view_column_set_fixed_width (column, width);
    }
}

void
_deck_replication_grid_build_columns (DeckReplicationGrid *self)
{
  static const struct
  {
    const char *title;
    Column      column;
    GCallback   getter;
  } text_columns[] = {
    { N_("Instance"), COLUMN_INSTANCE, G_CALLBACK (item_dup_peer_label) },
    { N_("Database"), COLUMN_DATABASE, G_CALLBACK (item_dup_database) },
    { N_("Table"), COLUMN_TABLE, G_CALLBACK (item_dup_table) },
  };
  GtkColumnViewColumn *column;

  for (guint i = 0; i < G_N_ELEMENTS (text_columns); i++)
    {
      g_autoptr(GtkSorter) sorter = string_sorter (text_columns[i].getter);

      column = add_column (self, _(text_columns[i].title), text_columns[i].column);
      gtk_column_view_column_set_sorter (column, sorter);
      text_column_widths (column);
    }

  /* Wide enough for the switch and its "Changed" mark (DeckToggleCell
   * draws it in the room it is given), so that a change does not move the
   * columns. */
  add_column (self, _("Publish"), COLUMN_PUBLISH);
  add_column (self, _("Subscribe"), COLUMN_SUBSCRIBE);

  column = add_column (self, _("State"), COLUMN_STATE);
  text_column_widths (column);

  column = add_column (self, NULL, COLUMN_MENU);
  gtk_column_view_column_set_fixed_width (column, MENU_COLUMN_WIDTH);

  /* Wider with larger text, now and when the text size changes */
  update_column_widths (self);
  g_signal_connect_object (gtk_widget_get_settings (GTK_WIDGET (self->column_view)),
                           "notify::gtk-xft-dpi", G_CALLBACK (update_column_widths), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_widget_get_settings (GTK_WIDGET (self->column_view)),
                           "notify::gtk-font-name", G_CALLBACK (update_column_widths), self,
                           G_CONNECT_SWAPPED);
}
