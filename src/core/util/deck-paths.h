/* deck-paths.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *deck_paths_config_dir (void);
char *deck_paths_state_dir  (void);

G_END_DECLS
