/* deck-replication-tables.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The "Tables" part of the management screen: the replication grid of one
 * instance, loaded from its cluster status and both sides' schemas, and
 * the bar of pending changes with Review & Apply and Discard. Toggling only
 * stages; the Review dialog sends. After an apply an Undo toast applies
 * the inverse; after a discard, an Undo toast brings the changes back.
 */

#define G_LOG_DOMAIN "deck-replication-tables"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-replication-model.h"
#include "deck-replication-tables.h"
#include "deck-review-dialog.h"
#include "deck-ui-util.h"

struct _DeckReplicationTables
{
  AdwBin               parent_instance;

  DeckContext         *context;
  DeckStore           *store;          /* the context's, borrowed */
  DeckInstanceMonitor *monitor;        /* the context's, borrowed */
  DeckChangeSet       *pending;        /* the context's pending changes */
  gulong               pending_handler;
  guint                sync_idle;
  guint                reload_id;

  DeckInstance        *instance;
  DeckInstance        *shown;          /* whose tables the grid shows */
  GCancellable        *cancellable;
  guint                n_loading;
  HdbClusterStatus    *status;
  HdbSchema           *own_schema;
  GHashTable          *peer_schemas;   /* node name → HdbSchema */
  GHashTable          *peer_labels;    /* node name → instance name */
  char                *error;

  /* Template widgets */
  GtkStack            *stack;
  AdwStatusPage       *status_page;
  DeckReplicationGrid *grid;
  GtkRevealer         *bar_revealer;
  GtkLabel            *bar_label;
};

G_DEFINE_FINAL_TYPE (DeckReplicationTables, deck_replication_tables, ADW_TYPE_BIN)

enum {
  SIGNAL_APPLIED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The pending bar ------------------------------------------------------------ */

static void
update_bar (DeckReplicationTables *self)
{
  guint n = self->pending ? deck_change_set_get_n_changes (self->pending) : 0;
  g_autofree char *text = NULL;

  /* Translators: staged, not yet applied switches (one per table and peer) */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u pending change",
                                       "%u pending changes", n), n);
  gtk_label_set_label (self->bar_label, text);
  /* The bar goes (an Apply, a Discard) while its Review & Apply has the
   * window's focus, even with Review Changes open over it: the grid's rows,
   * where the changes were made, take the focus first (at the row the
   * user was on). Else GTK 4.8 gives it to the window's first widget and a
   * keyboard user loses their place. */
  if (n == 0 && gtk_revealer_get_reveal_child (self->bar_revealer))
    {
      GtkWindow *window = deck_widget_get_window (GTK_WIDGET (self));
      GtkWidget *focus = window != NULL ? gtk_window_get_focus (window) : NULL;

      if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->bar_revealer)) &&
          !gtk_widget_grab_focus (GTK_WIDGET (deck_replication_grid_get_column_view (self->grid))))
        gtk_widget_child_focus (GTK_WIDGET (self->grid), GTK_DIR_TAB_FORWARD);
    }
  gtk_revealer_set_reveal_child (self->bar_revealer, n > 0);
}

static gboolean
sync_idle (gpointer user_data)
{
  DeckReplicationTables *self = user_data;
  GListModel *model = deck_replication_grid_get_model (self->grid);

  self->sync_idle = 0;
  if (model != NULL)
    deck_replication_model_sync (model, self->pending);
  update_bar (self);
  return G_SOURCE_REMOVE;
}

static void
on_pending_changed (DeckReplicationTables *self)
{
  /* A bulk change emits once per table: show it once. */
  if (self->sync_idle == 0)
    self->sync_idle = g_idle_add (sync_idle, self);
}

/* Loading -------------------------------------------------------------------- */

static void
clear_loaded (DeckReplicationTables *self)
{
  g_clear_pointer (&self->status, hdb_cluster_status_free);
  g_clear_pointer (&self->own_schema, hdb_schema_free);
  g_hash_table_remove_all (self->peer_schemas);
  g_hash_table_remove_all (self->peer_labels);
  g_clear_pointer (&self->error, g_free);
}

static void
show_message (DeckReplicationTables *self,
              const char            *icon,
              const char            *title,
              const char            *description)
{
  adw_status_page_set_icon_name (self->status_page, icon);
  adw_status_page_set_title (self->status_page, title);
  deck_status_page_set_description_text (self->status_page, description);
  gtk_stack_set_visible_child_name (self->stack, "status");
}

static void
build_model (DeckReplicationTables *self)
{
  g_autoptr(GListStore) model = NULL;

  if (self->status == NULL)
    {
      /* A grid already shown stays (and usable): only reading it again
       * failed. */
      if (self->shown == self->instance && self->shown != NULL &&
          g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "grid") == 0)
        {
          g_autofree char *text = g_strdup_printf (_("The tables could not be read again: %s"),
                                                   self->error);

          deck_widget_toast (GTK_WIDGET (self), text);
          return;
        }
      show_message (self, "dialog-error-symbolic", _("Could Not Read the Replication State"),
                    self->error);
      return;
    }
  model = deck_replication_model_build (deck_instance_get_id (self->instance), self->status,
                                        self->own_schema, self->peer_schemas, self->peer_labels,
                                        self->pending);
  deck_replication_grid_set_model (self->grid, G_LIST_MODEL (model));
  g_set_object (&self->shown, self->instance);
  gtk_stack_set_visible_child_name (self->stack, "grid");
}

typedef struct
{
  DeckReplicationTables *self;
  char                  *node_name;   /* NULL for the instance itself */
} SchemaRequest;

static void
loaded_one (DeckReplicationTables *self)
{
  if (--self->n_loading == 0)
    build_model (self);
}

static void
on_schema (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  SchemaRequest *request = user_data;
  g_autoptr(DeckReplicationTables) self = request->self;
  g_autofree char *node_name = request->node_name;
  g_autoptr(GError) error = NULL;
  HdbSchema *schema;

  g_free (request);
  schema = hdb_client_describe_all_finish (HDB_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* A peer that cannot be read shows only this side's tables. */
  if (schema != NULL)
    {
      if (node_name == NULL)
        self->own_schema = schema;
      else
        g_hash_table_insert (self->peer_schemas, g_strdup (node_name), schema);
    }
  loaded_one (self);
}

static void
load_schema (DeckReplicationTables *self,
             HdbClient             *client,
             const char            *node_name)
{
  SchemaRequest *request = g_new0 (SchemaRequest, 1);

  request->self = g_object_ref (self);
  request->node_name = g_strdup (node_name);
  self->n_loading++;
  hdb_client_describe_all_async (client, self->cancellable, on_schema, request);
}

static void
on_status (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(DeckReplicationTables) self = user_data;
  g_autoptr(GError) error = NULL;
  DeckOrganization *org;
  GListModel *instances;

  self->status = hdb_client_cluster_status_finish (HDB_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (self->status == NULL)
    {
      self->error = g_strdup (error->message);
      loaded_one (self);
      return;
    }

  org = deck_store_find_organization (self->store,
                                      deck_instance_get_organization_id (self->instance));
  instances = org != NULL ? deck_organization_get_instances (org) : NULL;
  for (guint i = 0; instances != NULL && i < g_list_model_get_n_items (instances); i++)
    {
      g_autoptr(DeckInstance) other = g_list_model_get_item (instances, i);
      const char *node = deck_instance_get_node_name (other);
      HdbClient *client;

      if (other == self->instance || node == NULL ||
          hdb_cluster_status_find_connection (self->status, node) == NULL)
        continue;
      g_hash_table_insert (self->peer_labels, g_strdup (node),
                           g_strdup (deck_instance_get_name (other)));
      client = deck_instance_monitor_get_client (self->monitor, other);
      if (client != NULL && deck_instance_get_status (other) == DECK_INSTANCE_STATUS_REACHABLE)
        load_schema (self, client, node);
    }
  loaded_one (self);
}

/**
 * deck_replication_tables_load:
 * @self: the tables
 * @instance: (nullable): the instance whose replication is shown
 *
 * Reads the instance's cluster status and the schemas of both sides of
 * each connection, then shows the grid. Staged changes stay staged.
 */
void
deck_replication_tables_load (DeckReplicationTables *self,
                              DeckInstance          *instance)
{
  HdbClient *client;

  g_return_if_fail (DECK_IS_REPLICATION_TABLES (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->n_loading = 0;
  clear_loaded (self);
  g_set_object (&self->instance, instance);

  client = instance != NULL ? deck_instance_monitor_get_client (self->monitor, instance) : NULL;
  if (client == NULL)
    {
      deck_replication_grid_set_model (self->grid, NULL);
      g_clear_object (&self->shown);
      show_message (self, "network-server-symbolic", _("No Instance"), NULL);
      return;
    }

  /* Reading the same instance again keeps its grid on screen meanwhile. */
  if (self->shown != instance || deck_replication_grid_get_model (self->grid) == NULL ||
      g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "grid") != 0)
    show_message (self, "content-loading-symbolic", _("Reading the Tables…"), NULL);
  /* The instance's own schema does not wait for its state; the peers'
   * do, since the state says which peers there are. */
  self->n_loading = 1;
  hdb_client_cluster_status_async (client, self->cancellable, on_status, g_object_ref (self));
  load_schema (self, client, NULL);
}

/**
 * deck_replication_tables_is_loading:
 * @self: the tables
 *
 * Returns: whether the tables are being read, or will be read again in a
 *   moment (after an apply, see on_applied()): what the grid shows may
 *   change when that read answers.
 */
gboolean
deck_replication_tables_is_loading (DeckReplicationTables *self)
{
  g_return_val_if_fail (DECK_IS_REPLICATION_TABLES (self), FALSE);
  return self->n_loading > 0 || self->reload_id != 0;
}

/* Review, apply, undo, discard ---------------------------------------------- */

static void on_applied (DeckReviewDialog *dialog, DeckChangeSet *applied, DeckReplicationTables *self);
static void offer_undo (DeckReplicationTables *self, DeckChangeSet *applied);

static gboolean
reload_later (gpointer user_data)
{
  DeckReplicationTables *self = user_data;

  self->reload_id = 0;
  deck_replication_tables_load (self, self->instance);
  return G_SOURCE_REMOVE;
}

static void
on_review_closed (DeckReplicationTables *self,
                  DeckReviewDialog      *dialog)
{
  DeckChangeSet *applied = deck_review_dialog_get_applied (dialog);

  if (deck_change_set_get_n_changes (applied) > 0)
    offer_undo (self, applied);
  deck_replication_tables_load (self, self->instance);
}

static GtkWidget *
open_review (DeckReplicationTables *self,
             DeckChangeSet         *changes,
             gboolean               apply_at_once)
{
  DeckReviewDialog *dialog;

  dialog = deck_review_dialog_new (deck_widget_get_window (GTK_WIDGET (self)), self->context,
                                   changes, apply_at_once);
  g_signal_connect_object (dialog, "applied", G_CALLBACK (on_applied), self, 0);
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (on_review_closed), self,
                           G_CONNECT_SWAPPED);
  return GTK_WIDGET (dialog);
}

static void
on_applied (DeckReviewDialog      *dialog,
            DeckChangeSet         *applied,
            DeckReplicationTables *self)
{
  g_signal_emit (self, signals[SIGNAL_APPLIED], 0);

  /* Harper 4.4 can answer cluster_status with the link as it was for a
   * moment after update_node returned: read the tables again a little
   * later too (closing the dialog reads them once more). */
  g_clear_handle_id (&self->reload_id, g_source_remove);
  self->reload_id = g_timeout_add_seconds (1, reload_later, self);
}

/* What an Undo toast undoes: the toast may outlive the tables. */
typedef struct
{
  GWeakRef       tables;    /* DeckReplicationTables */
  DeckChangeSet *changes;   /* owned: what was applied, or discarded */
  DeckChangeSet *pending;   /* owned: where discarded changes go back */
} UndoRequest;

static UndoRequest *
undo_request_new (DeckReplicationTables *self,
                  DeckChangeSet         *changes)
{
  UndoRequest *request = g_new0 (UndoRequest, 1);

  g_weak_ref_init (&request->tables, self);
  request->changes = g_object_ref (changes);
  request->pending = g_object_ref (self->pending);
  return request;
}

static void
undo_request_free (gpointer  data,
                   GClosure *closure)
{
  UndoRequest *request = data;

  g_weak_ref_clear (&request->tables);
  g_clear_object (&request->changes);
  g_clear_object (&request->pending);
  g_free (request);
}

/* Undo after an apply: the inverse changes, reviewed and sent at once. */
static void
on_undo_apply (AdwToast    *toast,
               UndoRequest *request)
{
  g_autoptr(DeckReplicationTables) self = g_weak_ref_get (&request->tables);
  g_autoptr(DeckChangeSet) inverse = NULL;

  if (self == NULL)
    return;
  inverse = deck_change_set_inverse (request->changes);
  open_review (self, inverse, TRUE);
}

/* The Undo toast waits for the (modal) dialog to close: until then it
 * could not be reached, and its time would run out unseen. */
static void
offer_undo (DeckReplicationTables *self,
            DeckChangeSet         *applied)
{
  guint n = deck_change_set_get_n_changes (applied);
  g_autofree char *title = NULL;
  AdwToast *undo;

  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u change applied",
                                        "%u changes applied", n), n);
  undo = adw_toast_new (title);
  adw_toast_set_button_label (undo, _("_Undo"));
  /* A test hook (HACKING.md): with CLUSTERDECK_TEST_UNDO_STAYS=1 the toast
   * stays until it is used or dismissed (timeout 0), so that a test on a
   * loaded machine reaches it without racing its 10 s. */
  adw_toast_set_timeout (undo, g_strcmp0 (g_getenv ("CLUSTERDECK_TEST_UNDO_STAYS"), "1") == 0
                               ? 0 : 10);
  g_signal_connect_data (undo, "button-clicked", G_CALLBACK (on_undo_apply),
                         undo_request_new (self, applied), undo_request_free, 0);
  deck_widget_add_toast (GTK_WIDGET (self), undo);
}

/**
 * deck_replication_tables_review:
 * @self: the tables
 *
 * Opens Review & Apply for every pending change.
 *
 * Returns: (transfer none): the dialog
 */
GtkWidget *
deck_replication_tables_review (DeckReplicationTables *self)
{
  g_return_val_if_fail (DECK_IS_REPLICATION_TABLES (self), NULL);

  return open_review (self, self->pending, FALSE);
}

/* Undo after a discard: the changes are staged again. */
static void
on_undo_discard (AdwToast    *toast,
                 UndoRequest *request)
{
  g_autoptr(GPtrArray) list = deck_change_set_dup_changes (request->changes);

  for (guint i = 0; i < list->len; i++)
    deck_change_set_add_change (request->pending, g_ptr_array_index (list, i));
}

/**
 * deck_replication_tables_discard:
 * @self: the tables
 *
 * Unstages every pending change; a toast offers to bring them back.
 */
void
deck_replication_tables_discard (DeckReplicationTables *self)
{
  g_autoptr(DeckChangeSet) discarded = NULL;
  g_autofree char *title = NULL;
  AdwToast *undo;
  guint n;

  g_return_if_fail (DECK_IS_REPLICATION_TABLES (self));

  n = deck_change_set_get_n_changes (self->pending);
  if (n == 0)
    return;
  discarded = deck_change_set_copy (self->pending);
  deck_change_set_clear (self->pending);

  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u pending change discarded",
                                        "%u pending changes discarded", n), n);
  undo = adw_toast_new (title);
  adw_toast_set_button_label (undo, _("_Undo"));
  g_signal_connect_data (undo, "button-clicked", G_CALLBACK (on_undo_discard),
                         undo_request_new (self, discarded), undo_request_free, 0);
  deck_widget_add_toast (GTK_WIDGET (self), undo);
}

static void
review_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  deck_replication_tables_review (DECK_REPLICATION_TABLES (widget));
}

static void
discard_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  deck_replication_tables_discard (DECK_REPLICATION_TABLES (widget));
}

/* Construction -------------------------------------------------------------- */

static void
deck_replication_tables_dispose (GObject *object)
{
  DeckReplicationTables *self = DECK_REPLICATION_TABLES (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->sync_idle, g_source_remove);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  if (self->pending != NULL)
    g_clear_signal_handler (&self->pending_handler, self->pending);
  g_clear_object (&self->pending);
  self->store = NULL;
  self->monitor = NULL;
  g_clear_object (&self->context);
  g_clear_object (&self->instance);
  g_clear_object (&self->shown);
  if (self->peer_schemas != NULL)
    clear_loaded (self);
  g_clear_pointer (&self->peer_schemas, g_hash_table_unref);
  g_clear_pointer (&self->peer_labels, g_hash_table_unref);

  G_OBJECT_CLASS (deck_replication_tables_parent_class)->dispose (object);
}

static void
deck_replication_tables_class_init (DeckReplicationTablesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = deck_replication_tables_dispose;

  /**
   * DeckReplicationTables::applied:
   * @self: the tables
   *
   * Emitted after an apply changed something on the servers.
   */
  signals[SIGNAL_APPLIED] =
    g_signal_new ("applied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (DECK_TYPE_REPLICATION_GRID);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/clusterdeck/Clusterdeck/replication/deck-replication-tables.ui");
  gtk_widget_class_bind_template_child (widget_class, DeckReplicationTables, stack);
  gtk_widget_class_bind_template_child (widget_class, DeckReplicationTables, status_page);
  gtk_widget_class_bind_template_child (widget_class, DeckReplicationTables, grid);
  gtk_widget_class_bind_template_child (widget_class, DeckReplicationTables, bar_revealer);
  gtk_widget_class_bind_template_child (widget_class, DeckReplicationTables, bar_label);

  gtk_widget_class_install_action (widget_class, "tables.review", NULL, review_action);
  gtk_widget_class_install_action (widget_class, "tables.discard", NULL, discard_action);
}

static void
deck_replication_tables_init (DeckReplicationTables *self)
{
  self->cancellable = g_cancellable_new ();
  self->peer_schemas = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) hdb_schema_free);
  self->peer_labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  gtk_widget_init_template (GTK_WIDGET (self));
  deck_widget_reset_mnemonic_labels (GTK_WIDGET (self));
}

GtkWidget *
deck_replication_tables_new (void)
{
  return g_object_new (DECK_TYPE_REPLICATION_TABLES, NULL);
}

/**
 * deck_replication_tables_set_context:
 * @self: the tables
 * @context: the organizations, the instances' clients and the pending
 *   changes the grid stages into
 */
void
deck_replication_tables_set_context (DeckReplicationTables *self,
                                     DeckContext           *context)
{
  DeckChangeSet *pending;

  g_return_if_fail (DECK_IS_REPLICATION_TABLES (self));
  g_return_if_fail (DECK_IS_CONTEXT (context));

  g_set_object (&self->context, context);
  self->store = deck_context_get_store (context);
  self->monitor = deck_context_get_monitor (context);
  pending = deck_pending_get_changes (deck_context_get_pending (context));
  if (self->pending != NULL)
    g_clear_signal_handler (&self->pending_handler, self->pending);
  g_set_object (&self->pending, pending);
  self->pending_handler = g_signal_connect_swapped (pending, "changed",
                                                    G_CALLBACK (on_pending_changed), self);
  deck_replication_grid_set_change_set (self->grid, pending);
  update_bar (self);
}

DeckReplicationGrid *
deck_replication_tables_get_grid (DeckReplicationTables *self)
{
  g_return_val_if_fail (DECK_IS_REPLICATION_TABLES (self), NULL);
  return self->grid;
}
