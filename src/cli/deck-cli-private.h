/* deck-cli-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the files of clusterdeck-cli share: the command line's state, the
 * command tables, output (escaped, or JSON), passwords and clients.
 */

#pragma once

#include <json-glib/json-glib.h>

#include "deck-cluster-state.h"
#include "deck-context.h"
#include "deck-credentials.h"
#include "deck-job.h"
#include "deck-store.h"
#include "hdb-client.h"
#include "hdb-json.h"

G_BEGIN_DECLS

/* The command line's state: the context, two of its parts that every
 * command reads (borrowed from the context), and the passwords taken from
 * the environment at start (deck_cli_take_environment()). */
typedef struct
{
  DeckContext     *context;
  DeckStore       *store;
  DeckCredentials *credentials;
  gboolean         json;
  char            *login_password;    /* CLUSTERDECK_PASSWORD, an HdbSecret */
  char            *cluster_password;  /* CLUSTERDECK_CLUSTER_PASSWORD, an HdbSecret */
  GHashTable      *warned_in_clear;   /* ids of the instances warned about */
} DeckCli;

/* Runs a command: @argv holds the command's own word ("list", "set"), then
 * the positional arguments, its options already parsed (deck-cli.c). */
typedef int (*DeckCliRun) (DeckCli  *cli,
                           int       argc,
                           char    **argv);

/* One command of the tables below; @family is "org" or "instance" for their
 * subcommands, %NULL for a command of its own. @parameters, @summary and
 * @missing are N_() strings: the usage after the command words, what it
 * does, and what is said when fewer than @min_args arguments are given.
 * @entries are the command's options (static, filled by the parse). */
typedef struct
{
  const char         *family;
  const char         *name;
  const char         *parameters;
  const char         *summary;
  const char         *missing;
  const GOptionEntry *entries;
  int                 min_args;
  int                 max_args;
  DeckCliRun          run;
} DeckCliCommand;

/* Each table ends with an entry whose @name is %NULL. */
extern const DeckCliCommand deck_cli_org_commands[];
extern const DeckCliCommand deck_cli_instance_commands[];
extern const DeckCliCommand deck_cli_status_commands[];
extern const DeckCliCommand deck_cli_cluster_commands[];
extern const DeckCliCommand deck_cli_set_commands[];
extern const DeckCliCommand deck_cli_replication_commands[];
extern const DeckCliCommand deck_cli_file_commands[];
extern const DeckCliCommand deck_cli_check_commands[];
extern const DeckCliCommand deck_cli_map_commands[];

/* Output (deck-cli-output.c). Everything printed goes through the escaping
 * print handlers; errors and warnings are a sentence on stderr, or a JSON
 * object under --json. */
void          deck_cli_output_init   (gboolean       json);
char         *deck_cli_escape        (const char    *text);
const char   *deck_cli_error_code    (const GError  *error);
int           deck_cli_fail          (const char    *format,
                                      ...) G_GNUC_PRINTF (1, 2);
int           deck_cli_fail_code     (const char    *code,
                                      const char    *format,
                                      ...) G_GNUC_PRINTF (2, 3);
int           deck_cli_fail_error    (const GError  *error);
void          deck_cli_warn          (const char    *code,
                                      const char    *format,
                                      ...) G_GNUC_PRINTF (2, 3);
int           deck_cli_usage_error   (const char    *command,
                                      const char    *message);
void          deck_cli_print_json    (JsonNode      *node);

/* Passwords and clients (deck-cli-login.c) */
void          deck_cli_take_environment (DeckCli   *cli);
void          deck_cli_clear_environment (DeckCli  *cli);
char         *deck_cli_read_password (const char    *given,
                                      const char    *prompt,
                                      GError       **error);
gboolean      deck_cli_ask           (const char    *question);
void          deck_cli_warn_in_clear (DeckCli       *cli,
                                      DeckInstance  *instance);
HdbClient    *deck_cli_client_for    (DeckCli       *cli,
                                      DeckInstance  *instance,
                                      GError       **error);

/* Waiting on the main loop (deck-cli-login.c) */
void          deck_cli_store_result  (GObject       *source,
                                      GAsyncResult  *result,
                                      gpointer       user_data);
GAsyncResult *deck_cli_wait_result   (GAsyncResult **slot);
void          deck_cli_wait_job      (DeckJob       *job);
HdbServerInfo    *deck_cli_server_info    (HdbClient  *client,
                                           GError    **error);
HdbClusterStatus *deck_cli_cluster_status (HdbClient  *client,
                                           GError    **error);
HdbSchema        *deck_cli_describe_all   (HdbClient  *client,
                                           GError    **error);

/* The pending changes (deck-cli-replication.c) */
DeckChangeSet *deck_cli_load_pending  (DeckCli       *cli,
                                       GError       **error);

/* The cluster as a file (deck-cli-file.c) */
DeckOrganization *deck_cli_find_organization (DeckCli          *cli,
                                              const char       *name,
                                              GError          **error);
DeckClusterState *deck_cli_read_cluster      (DeckCli          *cli,
                                              DeckOrganization *org);
DeckChangeSet    *deck_cli_changes_from_file (DeckCli          *cli,
                                              const char       *path,
                                              GPtrArray       **unresolved,
                                              GError          **error);

/* status --watch (deck-cli-watch.c) */
int               deck_cli_watch             (DeckCli          *cli,
                                              GPtrArray        *instances,
                                              guint             interval);

/* How long the command line waits for one answer of an instance. */
#define DECK_CLI_TIMEOUT_MS 10000

G_END_DECLS
