/* deck-plan-loader.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the window needs around a plan: reading the state of every instance
 * that pending changes name, in parallel, without blocking. The pending
 * changes themselves live in DeckPending (deck-pending.c).
 */

#define G_LOG_DOMAIN "deck-plan-loader"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "deck-plan-loader.h"
#include "hdb-capabilities.h"
#include "hdb-client.h"

/* Loading ------------------------------------------------------------------ */

typedef struct
{
  DeckChangeSet *changes;
  GHashTable    *clients;     /* id → HdbClient */
  GHashTable    *statuses;    /* id → HdbClusterStatus */
  GHashTable    *schemas;     /* id → HdbSchema */
  GHashTable    *versions;    /* id → Harper version */
  GHashTable    *known;       /* node name → Harper version, the caller's (nullable) */
  GHashTable    *unreadable;  /* id → message */
  guint          n_waiting;
  gboolean       peers_read;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->changes);
  g_clear_pointer (&data->clients, g_hash_table_unref);
  g_clear_pointer (&data->statuses, g_hash_table_unref);
  g_clear_pointer (&data->schemas, g_hash_table_unref);
  g_clear_pointer (&data->versions, g_hash_table_unref);
  g_clear_pointer (&data->known, g_hash_table_unref);
  g_clear_pointer (&data->unreadable, g_hash_table_unref);
  g_free (data);
}

typedef struct
{
  GTask *task;
  char  *instance_id;
} Request;

static void read_instance (GTask      *task,
                           const char *instance_id,
                           HdbClient  *client);

/* The version the caller knows of @node_name, or NULL */
static const char *
known_version (LoadData   *data,
               const char *node_name)
{
  if (data->known == NULL || node_name == NULL)
    return NULL;
  return g_hash_table_lookup (data->known, node_name);
}

/* Whether a change needs the states of the other instances: a native link
 * in full replication, whose mesh is converted as one unit on all of its
 * instances; or an explicit native link where the instance's or (as the
 * caller knows it) the peer's version does not change a link in place
 * (hdb-capabilities.h): it is made anew on both sides
 * (deck_plan_new_versioned()). Between versions that do (4.4), an explicit
 * link is one update_node and the peers are not read: one that does not
 * answer would hold the plan up for its timeout. */
static gboolean
needs_peers (LoadData *data)
{
  g_autoptr(GPtrArray) list = deck_change_set_dup_changes (data->changes);

  for (guint i = 0; i < list->len; i++)
    {
      const DeckChange *change = g_ptr_array_index (list, i);
      const HdbClusterStatus *status = g_hash_table_lookup (data->statuses, change->instance_id);
      const HdbConnection *conn = status ? hdb_cluster_status_find_connection (status,
                                                                               change->peer)
                                         : NULL;
      const HdbCapabilities *own, *peer;
      const char *own_version;

      if (conn == NULL)
        continue;
      if (conn->replicates)
        return TRUE;
      /* The version read, else the caller's (as the plan gets them). */
      own_version = g_hash_table_lookup (data->versions, change->instance_id);
      if (own_version == NULL)
        own_version = known_version (data, status->node_name);
      own = hdb_capabilities_for_version (own_version);
      peer = hdb_capabilities_for_version (known_version (data, conn->name));
      if (status->engine == HDB_ENGINE_NATIVE &&
          ((own->known && !own->updates_in_place) || (peer->known && !peer->updates_in_place)))
        return TRUE;
    }
  return FALSE;
}

static void
load_step_done (GTask *task)
{
  LoadData *data = g_task_get_task_data (task);
  DeckPlan *plan;

  if (--data->n_waiting > 0)
    return;
  if (g_task_return_error_if_cancelled (task))
    return;

  if (!data->peers_read && needs_peers (data))
    {
      GHashTableIter iter;
      gpointer id, client;

      /* The other instances, all at once, with one count held until every
       * read is sent. */
      data->peers_read = TRUE;
      data->n_waiting = 1;
      g_hash_table_iter_init (&iter, data->clients);
      while (g_hash_table_iter_next (&iter, &id, &client))
        if (!g_hash_table_contains (data->statuses, id) &&
            !g_hash_table_contains (data->unreadable, id))
          read_instance (task, id, client);
      load_step_done (task);
      return;
    }

  /* All reads of an instance run at once: a schema whose instance's state
   * could not be read plays no part. */
  {
    GHashTableIter iter;
    gpointer id;

    g_hash_table_iter_init (&iter, data->unreadable);
    while (g_hash_table_iter_next (&iter, &id, NULL))
      g_hash_table_remove (data->schemas, id);
  }
  /* The versions by node name (hdb-capabilities.h: what update_node can
   * do depends on both sides'). */
  {
    g_autoptr(GHashTable) by_node = g_hash_table_new (g_str_hash, g_str_equal);
    GHashTableIter iter;
    gpointer id, status;

    g_hash_table_iter_init (&iter, data->statuses);
    while (g_hash_table_iter_next (&iter, &id, &status))
      {
        const char *version = g_hash_table_lookup (data->versions, id);
        const char *node = ((HdbClusterStatus *) status)->node_name;

        if (version != NULL && node != NULL)
          g_hash_table_insert (by_node, (gpointer) node, (gpointer) version);
      }
    /* The caller's, for the nodes whose version was not read. */
    if (data->known != NULL)
      {
        gpointer node, version;

        g_hash_table_iter_init (&iter, data->known);
        while (g_hash_table_iter_next (&iter, &node, &version))
          if (!g_hash_table_contains (by_node, node))
            g_hash_table_insert (by_node, node, version);
      }
    plan = deck_plan_new_versioned (data->changes, data->statuses, NULL, data->schemas, by_node);
  }
  g_task_return_pointer (task, plan, g_object_unref);
}

static void
on_version (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Request *request = user_data;
  LoadData *data = g_task_get_task_data (request->task);
  g_autoptr(HdbRegistrationInfo) info = NULL;

  /* Without it, the plan takes the version to update a link in place, as
   * 4.4 does. */
  info = hdb_client_registration_info_finish (HDB_CLIENT (source), result, NULL);
  if (info != NULL && info->version != NULL)
    g_hash_table_insert (data->versions, g_strdup (request->instance_id),
                         g_strdup (info->version));
  load_step_done (request->task);
  g_object_unref (request->task);
  g_free (request->instance_id);
  g_free (request);
}

static void
on_schema (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Request *request = user_data;
  LoadData *data = g_task_get_task_data (request->task);
  HdbSchema *schema;

  /* Without the schema, leaving full replication cannot list the other
   * tables: the plan says so as a problem. */
  schema = hdb_client_describe_all_finish (HDB_CLIENT (source), result, NULL);
  if (schema != NULL)
    g_hash_table_insert (data->schemas, g_strdup (request->instance_id), schema);
  load_step_done (request->task);
  g_object_unref (request->task);
  g_free (request->instance_id);
  g_free (request);
}

static void
on_status (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Request *request = user_data;
  LoadData *data = g_task_get_task_data (request->task);
  g_autoptr(GError) error = NULL;
  HdbClusterStatus *status;

  status = hdb_client_cluster_status_finish (HDB_CLIENT (source), result, &error);
  if (status != NULL)
    g_hash_table_insert (data->statuses, g_strdup (request->instance_id), status);
  else
    g_hash_table_insert (data->unreadable, g_strdup (request->instance_id),
                         g_strdup (error->message));
  load_step_done (request->task);
  g_object_unref (request->task);
  g_free (request->instance_id);
  g_free (request);
}

static void
read_instance (GTask      *task,
               const char *instance_id,
               HdbClient  *client)
{
  LoadData *data = g_task_get_task_data (task);

  /* The state, the schema and the version at once: none waits for
   * another. */
  for (guint k = 0; k < 3; k++)
    {
      Request *request = g_new0 (Request, 1);

      request->task = g_object_ref (task);
      request->instance_id = g_strdup (instance_id);
      data->n_waiting++;
      if (k == 0)
        hdb_client_cluster_status_async (client, g_task_get_cancellable (task), on_status,
                                         request);
      else if (k == 1)
        hdb_client_describe_all_async (client, g_task_get_cancellable (task), on_schema,
                                       request);
      else
        hdb_client_registration_info_async (client, g_task_get_cancellable (task), on_version,
                                            request);
    }
}

/**
 * deck_plan_load_async:
 * @changes: the changes to plan
 * @clients: (element-type utf8 HdbClient): instance id → a client of it,
 *   for every instance the changes name and the others they may need (the
 *   instances of the organization)
 * @cancellable: (nullable): a cancellable
 * @callback: called with the plan
 * @user_data: data for @callback
 *
 * Reads `cluster_status`, `describe_all` and `registration_info` (the
 * version) of every instance @changes names, all at once, and plans
 * @changes against them. When a change is about a link in full
 * replication, the other instances of @clients are read too: the whole
 * mesh is converted as one unit (deck_plan_new_full()); so they are when
 * a link is made anew on both sides because the instance's version does not
 * change links in place (deck_plan_new_versioned()).
 * An instance without a client, or that cannot be read, is left out: the
 * plan lists its changes as problems, and deck_plan_load_finish() says
 * why.
 */
void
deck_plan_load_async (DeckChangeSet       *changes,
                      GHashTable          *clients,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  deck_plan_load_versioned_async (changes, clients, NULL, cancellable, callback, user_data);
}

/**
 * deck_plan_load_versioned_async:
 * @changes: the changes to plan
 * @clients: (element-type utf8 HdbClient): as for deck_plan_load_async()
 * @known_versions: (nullable) (element-type utf8 utf8): node name → Harper
 *   version, as the caller knows them (the store): a peer's version tells
 *   whether a link to it is changed in place or made anew, also when the
 *   peer itself is not read
 * @cancellable: (nullable): a cancellable
 * @callback: called with the plan
 * @user_data: data for @callback
 *
 * deck_plan_load_async(), with the versions the caller knows: the other
 * instances are read too when the peer's version, not only the instance's,
 * does not change a link in place (a 4.4 instance linked to a 4.7 one). A
 * version read from the server wins over the caller's.
 */
void
deck_plan_load_versioned_async (DeckChangeSet       *changes,
                                GHashTable          *clients,
                                GHashTable          *known_versions,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GHashTable) seen = NULL;
  LoadData *data;

  g_return_if_fail (DECK_IS_CHANGE_SET (changes));
  g_return_if_fail (clients != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, deck_plan_load_async);
  data = g_new0 (LoadData, 1);
  data->changes = deck_change_set_copy (changes);
  data->clients = g_hash_table_ref (clients);
  data->statuses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) hdb_cluster_status_free);
  data->schemas = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) hdb_schema_free);
  data->versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  data->known = known_versions != NULL ? g_hash_table_ref (known_versions) : NULL;
  data->unreadable = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);

  /* One extra count, dropped below, so that the plan is made once, after
   * every request was at least sent. */
  data->n_waiting = 1;
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  list = deck_change_set_dup_changes (data->changes);
  for (guint i = 0; i < list->len; i++)
    {
      const DeckChange *change = g_ptr_array_index (list, i);
      HdbClient *client;

      if (!g_hash_table_add (seen, change->instance_id))
        continue;
      client = g_hash_table_lookup (clients, change->instance_id);
      if (client == NULL)
        {
          g_hash_table_insert (data->unreadable, g_strdup (change->instance_id),
                               g_strdup (_("The instance is not in the organization any more, "
                                           "or its password is not known.")));
          continue;
        }
      read_instance (task, change->instance_id, client);
    }
  load_step_done (task);
}

/**
 * deck_plan_load_finish:
 * @result: the result
 * @unreadable: (out) (optional) (transfer full) (element-type utf8 utf8):
 *   instance id → why it could not be read
 * @error: return location for an error (only cancellation)
 *
 * Returns: (transfer full): the plan, or %NULL when cancelled
 */
DeckPlan *
deck_plan_load_finish (GAsyncResult  *result,
                       GHashTable   **unreadable,
                       GError       **error)
{
  GTask *task = G_TASK (result);
  LoadData *data = g_task_get_task_data (task);

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  if (unreadable != NULL)
    *unreadable = data ? g_hash_table_ref (data->unreadable) : NULL;
  return g_task_propagate_pointer (task, error);
}
