#!/usr/bin/env bash
# build-aux/setup.sh [--build]
#
# Makes a Debian 12 machine ready to build, run and test Clusterdeck. It is
# idempotent: it asks dpkg which packages are missing and installs only those
# (one `apt-get update`, then `apt-get install --no-install-recommends`), using
# sudo when it is not run as root. Then it runs tests/harper/install.sh --all, when
# that exists, to install every pinned harperdb of the test matrix from npm
# (tests/harper/versions/matrix.txt).
#
# With --build it also configures and builds the `_build` directory, with the
# options CI uses (see configure_build below: an existing build directory is
# reused when it has them, wiped otherwise). run-tests.sh and run-app.sh
# both build through this, so the two never fight over `_build`'s options.
# With --build-sanitizers it configures and builds `_build-asan` instead: clang,
# AddressSanitizer + UndefinedBehaviorSanitizer, and the fuzz targets as
# libFuzzer programs (-Dfuzzing=true), for the sanitizer and fuzz suites.
#
# It never removes packages. Recommends stay off on purpose: flatpak-builder
# recommends xdg-desktop-portal and xdg-desktop-portal-gtk, which every GTK
# test app would then D-Bus-activate (slower starts, noisy logs).
#
# Environment:
#   CLUSTERDECK_BUILD_DIR   build directory (default: _build in the source tree)
#   CLUSTERDECK_ASAN_BUILD_DIR  sanitizer build directory (default: _build-asan)
#   CLUSTERDECK_SKIP_APT=1  do not check or install packages
set -uo pipefail

srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
builddir=${CLUSTERDECK_BUILD_DIR:-$srcdir/_build}
# Options every build of `_build` gets (CI builds with -Werror); keep
# has_wanted_options below in step.
meson_setup_args=(--werror)
meson_env=()

started=$EPOCHREALTIME
log() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }
elapsed() { # elapsed START -> seconds, two decimals
  local s=${1//[.,]/} e=${EPOCHREALTIME//[.,]/}
  local cs=$(((e - s) / 10000))
  printf '%d.%02d' $((cs / 100)) $((cs % 100))
}

do_build=no
for arg in "$@"; do
  case $arg in
    --build) do_build=yes ;;
    --build-sanitizers)
      do_build=yes
      builddir=${CLUSTERDECK_ASAN_BUILD_DIR:-$srcdir/_build-asan}
      meson_setup_args=(--werror -Db_sanitize=address,undefined -Db_lundef=false
                        -Dfuzzing=true)
      meson_env=(CC=clang)
      ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$arg' (try --help)" ;;
  esac
done

# ---------------------------------------------------------------- packages --
packages=(
  # build
  build-essential meson ninja-build pkg-config gettext
  # the sanitizer build and the fuzz targets (libFuzzer, ASan/UBSan runtimes)
  clang libclang-rt-14-dev
  libglib2.0-dev libglib2.0-dev-bin libglib2.0-bin
  libgtk-4-dev libadwaita-1-dev libsoup-3.0-dev libjson-glib-dev libsecret-1-dev
  # keyring, session bus, headless display, accessibility
  libsecret-tools gnome-keyring dbus dbus-daemon xvfb xauth
  at-spi2-core python3-gi gir1.2-atspi-2.0 gir1.2-gtk-4.0
  # the keyboard-only test's window manager (hands the focus back when a
  # dialog closes, as a desktop does; tests/ui/openbox-rc.xml)
  openbox
  # the SVG loader for GTK's icons: without it GTK warns, and the UI tests run
  # with G_DEBUG=fatal-warnings
  librsvg2-common
  # data and packaging checks, screenshots
  desktop-file-utils appstream flatpak-builder imagemagick fonts-cantarell jq
  # the command line's man page, rendered by its test
  groff-base man-db
  # Harper test clusters: downloads, network namespaces, process tools
  ca-certificates curl iproute2 util-linux procps
  # a test program that crashes prints its stack (tests/with-keyring.sh)
  gdb
)
# node v20 + npm may come from outside apt (nodesource, nvm...); only fall back
# to Debian's packages when there is no node at all.
if ! command -v node >/dev/null 2>&1; then
  packages+=(nodejs npm)
elif ! command -v npm >/dev/null 2>&1; then
  packages+=(npm)
fi

is_installed() {
  [ "$(dpkg-query -W -f '${db:Status-Abbrev}' "$1" 2>/dev/null)" = "ii " ]
}

install_packages() {
  local missing=() p t
  t=$EPOCHREALTIME
  command -v dpkg-query >/dev/null 2>&1 ||
    die "dpkg-query not found: this script sets up Debian 12 (or a derivative) only."
  # One dpkg-query for all of them (one call per package costs ~10 ms each).
  local present
  present=" $(dpkg-query -W -f '${db:Status-Abbrev}${Package}\n' "${packages[@]}" 2>/dev/null |
             sed -n 's/^ii *//p' | tr '\n' ' ') "
  for p in "${packages[@]}"; do
    [[ $present == *" $p "* ]] || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "all ${#packages[@]} packages present ($(elapsed "$t") s)"
  else
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
      if ! command -v sudo >/dev/null 2>&1; then
        die "missing packages: ${missing[*]}
       Not root and no sudo: run this script as root, or install them with
       apt-get install --no-install-recommends ${missing[*]}"
      fi
      # No terminal (CI, a pipe): sudo must not wait for a password.
      if [ -t 0 ]; then sudo=(sudo); else sudo=(sudo -n); fi
      log "installing with sudo: ${missing[*]}"
    else
      log "installing: ${missing[*]}"
    fi
    export DEBIAN_FRONTEND=noninteractive
    # An unreachable third-party source makes `update` fail while Debian's own
    # indexes are fine; the install below decides.
    "${sudo[@]}" apt-get update </dev/null ||
      log "warning: apt-get update reported errors; trying the install anyway"
    "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}" </dev/null ||
      die "apt-get install failed for: ${missing[*]}"
    for p in "${missing[@]}"; do
      is_installed "$p" || die "package $p is still not installed"
    done
    log "installed ${#missing[@]} package(s) in $(elapsed "$t") s"
  fi
  for p in xdg-desktop-portal xdg-desktop-portal-gtk; do
    if is_installed "$p"; then
      log "note: $p is installed; GTK test programs will D-Bus-activate it" \
          "(slower, noisy). It is not needed here; this script does not remove it."
    fi
  done
}

# tests/harper/install.sh (owned by the Harper test fixture) installs every
# pinned harperdb of the test matrix (tests/harper/versions/) into a cache
# outside the tree and prints the paths of their harperdb.js. A failure is
# reported but not fatal: only the integration tests and the demo cluster need
# Harper, and they say so themselves.
harper_ok=yes
install_harper() {
  local script=$srcdir/tests/harper/install.sh t=$EPOCHREALTIME paths
  if [ ! -f "$script" ]; then
    log "tests/harper/install.sh not present yet: no Harper install (coming)"
    return 0
  fi
  if paths=$(bash "$script" --all </dev/null) && [ -n "$paths" ]; then
    log "harperdb $(bash "$script" --list | tr '\n' ' ')($(elapsed "$t") s):"
    printf '%s\n' "$paths" | sed 's/^/setup:   /'
  else
    harper_ok=no
    log "WARNING: tests/harper/install.sh --all failed: the Harper integration tests and" \
        "the demo cluster cannot run (see its messages above)"
  fi
}

# ------------------------------------------------------------------- build --
# Configure the build directory with meson_setup_args. An existing one is
# reused (reconfigured) when meson can still read it and its options already
# are what meson_setup_args asks for (other options a developer set are kept);
# otherwise (other options, an older meson, not a build directory at all) it
# is wiped and set up fresh.
has_wanted_options() {
  meson introspect "$builddir" --buildoptions 2>/dev/null | /usr/bin/python3 -c '
import json, sys
opts = {o["name"]: o["value"] for o in json.load(sys.stdin)}
want = {"werror": True}
for arg in sys.argv[1:]:
    if arg.startswith("-D") and "=" in arg:
        name, value = arg[2:].split("=", 1)
        want[name] = {"true": True, "false": False}.get(value, value)
sys.exit(0 if all(opts.get(k) == v for k, v in want.items()) else 1)' "${meson_setup_args[@]}"
}

configure_build() {
  local t=$EPOCHREALTIME
  if [ -f "$builddir/meson-private/coredata.dat" ] && has_wanted_options &&
     env "${meson_env[@]}" meson setup --reconfigure "${meson_setup_args[@]}" "$builddir" "$srcdir" \
       >"$builddir/setup.log" 2>&1; then
    log "reconfigured $builddir ($(elapsed "$t") s)"
    return 0
  fi
  if [ -e "$builddir" ]; then
    # Only ever delete something that is recognisably a build directory.
    if [ -d "$builddir/meson-private" ] || [ -f "$builddir/setup.log" ] ||
       [ -z "$(ls -A "$builddir" 2>/dev/null)" ]; then
      log "wiping $builddir (not configured with: ${meson_setup_args[*]}, or from another meson)"
      rm -rf -- "$builddir"
    else
      log "$builddir exists and is not a build directory; refusing to delete it"
      return 1
    fi
  fi
  mkdir -p "$builddir"
  if ! env "${meson_env[@]}" meson setup "${meson_setup_args[@]}" "$builddir" "$srcdir" \
       >"$builddir/setup.log" 2>&1; then
    tail -n 20 "$builddir/setup.log" >&2
    log "meson setup failed (whole log: $builddir/setup.log)"
    return 1
  fi
  log "configured $builddir with: ${meson_env[*]}${meson_env[*]:+ }meson setup ${meson_setup_args[*]} ($(elapsed "$t") s)"
}

build() {
  local t=$EPOCHREALTIME
  configure_build || return 1
  t=$EPOCHREALTIME
  if ! ninja -C "$builddir" >"$builddir/build.log" 2>&1; then
    # Show the compiler's messages, without ninja's progress lines.
    grep -v '^\[[0-9]*/[0-9]*\] ' "$builddir/build.log" >&2
    log "build failed (log: $builddir/build.log)"
    return 1
  fi
  log "built $builddir ($(elapsed "$t") s)"
}

if [ "${CLUSTERDECK_SKIP_APT:-}" = 1 ]; then
  log "CLUSTERDECK_SKIP_APT=1: not checking packages"
else
  install_packages
fi
install_harper
rc=0
if [ $do_build = yes ]; then
  build || rc=1
fi
if [ $harper_ok = yes ]; then
  log "done in $(elapsed "$started") s"
else
  log "done in $(elapsed "$started") s, but the Harper install FAILED"
fi
exit $rc
