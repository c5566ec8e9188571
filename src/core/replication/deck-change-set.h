/* deck-change-set.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hdb-types.h"

G_BEGIN_DECLS

/**
 * DeckToggle:
 * @DECK_TOGGLE_UNCHANGED: keep what the server has
 * @DECK_TOGGLE_ON: switch the direction on
 * @DECK_TOGGLE_OFF: switch the direction off
 */
typedef enum
{
  DECK_TOGGLE_UNCHANGED,
  DECK_TOGGLE_ON,
  DECK_TOGGLE_OFF,
} DeckToggle;

/**
 * DeckBaseline:
 * @publish: the instance published the table to the peer when it was loaded
 * @subscribe: the instance subscribed to the table from the peer
 * @replicates: the peer was in full replication (then @publish and
 *   @subscribe are both %TRUE)
 *
 * What the loaded cluster status said about one (peer, database, table)
 * when a change was staged: shown as "changed from …" and compared with a
 * fresh status before applying.
 */
typedef struct
{
  gboolean publish;
  gboolean subscribe;
  gboolean replicates;
} DeckBaseline;

void deck_baseline_from_connection (const HdbConnection *conn,
                                    const char          *database,
                                    const char          *table,
                                    DeckBaseline        *baseline);

/**
 * DeckChange:
 * @instance_id: the instance whose node record is changed
 * @peer: the peer's node name
 * @database: the database
 * @table: the table
 * @publish: the desired publish direction
 * @subscribe: the desired subscribe direction
 * @baseline: the loaded state when the change was first staged
 *
 * One staged change. Never holds a secret.
 */
typedef struct
{
  char         *instance_id;
  char         *peer;
  char         *database;
  char         *table;
  DeckToggle    publish;
  DeckToggle    subscribe;
  DeckBaseline  baseline;
} DeckChange;

DeckChange *deck_change_copy              (const DeckChange *change);
void        deck_change_free              (DeckChange       *change);
gboolean    deck_change_get_desired_publish   (const DeckChange *change);
gboolean    deck_change_get_desired_subscribe (const DeckChange *change);
gboolean    deck_change_reopens               (const DeckChange *change);
gboolean    deck_change_equal             (const DeckChange *a,
                                           const DeckChange *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeckChange, deck_change_free)

#define DECK_TYPE_CHANGE_SET (deck_change_set_get_type ())

G_DECLARE_FINAL_TYPE (DeckChangeSet, deck_change_set, DECK, CHANGE_SET, GObject)

DeckChangeSet    *deck_change_set_new           (void);
void              deck_change_set_set_publish   (DeckChangeSet      *self,
                                                 const char         *instance_id,
                                                 const char         *peer,
                                                 const char         *database,
                                                 const char         *table,
                                                 gboolean            publish,
                                                 const DeckBaseline *baseline);
void              deck_change_set_set_subscribe (DeckChangeSet      *self,
                                                 const char         *instance_id,
                                                 const char         *peer,
                                                 const char         *database,
                                                 const char         *table,
                                                 gboolean            subscribe,
                                                 const DeckBaseline *baseline);
const DeckChange *deck_change_set_lookup        (DeckChangeSet      *self,
                                                 const char         *instance_id,
                                                 const char         *peer,
                                                 const char         *database,
                                                 const char         *table);
gboolean          deck_change_set_get           (DeckChangeSet      *self,
                                                 const char         *instance_id,
                                                 const char         *peer,
                                                 const char         *database,
                                                 const char         *table,
                                                 DeckToggle         *publish,
                                                 DeckToggle         *subscribe);
gboolean          deck_change_set_remove        (DeckChangeSet      *self,
                                                 const char         *instance_id,
                                                 const char         *peer,
                                                 const char         *database,
                                                 const char         *table);
guint             deck_change_set_remove_peer   (DeckChangeSet      *self,
                                                 const char         *instance_id,
                                                 const char         *peer);
void              deck_change_set_clear         (DeckChangeSet      *self);
guint             deck_change_set_get_n_changes (DeckChangeSet      *self);
GPtrArray        *deck_change_set_dup_changes   (DeckChangeSet      *self);
void              deck_change_set_add_change    (DeckChangeSet      *self,
                                                 const DeckChange   *change);
DeckChangeSet    *deck_change_set_copy          (DeckChangeSet      *self);
DeckChangeSet    *deck_change_set_inverse       (DeckChangeSet      *self);

gboolean          deck_change_set_equal         (DeckChangeSet      *self,
                                                 DeckChangeSet      *other);
void              deck_change_set_assign        (DeckChangeSet      *self,
                                                 DeckChangeSet      *other);
DeckChangeSet    *deck_change_set_merge         (DeckChangeSet      *base,
                                                 DeckChangeSet      *ours,
                                                 DeckChangeSet      *theirs);

G_END_DECLS
