/* fuzz-files.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The app's own file formats, from memory: the versioned JSON file layer
 * (deck-json-file), the organizations file's content check, the pending
 * changes (pending.json) and the history (history.jsonl). The first byte
 * picks the format, the rest is the file. Each must be accepted or refused
 * with an error, never crash or warn.
 */

#include "deck-history.h"
#include "deck-json-file.h"
#include "deck-pending.h"
#include "deck-store-private.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

#define MAX_SIZE (16 * 1024 * 1024)

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  const char *text = (const char *) data + 1;
  gsize length = size > 0 ? size - 1 : 0;

  if (size < 1)
    return 0;

  switch (data[0] % 4)
    {
    case 0:
    case 1:
      {
        /* organizations.json: the file layer, then the content check. */
        g_autoptr(JsonNode) root = NULL;
        g_autoptr(GError) error = NULL;
        g_autofree char *reason = NULL;
        gint64 version = 0;

        if (deck_json_file_parse_data (text, length, 1, MAX_SIZE, &root, &version, &error))
          {
            g_assert_nonnull (root);
            if (!_deck_store_check_content (root, &reason))
              g_assert_nonnull (reason);
          }
        else
          {
            g_assert_nonnull (error);
          }
      }
      break;
    case 2:
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(DeckChangeSet) changes = deck_pending_parse_data (text, length, &error);

        g_assert_true ((changes == NULL) != (error == NULL));
        if (changes != NULL)
          {
            g_autoptr(GPtrArray) list = deck_change_set_dup_changes (changes);
            g_autoptr(DeckChangeSet) inverse = deck_change_set_inverse (changes);

            g_assert_cmpuint (list->len, ==, deck_change_set_get_n_changes (changes));
            g_assert_cmpuint (deck_change_set_get_n_changes (inverse), ==, list->len);
          }
      }
      break;
    default:
      {
        guint n_skipped = 0;
        g_autoptr(GPtrArray) entries = deck_history_parse_data (text, length, &n_skipped);

        for (guint i = 0; i < entries->len; i++)
          g_free (deck_history_entry_describe (g_ptr_array_index (entries, i)));
      }
      break;
    }
  return 0;
}
