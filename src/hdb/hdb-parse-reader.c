/* hdb-parse-reader.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The member readers of hdb-parse-private.h. Every message they make says
 * which answer and which member was wrong, and what the user can check.
 */

#define G_LOG_DOMAIN "hdb-parse"

#include <glib/gi18n-lib.h>

#include "hdb-parse-private.h"

#define QUOTE_MAX_CHARS 80

char *
_hdb_quote_server_text (const char *text)
{
  g_autofree char *head = NULL;

  if (text == NULL)
    return g_strdup ("");
  /* The server's text was checked to be UTF-8 before it was parsed. */
  if (g_utf8_strlen (text, QUOTE_MAX_CHARS * 4 + 1) <= QUOTE_MAX_CHARS)
    return g_strdup (text);
  head = g_utf8_substring (text, 0, QUOTE_MAX_CHARS);
  return g_strconcat (head, "…", NULL);
}

void
_hdb_reader_fail (HdbReader  *reader,
                  const char *format,
                  ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  if (reader->failed)
    return;
  reader->failed = TRUE;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  hdb_set_error (reader->error, HDB_ERROR_INVALID_RESPONSE, 0, NULL,
                 _("The answer to %s is not what Harper sends: %s. Check that the URL is "
                   "the operations API of a Harper instance."), reader->operation, detail);
}

static const char *
node_kind (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "an object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "a list";
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return "a string";
    case G_TYPE_BOOLEAN:
      return "a boolean";
    case G_TYPE_INT64:
    case G_TYPE_DOUBLE:
      return "a number";
    default:
      return "a value of another kind";
    }
}

static void
wrong_type (HdbReader  *reader,
            JsonObject *object,
            const char *name,
            const char *of,
            const char *expected)
{
  g_autofree char *quoted = NULL;

  if (reader->failed)
    return;
  quoted = _hdb_quote_server_text (name);
  _hdb_reader_fail (reader, "“%s”%s%s is %s where %s belongs",
                    quoted, of ? " of " : "", of ? of : "",
                    node_kind (hdb_json_get_member (object, name)), expected);
}

JsonObject *
_hdb_reader_root_object (HdbReader *reader,
                         JsonNode  *node)
{
  if (reader->failed)
    return NULL;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      _hdb_reader_fail (reader, "it is %s, not a JSON object", node_kind (node));
      return NULL;
    }
  return json_node_get_object (node);
}

JsonArray *
_hdb_reader_root_array (HdbReader *reader,
                        JsonNode  *node)
{
  if (reader->failed)
    return NULL;
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      _hdb_reader_fail (reader, "it is %s, not a JSON list", node_kind (node));
      return NULL;
    }
  return json_node_get_array (node);
}

JsonObject *
_hdb_reader_element_object (HdbReader  *reader,
                            JsonArray  *array,
                            guint       index,
                            const char *what)
{
  JsonNode *element;

  if (reader->failed || array == NULL || index >= json_array_get_length (array))
    return NULL;
  element = json_array_get_element (array, index);
  if (!JSON_NODE_HOLDS_OBJECT (element))
    {
      _hdb_reader_fail (reader, "%s (item %u of its list) is %s, not an object",
                        what, index + 1, node_kind (element));
      return NULL;
    }
  return json_node_get_object (element);
}

const char *
_hdb_reader_string (HdbReader  *reader,
                    JsonObject *object,
                    const char *name,
                    const char *of)
{
  const char *value;

  if (reader->failed)
    return NULL;
  value = hdb_json_get_string (object, name);
  if (value == NULL && hdb_json_get_member (object, name) != NULL)
    wrong_type (reader, object, name, of, "a string");
  return value;
}

/* A name or a port: Harper writes some as a string in one place and as a
 * number in another ("127.0.0.1:9925", 9925). */
char *
_hdb_reader_dup_scalar (HdbReader  *reader,
                        JsonObject *object,
                        const char *name,
                        const char *of)
{
  const char *text;
  gint64 number;

  if (reader->failed || hdb_json_get_member (object, name) == NULL)
    return NULL;
  if ((text = hdb_json_get_string (object, name)) != NULL)
    return g_strdup (text);
  if (hdb_json_get_int (object, name, G_MININT64, G_MAXINT64, &number))
    return g_strdup_printf ("%" G_GINT64_FORMAT, number);
  wrong_type (reader, object, name, of, "a string or a whole number");
  return NULL;
}

/* set_configuration casts "true", and a hand-edited harperdb-config.yaml
 * may keep the string or write 1: all three are read as a flag. */
static gboolean
read_flag (JsonObject *object,
           const char *name,
           gboolean   *value)
{
  const char *text;
  gint64 number;

  if (hdb_json_get_boolean (object, name, value))
    return TRUE;
  if ((text = hdb_json_get_string (object, name)) != NULL)
    {
      if (g_ascii_strcasecmp (text, "true") != 0 && g_ascii_strcasecmp (text, "false") != 0)
        return FALSE;
      *value = g_ascii_strcasecmp (text, "true") == 0;
      return TRUE;
    }
  if (hdb_json_get_int (object, name, G_MININT64, G_MAXINT64, &number))
    {
      *value = number != 0;
      return TRUE;
    }
  return FALSE;
}

gboolean
_hdb_reader_flag (HdbReader  *reader,
                  JsonObject *object,
                  const char *name,
                  const char *of,
                  gboolean    fallback)
{
  gboolean value;

  if (reader->failed || hdb_json_get_member (object, name) == NULL)
    return fallback;
  if (read_flag (object, name, &value))
    return value;
  wrong_type (reader, object, name, of, "true or false");
  return fallback;
}

gint64
_hdb_reader_int (HdbReader  *reader,
                 JsonObject *object,
                 const char *name,
                 const char *of,
                 gint64      min,
                 gint64      max,
                 gint64      fallback)
{
  gint64 value;
  double number;

  if (reader->failed || hdb_json_get_member (object, name) == NULL)
    return fallback;
  if (hdb_json_get_int (object, name, min, max, &value))
    return value;
  if (hdb_json_get_double (object, name, &number))
    {
      g_autofree char *quoted = _hdb_quote_server_text (name);

      _hdb_reader_fail (reader, "“%s”%s%s is %g, not a whole number from %" G_GINT64_FORMAT
                        " to %" G_GINT64_FORMAT, quoted, of ? " of " : "", of ? of : "",
                        number, min, max);
    }
  else
    wrong_type (reader, object, name, of, "a whole number");
  return fallback;
}

JsonObject *
_hdb_reader_object (HdbReader  *reader,
                    JsonObject *object,
                    const char *name,
                    const char *of)
{
  JsonObject *value;

  if (reader->failed)
    return NULL;
  value = hdb_json_get_object (object, name);
  if (value == NULL && hdb_json_get_member (object, name) != NULL)
    wrong_type (reader, object, name, of, "an object");
  return value;
}

JsonArray *
_hdb_reader_array (HdbReader  *reader,
                   JsonObject *object,
                   const char *name,
                   const char *of)
{
  JsonArray *value;

  if (reader->failed)
    return NULL;
  value = hdb_json_get_array (object, name);
  if (value == NULL && hdb_json_get_member (object, name) != NULL)
    wrong_type (reader, object, name, of, "a list");
  return value;
}

double
_hdb_info_double (JsonObject *object,
                  const char *name,
                  double      min,
                  double      max,
                  double      fallback)
{
  double value;

  if (!hdb_json_get_double (object, name, &value) || value < min || value > max)
    return fallback;
  return value;
}

gint64
_hdb_info_int (JsonObject *object,
               const char *name,
               gint64      min,
               gint64      max,
               gint64      fallback)
{
  gint64 value;

  if (!hdb_json_get_int (object, name, min, max, &value))
    return fallback;
  return value;
}

char *
_hdb_info_dup_scalar (JsonObject *object,
                      const char *name)
{
  const char *text;
  gint64 number;

  if ((text = hdb_json_get_string (object, name)) != NULL)
    return g_strdup (text);
  if (hdb_json_get_int (object, name, G_MININT64, G_MAXINT64, &number))
    return g_strdup_printf ("%" G_GINT64_FORMAT, number);
  return NULL;
}
