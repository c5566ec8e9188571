/* fuzz-cluster-file.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cluster file (docs/cluster-file.md) from memory: `plan -f` and
 * `apply -f` read files from anywhere. Each input must be accepted or
 * refused with an error, never crash or warn; one accepted must write
 * itself back as a file that reads the same.
 */

#include <string.h>

#include "deck-cluster-file.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DeckClusterFile) file = NULL;

  file = deck_cluster_file_parse ((const char *) data, size, &error);
  g_assert_true ((file == NULL) != (error == NULL));
  if (file != NULL)
    {
      g_autofree char *text = deck_cluster_file_to_data (file, NULL);
      g_autoptr(DeckClusterFile) again = deck_cluster_file_parse (text, strlen (text), &error);
      g_autofree char *text_again = NULL;

      g_assert_no_error (error);
      text_again = deck_cluster_file_to_data (again, NULL);
      g_assert_cmpstr (text, ==, text_again);
    }
  return 0;
}
