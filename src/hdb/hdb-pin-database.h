/* hdb-pin-database.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HDB_TYPE_PIN_DATABASE (hdb_pin_database_get_type ())

G_DECLARE_FINAL_TYPE (HdbPinDatabase, hdb_pin_database, HDB, PIN_DATABASE, GTlsDatabase)

GTlsDatabase *hdb_pin_database_new (void);

G_END_DECLS
