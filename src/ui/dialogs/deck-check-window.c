/* deck-check-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Record Counts: for each pair of connected instances of an organization
 * and each table that should flow between them, the record counts both
 * report (deck-cluster-check.c, what `clusterdeck-cli check` prints). It
 * is offered after a direction is switched back on, since Harper does not
 * send what was written while it was off. The tables that differ come
 * first. Names and counts come from the servers: rows are plain text.
 */

#define G_LOG_DOMAIN "deck-check-window"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-check-window.h"
#include "deck-cluster-check.h"
#include "deck-ui-util.h"

struct _DeckCheckWindow
{
  AdwWindow            parent_instance;

  DeckContext         *context;
  DeckOrganization    *organization;
  GCancellable        *cancellable;   /* the read of the organization */
  gboolean             checked;
  guint                n_differ;
  guint                n_tables;
  GPtrArray           *rows;          /* GtkWidget, shown in the groups */

  /* Template widgets */
  AdwWindowTitle      *window_title;
  GtkStack            *stack;
  GtkSpinner          *spinner;
  AdwStatusPage       *status_page;
  GtkLabel            *summary;
  AdwPreferencesGroup *tables_group;
  AdwPreferencesGroup *skipped_group;
};

G_DEFINE_FINAL_TYPE (DeckCheckWindow, deck_check_window, ADW_TYPE_WINDOW)

static char *
count_text (gint64      count,
            const char *name)
{
  if (count < 0)
    /* Translators: an instance's name; the table is missing there, or it
     * did not give a count */
    return g_strdup_printf (_("%s: no count"), name);
  /* Translators: an instance's name, then a number of records */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s: %" G_GINT64_FORMAT " record",
                                       "%s: %" G_GINT64_FORMAT " records", (gulong) count),
                          name, count);
}

static GtkWidget *
table_row (const DeckCheckRow *row)
{
  GtkWidget *widget = adw_action_row_new ();
  GtkWidget *icon;
  g_autofree char *title = g_strdup_printf ("%s.%s", row->database, row->table);
  g_autofree char *a = count_text (row->instance_count, row->instance);
  g_autofree char *b = count_text (row->peer_count, row->peer);
  g_autofree char *subtitle = NULL;
  const char *arrow = row->to_peer && row->from_peer ? "↔" : row->to_peer ? "→" : "←";

  /* Translators: instance, arrow, peer (the direction records flow), then
   * the two counts */
  subtitle = g_strdup_printf (_("%s %s %s · %s, %s"), row->instance, arrow, row->peer, a, b);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (widget), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (widget), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (widget), subtitle);

  icon = gtk_image_new_from_icon_name (row->differs ? "dialog-warning-symbolic"
                                                    : "emblem-ok-symbolic");
  gtk_widget_add_css_class (icon, row->differs ? "warning" : "success");
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  row->differs ? _("Differs") : _("Same count"), -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (widget), icon);
  return widget;
}

static void
add_row (DeckCheckWindow     *self,
         AdwPreferencesGroup *group,
         GtkWidget           *row)
{
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, row);
}

static void
clear_rows (DeckCheckWindow *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

      adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }
  g_ptr_array_set_size (self->rows, 0);
}

static void
show_result (DeckCheckWindow  *self,
             DeckClusterState *state)
{
  g_autoptr(GPtrArray) skipped = NULL;
  g_autoptr(GPtrArray) rows = deck_cluster_check (state, &skipped);
  g_autofree char *summary = deck_cluster_check_summary (rows);

  self->n_tables = rows->len;
  self->n_differ = deck_cluster_check_count_differ (rows);

  if (rows->len == 0)
    {
      g_autoptr(GString) text = g_string_new (_("No two instances of this organization are "
                                                 "connected with a table flowing between "
                                                 "them."));

      for (guint i = 0; i < skipped->len; i++)
        g_string_append_printf (text, "\n%s", (const char *) g_ptr_array_index (skipped, i));
      adw_status_page_set_icon_name (self->status_page, "emblem-ok-symbolic");
      adw_status_page_set_title (self->status_page, _("No Tables to Compare"));
      deck_status_page_set_description_text (self->status_page, text->str);
      gtk_stack_set_visible_child_name (self->stack, "status");
      return;
    }

  gtk_label_set_label (self->summary, summary);
  /* The tables that differ first: they are why the window is open. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < rows->len; i++)
      {
        const DeckCheckRow *row = g_ptr_array_index (rows, i);

        if (row->differs == (pass == 0))
          add_row (self, self->tables_group, table_row (row));
      }
  for (guint i = 0; i < skipped->len; i++)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), g_ptr_array_index (skipped, i));
      add_row (self, self->skipped_group, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->skipped_group), skipped->len > 0);
  gtk_stack_set_visible_child_name (self->stack, "tables");
}

static void
on_cluster_read (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(DeckCheckWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DeckClusterState) state = NULL;

  state = deck_context_read_cluster_finish (DECK_CONTEXT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_spinner_stop (self->spinner);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "check.again", TRUE);
  self->checked = TRUE;
  if (state == NULL)
    {
      adw_status_page_set_icon_name (self->status_page, "dialog-error-symbolic");
      adw_status_page_set_title (self->status_page, _("The Instances Could Not Be Read"));
      deck_status_page_set_description_text (self->status_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "status");
      return;
    }
  show_result (self, state);
}

/**
 * deck_check_window_check:
 * @self: the window
 *
 * Reads the organization's instances again and compares the counts, as
 * the Check Again button does.
 */
void
deck_check_window_check (DeckCheckWindow *self)
{
  g_return_if_fail (DECK_IS_CHECK_WINDOW (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->checked = FALSE;
  clear_rows (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "check.again", FALSE);
  gtk_spinner_start (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  deck_context_read_cluster_async (self->context, self->organization, self->cancellable,
                                   on_cluster_read, g_object_ref (self));
}

static void
again_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  deck_check_window_check (DECK_CHECK_WINDOW (widget));
}

static void
deck_check_window_dispose (GObject *object)
{
  DeckCheckWindow *self = DECK_CHECK_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);
  g_clear_object (&self->organization);

  G_OBJECT_CLASS (deck_check_window_parent_class)->dispose (object);
}

static void
deck_check_window_finalize (GObject *object)
{
  DeckCheckWindow *self = DECK_CHECK_WINDOW (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (deck_check_window_parent_class)->finalize (object);
}

static void
deck_check_window_class_init (DeckCheckWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = deck_check_window_dispose;
  object_class->finalize = deck_check_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/clusterdeck/Clusterdeck/dialogs/deck-check-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DeckCheckWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, DeckCheckWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, DeckCheckWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, DeckCheckWindow, status_page);
  gtk_widget_class_bind_template_child (widget_class, DeckCheckWindow, summary);
  gtk_widget_class_bind_template_child (widget_class, DeckCheckWindow, tables_group);
  gtk_widget_class_bind_template_child (widget_class, DeckCheckWindow, skipped_group);

  gtk_widget_class_install_action (widget_class, "check.again", NULL, again_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "check.again", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
deck_check_window_init (DeckCheckWindow *self)
{
  self->rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  deck_widget_reset_mnemonic_labels (GTK_WIDGET (self));
}

/**
 * deck_check_window_new:
 * @parent: (nullable): the main window
 * @context: the context
 * @organization: the organization whose instances are compared
 *
 * Returns: (transfer none): the window, shown, reading the instances
 */
GtkWidget *
deck_check_window_new (GtkWindow        *parent,
                       DeckContext      *context,
                       DeckOrganization *organization)
{
  DeckCheckWindow *self;

  g_return_val_if_fail (DECK_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (DECK_IS_ORGANIZATION (organization), NULL);

  self = g_object_new (DECK_TYPE_CHECK_WINDOW, NULL);
  self->context = g_object_ref (context);
  self->organization = g_object_ref (organization);
  adw_window_title_set_subtitle (self->window_title, deck_organization_get_name (organization));
  if (parent != NULL)
    {
      gtk_window_set_transient_for (GTK_WINDOW (self), parent);
      gtk_window_set_modal (GTK_WINDOW (self), TRUE);
    }
  gtk_window_present (GTK_WINDOW (self));
  deck_check_window_check (self);
  return GTK_WIDGET (self);
}

/**
 * deck_check_window_is_checked:
 * @self: the window
 *
 * Returns: whether the last check ended (and is shown, or why not)
 */
gboolean
deck_check_window_is_checked (DeckCheckWindow *self)
{
  g_return_val_if_fail (DECK_IS_CHECK_WINDOW (self), FALSE);
  return self->checked;
}

/**
 * deck_check_window_get_n_differ:
 * @self: the window
 *
 * Returns: how many tables of the last check differ
 */
guint
deck_check_window_get_n_differ (DeckCheckWindow *self)
{
  g_return_val_if_fail (DECK_IS_CHECK_WINDOW (self), 0);
  return self->n_differ;
}

/**
 * deck_check_window_get_n_tables:
 * @self: the window
 *
 * Returns: how many tables the last check compared
 */
guint
deck_check_window_get_n_tables (DeckCheckWindow *self)
{
  g_return_val_if_fail (DECK_IS_CHECK_WINDOW (self), 0);
  return self->n_tables;
}
