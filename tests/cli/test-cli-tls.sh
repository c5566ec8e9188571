#!/usr/bin/env bash
# test-cli-tls.sh CLI_BINARY
#
# clusterdeck-cli and a real Harper 4.4.18 node served over HTTPS with its
# own self-signed certificate: `instance add` reports the fingerprint and the
# hint, `instance trust --yes` pins it, and the pinned instance answers;
# `instance trust --clear` asks, then forgets the pin, and the certificate is
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
start_nodes "$base" 1 28400 HARPER_TLS=1 || tap_done
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

# pin: the stored pin of tls1, "null" when none
pin() { "$cli" --json instance list | jq -r '.[] | select(.name == "tls1") | .pinned_certificate'; }
want_pin=$(tr -d : <<<"$fingerprint" | tr 'A-F' 'a-f')
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
