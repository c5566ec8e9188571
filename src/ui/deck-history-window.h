/* deck-history-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

GtkWidget *deck_history_window_new (GtkWindow  *parent,
                                    const char *path);

G_END_DECLS
