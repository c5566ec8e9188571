/* deck-instance-monitor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Keeps the live state of every stored instance fresh: one HdbClient per
 * instance, one check at a time per instance, each bounded by its own
 * timeout, so that a dead instance never delays the others. A failing
 * instance is asked less often (up to four times the interval) until it
 * answers again.
 *
 * At most MAX_BUSY instances are being checked (or their password looked
 * up) at a time; the others wait their turn. A fleet of two hundred all
 * checked at once answers in one burst that keeps the main loop busy
 * (the answers' callbacks come before drawing), and the window stops
 * drawing until the burst is over; a stream of checks leaves it room.
 * A frozen instance holds its slot until its own timeout, no longer.
 */

#define G_LOG_DOMAIN "deck-instance-monitor"

#include <string.h>

#include "deck-instance-monitor.h"

#define DEFAULT_INTERVAL_S  10
#define DEFAULT_TIMEOUT_MS  5000
#define MAX_BACKOFF_FACTOR  4
#define MAX_BUSY            16

typedef struct
{
  DeckInstanceMonitor *monitor;
  DeckInstance        *instance;
  HdbClient           *client;         /* for the caller's operations */
  HdbClient           *check_client;   /* for checks: the monitor's short timeout */
  char                *client_key;
  char                *password;
  gboolean             password_known;
  gboolean             lookup_running;
  gboolean             check_running;
  gboolean             holds_slot;     /* one of the monitor's MAX_BUSY */
  gboolean             waiting;        /* in the monitor's queue for one */
  GCancellable        *cancellable;
  guint                timer;
  guint                failures;
  gulong               notify_handler;
} Watch;

struct _DeckInstanceMonitor
{
  GObject          parent_instance;

  DeckStore       *store;
  DeckCredentials *credentials;
  GHashTable      *watches;        /* instance id → Watch */
  GHashTable      *organizations;  /* DeckOrganization → handler id */
  gulong           organizations_handler;
  guint            interval_s;
  guint            timeout_ms;
  gboolean         started;
  guint            n_busy;         /* watches holding a slot */
  GQueue           waiting;        /* watches waiting for one */
};

G_DEFINE_FINAL_TYPE (DeckInstanceMonitor, deck_instance_monitor, G_TYPE_OBJECT)

static void watch_check (Watch *watch);
static void deck_instance_monitor_sync (DeckInstanceMonitor *self);


/* The clients may outlive the watch (a job holds one): they no longer
 * report to it. */
static void
watch_clear_clients (Watch *watch)
{
  if (watch->client != NULL)
    g_signal_handlers_disconnect_by_data (watch->client, watch);
  if (watch->check_client != NULL)
    g_signal_handlers_disconnect_by_data (watch->check_client, watch);
  g_clear_object (&watch->client);
  g_clear_object (&watch->check_client);
}

static void
watch_free (Watch *watch)
{
  if (watch->waiting)
    g_queue_remove (&watch->monitor->waiting, watch);
  if (watch->holds_slot)
    watch->monitor->n_busy--;
  g_cancellable_cancel (watch->cancellable);
  g_clear_object (&watch->cancellable);
  g_clear_handle_id (&watch->timer, g_source_remove);
  g_clear_signal_handler (&watch->notify_handler, watch->instance);
  watch_clear_clients (watch);
  g_clear_object (&watch->instance);
  g_free (watch->client_key);
  g_clear_pointer (&watch->password, deck_credentials_free_secret);
  g_free (watch);
}

static char *
client_key_for (DeckInstance *instance)
{
  return g_strdup_printf ("%s\n%s\n%s", deck_instance_get_url (instance),
                          deck_instance_get_username (instance),
                          deck_instance_get_pinned_certificate (instance) ?: "");
}

/* A client moved its pin to a certificate the server renewed with the
 * pinned one's key (hdb_client_set_pinned_certificate()): Harper reissues
 * a node's certificate when it is connected over wss://. The instance
 * keeps the new pin, so that the next run and the other clients accept it
 * too. Saving it makes the instance notify, and its clients are rebuilt. */
static void
on_client_pin_moved (HdbClient  *client,
                     GParamSpec *pspec,
                     Watch      *watch)
{
  /* Setting the pin rebuilds the watch's clients, and saving may read the
   * file again: only what is held here is used afterwards. */
  g_autoptr(DeckInstance) instance = g_object_ref (watch->instance);
  DeckStore *store = watch->monitor->store;
  g_autofree char *moved = g_strdup (hdb_client_get_pinned_certificate (client));
  const char *stored = deck_instance_get_pinned_certificate (instance);
  g_autoptr(GError) error = NULL;

  if (moved == NULL || stored == NULL || hdb_fingerprint_equal (moved, stored))
    return;
  g_debug ("%s: the pin follows a certificate renewed with the same key",
           deck_instance_get_id (instance));
  deck_instance_set_pinned_certificate (instance, moved);
  if (store != NULL && !deck_store_update_instance (store, instance, &error))
    g_debug ("%s: the renewed pin was not saved: %s", deck_instance_get_id (instance),
             error->message);
}

/* (Re)builds the client when the URL, the login or the pin changed. */
static HdbClient *
watch_ensure_client (Watch *watch)
{
  g_autofree char *key = NULL;
  g_autoptr(GError) error = NULL;

  if (!watch->password_known)
    return NULL;

  key = client_key_for (watch->instance);
  if (watch->client != NULL && g_strcmp0 (key, watch->client_key) == 0)
    return watch->client;

  watch_clear_clients (watch);
  watch->client = hdb_client_new (deck_instance_get_url (watch->instance),
                                  deck_instance_get_username (watch->instance),
                                  watch->password, &error);
  if (watch->client == NULL)
    {
      deck_instance_update_from_error (watch->instance, error);
      return NULL;
    }
  hdb_client_set_pinned_certificate (watch->client,
                                     deck_instance_get_pinned_certificate (watch->instance));
  /* Checks are bounded by the monitor's short timeout; what the caller
   * sends (enable, connect) keeps the client's own, longer one. */
  watch->check_client = hdb_client_new (deck_instance_get_url (watch->instance),
                                        deck_instance_get_username (watch->instance),
                                        watch->password, NULL);
  hdb_client_set_pinned_certificate (watch->check_client,
                                     deck_instance_get_pinned_certificate (watch->instance));
  g_signal_connect (watch->client, "notify::pinned-certificate",
                    G_CALLBACK (on_client_pin_moved), watch);
  g_signal_connect (watch->check_client, "notify::pinned-certificate",
                    G_CALLBACK (on_client_pin_moved), watch);
  g_free (watch->client_key);
  watch->client_key = g_steal_pointer (&key);
  return watch->client;
}

static gboolean
on_watch_timer (gpointer user_data)
{
  Watch *watch = user_data;

  watch->timer = 0;
  watch_check (watch);
  return G_SOURCE_REMOVE;
}

static void
watch_schedule (Watch *watch)
{
  guint factor = 1;

  g_clear_handle_id (&watch->timer, g_source_remove);
  for (guint i = 0; i < watch->failures && factor < MAX_BACKOFF_FACTOR; i++)
    factor *= 2;

  watch->timer = g_timeout_add_seconds (watch->monitor->interval_s * factor, on_watch_timer, watch);
  g_source_set_name_by_id (watch->timer, "[deck] instance refresh");
}

/* What a pending check or lookup knows of its watch. The watch may be
 * freed before the answer comes: watch_free() cancels first, so a
 * cancelled cancellable means "do not touch the watch", whatever error the
 * answer carries (a composite request can end with another error). */
typedef struct
{
  Watch        *watch;
  GCancellable *cancellable;
} Pending;

static Pending *
pending_new (Watch *watch)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->watch = watch;
  pending->cancellable = g_object_ref (watch->cancellable);
  return pending;
}

/* Frees @pending; returns its watch, or NULL when it must not be touched. */
static Watch *
pending_end (Pending *pending)
{
  Watch *watch = g_cancellable_is_cancelled (pending->cancellable) ? NULL : pending->watch;

  g_object_unref (pending->cancellable);
  g_free (pending);
  return watch;
}

/* Slots ---------------------------------------------------------------- */

/* Whether @watch may check now: it holds a slot, or takes a free one, or
 * else waits in the queue (watch_release_slot() starts it). */
static gboolean
watch_take_slot (Watch *watch)
{
  DeckInstanceMonitor *self = watch->monitor;

  if (watch->holds_slot)
    return TRUE;
  if (self->n_busy >= MAX_BUSY)
    {
      if (!watch->waiting)
        {
          watch->waiting = TRUE;
          g_queue_push_tail (&self->waiting, watch);
        }
      return FALSE;
    }
  self->n_busy++;
  watch->holds_slot = TRUE;
  return TRUE;
}

/* Starts waiting watches while slots are free. */
static void
monitor_start_waiting (DeckInstanceMonitor *self)
{
  while (self->n_busy < MAX_BUSY && !g_queue_is_empty (&self->waiting))
    {
      Watch *next = g_queue_pop_head (&self->waiting);

      next->waiting = FALSE;
      watch_check (next);
    }
}

static void
watch_release_slot (Watch *watch)
{
  if (!watch->holds_slot)
    return;
  watch->holds_slot = FALSE;
  watch->monitor->n_busy--;
  monitor_start_waiting (watch->monitor);
}

static void
on_server_info (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Watch *watch = pending_end (user_data);
  g_autoptr(HdbServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = hdb_client_server_info_finish (HDB_CLIENT (source), result, &error);
  if (watch == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;  /* the watch may be gone */

  watch->check_running = FALSE;
  if (info != NULL)
    {
      watch->failures = 0;
      deck_instance_update_from_info (watch->instance, info);
    }
  else
    {
      watch->failures++;
      deck_instance_update_from_error (watch->instance, error);
    }
  watch_schedule (watch);
  watch_release_slot (watch);
}

static void
on_password_looked_up (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Watch *watch = pending_end (user_data);
  g_autoptr(GError) error = NULL;
  char *password;

  password = deck_credentials_lookup_finish (DECK_CREDENTIALS (source), result, &error);
  if (watch == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      deck_credentials_free_secret (password);
      return;
    }

  watch->lookup_running = FALSE;
  if (password != NULL)
    {
      g_clear_pointer (&watch->password, deck_credentials_free_secret);
      watch->password = password;
      watch->password_known = TRUE;
      watch_check (watch);
      return;
    }

  /* No password (or no keyring): the instance says so until the user
   * gives one; try the keyring again at the next refresh. */
  deck_instance_set_no_password (watch->instance);
  if (error != NULL)
    g_debug ("No password for %s: %s", deck_instance_get_name (watch->instance), error->message);
  watch->failures++;
  watch_schedule (watch);
  watch_release_slot (watch);
}

static void
watch_check (Watch *watch)
{
  HdbClient *client;

  if (watch->check_running || watch->lookup_running)
    return;
  g_clear_handle_id (&watch->timer, g_source_remove);
  if (!watch_take_slot (watch))
    return;

  if (!watch->password_known)
    {
      watch->lookup_running = TRUE;
      deck_credentials_lookup_async (watch->monitor->credentials, DECK_SECRET_INSTANCE_LOGIN,
                                     deck_instance_get_id (watch->instance),
                                     watch->cancellable, on_password_looked_up,
                                     pending_new (watch));
      return;
    }

  client = watch_ensure_client (watch);
  if (client == NULL)
    {
      watch->failures++;
      watch_schedule (watch);
      watch_release_slot (watch);
      return;
    }

  hdb_client_set_timeout (watch->check_client, watch->monitor->timeout_ms);
  deck_instance_set_checking (watch->instance);
  watch->check_running = TRUE;
  hdb_client_server_info_async (watch->check_client, watch->cancellable, on_server_info,
                                pending_new (watch));
}

static void
on_instance_notify (GObject    *object,
                    GParamSpec *pspec,
                    gpointer    user_data)
{
  Watch *watch = user_data;
  const char *name = g_param_spec_get_name (pspec);

  /* A changed address, login or pin is checked at once. */
  if (g_str_equal (name, "url") || g_str_equal (name, "username") ||
      g_str_equal (name, "pinned-certificate"))
    {
      g_cancellable_cancel (watch->cancellable);
      g_clear_object (&watch->cancellable);
      watch->cancellable = g_cancellable_new ();
      watch->check_running = FALSE;
      watch->lookup_running = FALSE;
      watch->failures = 0;
      watch_check (watch);
    }
}

static Watch *
watch_new (DeckInstanceMonitor *self,
           DeckInstance        *instance)
{
  Watch *watch = g_new0 (Watch, 1);

  watch->monitor = self;
  watch->instance = g_object_ref (instance);
  watch->cancellable = g_cancellable_new ();
  watch->notify_handler = g_signal_connect (instance, "notify", G_CALLBACK (on_instance_notify),
                                            watch);
  return watch;
}

static void
on_model_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  deck_instance_monitor_sync (DECK_INSTANCE_MONITOR (user_data));
}

/* Brings the watches in line with the store: a watch per stored instance. */
static void
deck_instance_monitor_sync (DeckInstanceMonitor *self)
{
  GListModel *orgs = deck_store_get_organizations (self->store);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) seen_orgs = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < g_list_model_get_n_items (orgs); i++)
    {
      g_autoptr(DeckOrganization) org = g_list_model_get_item (orgs, i);
      GListModel *instances = deck_organization_get_instances (org);

      g_hash_table_add (seen_orgs, org);
      if (!g_hash_table_contains (self->organizations, org))
        g_hash_table_insert (self->organizations, g_object_ref (org),
                             GSIZE_TO_POINTER (g_signal_connect (instances, "items-changed",
                                                                 G_CALLBACK (on_model_changed),
                                                                 self)));

      for (guint j = 0; j < g_list_model_get_n_items (instances); j++)
        {
          g_autoptr(DeckInstance) instance = g_list_model_get_item (instances, j);
          const char *id = deck_instance_get_id (instance);

          g_hash_table_add (seen, (gpointer) id);
          if (!g_hash_table_contains (self->watches, id))
            {
              Watch *watch = watch_new (self, instance);

              g_hash_table_insert (self->watches, g_strdup (id), watch);
              if (self->started)
                watch_check (watch);
            }
        }
    }

  g_hash_table_iter_init (&iter, self->watches);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (seen, key))
      g_hash_table_iter_remove (&iter);

  g_hash_table_iter_init (&iter, self->organizations);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (seen_orgs, key))
      {
        g_signal_handler_disconnect (deck_organization_get_instances (key),
                                     GPOINTER_TO_SIZE (value));
        g_hash_table_iter_remove (&iter);
      }

  /* A removed instance's watch may have held a slot. */
  monitor_start_waiting (self);
}

static void
deck_instance_monitor_dispose (GObject *object)
{
  DeckInstanceMonitor *self = DECK_INSTANCE_MONITOR (object);
  GHashTableIter iter;
  gpointer key, value;

  if (self->organizations != NULL)
    {
      g_hash_table_iter_init (&iter, self->organizations);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_signal_handler_disconnect (deck_organization_get_instances (key),
                                     GPOINTER_TO_SIZE (value));
      g_clear_pointer (&self->organizations, g_hash_table_unref);
    }
  /* Nothing is started any more: the queue goes with the watches. */
  g_queue_clear (&self->waiting);
  g_clear_pointer (&self->watches, g_hash_table_unref);
  if (self->store != NULL)
    g_clear_signal_handler (&self->organizations_handler,
                            deck_store_get_organizations (self->store));
  g_clear_object (&self->store);
  g_clear_object (&self->credentials);

  G_OBJECT_CLASS (deck_instance_monitor_parent_class)->dispose (object);
}

static void
deck_instance_monitor_class_init (DeckInstanceMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = deck_instance_monitor_dispose;
}

static void
deck_instance_monitor_init (DeckInstanceMonitor *self)
{
  self->interval_s = DEFAULT_INTERVAL_S;
  self->timeout_ms = DEFAULT_TIMEOUT_MS;
  self->watches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) watch_free);
  self->organizations = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
}

/**
 * deck_instance_monitor_new:
 * @store: the organizations and instances
 * @credentials: where the instance logins are kept
 *
 * Returns: (transfer full): a monitor; nothing is checked before
 *   deck_instance_monitor_start()
 */
DeckInstanceMonitor *
deck_instance_monitor_new (DeckStore       *store,
                           DeckCredentials *credentials)
{
  DeckInstanceMonitor *self;

  g_return_val_if_fail (DECK_IS_STORE (store), NULL);
  g_return_val_if_fail (DECK_IS_CREDENTIALS (credentials), NULL);

  self = g_object_new (DECK_TYPE_INSTANCE_MONITOR, NULL);
  self->store = g_object_ref (store);
  self->credentials = g_object_ref (credentials);
  self->organizations_handler = g_signal_connect (deck_store_get_organizations (store),
                                                  "items-changed",
                                                  G_CALLBACK (on_model_changed), self);
  deck_instance_monitor_sync (self);
  return self;
}

guint
deck_instance_monitor_get_interval (DeckInstanceMonitor *self)
{
  g_return_val_if_fail (DECK_IS_INSTANCE_MONITOR (self), 0);
  return self->interval_s;
}

/**
 * deck_instance_monitor_set_interval:
 * @self: a monitor
 * @seconds: the time between two checks of an instance that answers
 */
void
deck_instance_monitor_set_interval (DeckInstanceMonitor *self,
                                    guint                seconds)
{
  g_return_if_fail (DECK_IS_INSTANCE_MONITOR (self));
  g_return_if_fail (seconds > 0);

  self->interval_s = seconds;
}

guint
deck_instance_monitor_get_timeout (DeckInstanceMonitor *self)
{
  g_return_val_if_fail (DECK_IS_INSTANCE_MONITOR (self), 0);
  return self->timeout_ms;
}

/**
 * deck_instance_monitor_set_timeout:
 * @self: a monitor
 * @timeout_ms: how long one request of a check may take
 */
void
deck_instance_monitor_set_timeout (DeckInstanceMonitor *self,
                                   guint                timeout_ms)
{
  g_return_if_fail (DECK_IS_INSTANCE_MONITOR (self));
  g_return_if_fail (timeout_ms > 0);

  self->timeout_ms = timeout_ms;
}

/**
 * deck_instance_monitor_start:
 * @self: a monitor
 *
 * Checks every instance now, then keeps checking in the background.
 */
void
deck_instance_monitor_start (DeckInstanceMonitor *self)
{
  g_return_if_fail (DECK_IS_INSTANCE_MONITOR (self));

  self->started = TRUE;
  deck_instance_monitor_refresh_all (self);
}

/**
 * deck_instance_monitor_refresh:
 * @self: a monitor
 * @instance: an instance
 *
 * Checks @instance now (unless a check is already running).
 */
void
deck_instance_monitor_refresh (DeckInstanceMonitor *self,
                               DeckInstance        *instance)
{
  Watch *watch;

  g_return_if_fail (DECK_IS_INSTANCE_MONITOR (self));
  g_return_if_fail (DECK_IS_INSTANCE (instance));

  watch = g_hash_table_lookup (self->watches, deck_instance_get_id (instance));
  if (watch == NULL)
    return;
  watch->failures = 0;
  watch_check (watch);
}

void
deck_instance_monitor_refresh_all (DeckInstanceMonitor *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (DECK_IS_INSTANCE_MONITOR (self));

  g_hash_table_iter_init (&iter, self->watches);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Watch *watch = value;

      watch->failures = 0;
      watch_check (watch);
    }
}

/**
 * deck_instance_monitor_set_password:
 * @self: a monitor
 * @instance: an instance
 * @password: its login's password
 *
 * Uses @password for @instance from now on (kept in memory; storing it in
 * the keyring is the caller's business) and checks the instance.
 */
void
deck_instance_monitor_set_password (DeckInstanceMonitor *self,
                                    DeckInstance        *instance,
                                    const char          *password)
{
  Watch *watch;

  g_return_if_fail (DECK_IS_INSTANCE_MONITOR (self));
  g_return_if_fail (DECK_IS_INSTANCE (instance));

  deck_instance_monitor_sync (self);
  watch = g_hash_table_lookup (self->watches, deck_instance_get_id (instance));
  if (watch == NULL)
    return;

  g_clear_pointer (&watch->password, deck_credentials_free_secret);
  watch->password = g_strdup (password);
  watch->password_known = password != NULL;
  watch_clear_clients (watch);
  g_clear_pointer (&watch->client_key, g_free);
  g_cancellable_cancel (watch->cancellable);
  g_clear_object (&watch->cancellable);
  watch->cancellable = g_cancellable_new ();
  watch->check_running = FALSE;
  watch->lookup_running = FALSE;
  watch->failures = 0;
  if (self->started)
    watch_check (watch);
}

/**
 * deck_instance_monitor_get_client:
 * @self: a monitor
 * @instance: an instance
 *
 * Returns: (nullable) (transfer none): the client of @instance, or %NULL
 *   while its password is not known
 */
HdbClient *
deck_instance_monitor_get_client (DeckInstanceMonitor *self,
                                  DeckInstance        *instance)
{
  Watch *watch;

  g_return_val_if_fail (DECK_IS_INSTANCE_MONITOR (self), NULL);
  g_return_val_if_fail (DECK_IS_INSTANCE (instance), NULL);

  watch = g_hash_table_lookup (self->watches, deck_instance_get_id (instance));
  return watch != NULL ? watch_ensure_client (watch) : NULL;
}
