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
  GtkListBoxRow      *details_row;
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
  gtk_widget_class_bind_template_child (widget_class, DeckReviewOpRow, details_row);
  gtk_widget_class_bind_template_child (widget_class, DeckReviewOpRow, details_label);
}

/* The header row AdwExpanderRow 1.2 makes inside itself, which the user
 * activates: the first list box row below @widget. */
static GtkWidget *
find_header_row (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = GTK_IS_LIST_BOX_ROW (child) ? child : find_header_row (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* GTK 4.8 names neither the row nor the expander's header row after the
 * labels they show, and the status icon says the result by its colour and
 * shape only: all three get a name in words. */
static void
deck_review_op_row_update_accessible (DeckReviewOpRow *self)
{
  const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self));
  const char *subtitle = adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (self));
  const char *result = deck_review_op_row_get_result (self);
  g_autoptr(GString) name = g_string_new (title != NULL ? title : "");
  GtkWidget *header = find_header_row (GTK_WIDGET (self));

  if (subtitle != NULL && *subtitle != '\0')
    g_string_append_printf (name, ", %s", subtitle);
  if (*result != '\0')
    g_string_append_printf (name, ", %s", result);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  name->str, -1);
  if (header != NULL)
    {
      /* AdwActionRow is labelled by its title label, and GTK 4.8 reads
       * the label property and then the labels: the title twice. */
      gtk_accessible_reset_relation (GTK_ACCESSIBLE (header), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
      gtk_accessible_update_property (GTK_ACCESSIBLE (header), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      name->str, -1);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->status_icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, result, -1);
}

/* The arrow AdwExpanderRow 1.2 shows in its header row: the image with
 * the style class "expander-row-arrow". */
static GtkWidget *
find_arrow (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = GTK_IS_IMAGE (child) && gtk_widget_has_css_class (child, "expander-row-arrow")
                         ? child : find_arrow (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* GTK 4.8 names the arrow "GtkImage": it says in words what its
 * direction shows. */
static void
deck_review_op_row_update_arrow (DeckReviewOpRow *self)
{
  GtkWidget *arrow = find_arrow (GTK_WIDGET (self));

  if (arrow != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (arrow), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    adw_expander_row_get_expanded (ADW_EXPANDER_ROW (self))
                                    ? _("Details shown") : _("Details hidden"),
                                    -1);
}

static void
deck_review_op_row_init (DeckReviewOpRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  deck_review_op_row_update_arrow (self);
  g_signal_connect (self, "notify::expanded", G_CALLBACK (deck_review_op_row_update_arrow), NULL);
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
  /* GTK 4.8 does not name a row after the label it holds. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->details_row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  details->len > 0 ? details->str : self->request, -1);
  deck_review_op_row_update_accessible (self);
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
  deck_review_op_row_update_accessible (self);
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
