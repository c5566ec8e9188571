/* hdb-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hdb-json"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "hdb-json.h"

G_DEFINE_QUARK (hdb-json-error-quark, hdb_json_error)

/* Checks what json-glib would recurse on before it does. Outside strings only
 * the characters of JSON's grammar are allowed: json-glib's scanner also
 * skips C comments and reads single-quoted strings, and a quote hidden in
 * one of those would make this count differ from json-glib's recursion.
 * A second value after the first is refused too: json-glib 1.6 reads
 * `{"a":1} {"b":2}` without a word. */
static gboolean
check_shape (const char  *data,
             gsize        length,
             GError     **error)
{
  guint depth = 0;
  gboolean in_string = FALSE;
  gboolean only_space = TRUE;
  gboolean in_top_scalar = FALSE;   /* a number or literal at the top level */
  gboolean top_done = FALSE;        /* the top-level value has ended */

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            {
              in_string = FALSE;
              if (depth == 0)
                top_done = TRUE;
            }
          continue;
        }

      if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        {
          if (in_top_scalar)
            {
              in_top_scalar = FALSE;
              top_done = TRUE;
            }
          continue;
        }

      if (depth == 0 && (top_done || (in_top_scalar && (c == '"' || c == '[' || c == '{'))))
        {
          g_set_error (error, HDB_JSON_ERROR, HDB_JSON_ERROR_SYNTAX,
                       _("a second value begins at byte %lu"), (unsigned long) i);
          return FALSE;
        }

      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;
        case '[': case '{':
          if (++depth > HDB_JSON_MAX_DEPTH)
            {
              g_set_error (error, HDB_JSON_ERROR, HDB_JSON_ERROR_TOO_DEEP,
                           _("arrays and objects are nested more than %d deep"),
                           HDB_JSON_MAX_DEPTH);
              return FALSE;
            }
          break;
        case ']': case '}':
          if (depth > 0 && --depth == 0)
            top_done = TRUE;
          break;
        case ',': case ':':
          break;
        case '-': case '+': case '.':
          if (depth == 0)
            in_top_scalar = TRUE;
          break;
        default:
          if (!g_ascii_isalnum (c))
            {
              g_set_error (error, HDB_JSON_ERROR, HDB_JSON_ERROR_SYNTAX,
                           _("unexpected character at byte %lu"), (unsigned long) i);
              return FALSE;
            }
          if (depth == 0)
            in_top_scalar = TRUE;
          break;
        }
      only_space = FALSE;
    }

  if (only_space)
    {
      g_set_error_literal (error, HDB_JSON_ERROR, HDB_JSON_ERROR_EMPTY, _("no JSON value"));
      return FALSE;
    }
  return TRUE;
}

/* json-glib says "<data>:1:22: Parse error: unexpected end of file"; a
 * person reads "line 1, character 22: unexpected end of file" better (and a
 * UI that took "<data>" for markup would show nothing at all). */
static char *
syntax_message (const char *json_glib_message)
{
  const char *p = json_glib_message;
  guint64 line, column;
  char *end;

  if (!g_str_has_prefix (p, "<data>:"))
    return g_strdup (json_glib_message);
  p += strlen ("<data>:");
  line = g_ascii_strtoull (p, &end, 10);
  if (end == p || *end != ':')
    return g_strdup (p);
  p = end + 1;
  column = g_ascii_strtoull (p, &end, 10);
  if (end == p || *end != ':')
    return g_strdup (p);
  p = end + 1;
  while (*p == ' ')
    p++;
  if (g_str_has_prefix (p, "Parse error: "))
    p += strlen ("Parse error: ");
  return g_strdup_printf ("line %" G_GUINT64_FORMAT ", character %" G_GUINT64_FORMAT ": %s",
                          line, column, p);
}

/**
 * hdb_json_parse:
 * @data: the text (need not be NUL-terminated)
 * @length: its length in bytes
 * @max_size: the largest length accepted
 * @error: an %HDB_JSON_ERROR
 *
 * Parses @data after checking its size, encoding and nesting depth.
 *
 * Returns: (transfer full): the root node, or %NULL with @error set
 */
JsonNode *
hdb_json_parse (const char  *data,
                gsize        length,
                gsize        max_size,
                GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *end = NULL;
  JsonNode *root;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (length > max_size)
    {
      g_set_error (error, HDB_JSON_ERROR, HDB_JSON_ERROR_TOO_LARGE,
                   /* Translators: the answer's size and the limit, in bytes */
                   g_dngettext (GETTEXT_PACKAGE, "%lu byte, more than the %lu allowed",
                                "%lu bytes, more than the %lu allowed", length),
                   (unsigned long) length, (unsigned long) max_size);
      return NULL;
    }
  if (!g_utf8_validate_len (data, length, &end))
    {
      g_set_error (error, HDB_JSON_ERROR, HDB_JSON_ERROR_ENCODING,
                   _("not UTF-8 (byte %lu)"), (unsigned long) (end - data));
      return NULL;
    }
  if (!check_shape (data, length, error))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error))
    {
      g_autofree char *message = syntax_message (local_error->message);

      g_set_error_literal (error, HDB_JSON_ERROR, HDB_JSON_ERROR_SYNTAX, message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, HDB_JSON_ERROR, HDB_JSON_ERROR_EMPTY, _("no JSON value"));
      return NULL;
    }
  return json_node_ref (root);
}

JsonNode *
hdb_json_get_member (JsonObject *object,
                     const char *name)
{
  JsonNode *node;

  if (object == NULL || name == NULL)
    return NULL;
  node = json_object_get_member (object, name);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  return node;
}

const char *
hdb_json_node_get_string (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

const char *
hdb_json_get_string (JsonObject *object,
                     const char *name)
{
  return hdb_json_node_get_string (hdb_json_get_member (object, name));
}

JsonObject *
hdb_json_get_object (JsonObject *object,
                     const char *name)
{
  JsonNode *node = hdb_json_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

JsonArray *
hdb_json_get_array (JsonObject *object,
                    const char *name)
{
  JsonNode *node = hdb_json_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return json_node_get_array (node);
}

gboolean
hdb_json_get_boolean (JsonObject *object,
                      const char *name,
                      gboolean   *value)
{
  JsonNode *node = hdb_json_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;
  *value = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
node_get_double (JsonNode *node,
                 double   *value)
{
  double d;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      d = (double) json_node_get_int (node);
      break;
    case G_TYPE_DOUBLE:
      d = json_node_get_double (node);
      break;
    default:
      return FALSE;
    }
  if (!isfinite (d))
    return FALSE;
  *value = d;
  return TRUE;
}

gboolean
hdb_json_get_double (JsonObject *object,
                     const char *name,
                     double     *value)
{
  return node_get_double (hdb_json_get_member (object, name), value);
}

gboolean
hdb_json_node_get_int (JsonNode *node,
                       gint64    min,
                       gint64    max,
                       gint64   *value)
{
  gint64 v;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      v = json_node_get_int (node);
      break;
    case G_TYPE_DOUBLE:
      {
        double d = json_node_get_double (node);

        /* Checked before the cast: the cast of a double out of gint64's
         * range is undefined behaviour. ±9e18 is inside it. */
        if (!isfinite (d) || d != floor (d) || fabs (d) > 9.0e18)
          return FALSE;
        v = (gint64) d;
      }
      break;
    default:
      return FALSE;
    }
  if (v < min || v > max)
    return FALSE;
  *value = v;
  return TRUE;
}

gboolean
hdb_json_get_int (JsonObject *object,
                  const char *name,
                  gint64      min,
                  gint64      max,
                  gint64     *value)
{
  return hdb_json_node_get_int (hdb_json_get_member (object, name), min, max, value);
}

void
hdb_json_add_string_member (JsonBuilder *builder,
                            const char  *name,
                            const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

void
hdb_json_add_boolean_member (JsonBuilder *builder,
                             const char  *name,
                             gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

void
hdb_json_add_int_member (JsonBuilder *builder,
                         const char  *name,
                         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}
