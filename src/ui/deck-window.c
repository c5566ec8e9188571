/* deck-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main window: organizations, the instances of the selected one, and
 * the selected instance's pages. Its win.* actions are in
 * deck-window-actions.c; the two share deck-window-private.h.
 */

#define G_LOG_DOMAIN "deck-window"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "deck-instance-dialog.h"
#include "deck-instance-row.h"
#include "deck-organization-row.h"
#include "deck-replication-grid.h"
#include "deck-replication-tables.h"
#include "deck-ui-util.h"
#include "deck-window-private.h"



G_DEFINE_FINAL_TYPE (DeckWindow, deck_window, ADW_TYPE_APPLICATION_WINDOW)


static void
update_banner (DeckWindow *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (self->banner_store != NULL)
    g_string_append (text, self->banner_store);
  if (self->banner_pending != NULL)
    {
      if (text->len > 0)
        g_string_append (text, "\n");
      g_string_append (text, self->banner_pending);
    }
  if (self->banner_keyring != NULL)
    {
      if (text->len > 0)
        g_string_append (text, "\n");
      g_string_append (text, self->banner_keyring);
    }
  gtk_label_set_label (self->banner_label, text->str);
  gtk_revealer_set_reveal_child (self->banner_revealer, text->len > 0);
}

/* The pending changes could not be read, were set aside, or not saved. */
static void
on_pending_problem_changed (DeckWindow *self)
{
  const GError *problem = deck_pending_get_problem (self->pending);

  g_clear_pointer (&self->banner_pending, g_free);
  if (problem != NULL)
    self->banner_pending = g_strdup (problem->message);
  update_banner (self);
}

static void
on_memory_only_changed (DeckWindow *self)
{
  g_clear_pointer (&self->banner_keyring, g_free);
  if (deck_credentials_get_memory_only (self->credentials))
    self->banner_keyring = g_strdup (_("No keyring is available: passwords you enter are kept "
                                       "in memory until Clusterdeck closes, and asked for again "
                                       "next time."));
  update_banner (self);
}

/* Organizations ---------------------------------------------------------- */

static GtkWidget *
create_organization_row (gpointer item,
                         gpointer user_data)
{
  return deck_organization_row_new (DECK_ORGANIZATION (item));
}

static gboolean
filter_instance (gpointer item,
                 gpointer user_data)
{
  DeckWindow *self = user_data;
  const char *needle = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *folded_needle = NULL;
  g_autofree char *name = NULL;
  g_autofree char *url = NULL;

  if (needle == NULL || *needle == '\0')
    return TRUE;

  folded_needle = g_utf8_casefold (needle, -1);
  name = g_utf8_casefold (deck_instance_get_name (item), -1);
  url = g_utf8_casefold (deck_instance_get_url (item), -1);
  return strstr (name, folded_needle) != NULL || strstr (url, folded_needle) != NULL;
}

static GtkWidget *
create_instance_row (gpointer item,
                     gpointer user_data)
{
  DeckWindow *self = user_data;

  return deck_instance_row_new (DECK_INSTANCE (item), deck_context_get_health_watch (self->context));
}

static void
update_instances_stack (DeckWindow *self)
{
  guint total, shown;

  if (self->organization == NULL)
    {
      gtk_stack_set_visible_child_name (self->instances_stack, "empty");
      return;
    }

  total = g_list_model_get_n_items (deck_organization_get_instances (self->organization));
  shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered_instances));
  if (total == 0)
    gtk_stack_set_visible_child_name (self->instances_stack, "empty");
  else if (shown == 0)
    gtk_stack_set_visible_child_name (self->instances_stack, "no-match");
  else
    gtk_stack_set_visible_child_name (self->instances_stack, "list");
}

static void
update_content (DeckWindow *self)
{
  GListModel *orgs = deck_store_get_organizations (self->store);
  gboolean has_org = self->organization != NULL;

  gtk_stack_set_visible_child_name (self->organizations_stack,
                                    g_list_model_get_n_items (orgs) > 0 ? "list" : "empty");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.add-instance", has_org);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.rename-organization", has_org);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.delete-organization", has_org);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.check-record-counts", has_org);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.link-health", has_org);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-cluster", has_org);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.edit-instance", self->instance != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.remove-instance", self->instance != NULL);

  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, self->instance != NULL);

  if (!has_org)
    gtk_stack_set_visible_child_name (self->content_stack, "no-organization");
  else if (self->instance == NULL)
    gtk_stack_set_visible_child_name (self->content_stack, "no-instance");
  else
    gtk_stack_set_visible_child_name (self->content_stack, "instance");
}

static void
on_instances_changed (DeckWindow *self)
{
  update_instances_stack (self);
}

static void
select_organization (DeckWindow       *self,
                     DeckOrganization *org)
{
  if (self->organization == org)
    return;

  _deck_window_select_instance (self, NULL);
  if (self->filtered_instances != NULL)
    g_clear_signal_handler (&self->instances_changed_handler, self->filtered_instances);
  g_set_object (&self->organization, org);

  if (org != NULL)
    {
      GListModel *instances = deck_organization_get_instances (org);

      gtk_filter_list_model_set_model (self->filtered_instances, instances);
      adw_window_title_set_title (self->instances_title, deck_organization_get_name (org));
      adw_window_title_set_subtitle (self->instances_title, _("Instances"));
      if (self->settings != NULL)
        g_settings_set_string (self->settings, "selected-organization",
                               deck_organization_get_id (org));
    }
  else
    {
      gtk_filter_list_model_set_model (self->filtered_instances, NULL);
      adw_window_title_set_title (self->instances_title, _("Instances"));
      adw_window_title_set_subtitle (self->instances_title, NULL);
    }

  self->instances_changed_handler = g_signal_connect_swapped (self->filtered_instances,
                                                              "items-changed",
                                                              G_CALLBACK (on_instances_changed),
                                                              self);
  update_instances_stack (self);
  update_content (self);
}

static void
on_organization_selected (GtkListBox    *list,
                          GtkListBoxRow *row,
                          DeckWindow    *self)
{
  if (row == NULL)
    {
      /* The selected row went away (deleted): pick the first one left. */
      GtkListBoxRow *first = gtk_list_box_get_row_at_index (list, 0);

      if (first != NULL)
        gtk_list_box_select_row (list, first);
      else
        select_organization (self, NULL);
      return;
    }
  select_organization (self, deck_organization_row_get_organization (DECK_ORGANIZATION_ROW (row)));
}

void
_deck_window_select_organization_row (DeckWindow       *self,
                         DeckOrganization *org)
{
  for (int i = 0;; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->organizations_list, i);

      if (row == NULL)
        break;
      if (deck_organization_row_get_organization (DECK_ORGANIZATION_ROW (row)) == org)
        {
          gtk_list_box_select_row (self->organizations_list, row);
          return;
        }
    }
}

static void
on_organizations_changed (DeckWindow *self)
{
  GListModel *orgs = deck_store_get_organizations (self->store);

  if (self->organization == NULL && g_list_model_get_n_items (orgs) > 0)
    {
      g_autoptr(DeckOrganization) first = g_list_model_get_item (orgs, 0);

      _deck_window_select_organization_row (self, first);
    }
  update_content (self);
}

/* Instances -------------------------------------------------------------- */

static void
on_selected_instance_notify (DeckWindow *self)
{
  adw_view_switcher_title_set_subtitle (self->switcher_title,
                                        deck_instance_get_url (self->instance));
  adw_view_switcher_title_set_title (self->switcher_title,
                                     deck_instance_get_name (self->instance));
}

void
_deck_window_select_instance (DeckWindow   *self,
                 DeckInstance *instance)
{
  if (self->instance == instance)
    return;

  if (self->instance != NULL)
    g_clear_signal_handler (&self->instance_handler, self->instance);
  g_set_object (&self->instance, instance);
  deck_overview_page_set_instance (self->overview_page, instance);
  deck_replication_page_set_instance (self->replication_page, instance);

  if (instance != NULL)
    {
      self->instance_handler = g_signal_connect_swapped (instance, "notify",
                                                         G_CALLBACK (on_selected_instance_notify),
                                                         self);
      on_selected_instance_notify (self);
      if (self->settings != NULL)
        g_settings_set_string (self->settings, "selected-instance", deck_instance_get_id (instance));
    }
  else
    {
      adw_view_switcher_title_set_title (self->switcher_title, _("Clusterdeck"));
      adw_view_switcher_title_set_subtitle (self->switcher_title, NULL);
    }
  update_content (self);
}

static void
on_instance_selected (GtkListBox    *list,
                      GtkListBoxRow *row,
                      DeckWindow    *self)
{
  _deck_window_select_instance (self, row ? deck_instance_row_get_instance (DECK_INSTANCE_ROW (row)) : NULL);
}

/* Folded, the leaflet shows one pane at a time: a row the user picks
 * (a click, Enter; not a selection the window restores) shows the next pane. */
static void
on_organization_activated (DeckWindow *self)
{
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child (self->leaflet, self->instances_pane);
}

static void
on_instance_activated (DeckWindow *self)
{
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child (self->leaflet, self->content_pane);
}

static void
on_search_changed (DeckWindow *self)
{
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_instances_stack (self);
}

/**
 * _deck_window_show_toast:
 * @self: the window
 * @text: plain text (it may come from a server or a file)
 */
void
_deck_window_show_toast (DeckWindow *self,
                         const char *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, deck_toast_new_text (text));
}

/* Signals of the pages --------------------------------------------------- */

static void
on_configure_instance (DeckWindow   *self,
                       DeckInstance *instance)
{
  deck_window_select_instance (self, instance);
  adw_view_stack_set_visible_child_name (self->view_stack, "replication");
}

static void
on_add_unregistered (DeckWindow *self,
                     const char *node_name,
                     const char *url)
{
  DeckInstanceDialog *dialog;

  if (self->organization == NULL)
    return;
  dialog = deck_instance_dialog_new (GTK_WINDOW (self), self->context, self->organization, NULL);
  deck_instance_dialog_prefill (dialog, node_name, url);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Window ----------------------------------------------------------------- */

static void
deck_window_dispose (GObject *object)
{
  DeckWindow *self = DECK_WINDOW (object);

  /* Destroying the lists removes their rows, and a removed selected row
   * selects another one: not once the state below is gone. */
  g_signal_handlers_disconnect_by_data (self->organizations_list, self);
  g_signal_handlers_disconnect_by_data (self->instances_list, self);

  if (self->instance != NULL)
    g_clear_signal_handler (&self->instance_handler, self->instance);
  g_clear_object (&self->instance);
  if (self->filtered_instances != NULL)
    g_clear_signal_handler (&self->instances_changed_handler, self->filtered_instances);
  g_clear_object (&self->filtered_instances);
  g_clear_object (&self->organization);
  if (self->credentials != NULL)
    g_signal_handlers_disconnect_by_data (self->credentials, self);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (deck_store_get_organizations (self->store), self);
  if (self->context != NULL)
    {
      g_autoptr(GError) error = NULL;

      /* Staged switches are on disk when the window is gone. */
      g_signal_handlers_disconnect_by_data (self->pending, self);
      if (!deck_pending_flush (self->pending, &error))
        g_warning ("The pending changes could not be saved: %s", error->message);
    }
  g_clear_pointer (&self->banner_pending, g_free);
  self->pending = NULL;
  self->store = NULL;
  self->credentials = NULL;
  self->monitor = NULL;
  g_clear_object (&self->context);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->banner_store, g_free);
  g_clear_pointer (&self->banner_keyring, g_free);

  G_OBJECT_CLASS (deck_window_parent_class)->dispose (object);
}

static void
deck_window_class_init (DeckWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = deck_window_dispose;

  g_type_ensure (DECK_TYPE_OVERVIEW_PAGE);
  g_type_ensure (DECK_TYPE_REPLICATION_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/clusterdeck/Clusterdeck/deck-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DeckWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DeckWindow, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, DeckWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, DeckWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, DeckWindow, instances_pane);
  gtk_widget_class_bind_template_child (widget_class, DeckWindow, content_pane);
  gtk_widget_class_bind_template_child (widget_class, DeckWindow, organizations_stack);
  gtk_widget_class_bind_template_child (widget_class, DeckWindow, organizations_list);
  gtk_widget_class_bind_template_child (widget_class, DeckWindow, instances_title);
  gtk_widget_class_bind_template_child (widget_class, DeckWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, DeckWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, DeckWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, DeckWindow, instances_stack);
  gtk_widget_class_bind_template_child (widget_class, DeckWindow, instances_list);
  gtk_widget_class_bind_template_child (widget_class, DeckWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, DeckWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, DeckWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, DeckWindow, overview_page);
  gtk_widget_class_bind_template_child (widget_class, DeckWindow, replication_page);

  _deck_window_class_actions_init (widget_class);
  _deck_window_class_file_actions_init (widget_class);
}

static void
deck_window_init (DeckWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  deck_widget_reset_mnemonic_labels (GTK_WIDGET (self));
  deck_toast_overlay_name_buttons (self->toast_overlay);
  deck_list_box_tab_leaves (self->organizations_list);
  deck_list_box_tab_leaves (self->instances_list);
  deck_window_keep_focus (GTK_WINDOW (self));

  self->filter = gtk_custom_filter_new (filter_instance, self, NULL);
  self->filtered_instances = gtk_filter_list_model_new (NULL, GTK_FILTER (self->filter));
  gtk_list_box_bind_model (self->instances_list, G_LIST_MODEL (self->filtered_instances),
                           create_instance_row, self, NULL);

  g_signal_connect (self->organizations_list, "row-selected",
                    G_CALLBACK (on_organization_selected), self);
  g_signal_connect (self->instances_list, "row-selected",
                    G_CALLBACK (on_instance_selected), self);
  g_signal_connect_swapped (self->organizations_list, "row-activated",
                            G_CALLBACK (on_organization_activated), self);
  g_signal_connect_swapped (self->instances_list, "row-activated",
                            G_CALLBACK (on_instance_activated), self);
  g_signal_connect_swapped (self->search_entry, "search-changed",
                            G_CALLBACK (on_search_changed), self);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self));
}

/**
 * deck_window_new:
 * @application: (nullable): the application
 * @context: the organizations and instances, the keyring, the instances'
 *   live state, the pending changes and the jobs
 *
 * Returns: (transfer full): a new main window
 */
DeckWindow *
deck_window_new (GtkApplication *application,
                 DeckContext    *context)
{
  DeckWindow *self = g_object_new (DECK_TYPE_WINDOW, "application", application, NULL);
  DeckStore *store = deck_context_get_store (context);
  DeckCredentials *credentials = deck_context_get_credentials (context);
  GListModel *orgs = deck_store_get_organizations (store);
  const GError *problem;

  self->context = g_object_ref (context);
  self->store = store;
  self->credentials = credentials;
  self->monitor = deck_context_get_monitor (context);
  self->settings = deck_settings_new_if_installed ();
  /* Uninstalled and without GSETTINGS_SCHEMA_DIR: work, just forget. */
  if (self->settings == NULL)
    g_warning ("The settings schema %s is not installed; window size and selection "
               "will not be remembered", APP_ID);
  /* Staged switches survive a closed window or a crash, and what the
   * command line stages shows here: the context's pending changes, saved
   * as they change and read again when the file does. */
  self->pending = deck_context_get_pending (context);
  deck_pending_set_autosave (self->pending, TRUE);
  g_signal_connect_swapped (self->pending, "notify::problem",
                            G_CALLBACK (on_pending_problem_changed), self);
  deck_replication_page_set_context (self->replication_page, context);
  g_signal_connect_swapped (self->replication_page, "configure-instance",
                            G_CALLBACK (on_configure_instance), self);
  g_signal_connect_swapped (self->replication_page, "add-instance",
                            G_CALLBACK (on_add_unregistered), self);

  /* Bound, not saved on close: GTK keeps default-width and default-height
   * at the unmaximized size as the user resizes, so the settings follow
   * every change and a quit by app.quit (Ctrl+Q), which closes no window,
   * loses nothing. */
  if (self->settings != NULL)
    {
      g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
    }

  gtk_list_box_bind_model (self->organizations_list, orgs, create_organization_row, self, NULL);
  g_signal_connect_swapped (orgs, "items-changed", G_CALLBACK (on_organizations_changed), self);
  g_signal_connect_swapped (credentials, "notify::memory-only",
                            G_CALLBACK (on_memory_only_changed), self);

  problem = deck_store_get_load_problem (store);
  if (problem != NULL)
    {
      g_free (self->banner_store);
      self->banner_store = g_strdup (problem->message);
    }
  on_pending_problem_changed (self);
  on_memory_only_changed (self);

  deck_window_restore_selection (self);
  update_content (self);
  return self;
}

/**
 * deck_window_restore_selection:
 * @self: the window
 *
 * Selects the organization and instance selected last time, or the first
 * organization.
 */
void
deck_window_restore_selection (DeckWindow *self)
{
  g_autofree char *org_id = NULL;
  g_autofree char *instance_id = NULL;
  DeckOrganization *org = NULL;
  DeckInstance *instance = NULL;

  g_return_if_fail (DECK_IS_WINDOW (self));

  if (self->settings != NULL)
    {
      org_id = g_settings_get_string (self->settings, "selected-organization");
      instance_id = g_settings_get_string (self->settings, "selected-instance");
      org = deck_store_find_organization (self->store, org_id);
      instance = deck_store_find_instance_by_id (self->store, instance_id);
    }

  if (org != NULL)
    _deck_window_select_organization_row (self, org);
  else
    on_organizations_changed (self);

  if (instance != NULL && self->organization != NULL &&
      g_strcmp0 (deck_instance_get_organization_id (instance),
                 deck_organization_get_id (self->organization)) == 0)
    deck_window_select_instance (self, instance);
}

/**
 * deck_window_select_instance:
 * @self: the window
 * @instance: an instance of the selected organization
 *
 * Selects @instance's row, as a click would.
 */
void
deck_window_select_instance (DeckWindow   *self,
                             DeckInstance *instance)
{
  g_return_if_fail (DECK_IS_WINDOW (self));

  for (int i = 0;; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->instances_list, i);

      if (row == NULL)
        break;
      if (deck_instance_row_get_instance (DECK_INSTANCE_ROW (row)) == instance)
        {
          gtk_list_box_select_row (self->instances_list, row);
          return;
        }
    }
}

/**
 * deck_window_show_tables:
 * @self: the window
 * @instance: an instance (of any organization)
 * @filter: (nullable): the Tables grid's filter text, such as a peer's name
 *
 * Selects @instance (its organization first) and shows its Replication →
 * Tables, the grid filtered by @filter: what a link of the cluster map
 * opens. The grid is read as the Tables always are; the filter stays while
 * it is.
 */
void
deck_window_show_tables (DeckWindow   *self,
                         DeckInstance *instance,
                         const char   *filter)
{
  DeckOrganization *org;
  DeckReplicationTables *tables;

  g_return_if_fail (DECK_IS_WINDOW (self));
  g_return_if_fail (DECK_IS_INSTANCE (instance));

  org = deck_store_find_organization (self->store, deck_instance_get_organization_id (instance));
  if (org != NULL && org != self->organization)
    _deck_window_select_organization_row (self, org);
  deck_window_select_instance (self, instance);
  if (self->instance != instance)
    return;
  adw_view_stack_set_visible_child_name (self->view_stack, "replication");
  deck_replication_page_show_tables (self->replication_page, TRUE);
  tables = DECK_REPLICATION_TABLES (deck_replication_page_get_tables (self->replication_page));
  deck_replication_grid_set_filter_text (deck_replication_tables_get_grid (tables), filter);
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child (self->leaflet, self->content_pane);
  gtk_window_present (GTK_WINDOW (self));
}

/**
 * deck_window_get_selected_instance:
 * @self: the window
 *
 * Returns: (nullable) (transfer none): the selected instance
 */
DeckInstance *
deck_window_get_selected_instance (DeckWindow *self)
{
  g_return_val_if_fail (DECK_IS_WINDOW (self), NULL);
  return self->instance;
}

/**
 * deck_window_get_selected_organization:
 * @self: the window
 *
 * Returns: (nullable) (transfer none): the selected organization
 */
DeckOrganization *
deck_window_get_selected_organization (DeckWindow *self)
{
  g_return_val_if_fail (DECK_IS_WINDOW (self), NULL);
  return self->organization;
}
