#!/usr/bin/env bash
# test-cli-tls.sh CLI_BINARY
#
# clusterdeck-cli and a real Harper 4.4.18 node served over HTTPS with its
# own self-signed certificate: `instance add` reports the fingerprint and the
# hint, `instance trust --yes` pins it, and the pinned instance answers.
# Run through tests/integration/in-netns.sh (Harper's TLS mode also listens on
# all interfaces, quirk Q1) and tests/with-keyring.sh. Prints TAP.
set -uo pipefail

cli=$1
here=$(cd "$(dirname "$0")" && pwd)
cluster_script=${HARPER_CLUSTER_SCRIPT:-$here/../harper/harper-cluster.sh}
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do printf "%s\n" "$l" | sed "s/^/# /"; done; }

base=$(mktemp -d "${TMPDIR:-/tmp}/clusterdeck-cli-tls.XXXXXX")
cleanup() { "$cluster_script" stop "$base/cluster" >/dev/null 2>&1; rm -rf "$base"; }
trap cleanup EXIT

# Exit status 3 of harper-cluster.sh means a port of the range is in use: try another.
rc=1
for port in 28400 28450 28500 28550 28600 28650 28700 28750; do
  HARPER_BASE_PORT=$port HARPER_TLS=1 "$cluster_script" start 1 "$base/cluster" >"$base/start.log" 2>&1
  rc=$?
  [ $rc = 3 ] || break
  rm -rf "$base/cluster"
done
if [ $rc != 0 ]; then
  echo "1..1"
  echo "not ok 1 - start a Harper node over HTTPS"
  sed 's/^/# /' "$base/start.log" | tail -20
  exit 1
fi
# shellcheck disable=SC1091
. "$base/cluster/cluster.env"
echo "# Harper $HARPER_VERSION over HTTPS at $HARPER_NODE1_URL, started in ${HARPER_START_SECONDS}s"
echo "1..5"

"$cli" org add Secure >/dev/null
out=$(CLUSTERDECK_PASSWORD=$HARPER_PASS "$cli" instance add --org Secure --name tls1 --url "$HARPER_NODE1_URL" --username "$HARPER_USER" </dev/null 2>&1); rc=$?
if [ $rc = 1 ] && grep -q 'not trusted' <<<"$out" && grep -q 'instance trust tls1' <<<"$out" \
   && grep -Eq '([0-9A-F]{2}:){31}[0-9A-F]{2}' <<<"$out"; then
  ok "instance add over self-signed HTTPS: saved, untrusted, fingerprint and hint shown (exit 1)"
else
  not_ok "instance add over HTTPS (rc $rc)" "$out"
fi
fingerprint=$(grep -Eo '([0-9A-F]{2}:){31}[0-9A-F]{2}' <<<"$out" | head -1)

out=$(echo n | "$cli" instance trust tls1 2>&1); rc=$?
if [ $rc = 1 ] && grep -q 'Not trusted' <<<"$out" && grep -q 'Subject:' <<<"$out" && grep -q 'Valid until:' <<<"$out"; then
  ok "instance trust shows fingerprint, subject and validity, and answering no pins nothing"
else
  not_ok "instance trust, answered no (rc $rc)" "$out"
fi

out=$("$cli" instance trust tls1 --yes 2>&1); rc=$?
if [ $rc = 0 ] && grep -q "$fingerprint" <<<"$out" && grep -q 'Harper 4.4.18' <<<"$out"; then
  ok "instance trust --yes pins the certificate and the instance answers"
else
  not_ok "instance trust --yes (rc $rc)" "$out"
fi

out=$("$cli" --json instance list)
if /usr/bin/python3 -c 'import json,sys
d=json.loads(sys.argv[1]); fp=sys.argv[2].replace(":","").lower()
assert d[0]["pinned_certificate"] == fp, d' "$out" "$fingerprint"; then
  ok "the pin is stored with the instance"
else
  not_ok "stored pin" "$out"
fi

out=$("$cli" status tls1 2>&1); rc=$?
if [ $rc = 0 ] && grep -q reachable <<<"$out"; then ok "status of the pinned instance"; else not_ok "status (rc $rc)" "$out"; fi

echo "# $n checks, $failed failed"
[ $failed = 0 ]
