/* fault-server.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The loopback fixture the fault test programs share: a SoupServer whose
 * every answer a test chooses (well-formed HTTP, or a body cut off by
 * closing the connection mid-way), and a client for it.
 */

#pragma once

#include <libsoup/soup.h>

#include "hdb-client.h"

G_BEGIN_DECLS

/* The version the fake server claims: any well-formed one will do, these
 * tests are about the transport and the parsing, not a Harper release. */
#define FAKE_VERSION "4.4.18"

typedef void (*FaultHandler) (SoupServerMessage *msg,
                              gpointer           data);

typedef struct
{
  SoupServer   *server;
  char         *url;
  FaultHandler  handler;
  gpointer      handler_data;
  guint         n_requests;
  GPtrArray    *paused;
  GString      *last_body;    /* the last request's body */
  char         *last_path;    /* and its path */
} FaultServer;

FaultServer *fault_server_new          (FaultHandler       handler,
                                        GTlsCertificate   *certificate);
void         fault_server_free         (FaultServer       *fs);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FaultServer, fault_server_free)

void         fault_respond             (SoupServerMessage *msg,
                                        guint              status,
                                        const char        *content_type,
                                        const char        *body);
void         fault_respond_bytes       (SoupServerMessage *msg,
                                        guint              status,
                                        const char        *content_type,
                                        const char        *data,
                                        gsize              length);
void         fault_respond_cut_off     (SoupServerMessage *msg,
                                        const char        *data,
                                        gsize              length,
                                        gsize              announced);
void         fault_handle_never        (SoupServerMessage *msg,
                                        gpointer           data);
void         fault_respond_later       (SoupServerMessage *msg,
                                        guint              delay_ms,
                                        guint              status,
                                        const char        *body,
                                        guint             *in_flight);

HdbClient   *fault_client_for          (const char        *url);
GError      *fault_registration_error  (HdbClient         *client);
char        *fault_load_fixture        (const char        *name);

G_END_DECLS
