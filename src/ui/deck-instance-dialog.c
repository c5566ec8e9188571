/* deck-instance-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Add or edit an instance. Saving tests the connection first; a failed
 * test says why and turns the button into "Save Anyway". A certificate
 * nobody vouches for is shown with its fingerprint and can be pinned.
 *
 * An http:// URL is flagged: the password would cross the network in
 * clear. When an edited instance's URL names another host (or port) and
 * no new password is typed, the dialog asks before the stored password is
 * sent there, by the test or by saving (the monitor then checks the new
 * address with it): the password was given for the old host.
 */

#define G_LOG_DOMAIN "deck-instance-dialog"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "deck-instance-dialog.h"
#include "deck-ui-util.h"
#include "hdb-client.h"

struct _DeckInstanceDialog
{
  AdwWindow            parent_instance;

  DeckContext         *context;
  DeckStore           *store;          /* the context's, borrowed */
  DeckCredentials     *credentials;    /* the context's, borrowed */
  DeckInstanceMonitor *monitor;        /* the context's, borrowed */
  DeckOrganization    *organization;
  DeckInstance        *instance;     /* NULL when adding */

  char                *pinned;       /* normalized SHA-256, or NULL */
  HdbCertificateInfo  *peer;         /* the untrusted certificate last seen */
  char                *password;     /* the one the last test used */
  GCancellable        *cancellable;
  gboolean             testing;
  gboolean             tested_ok;
  gboolean             save_anyway;
  gboolean             save_after_test;
  char                *confirmed_origin; /* "host:port" the stored password may also go to */
  AdwMessageDialog    *origin_question;  /* asking whether it may go to a new one */

  AdwEntryRow         *name_row;
  AdwEntryRow         *url_row;
  AdwActionRow        *plaintext_row;
  AdwEntryRow         *username_row;
  AdwPasswordEntryRow *password_row;
  AdwActionRow        *test_row;
  GtkImage            *test_icon;
  GtkSpinner          *test_spinner;
  GtkButton           *save_button;
  GtkButton           *cancel_button;
  GtkButton           *test_button;
  GtkButton           *trust_button;
  AdwPreferencesGroup *certificate_group;
  AdwActionRow        *fingerprint_row;
  AdwActionRow        *subject_row;
  AdwActionRow        *issuer_row;
  AdwActionRow        *validity_row;
};

G_DEFINE_FINAL_TYPE (DeckInstanceDialog, deck_instance_dialog, ADW_TYPE_WINDOW)

static void test_connection (DeckInstanceDialog *self);
static void commit (DeckInstanceDialog *self);


static char *
field (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static void
set_test_state (DeckInstanceDialog *self,
                const char         *icon,
                const char         *css,
                const char         *text)
{
  static const char * const classes[] = { "success", "error", "warning" };

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->test_icon), classes[i]);
  if (css != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->test_icon), css);
  gtk_image_set_from_icon_name (self->test_icon, icon);
  adw_action_row_set_subtitle (self->test_row, text);
}

/* GTK 4.8 gives a button with a mnemonic label the raw label as its
 * accessible name, and AT-SPI then adds the child label's text: "_Add Add".
 * Without the property the name comes from the child label alone. Needed
 * after every gtk_button_set_label(), which sets it again. */
static void
reset_accessible_label (GtkButton *button)
{
  gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL);
}

static void
update_save_button (DeckInstanceDialog *self)
{
  g_autofree char *name = field (self->name_row);
  g_autofree char *url = field (self->url_row);
  g_autofree char *username = field (self->username_row);
  g_autoptr(HdbClient) probe = NULL;
  gboolean valid;

  probe = hdb_client_new (url, "x", "x", NULL);
  valid = *name != '\0' && *username != '\0' && probe != NULL;

  if (self->save_anyway)
    gtk_button_set_label (self->save_button, _("Save _Anyway"));
  else if (self->instance != NULL)
    gtk_button_set_label (self->save_button, _("_Save"));
  else
    gtk_button_set_label (self->save_button, _("_Add"));
  reset_accessible_label (self->save_button);

  gtk_widget_set_visible (GTK_WIDGET (self->plaintext_row),
                          probe != NULL && hdb_client_is_plaintext (probe));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.save", valid && !self->testing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.test", probe != NULL && !self->testing);
}

/* The stored password -------------------------------------------------------- */

/* "host:port" of @url (the scheme's port when none is given), the host in
 * lower case, or NULL when it is no URL. */
static char *
origin_of (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *host = NULL;
  int port;

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return NULL;
  port = g_uri_get_port (uri);
  if (port < 0)
    port = g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;
  host = g_ascii_strdown (g_uri_get_host (uri), -1);
  return g_strdup_printf ("%s:%d", host, port);
}

/* Whether the stored password is what the test or the save would use
 * (editing, none typed) and the URL now names a host it was not given for. */
static gboolean
stored_password_goes_elsewhere (DeckInstanceDialog *self)
{
  g_autofree char *url = field (self->url_row);
  g_autofree char *origin = origin_of (url);
  g_autofree char *stored_origin = NULL;

  if (self->instance == NULL || *gtk_editable_get_text (GTK_EDITABLE (self->password_row)) != '\0' ||
      origin == NULL)
    return FALSE;
  stored_origin = origin_of (deck_instance_get_url (self->instance));
  return g_strcmp0 (origin, stored_origin) != 0 && g_strcmp0 (origin, self->confirmed_origin) != 0;
}

typedef enum
{
  THEN_TEST,
  THEN_COMMIT,
} ThenWhat;

static void
on_origin_answered (AdwMessageDialog   *dialog,
                    const char         *response,
                    DeckInstanceDialog *self)
{
  ThenWhat then = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dialog), "deck-then"));
  g_autofree char *url = field (self->url_row);

  self->origin_question = NULL;
  if (g_strcmp0 (response, "send") != 0)
    {
      self->save_after_test = FALSE;
      set_test_state (self, "dialog-password-symbolic", "warning",
                      _("Not tested: enter the password for the new address, or allow the "
                        "stored one to be sent there."));
      update_save_button (self);
      return;
    }
  /* Asked once per address. */
  g_free (self->confirmed_origin);
  self->confirmed_origin = origin_of (url);
  if (then == THEN_COMMIT)
    commit (self);
  else
    test_connection (self);
}

/* Asks whether the stored password may go to the URL's new host, then
 * goes on with @then. */
static void
ask_origin (DeckInstanceDialog *self,
            ThenWhat            then)
{
  g_autofree char *url = field (self->url_row);
  g_autofree char *origin = origin_of (url);
  g_autofree char *old_origin = origin_of (deck_instance_get_url (self->instance));
  AdwMessageDialog *dialog;

  if (self->origin_question != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->origin_question));
      return;
    }
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("Send the Stored Password to Another "
                                                         "Address?"), NULL));
  /* Translators: the new "host:port", the old one, an instance's name,
   * then the new "host:port" again */
  adw_message_dialog_format_body (dialog,
                                  _("The URL now points to %s instead of %s. Testing or saving "
                                    "sends the password stored for “%s” to %s. Send it only if "
                                    "that is the same server; otherwise enter the password for "
                                    "the new address."),
                                  origin, old_origin ? old_origin : "?",
                                  deck_instance_get_name (self->instance), origin);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"),
                                    "send", _("_Send Password"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "send", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "deck-then", GUINT_TO_POINTER (then));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_origin_answered), self, 0);
  self->origin_question = dialog;
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_field_changed (DeckInstanceDialog *self)
{
  self->tested_ok = FALSE;
  self->save_anyway = FALSE;
  update_save_button (self);
}

static void
show_certificate (DeckInstanceDialog *self)
{
  g_autofree char *from = NULL;
  g_autofree char *until = NULL;
  g_autofree char *validity = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->certificate_group), self->peer != NULL);
  if (self->peer == NULL)
    return;

  adw_action_row_set_subtitle (self->fingerprint_row, self->peer->sha256);
  adw_action_row_set_subtitle (self->subject_row, self->peer->subject ? self->peer->subject : "—");
  adw_action_row_set_subtitle (self->issuer_row, self->peer->issuer ? self->peer->issuer : "—");
  if (self->peer->not_before != NULL)
    from = g_date_time_format (self->peer->not_before, "%x");
  if (self->peer->not_after != NULL)
    until = g_date_time_format (self->peer->not_after, "%x");
  /* Translators: the validity of a certificate, from one date to another */
  validity = g_strdup_printf (_("From %s to %s"), from ? from : "?", until ? until : "?");
  adw_action_row_set_subtitle (self->validity_row, validity);
}

static void
on_password_stored (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(DeckInstanceDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!deck_credentials_store_finish (DECK_CREDENTIALS (source), result, &error))
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* The instance is saved and the monitor has the password for this
       * run; say that the keyring did not take it, in the window the
       * dialog belongs to (the dialog goes). */
      g_debug ("Password not stored: %s", error->message);
      /* Translators: why the keyring refused the password */
      text = g_strdup_printf (_("The password was not kept in the keyring: %s"), error->message);
      deck_widget_toast (GTK_WIDGET (self), text);
    }
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
commit (DeckInstanceDialog *self)
{
  g_autofree char *name = field (self->name_row);
  g_autofree char *url = field (self->url_row);
  g_autofree char *username = field (self->username_row);
  const char *typed = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;

  /* Saved, the monitor would check the new address at once with the
   * stored password. */
  if (stored_password_goes_elsewhere (self))
    {
      ask_origin (self, THEN_COMMIT);
      return;
    }

  if (self->instance == NULL)
    {
      DeckInstance *added = deck_store_add_instance (self->store, self->organization, name, url,
                                                     username, self->pinned, &error);
      if (added == NULL)
        {
          set_test_state (self, "dialog-error-symbolic", "error", error->message);
          return;
        }
      self->instance = g_object_ref (added);
    }
  else
    {
      deck_instance_set_name (self->instance, name);
      deck_instance_set_url (self->instance, url);
      deck_instance_set_username (self->instance, username);
      deck_instance_set_pinned_certificate (self->instance, self->pinned);
      if (!deck_store_update_instance (self->store, self->instance, &error))
        {
          set_test_state (self, "dialog-error-symbolic", "error", error->message);
          return;
        }
    }

  if (*typed == '\0')
    {
      /* Editing without a new password: the stored one stays. */
      deck_instance_monitor_refresh (self->monitor, self->instance);
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  deck_instance_monitor_set_password (self->monitor, self->instance, typed);
  /* Translators: the label of the keyring item; %s is an instance name */
  label = g_strdup_printf (_("Clusterdeck login for instance “%s”"), name);
  gtk_widget_set_sensitive (GTK_WIDGET (self), FALSE);
  deck_credentials_store_async (self->credentials, DECK_SECRET_INSTANCE_LOGIN,
                                deck_instance_get_id (self->instance), label, typed,
                                self->cancellable, on_password_stored, g_object_ref (self));
}

static void
on_server_info (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DeckInstanceDialog) self = user_data;
  g_autoptr(HdbServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = hdb_client_server_info_finish (HDB_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->testing = FALSE;
  gtk_spinner_stop (self->test_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), FALSE);

  if (info != NULL)
    {
      g_autofree char *text = NULL;
      const char *engine;

      switch (info->engine)
        {
        case HDB_ENGINE_NATIVE: engine = _("native replication"); break;
        case HDB_ENGINE_NATS: engine = _("NATS clustering"); break;
        case HDB_ENGINE_NONE: engine = _("replication not enabled"); break;
        default: engine = _("engine unknown"); break;
        }
      text = g_strdup_printf (info->super_user
                              /* Translators: version, user name, engine */
                              ? _("Connected: Harper %s, logged in as %s (super user), %s")
                              : _("Connected: Harper %s, logged in as %s (not a super user), %s"),
                              info->version, info->username, engine);
      set_test_state (self, "emblem-ok-symbolic", "success", text);
      self->tested_ok = TRUE;
      self->save_anyway = FALSE;
      if (self->peer != NULL && self->pinned != NULL)
        gtk_widget_set_visible (GTK_WIDGET (self->certificate_group), FALSE);
      update_save_button (self);
      if (self->save_after_test)
        commit (self);
      return;
    }

  if (g_error_matches (error, HDB_ERROR, HDB_ERROR_TLS))
    {
      g_clear_pointer (&self->peer, hdb_certificate_info_free);
      self->peer = hdb_client_dup_peer_certificate (HDB_CLIENT (source));
    }
  show_certificate (self);
  set_test_state (self, "dialog-warning-symbolic", "error", error->message);
  self->tested_ok = FALSE;
  self->save_anyway = self->save_after_test;
  self->save_after_test = FALSE;
  update_save_button (self);
}

static void
start_test_with_password (DeckInstanceDialog *self,
                          const char         *password)
{
  g_autofree char *url = field (self->url_row);
  g_autofree char *username = field (self->username_row);
  g_autoptr(HdbClient) client = NULL;
  g_autoptr(GError) error = NULL;

  client = hdb_client_new (url, username, password, &error);
  if (client == NULL)
    {
      self->testing = FALSE;
      gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), FALSE);
      set_test_state (self, "dialog-error-symbolic", "error", error->message);
      update_save_button (self);
      return;
    }

  hdb_client_set_timeout (client, 10000);
  hdb_client_set_pinned_certificate (client, self->pinned);
  hdb_client_server_info_async (client, self->cancellable, on_server_info, g_object_ref (self));
}

static void
on_stored_password (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(DeckInstanceDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;

  password = deck_credentials_lookup_finish (DECK_CREDENTIALS (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (password == NULL)
    {
      self->testing = FALSE;
      gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), FALSE);
      set_test_state (self, "dialog-password-symbolic", "warning",
                      error ? error->message : _("No password is stored for this instance: enter it."));
      update_save_button (self);
      return;
    }
  start_test_with_password (self, password);
  g_clear_pointer (&password, deck_credentials_free_secret);
}

static void
test_connection (DeckInstanceDialog *self)
{
  const char *typed = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (self->testing)
    return;
  if (stored_password_goes_elsewhere (self))
    {
      ask_origin (self, THEN_TEST);
      return;
    }

  self->testing = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), TRUE);
  gtk_spinner_start (self->test_spinner);
  set_test_state (self, "network-server-symbolic", NULL, _("Connecting…"));
  update_save_button (self);

  if (*typed == '\0' && self->instance != NULL)
    deck_credentials_lookup_async (self->credentials, DECK_SECRET_INSTANCE_LOGIN,
                                   deck_instance_get_id (self->instance), self->cancellable,
                                   on_stored_password, g_object_ref (self));
  else
    start_test_with_password (self, typed);
}

static void
test_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DECK_INSTANCE_DIALOG (widget)->save_after_test = FALSE;
  test_connection (DECK_INSTANCE_DIALOG (widget));
}

static void
trust_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  DeckInstanceDialog *self = DECK_INSTANCE_DIALOG (widget);

  if (self->peer == NULL)
    return;
  g_free (self->pinned);
  self->pinned = hdb_normalize_fingerprint (self->peer->sha256);
  self->save_after_test = FALSE;
  test_connection (self);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DeckInstanceDialog *self = DECK_INSTANCE_DIALOG (widget);

  if (self->tested_ok || self->save_anyway)
    {
      commit (self);
      return;
    }
  self->save_after_test = TRUE;
  test_connection (self);
}

static void
deck_instance_dialog_dispose (GObject *object)
{
  DeckInstanceDialog *self = DECK_INSTANCE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->store = NULL;
  self->credentials = NULL;
  self->monitor = NULL;
  g_clear_object (&self->context);
  g_clear_object (&self->organization);
  g_clear_object (&self->instance);
  g_clear_pointer (&self->peer, hdb_certificate_info_free);
  g_clear_pointer (&self->pinned, g_free);
  g_clear_pointer (&self->password, deck_credentials_free_secret);
  g_clear_pointer (&self->confirmed_origin, g_free);
  if (self->origin_question != NULL)
    gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->origin_question)));

  G_OBJECT_CLASS (deck_instance_dialog_parent_class)->dispose (object);
}

static void
deck_instance_dialog_class_init (DeckInstanceDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = deck_instance_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/clusterdeck/Clusterdeck/deck-instance-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DeckInstanceDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, DeckInstanceDialog, url_row);
  gtk_widget_class_bind_template_child (widget_class, DeckInstanceDialog, plaintext_row);
  gtk_widget_class_bind_template_child (widget_class, DeckInstanceDialog, username_row);
  gtk_widget_class_bind_template_child (widget_class, DeckInstanceDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, DeckInstanceDialog, test_row);
  gtk_widget_class_bind_template_child (widget_class, DeckInstanceDialog, test_icon);
  gtk_widget_class_bind_template_child (widget_class, DeckInstanceDialog, test_spinner);
  gtk_widget_class_bind_template_child (widget_class, DeckInstanceDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, DeckInstanceDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, DeckInstanceDialog, test_button);
  gtk_widget_class_bind_template_child (widget_class, DeckInstanceDialog, trust_button);
  gtk_widget_class_bind_template_child (widget_class, DeckInstanceDialog, certificate_group);
  gtk_widget_class_bind_template_child (widget_class, DeckInstanceDialog, fingerprint_row);
  gtk_widget_class_bind_template_child (widget_class, DeckInstanceDialog, subject_row);
  gtk_widget_class_bind_template_child (widget_class, DeckInstanceDialog, issuer_row);
  gtk_widget_class_bind_template_child (widget_class, DeckInstanceDialog, validity_row);

  gtk_widget_class_install_action (widget_class, "dialog.test", NULL, test_action);
  gtk_widget_class_install_action (widget_class, "dialog.trust", NULL, trust_action);
  gtk_widget_class_install_action (widget_class, "dialog.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
deck_instance_dialog_init (DeckInstanceDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  reset_accessible_label (self->save_button);
  reset_accessible_label (self->cancel_button);
  reset_accessible_label (self->test_button);
  reset_accessible_label (self->trust_button);

  g_signal_connect_swapped (self->name_row, "changed", G_CALLBACK (update_save_button), self);
  g_signal_connect_swapped (self->url_row, "changed", G_CALLBACK (on_field_changed), self);
  g_signal_connect_swapped (self->username_row, "changed", G_CALLBACK (on_field_changed), self);
  g_signal_connect_swapped (self->password_row, "changed", G_CALLBACK (on_field_changed), self);
}

/**
 * deck_instance_dialog_new:
 * @parent: the main window
 * @context: where instances are saved (its store), where the password goes
 *   (its keyring) and who is told about it (its instance monitor)
 * @organization: the organization of a new instance
 * @instance: (nullable): the instance to edit, %NULL to add one
 *
 * Returns: (transfer full): the dialog, not yet shown
 */
DeckInstanceDialog *
deck_instance_dialog_new (GtkWindow           *parent,
                          DeckContext         *context,
                          DeckOrganization    *organization,
                          DeckInstance        *instance)
{
  DeckInstanceDialog *self;

  self = g_object_new (DECK_TYPE_INSTANCE_DIALOG,
                       "transient-for", parent,
                       "title", instance ? _("Edit Instance") : _("Add Instance"),
                       NULL);
  self->context = g_object_ref (context);
  self->store = deck_context_get_store (context);
  self->credentials = deck_context_get_credentials (context);
  self->monitor = deck_context_get_monitor (context);
  self->organization = organization ? g_object_ref (organization) : NULL;

  if (instance != NULL)
    {
      self->instance = g_object_ref (instance);
      self->pinned = g_strdup (deck_instance_get_pinned_certificate (instance));
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), deck_instance_get_name (instance));
      gtk_editable_set_text (GTK_EDITABLE (self->url_row), deck_instance_get_url (instance));
      gtk_editable_set_text (GTK_EDITABLE (self->username_row), deck_instance_get_username (instance));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->password_row),
                                     _("Password (leave empty to keep it)"));
    }
  else
    {
      gtk_editable_set_text (GTK_EDITABLE (self->url_row), "https://");
      gtk_editable_set_text (GTK_EDITABLE (self->username_row), "admin");
    }

  self->tested_ok = FALSE;
  update_save_button (self);
  return self;
}

/**
 * deck_instance_dialog_prefill:
 * @self: a dialog adding an instance
 * @name: (nullable): a name to start with
 * @url: (nullable): an address; a replication URL (ws://, wss://) becomes
 *   the operations API's (http://, https://) on the same host and port
 */
void
deck_instance_dialog_prefill (DeckInstanceDialog *self,
                              const char         *name,
                              const char         *url)
{
  g_return_if_fail (DECK_IS_INSTANCE_DIALOG (self));

  if (name != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  if (url != NULL)
    {
      g_autofree char *http = NULL;

      if (g_str_has_prefix (url, "wss://"))
        http = g_strconcat ("https://", url + strlen ("wss://"), NULL);
      else if (g_str_has_prefix (url, "ws://"))
        http = g_strconcat ("http://", url + strlen ("ws://"), NULL);
      else
        http = g_strdup (url);
      gtk_editable_set_text (GTK_EDITABLE (self->url_row), http);
    }
}
