/* deck-restart-progress.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The progress of an enable job (DeckRestartProgress:job): the restart's
 * phases, the time since it was sent and what its monitor knows. When the
 * instance was not back in time, Keep Waiting waits another period without
 * restarting it again; when enabling failed (or was cancelled), Back takes
 * the user back to the form (DeckRestartProgress::back).
 */

#define G_LOG_DOMAIN "deck-restart-progress"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-restart-phase-row.h"
#include "deck-restart-progress.h"
#include "deck-ui-util.h"

struct _DeckRestartProgress
{
  AdwBin               parent_instance;

  DeckEnableJob       *job;              /* owned, nullable */
  DeckRestartMonitor  *restart;          /* the job's, owned while followed */

  /* Template widgets */
  GtkLabel            *title_label;
  GtkListBox          *phase_list;
  GtkLabel            *elapsed_label;
  GtkLabel            *message_label;
  GtkButton           *back_button;
  GtkButton           *keep_waiting_button;
};

G_DEFINE_FINAL_TYPE (DeckRestartProgress, deck_restart_progress, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_JOB,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_BACK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_restart (DeckRestartProgress *self)
{
  DeckRestartPhase phase = self->restart != NULL ? deck_restart_monitor_get_phase (self->restart)
                                                 : DECK_RESTART_PHASE_IDLE;
  const char *message = self->restart != NULL ? deck_restart_monitor_get_message (self->restart)
                                              : NULL;
  g_autofree char *elapsed = NULL;

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->phase_list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (DECK_IS_RESTART_PHASE_ROW (row))
      deck_restart_phase_row_show_status (DECK_RESTART_PHASE_ROW (row), phase);

  /* Translators: elapsed time of a restart, in seconds */
  elapsed = g_strdup_printf (_("%.1f s"), self->restart != NULL
                                          ? deck_restart_monitor_get_elapsed (self->restart) : 0.0);
  gtk_label_set_label (self->elapsed_label, elapsed);
  gtk_label_set_label (self->message_label, message != NULL ? message : "");
}

/* The job's state: running, or failed (Back, Keep Waiting). */
static void
show_state (DeckRestartProgress *self)
{
  gboolean failed;

  show_restart (self);
  if (self->job == NULL)
    return;

  failed = deck_enable_job_is_failed (self->job);
  gtk_widget_set_visible (GTK_WIDGET (self->keep_waiting_button),
                          deck_enable_job_can_keep_waiting (self->job));
  gtk_widget_set_visible (GTK_WIDGET (self->back_button),
                          failed || deck_job_get_state (DECK_JOB (self->job)) == DECK_JOB_STATE_CANCELLED);
  if (failed)
    {
      g_autofree char *text = g_strdup_printf (_("Clustering was not enabled: %s"),
                                               deck_job_get_error (DECK_JOB (self->job))->message);

      gtk_label_set_label (self->message_label, text);
      gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
    }
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
}

/* Follows the job's restart monitor (the job makes it when it starts). */
static void
follow_restart (DeckRestartProgress *self)
{
  DeckRestartMonitor *restart = self->job != NULL ? deck_enable_job_get_restart_monitor (self->job)
                                                  : NULL;

  if (self->restart == restart)
    return;
  if (self->restart != NULL)
    g_signal_handlers_disconnect_by_data (self->restart, self);
  g_set_object (&self->restart, restart);
  if (restart != NULL)
    g_signal_connect_object (restart, "notify", G_CALLBACK (show_restart), self, G_CONNECT_SWAPPED);
  show_restart (self);
}

static void
keep_waiting_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  DeckRestartProgress *self = DECK_RESTART_PROGRESS (widget);
  g_autoptr(GError) error = NULL;

  if (self->job != NULL && !deck_enable_job_keep_waiting (self->job, &error))
    deck_widget_toast (widget, error->message);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  g_signal_emit (widget, signals[SIGNAL_BACK], 0);
}

static void
deck_restart_progress_dispose (GObject *object)
{
  deck_restart_progress_set_job (DECK_RESTART_PROGRESS (object), NULL);

  G_OBJECT_CLASS (deck_restart_progress_parent_class)->dispose (object);
}

static void
deck_restart_progress_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  DeckRestartProgress *self = DECK_RESTART_PROGRESS (object);

  switch (prop_id)
    {
    case PROP_JOB:
      g_value_set_object (value, self->job);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_restart_progress_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  DeckRestartProgress *self = DECK_RESTART_PROGRESS (object);

  switch (prop_id)
    {
    case PROP_JOB:
      deck_restart_progress_set_job (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_restart_progress_class_init (DeckRestartProgressClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = deck_restart_progress_dispose;
  object_class->get_property = deck_restart_progress_get_property;
  object_class->set_property = deck_restart_progress_set_property;

  /**
   * DeckRestartProgress:job:
   *
   * The enable job shown, or %NULL.
   */
  properties[PROP_JOB] =
    g_param_spec_object ("job", NULL, NULL, DECK_TYPE_ENABLE_JOB,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DeckRestartProgress::back:
   * @self: the progress
   *
   * The user saw that enabling failed (or was cancelled) and goes back.
   */
  signals[SIGNAL_BACK] =
    g_signal_new ("back", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (DECK_TYPE_RESTART_PHASE_ROW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/clusterdeck/Clusterdeck/replication/deck-restart-progress.ui");
  gtk_widget_class_bind_template_child (widget_class, DeckRestartProgress, title_label);
  gtk_widget_class_bind_template_child (widget_class, DeckRestartProgress, phase_list);
  gtk_widget_class_bind_template_child (widget_class, DeckRestartProgress, elapsed_label);
  gtk_widget_class_bind_template_child (widget_class, DeckRestartProgress, message_label);
  gtk_widget_class_bind_template_child (widget_class, DeckRestartProgress, back_button);
  gtk_widget_class_bind_template_child (widget_class, DeckRestartProgress, keep_waiting_button);

  gtk_widget_class_install_action (widget_class, "progress.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "progress.keep-waiting", NULL, keep_waiting_action);
}

static void
deck_restart_progress_init (DeckRestartProgress *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  deck_widget_reset_mnemonic_labels (GTK_WIDGET (self));
  show_restart (self);
}

/**
 * deck_restart_progress_get_job:
 * @self: the progress
 *
 * Returns: (nullable) (transfer none): the enable job shown
 */
DeckEnableJob *
deck_restart_progress_get_job (DeckRestartProgress *self)
{
  g_return_val_if_fail (DECK_IS_RESTART_PROGRESS (self), NULL);
  return self->job;
}

/**
 * deck_restart_progress_set_job:
 * @self: the progress
 * @job: (nullable): the enable job to show
 */
void
deck_restart_progress_set_job (DeckRestartProgress *self,
                               DeckEnableJob       *job)
{
  g_return_if_fail (DECK_IS_RESTART_PROGRESS (self));
  g_return_if_fail (job == NULL || DECK_IS_ENABLE_JOB (job));

  if (self->job == job)
    return;
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_set_object (&self->job, job);
  follow_restart (self);

  if (job != NULL)
    {
      g_autofree char *title = NULL;

      g_signal_connect_object (job, "notify::state", G_CALLBACK (show_state), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (job, "notify::restart-monitor", G_CALLBACK (follow_restart), self,
                               G_CONNECT_SWAPPED);
      /* Translators: %s is an instance's name */
      title = g_strdup_printf (_("Enabling Clustering on %s"),
                               deck_instance_get_name (deck_job_get_instance (DECK_JOB (job))));
      gtk_label_set_label (self->title_label, title);
    }
  show_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOB]);
}
