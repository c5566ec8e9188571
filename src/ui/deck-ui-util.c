/* deck-ui-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Small widget helpers the pages and dialogs share.
 */

#include "config.h"

#include "deck-ui-util.h"

/**
 * deck_mnemonic_button_new:
 * @label: the label, with an underlined mnemonic ("_Apply")
 *
 * A button whose accessible name is its label once: GTK 4.8 sets the
 * label with the underscore as the accessible name too, and screen readers
 * read both.
 *
 * Returns: (transfer floating): the button
 */
GtkWidget *
deck_mnemonic_button_new (const char *label)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL);
  return button;
}

/**
 * deck_button_set_mnemonic_label:
 * @button: a button made by deck_mnemonic_button_new()
 * @label: its new label
 *
 * gtk_button_set_label() sets the doubled accessible name again.
 */
void
deck_button_set_mnemonic_label (GtkButton  *button,
                                const char *label)
{
  gtk_button_set_label (button, label);
  gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL);
}
