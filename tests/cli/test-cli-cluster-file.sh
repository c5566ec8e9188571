#!/usr/bin/env bash
# test-cli-cluster-file.sh CLI_BINARY
#
# The cluster as a file and the consistency check, against two real Harper
# nodes (native replication), on its own keyring (run through
# tests/with-keyring.sh). Prints TAP.
#
#   check (full replication, every record arrived)   exit 0, every table equal,
#                                                     counts as describe_table says
#   node1 stops publishing clidb.dog to node2, a record is written on node1 and
#   held (the test sees it absent on node2 while the control record arrived)
#   check                                             exit 1, clidb.dog differs, with
#                                                     both nodes' describe_table counts
#   export -o FILE                                    the format, both instances and
#                                                     the link, no secret
#   node1 publishes clidb.dog again (a change after the export)
#   plan -f FILE                                      exit 0, the update_node that
#                                                     switches it back off; nothing sent
#   apply -f FILE --yes                               both nodes' cluster_status as at
#                                                     the export; then plan -f: matches
#   status --watch                                    the first reading; node2 SIGSTOPped:
#                                                     unreachable; SIGCONT: reachable; SIGINT: exit 0;
#                                                     with a second organization that has a
#                                                     node1, text lines say Demo/node1, Staging/node1
#   plan -f on hostile files                          exit 1, one sentence naming the problem
#
# The counts compared are read from the servers by the test itself
# (describe_table), never literals: what matters is that check tells what
# the servers say.
set -uo pipefail

cli=$1
# shellcheck source-path=SCRIPTDIR source=tap.sh
. "$(dirname "$0")/tap.sh"

ARRIVE_S=30   # a record on a link that carries it arrives within this
ABSENT_S=3    # ... and one the link does not carry is still absent after this
SWITCH_S=20   # Harper applies new subscriptions shortly after answering

need_fresh_xdg
base=$(cli_base_dir clusterdeck-cli-file)
start_nodes "$base" 2 30400 HARPER_REPLICATION=0 || tap_done
echo "# Harper $HARPER_VERSION: 2 nodes in ${HARPER_START_SECONDS}s at $HARPER_NODE1_URL, $HARPER_NODE2_URL"
n1=$HARPER_NODE1_URL
n2=$HARPER_NODE2_URL

cluster_user=file_cluster
export CLUSTERDECK_CLUSTER_PASSWORD=File-Cli-Pass-7
export CLUSTERDECK_PASSWORD=$HARPER_PASS
secrets=("$CLUSTERDECK_CLUSTER_PASSWORD" "$HARPER_PASS"
         "$(printf '%s:%s' "$cluster_user" "$CLUSTERDECK_CLUSTER_PASSWORD" | base64 -w0)"
         "$(printf '%s:%s' "$HARPER_USER" "$HARPER_PASS" | base64 -w0)"
         "Basic ")

op() { curl -s -m 10 -u "$HARPER_USER:$HARPER_PASS" -H 'Content-Type: application/json' -d "$2" "$1"; }

next_id=1
write() {
  id=$next_id
  next_id=$((next_id + 1))
  op "$1" "{\"operation\":\"insert\",\"database\":\"$2\",\"table\":\"$3\",\"records\":[{\"id\":$id,\"label\":\"file test\"}]}" >/dev/null
}
wait_record() {
  local end=$((${EPOCHREALTIME/[.,]/} + $5 * 1000000))
  while :; do
    op "$1" "{\"operation\":\"search_by_id\",\"database\":\"$2\",\"table\":\"$3\",\"ids\":[$4],\"get_attributes\":[\"id\"]}" |
      grep -Eq "\"id\":$4[,}]" && return 0
    [ "${EPOCHREALTIME/[.,]/}" -lt "$end" ] || return 1
    sleep 0.2
  done
}
# As in test-cli-replication.sh: a dog record, then a control record in
# another database; once the control arrived the link carries that direction.
send_dog() {
  local ctl
  write "$1" clidb dog; dog_id=$id
  write "$1" ctldb ctl; ctl=$id
  wait_record "$2" ctldb ctl "$ctl" "$ARRIVE_S" || return 2
  wait_record "$2" clidb dog "$dog_id" "$3"
}
flows() {
  send_dog "$2" "$3" "$ARRIVE_S"
  case $? in
    0) ok "$1" ;;
    1) not_ok "$1" "record $dog_id did not arrive within $ARRIVE_S s" ;;
    *) not_ok "$1" "the control record did not arrive within $ARRIVE_S s: the link is down" ;;
  esac
}
does_not_flow() {
  local start=$SECONDS rc
  while :; do
    send_dog "$2" "$3" "$ABSENT_S"; rc=$?
    if [ $rc = 1 ]; then ok "$1"; return 0; fi
    if [ $rc = 2 ]; then not_ok "$1" "the control record did not arrive: the link is down"; return 1; fi
    if [ $((SECONDS - start)) -ge $SWITCH_S ]; then
      not_ok "$1" "records still went through after $((SECONDS - start)) s"; return 1
    fi
  done
}
# count URL DB TABLE: the table's record_count as the node says
count() {
  op "$1" "{\"operation\":\"describe_table\",\"database\":\"$2\",\"table\":\"$3\"}" |
    /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin).get("record_count"))'
}
replication() {
  op "$1" '{"operation":"cluster_status"}' | /usr/bin/python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except ValueError:
    print("unreadable cluster_status"); sys.exit(0)
out = []
for c in d.get("connections") or []:
    subs = sorted([s.get("database") or s.get("schema"), s.get("table"),
                   bool(s.get("publish")), bool(s.get("subscribe"))]
                  for s in c.get("subscriptions") or [])
    out.append([c.get("name") or c.get("node_name"), c.get("url"), bool(c.get("replicates")), subs])
print(json.dumps(sorted(out, key=str)))'
}
no_secret() {
  local k found=0
  for k in "${!secrets[@]}"; do
    grep -qF -- "${secrets[$k]}" <<<"$2" && found=$((found + 1))
  done
  check "$1" $found "$found secret(s) found"
}
run() { out=$("$cli" "$@" </dev/null 2>&1); rc=$?; }
runo() { out=$("$cli" "$@" </dev/null 2>/dev/null); rc=$?; }

# ------------------------------------------------------------------ set-up
"$cli" org add Demo >/dev/null
for i in 1 2; do
  url_var=HARPER_NODE${i}_URL
  "$cli" instance add --org Demo --name "node$i" --url "${!url_var}" --username "$HARPER_USER" \
    </dev/null >/dev/null 2>&1
  for t in clidb.dog ctldb.ctl; do
    op "${!url_var}" "{\"operation\":\"create_database\",\"database\":\"${t%.*}\"}" >/dev/null
    op "${!url_var}" "{\"operation\":\"create_table\",\"database\":\"${t%.*}\",\"table\":\"${t#*.}\",\"primary_key\":\"id\"}" >/dev/null
  done
done
out=$( { "$cli" enable node1 --cluster-user "$cluster_user" &&
         "$cli" enable node2 --cluster-user "$cluster_user" &&
         "$cli" connect node1 node2; } </dev/null 2>&1); rc=$?
if [ $rc = 0 ]; then
  ok "set-up: enable both nodes and connect them (full replication)"
else
  not_ok "set-up: enable both nodes and connect them (exit status $rc)" "$out"
  tap_done
fi
flows "set-up: a record written on node1 reaches node2" "$n1" "$n2"
flows "set-up: a record written on node2 reaches node1" "$n2" "$n1"

# check_json_matches DESCRIPTION JSON: every row's counts are what
# describe_table says on each node right now (the test writes nothing meanwhile)
check_counts() {
  local rows want
  rows=$(/usr/bin/python3 -c '
import json, sys
d = json.loads(sys.argv[1])
for r in d["tables"]:
    print(r["instance"], r["peer"], r["database"], r["table"], r["instance_count"], r["peer_count"], r["equal"])' "$2" 2>&1)
  want=""
  for t in clidb.dog ctldb.ctl; do
    c1=$(count "$n1" "${t%.*}" "${t#*.}"); c2=$(count "$n2" "${t%.*}" "${t#*.}")
    eq=False; [ "$c1" = "$c2" ] && eq=True
    want+="node1 node2 ${t%.*} ${t#*.} $c1 $c2 $eq"$'\n'
  done
  [ "$rows" = "${want%$'\n'}" ]
  check "$1" $? "check says:" "$rows" "describe_table says:" "$want"
}

# ------------------------------------------------------------------ check, equal
runo --json check
check_json=$out
[ $rc = 0 ] && /usr/bin/python3 -c 'import json,sys; assert json.loads(sys.argv[1])["consistent"] is True' "$out" 2>/dev/null
check "check: every record arrived both ways: consistent (exit 0)" $? "exit status $rc" "$out"
check_counts "check --json: the counts are those describe_table gives on each node" "$check_json"
run check
[ $rc = 0 ] && grep -q '^2 tables checked: the same record counts on both sides\.$' <<<"$out"
check "check (text): says the tables agree (exit 0)" $? "exit status $rc" "$out"

# ------------------------------------------------------------------ a direction off
run set node1 node2 clidb.dog --publish off
run apply --yes
[ $rc = 0 ]
check "node1 stops publishing clidb.dog to node2 (apply --yes, exit 0)" $? "exit status $rc" "$out"
# A record written now stays on node1: proven absent on node2 while the
# control record of the same write arrived. The difference is certain.
does_not_flow "a record of clidb.dog written on node1 is held from node2" "$n1" "$n2"

runo --json check
check_json=$out
[ $rc = 1 ] && /usr/bin/python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["consistent"] is False
dog = [r for r in d["tables"] if r["table"] == "dog"][0]
assert dog["equal"] is False and dog["to_peer"] is False and dog["from_peer"] is True
assert dog["instance_count"] > dog["peer_count"]' "$out" 2>/dev/null
check "check: clidb.dog differs after a record written while node1 → node2 was off (exit 1)" $? \
  "exit status $rc" "$out"
check_counts "check --json: both counts are those describe_table gives" "$check_json"
run check
c1=$(count "$n1" clidb dog); c2=$(count "$n2" clidb dog)
[ $rc = 1 ] && grep -qF "clidb.dog differs: node1 has $c1 records, node2 has $c2 (node1 ← node2)" <<<"$out" &&
  grep -q '^Tables that differ: 1 of 2\.' <<<"$out"
check "check (text): names the table with both numbers (exit 1)" $? "exit status $rc" "$out"

# ------------------------------------------------------------------ export
file=$base/cluster.json
run export -o "$file"
snap1=$(replication "$n1"); snap2=$(replication "$n2")
[ $rc = 0 ] && [ -z "$out" ] && /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == "clusterdeck-cluster" and d["version"] == 1 and d["organization"] == "Demo"
names = [i["name"] for i in d["instances"]]
assert names == ["node1", "node2"], names
n1 = d["instances"][0]
assert n1["engine"] == "native" and n1["node_name"]
link = n1["connections"][0]
assert link["full_replication"] is False
dog = [s for s in link["subscriptions"] if s["table"] == "dog"][0]
assert dog == {"database": "clidb", "table": "dog", "publish": False, "subscribe": True}, dog' "$file" 2>/dev/null
check "export -o FILE: the format, both instances, node1's link with clidb.dog publish off (exit 0)" $? \
  "exit status $rc" "$out" "$(cat "$file" 2>&1)"
no_secret "the exported file holds no secret" "$(cat "$file")"
runo export
[ $rc = 0 ] && [ "$(/usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d.pop("exported"); print(json.dumps(d, sort_keys=True))' "$out")" = \
                  "$(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop("exported"); print(json.dumps(d, sort_keys=True))' "$file")" ]
check "export to standard output: the same file" $? "exit status $rc"

# ------------------------------------------------------------------ a change after the export
run set node1 node2 clidb.dog --publish on
run apply --yes
[ $rc = 0 ]
check "after the export, node1 publishes clidb.dog again (exit 0)" $? "exit status $rc" "$out"
changed1=$(replication "$n1"); changed2=$(replication "$n2")
[ "$changed1" != "$snap1" ]
check "node1's cluster_status changed since the export" $? "$changed1"

# ------------------------------------------------------------------ plan -f
run plan -f "$file"
# Native node records are mirrored (node2's record of node1 changed with
# node1's): one update_node restores both.
[ $rc = 0 ] && [ "$(grep -c 'update_node' <<<"$out")" = 1 ] && grep -qx 'On node1:' <<<"$out" &&
  grep -q 'clidb.dog: publish off (changed, was on)' <<<"$out"
check "plan -f FILE: exactly the update_node on node1 that switches clidb.dog back off (exit 0)" $? \
  "exit status $rc" "$out"
diag "plan -f printed:"; while IFS= read -r line; do diag "  $line"; done <<<"$out"
no_secret "plan -f prints no secret" "$out"
[ "$(replication "$n1")" = "$changed1" ] && [ "$(replication "$n2")" = "$changed2" ]
check "plan -f sends nothing" $?
run apply -f "$file"
[ $rc = 2 ] && [ "$(replication "$n1")" = "$changed1" ]
check "apply -f without --yes, standard input not a terminal: usage error (exit 2), nothing sent" $? \
  "exit status $rc" "$out"

# ------------------------------------------------------------------ apply -f
run apply -f "$file" --yes
[ $rc = 0 ]
check "apply -f FILE --yes (exit 0)" $? "exit status $rc" "$out"
now1=$(replication "$n1"); now2=$(replication "$n2")
[ "$now1" = "$snap1" ] && [ "$now2" = "$snap2" ]
check "apply -f restored both nodes' replication as exported" $? \
  "node1 was: $snap1" "node1 is:  $now1" "node2 was: $snap2" "node2 is:  $now2"
does_not_flow "after apply -f: node1's records of clidb.dog no longer reach node2" "$n1" "$n2"
run plan -f "$file"
[ $rc = 0 ] && grep -q '^The cluster matches the file: nothing to send\.$' <<<"$out"
check "plan -f after apply -f: the cluster matches the file (exit 0)" $? "exit status $rc" "$out"
run pending
[ $rc = 0 ] && [ "$out" = "No pending changes." ]
check "apply -f leaves nothing pending" $? "$out"

# ------------------------------------------------------------------ status --watch
# Reads every second and prints what changed, a JSON object per line. node2
# is stopped (SIGSTOP): its reading times out, and watch says it became
# unreachable; SIGCONT brings it back. Bounded by the client's timeout plus
# generous slack, never by a timed assertion of Harper's own behaviour.
watch_out=$base/watch.jsonl
"$cli" --json status --watch --interval 1 </dev/null >"$watch_out" 2>"$base/watch.err" &
watch_pid=$!
# wait_watch FROM_LINE PATTERN SECONDS: a line after FROM_LINE matches PATTERN
wait_watch() {
  local end=$((SECONDS + $3))
  while [ $SECONDS -lt $end ]; do
    tail -n +"$(($1 + 1))" "$watch_out" | grep -Eq -- "$2" && return 0
    sleep 0.5
  done
  return 1
}
wait_watch 0 '"organization":"Demo","instance":"node1","peer":"node2","database":"clidb","state":"(up-to-date|catching-up|connected)"' 30 &&
  wait_watch 0 '"instance":"node2","peer":null,"database":null,"state":"reachable"' 1
check "status --watch: the first reading, node1's link to node2 (clidb) connected (organization Demo), node2 reachable" $? \
  "$(cat "$watch_out" "$base/watch.err")"
pid2=$("$cluster_script" pid "$base/cluster" 2)
lines=$(wc -l <"$watch_out")
kill -STOP "$pid2"
wait_watch "$lines" '"instance":"node2","peer":null,"database":null,"state":"unreachable"' 60
rc_stop=$?
lines=$(wc -l <"$watch_out")
kill -CONT "$pid2"
check "status --watch: node2 stopped (SIGSTOP) turns unreachable" $rc_stop "$(cat "$watch_out")"
wait_watch "$lines" '"instance":"node2","peer":null,"database":null,"state":"reachable"' 60
check "status --watch: node2 continued (SIGCONT) is reachable again" $? "$(tail -n +"$lines" "$watch_out")"
kill -INT "$watch_pid"
wait "$watch_pid"
rc=$?
[ $rc = 0 ]
check "status --watch ends on SIGINT with exit status 0" $? "exit status $rc" "$(cat "$base/watch.err")"
diag "status --watch printed $(wc -l <"$watch_out") lines; while node2 was stopped:"
while IFS= read -r line; do diag "  $line"; done < <(grep -E 'unreachable|disconnected|catching-up|gone' "$watch_out" | head -n 10)
no_secret "status --watch prints no secret" "$(cat "$watch_out" "$base/watch.err")"

# Two organizations with an instance of the same name: in text, each line
# names the instance as ORG/NAME (the watch's items are kept by instance id).
"$cli" org add Staging >/dev/null
"$cli" instance add --org Staging --name node1 --url "$HARPER_NODE1_URL" --username "$HARPER_USER" \
  </dev/null >/dev/null 2>&1
text_out=$base/watch.txt
"$cli" status --watch --interval 1 </dev/null >"$text_out" 2>"$base/watch-text.err" &
text_pid=$!
tab=$'\t'
for _ in $(seq 1 60); do
  grep -q "${tab}Staging/node1${tab}reachable" "$text_out" &&
    grep -q "${tab}Demo/node1${tab}reachable" "$text_out" && break
  sleep 0.5
done
kill -INT "$text_pid"
wait "$text_pid"
grep -q "${tab}Staging/node1${tab}reachable" "$text_out" && grep -q "${tab}Demo/node1${tab}reachable" "$text_out" &&
  grep -q "${tab}Demo/node2${tab}reachable" "$text_out"
check "status --watch, two organizations with a node1: the lines say Demo/node1 and Staging/node1" $? \
  "$(cat "$text_out" "$base/watch-text.err")"
"$cli" org remove Staging </dev/null >/dev/null 2>&1

# ------------------------------------------------------------------ hostile files
bad=$base/bad.json
hostile() {
  local what=$1 pattern=$2
  printf '%s' "$3" >"$bad"
  run plan -f "$bad"
  [ $rc = 1 ] && [ "$(grep -c . <<<"$out")" = 1 ] && grep -q -- "$pattern" <<<"$out"
  check "plan -f, $what: exit 1, one sentence naming it" $? "exit status $rc" "$out"
}
hostile "not JSON" 'not valid' '{"format": '
hostile "another format" '“format”' '{"format": "x", "version": 1, "instances": []}'
hostile "a newer version" 'newer' '{"format": "clusterdeck-cluster", "version": 99, "instances": []}'
hostile "a switch as a string" '“publish”' '{"format": "clusterdeck-cluster", "version": 1, "organization": "Demo", "instances": [{"name": "node1", "connections": [{"peer": "x", "subscriptions": [{"database": "a", "table": "b", "publish": "yes", "subscribe": true}]}]}]}'
hostile "an instance twice" 'twice' '{"format": "clusterdeck-cluster", "version": 1, "instances": [{"name": "a"}, {"name": "a"}]}'
hostile "nested too deep" 'not valid' "$(printf '%0.s[' $(seq 1 200))"
head -c $((9 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >"$bad"
run plan -f "$bad"
[ $rc = 1 ] && grep -q 'larger' <<<"$out"
check "plan -f, a file larger than the format allows: exit 1" $? "exit status $rc" "$out"
printf '{"format": 1' >"$bad"
runo --json plan -f "$bad"
err=$("$cli" --json plan -f "$bad" 2>&1 >/dev/null </dev/null)
/usr/bin/python3 -c 'import json,sys; assert json.loads(sys.argv[1])["error"]["code"] == "invalid"' "$err" 2>/dev/null
check "plan -f --json, a broken file: the error's code is invalid" $? "$err"
[ "$(replication "$n1")" = "$snap1" ] && [ "$(replication "$n2")" = "$snap2" ]
check "hostile files sent nothing" $?

tap_done
