/* deck-connections-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Connections part of an instance's management screen: the instances
 * of its organization it is connected to, the ones it is not, and the
 * nodes it is connected to that are not in the organization. The view
 * reads the instance's cluster status, has the core classify the peers
 * (DeckPeerList) and binds one list per group to them, a DeckPeerRow each.
 *
 * Connecting and disconnecting are the core's jobs (DeckConnectJob,
 * DeckDisconnectJob): the view starts them from its actions
 * (connections.connect, connections.disconnect, which the rows' buttons
 * reach with the peer's key), follows them to their end and says how they
 * ended. They belong to the context: selecting another instance does not
 * stop them, and a row made later finds the job of its peer again.
 */

#define G_LOG_DOMAIN "deck-connections-view"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-connect-job.h"
#include "deck-connections-view.h"
#include "deck-disconnect-job.h"
#include "deck-peer-row.h"
#include "deck-schema-diff.h"
#include "deck-ui-util.h"

struct _DeckConnectionsView
{
  AdwBin               parent_instance;

  DeckContext         *context;          /* owned */
  DeckInstance        *instance;         /* owned, nullable: whose peers are shown */
  GCancellable        *cancellable;      /* the status read of this instance */
  HdbClusterStatus    *status;           /* owned, nullable: the last one read */
  char                *error;            /* nullable: why it could not be read */
  DeckPeerList        *peers;            /* owned */
  /* The organization's instances whose status the rows show (owned
   * references, each with a handler to this view). */
  GPtrArray           *watched_instances;

  /* Jobs the view follows to their end, to say how they ended (owned
   * references; the context owns the jobs). */
  GPtrArray           *watched_jobs;
  DeckConnectJob      *offered_job;      /* its missing tables are being offered */

  /* Template widgets */
  AdwPreferencesGroup *connected_group;
  GtkListBox          *connected_list;
  GtkListBox          *unconnected_list;
  GtkListBox          *unregistered_list;
};

G_DEFINE_FINAL_TYPE (DeckConnectionsView, deck_connections_view, ADW_TYPE_BIN)

enum {
  SIGNAL_CONFIGURE_INSTANCE,
  SIGNAL_ADD_INSTANCE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void watch_job (DeckConnectionsView *self, DeckJob *job);
static void offer_missing (DeckConnectionsView *self, DeckConnectJob *job);

/* A prepared connect waits for the user when tables are missing on either
 * side, or when it extends trust: the instance will accept the peer's
 * pinned certificate without a certificate authority (verify_tls false),
 * which the user confirms knowing for which URL. */
static gboolean
needs_decision (DeckConnectJob *job)
{
  return deck_connect_job_has_missing (job) || deck_connect_job_get_trust (job) != NULL;
}

static const char *
instance_id (DeckConnectionsView *self)
{
  return self->instance != NULL ? deck_instance_get_id (self->instance) : NULL;
}

/* Rows ------------------------------------------------------------------------ */

/* The newest connect or disconnect job between the shown instance and
 * @peer (an instance of the organization, or a node outside it). */
static DeckJob *
find_peer_job (DeckConnectionsView *self,
               DeckPeerItem            *peer)
{
  g_autoptr(GPtrArray) jobs = NULL;
  DeckInstance *other = deck_peer_item_get_instance (peer);

  if (self->context == NULL || self->instance == NULL)
    return NULL;
  jobs = deck_context_list_jobs (self->context, instance_id (self));
  for (guint i = 0; i < jobs->len; i++)
    {
      DeckJob *job = g_ptr_array_index (jobs, i);
      DeckJobKind kind = deck_job_get_kind (job);

      if (kind != DECK_JOB_KIND_CONNECT && kind != DECK_JOB_KIND_DISCONNECT)
        continue;
      if (other != NULL && deck_job_involves (job, deck_instance_get_id (other)))
        return job;
      if (other == NULL && kind == DECK_JOB_KIND_DISCONNECT && deck_job_get_peer_id (job) == NULL &&
          g_strcmp0 (deck_disconnect_job_get_peer_node_name (DECK_DISCONNECT_JOB (job)),
                     deck_peer_item_get_node_name (peer)) == 0)
        return job;
    }
  return NULL;
}

/* A row shows the job of its peer: busy while it runs, and its failure.
 * A running one is followed, and one waiting for the missing tables'
 * decision asks for it. */
static void
show_row_job (DeckConnectionsView *self,
              DeckPeerRow         *row)
{
  DeckPeerItem *peer = deck_peer_row_get_peer (row);
  DeckPeerState state = deck_peer_item_get_state (peer);
  DeckJob *job;

  if (state != DECK_PEER_STATE_LINKED && state != DECK_PEER_STATE_CONNECTABLE)
    return;
  job = find_peer_job (self, peer);
  /* One that succeeded shows in the cluster status the row comes from. */
  if (job == NULL || deck_job_get_state (job) == DECK_JOB_STATE_SUCCEEDED)
    return;
  deck_peer_row_set_job (row, job);
  if (deck_job_is_finished (job))
    return;
  watch_job (self, job);
  if (DECK_IS_CONNECT_JOB (job) && deck_job_get_state (job) == DECK_JOB_STATE_PREPARED &&
      needs_decision (DECK_CONNECT_JOB (job)))
    offer_missing (self, DECK_CONNECT_JOB (job));
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  DeckConnectionsView *self = user_data;
  GtkWidget *row = deck_peer_row_new (DECK_PEER_ITEM (item));

  show_row_job (self, DECK_PEER_ROW (row));
  return row;
}

/* The row showing @peer (or, when @peer is NULL, the peer named @name), or
 * NULL */
static DeckPeerRow *
find_row (DeckConnectionsView *self,
          DeckPeerItem        *peer,
          const char          *name)
{
  GtkListBox *lists[] = { self->connected_list, self->unconnected_list, self->unregistered_list };

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    for (int j = 0;; j++)
      {
        GtkListBoxRow *row = gtk_list_box_get_row_at_index (lists[i], j);
        DeckPeerItem *shown;

        if (row == NULL)
          break;
        if (!DECK_IS_PEER_ROW (row))
          continue;
        shown = deck_peer_row_get_peer (DECK_PEER_ROW (row));
        if (peer != NULL ? shown == peer : g_strcmp0 (deck_peer_item_get_name (shown), name) == 0)
          return DECK_PEER_ROW (row);
      }
  return NULL;
}

/* The name of the peer whose row (or a button of it) has the window's
 * focus, or NULL */
static char *
focused_peer (DeckConnectionsView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  for (GtkWidget *w = focus; w != NULL && w != GTK_WIDGET (self); w = gtk_widget_get_parent (w))
    if (DECK_IS_PEER_ROW (w))
      return gtk_widget_is_ancestor (w, GTK_WIDGET (self))
             ? g_strdup (deck_peer_item_get_name (deck_peer_row_get_peer (DECK_PEER_ROW (w))))
             : NULL;
  return NULL;
}

/* A connect or disconnect moves its peer's row to another group: the row
 * that had the focus is gone, and GTK 4.8 would leave the window with none
 * (deck_window_keep_focus() would then find the nearest container left).
 * The keyboard user's place is the peer: its new row takes the focus, on
 * the button it offers now (Connect, Disconnect) or the row itself. */
static void
refocus_peer (DeckConnectionsView *self,
              const char          *name)
{
  g_autofree char *still = focused_peer (self);
  DeckPeerRow *row;

  /* The row stayed (only its text changed): nothing to do */
  if (still != NULL || gtk_widget_get_root (GTK_WIDGET (self)) == NULL)
    return;
  row = find_row (self, NULL, name);
  if (row != NULL && !gtk_widget_child_focus (GTK_WIDGET (row), GTK_DIR_TAB_FORWARD))
    gtk_widget_grab_focus (GTK_WIDGET (row));
}

static GtkWidget *
placeholder_new (const char *title,
                 const char *subtitle,
                 const char *css_class)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_add_css_class (row, css_class);
  return row;
}

/* Shows the peers of the shown instance (or none) as the last read of its
 * cluster status found them; while there is no read yet, every other
 * instance shows as unconnected. */
static void
show_peers (DeckConnectionsView *self)
{
  DeckOrganization *org = NULL;
  g_autofree char *description = NULL;
  g_autofree char *focused = NULL;

  if (self->instance == NULL)
    {
      deck_peer_list_clear (self->peers);
      adw_preferences_group_set_description (self->connected_group, NULL);
      return;
    }

  /* Translators: node name, then the engine */
  description = g_strdup_printf (_("This instance is the node “%s” (%s)."),
                                 deck_instance_get_node_name (self->instance)
                                 ? deck_instance_get_node_name (self->instance) : "?",
                                 deck_instance_get_engine (self->instance) == HDB_ENGINE_NATS
                                 ? _("NATS clustering") : _("native replication"));
  deck_preferences_group_set_description_text (self->connected_group, description);

  /* A new row for every failed read: each says what this read found. */
  gtk_list_box_set_placeholder (self->connected_list,
                                self->error != NULL
                                ? placeholder_new (_("Could not read the cluster status"),
                                                   self->error, "error")
                                : placeholder_new (_("No connections yet"), NULL, "dim-label"));

  if (self->context != NULL)
    org = deck_context_get_organization (self->context, self->instance);
  focused = focused_peer (self);
  deck_peer_list_update (self->peers, self->instance,
                         org != NULL ? deck_organization_get_instances (org) : NULL,
                         self->status);
  if (focused != NULL)
    refocus_peer (self, focused);
}

/* A peer's status changed (it stopped answering, or answers again): its row
 * says so at once, from the status already read; nothing is sent. */
static void
on_peer_status (DeckConnectionsView *self)
{
  if (self->instance != NULL)
    show_peers (self);
}

static void
unwatch_instances (DeckConnectionsView *self)
{
  if (self->watched_instances == NULL)
    return;
  for (guint i = 0; i < self->watched_instances->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->watched_instances, i),
                                          on_peer_status, self);
  g_ptr_array_set_size (self->watched_instances, 0);
}

/* Follows the status of the instances of the shown instance's organization. */
static void
watch_instances (DeckConnectionsView *self)
{
  DeckOrganization *org;
  GListModel *instances;

  unwatch_instances (self);
  if (self->instance == NULL || self->context == NULL)
    return;
  org = deck_context_get_organization (self->context, self->instance);
  instances = org != NULL ? deck_organization_get_instances (org) : NULL;
  for (guint i = 0; instances != NULL && i < g_list_model_get_n_items (instances); i++)
    {
      g_autoptr(DeckInstance) other = g_list_model_get_item (instances, i);

      if (other == self->instance)
        continue;
      g_signal_connect_swapped (other, "notify::status", G_CALLBACK (on_peer_status), self);
      g_ptr_array_add (self->watched_instances, g_object_ref (other));
    }
}

/* Reading the cluster status -------------------------------------------------------- */

static void
on_status_loaded (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(DeckConnectionsView) self = user_data;
  g_autoptr(GError) error = NULL;
  HdbClusterStatus *status;

  status = hdb_client_cluster_status_finish (HDB_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_pointer (&self->status, hdb_cluster_status_free);
  g_clear_pointer (&self->error, g_free);
  self->status = status;
  if (error != NULL)
    self->error = g_strdup (error->message);
  show_peers (self);
}

/**
 * deck_connections_view_reload:
 * @self: the view
 *
 * Reads the shown instance's cluster status again, then shows its peers.
 */
void
deck_connections_view_reload (DeckConnectionsView *self)
{
  HdbClient *client;

  g_return_if_fail (DECK_IS_CONNECTIONS_VIEW (self));

  if (self->instance == NULL || self->context == NULL)
    return;
  /* The organization may have gained or lost instances since. */
  watch_instances (self);
  client = deck_context_get_client (self->context, self->instance);
  if (client == NULL)
    return;
  hdb_client_cluster_status_async (client, self->cancellable, on_status_loaded,
                                   g_object_ref (self));
}

/* Jobs ------------------------------------------------------------------------------ */

/* A followed job ended: say how, wherever the user is now. A failure
 * stays on the row of its peer (the context keeps the job until another
 * attempt replaces it). */
static void
job_finished (DeckConnectionsView *self,
              DeckJob             *job)
{
  DeckJobState state = deck_job_get_state (job);
  gboolean shown = self->instance != NULL && deck_job_involves (job, instance_id (self));

  if (state == DECK_JOB_STATE_SUCCEEDED)
    {
      deck_widget_toast (GTK_WIDGET (self), DECK_IS_CONNECT_JOB (job) ? _("Connected")
                                                                     : _("Disconnected"));
      /* Its outcome shows in the cluster status from now on. */
      deck_context_forget_job (self->context, job);
      if (shown)
        deck_connections_view_reload (self);
      return;
    }
  if (state == DECK_JOB_STATE_FAILED && !shown)
    deck_widget_toast (GTK_WIDGET (self), deck_job_get_error (job)->message);
}

static void
on_job_state (DeckJob             *job,
              GParamSpec          *pspec,
              DeckConnectionsView *self)
{
  g_autoptr(DeckJob) hold G_GNUC_UNUSED = g_object_ref (job);

  if (DECK_IS_CONNECT_JOB (job) && deck_job_get_state (job) == DECK_JOB_STATE_PREPARED)
    {
      DeckConnectJob *connect = DECK_CONNECT_JOB (job);
      g_autoptr(GError) error = NULL;

      /* Nothing to decide: it goes on, wherever the user is. */
      if (!needs_decision (connect))
        {
          if (!deck_connect_job_connect (connect, FALSE, &error))
            deck_widget_toast (GTK_WIDGET (self), error->message);
          return;
        }
      /* Missing tables and trust are the user's decision, offered on the
       * screen of one of the two instances (now, or when the user comes
       * back). */
      if (self->instance != NULL && deck_job_involves (job, instance_id (self)))
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
watch_job (DeckConnectionsView *self,
           DeckJob             *job)
{
  if (g_ptr_array_find (self->watched_jobs, job, NULL) || deck_job_is_finished (job))
    return;
  g_ptr_array_add (self->watched_jobs, g_object_ref (job));
  g_signal_connect_object (job, "notify::state", G_CALLBACK (on_job_state), self, 0);
}

/* The rows show the jobs of their peers (a job was started). */
static void
show_jobs (DeckConnectionsView *self)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->peers)); i++)
    {
      g_autoptr(DeckPeerItem) peer = g_list_model_get_item (G_LIST_MODEL (self->peers), i);
      DeckPeerRow *row = find_row (self, peer, NULL);

      if (row != NULL)
        show_row_job (self, row);
    }
}

/* Connecting ------------------------------------------------------------------------ */

/* Replication never creates a database (Q9): tables one side lacks are
 * offered to be created there first. The trust a connect extends to a
 * pinned certificate is said in the same question. */
static void
on_missing_response (AdwMessageDialog    *dialog,
                     const char          *response,
                     DeckConnectionsView *self)
{
  g_autoptr(DeckConnectJob) job = g_steal_pointer (&self->offered_job);
  g_autoptr(GError) error = NULL;

  if (job == NULL)
    return;
  if (g_strcmp0 (response, "create") == 0 || g_strcmp0 (response, "connect") == 0)
    {
      if (!deck_connect_job_connect (job, g_strcmp0 (response, "create") == 0, &error))
        deck_widget_toast (GTK_WIDGET (self), error->message);
    }
  else
    deck_job_cancel (DECK_JOB (job));
}

static void
offer_missing (DeckConnectionsView *self,
               DeckConnectJob      *job)
{
  GPtrArray *on_peer = deck_connect_job_get_missing_on_peer (job);
  GPtrArray *here = deck_connect_job_get_missing_here (job);
  const char *trust = deck_connect_job_get_trust (job);
  g_autoptr(GString) body = g_string_new (NULL);
  GtkWidget *dialog;

  if (self->offered_job != NULL)
    return;
  g_set_object (&self->offered_job, job);

  if (!deck_connect_job_has_missing (job))
    {
      /* Only the trust to confirm (plain text: body-use-markup is off). */
      dialog = adw_message_dialog_new (deck_widget_get_window (GTK_WIDGET (self)),
                                       _("Connect With the Pinned Certificate?"), trust);
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                        "connect", _("C_onnect"), NULL);
      deck_widget_reset_mnemonic_labels (GTK_WIDGET (dialog));
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "connect");
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      g_signal_connect_object (dialog, "response", G_CALLBACK (on_missing_response), self, 0);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

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
  if (trust != NULL)
    g_string_append_printf (body, "\n\n%s", trust);

  /* The body is plain text (AdwMessageDialog's body-use-markup is off). */
  dialog = adw_message_dialog_new (deck_widget_get_window (GTK_WIDGET (self)),
                                   _("Create the Missing Tables?"), body->str);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "connect", _("Connect _Without Them"),
                                    "create", _("C_reate and Connect"), NULL);
  deck_widget_reset_mnemonic_labels (GTK_WIDGET (dialog));
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "create",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "create");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_missing_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
connect_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  DeckConnectionsView *self = DECK_CONNECTIONS_VIEW (widget);
  DeckPeerItem *peer = deck_peer_list_find_instance (self->peers, g_variant_get_string (parameter, NULL));
  g_autoptr(DeckConnectJob) job = NULL;
  g_autoptr(GError) error = NULL;
  DeckPeerRow *row;

  if (peer == NULL || self->instance == NULL ||
      deck_peer_item_get_state (peer) != DECK_PEER_STATE_CONNECTABLE)
    return;
  row = find_row (self, peer, NULL);
  /* The job reads both instances and their tables first (prepare), then
   * connects, or asks about missing tables (on_job_state()). */
  job = deck_connect_job_new (self->context, self->instance, deck_peer_item_get_instance (peer));
  if (!deck_job_start (DECK_JOB (job), &error))
    {
      if (row != NULL)
        deck_peer_row_set_failure (row, error->message);
      return;
    }
  watch_job (self, DECK_JOB (job));
  if (row != NULL)
    deck_peer_row_set_job (row, DECK_JOB (job));
}

/* Disconnecting ------------------------------------------------------------------------ */

/* What the confirmation needs: the rows may be made again while it is open,
 * and the user may look at another instance. */
typedef struct
{
  DeckConnectionsView *view;
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

  g_object_unref (request->view);
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
  DeckConnectionsView *self = request->view;
  g_autoptr(DeckDisconnectJob) job = NULL;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "disconnect") != 0 || self->context == NULL)
    return;

  job = deck_disconnect_job_new (self->context, request->instance, request->peer,
                                 request->node_name, request->url);
  if (!deck_job_start (DECK_JOB (job), &error))
    {
      deck_widget_toast (GTK_WIDGET (self), error->message);
      return;
    }
  watch_job (self, DECK_JOB (job));
  show_jobs (self);
}

static void
disconnect_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DeckConnectionsView *self = DECK_CONNECTIONS_VIEW (widget);
  DeckPeerItem *peer = deck_peer_list_find_node (self->peers, g_variant_get_string (parameter, NULL));
  DisconnectRequest *request;
  GtkWidget *dialog;

  if (peer == NULL || self->instance == NULL || deck_peer_item_get_state (peer) != DECK_PEER_STATE_LINKED)
    return;

  request = g_new0 (DisconnectRequest, 1);
  request->view = g_object_ref (self);
  request->instance = g_object_ref (self->instance);
  request->peer = deck_peer_item_get_instance (peer) != NULL ? g_object_ref (deck_peer_item_get_instance (peer))
                                                        : NULL;
  request->node_name = g_strdup (deck_peer_item_get_node_name (peer));
  request->url = g_strdup (deck_peer_item_get_url (peer));

  dialog = adw_message_dialog_new (deck_widget_get_window (widget), _("Disconnect?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("Replication between “%s” and “%s” stops. The connection is "
                                    "removed on both instances; no data is deleted."),
                                  deck_instance_get_name (self->instance), request->node_name);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "disconnect", _("_Disconnect"), NULL);
  deck_widget_reset_mnemonic_labels (GTK_WIDGET (dialog));
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "disconnect",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_disconnect_confirmed), request,
                         disconnect_request_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Configuring, adding ---------------------------------------------------------------- */

static void
configure_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DeckConnectionsView *self = DECK_CONNECTIONS_VIEW (widget);
  DeckPeerItem *peer = deck_peer_list_find_instance (self->peers, g_variant_get_string (parameter, NULL));

  if (peer != NULL)
    g_signal_emit (self, signals[SIGNAL_CONFIGURE_INSTANCE], 0, deck_peer_item_get_instance (peer));
}

static void
add_to_organization_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  DeckConnectionsView *self = DECK_CONNECTIONS_VIEW (widget);
  DeckPeerItem *peer = deck_peer_list_find_node (self->peers, g_variant_get_string (parameter, NULL));

  if (peer != NULL && deck_peer_item_get_group (peer) == DECK_PEER_GROUP_UNREGISTERED)
    g_signal_emit (self, signals[SIGNAL_ADD_INSTANCE], 0, deck_peer_item_get_node_name (peer),
                   deck_peer_item_get_url (peer));
}

/* Object ------------------------------------------------------------------------------ */

static gboolean
filter_group (gpointer item,
              gpointer user_data)
{
  return deck_peer_item_get_group (DECK_PEER_ITEM (item)) == (DeckPeerGroup) GPOINTER_TO_UINT (user_data);
}

static void
bind_group (DeckConnectionsView *self,
            GtkListBox          *list,
            DeckPeerGroup        group)
{
  GtkCustomFilter *filter = gtk_custom_filter_new (filter_group, GUINT_TO_POINTER (group), NULL);
  g_autoptr(GtkFilterListModel) model =
    gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->peers)), GTK_FILTER (filter));

  gtk_list_box_bind_model (list, G_LIST_MODEL (model), create_row, self, NULL);
}

static void
deck_connections_view_dispose (GObject *object)
{
  DeckConnectionsView *self = DECK_CONNECTIONS_VIEW (object);

  unwatch_instances (self);
  g_clear_pointer (&self->watched_instances, g_ptr_array_unref);
  /* Only this view's reads stop; the jobs go on in the context. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->offered_job);
  if (self->watched_jobs != NULL)
    {
      for (guint i = 0; i < self->watched_jobs->len; i++)
        g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->watched_jobs, i),
                                              on_job_state, self);
      g_clear_pointer (&self->watched_jobs, g_ptr_array_unref);
    }
  /* The lists drop their rows (and the rows their jobs) before the peers go. */
  if (self->connected_list != NULL)
    {
      gtk_list_box_bind_model (self->connected_list, NULL, NULL, NULL, NULL);
      gtk_list_box_bind_model (self->unconnected_list, NULL, NULL, NULL, NULL);
      gtk_list_box_bind_model (self->unregistered_list, NULL, NULL, NULL, NULL);
      self->connected_list = self->unconnected_list = self->unregistered_list = NULL;
    }
  g_clear_object (&self->peers);
  g_clear_object (&self->instance);
  g_clear_object (&self->context);
  g_clear_pointer (&self->status, hdb_cluster_status_free);
  g_clear_pointer (&self->error, g_free);

  G_OBJECT_CLASS (deck_connections_view_parent_class)->dispose (object);
}

static void
deck_connections_view_class_init (DeckConnectionsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = deck_connections_view_dispose;

  /**
   * DeckConnectionsView::configure-instance:
   * @self: the view
   * @instance: an instance of the organization that is not enabled
   *
   * The user wants to configure clustering on @instance.
   */
  signals[SIGNAL_CONFIGURE_INSTANCE] =
    g_signal_new ("configure-instance", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, DECK_TYPE_INSTANCE);

  /**
   * DeckConnectionsView::add-instance:
   * @self: the view
   * @node_name: a node's name
   * @url: (nullable): its replication URL
   *
   * The user wants to add a node outside the organization to it.
   */
  signals[SIGNAL_ADD_INSTANCE] =
    g_signal_new ("add-instance", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/clusterdeck/Clusterdeck/replication/deck-connections-view.ui");
  gtk_widget_class_bind_template_child (widget_class, DeckConnectionsView, connected_group);
  gtk_widget_class_bind_template_child (widget_class, DeckConnectionsView, connected_list);
  gtk_widget_class_bind_template_child (widget_class, DeckConnectionsView, unconnected_list);
  gtk_widget_class_bind_template_child (widget_class, DeckConnectionsView, unregistered_list);

  /* The rows' buttons reach these with their peer's key (deck-peer-row.c):
   * an instance's id, or a node name. */
  gtk_widget_class_install_action (widget_class, "connections.connect", "s", connect_action);
  gtk_widget_class_install_action (widget_class, "connections.disconnect", "s", disconnect_action);
  gtk_widget_class_install_action (widget_class, "connections.configure", "s", configure_action);
  gtk_widget_class_install_action (widget_class, "connections.add-to-organization", "s",
                                   add_to_organization_action);
}

static void
deck_connections_view_init (DeckConnectionsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  deck_widget_reset_mnemonic_labels (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->watched_jobs = g_ptr_array_new_with_free_func (g_object_unref);
  self->watched_instances = g_ptr_array_new_with_free_func (g_object_unref);
  self->peers = deck_peer_list_new ();
  bind_group (self, self->connected_list, DECK_PEER_GROUP_CONNECTED);
  bind_group (self, self->unconnected_list, DECK_PEER_GROUP_UNCONNECTED);
  bind_group (self, self->unregistered_list, DECK_PEER_GROUP_UNREGISTERED);
  gtk_list_box_set_placeholder (self->connected_list,
                                placeholder_new (_("No connections yet"), NULL, "dim-label"));
  gtk_list_box_set_placeholder (self->unconnected_list,
                                placeholder_new (_("Every instance of the organization is connected"),
                                                 NULL, "dim-label"));
  gtk_list_box_set_placeholder (self->unregistered_list, placeholder_new (_("None"), NULL, "dim-label"));
}

/**
 * deck_connections_view_set_context:
 * @self: the view
 * @context: the organizations, the instances' clients and the jobs
 */
void
deck_connections_view_set_context (DeckConnectionsView *self,
                                   DeckContext         *context)
{
  g_return_if_fail (DECK_IS_CONNECTIONS_VIEW (self));
  g_return_if_fail (DECK_IS_CONTEXT (context));

  g_set_object (&self->context, context);
}

/**
 * deck_connections_view_get_instance:
 * @self: the view
 *
 * Returns: (nullable) (transfer none): the instance whose peers are shown
 */
DeckInstance *
deck_connections_view_get_instance (DeckConnectionsView *self)
{
  g_return_val_if_fail (DECK_IS_CONNECTIONS_VIEW (self), NULL);
  return self->instance;
}

/**
 * deck_connections_view_set_instance:
 * @self: the view
 * @instance: (nullable): the instance whose peers to show, %NULL while its
 *   management screen is not shown
 *
 * Shows @instance's peers as far as they are known without its cluster
 * status (every other instance unconnected); deck_connections_view_reload()
 * reads it.
 */
void
deck_connections_view_set_instance (DeckConnectionsView *self,
                                    DeckInstance        *instance)
{
  g_return_if_fail (DECK_IS_CONNECTIONS_VIEW (self));
  g_return_if_fail (instance == NULL || DECK_IS_INSTANCE (instance));

  /* A read of another instance is no business of this one's. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  g_set_object (&self->instance, instance);
  g_clear_pointer (&self->status, hdb_cluster_status_free);
  g_clear_pointer (&self->error, g_free);
  watch_instances (self);
  show_peers (self);
}

/**
 * deck_connections_view_get_peers:
 * @self: the view
 *
 * Returns: (transfer none): the peers the view shows
 */
DeckPeerList *
deck_connections_view_get_peers (DeckConnectionsView *self)
{
  g_return_val_if_fail (DECK_IS_CONNECTIONS_VIEW (self), NULL);
  return self->peers;
}

/**
 * deck_connections_view_get_error:
 * @self: the view
 *
 * Returns: (nullable): why the last read of the cluster status failed
 */
const char *
deck_connections_view_get_error (DeckConnectionsView *self)
{
  g_return_val_if_fail (DECK_IS_CONNECTIONS_VIEW (self), NULL);
  return self->error;
}
