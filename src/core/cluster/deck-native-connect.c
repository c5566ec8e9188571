/* deck-native-connect.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Connecting two instances of native replication: add_node with the peer's
 * URL and the cluster user as a ready-made "Basic …" string (an object is
 * sent raw to the peer, Q3), retained on plain ws, then a wait until the
 * link is up. An HTTP 200 "… but there was an error" leaves a stray record
 * behind (Q4), which is removed before failing.
 *
 * A peer whose certificate the user pinned is reached over wss:// with
 * `verify_tls: false` (its self-signed certificate has no authority, Q10):
 * the instance then accepts whatever certificate the replication URL
 * presents, and sends it the cluster user's super-user credential. That
 * URL comes from the peer's own configuration and may name another host or
 * port than the one whose certificate the user pinned, so the app first
 * reads the certificate the URL presents itself and goes on only when it
 * is the pinned one; otherwise nothing is sent.
 */

#define G_LOG_DOMAIN "deck-native-engine"

#include <glib/gi18n-lib.h>

#include "deck-engine-preflight.h"
#include "deck-native-engine-private.h"

/* Connect --------------------------------------------------------------------- */

typedef struct
{
  DeckLink   link;
  char      *cluster_user;
  char      *authorization;   /* "Basic …": never logged */
  char      *peer_url;
  char      *pinned;          /* the peer's pinned certificate, or NULL */
  gboolean   tls_checked;     /* the replication URL presents the pinned certificate */
  char      *harper_message;  /* of a partial add_node */
  GPtrArray *cleanup;         /* Removal, still to run */
  GPtrArray *subscriptions;   /* HdbSubscription; NULL: full replication */
} Connect;

/* One remove_node of the clean-up after a partial add_node. */
typedef struct
{
  HdbClient *client;
  char      *name;
} Removal;

static void
removal_free (Removal *removal)
{
  g_clear_object (&removal->client);
  g_free (removal->name);
  g_free (removal);
}

static void
connect_free (Connect *data)
{
  _deck_link_clear (&data->link);
  g_free (data->cluster_user);
  g_clear_pointer (&data->authorization, deck_credentials_free_secret);
  g_free (data->peer_url);
  g_free (data->pinned);
  g_free (data->harper_message);
  g_clear_pointer (&data->cleanup, g_ptr_array_unref);
  g_clear_pointer (&data->subscriptions, g_ptr_array_unref);
  g_free (data);
}

static DeckStepResult
connect_validate (DeckStepRun   *run,
                  gpointer       data,
                  GObject       *source,
                  GAsyncResult  *result,
                  GError       **error)
{
  Connect *connect = data;

  if (connect->authorization == NULL)
    {
      g_set_error_literal (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_FAILED,
                           _("The cluster user needs a name and a password."));
      return DECK_STEP_CHECK_FAILED;
    }
  return DECK_STEP_NEXT;
}

static gboolean
peer_url_known (gpointer data)
{
  return ((Connect *) data)->peer_url != NULL;
}

static DeckStepResult
connect_peer_config_read (DeckStepRun   *run,
                          gpointer       data,
                          GObject       *source,
                          GAsyncResult  *result,
                          GError       **error)
{
  Connect *connect = data;
  g_autoptr(HdbConfiguration) config = NULL;

  config = hdb_client_get_configuration_finish (HDB_CLIENT (source), result, error);
  if (config == NULL)
    return DECK_STEP_REQUEST_FAILED;
  if (config->replication_url != NULL && *config->replication_url != '\0')
    connect->peer_url = g_strdup (config->replication_url);
  else
    connect->peer_url = deck_engine_replication_url_for (hdb_client_get_base_url (HDB_CLIENT (source)));
  return DECK_STEP_NEXT;
}

/* Skips: no certificate is pinned for the peer, or the replication URL
 * has no TLS (plain ws: verify_tls means nothing there). */
static gboolean
no_pinned_tls (gpointer data)
{
  Connect *connect = data;

  return connect->pinned == NULL || g_ascii_strncasecmp (connect->peer_url, "wss://", 6) != 0;
}

static void
connect_fetch_certificate (DeckStepRun         *run,
                           gpointer             data,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  Connect *connect = data;

  hdb_fetch_certificate_async (connect->peer_url,
                               hdb_client_get_timeout (connect->link.peer_client != NULL
                                                       ? connect->link.peer_client
                                                       : connect->link.client),
                               _deck_step_run_get_cancellable (run), callback, user_data);
}

static DeckStepResult
connect_certificate_read (DeckStepRun   *run,
                          gpointer       data,
                          GObject       *source,
                          GAsyncResult  *result,
                          GError       **error)
{
  Connect *connect = data;
  g_autoptr(HdbCertificateInfo) presented = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *expected = hdb_format_fingerprint (connect->pinned);

  presented = hdb_fetch_certificate_finish (result, &local_error);
  if (presented == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return DECK_STEP_CHECK_FAILED;
        }
      g_set_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_CERTIFICATE_MISMATCH,
                   _("Not connected: the certificate of “%s”’s replication URL %s could not be "
                     "read, so it cannot be compared with the certificate you pinned (SHA-256 "
                     "%s). Nothing was sent. %s"),
                   connect->link.peer_name, connect->peer_url, expected, local_error->message);
      return DECK_STEP_CHECK_FAILED;
    }
  if (!hdb_fingerprint_equal (presented->sha256, connect->pinned))
    {
      g_set_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_CERTIFICATE_MISMATCH,
                   _("Not connected: “%s”’s replication URL %s presents the certificate "
                     "SHA-256 %s, not the one you pinned (SHA-256 %s). Nothing was sent: "
                     "“%s” would have accepted that certificate without a certificate "
                     "authority. Check the replication URL in the configuration of “%s”."),
                   connect->link.peer_name, connect->peer_url, presented->sha256, expected,
                   connect->link.own_name, connect->link.peer_name);
      return DECK_STEP_CHECK_FAILED;
    }
  connect->tls_checked = TRUE;
  return DECK_STEP_NEXT;
}

static void
connect_add_node (DeckStepRun         *run,
                  gpointer             data,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  Connect *connect = data;
  HdbNodeSpec spec = {
    .engine = HDB_ENGINE_NATIVE,
    .name = connect->link.peer_name,
    .url = connect->peer_url,
    .authorization = connect->authorization,
    /* On plain ws the peer can only tell who connects by these credentials
     * (Q3); over wss the certificates exchanged by add_node do it. */
    .retain_authorization = g_ascii_strncasecmp (connect->peer_url, "ws://", 5) == 0,
    /* Only for the certificate the user pinned, read from the URL itself
     * just before (connect_certificate_read). */
    .skip_tls_verify = connect->tls_checked,
    /* Full replication, which the replication grid narrows later; or, when
     * the two versions may not share the system database, every common
     * table both ways (the step before). */
    .subscriptions = connect->subscriptions,
  };

  hdb_client_add_node_async (connect->link.client, &spec, _deck_step_run_get_cancellable (run),
                             callback, user_data);
}

/* Full replication, or table by table between versions whose system
 * databases differ (deck-engine-preflight.c). */
static void
connect_how_to_link (DeckStepRun         *run,
                     gpointer             data,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  Connect *connect = data;

  _deck_engine_link_subscriptions_async (connect->link.client, connect->link.peer_client,
                                         _deck_step_run_get_cancellable (run), callback,
                                         user_data);
}

static DeckStepResult
connect_linked_how (DeckStepRun   *run,
                    gpointer       data,
                    GObject       *source,
                    GAsyncResult  *result,
                    GError       **error)
{
  Connect *connect = data;

  if (!_deck_engine_link_subscriptions_finish (result, &connect->subscriptions, error))
    return DECK_STEP_CHECK_FAILED;
  return DECK_STEP_NEXT;
}

static void
cleanup_add (Connect    *connect,
             HdbClient  *client,
             const char *name)
{
  Removal *removal;

  if (name == NULL || *name == '\0')
    return;
  for (guint i = 0; i < connect->cleanup->len; i++)
    {
      const Removal *other = g_ptr_array_index (connect->cleanup, i);

      if (other->client == client && g_strcmp0 (other->name, name) == 0)
        return;
    }
  removal = g_new0 (Removal, 1);
  removal->client = g_object_ref (client);
  removal->name = g_strdup (name);
  g_ptr_array_add (connect->cleanup, removal);
}

static DeckStepResult
connect_node_added (DeckStepRun   *run,
                    gpointer       data,
                    GObject       *source,
                    GAsyncResult  *result,
                    GError       **error)
{
  Connect *connect = data;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *host = NULL;

  message = hdb_client_add_node_finish (HDB_CLIENT (source), result, &local_error);
  if (message == NULL && g_error_matches (local_error, HDB_ERROR, HDB_ERROR_HARPER) &&
      hdb_error_get_status (local_error) == 200)
    {
      /* Q4: the local side was added, the peer's was not. The stray record
       * keeps retrying and, while named after a loopback address, makes any
       * loopback connection trusted (Q3): remove it, under the peer's name
       * and under the URL's host, and our record on the peer if any. */
      connect->harper_message = g_strdup (hdb_error_get_harper_message (local_error));
      connect->cleanup = g_ptr_array_new_with_free_func ((GDestroyNotify) removal_free);
      host = _deck_engine_url_host (connect->peer_url);
      cleanup_add (connect, connect->link.client, connect->link.peer_name);
      cleanup_add (connect, connect->link.client, host);
      cleanup_add (connect, connect->link.peer_client, connect->link.own_name);
      return DECK_STEP_NEXT;
    }
  if (message == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return DECK_STEP_REQUEST_FAILED;
    }
  return DECK_STEP_NEXT;
}

static gboolean
nothing_to_clean (gpointer data)
{
  return ((Connect *) data)->cleanup == NULL;
}

static gboolean
something_to_clean (gpointer data)
{
  return ((Connect *) data)->cleanup != NULL;
}

/* Harper's "Successfully added … but there was an error updating target
 * node: Error returned from URL: REASON" in the user's words. */
static GError *
partial_connect_error (Connect *connect)
{
  const char *reason = hdb_message_get_peer_detail (connect->harper_message);
  HdbErrorReason kind = hdb_classify_message (connect->harper_message);

  if (reason == NULL)
    reason = connect->harper_message ? connect->harper_message : "";

  if (kind == HDB_ERROR_REASON_PEER_REFUSED_LOGIN)
    return g_error_new (DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_PARTIAL_CONNECT,
                        _("“%s” refused the login of the cluster user “%s”. Check that the "
                          "cluster user exists there with the same password as on this instance."),
                        connect->link.peer_name, connect->cluster_user);
  if (kind == HDB_ERROR_REASON_PEER_UNREACHABLE)
    return g_error_new (DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_PARTIAL_CONNECT,
                        _("This instance could not reach “%s” at %s (%s). Check that its "
                          "replication URL can be reached from here."),
                        connect->link.peer_name, connect->peer_url, reason);
  return g_error_new (DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_PARTIAL_CONNECT,
                      _("“%s” did not accept the connection, so it was removed again. Harper "
                        "said: %s"),
                      connect->link.peer_name, reason);
}

static void
connect_clean_up (DeckStepRun         *run,
                  gpointer             data,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  Connect *connect = data;
  const Removal *removal = g_ptr_array_index (connect->cleanup, 0);

  hdb_client_remove_node_async (removal->client, HDB_ENGINE_NATIVE, removal->name,
                                _deck_step_run_get_cancellable (run), callback, user_data);
}

/* Best effort: "does not exist" is the usual answer for all but one of the
 * names tried. When all are tried, the connect fails with the reason. */
static DeckStepResult
connect_cleaned_up (DeckStepRun   *run,
                    gpointer       data,
                    GObject       *source,
                    GAsyncResult  *result,
                    GError       **error)
{
  Connect *connect = data;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *message = NULL;

  message = hdb_client_remove_node_finish (HDB_CLIENT (source), result, &local_error);
  if (local_error != NULL && !_deck_engine_error_is_missing_node (local_error))
    g_debug ("remove_node (clean-up) failed: %s", hdb_error_code_to_string (local_error->code));
  g_ptr_array_remove_index (connect->cleanup, 0);
  if (connect->cleanup->len > 0)
    return DECK_STEP_AGAIN;

  g_propagate_error (error, partial_connect_error (connect));
  return DECK_STEP_CHECK_FAILED;
}

static DeckStepResult
connect_linked (DeckStepRun   *run,
                gpointer       data,
                GObject       *source,
                GAsyncResult  *result,
                GError       **error)
{
  Connect *connect = data;
  g_autoptr(HdbClusterStatus) status = NULL;
  g_autoptr(GString) down = g_string_new (NULL);
  const HdbConnection *conn;
  gboolean satisfied;

  status = _deck_engine_poll_status_finish (DECK_ENGINE (source), result, &satisfied, error);
  if (status == NULL)
    return DECK_STEP_REQUEST_FAILED;
  if (satisfied)
    return DECK_STEP_NEXT;

  conn = hdb_cluster_status_find_connection (status, connect->link.peer_name);
  for (guint i = 0; conn != NULL && i < conn->database_sockets->len; i++)
    {
      const HdbDatabaseSocket *s = g_ptr_array_index (conn->database_sockets, i);

      if (!s->connected)
        g_string_append_printf (down, "%s%s", down->len > 0 ? ", " : "", s->database);
    }
  if (down->len > 0)
    g_set_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_CONNECTED,
                 _("The connection to “%s” was added, but these databases were still not "
                   "connected after %u seconds: %s."),
                 connect->link.peer_name, _deck_native_link.link_timeout_ms / 1000, down->str);
  else
    g_set_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_NOT_CONNECTED,
                 _("The connection to “%s” was added but did not come up within %u seconds."),
                 connect->link.peer_name, _deck_native_link.link_timeout_ms / 1000);
  return DECK_STEP_CHECK_FAILED;
}

static const DeckStep connect_steps[] = {
  { "check the request", DECK_STEP_DEFAULT, NULL, NULL, connect_validate, NULL },
  { "cluster_status", DECK_STEP_DEFAULT, NULL, _deck_step_cluster_status, _deck_link_name_read,
    NULL },
  { "cluster_status (peer)", DECK_STEP_ON_PEER, NULL, _deck_step_cluster_status,
    _deck_link_name_read, NULL },
  { "get_configuration (peer)", DECK_STEP_ON_PEER, peer_url_known, _deck_step_get_configuration,
    connect_peer_config_read, NULL },
  { "registration_info and describe_all (both)", DECK_STEP_DEFAULT, NULL, connect_how_to_link,
    connect_linked_how, NULL },
  { "certificate of the replication URL", DECK_STEP_DEFAULT, no_pinned_tls,
    connect_fetch_certificate, connect_certificate_read, NULL },
  { "add_node", DECK_STEP_DEFAULT, NULL, connect_add_node, connect_node_added, NULL },
  { "remove_node (clean-up)", DECK_STEP_DEFAULT, nothing_to_clean, connect_clean_up,
    connect_cleaned_up, NULL },
  { "cluster_status (until the link is up)", DECK_STEP_DEFAULT, something_to_clean,
    _deck_link_wait_linked, connect_linked, NULL },
};

static const DeckStepList connect_list = {
  "native connect", connect_steps, G_N_ELEMENTS (connect_steps), NULL,
};

void
_deck_native_engine_connect_async (DeckEngine          *engine,
                                  HdbClient           *client,
                                  const char          *cluster_user,
                                  const char          *cluster_password,
                                  const DeckPeer      *peer,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  Connect *data = g_new0 (Connect, 1);

  _deck_link_init (&data->link, &_deck_native_link, client, peer->client, NULL, peer->node_name, TRUE);
  data->cluster_user = g_strdup (cluster_user);
  data->peer_url = g_strdup (peer->replication_url);
  data->pinned = hdb_normalize_fingerprint (peer->pinned_certificate);
  if (cluster_user != NULL && *cluster_user != '\0' &&
      cluster_password != NULL && *cluster_password != '\0')
    data->authorization = hdb_basic_authorization (cluster_user, cluster_password);

  _deck_steps_run_async (engine, &connect_list, data, (GDestroyNotify) connect_free, client,
                         peer->client, cancellable, callback, user_data);
}
