/* test-hdb-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * hdb_json_parse(), the one way in for JSON: deep nesting, size, encoding and
 * the characters json-glib's scanner reads but JSON has not are refused
 * before json-glib sees them; the typed accessors refuse the wrong type and
 * numbers out of range without a critical.
 */

#include <string.h>

#include "hdb-json.h"

static char *
repeat (char  c,
        gsize n)
{
  char *s = g_malloc (n + 1);

  memset (s, c, n);
  s[n] = '\0';
  return s;
}

static void
test_deep_nesting (void)
{
  /* ~150 KB of "[" made json-glib overflow the stack before. */
  g_autofree char *deep = repeat ('[', 150 * 1024);
  g_autoptr(GError) error = NULL;
  JsonNode *node = hdb_json_parse (deep, strlen (deep), 64 * 1024 * 1024, &error);

  g_assert_null (node);
  g_assert_error (error, HDB_JSON_ERROR, HDB_JSON_ERROR_TOO_DEEP);
}

static void
test_depth_limit (void)
{
  for (guint depth = HDB_JSON_MAX_DEPTH; depth <= HDB_JSON_MAX_DEPTH + 1; depth++)
    {
      g_autofree char *open = repeat ('[', depth);
      g_autofree char *close = repeat (']', depth);
      g_autofree char *text = g_strconcat (open, close, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = hdb_json_parse (text, strlen (text), 1 << 20, &error);

      if (depth <= HDB_JSON_MAX_DEPTH)
        {
          g_assert_no_error (error);
          g_assert_nonnull (node);
        }
      else
        {
          g_assert_error (error, HDB_JSON_ERROR, HDB_JSON_ERROR_TOO_DEEP);
          g_assert_null (node);
        }
    }
}

/* Brackets inside strings do not count; a quote hidden in a comment or a
 * single-quoted string cannot make the count miss brackets json-glib reads. */
static void
test_strings_and_scanner_tricks (void)
{
  g_autofree char *open = repeat ('[', 500);
  g_autofree char *in_string = g_strdup_printf ("{\"a\": \"%s\\\"%s\"}", open, open);
  g_autofree char *comment = g_strdup_printf ("// \"\n%s", open);
  g_autofree char *block = g_strdup_printf ("/* \" */ %s", open);
  g_autofree char *single = g_strdup_printf ("['\"', %s", open);
  const char *cases[] = { comment, block, single };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = hdb_json_parse (in_string, strlen (in_string), 1 << 20, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_cmpuint (strlen (json_object_get_string_member (json_node_get_object (node), "a")),
                    ==, 1001);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) e = NULL;

      g_assert_null (hdb_json_parse (cases[i], strlen (cases[i]), 1 << 20, &e));
      g_assert_error (e, HDB_JSON_ERROR, HDB_JSON_ERROR_SYNTAX);
    }
}

static void
test_size_encoding_empty (void)
{
  const char latin1[] = "{\"name\": \"caf\xe9\"}";
  const char with_nul[] = "{\"a\": 1}\0{}";
  g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL, e5 = NULL;

  g_assert_null (hdb_json_parse ("[1, 2, 3]", 9, 8, &e1));
  g_assert_error (e1, HDB_JSON_ERROR, HDB_JSON_ERROR_TOO_LARGE);
  g_assert_null (hdb_json_parse (latin1, sizeof latin1 - 1, 1024, &e2));
  g_assert_error (e2, HDB_JSON_ERROR, HDB_JSON_ERROR_ENCODING);
  g_assert_null (hdb_json_parse (with_nul, sizeof with_nul - 1, 1024, &e3));
  g_assert_error (e3, HDB_JSON_ERROR, HDB_JSON_ERROR_ENCODING);
  g_assert_null (hdb_json_parse (" \n\t", 3, 1024, &e4));
  g_assert_error (e4, HDB_JSON_ERROR, HDB_JSON_ERROR_EMPTY);
  g_assert_null (hdb_json_parse ("{\"a\": ", 6, 1024, &e5));
  g_assert_error (e5, HDB_JSON_ERROR, HDB_JSON_ERROR_SYNTAX);
}

/* One value per text: json-glib alone reads past a second one. A syntax
 * error reads as a position, not as json-glib's "<data>:1:5". */
static void
test_one_value (void)
{
  const char *refused[] = {
    "{\"a\":1} {\"b\":2}", "[1][2]", "\"a\" \"b\"", "\"a\"\"b\"", "1 2", "true false",
    "{} 1", "1 {}", "null[]",
  };
  const char *accepted[] = {
    " {\"a\": [1, {\"b\": \"}{\"}]}\n", "42", " -1.5e3 ", "\"text\"", "true", "[]\r\n",
  };
  g_autoptr(GError) syntax = NULL;
  const char *missing_colon = "{\"a\": 1,\n \"b\" 2}";

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) e = NULL;

      g_assert_null (hdb_json_parse (refused[i], strlen (refused[i]), 1024, &e));
      g_assert_error (e, HDB_JSON_ERROR, HDB_JSON_ERROR_SYNTAX);
    }
  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autoptr(GError) e = NULL;
      g_autoptr(JsonNode) node = hdb_json_parse (accepted[i], strlen (accepted[i]), 1024, &e);

      g_assert_no_error (e);
      g_assert_nonnull (node);
    }

  g_assert_null (hdb_json_parse (missing_colon, strlen (missing_colon), 1024, &syntax));
  g_assert_error (syntax, HDB_JSON_ERROR, HDB_JSON_ERROR_SYNTAX);
  g_test_message ("%s", syntax->message);
  g_assert_true (g_str_has_prefix (syntax->message, "line 2, character "));
  g_assert_null (strstr (syntax->message, "<data>"));
}

static void
test_typed_access (void)
{
  const char *text = "{\"s\": \"text\", \"n\": 42, \"d\": 2.5, \"big\": 1e300, \"neg\": -3,"
                     " \"b\": true, \"null\": null, \"o\": {}, \"a\": [1, \"x\"],"
                     " \"frac\": 1.5, \"whole\": 7.0}";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = hdb_json_parse (text, strlen (text), 4096, &error);
  JsonObject *o;
  gint64 i = -1;
  double d = -1;
  gboolean b = FALSE;

  g_assert_no_error (error);
  o = json_node_get_object (node);

  g_assert_cmpstr (hdb_json_get_string (o, "s"), ==, "text");
  g_assert_null (hdb_json_get_string (o, "n"));
  g_assert_null (hdb_json_get_string (o, "o"));
  g_assert_null (hdb_json_get_string (o, "null"));
  g_assert_null (hdb_json_get_string (o, "missing"));
  g_assert_null (hdb_json_get_string (NULL, "s"));

  g_assert_true (hdb_json_get_int (o, "n", 0, 100, &i));
  g_assert_cmpint (i, ==, 42);
  g_assert_false (hdb_json_get_int (o, "n", 0, 10, &i));
  g_assert_false (hdb_json_get_int (o, "big", G_MININT64, G_MAXINT64, &i));
  g_assert_false (hdb_json_get_int (o, "frac", G_MININT64, G_MAXINT64, &i));
  g_assert_true (hdb_json_get_int (o, "whole", 0, 10, &i));
  g_assert_cmpint (i, ==, 7);
  g_assert_false (hdb_json_get_int (o, "neg", 0, 10, &i));
  g_assert_false (hdb_json_get_int (o, "s", G_MININT64, G_MAXINT64, &i));
  g_assert_false (hdb_json_get_int (o, "b", G_MININT64, G_MAXINT64, &i));

  g_assert_true (hdb_json_get_double (o, "d", &d));
  g_assert_cmpfloat (d, ==, 2.5);
  g_assert_true (hdb_json_get_double (o, "n", &d));
  g_assert_cmpfloat (d, ==, 42);
  g_assert_false (hdb_json_get_double (o, "s", &d));

  g_assert_true (hdb_json_get_boolean (o, "b", &b));
  g_assert_true (b);
  g_assert_false (hdb_json_get_boolean (o, "n", &b));

  g_assert_nonnull (hdb_json_get_object (o, "o"));
  g_assert_null (hdb_json_get_object (o, "a"));
  g_assert_nonnull (hdb_json_get_array (o, "a"));
  g_assert_null (hdb_json_get_array (o, "o"));
  g_assert_null (hdb_json_get_array (o, "null"));
  g_assert_cmpstr (hdb_json_node_get_string (json_array_get_element (hdb_json_get_array (o, "a"), 1)),
                   ==, "x");
  g_assert_null (hdb_json_node_get_string (json_array_get_element (hdb_json_get_array (o, "a"), 0)));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hdb-json/deep-nesting", test_deep_nesting);
  g_test_add_func ("/hdb-json/depth-limit", test_depth_limit);
  g_test_add_func ("/hdb-json/strings-and-scanner-tricks", test_strings_and_scanner_tricks);
  g_test_add_func ("/hdb-json/size-encoding-empty", test_size_encoding_empty);
  g_test_add_func ("/hdb-json/one-value", test_one_value);
  g_test_add_func ("/hdb-json/typed-access", test_typed_access);
  return g_test_run ();
}
