/* deck-peer-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A row of the connections view: one DeckPeerItem (deck-peer-list.c) with the
 * buttons its state allows:
 *  - a connection (connected or unregistered): − disconnects, and a node
 *    outside the organization can be added to it;
 *  - an instance that can be connected: +;
 *  - one that is not enabled, uses the other engine or has not restarted:
 *    Configure…;
 *  - one that does not answer: nothing.
 * A red icon opens a popover that says what is wrong: the connection's
 * problem, and the failure of the last connect or disconnect.
 *
 * The row shows the job that acts on its peer (DeckPeerRow:job, given by
 * the connections view): busy while it runs, its failure once it failed.
 * The buttons are the row's actions (peer.connect, peer.disconnect,
 * peer.configure, peer.add-to-organization); each hands over to the
 * connections view's action of the same name with the peer's key, so that
 * what it starts does not depend on this row, which a reload replaces.
 */

#define G_LOG_DOMAIN "deck-peer-row"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-peer-row.h"
#include "deck-ui-util.h"

struct _DeckPeerRow
{
  AdwActionRow  parent_instance;

  DeckPeerItem     *peer;              /* owned, set once */
  DeckJob      *job;               /* owned, nullable: the job that acts on the peer */
  char         *failure;           /* nullable: a job that could not even start */
  char         *problem;           /* nullable: what the popover says */

  /* Template widgets */
  GtkSpinner   *spinner;
  GtkMenuButton *problem_button;
  GtkLabel     *problem_label;
  GtkButton    *add_button;
  GtkButton    *configure_button;
  GtkButton    *connect_button;
  GtkButton    *disconnect_button;
};

G_DEFINE_FINAL_TYPE (DeckPeerRow, deck_peer_row, ADW_TYPE_ACTION_ROW)

enum {
  PROP_0,
  PROP_PEER,
  PROP_JOB,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The kind of job whose failure this row shows: a connect on an instance
 * that can be connected, a disconnect on a connection. */
static gboolean
shows_job_kind (DeckPeerRow *self,
                DeckJobKind *kind)
{
  switch (deck_peer_item_get_state (self->peer))
    {
    case DECK_PEER_STATE_LINKED:
      *kind = DECK_JOB_KIND_DISCONNECT;
      return TRUE;
    case DECK_PEER_STATE_CONNECTABLE:
      *kind = DECK_JOB_KIND_CONNECT;
      return TRUE;
    case DECK_PEER_STATE_UNREACHABLE:
    case DECK_PEER_STATE_NOT_ENABLED:
    case DECK_PEER_STATE_INCOMPATIBLE:
    default:
      return FALSE;
    }
}

static void
update (DeckPeerRow *self)
{
  DeckPeerState state = deck_peer_item_get_state (self->peer);
  gboolean busy = deck_peer_row_get_busy (self);
  const char *failed = self->failure;
  const char *trouble = deck_peer_item_get_problem (self->peer);
  DeckJobKind kind;

  if (failed == NULL && self->job != NULL && shows_job_kind (self, &kind) &&
      deck_job_get_kind (self->job) == kind &&
      deck_job_get_state (self->job) == DECK_JOB_STATE_FAILED)
    failed = deck_job_get_error (self->job)->message;

  g_clear_pointer (&self->problem, g_free);
  if (failed != NULL && trouble != NULL)
    self->problem = g_strdup_printf ("%s\n\n%s", failed, trouble);
  else if (failed != NULL || trouble != NULL)
    self->problem = g_strdup (failed != NULL ? failed : trouble);

  gtk_widget_set_visible (GTK_WIDGET (self->problem_button), self->problem != NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->problem_button), self->problem);
  gtk_label_set_label (self->problem_label, self->problem != NULL ? self->problem : "");

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "peer.connect",
                                 state == DECK_PEER_STATE_CONNECTABLE && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "peer.disconnect",
                                 state == DECK_PEER_STATE_LINKED && !busy);
}

static void
show_peer (DeckPeerRow *self)
{
  DeckPeerState state = deck_peer_item_get_state (self->peer);
  const char *name = deck_peer_item_get_name (self->peer);
  gboolean unregistered = deck_peer_item_get_group (self->peer) == DECK_PEER_GROUP_UNREGISTERED;
  gboolean configurable = state == DECK_PEER_STATE_NOT_ENABLED ||
                          state == DECK_PEER_STATE_INCOMPATIBLE;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), deck_peer_item_get_summary (self->peer));

  gtk_widget_set_visible (GTK_WIDGET (self->add_button), unregistered);
  gtk_widget_set_visible (GTK_WIDGET (self->configure_button), configurable);
  gtk_widget_set_visible (GTK_WIDGET (self->connect_button), state == DECK_PEER_STATE_CONNECTABLE);
  gtk_widget_set_visible (GTK_WIDGET (self->disconnect_button), state == DECK_PEER_STATE_LINKED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "peer.add-to-organization", unregistered);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "peer.configure", configurable);

  /* Icon buttons say what they do in their tooltip and accessible name. */
  if (state == DECK_PEER_STATE_CONNECTABLE)
    {
      /* Translators: an instance's name */
      g_autofree char *text = g_strdup_printf (_("Connect %s"), name);

      gtk_widget_set_tooltip_text (GTK_WIDGET (self->connect_button), text);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->connect_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
    }
  if (state == DECK_PEER_STATE_LINKED)
    {
      /* Translators: an instance's or a node's name */
      g_autofree char *text = g_strdup_printf (_("Disconnect %s"), name);

      gtk_widget_set_tooltip_text (GTK_WIDGET (self->disconnect_button), text);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->disconnect_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
    }
  update (self);
}

/* Actions ---------------------------------------------------------------- */

static const char *
instance_id (DeckPeerRow *self)
{
  DeckInstance *instance = deck_peer_item_get_instance (self->peer);

  return instance != NULL ? deck_instance_get_id (instance) : NULL;
}

static void
connect_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  DeckPeerRow *self = DECK_PEER_ROW (widget);

  if (instance_id (self) != NULL)
    gtk_widget_activate_action (widget, "connections.connect", "s", instance_id (self));
}

static void
disconnect_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DeckPeerRow *self = DECK_PEER_ROW (widget);

  if (deck_peer_item_get_node_name (self->peer) != NULL)
    gtk_widget_activate_action (widget, "connections.disconnect", "s",
                                deck_peer_item_get_node_name (self->peer));
}

static void
configure_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DeckPeerRow *self = DECK_PEER_ROW (widget);

  if (instance_id (self) != NULL)
    gtk_widget_activate_action (widget, "connections.configure", "s", instance_id (self));
}

static void
add_to_organization_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  DeckPeerRow *self = DECK_PEER_ROW (widget);

  if (deck_peer_item_get_node_name (self->peer) != NULL)
    gtk_widget_activate_action (widget, "connections.add-to-organization", "s",
                                deck_peer_item_get_node_name (self->peer));
}

/* Object ----------------------------------------------------------------- */

static void
deck_peer_row_constructed (GObject *object)
{
  DeckPeerRow *self = DECK_PEER_ROW (object);

  G_OBJECT_CLASS (deck_peer_row_parent_class)->constructed (object);

  g_assert (DECK_IS_PEER_ITEM (self->peer));
  show_peer (self);
}

static void
deck_peer_row_dispose (GObject *object)
{
  DeckPeerRow *self = DECK_PEER_ROW (object);

  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_object (&self->job);
  g_clear_object (&self->peer);
  g_clear_pointer (&self->failure, g_free);
  g_clear_pointer (&self->problem, g_free);

  G_OBJECT_CLASS (deck_peer_row_parent_class)->dispose (object);
}

static void
deck_peer_row_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  DeckPeerRow *self = DECK_PEER_ROW (object);

  switch (prop_id)
    {
    case PROP_PEER:
      g_value_set_object (value, self->peer);
      break;
    case PROP_JOB:
      g_value_set_object (value, self->job);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_peer_row_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  DeckPeerRow *self = DECK_PEER_ROW (object);

  switch (prop_id)
    {
    case PROP_PEER:
      self->peer = g_value_dup_object (value);
      break;
    case PROP_JOB:
      deck_peer_row_set_job (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_peer_row_class_init (DeckPeerRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = deck_peer_row_constructed;
  object_class->dispose = deck_peer_row_dispose;
  object_class->get_property = deck_peer_row_get_property;
  object_class->set_property = deck_peer_row_set_property;

  /**
   * DeckPeerRow:peer:
   *
   * The peer the row shows (set once).
   */
  properties[PROP_PEER] =
    g_param_spec_object ("peer", NULL, NULL, DECK_TYPE_PEER_ITEM,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * DeckPeerRow:job:
   *
   * The connect or disconnect job that acts on the peer, or %NULL.
   */
  properties[PROP_JOB] =
    g_param_spec_object ("job", NULL, NULL, DECK_TYPE_JOB,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/clusterdeck/Clusterdeck/replication/deck-peer-row.ui");
  gtk_widget_class_bind_template_child (widget_class, DeckPeerRow, spinner);
  gtk_widget_class_bind_template_child (widget_class, DeckPeerRow, problem_button);
  gtk_widget_class_bind_template_child (widget_class, DeckPeerRow, problem_label);
  gtk_widget_class_bind_template_child (widget_class, DeckPeerRow, add_button);
  gtk_widget_class_bind_template_child (widget_class, DeckPeerRow, configure_button);
  gtk_widget_class_bind_template_child (widget_class, DeckPeerRow, connect_button);
  gtk_widget_class_bind_template_child (widget_class, DeckPeerRow, disconnect_button);

  gtk_widget_class_install_action (widget_class, "peer.connect", NULL, connect_action);
  gtk_widget_class_install_action (widget_class, "peer.disconnect", NULL, disconnect_action);
  gtk_widget_class_install_action (widget_class, "peer.configure", NULL, configure_action);
  gtk_widget_class_install_action (widget_class, "peer.add-to-organization", NULL,
                                   add_to_organization_action);
}

static void
deck_peer_row_init (DeckPeerRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  deck_widget_reset_mnemonic_labels (GTK_WIDGET (self));
}

/**
 * deck_peer_row_new:
 * @peer: the peer to show
 *
 * Returns: (transfer floating): a new row
 */
GtkWidget *
deck_peer_row_new (DeckPeerItem *peer)
{
  g_return_val_if_fail (DECK_IS_PEER_ITEM (peer), NULL);

  return g_object_new (DECK_TYPE_PEER_ROW, "peer", peer, NULL);
}

DeckPeerItem *
deck_peer_row_get_peer (DeckPeerRow *self)
{
  g_return_val_if_fail (DECK_IS_PEER_ROW (self), NULL);
  return self->peer;
}

/**
 * deck_peer_row_get_job:
 * @self: a row
 *
 * Returns: (nullable) (transfer none): the job the row shows
 */
DeckJob *
deck_peer_row_get_job (DeckPeerRow *self)
{
  g_return_val_if_fail (DECK_IS_PEER_ROW (self), NULL);
  return self->job;
}

/**
 * deck_peer_row_set_job:
 * @self: a row
 * @job: (nullable): the connect or disconnect job that acts on the row's
 *   peer
 *
 * The row follows @job: busy while it runs, and its failure in the
 * popover when it is the row's kind of job (a connect on an instance that
 * can be connected, a disconnect on a connection).
 */
void
deck_peer_row_set_job (DeckPeerRow *self,
                       DeckJob     *job)
{
  g_return_if_fail (DECK_IS_PEER_ROW (self));
  g_return_if_fail (job == NULL || DECK_IS_JOB (job));

  if (self->job == job)
    return;
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_set_object (&self->job, job);
  g_clear_pointer (&self->failure, g_free);
  if (job != NULL)
    g_signal_connect_object (job, "notify::state", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  if (self->peer != NULL)
    update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOB]);
}

/**
 * deck_peer_row_set_failure:
 * @self: a row
 * @message: (nullable): why a job for the row's peer could not start
 */
void
deck_peer_row_set_failure (DeckPeerRow *self,
                           const char  *message)
{
  g_return_if_fail (DECK_IS_PEER_ROW (self));

  g_free (self->failure);
  self->failure = g_strdup (message);
  update (self);
}

/**
 * deck_peer_row_get_busy:
 * @self: a row
 *
 * Returns: whether the row's job runs (or succeeded, and the row waits to
 *   be replaced)
 */
gboolean
deck_peer_row_get_busy (DeckPeerRow *self)
{
  g_return_val_if_fail (DECK_IS_PEER_ROW (self), FALSE);

  /* A job that succeeded changed the peer: the row stays busy until the
   * cluster status, read again, replaces it. */
  return self->job != NULL &&
         (!deck_job_is_finished (self->job) ||
          deck_job_get_state (self->job) == DECK_JOB_STATE_SUCCEEDED);
}

/**
 * deck_peer_row_get_problem:
 * @self: a row
 *
 * Returns: (nullable): what the row's red icon explains, or %NULL when it
 *   shows none
 */
const char *
deck_peer_row_get_problem (DeckPeerRow *self)
{
  g_return_val_if_fail (DECK_IS_PEER_ROW (self), NULL);
  return self->problem;
}
