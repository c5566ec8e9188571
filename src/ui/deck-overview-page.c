/* deck-overview-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Overview of an instance: what its last check found out.
 */

#define G_LOG_DOMAIN "deck-overview-page"

#include "config.h"

#include <glib/gi18n.h>

#include "deck-instance-row.h"
#include "deck-overview-page.h"
#include "deck-ui-util.h"
#include "hdb-client.h"

struct _DeckOverviewPage
{
  AdwBin        parent_instance;

  DeckInstance *instance;
  gulong        notify_handler;

  GtkLabel     *version_label;
  GtkLabel     *engine_label;
  GtkLabel     *node_name_label;
  GtkLabel     *user_label;
  GtkLabel     *super_user_label;
  GtkLabel     *status_label;
  GtkLabel     *url_label;
  GtkLabel     *certificate_label;
  GtkLabel     *last_checked_label;
  GtkLabel     *last_error_label;
  AdwActionRow *last_error_row;
};

G_DEFINE_FINAL_TYPE (DeckOverviewPage, deck_overview_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_INSTANCE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_text (GtkLabel   *label,
          const char *text)
{
  gtk_label_set_label (label, text != NULL && *text != '\0' ? text : "—");
}

static void
deck_overview_page_update (DeckOverviewPage *self)
{
  DeckInstance *instance = self->instance;
  g_autofree char *engine = NULL;
  g_autofree char *checked = NULL;
  g_autofree char *pin = NULL;
  gboolean known;
  GDateTime *last;

  if (instance == NULL)
    return;

  known = deck_instance_get_version (instance) != NULL;
  engine = known ? deck_instance_describe_engine (instance) : NULL;

  set_text (self->version_label, deck_instance_get_version (instance));
  set_text (self->engine_label, engine);
  set_text (self->node_name_label, deck_instance_get_node_name (instance));
  set_text (self->user_label, deck_instance_get_login_user (instance)
                              ? deck_instance_get_login_user (instance)
                              : deck_instance_get_username (instance));
  set_text (self->super_user_label,
            !known ? NULL : deck_instance_get_super_user (instance) ? _("Yes") : _("No"));
  set_text (self->status_label, deck_instance_status_describe (deck_instance_get_status (instance)));
  set_text (self->url_label, deck_instance_get_url (instance));

  pin = hdb_format_fingerprint (deck_instance_get_pinned_certificate (instance));
  if (pin != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Pinned, SHA-256 %s"), pin);

      set_text (self->certificate_label, text);
    }
  else if (g_str_has_prefix (deck_instance_get_url (instance), "https"))
    set_text (self->certificate_label, _("Trusted by the system"));
  else
    set_text (self->certificate_label, _("None (plain HTTP)"));

  last = deck_instance_get_last_checked (instance);
  if (last != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (last);

      checked = g_date_time_format (local, "%X");
    }
  set_text (self->last_checked_label, checked);

  set_text (self->last_error_label, deck_instance_get_last_error (instance));
  gtk_widget_set_visible (GTK_WIDGET (self->last_error_row),
                          deck_instance_get_last_error (instance) != NULL);
}

static void
deck_overview_page_dispose (GObject *object)
{
  deck_overview_page_set_instance (DECK_OVERVIEW_PAGE (object), NULL);

  G_OBJECT_CLASS (deck_overview_page_parent_class)->dispose (object);
}

static void
deck_overview_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  DeckOverviewPage *self = DECK_OVERVIEW_PAGE (object);

  switch (prop_id)
    {
    case PROP_INSTANCE:
      g_value_set_object (value, self->instance);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_overview_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  DeckOverviewPage *self = DECK_OVERVIEW_PAGE (object);

  switch (prop_id)
    {
    case PROP_INSTANCE:
      deck_overview_page_set_instance (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_overview_page_class_init (DeckOverviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = deck_overview_page_dispose;
  object_class->get_property = deck_overview_page_get_property;
  object_class->set_property = deck_overview_page_set_property;

  properties[PROP_INSTANCE] =
    g_param_spec_object ("instance", NULL, NULL, DECK_TYPE_INSTANCE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/clusterdeck/Clusterdeck/deck-overview-page.ui");
  gtk_widget_class_bind_template_child (widget_class, DeckOverviewPage, version_label);
  gtk_widget_class_bind_template_child (widget_class, DeckOverviewPage, engine_label);
  gtk_widget_class_bind_template_child (widget_class, DeckOverviewPage, node_name_label);
  gtk_widget_class_bind_template_child (widget_class, DeckOverviewPage, user_label);
  gtk_widget_class_bind_template_child (widget_class, DeckOverviewPage, super_user_label);
  gtk_widget_class_bind_template_child (widget_class, DeckOverviewPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, DeckOverviewPage, url_label);
  gtk_widget_class_bind_template_child (widget_class, DeckOverviewPage, certificate_label);
  gtk_widget_class_bind_template_child (widget_class, DeckOverviewPage, last_checked_label);
  gtk_widget_class_bind_template_child (widget_class, DeckOverviewPage, last_error_label);
  gtk_widget_class_bind_template_child (widget_class, DeckOverviewPage, last_error_row);
}

static void
deck_overview_page_init (DeckOverviewPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  deck_widget_reset_mnemonic_labels (GTK_WIDGET (self));
}

DeckInstance *
deck_overview_page_get_instance (DeckOverviewPage *self)
{
  g_return_val_if_fail (DECK_IS_OVERVIEW_PAGE (self), NULL);
  return self->instance;
}

/**
 * deck_overview_page_set_instance:
 * @self: the page
 * @instance: (nullable): the instance to show
 */
void
deck_overview_page_set_instance (DeckOverviewPage *self,
                                 DeckInstance     *instance)
{
  g_return_if_fail (DECK_IS_OVERVIEW_PAGE (self));

  if (self->instance == instance)
    return;

  if (self->instance != NULL)
    g_clear_signal_handler (&self->notify_handler, self->instance);
  g_set_object (&self->instance, instance);
  if (instance != NULL)
    self->notify_handler = g_signal_connect_swapped (instance, "notify",
                                                     G_CALLBACK (deck_overview_page_update), self);
  deck_overview_page_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INSTANCE]);
}
