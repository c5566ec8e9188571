/* test-ui-pseudo.c: the main screens in the pseudo-translation.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * run-pseudo.sh builds a catalogue in which every message is wrapped in
 * ⟦ ⟧ (pseudo-po.py) and runs this program with LANGUAGE set to it. The
 * program opens the main window on each of its screens (no organization,
 * no instance, an instance's Overview and Replication pages), the
 * Preferences and the shortcuts window, and fails on any label shown whose
 * text, once the wrapped parts and the data (names, addresses, numbers)
 * are taken out, still has a letter: a string that never went through
 * gettext, or one assembled from translated pieces and English glue.
 * No Harper: the instance points at a closed port of 127.0.0.1.
 */

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>
#include <adwaita.h>

#include "deck-application.h"
#include "deck-credentials.h"
#include "deck-instance-monitor.h"
#include "deck-preferences-window.h"
#include "deck-store.h"
#include "deck-window.h"
#include "../ui/ui-test-util.h"

#define START "\u27e6"
#define END "\u27e7"

/* What is data, not a message: shown as it is in any language. */
static const char *data_strings[] = {
  "Demo", "Berlin", "http://127.0.0.1:1", "127.0.0.1:1", "admin", "Clusterdeck", NULL,
};

/* @text without its wrapped parts and its data: what is left must have no
 * letter. */
static gboolean
fully_translated (const char *text)
{
  g_autoptr(GString) rest = g_string_new (text);
  const char *start;

  /* Wrapped parts may nest (a translated message holding another). */
  while ((start = strstr (rest->str, START)) != NULL)
    {
      const char *inner = start + strlen (START);
      const char *end;
      int depth = 1;

      for (end = inner; *end != '\0' && depth > 0; end = g_utf8_next_char (end))
        {
          if (g_str_has_prefix (end, START))
            depth++;
          else if (g_str_has_prefix (end, END) && --depth == 0)
            break;
        }
      if (*end == '\0')
        return FALSE;
      g_string_erase (rest, start - rest->str, end + strlen (END) - start);
    }
  for (guint i = 0; data_strings[i] != NULL; i++)
    while (g_string_replace (rest, data_strings[i], "", 0) > 0)
      ;
  for (const char *p = rest->str; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_isalpha (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

static void
collect_labels (GtkWidget *widget,
                GPtrArray *bad,
                guint     *checked)
{
  if (!gtk_widget_is_drawable (widget))
    return;
  if (GTK_IS_LABEL (widget))
    {
      const char *text = gtk_label_get_text (GTK_LABEL (widget));

      if (text != NULL && *text != '\0')
        {
          (*checked)++;
          if (!fully_translated (text))
            g_ptr_array_add (bad, g_strdup_printf ("“%s” (%s in %s)", text,
                                                   G_OBJECT_TYPE_NAME (widget),
                                                   G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget))));
        }
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_labels (c, bad, checked);
}

/* Fails, naming each label, if any visible text was not translated. */
static void
assert_all_translated (GtkWidget  *root,
                       const char *screen)
{
  g_autoptr(GPtrArray) bad = g_ptr_array_new_with_free_func (g_free);
  guint checked = 0;

  gtk_test_widget_wait_for_draw (root);
  collect_labels (root, bad, &checked);
  g_test_message ("%s: %u labels checked", screen, checked);
  g_assert_cmpuint (checked, >, 0);
  for (guint i = 0; i < bad->len; i++)
    g_test_message ("%s: not translated: %s", screen, (char *) bad->pdata[i]);
  if (bad->len > 0)
    g_error ("%s: %u of %u labels show text that is not translated", screen, bad->len, checked);
}

static gboolean
match_view_stack (GtkWidget *widget, gconstpointer data)
{
  return ADW_IS_VIEW_STACK (widget);
}

static void
test_gettext_chain (void)
{
  /* The catalogue is found and read: a plain message and the two plural
   * forms come back wrapped. */
  g_assert_cmpstr (_("Instances"), ==, START "Instances" END);
  g_assert_true (g_str_has_prefix (g_dngettext (GETTEXT_PACKAGE, "%lu byte, more than the %lu allowed",
                                                "%lu bytes, more than the %lu allowed", 1),
                                   START "%lu byte,"));
  g_assert_true (g_str_has_prefix (g_dngettext (GETTEXT_PACKAGE, "%lu byte, more than the %lu allowed",
                                                "%lu bytes, more than the %lu allowed", 2),
                                   START "%lu bytes,"));
  g_assert_true (fully_translated (START "Berlin" END));
  g_assert_false (fully_translated ("Berlin is down"));
  g_assert_false (fully_translated (START "Down" END " (super user)"));
}

static void
test_main_screens (void)
{
  g_autoptr(DeckStore) store = deck_store_new (NULL);
  g_autoptr(DeckInstanceMonitor) monitor = NULL;
  g_autoptr(DeckContext) context = NULL;
  g_autoptr(GError) problem = NULL;
  g_autoptr(GError) error = NULL;
  DeckOrganization *org;
  DeckInstance *berlin;
  DeckWindow *window;
  GtkWidget *prefs;
  gboolean destroyed = FALSE;

  g_assert_true (deck_store_load (store, &problem, &error));
  g_assert_no_error (error);
  monitor = deck_instance_monitor_new (store, deck_credentials_get_default ());
  deck_instance_monitor_set_interval (monitor, 2);
  context = deck_context_new (store, deck_credentials_get_default (), monitor);
  window = deck_window_new (NULL, context);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gtk_window_present (GTK_WINDOW (window));
  assert_all_translated (GTK_WIDGET (window), "no organization");

  org = deck_store_add_organization (store, "Demo", &error);
  g_assert_no_error (error);
  WAIT_UNTIL (deck_window_get_selected_organization (window) == org, 5000);
  assert_all_translated (GTK_WIDGET (window), "no instance");

  berlin = deck_store_add_instance (store, org, "Berlin", "http://127.0.0.1:1", "admin", NULL, &error);
  g_assert_no_error (error);
  deck_instance_monitor_start (monitor);
  deck_window_select_instance (window, berlin);
  /* No keyring here, so no password: the monitor says so. */
  WAIT_UNTIL (deck_instance_get_status (berlin) > DECK_INSTANCE_STATUS_CHECKING, 20000);
  wait_frames (GTK_WIDGET (window), 3);
  assert_all_translated (GTK_WIDGET (window), "overview of an instance without a password");

  {
    AdwViewStack *stack = ADW_VIEW_STACK (find_widget (GTK_WIDGET (window), match_view_stack, NULL));

    g_assert_nonnull (stack);
    adw_view_stack_set_visible_child_name (stack, "replication");
    wait_frames (GTK_WIDGET (window), 3);
    assert_all_translated (GTK_WIDGET (window), "replication of an instance without a password");
    adw_view_stack_set_visible_child_name (stack, "overview");
  }

  prefs = deck_preferences_window_new (GTK_WINDOW (window), NULL);
  gtk_window_present (GTK_WINDOW (prefs));
  assert_all_translated (prefs, "preferences");
  gtk_window_destroy (GTK_WINDOW (prefs));

  g_signal_connect (window, "destroy", G_CALLBACK (ui_test_on_destroyed), &destroyed);
  gtk_window_destroy (GTK_WINDOW (window));
  WAIT_UNTIL (destroyed, 5000);
  flush_main_context ();
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("CLUSTERDECK_PSEUDO_LOCALEDIR");
  g_autofree char *base_dir = NULL;
  g_autofree char *config_home = NULL;
  g_autofree char *state_home = NULL;
  int status;

  if (localedir == NULL || g_getenv ("LANGUAGE") == NULL)
    {
      g_print ("Bail out! run by run-pseudo.sh (CLUSTERDECK_PSEUDO_LOCALEDIR and LANGUAGE unset)\n");
      return 1;
    }
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  base_dir = g_dir_make_tmp ("clusterdeck-ui-pseudo-XXXXXX", NULL);
  g_assert_nonnull (base_dir);
  config_home = g_build_filename (base_dir, "config", NULL);
  state_home = g_build_filename (base_dir, "state", NULL);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  g_setenv ("XDG_STATE_HOME", state_home, TRUE);

  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_print ("Bail out! cannot open a display: run under Xvfb\n");
      return 1;
    }
  adw_init ();

  g_test_add_func ("/i18n/gettext-chain", test_gettext_chain);
  g_test_add_func ("/i18n/main-screens", test_main_screens);

  status = g_test_run ();
  remove_dir (base_dir);
  return status;
}
