/* test-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The organizations store and its types: the file round trip, validation,
 * lookups as the command line writes them, what happens to a file that is
 * corrupt, newer or unreadable, and that a save killed at any moment leaves
 * the previous file intact. Each test has its own XDG_CONFIG_HOME
 * (G_TEST_OPTION_ISOLATE_DIRS).
 */

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "deck-store.h"
#include "deck-store-private.h"
#include "hdb-error.h"
#include "test-util.h"

#define FILE_BASENAME "organizations.json"
#define PIN_COLONS "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:" \
                   "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"
#define PIN_NORMAL "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"

/* Helpers */

static char *
default_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "clusterdeck", "organizations.json", NULL);
}

static void
write_file (const char *path,
            const char *contents)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static char *
read_file (const char *path)
{
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return contents;
}

static DeckStore *
new_loaded_store (const char *path)
{
  g_autoptr(DeckStore) store = deck_store_new (path);
  g_autoptr(GError) problem = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (deck_store_load (store, &problem, &error));
  g_assert_no_error (error);
  g_assert_no_error (problem);
  return g_steal_pointer (&store);
}

static guint
n_items (GListModel *model)
{
  return g_list_model_get_n_items (model);
}

static DeckOrganization *
organization_at (DeckStore *store,
                 guint      position)
{
  g_autoptr(DeckOrganization) organization =
    g_list_model_get_item (deck_store_get_organizations (store), position);

  return organization;  /* the model keeps a reference */
}

static DeckInstance *
instance_at (DeckOrganization *organization,
             guint             position)
{
  g_autoptr(DeckInstance) instance =
    g_list_model_get_item (deck_organization_get_instances (organization), position);

  return instance;  /* the model keeps a reference */
}

static DeckOrganization *
add_organization (DeckStore  *store,
                  const char *name)
{
  g_autoptr(GError) error = NULL;
  DeckOrganization *organization = deck_store_add_organization (store, name, &error);

  g_assert_no_error (error);
  g_assert_nonnull (organization);
  return organization;
}

static DeckInstance *
add_instance (DeckStore        *store,
              DeckOrganization *organization,
              const char       *name,
              const char       *pin)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strdup_printf ("https://%s.example.com:9925", name);
  DeckInstance *instance;

  instance = deck_store_add_instance (store, organization, name, url, "admin", pin, &error);
  g_assert_no_error (error);
  g_assert_nonnull (instance);
  return instance;
}

/* The names of the files next to @path whose names start with
 * "organizations.json.@tag", sorted. */
static GPtrArray *
list_siblings (const char *path,
               const char *tag)
{
  g_autofree char *dir_name = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *prefix = g_strdup_printf ("%s.%s", base, tag);
  g_autoptr(GDir) dir = g_dir_open (dir_name, 0, NULL);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_prefix (name, prefix))
        g_ptr_array_add (found, g_build_filename (dir_name, name, NULL));
    }
  g_ptr_array_sort (found, (GCompareFunc) g_strcmp0);
  return found;
}

static guint
count_siblings (const char *path,
                const char *tag)
{
  g_autoptr(GPtrArray) found = list_siblings (path, tag);

  return found->len;
}

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
assert_instance_names (DeckOrganization *organization,
                       const char       *expected)
{
  GListModel *instances = deck_organization_get_instances (organization);
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < n_items (instances); i++)
    {
      if (i > 0)
        g_string_append_c (names, ' ');
      g_string_append (names, deck_instance_get_name (instance_at (organization, i)));
    }
  g_assert_cmpstr (names->str, ==, expected);
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
assert_same_content (DeckStore *a,
                     DeckStore *b)
{
  GListModel *organizations_a = deck_store_get_organizations (a);
  GListModel *organizations_b = deck_store_get_organizations (b);

  g_assert_cmpuint (n_items (organizations_a), ==, n_items (organizations_b));
  for (guint i = 0; i < n_items (organizations_a); i++)
    {
      DeckOrganization *organization_a = organization_at (a, i);
      DeckOrganization *organization_b = organization_at (b, i);
      GListModel *instances_a = deck_organization_get_instances (organization_a);
      GListModel *instances_b = deck_organization_get_instances (organization_b);

      g_assert_cmpstr (deck_organization_get_id (organization_a), ==,
                       deck_organization_get_id (organization_b));
      g_assert_cmpstr (deck_organization_get_name (organization_a), ==,
                       deck_organization_get_name (organization_b));
      g_assert_cmpuint (n_items (instances_a), ==, n_items (instances_b));

      for (guint j = 0; j < n_items (instances_a); j++)
        {
          DeckInstance *instance_a = instance_at (organization_a, j);
          DeckInstance *instance_b = instance_at (organization_b, j);

          g_assert_cmpstr (deck_instance_get_id (instance_a), ==,
                           deck_instance_get_id (instance_b));
          g_assert_cmpstr (deck_instance_get_organization_id (instance_a), ==,
                           deck_instance_get_organization_id (instance_b));
          g_assert_cmpstr (deck_instance_get_name (instance_a), ==,
                           deck_instance_get_name (instance_b));
          g_assert_cmpstr (deck_instance_get_url (instance_a), ==,
                           deck_instance_get_url (instance_b));
          g_assert_cmpstr (deck_instance_get_username (instance_a), ==,
                           deck_instance_get_username (instance_b));
          g_assert_cmpstr (deck_instance_get_pinned_certificate (instance_a), ==,
                           deck_instance_get_pinned_certificate (instance_b));
        }
    }
}

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

  contents = read_file (path);
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
  before = read_file (path);

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
  after = read_file (path);
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

/* DeckStore: bad files */

/* Loads @contents and checks that the file was set aside intact under a
 * name with @tag, the problem names it, and the store starts empty. */
static void
assert_set_aside (const char *contents,
                  int         code,
                  const char *tag)
{
  g_autoptr(DeckStore) store = NULL;
  g_autoptr(GError) problem = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *path = default_path ();
  g_autofree char *kept = NULL;
  g_autofree char *pattern = NULL;
  g_autofree char *base = NULL;
  const char *aside = NULL;

  write_file (path, contents);
  before = list_siblings (path, tag);

  store = deck_store_new (NULL);
  g_assert_true (deck_store_load (store, &problem, &error));
  g_assert_no_error (error);
  g_assert_error (problem, DECK_STORE_ERROR, code);
  g_test_message ("%s", problem->message);
  g_assert_cmpuint (n_items (deck_store_get_organizations (store)), ==, 0);
  g_assert_nonnull (deck_store_get_load_problem (store));
  g_assert_error (deck_store_get_load_problem (store), DECK_STORE_ERROR, code);

  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  after = list_siblings (path, tag);
  g_assert_cmpuint (after->len, ==, before->len + 1);
  for (guint i = 0; i < after->len && aside == NULL; i++)
    {
      if (!g_ptr_array_find_with_equal_func (before, after->pdata[i], g_str_equal, NULL))
        aside = after->pdata[i];
    }
  g_assert_nonnull (aside);

  base = g_path_get_basename (aside);
  pattern = g_strdup_printf ("^organizations\\.json\\.%s-[0-9]{8}-[0-9]{6}(-[0-9]+)?$", tag);
  g_assert_true (g_regex_match_simple (pattern, base, 0, 0));

  kept = read_file (aside);
  g_assert_cmpstr (kept, ==, contents);
  g_assert_nonnull (strstr (problem->message, aside));

  /* A fresh file may be written now; the one set aside stays. */
  add_organization (store, "Fresh");
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&kept, g_free);
  kept = read_file (aside);
  g_assert_cmpstr (kept, ==, contents);

  /* Reset for the next case of the same test. */
  g_assert_cmpint (g_unlink (path), ==, 0);
}

static void
test_corrupt (void)
{
  const char *cases[] = {
    "garbage {",
    "",
    "[1, 2, 3]",
    "{\"version\": 1}",
    "{\"version\": \"1\", \"organizations\": []}",
    "{\"version\": 1.0, \"organizations\": []}",
    "{\"organizations\": []}",
    "{\"version\": 1, \"organizations\": {}}",
    "{\"version\": 1, \"organizations\": [42]}",
    "{\"version\": 1, \"organizations\": [{\"id\": \"o1\", \"name\": \"A\"}]}",
    "{\"version\": 1, \"organizations\": [{\"id\": \"\", \"name\": \"A\", \"instances\": []}]}",
    "{\"version\": 1, \"organizations\": [{\"id\": \"o1\", \"name\": \" \", \"instances\": []}]}",
    /* two organizations with the same id, or the same name */
    "{\"version\": 1, \"organizations\": ["
      "{\"id\": \"o1\", \"name\": \"A\", \"instances\": []},"
      "{\"id\": \"o1\", \"name\": \"B\", \"instances\": []}]}",
    "{\"version\": 1, \"organizations\": ["
      "{\"id\": \"o1\", \"name\": \"A\", \"instances\": []},"
      "{\"id\": \"o2\", \"name\": \"a\", \"instances\": []}]}",
    /* an invalid URL inside a valid-looking file */
    "{\"version\": 1, \"organizations\": [{\"id\": \"o1\", \"name\": \"A\", \"instances\": ["
      "{\"id\": \"i1\", \"name\": \"db1\", \"url\": \"https://db1:9925\", \"username\": \"u\"},"
      "{\"id\": \"i2\", \"name\": \"db2\", \"url\": \"ftp://db2\", \"username\": \"u\"}]}]}",
    "{\"version\": 1, \"organizations\": [{\"id\": \"o1\", \"name\": \"A\", \"instances\": ["
      "{\"id\": \"i1\", \"name\": \"db1\", \"url\": \"not a url\", \"username\": \"u\"}]}]}",
    /* an instance without a login, with a bad pin, with a slash, twice */
    "{\"version\": 1, \"organizations\": [{\"id\": \"o1\", \"name\": \"A\", \"instances\": ["
      "{\"id\": \"i1\", \"name\": \"db1\", \"url\": \"https://db1\"}]}]}",
    "{\"version\": 1, \"organizations\": [{\"id\": \"o1\", \"name\": \"A\", \"instances\": ["
      "{\"id\": \"i1\", \"name\": \"db1\", \"url\": \"https://db1\", \"username\": \"u\","
      " \"pinned_certificate\": \"zz\"}]}]}",
    "{\"version\": 1, \"organizations\": [{\"id\": \"o1\", \"name\": \"A\", \"instances\": ["
      "{\"id\": \"i1\", \"name\": \"a/b\", \"url\": \"https://db1\", \"username\": \"u\"}]}]}",
    "{\"version\": 1, \"organizations\": ["
      "{\"id\": \"o1\", \"name\": \"A\", \"instances\": ["
      "{\"id\": \"i1\", \"name\": \"db1\", \"url\": \"https://db1\", \"username\": \"u\"}]},"
      "{\"id\": \"o2\", \"name\": \"B\", \"instances\": ["
      "{\"id\": \"i1\", \"name\": \"db1\", \"url\": \"https://db1\", \"username\": \"u\"}]}]}",
    "{\"version\": 1, \"organizations\": [{\"id\": \"o1\", \"name\": \"A\", \"instances\": ["
      "{\"id\": \"i1\", \"name\": \"db1\", \"url\": \"https://db1\", \"username\": \"u\"},"
      "{\"id\": \"i2\", \"name\": \"DB1\", \"url\": \"https://db1\", \"username\": \"u\"}]}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("case %u: %s", i, cases[i]);
      assert_set_aside (cases[i], DECK_STORE_ERROR_CORRUPT, "corrupt");
    }
}

static void
test_corrupt_twice (void)
{
  g_autofree char *path = default_path ();
  g_autoptr(GPtrArray) aside = NULL;

  /* Two corrupt files in a row (usually within the same second): the
   * second does not replace the first. */
  assert_set_aside ("first garbage", DECK_STORE_ERROR_CORRUPT, "corrupt");
  assert_set_aside ("second garbage", DECK_STORE_ERROR_CORRUPT, "corrupt");

  aside = list_siblings (path, "corrupt");
  g_assert_cmpuint (aside->len, ==, 2);
  for (guint i = 0; i < aside->len; i++)
    {
      g_autofree char *contents = read_file (aside->pdata[i]);

      g_assert_true (g_strcmp0 (contents, "first garbage") == 0 ||
                     g_strcmp0 (contents, "second garbage") == 0);
    }
}

static void
test_newer (void)
{
  const char *contents = "{\"version\": 2, \"organizations\": \"a new shape\", \"more\": true}";
  g_autoptr(DeckStore) store = NULL;
  g_autoptr(GError) problem = NULL;
  g_autofree char *path = default_path ();

  assert_set_aside (contents, DECK_STORE_ERROR_NEWER, "newer-v2");

  write_file (path, "{\"version\": 17}");
  store = deck_store_new (NULL);
  g_assert_true (deck_store_load (store, &problem, NULL));
  g_assert_error (problem, DECK_STORE_ERROR, DECK_STORE_ERROR_NEWER);
  g_assert_nonnull (strstr (problem->message, "format 17"));
  g_assert_nonnull (strstr (problem->message, "organizations.json.newer-v17-"));
}

/* DeckStore: files that cannot be read or written */

static void
assert_mutators_refuse (DeckStore *store)
{
  g_autoptr(DeckOrganization) organization = deck_organization_new ("o1", "Acme");
  g_autoptr(GError) error = NULL;

  g_assert_null (deck_store_add_organization (store, "Acme", &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "could not read"));
  g_clear_error (&error);
  g_assert_false (deck_store_save (store, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO);
  g_clear_error (&error);
  g_assert_false (deck_store_restore_organization (store, organization, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO);
}

static void
test_io_directory (void)
{
  g_autofree char *path = default_path ();
  g_autoptr(DeckStore) store = NULL;
  g_autoptr(GError) problem = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *inside = g_build_filename (path, "keep-me", NULL);
  g_autofree char *contents = NULL;

  /* Root reads anything: a directory in place of the file fails for
   * everyone. */
  g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
  write_file (inside, "precious");

  store = deck_store_new (NULL);
  g_assert_false (deck_store_load (store, &problem, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO);
  g_assert_no_error (problem);
  g_test_message ("%s", error->message);
  g_assert_null (deck_store_get_load_problem (store));

  assert_mutators_refuse (store);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_DIR));
  contents = read_file (inside);
  g_assert_cmpstr (contents, ==, "precious");
  g_assert_cmpuint (count_siblings (path, ""), ==, 0);

  /* Once fixed, a new load lets changes through again. */
  g_assert_cmpint (g_unlink (inside), ==, 0);
  g_assert_cmpint (g_rmdir (path), ==, 0);
  g_clear_error (&error);
  g_assert_true (deck_store_load (store, &problem, &error));
  g_assert_no_error (error);
  add_organization (store, "Acme");
}

static void
test_io_not_a_directory (void)
{
  g_autofree char *path = default_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(DeckStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  /* The "clusterdeck" folder is a file: reading fails with ENOTDIR. */
  write_file (dir, "not a folder");

  store = deck_store_new (NULL);
  g_assert_false (deck_store_load (store, NULL, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO);
  assert_mutators_refuse (store);

  contents = read_file (dir);
  g_assert_cmpstr (contents, ==, "not a folder");
}

static void
test_save_failure_rolls_back (void)
{
  g_autofree char *path = default_path ();
  g_autoptr(DeckStore) store = new_loaded_store (NULL);
  g_autoptr(GError) error = NULL;
  DeckOrganization *acme;
  DeckInstance *db1;

  acme = add_organization (store, "Acme");
  db1 = add_instance (store, acme, "db1", NULL);

  /* After a good load, the file turns into a directory: every save fails
   * (a file cannot be renamed over a directory, not even by root). */
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);

  g_assert_null (deck_store_add_organization (store, "Other", &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_cmpuint (n_items (deck_store_get_organizations (store)), ==, 1);

  g_assert_false (deck_store_rename_organization (store, acme, "Zeta", &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO);
  g_clear_error (&error);
  g_assert_cmpstr (deck_organization_get_name (acme), ==, "Acme");

  g_assert_false (deck_store_remove_organization (store, acme, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO);
  g_clear_error (&error);
  g_assert_true (organization_at (store, 0) == acme);

  g_assert_null (deck_store_add_instance (store, acme, "db2", "https://db2", "u", NULL, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO);
  g_clear_error (&error);
  assert_instance_names (acme, "db1");

  deck_instance_set_url (db1, "https://moved:9925");
  deck_instance_set_name (db1, "zz");
  g_assert_false (deck_store_update_instance (store, db1, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO);
  g_clear_error (&error);
  g_assert_cmpstr (deck_instance_get_url (db1), ==, "https://db1.example.com:9925");
  g_assert_cmpstr (deck_instance_get_name (db1), ==, "db1");

  g_assert_false (deck_store_remove_instance (store, db1, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO);
  g_clear_error (&error);
  assert_instance_names (acme, "db1");

  /* No temporary file is left behind by the failed saves. */
  g_assert_cmpuint (count_siblings (path, ""), ==, 0);

  g_assert_cmpint (g_rmdir (path), ==, 0);
  g_assert_true (deck_store_save (store, &error));
  g_assert_no_error (error);
  {
    g_autoptr(DeckStore) reloaded = new_loaded_store (NULL);

    assert_same_content (store, reloaded);
  }
}

/* DeckStore: a save killed at any moment */

#define BIG_NAME_LENGTH (2 * 1024 * 1024)
#define KILL_ITERATIONS 30

static char *
big_name (void)
{
  char *name = g_malloc (BIG_NAME_LENGTH + 1);

  /* Quotes and backslashes make the writer escape, like real names could. */
  for (gsize i = 0; i < BIG_NAME_LENGTH; i++)
    name[i] = "abcdefgh\"\\ijklmnop"[i % 18];
  name[0] = 'Z';
  name[BIG_NAME_LENGTH] = '\0';
  return name;
}

/* The child: loads the store at @path, says so on stdout, and adds one
 * organization with a very long name, which saves a file of tens of MB. */
static int
run_save_child (const char *path)
{
  g_autoptr(DeckStore) store = deck_store_new (path);
  g_autoptr(GError) problem = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = big_name ();

  if (!deck_store_load (store, &problem, &error) || problem != NULL)
    return 3;
  if (write (STDOUT_FILENO, "s", 1) != 1)
    return 4;
  if (deck_store_add_organization (store, name, &error) == NULL)
    return 5;
  if (write (STDOUT_FILENO, "d", 1) != 1)
    return 4;
  return 0;
}

typedef enum
{
  OUTCOME_OLD,
  OUTCOME_NEW,
} Outcome;

static Outcome
check_after_kill (const char *path,
                  const char *old_contents,
                  guint       old_count)
{
  g_autofree char *contents = read_file (path);
  g_autoptr(DeckStore) store = NULL;
  g_autoptr(GError) problem = NULL;
  g_autoptr(GError) error = NULL;
  DeckOrganization *big;

  g_assert_nonnull (contents);
  if (strcmp (contents, old_contents) == 0)
    return OUTCOME_OLD;

  /* Not the old file: then exactly the new one, complete. */
  store = deck_store_new (path);
  g_assert_true (deck_store_load (store, &problem, &error));
  g_assert_no_error (error);
  g_assert_no_error (problem);
  g_assert_cmpuint (n_items (deck_store_get_organizations (store)), ==, old_count + 1);
  big = organization_at (store, old_count);
  g_assert_cmpuint (strlen (deck_organization_get_name (big)), ==, BIG_NAME_LENGTH);
  g_assert_cmpint (deck_organization_get_name (big)[0], ==, 'Z');
  return OUTCOME_NEW;
}

/* Waits for an event of @mask about a file whose name starts with @prefix
 * in the directory @inotify_fd watches. */
static gboolean
wait_for_event (int         inotify_fd,
                guint32     mask,
                const char *prefix,
                guint       timeout_ms)
{
  char buffer[4096] __attribute__ ((aligned (__alignof__ (struct inotify_event))));
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < deadline)
    {
      struct pollfd pfd = { inotify_fd, POLLIN, 0 };
      ssize_t length;

      if (poll (&pfd, 1, 100) <= 0)
        continue;
      length = read (inotify_fd, buffer, sizeof buffer);
      for (char *p = buffer; length > 0 && p < buffer + length; )
        {
          struct inotify_event *event = (struct inotify_event *) p;

          if ((event->mask & mask) != 0 && event->len > 0 &&
              g_str_has_prefix (event->name, prefix))
            return TRUE;
          p += sizeof (struct inotify_event) + event->len;
        }
    }
  return FALSE;
}

typedef struct
{
  GPid pid;
  int  out_fd;
  int  inotify_fd;
} SaveChild;

/* Starts a child that saves the store at @path; returns once it is about
 * to save. */
static void
save_child_start (SaveChild  *child,
                  const char *self_exe,
                  const char *path)
{
  const char *argv[] = { self_exe, "--save-child", path, NULL };
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;
  char signal_byte = 0;

  /* Watched from now on: the temporary file of the parent's own writes is
   * not the child's. */
  child->inotify_fd = inotify_init1 (IN_CLOEXEC | IN_NONBLOCK);
  g_assert_cmpint (child->inotify_fd, >=, 0);
  g_assert_cmpint (inotify_add_watch (child->inotify_fd, dir, IN_CREATE | IN_MOVED_TO), >=, 0);

  g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                            NULL, NULL, &child->pid, NULL, &child->out_fd, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (read (child->out_fd, &signal_byte, 1), ==, 1);
  g_assert_cmpint (signal_byte, ==, 's');
}

/* Reaps the child; returns whether it finished its save. */
static gboolean
save_child_finish (SaveChild *child)
{
  int status;

  g_assert_cmpint (waitpid (child->pid, &status, 0), ==, child->pid);
  close (child->out_fd);
  close (child->inotify_fd);
  g_spawn_close_pid (child->pid);

  g_assert_true ((WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL) ||
                 (WIFEXITED (status) && WEXITSTATUS (status) == 0));
  return WIFEXITED (status);
}

static void
test_interrupted_write (void)
{
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *path = default_path ();
  g_autofree char *temp_prefix = NULL;
  g_autofree char *old_contents = NULL;
  g_autoptr(DeckStore) store = NULL;
  guint old_count, outcomes[2] = { 0, 0 }, interrupted = 0;
  gint64 whole_save, write_window;

  g_assert_nonnull (self_exe);
  temp_prefix = g_strconcat (FILE_BASENAME, ".", NULL);

  /* The previous file: a few organizations. */
  store = new_loaded_store (NULL);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *org_name = g_strdup_printf ("Org %u", i);
      DeckOrganization *organization = add_organization (store, org_name);

      add_instance (store, organization, "db1", PIN_NORMAL);
      add_instance (store, organization, "db2", NULL);
    }
  old_count = n_items (deck_store_get_organizations (store));
  old_contents = read_file (path);
  g_clear_object (&store);

  /* One save to its end: how long it takes in all, and how long the
   * temporary file exists before it is renamed over the old one (the
   * write and the fsync). */
  {
    SaveChild child;
    char done = 0;
    gint64 start, created;

    save_child_start (&child, self_exe, path);
    start = g_get_monotonic_time ();
    g_assert_true (wait_for_event (child.inotify_fd, IN_CREATE, temp_prefix, 60000));
    created = g_get_monotonic_time ();
    g_assert_true (wait_for_event (child.inotify_fd, IN_MOVED_TO, FILE_BASENAME, 60000));
    write_window = g_get_monotonic_time () - created;
    g_assert_cmpint (read (child.out_fd, &done, 1), ==, 1);
    g_assert_cmpint (done, ==, 'd');
    whole_save = g_get_monotonic_time () - start;
    g_assert_true (save_child_finish (&child));
    g_assert_cmpint (check_after_kill (path, old_contents, old_count), ==, OUTCOME_NEW);
    g_test_message ("a save takes %" G_GINT64_FORMAT " µs; its temporary file exists for %"
                    G_GINT64_FORMAT " µs", whole_save, write_window);
  }

  /* Half the kills fall anywhere in the save, half while the file is being
   * written, flushed and renamed: the moment that matters. */
  for (guint i = 0; i < KILL_ITERATIONS; i++)
    {
      gboolean targeted = i % 2 == 1;
      g_autoptr(GPtrArray) leftovers = NULL;
      SaveChild child;
      gulong delay;
      gboolean finished;
      Outcome outcome;

      write_file (path, old_contents);
      save_child_start (&child, self_exe, path);

      if (targeted)
        {
          g_assert_true (wait_for_event (child.inotify_fd, IN_CREATE, temp_prefix, 60000));
          delay = (gulong) g_random_int_range (0, (gint32) MAX (write_window, 100));
        }
      else
        {
          delay = (gulong) g_random_int_range (0, (gint32) MAX (whole_save * 11 / 10, 1000));
        }
      g_usleep (delay);
      g_assert_cmpint (kill (child.pid, SIGKILL), ==, 0);
      finished = save_child_finish (&child);

      outcome = check_after_kill (path, old_contents, old_count);
      outcomes[outcome]++;

      /* A temporary file left behind proves the kill came mid-write. */
      leftovers = list_siblings (path, "");
      if (leftovers->len > 0)
        interrupted++;
      for (guint j = 0; j < leftovers->len; j++)
        g_assert_cmpint (g_unlink (leftovers->pdata[j]), ==, 0);

      g_test_message ("kill %u, %s, after %lu µs: %s%s%s", i,
                      targeted ? "after the temporary file appeared" : "anywhere",
                      delay, outcome == OUTCOME_NEW ? "new file" : "old file",
                      leftovers->len > 0 ? ", temporary file left behind" : "",
                      finished ? ", the save had ended" : "");
    }

  g_test_message ("%u kills: %u left the old file, %u the new one; %u interrupted the write",
                  KILL_ITERATIONS, outcomes[OUTCOME_OLD], outcomes[OUTCOME_NEW], interrupted);
  g_assert_cmpuint (outcomes[OUTCOME_OLD] + outcomes[OUTCOME_NEW], ==, KILL_ITERATIONS);
  /* Otherwise this test proved nothing. */
  g_assert_cmpuint (interrupted, >, 0);
}

/* DeckStore: asynchronous load */

typedef struct
{
  GThread *main_thread;
  gboolean off_main_thread;
  guint    changes;
} ThreadCheck;

static void
check_thread_cb (GListModel  *model,
                 guint        position,
                 guint        removed,
                 guint        added,
                 ThreadCheck *check)
{
  check->changes++;
  if (g_thread_self () != check->main_thread)
    check->off_main_thread = TRUE;
}

static void
test_load_async (void)
{
  g_autoptr(DeckStore) writer = new_loaded_store (NULL);
  g_autoptr(DeckStore) store = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) problem = NULL;
  g_autoptr(GError) error = NULL;
  ThreadCheck check = { g_thread_self (), FALSE, 0 };

  add_instance (writer, add_organization (writer, "Acme"), "db1", PIN_COLONS);
  add_organization (writer, "Other");

  store = deck_store_new (NULL);
  g_signal_connect (deck_store_get_organizations (store), "items-changed",
                    G_CALLBACK (check_thread_cb), &check);
  TEST_AWAIT (result, 10000,
              deck_store_load_async (store, NULL, test_util_store_result, &result));
  g_assert_true (deck_store_load_finish (store, result, &problem, &error));
  g_assert_no_error (error);
  g_assert_no_error (problem);
  g_assert_cmpuint (check.changes, ==, 1);
  g_assert_false (check.off_main_thread);
  assert_same_content (writer, store);

  /* Changes work after an asynchronous load. */
  add_organization (store, "Third");
}

static void
test_load_async_problems (void)
{
  g_autofree char *path = default_path ();
  g_autoptr(DeckStore) store = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) problem = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  /* Corrupt: set aside, reported, empty. */
  write_file (path, "{{{");
  store = deck_store_new (NULL);
  TEST_AWAIT (result, 10000,
              deck_store_load_async (store, NULL, test_util_store_result, &result));
  g_assert_true (deck_store_load_finish (store, result, &problem, &error));
  g_assert_no_error (error);
  g_assert_error (problem, DECK_STORE_ERROR, DECK_STORE_ERROR_CORRUPT);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_siblings (path, "corrupt"), ==, 1);
  g_clear_object (&result);
  g_clear_error (&problem);
  g_clear_object (&store);

  /* Cancelled before it started: nothing read, nothing moved. */
  write_file (path, "{{{");
  store = deck_store_new (NULL);
  g_cancellable_cancel (cancellable);
  TEST_AWAIT (result, 10000,
              deck_store_load_async (store, cancellable, test_util_store_result, &result));
  g_assert_false (deck_store_load_finish (store, result, &problem, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_no_error (problem);
  contents = read_file (path);
  g_assert_cmpstr (contents, ==, "{{{");
  g_clear_error (&error);
  g_clear_object (&result);
  g_clear_object (&store);
  g_assert_cmpint (g_unlink (path), ==, 0);

  /* Unreadable: an I/O error, the mutators refuse. */
  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  store = deck_store_new (NULL);
  TEST_AWAIT (result, 10000,
              deck_store_load_async (store, NULL, test_util_store_result, &result));
  g_assert_false (deck_store_load_finish (store, result, &problem, &error));
  g_assert_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO);
  g_assert_no_error (problem);
  assert_mutators_refuse (store);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_DIR));
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && strcmp (argv[1], "--save-child") == 0)
    return run_save_child (argv[2]);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/instance/status-names", test_instance_status_names);
  g_test_add_func ("/instance/update-from-info", test_instance_update_from_info);
  g_test_add_func ("/instance/update-from-error", test_instance_update_from_error);
  g_test_add_func ("/instance/checking", test_instance_checking);
  g_test_add_func ("/instance/pin", test_instance_pin);
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
  g_test_add_func ("/store/corrupt", test_corrupt);
  g_test_add_func ("/store/corrupt-twice", test_corrupt_twice);
  g_test_add_func ("/store/newer", test_newer);
  g_test_add_func ("/store/io/directory", test_io_directory);
  g_test_add_func ("/store/io/not-a-directory", test_io_not_a_directory);
  g_test_add_func ("/store/save-failure-rolls-back", test_save_failure_rolls_back);
  g_test_add_func ("/store/interrupted-write", test_interrupted_write);
  g_test_add_func ("/store/load-async", test_load_async);
  g_test_add_func ("/store/load-async-problems", test_load_async_problems);

  return g_test_run ();
}
