/* deck-organization-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A row of the organizations sidebar: the organization it stands for, and
 * its name, which follows a rename.
 */

#define G_LOG_DOMAIN "deck-organization-row"

#include "config.h"

#include "deck-organization-row.h"

struct _DeckOrganizationRow
{
  GtkListBoxRow     parent_instance;

  DeckOrganization *organization;   /* owned, set once */

  /* Template widgets */
  GtkLabel         *name_label;
};

G_DEFINE_FINAL_TYPE (DeckOrganizationRow, deck_organization_row, GTK_TYPE_LIST_BOX_ROW)

enum {
  PROP_0,
  PROP_ORGANIZATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
deck_organization_row_constructed (GObject *object)
{
  DeckOrganizationRow *self = DECK_ORGANIZATION_ROW (object);

  G_OBJECT_CLASS (deck_organization_row_parent_class)->constructed (object);

  g_object_bind_property (self->organization, "name", self->name_label, "label",
                          G_BINDING_SYNC_CREATE);
}

static void
deck_organization_row_dispose (GObject *object)
{
  DeckOrganizationRow *self = DECK_ORGANIZATION_ROW (object);

  g_clear_object (&self->organization);

  G_OBJECT_CLASS (deck_organization_row_parent_class)->dispose (object);
}

static void
deck_organization_row_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  DeckOrganizationRow *self = DECK_ORGANIZATION_ROW (object);

  switch (prop_id)
    {
    case PROP_ORGANIZATION:
      g_value_set_object (value, self->organization);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_organization_row_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  DeckOrganizationRow *self = DECK_ORGANIZATION_ROW (object);

  switch (prop_id)
    {
    case PROP_ORGANIZATION:
      self->organization = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_organization_row_class_init (DeckOrganizationRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = deck_organization_row_constructed;
  object_class->dispose = deck_organization_row_dispose;
  object_class->get_property = deck_organization_row_get_property;
  object_class->set_property = deck_organization_row_set_property;

  /**
   * DeckOrganizationRow:organization:
   *
   * The organization the row stands for (set once).
   */
  properties[PROP_ORGANIZATION] =
    g_param_spec_object ("organization", NULL, NULL, DECK_TYPE_ORGANIZATION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/clusterdeck/Clusterdeck/sidebar/deck-organization-row.ui");
  gtk_widget_class_bind_template_child (widget_class, DeckOrganizationRow, name_label);
}

static void
deck_organization_row_init (DeckOrganizationRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * deck_organization_row_new:
 * @organization: the organization
 *
 * Returns: (transfer floating): a new row
 */
GtkWidget *
deck_organization_row_new (DeckOrganization *organization)
{
  g_return_val_if_fail (DECK_IS_ORGANIZATION (organization), NULL);

  return g_object_new (DECK_TYPE_ORGANIZATION_ROW, "organization", organization, NULL);
}

/**
 * deck_organization_row_get_organization:
 * @self: a row
 *
 * Returns: (transfer none): the organization the row stands for
 */
DeckOrganization *
deck_organization_row_get_organization (DeckOrganizationRow *self)
{
  g_return_val_if_fail (DECK_IS_ORGANIZATION_ROW (self), NULL);
  return self->organization;
}
