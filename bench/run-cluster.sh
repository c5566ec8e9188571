#!/usr/bin/env bash
# bench/run-cluster.sh [-C BUILDDIR] [-o OUTDIR] [-n ROUNDS] [--tables "10 50 200"]
#                      [--fleet "10 50 200"] [--no-cluster] [--no-fleet]
#
# The real-cluster and fleet benchmarks (docs/performance.md says what each
# figure means and what it is set against):
#
#   bench-cluster --tables T   three real Harper nodes and a fourth to
#                              enable, started by the program itself; one
#                              run per table count T (Review & Apply of
#                              2 x T changes over two peers)
#   bench-fleet --instances N  N simulated instances (bench-fleet-sim), 5 of
#                              them frozen and 3 refusing (1 and 1 below 50)
#
# Each runs in a session of its own: its own X server (xvfb-run), session
# bus and unlocked gnome-keyring (tests/with-keyring.sh), and, as root, a
# private network namespace (tests/ui/in-netns-session.sh, as the UI tests
# run: other programs' Harper nodes are out of reach). Harper is found or
# installed as the tests do (tests/harper/install.sh). Raw output goes to
# OUTDIR/cluster-T.txt and fleet-N.txt, the figures to *.kv. Nothing is
# built here.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
srcroot=$(cd "$here/.." && pwd -P)

builddir=${CLUSTERDECK_BUILD_DIR:-$srcroot/_build}
outdir=
rounds=5
tables="10 50 200"
fleet="10 50 200"
with_cluster=yes
with_fleet=yes

die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case $1 in
    -n) rounds=${2:?}; shift ;;
    -C) builddir=${2:?}; shift ;;
    -o) outdir=${2:?}; shift ;;
    --tables) tables=${2:?}; shift ;;
    --fleet) fleet=${2:?}; shift ;;
    --no-cluster) with_cluster=no ;;
    --no-fleet) with_fleet=no ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (try --help)" ;;
  esac
  shift
done
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "-n wants a positive number"
builddir=$(cd "$builddir" 2>/dev/null && pwd -P) || die "no build directory $builddir"
for b in bench-cluster bench-fleet bench-fleet-sim bench-launch bench-floor; do
  [ -x "$builddir/bench/$b" ] || die "$builddir/bench/$b is not built (meson compile -C $builddir)"
done
[ -n "$outdir" ] || outdir=$builddir/bench-results/$(date +%Y%m%d-%H%M%S)
mkdir -p "$outdir" || die "cannot create $outdir"

export GSK_RENDERER=cairo GDK_BACKEND=x11 GSETTINGS_BACKEND=memory LANG=C.UTF-8 LC_ALL=C.UTF-8
export GSETTINGS_SCHEMA_DIR=$builddir/data
export HARPER_CLUSTER_SCRIPT=$srcroot/tests/harper/harper-cluster.sh
unset GTK_A11Y NO_AT_BRIDGE

# session OUT PROGRAM ARGS... -> OUT (every line), OUT.kv (its key=value lines)
session() {
  local out=$1 rc
  shift
  if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
    bash "$srcroot/tests/ui/in-netns-session.sh" "$@" >"$out" 2>&1
  else
    if [ -z "${HARPER_BIN:-}" ]; then
      HARPER_BIN=$(bash "$srcroot/tests/harper/install.sh") || die "Harper is not installed"
      export HARPER_BIN
    fi
    xvfb-run -a -s "-screen 0 1280x1024x24" bash "$srcroot/tests/with-keyring.sh" "$@" >"$out" 2>&1
  fi
  rc=${PIPESTATUS[0]}
  # in-netns-session.sh turns every line that is not TAP into a comment.
  sed -n 's/^# //; /^[a-z][a-z0-9_.]*=/p' "$out" >"$out.kv"
  echo "exit_status=$rc" >>"$out.kv"
  [ "$rc" = 0 ] || printf '  %s: exit status %s (see %s)\n' "$(basename "$out")" "$rc" "$out"
}

if [ $with_cluster = yes ]; then
  for t in $tables; do
    echo "# bench-cluster --tables $t --rounds $rounds (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    session "$outdir/cluster-$t.txt" "$builddir/bench/bench-cluster" \
      --launch "$builddir/bench/bench-launch" --floor "$builddir/bench/bench-floor" \
      --rounds "$rounds" --tables "$t"
    sed -n 's/^# //; /^Harper .*medians/,/^$/p' "$outdir/cluster-$t.txt"
  done
fi

if [ $with_fleet = yes ]; then
  for n in $fleet; do
    frozen=5 refusing=3
    [ "$n" -ge 50 ] || { frozen=1; refusing=1; }
    echo "# bench-fleet --instances $n (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    session "$outdir/fleet-$n.txt" "$builddir/bench/bench-fleet" \
      --sim "$builddir/bench/bench-fleet-sim" --fixtures "$srcroot/tests/fixtures/hdb" \
      --instances "$n" --frozen "$frozen" --refusing "$refusing" --cycles 3 \
      --apply $((n / 4 > 50 ? 50 : n / 4))
    grep -E '^fleet\.(status\.(normal_last|normal_median|refusing_last|frozen_last)_ms|frames\.(interval|over)|refresh\.cpu|refresh\.requests|memory|apply\.[a-z]+\.apply_ms|apply\.[a-z]+\.most)' \
      "$outdir/fleet-$n.txt.kv" | sed 's/^/  /'
  done
fi
echo "# raw output and key=value files: $outdir"
