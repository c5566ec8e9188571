/* deck-cluster-file.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hdb-types.h"

G_BEGIN_DECLS

#define DECK_CLUSTER_FILE_ERROR (deck_cluster_file_error_quark ())

/**
 * DeckClusterFileError:
 * @DECK_CLUSTER_FILE_ERROR_INVALID: not a cluster file, or one that breaks
 *   the format (docs/cluster-file.md); the message names the problem
 * @DECK_CLUSTER_FILE_ERROR_NEWER: written in a newer format version
 */
typedef enum
{
  DECK_CLUSTER_FILE_ERROR_INVALID,
  DECK_CLUSTER_FILE_ERROR_NEWER,
} DeckClusterFileError;

/* The format (docs/cluster-file.md) and the bounds of what is read: a file
 * is untrusted input, and none of these is near a real organization. */
#define DECK_CLUSTER_FILE_FORMAT            "clusterdeck-cluster"
#define DECK_CLUSTER_FILE_VERSION           1
#define DECK_CLUSTER_FILE_MAX_BYTES         (8 * 1024 * 1024)
#define DECK_CLUSTER_FILE_MAX_INSTANCES     1000
#define DECK_CLUSTER_FILE_MAX_LINKS         1000
#define DECK_CLUSTER_FILE_MAX_SUBSCRIPTIONS 10000
#define DECK_CLUSTER_FILE_MAX_NAME          1024

/**
 * DeckClusterFileLink:
 * @peer: the peer's node name
 * @url: (nullable): the peer's replication URL (native)
 * @full_replication: the link replicates everything (native `replicates`)
 * @subscriptions: (element-type HdbSubscription): the per-table
 *   directions, sorted by database and table; empty in full replication
 *
 * One connection of an instance, as its node record says.
 */
typedef struct
{
  char      *peer;
  char      *url;
  gboolean   full_replication;
  GPtrArray *subscriptions;
} DeckClusterFileLink;

/**
 * DeckClusterFileInstance:
 * @name: the instance's name in the organization
 * @url: (nullable): its operations API URL
 * @username: (nullable): the login's user name (never a password)
 * @node_name: (nullable): its node name, %NULL when replication is off
 * @engine: its replication engine
 * @links: (element-type DeckClusterFileLink): its connections, sorted by peer
 */
typedef struct
{
  char      *name;
  char      *url;
  char      *username;
  char      *node_name;
  HdbEngine  engine;
  GPtrArray *links;
} DeckClusterFileInstance;

/**
 * DeckClusterFile:
 * @organization: (nullable): the organization's name when it was exported
 * @instances: (element-type DeckClusterFileInstance): sorted by name
 *
 * An organization's replication as a file: names, URLs and switches, never
 * a secret.
 */
typedef struct
{
  char      *organization;
  GPtrArray *instances;
} DeckClusterFile;

GQuark                   deck_cluster_file_error_quark   (void);

DeckClusterFile         *deck_cluster_file_new           (const char            *organization);
void                     deck_cluster_file_free          (DeckClusterFile       *file);
DeckClusterFileInstance *deck_cluster_file_add_instance  (DeckClusterFile       *file,
                                                          const char            *name,
                                                          const char            *url,
                                                          const char            *username,
                                                          const char            *node_name,
                                                          HdbEngine              engine);
DeckClusterFileLink     *deck_cluster_file_add_link      (DeckClusterFileInstance *instance,
                                                          const char            *peer,
                                                          const char            *url,
                                                          gboolean               full_replication);
const DeckClusterFileInstance *deck_cluster_file_find_instance (const DeckClusterFile *file,
                                                                const char            *name);
const DeckClusterFileLink     *deck_cluster_file_find_link     (const DeckClusterFileInstance *instance,
                                                                const char                    *peer);
void                     deck_cluster_file_sort          (DeckClusterFile       *file);

JsonNode                *deck_cluster_file_get_schema    (void);
DeckClusterFile         *deck_cluster_file_parse         (const char            *data,
                                                          gsize                  length,
                                                          GError               **error);
char                    *deck_cluster_file_to_data       (const DeckClusterFile *file,
                                                          GDateTime             *exported);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeckClusterFile, deck_cluster_file_free)

G_END_DECLS
