/* hdb-test-helpers.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Blocking wrappers around HdbClient calls for the test programs (see
 * hdb-test-helpers.h).
 */

#define G_LOG_DOMAIN "hdb-test-helpers"

#include "hdb-test-helpers.h"

JsonNode *
hdb_test_call (HdbClient   *client,
               const char  *json,
               GError     **error)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  g_autoptr(GAsyncResult) res = NULL;

  g_assert_nonnull (node);
  TEST_AWAIT (res, HDB_TEST_WAIT_MS,
              hdb_client_call_async (client, json_node_get_object (node), 0, NULL,
                                     test_util_store_result, &res));
  return hdb_client_call_finish (client, res, error);
}

HdbClient *
hdb_test_client (const char *url,
                 const char *user,
                 const char *password)
{
  g_autoptr(GError) error = NULL;
  HdbClient *client = hdb_client_new (url, user, password, &error);

  g_assert_no_error (error);
  hdb_client_set_timeout (client, 20000);
  return client;
}

gboolean
hdb_test_wait_record (HdbClient  *client,
                      const char *database,
                      const char *table,
                      gint64      id,
                      guint       ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;

  do
    {
      g_autoptr(JsonArray) ids = json_array_new ();
      g_autoptr(JsonArray) records = NULL;
      g_autoptr(GError) error = NULL;

      json_array_add_int_element (ids, id);
      records = HDB_SYNC (client, search_by_id, &error, database, table, ids);
      if (records != NULL && json_array_get_length (records) > 0)
        return TRUE;
      test_util_spin (100);
    }
  while (g_get_monotonic_time () < deadline);

  return FALSE;
}

void
hdb_test_insert (HdbClient  *client,
                 const char *database,
                 const char *table,
                 gint64      id,
                 const char *name)
{
  g_autoptr(JsonArray) records = json_array_new ();
  g_autoptr(JsonObject) record = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  json_object_set_int_member (record, "id", id);
  json_object_set_string_member (record, "name", name);
  json_array_add_object_element (records, g_steal_pointer (&record));
  message = HDB_SYNC (client, insert, &error, database, table, records);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (message, "inserted 1"));
}

gboolean
hdb_test_wait_answering (HdbClient *client,
                         guint      ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;
  guint saved = hdb_client_get_timeout (client);
  gboolean ok = FALSE;

  hdb_client_set_timeout (client, 2000);
  do
    {
      g_autoptr(HdbUserInfo) info = NULL;
      g_autoptr(GError) error = NULL;

      info = HDB_SYNC (client, user_info, &error);
      if (info != NULL)
        {
          ok = TRUE;
          break;
        }
      test_util_spin (200);
    }
  while (g_get_monotonic_time () < deadline);

  hdb_client_set_timeout (client, saved);
  return ok;
}

gboolean
hdb_test_wait_link (HdbClient  *client,
                    const char *peer,
                    gboolean    connected,
                    guint       ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;

  do
    {
      g_autoptr(HdbClusterStatus) status = NULL;
      g_autoptr(GError) error = NULL;

      status = HDB_SYNC (client, cluster_status, &error);
      if (status != NULL)
        {
          const HdbConnection *conn = hdb_cluster_status_find_connection (status, peer);
          gboolean up = conn != NULL && hdb_connection_is_connected (conn);

          if (up == connected)
            return TRUE;
        }
      test_util_spin (200);
    }
  while (g_get_monotonic_time () < deadline);

  return FALSE;
}

guint
hdb_test_first_bound (guint bound_ms)
{
  const char *value = g_getenv ("CLUSTERDECK_TEST_SWITCH_MS");

  return value != NULL ? (guint) g_ascii_strtoull (value, NULL, 10) : bound_ms;
}

gint64
hdb_test_write_until_held_full (HdbClient          *from,
                                HdbClient          *to,
                                const char         *database,
                                const char         *table,
                                gint64              first_id,
                                const char         *label,
                                guint               absent_ms,
                                guint               bound_ms,
                                HdbTestRestartFunc  restart,
                                gpointer            user_data)
{
  gint64 t0 = g_get_monotonic_time ();
  gint64 id = first_id;
  guint bound = restart != NULL ? hdb_test_first_bound (bound_ms) : bound_ms;
  gboolean restarted = FALSE;

  for (guint n_through = 0; ; n_through++)
    {
      gint64 elapsed = g_get_monotonic_time () - t0;

      /* Still flowing at the first bound (with a bound of 0, before the
       * first write): the restart, once; then the bound again. */
      if (restart != NULL && !restarted && elapsed >= (gint64) bound * 1000)
        {
          g_test_message ("%s.%s (%s): %u record(s) went through in %.1f s: the receiving "
                          "node stopped and started", database, table, label, n_through,
                          elapsed / 1e6);
          restart (user_data);
          restarted = TRUE;
          bound = bound_ms;
          t0 = g_get_monotonic_time ();
        }
      hdb_test_insert (from, database, table, id, label);
      if (!hdb_test_wait_record (to, database, table, id, absent_ms))
        {
          g_test_message ("%s.%s (%s): %u record(s) still went through, the flow stopped "
                          "%.1f s after the %s", database, table, label, n_through,
                          (g_get_monotonic_time () - t0) / 1e6,
                          restarted ? "restart" : "first write");
          return id;
        }
      if (restart == NULL || restarted)
        g_assert_cmpint (g_get_monotonic_time () - t0, <, (gint64) bound * 1000);
      id = first_id * 1000 + n_through + 1;
    }
}

gint64
hdb_test_write_until_held (HdbClient  *from,
                           HdbClient  *to,
                           const char *database,
                           const char *table,
                           gint64      first_id,
                           const char *label,
                           guint       absent_ms,
                           guint       bound_ms)
{
  return hdb_test_write_until_held_full (from, to, database, table, first_id, label, absent_ms,
                                         bound_ms, NULL, NULL);
}
