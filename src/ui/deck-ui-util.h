/* deck-ui-util.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

GtkWidget *deck_mnemonic_button_new                (const char          *label);
void       deck_button_set_mnemonic_label          (GtkButton           *button,
                                                    const char          *label);
void       deck_widget_reset_mnemonic_labels       (GtkWidget           *widget);
void       deck_password_entry_name_icons          (GtkWidget           *entry);
void       deck_toast_overlay_name_buttons   (AdwToastOverlay     *overlay);
void       deck_shortcuts_window_name_widgets      (GtkShortcutsWindow  *window);
void       deck_widget_name_search_entries         (GtkWidget           *widget,
                                                    const char          *fallback);
void       deck_list_box_tab_leaves                (GtkListBox          *list);
void       deck_window_keep_focus                  (GtkWindow           *window);

/* Text is text: libadwaita 1.2 parses these as Pango markup, so a text
 * from a server, a file or the user goes through them escaped. */
AdwToast  *deck_toast_new_text                     (const char          *text);
void       deck_widget_toast                       (GtkWidget           *widget,
                                                    const char          *text);
void       deck_widget_add_toast                   (GtkWidget           *widget,
                                                    AdwToast            *toast);
void       deck_status_page_set_description_text   (AdwStatusPage       *page,
                                                    const char          *text);
void       deck_preferences_group_set_title_text   (AdwPreferencesGroup *group,
                                                    const char          *text);
void       deck_preferences_group_set_description_text (AdwPreferencesGroup *group,
                                                        const char          *text);

GtkWindow *deck_widget_get_window                  (GtkWidget           *widget);

GSettings *deck_settings_new_if_installed          (void);

G_END_DECLS
