#!/usr/bin/env bash
# capture-fixtures.sh [OUTDIR]
#
# Starts real Harper nodes with harper-cluster.sh and records the answers of the
# operations API into OUTDIR (default: tests/fixtures/hdb), one JSON file per
# case, plus OUTDIR/README.md listing every file with its request and HTTP
# status. Re-run it after changing the pinned Harper version.
#
#   part 1 (plain HTTP, 3 nodes, here): users/roles/schema/data, errors,
#          replication unconfigured -> set_configuration + restart -> native
#          replication (add/update/remove node, cluster_status, routes)
#   part 2 (legacy NATS, 2 nodes): re-runs this script inside `unshare -n`
#          (private network namespace with only lo: nats-server binds all
#          interfaces). Needs root or unprivileged user namespaces.
#
# The bodies are the server's own, pretty-printed. Retained credentials
# ("authorization": "Basic ...") in requests and answers are replaced with
# "Basic Y2x1c3Rlcl91c2VyOmZha2UtZml4dHVyZQ==" (cluster_user:fake-fixture).
#
# Knobs: CAPTURE_BASEDIR (/tmp/clusterdeck-hdb-capture; it appears in the
# captured paths, keep it stable), CAPTURE_BASE_PORT (24100; part 2 uses 19100
# inside its own namespace).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
CLUSTER=$HERE/harper-cluster.sh
FAKE_AUTH='Basic Y2x1c3Rlcl91c2VyOmZha2UtZml4dHVyZQ=='
BASE=${CAPTURE_BASEDIR:-/tmp/clusterdeck-hdb-capture}
export HARPER_USER=admin HARPER_PASS=Harper-test-1

log() { printf '[capture] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ------------------------------------------------------------------ helpers
url() { local v="HARPER_NODE${1}_URL"; echo "${!v}"; }
rurl() { local v="HARPER_NODE${1}_REPL_URL"; echo "${!v}"; }
basic() { printf 'Basic %s' "$(printf '%s:%s' "$1" "$2" | base64 | tr -d '\n')"; }
ADMIN_BASIC=$(basic "$HARPER_USER" "$HARPER_PASS")

# op I BODY [USER PASS] -> body on stdout (not recorded)
op() {
  curl -s -k -m 60 -u "${3:-$HARPER_USER}:${4:-$HARPER_PASS}" \
       -H 'Content-Type: application/json' -d "$2" "$(url "$1")/"
}

# scrub_pretty < raw > pretty: pretty-print JSON (raw text kept if not JSON) and
# replace every "Basic ..." credential by the fake one
scrub_pretty() {
  FAKE_AUTH=$FAKE_AUTH node -e '
    const fake = process.env.FAKE_AUTH;
    let s = "";
    process.stdin.on("data", (d) => s += d).on("end", () => {
      const scrub = (v) => {
        if (typeof v === "string") return /^Basic /.test(v) ? fake : v;
        if (Array.isArray(v)) return v.map(scrub);
        if (v && typeof v === "object") {
          for (const k of Object.keys(v)) v[k] = scrub(v[k]);
        }
        return v;
      };
      let out;
      try { out = JSON.stringify(scrub(JSON.parse(s)), null, 2) + "\n"; }
      catch (e) { out = s.replace(/Basic [A-Za-z0-9+\/=]+/g, fake); }
      process.stdout.write(out);
    });'
}
# compact JSON with the credential scrubbed, for the README
scrub_compact() {
  FAKE_AUTH=$FAKE_AUTH node -e '
    let s = ""; process.stdin.on("data", (d) => s += d).on("end", () => {
      s = s.replace(/Basic [A-Za-z0-9+\/=]+/g, process.env.FAKE_AUTH);
      try { s = JSON.stringify(JSON.parse(s)); } catch (e) {}
      process.stdout.write(s);
    });'
}

# cap NAME I BODY [USER PASS [NOTE]]: record the answer of node I into OUT/NAME.json
cap() {
  local name=$1 i=$2 body=$3 user=${4:-$HARPER_USER} pass=${5:-$HARPER_PASS} note=${6:-}
  local raw status
  raw=$(mktemp)
  status=$(curl -s -k -m 60 -o "$raw" -w '%{http_code}' -u "$user:$pass" \
             -H 'Content-Type: application/json' -d "$body" "$(url "$i")/") || true
  scrub_pretty <"$raw" >"$OUT/$name.json"
  rm -f "$raw"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "node$i" "$user" \
    "$(printf '%s' "$body" | scrub_compact)" "$status" "$note" >>"$MANIFEST"
  log "$name.json: node$i HTTP $status $(head -c 120 "$OUT/$name.json" | tr -d '\n')"
}

# wait_answer I: node I answers user_info (after a restart: first wait for the
# old workers to go away, at most 10 s, then for the new ones, at most 90 s)
wait_restart() {
  local i=$1
  for _ in $(seq 1 100); do
    op "$i" '{"operation":"user_info"}' >/dev/null 2>&1 || break
    sleep 0.1
  done
  for _ in $(seq 1 900); do
    if op "$i" '{"operation":"user_info"}' 2>/dev/null | grep -q super_user; then
      return 0
    fi
    sleep 0.1
  done
  die "node$i does not answer after restart"
}

# wait_native I PEERS: node I has PEERS connections, every database socket connected
native_connected() {
  op "$1" '{"operation":"cluster_status"}' | node -e '
    let s = ""; process.stdin.on("data", (d) => s += d).on("end", () => {
      let j; try { j = JSON.parse(s); } catch (e) { process.exit(1); }
      const c = j.connections || [];
      const ok = c.length === +process.argv[1] && c.every((x) =>
        (x.database_sockets || []).length > 0 && x.database_sockets.every((d) => d.connected));
      process.exit(ok ? 0 : 1);
    });' "$2"
}
wait_native() {

  for _ in $(seq 1 100); do
    native_connected "$1" "$2" && return 0
    sleep 0.2
  done
  die "node$1: not $2 connected peer(s) after 20 s"
}

# wait_nats_open I PEER: cluster_status of node I lists PEER with status open
nats_open() {
  op "$1" '{"operation":"cluster_status"}' | node -e '
    let s = ""; process.stdin.on("data", (d) => s += d).on("end", () => {
      let j; try { j = JSON.parse(s); } catch (e) { process.exit(1); }
      const c = (j.connections || []).find((x) => x.node_name === process.argv[1]);
      process.exit(c && c.status === "open" ? 0 : 1);
    });' "$2"
}
wait_nats_open() {

  for _ in $(seq 1 150); do
    nats_open "$1" "$2" && return 0
    sleep 0.2
  done
  die "node$1: connection to $2 not open after 30 s"
}

# wait_nats_network I N: cluster_network of node I lists N nodes (NATS mesh formed)
wait_nats_network() {
  for _ in $(seq 1 150); do
    if op "$1" '{"operation":"cluster_network"}' | node -e '
      let s = ""; process.stdin.on("data", (d) => s += d).on("end", () => {
        let j; try { j = JSON.parse(s); } catch (e) { process.exit(1); }
        process.exit((j.nodes || []).length >= +process.argv[1] ? 0 : 1);
      });' "$2"; then
      return 0
    fi
    sleep 0.2
  done
  log "warning: cluster_network of node$1 does not list $2 nodes after 30 s"
}

schema() { # schema I: the test schema on node I (databases are not replicated: Q9)
  op "$1" '{"operation":"create_database","database":"shop"}' >/dev/null
  op "$1" '{"operation":"create_table","database":"shop","table":"product","primary_key":"id"}' >/dev/null
}

# ------------------------------------------------------------------ part 1
part_plain() {
  local dir=$BASE/plain p2 p3
  "$CLUSTER" stop "$dir" 2>/dev/null || true
  rm -rf "$dir"
  HARPER_REPLICATION=0 HARPER_BASE_PORT=${CAPTURE_BASE_PORT:-24100} \
    "$CLUSTER" start 3 "$dir" >/dev/null
  # shellcheck disable=SC1091
  . "$dir/cluster.env"
  trap '"$CLUSTER" stop "$BASE/plain" || true' EXIT

  # -- a fresh node, replication unconfigured
  cap registration_info 1 '{"operation":"registration_info"}'
  cap user_info_super 1 '{"operation":"user_info"}'
  cap describe_all_empty 1 '{"operation":"describe_all"}'
  cap get_configuration_unconfigured 1 '{"operation":"get_configuration"}'
  cap cluster_status_unconfigured 1 '{"operation":"cluster_status"}' "" "" \
    "no node_name/is_enabled: replication not configured"
  cap add_node_unconfigured 1 \
    "{\"operation\":\"add_node\",\"url\":\"$(rurl 2)\",\"authorization\":\"$ADMIN_BASIC\",\"retain_authorization\":true}" \
    "" "" "replication not configured and legacy clustering disabled"
  cap system_information_threads 1 '{"operation":"system_information","attributes":["threads"]}'

  # -- errors
  cap error_401 1 '{"operation":"user_info"}' admin wrong-password "wrong password"
  cap error_unknown_operation 1 '{"operation":"no_such_operation"}'
  cap error_bad_json 1 '{"operation":"user_info",' "" "" "truncated JSON body"

  # -- schema and data: 2 databases, 3 tables, records
  cap create_database 1 '{"operation":"create_database","database":"shop"}'
  cap create_table 1 '{"operation":"create_table","database":"shop","table":"product","primary_key":"id"}'
  op 1 '{"operation":"create_table","database":"shop","table":"order","primary_key":"id"}' >/dev/null
  op 1 '{"operation":"create_database","database":"crm"}' >/dev/null
  op 1 '{"operation":"create_table","database":"crm","table":"customer","primary_key":"id"}' >/dev/null
  cap insert 1 '{"operation":"insert","database":"shop","table":"product","records":[{"id":1,"name":"Widget","price":9.5},{"id":2,"name":"Gadget","price":24}]}'
  op 1 '{"operation":"insert","database":"shop","table":"order","records":[{"id":"o-1","product":1,"quantity":3}]}' >/dev/null
  op 1 '{"operation":"insert","database":"crm","table":"customer","records":[{"id":7,"name":"Ada","email":"ada@example.com"}]}' >/dev/null
  cap search_by_id 1 '{"operation":"search_by_id","database":"shop","table":"product","ids":[1,2],"get_attributes":["*"]}'
  cap describe_all 1 '{"operation":"describe_all"}' "" "" "databases shop (product, order) and crm (customer)"

  # -- roles and users
  local role='{"operation":"add_role","role":"shop_reader","permission":{"super_user":false,"shop":{"tables":{"product":{"read":true,"insert":false,"update":false,"delete":false,"attribute_permissions":[]},"order":{"read":true,"insert":true,"update":false,"delete":false,"attribute_permissions":[]}}}}}'
  cap add_role 1 "$role"
  cap add_role_exists 1 "$role" "" "" "same request again"
  local user='{"operation":"add_user","role":"shop_reader","username":"reader","password":"Reader-pass-1","active":true}'
  cap add_user 1 "$user"
  cap add_user_exists 1 "$user" "" "" "same request again"
  cap alter_user 1 '{"operation":"alter_user","username":"reader","password":"Reader-pass-2","active":true}'
  cap user_info_plain 1 '{"operation":"user_info"}' reader Reader-pass-2 "as the non-super user"
  cap error_403 1 '{"operation":"add_user","role":"super_user","username":"mallory","password":"Mallory-1","active":true}' \
    reader Reader-pass-2 "a super_user operation as the non-super user"
  cap list_users 1 '{"operation":"list_users"}'
  cap list_roles 1 '{"operation":"list_roles"}'

  # -- enable native replication at run time (what the app does)
  cap set_configuration 1 \
    "{\"operation\":\"set_configuration\",\"replication_hostname\":\"node1\",\"replication_url\":\"$(rurl 1)\"}"
  cap restart 1 '{"operation":"restart"}'
  op 2 "{\"operation\":\"set_configuration\",\"replication_hostname\":\"node2\",\"replication_url\":\"$(rurl 2)\"}" >/dev/null
  op 3 "{\"operation\":\"set_configuration\",\"replication_hostname\":\"node3\",\"replication_url\":\"$(rurl 3)\"}" >/dev/null
  op 2 '{"operation":"restart"}' >/dev/null
  op 3 '{"operation":"restart"}' >/dev/null
  wait_restart 1
  wait_restart 2
  wait_restart 3
  cap restart_service 3 '{"operation":"restart_service","service":"http_workers"}'
  wait_restart 3
  cap get_configuration_native 1 '{"operation":"get_configuration"}' "" "" "after set_configuration + restart"
  cap cluster_status_native_empty 1 '{"operation":"cluster_status"}'

  # -- full replication node1 <-> node2
  schema 2
  op 2 '{"operation":"create_table","database":"shop","table":"order","primary_key":"id"}' >/dev/null
  cap add_node 1 \
    "{\"operation\":\"add_node\",\"url\":\"$(rurl 2)\",\"authorization\":\"$ADMIN_BASIC\",\"retain_authorization\":true}"
  wait_native 1 1
  wait_native 2 1
  cap cluster_status_native_replicates 1 '{"operation":"cluster_status"}' "" "" \
    "node1 and node2 fully replicating (no subscriptions)"
  cap search_hdb_nodes 1 '{"operation":"search_by_value","database":"system","table":"hdb_nodes","search_attribute":"name","search_value":"*","get_attributes":["*"]}'
  cap remove_node 1 '{"operation":"remove_node","hostname":"node2"}'
  cap remove_node_peer_side 2 '{"operation":"remove_node","hostname":"node1"}' "" "" \
    "the other side (Q5: always remove on both); 400 when the removal already replicated"
  cap remove_node_missing 1 '{"operation":"remove_node","hostname":"node9"}' "" "" "no such node"
  wait_native 1 0
  wait_native 2 0

  # -- explicit subscriptions node1 <-> node2
  cap add_node_subscriptions 1 \
    "{\"operation\":\"add_node\",\"url\":\"$(rurl 2)\",\"authorization\":\"$ADMIN_BASIC\",\"retain_authorization\":true,\"subscriptions\":[{\"database\":\"shop\",\"table\":\"product\",\"subscribe\":true,\"publish\":false}]}"
  wait_native 1 1
  cap cluster_status_native_subscriptions 1 '{"operation":"cluster_status"}' "" "" \
    "node1 subscribes to node2's shop.product"
  cap update_node 1 \
    "{\"operation\":\"update_node\",\"hostname\":\"node2\",\"url\":\"$(rurl 2)\",\"authorization\":\"$ADMIN_BASIC\",\"retain_authorization\":true,\"subscriptions\":[{\"database\":\"shop\",\"table\":\"product\",\"subscribe\":true,\"publish\":true}]}"
  op 1 '{"operation":"remove_node","hostname":"node2"}' >/dev/null
  op 2 '{"operation":"remove_node","hostname":"node1"}' >/dev/null || true

  # -- add_node without credentials: HTTP 200 but the peer refused (Q3/Q4)
  schema 3
  cap add_node_partial 1 "{\"operation\":\"add_node\",\"url\":\"$(rurl 3)\"}" "" "" \
    "no authorization: HTTP 200 'but there was an error'; leaves a record named 127.0.0.1"
  cap remove_node_partial_cleanup 1 '{"operation":"remove_node","hostname":"127.0.0.1"}' "" "" \
    "cleaning up after add_node_partial"

  # -- routes with native replication (replication.routes)
  p2=$(url 2); p2=${p2##*:}
  p3=$(url 3); p3=${p3##*:}
  cap cluster_set_routes_native 1 \
    "{\"operation\":\"cluster_set_routes\",\"server\":\"hub\",\"routes\":[{\"host\":\"127.0.0.1\",\"port\":$p2},{\"host\":\"127.0.0.1\",\"port\":$p3}]}"
  cap cluster_get_routes_native 1 '{"operation":"cluster_get_routes"}' "" "" \
    "[] although replication.routes is set (see get_configuration_native_routes)"
  cap get_configuration_native_routes 1 '{"operation":"get_configuration"}' "" "" "after cluster_set_routes"
  cap cluster_delete_routes_native 1 \
    "{\"operation\":\"cluster_delete_routes\",\"routes\":[{\"host\":\"127.0.0.1\",\"port\":$p3}]}" "" "" \
    "reports deleted: [] but changes replication.routes (see get_configuration_native_routes_deleted)"
  cap get_configuration_native_routes_deleted 1 '{"operation":"get_configuration"}' "" "" "after cluster_delete_routes"

  "$CLUSTER" stop "$dir"
  trap - EXIT
  rm -rf "$dir"
}

# ------------------------------------------------------------------ part 2
part_nats() {
  local dir=$BASE/nats hub2
  ip link set lo up
  "$CLUSTER" stop "$dir" 2>/dev/null || true
  rm -rf "$dir"
  HARPER_NATS=1 HARPER_BASE_PORT=19100 "$CLUSTER" start 2 "$dir" >/dev/null
  # shellcheck disable=SC1091
  . "$dir/cluster.env"
  trap '"$CLUSTER" stop "$BASE/nats" || true' EXIT

  cap get_configuration_nats 1 '{"operation":"get_configuration"}'
  cap cluster_status_nats_empty 1 '{"operation":"cluster_status"}' "" "" "clustering enabled, no node added"
  hub2=$HARPER_NODE2_NATS_CLUSTER_PORT
  cap cluster_set_routes_nats 1 \
    "{\"operation\":\"cluster_set_routes\",\"server\":\"hub\",\"routes\":[{\"host\":\"127.0.0.1\",\"port\":$hub2}]}" "" "" \
    "route to node2's hub cluster port"
  cap cluster_get_routes_nats 1 '{"operation":"cluster_get_routes"}'
  op 1 '{"operation":"restart"}' >/dev/null
  wait_restart 1
  schema 1
  schema 2
  wait_nats_network 1 2
  cap cluster_network_nats 1 '{"operation":"cluster_network"}' "" "" "after the route + restart: both hubs connected"
  cap add_node_nats 1 '{"operation":"add_node","node_name":"node2","subscriptions":[{"database":"shop","table":"product","subscribe":true,"publish":true}]}'
  wait_nats_open 1 node2
  cap cluster_status_nats 1 '{"operation":"cluster_status"}' "" "" "connection to node2 open"
  cap update_node_nats 1 '{"operation":"update_node","node_name":"node2","subscriptions":[{"database":"shop","table":"product","subscribe":false,"publish":true}]}'
  cap remove_node_nats 1 '{"operation":"remove_node","node_name":"node2"}'
  cap cluster_delete_routes_nats 1 \
    "{\"operation\":\"cluster_delete_routes\",\"routes\":[{\"host\":\"127.0.0.1\",\"port\":$hub2}]}"

  "$CLUSTER" stop "$dir"
  trap - EXIT
  rm -rf "$dir"
}

# ------------------------------------------------------------------ README
write_readme() {
  local version=$1
  shift
  {
    cat <<EOF
# Captured Harper responses

Real answers of Harper (HarperDB) $version servers, recorded by
\`tests/harper/capture-fixtures.sh\` with nodes started by
\`tests/harper/harper-cluster.sh\` (plain HTTP on 127.0.0.1, user \`admin\`,
one worker thread). Each file is the body exactly as the server sent it,
pretty-printed (\`JSON.stringify(body, null, 2)\`); the HTTP status is in the
table below. Re-run the script to refresh them (timestamps, ids, certificates
and latencies change on every run).

**Scrubbed:** every retained credential \`"authorization": "Basic …"\` (in
\`cluster_status\`, \`hdb_nodes\` records and the requests below) was replaced
by \`"Basic Y2x1c3Rlcl91c2VyOmZha2UtZml4dHVyZQ=="\` (\`cluster_user:fake-fixture\`).
Nothing else was changed. The passwords that appear in requests are the
throw-away test ones.

Setup: part 1 used 3 nodes (\`node1\`..\`node3\`, operations API on
127.0.0.1:24100/24110/24120) started **without** replication
(\`HARPER_REPLICATION=0\`); the app's own flow then enabled it with
\`set_configuration\` + \`restart\`. Part 2 (files \`*_nats.json\`) used 2 nodes
with legacy NATS clustering (\`HARPER_NATS=1\`, node names \`node1\`/\`node2\`,
operations API 127.0.0.1:19100/19110, NATS hub cluster ports 19105/19115) inside
\`unshare -n\`. Paths in \`get_configuration*\` are under
\`/tmp/clusterdeck-hdb-capture\`.

All requests are \`POST /\` with \`Content-Type: application/json\` and basic
auth as the given user.

| file | node | user | request | HTTP | notes |
| --- | --- | --- | --- | --- | --- |
EOF
    sort -t$'\t' -k1,1 "$@" | while IFS=$'\t' read -r name node user req status note; do
      req=${req//|/\\|}
      note=${note//|/\\|}
      printf '| `%s.json` | %s | %s | `%s` | %s | %s |\n' "$name" "$node" "$user" "$req" "$status" "$note"
    done
    cat <<'EOF'

## Observations (4.4.18)

- `add_node_partial.json`: without credentials on plain ws, `add_node` answers
  **HTTP 200** with "…but there was an error updating target node: …
  Unauthorized" and leaves a local record named `127.0.0.1` (quirk Q4 of
  shared/reference/harper-local-cluster.md): treat "but there was an error" as a
  failure and remove `127.0.0.1` (`remove_node_partial_cleanup.json`).
- `remove_node_missing.json`: an unknown node is **HTTP 400**
  `{"error":"node9 does not exist"}`; `remove_node_peer_side.json` shows the
  answer of the second side of a removal.
- `cluster_status_unconfigured.json`: without replication configured,
  `cluster_status` is 200 with only `connections` (no `node_name`,
  `is_enabled`); `add_node_unconfigured.json` is HTTP 400.
- Native routes: `cluster_set_routes` writes `replication.routes` and
  **replaces** the whole list (a second call with another route leaves only
  that one); `cluster_get_routes` answers `[]` anyway (it reads the legacy NATS
  routes); `cluster_delete_routes` of **one** route answers `"deleted": []` and
  empties `replication.routes` (compare the two
  `get_configuration_native_routes*.json`). With NATS all three behave
  (`*_routes_nats.json`).
- Existing role/user: **HTTP 409** (`add_role_exists.json`,
  `add_user_exists.json`); unknown operation and bad JSON: 400; wrong password:
  401 `{"error":"Login failed"}`; non-super user: 403 with
  `unauthorized_access`.
- The CA of a node installed without `replication.hostname` is named after an
  id (e.g. `HarperDB-Certificate-Authority-e15af6ef`), not after the node
  name set later (`cluster_status_native_*.json`, `ca_info`).
EOF
  } >"$OUT/README.md"
}

# ------------------------------------------------------------------ main
if [ "${1:-}" = --nats-inner ]; then
  OUT=$2
  MANIFEST=$3
  part_nats
  exit 0
fi

OUT=${1:-$HERE/../fixtures/hdb}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd -P)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$BASE"

MANIFEST=$WORK/plain.tsv
: >"$MANIFEST"
( part_plain )
VERSION=$(node -p 'require(process.argv[1]).version' "$OUT/registration_info.json")

: >"$WORK/nats.tsv"
unshare -n -- bash "$HERE/capture-fixtures.sh" --nats-inner "$OUT" "$WORK/nats.tsv" \
  || die "NATS part failed (needs unshare -n: root or user namespaces)"

write_readme "$VERSION" "$WORK/plain.tsv" "$WORK/nats.tsv"
log "wrote $(ls "$OUT"/*.json | wc -l) files and README.md into $OUT"
