/* deck-ui-util.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GtkWidget *deck_mnemonic_button_new       (const char *label);
void       deck_button_set_mnemonic_label (GtkButton  *button,
                                           const char *label);

G_END_DECLS
