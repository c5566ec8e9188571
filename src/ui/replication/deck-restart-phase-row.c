/* deck-restart-phase-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One phase of a restart in the progress of enabling (deck-restart-progress.c):
 * a spinner while the restart is in it, a check mark once it is past it, a
 * dimmed circle before.
 */

#define G_LOG_DOMAIN "deck-restart-phase-row"

#include "config.h"

#include "deck-restart-phase-row.h"

struct _DeckRestartPhaseRow
{
  GtkListBoxRow     parent_instance;

  DeckRestartPhase  phase;

  /* Template widgets */
  GtkImage         *icon;
  GtkSpinner       *spinner;
  GtkLabel         *label;
};

G_DEFINE_FINAL_TYPE (DeckRestartPhaseRow, deck_restart_phase_row, GTK_TYPE_LIST_BOX_ROW)

enum {
  PROP_0,
  PROP_PHASE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
deck_restart_phase_row_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  DeckRestartPhaseRow *self = DECK_RESTART_PHASE_ROW (object);

  switch (prop_id)
    {
    case PROP_PHASE:
      g_value_set_enum (value, self->phase);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_restart_phase_row_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  DeckRestartPhaseRow *self = DECK_RESTART_PHASE_ROW (object);

  switch (prop_id)
    {
    case PROP_PHASE:
      deck_restart_phase_row_set_phase (self, g_value_get_enum (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_restart_phase_row_class_init (DeckRestartPhaseRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = deck_restart_phase_row_get_property;
  object_class->set_property = deck_restart_phase_row_set_property;

  /**
   * DeckRestartPhaseRow:phase:
   *
   * The phase the row stands for.
   */
  properties[PROP_PHASE] =
    g_param_spec_enum ("phase", NULL, NULL, DECK_TYPE_RESTART_PHASE, DECK_RESTART_PHASE_IDLE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/clusterdeck/Clusterdeck/replication/deck-restart-phase-row.ui");
  gtk_widget_class_bind_template_child (widget_class, DeckRestartPhaseRow, icon);
  gtk_widget_class_bind_template_child (widget_class, DeckRestartPhaseRow, spinner);
  gtk_widget_class_bind_template_child (widget_class, DeckRestartPhaseRow, label);
}

static void
deck_restart_phase_row_init (DeckRestartPhaseRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

DeckRestartPhase
deck_restart_phase_row_get_phase (DeckRestartPhaseRow *self)
{
  g_return_val_if_fail (DECK_IS_RESTART_PHASE_ROW (self), DECK_RESTART_PHASE_IDLE);
  return self->phase;
}

void
deck_restart_phase_row_set_phase (DeckRestartPhaseRow *self,
                                  DeckRestartPhase     phase)
{
  g_return_if_fail (DECK_IS_RESTART_PHASE_ROW (self));

  if (self->phase == phase)
    return;
  self->phase = phase;
  gtk_label_set_label (self->label, deck_restart_phase_describe (phase));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PHASE]);
}

/**
 * deck_restart_phase_row_show_status:
 * @self: a row
 * @current: the phase the restart is in
 *
 * Shows the row's phase as current (a spinner), done (a check mark) or to
 * come (a dimmed circle). A failed restart leaves the phases it did not
 * reach to come.
 */
void
deck_restart_phase_row_show_status (DeckRestartPhaseRow *self,
                                    DeckRestartPhase     current)
{
  gboolean now = current == self->phase && current != DECK_RESTART_PHASE_IDLE;
  gboolean done = current == DECK_RESTART_PHASE_DONE ||
                  (current != DECK_RESTART_PHASE_FAILED && current > self->phase);

  g_return_if_fail (DECK_IS_RESTART_PHASE_ROW (self));

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), now);
  gtk_spinner_set_spinning (self->spinner, now);
  gtk_widget_set_visible (GTK_WIDGET (self->icon), !now);
  gtk_image_set_from_icon_name (self->icon, done ? "emblem-ok-symbolic" : "radio-symbolic");
  if (done || now)
    gtk_widget_remove_css_class (GTK_WIDGET (self), "dim-label");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self), "dim-label");
}
