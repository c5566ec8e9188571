/* deck-cli-output.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What clusterdeck-cli prints, and how. Much of it was not written by us:
 * names from the files, node names, table names, certificate subjects and
 * error messages from the servers. A terminal acts on the control
 * characters in such text (ESC sequences recolour, move the cursor, set
 * the title, and with some terminals write to files or the clipboard; a CR
 * overwrites the line), and bidirectional overrides reorder what is read.
 * So every byte printed passes through one of two print handlers that
 * escape what a terminal would act on; our own text has none of it but the
 * newlines and tabs of the layout, which they keep. A single-line field
 * (an error message) is escaped whole with deck_cli_escape().
 *
 * Under --json the output is JSON: the escapes are then JSON's (\u001b),
 * and errors and warnings are JSON objects on standard error, one per line:
 *   {"error": {"code": "not-found", "message": "There is no …"}}
 *   {"warning": {"code": "in-clear", "message": "…"}}
 */

#define G_LOG_DOMAIN "deck-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "deck-cli.h"
#include "deck-cli-private.h"
#include "deck-pending.h"
#include "deck-plan.h"

static gboolean output_json;

/* Escaping --------------------------------------------------------------- */

static gboolean
must_escape (gunichar c)
{
  /* C0, DEL and C1 (U+009B is CSI to many terminals, as ESC [ is), the
   * bidirectional formatting characters, and the line and paragraph
   * separators. */
  return g_unichar_type (c) == G_UNICODE_CONTROL ||
         c == 0x061c || c == 0x200e || c == 0x200f ||
         (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
         c == 0x2028 || c == 0x2029;
}

/* Appends @text to @out, escaped. @keep_layout keeps newlines and tabs;
 * @json writes JSON escapes (valid inside a JSON string, where anything
 * escaped here can only be: the structure is ASCII), and a byte that is not
 * UTF-8 as U+FFFD. */
static void
append_escaped (GString    *out,
                const char *text,
                gboolean    keep_layout,
                gboolean    json)
{
  const char *p = text;

  while (*p != '\0')
    {
      gunichar c = g_utf8_get_char_validated (p, -1);
      const char *next;

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          if (json)
            g_string_append (out, "\\ufffd");
          else
            g_string_append_printf (out, "\\x%02x", (guchar) *p);
          p++;
          continue;
        }

      next = g_utf8_next_char (p);
      if (keep_layout && (c == '\n' || c == '\t'))
        g_string_append_c (out, (char) c);
      else if (!must_escape (c))
        g_string_append_len (out, p, next - p);
      else if (c < 0x80 && !json)
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_printf (out, "\\u%04x", c);
      p = next;
    }
}

/**
 * deck_cli_escape:
 * @text: (nullable): text we did not write
 *
 * @text for one line of a terminal: every control character escaped (a
 * newline as \x0a, ESC as \x1b), bidirectional overrides as \u202e, a byte
 * that is not UTF-8 as \xff.
 *
 * Returns: (transfer full): the escaped text ("" for %NULL)
 */
char *
deck_cli_escape (const char *text)
{
  GString *out = g_string_new (NULL);

  if (text != NULL)
    append_escaped (out, text, FALSE, FALSE);
  return g_string_free (out, FALSE);
}

/* Writes @text to @stream as g_print() would (converted to the locale's
 * character set when it is not UTF-8), escaped. */
static void
write_escaped (FILE       *stream,
               const char *text)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *charset;

  append_escaped (out, text, TRUE, FALSE);
  if (g_get_charset (&charset))
    fputs (out->str, stream);
  else
    {
      g_autofree char *converted = g_convert_with_fallback (out->str, -1, charset, "UTF-8",
                                                            "?", NULL, NULL, NULL);

      fputs (converted != NULL ? converted : out->str, stream);
    }
  fflush (stream);
}

static void
on_print (const char *text)
{
  write_escaped (stdout, text);
}

static void
on_printerr (const char *text)
{
  write_escaped (stderr, text);
}

/* Writes JSON text, already generated, with what a terminal would act on
 * escaped the JSON way. JSON is UTF-8 whatever the locale. */
static void
write_json (FILE       *stream,
            const char *text)
{
  g_autoptr(GString) out = g_string_new (NULL);

  append_escaped (out, text, TRUE, TRUE);
  g_string_append_c (out, '\n');
  fwrite (out->str, 1, out->len, stream);
  fflush (stream);
}

/**
 * deck_cli_output_init:
 * @json: whether --json was given
 *
 * Installs the print handlers: from now on g_print() and g_printerr()
 * escape what they print.
 */
void
deck_cli_output_init (gboolean json)
{
  output_json = json;
  g_set_print_handler (on_print);
  g_set_printerr_handler (on_printerr);
}

/**
 * deck_cli_print_json:
 * @node: a result
 *
 * Prints @node on standard output, pretty.
 */
void
deck_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  write_json (stdout, text);
}

/* Errors and warnings ---------------------------------------------------- */

/* One line on standard error: "clusterdeck-cli: MESSAGE", or under --json
 * {KIND: {"code": CODE, "message": MESSAGE}}. */
static void
report (const char *kind,
        const char *code,
        const char *message)
{
  if (output_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, kind);
      json_builder_begin_object (builder);
      hdb_json_add_string_member (builder, "code", code);
      hdb_json_add_string_member (builder, "message", message);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      text = json_generator_to_data (generator, NULL);
      write_json (stderr, text);
    }
  else
    {
      g_autofree char *line = deck_cli_escape (message);

      g_printerr ("clusterdeck-cli: %s\n", line);
    }
}

/**
 * deck_cli_error_code:
 * @error: an error
 *
 * The short name of @error for --json (documented in the help, see
 * deck-cli.c): the client's codes (network, tls, auth…), the store's and
 * the pending changes' (not-found, newer, corrupt…), the jobs' (not-enabled,
 * no-password…), else "failed".
 *
 * Returns: a static string
 */
const char *
deck_cli_error_code (const GError *error)
{
  if (error == NULL)
    return "failed";
  if (error->domain == HDB_ERROR)
    return hdb_error_code_to_string (error->code);
  if (error->domain == DECK_CREDENTIALS_ERROR)
    return "credentials";
  if (error->domain == DECK_STORE_ERROR || error->domain == DECK_PENDING_ERROR)
    {
      if (g_error_matches (error, DECK_STORE_ERROR, DECK_STORE_ERROR_NOT_FOUND))
        return "not-found";
      if (g_error_matches (error, DECK_STORE_ERROR, DECK_STORE_ERROR_AMBIGUOUS))
        return "ambiguous";
      if (g_error_matches (error, DECK_STORE_ERROR, DECK_STORE_ERROR_EXISTS))
        return "exists";
      if (g_error_matches (error, DECK_STORE_ERROR, DECK_STORE_ERROR_INVALID))
        return "invalid";
      if (g_error_matches (error, DECK_STORE_ERROR, DECK_STORE_ERROR_NEWER) ||
          g_error_matches (error, DECK_STORE_ERROR, DECK_STORE_ERROR_READ_ONLY) ||
          g_error_matches (error, DECK_PENDING_ERROR, DECK_PENDING_ERROR_NEWER))
        return "newer";
      if (g_error_matches (error, DECK_STORE_ERROR, DECK_STORE_ERROR_CORRUPT) ||
          g_error_matches (error, DECK_PENDING_ERROR, DECK_PENDING_ERROR_CORRUPT))
        return "corrupt";
      return "io";
    }
  if (error->domain == DECK_JOB_ERROR)
    {
      switch (error->code)
        {
        case DECK_JOB_ERROR_NO_CLIENT: return "credentials";
        case DECK_JOB_ERROR_NO_CLUSTER_PASSWORD: return "no-password";
        case DECK_JOB_ERROR_NOT_SUPER_USER: return "not-super-user";
        case DECK_JOB_ERROR_NOT_ENABLED:
        case DECK_JOB_ERROR_PEER_NOT_ENABLED: return "not-enabled";
        case DECK_JOB_ERROR_NOT_SAVED: return "not-saved";
        case DECK_JOB_ERROR_BUSY: return "busy";
        default: return "failed";
        }
    }
  if (g_error_matches (error, DECK_CLUSTER_FILE_ERROR, DECK_CLUSTER_FILE_ERROR_NEWER))
    return "newer";
  if (error->domain == DECK_CLUSTER_FILE_ERROR)
    return "invalid";
  if (error->domain == DECK_PLAN_ERROR)
    return error->code == DECK_PLAN_ERROR_DRIFT ? "drift" : "verification";
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return "cancelled";
  return "failed";
}

static int fail_valist (const char *code,
                        const char *format,
                        va_list     args) G_GNUC_PRINTF (2, 0);

static int
fail_valist (const char *code,
             const char *format,
             va_list     args)
{
  g_autofree char *message = g_strdup_vprintf (format, args);

  report ("error", code, message);
  return DECK_CLI_EXIT_FAILURE;
}

/**
 * deck_cli_fail:
 * @format: a printf() format: one sentence
 *
 * Says why the command failed (code "failed" under --json).
 *
 * Returns: %DECK_CLI_EXIT_FAILURE
 */
int
deck_cli_fail (const char *format,
               ...)
{
  va_list args;
  int status;

  va_start (args, format);
  status = fail_valist ("failed", format, args);
  va_end (args);
  return status;
}

/**
 * deck_cli_fail_code:
 * @code: the error's short name under --json
 * @format: a printf() format: one sentence
 *
 * Returns: %DECK_CLI_EXIT_FAILURE
 */
int
deck_cli_fail_code (const char *code,
                    const char *format,
                    ...)
{
  va_list args;
  int status;

  va_start (args, format);
  status = fail_valist (code, format, args);
  va_end (args);
  return status;
}

/**
 * deck_cli_fail_error:
 * @error: why the command failed
 *
 * Returns: %DECK_CLI_EXIT_FAILURE
 */
int
deck_cli_fail_error (const GError *error)
{
  report ("error", deck_cli_error_code (error), error != NULL ? error->message : _("Failed."));
  return DECK_CLI_EXIT_FAILURE;
}

/**
 * deck_cli_warn:
 * @code: the warning's short name under --json
 * @format: a printf() format: one sentence
 *
 * Says something the user should know; the command goes on.
 */
void
deck_cli_warn (const char *code,
               const char *format,
               ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  report ("warning", code, message);
}

/**
 * deck_cli_usage_error:
 * @command: (nullable): the command words ("set", "org add"), %NULL for
 *   the command line as a whole
 * @message: what is wrong, one sentence
 *
 * Says what is wrong with the command line and where its usage is told.
 *
 * Returns: %DECK_CLI_EXIT_USAGE
 */
int
deck_cli_usage_error (const char *command,
                      const char *message)
{
  report ("error", "usage", message);
  if (!output_json)
    {
      if (command != NULL)
        g_printerr (_("See “clusterdeck-cli %s --help”.\n"), command);
      else
        g_printerr (_("See “clusterdeck-cli --help”.\n"));
    }
  return DECK_CLI_EXIT_USAGE;
}
