/* deck-instance-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "deck-context.h"

G_BEGIN_DECLS

#define DECK_TYPE_INSTANCE_DIALOG (deck_instance_dialog_get_type ())

G_DECLARE_FINAL_TYPE (DeckInstanceDialog, deck_instance_dialog, DECK, INSTANCE_DIALOG, AdwWindow)

DeckInstanceDialog *deck_instance_dialog_new (GtkWindow           *parent,
                                              DeckContext         *context,
                                              DeckOrganization    *organization,
                                              DeckInstance        *instance);

void                deck_instance_dialog_prefill (DeckInstanceDialog *self,
                                                  const char         *name,
                                                  const char         *url);

G_END_DECLS
