/* test-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The organizations store and its types: the file round trip, validation,
 * the mutators, lookups as the command line writes them. What happens to a
 * file that is hostile, newer or unreadable, to a save killed at any
 * moment, and to two writers: test-store-file.c. Each test has its own
 * XDG_CONFIG_HOME (G_TEST_OPTION_ISOLATE_DIRS).
 */

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "hdb-error.h"
#include "store-test-util.h"
#include "test-util.h"

/* DeckInstance */

static void
test_instance_status_names (void)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (DECK_TYPE_INSTANCE_STATUS);
  const char *names[] = {
    "unknown", "checking", "reachable", "unreachable", "auth-failed",
    "untrusted-certificate", "no-password",
  };

  g_assert_cmpuint (klass->n_values, ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GEnumValue *value = g_enum_get_value (klass, i);

      g_assert_cmpstr (deck_instance_status_to_string (i), ==, names[i]);
      g_assert_nonnull (value);
      g_assert_cmpstr (value->value_nick, ==, names[i]);
    }
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 GHashTable *counts)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, pspec->name));

  g_hash_table_insert (counts, (gpointer) pspec->name, GUINT_TO_POINTER (count + 1));
}

static guint
count_of (GHashTable *counts,
          const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (counts, name));
}

static void
test_instance_update_from_info (void)
{
  g_autoptr(DeckInstance) instance = NULL;
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  HdbServerInfo info = {
    .version = (char *) "4.4.18",
    .engine = HDB_ENGINE_NATIVE,
    .node_name = (char *) "node1",
    .username = (char *) "admin",
    .super_user = TRUE,
    .restart_pending = FALSE,
  };
  DeckInstanceStatus status;
  int engine = -1;

  instance = deck_instance_new ("i1", "o1", "db1", "https://db1:9925", "admin");
  g_assert_cmpint (deck_instance_get_status (instance), ==, DECK_INSTANCE_STATUS_UNKNOWN);
  g_assert_null (deck_instance_get_last_checked (instance));
  g_signal_connect (instance, "notify", G_CALLBACK (count_notify_cb), counts);

  deck_instance_update_from_info (instance, &info);
  g_assert_cmpint (deck_instance_get_status (instance), ==, DECK_INSTANCE_STATUS_REACHABLE);
  g_assert_cmpstr (deck_instance_get_version (instance), ==, "4.4.18");
  g_assert_cmpint (deck_instance_get_engine (instance), ==, HDB_ENGINE_NATIVE);
  g_assert_cmpstr (deck_instance_get_node_name (instance), ==, "node1");
  g_assert_cmpstr (deck_instance_get_login_user (instance), ==, "admin");
  g_assert_true (deck_instance_get_super_user (instance));
  g_assert_false (deck_instance_get_restart_pending (instance));
  g_assert_null (deck_instance_get_last_error (instance));
  g_assert_nonnull (deck_instance_get_last_checked (instance));

  g_assert_cmpuint (count_of (counts, "status"), ==, 1);
  g_assert_cmpuint (count_of (counts, "version"), ==, 1);
  g_assert_cmpuint (count_of (counts, "engine"), ==, 1);
  g_assert_cmpuint (count_of (counts, "super-user"), ==, 1);
  g_assert_cmpuint (count_of (counts, "restart-pending"), ==, 0);
  g_assert_cmpuint (count_of (counts, "last-error"), ==, 0);
  g_assert_cmpuint (count_of (counts, "last-checked"), ==, 1);

  /* The same answer again changes nothing but the time of the check. */
  g_hash_table_remove_all (counts);
  deck_instance_update_from_info (instance, &info);
  g_assert_cmpuint (g_hash_table_size (counts), ==, 1);
  g_assert_cmpuint (count_of (counts, "last-checked"), ==, 1);

  info.restart_pending = TRUE;
  g_hash_table_remove_all (counts);
  deck_instance_update_from_info (instance, &info);
  g_assert_cmpuint (count_of (counts, "restart-pending"), ==, 1);
  g_assert_cmpuint (count_of (counts, "status"), ==, 0);

  g_object_get (instance, "status", &status, "engine", &engine, NULL);
  g_assert_cmpint (status, ==, DECK_INSTANCE_STATUS_REACHABLE);
  g_assert_cmpint (engine, ==, HDB_ENGINE_NATIVE);
}

static void
test_instance_update_from_error (void)
{
  g_autoptr(DeckInstance) instance = NULL;
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  HdbServerInfo info = {
    .version = (char *) "4.3.38",
    .engine = HDB_ENGINE_NATS,
    .node_name = (char *) "nodeA",
    .username = (char *) "admin",
    .super_user = TRUE,
  };
  struct {
    HdbError           code;
    DeckInstanceStatus status;
  } cases[] = {
    { HDB_ERROR_AUTH, DECK_INSTANCE_STATUS_AUTH_FAILED },
    { HDB_ERROR_TLS, DECK_INSTANCE_STATUS_UNTRUSTED_CERTIFICATE },
    { HDB_ERROR_NETWORK, DECK_INSTANCE_STATUS_UNREACHABLE },
    { HDB_ERROR_TIMEOUT, DECK_INSTANCE_STATUS_UNREACHABLE },
    { HDB_ERROR_SERVER, DECK_INSTANCE_STATUS_UNREACHABLE },
    { HDB_ERROR_INVALID_RESPONSE, DECK_INSTANCE_STATUS_UNREACHABLE },
    { HDB_ERROR_HARPER, DECK_INSTANCE_STATUS_UNREACHABLE },
    { HDB_ERROR_FORBIDDEN, DECK_INSTANCE_STATUS_UNREACHABLE },
  };

  instance = deck_instance_new ("i1", "o1", "db1", "https://db1:9925", "admin");
  deck_instance_update_from_info (instance, &info);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = g_error_new (HDB_ERROR, cases[i].code, "failure %u", i);
      g_autofree char *expected = g_strdup_printf ("failure %u", i);

      /* Reachable between two failures, so each one changes the status. */
      deck_instance_update_from_info (instance, &info);
      deck_instance_update_from_error (instance, error);
      g_assert_cmpint (deck_instance_get_status (instance), ==, cases[i].status);
      g_assert_cmpstr (deck_instance_get_last_error (instance), ==, expected);
      /* The facts of the last successful check stay, to be shown greyed. */
      g_assert_cmpstr (deck_instance_get_version (instance), ==, "4.3.38");
      g_assert_cmpint (deck_instance_get_engine (instance), ==, HDB_ENGINE_NATS);
    }

  /* A cancelled check is no result. */
  {
    g_autoptr(GError) cancelled = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");

    g_signal_connect (instance, "notify", G_CALLBACK (count_notify_cb), counts);
    deck_instance_update_from_error (instance, cancelled);
    g_assert_cmpuint (g_hash_table_size (counts), ==, 0);
    g_assert_cmpint (deck_instance_get_status (instance), ==, DECK_INSTANCE_STATUS_UNREACHABLE);
    g_assert_cmpstr (deck_instance_get_last_error (instance), ==, "failure 7");
  }

  /* The same failure again only notifies the time. */
  {
    g_autoptr(GError) again = g_error_new (HDB_ERROR, HDB_ERROR_FORBIDDEN, "failure 7");

    deck_instance_update_from_error (instance, again);
    g_assert_cmpuint (g_hash_table_size (counts), ==, 1);
    g_assert_cmpuint (count_of (counts, "last-checked"), ==, 1);
  }

  /* Success clears the error. */
  deck_instance_update_from_info (instance, &info);
  g_assert_null (deck_instance_get_last_error (instance));
  g_assert_cmpint (deck_instance_get_status (instance), ==, DECK_INSTANCE_STATUS_REACHABLE);

  /* Errors of other domains (the keyring, GIO) make it unreachable. */
  {
    g_autoptr(GError) other = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, "other");

    deck_instance_update_from_error (instance, other);
    g_assert_cmpint (deck_instance_get_status (instance), ==, DECK_INSTANCE_STATUS_UNREACHABLE);
  }
}

static void
test_instance_checking (void)
{
  g_autoptr(DeckInstance) instance = deck_instance_new ("i1", "o1", "db1", "https://db1", "u");
  g_autoptr(GError) cancelled = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
  g_autoptr(GError) refused = g_error_new (HDB_ERROR, HDB_ERROR_AUTH, "refused");
  HdbServerInfo info = { .version = (char *) "4.4.18", .engine = HDB_ENGINE_NONE };

  deck_instance_set_checking (instance);
  g_assert_cmpint (deck_instance_get_status (instance), ==, DECK_INSTANCE_STATUS_CHECKING);

  /* Cancelling a first check must not leave it "checking" for ever. */
  deck_instance_update_from_error (instance, cancelled);
  g_assert_cmpint (deck_instance_get_status (instance), ==, DECK_INSTANCE_STATUS_UNKNOWN);

  deck_instance_set_checking (instance);
  deck_instance_update_from_info (instance, &info);
  deck_instance_set_checking (instance);
  g_assert_cmpint (deck_instance_get_status (instance), ==, DECK_INSTANCE_STATUS_REACHABLE);

  deck_instance_update_from_error (instance, refused);
  deck_instance_set_checking (instance);
  g_assert_cmpint (deck_instance_get_status (instance), ==, DECK_INSTANCE_STATUS_AUTH_FAILED);

  deck_instance_set_no_password (instance);
  g_assert_cmpint (deck_instance_get_status (instance), ==, DECK_INSTANCE_STATUS_NO_PASSWORD);
}

static void
test_instance_pin (void)
{
  g_autoptr(DeckInstance) instance = deck_instance_new ("i1", "o1", "db1", "https://db1", "u");
  g_autofree char *pin = NULL;

  g_assert_null (deck_instance_get_pinned_certificate (instance));
  deck_instance_set_pinned_certificate (instance, PIN_COLONS);
  g_assert_cmpstr (deck_instance_get_pinned_certificate (instance), ==, PIN_NORMAL);
  g_object_get (instance, "pinned-certificate", &pin, NULL);
  g_assert_cmpstr (pin, ==, PIN_NORMAL);
  deck_instance_set_pinned_certificate (instance, "");
  g_assert_null (deck_instance_get_pinned_certificate (instance));
}

/* Whether a login crosses the network in clear: plain http:// to anything
 * but this computer's loopback. */
static void
test_instance_login_in_clear (void)
{
  const struct { const char *url; gboolean in_clear; } cases[] = {
    { "https://db1.example.com:9925", FALSE },
    { "HTTPS://db1.example.com", FALSE },
    { "http://db1.example.com:9925", TRUE },
    { "HTTP://db1.example.com:9925", TRUE },
    { "http://192.0.2.10:9925", TRUE },
    { "http://[2001:db8::1]:9925", TRUE },
    { "http://127.0.0.1:9925", FALSE },
    { "http://127.1.2.3:9925", FALSE },
    { "http://[::1]:9925", FALSE },
    { "http://localhost:9925", FALSE },
    { "http://LOCALHOST:9925", FALSE },
    /* A name is not resolved: it may point anywhere. */
    { "http://localhost.example.com:9925", TRUE },
    { "http://127.0.0.1.example.com:9925", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(DeckInstance) instance = deck_instance_new ("i1", "o1", "db1", cases[i].url, "u");

      g_test_message ("%s", cases[i].url);
      g_assert_cmpint (deck_instance_get_login_in_clear (instance), ==, cases[i].in_clear);
    }
}

/* DeckOrganization */

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *count)
{
  (*count)++;
}

static void
test_organization_sorted (void)
{
  g_autoptr(DeckOrganization) organization = deck_organization_new ("o1", "Acme");
  const char *names[] = { "charlie", "Bravo", "alpha", "delta", "Echo" };
  DeckInstance *instances[G_N_ELEMENTS (names)];
  guint changes = 0;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *id = g_strdup_printf ("i%u", i);

      instances[i] = deck_instance_new (id, "o1", names[i], "https://x", "u");
      deck_organization_insert_instance (organization, instances[i]);
    }
  assert_instance_names (organization, "alpha Bravo charlie delta Echo");

  g_signal_connect (deck_organization_get_instances (organization), "items-changed",
                    G_CALLBACK (items_changed_cb), &changes);

  /* A rename that keeps the order moves nothing. */
  deck_instance_set_name (instances[0], "Charlie");
  g_assert_cmpuint (changes, ==, 0);

  deck_instance_set_name (instances[2], "zulu");
  assert_instance_names (organization, "Bravo Charlie delta Echo zulu");
  g_assert_cmpuint (changes, >, 0);

  deck_instance_set_name (instances[4], "ALPHA");
  assert_instance_names (organization, "ALPHA Bravo Charlie delta zulu");

  g_assert_true (deck_organization_lookup_instance (organization, "alpha", TRUE) == instances[4]);
  g_assert_null (deck_organization_lookup_instance (organization, "alpha", FALSE));

  g_assert_true (deck_organization_remove_instance (organization, instances[1]));
  g_assert_false (deck_organization_remove_instance (organization, instances[1]));
  assert_instance_names (organization, "ALPHA Charlie delta zulu");

  /* A removed instance no longer moves anything. */
  deck_instance_set_name (instances[1], "aaa");
  assert_instance_names (organization, "ALPHA Charlie delta zulu");

  /* Instances may outlive the organization. */
  g_clear_object (&organization);
  deck_instance_set_name (instances[3], "omega");

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_object_unref (instances[i]);
}

/* DeckStore: contents */

static void
test_round_trip (void)
{
  g_autoptr(DeckStore) store = NULL;
  g_autoptr(DeckStore) again = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = default_path ();
  DeckOrganization *alpha, *beta;
  DeckInstance *db;
  JsonObject *root;

  store = new_loaded_store (NULL);
  g_assert_cmpstr (deck_store_get_path (store), ==, path);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (n_items (deck_store_get_organizations (store)), ==, 0);

  beta = add_organization (store, "beta");
  alpha = add_organization (store, "  Alpha ");
  add_organization (store, "gamma");
  g_assert_cmpstr (deck_organization_get_name (alpha), ==, "Alpha");
  g_assert_true (g_uuid_string_is_valid (deck_organization_get_id (alpha)));

  add_instance (store, alpha, "web", NULL);
  db = add_instance (store, alpha, "DB", PIN_COLONS);
  add_instance (store, alpha, "api", NULL);
  add_instance (store, beta, "x", NULL);
  g_assert_cmpstr (deck_instance_get_pinned_certificate (db), ==, PIN_NORMAL);
  g_assert_cmpstr (deck_instance_get_organization_id (db), ==, deck_organization_get_id (alpha));
  g_assert_true (g_uuid_string_is_valid (deck_instance_get_id (db)));

  g_assert_cmpstr (deck_organization_get_name (organization_at (store, 0)), ==, "Alpha");
  g_assert_cmpstr (deck_organization_get_name (organization_at (store, 1)), ==, "beta");
  g_assert_cmpstr (deck_organization_get_name (organization_at (store, 2)), ==, "gamma");
  assert_instance_names (alpha, "api DB web");

  again = new_loaded_store (path);
  assert_same_content (store, again);
  assert_instance_names (organization_at (again, 0), "api DB web");

  /* The file is what DESIGN.md and the brief say it is. */
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "version"), ==, DECK_STORE_FORMAT_VERSION);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "organizations")),
                    ==, 3);
  {
    JsonObject *first = json_array_get_object_element (
      json_object_get_array_member (root, "organizations"), 0);
    JsonArray *instances = json_object_get_array_member (first, "instances");
    JsonObject *api = json_array_get_object_element (instances, 0);
    JsonObject *pinned = json_array_get_object_element (instances, 1);

    g_assert_cmpstr (json_object_get_string_member (first, "name"), ==, "Alpha");
    g_assert_cmpstr (json_object_get_string_member (api, "url"), ==,
                     "https://api.example.com:9925");
    g_assert_false (json_object_has_member (api, "pinned_certificate"));
    g_assert_cmpstr (json_object_get_string_member (pinned, "pinned_certificate"), ==,
                     PIN_NORMAL);
  }
}

static void
test_file_mode (void)
{
  g_autoptr(DeckStore) store = new_loaded_store (NULL);
  g_autofree char *path = default_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *contents = NULL;
  g_autofree char *lower = NULL;
  DeckOrganization *organization;
  GStatBuf buf;

  organization = add_organization (store, "Acme");
  add_instance (store, organization, "db1", PIN_COLONS);
  add_instance (store, organization, "db2", NULL);

  g_assert_cmpint (g_stat (path, &buf), ==, 0);
  g_assert_cmpint (buf.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (dir, &buf), ==, 0);
  g_assert_cmpint (buf.st_mode & 0777, ==, 0700);

  contents = file_test_read (path, NULL);
  g_assert_nonnull (contents);
  lower = g_ascii_strdown (contents, -1);
  g_assert_null (strstr (lower, "password"));
  g_assert_null (strstr (lower, "secret"));

  /* Pretty-printed, for the admin who reads it. */
  g_assert_nonnull (strstr (contents, "\n  \"organizations\""));
}

static void
test_not_loaded (void)
{
  g_autoptr(DeckStore) store = deck_store_new (NULL);
  g_autoptr(GError) error = NULL;

  g_assert_null (deck_store_add_organization (store, "Acme", &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO);
  g_clear_error (&error);
  g_assert_false (deck_store_save (store, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO);
}

/* DeckStore: mutators */

static void
test_rename (void)
{
  g_autoptr(DeckStore) store = new_loaded_store (NULL);
  g_autoptr(DeckStore) again = NULL;
  g_autoptr(GError) error = NULL;
  DeckOrganization *alpha, *beta;
  DeckInstance *web;
  guint changes = 0;

  alpha = add_organization (store, "alpha");
  beta = add_organization (store, "beta");
  web = add_instance (store, alpha, "web", NULL);
  add_instance (store, alpha, "db", NULL);

  g_assert_false (deck_store_rename_organization (store, alpha, "BETA", &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (deck_store_rename_organization (store, alpha, "  ", &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpstr (deck_organization_get_name (alpha), ==, "alpha");

  /* A change of case is a rename, not a clash with itself. */
  g_assert_true (deck_store_rename_organization (store, alpha, "Alpha", &error));
  g_assert_no_error (error);

  g_signal_connect (deck_store_get_organizations (store), "items-changed",
                    G_CALLBACK (items_changed_cb), &changes);
  /* A rename that keeps the place moves nothing (the selection stays). */
  g_assert_true (deck_store_rename_organization (store, alpha, "Alpha 2", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changes, ==, 0);
  g_assert_true (deck_store_rename_organization (store, alpha, "zeta", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changes, >, 0);
  g_assert_true (organization_at (store, 0) == beta);
  g_assert_true (organization_at (store, 1) == alpha);

  /* An instance renamed and saved through update_instance. */
  deck_instance_set_name (web, "api");
  g_assert_true (deck_store_update_instance (store, web, &error));
  g_assert_no_error (error);
  assert_instance_names (alpha, "api db");

  again = new_loaded_store (NULL);
  assert_same_content (store, again);
  g_assert_cmpstr (deck_organization_get_name (organization_at (again, 1)), ==, "zeta");
}

static void
test_remove_restore (void)
{
  g_autoptr(DeckStore) store = new_loaded_store (NULL);
  g_autoptr(DeckOrganization) removed = NULL;
  g_autoptr(GError) error = NULL;
  DeckOrganization *acme;
  DeckInstance *db1;

  acme = add_organization (store, "Acme");
  add_organization (store, "Other");
  db1 = add_instance (store, acme, "db1", PIN_COLONS);
  add_instance (store, acme, "db2", NULL);

  removed = g_object_ref (acme);
  g_assert_true (deck_store_remove_organization (store, removed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_items (deck_store_get_organizations (store)), ==, 1);
  g_assert_null (deck_store_find_organization (store, "Acme"));
  g_assert_null (deck_store_find_instance_by_id (store, deck_instance_get_id (db1)));

  /* Removing it twice: it is gone. */
  g_assert_false (deck_store_remove_organization (store, removed, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  {
    g_autoptr(DeckStore) reloaded = new_loaded_store (NULL);

    g_assert_cmpuint (n_items (deck_store_get_organizations (reloaded)), ==, 1);
  }

  /* Undo puts back the same object, with its instances. */
  g_assert_true (deck_store_restore_organization (store, removed, &error));
  g_assert_no_error (error);
  g_assert_true (deck_store_find_organization (store, "acme") == removed);
  g_assert_true (deck_store_find_instance_by_id (store, deck_instance_get_id (db1)) == db1);
  assert_instance_names (removed, "db1 db2");

  g_assert_false (deck_store_restore_organization (store, removed, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_EXISTS);
  g_clear_error (&error);

  {
    g_autoptr(DeckStore) reloaded = new_loaded_store (NULL);

    assert_same_content (store, reloaded);
    g_assert_cmpstr (deck_instance_get_pinned_certificate (
                       deck_store_find_instance (reloaded, "Acme/db1", NULL)), ==, PIN_NORMAL);
  }

  /* An organization of the same name created since blocks the Undo. */
  g_assert_true (deck_store_remove_organization (store, removed, &error));
  add_organization (store, "ACME");
  g_assert_false (deck_store_restore_organization (store, removed, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_EXISTS);
}

static void
test_remove_instance (void)
{
  g_autoptr(DeckStore) store = new_loaded_store (NULL);
  g_autoptr(GError) error = NULL;
  DeckOrganization *acme;
  DeckInstance *db1;

  acme = add_organization (store, "Acme");
  db1 = g_object_ref (add_instance (store, acme, "db1", NULL));
  add_instance (store, acme, "db2", NULL);

  g_assert_true (deck_store_remove_instance (store, db1, &error));
  g_assert_no_error (error);
  assert_instance_names (acme, "db2");
  g_assert_false (deck_store_remove_instance (store, db1, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_NOT_FOUND);
  g_object_unref (db1);

  {
    g_autoptr(DeckStore) reloaded = new_loaded_store (NULL);

    assert_same_content (store, reloaded);
  }
}

static void
test_update_instance (void)
{
  g_autoptr(DeckStore) store = new_loaded_store (NULL);
  g_autoptr(GError) error = NULL;
  DeckOrganization *acme;
  DeckInstance *db1, *db2;

  acme = add_organization (store, "Acme");
  db1 = add_instance (store, acme, "db1", NULL);
  db2 = add_instance (store, acme, "db2", NULL);

  deck_instance_set_url (db1, " http://10.0.0.1:9925 ");
  deck_instance_set_username (db1, "ops");
  deck_instance_set_pinned_certificate (db1, PIN_COLONS);
  g_assert_true (deck_store_update_instance (store, db1, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (deck_instance_get_url (db1), ==, "http://10.0.0.1:9925");

  {
    g_autoptr(DeckStore) reloaded = new_loaded_store (NULL);

    assert_same_content (store, reloaded);
  }

  /* A failed update puts the instance back as the file has it. */
  deck_instance_set_url (db1, "ftp://10.0.0.1");
  g_assert_false (deck_store_update_instance (store, db1, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpstr (deck_instance_get_url (db1), ==, "http://10.0.0.1:9925");

  deck_instance_set_name (db2, "DB1");
  deck_instance_set_pinned_certificate (db2, PIN_NORMAL);
  g_assert_false (deck_store_update_instance (store, db2, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_cmpstr (deck_instance_get_name (db2), ==, "db2");
  g_assert_null (deck_instance_get_pinned_certificate (db2));
  assert_instance_names (acme, "db1 db2");
}

static void
test_validation (void)
{
  g_autoptr(DeckStore) store = new_loaded_store (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = default_path ();
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  DeckOrganization *acme;
  const char *bad_names[] = { "", "   ", "\t\n", NULL };
  const char *bad_urls[] = {
    "", "not a url", "ftp://db1.example.com", "db1.example.com:9925", "http://",
    "https://admin:secret@db1.example.com:9925", "https://admin@db1", "ws://db1:9925", NULL,
  };

  acme = add_organization (store, "Acme");
  add_instance (store, acme, "db1", NULL);
  before = file_test_read (path, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bad_names); i++)
    {
      g_assert_null (deck_store_add_organization (store, bad_names[i], &error));
      g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_INVALID);
      g_clear_error (&error);
      g_assert_null (deck_store_add_instance (store, acme, bad_names[i], "https://db", "u",
                                              NULL, &error));
      g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_INVALID);
      g_clear_error (&error);
    }

  g_assert_null (deck_store_add_organization (store, "acme", &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_null (deck_store_add_organization (store, " ACME ", &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_EXISTS);
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (bad_urls); i++)
    {
      g_assert_null (deck_store_add_instance (store, acme, "db9", bad_urls[i], "u", NULL, &error));
      g_test_message ("URL %s: %s", bad_urls[i], error ? error->message : "(accepted)");
      g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_INVALID);
      g_clear_error (&error);
    }

  g_assert_null (deck_store_add_instance (store, acme, "DB1", "https://db", "u", NULL, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_null (deck_store_add_instance (store, acme, "a/b", "https://db", "u", NULL, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (deck_store_add_instance (store, acme, "db9", "https://db", "", NULL, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (deck_store_add_instance (store, acme, "db9", "https://db", "u", "AB:CD", &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* Nothing was written, nothing changed in the models. */
  after = file_test_read (path, NULL);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (n_items (deck_store_get_organizations (store)), ==, 1);
  assert_instance_names (acme, "db1");

  /* What is accepted: upper-case schemes, IPv6, no port. */
  g_assert_nonnull (deck_store_add_instance (store, acme, "db2", "HTTPS://DB2.example.com:9925",
                                             "u", NULL, &error));
  g_assert_nonnull (deck_store_add_instance (store, acme, "db3", "http://[::1]:9925", "u",
                                             NULL, &error));
  g_assert_nonnull (deck_store_add_instance (store, acme, "db4", "https://db4", "u", NULL,
                                             &error));
  g_assert_no_error (error);

  /* The same instance name in another organization is fine. */
  g_assert_nonnull (deck_store_add_instance (store, add_organization (store, "Other"), "db1",
                                             "https://db1", "u", NULL, &error));
  g_assert_no_error (error);
}

static void
test_find_instance (void)
{
  g_autoptr(DeckStore) store = new_loaded_store (NULL);
  g_autoptr(GError) error = NULL;
  DeckOrganization *acme, *other, *eu;
  DeckInstance *acme_db1, *other_db1, *acme_db2, *acme_web, *other_web, *eu_db1, *found;

  acme = add_organization (store, "Acme");
  other = add_organization (store, "Other");
  eu = add_organization (store, "Acme / EU");
  acme_db1 = add_instance (store, acme, "db1", NULL);
  other_db1 = add_instance (store, other, "db1", NULL);
  acme_db2 = add_instance (store, acme, "DB2", NULL);
  acme_web = add_instance (store, acme, "Web", NULL);
  other_web = add_instance (store, other, "web", NULL);
  eu_db1 = add_instance (store, eu, "db1", NULL);

  /* ORG/NAME, with the organization's name in any case. */
  g_assert_true (deck_store_find_instance (store, "Acme/db1", &error) == acme_db1);
  g_assert_true (deck_store_find_instance (store, "other/DB1", &error) == other_db1);
  g_assert_true (deck_store_find_instance (store, "Acme / EU/db1", &error) == eu_db1);
  g_assert_no_error (error);

  /* NAME alone: unique, ignoring case. */
  g_assert_true (deck_store_find_instance (store, "db2", &error) == acme_db2);
  g_assert_no_error (error);

  /* An exact match wins over case-insensitive ones. */
  g_assert_true (deck_store_find_instance (store, "Web", &error) == acme_web);
  g_assert_true (deck_store_find_instance (store, "web", &error) == other_web);
  g_assert_no_error (error);

  /* Two case-insensitive matches, or several exact ones: ambiguous. */
  g_assert_null (deck_store_find_instance (store, "WEB", &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_AMBIGUOUS);
  g_clear_error (&error);

  found = deck_store_find_instance (store, "db1", &error);
  g_assert_null (found);
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_AMBIGUOUS);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "“Acme”, “Acme / EU” and “Other”"));
  g_assert_nonnull (strstr (error->message, "ORG/NAME"));
  g_clear_error (&error);

  g_assert_null (deck_store_find_instance (store, "nope", &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (deck_store_find_instance (store, "Nowhere/db1", &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (deck_store_find_instance (store, "Other/db2", &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (deck_store_find_instance (store, "", &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (deck_store_find_instance_by_id (store, deck_instance_get_id (eu_db1)) == eu_db1);
  g_assert_null (deck_store_find_instance_by_id (store, "no-such-id"));
}

static void
test_find_organization (void)
{
  g_autoptr(DeckStore) store = new_loaded_store (NULL);
  DeckOrganization *acme;

  acme = add_organization (store, "Acme");
  add_organization (store, "Other");

  g_assert_true (deck_store_find_organization (store, deck_organization_get_id (acme)) == acme);
  g_assert_true (deck_store_find_organization (store, "Acme") == acme);
  g_assert_true (deck_store_find_organization (store, "ACME") == acme);
  g_assert_null (deck_store_find_organization (store, "Acm"));
  g_assert_null (deck_store_find_organization (store, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/instance/status-names", test_instance_status_names);
  g_test_add_func ("/instance/update-from-info", test_instance_update_from_info);
  g_test_add_func ("/instance/update-from-error", test_instance_update_from_error);
  g_test_add_func ("/instance/checking", test_instance_checking);
  g_test_add_func ("/instance/pin", test_instance_pin);
  g_test_add_func ("/instance/login-in-clear", test_instance_login_in_clear);
  g_test_add_func ("/organization/sorted", test_organization_sorted);
  g_test_add_func ("/store/round-trip", test_round_trip);
  g_test_add_func ("/store/file-mode", test_file_mode);
  g_test_add_func ("/store/not-loaded", test_not_loaded);
  g_test_add_func ("/store/rename", test_rename);
  g_test_add_func ("/store/remove-restore", test_remove_restore);
  g_test_add_func ("/store/remove-instance", test_remove_instance);
  g_test_add_func ("/store/update-instance", test_update_instance);
  g_test_add_func ("/store/validation", test_validation);
  g_test_add_func ("/store/find-instance", test_find_instance);
  g_test_add_func ("/store/find-organization", test_find_organization);

  return g_test_run ();
}
