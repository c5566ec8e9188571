/* deck-json-schema.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DECK_JSON_SCHEMA_ERROR (deck_json_schema_error_quark ())

/**
 * DeckJsonSchemaError:
 * @DECK_JSON_SCHEMA_ERROR_INVALID: the value breaks the schema
 * @DECK_JSON_SCHEMA_ERROR_SCHEMA: the schema uses what this validator does
 *   not know (a $ref outside the document, for instance)
 */
typedef enum
{
  DECK_JSON_SCHEMA_ERROR_INVALID,
  DECK_JSON_SCHEMA_ERROR_SCHEMA,
} DeckJsonSchemaError;

GQuark   deck_json_schema_error_quark (void);

gboolean deck_json_schema_validate    (JsonNode  *schema,
                                       JsonNode  *value,
                                       GError   **error);

G_END_DECLS
