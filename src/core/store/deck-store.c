/* deck-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The organizations and their instances, and the file they live in:
 *
 *   {"version": 1,
 *    "organizations": [{"id": …, "name": …,
 *                       "instances": [{"id", "name", "url", "username",
 *                                      "pinned_certificate" (optional)}]}]}
 *
 * Never a password: passwords live in the keyring (deck-credentials.c).
 *
 * The file is the user's data, so the store is careful with it. It is
 * replaced atomically (a temporary file, fsync, rename), so a crash leaves
 * either the old or the new file. A file it cannot understand, or one
 * written by a newer Clusterdeck, is moved aside under a new name and the
 * user is told; it is never written over. A file it cannot read at all
 * (permissions, a directory in its place) stays where it is, and every
 * change is refused until the problem is fixed.
 *
 * Every mutator validates, changes the models, saves, and puts the models
 * back as they were when saving fails, so what the user sees is what the
 * file holds.
 */

#define G_LOG_DOMAIN "deck-store"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "deck-store.h"
#include "deck-store-private.h"
#include "hdb-client.h"

#define FILE_NAME "organizations.json"

struct _DeckStore
{
  GObject     parent_instance;

  char       *path;
  GListStore *organizations;   /* DeckOrganization, sorted by name */
  JsonNode   *saved;           /* what the file holds: the last load or save */
  GError     *load_problem;    /* CORRUPT or NEWER: the last load set the file aside */
  GError     *read_failure;    /* IO: the last load could not read the file */
  gboolean    loaded;
};

G_DEFINE_FINAL_TYPE (DeckStore, deck_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (deck-store-error-quark, deck_store_error)

enum {
  PROP_0,
  PROP_PATH,
  PROP_ORGANIZATIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  JsonNode *root;      /* the validated content; NULL when there was no file */
  GError   *problem;   /* CORRUPT or NEWER: the file was set aside */
} LoadResult;

static void
load_result_free (LoadResult *result)
{
  g_clear_pointer (&result->root, json_node_unref);
  g_clear_error (&result->problem);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LoadResult, load_result_free)

/* Validation, shared by the mutators and by the loader (which runs in a
 * worker thread: nothing here touches the store). */

static char *
strip_copy (const char *text)
{
  return g_strstrip (g_strdup (text));
}

static gboolean
check_name (const char  *name,
            const char  *empty_message,
            char       **clean_out,
            GError     **error)
{
  g_autofree char *clean = NULL;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, DECK_STORE_ERROR, DECK_STORE_ERROR_INVALID, empty_message);
      return FALSE;
    }

  clean = strip_copy (name);
  if (*clean == '\0')
    {
      g_set_error_literal (error, DECK_STORE_ERROR, DECK_STORE_ERROR_INVALID, empty_message);
      return FALSE;
    }

  if (clean_out != NULL)
    *clean_out = g_steal_pointer (&clean);
  return TRUE;
}

static gboolean
check_organization_name (const char  *name,
                         char       **clean_out,
                         GError     **error)
{
  return check_name (name, _("An organization needs a name."), clean_out, error);
}

static gboolean
check_instance_name (const char  *name,
                     char       **clean_out,
                     GError     **error)
{
  g_autofree char *clean = NULL;

  if (!check_name (name, _("An instance needs a name."), &clean, error))
    return FALSE;

  /* The command line writes ORG/NAME (DESIGN.md §6); a slash in an instance
   * name would make that ambiguous. Organization names may have one: the
   * last slash of ORG/NAME is the separator. */
  if (strchr (clean, '/') != NULL)
    {
      g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_INVALID,
                   _("An instance name cannot contain “/”: “%s”."), clean);
      return FALSE;
    }

  if (clean_out != NULL)
    *clean_out = g_steal_pointer (&clean);
  return TRUE;
}

static gboolean
check_url (const char  *url,
           char       **clean_out,
           GError     **error)
{
  g_autofree char *clean = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *scheme;
  const char *host;

  if (url != NULL && g_utf8_validate (url, -1, NULL))
    clean = strip_copy (url);
  if (clean == NULL || *clean == '\0')
    {
      g_set_error_literal (error, DECK_STORE_ERROR, DECK_STORE_ERROR_INVALID,
                           _("An instance needs a URL, such as https://db1.example.com:9925."));
      return FALSE;
    }

  uri = g_uri_parse (clean, G_URI_FLAGS_NONE, &local_error);
  if (uri == NULL)
    {
      g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_INVALID,
                   _("“%s” is not a valid URL: %s"), clean, local_error->message);
      return FALSE;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_INVALID,
                   _("“%s” is not an http or https URL."), clean);
      return FALSE;
    }

  host = g_uri_get_host (uri);
  if (host == NULL || *host == '\0')
    {
      g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_INVALID,
                   _("“%s” names no host."), clean);
      return FALSE;
    }

  /* "https://admin:secret@db1" would put a password in the file. */
  if (g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error_literal (error, DECK_STORE_ERROR, DECK_STORE_ERROR_INVALID,
                           _("The URL must not contain a user name or password; "
                             "enter them in their own fields."));
      return FALSE;
    }

  if (clean_out != NULL)
    *clean_out = g_steal_pointer (&clean);
  return TRUE;
}

static gboolean
check_username (const char *username,
                GError    **error)
{
  g_autofree char *clean = NULL;

  if (username != NULL && g_utf8_validate (username, -1, NULL))
    clean = strip_copy (username);
  if (clean == NULL || *clean == '\0')
    {
      g_set_error_literal (error, DECK_STORE_ERROR, DECK_STORE_ERROR_INVALID,
                           _("An instance needs a user name to log in with."));
      return FALSE;
    }
  return TRUE;
}

/* @pinned may be NULL or "" (no pin). */
static gboolean
check_pin (const char  *pinned,
           char       **normal_out,
           GError     **error)
{
  g_autofree char *normal = NULL;

  if (pinned != NULL && *pinned != '\0')
    {
      normal = hdb_normalize_fingerprint (pinned);
      if (normal == NULL)
        {
          g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_INVALID,
                       _("“%s” is not a SHA-256 certificate fingerprint."), pinned);
          return FALSE;
        }
    }

  if (normal_out != NULL)
    *normal_out = g_steal_pointer (&normal);
  return TRUE;
}

/* Reading the file */

typedef enum
{
  CONTENT_VALID,
  CONTENT_CORRUPT,
  CONTENT_NEWER,
} ContentVerdict;

/* A string member that must be there and not be empty. */
static const char *
get_string_member (JsonObject *object,
                   const char *member)
{
  JsonNode *node = json_object_get_member (object, member);
  const char *value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  value = json_node_get_string (node);
  return value != NULL && *value != '\0' ? value : NULL;
}

static JsonArray *
get_array_member (JsonObject *object,
                  const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gboolean
check_instance_entry (JsonNode    *node,
                      const char  *organization_name,
                      guint        index_,
                      GHashTable  *instance_ids,
                      GHashTable  *instance_names,
                      char       **reason)
{
  JsonObject *object;
  const char *id, *name, *url, *username;
  JsonNode *pin_node;
  g_autoptr(GError) error = NULL;
  g_autofree char *clean_name = NULL;
  g_autofree char *key = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      *reason = g_strdup_printf (_("in the organization “%s”, instance %u is not an object"),
                                 organization_name, index_ + 1);
      return FALSE;
    }
  object = json_node_get_object (node);

  id = get_string_member (object, "id");
  name = get_string_member (object, "name");
  url = get_string_member (object, "url");
  username = get_string_member (object, "username");
  if (id == NULL || name == NULL || url == NULL || username == NULL)
    {
      *reason = g_strdup_printf (_("in the organization “%s”, instance %u lacks an id, "
                                   "a name, a URL or a user name"),
                                 organization_name, index_ + 1);
      return FALSE;
    }

  if (!check_instance_name (name, &clean_name, &error) ||
      !check_url (url, NULL, &error) ||
      !check_username (username, &error))
    {
      *reason = g_strdup_printf (_("in the organization “%s”, instance %u: %s"),
                                 organization_name, index_ + 1, error->message);
      return FALSE;
    }

  pin_node = json_object_get_member (object, "pinned_certificate");
  if (pin_node != NULL && !JSON_NODE_HOLDS_NULL (pin_node))
    {
      const char *pin = NULL;

      if (JSON_NODE_HOLDS_VALUE (pin_node) && json_node_get_value_type (pin_node) == G_TYPE_STRING)
        pin = json_node_get_string (pin_node);
      if (pin == NULL || !check_pin (pin, NULL, &error))
        {
          *reason = g_strdup_printf (_("the instance “%s” has an invalid pinned certificate"),
                                     name);
          return FALSE;
        }
    }

  if (!g_hash_table_add (instance_ids, g_strdup (id)))
    {
      *reason = g_strdup_printf (_("the instance id “%s” is used twice"), id);
      return FALSE;
    }

  key = deck_name_key (clean_name);
  if (!g_hash_table_add (instance_names, g_steal_pointer (&key)))
    {
      *reason = g_strdup_printf (_("the organization “%s” has two instances named “%s”"),
                                 organization_name, name);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_organization_entry (JsonNode    *node,
                          guint        index_,
                          GHashTable  *organization_ids,
                          GHashTable  *organization_names,
                          GHashTable  *instance_ids,
                          char       **reason)
{
  g_autoptr(GHashTable) instance_names = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *clean_name = NULL;
  g_autofree char *key = NULL;
  JsonObject *object;
  JsonArray *instances;
  const char *id, *name;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      *reason = g_strdup_printf (_("organization %u is not an object"), index_ + 1);
      return FALSE;
    }
  object = json_node_get_object (node);

  id = get_string_member (object, "id");
  name = get_string_member (object, "name");
  instances = get_array_member (object, "instances");
  if (id == NULL || name == NULL || instances == NULL)
    {
      *reason = g_strdup_printf (_("organization %u lacks an id, a name or a list of instances"),
                                 index_ + 1);
      return FALSE;
    }

  if (!check_organization_name (name, &clean_name, &error))
    {
      *reason = g_strdup_printf (_("organization %u: %s"), index_ + 1, error->message);
      return FALSE;
    }

  if (!g_hash_table_add (organization_ids, g_strdup (id)))
    {
      *reason = g_strdup_printf (_("the organization id “%s” is used twice"), id);
      return FALSE;
    }

  key = deck_name_key (clean_name);
  if (!g_hash_table_add (organization_names, g_steal_pointer (&key)))
    {
      *reason = g_strdup_printf (_("two organizations are named “%s”"), name);
      return FALSE;
    }

  instance_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < json_array_get_length (instances); i++)
    {
      if (!check_instance_entry (json_array_get_element (instances, i), name, i,
                                 instance_ids, instance_names, reason))
        return FALSE;
    }

  return TRUE;
}

/* Decides whether @root is a file this version can use. Every entry must be
 * valid: dropping the entries that are not would lose the user's data at the
 * next save, so one bad entry sets the whole file aside. */
static ContentVerdict
check_content (JsonNode  *root,
               gint64    *version_out,
               char     **reason)
{
  g_autoptr(GHashTable) organization_ids = NULL;
  g_autoptr(GHashTable) organization_names = NULL;
  g_autoptr(GHashTable) instance_ids = NULL;
  JsonObject *object;
  JsonNode *version_node;
  JsonArray *organizations;
  gint64 version;

  if (root == NULL)
    {
      *reason = g_strdup (_("the file is empty"));
      return CONTENT_CORRUPT;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      *reason = g_strdup (_("it does not hold a JSON object"));
      return CONTENT_CORRUPT;
    }
  object = json_node_get_object (root);

  version_node = json_object_get_member (object, "version");
  if (version_node == NULL || !JSON_NODE_HOLDS_VALUE (version_node) ||
      json_node_get_value_type (version_node) != G_TYPE_INT64 ||
      json_node_get_int (version_node) < 1)
    {
      *reason = g_strdup (_("its format version is missing"));
      return CONTENT_CORRUPT;
    }
  version = json_node_get_int (version_node);
  *version_out = version;

  /* A newer format may look like anything: judge it by its version only. */
  if (version > DECK_STORE_FORMAT_VERSION)
    return CONTENT_NEWER;

  organizations = get_array_member (object, "organizations");
  if (organizations == NULL)
    {
      *reason = g_strdup (_("it has no list of organizations"));
      return CONTENT_CORRUPT;
    }

  organization_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  organization_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  instance_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < json_array_get_length (organizations); i++)
    {
      if (!check_organization_entry (json_array_get_element (organizations, i), i,
                                     organization_ids, organization_names, instance_ids,
                                     reason))
        return CONTENT_CORRUPT;
    }

  return CONTENT_VALID;
}

/* Renames @path to "@path.@tag-YYYYMMDD-HHMMSS", with "-N" added when that
 * name is taken, and returns the new name. */
static char *
set_aside (const char  *path,
           const char  *tag,
           GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *base = g_strdup_printf ("%s.%s-%s", path, tag, stamp);
  g_autofree char *target = g_strdup (base);
  GStatBuf buf;
  int saved_errno;

  /* lstat, not g_file_test: a dangling symlink is a taken name too. */
  for (guint n = 1; g_lstat (target, &buf) == 0; n++)
    {
      g_free (target);
      target = g_strdup_printf ("%s-%u", base, n);
    }

  if (g_rename (path, target) != 0)
    {
      saved_errno = errno;
      g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO,
                   _("Your organizations file %s could not be read, and could not be "
                     "moved aside to %s: %s. Nothing was changed."),
                   path, target, g_strerror (saved_errno));
      return NULL;
    }

  return g_steal_pointer (&target);
}

/* Reads, checks and, when needed, sets aside the file at @path. Runs in a
 * worker thread; returns NULL with an IO error only when the file is left
 * where it was. */
static LoadResult *
read_file (const char  *path,
           GError     **error)
{
  g_autoptr(LoadResult) result = g_new0 (LoadResult, 1);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *aside = NULL;
  ContentVerdict verdict;
  JsonNode *root = NULL;
  gint64 version = 0;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      /* No file yet: the first start. */
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&result);

      g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO,
                   _("Your organizations file could not be read: %s."), local_error->message);
      return NULL;
    }

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, contents, (gssize) length, &local_error))
    {
      reason = g_strdup (local_error->message);
      verdict = CONTENT_CORRUPT;
    }
  else
    {
      root = json_parser_get_root (parser);
      verdict = check_content (root, &version, &reason);
    }

  switch (verdict)
    {
    case CONTENT_VALID:
      result->root = json_node_ref (root);
      break;

    case CONTENT_CORRUPT:
      aside = set_aside (path, "corrupt", error);
      if (aside == NULL)
        return NULL;
      g_set_error (&result->problem, DECK_STORE_ERROR, DECK_STORE_ERROR_CORRUPT,
                   _("Your organizations file could not be read (%s). It was kept as %s "
                     "and Clusterdeck started with an empty list."),
                   reason, aside);
      break;

    case CONTENT_NEWER:
      {
        g_autofree char *tag = g_strdup_printf ("newer-v%" G_GINT64_FORMAT, version);
        g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, version);

        aside = set_aside (path, tag, error);
        if (aside == NULL)
          return NULL;
        g_set_error (&result->problem, DECK_STORE_ERROR, DECK_STORE_ERROR_NEWER,
                     _("Your organizations file was written by a newer version of Clusterdeck "
                       "(format %s). It was kept as %s; this version cannot read it, and "
                       "started with an empty list."),
                     number, aside);
      }
      break;

    default:
      g_assert_not_reached ();
    }

  /* Not a warning: the caller tells the user, in the window or on stderr. */
  if (result->problem != NULL)
    g_debug ("%s", result->problem->message);

  return g_steal_pointer (&result);
}

/* The models */

static int
compare_organizations (gconstpointer a,
                       gconstpointer b,
                       gpointer      user_data)
{
  DeckOrganization *organization_a = (DeckOrganization *) a;
  DeckOrganization *organization_b = (DeckOrganization *) b;
  int result;

  result = deck_name_compare (deck_organization_get_name (organization_a),
                              deck_organization_get_name (organization_b));
  if (result == 0)
    result = g_strcmp0 (deck_organization_get_id (organization_a),
                        deck_organization_get_id (organization_b));
  return result;
}

static int
compare_organization_ptrs (gconstpointer a,
                           gconstpointer b)
{
  return compare_organizations (*(DeckOrganization **) a, *(DeckOrganization **) b, NULL);
}

/* A renamed organization moves to its new place, whoever renamed it. One
 * that keeps its place is not removed and added again: that would drop the
 * sidebar's selection for nothing. */
static void
organization_name_changed_cb (DeckOrganization *organization,
                              GParamSpec       *pspec,
                              DeckStore        *self)
{
  GListModel *model = G_LIST_MODEL (self->organizations);
  guint n_items = g_list_model_get_n_items (model);
  gboolean in_order = TRUE;
  guint position;

  if (!g_list_store_find (self->organizations, organization, &position))
    return;

  if (position > 0)
    {
      g_autoptr(DeckOrganization) before = g_list_model_get_item (model, position - 1);

      in_order = compare_organizations (before, organization, NULL) < 0;
    }
  if (in_order && position + 1 < n_items)
    {
      g_autoptr(DeckOrganization) after = g_list_model_get_item (model, position + 1);

      in_order = compare_organizations (organization, after, NULL) < 0;
    }
  if (in_order)
    return;

  g_object_ref (organization);
  g_list_store_remove (self->organizations, position);
  g_list_store_insert_sorted (self->organizations, organization, compare_organizations, NULL);
  g_object_unref (organization);
}

static void
insert_organization (DeckStore        *self,
                     DeckOrganization *organization)
{
  g_list_store_insert_sorted (self->organizations, organization, compare_organizations, NULL);
  g_signal_connect (organization, "notify::name",
                    G_CALLBACK (organization_name_changed_cb), self);
}

static gboolean
take_out_organization (DeckStore        *self,
                       DeckOrganization *organization)
{
  guint position;

  if (!g_list_store_find (self->organizations, organization, &position))
    return FALSE;

  g_signal_handlers_disconnect_by_func (organization, organization_name_changed_cb, self);
  g_list_store_remove (self->organizations, position);
  return TRUE;
}

static gboolean
contains_organization (DeckStore        *self,
                       DeckOrganization *organization)
{
  return g_list_store_find (self->organizations, organization, NULL);
}

static void
disconnect_all (DeckStore *self)
{
  GListModel *model = G_LIST_MODEL (self->organizations);
  guint n_items = g_list_model_get_n_items (model);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(DeckOrganization) organization = g_list_model_get_item (model, i);

      g_signal_handlers_disconnect_by_func (organization, organization_name_changed_cb, self);
    }
}

/* Builds the models from validated content (check_content()). */
static void
replace_content (DeckStore *self,
                 JsonNode  *root)
{
  g_autoptr(GPtrArray) organizations = g_ptr_array_new_with_free_func (g_object_unref);
  JsonArray *array = NULL;
  guint n_old;

  if (root != NULL)
    array = json_object_get_array_member (json_node_get_object (root), "organizations");

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);
      JsonArray *instances = json_object_get_array_member (object, "instances");
      g_autofree char *name = strip_copy (json_object_get_string_member (object, "name"));
      DeckOrganization *organization;

      organization = deck_organization_new (json_object_get_string_member (object, "id"), name);
      deck_organization_set_cluster_user (organization,
                                          json_object_get_string_member_with_default (object,
                                                                                      "cluster_user",
                                                                                      NULL));
      g_ptr_array_add (organizations, organization);

      for (guint j = 0; j < json_array_get_length (instances); j++)
        {
          JsonObject *entry = json_array_get_object_element (instances, j);
          g_autoptr(DeckInstance) instance = NULL;
          g_autofree char *instance_name = NULL;
          g_autofree char *url = NULL;
          JsonNode *pin;

          instance_name = strip_copy (json_object_get_string_member (entry, "name"));
          url = strip_copy (json_object_get_string_member (entry, "url"));
          instance = deck_instance_new (json_object_get_string_member (entry, "id"),
                                        deck_organization_get_id (organization),
                                        instance_name, url,
                                        json_object_get_string_member (entry, "username"));
          pin = json_object_get_member (entry, "pinned_certificate");
          if (pin != NULL && !JSON_NODE_HOLDS_NULL (pin))
            deck_instance_set_pinned_certificate (instance, json_node_get_string (pin));
          deck_organization_insert_instance (organization, instance);
        }
    }

  g_ptr_array_sort (organizations, compare_organization_ptrs);

  /* One items-changed for the whole list, not one per organization. */
  disconnect_all (self);
  n_old = g_list_model_get_n_items (G_LIST_MODEL (self->organizations));
  g_list_store_splice (self->organizations, 0, n_old, organizations->pdata, organizations->len);
  for (guint i = 0; i < organizations->len; i++)
    g_signal_connect (organizations->pdata[i], "notify::name",
                      G_CALLBACK (organization_name_changed_cb), self);
}

/* Writing the file */

static JsonNode *
build_content (DeckStore *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GListModel *organizations = G_LIST_MODEL (self->organizations);
  guint n_organizations = g_list_model_get_n_items (organizations);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, DECK_STORE_FORMAT_VERSION);
  json_builder_set_member_name (builder, "organizations");
  json_builder_begin_array (builder);

  for (guint i = 0; i < n_organizations; i++)
    {
      g_autoptr(DeckOrganization) organization = g_list_model_get_item (organizations, i);
      GListModel *instances = deck_organization_get_instances (organization);
      guint n_instances = g_list_model_get_n_items (instances);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, deck_organization_get_id (organization));
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, deck_organization_get_name (organization));
      if (deck_organization_get_cluster_user (organization) != NULL)
        {
          json_builder_set_member_name (builder, "cluster_user");
          json_builder_add_string_value (builder, deck_organization_get_cluster_user (organization));
        }
      json_builder_set_member_name (builder, "instances");
      json_builder_begin_array (builder);

      for (guint j = 0; j < n_instances; j++)
        {
          g_autoptr(DeckInstance) instance = g_list_model_get_item (instances, j);
          const char *pin = deck_instance_get_pinned_certificate (instance);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_string_value (builder, deck_instance_get_id (instance));
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, deck_instance_get_name (instance));
          json_builder_set_member_name (builder, "url");
          json_builder_add_string_value (builder, deck_instance_get_url (instance));
          json_builder_set_member_name (builder, "username");
          json_builder_add_string_value (builder, deck_instance_get_username (instance));
          if (pin != NULL)
            {
              json_builder_set_member_name (builder, "pinned_certificate");
              json_builder_add_string_value (builder, pin);
            }
          json_builder_end_object (builder);
        }

      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }

  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Refuses to write when writing could destroy data: before the file was
 * read, and after it could not be read. */
static gboolean
check_writable (DeckStore  *self,
                GError    **error)
{
  if (self->read_failure != NULL)
    {
      g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO,
                   _("%s Nothing was changed: Clusterdeck does not write over a file it "
                     "could not read. Fix the problem and open Clusterdeck again."),
                   self->read_failure->message);
      return FALSE;
    }
  if (!self->loaded)
    {
      g_set_error_literal (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO,
                           _("Your organizations file has not been read yet, so nothing "
                             "was changed."));
      return FALSE;
    }
  return TRUE;
}

/**
 * deck_store_save:
 * @self: a store
 * @error: return location for a %DECK_STORE_ERROR_IO
 *
 * Writes the organizations file: a temporary file, flushed to disk, then
 * renamed over the old one, so that a crash at any moment leaves either the
 * old or the new file. The file is readable by its owner only (0600), in a
 * directory created 0700. Every mutator calls this; call it directly only
 * to write the file again.
 *
 * Returns: %TRUE when the file was written
 */
gboolean
deck_store_save (DeckStore  *self,
                 GError    **error)
{
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *directory = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;
  int saved_errno;

  g_return_val_if_fail (DECK_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_writable (self, error))
    return FALSE;

  root = build_content (self);
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, &length);

  directory = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      saved_errno = errno;
      g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO,
                   _("Your organizations could not be saved: the folder %s could not be "
                     "created: %s."),
                   directory, g_strerror (saved_errno));
      return FALSE;
    }

  if (!g_file_set_contents_full (self->path, data, (gssize) length,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_IO,
                   _("Your organizations could not be saved: %s."), local_error->message);
      return FALSE;
    }

  g_clear_pointer (&self->saved, json_node_unref);
  self->saved = g_steal_pointer (&root);
  return TRUE;
}

/* Loading */

static void
record_read_failure (DeckStore    *self,
                     const GError *error)
{
  g_clear_error (&self->read_failure);
  g_clear_error (&self->load_problem);
  self->read_failure = g_error_copy (error);
  g_debug ("%s", error->message);
}

static void
apply_result (DeckStore  *self,
              LoadResult *result)
{
  g_clear_error (&self->read_failure);
  g_clear_error (&self->load_problem);
  self->load_problem = g_steal_pointer (&result->problem);

  g_clear_pointer (&self->saved, json_node_unref);
  if (result->root != NULL)
    self->saved = json_node_ref (result->root);

  replace_content (self, result->root);
  self->loaded = TRUE;

  g_debug ("Loaded %u organizations from %s",
           g_list_model_get_n_items (G_LIST_MODEL (self->organizations)), self->path);
}

/**
 * deck_store_load:
 * @self: a store
 * @problem: (out) (optional): set when the file was corrupt or newer, and
 *   was moved aside
 * @error: return location for a %DECK_STORE_ERROR_IO
 *
 * Reads the organizations file, replacing the models' content. A missing
 * file is an empty list. A corrupt file, or one written by a newer
 * Clusterdeck, is renamed (its new name is in the @problem message), the
 * store starts empty, and this still returns %TRUE. A file that cannot be
 * read at all stays where it is: this returns %FALSE, and every change is
 * refused until a later load succeeds.
 *
 * Blocks on file I/O; the UI uses deck_store_load_async().
 *
 * Returns: %FALSE when the file could not be read
 */
gboolean
deck_store_load (DeckStore  *self,
                 GError    **problem,
                 GError    **error)
{
  g_autoptr(LoadResult) result = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (DECK_IS_STORE (self), FALSE);
  g_return_val_if_fail (problem == NULL || *problem == NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  result = read_file (self->path, &local_error);
  if (result == NULL)
    {
      record_read_failure (self, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  apply_result (self, result);
  if (problem != NULL && self->load_problem != NULL)
    *problem = g_error_copy (self->load_problem);
  return TRUE;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  GError *error = NULL;
  LoadResult *result;

  if (g_task_return_error_if_cancelled (task))
    return;

  result = read_file (path, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) load_result_free);
}

/* Back on the caller's thread: only here are the models touched. */
static void
load_thread_done (GObject      *source_object,
                  GAsyncResult *thread_result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(LoadResult) result = NULL;
  DeckStore *self = DECK_STORE (source_object);
  GError *error = NULL;

  result = g_task_propagate_pointer (G_TASK (thread_result), &error);
  if (result == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        record_read_failure (self, error);
      g_task_return_error (task, error);
      return;
    }

  apply_result (self, result);
  if (self->load_problem != NULL)
    g_task_set_task_data (task, g_error_copy (self->load_problem), (GDestroyNotify) g_error_free);
  g_task_return_boolean (task, TRUE);
}

/**
 * deck_store_load_async:
 * @self: a store
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the file was read and the models updated
 * @user_data: data for @callback
 *
 * Like deck_store_load(), with the file I/O in a worker thread. The models
 * are updated in the thread-default main context of the caller, before
 * @callback runs. Cancelling only helps before the worker started: once the
 * file may have been moved aside, the result is always applied, so that the
 * user is told.
 */
void
deck_store_load_async (DeckStore           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) thread_task = NULL;

  g_return_if_fail (DECK_IS_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, deck_store_load_async);
  g_task_set_name (task, "deck_store_load_async");
  g_task_set_check_cancellable (task, FALSE);

  thread_task = g_task_new (self, cancellable, load_thread_done, g_steal_pointer (&task));
  g_task_set_source_tag (thread_task, deck_store_load_async);
  g_task_set_name (thread_task, "deck_store_load_async (thread)");
  g_task_set_check_cancellable (thread_task, FALSE);
  g_task_set_task_data (thread_task, g_strdup (self->path), g_free);
  g_task_run_in_thread (thread_task, load_thread);
}

/**
 * deck_store_load_finish:
 * @self: a store
 * @result: the #GAsyncResult given to the callback
 * @problem: (out) (optional): as for deck_store_load()
 * @error: return location for an error
 *
 * Returns: %FALSE when the file could not be read, or the load was
 *   cancelled before it started
 */
gboolean
deck_store_load_finish (DeckStore     *self,
                        GAsyncResult  *result,
                        GError       **problem,
                        GError       **error)
{
  const GError *found;

  g_return_val_if_fail (DECK_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == deck_store_load_async, FALSE);
  g_return_val_if_fail (problem == NULL || *problem == NULL, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  found = g_task_get_task_data (G_TASK (result));
  if (problem != NULL && found != NULL)
    *problem = g_error_copy (found);
  return TRUE;
}

/**
 * deck_store_get_load_problem:
 * @self: a store
 *
 * Returns: (nullable): the %DECK_STORE_ERROR_CORRUPT or
 *   %DECK_STORE_ERROR_NEWER problem the last load found, if any
 */
const GError *
deck_store_get_load_problem (DeckStore *self)
{
  g_return_val_if_fail (DECK_IS_STORE (self), NULL);
  return self->load_problem;
}

/* GObject */

static void
deck_store_dispose (GObject *object)
{
  DeckStore *self = DECK_STORE (object);

  if (self->organizations != NULL)
    disconnect_all (self);
  g_clear_object (&self->organizations);

  G_OBJECT_CLASS (deck_store_parent_class)->dispose (object);
}

static void
deck_store_finalize (GObject *object)
{
  DeckStore *self = DECK_STORE (object);

  g_free (self->path);
  g_clear_pointer (&self->saved, json_node_unref);
  g_clear_error (&self->load_problem);
  g_clear_error (&self->read_failure);

  G_OBJECT_CLASS (deck_store_parent_class)->finalize (object);
}

static void
deck_store_constructed (GObject *object)
{
  DeckStore *self = DECK_STORE (object);

  G_OBJECT_CLASS (deck_store_parent_class)->constructed (object);

  if (self->path == NULL)
    self->path = g_build_filename (g_get_user_config_dir (), "clusterdeck", FILE_NAME, NULL);
}

static void
deck_store_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  DeckStore *self = DECK_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_ORGANIZATIONS:
      g_value_set_object (value, self->organizations);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_store_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  DeckStore *self = DECK_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_store_class_init (DeckStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = deck_store_dispose;
  object_class->finalize = deck_store_finalize;
  object_class->constructed = deck_store_constructed;
  object_class->get_property = deck_store_get_property;
  object_class->set_property = deck_store_set_property;

  /**
   * DeckStore:path:
   *
   * The organizations file; by default
   * `$XDG_CONFIG_HOME/clusterdeck/organizations.json`.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * DeckStore:organizations:
   *
   * The #DeckOrganization objects, sorted by name.
   */
  properties[PROP_ORGANIZATIONS] =
    g_param_spec_object ("organizations", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
deck_store_init (DeckStore *self)
{
  self->organizations = g_list_store_new (DECK_TYPE_ORGANIZATION);
}

/**
 * deck_store_new:
 * @path: (nullable): the organizations file, or %NULL for
 *   `$XDG_CONFIG_HOME/clusterdeck/organizations.json`
 *
 * Creates an empty store; deck_store_load() or deck_store_load_async()
 * reads the file. Until then, nothing can be changed.
 *
 * Returns: (transfer full): a new store
 */
DeckStore *
deck_store_new (const char *path)
{
  return g_object_new (DECK_TYPE_STORE, "path", path, NULL);
}

const char *
deck_store_get_path (DeckStore *self)
{
  g_return_val_if_fail (DECK_IS_STORE (self), NULL);
  return self->path;
}

/**
 * deck_store_get_organizations:
 * @self: a store
 *
 * Returns: (transfer none): a #GListModel of #DeckOrganization, sorted by
 *   name case-insensitively; it follows renames
 */
GListModel *
deck_store_get_organizations (DeckStore *self)
{
  g_return_val_if_fail (DECK_IS_STORE (self), NULL);
  return G_LIST_MODEL (self->organizations);
}

/* Organizations */

/* The organization whose name equals @name case-insensitively, other than
 * @except. Names are unique in that sense, so there is at most one. */
static DeckOrganization *
lookup_organization_by_key (DeckStore        *self,
                            const char       *name,
                            DeckOrganization *except)
{
  GListModel *model = G_LIST_MODEL (self->organizations);
  guint n_items = g_list_model_get_n_items (model);
  g_autofree char *key = deck_name_key (name);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(DeckOrganization) organization = g_list_model_get_item (model, i);
      g_autofree char *other = deck_name_key (deck_organization_get_name (organization));

      /* The model keeps its reference: returning the pointer is safe. */
      if (organization != except && strcmp (key, other) == 0)
        return organization;
    }
  return NULL;
}

static DeckOrganization *
lookup_organization_by_id (DeckStore  *self,
                           const char *id)
{
  GListModel *model = G_LIST_MODEL (self->organizations);
  guint n_items = g_list_model_get_n_items (model);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(DeckOrganization) organization = g_list_model_get_item (model, i);

      if (g_strcmp0 (deck_organization_get_id (organization), id) == 0)
        return organization;
    }
  return NULL;
}

/**
 * deck_store_find_organization:
 * @self: a store
 * @id_or_name: an organization's id or name
 *
 * Looks up by id first, then by name, exactly and then ignoring case.
 *
 * Returns: (transfer none) (nullable): the organization
 */
DeckOrganization *
deck_store_find_organization (DeckStore  *self,
                              const char *id_or_name)
{
  GListModel *model;
  DeckOrganization *found;
  guint n_items;

  g_return_val_if_fail (DECK_IS_STORE (self), NULL);

  if (id_or_name == NULL)
    return NULL;

  found = lookup_organization_by_id (self, id_or_name);
  if (found != NULL)
    return found;

  model = G_LIST_MODEL (self->organizations);
  n_items = g_list_model_get_n_items (model);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(DeckOrganization) organization = g_list_model_get_item (model, i);

      if (g_strcmp0 (deck_organization_get_name (organization), id_or_name) == 0)
        return organization;
    }

  return lookup_organization_by_key (self, id_or_name, NULL);
}

static gboolean
check_organization_in_store (DeckStore         *self,
                             DeckOrganization  *organization,
                             GError           **error)
{
  if (!contains_organization (self, organization))
    {
      g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_NOT_FOUND,
                   _("The organization “%s” no longer exists."),
                   deck_organization_get_name (organization));
      return FALSE;
    }
  return TRUE;
}

/**
 * deck_store_add_organization:
 * @self: a store
 * @name: its name, unique ignoring case; surrounding spaces are dropped
 * @error: return location for an error
 *
 * Creates an organization and saves.
 *
 * Returns: (transfer none) (nullable): the new organization, owned by the
 *   store, or %NULL with %DECK_STORE_ERROR_INVALID, %DECK_STORE_ERROR_EXISTS
 *   or %DECK_STORE_ERROR_IO
 */
DeckOrganization *
deck_store_add_organization (DeckStore   *self,
                             const char  *name,
                             GError     **error)
{
  g_autofree char *clean = NULL;
  g_autofree char *id = NULL;
  g_autoptr(DeckOrganization) organization = NULL;

  g_return_val_if_fail (DECK_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_writable (self, error) ||
      !check_organization_name (name, &clean, error))
    return NULL;

  if (lookup_organization_by_key (self, clean, NULL) != NULL)
    {
      g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_EXISTS,
                   _("An organization named “%s” already exists."), clean);
      return NULL;
    }

  id = g_uuid_string_random ();
  organization = deck_organization_new (id, clean);
  insert_organization (self, organization);

  if (!deck_store_save (self, error))
    {
      take_out_organization (self, organization);
      return NULL;
    }

  /* The model holds a reference from now on. */
  return organization;
}

/**
 * deck_store_rename_organization:
 * @self: a store
 * @organization: one of its organizations
 * @name: the new name, unique ignoring case
 * @error: return location for an error
 *
 * Renames and saves; on failure the old name stays.
 *
 * Returns: %TRUE when renamed and saved
 */
gboolean
deck_store_rename_organization (DeckStore         *self,
                                DeckOrganization  *organization,
                                const char        *name,
                                GError           **error)
{
  g_autofree char *clean = NULL;
  g_autofree char *old_name = NULL;

  g_return_val_if_fail (DECK_IS_STORE (self), FALSE);
  g_return_val_if_fail (DECK_IS_ORGANIZATION (organization), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_writable (self, error) ||
      !check_organization_in_store (self, organization, error) ||
      !check_organization_name (name, &clean, error))
    return FALSE;

  if (g_strcmp0 (clean, deck_organization_get_name (organization)) == 0)
    return TRUE;

  /* "acme" may become "Acme": only another organization's name clashes. */
  if (lookup_organization_by_key (self, clean, organization) != NULL)
    {
      g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_EXISTS,
                   _("An organization named “%s” already exists."), clean);
      return FALSE;
    }

  old_name = g_strdup (deck_organization_get_name (organization));
  deck_organization_set_name (organization, clean);

  if (!deck_store_save (self, error))
    {
      deck_organization_set_name (organization, old_name);
      return FALSE;
    }
  return TRUE;
}

/**
 * deck_store_set_cluster_user:
 * @self: a store
 * @organization: one of its organizations
 * @cluster_user: the name of the cluster user its instances share
 * @error: return location for an error
 *
 * Remembers the cluster user's name (its password goes to the keyring).
 *
 * Returns: %TRUE when saved
 */
gboolean
deck_store_set_cluster_user (DeckStore         *self,
                             DeckOrganization  *organization,
                             const char        *cluster_user,
                             GError           **error)
{
  g_autofree char *old = NULL;

  g_return_val_if_fail (DECK_IS_STORE (self), FALSE);
  g_return_val_if_fail (DECK_IS_ORGANIZATION (organization), FALSE);

  if (!check_writable (self, error) ||
      !check_organization_in_store (self, organization, error))
    return FALSE;

  if (g_strcmp0 (cluster_user, deck_organization_get_cluster_user (organization)) == 0)
    return TRUE;

  old = g_strdup (deck_organization_get_cluster_user (organization));
  deck_organization_set_cluster_user (organization, cluster_user);
  if (!deck_store_save (self, error))
    {
      deck_organization_set_cluster_user (organization, old);
      return FALSE;
    }
  return TRUE;
}

/**
 * deck_store_remove_organization:
 * @self: a store
 * @organization: one of its organizations
 * @error: return location for an error
 *
 * Removes @organization with its instances and saves. Keep a reference to
 * @organization to offer Undo with deck_store_restore_organization(). The
 * keyring items of its instances are the caller's business.
 *
 * Returns: %TRUE when removed and saved
 */
gboolean
deck_store_remove_organization (DeckStore         *self,
                                DeckOrganization  *organization,
                                GError           **error)
{
  g_autoptr(DeckOrganization) keep = NULL;

  g_return_val_if_fail (DECK_IS_STORE (self), FALSE);
  g_return_val_if_fail (DECK_IS_ORGANIZATION (organization), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_writable (self, error) ||
      !check_organization_in_store (self, organization, error))
    return FALSE;

  keep = g_object_ref (organization);
  take_out_organization (self, organization);

  if (!deck_store_save (self, error))
    {
      insert_organization (self, organization);
      return FALSE;
    }
  return TRUE;
}

/**
 * deck_store_restore_organization:
 * @self: a store
 * @organization: an organization removed with deck_store_remove_organization()
 * @error: return location for an error
 *
 * Puts @organization back, with its instances, and saves: the Undo of a
 * removal. Fails with %DECK_STORE_ERROR_EXISTS when it is in the store, or
 * when an organization of the same name was created since.
 *
 * Returns: %TRUE when restored and saved
 */
gboolean
deck_store_restore_organization (DeckStore         *self,
                                 DeckOrganization  *organization,
                                 GError           **error)
{
  const char *name;

  g_return_val_if_fail (DECK_IS_STORE (self), FALSE);
  g_return_val_if_fail (DECK_IS_ORGANIZATION (organization), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_writable (self, error))
    return FALSE;

  name = deck_organization_get_name (organization);
  if (contains_organization (self, organization) ||
      lookup_organization_by_id (self, deck_organization_get_id (organization)) != NULL)
    {
      g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_EXISTS,
                   _("The organization “%s” is already in the list."), name);
      return FALSE;
    }
  if (lookup_organization_by_key (self, name, NULL) != NULL)
    {
      g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_EXISTS,
                   _("The organization “%s” cannot be restored: another organization has "
                     "that name now. Rename it first."),
                   name);
      return FALSE;
    }

  insert_organization (self, organization);

  if (!deck_store_save (self, error))
    {
      take_out_organization (self, organization);
      return FALSE;
    }
  return TRUE;
}

/* Instances */

/**
 * deck_store_find_instance_by_id:
 * @self: a store
 * @id: an instance id
 *
 * Returns: (transfer none) (nullable): the instance
 */
DeckInstance *
deck_store_find_instance_by_id (DeckStore  *self,
                                const char *id)
{
  GListModel *organizations;
  guint n_organizations;

  g_return_val_if_fail (DECK_IS_STORE (self), NULL);

  if (id == NULL)
    return NULL;

  organizations = G_LIST_MODEL (self->organizations);
  n_organizations = g_list_model_get_n_items (organizations);
  for (guint i = 0; i < n_organizations; i++)
    {
      g_autoptr(DeckOrganization) organization = g_list_model_get_item (organizations, i);
      GListModel *instances = deck_organization_get_instances (organization);
      guint n_instances = g_list_model_get_n_items (instances);

      for (guint j = 0; j < n_instances; j++)
        {
          g_autoptr(DeckInstance) instance = g_list_model_get_item (instances, j);

          if (g_strcmp0 (deck_instance_get_id (instance), id) == 0)
            return instance;
        }
    }
  return NULL;
}

/* "“A”", "“A” and “B”", "“A”, “B” and “C”" */
static char *
join_names (GPtrArray *names)
{
  g_autofree char *joined = NULL;

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *quoted = g_strdup_printf (_("“%s”"), (const char *) names->pdata[i]);
      char *next;

      if (i == 0)
        next = g_strdup (quoted);
      else if (i + 1 < names->len)
        /* TRANSLATORS: joins the items of a list but the last */
        next = g_strdup_printf (_("%s, %s"), joined, quoted);
      else
        /* TRANSLATORS: joins the last item of a list */
        next = g_strdup_printf (_("%s and %s"), joined, quoted);
      g_free (joined);
      joined = next;
    }
  return g_steal_pointer (&joined);
}

/* The instances called @name in any organization, in the order of the
 * organizations. */
static GPtrArray *
collect_instances (DeckStore  *self,
                   const char *name,
                   gboolean    ignore_case)
{
  GPtrArray *found = g_ptr_array_new ();
  GListModel *organizations = G_LIST_MODEL (self->organizations);
  guint n_organizations = g_list_model_get_n_items (organizations);

  for (guint i = 0; i < n_organizations; i++)
    {
      g_autoptr(DeckOrganization) organization = g_list_model_get_item (organizations, i);
      DeckInstance *instance = deck_organization_lookup_instance (organization, name, ignore_case);

      if (instance != NULL)
        g_ptr_array_add (found, instance);
    }
  return found;
}

/**
 * deck_store_find_instance:
 * @self: a store
 * @spec: `NAME` or `ORG/NAME` (DESIGN.md §6)
 * @error: return location for an error
 *
 * Finds an instance the way the command line names it. ORG is split at the
 * last slash (an organization name may contain one; an instance name
 * cannot), and found like deck_store_find_organization() does. NAME is
 * matched exactly first, then ignoring case. A NAME without ORG that
 * matches instances of several organizations is
 * %DECK_STORE_ERROR_AMBIGUOUS, with a message that names them.
 *
 * Returns: (transfer none) (nullable): the instance, or %NULL with
 *   %DECK_STORE_ERROR_NOT_FOUND or %DECK_STORE_ERROR_AMBIGUOUS
 */
DeckInstance *
deck_store_find_instance (DeckStore   *self,
                          const char  *spec,
                          GError     **error)
{
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) organization_names = NULL;
  g_autofree char *list = NULL;
  const char *slash;

  g_return_val_if_fail (DECK_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (spec == NULL || *spec == '\0')
    {
      g_set_error_literal (error, DECK_STORE_ERROR, DECK_STORE_ERROR_NOT_FOUND,
                           _("No instance name was given."));
      return NULL;
    }

  slash = strrchr (spec, '/');
  if (slash != NULL)
    {
      g_autofree char *organization_name = g_strndup (spec, slash - spec);
      const char *name = slash + 1;
      DeckOrganization *organization;
      DeckInstance *instance;

      organization = deck_store_find_organization (self, organization_name);
      if (organization == NULL)
        {
          g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_NOT_FOUND,
                       _("There is no organization named “%s”."), organization_name);
          return NULL;
        }

      instance = deck_organization_lookup_instance (organization, name, FALSE);
      if (instance == NULL)
        instance = deck_organization_lookup_instance (organization, name, TRUE);
      if (instance == NULL)
        {
          g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_NOT_FOUND,
                       _("There is no instance named “%s” in the organization “%s”."),
                       name, deck_organization_get_name (organization));
          return NULL;
        }
      return instance;
    }

  found = collect_instances (self, spec, FALSE);
  if (found->len == 0)
    {
      g_ptr_array_unref (found);
      found = collect_instances (self, spec, TRUE);
    }

  if (found->len == 1)
    return found->pdata[0];

  if (found->len == 0)
    {
      g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_NOT_FOUND,
                   _("There is no instance named “%s”."), spec);
      return NULL;
    }

  organization_names = g_ptr_array_new ();
  for (guint i = 0; i < found->len; i++)
    {
      DeckOrganization *organization =
        lookup_organization_by_id (self, deck_instance_get_organization_id (found->pdata[i]));

      g_ptr_array_add (organization_names, (gpointer) deck_organization_get_name (organization));
    }
  list = join_names (organization_names);
  g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_AMBIGUOUS,
               _("An instance named “%s” exists in the organizations %s; write ORG/NAME, "
                 "for example “%s/%s”."),
               spec, list, (const char *) organization_names->pdata[0],
               deck_instance_get_name (found->pdata[0]));
  return NULL;
}

/* The organization @instance belongs to, when both are in the store. */
static DeckOrganization *
organization_of (DeckStore     *self,
                 DeckInstance  *instance,
                 GError       **error)
{
  DeckOrganization *organization;

  organization = lookup_organization_by_id (self, deck_instance_get_organization_id (instance));
  if (organization == NULL || !deck_organization_contains_instance (organization, instance))
    {
      g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_NOT_FOUND,
                   _("The instance “%s” no longer exists."), deck_instance_get_name (instance));
      return NULL;
    }
  return organization;
}

/* Another instance of @organization whose name equals @name ignoring
 * case. */
static DeckInstance *
lookup_name_clash (DeckOrganization *organization,
                   const char       *name,
                   DeckInstance     *except)
{
  GListModel *instances = deck_organization_get_instances (organization);
  guint n_instances = g_list_model_get_n_items (instances);
  g_autofree char *key = deck_name_key (name);

  for (guint i = 0; i < n_instances; i++)
    {
      g_autoptr(DeckInstance) instance = g_list_model_get_item (instances, i);
      g_autofree char *other = deck_name_key (deck_instance_get_name (instance));

      /* The model keeps its reference: returning the pointer is safe. */
      if (instance != except && strcmp (key, other) == 0)
        return instance;
    }
  return NULL;
}

/* The instance's entry in the file as last read or written. */
static JsonObject *
saved_instance_entry (DeckStore  *self,
                      const char *id)
{
  JsonArray *organizations;

  if (self->saved == NULL)
    return NULL;

  organizations = json_object_get_array_member (json_node_get_object (self->saved),
                                                "organizations");
  for (guint i = 0; i < json_array_get_length (organizations); i++)
    {
      JsonObject *organization = json_array_get_object_element (organizations, i);
      JsonArray *instances = json_object_get_array_member (organization, "instances");

      for (guint j = 0; j < json_array_get_length (instances); j++)
        {
          JsonObject *entry = json_array_get_object_element (instances, j);

          if (g_strcmp0 (json_object_get_string_member (entry, "id"), id) == 0)
            return entry;
        }
    }
  return NULL;
}

/* Puts the stored fields of @instance back as the file has them. */
static void
revert_instance (DeckStore    *self,
                 DeckInstance *instance)
{
  JsonObject *entry = saved_instance_entry (self, deck_instance_get_id (instance));
  JsonNode *pin;

  if (entry == NULL)
    return;

  g_object_freeze_notify (G_OBJECT (instance));
  deck_instance_set_name (instance, json_object_get_string_member (entry, "name"));
  deck_instance_set_url (instance, json_object_get_string_member (entry, "url"));
  deck_instance_set_username (instance, json_object_get_string_member (entry, "username"));
  pin = json_object_get_member (entry, "pinned_certificate");
  deck_instance_set_pinned_certificate (instance,
                                        pin != NULL && !JSON_NODE_HOLDS_NULL (pin)
                                        ? json_node_get_string (pin) : NULL);
  g_object_thaw_notify (G_OBJECT (instance));
}

/**
 * deck_store_add_instance:
 * @self: a store
 * @organization: one of its organizations
 * @name: the instance's name, unique in @organization ignoring case, without "/"
 * @url: the Operations API URL, http or https, with a host
 * @username: the login (its password goes to the keyring, not here)
 * @pinned_sha256: (nullable): the SHA-256 fingerprint of a certificate to trust
 * @error: return location for an error
 *
 * Creates an instance and saves.
 *
 * Returns: (transfer none) (nullable): the new instance, owned by its
 *   organization, or %NULL with %DECK_STORE_ERROR_INVALID,
 *   %DECK_STORE_ERROR_EXISTS, %DECK_STORE_ERROR_NOT_FOUND or
 *   %DECK_STORE_ERROR_IO
 */
DeckInstance *
deck_store_add_instance (DeckStore         *self,
                         DeckOrganization  *organization,
                         const char        *name,
                         const char        *url,
                         const char        *username,
                         const char        *pinned_sha256,
                         GError           **error)
{
  g_autofree char *clean_name = NULL;
  g_autofree char *clean_url = NULL;
  g_autofree char *pin = NULL;
  g_autofree char *id = NULL;
  g_autoptr(DeckInstance) instance = NULL;

  g_return_val_if_fail (DECK_IS_STORE (self), NULL);
  g_return_val_if_fail (DECK_IS_ORGANIZATION (organization), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_writable (self, error) ||
      !check_organization_in_store (self, organization, error) ||
      !check_instance_name (name, &clean_name, error) ||
      !check_url (url, &clean_url, error) ||
      !check_username (username, error) ||
      !check_pin (pinned_sha256, &pin, error))
    return NULL;

  if (lookup_name_clash (organization, clean_name, NULL) != NULL)
    {
      g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_EXISTS,
                   _("The organization “%s” already has an instance named “%s”."),
                   deck_organization_get_name (organization), clean_name);
      return NULL;
    }

  id = g_uuid_string_random ();
  instance = deck_instance_new (id, deck_organization_get_id (organization),
                                clean_name, clean_url, username);
  deck_instance_set_pinned_certificate (instance, pin);
  deck_organization_insert_instance (organization, instance);

  if (!deck_store_save (self, error))
    {
      deck_organization_remove_instance (organization, instance);
      return NULL;
    }

  /* The organization holds a reference from now on. */
  return instance;
}

/**
 * deck_store_update_instance:
 * @self: a store
 * @instance: one of its instances, whose name, URL, login or pinned
 *   certificate the caller changed
 * @error: return location for an error
 *
 * Validates the instance's stored fields and saves. On failure the
 * instance's stored fields are put back as the file has them, so the
 * models never show what was not saved.
 *
 * Returns: %TRUE when saved
 */
gboolean
deck_store_update_instance (DeckStore     *self,
                            DeckInstance  *instance,
                            GError       **error)
{
  g_autofree char *clean_name = NULL;
  g_autofree char *clean_url = NULL;
  DeckOrganization *organization;
  DeckInstance *other;

  g_return_val_if_fail (DECK_IS_STORE (self), FALSE);
  g_return_val_if_fail (DECK_IS_INSTANCE (instance), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_writable (self, error))
    goto failed;

  organization = organization_of (self, instance, error);
  if (organization == NULL)
    return FALSE;

  if (!check_instance_name (deck_instance_get_name (instance), &clean_name, error) ||
      !check_url (deck_instance_get_url (instance), &clean_url, error) ||
      !check_username (deck_instance_get_username (instance), error))
    goto failed;

  deck_instance_set_name (instance, clean_name);
  deck_instance_set_url (instance, clean_url);

  other = lookup_name_clash (organization, clean_name, instance);
  if (other != NULL)
    {
      g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_EXISTS,
                   _("The organization “%s” already has an instance named “%s”."),
                   deck_organization_get_name (organization), clean_name);
      goto failed;
    }

  if (!deck_store_save (self, error))
    goto failed;
  return TRUE;

failed:
  revert_instance (self, instance);
  return FALSE;
}

/**
 * deck_store_remove_instance:
 * @self: a store
 * @instance: one of its instances
 * @error: return location for an error
 *
 * Removes @instance from its organization and saves. Its keyring item is
 * the caller's business.
 *
 * Returns: %TRUE when removed and saved
 */
gboolean
deck_store_remove_instance (DeckStore     *self,
                            DeckInstance  *instance,
                            GError       **error)
{
  g_autoptr(DeckInstance) keep = NULL;
  DeckOrganization *organization;

  g_return_val_if_fail (DECK_IS_STORE (self), FALSE);
  g_return_val_if_fail (DECK_IS_INSTANCE (instance), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_writable (self, error))
    return FALSE;

  organization = organization_of (self, instance, error);
  if (organization == NULL)
    return FALSE;

  keep = g_object_ref (instance);
  deck_organization_remove_instance (organization, instance);

  if (!deck_store_save (self, error))
    {
      deck_organization_insert_instance (organization, instance);
      return FALSE;
    }
  return TRUE;
}
