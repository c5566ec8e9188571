/* deck-history-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The applied-changes history (deck-history.c), newest first: what was
 * sent where and when, and how it ended. It never holds a secret.
 */

#define G_LOG_DOMAIN "deck-history-window"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-history.h"
#include "deck-history-window.h"

static char *
format_time (const char *iso)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_iso8601 (iso, NULL);
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup (iso);
  local = g_date_time_to_local (utc);
  /* Translators: a date and time, see g_date_time_format() */
  return g_date_time_format (local, _("%Y-%m-%d %H:%M:%S"));
}

static GtkWidget *
entry_row (const DeckHistoryEntry *entry)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon;
  g_autofree char *title = NULL;
  g_autofree char *when = format_time (entry->time);
  g_autoptr(GString) subtitle = g_string_new (when);

  /* Translators: instance → peer: operation */
  title = g_strdup_printf (_("%s → %s: %s"), entry->instance, entry->peer, entry->operation);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  for (guint i = 0; entry->changes != NULL && i < entry->changes->len; i++)
    g_string_append_printf (subtitle, "\n%s", (const char *) g_ptr_array_index (entry->changes, i));
  if (entry->message != NULL)
    g_string_append_printf (subtitle, "\n%s", entry->message);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);

  icon = gtk_image_new_from_icon_name (entry->ok ? "emblem-ok-symbolic" : "dialog-error-symbolic");
  gtk_widget_add_css_class (icon, entry->ok ? "success" : "error");
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  entry->ok ? _("Succeeded") : _("Failed"), -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  return row;
}

/* Fills @box (the window's content) with the entries, newest first. */
static void
on_history_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GtkWidget) box = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  GtkWidget *loading = gtk_widget_get_last_child (box);
  guint n_skipped = 0;

  entries = deck_history_load_finish (result, &n_skipped, &error);
  gtk_box_remove (GTK_BOX (box), loading);
  if (entries == NULL || entries->len == 0)
    {
      GtkWidget *status = adw_status_page_new ();

      adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), "document-open-recent-symbolic");
      adw_status_page_set_title (ADW_STATUS_PAGE (status),
                                 error ? _("The History Could Not Be Read") : _("No Changes Applied Yet"));
      adw_status_page_set_description (ADW_STATUS_PAGE (status),
                                       error ? error->message
                                             : _("Every operation Review & Apply sends is listed "
                                                 "here, with its result."));
      gtk_widget_set_vexpand (status, TRUE);
      gtk_box_append (GTK_BOX (box), status);
    }
  else
    {
      GtkWidget *page = adw_preferences_page_new ();
      GtkWidget *group = adw_preferences_group_new ();

      if (n_skipped > 0)
        {
          g_autofree char *text = g_strdup_printf (
            g_dngettext (GETTEXT_PACKAGE, "%u line of the file could not be read.",
                         "%u lines of the file could not be read.", n_skipped), n_skipped);

          adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), text);
        }
      for (guint i = entries->len; i > 0; i--)
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                   entry_row (g_ptr_array_index (entries, i - 1)));
      adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
      gtk_widget_set_vexpand (page, TRUE);
      gtk_box_append (GTK_BOX (box), page);
    }
}

/**
 * deck_history_window_new:
 * @parent: (nullable): the main window
 * @path: the history file (deck_history_default_path())
 *
 * The history is read in a worker thread; the window shows a spinner until
 * it is.
 *
 * Returns: (transfer none): the window, shown
 */
GtkWidget *
deck_history_window_new (GtkWindow  *parent,
                         const char *path)
{
  GtkWidget *window = adw_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *spinner = gtk_spinner_new ();

  gtk_window_set_title (GTK_WINDOW (window), _("Replication History"));
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 560);
  if (parent != NULL)
    {
      gtk_window_set_transient_for (GTK_WINDOW (window), parent);
      gtk_window_set_modal (GTK_WINDOW (window), TRUE);
    }
  gtk_box_append (GTK_BOX (box), header);

  gtk_spinner_start (GTK_SPINNER (spinner));
  gtk_widget_set_vexpand (spinner, TRUE);
  gtk_widget_set_size_request (spinner, 32, 32);
  gtk_widget_set_halign (spinner, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), spinner);

  adw_window_set_content (ADW_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));

  /* The box outlives a window closed before the history was read. */
  deck_history_load_async (path, NULL, on_history_loaded, g_object_ref (box));
  return window;
}
