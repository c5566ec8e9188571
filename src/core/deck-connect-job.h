/* deck-connect-job.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "deck-context.h"
#include "deck-job.h"

G_BEGIN_DECLS

#define DECK_TYPE_CONNECT_JOB (deck_connect_job_get_type ())

G_DECLARE_FINAL_TYPE (DeckConnectJob, deck_connect_job, DECK, CONNECT_JOB, DeckJob)

DeckConnectJob *deck_connect_job_new                   (DeckContext    *context,
                                                        DeckInstance   *instance,
                                                        DeckInstance   *peer);
void            deck_connect_job_set_cluster_password  (DeckConnectJob *self,
                                                        const char     *password);
const char     *deck_connect_job_get_node_name         (DeckConnectJob *self);
const char     *deck_connect_job_get_peer_node_name    (DeckConnectJob *self);
const char     *deck_connect_job_get_peer_replication_url (DeckConnectJob *self);
const char     *deck_connect_job_get_trust             (DeckConnectJob *self);
const HdbCertificateInfo *deck_connect_job_get_followed_certificate (DeckConnectJob *self);
GPtrArray      *deck_connect_job_get_missing_here      (DeckConnectJob *self);
GPtrArray      *deck_connect_job_get_missing_on_peer   (DeckConnectJob *self);
gboolean        deck_connect_job_has_missing           (DeckConnectJob *self);
gboolean        deck_connect_job_get_created_missing   (DeckConnectJob *self);
gboolean        deck_connect_job_connect               (DeckConnectJob *self,
                                                        gboolean        create_missing,
                                                        GError        **error);

G_END_DECLS
