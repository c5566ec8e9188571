/* deck-health-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Link Health: every link of the organization's instances, per database,
 * as the context's health watch last read it (core, deck-health-watch.c):
 * its state, since when, its latency with a graph of the last readings,
 * and a warning where the watch counts the link unhealthy (the sidebar's
 * mark and the notifications say the same). It observes the watch; it
 * reads nothing itself. While the same links are read, their rows are
 * updated in place (a keyboard user's focus stays on its row); rows are
 * made again only when links come or go.
 */

#define G_LOG_DOMAIN "deck-health-window"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-health-watch.h"
#include "deck-health-window.h"
#include "deck-latency-graph.h"

struct _DeckHealthWindow
{
  AdwWindow             parent_instance;

  DeckContext          *context;
  DeckOrganization     *organization;
  DeckHealthWatch      *health;        /* the context's */
  GPtrArray            *rows;          /* LinkRow, in links_group's order */
  guint                 n_unhealthy;
  guint                 n_builds;      /* how many times the rows were made */
  gulong                read_handler;

  /* Template widgets */
  AdwWindowTitle       *window_title;
  GtkStack             *stack;
  AdwStatusPage        *status_page;
  AdwPreferencesGroup  *links_group;
};

G_DEFINE_FINAL_TYPE (DeckHealthWindow, deck_health_window, ADW_TYPE_WINDOW)

/* The row of one link (per database) and the parts a reading changes */
typedef struct
{
  char      *key;     /* instance id, peer node, database */
  GtkWidget *row;     /* AdwActionRow, owned by links_group */
  GtkWidget *icon;    /* the "not healthy" mark while it is, else NULL */
  GtkWidget *graph;   /* DeckLatencyGraph */
} LinkRow;

static void
link_row_free (LinkRow *link)
{
  g_free (link->key);
  g_free (link);
}

static const char *
state_in_words (const char *state)
{
  if (g_strcmp0 (state, "up-to-date") == 0)
    return _("Up to date");
  if (g_strcmp0 (state, "catching-up") == 0)
    return _("Catching up");
  if (g_strcmp0 (state, "connected") == 0)
    return _("Connected");
  if (g_strcmp0 (state, "disconnected") == 0)
    return _("Disconnected");
  if (g_strcmp0 (state, "gone") == 0)
    return _("No longer replicated");
  return state;
}

static gboolean
in_organization (DeckHealthWindow *self,
                 const char       *instance_id)
{
  GListModel *instances = deck_organization_get_instances (self->organization);

  for (guint i = 0; i < g_list_model_get_n_items (instances); i++)
    {
      g_autoptr(DeckInstance) instance = g_list_model_get_item (instances, i);

      if (g_strcmp0 (deck_instance_get_id (instance), instance_id) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Shows @item's reading in @link's row; returns whether it is unhealthy */
static gboolean
update_row (DeckHealthWindow     *self,
            LinkRow              *link,
            const DeckHealthItem *item)
{
  const DeckHealthItem *unhealthy = deck_health_watch_get_link_problem (self->health,
                                                                        item->instance_id,
                                                                        item->peer_node);
  gboolean bad = unhealthy != NULL;
  GDateTime *since = deck_health_watch_get_state_since (self->health, item);
  g_autoptr(GDateTime) local = since != NULL ? g_date_time_to_local (since) : NULL;
  g_autofree char *when = local != NULL ? g_date_time_format (local, "%H:%M:%S") : NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  const double *values;
  guint n_values;

  title = item->database != NULL
          ? g_strdup_printf (_("%s → %s · %s"), item->instance,
                             item->peer != NULL ? item->peer : item->peer_node, item->database)
          : g_strdup_printf (_("%s → %s"), item->instance,
                             item->peer != NULL ? item->peer : item->peer_node);
  if (bad)
    subtitle = deck_health_item_describe_link (unhealthy);
  else if (when != NULL)
    subtitle = g_strdup_printf (item->detail != NULL ? _("%s since %s · %s") : _("%s since %s"),
                                state_in_words (item->state), when, item->detail);
  else
    subtitle = g_strdup (state_in_words (item->state));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (link->row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (link->row), subtitle);
  /* Added and removed, not hidden: a hidden prefix still indents the row. */
  if (bad && link->icon == NULL)
    {
      link->icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
      gtk_widget_add_css_class (link->icon, "warning");
      gtk_accessible_update_property (GTK_ACCESSIBLE (link->icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Not healthy"), -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (link->row), link->icon);
    }
  else if (!bad && link->icon != NULL)
    {
      adw_action_row_remove (ADW_ACTION_ROW (link->row), link->icon);
      link->icon = NULL;
    }
  values = deck_health_watch_get_latency_history (self->health, item, &n_values);
  deck_latency_graph_set_values (DECK_LATENCY_GRAPH (link->graph), values, n_values);
  return bad;
}

static LinkRow *
link_row_new (const DeckHealthItem *item)
{
  LinkRow *link = g_new0 (LinkRow, 1);

  link->key = deck_health_item_dup_key (item);
  link->row = adw_action_row_new ();
  /* Names come from servers and the user: plain text. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (link->row), FALSE);
  link->graph = deck_latency_graph_new ();
  adw_action_row_add_suffix (ADW_ACTION_ROW (link->row), link->graph);
  return link;
}

static void
show_links (DeckHealthWindow *self)
{
  GPtrArray *items = deck_health_watch_get_items (self->health);
  g_autoptr(GPtrArray) shown = g_ptr_array_new ();
  gboolean same;

  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      const DeckHealthItem *item = g_ptr_array_index (items, i);

      if (item->peer_node != NULL && in_organization (self, item->instance_id))
        g_ptr_array_add (shown, (gpointer) item);
    }

  /* The same links as shown (the watch keeps its items in order): the rows
   * stay; else they are made again. */
  same = shown->len == self->rows->len;
  for (guint i = 0; same && i < shown->len; i++)
    {
      g_autofree char *key = deck_health_item_dup_key (g_ptr_array_index (shown, i));
      LinkRow *link = g_ptr_array_index (self->rows, i);

      same = g_strcmp0 (key, link->key) == 0;
    }
  if (!same)
    {
      for (guint i = 0; i < self->rows->len; i++)
        adw_preferences_group_remove (self->links_group,
                                      ((LinkRow *) g_ptr_array_index (self->rows, i))->row);
      g_ptr_array_set_size (self->rows, 0);
      self->n_builds++;
      for (guint i = 0; i < shown->len; i++)
        {
          LinkRow *link = link_row_new (g_ptr_array_index (shown, i));

          adw_preferences_group_add (self->links_group, link->row);
          g_ptr_array_add (self->rows, link);
        }
    }
  self->n_unhealthy = 0;
  for (guint i = 0; i < shown->len; i++)
    self->n_unhealthy += update_row (self, g_ptr_array_index (self->rows, i),
                                     g_ptr_array_index (shown, i));

  if (self->rows->len > 0)
    gtk_stack_set_visible_child_name (self->stack, "links");
  else
    {
      adw_status_page_set_title (self->status_page, items == NULL ? _("Reading the Links…")
                                                                  : _("No Links"));
      adw_status_page_set_description (self->status_page,
                                       items == NULL ? NULL
                                       : _("No instance of this organization reports a "
                                           "replication link. Connect instances on their "
                                           "Replication page."));
      gtk_stack_set_visible_child_name (self->stack, "status");
    }
}

static void
deck_health_window_dispose (GObject *object)
{
  DeckHealthWindow *self = DECK_HEALTH_WINDOW (object);

  if (self->health != NULL)
    g_clear_signal_handler (&self->read_handler, self->health);
  g_clear_object (&self->health);
  g_clear_object (&self->organization);
  g_clear_object (&self->context);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (deck_health_window_parent_class)->dispose (object);
}

static void
deck_health_window_class_init (DeckHealthWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = deck_health_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/clusterdeck/Clusterdeck/dialogs/deck-health-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DeckHealthWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, DeckHealthWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, DeckHealthWindow, status_page);
  gtk_widget_class_bind_template_child (widget_class, DeckHealthWindow, links_group);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
deck_health_window_init (DeckHealthWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) link_row_free);
}

/**
 * deck_health_window_new:
 * @parent: (nullable): the window it is opened from
 * @context: the app's context (its health watch is shown)
 * @organization: whose links
 *
 * Opens the Link Health window. It follows the watch's readings while
 * open; the watch must be started for it to have any (the app starts the
 * context's).
 *
 * Returns: (transfer none): the window
 */
GtkWidget *
deck_health_window_new (GtkWindow        *parent,
                        DeckContext      *context,
                        DeckOrganization *organization)
{
  DeckHealthWindow *self;

  g_return_val_if_fail (DECK_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (DECK_IS_ORGANIZATION (organization), NULL);

  self = g_object_new (DECK_TYPE_HEALTH_WINDOW, NULL);
  self->context = g_object_ref (context);
  self->organization = g_object_ref (organization);
  self->health = g_object_ref (deck_context_get_health_watch (context));
  self->read_handler = g_signal_connect_swapped (self->health, "read", G_CALLBACK (show_links),
                                                 self);
  adw_window_title_set_subtitle (self->window_title, deck_organization_get_name (organization));
  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (self), parent);
  show_links (self);
  gtk_window_present (GTK_WINDOW (self));
  return GTK_WIDGET (self);
}

/**
 * deck_health_window_get_n_links:
 * @self: the window
 *
 * Returns: how many links (per database) it shows
 */
guint
deck_health_window_get_n_links (DeckHealthWindow *self)
{
  g_return_val_if_fail (DECK_IS_HEALTH_WINDOW (self), 0);
  return self->rows->len;
}

/**
 * deck_health_window_get_n_unhealthy:
 * @self: the window
 *
 * Returns: how many of them it marks as not healthy
 */
guint
deck_health_window_get_n_unhealthy (DeckHealthWindow *self)
{
  g_return_val_if_fail (DECK_IS_HEALTH_WINDOW (self), 0);
  return self->n_unhealthy;
}

/**
 * deck_health_window_get_n_builds:
 * @self: the window
 *
 * Returns: how many times its rows were made: once, and again at each
 *   reading whose links differ from the last one's (the tests check that
 *   a reading of the same links keeps the rows)
 */
guint
deck_health_window_get_n_builds (DeckHealthWindow *self)
{
  g_return_val_if_fail (DECK_IS_HEALTH_WINDOW (self), 0);
  return self->n_builds;
}
