/* deck-credentials.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DECK_CREDENTIALS_ERROR (deck_credentials_error_quark ())

typedef enum
{
  DECK_CREDENTIALS_ERROR_TIMEOUT,      /* the secret service did not answer in time */
  DECK_CREDENTIALS_ERROR_LOCKED,       /* the keyring is locked, or has no default collection */
  DECK_CREDENTIALS_ERROR_UNAVAILABLE,  /* no secret service */
  DECK_CREDENTIALS_ERROR_FAILED,
} DeckCredentialsError;

/**
 * DeckSecretKind:
 * @DECK_SECRET_INSTANCE_LOGIN: the password of an instance's login (key: instance id)
 * @DECK_SECRET_CLUSTER_USER: an organization's cluster user password (key: organization id)
 */
typedef enum
{
  DECK_SECRET_INSTANCE_LOGIN,
  DECK_SECRET_CLUSTER_USER,
} DeckSecretKind;

#define DECK_TYPE_CREDENTIALS (deck_credentials_get_type ())

G_DECLARE_FINAL_TYPE (DeckCredentials, deck_credentials, DECK, CREDENTIALS, GObject)

GQuark           deck_credentials_error_quark   (void);

DeckCredentials *deck_credentials_new           (void);
/* The process-wide instance used by the app and the CLI */
DeckCredentials *deck_credentials_get_default   (void);

guint            deck_credentials_get_timeout   (DeckCredentials *self);
void             deck_credentials_set_timeout   (DeckCredentials *self,
                                                 guint            timeout_ms);

/* TRUE once the secret service turned out to be missing: passwords are
 * then kept in memory for this run only ("memory-only" notifies). */
gboolean         deck_credentials_get_memory_only (DeckCredentials *self);

void             deck_credentials_store_async   (DeckCredentials     *self,
                                                 DeckSecretKind       kind,
                                                 const char          *key,
                                                 const char          *label,
                                                 const char          *secret,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean         deck_credentials_store_finish  (DeckCredentials     *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
/* Returns NULL without an error when nothing is stored. */
void             deck_credentials_lookup_async  (DeckCredentials     *self,
                                                 DeckSecretKind       kind,
                                                 const char          *key,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
char            *deck_credentials_lookup_finish (DeckCredentials     *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
void             deck_credentials_clear_async   (DeckCredentials     *self,
                                                 DeckSecretKind       kind,
                                                 const char          *key,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean         deck_credentials_clear_finish  (DeckCredentials     *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

/* Wipes a password (as returned by deck_credentials_lookup_finish) and frees it. */
void             deck_credentials_free_secret   (char                *secret);

G_END_DECLS
