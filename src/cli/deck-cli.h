/* deck-cli.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit status of clusterdeck-cli (DESIGN.md §6). */
typedef enum
{
  DECK_CLI_EXIT_OK = 0,
  DECK_CLI_EXIT_FAILURE = 1,
  DECK_CLI_EXIT_USAGE = 2,
  DECK_CLI_EXIT_PARTIAL = 3,
} DeckCliExit;

int deck_cli_run (int    argc,
                  char **argv);

G_END_DECLS
