/* hdb-parse-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The member readers the parsers of hdb-parse.c and hdb-parse-cluster.c
 * share. Each reads one member through the typed accessors of hdb-json.h and
 * follows one rule:
 *
 * - a member that is missing or null takes its default;
 * - a member that is there with another JSON type than Harper's, or with a
 *   number out of the range Harper uses, makes the whole answer invalid
 *   (HDB_ERROR_INVALID_RESPONSE, naming the member): the app never acts on
 *   an answer it misread;
 * - except the members that are only shown (latencies, uptimes, counts, the
 *   license), which are taken as missing instead: a display can do without.
 *
 * After the first failure a reader keeps the error and every later read
 * returns its default, so a parser reads what it needs and checks once.
 */

#pragma once

#include "hdb-error.h"
#include "hdb-json.h"

G_BEGIN_DECLS

typedef struct
{
  const char  *operation;   /* named in messages: "cluster_status" */
  GError     **error;
  gboolean     failed;
} HdbReader;

#define HDB_READER_INIT(operation, error) { (operation), (error), FALSE }

void        _hdb_reader_fail           (HdbReader   *reader,
                                        const char  *format,
                                        ...) G_GNUC_PRINTF (2, 3);
JsonObject *_hdb_reader_root_object    (HdbReader   *reader,
                                        JsonNode    *node);
JsonArray  *_hdb_reader_root_array     (HdbReader   *reader,
                                        JsonNode    *node);
JsonObject *_hdb_reader_element_object (HdbReader   *reader,
                                        JsonArray   *array,
                                        guint        index,
                                        const char  *what);

/* @of names the object a member belongs to in messages ("a connection"),
 * or is %NULL for a member of the answer itself. */
const char *_hdb_reader_string         (HdbReader   *reader,
                                        JsonObject  *object,
                                        const char  *name,
                                        const char  *of);
char       *_hdb_reader_dup_scalar     (HdbReader   *reader,
                                        JsonObject  *object,
                                        const char  *name,
                                        const char  *of);
gboolean    _hdb_reader_flag           (HdbReader   *reader,
                                        JsonObject  *object,
                                        const char  *name,
                                        const char  *of,
                                        gboolean     fallback);
gint64      _hdb_reader_int            (HdbReader   *reader,
                                        JsonObject  *object,
                                        const char  *name,
                                        const char  *of,
                                        gint64       min,
                                        gint64       max,
                                        gint64       fallback);
JsonObject *_hdb_reader_object         (HdbReader   *reader,
                                        JsonObject  *object,
                                        const char  *name,
                                        const char  *of);
JsonArray  *_hdb_reader_array          (HdbReader   *reader,
                                        JsonObject  *object,
                                        const char  *name,
                                        const char  *of);

/* Members that are only shown: the wrong type or range reads as missing. */
double      _hdb_info_double           (JsonObject  *object,
                                        const char  *name,
                                        double       min,
                                        double       max,
                                        double       fallback);
gint64      _hdb_info_int              (JsonObject  *object,
                                        const char  *name,
                                        gint64       min,
                                        gint64       max,
                                        gint64       fallback);
char       *_hdb_info_dup_scalar       (JsonObject  *object,
                                        const char  *name);

/* Checks the paths of a configuration the accessors of hdb-types.h read
 * (hdb-configuration.c). */
void        _hdb_configuration_check   (HdbReader   *reader,
                                        JsonNode    *root);

/* A server's text quoted in a message: at most 80 characters. */
char       *_hdb_quote_server_text     (const char  *text);

G_END_DECLS
