/* deck-instance-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "deck-health-watch.h"
#include "deck-instance.h"

G_BEGIN_DECLS

#define DECK_TYPE_INSTANCE_ROW (deck_instance_row_get_type ())

G_DECLARE_FINAL_TYPE (DeckInstanceRow, deck_instance_row, DECK, INSTANCE_ROW, GtkListBoxRow)

GtkWidget    *deck_instance_row_new          (DeckInstance    *instance,
                                              DeckHealthWatch *health);
DeckInstance *deck_instance_row_get_instance (DeckInstanceRow *self);
/* The health mark's text, %NULL while the mark is not shown. */
const char   *deck_instance_row_get_health_problem (DeckInstanceRow *self);

/* Shared with the Overview: how a status reads to people. */
const char   *deck_instance_status_describe  (DeckInstanceStatus status);
char         *deck_instance_describe_engine  (DeckInstance    *instance);

G_END_DECLS
