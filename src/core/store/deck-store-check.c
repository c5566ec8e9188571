/* deck-store-check.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What DeckStore accepts: a valid organization or instance name, URL,
 * login and pinned certificate, for the edits (deck-store-edit.c), and the
 * same rules for every entry of the file (deck-store-file.c), with the
 * reason a person reads when one is not. Nothing here touches a store: the
 * loader runs these checks in a worker thread.
 */

#define G_LOG_DOMAIN "deck-store"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "deck-store.h"
#include "deck-store-private.h"
#include "hdb-client.h"
#include "hdb-json.h"

/* Names, URLs, logins and pins, for the edits and the file's entries */

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

gboolean
_deck_store_check_organization_name (const char  *name,
                                     char       **clean_out,
                                     GError     **error)
{
  return check_name (name, _("An organization needs a name."), clean_out, error);
}

gboolean
_deck_store_check_instance_name (const char  *name,
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

gboolean
_deck_store_check_url (const char  *url,
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

gboolean
_deck_store_check_username (const char  *username,
                            GError     **error)
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
gboolean
_deck_store_check_pin (const char  *pinned,
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

/* The file's entries */

/* A string member that must be there and not be empty. */
static const char *
required_string (JsonObject *object,
                 const char *member)
{
  const char *value = hdb_json_get_string (object, member);

  return value != NULL && *value != '\0' ? value : NULL;
}

/* An optional string member: missing or null is fine, another type is
 * not (json-glib would warn, and the value would be lost at the next
 * save). */
static gboolean
optional_string_ok (JsonObject *object,
                    const char *member)
{
  return hdb_json_get_member (object, member) == NULL ||
         hdb_json_get_string (object, member) != NULL;
}

static gboolean
check_instance_entry (JsonNode    *node,
                      const char  *organization_name,
                      guint        index_,
                      GHashTable  *instance_ids,
                      GHashTable  *instance_names,
                      char       **reason)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *clean_name = NULL;
  g_autofree char *key = NULL;
  const char *id, *name, *url, *username, *pin;
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      *reason = g_strdup_printf (_("in the organization “%s”, instance %u is not an object"),
                                 organization_name, index_ + 1);
      return FALSE;
    }
  object = json_node_get_object (node);

  id = required_string (object, "id");
  name = required_string (object, "name");
  url = required_string (object, "url");
  username = required_string (object, "username");
  if (id == NULL || name == NULL || url == NULL || username == NULL)
    {
      *reason = g_strdup_printf (_("in the organization “%s”, instance %u lacks an id, "
                                   "a name, a URL or a user name"),
                                 organization_name, index_ + 1);
      return FALSE;
    }

  if (!_deck_store_check_instance_name (name, &clean_name, &error) ||
      !_deck_store_check_url (url, NULL, &error) ||
      !_deck_store_check_username (username, &error))
    {
      *reason = g_strdup_printf (_("in the organization “%s”, instance %u: %s"),
                                 organization_name, index_ + 1, error->message);
      return FALSE;
    }

  pin = hdb_json_get_string (object, "pinned_certificate");
  if (!optional_string_ok (object, "pinned_certificate") ||
      (pin != NULL && !_deck_store_check_pin (pin, NULL, &error)))
    {
      *reason = g_strdup_printf (_("the instance “%s” has an invalid pinned certificate"),
                                 name);
      return FALSE;
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

  id = required_string (object, "id");
  name = required_string (object, "name");
  instances = hdb_json_get_array (object, "instances");
  if (id == NULL || name == NULL || instances == NULL)
    {
      *reason = g_strdup_printf (_("organization %u lacks an id, a name or a list of instances"),
                                 index_ + 1);
      return FALSE;
    }

  if (!_deck_store_check_organization_name (name, &clean_name, &error))
    {
      *reason = g_strdup_printf (_("organization %u: %s"), index_ + 1, error->message);
      return FALSE;
    }

  if (!optional_string_ok (object, "cluster_user"))
    {
      *reason = g_strdup_printf (_("the cluster user of the organization “%s” is not a text"),
                                 name);
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

/* Whether @root (an object, its version checked by DeckJsonFile) is
 * content the models can show. Every entry must be valid: dropping the
 * ones that are not would lose them at the next save, so one bad entry
 * sets the whole file aside. */
gboolean
_deck_store_check_content (JsonNode  *root,
                           char     **reason)
{
  g_autoptr(GHashTable) organization_ids = NULL;
  g_autoptr(GHashTable) organization_names = NULL;
  g_autoptr(GHashTable) instance_ids = NULL;
  JsonArray *organizations;

  organizations = hdb_json_get_array (json_node_get_object (root), "organizations");
  if (organizations == NULL)
    {
      *reason = g_strdup (_("it has no list of organizations"));
      return FALSE;
    }

  organization_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  organization_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  instance_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < json_array_get_length (organizations); i++)
    {
      if (!check_organization_entry (json_array_get_element (organizations, i), i,
                                     organization_ids, organization_names, instance_ids,
                                     reason))
        return FALSE;
    }
  return TRUE;
}
