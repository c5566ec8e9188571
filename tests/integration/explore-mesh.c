/* explore-mesh.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not a test: an exploration of what Harper does when one link of a
 * full-replication mesh of three nodes is converted to explicit
 * subscriptions. Prints cluster_status and system.hdb_nodes of every node
 * (credentials masked) and which directions carry data, per scenario.
 *
 *   explore-mesh SCENARIO     (current | staged | nowait | update)
 */

#include <string.h>

#include "harper-fixture.h"
#include "hdb-test-helpers.h"

#define DB "mesh"
#define N  3

static HarperFixture *cluster;
static HdbClient *clients[N];
static char *authorization;
static gint64 next_id = 1;
static gint64 t0;

static double
now_s (void)
{
  return (g_get_monotonic_time () - t0) / 1e6;
}

static const char *
name (guint i)
{
  return harper_fixture_get_node_name (cluster, i);
}

static void
dump_status (guint i)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HdbClusterStatus) status = HDB_SYNC (clients[i], cluster_status, &error);

  if (status == NULL)
    {
      g_print ("  %s: cluster_status failed: %s\n", name (i), error->message);
      return;
    }
  g_print ("  [%.2f] %s status:", now_s (), name (i));
  if (status->connections->len == 0)
    g_print (" (no connections)");
  g_print ("\n");
  for (guint k = 0; k < status->connections->len; k++)
    {
      const HdbConnection *c = g_ptr_array_index (status->connections, k);
      g_autoptr(GString) subs = g_string_new (NULL);

      for (guint s = 0; s < c->subscriptions->len; s++)
        {
          const HdbSubscription *sub = g_ptr_array_index (c->subscriptions, s);

          g_string_append_printf (subs, " %s.%s:%s%s", sub->database, sub->table,
                                  sub->publish ? "P" : "-", sub->subscribe ? "S" : "-");
        }
      g_print ("     → %s replicates=%d connected=%d subs=[%s ]\n", c->name, c->replicates,
               hdb_connection_is_connected (c), subs->str);
    }
}

static void
dump_nodes (guint i)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = hdb_test_call (clients[i],
                                            "{\"operation\":\"search_by_value\",\"database\":\"system\","
                                            "\"table\":\"hdb_nodes\",\"search_attribute\":\"name\","
                                            "\"search_value\":\"*\",\"get_attributes\":[\"name\","
                                            "\"replicates\",\"subscriptions\",\"url\"]}",
                                            &error);
  g_autofree char *text = NULL;

  if (node == NULL)
    {
      g_print ("  %s hdb_nodes: %s\n", name (i), error->message);
      return;
    }
  text = json_to_string (node, FALSE);
  g_print ("  [%.2f] %s hdb_nodes: %s\n", now_s (), name (i), text);
}

static void
dump_all (const char *label)
{
  g_print ("--- %s\n", label);
  for (guint i = 0; i < N; i++)
    {
      dump_status (i);
      dump_nodes (i);
    }
}

static void
remove_node (guint on,
             guint peer)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = HDB_SYNC (clients[on], remove_node, &error, HDB_ENGINE_NATIVE,
                                       name (peer));

  g_print ("  [%.2f] remove_node %s on %s: %s\n", now_s (), name (peer), name (on),
           message ? message : error->message);
}

static void
add_node (guint      on,
          guint      peer,
          GPtrArray *subs,
          gboolean   update)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  HdbNodeSpec spec = {
    .engine = HDB_ENGINE_NATIVE,
    .name = name (peer),
    .url = harper_fixture_get_repl_url (cluster, peer),
    .authorization = authorization,
    .retain_authorization = TRUE,
    .subscriptions = subs,
  };

  if (update)
    message = HDB_SYNC (clients[on], update_node, &error, &spec);
  else
    message = HDB_SYNC (clients[on], add_node, &error, &spec);
  g_print ("  [%.2f] %s %s on %s (%s): %s\n", now_s (), update ? "update_node" : "add_node",
           name (peer), name (on), subs ? "subscriptions" : "full",
           message ? message : error->message);
}

static GPtrArray *
subs_all (gboolean a_publish,
          gboolean a_subscribe)
{
  GPtrArray *subs = g_ptr_array_new_with_free_func ((GDestroyNotify) hdb_subscription_free);

  g_ptr_array_add (subs, hdb_subscription_new (DB, "a", a_subscribe, a_publish));
  g_ptr_array_add (subs, hdb_subscription_new (DB, "b", TRUE, TRUE));
  return subs;
}

static void
flows (const char *label)
{
  g_print ("--- flows %s\n", label);
  for (guint t = 0; t < 2; t++)
    {
      const char *table = t == 0 ? "a" : "b";

      for (guint from = 0; from < N; from++)
        for (guint to = 0; to < N; to++)
          {
            gint64 id = next_id++;

            if (from == to)
              continue;
            hdb_test_insert (clients[from], DB, table, id, "probe");
            g_print ("  %s.%s %s → %s: %s\n", DB, table, name (from), name (to),
                     hdb_test_wait_record (clients[to], DB, table, id, 4000) ? "flows"
                                                                           : "does not flow");
          }
    }
}

static void
mesh_up (void)
{
  for (guint i = 0; i < N; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *m1 = HDB_SYNC (clients[i], create_database, &error, DB);
      g_autofree char *m2 = NULL;
      g_autofree char *m3 = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (m1);
      m2 = HDB_SYNC (clients[i], create_table, &error, DB, "a", "id");
      g_assert_no_error (error);
      m3 = HDB_SYNC (clients[i], create_table, &error, DB, "b", "id");
      g_assert_no_error (error);
    }
  add_node (0, 1, NULL, FALSE);
  add_node (0, 2, NULL, FALSE);
  for (guint i = 0; i < N; i++)
    for (guint j = 0; j < N; j++)
      if (i != j && !hdb_test_wait_link (clients[i], name (j), TRUE, 30000))
        g_print ("  %s → %s did not come up\n", name (i), name (j));
  g_print ("  [%.2f] mesh up\n", now_s ());
}

static gboolean
quiet (void)
{
  for (guint i = 0; i < N; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HdbClusterStatus) status = HDB_SYNC (clients[i], cluster_status, &error);

      if (status == NULL || status->connections->len > 0)
        return FALSE;
    }
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  const char *scenario = argc > 1 ? argv[1] : "current";

  cluster = harper_fixture_start (N, HARPER_FIXTURE_DEFAULT, &error);
  if (cluster == NULL)
    g_error ("%s", error->message);
  authorization = hdb_basic_authorization (harper_fixture_get_username (cluster),
                                           harper_fixture_get_password (cluster));
  for (guint i = 0; i < N; i++)
    clients[i] = hdb_test_client (harper_fixture_get_url (cluster, i),
                                  harper_fixture_get_username (cluster),
                                  harper_fixture_get_password (cluster));
  g_print ("Harper %s, scenario %s\n", harper_fixture_get_version (cluster), scenario);
  t0 = g_get_monotonic_time ();

  mesh_up ();
  dump_all ("full mesh");
  flows ("full mesh");

  if (g_str_equal (scenario, "current"))
    {
      /* What the applier does today for node1 → node2 a: publish off. */
      g_autoptr(GPtrArray) subs = subs_all (FALSE, TRUE);

      g_print ("=== current: node1 remove node2, node2 remove node1, node1 add node2\n");
      remove_node (0, 1);
      remove_node (1, 0);
      add_node (0, 1, subs, FALSE);
      dump_all ("at once");
      test_util_spin (3000);
      dump_all ("after 3 s");
      flows ("after");
      dump_all ("after the flows");
    }
  else if (g_str_equal (scenario, "update"))
    {
      g_autoptr(GPtrArray) subs = subs_all (FALSE, TRUE);

      g_print ("=== update: node1 update_node node2 (a publish off)\n");
      add_node (0, 1, subs, TRUE);
      dump_all ("at once");
      test_util_spin (3000);
      dump_all ("after 3 s");
      flows ("after");
    }
  else
    {
      gboolean wait = g_str_equal (scenario, "staged");
      g_autoptr(GPtrArray) s12 = subs_all (FALSE, TRUE);
      g_autoptr(GPtrArray) s13 = subs_all (TRUE, TRUE);
      g_autoptr(GPtrArray) s23 = subs_all (TRUE, TRUE);

      g_print ("=== %s: every node removes every peer, then one add_node per link\n", scenario);
      for (guint i = 0; i < N; i++)
        for (guint j = 0; j < N; j++)
          if (i != j)
            remove_node (i, j);
      dump_all ("after the removals");
      if (wait)
        {
          gint64 start = g_get_monotonic_time ();

          while (!quiet () && g_get_monotonic_time () - start < 30 * G_USEC_PER_SEC)
            test_util_spin (100);
          g_print ("  [%.2f] quiet after %.2f s\n", now_s (),
                   (g_get_monotonic_time () - start) / 1e6);
          dump_all ("quiet");
        }
      add_node (0, 1, s12, FALSE);
      add_node (0, 2, s13, FALSE);
      add_node (1, 2, s23, FALSE);
      dump_all ("at once");
      test_util_spin (3000);
      dump_all ("after 3 s");
      flows ("after");
      dump_all ("after the flows");
    }

  for (guint i = 0; i < N; i++)
    g_clear_object (&clients[i]);
  harper_fixture_free (cluster);
  return 0;
}
