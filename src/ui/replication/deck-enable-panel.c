/* deck-enable-panel.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The initial configuration of an instance where clustering is not enabled:
 * the engine enabling would use, the cluster user (the organization's, or
 * the default), its password (the one kept in the keyring for the
 * organization, when there is one), the node name (suggested from the
 * instance), and Enable Clustering. After a confirmation (the instance
 * restarts), the panel starts a DeckEnableJob and hands it over with
 * DeckEnablePanel::started; the replication page shows its progress.
 */

#define G_LOG_DOMAIN "deck-enable-panel"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-enable-job.h"
#include "deck-enable-panel.h"
#include "deck-engine.h"
#include "deck-engine-preflight.h"
#include "hdb-capabilities.h"
#include "deck-ui-util.h"

struct _DeckEnablePanel
{
  AdwBin               parent_instance;

  DeckContext         *context;        /* owned */
  DeckInstance        *instance;       /* owned, nullable */
  GCancellable        *cancellable;    /* the keyring lookup for this instance */

  /* Template widgets */
  AdwActionRow        *engine_row;
  AdwEntryRow         *cluster_user_row;
  AdwPasswordEntryRow *cluster_password_row;
  AdwEntryRow         *node_name_row;
  GtkLabel            *error_label;
};

G_DEFINE_FINAL_TYPE (DeckEnablePanel, deck_enable_panel, ADW_TYPE_BIN)

enum {
  SIGNAL_STARTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The engine enabling would use, as the enable job decides it
 * (HDB_ENGINE_UNKNOWN when neither runs on the server's version). */
static HdbEngine
engine_to_enable (DeckEnablePanel *self)
{
  return deck_enable_job_choose_engine (deck_instance_get_engine (self->instance),
                                        deck_instance_get_version (self->instance));
}

/* Whether the server can run the engine enabling would use; if not, why. */
static gboolean
can_enable (DeckEnablePanel  *self,
            GError          **error)
{
  HdbEngine kind = engine_to_enable (self);

  return deck_engine_check_version (kind != HDB_ENGINE_UNKNOWN ? kind : HDB_ENGINE_NATIVE,
                                    deck_instance_get_version (self->instance), error);
}

static const char *
text_of (gpointer editable)
{
  return gtk_editable_get_text (GTK_EDITABLE (editable));
}

static void
show_error (DeckEnablePanel *self,
            const char      *message)
{
  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL && *message != '\0');
}

/* Enable Clustering is possible with a user, a password and a node name
 * the engine accepts (the label under the form says why it does not). */
static void
validate (DeckEnablePanel *self)
{
  const char *node = text_of (self->node_name_row);
  g_autoptr(DeckEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  gboolean valid = TRUE;

  if (self->instance == NULL)
    {
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "enable-panel.enable", FALSE);
      return;
    }

  /* Only what this server can run is offered; the reason shows otherwise. */
  if (can_enable (self, &error))
    engine = deck_engine_new_for (engine_to_enable (self));

  if (engine == NULL)
    {
      show_error (self, error->message);
      valid = FALSE;
    }
  else if (*node != '\0' && !deck_engine_validate_node_name (engine, node, &error))
    {
      show_error (self, error->message);
      valid = FALSE;
    }
  else
    show_error (self, NULL);

  if (*text_of (self->cluster_user_row) == '\0' || *text_of (self->cluster_password_row) == '\0' ||
      *node == '\0')
    valid = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "enable-panel.enable", valid);
}

static void
on_cluster_password_found (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(DeckEnablePanel) self = user_data;
  char *password;

  password = deck_credentials_lookup_finish (DECK_CREDENTIALS (source), result, NULL);
  if (password != NULL && self->instance != NULL && *text_of (self->cluster_password_row) == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->cluster_password_row), password);
  g_clear_pointer (&password, deck_credentials_free_secret);
}

/* The form as it starts for the instance. */
static void
fill (DeckEnablePanel *self)
{
  DeckOrganization *org;
  g_autoptr(DeckEngine) engine = NULL;
  g_autoptr(GError) refusal = NULL;
  g_autofree char *node = NULL;
  HdbEngine kind;
  const char *user;

  gtk_editable_set_text (GTK_EDITABLE (self->cluster_password_row), "");
  show_error (self, NULL);
  if (self->instance == NULL || self->context == NULL)
    {
      validate (self);
      return;
    }

  org = deck_context_get_organization (self->context, self->instance);
  user = org != NULL ? deck_organization_get_cluster_user (org) : NULL;
  gtk_editable_set_text (GTK_EDITABLE (self->cluster_user_row),
                         user != NULL ? user : DECK_DEFAULT_CLUSTER_USER);
  kind = engine_to_enable (self);
  engine = deck_engine_new_for (kind != HDB_ENGINE_UNKNOWN ? kind : HDB_ENGINE_NATIVE);
  node = deck_engine_suggest_node_name (engine, deck_instance_get_name (self->instance),
                                        deck_instance_get_url (self->instance));
  gtk_editable_set_text (GTK_EDITABLE (self->node_name_row), node);

  if (!can_enable (self, &refusal))
    adw_action_row_set_subtitle (self->engine_row, _("None: this server cannot run it."));
  else
    adw_action_row_set_subtitle (self->engine_row,
                                 kind == HDB_ENGINE_NATIVE
                                 ? _("Native replication (Harper 4.4 and later). The cluster user "
                                     "is a dedicated super user on every instance.")
                                 : _("NATS clustering. The cluster user gets the cluster_user role "
                                     "on every instance."));

  /* Every instance of the organization needs the same cluster user: offer
   * the password kept for it. */
  if (org != NULL)
    deck_credentials_lookup_async (deck_context_get_credentials (self->context),
                                   DECK_SECRET_CLUSTER_USER, deck_organization_get_id (org),
                                   self->cancellable, on_cluster_password_found,
                                   g_object_ref (self));
  validate (self);
}

/* Enabling --------------------------------------------------------------------- */

static void
start_enabling (DeckEnablePanel *self)
{
  g_autoptr(DeckEnableJob) job = NULL;
  g_autoptr(GError) error = NULL;

  if (self->instance == NULL || self->context == NULL)
    return;
  job = deck_enable_job_new (self->context, self->instance,
                             text_of (self->cluster_user_row),
                             text_of (self->cluster_password_row),
                             text_of (self->node_name_row));
  if (!deck_job_start (DECK_JOB (job), &error))
    {
      show_error (self, error->message);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_STARTED], 0, job);
}

static void
on_enable_confirmed (AdwMessageDialog *dialog,
                     const char       *response,
                     DeckEnablePanel  *self)
{
  if (g_strcmp0 (response, "enable") == 0)
    start_enabling (self);
}

static void
enable_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DeckEnablePanel *self = DECK_ENABLE_PANEL (widget);
  GtkWidget *dialog;

  if (self->instance == NULL)
    return;

  /* The instance restarts: ask first, as for any restarting action. */
  dialog = adw_message_dialog_new (deck_widget_get_window (widget), _("Enable Clustering?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("Clusterdeck creates the cluster user on “%s”, writes its "
                                    "configuration and restarts it. It does not answer for a few "
                                    "seconds while it restarts."),
                                  deck_instance_get_name (self->instance));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "enable", _("_Enable and Restart"), NULL);
  deck_widget_reset_mnemonic_labels (GTK_WIDGET (dialog));
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "enable",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_enable_confirmed), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Object ------------------------------------------------------------------------ */

static void
deck_enable_panel_dispose (GObject *object)
{
  DeckEnablePanel *self = DECK_ENABLE_PANEL (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->instance);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (deck_enable_panel_parent_class)->dispose (object);
}

static void
deck_enable_panel_class_init (DeckEnablePanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = deck_enable_panel_dispose;

  /**
   * DeckEnablePanel::started:
   * @self: the panel
   * @job: (type DeckEnableJob): the enable job, running
   *
   * The user confirmed, and enabling started.
   */
  signals[SIGNAL_STARTED] =
    g_signal_new ("started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, DECK_TYPE_ENABLE_JOB);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/clusterdeck/Clusterdeck/replication/deck-enable-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, DeckEnablePanel, engine_row);
  gtk_widget_class_bind_template_child (widget_class, DeckEnablePanel, cluster_user_row);
  gtk_widget_class_bind_template_child (widget_class, DeckEnablePanel, cluster_password_row);
  gtk_widget_class_bind_template_child (widget_class, DeckEnablePanel, node_name_row);
  gtk_widget_class_bind_template_child (widget_class, DeckEnablePanel, error_label);
  gtk_widget_class_bind_template_callback (widget_class, validate);

  gtk_widget_class_install_action (widget_class, "enable-panel.enable", NULL, enable_action);
}

static void
deck_enable_panel_init (DeckEnablePanel *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  deck_widget_reset_mnemonic_labels (GTK_WIDGET (self));
  deck_password_entry_name_icons (GTK_WIDGET (self->cluster_password_row));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "enable-panel.enable", FALSE);
}

/**
 * deck_enable_panel_set_context:
 * @self: the panel
 * @context: the organizations (their cluster user), the keyring (its
 *   password) and the jobs
 */
void
deck_enable_panel_set_context (DeckEnablePanel *self,
                               DeckContext     *context)
{
  g_return_if_fail (DECK_IS_ENABLE_PANEL (self));
  g_return_if_fail (DECK_IS_CONTEXT (context));

  g_set_object (&self->context, context);
}

/**
 * deck_enable_panel_get_instance:
 * @self: the panel
 *
 * Returns: (nullable) (transfer none): the instance the form is for
 */
DeckInstance *
deck_enable_panel_get_instance (DeckEnablePanel *self)
{
  g_return_val_if_fail (DECK_IS_ENABLE_PANEL (self), NULL);
  return self->instance;
}

/**
 * deck_enable_panel_set_instance:
 * @self: the panel
 * @instance: (nullable): the instance to enable
 *
 * Fills the form again for @instance, as it starts.
 */
void
deck_enable_panel_set_instance (DeckEnablePanel *self,
                                DeckInstance    *instance)
{
  g_return_if_fail (DECK_IS_ENABLE_PANEL (self));
  g_return_if_fail (instance == NULL || DECK_IS_INSTANCE (instance));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_set_object (&self->instance, instance);
  fill (self);
}
