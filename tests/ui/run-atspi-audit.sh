#!/usr/bin/env bash
# tests/ui/run-atspi-audit.sh CLUSTERDECK CLUSTERDECK_CLI [PYTHON_SCRIPT]
#
# The accessibility audit (issue 15): the real app walked over AT-SPI by
# atspi_audit.py, screen by screen, as a screen reader sees it. TAP on stdout.
#
# Everything runs on its own Xvfb (xvfb-run -a), private session bus,
# unlocked gnome-keyring and throw-away HOME/XDG dirs (tests/with-keyring.sh);
# nothing of the caller's session is used. Inside:
#
#   1. first run: the app starts with no organizations file; atspi_audit.py
#      first-run walks the empty window, the main menu, the shortcuts window,
#      Preferences, adds the organization "Demo" through its dialog, and walks the
#      add-instance dialog. The app is stopped by its pid.
#   2. harper-cluster.sh starts node1 and node2 (replication configured)
#      through tests/cli/tap.sh's start_nodes, and one more node with
#      replication unconfigured (HARPER_REPLICATION=0) in a directory of its
#      own; curl creates data.dog and the cluster user on node1 and node2;
#      clusterdeck-cli registers node1, node2, node3 (the unconfigured node)
#      and "down" (a closed port) in Demo, and connects node1 and node2.
#      One more node serves the operations API on HTTPS (HARPER_TLS=1), for
#      the certificate question.
#   3. the app starts again; atspi_audit.py cluster walks the instances,
#      node1's Overview, Connections and Tables, a staged change, Review,
#      Review after an Apply that failed (node2 frozen with SIGSTOP, thawed
#      after), History, node3's enable panel, its "Enable Clustering?"
#      question and restart progress (node3 really restarts), the
#      unreachable instance and the certificate question of Add Instance.
#
# With AUDIT_WINDOW_MANAGER=1 (ui-atspi-keyboard) Openbox manages the Xvfb's
# windows (tests/ui/openbox-rc.xml), as a desktop's window manager would:
# the keyboard focus goes back to the main window when a dialog closes.
#
# Harper: HARPER_BIN when set, else what tests/harper/install.sh prints.
# HARPER_CLUSTER_SCRIPT (set by meson) names harper-cluster.sh.
# GSETTINGS_SCHEMA_DIR is passed on; GTK_A11Y and NO_AT_BRIDGE are unset for
# the app.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
srcroot=$(cd "$here/../.." && pwd -P)

if [ "${1:-}" != --inner ]; then
  if [ $# -lt 2 ] || [ ! -x "$1" ] || [ ! -x "$2" ]; then
    echo "Bail out! usage: run-atspi-audit.sh CLUSTERDECK CLUSTERDECK_CLI [SCRIPT] (got '${1:-}' '${2:-}')"
    exit 1
  fi
  for tool in xvfb-run xauth dbus-run-session gnome-keyring-daemon curl /usr/bin/python3; do
    command -v "$tool" >/dev/null ||
      { echo "Bail out! $tool not found (packages xvfb, xauth, dbus-daemon, gnome-keyring, curl, python3-gi)"; exit 1; }
  done
  if [ "${AUDIT_WINDOW_MANAGER:-}" = 1 ]; then
    command -v openbox >/dev/null || { echo "Bail out! openbox not found (package openbox)"; exit 1; }
  fi
  /usr/bin/python3 -c 'import gi; gi.require_version("Atspi", "2.0"); from gi.repository import Atspi' 2>/dev/null ||
    { echo "Bail out! /usr/bin/python3 cannot import Atspi (packages python3-gi gir1.2-atspi-2.0)"; exit 1; }
  # Find (or install) Harper now: with-keyring.sh replaces XDG_CACHE_HOME.
  if [ -z "${HARPER_BIN:-}" ]; then
    if ! HARPER_BIN=$(bash "$srcroot/tests/harper/install.sh" 2>/dev/null); then
      echo "Bail out! tests/harper/install.sh failed: Harper (npm harperdb) is not installed"
      exit 1
    fi
    export HARPER_BIN
  fi
  unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL SSH_AUTH_SOCK
  # As run-atspi-grid.sh: daemons' stdout made TAP comments, the fd limit
  # warning dropped, -noreset so that Xvfb does not reset between the two
  # runs of the app.
  xvfb-run -a -s "-screen 0 1280x900x24 -noreset" \
    bash "$srcroot/tests/with-keyring.sh" bash "$here/run-atspi-audit.sh" --inner "$@" \
    2> >(grep --line-buffered -v 'Failed to set fd limit' >&2) |
    awk '/^(ok|not ok|1\.\.|Bail out!|#)/ { print; fflush (); next } { print "# " $0; fflush () }'
  exit "${PIPESTATUS[0]}"
fi
shift
app=$1
cli=$2
script=${3:-$here/atspi_audit.py}

# ok, not_ok, check, diag, tap_done; need_fresh_xdg, cli_base_dir, start_nodes
# shellcheck source-path=SCRIPTDIR source=../cli/tap.sh
. "$srcroot/tests/cli/tap.sh"

need_fresh_xdg
unset GTK_A11Y NO_AT_BRIDGE
export GSETTINGS_BACKEND=memory GDK_BACKEND=x11 GSK_RENDERER=cairo LANG=C.UTF-8 LC_ALL=C.UTF-8
unset LANGUAGE

# The health notifier (DeckHealthNotifier) notifies when a link goes down,
# as the Apply and the frozen node2 make it: a stub owns org.gtk.Notifications
# on this private bus, as a desktop's would (without one GLib warns, fatal
# under G_DEBUG=fatal-warnings).
/usr/bin/python3 "$here/notifications-stub.py" &
stub_pid=$!
for _ in $(seq 50); do
  dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
    org.freedesktop.DBus.NameHasOwner string:org.gtk.Notifications 2>/dev/null |
    grep -q 'boolean true' && break
  sleep 0.1
done

app_pid=
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

# run_phase PHASE: starts the app, runs the script's PHASE, stops the app.
run_phase() {
  local phase=$1 applog=$HOME/clusterdeck-$1.log pytap=$HOME/atspi-audit-$1.tap rc
  "$app" >"$applog" 2>&1 &
  app_pid=$!
  # The app runs with the test's G_DEBUG=fatal-warnings; the AT-SPI client is
  # not under test (libatspi warns when an object went away): as run-atspi.sh.
  timeout -k 5 600 env -u G_DEBUG /usr/bin/python3 "$script" "$app_pid" "$phase" "$((tap_n + 1))" | tee "$pytap"
  rc=${PIPESTATUS[0]}
  tap_n=$((tap_n + $(grep -cE '^(not )?ok ' "$pytap")))
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    not_ok "$phase: the AT-SPI script finishes within 600 s"
  elif [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
    not_ok "$phase: the AT-SPI script ends normally (exit status $rc)"
  elif ! grep -q '^# atspi_audit.py done' "$pytap"; then
    not_ok "$phase: the AT-SPI script runs to its end"
  fi
  if kill -0 "$app_pid" 2>/dev/null; then
    ok "$phase: the app is still running at the end"
  else
    wait "$app_pid"
    not_ok "$phase: the app is still running at the end" "it exited with status $?"
    app_pid=
  fi
  stop_app
  if [ -s "$applog" ]; then
    echo "# app output ($phase):"
    sed 's/^/#   /' "$applog"
  fi
}

wm_pid=
stop_wm() {
  [ -n "$wm_pid" ] && kill "$wm_pid" 2>/dev/null && wait "$wm_pid" 2>/dev/null
  wm_pid=
}

# -- 1. first run ----------------------------------------------------------------
trap 'stop_app; stop_wm; kill "$stub_pid" 2>/dev/null' EXIT
if [ "${AUDIT_WINDOW_MANAGER:-}" = 1 ]; then
  # Openbox runs --startup's command once it manages the screen.
  wm_ready=$HOME/openbox.ready
  openbox --sm-disable --config-file "$here/openbox-rc.xml" --startup "touch '$wm_ready'" \
    >"$HOME/openbox.log" 2>&1 &
  wm_pid=$!
  for _ in $(seq 600); do
    [ -e "$wm_ready" ] || ! kill -0 "$wm_pid" 2>/dev/null && break
    sleep 0.1
  done
  if [ ! -e "$wm_ready" ]; then
    echo "Bail out! openbox did not start on the Xvfb: $(tail -n 5 "$HOME/openbox.log")"
    exit 1
  fi
fi
run_phase first-run

# -- 2. the cluster ----------------------------------------------------------------
export CLUSTER_PASSWORD=Atspi-Audit-Cluster-7
cluster_user=cluster_user   # DECK_DEFAULT_CLUSTER_USER: the organization has none set

base=$(cli_base_dir clusterdeck-atspi-audit)
start_nodes "$base" 2 14000 || tap_done
# One more node, replication unconfigured, on ports of the same range.
single_port=$((HARPER_BASE_PORT + 30))
if ! env HARPER_BASE_PORT=$single_port HARPER_REPLICATION=0 \
    "$cluster_script" start 1 "$base/single" >"$base/single.log" 2>&1; then
  not_ok "set-up: a Harper node with replication unconfigured" \
    "$(strip_console <"$base/single.log" | tail -n 30)"
  tap_done
fi
node3_url=$(. "$base/single/cluster.env" && echo "$HARPER_NODE1_URL")
# One more for the certificate question: the operations API on HTTPS with
# Harper's own self-signed certificate.
tls_port=$((HARPER_BASE_PORT + 40))
if ! env HARPER_BASE_PORT=$tls_port HARPER_TLS=1 HARPER_REPLICATION=0 \
    "$cluster_script" start 1 "$base/tls" >"$base/tls.log" 2>&1; then
  not_ok "set-up: a Harper node on HTTPS" "$(strip_console <"$base/tls.log" | tail -n 30)"
  "$cluster_script" stop "$base/single" >/dev/null 2>&1
  tap_done
fi
tls_url=$(. "$base/tls/cluster.env" && echo "$HARPER_NODE1_URL")
# node2 may be left frozen (SIGSTOP) by the failed-operation screen if the
# script is killed: thawed before it is stopped.
trap 'stop_app; stop_wm; kill "$stub_pid" 2>/dev/null; kill -CONT "$HARPER_NODE2_PID" 2>/dev/null;
      "$cluster_script" stop "$base/tls" >/dev/null 2>&1;
      "$cluster_script" stop "$base/single" >/dev/null 2>&1;
      "$cluster_script" stop "$base/cluster" >/dev/null 2>&1; rm -rf "$base"' EXIT
ok "set-up: 2 Harper $HARPER_VERSION nodes (replication configured) at $HARPER_NODE1_URL, $HARPER_NODE2_URL; one unconfigured at $node3_url; one on HTTPS at $tls_url"

op() { curl -s -m 10 -u "$HARPER_USER:$HARPER_PASS" -H 'Content-Type: application/json' -d "$2" "$1"; }
out=
for url in "$HARPER_NODE1_URL" "$HARPER_NODE2_URL"; do
  out+=$(op "$url" '{"operation":"create_database","database":"data"}')$'\n'
  out+=$(op "$url" '{"operation":"create_table","database":"data","table":"dog","primary_key":"id"}')$'\n'
  out+=$(op "$url" "{\"operation\":\"add_user\",\"role\":\"super_user\",\"username\":\"$cluster_user\",\"password\":\"$CLUSTER_PASSWORD\",\"active\":true}")$'\n'
done
[ "$(grep -c 'successfully added' <<<"$out")" = 2 ]
check "set-up: curl creates data.dog and the cluster user on node1 and node2" $? "answers: $out"

# The organization "Demo" was made by the first run; a closed port for "down".
export CLUSTERDECK_PASSWORD=$HARPER_PASS
out=$( { "$cli" instance add --org Demo --name node1 --url "$HARPER_NODE1_URL" --username "$HARPER_USER" &&
         "$cli" instance add --org Demo --name node2 --url "$HARPER_NODE2_URL" --username "$HARPER_USER" &&
         "$cli" instance add --org Demo --name node3 --url "$node3_url" --username "$HARPER_USER"
       } </dev/null 2>&1); rc=$?
# "down" is added, then its connection test fails (exit 1): that is the point.
out+=$'\n'$("$cli" instance add --org Demo --name down --url "http://127.0.0.1:9" \
  --username "$HARPER_USER" </dev/null 2>&1)
grep -q 'instance “down”' <<<"$out" || rc=1
check "set-up: clusterdeck-cli instance add node1, node2, node3 and down in Demo" $rc "$out"
unset CLUSTERDECK_PASSWORD
[ $rc = 0 ] || tap_done

export CLUSTERDECK_CLUSTER_PASSWORD=$CLUSTER_PASSWORD
out=$( { "$cli" enable node1 && "$cli" enable node2 && "$cli" connect node1 node2; } </dev/null 2>&1); rc=$?
check "set-up: clusterdeck-cli enable node1, enable node2, connect node1 node2 (exit 0)" $rc "$out"
unset CLUSTERDECK_CLUSTER_PASSWORD
[ $rc = 0 ] || tap_done

# What atspi_audit.py needs for the screens it brings about itself: node2's
# pid (frozen for a failed operation), the password to enable node3 with
# (its restart progress), the HTTPS node and its login (the certificate
# question); atspi_keyboard.py also reads node1's cluster_status (its
# connection to node2 after Disconnect and Connect) and node3's (enabled by
# keyboard). Test credentials of throw-away nodes, in the environment only.
export AUDIT_NODE2_PID=$HARPER_NODE2_PID AUDIT_CLUSTER_PASSWORD=$CLUSTER_PASSWORD \
  AUDIT_TLS_URL=$tls_url AUDIT_USER=$HARPER_USER AUDIT_PASS=$HARPER_PASS \
  AUDIT_NODE1_URL=$HARPER_NODE1_URL AUDIT_NODE3_URL=$node3_url
run_phase cluster
tap_done
