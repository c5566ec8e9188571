#!/usr/bin/python3
# build-aux/compat-table.py [--log-dir DIR] [--update FILE]
#
# Turns the results of a test run (build-aux/run-tests.sh or .ci/run) into
# the compatibility matrix of docs/compatibility.md: Harper version × engine
# × feature, each cell what the run showed (passed, failed, skipped with the
# reason, or not run on that version), and the restart detection delay per
# version as test-restart-monitor logged it ("# restart-detection: ..."
# lines).
#
# Reads DIR/subtests.json (written by run-tests.sh: every TAP subtest with the
# Harper version it ran against; the main pass's only) and DIR/testlog.json
# (meson's, for the restart lines). DIR defaults to _build/meson-logs; give
# --log-dir more than once to join runs made one version at a time. Prints the Markdown; with
# --update FILE, replaces what FILE has between the lines
# "<!-- compat-table:begin -->" and "<!-- compat-table:end -->" instead.
#
# Run the whole matrix first (bash build-aux/run-tests.sh, or only the Harper
# suites: --suite harper-4.3.0 --suite harper-4.4.18 --suite harper-4.7.29
# --suite harper-mixed); a feature whose tests did not run shows "not run".
import argparse
import json
import os
import re
import statistics
import sys

# (feature, engine, test program, subtest prefixes); a cell sums the subtests
# whose name starts with one of the prefixes (all of the program's when empty).
FEATURES = [
    ("Install, start, stop (test harness)", "-", "harper-fixture", ["/harper-fixture/plain"]),
    ("Restart as the harness sees it", "-", "harper-fixture", ["/harper-fixture/restart"]),
    ("Operations API over HTTPS, certificate pinned", "-", "hdb-netns", ["/hdb/tls/"]),
    ("libhdb calls and the native flow", "native", "hdb-native", []),
    ("Restart followed to its end (monitor)", "-", "restart-monitor",
     ["/restart/back-quickly", "/restart/http-workers"]),
    ("Restart never counted early (old server still answers)", "-", "restart-monitor",
     ["/restart/old-still-answers"]),
    ("Restart that does not come back: timeout, what was written, keep waiting", "-",
     "restart-monitor", ["/restart/timeout", "/restart/cancel"]),
    ("Enable (set_configuration + restart)", "native", "engine",
     ["/engine/native/enable", "/engine/native/names-and-urls"]),
    ("Connect, data flows, wrong password, disconnect", "native", "engine",
     ["/engine/native/connect", "/engine/native/disconnect", "/engine/native/cancel"]),
    ("Change set → plan → apply (publish/subscribe toggles, drift, paused peer)", "native",
     "applier", []),
    ("A mesh of three in full replication converted as one unit", "native", "applier-mesh", []),
    ("Core jobs: enable, connect with missing tables, apply, disconnect", "native", "jobs", []),
    ("Missing databases and tables created", "native", "schema-diff", []),
    ("Enable refused where the version has no native replication", "native", "engine-nats",
     ["/engine/native/refused"]),
    ("libhdb on NATS nodes (routes, add/update/remove_node)", "NATS", "hdb-netns",
     ["/hdb/nats/"]),
    ("Bad NATS ports refused before anything is written", "NATS", "engine-nats",
     ["/engine/nats/ports-refused"]),
    ("Enable (role, cluster user, clustering, restart)", "NATS", "engine-nats",
     ["/engine/nats/enable"]),
    ("Connect, toggles through the applier, disconnect", "NATS", "engine-nats",
     ["/engine/nats/connect", "/engine/nats/apply", "/engine/nats/subscribe-again",
      "/engine/nats/disconnect"]),
    ("Enable refused where the package ships no nats-server", "NATS", "engine-nats",
     ["/engine/nats/refused"]),
    ("CLI: instances, status", "native", "cli", []),
    ("CLI: set, plan, apply, history", "native", "cli-replication", []),
    ("CLI: HTTPS and instance trust", "native", "cli-tls", []),
    ("UI: instances, Overview, trust, unreachable", "native", "ui-instances", []),
    ("UI: enable panel, restart progress, connect, disconnect", "native", "ui-replication", []),
    ("UI: Tables grid, Review & Apply, Undo, drift", "native", "ui-grid-apply", []),
    ("UI over AT-SPI: toggle, review, apply", "native", "ui-atspi-grid", []),
]

MIXED = ("mixed", "Mixed cluster (rolling upgrade): enable, connect, toggle, disconnect")

RESTART_RE = re.compile(r"restart-detection: version=(\S+) answered_after_s=([0-9.]+) lag_ms=(-?[0-9.]+)")


def version_key(v):
    return tuple(int(x) if x.isdigit() else 0 for x in v.split("."))


def cell(results):
    if not results:
        return "not run"
    passed = sum(1 for r in results if r["result"] == "pass")
    failed = [r for r in results if r["result"] == "fail"]
    skipped = [r for r in results if r["result"] == "skip"]
    if failed:
        return f"**failed** ({len(failed)} of {len(results)})"
    if passed == 0 and skipped:
        reason = skipped[0].get("reason") or "skipped"
        reason = re.sub(r"\s+", " ", reason)
        if len(reason) > 110:
            reason = reason[:107] + "…"
        return f"refused/skipped: {reason}"
    text = f"passed ({passed})"
    if skipped:
        text += f", {len(skipped)} skipped"
    return text


def main():
    ap = argparse.ArgumentParser(description="The compatibility matrix of a test run.")
    ap.add_argument("--log-dir", action="append")
    ap.add_argument("--update", metavar="FILE")
    args = ap.parse_args()

    log_dirs = args.log_dir or [os.path.join(os.path.dirname(__file__), "..", "_build",
                                             "meson-logs")]
    subtests = []
    for d in log_dirs:
        with open(os.path.join(d, "subtests.json")) as f:
            subtests += [s for s in json.load(f) if s.get("pass", "main") == "main"]
    versions = sorted({s["harper"] for s in subtests if s.get("harper") and s["harper"] != "mixed"},
                      key=version_key)

    out = []
    out.append("| Feature | Engine | " + " | ".join(versions) + " |")
    out.append("| --- | --- | " + " | ".join("---" for _ in versions) + " |")
    for label, engine, test, prefixes in FEATURES:
        row = []
        for v in versions:
            results = [s for s in subtests if s["test"] == test and s.get("harper") == v and
                       (not prefixes or any(s["subtest"].startswith(p) for p in prefixes))]
            row.append(cell(results))
        out.append(f"| {label} | {engine} | " + " | ".join(row) + " |")

    mixed = [s for s in subtests if s["test"] == MIXED[0]]
    out.append("")
    out.append(f"{MIXED[1]}: {cell(mixed)}.")

    # Restart detection delay per version.
    lags = {}
    for d in log_dirs:
        testlog = os.path.join(d, "testlog.json")
        if not os.path.exists(testlog):
            continue
        for line in open(testlog, encoding="utf-8", errors="replace"):
            try:
                record = json.loads(line)
            except ValueError:
                continue
            for m in RESTART_RE.finditer(record.get("stdout") or ""):
                lags.setdefault(m.group(1), []).append((float(m.group(2)), float(m.group(3))))
    if lags:
        out.append("")
        out.append("| Harper | restarts | answering again after (s) | "
                   "detection delay, median (ms) | worst (ms) |")
        out.append("| --- | --- | --- | --- | --- |")
        for v in sorted(lags, key=version_key):
            answered = [a for a, _ in lags[v]]
            delays = [d for _, d in lags[v]]
            out.append(f"| {v} | {len(delays)} | {min(answered):.1f}–{max(answered):.1f} | "
                       f"{statistics.median(delays):.0f} | {max(delays):.0f} |")

    text = "\n".join(out) + "\n"
    if not args.update:
        sys.stdout.write(text)
        return 0
    doc = open(args.update, encoding="utf-8").read()
    begin, end = "<!-- compat-table:begin -->", "<!-- compat-table:end -->"
    if begin not in doc or end not in doc:
        print(f"{args.update} has no {begin} … {end} section", file=sys.stderr)
        return 1
    head, rest = doc.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(args.update, "w", encoding="utf-8") as f:
        f.write(head + begin + "\n" + text + end + tail)
    return 0


if __name__ == "__main__":
    sys.exit(main())
