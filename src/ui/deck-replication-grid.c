/* deck-replication-grid.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The "manage replication" grid: one row per (peer, database, table) with a
 * publish and a subscribe switch. Toggling stages a change in a
 * DeckChangeSet; nothing is sent from here.
 *
 * It must stay smooth with tens of thousands of rows, so every row widget
 * lives in a recycled list item made by a factory, and nothing does work
 * proportional to the number of rows per staged change: a cell follows its
 * own item's notifications, the count follows the filter model's
 * "items-changed". The models are items → GtkSortListModel (the clicked
 * column first, then instance, database, table) → GtkFilterListModel (not
 * incremental, so the count is right at once) → GtkNoSelection. Sorting
 * before filtering makes the collation keys once per model, not again for
 * every row a wider filter brings back.
 *
 * A switch never stages while it is being synced to its item (binding,
 * recycling, a bulk change): its handler is blocked meanwhile, and it only
 * stages a value that differs from the item's.
 */

#define G_LOG_DOMAIN "deck-replication-grid"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "deck-replication-grid.h"

typedef enum
{
  COLUMN_INSTANCE,
  COLUMN_DATABASE,
  COLUMN_TABLE,
} TextColumn;

struct _DeckReplicationGrid
{
  AdwBin              parent_instance;

  GListModel         *items;
  gulong              items_handler;
  DeckChangeSet      *changes;
  char               *needle;         /* casefolded, stripped filter text */
  GHashTable         *acknowledged;   /* peers the user agreed to take out of full replication */
  GHashTable         *grouped_cells;  /* bound Instance and Database list items */
  guint               n_shown;

  GtkCustomFilter    *filter;
  GtkFilterListModel *filter_model;
  GtkSortListModel   *sort_model;
  GtkNoSelection     *selection;

  GtkSearchEntry     *search_entry;
  GtkLabel           *count_label;
  GtkStack           *stack;
  GtkColumnView      *column_view;
};

G_DEFINE_FINAL_TYPE (DeckReplicationGrid, deck_replication_grid, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_CHANGE_SET,
  PROP_N_SHOWN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
direction_property (DeckReplicationDirection direction)
{
  return direction == DECK_REPLICATION_PUBLISH ? "publish" : "subscribe";
}

static gboolean
baseline_value (DeckReplicationItem      *item,
                DeckReplicationDirection  direction)
{
  const DeckBaseline *baseline = deck_replication_item_get_baseline (item);

  return direction == DECK_REPLICATION_PUBLISH ? baseline->publish : baseline->subscribe;
}

static void
toast (DeckReplicationGrid *self,
       const char          *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

/* Count and empty states --------------------------------------------------- */

static void
update_shown (DeckReplicationGrid *self)
{
  guint n_total = self->items != NULL ? g_list_model_get_n_items (self->items) : 0;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));
  g_autofree char *total_text = g_strdup_printf ("%'u", n_total);
  g_autofree char *text = NULL;

  if (self->needle == NULL || *self->needle == '\0')
    {
      /* Translators: the number of tables in the grid, e.g. "10,000 tables" */
      text = g_strdup_printf (ngettext ("%s table", "%s tables", n_total), total_text);
    }
  else
    {
      g_autofree char *n_text = g_strdup_printf ("%'u", n);

      /* Translators: rows shown out of all rows, e.g. "12 of 10,000 tables" */
      text = g_strdup_printf (ngettext ("%s of %s table", "%s of %s tables", n_total),
                              n_text, total_text);
    }
  gtk_label_set_text (self->count_label, text);

  if (n_total == 0)
    gtk_stack_set_visible_child_name (self->stack, "empty");
  else if (n == 0)
    gtk_stack_set_visible_child_name (self->stack, "no-match");
  else
    gtk_stack_set_visible_child_name (self->stack, "grid");
  gtk_widget_set_sensitive (GTK_WIDGET (self->search_entry), n_total > 0);

  if (n != self->n_shown)
    {
      self->n_shown = n;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SHOWN]);
    }
}

/* Filtering ---------------------------------------------------------------- */

static gboolean
filter_item (gpointer item,
             gpointer data)
{
  DeckReplicationGrid *self = data;

  return deck_replication_item_matches (item, self->needle);
}

/* Refilters at once when the text means another filter. A filter whose
 * text contains the old one can only match fewer rows (every old word lies
 * inside a new word), and the other way round: GTK then only looks at the
 * rows that can change. */
static void
apply_filter_text (DeckReplicationGrid *self,
                   const char          *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  g_autofree char *needle = g_utf8_casefold (stripped, -1);
  g_autofree char *old = NULL;
  GtkFilterChange change;

  if (g_strcmp0 (needle, self->needle) == 0)
    return;

  if (strstr (needle, self->needle) != NULL)
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (strstr (self->needle, needle) != NULL)
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  else
    change = GTK_FILTER_CHANGE_DIFFERENT;

  old = g_steal_pointer (&self->needle);
  self->needle = g_steal_pointer (&needle);
  gtk_filter_changed (GTK_FILTER (self->filter), change);
  /* The count says "N of M" as soon as there is a text, even when the
   * filter left the rows as they were. */
  update_shown (self);
}

static void
on_search_changed (DeckReplicationGrid *self)
{
  apply_filter_text (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
on_stop_search (DeckReplicationGrid *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  apply_filter_text (self, "");
}

/* Sorting ------------------------------------------------------------------ */

static char *
item_dup_peer_label (DeckReplicationItem *item)
{
  return g_strdup (deck_replication_item_get_peer_label (item));
}

static char *
item_dup_peer (DeckReplicationItem *item)
{
  return g_strdup (deck_replication_item_get_peer (item));
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

/* A GtkStringSorter computes a collation key once per item, which keeps
 * sorting ten thousand rows cheap. */
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
  DeckReplicationItem *item = gtk_list_item_get_item (list_item);
  guint position = gtk_list_item_get_position (list_item);
  TextColumn column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (list_item), "deck-column"));
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
             (column == COLUMN_INSTANCE ||
              g_strcmp0 (deck_replication_item_get_database (above),
                         deck_replication_item_get_database (item)) == 0);
    }

  if (same)
    gtk_widget_add_css_class (label, "dim-label");
  else
    gtk_widget_remove_css_class (label, "dim-label");
}

/* After the rows moved (a sort, a filter, a new model): the list keeps the
 * cells of rows that stayed, at their new positions, without binding them
 * again, and even a cell whose position stayed can have another row above
 * it. Only the bound cells are looked at, a few screenfuls. */
static void
on_rows_changed (DeckReplicationGrid *self)
{
  GHashTableIter iter;
  gpointer list_item;

  g_hash_table_iter_init (&iter, self->grouped_cells);
  while (g_hash_table_iter_next (&iter, &list_item, NULL))
    update_grouping (self, list_item);
}

/* Text cells --------------------------------------------------------------- */

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
  DeckReplicationItem *item = gtk_list_item_get_item (list_item);
  TextColumn column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (list_item), "deck-column"));
  const char *text = gtk_label_get_text (GTK_LABEL (label));

  if (item == NULL)
    return FALSE;
  /* The node name, when people know the instance by another name */
  if (column == COLUMN_INSTANCE && g_strcmp0 (text, deck_replication_item_get_peer (item)) != 0)
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

static void
text_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            DeckReplicationGrid      *self)
{
  TextColumn column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "deck-column"));
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_has_tooltip (label, TRUE);
  g_signal_connect (label, "query-tooltip", G_CALLBACK (on_text_query_tooltip), list_item);
  gtk_list_item_set_child (list_item, label);
  g_object_set_data (G_OBJECT (list_item), "deck-column", GINT_TO_POINTER (column));
}

static void
text_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           DeckReplicationGrid      *self)
{
  DeckReplicationItem *item = gtk_list_item_get_item (list_item);
  TextColumn column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (list_item), "deck-column"));
  GtkWidget *label = gtk_list_item_get_child (list_item);
  const char *text;

  switch (column)
    {
    case COLUMN_INSTANCE:
      text = deck_replication_item_get_peer_label (item);
      break;
    case COLUMN_DATABASE:
      text = deck_replication_item_get_database (item);
      break;
    case COLUMN_TABLE:
    default:
      text = deck_replication_item_get_table (item);
      break;
    }
  gtk_label_set_text (GTK_LABEL (label), text);

  if (column != COLUMN_TABLE)
    {
      g_hash_table_add (self->grouped_cells, list_item);
      update_grouping (self, list_item);
    }
}

static void
text_unbind (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             DeckReplicationGrid      *self)
{
  g_hash_table_remove (self->grouped_cells, list_item);
}

/* State cells -------------------------------------------------------------- */

static gboolean
on_state_query_tooltip (GtkWidget   *label,
                        int          x,
                        int          y,
                        gboolean     keyboard,
                        GtkTooltip  *tooltip,
                        GtkListItem *list_item)
{
  DeckReplicationItem *item = gtk_list_item_get_item (list_item);

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

static void
state_setup (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             DeckReplicationGrid      *self)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_has_tooltip (label, TRUE);
  g_signal_connect (label, "query-tooltip", G_CALLBACK (on_state_query_tooltip), list_item);
  gtk_list_item_set_child (list_item, label);
}

static void
state_bind (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            DeckReplicationGrid      *self)
{
  DeckReplicationItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  const char *state = deck_replication_item_get_state (item);

  gtk_widget_remove_css_class (label, "warning");
  gtk_widget_remove_css_class (label, "dim-label");
  if (state != NULL)
    {
      /* A problem is shown before full replication: it is what needs doing. */
      gtk_label_set_text (GTK_LABEL (label), state);
      gtk_widget_add_css_class (label, "warning");
    }
  else if (deck_replication_item_get_full_replication (item))
    {
      gtk_label_set_text (GTK_LABEL (label), _("Full replication"));
      gtk_widget_add_css_class (label, "dim-label");
    }
  else
    {
      gtk_label_set_text (GTK_LABEL (label), "—");
      gtk_widget_add_css_class (label, "dim-label");
    }
}

/* Switch cells ------------------------------------------------------------- */

typedef struct
{
  DeckReplicationGrid      *grid;
  DeckReplicationDirection  direction;
  GtkWidget                *box;
  GtkWidget                *toggle;     /* GtkSwitch, owned */
  GtkWidget                *mark;       /* "Changed", shown for a staged value */
  DeckReplicationItem      *item;       /* bound, owned */
  gulong                    active_handler;
  gulong                    value_handler;
  gulong                    changed_handler;
} SwitchCell;

static void
switch_cell_unbind_item (SwitchCell *cell)
{
  if (cell->item == NULL)
    return;
  g_clear_signal_handler (&cell->value_handler, cell->item);
  g_clear_signal_handler (&cell->changed_handler, cell->item);
  g_clear_object (&cell->item);
}

static void
switch_cell_free (gpointer data)
{
  SwitchCell *cell = data;

  switch_cell_unbind_item (cell);
  g_object_set_data (G_OBJECT (cell->toggle), "deck-switch-cell", NULL);
  g_clear_signal_handler (&cell->active_handler, cell->toggle);
  g_clear_object (&cell->toggle);
  g_free (cell);
}

/* Shows the item's value and whether it is changed. The switch's handler is
 * blocked: showing a value is never staging it. */
static void
switch_cell_sync (SwitchCell *cell)
{
  gboolean value, changed;

  if (cell->item == NULL)
    return;

  value = deck_replication_item_get_value (cell->item, cell->direction);
  changed = deck_replication_item_get_changed (cell->item, cell->direction);

  g_signal_handler_block (cell->toggle, cell->active_handler);
  gtk_switch_set_active (GTK_SWITCH (cell->toggle), value);
  g_signal_handler_unblock (cell->toggle, cell->active_handler);

  gtk_widget_set_visible (cell->mark, changed);
  /* Showing a widget makes it accessible again; the switch's description
   * already says "changed", so the mark is not read a second time. */
  gtk_accessible_update_state (GTK_ACCESSIBLE (cell->mark), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
  if (changed)
    {
      gtk_widget_add_css_class (cell->toggle, "changed");
      gtk_accessible_update_property (GTK_ACCESSIBLE (cell->toggle),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      _("changed, not applied"), -1);
    }
  else
    {
      gtk_widget_remove_css_class (cell->toggle, "changed");
      gtk_accessible_reset_property (GTK_ACCESSIBLE (cell->toggle),
                                     GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }
}

static const char *
switch_cell_tooltip (SwitchCell *cell)
{
  if (cell->item == NULL || !deck_replication_item_get_changed (cell->item, cell->direction))
    return NULL;
  return baseline_value (cell->item, cell->direction) ? _("Changed from On — not applied yet")
                                                      : _("Changed from Off — not applied yet");
}

static gboolean
on_switch_query_tooltip (GtkWidget  *box,
                         int         x,
                         int         y,
                         gboolean    keyboard,
                         GtkTooltip *tooltip,
                         SwitchCell *cell)
{
  const char *text = switch_cell_tooltip (cell);

  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static gboolean needs_confirmation (DeckReplicationGrid      *self,
                                    DeckReplicationItem      *item,
                                    DeckReplicationDirection  direction,
                                    gboolean                  value);
static void     confirm_per_table  (DeckReplicationGrid      *self,
                                    DeckReplicationItem      *item,
                                    GtkWidget                *toggle,
                                    const char               *database,
                                    DeckReplicationDirection  direction,
                                    gboolean                  value,
                                    gboolean                  bulk);

static void
on_switch_active (GtkSwitch  *toggle,
                  GParamSpec *pspec,
                  SwitchCell *cell)
{
  gboolean active = gtk_switch_get_active (toggle);

  if (cell->item == NULL || active == deck_replication_item_get_value (cell->item, cell->direction))
    return;

  if (needs_confirmation (cell->grid, cell->item, cell->direction, active))
    {
      confirm_per_table (cell->grid, cell->item, cell->toggle, NULL, cell->direction, active,
                         FALSE);
      return;
    }
  deck_replication_item_stage (cell->item, cell->grid->changes, cell->direction, active);
}

static void
switch_setup (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              DeckReplicationGrid      *self)
{
  SwitchCell *cell = g_new0 (SwitchCell, 1);

  cell->grid = self;
  cell->direction = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "deck-direction"));
  cell->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  cell->toggle = g_object_ref (gtk_switch_new ());
  gtk_widget_set_valign (cell->toggle, GTK_ALIGN_CENTER);
  cell->mark = gtk_label_new (_("Changed"));
  gtk_widget_add_css_class (cell->mark, "changed-mark");
  gtk_widget_add_css_class (cell->mark, "caption");
  gtk_widget_set_visible (cell->mark, FALSE);
  /* The switch's accessible description says it; no second announcement. */
  gtk_accessible_update_state (GTK_ACCESSIBLE (cell->mark), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
  gtk_box_append (GTK_BOX (cell->box), cell->toggle);
  gtk_box_append (GTK_BOX (cell->box), cell->mark);
  gtk_widget_set_has_tooltip (cell->box, TRUE);
  g_signal_connect (cell->box, "query-tooltip", G_CALLBACK (on_switch_query_tooltip), cell);

  cell->active_handler = g_signal_connect (cell->toggle, "notify::active",
                                           G_CALLBACK (on_switch_active), cell);
  g_object_set_data (G_OBJECT (cell->toggle), "deck-switch-cell", cell);
  g_object_set_data_full (G_OBJECT (list_item), "deck-switch-cell", cell, switch_cell_free);
  gtk_list_item_set_child (list_item, cell->box);
}

static void
switch_bind (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             DeckReplicationGrid      *self)
{
  SwitchCell *cell = g_object_get_data (G_OBJECT (list_item), "deck-switch-cell");
  DeckReplicationItem *item = gtk_list_item_get_item (list_item);
  const char *property = direction_property (cell->direction);
  g_autofree char *value_signal = g_strdup_printf ("notify::%s", property);
  g_autofree char *changed_signal = g_strdup_printf ("notify::%s-changed", property);
  g_autofree char *label = NULL;

  switch_cell_unbind_item (cell);
  cell->item = g_object_ref (item);
  cell->value_handler = g_signal_connect_swapped (item, value_signal,
                                                  G_CALLBACK (switch_cell_sync), cell);
  cell->changed_handler = g_signal_connect_swapped (item, changed_signal,
                                                    G_CALLBACK (switch_cell_sync), cell);
  if (cell->direction == DECK_REPLICATION_PUBLISH)
    /* Translators: "Publish dev.dog to node2": database.table, then the peer */
    label = g_strdup_printf (_("Publish %s.%s to %s"),
                             deck_replication_item_get_database (item),
                             deck_replication_item_get_table (item),
                             deck_replication_item_get_peer_label (item));
  else
    /* Translators: "Subscribe to dev.dog from node2": database.table, then the peer */
    label = g_strdup_printf (_("Subscribe to %s.%s from %s"),
                             deck_replication_item_get_database (item),
                             deck_replication_item_get_table (item),
                             deck_replication_item_get_peer_label (item));
  gtk_accessible_update_property (GTK_ACCESSIBLE (cell->toggle),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  switch_cell_sync (cell);
}

static void
switch_unbind (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               DeckReplicationGrid      *self)
{
  switch_cell_unbind_item (g_object_get_data (G_OBJECT (list_item), "deck-switch-cell"));
}

/* Bulk menu cells ---------------------------------------------------------- */

static void
append_bulk_item (GMenu               *section,
                  const char          *label,
                  DeckReplicationItem *item,
                  const char          *database,
                  DeckReplicationDirection direction,
                  gboolean             value)
{
  g_autoptr(GMenuItem) menu_item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target_value (menu_item, "grid.stage-all",
                                           g_variant_new ("(ssib)",
                                                          deck_replication_item_get_peer (item),
                                                          database, (gint32) direction, value));
  g_menu_append_item (section, menu_item);
}

/* The menu is made when it is opened, not when the row is bound: a popover
 * per bound row would cost more than the row itself. */
static void
create_bulk_menu (GtkMenuButton *button,
                  gpointer       data)
{
  GtkListItem *list_item = data;
  DeckReplicationItem *item = gtk_list_item_get_item (list_item);
  const char *database;
  g_autoptr(GMenu) menu = NULL;
  g_autoptr(GMenu) db_section = NULL;
  g_autoptr(GMenu) peer_section = NULL;

  if (item == NULL)
    return;
  database = deck_replication_item_get_database (item);

  db_section = g_menu_new ();
  append_bulk_item (db_section, _("Publish Whole Database"), item, database,
                    DECK_REPLICATION_PUBLISH, TRUE);
  append_bulk_item (db_section, _("Stop Publishing Whole Database"), item, database,
                    DECK_REPLICATION_PUBLISH, FALSE);
  append_bulk_item (db_section, _("Subscribe to Whole Database"), item, database,
                    DECK_REPLICATION_SUBSCRIBE, TRUE);
  append_bulk_item (db_section, _("Unsubscribe Whole Database"), item, database,
                    DECK_REPLICATION_SUBSCRIBE, FALSE);

  peer_section = g_menu_new ();
  append_bulk_item (peer_section, _("Publish Whole Instance"), item, "",
                    DECK_REPLICATION_PUBLISH, TRUE);
  append_bulk_item (peer_section, _("Stop Publishing Whole Instance"), item, "",
                    DECK_REPLICATION_PUBLISH, FALSE);
  append_bulk_item (peer_section, _("Subscribe to Whole Instance"), item, "",
                    DECK_REPLICATION_SUBSCRIBE, TRUE);
  append_bulk_item (peer_section, _("Unsubscribe Whole Instance"), item, "",
                    DECK_REPLICATION_SUBSCRIBE, FALSE);

  menu = g_menu_new ();
  g_menu_append_section (menu, database, G_MENU_MODEL (db_section));
  g_menu_append_section (menu, deck_replication_item_get_peer_label (item),
                         G_MENU_MODEL (peer_section));
  gtk_menu_button_set_menu_model (button, G_MENU_MODEL (menu));
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

static void
menu_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            DeckReplicationGrid      *self)
{
  GtkWidget *button = gtk_menu_button_new ();

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-more-symbolic");
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  /* Not gtk_widget_set_tooltip_text(): see on_text_query_tooltip(). */
  gtk_widget_set_has_tooltip (button, TRUE);
  g_signal_connect (button, "query-tooltip", G_CALLBACK (on_menu_query_tooltip), NULL);
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (button), create_bulk_menu,
                                         list_item, NULL);
  gtk_list_item_set_child (list_item, button);
}

static void
menu_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           DeckReplicationGrid      *self)
{
  DeckReplicationItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *button = gtk_list_item_get_child (list_item);
  g_autofree char *label = NULL;

  /* The previous row's menu goes; the next opening makes this row's. */
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), NULL);
  /* Translators: "Bulk changes for dev.dog on node2": database.table, then the peer */
  label = g_strdup_printf (_("Bulk changes for %s.%s on %s"),
                           deck_replication_item_get_database (item),
                           deck_replication_item_get_table (item),
                           deck_replication_item_get_peer_label (item));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  label, -1);
}

/* Full replication --------------------------------------------------------- */

/* A peer in full replication gets every table both ways; narrowing one table
 * replaces the link by per-table subscriptions (remove + add when applied),
 * so the first change to such a peer is confirmed. Going back to what the
 * server has needs no confirmation. */
static gboolean
needs_confirmation (DeckReplicationGrid      *self,
                    DeckReplicationItem      *item,
                    DeckReplicationDirection  direction,
                    gboolean                  value)
{
  return deck_replication_item_get_full_replication (item) &&
         value != baseline_value (item, direction) &&
         !g_hash_table_contains (self->acknowledged, deck_replication_item_get_peer (item));
}

typedef struct
{
  DeckReplicationGrid      *grid;       /* owned */
  DeckReplicationItem      *item;       /* owned */
  GtkWidget                *toggle;     /* owned; the switch flipped, if any */
  char                     *database;   /* a bulk change of one database */
  DeckReplicationDirection  direction;
  gboolean                  value;
  gboolean                  bulk;
} Confirmation;

static void
confirmation_free (gpointer  data,
                   GClosure *closure)
{
  Confirmation *c = data;

  g_object_unref (c->grid);
  g_object_unref (c->item);
  g_clear_object (&c->toggle);
  g_free (c->database);
  g_free (c);
}

static void stage_bulk (DeckReplicationGrid      *self,
                        const char               *peer,
                        const char               *database,
                        DeckReplicationDirection  direction,
                        gboolean                  value);

static void
on_confirm_response (AdwMessageDialog *dialog,
                     const char       *response,
                     Confirmation     *c)
{
  const char *peer = deck_replication_item_get_peer (c->item);

  if (g_strcmp0 (response, "change") != 0)
    {
      SwitchCell *cell = c->toggle ? g_object_get_data (G_OBJECT (c->toggle), "deck-switch-cell")
                                   : NULL;

      /* Nothing was staged: the switch goes back to the item's value, if
       * it still shows that item. */
      if (cell != NULL && cell->item == c->item)
        switch_cell_sync (cell);
      return;
    }

  g_hash_table_add (c->grid->acknowledged, g_strdup (peer));
  if (c->bulk)
    stage_bulk (c->grid, peer, c->database, c->direction, c->value);
  else
    deck_replication_item_stage (c->item, c->grid->changes, c->direction, c->value);
}

static void
confirm_per_table (DeckReplicationGrid      *self,
                   DeckReplicationItem      *item,
                   GtkWidget                *toggle,
                   const char               *database,
                   DeckReplicationDirection  direction,
                   gboolean                  value,
                   gboolean                  bulk)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  Confirmation *c = g_new0 (Confirmation, 1);
  GtkWidget *dialog;

  c->grid = g_object_ref (self);
  c->item = g_object_ref (item);
  c->toggle = toggle != NULL ? g_object_ref (toggle) : NULL;
  c->database = g_strdup (database);
  c->direction = direction;
  c->value = value;
  c->bulk = bulk;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Change to Per-Table Replication?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("%s replicates every table in both directions. Changing "
                                    "one table turns the link into per-table subscriptions: "
                                    "when you apply, the connection is removed and added "
                                    "again with every table listed."),
                                  deck_replication_item_get_peer_label (item));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "change", _("C_hange"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "change",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "change");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_confirm_response), c,
                         confirmation_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Bulk changes ------------------------------------------------------------- */

static gboolean
item_in_scope (DeckReplicationItem *item,
               const char          *peer,
               const char          *database)
{
  return g_strcmp0 (deck_replication_item_get_peer (item), peer) == 0 &&
         (database == NULL || g_strcmp0 (deck_replication_item_get_database (item), database) == 0);
}

static void
stage_bulk (DeckReplicationGrid      *self,
            const char               *peer,
            const char               *database,
            DeckReplicationDirection  direction,
            gboolean                  value)
{
  guint n = deck_replication_grid_stage_all (self, peer, database, direction, value);
  g_autofree char *text = NULL;

  if (n == 0)
    text = g_strdup (_("Nothing to change"));
  else
    text = g_strdup_printf (ngettext ("%u table changed, not applied yet",
                                      "%u tables changed, not applied yet", n), n);
  toast (self, text);
}

static void
stage_all_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DeckReplicationGrid *self = DECK_REPLICATION_GRID (widget);
  const char *peer, *database;
  gint32 direction;
  gboolean value;
  guint n;

  g_variant_get (parameter, "(&s&sib)", &peer, &database, &direction, &value);
  if (*database == '\0')
    database = NULL;
  if (self->items == NULL)
    return;

  /* The whole list, not what the filter shows: the menu says "whole". */
  n = g_list_model_get_n_items (self->items);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DeckReplicationItem) item = g_list_model_get_item (self->items, i);

      if (item_in_scope (item, peer, database) &&
          needs_confirmation (self, item, direction, value))
        {
          confirm_per_table (self, item, NULL, database, direction, value, TRUE);
          return;
        }
    }
  stage_bulk (self, peer, database, direction, value);
}

/* The widget --------------------------------------------------------------- */

static gboolean
focus_search (GtkWidget *widget,
              GVariant  *args,
              gpointer   data)
{
  DeckReplicationGrid *self = DECK_REPLICATION_GRID (widget);

  return gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static GtkColumnViewColumn *
add_column (DeckReplicationGrid *self,
            const char          *title,
            GCallback            setup,
            GCallback            bind,
            GCallback            unbind,
            const char          *data_key,
            int                  data)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_object_set_data (G_OBJECT (factory), data_key, GINT_TO_POINTER (data));
  g_signal_connect (factory, "setup", setup, self);
  g_signal_connect (factory, "bind", bind, self);
  if (unbind != NULL)
    g_signal_connect (factory, "unbind", unbind, self);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_append_column (self->column_view, column);
  g_object_unref (column);
  return column;
}

/* Every column has a fixed width, the text columns as a minimum that they
 * share the rest of the width above: GTK 4.8 would otherwise size a column
 * to the rows it has made so far, so columns would jump while scrolling and
 * the last ones be squeezed. The minimums fit a 600-pixel page (the window's
 * default width less its two sidebars) without scrolling sideways; longer
 * text is ellipsized, with a tooltip. */
#define TEXT_COLUMN_WIDTH   76
#define SWITCH_COLUMN_WIDTH 120
#define MENU_COLUMN_WIDTH   48

static void
text_column_widths (GtkColumnViewColumn *column)
{
  gtk_column_view_column_set_fixed_width (column, TEXT_COLUMN_WIDTH);
  gtk_column_view_column_set_expand (column, TRUE);
  gtk_column_view_column_set_resizable (column, TRUE);
}

static void
build_columns (DeckReplicationGrid *self)
{
  static const struct
  {
    const char *title;
    TextColumn  column;
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

      column = add_column (self, _(text_columns[i].title), G_CALLBACK (text_setup),
                           G_CALLBACK (text_bind), G_CALLBACK (text_unbind),
                           "deck-column", text_columns[i].column);
      gtk_column_view_column_set_sorter (column, sorter);
      text_column_widths (column);
    }

  /* Wide enough for the switch and its "Changed" mark, so that a change
   * does not move the columns. */
  column = add_column (self, _("Publish"), G_CALLBACK (switch_setup), G_CALLBACK (switch_bind),
                       G_CALLBACK (switch_unbind), "deck-direction", DECK_REPLICATION_PUBLISH);
  gtk_column_view_column_set_fixed_width (column, SWITCH_COLUMN_WIDTH);
  column = add_column (self, _("Subscribe"), G_CALLBACK (switch_setup), G_CALLBACK (switch_bind),
                       G_CALLBACK (switch_unbind), "deck-direction", DECK_REPLICATION_SUBSCRIBE);
  gtk_column_view_column_set_fixed_width (column, SWITCH_COLUMN_WIDTH);

  column = add_column (self, _("State"), G_CALLBACK (state_setup), G_CALLBACK (state_bind),
                       NULL, "deck-column", 0);
  text_column_widths (column);

  column = add_column (self, NULL, G_CALLBACK (menu_setup), G_CALLBACK (menu_bind),
                       NULL, "deck-column", 0);
  gtk_column_view_column_set_fixed_width (column, MENU_COLUMN_WIDTH);
}

static GtkWidget *
status_page (const char *icon,
             const char *title,
             const char *description)
{
  GtkWidget *page = adw_status_page_new ();

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (page), icon);
  adw_status_page_set_title (ADW_STATUS_PAGE (page), title);
  adw_status_page_set_description (ADW_STATUS_PAGE (page), description);
  gtk_widget_add_css_class (page, "compact");
  return page;
}

static void
deck_replication_grid_init (DeckReplicationGrid *self)
{
  GtkWidget *box, *bar, *scrolled;
  g_autoptr(GtkMultiSorter) order = gtk_multi_sorter_new ();
  GtkMultiSorter *sorter = gtk_multi_sorter_new ();

  self->needle = g_strdup ("");
  self->changes = deck_change_set_new ();
  self->acknowledged = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->grouped_cells = g_hash_table_new (NULL, NULL);

  gtk_widget_add_css_class (GTK_WIDGET (self), "replication-grid");
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  adw_bin_set_child (ADW_BIN (self), box);

  bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_add_css_class (bar, "grid-bar");
  gtk_widget_set_margin_top (bar, 6);
  gtk_widget_set_margin_bottom (bar, 6);
  gtk_widget_set_margin_start (bar, 12);
  gtk_widget_set_margin_end (bar, 12);
  self->search_entry = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  g_object_set (self->search_entry, "placeholder-text",
                _("Filter by instance, database or table"), NULL);
  gtk_widget_set_hexpand (GTK_WIDGET (self->search_entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->search_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Filter tables"), -1);
  g_signal_connect_swapped (self->search_entry, "search-changed",
                            G_CALLBACK (on_search_changed), self);
  g_signal_connect_swapped (self->search_entry, "stop-search", G_CALLBACK (on_stop_search), self);
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->search_entry));
  self->count_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->count_label), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->count_label), "numeric");
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->count_label));
  gtk_box_append (GTK_BOX (box), bar);
  gtk_box_append (GTK_BOX (box), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));

  self->column_view = GTK_COLUMN_VIEW (gtk_column_view_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->column_view), "data-table");
  gtk_column_view_set_reorderable (self->column_view, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->column_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Replicated tables"), -1);
  build_columns (self);

  /* The clicked column first, then instance, database and table. */
  gtk_multi_sorter_append (order, string_sorter (G_CALLBACK (item_dup_peer_label)));
  gtk_multi_sorter_append (order, string_sorter (G_CALLBACK (item_dup_peer)));
  gtk_multi_sorter_append (order, string_sorter (G_CALLBACK (item_dup_database)));
  gtk_multi_sorter_append (order, string_sorter (G_CALLBACK (item_dup_table)));
  gtk_multi_sorter_append (sorter, g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  gtk_multi_sorter_append (sorter, GTK_SORTER (g_steal_pointer (&order)));

  /* Sorted first, then filtered: the sort keys are made once per model,
   * and a filter change (typing) only touches the filter model. */
  self->sort_model = gtk_sort_list_model_new (NULL, GTK_SORTER (sorter));
  gtk_sort_list_model_set_incremental (self->sort_model, FALSE);
  self->filter = gtk_custom_filter_new (filter_item, self, NULL);
  self->filter_model = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->sort_model)),
                                                  g_object_ref (GTK_FILTER (self->filter)));
  gtk_filter_list_model_set_incremental (self->filter_model, FALSE);
  self->selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->filter_model)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  /* After the column view's own handler, so that the cells know their new
   * positions. */
  g_signal_connect_object (self->selection, "items-changed", G_CALLBACK (on_rows_changed),
                           self, G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  g_signal_connect_object (self->filter_model, "items-changed", G_CALLBACK (update_shown),
                           self, G_CONNECT_SWAPPED);

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_AUTOMATIC,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->column_view));

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  gtk_stack_add_named (self->stack, scrolled, "grid");
  gtk_stack_add_named (self->stack,
                       status_page ("network-workgroup-symbolic", _("No Tables"),
                                    _("Connect an instance to see the tables it can replicate")),
                       "empty");
  gtk_stack_add_named (self->stack,
                       status_page ("edit-find-symbolic", _("No Matching Tables"),
                                    _("No instance, database or table matches the filter")),
                       "no-match");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->stack));

  /* Typing anywhere in the grid filters it. */
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));
  update_shown (self);
}

static void
deck_replication_grid_dispose (GObject *object)
{
  DeckReplicationGrid *self = DECK_REPLICATION_GRID (object);

  if (self->items != NULL)
    g_clear_signal_handler (&self->items_handler, self->items);
  if (self->search_entry != NULL)
    gtk_search_entry_set_key_capture_widget (self->search_entry, NULL);
  adw_bin_set_child (ADW_BIN (self), NULL);
  self->search_entry = NULL;
  self->count_label = NULL;
  self->stack = NULL;
  self->column_view = NULL;
  g_clear_object (&self->selection);
  g_clear_object (&self->sort_model);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->filter);
  g_clear_object (&self->items);
  g_clear_object (&self->changes);

  G_OBJECT_CLASS (deck_replication_grid_parent_class)->dispose (object);
}

static void
deck_replication_grid_finalize (GObject *object)
{
  DeckReplicationGrid *self = DECK_REPLICATION_GRID (object);

  g_free (self->needle);
  g_hash_table_unref (self->acknowledged);
  g_hash_table_unref (self->grouped_cells);

  G_OBJECT_CLASS (deck_replication_grid_parent_class)->finalize (object);
}

static void
deck_replication_grid_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  DeckReplicationGrid *self = DECK_REPLICATION_GRID (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->items);
      break;
    case PROP_CHANGE_SET:
      g_value_set_object (value, self->changes);
      break;
    case PROP_N_SHOWN:
      g_value_set_uint (value, self->n_shown);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_replication_grid_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  DeckReplicationGrid *self = DECK_REPLICATION_GRID (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      deck_replication_grid_set_model (self, g_value_get_object (value));
      break;
    case PROP_CHANGE_SET:
      deck_replication_grid_set_change_set (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_replication_grid_class_init (DeckReplicationGridClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = deck_replication_grid_dispose;
  object_class->finalize = deck_replication_grid_finalize;
  object_class->get_property = deck_replication_grid_get_property;
  object_class->set_property = deck_replication_grid_set_property;

  /**
   * DeckReplicationGrid:model:
   *
   * The rows: a list of #DeckReplicationItem.
   */
  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * DeckReplicationGrid:change-set:
   *
   * Where toggles are staged.
   */
  properties[PROP_CHANGE_SET] =
    g_param_spec_object ("change-set", NULL, NULL, DECK_TYPE_CHANGE_SET,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * DeckReplicationGrid:n-shown:
   *
   * The number of rows the filter lets through.
   */
  properties[PROP_N_SHOWN] =
    g_param_spec_uint ("n-shown", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DeckReplicationGrid|grid.stage-all:
   * @parameter: (peer, database or "" for every database, direction, value)
   *
   * Stages @value in one direction for every table of a peer's database, or
   * of the peer, after a confirmation when the peer is in full replication.
   */
  gtk_widget_class_install_action (widget_class, "grid.stage-all", "(ssib)", stage_all_action);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, focus_search, NULL);
}

/**
 * deck_replication_grid_new:
 *
 * Returns: (transfer floating): an empty grid
 */
GtkWidget *
deck_replication_grid_new (void)
{
  return g_object_new (DECK_TYPE_REPLICATION_GRID, NULL);
}

/**
 * deck_replication_grid_set_model:
 * @self: a grid
 * @items: (nullable): a list of #DeckReplicationItem
 *
 * Shows @items, filtered by the current text. Rebinding the rows never
 * stages anything.
 */
void
deck_replication_grid_set_model (DeckReplicationGrid *self,
                                 GListModel          *items)
{
  g_return_if_fail (DECK_IS_REPLICATION_GRID (self));
  g_return_if_fail (items == NULL || G_IS_LIST_MODEL (items));

  if (self->items == items)
    return;
  if (self->items != NULL)
    g_clear_signal_handler (&self->items_handler, self->items);
  g_set_object (&self->items, items);
  if (items != NULL)
    /* The total changes with rows the filter hides too. */
    self->items_handler = g_signal_connect_object (items, "items-changed",
                                                   G_CALLBACK (update_shown), self,
                                                   G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  gtk_sort_list_model_set_model (self->sort_model, items);
  update_shown (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

/**
 * deck_replication_grid_get_model:
 * @self: a grid
 *
 * Returns: (transfer none) (nullable): the rows, unfiltered
 */
GListModel *
deck_replication_grid_get_model (DeckReplicationGrid *self)
{
  g_return_val_if_fail (DECK_IS_REPLICATION_GRID (self), NULL);
  return self->items;
}

/**
 * deck_replication_grid_set_change_set:
 * @self: a grid
 * @changes: the change set toggles are staged in
 *
 * Until it is called, toggles go to a change set of the grid's own.
 */
void
deck_replication_grid_set_change_set (DeckReplicationGrid *self,
                                      DeckChangeSet       *changes)
{
  g_return_if_fail (DECK_IS_REPLICATION_GRID (self));
  g_return_if_fail (DECK_IS_CHANGE_SET (changes));

  if (g_set_object (&self->changes, changes))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHANGE_SET]);
}

/**
 * deck_replication_grid_set_filter_text:
 * @self: a grid
 * @text: (nullable): words to look for in the instance, database and table
 *
 * Puts @text in the search entry and filters at once (the entry alone would
 * wait for the user to stop typing).
 */
void
deck_replication_grid_set_filter_text (DeckReplicationGrid *self,
                                       const char          *text)
{
  g_return_if_fail (DECK_IS_REPLICATION_GRID (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  apply_filter_text (self, text);
}

/**
 * deck_replication_grid_get_n_shown:
 * @self: a grid
 *
 * Returns: the number of rows the filter lets through
 */
guint
deck_replication_grid_get_n_shown (DeckReplicationGrid *self)
{
  g_return_val_if_fail (DECK_IS_REPLICATION_GRID (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));
}

/**
 * deck_replication_grid_get_column_view:
 * @self: a grid
 *
 * Returns: (transfer none): the column view showing the rows
 */
GtkColumnView *
deck_replication_grid_get_column_view (DeckReplicationGrid *self)
{
  g_return_val_if_fail (DECK_IS_REPLICATION_GRID (self), NULL);
  return self->column_view;
}

/**
 * deck_replication_grid_get_search_entry:
 * @self: a grid
 *
 * Returns: (transfer none): the filter's search entry
 */
GtkEditable *
deck_replication_grid_get_search_entry (DeckReplicationGrid *self)
{
  g_return_val_if_fail (DECK_IS_REPLICATION_GRID (self), NULL);
  return GTK_EDITABLE (self->search_entry);
}

/**
 * deck_replication_grid_stage_all:
 * @self: a grid
 * @peer: a peer's node name
 * @database: (nullable): one of its databases, or %NULL for all of them
 * @direction: publish or subscribe
 * @value: the wanted value
 *
 * Stages @value for every row of @peer (and @database) in the whole model,
 * whatever the filter shows. No confirmation is asked.
 *
 * Returns: the number of rows whose value changed
 */
guint
deck_replication_grid_stage_all (DeckReplicationGrid      *self,
                                 const char               *peer,
                                 const char               *database,
                                 DeckReplicationDirection  direction,
                                 gboolean                  value)
{
  guint n, n_changed = 0;

  g_return_val_if_fail (DECK_IS_REPLICATION_GRID (self), 0);
  g_return_val_if_fail (peer != NULL, 0);

  if (self->items == NULL)
    return 0;

  value = !!value;
  n = g_list_model_get_n_items (self->items);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DeckReplicationItem) item = g_list_model_get_item (self->items, i);

      if (!item_in_scope (item, peer, database) ||
          deck_replication_item_get_value (item, direction) == value)
        continue;
      deck_replication_item_stage (item, self->changes, direction, value);
      n_changed++;
    }
  return n_changed;
}
