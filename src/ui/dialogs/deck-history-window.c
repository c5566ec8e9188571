/* deck-history-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The applied-changes history (deck-history.c), newest first: what was
 * sent where and when, and how it ended. It never holds a secret. The file
 * is read in a worker thread; a spinner shows until it is.
 */

#define G_LOG_DOMAIN "deck-history-window"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-history.h"
#include "deck-history-window.h"
#include "deck-ui-util.h"

struct _DeckHistoryWindow
{
  AdwWindow            parent_instance;

  GCancellable        *cancellable;   /* the read of the file */
  gboolean             loaded;

  /* Template widgets */
  GtkStack            *stack;
  GtkSpinner          *spinner;
  AdwStatusPage       *status_page;
  AdwPreferencesGroup *entries_group;
};

G_DEFINE_FINAL_TYPE (DeckHistoryWindow, deck_history_window, ADW_TYPE_WINDOW)

static char *
format_time (const char *iso)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_iso8601 (iso, NULL);
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup (iso);
  local = g_date_time_to_local (utc);
  /* Translators: a date and time, see g_date_time_format(). Not a bare
   * space after the date: with Debian 12's Cantarell that space was drawn
   * with no width ("2026-01-0210:00:00"); after the comma it shows. */
  return g_date_time_format (local, _("%Y-%m-%d, %H:%M:%S"));
}

/* One entry: names and messages come from the file and the servers, so
 * the row is plain text. */
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
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
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

static void
on_history_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(DeckHistoryWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  guint n_skipped = 0;

  entries = deck_history_load_finish (result, &n_skipped, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->loaded = TRUE;
  gtk_spinner_stop (self->spinner);
  if (entries == NULL || entries->len == 0)
    {
      adw_status_page_set_title (self->status_page,
                                 error ? _("The History Could Not Be Read") : _("No Changes Applied Yet"));
      deck_status_page_set_description_text (self->status_page,
                                             error ? error->message
                                                   : _("Every operation Review & Apply sends is "
                                                       "listed here, with its result."));
      gtk_stack_set_visible_child_name (self->stack, "status");
      return;
    }

  if (n_skipped > 0)
    {
      g_autofree char *text = g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE, "%u line of the file could not be read.",
                     "%u lines of the file could not be read.", n_skipped), n_skipped);

      deck_preferences_group_set_description_text (self->entries_group, text);
    }
  for (guint i = entries->len; i > 0; i--)
    adw_preferences_group_add (self->entries_group, entry_row (g_ptr_array_index (entries, i - 1)));
  gtk_stack_set_visible_child_name (self->stack, "entries");
}

static void
deck_history_window_dispose (GObject *object)
{
  DeckHistoryWindow *self = DECK_HISTORY_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (deck_history_window_parent_class)->dispose (object);
}

static void
deck_history_window_class_init (DeckHistoryWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = deck_history_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/clusterdeck/Clusterdeck/dialogs/deck-history-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DeckHistoryWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, DeckHistoryWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, DeckHistoryWindow, status_page);
  gtk_widget_class_bind_template_child (widget_class, DeckHistoryWindow, entries_group);
}

static void
deck_history_window_init (DeckHistoryWindow *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  deck_widget_reset_mnemonic_labels (GTK_WIDGET (self));
}

/**
 * deck_history_window_new:
 * @parent: (nullable): the main window
 * @path: the history file (deck_history_default_path())
 *
 * Returns: (transfer none): the window, shown, reading the history
 */
GtkWidget *
deck_history_window_new (GtkWindow  *parent,
                         const char *path)
{
  DeckHistoryWindow *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (DECK_TYPE_HISTORY_WINDOW, NULL);
  if (parent != NULL)
    {
      gtk_window_set_transient_for (GTK_WINDOW (self), parent);
      gtk_window_set_modal (GTK_WINDOW (self), TRUE);
    }
  gtk_window_present (GTK_WINDOW (self));
  deck_history_load_async (path, self->cancellable, on_history_loaded, g_object_ref (self));
  return GTK_WIDGET (self);
}

/**
 * deck_history_window_is_loaded:
 * @self: the window
 *
 * Returns: whether the history was read (and is shown, or why not)
 */
gboolean
deck_history_window_is_loaded (DeckHistoryWindow *self)
{
  g_return_val_if_fail (DECK_IS_HISTORY_WINDOW (self), FALSE);
  return self->loaded;
}
