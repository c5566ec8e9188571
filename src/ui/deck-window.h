/* deck-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "deck-context.h"

G_BEGIN_DECLS

#define DECK_TYPE_WINDOW (deck_window_get_type ())

G_DECLARE_FINAL_TYPE (DeckWindow, deck_window, DECK, WINDOW, AdwApplicationWindow)

DeckWindow       *deck_window_new                       (GtkApplication      *application,
                                                         DeckContext         *context);
void              deck_window_restore_selection         (DeckWindow          *self);
void              deck_window_select_instance           (DeckWindow          *self,
                                                         DeckInstance        *instance);
void              deck_window_show_tables               (DeckWindow          *self,
                                                         DeckInstance        *instance,
                                                         const char          *filter);
DeckInstance     *deck_window_get_selected_instance     (DeckWindow          *self);
DeckOrganization *deck_window_get_selected_organization (DeckWindow          *self);

/* What win.export-cluster and win.restore-cluster do once a file is chosen */
void              deck_window_export_cluster            (DeckWindow          *self,
                                                         GFile               *file);
void              deck_window_restore_from_file         (DeckWindow          *self,
                                                         GFile               *file);

G_END_DECLS
