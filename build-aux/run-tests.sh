#!/usr/bin/env bash
# build-aux/run-tests.sh [MESON_TEST_ARGS...]
#
# Sets everything up and runs every test: installs what is missing
# (build-aux/setup.sh), configures and builds `_build` with --werror, then runs
# `meson test` headless:
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
# Extra arguments go to `meson test` (e.g. `--suite unit`, a test name).
#
# Environment:
#   CLUSTERDECK_BUILD_DIR      build directory (default: _build in the source tree)
#   CLUSTERDECK_TEST_JOBS      meson test --num-processes (default: 2)
#   CLUSTERDECK_TIME_BUDGET    seconds for the whole script (default: 5100 = 85 min);
#                              the test run is stopped in time to print the summary
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

logdir=$builddir/meson-logs
testlog=$logdir/testlog.json
mkdir -p "$logdir"
rm -f "$testlog"
meson introspect "$builddir" --tests >"$logdir/run-tests-introspect.json" 2>/dev/null ||
  echo '[]' >"$logdir/run-tests-introspect.json"

test_timeout=$((budget - ${build_done%[.,]*} + ${started%[.,]*} - 60))
[ $test_timeout -lt 10 ] && test_timeout=10

echo "== meson test (up to $jobs at a time, stopped after ${test_timeout} s)"
tests_started=$EPOCHREALTIME
fifo=$(mktemp -u "${TMPDIR:-/tmp}/run-tests-out.XXXXXX")
mkfifo "$fifo" || early_failure "cannot create a fifo in ${TMPDIR:-/tmp}"
trap 'rm -f "$fifo"' EXIT
# dbus-daemon as root in a container warns about the fd limit on every start.
(trap '' INT; exec grep --line-buffered -v 'Failed to set fd limit') <"$fifo" &
filter_pid=$!
# timeout runs the tree in its own process group and signals all of it.
timeout -k 30 "$test_timeout" \
  xvfb-run -a -s "-screen 0 1280x1024x24" \
  bash "$srcdir/tests/with-keyring.sh" \
  meson test -C "$builddir" --print-errorlogs --num-processes "$jobs" "$@" \
  >"$fifo" 2>&1 </dev/null &
runner_pid=$!
# Ctrl-C or a TERM to this script stops the tests (and so Xvfb, bus, keyring).
trap 'kill -TERM $runner_pid 2>/dev/null' INT TERM HUP
rc=0
wait $runner_pid; rc=$?
while kill -0 $runner_pid 2>/dev/null; do wait $runner_pid; rc=$?; done
trap - INT TERM HUP
wait $filter_pid 2>/dev/null
rm -f "$fifo"
echo "== meson test exited with status $rc after $(secs_since "$tests_started") s"

# ------------------------------------------------------------- summary --
"$python" - "$testlog" "$logdir/run-tests-introspect.json" "$rc" "$test_timeout" \
  "$(secs_since "$started")" "$(secs_since "$build_done")" <<'PY'
import json, os, re, signal, sys

testlog, introspect, meson_rc, test_timeout, wall, test_wall = sys.argv[1:7]
meson_rc = int(meson_rc)

try:
    defined = json.load(open(introspect))
except (OSError, ValueError):
    defined = []
order = []                     # suites in definition order
for t in defined:
    for s in t.get("suite") or []:
        s = s.split(":", 1)[-1]
        if s not in order:
            order.append(s)

def lookup(pretty):
    """meson names a test 'project:suite1+suite2 / name', or just 'name'."""
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
    return name, (suites[0] if suites else "(no suite)"), t.get("protocol")

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

def add(suite, kind, n=1):
    per_suite.setdefault(suite, {"passed": 0, "failed": 0, "skipped": 0})[kind] += n

def subname(test, desc, num):
    sub = desc or (f"#{num}" if num else "?")
    return f"{test}{sub}" if sub.startswith("/") else f"{test}/{sub}"

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
    name, suite, protocol = lookup(t.get("name", "?"))
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
            skips.append((name, reason))
        else:
            add(suite, "failed")
            fails.append((name, why_bad(t)))
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
        sub = subname(name, m.group(3).strip(), m.group(2))
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
        skips.append((name, plan_skip or "TAP plan 1..0 (nothing to run)"))
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
        skips.append((name, last_line(t.get("stderr"), out) or "skipped"))
    elif problems and failed_here == 0:
        add(suite, "failed")
        fails.append((name, "; ".join(problems)))
    elif problems:
        fails.append((name, "; ".join(problems) + " (counted in its not-ok subtests)"))

extra = []
if meson_rc == 124:
    extra.append(f"the test run took longer than {test_timeout} s and was stopped")
elif not records and meson_rc != 0:
    extra.append(f"meson test exited with status {meson_rc} and wrote no results")
elif meson_rc != 0 and not any(v["failed"] for v in per_suite.values()):
    extra.append(f"meson test exited with status {meson_rc} although no test failed")
for e in extra:
    add("(runner)", "failed")
    fails.append(("(runner)", e))

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
print(f"== wall time {wall} s (tests {test_wall} s); logs: {os.path.dirname(testlog)}/testlog.txt")
print(line(passed, failed, skipped))
sys.exit(1 if failed or passed + failed == 0 else 0)
PY
