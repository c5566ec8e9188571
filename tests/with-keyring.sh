#!/usr/bin/env bash
# tests/with-keyring.sh CMD [ARGS...]
#
# Runs CMD on a private D-Bus session bus with a fresh, unlocked gnome-keyring
# (secrets component only) in a throw-away HOME, then stops the daemon and
# removes the HOME. Exits with CMD's status.
#
#   HOME, XDG_{CONFIG,DATA,STATE,CACHE}_HOME  fresh dirs under one temp dir
#   XDG_RUNTIME_DIR                          fresh, mode 0700
#   DBUS_SESSION_BUS_ADDRESS                 a new bus (dbus-run-session)
#
# The keyring is created by `--unlock` (password from stdin) as "login", which
# becomes the default collection, so storing with SECRET_COLLECTION_DEFAULT
# needs no prompt. A fresh HOME matters: an existing login.keyring with another
# password would not unlock and would try to prompt.
#
# Nested use works: each call gets its own bus, keyring and HOME.
#
# Environment:
#   KEYRING_PASSWORD       keyring password (default: ci-password)
#   WITH_KEYRING_KEEP=1    keep the temp HOME and print where it is
set -u

# First pass: re-run ourselves on a private session bus. The marker is removed
# again on the inside, so that a nested call starts its own bus too.
if [ "${WITH_KEYRING_INNER:-}" != "$$" ]; then
  self=$(readlink -f "${BASH_SOURCE[0]}")
  command -v dbus-run-session >/dev/null ||
    { echo "with-keyring: dbus-run-session not found (package dbus-daemon)" >&2; exit 127; }
  # The marker is the pid of the inner bash (exec keeps it), so a value
  # inherited from anywhere else never matches.
  exec dbus-run-session -- bash -c \
    'export WITH_KEYRING_INNER=$$; exec bash "$0" "$@"' "$self" "$@"
fi
unset WITH_KEYRING_INNER

tmp=$(mktemp -d "${TMPDIR:-/tmp}/clusterdeck-home.XXXXXX") || exit 1
export HOME=$tmp/home XDG_RUNTIME_DIR=$tmp/run
export XDG_CONFIG_HOME=$HOME/.config XDG_DATA_HOME=$HOME/.local/share
export XDG_STATE_HOME=$HOME/.local/state XDG_CACHE_HOME=$HOME/.cache
(umask 077 && mkdir -p "$HOME" "$XDG_RUNTIME_DIR" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" \
  "$XDG_STATE_HOME" "$XDG_CACHE_HOME")
# Whatever the caller's session had must not leak in.
unset GNOME_KEYRING_CONTROL SSH_AUTH_SOCK

# The daemon and gdbus are not under test: G_DEBUG=fatal-warnings, which the
# test programs run with, would make a warning of theirs (gnome-keyring-daemon
# warns as it starts without a login session) a crash of the keyring.
printf '%s' "${KEYRING_PASSWORD:-ci-password}" |
  env -u G_DEBUG gnome-keyring-daemon --foreground --unlock --components=secrets >"$tmp/gkd.log" 2>&1 &
gkd_pid=$!

cleanup() {
  kill "$gkd_pid" 2>/dev/null
  wait "$gkd_pid" 2>/dev/null
  if [ "${WITH_KEYRING_KEEP:-}" = 1 ]; then
    echo "with-keyring: kept $tmp" >&2
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Wait (at most 5 s) until the daemon owns org.freedesktop.secrets.
owned=no
for _ in $(seq 100); do
  if env -u G_DEBUG gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
       --method org.freedesktop.DBus.NameHasOwner org.freedesktop.secrets 2>/dev/null |
       grep -q true; then
    owned=yes
    break
  fi
  kill -0 "$gkd_pid" 2>/dev/null || break
  sleep 0.05
done
if [ $owned != yes ]; then
  echo "with-keyring: gnome-keyring-daemon did not appear on the session bus within 5 s" >&2
  cat "$tmp/gkd.log" >&2
  exit 1
fi

# A program that crashes says where: its core (where the kernel's
# core_pattern puts it, unless that hands it to a program) is read by gdb,
# its stack printed to stderr, and the core removed. A crash that happens one
# run in ten is then found from the first log that shows it.
ulimit -c unlimited 2>/dev/null || true
: >"$tmp/started"
"$@"
status=$?
if [ "$status" -gt 128 ] && command -v gdb >/dev/null; then
  pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null || true)
  case $pattern in
    '|'*|'') core_dir= ;;
    /*) core_dir=$(dirname "$pattern") ;;
    *) core_dir=. ;;
  esac
  if [ -n "$core_dir" ]; then
    find "$core_dir" -maxdepth 1 -type f -name 'core*' -newer "$tmp/started" 2>/dev/null |
      while read -r core; do
        echo "with-keyring: $1 ended with status $status; its threads' stacks, from $core:" >&2
        env -u G_DEBUG gdb -q -batch -nx -ex 'thread apply all bt 40' "$1" "$core" 2>&1 |
          grep -v '^\[New LWP' >&2
        rm -f "$core"
      done
  fi
fi
exit "$status"
