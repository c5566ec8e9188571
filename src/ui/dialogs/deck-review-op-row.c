/* deck-review-op-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One operation of a plan in Review & Apply (deck-review-dialog.c): its
 * title ("Update the subscriptions with node2"), the request under it
 * (operation, node, URL), and the whole request with its subscriptions
 * when expanded. Once sent, it shows its status: a spinner while it is
 * sent, then an icon and a word ("Done", "Failed", "Not sent"). A
 * failure's message replaces the request line under the title, where it
 * has the row's width; the request stays in the details.
 */

#define G_LOG_DOMAIN "deck-review-op-row"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-review-op-row.h"

struct _DeckReviewOpRow
{
  AdwExpanderRow      parent_instance;

  DeckReviewOpStatus  status;
  char               *request;     /* the first line of the description */
  char               *message;     /* nullable: why it failed */

  /* Template widgets */
  GtkLabel           *status_label;
  GtkSpinner         *spinner;
  GtkImage           *status_icon;
  GtkLabel           *details_label;
};

G_DEFINE_FINAL_TYPE (DeckReviewOpRow, deck_review_op_row, ADW_TYPE_EXPANDER_ROW)

static void
deck_review_op_row_finalize (GObject *object)
{
  DeckReviewOpRow *self = DECK_REVIEW_OP_ROW (object);

  g_free (self->request);
  g_free (self->message);

  G_OBJECT_CLASS (deck_review_op_row_parent_class)->finalize (object);
}

static void
deck_review_op_row_class_init (DeckReviewOpRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = deck_review_op_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/clusterdeck/Clusterdeck/dialogs/deck-review-op-row.ui");
  gtk_widget_class_bind_template_child (widget_class, DeckReviewOpRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, DeckReviewOpRow, spinner);
  gtk_widget_class_bind_template_child (widget_class, DeckReviewOpRow, status_icon);
  gtk_widget_class_bind_template_child (widget_class, DeckReviewOpRow, details_label);
}

static void
deck_review_op_row_init (DeckReviewOpRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * deck_review_op_row_new:
 * @title: what the operation does
 * @description: the operation as deck_plan_describe_op() says it: the
 *   request on its first line, its details on the others
 *
 * Returns: (transfer floating): a new row, planned
 */
GtkWidget *
deck_review_op_row_new (const char *title,
                        const char *description)
{
  DeckReviewOpRow *self = g_object_new (DECK_TYPE_REVIEW_OP_ROW, NULL);
  g_auto(GStrv) lines = g_strsplit (description != NULL ? description : "", "\n", -1);
  g_autoptr(GString) details = g_string_new (NULL);

  /* Not given to g_object_new(): notifications are held back while an
   * object is made and sent newest first, so the expander's header row
   * would get the title before it hears that use-markup is off (the
   * template's), and parse it. */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), title);
  self->request = g_strdup (lines[0] != NULL ? lines[0] : "");
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), self->request);
  for (guint i = 1; lines[0] != NULL && lines[i] != NULL; i++)
    {
      const char *line = g_strstrip (lines[i]);

      if (*line == '\0')
        continue;
      if (details->len > 0)
        g_string_append_c (details, '\n');
      g_string_append (details, line);
    }
  gtk_label_set_label (self->details_label, details->str);
  return GTK_WIDGET (self);
}

DeckReviewOpStatus
deck_review_op_row_get_status (DeckReviewOpRow *self)
{
  g_return_val_if_fail (DECK_IS_REVIEW_OP_ROW (self), DECK_REVIEW_OP_PLANNED);
  return self->status;
}

/**
 * deck_review_op_row_set_status:
 * @self: a row
 * @status: where the operation is
 * @message: (nullable): with %DECK_REVIEW_OP_FAILED, why
 */
void
deck_review_op_row_set_status (DeckReviewOpRow    *self,
                               DeckReviewOpStatus  status,
                               const char         *message)
{
  static const char * const icons[] = {
    [DECK_REVIEW_OP_DONE] = "emblem-ok-symbolic",
    [DECK_REVIEW_OP_FAILED] = "dialog-error-symbolic",
    [DECK_REVIEW_OP_NOT_SENT] = "action-unavailable-symbolic",
  };
  gboolean sending = status == DECK_REVIEW_OP_SENDING;
  gboolean failed = status == DECK_REVIEW_OP_FAILED;
  gboolean shown = status != DECK_REVIEW_OP_PLANNED;

  g_return_if_fail (DECK_IS_REVIEW_OP_ROW (self));
  g_return_if_fail (status <= DECK_REVIEW_OP_NOT_SENT);

  self->status = status;
  g_free (self->message);
  self->message = failed ? g_strdup (message != NULL ? message : _("Failed")) : NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), sending);
  gtk_spinner_set_spinning (self->spinner, sending);
  gtk_widget_set_visible (GTK_WIDGET (self->status_icon), shown && !sending);
  if (icons[status] != NULL)
    gtk_image_set_from_icon_name (self->status_icon, icons[status]);
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_icon), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  if (status == DECK_REVIEW_OP_DONE)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_icon), "success");
  if (failed)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->status_icon), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
    }
  gtk_label_set_label (self->status_label, deck_review_op_row_get_result (self));
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), shown);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), failed ? self->message : self->request);
}

/**
 * deck_review_op_row_get_message:
 * @self: a row
 *
 * Returns: (nullable): why the operation failed
 */
const char *
deck_review_op_row_get_message (DeckReviewOpRow *self)
{
  g_return_val_if_fail (DECK_IS_REVIEW_OP_ROW (self), NULL);
  return self->message;
}

/**
 * deck_review_op_row_get_result:
 * @self: a row
 *
 * Returns: the word next to the title: "Sending…", "Done", "Failed",
 *   "Not sent", or "" before it is sent
 */
const char *
deck_review_op_row_get_result (DeckReviewOpRow *self)
{
  g_return_val_if_fail (DECK_IS_REVIEW_OP_ROW (self), NULL);

  switch (self->status)
    {
    case DECK_REVIEW_OP_SENDING:
      return _("Sending…");
    case DECK_REVIEW_OP_DONE:
      return _("Done");
    case DECK_REVIEW_OP_FAILED:
      return _("Failed");
    case DECK_REVIEW_OP_NOT_SENT:
      return _("Not sent");
    case DECK_REVIEW_OP_PLANNED:
    default:
      return "";
    }
}
