/* deck-engine.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DeckEngine turns the user's intents (enable clustering, connect two
 * instances, disconnect them) into the sequence of Harper operations that
 * one replication engine needs. The two engines differ in almost every
 * request (DESIGN.md §2), so this base class only dispatches; the engines
 * describe each intent as a list of steps that deck-engine-steps.c runs,
 * with the steps and helpers both need (deck-engine-private.h).
 *
 * Nothing here logs a password or an Authorization value; debug messages
 * name operations only.
 */

#define G_LOG_DOMAIN "deck-engine"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "deck-engine-preflight.h"
#include "deck-engine-private.h"
#include "deck-native-engine.h"
#include "deck-nats-engine.h"

#define SUGGESTED_NAME_MAX 63

G_DEFINE_ABSTRACT_TYPE (DeckEngine, deck_engine, G_TYPE_OBJECT)

G_DEFINE_QUARK (deck-engine-error-quark, deck_engine_error)

static void
deck_engine_class_init (DeckEngineClass *klass)
{
}

static void
deck_engine_init (DeckEngine *self)
{
}

/**
 * deck_engine_new_for:
 * @kind: the engine an instance's configuration names
 *
 * An instance with no engine configured yet (%HDB_ENGINE_NONE) gets no
 * engine from here: the caller picks one for it, native for Harper 4.4 and
 * later (hdb_version_has_native()), NATS before.
 *
 * Returns: (transfer full) (nullable): the engine, or %NULL for
 *   %HDB_ENGINE_NONE and %HDB_ENGINE_UNKNOWN
 */
DeckEngine *
deck_engine_new_for (HdbEngine kind)
{
  switch (kind)
    {
    case HDB_ENGINE_NATIVE:
      return DECK_ENGINE (deck_native_engine_new ());
    case HDB_ENGINE_NATS:
      return DECK_ENGINE (deck_nats_engine_new ());
    case HDB_ENGINE_NONE:
    case HDB_ENGINE_UNKNOWN:
    default:
      return NULL;
    }
}

/**
 * deck_engine_get_kind:
 * @self: an engine
 *
 * Returns: %HDB_ENGINE_NATIVE or %HDB_ENGINE_NATS
 */
HdbEngine
deck_engine_get_kind (DeckEngine *self)
{
  g_return_val_if_fail (DECK_IS_ENGINE (self), HDB_ENGINE_UNKNOWN);

  return DECK_ENGINE_GET_CLASS (self)->get_kind (self);
}

/**
 * deck_engine_validate_node_name:
 * @self: an engine
 * @node_name: (nullable): a node name the user typed
 * @error: return location for a %DECK_ENGINE_ERROR_INVALID_NODE_NAME error
 *   whose message says what is wrong, in the user's words
 *
 * Returns: whether @node_name can name a node of this engine
 */
gboolean
deck_engine_validate_node_name (DeckEngine  *self,
                                const char  *node_name,
                                GError     **error)
{
  g_return_val_if_fail (DECK_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return DECK_ENGINE_GET_CLASS (self)->validate_node_name (self, node_name, error);
}

/**
 * deck_engine_suggest_node_name:
 * @self: an engine
 * @instance_name: (nullable): the instance's name in Clusterdeck
 * @url: (nullable): its operations API URL, used when the name gives nothing
 *
 * Makes a node name from the instance name that this engine accepts:
 * transliterated to ASCII, lower case, every other character a dash ("Berlin
 * DB 1" → "berlin-db-1"; the NATS engine also turns dots into dashes). The
 * host of @url is the fallback, "node" the last resort.
 *
 * Returns: (transfer full): a valid node name
 */
char *
deck_engine_suggest_node_name (DeckEngine *self,
                               const char *instance_name,
                               const char *url)
{
  g_autofree char *host = NULL;
  const char *sources[2];

  g_return_val_if_fail (DECK_IS_ENGINE (self), NULL);

  host = url != NULL ? _deck_engine_url_host (url) : NULL;
  sources[0] = instance_name;
  sources[1] = host;

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      g_autofree char *ascii = NULL;
      g_autoptr(GString) name = NULL;
      gboolean dots = deck_engine_get_kind (self) == HDB_ENGINE_NATIVE;

      if (sources[i] == NULL)
        continue;

      ascii = g_str_to_ascii (sources[i], "C");
      name = g_string_new (NULL);
      for (const char *p = ascii; *p != '\0' && name->len < SUGGESTED_NAME_MAX; p++)
        {
          char c = g_ascii_tolower (*p);

          if (!g_ascii_isalnum (c) && c != '_' && !(dots && c == '.'))
            c = '-';
          /* One dash for any run of separators, none (and no dot) at the start. */
          if ((c == '-' || c == '.') && (name->len == 0 || name->str[name->len - 1] == '-'))
            continue;
          g_string_append_c (name, c);
        }
      while (name->len > 0 && (name->str[name->len - 1] == '-' || name->str[name->len - 1] == '.'))
        g_string_truncate (name, name->len - 1);

      if (name->len > 0 && deck_engine_validate_node_name (self, name->str, NULL))
        return g_string_free (g_steal_pointer (&name), FALSE);
    }

  return g_strdup ("node");
}

/**
 * deck_engine_replication_url_for:
 * @base_url: an operations API URL, such as "https://db1.example.com:9925"
 *
 * The native replication URL on the same host and port: Harper 4.4 serves
 * replication on the operations API's port, over WebSocket with the same
 * security (http → ws, https → wss).
 *
 * Returns: (transfer full) (nullable): the URL, or %NULL when @base_url is
 *   not an http or https URL
 */
char *
deck_engine_replication_url_for (const char *base_url)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *ws_scheme;

  g_return_val_if_fail (base_url != NULL, NULL);

  uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return NULL;

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") == 0)
    ws_scheme = "ws";
  else if (g_ascii_strcasecmp (scheme, "https") == 0)
    ws_scheme = "wss";
  else
    return NULL;

  /* g_uri_join() brackets an IPv6 address again. */
  return g_uri_join (G_URI_FLAGS_NONE, ws_scheme, NULL, g_uri_get_host (uri),
                     g_uri_get_port (uri), "", NULL, NULL);
}

/**
 * deck_engine_enable_async:
 * @self: an engine
 * @client: a super user's client of the instance
 * @request: what to enable; copied, so it may go away after this call
 * @monitor: the restart monitor of the same instance, which the UI follows
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Errors: %DECK_ENGINE_ERROR, %HDB_ERROR from the instance, and the
 * %DECK_RESTART_ERROR of @monitor unchanged (on
 * %DECK_RESTART_ERROR_TIMEOUT the caller may offer
 * deck_restart_monitor_keep_waiting_async() and check the state itself).
 * Cancellation is always %G_IO_ERROR_CANCELLED, for every operation.
 * Enabling an instance that already runs with this configuration succeeds
 * without a restart. Before anything is written, the server must be able to
 * run the engine (deck_engine_preflight_async(): its version, and for NATS
 * its ports); otherwise %DECK_ENGINE_ERROR_NOT_SUPPORTED says why and
 * nothing changed.
 */
typedef struct
{
  HdbClient          *client;
  DeckEnableRequest   request;   /* its strings are ours */
  DeckRestartMonitor *monitor;
} Enable;

static void
enable_free (Enable *data)
{
  g_clear_object (&data->client);
  g_clear_object (&data->monitor);
  g_free ((char *) data->request.cluster_user);
  deck_credentials_free_secret ((char *) data->request.cluster_password);
  g_free ((char *) data->request.node_name);
  g_free ((char *) data->request.replication_url);
  g_free (data);
}

static void
on_enabled (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (DECK_ENGINE_GET_CLASS (source)->enable_finish (DECK_ENGINE (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_preflight (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DeckEngine *self = g_task_get_source_object (task);
  Enable *data = g_task_get_task_data (task);
  GCancellable *cancellable;
  GError *error = NULL;

  if (!deck_engine_preflight_finish (result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  cancellable = g_task_get_cancellable (task);
  DECK_ENGINE_GET_CLASS (self)->enable_async (self, data->client, &data->request, data->monitor,
                                              cancellable, on_enabled, g_steal_pointer (&task));
}

void
deck_engine_enable_async (DeckEngine              *self,
                          HdbClient               *client,
                          const DeckEnableRequest *request,
                          DeckRestartMonitor      *monitor,
                          GCancellable            *cancellable,
                          GAsyncReadyCallback      callback,
                          gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  Enable *data;

  g_return_if_fail (DECK_IS_ENGINE (self));
  g_return_if_fail (HDB_IS_CLIENT (client));
  g_return_if_fail (request != NULL);
  g_return_if_fail (DECK_IS_RESTART_MONITOR (monitor));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, deck_engine_enable_async);
  g_task_set_name (task, "[deck] engine enable");
  data = g_new0 (Enable, 1);
  data->client = g_object_ref (client);
  data->monitor = g_object_ref (monitor);
  data->request = *request;
  data->request.cluster_user = g_strdup (request->cluster_user);
  data->request.cluster_password = g_strdup (request->cluster_password);
  data->request.node_name = g_strdup (request->node_name);
  data->request.replication_url = g_strdup (request->replication_url);
  g_task_set_task_data (task, data, (GDestroyNotify) enable_free);

  /* What needs no request is refused before the first one. */
  {
    GError *error = NULL;

    if (request->node_name != NULL &&
        !deck_engine_validate_node_name (self, request->node_name, &error))
      {
        g_task_return_error (task, error);
        return;
      }
  }

  deck_engine_preflight_async (deck_engine_get_kind (self), client, request, cancellable,
                               on_preflight, g_steal_pointer (&task));
}

gboolean
deck_engine_enable_finish (DeckEngine    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (DECK_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == deck_engine_enable_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * deck_engine_connect_async:
 * @self: an engine
 * @client: a super user's client of the instance that connects
 * @cluster_user: the cluster user (native: sent to the peer as credentials)
 * @cluster_password: its password
 * @peer: the other instance; copied
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Errors: %DECK_ENGINE_ERROR, and %HDB_ERROR (prefixed with the peer's URL
 * when the peer answered it).
 */
void
deck_engine_connect_async (DeckEngine          *self,
                           HdbClient           *client,
                           const char          *cluster_user,
                           const char          *cluster_password,
                           const DeckPeer      *peer,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (DECK_IS_ENGINE (self));
  g_return_if_fail (HDB_IS_CLIENT (client));
  g_return_if_fail (peer != NULL);
  g_return_if_fail (HDB_IS_CLIENT (peer->client));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  DECK_ENGINE_GET_CLASS (self)->connect_async (self, client, cluster_user, cluster_password, peer,
                                               cancellable, callback, user_data);
}

gboolean
deck_engine_connect_finish (DeckEngine    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (DECK_IS_ENGINE (self), FALSE);

  return DECK_ENGINE_GET_CLASS (self)->connect_finish (self, result, error);
}

/**
 * deck_engine_disconnect_async:
 * @self: an engine
 * @client: a super user's client of one instance
 * @node_name: (nullable): that instance's node name; %NULL reads it
 * @peer: the other instance; copied. Its @node_name may be %NULL (it is then
 *   read from the peer)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Removes the connection on both sides and checks that neither lists the
 * other. A side that had already forgotten the other is not an error.
 */
void
deck_engine_disconnect_async (DeckEngine          *self,
                              HdbClient           *client,
                              const char          *node_name,
                              const DeckPeer      *peer,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (DECK_IS_ENGINE (self));
  g_return_if_fail (HDB_IS_CLIENT (client));
  g_return_if_fail (peer != NULL);
  g_return_if_fail (peer->client == NULL || HDB_IS_CLIENT (peer->client));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  /* Without the peer's login only this side can be removed; NATS also has
   * to remove the peer's routes, which needs it. */
  if (peer->client == NULL && deck_engine_get_kind (self) == HDB_ENGINE_NATS)
    {
      g_task_report_new_error (self, callback, user_data, deck_engine_disconnect_async,
                               DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_FAILED,
                               _("A NATS node outside the organization cannot be disconnected "
                                 "from here: its routes need its login. Add it to the "
                                 "organization first."));
      return;
    }

  DECK_ENGINE_GET_CLASS (self)->disconnect_async (self, client, node_name, peer, cancellable,
                                                  callback, user_data);
}

gboolean
deck_engine_disconnect_finish (DeckEngine    *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (DECK_IS_ENGINE (self), FALSE);

  if (g_async_result_is_tagged (result, deck_engine_disconnect_async))
    return g_task_propagate_boolean (G_TASK (result), error);
  return DECK_ENGINE_GET_CLASS (self)->disconnect_finish (self, result, error);
}

/* Helpers for the implementations ---------------------------------------- */

/* The host of any URL (operations or replication), without brackets. */
char *
_deck_engine_url_host (const char *url)
{
  g_autoptr(GUri) uri = NULL;

  if (url == NULL)
    return NULL;
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return NULL;
  return g_strdup (g_uri_get_host (uri));
}

/* remove_node on a node that is not there (HTTP 400, both engines). */
gboolean
_deck_engine_error_is_missing_node (const GError *error)
{
  return g_error_matches (error, HDB_ERROR, HDB_ERROR_HARPER) &&
         hdb_error_get_reason (error) == HDB_ERROR_REASON_MISSING_NODE;
}

/* Tells the user which instance answered with an error. */
void
_deck_engine_prefix_peer_error (GError    **error,
                                HdbClient  *peer)
{
  if (error == NULL || *error == NULL)
    return;
  /* Translators: the start of an error message; %s is an instance's URL. */
  g_prefix_error (error, _("%s: "), hdb_client_get_base_url (peer));
}
