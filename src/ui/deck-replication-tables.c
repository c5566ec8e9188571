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

  GtkStack            *stack;
  AdwStatusPage       *status_page;
  DeckReplicationGrid *grid;
  GtkRevealer         *bar_revealer;
  GtkLabel            *bar_label;
  GtkButton           *review_button;
  GtkButton           *discard_button;
};

G_DEFINE_FINAL_TYPE (DeckReplicationTables, deck_replication_tables, ADW_TYPE_BIN)

enum {
  SIGNAL_APPLIED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
toast (DeckReplicationTables *self,
       AdwToast              *toast)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}

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
  adw_status_page_set_description (self->status_page, description);
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

          toast (self, adw_toast_new (text));
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

  load_schema (self, HDB_CLIENT (source), NULL);
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
  self->n_loading = 1;
  hdb_client_cluster_status_async (client, self->cancellable, on_status, g_object_ref (self));
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
                  GtkWidget             *dialog)
{
  DeckChangeSet *applied = g_object_get_data (G_OBJECT (dialog), "deck-applied");

  if (applied != NULL && deck_change_set_get_n_changes (applied) > 0)
    offer_undo (self, applied);
  deck_replication_tables_load (self, self->instance);
}

static GtkWidget *
open_review (DeckReplicationTables *self,
             DeckChangeSet         *changes,
             gboolean               apply_at_once)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  DeckReviewDialog *dialog;

  dialog = deck_review_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->context,
                                   changes, apply_at_once);
  g_signal_connect_object (dialog, "applied", G_CALLBACK (on_applied), self, 0);
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (on_review_closed), self,
                           G_CONNECT_SWAPPED);
  return GTK_WIDGET (dialog);
}

static void
on_undo_apply (DeckReplicationTables *self,
               AdwToast              *toast)
{
  DeckChangeSet *applied = g_object_get_data (G_OBJECT (toast), "deck-applied");
  g_autoptr(DeckChangeSet) inverse = deck_change_set_inverse (applied);

  open_review (self, inverse, TRUE);
}

static void
on_applied (DeckReviewDialog      *dialog,
            DeckChangeSet         *applied,
            DeckReplicationTables *self)
{
  DeckChangeSet *all = g_object_get_data (G_OBJECT (dialog), "deck-applied");

  /* A Retry adds to what the first Apply did: Undo takes back both. */
  if (all == NULL)
    {
      all = deck_change_set_new ();
      g_object_set_data_full (G_OBJECT (dialog), "deck-applied", all, g_object_unref);
    }
  {
    g_autoptr(GPtrArray) list = deck_change_set_dup_changes (applied);

    for (guint i = 0; i < list->len; i++)
      deck_change_set_add_change (all, g_ptr_array_index (list, i));
  }
  g_signal_emit (self, signals[SIGNAL_APPLIED], 0);

  /* Harper 4.4 can answer cluster_status with the link as it was for a
   * moment after update_node returned: read the tables again a little
   * later too (closing the dialog reads them once more). */
  g_clear_handle_id (&self->reload_id, g_source_remove);
  self->reload_id = g_timeout_add_seconds (1, reload_later, self);
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
  adw_toast_set_timeout (undo, 10);
  g_object_set_data_full (G_OBJECT (undo), "deck-applied", g_object_ref (applied), g_object_unref);
  g_signal_connect_object (undo, "button-clicked", G_CALLBACK (on_undo_apply), self,
                           G_CONNECT_SWAPPED);
  toast (self, undo);
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

static void
on_undo_discard (AdwToast      *toast,
                 DeckChangeSet *discarded)
{
  DeckChangeSet *pending = g_object_get_data (G_OBJECT (toast), "deck-pending");
  g_autoptr(GPtrArray) list = deck_change_set_dup_changes (discarded);

  for (guint i = 0; i < list->len; i++)
    deck_change_set_add_change (pending, g_ptr_array_index (list, i));
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
  g_object_set_data_full (G_OBJECT (undo), "deck-discarded", g_object_ref (discarded),
                          g_object_unref);
  g_object_set_data_full (G_OBJECT (undo), "deck-pending", g_object_ref (self->pending),
                          g_object_unref);
  g_signal_connect (undo, "button-clicked", G_CALLBACK (on_undo_discard), discarded);
  toast (self, undo);
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
}

static void
review_clicked (DeckReplicationTables *self)
{
  deck_replication_tables_review (self);
}

static void
deck_replication_tables_init (DeckReplicationTables *self)
{
  GtkWidget *box, *bar;

  self->cancellable = g_cancellable_new ();
  self->peer_schemas = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) hdb_schema_free);
  self->peer_labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  self->status_page = ADW_STATUS_PAGE (adw_status_page_new ());
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->status_page), "status");
  self->grid = DECK_REPLICATION_GRID (deck_replication_grid_new ());
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->grid), "grid");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->stack));

  bar = gtk_action_bar_new ();
  self->bar_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->bar_label), "heading");
  gtk_action_bar_pack_start (GTK_ACTION_BAR (bar), GTK_WIDGET (self->bar_label));
  self->review_button = GTK_BUTTON (deck_mnemonic_button_new (_("_Review & Apply…")));
  gtk_widget_add_css_class (GTK_WIDGET (self->review_button), "suggested-action");
  g_signal_connect_swapped (self->review_button, "clicked", G_CALLBACK (review_clicked), self);
  gtk_action_bar_pack_end (GTK_ACTION_BAR (bar), GTK_WIDGET (self->review_button));
  self->discard_button = GTK_BUTTON (deck_mnemonic_button_new (_("_Discard")));
  g_signal_connect_swapped (self->discard_button, "clicked",
                            G_CALLBACK (deck_replication_tables_discard), self);
  gtk_action_bar_pack_end (GTK_ACTION_BAR (bar), GTK_WIDGET (self->discard_button));
  self->bar_revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_child (self->bar_revealer, bar);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->bar_revealer));

  adw_bin_set_child (ADW_BIN (self), box);
  show_message (self, "network-server-symbolic", _("No Instance"), NULL);
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
