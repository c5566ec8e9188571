/* deck-map-model.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "deck-cluster-state.h"

G_BEGIN_DECLS

/**
 * DeckMapHealth:
 * @DECK_MAP_HEALTH_CONNECTED: an instance that answers with replication on,
 *   or a link whose sockets are all connected and up to date
 * @DECK_MAP_HEALTH_CATCHING_UP: a link connected but still catching up
 * @DECK_MAP_HEALTH_DISCONNECTED: a link that is not connected
 * @DECK_MAP_HEALTH_UNREACHABLE: an instance whose state could not be read
 * @DECK_MAP_HEALTH_NOT_ENABLED: an instance that answers with replication off
 * @DECK_MAP_HEALTH_OUTSIDE: a peer that is no instance of the organization
 *
 * The health of a node or an edge, from the best to the worst for a link.
 */
typedef enum
{
  DECK_MAP_HEALTH_CONNECTED,
  DECK_MAP_HEALTH_CATCHING_UP,
  DECK_MAP_HEALTH_DISCONNECTED,
  DECK_MAP_HEALTH_UNREACHABLE,
  DECK_MAP_HEALTH_NOT_ENABLED,
  DECK_MAP_HEALTH_OUTSIDE,
} DeckMapHealth;

/**
 * DeckMapNode:
 * @name: the instance's name, or the node name of a peer outside the
 *   organization
 * @instance_id: (nullable): the instance's id; %NULL for a peer outside
 * @node_name: (nullable): the node name, when known
 * @health: the node's health: as read, or as the health watch says now
 *   (DeckMapLive)
 * @read_health: the node's health when the state was read
 * @detail: (nullable): why an instance is unreachable
 * @x: the centre, in the map's coordinates
 * @y: the centre
 * @label_x: where the name goes: outside the circle of nodes, so that no
 *   edge crosses it
 * @label_y: the middle of the name's line
 * @label_anchor: the side of the name at @label_x: -1 its end, 0 its
 *   middle, 1 its start
 */
typedef struct
{
  char          *name;
  char          *instance_id;
  char          *node_name;
  DeckMapHealth  health;
  DeckMapHealth  read_health;
  char          *detail;
  double         x;
  double         y;
  double         label_x;
  double         label_y;
  int            label_anchor;
} DeckMapNode;

/**
 * DeckMapEdge:
 * @a: the index of the first node (the earlier in the map's order)
 * @b: the index of the other
 * @full: the link is in full replication (every database)
 * @forward: records flow from @a to @b
 * @backward: records flow from @b to @a
 * @n_tables: the tables named by a per-table link (both directions)
 * @health: the worse of what both ends report about the link: when the
 *   state was read, or as the health watch says now (DeckMapLive)
 * @read_health: the link's health when the state was read
 * @label_x: where the edge's label ("full", "2 tables") is centred: beside
 *   the middle of the line, on the side away from the map's centre
 * @label_y: the same
 *
 * A link between two nodes, as either end reports it (both merged).
 */
typedef struct
{
  guint          a;
  guint          b;
  gboolean       full;
  gboolean       forward;
  gboolean       backward;
  guint          n_tables;
  DeckMapHealth  health;
  DeckMapHealth  read_health;
  double         label_x;
  double         label_y;
} DeckMapEdge;

/**
 * DeckMapModel:
 * @nodes: (element-type DeckMapNode): sorted by name
 * @edges: (element-type DeckMapEdge): sorted by @a, then @b
 * @width: the map's width, in its own units (pixels at scale 1)
 * @height: its height
 */
typedef struct
{
  GPtrArray *nodes;
  GPtrArray *edges;
  double     width;
  double     height;
} DeckMapModel;

/* The radius of a node's disc, in the map's units. */
#define DECK_MAP_NODE_RADIUS 26.0

DeckMapModel *deck_map_model_new         (DeckClusterState *state);
void            deck_map_model_free        (DeckMapModel   *map);

const char     *deck_map_health_to_string    (DeckMapHealth     health);
const char     *deck_map_health_describe     (DeckMapHealth     health);
const char     *deck_map_health_color        (DeckMapHealth     health);
char           *deck_map_edge_describe       (const DeckMapModel *map,
                                              const DeckMapEdge    *edge);
gboolean        deck_map_edge_pick_end       (const DeckMapModel *map,
                                              const DeckMapEdge    *edge,
                                              const DeckMapNode   **here,
                                              const DeckMapNode   **there);
void            deck_map_edge_ends           (const DeckMapModel *map,
                                              const DeckMapEdge    *edge,
                                              double               *x1,
                                              double               *y1,
                                              double               *x2,
                                              double               *y2);

void            deck_map_legend_position     (const DeckMapModel   *model,
                                              DeckMapHealth         health,
                                              double               *x,
                                              double               *y);

char           *deck_map_model_to_svg      (const DeckMapModel *map,
                                              const char           *title);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeckMapModel, deck_map_model_free)

G_END_DECLS
