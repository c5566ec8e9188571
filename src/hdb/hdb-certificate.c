/* hdb-certificate.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How HdbClient trusts a server: the system's authorities, or a pinned
 * SHA-256 fingerprint. With a pin the session uses an HdbPinDatabase, which
 * vouches for nothing, so that every certificate reaches the
 * accept-certificate handler below, where the pin alone decides. The
 * certificate a server presented is kept (its details, never the key) for
 * the UI to show when it asks the user whether to trust it.
 */

#define G_LOG_DOMAIN "hdb-client"

#include "hdb-client-private.h"
#include "hdb-pin-database.h"

/**
 * hdb_normalize_fingerprint:
 * @fingerprint: a SHA-256 fingerprint, hex, with or without colons
 *
 * Returns: (transfer full) (nullable): 64 lower-case hex digits, or %NULL
 *   when @fingerprint is not a SHA-256 fingerprint
 */
char *
hdb_normalize_fingerprint (const char *fingerprint)
{
  GString *out;

  if (fingerprint == NULL)
    return NULL;

  out = g_string_new (NULL);
  for (const char *p = fingerprint; *p; p++)
    {
      if (g_ascii_isxdigit (*p))
        g_string_append_c (out, g_ascii_tolower (*p));
      else if (*p != ':' && *p != ' ')
        {
          g_string_free (out, TRUE);
          return NULL;
        }
    }

  if (out->len != 64)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/**
 * hdb_format_fingerprint:
 * @fingerprint: a SHA-256 fingerprint
 *
 * Returns: (transfer full) (nullable): the form people read: "AB:CD:…"
 */
char *
hdb_format_fingerprint (const char *fingerprint)
{
  g_autofree char *normal = hdb_normalize_fingerprint (fingerprint);
  GString *out;

  if (normal == NULL)
    return NULL;

  out = g_string_new (NULL);
  for (guint i = 0; i < 64; i += 2)
    {
      if (i > 0)
        g_string_append_c (out, ':');
      g_string_append_c (out, g_ascii_toupper (normal[i]));
      g_string_append_c (out, g_ascii_toupper (normal[i + 1]));
    }
  return g_string_free (out, FALSE);
}

/**
 * hdb_client_dup_peer_certificate:
 * @self: a client
 *
 * The certificate the server presented the last time one was not trusted:
 * what the UI shows when it asks the user whether to trust it.
 *
 * Returns: (transfer full) (nullable): the certificate's details, or %NULL
 */
HdbCertificateInfo *
hdb_client_dup_peer_certificate (HdbClient *self)
{
  g_return_val_if_fail (HDB_IS_CLIENT (self), NULL);
  return hdb_certificate_info_copy (self->peer_certificate);
}

static HdbCertificateInfo *
certificate_info_new (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;
  HdbCertificateInfo *info;
  g_autofree char *hex = NULL;

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    return NULL;

  hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
  info = g_new0 (HdbCertificateInfo, 1);
  info->sha256 = hdb_format_fingerprint (hex);
  info->subject = g_tls_certificate_get_subject_name (certificate);
  info->issuer = g_tls_certificate_get_issuer_name (certificate);
  info->not_before = g_tls_certificate_get_not_valid_before (certificate);
  info->not_after = g_tls_certificate_get_not_valid_after (certificate);
  return info;
}

/* The handler of every message's accept-certificate signal: libsoup asks
 * it about a certificate the session's database did not vouch for (every
 * certificate, when a pin is set). */
gboolean
_hdb_client_accept_certificate (SoupMessage          *message,
                                GTlsCertificate      *certificate,
                                GTlsCertificateFlags  errors,
                                gpointer              user_data)
{
  HdbClient *self = HDB_CLIENT (user_data);
  g_autofree char *presented = NULL;
  HdbCertificateInfo *info;

  info = certificate_info_new (certificate);
  if (info == NULL)
    return FALSE;

  g_clear_pointer (&self->peer_certificate, hdb_certificate_info_free);
  self->peer_certificate = info;

  if (self->pinned == NULL)
    return FALSE;

  presented = hdb_normalize_fingerprint (info->sha256);
  return g_strcmp0 (presented, self->pinned) == 0;
}


/* Gives the session the TLS database the pin calls for. */
void
_hdb_client_apply_pin (HdbClient *self)
{
  if (self->pinned != NULL)
    {
      g_autoptr(GTlsDatabase) database = hdb_pin_database_new ();

      g_object_set (self->session, "tls-database", database, NULL);
    }
  else
    {
      GTlsBackend *backend = g_tls_backend_get_default ();
      g_autoptr(GTlsDatabase) database = g_tls_backend_get_default_database (backend);

      g_object_set (self->session, "tls-database", database, NULL);
    }
}

/* A G_TLS_ERROR of a request, in words that say which certificate was
 * refused and why. */
GError *
_hdb_client_tls_error (HdbClient    *self,
                       const GError *error)
{
  g_autofree char *where = _hdb_client_host_and_port (self);
  GError *mapped = NULL;

  if (self->pinned != NULL && self->peer_certificate != NULL)
    hdb_set_error (&mapped, HDB_ERROR_TLS, 0, NULL,
                   "The certificate of %s has changed: it is not the one you trusted "
                   "(it now presents %s). Check with the server's administrator before "
                   "trusting it again.", where, self->peer_certificate->sha256);
  else if (self->peer_certificate != NULL)
    hdb_set_error (&mapped, HDB_ERROR_TLS, 0, NULL,
                   "The certificate of %s is not trusted (self-signed or from an unknown "
                   "authority). Its SHA-256 fingerprint is %s.",
                   where, self->peer_certificate->sha256);
  else
    hdb_set_error (&mapped, HDB_ERROR_TLS, 0, NULL,
                   "Could not set up a secure connection to %s: %s. Check that the URL "
                   "uses the right scheme (http or https).", where, error->message);
  return mapped;
}
