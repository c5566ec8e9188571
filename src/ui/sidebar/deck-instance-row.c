/* deck-instance-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A row of the instances sidebar: a status dot, the name, what the last
 * check found (version and engine, or what went wrong), and a warning mark
 * while one of the instance's replication links is unhealthy (the
 * context's DeckHealthWatch: disconnected, or catching up for too long),
 * its tooltip naming the link.
 */

#define G_LOG_DOMAIN "deck-instance-row"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-instance-row.h"

struct _DeckInstanceRow
{
  GtkListBoxRow  parent_instance;

  DeckInstance    *instance;
  DeckHealthWatch *health;          /* nullable */
  char            *health_problem;  /* the mark's tooltip, while it shows */
  gulong           notify_handler;
  gulong           health_handler;
  guint            update_source;

  GtkImage      *status_icon;
  GtkImage      *health_icon;
  GtkLabel      *name_label;
  GtkLabel      *detail_label;
};

G_DEFINE_FINAL_TYPE (DeckInstanceRow, deck_instance_row, GTK_TYPE_LIST_BOX_ROW)

static const char * const status_classes[] = { "success", "error", "warning", "dim-label" };

/**
 * deck_instance_status_describe:
 * @status: a status
 *
 * Returns: a short, translated description of @status
 */
const char *
deck_instance_status_describe (DeckInstanceStatus status)
{
  switch (status)
    {
    case DECK_INSTANCE_STATUS_UNKNOWN: return _("Not checked yet");
    case DECK_INSTANCE_STATUS_CHECKING: return _("Checking…");
    case DECK_INSTANCE_STATUS_REACHABLE: return _("Reachable");
    case DECK_INSTANCE_STATUS_UNREACHABLE: return _("Unreachable");
    case DECK_INSTANCE_STATUS_AUTH_FAILED: return _("Wrong user name or password");
    case DECK_INSTANCE_STATUS_UNTRUSTED_CERTIFICATE: return _("Certificate not trusted");
    case DECK_INSTANCE_STATUS_NO_PASSWORD: return _("No password");
    default: return "";
    }
}

/**
 * deck_instance_describe_engine:
 * @instance: an instance
 *
 * Returns: (transfer full): the replication engine in words
 */
char *
deck_instance_describe_engine (DeckInstance *instance)
{
  switch (deck_instance_get_engine (instance))
    {
    case HDB_ENGINE_NATIVE:
      return g_strdup (deck_instance_get_restart_pending (instance)
                       ? _("Native replication (restart pending)")
                       : _("Native replication"));
    case HDB_ENGINE_NATS:
      return g_strdup (deck_instance_get_restart_pending (instance)
                       ? _("NATS clustering (restart pending)")
                       : _("NATS clustering"));
    case HDB_ENGINE_NONE:
      return g_strdup (_("Replication not enabled"));
    case HDB_ENGINE_UNKNOWN:
    default:
      return g_strdup (_("Engine unknown"));
    }
}

static void
deck_instance_row_update (DeckInstanceRow *self)
{
  DeckInstanceStatus status = deck_instance_get_status (self->instance);
  g_autofree char *detail = NULL;
  g_autofree char *accessible = NULL;
  const char *css;

  gtk_label_set_label (self->name_label, deck_instance_get_name (self->instance));

  if (status == DECK_INSTANCE_STATUS_REACHABLE)
    {
      g_autofree char *engine = deck_instance_describe_engine (self->instance);

      detail = g_strdup_printf ("%s · %s", deck_instance_get_version (self->instance), engine);
    }
  else
    detail = g_strdup (deck_instance_status_describe (status));
  gtk_label_set_label (self->detail_label, detail);

  for (guint i = 0; i < G_N_ELEMENTS (status_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_icon), status_classes[i]);

  switch (status)
    {
    case DECK_INSTANCE_STATUS_REACHABLE:
      css = "success";
      break;
    case DECK_INSTANCE_STATUS_UNREACHABLE:
      css = "error";
      break;
    case DECK_INSTANCE_STATUS_AUTH_FAILED:
    case DECK_INSTANCE_STATUS_UNTRUSTED_CERTIFICATE:
    case DECK_INSTANCE_STATUS_NO_PASSWORD:
      css = "warning";
      break;
    case DECK_INSTANCE_STATUS_UNKNOWN:
    case DECK_INSTANCE_STATUS_CHECKING:
    default:
      css = "dim-label";
      break;
    }
  gtk_widget_add_css_class (GTK_WIDGET (self->status_icon), css);

  /* The dot's colour means nothing to a screen reader: say it. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->status_icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  deck_instance_status_describe (status), -1);
  accessible = g_strdup_printf ("%s, %s", deck_instance_get_name (self->instance), detail);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
}

/* The last error as the tooltip, made when it is asked for:
 * gtk_widget_set_tooltip_text() asks the display where the pointer is (a
 * round trip to the X server), for every row at every check. Without an
 * error, the second line when it is cut short (large text, a narrow
 * sidebar). */
static gboolean
on_query_tooltip (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip)
{
  DeckInstanceRow *self = DECK_INSTANCE_ROW (widget);
  const char *error = deck_instance_get_last_error (self->instance);

  if (error != NULL)
    {
      gtk_tooltip_set_text (tooltip, error);
      return TRUE;
    }
  if (pango_layout_is_ellipsized (gtk_label_get_layout (self->detail_label)))
    {
      gtk_tooltip_set_text (tooltip, gtk_label_get_label (self->detail_label));
      return TRUE;
    }
  return FALSE;
}

/* The mark: shown while a link of the instance is unhealthy, its tooltip
 * the link in words. The watch knows instances by id. */
static void
update_health (DeckInstanceRow *self)
{
  const DeckHealthItem *item = NULL;

  g_clear_pointer (&self->health_problem, g_free);
  if (self->health != NULL)
    item = deck_health_watch_get_unhealthy_link (self->health,
                                                 deck_instance_get_id (self->instance));
  if (item != NULL)
    self->health_problem = deck_health_item_describe_link (item);
  gtk_widget_set_visible (GTK_WIDGET (self->health_icon), item != NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->health_icon), self->health_problem);
  /* The row is what a screen reader reads in the list: it says it too. */
  if (self->health_problem != NULL)
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->health_icon),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->health_problem,
                                      -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->health_problem,
                                      -1);
    }
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

static void
on_link_health_changed (DeckHealthWatch      *health,
                        const DeckHealthItem *item,
                        gboolean              healthy,
                        DeckInstanceRow      *self)
{
  if (g_strcmp0 (item->instance_id, deck_instance_get_id (self->instance)) == 0)
    update_health (self);
}

/**
 * deck_instance_row_get_health_problem:
 * @self: a row
 *
 * Returns: (nullable): the health mark's text (the unhealthy link in
 *   words), %NULL while the mark is not shown
 */
const char *
deck_instance_row_get_health_problem (DeckInstanceRow *self)
{
  g_return_val_if_fail (DECK_IS_INSTANCE_ROW (self), NULL);
  return self->health_problem;
}

static gboolean
update_now (gpointer data)
{
  DeckInstanceRow *self = data;

  self->update_source = 0;
  deck_instance_row_update (self);
  return G_SOURCE_REMOVE;
}

/* A check changes several properties at once, each notified: the row is
 * updated once for all of them, before the next frame is drawn. */
static void
on_instance_notify (DeckInstanceRow *self)
{
  if (self->update_source == 0)
    self->update_source = g_idle_add_full (GDK_PRIORITY_REDRAW - 10, update_now, self, NULL);
}

static void
deck_instance_row_dispose (GObject *object)
{
  DeckInstanceRow *self = DECK_INSTANCE_ROW (object);

  if (self->instance != NULL)
    g_clear_signal_handler (&self->notify_handler, self->instance);
  if (self->health != NULL)
    g_clear_signal_handler (&self->health_handler, self->health);
  g_clear_object (&self->health);
  g_clear_pointer (&self->health_problem, g_free);
  g_clear_handle_id (&self->update_source, g_source_remove);
  g_clear_object (&self->instance);

  G_OBJECT_CLASS (deck_instance_row_parent_class)->dispose (object);
}

static void
deck_instance_row_class_init (DeckInstanceRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = deck_instance_row_dispose;
  widget_class->query_tooltip = on_query_tooltip;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/clusterdeck/Clusterdeck/sidebar/deck-instance-row.ui");
  gtk_widget_class_bind_template_child (widget_class, DeckInstanceRow, status_icon);
  gtk_widget_class_bind_template_child (widget_class, DeckInstanceRow, health_icon);
  gtk_widget_class_bind_template_child (widget_class, DeckInstanceRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, DeckInstanceRow, detail_label);
}

static void
deck_instance_row_init (DeckInstanceRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
}

/**
 * deck_instance_row_new:
 * @instance: the instance shown
 * @health: (nullable): the links' health, for the mark
 *
 * Returns: (transfer floating): a new row
 */
GtkWidget *
deck_instance_row_new (DeckInstance    *instance,
                       DeckHealthWatch *health)
{
  DeckInstanceRow *self = g_object_new (DECK_TYPE_INSTANCE_ROW, NULL);

  self->instance = g_object_ref (instance);
  self->notify_handler = g_signal_connect_swapped (instance, "notify",
                                                   G_CALLBACK (on_instance_notify), self);
  if (health != NULL)
    {
      self->health = g_object_ref (health);
      self->health_handler = g_signal_connect (health, "link-health-changed",
                                               G_CALLBACK (on_link_health_changed), self);
    }
  deck_instance_row_update (self);
  update_health (self);
  return GTK_WIDGET (self);
}

DeckInstance *
deck_instance_row_get_instance (DeckInstanceRow *self)
{
  g_return_val_if_fail (DECK_IS_INSTANCE_ROW (self), NULL);
  return self->instance;
}
