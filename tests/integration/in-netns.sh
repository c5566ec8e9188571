#!/usr/bin/env bash
# in-netns.sh PROGRAM [ARGS…]
#
# Runs a test program inside a private network namespace with only `lo` up,
# for real servers that bind every interface (Harper's legacy NATS servers,
# and its stray listener in TLS mode). That needs root; elsewhere the test is
# reported as skipped, with the reason, in TAP.
set -euo pipefail

if [ "$(id -u)" != 0 ]; then
  echo "1..0 # SKIP needs root for a private network namespace (unshare -n); run as root, as CI does"
  exit 0
fi
if ! command -v unshare >/dev/null || ! command -v ip >/dev/null; then
  echo "1..1"
  echo "not ok 1 - unshare (util-linux) and ip (iproute2) are needed for the network-namespace tests"
  exit 1
fi

# Install the Harper under test (HARPER_VERSION, else the baseline) while the
# network is still there: inside the namespace npm could not reach its
# registry, and an install would hang. harper-cluster.sh then finds it in the
# cache (install.sh's fast path).
if [ -z "${HARPER_BIN:-}" ]; then
  srcroot=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
  export CLUSTERDECK_HARPER_CACHE=${CLUSTERDECK_HARPER_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/clusterdeck/harper}
  if ! bash "$srcroot/tests/harper/install.sh" ${HARPER_VERSION:+"$HARPER_VERSION"} >/dev/null; then
    echo "Bail out! tests/harper/install.sh ${HARPER_VERSION:-} failed: Harper (npm harperdb) is not installed"
    exit 1
  fi
fi

exec unshare --net -- bash -c 'ip link set lo up && exec "$@"' in-netns "$@"
