/* deck-change-set.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The publish/subscribe switches the user has changed but not applied yet
 * (DESIGN.md §3: change set → plan → apply). Each change remembers what
 * the server said when it was staged, so that a switch put back to that
 * value is no change at all, the review can say "changed from …", and a
 * state changed behind the app's back is noticed before it is overwritten.
 *
 * The set is pure data: DeckPending (deck-pending.c) keeps it in
 * pending.json as it is edited, and merges it with what another process
 * staged there. It holds names and switches, never a secret.
 */

#define G_LOG_DOMAIN "deck-change-set"

#include "config.h"

#include <string.h>

#include "deck-change-set.h"

struct _DeckChangeSet
{
  GObject     parent_instance;

  GHashTable *changes;   /* key (see make_key) → DeckChange, owned */
};

G_DEFINE_FINAL_TYPE (DeckChangeSet, deck_change_set, G_TYPE_OBJECT)

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* DeckBaseline and DeckChange */

/**
 * deck_baseline_from_connection:
 * @conn: (nullable): the loaded connection to the peer
 * @database: the database
 * @table: the table
 * @baseline: (out caller-allocates): what the connection says
 *
 * A peer in full replication publishes and subscribes everything; a table
 * the connection does not list is neither published nor subscribed.
 */
void
deck_baseline_from_connection (const HdbConnection *conn,
                               const char          *database,
                               const char          *table,
                               DeckBaseline        *baseline)
{
  g_return_if_fail (baseline != NULL);

  baseline->publish = FALSE;
  baseline->subscribe = FALSE;
  baseline->replicates = FALSE;

  if (conn == NULL)
    return;

  if (conn->replicates)
    {
      baseline->publish = TRUE;
      baseline->subscribe = TRUE;
      baseline->replicates = TRUE;
      return;
    }

  for (guint i = 0; conn->subscriptions != NULL && i < conn->subscriptions->len; i++)
    {
      const HdbSubscription *sub = g_ptr_array_index (conn->subscriptions, i);

      if (g_strcmp0 (sub->database, database) == 0 && g_strcmp0 (sub->table, table) == 0)
        {
          baseline->publish = sub->publish;
          baseline->subscribe = sub->subscribe;
          return;
        }
    }
}

/**
 * deck_change_copy:
 * @change: a change
 *
 * Returns: (transfer full): a deep copy
 */
DeckChange *
deck_change_copy (const DeckChange *change)
{
  DeckChange *copy;

  g_return_val_if_fail (change != NULL, NULL);

  copy = g_new0 (DeckChange, 1);
  copy->instance_id = g_strdup (change->instance_id);
  copy->peer = g_strdup (change->peer);
  copy->database = g_strdup (change->database);
  copy->table = g_strdup (change->table);
  copy->publish = change->publish;
  copy->subscribe = change->subscribe;
  copy->baseline = change->baseline;
  return copy;
}

void
deck_change_free (DeckChange *change)
{
  if (change == NULL)
    return;
  g_free (change->instance_id);
  g_free (change->peer);
  g_free (change->database);
  g_free (change->table);
  g_free (change);
}

/**
 * deck_change_get_desired_publish:
 * @change: a change
 *
 * Returns: whether the table is to be published after the change
 */
gboolean
deck_change_get_desired_publish (const DeckChange *change)
{
  g_return_val_if_fail (change != NULL, FALSE);

  if (change->publish == DECK_TOGGLE_UNCHANGED)
    return change->baseline.publish;
  return change->publish == DECK_TOGGLE_ON;
}

/**
 * deck_change_get_desired_subscribe:
 * @change: a change
 *
 * Returns: whether the table is to be subscribed after the change
 */
gboolean
deck_change_get_desired_subscribe (const DeckChange *change)
{
  g_return_val_if_fail (change != NULL, FALSE);

  if (change->subscribe == DECK_TOGGLE_UNCHANGED)
    return change->baseline.subscribe;
  return change->subscribe == DECK_TOGGLE_ON;
}

/**
 * deck_change_reopens:
 * @change: a change
 *
 * Whether @change switches on a direction that was off when it was
 * staged. Harper does not send what was written while a direction was
 * off once it is on again (DESIGN.md §5): the Review says so, and offers
 * to compare record counts afterwards.
 *
 * Returns: %TRUE when publish or subscribe goes from off to on
 */
gboolean
deck_change_reopens (const DeckChange *change)
{
  g_return_val_if_fail (change != NULL, FALSE);

  return (change->publish == DECK_TOGGLE_ON && !change->baseline.publish) ||
         (change->subscribe == DECK_TOGGLE_ON && !change->baseline.subscribe);
}

/* Orders changes by instance, peer, database, table: plans, reviews and the
 * saved file all list them in this order, so they read the same way and
 * the file does not change when nothing did. */
static int
compare_changes (gconstpointer a,
                 gconstpointer b)
{
  const DeckChange *ca = *(const DeckChange * const *) a;
  const DeckChange *cb = *(const DeckChange * const *) b;
  int result;

  if ((result = g_strcmp0 (ca->instance_id, cb->instance_id)) != 0)
    return result;
  if ((result = g_strcmp0 (ca->peer, cb->peer)) != 0)
    return result;
  if ((result = g_strcmp0 (ca->database, cb->database)) != 0)
    return result;
  return g_strcmp0 (ca->table, cb->table);
}

/* The unit separator cannot appear in a node, database or table name that
 * Harper accepts, so the four parts cannot run into each other. */
static char *
make_key (const char *instance_id,
          const char *peer,
          const char *database,
          const char *table)
{
  return g_strjoin ("\037", instance_id, peer, database, table, NULL);
}

/* The same key in @buffer when it fits, for a lookup: a model of ten
 * thousand rows looks up each of them when it is built. Returns NULL when
 * it does not fit, or when a part is missing (make_key() ends there). */
static const char *
format_key (char       *buffer,
            gsize       size,
            const char *instance_id,
            const char *peer,
            const char *database,
            const char *table)
{
  const char *parts[] = { instance_id, peer, database, table };
  gsize used = 0;

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      gsize len;

      if (parts[i] == NULL)
        return NULL;
      len = strlen (parts[i]);
      /* The part, its separator or the final NUL */
      if (len + 1 > size - used)
        return NULL;
      memcpy (buffer + used, parts[i], len);
      used += len;
      buffer[used++] = i + 1 < G_N_ELEMENTS (parts) ? '\037' : '\0';
    }
  return buffer;
}

/* DeckChangeSet */

static void
deck_change_set_finalize (GObject *object)
{
  DeckChangeSet *self = DECK_CHANGE_SET (object);

  g_clear_pointer (&self->changes, g_hash_table_unref);

  G_OBJECT_CLASS (deck_change_set_parent_class)->finalize (object);
}

static void
deck_change_set_class_init (DeckChangeSetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = deck_change_set_finalize;

  /**
   * DeckChangeSet::changed:
   * @self: the change set
   *
   * Emitted after any change was staged, unstaged, loaded or cleared.
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
deck_change_set_init (DeckChangeSet *self)
{
  self->changes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) deck_change_free);
}

/**
 * deck_change_set_new:
 *
 * Returns: (transfer full): an empty change set
 */
DeckChangeSet *
deck_change_set_new (void)
{
  return g_object_new (DECK_TYPE_CHANGE_SET, NULL);
}

static void
emit_changed (DeckChangeSet *self)
{
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* Stages one direction. The baseline of an existing entry is kept: it is
 * the state when the user first touched the switch, which is what the
 * drift check must compare with. */
static void
stage (DeckChangeSet      *self,
       const char         *instance_id,
       const char         *peer,
       const char         *database,
       const char         *table,
       gboolean            is_publish,
       gboolean            value,
       const DeckBaseline *baseline)
{
  g_autofree char *key = NULL;
  DeckChange *change;
  gboolean base_value;
  DeckToggle toggle;

  g_return_if_fail (DECK_IS_CHANGE_SET (self));
  g_return_if_fail (instance_id != NULL && peer != NULL);
  g_return_if_fail (database != NULL && table != NULL);
  g_return_if_fail (baseline != NULL);

  key = make_key (instance_id, peer, database, table);
  change = g_hash_table_lookup (self->changes, key);

  base_value = is_publish ? (change ? change->baseline.publish : baseline->publish)
                          : (change ? change->baseline.subscribe : baseline->subscribe);
  if (value == base_value)
    toggle = DECK_TOGGLE_UNCHANGED;
  else
    toggle = value ? DECK_TOGGLE_ON : DECK_TOGGLE_OFF;

  if (change == NULL)
    {
      if (toggle == DECK_TOGGLE_UNCHANGED)
        return;
      change = g_new0 (DeckChange, 1);
      change->instance_id = g_strdup (instance_id);
      change->peer = g_strdup (peer);
      change->database = g_strdup (database);
      change->table = g_strdup (table);
      change->baseline = *baseline;
      g_hash_table_insert (self->changes, g_steal_pointer (&key), change);
    }
  else if ((is_publish ? change->publish : change->subscribe) == toggle)
    return;

  if (is_publish)
    change->publish = toggle;
  else
    change->subscribe = toggle;

  /* Putting both switches back where they were is no change at all. */
  if (change->publish == DECK_TOGGLE_UNCHANGED && change->subscribe == DECK_TOGGLE_UNCHANGED)
    {
      g_autofree char *lookup = make_key (instance_id, peer, database, table);

      g_hash_table_remove (self->changes, lookup);
    }

  emit_changed (self);
}

/**
 * deck_change_set_set_publish:
 * @self: a change set
 * @instance_id: the instance whose node record changes
 * @peer: the peer's node name
 * @database: the database
 * @table: the table
 * @publish: the desired value
 * @baseline: the loaded state, recorded when the entry is created
 *
 * Stages publishing (or not) @database.@table to @peer. A value equal to
 * the baseline unstages the direction, and the entry goes away when
 * neither direction is left changed.
 */
void
deck_change_set_set_publish (DeckChangeSet      *self,
                             const char         *instance_id,
                             const char         *peer,
                             const char         *database,
                             const char         *table,
                             gboolean            publish,
                             const DeckBaseline *baseline)
{
  stage (self, instance_id, peer, database, table, TRUE, !!publish, baseline);
}

/**
 * deck_change_set_set_subscribe:
 * @self: a change set
 * @instance_id: the instance whose node record changes
 * @peer: the peer's node name
 * @database: the database
 * @table: the table
 * @subscribe: the desired value
 * @baseline: the loaded state, recorded when the entry is created
 *
 * Like deck_change_set_set_publish(), for the subscribe direction.
 */
void
deck_change_set_set_subscribe (DeckChangeSet      *self,
                               const char         *instance_id,
                               const char         *peer,
                               const char         *database,
                               const char         *table,
                               gboolean            subscribe,
                               const DeckBaseline *baseline)
{
  stage (self, instance_id, peer, database, table, FALSE, !!subscribe, baseline);
}

/**
 * deck_change_set_lookup:
 * @self: a change set
 * @instance_id: the instance
 * @peer: the peer's node name
 * @database: the database
 * @table: the table
 *
 * Returns: (transfer none) (nullable): the staged change, valid until the
 *   set is next modified, or %NULL
 */
const DeckChange *
deck_change_set_lookup (DeckChangeSet *self,
                        const char    *instance_id,
                        const char    *peer,
                        const char    *database,
                        const char    *table)
{
  char buffer[256];
  g_autofree char *long_key = NULL;
  const char *key;

  g_return_val_if_fail (DECK_IS_CHANGE_SET (self), NULL);

  if (g_hash_table_size (self->changes) == 0)
    return NULL;
  key = format_key (buffer, sizeof buffer, instance_id, peer, database, table);
  if (key == NULL)
    key = long_key = make_key (instance_id, peer, database, table);
  return g_hash_table_lookup (self->changes, key);
}

/**
 * deck_change_set_get:
 * @self: a change set
 * @instance_id: the instance
 * @peer: the peer's node name
 * @database: the database
 * @table: the table
 * @publish: (out) (optional): the staged publish direction
 * @subscribe: (out) (optional): the staged subscribe direction
 *
 * Returns: %TRUE when something is staged for the table (otherwise both
 *   are %DECK_TOGGLE_UNCHANGED)
 */
gboolean
deck_change_set_get (DeckChangeSet *self,
                     const char    *instance_id,
                     const char    *peer,
                     const char    *database,
                     const char    *table,
                     DeckToggle    *publish,
                     DeckToggle    *subscribe)
{
  const DeckChange *change = deck_change_set_lookup (self, instance_id, peer, database, table);

  if (publish != NULL)
    *publish = change ? change->publish : DECK_TOGGLE_UNCHANGED;
  if (subscribe != NULL)
    *subscribe = change ? change->subscribe : DECK_TOGGLE_UNCHANGED;
  return change != NULL;
}

/**
 * deck_change_set_remove:
 * @self: a change set
 * @instance_id: the instance
 * @peer: the peer's node name
 * @database: the database
 * @table: the table
 *
 * Unstages both directions of one table, for instance once applied.
 *
 * Returns: %TRUE when something was staged
 */
gboolean
deck_change_set_remove (DeckChangeSet *self,
                        const char    *instance_id,
                        const char    *peer,
                        const char    *database,
                        const char    *table)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (DECK_IS_CHANGE_SET (self), FALSE);

  key = make_key (instance_id, peer, database, table);
  if (!g_hash_table_remove (self->changes, key))
    return FALSE;
  emit_changed (self);
  return TRUE;
}

/**
 * deck_change_set_remove_peer:
 * @self: a change set
 * @instance_id: the instance
 * @peer: (nullable): the peer's node name, or %NULL for every peer
 *
 * Unstages every change of @instance_id with @peer (or with any peer): the
 * instance was removed, or the peer disconnected.
 *
 * Returns: the number of changes removed
 */
guint
deck_change_set_remove_peer (DeckChangeSet *self,
                             const char    *instance_id,
                             const char    *peer)
{
  GHashTableIter iter;
  DeckChange *change;
  guint removed = 0;

  g_return_val_if_fail (DECK_IS_CHANGE_SET (self), 0);
  g_return_val_if_fail (instance_id != NULL, 0);

  g_hash_table_iter_init (&iter, self->changes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &change))
    {
      if (g_strcmp0 (change->instance_id, instance_id) != 0)
        continue;
      if (peer != NULL && g_strcmp0 (change->peer, peer) != 0)
        continue;
      g_hash_table_iter_remove (&iter);
      removed++;
    }

  if (removed > 0)
    emit_changed (self);
  return removed;
}

/**
 * deck_change_set_clear:
 * @self: a change set
 *
 * Unstages everything (Discard).
 */
void
deck_change_set_clear (DeckChangeSet *self)
{
  g_return_if_fail (DECK_IS_CHANGE_SET (self));

  if (g_hash_table_size (self->changes) == 0)
    return;
  g_hash_table_remove_all (self->changes);
  emit_changed (self);
}

/**
 * deck_change_set_get_n_changes:
 * @self: a change set
 *
 * Returns: the number of staged (instance, peer, database, table) entries
 */
guint
deck_change_set_get_n_changes (DeckChangeSet *self)
{
  g_return_val_if_fail (DECK_IS_CHANGE_SET (self), 0);

  return g_hash_table_size (self->changes);
}

/**
 * deck_change_set_dup_changes:
 * @self: a change set
 *
 * Returns: (transfer full) (element-type DeckChange): copies of every
 *   staged change, ordered by instance, peer, database and table
 */
GPtrArray *
deck_change_set_dup_changes (DeckChangeSet *self)
{
  GPtrArray *changes;
  GHashTableIter iter;
  DeckChange *change;

  g_return_val_if_fail (DECK_IS_CHANGE_SET (self), NULL);

  changes = g_ptr_array_new_full (g_hash_table_size (self->changes),
                                  (GDestroyNotify) deck_change_free);
  g_hash_table_iter_init (&iter, self->changes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &change))
    g_ptr_array_add (changes, deck_change_copy (change));
  g_ptr_array_sort (changes, compare_changes);
  return changes;
}

static gboolean
insert_change (DeckChangeSet    *self,
               const DeckChange *change)
{
  if (change->publish == DECK_TOGGLE_UNCHANGED && change->subscribe == DECK_TOGGLE_UNCHANGED)
    return FALSE;

  g_hash_table_replace (self->changes,
                        make_key (change->instance_id, change->peer,
                                  change->database, change->table),
                        deck_change_copy (change));
  return TRUE;
}

/**
 * deck_change_set_add_change:
 * @self: a change set
 * @change: a change
 *
 * Stages @change as it is, baseline included, replacing any entry for the
 * same table (a change with neither direction staged removes it). Used to
 * put back changes that failed to apply.
 */
void
deck_change_set_add_change (DeckChangeSet    *self,
                            const DeckChange *change)
{
  g_autofree char *key = NULL;

  g_return_if_fail (DECK_IS_CHANGE_SET (self));
  g_return_if_fail (change != NULL);
  g_return_if_fail (change->instance_id != NULL && change->peer != NULL);
  g_return_if_fail (change->database != NULL && change->table != NULL);

  if (!insert_change (self, change))
    {
      key = make_key (change->instance_id, change->peer, change->database, change->table);
      if (!g_hash_table_remove (self->changes, key))
        return;
    }
  emit_changed (self);
}

/**
 * deck_change_set_copy:
 * @self: a change set
 *
 * Returns: (transfer full): an independent copy, for a plan to keep while
 *   the user goes on editing
 */
DeckChangeSet *
deck_change_set_copy (DeckChangeSet *self)
{
  DeckChangeSet *copy;
  GHashTableIter iter;
  DeckChange *change;

  g_return_val_if_fail (DECK_IS_CHANGE_SET (self), NULL);

  copy = deck_change_set_new ();
  g_hash_table_iter_init (&iter, self->changes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &change))
    insert_change (copy, change);
  return copy;
}

static DeckToggle
toggle_for (gboolean value)
{
  return value ? DECK_TOGGLE_ON : DECK_TOGGLE_OFF;
}

/**
 * deck_change_set_inverse:
 * @self: an applied change set
 *
 * The change set that undoes @self once it was applied: each staged
 * direction goes back to its baseline, and the baseline is what @self
 * set, so that the drift check of the undo compares with the state @self
 * left. A peer that was in full replication is not put back into full
 * replication: applying @self turned it into per-table subscriptions, and
 * the undo restores the values of those, all on.
 *
 * Returns: (transfer full): the inverse change set
 */
DeckChangeSet *
deck_change_set_inverse (DeckChangeSet *self)
{
  DeckChangeSet *inverse;
  GHashTableIter iter;
  DeckChange *change;

  g_return_val_if_fail (DECK_IS_CHANGE_SET (self), NULL);

  inverse = deck_change_set_new ();
  g_hash_table_iter_init (&iter, self->changes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &change))
    {
      g_autoptr(DeckChange) undo = deck_change_copy (change);

      undo->baseline.publish = deck_change_get_desired_publish (change);
      undo->baseline.subscribe = deck_change_get_desired_subscribe (change);
      undo->baseline.replicates = FALSE;
      undo->publish = change->publish == DECK_TOGGLE_UNCHANGED
                      ? DECK_TOGGLE_UNCHANGED : toggle_for (change->baseline.publish);
      undo->subscribe = change->subscribe == DECK_TOGGLE_UNCHANGED
                        ? DECK_TOGGLE_UNCHANGED : toggle_for (change->baseline.subscribe);
      insert_change (inverse, undo);
    }
  return inverse;
}

/* Comparing and merging */

/**
 * deck_change_equal:
 * @a: (nullable): a change
 * @b: (nullable): another change
 *
 * Returns: whether both stage the same directions of the same table with
 *   the same baseline (two %NULL are equal)
 */
gboolean
deck_change_equal (const DeckChange *a,
                   const DeckChange *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_strcmp0 (a->instance_id, b->instance_id) == 0 &&
         g_strcmp0 (a->peer, b->peer) == 0 &&
         g_strcmp0 (a->database, b->database) == 0 &&
         g_strcmp0 (a->table, b->table) == 0 &&
         a->publish == b->publish &&
         a->subscribe == b->subscribe &&
         !a->baseline.publish == !b->baseline.publish &&
         !a->baseline.subscribe == !b->baseline.subscribe &&
         !a->baseline.replicates == !b->baseline.replicates;
}

/**
 * deck_change_set_equal:
 * @self: a change set
 * @other: another
 *
 * Returns: whether both stage exactly the same changes
 */
gboolean
deck_change_set_equal (DeckChangeSet *self,
                       DeckChangeSet *other)
{
  GHashTableIter iter;
  const char *key;
  DeckChange *change;

  g_return_val_if_fail (DECK_IS_CHANGE_SET (self), FALSE);
  g_return_val_if_fail (DECK_IS_CHANGE_SET (other), FALSE);

  if (g_hash_table_size (self->changes) != g_hash_table_size (other->changes))
    return FALSE;
  g_hash_table_iter_init (&iter, self->changes);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &change))
    {
      if (!deck_change_equal (change, g_hash_table_lookup (other->changes, key)))
        return FALSE;
    }
  return TRUE;
}

/**
 * deck_change_set_assign:
 * @self: a change set
 * @other: the changes it should stage
 *
 * Makes @self stage what @other stages, with one DeckChangeSet::changed
 * when that is a change.
 */
void
deck_change_set_assign (DeckChangeSet *self,
                        DeckChangeSet *other)
{
  GHashTableIter iter;
  DeckChange *change;

  g_return_if_fail (DECK_IS_CHANGE_SET (self));
  g_return_if_fail (DECK_IS_CHANGE_SET (other));

  if (self == other || deck_change_set_equal (self, other))
    return;

  g_hash_table_remove_all (self->changes);
  g_hash_table_iter_init (&iter, other->changes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &change))
    insert_change (self, change);
  emit_changed (self);
}

static void
add_keys (GHashTable *keys,
          GHashTable *changes)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, changes);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (keys, key);
}

/**
 * deck_change_set_merge:
 * @base: what both sides started from (the file as last read or written)
 * @ours: this process's changes since
 * @theirs: the file now, with another process's changes since
 *
 * A three-way merge, table by table: where only one side changed the
 * entry of a table (staged, unstaged or restaged it), that side's entry
 * is kept; where both did, ours is (it is the edit being made now). So the
 * switches the window staged and those clusterdeck-cli staged meanwhile are
 * all kept, and a Discard or an apply removes only what it saw.
 *
 * Returns: (transfer full): the merged changes
 */
DeckChangeSet *
deck_change_set_merge (DeckChangeSet *base,
                       DeckChangeSet *ours,
                       DeckChangeSet *theirs)
{
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
  DeckChangeSet *merged;
  GHashTableIter iter;
  const char *key;

  g_return_val_if_fail (DECK_IS_CHANGE_SET (base), NULL);
  g_return_val_if_fail (DECK_IS_CHANGE_SET (ours), NULL);
  g_return_val_if_fail (DECK_IS_CHANGE_SET (theirs), NULL);

  add_keys (keys, base->changes);
  add_keys (keys, ours->changes);
  add_keys (keys, theirs->changes);

  merged = deck_change_set_new ();
  g_hash_table_iter_init (&iter, keys);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, NULL))
    {
      const DeckChange *b = g_hash_table_lookup (base->changes, key);
      const DeckChange *o = g_hash_table_lookup (ours->changes, key);
      const DeckChange *t = g_hash_table_lookup (theirs->changes, key);
      const DeckChange *kept;

      if (deck_change_equal (o, b))
        kept = t;
      else
        kept = o;
      if (kept != NULL)
        insert_change (merged, kept);
    }
  return merged;
}
