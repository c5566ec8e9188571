/* deck-replication-grid-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the files of DeckReplicationGrid share: the widget itself
 * (deck-replication-grid.c: models, filter, count, public API), its cells
 * (deck-replication-grid-cells.c) and its bulk changes
 * (deck-replication-grid-bulk.c: the row menu, the confirmation for peers
 * in full replication). Not for other code.
 */

#pragma once

#include "deck-replication-grid.h"
#include "deck-toggle-cell.h"

G_BEGIN_DECLS

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

  GListStore         *ordered;        /* the items in the grid's own order */
  GtkCustomFilter    *filter;
  GtkFilterListModel *filter_model;
  GtkSortListModel   *sort_model;
  GListModel         *lines;            /* DeckGridRows over filter_model */
  GtkNoSelection     *selection;

  GtkSearchEntry     *search_entry;
  GtkLabel           *count_label;
  GtkStack           *stack;
  GtkColumnView      *column_view;

  GtkPopover         *bulk_menu;        /* one for every row, made when first opened */
  GtkWidget          *bulk_menu_button; /* weak: the row button it was opened from */
};

/* deck-replication-grid.c */
void     _deck_replication_grid_toast          (DeckReplicationGrid      *self,
                                                const char               *text);

/* deck-replication-grid-cells.c */
void     _deck_replication_grid_build_columns  (DeckReplicationGrid      *self);
void     _deck_replication_grid_update_groups  (DeckReplicationGrid      *self);

/* deck-replication-grid-bulk.c */
gboolean _deck_replication_grid_needs_confirmation (DeckReplicationGrid      *self,
                                                    DeckReplicationItem      *item,
                                                    DeckReplicationDirection  direction,
                                                    gboolean                  value);
void     _deck_replication_grid_confirm        (DeckReplicationGrid      *self,
                                                DeckReplicationItem      *item,
                                                DeckToggleCell           *cell,
                                                const char               *database,
                                                DeckReplicationDirection  direction,
                                                gboolean                  value,
                                                gboolean                  bulk);
gboolean _deck_replication_item_in_scope       (DeckReplicationItem      *item,
                                                const char               *peer,
                                                const char               *database);
void     _deck_replication_grid_open_bulk_menu (DeckReplicationGrid      *self,
                                                GtkWidget                *button,
                                                DeckReplicationItem      *item);
void     _deck_replication_grid_stage_all_action (GtkWidget              *widget,
                                                  const char             *action_name,
                                                  GVariant               *parameter);

G_END_DECLS
