/* hdb-request-body.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a request sends: its JSON text, which may carry a password
 * (add_user, alter_user) or a peer's credential (add_node, update_node).
 * The text never grows in place (a grown buffer leaves a copy in freed
 * memory), is wiped when its last reference goes, and the secrets of the
 * request object it was made from are wiped once it is written.
 */

#define G_LOG_DOMAIN "hdb-client"

#include <string.h>

#include "hdb-client-private.h"
#include "hdb-json.h"

/* The members of a request body that hold a secret. */
static const char * const secret_members[] = { "password", "authorization" };

static void
wipe_text (gpointer data)
{
  hdb_secret_free (data);
}

/* An upper bound of the length of @node's JSON text: every character of a
 * string escaped as \uXXXX, every number at its longest. */
static gsize
text_size_bound (JsonNode *node)
{
  gsize size = 2;

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        g_autoptr(GList) names = json_object_get_members (json_node_get_object (node));

        for (const GList *l = names; l != NULL; l = l->next)
          size += 6 * strlen (l->data) + 4 +
                  text_size_bound (json_object_get_member (json_node_get_object (node),
                                                           l->data));
      }
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          size += 1 + text_size_bound (json_array_get_element (array, i));
      }
      break;
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        size += 6 * strlen (json_node_get_string (node));
      else
        size += 32;
      break;
    case JSON_NODE_NULL:
    default:
      size += 4;
      break;
    }
  return size;
}

/* The request's JSON text, wiped when the last reference to it goes (ours,
 * or that of libsoup's body stream), whatever it holds: a body may carry a
 * password (add_user, alter_user) or a peer's credential (add_node,
 * update_node). The text is written into a buffer of its final size, so
 * that no smaller copy is left behind in freed memory by a buffer that
 * grew. */
static GBytes *
body_new (JsonObject *request)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  GString *text;
  gsize length;
  char *data;

  json_node_set_object (node, request);
  json_generator_set_root (generator, node);
  text = g_string_sized_new (text_size_bound (node));
  json_generator_to_gstring (generator, text);
  length = text->len;
  data = g_string_free (text, FALSE);
  return g_bytes_new_with_free_func (data, length, wipe_text, data);
}

/* Overwrites the secrets of a request, once its body is serialized: the
 * JsonObject would free them unwiped. */
static void
wipe_secret_members (JsonObject *request)
{
  for (guint i = 0; i < G_N_ELEMENTS (secret_members); i++)
    {
      JsonNode *member = json_object_get_member (request, secret_members[i]);
      const char *value = hdb_json_node_get_string (member);

      if (value != NULL)
        explicit_bzero ((char *) value, strlen (value));
    }
}

/* The body of @request; with @wipe_secrets, the password and authorization
 * members of @request are overwritten once the body is written. */
GBytes *
_hdb_request_body_new (JsonObject *request,
                       gboolean    wipe_secrets)
{
  GBytes *body = body_new (request);

  if (wipe_secrets)
    wipe_secret_members (request);
  return body;
}
