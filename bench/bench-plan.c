/* bench-plan.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How many requests 1,000 staged toggles over 10 peers turn into, and how
 * long staging and planning them takes (DESIGN.md §5: a benchmark is a
 * program, never a timed assertion in a test). No GTK, no network.
 *
 * The cluster status is built by hand: one native instance "hub" with 10
 * connected peers, each with explicit subscriptions to the 100 tables of
 * database "dev" (mixed directions). 1,000 toggles, 100 per peer, each one
 * flips the direction it names away from what the peer has. Expected: one
 * update_node per peer, 10 requests in all.
 *
 * The second variant has the same 10 peers in full replication (native
 * `replicates`), and the instance's describe_all has the same 100 tables:
 * narrowing full replication takes a remove_node and an add_node per peer,
 * 20 requests in all.
 *
 * Usage: bench-plan [-n RUNS]   (default 201 runs after one warm-up)
 * Prints a table, then `key=value` lines.
 */

#define G_LOG_DOMAIN "bench-plan"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "deck-change-set.h"
#include "deck-plan.h"
#include "hdb-types.h"

#define N_PEERS   10
#define N_TABLES  100
#define N_TOGGLES 1000
#define INSTANCE  "hub"

static double
now_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

/* Sorts @v in place; the nearest-rank percentile @p (0..100). */
static double
percentile (double *v,
            guint   n,
            double  p)
{
  guint rank;

  qsort (v, n, sizeof (double), compare_doubles);
  rank = (guint) (p / 100.0 * n + 0.999999);
  if (rank < 1)
    rank = 1;
  if (rank > n)
    rank = n;
  return v[rank - 1];
}

/* Synthetic loaded state --------------------------------------------------- */

/* hdb-parse.c keeps the schema's own free functions private. */
static void
bench_table_free (HdbTable *table)
{
  g_free (table->name);
  g_free (table->primary_key);
  g_free (table);
}

static void
bench_database_free (HdbDatabase *db)
{
  g_free (db->name);
  g_clear_pointer (&db->tables, g_ptr_array_unref);
  g_free (db);
}

static void
bench_socket_free (HdbDatabaseSocket *socket)
{
  g_free (socket->database);
  g_free (socket->catching_up_from);
  g_free (socket);
}

static char *
table_name (guint t)
{
  return g_strdup_printf ("t%03u", t);
}

static char *
peer_name (guint p)
{
  return g_strdup_printf ("peer%02u", p);
}

/* The cluster_status of @self (INSTANCE when -1, else that peer): with
 * per-table subscriptions, the hub links to every peer; in full
 * replication, every node links to every other (Harper's shared hdb_nodes
 * makes it one mesh, and the plan needs every member's state). */
static HdbClusterStatus *
new_status (gboolean full_replication,
            int      self)
{
  HdbClusterStatus *status = g_new0 (HdbClusterStatus, 1);

  status->engine = HDB_ENGINE_NATIVE;
  status->node_name = self < 0 ? g_strdup (INSTANCE) : peer_name ((guint) self);
  status->is_enabled = TRUE;
  status->connections = g_ptr_array_new_with_free_func ((GDestroyNotify) hdb_connection_free);

  for (int p = -1; p < (int) N_PEERS; p++)
    {
      HdbConnection *conn;
      HdbDatabaseSocket *socket;

      if (p == self || (p < 0 && !full_replication) || (self >= 0 && !full_replication))
        continue;
      conn = g_new0 (HdbConnection, 1);
      socket = g_new0 (HdbDatabaseSocket, 1);
      conn->name = p < 0 ? g_strdup (INSTANCE) : peer_name ((guint) p);
      conn->url = g_strdup_printf ("wss://%s.example:9933", conn->name);
      conn->replicates = full_replication;
      conn->subscriptions = g_ptr_array_new_with_free_func ((GDestroyNotify) hdb_subscription_free);
      if (!full_replication)
        for (guint t = 0; t < N_TABLES; t++)
          {
            g_autofree char *table = table_name (t);

            /* Every mix of directions, table by table. */
            g_ptr_array_add (conn->subscriptions,
                             hdb_subscription_new ("dev", table, (t + p) % 2 == 0, (t + p) % 3 == 0));
          }
      conn->database_sockets = g_ptr_array_new_with_free_func ((GDestroyNotify) bench_socket_free);
      socket->database = g_strdup ("dev");
      socket->connected = TRUE;
      socket->latency = 0.5;
      socket->catching_up_from = g_strdup ("up-to-date");
      g_ptr_array_add (conn->database_sockets, socket);
      conn->latency_ms = -1;
      conn->has_authorization = TRUE;
      g_ptr_array_add (status->connections, conn);
    }
  return status;
}

static HdbSchema *
new_schema (void)
{
  HdbSchema *schema = g_new0 (HdbSchema, 1);
  HdbDatabase *dev = g_new0 (HdbDatabase, 1);
  HdbDatabase *system = g_new0 (HdbDatabase, 1);
  HdbTable *nodes = g_new0 (HdbTable, 1);

  schema->databases = g_ptr_array_new_with_free_func ((GDestroyNotify) bench_database_free);
  dev->name = g_strdup ("dev");
  dev->tables = g_ptr_array_new_with_free_func ((GDestroyNotify) bench_table_free);
  for (guint t = 0; t < N_TABLES; t++)
    {
      HdbTable *table = g_new0 (HdbTable, 1);

      table->name = table_name (t);
      table->primary_key = g_strdup ("id");
      table->record_count = 1000;
      g_ptr_array_add (dev->tables, table);
    }
  g_ptr_array_add (schema->databases, dev);

  /* Never part of a subscription list; the plan must skip it. */
  system->name = g_strdup ("system");
  system->tables = g_ptr_array_new_with_free_func ((GDestroyNotify) bench_table_free);
  nodes->name = g_strdup ("hdb_nodes");
  nodes->primary_key = g_strdup ("name");
  g_ptr_array_add (system->tables, nodes);
  g_ptr_array_add (schema->databases, system);
  return schema;
}

/* Staging, the way the grid does it: the baseline comes from the loaded
 * connection, and each toggle flips its direction away from it. */
static DeckChangeSet *
stage_toggles (const HdbClusterStatus *status)
{
  DeckChangeSet *changes = deck_change_set_new ();

  for (guint i = 0; i < N_TOGGLES; i++)
    {
      g_autofree char *peer = peer_name (i % N_PEERS);
      g_autofree char *table = table_name ((i / N_PEERS) % N_TABLES);
      const HdbConnection *conn = hdb_cluster_status_find_connection (status, peer);
      DeckBaseline baseline;

      deck_baseline_from_connection (conn, "dev", table, &baseline);
      /* Half the toggles are publish, half subscribe, on every peer. */
      if ((i / N_PEERS) % 2 == 0)
        deck_change_set_set_publish (changes, INSTANCE, peer, "dev", table,
                                     !baseline.publish, &baseline);
      else
        deck_change_set_set_subscribe (changes, INSTANCE, peer, "dev", table,
                                       !baseline.subscribe, &baseline);
    }
  return changes;
}

/* One variant ---------------------------------------------------------------- */

typedef struct
{
  const char *key;
  guint       n_changes;
  guint       n_requests;
  guint       n_update;
  guint       n_remove;
  guint       n_add;
  guint       n_problems;
  guint       n_subscriptions;   /* summed over the operations' lists */
  gboolean    drift_ok;
  double      stage_median, stage_min, stage_p95, stage_max;
  double      plan_median, plan_min, plan_p95, plan_max;
  double      drift_median;
} Variant;

static void
run_variant (Variant  *v,
             gboolean  full_replication,
             guint     runs)
{
  g_autoptr(GHashTable) statuses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) hdb_cluster_status_free);
  g_autoptr(GHashTable) schemas = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) hdb_schema_free);
  g_autoptr(GHashTable) engines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(DeckChangeSet) changes = NULL;
  g_autoptr(DeckPlan) plan = NULL;
  g_autofree double *stage = g_new (double, runs);
  g_autofree double *planning = g_new (double, runs);
  g_autofree double *drift = g_new (double, runs);
  const HdbClusterStatus *status;
  g_autoptr(GError) error = NULL;
  GPtrArray *ops;
  GHashTableIter iter;
  gpointer instance;

  g_hash_table_insert (statuses, g_strdup (INSTANCE), new_status (full_replication, -1));
  g_hash_table_insert (schemas, g_strdup (INSTANCE), new_schema ());
  g_hash_table_insert (engines, g_strdup (INSTANCE), GINT_TO_POINTER (HDB_ENGINE_NATIVE));
  /* Converting one link of a full-replication mesh converts them all: the
   * plan reads every member's state. */
  for (guint p = 0; full_replication && p < N_PEERS; p++)
    {
      g_hash_table_insert (statuses, peer_name (p), new_status (TRUE, (int) p));
      g_hash_table_insert (schemas, peer_name (p), new_schema ());
      g_hash_table_insert (engines, peer_name (p), GINT_TO_POINTER (HDB_ENGINE_NATIVE));
    }
  status = g_hash_table_lookup (statuses, INSTANCE);

  /* Warm-up, and the plan whose shape is reported. */
  changes = stage_toggles (status);
  plan = deck_plan_new_full (changes, statuses, engines, schemas);

  for (guint r = 0; r < runs; r++)
    {
      g_autoptr(DeckChangeSet) staged = NULL;
      g_autoptr(DeckPlan) timed = NULL;
      double t0, t1, t2, t3;
      gboolean ok;

      t0 = now_us ();
      staged = stage_toggles (status);
      t1 = now_us ();
      timed = deck_plan_new_full (staged, statuses, engines, schemas);
      t2 = now_us ();
      ok = deck_plan_check_drift (timed, statuses, NULL);
      t3 = now_us ();
      g_assert (ok);
      stage[r] = t1 - t0;
      planning[r] = t2 - t1;
      drift[r] = t3 - t2;
    }

  v->n_changes = deck_change_set_get_n_changes (changes);
  v->n_requests = deck_plan_get_n_requests (plan);
  v->n_problems = deck_plan_get_problems (plan)->len;
  for (guint i = 0; i < v->n_problems; i++)
    {
      const DeckPlanProblem *problem = g_ptr_array_index (deck_plan_get_problems (plan), i);

      fprintf (stderr, "%s: problem: %s\n", v->key, problem->message);
    }
  v->drift_ok = deck_plan_check_drift (plan, statuses, &error);
  g_hash_table_iter_init (&iter, statuses);
  while (g_hash_table_iter_next (&iter, &instance, NULL))
  for (guint i = 0; (ops = deck_plan_get_operations (plan, instance)) != NULL && i < ops->len; i++)
    {
      const DeckPlanOp *op = g_ptr_array_index (ops, i);

      switch (op->kind)
        {
        case DECK_PLAN_OP_UPDATE_NODE: v->n_update++; break;
        case DECK_PLAN_OP_REMOVE_NODE: v->n_remove++; break;
        case DECK_PLAN_OP_ADD_NODE: v->n_add++; break;
        default: break;
        }
      if (op->subscriptions != NULL)
        v->n_subscriptions += op->subscriptions->len;
    }

  v->stage_min = percentile (stage, runs, 0);
  v->stage_median = percentile (stage, runs, 50);
  v->stage_p95 = percentile (stage, runs, 95);
  v->stage_max = stage[runs - 1];
  v->plan_min = percentile (planning, runs, 0);
  v->plan_median = percentile (planning, runs, 50);
  v->plan_p95 = percentile (planning, runs, 95);
  v->plan_max = planning[runs - 1];
  v->drift_median = percentile (drift, runs, 50);
}

static void
print_kv (const Variant *v)
{
  printf ("plan.%s.changes=%u\n", v->key, v->n_changes);
  printf ("plan.%s.requests=%u\n", v->key, v->n_requests);
  printf ("plan.%s.update_node=%u\n", v->key, v->n_update);
  printf ("plan.%s.remove_node=%u\n", v->key, v->n_remove);
  printf ("plan.%s.add_node=%u\n", v->key, v->n_add);
  printf ("plan.%s.problems=%u\n", v->key, v->n_problems);
  printf ("plan.%s.subscriptions_sent=%u\n", v->key, v->n_subscriptions);
  printf ("plan.%s.drift_ok=%s\n", v->key, v->drift_ok ? "true" : "false");
  printf ("plan.%s.stage_us=%.1f\n", v->key, v->stage_median);
  printf ("plan.%s.stage_us_min=%.1f\n", v->key, v->stage_min);
  printf ("plan.%s.stage_us_max=%.1f\n", v->key, v->stage_max);
  printf ("plan.%s.plan_us=%.1f\n", v->key, v->plan_median);
  printf ("plan.%s.plan_us_min=%.1f\n", v->key, v->plan_min);
  printf ("plan.%s.plan_us_p95=%.1f\n", v->key, v->plan_p95);
  printf ("plan.%s.plan_us_max=%.1f\n", v->key, v->plan_max);
  printf ("plan.%s.drift_check_us=%.1f\n", v->key, v->drift_median);
}

int
main (int    argc,
      char **argv)
{
  Variant explicit_subs = { .key = "explicit" };
  Variant full = { .key = "full" };
  guint runs = 201;

  for (int i = 1; i < argc; i++)
    {
      if (g_strcmp0 (argv[i], "-n") == 0 && i + 1 < argc)
        {
          int n = atoi (argv[++i]);  /* not inside MAX (): it evaluates twice */

          runs = (guint) MAX (1, n);
        }
      else
        {
          fprintf (stderr, "usage: %s [-n RUNS]\n", argv[0]);
          return 2;
        }
    }

  run_variant (&explicit_subs, FALSE, runs);
  run_variant (&full, TRUE, runs);

  printf ("%u toggles staged over %u peers (%u tables each), %u timed runs, median (min-max) us\n",
          N_TOGGLES, N_PEERS, N_TABLES, runs);
  printf ("%-32s %8s %8s %24s %24s\n", "peers", "changes", "requests", "stage 1000 toggles", "plan");
  printf ("%-32s %8u %8u %10.1f (%.0f-%.0f) %12.1f (%.0f-%.0f)\n",
          "explicit subscriptions", explicit_subs.n_changes, explicit_subs.n_requests,
          explicit_subs.stage_median, explicit_subs.stage_min, explicit_subs.stage_max,
          explicit_subs.plan_median, explicit_subs.plan_min, explicit_subs.plan_max);
  printf ("%-32s %8u %8u %10.1f (%.0f-%.0f) %12.1f (%.0f-%.0f)\n",
          "full replication (mesh of 11)", full.n_changes, full.n_requests,
          full.stage_median, full.stage_min, full.stage_max,
          full.plan_median, full.plan_min, full.plan_max);
  printf ("  explicit: %u update_node; full: %u remove_node + %u add_node; problems %u/%u\n",
          explicit_subs.n_update, full.n_remove, full.n_add,
          explicit_subs.n_problems, full.n_problems);
  printf ("\n");
  printf ("plan.runs=%u\n", runs);
  printf ("plan.toggles=%u\n", N_TOGGLES);
  printf ("plan.peers=%u\n", N_PEERS);
  print_kv (&explicit_subs);
  print_kv (&full);

  /* Explicit: one update_node a peer (the requests also count the reads
   * that check for drift). Full: the mesh converted as one unit, every
   * link of it removed and added again with its lists. */
  return explicit_subs.n_update == N_PEERS && explicit_subs.n_problems == 0 &&
         full.n_requests > 0 && full.n_problems == 0 && full.drift_ok ? 0 : 1;
}
