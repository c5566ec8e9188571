/* deck-plan-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A plan as Review & Apply shows it (deck-review-dialog.c): a group per
 * mesh leaving full replication and per instance, each with its operations
 * in the order they are sent (a DeckReviewOpRow each), the changes that
 * cannot be applied and why, and the reads that come with applying. Names
 * are the instances' names where the store knows them; they and the
 * servers' messages are plain text.
 */

#define G_LOG_DOMAIN "deck-plan-view"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-plan-view.h"
#include "deck-ui-util.h"

struct _DeckPlanView
{
  AdwPreferencesPage  parent_instance;

  DeckStore          *store;     /* owned: the names of instances */
  DeckPlan           *plan;      /* borrowed: the one shown, or NULL */
  GPtrArray          *groups;    /* the groups added, borrowed */
  GHashTable         *op_rows;   /* DeckPlanOp → DeckReviewOpRow, borrowed */
};

G_DEFINE_FINAL_TYPE (DeckPlanView, deck_plan_view, ADW_TYPE_PREFERENCES_PAGE)

static const char *
instance_name (DeckPlanView     *self,
               const char       *instance_id)
{
  DeckInstance *instance = deck_store_find_instance_by_id (self->store, instance_id);

  return instance != NULL ? deck_instance_get_name (instance) : instance_id;
}

/**
 * deck_plan_view_peer_name:
 * @self: the view
 * @instance_id: an instance's id
 * @node_name: the node name of a peer of it
 *
 * Returns: the instance name people know the peer by, or its node name
 */
const char *
deck_plan_view_peer_name (DeckPlanView *self,
                          const char   *instance_id,
                          const char   *node_name)
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

/**
 * deck_plan_view_clear:
 * @self: the view
 *
 * Shows nothing.
 */
void
deck_plan_view_clear (DeckPlanView *self)
{
  g_return_if_fail (DECK_IS_PLAN_VIEW (self));

  for (guint i = 0; i < self->groups->len; i++)
    adw_preferences_page_remove (ADW_PREFERENCES_PAGE (self), g_ptr_array_index (self->groups, i));
  g_ptr_array_set_size (self->groups, 0);
  g_hash_table_remove_all (self->op_rows);
  self->plan = NULL;
}

static AdwPreferencesGroup *
add_group (DeckPlanView     *self,
           const char       *title,
           const char       *description)
{
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());

  /* Titles name instances: plain text. */
  deck_preferences_group_set_title_text (group, title);
  deck_preferences_group_set_description_text (group, description);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self), group);
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

static void
add_op_row (DeckPlanView        *self,
            AdwPreferencesGroup *group,
            const DeckPlanOp    *op)
{
  g_autofree char *what = op_title (op->kind, op->repeat, op->relink,
                                    deck_plan_view_peer_name (self, op->instance_id, op->peer));
  /* A unit's rows go to several instances: each says which. */
  /* Translators: an operation's title, then the instance it is sent to */
  g_autofree char *title = op->unit == 0 ? g_strdup (what)
                           : g_strdup_printf (_("%s (on %s)"), what,
                                              instance_name (self, op->instance_id));
  g_autofree char *text = deck_plan_describe_op (self->plan, op);
  GtkWidget *row = deck_review_op_row_new (title, text);

  adw_preferences_group_add (group, row);
  g_hash_table_insert (self->op_rows, (gpointer) op, row);
}

/**
 * deck_plan_view_set_status:
 * @self: the view
 * @status: what every operation row shows
 */
void
deck_plan_view_set_status (DeckPlanView       *self,
                           DeckReviewOpStatus  status)
{
  GHashTableIter iter;
  gpointer row;

  g_return_if_fail (DECK_IS_PLAN_VIEW (self));

  g_hash_table_iter_init (&iter, self->op_rows);
  while (g_hash_table_iter_next (&iter, NULL, &row))
    deck_review_op_row_set_status (row, status, NULL);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_utf8_collate (*(const char *const *) a, *(const char *const *) b);
}

/* The reads applying sends besides the operations, counted in the
 * summary's requests like them. */
static void
add_reads (DeckPlanView     *self,
           GPtrArray        *ids,
           GPtrArray        *units)
{
  AdwPreferencesGroup *group = add_group (self, _("Reads"), NULL);
  g_autoptr(GString) before = g_string_new (NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GtkWidget *row = adw_action_row_new ();

  /* By name: @ids come in the order the instances were read, which
   * differs from one review to the next. */
  for (guint i = 0; i < ids->len; i++)
    g_ptr_array_add (names, (gpointer) instance_name (self, g_ptr_array_index (ids, i)));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (before, "%s%s", i > 0 ? ", " : "", (const char *) g_ptr_array_index (names, i));
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

/**
 * deck_plan_view_show:
 * @self: the view
 * @plan: the plan to show
 * @unreadable: (nullable) (element-type utf8 utf8): why instances could not
 *   be read (instance id → message), said with their problems
 *
 * Shows @plan, every operation planned.
 */
void
deck_plan_view_show (DeckPlanView *self,
                     DeckPlan     *plan,
                     GHashTable   *unreadable)
{
  GPtrArray *ids;
  GPtrArray *units;
  GPtrArray *problems;

  g_return_if_fail (DECK_IS_PLAN_VIEW (self));
  g_return_if_fail (plan != NULL);

  deck_plan_view_clear (self);
  self->plan = plan;
  ids = deck_plan_get_instance_ids (plan);
  units = deck_plan_get_units (plan);
  problems = deck_plan_get_problems (plan);

  /* A mesh leaving full replication, or a link made anew, in the order it
   * is sent across its instances. */
  for (guint i = 0; i < units->len; i++)
    {
      const DeckPlanUnit *unit = g_ptr_array_index (units, i);
      g_autoptr(GString) members = g_string_new (NULL);
      g_autofree char *title = NULL;
      AdwPreferencesGroup *group;

      for (guint j = 0; j < unit->instance_ids->len; j++)
        g_string_append_printf (members, "%s%s", j > 0 ? ", " : "",
                                instance_name (self, g_ptr_array_index (unit->instance_ids, j)));
      /* A unit is either a mesh leaving full replication or, where Harper
       * does not change a link in place, one per-table link made anew: the
       * heading says which, as deck_plan_describe() does. */
      if (unit->relink)
        {
          /* Translators: instances' names */
          title = g_strdup_printf (_("The Link Between %s Is Made Anew"), members->str);
          group = add_group (self, title,
                             _("This Harper version does not change a link in place, so it is "
                               "removed on both sides and added again with the new "
                               "subscriptions. Sent in this order; a failure stops the rest. "
                               "Afterwards the link is read back and compared with this plan."));
        }
      else
        {
          /* Translators: instances' names */
          title = g_strdup_printf (_("Full Replication Ends Between %s"), members->str);
          group = add_group (self, title,
                             _("Harper keeps one node table for all of them, so every link "
                               "between them is removed on both sides and added again with "
                               "per-table subscriptions; users and roles no longer replicate. "
                               "Sent in this order; a failure stops the rest. Afterwards every "
                               "link is read back and compared with this plan."));
        }
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
                                                    deck_plan_view_peer_name (self, problem->instance_id, problem->peer));
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

  if (deck_plan_get_n_requests (plan) > 0)
    add_reads (self, ids, units);
}

static void
deck_plan_view_dispose (GObject *object)
{
  DeckPlanView *self = DECK_PLAN_VIEW (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->op_rows, g_hash_table_unref);
  g_clear_pointer (&self->groups, g_ptr_array_unref);
  self->plan = NULL;

  G_OBJECT_CLASS (deck_plan_view_parent_class)->dispose (object);
}

static void
deck_plan_view_class_init (DeckPlanViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = deck_plan_view_dispose;
}

static void
deck_plan_view_init (DeckPlanView *self)
{
  self->groups = g_ptr_array_new ();
  self->op_rows = g_hash_table_new (NULL, NULL);
}

/**
 * deck_plan_view_set_store:
 * @self: the view
 * @store: where the names of instances come from
 */
void
deck_plan_view_set_store (DeckPlanView *self,
                          DeckStore    *store)
{
  g_return_if_fail (DECK_IS_PLAN_VIEW (self));
  g_return_if_fail (DECK_IS_STORE (store));

  g_set_object (&self->store, store);
}

/**
 * deck_plan_view_get_row:
 * @self: the view
 * @op: an operation of the plan shown
 *
 * Returns: (nullable) (transfer none): the row of @op
 */
DeckReviewOpRow *
deck_plan_view_get_row (DeckPlanView     *self,
                        const DeckPlanOp *op)
{
  g_return_val_if_fail (DECK_IS_PLAN_VIEW (self), NULL);
  return self->op_rows != NULL ? g_hash_table_lookup (self->op_rows, op) : NULL;
}
