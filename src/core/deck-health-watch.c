/* deck-health-watch.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The health of an organization's links, read again and again: while
 * started, every interval (after the previous reading ended, so that slow
 * instances never pile readings up) the watch reads the cluster state of
 * its instances (deck_cluster_state_read_async(), each instance with its
 * client's timeout, none ever blocking the main loop), keeps the health
 * items of the last reading (deck_cluster_health_read()) and says what
 * changed: ::changed per item whose state changed (what `clusterdeck-cli
 * status --watch` prints), ::link-health-changed per link that turned
 * unhealthy or healthy again (what the sidebar's mark and the desktop
 * notifications show).
 *
 * A link is unhealthy when one of its database sockets is disconnected,
 * is no longer reported while the link still is ("gone"), or has been
 * catching up for the threshold or longer; or when its peer does not
 * answer (Harper may go on reporting a link to a frozen peer as connected
 * for a long while: its socket is still open). An instance that does not answer
 * reports no links: they keep the health they last had until it answers
 * again, and one reading more (they reconnect then), so a frozen peer is
 * one unhealthy link (its peer's), not two. A
 * link that is no longer reported at all by an instance that answers was
 * removed: it is forgotten, and healthy again.
 *
 * The window's watch (deck_context_get_health_watch()) reads every instance
 * of the store; the command line's reads the instances it was given.
 */

#define G_LOG_DOMAIN "deck-health-watch"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "deck-health-watch.h"

struct _DeckHealthWatch
{
  GObject       parent_instance;

  /* Borrowed: the context outlives its watches (it stops its own). */
  DeckContext  *context;
  /* Owned */
  GPtrArray    *instances;      /* nullable: every instance of the store */
  GPtrArray    *items;          /* DeckHealthItem, the last reading; nullable before it */
  GHashTable   *catching_since; /* item key → gint64 *, monotonic µs */
  GHashTable   *history;        /* item key → History */
  GHashTable   *unhealthy;      /* link key → DeckHealthItem * */
  GHashTable   *link_peers;     /* link key → the peer's instance id, as last seen */
  GCancellable *cancellable;    /* the reading in flight, while started */
  GDateTime    *read_time;
  guint         timeout_id;
  guint         interval;
  guint         threshold;
  guint         n_readings;
  gboolean      started;
};

G_DEFINE_FINAL_TYPE (DeckHealthWatch, deck_health_watch, G_TYPE_OBJECT)

enum {
  SIGNAL_CHANGED,
  SIGNAL_LINK_HEALTH_CHANGED,
  SIGNAL_READ,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void read_now (DeckHealthWatch *self);

static char *
link_key (const DeckHealthItem *item)
{
  return g_strconcat (item->instance_id, "\x1f", item->peer_node, NULL);
}

/* @instance_id: the instance's id (DeckHealthItem.instance_id) */
static const DeckHealthItem *
find_item (GPtrArray  *items,
           const char *instance_id,
           const char *peer_node,
           const char *database)
{
  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      const DeckHealthItem *item = g_ptr_array_index (items, i);

      if (g_strcmp0 (item->instance_id, instance_id) == 0 &&
          g_strcmp0 (item->peer_node, peer_node) == 0 &&
          g_strcmp0 (item->database, database) == 0)
        return item;
    }
  return NULL;
}

static gboolean
has_link (GPtrArray  *items,
          const char *instance_id,
          const char *peer_node)
{
  for (guint i = 0; i < items->len; i++)
    {
      const DeckHealthItem *item = g_ptr_array_index (items, i);

      if (g_strcmp0 (item->instance_id, instance_id) == 0 &&
          g_strcmp0 (item->peer_node, peer_node) == 0)
        return TRUE;
    }
  return FALSE;
}

/* A database socket the link no longer reports, while the link still is
 * there, stays in the reading as `gone` (until it comes back or the link
 * goes): Harper dropping one database's socket is a fault, not a choice. */
static void
keep_gone_sockets (GPtrArray *before,
                   GPtrArray *after)
{
  guint n = after->len;

  for (guint i = 0; before != NULL && i < before->len; i++)
    {
      const DeckHealthItem *item = g_ptr_array_index (before, i);

      if (item->peer_node == NULL || item->database == NULL)
        continue;
      if (find_item (after, item->instance_id, item->peer_node, item->database) == NULL &&
          has_link (after, item->instance_id, item->peer_node))
        g_ptr_array_add (after, deck_health_item_dup (item, "gone"));
    }
  if (after->len != n)
    g_ptr_array_sort (after, deck_health_item_compare);
}

static gboolean
item_is_unhealthy (DeckHealthWatch      *self,
                   const DeckHealthItem *item,
                   gint64                now)
{
  if (g_strcmp0 (item->state, "disconnected") == 0 || g_strcmp0 (item->state, "gone") == 0)
    return TRUE;
  if (g_strcmp0 (item->state, "catching-up") == 0)
    {
      g_autofree char *key = deck_health_item_dup_key (item);
      const gint64 *since = g_hash_table_lookup (self->catching_since, key);

      return since != NULL && now - *since >= (gint64) self->threshold * G_USEC_PER_SEC;
    }
  return FALSE;
}

/* Since when each socket has been catching up: kept from one reading to
 * the next while it still is. */
static void
update_catching_since (DeckHealthWatch *self,
                       GPtrArray       *after,
                       gint64           now)
{
  g_autoptr(GHashTable) since = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < after->len; i++)
    {
      const DeckHealthItem *item = g_ptr_array_index (after, i);
      g_autofree char *key = NULL;
      const gint64 *was;
      gint64 *when;

      if (g_strcmp0 (item->state, "catching-up") != 0)
        continue;
      key = deck_health_item_dup_key (item);
      was = g_hash_table_lookup (self->catching_since, key);
      when = g_new (gint64, 1);
      *when = was != NULL ? *was : now;
      g_hash_table_replace (since, g_steal_pointer (&key), when);
    }
  g_clear_pointer (&self->catching_since, g_hash_table_unref);
  self->catching_since = g_steal_pointer (&since);
}

/* What the window shows of an item beyond its last reading: its latency
 * over the last readings, and since when it has been in its state. */
typedef struct
{
  GArray    *latencies;  /* double, oldest first, < 0 where none was reported */
  char      *state;
  GDateTime *since;      /* the reading that first saw it in that state */
} History;

static void
history_free (History *history)
{
  g_array_unref (history->latencies);
  g_free (history->state);
  g_date_time_unref (history->since);
  g_free (history);
}

static void
update_history (DeckHealthWatch *self,
                GPtrArray       *after)
{
  g_autoptr(GHashTable) kept = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                      (GDestroyNotify) history_free);

  for (guint i = 0; i < after->len; i++)
    {
      const DeckHealthItem *item = g_ptr_array_index (after, i);
      g_autofree char *key = deck_health_item_dup_key (item);
      g_autofree char *old_key = NULL;
      History *history = NULL;

      /* Stolen, the table's key is ours to free. */
      if (!g_hash_table_steal_extended (self->history, key, (gpointer *) &old_key,
                                        (gpointer *) &history))
        {
          history = g_new0 (History, 1);
          history->latencies = g_array_new (FALSE, FALSE, sizeof (double));
        }
      if (g_strcmp0 (history->state, item->state) != 0)
        {
          g_free (history->state);
          history->state = g_strdup (item->state);
          g_clear_pointer (&history->since, g_date_time_unref);
          history->since = g_date_time_ref (self->read_time);
        }
      g_array_append_val (history->latencies, item->latency_ms);
      if (history->latencies->len > DECK_HEALTH_WATCH_HISTORY_LENGTH)
        g_array_remove_range (history->latencies, 0,
                              history->latencies->len - DECK_HEALTH_WATCH_HISTORY_LENGTH);
      g_hash_table_replace (kept, g_steal_pointer (&key), history);
    }
  /* What is no longer reported is forgotten. */
  g_clear_pointer (&self->history, g_hash_table_unref);
  self->history = g_steal_pointer (&kept);
}

static gboolean
instance_answered (GPtrArray  *items,
                   const char *instance_id)
{
  const DeckHealthItem *item = find_item (items, instance_id, NULL, NULL);

  return item != NULL && g_strcmp0 (item->state, "reachable") == 0;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/* The links that are unhealthy now, compared with those that were: a
 * signal for each that turned, in a stable order. */
static void
update_links (DeckHealthWatch *self,
              GPtrArray       *before,
              GPtrArray       *after,
              gint64           now)
{
  g_autoptr(GHashTable) unhealthy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                           (GDestroyNotify) deck_health_item_free);
  g_autoptr(GHashTable) old = NULL;
  g_autoptr(GPtrArray) gone_keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, value;

  /* A link's peer is known as an instance only while the peer answers:
   * the peer each link had is kept to know it when it does not. */
  for (guint i = 0; i < after->len; i++)
    {
      const DeckHealthItem *item = g_ptr_array_index (after, i);

      if (item->peer_id != NULL && item->peer_node != NULL)
        g_hash_table_replace (self->link_peers, link_key (item), g_strdup (item->peer_id));
    }
  for (guint i = 0; i < after->len; i++)
    {
      const DeckHealthItem *item = g_ptr_array_index (after, i);
      g_autofree char *lkey = NULL;
      const char *peer_id;
      const DeckHealthItem *peer_item;
      DeckHealthItem *bad = NULL;

      if (item->peer_node == NULL)
        continue;
      lkey = link_key (item);
      if (g_hash_table_contains (unhealthy, lkey))
        continue;
      peer_id = item->peer_id != NULL ? item->peer_id
                                      : g_hash_table_lookup (self->link_peers, lkey);
      peer_item = peer_id != NULL ? find_item (after, peer_id, NULL, NULL) : NULL;
      if (item_is_unhealthy (self, item, now))
        bad = deck_health_item_dup (item, NULL);
      else if (peer_item != NULL && g_strcmp0 (peer_item->state, "unreachable") == 0)
        bad = deck_health_item_dup (item, "peer-unreachable");
      if (bad == NULL)
        continue;
      if (peer_item != NULL)
        {
          g_free (bad->peer);
          bad->peer = g_strdup (peer_item->instance);
          g_free (bad->peer_id);
          bad->peer_id = g_strdup (peer_item->instance_id);
        }
      g_hash_table_insert (unhealthy, g_steal_pointer (&lkey), bad);
    }
  /* An instance that did not answer keeps its links' last health; so does
   * one that answers again after it did not, for this reading: its links
   * are reconnecting (Harper 4.4 reports them disconnected for a moment),
   * which is no news. */
  g_hash_table_iter_init (&iter, self->unhealthy);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const DeckHealthItem *item = value;

      if (find_item (after, item->instance_id, NULL, NULL) != NULL &&
          !instance_answered (after, item->instance_id) && !g_hash_table_contains (unhealthy, key))
        g_hash_table_insert (unhealthy, g_strdup (key), deck_health_item_dup (item, NULL));
    }
  for (guint i = 0; before != NULL && i < before->len; i++)
    {
      const DeckHealthItem *item = g_ptr_array_index (before, i);
      GHashTableIter links;

      if (item->peer_node != NULL || g_strcmp0 (item->state, "unreachable") != 0 ||
          !instance_answered (after, item->instance_id))
        continue;
      g_hash_table_iter_init (&links, unhealthy);
      while (g_hash_table_iter_next (&links, NULL, &value))
        if (g_strcmp0 (((DeckHealthItem *) value)->instance_id, item->instance_id) == 0)
          g_hash_table_iter_remove (&links);
      g_hash_table_iter_init (&links, self->unhealthy);
      while (g_hash_table_iter_next (&links, &key, &value))
        if (g_strcmp0 (((DeckHealthItem *) value)->instance_id, item->instance_id) == 0)
          g_hash_table_insert (unhealthy, g_strdup (key), deck_health_item_dup (value, NULL));
    }

  old = g_steal_pointer (&self->unhealthy);
  self->unhealthy = g_hash_table_ref (unhealthy);

  for (guint i = 0; i < after->len; i++)
    {
      const DeckHealthItem *item = g_ptr_array_index (after, i);
      g_autofree char *lkey = NULL;
      const DeckHealthItem *now_item;

      if (item->peer_node == NULL)
        continue;
      lkey = link_key (item);
      now_item = g_hash_table_lookup (unhealthy, lkey);
      /* Once per link: its first unhealthy item is the one kept. */
      if (now_item != NULL && deck_health_item_compare (&now_item, &item) == 0 &&
          !g_hash_table_contains (old, lkey))
        g_signal_emit (self, signals[SIGNAL_LINK_HEALTH_CHANGED], 0, now_item, FALSE);
    }
  g_hash_table_iter_init (&iter, old);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (unhealthy, key))
      g_ptr_array_add (gone_keys, key);
  g_ptr_array_sort (gone_keys, compare_strings);
  for (guint i = 0; i < gone_keys->len; i++)
    g_signal_emit (self, signals[SIGNAL_LINK_HEALTH_CHANGED], 0,
                   g_hash_table_lookup (old, g_ptr_array_index (gone_keys, i)), TRUE);
}

static gboolean
on_timeout (gpointer user_data)
{
  DeckHealthWatch *self = user_data;

  self->timeout_id = 0;
  read_now (self);
  return G_SOURCE_REMOVE;
}

/* A reading's own: a reading that was stopped (its cancellable cancelled)
 * is dropped, even when a new one started since. */
typedef struct
{
  DeckHealthWatch *self;
  GCancellable    *cancellable;
} Reading;

static void
reading_free (Reading *reading)
{
  g_object_unref (reading->self);
  g_object_unref (reading->cancellable);
  g_free (reading);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reading, reading_free)

static void
on_state_read (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Reading) reading = user_data;
  DeckHealthWatch *self = reading->self;
  g_autoptr(DeckClusterState) state = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  gint64 now;

  /* Only cancelling fails the read: stopped, nothing more to do. */
  state = deck_cluster_state_read_finish (result, NULL);
  if (state == NULL || g_cancellable_is_cancelled (reading->cancellable))
    return;
  g_clear_object (&self->cancellable);

  now = g_get_monotonic_time ();
  g_clear_pointer (&self->read_time, g_date_time_unref);
  self->read_time = g_date_time_new_now_utc ();
  after = deck_cluster_health_read (state);
  keep_gone_sockets (self->items, after);
  changes = deck_cluster_health_changes (self->items, after);
  update_catching_since (self, after, now);
  update_history (self, after);
  before = g_steal_pointer (&self->items);
  self->items = g_ptr_array_ref (after);
  self->n_readings++;

  for (guint i = 0; i < changes->len; i++)
    {
      const DeckHealthItem *change = g_ptr_array_index (changes, i);
      const DeckHealthItem *was = find_item (before, change->instance_id, change->peer_node,
                                             change->database);

      g_signal_emit (self, signals[SIGNAL_CHANGED], 0, was, change);
    }
  update_links (self, before, after, now);
  g_signal_emit (self, signals[SIGNAL_READ], 0);

  /* A handler may have stopped the watch. */
  if (self->started && self->timeout_id == 0)
    self->timeout_id = g_timeout_add_seconds (self->interval, on_timeout, self);
}

static void
read_now (DeckHealthWatch *self)
{
  g_autoptr(GPtrArray) instances = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         g_object_unref);
  Reading *reading;

  if (self->instances != NULL)
    for (guint i = 0; i < self->instances->len; i++)
      g_ptr_array_add (instances, g_object_ref (g_ptr_array_index (self->instances, i)));
  else
    {
      GListModel *orgs = deck_store_get_organizations (deck_context_get_store (self->context));

      for (guint i = 0; i < g_list_model_get_n_items (orgs); i++)
        {
          g_autoptr(DeckOrganization) org = g_list_model_get_item (orgs, i);
          GListModel *model = deck_organization_get_instances (org);

          for (guint j = 0; j < g_list_model_get_n_items (model); j++)
            g_ptr_array_add (instances, g_list_model_get_item (model, j));
        }
    }
  for (guint i = 0; i < instances->len; i++)
    {
      DeckInstance *instance = g_ptr_array_index (instances, i);
      HdbClient *client = deck_context_get_client (self->context, instance);

      /* Without a client (no password yet) the instance is unreadable. */
      if (client != NULL)
        g_hash_table_insert (clients, g_strdup (deck_instance_get_id (instance)),
                             g_object_ref (client));
    }
  reading = g_new0 (Reading, 1);
  reading->self = g_object_ref (self);
  reading->cancellable = g_cancellable_new ();
  self->cancellable = g_object_ref (reading->cancellable);
  deck_cluster_state_read_async (instances, clients, self->cancellable, on_state_read,
                                 reading);
}

/**
 * deck_health_watch_start:
 * @self: a watch
 *
 * Reads now, then every interval after each reading ends, until
 * deck_health_watch_stop(). Does nothing if it is started.
 */
void
deck_health_watch_start (DeckHealthWatch *self)
{
  g_return_if_fail (DECK_IS_HEALTH_WATCH (self));

  if (self->started)
    return;
  self->started = TRUE;
  read_now (self);
}

/**
 * deck_health_watch_stop:
 * @self: a watch
 *
 * Cancels the reading in flight and reads no more. The last reading and
 * the links' health stay as they were.
 */
void
deck_health_watch_stop (DeckHealthWatch *self)
{
  g_return_if_fail (DECK_IS_HEALTH_WATCH (self));

  self->started = FALSE;
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
}

gboolean
deck_health_watch_is_started (DeckHealthWatch *self)
{
  g_return_val_if_fail (DECK_IS_HEALTH_WATCH (self), FALSE);
  return self->started;
}

/**
 * deck_health_watch_set_interval:
 * @self: a watch
 * @seconds: seconds between the end of a reading and the next (at least 1)
 *
 * Takes effect at the next reading.
 */
void
deck_health_watch_set_interval (DeckHealthWatch *self,
                                guint            seconds)
{
  g_return_if_fail (DECK_IS_HEALTH_WATCH (self));
  self->interval = MAX (seconds, 1);
}

guint
deck_health_watch_get_interval (DeckHealthWatch *self)
{
  g_return_val_if_fail (DECK_IS_HEALTH_WATCH (self), 0);
  return self->interval;
}

/**
 * deck_health_watch_set_threshold:
 * @self: a watch
 * @seconds: how long a socket may catch up before its link is unhealthy
 *
 * Seen at readings: a link turns unhealthy at the first reading after the
 * threshold.
 */
void
deck_health_watch_set_threshold (DeckHealthWatch *self,
                                 guint            seconds)
{
  g_return_if_fail (DECK_IS_HEALTH_WATCH (self));
  self->threshold = seconds;
}

guint
deck_health_watch_get_threshold (DeckHealthWatch *self)
{
  g_return_val_if_fail (DECK_IS_HEALTH_WATCH (self), 0);
  return self->threshold;
}

/**
 * deck_health_watch_get_items:
 * @self: a watch
 *
 * Returns: (transfer none) (nullable) (element-type DeckHealthItem): the
 *   last reading, %NULL before the first
 */
GPtrArray *
deck_health_watch_get_items (DeckHealthWatch *self)
{
  g_return_val_if_fail (DECK_IS_HEALTH_WATCH (self), NULL);
  return self->items;
}

/**
 * deck_health_watch_get_read_time:
 * @self: a watch
 *
 * Returns: (transfer none) (nullable): when the last reading ended (UTC)
 */
GDateTime *
deck_health_watch_get_read_time (DeckHealthWatch *self)
{
  g_return_val_if_fail (DECK_IS_HEALTH_WATCH (self), NULL);
  return self->read_time;
}

guint
deck_health_watch_get_n_readings (DeckHealthWatch *self)
{
  g_return_val_if_fail (DECK_IS_HEALTH_WATCH (self), 0);
  return self->n_readings;
}

/**
 * deck_health_watch_get_unhealthy_link:
 * @self: a watch
 * @instance_id: an instance's id (deck_instance_get_id())
 *
 * Returns: (transfer none) (nullable): an unhealthy link of the instance
 *   (the first, by peer and database), %NULL when all are healthy
 */
const DeckHealthItem *
deck_health_watch_get_unhealthy_link (DeckHealthWatch *self,
                                      const char      *instance_id)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (DECK_IS_HEALTH_WATCH (self), NULL);

  g_hash_table_iter_init (&iter, self->unhealthy);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (g_strcmp0 (((DeckHealthItem *) value)->instance_id, instance_id) == 0)
      g_ptr_array_add (found, value);
  if (found->len == 0)
    return NULL;
  g_ptr_array_sort (found, deck_health_item_compare);
  return g_ptr_array_index (found, 0);
}

/**
 * deck_health_watch_get_link_problem:
 * @self: a watch
 * @instance_id: an instance's id (deck_instance_get_id())
 * @peer_node: the node name of its peer
 *
 * Returns: (transfer none) (nullable): the item that makes the instance's
 *   link to @peer_node unhealthy (as ::link-health-changed gave it), %NULL
 *   while the link is healthy
 */
const DeckHealthItem *
deck_health_watch_get_link_problem (DeckHealthWatch *self,
                                    const char      *instance_id,
                                    const char      *peer_node)
{
  DeckHealthItem like = { .instance_id = (char *) instance_id, .peer_node = (char *) peer_node };
  g_autofree char *key = NULL;

  g_return_val_if_fail (DECK_IS_HEALTH_WATCH (self), NULL);
  g_return_val_if_fail (instance_id != NULL && peer_node != NULL, NULL);

  key = link_key (&like);
  return g_hash_table_lookup (self->unhealthy, key);
}

/**
 * deck_health_watch_get_unhealthy:
 * @self: a watch
 * @instance_id: an instance's id (deck_instance_get_id())
 *
 * Returns: (transfer none) (nullable): why the instance is unhealthy: its
 *   own item when it did not answer the last reading, else an unhealthy
 *   link's; %NULL when it is healthy (or not read yet)
 */
const DeckHealthItem *
deck_health_watch_get_unhealthy (DeckHealthWatch *self,
                                 const char      *instance_id)
{
  const DeckHealthItem *item;

  g_return_val_if_fail (DECK_IS_HEALTH_WATCH (self), NULL);

  item = find_item (self->items, instance_id, NULL, NULL);
  if (item != NULL && g_strcmp0 (item->state, "unreachable") == 0)
    return item;
  return deck_health_watch_get_unhealthy_link (self, instance_id);
}

/**
 * deck_health_item_describe_link:
 * @item: a link's item
 *
 * Returns: (transfer full): the link and its state in words, for a
 *   tooltip or a notification
 */
char *
deck_health_item_describe_link (const DeckHealthItem *item)
{
  const char *peer = item->peer != NULL ? item->peer : item->peer_node;

  g_return_val_if_fail (peer != NULL, NULL);

  if (g_strcmp0 (item->state, "catching-up") == 0)
    return item->database != NULL
           ? g_strdup_printf (_("The link from %s to %s has been catching up on %s for too long"),
                              item->instance, peer, item->database)
           : g_strdup_printf (_("The link from %s to %s has been catching up for too long"),
                              item->instance, peer);
  if (g_strcmp0 (item->state, "peer-unreachable") == 0)
    return g_strdup_printf (_("The link from %s to %s is down: %s does not answer"),
                            item->instance, peer, peer);
  if (g_strcmp0 (item->state, "gone") == 0 && item->database != NULL)
    return g_strdup_printf (_("The link from %s to %s no longer replicates %s"),
                            item->instance, peer, item->database);
  return item->database != NULL
         ? g_strdup_printf (_("The link from %s to %s is disconnected (%s)"),
                            item->instance, peer, item->database)
         : g_strdup_printf (_("The link from %s to %s is disconnected"), item->instance, peer);
}

static void
deck_health_watch_dispose (GObject *object)
{
  DeckHealthWatch *self = DECK_HEALTH_WATCH (object);

  deck_health_watch_stop (self);
  g_clear_pointer (&self->instances, g_ptr_array_unref);

  G_OBJECT_CLASS (deck_health_watch_parent_class)->dispose (object);
}

static void
deck_health_watch_finalize (GObject *object)
{
  DeckHealthWatch *self = DECK_HEALTH_WATCH (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->catching_since, g_hash_table_unref);
  g_clear_pointer (&self->history, g_hash_table_unref);
  g_clear_pointer (&self->unhealthy, g_hash_table_unref);
  g_clear_pointer (&self->link_peers, g_hash_table_unref);
  g_clear_pointer (&self->read_time, g_date_time_unref);

  G_OBJECT_CLASS (deck_health_watch_parent_class)->finalize (object);
}

static void
deck_health_watch_class_init (DeckHealthWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = deck_health_watch_dispose;
  object_class->finalize = deck_health_watch_finalize;

  /**
   * DeckHealthWatch::changed:
   * @self: the watch
   * @before: (nullable) (type gpointer): the item's previous DeckHealthItem,
   *   %NULL when it is new
   * @after: (type gpointer): the DeckHealthItem now (`gone` when no longer
   *   reported)
   *
   * An item changed state at a reading (the first reading: all are new).
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_POINTER);

  /**
   * DeckHealthWatch::link-health-changed:
   * @self: the watch
   * @item: (type gpointer): the link's DeckHealthItem: the unhealthy one
   *   (when @healthy is %FALSE), or the one it had been (when %TRUE); its
   *   state `peer-unreachable` when the link itself looked well but its
   *   peer did not answer
   * @healthy: whether the link is healthy now
   *
   * A link turned unhealthy, or healthy again.
   */
  signals[SIGNAL_LINK_HEALTH_CHANGED] =
    g_signal_new ("link-health-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_BOOLEAN);

  /**
   * DeckHealthWatch::read:
   * @self: the watch
   *
   * A reading ended (after its ::changed and ::link-health-changed).
   */
  signals[SIGNAL_READ] =
    g_signal_new ("read", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
deck_health_watch_init (DeckHealthWatch *self)
{
  self->interval = DECK_HEALTH_WATCH_DEFAULT_INTERVAL;
  self->threshold = DECK_HEALTH_WATCH_DEFAULT_THRESHOLD;
  self->catching_since = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->history = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) history_free);
  self->unhealthy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) deck_health_item_free);
  self->link_peers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/**
 * deck_health_watch_new:
 * @context: the context whose clients read the instances; it must outlive
 *   the watch
 * @instances: (nullable) (element-type DeckInstance): the instances to
 *   watch; %NULL for every instance of the store, as it is at each reading
 *
 * Returns: (transfer full): a new watch, not started
 */
DeckHealthWatch *
deck_health_watch_new (DeckContext *context,
                       GPtrArray   *instances)
{
  DeckHealthWatch *self;

  g_return_val_if_fail (DECK_IS_CONTEXT (context), NULL);

  self = g_object_new (DECK_TYPE_HEALTH_WATCH, NULL);
  self->context = context;
  if (instances != NULL)
    {
      self->instances = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < instances->len; i++)
        g_ptr_array_add (self->instances, g_object_ref (g_ptr_array_index (instances, i)));
    }
  return self;
}

/**
 * deck_health_watch_get_latency_history:
 * @self: a watch
 * @item: an item of its last reading
 * @n_values: (out): how many values there are
 *
 * The latency @item's link or socket reported at each of the last
 * readings (up to %DECK_HEALTH_WATCH_HISTORY_LENGTH), oldest first; a
 * value below 0 is a reading that reported none (disconnected, catching
 * up, or an instance that did not answer).
 *
 * Returns: (array length=n_values) (nullable): the values, valid until the
 *   next reading; %NULL when @item is not in the last reading
 */
const double *
deck_health_watch_get_latency_history (DeckHealthWatch      *self,
                                       const DeckHealthItem *item,
                                       guint                *n_values)
{
  g_autofree char *key = NULL;
  History *history;

  g_return_val_if_fail (DECK_IS_HEALTH_WATCH (self), NULL);
  g_return_val_if_fail (item != NULL && n_values != NULL, NULL);

  key = deck_health_item_dup_key (item);
  history = g_hash_table_lookup (self->history, key);
  *n_values = history != NULL ? history->latencies->len : 0;
  return history != NULL ? (const double *) (gpointer) history->latencies->data : NULL;
}

/**
 * deck_health_watch_get_state_since:
 * @self: a watch
 * @item: an item of its last reading
 *
 * Returns: (transfer none) (nullable): the time of the first reading that
 *   saw @item in its present state (as far back as the watch has read),
 *   or %NULL when @item is not in the last reading
 */
GDateTime *
deck_health_watch_get_state_since (DeckHealthWatch      *self,
                                   const DeckHealthItem *item)
{
  g_autofree char *key = NULL;
  History *history;

  g_return_val_if_fail (DECK_IS_HEALTH_WATCH (self), NULL);
  g_return_val_if_fail (item != NULL, NULL);

  key = deck_health_item_dup_key (item);
  history = g_hash_table_lookup (self->history, key);
  return history != NULL ? history->since : NULL;
}
