/* deck-instance.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hdb-types.h"

G_BEGIN_DECLS

/**
 * DeckInstanceStatus:
 * @DECK_INSTANCE_STATUS_UNKNOWN: not checked yet
 * @DECK_INSTANCE_STATUS_CHECKING: a first check is running
 * @DECK_INSTANCE_STATUS_REACHABLE: answered with the stored credentials
 * @DECK_INSTANCE_STATUS_UNREACHABLE: no answer (network, timeout, server error)
 * @DECK_INSTANCE_STATUS_AUTH_FAILED: the login was refused
 * @DECK_INSTANCE_STATUS_UNTRUSTED_CERTIFICATE: TLS: unknown or changed certificate
 * @DECK_INSTANCE_STATUS_NO_PASSWORD: no password known for this instance
 */
typedef enum
{
  DECK_INSTANCE_STATUS_UNKNOWN,
  DECK_INSTANCE_STATUS_CHECKING,
  DECK_INSTANCE_STATUS_REACHABLE,
  DECK_INSTANCE_STATUS_UNREACHABLE,
  DECK_INSTANCE_STATUS_AUTH_FAILED,
  DECK_INSTANCE_STATUS_UNTRUSTED_CERTIFICATE,
  DECK_INSTANCE_STATUS_NO_PASSWORD,
} DeckInstanceStatus;

#define DECK_TYPE_INSTANCE_STATUS (deck_instance_status_get_type ())

GType       deck_instance_status_get_type  (void) G_GNUC_CONST;
const char *deck_instance_status_to_string (DeckInstanceStatus status);

#define DECK_TYPE_INSTANCE (deck_instance_get_type ())

G_DECLARE_FINAL_TYPE (DeckInstance, deck_instance, DECK, INSTANCE, GObject)

/* Stored (in the organizations file; never a password) */
DeckInstance       *deck_instance_new                    (const char   *id,
                                                          const char   *organization_id,
                                                          const char   *name,
                                                          const char   *url,
                                                          const char   *username);
const char         *deck_instance_get_id                 (DeckInstance *self);
const char         *deck_instance_get_organization_id    (DeckInstance *self);
const char         *deck_instance_get_name               (DeckInstance *self);
void                deck_instance_set_name               (DeckInstance *self,
                                                          const char   *name);
const char         *deck_instance_get_url                (DeckInstance *self);
void                deck_instance_set_url                (DeckInstance *self,
                                                          const char   *url);
const char         *deck_instance_get_username           (DeckInstance *self);
void                deck_instance_set_username           (DeckInstance *self,
                                                          const char   *username);
const char         *deck_instance_get_pinned_certificate (DeckInstance *self);
void                deck_instance_set_pinned_certificate (DeckInstance *self,
                                                          const char   *sha256);
gboolean            deck_instance_get_login_in_clear     (DeckInstance *self);

/* Live state (from the last check; not stored) */
DeckInstanceStatus  deck_instance_get_status             (DeckInstance *self);
const char         *deck_instance_get_version            (DeckInstance *self);
HdbEngine           deck_instance_get_engine             (DeckInstance *self);
const char         *deck_instance_get_node_name          (DeckInstance *self);
const char         *deck_instance_get_login_user         (DeckInstance *self);
gboolean            deck_instance_get_super_user         (DeckInstance *self);
gboolean            deck_instance_get_restart_pending    (DeckInstance *self);
const char         *deck_instance_get_last_error         (DeckInstance *self);
GDateTime          *deck_instance_get_last_checked       (DeckInstance *self);
void                deck_instance_set_checking           (DeckInstance *self);
/* No password is known for the login (status NO_PASSWORD). */
void                deck_instance_set_no_password        (DeckInstance *self);
void                deck_instance_update_from_info       (DeckInstance        *self,
                                                          const HdbServerInfo *info);
void                deck_instance_update_from_error      (DeckInstance *self,
                                                          const GError *error);

G_END_DECLS
