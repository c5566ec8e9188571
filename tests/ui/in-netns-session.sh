#!/usr/bin/env bash
# tests/ui/in-netns-session.sh PROGRAM [ARGS…]
#
# Runs a UI test program inside a private network namespace (only `lo`, up),
# with its whole desktop session started inside that namespace too:
#
#   unshare --net            Harper's TLS mode listens on one random port on all
#                            interfaces (quirk Q1); nothing of that leaks out
#   xvfb-run -a              an X server of its own (filesystem socket in
#                            /tmp/.X11-unix, xauth cookie), 1280×900×24 (CLUSTERDECK_XVFB_SCREEN=WxHxD another size)
#   tests/with-keyring.sh    a private session bus (dbus-run-session) and an
#                            unlocked gnome-keyring in a throw-away HOME
#
# The bus and keyring must be started inside the namespace: D-Bus session
# buses listen on abstract Unix sockets, and those belong to a network
# namespace, so a bus started outside could not be reached from inside.
#
# Needs root (unshare -n); otherwise the test is reported as skipped in TAP.
# Each of xvfb-run, dbus-run-session and with-keyring.sh stops what it started.
#
# Environment passed on: everything, plus CLUSTERDECK_HARPER_CACHE (read by
# tests/harper/install.sh through harper-cluster.sh): the cache in which the
# Harper under test (HARPER_VERSION, else the baseline) is installed here,
# before the namespace, which has no network.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
srcroot=$(cd "$here/../.." && pwd -P)

if [ "$(id -u)" != 0 ]; then
  echo "1..0 # SKIP needs root for a private network namespace (unshare -n); run as root, as CI does"
  exit 0
fi
missing=
for tool in unshare ip xvfb-run Xvfb xauth dbus-run-session gnome-keyring-daemon; do
  command -v "$tool" >/dev/null || missing="$missing $tool"
done
if [ -n "$missing" ]; then
  echo "1..1"
  echo "not ok 1 - tools missing:$missing (packages util-linux iproute2 xvfb xauth dbus-daemon gnome-keyring)"
  exit 1
fi
[ $# -ge 1 ] || { echo "Bail out! usage: in-netns-session.sh PROGRAM [ARGS...]"; exit 1; }

# Install the Harper under test (HARPER_VERSION, else the baseline) while the
# network is still there: inside the namespace npm could not reach its
# registry, and an install would hang. The cache is named explicitly, since
# with-keyring.sh replaces XDG_CACHE_HOME.
if [ -z "${HARPER_BIN:-}" ]; then
  export CLUSTERDECK_HARPER_CACHE=${CLUSTERDECK_HARPER_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/clusterdeck/harper}
  if ! bash "$srcroot/tests/harper/install.sh" ${HARPER_VERSION:+"$HARPER_VERSION"} >/dev/null; then
    echo "Bail out! tests/harper/install.sh ${HARPER_VERSION:-} failed: Harper (npm harperdb) is not installed"
    exit 1
  fi
fi
# Never the caller's display, bus or keyring.
unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL SSH_AUTH_SOCK

set +e
# A daemon started on the way that prints to the stdout it inherits (the TAP
# stream) gets its lines turned into TAP comments. dbus-daemon as root in a
# container warns about the fd limit on every start: dropped.
unshare --net -- bash -c '
  ip link set lo up || exit 1
  exec xvfb-run -a -s "-screen 0 ${CLUSTERDECK_XVFB_SCREEN:-1280x900x24}" bash "$0" "$@"
' "$srcroot/tests/with-keyring.sh" "$@" 2> >(grep --line-buffered -v 'Failed to set fd limit' >&2) |
  awk '/^(ok|not ok|1\.\.|Bail out!|#)/ { print; fflush (); next } { print "# " $0; fflush () }'
exit "${PIPESTATUS[0]}"
