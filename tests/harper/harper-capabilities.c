/* harper-capabilities.c: what the table of hdb-capabilities.c says of a version
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   harper-capabilities VERSION FIELD   prints "yes"/"no" (or the value) and exits 0
 *
 * For the shell tests (tests/cli/), which compare with what the app's own
 * table says of the version under test instead of repeating it. FIELD is a
 * member of HdbCapabilities: native, nats, nats_server_shipped,
 * restart_style, updates_in_place, status_camel_case, tables_follow,
 * system_generation, known.
 */

#include <stdio.h>
#include <string.h>

#include "hdb-capabilities.h"

int
main (int   argc,
      char *argv[])
{
  const HdbCapabilities *caps;
  const char *field;

  if (argc != 3)
    {
      fprintf (stderr, "usage: harper-capabilities VERSION FIELD\n");
      return 2;
    }
  caps = hdb_capabilities_for_version (argv[1]);
  field = argv[2];

#define FLAG(name) if (strcmp (field, #name) == 0) { puts (caps->name ? "yes" : "no"); return 0; }
  FLAG (known)
  FLAG (native)
  FLAG (nats)
  FLAG (nats_server_shipped)
  FLAG (nats_deprecated)
  FLAG (status_camel_case)
  FLAG (status_catching_up)
  FLAG (status_timing)
  FLAG (tables_follow)
  FLAG (updates_in_place)
  FLAG (catch_up_guaranteed)
  FLAG (binds_host)
#undef FLAG
  if (strcmp (field, "restart_style") == 0)
    {
      puts (hdb_restart_style_to_string (caps->restart_style));
      return 0;
    }
  if (strcmp (field, "system_generation") == 0)
    {
      printf ("%u\n", caps->system_generation);
      return 0;
    }
  fprintf (stderr, "harper-capabilities: no field '%s'\n", field);
  return 2;
}
