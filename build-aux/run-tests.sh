#!/usr/bin/env bash
# build-aux/run-tests.sh [MESON_TEST_ARGS...]
#
# Sets everything up and runs every test: installs what is missing
# (build-aux/setup.sh), configures and builds `_build` with --werror, then runs
# `meson test` headless (pass "main"); on a full run (no arguments) it then
# builds `_build-asan` (clang, AddressSanitizer + UndefinedBehaviorSanitizer,
# libFuzzer targets) and runs the unit, faults, cli, integration and fuzz
# suites there (pass "sanitizers", its suites named sanitizers:SUITE). Each
# pass runs:
#
#   xvfb-run (private X display)
#     tests/with-keyring.sh (private session bus, fresh HOME and XDG dirs,
#                            unlocked gnome-keyring)
#       meson test -C _build --print-errorlogs --num-processes 2 [MESON_TEST_ARGS]
#
# Tests that need something exclusive are marked is_parallel: false by their
# authors. Tests that need another bus (no secret service, AT-SPI) start it
# themselves inside this one.
#
# The closing line counts TAP subtests, not test programs (meson's own summary
# counts programs): `ok` passed, `not ok` failed, `# SKIP` skipped (each listed
# with its reason above the line). A program that crashed, timed out, bailed
# out, ran fewer subtests than planned or printed no plan counts as (at least)
# one failure; a non-TAP test counts as one. The last line is exactly
#   N passed, N failed            or   N passed, N failed, N skipped
# The exit status is non-zero when anything failed or when no test ran.
# meson's logs stay in _build/meson-logs/ (testlog.txt, testlog.json).
#
# Harper versions: a test that talks to Harper runs once per version of the
# test matrix (tests/harper/versions/matrix.txt; tests/harper/meson.build gives
# it the suite harper-VERSION). The per-suite lines are per version, and every
# FAIL and SKIP line names the version it ran against ("[Harper 4.7.29]").
# Every subtest's result, with its version, is also written to
# _build/meson-logs/subtests.json, from which build-aux/compat-table.py makes
# the matrix of docs/compatibility.md. `--suite harper-4.7.29` runs one version.
# The sanitizer pass runs the Harper tests on the baseline version only.
#
# Extra arguments go to the main pass's `meson test` (e.g. `--suite unit`, a
# test name); the sanitizer pass then runs only if CLUSTERDECK_SANITIZERS=1.
#
# Environment:
#   CLUSTERDECK_BUILD_DIR      build directory (default: _build in the source tree)
#   CLUSTERDECK_TEST_JOBS      meson test --num-processes (default: 2)
#   CLUSTERDECK_TIME_BUDGET    seconds for the whole script (default: 5100 = 85 min);
#                              the test run is stopped in time to print the summary
#   CLUSTERDECK_SANITIZERS     1: run the sanitizer pass, 0: do not (default: 1 on a
#                              full run, 0 when arguments select tests)
#   CLUSTERDECK_SANITIZER_ARGS meson test arguments of the sanitizer pass (default:
#                              the unit, faults, cli, integration and fuzz suites,
#                              Harper tests on the baseline version only)
#   CLUSTERDECK_SANITIZER_MIN_SECONDS  the sanitizer pass is left out (and says so)
#                              when less of the budget is left (default: 1500)
#   CLUSTERDECK_FUZZ_RUNS      how many inputs each fuzz target tries from its
#                              fixed seed (default: per target, tests/fuzz/meson.build)
#   CLUSTERDECK_FUZZ_SECONDS   > 0: fuzz that long from a random seed instead
#                              (exploring by hand; not deterministic)
set -uo pipefail

case ${1:-} in
  -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
esac

started=$EPOCHREALTIME
srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CLUSTERDECK_BUILD_DIR=${CLUSTERDECK_BUILD_DIR:-$srcdir/_build}
builddir=$CLUSTERDECK_BUILD_DIR
jobs=${CLUSTERDECK_TEST_JOBS:-2}
budget=${CLUSTERDECK_TIME_BUDGET:-5100}

secs_since() { # secs_since START -> seconds with one decimal
  local s=${1//[.,]/} e=${EPOCHREALTIME//[.,]/}
  local ds=$(((e - s) / 100000))
  printf '%d.%d' $((ds / 10)) $((ds % 10))
}
python=/usr/bin/python3
[ -x $python ] || python=python3

# Anything that stops us before the tests ran still ends with the summary line.
early_failure() {
  echo "run-tests: $1" >&2
  echo "== wall time $(secs_since "$started") s"
  echo "0 passed, 1 failed"
  exit 1
}

# ------------------------------------------------------- setup and build --
bash "$srcdir/build-aux/setup.sh" --build ||
  early_failure "setup or build failed (see above); no test was run"
build_done=$EPOCHREALTIME

# -------------------------------------------------------------- test run --
# Keep the caller's Harper cache: inside the wrapper HOME is a fresh temp dir,
# and tests/harper/install.sh should find the install setup.sh just made.
export CLUSTERDECK_HARPER_CACHE=${CLUSTERDECK_HARPER_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/clusterdeck/harper}
# Screenshots and other files tests want to keep.
export CLUSTERDECK_ARTIFACT_DIR=${CLUSTERDECK_ARTIFACT_DIR:-$builddir/artifacts}
mkdir -p "$CLUSTERDECK_ARTIFACT_DIR"
# Never open windows on the caller's desktop, never talk to the caller's
# session bus or keyring: xvfb-run sets DISPLAY, with-keyring.sh the bus.
unset WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL SSH_AUTH_SOCK
export GDK_BACKEND=x11 LC_ALL=C.UTF-8
unset LANGUAGE

# Each pass runs `meson test` in one build directory and leaves its
# testlog.json there; the summary reads them all. passes[] holds
# "LABEL|TESTLOG|INTROSPECT|STATUS|TIMEOUT" for the summary.
passes=()
fifo=$(mktemp -u "${TMPDIR:-/tmp}/run-tests-out.XXXXXX")
trap 'rm -f "$fifo"' EXIT

# run_pass LABEL BUILDDIR SECONDS [MESON_TEST_ARGS...]
run_pass() {
  local label=$1 dir=$2 seconds=$3 rc=0 t=$EPOCHREALTIME filter_pid runner_pid
  shift 3
  local logs=$dir/meson-logs
  mkdir -p "$logs"
  rm -f "$logs/testlog.json"
  meson introspect "$dir" --tests >"$logs/run-tests-introspect.json" 2>/dev/null ||
    echo '[]' >"$logs/run-tests-introspect.json"
  [ "$seconds" -lt 10 ] && seconds=10
  echo "== $label: meson test in $dir (up to $jobs at a time, stopped after ${seconds} s)"
  mkfifo "$fifo" || early_failure "cannot create a fifo in ${TMPDIR:-/tmp}"
  # dbus-daemon as root in a container warns about the fd limit on every start.
  (trap '' INT; exec grep --line-buffered -v 'Failed to set fd limit') <"$fifo" &
  filter_pid=$!
  # timeout runs the tree in its own process group and signals all of it.
  timeout -k 30 "$seconds" \
    xvfb-run -a -s "-screen 0 1280x1024x24" \
    bash "$srcdir/tests/with-keyring.sh" \
    meson test -C "$dir" --print-errorlogs --num-processes "$jobs" "$@" \
    >"$fifo" 2>&1 </dev/null &
  runner_pid=$!
  # Ctrl-C or a TERM to this script stops the tests (and so Xvfb, bus, keyring).
  trap 'kill -TERM $runner_pid 2>/dev/null' INT TERM HUP
  wait $runner_pid; rc=$?
  while kill -0 $runner_pid 2>/dev/null; do wait $runner_pid; rc=$?; done
  trap - INT TERM HUP
  wait $filter_pid 2>/dev/null
  rm -f "$fifo"
  echo "== $label: meson test exited with status $rc after $(secs_since "$t") s"
  passes+=("$label|$logs/testlog.json|$logs/run-tests-introspect.json|$rc|$seconds")
}

remaining() { # seconds left of the budget, keeping 60 for the summary
  local now=${EPOCHREALTIME%[.,]*}
  echo $((budget - now + ${started%[.,]*} - 60))
}

tests_started=$EPOCHREALTIME

# Pass 1: every test, in the everyday build.
run_pass main "$builddir" "$(remaining)" "$@"

# Pass 2: the sanitizer and fuzz suites in a clang build with ASan + UBSan and
# libFuzzer targets (tests/sanitizers/env.sh sets the sanitizers' options and
# says why). It runs on a full run (no arguments), or when asked for with
# CLUSTERDECK_SANITIZERS=1; CLUSTERDECK_SANITIZERS=0 leaves it out.
sanitizers=${CLUSTERDECK_SANITIZERS:-}
if [ -z "$sanitizers" ]; then
  if [ $# = 0 ]; then sanitizers=1; else sanitizers=0; fi
fi
# The pass needs its build and about a quarter of an hour on two cores; with
# less of the budget left it is left out, and says so, rather than stopped
# half-way (a stopped test fails).
sanitizer_min=${CLUSTERDECK_SANITIZER_MIN_SECONDS:-1500}
if [ "$sanitizers" = 1 ] && [ "$(remaining)" -lt "$sanitizer_min" ]; then
  echo "run-tests: the sanitizer pass is left out: $(remaining) s are left of the budget, it needs about $sanitizer_min s" >&2
  sanitizers=0
fi
if [ "$sanitizers" = 1 ]; then
  asan_dir=${CLUSTERDECK_ASAN_BUILD_DIR:-$srcdir/_build-asan}
  if CLUSTERDECK_SKIP_APT=1 CLUSTERDECK_ASAN_BUILD_DIR=$asan_dir \
       bash "$srcdir/build-aux/setup.sh" --build-sanitizers; then
    # Each fuzz target tries a fixed number of inputs from a fixed seed
    # after replaying its corpus (tests/fuzz/run-fuzz.sh): a crash found is
    # found on every run, never on one in three.
    (
      . "$srcdir/tests/sanitizers/env.sh"
      # The Harper tests once, on the baseline version: the sanitizers look
      # at our code, which does not change with the server's version (about
      # 20 minutes with the integration suite, measured on two cores).
      other_versions=$(bash "$srcdir/tests/harper/install.sh" --list |
        grep -vx "$(bash "$srcdir/tests/harper/install.sh" --list baseline)" |
        sed 's/^/--no-suite harper-/' | tr '\n' ' ')
      read -r -a sanitizer_args <<<"${CLUSTERDECK_SANITIZER_ARGS:---suite unit --suite faults --suite cli --suite integration --suite fuzz $other_versions--no-suite harper-mixed}"
      run_pass sanitizers "$asan_dir" "$(remaining)" "${sanitizer_args[@]}"
      printf '%s\n' "${passes[@]}" >"$asan_dir/meson-logs/run-tests-passes"
    )
    [ -f "$asan_dir/meson-logs/run-tests-passes" ] &&
      mapfile -t passes <"$asan_dir/meson-logs/run-tests-passes"
    rm -f "$asan_dir/meson-logs/run-tests-passes"
  else
    passes+=("sanitizers|-|-|1|0")
    echo "run-tests: the sanitizer build failed (see above)" >&2
  fi
fi

# ------------------------------------------------------------- summary --
"$python" - "$(secs_since "$started")" "$(secs_since "$build_done")" "${passes[@]}" <<'PY'
import json, os, re, signal, sys

wall, test_wall = sys.argv[1:3]
passes = [p.split("|") for p in sys.argv[3:]]

def load_introspect(path):
    try:
        return json.load(open(path))
    except (OSError, ValueError):
        return []

order = []                     # suites in order of appearance
defined = []

def lookup(pretty):
    """meson names a test 'project:suite1+suite2 / name', or just 'name'.
    Returns the name, the first suite (with the Harper version the test ran
    against, from its suite harper-VERSION), the protocol and the version."""
    name, suites = pretty, []
    if " / " in pretty:
        prefix, name = pretty.split(" / ", 1)
        suites = prefix.split(":", 1)[-1].split("+") if ":" in prefix else []
    cands = [t for t in defined if t["name"] == name]
    if len(cands) > 1 and suites:
        cands = [t for t in cands
                 if [s.split(":", 1)[-1] for s in t.get("suite") or []] == suites] or cands
    t = cands[0] if cands else {}
    if not suites:
        suites = [s.split(":", 1)[-1] for s in t.get("suite") or []]
    harper = next((s[len("harper-"):] for s in suites if s.startswith("harper-")), None)
    suite = suites[0] if suites else "(no suite)"
    if harper:
        suite = f"{suite} (Harper {harper})"
    return name, suite, t.get("protocol"), harper

RE_PLAN = re.compile(r"^1\.\.(\d+)(?:\s*#\s*(?:skip\S*)\s*(.*))?", re.I)
RE_TEST = re.compile(r"^(not ok|ok)\b\s*(\d+)?\s*(?:-\s*)?([^#]*?)\s*(?:#\s*(skip\S*|todo)\b\s*(.*))?$", re.I)
RE_BAIL = re.compile(r"^Bail out!\s*(.*)")

def why_bad(t):
    res, rc = t.get("result"), t.get("returncode")
    if res == "TIMEOUT":
        return "timed out"
    if res == "INTERRUPT":
        return "interrupted"
    if res == "UNEXPECTEDPASS":
        return "passed, but is marked should_fail"
    if isinstance(rc, int) and rc < 0:
        try:
            return f"killed by signal {-rc} ({signal.Signals(-rc).name})"
        except ValueError:
            return f"killed by signal {-rc}"
    if isinstance(rc, int) and rc != 0:
        return f"exit status {rc}"
    return f"meson result {res}"

def last_line(*texts):
    for text in texts:
        lines = [l.strip() for l in (text or "").splitlines() if l.strip()]
        if lines:
            return lines[-1][:200]
    return ""

per_suite = {}
skips, fails = [], []
n_programs = 0
subtests = []                  # every subtest with its Harper version, for compat-table.py

def add(suite, kind, n=1):
    per_suite.setdefault(suite, {"passed": 0, "failed": 0, "skipped": 0})[kind] += n

def subname(test, desc, num, harper=None):
    sub = desc or (f"#{num}" if num else "?")
    full = f"{test}{sub}" if sub.startswith("/") else f"{test}/{sub}"
    return f"{full} [Harper {harper}]" if harper else full

def process_pass(label, testlog, meson_rc, test_timeout):
    global n_programs
    prefix = "" if label == "main" else label + ":"
    records = []
    if os.path.exists(testlog):
        for line in open(testlog, encoding="utf-8", errors="replace"):
            line = line.strip()
            if line:
                try:
                    records.append(json.loads(line))
                except ValueError:
                    fails.append(("(testlog.json)", "unreadable line in testlog.json"))

    for t in records:
        n_programs += 1
        name, suite, protocol, harper = lookup(t.get("name", "?"))
        suite = prefix + suite
        if suite not in order:
            order.append(suite)
        if prefix:
            name = prefix + name
        shown = f"{name} [Harper {harper}]" if harper else name
        res = t.get("result")
        out = t.get("stdout") or ""
        bad = res in ("FAIL", "ERROR", "TIMEOUT", "INTERRUPT", "UNEXPECTEDPASS")
        if protocol is None:       # not in introspection: guess from the output
            protocol = "tap" if re.search(r"^(1\.\.\d+|(not )?ok\b)", out, re.M) else "exitcode"
        if protocol != "tap":
            if res in ("OK", "EXPECTEDFAIL"):
                add(suite, "passed")
            elif res == "SKIP":
                add(suite, "skipped")
                reason = last_line(t.get("stderr"), out) or "exit status 77"
                skips.append((shown, reason))
            else:
                add(suite, "failed")
                fails.append((shown, why_bad(t)))
            continue

        plan = plan_skip = bail = None
        seen = failed_here = 0
        last_ok = None
        for l in out.splitlines():
            m = RE_PLAN.match(l)
            if m and plan is None:
                plan = int(m.group(1))
                plan_skip = m.group(2)
                continue
            m = RE_BAIL.match(l)
            if m:
                bail = m.group(1) or "(no reason)"
                continue
            m = RE_TEST.match(l)
            if not m:
                continue
            seen += 1
            ok = m.group(1).lower() == "ok"
            directive = (m.group(4) or "").lower()
            reason = (m.group(5) or "").strip()
            sub = subname(name, m.group(3).strip(), m.group(2), harper)
            subtests.append({"pass": label, "test": name,
                             "subtest": m.group(3).strip() or f"#{m.group(2)}",
                             "harper": harper,
                             "result": "skip" if directive.startswith("skip") or directive == "todo"
                                       else ("pass" if ok else "fail"),
                             "reason": reason})
            if directive.startswith("skip"):
                add(suite, "skipped")
                skips.append((sub, reason or "no reason given"))
            elif directive == "todo":
                if ok:   # meson counts this as an unexpected pass, so do we
                    add(suite, "failed"); failed_here += 1
                    fails.append((sub, "passed, but is marked TODO"))
                else:    # g_test_incomplete(): known to be unfinished, not a pass
                    add(suite, "skipped")
                    skips.append((sub, "TODO (known incomplete): " + (reason or "no reason given")))
            elif ok:
                add(suite, "passed")
                last_ok = sub
            else:
                add(suite, "failed"); failed_here += 1
                fails.append((sub, "not ok"))

        if seen == 0 and plan == 0:
            add(suite, "skipped")
            skips.append((shown, plan_skip or "TAP plan 1..0 (nothing to run)"))
            if not bad:
                continue
        problems = []
        if bail is not None:
            problems.append(f"Bail out! {bail}")
        if bad and not (failed_here and res == "FAIL"):   # FAIL alone = the not-ok lines
            problems.append(why_bad(t))
        if plan is None and seen > 0:
            problems.append("printed no TAP plan (1..N)")
        elif plan is None and seen == 0 and res != "SKIP":
            problems.append("printed no TAP output")
        elif plan is not None and seen < plan:
            problems.append(f"ran {seen} of {plan} planned subtests"
                            + (f", the last passing one was {last_ok}" if last_ok else ""))
        elif plan is not None and seen > plan:
            problems.append(f"ran {seen} subtests but planned {plan}")
        if res == "SKIP" and seen == 0 and plan != 0:
            add(suite, "skipped")
            skips.append((shown, last_line(t.get("stderr"), out) or "skipped"))
        elif problems and failed_here == 0:
            add(suite, "failed")
            fails.append((shown, "; ".join(problems)))
            subtests.append({"pass": label, "test": name, "subtest": "(program)",
                             "harper": harper, "result": "fail", "reason": "; ".join(problems)})
        elif problems:
            fails.append((shown, "; ".join(problems) + " (counted in its not-ok subtests)"))

    extra = []
    if meson_rc == 124:
        extra.append(f"the test run took longer than {test_timeout} s and was stopped")
    elif not records and meson_rc != 0:
        extra.append(f"meson test exited with status {meson_rc} and wrote no results")
    elif meson_rc != 0 and not any(v["failed"] for v in per_suite.values()):
        extra.append(f"meson test exited with status {meson_rc} although no test failed")
    for e in extra:
        add(prefix + "(runner)", "failed")
        fails.append((prefix + "(runner)", e))


for label, testlog, introspect, meson_rc, test_timeout in passes:
    defined = load_introspect(introspect) if introspect != "-" else []
    if testlog == "-":
        add(label + ":(runner)", "failed")
        fails.append((label, "its build failed; no test of this pass ran"))
        continue
    before = n_programs
    process_pass(label, testlog, int(meson_rc), test_timeout)
    if n_programs == before:
        add(label + ":(runner)", "failed")
        fails.append((label, "no test ran in this pass"))

# Every subtest with its Harper version, next to the first pass's testlog.
if passes and passes[0][1] != "-":
    try:
        with open(os.path.join(os.path.dirname(passes[0][1]), "subtests.json"), "w") as f:
            json.dump(subtests, f, indent=1)
    except OSError:
        pass

passed = sum(v["passed"] for v in per_suite.values())
failed = sum(v["failed"] for v in per_suite.values())
skipped = sum(v["skipped"] for v in per_suite.values())

def line(p, f, s):
    return f"{p} passed, {f} failed" + (f", {s} skipped" if s else "")

print()
print(f"== per suite ({n_programs} test programs)")
suites = [s for s in order if s in per_suite] + sorted(s for s in per_suite if s not in order)
width = max([len(s) for s in suites] + [5])
for s in suites:
    v = per_suite[s]
    print(f"  {s:<{width}}  {line(v['passed'], v['failed'], v['skipped'])}")
if fails:
    print("== failures")
    for what, why in fails:
        print(f"FAIL: {what}: {why}")
if skips:
    print("== skipped")
    for what, why in skips:
        print(f"SKIP: {what}: {why}")
if passed + failed == 0:
    print("run-tests: no test ran")
print(f"== wall time {wall} s (tests {test_wall} s); logs: " + ", ".join(
    os.path.dirname(p[1]) + "/testlog.txt" for p in passes if p[1] != "-"))
print(line(passed, failed, skipped))
sys.exit(1 if failed or passed + failed == 0 else 0)
PY
