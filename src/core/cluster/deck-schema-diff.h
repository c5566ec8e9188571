/* deck-schema-diff.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hdb-client.h"

G_BEGIN_DECLS

/**
 * DeckMissingTable:
 * @database: the database
 * @table: the table
 * @primary_key: its primary key on the instance that has it
 * @database_missing: the whole database is missing, not only the table
 *
 * A table one instance has and another lacks. Replication never creates a
 * database (Q9), so such a table does not replicate until it is created.
 */
typedef struct
{
  char     *database;
  char     *table;
  char     *primary_key;
  gboolean  database_missing;
} DeckMissingTable;

void       deck_missing_table_free         (DeckMissingTable *missing);

GPtrArray *deck_schema_diff_missing        (const HdbSchema *have,
                                            const HdbSchema *other);
char      *deck_schema_diff_describe       (GPtrArray       *missing);

void       deck_schema_create_missing_async  (HdbClient           *client,
                                              GPtrArray           *missing,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean   deck_schema_create_missing_finish (HdbClient           *client,
                                              GAsyncResult        *result,
                                              GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeckMissingTable, deck_missing_table_free)

G_END_DECLS
