#!/usr/bin/env bash
# test-cli.sh CLI_BINARY
#
# clusterdeck-cli against real Harper nodes of the version under test
# (HARPER_VERSION; meson runs it on every native-replication version), on its own keyring: run
# through tests/with-keyring.sh, which gives a fresh HOME, XDG dirs and an
# unlocked gnome-keyring. Prints TAP.
set -uo pipefail

cli=$1
# shellcheck source-path=SCRIPTDIR source=tap.sh
. "$(dirname "$0")/tap.sh"

need_fresh_xdg
base=$(cli_base_dir clusterdeck-cli-test)
start_nodes "$base" 2 26000 HARPER_REPLICATION=0 || tap_done
echo "# Harper $HARPER_VERSION: 2 nodes in ${HARPER_START_SECONDS}s at $HARPER_NODE1_URL, $HARPER_NODE2_URL"

out=$("$cli" --version); grep -q '^clusterdeck-cli [0-9]' <<<"$out"
check "--version prints the version" $? "$out"

"$cli" org add Demo >/dev/null && "$cli" org add Staging >/dev/null
out=$("$cli" org list)
grep -q '^Demo' <<<"$out"
check "org add and org list" $? "$out"

"$cli" org rename Staging Lab >/dev/null
out=$("$cli" --json org list)
grep -q '"name" : "Lab"' <<<"$out"
check "org rename shows in org list --json" $? "$out"

out=$(printf '%s' "$HARPER_PASS" | "$cli" instance add --org Demo --name node1 --url "$HARPER_NODE1_URL" --username "$HARPER_USER" 2>&1); rc=$?
if [ $rc = 0 ] && grep -qF "Harper $HARPER_VERSION" <<<"$out"; then ok "instance add over HTTP saves and tests it (exit 0)"; else not_ok "instance add over HTTP (rc $rc)" "$out"; fi

out=$(CLUSTERDECK_PASSWORD=$HARPER_PASS "$cli" instance add --org Demo --name node2 --url "$HARPER_NODE2_URL" --username "$HARPER_USER" </dev/null 2>&1); rc=$?
if [ $rc = 0 ]; then ok "instance add takes CLUSTERDECK_PASSWORD"; else not_ok "instance add with CLUSTERDECK_PASSWORD (rc $rc)" "$out"; fi

out=$(printf 'not-the-password' | "$cli" instance add --org Lab --name wrong --url "$HARPER_NODE1_URL" --username "$HARPER_USER" 2>&1); rc=$?
if [ $rc = 1 ] && grep -q 'refused the login' <<<"$out"; then ok "a wrong password: saved, clear error, exit 1"; else not_ok "wrong password (rc $rc)" "$out"; fi

out=$("$cli" --json status 2>/dev/null); rc=$?
if [ $rc = 3 ]; then ok "status with one failing instance exits 3 (partial)"; else not_ok "status exit status is $rc, want 3" "$out"; fi

json=$base/status.json
printf '%s' "$out" >"$json"
why=$(/usr/bin/python3 - "$json" "$HARPER_VERSION" 2>&1 <<'PY'
import json, sys
data = {d["name"]: d for d in json.load(open(sys.argv[1]))}
n1 = data["node1"]
assert n1["reachable"] and n1["version"] == sys.argv[2] and n1["engine"] == "none" and n1["super_user"], n1
assert n1["url"].startswith("http://127.0.0.1:") and n1["error"] is None and n1["connections"] == [], n1
PY
)
check "status --json: node1 reachable, version $HARPER_VERSION, engine none, super user" $? "$why"

why=$(/usr/bin/python3 - "$json" 2>&1 <<'PY'
import json, sys
data = {d["name"]: d for d in json.load(open(sys.argv[1]))}
w = data["wrong"]
assert not w["reachable"] and w["error_code"] == "auth" and "Login failed" in w["error"], w
PY
)
check "status --json: the wrong login is unreachable with error code auth" $? "$why"

out=$("$cli" status Demo/node2); rc=$?
if [ $rc = 0 ] && grep -q 'reachable' <<<"$out"; then ok "status ORG/NAME"; else not_ok "status Demo/node2 (rc $rc)" "$out"; fi

"$cli" instance add --org Lab --name node1 --url "$HARPER_NODE1_URL" --username x </dev/null >/dev/null 2>&1
out=$(CLUSTERDECK_PASSWORD=$HARPER_PASS "$cli" instance add --org Lab --name node1 --url "$HARPER_NODE1_URL" --username "$HARPER_USER" 2>&1 </dev/null)
out=$("$cli" status node1 2>&1); rc=$?
if [ $rc = 1 ] && grep -q 'organizations' <<<"$out"; then ok "an ambiguous NAME is a clear error"; else not_ok "ambiguous name (rc $rc)" "$out"; fi

out=$("$cli" frobnicate 2>&1); rc=$?
if [ $rc = 2 ]; then ok "an unknown command is a usage error (exit 2)"; else not_ok "unknown command exit $rc" "$out"; fi

# The password is in the keyring, and in no file under the XDG dirs or HOME.
if grep -rqF -- "$HARPER_PASS" "$XDG_CONFIG_HOME" "$XDG_STATE_HOME" "$XDG_CACHE_HOME" 2>/dev/null; then
  not_ok "no password in any file under the XDG config, state and cache dirs"
else
  ok "no password in any file under the XDG config, state and cache dirs"
fi
id=$(/usr/bin/python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
print([i["id"] for o in d["organizations"] if o["name"]=="Demo" for i in o["instances"] if i["name"]=="node1"][0])' "$XDG_CONFIG_HOME/clusterdeck/organizations.json")
got=$(secret-tool lookup kind instance-login key "$id" 2>/dev/null)
if [ "$got" = "$HARPER_PASS" ]; then ok "the password is in the keyring (secret-tool finds it)"; else not_ok "password in keyring"; fi

"$cli" instance remove Demo/node2 >/dev/null
out=$("$cli" instance list)
if ! grep -q 'Demo/node2' <<<"$out"; then ok "instance remove"; else not_ok "instance remove" "$out"; fi

# Clustering: enable (the restart's phases printed), connect, disconnect.
export CLUSTERDECK_CLUSTER_PASSWORD=Cluster-Test-Pass-7
out=$("$cli" enable Demo/node1 2>&1); rc=$?
if [ $rc = 0 ] && grep -q 'Writing configuration' <<<"$out" && grep -q 'Waiting for the instance' <<<"$out" \
   && grep -q 'Clustering enabled' <<<"$out"; then
  ok "enable prints the restart phases and succeeds"
  diag "$out"
else
  not_ok "enable node1 (rc $rc)" "$out"
fi

out=$("$cli" enable Demo/node1 2>&1); rc=$?
if [ $rc = 0 ] && grep -q 'already enabled' <<<"$out"; then ok "enable again says it is already enabled"; else not_ok "enable twice (rc $rc)" "$out"; fi

# A second instance for node2 (the first was removed above).
CLUSTERDECK_PASSWORD=$HARPER_PASS "$cli" instance add --org Demo --name node2 --url "$HARPER_NODE2_URL" --username "$HARPER_USER" </dev/null >/dev/null 2>&1
out=$("$cli" enable Demo/node2 --node-name 'bad name' 2>&1); rc=$?
if [ $rc = 1 ] && grep -qi 'node name' <<<"$out"; then ok "an invalid node name is refused before anything is sent"; else not_ok "invalid node name (rc $rc)" "$out"; fi

out=$("$cli" enable Demo/node2 2>&1); rc=$?
[ $rc = 0 ] || diag "$out"

out=$("$cli" connect Demo/node1 Demo/node2 2>&1); rc=$?
if [ $rc = 0 ] && grep -q 'Connected' <<<"$out"; then ok "connect node1 to node2"; else not_ok "connect (rc $rc)" "$out"; fi

"$cli" --json status Demo/node1 >"$base/status2.json" 2>/dev/null
why=$(/usr/bin/python3 - "$base/status2.json" 2>&1 <<'PY'
import json, sys
n1 = json.load(open(sys.argv[1]))[0]
assert n1["engine"] == "native" and n1["node_name"] == "node1", n1
conn = {c["name"]: c for c in n1["connections"]}
assert "node2" in conn and conn["node2"]["connected"], n1["connections"]
PY
)
check "status --json lists node2 as connected from node1" $? "$why"

out=$("$cli" disconnect Demo/node1 Demo/node2 2>&1); rc=$?
"$cli" --json status Demo/node1 >"$base/status3.json" 2>/dev/null
if [ $rc = 0 ] && /usr/bin/python3 -c 'import json,sys; n=json.load(open(sys.argv[1]))[0]; assert all(c["name"]!="node2" for c in n["connections"]), n' "$base/status3.json"; then
  ok "disconnect removes the connection"
else
  not_ok "disconnect (rc $rc)" "$out"
fi

"$cli" org remove Lab >/dev/null
out=$("$cli" org list)
if ! grep -q '^Lab' <<<"$out"; then ok "org remove"; else not_ok "org remove" "$out"; fi

tap_done
