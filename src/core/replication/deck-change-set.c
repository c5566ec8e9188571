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
 * The set is saved to a file as it is edited so that nothing is lost when
 * the app is closed or crashes; the file holds names and switches, never a
 * secret.
 */

#define G_LOG_DOMAIN "deck-change-set"

#include "config.h"

#include <errno.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "deck-change-set.h"

#define FILE_VERSION 1

G_DEFINE_QUARK (deck-change-set-error-quark, deck_change_set_error)

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
  g_autofree char *key = NULL;

  g_return_val_if_fail (DECK_IS_CHANGE_SET (self), NULL);

  key = make_key (instance_id, peer, database, table);
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

/* The file */

static void
add_toggle (JsonBuilder *builder,
            const char  *name,
            DeckToggle   toggle)
{
  /* An unchanged direction is left out rather than written as null, so
   * that the file says only what the user changed. */
  if (toggle == DECK_TOGGLE_UNCHANGED)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, toggle == DECK_TOGGLE_ON);
}

static JsonNode *
build_content (DeckChangeSet *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) changes = deck_change_set_dup_changes (self);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, FILE_VERSION);
  json_builder_set_member_name (builder, "changes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < changes->len; i++)
    {
      const DeckChange *change = g_ptr_array_index (changes, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "instance");
      json_builder_add_string_value (builder, change->instance_id);
      json_builder_set_member_name (builder, "peer");
      json_builder_add_string_value (builder, change->peer);
      json_builder_set_member_name (builder, "database");
      json_builder_add_string_value (builder, change->database);
      json_builder_set_member_name (builder, "table");
      json_builder_add_string_value (builder, change->table);
      add_toggle (builder, "publish", change->publish);
      add_toggle (builder, "subscribe", change->subscribe);
      json_builder_set_member_name (builder, "baseline");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "publish");
      json_builder_add_boolean_value (builder, change->baseline.publish);
      json_builder_set_member_name (builder, "subscribe");
      json_builder_add_boolean_value (builder, change->baseline.subscribe);
      json_builder_set_member_name (builder, "replicates");
      json_builder_add_boolean_value (builder, change->baseline.replicates);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * deck_change_set_save:
 * @self: a change set
 * @path: the file, usually pending.json under $XDG_STATE_HOME/clusterdeck
 * @error: return location for a %DECK_CHANGE_SET_ERROR_IO
 *
 * Writes the set atomically (a temporary file, flushed, renamed over the
 * old one), readable by its owner only, in a directory created 0700.
 *
 * Returns: %TRUE when the file was written
 */
gboolean
deck_change_set_save (DeckChangeSet  *self,
                      const char     *path,
                      GError        **error)
{
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *directory = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;
  int saved_errno;

  g_return_val_if_fail (DECK_IS_CHANGE_SET (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  root = build_content (self);
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, &length);

  directory = g_path_get_dirname (path);
  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      saved_errno = errno;
      g_set_error (error, DECK_CHANGE_SET_ERROR, DECK_CHANGE_SET_ERROR_IO,
                   _("Your pending changes could not be saved: the folder %s could not be "
                     "created: %s."),
                   directory, g_strerror (saved_errno));
      return FALSE;
    }

  if (!g_file_set_contents_full (path, data, (gssize) length,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, DECK_CHANGE_SET_ERROR, DECK_CHANGE_SET_ERROR_IO,
                   _("Your pending changes could not be saved: %s."), local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* Renames @path to "@path.@tag-YYYYMMDD-HHMMSS", with "-N" added when that
 * name is taken, and returns the new name: the user's changes are kept for
 * a human to look at rather than overwritten by the next save. */
static char *
set_aside (const char  *path,
           const char  *tag,
           GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *base = g_strdup_printf ("%s.%s-%s", path, tag, stamp);
  g_autofree char *target = g_strdup (base);
  GStatBuf buf;
  int saved_errno;

  /* lstat, not g_file_test: a dangling symlink is a taken name too. */
  for (guint n = 1; g_lstat (target, &buf) == 0; n++)
    {
      g_free (target);
      target = g_strdup_printf ("%s-%u", base, n);
    }

  if (g_rename (path, target) != 0)
    {
      saved_errno = errno;
      g_set_error (error, DECK_CHANGE_SET_ERROR, DECK_CHANGE_SET_ERROR_IO,
                   _("Your pending changes file %s could not be read, and could not be "
                     "moved aside to %s: %s. Nothing was changed."),
                   path, target, g_strerror (saved_errno));
      return NULL;
    }
  return g_steal_pointer (&target);
}

static gboolean
read_toggle (JsonObject  *object,
             const char  *name,
             DeckToggle  *toggle)
{
  JsonNode *node = json_object_get_member (object, name);

  *toggle = DECK_TOGGLE_UNCHANGED;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;
  *toggle = json_node_get_boolean (node) ? DECK_TOGGLE_ON : DECK_TOGGLE_OFF;
  return TRUE;
}

static gboolean
read_bool (JsonObject *object,
           const char *name,
           gboolean   *value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;
  *value = json_node_get_boolean (node);
  return TRUE;
}

static const char *
read_name (JsonObject *object,
           const char *name)
{
  JsonNode *node = json_object_get_member (object, name);
  const char *value;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  value = json_node_get_string (node);
  return value != NULL && *value != '\0' ? value : NULL;
}

/* Fills @changes from @root, or says why it cannot (a reason for people)
 * and returns FALSE; @version is set whenever the file has one. One bad
 * entry rejects the whole file: applying part of what the user staged
 * would be worse than showing the problem. */
static gboolean
parse_content (JsonNode   *root,
               GPtrArray  *changes,
               gint64     *version,
               char      **reason)
{
  JsonObject *object;
  JsonNode *node;
  JsonArray *array;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      *reason = g_strdup (_("it is not a JSON object"));
      return FALSE;
    }
  object = json_node_get_object (root);

  node = json_object_get_member (object, "version");
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      *reason = g_strdup (_("it has no version number"));
      return FALSE;
    }
  *version = json_node_get_int (node);
  if (*version != FILE_VERSION)
    return FALSE;

  node = json_object_get_member (object, "changes");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      *reason = g_strdup (_("it has no list of changes"));
      return FALSE;
    }
  array = json_node_get_array (node);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr(DeckChange) change = NULL;
      JsonObject *entry;
      JsonNode *baseline;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          *reason = g_strdup_printf (_("change %u is not an object"), i + 1);
          return FALSE;
        }
      entry = json_node_get_object (element);

      change = g_new0 (DeckChange, 1);
      change->instance_id = g_strdup (read_name (entry, "instance"));
      change->peer = g_strdup (read_name (entry, "peer"));
      change->database = g_strdup (read_name (entry, "database"));
      change->table = g_strdup (read_name (entry, "table"));
      baseline = json_object_get_member (entry, "baseline");

      if (change->instance_id == NULL || change->peer == NULL ||
          change->database == NULL || change->table == NULL ||
          !read_toggle (entry, "publish", &change->publish) ||
          !read_toggle (entry, "subscribe", &change->subscribe) ||
          baseline == NULL || !JSON_NODE_HOLDS_OBJECT (baseline) ||
          !read_bool (json_node_get_object (baseline), "publish", &change->baseline.publish) ||
          !read_bool (json_node_get_object (baseline), "subscribe", &change->baseline.subscribe) ||
          !read_bool (json_node_get_object (baseline), "replicates", &change->baseline.replicates))
        {
          *reason = g_strdup_printf (_("change %u is incomplete"), i + 1);
          return FALSE;
        }

      g_ptr_array_add (changes, g_steal_pointer (&change));
    }
  return TRUE;
}

/**
 * deck_change_set_load:
 * @self: a change set
 * @path: the file
 * @error: return location for a #DECK_CHANGE_SET_ERROR
 *
 * Replaces the content of @self with the file's. A missing file is an
 * empty set. A file that cannot be read, or that a newer Clusterdeck
 * wrote, is renamed so that the next save does not overwrite it; then
 * @self is empty and the error (%DECK_CHANGE_SET_ERROR_CORRUPT or
 * %DECK_CHANGE_SET_ERROR_NEWER) names the new name for the user. With
 * %DECK_CHANGE_SET_ERROR_IO the file is where it was and @self unchanged.
 *
 * Returns: %TRUE when the file was read or did not exist
 */
gboolean
deck_change_set_load (DeckChangeSet  *self,
                      const char     *path,
                      GError        **error)
{
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *number = NULL;
  gboolean valid = FALSE;
  gint64 version = FILE_VERSION;
  gsize length = 0;

  g_return_val_if_fail (DECK_IS_CHANGE_SET (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  changes = g_ptr_array_new_with_free_func ((GDestroyNotify) deck_change_free);

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      if (!g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_set_error (error, DECK_CHANGE_SET_ERROR, DECK_CHANGE_SET_ERROR_IO,
                       _("Your pending changes could not be read: %s."), local_error->message);
          return FALSE;
        }
      valid = TRUE;
    }
  else
    {
      parser = json_parser_new ();
      if (!json_parser_load_from_data (parser, contents, (gssize) length, &local_error))
        reason = g_strdup (local_error->message);
      else
        valid = parse_content (json_parser_get_root (parser), changes, &version, &reason);
    }

  if (valid)
    {
      g_hash_table_remove_all (self->changes);
      for (guint i = 0; i < changes->len; i++)
        insert_change (self, g_ptr_array_index (changes, i));
      emit_changed (self);
      return TRUE;
    }

  /* The version number goes in as a string: xgettext cannot read
   * G_GINT64_FORMAT inside a translatable string. */
  number = g_strdup_printf ("%" G_GINT64_FORMAT, version);
  if (reason == NULL && version > FILE_VERSION)
    {
      g_autofree char *tag = g_strdup_printf ("newer-v%s", number);

      aside = set_aside (path, tag, error);
      if (aside == NULL)
        return FALSE;
      g_set_error (error, DECK_CHANGE_SET_ERROR, DECK_CHANGE_SET_ERROR_NEWER,
                   _("Your pending changes were saved by a newer version of Clusterdeck "
                     "(format %s). They were kept as %s; this version cannot read them "
                     "and started without pending changes."),
                   number, aside);
    }
  else
    {
      if (reason == NULL)
        reason = g_strdup_printf (_("unknown format %s"), number);
      aside = set_aside (path, "corrupt", error);
      if (aside == NULL)
        return FALSE;
      g_set_error (error, DECK_CHANGE_SET_ERROR, DECK_CHANGE_SET_ERROR_CORRUPT,
                   _("Your pending changes could not be read (%s). They were kept as %s "
                     "and Clusterdeck started without pending changes."),
                   reason, aside);
    }

  g_hash_table_remove_all (self->changes);
  emit_changed (self);
  return FALSE;
}
