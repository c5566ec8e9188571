/* deck-credentials.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Passwords live in the user's keyring (the Secret Service, through
 * libsecret), and nowhere else: not in files, not in logs. Every call is
 * asynchronous and bounded by a timer, because a locked keyring may be
 * waiting for a password prompt that nobody answers, and the app must stay
 * usable meanwhile.
 *
 * When there is no secret service at all (no gnome-keyring or KWallet, no
 * session bus), the object switches to memory-only mode for the rest of the
 * run: passwords are then kept in a hash table in this process, the UI shows
 * a banner, and they are wiped when the object goes away. A locked keyring is
 * not that case: the user can unlock it, so it is reported as an error.
 *
 * Nothing here logs a password or an item label.
 */

#define G_LOG_DOMAIN "deck-credentials"

#include <string.h>

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "deck-credentials.h"

#define DEFAULT_TIMEOUT_MS 5000

struct _DeckCredentials
{
  GObject     parent_instance;

  guint       timeout_ms;
  gboolean    memory_only;
  GHashTable *memory;        /* "kind\nkey" → password (wiped when removed) */
};

G_DEFINE_FINAL_TYPE (DeckCredentials, deck_credentials, G_TYPE_OBJECT)

G_DEFINE_QUARK (deck-credentials-error-quark, deck_credentials_error)

enum {
  PROP_0,
  PROP_TIMEOUT,
  PROP_MEMORY_ONLY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef enum
{
  OPERATION_STORE,
  OPERATION_LOOKUP,
  OPERATION_CLEAR,
} OperationType;

/* One store, lookup or clear. It is the task data; the task itself is kept
 * alive by the pending libsecret call, which may come back after the caller
 * already had its answer (timeout, cancel): then the result is dropped. */
typedef struct
{
  OperationType  type;
  DeckSecretKind kind;
  char          *key;
  char          *label;
  char          *secret;              /* wiped when freed */
  guint          timeout_ms;          /* as it was when the call started, for the message */
  GCancellable  *cancellable;         /* ours, given to libsecret: cancelled by the timer */
  GSource       *timeout_source;
  GSource       *cancelled_source;    /* watches the caller's cancellable */
  gboolean       returned;            /* the caller has its answer: ignore anything later */
} Operation;

/**
 * deck_credentials_free_secret:
 * @secret: (nullable) (transfer full): a password
 *
 * Overwrites @secret with zeros and frees it, so that it does not linger in
 * freed memory. Use it for what deck_credentials_lookup_finish() returns
 * (g_free() is correct too, but leaves the bytes behind).
 */
void
deck_credentials_free_secret (char *secret)
{
  if (secret == NULL)
    return;
  memset (secret, 0, strlen (secret));
  g_free (secret);
}

static void
operation_stop_sources (Operation *op)
{
  if (op->timeout_source != NULL)
    {
      g_source_destroy (op->timeout_source);
      g_clear_pointer (&op->timeout_source, g_source_unref);
    }
  if (op->cancelled_source != NULL)
    {
      g_source_destroy (op->cancelled_source);
      g_clear_pointer (&op->cancelled_source, g_source_unref);
    }
}

static void
operation_free (Operation *op)
{
  operation_stop_sources (op);
  g_clear_object (&op->cancellable);
  g_free (op->key);
  g_free (op->label);
  deck_credentials_free_secret (op->secret);
  g_free (op);
}

static const SecretSchema *
deck_credentials_get_schema (void)
{
  static const SecretSchema schema = {
    .name = "io.github.clusterdeck.Clusterdeck.Secret",
    .flags = SECRET_SCHEMA_NONE,
    .attributes = {
      { .name = "kind", .type = SECRET_SCHEMA_ATTRIBUTE_STRING },
      { .name = "key", .type = SECRET_SCHEMA_ATTRIBUTE_STRING },
      { .name = NULL, .type = 0 },
    },
  };

  return &schema;
}

static const char *
kind_to_string (DeckSecretKind kind)
{
  switch (kind)
    {
    case DECK_SECRET_INSTANCE_LOGIN:
      return "instance-login";
    case DECK_SECRET_CLUSTER_USER:
      return "cluster-user";
    default:
      g_return_val_if_reached ("unknown");
    }
}

static GHashTable *
operation_attributes (Operation *op)
{
  GHashTable *attributes = g_hash_table_new (g_str_hash, g_str_equal);

  /* libsecret copies what it needs before the call returns. */
  g_hash_table_insert (attributes, (char *) "kind", (char *) kind_to_string (op->kind));
  g_hash_table_insert (attributes, (char *) "key", op->key);
  return attributes;
}

static char *
memory_key (DeckSecretKind  kind,
            const char     *key)
{
  /* The kind never contains a newline, so the first one separates. */
  return g_strdup_printf ("%s\n%s", kind_to_string (kind), key);
}

static void
deck_credentials_finalize (GObject *object)
{
  DeckCredentials *self = DECK_CREDENTIALS (object);

  /* The table's value destructor wipes every password. */
  g_clear_pointer (&self->memory, g_hash_table_destroy);

  G_OBJECT_CLASS (deck_credentials_parent_class)->finalize (object);
}

static void
deck_credentials_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  DeckCredentials *self = DECK_CREDENTIALS (object);

  switch (prop_id)
    {
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout_ms);
      break;
    case PROP_MEMORY_ONLY:
      g_value_set_boolean (value, self->memory_only);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_credentials_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  DeckCredentials *self = DECK_CREDENTIALS (object);

  switch (prop_id)
    {
    case PROP_TIMEOUT:
      deck_credentials_set_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_credentials_class_init (DeckCredentialsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = deck_credentials_finalize;
  object_class->get_property = deck_credentials_get_property;
  object_class->set_property = deck_credentials_set_property;

  /**
   * DeckCredentials:timeout:
   *
   * How long one keyring call may take, in milliseconds, before it fails
   * with %DECK_CREDENTIALS_ERROR_TIMEOUT.
   */
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 1, G_MAXUINT, DEFAULT_TIMEOUT_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * DeckCredentials:memory-only:
   *
   * %TRUE once the secret service turned out to be missing. Passwords are
   * then kept in memory for this run only, and the keyring is not asked
   * again. It never goes back to %FALSE.
   */
  properties[PROP_MEMORY_ONLY] =
    g_param_spec_boolean ("memory-only", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
deck_credentials_init (DeckCredentials *self)
{
  self->timeout_ms = DEFAULT_TIMEOUT_MS;
  self->memory = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) deck_credentials_free_secret);
}

/**
 * deck_credentials_new:
 *
 * Returns: (transfer full): a new #DeckCredentials; most code wants
 *   deck_credentials_get_default() instead
 */
DeckCredentials *
deck_credentials_new (void)
{
  return g_object_new (DECK_TYPE_CREDENTIALS, NULL);
}

/**
 * deck_credentials_get_default:
 *
 * The instance shared by the whole process, created on first use, so that
 * memory-only mode and the passwords kept in it are the same everywhere.
 *
 * Returns: (transfer none): the process-wide #DeckCredentials
 */
DeckCredentials *
deck_credentials_get_default (void)
{
  static DeckCredentials *default_instance;

  if (g_once_init_enter (&default_instance))
    g_once_init_leave (&default_instance, deck_credentials_new ());
  return default_instance;
}

guint
deck_credentials_get_timeout (DeckCredentials *self)
{
  g_return_val_if_fail (DECK_IS_CREDENTIALS (self), 0);
  return self->timeout_ms;
}

/**
 * deck_credentials_set_timeout:
 * @self: a #DeckCredentials
 * @timeout_ms: how long one keyring call may take, in milliseconds
 *
 * Applies to calls started afterwards.
 */
void
deck_credentials_set_timeout (DeckCredentials *self,
                              guint            timeout_ms)
{
  g_return_if_fail (DECK_IS_CREDENTIALS (self));
  g_return_if_fail (timeout_ms > 0);

  if (self->timeout_ms == timeout_ms)
    return;
  self->timeout_ms = timeout_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

gboolean
deck_credentials_get_memory_only (DeckCredentials *self)
{
  g_return_val_if_fail (DECK_IS_CREDENTIALS (self), FALSE);
  return self->memory_only;
}

static void
deck_credentials_enter_memory_only (DeckCredentials *self,
                                    const GError    *reason)
{
  if (self->memory_only)
    return;
  /* The D-Bus message names the bus or the service, never a password. */
  g_debug ("No secret service (%s): passwords are kept in memory for this run",
           reason->message);
  self->memory_only = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEMORY_ONLY]);
}

/* Carries out @op on the in-memory table and returns its result. */
static void
operation_run_in_memory (GTask *task)
{
  DeckCredentials *self = g_task_get_source_object (task);
  Operation *op = g_task_get_task_data (task);
  g_autofree char *mkey = memory_key (op->kind, op->key);
  const char *found;

  op->returned = TRUE;
  switch (op->type)
    {
    case OPERATION_STORE:
      g_hash_table_replace (self->memory, g_steal_pointer (&mkey), g_strdup (op->secret));
      g_task_return_boolean (task, TRUE);
      break;
    case OPERATION_LOOKUP:
      found = g_hash_table_lookup (self->memory, mkey);
      g_task_return_pointer (task, g_strdup (found),
                             (GDestroyNotify) deck_credentials_free_secret);
      break;
    case OPERATION_CLEAR:
      g_hash_table_remove (self->memory, mkey);
      g_task_return_boolean (task, TRUE);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* Whether @error is the D-Bus error @code, mapped by GDBus to G_DBUS_ERROR
 * or arriving with only its remote name (an error libsecret passes on as
 * it came). */
static gboolean
is_dbus_error (const GError *error,
               GDBusError    code,
               const char   *name)
{
  g_autofree char *remote = NULL;

  if (g_error_matches (error, G_DBUS_ERROR, code))
    return TRUE;
  if (!g_dbus_error_is_remote_error (error))
    return FALSE;
  remote = g_dbus_error_get_remote_error (error);
  return g_strcmp0 (remote, name) == 0;
}

/* No session bus can be reached without starting one: no
 * DBUS_SESSION_BUS_ADDRESS and no $XDG_RUNTIME_DIR/bus. GLib then tries to
 * autolaunch a bus and fails with G_IO_ERROR_FAILED ("Cannot autolaunch
 * D-Bus without X11 $DISPLAY"), a code shared with every other failure:
 * the condition itself is checked here instead of the message. */
static gboolean
session_bus_address_missing (void)
{
  g_autofree char *socket = NULL;
  const char *address = g_getenv ("DBUS_SESSION_BUS_ADDRESS");

  if (address != NULL && *address != '\0')
    return FALSE;
  socket = g_build_filename (g_get_user_runtime_dir (), "bus", NULL);
  return !g_file_test (socket, G_FILE_TEST_EXISTS);
}

/* The secret service is not there at all: no bus, or nothing on the bus
 * that provides org.freedesktop.secrets. */
static gboolean
error_is_unavailable (const GError *error)
{
  if (is_dbus_error (error, G_DBUS_ERROR_SERVICE_UNKNOWN,
                     "org.freedesktop.DBus.Error.ServiceUnknown") ||
      is_dbus_error (error, G_DBUS_ERROR_NAME_HAS_NO_OWNER,
                     "org.freedesktop.DBus.Error.NameHasNoOwner") ||
      is_dbus_error (error, G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND,
                     "org.freedesktop.DBus.Error.Spawn.ServiceNotFound"))
    return TRUE;
  /* The session bus address points at a socket that is not there (or that
   * nobody listens on any more). */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return TRUE;
  /* No session bus address at all, and GLib could not start one. */
  if (error->domain == G_IO_ERROR && session_bus_address_missing ())
    return TRUE;
  return FALSE;
}

/* The service runs but the default collection cannot be used: it is locked,
 * or there is none yet and no prompt could be shown to create it. Without
 * a default collection, gnome-keyring answers UnknownMethod ("Object does
 * not exist at path …/collection/login"): the message names the path, and
 * is not read, because every object this app reaches through libsecret is
 * the default collection or one of its items, so an object that does not
 * exist always means there is no collection to use. */
static gboolean
error_is_locked (const GError *error)
{
  return g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED) ||
         g_error_matches (error, SECRET_ERROR, SECRET_ERROR_NO_SUCH_OBJECT) ||
         is_dbus_error (error, G_DBUS_ERROR_UNKNOWN_METHOD,
                        "org.freedesktop.DBus.Error.UnknownMethod") ||
         is_dbus_error (error, G_DBUS_ERROR_UNKNOWN_OBJECT,
                        "org.freedesktop.DBus.Error.UnknownObject");
}

static void
operation_return_locked (GTask *task)
{
  g_task_return_new_error (task, DECK_CREDENTIALS_ERROR, DECK_CREDENTIALS_ERROR_LOCKED,
                           _("The keyring is locked, or there is no default keyring to keep "
                             "passwords in. Unlock it (or create one) in the Passwords and "
                             "Keys application and try again."));
}

/* Hands a libsecret result over to the caller, unless the caller already
 * had an answer. Takes @error and @password. */
static void
operation_complete (GTask  *task,
                    GError *error,
                    char   *password)
{
  DeckCredentials *self = g_task_get_source_object (task);
  Operation *op = g_task_get_task_data (task);
  g_autoptr(GError) owned_error = error;

  if (op->returned)
    {
      /* A late answer after a timeout or a cancel: the caller has been told
       * already, and a result now could be stale. */
      deck_credentials_free_secret (password);
      return;
    }

  operation_stop_sources (op);

  if (owned_error == NULL)
    {
      op->returned = TRUE;
      if (op->type == OPERATION_LOOKUP)
        g_task_return_pointer (task, password, (GDestroyNotify) deck_credentials_free_secret);
      else
        g_task_return_boolean (task, TRUE);
      return;
    }

  g_debug ("Keyring call failed: %s (%s, %d)", owned_error->message,
           g_quark_to_string (owned_error->domain), owned_error->code);

  if (error_is_unavailable (owned_error))
    {
      deck_credentials_enter_memory_only (self, owned_error);
      operation_run_in_memory (task);
      return;
    }

  op->returned = TRUE;

  if (g_error_matches (owned_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Not our cancel (that returns before libsecret answers): the call
       * was given up inside libsecret or the service, as when an unlock
       * prompt is dismissed. The keyring stays locked. */
      operation_return_locked (task);
    }
  else if (error_is_locked (owned_error))
    {
      operation_return_locked (task);
    }
  else
    {
      g_task_return_new_error (task, DECK_CREDENTIALS_ERROR, DECK_CREDENTIALS_ERROR_FAILED,
                               _("The keyring could not be used: %s"), owned_error->message);
    }
}

static void
on_secret_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;   /* the reference the libsecret call held */
  Operation *op = g_task_get_task_data (task);
  GError *error = NULL;
  char *password = NULL;

  switch (op->type)
    {
    case OPERATION_STORE:
      secret_password_store_finish (result, &error);
      break;
    case OPERATION_LOOKUP:
      password = secret_password_lookup_finish (result, &error);
      break;
    case OPERATION_CLEAR:
      /* FALSE without an error means there was nothing to clear: fine. */
      secret_password_clear_finish (result, &error);
      break;
    default:
      g_assert_not_reached ();
    }

  operation_complete (task, error, password);
}

/* Answers the caller with @error now, before libsecret does. Its callback
 * still runs later, with G_IO_ERROR_CANCELLED, and is then ignored; the
 * task stays alive until then because that call holds a reference. */
static void
operation_give_up (GTask  *task,
                   GError *error)
{
  Operation *op = g_task_get_task_data (task);

  /* Cancelling may run libsecret's callback, and drop its reference,
   * before this function is done with the task. */
  g_object_ref (task);
  op->returned = TRUE;
  operation_stop_sources (op);
  g_cancellable_cancel (op->cancellable);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static gboolean
on_operation_timeout (gpointer user_data)
{
  GTask *task = user_data;
  Operation *op = g_task_get_task_data (task);
  g_autofree char *seconds = NULL;

  if (op->returned)
    return G_SOURCE_REMOVE;

  seconds = g_strdup_printf ("%g", op->timeout_ms / 1000.0);
  operation_give_up (task,
                     g_error_new (DECK_CREDENTIALS_ERROR, DECK_CREDENTIALS_ERROR_TIMEOUT,
                                  _("The keyring did not answer within %s s. It may be "
                                    "locked and waiting for its password: unlock it and "
                                    "try again."),
                                  seconds));
  return G_SOURCE_REMOVE;
}

static gboolean
on_caller_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  GTask *task = user_data;
  Operation *op = g_task_get_task_data (task);

  if (op->returned)
    return G_SOURCE_REMOVE;

  operation_give_up (task,
                     g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                          _("The keyring operation was cancelled.")));
  return G_SOURCE_REMOVE;
}

static void
operation_start (DeckCredentials     *self,
                 Operation           *op,
                 gpointer             source_tag,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  GCancellable *caller = cancellable;

  op->timeout_ms = self->timeout_ms;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify) operation_free);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (self->memory_only)
    {
      operation_run_in_memory (task);
      return;
    }

  /* Our own cancellable goes to libsecret, so that the timer can stop the
   * call without touching the caller's. The caller's is watched with a
   * source rather than a signal handler: cancelling may happen in any
   * thread, and the task must return in its own context. */
  op->cancellable = g_cancellable_new ();

  op->timeout_source = g_timeout_source_new (op->timeout_ms);
  g_source_set_name (op->timeout_source, "[deck-credentials] keyring timeout");
  g_source_set_callback (op->timeout_source, on_operation_timeout, task, NULL);
  g_source_attach (op->timeout_source, g_task_get_context (task));

  if (caller != NULL)
    {
      op->cancelled_source = g_cancellable_source_new (caller);
      g_source_set_name (op->cancelled_source, "[deck-credentials] caller cancelled");
      g_source_set_callback (op->cancelled_source, G_SOURCE_FUNC (on_caller_cancelled),
                             task, NULL);
      g_source_attach (op->cancelled_source, g_task_get_context (task));
    }

  /* The sources above do not hold the task: the libsecret call does, until
   * its callback runs, and operation_free() destroys them. */
  attributes = operation_attributes (op);
  switch (op->type)
    {
    case OPERATION_STORE:
      secret_password_storev (deck_credentials_get_schema (), attributes,
                              SECRET_COLLECTION_DEFAULT, op->label, op->secret,
                              op->cancellable, on_secret_done, g_object_ref (task));
      break;
    case OPERATION_LOOKUP:
      secret_password_lookupv (deck_credentials_get_schema (), attributes,
                               op->cancellable, on_secret_done, g_object_ref (task));
      break;
    case OPERATION_CLEAR:
      secret_password_clearv (deck_credentials_get_schema (), attributes,
                              op->cancellable, on_secret_done, g_object_ref (task));
      break;
    default:
      g_assert_not_reached ();
    }
}

static Operation *
operation_new (OperationType   type,
               DeckSecretKind  kind,
               const char     *key)
{
  Operation *op = g_new0 (Operation, 1);

  op->type = type;
  op->kind = kind;
  op->key = g_strdup (key);
  return op;
}

/**
 * deck_credentials_store_async:
 * @self: a #DeckCredentials
 * @kind: what the password is for
 * @key: the instance id or organization id
 * @label: the item's label, as the user will see it in a keyring manager
 * @secret: the password
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the password is stored or the call failed
 * @user_data: data for @callback
 *
 * Stores @secret in the default keyring, replacing the one stored before
 * for @kind and @key. In memory-only mode, keeps it in memory instead.
 */
void
deck_credentials_store_async (DeckCredentials     *self,
                              DeckSecretKind       kind,
                              const char          *key,
                              const char          *label,
                              const char          *secret,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  Operation *op;

  g_return_if_fail (DECK_IS_CREDENTIALS (self));
  g_return_if_fail (key != NULL);
  g_return_if_fail (label != NULL);
  g_return_if_fail (secret != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  op = operation_new (OPERATION_STORE, kind, key);
  op->label = g_strdup (label);
  op->secret = g_strdup (secret);
  operation_start (self, op, deck_credentials_store_async, cancellable, callback, user_data);
}

/**
 * deck_credentials_store_finish:
 * @self: a #DeckCredentials
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a %DECK_CREDENTIALS_ERROR, or
 *   %G_IO_ERROR_CANCELLED when the caller cancelled
 *
 * Returns: %TRUE when the password was stored
 */
gboolean
deck_credentials_store_finish (DeckCredentials  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (DECK_IS_CREDENTIALS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        deck_credentials_store_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * deck_credentials_lookup_async:
 * @self: a #DeckCredentials
 * @kind: what the password is for
 * @key: the instance id or organization id
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * Looks up the password stored for @kind and @key.
 */
void
deck_credentials_lookup_async (DeckCredentials     *self,
                               DeckSecretKind       kind,
                               const char          *key,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (DECK_IS_CREDENTIALS (self));
  g_return_if_fail (key != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  operation_start (self, operation_new (OPERATION_LOOKUP, kind, key),
                   deck_credentials_lookup_async, cancellable, callback, user_data);
}

/**
 * deck_credentials_lookup_finish:
 * @self: a #DeckCredentials
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a %DECK_CREDENTIALS_ERROR, or
 *   %G_IO_ERROR_CANCELLED when the caller cancelled
 *
 * Returns: (transfer full) (nullable): the password, to be freed with
 *   deck_credentials_free_secret(), or %NULL; %NULL without an error means
 *   that nothing is stored
 */
char *
deck_credentials_lookup_finish (DeckCredentials  *self,
                                GAsyncResult     *result,
                                GError          **error)
{
  g_return_val_if_fail (DECK_IS_CREDENTIALS (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        deck_credentials_lookup_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * deck_credentials_clear_async:
 * @self: a #DeckCredentials
 * @kind: what the password is for
 * @key: the instance id or organization id
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the password is gone or the call failed
 * @user_data: data for @callback
 *
 * Removes the password stored for @kind and @key. Nothing stored is not
 * an error.
 */
void
deck_credentials_clear_async (DeckCredentials     *self,
                              DeckSecretKind       kind,
                              const char          *key,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (DECK_IS_CREDENTIALS (self));
  g_return_if_fail (key != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  operation_start (self, operation_new (OPERATION_CLEAR, kind, key),
                   deck_credentials_clear_async, cancellable, callback, user_data);
}

/**
 * deck_credentials_clear_finish:
 * @self: a #DeckCredentials
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a %DECK_CREDENTIALS_ERROR, or
 *   %G_IO_ERROR_CANCELLED when the caller cancelled
 *
 * Returns: %TRUE when no password is stored any more
 */
gboolean
deck_credentials_clear_finish (DeckCredentials  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (DECK_IS_CREDENTIALS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        deck_credentials_clear_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
