/* deck-store-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What DeckStore needs from DeckOrganization and nobody else may use: only
 * the store changes an organization's list of instances, so that every
 * change is validated and saved. Then what the three files of DeckStore
 * share: the model and its lookups (deck-store.c), the edits
 * (deck-store-edit.c), what is valid (deck-store-check.c) and the file
 * (deck-store-file.c).
 */

#pragma once

#include <json-glib/json-glib.h>

#include "deck-instance.h"
#include "deck-json-file.h"
#include "deck-organization.h"
#include "deck-store.h"

G_BEGIN_DECLS

/* The order of organizations and instances: case-insensitive by name, then
 * case-sensitive, so that the order is total and does not depend on the
 * order of insertion. */
int           deck_name_compare                   (const char       *a,
                                                   const char       *b);
/* A key for comparing names case-insensitively (casefolded, NFC). */
char         *deck_name_key                       (const char       *name);

void          deck_organization_insert_instance   (DeckOrganization *self,
                                                   DeckInstance     *instance);
gboolean      deck_organization_remove_instance   (DeckOrganization *self,
                                                   DeckInstance     *instance);
gboolean      deck_organization_contains_instance (DeckOrganization *self,
                                                   DeckInstance     *instance);
/* (transfer none) (nullable): by name, case-sensitively or not */
DeckInstance *deck_organization_lookup_instance   (DeckOrganization *self,
                                                   const char       *name,
                                                   gboolean          ignore_case);

/* DeckStore's own parts */

/* Larger than any list of organizations a person keeps (a thousand
 * instances take about 300 KB), far below what would hurt to read. */
#define DECK_STORE_MAX_FILE_SIZE (8 * 1024 * 1024)

struct _DeckStore
{
  GObject       parent_instance;

  char         *path;
  DeckJsonFile *file;
  GListStore   *organizations;   /* DeckOrganization, sorted by name */
  JsonNode     *saved;           /* the validated content the models hold: the last read or write */
  GError       *load_problem;    /* CORRUPT: set aside; NEWER: read-only */
  GError       *read_failure;    /* IO: the last load could not read the file */
  gboolean      loaded;
  gboolean      read_only;       /* the file is of a newer format: nothing is written */
  gboolean      unwatched;       /* deck_store_set_watched (FALSE): never watch the file */
};

/* deck-store.c: the models */
DeckOrganization *_deck_store_lookup_organization_by_id  (DeckStore        *self,
                                                          const char       *id);
DeckOrganization *_deck_store_lookup_organization_by_key (DeckStore        *self,
                                                          const char       *name,
                                                          DeckOrganization *except);
void              _deck_store_insert_organization        (DeckStore        *self,
                                                          DeckOrganization *organization);
gboolean          _deck_store_take_out_organization      (DeckStore        *self,
                                                          DeckOrganization *organization);
gboolean          _deck_store_contains_organization      (DeckStore        *self,
                                                          DeckOrganization *organization);
void              _deck_store_show_content               (DeckStore        *self,
                                                          JsonNode         *root);

/* deck-store-check.c: what is valid, for the edits and the file */
gboolean          _deck_store_check_organization_name    (const char  *name,
                                                          char       **clean_out,
                                                          GError     **error);
gboolean          _deck_store_check_instance_name        (const char  *name,
                                                          char       **clean_out,
                                                          GError     **error);
gboolean          _deck_store_check_url                  (const char  *url,
                                                          char       **clean_out,
                                                          GError     **error);
gboolean          _deck_store_check_username             (const char  *username,
                                                          GError     **error);
gboolean          _deck_store_check_pin                  (const char  *pinned,
                                                          char       **normal_out,
                                                          GError     **error);
gboolean          _deck_store_check_content              (JsonNode    *root,
                                                          char       **reason);

/* deck-store-file.c: an edit is begun (the file locked and read again when
 * another process changed it), committed (written), and ended (unlocked). */
gboolean          _deck_store_begin_edit                 (DeckStore  *self,
                                                          GError    **error);
gboolean          _deck_store_commit_edit                (DeckStore  *self,
                                                          GError    **error);
void              _deck_store_end_edit                   (DeckStore  *self);
void              _deck_store_start_watching             (DeckStore  *self);

G_END_DECLS
