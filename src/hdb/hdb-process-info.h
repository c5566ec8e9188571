/* hdb-process-info.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hdb-client.h"

G_BEGIN_DECLS

/**
 * HdbProcessInfo:
 * @pid: the main process (`harperdb_processes.core[0].pid`), 0 when the
 *   answer did not say
 * @started: when it started, in seconds since the epoch (UTC), 0 when not
 *   said. Harper derives it from the system's boot time and the process's
 *   start ticks and prints whole seconds, so it can differ by a second
 *   between two answers about the same process.
 * @threads: (element-type gint64) (nullable): the ids of the worker threads
 *   (`threads[].threadId`), %NULL when not asked for or not listed
 *
 * Who is answering: the evidence a restart leaves (DESIGN.md §4). Harper 4.4
 * keeps its main process and replaces its workers with new ones of higher
 * ids; 4.5 and later start a new main process whose workers count from 1
 * again (hdb-capabilities.h).
 */
typedef struct
{
  gint64  pid;
  gint64  started;
  GArray *threads;
} HdbProcessInfo;

void            hdb_process_info_free          (HdbProcessInfo  *info);
HdbProcessInfo *hdb_parse_process_info         (JsonNode        *node,
                                                GError         **error);
gint64          hdb_parse_process_started      (const char      *started);

void            hdb_client_process_info_async  (HdbClient           *client,
                                                gboolean             with_process,
                                                guint                timeout_ms,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
HdbProcessInfo *hdb_client_process_info_finish (HdbClient           *client,
                                                GAsyncResult        *result,
                                                GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HdbProcessInfo, hdb_process_info_free)

G_END_DECLS
