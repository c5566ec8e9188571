#!/usr/bin/env bash
# tests/ui/run-atspi-grid.sh CLUSTERDECK CLUSTERDECK_CLI [PYTHON_SCRIPT]
#
# Issue 5 end to end, as a screen reader user would do it: two real Harper
# nodes of the version under test (HARPER_VERSION), the real app (the CLUSTERDECK binary from the build tree)
# driven over AT-SPI by atspi_grid.py, which toggles a switch of the
# replication grid found by its accessible name, reviews and applies the
# change, and checks the server. TAP on stdout.
#
# Everything runs on its own Xvfb (xvfb-run -a), private session bus,
# unlocked gnome-keyring and throw-away HOME/XDG dirs (tests/with-keyring.sh);
# nothing of the caller's session is used. Inside:
#
#   1. harper-cluster.sh starts node1 and node2 (replication configured, the
#      default: replication.hostname node<i>), through tests/cli/tap.sh's
#      start_nodes (another port range when one is busy; nodes stopped and
#      their directory deleted on exit), in a cli_base_dir (Harper 4.4 hangs
#      on some BASEDIRs, see there);
#   2. curl creates database `data` with table `dog` (primary key id) on both
#      nodes, and the cluster user (super_user role) the connection needs: the
#      nodes come with replication configured, so `clusterdeck-cli enable` has
#      nothing to do and creates no user;
#   3. clusterdeck-cli: org add Demo, instance add node1/node2 (password in
#      CLUSTERDECK_PASSWORD, never argv), enable node1/node2 (already enabled),
#      connect node1 node2 (CLUSTERDECK_CLUSTER_PASSWORD): full replication.
#      The keyring then has no cluster password for Demo (only enable stores
#      it), so the Review dialog asks for it, and the AT-SPI script types it;
#   4. the app starts with accessibility on; atspi_grid.py drives it (its
#      docstring says what it checks) and prints TAP numbered after the
#      set-up's lines; the app is then stopped by its pid, and its output is
#      printed as TAP comments.
#
# Harper: HARPER_BIN when set, else the version HARPER_VERSION names (the
# baseline when unset), installed by tests/harper/install.sh before the XDG
# dirs are replaced, into CLUSTERDECK_HARPER_CACHE (default
# ~/.cache/clusterdeck/harper of the caller), which is then passed on. HARPER_CLUSTER_SCRIPT (set by
# meson) names harper-cluster.sh. GSETTINGS_SCHEMA_DIR is passed on; GTK_A11Y
# and NO_AT_BRIDGE are unset for the app.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
srcroot=$(cd "$here/../.." && pwd -P)

if [ "${1:-}" != --inner ]; then
  if [ $# -lt 2 ] || [ ! -x "$1" ] || [ ! -x "$2" ]; then
    echo "Bail out! usage: run-atspi-grid.sh CLUSTERDECK CLUSTERDECK_CLI [SCRIPT] (got '${1:-}' '${2:-}')"
    exit 1
  fi
  for tool in xvfb-run xauth dbus-run-session gnome-keyring-daemon curl /usr/bin/python3; do
    command -v "$tool" >/dev/null ||
      { echo "Bail out! $tool not found (packages xvfb, xauth, dbus-daemon, gnome-keyring, curl, python3-gi)"; exit 1; }
  done
  /usr/bin/python3 -c 'import gi; gi.require_version("Atspi", "2.0"); from gi.repository import Atspi' 2>/dev/null ||
    { echo "Bail out! /usr/bin/python3 cannot import Atspi (packages python3-gi gir1.2-atspi-2.0)"; exit 1; }
  # Find (or install) Harper now: with-keyring.sh replaces XDG_CACHE_HOME,
  # where install.sh would look by default.
  if [ -z "${HARPER_BIN:-}" ]; then
    export CLUSTERDECK_HARPER_CACHE=${CLUSTERDECK_HARPER_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/clusterdeck/harper}
    if ! bash "$srcroot/tests/harper/install.sh" ${HARPER_VERSION:+"$HARPER_VERSION"} >/dev/null 2>&1; then
      echo "Bail out! tests/harper/install.sh ${HARPER_VERSION:-} failed: Harper (npm harperdb) is not installed"
      exit 1
    fi
  fi
  # Never the caller's display, bus or keyring.
  unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL SSH_AUTH_SOCK
  # Daemons started on the way (at-spi2-registryd) print to the stdout they
  # inherit, which is the TAP stream: make such lines TAP comments. dbus-daemon
  # as root in a container warns about the fd limit on every start: dropped.
  # -noreset: Xvfb resets when its last client leaves, and a client
  # connecting during the reset fails. The app once failed so as it started
  # ("cannot open display"; presumably after a short-lived client of the
  # AT-SPI start-up); bench/run.sh met the same.
  xvfb-run -a -s "-screen 0 1280x900x24 -noreset" \
    bash "$srcroot/tests/with-keyring.sh" bash "$here/run-atspi-grid.sh" --inner "$@" \
    2> >(grep --line-buffered -v 'Failed to set fd limit' >&2) |
    awk '/^(ok|not ok|1\.\.|Bail out!|#)/ { print; fflush (); next } { print "# " $0; fflush () }'
  exit "${PIPESTATUS[0]}"
fi
shift
app=$1
cli=$2
script=${3:-$here/atspi_grid.py}

# ok, not_ok, check, diag, tap_done; need_fresh_xdg, cli_base_dir, start_nodes
# shellcheck source-path=SCRIPTDIR source=../cli/tap.sh
. "$srcroot/tests/cli/tap.sh"

need_fresh_xdg
export CLUSTER_PASSWORD=Atspi-Grid-Cluster-7
cluster_user=cluster_user   # DECK_DEFAULT_CLUSTER_USER: the organization has none set

base=$(cli_base_dir clusterdeck-atspi-grid)
start_nodes "$base" 2 12000 || tap_done
ok "set-up: 2 Harper $HARPER_VERSION nodes (replication configured) in ${HARPER_START_SECONDS}s at $HARPER_NODE1_URL, $HARPER_NODE2_URL"
export HARPER_NODE1_URL HARPER_NODE2_URL HARPER_USER HARPER_PASS

# An operation sent straight to a node.
op() { curl -s -m 10 -u "$HARPER_USER:$HARPER_PASS" -H 'Content-Type: application/json' -d "$2" "$1"; }

out=
for url in "$HARPER_NODE1_URL" "$HARPER_NODE2_URL"; do
  out+=$(op "$url" '{"operation":"create_database","database":"data"}')$'\n'
  out+=$(op "$url" '{"operation":"create_table","database":"data","table":"dog","primary_key":"id"}')$'\n'
  out+=$(op "$url" "{\"operation\":\"add_user\",\"role\":\"super_user\",\"username\":\"$cluster_user\",\"password\":\"$CLUSTER_PASSWORD\",\"active\":true}")$'\n'
done
described=$(for url in "$HARPER_NODE1_URL" "$HARPER_NODE2_URL"; do
  op "$url" '{"operation":"describe_table","database":"data","table":"dog"}'; echo; done)
[ "$(grep -c '"primary_key":"id"\|"hash_attribute":"id"' <<<"$described")" = 2 ] &&
  [ "$(grep -c 'successfully added' <<<"$out")" = 2 ]
check "set-up: curl creates data.dog (primary key id) and the cluster user on both nodes" $? \
  "answers: $out" "describe_table: $described"

export CLUSTERDECK_PASSWORD=$HARPER_PASS
out=$( { "$cli" org add Demo &&
         "$cli" instance add --org Demo --name node1 --url "$HARPER_NODE1_URL" --username "$HARPER_USER" &&
         "$cli" instance add --org Demo --name node2 --url "$HARPER_NODE2_URL" --username "$HARPER_USER"
       } </dev/null 2>&1); rc=$?
check "set-up: clusterdeck-cli org add Demo, instance add node1 and node2 (exit 0)" $rc "$out"
unset CLUSTERDECK_PASSWORD
[ $rc = 0 ] || tap_done

export CLUSTERDECK_CLUSTER_PASSWORD=$CLUSTER_PASSWORD
out=$( { "$cli" enable node1 && "$cli" enable node2 && "$cli" connect node1 node2; } </dev/null 2>&1); rc=$?
[ $rc = 0 ] && grep -q '^Connected' <<<"$out"
check "set-up: clusterdeck-cli enable node1, enable node2, connect node1 node2 (exit 0)" $? \
  "exit status $rc" "$out"
unset CLUSTERDECK_CLUSTER_PASSWORD
[ $rc = 0 ] || tap_done
diag "$out"

unset GTK_A11Y NO_AT_BRIDGE
export GSETTINGS_BACKEND=memory GDK_BACKEND=x11 GSK_RENDERER=cairo LANG=C.UTF-8 LC_ALL=C.UTF-8
unset LANGUAGE
export PENDING_JSON=$XDG_STATE_HOME/clusterdeck/pending.json
# The health notifier notifies when a link goes down (converting a link out
# of full replication removes and adds it): a stub owns org.gtk.Notifications
# on this private bus, as a desktop's would (without one GLib warns, fatal
# under G_DEBUG=fatal-warnings). As run-atspi-audit.sh does.
/usr/bin/python3 "$here/notifications-stub.py" &
stub_pid=$!
for _ in $(seq 50); do
  dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
    org.freedesktop.DBus.NameHasOwner string:org.gtk.Notifications 2>/dev/null |
    grep -q 'boolean true' && break
  sleep 0.1
done
applog=$HOME/clusterdeck.log
"$app" >"$applog" 2>&1 &
app_pid=$!

stop_app() {
  [ -n "${app_pid:-}" ] || return 0
  kill -TERM "$app_pid" 2>/dev/null
  for _ in $(seq 50); do
    kill -0 "$app_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$app_pid" 2>/dev/null
  wait "$app_pid" 2>/dev/null
  app_pid=
}
# start_nodes's trap stops the nodes and deletes $base: keep it, first stop the app.
trap 'stop_app; kill "$stub_pid" 2>/dev/null; "$cluster_script" stop "$base/cluster" >/dev/null 2>&1; rm -rf "$base"' EXIT

pytap=$HOME/atspi-grid.tap
# The app runs with the test's G_DEBUG=fatal-warnings; the AT-SPI client
# is not under test, and libatspi warns (dbind-WARNING) when it asks an
# object that went away, which fatal-warnings would make a crash.
timeout -k 5 240 env -u G_DEBUG /usr/bin/python3 "$script" "$app_pid" "$((tap_n + 1))" | tee "$pytap"
rc=${PIPESTATUS[0]}
tap_n=$((tap_n + $(grep -cE '^(not )?ok ' "$pytap")))
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
  not_ok "the AT-SPI script finishes within 240 s"
elif [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
  not_ok "the AT-SPI script ends normally (exit status $rc)"
elif ! grep -q '^# atspi_grid.py done' "$pytap"; then
  not_ok "the AT-SPI script runs to its end"
fi
if kill -0 "$app_pid" 2>/dev/null; then
  ok "the app is still running at the end"
else
  wait "$app_pid"
  not_ok "the app is still running at the end" "it exited with status $?"
  app_pid=
fi
stop_app
if [ -s "$applog" ]; then
  echo "# app output:"
  sed 's/^/#   /' "$applog"
fi
tap_done
