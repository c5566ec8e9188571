#!/usr/bin/env bash
# test-cli-map.sh CLI_BINARY
#
# The cluster map from the command line, against five real Harper nodes
# (native replication), on its own keyring (run through
# tests/with-keyring.sh). Prints TAP.
#
#   node1 ⇄ node2 in full replication; node3 – node4 per table (node3 stops
#   publishing clidb.dog to node4); node5 without replication
#   map --org Demo -o FILE     exit 0, well-formed SVG (xml.etree) naming the
#                              five instances with their health and the two
#                              edges with their kinds and directions
#
# Five nodes, not three: Harper keeps one node table for a mesh, so a link
# that leaves full replication takes every link of its mesh with it
# (deck-plan-describe.c). A full link and a per-table link coexist only in
# two meshes apart.
#   map again                  the same bytes (once the links report connected)
#   map (standard output)      the same bytes as the file
#   map -o FILE.png, map X     exit 2 (usage)
#
# With CLUSTERDECK_SCREENSHOT_DIR set, the SVG is kept there
# (cluster-map-cli.svg).
set -uo pipefail

cli=$1
# shellcheck source-path=SCRIPTDIR source=tap.sh
. "$(dirname "$0")/tap.sh"

CONNECT_S=60   # the links report connected within this after apply

need_fresh_xdg
base=$(cli_base_dir clusterdeck-cli-map)
start_nodes "$base" 5 30600 HARPER_REPLICATION=0 || tap_done
echo "# Harper $HARPER_VERSION: 5 nodes in ${HARPER_START_SECONDS}s"

export CLUSTERDECK_CLUSTER_PASSWORD=Map-Cli-Pass-7
export CLUSTERDECK_PASSWORD=$HARPER_PASS

op() { curl -s -m 10 -u "$HARPER_USER:$HARPER_PASS" -H 'Content-Type: application/json' -d "$2" "$1"; }
run() { out=$("$cli" "$@" </dev/null 2>&1); rc=$?; }
# links URL: what cluster_status says of the node's links, for a failure's
# log: names, full replication, subscriptions and sockets; never the
# retained authorization Harper returns with them.
links() {
  op "$1" '{"operation":"cluster_status"}' | /usr/bin/python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except ValueError:
    print("unreadable cluster_status"); sys.exit(0)
print(json.dumps([{k: c.get(k) for k in ("name", "replicates", "subscriptions")} |
                  {"sockets": [[s.get("database"), s.get("connected"), s.get("catching_up_from")]
                               for s in c.get("database_sockets") or []]}
                  for c in d.get("connections") or []]))'
}

# ------------------------------------------------------------------ set-up
"$cli" org add Demo >/dev/null
for i in 1 2 3 4 5; do
  url_var=HARPER_NODE${i}_URL
  "$cli" instance add --org Demo --name "node$i" --url "${!url_var}" --username "$HARPER_USER" \
    </dev/null >/dev/null 2>&1
  op "${!url_var}" '{"operation":"create_database","database":"clidb"}' >/dev/null
  op "${!url_var}" '{"operation":"create_table","database":"clidb","table":"dog","primary_key":"id"}' >/dev/null
done
# enable NAME URL: as the user would. The command line waits 10 s for the
# restart's answer; on a loaded machine a node may take longer, and enable
# then stops with the configuration written. The set-up is not what this
# test is about: it waits (at most ENABLE_S) for the node to answer again
# and enables once more, which finds it enabled already.
ENABLE_S=120
enable_node() {
  local end=$((SECONDS + ENABLE_S))
  run enable "$1" --cluster-user map_cluster
  [ $rc = 0 ] && return 0
  echo "# enable $1 failed (exit status $rc), retried once the node answers:"
  sed 's/^/#   /' <<<"$out" | tail -n 3
  until op "$2" '{"operation":"cluster_status"}' | grep -q '"node_name"'; do
    [ $SECONDS -lt $end ] || break
    sleep 1
  done
  run enable "$1" --cluster-user map_cluster
}
enable_node node1 "$HARPER_NODE1_URL"
[ $rc = 0 ] && enable_node node2 "$HARPER_NODE2_URL"
[ $rc = 0 ] && enable_node node3 "$HARPER_NODE3_URL"
[ $rc = 0 ] && enable_node node4 "$HARPER_NODE4_URL"
[ $rc = 0 ] && run connect node1 node2
[ $rc = 0 ] && run connect node3 node4
[ $rc = 0 ] && run set node3 node4 clidb.dog --publish off
[ $rc = 0 ] && run apply --yes
if [ $rc = 0 ]; then
  ok "set-up: node1–node2 in full replication, node3–node4 per table, node5 without replication"
else
  not_ok "set-up (exit status $rc)" "$out"
  tap_done
fi

svg=$base/map.svg
# The links come up shortly after apply: the test waits for every edge to
# report connected, so that two runs compare the same cluster.
end=$((SECONDS + CONNECT_S))
while :; do
  run map --org Demo -o "$svg"
  [ $rc = 0 ] && ! grep -q 'class="edge"[^>]*data-health="\(disconnected\|catching-up\)"' "$svg" &&
    break
  [ $SECONDS -lt $end ] || break
  sleep 1
done

/usr/bin/python3 - "$svg" >"$base/read.txt" 2>&1 <<'PY'
import sys
import xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == ns + "svg", root.tag
for g in root.iter(ns + "g"):
    if g.get("class") == "node":
        print("node", g.get("data-name"), g.get("data-health"), g.find(ns + "title").text)
    elif g.get("class") == "edge":
        print("edge", g.get("data-from"), g.get("data-to"), g.get("data-kind"),
              g.get("data-direction"), g.get("data-health"))
PY
read_rc=$?
# node3 no longer publishes clidb.dog to node4, node4 still does to node3:
# the records flow from the later node to the earlier one, "backward".
want="node node1 connected
node node2 connected
node node3 connected
node node4 connected
node node5 not-enabled
edge node1 node2 full both connected
edge node3 node4 tables backward connected"
got=$(grep '^node' "$base/read.txt" | cut -d' ' -f1-3; grep '^edge' "$base/read.txt")
[ $rc = 0 ] && [ $read_rc = 0 ] && [ "$got" = "$want" ]
check "map -o FILE: valid SVG with the five instances and both links, their kinds and health (exit 0)" \
  $? "exit status $rc, parse status $read_rc" "$out" "read:" "$(cat "$base/read.txt")" "wanted:" "$want" \
  "cluster_status:" "$(for i in 1 2 3 4 5; do v=HARPER_NODE${i}_URL; echo "node$i: $(links "${!v}")"; done)"
grep -q '<title>node5: ' "$svg"
check "map: each node has a title saying its health" $?

cp "$svg" "$base/first.svg"
# Kept to be looked at, as the UI tests keep their screenshots.
if [ -n "${CLUSTERDECK_SCREENSHOT_DIR:-}" ]; then
  cp "$svg" "$CLUSTERDECK_SCREENSHOT_DIR/cluster-map-cli.svg"
fi
run map --org Demo -o "$svg"
[ $rc = 0 ] && cmp -s "$base/first.svg" "$svg"
check "map twice: byte-identical output" $? "exit status $rc" "$(diff "$base/first.svg" "$svg" 2>&1 | head -20)"

out=$("$cli" map --org Demo </dev/null 2>/dev/null); rc=$?
[ $rc = 0 ] && [ "$out" = "$(cat "$svg")" ]
check "map to standard output: the same SVG" $? "exit status $rc"

run map --org Demo -o "$base/map.png"
[ $rc = 2 ] && [ ! -e "$base/map.png" ] && grep -q 'SVG only' <<<"$out"
check "map -o FILE.png: a usage error (exit 2), nothing written" $? "exit status $rc" "$out"
run map extra
[ $rc = 2 ]
check "map with an argument: a usage error (exit 2)" $? "exit status $rc" "$out"

tap_done
