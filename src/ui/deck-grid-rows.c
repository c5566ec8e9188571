/* deck-grid-rows.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The lines of the replication grid: a list of DeckGridRow, one per row of
 * a source list (the grid's filtered and sorted DeckReplicationItems),
 * where line N always shows the source's row N.
 *
 * Why: GTK 4.8's list widgets make new widgets for every new item of their
 * model, and throw away those of the items that left it. A filter or a
 * sort replaces most items, so every line on screen, some two hundred of
 * them with seven cells each, was torn down and made again for each letter
 * typed. Here the items of the model GTK sees are the lines, which stay:
 * when the source changes, the lines that remain are pointed at their new
 * rows (their cells follow DeckGridRow:item, as when GTK binds a line while
 * scrolling), and only the lines past the new end go, or new ones come.
 *
 * Lines are made when GTK first asks for them, so a list of ten thousand
 * rows holds only the lines that were shown.
 */

#define G_LOG_DOMAIN "deck-grid-rows"

#include "config.h"

#include "deck-grid-rows.h"

struct _DeckGridRows
{
  GObject     parent_instance;

  GListModel *source;
  gulong      source_handler;
  GPtrArray  *lines;     /* DeckGridRow or NULL (not asked for yet), one per source row */
};

static void deck_grid_rows_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DeckGridRows, deck_grid_rows, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      deck_grid_rows_list_model_init))

static GType
deck_grid_rows_get_item_type (GListModel *model)
{
  return DECK_TYPE_GRID_ROW;
}

static guint
deck_grid_rows_get_n_items (GListModel *model)
{
  return DECK_GRID_ROWS (model)->lines->len;
}

static gpointer
deck_grid_rows_get_item (GListModel *model,
                         guint       position)
{
  DeckGridRows *self = DECK_GRID_ROWS (model);
  DeckGridRow *line;

  if (position >= self->lines->len)
    return NULL;
  line = g_ptr_array_index (self->lines, position);
  if (line == NULL)
    {
      g_autoptr(DeckReplicationItem) item = g_list_model_get_item (self->source, position);

      line = deck_grid_row_new (item);
      g_ptr_array_index (self->lines, position) = line;
    }
  return g_object_ref (line);
}

static void
deck_grid_rows_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = deck_grid_rows_get_item_type;
  iface->get_n_items = deck_grid_rows_get_n_items;
  iface->get_item = deck_grid_rows_get_item;
}

static void
on_source_items_changed (GListModel   *source,
                         guint         position,
                         guint         removed,
                         guint         added,
                         DeckGridRows *self)
{
  guint old_n = self->lines->len;
  guint new_n = g_list_model_get_n_items (source);
  /* Past position, every row moved unless as many came as went. */
  guint end = removed == added ? position + added : MIN (old_n, new_n);

  for (guint i = position; i < end; i++)
    {
      DeckGridRow *line = g_ptr_array_index (self->lines, i);

      if (line != NULL)
        {
          g_autoptr(DeckReplicationItem) item = g_list_model_get_item (source, i);

          deck_grid_row_set_item (line, item);
        }
    }

  if (new_n > old_n)
    {
      g_ptr_array_set_size (self->lines, new_n);
      g_list_model_items_changed (G_LIST_MODEL (self), old_n, 0, new_n - old_n);
    }
  else if (new_n < old_n)
    {
      g_ptr_array_remove_range (self->lines, new_n, old_n - new_n);
      g_list_model_items_changed (G_LIST_MODEL (self), new_n, old_n - new_n, 0);
    }
}

static void
deck_grid_rows_dispose (GObject *object)
{
  DeckGridRows *self = DECK_GRID_ROWS (object);

  if (self->source != NULL)
    g_clear_signal_handler (&self->source_handler, self->source);
  g_clear_object (&self->source);
  if (self->lines != NULL)
    g_ptr_array_set_size (self->lines, 0);

  G_OBJECT_CLASS (deck_grid_rows_parent_class)->dispose (object);
}

static void
deck_grid_rows_finalize (GObject *object)
{
  DeckGridRows *self = DECK_GRID_ROWS (object);

  g_ptr_array_unref (self->lines);

  G_OBJECT_CLASS (deck_grid_rows_parent_class)->finalize (object);
}

static void
deck_grid_rows_class_init (DeckGridRowsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = deck_grid_rows_dispose;
  object_class->finalize = deck_grid_rows_finalize;
}

/* Lines never asked for are NULL. */
static void
line_free (gpointer line)
{
  if (line != NULL)
    g_object_unref (line);
}

static void
deck_grid_rows_init (DeckGridRows *self)
{
  self->lines = g_ptr_array_new_with_free_func (line_free);
}

/**
 * deck_grid_rows_new:
 * @source: a list of #DeckReplicationItem
 *
 * Returns: (transfer full): lines that follow @source
 */
DeckGridRows *
deck_grid_rows_new (GListModel *source)
{
  DeckGridRows *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (source), NULL);

  self = g_object_new (DECK_TYPE_GRID_ROWS, NULL);
  self->source = g_object_ref (source);
  g_ptr_array_set_size (self->lines, g_list_model_get_n_items (source));
  self->source_handler = g_signal_connect (source, "items-changed",
                                           G_CALLBACK (on_source_items_changed), self);
  return self;
}
