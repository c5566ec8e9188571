/* test-credentials.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DeckCredentials against real things, in the environment named by
 * TEST_CREDENTIALS_ENV (the meson tests set it and start the right bus):
 *
 *   keyring     a real, unlocked gnome-keyring on a private bus
 *               (tests/with-keyring.sh);
 *   no-service  a private bus that can activate nothing
 *               (dbus-run-session --config-file tests/dbus-no-services.conf);
 *   hanging     the same bus, on which this process owns
 *               org.freedesktop.secrets on a second connection and never
 *               answers a call;
 *   locked      the same bus, with a gnome-keyring-daemon started here
 *               without a default collection (and no display to ask for one).
 *
 * Every password used here contains SECRET_MARKER. A log writer aborts the
 * program when any log message (ours, libsecret's, GLib's; G_MESSAGES_DEBUG
 * is "all" in the meson tests) contains it, and the subprocess tests check
 * the child's whole stderr for it.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "deck-credentials.h"
#include "test-util.h"

#define SECRET_MARKER   "S3cr3t"
#define SCHEMA_NAME     "io.github.clusterdeck.Clusterdeck.Secret"
#define WAIT_MS         15000
#define HANG_TIMEOUT_MS 500

typedef enum
{
  OP_STORE,
  OP_LOOKUP,
  OP_CLEAR,
} Op;

/* ------------------------------------------------------------------ */
/* No password in the log                                              */

static GLogWriterOutput
secret_checking_writer (GLogLevelFlags   log_level,
                        const GLogField *fields,
                        gsize            n_fields,
                        gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    {
      const char *value = fields[i].value;

      if (value == NULL)
        continue;
      if (g_strstr_len (value, fields[i].length, SECRET_MARKER) != NULL)
        {
          /* Not g_error(): that would log the message again. */
          fprintf (stdout, "Bail out! A log message (field %s) contains a password\n",
                   fields[i].key);
          fflush (stdout);
          abort ();
        }
    }
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

/* ------------------------------------------------------------------ */
/* Waiting for results                                                 */

/* One call's outcome. `calls` counts the callbacks: exactly one is allowed. */
typedef struct
{
  GAsyncResult *result;
  guint         calls;
} Pending;

static void
pending_clear (Pending *p)
{
  g_clear_object (&p->result);
  p->calls = 0;
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Pending *p = user_data;

  p->calls++;
  if (p->result == NULL)
    p->result = g_object_ref (result);
}

static void
pending_wait (Pending    *p,
              const char *what)
{
  if (!test_util_wait_for_pointer ((gpointer *) &p->result, WAIT_MS))
    g_error ("%s did not call back within %d ms", what, WAIT_MS);
}

static double
elapsed_ms (gint64 since)
{
  return (g_get_monotonic_time () - since) / 1000.0;
}

static void
start_op (DeckCredentials *credentials,
          Op               op,
          DeckSecretKind   kind,
          const char      *key,
          const char      *secret,
          GCancellable    *cancellable,
          Pending         *p)
{
  g_autofree char *label = g_strdup_printf ("Clusterdeck test: “%s”", key);

  pending_clear (p);
  switch (op)
    {
    case OP_STORE:
      deck_credentials_store_async (credentials, kind, key, label, secret, cancellable,
                                    on_done, p);
      break;
    case OP_LOOKUP:
      deck_credentials_lookup_async (credentials, kind, key, cancellable, on_done, p);
      break;
    case OP_CLEAR:
      deck_credentials_clear_async (credentials, kind, key, cancellable, on_done, p);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* Finishes a call of any kind; a lookup's password goes to @password. */
static gboolean
finish_op (DeckCredentials  *credentials,
           Op                op,
           Pending          *p,
           char            **password,
           GError          **error)
{
  switch (op)
    {
    case OP_STORE:
      return deck_credentials_store_finish (credentials, p->result, error);
    case OP_LOOKUP:
      *password = deck_credentials_lookup_finish (credentials, p->result, error);
      return *password != NULL || (error != NULL && *error == NULL);
    case OP_CLEAR:
      return deck_credentials_clear_finish (credentials, p->result, error);
    default:
      g_assert_not_reached ();
    }
}

static gboolean
store_sync (DeckCredentials  *credentials,
            DeckSecretKind    kind,
            const char       *key,
            const char       *secret,
            double           *ms,
            GError          **error)
{
  Pending p = { NULL, 0 };
  gint64 start = g_get_monotonic_time ();
  gboolean ok;

  start_op (credentials, OP_STORE, kind, key, secret, NULL, &p);
  pending_wait (&p, "store");
  if (ms != NULL)
    *ms = elapsed_ms (start);
  ok = deck_credentials_store_finish (credentials, p.result, error);
  pending_clear (&p);
  return ok;
}

static char *
lookup_sync (DeckCredentials  *credentials,
             DeckSecretKind    kind,
             const char       *key,
             double           *ms,
             GError          **error)
{
  Pending p = { NULL, 0 };
  gint64 start = g_get_monotonic_time ();
  char *password;

  start_op (credentials, OP_LOOKUP, kind, key, NULL, NULL, &p);
  pending_wait (&p, "lookup");
  if (ms != NULL)
    *ms = elapsed_ms (start);
  password = deck_credentials_lookup_finish (credentials, p.result, error);
  pending_clear (&p);
  return password;
}

static gboolean
clear_sync (DeckCredentials  *credentials,
            DeckSecretKind    kind,
            const char       *key,
            double           *ms,
            GError          **error)
{
  Pending p = { NULL, 0 };
  gint64 start = g_get_monotonic_time ();
  gboolean ok;

  start_op (credentials, OP_CLEAR, kind, key, NULL, NULL, &p);
  pending_wait (&p, "clear");
  if (ms != NULL)
    *ms = elapsed_ms (start);
  ok = deck_credentials_clear_finish (credentials, p.result, error);
  pending_clear (&p);
  return ok;
}

static char *
new_key (void)
{
  return g_uuid_string_random ();
}

static void
on_notify_count (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

static gboolean
on_tick (gpointer user_data)
{
  guint *ticks = user_data;

  (*ticks)++;
  return G_SOURCE_CONTINUE;
}

static gboolean
on_cancel_now (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_REMOVE;
}

/* ------------------------------------------------------------------ */
/* Any environment                                                     */

static void
test_properties (void)
{
  g_autoptr(DeckCredentials) credentials = deck_credentials_new ();
  guint notified = 0;
  guint timeout = 0;
  gboolean memory_only = TRUE;

  g_assert_cmpuint (deck_credentials_get_timeout (credentials), ==, 5000);
  g_assert_false (deck_credentials_get_memory_only (credentials));

  g_signal_connect (credentials, "notify::timeout", G_CALLBACK (on_notify_count), &notified);
  deck_credentials_set_timeout (credentials, 1234);
  deck_credentials_set_timeout (credentials, 1234);
  g_assert_cmpuint (notified, ==, 1);
  g_object_get (credentials, "timeout", &timeout, "memory-only", &memory_only, NULL);
  g_assert_cmpuint (timeout, ==, 1234);
  g_assert_false (memory_only);

  g_assert_true (deck_credentials_get_default () == deck_credentials_get_default ());
  g_assert_true (DECK_IS_CREDENTIALS (deck_credentials_get_default ()));

  deck_credentials_free_secret (NULL);
  deck_credentials_free_secret (g_strdup (SECRET_MARKER "-free"));
}

/* ------------------------------------------------------------------ */
/* A real keyring                                                      */

static void
test_keyring_roundtrip (void)
{
  g_autoptr(DeckCredentials) credentials = deck_credentials_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *key = new_key ();
  g_autofree char *found = NULL;
  g_autofree char *replaced = NULL;
  g_autofree char *gone = NULL;
  double store_ms, lookup_ms, replace_ms, clear_ms, missing_ms;

  g_assert_true (store_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, key,
                             SECRET_MARKER "-first ✓", &store_ms, &error));
  g_assert_no_error (error);

  found = lookup_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, key, &lookup_ms, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, SECRET_MARKER "-first ✓");

  /* Storing again replaces the item instead of adding a second one. */
  g_assert_true (store_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, key,
                             SECRET_MARKER "-second", &replace_ms, &error));
  g_assert_no_error (error);
  replaced = lookup_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, key, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (replaced, ==, SECRET_MARKER "-second");

  g_assert_true (clear_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, key, &clear_ms, &error));
  g_assert_no_error (error);
  gone = lookup_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, key, &missing_ms, &error);
  g_assert_no_error (error);
  g_assert_null (gone);

  /* Clearing what is not there is not an error. */
  g_assert_true (clear_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, key, NULL, &error));
  g_assert_no_error (error);

  g_assert_false (deck_credentials_get_memory_only (credentials));
  g_test_message ("keyring timings: store %.1f ms (first call, opens the service), "
                  "lookup %.1f ms, replace %.1f ms, clear %.1f ms, lookup of nothing %.1f ms",
                  store_ms, lookup_ms, replace_ms, clear_ms, missing_ms);
}

static void
test_keyring_kinds_do_not_collide (void)
{
  g_autoptr(DeckCredentials) credentials = deck_credentials_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *key = new_key ();
  g_autofree char *login = NULL;
  g_autofree char *cluster = NULL;
  g_autofree char *login_after = NULL;
  g_autofree char *cluster_after = NULL;

  g_assert_true (store_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, key,
                             SECRET_MARKER "-login", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (store_sync (credentials, DECK_SECRET_CLUSTER_USER, key,
                             SECRET_MARKER "-cluster", NULL, &error));
  g_assert_no_error (error);

  login = lookup_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, key, NULL, &error);
  g_assert_no_error (error);
  cluster = lookup_sync (credentials, DECK_SECRET_CLUSTER_USER, key, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (login, ==, SECRET_MARKER "-login");
  g_assert_cmpstr (cluster, ==, SECRET_MARKER "-cluster");

  g_assert_true (clear_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, key, NULL, &error));
  g_assert_no_error (error);
  login_after = lookup_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, key, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (login_after);
  cluster_after = lookup_sync (credentials, DECK_SECRET_CLUSTER_USER, key, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cluster_after, ==, SECRET_MARKER "-cluster");

  g_assert_true (clear_sync (credentials, DECK_SECRET_CLUSTER_USER, key, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (deck_credentials_get_memory_only (credentials));
}

/* Runs secret-tool with @argv, feeding @input on stdin; returns its stdout
 * (and its stderr in @err_out, where `search` prints the attributes). */
static char *
run_secret_tool (const char * const  *argv,
                 const char          *input,
                 gboolean            *succeeded,
                 char               **err_out)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* Its GLib would print debug messages on stdout, next to the password. */
  g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &out, &err, &error);
  g_assert_no_error (error);
  *succeeded = g_subprocess_get_successful (process);
  if (err_out != NULL)
    *err_out = g_steal_pointer (&err);
  else if (err != NULL && *err != '\0')
    g_test_message ("%s: %s", argv[1], err);
  return g_steal_pointer (&out);
}

static void
test_keyring_secret_tool_sees_item (void)
{
  g_autoptr(DeckCredentials) credentials = deck_credentials_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *key = new_key ();
  g_autofree char *looked_up = NULL;
  g_autofree char *searched = NULL;
  g_autofree char *search_err = NULL;
  g_autofree char *theirs = NULL;
  g_autofree char *after_clear = NULL;
  g_autofree char *not_ours = NULL;
  gboolean ok = FALSE;
  const char *lookup_argv[] = { "secret-tool", "lookup", "kind", "instance-login", "key",
                                key, NULL };
  /* libsecret stores the schema name as the attribute "xdg:schema". */
  const char *search_argv[] = { "secret-tool", "search", "--all", "xdg:schema", SCHEMA_NAME,
                                "key", key, NULL };
  /* Lookups match the schema name too (SECRET_SCHEMA_NONE), so that
   * another program's "kind"/"key" items are never taken for ours. */
  const char *store_argv[] = { "secret-tool", "store", "--label=Stored by secret-tool",
                               "xdg:schema", SCHEMA_NAME, "kind", "cluster-user", "key", key,
                               NULL };
  const char *store_other_argv[] = { "secret-tool", "store", "--label=Another program's",
                                     "kind", "instance-login", "key", key, NULL };
  const char *clear_argv[] = { "secret-tool", "clear", "kind", "instance-login", "key",
                               key, NULL };

  g_assert_true (store_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, key,
                             SECRET_MARKER "-for-secret-tool", NULL, &error));
  g_assert_no_error (error);

  /* secret-tool writes the password without a newline when stdout is not
   * a terminal; strip one anyway. */
  looked_up = run_secret_tool (lookup_argv, NULL, &ok, NULL);
  g_assert_true (ok);
  g_strchomp (looked_up);
  g_assert_cmpstr (looked_up, ==, SECRET_MARKER "-for-secret-tool");

  searched = run_secret_tool (search_argv, NULL, &ok, &search_err);
  g_assert_true (ok);
  g_assert_nonnull (strstr (searched, "label = Clusterdeck test: “"));
  g_assert_nonnull (strstr (search_err, "attribute.kind = instance-login"));

  /* And the other way round: an item made by secret-tool is found. */
  g_free (run_secret_tool (store_argv, SECRET_MARKER "-from-secret-tool", &ok, NULL));
  g_assert_true (ok);
  theirs = lookup_sync (credentials, DECK_SECRET_CLUSTER_USER, key, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (theirs, ==, SECRET_MARKER "-from-secret-tool");

  g_free (run_secret_tool (clear_argv, NULL, &ok, NULL));
  g_assert_true (ok);
  after_clear = lookup_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, key, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (after_clear);

  /* Same attributes, without our schema: not ours. */
  g_free (run_secret_tool (store_other_argv, SECRET_MARKER "-not-ours", &ok, NULL));
  g_assert_true (ok);
  not_ours = lookup_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, key, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (not_ours);
  g_free (run_secret_tool (clear_argv, NULL, &ok, NULL));
  g_assert_true (ok);

  g_assert_true (clear_sync (credentials, DECK_SECRET_CLUSTER_USER, key, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (deck_credentials_get_memory_only (credentials));
}

/* The item is in the keyring, not in the object's memory. */
static void
test_keyring_item_outlives_object (void)
{
  g_autoptr(DeckCredentials) other = deck_credentials_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *key = new_key ();
  g_autofree char *found = NULL;
  DeckCredentials *first = deck_credentials_new ();

  g_assert_true (store_sync (first, DECK_SECRET_CLUSTER_USER, key,
                             SECRET_MARKER "-persistent", NULL, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (first);

  found = lookup_sync (other, DECK_SECRET_CLUSTER_USER, key, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, SECRET_MARKER "-persistent");
  g_assert_true (clear_sync (other, DECK_SECRET_CLUSTER_USER, key, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (deck_credentials_get_memory_only (other));
}

static void
test_keyring_cancel (void)
{
  g_autoptr(DeckCredentials) credentials = deck_credentials_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *key = new_key ();
  g_autofree char *still = NULL;
  g_autofree char *none = NULL;
  Pending p = { NULL, 0 };

  g_assert_true (store_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, key,
                             SECRET_MARKER "-kept", NULL, &error));
  g_assert_no_error (error);

  /* Cancelled before the call. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();

    g_cancellable_cancel (cancellable);
    start_op (credentials, OP_LOOKUP, DECK_SECRET_INSTANCE_LOGIN, key, NULL, cancellable, &p);
    pending_wait (&p, "pre-cancelled lookup");
    none = deck_credentials_lookup_finish (credentials, p.result, &error);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_null (none);
    g_clear_error (&error);
  }

  /* Cancelled while the keyring is working on it: the answer that comes
   * later is dropped, and the caller hears once. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();

    start_op (credentials, OP_CLEAR, DECK_SECRET_INSTANCE_LOGIN, key, NULL, cancellable, &p);
    g_cancellable_cancel (cancellable);
    pending_wait (&p, "cancelled clear");
    g_assert_false (deck_credentials_clear_finish (credentials, p.result, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    test_util_spin (300);
    g_assert_cmpuint (p.calls, ==, 1);
    pending_clear (&p);
  }

  /* Cancelling stops the wait, not necessarily the keyring: the clear may
   * or may not have happened. What matters is that the object still works. */
  still = lookup_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, key, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (still == NULL || g_str_equal (still, SECRET_MARKER "-kept"));
  g_assert_true (clear_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, key, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (deck_credentials_get_memory_only (credentials));
}

/* ------------------------------------------------------------------ */
/* A fake secret service that never answers                            */

typedef struct
{
  GDBusConnection *connection;
  guint            filter_id;
  GMutex           lock;
  GQueue           swallowed;   /* incoming method calls, never answered */
  guint            n_swallowed;
} FakeService;

/* Runs in GDBus's worker thread: keeps every method call addressed to us
 * and lets everything else (replies to our own calls, signals) through. */
static GDBusMessage *
fake_service_filter (GDBusConnection *connection,
                     GDBusMessage    *message,
                     gboolean         incoming,
                     gpointer         user_data)
{
  FakeService *fake = user_data;

  if (incoming && g_dbus_message_get_message_type (message) == G_DBUS_MESSAGE_TYPE_METHOD_CALL)
    {
      g_mutex_lock (&fake->lock);
      g_queue_push_tail (&fake->swallowed, message);
      fake->n_swallowed++;
      g_mutex_unlock (&fake->lock);
      return NULL;
    }
  return message;
}

static guint
fake_service_count (FakeService *fake)
{
  guint n;

  g_mutex_lock (&fake->lock);
  n = fake->n_swallowed;
  g_mutex_unlock (&fake->lock);
  return n;
}

/* Owns org.freedesktop.secrets on a connection of its own, so that
 * libsecret, on the process's shared session connection, talks to it
 * over the bus like to any other service. */
static FakeService *
fake_service_start (void)
{
  FakeService *fake = g_new0 (FakeService, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  g_autoptr(GVariant) reply = NULL;
  guint32 result = 0;

  g_mutex_init (&fake->lock);
  g_queue_init (&fake->swallowed);

  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  fake->connection =
    g_dbus_connection_new_for_address_sync (address,
                                            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                            G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                            NULL, NULL, &error);
  g_assert_no_error (error);
  fake->filter_id = g_dbus_connection_add_filter (fake->connection, fake_service_filter,
                                                  fake, NULL);

  /* 4 = DBUS_NAME_FLAG_DO_NOT_QUEUE: if someone else has the name, this is
   * not the bus the test was meant to run on. */
  reply = g_dbus_connection_call_sync (fake->connection, "org.freedesktop.DBus",
                                       "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.secrets", 4),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, 5000,
                                       NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &result);
  g_assert_cmpuint (result, ==, 1);   /* DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER */
  return fake;
}

/* Answers, much too late, every call it swallowed. */
static void
fake_service_answer_late (FakeService *fake)
{
  GDBusMessage *call;

  g_mutex_lock (&fake->lock);
  while ((call = g_queue_pop_head (&fake->swallowed)) != NULL)
    {
      g_autoptr(GDBusMessage) reply =
        g_dbus_message_new_method_error (call, "org.freedesktop.DBus.Error.Failed",
                                         "This answer comes too late");

      g_dbus_connection_send_message (fake->connection, reply,
                                      G_DBUS_SEND_MESSAGE_FLAGS_NONE, NULL, NULL);
      g_object_unref (call);
    }
  g_mutex_unlock (&fake->lock);
}

static void
fake_service_stop (FakeService *fake)
{
  g_autoptr(GError) error = NULL;

  g_dbus_connection_remove_filter (fake->connection, fake->filter_id);
  g_dbus_connection_close_sync (fake->connection, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&fake->connection);
  g_queue_clear_full (&fake->swallowed, g_object_unref);
  g_mutex_clear (&fake->lock);
  g_free (fake);
}

typedef struct
{
  FakeService     *fake;
  DeckCredentials *credentials;
} Hanging;

static void
hanging_setup (Hanging       *fixture,
               gconstpointer  data)
{
  fixture->fake = fake_service_start ();
  fixture->credentials = deck_credentials_new ();
  deck_credentials_set_timeout (fixture->credentials, HANG_TIMEOUT_MS);
}

static void
hanging_teardown (Hanging       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->credentials);
  if (fixture->fake != NULL)
    fake_service_stop (fixture->fake);
  /* Late libsecret callbacks of this test run now, not in the next one. */
  test_util_spin (100);
}

static void
assert_times_out (Hanging *fixture,
                  Op       op)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;
  g_autofree char *key = new_key ();
  Pending p = { NULL, 0 };
  guint ticks = 0;
  guint tick_id;
  guint swallowed_before = fake_service_count (fixture->fake);
  gint64 start;
  double ms;

  tick_id = g_timeout_add (50, on_tick, &ticks);
  start = g_get_monotonic_time ();
  start_op (fixture->credentials, op, DECK_SECRET_INSTANCE_LOGIN, key,
            SECRET_MARKER "-hanging", NULL, &p);
  pending_wait (&p, "call to a hanging service");
  ms = elapsed_ms (start);
  g_source_remove (tick_id);

  g_assert_false (finish_op (fixture->credentials, op, &p, &password, &error));
  g_assert_error (error, DECK_CREDENTIALS_ERROR, DECK_CREDENTIALS_ERROR_TIMEOUT);
  g_assert_null (password);
  g_test_message ("timed out after %.1f ms, %u ticks meanwhile: %s",
                  ms, ticks, error->message);
  g_assert_nonnull (strstr (error->message, "within 0.5 s"));
  g_assert_nonnull (strstr (error->message, "unlock it"));

  /* About the timeout, not the 5 s default nor a hang. */
  g_assert_cmpfloat (ms, >=, HANG_TIMEOUT_MS - 20);
  g_assert_cmpfloat (ms, <, HANG_TIMEOUT_MS + 2500);
  /* The main loop ran during the wait: a 50 ms source ticked. */
  g_assert_cmpuint (ticks, >=, 5);
  /* libsecret really talked to the fake service. */
  g_assert_cmpuint (fake_service_count (fixture->fake), >, swallowed_before);
  /* A timeout is not "no service": the user can unlock the keyring. */
  g_assert_false (deck_credentials_get_memory_only (fixture->credentials));

  /* libsecret's own (cancelled) answer arrives later and is dropped. */
  test_util_spin (300);
  g_assert_cmpuint (p.calls, ==, 1);
  pending_clear (&p);
}

static void
test_hanging_store (Hanging       *fixture,
                    gconstpointer  data)
{
  assert_times_out (fixture, OP_STORE);
}

static void
test_hanging_lookup (Hanging       *fixture,
                     gconstpointer  data)
{
  assert_times_out (fixture, OP_LOOKUP);
}

static void
test_hanging_clear (Hanging       *fixture,
                    gconstpointer  data)
{
  assert_times_out (fixture, OP_CLEAR);
}

static void
test_hanging_concurrent (Hanging       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) store_error = NULL;
  g_autoptr(GError) lookup_error = NULL;
  g_autofree char *key = new_key ();
  g_autofree char *password = NULL;
  Pending store = { NULL, 0 };
  Pending lookup = { NULL, 0 };
  gint64 start = g_get_monotonic_time ();

  start_op (fixture->credentials, OP_STORE, DECK_SECRET_CLUSTER_USER, key,
            SECRET_MARKER "-concurrent", NULL, &store);
  start_op (fixture->credentials, OP_LOOKUP, DECK_SECRET_CLUSTER_USER, key, NULL, NULL, &lookup);
  pending_wait (&store, "concurrent store");
  pending_wait (&lookup, "concurrent lookup");
  g_assert_cmpfloat (elapsed_ms (start), <, HANG_TIMEOUT_MS + 2500);

  g_assert_false (deck_credentials_store_finish (fixture->credentials, store.result,
                                                 &store_error));
  g_assert_error (store_error, DECK_CREDENTIALS_ERROR, DECK_CREDENTIALS_ERROR_TIMEOUT);
  password = deck_credentials_lookup_finish (fixture->credentials, lookup.result, &lookup_error);
  g_assert_error (lookup_error, DECK_CREDENTIALS_ERROR, DECK_CREDENTIALS_ERROR_TIMEOUT);
  g_assert_null (password);

  test_util_spin (300);
  g_assert_cmpuint (store.calls, ==, 1);
  g_assert_cmpuint (lookup.calls, ==, 1);
  pending_clear (&store);
  pending_clear (&lookup);
}

static void
test_hanging_caller_cancel (Hanging       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *key = new_key ();
  g_autofree char *password = NULL;
  Pending p = { NULL, 0 };
  gint64 start = g_get_monotonic_time ();
  double ms;

  g_timeout_add (100, on_cancel_now, cancellable);
  start_op (fixture->credentials, OP_LOOKUP, DECK_SECRET_INSTANCE_LOGIN, key, NULL,
            cancellable, &p);
  pending_wait (&p, "cancelled lookup");
  ms = elapsed_ms (start);

  password = deck_credentials_lookup_finish (fixture->credentials, p.result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (password);
  g_assert_cmpfloat (ms, >=, 90);
  g_assert_cmpfloat (ms, <, HANG_TIMEOUT_MS);

  /* Past the timeout: the timer must not answer a second time. */
  test_util_spin (HANG_TIMEOUT_MS + 200);
  g_assert_cmpuint (p.calls, ==, 1);
  pending_clear (&p);
}

static void
test_hanging_late_reply (Hanging       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = new_key ();
  g_autofree char *found = NULL;
  Pending p = { NULL, 0 };
  guint notified = 0;
  double ms;

  start_op (fixture->credentials, OP_STORE, DECK_SECRET_INSTANCE_LOGIN, key,
            SECRET_MARKER "-late", NULL, &p);
  pending_wait (&p, "store to a hanging service");
  g_assert_false (deck_credentials_store_finish (fixture->credentials, p.result, &error));
  g_assert_error (error, DECK_CREDENTIALS_ERROR, DECK_CREDENTIALS_ERROR_TIMEOUT);
  g_clear_error (&error);

  /* The service wakes up and answers everything, then goes away. */
  fake_service_answer_late (fixture->fake);
  test_util_spin (300);
  fake_service_stop (fixture->fake);
  fixture->fake = NULL;
  test_util_spin (300);
  g_assert_cmpuint (p.calls, ==, 1);
  pending_clear (&p);

  /* Now nothing provides the name on this bus: the next call finds out
   * and keeps the password in memory. */
  g_signal_connect (fixture->credentials, "notify::memory-only",
                    G_CALLBACK (on_notify_count), &notified);
  g_assert_true (store_sync (fixture->credentials, DECK_SECRET_INSTANCE_LOGIN, key,
                             SECRET_MARKER "-late", &ms, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (ms, <, HANG_TIMEOUT_MS);
  g_assert_true (deck_credentials_get_memory_only (fixture->credentials));
  g_assert_cmpuint (notified, ==, 1);
  found = lookup_sync (fixture->credentials, DECK_SECRET_INSTANCE_LOGIN, key, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, SECRET_MARKER "-late");
}

/* ------------------------------------------------------------------ */
/* No secret service                                                   */

static GDBusConnection *
session_bus (void)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);

  g_assert_no_error (error);
  return bus;
}

/* Refuses to go on when the bus could start a keyring: on a desktop's bus
 * a store could pop up a prompt (or hang, DESIGN.md §5), and these tests
 * would not test what they claim. */
static void
test_no_service_bus_is_private (void)
{
  g_autoptr(GDBusConnection) bus = session_bus ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) names = NULL;
  g_autoptr(GVariant) has_owner = NULL;
  g_autofree const char **list = NULL;
  gboolean owned = TRUE;

  names = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "ListActivatableNames", NULL,
                                       G_VARIANT_TYPE ("(as)"), G_DBUS_CALL_FLAGS_NONE, 5000,
                                       NULL, &error);
  g_assert_no_error (error);
  g_variant_get (names, "(^a&s)", &list);
  g_assert_false (g_strv_contains (list, "org.freedesktop.secrets"));

  has_owner = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                           "org.freedesktop.DBus", "NameHasOwner",
                                           g_variant_new ("(s)", "org.freedesktop.secrets"),
                                           G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, 5000,
                                           NULL, &error);
  g_assert_no_error (error);
  g_variant_get (has_owner, "(b)", &owned);
  g_assert_false (owned);
}

static void
test_no_service_store_goes_to_memory (void)
{
  g_autoptr(DeckCredentials) credentials = deck_credentials_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *key = new_key ();
  g_autofree char *login = NULL;
  g_autofree char *cluster = NULL;
  g_autofree char *gone = NULL;
  g_autofree char *cluster_after = NULL;
  guint notified = 0;
  double store_ms, lookup_ms, clear_ms;

  g_signal_connect (credentials, "notify::memory-only", G_CALLBACK (on_notify_count),
                    &notified);

  g_assert_true (store_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, key,
                             SECRET_MARKER "-memory", &store_ms, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_true (deck_credentials_get_memory_only (credentials));

  g_assert_true (store_sync (credentials, DECK_SECRET_CLUSTER_USER, key,
                             SECRET_MARKER "-memory-cluster", NULL, &error));
  g_assert_no_error (error);

  login = lookup_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, key, &lookup_ms, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (login, ==, SECRET_MARKER "-memory");
  cluster = lookup_sync (credentials, DECK_SECRET_CLUSTER_USER, key, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cluster, ==, SECRET_MARKER "-memory-cluster");

  g_assert_true (clear_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, key, &clear_ms, &error));
  g_assert_no_error (error);
  gone = lookup_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, key, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (gone);
  cluster_after = lookup_sync (credentials, DECK_SECRET_CLUSTER_USER, key, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cluster_after, ==, SECRET_MARKER "-memory-cluster");

  /* Well under the 5 s timeout: finding out that there is no service
   * must not wait for it. */
  g_test_message ("no service: first store %.1f ms, lookup %.1f ms, clear %.1f ms",
                  store_ms, lookup_ms, clear_ms);
  g_assert_cmpfloat (store_ms, <, 1000);
  g_assert_cmpfloat (lookup_ms, <, 1000);
  g_assert_cmpfloat (clear_ms, <, 1000);
  g_assert_cmpuint (notified, ==, 1);
}

static void
test_no_service_lookup_first (void)
{
  g_autoptr(DeckCredentials) credentials = deck_credentials_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *key = new_key ();
  g_autofree char *found = NULL;
  double ms;

  found = lookup_sync (credentials, DECK_SECRET_CLUSTER_USER, key, &ms, &error);
  g_assert_no_error (error);
  g_assert_null (found);
  g_assert_true (deck_credentials_get_memory_only (credentials));
  g_assert_cmpfloat (ms, <, 1000);
}

/* Once in memory-only mode, libsecret is not called at all: even with a
 * (hanging) service on the bus now, answers come at once from memory and
 * the service sees no call. */
static void
test_no_service_stays_in_memory (void)
{
  g_autoptr(DeckCredentials) credentials = deck_credentials_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *key = new_key ();
  g_autofree char *found = NULL;
  g_autofree char *gone = NULL;
  FakeService *fake;
  double ms;

  deck_credentials_set_timeout (credentials, HANG_TIMEOUT_MS);
  g_assert_true (store_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, key,
                             SECRET_MARKER "-stays", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (deck_credentials_get_memory_only (credentials));

  fake = fake_service_start ();

  found = lookup_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, key, &ms, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, SECRET_MARKER "-stays");
  g_assert_cmpfloat (ms, <, HANG_TIMEOUT_MS);
  g_assert_true (store_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, key,
                             SECRET_MARKER "-stays-2", &ms, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (ms, <, HANG_TIMEOUT_MS);
  g_assert_true (clear_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, key, &ms, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (ms, <, HANG_TIMEOUT_MS);
  gone = lookup_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, key, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (gone);

  g_assert_cmpuint (fake_service_count (fake), ==, 0);
  fake_service_stop (fake);
}

/* In a child process (a fresh process has no bus connection yet): the
 * whole store → lookup → clear cycle works in memory. */
static void
memory_cycle_in_child (void)
{
  g_autoptr(DeckCredentials) credentials = deck_credentials_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *found = NULL;
  g_autofree char *gone = NULL;
  double ms;

  g_assert_true (store_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, "child",
                             SECRET_MARKER "-child", &ms, &error));
  g_assert_no_error (error);
  g_assert_true (deck_credentials_get_memory_only (credentials));
  g_assert_cmpfloat (ms, <, 1000);
  found = lookup_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, "child", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, SECRET_MARKER "-child");
  g_assert_true (clear_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, "child", NULL, &error));
  g_assert_no_error (error);
  gone = lookup_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, "child", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (gone);
}

/* The child logs at debug level to stderr: its reason for going to memory
 * must match @reason_pattern, and no password may appear anywhere. */
static void
assert_child_passed (const char *reason_pattern)
{
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr (reason_pattern);
  g_test_trap_assert_stderr_unmatched ("*" SECRET_MARKER "*");
  g_test_trap_assert_stdout_unmatched ("*" SECRET_MARKER "*");
}

/* The bus address points at a socket that does not exist. */
static void
test_no_service_missing_bus_socket (void)
{
  if (g_test_subprocess ())
    {
      g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
      g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/clusterdeck-test/bus", TRUE);
      memory_cycle_in_child ();
      return;
    }
  assert_child_passed ("*No secret service (*No such file or directory*");
}

/* No bus address at all, and no X11 to autolaunch one. */
static void
test_no_service_no_bus_at_all (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *runtime = g_dir_make_tmp ("clusterdeck-no-bus-XXXXXX", NULL);

      g_assert_nonnull (runtime);
      g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
      g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
      g_unsetenv ("DISPLAY");
      g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);   /* no "bus" socket in it */
      memory_cycle_in_child ();
      g_rmdir (runtime);
      return;
    }
  assert_child_passed ("*No secret service (Cannot autolaunch D-Bus*");
}

/* ------------------------------------------------------------------ */
/* A keyring without a usable default collection                       */

static gboolean
secrets_name_has_owner (GDBusConnection *bus)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", "org.freedesktop.secrets"),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, 5000,
                                       NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(b)", &owned);
  return owned;
}

static void
remove_tree (const char *path)
{
  const char *argv[] = { "rm", "-rf", path, NULL };
  g_autoptr(GError) error = NULL;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                &error);
  g_assert_no_error (error);
}

/* gnome-keyring-daemon started without --unlock, in an empty HOME and with
 * no display: it has no "login" collection and cannot prompt to create one.
 * That is what a desktop whose keyring was never set up looks like, and
 * the user can fix it, so it is LOCKED, not memory-only. */
static void
test_locked_no_default_collection (void)
{
  g_autoptr(GDBusConnection) bus = session_bus ();
  g_autoptr(DeckCredentials) credentials = deck_credentials_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) daemon = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *home = NULL;
  g_autofree char *runtime = NULL;
  g_autofree char *data = NULL;
  g_autofree char *key = new_key ();
  g_autofree char *found = NULL;
  gint64 deadline;
  double ms;

  g_assert_false (secrets_name_has_owner (bus));

  home = g_dir_make_tmp ("clusterdeck-locked-XXXXXX", &error);
  g_assert_no_error (error);
  runtime = g_build_filename (home, "run", NULL);
  data = g_build_filename (home, "data", NULL);
  g_assert_cmpint (g_mkdir_with_parents (runtime, 0700), ==, 0);

  /* Its stdout carries environment lines, not TAP. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");
  daemon = g_subprocess_launcher_spawn (launcher, &error, "gnome-keyring-daemon",
                                        "--foreground", "--components=secrets", NULL);
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (!secrets_name_has_owner (bus))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("gnome-keyring-daemon did not appear on the bus within 5 s");
      g_usleep (50 * 1000);
    }

  g_assert_false (store_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, key,
                              SECRET_MARKER "-locked", &ms, &error));
  g_assert_error (error, DECK_CREDENTIALS_ERROR, DECK_CREDENTIALS_ERROR_LOCKED);
  g_test_message ("store into a keyring without a default collection: %.1f ms: %s",
                  ms, error->message);
  g_assert_nonnull (strstr (error->message, "locked"));
  g_assert_false (deck_credentials_get_memory_only (credentials));
  g_clear_error (&error);

  /* Reading needs no collection: nothing is found, and that is no error. */
  found = lookup_sync (credentials, DECK_SECRET_INSTANCE_LOGIN, key, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (found);
  g_assert_false (deck_credentials_get_memory_only (credentials));

  g_subprocess_force_exit (daemon);
  g_subprocess_wait (daemon, NULL, &error);
  g_assert_no_error (error);
  remove_tree (home);
}

/* ------------------------------------------------------------------ */

static int
bail_out (const char *why)
{
  /* TAP: the whole run fails, visibly, instead of skipping. */
  g_print ("Bail out! %s\n", why);
  return 1;
}

int
main (int   argc,
      char *argv[])
{
  const char *environment = g_getenv ("TEST_CREDENTIALS_ENV");

  g_log_set_writer_func (secret_checking_writer, NULL, NULL);
  /* Debug messages go to stdout by default, where they would break TAP. */
  g_log_writer_default_set_use_stderr (TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/credentials/properties", test_properties);

  if (g_strcmp0 (environment, "keyring") == 0)
    {
      g_autofree char *secret_tool = g_find_program_in_path ("secret-tool");
      g_autofree char *daemon = g_find_program_in_path ("gnome-keyring-daemon");
      g_autofree char *tmp_prefix = g_build_filename (g_get_tmp_dir (), "", NULL);

      if (daemon == NULL)
        return bail_out ("gnome-keyring-daemon not found (install gnome-keyring)");
      if (secret_tool == NULL)
        return bail_out ("secret-tool not found (install libsecret-tools)");
      /* tests/with-keyring.sh gives us a throw-away HOME under TMPDIR; on
       * any other HOME this would write into someone's real keyring. */
      if (!g_str_has_prefix (g_get_home_dir (), tmp_prefix))
        return bail_out ("run this test through tests/with-keyring.sh (HOME is not a "
                         "throw-away directory)");

      g_test_add_func ("/credentials/keyring/roundtrip", test_keyring_roundtrip);
      g_test_add_func ("/credentials/keyring/kinds-do-not-collide",
                       test_keyring_kinds_do_not_collide);
      g_test_add_func ("/credentials/keyring/secret-tool-sees-item",
                       test_keyring_secret_tool_sees_item);
      g_test_add_func ("/credentials/keyring/item-outlives-object",
                       test_keyring_item_outlives_object);
      g_test_add_func ("/credentials/keyring/cancel", test_keyring_cancel);
    }
  else if (g_strcmp0 (environment, "no-service") == 0)
    {
      g_test_add_func ("/credentials/no-service/bus-is-private", test_no_service_bus_is_private);
      g_test_add_func ("/credentials/no-service/store-goes-to-memory",
                       test_no_service_store_goes_to_memory);
      g_test_add_func ("/credentials/no-service/lookup-first", test_no_service_lookup_first);
      g_test_add_func ("/credentials/no-service/stays-in-memory",
                       test_no_service_stays_in_memory);
      g_test_add_func ("/credentials/no-service/missing-bus-socket",
                       test_no_service_missing_bus_socket);
      g_test_add_func ("/credentials/no-service/no-bus-at-all", test_no_service_no_bus_at_all);
    }
  else if (g_strcmp0 (environment, "hanging") == 0)
    {
      g_test_add_func ("/credentials/hanging/bus-is-private", test_no_service_bus_is_private);
      g_test_add ("/credentials/hanging/store", Hanging, NULL,
                  hanging_setup, test_hanging_store, hanging_teardown);
      g_test_add ("/credentials/hanging/lookup", Hanging, NULL,
                  hanging_setup, test_hanging_lookup, hanging_teardown);
      g_test_add ("/credentials/hanging/clear", Hanging, NULL,
                  hanging_setup, test_hanging_clear, hanging_teardown);
      g_test_add ("/credentials/hanging/concurrent", Hanging, NULL,
                  hanging_setup, test_hanging_concurrent, hanging_teardown);
      g_test_add ("/credentials/hanging/caller-cancel", Hanging, NULL,
                  hanging_setup, test_hanging_caller_cancel, hanging_teardown);
      g_test_add ("/credentials/hanging/late-reply", Hanging, NULL,
                  hanging_setup, test_hanging_late_reply, hanging_teardown);
    }
  else if (g_strcmp0 (environment, "locked") == 0)
    {
      g_autofree char *daemon = g_find_program_in_path ("gnome-keyring-daemon");

      if (daemon == NULL)
        return bail_out ("gnome-keyring-daemon not found (install gnome-keyring)");
      g_test_add_func ("/credentials/locked/bus-is-private", test_no_service_bus_is_private);
      g_test_add_func ("/credentials/locked/no-default-collection",
                       test_locked_no_default_collection);
    }
  else
    {
      return bail_out ("TEST_CREDENTIALS_ENV must be keyring, no-service, hanging or locked "
                       "(the meson tests credentials-* set it and start the right bus)");
    }

  return g_test_run ();
}
