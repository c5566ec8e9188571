/* test-faults-health.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DeckHealthWatch's rules on states a real Harper does not produce on
 * demand, from two loopback servers answering cluster_status as Harper's
 * native engine does (node1 with a link to node2, one database socket),
 * the socket's state chosen by the test between readings:
 *
 *   catching up        healthy until the threshold, then one
 *                      ::link-health-changed (unhealthy, catching-up)
 *   up to date         healthy again (one ::link-health-changed)
 *   the socket dropped, the link still there (another socket)
 *                      unhealthy, `gone`
 *   the link removed   healthy (forgotten), nothing marked
 *
 * A second organization has instances of the same names whose nodes have
 * the same names (two clusters set up alike), their link always up to
 * date: the watch keeps the two apart (by instance id; a peer is an
 * instance of the same organization).
 *
 * The watch reads every second, the threshold 2 s; the waits are bounded
 * by readings, never by time.
 */

#include <glib/gstdio.h>

#include "deck-context.h"
#include "deck-health-watch.h"
#include "fault-server.h"
#include "test-util.h"

#define SOCKET(db, catching)                                                   \
  "{\"database\":\"" db "\",\"connected\":true,\"latency\":1.5,"               \
  "\"catching_up_from\":\"" catching "\",\"thread_id\":1,\"nodes\":[\"node2\"]}"

/* Iterates the main context until @cond holds; fails after @ms. */
#define TEST_WAIT_UNTIL(cond, ms) G_STMT_START {                               \
    gboolean over_ = FALSE;                                                    \
    guint id_ = g_timeout_add ((ms), test_util_timeout_cb, &over_);            \
    while (!(cond) && !over_)                                                  \
      g_main_context_iteration (NULL, TRUE);                                   \
    if (!over_)                                                                \
      g_source_remove (id_);                                                   \
    if (!(cond))                                                               \
      g_error ("timed out after %u ms waiting for %s", (guint) (ms), #cond);   \
  } G_STMT_END

static const char *node1_sockets;   /* the link's database_sockets, or NULL: no link */
static FaultServer *server1;
static FaultServer *staging1;       /* the other organization's node1: always up to date */

typedef struct
{
  char     *instance;
  char     *instance_id;
  char     *state;
  gboolean  healthy;
} Turn;

static GPtrArray *turns;

static void
turn_free (Turn *turn)
{
  g_free (turn->instance);
  g_free (turn->instance_id);
  g_free (turn->state);
  g_free (turn);
}

static void
handler (SoupServerMessage *msg,
         gpointer           data)
{
  FaultServer *fs = data;
  g_autofree char *body = NULL;

  if (strstr (fs->last_body->str, "describe_all") != NULL)
    {
      fault_respond (msg, 200, "application/json", "{}");
      return;
    }
  if ((fs == server1 && node1_sockets != NULL) || fs == staging1)
    body = g_strdup_printf ("{\"type\":\"cluster-status\",\"node_name\":\"node1\","
                            "\"is_enabled\":true,\"connections\":[{\"url\":\"ws://127.0.0.1:9\","
                            "\"name\":\"node2\",\"replicates\":true,"
                            "\"database_sockets\":[%s]}]}",
                            fs == staging1 ? SOCKET ("data", "up-to-date") : node1_sockets);
  else
    body = g_strdup_printf ("{\"type\":\"cluster-status\",\"node_name\":\"%s\","
                            "\"is_enabled\":true,\"connections\":[]}",
                            fs == server1 ? "node1" : "node2");
  fault_respond (msg, 200, "application/json", body);
}

static void
on_link_health_changed (DeckHealthWatch      *health,
                        const DeckHealthItem *item,
                        gboolean              healthy,
                        gpointer              data)
{
  Turn *turn = g_new0 (Turn, 1);

  turn->instance = g_strdup (item->instance);
  turn->instance_id = g_strdup (item->instance_id);
  turn->state = g_strdup (item->state);
  turn->healthy = healthy;
  g_test_message ("reading %u: %s → %s %s: %s", deck_health_watch_get_n_readings (health),
                  item->instance, item->peer, item->database ? item->database : "-",
                  healthy ? "healthy" : item->state);
  g_ptr_array_add (turns, turn);
}

/* The link item of the instance @instance_id in the last reading */
static const DeckHealthItem *
link_item (DeckHealthWatch *health,
           const char      *instance_id)
{
  GPtrArray *items = deck_health_watch_get_items (health);

  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      const DeckHealthItem *item = g_ptr_array_index (items, i);

      if (g_strcmp0 (item->instance_id, instance_id) == 0 && item->peer_node != NULL)
        return item;
    }
  return NULL;
}

/* Iterates until @n readings more were made */
static void
wait_readings (DeckHealthWatch *health,
               guint            n)
{
  guint until = deck_health_watch_get_n_readings (health) + n;

  TEST_WAIT_UNTIL (deck_health_watch_get_n_readings (health) >= until, 30000);
}

static void
test_rules (void)
{
  g_autoptr(FaultServer) two = NULL;
  g_autoptr(FaultServer) staging2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("clusterdeck-health-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr(DeckStore) store = NULL;
  g_autoptr(DeckInstanceMonitor) monitor = NULL;
  g_autoptr(DeckContext) context = NULL;
  g_autoptr(DeckHealthWatch) health = NULL;
  DeckOrganization *org, *staging;
  DeckInstance *node1, *node2, *other1, *other2;
  const char *id1, *id2;
  const Turn *turn;
  gpointer alive;

  g_assert_no_error (error);
  turns = g_ptr_array_new_with_free_func ((GDestroyNotify) turn_free);
  server1 = fault_server_new (handler, NULL);
  two = fault_server_new (handler, NULL);
  staging1 = fault_server_new (handler, NULL);
  staging2 = fault_server_new (handler, NULL);
  node1_sockets = SOCKET ("data", "2026-12-06T01:00:00.000Z");

  path = g_build_filename (dir, "organizations.json", NULL);
  store = deck_store_new (path);
  {
    g_autoptr(GError) problem = NULL;

    g_assert_true (deck_store_load (store, &problem, &error));
    g_assert_no_error (problem);
  }
  org = deck_store_add_organization (store, "Demo", &error);
  g_assert_no_error (error);
  node1 = deck_store_add_instance (store, org, "node1", server1->url, "admin", NULL, &error);
  g_assert_no_error (error);
  node2 = deck_store_add_instance (store, org, "node2", two->url, "admin", NULL, &error);
  g_assert_no_error (error);
  staging = deck_store_add_organization (store, "Staging", &error);
  g_assert_no_error (error);
  other1 = deck_store_add_instance (store, staging, "node1", staging1->url, "admin", NULL, &error);
  g_assert_no_error (error);
  other2 = deck_store_add_instance (store, staging, "node2", staging2->url, "admin", NULL, &error);
  g_assert_no_error (error);
  id1 = deck_instance_get_id (node1);
  id2 = deck_instance_get_id (node2);
  monitor = deck_instance_monitor_new (store, deck_credentials_get_default ());
  deck_instance_monitor_set_password (monitor, node1, "fault-password");
  deck_instance_monitor_set_password (monitor, node2, "fault-password");
  deck_instance_monitor_set_password (monitor, other1, "fault-password");
  deck_instance_monitor_set_password (monitor, other2, "fault-password");
  context = deck_context_new (store, deck_credentials_get_default (), monitor);

  health = deck_health_watch_new (context, NULL);
  deck_health_watch_set_interval (health, 1);
  deck_health_watch_set_threshold (health, 2);
  g_signal_connect (health, "link-health-changed", G_CALLBACK (on_link_health_changed), NULL);
  deck_health_watch_start (health);

  /* Catching up: healthy at first, unhealthy once past the threshold. */
  wait_readings (health, 1);
  g_assert_cmpuint (turns->len, ==, 0);
  g_assert_null (deck_health_watch_get_unhealthy (health, id1));
  /* Each link's peer is the instance of its own organization. */
  g_assert_cmpstr (link_item (health, id1)->peer_id, ==, id2);
  g_assert_cmpstr (link_item (health, deck_instance_get_id (other1))->peer_id, ==,
                   deck_instance_get_id (other2));
  TEST_WAIT_UNTIL (turns->len > 0, 30000);
  turn = g_ptr_array_index (turns, 0);
  g_assert_cmpstr (turn->instance, ==, "node1");
  g_assert_cmpstr (turn->instance_id, ==, id1);
  g_assert_cmpstr (turn->state, ==, "catching-up");
  g_assert_false (turn->healthy);
  g_assert_nonnull (deck_health_watch_get_unhealthy_link (health, id1));
  g_assert_null (deck_health_watch_get_unhealthy_link (health, id2));
  /* The other organization's node1, of the same name, stays healthy. */
  g_assert_null (deck_health_watch_get_unhealthy (health, deck_instance_get_id (other1)));
  g_assert_cmpstr (link_item (health, deck_instance_get_id (other1))->state, ==, "up-to-date");
  /* Still catching up: no second turn. */
  wait_readings (health, 2);
  g_assert_cmpuint (turns->len, ==, 1);

  /* Up to date: healthy again. */
  node1_sockets = SOCKET ("data", "up-to-date") "," SOCKET ("shop", "up-to-date");
  TEST_WAIT_UNTIL (turns->len == 2, 30000);
  turn = g_ptr_array_index (turns, 1);
  g_assert_true (turn->healthy);
  g_assert_null (deck_health_watch_get_unhealthy_link (health, id1));

  /* One socket no longer reported while the link is: gone, unhealthy. */
  node1_sockets = SOCKET ("shop", "up-to-date");
  TEST_WAIT_UNTIL (turns->len == 3, 30000);
  turn = g_ptr_array_index (turns, 2);
  g_assert_cmpstr (turn->state, ==, "gone");
  g_assert_false (turn->healthy);
  wait_readings (health, 2);
  g_assert_cmpuint (turns->len, ==, 3);
  {
    g_autofree char *text = deck_health_item_describe_link (
      deck_health_watch_get_unhealthy_link (health, id1));

    g_test_message ("%s", text);
    g_assert_nonnull (strstr (text, "node2"));
    g_assert_nonnull (strstr (text, "data"));
  }

  /* The link removed: forgotten, healthy. */
  node1_sockets = NULL;
  TEST_WAIT_UNTIL (turns->len == 4, 30000);
  turn = g_ptr_array_index (turns, 3);
  g_assert_true (turn->healthy);
  g_assert_null (deck_health_watch_get_unhealthy (health, id1));

  /* Stopped, the reading in flight lets go of the watch. */
  deck_health_watch_stop (health);
  alive = health;
  g_object_add_weak_pointer (G_OBJECT (health), &alive);
  g_clear_object (&health);
  TEST_WAIT_UNTIL (alive == NULL, 30000);

  g_clear_object (&context);
  g_clear_object (&monitor);
  g_clear_object (&store);
  g_clear_pointer (&server1, fault_server_free);
  g_clear_pointer (&staging1, fault_server_free);
  g_clear_pointer (&turns, g_ptr_array_unref);
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *file = g_build_filename (dir, name, NULL);

        g_unlink (file);
      }
    g_rmdir (dir);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/faults-health/rules", test_rules);
  return g_test_run ();
}
