/* fuzz-helpers.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The small helpers that read what a user types or a server says: version
 * strings, certificate fingerprints, instance URLs (hdb_client_new refuses
 * what it cannot use), replication URLs, node names (validated and
 * suggested by both engines), and the public key of a certificate (the
 * raw input as DER). The input is split at the first NUL byte, or used
 * whole.
 */

#include <string.h>

#include "deck-engine.h"
#include "hdb-client.h"
#include "hdb-parse.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static DeckEngine *engines[2];

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  gsize first_length = strlen (text);
  g_autofree char *other = first_length < size
                           ? g_strndup ((const char *) data + first_length + 1,
                                        size - first_length - 1)
                           : g_strdup ("");
  guint major, minor, micro;

  if (engines[0] == NULL)
    {
      engines[0] = deck_engine_new_for (HDB_ENGINE_NATIVE);
      engines[1] = deck_engine_new_for (HDB_ENGINE_NATS);
    }

  /* A server's certificate, as DER bytes: any of them. */
  {
    g_autofree char *key = hdb_certificate_public_key_sha256 (data, size);

    g_assert_true (key == NULL || strlen (key) == 64);
  }

  if (!g_utf8_validate (text, -1, NULL))
    return 0;   /* typed text and server strings reach these as UTF-8 */

  (void) hdb_version_parse (text, &major, &minor, &micro);
  (void) hdb_version_has_native (text);
  g_free (hdb_normalize_fingerprint (text));
  g_free (hdb_format_fingerprint (text));
  /* Equal only as fingerprints, and then both ways. */
  g_assert_true (hdb_fingerprint_equal (text, other) == hdb_fingerprint_equal (other, text));
  g_free (deck_engine_replication_url_for (text));

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(HdbClient) client = hdb_client_new (text, "user", "password", &error);

    g_assert_true ((client == NULL) != (error == NULL));
    if (client != NULL)
      g_assert_nonnull (hdb_client_get_base_url (client));
  }

  for (guint i = 0; i < G_N_ELEMENTS (engines); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *suggested = NULL;

      (void) deck_engine_validate_node_name (engines[i], text, &error);
      suggested = deck_engine_suggest_node_name (engines[i], text, other);
      /* Whatever an engine suggests, it accepts. */
      if (suggested != NULL)
        g_assert_true (deck_engine_validate_node_name (engines[i], suggested, NULL));
    }
  return 0;
}
