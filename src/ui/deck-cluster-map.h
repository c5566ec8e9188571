/* deck-cluster-map.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "deck-map-live.h"
#include "deck-map-model.h"

G_BEGIN_DECLS

#define DECK_TYPE_CLUSTER_MAP (deck_cluster_map_get_type ())

G_DECLARE_FINAL_TYPE (DeckClusterMap, deck_cluster_map, DECK, CLUSTER_MAP, GtkWidget)

GtkWidget    *deck_cluster_map_new         (void);
void          deck_cluster_map_set_live    (DeckClusterMap     *self,
                                            DeckMapLive        *live);
DeckMapModel *deck_cluster_map_get_model   (DeckClusterMap     *self);
gboolean      deck_cluster_map_activate_at (DeckClusterMap     *self,
                                            double              x,
                                            double              y);
void          deck_cluster_map_to_widget   (DeckClusterMap     *self,
                                            double              mx,
                                            double              my,
                                            double             *x,
                                            double             *y);
void          deck_cluster_map_draw        (DeckClusterMap     *self,
                                            GtkSnapshot        *snapshot,
                                            double              scale);
GdkTexture   *deck_cluster_map_to_texture  (DeckClusterMap     *self,
                                            double              scale);

G_END_DECLS
