/* deck-cluster-file.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cluster as a file (docs/cluster-file.md): an organization's
 * instances, their connections and per-table directions, written by
 * `clusterdeck-cli export` and read by `plan -f` and `apply -f`.
 *
 * A file comes from anywhere, so it is read as hostile input: through
 * deck_json_file_parse_data() (hdb_json_parse(): size, depth, UTF-8, then
 * a format version), every member with its type checked, every list and
 * name bounded, duplicates refused. A member of the wrong type rejects the
 * file rather than reading as "absent": a switch written as "yes" must not
 * silently mean off. Errors name where the problem is.
 */

#define G_LOG_DOMAIN "deck-cluster-file"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "deck-cluster-file.h"
#include "deck-cluster-schema.h"
#include "deck-json-schema.h"
#include "deck-json-file.h"
#include "hdb-json.h"

G_DEFINE_QUARK (deck-cluster-file-error-quark, deck_cluster_file_error)

/* Building ------------------------------------------------------------------ */

static void
link_free (DeckClusterFileLink *link)
{
  g_free (link->peer);
  g_free (link->url);
  g_ptr_array_unref (link->subscriptions);
  g_free (link);
}

static void
instance_free (DeckClusterFileInstance *instance)
{
  g_free (instance->name);
  g_free (instance->url);
  g_free (instance->username);
  g_free (instance->node_name);
  g_ptr_array_unref (instance->links);
  g_free (instance);
}

/**
 * deck_cluster_file_new:
 * @organization: (nullable): the organization's name
 *
 * Returns: (transfer full): an empty cluster file
 */
DeckClusterFile *
deck_cluster_file_new (const char *organization)
{
  DeckClusterFile *file = g_new0 (DeckClusterFile, 1);

  file->organization = g_strdup (organization);
  file->instances = g_ptr_array_new_with_free_func ((GDestroyNotify) instance_free);
  return file;
}

void
deck_cluster_file_free (DeckClusterFile *file)
{
  if (file == NULL)
    return;
  g_free (file->organization);
  g_ptr_array_unref (file->instances);
  g_free (file);
}

/**
 * deck_cluster_file_add_instance:
 *
 * Returns: (transfer none): the instance added, owned by @file
 */
DeckClusterFileInstance *
deck_cluster_file_add_instance (DeckClusterFile *file,
                                const char      *name,
                                const char      *url,
                                const char      *username,
                                const char      *node_name,
                                HdbEngine        engine)
{
  DeckClusterFileInstance *instance = g_new0 (DeckClusterFileInstance, 1);

  instance->name = g_strdup (name);
  instance->url = g_strdup (url);
  instance->username = g_strdup (username);
  instance->node_name = g_strdup (node_name);
  instance->engine = engine;
  instance->links = g_ptr_array_new_with_free_func ((GDestroyNotify) link_free);
  g_ptr_array_add (file->instances, instance);
  return instance;
}

/**
 * deck_cluster_file_add_link:
 *
 * Returns: (transfer none): the link added, owned by @instance; add its
 *   subscriptions (#HdbSubscription) to its @subscriptions
 */
DeckClusterFileLink *
deck_cluster_file_add_link (DeckClusterFileInstance *instance,
                            const char              *peer,
                            const char              *url,
                            gboolean                 full_replication)
{
  DeckClusterFileLink *link = g_new0 (DeckClusterFileLink, 1);

  link->peer = g_strdup (peer);
  link->url = g_strdup (url);
  link->full_replication = full_replication;
  link->subscriptions = g_ptr_array_new_with_free_func ((GDestroyNotify) hdb_subscription_free);
  g_ptr_array_add (instance->links, link);
  return link;
}

const DeckClusterFileInstance *
deck_cluster_file_find_instance (const DeckClusterFile *file,
                                 const char            *name)
{
  for (guint i = 0; i < file->instances->len; i++)
    {
      const DeckClusterFileInstance *instance = g_ptr_array_index (file->instances, i);

      if (g_strcmp0 (instance->name, name) == 0)
        return instance;
    }
  return NULL;
}

const DeckClusterFileLink *
deck_cluster_file_find_link (const DeckClusterFileInstance *instance,
                             const char                    *peer)
{
  for (guint i = 0; i < instance->links->len; i++)
    {
      const DeckClusterFileLink *link = g_ptr_array_index (instance->links, i);

      if (g_strcmp0 (link->peer, peer) == 0)
        return link;
    }
  return NULL;
}

static int
compare_instances (gconstpointer a,
                   gconstpointer b)
{
  const DeckClusterFileInstance *x = *(DeckClusterFileInstance * const *) a;
  const DeckClusterFileInstance *y = *(DeckClusterFileInstance * const *) b;

  return strcmp (x->name, y->name);
}

static int
compare_links (gconstpointer a,
               gconstpointer b)
{
  const DeckClusterFileLink *x = *(DeckClusterFileLink * const *) a;
  const DeckClusterFileLink *y = *(DeckClusterFileLink * const *) b;

  return strcmp (x->peer, y->peer);
}

static int
compare_subscriptions (gconstpointer a,
                       gconstpointer b)
{
  const HdbSubscription *x = *(HdbSubscription * const *) a;
  const HdbSubscription *y = *(HdbSubscription * const *) b;
  int by_database = strcmp (x->database, y->database);

  return by_database != 0 ? by_database : strcmp (x->table, y->table);
}

/**
 * deck_cluster_file_sort:
 * @file: a cluster file
 *
 * Sorts instances by name, links by peer and subscriptions by database
 * and table: the same cluster gives the same file, so that two exports can
 * be compared with diff(1).
 */
void
deck_cluster_file_sort (DeckClusterFile *file)
{
  g_ptr_array_sort (file->instances, compare_instances);
  for (guint i = 0; i < file->instances->len; i++)
    {
      DeckClusterFileInstance *instance = g_ptr_array_index (file->instances, i);

      g_ptr_array_sort (instance->links, compare_links);
      for (guint j = 0; j < instance->links->len; j++)
        {
          DeckClusterFileLink *link = g_ptr_array_index (instance->links, j);

          g_ptr_array_sort (link->subscriptions, compare_subscriptions);
        }
    }
}

/* Reading ------------------------------------------------------------------- */

static gboolean G_GNUC_PRINTF (2, 3)
invalid (GError    **error,
         const char *format,
         ...)
{
  g_autofree char *problem = NULL;
  va_list args;

  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, DECK_CLUSTER_FILE_ERROR, DECK_CLUSTER_FILE_ERROR_INVALID,
               _("The cluster file is not valid: %s."), problem);
  return FALSE;
}

/* A string member: %TRUE with *@value set (or %NULL when absent and not
 * @required); %FALSE when it is of another type, empty or too long. */
static gboolean
read_string (JsonObject  *object,
             const char  *member,
             gboolean     required,
             const char  *where,
             const char **value,
             GError     **error)
{
  JsonNode *node = hdb_json_get_member (object, member);
  const char *text;

  *value = NULL;
  if (node == NULL)
    {
      if (required)
        return invalid (error, _("%s has no “%s”"), where, member);
      return TRUE;
    }
  text = hdb_json_get_string (object, member);
  if (text == NULL)
    return invalid (error, _("“%s” of %s is not a string"), member, where);
  if (*text == '\0')
    return invalid (error, _("“%s” of %s is empty"), member, where);
  if (strlen (text) > DECK_CLUSTER_FILE_MAX_NAME)
    return invalid (error, _("“%s” of %s is too long"), member, where);
  *value = text;
  return TRUE;
}

static gboolean
read_boolean (JsonObject  *object,
              const char  *member,
              gboolean     required,
              const char  *where,
              gboolean    *value,
              GError     **error)
{
  *value = FALSE;
  if (hdb_json_get_member (object, member) == NULL)
    {
      if (required)
        return invalid (error, _("%s has no “%s”"), where, member);
      return TRUE;
    }
  if (!hdb_json_get_boolean (object, member, value))
    return invalid (error, _("“%s” of %s is not true or false"), member, where);
  return TRUE;
}

/* An array member, absent reads as %NULL; more than @max elements is an
 * error. */
static gboolean
read_array (JsonObject  *object,
            const char  *member,
            gboolean     required,
            guint        max,
            const char  *where,
            JsonArray  **value,
            GError     **error)
{
  *value = NULL;
  if (hdb_json_get_member (object, member) == NULL)
    {
      if (required)
        return invalid (error, _("%s has no “%s”"), where, member);
      return TRUE;
    }
  *value = hdb_json_get_array (object, member);
  if (*value == NULL)
    return invalid (error, _("“%s” of %s is not a list"), member, where);
  if (json_array_get_length (*value) > max)
    return invalid (error, _("“%s” of %s has more than %u entries"), member, where, max);
  return TRUE;
}

static JsonObject *
element_object (JsonArray *array,
                guint      index)
{
  JsonNode *node = json_array_get_element (array, index);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static gboolean
read_engine (const char *text,
             HdbEngine  *engine)
{
  static const HdbEngine engines[] = {
    HDB_ENGINE_NATIVE, HDB_ENGINE_NATS, HDB_ENGINE_NONE, HDB_ENGINE_UNKNOWN
  };

  *engine = HDB_ENGINE_UNKNOWN;
  if (text == NULL)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (engines); i++)
    if (g_str_equal (text, hdb_engine_to_string (engines[i])))
      {
        *engine = engines[i];
        return TRUE;
      }
  return FALSE;
}

static gboolean
read_subscriptions (DeckClusterFileLink *link,
                    JsonArray           *array,
                    const char          *where,
                    GError             **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *object = element_object (array, i);
      g_autofree char *here = g_strdup_printf (_("subscription %u of %s"), i + 1, where);
      const char *database, *table;
      gboolean publish, subscribe;
      char *key;

      if (object == NULL)
        return invalid (error, _("%s is not an object"), here);
      if (!read_string (object, "database", TRUE, here, &database, error) ||
          !read_string (object, "table", TRUE, here, &table, error) ||
          !read_boolean (object, "publish", TRUE, here, &publish, error) ||
          !read_boolean (object, "subscribe", TRUE, here, &subscribe, error))
        return FALSE;
      /* A NUL cannot be in a JSON string hdb_json_parse() accepted, so the
       * two names joined by one are a key no other pair gives. */
      key = g_strconcat (database, "\n", table, NULL);
      if (!g_hash_table_add (seen, key))
        return invalid (error, _("%s.%s is listed twice in %s"), database, table, where);
      g_ptr_array_add (link->subscriptions,
                       hdb_subscription_new (database, table, subscribe, publish));
    }
  return TRUE;
}

static gboolean
read_links (DeckClusterFileInstance *instance,
            JsonArray               *array,
            GError                 **error)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *object = element_object (array, i);
      g_autofree char *here = g_strdup_printf (_("connection %u of “%s”"), i + 1, instance->name);
      const char *peer, *url;
      gboolean full;
      JsonArray *subscriptions;
      DeckClusterFileLink *link;

      if (object == NULL)
        return invalid (error, _("%s is not an object"), here);
      if (!read_string (object, "peer", TRUE, here, &peer, error) ||
          !read_string (object, "url", FALSE, here, &url, error) ||
          !read_boolean (object, "full_replication", FALSE, here, &full, error) ||
          !read_array (object, "subscriptions", FALSE, DECK_CLUSTER_FILE_MAX_SUBSCRIPTIONS, here,
                       &subscriptions, error))
        return FALSE;
      if (deck_cluster_file_find_link (instance, peer) != NULL)
        return invalid (error, _("“%s” has two connections to “%s”"), instance->name, peer);
      if (instance->node_name != NULL && g_str_equal (peer, instance->node_name))
        return invalid (error, _("“%s” is connected to itself"), instance->name);
      if (full && subscriptions != NULL && json_array_get_length (subscriptions) > 0)
        return invalid (error, _("%s is in full replication and also lists subscriptions"),
                        here);
      link = deck_cluster_file_add_link (instance, peer, url, full);
      if (!read_subscriptions (link, subscriptions, here, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * deck_cluster_file_get_schema:
 *
 * The file format's JSON Schema (data/clusterdeck-cluster-1.schema.json,
 * installed in the data directory for other tools), parsed once.
 *
 * Returns: (transfer none): the schema
 */
JsonNode *
deck_cluster_file_get_schema (void)
{
  static gsize parsed;
  static JsonNode *schema;

  if (g_once_init_enter (&parsed))
    {
      schema = json_from_string (deck_cluster_schema_text, NULL);
      g_assert (schema != NULL && JSON_NODE_HOLDS_OBJECT (schema));
      g_once_init_leave (&parsed, 1);
    }
  return schema;
}

/**
 * deck_cluster_file_parse:
 * @data: (array length=length): the file's content
 * @length: its length
 * @error: return location for a #DECK_CLUSTER_FILE_ERROR
 *
 * Reads a cluster file (docs/cluster-file.md). Members this version does
 * not know are ignored; a known member of the wrong type, a missing one,
 * a duplicate or a list longer than its bound rejects the whole file. A
 * file the reader takes is then checked against the format's JSON Schema
 * (deck_cluster_file_get_schema()) too: the reader says what is wrong in
 * the words of its instances and connections, the schema holds it to the
 * rules other tools are given.
 *
 * Returns: (transfer full) (nullable): the file, sorted
 */
DeckClusterFile *
deck_cluster_file_parse (const char  *data,
                         gsize        length,
                         GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(DeckClusterFile) file = NULL;
  JsonObject *object;
  JsonArray *instances;
  const char *format, *organization;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!deck_json_file_parse_data (data, length, DECK_CLUSTER_FILE_VERSION,
                                  DECK_CLUSTER_FILE_MAX_BYTES, &root, NULL, &local_error))
    {
      if (g_error_matches (local_error, DECK_JSON_FILE_ERROR, DECK_JSON_FILE_ERROR_NEWER))
        g_set_error (error, DECK_CLUSTER_FILE_ERROR, DECK_CLUSTER_FILE_ERROR_NEWER,
                     _("The cluster file was written by a newer Clusterdeck (%s)."),
                     local_error->message);
      else
        invalid (error, "%s", local_error->message);
      return NULL;
    }

  object = json_node_get_object (root);
  format = hdb_json_get_string (object, "format");
  if (g_strcmp0 (format, DECK_CLUSTER_FILE_FORMAT) != 0)
    {
      invalid (error, _("its “format” is not “%s”"), DECK_CLUSTER_FILE_FORMAT);
      return NULL;
    }
  if (!read_string (object, "organization", FALSE, _("the file"), &organization, error) ||
      !read_array (object, "instances", TRUE, DECK_CLUSTER_FILE_MAX_INSTANCES, _("the file"),
                   &instances, error))
    return NULL;

  file = deck_cluster_file_new (organization);
  for (guint i = 0; i < json_array_get_length (instances); i++)
    {
      JsonObject *item = element_object (instances, i);
      g_autofree char *here = g_strdup_printf (_("instance %u"), i + 1);
      const char *name, *url, *username, *node_name, *engine_text;
      JsonArray *links;
      HdbEngine engine;
      DeckClusterFileInstance *instance;

      if (item == NULL)
        {
          invalid (error, _("%s is not an object"), here);
          return NULL;
        }
      if (!read_string (item, "name", TRUE, here, &name, error) ||
          !read_string (item, "url", FALSE, here, &url, error) ||
          !read_string (item, "username", FALSE, here, &username, error) ||
          !read_string (item, "node_name", FALSE, here, &node_name, error) ||
          !read_string (item, "engine", FALSE, here, &engine_text, error) ||
          !read_array (item, "connections", FALSE, DECK_CLUSTER_FILE_MAX_LINKS, here, &links,
                       error))
        return NULL;
      if (!read_engine (engine_text, &engine))
        {
          invalid (error, _("the engine of “%s” is not native, nats, none or unknown"), name);
          return NULL;
        }
      if (deck_cluster_file_find_instance (file, name) != NULL)
        {
          invalid (error, _("the instance “%s” is listed twice"), name);
          return NULL;
        }
      instance = deck_cluster_file_add_instance (file, name, url, username, node_name, engine);
      if (!read_links (instance, links, error))
        return NULL;
    }

  if (!deck_json_schema_validate (deck_cluster_file_get_schema (), root, &local_error))
    {
      invalid (error, "%s", local_error->message);
      return NULL;
    }
  deck_cluster_file_sort (file);
  return g_steal_pointer (&file);
}

/* Writing ------------------------------------------------------------------- */

static void
add_string (JsonBuilder *builder,
            const char  *member,
            const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_link (JsonBuilder               *builder,
          const DeckClusterFileLink *link)
{
  json_builder_begin_object (builder);
  add_string (builder, "peer", link->peer);
  if (link->url != NULL)
    add_string (builder, "url", link->url);
  hdb_json_add_boolean_member (builder, "full_replication", link->full_replication);
  json_builder_set_member_name (builder, "subscriptions");
  json_builder_begin_array (builder);
  for (guint k = 0; k < link->subscriptions->len; k++)
    {
      const HdbSubscription *sub = g_ptr_array_index (link->subscriptions, k);

      json_builder_begin_object (builder);
      add_string (builder, "database", sub->database);
      add_string (builder, "table", sub->table);
      hdb_json_add_boolean_member (builder, "publish", sub->publish);
      hdb_json_add_boolean_member (builder, "subscribe", sub->subscribe);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

/**
 * deck_cluster_file_to_data:
 * @file: a cluster file
 * @exported: (nullable): when it was read from the servers
 *
 * Returns: (transfer full): the file's text, pretty-printed, ending in a
 *   newline
 */
char *
deck_cluster_file_to_data (const DeckClusterFile *file,
                           GDateTime             *exported)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  add_string (builder, "format", DECK_CLUSTER_FILE_FORMAT);
  hdb_json_add_int_member (builder, "version", DECK_CLUSTER_FILE_VERSION);
  if (file->organization != NULL)
    add_string (builder, "organization", file->organization);
  if (exported != NULL)
    {
      g_autofree char *when = g_date_time_format_iso8601 (exported);

      add_string (builder, "exported", when);
    }
  json_builder_set_member_name (builder, "instances");
  json_builder_begin_array (builder);
  for (guint i = 0; i < file->instances->len; i++)
    {
      const DeckClusterFileInstance *instance = g_ptr_array_index (file->instances, i);

      json_builder_begin_object (builder);
      add_string (builder, "name", instance->name);
      if (instance->url != NULL)
        add_string (builder, "url", instance->url);
      if (instance->username != NULL)
        add_string (builder, "username", instance->username);
      if (instance->node_name != NULL)
        add_string (builder, "node_name", instance->node_name);
      add_string (builder, "engine", hdb_engine_to_string (instance->engine));
      json_builder_set_member_name (builder, "connections");
      json_builder_begin_array (builder);
      for (guint j = 0; j < instance->links->len; j++)
        add_link (builder, g_ptr_array_index (instance->links, j));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  text = json_generator_to_data (generator, NULL);
  return g_strconcat (text, "\n", NULL);
}
