/* store-test-util.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the tests of DeckStore share (test-store.c, test-store-file.c).
 */

#pragma once

#include "deck-store.h"
#include "deck-store-private.h"
#include "file-test-util.h"

G_BEGIN_DECLS

#define FILE_BASENAME "organizations.json"
#define PIN_COLONS "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:" \
                   "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"
#define PIN_NORMAL "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"

static inline char *
default_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "clusterdeck", "organizations.json", NULL);
}

static inline DeckStore *
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

static inline guint
n_items (GListModel *model)
{
  return g_list_model_get_n_items (model);
}

static inline DeckOrganization *
organization_at (DeckStore *store,
                 guint      position)
{
  g_autoptr(DeckOrganization) organization =
    g_list_model_get_item (deck_store_get_organizations (store), position);

  return organization;  /* the model keeps a reference */
}

static inline DeckInstance *
instance_at (DeckOrganization *organization,
             guint             position)
{
  g_autoptr(DeckInstance) instance =
    g_list_model_get_item (deck_organization_get_instances (organization), position);

  return instance;  /* the model keeps a reference */
}

static inline DeckOrganization *
add_organization (DeckStore  *store,
                  const char *name)
{
  g_autoptr(GError) error = NULL;
  DeckOrganization *organization = deck_store_add_organization (store, name, &error);

  g_assert_no_error (error);
  g_assert_nonnull (organization);
  return organization;
}

static inline DeckInstance *
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

static inline void
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

static inline void
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

G_END_DECLS
