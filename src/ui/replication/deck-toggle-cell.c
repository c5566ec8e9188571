/* deck-toggle-cell.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One publish or subscribe cell of the replication grid: a GtkSwitch that
 * shows one direction of a DeckReplicationItem, and, while that value is
 * staged but not applied, the word "Changed" beside it.
 *
 * The grid makes one of these for every direction of up to two hundred
 * rows, and makes them again whenever a filter changes which rows are
 * shown, so the cell is as few widgets as it can be: itself and its switch.
 * The "Changed" mark is not a label but the cell's "changed" style class;
 * the cell draws the word itself, in the font its CSS gives it (bold), and
 * only while it is changed. Screen readers get the same fact from the
 * switch's accessible description, so the mark is never read twice.
 *
 * The cell only shows values: when the user flips the switch to a value
 * other than the item's, it emits DeckToggleCell::toggled and lets the
 * grid decide (stage it, or ask first and put the switch back with
 * deck_toggle_cell_sync()). Showing a value (binding, recycling, a bulk
 * change) never emits it.
 */

#define G_LOG_DOMAIN "deck-toggle-cell"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-toggle-cell.h"

struct _DeckToggleCell
{
  GtkWidget                 parent_instance;

  GtkWidget                *toggle;        /* GtkSwitch, our child */
  DeckReplicationItem      *item;          /* shown, owned */
  DeckReplicationDirection  direction;
  gboolean                  changed;
  PangoLayout              *mark_layout;   /* "Changed", made when first drawn */
  gulong                    active_handler;
  gulong                    value_handler;
  gulong                    changed_handler;
};

G_DEFINE_FINAL_TYPE (DeckToggleCell, deck_toggle_cell, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_DIRECTION,
  PROP_ITEM,
  PROP_CHANGED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_TOGGLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
baseline_value (DeckToggleCell *self)
{
  const DeckBaseline *baseline = deck_replication_item_get_baseline (self->item);

  return self->direction == DECK_REPLICATION_PUBLISH ? baseline->publish : baseline->subscribe;
}

/* Showing ------------------------------------------------------------------ */

/* Shows the item's value and whether it is changed. With @force, the
 * switch is set even when it already shows the value: that also ends a
 * flip the user started, whose animation ends by switching it (GtkSwitch
 * changes its value at the end). Without, such a flip goes on: the row
 * was read again (the same table of the same peer), and the user's toggle
 * still means what it meant. */
static void
sync_switch (DeckToggleCell *self,
             gboolean        force)
{
  gboolean value, changed;

  if (self->item == NULL)
    return;

  value = deck_replication_item_get_value (self->item, self->direction);
  changed = deck_replication_item_get_changed (self->item, self->direction);

  if (force || gtk_switch_get_active (GTK_SWITCH (self->toggle)) != value)
    {
      g_signal_handler_block (self->toggle, self->active_handler);
      gtk_switch_set_active (GTK_SWITCH (self->toggle), value);
      g_signal_handler_unblock (self->toggle, self->active_handler);
    }

  if (changed == self->changed)
    return;
  self->changed = changed;
  if (changed)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self), "changed");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->toggle),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      _("changed, not applied"), -1);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self), "changed");
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self->toggle),
                                     GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHANGED]);
}

/**
 * deck_toggle_cell_sync:
 * @self: a cell
 *
 * Shows the item's value and whether it is changed again, without emitting
 * #DeckToggleCell::toggled: after a toggle that was not staged.
 */
void
deck_toggle_cell_sync (DeckToggleCell *self)
{
  g_return_if_fail (DECK_IS_TOGGLE_CELL (self));

  sync_switch (self, TRUE);
}

/* The item notified a new value or changed state: a flip in progress is
 * not undone when it already agrees. */
static void
on_item_notify (DeckToggleCell *self)
{
  sync_switch (self, FALSE);
}

/* Whether @a and @b are the same table of the same peer (the row read
 * again, not another row) */
static gboolean
same_row (DeckReplicationItem *a,
          DeckReplicationItem *b)
{
  return a != NULL && b != NULL &&
         g_strcmp0 (deck_replication_item_get_instance_id (a),
                    deck_replication_item_get_instance_id (b)) == 0 &&
         g_strcmp0 (deck_replication_item_get_peer (a), deck_replication_item_get_peer (b)) == 0 &&
         g_strcmp0 (deck_replication_item_get_database (a),
                    deck_replication_item_get_database (b)) == 0 &&
         g_strcmp0 (deck_replication_item_get_table (a), deck_replication_item_get_table (b)) == 0;
}

static void
on_switch_active (GtkSwitch      *toggle,
                  GParamSpec     *pspec,
                  DeckToggleCell *self)
{
  gboolean active = gtk_switch_get_active (toggle);

  if (self->item == NULL || active == deck_replication_item_get_value (self->item, self->direction))
    return;
  g_signal_emit (self, signals[SIGNAL_TOGGLED], 0, active);
}

static void
forget_item (DeckToggleCell *self)
{
  if (self->item == NULL)
    return;
  g_clear_signal_handler (&self->value_handler, self->item);
  g_clear_signal_handler (&self->changed_handler, self->item);
  g_clear_object (&self->item);
}

/**
 * deck_toggle_cell_set_item:
 * @self: a cell
 * @item: (nullable): the row to show
 *
 * Shows @item's value in the cell's direction, follows its changes, and
 * names the switch for it ("Publish data.dog to node2").
 */
void
deck_toggle_cell_set_item (DeckToggleCell      *self,
                           DeckReplicationItem *item)
{
  const char *property;
  gboolean force;
  g_autofree char *value_signal = NULL;
  g_autofree char *changed_signal = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (DECK_IS_TOGGLE_CELL (self));
  g_return_if_fail (item == NULL || DECK_IS_REPLICATION_ITEM (item));

  if (self->item == item)
    return;
  /* Another row: a flip the user started on the previous one ends here. */
  force = !same_row (self->item, item);
  forget_item (self);
  if (item == NULL)
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
      return;
    }

  self->item = g_object_ref (item);
  property = self->direction == DECK_REPLICATION_PUBLISH ? "publish" : "subscribe";
  value_signal = g_strconcat ("notify::", property, NULL);
  changed_signal = g_strconcat ("notify::", property, "-changed", NULL);
  self->value_handler = g_signal_connect_swapped (item, value_signal,
                                                  G_CALLBACK (on_item_notify), self);
  self->changed_handler = g_signal_connect_swapped (item, changed_signal,
                                                    G_CALLBACK (on_item_notify), self);

  if (self->direction == DECK_REPLICATION_PUBLISH)
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
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->toggle),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  sync_switch (self, force);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
}

/* Layout and drawing ------------------------------------------------------- */

/* The cell asks for the switch's size only: the grid gives the column a
 * fixed width with room for the mark, so a change never moves the columns,
 * and no cell has to measure a word it does not show. */
static void
deck_toggle_cell_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  DeckToggleCell *self = DECK_TOGGLE_CELL (widget);

  gtk_widget_measure (self->toggle, orientation, -1, minimum, natural, NULL, NULL);
}

static void
deck_toggle_cell_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  DeckToggleCell *self = DECK_TOGGLE_CELL (widget);
  GtkAllocation allocation;
  int toggle_width, toggle_height;

  gtk_widget_measure (self->toggle, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &toggle_width,
                      NULL, NULL);
  toggle_width = MIN (toggle_width, width);
  gtk_widget_measure (self->toggle, GTK_ORIENTATION_VERTICAL, toggle_width, NULL, &toggle_height,
                      NULL, NULL);
  toggle_height = MIN (toggle_height, height);

  /* At the start, centred vertically */
  allocation.x = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL ? width - toggle_width : 0;
  allocation.y = (height - toggle_height) / 2;
  allocation.width = toggle_width;
  allocation.height = toggle_height;
  gtk_widget_size_allocate (self->toggle, &allocation, -1);
}

static PangoLayout *
ensure_mark_layout (DeckToggleCell *self)
{
  if (self->mark_layout == NULL)
    {
      self->mark_layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), _("Changed"));
      pango_layout_set_ellipsize (self->mark_layout, PANGO_ELLIPSIZE_END);
    }
  return self->mark_layout;
}

static void
deck_toggle_cell_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  DeckToggleCell *self = DECK_TOGGLE_CELL (widget);
  GtkStyleContext *context;
  PangoLayout *layout;
  GdkRGBA color;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int toggle_width = gtk_widget_get_width (self->toggle);
  int available = width - toggle_width - DECK_TOGGLE_CELL_MARK_SPACING;
  int mark_width, mark_height, x;

  gtk_widget_snapshot_child (widget, self->toggle, snapshot);
  if (!self->changed || available <= 0)
    return;

  layout = ensure_mark_layout (self);
  pango_layout_set_width (layout, available * PANGO_SCALE);
  pango_layout_get_pixel_size (layout, &mark_width, &mark_height);
  if (gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL)
    x = width - toggle_width - DECK_TOGGLE_CELL_MARK_SPACING - mark_width;
  else
    x = toggle_width + DECK_TOGGLE_CELL_MARK_SPACING;

  /* The accent colour, as the mark label had; the cell's own colour is
   * left alone, because the switch draws its track with it. */
  context = gtk_widget_get_style_context (widget);
  if (!gtk_style_context_lookup_color (context, "accent_color", &color))
    gtk_style_context_get_color (context, &color);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, (height - mark_height) / 2));
  gtk_snapshot_append_layout (snapshot, layout, &color);
  gtk_snapshot_restore (snapshot);
}

static void
deck_toggle_cell_css_changed (GtkWidget         *widget,
                              GtkCssStyleChange *change)
{
  DeckToggleCell *self = DECK_TOGGLE_CELL (widget);

  GTK_WIDGET_CLASS (deck_toggle_cell_parent_class)->css_changed (widget, change);
  /* The font may have changed (the "changed" class makes it bold). */
  g_clear_object (&self->mark_layout);
}

static void
deck_toggle_cell_direction_changed (GtkWidget        *widget,
                                    GtkTextDirection  previous)
{
  DeckToggleCell *self = DECK_TOGGLE_CELL (widget);

  GTK_WIDGET_CLASS (deck_toggle_cell_parent_class)->direction_changed (widget, previous);
  g_clear_object (&self->mark_layout);
}

/* Computed when asked for: gtk_widget_set_tooltip_text() asks the display
 * where the pointer is, far too slow for every cell bound while scrolling. */
static gboolean
deck_toggle_cell_query_tooltip (GtkWidget  *widget,
                                int         x,
                                int         y,
                                gboolean    keyboard,
                                GtkTooltip *tooltip)
{
  DeckToggleCell *self = DECK_TOGGLE_CELL (widget);

  if (self->item == NULL || !self->changed)
    return FALSE;
  gtk_tooltip_set_text (tooltip, baseline_value (self) ? _("Changed from On — not applied yet")
                                                       : _("Changed from Off — not applied yet"));
  return TRUE;
}

/* The object --------------------------------------------------------------- */

static void
deck_toggle_cell_dispose (GObject *object)
{
  DeckToggleCell *self = DECK_TOGGLE_CELL (object);

  forget_item (self);
  g_clear_object (&self->mark_layout);
  g_clear_pointer (&self->toggle, gtk_widget_unparent);

  G_OBJECT_CLASS (deck_toggle_cell_parent_class)->dispose (object);
}

static void
deck_toggle_cell_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  DeckToggleCell *self = DECK_TOGGLE_CELL (object);

  switch (prop_id)
    {
    case PROP_DIRECTION:
      g_value_set_int (value, self->direction);
      break;
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;
    case PROP_CHANGED:
      g_value_set_boolean (value, self->changed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_toggle_cell_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  DeckToggleCell *self = DECK_TOGGLE_CELL (object);

  switch (prop_id)
    {
    case PROP_DIRECTION:
      self->direction = g_value_get_int (value);
      break;
    case PROP_ITEM:
      deck_toggle_cell_set_item (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_toggle_cell_class_init (DeckToggleCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = deck_toggle_cell_dispose;
  object_class->get_property = deck_toggle_cell_get_property;
  object_class->set_property = deck_toggle_cell_set_property;

  widget_class->measure = deck_toggle_cell_measure;
  widget_class->size_allocate = deck_toggle_cell_size_allocate;
  widget_class->snapshot = deck_toggle_cell_snapshot;
  widget_class->css_changed = deck_toggle_cell_css_changed;
  widget_class->direction_changed = deck_toggle_cell_direction_changed;
  widget_class->query_tooltip = deck_toggle_cell_query_tooltip;

  /**
   * DeckToggleCell:direction:
   *
   * The direction shown: a #DeckReplicationDirection.
   */
  properties[PROP_DIRECTION] =
    g_param_spec_int ("direction", NULL, NULL,
                      DECK_REPLICATION_PUBLISH, DECK_REPLICATION_SUBSCRIBE,
                      DECK_REPLICATION_PUBLISH,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * DeckToggleCell:item:
   *
   * The #DeckReplicationItem shown, or %NULL.
   */
  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, DECK_TYPE_REPLICATION_ITEM,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * DeckToggleCell:changed:
   *
   * Whether the value shown is staged and not applied yet.
   */
  properties[PROP_CHANGED] =
    g_param_spec_boolean ("changed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DeckToggleCell::toggled:
   * @cell: the cell
   * @active: the value the user switched to
   *
   * The user flipped the switch to a value other than the item's. The
   * handler stages it, or calls deck_toggle_cell_sync() to show the item's
   * value again.
   */
  signals[SIGNAL_TOGGLED] =
    g_signal_new ("toggled",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_css_name (widget_class, "togglecell");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
deck_toggle_cell_init (DeckToggleCell *self)
{
  /* One shortcut for every cell: it holds no state, and the grid makes
   * hundreds of cells at its start. */
  static GtkShortcut *activate_shortcut;
  GtkEventController *keys = gtk_shortcut_controller_new ();

  self->toggle = gtk_switch_new ();
  gtk_widget_set_parent (self->toggle, GTK_WIDGET (self));
  /* Space and Enter on the focused switch flip it. A GtkSwitch has no key
   * binding of its own: the window turns those keys into its activation,
   * but in the grid's column view GTK 4.8's row takes them first (space
   * selects the row, Enter activates it), so a keyboard user could reach
   * a switch and never flip it. The switch takes them before its row. */
  if (activate_shortcut == NULL)
    activate_shortcut =
      gtk_shortcut_new (gtk_alternative_trigger_new (
                          gtk_keyval_trigger_new (GDK_KEY_space, 0),
                          gtk_alternative_trigger_new (
                            gtk_keyval_trigger_new (GDK_KEY_KP_Space, 0),
                            gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Return, 0),
                                                         gtk_keyval_trigger_new (GDK_KEY_KP_Enter, 0)))),
                        g_object_ref (gtk_activate_action_get ()));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                        g_object_ref (activate_shortcut));
  gtk_widget_add_controller (self->toggle, keys);
  self->active_handler = g_signal_connect (self->toggle, "notify::active",
                                           G_CALLBACK (on_switch_active), self);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
}

/**
 * deck_toggle_cell_new:
 * @direction: the direction the cell shows
 *
 * Returns: (transfer floating): a cell showing nothing yet
 */
GtkWidget *
deck_toggle_cell_new (DeckReplicationDirection direction)
{
  return g_object_new (DECK_TYPE_TOGGLE_CELL, "direction", direction, NULL);
}

DeckReplicationDirection
deck_toggle_cell_get_direction (DeckToggleCell *self)
{
  g_return_val_if_fail (DECK_IS_TOGGLE_CELL (self), DECK_REPLICATION_PUBLISH);
  return self->direction;
}

/**
 * deck_toggle_cell_get_item:
 * @self: a cell
 *
 * Returns: (transfer none) (nullable): the row shown
 */
DeckReplicationItem *
deck_toggle_cell_get_item (DeckToggleCell *self)
{
  g_return_val_if_fail (DECK_IS_TOGGLE_CELL (self), NULL);
  return self->item;
}

/**
 * deck_toggle_cell_get_changed:
 * @self: a cell
 *
 * Returns: whether the value shown is staged and not applied yet (the cell
 *   then has the "changed" style class and shows the mark)
 */
gboolean
deck_toggle_cell_get_changed (DeckToggleCell *self)
{
  g_return_val_if_fail (DECK_IS_TOGGLE_CELL (self), FALSE);
  return self->changed;
}

/**
 * deck_toggle_cell_get_switch:
 * @self: a cell
 *
 * Returns: (transfer none): the cell's switch
 */
GtkSwitch *
deck_toggle_cell_get_switch (DeckToggleCell *self)
{
  g_return_val_if_fail (DECK_IS_TOGGLE_CELL (self), NULL);
  return GTK_SWITCH (self->toggle);
}
