/* deck-replication-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Replication view of an instance (deck-replication-page.ui). It shows
 * one of four screens:
 *  - a status page saying why there is nothing to manage (unreachable, not
 *    a super user);
 *  - the initial configuration (DeckEnablePanel) when the instance is not
 *    enabled;
 *  - the progress of enabling, with the restart's phases and elapsed time
 *    (DeckRestartProgress);
 *  - the management screen, in two pages: Connections (DeckConnectionsView:
 *    connected, unconnected and unregistered instances, with connect and
 *    disconnect) and Tables (DeckReplicationTables: the replication grid
 *    and its pending changes).
 *
 * Enabling, connecting and disconnecting are the core's jobs: the parts
 * start them and show them, but they belong to the context. Selecting
 * another instance does not stop them; when the user comes back, the page
 * finds the instance's enable job (deck_context_find_job()) and shows where
 * it is, or how it ended, and the connections view finds its peers' jobs.
 */

#define G_LOG_DOMAIN "deck-replication-page"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-connections-view.h"
#include "deck-enable-job.h"
#include "deck-enable-panel.h"
#include "deck-replication-page.h"
#include "deck-replication-tables.h"
#include "deck-restart-progress.h"
#include "deck-ui-util.h"

struct _DeckReplicationPage
{
  AdwBin                 parent_instance;

  DeckContext           *context;          /* owned */
  DeckInstance          *instance;         /* owned, nullable */
  gulong                 instance_handler;
  gboolean               tables_stale;     /* read them when they are looked at */

  /* Enable jobs the page follows to their end, to say how they ended
   * (owned references; the context owns the jobs). */
  GPtrArray             *watched_jobs;

  /* Template widgets */
  GtkStack              *stack;
  AdwStatusPage         *status_page;
  DeckEnablePanel       *enable_panel;
  DeckRestartProgress   *progress;
  GtkStack              *manage_stack;
  DeckConnectionsView   *connections;
  DeckReplicationTables *tables;
};

G_DEFINE_FINAL_TYPE (DeckReplicationPage, deck_replication_page, ADW_TYPE_BIN)

enum {
  SIGNAL_CONFIGURE_INSTANCE,
  SIGNAL_ADD_INSTANCE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void update_view (DeckReplicationPage *self);

static const char *
instance_id (DeckReplicationPage *self)
{
  return self->instance != NULL ? deck_instance_get_id (self->instance) : NULL;
}

static void
show_status (DeckReplicationPage *self,
             const char          *icon,
             const char          *title,
             const char          *description)
{
  adw_status_page_set_icon_name (self->status_page, icon);
  adw_status_page_set_title (self->status_page, title);
  deck_status_page_set_description_text (self->status_page, description);
  gtk_stack_set_visible_child_name (self->stack, "status");
}

/* Enable jobs ----------------------------------------------------------------- */

/* A followed enable job ended: say how, where the user is now. The shown
 * job's screen follows it (update_view()). */
static void
enable_finished (DeckReplicationPage *self,
                 DeckEnableJob       *job)
{
  DeckJobState state = deck_job_get_state (DECK_JOB (job));
  const GError *error = deck_job_get_error (DECK_JOB (job));
  gboolean shown = deck_job_involves (DECK_JOB (job), instance_id (self));
  const char *name = deck_instance_get_name (deck_job_get_instance (DECK_JOB (job)));
  g_autofree char *text = NULL;

  if (state == DECK_JOB_STATE_SUCCEEDED)
    /* Translators: %s is an instance's name */
    text = shown ? g_strdup (_("Clustering enabled"))
                 : g_strdup_printf (_("Clustering enabled on %s"), name);
  else if (g_error_matches (error, DECK_JOB_ERROR, DECK_JOB_ERROR_NOT_SAVED))
    text = g_strdup (error->message);
  else if (state == DECK_JOB_STATE_FAILED && !shown)
    /* Translators: an instance's name, then why */
    text = g_strdup_printf (_("Clustering was not enabled on %s: %s"), name, error->message);
  if (text != NULL)
    deck_widget_toast (GTK_WIDGET (self), text);
}

static void
on_enable_job_state (DeckJob             *job,
                     GParamSpec          *pspec,
                     DeckReplicationPage *self)
{
  g_autoptr(DeckJob) hold G_GNUC_UNUSED = g_object_ref (job);

  if (!deck_job_is_finished (job))
    return;

  g_signal_handlers_disconnect_by_func (job, on_enable_job_state, self);
  g_ptr_array_remove (self->watched_jobs, job);
  enable_finished (self, DECK_ENABLE_JOB (job));

  /* Done: the progress stays, every phase done, until the monitor's check
   * shows the instance enabled (update_view()): until then the instance
   * still says "not enabled", and the form would come back for a moment. */
  if (DECK_ENABLE_JOB (job) == deck_restart_progress_get_job (self->progress) &&
      !deck_enable_job_is_failed (DECK_ENABLE_JOB (job)))
    update_view (self);
}

/* Follows @job to its end (once, however often it is found again). */
static void
watch_job (DeckReplicationPage *self,
           DeckEnableJob       *job)
{
  if (g_ptr_array_find (self->watched_jobs, job, NULL) || deck_job_is_finished (DECK_JOB (job)))
    return;
  g_ptr_array_add (self->watched_jobs, g_object_ref (job));
  g_signal_connect_object (job, "notify::state", G_CALLBACK (on_enable_job_state), self, 0);
}

static void
enable_started_cb (DeckReplicationPage *self,
                   DeckEnableJob       *job)
{
  watch_job (self, job);
  deck_restart_progress_set_job (self->progress, job);
  gtk_stack_set_visible_child_name (self->stack, "progress");
}

static void
progress_back_cb (DeckReplicationPage *self)
{
  DeckEnableJob *job = deck_restart_progress_get_job (self->progress);

  /* The failure was seen: the form comes back. */
  if (job != NULL)
    deck_context_forget_job (self->context, DECK_JOB (job));
  deck_restart_progress_set_job (self->progress, NULL);
  if (self->instance != NULL)
    deck_instance_monitor_refresh (deck_context_get_monitor (self->context), self->instance);
  update_view (self);
}

/* The management screen --------------------------------------------------------- */

/* Reads the cluster status again (the connections), and the tables when
 * they are looked at. */
static void
load_status (DeckReplicationPage *self)
{
  if (self->instance == NULL)
    return;
  deck_connections_view_reload (self->connections);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->manage_stack), "tables") == 0)
    deck_replication_tables_load (self->tables, self->instance);
  else
    self->tables_stale = TRUE;
}

static void
manage_page_changed_cb (DeckReplicationPage *self)
{
  if (self->tables_stale &&
      g_strcmp0 (gtk_stack_get_visible_child_name (self->manage_stack), "tables") == 0)
    {
      self->tables_stale = FALSE;
      deck_replication_tables_load (self->tables, self->instance);
    }
}

static void
tables_applied_cb (DeckReplicationPage *self)
{
  load_status (self);
}

static void
configure_instance_cb (DeckReplicationPage *self,
                       DeckInstance        *instance)
{
  g_signal_emit (self, signals[SIGNAL_CONFIGURE_INSTANCE], 0, instance);
}

static void
add_instance_cb (DeckReplicationPage *self,
                 const char          *node_name,
                 const char          *url)
{
  g_signal_emit (self, signals[SIGNAL_ADD_INSTANCE], 0, node_name, url);
}

/* The view ------------------------------------------------------------------------ */

static void
show_view (DeckReplicationPage *self,
           const char          *name)
{
  /* The connections are shown only with the management screen. */
  if (g_strcmp0 (name, "manage") != 0 &&
      deck_connections_view_get_instance (self->connections) != NULL)
    deck_connections_view_set_instance (self->connections, NULL);
  gtk_stack_set_visible_child_name (self->stack, name);
}

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
  if (instance != NULL && self->context != NULL)
    {
      DeckJob *job = deck_context_find_job (self->context, deck_instance_get_id (instance),
                                            DECK_JOB_KIND_ENABLE);

      if (job != NULL &&
          (!deck_job_is_finished (job) || deck_enable_job_is_failed (DECK_ENABLE_JOB (job)) ||
           (deck_job_get_state (job) != DECK_JOB_STATE_CANCELLED &&
            (deck_instance_get_engine (instance) == HDB_ENGINE_NONE ||
             deck_instance_get_restart_pending (instance)))))
        {
          watch_job (self, DECK_ENABLE_JOB (job));
          deck_restart_progress_set_job (self->progress, DECK_ENABLE_JOB (job));
          show_view (self, "progress");
          return;
        }
      /* Its outcome shows on its own now (the management screen). */
      if (job != NULL)
        deck_context_forget_job (self->context, job);
    }
  deck_restart_progress_set_job (self->progress, NULL);

  if (instance == NULL)
    {
      show_status (self, "network-server-symbolic", _("No Instance Selected"), NULL);
      show_view (self, "status");
      return;
    }

  if (deck_instance_get_version (instance) == NULL)
    {
      show_status (self, "network-offline-symbolic", _("Instance Not Reachable"),
                   _("Replication can be managed once the instance answers. The Overview says "
                     "what went wrong."));
      show_view (self, "status");
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
      show_view (self, "status");
      return;
    }

  engine = deck_instance_get_engine (instance);
  if (engine == HDB_ENGINE_UNKNOWN)
    {
      show_status (self, "dialog-question-symbolic", _("Replication Engine Unknown"),
                   _("The instance’s configuration could not be read."));
      show_view (self, "status");
      return;
    }

  if (engine == HDB_ENGINE_NONE || deck_instance_get_restart_pending (instance))
    {
      if (g_strcmp0 (current, "enable") != 0)
        deck_enable_panel_set_instance (self->enable_panel, instance);
      show_view (self, "enable");
      return;
    }

  if (g_strcmp0 (current, "manage") != 0)
    {
      deck_connections_view_set_instance (self->connections, instance);
      show_view (self, "manage");
      load_status (self);
    }
}

static void
on_instance_notify (DeckReplicationPage *self,
                    GParamSpec          *pspec)
{
  if (g_str_equal (g_param_spec_get_name (pspec), "last-checked"))
    return;
  update_view (self);
}

/* Object ------------------------------------------------------------------------- */

static void
deck_replication_page_dispose (GObject *object)
{
  DeckReplicationPage *self = DECK_REPLICATION_PAGE (object);

  /* Only this page's reads stop; the jobs go on in the context. */
  if (self->watched_jobs != NULL)
    {
      for (guint i = 0; i < self->watched_jobs->len; i++)
        g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->watched_jobs, i),
                                              on_enable_job_state, self);
      g_clear_pointer (&self->watched_jobs, g_ptr_array_unref);
    }
  if (self->instance != NULL)
    g_clear_signal_handler (&self->instance_handler, self->instance);
  g_clear_object (&self->instance);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (deck_replication_page_parent_class)->dispose (object);
}

static void
deck_replication_page_class_init (DeckReplicationPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

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

  g_type_ensure (DECK_TYPE_CONNECTIONS_VIEW);
  g_type_ensure (DECK_TYPE_ENABLE_PANEL);
  g_type_ensure (DECK_TYPE_REPLICATION_TABLES);
  g_type_ensure (DECK_TYPE_RESTART_PROGRESS);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/clusterdeck/Clusterdeck/replication/deck-replication-page.ui");
  gtk_widget_class_bind_template_child (widget_class, DeckReplicationPage, stack);
  gtk_widget_class_bind_template_child (widget_class, DeckReplicationPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, DeckReplicationPage, enable_panel);
  gtk_widget_class_bind_template_child (widget_class, DeckReplicationPage, progress);
  gtk_widget_class_bind_template_child (widget_class, DeckReplicationPage, manage_stack);
  gtk_widget_class_bind_template_child (widget_class, DeckReplicationPage, connections);
  gtk_widget_class_bind_template_child (widget_class, DeckReplicationPage, tables);
  gtk_widget_class_bind_template_callback (widget_class, enable_started_cb);
  gtk_widget_class_bind_template_callback (widget_class, progress_back_cb);
  gtk_widget_class_bind_template_callback (widget_class, manage_page_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, tables_applied_cb);
  gtk_widget_class_bind_template_callback (widget_class, configure_instance_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_instance_cb);
}

static void
deck_replication_page_init (DeckReplicationPage *self)
{
  self->watched_jobs = g_ptr_array_new_with_free_func (g_object_unref);
  gtk_widget_init_template (GTK_WIDGET (self));
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
  deck_enable_panel_set_context (self->enable_panel, context);
  deck_connections_view_set_context (self->connections, context);
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
 * deck_replication_page_get_connections:
 * @self: the page
 *
 * Returns: (transfer none): the Connections part of the management screen
 */
GtkWidget *
deck_replication_page_get_connections (DeckReplicationPage *self)
{
  g_return_val_if_fail (DECK_IS_REPLICATION_PAGE (self), NULL);
  return GTK_WIDGET (self->connections);
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

  /* The jobs of the previous instance (enable, connect, disconnect) go on:
   * the context keeps them, and the page finds them when the user comes
   * back. */
  if (self->instance != NULL)
    g_clear_signal_handler (&self->instance_handler, self->instance);
  g_set_object (&self->instance, instance);
  if (instance != NULL)
    self->instance_handler = g_signal_connect_swapped (instance, "notify",
                                                       G_CALLBACK (on_instance_notify), self);

  show_view (self, "status");
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

/**
 * deck_replication_page_get_view:
 * @self: the page
 *
 * Returns: "enable", "progress", "manage" or "status": what the page shows
 */
const char *
deck_replication_page_get_view (DeckReplicationPage *self)
{
  g_return_val_if_fail (DECK_IS_REPLICATION_PAGE (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}
