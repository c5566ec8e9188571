/* harper-fixture.c: real Harper (HarperDB) nodes for GTest programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The work is done by tests/harper/harper-cluster.sh (see its header); this
 * file picks a free port range and a private directory, runs the script,
 * reads BASEDIR/cluster.env and makes sure the nodes do not outlive the test
 * program (harper_fixture_free(), atexit(), and a watchdog process).
 *
 * Environment:
 *   HARPER_VERSION             the Harper version under test (one of
 *                              tests/harper/versions/matrix.txt; meson sets it
 *                              for each version a test runs against); unset:
 *                              the matrix's baseline. Read by harper-cluster.sh.
 *   HARPER_CLUSTER_SCRIPT      path of harper-cluster.sh (set by meson); default:
 *                              the macro HARPER_CLUSTER_SCRIPT_DEFAULT or
 *                              HARPER_CLUSTER_SCRIPT if defined at build time
 *   HARPER_FIXTURE_DIR         where to create the cluster directories (default
 *                              g_get_tmp_dir()); keep it short: Harper puts a Unix
 *                              socket in every node root (108-byte limit)
 *   HARPER_FIXTURE_BASE_PORT   use this base port instead of searching for one
 *   HARPER_FIXTURE_KEEP=1      stop the nodes but keep their directories (logs)
 * and the script's own knobs (HARPER_BIN, HARPER_USER, HARPER_PASS,
 * HARPER_THREADS, HARPER_START_TIMEOUT, CLUSTERDECK_HARPER_CACHE, ...), which are
 * passed through. HARPER_BASE_PORT, HARPER_TLS, HARPER_REPLICATION and
 * HARPER_NATS are set from the arguments.
 */

#define G_LOG_DOMAIN "harper-fixture"

#include "harper-fixture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>

#define PORT_FIRST 19100
#define PORT_SLOTS 50
#define PORT_SLOT_SIZE 100
#define PORTS_PER_NODE 10
#define MAX_START_ATTEMPTS 5

/* harper-cluster.sh exit codes */
#define EXIT_PORT_BUSY 3
#define EXIT_NEEDS_NAMESPACE 4
#define EXIT_NOT_SUPPORTED 5

typedef struct
{
  char *name;
  char *url;
  char *repl_url;
  char *version;
  guint port;
  GPid pid;
} HarperNode;

struct _HarperFixture
{
  char *script;
  char *basedir;
  HarperFixtureFlags flags;
  guint n_nodes;
  guint base_port;
  HarperNode *nodes;
  char *username;
  char *password;
  char *version;
  char *requested;     /* the version(s) asked for, for messages */
  gboolean all_interfaces;
  double start_seconds;
  int watchdog_fd;
  pid_t owner;
  gboolean torn_down;
};

static GMutex live_lock;
static GList *live_fixtures;

static void
fixture_message (const char *format,
                 ...) G_GNUC_PRINTF (1, 2);

static void
fixture_message (const char *format,
                 ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);

  if (g_test_initialized ())
    g_test_message ("%s", msg);
  else
    g_printerr ("# %s\n", msg);
}

static const char *
find_script (GError **error)
{
  const char *script = g_getenv ("HARPER_CLUSTER_SCRIPT");

  /* the build may define either macro as the script's path */
#if defined (HARPER_CLUSTER_SCRIPT_DEFAULT)
  if (script == NULL || *script == '\0')
    script = HARPER_CLUSTER_SCRIPT_DEFAULT;
#elif defined (HARPER_CLUSTER_SCRIPT)
  if (script == NULL || *script == '\0')
    script = HARPER_CLUSTER_SCRIPT;
#endif

  if (script == NULL || *script == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "HARPER_CLUSTER_SCRIPT is not set (path of tests/harper/harper-cluster.sh)");
      return NULL;
    }
  if (!g_file_test (script, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "harper-cluster.sh not found at %s", script);
      return NULL;
    }
  return script;
}

/* Runs `bash SCRIPT ARGS...` with ENVP (NULL: ours), stderr going to ours (the
 * script's progress and timing lines end up in the test log), stdout captured
 * into OUT. Returns FALSE only if it could not be run; EXIT_CODE gets its exit
 * status (-1 if it was killed). */
static gboolean
run_script (const char         *script,
            char              **envp,
            const char * const *args,
            char              **out,
            int                *exit_code,
            GError            **error)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  int wait_status = 0;

  g_ptr_array_add (argv, (gpointer) "bash");
  g_ptr_array_add (argv, (gpointer) script);
  for (guint k = 0; args[k] != NULL; k++)
    g_ptr_array_add (argv, (gpointer) args[k]);
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     out, NULL, &wait_status, error))
    return FALSE;

  if (WIFEXITED (wait_status))
    *exit_code = WEXITSTATUS (wait_status);
  else
    *exit_code = -1;
  return TRUE;
}

static gboolean
run_script_simple (HarperFixture *f,
                   const char    *cmd,
                   guint          node,
                   GError       **error)
{
  g_autofree char *node_str = g_strdup_printf ("%u", node);
  const char *args[] = { cmd, f->basedir, node > 0 ? node_str : NULL, NULL };
  g_autofree char *out = NULL;
  int code = 0;

  if (!run_script (f->script, NULL, args, &out, &code, error))
    return FALSE;
  if (code != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "harper-cluster.sh %s %s %s failed (exit status %d)", cmd, f->basedir,
                   node > 0 ? node_str : "", code);
      return FALSE;
    }
  return TRUE;
}

static void
remove_tree (const char *path)
{
  const char *argv[] = { "rm", "-rf", "--", path, NULL };

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, NULL, NULL);
}

/* TRUE if nothing can be bound on 127.0.0.1 ports [first, first + count) */
static gboolean
port_range_free (guint first,
                 guint count)
{
  for (guint port = first; port < first + count; port++)
    {
      struct sockaddr_in addr;
      int one = 1;
      int fd;
      int rc;

      if (port > 65535)
        return FALSE;
      fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (fd < 0)
        return FALSE;
      /* same as node's listeners: TIME_WAIT leftovers do not count as busy */
      setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      memset (&addr, 0, sizeof addr);
      addr.sin_family = AF_INET;
      addr.sin_port = htons ((guint16) port);
      addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
      rc = bind (fd, (struct sockaddr *) &addr, sizeof addr);
      close (fd);
      if (rc != 0)
        return FALSE;
    }
  return TRUE;
}

static GHashTable *
read_cluster_env (const char  *basedir,
                  GError     **error)
{
  g_autofree char *path = g_build_filename (basedir, "cluster.env", NULL);
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GHashTable) table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;

  lines = g_strsplit (contents, "\n", -1);
  for (guint k = 0; lines[k] != NULL; k++)
    {
      const char *line = lines[k];
      const char *eq;
      char *value;

      if (*line == '\0' || *line == '#')
        continue;
      eq = strchr (line, '=');
      if (eq == NULL)
        continue;
      value = g_shell_unquote (eq + 1, error);
      if (value == NULL)
        {
          g_prefix_error (error, "%s: ", path);
          return NULL;
        }
      g_hash_table_insert (table, g_strndup (line, eq - line), value);
    }
  return g_steal_pointer (&table);
}

static const char *
env_get (GHashTable *table,
         const char *key)
{
  const char *value = g_hash_table_lookup (table, key);

  return value != NULL ? value : "";
}

/* HARPER_NODE<i>_<SUFFIX>, I 1-based */
static const char *
env_get_node (GHashTable *table,
              guint       i,
              const char *suffix)
{
  g_autofree char *key = g_strdup_printf ("HARPER_NODE%u_%s", i, suffix);

  return env_get (table, key);
}

static gboolean
load_cluster_env (HarperFixture  *f,
                  GError        **error)
{
  g_autoptr (GHashTable) env = read_cluster_env (f->basedir, error);
  guint n;

  if (env == NULL)
    return FALSE;

  n = (guint) g_ascii_strtoull (env_get (env, "HARPER_N"), NULL, 10);
  if (n != f->n_nodes)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "cluster.env of %s describes %u node(s), expected %u", f->basedir, n,
                   f->n_nodes);
      return FALSE;
    }

  g_free (f->username);
  f->username = g_strdup (env_get (env, "HARPER_USER"));
  g_free (f->password);
  f->password = g_strdup (env_get (env, "HARPER_PASS"));
  g_free (f->version);
  f->version = g_strdup (env_get (env, "HARPER_VERSION"));
  f->all_interfaces = g_str_equal (env_get (env, "HARPER_ALL_INTERFACES"), "1");

  for (guint i = 0; i < n; i++)
    {
      HarperNode *node = &f->nodes[i];

      g_free (node->name);
      node->name = g_strdup (env_get_node (env, i + 1, "NAME"));
      g_free (node->url);
      node->url = g_strdup (env_get_node (env, i + 1, "URL"));
      g_free (node->repl_url);
      node->repl_url = g_strdup (env_get_node (env, i + 1, "REPL_URL"));
      g_free (node->version);
      node->version = g_strdup (env_get_node (env, i + 1, "VERSION"));
      if (*node->version == '\0')
        {
          g_free (node->version);
          node->version = g_strdup (f->version);
        }
      node->port = (guint) g_ascii_strtoull (env_get_node (env, i + 1, "PORT"), NULL, 10);
      node->pid = (GPid) g_ascii_strtoll (env_get_node (env, i + 1, "PID"), NULL, 10);
    }
  return TRUE;
}

static void
watchdog_child_setup (gpointer data)
{
  /* own session: survives the harness killing the test's process group */
  setsid ();
}

/* `harper-cluster.sh watch BASEDIR` blocks reading its stdin; we keep the only
 * write end. When this process ends, however it ends, the watchdog reads EOF,
 * stops the nodes and deletes BASEDIR (it finds nothing left to do after a
 * normal harper_fixture_free()). */
static gboolean
spawn_watchdog (HarperFixture  *f,
                GError        **error)
{
  const char *argv[] = { "bash", f->script, "watch", f->basedir, NULL };
  int fd = -1;

  /* without G_SPAWN_DO_NOT_REAP_CHILD GLib double-forks: no zombie to reap here */
  if (!g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
                                 G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                                 G_SPAWN_STDERR_TO_DEV_NULL,
                                 watchdog_child_setup, NULL, NULL, &fd, NULL, NULL, error))
    return FALSE;

  fcntl (fd, F_SETFD, FD_CLOEXEC);
  f->watchdog_fd = fd;
  return TRUE;
}

/* Stops everything and removes BASEDIR; does not free F. Safe to call twice. */
static void
fixture_teardown (HarperFixture *f)
{
  g_autoptr (GError) error = NULL;

  if (f->torn_down)
    return;
  f->torn_down = TRUE;

  if (f->script != NULL && f->basedir != NULL &&
      !run_script_simple (f, "stop", 0, &error))
    g_printerr ("# harper-fixture: %s\n", error->message);

  if (f->basedir != NULL && g_strcmp0 (g_getenv ("HARPER_FIXTURE_KEEP"), "1") != 0)
    remove_tree (f->basedir);
  else if (f->basedir != NULL)
    g_printerr ("# harper-fixture: kept %s (HARPER_FIXTURE_KEEP=1)\n", f->basedir);

  /* only now: the watchdog must not race the stop above */
  if (f->watchdog_fd >= 0)
    {
      close (f->watchdog_fd);
      f->watchdog_fd = -1;
    }
}

static void
fixture_atexit (void)
{
  GList *list;

  g_mutex_lock (&live_lock);
  list = live_fixtures;
  live_fixtures = NULL;
  g_mutex_unlock (&live_lock);

  for (GList *l = list; l != NULL; l = l->next)
    {
      HarperFixture *f = l->data;

      /* a fork()ed child (g_test_trap_fork) must not stop its parent's nodes */
      if (f->owner != getpid ())
        continue;
      g_printerr ("# harper-fixture: stopping the nodes of %s at exit\n", f->basedir);
      fixture_teardown (f);
    }
  g_list_free (list);
}

static void
fixture_register (HarperFixture *f)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      atexit (fixture_atexit);
      g_once_init_leave (&once, 1);
    }
  g_mutex_lock (&live_lock);
  live_fixtures = g_list_prepend (live_fixtures, f);
  g_mutex_unlock (&live_lock);
}

static void
fixture_unregister (HarperFixture *f)
{
  g_mutex_lock (&live_lock);
  live_fixtures = g_list_remove (live_fixtures, f);
  g_mutex_unlock (&live_lock);
}

static char *
make_basedir (GError **error)
{
  const char *parent = g_getenv ("HARPER_FIXTURE_DIR");
  g_autofree char *tmpl = NULL;
  struct sockaddr_un addr_un;

  if (parent == NULL || *parent == '\0')
    parent = g_get_tmp_dir ();
  if (g_mkdir_with_parents (parent, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot create %s: %s", parent, g_strerror (saved_errno));
      return NULL;
    }
  tmpl = g_build_filename (parent, "clusterdeck-harper-XXXXXX", NULL);
  /* every node root holds the Unix socket BASEDIR/nodeNN/hdb/operations-server */
  if (strlen (tmpl) + strlen ("/node99/hdb/operations-server") >= sizeof addr_un.sun_path)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FILENAME_TOO_LONG,
                   "%s is too long for Harper's Unix socket path; set HARPER_FIXTURE_DIR "
                   "to a shorter directory", tmpl);
      return NULL;
    }
  if (g_mkdtemp_full (tmpl, 0700) == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot create %s: %s", tmpl, g_strerror (saved_errno));
      return NULL;
    }
  return g_steal_pointer (&tmpl);
}

static void
fixture_free_data (HarperFixture *f)
{
  for (guint i = 0; f->nodes != NULL && i < f->n_nodes; i++)
    {
      g_free (f->nodes[i].name);
      g_free (f->nodes[i].url);
      g_free (f->nodes[i].repl_url);
      g_free (f->nodes[i].version);
    }
  g_free (f->nodes);
  g_free (f->script);
  g_free (f->basedir);
  g_free (f->username);
  if (f->password != NULL)
    memset (f->password, 0, strlen (f->password));
  g_free (f->password);
  g_free (f->version);
  g_free (f->requested);
  g_free (f);
}

static const char *
describe_flags (HarperFixtureFlags flags)
{
  if (flags & HARPER_FIXTURE_NATS)
    return (flags & HARPER_FIXTURE_TLS) ? "https, legacy NATS clustering" : "http, legacy NATS clustering";
  if (flags & HARPER_FIXTURE_UNCONFIGURED)
    return (flags & HARPER_FIXTURE_TLS) ? "https, replication unconfigured" : "http, replication unconfigured";
  return (flags & HARPER_FIXTURE_TLS) ? "https/wss replication" : "http/ws replication";
}

/* The version(s) a start asks for, for messages: HARPER_VERSION (or the
 * baseline) unless @versions names one per node. */
static char *
describe_request (const char * const *versions)
{
  const char *env = g_getenv ("HARPER_VERSION");

  if (versions != NULL)
    return g_strjoinv (" + ", (char **) versions);
  if (g_getenv ("HARPER_BIN") != NULL && *g_getenv ("HARPER_BIN") != '\0')
    return g_strdup_printf ("Harper from %s", g_getenv ("HARPER_BIN"));
  if (env != NULL && *env != '\0')
    return g_strdup_printf ("Harper %s", env);
  return g_strdup ("Harper (the baseline version)");
}

static HarperFixture *
fixture_start (guint                n_nodes,
               const char * const  *versions,
               HarperFixtureFlags   flags,
               GError             **error)
{
  g_autoptr (HarperFixture) f = NULL;
  g_auto (GStrv) envp = NULL;
  g_autofree char *n_str = NULL;
  const char *script;
  const char *fixed_port;
  gint64 t0;
  guint span;
  guint slot_size;
  guint first_slot;
  guint attempts = 0;
  gboolean started = FALSE;

  g_return_val_if_fail (n_nodes >= 1 && n_nodes <= 9, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  script = find_script (error);
  if (script == NULL)
    return NULL;

  t0 = g_get_monotonic_time ();
  f = g_new0 (HarperFixture, 1);
  f->script = g_strdup (script);
  f->flags = flags;
  f->n_nodes = n_nodes;
  f->nodes = g_new0 (HarperNode, n_nodes);
  f->watchdog_fd = -1;
  f->owner = getpid ();
  f->requested = describe_request (versions);
  f->basedir = make_basedir (error);
  if (f->basedir == NULL)
    {
      f->torn_down = TRUE;
      return NULL;
    }
  fixture_register (f);
  if (!spawn_watchdog (f, error))
    return NULL;

  envp = g_get_environ ();
  envp = g_environ_setenv (envp, "HARPER_TLS", (flags & HARPER_FIXTURE_TLS) ? "1" : "0", TRUE);
  envp = g_environ_setenv (envp, "HARPER_REPLICATION",
                           (flags & (HARPER_FIXTURE_UNCONFIGURED | HARPER_FIXTURE_NATS)) ? "0" : "1",
                           TRUE);
  envp = g_environ_setenv (envp, "HARPER_NATS", (flags & HARPER_FIXTURE_NATS) ? "1" : "0", TRUE);
  if (versions != NULL)
    {
      g_autofree char *list = g_strjoinv (" ", (char **) versions);

      envp = g_environ_setenv (envp, "HARPER_NODE_VERSIONS", list, TRUE);
    }
  else
    envp = g_environ_unsetenv (envp, "HARPER_NODE_VERSIONS");
  n_str = g_strdup_printf ("%u", n_nodes);

  span = PORTS_PER_NODE * n_nodes;
  slot_size = MAX (PORT_SLOT_SIZE, (span + 99) / 100 * 100);
  first_slot = (guint) getpid () % PORT_SLOTS;
  fixed_port = g_getenv ("HARPER_FIXTURE_BASE_PORT");

  for (guint slot = 0; slot < PORT_SLOTS && !started && attempts < MAX_START_ATTEMPTS; slot++)
    {
      const char *args[] = { "start", n_str, f->basedir, NULL };
      g_autofree char *out = NULL;
      g_autofree char *port_str = NULL;
      int code = 0;

      if (fixed_port != NULL && *fixed_port != '\0')
        {
          if (slot > 0)
            break;
          f->base_port = (guint) g_ascii_strtoull (fixed_port, NULL, 10);
        }
      else
        {
          f->base_port = PORT_FIRST + ((first_slot + slot) % PORT_SLOTS) * slot_size;
          if (!port_range_free (f->base_port, span))
            continue;
        }

      port_str = g_strdup_printf ("%u", f->base_port);
      envp = g_environ_setenv (envp, "HARPER_BASE_PORT", port_str, TRUE);
      attempts++;
      if (!run_script (f->script, envp, args, &out, &code, error))
        return NULL;
      if (code == 0)
        started = TRUE;
      else if (code == EXIT_PORT_BUSY)
        continue; /* somebody took a port since we probed: next range */
      else if (code == EXIT_NEEDS_NAMESPACE || code == EXIT_NOT_SUPPORTED)
        {
          g_autofree char *path = g_build_filename (f->basedir, "start-refused", NULL);
          g_autofree char *why = NULL;

          if (g_file_get_contents (path, &why, NULL, NULL))
            g_strchomp (why);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "%s (%s): %s",
                       f->requested, describe_flags (flags),
                       why != NULL ? why
                       : code == EXIT_NEEDS_NAMESPACE
                       ? "it would listen on every interface; run the test inside `unshare -n` with lo up"
                       : "not supported by this version");
          return NULL;
        }
      else
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "harper-cluster.sh start %u %s failed (exit status %d); see the "
                       "[harper-cluster] lines above", n_nodes, f->basedir, code);
          return NULL;
        }
    }
  if (!started)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                   "no free range of %u ports on 127.0.0.1 found from %u", span, PORT_FIRST);
      return NULL;
    }

  if (!load_cluster_env (f, error))
    return NULL;

  f->start_seconds = (double) (g_get_monotonic_time () - t0) / G_USEC_PER_SEC;
  if (versions != NULL)
    {
      g_autoptr(GString) list = g_string_new (NULL);

      for (guint i = 0; i < n_nodes; i++)
        g_string_append_printf (list, "%s%s %s", i > 0 ? ", " : "", f->nodes[i].name,
                                f->nodes[i].version);
      fixture_message ("Harper %s: %u node(s) (%s) started in %.1f s, %s .. %s, directory %s",
                       list->str, n_nodes, describe_flags (flags), f->start_seconds,
                       f->nodes[0].url, f->nodes[n_nodes - 1].url, f->basedir);
    }
  else
    fixture_message ("Harper %s: %u node(s) (%s%s) started in %.1f s, %s .. %s, directory %s",
                     f->version, n_nodes, describe_flags (flags),
                     f->all_interfaces ? ", every interface" : "", f->start_seconds,
                     f->nodes[0].url, f->nodes[n_nodes - 1].url, f->basedir);
  return g_steal_pointer (&f);
}

/**
 * harper_fixture_requested_version:
 *
 * The version a test run asks for before any node runs: `HARPER_VERSION`
 * (meson sets it for each version a test runs against), else the baseline
 * of tests/harper/versions/matrix.txt (`install.sh --role baseline`). With
 * `HARPER_BIN` set, the version of that package.
 *
 * Returns: (transfer none): the version, such as "4.7.29"; "" if it cannot
 *   be found out
 */
const char *
harper_fixture_requested_version (void)
{
  static char *version;
  const char *env = g_getenv ("HARPER_VERSION");
  const char *bin = g_getenv ("HARPER_BIN");

  if (version != NULL)
    return version;

  if (bin != NULL && *bin != '\0')
    {
      g_autofree char *dir = g_path_get_dirname (bin);
      g_autofree char *package = g_build_filename (dir, "..", "package.json", NULL);
      g_autofree char *text = NULL;

      /* Not worth a JSON parser: "version": "x.y.z" is the package's. */
      if (g_file_get_contents (package, &text, NULL, NULL))
        {
          g_autoptr(GRegex) regex = g_regex_new ("\"version\"\\s*:\\s*\"([0-9.]+)\"", 0, 0, NULL);
          g_autoptr(GMatchInfo) match = NULL;

          if (g_regex_match (regex, text, 0, &match))
            version = g_match_info_fetch (match, 1);
        }
    }
  else if (env != NULL && *env != '\0')
    version = g_strdup (env);
  else
    {
      g_autoptr(GError) error = NULL;
      const char *script = find_script (&error);
      g_autofree char *dir = script != NULL ? g_path_get_dirname (script) : NULL;
      g_autofree char *install = dir != NULL ? g_build_filename (dir, "install.sh", NULL) : NULL;
      const char *argv[] = { "bash", install, "--role", "baseline", NULL };
      g_autofree char *out = NULL;

      if (install != NULL &&
          g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                        NULL, NULL, &out, NULL, NULL, NULL) && out != NULL)
        version = g_strdup (g_strstrip (out));
    }
  if (version == NULL)
    version = g_strdup ("");
  return version;
}

/**
 * harper_fixture_start:
 * @n_nodes: how many nodes (1..9)
 * @flags: #HarperFixtureFlags
 * @error: return location for a #GError
 *
 * Starts @n_nodes Harper instances (names node1..nodeN) of the version under
 * test (`HARPER_VERSION`, else the baseline of tests/harper/versions/matrix.txt)
 * on a free range of 10 * @n_nodes ports on 127.0.0.1 and waits until each
 * answers `user_info`. Takes ≈6-7 s for 3 nodes once the install templates
 * exist (the first run on a machine also npm-installs Harper and runs
 * `harperdb install`).
 *
 * Returns: (transfer full): the fixture, or %NULL with @error set
 *   (%G_IO_ERROR_NOT_SUPPORTED: NATS, or a version that binds every interface,
 *   requested outside a private network namespace, or something the version
 *   cannot do at all, such as native replication on 4.3 or NATS on a package
 *   without nats-server; %G_IO_ERROR_ADDRESS_IN_USE: no free port range)
 */
HarperFixture *
harper_fixture_start (guint                n_nodes,
                      HarperFixtureFlags   flags,
                      GError             **error)
{
  return fixture_start (n_nodes, NULL, flags, error);
}

/**
 * harper_fixture_start_versions:
 * @versions: (array zero-terminated=1): one Harper version per node, such as
 *   `{ "4.4.18", "4.7.29", NULL }`: a mixed cluster (a rolling upgrade)
 * @flags: #HarperFixtureFlags
 * @error: return location for a #GError
 *
 * As harper_fixture_start(), with node i running @versions[i] (each one of
 * tests/harper/versions/matrix.txt), whatever `HARPER_VERSION` says.
 *
 * Returns: (transfer full): the fixture, or %NULL with @error set
 */
HarperFixture *
harper_fixture_start_versions (const char * const  *versions,
                               HarperFixtureFlags   flags,
                               GError             **error)
{
  guint n;

  g_return_val_if_fail (versions != NULL && versions[0] != NULL, NULL);

  n = g_strv_length ((char **) versions);
  g_return_val_if_fail (n <= 9, NULL);
  return fixture_start (n, versions, flags, error);
}

guint
harper_fixture_get_n_nodes (HarperFixture *f)
{
  g_return_val_if_fail (f != NULL, 0);
  return f->n_nodes;
}

/**
 * harper_fixture_get_url:
 *
 * Returns: the operations API URL of node @i (0-based), e.g.
 *   `http://127.0.0.1:19100` (`https://` with %HARPER_FIXTURE_TLS)
 */
const char *
harper_fixture_get_url (HarperFixture *f,
                        guint          i)
{
  g_return_val_if_fail (f != NULL && i < f->n_nodes, NULL);
  return f->nodes[i].url;
}

/**
 * harper_fixture_get_repl_url:
 *
 * Returns: the replication URL of node @i for add_node, e.g.
 *   `ws://127.0.0.1:19100` (`wss://` with %HARPER_FIXTURE_TLS); the same port
 *   as the operations API
 */
const char *
harper_fixture_get_repl_url (HarperFixture *f,
                             guint          i)
{
  g_return_val_if_fail (f != NULL && i < f->n_nodes, NULL);
  return f->nodes[i].repl_url;
}

/**
 * harper_fixture_get_node_name:
 *
 * Returns: `node1` for @i = 0, ...: replication.hostname, or with
 *   %HARPER_FIXTURE_NATS clustering.nodeName. With %HARPER_FIXTURE_UNCONFIGURED
 *   the name the test should give the node with set_configuration.
 */
const char *
harper_fixture_get_node_name (HarperFixture *f,
                              guint          i)
{
  g_return_val_if_fail (f != NULL && i < f->n_nodes, NULL);
  return f->nodes[i].name;
}

guint
harper_fixture_get_port (HarperFixture *f,
                         guint          i)
{
  g_return_val_if_fail (f != NULL && i < f->n_nodes, 0);
  return f->nodes[i].port;
}

const char *
harper_fixture_get_username (HarperFixture *f)
{
  g_return_val_if_fail (f != NULL, NULL);
  return f->username;
}

const char *
harper_fixture_get_password (HarperFixture *f)
{
  g_return_val_if_fail (f != NULL, NULL);
  return f->password;
}

/**
 * harper_fixture_get_version:
 *
 * Returns: the version under test: the one node1 reported in
 *   `registration_info` (in a mixed cluster, see
 *   harper_fixture_get_node_version())
 */
const char *
harper_fixture_get_version (HarperFixture *f)
{
  g_return_val_if_fail (f != NULL, NULL);
  return f->version;
}

/**
 * harper_fixture_get_node_version:
 *
 * Returns: the version node @i reported in `registration_info`
 */
const char *
harper_fixture_get_node_version (HarperFixture *f,
                                 guint          i)
{
  g_return_val_if_fail (f != NULL && i < f->n_nodes, NULL);
  return f->nodes[i].version;
}

/**
 * harper_fixture_get_all_interfaces:
 *
 * Returns: whether the nodes listen on every interface (a version whose
 *   installer refuses 127.0.0.1:PORT, run in a private network namespace)
 */
gboolean
harper_fixture_get_all_interfaces (HarperFixture *f)
{
  g_return_val_if_fail (f != NULL, FALSE);
  return f->all_interfaces;
}

const char *
harper_fixture_get_basedir (HarperFixture *f)
{
  g_return_val_if_fail (f != NULL, NULL);
  return f->basedir;
}

/* Asks the script for node @i's main process: Harper 4.5 and later restart
 * as a new process (with its own session), so the pid start recorded may be
 * gone. Keeps what is known when the script cannot be run. */
static void
refresh_pid (HarperFixture *f,
             guint          i)
{
  g_autofree char *node_str = g_strdup_printf ("%u", i + 1);
  const char *args[] = { "pid", f->basedir, node_str, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int code = 0;

  if (f->torn_down || !run_script (f->script, NULL, args, &out, &code, &error))
    return;
  if (code == 0)
    f->nodes[i].pid = (GPid) g_ascii_strtoll (out, NULL, 10);
  else
    f->nodes[i].pid = 0;
}

/**
 * harper_fixture_get_pid:
 *
 * Returns: the main process of node @i now (a restart of Harper 4.5 and later
 *   makes a new one), 0 while it is stopped
 */
GPid
harper_fixture_get_pid (HarperFixture *f,
                        guint          i)
{
  g_return_val_if_fail (f != NULL && i < f->n_nodes, 0);
  refresh_pid (f, i);
  return f->nodes[i].pid;
}

/**
 * harper_fixture_stop_node:
 *
 * Stops node @i (SIGTERM, SIGKILL after 15 s) and waits until it is gone.
 */
gboolean
harper_fixture_stop_node (HarperFixture  *f,
                          guint           i,
                          GError        **error)
{
  g_return_val_if_fail (f != NULL && i < f->n_nodes, FALSE);
  g_return_val_if_fail (!f->torn_down, FALSE);

  if (!run_script_simple (f, "stop-node", i + 1, error))
    return FALSE;
  f->nodes[i].pid = 0;
  return TRUE;
}

/**
 * harper_fixture_start_node:
 *
 * Starts the stopped node @i again with the same settings and waits until it
 * answers (≈3 s). Its data and configuration (including changes made through
 * set_configuration) are kept; the settings the script passes as environment
 * variables (ports, threads, replication name/url unless UNCONFIGURED) are
 * applied again.
 */
gboolean
harper_fixture_start_node (HarperFixture  *f,
                           guint           i,
                           GError        **error)
{
  g_return_val_if_fail (f != NULL && i < f->n_nodes, FALSE);
  g_return_val_if_fail (!f->torn_down, FALSE);

  if (!run_script_simple (f, "start-node", i + 1, error))
    return FALSE;
  return load_cluster_env (f, error);
}

static void
signal_node (HarperFixture *f,
             guint          i,
             int            sig)
{
  GPid pid;

  g_return_if_fail (f != NULL && i < f->n_nodes);
  refresh_pid (f, i);
  pid = f->nodes[i].pid;
  g_return_if_fail (pid > 0);

  /* the script starts every node with setsid: its process group holds the node
   * and, with NATS, its nats-server processes */
  if (getpgid (pid) == pid)
    kill (-pid, sig);
  else
    kill (pid, sig);
}

/**
 * harper_fixture_pause_node:
 *
 * Freezes node @i (SIGSTOP to its process group): connections stay open but
 * nothing answers, as with a hung host. harper_fixture_resume_node() thaws it;
 * stopping a paused node resumes it first.
 */
void
harper_fixture_pause_node (HarperFixture *f,
                           guint          i)
{
  signal_node (f, i, SIGSTOP);
}

void
harper_fixture_resume_node (HarperFixture *f,
                            guint          i)
{
  signal_node (f, i, SIGCONT);
}

/**
 * harper_fixture_get_start_seconds:
 *
 * Returns: wall-clock seconds harper_fixture_start() took
 */
double
harper_fixture_get_start_seconds (HarperFixture *f)
{
  g_return_val_if_fail (f != NULL, 0.0);
  return f->start_seconds;
}

/**
 * harper_fixture_free:
 *
 * Stops every node, removes the directory (unless HARPER_FIXTURE_KEEP=1) and
 * frees @f.
 */
void
harper_fixture_free (HarperFixture *f)
{
  if (f == NULL)
    return;
  fixture_unregister (f);
  fixture_teardown (f);
  fixture_free_data (f);
}
