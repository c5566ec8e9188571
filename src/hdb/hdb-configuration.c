/* hdb-configuration.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Typed reads of an instance's whole configuration (get_configuration) by
 * dotted path. The paths the app acts on are checked when the answer is
 * parsed (_hdb_configuration_check()): one of another type makes the answer
 * invalid, so that the accessors below never have to guess.
 */

#define G_LOG_DOMAIN "hdb-parse"

#include <string.h>

#include "hdb-parse-private.h"
#include "hdb-types.h"

typedef enum
{
  KIND_PORT,
  KIND_STRING,
} Kind;

/* What the engines read besides the fields of HdbConfiguration: the NATS
 * ports (routes and the enable request), the hub cluster's name, and the
 * files clustering's TLS is set up from. */
static const struct
{
  const char *path;
  Kind        kind;
} checked_paths[] = {
  { "clustering.hubServer.network.port", KIND_PORT },
  { "clustering.hubServer.leafNodes.network.port", KIND_PORT },
  { "clustering.hubServer.cluster.network.port", KIND_PORT },
  { "clustering.leafServer.network.port", KIND_PORT },
  { "clustering.hubServer.cluster.name", KIND_STRING },
  { "clustering.tls.certificate", KIND_STRING },
  { "rootPath", KIND_STRING },
  { "tls.privateKey", KIND_STRING },
};

/* The object holding the last part of @path, and that part; NULL when a
 * part before it is missing or not an object (Harper also writes `tls` as a
 * list of certificates: that is "not there" for a path, not an error). */
static JsonObject *
lookup_parent (JsonNode    *root,
               const char  *path,
               const char **last)
{
  g_auto(GStrv) parts = NULL;
  JsonObject *object;
  guint n;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) || path == NULL)
    return NULL;

  parts = g_strsplit (path, ".", -1);
  n = g_strv_length (parts);
  if (n == 0)
    return NULL;

  object = json_node_get_object (root);
  for (guint i = 0; i + 1 < n && object != NULL; i++)
    object = hdb_json_get_object (object, parts[i]);

  *last = path + strlen (path) - strlen (parts[n - 1]);
  return object;
}

/* A port written as a number, or as a string "PORT" or "HOST:PORT"; 0 when
 * it is none of these. */
static guint
read_port (JsonObject *object,
           const char *name)
{
  const char *text;
  const char *colon;
  guint64 port;
  gint64 number;

  if (hdb_json_get_int (object, name, 1, 65535, &number))
    return (guint) number;
  if ((text = hdb_json_get_string (object, name)) == NULL)
    return 0;
  colon = strrchr (text, ':');
  if (!g_ascii_string_to_unsigned (colon ? colon + 1 : text, 10, 1, 65535, &port, NULL))
    return 0;
  return (guint) port;
}

void
_hdb_configuration_check (HdbReader *reader,
                          JsonNode  *root)
{
  for (guint i = 0; i < G_N_ELEMENTS (checked_paths) && !reader->failed; i++)
    {
      const char *name = NULL;
      JsonObject *parent = lookup_parent (root, checked_paths[i].path, &name);

      if (hdb_json_get_member (parent, name) == NULL)
        continue;
      if (checked_paths[i].kind == KIND_STRING)
        {
          g_autofree char *of = NULL;

          if (name > checked_paths[i].path)
            of = g_strndup (checked_paths[i].path, name - checked_paths[i].path - 1);
          (void) _hdb_reader_string (reader, parent, name, of);
        }
      else if (read_port (parent, name) == 0)
        _hdb_reader_fail (reader, "the port %s is not a port from 1 to 65535",
                          checked_paths[i].path);
    }
}

/**
 * hdb_configuration_has:
 * @config: a configuration
 * @path: a dotted path, e.g. "clustering.leafServer.streams"
 *
 * Returns: whether the configuration sets @path (to anything but null)
 */
gboolean
hdb_configuration_has (const HdbConfiguration *config,
                       const char             *path)
{
  const char *name = NULL;
  JsonObject *parent;

  g_return_val_if_fail (config != NULL, FALSE);

  parent = lookup_parent (config->raw, path, &name);
  return hdb_json_get_member (parent, name) != NULL;
}

/**
 * hdb_configuration_get_string:
 * @config: a configuration
 * @path: a dotted path, e.g. "rootPath"
 *
 * Returns: (nullable): the string at @path, or %NULL when there is none
 */
const char *
hdb_configuration_get_string (const HdbConfiguration *config,
                              const char             *path)
{
  const char *name = NULL;
  JsonObject *parent;

  g_return_val_if_fail (config != NULL, NULL);

  parent = lookup_parent (config->raw, path, &name);
  return hdb_json_get_string (parent, name);
}

/**
 * hdb_configuration_get_port:
 * @config: a configuration
 * @path: a dotted path, e.g. "clustering.hubServer.cluster.network.port"
 *
 * Harper writes a port as a number, or as a string "PORT" or "HOST:PORT".
 *
 * Returns: the port at @path, or 0 when there is none
 */
guint
hdb_configuration_get_port (const HdbConfiguration *config,
                            const char             *path)
{
  const char *name = NULL;
  JsonObject *parent;

  g_return_val_if_fail (config != NULL, 0);

  parent = lookup_parent (config->raw, path, &name);
  if (parent == NULL)
    return 0;
  return read_port (parent, name);
}
