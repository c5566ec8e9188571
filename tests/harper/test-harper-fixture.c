/* test-harper-fixture.c: checks the Harper test fixture against real nodes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Talks HTTP/1.1 over a plain GSocketConnection so that it depends on GIO only.
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "harper-fixture.h"

/* POSTs BODY to the operations API of node I; returns the whole HTTP response */
static char *
post (HarperFixture  *f,
      guint           i,
      const char     *body,
      guint           timeout,
      GError        **error)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) conn = NULL;
  g_autoptr (GByteArray) reply = g_byte_array_new ();
  g_autofree char *auth_plain = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *request = NULL;
  GOutputStream *out;
  GInputStream *in;
  guint8 buf[4096];
  gssize n;

  g_socket_client_set_timeout (client, timeout);
  conn = g_socket_client_connect_to_host (client, "127.0.0.1",
                                          harper_fixture_get_port (f, i), NULL, error);
  if (conn == NULL)
    return NULL;

  auth_plain = g_strdup_printf ("%s:%s", harper_fixture_get_username (f),
                                harper_fixture_get_password (f));
  auth = g_base64_encode ((const guchar *) auth_plain, strlen (auth_plain));
  request = g_strdup_printf ("POST / HTTP/1.1\r\n"
                             "Host: 127.0.0.1:%u\r\n"
                             "Authorization: Basic %s\r\n"
                             "Content-Type: application/json\r\n"
                             "Content-Length: %zu\r\n"
                             "Connection: close\r\n"
                             "\r\n%s",
                             harper_fixture_get_port (f, i), auth, strlen (body), body);
  out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  if (!g_output_stream_write_all (out, request, strlen (request), NULL, NULL, error))
    return NULL;

  in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  while ((n = g_input_stream_read (in, buf, sizeof buf, NULL, error)) > 0)
    g_byte_array_append (reply, buf, (guint) n);
  if (n < 0)
    return NULL;
  g_byte_array_append (reply, (const guint8 *) "", 1);
  return (char *) g_byte_array_free (g_steal_pointer (&reply), FALSE);
}

static gboolean
process_alive (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *stat = NULL;
  const char *p;

  if (pid <= 0 || !g_file_get_contents (path, &stat, NULL, NULL))
    return FALSE;
  p = strrchr (stat, ')');
  /* a zombie is as good as gone (PID 1 of some sandboxes reaps late) */
  return p != NULL && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

static gboolean
port_accepts (guint port)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) conn = NULL;

  g_socket_client_set_timeout (client, 2);
  conn = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);
  return conn != NULL;
}

static void
assert_user_info (HarperFixture *f,
                  guint          i)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *reply = post (f, i, "{\"operation\":\"user_info\"}", 10, &error);

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 200"));
  g_assert_nonnull (strstr (reply, "\"super_user\":true"));
}

/* The version the run asked for (meson sets HARPER_VERSION for each version a
 * test runs against): the nodes must report it. */
static void
assert_version (HarperFixture *f)
{
  const char *wanted = g_getenv ("HARPER_VERSION");

  g_test_message ("Harper %s (asked for %s)", harper_fixture_get_version (f),
                  wanted != NULL ? wanted : "the baseline");
  g_assert_cmpstr (harper_fixture_get_version (f), !=, "");
  if (wanted != NULL && *wanted != '\0' && g_getenv ("HARPER_BIN") == NULL)
    g_assert_cmpstr (harper_fixture_get_version (f), ==, wanted);
  for (guint i = 0; i < harper_fixture_get_n_nodes (f); i++)
    g_assert_cmpstr (harper_fixture_get_node_version (f, i), ==, harper_fixture_get_version (f));
}

static void
test_plain (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HarperFixture) f = harper_fixture_start (2, HARPER_FIXTURE_DEFAULT, &error);
  g_autofree char *url0 = NULL;
  g_autofree char *repl0 = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *basedir = NULL;
  gboolean replication = TRUE;
  GPid pid0, pid1, new_pid1;
  guint port1;

  /* A version without native replication (4.3) refuses it clearly; the rest
   * of the checks run on nodes without it. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    {
      g_test_message ("replication configured: %s", error->message);
      g_clear_error (&error);
      f = harper_fixture_start (2, HARPER_FIXTURE_UNCONFIGURED, &error);
      replication = FALSE;
    }
  g_assert_no_error (error);
  g_assert_nonnull (f);
  g_assert_cmpuint (harper_fixture_get_n_nodes (f), ==, 2);
  assert_version (f);
  g_assert_cmpstr (harper_fixture_get_node_name (f, 0), ==, "node1");
  g_assert_cmpstr (harper_fixture_get_node_name (f, 1), ==, "node2");
  url0 = g_strdup_printf ("http://127.0.0.1:%u", harper_fixture_get_port (f, 0));
  repl0 = g_strdup_printf ("ws://127.0.0.1:%u", harper_fixture_get_port (f, 0));
  g_assert_cmpstr (harper_fixture_get_url (f, 0), ==, url0);
  g_assert_cmpstr (harper_fixture_get_repl_url (f, 0), ==, repl0);
  g_assert_cmpuint (harper_fixture_get_port (f, 1), ==, harper_fixture_get_port (f, 0) + 10);
  g_assert_cmpfloat (harper_fixture_get_start_seconds (f), >, 0.5);
  basedir = g_strdup (harper_fixture_get_basedir (f));

  assert_user_info (f, 0);
  assert_user_info (f, 1);

  /* replication is configured: the node knows its name */
  reply = post (f, 0, "{\"operation\":\"cluster_status\"}", 10, &error);
  g_assert_no_error (error);
  if (replication)
    g_assert_nonnull (strstr (reply, "\"node_name\":\"node1\""));
  else
    g_assert_null (strstr (reply, "\"node_name\":\"node1\""));

  /* stop and start one node */
  pid0 = harper_fixture_get_pid (f, 0);
  pid1 = harper_fixture_get_pid (f, 1);
  port1 = harper_fixture_get_port (f, 1);
  g_assert_true (process_alive (pid0));
  g_assert_true (process_alive (pid1));
  g_assert_true (harper_fixture_stop_node (f, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (harper_fixture_get_pid (f, 1), ==, 0);
  g_assert_false (process_alive (pid1));
  g_assert_false (port_accepts (port1));
  assert_user_info (f, 0);
  g_assert_true (harper_fixture_start_node (f, 1, &error));
  g_assert_no_error (error);
  new_pid1 = harper_fixture_get_pid (f, 1);
  g_assert_cmpint (new_pid1, >, 0);
  g_assert_cmpint (new_pid1, !=, pid1);
  assert_user_info (f, 1);

  /* a paused node accepts connections but does not answer */
  harper_fixture_pause_node (f, 0);
  g_clear_pointer (&reply, g_free);
  reply = post (f, 0, "{\"operation\":\"user_info\"}", 2, &error);
  g_assert_null (reply);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_clear_error (&error);
  harper_fixture_resume_node (f, 0);
  assert_user_info (f, 0);

  g_clear_pointer (&f, harper_fixture_free);
  g_assert_false (process_alive (pid0));
  g_assert_false (process_alive (new_pid1));
  g_assert_false (port_accepts (port1));
  g_assert_false (g_file_test (basedir, G_FILE_TEST_EXISTS));
}

static void
test_tls_unconfigured (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HarperFixture) f = NULL;
  g_autofree char *url = NULL;
  g_autofree char *repl = NULL;

  f = harper_fixture_start (1, HARPER_FIXTURE_TLS | HARPER_FIXTURE_UNCONFIGURED, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("https://127.0.0.1:%u", harper_fixture_get_port (f, 0));
  repl = g_strdup_printf ("wss://127.0.0.1:%u", harper_fixture_get_port (f, 0));
  g_assert_cmpstr (harper_fixture_get_url (f, 0), ==, url);
  g_assert_cmpstr (harper_fixture_get_repl_url (f, 0), ==, repl);
  g_assert_true (port_accepts (harper_fixture_get_port (f, 0)));
  assert_version (f);
}

/* A restart: Harper 4.4 keeps its main process, 4.5 and later start a new
 * one (in a session of its own). Either way the fixture knows the node's
 * process afterwards, and stops it. */
static void
test_restart (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HarperFixture) f = harper_fixture_start (1, HARPER_FIXTURE_UNCONFIGURED, &error);
  g_autofree char *reply = NULL;
  GPid before, after;
  gint64 deadline;

  g_assert_no_error (error);
  before = harper_fixture_get_pid (f, 0);
  reply = post (f, 0, "{\"operation\":\"restart\"}", 30, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 200"));

  /* Back when it answers after its port refused connections (every version
   * refuses them for seconds), or at the latest after 120 s. */
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (port_accepts (harper_fixture_get_port (f, 0)) && g_get_monotonic_time () < deadline)
    g_usleep (50 * 1000);
  deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autofree char *answer = NULL;
      g_autoptr (GError) local_error = NULL;

      answer = post (f, 0, "{\"operation\":\"user_info\"}", 5, &local_error);
      if (answer != NULL && g_str_has_prefix (answer, "HTTP/1.1 200"))
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (100 * 1000);
    }

  after = harper_fixture_get_pid (f, 0);
  g_test_message ("Harper %s: pid %d before the restart, %d after", harper_fixture_get_version (f),
                  (int) before, (int) after);
  g_assert_cmpint (after, >, 0);
  g_assert_true (process_alive (after));
  if (after != before)
    g_assert_false (process_alive (before));

  g_clear_pointer (&f, harper_fixture_free);
  g_assert_false (process_alive (after));
}

static void
test_nats (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HarperFixture) f = harper_fixture_start (1, HARPER_FIXTURE_NATS, &error);

  /* Outside a private network namespace, or on a version whose package has
   * no nats-server (4.5 and later): refused, with the reason. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    {
      g_test_skip (error->message);
      return;
    }
  g_assert_no_error (error);
  assert_version (f);
  assert_user_info (f, 0);
}

/* where the child tells its parent (the test process) what it started */
static const char *
info_path_for (pid_t parent)
{
  static char path[4096];

  g_snprintf (path, sizeof path, "%s/harper-fixture-selftest-%d.info", g_get_tmp_dir (),
              (int) parent);
  return path;
}

/* Under LeakSanitizer, what a child leaves behind on purpose is not a leak. */
#if defined(__SANITIZE_ADDRESS__)
# define HAVE_LSAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define HAVE_LSAN 1
# endif
#endif
#ifdef HAVE_LSAN
# include <sanitizer/lsan_interface.h>
# define IGNORE_LEAK(p) __lsan_ignore_object (p)
#else
# define IGNORE_LEAK(p) ((void) (p))
#endif

/* The child starts a node, records where, and dies in the given way; the
 * parent checks that the node is gone and the directory removed. */
static void
child_start_and_die (gboolean use_abort)
{
  g_autoptr (GError) error = NULL;
  HarperFixture *f = harper_fixture_start (1, HARPER_FIXTURE_UNCONFIGURED, &error);
  g_autofree char *info = NULL;

  g_assert_no_error (error);
  info = g_strdup_printf ("%d\n%s\n", (int) harper_fixture_get_pid (f, 0),
                          harper_fixture_get_basedir (f));
  g_assert_true (g_file_set_contents (info_path_for (getppid ()), info, -1, NULL));
  if (use_abort)
    abort ();
  /* exit() runs no g_autofree: what this frame holds is not freed either. */
  g_clear_pointer (&info, g_free);
  IGNORE_LEAK (f);
  exit (0); /* without harper_fixture_free(): the atexit handler must stop it */
}

static void
check_cleaned_up (const char *info_path,
                  guint       wait_seconds)
{
  g_autofree char *info = NULL;
  g_auto (GStrv) parts = NULL;
  GPid pid;
  gint64 deadline = g_get_monotonic_time () + wait_seconds * G_USEC_PER_SEC;

  g_assert_true (g_file_get_contents (info_path, &info, NULL, NULL));
  parts = g_strsplit (info, "\n", 3);
  pid = (GPid) g_ascii_strtoll (parts[0], NULL, 10);
  g_assert_cmpint (pid, >, 0);
  while ((process_alive (pid) || g_file_test (parts[1], G_FILE_TEST_EXISTS)) &&
         g_get_monotonic_time () < deadline)
    g_usleep (100 * 1000);
  g_assert_false (process_alive (pid));
  g_assert_false (g_file_test (parts[1], G_FILE_TEST_EXISTS));
  g_test_message ("node %d and %s are gone", (int) pid, parts[1]);
}

static void
test_cleanup (gconstpointer data)
{
  gboolean use_abort = GPOINTER_TO_INT (data);
  g_autofree char *info_path = NULL;

  if (g_test_subprocess ())
    {
      child_start_and_die (use_abort);
      return;
    }
  /* How a dying test program's nodes are stopped does not depend on the
   * version: checked on the baseline only (meson sets this there). */
  if (g_strcmp0 (g_getenv ("HARPER_FIXTURE_CLEANUP_TESTS"), "0") == 0)
    {
      g_test_skip ("the clean-up does not depend on the Harper version; checked on the baseline");
      return;
    }

  info_path = g_strdup (info_path_for (getpid ()));
  g_unlink (info_path);
  g_test_trap_subprocess (NULL, 180 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  if (use_abort)
    {
      g_test_trap_assert_failed ();
      /* the watchdog works after the child is gone: give it time */
      check_cleaned_up (info_path, 30);
    }
  else
    {
      g_test_trap_assert_passed ();
      /* atexit ran before the child exited: nothing may be left already */
      check_cleaned_up (info_path, 0);
    }
  g_unlink (info_path);
}

/* A client connection whose local port is PORT, as an outgoing connection
 * given PORT from the kernel's ephemeral range holds it: nothing listens on
 * PORT, yet nothing else can bind it. Returns the socket (the caller closes
 * it); the server end is closed at once, so the client's end stays open. */
static int
hold_port_as_client (guint port)
{
  struct sockaddr_in addr = { 0 };
  struct sockaddr_in peer = { 0 };
  socklen_t len = sizeof peer;
  int server, client, accepted;

  server = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  client = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (server, >=, 0);
  g_assert_cmpint (client, >=, 0);
  peer.sin_family = AF_INET;
  peer.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (server, (struct sockaddr *) &peer, sizeof peer), ==, 0);
  g_assert_cmpint (listen (server, 1), ==, 0);
  g_assert_cmpint (getsockname (server, (struct sockaddr *) &peer, &len), ==, 0);
  addr.sin_family = AF_INET;
  addr.sin_port = htons ((guint16) port);
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (client, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (connect (client, (struct sockaddr *) &peer, sizeof peer), ==, 0);
  accepted = accept (server, NULL, NULL);
  g_assert_cmpint (accepted, >=, 0);
  close (server);
  close (accepted);
  return client;
}

/* runs harper-cluster.sh start 1 DIR on BASE_PORT (EXTRA: one more VAR=VALUE
 * or NULL); returns its exit status, its output in *OUT */
static int
run_cluster_start (const char *dir,
                   guint       base_port,
                   const char *extra,
                   char      **out)
{
  const char *script = g_getenv ("HARPER_CLUSTER_SCRIPT");
  g_autofree char *port = g_strdup_printf ("HARPER_BASE_PORT=%u", base_port);
  const char *argv[] = { "env", port, "HARPER_REPLICATION=0", extra != NULL ? extra : "HARPER_X=0",
                         "bash", script, "start", "1", dir, NULL };
  g_autoptr (GError) error = NULL;
  int status = 0;

  g_assert_nonnull (script);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, out, NULL, &status, &error));
  g_assert_no_error (error);
  g_test_message ("harper-cluster.sh start on %u%s%s: wait status %d", base_port,
                  extra != NULL ? " with " : "", extra != NULL ? extra : "", status);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

/* A port of a node's range held by a client connection (not a listener: a
 * connect to it is refused) is busy: harper-cluster.sh exits 3 (choose
 * another range) before starting anything; and when the port is taken after
 * that check, the node cannot bind it and the start ends with 3 as well
 * instead of waiting for an answer that never comes. Either way nothing is
 * left running. */
static void
run_cluster_stop (const char *dir)
{
  const char *argv[] = { "bash", g_getenv ("HARPER_CLUSTER_SCRIPT"), "stop", dir, NULL };
  g_autoptr (GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
}

static void
test_port_taken (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  g_autofree char *log = NULL;
  g_autofree char *log_path = NULL;
  g_autofree char *pid_path = NULL;
  g_autofree char *pid_text = NULL;
  g_autofree char *out = NULL;
  g_autofree char *node_dir = NULL;
  const char *rm[] = { "rm", "-rf", NULL, NULL };
  guint base = 12000 + (guint) (getpid () % 40) * 50;
  int held;

  if (g_strcmp0 (g_getenv ("HARPER_FIXTURE_CLEANUP_TESTS"), "0") == 0)
    {
      g_test_skip ("the port check does not depend on the Harper version; checked on the baseline");
      return;
    }
  dir = g_dir_make_tmp ("hfport-XXXXXX", &error);
  g_assert_no_error (error);
  first = g_build_filename (dir, "a", NULL);
  second = g_build_filename (dir, "b", NULL);
  third = g_build_filename (dir, "c", NULL);

  held = hold_port_as_client (base);
  g_assert_false (port_accepts (base));
  g_assert_cmpint (run_cluster_start (first, base, NULL, &out), ==, 3);
  node_dir = g_build_filename (first, "node1", NULL);
  g_assert_false (g_file_test (node_dir, G_FILE_TEST_EXISTS));

  /* the same, with the check skipped: the node meets the taken port */
  g_assert_cmpint (run_cluster_start (second, base, "HARPER_CLUSTER_SKIP_PORT_CHECK=1", &out), ==, 3);
  log_path = g_build_filename (second, "node1", "console.log", NULL);
  g_assert_true (g_file_get_contents (log_path, &log, NULL, NULL));
  g_assert_nonnull (strstr (log, "Unable to bind to port"));
  pid_path = g_build_filename (second, "node1", "launch.pid", NULL);
  g_assert_true (g_file_get_contents (pid_path, &pid_text, NULL, NULL));
  g_assert_false (process_alive ((GPid) g_ascii_strtoll (pid_text, NULL, 10)));
  close (held);

  /* another range starts (the held port is in TIME_WAIT now, still busy) */
  g_assert_cmpint (run_cluster_start (third, base + 20, NULL, &out), ==, 0);
  g_assert_true (port_accepts (base + 20));
  run_cluster_stop (third);
  g_assert_false (port_accepts (base + 20));

  rm[2] = dir;
  g_assert_true (g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/harper-fixture/plain", test_plain);
  g_test_add_func ("/harper-fixture/tls-unconfigured", test_tls_unconfigured);
  g_test_add_func ("/harper-fixture/nats", test_nats);
  g_test_add_func ("/harper-fixture/restart", test_restart);
  g_test_add_func ("/harper-fixture/port-taken", test_port_taken);
  g_test_add_data_func ("/harper-fixture/cleanup/exit", GINT_TO_POINTER (FALSE), test_cleanup);
  g_test_add_data_func ("/harper-fixture/cleanup/abort", GINT_TO_POINTER (TRUE), test_cleanup);

  return g_test_run ();
}
