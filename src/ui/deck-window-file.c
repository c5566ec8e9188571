/* deck-window-file.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The organization as a file, from the main window (docs/cluster-file.md):
 * win.export-cluster writes the file `clusterdeck-cli export` writes, and
 * win.restore-cluster reads one and opens Review & Apply with the changes
 * that bring the live cluster back to it, the requests `plan -f` lists.
 * The steps are the core's (deck-context-file.c); nothing is sent before
 * the review, and a file that is refused stages nothing. The file
 * choosers are native (a portal in a sandbox); the tests, which cannot
 * drive them, give the file to deck_window_export_cluster() and
 * deck_window_restore_from_file() directly.
 */

#define G_LOG_DOMAIN "deck-window"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-review-dialog.h"
#include "deck-ui-util.h"
#include "deck-window-private.h"

/* A sentence in a dialog of its own: an error that says why a file could
 * not be used must stay until it is read, unlike a toast. */
static void
show_alert (DeckWindow *self,
            const char *title,
            const char *body)
{
  GtkWidget *alert = adw_message_dialog_new (GTK_WINDOW (self), title, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (alert), "close", _("_Close"));
  deck_widget_reset_mnemonic_labels (alert);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (alert), "close");
  gtk_window_present (GTK_WINDOW (alert));
}

/* What an export or a restore under way needs when it ends: the window
 * may have been closed by then (it is not kept for the request). */
typedef struct
{
  GWeakRef  window;   /* DeckWindow */
  GFile    *file;
} FileRequest;

static FileRequest *
file_request_new (DeckWindow *window,
                  GFile      *file)
{
  FileRequest *req = g_new0 (FileRequest, 1);

  g_weak_ref_init (&req->window, window);
  req->file = g_object_ref (file);
  return req;
}

static void
file_request_free (FileRequest *req)
{
  g_weak_ref_clear (&req->window);
  g_clear_object (&req->file);
  g_free (req);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FileRequest, file_request_free)

/* Export ---------------------------------------------------------------------- */

static void
on_exported (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(FileRequest) req = user_data;
  g_autoptr(DeckWindow) self = g_weak_ref_get (&req->window);
  g_autoptr(GError) error = NULL;
  g_autoptr(DeckClusterState) state = NULL;
  g_autofree char *name = g_file_get_basename (req->file);
  g_autofree char *text = NULL;
  guint n_unreadable;

  state = deck_context_export_cluster_finish (DECK_CONTEXT (source), result, &error);
  if (self == NULL)
    return;
  if (state == NULL)
    {
      show_alert (self, _("Export Failed"), error->message);
      return;
    }
  n_unreadable = g_hash_table_size (state->unreadable);
  if (n_unreadable == 0)
    /* Translators: %s is a file name */
    text = g_strdup_printf (_("Cluster exported to “%s”"), name);
  else
    /* Translators: %s is a file name; the instances' replication is
     * missing from it */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Cluster exported to “%s”, but %u instance could not be read",
                                         "Cluster exported to “%s”, but %u instances could not be read",
                                         n_unreadable),
                            name, n_unreadable);
  _deck_window_show_toast (self, text);
}

/**
 * deck_window_export_cluster:
 * @self: the window
 * @file: where to write
 *
 * Writes the selected organization to @file as `clusterdeck-cli export`
 * does (what Export Cluster does once a file is chosen). Says how it went
 * with a toast, or a dialog when the file could not be written.
 */
void
deck_window_export_cluster (DeckWindow *self,
                            GFile      *file)
{
  g_return_if_fail (DECK_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->organization == NULL)
    return;
  deck_context_export_cluster_async (self->context, self->organization, file, NULL, on_exported,
                                     file_request_new (self, file));
}

static void
on_export_response (GtkNativeDialog *chooser,
                    int              response,
                    DeckWindow      *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      deck_window_export_cluster (self, file);
    }
  g_object_unref (chooser);
}

static void
export_cluster_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  DeckWindow *self = DECK_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;

  if (self->organization == NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Export Cluster"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  /* Translators: the file name offered; %s is the organization's name */
  name = g_strdup_printf (_("%s cluster.json"), deck_organization_get_name (self->organization));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Restore --------------------------------------------------------------------- */

static void
on_changes_read (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(FileRequest) req = user_data;
  g_autoptr(DeckWindow) self = g_weak_ref_get (&req->window);
  g_autoptr(GError) error = NULL;
  g_autoptr(DeckChangeSet) changes = NULL;
  g_autoptr(DeckOrganization) organization = NULL;
  g_autoptr(GPtrArray) unresolved = NULL;
  g_autoptr(GString) body = NULL;

  changes = deck_context_changes_from_file_finish (DECK_CONTEXT (source), result, &organization,
                                                   &unresolved, &error);
  if (self == NULL)
    return;
  if (changes == NULL)
    {
      show_alert (self, _("Cannot Restore from This File"), error->message);
      return;
    }

  if (deck_change_set_get_n_changes (changes) > 0)
    deck_review_dialog_new (GTK_WINDOW (self), self->context, changes, FALSE);
  if (unresolved->len == 0)
    {
      if (deck_change_set_get_n_changes (changes) == 0)
        _deck_window_show_toast (self, _("The cluster matches the file: nothing to restore"));
      return;
    }

  /* What no change set can do is said, not done (as plan -f warns). */
  body = g_string_new (deck_change_set_get_n_changes (changes) > 0
                       ? _("Review lists what can be restored. These differences from the file "
                           "are left as they are:")
                       : _("No table’s directions differ from the file. These differences are "
                           "left as they are:"));
  for (guint i = 0; i < unresolved->len; i++)
    g_string_append_printf (body, "\n• %s", (const char *) g_ptr_array_index (unresolved, i));
  show_alert (self, _("Not Everything Can Be Restored"), body->str);
}

/**
 * deck_window_restore_from_file:
 * @self: the window
 * @file: a cluster file
 *
 * What Restore from File does once a file is chosen: reads and checks
 * @file, compares it with the live cluster of its organization (the
 * selected one when the file names none) and opens Review & Apply with
 * the changes that bring the cluster back to it. A file that is refused
 * gives a dialog saying why, and nothing is staged.
 */
void
deck_window_restore_from_file (DeckWindow *self,
                               GFile      *file)
{
  g_return_if_fail (DECK_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  deck_context_changes_from_file_async (self->context, file, self->organization, NULL,
                                        on_changes_read, file_request_new (self, file));
}

static void
on_restore_response (GtkNativeDialog *chooser,
                     int              response,
                     DeckWindow      *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      deck_window_restore_from_file (self, file);
    }
  g_object_unref (chooser);
}

static void
restore_cluster_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  DeckWindow *self = DECK_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) json = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Restore from File"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (json, _("Cluster files"));
  gtk_file_filter_add_mime_type (json, "application/json");
  gtk_file_filter_add_pattern (json, "*.json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), json);
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  g_signal_connect (chooser, "response", G_CALLBACK (on_restore_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/**
 * _deck_window_class_file_actions_init:
 * @widget_class: DeckWindow's class
 *
 * Installs win.export-cluster and win.restore-cluster.
 */
void
_deck_window_class_file_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.export-cluster", NULL, export_cluster_action);
  gtk_widget_class_install_action (widget_class, "win.restore-cluster", NULL,
                                   restore_cluster_action);
}
