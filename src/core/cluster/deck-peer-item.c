/* deck-peer-item.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One peer on an instance's management screen, as DeckPeerList classified
 * it: which group it is listed in, what can be done with it, and what a
 * row says about it. A peer is made whole (g_object_new() with its
 * construct-only properties) and never changes: reading the cluster status
 * again makes new ones.
 */

#define G_LOG_DOMAIN "deck-peer-item"

#include "config.h"

#include "deck-peer-item.h"

struct _DeckPeerItem
{
  GObject        parent_instance;

  DeckPeerGroup  group;
  DeckPeerState  state;
  DeckInstance  *instance;     /* owned; NULL for an unregistered node */
  char          *name;         /* the instance's name, or the node name */
  char          *node_name;    /* nullable: an instance not enabled has none */
  char          *url;          /* nullable: the connection's replication URL */
  char          *summary;      /* what a row says under the name */
  char          *problem;      /* nullable: what is wrong with the connection */
  gboolean       replicates;   /* full replication */
};

G_DEFINE_FINAL_TYPE (DeckPeerItem, deck_peer_item, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (DeckPeerGroup, deck_peer_group,
  G_DEFINE_ENUM_VALUE (DECK_PEER_GROUP_CONNECTED, "connected"),
  G_DEFINE_ENUM_VALUE (DECK_PEER_GROUP_UNCONNECTED, "unconnected"),
  G_DEFINE_ENUM_VALUE (DECK_PEER_GROUP_UNREGISTERED, "unregistered"))

G_DEFINE_ENUM_TYPE (DeckPeerState, deck_peer_state,
  G_DEFINE_ENUM_VALUE (DECK_PEER_STATE_LINKED, "linked"),
  G_DEFINE_ENUM_VALUE (DECK_PEER_STATE_CONNECTABLE, "connectable"),
  G_DEFINE_ENUM_VALUE (DECK_PEER_STATE_UNREACHABLE, "unreachable"),
  G_DEFINE_ENUM_VALUE (DECK_PEER_STATE_NOT_ENABLED, "not-enabled"),
  G_DEFINE_ENUM_VALUE (DECK_PEER_STATE_INCOMPATIBLE, "incompatible"))

enum {
  PROP_0,
  PROP_GROUP,
  PROP_STATE,
  PROP_INSTANCE,
  PROP_NAME,
  PROP_NODE_NAME,
  PROP_URL,
  PROP_SUMMARY,
  PROP_PROBLEM,
  PROP_REPLICATES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
deck_peer_item_finalize (GObject *object)
{
  DeckPeerItem *self = DECK_PEER_ITEM (object);

  g_clear_object (&self->instance);
  g_free (self->name);
  g_free (self->node_name);
  g_free (self->url);
  g_free (self->summary);
  g_free (self->problem);

  G_OBJECT_CLASS (deck_peer_item_parent_class)->finalize (object);
}

static void
deck_peer_item_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  DeckPeerItem *self = DECK_PEER_ITEM (object);

  switch (prop_id)
    {
    case PROP_GROUP:
      g_value_set_enum (value, self->group);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_INSTANCE:
      g_value_set_object (value, self->instance);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_NODE_NAME:
      g_value_set_string (value, self->node_name);
      break;
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_SUMMARY:
      g_value_set_string (value, self->summary);
      break;
    case PROP_PROBLEM:
      g_value_set_string (value, self->problem);
      break;
    case PROP_REPLICATES:
      g_value_set_boolean (value, self->replicates);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_peer_item_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  DeckPeerItem *self = DECK_PEER_ITEM (object);

  switch (prop_id)
    {
    case PROP_GROUP:
      self->group = g_value_get_enum (value);
      break;
    case PROP_STATE:
      self->state = g_value_get_enum (value);
      break;
    case PROP_INSTANCE:
      self->instance = g_value_dup_object (value);
      break;
    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;
    case PROP_NODE_NAME:
      self->node_name = g_value_dup_string (value);
      break;
    case PROP_URL:
      self->url = g_value_dup_string (value);
      break;
    case PROP_SUMMARY:
      self->summary = g_value_dup_string (value);
      break;
    case PROP_PROBLEM:
      self->problem = g_value_dup_string (value);
      break;
    case PROP_REPLICATES:
      self->replicates = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_peer_item_class_init (DeckPeerItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = deck_peer_item_finalize;
  object_class->get_property = deck_peer_item_get_property;
  object_class->set_property = deck_peer_item_set_property;

  properties[PROP_GROUP] =
    g_param_spec_enum ("group", NULL, NULL, DECK_TYPE_PEER_GROUP, DECK_PEER_GROUP_CONNECTED, flags);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, DECK_TYPE_PEER_STATE, DECK_PEER_STATE_LINKED, flags);
  properties[PROP_INSTANCE] =
    g_param_spec_object ("instance", NULL, NULL, DECK_TYPE_INSTANCE, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_NODE_NAME] = g_param_spec_string ("node-name", NULL, NULL, NULL, flags);
  properties[PROP_URL] = g_param_spec_string ("url", NULL, NULL, NULL, flags);
  properties[PROP_SUMMARY] = g_param_spec_string ("summary", NULL, NULL, NULL, flags);
  properties[PROP_PROBLEM] = g_param_spec_string ("problem", NULL, NULL, NULL, flags);
  properties[PROP_REPLICATES] =
    g_param_spec_boolean ("replicates", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
deck_peer_item_init (DeckPeerItem *self)
{
}

DeckPeerGroup
deck_peer_item_get_group (DeckPeerItem *self)
{
  g_return_val_if_fail (DECK_IS_PEER_ITEM (self), DECK_PEER_GROUP_CONNECTED);
  return self->group;
}

DeckPeerState
deck_peer_item_get_state (DeckPeerItem *self)
{
  g_return_val_if_fail (DECK_IS_PEER_ITEM (self), DECK_PEER_STATE_LINKED);
  return self->state;
}

/**
 * deck_peer_item_get_instance:
 * @self: a peer
 *
 * Returns: (nullable) (transfer none): the organization's instance, %NULL
 *   for a node outside the organization
 */
DeckInstance *
deck_peer_item_get_instance (DeckPeerItem *self)
{
  g_return_val_if_fail (DECK_IS_PEER_ITEM (self), NULL);
  return self->instance;
}

/**
 * deck_peer_item_get_name:
 * @self: a peer
 *
 * Returns: the name people know the peer by: its instance's name, or the
 *   node name of a node outside the organization
 */
const char *
deck_peer_item_get_name (DeckPeerItem *self)
{
  g_return_val_if_fail (DECK_IS_PEER_ITEM (self), NULL);
  return self->name;
}

/**
 * deck_peer_item_get_node_name:
 * @self: a peer
 *
 * Returns: (nullable): its node name (an instance not enabled has none)
 */
const char *
deck_peer_item_get_node_name (DeckPeerItem *self)
{
  g_return_val_if_fail (DECK_IS_PEER_ITEM (self), NULL);
  return self->node_name;
}

/**
 * deck_peer_item_get_url:
 * @self: a peer
 *
 * Returns: (nullable): the replication URL the connection names (native
 *   replication only)
 */
const char *
deck_peer_item_get_url (DeckPeerItem *self)
{
  g_return_val_if_fail (DECK_IS_PEER_ITEM (self), NULL);
  return self->url;
}

/**
 * deck_peer_item_get_summary:
 * @self: a peer
 *
 * Returns: one line on the peer's state, in plain words ("Node “node2”",
 *   "shop connected (5.0 ms)", "Not reachable now"); plain text, never
 *   markup, and it may hold text from the server
 */
const char *
deck_peer_item_get_summary (DeckPeerItem *self)
{
  g_return_val_if_fail (DECK_IS_PEER_ITEM (self), NULL);
  return self->summary;
}

/**
 * deck_peer_item_get_problem:
 * @self: a peer
 *
 * Returns: (nullable): what is wrong with the connection and what the user
 *   can do, or %NULL when nothing is
 */
const char *
deck_peer_item_get_problem (DeckPeerItem *self)
{
  g_return_val_if_fail (DECK_IS_PEER_ITEM (self), NULL);
  return self->problem;
}

gboolean
deck_peer_item_get_replicates (DeckPeerItem *self)
{
  g_return_val_if_fail (DECK_IS_PEER_ITEM (self), FALSE);
  return self->replicates;
}
