#!/usr/bin/env bash
# bench/run.sh [-n N] [-C BUILDDIR] [-r cairo|gl] [-o OUTDIR] [--no-scroll] [--no-grid]
#              [--sizes "1000 100000"] [--callgrind] [--no-cluster] [--no-fleet]
#              [--tables "10 50 200"] [--fleet "10 50 200"]
#
# Runs every benchmark and prints medians (docs/performance.md says what
# each figure means and what it was compared with):
#
#   bench-plan                       once (it repeats its own timing)
#   bench-floor                      the floor: header bar + label
#   bench-floor --rows 10000         the floor: a bare 10,000-row column view
#   bench-grid --floor               the same bare column view in bench-grid's
#                                    harness (filter and scroll figures)
#   bench-grid                       the replication grid, 10,000 rows
#   the same three at each of --sizes rows (1,000 and 100,000; scrolling
#   100,000 rows ten pages a step)
#   --callgrind: bench-grid and its floor once more under valgrind's
#                                    callgrind, for instruction counts per
#                                    phase that the neighbours' load does
#                                    not change
#   bench/run-cluster.sh             the real-cluster benchmark (three
#                                    Harper nodes, --tables sizes) and the
#                                    fleet (--fleet sizes), unless
#                                    --no-cluster / --no-fleet
#
# The GTK programs run on one Xvfb of our own (a free display, -displayfd),
# each run in its own dbus-run-session (as the floor was measured), with a
# throw-away HOME shared by the runs, GDK_BACKEND=x11 and
# GSK_RENDERER=cairo (-r gl for GL, llvmpipe under Xvfb). Each is started
# by bench-launch, which takes the exec timestamp. One warm-up round is
# discarded, then N rounds (default 5) run the four programs in turn, so
# that a noisy neighbour hits all of them alike: compare within one run,
# quote ratios.
#
# Build first (nothing is built here):
#   meson setup _build && meson compile -C _build
# Raw outputs go to OUTDIR (default BUILDDIR/bench-results/DATE).
#
# Environment: CLUSTERDECK_BUILD_DIR (default _build in the source tree).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
srcroot=$(cd "$here/.." && pwd -P)

rounds=5
builddir=${CLUSTERDECK_BUILD_DIR:-$srcroot/_build}
renderer=cairo
outdir=
grid_args=()
with_grid=yes
sizes="1000 100000"
with_callgrind=no
cluster_args=()

die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case $1 in
    -n) rounds=${2:?}; shift ;;
    -C) builddir=${2:?}; shift ;;
    -r) renderer=${2:?}; shift ;;
    -o) outdir=${2:?}; shift ;;
    --no-scroll) grid_args+=(--no-scroll) ;;
    --no-grid) with_grid=no ;;
    --sizes) sizes=${2?}; shift ;;
    --callgrind) with_callgrind=yes ;;
    --no-cluster|--no-fleet) cluster_args+=("$1") ;;
    --tables|--fleet) cluster_args+=("$1" "${2:?}"); shift ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (try --help)" ;;
  esac
  shift
done
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "-n wants a positive number"

builddir=$(cd "$builddir" 2>/dev/null && pwd -P) || die "no build directory $builddir (meson setup it first)"
plan=$builddir/bench/bench-plan
grid=$builddir/bench/bench-grid
floor=$builddir/bench/bench-floor
launch=$builddir/bench/bench-launch
for b in "$plan" "$floor" "$launch"; do
  [ -x "$b" ] || die "$b is not built (meson compile -C $builddir)"
done
if [ $with_grid = yes ] && [ ! -x "$grid" ]; then
  die "$grid is not built (meson compile -C $builddir), or use --no-grid"
fi
for tool in Xvfb dbus-run-session awk; do
  command -v "$tool" >/dev/null || die "$tool not found (packages xvfb, dbus-daemon, gawk or mawk)"
done

[ -n "$outdir" ] || outdir=$builddir/bench-results/$(date +%Y%m%d-%H%M%S)
mkdir -p "$outdir" || die "cannot create $outdir"
outdir=$(cd "$outdir" && pwd -P)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/clusterdeck-bench.XXXXXX") || die "mktemp failed"
xvfb_pid=
cleanup() {
  if [ -n "$xvfb_pid" ]; then
    kill "$xvfb_pid" 2>/dev/null
    wait "$xvfb_pid" 2>/dev/null
  fi
  rm -rf -- "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ machine --
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
{
  echo "date=$(date -Iseconds)"
  echo "cores=$(nproc)"
  echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  echo "mem_total_kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)"
  echo "os=$( (. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME") ) debian_version=$(cat /etc/debian_version 2>/dev/null)"
  echo "kernel=$(uname -r)"
  echo "gtk4=$(pkg-config --modversion gtk4 2>/dev/null)"
  echo "libadwaita=$(pkg-config --modversion libadwaita-1 2>/dev/null)"
  echo "glib=$(pkg-config --modversion glib-2.0 2>/dev/null)"
  echo "xvfb=$(dpkg-query -W -f '${Version}' xvfb 2>/dev/null)"
  echo "mesa=$(dpkg-query -W -f '${Version}' libgl1-mesa-dri 2>/dev/null)"
  echo "renderer_requested=$renderer"
  echo "rounds=$rounds"
  echo "git=$(git -C "$srcroot" rev-parse --short HEAD 2>/dev/null)"
  echo "loadavg_start=$(loadavg)"
} >"$outdir/machine.kv"
sed 's/^/# /' "$outdir/machine.kv"

# --------------------------------------------------------------------- plan --
echo "# bench-plan"
"$plan" >"$outdir/plan.txt" 2>"$outdir/plan.err" || echo "bench-plan: exit status $? (see $outdir/plan.err)"
sed -n '1,/^$/p' "$outdir/plan.txt"

# ---------------------------------------------------------------------- X --
mkdir -p "$tmp/home" "$tmp/run"
chmod 700 "$tmp/run"
Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp -noreset 3>"$tmp/display" 2>"$tmp/xvfb.log" &
xvfb_pid=$!
for _ in $(seq 100); do
  [ -s "$tmp/display" ] && break
  kill -0 "$xvfb_pid" 2>/dev/null || { cat "$tmp/xvfb.log" >&2; die "Xvfb did not start"; }
  sleep 0.05
done
[ -s "$tmp/display" ] || die "Xvfb gave no display number within 5 s"
display=:$(head -1 "$tmp/display")

# gtk_run LABEL ROUND PROGRAM [ARGS...] -> OUTDIR/LABEL.ROUND.{out,err,kv}
gtk_run() {
  local label=$1 round=$2 base
  shift 2
  base=$outdir/$label.$round
  env -u WAYLAND_DISPLAY -u GTK_A11Y -u NO_AT_BRIDGE \
    DISPLAY="$display" GDK_BACKEND=x11 GSK_RENDERER="$renderer" \
    GSETTINGS_BACKEND=memory LANG=C.UTF-8 LC_ALL=C.UTF-8 \
    HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/.config" XDG_CACHE_HOME="$tmp/home/.cache" \
    XDG_DATA_HOME="$tmp/home/.local/share" XDG_RUNTIME_DIR="$tmp/run" \
    timeout 600 dbus-run-session -- "$launch" "$@" >"$base.out" 2>"$base.err"
  local rc=$?
  # The floor prints one line of key=value words; bench-grid prints lines.
  grep -E '^[a-z_.0-9]+=' "$base.out" | tr ' ' '\n' | grep -E '^[a-z_.0-9]+=' >"$base.kv"
  echo "exit_status=$rc" >>"$base.kv"
  [ $rc -eq 0 ] || printf '  %s round %s: exit status %d (see %s.err)\n' "$label" "$round" "$rc" "$base"
}

# --no-grid runs only the floor program (bench-grid, which also holds the
# column-view floor, is not needed then).
labels=(floor-bare floor-10k)
[ $with_grid = yes ] && labels+=(colview-floor grid)
for size in $sizes; do
  [[ $size =~ ^[1-9][0-9]*$ ]] && [ $((size % 200)) = 0 ] || die "--sizes wants multiples of 200 rows"
  labels+=("floor-$size")
  [ $with_grid = yes ] && labels+=("colview-floor-$size" "grid-$size")
done

# grid_size_args ROWS: bench-grid's options for ROWS rows (200 tables a
# peer); 100,000 rows scroll ten pages a step, not to take ten minutes.
grid_size_args() {
  local rows=$1
  printf '%s\n' --peers $((rows / 200))
  [ "$rows" -lt 100000 ] || printf '%s\n' --scroll-step 10
}

one_round() {
  local round=$1 label
  for label in "${labels[@]}"; do
    case $label in
      floor-bare) gtk_run "$label" "$round" "$floor" ;;
      floor-10k) gtk_run "$label" "$round" "$floor" --rows 10000 ;;
      colview-floor) gtk_run "$label" "$round" "$grid" --floor "${grid_args[@]}" ;;
      grid) gtk_run "$label" "$round" "$grid" "${grid_args[@]}" ;;
      floor-*) gtk_run "$label" "$round" "$floor" --rows "${label#floor-}" ;;
      colview-floor-*)
        mapfile -t size_args < <(grid_size_args "${label#colview-floor-}")
        gtk_run "$label" "$round" "$grid" --floor "${size_args[@]}" "${grid_args[@]}" ;;
      grid-*)
        mapfile -t size_args < <(grid_size_args "${label#grid-}")
        gtk_run "$label" "$round" "$grid" "${size_args[@]}" "${grid_args[@]}" ;;
    esac
  done
}

echo "# GTK programs on Xvfb $display, GSK_RENDERER=$renderer: 1 warm-up round + $rounds rounds"
started=$SECONDS
one_round warmup
for r in $(seq "$rounds"); do
  one_round "$r"
  printf '#   round %d/%d done (%d s)\n' "$r" "$rounds" $((SECONDS - started))
done
echo "loadavg_end=$(loadavg)" >>"$outdir/machine.kv"
echo "# load average at start $(sed -n 's/^loadavg_start=//p' "$outdir/machine.kv"), at end $(loadavg)"

# ------------------------------------------------------------------ medians --
# LABEL.median.kv: key=median, key.min=, key.max= over the numbered rounds;
# text values are kept when every round agrees.
summarize() {
  local label=$1
  awk -F= '
    FNR == 1 { nfiles++ }
    {
      key = $1; val = substr ($0, length ($1) + 2)
      if (!(key in seen)) { seen[key] = 1; order[++nkeys] = key }
      if (val ~ /^-?[0-9]+(\.[0-9]+)?$/) { n[key]++; v[key, n[key]] = val + 0 }
      else if (!(key in text)) text[key] = val
      else if (text[key] != val) text[key] = "(varies)"
    }
    END {
      for (k = 1; k <= nkeys; k++) {
        key = order[k]
        if (n[key] == 0) { print key "=" text[key]; continue }
        m = n[key]
        for (i = 1; i <= m; i++) a[i] = v[key, i]
        for (i = 2; i <= m; i++) { x = a[i]; j = i - 1; while (j > 0 && a[j] > x) { a[j + 1] = a[j]; j-- } a[j + 1] = x }
        med = (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
        printf "%s=%.2f\n%s.min=%.2f\n%s.max=%.2f\n%s.n=%d\n", key, med, key, a[1], key, a[m], key, m
      }
    }' $(for r in $(seq "$rounds"); do echo "$outdir/$label.$r.kv"; done)
}
for l in "${labels[@]}"; do
  summarize "$l" >"$outdir/$l.median.kv"
done

get() { # get LABEL KEY -> the median (or the text)
  awk -v k="$2" 'index ($0, k "=") == 1 { print substr ($0, length (k) + 2); exit }' \
    "$outdir/$1.median.kv" 2>/dev/null
}
range() { # range LABEL KEY -> "min-max"
  printf '%s-%s' "$(get "$1" "$2.min")" "$(get "$1" "$2.max")"
}
row() { # row NAME LABEL KEY [DIVISOR] (1024 turns kB into MiB)
  local name=$1 label=$2 key=$3 div=${4:-1} med lo hi
  med=$(get "$label" "$key")
  [ -n "$med" ] || { printf '  %-46s %12s\n' "$name" "-"; return; }
  lo=$(get "$label" "$key.min"); hi=$(get "$label" "$key.max")
  awk -v n="$name" -v m="$med" -v l="$lo" -v h="$hi" -v d="$div" \
    'BEGIN { printf "  %-46s %10.1f  (%.1f-%.1f)\n", n, m / d, l / d, h / d }'
}
ratio() { # ratio NAME LABEL_A KEY_A LABEL_B KEY_B
  local a b
  a=$(get "$2" "$3"); b=$(get "$4" "$5")
  [ -n "$a" ] && [ -n "$b" ] || return
  awk -v n="$1" -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "  %-46s %10.2f x\n", n, a / b }'
}

print_kv() {
  echo
  echo "# machine-readable medians: $outdir/*.median.kv; raw runs: $outdir/<label>.<round>.{out,err,kv}"
  for l in "${labels[@]}"; do
    grep -v -E '\.(min|max|n)=' "$outdir/$l.median.kv" | sed "s/^/$l./"
  done
  grep -E '^plan\.' "$outdir/plan.txt"
}

echo
echo "Medians over $rounds rounds (min-max); ms unless marked MiB. GSK renderer: $(get floor-10k renderer)"
echo "floor (bare window, header bar + label)"
row "exec -> first frame" floor-bare first_paint_ms
row "peak RSS at first frame (VmHWM), MiB" floor-bare vmhwm_kb 1024
echo "floor (bare 10,000-row column view)"
row "exec -> first frame" floor-10k first_paint_ms
row "peak RSS at first frame (VmHWM), MiB" floor-10k vmhwm_kb 1024
# The real-cluster and fleet benchmarks, after the GTK programs (their
# Harper nodes would weigh on the GTK figures).
run_cluster() {
  [ ${#cluster_args[@]} -gt 0 ] && [[ " ${cluster_args[*]} " == *" --no-cluster "* ]] &&
    [[ " ${cluster_args[*]} " == *" --no-fleet "* ]] && return
  echo
  echo "# real cluster and fleet (bench/run-cluster.sh)"
  bash "$here/run-cluster.sh" -C "$builddir" -o "$outdir" -n "$rounds" "${cluster_args[@]}"
  echo "loadavg_cluster_end=$(loadavg)" >>"$outdir/machine.kv"
}
[ $with_grid = yes ] || { print_kv; run_cluster; exit 0; }
echo "bare column view in bench-grid's harness (10,000 rows)"
row "model build" colview-floor grid.model_build_ms
row "exec -> first frame" colview-floor grid.exec_to_first_frame_ms
row "gtk_window_present -> first frame" colview-floor grid.present_to_first_frame_ms
row "peak RSS at first frame, MiB" colview-floor grid.maxrss_first_frame_kb 1024
row "CPU time at first frame (process)" colview-floor grid.cpu_to_first_frame_ms
row "widgets in the column view (count)" colview-floor grid.widgets
row "filter to 1 % -> painted" colview-floor grid.filter_ms
row "  CPU time" colview-floor grid.filter_cpu_ms
row "clear filter -> painted" colview-floor grid.clear_ms
row "  CPU time" colview-floor grid.clear_cpu_ms
row "scroll: frame interval median" colview-floor grid.scroll_interval_ms_median
row "scroll: frame interval p95" colview-floor grid.scroll_interval_ms_p95
row "scroll: frame interval max" colview-floor grid.scroll_interval_ms_max
row "scroll: step work median" colview-floor grid.scroll_step_work_ms_median
row "scroll: step work p95" colview-floor grid.scroll_step_work_ms_p95
row "scroll: CPU time per step" colview-floor grid.scroll_cpu_ms_per_step
row "peak RSS at exit (after scrolling), MiB" colview-floor grid.peak_rss_kb 1024
{
  echo "Clusterdeck replication grid (10,000 rows: 50 peers x 200 tables)"
  row "model build (deck_replication_model_build)" grid grid.model_build_ms
  row "exec -> first frame" grid grid.exec_to_first_frame_ms
  row "gtk_window_present -> first frame" grid grid.present_to_first_frame_ms
  row "RSS before the model, MiB" grid grid.rss_before_model_kb 1024
  row "RSS after model and widgets, MiB" grid grid.rss_after_model_kb 1024
  row "peak RSS at first frame, MiB" grid grid.maxrss_first_frame_kb 1024
  row "PSS at first frame, MiB" grid grid.pss_first_frame_kb 1024
  row "CPU time at first frame (process)" grid grid.cpu_to_first_frame_ms
  row "widgets in the column view (count)" grid grid.widgets
  row "filter to 1 % -> painted" grid grid.filter_ms
  row "  of which the call" grid grid.filter_call_ms
  row "  CPU time" grid grid.filter_cpu_ms
  row "clear filter -> painted" grid grid.clear_ms
  row "  of which the call" grid grid.clear_call_ms
  row "  CPU time" grid grid.clear_cpu_ms
  row "scroll: frame interval median" grid grid.scroll_interval_ms_median
  row "scroll: frame interval p95" grid grid.scroll_interval_ms_p95
  row "scroll: frame interval max" grid grid.scroll_interval_ms_max
  row "scroll: frames over 25 ms (count)" grid grid.scroll_frames_over_25ms
  row "scroll: step work median" grid grid.scroll_step_work_ms_median
  row "scroll: step work p95" grid grid.scroll_step_work_ms_p95
  row "scroll: set_value (binds rows) median" grid grid.scroll_set_value_ms_median
  row "scroll: CPU time per step" grid grid.scroll_cpu_ms_per_step
  row "peak RSS at exit (after scrolling), MiB" grid grid.peak_rss_kb 1024
  echo "ratios (grid / floor, same run)"
  ratio "exec -> first frame / floor 10k" grid grid.exec_to_first_frame_ms floor-10k first_paint_ms
  ratio "exec -> first frame / floor bare" grid grid.exec_to_first_frame_ms floor-bare first_paint_ms
  ratio "peak RSS at first frame / floor 10k" grid grid.maxrss_first_frame_kb floor-10k vmhwm_kb
  ratio "CPU at first frame / bare column view" grid grid.cpu_to_first_frame_ms colview-floor grid.cpu_to_first_frame_ms
  ratio "filter / bare column view" grid grid.filter_ms colview-floor grid.filter_ms
  ratio "filter CPU / bare column view" grid grid.filter_cpu_ms colview-floor grid.filter_cpu_ms
  ratio "clear / bare column view" grid grid.clear_ms colview-floor grid.clear_ms
  ratio "scroll step work median / bare column view" grid grid.scroll_step_work_ms_median colview-floor grid.scroll_step_work_ms_median
  ratio "scroll CPU per step / bare column view" grid grid.scroll_cpu_ms_per_step colview-floor grid.scroll_cpu_ms_per_step
  ratio "scroll frame interval p95 / bare column view" grid grid.scroll_interval_ms_p95 colview-floor grid.scroll_interval_ms_p95
}

# Growth: the same figures at the other sizes, each against the bare
# column view of the same size.
for size in $sizes; do
  echo "growth: $size rows (grid, then bare column view; ratio)"
  for key in grid.model_build_ms grid.cpu_to_first_frame_ms grid.exec_to_first_frame_ms \
             grid.maxrss_first_frame_kb grid.filter_cpu_ms grid.clear_cpu_ms \
             grid.scroll_cpu_ms_per_step grid.peak_rss_kb; do
    a=$(get "grid-$size" "$key"); b=$(get "colview-floor-$size" "$key")
    [ -n "$a" ] && [ -n "$b" ] || continue
    awk -v k="$key" -v a="$a" -v b="$b" 'BEGIN {
      d = (k ~ /_kb$/) ? 1024 : 1
      printf "  %-34s %10.1f %10.1f %8.2f x\n", k, a / d, b / d, (b > 0 ? a / b : 0) }'
  done
  row "  peak RSS, bare floor program, MiB" "floor-$size" vmhwm_kb 1024
done

# Callgrind: instructions per phase, for grid and floor (one run each)
if [ $with_callgrind = yes ]; then
  if command -v valgrind >/dev/null; then
    echo "callgrind: instructions per phase (10,000 rows, 3 filter/clear pairs; millions)"
    for mode in grid floor; do
      extra=(); [ $mode = floor ] && extra=(--floor)
      rm -f "$outdir/callgrind.$mode".*
      env -u WAYLAND_DISPLAY -u GTK_A11Y -u NO_AT_BRIDGE \
        DISPLAY="$display" GDK_BACKEND=x11 GSK_RENDERER="$renderer" \
        GSETTINGS_BACKEND=memory LANG=C.UTF-8 LC_ALL=C.UTF-8 \
        HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/run" \
        dbus-run-session -- valgrind --tool=callgrind \
        --callgrind-out-file="$outdir/callgrind.$mode.%p" \
        "$grid" "${extra[@]}" --no-scroll --filter-runs 3 >"$outdir/callgrind.$mode.out" 2>&1
      for f in "$outdir/callgrind.$mode".*.*; do
        printf '%s %s\n' "$(sed -n 's/^desc: Trigger: Client Request: //p' "$f")" \
          "$(sed -n 's/^summary: //p' "$f")"
      done | awk -v m=$mode '{ s[$1] += $2 } END { for (k in s) printf "callgrind.%s.%s_ir=%.0f\n", m, k, s[k] }' \
        >"$outdir/callgrind.$mode.kv"
    done
    for phase in first-frame filter clear; do
      awk -F= -v p="$phase" '
        FILENAME ~ /grid.kv$/ && $1 == "callgrind.grid." p "_ir" { g = $2 }
        FILENAME ~ /floor.kv$/ && $1 == "callgrind.floor." p "_ir" { f = $2 }
        END { if (f > 0) printf "  %-20s grid %8.0f  floor %8.0f  %6.2f x\n", p, g / 1e6, f / 1e6, g / f }' \
        "$outdir/callgrind.grid.kv" "$outdir/callgrind.floor.kv"
    done
  else
    echo "callgrind: valgrind not found (package valgrind)"
  fi
fi

print_kv
[ $with_callgrind = yes ] && cat "$outdir"/callgrind.*.kv 2>/dev/null
run_cluster
