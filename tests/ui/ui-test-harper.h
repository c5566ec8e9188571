/* ui-test-harper.h: the harness shared by the UI test programs that drive
 * the Replication view against three real Harper nodes (ui-replication,
 * ui-grid-apply); header only, on top of ui-test-util.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The program's state (the nodes, our own clients of them, the instances in
 * the store, the keyring, the monitor and the window) is held in the
 * variables below, which the program reads and sets directly; the helpers
 * set it up and take it down in steps, so that a program adds its own steps
 * in between:
 *
 *   ui_harper_filter_log ()       debug messages only with G_MESSAGES_DEBUG
 *   ui_harper_init ()             display, libadwaita, font, the dump
 *                                 function, the paused-node safety
 *   ui_harper_start_nodes ()      screenshots directory, the Harper nodes
 *   ui_harper_open_store ()       a store in a temporary directory, the keyring
 *   ui_harper_add_instances ()    "node1"… in `demo`, their logins in the keyring
 *   ui_harper_start_monitor ()    refreshing every 2 s, 1.5 s check timeout;
 *                                 the context (store, keyring, monitor)
 *   ui_harper_create_window ()    presented, 1100×720 without its frame
 *   ui_harper_teardown ()         all of it (a paused node resumed first)
 *
 * A paused node: a test that freezes a node with SIGSTOP sets paused_pid;
 * the node is resumed by resume_paused_node(): by the test, by the
 * PausedFixture's teardown (paused_setup(), paused_teardown()), by an
 * atexit() hook and on SIGABRT (a failed assertion aborts: neither teardown
 * nor atexit() runs then), both installed by ui_harper_init().
 */

#pragma once

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <adwaita.h>

#include "deck-context.h"
#include "deck-credentials.h"
#include "deck-instance-monitor.h"
#include "deck-replication-page.h"
#include "deck-store.h"
#include "deck-window.h"
#include "harper-fixture.h"
#include "hdb-client.h"
#include "ui-test-util.h"

G_BEGIN_DECLS

#define REFRESH_INTERVAL_S 2
#define CHECK_TIMEOUT_MS   1500
#define WINDOW_WIDTH       1100
#define WINDOW_HEIGHT      720
#define N_NODES            3
#define CLUSTER_USER       "cluster_user"

static HarperFixture *nodes G_GNUC_UNUSED;
static HdbClient *probes[N_NODES] G_GNUC_UNUSED;  /* our own clients: what the nodes really say */
static DeckInstance *instances[N_NODES] G_GNUC_UNUSED;
static DeckStore *store G_GNUC_UNUSED;
static DeckCredentials *credentials G_GNUC_UNUSED;
static DeckInstanceMonitor *monitor G_GNUC_UNUSED;
static DeckContext *deck_context G_GNUC_UNUSED;
static DeckWindow *window G_GNUC_UNUSED;
static DeckOrganization *demo G_GNUC_UNUSED;
static char *store_dir G_GNUC_UNUSED;

/* The node paused by a test (SIGSTOP), 0 when none is: see above. */
static volatile sig_atomic_t paused_pid G_GNUC_UNUSED;

/* A synchronous call on one of our own clients, bounded. */
#define HDB_SYNC(client, name, error, ...)                                     \
  ({                                                                           \
    HdbClient *client_ = (client);                                             \
    g_autoptr(GAsyncResult) res_ = NULL;                                       \
    TEST_AWAIT (res_, 30000,                                                   \
                hdb_client_##name##_async (client_, ##__VA_ARGS__, NULL,       \
                                           test_util_store_result, &res_));    \
    hdb_client_##name##_finish (client_, res_, error);                         \
  })

/* The window's parts --------------------------------------------------------- */

static inline DeckReplicationPage *
replication_page (void)
{
  GtkWidget *page = find_of_type (GTK_WIDGET (window), DECK_TYPE_REPLICATION_PAGE);

  g_assert_nonnull (page);
  return DECK_REPLICATION_PAGE (page);
}

static inline AdwViewStack *
view_stack (void)
{
  GtkWidget *stack = find_of_type (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK);

  g_assert_nonnull (stack);
  return ADW_VIEW_STACK (stack);
}

/* Whether the replication page shows its view @view */
static inline gboolean
view_is (const char *view)
{
  return g_strcmp0 (deck_replication_page_get_view (replication_page ()), view) == 0;
}

/* Selects @instance and shows its Replication view */
static inline void
ui_harper_show_replication_of (DeckInstance *instance)
{
  deck_window_select_instance (window, instance);
  adw_view_stack_set_visible_child_name (view_stack (), "replication");
  flush_main_context ();
  g_assert_true (deck_window_get_selected_instance (window) == instance);
  g_assert_true (deck_replication_page_get_instance (replication_page ()) == instance);
}

/* Messages, one a line, non-empty ones only */
static inline void
ui_test_print_lines (GString *out)
{
  g_auto(GStrv) lines = g_strsplit (out->str, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (*lines[i] != '\0')
      g_test_message ("%s", lines[i]);
}

/* A paused node -------------------------------------------------------------- */

static inline void
resume_paused_node (void)
{
  pid_t pid = paused_pid;

  if (pid <= 0)
    return;
  paused_pid = 0;
  if (getpgid (pid) == pid)
    kill (-pid, SIGCONT);
  else
    kill (pid, SIGCONT);
}

static inline void
ui_harper_on_abort_signal (int sig)
{
  resume_paused_node ();   /* kill() and getpgid() are async-signal-safe */
  signal (sig, SIG_DFL);
  raise (sig);
}

/* A subtest that pauses node `index` (given as the test data) */
typedef struct
{
  guint index;
} PausedFixture;

static inline void
paused_setup (PausedFixture *f,
              gconstpointer  data)
{
  f->index = GPOINTER_TO_UINT (data);
}

static inline void
paused_teardown (PausedFixture *f,
                 gconstpointer  data)
{
  if (paused_pid != 0)
    g_test_message ("teardown: resuming %s", harper_fixture_get_node_name (nodes, f->index));
  resume_paused_node ();
}

/* Log messages --------------------------------------------------------------- */

/* Sees every log message (debug ones included) before it is printed */
typedef void (*UiHarperLogCheck) (const char     *log_domain,
                                  GLogLevelFlags  log_level,
                                  const char     *message);

typedef struct
{
  GLogFunc          default_handler;
  gboolean          show_debug;
  UiHarperLogCheck  check;
} UiHarperLog;

static inline UiHarperLog *
ui_harper_log (void)
{
  static UiHarperLog log;

  return &log;
}

static inline void
ui_harper_log_handler (const char     *log_domain,
                       GLogLevelFlags  log_level,
                       const char     *message,
                       gpointer        user_data)
{
  UiHarperLog *log = ui_harper_log ();

  if (log->check != NULL)
    log->check (log_domain, log_level, message);
  /* Debug messages only when asked for (G_MESSAGES_DEBUG) */
  if ((log_level & G_LOG_LEVEL_DEBUG) == 0 || log->show_debug)
    log->default_handler (log_domain, log_level, message, user_data);
}

/* Prints debug messages only when G_MESSAGES_DEBUG is set and not empty
 * (meson's test environment sets it empty); @check (or none, with NULL)
 * sees every message first. After g_test_init(). */
static inline void
ui_harper_filter_log (UiHarperLogCheck check)
{
  UiHarperLog *log = ui_harper_log ();
  const char *debug = g_getenv ("G_MESSAGES_DEBUG");

  log->show_debug = debug != NULL && *debug != '\0';
  log->check = check;
  log->default_handler = g_log_set_default_handler (ui_harper_log_handler, NULL);
}

/* Setup ---------------------------------------------------------------------- */

/* The display (or "Bail out!" and FALSE), libadwaita, the font of the
 * screenshots, @dump for a wait that runs out, and a paused node resumed
 * however the program ends: normally (the test and its teardown), through
 * exit() (atexit), or by a failed assertion (SIGABRT). The fixture's
 * watchdog would stop it anyway, SIGCONT first. */
static inline gboolean
ui_harper_init (UiTestDumpFunc dump)
{
  if (!gtk_init_check ())
    {
      g_print ("Bail out! cannot open a display: run under tests/ui/in-netns-session.sh\n");
      return FALSE;
    }
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-font-name", "Cantarell 11", NULL);
  /* A wait that runs out shows what is on screen. */
  ui_test_set_dump_func (dump);

  atexit (resume_paused_node);
  signal (SIGABRT, ui_harper_on_abort_signal);
  return TRUE;
}

/* The screenshots' directory and N_NODES Harper nodes started with @flags */
static inline gboolean
ui_harper_start_nodes (HarperFixtureFlags   flags,
                       GError             **error)
{
  if (!ui_test_shots_init (error))
    return FALSE;

  nodes = harper_fixture_start (N_NODES, flags, error);
  if (nodes == NULL)
    return FALSE;
  g_test_message ("%u Harper %s nodes started in %.1f s", N_NODES, harper_fixture_get_version (nodes),
                  harper_fixture_get_start_seconds (nodes));
  return TRUE;
}

/* A store in a new temporary directory, and the real keyring */
static inline gboolean
ui_harper_open_store (GError **error)
{
  g_autoptr(GError) problem = NULL;
  g_autofree char *path = NULL;

  store_dir = make_temp_dir ("clusterdeck-ui-XXXXXX", error);
  if (store_dir == NULL)
    return FALSE;
  path = g_build_filename (store_dir, "organizations.json", NULL);
  store = deck_store_new (path);
  if (!deck_store_load (store, &problem, error))
    return FALSE;
  if (problem != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&problem));
      return FALSE;
    }
  credentials = g_object_ref (deck_credentials_get_default ());
  return TRUE;
}

static inline gboolean
store_password (DeckSecretKind   kind,
                const char      *key,
                const char      *label,
                const char      *secret,
                GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  TEST_AWAIT (result, 10000,
              deck_credentials_store_async (credentials, kind, key, label, secret, NULL,
                                            test_util_store_result, &result));
  return deck_credentials_store_finish (credentials, result, error);
}

/* The nodes as the instances of `demo` through the store, named as the
 * nodes, their logins in the keyring: as the dialogs would leave them. */
static inline gboolean
ui_harper_add_instances (GError **error)
{
  for (guint i = 0; i < N_NODES; i++)
    {
      const char *name = harper_fixture_get_node_name (nodes, i);
      g_autofree char *label = g_strdup_printf ("Clusterdeck login of “%s”", name);

      instances[i] = deck_store_add_instance (store, demo, name, harper_fixture_get_url (nodes, i),
                                              harper_fixture_get_username (nodes), NULL, error);
      if (instances[i] == NULL)
        return FALSE;
      if (!store_password (DECK_SECRET_INSTANCE_LOGIN, deck_instance_get_id (instances[i]), label,
                           harper_fixture_get_password (nodes), error))
        return FALSE;
    }
  return TRUE;
}

static inline void
ui_harper_start_monitor (void)
{
  monitor = deck_instance_monitor_new (store, credentials);
  deck_instance_monitor_set_interval (monitor, REFRESH_INTERVAL_S);
  deck_instance_monitor_set_timeout (monitor, CHECK_TIMEOUT_MS);
  deck_instance_monitor_start (monitor);
  deck_context = deck_context_new (store, credentials, monitor);
}

/* A new window, presented, showing `demo`, WINDOW_WIDTH×WINDOW_HEIGHT */
static inline void
ui_harper_create_window (void)
{
  window = deck_window_new (NULL, deck_context);
  gtk_window_set_default_size (GTK_WINDOW (window), WINDOW_WIDTH, WINDOW_HEIGHT);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  WAIT_UNTIL (gtk_widget_get_width (GTK_WIDGET (window)) > 0 &&
              deck_window_get_selected_organization (window) == demo, 5000);

  /* The default size counts the client-side frame: ask for enough that the
   * window itself is 1100×720, as in the other screenshots. */
  {
    int frame_w = WINDOW_WIDTH - gtk_widget_get_width (GTK_WIDGET (window));
    int frame_h = WINDOW_HEIGHT - gtk_widget_get_height (GTK_WIDGET (window));

    gtk_window_set_default_size (GTK_WINDOW (window), WINDOW_WIDTH + frame_w,
                                 WINDOW_HEIGHT + frame_h);
    WAIT_UNTIL (gtk_widget_get_width (GTK_WIDGET (window)) == WINDOW_WIDTH &&
                gtk_widget_get_height (GTK_WIDGET (window)) == WINDOW_HEIGHT, 5000);
  }
}

/* Takes down what the ui_harper_*() steps set up (any of it), a paused node
 * resumed first */
static inline void
ui_harper_teardown (void)
{
  resume_paused_node ();
  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  window = NULL;
  flush_main_context ();
  g_clear_object (&deck_context);
  g_clear_object (&monitor);
  g_clear_object (&credentials);
  for (guint i = 0; i < N_NODES; i++)
    g_clear_object (&probes[i]);
  g_clear_object (&store);
  g_clear_pointer (&nodes, harper_fixture_free);
  if (store_dir != NULL)
    remove_dir (store_dir);
  g_clear_pointer (&store_dir, g_free);
  ui_test_shots_cleanup ();
}

G_END_DECLS
