/* test-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The test programs' waits with a bound (see test-util.h).
 */

#define G_LOG_DOMAIN "test-util"

#include "test-util.h"

gboolean
test_util_timeout_cb (gpointer data)
{
  gboolean *flag = data;

  *flag = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
test_util_wait_for_pointer (gpointer *cond,
                            guint     ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (ms, test_util_timeout_cb, &timed_out);

  while (*cond == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return *cond != NULL;
}

void
test_util_store_result (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

void
test_util_spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, test_util_timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}
