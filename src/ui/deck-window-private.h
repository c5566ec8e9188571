/* deck-window-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What deck-window.c (the window, its sidebars and pages) and
 * deck-window-actions.c and deck-window-file.c (the win.* actions) share.
 */

#pragma once

#include "deck-overview-page.h"
#include "deck-pending.h"
#include "deck-replication-page.h"
#include "deck-window.h"

G_BEGIN_DECLS

struct _DeckWindow
{
  AdwApplicationWindow  parent_instance;

  /* Owned references */
  DeckContext          *context;
  GSettings            *settings;       /* nullable: the schema is not installed */
  DeckOrganization     *organization;   /* nullable: the selected one */
  DeckInstance         *instance;       /* nullable: the selected one */
  GtkFilterListModel   *filtered_instances;
  GtkCustomFilter      *filter;
  char                 *banner_store;
  char                 *banner_keyring;
  char                 *banner_pending;

  /* Borrowed references: the context's */
  DeckStore            *store;
  DeckCredentials      *credentials;
  DeckInstanceMonitor  *monitor;
  DeckPending          *pending;

  gulong                instance_handler;
  gulong                instances_changed_handler;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkRevealer          *banner_revealer;
  GtkLabel             *banner_label;
  AdwLeaflet           *leaflet;
  GtkWidget            *instances_pane;
  GtkWidget            *content_pane;
  GtkStack             *organizations_stack;
  GtkListBox           *organizations_list;
  AdwWindowTitle       *instances_title;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  GtkToggleButton      *search_button;
  GtkStack             *instances_stack;
  GtkListBox           *instances_list;
  GtkStack             *content_stack;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewStack         *view_stack;
  DeckOverviewPage     *overview_page;
  DeckReplicationPage  *replication_page;
};

void _deck_window_class_actions_init      (GtkWidgetClass   *widget_class);
void _deck_window_class_file_actions_init (GtkWidgetClass   *widget_class);
void _deck_window_select_instance         (DeckWindow       *self,
                                           DeckInstance     *instance);
void _deck_window_select_organization_row (DeckWindow       *self,
                                           DeckOrganization *organization);
void _deck_window_show_toast              (DeckWindow       *self,
                                           const char       *text);

G_END_DECLS
