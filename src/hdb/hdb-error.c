/* hdb-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hdb-error"

#include <string.h>

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
    default: return "unknown";
    }
}

/* Harper's texts, as its versions write them, and what they mean. The first
 * entry whose text occurs wins. Fixtures that show them: remove_node of an
 * unknown node (tests/fixtures/hdb/remove_node_missing.json), add_node twice,
 * add_node whose target refused (add_node_partial_*.json). */
typedef struct
{
  const char     *text;
  HdbErrorReason  reason;
} ReasonEntry;

/* What the target node said, inside "… but there was an error updating
 * target node: REASON" (native add_node). */
#define PEER_PREFIX "updating target node: "

static const ReasonEntry peer_reasons[] = {
  { "Unauthorized", HDB_ERROR_REASON_PEER_REFUSED_LOGIN },
  { "Login failed", HDB_ERROR_REASON_PEER_REFUSED_LOGIN },
  { "ECONNREFUSED", HDB_ERROR_REASON_PEER_UNREACHABLE },
  { "ENOTFOUND", HDB_ERROR_REASON_PEER_UNREACHABLE },
  { "EHOSTUNREACH", HDB_ERROR_REASON_PEER_UNREACHABLE },
  { "ETIMEDOUT", HDB_ERROR_REASON_PEER_UNREACHABLE },
};

static const ReasonEntry reasons[] = {
  { "does not exist", HDB_ERROR_REASON_MISSING_NODE },
  { "was not found", HDB_ERROR_REASON_MISSING_NODE },
  { "already been added", HDB_ERROR_REASON_ALREADY_ADDED },
  { "already exists", HDB_ERROR_REASON_ALREADY_EXISTS },
  /* Legacy clustering while NATS is still starting (4.3, 4.4). */
  { "not listening", HDB_ERROR_REASON_CLUSTERING_NOT_READY },
  { "NoResponders", HDB_ERROR_REASON_CLUSTERING_NOT_READY },
  { "no responders", HDB_ERROR_REASON_CLUSTERING_NOT_READY },
  { "TIMEOUT", HDB_ERROR_REASON_CLUSTERING_NOT_READY },
  { "imeout", HDB_ERROR_REASON_CLUSTERING_NOT_READY },
  { "timed out", HDB_ERROR_REASON_CLUSTERING_NOT_READY },
};

static HdbErrorReason
lookup (const ReasonEntry *table,
        gsize              n,
        const char        *text)
{
  for (gsize i = 0; i < n; i++)
    if (strstr (text, table[i].text) != NULL)
      return table[i].reason;
  return HDB_ERROR_REASON_NONE;
}

/**
 * hdb_message_get_peer_detail:
 * @harper_text: (nullable): a message of Harper's
 *
 * Returns: (nullable): what the target node said, in an add_node answer
 *   "… but there was an error updating target node: DETAIL"; %NULL when
 *   @harper_text is not one
 */
const char *
hdb_message_get_peer_detail (const char *harper_text)
{
  const char *tail = harper_text != NULL ? strstr (harper_text, PEER_PREFIX) : NULL;

  return tail != NULL ? tail + strlen (PEER_PREFIX) : NULL;
}

/**
 * hdb_classify_message:
 * @harper_text: (nullable): a message of Harper's (an error, or the text of
 *   a 200 answer that reports a failure)
 *
 * Returns: what Harper meant, as far as this library knows
 */
HdbErrorReason
hdb_classify_message (const char *harper_text)
{
  const char *detail;
  HdbErrorReason reason;

  if (harper_text == NULL)
    return HDB_ERROR_REASON_NONE;
  detail = hdb_message_get_peer_detail (harper_text);
  if (detail != NULL)
    {
      reason = lookup (peer_reasons, G_N_ELEMENTS (peer_reasons), detail);
      return reason != HDB_ERROR_REASON_NONE ? reason : HDB_ERROR_REASON_PEER_FAILED;
    }
  return lookup (reasons, G_N_ELEMENTS (reasons), harper_text);
}

/**
 * hdb_error_get_reason:
 * @error: (nullable): a #GError
 *
 * Classifies an %HDB_ERROR_HARPER or %HDB_ERROR_SERVER error by Harper's
 * text (its `error` member, or the message when there was none).
 *
 * Returns: the reason, %HDB_ERROR_REASON_NONE for any other error
 */
HdbErrorReason
hdb_error_get_reason (const GError *error)
{
  const char *text;

  if (error == NULL || error->domain != HDB_ERROR ||
      (error->code != HDB_ERROR_HARPER && error->code != HDB_ERROR_SERVER))
    return HDB_ERROR_REASON_NONE;
  text = hdb_error_get_harper_message (error);
  return hdb_classify_message (text != NULL ? text : error->message);
}
