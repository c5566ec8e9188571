/* deck-organization.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A local grouping of instances, as the organizations sidebar shows it. The
 * instances are a GListModel kept sorted by name, so that the sidebar binds
 * to it directly; only the store adds or removes instances
 * (deck-store-private.h).
 */

#define G_LOG_DOMAIN "deck-organization"

#include <string.h>

#include "deck-organization.h"
#include "deck-store-private.h"

struct _DeckOrganization
{
  GObject     parent_instance;

  char       *id;
  char       *name;
  char       *cluster_user;
  GListStore *instances;   /* DeckInstance, sorted by name */
};

G_DEFINE_FINAL_TYPE (DeckOrganization, deck_organization, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_CLUSTER_USER,
  PROP_INSTANCES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * deck_name_key:
 * @name: a name
 *
 * Returns: (transfer full): a key under which names that differ only in
 *   case (or in the Unicode form of their accents) are equal
 */
char *
deck_name_key (const char *name)
{
  g_autofree char *normal = NULL;

  if (name == NULL)
    return g_strdup ("");

  /* g_utf8_normalize() refuses invalid UTF-8; the store never lets such a
   * name in, but a key must still exist for it. */
  normal = g_utf8_normalize (name, -1, G_NORMALIZE_DEFAULT_COMPOSE);
  return g_utf8_casefold (normal != NULL ? normal : name, -1);
}

/**
 * deck_name_compare:
 * @a: a name
 * @b: another name
 *
 * Returns: the order of @a and @b in the sidebars
 */
int
deck_name_compare (const char *a,
                   const char *b)
{
  g_autofree char *key_a = deck_name_key (a);
  g_autofree char *key_b = deck_name_key (b);
  int result = g_utf8_collate (key_a, key_b);

  if (result == 0)
    result = strcmp (key_a, key_b);
  if (result == 0)
    result = g_strcmp0 (a, b);
  return result;
}

static int
compare_instances (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  DeckInstance *instance_a = (DeckInstance *) a;
  DeckInstance *instance_b = (DeckInstance *) b;
  int result;

  result = deck_name_compare (deck_instance_get_name (instance_a),
                              deck_instance_get_name (instance_b));
  if (result == 0)
    result = g_strcmp0 (deck_instance_get_id (instance_a), deck_instance_get_id (instance_b));
  return result;
}

/* A renamed instance moves to its new place in the list, so that the
 * sidebar stays sorted without a sort model of its own. */
static void
instance_name_changed_cb (DeckInstance     *instance,
                          GParamSpec       *pspec,
                          DeckOrganization *self)
{
  GListModel *model = G_LIST_MODEL (self->instances);
  guint n_items = g_list_model_get_n_items (model);
  guint position;
  gboolean in_order = TRUE;

  if (!g_list_store_find (self->instances, instance, &position))
    return;

  if (position > 0)
    {
      g_autoptr(DeckInstance) before = g_list_model_get_item (model, position - 1);

      in_order = compare_instances (before, instance, NULL) < 0;
    }
  if (in_order && position + 1 < n_items)
    {
      g_autoptr(DeckInstance) after = g_list_model_get_item (model, position + 1);

      in_order = compare_instances (instance, after, NULL) < 0;
    }
  if (in_order)
    return;

  g_object_ref (instance);
  g_list_store_remove (self->instances, position);
  g_list_store_insert_sorted (self->instances, instance, compare_instances, NULL);
  g_object_unref (instance);
}

static void
deck_organization_dispose (GObject *object)
{
  DeckOrganization *self = DECK_ORGANIZATION (object);

  /* Instances may outlive their organization (a page may still hold one):
   * they must not call back into a finalized organization. */
  if (self->instances != NULL)
    {
      guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->instances));

      for (guint i = 0; i < n_items; i++)
        {
          g_autoptr(DeckInstance) instance =
            g_list_model_get_item (G_LIST_MODEL (self->instances), i);

          g_signal_handlers_disconnect_by_func (instance, instance_name_changed_cb, self);
        }
    }
  g_clear_object (&self->instances);

  G_OBJECT_CLASS (deck_organization_parent_class)->dispose (object);
}

static void
deck_organization_finalize (GObject *object)
{
  DeckOrganization *self = DECK_ORGANIZATION (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->cluster_user);

  G_OBJECT_CLASS (deck_organization_parent_class)->finalize (object);
}

static void
deck_organization_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  DeckOrganization *self = DECK_ORGANIZATION (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_CLUSTER_USER:
      g_value_set_string (value, self->cluster_user);
      break;
    case PROP_INSTANCES:
      g_value_set_object (value, self->instances);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_organization_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  DeckOrganization *self = DECK_ORGANIZATION (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;
    case PROP_NAME:
      deck_organization_set_name (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_organization_class_init (DeckOrganizationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = deck_organization_dispose;
  object_class->finalize = deck_organization_finalize;
  object_class->get_property = deck_organization_get_property;
  object_class->set_property = deck_organization_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * DeckOrganization:instances:
   *
   * The organization's #DeckInstance objects, sorted by name.
   */
  properties[PROP_CLUSTER_USER] =
    g_param_spec_string ("cluster-user", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_INSTANCES] =
    g_param_spec_object ("instances", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
deck_organization_init (DeckOrganization *self)
{
  self->instances = g_list_store_new (DECK_TYPE_INSTANCE);
}

/**
 * deck_organization_new:
 * @id: a unique id (the key of its cluster user's password in the keyring)
 * @name: the name shown to the user
 *
 * Creates an organization that is not part of any store yet; the store
 * creates organizations with deck_store_add_organization().
 *
 * Returns: (transfer full): a new organization without instances
 */
DeckOrganization *
deck_organization_new (const char *id,
                       const char *name)
{
  g_return_val_if_fail (id != NULL, NULL);

  return g_object_new (DECK_TYPE_ORGANIZATION,
                       "id", id,
                       "name", name,
                       NULL);
}

const char *
deck_organization_get_id (DeckOrganization *self)
{
  g_return_val_if_fail (DECK_IS_ORGANIZATION (self), NULL);
  return self->id;
}

const char *
deck_organization_get_name (DeckOrganization *self)
{
  g_return_val_if_fail (DECK_IS_ORGANIZATION (self), NULL);
  return self->name;
}

/**
 * deck_organization_set_name:
 * @self: an organization
 * @name: the new name
 *
 * Changes the name in memory only; deck_store_rename_organization()
 * validates, saves and calls this.
 */
void
deck_organization_set_name (DeckOrganization *self,
                            const char       *name)
{
  g_return_if_fail (DECK_IS_ORGANIZATION (self));

  if (g_strcmp0 (self->name, name) == 0)
    return;
  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

/**
 * deck_organization_get_cluster_user:
 * @self: an organization
 *
 * Returns: (nullable): the name of the cluster user shared by the
 *   organization's instances, once clustering was enabled on one of them
 */
const char *
deck_organization_get_cluster_user (DeckOrganization *self)
{
  g_return_val_if_fail (DECK_IS_ORGANIZATION (self), NULL);
  return self->cluster_user;
}

/**
 * deck_organization_set_cluster_user:
 * @self: an organization
 * @cluster_user: (nullable): the cluster user's name
 *
 * In memory only; deck_store_set_cluster_user() saves and calls this.
 */
void
deck_organization_set_cluster_user (DeckOrganization *self,
                                    const char       *cluster_user)
{
  g_return_if_fail (DECK_IS_ORGANIZATION (self));

  if (g_strcmp0 (self->cluster_user, cluster_user) == 0)
    return;
  g_free (self->cluster_user);
  self->cluster_user = g_strdup (cluster_user);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLUSTER_USER]);
}

/**
 * deck_organization_get_instances:
 * @self: an organization
 *
 * Returns: (transfer none): a #GListModel of #DeckInstance, sorted by name
 *   case-insensitively; it follows renames
 */
GListModel *
deck_organization_get_instances (DeckOrganization *self)
{
  g_return_val_if_fail (DECK_IS_ORGANIZATION (self), NULL);
  return G_LIST_MODEL (self->instances);
}

/**
 * deck_organization_insert_instance: (skip)
 * @self: an organization
 * @instance: an instance of this organization, not in the list yet
 *
 * Adds @instance at its place in the sorted list. For the store only.
 */
void
deck_organization_insert_instance (DeckOrganization *self,
                                   DeckInstance     *instance)
{
  g_return_if_fail (DECK_IS_ORGANIZATION (self));
  g_return_if_fail (DECK_IS_INSTANCE (instance));
  g_return_if_fail (g_strcmp0 (deck_instance_get_organization_id (instance), self->id) == 0);
  g_return_if_fail (!g_list_store_find (self->instances, instance, NULL));

  g_list_store_insert_sorted (self->instances, instance, compare_instances, NULL);
  g_signal_connect (instance, "notify::name", G_CALLBACK (instance_name_changed_cb), self);
}

/**
 * deck_organization_remove_instance: (skip)
 * @self: an organization
 * @instance: one of its instances
 *
 * Takes @instance out of the list. For the store only.
 *
 * Returns: %TRUE when @instance was in the list
 */
gboolean
deck_organization_remove_instance (DeckOrganization *self,
                                   DeckInstance     *instance)
{
  guint position;

  g_return_val_if_fail (DECK_IS_ORGANIZATION (self), FALSE);
  g_return_val_if_fail (DECK_IS_INSTANCE (instance), FALSE);

  if (!g_list_store_find (self->instances, instance, &position))
    return FALSE;

  g_signal_handlers_disconnect_by_func (instance, instance_name_changed_cb, self);
  g_list_store_remove (self->instances, position);
  return TRUE;
}

/**
 * deck_organization_contains_instance: (skip)
 * @self: an organization
 * @instance: an instance
 *
 * Returns: %TRUE when @instance is in the list
 */
gboolean
deck_organization_contains_instance (DeckOrganization *self,
                                     DeckInstance     *instance)
{
  g_return_val_if_fail (DECK_IS_ORGANIZATION (self), FALSE);

  return g_list_store_find (self->instances, instance, NULL);
}

/**
 * deck_organization_lookup_instance: (skip)
 * @self: an organization
 * @name: an instance name
 * @ignore_case: whether "DB1" finds "db1"
 *
 * Returns: (transfer none) (nullable): the instance called @name
 */
DeckInstance *
deck_organization_lookup_instance (DeckOrganization *self,
                                   const char       *name,
                                   gboolean          ignore_case)
{
  GListModel *model;
  g_autofree char *key = NULL;
  guint n_items;

  g_return_val_if_fail (DECK_IS_ORGANIZATION (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  model = G_LIST_MODEL (self->instances);
  n_items = g_list_model_get_n_items (model);
  if (ignore_case)
    key = deck_name_key (name);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(DeckInstance) instance = g_list_model_get_item (model, i);
      const char *instance_name = deck_instance_get_name (instance);
      gboolean match;

      if (ignore_case)
        {
          g_autofree char *instance_key = deck_name_key (instance_name);

          match = strcmp (key, instance_key) == 0;
        }
      else
        {
          match = g_strcmp0 (name, instance_name) == 0;
        }

      /* The list holds a reference as long as the instance is in it. */
      if (match)
        return instance;
    }
  return NULL;
}
