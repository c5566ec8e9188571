/* test-peer-list.c: DeckPeerList, the classification of an instance's peers
 * (connected, unconnected, unregistered) that its management screen lists.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure: instances are given their live state by hand
 * (deck_instance_update_from_info() and _from_error(), as the instance
 * monitor does), and cluster statuses are either built here or parsed from
 * the answers captured from Harper (tests/fixtures/hdb/), through the same
 * parser the client uses.
 */

#include <string.h>

#include "deck-peer-list.h"
#include "hdb-error.h"
#include "hdb-parse-buffer.h"

/* Helpers -------------------------------------------------------------------- */

static DeckInstance *
instance_new (const char *id,
              const char *name)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:9%s25", id);

  return deck_instance_new (id, "org", name, url, "admin");
}

/* @instance answered: Harper 4.4.18, @engine, @node_name */
static void
answered (DeckInstance *instance,
          HdbEngine     engine,
          const char   *node_name,
          gboolean      restart_pending)
{
  HdbServerInfo info = {
    .version = (char *) "4.4.18",
    .engine = engine,
    .node_name = (char *) node_name,
    .username = (char *) "admin",
    .super_user = TRUE,
    .restart_pending = restart_pending,
  };

  deck_instance_update_from_info (instance, &info);
}

static void
unanswered (DeckInstance *instance)
{
  g_autoptr(GError) error = g_error_new_literal (HDB_ERROR, HDB_ERROR_NETWORK,
                                                 "Could not connect: Connection refused");

  deck_instance_update_from_error (instance, error);
}

static HdbDatabaseSocket *
socket_new (const char *database,
            gboolean    connected,
            double      latency,
            const char *catching_up_from)
{
  HdbDatabaseSocket *s = g_new0 (HdbDatabaseSocket, 1);

  s->database = g_strdup (database);
  s->connected = connected;
  s->latency = latency;
  s->catching_up_from = g_strdup (catching_up_from);
  return s;
}

static void
socket_free (gpointer data)
{
  HdbDatabaseSocket *s = data;

  g_free (s->database);
  g_free (s->catching_up_from);
  g_free (s);
}

static HdbConnection *
connection_new (const char *name,
                const char *url)
{
  HdbConnection *conn = g_new0 (HdbConnection, 1);

  conn->name = g_strdup (name);
  conn->url = g_strdup (url);
  conn->subscriptions = g_ptr_array_new_with_free_func ((GDestroyNotify) hdb_subscription_free);
  conn->database_sockets = g_ptr_array_new_with_free_func (socket_free);
  conn->latency_ms = -1;
  return conn;
}

static HdbClusterStatus *
status_new (const char *node_name)
{
  HdbClusterStatus *status = g_new0 (HdbClusterStatus, 1);

  status->engine = HDB_ENGINE_NATIVE;
  status->node_name = g_strdup (node_name);
  status->is_enabled = TRUE;
  status->connections = g_ptr_array_new_with_free_func ((GDestroyNotify) hdb_connection_free);
  return status;
}

static HdbClusterStatus *
parse_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "hdb", name, NULL);
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  GDestroyNotify free_func = NULL;
  gsize length;
  gpointer parsed;

  g_assert_true (g_file_get_contents (path, &data, &length, &error));
  g_assert_no_error (error);
  parsed = hdb_parse_buffer (HDB_PARSER_CLUSTER_STATUS, data, length, &free_func, &error);
  g_assert_no_error (error);
  g_assert_nonnull (parsed);
  g_assert_true (free_func == (GDestroyNotify) hdb_cluster_status_free);
  return parsed;
}

static DeckPeerItem *
peer_at (DeckPeerList *list,
         guint         position)
{
  g_autoptr(DeckPeerItem) peer = g_list_model_get_item (G_LIST_MODEL (list), position);

  g_assert_nonnull (peer);
  return peer;   /* the list holds it */
}

typedef struct
{
  guint n_signals;
  guint position;
  guint removed;
  guint added;
} ItemsChanged;

static void
on_items_changed (GListModel   *model,
                  guint         position,
                  guint         removed,
                  guint         added,
                  ItemsChanged *seen)
{
  seen->n_signals++;
  seen->position = position;
  seen->removed = removed;
  seen->added = added;
}

/* The organization of the classification test: node1 (shown), then one
 * instance in every state an unconnected instance can be in. */
typedef struct
{
  GListStore   *instances;
  DeckInstance *node1;    /* native, the one whose peers are listed */
  DeckInstance *node2;    /* native, connected */
  DeckInstance *node3;    /* native, not connected: connectable */
  DeckInstance *node4;    /* clustering not enabled */
  DeckInstance *node5;    /* does not answer */
  DeckInstance *node6;    /* NATS: the other engine */
  DeckInstance *node7;    /* native, configured but not restarted */
} Organization;

static void
organization_init (Organization *org)
{
  org->instances = g_list_store_new (DECK_TYPE_INSTANCE);
#define ADD(field, id, name) \
  org->field = instance_new (id, name); \
  g_list_store_append (org->instances, org->field)
  ADD (node1, "1", "node1");
  ADD (node2, "2", "Paris & <Berlin>");
  ADD (node3, "3", "node3");
  ADD (node4, "4", "node4");
  ADD (node5, "5", "node5");
  ADD (node6, "6", "node6");
  ADD (node7, "7", "node7");
#undef ADD
  answered (org->node1, HDB_ENGINE_NATIVE, "node1", FALSE);
  answered (org->node2, HDB_ENGINE_NATIVE, "node2", FALSE);
  answered (org->node3, HDB_ENGINE_NATIVE, "node3", FALSE);
  answered (org->node4, HDB_ENGINE_NONE, NULL, FALSE);
  unanswered (org->node5);
  answered (org->node6, HDB_ENGINE_NATS, "node6", FALSE);
  answered (org->node7, HDB_ENGINE_NATIVE, "node7", TRUE);
}

static void
organization_clear (Organization *org)
{
  g_clear_object (&org->node1);
  g_clear_object (&org->node2);
  g_clear_object (&org->node3);
  g_clear_object (&org->node4);
  g_clear_object (&org->node5);
  g_clear_object (&org->node6);
  g_clear_object (&org->node7);
  g_clear_object (&org->instances);
}

/* Tests ---------------------------------------------------------------------- */

/* Every group and every state, from a status built here: node2 connected
 * (one database connected, one not), a node outside the organization whose
 * name and address hold markup characters (still connecting), a record of
 * node1 itself and one without a name (neither is a peer). */
static void
test_classify (void)
{
  Organization org;
  g_autoptr(DeckPeerList) list = deck_peer_list_new ();
  g_autoptr(HdbClusterStatus) status = status_new ("node1");
  HdbConnection *conn;
  ItemsChanged seen = { 0 };
  DeckPeerItem *peer;

  organization_init (&org);

  conn = connection_new ("node2", "ws://127.0.0.1:9225");
  g_ptr_array_add (conn->database_sockets, socket_new ("data", TRUE, 5.04, "up-to-date"));
  g_ptr_array_add (conn->database_sockets, socket_new ("shop", FALSE, -1, NULL));
  g_ptr_array_add (status->connections, conn);
  g_ptr_array_add (status->connections, connection_new ("far <&> away", "ws://far.example:9925/<x>"));
  g_ptr_array_add (status->connections, connection_new ("node1", "ws://127.0.0.1:9125"));
  g_ptr_array_add (status->connections, connection_new (NULL, "ws://127.0.0.1:9999"));

  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed), &seen);
  deck_peer_list_update (list, org.node1, G_LIST_MODEL (org.instances), status);

  /* One change that replaces everything: rows are made once. */
  g_assert_cmpuint (seen.n_signals, ==, 1);
  g_assert_cmpuint (seen.position, ==, 0);
  g_assert_cmpuint (seen.removed, ==, 0);
  g_assert_cmpuint (seen.added, ==, 7);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 7);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == DECK_TYPE_PEER_ITEM);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), 7));
  g_assert_cmpuint (deck_peer_list_count (list, DECK_PEER_GROUP_CONNECTED), ==, 1);
  g_assert_cmpuint (deck_peer_list_count (list, DECK_PEER_GROUP_UNREGISTERED), ==, 1);
  g_assert_cmpuint (deck_peer_list_count (list, DECK_PEER_GROUP_UNCONNECTED), ==, 5);

  /* Connected: the instance, known by its name; its state per database,
   * and what is wrong. */
  peer = peer_at (list, 0);
  g_assert_cmpint (deck_peer_item_get_group (peer), ==, DECK_PEER_GROUP_CONNECTED);
  g_assert_cmpint (deck_peer_item_get_state (peer), ==, DECK_PEER_STATE_LINKED);
  g_assert_true (deck_peer_item_get_instance (peer) == org.node2);
  g_assert_cmpstr (deck_peer_item_get_name (peer), ==, "Paris & <Berlin>");
  g_assert_cmpstr (deck_peer_item_get_node_name (peer), ==, "node2");
  g_assert_cmpstr (deck_peer_item_get_url (peer), ==, "ws://127.0.0.1:9225");
  g_assert_cmpstr (deck_peer_item_get_summary (peer), ==, "data connected (5.0 ms), shop not connected");
  g_assert_nonnull (deck_peer_item_get_problem (peer));
  g_assert_true (g_str_has_prefix (deck_peer_item_get_problem (peer),
                                   "Database “shop” is not connected. Harper keeps retrying."));
  g_assert_false (deck_peer_item_get_replicates (peer));

  /* Unregistered: known by its node name and address, as the server wrote
   * them (text, whatever characters it holds). */
  peer = peer_at (list, 1);
  g_assert_cmpint (deck_peer_item_get_group (peer), ==, DECK_PEER_GROUP_UNREGISTERED);
  g_assert_cmpint (deck_peer_item_get_state (peer), ==, DECK_PEER_STATE_LINKED);
  g_assert_null (deck_peer_item_get_instance (peer));
  g_assert_cmpstr (deck_peer_item_get_name (peer), ==, "far <&> away");
  g_assert_cmpstr (deck_peer_item_get_node_name (peer), ==, "far <&> away");
  g_assert_cmpstr (deck_peer_item_get_url (peer), ==, "ws://far.example:9925/<x>");
  g_assert_cmpstr (deck_peer_item_get_summary (peer), ==, "ws://far.example:9925/<x> · Connecting…");
  g_assert_true (g_str_has_prefix (deck_peer_item_get_problem (peer), "No database connection is open yet."));

  /* Unconnected, in the organization's order, each saying what it lacks. */
  peer = peer_at (list, 2);
  g_assert_true (deck_peer_item_get_instance (peer) == org.node3);
  g_assert_cmpint (deck_peer_item_get_group (peer), ==, DECK_PEER_GROUP_UNCONNECTED);
  g_assert_cmpint (deck_peer_item_get_state (peer), ==, DECK_PEER_STATE_CONNECTABLE);
  g_assert_cmpstr (deck_peer_item_get_summary (peer), ==, "Node “node3”");
  g_assert_null (deck_peer_item_get_problem (peer));
  g_assert_null (deck_peer_item_get_url (peer));

  peer = peer_at (list, 3);
  g_assert_true (deck_peer_item_get_instance (peer) == org.node4);
  g_assert_cmpint (deck_peer_item_get_state (peer), ==, DECK_PEER_STATE_NOT_ENABLED);
  g_assert_cmpstr (deck_peer_item_get_summary (peer), ==, "Clustering is not enabled on this instance");
  g_assert_null (deck_peer_item_get_node_name (peer));

  peer = peer_at (list, 4);
  g_assert_true (deck_peer_item_get_instance (peer) == org.node5);
  g_assert_cmpint (deck_peer_item_get_state (peer), ==, DECK_PEER_STATE_UNREACHABLE);
  g_assert_cmpstr (deck_peer_item_get_summary (peer), ==, "Not reachable now");

  peer = peer_at (list, 5);
  g_assert_true (deck_peer_item_get_instance (peer) == org.node6);
  g_assert_cmpint (deck_peer_item_get_state (peer), ==, DECK_PEER_STATE_INCOMPATIBLE);
  g_assert_cmpstr (deck_peer_item_get_summary (peer), ==,
                   "Uses another replication engine, or has not restarted yet");

  peer = peer_at (list, 6);
  g_assert_true (deck_peer_item_get_instance (peer) == org.node7);
  g_assert_cmpint (deck_peer_item_get_state (peer), ==, DECK_PEER_STATE_INCOMPATIBLE);

  /* Found by what the rows' actions carry. */
  g_assert_true (deck_peer_list_find_node (list, "node2") == peer_at (list, 0));
  g_assert_true (deck_peer_list_find_node (list, "far <&> away") == peer_at (list, 1));
  g_assert_true (deck_peer_list_find_node (list, "node3") == peer_at (list, 2));
  g_assert_null (deck_peer_list_find_node (list, "node1"));
  g_assert_null (deck_peer_list_find_node (list, NULL));
  g_assert_true (deck_peer_list_find_instance (list, "4") == peer_at (list, 3));
  g_assert_null (deck_peer_list_find_instance (list, "1"));

  /* Cleared: one change that removes everything. */
  deck_peer_list_clear (list);
  g_assert_cmpuint (seen.n_signals, ==, 2);
  g_assert_cmpuint (seen.removed, ==, 7);
  g_assert_cmpuint (seen.added, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  deck_peer_list_clear (list);
  g_assert_cmpuint (seen.n_signals, ==, 2);

  g_signal_handlers_disconnect_by_data (list, &seen);
  organization_clear (&org);
}

/* While the cluster status is not read (or could not be), every other
 * instance of the organization is listed as unconnected; a list made again
 * replaces the peers it had. */
static void
test_no_status (void)
{
  Organization org;
  g_autoptr(DeckPeerList) list = deck_peer_list_new ();
  g_autoptr(HdbClusterStatus) status = status_new ("node1");
  ItemsChanged seen = { 0 };
  g_autoptr(DeckPeerItem) kept = NULL;

  organization_init (&org);
  g_ptr_array_add (status->connections, connection_new ("node2", "ws://127.0.0.1:9225"));
  deck_peer_list_update (list, org.node1, G_LIST_MODEL (org.instances), status);
  g_assert_cmpuint (deck_peer_list_count (list, DECK_PEER_GROUP_CONNECTED), ==, 1);
  kept = g_list_model_get_item (G_LIST_MODEL (list), 0);

  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed), &seen);
  deck_peer_list_update (list, org.node1, G_LIST_MODEL (org.instances), NULL);
  g_assert_cmpuint (seen.n_signals, ==, 1);
  g_assert_cmpuint (seen.removed, ==, 6);
  g_assert_cmpuint (seen.added, ==, 6);
  g_assert_cmpuint (deck_peer_list_count (list, DECK_PEER_GROUP_CONNECTED), ==, 0);
  g_assert_cmpuint (deck_peer_list_count (list, DECK_PEER_GROUP_UNREGISTERED), ==, 0);
  g_assert_cmpuint (deck_peer_list_count (list, DECK_PEER_GROUP_UNCONNECTED), ==, 6);
  g_assert_cmpint (deck_peer_item_get_state (deck_peer_list_find_node (list, "node2")), ==,
                   DECK_PEER_STATE_CONNECTABLE);
  /* A peer is never changed: the one taken before still says what it said. */
  g_assert_cmpint (deck_peer_item_get_group (kept), ==, DECK_PEER_GROUP_CONNECTED);

  /* No organization (it was removed): nothing but unregistered nodes. */
  deck_peer_list_update (list, org.node1, NULL, status);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  g_assert_cmpint (deck_peer_item_get_group (peer_at (list, 0)), ==, DECK_PEER_GROUP_UNREGISTERED);

  g_signal_handlers_disconnect_by_data (list, &seen);
  organization_clear (&org);
}

/* Answers captured from Harper 4.4: native replication with a database
 * socket per database, full replication, and NATS with its route status. */
static void
test_fixtures (void)
{
  Organization org;
  g_autoptr(DeckPeerList) list = deck_peer_list_new ();
  g_autoptr(HdbClusterStatus) subscriptions = parse_fixture ("cluster_status_native_subscriptions.json");
  g_autoptr(HdbClusterStatus) replicates = parse_fixture ("cluster_status_native_replicates.json");
  g_autoptr(HdbClusterStatus) nats = parse_fixture ("cluster_status_nats.json");
  g_autoptr(HdbClusterStatus) empty = parse_fixture ("cluster_status_native_empty.json");
  DeckPeerItem *peer;

  organization_init (&org);

  deck_peer_list_update (list, org.node1, G_LIST_MODEL (org.instances), subscriptions);
  peer = deck_peer_list_find_node (list, "node2");
  g_assert_nonnull (peer);
  g_assert_cmpint (deck_peer_item_get_group (peer), ==, DECK_PEER_GROUP_CONNECTED);
  g_assert_true (deck_peer_item_get_instance (peer) == org.node2);
  g_assert_cmpstr (deck_peer_item_get_summary (peer), ==, "shop connected (5.0 ms)");
  g_assert_null (deck_peer_item_get_problem (peer));
  g_test_message ("native: %s", deck_peer_item_get_summary (peer));

  deck_peer_list_update (list, org.node1, G_LIST_MODEL (org.instances), replicates);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      peer = peer_at (list, i);
      if (deck_peer_item_get_state (peer) != DECK_PEER_STATE_LINKED)
        continue;
      g_test_message ("full replication: %s: %s", deck_peer_item_get_name (peer),
                      deck_peer_item_get_summary (peer));
      g_assert_true (deck_peer_item_get_replicates (peer));
      g_assert_true (g_str_has_suffix (deck_peer_item_get_summary (peer), " · full replication"));
    }

  answered (org.node1, HDB_ENGINE_NATS, "node1", FALSE);
  deck_peer_list_update (list, org.node1, G_LIST_MODEL (org.instances), nats);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      peer = peer_at (list, i);
      if (deck_peer_item_get_state (peer) != DECK_PEER_STATE_LINKED)
        continue;
      g_test_message ("NATS: %s: %s", deck_peer_item_get_name (peer), deck_peer_item_get_summary (peer));
      g_assert_true (g_str_has_prefix (deck_peer_item_get_summary (peer), "NATS: "));
    }
  /* Now NATS: node6 can be connected, the native ones no longer. */
  g_assert_cmpint (deck_peer_item_get_state (deck_peer_list_find_instance (list, "6")), ==,
                   DECK_PEER_STATE_CONNECTABLE);
  g_assert_cmpint (deck_peer_item_get_state (deck_peer_list_find_instance (list, "3")), ==,
                   DECK_PEER_STATE_INCOMPATIBLE);

  deck_peer_list_update (list, org.node1, G_LIST_MODEL (org.instances), empty);
  g_assert_cmpuint (deck_peer_list_count (list, DECK_PEER_GROUP_CONNECTED), ==, 0);
  g_assert_cmpuint (deck_peer_list_count (list, DECK_PEER_GROUP_UNCONNECTED), ==, 6);

  organization_clear (&org);
}

/* The same server registered twice (a super user's login and a reader's)
 * is no peer of itself: not by URL while its node name is unknown, not by
 * node name once it is known; another port of the same host is a peer. */
static void
test_same_server (void)
{
  g_autoptr(DeckPeerList) list = deck_peer_list_new ();
  g_autoptr(GListStore) instances = g_list_store_new (DECK_TYPE_INSTANCE);
  g_autoptr(DeckInstance) node1 = deck_instance_new ("1", "org", "node1",
                                                     "http://127.0.0.1:9925", "admin");
  g_autoptr(DeckInstance) reader = deck_instance_new ("2", "org", "node1 (reader)",
                                                      "HTTP://127.0.0.1:9925/", "reader");
  g_autoptr(DeckInstance) other_port = deck_instance_new ("3", "org", "node2",
                                                          "http://127.0.0.1:9935", "admin");

  g_list_store_append (instances, node1);
  g_list_store_append (instances, reader);
  g_list_store_append (instances, other_port);

  deck_peer_list_update (list, node1, G_LIST_MODEL (instances), NULL);
  g_assert_cmpuint (deck_peer_list_count (list, DECK_PEER_GROUP_UNCONNECTED), ==, 1);
  g_assert_null (deck_peer_list_find_instance (list, "2"));
  g_assert_nonnull (deck_peer_list_find_instance (list, "3"));

  /* Once both answered with their node names, those decide. */
  answered (node1, HDB_ENGINE_NATIVE, "node1", FALSE);
  answered (reader, HDB_ENGINE_NATIVE, "node1", FALSE);
  answered (other_port, HDB_ENGINE_NATIVE, "node2", FALSE);
  deck_peer_list_update (list, reader, G_LIST_MODEL (instances), NULL);
  g_assert_null (deck_peer_list_find_instance (list, "1"));
  g_assert_nonnull (deck_peer_list_find_instance (list, "3"));
}

/* The list and its peers go when their last holder lets go. */
static void
test_lifetime (void)
{
  Organization org;
  DeckPeerList *list = deck_peer_list_new ();
  DeckPeerItem *peer;

  organization_init (&org);
  deck_peer_list_update (list, org.node1, G_LIST_MODEL (org.instances), NULL);
  peer = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_finalize_object (list);
  g_assert_true (deck_peer_item_get_instance (peer) == org.node2);
  g_assert_finalize_object (peer);
  organization_clear (&org);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/peer-list/classify", test_classify);
  g_test_add_func ("/peer-list/no-status", test_no_status);
  g_test_add_func ("/peer-list/fixtures", test_fixtures);
  g_test_add_func ("/peer-list/lifetime", test_lifetime);
  g_test_add_func ("/peer-list/same-server", test_same_server);
  return g_test_run ();
}
