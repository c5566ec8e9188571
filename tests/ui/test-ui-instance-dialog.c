/* test-ui-instance-dialog.c: the instance dialog and where a password goes,
 * without Harper.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under Xvfb on a private session bus that activates nothing (no
 * keyring: the stored password is kept in memory, as the app keeps it
 * without a secret service), the app's files in a temporary folder. The
 * "new host" is a loopback SoupServer that records the Authorization
 * header of every request and refuses the login: a real server would only
 * add an answer, and what matters here is what reaches it.
 *
 *  /ui/instance-dialog/plain-http-warning  an http:// URL shows that the
 *                                          password would cross the network
 *                                          in clear; https:// does not
 *  /ui/instance-dialog/new-host-asks       an edited instance's URL moved to
 *                                          another host: Test and Save ask
 *                                          before the stored password goes
 *                                          there, and the host receives no
 *                                          Authorization header until the
 *                                          user allows it; then it does, once
 *                                          asked
 *  /ui/instance-dialog/typed-password      a password typed for the new host
 *                                          is sent without a question
 */

#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "deck-context.h"
#include "deck-credentials.h"
#include "deck-instance-dialog.h"
#include "deck-instance-monitor.h"
#include "deck-store.h"
#include "ui-test-util.h"

#define STORED_PASSWORD "Stored-Secret-1"
#define TYPED_PASSWORD  "Typed-Secret-2"
#define QUESTION        "Send the Stored Password to Another Address?"

static GLogFunc test_log_handler;
static char *base_dir;

/* Removes @path and what it holds (no symlinks are followed). */
static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
drop_debug_messages (const char     *log_domain,
                     GLogLevelFlags  log_level,
                     const char     *message,
                     gpointer        user_data)
{
  if ((log_level & G_LOG_LEVEL_DEBUG) == 0)
    test_log_handler (log_domain, log_level, message, user_data);
}

/* The new host ---------------------------------------------------------------- */

typedef struct
{
  SoupServer *server;
  char       *url;
  GPtrArray  *authorizations;   /* one per request: the header, or "" */
} Witness;

static void
witness_callback (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  Witness *witness = user_data;
  const char *authorization = soup_message_headers_get_one (
    soup_server_message_get_request_headers (msg), "Authorization");
  static const char refused[] = "{\"error\":\"Login failed\"}";

  g_ptr_array_add (witness->authorizations, g_strdup (authorization ? authorization : ""));
  soup_server_message_set_status (msg, 401, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, refused,
                                    strlen (refused));
}

static Witness *
witness_new (void)
{
  Witness *witness = g_new0 (Witness, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  witness->authorizations = g_ptr_array_new_with_free_func (g_free);
  witness->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (witness->server, NULL, witness_callback, witness, NULL);
  soup_server_listen_local (witness->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (witness->server);
  witness->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return witness;
}

static void
witness_free (Witness *witness)
{
  soup_server_disconnect (witness->server);
  g_object_unref (witness->server);
  g_ptr_array_unref (witness->authorizations);
  g_free (witness->url);
  g_free (witness);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Witness, witness_free)

/* A port on 127.0.0.1 where nothing listens: the instance's old address. */
static guint
closed_port (void)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  g_socket_close (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* The app's pieces ------------------------------------------------------------ */

typedef struct
{
  DeckStore           *store;
  DeckCredentials     *credentials;
  DeckInstanceMonitor *monitor;
  DeckContext         *context;
  DeckOrganization    *org;
  DeckInstance        *instance;   /* "Berlin", its password stored */
} App;

static void
app_open (App *app)
{
  g_autoptr(GError) problem = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *old_url = g_strdup_printf ("http://127.0.0.1:%u", closed_port ());

  app->store = deck_store_new (NULL);
  g_assert_true (deck_store_load (app->store, &problem, &error));
  g_assert_no_error (error);
  app->credentials = g_object_ref (deck_credentials_get_default ());
  app->monitor = deck_instance_monitor_new (app->store, app->credentials);
  app->context = deck_context_new (app->store, app->credentials, app->monitor);

  app->org = deck_store_find_organization (app->store, "Demo");
  if (app->org == NULL)
    app->org = deck_store_add_organization (app->store, "Demo", &error);
  g_assert_no_error (error);
  app->instance = deck_store_add_instance (app->store, app->org, "Berlin", old_url, "admin", NULL,
                                           &error);
  g_assert_no_error (error);
  TEST_AWAIT (result, 10000,
              deck_credentials_store_async (app->credentials, DECK_SECRET_INSTANCE_LOGIN,
                                            deck_instance_get_id (app->instance), "Berlin",
                                            STORED_PASSWORD, NULL, test_util_store_result,
                                            &result));
  g_assert_true (deck_credentials_store_finish (app->credentials, result, &error));
  g_assert_no_error (error);
}

static void
app_close (App *app)
{
  g_autoptr(GError) error = NULL;

  if (app->instance != NULL)
    g_assert_true (deck_store_remove_instance (app->store, app->instance, &error));
  g_assert_no_error (error);
  g_clear_object (&app->context);
  g_clear_object (&app->monitor);
  g_clear_object (&app->credentials);
  g_clear_object (&app->store);
}

static DeckInstanceDialog *
open_dialog (App          *app,
             DeckInstance *instance)
{
  DeckInstanceDialog *dialog = deck_instance_dialog_new (NULL, app->context, app->org, instance);

  gtk_window_present (GTK_WINDOW (dialog));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (dialog));
  return dialog;
}

static void
close_dialog (DeckInstanceDialog *dialog)
{
  gboolean destroyed = FALSE;

  g_signal_connect (dialog, "destroy", G_CALLBACK (ui_test_on_destroyed), &destroyed);
  gtk_window_destroy (GTK_WINDOW (dialog));
  WAIT_UNTIL (destroyed, 5000);
  flush_main_context ();
}

static GtkWidget *
find_row (DeckInstanceDialog *dialog,
          const char         *title)
{
  GtkWidget *row = find_widget (GTK_WIDGET (dialog), match_row_title, title);

  if (row == NULL)
    g_error ("no row titled “%s”", title);
  return row;
}

static void
type_into (DeckInstanceDialog *dialog,
           const char         *title,
           const char         *text)
{
  gtk_editable_set_text (GTK_EDITABLE (find_row (dialog, title)), text);
  flush_main_context ();
}

static AdwMessageDialog *
find_question (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (item) && gtk_widget_get_visible (GTK_WIDGET (item)) &&
          g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (item)), QUESTION) == 0)
        return ADW_MESSAGE_DIALOG (item);
    }
  return NULL;
}

/* Answers the question as a click on one of its buttons does: the
 * response, then the dialog goes away. */
static void
answer (const char *response)
{
  AdwMessageDialog *question = NULL;

  WAIT_UNTIL ((question = find_question ()) != NULL, 5000);
  g_assert_true (adw_message_dialog_has_response (question, response));
  adw_message_dialog_response (question, response);
  gtk_window_destroy (GTK_WINDOW (question));
  WAIT_UNTIL (find_question () == NULL, 5000);
  flush_main_context ();
}

/* What the dialog's test row says */
static const char *
test_state (DeckInstanceDialog *dialog)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (find_row (dialog, "Connection")));
}

static char *
basic (const char *user,
       const char *password)
{
  g_autofree char *pair = g_strdup_printf ("%s:%s", user, password);
  g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));

  return g_strconcat ("Basic ", encoded, NULL);
}

/* Gives what a request would need to arrive (the keyring lookup, the
 * connection) the time it takes on loopback, many times over. */
static void
let_requests_arrive (void)
{
  test_util_spin (500);
  flush_main_context ();
}

/* Tests ------------------------------------------------------------------------- */

static void
test_plain_http_warning (void)
{
  App app = { 0 };
  DeckInstanceDialog *dialog;
  GtkWidget *warning;

  app_open (&app);
  dialog = open_dialog (&app, NULL);
  warning = find_row (dialog, "Not Encrypted");

  /* "https://" alone is no URL yet. */
  g_assert_false (gtk_widget_get_visible (warning));
  type_into (dialog, "URL", "http://db1.example.com:9925");
  g_assert_true (gtk_widget_get_visible (warning));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (warning)), "in clear"));
  type_into (dialog, "URL", "https://db1.example.com:9925");
  g_assert_false (gtk_widget_get_visible (warning));
  type_into (dialog, "URL", "HTTP://db1.example.com");
  g_assert_true (gtk_widget_get_visible (warning));

  close_dialog (dialog);

  /* Editing an instance on http:// shows it at once. */
  dialog = open_dialog (&app, app.instance);
  g_assert_true (gtk_widget_get_visible (find_row (dialog, "Not Encrypted")));
  close_dialog (dialog);
  app_close (&app);
}

static void
test_new_host_asks (void)
{
  g_autoptr(Witness) witness = witness_new ();
  g_autofree char *expected = basic ("admin", STORED_PASSWORD);
  g_autofree char *old_url = NULL;
  App app = { 0 };
  DeckInstanceDialog *dialog;

  app_open (&app);
  old_url = g_strdup (deck_instance_get_url (app.instance));
  dialog = open_dialog (&app, app.instance);
  type_into (dialog, "URL", witness->url);

  /* Test: asked first; the new host has received nothing. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.test", NULL);
  WAIT_UNTIL (find_question () != NULL, 5000);
  g_test_message ("asked: %s", adw_message_dialog_get_body (find_question ()));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (find_question ()), "Berlin"));
  let_requests_arrive ();
  g_assert_cmpuint (witness->authorizations->len, ==, 0);
  answer ("cancel");
  let_requests_arrive ();
  g_assert_cmpuint (witness->authorizations->len, ==, 0);
  g_assert_nonnull (strstr (test_state (dialog), "Not tested"));

  /* Save: asked too (it tests first, and the monitor would check the new
   * address with the stored password); refused, nothing is saved. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  answer ("cancel");
  let_requests_arrive ();
  g_assert_cmpuint (witness->authorizations->len, ==, 0);
  g_assert_cmpstr (deck_instance_get_url (app.instance), ==, old_url);

  /* Allowed: the stored password goes there, and the question is not
   * asked again for that address. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.test", NULL);
  answer ("send");
  WAIT_UNTIL (witness->authorizations->len > 0, 10000);
  g_assert_cmpstr (g_ptr_array_index (witness->authorizations, 0), ==, expected);
  WAIT_UNTIL (strstr (test_state (dialog), "Connecting") == NULL, 10000);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.test", NULL);
  flush_main_context ();
  g_assert_null (find_question ());
  WAIT_UNTIL (strstr (test_state (dialog), "Connecting") == NULL, 10000);

  close_dialog (dialog);
  app_close (&app);
}

static void
test_typed_password (void)
{
  g_autoptr(Witness) witness = witness_new ();
  g_autofree char *expected = basic ("admin", TYPED_PASSWORD);
  App app = { 0 };
  DeckInstanceDialog *dialog;

  app_open (&app);
  dialog = open_dialog (&app, app.instance);
  type_into (dialog, "URL", witness->url);
  type_into (dialog, "Password (leave empty to keep it)", TYPED_PASSWORD);

  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.test", NULL);
  WAIT_UNTIL (witness->authorizations->len > 0, 10000);
  g_assert_null (find_question ());
  g_assert_cmpstr (g_ptr_array_index (witness->authorizations, 0), ==, expected);
  WAIT_UNTIL (strstr (test_state (dialog), "Connecting") == NULL, 10000);

  close_dialog (dialog);
  app_close (&app);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *config_home = NULL;
  g_autofree char *state_home = NULL;
  int status;

  /* The app's folders in a temporary one, set before anything reads them. */
  base_dir = g_dir_make_tmp ("clusterdeck-ui-dialog-XXXXXX", NULL);
  g_assert_nonnull (base_dir);
  config_home = g_build_filename (base_dir, "config", NULL);
  state_home = g_build_filename (base_dir, "state", NULL);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  g_setenv ("XDG_STATE_HOME", state_home, TRUE);

  g_test_init (&argc, &argv, NULL);
  if (g_strcmp0 (g_getenv ("G_MESSAGES_DEBUG"), "") == 0 || g_getenv ("G_MESSAGES_DEBUG") == NULL)
    test_log_handler = g_log_set_default_handler (drop_debug_messages, NULL);
  if (!gtk_init_check ())
    {
      g_print ("Bail out! cannot open a display: run under Xvfb (meson test ui-instance-dialog)\n");
      return 1;
    }
  adw_init ();

  g_test_add_func ("/ui/instance-dialog/plain-http-warning", test_plain_http_warning);
  g_test_add_func ("/ui/instance-dialog/new-host-asks", test_new_host_asks);
  g_test_add_func ("/ui/instance-dialog/typed-password", test_typed_password);

  status = g_test_run ();
  remove_tree (base_dir);
  g_clear_pointer (&base_dir, g_free);
  return status;
}
