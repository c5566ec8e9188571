#!/usr/bin/env bash
# build-aux/screenshots.sh [--check-identical]
#
# Renders every picture of the README, docs/tutorial.md and the metainfo
# into docs/images/, with one command: builds `_build` (build-aux/setup.sh
# --build), then runs tests/ui/tour-screenshots (one story from the empty
# first-run window to a node added from outside the organization) under
# tests/ui/in-netns-session.sh: a private network namespace with its own
# Xvfb, session bus and unlocked keyring. That program starts fresh Harper
# nodes with tests/harper/harper-cluster.sh on fixed ports (node1..3 on
# 127.0.0.1:29100, :29110, :29120, node4 over HTTPS on :29130; the namespace
# keeps them away from any other Harper on this machine), drives the app
# and writes the PNGs.
#
# Fixed for every run: the cairo renderer, Cantarell 11, C.UTF-8, window
# sizes (the main window 1000×700), close-only title buttons, the names
# and ports. The pictures are written to a new directory first and copied
# over docs/images/ only when the whole story went through.
#
#   --check-identical   render twice and say how many pictures of the
#                       second run are byte-identical to the first
#   --a11y              render once with libadwaita's high-contrast style
#                       (ADW_DEBUG_HIGH_CONTRAST=1) and large text (text
#                       scaling 1.5: CLUSTERDECK_TEXT_SCALE) into
#                       _build/screenshots/a11y/, for looking at; docs/images
#                       is not touched (docs/accessibility.md keeps a few)
#   --a11y-wide         the same at 1500×1050 (the tour's size × 1.5, so the
#                       main window does not fold) into
#                       _build/screenshots/a11y-wide/
#
# Needs root (unshare -n), as the ui tests do. Takes 3–6 minutes.
set -uo pipefail

srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
builddir=${CLUSTERDECK_BUILD_DIR:-$srcdir/_build}
images=$srcdir/docs/images
log() { printf 'screenshots: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

twice=no
a11y=no
case ${1:-} in
  --check-identical) twice=yes ;;
  --a11y) a11y=yes ;;
  --a11y-wide) a11y=wide ;;
  "") ;;
  -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  *) die "unknown argument '$1' (see --help)" ;;
esac
[ "$(id -u)" = 0 ] || die "needs root for a private network namespace (unshare -n)"

bash "$srcdir/build-aux/setup.sh" --build >&2 || die "setup or build failed"
ninja -C "$builddir" tests/ui/tour-screenshots data/gschemas.compiled >&2 ||
  ninja -C "$builddir" >&2 || die "build failed"

# The app's icons where GTK looks for them (XDG_DATA_DIRS), as installed
share=$builddir/screenshots/share
mkdir -p "$share/icons/hicolor/scalable/apps" "$share/icons/hicolor/symbolic/apps"
cp "$srcdir/data/icons/io.github.clusterdeck.Clusterdeck.svg" "$share/icons/hicolor/scalable/apps/"
cp "$srcdir/data/icons/io.github.clusterdeck.Clusterdeck-symbolic.svg" "$share/icons/hicolor/symbolic/apps/"

render() { # render DIR: the whole story into DIR
  local out=$1
  rm -rf "$out"
  mkdir -p "$out"
  env XDG_DATA_DIRS="$share:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}" GSK_RENDERER=cairo GDK_BACKEND=x11 GSETTINGS_BACKEND=memory \
      GSETTINGS_SCHEMA_DIR="$builddir/data" LANG=C.UTF-8 LC_ALL=C.UTF-8 \
      G_MESSAGES_DEBUG= GTK_A11Y=test "${look[@]}" \
      HARPER_CLUSTER_SCRIPT="$srcdir/tests/harper/harper-cluster.sh" \
      CLUSTERDECK_SCREENSHOT_DIR="$out" \
      bash "$srcdir/tests/ui/in-netns-session.sh" "$builddir/tests/ui/tour-screenshots" \
      | tee "$out.log" | grep -E '^(ok|not ok|Bail out!|# .*(says|ended|offers|Harper))' >&2
  ! grep -qE '^(not ok|Bail out!)' "$out.log" && grep -q '^ok' "$out.log"
}

look=()
if [ $a11y != no ]; then
  look=(ADW_DEBUG_HIGH_CONTRAST=1 CLUSTERDECK_TEXT_SCALE=1.5)
  dir=a11y
  if [ $a11y = wide ]; then
    look+=(CLUSTERDECK_TOUR_SIZE=1500x1050 CLUSTERDECK_XVFB_SCREEN=1800x1300x24)
    dir=a11y-wide
  fi
  render "$builddir/screenshots/$dir" ||
    die "the story did not go through (see $builddir/screenshots/$dir.log)"
  log "$(ls "$builddir/screenshots/$dir"/*.png | wc -l) pictures in $builddir/screenshots/$dir/"
  exit 0
fi

first=$builddir/screenshots/run1
render "$first" || die "the story did not go through (see $first.log); docs/images is unchanged"
cp "$first"/*.png "$images"/
log "$(ls "$first"/*.png | wc -l) pictures written to docs/images/"

if [ $twice = yes ]; then
  second=$builddir/screenshots/run2
  render "$second" || die "the second run did not go through (see $second.log)"
  same=0 total=0 differ=()
  for f in "$first"/*.png; do
    total=$((total + 1))
    if cmp -s "$f" "$second/$(basename "$f")"; then
      same=$((same + 1))
    else
      differ+=("$(basename "$f")")
    fi
  done
  log "byte-identical on a rerun: $same of $total"
  [ ${#differ[@]} -eq 0 ] || log "differ: ${differ[*]}"
fi
