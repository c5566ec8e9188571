/* deck-nats-config.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the NATS engine's enable, connect and disconnect share about NATS
 * clustering's configuration: its four ports, the hub route to an
 * instance, and reloading the NATS configuration after the routes changed
 * (reference/harper-local-cluster.md §6).
 */

#define G_LOG_DOMAIN "deck-nats-engine"

#include <glib/gi18n-lib.h>

#include "deck-nats-engine-private.h"

#define JOB_INTERVAL_MS  250
#define JOB_TIMEOUT_MS   10000
#define JOB_FALLBACK_MS  2000

const DeckNatsPort _deck_nats_ports[DECK_NATS_N_PORTS] = {
  { "clustering.hubServer.network.port",
    "clustering_hubServer_network_port", 9930 },
  { "clustering.hubServer.leafNodes.network.port",
    "clustering_hubServer_leafNodes_network_port", 9931 },
  { "clustering.hubServer.cluster.network.port",
    "clustering_hubServer_cluster_network_port", 9932 },
  { "clustering.leafServer.network.port",
    "clustering_leafServer_network_port", 9940 },
};

/* The route to an instance's hub: the host of its operations API URL (the
 * hub listens on every interface) and its hub cluster port. */
JsonArray *
_deck_nats_hub_route_for (HdbClient              *client,
                          const HdbConfiguration *config)
{
  g_autofree char *host = _deck_engine_url_host (hdb_client_get_base_url (client));
  const DeckNatsPort *hub = &_deck_nats_ports[DECK_NATS_HUB_CLUSTER];
  JsonArray *routes = json_array_new ();
  JsonObject *route = json_object_new ();
  guint port = hdb_configuration_get_port (config, hub->path);

  json_object_set_string_member (route, "host", host ? host : "");
  json_object_set_int_member (route, "port", port ? port : hub->fallback);
  json_array_add_object_element (routes, route);
  return routes;
}

/* Reloading the NATS configuration ---------------------------------------------- */

typedef struct
{
  HdbClient *client;
  char      *job_id;
  gint64     deadline;
} Reload;

static void
reload_free (Reload *reload)
{
  g_clear_object (&reload->client);
  g_free (reload->job_id);
  g_free (reload);
}

static void
reload_send (DeckStepRun         *run,
             gpointer             data,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  Reload *reload = data;

  hdb_client_restart_service_async (reload->client, "clustering_config",
                                    _deck_step_run_get_cancellable (run), callback, user_data);
}

static DeckStepResult
reload_sent (DeckStepRun   *run,
             gpointer       data,
             GObject       *source,
             GAsyncResult  *result,
             GError       **error)
{
  Reload *reload = data;
  g_autoptr(HdbRestartReply) reply = NULL;

  reply = hdb_client_restart_service_finish (HDB_CLIENT (source), result, error);
  if (reply == NULL)
    return DECK_STEP_REQUEST_FAILED;
  reload->job_id = g_strdup (reply->job_id);
  return DECK_STEP_NEXT;
}

/* Without a job to follow, a fixed while is all there is. */
static void
reload_pause (DeckStepRun         *run,
              gpointer             data,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  Reload *reload = data;

  _deck_engine_sleep_async (_deck_step_run_get_engine (run),
                            reload->job_id ? JOB_INTERVAL_MS : JOB_FALLBACK_MS,
                            _deck_step_run_get_cancellable (run), callback, user_data);
}

static DeckStepResult
reload_paused (DeckStepRun   *run,
               gpointer       data,
               GObject       *source,
               GAsyncResult  *result,
               GError       **error)
{
  Reload *reload = data;

  if (!_deck_engine_sleep_finish (DECK_ENGINE (source), result, error))
    return DECK_STEP_REQUEST_FAILED;
  return reload->job_id == NULL ? DECK_STEP_DONE : DECK_STEP_NEXT;
}

static void
reload_ask_job (DeckStepRun         *run,
                gpointer             data,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  Reload *reload = data;

  hdb_client_get_job_async (reload->client, reload->job_id, 0,
                            _deck_step_run_get_cancellable (run), callback, user_data);
}

/* A job that cannot be read is waited for until the deadline: the reload
 * goes on without it. */
static DeckStepResult
reload_job_read (DeckStepRun   *run,
                 gpointer       data,
                 GObject       *source,
                 GAsyncResult  *result,
                 GError       **error)
{
  Reload *reload = data;
  g_autoptr(HdbJob) job = NULL;
  g_autoptr(GError) local_error = NULL;
  HdbJobStatus status = HDB_JOB_STATUS_UNKNOWN;

  job = hdb_client_get_job_finish (HDB_CLIENT (source), result, &local_error);
  if (job == NULL && g_cancellable_is_cancelled (_deck_step_run_get_cancellable (run)))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return DECK_STEP_REQUEST_FAILED;
    }
  if (job != NULL)
    status = job->status;

  if (status == HDB_JOB_STATUS_ERROR)
    {
      g_set_error_literal (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_FAILED,
                           _("Harper could not reload its NATS configuration."));
      return DECK_STEP_CHECK_FAILED;
    }
  if (status == HDB_JOB_STATUS_COMPLETE || g_get_monotonic_time () > reload->deadline)
    return DECK_STEP_DONE;
  _deck_step_run_again_after (run, JOB_INTERVAL_MS);
  return DECK_STEP_AGAIN;
}

static const DeckStep reload_steps[] = {
  { "restart_service clustering_config", DECK_STEP_DEFAULT, NULL, reload_send, reload_sent,
    NULL },
  { "pause", DECK_STEP_DEFAULT, NULL, reload_pause, reload_paused, NULL },
  { "get_job", DECK_STEP_DEFAULT, NULL, reload_ask_job, reload_job_read, NULL },
};

static const DeckStepList reload_list = {
  "NATS reload", reload_steps, G_N_ELEMENTS (reload_steps), NULL,
};

void
_deck_nats_reload_async (DeckEngine          *engine,
                         HdbClient           *client,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  Reload *reload = g_new0 (Reload, 1);

  reload->client = g_object_ref (client);
  reload->deadline = g_get_monotonic_time () + JOB_TIMEOUT_MS * 1000;
  _deck_steps_run_async (engine, &reload_list, reload, (GDestroyNotify) reload_free, client,
                         NULL, cancellable, callback, user_data);
}

gboolean
_deck_nats_reload_finish (DeckEngine    *engine,
                          GAsyncResult  *result,
                          GError       **error)
{
  return _deck_steps_run_finish (engine, result, error);
}

/* The same reload as a step of a DeckStepList (connect, disconnect), on
 * the side the step names (DECK_STEP_ON_PEER), like _deck_step_cluster_status(). */
void
_deck_nats_step_reload (DeckStepRun         *run,
                        gpointer             data,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  _deck_nats_reload_async (_deck_step_run_get_engine (run), _deck_step_run_get_client (run),
                           _deck_step_run_get_cancellable (run), callback, user_data);
}

DeckStepResult
_deck_nats_step_reloaded (DeckStepRun   *run,
                          gpointer       data,
                          GObject       *source,
                          GAsyncResult  *result,
                          GError       **error)
{
  if (!_deck_nats_reload_finish (DECK_ENGINE (source), result, error))
    return DECK_STEP_REQUEST_FAILED;
  return DECK_STEP_NEXT;
}
