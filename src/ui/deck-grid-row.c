/* deck-grid-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One line of the replication grid, at a fixed position in DeckGridRows:
 * it shows whichever DeckReplicationItem the filter and the sort put at
 * that position, and says so by notifying DeckGridRow:item. The cells of
 * the grid follow that notification, so that a new filter rebinds the
 * lines on screen instead of GTK making their widgets again.
 */

#define G_LOG_DOMAIN "deck-grid-row"

#include "config.h"

#include "deck-grid-row.h"

struct _DeckGridRow
{
  GObject              parent_instance;

  DeckReplicationItem *item;
};

G_DEFINE_FINAL_TYPE (DeckGridRow, deck_grid_row, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
deck_grid_row_dispose (GObject *object)
{
  DeckGridRow *self = DECK_GRID_ROW (object);

  g_clear_object (&self->item);

  G_OBJECT_CLASS (deck_grid_row_parent_class)->dispose (object);
}

static void
deck_grid_row_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  DeckGridRow *self = DECK_GRID_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_grid_row_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  DeckGridRow *self = DECK_GRID_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      deck_grid_row_set_item (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_grid_row_class_init (DeckGridRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = deck_grid_row_dispose;
  object_class->get_property = deck_grid_row_get_property;
  object_class->set_property = deck_grid_row_set_property;

  /**
   * DeckGridRow:item:
   *
   * The #DeckReplicationItem the line shows.
   */
  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, DECK_TYPE_REPLICATION_ITEM,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
deck_grid_row_init (DeckGridRow *self)
{
}

/**
 * deck_grid_row_new:
 * @item: the row the line shows first
 *
 * Returns: (transfer full): a line
 */
DeckGridRow *
deck_grid_row_new (DeckReplicationItem *item)
{
  return g_object_new (DECK_TYPE_GRID_ROW, "item", item, NULL);
}

/**
 * deck_grid_row_get_item:
 * @self: a line
 *
 * Returns: (transfer none): the row it shows
 */
DeckReplicationItem *
deck_grid_row_get_item (DeckGridRow *self)
{
  g_return_val_if_fail (DECK_IS_GRID_ROW (self), NULL);
  return self->item;
}

/**
 * deck_grid_row_set_item:
 * @self: a line
 * @item: the row it shows from now on
 */
void
deck_grid_row_set_item (DeckGridRow         *self,
                        DeckReplicationItem *item)
{
  g_return_if_fail (DECK_IS_GRID_ROW (self));
  g_return_if_fail (item == NULL || DECK_IS_REPLICATION_ITEM (item));

  if (g_set_object (&self->item, item))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
}
