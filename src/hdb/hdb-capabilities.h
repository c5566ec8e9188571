/* hdb-capabilities.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What each Harper version can do, in one table: the replication engines it
 * has, how it restarts, what its cluster_status reports and how, and what
 * replication does there that a user should know. Every part of the app that
 * behaves differently by version asks here; nothing else compares version
 * numbers.
 */

#pragma once

#include "hdb-types.h"

G_BEGIN_DECLS

/**
 * HdbRestartStyle:
 * @HDB_RESTART_STYLE_UNKNOWN: a version this table does not know
 * @HDB_RESTART_STYLE_WORKERS: `restart` replaces the worker threads inside the
 *   same main process: the pid stays, the new workers get higher thread ids,
 *   old and new may answer side by side for a moment (4.0 to 4.4; measured on
 *   4.3.0 and 4.4.18)
 * @HDB_RESTART_STYLE_PROCESS: `restart` ends the main process and starts a new
 *   one: a new pid and start time, and worker thread ids that start at 1 again
 *   (4.5 and later; measured on 4.7.29)
 *
 * How a `restart` shows from outside (DESIGN.md §4); the restart monitor
 * judges the evidence accordingly.
 */
typedef enum
{
  HDB_RESTART_STYLE_UNKNOWN,
  HDB_RESTART_STYLE_WORKERS,
  HDB_RESTART_STYLE_PROCESS,
} HdbRestartStyle;

/**
 * HdbCapabilities:
 * @since: the first version this row describes, such as "4.4.0"
 * @measured: the version the project measured it on ("4.4.18"), or %NULL
 *   when the row is inferred from its neighbours
 * @known: the version was read and is in the table (an unknown or unreadable
 *   version gets a row that promises nothing)
 * @native: native (WebSocket) replication: `replication.hostname`/`url`,
 *   `add_node` with a URL (4.4 and later)
 * @nats: legacy NATS clustering is in the code (4.0 to 4.x; gone in 5.0)
 * @nats_server_shipped: the npm package ships the nats-server binary NATS
 *   clustering needs (up to 4.4). 4.5 and later ship none and no longer fetch
 *   one at install: started with clustering enabled, Harper stops with
 *   "nats-server dependency is either missing or the wrong version" unless an
 *   administrator installed nats-server 2.10.11 by hand into
 *   `<harperdb>/dependencies/<platform>-<arch>/`
 * @nats_deprecated: Harper warns that NATS clustering is deprecated (4.5+)
 * @restart_style: how `restart` shows
 * @status_camel_case: cluster_status names fields in camelCase (`ca_info`
 *   `serialNumber`, `validFrom`; sockets `threadId`) where 4.4 writes
 *   `serial_number`, `valid_from`, `thread_id`
 * @status_catching_up: sockets report `catching_up_from` ("up-to-date" or a
 *   time; 4.4)
 * @status_timing: sockets report receive times, the last confirmed commit and
 *   back pressure (`lastReceivedRemoteTime`, `lastReceivedLocalTime`,
 *   `lastCommitConfirmed`, `backPressurePercent`, `lastReceivedStatus`; 4.5+),
 *   and the answer has the node's own `url`
 * @tables_follow: a table created on one node of a replicated database is
 *   created on its peers too (4.7.29: within a second); 4.4 creates neither
 *   databases nor tables
 * @updates_in_place: `update_node` changes what flows as it asks (4.4). On
 *   4.7.29 it does not: a direction switched back on stays closed (the
 *   receiving side closed its subscription and does not open it again;
 *   neither a second update_node nor one from the other side helped within
 *   40 s), and one switched off was seen still flowing 20 s later. Making
 *   the link anew (remove_node on both sides, then add_node with the
 *   subscriptions) did what was asked at once, every time
 * @catch_up_guaranteed: records written while a direction was switched off
 *   arrive once it is on again. %FALSE for every version measured: Harper
 *   resumes a database's stream after the last record the peer received
 * @binds_host: the installer takes `host:port` for its ports, so an instance
 *   can listen on loopback only (4.4+; 4.3 insists on a number and listens on
 *   every interface)
 * @registration_deprecated: `registration_info` answers `"deprecated": true`
 *   (4.7)
 * @system_generation: which layout of the system database (`hdb_nodes` and
 *   its neighbours) the version has: 1 for 4.4, 2 for 4.5 and later (measured
 *   on 4.7.29), 3 for 5.x, 0 without native replication. Full replication
 *   replicates the system database too, and between generations it breaks
 *   the older node: a 4.4.18 node fully replicating with a 4.7.29 node
 *   exited, without a word in its log, right after the newer node's system
 *   table definitions arrived, and again at every start while the link
 *   lasted. Per-table subscriptions leave the system database out and work
 *   both ways.
 *
 * One row of the table. Rows are static: never freed.
 */
typedef struct
{
  const char      *since;
  const char      *measured;
  gboolean         known;
  gboolean         native;
  gboolean         nats;
  gboolean         nats_server_shipped;
  gboolean         nats_deprecated;
  HdbRestartStyle  restart_style;
  gboolean         status_camel_case;
  gboolean         status_catching_up;
  gboolean         status_timing;
  gboolean         tables_follow;
  gboolean         updates_in_place;
  gboolean         catch_up_guaranteed;
  gboolean         binds_host;
  gboolean         registration_deprecated;
  guint            system_generation;
} HdbCapabilities;

/**
 * HdbEngineSupport:
 * @HDB_ENGINE_SUPPORT_YES: the version runs the engine as installed from npm
 * @HDB_ENGINE_SUPPORT_NO: the version does not have the engine at all
 * @HDB_ENGINE_SUPPORT_NEEDS_NATS_SERVER: the code is there, but the package
 *   has no nats-server: enabling it stops the server unless one was installed
 *   by hand, which cannot be checked from outside
 * @HDB_ENGINE_SUPPORT_UNKNOWN: the version is not known
 */
typedef enum
{
  HDB_ENGINE_SUPPORT_YES,
  HDB_ENGINE_SUPPORT_NO,
  HDB_ENGINE_SUPPORT_NEEDS_NATS_SERVER,
  HDB_ENGINE_SUPPORT_UNKNOWN,
} HdbEngineSupport;

const HdbCapabilities *hdb_capabilities_for_version   (const char            *version);
HdbEngineSupport       hdb_capabilities_engine_support (const HdbCapabilities *caps,
                                                        HdbEngine              engine);
HdbEngine              hdb_capabilities_engine_to_enable (const HdbCapabilities *caps);
gboolean               hdb_capabilities_full_replication_with (const HdbCapabilities *caps,
                                                               const HdbCapabilities *peer);
const char            *hdb_restart_style_to_string    (HdbRestartStyle        style);

G_END_DECLS
