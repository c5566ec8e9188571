/* bench-bare.h: a bare HTTP client of Harper's operations API, for the
 * floors of the real-cluster benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One operation: its JSON body, and what came back */
typedef struct
{
  const char *body;        /* {"operation":…} */
  guint       status;      /* HTTP status, 0 when nothing came back */
  double      ms;          /* from sending to the whole answer read */
  char       *answer;      /* the answer's text (owned), or NULL */
} BareCall;

double bare_parallel          (const char *url,
                               const char *user,
                               const char *password,
                               BareCall   *calls,
                               guint       n_calls,
                               guint       timeout_ms);
double bare_sequence          (const char *url,
                               const char *user,
                               const char *password,
                               BareCall   *calls,
                               guint       n_calls,
                               guint       timeout_ms);
void   bare_calls_clear       (BareCall   *calls,
                               guint       n_calls);
double bare_restart_probe     (const char *url,
                               const char *user,
                               const char *password,
                               guint       poll_ms,
                               guint       timeout_ms,
                               double     *down_after_ms,
                               double     *down_for_ms);

G_END_DECLS
