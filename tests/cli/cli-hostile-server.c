/* cli-hostile-server.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A hostile Operations API on 127.0.0.1 for test-cli-usage.sh, from the
 * fault tests' loopback SoupServer: every request is answered 400 with an
 * error message full of what a terminal acts on (an OSC title, SGR colours,
 * a bell, a carriage return, C1 CSI as UTF-8, a right-to-left override).
 * A real Harper echoes names into its messages, but shows no such message
 * on demand. With CERT KEY it serves HTTPS with that certificate (one
 * whose subject is as hostile). Prints its URL, then serves until killed.
 *
 *   cli-hostile-server [CERT KEY]
 */

#include <stdio.h>

#include "fault-server.h"

/* As JSON escapes, so the body itself is plain ASCII. */
#define HOSTILE_MESSAGE \
  "bad \\u001b]0;pwned\\u0007 \\u001b[31mred\\u001b[0m\\rover \\u009b2J \\u202eevil"

static void
answer (SoupServerMessage *msg,
        gpointer           data)
{
  fault_respond (msg, 400, "application/json", "{\"error\": \"" HOSTILE_MESSAGE "\"}");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(FaultServer) server = NULL;

  if (argc == 3)
    {
      certificate = g_tls_certificate_new_from_files (argv[1], argv[2], &error);
      if (certificate == NULL)
        {
          fprintf (stderr, "cli-hostile-server: %s\n", error->message);
          return 1;
        }
    }
  server = fault_server_new (answer, certificate);
  printf ("%s\n", server->url);
  fflush (stdout);
  g_main_loop_run (loop);
  return 0;
}
