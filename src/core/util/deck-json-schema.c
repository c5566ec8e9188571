/* deck-json-schema.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A JSON Schema (draft 2020-12) validator for the keywords the app's own
 * schemas use: type, const, enum, required, properties, items, minItems,
 * maxItems, minLength, maxLength and $ref to the document's own $defs.
 * Keywords it does not know are annotations to it (title, description,
 * $schema, $id) and are passed over, as the specification says of unknown
 * keywords; the app's schemas use no other assertion. The first rule a
 * value breaks is reported with where it is ("instances[0].name").
 */

#define G_LOG_DOMAIN "deck-json-schema"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "deck-json-schema.h"

#define MAX_REF_DEPTH 32

G_DEFINE_QUARK (deck-json-schema-error-quark, deck_json_schema_error)

typedef struct
{
  JsonObject *root;
  GString    *path;
} Walk;

static gboolean check (Walk *walk, JsonNode *schema, JsonNode *value, guint depth,
                       GError **error);

static gboolean G_GNUC_PRINTF (3, 4)
broken (Walk       *walk,
        GError    **error,
        const char *format,
        ...)
{
  g_autofree char *problem = NULL;
  va_list args;

  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, DECK_JSON_SCHEMA_ERROR, DECK_JSON_SCHEMA_ERROR_INVALID, "%s %s",
               walk->path->len > 0 ? walk->path->str : _("the document"), problem);
  return FALSE;
}

static gboolean
is_type (JsonNode   *value,
         const char *type)
{
  GType held = JSON_NODE_HOLDS_VALUE (value) ? json_node_get_value_type (value) : G_TYPE_INVALID;

  if (g_str_equal (type, "object"))
    return JSON_NODE_HOLDS_OBJECT (value);
  if (g_str_equal (type, "array"))
    return JSON_NODE_HOLDS_ARRAY (value);
  if (g_str_equal (type, "null"))
    return JSON_NODE_HOLDS_NULL (value);
  if (g_str_equal (type, "string"))
    return held == G_TYPE_STRING;
  if (g_str_equal (type, "boolean"))
    return held == G_TYPE_BOOLEAN;
  if (g_str_equal (type, "integer"))
    return held == G_TYPE_INT64 ||
           (held == G_TYPE_DOUBLE && json_node_get_double (value) == (gint64) json_node_get_double (value));
  if (g_str_equal (type, "number"))
    return held == G_TYPE_INT64 || held == G_TYPE_DOUBLE;
  return FALSE;
}

static const char *
type_in_words (const char *type)
{
  if (g_str_equal (type, "object"))
    return _("an object");
  if (g_str_equal (type, "array"))
    return _("a list");
  if (g_str_equal (type, "string"))
    return _("a string");
  if (g_str_equal (type, "boolean"))
    return _("true or false");
  if (g_str_equal (type, "integer"))
    return _("a whole number");
  if (g_str_equal (type, "number"))
    return _("a number");
  return type;
}

/* Two JSON values alike, as const and enum compare them (a whole number
 * written as 1 or 1.0 is one number) */
static gboolean
same_value (JsonNode *a,
            JsonNode *b)
{
  if (is_type (a, "number") && is_type (b, "number"))
    return json_node_get_double (a) == json_node_get_double (b);
  return json_node_equal (a, b);
}

static JsonNode *
resolve (Walk      *walk,
         JsonNode  *schema,
         GError   **error)
{
  for (guint hops = 0; JSON_NODE_HOLDS_OBJECT (schema); hops++)
    {
      JsonObject *object = json_node_get_object (schema);
      const char *ref = json_object_has_member (object, "$ref")
                        ? json_object_get_string_member_with_default (object, "$ref", NULL) : NULL;
      JsonObject *defs;

      if (ref == NULL)
        return schema;
      defs = json_object_has_member (walk->root, "$defs")
             ? json_object_get_object_member (walk->root, "$defs") : NULL;
      if (hops >= MAX_REF_DEPTH || !g_str_has_prefix (ref, "#/$defs/") || defs == NULL ||
          !json_object_has_member (defs, ref + strlen ("#/$defs/")))
        {
          g_set_error (error, DECK_JSON_SCHEMA_ERROR, DECK_JSON_SCHEMA_ERROR_SCHEMA,
                       "the schema's reference %s cannot be followed", ref);
          return NULL;
        }
      schema = json_object_get_member (defs, ref + strlen ("#/$defs/"));
    }
  return schema;
}

static gboolean
check_types (Walk       *walk,
             JsonNode   *types,
             JsonNode   *value,
             GError    **error)
{
  if (JSON_NODE_HOLDS_ARRAY (types))
    {
      JsonArray *list = json_node_get_array (types);

      for (guint i = 0; i < json_array_get_length (list); i++)
        if (is_type (value, json_array_get_string_element (list, i)))
          return TRUE;
      return broken (walk, error, _("is not of an allowed type"));
    }
  if (!is_type (value, json_node_get_string (types)))
    return broken (walk, error, _("is not %s"), type_in_words (json_node_get_string (types)));
  return TRUE;
}

static gboolean
check_object (Walk       *walk,
              JsonObject *schema,
              JsonObject *value,
              guint       depth,
              GError    **error)
{
  JsonArray *required = json_object_has_member (schema, "required")
                        ? json_object_get_array_member (schema, "required") : NULL;
  JsonObject *properties = json_object_has_member (schema, "properties")
                           ? json_object_get_object_member (schema, "properties") : NULL;
  g_autoptr(GList) names = properties != NULL ? json_object_get_members (properties) : NULL;

  for (guint i = 0; required != NULL && i < json_array_get_length (required); i++)
    {
      const char *name = json_array_get_string_element (required, i);

      if (!json_object_has_member (value, name))
        return broken (walk, error, _("has no “%s”"), name);
    }
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;
      gsize length = walk->path->len;
      gboolean ok;

      if (!json_object_has_member (value, name))
        continue;
      if (length > 0)
        g_string_append_c (walk->path, '.');
      g_string_append (walk->path, name);
      ok = check (walk, json_object_get_member (properties, name),
                  json_object_get_member (value, name), depth + 1, error);
      g_string_truncate (walk->path, length);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_array (Walk       *walk,
             JsonObject *schema,
             JsonArray  *value,
             guint       depth,
             GError    **error)
{
  guint n = json_array_get_length (value);
  JsonNode *items = json_object_get_member (schema, "items");

  if (json_object_has_member (schema, "maxItems") &&
      n > (guint) json_object_get_int_member (schema, "maxItems"))
    return broken (walk, error, _("has more than %u entries"),
                   (guint) json_object_get_int_member (schema, "maxItems"));
  if (json_object_has_member (schema, "minItems") &&
      n < (guint) json_object_get_int_member (schema, "minItems"))
    return broken (walk, error, _("has fewer than %u entries"),
                   (guint) json_object_get_int_member (schema, "minItems"));
  for (guint i = 0; items != NULL && i < n; i++)
    {
      gsize length = walk->path->len;
      gboolean ok;

      g_string_append_printf (walk->path, "[%u]", i);
      ok = check (walk, items, json_array_get_element (value, i), depth + 1, error);
      g_string_truncate (walk->path, length);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static gboolean
check (Walk      *walk,
       JsonNode  *schema_node,
       JsonNode  *value,
       guint      depth,
       GError   **error)
{
  JsonObject *schema;

  if (depth > 64)
    return broken (walk, error, _("is nested too deep"));
  schema_node = resolve (walk, schema_node, error);
  if (schema_node == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_VALUE (schema_node) &&
      json_node_get_value_type (schema_node) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (schema_node) || broken (walk, error, _("is not allowed"));
  if (!JSON_NODE_HOLDS_OBJECT (schema_node))
    return TRUE;
  schema = json_node_get_object (schema_node);

  if (json_object_has_member (schema, "type") &&
      !check_types (walk, json_object_get_member (schema, "type"), value, error))
    return FALSE;
  if (json_object_has_member (schema, "const") &&
      !same_value (json_object_get_member (schema, "const"), value))
    {
      g_autofree char *wanted = json_to_string (json_object_get_member (schema, "const"), FALSE);

      return broken (walk, error, _("is not %s"), wanted);
    }
  if (json_object_has_member (schema, "enum"))
    {
      JsonArray *allowed = json_object_get_array_member (schema, "enum");
      gboolean found = FALSE;

      for (guint i = 0; !found && i < json_array_get_length (allowed); i++)
        found = same_value (json_array_get_element (allowed, i), value);
      if (!found)
        {
          g_autofree char *list = json_to_string (json_object_get_member (schema, "enum"), FALSE);

          return broken (walk, error, _("is not one of %s"), list);
        }
    }
  if (is_type (value, "string"))
    {
      glong length = g_utf8_strlen (json_node_get_string (value), -1);

      if (json_object_has_member (schema, "minLength") &&
          length < json_object_get_int_member (schema, "minLength"))
        return length == 0 ? broken (walk, error, _("is empty"))
                           : broken (walk, error, _("is shorter than %u characters"),
                                     (guint) json_object_get_int_member (schema, "minLength"));
      if (json_object_has_member (schema, "maxLength") &&
          length > json_object_get_int_member (schema, "maxLength"))
        return broken (walk, error, _("is longer than %u characters"),
                       (guint) json_object_get_int_member (schema, "maxLength"));
    }
  if (JSON_NODE_HOLDS_OBJECT (value))
    return check_object (walk, schema, json_node_get_object (value), depth, error);
  if (JSON_NODE_HOLDS_ARRAY (value))
    return check_array (walk, schema, json_node_get_array (value), depth, error);
  return TRUE;
}

/**
 * deck_json_schema_validate:
 * @schema: a JSON Schema document (the keywords above)
 * @value: the value to check
 * @error: return location for a %DECK_JSON_SCHEMA_ERROR naming where the
 *   value breaks which rule
 *
 * Returns: whether @value is valid under @schema
 */
gboolean
deck_json_schema_validate (JsonNode  *schema,
                           JsonNode  *value,
                           GError   **error)
{
  g_autoptr(GString) path = g_string_new (NULL);
  Walk walk = { NULL, path };

  g_return_val_if_fail (schema != NULL && JSON_NODE_HOLDS_OBJECT (schema), FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  walk.root = json_node_get_object (schema);
  return check (&walk, schema, value, 0, error);
}
