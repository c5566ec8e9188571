/* deck-replication-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Replication view of an instance. It is one of four things:
 *  - a status page saying why there is nothing to manage (unreachable, not
 *    a super user);
 *  - the initial configuration panel (cluster user, password, node name,
 *    Enable Clustering) when the instance is not enabled;
 *  - the progress of enabling, with the restart's phases and elapsed time;
 *  - the management screen, in two pages: Connections (connected,
 *    unconnected and unregistered instances, with connect and disconnect)
 *    and Tables (the replication grid and its pending changes,
 *    deck-replication-tables.c).
 *
 * Enabling, connecting and disconnecting are the core's jobs (DeckEnableJob,
 * DeckConnectJob, DeckDisconnectJob): the page starts them and shows them,
 * but they belong to the context. Selecting another instance does not stop
 * them; when the user comes back, the page finds them (deck_context_find_job(),
 * deck_context_list_jobs()) and shows where they are, or how they ended.
 */

#define G_LOG_DOMAIN "deck-replication-page"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "deck-connect-job.h"
#include "deck-disconnect-job.h"
#include "deck-enable-job.h"
#include "deck-engine.h"
#include "deck-engine-preflight.h"
#include "hdb-capabilities.h"
#include "deck-schema-diff.h"
#include "deck-replication-page.h"
#include "deck-replication-tables.h"
#include "deck-ui-util.h"

struct _DeckReplicationPage
{
  AdwBin               parent_instance;

  DeckContext         *context;
  DeckStore           *store;            /* the context's, borrowed */
  DeckCredentials     *credentials;      /* the context's, borrowed */
  DeckInstanceMonitor *monitor;          /* the context's, borrowed */
  DeckInstance        *instance;
  gulong               instance_handler;
  GCancellable        *cancellable;      /* loads of this instance */

  /* Jobs: the context owns them; the page watches the ones it started or
   * found, to show their end (owned references, dropped when they end). */
  GPtrArray           *watched_jobs;
  DeckEnableJob       *enable_job;       /* shown in the progress view */
  gulong               enable_state_handler;
  gulong               enable_restart_handler;
  DeckConnectJob      *offered_job;      /* its missing tables are offered */

  GtkStack            *stack;
  AdwStatusPage       *status_page;

  AdwEntryRow         *cluster_user_row;
  AdwPasswordEntryRow *cluster_password_row;
  AdwEntryRow         *node_name_row;
  AdwActionRow        *engine_row;
  GtkLabel            *enable_error;
  GtkButton           *enable_button;

  GtkLabel            *progress_title;
  GtkWidget           *phase_rows[4];
  GtkLabel            *elapsed_label;
  GtkLabel            *progress_message;
  GtkButton           *keep_waiting_button;
  GtkButton           *back_button;

  AdwPreferencesGroup *connected_group;
  AdwPreferencesGroup *unconnected_group;
  AdwPreferencesGroup *unregistered_group;
  GtkStack            *manage_stack;
  gboolean             tables_stale;
  DeckReplicationTables *tables;
  GPtrArray           *manage_rows;      /* rows to remove on rebuild */
  HdbClusterStatus    *status;
  char                *manage_error;
  gboolean             loading;
};

G_DEFINE_FINAL_TYPE (DeckReplicationPage, deck_replication_page, ADW_TYPE_BIN)

enum {
  SIGNAL_CONFIGURE_INSTANCE,
  SIGNAL_ADD_INSTANCE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const DeckRestartPhase shown_phases[4] = {
  DECK_RESTART_PHASE_WRITING_CONFIGURATION,
  DECK_RESTART_PHASE_RESTARTING,
  DECK_RESTART_PHASE_WAITING,
  DECK_RESTART_PHASE_VERIFYING,
};

static void update_view (DeckReplicationPage *self);
static void load_status (DeckReplicationPage *self);

/* gtk_button_new_with_mnemonic(), with the accessible name GTK 4.8 doubles
 * ("_Back Back": the raw label as the label property, then the child label's
 * text) reset, so that it comes from the child label alone. */

static void
toast (DeckReplicationPage *self,
       const char          *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

static DeckOrganization *
organization (DeckReplicationPage *self)
{
  if (self->instance == NULL || self->store == NULL)
    return NULL;
  return deck_store_find_organization (self->store,
                                       deck_instance_get_organization_id (self->instance));
}

/* The engine enabling would use, as the enable job decides it
 * (HDB_ENGINE_UNKNOWN when neither runs on the server's version). */
static HdbEngine
engine_to_enable (DeckReplicationPage *self)
{
  return deck_enable_job_choose_engine (deck_instance_get_engine (self->instance),
                                        deck_instance_get_version (self->instance));
}

/* Whether the server can run the engine enabling would use; if not, why. */
static gboolean
can_enable (DeckReplicationPage  *self,
            GError              **error)
{
  HdbEngine kind = engine_to_enable (self);

  return deck_engine_check_version (kind != HDB_ENGINE_UNKNOWN ? kind : HDB_ENGINE_NATIVE,
                                    deck_instance_get_version (self->instance), error);
}

static const char *
instance_id (DeckReplicationPage *self)
{
  return self->instance != NULL ? deck_instance_get_id (self->instance) : NULL;
}

static void watch_job (DeckReplicationPage *self, DeckJob *job);

/* Status ------------------------------------------------------------------ */

static void
show_status (DeckReplicationPage *self,
             const char          *icon,
             const char          *title,
             const char          *description)
{
  adw_status_page_set_icon_name (self->status_page, icon);
  adw_status_page_set_title (self->status_page, title);
  adw_status_page_set_description (self->status_page, description);
  gtk_stack_set_visible_child_name (self->stack, "status");
}

/* Enable panel ------------------------------------------------------------ */

static void
validate_enable_form (DeckReplicationPage *self)
{
  const char *user = gtk_editable_get_text (GTK_EDITABLE (self->cluster_user_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->cluster_password_row));
  const char *node = gtk_editable_get_text (GTK_EDITABLE (self->node_name_row));
  g_autoptr(DeckEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  gboolean valid = TRUE;

  if (self->instance == NULL)
    return;

  /* Only what this server can run is offered; the reason shows otherwise. */
  if (can_enable (self, &error))
    engine = deck_engine_new_for (engine_to_enable (self));

  if (engine == NULL)
    {
      gtk_label_set_label (self->enable_error, error->message);
      valid = FALSE;
    }
  else if (*node != '\0' && !deck_engine_validate_node_name (engine, node, &error))
    {
      gtk_label_set_label (self->enable_error, error->message);
      valid = FALSE;
    }
  else
    gtk_label_set_label (self->enable_error, "");

  if (*user == '\0' || *password == '\0' || *node == '\0')
    valid = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->enable_error),
                          *gtk_label_get_label (self->enable_error) != '\0');
  gtk_widget_set_sensitive (GTK_WIDGET (self->enable_button), valid);
}

static void
on_cluster_password_found (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(DeckReplicationPage) self = user_data;
  g_autofree char *password = NULL;

  password = deck_credentials_lookup_finish (DECK_CREDENTIALS (source), result, NULL);
  if (password != NULL &&
      *gtk_editable_get_text (GTK_EDITABLE (self->cluster_password_row)) == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->cluster_password_row), password);
}

static void
fill_enable_form (DeckReplicationPage *self)
{
  DeckOrganization *org = organization (self);
  HdbEngine kind = engine_to_enable (self);
  g_autoptr(DeckEngine) engine = deck_engine_new_for (kind != HDB_ENGINE_UNKNOWN
                                                      ? kind : HDB_ENGINE_NATIVE);
  g_autoptr(GError) refusal = NULL;
  g_autofree char *node = NULL;
  const char *user;

  user = org != NULL ? deck_organization_get_cluster_user (org) : NULL;
  gtk_editable_set_text (GTK_EDITABLE (self->cluster_user_row),
                         user != NULL ? user : DECK_DEFAULT_CLUSTER_USER);
  gtk_editable_set_text (GTK_EDITABLE (self->cluster_password_row), "");
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
    deck_credentials_lookup_async (self->credentials, DECK_SECRET_CLUSTER_USER,
                                   deck_organization_get_id (org), self->cancellable,
                                   on_cluster_password_found, g_object_ref (self));
  validate_enable_form (self);
}

/* Progress ---------------------------------------------------------------- */

static void
update_progress (DeckReplicationPage *self)
{
  DeckRestartMonitor *restart = self->enable_job != NULL
                                ? deck_enable_job_get_restart_monitor (self->enable_job) : NULL;
  DeckRestartPhase phase = restart != NULL ? deck_restart_monitor_get_phase (restart)
                                           : DECK_RESTART_PHASE_IDLE;
  g_autofree char *elapsed = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (shown_phases); i++)
    {
      GtkWidget *row = self->phase_rows[i];
      GtkImage *icon = g_object_get_data (G_OBJECT (row), "icon");
      GtkSpinner *spinner = g_object_get_data (G_OBJECT (row), "spinner");
      gboolean current = phase == shown_phases[i];
      gboolean done = phase == DECK_RESTART_PHASE_DONE ||
                      (phase != DECK_RESTART_PHASE_FAILED && phase > shown_phases[i]);

      gtk_widget_set_visible (GTK_WIDGET (spinner), current);
      gtk_spinner_set_spinning (spinner, current);
      gtk_widget_set_visible (GTK_WIDGET (icon), !current);
      gtk_image_set_from_icon_name (icon, done ? "emblem-ok-symbolic" : "radio-symbolic");
      if (done)
        gtk_widget_remove_css_class (row, "dim-label");
      else if (!current)
        gtk_widget_add_css_class (row, "dim-label");
      else
        gtk_widget_remove_css_class (row, "dim-label");
    }

  /* Translators: elapsed time of a restart, in seconds */
  elapsed = g_strdup_printf (_("%.1f s"), restart ? deck_restart_monitor_get_elapsed (restart) : 0.0);
  gtk_label_set_label (self->elapsed_label, elapsed);
  gtk_label_set_label (self->progress_message,
                       restart && deck_restart_monitor_get_message (restart)
                       ? deck_restart_monitor_get_message (restart) : "");
}

/* Whether the enable job failed, short of keeping the cluster user (the
 * instance is enabled then). */
static gboolean
enable_failed (DeckEnableJob *job)
{
  return deck_job_get_state (DECK_JOB (job)) == DECK_JOB_STATE_FAILED &&
         !g_error_matches (deck_job_get_error (DECK_JOB (job)), DECK_JOB_ERROR,
                           DECK_JOB_ERROR_NOT_SAVED);
}

/* The shown enable job's state: running, or failed (Back, Keep Waiting). */
static void
update_enable_state (DeckReplicationPage *self)
{
  DeckEnableJob *job = self->enable_job;
  gboolean failed = enable_failed (job);

  update_progress (self);
  gtk_widget_set_visible (GTK_WIDGET (self->keep_waiting_button),
                          deck_enable_job_can_keep_waiting (job));
  gtk_widget_set_visible (GTK_WIDGET (self->back_button),
                          failed || deck_job_get_state (DECK_JOB (job)) == DECK_JOB_STATE_CANCELLED);
  if (failed)
    {
      g_autofree char *text = g_strdup_printf (_("Clustering was not enabled: %s"),
                                               deck_job_get_error (DECK_JOB (job))->message);

      gtk_label_set_label (self->progress_message, text);
      gtk_widget_add_css_class (GTK_WIDGET (self->progress_message), "error");
    }
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->progress_message), "error");

  /* Done: the progress stays, every phase done, until the monitor's check
   * shows the instance enabled (update_view): until then the instance
   * still says "not enabled", and the form would come back for a moment. */
  if (deck_job_is_finished (DECK_JOB (job)) && !failed)
    update_view (self);
}

/* Shows @job in the progress view (or nothing, with %NULL). */
static void
show_enable_job (DeckReplicationPage *self,
                 DeckEnableJob       *job)
{
  g_autofree char *title = NULL;

  if (self->enable_job == job)
    return;
  if (self->enable_job != NULL)
    {
      DeckRestartMonitor *restart = deck_enable_job_get_restart_monitor (self->enable_job);

      g_clear_signal_handler (&self->enable_state_handler, self->enable_job);
      if (restart != NULL)
        g_clear_signal_handler (&self->enable_restart_handler, restart);
      self->enable_restart_handler = 0;
    }
  g_set_object (&self->enable_job, job);
  if (job == NULL)
    return;

  self->enable_state_handler = g_signal_connect_object (job, "notify::state",
                                                        G_CALLBACK (update_enable_state), self,
                                                        G_CONNECT_SWAPPED);
  if (deck_enable_job_get_restart_monitor (job) != NULL)
    self->enable_restart_handler = g_signal_connect_object (deck_enable_job_get_restart_monitor (job),
                                                            "notify", G_CALLBACK (update_progress),
                                                            self, G_CONNECT_SWAPPED);
  /* Translators: %s is an instance's name */
  title = g_strdup_printf (_("Enabling Clustering on %s"),
                           deck_instance_get_name (deck_job_get_instance (DECK_JOB (job))));
  gtk_label_set_label (self->progress_title, title);
  update_enable_state (self);
}

static void
keep_waiting_clicked (DeckReplicationPage *self)
{
  g_autoptr(GError) error = NULL;

  if (self->enable_job == NULL)
    return;
  if (!deck_enable_job_keep_waiting (self->enable_job, &error))
    toast (self, error->message);
}

static void
back_clicked (DeckReplicationPage *self)
{
  /* The failure was seen: the form comes back. */
  if (self->enable_job != NULL)
    deck_context_forget_job (self->context, DECK_JOB (self->enable_job));
  show_enable_job (self, NULL);
  deck_instance_monitor_refresh (self->monitor, self->instance);
  update_view (self);
}

static void
start_enabling (DeckReplicationPage *self)
{
  g_autoptr(DeckEnableJob) job = NULL;
  g_autoptr(GError) error = NULL;

  job = deck_enable_job_new (self->context, self->instance,
                             gtk_editable_get_text (GTK_EDITABLE (self->cluster_user_row)),
                             gtk_editable_get_text (GTK_EDITABLE (self->cluster_password_row)),
                             gtk_editable_get_text (GTK_EDITABLE (self->node_name_row)));
  if (!deck_job_start (DECK_JOB (job), &error))
    {
      gtk_label_set_label (self->enable_error, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->enable_error), TRUE);
      return;
    }
  watch_job (self, DECK_JOB (job));
  show_enable_job (self, job);
  gtk_stack_set_visible_child_name (self->stack, "progress");
}

static void
on_enable_confirmed (AdwMessageDialog    *dialog,
                     const char          *response,
                     DeckReplicationPage *self)
{
  if (g_strcmp0 (response, "enable") == 0)
    start_enabling (self);
}

static void
enable_clicked (DeckReplicationPage *self)
{
  GtkWidget *dialog;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  /* The instance restarts: ask first, as for any restarting action. */
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Enable Clustering?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("Clusterdeck creates the cluster user on “%s”, writes its "
                                    "configuration and restarts it. It does not answer for a few "
                                    "seconds while it restarts."),
                                  deck_instance_get_name (self->instance));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "enable", _("_Enable and Restart"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "enable",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_enable_confirmed), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Management -------------------------------------------------------------- */

typedef struct
{
  DeckReplicationPage *page;
  DeckInstance        *instance;   /* whose screen the row is on */
  DeckInstance        *peer;       /* NULL for an unregistered node */
  char                *node_name;
  char                *url;
  GtkWidget           *button;
  GtkWidget           *spinner;
  GtkWidget           *row;
} RowData;

static void
row_data_free (gpointer data)
{
  RowData *rd = data;

  g_clear_object (&rd->instance);
  g_clear_object (&rd->peer);
  g_free (rd->node_name);
  g_free (rd->url);
  g_free (rd);
}

static void
clear_manage_rows (DeckReplicationPage *self)
{
  for (guint i = 0; i < self->manage_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->manage_rows, i);
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

      if (group != NULL)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }
  g_ptr_array_set_size (self->manage_rows, 0);
}

static GtkWidget *
add_row (DeckReplicationPage *self,
         AdwPreferencesGroup *group,
         const char          *title,
         const char          *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->manage_rows, row);
  return row;
}

static void
add_placeholder (DeckReplicationPage *self,
                 AdwPreferencesGroup *group,
                 const char          *text)
{
  GtkWidget *row = add_row (self, group, text, NULL);

  gtk_widget_add_css_class (row, "dim-label");
}

static DeckInstance *
find_peer_instance (DeckReplicationPage *self,
                    const char          *node_name)
{
  DeckOrganization *org = organization (self);
  GListModel *instances;

  if (org == NULL || node_name == NULL)
    return NULL;
  instances = deck_organization_get_instances (org);
  for (guint i = 0; i < g_list_model_get_n_items (instances); i++)
    {
      g_autoptr(DeckInstance) other = g_list_model_get_item (instances, i);

      if (other != self->instance &&
          g_strcmp0 (deck_instance_get_node_name (other), node_name) == 0)
        return other;
    }
  return NULL;
}

/* What a connection's state says, and what is wrong with it if anything. */
static char *
describe_connection (const HdbConnection *conn,
                     char               **problem)
{
  GString *text = g_string_new (NULL);
  GString *trouble = g_string_new (NULL);

  if (conn->status != NULL)
    {
      g_string_append_printf (text, _("NATS: %s"), conn->status);
      if (conn->latency_ms >= 0)
        g_string_append_printf (text, _(" · %.0f ms"), conn->latency_ms);
      if (g_strcmp0 (conn->status, "open") != 0)
        g_string_append_printf (trouble, _("The NATS connection is %s. Check that the peer "
                                           "runs and that its routes are set."), conn->status);
    }
  else if (conn->database_sockets->len == 0)
    {
      g_string_append (text, _("Connecting…"));
      g_string_append (trouble, _("No database connection is open yet. Harper opens them "
                                  "shortly after connecting; if it stays like this, the peer "
                                  "may refuse the cluster user’s login."));
    }
  else
    {
      for (guint i = 0; i < conn->database_sockets->len; i++)
        {
          const HdbDatabaseSocket *s = g_ptr_array_index (conn->database_sockets, i);
          const char *state;

          if (!s->connected)
            {
              state = _("not connected");
              g_string_append_printf (trouble, _("Database “%s” is not connected. "), s->database);
            }
          else if (s->catching_up_from != NULL && g_strcmp0 (s->catching_up_from, "up-to-date") != 0)
            state = _("catching up");
          else
            state = _("connected");

          if (i > 0)
            g_string_append (text, ", ");
          if (s->latency >= 0 && s->connected)
            g_string_append_printf (text, "%s %s (%.1f ms)", s->database, state, s->latency);
          else
            g_string_append_printf (text, "%s %s", s->database, state);
        }
      if (trouble->len > 0)
        g_string_append (trouble, _("Harper keeps retrying. Check that the peer runs and that "
                                    "the cluster user has the same password on both instances."));
    }

  if (conn->replicates)
    g_string_append (text, _(" · full replication"));

  *problem = trouble->len > 0 ? g_string_free (trouble, FALSE) : (g_string_free (trouble, TRUE), NULL);
  return g_string_free (text, FALSE);
}

static void
row_busy (RowData  *rd,
          gboolean  busy)
{
  gtk_widget_set_visible (rd->spinner, busy);
  gtk_spinner_set_spinning (GTK_SPINNER (rd->spinner), busy);
  gtk_widget_set_sensitive (rd->button, !busy);
}

static void
row_show_error (RowData    *rd,
                const char *message)
{
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *label = gtk_label_new (message);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 48);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  gtk_widget_set_margin_start (label, 6);
  gtk_widget_set_margin_end (label, 6);
  gtk_popover_set_child (GTK_POPOVER (popover), label);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "dialog-error-symbolic");
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "error");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, message);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Show the problem"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (rd->row), button);
}

/* Jobs ------------------------------------------------------------------------ */

static void build_manage (DeckReplicationPage *self);
static void offer_missing (DeckReplicationPage *self, DeckConnectJob *job);

/* The newest connect or disconnect job between the shown instance and a
 * row's peer: @peer, or the node outside the organization @node_name. */
static DeckJob *
find_row_job (DeckReplicationPage *self,
              DeckInstance        *peer,
              const char          *node_name)
{
  g_autoptr(GPtrArray) jobs = deck_context_list_jobs (self->context, instance_id (self));

  for (guint i = 0; i < jobs->len; i++)
    {
      DeckJob *job = g_ptr_array_index (jobs, i);
      DeckJobKind kind = deck_job_get_kind (job);

      if (kind != DECK_JOB_KIND_CONNECT && kind != DECK_JOB_KIND_DISCONNECT)
        continue;
      if (peer != NULL && deck_job_involves (job, deck_instance_get_id (peer)))
        return job;
      if (peer == NULL && kind == DECK_JOB_KIND_DISCONNECT && deck_job_get_peer_id (job) == NULL &&
          g_strcmp0 (deck_disconnect_job_get_peer_node_name (DECK_DISCONNECT_JOB (job)),
                     node_name) == 0)
        return job;
    }
  return NULL;
}

static const char *
job_instance_name (DeckJob *job)
{
  return deck_instance_get_name (deck_job_get_instance (job));
}

/* A watched job ended: say how, where the user is now. */
static void
job_finished (DeckReplicationPage *self,
              DeckJob             *job)
{
  DeckJobState state = deck_job_get_state (job);
  const GError *error = deck_job_get_error (job);
  gboolean shown = deck_job_involves (job, instance_id (self));

  if (DECK_IS_ENABLE_JOB (job))
    {
      g_autofree char *text = NULL;

      /* The shown job's view follows it (update_enable_state()). */
      if (state == DECK_JOB_STATE_SUCCEEDED)
        /* Translators: %s is an instance's name */
        text = shown ? g_strdup (_("Clustering enabled"))
                     : g_strdup_printf (_("Clustering enabled on %s"), job_instance_name (job));
      else if (g_error_matches (error, DECK_JOB_ERROR, DECK_JOB_ERROR_NOT_SAVED))
        text = g_strdup (error->message);
      else if (state == DECK_JOB_STATE_FAILED && !shown)
        /* Translators: an instance's name, then why */
        text = g_strdup_printf (_("Clustering was not enabled on %s: %s"),
                                job_instance_name (job), error->message);
      if (text != NULL)
        toast (self, text);
      return;
    }

  if (state == DECK_JOB_STATE_SUCCEEDED)
    {
      toast (self, DECK_IS_CONNECT_JOB (job) ? _("Connected") : _("Disconnected"));
      /* Its outcome shows in the cluster status from now on. */
      deck_context_forget_job (self->context, job);
      if (shown)
        load_status (self);
      return;
    }
  if (state == DECK_JOB_STATE_FAILED && !shown)
    toast (self, error->message);
  /* A failure stays on its row (the job is kept), until another attempt. */
  if (shown && g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "manage") == 0)
    build_manage (self);
}

static void
on_job_state (DeckJob             *job,
              GParamSpec          *pspec,
              DeckReplicationPage *self)
{
  g_autoptr(DeckJob) hold G_GNUC_UNUSED = g_object_ref (job);

  if (DECK_IS_CONNECT_JOB (job) && deck_job_get_state (job) == DECK_JOB_STATE_PREPARED)
    {
      DeckConnectJob *connect = DECK_CONNECT_JOB (job);
      g_autoptr(GError) error = NULL;

      /* Nothing to decide: it goes on, wherever the user is. */
      if (!deck_connect_job_has_missing (connect))
        {
          if (!deck_connect_job_connect (connect, FALSE, &error))
            toast (self, error->message);
          return;
        }
      /* Missing tables are the user's decision, offered on a page that
       * shows one of the two instances (now, or when the user comes back). */
      if (deck_job_involves (job, instance_id (self)) &&
          g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "manage") == 0)
        offer_missing (self, connect);
      return;
    }
  if (!deck_job_is_finished (job))
    return;

  g_signal_handlers_disconnect_by_func (job, on_job_state, self);
  g_ptr_array_remove (self->watched_jobs, job);
  job_finished (self, job);
}

/* Follows @job to its end (once, however often it is found again). */
static void
watch_job (DeckReplicationPage *self,
           DeckJob             *job)
{
  if (g_ptr_array_find (self->watched_jobs, job, NULL) || deck_job_is_finished (job))
    return;
  g_ptr_array_add (self->watched_jobs, g_object_ref (job));
  g_signal_connect_object (job, "notify::state", G_CALLBACK (on_job_state), self, 0);
}

/* Connecting ------------------------------------------------------------------ */

/* Replication never creates a database (Q9): tables one side lacks are
 * offered to be created there first. */
static void
on_missing_response (AdwMessageDialog    *dialog,
                     const char          *response,
                     DeckReplicationPage *self)
{
  g_autoptr(DeckConnectJob) job = g_steal_pointer (&self->offered_job);
  g_autoptr(GError) error = NULL;

  if (job == NULL)
    return;
  if (g_strcmp0 (response, "create") == 0 || g_strcmp0 (response, "connect") == 0)
    {
      if (!deck_connect_job_connect (job, g_strcmp0 (response, "create") == 0, &error))
        toast (self, error->message);
    }
  else
    deck_job_cancel (DECK_JOB (job));
}

static void
offer_missing (DeckReplicationPage *self,
               DeckConnectJob      *job)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GPtrArray *on_peer = deck_connect_job_get_missing_on_peer (job);
  GPtrArray *here = deck_connect_job_get_missing_here (job);
  g_autoptr(GString) body = g_string_new (NULL);
  GtkWidget *dialog;

  if (self->offered_job != NULL)
    return;
  g_set_object (&self->offered_job, job);

  if (on_peer->len > 0)
    {
      g_autofree char *list = deck_schema_diff_describe (on_peer);

      /* Translators: an instance's name, then a list of tables */
      g_string_append_printf (body, _("“%s” lacks %s. "),
                              deck_instance_get_name (deck_job_get_peer (DECK_JOB (job))), list);
    }
  if (here->len > 0)
    {
      g_autofree char *list = deck_schema_diff_describe (here);

      g_string_append_printf (body, _("“%s” lacks %s. "),
                              deck_instance_get_name (deck_job_get_instance (DECK_JOB (job))), list);
    }
  g_string_append (body, _("Replication never creates a database: without them, these tables "
                           "do not replicate. Clusterdeck can create the databases and tables "
                           "(without their records; those come with replication)."));

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Create the Missing Tables?"), body->str);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "connect", _("Connect _Without Them"),
                                    "create", _("C_reate and Connect"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "create",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "create");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_missing_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
connect_clicked (GtkButton *button,
                 RowData   *rd)
{
  DeckReplicationPage *self = rd->page;
  g_autoptr(DeckConnectJob) job = NULL;
  g_autoptr(GError) error = NULL;

  if (rd->peer == NULL)
    return;
  /* The job reads both instances and their tables first (prepare), then
   * connects, or asks about missing tables (on_job_state()). A button's
   * click comes a moment after its activation: the row says which
   * instance it was for, whatever the page shows by then. */
  job = deck_connect_job_new (self->context, rd->instance, rd->peer);
  if (!deck_job_start (DECK_JOB (job), &error))
    {
      row_show_error (rd, error->message);
      return;
    }
  if (deck_job_is_finished (DECK_JOB (job)))
    {
      row_show_error (rd, deck_job_get_error (DECK_JOB (job))->message);
      return;
    }
  watch_job (self, DECK_JOB (job));
  row_busy (rd, TRUE);
}

/* Disconnecting ---------------------------------------------------------------- */

/* What the confirmation needs: the rows may be rebuilt while it is open. */
typedef struct
{
  DeckReplicationPage *page;
  DeckInstance        *instance;
  DeckInstance        *peer;       /* NULL for a node outside the organization */
  char                *node_name;
  char                *url;
} DisconnectRequest;

static void
disconnect_request_free (gpointer  data,
                         GClosure *closure)
{
  DisconnectRequest *request = data;

  g_object_unref (request->page);
  g_object_unref (request->instance);
  g_clear_object (&request->peer);
  g_free (request->node_name);
  g_free (request->url);
  g_free (request);
}

static void
on_disconnect_confirmed (AdwMessageDialog  *dialog,
                         const char        *response,
                         DisconnectRequest *request)
{
  DeckReplicationPage *self = request->page;
  g_autoptr(DeckDisconnectJob) job = NULL;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "disconnect") != 0 || self->context == NULL)
    return;

  job = deck_disconnect_job_new (self->context, request->instance, request->peer,
                                 request->node_name, request->url);
  if (!deck_job_start (DECK_JOB (job), &error))
    {
      toast (self, error->message);
      return;
    }
  watch_job (self, DECK_JOB (job));
  /* The row shows the job (busy, or how it failed). */
  if (self->instance == request->instance &&
      g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "manage") == 0)
    build_manage (self);
}

static void
disconnect_clicked (GtkButton *button,
                    RowData   *rd)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (button));
  DisconnectRequest *request;
  GtkWidget *dialog;

  request = g_new0 (DisconnectRequest, 1);
  request->page = g_object_ref (rd->page);
  request->instance = g_object_ref (rd->instance);
  request->peer = rd->peer != NULL ? g_object_ref (rd->peer) : NULL;
  request->node_name = g_strdup (rd->node_name);
  request->url = g_strdup (rd->url);

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Disconnect?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("Replication between “%s” and “%s” stops. The connection is "
                                    "removed on both instances; no data is deleted."),
                                  deck_instance_get_name (rd->instance), rd->node_name);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "disconnect", _("_Disconnect"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "disconnect",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_disconnect_confirmed), request,
                         disconnect_request_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A row's job: busy while it runs, and a failure on the row it concerns
 * (a connect's on an unconnected row, a disconnect's on a connected one). */
static void
show_row_job (DeckReplicationPage *self,
              RowData             *rd,
              DeckJobKind          fails_here)
{
  DeckJob *job = find_row_job (self, rd->peer, rd->node_name);

  if (job == NULL)
    return;
  if (!deck_job_is_finished (job))
    {
      watch_job (self, job);
      row_busy (rd, TRUE);
      if (DECK_IS_CONNECT_JOB (job) && deck_job_get_state (job) == DECK_JOB_STATE_PREPARED &&
          deck_connect_job_has_missing (DECK_CONNECT_JOB (job)))
        offer_missing (self, DECK_CONNECT_JOB (job));
      return;
    }
  if (deck_job_get_state (job) == DECK_JOB_STATE_FAILED && deck_job_get_kind (job) == fails_here)
    row_show_error (rd, deck_job_get_error (job)->message);
}

static void
configure_clicked (GtkButton *button,
                   RowData   *rd)
{
  g_signal_emit (rd->page, signals[SIGNAL_CONFIGURE_INSTANCE], 0, rd->peer);
}

static void
add_to_organization_clicked (GtkButton *button,
                             RowData   *rd)
{
  g_signal_emit (rd->page, signals[SIGNAL_ADD_INSTANCE], 0, rd->node_name, rd->url);
}

static RowData *
row_data_new (DeckReplicationPage *self,
              GtkWidget           *row,
              DeckInstance        *peer,
              const char          *node_name,
              const char          *url)
{
  RowData *rd = g_new0 (RowData, 1);

  rd->page = self;
  rd->instance = g_object_ref (self->instance);
  rd->row = row;
  rd->peer = peer ? g_object_ref (peer) : NULL;
  rd->node_name = g_strdup (node_name);
  rd->url = g_strdup (url);
  rd->spinner = gtk_spinner_new ();
  gtk_widget_set_visible (rd->spinner, FALSE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), rd->spinner);
  g_object_set_data_full (G_OBJECT (row), "deck-row-data", rd, row_data_free);
  return rd;
}

static GtkWidget *
icon_button (const char *icon,
             const char *accessible)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, accessible);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
  return button;
}

static void
build_manage (DeckReplicationPage *self)
{
  DeckOrganization *org = organization (self);
  HdbEngine own_engine = deck_instance_get_engine (self->instance);
  g_autoptr(GHashTable) connected = g_hash_table_new (NULL, NULL);
  g_autofree char *description = NULL;
  guint n_connected = 0, n_unconnected = 0, n_unregistered = 0;

  clear_manage_rows (self);

  /* Translators: node name, then the engine */
  description = g_strdup_printf (_("This instance is the node “%s” (%s)."),
                                 deck_instance_get_node_name (self->instance)
                                 ? deck_instance_get_node_name (self->instance) : "?",
                                 own_engine == HDB_ENGINE_NATS ? _("NATS clustering")
                                                               : _("native replication"));
  adw_preferences_group_set_description (self->connected_group, description);

  if (self->manage_error != NULL)
    {
      GtkWidget *row = add_row (self, self->connected_group, _("Could not read the cluster status"),
                                self->manage_error);

      gtk_widget_add_css_class (row, "error");
    }

  for (guint i = 0; self->status != NULL && i < self->status->connections->len; i++)
    {
      const HdbConnection *conn = g_ptr_array_index (self->status->connections, i);
      DeckInstance *peer = find_peer_instance (self, conn->name);
      g_autofree char *problem = NULL;
      g_autofree char *state = describe_connection (conn, &problem);
      g_autofree char *accessible = NULL;
      GtkWidget *row, *button;
      RowData *rd;

      /* A record of ourselves, or one without a name, is not a peer. */
      if (conn->name == NULL ||
          g_strcmp0 (conn->name, deck_instance_get_node_name (self->instance)) == 0)
        continue;

      if (peer != NULL)
        {
          g_hash_table_add (connected, peer);
          row = add_row (self, self->connected_group, deck_instance_get_name (peer), state);
          n_connected++;
        }
      else
        {
          g_autofree char *subtitle = g_strdup_printf ("%s · %s", conn->url ? conn->url : conn->name,
                                                       state);

          row = add_row (self, self->unregistered_group, conn->name, subtitle);
          n_unregistered++;
        }

      rd = row_data_new (self, row, peer, conn->name, conn->url);
      if (problem != NULL)
        row_show_error (rd, problem);

      if (peer == NULL)
        {
          GtkWidget *add = deck_mnemonic_button_new (_("Add to _Organization…"));

          gtk_widget_set_valign (add, GTK_ALIGN_CENTER);
          g_signal_connect (add, "clicked", G_CALLBACK (add_to_organization_clicked), rd);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), add);
        }

      accessible = g_strdup_printf (_("Disconnect %s"), peer ? deck_instance_get_name (peer) : conn->name);
      button = icon_button ("list-remove-symbolic", accessible);
      g_signal_connect (button, "clicked", G_CALLBACK (disconnect_clicked), rd);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      rd->button = button;
      show_row_job (self, rd, DECK_JOB_KIND_DISCONNECT);
    }

  if (org != NULL)
    {
      GListModel *instances = deck_organization_get_instances (org);

      for (guint i = 0; i < g_list_model_get_n_items (instances); i++)
        {
          g_autoptr(DeckInstance) other = g_list_model_get_item (instances, i);
          GtkWidget *row, *button;
          RowData *rd;

          if (other == self->instance || g_hash_table_contains (connected, other))
            continue;

          n_unconnected++;
          if (deck_instance_get_status (other) != DECK_INSTANCE_STATUS_REACHABLE)
            {
              row = add_row (self, self->unconnected_group, deck_instance_get_name (other),
                             _("Not reachable now"));
              continue;
            }
          if (deck_instance_get_engine (other) != own_engine ||
              deck_instance_get_restart_pending (other) ||
              deck_instance_get_node_name (other) == NULL)
            {
              row = add_row (self, self->unconnected_group, deck_instance_get_name (other),
                             deck_instance_get_engine (other) == HDB_ENGINE_NONE
                             ? _("Clustering is not enabled on this instance")
                             : _("Uses another replication engine, or has not restarted yet"));
              rd = row_data_new (self, row, other, deck_instance_get_node_name (other), NULL);
              button = deck_mnemonic_button_new (_("_Configure…"));
              gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
              g_signal_connect (button, "clicked", G_CALLBACK (configure_clicked), rd);
              adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
              rd->button = button;
              continue;
            }

          {
            g_autofree char *subtitle = g_strdup_printf (_("Node “%s”"),
                                                         deck_instance_get_node_name (other));
            g_autofree char *accessible = g_strdup_printf (_("Connect %s"),
                                                           deck_instance_get_name (other));

            row = add_row (self, self->unconnected_group, deck_instance_get_name (other), subtitle);
            rd = row_data_new (self, row, other, deck_instance_get_node_name (other), NULL);
            button = icon_button ("list-add-symbolic", accessible);
            g_signal_connect (button, "clicked", G_CALLBACK (connect_clicked), rd);
            adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
            rd->button = button;
            show_row_job (self, rd, DECK_JOB_KIND_CONNECT);
          }
        }
    }

  if (n_connected == 0 && self->manage_error == NULL)
    add_placeholder (self, self->connected_group, _("No connections yet"));
  if (n_unconnected == 0)
    add_placeholder (self, self->unconnected_group, _("Every instance of the organization is connected"));
  if (n_unregistered == 0)
    add_placeholder (self, self->unregistered_group, _("None"));
}

static void
on_status_loaded (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(DeckReplicationPage) self = user_data;
  g_autoptr(GError) error = NULL;
  HdbClusterStatus *status;

  status = hdb_client_cluster_status_finish (HDB_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->loading = FALSE;
  g_clear_pointer (&self->status, hdb_cluster_status_free);
  g_clear_pointer (&self->manage_error, g_free);
  self->status = status;
  if (error != NULL)
    self->manage_error = g_strdup (error->message);
  if (self->instance != NULL)
    build_manage (self);
}

static void
load_status (DeckReplicationPage *self)
{
  HdbClient *client;

  if (self->instance == NULL)
    return;
  client = deck_instance_monitor_get_client (self->monitor, self->instance);
  if (client == NULL)
    return;
  self->loading = TRUE;
  hdb_client_cluster_status_async (client, self->cancellable, on_status_loaded,
                                   g_object_ref (self));
  /* The tables are read when they are looked at. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->manage_stack), "tables") == 0)
    deck_replication_tables_load (self->tables, self->instance);
  else
    self->tables_stale = TRUE;
}

static void
on_manage_page_changed (DeckReplicationPage *self)
{
  if (self->tables_stale &&
      g_strcmp0 (gtk_stack_get_visible_child_name (self->manage_stack), "tables") == 0)
    {
      self->tables_stale = FALSE;
      deck_replication_tables_load (self->tables, self->instance);
    }
}

/* The view ---------------------------------------------------------------- */

static void
update_view (DeckReplicationPage *self)
{
  DeckInstance *instance = self->instance;
  const char *current = gtk_stack_get_visible_child_name (self->stack);
  g_autofree char *description = NULL;
  HdbEngine engine;

  /* An enable job of this instance (started here, before the user looked
   * elsewhere, or anywhere else): running, failed (Back, Keep Waiting), or
   * done but not yet seen by the monitor's check. */
  if (instance != NULL)
    {
      DeckJob *job = deck_context_find_job (self->context, deck_instance_get_id (instance),
                                            DECK_JOB_KIND_ENABLE);

      if (job != NULL && (!deck_job_is_finished (job) || enable_failed (DECK_ENABLE_JOB (job)) ||
                          (deck_job_get_state (job) != DECK_JOB_STATE_CANCELLED &&
                           (deck_instance_get_engine (instance) == HDB_ENGINE_NONE ||
                            deck_instance_get_restart_pending (instance)))))
        {
          watch_job (self, job);
          show_enable_job (self, DECK_ENABLE_JOB (job));
          gtk_stack_set_visible_child_name (self->stack, "progress");
          return;
        }
      /* Its outcome shows on its own now (the management screen). */
      if (job != NULL)
        deck_context_forget_job (self->context, job);
    }
  show_enable_job (self, NULL);

  if (instance == NULL)
    {
      show_status (self, "network-server-symbolic", _("No Instance Selected"), NULL);
      return;
    }

  if (deck_instance_get_version (instance) == NULL)
    {
      show_status (self, "network-offline-symbolic", _("Instance Not Reachable"),
                   _("Replication can be managed once the instance answers. The Overview says "
                     "what went wrong."));
      return;
    }

  if (!deck_instance_get_super_user (instance))
    {
      description = g_strdup_printf (_("You are logged in as “%s”, which is not a super user. "
                                       "Harper lets only super users read and change clustering "
                                       "and replication. Edit the instance to log in as a super "
                                       "user."),
                                     deck_instance_get_login_user (instance)
                                     ? deck_instance_get_login_user (instance)
                                     : deck_instance_get_username (instance));
      show_status (self, "system-lock-screen-symbolic", _("Replication Needs a Super User"),
                   description);
      return;
    }

  engine = deck_instance_get_engine (instance);
  if (engine == HDB_ENGINE_UNKNOWN)
    {
      show_status (self, "dialog-question-symbolic", _("Replication Engine Unknown"),
                   _("The instance’s configuration could not be read."));
      return;
    }

  if (engine == HDB_ENGINE_NONE || deck_instance_get_restart_pending (instance))
    {
      if (g_strcmp0 (current, "enable") != 0)
        fill_enable_form (self);
      gtk_stack_set_visible_child_name (self->stack, "enable");
      return;
    }

  if (g_strcmp0 (current, "manage") != 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "manage");
      build_manage (self);
      load_status (self);
    }
}

static void
on_instance_notify (DeckReplicationPage *self,
                    GParamSpec          *pspec)
{
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "last-checked"))
    return;
  update_view (self);
}

/* Construction ------------------------------------------------------------ */

static GtkWidget *
build_enable_view (DeckReplicationPage *self)
{
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *box, *button;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Enable Clustering"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Clustering is not enabled on this instance yet. Every "
                                           "instance of a cluster needs the same cluster user and "
                                           "password, and a node name of its own."));

  self->engine_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->engine_row), _("Engine"));
  adw_action_row_set_subtitle_lines (self->engine_row, 3);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->engine_row));

  self->cluster_user_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->cluster_user_row), _("Cluster User"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->cluster_user_row));

  self->cluster_password_row = ADW_PASSWORD_ENTRY_ROW (adw_password_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->cluster_password_row),
                                 _("Cluster Password"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->cluster_password_row));

  self->node_name_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->node_name_row), _("Node Name"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->node_name_row));

  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  self->enable_error = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->enable_error, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->enable_error), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->enable_error), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->enable_error));

  button = deck_mnemonic_button_new (_("_Enable Clustering"));
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "pill");
  gtk_widget_add_css_class (button, "suggested-action");
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (enable_clicked), self);
  self->enable_button = GTK_BUTTON (button);
  gtk_box_append (GTK_BOX (box), button);

  group = adw_preferences_group_new ();
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), box);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  g_signal_connect_swapped (self->cluster_user_row, "changed", G_CALLBACK (validate_enable_form), self);
  g_signal_connect_swapped (self->cluster_password_row, "changed", G_CALLBACK (validate_enable_form), self);
  g_signal_connect_swapped (self->node_name_row, "changed", G_CALLBACK (validate_enable_form), self);
  return page;
}

static GtkWidget *
build_progress_view (DeckReplicationPage *self)
{
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 480);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (box, 24);
  gtk_widget_set_margin_bottom (box, 24);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  self->progress_title = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->progress_title), "title-2");
  gtk_label_set_wrap (self->progress_title, TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->progress_title));

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  for (guint i = 0; i < G_N_ELEMENTS (shown_phases); i++)
    {
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *icon = gtk_image_new_from_icon_name ("radio-symbolic");
      GtkWidget *spinner = gtk_spinner_new ();
      GtkWidget *label = gtk_label_new (deck_restart_phase_describe (shown_phases[i]));

      gtk_widget_set_margin_top (row, 12);
      gtk_widget_set_margin_bottom (row, 12);
      gtk_widget_set_margin_start (row, 12);
      gtk_widget_set_margin_end (row, 12);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_box_append (GTK_BOX (row), icon);
      gtk_box_append (GTK_BOX (row), spinner);
      gtk_box_append (GTK_BOX (row), label);
      g_object_set_data (G_OBJECT (row), "icon", icon);
      g_object_set_data (G_OBJECT (row), "spinner", spinner);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
      self->phase_rows[i] = row;
    }
  gtk_box_append (GTK_BOX (box), list);

  self->elapsed_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->elapsed_label), "numeric");
  gtk_widget_add_css_class (GTK_WIDGET (self->elapsed_label), "dim-label");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->elapsed_label));

  self->progress_message = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->progress_message, TRUE);
  gtk_label_set_justify (self->progress_message, GTK_JUSTIFY_CENTER);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->progress_message));

  gtk_widget_set_halign (buttons, GTK_ALIGN_CENTER);
  self->back_button = GTK_BUTTON (deck_mnemonic_button_new (_("_Back")));
  gtk_widget_add_css_class (GTK_WIDGET (self->back_button), "pill");
  g_signal_connect_swapped (self->back_button, "clicked", G_CALLBACK (back_clicked), self);
  gtk_box_append (GTK_BOX (buttons), GTK_WIDGET (self->back_button));
  self->keep_waiting_button = GTK_BUTTON (deck_mnemonic_button_new (_("_Keep Waiting")));
  gtk_widget_add_css_class (GTK_WIDGET (self->keep_waiting_button), "pill");
  gtk_widget_add_css_class (GTK_WIDGET (self->keep_waiting_button), "suggested-action");
  g_signal_connect_swapped (self->keep_waiting_button, "clicked",
                            G_CALLBACK (keep_waiting_clicked), self);
  gtk_box_append (GTK_BOX (buttons), GTK_WIDGET (self->keep_waiting_button));
  gtk_box_append (GTK_BOX (box), buttons);

  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  {
    GtkWidget *scrolled = gtk_scrolled_window_new ();

    gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
    return scrolled;
  }
}

static GtkWidget *
build_manage_view (DeckReplicationPage *self)
{
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *switcher, *box;

  self->connected_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->connected_group, _("Connected Instances"));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), self->connected_group);

  self->unconnected_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->unconnected_group, _("Unconnected Instances"));
  adw_preferences_group_set_description (self->unconnected_group,
                                         _("Instances of this organization without a connection "
                                           "to this one."));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), self->unconnected_group);

  self->unregistered_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->unregistered_group, _("Unregistered Instances"));
  adw_preferences_group_set_description (self->unregistered_group,
                                         _("Nodes this instance is connected to that are not in "
                                           "the organization."));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), self->unregistered_group);

  /* Connections, and the tables they replicate: two pages of one screen. */
  self->manage_stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->manage_stack), TRUE);
  gtk_stack_add_titled (self->manage_stack, page, "connections", _("Connections"));
  self->tables = DECK_REPLICATION_TABLES (deck_replication_tables_new ());
  g_signal_connect_swapped (self->tables, "applied", G_CALLBACK (load_status), self);
  gtk_stack_add_titled (self->manage_stack, GTK_WIDGET (self->tables), "tables",
                        _("Tables"));
  g_signal_connect_swapped (self->manage_stack, "notify::visible-child",
                            G_CALLBACK (on_manage_page_changed), self);

  switcher = gtk_stack_switcher_new ();
  gtk_stack_switcher_set_stack (GTK_STACK_SWITCHER (switcher), self->manage_stack);
  gtk_widget_set_halign (switcher, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (switcher, 6);
  gtk_widget_set_margin_bottom (switcher, 6);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (box), switcher);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->manage_stack));
  return box;
}

static void
deck_replication_page_dispose (GObject *object)
{
  DeckReplicationPage *self = DECK_REPLICATION_PAGE (object);

  /* Only this page's reads stop; the jobs go on in the context. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  show_enable_job (self, NULL);
  g_clear_object (&self->offered_job);
  if (self->watched_jobs != NULL)
    {
      for (guint i = 0; i < self->watched_jobs->len; i++)
        g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->watched_jobs, i),
                                              on_job_state, self);
      g_clear_pointer (&self->watched_jobs, g_ptr_array_unref);
    }
  if (self->instance != NULL)
    g_clear_signal_handler (&self->instance_handler, self->instance);
  g_clear_object (&self->instance);
  self->store = NULL;
  self->credentials = NULL;
  self->monitor = NULL;
  g_clear_object (&self->context);
  g_clear_pointer (&self->status, hdb_cluster_status_free);
  g_clear_pointer (&self->manage_error, g_free);
  g_clear_pointer (&self->manage_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (deck_replication_page_parent_class)->dispose (object);
}

static void
deck_replication_page_class_init (DeckReplicationPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = deck_replication_page_dispose;

  /**
   * DeckReplicationPage::configure-instance:
   * @self: the page
   * @instance: an instance of the organization that is not enabled
   *
   * The user wants to configure clustering on @instance.
   */
  signals[SIGNAL_CONFIGURE_INSTANCE] =
    g_signal_new ("configure-instance", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, DECK_TYPE_INSTANCE);

  /**
   * DeckReplicationPage::add-instance:
   * @self: the page
   * @node_name: an unregistered node's name
   * @url: (nullable): its replication URL
   *
   * The user wants to add an unregistered node to the organization.
   */
  signals[SIGNAL_ADD_INSTANCE] =
    g_signal_new ("add-instance", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
deck_replication_page_init (DeckReplicationPage *self)
{
  self->cancellable = g_cancellable_new ();
  self->manage_rows = g_ptr_array_new ();
  self->watched_jobs = g_ptr_array_new_with_free_func (g_object_unref);

  self->stack = GTK_STACK (gtk_stack_new ());
  self->status_page = ADW_STATUS_PAGE (adw_status_page_new ());
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->status_page), "status");
  gtk_stack_add_named (self->stack, build_enable_view (self), "enable");
  gtk_stack_add_named (self->stack, build_progress_view (self), "progress");
  gtk_stack_add_named (self->stack, build_manage_view (self), "manage");
  adw_bin_set_child (ADW_BIN (self), GTK_WIDGET (self->stack));
  show_status (self, "network-server-symbolic", _("No Instance Selected"), NULL);
}

/**
 * deck_replication_page_set_context:
 * @self: the page
 * @context: the store, the keyring, the instances' clients and live state,
 *   the pending changes the Tables grid stages into, and the jobs
 */
void
deck_replication_page_set_context (DeckReplicationPage *self,
                                   DeckContext         *context)
{
  g_return_if_fail (DECK_IS_REPLICATION_PAGE (self));
  g_return_if_fail (DECK_IS_CONTEXT (context));

  g_set_object (&self->context, context);
  self->store = deck_context_get_store (context);
  self->credentials = deck_context_get_credentials (context);
  self->monitor = deck_context_get_monitor (context);
  deck_replication_tables_set_context (self->tables, context);
}

/**
 * deck_replication_page_get_tables:
 * @self: the page
 *
 * Returns: (transfer none): the Tables part of the management screen
 */
GtkWidget *
deck_replication_page_get_tables (DeckReplicationPage *self)
{
  g_return_val_if_fail (DECK_IS_REPLICATION_PAGE (self), NULL);
  return GTK_WIDGET (self->tables);
}

/**
 * deck_replication_page_show_tables:
 * @self: the page
 * @tables: show the Tables (else the Connections)
 */
void
deck_replication_page_show_tables (DeckReplicationPage *self,
                                   gboolean             tables)
{
  g_return_if_fail (DECK_IS_REPLICATION_PAGE (self));
  gtk_stack_set_visible_child_name (self->manage_stack, tables ? "tables" : "connections");
}

DeckInstance *
deck_replication_page_get_instance (DeckReplicationPage *self)
{
  g_return_val_if_fail (DECK_IS_REPLICATION_PAGE (self), NULL);
  return self->instance;
}

/**
 * deck_replication_page_set_instance:
 * @self: the page
 * @instance: (nullable): the instance to show
 */
void
deck_replication_page_set_instance (DeckReplicationPage *self,
                                    DeckInstance        *instance)
{
  g_return_if_fail (DECK_IS_REPLICATION_PAGE (self));

  if (self->instance == instance)
    return;

  /* The reads of the previous instance are no business of this one's. Its
   * jobs (enable, connect, disconnect) go on: the context keeps them, and
   * the page finds them when the user comes back. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (self->instance != NULL)
    g_clear_signal_handler (&self->instance_handler, self->instance);
  g_set_object (&self->instance, instance);
  g_clear_pointer (&self->status, hdb_cluster_status_free);
  g_clear_pointer (&self->manage_error, g_free);
  if (instance != NULL)
    self->instance_handler = g_signal_connect_swapped (instance, "notify",
                                                       G_CALLBACK (on_instance_notify), self);

  gtk_stack_set_visible_child_name (self->stack, "status");
  update_view (self);
}

/**
 * deck_replication_page_reload:
 * @self: the page
 *
 * Reads the cluster status again.
 */
void
deck_replication_page_reload (DeckReplicationPage *self)
{
  g_return_if_fail (DECK_IS_REPLICATION_PAGE (self));

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "manage") == 0)
    load_status (self);
}

const char *
deck_replication_page_get_view (DeckReplicationPage *self)
{
  g_return_val_if_fail (DECK_IS_REPLICATION_PAGE (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}
