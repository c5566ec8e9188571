/* deck-disconnect-job.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Disconnecting an instance from a peer: one of the organization (both
 * sides are removed) or a node outside it (known by its node name and URL
 * only: this side is removed, as far as the engine can without the peer's
 * login). It reads the instance's server first, which says the engine and
 * the instance's node name, and the peer's when its node name is not
 * given, then disconnects through the engine.
 */

#define G_LOG_DOMAIN "deck-disconnect-job"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "deck-disconnect-job.h"
#include "deck-engine.h"
#include "deck-job-private.h"

struct _DeckDisconnectJob
{
  DeckJob        parent_instance;

  DeckInstance  *instance;         /* the job's (borrowed) */
  DeckInstance  *peer;             /* the job's (borrowed); NULL for a node outside
                                    * the organization */

  /* Owned */
  char          *peer_node_name;
  char          *peer_url;
  HdbClient     *client;
  HdbClient     *peer_client;      /* NULL when the peer's login is not known */
  HdbServerInfo *info;
  HdbServerInfo *peer_info;
  GError        *read_error;       /* the first one */
  guint          n_waiting;
};

G_DEFINE_FINAL_TYPE (DeckDisconnectJob, deck_disconnect_job, DECK_TYPE_JOB)

static const char *
peer_label (DeckDisconnectJob *self)
{
  return self->peer != NULL ? deck_instance_get_name (self->peer) : self->peer_node_name;
}

static void
on_disconnected (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(DeckDisconnectJob) self = user_data;
  GError *error = NULL;

  if (!deck_engine_disconnect_finish (DECK_ENGINE (source), result, &error))
    {
      _deck_job_fail (DECK_JOB (self), error);
      return;
    }
  _deck_job_succeed (DECK_JOB (self));
}

static void
disconnect_now (DeckDisconnectJob *self)
{
  g_autoptr(DeckEngine) engine = NULL;
  g_autofree char *phase = NULL;
  DeckPeer peer = { 0 };
  GError *error = NULL;

  if (self->read_error != NULL)
    {
      _deck_job_fail (DECK_JOB (self), g_steal_pointer (&self->read_error));
      return;
    }
  if (!_deck_job_check_engines (self->info, deck_instance_get_name (self->instance),
                                self->peer_info, peer_label (self), &error))
    {
      _deck_job_fail (DECK_JOB (self), error);
      return;
    }
  if (self->peer_info != NULL)
    {
      g_free (self->peer_node_name);
      self->peer_node_name = g_strdup (self->peer_info->node_name);
    }

  engine = deck_engine_new_for (self->info->engine);
  peer.client = self->peer_client;
  peer.node_name = self->peer_node_name;
  peer.replication_url = self->peer_url;
  peer.pinned_certificate = self->peer != NULL ? deck_instance_get_pinned_certificate (self->peer)
                                               : NULL;

  /* Translators: two instances' names */
  phase = g_strdup_printf (_("Disconnecting “%s” from “%s”"),
                           deck_instance_get_name (self->instance), peer_label (self));
  _deck_job_set_phase (DECK_JOB (self), phase);
  deck_engine_disconnect_async (engine, self->client, self->info->node_name, &peer,
                                _deck_job_get_cancellable (DECK_JOB (self)), on_disconnected,
                                g_object_ref (self));
}

static void
on_info (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(DeckDisconnectJob) self = user_data;
  GError *error = NULL;
  HdbServerInfo *info = hdb_client_server_info_finish (HDB_CLIENT (source), result, &error);
  gboolean own = HDB_CLIENT (source) == self->client;

  if (own)
    self->info = info;
  else
    self->peer_info = info;
  _deck_job_keep_first_error (&self->read_error, error, own ? NULL : peer_label (self));
  if (--self->n_waiting == 0)
    disconnect_now (self);
}

static void
deck_disconnect_job_run (DeckJob *job)
{
  DeckDisconnectJob *self = DECK_DISCONNECT_JOB (job);
  DeckContext *context = deck_job_get_context (job);
  GCancellable *cancellable = _deck_job_get_cancellable (job);
  HdbClient *client = deck_context_get_client (context, self->instance);
  HdbClient *peer_client = self->peer != NULL ? deck_context_get_client (context, self->peer) : NULL;

  if (client == NULL)
    {
      _deck_job_fail (job, g_error_new (DECK_JOB_ERROR, DECK_JOB_ERROR_NO_CLIENT,
                                        _("The password of “%s” is not known."),
                                        deck_instance_get_name (self->instance)));
      return;
    }
  self->client = g_object_ref (client);
  self->peer_client = peer_client != NULL ? g_object_ref (peer_client) : NULL;

  _deck_job_set_phase (job, _("Reading the instance’s configuration"));
  self->n_waiting = 1;
  hdb_client_server_info_async (self->client, cancellable, on_info, g_object_ref (self));
  /* The peer's node name, and whether it runs the same engine. */
  if (self->peer_client != NULL && self->peer_node_name == NULL)
    {
      self->n_waiting++;
      hdb_client_server_info_async (self->peer_client, cancellable, on_info, g_object_ref (self));
    }
}

static void
deck_disconnect_job_finalize (GObject *object)
{
  DeckDisconnectJob *self = DECK_DISCONNECT_JOB (object);

  g_clear_object (&self->client);
  g_clear_object (&self->peer_client);
  g_clear_pointer (&self->info, hdb_server_info_free);
  g_clear_pointer (&self->peer_info, hdb_server_info_free);
  g_clear_error (&self->read_error);
  g_free (self->peer_node_name);
  g_free (self->peer_url);

  G_OBJECT_CLASS (deck_disconnect_job_parent_class)->finalize (object);
}

static void
deck_disconnect_job_class_init (DeckDisconnectJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  DeckJobClass *job_class = DECK_JOB_CLASS (klass);

  object_class->finalize = deck_disconnect_job_finalize;
  job_class->kind = DECK_JOB_KIND_DISCONNECT;
  job_class->run = deck_disconnect_job_run;
}

static void
deck_disconnect_job_init (DeckDisconnectJob *self)
{
}

/**
 * deck_disconnect_job_new:
 * @context: the context
 * @instance: the instance to disconnect
 * @peer: (nullable): the peer, when it is an instance of the organization
 * @peer_node_name: (nullable): the peer's node name; %NULL to read it from
 *   @peer (required without @peer)
 * @peer_url: (nullable): the peer's replication URL, for a node outside the
 *   organization
 *
 * Returns: (transfer full): a job, not started (deck_job_start())
 */
DeckDisconnectJob *
deck_disconnect_job_new (DeckContext  *context,
                         DeckInstance *instance,
                         DeckInstance *peer,
                         const char   *peer_node_name,
                         const char   *peer_url)
{
  DeckDisconnectJob *self;

  g_return_val_if_fail (DECK_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (DECK_IS_INSTANCE (instance), NULL);
  g_return_val_if_fail (peer == NULL || DECK_IS_INSTANCE (peer), NULL);
  g_return_val_if_fail (peer != NULL || peer_node_name != NULL, NULL);

  self = g_object_new (DECK_TYPE_DISCONNECT_JOB,
                       "context", context,
                       "instance", instance,
                       "peer", peer,
                       NULL);
  self->instance = instance;
  self->peer = peer;
  self->peer_node_name = g_strdup (peer_node_name);
  self->peer_url = g_strdup (peer_url);
  return self;
}

/**
 * deck_disconnect_job_get_node_name:
 * @self: a job
 *
 * Returns: (nullable): the instance's node name, once read
 */
const char *
deck_disconnect_job_get_node_name (DeckDisconnectJob *self)
{
  g_return_val_if_fail (DECK_IS_DISCONNECT_JOB (self), NULL);
  return self->info != NULL ? self->info->node_name : NULL;
}

/**
 * deck_disconnect_job_get_peer_node_name:
 * @self: a job
 *
 * Returns: (nullable): the peer's node name, given or once read
 */
const char *
deck_disconnect_job_get_peer_node_name (DeckDisconnectJob *self)
{
  g_return_val_if_fail (DECK_IS_DISCONNECT_JOB (self), NULL);
  return self->peer_node_name;
}
