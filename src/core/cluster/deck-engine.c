/* deck-engine.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DeckEngine turns the user's intents (enable clustering, connect two
 * instances, disconnect them) into the sequence of Harper operations that
 * one replication engine needs. The two engines differ in almost every
 * request (DESIGN.md §2), so this base class only dispatches, and offers the
 * pieces both need: checking or creating the cluster user, polling
 * cluster_status until a condition holds, and a cancellable pause.
 *
 * Nothing here logs a password or an Authorization value; debug messages
 * name operations only.
 */

#define G_LOG_DOMAIN "deck-engine"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "deck-engine.h"
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
 * without a restart.
 */
void
deck_engine_enable_async (DeckEngine              *self,
                          HdbClient               *client,
                          const DeckEnableRequest *request,
                          DeckRestartMonitor      *monitor,
                          GCancellable            *cancellable,
                          GAsyncReadyCallback      callback,
                          gpointer                 user_data)
{
  g_return_if_fail (DECK_IS_ENGINE (self));
  g_return_if_fail (HDB_IS_CLIENT (client));
  g_return_if_fail (request != NULL);
  g_return_if_fail (DECK_IS_RESTART_MONITOR (monitor));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  DECK_ENGINE_GET_CLASS (self)->enable_async (self, client, request, monitor, cancellable,
                                              callback, user_data);
}

gboolean
deck_engine_enable_finish (DeckEngine    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (DECK_IS_ENGINE (self), FALSE);

  return DECK_ENGINE_GET_CLASS (self)->enable_finish (self, result, error);
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

/* Ensuring the cluster user ------------------------------------------------ */

typedef struct
{
  HdbClient *client;
  HdbClient *login;      /* the same instance, logged in as the cluster user */
  char      *username;
  char      *password;
  char      *role;
  gboolean   need_super_user;
} EnsureUser;

static void
ensure_user_free (EnsureUser *data)
{
  g_clear_object (&data->client);
  g_clear_object (&data->login);
  g_free (data->username);
  g_clear_pointer (&data->password, deck_credentials_free_secret);
  g_free (data->role);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnsureUser, ensure_user_free)

static void
on_cluster_user_added (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  message = hdb_client_add_user_finish (HDB_CLIENT (source), result, &error);
  if (message == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_cluster_user_login (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnsureUser *data = g_task_get_task_data (task);
  g_autoptr(HdbUserInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = hdb_client_user_info_finish (HDB_CLIENT (source), result, &error);
  if (g_error_matches (error, HDB_ERROR, HDB_ERROR_AUTH))
    {
      g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_CLUSTER_USER_MISMATCH,
                               _("A user “%s” already exists on this instance with another "
                                 "password. Use that password, or another cluster user name."),
                               data->username);
      return;
    }
  /* Harper may refuse user_info to a role without rights; the login itself
   * worked, which is all this step checks. */
  if (info == NULL && !g_error_matches (error, HDB_ERROR, HDB_ERROR_FORBIDDEN))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_users_listed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnsureUser *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GError) error = NULL;
  const HdbUserInfo *found = NULL;

  users = hdb_client_list_users_finish (HDB_CLIENT (source), result, &error);
  if (users == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < users->len && found == NULL; i++)
    {
      const HdbUserInfo *user = g_ptr_array_index (users, i);

      if (g_strcmp0 (user->username, data->username) == 0)
        found = user;
    }

  if (found == NULL)
    {
      g_debug ("add_user");
      hdb_client_add_user_async (data->client, data->username, data->password, data->role, TRUE,
                                 g_task_get_cancellable (task), on_cluster_user_added,
                                 g_object_ref (task));
      return;
    }

  /* An existing account is only reused as it is: changing its role or
   * password could break whatever else uses it. */
  if (data->need_super_user && !found->super_user)
    {
      g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_CLUSTER_USER_MISMATCH,
                               _("A user “%s” already exists on this instance but is not a super "
                                 "user, which native replication needs for its cluster user. "
                                 "Choose another cluster user name."),
                               data->username);
      return;
    }
  if (!data->need_super_user && !found->cluster_user)
    {
      g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_CLUSTER_USER_MISMATCH,
                               _("A user “%s” already exists on this instance but does not have "
                                 "the cluster_user role that NATS clustering needs. Choose "
                                 "another cluster user name."),
                               data->username);
      return;
    }
  if (!found->active)
    {
      g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_CLUSTER_USER_MISMATCH,
                               _("A user “%s” already exists on this instance but is not active. "
                                 "Activate it, or choose another cluster user name."),
                               data->username);
      return;
    }

  /* The password is checked by logging in with it: Harper never shows one. */
  data->login = hdb_client_new (hdb_client_get_base_url (data->client), data->username,
                                data->password, &error);
  if (data->login == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  hdb_client_set_pinned_certificate (data->login,
                                     hdb_client_get_pinned_certificate (data->client));
  hdb_client_set_timeout (data->login, hdb_client_get_timeout (data->client));
  g_debug ("user_info (as the cluster user)");
  hdb_client_user_info_async (data->login, g_task_get_cancellable (task), on_cluster_user_login,
                              g_object_ref (task));
}

void
_deck_engine_ensure_cluster_user_async (DeckEngine          *self,
                                        HdbClient           *client,
                                        const char          *username,
                                        const char          *password,
                                        const char          *role,
                                        gboolean             need_super_user,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(EnsureUser) data = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _deck_engine_ensure_cluster_user_async);
  g_task_set_name (task, "[deck] ensure cluster user");

  data = g_new0 (EnsureUser, 1);
  data->client = g_object_ref (client);
  data->username = g_strdup (username);
  data->password = g_strdup (password);
  data->role = g_strdup (role);
  data->need_super_user = need_super_user;
  g_task_set_task_data (task, g_steal_pointer (&data), (GDestroyNotify) ensure_user_free);

  g_debug ("list_users");
  hdb_client_list_users_async (client, cancellable, on_users_listed, g_steal_pointer (&task));
}

gboolean
_deck_engine_ensure_cluster_user_finish (DeckEngine    *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        _deck_engine_ensure_cluster_user_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Polling cluster_status ---------------------------------------------------- */

typedef struct
{
  HdbClient        *client;
  DeckStatusCheck   check;
  gpointer          check_data;
  guint             interval_ms;
  gint64            deadline;
  HdbClusterStatus *last;
  GError           *last_error;
  guint             timer;
} Poll;

typedef struct
{
  HdbClusterStatus *status;
  gboolean          satisfied;
} PollResult;

static void
poll_free (Poll *poll)
{
  g_clear_handle_id (&poll->timer, g_source_remove);
  g_clear_object (&poll->client);
  g_clear_pointer (&poll->last, hdb_cluster_status_free);
  g_clear_error (&poll->last_error);
  g_free (poll);
}

static void
poll_result_free (PollResult *r)
{
  g_clear_pointer (&r->status, hdb_cluster_status_free);
  g_free (r);
}

static void
poll_return (GTask    *task,
             gboolean  satisfied)
{
  Poll *poll = g_task_get_task_data (task);
  PollResult *r;

  if (poll->last == NULL && poll->last_error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&poll->last_error));
      return;
    }
  r = g_new0 (PollResult, 1);
  r->status = g_steal_pointer (&poll->last);
  r->satisfied = satisfied;
  g_task_return_pointer (task, r, (GDestroyNotify) poll_result_free);
}

static void poll_once (GTask *task);

static gboolean
on_poll_timer (gpointer user_data)
{
  GTask *task = user_data;
  Poll *poll = g_task_get_task_data (task);

  poll->timer = 0;
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return G_SOURCE_REMOVE;
    }
  poll_once (task);
  return G_SOURCE_REMOVE;
}

static void
on_poll_status (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;   /* the poll's own reference */
  Poll *poll = g_task_get_task_data (task);
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  GSource *source_timer;

  status = hdb_client_cluster_status_finish (HDB_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      if (!g_task_return_error_if_cancelled (task))
        g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  if (status != NULL)
    {
      gboolean satisfied = poll->check (status, poll->check_data);

      g_clear_pointer (&poll->last, hdb_cluster_status_free);
      poll->last = g_steal_pointer (&status);
      if (satisfied)
        {
          poll_return (task, TRUE);
          g_object_unref (task);
          return;
        }
    }
  else
    {
      /* The instance may be restarting: keep asking until the deadline. */
      g_clear_error (&poll->last_error);
      poll->last_error = g_steal_pointer (&error);
    }

  if (g_get_monotonic_time () + (gint64) poll->interval_ms * 1000 > poll->deadline)
    {
      poll_return (task, FALSE);
      g_object_unref (task);
      return;
    }

  source_timer = g_timeout_source_new (poll->interval_ms);
  g_source_set_callback (source_timer, on_poll_timer, task, NULL);
  g_source_set_static_name (source_timer, "[deck] cluster status poll");
  poll->timer = g_source_attach (source_timer, g_task_get_context (task));
  g_source_unref (source_timer);
}

static void
poll_once (GTask *task)
{
  Poll *poll = g_task_get_task_data (task);

  hdb_client_cluster_status_async (poll->client, g_task_get_cancellable (task), on_poll_status,
                                   task);
}

void
_deck_engine_poll_status_async (DeckEngine          *self,
                                HdbClient           *client,
                                DeckStatusCheck      check,
                                gpointer             check_data,
                                guint                interval_ms,
                                guint                timeout_ms,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;
  Poll *poll;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _deck_engine_poll_status_async);
  g_task_set_name (task, "[deck] cluster status poll");

  poll = g_new0 (Poll, 1);
  poll->client = g_object_ref (client);
  poll->check = check;
  poll->check_data = check_data;
  poll->interval_ms = MAX (interval_ms, 50);
  poll->deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  g_task_set_task_data (task, poll, (GDestroyNotify) poll_free);

  poll_once (task);
}

HdbClusterStatus *
_deck_engine_poll_status_finish (DeckEngine    *self,
                                 GAsyncResult  *result,
                                 gboolean      *satisfied,
                                 GError       **error)
{
  PollResult *r;
  HdbClusterStatus *status;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        _deck_engine_poll_status_async, NULL);

  if (satisfied != NULL)
    *satisfied = FALSE;
  r = g_task_propagate_pointer (G_TASK (result), error);
  if (r == NULL)
    return NULL;
  if (satisfied != NULL)
    *satisfied = r->satisfied;
  status = g_steal_pointer (&r->status);
  poll_result_free (r);
  return status;
}

/* A cancellable pause -------------------------------------------------------- */

typedef struct
{
  GSource      *timer;
  GCancellable *cancellable;
  gulong        cancelled_handler;
} Sleep;

static void
sleep_free (Sleep *data)
{
  if (data->timer != NULL)
    {
      g_source_destroy (data->timer);
      g_source_unref (data->timer);
    }
  g_cancellable_disconnect (data->cancellable, data->cancelled_handler);
  g_clear_object (&data->cancellable);
  g_free (data);
}

static gboolean
on_sleep_done (gpointer user_data)
{
  GTask *task = user_data;

  if (!g_task_return_error_if_cancelled (task))
    g_task_return_boolean (task, TRUE);
  return G_SOURCE_REMOVE;
}

static void
on_sleep_cancelled (GCancellable *cancellable,
                    gpointer      user_data)
{
  GTask *task = user_data;
  Sleep *data = g_task_get_task_data (task);

  /* Runs in the thread that cancelled: end the pause in the task's context. */
  g_source_set_ready_time (data->timer, 0);
}

void
_deck_engine_sleep_async (DeckEngine          *self,
                          guint                ms,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;
  Sleep *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _deck_engine_sleep_async);
  g_task_set_name (task, "[deck] engine pause");

  data = g_new0 (Sleep, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) sleep_free);

  data->timer = g_timeout_source_new (ms);
  g_source_set_callback (data->timer, on_sleep_done, task, g_object_unref);
  g_source_set_static_name (data->timer, "[deck] engine pause");
  g_source_attach (data->timer, g_task_get_context (task));
  if (cancellable != NULL)
    {
      data->cancellable = g_object_ref (cancellable);
      data->cancelled_handler = g_cancellable_connect (cancellable,
                                                       G_CALLBACK (on_sleep_cancelled), task,
                                                       NULL);
    }
}

gboolean
_deck_engine_sleep_finish (DeckEngine    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == _deck_engine_sleep_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Reading the node names -------------------------------------------------- */

typedef struct
{
  HdbClient             *client;
  HdbClient             *peer_client;
  char                  *own_name;
  char                  *peer_name;
  DeckEnabledCheck       is_enabled;
  DeckNotEnabledMessage  not_enabled;
} NodeNames;

static void
node_names_free (NodeNames *data)
{
  g_clear_object (&data->client);
  g_clear_object (&data->peer_client);
  g_free (data->own_name);
  g_free (data->peer_name);
  g_free (data);
}

static void node_names_next (GTask *task);

static void
on_node_name_read (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  NodeNames *data = g_task_get_task_data (task);
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  gboolean is_peer = data->own_name != NULL;   /* see node_names_next() */

  status = hdb_client_cluster_status_finish (HDB_CLIENT (source), result, &error);
  if (status == NULL)
    {
      if (is_peer)
        _deck_engine_prefix_peer_error (&error, data->peer_client);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!data->is_enabled (status))
    {
      g_autofree char *message = data->not_enabled (hdb_client_get_base_url (HDB_CLIENT (source)));

      g_task_return_new_error (task, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_ENABLED, "%s",
                               message);
      return;
    }
  if (is_peer)
    data->peer_name = g_strdup (status->node_name);
  else
    data->own_name = g_strdup (status->node_name);
  node_names_next (g_steal_pointer (&task));
}

static void
node_names_next (GTask *task)
{
  NodeNames *data = g_task_get_task_data (task);

  if (data->own_name == NULL)
    {
      g_debug ("cluster_status");
      hdb_client_cluster_status_async (data->client, g_task_get_cancellable (task),
                                       on_node_name_read, task);
      return;
    }
  if (data->peer_name == NULL)
    {
      g_debug ("cluster_status (peer)");
      hdb_client_cluster_status_async (data->peer_client, g_task_get_cancellable (task),
                                       on_node_name_read, task);
      return;
    }
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

void
_deck_engine_read_node_names_async (DeckEngine            *self,
                                    HdbClient             *client,
                                    HdbClient             *peer_client,
                                    const char            *own_name,
                                    const char            *peer_name,
                                    DeckEnabledCheck       is_enabled,
                                    DeckNotEnabledMessage  not_enabled,
                                    GCancellable          *cancellable,
                                    GAsyncReadyCallback    callback,
                                    gpointer               user_data)
{
  GTask *task;
  NodeNames *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _deck_engine_read_node_names_async);
  g_task_set_name (task, "[deck] read node names");

  data = g_new0 (NodeNames, 1);
  data->client = g_object_ref (client);
  data->peer_client = peer_client != NULL ? g_object_ref (peer_client) : NULL;
  data->own_name = g_strdup (own_name);
  data->peer_name = g_strdup (peer_name);
  data->is_enabled = is_enabled;
  data->not_enabled = not_enabled;
  g_task_set_task_data (task, data, (GDestroyNotify) node_names_free);

  node_names_next (task);
}

gboolean
_deck_engine_read_node_names_finish (DeckEngine    *self,
                                     GAsyncResult  *result,
                                     char         **own_name,
                                     char         **peer_name,
                                     GError       **error)
{
  NodeNames *data;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        _deck_engine_read_node_names_async, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  data = g_task_get_task_data (G_TASK (result));
  g_free (*own_name);
  *own_name = g_strdup (data->own_name);
  g_free (*peer_name);
  *peer_name = g_strdup (data->peer_name);
  return TRUE;
}
