/* hdb-pin-database.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A TLS database that vouches for no certificate at all. A client with a
 * pinned fingerprint uses it so that every certificate, even one a public
 * authority signed, reaches the accept-certificate handler, where the pin
 * alone decides. Otherwise a server that switched to another certificate
 * the system happens to trust would be accepted silently.
 */

#define G_LOG_DOMAIN "hdb-pin-database"

#include "hdb-pin-database.h"

struct _HdbPinDatabase
{
  GTlsDatabase parent_instance;
};

G_DEFINE_FINAL_TYPE (HdbPinDatabase, hdb_pin_database, G_TYPE_TLS_DATABASE)

static GTlsCertificateFlags
hdb_pin_database_verify_chain (GTlsDatabase             *database,
                               GTlsCertificate          *chain,
                               const gchar              *purpose,
                               GSocketConnectable       *identity,
                               GTlsInteraction          *interaction,
                               GTlsDatabaseVerifyFlags   flags,
                               GCancellable             *cancellable,
                               GError                  **error)
{
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return G_TLS_CERTIFICATE_GENERIC_ERROR;
  return G_TLS_CERTIFICATE_UNKNOWN_CA;
}

static void
hdb_pin_database_class_init (HdbPinDatabaseClass *klass)
{
  GTlsDatabaseClass *database_class = G_TLS_DATABASE_CLASS (klass);

  database_class->verify_chain = hdb_pin_database_verify_chain;
}

static void
hdb_pin_database_init (HdbPinDatabase *self)
{
}

/**
 * hdb_pin_database_new:
 *
 * Returns: (transfer full): a database that trusts nothing
 */
GTlsDatabase *
hdb_pin_database_new (void)
{
  return g_object_new (HDB_TYPE_PIN_DATABASE, NULL);
}
