/* deck-nats-engine.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Legacy NATS clustering (Harper 4.0–4.3, and 4.4+ with clustering.enabled),
 * reference/harper-operations-api.md §3 and harper-local-cluster.md §6:
 *
 * - enable (deck-nats-enable.c): a role with the cluster_user permission and
 *   the cluster user (same name and password on every node), then
 *   clustering_enabled, clustering_nodeName and clustering_user, and a
 *   restart;
 * - connect (deck-nats-connect.c): a hub route to the peer's hub cluster
 *   port, a reload of the NATS configuration, then add_node with a
 *   subscription for every table both sides have (NATS moves data only
 *   through subscriptions);
 * - disconnect (deck-nats-disconnect.c): remove_node on both sides, then
 *   the routes;
 * - the configuration and routes they share: deck-nats-config.c.
 *
 * This file holds the type and what all of them ask of it.
 */

#define G_LOG_DOMAIN "deck-nats-engine"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "deck-nats-engine-private.h"

#define LINK_INTERVAL_MS  500
#define LINK_TIMEOUT_MS   30000
#define GONE_INTERVAL_MS  250
#define GONE_TIMEOUT_MS   10000

struct _DeckNatsEngine
{
  DeckEngine parent_instance;
};

G_DEFINE_FINAL_TYPE (DeckNatsEngine, deck_nats_engine, DECK_TYPE_ENGINE)

static gboolean
is_nats_enabled (const HdbClusterStatus *status)
{
  return status->engine == HDB_ENGINE_NATS && status->is_enabled &&
         status->node_name != NULL && *status->node_name != '\0';
}

static char *
not_enabled_message (const char   *url,
                     DeckLinkCase  link_case)
{
  switch (link_case)
    {
    case DECK_LINK_CONNECT_HERE:
      return g_strdup_printf (_("NATS clustering is not enabled on %s. Enable clustering there "
                                "first."), url);
    case DECK_LINK_CONNECT_PEER:
      return g_strdup_printf (_("NATS clustering is not enabled on the peer %s. Enable "
                                "clustering there first."), url);
    case DECK_LINK_DISCONNECT:
    default:
      return g_strdup_printf (_("NATS clustering is not enabled on %s."), url);
    }
}

const DeckLinkKind _deck_nats_link = {
  .engine = HDB_ENGINE_NATS,
  .is_enabled = is_nats_enabled,
  .not_enabled = not_enabled_message,
  .link_interval_ms = LINK_INTERVAL_MS,
  .link_timeout_ms = LINK_TIMEOUT_MS,
  .gone_interval_ms = GONE_INTERVAL_MS,
  .gone_timeout_ms = GONE_TIMEOUT_MS,
};

static HdbEngine
deck_nats_engine_get_kind (DeckEngine *engine)
{
  return HDB_ENGINE_NATS;
}

static gboolean
deck_nats_engine_validate_node_name (DeckEngine  *engine,
                                     const char  *node_name,
                                     GError     **error)
{
  if (node_name == NULL || *node_name == '\0')
    {
      g_set_error_literal (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_INVALID_NODE_NAME,
                           _("The node name is empty."));
      return FALSE;
    }
  for (const char *p = node_name; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        {
          g_set_error_literal (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_INVALID_NODE_NAME,
                               _("A node name cannot contain spaces."));
          return FALSE;
        }
      if (strchr (".,*>", *p) != NULL)
        {
          g_set_error (error, DECK_ENGINE_ERROR, DECK_ENGINE_ERROR_INVALID_NODE_NAME,
                       _("A NATS node name cannot contain “%c”: dots, commas, “*” and “>” have "
                         "a meaning in NATS subjects."),
                       *p);
          return FALSE;
        }
    }
  return TRUE;
}

static void
deck_nats_engine_class_init (DeckNatsEngineClass *klass)
{
  DeckEngineClass *engine_class = DECK_ENGINE_CLASS (klass);

  engine_class->get_kind = deck_nats_engine_get_kind;
  engine_class->validate_node_name = deck_nats_engine_validate_node_name;
  engine_class->enable_async = _deck_nats_engine_enable_async;
  engine_class->enable_finish = _deck_steps_run_finish;
  engine_class->connect_async = _deck_nats_engine_connect_async;
  engine_class->connect_finish = _deck_steps_run_finish;
  engine_class->disconnect_async = _deck_nats_engine_disconnect_async;
  engine_class->disconnect_finish = _deck_steps_run_finish;
}

static void
deck_nats_engine_init (DeckNatsEngine *self)
{
}

/**
 * deck_nats_engine_new:
 *
 * Returns: (transfer full): the engine of legacy NATS clustering
 */
DeckNatsEngine *
deck_nats_engine_new (void)
{
  return g_object_new (DECK_TYPE_NATS_ENGINE, NULL);
}
