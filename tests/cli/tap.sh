# shellcheck shell=bash
# tests/cli/tap.sh: what the clusterdeck-cli test scripts share; sourced by
# test-cli.sh, test-cli-tls.sh and test-cli-replication.sh.
#
# The TAP helpers are tests/data/tap.sh's (ok, not_ok, check, diag, tap_done:
# numbered results, the plan printed last, exit 0 so that meson reads each
# "not ok" as a failure and keeps ERROR for a script that broke). This adds:
#
#   need_fresh_xdg             bail out unless run through tests/with-keyring.sh
#   cli_base_dir NAME          a fresh temporary directory Harper can live in
#   start_nodes BASE N FIRST_PORT [VAR=VALUE...]
#                              start N Harper nodes into BASE/cluster, another
#                              port range when one is in use; stopped and BASE
#                              deleted on exit
#   strip_console              Harper's console output without colours and logo
#   requested_version          the Harper version under test (HARPER_VERSION as
#                              meson set it, else the matrix's baseline); after
#                              start_nodes, HARPER_VERSION is what the nodes say
#
# Environment: HARPER_CLUSTER_SCRIPT (set by meson), else the one in the tree;
# HARPER_VERSION (set by meson per version of the matrix).

cli_tests_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# In the sanitizer build, LeakSanitizer's tracer (clang 14's runtime, Debian
# 12's glibc) may crash at exit ("Tracer caught signal 11") reading the
# dynamic TLS of a module GIO loaded (libgiolibproxy, for the D-Bus
# connection): it depends on the heap's layout, so a longer password in the
# environment was enough. Without intercepting __tls_get_addr the dynamic
# TLS ranges are not scanned; no leak shows up for it.
if [ -n "${ASAN_OPTIONS:-}" ]; then
  export ASAN_OPTIONS=$ASAN_OPTIONS:intercept_tls_get_addr=0
fi
cluster_script=${HARPER_CLUSTER_SCRIPT:-$cli_tests_dir/../harper/harper-cluster.sh}
requested_version=${HARPER_VERSION:-$(bash "$(dirname "$cluster_script")/install.sh" --role baseline 2>/dev/null)}
# shellcheck source-path=SCRIPTDIR source=../data/tap.sh
. "$cli_tests_dir/../data/tap.sh"

need_fresh_xdg ()
{
  local d
  for d in "${XDG_CONFIG_HOME:-}" "${XDG_STATE_HOME:-}"; do
    if [ -z "$d" ] || [[ $d != /tmp/* && $d != "${TMPDIR:-/tmp}"/* ]]; then
      echo "Bail out! run me through tests/with-keyring.sh (fresh XDG dirs and keyring)"
      exit 1
    fi
  done
}

# cli_base_dir NAME: mktemp -d under $TMPDIR (or /tmp), named NAME-XXXXXX.
#
# The path must hold only letters, digits and / _ : - (no dot). Harper 4.4.18
# checks rootPath, componentsRoot, logging.root and storage.path against
# /^[\\\/]$|([\\\/a-zA-Z_0-9\:-]+)+$/, several times per start and install.
# That pattern backtracks exponentially over a run of those characters that
# ends in any other character: with mktemp's usual "NAME.XXXXXX" the run is
# "/tmp/NAME", and each extra character doubles the time. A 25-character run
# costs about 13 s of CPU per node start; "/tmp/clusterdeck-cli-repl-test" (30)
# costs minutes, and the nodes never answer within harper-cluster.sh's 120 s.
cli_base_dir ()
{
  local parent=${TMPDIR:-/tmp}
  parent=$(cd "$parent" 2>/dev/null && pwd -P) || parent=/tmp
  [[ $parent =~ ^[/A-Za-z0-9_:-]+$ ]] || parent=/tmp
  [[ $1 =~ ^[A-Za-z0-9_:-]+$ ]] || { echo "Bail out! cli_base_dir: bad name '$1'"; exit 1; }
  mktemp -d "$parent/$1-XXXXXX"
}

strip_console ()
{
  sed 's/\x1b\[[0-9;]*m//g' | grep -a '[[:alnum:]]'
}

# start_nodes BASE N FIRST_PORT [VAR=VALUE...]: harper-cluster.sh start N
# BASE/cluster with the given environment (e.g. HARPER_REPLICATION=0); the
# base port is FIRST_PORT + k * 50, k chosen from the pid, and another one
# when harper-cluster.sh exits 3 (a port of the range is in use). The log is
# BASE/start.log. On failure prints "not ok" with the log's tail and returns 1;
# on success sources BASE/cluster/cluster.env (HARPER_NODE1_URL, ...).
# Either way the nodes are stopped and BASE is deleted when the script exits.
start_nodes ()
{
  local base=$1 n=$2 first=$3 attempt port rc=1
  shift 3
  # shellcheck disable=SC2064
  trap "\"\$cluster_script\" stop '$base/cluster' >/dev/null 2>&1; rm -rf '$base'" EXIT
  for attempt in 0 1 2 3 4 5 6 7; do
    port=$((first + (($$ + attempt * 7) % 40) * 50))
    env HARPER_BASE_PORT="$port" "$@" "$cluster_script" start "$n" "$base/cluster" \
      >"$base/start.log" 2>&1
    rc=$?
    [ $rc = 3 ] || break
    rm -rf "$base/cluster"
  done
  if [ $rc != 0 ]; then
    not_ok "start $n Harper node(s) (harper-cluster.sh exit status $rc)" \
      "$(strip_console <"$base/start.log" | tail -n 30)"
    return 1
  fi
  # shellcheck disable=SC1091
  . "$base/cluster/cluster.env"
  if [ -n "$requested_version" ] && [ "$HARPER_VERSION" != "$requested_version" ]; then
    not_ok "the nodes run Harper $HARPER_VERSION, but $requested_version was asked for"
    return 1
  fi
}
