/* deck-paths.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "deck-paths"

#include "deck-paths.h"

/**
 * deck_paths_config_dir:
 *
 * Returns: (transfer full): `$XDG_CONFIG_HOME/clusterdeck`, where the
 *   organizations and instances live
 */
char *
deck_paths_config_dir (void)
{
  return g_build_filename (g_get_user_config_dir (), "clusterdeck", NULL);
}

/**
 * deck_paths_state_dir:
 *
 * Returns: (transfer full): `$XDG_STATE_HOME/clusterdeck`, where pending
 *   changes and the history live
 */
char *
deck_paths_state_dir (void)
{
  return g_build_filename (g_get_user_state_dir (), "clusterdeck", NULL);
}
