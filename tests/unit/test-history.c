/* test-history.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The applied-changes history (history.jsonl): the round trip without
 * secrets, the bounds (entries and bytes) kept at append, hostile lines
 * skipped and counted, a file over the limit read from its end, an
 * unreadable file reported and left alone, the asynchronous load off the
 * main thread. Each test has its own XDG_STATE_HOME.
 */

#include "deck-history.h"
#include "deck-json-file.h"
#include "file-test-util.h"
#include "test-util.h"

static char *
history_path (void)
{
  return g_build_filename (g_get_user_state_dir (), "clusterdeck", "history.jsonl", NULL);
}

/* An apply of @n operations on @instance, each carrying one change, with
 * @message (which may hold what a server echoed). */
static DeckApplyResult *
make_result (const char *instance,
             guint       first,
             guint       n,
             const char *message)
{
  DeckApplyResult *result = g_new0 (DeckApplyResult, 1);

  result->results = g_ptr_array_new_with_free_func ((GDestroyNotify) deck_apply_op_result_free);
  result->remaining = deck_change_set_new ();
  for (guint i = 0; i < n; i++)
    {
      DeckApplyOpResult *op = g_new0 (DeckApplyOpResult, 1);
      DeckChange *change = g_new0 (DeckChange, 1);

      change->instance_id = g_strdup (instance);
      change->peer = g_strdup ("node2");
      change->database = g_strdup ("db");
      change->table = g_strdup_printf ("t%05u", first + i);
      change->publish = DECK_TOGGLE_OFF;
      op->kind = DECK_PLAN_OP_UPDATE_NODE;
      op->instance_id = g_strdup (instance);
      op->peer = g_strdup ("node2");
      op->reached = TRUE;
      op->ok = i % 2 == 0;
      op->message = g_strdup (message);
      op->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) deck_change_free);
      g_ptr_array_add (op->changes, change);
      g_ptr_array_add (result->results, op);
    }
  result->n_ok = (n + 1) / 2;
  result->n_failed = n / 2;
  return result;
}

static void
append (const char *instance,
        guint       first,
        guint       n,
        const char *message)
{
  g_autofree char *path = history_path ();
  g_autoptr(DeckApplyResult) result = make_result (instance, first, n, message);
  g_autoptr(GError) error = NULL;

  g_assert_true (deck_history_append (path, result, NULL, &error));
  g_assert_no_error (error);
}

static GPtrArray *
load (guint *n_skipped)
{
  g_autofree char *path = history_path ();
  g_autoptr(GError) error = NULL;
  GPtrArray *entries = deck_history_load (path, n_skipped, &error);

  g_assert_no_error (error);
  g_assert_nonnull (entries);
  return entries;
}

static const char *
entry_table (const DeckHistoryEntry *entry)
{
  g_assert_cmpuint (entry->changes->len, ==, 1);
  return g_ptr_array_index (entry->changes, 0);
}

static void
test_round_trip (void)
{
  g_autofree char *path = history_path ();
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *line = NULL;
  guint skipped = 99;
  GStatBuf buf;

  entries = load (&skipped);
  g_assert_cmpuint (entries->len, ==, 0);
  g_assert_cmpuint (skipped, ==, 0);
  g_clear_pointer (&entries, g_ptr_array_unref);

  append ("db1", 0, 3, "400: echoed Authorization: Basic c2VjcmV0OnNlY3JldA==");
  entries = load (&skipped);
  g_assert_cmpuint (entries->len, ==, 3);
  g_assert_cmpuint (skipped, ==, 0);
  g_assert_cmpstr (((DeckHistoryEntry *) entries->pdata[0])->instance, ==, "db1");
  g_assert_cmpstr (((DeckHistoryEntry *) entries->pdata[0])->operation, ==, "update_node");
  g_assert_true (((DeckHistoryEntry *) entries->pdata[0])->ok);
  g_assert_false (((DeckHistoryEntry *) entries->pdata[1])->ok);
  g_assert_cmpstr (entry_table (entries->pdata[2]), ==, "db.t00002: publish off");
  line = deck_history_entry_describe (entries->pdata[0]);
  g_assert_nonnull (strstr (line, "db1 → node2 update_node"));

  contents = file_test_read (path, NULL);
  g_assert_null (strstr (contents, "c2VjcmV0OnNlY3JldA=="));
  g_assert_nonnull (strstr (contents, "Basic (hidden)"));
  g_assert_nonnull (strstr (contents, "\"version\":1"));
  g_assert_cmpint (g_stat (path, &buf), ==, 0);
  g_assert_cmpint (buf.st_mode & 0777, ==, 0600);
}

static void
test_bounded_entries (void)
{
  g_autofree char *path = history_path ();
  g_autoptr(GPtrArray) entries = NULL;
  guint n = 0;

  /* 1,100 entries in applies of 37: the oldest go at the append that
   * passes the bound. */
  while (n < DECK_HISTORY_MAX_ENTRIES + 100)
    {
      append ("db1", n, 37, NULL);
      n += 37;
    }
  entries = load (NULL);
  g_assert_cmpuint (entries->len, ==, DECK_HISTORY_MAX_ENTRIES);
  {
    g_autofree char *newest = g_strdup_printf ("db.t%05u: publish off", n - 1);
    g_autofree char *oldest = g_strdup_printf ("db.t%05u: publish off",
                                               n - DECK_HISTORY_MAX_ENTRIES);

    g_assert_cmpstr (entry_table (entries->pdata[entries->len - 1]), ==, newest);
    g_assert_cmpstr (entry_table (entries->pdata[0]), ==, oldest);
  }
  g_assert_cmpuint (file_test_count_siblings (path, ""), ==, 0);
}

static void
test_bounded_bytes (void)
{
  g_autofree char *path = history_path ();
  g_autofree char *message = g_strnfill (4000, 'm');
  g_autoptr(GPtrArray) entries = NULL;
  GStatBuf buf;

  /* 400 entries of 4 KB: 1.6 MB, more than the bound. */
  for (guint i = 0; i < 40; i++)
    append ("db1", i * 10, 10, message);
  g_assert_cmpint (g_stat (path, &buf), ==, 0);
  g_assert_cmpint (buf.st_size, <=, DECK_HISTORY_MAX_BYTES);
  entries = load (NULL);
  g_assert_cmpuint (entries->len, <, 400);
  g_assert_cmpuint (entries->len, >, 200);
  g_assert_cmpstr (entry_table (entries->pdata[entries->len - 1]), ==, "db.t00399: publish off");
}

static void
test_hostile_lines (void)
{
  g_autofree char *path = history_path ();
  FileTestHostile nested = file_test_hostile_nested ();
  FileTestHostile latin1 = file_test_hostile_not_utf8 ();
  g_autoptr(GString) contents = g_string_new (NULL);
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *after = NULL;
  g_autofree char *good = NULL;
  guint skipped = 0;

  append ("good1", 0, 1, NULL);
  good = file_test_read (path, NULL);
  g_string_append (contents, good);
  g_string_append_len (contents, nested.data, (gssize) nested.length);
  g_string_append (contents, "\n");
  g_string_append_len (contents, latin1.data, (gssize) latin1.length);
  g_string_append (contents, "\n");
  /* Wrong types, a newer line, not an object, garbage. */
  g_string_append (contents, "{\"time\": 5, \"instance\": \"x\", \"peer\": \"y\", "
                             "\"operation\": \"update_node\"}\n");
  g_string_append (contents, "{\"version\": 2, \"time\": \"2030-01-01T00:00:00Z\", "
                             "\"instance\": \"x\", \"peer\": \"y\", \"operation\": \"z\"}\n");
  g_string_append (contents, "[1, 2]\n");
  g_string_append (contents, "{\"time\": \"2026-01-01T00:00:00Z\", \"instance\": \"old\", "
                             "\"peer\": \"y\", \"operation\": \"remove_node\", "
                             "\"changes\": [1, \"db.t: publish on\"], \"result\": \"ok\"}\n");
  g_string_append (contents, "not json at all\n");
  file_test_write (path, contents->str, (gssize) contents->len);

  entries = load (&skipped);
  g_assert_cmpuint (skipped, ==, 6);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpstr (((DeckHistoryEntry *) entries->pdata[1])->instance, ==, "old");
  g_assert_cmpuint (((DeckHistoryEntry *) entries->pdata[1])->changes->len, ==, 1);

  /* An append keeps the lines it cannot read: nothing is lost. */
  append ("good2", 1, 1, NULL);
  after = file_test_read (path, NULL);
  g_assert_true (g_str_has_prefix (after, contents->str));
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = load (&skipped);
  g_assert_cmpuint (entries->len, ==, 3);

  file_test_hostile_clear (&nested);
  file_test_hostile_clear (&latin1);
}

static void
test_too_large (void)
{
  g_autofree char *path = history_path ();
  g_autoptr(GString) contents = g_string_new (NULL);
  g_autoptr(GPtrArray) entries = NULL;
  guint skipped = 0, n = 0;
  GStatBuf buf;

  /* As an older Clusterdeck left it: 3 MB, never trimmed. */
  while (contents->len < 3 * DECK_HISTORY_MAX_BYTES)
    {
      g_string_append_printf (contents, "{\"time\": \"2026-01-01T00:00:00Z\", \"instance\": \"db1\", "
                              "\"peer\": \"node2\", \"operation\": \"update_node\", "
                              "\"changes\": [\"db.t%05u: publish off\"], \"result\": \"ok\", "
                              "\"message\": \"%s\"}\n", n++, "padding padding padding");
    }
  file_test_write (path, contents->str, (gssize) contents->len);

  /* Read from its end: the newest entries, no partial line. */
  entries = load (&skipped);
  g_assert_cmpuint (skipped, ==, 0);
  g_assert_cmpuint (entries->len, >, 0);
  g_assert_cmpuint (entries->len, <=, DECK_HISTORY_MAX_ENTRIES * 10);
  {
    g_autofree char *newest = g_strdup_printf ("db.t%05u: publish off", n - 1);

    g_assert_cmpstr (entry_table (entries->pdata[entries->len - 1]), ==, newest);
  }

  /* The next append brings it within the bounds, newest kept. */
  append ("db1", n, 1, NULL);
  g_assert_cmpint (g_stat (path, &buf), ==, 0);
  g_assert_cmpint (buf.st_size, <=, DECK_HISTORY_MAX_BYTES);
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = load (&skipped);
  g_assert_cmpuint (skipped, ==, 0);
  g_assert_cmpuint (entries->len, ==, DECK_HISTORY_MAX_ENTRIES);
  {
    g_autofree char *newest = g_strdup_printf ("db.t%05u: publish off", n);

    g_assert_cmpstr (entry_table (entries->pdata[entries->len - 1]), ==, newest);
  }
}

static void
test_unreadable (void)
{
  g_autofree char *path = history_path ();
  g_autoptr(DeckApplyResult) result = make_result ("db1", 5, 1, NULL);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  append ("db1", 0, 2, NULL);
  before = file_test_read (path, NULL);
  file_test_deny_read (path);

  entries = deck_history_load (path, NULL, &error);
  g_assert_null (entries);
  g_assert_error (error, DECK_JSON_FILE_ERROR, DECK_JSON_FILE_ERROR_IO);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_false (deck_history_append (path, result, NULL, &error));
  g_assert_error (error, DECK_JSON_FILE_ERROR, DECK_JSON_FILE_ERROR_IO);

  file_test_allow_read (path);
  after = file_test_read (path, NULL);
  g_assert_cmpstr (after, ==, before);
}

static void
test_async (void)
{
  g_autofree char *path = history_path ();
  g_autoptr(DeckApplyResult) result = make_result ("db1", 0, 5, NULL);
  g_autoptr(GAsyncResult) async_result = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  guint skipped = 99;

  TEST_AWAIT (async_result, 10000,
              deck_history_append_async (path, result, NULL, NULL, test_util_store_result,
                                         &async_result));
  g_assert_true (deck_history_append_finish (async_result, &error));
  g_assert_no_error (error);
  g_clear_object (&async_result);

  TEST_AWAIT (async_result, 10000,
              deck_history_load_async (path, NULL, test_util_store_result, &async_result));
  entries = deck_history_load_finish (async_result, &skipped, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 5);
  g_assert_cmpuint (skipped, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/history/round-trip", test_round_trip);
  g_test_add_func ("/history/bounded-entries", test_bounded_entries);
  g_test_add_func ("/history/bounded-bytes", test_bounded_bytes);
  g_test_add_func ("/history/hostile-lines", test_hostile_lines);
  g_test_add_func ("/history/too-large", test_too_large);
  g_test_add_func ("/history/unreadable", test_unreadable);
  g_test_add_func ("/history/async", test_async);

  return g_test_run ();
}
