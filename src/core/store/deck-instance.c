/* deck-instance.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One Harper instance of an organization. Two kinds of state live here: what
 * the organizations file stores (id, name, URL, login name, pinned
 * certificate; never a password), and what the last check found (status,
 * version, engine, …), which is never stored and is only ever set from the
 * main thread.
 */

#define G_LOG_DOMAIN "deck-instance"

#include "deck-instance.h"
#include "hdb-client.h"
#include "hdb-error.h"

struct _DeckInstance
{
  GObject             parent_instance;

  /* Stored */
  char               *id;
  char               *organization_id;
  char               *name;
  char               *url;
  char               *username;
  char               *pinned_certificate;  /* 64 lower-case hex digits, or NULL */

  /* Live */
  DeckInstanceStatus  status;
  char               *version;
  HdbEngine           engine;
  char               *node_name;
  char               *login_user;
  gboolean            super_user;
  gboolean            restart_pending;
  char               *last_error;
  GDateTime          *last_checked;
};

G_DEFINE_FINAL_TYPE (DeckInstance, deck_instance, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (DeckInstanceStatus, deck_instance_status,
  G_DEFINE_ENUM_VALUE (DECK_INSTANCE_STATUS_UNKNOWN, "unknown"),
  G_DEFINE_ENUM_VALUE (DECK_INSTANCE_STATUS_CHECKING, "checking"),
  G_DEFINE_ENUM_VALUE (DECK_INSTANCE_STATUS_REACHABLE, "reachable"),
  G_DEFINE_ENUM_VALUE (DECK_INSTANCE_STATUS_UNREACHABLE, "unreachable"),
  G_DEFINE_ENUM_VALUE (DECK_INSTANCE_STATUS_AUTH_FAILED, "auth-failed"),
  G_DEFINE_ENUM_VALUE (DECK_INSTANCE_STATUS_UNTRUSTED_CERTIFICATE, "untrusted-certificate"),
  G_DEFINE_ENUM_VALUE (DECK_INSTANCE_STATUS_NO_PASSWORD, "no-password"))

enum {
  PROP_0,
  PROP_ID,
  PROP_ORGANIZATION_ID,
  PROP_NAME,
  PROP_URL,
  PROP_USERNAME,
  PROP_PINNED_CERTIFICATE,
  PROP_STATUS,
  PROP_VERSION,
  PROP_ENGINE,
  PROP_NODE_NAME,
  PROP_LOGIN_USER,
  PROP_SUPER_USER,
  PROP_RESTART_PENDING,
  PROP_LAST_ERROR,
  PROP_LAST_CHECKED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * deck_instance_status_to_string:
 * @status: a status
 *
 * Returns: a stable, untranslated name for @status, as the command line's
 *   JSON output and the logs use it
 */
const char *
deck_instance_status_to_string (DeckInstanceStatus status)
{
  switch (status)
    {
    case DECK_INSTANCE_STATUS_UNKNOWN:
      return "unknown";
    case DECK_INSTANCE_STATUS_CHECKING:
      return "checking";
    case DECK_INSTANCE_STATUS_REACHABLE:
      return "reachable";
    case DECK_INSTANCE_STATUS_UNREACHABLE:
      return "unreachable";
    case DECK_INSTANCE_STATUS_AUTH_FAILED:
      return "auth-failed";
    case DECK_INSTANCE_STATUS_UNTRUSTED_CERTIFICATE:
      return "untrusted-certificate";
    case DECK_INSTANCE_STATUS_NO_PASSWORD:
      return "no-password";
    default:
      return "unknown";
    }
}

/* Replaces *field with a copy of @value and notifies @prop, but only when
 * the value really changed: list rows bind to these properties, and a
 * periodic refresh that finds nothing new must not make them redraw. */
static void
set_string (DeckInstance  *self,
            char         **field,
            const char    *value,
            guint          prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_boolean (DeckInstance *self,
             gboolean     *field,
             gboolean      value,
             guint         prop)
{
  value = !!value;
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_status (DeckInstance       *self,
            DeckInstanceStatus  status)
{
  if (self->status == status)
    return;
  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

static void
set_engine (DeckInstance *self,
            HdbEngine     engine)
{
  if (self->engine == engine)
    return;
  self->engine = engine;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENGINE]);
}

static void
touch_last_checked (DeckInstance *self)
{
  g_clear_pointer (&self->last_checked, g_date_time_unref);
  self->last_checked = g_date_time_new_now_local ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_CHECKED]);
}

static void
deck_instance_finalize (GObject *object)
{
  DeckInstance *self = DECK_INSTANCE (object);

  g_free (self->id);
  g_free (self->organization_id);
  g_free (self->name);
  g_free (self->url);
  g_free (self->username);
  g_free (self->pinned_certificate);
  g_free (self->version);
  g_free (self->node_name);
  g_free (self->login_user);
  g_free (self->last_error);
  g_clear_pointer (&self->last_checked, g_date_time_unref);

  G_OBJECT_CLASS (deck_instance_parent_class)->finalize (object);
}

static void
deck_instance_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  DeckInstance *self = DECK_INSTANCE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_ORGANIZATION_ID:
      g_value_set_string (value, self->organization_id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_USERNAME:
      g_value_set_string (value, self->username);
      break;
    case PROP_PINNED_CERTIFICATE:
      g_value_set_string (value, self->pinned_certificate);
      break;
    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;
    case PROP_VERSION:
      g_value_set_string (value, self->version);
      break;
    case PROP_ENGINE:
      g_value_set_int (value, self->engine);
      break;
    case PROP_NODE_NAME:
      g_value_set_string (value, self->node_name);
      break;
    case PROP_LOGIN_USER:
      g_value_set_string (value, self->login_user);
      break;
    case PROP_SUPER_USER:
      g_value_set_boolean (value, self->super_user);
      break;
    case PROP_RESTART_PENDING:
      g_value_set_boolean (value, self->restart_pending);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    case PROP_LAST_CHECKED:
      g_value_set_boxed (value, self->last_checked);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_instance_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  DeckInstance *self = DECK_INSTANCE (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;
    case PROP_ORGANIZATION_ID:
      self->organization_id = g_value_dup_string (value);
      break;
    case PROP_NAME:
      deck_instance_set_name (self, g_value_get_string (value));
      break;
    case PROP_URL:
      deck_instance_set_url (self, g_value_get_string (value));
      break;
    case PROP_USERNAME:
      deck_instance_set_username (self, g_value_get_string (value));
      break;
    case PROP_PINNED_CERTIFICATE:
      deck_instance_set_pinned_certificate (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
deck_instance_class_init (DeckInstanceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = deck_instance_finalize;
  object_class->get_property = deck_instance_get_property;
  object_class->set_property = deck_instance_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ORGANIZATION_ID] =
    g_param_spec_string ("organization-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USERNAME] =
    g_param_spec_string ("username", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * DeckInstance:pinned-certificate: (nullable)
   *
   * The SHA-256 fingerprint of a certificate the user chose to trust,
   * normalized to 64 lower-case hex digits.
   */
  properties[PROP_PINNED_CERTIFICATE] =
    g_param_spec_string ("pinned-certificate", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL,
                       DECK_TYPE_INSTANCE_STATUS, DECK_INSTANCE_STATUS_UNKNOWN,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VERSION] =
    g_param_spec_string ("version", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* An #HdbEngine; libhdb registers no GType for it. */
  properties[PROP_ENGINE] =
    g_param_spec_int ("engine", NULL, NULL,
                      HDB_ENGINE_UNKNOWN, HDB_ENGINE_NATS, HDB_ENGINE_UNKNOWN,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NODE_NAME] =
    g_param_spec_string ("node-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOGIN_USER] =
    g_param_spec_string ("login-user", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUPER_USER] =
    g_param_spec_boolean ("super-user", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RESTART_PENDING] =
    g_param_spec_boolean ("restart-pending", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_CHECKED] =
    g_param_spec_boxed ("last-checked", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
deck_instance_init (DeckInstance *self)
{
  self->status = DECK_INSTANCE_STATUS_UNKNOWN;
  self->engine = HDB_ENGINE_UNKNOWN;
}

/**
 * deck_instance_new:
 * @id: a unique id (the key of its password in the keyring)
 * @organization_id: the id of its organization
 * @name: the name shown to the user
 * @url: the Operations API URL
 * @username: the login
 *
 * Creates an instance that is not part of any store yet; the store adds
 * instances with deck_store_add_instance().
 *
 * Returns: (transfer full): a new instance, status unknown
 */
DeckInstance *
deck_instance_new (const char *id,
                   const char *organization_id,
                   const char *name,
                   const char *url,
                   const char *username)
{
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (organization_id != NULL, NULL);

  return g_object_new (DECK_TYPE_INSTANCE,
                       "id", id,
                       "organization-id", organization_id,
                       "name", name,
                       "url", url,
                       "username", username,
                       NULL);
}

const char *
deck_instance_get_id (DeckInstance *self)
{
  g_return_val_if_fail (DECK_IS_INSTANCE (self), NULL);
  return self->id;
}

const char *
deck_instance_get_organization_id (DeckInstance *self)
{
  g_return_val_if_fail (DECK_IS_INSTANCE (self), NULL);
  return self->organization_id;
}

const char *
deck_instance_get_name (DeckInstance *self)
{
  g_return_val_if_fail (DECK_IS_INSTANCE (self), NULL);
  return self->name;
}

/**
 * deck_instance_set_name:
 * @self: an instance
 * @name: the new name
 *
 * Changes the name in memory; deck_store_update_instance() validates and
 * saves it.
 */
void
deck_instance_set_name (DeckInstance *self,
                        const char   *name)
{
  g_return_if_fail (DECK_IS_INSTANCE (self));
  set_string (self, &self->name, name, PROP_NAME);
}

const char *
deck_instance_get_url (DeckInstance *self)
{
  g_return_val_if_fail (DECK_IS_INSTANCE (self), NULL);
  return self->url;
}

/**
 * deck_instance_set_url:
 * @self: an instance
 * @url: the Operations API URL, http or https
 *
 * Changes the URL in memory; deck_store_update_instance() validates and
 * saves it.
 */
void
deck_instance_set_url (DeckInstance *self,
                       const char   *url)
{
  g_return_if_fail (DECK_IS_INSTANCE (self));
  set_string (self, &self->url, url, PROP_URL);
}

const char *
deck_instance_get_username (DeckInstance *self)
{
  g_return_val_if_fail (DECK_IS_INSTANCE (self), NULL);
  return self->username;
}

/**
 * deck_instance_set_username:
 * @self: an instance
 * @username: the login
 *
 * Changes the login in memory; deck_store_update_instance() saves it.
 */
void
deck_instance_set_username (DeckInstance *self,
                            const char   *username)
{
  g_return_if_fail (DECK_IS_INSTANCE (self));
  set_string (self, &self->username, username, PROP_USERNAME);
}

/**
 * deck_instance_get_pinned_certificate:
 * @self: an instance
 *
 * Returns: (nullable): the pinned SHA-256 fingerprint, 64 lower-case hex
 *   digits, or %NULL when the system's trust decides
 */
const char *
deck_instance_get_pinned_certificate (DeckInstance *self)
{
  g_return_val_if_fail (DECK_IS_INSTANCE (self), NULL);
  return self->pinned_certificate;
}

/**
 * deck_instance_get_login_in_clear:
 * @self: an instance
 *
 * Whether logging in to @self sends its password across the network in
 * clear: a plain http:// URL (hdb_client_is_plaintext()) whose host is not
 * this computer's loopback. Basic authorization is the password in base64,
 * readable by anyone on the path; on the loopback there is no path, which
 * is why browsers count http://localhost as a secure context too. A name
 * other than "localhost" is not resolved: it warns even when it happens to
 * point at this computer. The window and the command line warn about it.
 *
 * Returns: %TRUE when the login is exposed
 */
gboolean
deck_instance_get_login_in_clear (DeckInstance *self)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GInetAddress) address = NULL;
  const char *host;

  g_return_val_if_fail (DECK_IS_INSTANCE (self), FALSE);

  uri = g_uri_parse (self->url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0)
    return FALSE;
  host = g_uri_get_host (uri);
  if (host == NULL)
    return TRUE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return FALSE;
  address = g_inet_address_new_from_string (host);
  return address == NULL || !g_inet_address_get_is_loopback (address);
}

/**
 * deck_instance_set_pinned_certificate:
 * @self: an instance
 * @sha256: (nullable): a SHA-256 fingerprint in any of the forms
 *   hdb_normalize_fingerprint() accepts, or %NULL (or "") to stop pinning
 *
 * Pins a certificate. A value that is not a SHA-256 fingerprint is a
 * programming error: callers validate what the user typed first.
 */
void
deck_instance_set_pinned_certificate (DeckInstance *self,
                                      const char   *sha256)
{
  g_autofree char *normal = NULL;

  g_return_if_fail (DECK_IS_INSTANCE (self));

  if (sha256 != NULL && *sha256 != '\0')
    {
      normal = hdb_normalize_fingerprint (sha256);
      g_return_if_fail (normal != NULL);
    }
  set_string (self, &self->pinned_certificate, normal, PROP_PINNED_CERTIFICATE);
}

DeckInstanceStatus
deck_instance_get_status (DeckInstance *self)
{
  g_return_val_if_fail (DECK_IS_INSTANCE (self), DECK_INSTANCE_STATUS_UNKNOWN);
  return self->status;
}

/**
 * deck_instance_get_version:
 * @self: an instance
 *
 * Returns: (nullable): the Harper version found by the last successful
 *   check; kept when a later check fails, so it can be shown greyed out
 */
const char *
deck_instance_get_version (DeckInstance *self)
{
  g_return_val_if_fail (DECK_IS_INSTANCE (self), NULL);
  return self->version;
}

/**
 * deck_instance_get_engine:
 * @self: an instance
 *
 * Returns: the replication engine found by the last successful check
 */
HdbEngine
deck_instance_get_engine (DeckInstance *self)
{
  g_return_val_if_fail (DECK_IS_INSTANCE (self), HDB_ENGINE_UNKNOWN);
  return self->engine;
}

const char *
deck_instance_get_node_name (DeckInstance *self)
{
  g_return_val_if_fail (DECK_IS_INSTANCE (self), NULL);
  return self->node_name;
}

const char *
deck_instance_get_login_user (DeckInstance *self)
{
  g_return_val_if_fail (DECK_IS_INSTANCE (self), NULL);
  return self->login_user;
}

gboolean
deck_instance_get_super_user (DeckInstance *self)
{
  g_return_val_if_fail (DECK_IS_INSTANCE (self), FALSE);
  return self->super_user;
}

gboolean
deck_instance_get_restart_pending (DeckInstance *self)
{
  g_return_val_if_fail (DECK_IS_INSTANCE (self), FALSE);
  return self->restart_pending;
}

/**
 * deck_instance_get_last_error:
 * @self: an instance
 *
 * Returns: (nullable): the message of the last failed check, %NULL after a
 *   successful one
 */
const char *
deck_instance_get_last_error (DeckInstance *self)
{
  g_return_val_if_fail (DECK_IS_INSTANCE (self), NULL);
  return self->last_error;
}

/**
 * deck_instance_get_last_checked:
 * @self: an instance
 *
 * Returns: (transfer none) (nullable): when the last check ended, or %NULL
 *   when none did yet
 */
GDateTime *
deck_instance_get_last_checked (DeckInstance *self)
{
  g_return_val_if_fail (DECK_IS_INSTANCE (self), NULL);
  return self->last_checked;
}

/**
 * deck_instance_set_checking:
 * @self: an instance
 *
 * Tells that a check started. Only an instance never checked before shows
 * %DECK_INSTANCE_STATUS_CHECKING: a refresh of a known instance keeps
 * showing its last state until the answer comes, so the sidebar does not
 * flicker on every periodic refresh.
 */
void
deck_instance_set_checking (DeckInstance *self)
{
  g_return_if_fail (DECK_IS_INSTANCE (self));

  if (self->status == DECK_INSTANCE_STATUS_UNKNOWN)
    set_status (self, DECK_INSTANCE_STATUS_CHECKING);
}

/**
 * deck_instance_set_no_password:
 * @self: an instance
 *
 * Tells that the instance cannot be checked because no password is known
 * for it (none in the keyring, and none typed in this session).
 */
void
deck_instance_set_no_password (DeckInstance *self)
{
  g_return_if_fail (DECK_IS_INSTANCE (self));

  g_object_freeze_notify (G_OBJECT (self));
  set_status (self, DECK_INSTANCE_STATUS_NO_PASSWORD);
  set_string (self, &self->last_error, NULL, PROP_LAST_ERROR);
  touch_last_checked (self);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * deck_instance_update_from_info:
 * @self: an instance
 * @info: what a successful check found
 *
 * Records a successful check: the instance is reachable, its facts are
 * those of @info, and the last error is cleared.
 */
void
deck_instance_update_from_info (DeckInstance        *self,
                                const HdbServerInfo *info)
{
  g_return_if_fail (DECK_IS_INSTANCE (self));
  g_return_if_fail (info != NULL);

  /* Listeners see the new state as a whole, not one fact at a time. */
  g_object_freeze_notify (G_OBJECT (self));
  set_status (self, DECK_INSTANCE_STATUS_REACHABLE);
  set_string (self, &self->version, info->version, PROP_VERSION);
  set_engine (self, info->engine);
  set_string (self, &self->node_name, info->node_name, PROP_NODE_NAME);
  set_string (self, &self->login_user, info->username, PROP_LOGIN_USER);
  set_boolean (self, &self->super_user, info->super_user, PROP_SUPER_USER);
  set_boolean (self, &self->restart_pending, info->restart_pending, PROP_RESTART_PENDING);
  set_string (self, &self->last_error, NULL, PROP_LAST_ERROR);
  touch_last_checked (self);
  g_object_thaw_notify (G_OBJECT (self));
}

static gboolean
error_is_cancellation (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static DeckInstanceStatus
status_for_error (const GError *error)
{
  if (error->domain != HDB_ERROR)
    return DECK_INSTANCE_STATUS_UNREACHABLE;

  switch ((HdbError) error->code)
    {
    case HDB_ERROR_AUTH:
      return DECK_INSTANCE_STATUS_AUTH_FAILED;
    case HDB_ERROR_TLS:
      return DECK_INSTANCE_STATUS_UNTRUSTED_CERTIFICATE;
    /* registration_info is open to every user, so FORBIDDEN should not come
     * from a check; if it does, the instance did not answer as expected. */
    case HDB_ERROR_FORBIDDEN:
    case HDB_ERROR_NETWORK:
    case HDB_ERROR_TIMEOUT:
    case HDB_ERROR_SERVER:
    case HDB_ERROR_INVALID_RESPONSE:
    case HDB_ERROR_HARPER:
    default:
      return DECK_INSTANCE_STATUS_UNREACHABLE;
    }
}

/**
 * deck_instance_update_from_error:
 * @self: an instance
 * @error: why the check failed, usually an %HDB_ERROR
 *
 * Records a failed check: the status follows the error's code, its message
 * becomes the last error. The version, engine and other facts of the last
 * successful check are kept, so the UI can still show them, greyed out.
 *
 * A cancelled check is no result: the status stays as it was, except that
 * an instance shown as checking for the first time goes back to unknown.
 */
void
deck_instance_update_from_error (DeckInstance *self,
                                 const GError *error)
{
  g_return_if_fail (DECK_IS_INSTANCE (self));
  g_return_if_fail (error != NULL);

  if (error_is_cancellation (error))
    {
      if (self->status == DECK_INSTANCE_STATUS_CHECKING)
        set_status (self, DECK_INSTANCE_STATUS_UNKNOWN);
      return;
    }

  g_object_freeze_notify (G_OBJECT (self));
  set_status (self, status_for_error (error));
  set_string (self, &self->last_error, error->message, PROP_LAST_ERROR);
  touch_last_checked (self);
  g_object_thaw_notify (G_OBJECT (self));
}
