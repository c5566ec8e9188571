/* deck-plan-describe.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The plan for people: what Review shows and `clusterdeck-cli plan`
 * prints. Every request applying sends is in it, with the instance it goes
 * to: the operations (a mesh's conversion in the order it is sent, across
 * its instances), the reads before and after, and the number of them all.
 * Never a secret: where an authorization will be sent, it says so.
 */

#define G_LOG_DOMAIN "deck-plan"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "deck-plan-private.h"

#define DETAIL_INDENT "     "

char *
_deck_plan_instance_label (DeckPlan   *self,
                           const char *instance_id)
{
  const char *node_name = g_hash_table_lookup (self->node_names, instance_id);
  const char *label = g_hash_table_lookup (self->labels, instance_id);

  if (label != NULL)
    instance_id = label;

  if (node_name == NULL || g_strcmp0 (node_name, instance_id) == 0)
    return g_strdup (instance_id);
  return g_strdup_printf ("%s (%s)", instance_id, node_name);
}

/* What the changes of @op stage for @sub's table, seen from the instance
 * the operation is sent to (a change staged from the peer's side is the
 * mirror image: its publish is this side's subscribe). */
static void
find_staged (const DeckPlanOp      *op,
             const HdbSubscription *sub,
             DeckToggle            *publish,
             gboolean              *publish_was,
             DeckToggle            *subscribe,
             gboolean              *subscribe_was)
{
  *publish = *subscribe = DECK_TOGGLE_UNCHANGED;
  *publish_was = *subscribe_was = FALSE;

  for (guint i = 0; i < op->changes->len; i++)
    {
      const DeckChange *change = g_ptr_array_index (op->changes, i);
      gboolean mirrored = g_strcmp0 (change->instance_id, op->instance_id) != 0;
      DeckToggle p = mirrored ? change->subscribe : change->publish;
      DeckToggle s = mirrored ? change->publish : change->subscribe;

      if (g_strcmp0 (change->database, sub->database) != 0 ||
          g_strcmp0 (change->table, sub->table) != 0)
        continue;
      if (p != DECK_TOGGLE_UNCHANGED)
        {
          *publish = p;
          *publish_was = mirrored ? change->baseline.subscribe : change->baseline.publish;
        }
      if (s != DECK_TOGGLE_UNCHANGED)
        {
          *subscribe = s;
          *subscribe_was = mirrored ? change->baseline.publish : change->baseline.subscribe;
        }
    }
}

static void
append_direction (GString    *text,
                  const char *on,
                  const char *off,
                  gboolean    value,
                  DeckToggle  staged,
                  gboolean    was)
{
  g_string_append (text, value ? on : off);
  if (staged != DECK_TOGGLE_UNCHANGED)
    {
      g_string_append_c (text, ' ');
      g_string_append (text, was ? _("(changed, was on)") : _("(changed, was off)"));
    }
}

static void
append_detail (GString    *text,
               const char *detail)
{
  g_string_append (text, DETAIL_INDENT);
  g_string_append (text, detail);
  g_string_append_c (text, '\n');
}

/* One operation: a first line (after @prefix) with the operation, the peer
 * and its URL, then one indented line per detail. */
static void
describe_op (DeckPlan         *self,
             GString          *text,
             const char       *prefix,
             const DeckPlanOp *op)
{
  g_string_append (text, prefix);
  g_string_append_printf (text, "%s %s", deck_plan_op_kind_to_string (op->kind), op->peer);
  if (op->url != NULL)
    g_string_append_printf (text, " (%s)", op->url);
  g_string_append_c (text, '\n');

  if (op->repeat)
    {
      append_detail (text, _("the same again: Harper’s NATS clustering restarts a subscription "
                             "switched back on only at the second update"));
      return;
    }

  if (op->needs_authorization)
    {
      g_string_append (text, DETAIL_INDENT);
      g_string_append (text, _("authorization: (cluster user, hidden)"));
      if (op->retain_authorization)
        {
          g_string_append (text, ", ");
          g_string_append (text, _("retained (plain ws://)"));
        }
      g_string_append_c (text, '\n');
    }

  if (op->kind == DECK_PLAN_OP_REMOVE_NODE)
    {
      if (op->relink)
        append_detail (text, _("removes the link, to add it again with the new subscriptions "
                               "(this Harper version does not change a link in place)"));
      else
        append_detail (text, _("ends full replication, to add the node again with per-table "
                               "subscriptions"));
      return;
    }

  for (guint i = 0; op->subscriptions != NULL && i < op->subscriptions->len; i++)
    {
      const HdbSubscription *sub = g_ptr_array_index (op->subscriptions, i);
      DeckToggle publish, subscribe;
      gboolean publish_was, subscribe_was;

      find_staged (op, sub, &publish, &publish_was, &subscribe, &subscribe_was);
      g_string_append_printf (text, DETAIL_INDENT "%s.%s: ", sub->database, sub->table);
      append_direction (text, _("publish on"), _("publish off"), sub->publish, publish,
                        publish_was);
      g_string_append (text, ", ");
      append_direction (text, _("subscribe on"), _("subscribe off"), sub->subscribe, subscribe,
                        subscribe_was);
      g_string_append_c (text, '\n');
    }
}

/**
 * deck_plan_describe_op:
 * @self: a plan
 * @op: one of its operations
 *
 * One operation as deck_plan_describe() lists it, without its number and
 * instance: a first line with the operation, the peer and its URL, then
 * one indented line per detail. Never holds a secret.
 *
 * Returns: (transfer full): the text
 */
char *
deck_plan_describe_op (DeckPlan         *self,
                       const DeckPlanOp *op)
{
  GString *text;

  g_return_val_if_fail (DECK_IS_PLAN (self), NULL);
  g_return_val_if_fail (op != NULL, NULL);

  text = g_string_new (NULL);
  describe_op (self, text, "", op);
  return g_string_free (text, FALSE);
}

static int
compare_labels (gconstpointer a,
                gconstpointer b)
{
  return g_utf8_collate (*(const char * const *) a, *(const char * const *) b);
}

/* "node1, node2 and node3": their labels, in the order people sort them. */
static char *
join_labels (DeckPlan  *self,
             GPtrArray *instance_ids)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < instance_ids->len; i++)
    g_ptr_array_add (labels, _deck_plan_instance_label (self, g_ptr_array_index (instance_ids, i)));
  g_ptr_array_sort (labels, compare_labels);
  for (guint i = 0; i < labels->len; i++)
    {
      if (i > 0)
        g_string_append (text, i + 1 == labels->len ? _(" and ") : ", ");
      g_string_append (text, g_ptr_array_index (labels, i));
    }
  return g_string_free (text, FALSE);
}

static void
describe_unit (DeckPlan           *self,
               GString            *text,
               const DeckPlanUnit *unit)
{
  g_autofree char *members = join_labels (self, unit->instance_ids);
  guint n = 0;

  if (unit->relink)
    g_string_append_printf (text, _("The link of %s is made anew: its Harper version does not "
                                    "change a link in place, so it is removed on both sides "
                                    "and added again with the new subscriptions. Sent in this "
                                    "order; a failure stops the rest:"), members);
  else
    g_string_append_printf (text, _("Full replication between %s ends. Harper keeps one node "
                                    "table for all of them, so every link between them is "
                                    "removed on both sides and added again with per-table "
                                    "subscriptions, which keep every table but what was "
                                    "changed; the system database (users, roles) no longer "
                                    "replicates. Sent in this order; a failure stops the rest:"),
                            members);
  g_string_append_c (text, '\n');

  for (guint i = 0; i < unit->operations->len; i++)
    {
      const DeckPlanOp *op = g_ptr_array_index (unit->operations, i);
      g_autofree char *label = _deck_plan_instance_label (self, op->instance_id);
      g_autofree char *prefix = NULL;

      /* Translators: a number, then an instance's name */
      prefix = g_strdup_printf (_("  %u. On %s: "), ++n, label);
      describe_op (self, text, prefix, op);
    }

  /* Translators: a number, then instances' names */
  g_string_append_printf (text, _("  %u. Read back on %s (cluster_status): every link "
                                  "compared with this plan"), ++n, members);
  g_string_append_c (text, '\n');
}

/* The directions switched back on, and what Harper does not do about
 * them: send what was written while they were off. */
static void
describe_reopened (DeckPlan *self,
                   GString  *text)
{
  guint n = deck_plan_get_n_reopened (self);

  if (n == 0)
    return;

  g_string_append (text, _("Switched on (from off):"));
  g_string_append_c (text, '\n');
  for (guint i = 0; i < self->changes->len; i++)
    {
      const DeckChange *change = g_ptr_array_index (self->changes, i);
      g_autofree char *label = NULL;

      if (!deck_change_reopens (change))
        continue;
      label = _deck_plan_instance_label (self, change->instance_id);
      if (change->publish == DECK_TOGGLE_ON && !change->baseline.publish)
        {
          /* Translators: a database, a table, an instance, a peer */
          g_string_append_printf (text, _("  %s.%s: %s publishes to %s"),
                                  change->database, change->table, label, change->peer);
          g_string_append_c (text, '\n');
        }
      if (change->subscribe == DECK_TOGGLE_ON && !change->baseline.subscribe)
        {
          /* Translators: a database, a table, an instance, a peer */
          g_string_append_printf (text, _("  %s.%s: %s subscribes from %s"),
                                  change->database, change->table, label, change->peer);
          g_string_append_c (text, '\n');
        }
    }
  g_string_append (text, g_dngettext (GETTEXT_PACKAGE,
                                      "Records written while this direction was off may never "
                                      "arrive: Harper does not send them when it is on again. "
                                      "Compare the record counts afterwards (Check Record Counts, "
                                      "or clusterdeck-cli check).",
                                      "Records written while these directions were off may never "
                                      "arrive: Harper does not send them when they are on again. "
                                      "Compare the record counts afterwards (Check Record Counts, "
                                      "or clusterdeck-cli check).",
                                      n));
  g_string_append_c (text, '\n');
}

/**
 * deck_plan_describe:
 * @self: a plan
 *
 * The plan for people (Review, `clusterdeck-cli plan`): the conversion of
 * each mesh in full replication, in the order it is sent; per instance,
 * each other operation with its peer, URL and complete subscription list,
 * changed directions marked; the changes that cannot be planned; the
 * reads of the replication state before anything is sent; and the number
 * of requests, which is every request applying sends. Never contains a
 * secret: where an authorization will be sent, it says so.
 *
 * Returns: (transfer full): the text
 */
char *
deck_plan_describe (DeckPlan *self)
{
  GString *text;
  guint n_requests;

  g_return_val_if_fail (DECK_IS_PLAN (self), NULL);

  text = g_string_new (NULL);
  n_requests = deck_plan_get_n_requests (self);

  if (n_requests == 0 && self->problems->len == 0)
    {
      g_string_append (text, _("Nothing to apply."));
      g_string_append_c (text, '\n');
      return g_string_free (text, FALSE);
    }

  /* In the order they are sent. */
  if (n_requests > 0)
    {
      g_autofree char *instances = join_labels (self, self->instance_ids);

      g_string_append_printf (text, _("First, cluster_status on %s: nothing is sent if a link "
                                      "changed since it was loaded."), instances);
      g_string_append_c (text, '\n');
    }

  for (guint i = 0; i < self->units->len; i++)
    describe_unit (self, text, g_ptr_array_index (self->units, i));

  for (guint i = 0; i < self->instance_ids->len; i++)
    {
      const char *instance_id = g_ptr_array_index (self->instance_ids, i);
      GPtrArray *ops = g_hash_table_lookup (self->operations, instance_id);
      g_autofree char *label = _deck_plan_instance_label (self, instance_id);
      guint n = 0;

      for (guint j = 0; j < ops->len; j++)
        {
          const DeckPlanOp *op = g_ptr_array_index (ops, j);
          g_autofree char *prefix = NULL;

          if (op->unit != 0)
            continue;
          if (n == 0)
            {
              g_string_append_printf (text, _("On %s:"), label);
              g_string_append_c (text, '\n');
            }
          prefix = g_strdup_printf ("  %u. ", ++n);
          describe_op (self, text, prefix, op);
        }
    }

  if (self->problems->len > 0)
    {
      g_string_append (text, _("Cannot be applied:"));
      g_string_append_c (text, '\n');
      for (guint i = 0; i < self->problems->len; i++)
        {
          const DeckPlanProblem *problem = g_ptr_array_index (self->problems, i);
          g_autofree char *label = _deck_plan_instance_label (self, problem->instance_id);

          g_string_append_printf (text, "  %s → %s: %s\n", label, problem->peer,
                                  problem->message);
        }
    }

  describe_reopened (self, text);

  g_string_append_printf (text,
                          g_dngettext (GETTEXT_PACKAGE, "%u request.", "%u requests.",
                                       n_requests),
                          n_requests);
  g_string_append_c (text, '\n');
  return g_string_free (text, FALSE);
}
