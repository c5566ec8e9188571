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
 * "items-changed". The models are items → the same items in the grid's
 * own order (instance, database, table: see update_order()) →
 * GtkSortListModel (by the clicked column, if any) → GtkFilterListModel
 * (not incremental, so the count is right at once) → the lines that show
 * them (DeckGridRows) → GtkNoSelection.
 * Sorting before filtering makes the collation keys once per model, not
 * again for every row a wider filter brings back.
 *
 * A switch never stages while it is being synced to its item (binding,
 * recycling, a bulk change): DeckToggleCell only reports a flip by the
 * user to a value that differs from the item's.
 *
 * The cells are in deck-replication-grid-cells.c, the row menu and the
 * confirmation for peers in full replication in
 * deck-replication-grid-bulk.c.
 */

#define G_LOG_DOMAIN "deck-replication-grid"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "deck-grid-rows.h"
#include "deck-replication-grid-private.h"

G_DEFINE_FINAL_TYPE (DeckReplicationGrid, deck_replication_grid, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_CHANGE_SET,
  PROP_N_SHOWN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
_deck_replication_grid_toast (DeckReplicationGrid *self,
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

/* The default order --------------------------------------------------------- */

/* The grid shows the rows by instance, node name, database and table, each
 * compared as a GtkStringSorter compares (casefolded, then collated). A
 * GtkSortListModel with a string sorter per field would make a collation
 * key for every row and field, forty thousand for ten thousand rows; but
 * those rows share a few hundred names, so the keys are made here once per
 * name, and the rows sorted once per model into self->ordered. The sort
 * model above it has only the column view's sorter: it sorts when a header
 * is clicked, and keeps this order among equal rows (its sort is stable). */

typedef struct
{
  DeckReplicationItem *item;
  const char          *keys[4];
} OrderEntry;

/* The keys made so far: by the string's address first, for the rows of one
 * model share their names (deck_replication_model_build()), then by its
 * text, for rows that were made one by one. */
typedef struct
{
  GHashTable *by_address;   /* the items' strings → key (not owned) */
  GHashTable *by_text;      /* the items' strings → key (owned) */
} CollationKeys;

static const char *
collation_key (CollationKeys *keys,
               const char    *text)
{
  char *key = g_hash_table_lookup (keys->by_address, text);

  if (key != NULL)
    return key;
  key = g_hash_table_lookup (keys->by_text, text);
  if (key == NULL)
    {
      g_autofree char *folded = g_utf8_casefold (text, -1);

      key = g_utf8_collate_key (folded, -1);
      g_hash_table_insert (keys->by_text, (gpointer) text, key);
    }
  g_hash_table_insert (keys->by_address, (gpointer) text, key);
  return key;
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b,
                 gpointer      data)
{
  const OrderEntry *x = a, *y = b;

  for (guint i = 0; i < G_N_ELEMENTS (x->keys); i++)
    {
      int c = strcmp (x->keys[i], y->keys[i]);

      if (c != 0)
        return c;
    }
  return 0;
}

static void
update_order (DeckReplicationGrid *self)
{
  guint n = self->items != NULL ? g_list_model_get_n_items (self->items) : 0;
  /* Keyed by the items' own strings, which @items keeps alive */
  g_autoptr(GHashTable) by_address = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) by_text = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  CollationKeys keys = { by_address, by_text };
  g_autoptr(GPtrArray) items = g_ptr_array_new_full (n, g_object_unref);
  g_autofree OrderEntry *entries = g_new (OrderEntry, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    {
      DeckReplicationItem *item = g_list_model_get_item (self->items, i);

      g_ptr_array_add (items, item);
      entries[i].item = item;
      entries[i].keys[0] = collation_key (&keys, deck_replication_item_get_peer_label (item));
      entries[i].keys[1] = collation_key (&keys, deck_replication_item_get_peer (item));
      entries[i].keys[2] = collation_key (&keys, deck_replication_item_get_database (item));
      entries[i].keys[3] = collation_key (&keys, deck_replication_item_get_table (item));
    }
  /* A stable sort: rows equal in all four keep the model's order. */
  g_qsort_with_data (entries, n, sizeof (OrderEntry), compare_entries, NULL);
  for (guint i = 0; i < n; i++)
    g_ptr_array_index (items, i) = entries[i].item;

  g_list_store_splice (self->ordered, 0, g_list_model_get_n_items (G_LIST_MODEL (self->ordered)),
                       items->pdata, n);
}

static void
on_items_changed (DeckReplicationGrid *self)
{
  update_order (self);
  /* The total changes with rows the filter hides too. */
  update_shown (self);
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

/* The widget --------------------------------------------------------------- */

static gboolean
focus_search (GtkWidget *widget,
              GVariant  *args,
              gpointer   data)
{
  DeckReplicationGrid *self = DECK_REPLICATION_GRID (widget);

  return gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
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
  _deck_replication_grid_build_columns (self);

  /* The rows in the grid's own order (update_order()); sorted again only
   * by a click on a column header. */
  self->ordered = g_list_store_new (DECK_TYPE_REPLICATION_ITEM);
  self->sort_model = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->ordered)),
                                              g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  gtk_sort_list_model_set_incremental (self->sort_model, FALSE);
  self->filter = gtk_custom_filter_new (filter_item, self, NULL);
  self->filter_model = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->sort_model)),
                                                  g_object_ref (GTK_FILTER (self->filter)));
  gtk_filter_list_model_set_incremental (self->filter_model, FALSE);
  /* The column view shows lines that follow the filtered rows
   * (DeckGridRows): a filter or a sort rebinds the lines on screen instead
   * of making their widgets again. */
  self->lines = G_LIST_MODEL (deck_grid_rows_new (G_LIST_MODEL (self->filter_model)));
  self->selection = gtk_no_selection_new (g_object_ref (self->lines));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  /* After the lines followed the change and the column view took their
   * count in, so that the cells know their positions. */
  g_signal_connect_object (self->filter_model, "items-changed",
                           G_CALLBACK (_deck_replication_grid_update_groups), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
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

/* The row menu's popover is ours (deck-replication-grid-bulk.c): a widget
 * that holds a popover places it when it is allocated itself. */
static void
deck_replication_grid_size_allocate (GtkWidget *widget,
                                     int        width,
                                     int        height,
                                     int        baseline)
{
  DeckReplicationGrid *self = DECK_REPLICATION_GRID (widget);

  GTK_WIDGET_CLASS (deck_replication_grid_parent_class)->size_allocate (widget, width, height,
                                                                        baseline);
  if (self->bulk_menu != NULL)
    gtk_popover_present (self->bulk_menu);
}

static void
deck_replication_grid_dispose (GObject *object)
{
  DeckReplicationGrid *self = DECK_REPLICATION_GRID (object);

  if (self->items != NULL)
    g_clear_signal_handler (&self->items_handler, self->items);
  if (self->search_entry != NULL)
    gtk_search_entry_set_key_capture_widget (self->search_entry, NULL);
  if (self->bulk_menu != NULL)
    gtk_widget_unparent (GTK_WIDGET (g_steal_pointer (&self->bulk_menu)));
  g_clear_weak_pointer (&self->bulk_menu_button);
  adw_bin_set_child (ADW_BIN (self), NULL);
  self->search_entry = NULL;
  self->count_label = NULL;
  self->stack = NULL;
  self->column_view = NULL;
  g_clear_object (&self->selection);
  g_clear_object (&self->lines);
  g_clear_object (&self->sort_model);
  g_clear_object (&self->ordered);
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

  widget_class->size_allocate = deck_replication_grid_size_allocate;

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
  gtk_widget_class_install_action (widget_class, "grid.stage-all", "(ssib)",
                                   _deck_replication_grid_stage_all_action);
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
    self->items_handler = g_signal_connect_object (items, "items-changed",
                                                   G_CALLBACK (on_items_changed), self,
                                                   G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  update_order (self);
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

      if (!_deck_replication_item_in_scope (item, peer, database) ||
          deck_replication_item_get_value (item, direction) == value)
        continue;
      deck_replication_item_stage (item, self->changes, direction, value);
      n_changed++;
    }
  return n_changed;
}
