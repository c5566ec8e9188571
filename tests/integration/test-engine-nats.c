/* test-engine-nats.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DeckEngine (legacy NATS clustering) on every Harper version of the matrix
 * (HARPER_VERSION). Where the version cannot run NATS (4.5 and later ship no
 * nats-server), enabling it must be refused before anything is written, and
 * the server stays up and unchanged; the flow below is skipped with the
 * reason. Where the version has no native replication (4.3), enabling that
 * is refused the same way. Where NATS runs (4.3.0, 4.4.18), against two real
 * nodes installed without clustering: ports another program holds, doubled
 * or the instance's own are refused first, then enable through the core (role, cluster
 * user, the clustering section, the restart followed by a real
 * DeckRestartMonitor), connect (route, reload, add_node with a subscription
 * per common table), data flowing both ways, publishing stopped and started
 * again by a change set through DeckPlan and DeckApplier, subscribing
 * stopped and started again the same way (the plan's repeated update_node),
 * disconnect.
 * nats-server listens on every interface, so in-netns.sh runs this in a
 * private network namespace; the two nodes share it and get distinct NATS
 * ports through DeckEnableRequest.
 */

#include <string.h>

#include "deck-applier.h"
#include "deck-engine.h"
#include "deck-engine-preflight.h"
#include "harper-fixture.h"
#include "hdb-capabilities.h"
#include "hdb-test-helpers.h"

#define DB                "natsengine"
#define TABLE             "dog"
#define CLUSTER_USER      "deck_nats"
#define CLUSTER_PASSWORD  "Nats-Cluster-Pw-1"
#define ENGINE_WAIT_MS    240000
#define APPLY_WAIT_MS     120000
#define ARRIVE_MS         30000
#define RESUME_MS         15000
#define ABSENT_MS         3000
#define SWITCH_MS         20000
#define INSTANCE          "instance-1"

static HarperFixture *cluster;
static HdbClient *clients[2];
static DeckEngine *engine;
static char *nats_refusal;     /* why this version cannot run NATS, or NULL */

#define ENGINE_SYNC(name, error, ...)                                             \
  ({                                                                              \
    g_autoptr(GAsyncResult) _res = NULL;                                          \
    TEST_AWAIT (_res, ENGINE_WAIT_MS,                                             \
                deck_engine_##name##_async (engine, ##__VA_ARGS__, NULL,          \
                                            test_util_store_result, &_res));      \
    deck_engine_##name##_finish (engine, _res, error);                            \
  })

static const char *
node_name (guint i)
{
  return harper_fixture_get_node_name (cluster, i);
}

static void
on_phase (GObject    *object,
          GParamSpec *pspec,
          gpointer    user_data)
{
  GArray *phases = user_data;
  guint phase = deck_restart_monitor_get_phase (DECK_RESTART_MONITOR (object));

  g_array_append_val (phases, phase);
}

static gboolean
phases_contain (GArray *phases,
                guint   phase)
{
  for (guint i = 0; i < phases->len; i++)
    if (g_array_index (phases, guint, i) == phase)
      return TRUE;
  return FALSE;
}

/* Node i uses the NATS ports the harness gives a NATS node (ops + 3 … + 6). */
static gboolean
enable_node (guint        i,
             GArray      *phases,
             double      *seconds,
             GError     **error)
{
  g_autoptr(DeckRestartMonitor) monitor = deck_restart_monitor_new (clients[i]);
  guint port = harper_fixture_get_port (cluster, i);
  DeckEnableRequest request = {
    .cluster_user = CLUSTER_USER,
    .cluster_password = CLUSTER_PASSWORD,
    .node_name = node_name (i),
    .nats_hub_port = port + 3,
    .nats_hub_leafnodes_port = port + 4,
    .nats_hub_cluster_port = port + 5,
    .nats_leaf_port = port + 6,
  };
  gint64 start = g_get_monotonic_time ();
  gboolean ok;

  g_signal_connect (monitor, "notify::phase", G_CALLBACK (on_phase), phases);
  ok = ENGINE_SYNC (enable, error, clients[i], &request, monitor);
  g_signal_handlers_disconnect_by_data (monitor, phases);
  *seconds = (g_get_monotonic_time () - start) / 1e6;
  return ok;
}

static gboolean
lists_node (guint       i,
            const char *name)
{
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(GError) error = NULL;

  status = HDB_SYNC (clients[i], cluster_status, &error);
  g_assert_no_error (error);
  return hdb_cluster_status_find_connection (status, name) != NULL;
}

/* Enabling an engine the version cannot run: refused before anything is
 * written; the node keeps answering, unchanged (its configuration and
 * cluster state as they were before the attempt) and not restarted. */
static void
assert_refused (HdbEngine   kind,
                const char *must_mention)
{
  g_autoptr(DeckEngine) refused_engine = deck_engine_new_for (kind);
  g_autoptr(DeckRestartMonitor) monitor = deck_restart_monitor_new (clients[0]);
  g_autoptr(GArray) phases = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(HdbConfiguration) before = NULL;
  g_autoptr(HdbClusterStatus) status_before = NULL;
  g_autoptr(HdbConfiguration) config = NULL;
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint port = harper_fixture_get_port (cluster, 0);
  DeckEnableRequest request = {
    .cluster_user = CLUSTER_USER,
    .cluster_password = CLUSTER_PASSWORD,
    .node_name = node_name (0),
    .nats_hub_port = port + 3,
    .nats_hub_leafnodes_port = port + 4,
    .nats_hub_cluster_port = port + 5,
    .nats_leaf_port = port + 6,
  };
  GPid pid = harper_fixture_get_pid (cluster, 0);

  /* The node as it is now: fresh, or (native refused on a NATS-era
   * version, after the NATS tests) with NATS clustering enabled. */
  before = HDB_SYNC (clients[0], get_configuration, &error);
  g_assert_no_error (error);
  status_before = HDB_SYNC (clients[0], cluster_status, &error);
  g_assert_no_error (error);

  g_signal_connect (monitor, "notify::phase", G_CALLBACK (on_phase), phases);
  TEST_AWAIT (result, ENGINE_WAIT_MS,
              deck_engine_enable_async (refused_engine, clients[0], &request, monitor, NULL,
                                        test_util_store_result, &result));
  g_assert_false (deck_engine_enable_finish (refused_engine, result, &error));
  g_test_message ("Harper %s, %s: %s", harper_fixture_get_version (cluster),
                  hdb_engine_to_string (kind), error->message);
  g_assert_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, harper_fixture_get_version (cluster)));
  g_assert_nonnull (strstr (error->message, must_mention));
  g_signal_handlers_disconnect_by_data (monitor, phases);

  /* Nothing was written, nothing restarted. */
  g_assert_cmpuint (phases->len, ==, 0);
  g_clear_error (&error);
  config = HDB_SYNC (clients[0], get_configuration, &error);
  g_assert_no_error (error);
  g_assert_cmpint (config->clustering_enabled, ==, before->clustering_enabled);
  g_assert_cmpstr (config->replication_hostname, ==, before->replication_hostname);
  status = HDB_SYNC (clients[0], cluster_status, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status->is_enabled, ==, status_before->is_enabled);
  g_assert_cmpint (status->engine, ==, status_before->engine);
  g_assert_cmpint (harper_fixture_get_pid (cluster, 0), ==, pid);
}

static void
test_nats_refused (void)
{
  if (nats_refusal == NULL)
    {
      g_test_skip ("this version runs NATS clustering: the flow below checks it");
      return;
    }
  assert_refused (HDB_ENGINE_NATS, "nats-server");
}

static void
test_native_refused (void)
{
  const HdbCapabilities *caps = hdb_capabilities_for_version (harper_fixture_get_version (cluster));

  if (caps->native)
    {
      g_test_skip ("this version has native replication: the engine test checks it");
      return;
    }
  assert_refused (HDB_ENGINE_NATIVE, "native replication");
}

typedef struct
{
  const char *what;
  guint       ports[4];
  const char *must_mention;
} PortCase;

static void
assert_ports_refused (const PortCase *c)
{
  g_autoptr(DeckRestartMonitor) monitor = deck_restart_monitor_new (clients[0]);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HdbConfiguration) config = NULL;
  DeckEnableRequest request = {
    .cluster_user = CLUSTER_USER,
    .cluster_password = CLUSTER_PASSWORD,
    .node_name = node_name (0),
    .nats_hub_port = c->ports[0],
    .nats_hub_leafnodes_port = c->ports[1],
    .nats_hub_cluster_port = c->ports[2],
    .nats_leaf_port = c->ports[3],
  };

  TEST_AWAIT (result, ENGINE_WAIT_MS,
              deck_engine_enable_async (engine, clients[0], &request, monitor, NULL,
                                        test_util_store_result, &result));
  g_assert_false (deck_engine_enable_finish (engine, result, &error));
  g_test_message ("%s: %s", c->what, error->message);
  g_assert_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, c->must_mention));
  g_assert_cmpint (deck_restart_monitor_get_phase (monitor), ==, DECK_RESTART_PHASE_IDLE);

  g_clear_error (&error);
  config = HDB_SYNC (clients[0], get_configuration, &error);
  g_assert_no_error (error);
  g_assert_false (config->clustering_enabled);
}

/* NATS ports that cannot work are refused before anything is written: one
 * another program listens on, two alike, one of the instance's own, one that
 * is no port. */
static void
test_ports_refused (void)
{
  g_autoptr(GSocket) other = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GError) error = NULL;
  guint port = harper_fixture_get_port (cluster, 0);
  guint taken;

  other = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  address = g_inet_socket_address_new (loopback, 0);
  g_assert_true (g_socket_bind (other, address, TRUE, &error));
  g_assert_true (g_socket_listen (other, &error));
  bound = g_socket_get_local_address (other, &error);
  g_assert_no_error (error);
  taken = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  assert_ports_refused (&(PortCase) { "taken", { taken, port + 4, port + 5, port + 6 },
                                      "taken by another program" });
  assert_ports_refused (&(PortCase) { "twice", { port + 3, port + 3, port + 5, port + 6 },
                                      "four different ports" });
  assert_ports_refused (&(PortCase) { "own", { port + 3, port + 4, port, port + 6 },
                                      "the instance’s own" });
  assert_ports_refused (&(PortCase) { "not a port", { port + 3, port + 4, port + 5, 70000 },
                                      "not a port number" });
  g_socket_close (other, NULL);
}

/* Harper 4.4.18 decides whether "its" NATS servers run by looking for any
 * process named nats-server on the machine. With two instances on one host,
 * the second one enabled by a `restart` sees the first one's servers, starts
 * none of its own and stops the others (a one-instance-per-host deployment
 * never meets this). So node1 is stopped while node2 is enabled, and then
 * started again: a full start always starts the node's own servers. */
static void
test_enable (void)
{
  g_autoptr(GError) error = NULL;

  if (nats_refusal != NULL)
    {
      g_test_skip (nats_refusal);
      return;
    }

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GArray) phases = g_array_new (FALSE, FALSE, sizeof (guint));
      double seconds;
      gboolean ok;

      if (i == 1)
        {
          ok = harper_fixture_stop_node (cluster, 0, &error);
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      ok = enable_node (i, phases, &seconds, &error);
      g_assert_no_error (error);
      g_assert_true (ok);
      g_test_message ("%s: NATS enabled through the engine in %.1f s", node_name (i), seconds);
      g_assert_true (phases_contain (phases, DECK_RESTART_PHASE_WRITING_CONFIGURATION));
      g_assert_cmpuint (g_array_index (phases, guint, phases->len - 1), ==,
                        DECK_RESTART_PHASE_DONE);
    }
  {
    gint64 start = g_get_monotonic_time ();
    gboolean ok = harper_fixture_start_node (cluster, 0, &error);

    g_assert_no_error (error);
    g_assert_true (ok);
    g_test_message ("%s started again in %.1f s", node_name (0),
                    (g_get_monotonic_time () - start) / 1e6);
  }

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(HdbConfiguration) config = NULL;
      g_autoptr(HdbClusterStatus) status = NULL;
      g_autoptr(GPtrArray) users = NULL;
      gboolean found = FALSE;

      config = HDB_SYNC (clients[i], get_configuration, &error);
      g_assert_no_error (error);
      g_assert_true (config->clustering_enabled);
      g_assert_cmpstr (config->clustering_node_name, ==, node_name (i));
      g_assert_cmpstr (config->clustering_user, ==, CLUSTER_USER);
      g_assert_cmpint (hdb_configuration_get_engine (config), ==, HDB_ENGINE_NATS);

      status = HDB_SYNC (clients[i], cluster_status, &error);
      g_assert_no_error (error);
      g_assert_cmpint (status->engine, ==, HDB_ENGINE_NATS);
      g_assert_true (status->is_enabled);
      g_assert_cmpstr (status->node_name, ==, node_name (i));

      users = HDB_SYNC (clients[i], list_users, &error);
      g_assert_no_error (error);
      for (guint k = 0; k < users->len; k++)
        {
          const HdbUserInfo *user = g_ptr_array_index (users, k);

          if (g_strcmp0 (user->username, CLUSTER_USER) == 0)
            found = user->cluster_user && !user->super_user;
        }
      g_assert_true (found);
    }
}

static void
test_enable_again (void)
{
  gboolean ok;
  g_autoptr(GArray) phases = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GError) error = NULL;
  double seconds;

  ok = enable_node (0, phases, &seconds, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_false (phases_contain (phases, DECK_RESTART_PHASE_RESTARTING));
  g_test_message ("enabling %s again: %.2f s, no restart", node_name (0), seconds);
}

static void
test_connect_without_common_table (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) routes = NULL;
  g_autofree char *text = NULL;
  DeckPeer peer = { .client = clients[1], .node_name = node_name (1) };

  g_assert_false (ENGINE_SYNC (connect, &error, clients[0], CLUSTER_USER, CLUSTER_PASSWORD,
                               &peer));
  g_assert_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "same database and table"));
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* Nothing was changed: no route. */
  routes = HDB_SYNC (clients[0], cluster_get_routes, &error);
  g_assert_no_error (error);
  text = json_to_string (routes, FALSE);
  g_assert_null (strstr (text, "port"));
}

static void
test_connect (void)
{
  gboolean ok;
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  const HdbConnection *conn;
  DeckPeer peer = { .client = clients[1], .node_name = node_name (1) };
  gint64 start;

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *db = HDB_SYNC (clients[i], create_database, &error, DB);
      g_autofree char *table = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (db);
      table = HDB_SYNC (clients[i], create_table, &error, DB, TABLE, "id");
      g_assert_no_error (error);
    }

  start = g_get_monotonic_time ();
  ok = ENGINE_SYNC (connect, &error, clients[0], CLUSTER_USER, CLUSTER_PASSWORD,
                              &peer);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_test_message ("NATS connect %s → %s in %.1f s", node_name (0), node_name (1),
                  (g_get_monotonic_time () - start) / 1e6);

  status = HDB_SYNC (clients[0], cluster_status, &error);
  g_assert_no_error (error);
  conn = hdb_cluster_status_find_connection (status, node_name (1));
  g_assert_nonnull (conn);
  g_assert_cmpstr (conn->status, ==, "open");
  g_assert_cmpuint (conn->subscriptions->len, ==, 1);

  hdb_test_insert (clients[0], DB, TABLE, 1, "from A");
  g_assert_true (hdb_test_wait_record (clients[1], DB, TABLE, 1, 20000));
  hdb_test_insert (clients[1], DB, TABLE, 2, "from B");
  g_assert_true (hdb_test_wait_record (clients[0], DB, TABLE, 2, 20000));
}

/* Change set → plan → DeckApplier on a NATS link --------------------------- */

typedef struct
{
  const char *name;
  gboolean    publish;     /* node1 → node2 */
  gboolean    subscribe;   /* node2 → node1 */
  gboolean    repeat;      /* the plan sends its update_node twice */
} ApplyCase;

typedef struct
{
  const ApplyCase *cases;
  guint            n_cases;
} ApplyTest;

/* From both on, publishing is stopped and started again: one update_node
 * each. */
static const ApplyCase publish_cases[] = {
  { "publish off",   FALSE, TRUE,  FALSE },
  { "publish on",    TRUE,  TRUE,  FALSE },
};

/* The same with subscribing. In Harper 4.4.18 a subscription switched back
 * on by update_node on the instance that subscribes starts no ingest there
 * until a second, identical update_node (the same switch made on the
 * peer's side of the request, publish on, works at the first), so the plan
 * repeats the update_node that switches it on. */
static const ApplyCase subscribe_cases[] = {
  { "subscribe off", TRUE,  FALSE, FALSE },
  { "subscribe on",  TRUE,  TRUE,  TRUE  },
};

static const ApplyTest publish_test = { publish_cases, G_N_ELEMENTS (publish_cases) };
static const ApplyTest subscribe_test = { subscribe_cases, G_N_ELEMENTS (subscribe_cases) };

static gint64 next_record_id = 100;

static HdbClusterStatus *
read_status (guint i)
{
  g_autoptr(GError) error = NULL;
  HdbClusterStatus *status = HDB_SYNC (clients[i], cluster_status, &error);

  g_assert_no_error (error);
  g_assert_nonnull (status);
  return status;
}

static const HdbSubscription *
find_dog (const HdbConnection *conn)
{
  for (guint k = 0; k < conn->subscriptions->len; k++)
    {
      const HdbSubscription *sub = g_ptr_array_index (conn->subscriptions, k);

      if (g_str_equal (sub->database, DB) && g_str_equal (sub->table, TABLE))
        return sub;
    }
  return NULL;
}

static guint
count_requests (void)
{
  return hdb_client_get_request_count (clients[0]) + hdb_client_get_request_count (clients[1]);
}

/* Stages @c from node1's point of view, plans it with node1's loaded status
 * and schema (one update_node, twice when @c repeats it), applies it, and
 * checks that exactly the plan's requests were sent. */
static void
apply_case (const ApplyCase *c)
{
  g_autoptr(DeckChangeSet) changes = deck_change_set_new ();
  g_autoptr(GHashTable) statuses = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                          (GDestroyNotify) hdb_cluster_status_free);
  g_autoptr(GHashTable) schemas = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                         (GDestroyNotify) hdb_schema_free);
  g_autoptr(GHashTable) instance_clients = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(DeckPlan) plan = NULL;
  g_autoptr(DeckApplier) applier = deck_applier_new ();
  g_autoptr(DeckApplyResult) result = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  HdbClusterStatus *status = read_status (0);
  const HdbConnection *conn = hdb_cluster_status_find_connection (status, node_name (1));
  const DeckPlanOp *first;
  GPtrArray *ops;
  DeckBaseline baseline;
  guint n_ops = c->repeat ? 2 : 1;
  guint before, n_sent;

  g_hash_table_insert (statuses, (gpointer) INSTANCE, status);
  g_hash_table_insert (schemas, (gpointer) INSTANCE, HDB_SYNC (clients[0], describe_all, &error));
  g_assert_no_error (error);
  g_assert_nonnull (conn);
  deck_baseline_from_connection (conn, DB, TABLE, &baseline);
  g_assert_false (baseline.replicates);
  deck_change_set_set_publish (changes, INSTANCE, node_name (1), DB, TABLE, c->publish,
                               &baseline);
  deck_change_set_set_subscribe (changes, INSTANCE, node_name (1), DB, TABLE, c->subscribe,
                                 &baseline);
  g_assert_cmpuint (deck_change_set_get_n_changes (changes), ==, 1);

  plan = deck_plan_new_full (changes, statuses, NULL, schemas);
  g_assert_cmpuint (deck_plan_get_problems (plan)->len, ==, 0);
  /* The operations, and the cluster_status read again before them. */
  g_assert_cmpuint (deck_plan_get_n_operations (plan), ==, n_ops);
  g_assert_cmpuint (deck_plan_get_n_requests (plan), ==, n_ops + 1);
  ops = deck_plan_get_operations (plan, INSTANCE);
  g_assert_cmpuint (ops->len, ==, n_ops);
  first = g_ptr_array_index (ops, 0);
  for (guint k = 0; k < ops->len; k++)
    {
      const DeckPlanOp *op = g_ptr_array_index (ops, k);

      g_assert_cmpint (op->kind, ==, DECK_PLAN_OP_UPDATE_NODE);
      g_assert_cmpint (op->engine, ==, HDB_ENGINE_NATS);
      g_assert_cmpstr (op->peer, ==, node_name (1));
      g_assert_null (op->url);
      g_assert_false (op->needs_authorization);
      /* The repeat is the same request as the first. */
      g_assert_cmpint (op->repeat, ==, k > 0);
      g_assert_cmpuint (op->subscriptions->len, ==, first->subscriptions->len);
      for (guint m = 0; m < op->subscriptions->len; m++)
        {
          const HdbSubscription *a = g_ptr_array_index (first->subscriptions, m);
          const HdbSubscription *b = g_ptr_array_index (op->subscriptions, m);

          g_assert_cmpstr (b->database, ==, a->database);
          g_assert_cmpstr (b->table, ==, a->table);
          g_assert_cmpint (b->publish, ==, a->publish);
          g_assert_cmpint (b->subscribe, ==, a->subscribe);
        }
    }

  /* NATS links carry no authorization: no cluster password is given. */
  g_hash_table_insert (instance_clients, (gpointer) INSTANCE, clients[0]);
  before = count_requests ();
  TEST_AWAIT (res, APPLY_WAIT_MS,
              deck_applier_apply_async (applier, plan, instance_clients, NULL, NULL, NULL,
                                        test_util_store_result, &res));
  result = deck_applier_apply_finish (applier, res, &error);
  n_sent = count_requests () - before;
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_test_message ("%s: sent %u requests, the plan's %u (with its cluster_status read again)",
                  c->name, n_sent, deck_plan_get_n_requests (plan));
  g_assert_cmpuint (n_sent, ==, deck_plan_get_n_requests (plan) + result->n_read_again);
  g_assert_null (result->verification_error);
  g_assert_cmpuint (result->results->len, ==, n_ops);
  g_assert_cmpuint (result->n_ok, ==, n_ops);
  g_assert_cmpuint (result->n_failed, ==, 0);
  g_assert_cmpuint (deck_change_set_get_n_changes (result->remaining), ==, 0);

  /* What node1 stores now. */
  {
    g_autoptr(HdbClusterStatus) now = read_status (0);
    const HdbConnection *stored = hdb_cluster_status_find_connection (now, node_name (1));
    const HdbSubscription *sub;

    g_assert_nonnull (stored);
    sub = find_dog (stored);
    g_assert_nonnull (sub);
    g_assert_cmpint (sub->publish, ==, c->publish);
    g_assert_cmpint (sub->subscribe, ==, c->subscribe);
  }
}

/* The publishing (node1 → node2) or subscribing (node2 → node1) of the
 * link's one table stopped and started again through DeckPlan and
 * DeckApplier, as @user_data's ApplyTest says. While a direction is off, a
 * record is written where it starts, then one the other way; once that one
 * has arrived, the first is given ABSENT_MS more to (not) go through. Once
 * it is on again, a record written where it starts must arrive within
 * RESUME_MS, and then one the other way. */
static void
test_apply (gconstpointer user_data)
{
  const ApplyTest *test = user_data;
  gint64 held_id = 0;
  guint held_to = 0;

  for (guint n = 0; n < test->n_cases; n++)
    {
      const ApplyCase *c = &test->cases[n];
      guint off_from, on_from;
      gint64 applied, off_id, on_id;

      apply_case (c);
      applied = g_get_monotonic_time ();

      if (c->publish && c->subscribe)
        {
          /* The direction that was off first. */
          guint resumed_from = held_id > 0 ? 1 - held_to : 0;

          for (guint j = 0; j < 2; j++)
            {
              guint i = j == 0 ? resumed_from : 1 - resumed_from;
              gint64 id = next_record_id++;
              gint64 written = g_get_monotonic_time ();

              hdb_test_insert (clients[i], DB, TABLE, id, c->name);
              g_assert_true (hdb_test_wait_record (clients[1 - i], DB, TABLE, id,
                                                   j == 0 ? RESUME_MS : ARRIVE_MS));
              g_test_message ("%s: %s → %s: arrived %.2f s after it was written, "
                              "%.2f s after the apply", c->name, node_name (i),
                              node_name (1 - i), (g_get_monotonic_time () - written) / 1e6,
                              (g_get_monotonic_time () - applied) / 1e6);
            }
          g_test_message ("%s: both directions flow", c->name);
          /* Unlike native replication, what was written while the
           * direction was off is not sent later: Harper creates the
           * consumer to start now. It would have come before the record
           * that just arrived. */
          if (held_id > 0)
            g_assert_false (hdb_test_wait_record (clients[held_to], DB, TABLE, held_id,
                                                  ABSENT_MS));
          continue;
        }

      off_from = c->publish ? 1 : 0;
      on_from = 1 - off_from;
      /* The switch may take effect a little after update_node answered:
       * probe until a record does not go through, within SWITCH_MS. */
      for (guint n_through = 0; ; n_through++)
        {
          off_id = next_record_id++;
          hdb_test_insert (clients[off_from], DB, TABLE, off_id, c->name);
          on_id = next_record_id++;
          hdb_test_insert (clients[on_from], DB, TABLE, on_id, "control");
          g_assert_true (hdb_test_wait_record (clients[off_from], DB, TABLE, on_id, ARRIVE_MS));
          if (!hdb_test_wait_record (clients[on_from], DB, TABLE, off_id, ABSENT_MS))
            {
              g_test_message ("%s: %s → %s stopped (%u record(s) went through first)",
                              c->name, node_name (off_from), node_name (on_from), n_through);
              held_id = off_id;
              held_to = on_from;
              break;
            }
          g_assert_cmpint (g_get_monotonic_time () - applied, <, (gint64) SWITCH_MS * 1000);
        }
    }
}

static void
test_disconnect (void)
{
  gboolean ok;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) routes = NULL;
  g_autofree char *text = NULL;
  g_autofree char *port = NULL;
  DeckPeer peer = { .client = clients[1], .node_name = node_name (1) };
  gint64 start = g_get_monotonic_time ();

  ok = ENGINE_SYNC (disconnect, &error, clients[0], node_name (0), &peer);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_test_message ("NATS disconnect in %.1f s", (g_get_monotonic_time () - start) / 1e6);

  g_assert_false (lists_node (0, node_name (1)));
  g_assert_false (lists_node (1, node_name (0)));

  routes = HDB_SYNC (clients[0], cluster_get_routes, &error);
  g_assert_no_error (error);
  text = json_to_string (routes, FALSE);
  port = g_strdup_printf ("%u", harper_fixture_get_port (cluster, 1) + 5);
  g_assert_null (strstr (text, port));

  hdb_test_write_until_held (clients[0], clients[1], DB, TABLE, 3, "after disconnect, from A",
                             3000, HDB_TEST_FLOW_STOP_MS);
  hdb_test_write_until_held (clients[1], clients[0], DB, TABLE, 4, "after disconnect, from B",
                             3000, HDB_TEST_FLOW_STOP_MS);
}

static void
skip_with_reason (gconstpointer reason)
{
  g_test_skip (reason);
}

/* The version the fixture reports is the one asked for. */
static void
test_version (void)
{
  g_test_message ("Harper %s", harper_fixture_get_version (cluster));
  g_assert_cmpstr (harper_fixture_get_version (cluster), ==, harper_fixture_requested_version ());
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *flow_skip = NULL;
  guint n_nodes;
  int status;

  g_test_init (&argc, &argv, NULL);

  /* What the version under test can do decides what is checked: the table
   * says, and the first test checks the server agrees. One node is enough
   * to see a refusal. */
  {
    g_autoptr(GError) refusal = NULL;

    if (!deck_engine_check_version (HDB_ENGINE_NATS, harper_fixture_requested_version (), &refusal))
      nats_refusal = g_strdup (refusal->message);
  }

  /* Unconfigured: no replication, no NATS; the engine enables NATS. */
  n_nodes = nats_refusal != NULL ? 1 : 2;
  cluster = harper_fixture_start (n_nodes, HARPER_FIXTURE_UNCONFIGURED, &error);
  if (cluster == NULL)
    {
      g_print ("1..1\nnot ok 1 - start %u Harper node(s) (%s): %s\n", n_nodes,
               harper_fixture_requested_version (), error->message);
      return 1;
    }
  for (guint i = 0; i < n_nodes; i++)
    clients[i] = hdb_test_client (harper_fixture_get_url (cluster, i),
                                  harper_fixture_get_username (cluster),
                                  harper_fixture_get_password (cluster));
  engine = deck_engine_new_for (HDB_ENGINE_NATS);

  g_test_add_func ("/engine/version", test_version);
  g_test_add_func ("/engine/nats/refused", test_nats_refused);
  g_test_add_func ("/engine/native/refused", test_native_refused);
  if (nats_refusal != NULL)
    {
      /* The same names, so that every version's results line up. */
      static const char * const flow[] = {
        "/engine/nats/ports-refused", "/engine/nats/enable", "/engine/nats/enable-again",
        "/engine/nats/connect-without-common-table", "/engine/nats/connect",
        "/engine/nats/apply", "/engine/nats/subscribe-again", "/engine/nats/disconnect",
      };

      flow_skip = g_strdup_printf ("NATS clustering is refused on Harper %s: its package "
                                   "ships no nats-server (see /engine/nats/refused)",
                                   harper_fixture_get_version (cluster));
      for (guint i = 0; i < G_N_ELEMENTS (flow); i++)
        g_test_add_data_func (flow[i], flow_skip, skip_with_reason);
    }
  else
    {
      g_test_add_func ("/engine/nats/ports-refused", test_ports_refused);
      g_test_add_func ("/engine/nats/enable", test_enable);
      g_test_add_func ("/engine/nats/enable-again", test_enable_again);
      g_test_add_func ("/engine/nats/connect-without-common-table",
                       test_connect_without_common_table);
      g_test_add_func ("/engine/nats/connect", test_connect);
      g_test_add_data_func ("/engine/nats/apply", &publish_test, test_apply);
      g_test_add_data_func ("/engine/nats/subscribe-again", &subscribe_test, test_apply);
      g_test_add_func ("/engine/nats/disconnect", test_disconnect);
    }

  status = g_test_run ();

  g_clear_object (&engine);
  g_clear_pointer (&nats_refusal, g_free);
  for (guint i = 0; i < n_nodes; i++)
    g_clear_object (&clients[i]);
  g_clear_pointer (&cluster, harper_fixture_free);
  return status;
}
