/* test-ui-grid.c: the replication grid in a real window, without Harper.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under Xvfb on a private session bus that activates nothing (see
 * tests/ui/meson.build). The rows are made with deck_replication_item_new():
 * three peers with five tables each (dev.bird, dev.cat, dev.dog,
 * prod.orders, prod.users), node3 in full replication; and, for recycling,
 * 50 peers × 200 tables.
 *
 * Switches are found as a user finds a row: by filtering the grid down to
 * it, or by their accessible label, read with GTK's test accessibility
 * context (GTK_A11Y=test; GTK 4.8 has no getter). Toggling goes through
 * gtk_widget_activate(), the path of a keyboard toggle. The
 * full-replication confirmation is answered with
 * adw_message_dialog_response().
 *
 * Screenshots (grid-widget.png, grid-widget-dark.png,
 * grid-widget-no-match.png, grid-widget-menu.png; replication-grid.png is
 * the Tables page's, from test-ui-grid-apply.c) are rendered in the app
 * three frames after the scene is set (no toasts here, no animations) and
 * checked not to be blank, the dark one against the dark style; with
 * CLUSTERDECK_SCREENSHOT_DIR set they are kept there, otherwise they go to a
 * temporary directory that is removed.
 */

#include <string.h>

#include <adwaita.h>

#include "deck-change-set.h"
#include "deck-replication-grid.h"
#include "deck-replication-model.h"
#include "deck-toggle-cell.h"
#include "ui-test-util.h"

#define WINDOW_WIDTH  1000
#define WINDOW_HEIGHT 700
#define INSTANCE_ID   "self"

static GtkWindow *window;
static DeckReplicationGrid *grid;
static DeckChangeSet *changes;
static GListStore *small_model;

static GLogFunc test_log_handler;

static void
drop_debug_messages (const char     *log_domain,
                     GLogLevelFlags  log_level,
                     const char     *message,
                     gpointer        user_data)
{
  if ((log_level & G_LOG_LEVEL_DEBUG) == 0)
    test_log_handler (log_domain, log_level, message, user_data);
}

/* Rows --------------------------------------------------------------------- */

static DeckReplicationItem *
make_item (const char *peer,
           const char *label,
           const char *database,
           const char *table,
           gboolean    publish,
           gboolean    subscribe,
           gboolean    replicates,
           const char *state)
{
  DeckBaseline baseline = { publish, subscribe, replicates };

  return deck_replication_item_new (INSTANCE_ID, peer, label, database, table, &baseline, state);
}

static const char *const tables[][2] = {
  { "dev", "bird" }, { "dev", "cat" }, { "dev", "dog" }, { "prod", "orders" }, { "prod", "users" },
};

/* node1: publishes dev; node2: subscribes to dev; node3: full replication.
 * Listed in another order than the grid's, which sorts them. With @flip,
 * every value is the other way round (and nothing is in full replication). */
static GListStore *
make_small_model (gboolean flip)
{
  GListStore *store = g_list_store_new (DECK_TYPE_REPLICATION_ITEM);
  static const char *const peers[][2] = { { "n3", "node3" }, { "n1", "node1" }, { "n2", "node2" } };

  for (guint p = 0; p < G_N_ELEMENTS (peers); p++)
    for (guint t = G_N_ELEMENTS (tables); t-- > 0;)
      {
        gboolean dev = strcmp (tables[t][0], "dev") == 0;
        gboolean full = strcmp (peers[p][0], "n3") == 0;
        gboolean publish = full || (strcmp (peers[p][0], "n1") == 0 && dev);
        gboolean subscribe = full || (strcmp (peers[p][0], "n2") == 0 && dev);
        const char *state = NULL;
        g_autoptr(DeckReplicationItem) item = NULL;

        if (strcmp (peers[p][0], "n2") == 0 && strcmp (tables[t][1], "users") == 0)
          state = "Missing on node2";
        if (flip)
          item = make_item (peers[p][0], peers[p][1], tables[t][0], tables[t][1],
                            !publish, !subscribe, FALSE, state);
        else
          item = make_item (peers[p][0], peers[p][1], tables[t][0], tables[t][1],
                            publish, subscribe, full, state);
        g_list_store_append (store, item);
      }
  return store;
}

/* 50 peers × 4 databases × 50 tables, values alternating with the row */
static GListStore *
make_big_model (void)
{
  GListStore *store = g_list_store_new (DECK_TYPE_REPLICATION_ITEM);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint p = 0; p < 50; p++)
    for (guint d = 0; d < 4; d++)
      for (guint t = 0; t < 50; t++)
        {
          g_autofree char *peer = g_strdup_printf ("peer%02u", p);
          g_autofree char *database = g_strdup_printf ("db%u", d);
          g_autofree char *table = g_strdup_printf ("table%02u", t);

          g_ptr_array_add (items, make_item (peer, NULL, database, table, t % 2 == 0, t % 3 == 0,
                                             FALSE, NULL));
        }
  g_list_store_splice (store, 0, 0, items->pdata, items->len);
  return store;
}

/* Finding widgets ---------------------------------------------------------- */

static void
collect_mapped (GtkWidget *root,
                GType      type,
                GPtrArray *out)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) && gtk_widget_get_mapped (root))
    g_ptr_array_add (out, root);
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    collect_mapped (c, type, out);
}

static int
compare_y (gconstpointer a,
           gconstpointer b)
{
  GtkWidget *wa = *(GtkWidget **) a, *wb = *(GtkWidget **) b;
  GtkWidget *parent = gtk_widget_get_parent (wa);
  graphene_rect_t ra, rb;

  g_assert_true (gtk_widget_compute_bounds (wa, parent, &ra));
  g_assert_true (gtk_widget_compute_bounds (wb, parent, &rb));
  return ra.origin.y < rb.origin.y ? -1 : ra.origin.y > rb.origin.y;
}

/* The shown rows of the column view, top to bottom */
static GPtrArray *
shown_rows (void)
{
  GtkWidget *list = find_of_type (GTK_WIDGET (deck_replication_grid_get_column_view (grid)),
                                  GTK_TYPE_LIST_VIEW);
  GPtrArray *rows = g_ptr_array_new ();

  g_assert_nonnull (list);
  wait_frames (GTK_WIDGET (grid), 2);
  for (GtkWidget *c = gtk_widget_get_first_child (list); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    if (g_strcmp0 (gtk_widget_get_css_name (c), "row") == 0 && gtk_widget_get_mapped (c))
      g_ptr_array_add (rows, c);
  g_ptr_array_sort (rows, compare_y);
  return rows;
}

/* The widget a factory made for (row, column) */
static GtkWidget *
cell_child (GPtrArray *rows,
            guint      row,
            guint      column)
{
  GtkWidget *cell;

  g_assert_cmpuint (row, <, rows->len);
  cell = gtk_widget_get_first_child (g_ptr_array_index (rows, row));
  for (guint i = 0; i < column && cell != NULL; i++)
    cell = gtk_widget_get_next_sibling (cell);
  g_assert_nonnull (cell);
  return gtk_widget_get_first_child (cell);
}

static gboolean
is_dim (GPtrArray *rows,
        guint      row,
        guint      column)
{
  return gtk_widget_has_css_class (cell_child (rows, row, column), "dim-label");
}

static const char *
cell_text (GPtrArray *rows,
           guint      row,
           guint      column)
{
  GtkWidget *label = cell_child (rows, row, column);

  g_assert_true (GTK_IS_LABEL (label));
  return gtk_label_get_text (GTK_LABEL (label));
}

static void
assert_accessible_label (gpointer    widget,
                         const char *expected)
{
  g_autofree char *label = ui_test_accessible_label (GTK_ACCESSIBLE (widget));

  g_assert_cmpstr (label, ==, expected);
}

/* A shown switch by its accessible label, as a screen reader user finds it */
static GtkSwitch *
find_switch (const char *label)
{
  g_autoptr(GPtrArray) switches = g_ptr_array_new ();

  wait_frames (GTK_WIDGET (grid), 2);
  collect_mapped (GTK_WIDGET (deck_replication_grid_get_column_view (grid)), GTK_TYPE_SWITCH,
                  switches);
  for (guint i = 0; i < switches->len; i++)
    {
      g_autofree char *value = ui_test_accessible_label (g_ptr_array_index (switches, i));

      if (g_strcmp0 (value, label) == 0)
        return g_ptr_array_index (switches, i);
    }
  g_error ("no switch labelled “%s” among %u", label, switches->len);
  return NULL;
}

/* Filters the grid down to one row; returns its publish or subscribe switch. */
static GtkSwitch *
row_switch (const char               *filter,
            DeckReplicationDirection  direction)
{
  g_autoptr(GPtrArray) switches = g_ptr_array_new ();

  deck_replication_grid_set_filter_text (grid, filter);
  g_assert_cmpuint (deck_replication_grid_get_n_shown (grid), ==, 1);
  wait_frames (GTK_WIDGET (grid), 2);
  collect_mapped (GTK_WIDGET (deck_replication_grid_get_column_view (grid)), GTK_TYPE_SWITCH,
                  switches);
  g_assert_cmpuint (switches->len, ==, 2);
  return g_ptr_array_index (switches, direction == DECK_REPLICATION_PUBLISH ? 0 : 1);
}

/* Whether the switch's cell shows the "Changed" mark (the cell's "changed"
 * class, with which DeckToggleCell draws it); the switch's accessible
 * description agrees with it. */
static gboolean
mark_shown (GtkSwitch *toggle)
{
  GtkWidget *cell = gtk_widget_get_parent (GTK_WIDGET (toggle));
  g_autofree char *description = NULL;
  gboolean shown;

  g_assert_true (DECK_IS_TOGGLE_CELL (cell));
  shown = deck_toggle_cell_get_changed (DECK_TOGGLE_CELL (cell));
  g_assert_cmpint (shown, ==, gtk_widget_has_css_class (cell, "changed"));
  description = gtk_test_accessible_check_property (GTK_ACCESSIBLE (toggle),
                                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                                    "changed, not applied");
  g_assert_cmpint (shown, ==, description == NULL);
  return shown;
}

static const char *
count_text (void)
{
  GtkEditable *entry = deck_replication_grid_get_search_entry (grid);
  GtkWidget *bar = gtk_widget_get_parent (GTK_WIDGET (entry));
  GtkWidget *label = gtk_widget_get_last_child (bar);

  g_assert_true (GTK_IS_LABEL (label));
  return gtk_label_get_text (GTK_LABEL (label));
}

static const char *
visible_page (void)
{
  GtkWidget *stack = find_of_type (GTK_WIDGET (grid), GTK_TYPE_STACK);

  g_assert_nonnull (stack);
  return gtk_stack_get_visible_child_name (GTK_STACK (stack));
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (item) && gtk_widget_get_visible (GTK_WIDGET (item)))
        return ADW_MESSAGE_DIALOG (item);
    }
  return NULL;
}

/* Answers @dialog as a click on one of its buttons does: the response,
 * then the dialog goes away. */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  WAIT_UNTIL (find_message_dialog () == NULL, 5000);
}

static DeckToggle
staged (const char               *peer,
        const char               *database,
        const char               *table,
        DeckReplicationDirection  direction)
{
  DeckToggle publish = DECK_TOGGLE_UNCHANGED, subscribe = DECK_TOGGLE_UNCHANGED;

  deck_change_set_get (changes, INSTANCE_ID, peer, database, table, &publish, &subscribe);
  return direction == DECK_REPLICATION_PUBLISH ? publish : subscribe;
}

/* Back to nothing staged, every row showing its baseline, no filter. */
static void
reset (void)
{
  deck_change_set_clear (changes);
  deck_replication_model_sync (G_LIST_MODEL (small_model), changes);
  deck_replication_grid_set_filter_text (grid, "");
}

/* Tests -------------------------------------------------------------------- */

static void
test_count_and_filter (void)
{
  g_autoptr(GPtrArray) rows = NULL;
  GListModel *columns = gtk_column_view_get_columns (deck_replication_grid_get_column_view (grid));
  g_autoptr(GtkColumnViewColumn) table_column = g_list_model_get_item (columns, 2);

  g_assert_cmpuint (g_list_model_get_n_items (columns), ==, 7);
  g_assert_cmpuint (deck_replication_grid_get_n_shown (grid), ==, 15);
  g_assert_cmpstr (count_text (), ==, "15 tables");
  g_assert_cmpstr (visible_page (), ==, "grid");

  /* Sorted by instance, database, table; a repeated instance or database
   * is dimmed, a database of a new instance is not. */
  rows = shown_rows ();
  g_assert_cmpuint (rows->len, ==, 15);
  g_assert_cmpstr (cell_text (rows, 0, 0), ==, "node1");
  g_assert_cmpstr (cell_text (rows, 0, 2), ==, "bird");
  g_assert_cmpstr (cell_text (rows, 3, 2), ==, "orders");
  g_assert_cmpstr (cell_text (rows, 5, 0), ==, "node2");
  g_assert_cmpstr (cell_text (rows, 14, 0), ==, "node3");
  g_assert_cmpstr (cell_text (rows, 14, 5), ==, "Full replication");
  g_assert_cmpstr (cell_text (rows, 9, 5), ==, "Missing on node2");
  g_assert_cmpstr (cell_text (rows, 0, 5), ==, "—");
  g_assert_false (is_dim (rows, 0, 0));
  g_assert_false (is_dim (rows, 0, 1));
  g_assert_true (is_dim (rows, 1, 0));
  g_assert_true (is_dim (rows, 1, 1));
  g_assert_true (is_dim (rows, 3, 0));
  g_assert_false (is_dim (rows, 3, 1));
  g_assert_false (is_dim (rows, 5, 0));
  g_assert_false (is_dim (rows, 5, 1));
  g_assert_false (is_dim (rows, 2, 2));
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Filtering: at once, with the count */
  deck_replication_grid_set_filter_text (grid, "dog");
  g_assert_cmpuint (deck_replication_grid_get_n_shown (grid), ==, 3);
  g_assert_cmpstr (count_text (), ==, "3 of 15 tables");
  g_assert_cmpstr (gtk_editable_get_text (deck_replication_grid_get_search_entry (grid)), ==,
                   "dog");
  rows = shown_rows ();
  g_assert_cmpuint (rows->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpstr (cell_text (rows, i, 2), ==, "dog");
      g_assert_false (is_dim (rows, i, 0));
      g_assert_false (is_dim (rows, i, 1));
    }
  g_clear_pointer (&rows, g_ptr_array_unref);

  deck_replication_grid_set_filter_text (grid, "node2 dev");
  g_assert_cmpuint (deck_replication_grid_get_n_shown (grid), ==, 3);
  deck_replication_grid_set_filter_text (grid, "NODE2");
  g_assert_cmpuint (deck_replication_grid_get_n_shown (grid), ==, 5);
  deck_replication_grid_set_filter_text (grid, "node2 zebra");
  g_assert_cmpuint (deck_replication_grid_get_n_shown (grid), ==, 0);
  g_assert_cmpstr (count_text (), ==, "0 of 15 tables");
  g_assert_cmpstr (visible_page (), ==, "no-match");

  /* Back to every row: the grouping follows the rows that came back. */
  deck_replication_grid_set_filter_text (grid, "");
  g_assert_cmpuint (deck_replication_grid_get_n_shown (grid), ==, 15);
  g_assert_cmpstr (count_text (), ==, "15 tables");
  g_assert_cmpstr (visible_page (), ==, "grid");
  rows = shown_rows ();
  g_assert_cmpuint (rows->len, ==, 15);
  g_assert_false (is_dim (rows, 0, 0));
  g_assert_true (is_dim (rows, 2, 0));
  g_assert_true (is_dim (rows, 2, 1));
  g_assert_false (is_dim (rows, 10, 0));
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Sorted by table (a header click): the instances alternate, nothing
   * is dimmed; then back to the default order. */
  gtk_column_view_sort_by_column (deck_replication_grid_get_column_view (grid), table_column,
                                  GTK_SORT_ASCENDING);
  rows = shown_rows ();
  g_assert_cmpstr (cell_text (rows, 0, 2), ==, "bird");
  g_assert_cmpstr (cell_text (rows, 1, 2), ==, "bird");
  g_assert_cmpstr (cell_text (rows, 1, 0), ==, "node2");
  g_assert_cmpstr (cell_text (rows, 14, 2), ==, "users");
  for (guint i = 0; i < rows->len; i++)
    {
      g_assert_false (is_dim (rows, i, 0));
      g_assert_false (is_dim (rows, i, 1));
    }
  g_clear_pointer (&rows, g_ptr_array_unref);
  gtk_column_view_sort_by_column (deck_replication_grid_get_column_view (grid), NULL,
                                  GTK_SORT_ASCENDING);
  rows = shown_rows ();
  g_assert_cmpstr (cell_text (rows, 1, 2), ==, "cat");
  g_assert_true (is_dim (rows, 1, 0));

  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 0);
}

static void
test_toggle_stages (void)
{
  GtkSwitch *publish;

  reset ();
  deck_replication_grid_set_filter_text (grid, "dog");
  g_assert_cmpuint (deck_replication_grid_get_n_shown (grid), ==, 3);
  publish = find_switch ("Publish dev.dog to node2");
  g_assert_false (gtk_switch_get_active (publish));
  g_assert_false (mark_shown (publish));

  gtk_widget_activate (GTK_WIDGET (publish));
  g_assert_true (gtk_switch_get_active (publish));
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 1);
  g_assert_cmpint (staged ("n2", "dev", "dog", DECK_REPLICATION_PUBLISH), ==, DECK_TOGGLE_ON);
  g_assert_cmpint (staged ("n2", "dev", "dog", DECK_REPLICATION_SUBSCRIBE), ==,
                   DECK_TOGGLE_UNCHANGED);
  g_assert_true (mark_shown (publish));

  /* Back to what the server has: nothing staged */
  gtk_widget_activate (GTK_WIDGET (publish));
  g_assert_false (gtk_switch_get_active (publish));
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 0);
  g_assert_false (mark_shown (publish));

  /* The subscribe switch of the same row */
  publish = row_switch ("node2 dog", DECK_REPLICATION_SUBSCRIBE);
  g_assert_true (gtk_switch_get_active (publish));
  gtk_widget_activate (GTK_WIDGET (publish));
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 1);
  g_assert_cmpint (staged ("n2", "dev", "dog", DECK_REPLICATION_SUBSCRIBE), ==, DECK_TOGGLE_OFF);
  g_assert_cmpint (staged ("n2", "dev", "dog", DECK_REPLICATION_PUBLISH), ==,
                   DECK_TOGGLE_UNCHANGED);
  g_assert_true (mark_shown (publish));
}

static void
test_recycling_never_stages (void)
{
  g_autoptr(GListStore) flipped = make_small_model (TRUE);
  g_autoptr(GListStore) big = make_big_model ();
  GtkWidget *scrolled;
  GtkAdjustment *adj;
  g_autoptr(GPtrArray) rows = NULL;
  guint staged_before;
  gint64 t0;

  /* One change staged before: it stays the only one. */
  reset ();
  gtk_widget_activate (GTK_WIDGET (row_switch ("node1 cat", DECK_REPLICATION_PUBLISH)));
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 1);
  staged_before = deck_change_set_get_n_changes (changes);
  deck_replication_grid_set_filter_text (grid, "");

  /* Another list whose every value differs: the bound switches change. */
  deck_replication_grid_set_model (grid, G_LIST_MODEL (flipped));
  wait_frames (GTK_WIDGET (grid), 3);
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, staged_before);
  deck_replication_grid_set_model (grid, G_LIST_MODEL (small_model));
  wait_frames (GTK_WIDGET (grid), 3);
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, staged_before);

  /* 10,000 rows, scrolled through: every shown row is recycled. */
  t0 = g_get_monotonic_time ();
  deck_replication_grid_set_model (grid, G_LIST_MODEL (big));
  /* For the log only: bench/ measures, tests do not time. */
  g_test_message ("10,000 rows set in %.1f ms", (g_get_monotonic_time () - t0) / 1000.0);
  g_assert_cmpuint (deck_replication_grid_get_n_shown (grid), ==, 10000);
  g_assert_cmpstr (count_text (), ==, "10000 tables");
  scrolled = find_of_type (GTK_WIDGET (grid), GTK_TYPE_SCROLLED_WINDOW);
  adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  wait_frames (GTK_WIDGET (grid), 2);
  for (guint step = 1; step <= 12; step++)
    {
      double upper = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);

      gtk_adjustment_set_value (adj, upper * ((step * 7) % 13) / 12.0);
      wait_frames (GTK_WIDGET (grid), 2);
      g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, staged_before);
    }
  /* Small steps too: rows move by less than a screen. */
  for (guint step = 0; step < 10; step++)
    {
      gtk_adjustment_set_value (adj, gtk_adjustment_get_value (adj) + 57);
      wait_frames (GTK_WIDGET (grid), 1);
    }
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, staged_before);

  /* The recycled cells still dim what repeats the row above, and their
   * switches and menu buttons are labelled for the row they show now. */
  rows = shown_rows ();
  g_assert_cmpuint (rows->len, >, 5);
  for (guint i = 0; i < rows->len; i++)
    {
      g_autofree char *publish = g_strdup_printf ("Publish %s.%s to %s", cell_text (rows, i, 1),
                                                  cell_text (rows, i, 2), cell_text (rows, i, 0));
      g_autofree char *subscribe = g_strdup_printf ("Subscribe to %s.%s from %s",
                                                    cell_text (rows, i, 1), cell_text (rows, i, 2),
                                                    cell_text (rows, i, 0));
      g_autofree char *bulk = g_strdup_printf ("Bulk changes for %s.%s on %s",
                                               cell_text (rows, i, 1), cell_text (rows, i, 2),
                                               cell_text (rows, i, 0));

      assert_accessible_label (gtk_widget_get_first_child (cell_child (rows, i, 3)), publish);
      assert_accessible_label (gtk_widget_get_first_child (cell_child (rows, i, 4)), subscribe);
      assert_accessible_label (cell_child (rows, i, 6), bulk);
    }
  for (guint i = 1; i < rows->len; i++)
    {
      gboolean same_peer = g_strcmp0 (cell_text (rows, i, 0), cell_text (rows, i - 1, 0)) == 0;
      gboolean same_db = g_strcmp0 (cell_text (rows, i, 1), cell_text (rows, i - 1, 1)) == 0;

      g_assert_cmpint (is_dim (rows, i, 0), ==, same_peer);
      g_assert_cmpint (is_dim (rows, i, 1), ==, same_peer && same_db);
    }

  t0 = g_get_monotonic_time ();
  deck_replication_grid_set_filter_text (grid, "peer07 db2");
  g_test_message ("filtered 10,000 rows in %.1f ms", (g_get_monotonic_time () - t0) / 1000.0);
  g_assert_cmpuint (deck_replication_grid_get_n_shown (grid), ==, 50);
  g_assert_cmpstr (count_text (), ==, "50 of 10000 tables");
  deck_replication_grid_set_filter_text (grid, "peer07 db2 table4");
  g_assert_cmpuint (deck_replication_grid_get_n_shown (grid), ==, 10);
  deck_replication_grid_set_filter_text (grid, "");
  g_assert_cmpuint (deck_replication_grid_get_n_shown (grid), ==, 10000);

  /* A bulk change of a whole instance in the big list */
  t0 = g_get_monotonic_time ();
  g_assert_cmpuint (deck_replication_grid_stage_all (grid, "peer03", NULL, DECK_REPLICATION_PUBLISH,
                                                     TRUE), ==, 100);
  g_test_message ("staged 100 of 10,000 rows in %.1f ms", (g_get_monotonic_time () - t0) / 1000.0);
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, staged_before + 100);

  deck_replication_grid_set_model (grid, G_LIST_MODEL (small_model));
  wait_frames (GTK_WIDGET (grid), 2);
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, staged_before + 100);
  g_assert_cmpuint (deck_replication_grid_get_n_shown (grid), ==, 15);
  g_assert_cmpstr (visible_page (), ==, "grid");
}

static void
test_stage_all (void)
{
  GtkSwitch *subscribe;

  reset ();
  g_assert_cmpuint (deck_replication_grid_stage_all (grid, "n1", "dev", DECK_REPLICATION_SUBSCRIBE,
                                                     TRUE), ==, 3);
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 3);
  g_assert_cmpint (staged ("n1", "dev", "cat", DECK_REPLICATION_SUBSCRIBE), ==, DECK_TOGGLE_ON);
  g_assert_cmpint (staged ("n1", "prod", "users", DECK_REPLICATION_SUBSCRIBE), ==,
                   DECK_TOGGLE_UNCHANGED);
  /* Again: nothing left to change */
  g_assert_cmpuint (deck_replication_grid_stage_all (grid, "n1", "dev", DECK_REPLICATION_SUBSCRIBE,
                                                     TRUE), ==, 0);

  /* The whole instance, whatever the filter shows */
  deck_replication_grid_set_filter_text (grid, "dog");
  g_assert_cmpuint (deck_replication_grid_stage_all (grid, "n1", NULL, DECK_REPLICATION_SUBSCRIBE,
                                                     TRUE), ==, 2);
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 5);

  /* The shown switch follows the bulk change. */
  subscribe = row_switch ("node1 dog", DECK_REPLICATION_SUBSCRIBE);
  g_assert_true (gtk_switch_get_active (subscribe));
  g_assert_true (mark_shown (subscribe));

  /* Through the menu's action, as the row's menu does it */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (grid), "grid.stage-all", "(ssib)",
                                             "n2", "", (gint32) DECK_REPLICATION_PUBLISH, TRUE));
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 10);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (grid), "grid.stage-all", "(ssib)",
                                             "n2", "prod", (gint32) DECK_REPLICATION_PUBLISH,
                                             FALSE));
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 8);
  g_assert_cmpint (staged ("n2", "prod", "orders", DECK_REPLICATION_PUBLISH), ==,
                   DECK_TOGGLE_UNCHANGED);
  g_assert_cmpint (staged ("n2", "dev", "bird", DECK_REPLICATION_PUBLISH), ==, DECK_TOGGLE_ON);
  g_assert_null (find_message_dialog ());
}

/* The row's menu button of the only row shown */
static GtkWidget *
only_bulk_button (void)
{
  g_autoptr(GPtrArray) rows = shown_rows ();
  GtkWidget *button;

  g_assert_cmpuint (rows->len, ==, 1);
  button = cell_child (rows, 0, 6);
  g_assert_true (GTK_IS_BUTTON (button));
  return button;
}

/* Opens the row menu with @button, as a click or the keyboard does;
 * returns the grid's menu, shown, filled for the row. */
static GtkPopoverMenu *
open_bulk_menu (GtkWidget *button)
{
  GtkWidget *popover = NULL;

  /* A button activated from the keyboard is "clicked" after its pressed
   * look has shown for a moment. */
  gtk_widget_activate (button);
  WAIT_UNTIL ((popover = find_of_type (GTK_WIDGET (grid), GTK_TYPE_POPOVER_MENU)) != NULL &&
              gtk_widget_get_mapped (popover), 5000);
  return GTK_POPOVER_MENU (popover);
}

static void
test_bulk_menu (void)
{
  g_autoptr(GMenuModel) section = NULL;
  g_autoptr(GVariant) target = NULL;
  g_autofree char *label = NULL;
  GtkWidget *button;
  GMenuModel *menu;
  GtkPopoverMenu *popover;
  const char *peer, *database;
  gint32 direction;
  gboolean value;

  reset ();
  deck_replication_grid_set_filter_text (grid, "node1 dog");
  wait_frames (GTK_WIDGET (grid), 2);
  button = only_bulk_button ();
  assert_accessible_label (button, "Bulk changes for dev.dog on node1");

  /* No menu until one is opened; then one for the whole grid, made for the
   * row's database and instance. */
  g_assert_null (find_of_type (GTK_WIDGET (grid), GTK_TYPE_POPOVER_MENU));
  popover = open_bulk_menu (button);
  menu = gtk_popover_menu_get_menu_model (popover);
  g_assert_nonnull (menu);
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 2);
  g_assert_true (g_menu_model_get_item_attribute (menu, 0, G_MENU_ATTRIBUTE_LABEL, "s", &label));
  g_assert_cmpstr (label, ==, "dev");
  section = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);
  g_assert_cmpint (g_menu_model_get_n_items (section), ==, 4);
  g_clear_pointer (&label, g_free);
  g_assert_true (g_menu_model_get_item_attribute (section, 2, G_MENU_ATTRIBUTE_LABEL, "s", &label));
  g_assert_cmpstr (label, ==, "Subscribe to Whole Database");
  target = g_menu_model_get_item_attribute_value (section, 2, G_MENU_ATTRIBUTE_TARGET,
                                                  G_VARIANT_TYPE ("(ssib)"));
  g_assert_nonnull (target);
  g_variant_get (target, "(&s&sib)", &peer, &database, &direction, &value);
  g_assert_cmpstr (peer, ==, "n1");
  g_assert_cmpstr (database, ==, "dev");
  g_assert_cmpint (direction, ==, DECK_REPLICATION_SUBSCRIBE);
  g_assert_true (value);
  wait_frames (GTK_WIDGET (popover), 3);
  render_screenshot (GTK_WIDGET (popover), "grid-widget-menu.png");

  /* Closing it gives the focus back to the row's button, as a menu button
   * does. */
  gtk_popover_popdown (GTK_POPOVER (popover));
  WAIT_UNTIL (!gtk_widget_get_mapped (GTK_WIDGET (popover)), 5000);
  g_assert_true (gtk_widget_is_focus (button));

  /* Another row, maybe in the same (recycled) cell: the same menu, made
   * again for that row when it opens. */
  deck_replication_grid_set_filter_text (grid, "node2 orders");
  wait_frames (GTK_WIDGET (grid), 2);
  button = only_bulk_button ();
  assert_accessible_label (button, "Bulk changes for prod.orders on node2");
  g_assert_true (open_bulk_menu (button) == popover);
  menu = gtk_popover_menu_get_menu_model (popover);
  g_clear_pointer (&label, g_free);
  g_assert_true (g_menu_model_get_item_attribute (menu, 0, G_MENU_ATTRIBUTE_LABEL, "s", &label));
  g_assert_cmpstr (label, ==, "prod");
  g_clear_object (&section);
  g_clear_pointer (&target, g_variant_unref);
  section = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);
  target = g_menu_model_get_item_attribute_value (section, 0, G_MENU_ATTRIBUTE_TARGET,
                                                  G_VARIANT_TYPE ("(ssib)"));
  g_variant_get (target, "(&s&sib)", &peer, &database, &direction, &value);
  g_assert_cmpstr (peer, ==, "n2");
  g_assert_cmpstr (database, ==, "prod");
  gtk_popover_popdown (GTK_POPOVER (popover));
  WAIT_UNTIL (!gtk_widget_get_mapped (GTK_WIDGET (popover)), 5000);
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 0);
}

static void
test_full_replication (void)
{
  GtkSwitch *publish, *subscribe;
  AdwMessageDialog *dialog;

  reset ();
  publish = row_switch ("node3 dog", DECK_REPLICATION_PUBLISH);
  g_assert_true (gtk_switch_get_active (publish));

  /* Cancel: the switch goes back, nothing is staged. */
  gtk_widget_activate (GTK_WIDGET (publish));
  WAIT_UNTIL ((dialog = find_message_dialog ()) != NULL, 5000);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Change to Per-Table Replication?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "node3 replicates every table"));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == window);
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 0);
  respond (dialog, "cancel");
  g_assert_true (gtk_switch_get_active (publish));
  g_assert_false (mark_shown (publish));
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 0);

  /* Change: staged, and the peer is not asked about again. */
  gtk_widget_activate (GTK_WIDGET (publish));
  WAIT_UNTIL ((dialog = find_message_dialog ()) != NULL, 5000);
  respond (dialog, "change");
  g_assert_false (gtk_switch_get_active (publish));
  g_assert_true (mark_shown (publish));
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 1);
  g_assert_cmpint (staged ("n3", "dev", "dog", DECK_REPLICATION_PUBLISH), ==, DECK_TOGGLE_OFF);

  subscribe = row_switch ("node3 cat", DECK_REPLICATION_SUBSCRIBE);
  gtk_widget_activate (GTK_WIDGET (subscribe));
  flush_main_context ();
  g_assert_null (find_message_dialog ());
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 2);
  g_assert_cmpint (staged ("n3", "dev", "cat", DECK_REPLICATION_SUBSCRIBE), ==, DECK_TOGGLE_OFF);
}

static void
test_empty_states (void)
{
  g_autoptr(GListStore) empty = g_list_store_new (DECK_TYPE_REPLICATION_ITEM);

  reset ();
  deck_replication_grid_set_model (grid, G_LIST_MODEL (empty));
  g_assert_cmpuint (deck_replication_grid_get_n_shown (grid), ==, 0);
  g_assert_cmpstr (visible_page (), ==, "empty");
  g_assert_cmpstr (count_text (), ==, "0 tables");
  deck_replication_grid_set_model (grid, G_LIST_MODEL (small_model));
  g_assert_cmpstr (visible_page (), ==, "grid");
}

static void
test_screenshot (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  GtkWidget *scrolled;

  /* Some changed cells, in both directions and on a full-replication peer */
  reset ();
  gtk_widget_activate (GTK_WIDGET (row_switch ("node1 cat", DECK_REPLICATION_PUBLISH)));
  gtk_widget_activate (GTK_WIDGET (row_switch ("node2 dog", DECK_REPLICATION_PUBLISH)));
  gtk_widget_activate (GTK_WIDGET (row_switch ("node2 orders", DECK_REPLICATION_SUBSCRIBE)));
  gtk_widget_activate (GTK_WIDGET (row_switch ("node3 users", DECK_REPLICATION_SUBSCRIBE)));
  g_assert_null (find_message_dialog ());   /* node3 was acknowledged before */
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 4);
  deck_replication_grid_set_filter_text (grid, "");
  scrolled = find_of_type (GTK_WIDGET (grid), GTK_TYPE_SCROLLED_WINDOW);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)),
                            0);

  wait_frames (GTK_WIDGET (window), 3);
  render_screenshot (GTK_WIDGET (window), "grid-widget.png");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  wait_frames (GTK_WIDGET (window), 3);
  render_screenshot_style (GTK_WIDGET (window), "grid-widget-dark.png", TRUE);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);

  deck_replication_grid_set_filter_text (grid, "zebra");
  wait_frames (GTK_WIDGET (window), 3);
  render_screenshot (GTK_WIDGET (window), "grid-widget-no-match.png");
  deck_replication_grid_set_filter_text (grid, "");
}

/* Nothing keeps the grid alive once its window is gone (no cycle through
 * the models, the cells or a dialog's data). */
static void
test_finalized (void)
{
  g_object_add_weak_pointer (G_OBJECT (grid), (gpointer *) &grid);
  gtk_window_destroy (g_steal_pointer (&window));
  flush_main_context ();
  g_assert_null (grid);
  g_assert_cmpint (G_OBJECT (changes)->ref_count, ==, 1);
  g_assert_cmpint (G_OBJECT (small_model)->ref_count, ==, 1);
}

/* Setup -------------------------------------------------------------------- */

static gboolean
setup (GError **error)
{
  /* No session of its own (no with-keyring.sh): a temporary directory in
   * the system's temporary directory, not in $XDG_RUNTIME_DIR */
  if (!ui_test_shots_init_full ("clusterdeck-grid-XXXXXX", TRUE, error))
    return FALSE;

  ui_test_load_app_css ();

  changes = deck_change_set_new ();
  small_model = make_small_model (FALSE);

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_title (window, "Replication");
  grid = DECK_REPLICATION_GRID (deck_replication_grid_new ());
  deck_replication_grid_set_change_set (grid, changes);
  deck_replication_grid_set_model (grid, G_LIST_MODEL (small_model));
  gtk_window_set_child (window, GTK_WIDGET (grid));
  gtk_window_set_default_size (window, WINDOW_WIDTH, WINDOW_HEIGHT);
  gtk_window_present (window);
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (grid)) &&
              gtk_widget_get_width (GTK_WIDGET (grid)) > 0, 5000);
  wait_frames (GTK_WIDGET (window), 3);
  return TRUE;
}

static void
teardown (void)
{
  if (window != NULL)
    gtk_window_destroy (window);
  flush_main_context ();
  g_clear_object (&small_model);
  g_clear_object (&changes);
  ui_test_shots_cleanup ();
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  /* GTest's log handler prints every debug message as a TAP comment, whatever
   * G_MESSAGES_DEBUG says: only when it is set. */
  if (g_strcmp0 (g_getenv ("G_MESSAGES_DEBUG"), "") == 0 || g_getenv ("G_MESSAGES_DEBUG") == NULL)
    test_log_handler = g_log_set_default_handler (drop_debug_messages, NULL);
  if (!ui_test_accessible_readable ())
    {
      g_print ("Bail out! GTK_A11Y=test is needed: switches are found by their accessible label\n");
      return 1;
    }
  if (!gtk_init_check ())
    {
      g_print ("Bail out! cannot open a display: run under Xvfb (meson test ui-grid)\n");
      return 1;
    }
  adw_init ();
  /* GNOME's own font when it is installed (fonts-cantarell); DejaVu otherwise. */
  g_object_set (gtk_settings_get_default (), "gtk-font-name", "Cantarell 11", NULL);
  /* A switch toggled without animations changes at once. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  if (!setup (&error))
    {
      g_print ("Bail out! setup failed: %s\n", error->message);
      teardown ();
      return 1;
    }

  g_test_add_func ("/ui/grid/count-and-filter", test_count_and_filter);
  g_test_add_func ("/ui/grid/toggle-stages", test_toggle_stages);
  g_test_add_func ("/ui/grid/recycling-never-stages", test_recycling_never_stages);
  g_test_add_func ("/ui/grid/stage-all", test_stage_all);
  g_test_add_func ("/ui/grid/bulk-menu", test_bulk_menu);
  g_test_add_func ("/ui/grid/full-replication", test_full_replication);
  g_test_add_func ("/ui/grid/empty-states", test_empty_states);
  g_test_add_func ("/ui/grid/screenshot", test_screenshot);
  g_test_add_func ("/ui/grid/finalized", test_finalized);
  status = g_test_run ();
  teardown ();
  return status;
}
