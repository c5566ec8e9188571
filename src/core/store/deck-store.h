/* deck-store.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "deck-instance.h"
#include "deck-organization.h"

G_BEGIN_DECLS

#define DECK_STORE_ERROR (deck_store_error_quark ())

typedef enum
{
  DECK_STORE_ERROR_CORRUPT,      /* the file could not be understood; it was set aside */
  DECK_STORE_ERROR_NEWER,        /* written by a newer Clusterdeck: shown read-only, never moved */
  DECK_STORE_ERROR_IO,           /* reading, locking or writing failed */
  DECK_STORE_ERROR_EXISTS,       /* a name is already taken */
  DECK_STORE_ERROR_NOT_FOUND,    /* no such organization or instance */
  DECK_STORE_ERROR_AMBIGUOUS,    /* a name matches instances of several organizations */
  DECK_STORE_ERROR_INVALID,      /* an empty name, a URL that is not http(s) */
  DECK_STORE_ERROR_READ_ONLY,    /* a change refused: the file is of a newer format */
} DeckStoreError;

#define DECK_STORE_FORMAT_VERSION 1

#define DECK_TYPE_STORE (deck_store_get_type ())

G_DECLARE_FINAL_TYPE (DeckStore, deck_store, DECK, STORE, GObject)

GQuark            deck_store_error_quark          (void);

/* @path: the organizations file, NULL for $XDG_CONFIG_HOME/clusterdeck/organizations.json */
DeckStore        *deck_store_new                  (const char   *path);
const char       *deck_store_get_path             (DeckStore    *self);

/* Loading: a corrupt file is moved aside (its new name is in the problem's
 * message) and the store starts empty; a file of a newer format stays where
 * it is, the store shows what it can read of it and refuses every change.
 * Both return TRUE with *problem set, so the caller can tell the user.
 * FALSE only on I/O errors that leave the file where it was. After a load
 * the store watches its file and shows what other processes change. */
gboolean          deck_store_load                 (DeckStore    *self,
                                                   GError      **problem,
                                                   GError      **error);
void              deck_store_load_async           (DeckStore           *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean          deck_store_load_finish          (DeckStore     *self,
                                                   GAsyncResult  *result,
                                                   GError       **problem,
                                                   GError       **error);
/* Whether the store watches its file once loaded: TRUE by default. A
 * one-shot process (clusterdeck-cli) turns it off before loading. */
void              deck_store_set_watched          (DeckStore    *self,
                                                   gboolean      watched);
/* The problem found by the last load, if any */
const GError     *deck_store_get_load_problem     (DeckStore    *self);
gboolean          deck_store_get_read_only        (DeckStore    *self);

/* Saving: under the file's lock, after reading again what another process
 * wrote; atomic replace, mode 0600. Every mutator below saves this way. */
gboolean          deck_store_save                 (DeckStore    *self,
                                                   GError      **error);

/* (element-type DeckOrganization), sorted by name */
GListModel       *deck_store_get_organizations    (DeckStore    *self);
DeckOrganization *deck_store_find_organization    (DeckStore    *self,
                                                   const char   *id_or_name);
DeckOrganization *deck_store_add_organization     (DeckStore    *self,
                                                   const char   *name,
                                                   GError      **error);
gboolean          deck_store_rename_organization  (DeckStore        *self,
                                                   DeckOrganization *organization,
                                                   const char       *name,
                                                   GError          **error);
gboolean          deck_store_set_cluster_user     (DeckStore        *self,
                                                   DeckOrganization *organization,
                                                   const char       *cluster_user,
                                                   GError          **error);
gboolean          deck_store_remove_organization  (DeckStore        *self,
                                                   DeckOrganization *organization,
                                                   GError          **error);
/* Puts back an organization (with its instances) removed before: Undo. */
gboolean          deck_store_restore_organization (DeckStore        *self,
                                                   DeckOrganization *organization,
                                                   GError          **error);

/* NAME or ORG/NAME (DESIGN.md §6) */
DeckInstance     *deck_store_find_instance        (DeckStore    *self,
                                                   const char   *spec,
                                                   GError      **error);
DeckInstance     *deck_store_find_instance_by_id  (DeckStore    *self,
                                                   const char   *id);
DeckInstance     *deck_store_add_instance         (DeckStore        *self,
                                                   DeckOrganization *organization,
                                                   const char       *name,
                                                   const char       *url,
                                                   const char       *username,
                                                   const char       *pinned_sha256,
                                                   GError          **error);
/* Saves after the caller changed an instance's stored fields. */
gboolean          deck_store_update_instance      (DeckStore    *self,
                                                   DeckInstance *instance,
                                                   GError      **error);
gboolean          deck_store_remove_instance      (DeckStore    *self,
                                                   DeckInstance *instance,
                                                   GError      **error);

G_END_DECLS
