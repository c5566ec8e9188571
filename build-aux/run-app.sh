#!/usr/bin/env bash
# build-aux/run-app.sh [--harper=VERSION[,VERSION,VERSION]] [--headless[=SECONDS]] [--] [APP_ARGS...]
#
# Sets everything up and runs Clusterdeck from the build tree, without
# installing it: installs what is missing (build-aux/setup.sh), builds `_build`
# (same options as the tests, so the two never rebuild each other's tree),
# stages the data files (desktop file, metainfo, icons) into
# _build/run-app/root, then starts `_build/src/clusterdeck` with:
#
#   GSETTINGS_SCHEMA_DIR = _build/data            (schema compiled by the build)
#   XDG_DATA_DIRS        = the staged share dir first, then the system's
#
# Before the app starts, start_demo_cluster runs (see below); when the app
# ends, or this script is stopped (Ctrl-C, TERM, closing the terminal), the app
# and everything start_demo_cluster started are stopped.
#
#   --harper=VERSION       the Harper version of the demo's three nodes: one of
#                          the supported versions (tests/harper/versions/matrix.txt,
#                          `tests/harper/install.sh --list`); default: the newest.
#                          Three versions separated by commas make a mixed
#                          cluster (build-aux/demo-cluster.sh says more, about
#                          4.3.0 too).
#
# It needs a graphical session (DISPLAY or WAYLAND_DISPLAY). Without one, use
#   --headless[=SECONDS]   run under Xvfb with a private bus and a throw-away
#                          keyring and HOME for SECONDS (default 10), save a
#                          screenshot to _build/run-app/screenshot.png, stop the
#                          app, and exit 0 if it was still running by then.
#
# Note: Clusterdeck is a single-instance GApplication. If it is already
# running in this session, the new process hands over to that window and exits
# at once (and so does this script).
#
# Environment:
#   CLUSTERDECK_BUILD_DIR   build directory (default: _build in the source tree)
set -uo pipefail

srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CLUSTERDECK_BUILD_DIR=${CLUSTERDECK_BUILD_DIR:-$srcdir/_build}
builddir=$CLUSTERDECK_BUILD_DIR
app_id=io.github.clusterdeck.Clusterdeck
log() { printf 'run-app: %s\n' "$*"; }
die() { printf 'run-app: error: %s\n' "$*" >&2; exit 1; }

headless=
inner=no
built=no
args=()
rest=no
for arg in "$@"; do
  if [ $rest = yes ]; then args+=("$arg"); continue; fi
  case $arg in
    --) rest=yes ;;                      # everything after -- goes to the app
    --harper=*) export CLUSTERDECK_DEMO_HARPER=${arg#--harper=} ;;
    --headless) headless=10 ;;
    --headless=*) headless=${arg#--headless=} ;;
    --headless-inner) inner=yes ;;       # internal: we are inside Xvfb already
    --built) built=yes ;;                # internal: re-executed after building
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) args+=("$arg") ;;
  esac
done
if [ -n "$headless" ] && ! [[ $headless =~ ^[0-9]+$ ]]; then
  die "--headless takes a number of seconds, not '$headless'"
fi

# ------------------------------------------------------------ demo hook ----
# start_demo_cluster: called once before the app starts; starts three real
# Harper nodes on 127.0.0.1 (build-aux/demo-cluster.sh) and registers them as
# organization "Demo". stop_demo_cluster: called from the EXIT trap; stops them.
# `build-aux/demo-cluster.sh stop` does the same by hand.
demo_started=no
start_demo_cluster() {
  # Three real Harper nodes on 127.0.0.1, registered as organization "Demo"
  # (in the config and keyring of this session) by clusterdeck-cli.
  bash "$srcdir/build-aux/demo-cluster.sh" start "$builddir/src/cli/clusterdeck-cli" || return 1
  demo_started=yes
}
stop_demo_cluster() {
  [ $demo_started = yes ] || return 0
  bash "$srcdir/build-aux/demo-cluster.sh" stop
  demo_started=no
}

# ------------------------------------------------------------- the app -----
app_pid=
bus_pid=
cleaned=no
cleanup() {
  [ $cleaned = yes ] && return
  cleaned=yes
  if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then
    kill -TERM "$app_pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$app_pid" 2>/dev/null
    wait "$app_pid" 2>/dev/null
  fi
  stop_demo_cluster
  if [ -n "$bus_pid" ]; then
    kill -TERM "$bus_pid" 2>/dev/null
  fi
}

app_env() {
  local share
  export GSETTINGS_SCHEMA_DIR=$builddir/data
  share=$(cat "$builddir/run-app/datadir" 2>/dev/null)
  if [ -n "$share" ] && [ -d "$share" ]; then
    export XDG_DATA_DIRS=$share:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}
  fi
}

stop_on_exit() { # from here on, whatever we started is stopped when we end
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
}

run_app() { # run_app ARGS... : start, wait, return the app's exit status
  local rc
  stop_on_exit
  start_demo_cluster || die "the demo cluster did not start"
  app_env
  "$builddir/src/clusterdeck" "$@" &
  app_pid=$!
  wait "$app_pid"; rc=$?
  app_pid=
  return $rc
}

if [ $inner = yes ]; then
  # Inside Xvfb + with-keyring.sh: run for $headless seconds, take a screenshot.
  stop_on_exit
  start_demo_cluster || die "the demo cluster did not start"
  app_env
  export GDK_BACKEND=x11 GSK_RENDERER=cairo
  "$builddir/src/clusterdeck" "${args[@]}" &
  app_pid=$!
  for _ in $(seq $((headless * 10))); do
    kill -0 "$app_pid" 2>/dev/null || break
    sleep 0.1
  done
  if ! kill -0 "$app_pid" 2>/dev/null; then
    wait "$app_pid"; rc=$?
    app_pid=
    die "the app exited after less than $headless s (status $rc)"
  fi
  import -window root "$builddir/run-app/screenshot.png" 2>/dev/null &&
    log "screenshot: $builddir/run-app/screenshot.png"
  log "the app ran for $headless s; stopping it"
  exit 0
fi

# ------------------------------------------------------ setup and build ----
stage_data() {
  # Stage what `meson install` would install (desktop file, metainfo, icons)
  # so that GTK finds the app icon. Nothing is written outside the build dir.
  local stage=$builddir/run-app/root datadir
  rm -rf "$stage" "$builddir/run-app/datadir"
  mkdir -p "$builddir/run-app"
  if ! meson install -C "$builddir" --no-rebuild --quiet --destdir "$stage" \
       >"$builddir/run-app/install.log" 2>&1; then
    log "warning: staging the data files failed (see $builddir/run-app/install.log);" \
        "the app will run without its icon"
    return 0
  fi
  datadir=$(meson introspect "$builddir" --buildoptions | /usr/bin/python3 -c '
import json, sys
opts = {o["name"]: o["value"] for o in json.load(sys.stdin)}
print(opts["prefix"].rstrip("/") + "/" + opts["datadir"])') &&
    echo "$stage$datadir" >"$builddir/run-app/datadir"
}

if [ $built = no ]; then
  bash "$srcdir/build-aux/setup.sh" --build || die "setup or build failed (see above)"
  stage_data
fi

if [ -n "$headless" ]; then
  log "headless: running the app under Xvfb for $headless s"
  unset WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS
  # Keep the private buses' chatter (activations, fd limit) off the terminal.
  exec 2> >(grep --line-buffered -v '^dbus-daemon\[' >&2)
  exec xvfb-run -a -s "-screen 0 1280x1024x24" \
    bash "$srcdir/tests/with-keyring.sh" \
    bash "$srcdir/build-aux/run-app.sh" --built --headless-inner --headless="$headless" -- "${args[@]}"
fi

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  die "no graphical session (neither DISPLAY nor WAYLAND_DISPLAY is set).
Run this from a desktop session, or use --headless to check that the app
starts under Xvfb. The build is ready: $builddir/src/clusterdeck"
fi

# GLib finds the session bus through DBUS_SESSION_BUS_ADDRESS or
# $XDG_RUNTIME_DIR/bus. Without either (ssh -X, a bare X server) it would
# autolaunch a bus that outlives the app; start one for the app's lifetime
# instead, and stop it in cleanup().
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] && ! [ -S "${XDG_RUNTIME_DIR:-/nonexistent}/bus" ]; then
  stop_on_exit
  { read -r DBUS_SESSION_BUS_ADDRESS && read -r bus_pid; } < <(
    dbus-daemon --session --fork --print-address=1 --print-pid=1 2>/dev/null)
  [ -n "$bus_pid" ] || die "no session bus, and dbus-daemon --session did not start"
  export DBUS_SESSION_BUS_ADDRESS
  log "no session bus: started one for the app (pid $bus_pid; the keyring may ask for a password)"
fi

log "starting $app_id from $builddir"
run_app "${args[@]}"
rc=$?
log "the app exited with status $rc"
exit $rc
