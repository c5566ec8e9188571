/* deck-history.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "deck-applier.h"

G_BEGIN_DECLS

/**
 * DeckHistoryEntry:
 * @time: when the operation finished, ISO 8601 in UTC
 * @instance: the instance, as the caller names it
 * @peer: the peer's node name
 * @operation: the Harper operation, e.g. "update_node"
 * @changes: (element-type utf8): the staged changes it carried out, one
 *   "database.table: publish off, subscribe on" per entry (only the
 *   directions that changed)
 * @ok: it succeeded
 * @message: (nullable): the server's answer, or why it failed
 *
 * One applied operation. Never holds a secret.
 */
typedef struct
{
  char      *time;
  char      *instance;
  char      *peer;
  char      *operation;
  GPtrArray *changes;
  gboolean   ok;
  char      *message;
} DeckHistoryEntry;

void   deck_history_entry_free     (DeckHistoryEntry *entry);
char  *deck_history_entry_describe (const DeckHistoryEntry *entry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeckHistoryEntry, deck_history_entry_free)

#define DECK_HISTORY_FORMAT_VERSION 1
/* The bounds: the newest entries, in at most so many bytes. */
#define DECK_HISTORY_MAX_ENTRIES    1000
#define DECK_HISTORY_MAX_BYTES      (1024 * 1024)

char      *deck_history_default_path (void);
gboolean   deck_history_append       (const char             *path,
                                      const DeckApplyResult  *result,
                                      GHashTable             *instance_names,
                                      GError                **error);
void       deck_history_append_async (const char             *path,
                                      const DeckApplyResult  *result,
                                      GHashTable             *instance_names,
                                      GCancellable           *cancellable,
                                      GAsyncReadyCallback     callback,
                                      gpointer                user_data);
gboolean   deck_history_append_finish (GAsyncResult          *result,
                                       GError               **error);
GPtrArray *deck_history_parse_data   (const char             *data,
                                      gsize                   length,
                                      guint                  *n_skipped);
GPtrArray *deck_history_load         (const char             *path,
                                      guint                  *n_skipped,
                                      GError                **error);
void       deck_history_load_async   (const char             *path,
                                      GCancellable           *cancellable,
                                      GAsyncReadyCallback     callback,
                                      gpointer                user_data);
GPtrArray *deck_history_load_finish  (GAsyncResult           *result,
                                      guint                  *n_skipped,
                                      GError                **error);

G_END_DECLS
