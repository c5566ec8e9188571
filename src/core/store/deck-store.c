/* deck-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The organizations and their instances, as models the sidebars bind to,
 * and the lookups the command line and the pages use. The store's other
 * rooms: deck-store-edit.c changes the models (each change a locked
 * load, edit and save), deck-store-check.c says what is valid, and
 * deck-store-file.c reads, writes and watches the file:
 *
 *   {"version": 1,
 *    "organizations": [{"id": …, "name": …, "cluster_user" (optional),
 *                       "instances": [{"id", "name", "url", "username",
 *                                      "pinned_certificate" (optional)}]}]}
 *
 * Never a password: passwords live in the keyring (deck-credentials.c).
 */

#define G_LOG_DOMAIN "deck-store"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "deck-paths.h"
#include "deck-store.h"
#include "deck-store-private.h"
#include "hdb-json.h"

#define FILE_NAME "organizations.json"

G_DEFINE_FINAL_TYPE (DeckStore, deck_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (deck-store-error-quark, deck_store_error)

enum {
  PROP_0,
  PROP_PATH,
  PROP_ORGANIZATIONS,
  PROP_READ_ONLY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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

void
_deck_store_insert_organization (DeckStore        *self,
                                 DeckOrganization *organization)
{
  g_list_store_insert_sorted (self->organizations, organization, compare_organizations, NULL);
  g_signal_connect (organization, "notify::name",
                    G_CALLBACK (organization_name_changed_cb), self);
}

gboolean
_deck_store_take_out_organization (DeckStore        *self,
                                   DeckOrganization *organization)
{
  guint position;

  if (!g_list_store_find (self->organizations, organization, &position))
    return FALSE;

  g_signal_handlers_disconnect_by_func (organization, organization_name_changed_cb, self);
  g_list_store_remove (self->organizations, position);
  return TRUE;
}

gboolean
_deck_store_contains_organization (DeckStore        *self,
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

/* Showing what the file holds. The objects stay the same where their ids
 * do: another process that added an instance must not make the sidebar
 * lose its selection, or a page the instance it shows. */

static void
show_instance_entry (DeckInstance *instance,
                     JsonObject   *entry)
{
  g_autofree char *name = g_strstrip (g_strdup (hdb_json_get_string (entry, "name")));
  g_autofree char *url = g_strstrip (g_strdup (hdb_json_get_string (entry, "url")));

  g_object_freeze_notify (G_OBJECT (instance));
  deck_instance_set_name (instance, name);
  deck_instance_set_url (instance, url);
  deck_instance_set_username (instance, hdb_json_get_string (entry, "username"));
  deck_instance_set_pinned_certificate (instance,
                                        hdb_json_get_string (entry, "pinned_certificate"));
  g_object_thaw_notify (G_OBJECT (instance));
}

/* Brings @organization's instances to those of @entries. */
static void
show_instances (DeckOrganization *organization,
                JsonArray        *entries)
{
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) present = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                          g_object_unref);
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *instances = deck_organization_get_instances (organization);

  /* By id, once: a file of a thousand instances is shown in moments. */
  for (guint i = 0; i < g_list_model_get_n_items (instances); i++)
    {
      DeckInstance *instance = g_list_model_get_item (instances, i);

      g_hash_table_insert (present, (gpointer) deck_instance_get_id (instance), instance);
    }

  for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_node_get_object (json_array_get_element (entries, i));
      const char *id = hdb_json_get_string (entry, "id");
      DeckInstance *instance = g_hash_table_lookup (present, id);

      g_hash_table_add (wanted, (gpointer) id);
      if (instance == NULL)
        {
          g_autoptr(DeckInstance) added = deck_instance_new (id,
                                                             deck_organization_get_id (organization),
                                                             "", "", "");

          show_instance_entry (added, entry);
          deck_organization_insert_instance (organization, added);
        }
      else
        {
          show_instance_entry (instance, entry);
        }
    }

  for (guint i = 0; i < g_list_model_get_n_items (instances); i++)
    {
      g_autoptr(DeckInstance) instance = g_list_model_get_item (instances, i);

      if (!g_hash_table_contains (wanted, deck_instance_get_id (instance)))
        g_ptr_array_add (gone, g_object_ref (instance));
    }
  for (guint i = 0; i < gone->len; i++)
    deck_organization_remove_instance (organization, gone->pdata[i]);
}

/**
 * _deck_store_show_content:
 * @self: a store
 * @root: (nullable): validated content (deck-store-file.c), or %NULL for
 *   none
 *
 * Brings the models to @root: organizations and instances that are there
 * already are updated in place, the others added or removed. A first load
 * into empty models is one items-changed.
 */
void
_deck_store_show_content (DeckStore *self,
                          JsonNode  *root)
{
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *model = G_LIST_MODEL (self->organizations);
  JsonArray *array = NULL;

  if (root != NULL)
    array = hdb_json_get_array (json_node_get_object (root), "organizations");

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_node_get_object (json_array_get_element (array, i));
      const char *id = hdb_json_get_string (object, "id");
      g_autofree char *name = g_strstrip (g_strdup (hdb_json_get_string (object, "name")));
      DeckOrganization *organization = _deck_store_lookup_organization_by_id (self, id);

      g_hash_table_add (wanted, (gpointer) id);
      if (organization == NULL)
        {
          organization = deck_organization_new (id, name);
          g_ptr_array_add (added, organization);
        }
      else
        {
          deck_organization_set_name (organization, name);
        }
      deck_organization_set_cluster_user (organization,
                                          hdb_json_get_string (object, "cluster_user"));
      show_instances (organization, hdb_json_get_array (object, "instances"));
    }

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(DeckOrganization) organization = g_list_model_get_item (model, i);

      if (!g_hash_table_contains (wanted, deck_organization_get_id (organization)))
        g_ptr_array_add (gone, g_object_ref (organization));
    }
  for (guint i = 0; i < gone->len; i++)
    _deck_store_take_out_organization (self, gone->pdata[i]);

  if (g_list_model_get_n_items (model) == 0 && added->len > 0)
    {
      /* One items-changed for the whole list, not one per organization. */
      g_ptr_array_sort (added, compare_organization_ptrs);
      g_list_store_splice (self->organizations, 0, 0, added->pdata, added->len);
      for (guint i = 0; i < added->len; i++)
        g_signal_connect (added->pdata[i], "notify::name",
                          G_CALLBACK (organization_name_changed_cb), self);
    }
  else
    {
      for (guint i = 0; i < added->len; i++)
        _deck_store_insert_organization (self, added->pdata[i]);
    }
}

/* GObject */

static void
deck_store_dispose (GObject *object)
{
  DeckStore *self = DECK_STORE (object);

  if (self->file != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->file, self);
      deck_json_file_set_watched (self->file, FALSE);
    }
  g_clear_object (&self->file);
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
    {
      g_autofree char *directory = deck_paths_config_dir ();

      self->path = g_build_filename (directory, FILE_NAME, NULL);
    }
  self->file = deck_json_file_new (self->path, DECK_STORE_FORMAT_VERSION,
                                   DECK_STORE_MAX_FILE_SIZE);
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
    case PROP_READ_ONLY:
      g_value_set_boolean (value, self->read_only);
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
  /**
   * DeckStore:read-only:
   *
   * Whether the file was written by a newer Clusterdeck: the models show
   * what this version could read of it, and every change is refused with
   * %DECK_STORE_ERROR_READ_ONLY.
   */
  properties[PROP_READ_ONLY] =
    g_param_spec_boolean ("read-only", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

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
 * deck_store_get_read_only:
 * @self: a store
 *
 * Returns: whether the file is of a newer format, which this version reads
 *   as well as it can and never writes
 */
gboolean
deck_store_get_read_only (DeckStore *self)
{
  g_return_val_if_fail (DECK_IS_STORE (self), FALSE);
  return self->read_only;
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

/* Lookups */

/* The organization whose name equals @name case-insensitively, other than
 * @except. Names are unique in that sense, so there is at most one. */
DeckOrganization *
_deck_store_lookup_organization_by_key (DeckStore        *self,
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

DeckOrganization *
_deck_store_lookup_organization_by_id (DeckStore  *self,
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

  found = _deck_store_lookup_organization_by_id (self, id_or_name);
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

  return _deck_store_lookup_organization_by_key (self, id_or_name, NULL);
}

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
        _deck_store_lookup_organization_by_id (self,
                                               deck_instance_get_organization_id (found->pdata[i]));

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

