/* hdb-capabilities.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The table of what each Harper version can do. Each row holds from its
 * `since` version up to the next row's. A row with `measured` set was measured
 * by this project on that version (tests/harper/versions/matrix.txt pins the
 * versions the test suites run against; docs/compatibility.md has the
 * results); the others are inferred from their neighbours and from Harper's
 * release notes, and say so.
 */

#define G_LOG_DOMAIN "hdb-capabilities"

#include "hdb-capabilities.h"
#include "hdb-parse.h"

static const HdbCapabilities rows[] = {
  /* 3.x: clustering over SocketCluster, nothing Clusterdeck speaks. */
  {
    .since = "3.0.0", .measured = NULL, .known = TRUE,
    .restart_style = HDB_RESTART_STYLE_UNKNOWN,
  },
  /* 4.0 to 4.3: legacy NATS clustering only. The installer refuses
   * 127.0.0.1:PORT ("must be a number"). A restart keeps the process and
   * replaces the workers, as 4.4 does (old workers answered for 3 to 5 s on a
   * busy machine, then the port refused connections for 5 to 9 s). */
  {
    .since = "4.0.0", .measured = "4.3.0", .known = TRUE,
    .native = FALSE, .nats = TRUE, .nats_server_shipped = TRUE,
    .restart_style = HDB_RESTART_STYLE_WORKERS, .updates_in_place = TRUE,
  },
  /* 4.4: native replication beside NATS; reference/harper-local-cluster.md. */
  {
    .since = "4.4.0", .measured = "4.4.18", .known = TRUE,
    .native = TRUE, .nats = TRUE, .nats_server_shipped = TRUE,
    .restart_style = HDB_RESTART_STYLE_WORKERS,
    .status_catching_up = TRUE, .binds_host = TRUE, .system_generation = 1,
    .updates_in_place = TRUE,
  },
  /* 4.5 and 4.6: as 4.7 (the NATS deprecation, the timing statistics of
   * cluster_status and the package without nats-server came with 4.5);
   * not measured here. */
  {
    .since = "4.5.0", .measured = NULL, .known = TRUE,
    .native = TRUE, .nats = TRUE, .nats_server_shipped = FALSE, .nats_deprecated = TRUE,
    .restart_style = HDB_RESTART_STYLE_PROCESS,
    .status_camel_case = TRUE, .status_timing = TRUE, .tables_follow = TRUE,
    .binds_host = TRUE, .system_generation = 2,
  },
  /* 4.7: reference/harper-4.7-notes.md and docs/compatibility.md. */
  {
    .since = "4.7.0", .measured = "4.7.29", .known = TRUE,
    .native = TRUE, .nats = TRUE, .nats_server_shipped = FALSE, .nats_deprecated = TRUE,
    .restart_style = HDB_RESTART_STYLE_PROCESS,
    .status_camel_case = TRUE, .status_timing = TRUE, .tables_follow = TRUE,
    .binds_host = TRUE, .registration_deprecated = TRUE, .system_generation = 2,
  },
  /* 5.x: NATS is gone; the published clustering operations match 4.4+
   * (DESIGN.md §5). The open-source `harper` package has no replication at
   * all, which only an operation's answer shows. */
  {
    .since = "5.0.0", .measured = NULL, .known = TRUE,
    .native = TRUE, .nats = FALSE,
    .restart_style = HDB_RESTART_STYLE_PROCESS,
    .status_camel_case = TRUE, .status_timing = TRUE, .tables_follow = TRUE,
    .binds_host = TRUE, .registration_deprecated = TRUE, .system_generation = 3,
  },
};

/* A version that could not be read, or one before 3.0: nothing promised. */
static const HdbCapabilities unknown_row = {
  .since = NULL, .measured = NULL, .known = FALSE,
  .restart_style = HDB_RESTART_STYLE_UNKNOWN,
};

static gboolean
at_least (guint       major,
          guint       minor,
          guint       micro,
          const char *since)
{
  guint s_major, s_minor, s_micro;

  if (!hdb_version_parse (since, &s_major, &s_minor, &s_micro))
    g_return_val_if_reached (FALSE);
  if (major != s_major)
    return major > s_major;
  if (minor != s_minor)
    return minor > s_minor;
  return micro >= s_micro;
}

/**
 * hdb_capabilities_for_version:
 * @version: (nullable): a version as `registration_info` reports it
 *
 * Returns: (transfer none): the row that describes @version; never %NULL (a
 *   version that cannot be read gets a row with @known %FALSE and nothing set)
 */
const HdbCapabilities *
hdb_capabilities_for_version (const char *version)
{
  const HdbCapabilities *found = &unknown_row;
  guint major, minor, micro;

  if (!hdb_version_parse (version, &major, &minor, &micro))
    return &unknown_row;

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    if (at_least (major, minor, micro, rows[i].since))
      found = &rows[i];
  return found;
}

/**
 * hdb_capabilities_engine_support:
 * @caps: a row of the table
 * @engine: %HDB_ENGINE_NATIVE or %HDB_ENGINE_NATS
 *
 * Whether a server of this version can run @engine once it is enabled. It
 * says nothing about the engine an instance uses: that is read from its
 * configuration.
 *
 * Returns: the answer
 */
HdbEngineSupport
hdb_capabilities_engine_support (const HdbCapabilities *caps,
                                 HdbEngine              engine)
{
  g_return_val_if_fail (caps != NULL, HDB_ENGINE_SUPPORT_UNKNOWN);

  if (!caps->known)
    return HDB_ENGINE_SUPPORT_UNKNOWN;

  switch (engine)
    {
    case HDB_ENGINE_NATIVE:
      return caps->native ? HDB_ENGINE_SUPPORT_YES : HDB_ENGINE_SUPPORT_NO;
    case HDB_ENGINE_NATS:
      if (!caps->nats)
        return HDB_ENGINE_SUPPORT_NO;
      return caps->nats_server_shipped ? HDB_ENGINE_SUPPORT_YES
                                       : HDB_ENGINE_SUPPORT_NEEDS_NATS_SERVER;
    case HDB_ENGINE_NONE:
    case HDB_ENGINE_UNKNOWN:
    default:
      return HDB_ENGINE_SUPPORT_NO;
    }
}

/**
 * hdb_capabilities_engine_to_enable:
 * @caps: a row of the table
 *
 * The engine to offer when clustering is enabled on a server that has none
 * yet: native where the version has it, else NATS where it runs as shipped.
 *
 * Returns: %HDB_ENGINE_NATIVE, %HDB_ENGINE_NATS, or %HDB_ENGINE_UNKNOWN when
 *   this version runs neither (or is not known)
 */
HdbEngine
hdb_capabilities_engine_to_enable (const HdbCapabilities *caps)
{
  g_return_val_if_fail (caps != NULL, HDB_ENGINE_UNKNOWN);

  if (hdb_capabilities_engine_support (caps, HDB_ENGINE_NATIVE) == HDB_ENGINE_SUPPORT_YES)
    return HDB_ENGINE_NATIVE;
  if (hdb_capabilities_engine_support (caps, HDB_ENGINE_NATS) == HDB_ENGINE_SUPPORT_YES)
    return HDB_ENGINE_NATS;
  return HDB_ENGINE_UNKNOWN;
}

/**
 * hdb_capabilities_full_replication_with:
 * @caps: one node's row
 * @peer: the other node's row
 *
 * Whether two native nodes may share full replication (which replicates the
 * system database too): only when their system databases have the same
 * layout (see @system_generation). Otherwise they must be linked table by
 * table.
 *
 * Returns: %TRUE when full replication between them is safe
 */
gboolean
hdb_capabilities_full_replication_with (const HdbCapabilities *caps,
                                        const HdbCapabilities *peer)
{
  g_return_val_if_fail (caps != NULL && peer != NULL, FALSE);

  return caps->known && peer->known && caps->system_generation != 0 &&
         caps->system_generation == peer->system_generation;
}

/**
 * hdb_restart_style_to_string:
 * @style: an #HdbRestartStyle
 *
 * Returns: a stable name for logs and `--json` output
 */
const char *
hdb_restart_style_to_string (HdbRestartStyle style)
{
  switch (style)
    {
    case HDB_RESTART_STYLE_WORKERS: return "workers";
    case HDB_RESTART_STYLE_PROCESS: return "process";
    case HDB_RESTART_STYLE_UNKNOWN:
    default: return "unknown";
    }
}
