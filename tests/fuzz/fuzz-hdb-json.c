/* fuzz-hdb-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * hdb_json_parse() on anything, then every typed accessor on every member
 * of whatever it accepted.
 */

#include "hdb-json.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
walk (JsonNode *node,
      guint     depth)
{
  g_assert_cmpuint (depth, <=, HDB_JSON_MAX_DEPTH + 1);

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);

      for (GList *l = members; l != NULL; l = l->next)
        {
          const char *name = l->data;
          gint64 i;
          double d;
          gboolean b;

          (void) hdb_json_get_string (object, name);
          (void) hdb_json_get_object (object, name);
          (void) hdb_json_get_array (object, name);
          (void) hdb_json_get_boolean (object, name, &b);
          (void) hdb_json_get_double (object, name, &d);
          (void) hdb_json_get_int (object, name, G_MININT64, G_MAXINT64, &i);
          (void) hdb_json_get_int (object, name, 0, 65535, &i);
          walk (json_object_get_member (object, name), depth + 1);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint k = 0; k < json_array_get_length (array); k++)
        {
          JsonNode *element = json_array_get_element (array, k);
          gint64 i;

          (void) hdb_json_node_get_string (element);
          (void) hdb_json_node_get_int (element, G_MININT32, G_MAXINT32, &i);
          walk (element, depth + 1);
        }
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = hdb_json_parse ((const char *) data, size, 1 << 20, &error);

  g_assert_true ((node == NULL) != (error == NULL));
  if (node != NULL)
    walk (node, 0);
  return 0;
}
