/* deck-connect-job.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Connecting two instances of an organization, in two steps.
 *
 * Prepare (deck_job_start()): reads both servers (enabled, with the same
 * engine? their node names) and both schemas, and the cluster user's
 * password from the keyring unless the caller gave one. Replication never
 * creates a database (Q9), so the tables one side has and the other lacks
 * would not replicate: the job says which (missing here, missing on the
 * peer) and waits in %DECK_JOB_STATE_PREPARED for the caller to decide.
 *
 * When the user pinned the peer's certificate, prepare also reads the
 * peer's replication URL: native replication over wss:// makes this
 * instance accept the pinned certificate there without a certificate
 * authority, and deck_connect_job_get_trust() says so in words for the
 * confirmation. The engine connects to that same URL, after checking that
 * it presents the pinned certificate.
 *
 * Connect (deck_connect_job_connect()): creates the missing databases and
 * tables on the side(s) that lack them when asked to, then connects
 * through the engine, which waits until the link is up. Harper then gives
 * a node connected over wss:// a new certificate with the same key; a
 * pinned instance's pin follows it (hdb_client_follow_certificate_async()).
 */

#define G_LOG_DOMAIN "deck-connect-job"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "deck-connect-job.h"
#include "deck-engine.h"
#include "deck-job-private.h"
#include "deck-schema-diff.h"

struct _DeckConnectJob
{
  DeckJob        parent_instance;

  DeckInstance  *instance;           /* the job's (borrowed) */
  DeckInstance  *peer;               /* the job's (borrowed) */

  /* Owned */
  HdbClient     *client;
  HdbClient     *peer_client;
  char          *cluster_user;
  char          *cluster_password;   /* wiped when done */
  HdbServerInfo *info;
  HdbServerInfo *peer_info;
  HdbSchema     *schema;
  HdbSchema     *peer_schema;
  GPtrArray     *missing_here;       /* DeckMissingTable: the peer has them */
  GPtrArray     *missing_on_peer;    /* DeckMissingTable: this instance has them */
  char          *peer_url;           /* the peer's replication URL, read when pinned */
  char          *trust;              /* what trust the connect extends, or NULL */
  char          *pin_before;         /* the instance's pin when the connect began */
  HdbCertificateInfo *followed;      /* the instance's renewed certificate, now pinned */
  GError        *prepare_error;      /* the first one */
  guint          n_waiting;
  gboolean       created;
};

G_DEFINE_FINAL_TYPE (DeckConnectJob, deck_connect_job, DECK_TYPE_JOB)

static void
wipe_password (DeckConnectJob *self)
{
  g_clear_pointer (&self->cluster_password, deck_credentials_free_secret);
}

static void
fail (DeckConnectJob *self,
      GError         *error)
{
  wipe_password (self);
  _deck_job_fail (DECK_JOB (self), error);
}

/* Connecting ------------------------------------------------------------------ */

/* Harper reissues the certificate of a node connected over wss:// (same
 * key, signed by the peer's authority, reference Q10): the instance's pin
 * follows it, and is kept in the store now, before the job ends (a
 * command-line process may end with it). */
static void
on_certificate_followed (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(DeckConnectJob) self = user_data;
  g_autoptr(GError) error = NULL;
  DeckStore *store = deck_context_get_store (deck_job_get_context (DECK_JOB (self)));

  g_autoptr(HdbCertificateInfo) current = NULL;

  current = hdb_client_follow_certificate_finish (HDB_CLIENT (source), result, &error);
  if (error != NULL)
    g_debug ("The certificate of the instance was not read again: %s", error->message);
  /* The pin may have moved before, when a request of the connect met the
   * new certificate: what counts is whether it names another one now than
   * when the connect began. */
  if (current != NULL && !hdb_fingerprint_equal (current->sha256, self->pin_before))
    {
      self->followed = g_steal_pointer (&current);
      if (!hdb_fingerprint_equal (deck_instance_get_pinned_certificate (self->instance),
                                  self->followed->sha256))
        {
          deck_instance_set_pinned_certificate (self->instance, self->followed->sha256);
          g_clear_error (&error);
          if (!deck_store_update_instance (store, self->instance, &error))
            g_debug ("The followed pin was not saved: %s", error->message);
        }
    }
  _deck_job_succeed (DECK_JOB (self));
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(DeckConnectJob) self = user_data;
  GError *error = NULL;

  if (!deck_engine_connect_finish (DECK_ENGINE (source), result, &error))
    {
      fail (self, error);
      return;
    }
  wipe_password (self);
  if (self->info->engine == HDB_ENGINE_NATIVE &&
      deck_instance_get_pinned_certificate (self->instance) != NULL)
    {
      hdb_client_follow_certificate_async (self->client, _deck_job_get_cancellable (DECK_JOB (self)),
                                           on_certificate_followed, g_object_ref (self));
      return;
    }
  _deck_job_succeed (DECK_JOB (self));
}

static void
connect_now (DeckConnectJob *self)
{
  g_autoptr(DeckEngine) engine = deck_engine_new_for (self->info->engine);
  g_autofree char *phase = NULL;
  DeckPeer peer = { 0 };

  /* The engine reads the peer's own replication URL from its configuration,
   * unless prepare read it (for a pinned peer: the URL the trust was
   * described for is the one the engine checks and sends). */
  peer.client = self->peer_client;
  peer.node_name = self->peer_info->node_name;
  peer.replication_url = self->peer_url;
  peer.pinned_certificate = deck_instance_get_pinned_certificate (self->peer);
  g_free (self->pin_before);
  self->pin_before = g_strdup (deck_instance_get_pinned_certificate (self->instance));

  /* Translators: two instances' names */
  phase = g_strdup_printf (_("Connecting “%s” to “%s”"), deck_instance_get_name (self->instance),
                           deck_instance_get_name (self->peer));
  _deck_job_set_phase (DECK_JOB (self), phase);
  deck_engine_connect_async (engine, self->client, self->cluster_user, self->cluster_password,
                             &peer, _deck_job_get_cancellable (DECK_JOB (self)), on_connected,
                             g_object_ref (self));
}

static void
on_created_here (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(DeckConnectJob) self = user_data;
  GError *error = NULL;

  if (!deck_schema_create_missing_finish (HDB_CLIENT (source), result, &error))
    {
      g_prefix_error (&error, "“%s”: ", deck_instance_get_name (self->instance));
      fail (self, error);
      return;
    }
  self->created = TRUE;
  connect_now (self);
}

static void
create_here (DeckConnectJob *self)
{
  g_autofree char *phase = NULL;

  if (self->missing_here->len == 0)
    {
      connect_now (self);
      return;
    }
  /* Translators: an instance's name */
  phase = g_strdup_printf (_("Creating the missing tables on “%s”"),
                           deck_instance_get_name (self->instance));
  _deck_job_set_phase (DECK_JOB (self), phase);
  deck_schema_create_missing_async (self->client, self->missing_here,
                                    _deck_job_get_cancellable (DECK_JOB (self)), on_created_here,
                                    g_object_ref (self));
}

static void
on_created_on_peer (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(DeckConnectJob) self = user_data;
  GError *error = NULL;

  if (!deck_schema_create_missing_finish (HDB_CLIENT (source), result, &error))
    {
      g_prefix_error (&error, "“%s”: ", deck_instance_get_name (self->peer));
      fail (self, error);
      return;
    }
  self->created = TRUE;
  create_here (self);
}

/**
 * deck_connect_job_connect:
 * @self: a prepared job (%DECK_JOB_STATE_PREPARED)
 * @create_missing: create the tables each side lacks first
 * @error: return location for why the job cannot go on
 *
 * The second step: creates what is missing when asked, then connects. The
 * job runs again and ends when the link is up (or with the reason it is
 * not).
 *
 * Returns: whether the job runs again
 */
gboolean
deck_connect_job_connect (DeckConnectJob  *self,
                          gboolean         create_missing,
                          GError         **error)
{
  g_autofree char *phase = NULL;

  g_return_val_if_fail (DECK_IS_CONNECT_JOB (self), FALSE);

  if (deck_job_get_state (DECK_JOB (self)) != DECK_JOB_STATE_PREPARED)
    {
      g_set_error_literal (error, DECK_JOB_ERROR, DECK_JOB_ERROR_FAILED,
                           _("The connection is not prepared."));
      return FALSE;
    }
  if (!_deck_job_resume (DECK_JOB (self), error))
    return FALSE;

  if (!create_missing || self->missing_on_peer->len == 0)
    {
      if (create_missing)
        create_here (self);
      else
        connect_now (self);
      return TRUE;
    }
  /* Translators: an instance's name */
  phase = g_strdup_printf (_("Creating the missing tables on “%s”"),
                           deck_instance_get_name (self->peer));
  _deck_job_set_phase (DECK_JOB (self), phase);
  deck_schema_create_missing_async (self->peer_client, self->missing_on_peer,
                                    _deck_job_get_cancellable (DECK_JOB (self)),
                                    on_created_on_peer, g_object_ref (self));
  return TRUE;
}

/* Preparing ------------------------------------------------------------------- */

/* Native replication over wss:// to a pinned peer: the instance will be
 * told to accept the pinned certificate at the peer's replication URL
 * without a certificate authority (verify_tls false). Said before it is
 * done; NATS and plain ws:// extend no such trust. */
static void
describe_trust (DeckConnectJob *self)
{
  const char *pin = deck_instance_get_pinned_certificate (self->peer);
  g_autofree char *fingerprint = NULL;

  g_clear_pointer (&self->trust, g_free);
  if (pin == NULL || self->peer_url == NULL || self->info->engine != HDB_ENGINE_NATIVE ||
      g_ascii_strncasecmp (self->peer_url, "wss://", 6) != 0)
    return;
  fingerprint = hdb_format_fingerprint (pin);
  /* Translators: an instance's name, a certificate's fingerprint, a URL,
   * then the URL again and the peer instance's name */
  self->trust = g_strdup_printf (_("“%s” will accept the certificate SHA-256 %s for %s without "
                                   "a certificate authority, as you pinned it for “%s”. "
                                   "Clusterdeck checks first that %s presents this "
                                   "certificate."),
                                 deck_instance_get_name (self->instance), fingerprint,
                                 self->peer_url, deck_instance_get_name (self->peer),
                                 self->peer_url);
}

static void
prepared (DeckConnectJob *self)
{
  GError *error = NULL;

  if (self->prepare_error != NULL)
    {
      fail (self, g_steal_pointer (&self->prepare_error));
      return;
    }
  if (!_deck_job_check_engines (self->info, deck_instance_get_name (self->instance),
                                self->peer_info, deck_instance_get_name (self->peer), &error))
    {
      fail (self, error);
      return;
    }
  if (self->cluster_password == NULL)
    {
      fail (self, g_error_new_literal (DECK_JOB_ERROR, DECK_JOB_ERROR_NO_CLUSTER_PASSWORD,
                                       _("The cluster user’s password is not in the keyring. "
                                         "Enable clustering on an instance of this organization "
                                         "with Clusterdeck first, so that it knows the "
                                         "password.")));
      return;
    }

  describe_trust (self);
  self->missing_on_peer = deck_schema_diff_missing (self->schema, self->peer_schema);
  self->missing_here = deck_schema_diff_missing (self->peer_schema, self->schema);
  _deck_job_set_phase (DECK_JOB (self), NULL);
  _deck_job_prepared (DECK_JOB (self));
}

/* One of the reads is done; the job goes on when all of them are. */
static void
read_done (DeckConnectJob *self,
           GError         *error,
           DeckInstance   *instance)
{
  _deck_job_keep_first_error (&self->prepare_error, error,
                              instance == self->peer ? deck_instance_get_name (instance) : NULL);
  if (--self->n_waiting == 0)
    prepared (self);
}

static void
on_info (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(DeckConnectJob) self = user_data;
  GError *error = NULL;
  HdbServerInfo *info = hdb_client_server_info_finish (HDB_CLIENT (source), result, &error);

  if (HDB_CLIENT (source) == self->client)
    self->info = info;
  else
    self->peer_info = info;
  read_done (self, error, HDB_CLIENT (source) == self->client ? self->instance : self->peer);
}

static void
on_schema (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(DeckConnectJob) self = user_data;
  GError *error = NULL;
  HdbSchema *schema = hdb_client_describe_all_finish (HDB_CLIENT (source), result, &error);

  if (HDB_CLIENT (source) == self->client)
    self->schema = schema;
  else
    self->peer_schema = schema;
  read_done (self, error, HDB_CLIENT (source) == self->client ? self->instance : self->peer);
}

static void
on_peer_configuration (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(DeckConnectJob) self = user_data;
  g_autoptr(HdbConfiguration) config = NULL;
  GError *error = NULL;

  config = hdb_client_get_configuration_finish (HDB_CLIENT (source), result, &error);
  if (config != NULL && config->replication_url != NULL && *config->replication_url != '\0')
    self->peer_url = g_strdup (config->replication_url);
  else if (config != NULL)
    self->peer_url = deck_engine_replication_url_for (hdb_client_get_base_url (HDB_CLIENT (source)));
  read_done (self, error, self->peer);
}

static void
on_cluster_password (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(DeckConnectJob) self = user_data;
  GError *error = NULL;

  self->cluster_password = deck_credentials_lookup_finish (DECK_CREDENTIALS (source), result,
                                                           &error);
  read_done (self, error, NULL);
}

static void
deck_connect_job_run (DeckJob *job)
{
  DeckConnectJob *self = DECK_CONNECT_JOB (job);
  DeckContext *context = deck_job_get_context (job);
  DeckOrganization *org = deck_context_get_organization (context, self->instance);
  GCancellable *cancellable = _deck_job_get_cancellable (job);
  HdbClient *client = deck_context_get_client (context, self->instance);
  HdbClient *peer_client = deck_context_get_client (context, self->peer);

  if (client == NULL || peer_client == NULL)
    {
      fail (self, g_error_new_literal (DECK_JOB_ERROR, DECK_JOB_ERROR_NO_CLIENT,
                                       _("The password of one of the two instances is not "
                                         "known.")));
      return;
    }
  self->client = g_object_ref (client);
  self->peer_client = g_object_ref (peer_client);
  self->cluster_user = g_strdup (deck_context_get_cluster_user (context, org));

  _deck_job_set_phase (job, _("Reading both instances and their tables"));
  self->n_waiting = 4;
  hdb_client_server_info_async (self->client, cancellable, on_info, g_object_ref (self));
  hdb_client_server_info_async (self->peer_client, cancellable, on_info, g_object_ref (self));
  hdb_client_describe_all_async (self->client, cancellable, on_schema, g_object_ref (self));
  hdb_client_describe_all_async (self->peer_client, cancellable, on_schema, g_object_ref (self));
  if (deck_instance_get_pinned_certificate (self->peer) != NULL)
    {
      self->n_waiting++;
      hdb_client_get_configuration_async (self->peer_client, cancellable, on_peer_configuration,
                                          g_object_ref (self));
    }
  if (self->cluster_password == NULL && org != NULL)
    {
      self->n_waiting++;
      deck_credentials_lookup_async (deck_context_get_credentials (context),
                                     DECK_SECRET_CLUSTER_USER, deck_organization_get_id (org),
                                     cancellable, on_cluster_password, g_object_ref (self));
    }
}

/* The type ------------------------------------------------------------------- */

static void
deck_connect_job_finalize (GObject *object)
{
  DeckConnectJob *self = DECK_CONNECT_JOB (object);

  wipe_password (self);
  g_clear_object (&self->client);
  g_clear_object (&self->peer_client);
  g_clear_pointer (&self->info, hdb_server_info_free);
  g_clear_pointer (&self->peer_info, hdb_server_info_free);
  g_clear_pointer (&self->schema, hdb_schema_free);
  g_clear_pointer (&self->peer_schema, hdb_schema_free);
  g_clear_pointer (&self->missing_here, g_ptr_array_unref);
  g_clear_pointer (&self->missing_on_peer, g_ptr_array_unref);
  g_clear_error (&self->prepare_error);
  g_free (self->cluster_user);
  g_free (self->peer_url);
  g_free (self->trust);
  g_clear_pointer (&self->followed, hdb_certificate_info_free);
  g_free (self->pin_before);

  G_OBJECT_CLASS (deck_connect_job_parent_class)->finalize (object);
}

static void
deck_connect_job_class_init (DeckConnectJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  DeckJobClass *job_class = DECK_JOB_CLASS (klass);

  object_class->finalize = deck_connect_job_finalize;
  job_class->kind = DECK_JOB_KIND_CONNECT;
  job_class->run = deck_connect_job_run;
}

static void
deck_connect_job_init (DeckConnectJob *self)
{
}

/**
 * deck_connect_job_new:
 * @context: the context
 * @instance: the instance to connect
 * @peer: the instance of the organization to connect it to
 *
 * Returns: (transfer full): a job, not started: deck_job_start() prepares it
 */
DeckConnectJob *
deck_connect_job_new (DeckContext  *context,
                      DeckInstance *instance,
                      DeckInstance *peer)
{
  DeckConnectJob *self;

  g_return_val_if_fail (DECK_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (DECK_IS_INSTANCE (instance), NULL);
  g_return_val_if_fail (DECK_IS_INSTANCE (peer), NULL);

  self = g_object_new (DECK_TYPE_CONNECT_JOB,
                       "context", context,
                       "instance", instance,
                       "peer", peer,
                       NULL);
  self->instance = instance;
  self->peer = peer;
  return self;
}

/**
 * deck_connect_job_set_cluster_password:
 * @self: a job, not started
 * @password: the cluster user's password
 *
 * Uses @password rather than the one the keyring keeps for the
 * organization.
 */
void
deck_connect_job_set_cluster_password (DeckConnectJob *self,
                                       const char     *password)
{
  g_return_if_fail (DECK_IS_CONNECT_JOB (self));
  g_return_if_fail (deck_job_get_state (DECK_JOB (self)) == DECK_JOB_STATE_IDLE);

  wipe_password (self);
  self->cluster_password = g_strdup (password);
}

/**
 * deck_connect_job_get_node_name:
 * @self: a job
 *
 * Returns: (nullable): the instance's node name, once prepared
 */
const char *
deck_connect_job_get_node_name (DeckConnectJob *self)
{
  g_return_val_if_fail (DECK_IS_CONNECT_JOB (self), NULL);
  return self->info != NULL ? self->info->node_name : NULL;
}

/**
 * deck_connect_job_get_peer_node_name:
 * @self: a job
 *
 * Returns: (nullable): the peer's node name, once prepared
 */
const char *
deck_connect_job_get_peer_node_name (DeckConnectJob *self)
{
  g_return_val_if_fail (DECK_IS_CONNECT_JOB (self), NULL);
  return self->peer_info != NULL ? self->peer_info->node_name : NULL;
}

/**
 * deck_connect_job_get_trust:
 * @self: a job
 *
 * What trust the connect extends, in a sentence for the confirmation:
 * for native replication to a peer whose certificate the user pinned,
 * that the instance will accept that certificate at the peer's replication
 * URL without a certificate authority. The engine checks the URL's
 * certificate against the pin before it sends anything.
 *
 * Returns: (nullable): the sentence, once prepared; %NULL when the connect
 *   extends no such trust
 */
const char *
deck_connect_job_get_trust (DeckConnectJob *self)
{
  g_return_val_if_fail (DECK_IS_CONNECT_JOB (self), NULL);
  return self->trust;
}

/**
 * deck_connect_job_get_followed_certificate:
 * @self: a job
 *
 * Harper reissues the certificate of a node it connects over wss:// (same
 * key, signed by the peer's authority). When the instance's certificate
 * is pinned, the pin follows it: this is the certificate it now names.
 *
 * Returns: (nullable): the instance's new certificate, once the job
 *   succeeded, when the pin moved to it
 */
const HdbCertificateInfo *
deck_connect_job_get_followed_certificate (DeckConnectJob *self)
{
  g_return_val_if_fail (DECK_IS_CONNECT_JOB (self), NULL);
  return self->followed;
}

/**
 * deck_connect_job_get_peer_replication_url:
 * @self: a job
 *
 * Returns: (nullable): the peer's replication URL, once prepared, when its
 *   certificate is pinned (else the engine reads it when it connects)
 */
const char *
deck_connect_job_get_peer_replication_url (DeckConnectJob *self)
{
  g_return_val_if_fail (DECK_IS_CONNECT_JOB (self), NULL);
  return self->peer_url;
}

/**
 * deck_connect_job_get_missing_here:
 * @self: a job
 *
 * Returns: (nullable) (transfer none) (element-type DeckMissingTable): the
 *   tables the peer has that the instance lacks, once prepared
 */
GPtrArray *
deck_connect_job_get_missing_here (DeckConnectJob *self)
{
  g_return_val_if_fail (DECK_IS_CONNECT_JOB (self), NULL);
  return self->missing_here;
}

/**
 * deck_connect_job_get_missing_on_peer:
 * @self: a job
 *
 * Returns: (nullable) (transfer none) (element-type DeckMissingTable): the
 *   tables the instance has that the peer lacks, once prepared
 */
GPtrArray *
deck_connect_job_get_missing_on_peer (DeckConnectJob *self)
{
  g_return_val_if_fail (DECK_IS_CONNECT_JOB (self), NULL);
  return self->missing_on_peer;
}

/**
 * deck_connect_job_has_missing:
 * @self: a job
 *
 * Returns: whether either side lacks tables the other has
 */
gboolean
deck_connect_job_has_missing (DeckConnectJob *self)
{
  g_return_val_if_fail (DECK_IS_CONNECT_JOB (self), FALSE);

  return (self->missing_here != NULL && self->missing_here->len > 0) ||
         (self->missing_on_peer != NULL && self->missing_on_peer->len > 0);
}

/**
 * deck_connect_job_get_created_missing:
 * @self: a job
 *
 * Returns: whether the job created missing tables (on either side)
 */
gboolean
deck_connect_job_get_created_missing (DeckConnectJob *self)
{
  g_return_val_if_fail (DECK_IS_CONNECT_JOB (self), FALSE);
  return self->created;
}
