/* deck-map-live.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cluster map of an organization, kept live: the state is read as
 * `clusterdeck-cli map` reads it (deck_context_read_cluster_async()), which
 * gives the map's nodes, edges and layout; then, at every reading of the
 * health watch (deck_context_get_health_watch()), the nodes' and edges'
 * health follows what the watch says. A link the watch holds unhealthy (a
 * socket disconnected, catching up too long, or its peer not answering)
 * shows disconnected or catching up; an instance that does not answer shows
 * unreachable; both return to what the watch reads once it is well again.
 * Only the health changes: the nodes, the edges and their places stay those
 * of the reading, so that the picture does not move. An instance that did
 * not answer when the state was read and answers now has links the map
 * does not know: the state is read again then.
 *
 * The window (DeckMapWindow) and its picture (DeckClusterMap) only observe
 * ::changed.
 */

#define G_LOG_DOMAIN "deck-map-live"

#include "config.h"

#include "deck-map-live.h"

struct _DeckMapLive
{
  GObject           parent_instance;

  /* Owned */
  DeckContext      *context;
  DeckOrganization *organization;
  DeckHealthWatch  *watch;          /* nullable */
  DeckMapModel     *model;          /* nullable before the first reading */
  GCancellable     *cancellable;    /* the state read in flight */
  gulong            read_handler;
  guint             reread_at;      /* the watch's reading that asked for the last re-read */
};

G_DEFINE_FINAL_TYPE (DeckMapLive, deck_map_live, G_TYPE_OBJECT)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const DeckHealthItem *
find_item (GPtrArray  *items,
           const char *instance_id,
           const char *peer_node)
{
  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      const DeckHealthItem *item = g_ptr_array_index (items, i);

      if (g_strcmp0 (item->instance_id, instance_id) == 0 &&
          g_strcmp0 (item->peer_node, peer_node) == 0)
        return item;
    }
  return NULL;
}

/* What the instance at @here says of its link to @there now, or FALSE
 * when it says nothing (it does not answer, or @there's node name is not
 * known). A link the watch holds unhealthy is disconnected, or catching up
 * when that is why; a healthy one is catching up while a socket is,
 * connected otherwise. */
static gboolean
end_health (DeckHealthWatch   *watch,
            const DeckMapNode *here,
            const DeckMapNode *there,
            DeckMapHealth     *health)
{
  GPtrArray *items = deck_health_watch_get_items (watch);
  const char *peer_node = there->node_name;
  const DeckHealthItem *problem;
  gboolean reported = FALSE;

  if (here->instance_id == NULL || peer_node == NULL)
    return FALSE;
  problem = deck_health_watch_get_link_problem (watch, here->instance_id, peer_node);
  if (problem != NULL)
    {
      *health = g_strcmp0 (problem->state, "catching-up") == 0 ? DECK_MAP_HEALTH_CATCHING_UP
                                                                : DECK_MAP_HEALTH_DISCONNECTED;
      return TRUE;
    }
  *health = DECK_MAP_HEALTH_CONNECTED;
  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      const DeckHealthItem *item = g_ptr_array_index (items, i);

      if (g_strcmp0 (item->instance_id, here->instance_id) != 0 ||
          g_strcmp0 (item->peer_node, peer_node) != 0)
        continue;
      reported = TRUE;
      if (g_strcmp0 (item->state, "catching-up") == 0)
        *health = DECK_MAP_HEALTH_CATCHING_UP;
    }
  return reported;
}

/**
 * deck_map_live_apply:
 * @self: a live map
 *
 * Sets the health of the map's nodes and edges from the watch's last
 * reading (what the watch does not read keeps the health read with the
 * state). Done at each of the watch's readings; public for the tests.
 *
 * Returns: whether a node or an edge changed its health
 */
gboolean
deck_map_live_apply (DeckMapLive *self)
{
  DeckMapModel *map = self->model;
  GPtrArray *items;
  gboolean changed = FALSE, reread = FALSE;

  g_return_val_if_fail (DECK_IS_MAP_LIVE (self), FALSE);

  if (map == NULL || self->watch == NULL ||
      (items = deck_health_watch_get_items (self->watch)) == NULL)
    return FALSE;

  for (guint i = 0; i < map->nodes->len; i++)
    {
      DeckMapNode *node = g_ptr_array_index (map->nodes, i);
      const DeckHealthItem *item;
      DeckMapHealth health = node->read_health;

      if (node->instance_id == NULL || (item = find_item (items, node->instance_id, NULL)) == NULL)
        continue;
      if (g_strcmp0 (item->state, "unreachable") == 0)
        health = DECK_MAP_HEALTH_UNREACHABLE;
      else if (node->read_health == DECK_MAP_HEALTH_UNREACHABLE)
        reread = TRUE;
      changed |= node->health != health;
      node->health = health;
    }
  for (guint i = 0; i < map->edges->len; i++)
    {
      DeckMapEdge *edge = g_ptr_array_index (map->edges, i);
      const DeckMapNode *a = g_ptr_array_index (map->nodes, edge->a);
      const DeckMapNode *b = g_ptr_array_index (map->nodes, edge->b);
      DeckMapHealth health = DECK_MAP_HEALTH_CONNECTED, one;
      gboolean known = FALSE;

      if (end_health (self->watch, a, b, &one))
        {
          health = MAX (health, one);
          known = TRUE;
        }
      if (end_health (self->watch, b, a, &one))
        {
          health = MAX (health, one);
          known = TRUE;
        }
      /* Neither end said anything of the link: as read. */
      if (!known)
        health = edge->read_health;
      changed |= edge->health != health;
      edge->health = health;
    }

  /* Once per reading of the watch at most, so that an instance that
   * answers the watch but not the map's reading is not read in a loop. */
  if (reread && self->cancellable == NULL &&
      self->reread_at != deck_health_watch_get_n_readings (self->watch))
    {
      self->reread_at = deck_health_watch_get_n_readings (self->watch);
      g_debug ("an instance answers that did not when the map was read: reading it again");
      deck_map_live_reload (self);
    }
  return changed;
}

static void
on_watch_read (DeckMapLive *self)
{
  if (deck_map_live_apply (self))
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0, FALSE);
}

static void
on_state_read (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(DeckMapLive) self = user_data;
  g_autoptr(DeckClusterState) state = NULL;
  g_autoptr(GError) error = NULL;

  state = deck_context_read_cluster_finish (DECK_CONTEXT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  if (state == NULL)
    {
      g_warning ("The cluster state could not be read: %s", error->message);
      return;
    }
  g_clear_pointer (&self->model, deck_map_model_free);
  self->model = deck_map_model_new (state);
  deck_map_live_apply (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, TRUE);
}

/**
 * deck_map_live_reload:
 * @self: a live map
 *
 * Reads the organization's state again (every instance at once), and
 * makes a new map of it; ::changed says when it is there.
 */
void
deck_map_live_reload (DeckMapLive *self)
{
  g_return_if_fail (DECK_IS_MAP_LIVE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  deck_context_read_cluster_async (self->context, self->organization, self->cancellable,
                                   on_state_read, g_object_ref (self));
}

/**
 * deck_map_live_get_model:
 * @self: a live map
 *
 * Returns: (transfer none) (nullable): the map, %NULL before the first
 *   reading; it stays valid until the next ::changed that says it is new
 */
DeckMapModel *
deck_map_live_get_model (DeckMapLive *self)
{
  g_return_val_if_fail (DECK_IS_MAP_LIVE (self), NULL);
  return self->model;
}

/**
 * deck_map_live_stop:
 * @self: a live map
 *
 * Cancels the reading in flight (which holds a reference) and follows the
 * watch no more: what the window does when it closes. The map stays.
 */
void
deck_map_live_stop (DeckMapLive *self)
{
  g_return_if_fail (DECK_IS_MAP_LIVE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->watch != NULL)
    g_clear_signal_handler (&self->read_handler, self->watch);
}

static void
deck_map_live_dispose (GObject *object)
{
  DeckMapLive *self = DECK_MAP_LIVE (object);

  deck_map_live_stop (self);
  g_clear_object (&self->watch);
  g_clear_object (&self->organization);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (deck_map_live_parent_class)->dispose (object);
}

static void
deck_map_live_finalize (GObject *object)
{
  DeckMapLive *self = DECK_MAP_LIVE (object);

  g_clear_pointer (&self->model, deck_map_model_free);

  G_OBJECT_CLASS (deck_map_live_parent_class)->finalize (object);
}

static void
deck_map_live_class_init (DeckMapLiveClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = deck_map_live_dispose;
  object_class->finalize = deck_map_live_finalize;

  /**
   * DeckMapLive::changed:
   * @self: the live map
   * @new_map: %TRUE when the state was read again and the map is a new
   *   one (its nodes and edges may differ); %FALSE when only the health
   *   of some changed
   *
   * The map changed.
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
deck_map_live_init (DeckMapLive *self)
{
  self->reread_at = G_MAXUINT;
}

/**
 * deck_map_live_new:
 * @context: the context whose clients read the instances
 * @organization: the organization drawn
 * @watch: (nullable): the health watch the map follows (it is not started
 *   here: the application runs it); %NULL for a map as read
 *
 * Returns: (transfer full): a new live map, with no map until
 *   deck_map_live_reload() has read the state
 */
DeckMapLive *
deck_map_live_new (DeckContext      *context,
                   DeckOrganization *organization,
                   DeckHealthWatch  *watch)
{
  DeckMapLive *self;

  g_return_val_if_fail (DECK_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (DECK_IS_ORGANIZATION (organization), NULL);
  g_return_val_if_fail (watch == NULL || DECK_IS_HEALTH_WATCH (watch), NULL);

  self = g_object_new (DECK_TYPE_MAP_LIVE, NULL);
  self->context = g_object_ref (context);
  self->organization = g_object_ref (organization);
  if (watch != NULL)
    {
      self->watch = g_object_ref (watch);
      self->read_handler = g_signal_connect_swapped (watch, "read", G_CALLBACK (on_watch_read),
                                                     self);
    }
  return self;
}
