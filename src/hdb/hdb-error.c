/* hdb-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hdb-error"

#include "hdb-error.h"

/* Extended error data: what the UI needs beyond the sentence in message. */
typedef struct
{
  guint  http_status;
  char  *harper_message;
} HdbErrorPrivate;

static void
hdb_error_private_init (HdbErrorPrivate *priv)
{
  priv->http_status = 0;
  priv->harper_message = NULL;
}

static void
hdb_error_private_copy (const HdbErrorPrivate *src,
                        HdbErrorPrivate       *dest)
{
  dest->http_status = src->http_status;
  dest->harper_message = g_strdup (src->harper_message);
}

static void
hdb_error_private_clear (HdbErrorPrivate *priv)
{
  g_clear_pointer (&priv->harper_message, g_free);
}

G_DEFINE_EXTENDED_ERROR (HdbError, hdb_error)

/**
 * hdb_set_error:
 * @error: return location, or %NULL
 * @code: the #HdbError code
 * @http_status: the HTTP status of the answer, or 0 when there was none
 * @harper_message: (nullable): Harper's own `error` text
 * @format: printf-style message for people
 *
 * Sets an %HDB_ERROR with its extended data.
 */
void
hdb_set_error (GError     **error,
               HdbError     code,
               guint        http_status,
               const char  *harper_message,
               const char  *format,
               ...)
{
  g_autofree char *message = NULL;
  HdbErrorPrivate *priv;
  GError *e;
  va_list args;

  if (error == NULL)
    return;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  e = g_error_new_literal (HDB_ERROR, code, message);
  priv = hdb_error_get_private (e);
  priv->http_status = http_status;
  priv->harper_message = g_strdup (harper_message);
  g_propagate_error (error, e);
}

/**
 * hdb_error_get_status:
 * @error: a #GError
 *
 * Returns: the HTTP status that came with an %HDB_ERROR, or 0
 */
guint
hdb_error_get_status (const GError *error)
{
  HdbErrorPrivate *priv;

  if (error == NULL || error->domain != HDB_ERROR)
    return 0;
  priv = hdb_error_get_private (error);
  return priv != NULL ? priv->http_status : 0;
}

/**
 * hdb_error_get_harper_message:
 * @error: a #GError
 *
 * Returns: (nullable): Harper's own `error` text, if the server sent one
 */
const char *
hdb_error_get_harper_message (const GError *error)
{
  HdbErrorPrivate *priv;

  if (error == NULL || error->domain != HDB_ERROR)
    return NULL;
  priv = hdb_error_get_private (error);
  return priv != NULL ? priv->harper_message : NULL;
}

/**
 * hdb_error_code_to_string:
 * @code: an #HdbError
 *
 * Returns: a stable short name for the code, as used by `--json` output
 */
const char *
hdb_error_code_to_string (HdbError code)
{
  switch (code)
    {
    case HDB_ERROR_NETWORK: return "network";
    case HDB_ERROR_TLS: return "tls";
    case HDB_ERROR_AUTH: return "auth";
    case HDB_ERROR_FORBIDDEN: return "forbidden";
    case HDB_ERROR_HARPER: return "harper";
    case HDB_ERROR_SERVER: return "server";
    case HDB_ERROR_INVALID_RESPONSE: return "invalid-response";
    case HDB_ERROR_TIMEOUT: return "timeout";
    case HDB_ERROR_CANCELLED: return "cancelled";
    default: return "unknown";
    }
}
