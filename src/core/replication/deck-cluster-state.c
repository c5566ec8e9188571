/* deck-cluster-state.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An organization's replication as its instances report it, read all at
 * once (cluster_status and describe_all of every instance, in parallel,
 * each with its client's timeout and the caller's cancellable), and the two
 * things made from it without another request:
 *
 * - the cluster file (deck-cluster-file.c) that `export` writes;
 * - the change set that brings the live state to a file's (`plan -f`,
 *   `apply -f`). It is an ordinary change set with the loaded state as its
 *   baselines, so that the plan, the review, the drift check before
 *   applying and the applier are the ones every other change goes through.
 *   What a change set cannot express (a connection to make or to remove, a
 *   link to put back into full replication) is not guessed at: it is
 *   listed, for people, as unresolved.
 */

#define G_LOG_DOMAIN "deck-cluster-state"

#include "config.h"

#include <stdlib.h>

#include <glib/gi18n-lib.h>

#include "deck-cluster-state.h"
#include "hdb-client.h"

void
deck_cluster_state_free (DeckClusterState *state)
{
  if (state == NULL)
    return;
  g_ptr_array_unref (state->instances);
  g_hash_table_unref (state->statuses);
  g_hash_table_unref (state->schemas);
  g_hash_table_unref (state->unreadable);
  g_free (state);
}

/* Reading ------------------------------------------------------------------ */

typedef struct
{
  DeckClusterState *state;
  guint             n_waiting;
} ReadData;

static void
read_data_free (ReadData *data)
{
  g_clear_pointer (&data->state, deck_cluster_state_free);
  g_free (data);
}

typedef struct
{
  GTask *task;
  char  *instance_id;
} Request;

static void
request_done (Request *request)
{
  ReadData *data = g_task_get_task_data (request->task);
  GTask *task = request->task;

  g_free (request->instance_id);
  g_free (request);
  if (--data->n_waiting == 0 && !g_task_return_error_if_cancelled (task))
    g_task_return_pointer (task, g_steal_pointer (&data->state),
                           (GDestroyNotify) deck_cluster_state_free);
  g_object_unref (task);
}

static void
on_status (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Request *request = user_data;
  ReadData *data = g_task_get_task_data (request->task);
  g_autoptr(GError) error = NULL;
  HdbClusterStatus *status;

  status = hdb_client_cluster_status_finish (HDB_CLIENT (source), result, &error);
  if (status != NULL)
    g_hash_table_insert (data->state->statuses, g_strdup (request->instance_id), status);
  else
    g_hash_table_insert (data->state->unreadable, g_strdup (request->instance_id),
                         g_strdup (error->message));
  request_done (request);
}

static void
on_schema (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Request *request = user_data;
  ReadData *data = g_task_get_task_data (request->task);
  HdbSchema *schema;

  /* Without the schema, the counts of `check` and the tables of a link in
   * full replication are unknown; the callers say so where they need it. */
  schema = hdb_client_describe_all_finish (HDB_CLIENT (source), result, NULL);
  if (schema != NULL)
    g_hash_table_insert (data->state->schemas, g_strdup (request->instance_id), schema);
  request_done (request);
}

/**
 * deck_cluster_state_read_async:
 * @instances: (element-type DeckInstance): the instances to read
 * @clients: (element-type utf8 HdbClient): instance id → a client of it
 * @cancellable: (nullable): a cancellable
 * @callback: called with the state
 * @user_data: data for @callback
 *
 * Reads `cluster_status` and `describe_all` of every instance of
 * @instances at once. An instance without a client, or whose status
 * cannot be read, goes into the state's @unreadable with the reason.
 */
void
deck_cluster_state_read_async (GPtrArray           *instances,
                               GHashTable          *clients,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ReadData *data;

  g_return_if_fail (instances != NULL);
  g_return_if_fail (clients != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, deck_cluster_state_read_async);
  data = g_new0 (ReadData, 1);
  data->state = g_new0 (DeckClusterState, 1);
  data->state->instances = g_ptr_array_new_with_free_func (g_object_unref);
  data->state->statuses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                 (GDestroyNotify) hdb_cluster_status_free);
  data->state->schemas = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) hdb_schema_free);
  data->state->unreadable = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_task_set_task_data (task, data, (GDestroyNotify) read_data_free);

  /* One count held until every request is sent: the state is returned
   * once, after the last answer. */
  data->n_waiting = 1;
  for (guint i = 0; i < instances->len; i++)
    {
      DeckInstance *instance = g_ptr_array_index (instances, i);
      const char *id = deck_instance_get_id (instance);
      HdbClient *client = g_hash_table_lookup (clients, id);

      g_ptr_array_add (data->state->instances, g_object_ref (instance));
      if (client == NULL)
        {
          g_hash_table_insert (data->state->unreadable, g_strdup (id),
                               g_strdup (_("Its password is not known.")));
          continue;
        }
      for (guint k = 0; k < 2; k++)
        {
          Request *request = g_new0 (Request, 1);

          request->task = g_object_ref (task);
          request->instance_id = g_strdup (id);
          data->n_waiting++;
          if (k == 0)
            hdb_client_cluster_status_async (client, cancellable, on_status, request);
          else
            hdb_client_describe_all_async (client, cancellable, on_schema, request);
        }
    }
  {
    Request *request = g_new0 (Request, 1);

    request->task = g_object_ref (task);
    request_done (request);
  }
}

/**
 * deck_cluster_state_read_finish:
 * @result: the result
 * @error: return location for an error (only cancellation)
 *
 * Returns: (transfer full) (nullable): the state, %NULL when cancelled
 */
DeckClusterState *
deck_cluster_state_read_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Names ---------------------------------------------------------------------- */

/**
 * deck_cluster_state_get_node_name:
 *
 * Returns: (nullable): @instance's node name as its status says
 */
const char *
deck_cluster_state_get_node_name (DeckClusterState *state,
                                  DeckInstance     *instance)
{
  const HdbClusterStatus *status = g_hash_table_lookup (state->statuses,
                                                        deck_instance_get_id (instance));

  return status != NULL ? status->node_name : NULL;
}

/**
 * deck_cluster_state_find_node:
 *
 * Returns: (transfer none) (nullable): the instance whose node name is
 *   @node_name
 */
DeckInstance *
deck_cluster_state_find_node (DeckClusterState *state,
                              const char       *node_name)
{
  for (guint i = 0; node_name != NULL && i < state->instances->len; i++)
    {
      DeckInstance *instance = g_ptr_array_index (state->instances, i);

      if (g_strcmp0 (deck_cluster_state_get_node_name (state, instance), node_name) == 0)
        return instance;
    }
  return NULL;
}

/* Export --------------------------------------------------------------------- */

/**
 * deck_cluster_state_export:
 * @state: the state read
 * @organization: (nullable): the organization's name
 *
 * An instance whose status could not be read is written with the engine
 * "unknown" and no connections; the caller says which were not read.
 *
 * Returns: (transfer full): the cluster file of @state
 */
DeckClusterFile *
deck_cluster_state_export (DeckClusterState *state,
                           const char       *organization)
{
  DeckClusterFile *file = deck_cluster_file_new (organization);

  for (guint i = 0; i < state->instances->len; i++)
    {
      DeckInstance *instance = g_ptr_array_index (state->instances, i);
      const HdbClusterStatus *status = g_hash_table_lookup (state->statuses,
                                                            deck_instance_get_id (instance));
      DeckClusterFileInstance *item;
      HdbEngine engine = HDB_ENGINE_UNKNOWN;

      if (status != NULL)
        engine = status->is_enabled || status->connections->len > 0 ? status->engine
                                                                     : HDB_ENGINE_NONE;
      item = deck_cluster_file_add_instance (file, deck_instance_get_name (instance),
                                             deck_instance_get_url (instance),
                                             deck_instance_get_username (instance),
                                             status != NULL ? status->node_name : NULL, engine);
      for (guint j = 0; status != NULL && j < status->connections->len; j++)
        {
          const HdbConnection *conn = g_ptr_array_index (status->connections, j);
          DeckClusterFileLink *link;

          if (conn->name == NULL)
            continue;
          link = deck_cluster_file_add_link (item, conn->name, conn->url, conn->replicates);
          for (guint k = 0; !conn->replicates && k < conn->subscriptions->len; k++)
            g_ptr_array_add (link->subscriptions,
                             hdb_subscription_copy (g_ptr_array_index (conn->subscriptions, k)));
        }
    }
  deck_cluster_file_sort (file);
  return file;
}

/* Diff ---------------------------------------------------------------------- */

/* "node2", or the peer's node name when it is not in the organization */
static const char *
peer_label (DeckClusterState *state,
            const char       *node_name)
{
  DeckInstance *peer = deck_cluster_state_find_node (state, node_name);

  return peer != NULL ? deck_instance_get_name (peer) : node_name;
}

static void
add_table (GHashTable *tables,
           const char *database,
           const char *table)
{
  if (g_strcmp0 (database, "system") == 0)
    return;
  g_hash_table_add (tables, g_strconcat (database, "\n", table, NULL));
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* Stages what differs between the file's link and the live connection,
 * table by table: a table neither lists is off both ways on both sides. */
static void
diff_link (DeckChangeSet             *changes,
           DeckInstance              *instance,
           const HdbConnection       *conn,
           const DeckClusterFileLink *link,
           const HdbSchema           *schema)
{
  g_autoptr(GHashTable) tables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree gpointer *keys = NULL;
  guint n_keys;

  for (guint i = 0; i < link->subscriptions->len; i++)
    {
      const HdbSubscription *sub = g_ptr_array_index (link->subscriptions, i);

      add_table (tables, sub->database, sub->table);
    }
  for (guint i = 0; i < conn->subscriptions->len; i++)
    {
      const HdbSubscription *sub = g_ptr_array_index (conn->subscriptions, i);

      add_table (tables, sub->database, sub->table);
    }
  /* A link in full replication carries every table: each one the file
   * does not list is to be switched off. */
  for (guint i = 0; conn->replicates && schema != NULL && i < schema->databases->len; i++)
    {
      const HdbDatabase *db = g_ptr_array_index (schema->databases, i);

      for (guint j = 0; j < db->tables->len; j++)
        add_table (tables, db->name, ((const HdbTable *) g_ptr_array_index (db->tables, j))->name);
    }

  /* In a stable order, so that the same difference gives the same plan. */
  keys = g_hash_table_get_keys_as_array (tables, &n_keys);
  qsort (keys, n_keys, sizeof (gpointer), compare_strings);
  for (guint i = 0; i < n_keys; i++)
    {
      g_auto(GStrv) parts = g_strsplit (keys[i], "\n", 2);
      gboolean publish = FALSE, subscribe = FALSE;
      DeckBaseline baseline;

      for (guint k = 0; k < link->subscriptions->len; k++)
        {
          const HdbSubscription *sub = g_ptr_array_index (link->subscriptions, k);

          if (g_str_equal (sub->database, parts[0]) && g_str_equal (sub->table, parts[1]))
            {
              publish = sub->publish;
              subscribe = sub->subscribe;
            }
        }
      deck_baseline_from_connection (conn, parts[0], parts[1], &baseline);
      if (publish != baseline.publish)
        deck_change_set_set_publish (changes, deck_instance_get_id (instance), conn->name,
                                     parts[0], parts[1], publish, &baseline);
      if (subscribe != baseline.subscribe)
        deck_change_set_set_subscribe (changes, deck_instance_get_id (instance), conn->name,
                                       parts[0], parts[1], subscribe, &baseline);
    }
}

static DeckInstance *
find_by_id (DeckClusterState *state,
                    const char       *instance_id)
{
  for (guint i = 0; i < state->instances->len; i++)
    {
      DeckInstance *instance = g_ptr_array_index (state->instances, i);

      if (g_strcmp0 (deck_instance_get_id (instance), instance_id) == 0)
        return instance;
    }
  return NULL;
}

static DeckInstance *
find_instance (DeckClusterState *state,
               const char       *name)
{
  for (guint i = 0; i < state->instances->len; i++)
    {
      DeckInstance *instance = g_ptr_array_index (state->instances, i);

      if (g_strcmp0 (deck_instance_get_name (instance), name) == 0)
        return instance;
    }
  return NULL;
}

static void
diff_instance (DeckClusterState              *state,
               const DeckClusterFileInstance *item,
               DeckChangeSet                 *changes,
               GPtrArray                     *unresolved)
{
  DeckInstance *instance = find_instance (state, item->name);
  const char *id;
  const HdbClusterStatus *status;

  if (instance == NULL)
    {
      g_ptr_array_add (unresolved,
                       g_strdup_printf (_("“%s” is in the file but not in the organization."),
                                        item->name));
      return;
    }
  id = deck_instance_get_id (instance);
  status = g_hash_table_lookup (state->statuses, id);
  if (status == NULL)
    {
      const char *why = g_hash_table_lookup (state->unreadable, id);

      g_ptr_array_add (unresolved, g_strdup_printf (_("“%s” could not be read: %s"), item->name,
                                                    why != NULL ? why : _("no answer")));
      return;
    }

  for (guint i = 0; i < item->links->len; i++)
    {
      const DeckClusterFileLink *link = g_ptr_array_index (item->links, i);
      const HdbConnection *conn = hdb_cluster_status_find_connection (status, link->peer);
      const char *peer = peer_label (state, link->peer);

      if (conn == NULL)
        g_ptr_array_add (unresolved,
                         g_strdup_printf (_("“%s” is not connected to “%s”: connect them "
                                            "(clusterdeck-cli connect %s %s)."),
                                          item->name, peer, item->name, peer));
      else if (link->full_replication && !conn->replicates)
        g_ptr_array_add (unresolved,
                         g_strdup_printf (_("“%s” and “%s” were in full replication: a plan "
                                            "changes per-table directions only; disconnect "
                                            "and connect them again to restore it."),
                                          item->name, peer));
      else if (!link->full_replication)
        diff_link (changes, instance, conn, link, g_hash_table_lookup (state->schemas, id));
    }

  for (guint i = 0; i < status->connections->len; i++)
    {
      const HdbConnection *conn = g_ptr_array_index (status->connections, i);
      const char *peer;

      if (conn->name == NULL || deck_cluster_file_find_link (item, conn->name) != NULL)
        continue;
      peer = peer_label (state, conn->name);
      g_ptr_array_add (unresolved,
                       g_strdup_printf (_("“%s” is connected to “%s”, which the file does not "
                                          "list: disconnect them to match it "
                                          "(clusterdeck-cli disconnect %s %s)."),
                                        item->name, peer, item->name, peer));
    }
}

/* Harper's native node records are mirrored: update_node on one instance
 * rewrites the peer's record of it too (its publish is the peer's
 * subscribe), as tests/cli/test-cli-cluster-file.sh sees on the servers. So
 * a file read from both sides asks for each native change twice, once as
 * its mirror image; only the first instance's is kept, so that the plan
 * sends the one operation that restores the link. A change whose mirror
 * differs (a file edited by hand) is kept on both sides, and NATS records,
 * which are each node's own, are never paired. */
static void
drop_mirrors (DeckClusterState *state,
              DeckChangeSet    *changes)
{
  g_autoptr(GPtrArray) list = deck_change_set_dup_changes (changes);

  for (guint i = 0; i < list->len; i++)
    {
      const DeckChange *change = g_ptr_array_index (list, i);
      DeckInstance *instance = find_by_id (state, change->instance_id);
      DeckInstance *peer = deck_cluster_state_find_node (state, change->peer);
      const HdbClusterStatus *mine, *theirs;
      const DeckChange *mirror;
      guint at_instance = 0, at_peer = 0;

      if (instance == NULL || peer == NULL)
        continue;
      mine = g_hash_table_lookup (state->statuses, change->instance_id);
      theirs = g_hash_table_lookup (state->statuses, deck_instance_get_id (peer));
      if (mine == NULL || theirs == NULL || mine->engine != HDB_ENGINE_NATIVE ||
          theirs->engine != HDB_ENGINE_NATIVE)
        continue;
      g_ptr_array_find (state->instances, instance, &at_instance);
      g_ptr_array_find (state->instances, peer, &at_peer);
      if (at_peer >= at_instance)
        continue;
      mirror = deck_change_set_lookup (changes, deck_instance_get_id (peer), mine->node_name,
                                       change->database, change->table);
      if (mirror != NULL && mirror->publish == change->subscribe &&
          mirror->subscribe == change->publish)
        deck_change_set_remove (changes, change->instance_id, change->peer, change->database,
                                change->table);
    }
}

/**
 * deck_cluster_state_diff:
 * @state: the live state
 * @file: the state wanted
 * @unresolved: (out) (transfer full) (element-type utf8): the differences
 *   no change set can express, a sentence each
 *
 * The changes that bring the per-table directions of @state to those of
 * @file, with the loaded state as their baselines (so that the drift check
 * before applying refuses a cluster that changed since). Instances of the
 * organization that the file does not list are left as they are.
 *
 * Returns: (transfer full): the changes, empty when nothing differs
 */
DeckChangeSet *
deck_cluster_state_diff (DeckClusterState      *state,
                         const DeckClusterFile *file,
                         GPtrArray            **unresolved)
{
  DeckChangeSet *changes = deck_change_set_new ();
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < file->instances->len; i++)
    diff_instance (state, g_ptr_array_index (file->instances, i), changes, problems);
  drop_mirrors (state, changes);

  if (unresolved != NULL)
    *unresolved = g_steal_pointer (&problems);
  return changes;
}
