#!/bin/bash
# run-fuzz.sh TARGET CORPUS_DIR MODE
#
# MODE replay: TARGET is linked with replay-main.c; it replays CORPUS_DIR (TAP).
# MODE libfuzzer: TARGET is a libFuzzer program. Subtest 1 replays CORPUS_DIR
# (-runs=0); subtest 2, when CLUSTERDECK_FUZZ_SECONDS > 0, fuzzes for that long
# from a copy of the corpus (new inputs are not written back) and prints the
# number of executions. A crash is "not ok" with the input saved under
# $CLUSTERDECK_ARTIFACT_DIR/fuzz/ (to be committed to CORPUS_DIR as crash-NAME
# once the bug is fixed). Prints TAP.
set -u
target=$1 corpus=$2 mode=$3
name=$(basename "$target")

if [ "$mode" = replay ]; then
  exec "$target" "$corpus"
fi

seconds=${CLUSTERDECK_FUZZ_SECONDS:-0}
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
  mkdir -p "$work/corpus"
  cp -r "$corpus"/. "$work/corpus/"
  "$target" "${opts[@]}" -max_total_time="$seconds" -print_final_stats=1 \
    "$work/corpus" >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  new=$(( $(find "$work/corpus" -type f | wc -l) - n_inputs ))
  if [ $rc -eq 0 ]; then
    report OK "$name: fuzzed for $seconds s, ${execs:-?} executions, $new new inputs, no crash"
  else
    report NOT "$name: fuzzed for $seconds s: a crash (input saved under $artifacts)"
    grep -E 'ERROR|SUMMARY|artifact|#[0-9]+ ' "$log" | head -n 40 | sed 's/^/# /'
  fi
  echo "# fuzz-executions $name ${execs:-0}"
fi
echo "1..$n"
exit 0
