/* harper-fixture.h: real Harper (HarperDB) nodes for GTest programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * HarperFixture:
 *
 * A running set of Harper instances on 127.0.0.1, started with
 * tests/harper/harper-cluster.sh into a private directory. Node indices are
 * 0-based here (the script's node1 is index 0).
 *
 * The nodes are stopped and the directory removed by harper_fixture_free(),
 * by an atexit() handler if the program exits without freeing the fixture, and
 * by a watchdog process (`harper-cluster.sh watch`, in its own session) if the
 * program dies without running atexit() handlers (g_assert() failure → abort(),
 * a crash, SIGKILL, the test harness killing the test's process group on
 * timeout). Nothing cleans up if the watchdog itself is killed: then run
 * `tests/harper/harper-cluster.sh stop DIR` by hand.
 */
typedef struct _HarperFixture HarperFixture;

/**
 * HarperFixtureFlags:
 * @HARPER_FIXTURE_DEFAULT: plain HTTP operations API, replication configured
 *   (replication.hostname node<i>, replication.url ws://127.0.0.1:<port>)
 * @HARPER_FIXTURE_UNCONFIGURED: leave replication unconfigured (as a fresh
 *   install: cluster_status has no node_name; enable it with set_configuration
 *   + restart)
 * @HARPER_FIXTURE_TLS: HTTPS operations API with a self-signed certificate,
 *   replication over wss:// on the same port (Harper then also listens on one
 *   random port on all interfaces: quirk Q1)
 * @HARPER_FIXTURE_NATS: legacy NATS clustering (implies UNCONFIGURED). Only in a
 *   private network namespace (`unshare -n`, lo up) since nats-server binds all
 *   interfaces; elsewhere harper_fixture_start() fails with
 *   %G_IO_ERROR_NOT_SUPPORTED, as it does for a version whose package ships no
 *   nats-server (4.5 and later).
 *
 * The version: `HARPER_VERSION` (meson sets it per test and version), else the
 * baseline of tests/harper/versions/matrix.txt; harper_fixture_start_versions()
 * gives each node its own. Harper 4.3 (no native replication: only
 * UNCONFIGURED or NATS) binds every interface and so needs a private network
 * namespace too.
 */
typedef enum
{
  HARPER_FIXTURE_DEFAULT = 0,
  HARPER_FIXTURE_UNCONFIGURED = 1 << 0,
  HARPER_FIXTURE_TLS = 1 << 1,
  HARPER_FIXTURE_NATS = 1 << 2,
} HarperFixtureFlags;

const char    *harper_fixture_requested_version (void);
HarperFixture *harper_fixture_start             (guint                n_nodes,
                                                 HarperFixtureFlags   flags,
                                                 GError             **error);
HarperFixture *harper_fixture_start_versions    (const char * const  *versions,
                                                 HarperFixtureFlags   flags,
                                                 GError             **error);
guint          harper_fixture_get_n_nodes       (HarperFixture       *f);
const char    *harper_fixture_get_url           (HarperFixture       *f,
                                                 guint                i);
const char    *harper_fixture_get_repl_url      (HarperFixture       *f,
                                                 guint                i);
const char    *harper_fixture_get_node_name     (HarperFixture       *f,
                                                 guint                i);
guint          harper_fixture_get_port          (HarperFixture       *f,
                                                 guint                i);
const char    *harper_fixture_get_username      (HarperFixture       *f);
const char    *harper_fixture_get_password      (HarperFixture       *f);
const char    *harper_fixture_get_version       (HarperFixture       *f);
const char    *harper_fixture_get_node_version  (HarperFixture       *f,
                                                 guint                i);
gboolean       harper_fixture_get_all_interfaces (HarperFixture       *f);
const char    *harper_fixture_get_basedir       (HarperFixture       *f);
GPid           harper_fixture_get_pid           (HarperFixture       *f,
                                                 guint                i);
gboolean       harper_fixture_stop_node         (HarperFixture       *f,
                                                 guint                i,
                                                 GError             **error);
gboolean       harper_fixture_start_node        (HarperFixture       *f,
                                                 guint                i,
                                                 GError             **error);
void           harper_fixture_pause_node        (HarperFixture       *f,
                                                 guint                i);
void           harper_fixture_resume_node       (HarperFixture       *f,
                                                 guint                i);
double         harper_fixture_get_start_seconds (HarperFixture       *f);
void           harper_fixture_free              (HarperFixture       *f);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HarperFixture, harper_fixture_free)

G_END_DECLS
