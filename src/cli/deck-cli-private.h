/* deck-cli-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the command files of clusterdeck-cli share.
 */

#pragma once

#include <json-glib/json-glib.h>

#include "deck-context.h"
#include "deck-credentials.h"
#include "deck-job.h"
#include "deck-store.h"
#include "hdb-client.h"

G_BEGIN_DECLS

/* The command line's state: the context, and two of its parts that every
 * command reads (borrowed from the context). */
typedef struct
{
  DeckContext     *context;
  DeckStore       *store;
  DeckCredentials *credentials;
  gboolean         json;
} DeckCli;

int           deck_cli_fail          (const char    *format,
                                      ...) G_GNUC_PRINTF (1, 2);
int           deck_cli_usage_error   (const char    *message);
void          deck_cli_store_result  (GObject       *source,
                                      GAsyncResult  *result,
                                      gpointer       user_data);
GAsyncResult *deck_cli_wait_result   (GAsyncResult **slot);
void          deck_cli_wipe          (char          *s);
void          deck_cli_wait_job      (DeckJob       *job);
HdbServerInfo    *deck_cli_server_info    (HdbClient  *client,
                                           GError    **error);
HdbClusterStatus *deck_cli_cluster_status (HdbClient  *client,
                                           GError    **error);
HdbSchema        *deck_cli_describe_all   (HdbClient  *client,
                                           GError    **error);
char         *deck_cli_read_password (const char    *env_name,
                                      const char    *prompt);
HdbClient    *deck_cli_client_for    (DeckCli       *cli,
                                      DeckInstance  *instance,
                                      GError       **error);
void          deck_cli_print_json    (JsonNode      *node);

int           deck_cli_cmd_enable     (DeckCli  *cli,
                                       int       argc,
                                       char    **argv);
int           deck_cli_cmd_connect    (DeckCli  *cli,
                                       int       argc,
                                       char    **argv,
                                       gboolean  connect);
gboolean      deck_cli_is_replication_command (const char *command);
int           deck_cli_cmd_replication (DeckCli  *cli,
                                        int       argc,
                                        char    **argv);

G_END_DECLS
