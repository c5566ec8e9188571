#!/usr/bin/env bash
# test-cli-tls.sh CLI_BINARY
#
# clusterdeck-cli and two real Harper nodes (HARPER_VERSION) served over HTTPS
# with their own self-signed certificates: `instance add` reports the fingerprint and the
# hint, `instance trust --yes` pins it, and the pinned instance answers.
# Then native connect to the pinned peer: refused, with nothing added, while
# the peer's configuration names another node's listener as its replication
# URL; with its own URL, the connect says first what trust it extends, and
# goes through; the connected node's reissued certificate (same key) is
# followed, so that the next process still reaches it.
# Then `instance trust --clear` asks, forgets the pin, and the certificate is
# refused again. Then plain http://: a login to an address that is not the
# loopback (one the namespace gives lo) is warned about once, without
# failing; one to 127.0.0.1 is not.
# Run through tests/integration/in-netns.sh (Harper's TLS mode also listens on
# all interfaces, quirk Q1) and tests/with-keyring.sh. Prints TAP.
set -uo pipefail

cli=$1
# shellcheck source-path=SCRIPTDIR source=tap.sh
. "$(dirname "$0")/tap.sh"

need_fresh_xdg
base=$(cli_base_dir clusterdeck-cli-tls)
start_nodes "$base" 2 28400 HARPER_TLS=1 || tap_done
echo "# Harper $HARPER_VERSION over HTTPS at $HARPER_NODE1_URL, started in ${HARPER_START_SECONDS}s"

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
if [ $rc = 0 ] && grep -q "$fingerprint" <<<"$out" && grep -qF "Harper $HARPER_VERSION" <<<"$out"; then
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

# Native connect to a pinned peer ------------------------------------------------
harper() { # harper URL JSON: one operation, as the admin, certificate unchecked
  curl -sk -u "$HARPER_USER:$HARPER_PASS" -H 'Content-Type: application/json' "$1" -d "$2"
}

export CLUSTERDECK_PASSWORD=$HARPER_PASS
# The nodes are configured for replication already (the fixture's TLS
# layout): what enabling them with the app would add is the cluster user,
# a super user under the organization's default name on each node.
export CLUSTERDECK_CLUSTER_PASSWORD=Tls-Cluster-Pass-7
out=$("$cli" instance add --org Secure --name tls2 --url "$HARPER_NODE2_URL" --username "$HARPER_USER" </dev/null 2>&1)
fingerprint2=$(grep -Eo '([0-9A-F]{2}:){31}[0-9A-F]{2}' <<<"$out" | head -1)
out=$( { "$cli" instance trust tls2 --yes &&
         for url in "$HARPER_NODE1_URL" "$HARPER_NODE2_URL"; do
           harper "$url" "{\"operation\":\"add_user\",\"role\":\"super_user\",\"username\":\"cluster_user\",\"password\":\"$CLUSTERDECK_CLUSTER_PASSWORD\",\"active\":true}" &&
             echo || exit 1
         done; } </dev/null 2>&1); rc=$?
if [ $rc = 0 ] && [ -n "$fingerprint2" ] && [ "$(grep -c 'successfully added' <<<"$out")" = 2 ]; then
  ok "tls2 added and pinned, the cluster user on both nodes"
else
  not_ok "set-up of tls2 (rc $rc)" "$out"
fi
node_records() { # node_records URL: the names in system.hdb_nodes, one line
  harper "$1" '{"operation":"search_by_value","database":"system","table":"hdb_nodes","search_attribute":"name","search_value":"*","get_attributes":["name"]}' |
    /usr/bin/python3 -c 'import json,sys; print(",".join(sorted(r.get("name","?") for r in json.load(sys.stdin))))'
}
set_repl_url() { harper "$HARPER_NODE2_URL" "{\"operation\":\"set_configuration\",\"replication_url\":\"$1\"}" >/dev/null; }

# node2 names node1's listener (another certificate) as its replication URL.
set_repl_url "$HARPER_NODE1_REPL_URL"
out=$("$cli" connect tls1 tls2 </dev/null 2>&1); rc=$?
records1=$(node_records "$HARPER_NODE1_URL")
records2=$(node_records "$HARPER_NODE2_URL")
records="node1: [$records1], node2: [$records2]"
if [ $rc = 1 ] && grep -qF "$HARPER_NODE1_REPL_URL presents the certificate" <<<"$out" \
   && grep -qF "not the one you pinned (SHA-256 $fingerprint2)" <<<"$out" \
   && grep -q 'Nothing was sent' <<<"$out" \
   && ! grep -qE "$HARPER_NODE2_NAME|127\.0\.0\.1" <<<"$records1" \
   && ! grep -qE "$HARPER_NODE1_NAME|127\.0\.0\.1" <<<"$records2"; then
  ok "connect to a pinned peer whose replication URL presents another certificate: refused (exit 1), nothing added"
else
  not_ok "connect with another certificate at the replication URL (rc $rc, node records: $records)" "$out"
fi

set_repl_url "$HARPER_NODE2_REPL_URL"
pin_before=$("$cli" --json instance list | /usr/bin/python3 -c 'import json,sys; print([i for i in json.load(sys.stdin) if i["name"]=="tls1"][0]["pinned_certificate"])')
out=$("$cli" connect tls1 tls2 </dev/null 2>&1); rc=$?
trust_line="“tls1” will accept the certificate SHA-256 $fingerprint2 for $HARPER_NODE2_REPL_URL without a certificate authority"
if [ $rc = 0 ] && grep -qF "$trust_line" <<<"$out" && grep -q '^Connected' <<<"$out" \
   && [ "$(grep -nF "$trust_line" <<<"$out" | cut -d: -f1)" -lt "$(grep -n '^Connected' <<<"$out" | cut -d: -f1)" ]; then
  ok "connect to the pinned peer: the trust it extends said first, then connected (exit 0)"
else
  not_ok "connect to the pinned peer (rc $rc)" "$out"
fi

pin_after=$("$cli" --json instance list | /usr/bin/python3 -c 'import json,sys; print([i for i in json.load(sys.stdin) if i["name"]=="tls1"][0]["pinned_certificate"])')
if [ "$pin_after" = "$pin_before" ]; then
  ok "tls1 keeps its certificate after the connect # the pin had nothing to follow"
elif grep -q 'a new certificate with the same key' <<<"$out"; then
  ok "Harper reissued tls1's certificate (same key): the connect said so and the pin followed it"
else
  not_ok "tls1's pin changed without a word" "$out"
fi
out=$("$cli" status tls1 2>&1); rc=$?
if [ $rc = 0 ] && grep -q reachable <<<"$out"; then
  ok "a new process still reaches tls1 after the connect"
else
  not_ok "status of tls1 after the connect (rc $rc)" "$out"
fi

# Forgetting a pin ---------------------------------------------------------------
# pin: the stored pin of tls1, "null" when none
pin() { "$cli" --json instance list | jq -r '.[] | select(.name == "tls1") | .pinned_certificate'; }
# The pin as stored now (the connect above may have moved it to a reissued
# certificate), and as the CLI shows it.
want_pin=$(pin)
fingerprint=$(sed -E 's/(..)/\1:/g; s/:$//' <<<"$want_pin" | tr 'a-f' 'A-F')
out=$(echo n | "$cli" instance trust tls1 --clear 2>&1); rc=$?
[ $rc = 1 ] && grep -q "$fingerprint" <<<"$out" && grep -q 'Kept' <<<"$out" && [ "$(pin)" = "$want_pin" ]
check "instance trust --clear shows the pin and asks; answering no keeps it (exit 1)" $? "exit $rc" "$out"
out=$("$cli" instance trust tls1 --clear --yes 2>&1); rc=$?
[ $rc = 0 ] && grep -q 'Forgotten' <<<"$out" && [ "$(pin)" = null ]
check "instance trust --clear --yes forgets the pin (exit 0)" $? "exit $rc" "$out" "pin: $(pin)"
out=$("$cli" status tls1 2>&1); rc=$?
[ $rc = 1 ] && grep -q 'not trusted' <<<"$out"
check "without the pin the self-signed certificate is refused again" $? "exit $rc" "$out"
out=$("$cli" instance trust tls1 --clear 2>&1 </dev/null); rc=$?
[ $rc = 0 ] && grep -q 'nothing to clear' <<<"$out"
check "instance trust --clear with no pin: nothing to clear (exit 0)" $? "exit $rc" "$out"

# ------------------------------------------------------------------ http://
# An address of this namespace that is not the loopback: a login to it would
# cross a network. Nothing listens on port 9: refused at once.
ip addr add 192.0.2.77/32 dev lo
out=$(CLUSTERDECK_PASSWORD=$HARPER_PASS "$cli" instance add --org Secure --name plain \
      --url http://192.0.2.77:9 --username "$HARPER_USER" </dev/null 2>&1); rc=$?
[ $rc = 1 ] && grep -q '^Added instance' <<<"$out" && [ "$(grep -c 'in clear' <<<"$out")" = 1 ]
check "instance add over http:// to another host: warned once that the password crosses in clear, not stopped" $? \
  "exit $rc" "$out"
out=$("$cli" --json status plain 2>&1 >/dev/null); rc=$?
[ $rc = 1 ] && [ "$(jq -r 'select(.warning) | .warning.code' <<<"$out" | grep -c in-clear)" = 1 ]
check "status --json over http:// to another host: one JSON warning (code in-clear)" $? "exit $rc" "$out"
out=$(CLUSTERDECK_PASSWORD=$HARPER_PASS "$cli" instance add --org Secure --name loop \
      --url http://127.0.0.1:9 --username "$HARPER_USER" </dev/null 2>&1); rc=$?
[ $rc = 1 ] && ! grep -q 'in clear' <<<"$out"
check "instance add over http:// to 127.0.0.1: no warning (the loopback is no network)" $? "exit $rc" "$out"

tap_done
