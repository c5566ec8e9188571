/* deck-cli-login.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Passwords and clients for clusterdeck-cli (DESIGN.md §6): from the
 * environment (read once at start, then removed from it), the keyring,
 * standard input or a no-echo prompt; and the synchronous reads the
 * commands make, each waiting on the main loop.
 */

#define G_LOG_DOMAIN "deck-cli"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "deck-cli.h"
#include "deck-cli-private.h"

#define MAX_PASSWORD 1024

/* Waiting ------------------------------------------------------------------ */

void
deck_cli_store_result (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

GAsyncResult *
deck_cli_wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* Runs the main loop until @job ends or waits for a decision. */
void
deck_cli_wait_job (DeckJob *job)
{
  while (!deck_job_is_finished (job) && deck_job_get_state (job) != DECK_JOB_STATE_PREPARED)
    g_main_context_iteration (NULL, TRUE);
}

HdbServerInfo *
deck_cli_server_info (HdbClient  *client,
                      GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  hdb_client_server_info_async (client, NULL, deck_cli_store_result, &result);
  return hdb_client_server_info_finish (client, deck_cli_wait_result (&result), error);
}

HdbClusterStatus *
deck_cli_cluster_status (HdbClient  *client,
                         GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  hdb_client_cluster_status_async (client, NULL, deck_cli_store_result, &result);
  return hdb_client_cluster_status_finish (client, deck_cli_wait_result (&result), error);
}

HdbSchema *
deck_cli_describe_all (HdbClient  *client,
                       GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  hdb_client_describe_all_async (client, NULL, deck_cli_store_result, &result);
  return hdb_client_describe_all_finish (client, deck_cli_wait_result (&result), error);
}

/* The environment ----------------------------------------------------------- */

/* Takes @name out of the environment: a copy for us, the variable removed,
 * so that no process we start (a D-Bus autolaunch, anything a library
 * spawns) inherits it. The value is overwritten where it stands first: the
 * environment the kernel gave us lies in our stack, and it is what
 * /proc/PID/environ shows, unset or not. */
static char *
take_variable (const char *name)
{
  char *value = (char *) g_getenv (name);
  char *copy = NULL;

  if (value == NULL)
    return NULL;
  if (*value != '\0')
    copy = g_strdup (value);
  memset (value, 0, strlen (value));
  g_unsetenv (name);
  return copy;
}

/**
 * deck_cli_take_environment:
 * @cli: the command line's state
 *
 * Takes CLUSTERDECK_PASSWORD and CLUSTERDECK_CLUSTER_PASSWORD out of the
 * environment into @cli. Called first thing, before any library could
 * start a process.
 */
void
deck_cli_take_environment (DeckCli *cli)
{
  cli->login_password = take_variable ("CLUSTERDECK_PASSWORD");
  cli->cluster_password = take_variable ("CLUSTERDECK_CLUSTER_PASSWORD");
}

/**
 * deck_cli_clear_environment:
 * @cli: the command line's state
 *
 * Wipes and frees the passwords deck_cli_take_environment() took.
 */
void
deck_cli_clear_environment (DeckCli *cli)
{
  g_clear_pointer (&cli->login_password, hdb_secret_free);
  g_clear_pointer (&cli->cluster_password, hdb_secret_free);
}

/* Reading from the terminal ----------------------------------------------- */

/* The terminal's settings while echo is off, for the signal handler. */
static struct termios saved_termios;
static volatile sig_atomic_t echo_off;

static const int restoring_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

/* Ctrl-C (or another fatal signal) while the prompt has echo off: echo on
 * again, then die of the signal as we would have. Only async-signal-safe
 * calls (tcsetattr, write, signal, raise). */
static void
on_fatal_signal (int signum)
{
  if (echo_off)
    {
      tcsetattr (STDIN_FILENO, TCSANOW, &saved_termios);
      echo_off = 0;
      (void) !write (STDERR_FILENO, "\n", 1);
    }
  signal (signum, SIG_DFL);
  raise (signum);
}

/* Reads one line from standard input with read(2), byte by byte: nothing
 * past the line is taken from the input, and no stdio buffer keeps a copy.
 * Returns the length, or -1 at end of input before anything was read, or
 * when the line does not fit (@buffer is wiped then). */
static gssize
read_line (char  *buffer,
           gsize  size)
{
  gsize len = 0;
  gboolean too_long = FALSE;

  for (;;)
    {
      char c;
      gssize n = read (STDIN_FILENO, &c, 1);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          if (len == 0 && !too_long)
            return -1;
          break;
        }
      if (c == '\n')
        break;
      if (len + 1 < size)
        buffer[len++] = c;
      else
        too_long = TRUE;
    }
  buffer[len] = '\0';
  if (too_long)
    {
      memset (buffer, 0, size);
      return -1;
    }
  while (len > 0 && buffer[len - 1] == '\r')
    buffer[--len] = '\0';
  return (gssize) len;
}

/* Reads a line with echo off, restoring the terminal however it ends. */
static gssize
read_line_quietly (char  *buffer,
                   gsize  size)
{
  struct sigaction action = { 0 };
  struct sigaction previous[G_N_ELEMENTS (restoring_signals)];
  struct termios quiet;
  gssize len;

  if (tcgetattr (STDIN_FILENO, &saved_termios) != 0)
    return read_line (buffer, size);

  action.sa_handler = on_fatal_signal;
  sigemptyset (&action.sa_mask);
  for (guint i = 0; i < G_N_ELEMENTS (restoring_signals); i++)
    sigaction (restoring_signals[i], &action, &previous[i]);

  quiet = saved_termios;
  quiet.c_lflag &= ~(tcflag_t) ECHO;
  echo_off = 1;
  tcsetattr (STDIN_FILENO, TCSANOW, &quiet);

  len = read_line (buffer, size);

  tcsetattr (STDIN_FILENO, TCSANOW, &saved_termios);
  echo_off = 0;
  for (guint i = 0; i < G_N_ELEMENTS (restoring_signals); i++)
    sigaction (restoring_signals[i], &previous[i], NULL);
  g_printerr ("\n");
  return len;
}

/**
 * deck_cli_read_password:
 * @given: (nullable): the password from the environment
 * @prompt: what to ask, when standard input is a terminal
 * @error: where to say why there is none
 *
 * A copy of @given, else a line of standard input: asked for without echo
 * on a terminal, read as it is otherwise.
 *
 * Returns: (transfer full) (nullable): an #HdbSecret (free it with
 *   hdb_secret_free()), or %NULL with @error set
 */
char *
deck_cli_read_password (const char  *given,
                        const char  *prompt,
                        GError     **error)
{
  char line[MAX_PASSWORD];
  char *password;
  gssize len;

  if (given != NULL)
    return g_strdup (given);

  if (isatty (STDIN_FILENO))
    {
      g_printerr ("%s", prompt);
      len = read_line_quietly (line, sizeof line);
    }
  else
    len = read_line (line, sizeof line);

  if (len <= 0)
    {
      memset (line, 0, sizeof line);
      g_set_error_literal (error, DECK_CREDENTIALS_ERROR, DECK_CREDENTIALS_ERROR_FAILED,
                           _("No password was given (standard input was empty)."));
      return NULL;
    }
  password = g_strdup (line);
  memset (line, 0, sizeof line);
  return password;
}

/**
 * deck_cli_ask:
 * @question: a question ending in “[y/N] ”
 *
 * Asks on standard output and reads the answer from standard input.
 *
 * Returns: %TRUE for an answer starting with y
 */
gboolean
deck_cli_ask (const char *question)
{
  char line[64];

  g_print ("%s", question);
  if (read_line (line, sizeof line) < 0)
    return FALSE;
  return line[0] == 'y' || line[0] == 'Y';
}

/* Clients ------------------------------------------------------------------- */

/**
 * deck_cli_warn_in_clear:
 * @cli: the command line's state
 * @instance: an instance about to be logged in to
 *
 * Warns, once per instance, that its login goes over the network in clear
 * (deck_instance_get_login_in_clear()). It does not stop anything.
 */
void
deck_cli_warn_in_clear (DeckCli      *cli,
                        DeckInstance *instance)
{
  if (!deck_instance_get_login_in_clear (instance))
    return;
  if (cli->warned_in_clear == NULL)
    cli->warned_in_clear = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (!g_hash_table_add (cli->warned_in_clear, g_strdup (deck_instance_get_id (instance))))
    return;
  deck_cli_warn ("in-clear",
                 _("“%s” is reached over plain http://: its password crosses the network "
                   "in clear, readable by anyone on the way. Use https:// where you can."),
                 deck_instance_get_name (instance));
}

/* The instance's password: the keyring's, else CLUSTERDECK_PASSWORD's. */
static char *
lookup_password (DeckCli      *cli,
                 DeckInstance *instance,
                 GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  char *password;

  deck_credentials_lookup_async (cli->credentials, DECK_SECRET_INSTANCE_LOGIN,
                                 deck_instance_get_id (instance), NULL, deck_cli_store_result,
                                 &result);
  password = deck_credentials_lookup_finish (cli->credentials, deck_cli_wait_result (&result),
                                             error);
  if (password != NULL)
    return password;

  if (cli->login_password != NULL)
    {
      g_clear_error (error);
      return g_strdup (cli->login_password);
    }
  if (error != NULL && *error == NULL)
    g_set_error (error, DECK_CREDENTIALS_ERROR, DECK_CREDENTIALS_ERROR_FAILED,
                 _("No password is stored for “%s”. Add the instance again, or set "
                   "CLUSTERDECK_PASSWORD."), deck_instance_get_name (instance));
  return NULL;
}

/**
 * deck_cli_client_for:
 * @cli: the command line's state
 * @instance: an instance
 * @error: where to say why there is none
 *
 * A client of @instance, with the command line's short timeout. It is the
 * context's (the instance monitor's, given the password here), so that the
 * jobs find it.
 *
 * Returns: (transfer full) (nullable): the client
 */
HdbClient *
deck_cli_client_for (DeckCli       *cli,
                     DeckInstance  *instance,
                     GError       **error)
{
  g_autoptr(HdbSecret) password = lookup_password (cli, instance, error);
  g_autoptr(HdbClient) check = NULL;
  HdbClient *client;

  if (password == NULL)
    return NULL;

  /* What the URL and login are worth, said before anything is kept. */
  check = hdb_client_new (deck_instance_get_url (instance), deck_instance_get_username (instance),
                          password, error);
  if (check == NULL)
    return NULL;
  deck_instance_monitor_set_password (deck_context_get_monitor (cli->context), instance, password);
  client = deck_context_get_client (cli->context, instance);
  if (client == NULL)
    {
      g_set_error (error, DECK_CREDENTIALS_ERROR, DECK_CREDENTIALS_ERROR_FAILED,
                   _("“%s” is not in the store any more."), deck_instance_get_name (instance));
      return NULL;
    }
  deck_cli_warn_in_clear (cli, instance);
  hdb_client_set_timeout (client, DECK_CLI_TIMEOUT_MS);
  return g_object_ref (client);
}
