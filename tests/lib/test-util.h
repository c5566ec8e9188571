/* test-util.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Small helpers shared by the test programs: waiting on async calls with a
 * bound, so that a hang is a failure and not meson's timeout.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean
test_util_timeout_cb (gpointer data);

/* Iterates the default main context until *cond is non-NULL or @ms pass. */
gboolean
test_util_wait_for_pointer (gpointer *cond,
                            guint     ms);

void
test_util_store_result (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data);

/* Sleeps @ms while the main context keeps running. */
void
test_util_spin (guint ms);

/* Runs an _async call and waits for its result, failing the test after @ms. */
#define TEST_AWAIT(result_var, ms, call_expr)                                  \
  G_STMT_START {                                                               \
    result_var = NULL;                                                         \
    call_expr;                                                                 \
    if (!test_util_wait_for_pointer ((gpointer *) &result_var, ms))            \
      g_error ("timed out after %u ms waiting for %s", (guint) (ms), #call_expr); \
  } G_STMT_END

G_END_DECLS
