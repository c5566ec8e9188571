/* hdb-parse-buffer.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For tests and fuzzers, not for the app: each parser of Harper's answers
 * run on raw bytes, the way HdbClient runs it on an answer's body
 * (hdb_json_parse() with the client's default size limit, then the
 * parser). A fuzz target is `hdb_parse_buffer (id, data, size, …)` and a
 * free of what it returns.
 */

#pragma once

#include "hdb-types.h"

G_BEGIN_DECLS

/**
 * HdbParserId:
 * @HDB_PARSER_ERROR_BODY: Harper's error body of a 4xx or 5xx answer
 *   ({"error": …, "unauthorized_access": […]}); returns its text, or fails
 *   when the body is not one
 *
 * The other ids name the parser of an operation's answer; see
 * hdb_parser_get_name().
 */
typedef enum
{
  HDB_PARSER_REGISTRATION_INFO,
  HDB_PARSER_USER_INFO,
  HDB_PARSER_LIST_USERS,
  HDB_PARSER_LIST_ROLES,
  HDB_PARSER_DESCRIBE_ALL,
  HDB_PARSER_GET_CONFIGURATION,
  HDB_PARSER_CLUSTER_STATUS,
  HDB_PARSER_SYSTEM_THREADS,
  HDB_PARSER_MESSAGE,
  HDB_PARSER_NODE_MESSAGE,
  HDB_PARSER_RESTART_REPLY,
  HDB_PARSER_CLUSTER_GET_ROUTES,
  HDB_PARSER_GET_JOB,
  HDB_PARSER_CLUSTER_NETWORK,
  HDB_PARSER_ERROR_BODY,
  HDB_N_PARSERS
} HdbParserId;

const char *hdb_parser_get_name (HdbParserId      id);
gboolean    hdb_parser_lookup   (const char      *name,
                                 HdbParserId     *id);
gpointer    hdb_parse_buffer    (HdbParserId      id,
                                 const char      *data,
                                 gsize            length,
                                 GDestroyNotify  *free_func,
                                 GError         **error);

G_END_DECLS
