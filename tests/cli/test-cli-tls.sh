#!/usr/bin/env bash
# test-cli-tls.sh CLI_BINARY
#
# clusterdeck-cli and a real Harper node (HARPER_VERSION) served over HTTPS with its
# own self-signed certificate: `instance add` reports the fingerprint and the
# hint, `instance trust --yes` pins it, and the pinned instance answers.
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

tap_done
