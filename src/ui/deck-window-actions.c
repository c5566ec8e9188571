/* deck-window-actions.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main window's win.* actions (organizations, instances, refresh,
 * search, history, the banner) and their keyboard shortcuts. Which of
 * them are enabled follows the selection (deck-window.c, update_content()).
 */

#define G_LOG_DOMAIN "deck-window"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-check-window.h"
#include "deck-history-window.h"
#include "deck-health-window.h"
#include "deck-map-window.h"
#include "deck-instance-dialog.h"
#include "deck-ui-util.h"
#include "deck-window-private.h"

typedef struct
{
  DeckWindow       *window;
  DeckOrganization *organization;   /* NULL: add */
  GtkEntry         *entry;
} NameRequest;

static void
name_request_free (gpointer  data,
                   GClosure *closure)
{
  NameRequest *req = data;

  g_clear_object (&req->organization);
  g_free (req);
}

static void
on_name_response (AdwMessageDialog *dialog,
                  const char       *response,
                  NameRequest      *req)
{
  DeckWindow *self = req->window;
  const char *name = gtk_editable_get_text (GTK_EDITABLE (req->entry));
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "apply") != 0)
    return;

  if (req->organization == NULL)
    {
      DeckOrganization *org = deck_store_add_organization (self->store, name, &error);

      if (org != NULL)
        _deck_window_select_organization_row (self, org);
    }
  else
    {
      deck_store_rename_organization (self->store, req->organization, name, &error);
      if (req->organization == self->organization)
        adw_window_title_set_title (self->instances_title, deck_organization_get_name (req->organization));
    }

  if (error != NULL)
    _deck_window_show_toast (self, error->message);
}

static void
ask_organization_name (DeckWindow       *self,
                       DeckOrganization *org)
{
  AdwMessageDialog *dialog;
  GtkWidget *entry = gtk_entry_new ();
  NameRequest *req = g_new0 (NameRequest, 1);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       org ? _("Rename Organization")
                                                           : _("Add Organization"),
                                                       NULL));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"),
                                    "apply", org ? _("_Rename") : _("_Add"), NULL);
  deck_widget_reset_mnemonic_labels (GTK_WIDGET (dialog));
  adw_message_dialog_set_response_appearance (dialog, "apply", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "apply");
  adw_message_dialog_set_close_response (dialog, "cancel");

  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Organization name"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Organization name"), -1);
  if (org != NULL)
    gtk_editable_set_text (GTK_EDITABLE (entry), deck_organization_get_name (org));
  adw_message_dialog_set_extra_child (dialog, entry);

  req->window = self;
  req->organization = org ? g_object_ref (org) : NULL;
  req->entry = GTK_ENTRY (entry);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_name_response), req,
                         name_request_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_organization_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  ask_organization_name (DECK_WINDOW (widget), NULL);
}

static void
rename_organization_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  DeckWindow *self = DECK_WINDOW (widget);

  if (self->organization != NULL)
    ask_organization_name (self, self->organization);
}

/* A deleted organization, while its toast offers to undo: the toast may
 * outlive the window (it is dismissed when the window goes). */
typedef struct
{
  GWeakRef          window;         /* DeckWindow */
  DeckStore        *store;          /* owned */
  DeckCredentials  *credentials;    /* owned */
  DeckOrganization *organization;   /* owned */
  gboolean          undone;
} DeletedOrganization;

static void
deleted_organization_free (gpointer  data,
                           GClosure *closure)
{
  DeletedOrganization *deleted = data;

  g_weak_ref_clear (&deleted->window);
  g_clear_object (&deleted->store);
  g_clear_object (&deleted->credentials);
  g_clear_object (&deleted->organization);
  g_free (deleted);
}

static void
on_undo_delete (AdwToast            *toast,
                DeletedOrganization *deleted)
{
  g_autoptr(DeckWindow) self = g_weak_ref_get (&deleted->window);
  g_autoptr(GError) error = NULL;
  gboolean restored;

  deleted->undone = TRUE;
  restored = deck_store_restore_organization (deleted->store, deleted->organization, &error);
  if (self == NULL)
    return;
  if (!restored)
    _deck_window_show_toast (self, error->message);
  else
    _deck_window_select_organization_row (self, deleted->organization);
}

static void
on_delete_toast_dismissed (AdwToast            *toast,
                           DeletedOrganization *deleted)
{
  GListModel *instances;

  if (deleted->undone)
    return;

  /* Gone for good: its instances' passwords leave the keyring too. */
  instances = deck_organization_get_instances (deleted->organization);
  for (guint i = 0; i < g_list_model_get_n_items (instances); i++)
    {
      g_autoptr(DeckInstance) instance = g_list_model_get_item (instances, i);

      deck_credentials_clear_async (deleted->credentials, DECK_SECRET_INSTANCE_LOGIN,
                                    deck_instance_get_id (instance), NULL, NULL, NULL);
    }
  deck_credentials_clear_async (deleted->credentials, DECK_SECRET_CLUSTER_USER,
                                deck_organization_get_id (deleted->organization), NULL, NULL, NULL);
}

static void
delete_organization_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  DeckWindow *self = DECK_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  DeletedOrganization *deleted;
  AdwToast *toast;

  if (self->organization == NULL)
    return;

  deleted = g_new0 (DeletedOrganization, 1);
  g_weak_ref_init (&deleted->window, self);
  deleted->store = g_object_ref (self->store);
  deleted->credentials = g_object_ref (self->credentials);
  deleted->organization = g_object_ref (self->organization);

  if (!deck_store_remove_organization (self->store, self->organization, &error))
    {
      deleted_organization_free (deleted, NULL);
      _deck_window_show_toast (self, error->message);
      return;
    }

  /* Translators: %s is an organization's name */
  title = g_strdup_printf (_("Organization “%s” deleted"),
                           deck_organization_get_name (deleted->organization));
  toast = deck_toast_new_text (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_signal_connect (toast, "button-clicked", G_CALLBACK (on_undo_delete), deleted);
  g_signal_connect_data (toast, "dismissed", G_CALLBACK (on_delete_toast_dismissed), deleted,
                         deleted_organization_free, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
add_instance_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  DeckWindow *self = DECK_WINDOW (widget);
  DeckInstanceDialog *dialog;

  if (self->organization == NULL)
    return;
  dialog = deck_instance_dialog_new (GTK_WINDOW (self), self->context, self->organization, NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
edit_instance_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  DeckWindow *self = DECK_WINDOW (widget);
  DeckInstanceDialog *dialog;

  if (self->instance == NULL)
    return;
  dialog = deck_instance_dialog_new (GTK_WINDOW (self), self->context, self->organization, self->instance);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_remove_response (AdwMessageDialog *dialog,
                    const char       *response,
                    DeckWindow       *self)
{
  g_autoptr(DeckInstance) instance = NULL;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "remove") != 0 || self->instance == NULL)
    return;

  instance = g_object_ref (self->instance);
  _deck_window_select_instance (self, NULL);
  if (!deck_store_remove_instance (self->store, instance, &error))
    {
      _deck_window_show_toast (self, error->message);
      return;
    }
  deck_credentials_clear_async (self->credentials, DECK_SECRET_INSTANCE_LOGIN,
                                deck_instance_get_id (instance), NULL, NULL, NULL);
}

static void
remove_instance_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  DeckWindow *self = DECK_WINDOW (widget);
  GtkWidget *dialog;

  if (self->instance == NULL)
    return;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Remove Instance?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("“%s” and its stored password will be removed from "
                                    "Clusterdeck. Nothing changes on the server."),
                                  deck_instance_get_name (self->instance));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "remove", _("_Remove"), NULL);
  deck_widget_reset_mnemonic_labels (GTK_WIDGET (dialog));
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_remove_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  deck_instance_monitor_refresh_all (DECK_WINDOW (widget)->monitor);
  deck_replication_page_reload (DECK_WINDOW (widget)->replication_page);
}

static void
history_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  DeckWindow *self = DECK_WINDOW (widget);

  deck_history_window_new (GTK_WINDOW (widget), deck_context_get_history_path (self->context));
}

/* The map of the selected organization, in a window of its own: it is the
 * organization's, not one instance's, so not a page of the content. */
static void
cluster_map_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  DeckWindow *self = DECK_WINDOW (widget);

  if (self->organization != NULL)
    deck_map_window_new (self, self->context, self->organization);
}

static void
check_counts_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  DeckWindow *self = DECK_WINDOW (widget);

  if (self->organization != NULL)
    deck_check_window_new (GTK_WINDOW (widget), self->context, self->organization);
}

static void
link_health_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  DeckWindow *self = DECK_WINDOW (widget);

  if (self->organization != NULL)
    deck_health_window_new (GTK_WINDOW (widget), self->context, self->organization);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DeckWindow *self = DECK_WINDOW (widget);

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* The back buttons of the folded window (deck-window.ui). */
static void
navigate_back_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  adw_leaflet_navigate (DECK_WINDOW (widget)->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
dismiss_banner_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  gtk_revealer_set_reveal_child (DECK_WINDOW (widget)->banner_revealer, FALSE);
}

/**
 * _deck_window_class_actions_init:
 * @widget_class: DeckWindow's class
 *
 * Installs the win.* actions and the window's own key (Ctrl+F).
 */
void
_deck_window_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.add-organization", NULL, add_organization_action);
  gtk_widget_class_install_action (widget_class, "win.rename-organization", NULL, rename_organization_action);
  gtk_widget_class_install_action (widget_class, "win.delete-organization", NULL, delete_organization_action);
  gtk_widget_class_install_action (widget_class, "win.add-instance", NULL, add_instance_action);
  gtk_widget_class_install_action (widget_class, "win.edit-instance", NULL, edit_instance_action);
  gtk_widget_class_install_action (widget_class, "win.remove-instance", NULL, remove_instance_action);
  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.history", NULL, history_action);
  gtk_widget_class_install_action (widget_class, "win.check-record-counts", NULL, check_counts_action);
  gtk_widget_class_install_action (widget_class, "win.link-health", NULL, link_health_action);
  gtk_widget_class_install_action (widget_class, "win.cluster-map", NULL, cluster_map_action);
  gtk_widget_class_install_action (widget_class, "win.dismiss-banner", NULL, dismiss_banner_action);
  gtk_widget_class_install_action (widget_class, "win.navigate-back", NULL, navigate_back_action);

  /* The other keys are application accelerators (deck-application.c), so
   * that the shortcuts window shows them. Ctrl+F stays a key of the window:
   * bound here, it reaches the window only when the focused widget did not
   * take it, and the Tables filter takes it while it has the focus. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
}
