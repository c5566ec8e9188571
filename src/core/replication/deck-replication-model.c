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

/* The strings are GRefStrings: the rows of one model share them (one peer's
 * name, one table's), so that making ten thousand rows copies no text. */
struct _DeckReplicationItem
{
  GObject       parent_instance;

  char         *instance_id;
  char         *peer;
  char         *peer_label;
  char         *database;
  char         *table;
  char         *state;
  char         *haystack;   /* casefolded "label peer database.table", made by the first
                             * filter (deck_replication_item_matches()): most grids
                             * are never filtered, and the text is not shown */
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

  g_ref_string_release (self->instance_id);
  g_ref_string_release (self->peer);
  g_ref_string_release (self->peer_label);
  g_ref_string_release (self->database);
  g_ref_string_release (self->table);
  if (self->state != NULL)
    g_ref_string_release (self->state);
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

/* Takes the GRefStrings given (@state may be %NULL) */
static DeckReplicationItem *
item_new_take (char               *instance_id,
               char               *peer,
               char               *peer_label,
               char               *database,
               char               *table,
               const DeckBaseline *baseline,
               char               *state)
{
  DeckReplicationItem *self = g_object_new (DECK_TYPE_REPLICATION_ITEM, NULL);

  self->instance_id = instance_id;
  self->peer = peer;
  self->peer_label = peer_label;
  self->database = database;
  self->table = table;
  self->state = state;
  self->baseline = *baseline;
  self->publish = baseline->publish;
  self->subscribe = baseline->subscribe;
  return self;
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
  g_return_val_if_fail (instance_id != NULL && peer != NULL, NULL);
  g_return_val_if_fail (database != NULL && table != NULL, NULL);
  g_return_val_if_fail (baseline != NULL, NULL);

  return item_new_take (g_ref_string_new (instance_id), g_ref_string_new (peer),
                        g_ref_string_new (peer_label != NULL ? peer_label : peer),
                        g_ref_string_new (database), g_ref_string_new (table), baseline,
                        state != NULL ? g_ref_string_new (state) : NULL);
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
  if (self->haystack == NULL)
    {
      g_autofree char *text = g_strdup_printf ("%s %s %s.%s", self->peer_label, self->peer,
                                               self->database, self->table);

      self->haystack = g_utf8_casefold (text, -1);
    }
  if (strchr (needle, ' ') == NULL)
    return strstr (self->haystack, needle) != NULL;

  words = g_strsplit (needle, " ", -1);
  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0' && strstr (self->haystack, words[i]) == NULL)
      return FALSE;
  return TRUE;
}

/* The model ---------------------------------------------------------------- */

/* Every (database, table) that some row of the model shows, from both
 * sides' schemas and the subscriptions, found without building a key: a
 * table is looked up by its database, then its name. The entries hold the
 * names the rows share (GRefStrings) and their place in the rows' order,
 * so that each connection's rows come out in order without a sort of
 * their own. */
typedef struct
{
  char  *database;   /* GRefString */
  char  *table;      /* GRefString */
  guint  index;      /* in Catalog.entries */
} CatalogEntry;

typedef struct
{
  GHashTable *databases;   /* database (GRefString) → GHashTable: table → CatalogEntry */
  GPtrArray  *entries;     /* CatalogEntry, first seen first, then by database and table */
} Catalog;

static void
catalog_entry_free (gpointer data)
{
  CatalogEntry *entry = data;

  g_ref_string_release (entry->database);
  g_ref_string_release (entry->table);
  g_free (entry);
}

static void
catalog_init (Catalog *catalog)
{
  catalog->databases = g_hash_table_new_full (g_str_hash, g_str_equal,
                                              (GDestroyNotify) g_ref_string_release,
                                              (GDestroyNotify) g_hash_table_unref);
  catalog->entries = g_ptr_array_new_with_free_func (catalog_entry_free);
}

static void
catalog_clear (Catalog *catalog)
{
  g_clear_pointer (&catalog->databases, g_hash_table_unref);
  g_clear_pointer (&catalog->entries, g_ptr_array_unref);
}

/* The `system` database, and a record without names, are no rows. */
static CatalogEntry *
catalog_find (Catalog    *catalog,
              const char *database,
              const char *table,
              gboolean    add)
{
  GHashTable *tables;
  CatalogEntry *entry;
  char *db_name;

  if (database == NULL || table == NULL || strcmp (database, "system") == 0)
    return NULL;
  if (!g_hash_table_lookup_extended (catalog->databases, database, (gpointer *) &db_name,
                                     (gpointer *) &tables))
    {
      if (!add)
        return NULL;
      db_name = g_ref_string_new (database);
      tables = g_hash_table_new (g_str_hash, g_str_equal);
      g_hash_table_insert (catalog->databases, db_name, tables);
    }
  entry = g_hash_table_lookup (tables, table);
  if (entry == NULL && add)
    {
      entry = g_new0 (CatalogEntry, 1);
      entry->database = g_ref_string_acquire (db_name);
      entry->table = g_ref_string_new (table);
      g_hash_table_insert (tables, entry->table, entry);
      g_ptr_array_add (catalog->entries, entry);
    }
  return entry;
}

static void
catalog_add_schema (Catalog         *catalog,
                    const HdbSchema *schema)
{
  for (guint i = 0; schema != NULL && i < schema->databases->len; i++)
    {
      const HdbDatabase *db = g_ptr_array_index (schema->databases, i);

      for (guint j = 0; j < db->tables->len; j++)
        {
          const HdbTable *table = g_ptr_array_index (db->tables, j);

          catalog_find (catalog, db->name, table->name, TRUE);
        }
    }
}

/* The rows' order within a peer: by database, then table, compared
 * bytewise (as the "database\ntable" keys this replaced compared). */
static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const CatalogEntry *x = *(const CatalogEntry **) a;
  const CatalogEntry *y = *(const CatalogEntry **) b;
  int c = strcmp (x->database, y->database);

  return c != 0 ? c : strcmp (x->table, y->table);
}

static void
catalog_sort (Catalog *catalog)
{
  g_ptr_array_sort (catalog->entries, compare_entries);
  for (guint i = 0; i < catalog->entries->len; i++)
    ((CatalogEntry *) g_ptr_array_index (catalog->entries, i))->index = i;
}

/* What is known of one catalog entry for one connection: whether each
 * side's schema has it, and the connection's subscription to it. */
typedef struct
{
  gboolean               here;
  gboolean               there;
  const HdbSubscription *subscription;   /* the first one listed, as the baseline reads it */
} TableFacts;

/* Marks the entries @schema has, in @facts (one per catalog entry) */
static void
mark_schema (Catalog         *catalog,
             const HdbSchema *schema,
             TableFacts      *facts,
             gboolean         here)
{
  for (guint i = 0; schema != NULL && i < schema->databases->len; i++)
    {
      const HdbDatabase *db = g_ptr_array_index (schema->databases, i);

      for (guint j = 0; j < db->tables->len; j++)
        {
          const HdbTable *table = g_ptr_array_index (db->tables, j);
          const CatalogEntry *entry = catalog_find (catalog, db->name, table->name, FALSE);

          if (entry == NULL)
            continue;
          if (here)
            facts[entry->index].here = TRUE;
          else
            facts[entry->index].there = TRUE;
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

typedef enum
{
  ROW_FINE,
  ROW_MISSING_BOTH,
  ROW_MISSING_HERE,
  ROW_MISSING_THERE,
  ROW_NOT_CONNECTED,
  N_ROW_STATES
} RowState;

/* A schema that could not be read hides nothing. */
static RowState
row_state (const HdbConnection *conn,
           const HdbSchema     *own_schema,
           const HdbSchema     *peer_schema,
           const CatalogEntry  *entry,
           const TableFacts    *facts)
{
  gboolean here = own_schema == NULL || facts->here;
  gboolean there = peer_schema == NULL || facts->there;

  if (!here && !there)
    return ROW_MISSING_BOTH;
  if (!here)
    return ROW_MISSING_HERE;
  if (!there)
    return ROW_MISSING_THERE;
  if (!database_connected (conn, entry->database))
    return ROW_NOT_CONNECTED;
  return ROW_FINE;
}

/* The state's text for people (a GRefString), made once per peer */
static char *
row_state_text (char       **texts,
                RowState     state,
                const char  *label)
{
  if (state == ROW_FINE)
    return NULL;
  if (texts[state] == NULL)
    {
      switch (state)
        {
        case ROW_MISSING_BOTH:
          texts[state] = g_ref_string_new (_("Missing on both instances"));
          break;
        case ROW_MISSING_HERE:
          texts[state] = g_ref_string_new (_("Missing on this instance"));
          break;
        case ROW_MISSING_THERE:
          {
            /* Translators: the peer instance's name */
            g_autofree char *text = g_strdup_printf (_("Missing on %s"), label);

            texts[state] = g_ref_string_new (text);
          }
          break;
        case ROW_NOT_CONNECTED:
        case ROW_FINE:
        case N_ROW_STATES:
        default:
          texts[state] = g_ref_string_new (_("Not connected"));
          break;
        }
    }
  return g_ref_string_acquire (texts[state]);
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

/* A record of the instance itself, or one without a name, is no peer. */
static gboolean
is_peer (const HdbClusterStatus *status,
         const HdbConnection    *conn)
{
  return conn->name != NULL && g_strcmp0 (conn->name, status->node_name) != 0;
}

/* The rows of one peer, in the catalog's order */
static void
add_peer_rows (GPtrArray              *items,
               Catalog                *catalog,
               char                   *instance,
               const HdbConnection    *conn,
               const HdbSchema        *own_schema,
               const HdbSchema        *peer_schema,
               const char             *label,
               const TableFacts       *own_facts,
               DeckChangeSet          *changes)
{
  guint n = catalog->entries->len;
  g_autofree TableFacts *facts = g_new0 (TableFacts, MAX (n, 1));
  char *state_texts[N_ROW_STATES] = { NULL, };
  char *peer = g_ref_string_new (conn->name);
  char *peer_label = g_strcmp0 (label, conn->name) == 0 ? g_ref_string_acquire (peer)
                                                         : g_ref_string_new (label);

  for (guint i = 0; i < n; i++)
    facts[i].here = own_facts[i].here;
  mark_schema (catalog, peer_schema, facts, FALSE);
  for (guint j = 0; conn->subscriptions != NULL && j < conn->subscriptions->len; j++)
    {
      const HdbSubscription *sub = g_ptr_array_index (conn->subscriptions, j);
      const CatalogEntry *entry = catalog_find (catalog, sub->database, sub->table, FALSE);

      if (entry != NULL && facts[entry->index].subscription == NULL)
        facts[entry->index].subscription = sub;
    }

  for (guint i = 0; i < n; i++)
    {
      const CatalogEntry *entry = g_ptr_array_index (catalog->entries, i);
      const TableFacts *f = &facts[i];
      DeckBaseline baseline;
      RowState state;
      DeckReplicationItem *item;

      /* A table of the other peers only */
      if (!f->here && !f->there && f->subscription == NULL)
        continue;
      row_baseline (conn, f, &baseline);
      state = row_state (conn, own_schema, peer_schema, entry, f);
      item = item_new_take (g_ref_string_acquire (instance), g_ref_string_acquire (peer),
                            g_ref_string_acquire (peer_label),
                            g_ref_string_acquire (entry->database),
                            g_ref_string_acquire (entry->table), &baseline,
                            row_state_text (state_texts, state, peer_label));
      if (changes != NULL)
        deck_replication_item_sync (item, changes);
      g_ptr_array_add (items, item);
    }

  for (guint i = 0; i < N_ROW_STATES; i++)
    if (state_texts[i] != NULL)
      g_ref_string_release (state_texts[i]);
  g_ref_string_release (peer_label);
  g_ref_string_release (peer);
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
  g_autofree TableFacts *own_facts = NULL;
  Catalog catalog;
  char *instance;

  g_return_val_if_fail (instance_id != NULL, NULL);
  g_return_val_if_fail (status != NULL, NULL);

  /* Nothing staged: no row needs to look. */
  if (changes != NULL && deck_change_set_get_n_changes (changes) == 0)
    changes = NULL;

  /* Every table any row shows, then each peer's rows in that order */
  catalog_init (&catalog);
  catalog_add_schema (&catalog, own_schema);
  for (guint i = 0; status->connections != NULL && i < status->connections->len; i++)
    {
      const HdbConnection *conn = g_ptr_array_index (status->connections, i);

      if (!is_peer (status, conn))
        continue;
      catalog_add_schema (&catalog,
                          peer_schemas ? g_hash_table_lookup (peer_schemas, conn->name) : NULL);
      for (guint j = 0; conn->subscriptions != NULL && j < conn->subscriptions->len; j++)
        {
          const HdbSubscription *sub = g_ptr_array_index (conn->subscriptions, j);

          catalog_find (&catalog, sub->database, sub->table, TRUE);
        }
    }
  catalog_sort (&catalog);

  own_facts = g_new0 (TableFacts, MAX (catalog.entries->len, 1));
  mark_schema (&catalog, own_schema, own_facts, TRUE);

  instance = g_ref_string_new (instance_id);
  for (guint i = 0; status->connections != NULL && i < status->connections->len; i++)
    {
      const HdbConnection *conn = g_ptr_array_index (status->connections, i);
      const char *label;

      if (!is_peer (status, conn))
        continue;
      label = peer_labels ? g_hash_table_lookup (peer_labels, conn->name) : NULL;
      add_peer_rows (items, &catalog, instance, conn, own_schema,
                     peer_schemas ? g_hash_table_lookup (peer_schemas, conn->name) : NULL,
                     label != NULL ? label : conn->name, own_facts, changes);
    }
  g_ref_string_release (instance);
  catalog_clear (&catalog);

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
