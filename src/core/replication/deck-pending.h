/* deck-pending.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "deck-change-set.h"

G_BEGIN_DECLS

#define DECK_PENDING_ERROR (deck_pending_error_quark ())

/**
 * DeckPendingError:
 * @DECK_PENDING_ERROR_CORRUPT: the file could not be understood; it was
 *   moved aside (its new name is in the message) and nothing of it is staged
 * @DECK_PENDING_ERROR_NEWER: the file was written by a newer Clusterdeck:
 *   it is kept as it is and nothing is written over it
 * @DECK_PENDING_ERROR_IO: the file could not be read, locked or written:
 *   it is kept as it is and nothing is written over it
 */
typedef enum
{
  DECK_PENDING_ERROR_CORRUPT,
  DECK_PENDING_ERROR_NEWER,
  DECK_PENDING_ERROR_IO,
} DeckPendingError;

#define DECK_PENDING_FORMAT_VERSION 1

/* Ten thousand staged tables take about 2.5 MB. */
#define DECK_PENDING_MAX_FILE_SIZE (16 * 1024 * 1024)

#define DECK_TYPE_PENDING (deck_pending_get_type ())

G_DECLARE_FINAL_TYPE (DeckPending, deck_pending, DECK, PENDING, GObject)

GQuark         deck_pending_error_quark  (void);

char          *deck_pending_default_path (void);

DeckPending   *deck_pending_new          (const char    *path);
DeckPending   *deck_pending_open         (const char    *path,
                                          GError       **error);
const char    *deck_pending_get_path     (DeckPending   *self);
DeckChangeSet *deck_pending_get_changes  (DeckPending   *self);

gboolean       deck_pending_load         (DeckPending   *self,
                                          GError       **error);
gboolean       deck_pending_save         (DeckPending   *self,
                                          GError       **error);
gboolean       deck_pending_flush        (DeckPending   *self,
                                          GError       **error);

void           deck_pending_set_autosave (DeckPending   *self,
                                          gboolean       autosave);
gboolean       deck_pending_get_autosave (DeckPending   *self);
gboolean       deck_pending_get_writable (DeckPending   *self);
const GError  *deck_pending_get_problem  (DeckPending   *self);

/* The file's format without a file: for tests and fuzz targets */
DeckChangeSet *deck_pending_parse_data   (const char    *data,
                                          gsize          length,
                                          GError       **error);

G_END_DECLS
