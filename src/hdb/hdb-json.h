/* hdb-json.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one way in for JSON: every answer of a server and every file of the
 * app is parsed by hdb_json_parse(), which checks size, nesting depth and
 * UTF-8 before json-glib sees a byte (json-glib parses recursively: a deep
 * enough nesting overflows the stack). The typed accessors read a member
 * only when it has the expected type, without a critical warning when it
 * does not.
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define HDB_JSON_ERROR (hdb_json_error_quark ())

/**
 * HdbJsonError:
 * @HDB_JSON_ERROR_TOO_LARGE: longer than the limit given
 * @HDB_JSON_ERROR_TOO_DEEP: arrays and objects nested deeper than %HDB_JSON_MAX_DEPTH
 * @HDB_JSON_ERROR_ENCODING: not UTF-8, or a NUL byte
 * @HDB_JSON_ERROR_SYNTAX: not JSON (json-glib's message follows)
 * @HDB_JSON_ERROR_EMPTY: nothing but white space
 */
typedef enum
{
  HDB_JSON_ERROR_TOO_LARGE,
  HDB_JSON_ERROR_TOO_DEEP,
  HDB_JSON_ERROR_ENCODING,
  HDB_JSON_ERROR_SYNTAX,
  HDB_JSON_ERROR_EMPTY,
} HdbJsonError;

/* Deeper than any answer of Harper's or any file of ours (they nest 6 levels
 * at most); far below what json-glib's recursion can take. */
#define HDB_JSON_MAX_DEPTH 64

GQuark      hdb_json_error_quark          (void);

JsonNode   *hdb_json_parse                (const char  *data,
                                           gsize        length,
                                           gsize        max_size,
                                           GError     **error);

/* Typed member access: NULL, FALSE or the fallback when @object is NULL, the
 * member is missing, null, or of another type. */
JsonNode   *hdb_json_get_member           (JsonObject  *object,
                                           const char  *name);
const char *hdb_json_get_string           (JsonObject  *object,
                                           const char  *name);
JsonObject *hdb_json_get_object           (JsonObject  *object,
                                           const char  *name);
JsonArray  *hdb_json_get_array            (JsonObject  *object,
                                           const char  *name);
gboolean    hdb_json_get_boolean          (JsonObject  *object,
                                           const char  *name,
                                           gboolean    *value);
/* A finite number (an integer member reads as its double). */
gboolean    hdb_json_get_double           (JsonObject  *object,
                                           const char  *name,
                                           double      *value);
/* An integral number within [@min, @max] (a double only when it is integral
 * and in range: "threadId": 1e300 is refused, not cast). */
gboolean    hdb_json_get_int              (JsonObject  *object,
                                           const char  *name,
                                           gint64       min,
                                           gint64       max,
                                           gint64      *value);
/* The same for an element of an array node (strings only). */
const char *hdb_json_node_get_string      (JsonNode    *node);
gboolean    hdb_json_node_get_int         (JsonNode    *node,
                                           gint64       min,
                                           gint64       max,
                                           gint64      *value);

/* Writing: one member of the object @builder is building, its name then its
 * value, as json_builder_set_member_name() and json_builder_add_*_value(). */
void        hdb_json_add_string_member    (JsonBuilder *builder,
                                           const char  *name,
                                           const char  *value);
void        hdb_json_add_boolean_member   (JsonBuilder *builder,
                                           const char  *name,
                                           gboolean     value);
void        hdb_json_add_int_member       (JsonBuilder *builder,
                                           const char  *name,
                                           gint64       value);

G_END_DECLS
