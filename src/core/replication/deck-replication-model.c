/* deck-replication-model.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rows of the replication grid: one DeckReplicationItem per (peer,
 * database, table) of one instance, from the union of both sides' schemas
 * and the loaded subscriptions. An item knows what the server said (its
 * baseline) and what the user staged (the change set); the grid binds to
 * its properties. Pure data: no GTK, no requests.
 */

#define G_LOG_DOMAIN "deck-replication-model"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "deck-replication-model.h"

struct _DeckReplicationItem
{
  GObject       parent_instance;

  char         *instance_id;
  char         *peer;
  char         *peer_label;
  char         *database;
  char         *table;
  char         *state;
  char         *haystack;   /* casefolded "label database.table" for filtering */
  DeckBaseline  baseline;

  gboolean      publish;
  gboolean      subscribe;
};

G_DEFINE_FINAL_TYPE (DeckReplicationItem, deck_replication_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PUBLISH,
  PROP_SUBSCRIBE,
  PROP_PUBLISH_CHANGED,
  PROP_SUBSCRIBE_CHANGED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
deck_replication_item_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  DeckReplicationItem *self = DECK_REPLICATION_ITEM (object);

  switch (prop_id)
    {
    case PROP_PUBLISH:
      g_value_set_boolean (value, self->publish);
      break;
    case PROP_SUBSCRIBE:
      g_value_set_boolean (value, self->subscribe);
      break;
    case PROP_PUBLISH_CHANGED:
      g_value_set_boolean (value, deck_replication_item_get_changed (self, DECK_REPLICATION_PUBLISH));
      break;
    case PROP_SUBSCRIBE_CHANGED:
      g_value_set_boolean (value, deck_replication_item_get_changed (self, DECK_REPLICATION_SUBSCRIBE));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_replication_item_finalize (GObject *object)
{
  DeckReplicationItem *self = DECK_REPLICATION_ITEM (object);

  g_free (self->instance_id);
  g_free (self->peer);
  g_free (self->peer_label);
  g_free (self->database);
  g_free (self->table);
  g_free (self->state);
  g_free (self->haystack);

  G_OBJECT_CLASS (deck_replication_item_parent_class)->finalize (object);
}

static void
deck_replication_item_class_init (DeckReplicationItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = deck_replication_item_get_property;
  object_class->finalize = deck_replication_item_finalize;

  properties[PROP_PUBLISH] =
    g_param_spec_boolean ("publish", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUBSCRIBE] =
    g_param_spec_boolean ("subscribe", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PUBLISH_CHANGED] =
    g_param_spec_boolean ("publish-changed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUBSCRIBE_CHANGED] =
    g_param_spec_boolean ("subscribe-changed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
deck_replication_item_init (DeckReplicationItem *self)
{
}

/**
 * deck_replication_item_new:
 * @instance_id: the instance whose node record the row edits
 * @peer: the peer's node name
 * @peer_label: (nullable): the peer as people know it (its instance name);
 *   @peer when %NULL
 * @database: the database
 * @table: the table
 * @baseline: what the server said when it was loaded
 * @state: (nullable): a problem with the row, for people (a table missing on
 *   one side, a link that is down); %NULL when there is none
 *
 * Returns: (transfer full): a row showing the baseline
 */
DeckReplicationItem *
deck_replication_item_new (const char         *instance_id,
                           const char         *peer,
                           const char         *peer_label,
                           const char         *database,
                           const char         *table,
                           const DeckBaseline *baseline,
                           const char         *state)
{
  DeckReplicationItem *self;
  g_autofree char *text = NULL;

  g_return_val_if_fail (instance_id != NULL && peer != NULL, NULL);
  g_return_val_if_fail (database != NULL && table != NULL, NULL);
  g_return_val_if_fail (baseline != NULL, NULL);

  self = g_object_new (DECK_TYPE_REPLICATION_ITEM, NULL);
  self->instance_id = g_strdup (instance_id);
  self->peer = g_strdup (peer);
  self->peer_label = g_strdup (peer_label != NULL ? peer_label : peer);
  self->database = g_strdup (database);
  self->table = g_strdup (table);
  self->state = g_strdup (state);
  self->baseline = *baseline;
  self->publish = baseline->publish;
  self->subscribe = baseline->subscribe;

  text = g_strdup_printf ("%s %s %s.%s", self->peer_label, self->peer, database, table);
  self->haystack = g_utf8_casefold (text, -1);
  return self;
}

const char *
deck_replication_item_get_instance_id (DeckReplicationItem *self)
{
  g_return_val_if_fail (DECK_IS_REPLICATION_ITEM (self), NULL);
  return self->instance_id;
}

const char *
deck_replication_item_get_peer (DeckReplicationItem *self)
{
  g_return_val_if_fail (DECK_IS_REPLICATION_ITEM (self), NULL);
  return self->peer;
}

const char *
deck_replication_item_get_peer_label (DeckReplicationItem *self)
{
  g_return_val_if_fail (DECK_IS_REPLICATION_ITEM (self), NULL);
  return self->peer_label;
}

const char *
deck_replication_item_get_database (DeckReplicationItem *self)
{
  g_return_val_if_fail (DECK_IS_REPLICATION_ITEM (self), NULL);
  return self->database;
}

const char *
deck_replication_item_get_table (DeckReplicationItem *self)
{
  g_return_val_if_fail (DECK_IS_REPLICATION_ITEM (self), NULL);
  return self->table;
}

const DeckBaseline *
deck_replication_item_get_baseline (DeckReplicationItem *self)
{
  g_return_val_if_fail (DECK_IS_REPLICATION_ITEM (self), NULL);
  return &self->baseline;
}

/**
 * deck_replication_item_get_state:
 * @self: a row
 *
 * Returns: (nullable): the row's problem, for people, or %NULL
 */
const char *
deck_replication_item_get_state (DeckReplicationItem *self)
{
  g_return_val_if_fail (DECK_IS_REPLICATION_ITEM (self), NULL);
  return self->state;
}

/**
 * deck_replication_item_get_value:
 * @self: a row
 * @direction: publish or subscribe
 *
 * Returns: the value shown: staged when there is a pending change,
 *   else what the server said
 */
gboolean
deck_replication_item_get_value (DeckReplicationItem      *self,
                                 DeckReplicationDirection  direction)
{
  g_return_val_if_fail (DECK_IS_REPLICATION_ITEM (self), FALSE);
  return direction == DECK_REPLICATION_PUBLISH ? self->publish : self->subscribe;
}

/**
 * deck_replication_item_get_changed:
 * @self: a row
 * @direction: publish or subscribe
 *
 * Returns: whether the value shown differs from what the server said
 */
gboolean
deck_replication_item_get_changed (DeckReplicationItem      *self,
                                   DeckReplicationDirection  direction)
{
  g_return_val_if_fail (DECK_IS_REPLICATION_ITEM (self), FALSE);
  if (direction == DECK_REPLICATION_PUBLISH)
    return self->publish != self->baseline.publish;
  return self->subscribe != self->baseline.subscribe;
}

/**
 * deck_replication_item_get_full_replication:
 * @self: a row
 *
 * Returns: whether the peer is in full replication (every table, both ways)
 */
gboolean
deck_replication_item_get_full_replication (DeckReplicationItem *self)
{
  g_return_val_if_fail (DECK_IS_REPLICATION_ITEM (self), FALSE);
  return self->baseline.replicates;
}

static void
set_values (DeckReplicationItem *self,
            gboolean             publish,
            gboolean             subscribe)
{
  gboolean publish_changed = self->publish != publish;
  gboolean subscribe_changed = self->subscribe != subscribe;

  self->publish = publish;
  self->subscribe = subscribe;
  if (publish_changed)
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PUBLISH]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PUBLISH_CHANGED]);
    }
  if (subscribe_changed)
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBSCRIBE]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBSCRIBE_CHANGED]);
    }
}

/**
 * deck_replication_item_stage:
 * @self: a row
 * @changes: the change set
 * @direction: publish or subscribe
 * @value: the wanted value
 *
 * Stages @value in @changes (a value equal to the baseline unstages it)
 * and shows it at once.
 */
void
deck_replication_item_stage (DeckReplicationItem      *self,
                             DeckChangeSet            *changes,
                             DeckReplicationDirection  direction,
                             gboolean                  value)
{
  g_return_if_fail (DECK_IS_REPLICATION_ITEM (self));
  g_return_if_fail (DECK_IS_CHANGE_SET (changes));

  value = !!value;
  if (direction == DECK_REPLICATION_PUBLISH)
    {
      if (self->publish == value)
        return;
      set_values (self, value, self->subscribe);
      deck_change_set_set_publish (changes, self->instance_id, self->peer, self->database,
                                   self->table, value, &self->baseline);
    }
  else
    {
      if (self->subscribe == value)
        return;
      set_values (self, self->publish, value);
      deck_change_set_set_subscribe (changes, self->instance_id, self->peer, self->database,
                                     self->table, value, &self->baseline);
    }
}

/**
 * deck_replication_item_sync:
 * @self: a row
 * @changes: the change set
 *
 * Shows what @changes stages for the row, or the baseline when nothing.
 *
 * Returns: whether a value shown changed
 */
gboolean
deck_replication_item_sync (DeckReplicationItem *self,
                            DeckChangeSet       *changes)
{
  DeckToggle publish = DECK_TOGGLE_UNCHANGED, subscribe = DECK_TOGGLE_UNCHANGED;
  gboolean new_publish, new_subscribe;

  g_return_val_if_fail (DECK_IS_REPLICATION_ITEM (self), FALSE);
  g_return_val_if_fail (DECK_IS_CHANGE_SET (changes), FALSE);

  deck_change_set_get (changes, self->instance_id, self->peer, self->database, self->table,
                       &publish, &subscribe);
  new_publish = publish == DECK_TOGGLE_UNCHANGED ? self->baseline.publish : publish == DECK_TOGGLE_ON;
  new_subscribe = subscribe == DECK_TOGGLE_UNCHANGED ? self->baseline.subscribe
                                                     : subscribe == DECK_TOGGLE_ON;
  if (new_publish == self->publish && new_subscribe == self->subscribe)
    return FALSE;
  set_values (self, new_publish, new_subscribe);
  return TRUE;
}

/**
 * deck_replication_item_matches:
 * @self: a row
 * @needle: (nullable): casefolded words (g_utf8_casefold()), separated by
 *   spaces
 *
 * Returns: whether every word occurs in the peer, database or table
 */
gboolean
deck_replication_item_matches (DeckReplicationItem *self,
                               const char          *needle)
{
  g_auto(GStrv) words = NULL;

  g_return_val_if_fail (DECK_IS_REPLICATION_ITEM (self), FALSE);

  if (needle == NULL || *needle == '\0')
    return TRUE;
  if (strchr (needle, ' ') == NULL)
    return strstr (self->haystack, needle) != NULL;

  words = g_strsplit (needle, " ", -1);
  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0' && strstr (self->haystack, words[i]) == NULL)
      return FALSE;
  return TRUE;
}

/* The model ---------------------------------------------------------------- */

/* What is known of one (database, table) of a connection while the model
 * is built: whether each side's schema has it, and the connection's
 * subscription to it. One hash lookup per source instead of a search of
 * the schemas and the subscription list for every row. */
typedef struct
{
  const char            *database;
  const char            *table;
  gboolean               here;
  gboolean               there;
  const HdbSubscription *subscription;   /* the first one listed, as the baseline reads it */
} TableFacts;

static TableFacts *
table_facts (GHashTable *tables,
             const char *database,
             const char *table)
{
  g_autofree char *key = NULL;
  TableFacts *facts;

  if (database == NULL || table == NULL || g_strcmp0 (database, "system") == 0)
    return NULL;
  key = g_strconcat (database, "\n", table, NULL);
  facts = g_hash_table_lookup (tables, key);
  if (facts == NULL)
    {
      facts = g_new0 (TableFacts, 1);
      facts->database = database;
      facts->table = table;
      g_hash_table_insert (tables, g_steal_pointer (&key), facts);
    }
  return facts;
}

static void
add_schema (GHashTable      *tables,
            const HdbSchema *schema,
            gboolean         here)
{
  for (guint i = 0; schema != NULL && i < schema->databases->len; i++)
    {
      const HdbDatabase *db = g_ptr_array_index (schema->databases, i);

      for (guint j = 0; j < db->tables->len; j++)
        {
          const HdbTable *table = g_ptr_array_index (db->tables, j);
          TableFacts *facts = table_facts (tables, db->name, table->name);

          if (facts == NULL)
            continue;
          if (here)
            facts->here = TRUE;
          else
            facts->there = TRUE;
        }
    }
}

static gboolean
database_connected (const HdbConnection *conn,
                    const char          *database)
{
  if (conn->status != NULL)
    return g_strcmp0 (conn->status, "open") == 0;

  for (guint i = 0; conn->database_sockets != NULL && i < conn->database_sockets->len; i++)
    {
      const HdbDatabaseSocket *s = g_ptr_array_index (conn->database_sockets, i);

      if (g_strcmp0 (s->database, database) == 0)
        return s->connected;
    }
  /* Harper opens a socket per database it replicates; none for a database
   * that nothing is exchanged in yet. */
  return TRUE;
}

/* A schema that could not be read hides nothing. */
static char *
row_state (const HdbConnection *conn,
           const char          *label,
           const HdbSchema     *own_schema,
           const HdbSchema     *peer_schema,
           const TableFacts    *facts)
{
  gboolean here = own_schema == NULL || facts->here;
  gboolean there = peer_schema == NULL || facts->there;

  if (!here && !there)
    return g_strdup (_("Missing on both instances"));
  if (!here)
    return g_strdup (_("Missing on this instance"));
  if (!there)
    /* Translators: the peer instance's name */
    return g_strdup_printf (_("Missing on %s"), label);
  if (!database_connected (conn, facts->database))
    return g_strdup (_("Not connected"));
  return NULL;
}

/* The baseline deck_baseline_from_connection() gives, from the facts */
static void
row_baseline (const HdbConnection *conn,
              const TableFacts    *facts,
              DeckBaseline        *baseline)
{
  baseline->replicates = conn->replicates;
  baseline->publish = conn->replicates || (facts->subscription && facts->subscription->publish);
  baseline->subscribe = conn->replicates ||
                        (facts->subscription && facts->subscription->subscribe);
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

/**
 * deck_replication_model_build:
 * @instance_id: the instance the grid edits
 * @status: the instance's loaded cluster status
 * @own_schema: (nullable): the instance's `describe_all`
 * @peer_schemas: (nullable) (element-type utf8 HdbSchema): node name → the
 *   peer's `describe_all`, for the peers that could be read
 * @peer_labels: (nullable) (element-type utf8 utf8): node name → the
 *   instance name people know the peer by
 * @changes: (nullable): the staged changes to show
 *
 * One row per (peer, database, table) of the union of both sides' schemas
 * and the connection's subscriptions, the `system` database left out,
 * ordered by peer, database and table. A table missing on one side is a
 * row whose state says so (replication never creates tables).
 *
 * Returns: (transfer full): a list of #DeckReplicationItem
 */
GListStore *
deck_replication_model_build (const char             *instance_id,
                              const HdbClusterStatus *status,
                              const HdbSchema        *own_schema,
                              GHashTable             *peer_schemas,
                              GHashTable             *peer_labels,
                              DeckChangeSet          *changes)
{
  g_autoptr(GListStore) store = g_list_store_new (DECK_TYPE_REPLICATION_ITEM);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (instance_id != NULL, NULL);
  g_return_val_if_fail (status != NULL, NULL);

  for (guint i = 0; status->connections != NULL && i < status->connections->len; i++)
    {
      const HdbConnection *conn = g_ptr_array_index (status->connections, i);
      const HdbSchema *peer_schema;
      const char *label;
      g_autoptr(GHashTable) tables = NULL;
      g_autofree gpointer *keys = NULL;
      guint n_keys;

      /* A record of the instance itself, or one without a name, is no peer. */
      if (conn->name == NULL || g_strcmp0 (conn->name, status->node_name) == 0)
        continue;

      peer_schema = peer_schemas ? g_hash_table_lookup (peer_schemas, conn->name) : NULL;
      label = peer_labels ? g_hash_table_lookup (peer_labels, conn->name) : NULL;
      if (label == NULL)
        label = conn->name;

      tables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      add_schema (tables, own_schema, TRUE);
      add_schema (tables, peer_schema, FALSE);
      for (guint j = 0; conn->subscriptions != NULL && j < conn->subscriptions->len; j++)
        {
          const HdbSubscription *sub = g_ptr_array_index (conn->subscriptions, j);
          TableFacts *facts = table_facts (tables, sub->database, sub->table);

          if (facts != NULL && facts->subscription == NULL)
            facts->subscription = sub;
        }

      keys = g_hash_table_get_keys_as_array (tables, &n_keys);
      qsort (keys, n_keys, sizeof (gpointer), compare_keys);
      for (guint j = 0; j < n_keys; j++)
        {
          const TableFacts *facts = g_hash_table_lookup (tables, keys[j]);
          g_autofree char *state = NULL;
          DeckBaseline baseline;
          DeckReplicationItem *item;

          row_baseline (conn, facts, &baseline);
          state = row_state (conn, label, own_schema, peer_schema, facts);
          item = deck_replication_item_new (instance_id, conn->name, label, facts->database,
                                            facts->table, &baseline, state);
          if (changes != NULL)
            deck_replication_item_sync (item, changes);
          g_ptr_array_add (items, item);
        }
    }

  g_list_store_splice (store, 0, 0, items->pdata, items->len);
  return g_steal_pointer (&store);
}

/**
 * deck_replication_model_sync:
 * @model: a list of #DeckReplicationItem
 * @changes: the change set
 *
 * Shows @changes in every row (after a discard, a load, an apply).
 *
 * Returns: the number of rows whose values changed
 */
guint
deck_replication_model_sync (GListModel    *model,
                             DeckChangeSet *changes)
{
  guint n = g_list_model_get_n_items (model);
  guint n_changed = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DeckReplicationItem) item = g_list_model_get_item (model, i);

      if (deck_replication_item_sync (item, changes))
        n_changed++;
    }
  return n_changed;
}
