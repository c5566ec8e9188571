/* deck-peer-list.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The peers of one instance, as its management screen lists them: the
 * instances of its organization it has a connection with (connected), the
 * ones it has none with (unconnected), and the nodes it is connected to
 * that are not in the organization (unregistered). Each is a DeckPeerItem that
 * says what can be done with it and what is wrong with its connection.
 *
 * The classification reads the instance's cluster status and the live state
 * of the organization's instances (as the instance monitor last saw them);
 * it sends nothing. The list is a GListModel that the connections view
 * binds, one filtered view per group; deck_peer_list_update() replaces its
 * items, in the order: connected and unregistered as cluster_status lists
 * their connections, then unconnected as the organization sorts them.
 */

#define G_LOG_DOMAIN "deck-peer-list"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "deck-peer-list.h"

struct _DeckPeerList
{
  GObject    parent_instance;

  GPtrArray *peers;   /* DeckPeerItem, owned */
};

static void deck_peer_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DeckPeerList, deck_peer_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, deck_peer_list_model_init))

enum {
  PROP_0,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* GListModel ---------------------------------------------------------------- */

static GType
deck_peer_list_get_item_type (GListModel *model)
{
  return DECK_TYPE_PEER_ITEM;
}

static guint
deck_peer_list_get_n_items (GListModel *model)
{
  return DECK_PEER_LIST (model)->peers->len;
}

static gpointer
deck_peer_list_get_item (GListModel *model,
                         guint       position)
{
  DeckPeerList *self = DECK_PEER_LIST (model);

  if (position >= self->peers->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->peers, position));
}

static void
deck_peer_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = deck_peer_list_get_item_type;
  iface->get_n_items = deck_peer_list_get_n_items;
  iface->get_item = deck_peer_list_get_item;
}

/* Classifying ---------------------------------------------------------------- */

/* What a connection's state says (the summary), and what is wrong with it
 * if anything (@problem, or %NULL). */
static char *
describe_connection (const HdbConnection  *conn,
                     char                **problem)
{
  GString *text = g_string_new (NULL);
  GString *trouble = g_string_new (NULL);

  if (conn->status != NULL)
    {
      g_string_append_printf (text, _("NATS: %s"), conn->status);
      if (conn->latency_ms >= 0)
        g_string_append_printf (text, _(" · %.0f ms"), conn->latency_ms);
      if (g_strcmp0 (conn->status, "open") != 0)
        g_string_append_printf (trouble, _("The NATS connection is %s. Check that the peer "
                                           "runs and that its routes are set."), conn->status);
    }
  else if (conn->database_sockets->len == 0)
    {
      g_string_append (text, _("Connecting…"));
      g_string_append (trouble, _("No database connection is open yet. Harper opens them "
                                  "shortly after connecting; if it stays like this, the peer "
                                  "may refuse the cluster user’s login."));
    }
  else
    {
      for (guint i = 0; i < conn->database_sockets->len; i++)
        {
          const HdbDatabaseSocket *s = g_ptr_array_index (conn->database_sockets, i);
          const char *state;

          if (!s->connected)
            {
              state = _("not connected");
              g_string_append_printf (trouble, _("Database “%s” is not connected. "), s->database);
            }
          else if (s->catching_up_from != NULL && g_strcmp0 (s->catching_up_from, "up-to-date") != 0)
            state = _("catching up");
          else
            state = _("connected");

          if (i > 0)
            g_string_append (text, ", ");
          if (s->latency >= 0 && s->connected)
            g_string_append_printf (text, "%s %s (%.1f ms)", s->database, state, s->latency);
          else
            g_string_append_printf (text, "%s %s", s->database, state);
        }
      if (trouble->len > 0)
        g_string_append (trouble, _("Harper keeps retrying. Check that the peer runs and that "
                                    "the cluster user has the same password on both instances."));
    }

  if (conn->replicates)
    g_string_append (text, _(" · full replication"));

  *problem = trouble->len > 0 ? g_string_free (trouble, FALSE)
                              : (g_string_free (trouble, TRUE), NULL);
  return g_string_free (text, FALSE);
}

/* The port of @uri, or its scheme's default. */
static int
uri_port (GUri *uri)
{
  int port = g_uri_get_port (uri);

  if (port > 0)
    return port;
  return g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;
}

/* Whether @a and @b are the same server registered twice (for example once
 * with a super user's login and once with a reader's): the same node name,
 * or the same scheme, host and port. Such an instance is no peer of the
 * other: Harper connects a node to others, never to itself. */
static gboolean
same_server (DeckInstance *a,
             DeckInstance *b)
{
  const char *node_a = deck_instance_get_node_name (a);
  const char *node_b = deck_instance_get_node_name (b);
  g_autoptr(GUri) uri_a = NULL;
  g_autoptr(GUri) uri_b = NULL;

  if (node_a != NULL && node_b != NULL)
    return g_strcmp0 (node_a, node_b) == 0;
  uri_a = g_uri_parse (deck_instance_get_url (a), G_URI_FLAGS_NONE, NULL);
  uri_b = g_uri_parse (deck_instance_get_url (b), G_URI_FLAGS_NONE, NULL);
  if (uri_a == NULL || uri_b == NULL || g_uri_get_host (uri_a) == NULL ||
      g_uri_get_host (uri_b) == NULL)
    return FALSE;
  return g_ascii_strcasecmp (g_uri_get_scheme (uri_a), g_uri_get_scheme (uri_b)) == 0 &&
         g_ascii_strcasecmp (g_uri_get_host (uri_a), g_uri_get_host (uri_b)) == 0 &&
         uri_port (uri_a) == uri_port (uri_b);
}

/* The instance of the organization (other than @self_instance) whose node
 * name is @node_name, or %NULL */
static DeckInstance *
find_instance_by_node (GListModel   *instances,
                       DeckInstance *self_instance,
                       const char   *node_name)
{
  for (guint i = 0; instances != NULL && i < g_list_model_get_n_items (instances); i++)
    {
      g_autoptr(DeckInstance) other = g_list_model_get_item (instances, i);

      if (other != self_instance &&
          g_strcmp0 (deck_instance_get_node_name (other), node_name) == 0)
        return other;   /* the organization holds it */
    }
  return NULL;
}

static DeckPeerItem *
linked_peer (DeckInstance        *peer_instance,
             const HdbConnection *conn)
{
  g_autofree char *problem = NULL;
  g_autofree char *state = describe_connection (conn, &problem);
  g_autofree char *summary = NULL;

  /* A node outside the organization is known only by its address. */
  if (peer_instance == NULL)
    summary = g_strdup_printf ("%s · %s", conn->url != NULL ? conn->url : conn->name, state);

  return g_object_new (DECK_TYPE_PEER_ITEM,
                       "group", peer_instance != NULL ? DECK_PEER_GROUP_CONNECTED
                                                      : DECK_PEER_GROUP_UNREGISTERED,
                       "state", DECK_PEER_STATE_LINKED,
                       "instance", peer_instance,
                       "name", peer_instance != NULL ? deck_instance_get_name (peer_instance)
                                                     : conn->name,
                       "node-name", conn->name,
                       "url", conn->url,
                       "summary", summary != NULL ? summary : state,
                       "problem", problem,
                       "replicates", conn->replicates,
                       NULL);
}

static DeckPeerItem *
unconnected_peer (DeckInstance *self_instance,
                  DeckInstance *other)
{
  HdbEngine own_engine = deck_instance_get_engine (self_instance);
  g_autofree char *summary = NULL;
  DeckPeerState state;

  if (deck_instance_get_status (other) != DECK_INSTANCE_STATUS_REACHABLE)
    {
      state = DECK_PEER_STATE_UNREACHABLE;
      summary = g_strdup (_("Not reachable now"));
    }
  else if (deck_instance_get_engine (other) == HDB_ENGINE_NONE)
    {
      state = DECK_PEER_STATE_NOT_ENABLED;
      summary = g_strdup (_("Clustering is not enabled on this instance"));
    }
  else if (deck_instance_get_engine (other) != own_engine ||
           deck_instance_get_restart_pending (other) ||
           deck_instance_get_node_name (other) == NULL)
    {
      state = DECK_PEER_STATE_INCOMPATIBLE;
      summary = g_strdup (_("Uses another replication engine, or has not restarted yet"));
    }
  else
    {
      state = DECK_PEER_STATE_CONNECTABLE;
      /* Translators: a node name */
      summary = g_strdup_printf (_("Node “%s”"), deck_instance_get_node_name (other));
    }

  return g_object_new (DECK_TYPE_PEER_ITEM,
                       "group", DECK_PEER_GROUP_UNCONNECTED,
                       "state", state,
                       "instance", other,
                       "name", deck_instance_get_name (other),
                       "node-name", deck_instance_get_node_name (other),
                       "summary", summary,
                       NULL);
}

static void
replace_peers (DeckPeerList *self,
               GPtrArray    *peers)
{
  guint removed = self->peers->len;

  g_ptr_array_unref (self->peers);
  self->peers = peers;
  if (removed == 0 && peers->len == 0)
    return;
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, peers->len);
  if (removed != peers->len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/* Object ------------------------------------------------------------------- */

static void
deck_peer_list_finalize (GObject *object)
{
  DeckPeerList *self = DECK_PEER_LIST (object);

  g_clear_pointer (&self->peers, g_ptr_array_unref);

  G_OBJECT_CLASS (deck_peer_list_parent_class)->finalize (object);
}

static void
deck_peer_list_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  DeckPeerList *self = DECK_PEER_LIST (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->peers->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_peer_list_class_init (DeckPeerListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = deck_peer_list_finalize;
  object_class->get_property = deck_peer_list_get_property;

  /**
   * DeckPeerList:n-items:
   *
   * The number of peers, for bindings and expressions.
   */
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
deck_peer_list_init (DeckPeerList *self)
{
  self->peers = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * deck_peer_list_new:
 *
 * Returns: (transfer full): an empty list
 */
DeckPeerList *
deck_peer_list_new (void)
{
  return g_object_new (DECK_TYPE_PEER_LIST, NULL);
}

/**
 * deck_peer_list_update:
 * @self: a peer list
 * @instance: the instance whose peers these are
 * @instances: (nullable) (element-type DeckInstance): the instances of its
 *   organization (@instance among them), with their live state
 * @status: (nullable): its cluster status; %NULL while it is not read (or
 *   could not be), which lists every other instance as unconnected
 *
 * Classifies the peers of @instance again and replaces the list's items.
 * A connection to the instance itself, or one without a name, is no peer;
 * nor is the same server registered again under another login.
 */
void
deck_peer_list_update (DeckPeerList           *self,
                       DeckInstance           *instance,
                       GListModel             *instances,
                       const HdbClusterStatus *status)
{
  g_autoptr(GPtrArray) connected = g_ptr_array_new ();   /* DeckInstance, borrowed */
  GPtrArray *peers;

  g_return_if_fail (DECK_IS_PEER_LIST (self));
  g_return_if_fail (DECK_IS_INSTANCE (instance));
  g_return_if_fail (instances == NULL || G_IS_LIST_MODEL (instances));

  peers = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; status != NULL && i < status->connections->len; i++)
    {
      const HdbConnection *conn = g_ptr_array_index (status->connections, i);
      DeckInstance *peer_instance;

      if (conn->name == NULL ||
          g_strcmp0 (conn->name, deck_instance_get_node_name (instance)) == 0)
        continue;
      peer_instance = find_instance_by_node (instances, instance, conn->name);
      if (peer_instance != NULL)
        g_ptr_array_add (connected, peer_instance);
      g_ptr_array_add (peers, linked_peer (peer_instance, conn));
    }

  for (guint i = 0; instances != NULL && i < g_list_model_get_n_items (instances); i++)
    {
      g_autoptr(DeckInstance) other = g_list_model_get_item (instances, i);

      if (other == instance || g_ptr_array_find (connected, other, NULL) ||
          same_server (instance, other))
        continue;
      g_ptr_array_add (peers, unconnected_peer (instance, other));
    }

  replace_peers (self, peers);
}

/**
 * deck_peer_list_clear:
 * @self: a peer list
 *
 * Removes every peer (no instance shown).
 */
void
deck_peer_list_clear (DeckPeerList *self)
{
  g_return_if_fail (DECK_IS_PEER_LIST (self));

  replace_peers (self, g_ptr_array_new_with_free_func (g_object_unref));
}

/**
 * deck_peer_list_count:
 * @self: a peer list
 * @group: a group
 *
 * Returns: how many peers @group lists
 */
guint
deck_peer_list_count (DeckPeerList  *self,
                      DeckPeerGroup  group)
{
  guint n = 0;

  g_return_val_if_fail (DECK_IS_PEER_LIST (self), 0);

  for (guint i = 0; i < self->peers->len; i++)
    n += deck_peer_item_get_group (g_ptr_array_index (self->peers, i)) == group;
  return n;
}

/**
 * deck_peer_list_find_node:
 * @self: a peer list
 * @node_name: a node name
 *
 * Returns: (nullable) (transfer none): the peer connected under
 *   @node_name (connected or unregistered), else an unconnected instance
 *   with that node name
 */
DeckPeerItem *
deck_peer_list_find_node (DeckPeerList *self,
                          const char   *node_name)
{
  DeckPeerItem *unconnected = NULL;

  g_return_val_if_fail (DECK_IS_PEER_LIST (self), NULL);

  if (node_name == NULL)
    return NULL;
  for (guint i = 0; i < self->peers->len; i++)
    {
      DeckPeerItem *peer = g_ptr_array_index (self->peers, i);

      if (g_strcmp0 (deck_peer_item_get_node_name (peer), node_name) != 0)
        continue;
      if (deck_peer_item_get_state (peer) == DECK_PEER_STATE_LINKED)
        return peer;
      if (unconnected == NULL)
        unconnected = peer;
    }
  return unconnected;
}

/**
 * deck_peer_list_find_instance:
 * @self: a peer list
 * @instance_id: an instance's id
 *
 * Returns: (nullable) (transfer none): the peer that is the organization's
 *   instance @instance_id
 */
DeckPeerItem *
deck_peer_list_find_instance (DeckPeerList *self,
                              const char   *instance_id)
{
  g_return_val_if_fail (DECK_IS_PEER_LIST (self), NULL);

  for (guint i = 0; instance_id != NULL && i < self->peers->len; i++)
    {
      DeckPeerItem *peer = g_ptr_array_index (self->peers, i);

      if (deck_peer_item_get_instance (peer) != NULL &&
          g_strcmp0 (deck_instance_get_id (deck_peer_item_get_instance (peer)), instance_id) == 0)
        return peer;
    }
  return NULL;
}
