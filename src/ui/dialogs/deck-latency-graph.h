/* deck-latency-graph.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* How many readings a graph draws, at most (the health watch keeps as many) */
#define DECK_LATENCY_GRAPH_SLOTS 30

#define DECK_TYPE_LATENCY_GRAPH (deck_latency_graph_get_type ())

G_DECLARE_FINAL_TYPE (DeckLatencyGraph, deck_latency_graph, DECK, LATENCY_GRAPH, GtkWidget)

GtkWidget *deck_latency_graph_new          (void);
void       deck_latency_graph_set_values   (DeckLatencyGraph *self,
                                            const double     *values,
                                            guint             n_values);
guint      deck_latency_graph_get_n_values (DeckLatencyGraph *self);

G_END_DECLS
