/* deck-replication-grid-bulk.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Bulk changes in DeckReplicationGrid: the row menu ("Publish Whole
 * Database", "Subscribe to Whole Instance"…), the grid.stage-all action it
 * activates, and the confirmation asked before a peer in full replication
 * is narrowed to per-table subscriptions.
 *
 * The menu is one GtkPopoverMenu for the whole grid, made when a row's
 * button is first pressed and filled for that row each time it opens: a
 * menu button per row (with its popover) cost more than the rest of the row.
 */

#define G_LOG_DOMAIN "deck-replication-grid"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-replication-grid-private.h"

static gboolean
baseline_value (DeckReplicationItem      *item,
                DeckReplicationDirection  direction)
{
  const DeckBaseline *baseline = deck_replication_item_get_baseline (item);

  return direction == DECK_REPLICATION_PUBLISH ? baseline->publish : baseline->subscribe;
}

gboolean
_deck_replication_item_in_scope (DeckReplicationItem *item,
                                 const char          *peer,
                                 const char          *database)
{
  return g_strcmp0 (deck_replication_item_get_peer (item), peer) == 0 &&
         (database == NULL || g_strcmp0 (deck_replication_item_get_database (item), database) == 0);
}

/* The row menu ------------------------------------------------------------- */

static void
append_bulk_item (GMenu                    *section,
                  const char               *label,
                  DeckReplicationItem      *item,
                  const char               *database,
                  DeckReplicationDirection  direction,
                  gboolean                  value)
{
  g_autoptr(GMenuItem) menu_item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target_value (menu_item, "grid.stage-all",
                                           g_variant_new ("(ssib)",
                                                          deck_replication_item_get_peer (item),
                                                          database, (gint32) direction, value));
  g_menu_append_item (section, menu_item);
}

static GMenuModel *
bulk_menu_model (DeckReplicationItem *item)
{
  const char *database = deck_replication_item_get_database (item);
  g_autoptr(GMenu) db_section = g_menu_new ();
  g_autoptr(GMenu) peer_section = g_menu_new ();
  GMenu *menu = g_menu_new ();

  append_bulk_item (db_section, _("Publish Whole Database"), item, database,
                    DECK_REPLICATION_PUBLISH, TRUE);
  append_bulk_item (db_section, _("Stop Publishing Whole Database"), item, database,
                    DECK_REPLICATION_PUBLISH, FALSE);
  append_bulk_item (db_section, _("Subscribe to Whole Database"), item, database,
                    DECK_REPLICATION_SUBSCRIBE, TRUE);
  append_bulk_item (db_section, _("Unsubscribe Whole Database"), item, database,
                    DECK_REPLICATION_SUBSCRIBE, FALSE);

  append_bulk_item (peer_section, _("Publish Whole Instance"), item, "",
                    DECK_REPLICATION_PUBLISH, TRUE);
  append_bulk_item (peer_section, _("Stop Publishing Whole Instance"), item, "",
                    DECK_REPLICATION_PUBLISH, FALSE);
  append_bulk_item (peer_section, _("Subscribe to Whole Instance"), item, "",
                    DECK_REPLICATION_SUBSCRIBE, TRUE);
  append_bulk_item (peer_section, _("Unsubscribe Whole Instance"), item, "",
                    DECK_REPLICATION_SUBSCRIBE, FALSE);

  g_menu_append_section (menu, database, G_MENU_MODEL (db_section));
  g_menu_append_section (menu, deck_replication_item_get_peer_label (item),
                         G_MENU_MODEL (peer_section));
  return G_MENU_MODEL (menu);
}

/* Focus goes back to the row's button, as a menu button's would. */
static void
on_bulk_menu_closed (DeckReplicationGrid *self)
{
  if (self->bulk_menu_button != NULL && gtk_widget_get_mapped (self->bulk_menu_button))
    gtk_widget_grab_focus (self->bulk_menu_button);
  g_clear_weak_pointer (&self->bulk_menu_button);
}

/* Opens the grid's menu under @button (a row's menu button), for @item's
 * database and instance. */
void
_deck_replication_grid_open_bulk_menu (DeckReplicationGrid *self,
                                       GtkWidget           *button,
                                       DeckReplicationItem *item)
{
  g_autoptr(GMenuModel) model = bulk_menu_model (item);
  graphene_rect_t bounds;

  if (self->bulk_menu == NULL)
    {
      self->bulk_menu = GTK_POPOVER (gtk_popover_menu_new_from_model (NULL));
      gtk_popover_set_position (self->bulk_menu, GTK_POS_BOTTOM);
      gtk_widget_set_parent (GTK_WIDGET (self->bulk_menu), GTK_WIDGET (self));
      g_signal_connect_object (self->bulk_menu, "closed", G_CALLBACK (on_bulk_menu_closed), self,
                               G_CONNECT_SWAPPED);
    }
  gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->bulk_menu), model);
  if (gtk_widget_compute_bounds (button, GTK_WIDGET (self), &bounds))
    gtk_popover_set_pointing_to (self->bulk_menu,
                                 &(GdkRectangle) { (int) bounds.origin.x, (int) bounds.origin.y,
                                                   (int) bounds.size.width,
                                                   (int) bounds.size.height });
  g_set_weak_pointer (&self->bulk_menu_button, button);
  gtk_popover_popup (self->bulk_menu);
}

/* Full replication --------------------------------------------------------- */

/* A peer in full replication gets every table both ways; narrowing one table
 * replaces the link by per-table subscriptions (remove + add when applied),
 * so the first change to such a peer is confirmed. Going back to what the
 * server has needs no confirmation. */
gboolean
_deck_replication_grid_needs_confirmation (DeckReplicationGrid      *self,
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
  DeckToggleCell           *cell;       /* owned; the cell whose switch was flipped, if any */
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
  g_clear_object (&c->cell);
  g_free (c->database);
  g_free (c);
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
  _deck_replication_grid_toast (self, text);
}

static void
on_confirm_response (AdwMessageDialog *dialog,
                     const char       *response,
                     Confirmation     *c)
{
  const char *peer = deck_replication_item_get_peer (c->item);

  if (g_strcmp0 (response, "change") != 0)
    {
      /* Nothing was staged: the switch goes back to the item's value, if
       * its cell still shows that item. */
      if (c->cell != NULL && deck_toggle_cell_get_item (c->cell) == c->item)
        deck_toggle_cell_sync (c->cell);
      return;
    }

  g_hash_table_add (c->grid->acknowledged, g_strdup (peer));
  if (c->bulk)
    stage_bulk (c->grid, peer, c->database, c->direction, c->value);
  else
    deck_replication_item_stage (c->item, c->grid->changes, c->direction, c->value);
}

/* Asks before @item's peer leaves full replication; stages the change
 * (@bulk: for the whole @database or instance) when the user agrees. */
void
_deck_replication_grid_confirm (DeckReplicationGrid      *self,
                                DeckReplicationItem      *item,
                                DeckToggleCell           *cell,
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
  c->cell = cell != NULL ? g_object_ref (cell) : NULL;
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

/* grid.stage-all ----------------------------------------------------------- */

void
_deck_replication_grid_stage_all_action (GtkWidget  *widget,
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

      if (_deck_replication_item_in_scope (item, peer, database) &&
          _deck_replication_grid_needs_confirmation (self, item, direction, value))
        {
          _deck_replication_grid_confirm (self, item, NULL, database, direction, value, TRUE);
          return;
        }
    }
  stage_bulk (self, peer, database, direction, value);
}
