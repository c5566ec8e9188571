/* deck-review-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Review & Apply: the face of a DeckApplyJob. The job reads the state of
 * every instance the changes name and plans them; the dialog shows the plan
 * per instance (the exact operations, secrets masked), and on Apply the job
 * runs it, the dialog showing each operation's result as it comes. The job
 * settles the history and the pending changes: changes that applied leave
 * them, the others stay, with the server's message, and Retry plans them
 * again (a new job). An apply that would overwrite a link changed behind
 * the app's back is refused, and the difference is shown.
 */

#define G_LOG_DOMAIN "deck-review-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-apply-job.h"
#include "hdb-error.h"
#include "deck-review-dialog.h"
#include "deck-ui-util.h"

struct _DeckReviewDialog
{
  AdwWindow            parent_instance;

  DeckContext         *context;
  DeckStore           *store;       /* the context's, borrowed */
  DeckChangeSet       *changes;     /* what this dialog applies (a copy) */
  gboolean             apply_at_once;
  gboolean             retrying;    /* Retry: send once the state is read again */

  DeckApplyJob        *job;         /* the current one: planning, or applying */
  gboolean             sent;        /* the current job was told to apply */
  DeckPlan            *plan;        /* the job's */
  GHashTable          *op_rows;     /* DeckPlanOp → AdwExpanderRow */
  char                *password;    /* typed; kept for Retry */
  const char          *state;

  GtkButton           *cancel_button;
  GtkButton           *apply_button;
  GtkStack            *stack;
  AdwStatusPage       *status_page;
  AdwPreferencesPage  *plan_page;
  GPtrArray           *groups;      /* groups added to plan_page */
  GtkLabel            *summary;
  AdwPreferencesGroup *password_group;
  AdwPasswordEntryRow *password_row;
};

G_DEFINE_FINAL_TYPE (DeckReviewDialog, deck_review_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_APPLIED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void load_plan (DeckReviewDialog *self);

static const char *
instance_name (DeckReviewDialog *self,
               const char       *instance_id)
{
  DeckInstance *instance = deck_store_find_instance_by_id (self->store, instance_id);

  return instance != NULL ? deck_instance_get_name (instance) : instance_id;
}

/* The instance name people know a peer by, or its node name. */
static const char *
peer_name (DeckReviewDialog *self,
           const char       *instance_id,
           const char       *node_name)
{
  DeckInstance *instance = deck_store_find_instance_by_id (self->store, instance_id);
  DeckOrganization *org;
  GListModel *instances;

  if (instance == NULL)
    return node_name;
  org = deck_store_find_organization (self->store, deck_instance_get_organization_id (instance));
  instances = org != NULL ? deck_organization_get_instances (org) : NULL;
  for (guint i = 0; instances != NULL && i < g_list_model_get_n_items (instances); i++)
    {
      g_autoptr(DeckInstance) other = g_list_model_get_item (instances, i);

      if (g_strcmp0 (deck_instance_get_node_name (other), node_name) == 0)
        return deck_instance_get_name (other);
    }
  return node_name;
}

static void
set_state (DeckReviewDialog *self,
           const char       *state)
{
  self->state = state;
}

/* Rows ---------------------------------------------------------------------- */

static void
clear_groups (DeckReviewDialog *self)
{
  for (guint i = 0; i < self->groups->len; i++)
    adw_preferences_page_remove (self->plan_page, g_ptr_array_index (self->groups, i));
  g_ptr_array_set_size (self->groups, 0);
  g_hash_table_remove_all (self->op_rows);
}

static AdwPreferencesGroup *
add_group (DeckReviewDialog *self,
           const char       *title,
           const char       *description)
{
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());

  adw_preferences_group_set_title (group, title);
  if (description != NULL)
    adw_preferences_group_set_description (group, description);
  adw_preferences_page_add (self->plan_page, group);
  g_ptr_array_add (self->groups, group);
  return group;
}

static char *
op_title (DeckPlanOpKind  kind,
          gboolean        repeat,
          gboolean        relink,
          const char     *peer)
{
  switch (kind)
    {
    case DECK_PLAN_OP_REMOVE_NODE:
      if (relink)
        /* Translators: the peer instance; its Harper version does not
         * change a link in place, so the link is removed and added again */
        return g_strdup_printf (_("Remove %s, to make the link anew"), peer);
      /* Translators: the peer instance */
      return g_strdup_printf (_("Remove %s, to leave full replication"), peer);
    case DECK_PLAN_OP_ADD_NODE:
      if (relink)
        /* Translators: the peer instance */
        return g_strdup_printf (_("Add %s again, with the new subscriptions"), peer);
      /* Translators: the peer instance */
      return g_strdup_printf (_("Add %s again, with per-table subscriptions"), peer);
    case DECK_PLAN_OP_UPDATE_NODE:
    default:
      if (repeat)
        /* Translators: the peer instance; the same request, sent twice */
        return g_strdup_printf (_("Update the subscriptions with %s again"), peer);
      /* Translators: the peer instance */
      return g_strdup_printf (_("Update the subscriptions with %s"), peer);
    }
}

/* Shows an operation's state: a spinner while it is sent, then an icon
 * and a word ("Done", "Failed"). A failure's message replaces the
 * request line under the title, where it has the row's width; the request
 * stays in the details. */
static void
set_row_result (GtkWidget  *row,
                const char *icon,
                const char *css,
                const char *text)
{
  GtkWidget *image = g_object_get_data (G_OBJECT (row), "deck-status-icon");
  GtkWidget *label = g_object_get_data (G_OBJECT (row), "deck-status-label");
  GtkWidget *spinner = g_object_get_data (G_OBJECT (row), "deck-status-spinner");
  const char *request = g_object_get_data (G_OBJECT (row), "deck-request-line");
  gboolean failed = g_strcmp0 (css, "error") == 0;

  gtk_widget_set_visible (spinner, icon == NULL && text != NULL);
  gtk_spinner_set_spinning (GTK_SPINNER (spinner), icon == NULL && text != NULL);
  gtk_widget_set_visible (image, icon != NULL);
  if (icon != NULL)
    gtk_image_set_from_icon_name (GTK_IMAGE (image), icon);
  gtk_widget_remove_css_class (image, "success");
  gtk_widget_remove_css_class (image, "error");
  gtk_widget_remove_css_class (label, "error");
  if (css != NULL)
    {
      gtk_widget_add_css_class (image, css);
      if (failed)
        gtk_widget_add_css_class (label, "error");
    }
  gtk_label_set_label (GTK_LABEL (label), failed ? _("Failed") : text != NULL ? text : "");
  gtk_widget_set_visible (label, text != NULL);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), failed ? text : request);
  g_object_set_data_full (G_OBJECT (row), "deck-status-message", g_strdup (text), g_free);
}

static GtkWidget *
add_op_row (DeckReviewDialog    *self,
            AdwPreferencesGroup *group,
            const DeckPlanOp    *op)
{
  g_autofree char *what = op_title (op->kind, op->repeat, op->relink,
                                    peer_name (self, op->instance_id, op->peer));
  /* A unit's rows go to several instances: each says which. */
  /* Translators: an operation's title, then the instance it is sent to */
  g_autofree char *title = op->unit == 0 ? g_strdup (what)
                           : g_strdup_printf (_("%s (on %s)"), what,
                                              instance_name (self, op->instance_id));
  g_autofree char *text = deck_plan_describe_op (self->plan, op);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GString) details = g_string_new (NULL);
  GtkWidget *row = adw_expander_row_new ();
  GtkWidget *box, *spinner, *image, *label, *detail_label;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  /* The first line is the request itself: operation, node, URL. */
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), lines[0]);
  g_object_set_data_full (G_OBJECT (row), "deck-request-line", g_strdup (lines[0]), g_free);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      const char *line = g_strstrip (lines[i]);

      if (*line == '\0')
        continue;
      if (details->len > 0)
        g_string_append_c (details, '\n');
      g_string_append (details, line);
    }

  spinner = gtk_spinner_new ();
  gtk_widget_set_visible (spinner, FALSE);
  image = gtk_image_new ();
  gtk_widget_set_visible (image, FALSE);
  label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (label), 1.0);
  gtk_widget_set_visible (label, FALSE);
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), spinner);
  gtk_box_append (GTK_BOX (box), image);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), box);
  g_object_set_data (G_OBJECT (row), "deck-status-icon", image);
  g_object_set_data (G_OBJECT (row), "deck-status-label", label);
  g_object_set_data (G_OBJECT (row), "deck-status-spinner", spinner);

  detail_label = gtk_label_new (details->str);
  gtk_label_set_xalign (GTK_LABEL (detail_label), 0.0);
  gtk_label_set_wrap (GTK_LABEL (detail_label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (detail_label), TRUE);
  gtk_widget_add_css_class (detail_label, "monospace");
  gtk_widget_set_margin_start (detail_label, 12);
  gtk_widget_set_margin_end (detail_label, 12);
  gtk_widget_set_margin_top (detail_label, 8);
  gtk_widget_set_margin_bottom (detail_label, 8);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), detail_label);

  adw_preferences_group_add (group, row);
  g_hash_table_insert (self->op_rows, (gpointer) op, row);
  return row;
}

/* The reads applying sends besides the operations, counted in the
 * summary's requests like them. */
static void
add_reads (DeckReviewDialog *self,
           GPtrArray        *ids,
           GPtrArray        *units)
{
  AdwPreferencesGroup *group = add_group (self, _("Reads"), NULL);
  g_autoptr(GString) before = g_string_new (NULL);
  GtkWidget *row = adw_action_row_new ();

  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (before, "%s%s", i > 0 ? ", " : "",
                            instance_name (self, g_ptr_array_index (ids, i)));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 _("First, the replication state of each instance"));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), before->str);
  adw_preferences_group_add (group, row);

  for (guint i = 0; i < units->len; i++)
    {
      const DeckPlanUnit *unit = g_ptr_array_index (units, i);
      g_autoptr(GString) after = g_string_new (NULL);

      for (guint j = 0; j < unit->instance_ids->len; j++)
        g_string_append_printf (after, "%s%s", j > 0 ? ", " : "",
                                instance_name (self, g_ptr_array_index (unit->instance_ids, j)));
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     _("Afterwards, every link of the mesh, read back"));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), after->str);
      adw_preferences_group_add (group, row);
    }
}

static void
show_plan (DeckReviewDialog *self,
           GHashTable       *unreadable)
{
  GPtrArray *ids = deck_plan_get_instance_ids (self->plan);
  GPtrArray *units = deck_plan_get_units (self->plan);
  GPtrArray *problems = deck_plan_get_problems (self->plan);
  guint n_requests = deck_plan_get_n_requests (self->plan);
  g_autofree char *summary = NULL;

  clear_groups (self);

  /* A mesh leaving full replication, in the order it is sent across its
   * instances. */
  for (guint i = 0; i < units->len; i++)
    {
      const DeckPlanUnit *unit = g_ptr_array_index (units, i);
      g_autoptr(GString) members = g_string_new (NULL);
      g_autofree char *title = NULL;
      AdwPreferencesGroup *group;

      for (guint j = 0; j < unit->instance_ids->len; j++)
        g_string_append_printf (members, "%s%s", j > 0 ? ", " : "",
                                instance_name (self, g_ptr_array_index (unit->instance_ids, j)));
      /* Translators: instances' names */
      title = g_strdup_printf (_("Full Replication Ends Between %s"), members->str);
      group = add_group (self, title,
                         _("Harper keeps one node table for all of them, so every link between "
                           "them is removed on both sides and added again with per-table "
                           "subscriptions; users and roles no longer replicate. Sent in this "
                           "order; a failure stops the rest. Afterwards every link is read back "
                           "and compared with this plan."));
      for (guint j = 0; j < unit->operations->len; j++)
        add_op_row (self, group, g_ptr_array_index (unit->operations, j));
    }

  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      GPtrArray *ops = deck_plan_get_operations (self->plan, id);
      g_autofree char *title = NULL;
      AdwPreferencesGroup *group = NULL;
      guint n_others = 0;

      for (guint j = 0; j < ops->len; j++)
        n_others += ((DeckPlanOp *) g_ptr_array_index (ops, j))->unit == 0;
      for (guint j = 0; j < ops->len; j++)
        {
          const DeckPlanOp *op = g_ptr_array_index (ops, j);

          if (op->unit != 0)
            continue;
          if (group == NULL)
            {
              /* Translators: an instance's name */
              title = g_strdup_printf (_("On %s"), instance_name (self, id));
              group = add_group (self, title,
                                 n_others > 1 ? _("Sent in this order; a failure stops the rest.")
                                              : NULL);
            }
          add_op_row (self, group, op);
        }
    }

  if (problems->len > 0)
    {
      AdwPreferencesGroup *group = add_group (self, _("Cannot Be Applied"),
                                              _("These changes stay pending; nothing is sent "
                                                "for them."));

      for (guint i = 0; i < problems->len; i++)
        {
          const DeckPlanProblem *problem = g_ptr_array_index (problems, i);
          g_autofree char *title = g_strdup_printf ("%s → %s", instance_name (self, problem->instance_id),
                                                    peer_name (self, problem->instance_id, problem->peer));
          const char *why = unreadable ? g_hash_table_lookup (unreadable, problem->instance_id) : NULL;
          g_autofree char *subtitle = why ? g_strdup_printf ("%s %s", problem->message, why)
                                          : g_strdup (problem->message);
          GtkWidget *row = adw_action_row_new ();
          GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
          gtk_widget_add_css_class (icon, "warning");
          adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
          adw_preferences_group_add (group, row);
        }
    }

  if (n_requests > 0)
    add_reads (self, ids, units);

  summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%u request will be sent. Nothing has been sent yet.",
                                          "%u requests will be sent. Nothing has been sent yet.",
                                          n_requests),
                             n_requests);
  gtk_label_set_label (self->summary, summary);
  gtk_widget_remove_css_class (GTK_WIDGET (self->summary), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->summary), "success");
  gtk_stack_set_visible_child_name (self->stack, "plan");
}

static gboolean
can_apply (DeckReviewDialog *self)
{
  if (self->plan == NULL || deck_plan_get_n_requests (self->plan) == 0)
    return FALSE;
  if (!deck_apply_job_needs_password (self->job))
    return TRUE;
  return gtk_widget_get_visible (GTK_WIDGET (self->password_group)) &&
         *gtk_editable_get_text (GTK_EDITABLE (self->password_row)) != '\0';
}

static void
update_buttons (DeckReviewDialog *self)
{
  gboolean applying = g_strcmp0 (self->state, "applying") == 0;
  gboolean finished = g_strcmp0 (self->state, "done") == 0 ||
                      g_strcmp0 (self->state, "failed") == 0 ||
                      g_strcmp0 (self->state, "refused") == 0;

  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), !applying);
  deck_button_set_mnemonic_label (self->cancel_button, finished ? _("_Close") : _("_Cancel"));

  if (g_strcmp0 (self->state, "failed") == 0)
    {
      deck_button_set_mnemonic_label (self->apply_button, _("_Retry"));
      gtk_widget_set_visible (GTK_WIDGET (self->apply_button), TRUE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->apply_button), TRUE);
      return;
    }
  deck_button_set_mnemonic_label (self->apply_button, _("_Apply"));
  gtk_widget_set_visible (GTK_WIDGET (self->apply_button), !finished);
  gtk_widget_set_sensitive (GTK_WIDGET (self->apply_button),
                            g_strcmp0 (self->state, "review") == 0 && can_apply (self));
}

/* Applying ------------------------------------------------------------------ */

/* Why an operation failed, for people. A node asked to change a link
 * talks to the peer before it answers, so a peer that hangs shows as the
 * instance not answering: say so. */
static char *
failure_text (DeckReviewDialog *self,
              const char       *instance_id,
              const char       *peer,
              const char       *message,
              const GError     *error)
{
  if (message == NULL)
    message = error != NULL ? error->message : _("Failed");
  if (g_error_matches (error, HDB_ERROR, HDB_ERROR_TIMEOUT) && peer != NULL)
    /* Translators: the error, then the peer instance */
    return g_strdup_printf (_("%s It may be waiting for %s, which has to answer too: check "
                              "that it is running, then Retry."),
                            message, peer_name (self, instance_id, peer));
  return g_strdup (message);
}

static void
on_operation_finished (DeckApplyJob     *job,
                       DeckPlanOp       *op,
                       const GError     *error,
                       DeckReviewDialog *self)
{
  GtkWidget *row = g_hash_table_lookup (self->op_rows, op);

  if (row == NULL)
    return;
  if (error == NULL)
    set_row_result (row, "emblem-ok-symbolic", "success", _("Done"));
  else
    {
      g_autofree char *text = failure_text (self, op->instance_id, op->peer, NULL, error);

      set_row_result (row, "dialog-error-symbolic", "error", text);
    }
}

/* The apply ended: what was sent, and what it did. The job has settled the
 * history and the pending changes already. */
static void
applied (DeckReviewDialog *self)
{
  const DeckApplyResult *result = deck_apply_job_get_result (self->job);
  const GError *error = deck_job_get_error (DECK_JOB (self->job));
  DeckChangeSet *done = deck_apply_job_get_applied (self->job);
  g_autofree char *summary = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (result == NULL)
    {
      GHashTableIter iter;
      gpointer row;

      g_hash_table_iter_init (&iter, self->op_rows);
      while (g_hash_table_iter_next (&iter, NULL, &row))
        set_row_result (row, "action-unavailable-symbolic", NULL, _("Not sent"));
      if (g_error_matches (error, DECK_PLAN_ERROR, DECK_PLAN_ERROR_DRIFT))
        summary = g_strdup_printf (_("%s\nThe changes are still pending: discard them, and "
                                     "stage them again on the new state."),
                                   error->message);
      else
        summary = g_strdup_printf (_("Nothing was sent: %s The changes are still pending."),
                                   error != NULL ? error->message : "");
      gtk_label_set_label (self->summary, summary);
      gtk_widget_add_css_class (GTK_WIDGET (self->summary), "error");
      set_state (self, "refused");
      update_buttons (self);
      return;
    }

  /* Rows of operations that never reported (not reached). */
  for (guint i = 0; i < result->results->len; i++)
    {
      const DeckApplyOpResult *op = g_ptr_array_index (result->results, i);
      GPtrArray *ops = deck_plan_get_operations (self->plan, op->instance_id);

      for (guint j = 0; ops != NULL && j < ops->len; j++)
        {
          DeckPlanOp *plan_op = g_ptr_array_index (ops, j);
          GtkWidget *row = g_hash_table_lookup (self->op_rows, plan_op);

          if (row == NULL || plan_op->kind != op->kind || g_strcmp0 (plan_op->peer, op->peer) != 0)
            continue;
          if (op->ok)
            set_row_result (row, "emblem-ok-symbolic", "success", _("Done"));
          else
            {
              g_autofree char *text = failure_text (self, op->instance_id, op->peer,
                                                    op->message, op->error);

              set_row_result (row, "dialog-error-symbolic", "error", text);
            }
        }
    }

  /* What did not apply is what Retry applies. */
  g_clear_object (&self->changes);
  self->changes = deck_change_set_copy (result->remaining);

  if (deck_job_get_state (DECK_JOB (self->job)) == DECK_JOB_STATE_SUCCEEDED)
    {
      summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "The operation succeeded.",
                                              "All %u operations succeeded.",
                                              result->n_ok),
                                 result->n_ok);
      gtk_widget_add_css_class (GTK_WIDGET (self->summary), "success");
      set_state (self, "done");
    }
  else if (result->n_failed == 0 && result->verification_error != NULL)
    {
      summary = g_strdup_printf (_("Every operation was sent, but the check failed. %s\nThe "
                                   "changes of that mesh are still pending."),
                                 result->verification_error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->summary), "error");
      set_state (self, "failed");
    }
  else
    {
      guint n_left = deck_change_set_get_n_changes (result->remaining);
      g_autofree char *left = NULL;

      left = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u change is still pending: see each operation’s "
                                           "message, then Retry.",
                                           "%u changes are still pending: see each operation’s "
                                           "message, then Retry.",
                                           n_left),
                              n_left);
      /* The job's error says how many operations failed. */
      summary = g_strdup_printf ("%s %s", error != NULL ? error->message : "", left);
      gtk_widget_add_css_class (GTK_WIDGET (self->summary), "error");
      set_state (self, "failed");
    }
  gtk_label_set_label (self->summary, summary);
  update_buttons (self);

  if (done != NULL && deck_change_set_get_n_changes (done) > 0)
    g_signal_emit (self, signals[SIGNAL_APPLIED], 0, done);
}

static void
start_apply (DeckReviewDialog *self)
{
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer row;

  if (deck_apply_job_needs_password (self->job))
    {
      deck_credentials_free_secret (self->password);
      self->password = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->password_row)));
      deck_apply_job_set_cluster_password (self->job, self->password);
    }
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_widget_set_visible (GTK_WIDGET (self->password_group), FALSE);

  g_hash_table_iter_init (&iter, self->op_rows);
  while (g_hash_table_iter_next (&iter, NULL, &row))
    set_row_result (row, NULL, NULL, _("Sending…"));

  gtk_label_set_label (self->summary, _("Checking that nothing changed on the servers, then "
                                        "sending…"));
  set_state (self, "applying");
  self->retrying = FALSE;
  update_buttons (self);

  self->sent = TRUE;
  g_signal_connect_object (self->job, "operation-finished", G_CALLBACK (on_operation_finished),
                           self, 0);
  if (!deck_apply_job_apply (self->job, &error))
    {
      GHashTableIter rows;

      self->sent = FALSE;
      g_hash_table_iter_init (&rows, self->op_rows);
      while (g_hash_table_iter_next (&rows, NULL, &row))
        set_row_result (row, "action-unavailable-symbolic", NULL, _("Not sent"));
      gtk_label_set_label (self->summary, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->summary), "error");
      set_state (self, "refused");
      update_buttons (self);
    }
}

/**
 * deck_review_dialog_apply:
 * @self: the dialog
 *
 * Apply (or Retry), as the button does.
 */
void
deck_review_dialog_apply (DeckReviewDialog *self)
{
  g_return_if_fail (DECK_IS_REVIEW_DIALOG (self));

  if (g_strcmp0 (self->state, "failed") == 0)
    {
      /* The state is read again and planned, then sent at once: Retry
       * sends, as its label says. */
      self->retrying = TRUE;
      load_plan (self);
      return;
    }
  if (g_strcmp0 (self->state, "review") != 0 || !can_apply (self))
    return;
  start_apply (self);
}

/* Loading ------------------------------------------------------------------- */

static void
prepared (DeckReviewDialog *self)
{
  GHashTable *unreadable = deck_apply_job_get_unreadable (self->job);

  self->plan = deck_apply_job_get_plan (self->job);
  if (deck_plan_get_n_requests (self->plan) == 0 && deck_plan_get_problems (self->plan)->len == 0)
    {
      adw_status_page_set_icon_name (self->status_page, "emblem-ok-symbolic");
      adw_status_page_set_title (self->status_page, _("Nothing to Apply"));
      adw_status_page_set_description (self->status_page, _("There are no pending changes."));
      gtk_stack_set_visible_child_name (self->stack, "status");
      set_state (self, "empty");
      update_buttons (self);
      deck_job_cancel (DECK_JOB (self->job));
      return;
    }

  show_plan (self, unreadable);
  set_state (self, "review");
  /* Neither in the keyring nor typed before (Retry): asked for here. */
  gtk_widget_set_visible (GTK_WIDGET (self->password_group),
                          deck_apply_job_needs_password (self->job));
  update_buttons (self);
  if ((self->apply_at_once || self->retrying) && can_apply (self))
    start_apply (self);
}

static void
on_job_state (DeckReviewDialog *self)
{
  DeckJobState state = deck_job_get_state (DECK_JOB (self->job));

  if (state == DECK_JOB_STATE_PREPARED)
    prepared (self);
  else if (deck_job_is_finished (DECK_JOB (self->job)) && self->sent)
    applied (self);
  else if (state == DECK_JOB_STATE_FAILED)
    {
      adw_status_page_set_icon_name (self->status_page, "dialog-error-symbolic");
      adw_status_page_set_title (self->status_page, _("Could Not Read the Current State"));
      adw_status_page_set_description (self->status_page,
                                       deck_job_get_error (DECK_JOB (self->job))->message);
      gtk_stack_set_visible_child_name (self->stack, "status");
      set_state (self, "refused");
      update_buttons (self);
    }
}

/* Drops the current job: one that was only planning is cancelled (it would
 * keep the next apply waiting); one that applies goes on to its end. */
static void
drop_job (DeckReviewDialog *self)
{
  if (self->job == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->job, self);
  if (!self->sent)
    deck_job_cancel (DECK_JOB (self->job));
  self->plan = NULL;
  g_clear_object (&self->job);
}

static void
load_plan (DeckReviewDialog *self)
{
  g_autoptr(GError) error = NULL;

  drop_job (self);
  clear_groups (self);
  self->sent = FALSE;
  self->job = deck_apply_job_new (self->context, self->changes);
  if (self->password != NULL)
    deck_apply_job_set_cluster_password (self->job, self->password);
  g_signal_connect_object (self->job, "notify::state", G_CALLBACK (on_job_state), self,
                           G_CONNECT_SWAPPED);

  adw_status_page_set_icon_name (self->status_page, "content-loading-symbolic");
  adw_status_page_set_title (self->status_page, _("Reading the Current State…"));
  adw_status_page_set_description (self->status_page, NULL);
  gtk_stack_set_visible_child_name (self->stack, "status");
  set_state (self, "loading");
  update_buttons (self);
  if (!deck_job_start (DECK_JOB (self->job), &error))
    {
      adw_status_page_set_icon_name (self->status_page, "dialog-error-symbolic");
      adw_status_page_set_title (self->status_page, _("Cannot Apply Now"));
      adw_status_page_set_description (self->status_page, error->message);
      set_state (self, "refused");
      update_buttons (self);
    }
}

/* The window ---------------------------------------------------------------- */

static gboolean
deck_review_dialog_close_request (GtkWindow *window)
{
  DeckReviewDialog *self = DECK_REVIEW_DIALOG (window);

  /* Every request has its own timeout: the apply ends soon, and closing in
   * the middle would hide which operations went through. */
  if (g_strcmp0 (self->state, "applying") == 0)
    return TRUE;
  drop_job (self);
  return GTK_WINDOW_CLASS (deck_review_dialog_parent_class)->close_request (window);
}

static void
deck_review_dialog_dispose (GObject *object)
{
  DeckReviewDialog *self = DECK_REVIEW_DIALOG (object);

  /* A job that applies goes on without the dialog (its context keeps it). */
  drop_job (self);
  g_clear_pointer (&self->password, deck_credentials_free_secret);
  g_clear_object (&self->changes);
  self->store = NULL;
  g_clear_object (&self->context);
  g_clear_pointer (&self->op_rows, g_hash_table_unref);
  g_clear_pointer (&self->groups, g_ptr_array_unref);

  G_OBJECT_CLASS (deck_review_dialog_parent_class)->dispose (object);
}

static void
deck_review_dialog_class_init (DeckReviewDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = deck_review_dialog_dispose;
  window_class->close_request = deck_review_dialog_close_request;

  /**
   * DeckReviewDialog::applied:
   * @self: the dialog
   * @applied: (type DeckChangeSet): the changes that took effect
   *
   * Emitted after an apply in which some changes took effect.
   */
  signals[SIGNAL_APPLIED] =
    g_signal_new ("applied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, DECK_TYPE_CHANGE_SET);
}

static void
apply_clicked (DeckReviewDialog *self)
{
  deck_review_dialog_apply (self);
}

static void
cancel_clicked (DeckReviewDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
deck_review_dialog_init (DeckReviewDialog *self)
{
  GtkWidget *box, *header, *title, *plan_box, *group_box;

  self->op_rows = g_hash_table_new (NULL, NULL);
  self->groups = g_ptr_array_new ();
  self->state = "loading";

  gtk_window_set_title (GTK_WINDOW (self), _("Review Changes"));
  gtk_window_set_default_size (GTK_WINDOW (self), 720, 600);
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  title = adw_window_title_new (_("Review Changes"), NULL);
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), title);
  self->cancel_button = GTK_BUTTON (deck_mnemonic_button_new (_("_Cancel")));
  g_signal_connect_swapped (self->cancel_button, "clicked", G_CALLBACK (cancel_clicked), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), GTK_WIDGET (self->cancel_button));
  self->apply_button = GTK_BUTTON (deck_mnemonic_button_new (_("_Apply")));
  gtk_widget_add_css_class (GTK_WIDGET (self->apply_button), "suggested-action");
  g_signal_connect_swapped (self->apply_button, "clicked", G_CALLBACK (apply_clicked), self);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), GTK_WIDGET (self->apply_button));
  gtk_box_append (GTK_BOX (box), header);

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  self->status_page = ADW_STATUS_PAGE (adw_status_page_new ());
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->status_page), "status");

  plan_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  self->summary = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->summary, TRUE);
  gtk_label_set_xalign (self->summary, 0.0);
  gtk_widget_set_margin_start (GTK_WIDGET (self->summary), 18);
  gtk_widget_set_margin_end (GTK_WIDGET (self->summary), 18);
  gtk_widget_set_margin_top (GTK_WIDGET (self->summary), 12);
  gtk_box_append (GTK_BOX (plan_box), GTK_WIDGET (self->summary));

  self->plan_page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->plan_page), TRUE);
  gtk_box_append (GTK_BOX (plan_box), GTK_WIDGET (self->plan_page));

  /* The cluster password, asked for only when the keyring does not have it. */
  self->password_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->password_group, _("Cluster User"));
  self->password_row = ADW_PASSWORD_ENTRY_ROW (adw_password_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->password_row), _("Cluster Password"));
  g_signal_connect_swapped (self->password_row, "changed", G_CALLBACK (update_buttons), self);
  adw_preferences_group_add (self->password_group, GTK_WIDGET (self->password_row));
  gtk_widget_set_visible (GTK_WIDGET (self->password_group), FALSE);
  group_box = GTK_WIDGET (self->password_group);
  gtk_widget_set_margin_start (group_box, 12);
  gtk_widget_set_margin_end (group_box, 12);
  gtk_widget_set_margin_top (group_box, 12);
  gtk_box_insert_child_after (GTK_BOX (plan_box), group_box, GTK_WIDGET (self->summary));

  gtk_stack_add_named (self->stack, plan_box, "plan");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->stack));
  adw_window_set_content (ADW_WINDOW (self), box);
}

/**
 * deck_review_dialog_new:
 * @parent: (nullable): the window it belongs to
 * @context: the organizations, the keyring, the instances' clients and the
 *   pending changes: what applies leaves them, what does not apply stays
 *   (or is added, when @changes is another set)
 * @changes: what to apply: the pending changes, or an Undo's inverse
 * @apply_at_once: send without waiting for Apply (Undo)
 *
 * Returns: (transfer none): the dialog, shown, reading the state
 */
DeckReviewDialog *
deck_review_dialog_new (GtkWindow     *parent,
                        DeckContext   *context,
                        DeckChangeSet *changes,
                        gboolean       apply_at_once)
{
  DeckReviewDialog *self;

  g_return_val_if_fail (DECK_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (DECK_IS_CHANGE_SET (changes), NULL);

  self = g_object_new (DECK_TYPE_REVIEW_DIALOG, NULL);
  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (self), parent);
  self->context = g_object_ref (context);
  self->store = deck_context_get_store (context);
  self->changes = deck_change_set_copy (changes);
  self->apply_at_once = apply_at_once;
  if (apply_at_once)
    gtk_window_set_title (GTK_WINDOW (self), _("Undo Changes"));

  gtk_window_present (GTK_WINDOW (self));
  load_plan (self);
  return self;
}

/**
 * deck_review_dialog_get_state:
 * @self: the dialog
 *
 * Returns: "loading", "review", "empty", "applying", "done" (all applied),
 *   "failed" (some did not; Retry) or "refused" (nothing sent)
 */
const char *
deck_review_dialog_get_state (DeckReviewDialog *self)
{
  g_return_val_if_fail (DECK_IS_REVIEW_DIALOG (self), NULL);
  return self->state;
}

/**
 * deck_review_dialog_dup_summary:
 * @self: the dialog
 *
 * Returns: (transfer full): the summary line shown above the plan
 */
char *
deck_review_dialog_dup_summary (DeckReviewDialog *self)
{
  g_return_val_if_fail (DECK_IS_REVIEW_DIALOG (self), NULL);
  return g_strdup (gtk_label_get_label (self->summary));
}
