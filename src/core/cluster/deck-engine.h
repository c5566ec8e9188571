/* deck-engine.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "deck-credentials.h"
#include "deck-restart-monitor.h"
#include "hdb-client.h"

G_BEGIN_DECLS

#define DECK_ENGINE_ERROR (deck_engine_error_quark ())

typedef enum
{
  DECK_ENGINE_ERROR_INVALID_NODE_NAME,      /* not valid for this engine */
  DECK_ENGINE_ERROR_CLUSTER_USER_MISMATCH,  /* the cluster user exists with another password */
  DECK_ENGINE_ERROR_NOT_APPLIED,            /* the configuration did not take (re-read differs) */
  DECK_ENGINE_ERROR_PARTIAL_CONNECT,        /* add_node answered "but there was an error" */
  DECK_ENGINE_ERROR_NOT_CONNECTED,          /* added, but the link did not come up in time */
  DECK_ENGINE_ERROR_NOT_ENABLED,            /* the instance or the peer is not enabled */
  DECK_ENGINE_ERROR_CERTIFICATE_MISMATCH,   /* the replication URL is not what the user pinned */
  DECK_ENGINE_ERROR_FAILED,
  DECK_ENGINE_ERROR_NOT_SUPPORTED,          /* the server cannot run the engine (version, ports); nothing written */
} DeckEngineError;

#define DECK_DEFAULT_CLUSTER_USER "cluster_user"

/**
 * DeckEnableRequest:
 * @cluster_user: the cluster user's name (same on every instance)
 * @cluster_password: its password (same on every instance)
 * @node_name: this instance's node name
 * @replication_url: (nullable): native only; %NULL derives ws(s)://HOST:PORT
 *   from the client's base URL
 * @nats_hub_port: NATS only: `clustering.hubServer.network.port`
 * @nats_hub_leafnodes_port: NATS only: `clustering.hubServer.leafNodes.network.port`
 * @nats_hub_cluster_port: NATS only: `clustering.hubServer.cluster.network.port`,
 *   the port peers route to
 * @nats_leaf_port: NATS only: `clustering.leafServer.network.port`
 *
 * A NATS port of 0 keeps the port the configuration already has, or else
 * writes Harper's default (9930, 9931, 9932, 9940). Instances that share a
 * host need distinct ports; one instance per host can leave them all at 0.
 */
typedef struct
{
  const char *cluster_user;
  const char *cluster_password;
  const char *node_name;
  const char *replication_url;
  guint       nats_hub_port;
  guint       nats_hub_leafnodes_port;
  guint       nats_hub_cluster_port;
  guint       nats_leaf_port;
} DeckEnableRequest;

/**
 * DeckPeer:
 * @client: (nullable): a client of the peer instance (its own login); %NULL for
 *   a node outside the organization, whose side disconnect then leaves alone
 * @node_name: the peer's node name
 * @replication_url: native: the peer's replication URL
 * @pinned_certificate: (nullable): the SHA-256 fingerprint of the peer's
 *   certificate, when the user pinned it. Native connect then reads the
 *   certificate the replication URL presents and, only when it is this one,
 *   lets the instance accept it without a certificate authority
 *   (`verify_tls: false`); any other refuses the connect before add_node.
 */
typedef struct
{
  HdbClient  *client;
  const char *node_name;
  const char *replication_url;
  const char *pinned_certificate;
} DeckPeer;

#define DECK_TYPE_ENGINE (deck_engine_get_type ())

G_DECLARE_DERIVABLE_TYPE (DeckEngine, deck_engine, DECK, ENGINE, GObject)

struct _DeckEngineClass
{
  GObjectClass parent_class;

  HdbEngine (*get_kind)           (DeckEngine *self);
  gboolean  (*validate_node_name) (DeckEngine  *self,
                                   const char  *node_name,
                                   GError     **error);
  void      (*enable_async)       (DeckEngine              *self,
                                   HdbClient               *client,
                                   const DeckEnableRequest *request,
                                   DeckRestartMonitor      *monitor,
                                   GCancellable            *cancellable,
                                   GAsyncReadyCallback      callback,
                                   gpointer                 user_data);
  gboolean  (*enable_finish)      (DeckEngine    *self,
                                   GAsyncResult  *result,
                                   GError       **error);
  void      (*connect_async)      (DeckEngine          *self,
                                   HdbClient           *client,
                                   const char          *cluster_user,
                                   const char          *cluster_password,
                                   const DeckPeer      *peer,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
  gboolean  (*connect_finish)     (DeckEngine    *self,
                                   GAsyncResult  *result,
                                   GError       **error);
  void      (*disconnect_async)   (DeckEngine          *self,
                                   HdbClient           *client,
                                   const char          *node_name,
                                   const DeckPeer      *peer,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
  gboolean  (*disconnect_finish)  (DeckEngine    *self,
                                   GAsyncResult  *result,
                                   GError       **error);
};

GQuark      deck_engine_error_quark          (void);

/* The engine for an instance, as its configuration says (never the version). */
DeckEngine *deck_engine_new_for              (HdbEngine                kind);
HdbEngine   deck_engine_get_kind             (DeckEngine              *self);
gboolean    deck_engine_validate_node_name   (DeckEngine              *self,
                                              const char              *node_name,
                                              GError                 **error);
char       *deck_engine_suggest_node_name    (DeckEngine              *self,
                                              const char              *instance_name,
                                              const char              *url);
char       *deck_engine_replication_url_for  (const char              *base_url);

/* Creates what is missing (role, cluster user: idempotently; an existing
 * user with another password is DECK_ENGINE_ERROR_CLUSTER_USER_MISMATCH),
 * writes the configuration, re-reads it, restarts through @monitor and
 * follows the restart to its end, then checks cluster_status. */
void        deck_engine_enable_async         (DeckEngine              *self,
                                              HdbClient               *client,
                                              const DeckEnableRequest *request,
                                              DeckRestartMonitor      *monitor,
                                              GCancellable            *cancellable,
                                              GAsyncReadyCallback      callback,
                                              gpointer                 user_data);
gboolean    deck_engine_enable_finish        (DeckEngine              *self,
                                              GAsyncResult            *result,
                                              GError                 **error);
/* Connects @client's instance to @peer and waits until the link is up. */
void        deck_engine_connect_async        (DeckEngine              *self,
                                              HdbClient               *client,
                                              const char              *cluster_user,
                                              const char              *cluster_password,
                                              const DeckPeer          *peer,
                                              GCancellable            *cancellable,
                                              GAsyncReadyCallback      callback,
                                              gpointer                 user_data);
gboolean    deck_engine_connect_finish       (DeckEngine              *self,
                                              GAsyncResult            *result,
                                              GError                 **error);
/* Removes the connection on both sides (@node_name is @client's own node
 * name, which the peer knows it by). */
void        deck_engine_disconnect_async     (DeckEngine              *self,
                                              HdbClient               *client,
                                              const char              *node_name,
                                              const DeckPeer          *peer,
                                              GCancellable            *cancellable,
                                              GAsyncReadyCallback      callback,
                                              gpointer                 user_data);
gboolean    deck_engine_disconnect_finish    (DeckEngine              *self,
                                              GAsyncResult            *result,
                                              GError                 **error);

G_END_DECLS
