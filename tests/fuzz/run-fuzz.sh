#!/bin/bash
# run-fuzz.sh TARGET CORPUS_DIR MODE [RUNS]
#
# MODE replay: TARGET is linked with replay-main.c; it replays CORPUS_DIR (TAP).
# MODE libfuzzer: TARGET is a libFuzzer program. Subtest 1 replays CORPUS_DIR
# (-runs=0); subtest 2 fuzzes from a copy of the corpus (new inputs are not
# written back) and prints the number of executions:
#   - by default RUNS inputs (CLUSTERDECK_FUZZ_RUNS overrides it; 0: replay
#     only) from the fixed seed CLUSTERDECK_FUZZ_SEED (default 1): CI's run
#     tries the inputs that runs before it tried (measured: two runs of
#     150,000 inputs take the same mutations; libFuzzer's own bookkeeping
#     shifts them by a few dozen executions), not new ones each time;
#   - with CLUSTERDECK_FUZZ_SECONDS > 0, for that long from a random seed:
#     exploring, by hand, for what the fixed seed does not reach.
# A crash is "not ok" with the input saved under $CLUSTERDECK_ARTIFACT_DIR/fuzz/
# (to be committed to CORPUS_DIR as crash-NAME once the bug is fixed). Prints
# TAP.
set -u
target=$1 corpus=$2 mode=$3 runs=${CLUSTERDECK_FUZZ_RUNS:-${4:-0}}
name=$(basename "$target")

if [ "$mode" = replay ]; then
  exec "$target" "$corpus"
fi

seconds=${CLUSTERDECK_FUZZ_SECONDS:-0}
seed=${CLUSTERDECK_FUZZ_SEED:-1}
norandom=
artifacts=${CLUSTERDECK_ARTIFACT_DIR:-${TMPDIR:-/tmp}}/fuzz
mkdir -p "$artifacts"
work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-$name.XXXXXX")
trap 'rm -rf "$work"' EXIT
log=$work/log
n=0 failed=0

report() { # report OK|NOT DESCRIPTION
  n=$((n + 1))
  if [ "$1" = OK ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi
}

# Leaks are checked by the sanitizer suites; GLib's type system keeps what it
# registers for the life of the process, which libFuzzer's per-input leak
# check would report on the first input.
opts=(-rss_limit_mb=2048 -timeout=20 -max_len=262144 -detect_leaks=0
      -artifact_prefix="$artifacts/$name-")

"$target" "${opts[@]}" -runs=0 "$corpus" >"$log" 2>&1
rc=$?
n_inputs=$(find "$corpus" -type f | wc -l)
if [ $rc -eq 0 ]; then
  report OK "$name: the corpus replays ($n_inputs inputs)"
else
  report NOT "$name: the corpus replays ($n_inputs inputs)"
  tail -n 40 "$log" | sed 's/^/# /'
fi

if [ "$seconds" -gt 0 ] 2>/dev/null; then
  how=(-max_total_time="$seconds") what="fuzzed for $seconds s from a random seed"
elif [ "$runs" -gt 0 ] 2>/dev/null; then
  # Reducing inputs and the entropic schedule weigh what the clock says
  # (an input's execution time): without them a seed and a count of runs
  # take the same mutations on every run (above).
  how=(-seed="$seed" -runs="$runs" -reduce_inputs=0 -entropic=0)
  what="fuzzed $runs inputs from seed $seed"
  # Comparisons of addresses feed the mutator too: the same addresses on
  # every run (no address space randomization) where setarch can.
  if setarch -R true 2>/dev/null; then norandom="setarch -R"; fi
else
  how=()
fi
if [ ${#how[@]} -gt 0 ]; then
  mkdir -p "$work/corpus"
  cp -r "$corpus"/. "$work/corpus/"
  $norandom "$target" "${opts[@]}" "${how[@]}" -print_final_stats=1 "$work/corpus" >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  new=$(( $(find "$work/corpus" -type f | wc -l) - n_inputs ))
  if [ $rc -eq 0 ]; then
    report OK "$name: $what, ${execs:-?} executions, $new new inputs, no crash"
  else
    report NOT "$name: $what: a crash (input saved under $artifacts)"
    grep -E 'ERROR|SUMMARY|artifact|#[0-9]+ ' "$log" | head -n 40 | sed 's/^/# /'
  fi
  echo "# fuzz-executions $name ${execs:-0}"
fi
echo "1..$n"
exit 0
