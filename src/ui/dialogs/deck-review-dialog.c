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
#include "deck-check-window.h"
#include "deck-review-dialog.h"
#include "deck-plan-view.h"
#include "deck-ui-util.h"
#include "hdb-error.h"

struct _DeckReviewDialog
{
  AdwWindow            parent_instance;

  DeckContext         *context;
  DeckStore           *store;       /* the context's, borrowed */
  DeckChangeSet       *changes;     /* what this dialog applies (a copy) */
  DeckChangeSet       *applied;     /* what took effect, over every Apply and Retry */
  gboolean             apply_at_once;
  gboolean             retrying;    /* Retry: send once the state is read again */

  DeckApplyJob        *job;         /* the current one: planning, or applying */
  gboolean             sent;        /* the current job was told to apply */
  DeckPlan            *plan;        /* the job's */
  char                *password;    /* typed; kept for Retry */
  const char          *state;


  /* Template widgets */
  AdwWindowTitle      *window_title;
  GtkButton           *cancel_button;
  GtkButton           *apply_button;
  GtkStack            *stack;
  AdwStatusPage       *status_page;
  DeckPlanView        *plan_view;
  GtkLabel            *summary;
  GtkWidget           *reopen_box;
  GtkLabel            *reopen_label;
  GtkWidget           *check_button;
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

static void
set_state (DeckReviewDialog *self,
           const char       *state)
{
  self->state = state;
}

/* A direction switched on from off: Harper does not send what was written
 * while it was off (DESIGN.md §5). Said before applying; the check of the
 * record counts is offered once it is applied. */
static void
show_reopened (DeckReviewDialog *self)
{
  guint n = deck_plan_get_n_reopened (self->plan);

  gtk_widget_set_visible (self->reopen_box, n > 0);
  if (n == 0)
    return;
  gtk_label_set_label (self->reopen_label,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "A direction is switched on that was off. Records written "
                                    "while it was off may never arrive: Harper does not send "
                                    "them. Compare the record counts once it is applied.",
                                    "Directions are switched on that were off. Records written "
                                    "while they were off may never arrive: Harper does not send "
                                    "them. Compare the record counts once they are applied.",
                                    n));
}

static void
show_plan (DeckReviewDialog *self,
           GHashTable       *unreadable)
{
  guint n_requests = deck_plan_get_n_requests (self->plan);
  g_autofree char *summary = NULL;

  deck_plan_view_show (self->plan_view, self->plan, unreadable);
  summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%u request will be sent. Nothing has been sent yet.",
                                          "%u requests will be sent. Nothing has been sent yet.",
                                          n_requests),
                             n_requests);
  gtk_label_set_label (self->summary, summary);
  gtk_widget_remove_css_class (GTK_WIDGET (self->summary), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->summary), "success");
  show_reopened (self);
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

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.close", !applying);
  gtk_widget_set_visible (self->check_button, g_strcmp0 (self->state, "done") == 0 ||
                                              g_strcmp0 (self->state, "failed") == 0);
  deck_button_set_mnemonic_label (self->cancel_button, finished ? _("_Close") : _("_Cancel"));
  /* Apply lost the focus when it went insensitive for the apply; when the
   * apply ends the focus goes to Close, not nowhere (a keyboard user would
   * have to find the dialog's buttons again). */
  if (finished && gtk_window_get_focus (GTK_WINDOW (self)) == NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->cancel_button));

  if (g_strcmp0 (self->state, "failed") == 0)
    {
      deck_button_set_mnemonic_label (self->apply_button, _("_Retry"));
      gtk_widget_set_visible (GTK_WIDGET (self->apply_button), TRUE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.apply", TRUE);
      return;
    }
  deck_button_set_mnemonic_label (self->apply_button, _("_Apply"));
  gtk_widget_set_visible (GTK_WIDGET (self->apply_button), !finished);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.apply",
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
                            message, deck_plan_view_peer_name (self->plan_view, instance_id, peer));
  return g_strdup (message);
}

static void
on_operation_finished (DeckApplyJob     *job,
                       DeckPlanOp       *op,
                       const GError     *error,
                       DeckReviewDialog *self)
{
  DeckReviewOpRow *row = deck_plan_view_get_row (self->plan_view, op);

  if (row == NULL)
    return;
  if (error == NULL)
    deck_review_op_row_set_status (row, DECK_REVIEW_OP_DONE, NULL);
  else
    {
      g_autofree char *text = failure_text (self, op->instance_id, op->peer, NULL, error);

      deck_review_op_row_set_status (row, DECK_REVIEW_OP_FAILED, text);
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
      deck_plan_view_set_status (self->plan_view, DECK_REVIEW_OP_NOT_SENT);
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
          DeckReviewOpRow *row = deck_plan_view_get_row (self->plan_view, plan_op);

          if (row == NULL || plan_op->kind != op->kind || g_strcmp0 (plan_op->peer, op->peer) != 0)
            continue;
          if (op->ok)
            deck_review_op_row_set_status (row, DECK_REVIEW_OP_DONE, NULL);
          else
            {
              g_autofree char *text = failure_text (self, op->instance_id, op->peer,
                                                    op->message, op->error);

              deck_review_op_row_set_status (row, DECK_REVIEW_OP_FAILED, text);
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
    {
      g_autoptr(GPtrArray) list = deck_change_set_dup_changes (done);

      /* A Retry adds to what the first Apply did: Undo takes back both. */
      for (guint i = 0; i < list->len; i++)
        deck_change_set_add_change (self->applied, g_ptr_array_index (list, i));
      g_signal_emit (self, signals[SIGNAL_APPLIED], 0, done);
    }
}

static void
start_apply (DeckReviewDialog *self)
{
  g_autoptr(GError) error = NULL;

  if (deck_apply_job_needs_password (self->job))
    {
      deck_credentials_free_secret (self->password);
      self->password = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->password_row)));
      deck_apply_job_set_cluster_password (self->job, self->password);
    }
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_widget_set_visible (GTK_WIDGET (self->password_group), FALSE);

  deck_plan_view_set_status (self->plan_view, DECK_REVIEW_OP_SENDING);

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
      self->sent = FALSE;
      deck_plan_view_set_status (self->plan_view, DECK_REVIEW_OP_NOT_SENT);
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
      deck_status_page_set_description_text (self->status_page, _("There are no pending changes."));
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
      deck_status_page_set_description_text (self->status_page,
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
  deck_plan_view_clear (self->plan_view);
  self->sent = FALSE;
  self->job = deck_apply_job_new (self->context, self->changes);
  if (self->password != NULL)
    deck_apply_job_set_cluster_password (self->job, self->password);
  g_signal_connect_object (self->job, "notify::state", G_CALLBACK (on_job_state), self,
                           G_CONNECT_SWAPPED);

  adw_status_page_set_icon_name (self->status_page, "content-loading-symbolic");
  adw_status_page_set_title (self->status_page, _("Reading the Current State…"));
  deck_status_page_set_description_text (self->status_page, NULL);
  gtk_stack_set_visible_child_name (self->stack, "status");
  set_state (self, "loading");
  update_buttons (self);
  if (!deck_job_start (DECK_JOB (self->job), &error))
    {
      adw_status_page_set_icon_name (self->status_page, "dialog-error-symbolic");
      adw_status_page_set_title (self->status_page, _("Cannot Apply Now"));
      deck_status_page_set_description_text (self->status_page, error->message);
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

  G_OBJECT_CLASS (deck_review_dialog_parent_class)->dispose (object);
}

static void
deck_review_dialog_finalize (GObject *object)
{
  DeckReviewDialog *self = DECK_REVIEW_DIALOG (object);

  /* Kept until the end: who hears "destroy" (emitted in GtkWidget's
   * dispose, after ours) reads what was applied. */
  g_clear_object (&self->applied);

  G_OBJECT_CLASS (deck_review_dialog_parent_class)->finalize (object);
}

static void
apply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  deck_review_dialog_apply (DECK_REVIEW_DIALOG (widget));
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

/* The organization of the changes reviewed: Record Counts compares its
 * instances. */
static void
check_counts_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  DeckReviewDialog *self = DECK_REVIEW_DIALOG (widget);
  GPtrArray *changes = self->plan != NULL ? deck_plan_get_changes (self->plan) : NULL;
  const DeckChange *first;
  DeckInstance *instance;
  DeckOrganization *organization;

  if (changes == NULL || changes->len == 0)
    return;
  first = g_ptr_array_index (changes, 0);
  instance = deck_store_find_instance_by_id (self->store, first->instance_id);
  organization = deck_context_get_organization (self->context, instance);
  if (organization != NULL)
    deck_check_window_new (GTK_WINDOW (self), self->context,
                           organization);
}

static void
deck_review_dialog_class_init (DeckReviewDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = deck_review_dialog_dispose;
  object_class->finalize = deck_review_dialog_finalize;
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

  /* Escape closes, as in the other dialogs (not while applying: see
   * close_request). */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  g_type_ensure (DECK_TYPE_PLAN_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/clusterdeck/Clusterdeck/dialogs/deck-review-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DeckReviewDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, DeckReviewDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, DeckReviewDialog, apply_button);
  gtk_widget_class_bind_template_child (widget_class, DeckReviewDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, DeckReviewDialog, status_page);
  gtk_widget_class_bind_template_child (widget_class, DeckReviewDialog, plan_view);
  gtk_widget_class_bind_template_child (widget_class, DeckReviewDialog, summary);
  gtk_widget_class_bind_template_child (widget_class, DeckReviewDialog, reopen_box);
  gtk_widget_class_bind_template_child (widget_class, DeckReviewDialog, reopen_label);
  gtk_widget_class_bind_template_child (widget_class, DeckReviewDialog, check_button);
  gtk_widget_class_bind_template_child (widget_class, DeckReviewDialog, password_group);
  gtk_widget_class_bind_template_child (widget_class, DeckReviewDialog, password_row);
  gtk_widget_class_bind_template_callback (widget_class, update_buttons);

  gtk_widget_class_install_action (widget_class, "review.apply", NULL, apply_action);
  gtk_widget_class_install_action (widget_class, "review.close", NULL, close_action);
  gtk_widget_class_install_action (widget_class, "review.check-counts", NULL, check_counts_action);
}

static void
deck_review_dialog_init (DeckReviewDialog *self)
{
  self->applied = deck_change_set_new ();
  self->state = "loading";

  gtk_widget_init_template (GTK_WIDGET (self));
  deck_widget_reset_mnemonic_labels (GTK_WIDGET (self));
  deck_password_entry_name_icons (GTK_WIDGET (self->password_row));
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
  deck_plan_view_set_store (self->plan_view, self->store);
  self->changes = deck_change_set_copy (changes);
  self->apply_at_once = apply_at_once;
  if (apply_at_once)
    {
      /* The header shows the window's title: both say what this is. */
      gtk_window_set_title (GTK_WINDOW (self), _("Undo Changes"));
      adw_window_title_set_title (self->window_title, _("Undo Changes"));
    }

  /* The reads first: the window is made and mapped while they run. */
  load_plan (self);
  gtk_window_present (GTK_WINDOW (self));
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
 * deck_review_dialog_get_applied:
 * @self: the dialog
 *
 * Returns: (transfer none): every change that took effect through the
 *   dialog, over its Apply and every Retry (what an Undo takes back)
 */
DeckChangeSet *
deck_review_dialog_get_applied (DeckReviewDialog *self)
{
  g_return_val_if_fail (DECK_IS_REVIEW_DIALOG (self), NULL);
  return self->applied;
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

/**
 * deck_review_dialog_get_plan:
 * @self: the dialog
 *
 * Returns: (transfer none) (nullable): the plan shown, %NULL while it is
 *   read (deck_plan_describe() gives the lines `clusterdeck-cli plan`
 *   prints for it)
 */
DeckPlan *
deck_review_dialog_get_plan (DeckReviewDialog *self)
{
  g_return_val_if_fail (DECK_IS_REVIEW_DIALOG (self), NULL);
  return self->plan;
}
