/* deck-cluster-check.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The consistency check (`clusterdeck-cli check`): for each pair of
 * connected instances of an organization and each table that should flow
 * between them, the record counts both report (describe_all, read at once
 * by deck_cluster_state_read_async()).
 *
 * Why it exists: Harper resumes a database's stream after the last record
 * the peer received, so records written while a direction was off may
 * never arrive once it is switched back on (DESIGN.md §5). Nothing else
 * tells. The counts are a cheap sign, not a proof: equal counts can hide
 * different records, and counts read while records are still on their way
 * differ for a moment. Harper may also report an estimated count for a
 * large table.
 */

#define G_LOG_DOMAIN "deck-cluster-check"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "deck-cluster-check.h"

void
deck_check_row_free (DeckCheckRow *row)
{
  if (row == NULL)
    return;
  g_free (row->instance);
  g_free (row->peer);
  g_free (row->database);
  g_free (row->table);
  g_free (row);
}

/* The count of a table on an instance, -1 when unknown or missing. */
static gint64
count_of (DeckClusterState *state,
          DeckInstance     *instance,
          const char       *database,
          const char       *table)
{
  const HdbSchema *schema = g_hash_table_lookup (state->schemas, deck_instance_get_id (instance));
  const HdbTable *found = schema != NULL ? hdb_schema_find_table (schema, database, table) : NULL;

  return found != NULL ? found->record_count : -1;
}

typedef struct
{
  DeckClusterState *state;
  GHashTable       *rows;     /* "i\nj\ndb\ntable" → DeckCheckRow */
  GPtrArray        *order;    /* the same rows, in the order found */
} Check;

/* Notes one table of the link from @a to @b (as @a's node record says):
 * @publish sends @a's records to @b, @subscribe takes @b's. The pair is
 * kept once, as (the earlier instance, the later). */
static void
add_flow (Check        *check,
          guint         a,
          guint         b,
          const char   *database,
          const char   *table,
          gboolean      publish,
          gboolean      subscribe)
{
  g_autofree char *key = NULL;
  DeckCheckRow *row;
  guint first = MIN (a, b), second = MAX (a, b);
  gboolean forward = a == first ? publish : subscribe;
  gboolean backward = a == first ? subscribe : publish;

  if ((!publish && !subscribe) || g_strcmp0 (database, "system") == 0)
    return;
  key = g_strdup_printf ("%u\n%u\n%s\n%s", first, second, database, table);
  row = g_hash_table_lookup (check->rows, key);
  if (row == NULL)
    {
      DeckInstance *x = g_ptr_array_index (check->state->instances, first);
      DeckInstance *y = g_ptr_array_index (check->state->instances, second);

      row = g_new0 (DeckCheckRow, 1);
      row->instance = g_strdup (deck_instance_get_name (x));
      row->peer = g_strdup (deck_instance_get_name (y));
      row->database = g_strdup (database);
      row->table = g_strdup (table);
      row->instance_count = count_of (check->state, x, database, table);
      row->peer_count = count_of (check->state, y, database, table);
      row->differs = row->instance_count < 0 || row->peer_count < 0 ||
                     row->instance_count != row->peer_count;
      g_hash_table_insert (check->rows, g_steal_pointer (&key), row);
      g_ptr_array_add (check->order, row);
    }
  row->to_peer |= forward;
  row->from_peer |= backward;
}

static guint
index_of (DeckClusterState *state,
          DeckInstance     *instance)
{
  guint index = 0;

  g_ptr_array_find (state->instances, instance, &index);
  return index;
}

/* Every table of @instance's schema but the system database's. */
static void
add_all_tables (Check        *check,
                guint         a,
                guint         b,
                DeckInstance *instance)
{
  const HdbSchema *schema = g_hash_table_lookup (check->state->schemas,
                                                 deck_instance_get_id (instance));

  for (guint i = 0; schema != NULL && i < schema->databases->len; i++)
    {
      const HdbDatabase *db = g_ptr_array_index (schema->databases, i);

      for (guint j = 0; j < db->tables->len; j++)
        add_flow (check, a, b, db->name,
                  ((const HdbTable *) g_ptr_array_index (db->tables, j))->name, TRUE, TRUE);
    }
}

static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  const DeckCheckRow *x = *(DeckCheckRow * const *) a;
  const DeckCheckRow *y = *(DeckCheckRow * const *) b;
  int by;

  if ((by = g_strcmp0 (x->instance, y->instance)) != 0 ||
      (by = g_strcmp0 (x->peer, y->peer)) != 0 ||
      (by = g_strcmp0 (x->database, y->database)) != 0)
    return by;
  return g_strcmp0 (x->table, y->table);
}

/**
 * deck_cluster_check:
 * @state: an organization's state, schemas included
 * @skipped: (out) (optional) (transfer full) (element-type utf8): what
 *   could not be checked, a sentence each (instances not read, peers
 *   outside the organization)
 *
 * Compares, for every pair of connected instances of @state and every
 * table that flows between them in at least one direction, the record
 * counts both report. A link in full replication carries every table
 * either side has (but the system database's).
 *
 * Returns: (transfer full) (element-type DeckCheckRow): the tables, sorted
 *   by instance, peer, database and table names
 */
GPtrArray *
deck_cluster_check (DeckClusterState  *state,
                    GPtrArray        **skipped)
{
  g_autoptr(GHashTable) rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *order = g_ptr_array_new_with_free_func ((GDestroyNotify) deck_check_row_free);
  Check check = { state, rows, order };

  for (guint a = 0; a < state->instances->len; a++)
    {
      DeckInstance *instance = g_ptr_array_index (state->instances, a);
      const char *id = deck_instance_get_id (instance);
      const HdbClusterStatus *status = g_hash_table_lookup (state->statuses, id);

      if (status == NULL)
        {
          const char *why = g_hash_table_lookup (state->unreadable, id);

          g_ptr_array_add (notes, g_strdup_printf (_("“%s” could not be read: %s"),
                                                   deck_instance_get_name (instance),
                                                   why != NULL ? why : _("no answer")));
          continue;
        }
      if (!g_hash_table_contains (state->schemas, id))
        g_ptr_array_add (notes, g_strdup_printf (_("The tables of “%s” could not be read."),
                                                 deck_instance_get_name (instance)));

      for (guint i = 0; i < status->connections->len; i++)
        {
          const HdbConnection *conn = g_ptr_array_index (status->connections, i);
          DeckInstance *peer = deck_cluster_state_find_node (state, conn->name);
          guint b;

          if (peer == NULL)
            {
              /* Known from the other side of the pair when the peer is
               * read; else it is outside the organization. */
              g_ptr_array_add (notes, g_strdup_printf (_("“%s” is connected to “%s”, which is "
                                                         "not an instance of the organization "
                                                         "that could be read."),
                                                       deck_instance_get_name (instance),
                                                       conn->name != NULL ? conn->name : "?"));
              continue;
            }
          b = index_of (state, peer);
          if (b == a)
            continue;
          if (conn->replicates)
            {
              add_all_tables (&check, a, b, instance);
              add_all_tables (&check, a, b, peer);
              continue;
            }
          for (guint k = 0; k < conn->subscriptions->len; k++)
            {
              const HdbSubscription *sub = g_ptr_array_index (conn->subscriptions, k);

              add_flow (&check, a, b, sub->database, sub->table, sub->publish, sub->subscribe);
            }
        }
    }

  g_ptr_array_sort (order, compare_rows);
  if (skipped != NULL)
    *skipped = g_steal_pointer (&notes);
  return order;
}

/**
 * deck_cluster_check_count_differ:
 * @rows: (element-type DeckCheckRow): what deck_cluster_check() returned
 *
 * Returns: how many of @rows differ
 */
guint
deck_cluster_check_count_differ (GPtrArray *rows)
{
  guint n = 0;

  g_return_val_if_fail (rows != NULL, 0);

  for (guint i = 0; i < rows->len; i++)
    if (((const DeckCheckRow *) g_ptr_array_index (rows, i))->differs)
      n++;
  return n;
}

/**
 * deck_cluster_check_summary:
 * @rows: (element-type DeckCheckRow): what deck_cluster_check() returned
 *
 * The check's outcome in a sentence or two, for `clusterdeck-cli check`
 * and the Record Counts window alike: where counts differ, what Harper
 * does not catch up is the reason for the check, so it is said where the
 * numbers are.
 *
 * Returns: (transfer full): the text, without a final newline
 */
char *
deck_cluster_check_summary (GPtrArray *rows)
{
  guint n_differ;

  g_return_val_if_fail (rows != NULL, NULL);

  n_differ = deck_cluster_check_count_differ (rows);
  if (n_differ == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u table checked: the same record count on both sides.",
                                         "%u tables checked: the same record counts on both sides.",
                                         rows->len), rows->len);
  return g_strdup_printf (_("Tables that differ: %u of %u. Records written while a direction was "
                            "off may never arrive after it is switched back on; records still "
                            "on their way make counts differ for a moment: check again to tell."),
                          n_differ, rows->len);
}
