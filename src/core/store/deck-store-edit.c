/* deck-store-edit.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DeckStore's edits: the mutators. Each mutator is one locked load, edit and save
 * (deck-store-file.c): the file is read again first when another process
 * changed it, so that an instance added by clusterdeck-cli while the window
 * is open is in the file the window writes. The edit is then validated
 * against what the file holds, made to the models, and saved; when saving
 * fails the models are put back, so what the user sees is what the file
 * holds.
 */

#define G_LOG_DOMAIN "deck-store"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "deck-store.h"
#include "deck-store-private.h"
#include "hdb-json.h"

/* Organizations */

static gboolean
check_organization_in_store (DeckStore         *self,
                             DeckOrganization  *organization,
                             GError           **error)
{
  if (!_deck_store_contains_organization (self, organization))
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
 *   store, or %NULL with %DECK_STORE_ERROR_INVALID, %DECK_STORE_ERROR_EXISTS,
 *   %DECK_STORE_ERROR_READ_ONLY or %DECK_STORE_ERROR_IO
 */
DeckOrganization *
deck_store_add_organization (DeckStore   *self,
                             const char  *name,
                             GError     **error)
{
  g_autofree char *clean = NULL;
  g_autofree char *id = NULL;
  g_autoptr(DeckOrganization) organization = NULL;
  DeckOrganization *added = NULL;

  g_return_val_if_fail (DECK_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_deck_store_begin_edit (self, error))
    return NULL;

  if (!_deck_store_check_organization_name (name, &clean, error))
    goto out;

  if (_deck_store_lookup_organization_by_key (self, clean, NULL) != NULL)
    {
      g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_EXISTS,
                   _("An organization named “%s” already exists."), clean);
      goto out;
    }

  id = g_uuid_string_random ();
  organization = deck_organization_new (id, clean);
  _deck_store_insert_organization (self, organization);

  if (!_deck_store_commit_edit (self, error))
    {
      _deck_store_take_out_organization (self, organization);
      goto out;
    }

  /* The model holds a reference from now on. */
  added = organization;

out:
  _deck_store_end_edit (self);
  return added;
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
  gboolean done = FALSE;

  g_return_val_if_fail (DECK_IS_STORE (self), FALSE);
  g_return_val_if_fail (DECK_IS_ORGANIZATION (organization), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_deck_store_begin_edit (self, error))
    return FALSE;

  if (!check_organization_in_store (self, organization, error) ||
      !_deck_store_check_organization_name (name, &clean, error))
    goto out;

  if (g_strcmp0 (clean, deck_organization_get_name (organization)) == 0)
    {
      done = TRUE;
      goto out;
    }

  /* "acme" may become "Acme": only another organization's name clashes. */
  if (_deck_store_lookup_organization_by_key (self, clean, organization) != NULL)
    {
      g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_EXISTS,
                   _("An organization named “%s” already exists."), clean);
      goto out;
    }

  old_name = g_strdup (deck_organization_get_name (organization));
  deck_organization_set_name (organization, clean);

  done = _deck_store_commit_edit (self, error);
  if (!done)
    deck_organization_set_name (organization, old_name);

out:
  _deck_store_end_edit (self);
  return done;
}

/**
 * deck_store_set_cluster_user:
 * @self: a store
 * @organization: one of its organizations
 * @cluster_user: (nullable): the name of the cluster user its instances share
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
  gboolean done = FALSE;

  g_return_val_if_fail (DECK_IS_STORE (self), FALSE);
  g_return_val_if_fail (DECK_IS_ORGANIZATION (organization), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (cluster_user != NULL && !g_utf8_validate (cluster_user, -1, NULL))
    {
      g_set_error_literal (error, DECK_STORE_ERROR, DECK_STORE_ERROR_INVALID,
                           _("The cluster user’s name is not valid text."));
      return FALSE;
    }

  if (!_deck_store_begin_edit (self, error))
    return FALSE;

  if (!check_organization_in_store (self, organization, error))
    goto out;

  if (g_strcmp0 (cluster_user, deck_organization_get_cluster_user (organization)) == 0)
    {
      done = TRUE;
      goto out;
    }

  old = g_strdup (deck_organization_get_cluster_user (organization));
  deck_organization_set_cluster_user (organization, cluster_user);
  done = _deck_store_commit_edit (self, error);
  if (!done)
    deck_organization_set_cluster_user (organization, old);

out:
  _deck_store_end_edit (self);
  return done;
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
  gboolean done = FALSE;

  g_return_val_if_fail (DECK_IS_STORE (self), FALSE);
  g_return_val_if_fail (DECK_IS_ORGANIZATION (organization), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_deck_store_begin_edit (self, error))
    return FALSE;

  if (!check_organization_in_store (self, organization, error))
    goto out;

  keep = g_object_ref (organization);
  _deck_store_take_out_organization (self, organization);

  done = _deck_store_commit_edit (self, error);
  if (!done)
    _deck_store_insert_organization (self, organization);

out:
  _deck_store_end_edit (self);
  return done;
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
  gboolean done = FALSE;
  const char *name;

  g_return_val_if_fail (DECK_IS_STORE (self), FALSE);
  g_return_val_if_fail (DECK_IS_ORGANIZATION (organization), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_deck_store_begin_edit (self, error))
    return FALSE;

  name = deck_organization_get_name (organization);
  if (_deck_store_contains_organization (self, organization) ||
      _deck_store_lookup_organization_by_id (self, deck_organization_get_id (organization)) != NULL)
    {
      g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_EXISTS,
                   _("The organization “%s” is already in the list."), name);
      goto out;
    }
  if (_deck_store_lookup_organization_by_key (self, name, NULL) != NULL)
    {
      g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_EXISTS,
                   _("The organization “%s” cannot be restored: another organization has "
                     "that name now. Rename it first."),
                   name);
      goto out;
    }

  _deck_store_insert_organization (self, organization);

  done = _deck_store_commit_edit (self, error);
  if (!done)
    _deck_store_take_out_organization (self, organization);

out:
  _deck_store_end_edit (self);
  return done;
}

/* Instances */

/* The organization @instance belongs to, when both are in the store. */
static DeckOrganization *
organization_of (DeckStore     *self,
                 DeckInstance  *instance,
                 GError       **error)
{
  DeckOrganization *organization;

  organization = _deck_store_lookup_organization_by_id (self,
                                                        deck_instance_get_organization_id (instance));
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

/* The instance's entry in the validated content the models hold. */
static JsonObject *
saved_instance_entry (DeckStore  *self,
                      const char *id)
{
  JsonArray *organizations;

  if (self->saved == NULL)
    return NULL;

  organizations = hdb_json_get_array (json_node_get_object (self->saved), "organizations");
  for (guint i = 0; organizations != NULL && i < json_array_get_length (organizations); i++)
    {
      JsonObject *organization = json_node_get_object (json_array_get_element (organizations, i));
      JsonArray *instances = hdb_json_get_array (organization, "instances");

      for (guint j = 0; instances != NULL && j < json_array_get_length (instances); j++)
        {
          JsonObject *entry = json_node_get_object (json_array_get_element (instances, j));

          if (g_strcmp0 (hdb_json_get_string (entry, "id"), id) == 0)
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

  if (entry == NULL)
    return;

  g_object_freeze_notify (G_OBJECT (instance));
  deck_instance_set_name (instance, hdb_json_get_string (entry, "name"));
  deck_instance_set_url (instance, hdb_json_get_string (entry, "url"));
  deck_instance_set_username (instance, hdb_json_get_string (entry, "username"));
  deck_instance_set_pinned_certificate (instance,
                                        hdb_json_get_string (entry, "pinned_certificate"));
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
 *   %DECK_STORE_ERROR_EXISTS, %DECK_STORE_ERROR_NOT_FOUND,
 *   %DECK_STORE_ERROR_READ_ONLY or %DECK_STORE_ERROR_IO
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
  DeckInstance *added = NULL;

  g_return_val_if_fail (DECK_IS_STORE (self), NULL);
  g_return_val_if_fail (DECK_IS_ORGANIZATION (organization), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_deck_store_begin_edit (self, error))
    return NULL;

  if (!check_organization_in_store (self, organization, error) ||
      !_deck_store_check_instance_name (name, &clean_name, error) ||
      !_deck_store_check_url (url, &clean_url, error) ||
      !_deck_store_check_username (username, error) ||
      !_deck_store_check_pin (pinned_sha256, &pin, error))
    goto out;

  if (lookup_name_clash (organization, clean_name, NULL) != NULL)
    {
      g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_EXISTS,
                   _("The organization “%s” already has an instance named “%s”."),
                   deck_organization_get_name (organization), clean_name);
      goto out;
    }

  id = g_uuid_string_random ();
  instance = deck_instance_new (id, deck_organization_get_id (organization),
                                clean_name, clean_url, username);
  deck_instance_set_pinned_certificate (instance, pin);
  deck_organization_insert_instance (organization, instance);

  if (!_deck_store_commit_edit (self, error))
    {
      deck_organization_remove_instance (organization, instance);
      goto out;
    }

  /* The organization holds a reference from now on. */
  added = instance;

out:
  _deck_store_end_edit (self);
  return added;
}

typedef struct
{
  char *name;
  char *url;
  char *username;
  char *pin;
} InstanceFields;

static void
instance_fields_clear (InstanceFields *fields)
{
  g_clear_pointer (&fields->name, g_free);
  g_clear_pointer (&fields->url, g_free);
  g_clear_pointer (&fields->username, g_free);
  g_clear_pointer (&fields->pin, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (InstanceFields, instance_fields_clear)

/**
 * deck_store_update_instance:
 * @self: a store
 * @instance: one of its instances, whose name, URL, login or pinned
 *   certificate the caller changed
 * @error: return location for an error
 *
 * Validates the instance's stored fields and saves. The file is read again
 * first when another process changed it; the caller's changes are then
 * made to what it holds. On failure the instance's stored fields are put
 * back as the file has them, so the models never show what was not saved.
 *
 * Returns: %TRUE when saved
 */
gboolean
deck_store_update_instance (DeckStore     *self,
                            DeckInstance  *instance,
                            GError       **error)
{
  g_auto(InstanceFields) wanted = { 0 };
  g_autofree char *clean_name = NULL;
  g_autofree char *clean_url = NULL;
  DeckOrganization *organization;
  gboolean done = FALSE;

  g_return_val_if_fail (DECK_IS_STORE (self), FALSE);
  g_return_val_if_fail (DECK_IS_INSTANCE (instance), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Reading the file again may put the stored fields back: the edit is
   * what the caller set. */
  wanted.name = g_strdup (deck_instance_get_name (instance));
  wanted.url = g_strdup (deck_instance_get_url (instance));
  wanted.username = g_strdup (deck_instance_get_username (instance));
  wanted.pin = g_strdup (deck_instance_get_pinned_certificate (instance));

  if (!_deck_store_begin_edit (self, error))
    {
      revert_instance (self, instance);
      return FALSE;
    }

  organization = organization_of (self, instance, error);
  if (organization == NULL)
    goto out;

  if (!_deck_store_check_instance_name (wanted.name, &clean_name, error) ||
      !_deck_store_check_url (wanted.url, &clean_url, error) ||
      !_deck_store_check_username (wanted.username, error))
    goto failed;

  if (lookup_name_clash (organization, clean_name, instance) != NULL)
    {
      g_set_error (error, DECK_STORE_ERROR, DECK_STORE_ERROR_EXISTS,
                   _("The organization “%s” already has an instance named “%s”."),
                   deck_organization_get_name (organization), clean_name);
      goto failed;
    }

  g_object_freeze_notify (G_OBJECT (instance));
  deck_instance_set_name (instance, clean_name);
  deck_instance_set_url (instance, clean_url);
  deck_instance_set_username (instance, wanted.username);
  deck_instance_set_pinned_certificate (instance, wanted.pin);
  g_object_thaw_notify (G_OBJECT (instance));

  done = _deck_store_commit_edit (self, error);

failed:
  if (!done)
    revert_instance (self, instance);
out:
  _deck_store_end_edit (self);
  return done;
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
  gboolean done = FALSE;

  g_return_val_if_fail (DECK_IS_STORE (self), FALSE);
  g_return_val_if_fail (DECK_IS_INSTANCE (instance), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_deck_store_begin_edit (self, error))
    return FALSE;

  organization = organization_of (self, instance, error);
  if (organization == NULL)
    goto out;

  keep = g_object_ref (instance);
  deck_organization_remove_instance (organization, instance);

  done = _deck_store_commit_edit (self, error);
  if (!done)
    deck_organization_insert_instance (organization, instance);

out:
  _deck_store_end_edit (self);
  return done;
}
