#!/usr/bin/env bash
# tests/ui/run-atspi.sh CLUSTERDECK [PYTHON_SCRIPT]
#
# Starts the real app (the CLUSTERDECK binary from the build tree) with
# accessibility on, on its own Xvfb, private session bus and throw-away keyring
# and HOME (xvfb-run + tests/with-keyring.sh: nothing of the caller's session
# is used, whether or not the caller already runs under Xvfb), with one
# organization "Demo" and no instances, then runs atspi_add_instance.py against
# it (TAP on stdout) and stops the app by its pid.
#
# GTK asks the session bus for org.a11y.Bus; D-Bus activates
# at-spi-bus-launcher, which goes away with the bus.
#
# Environment: GSETTINGS_SCHEMA_DIR (the build's data/ dir, set by meson) is
# passed on; GTK_A11Y and NO_AT_BRIDGE are unset for the app.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
srcroot=$(cd "$here/../.." && pwd -P)

if [ "${1:-}" != --inner ]; then
  if [ $# -lt 1 ] || [ ! -x "$1" ]; then
    echo "Bail out! usage: run-atspi.sh CLUSTERDECK [SCRIPT] (got '${1:-}')"
    exit 1
  fi
  for tool in xvfb-run xauth dbus-run-session gnome-keyring-daemon /usr/bin/python3; do
    command -v "$tool" >/dev/null ||
      { echo "Bail out! $tool not found (packages xvfb, xauth, dbus-daemon, gnome-keyring, python3-gi)"; exit 1; }
  done
  /usr/bin/python3 -c 'import gi; gi.require_version("Atspi", "2.0"); from gi.repository import Atspi' 2>/dev/null ||
    { echo "Bail out! /usr/bin/python3 cannot import Atspi (packages python3-gi gir1.2-atspi-2.0)"; exit 1; }
  # Daemons started on the way (at-spi2-registryd) print to the stdout they
  # inherit, which is the TAP stream: make such lines TAP comments. dbus-daemon
  # as root in a container warns about the fd limit on every start: dropped.
  xvfb-run -a -s "-screen 0 1280x900x24" \
    bash "$srcroot/tests/with-keyring.sh" bash "$here/run-atspi.sh" --inner "$@" \
    2> >(grep --line-buffered -v 'Failed to set fd limit' >&2) |
    awk '/^(ok|not ok|1\.\.|Bail out!|#)/ { print; fflush (); next } { print "# " $0; fflush () }'
  exit "${PIPESTATUS[0]}"
fi
shift
app=$1
script=${2:-$here/atspi_add_instance.py}

# The organizations file, as deck-store.c writes it (format version 1).
store_dir=$XDG_CONFIG_HOME/clusterdeck
store=$store_dir/organizations.json
mkdir -p "$store_dir"
cat >"$store" <<'EOF'
{"version":1,"organizations":[{"id":"8d0f5c2e-4a51-4b7e-9d3c-2f6a1b7e0c11","name":"Demo","instances":[]}]}
EOF

unset GTK_A11Y NO_AT_BRIDGE
export GSETTINGS_BACKEND=memory GDK_BACKEND=x11 GSK_RENDERER=cairo LANG=C.UTF-8 LC_ALL=C.UTF-8
unset LANGUAGE
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
trap stop_app EXIT

# The app runs with the test's G_DEBUG=fatal-warnings; the AT-SPI client
# is not under test, and libatspi warns (dbind-WARNING) when it asks an
# object that went away, which fatal-warnings would make a crash.
timeout -k 5 120 env -u G_DEBUG /usr/bin/python3 "$script" "$app_pid" "$store"
rc=$?
[ $rc = 124 ] && echo "Bail out! the AT-SPI script did not finish within 120 s"
if ! kill -0 "$app_pid" 2>/dev/null; then
  wait "$app_pid"
  echo "# the app exited before it was stopped, with status $?"
  app_pid=
  rc=1
fi
stop_app
if [ -s "$applog" ]; then
  echo "# app output:"
  sed 's/^/#   /' "$applog"
fi
exit $rc
