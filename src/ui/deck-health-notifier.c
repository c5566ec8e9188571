/* deck-health-notifier.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Desktop notifications of the links' health, while the application runs:
 * a link that turns unhealthy (the context's DeckHealthWatch: disconnected,
 * a database socket gone, or catching up for longer than the threshold)
 * raises one notification, its id the link's (so a second one replaces it
 * rather than piling up), withdrawn when the link is healthy again, when
 * notifications are turned off (the `health-notifications` setting), and
 * when the application ends. Its default action, app.select-instance
 * (added to the application by this object), selects the instance whose
 * link it is.
 */

#define G_LOG_DOMAIN "deck-health-notifier"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-health-notifier.h"
#include "deck-window.h"

struct _DeckHealthNotifier
{
  GObject          parent_instance;

  /* Borrowed: the application owns this object. */
  GApplication    *application;
  /* Owned */
  DeckHealthWatch *health;
  DeckStore       *store;
  GHashTable      *sent;            /* notification ids shown */
  gulong           health_handler;
  gboolean         enabled;
};

G_DEFINE_FINAL_TYPE (DeckHealthNotifier, deck_health_notifier, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ENABLED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * deck_health_notifier_dup_id:
 * @item: a link's item
 *
 * Returns: (transfer full): the id of the link's notification
 */
char *
deck_health_notifier_dup_id (const DeckHealthItem *item)
{
  return g_strdup_printf ("health-link:%s:%s", item->instance_id, item->peer_node);
}

static void
notify_link (DeckHealthNotifier   *self,
             const DeckHealthItem *item)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *id = deck_health_notifier_dup_id (item);
  g_autofree char *body = deck_health_item_describe_link (item);
  notification = g_notification_new (g_strcmp0 (item->state, "catching-up") == 0
                                     ? _("Replication link catching up")
                                     : _("Replication link down"));
  g_notification_set_body (notification, body);
  g_notification_set_default_action_and_target (notification, "app.select-instance", "s",
                                                item->instance_id);
  g_application_send_notification (self->application, id, notification);
  g_hash_table_add (self->sent, g_steal_pointer (&id));
}

static void
on_link_health_changed (DeckHealthWatch      *health,
                        const DeckHealthItem *item,
                        gboolean              healthy,
                        DeckHealthNotifier   *self)
{
  g_autofree char *id = deck_health_notifier_dup_id (item);

  if (!healthy && self->enabled)
    notify_link (self, item);
  else if (healthy && g_hash_table_remove (self->sent, id))
    g_application_withdraw_notification (self->application, id);
}

/**
 * deck_health_notifier_withdraw_all:
 * @self: a notifier
 *
 * Withdraws every notification it sent.
 */
void
deck_health_notifier_withdraw_all (DeckHealthNotifier *self)
{
  GHashTableIter iter;
  gpointer id;

  g_return_if_fail (DECK_IS_HEALTH_NOTIFIER (self));

  g_hash_table_iter_init (&iter, self->sent);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    {
      g_application_withdraw_notification (self->application, id);
      g_hash_table_iter_remove (&iter);
    }
}

static void
select_instance_action (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  DeckHealthNotifier *self = user_data;
  DeckInstance *instance = deck_store_find_instance_by_id (self->store,
                                                           g_variant_get_string (parameter, NULL));
  GtkWindow *window = NULL;

  if (instance == NULL || !GTK_IS_APPLICATION (self->application))
    return;
  window = gtk_application_get_active_window (GTK_APPLICATION (self->application));
  if (window == NULL)
    {
      /* The application's activate makes its window. */
      g_application_activate (self->application);
      window = gtk_application_get_active_window (GTK_APPLICATION (self->application));
    }
  if (DECK_IS_WINDOW (window))
    {
      deck_window_select_instance (DECK_WINDOW (window), instance);
      gtk_window_present (window);
    }
}

gboolean
deck_health_notifier_get_enabled (DeckHealthNotifier *self)
{
  g_return_val_if_fail (DECK_IS_HEALTH_NOTIFIER (self), FALSE);
  return self->enabled;
}

/**
 * deck_health_notifier_set_enabled:
 * @self: a notifier
 * @enabled: whether to notify
 *
 * Turned off, it withdraws what it sent and sends nothing more; turned on
 * again, it notifies the links that turn unhealthy from then on.
 */
void
deck_health_notifier_set_enabled (DeckHealthNotifier *self,
                                  gboolean            enabled)
{
  g_return_if_fail (DECK_IS_HEALTH_NOTIFIER (self));

  enabled = !!enabled;
  if (self->enabled == enabled)
    return;
  self->enabled = enabled;
  if (!enabled)
    deck_health_notifier_withdraw_all (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENABLED]);
}

static void
deck_health_notifier_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  DeckHealthNotifier *self = DECK_HEALTH_NOTIFIER (object);

  switch (prop_id)
    {
    case PROP_ENABLED:
      g_value_set_boolean (value, self->enabled);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_health_notifier_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  DeckHealthNotifier *self = DECK_HEALTH_NOTIFIER (object);

  switch (prop_id)
    {
    case PROP_ENABLED:
      deck_health_notifier_set_enabled (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_health_notifier_dispose (GObject *object)
{
  DeckHealthNotifier *self = DECK_HEALTH_NOTIFIER (object);

  if (self->application != NULL)
    {
      deck_health_notifier_withdraw_all (self);
      g_action_map_remove_action (G_ACTION_MAP (self->application), "select-instance");
      self->application = NULL;
    }
  if (self->health != NULL)
    g_clear_signal_handler (&self->health_handler, self->health);
  g_clear_object (&self->health);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (deck_health_notifier_parent_class)->dispose (object);
}

static void
deck_health_notifier_finalize (GObject *object)
{
  DeckHealthNotifier *self = DECK_HEALTH_NOTIFIER (object);

  g_clear_pointer (&self->sent, g_hash_table_unref);

  G_OBJECT_CLASS (deck_health_notifier_parent_class)->finalize (object);
}

static void
deck_health_notifier_class_init (DeckHealthNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = deck_health_notifier_get_property;
  object_class->set_property = deck_health_notifier_set_property;
  object_class->dispose = deck_health_notifier_dispose;
  object_class->finalize = deck_health_notifier_finalize;

  properties[PROP_ENABLED] =
    g_param_spec_boolean ("enabled", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
deck_health_notifier_init (DeckHealthNotifier *self)
{
  self->enabled = TRUE;
  self->sent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * deck_health_notifier_new:
 * @application: the application: registered, with an id; it owns the
 *   notifier, and the notifier adds app.select-instance to it
 * @health: the links' health
 * @store: where the instances are found by name and id
 *
 * Returns: (transfer full): a new notifier, enabled
 */
DeckHealthNotifier *
deck_health_notifier_new (GApplication    *application,
                          DeckHealthWatch *health,
                          DeckStore       *store)
{
  static const GActionEntry actions[] = {
    { .name = "select-instance", .activate = select_instance_action, .parameter_type = "s" },
  };
  DeckHealthNotifier *self;

  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (DECK_IS_HEALTH_WATCH (health), NULL);
  g_return_val_if_fail (DECK_IS_STORE (store), NULL);

  self = g_object_new (DECK_TYPE_HEALTH_NOTIFIER, NULL);
  self->application = application;
  self->health = g_object_ref (health);
  self->store = g_object_ref (store);
  self->health_handler = g_signal_connect (health, "link-health-changed",
                                           G_CALLBACK (on_link_health_changed), self);
  g_action_map_add_action_entries (G_ACTION_MAP (application), actions, G_N_ELEMENTS (actions),
                                   self);
  return self;
}
