#!/usr/bin/env bash
# test-cli-replication.sh CLI_BINARY
#
# clusterdeck-cli set, pending, plan, apply, history and discard against two
# real Harper nodes of the version under test (native replication), on its own keyring: run
# through tests/with-keyring.sh (fresh HOME, XDG dirs and an unlocked
# gnome-keyring). Prints TAP.
#
# node1 and node2 first replicate everything (enable + connect). Then:
#   set on nosuchdb.nosuchtable, nosuchdb and clidb.nosuchtable
#                                         refused (exit 1, one line naming
#                                         it), pending.json unchanged
#   set node1 node2 clidb --publish off   staged only: both servers' cluster_status
#                                         unchanged, records still flow
#   pending, plan                         the change; remove_node + add_node, no secret
#   apply --yes                           sent: node1's records of clidb.dog stop
#                                         reaching node2, node2's still reach node1
#   history                               what was applied, no secret
#   set ... --publish on, apply --yes     update_node: the held record and new ones flow
#   set ... --subscribe off, discard      nothing pending, nothing sent
#   set on a table only node2 has         staged (the grid shows it), discarded
#   two `set` processes at once           20 tables staged, 10 by each: all 20 pending
# with the exit statuses of DESIGN.md §6 (0 success, 1 failure, 2 usage).
#
# A third node, enabled but without any table, then shows what connect does
# about tables one side lacks (replication never creates them):
#   connect node1 node3                   exit 1, naming each missing table;
#                                         nothing sent (no node added on either)
#   connect node1 node3 --create-missing  creates them on node3, connects, and
#                                         a record of node1 reaches node3
#
# Records are written and looked for with curl on the operations API. A
# record of clidb.dog is followed by a control record in another database
# (ctldb.ctl, replicated both ways throughout); once the control arrived, the
# link carries that direction, and the dog record gets ABSENT_S more. The
# control is not in clidb: Harper resumes a database's stream from the last
# record it received in that database, so a control there would move that
# point past a held record, which would then never arrive.
set -uo pipefail

cli=$1
# shellcheck source-path=SCRIPTDIR source=tap.sh
. "$(dirname "$0")/tap.sh"

ARRIVE_S=30   # a record on a link that carries it arrives within this
ABSENT_S=3    # ... and one the link does not carry is still absent after this
SWITCH_S=20   # Harper applies new subscriptions shortly after answering

need_fresh_xdg
base=$(cli_base_dir clusterdeck-cli-repl)
start_nodes "$base" 3 28150 HARPER_REPLICATION=0 || tap_done
echo "# Harper $HARPER_VERSION: 3 nodes in ${HARPER_START_SECONDS}s at $HARPER_NODE1_URL, $HARPER_NODE2_URL, $HARPER_NODE3_URL"
n1=$HARPER_NODE1_URL
n2=$HARPER_NODE2_URL
n3=$HARPER_NODE3_URL

cluster_user=repl_cluster
export CLUSTERDECK_CLUSTER_PASSWORD=Repl-Cli-Pass-9
export CLUSTERDECK_PASSWORD=$HARPER_PASS
# What must never be printed: both passwords and their Basic authorizations.
secrets=("$CLUSTERDECK_CLUSTER_PASSWORD" "$HARPER_PASS"
         "$(printf '%s:%s' "$cluster_user" "$CLUSTERDECK_CLUSTER_PASSWORD" | base64 -w0)"
         "$(printf '%s:%s' "$HARPER_USER" "$HARPER_PASS" | base64 -w0)"
         "Basic ")
secret_names=("the cluster password" "the admin password"
              "the cluster user's Basic credentials (base64)"
              "the admin's Basic credentials (base64)" "\"Basic \"")
held=0

# An operation sent straight to a node (set-up and checks; the CLI does the rest).
op() { curl -s -m 10 -u "$HARPER_USER:$HARPER_PASS" -H 'Content-Type: application/json' -d "$2" "$1"; }

next_id=1
# write URL DB TABLE: writes record $next_id, sets id to it
write() {
  id=$next_id
  next_id=$((next_id + 1))
  op "$1" "{\"operation\":\"insert\",\"database\":\"$2\",\"table\":\"$3\",\"records\":[{\"id\":$id,\"label\":\"cli test\"}]}" >/dev/null
}
# wait_record URL DB TABLE ID SECONDS: whether record ID is there within SECONDS
wait_record() {
  local end=$((${EPOCHREALTIME/[.,]/} + $5 * 1000000))
  while :; do
    op "$1" "{\"operation\":\"search_by_id\",\"database\":\"$2\",\"table\":\"$3\",\"ids\":[$4],\"get_attributes\":[\"id\"]}" |
      grep -Eq "\"id\":$4[,}]" && return 0
    [ "${EPOCHREALTIME/[.,]/}" -lt "$end" ] || return 1
    sleep 0.2
  done
}
# send_dog FROM TO SECONDS: writes a clidb.dog record on FROM (dog_id), then a
# control record, waits for the control on TO, then up to SECONDS for the dog.
# Returns 0 when the dog record arrived, 1 when not, 2 when the control did not.
send_dog() {
  local ctl
  write "$1" clidb dog; dog_id=$id
  write "$1" ctldb ctl; ctl=$id
  wait_record "$2" ctldb ctl "$ctl" "$ARRIVE_S" || return 2
  wait_record "$2" clidb dog "$dog_id" "$3"
}
# flows DESCRIPTION FROM TO: a record of clidb.dog goes from FROM to TO
flows() {
  send_dog "$2" "$3" "$ARRIVE_S"
  case $? in
    0) ok "$1" ;;
    1) not_ok "$1" "record $dog_id did not arrive within $ARRIVE_S s" ;;
    *) not_ok "$1" "the control record did not arrive within $ARRIVE_S s: the link is down" ;;
  esac
}
# does_not_flow DESCRIPTION FROM TO: a record of clidb.dog no longer goes from
# FROM to TO. Harper switches some time after update_node/add_node answered,
# so a record may still go through at first; probe until one does not, within
# SWITCH_S. held is the record that did not go.
does_not_flow() {
  local start=$SECONDS through=0 rc
  while :; do
    send_dog "$2" "$3" "$ABSENT_S"; rc=$?
    if [ $rc = 1 ]; then
      held=$dog_id
      ok "$1"
      [ $through = 0 ] || diag "$through record(s) went through before the switch took effect"
      return
    fi
    if [ $rc = 2 ]; then
      not_ok "$1" "the control record did not arrive within $ARRIVE_S s: the link is down"
      return
    fi
    through=$((through + 1))
    if [ $((SECONDS - start)) -ge $SWITCH_S ]; then
      not_ok "$1" "$through records went through in $((SECONDS - start)) s"
      return
    fi
  done
}
# replication URL: the node's connections from cluster_status as one line of
# JSON (peer, URL, full replication, sorted subscriptions), nothing volatile
# and no retained authorization (Harper returns it in clear, quirk Q11)
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
snapshot() { snap1=$(replication "$n1"); snap2=$(replication "$n2"); }
# unchanged DESCRIPTION: both nodes' replication as at the last snapshot
unchanged() {
  local now1 now2
  now1=$(replication "$n1"); now2=$(replication "$n2")
  [ "$now1" = "$snap1" ] && [ "$now2" = "$snap2" ]
  check "$1" $? "node1 was: $snap1" "node1 is:  $now1" "node2 was: $snap2" "node2 is:  $now2"
}
# no_secret DESCRIPTION TEXT: none of the secrets in TEXT
no_secret() {
  local k found=()
  for k in "${!secrets[@]}"; do
    grep -qF -- "${secrets[$k]}" <<<"$2" && found+=("${secret_names[$k]}")
  done
  check "$1" ${#found[@]} "${found[@]/#/found: }"
}
# run ARGS...: the CLI, standard input not a terminal; stdout and stderr into
# out, exit status into rc
run() { out=$("$cli" "$@" </dev/null 2>&1); rc=$?; }
# the nodes' replication URLs, as plans show them
repl_url1=ws://127.0.0.1:$HARPER_NODE1_PORT
repl_url2=ws://127.0.0.1:$HARPER_NODE2_PORT

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
# node3: registered, no table at all
"$cli" instance add --org Demo --name node3 --url "$n3" --username "$HARPER_USER" \
  </dev/null >/dev/null 2>&1
out=$( { "$cli" enable node1 --cluster-user "$cluster_user" &&
         "$cli" enable node2 --cluster-user "$cluster_user" &&
         "$cli" connect node1 node2; } </dev/null 2>&1); rc=$?
if [ $rc = 0 ] && grep -q 'Connected' <<<"$out"; then
  ok "set-up: enable both nodes and connect them (full replication)"
else
  not_ok "set-up: enable both nodes and connect them (exit status $rc)" "$out"
  tap_done
fi
flows "set-up: a record written on node1 reaches node2" "$n1" "$n2"
flows "set-up: a record written on node2 reaches node1" "$n2" "$n1"

# ------------------------------------------------------------------ set
run pending
[ $rc = 0 ] && [ "$out" = "No pending changes." ]
check "pending: nothing at first (exit 0)" $? "exit status $rc" "$out"
run history
[ $rc = 0 ] && [ "$out" = "No changes have been applied yet." ]
check "history: nothing at first (exit 0)" $? "exit status $rc" "$out"

snapshot
run set node1 node2 clidb
[ $rc = 2 ]
check "set without --publish or --subscribe is a usage error (exit 2)" $? "exit status $rc" "$out"
run set node1 node2 clidb --publish maybe
[ $rc = 2 ]
check "set --publish maybe is a usage error (exit 2)" $? "exit status $rc" "$out"
run set node1 node2 --publish off
[ $rc = 2 ]
check "set without a DATABASE is a usage error (exit 2)" $? "exit status $rc" "$out"
run set node1 node9 clidb --publish off
[ $rc = 1 ] && [ "$(wc -l <<<"$out")" = 1 ]
check "set to an unknown peer fails with one sentence (exit 1)" $? "exit status $rc" "$out"

# What set refuses stages nothing: pending.json stays as it was.
pending_file=$XDG_STATE_HOME/clusterdeck/pending.json
pending_sum() { cat "$pending_file" 2>/dev/null | md5sum; }
before=$(pending_sum)
run set node1 node2 nosuchdb.nosuchtable --publish off
[ $rc = 1 ] && [ "$(wc -l <<<"$out")" = 1 ] && grep -q '“nosuchdb”' <<<"$out" && [ "$(pending_sum)" = "$before" ]
check "set on a database neither node has: exit 1, one line naming it, nothing staged" $? \
  "exit status $rc" "$out"
run set node1 node2 nosuchdb --subscribe off
[ $rc = 1 ] && [ "$(wc -l <<<"$out")" = 1 ] && grep -q '“nosuchdb”' <<<"$out" && [ "$(pending_sum)" = "$before" ]
check "set on a whole database neither node has: exit 1, one line naming it, nothing staged" $? \
  "exit status $rc" "$out"
run set node1 node2 clidb.nosuchtable --publish off
[ $rc = 1 ] && [ "$(wc -l <<<"$out")" = 1 ] && grep -q '“nosuchtable”' <<<"$out" && [ "$(pending_sum)" = "$before" ]
check "set on a table neither node has (its database exists): exit 1, one line naming it, nothing staged" $? \
  "exit status $rc" "$out"
run pending
[ $rc = 0 ] && [ "$out" = "No pending changes." ]
check "nothing is pending after the refused sets" $? "exit status $rc" "$out"

run set node1 node2 clidb --publish off
[ $rc = 0 ] && grep -q '^Staged 1 table; 1 change is pending\.$' <<<"$out"
check "set node1 node2 clidb --publish off stages every table of clidb (exit 0)" $? \
  "exit status $rc" "$out"
unchanged "set sends nothing: both nodes' cluster_status unchanged"
flows "set sends nothing: node1's records still reach node2" "$n1" "$n2"

# ------------------------------------------------------------------ pending
run pending
[ $rc = 0 ] && [ "$out" = "node1 → node2 clidb.dog: publish off (was on) [full replication]" ]
check "pending lists the staged change and what it was" $? "exit status $rc" "$out"
run --json pending
/usr/bin/python3 -c '
import json, sys
assert json.loads(sys.argv[1]) == [{"instance": "node1", "peer": "node2", "database": "clidb",
                                    "table": "dog", "publish": False, "subscribe": None}]' "$out" 2>/dev/null
check "pending --json lists it too" $? "$out"

# ------------------------------------------------------------------ plan
# Plans name an instance by its name (and its node name, when it differs).
node1_label="node1"
run plan
want="First, cluster_status on $node1_label and node2: nothing is sent if a link changed since it was loaded.
Full replication between $node1_label and node2 ends. Harper keeps one node table for all of them, so every link between them is removed on both sides and added again with per-table subscriptions, which keep every table but what was changed; the system database (users, roles) no longer replicates. Sent in this order; a failure stops the rest:
  1. On $node1_label: remove_node node2 ($repl_url2)
     ends full replication, to add the node again with per-table subscriptions
  2. On node2: remove_node node1 ($repl_url1)
     ends full replication, to add the node again with per-table subscriptions
  3. On $node1_label: add_node node2 ($repl_url2)
     authorization: (cluster user, hidden), retained (plain ws://)
     clidb.dog: publish off (changed, was on), subscribe on
     ctldb.ctl: publish on, subscribe on
  4. Read back on $node1_label and node2 (cluster_status): every link compared with this plan
7 requests."
[ $rc = 0 ] && [ "$out" = "$want" ]
check "plan prints every request: the reads, remove_node on both sides, add_node with every table, the read-back (exit 0)" $? \
  "exit status $rc" "got:" "$out" "want:" "$want"
no_secret "plan prints neither password nor Basic authorization (stdout and stderr)" "$out"
unchanged "plan sends nothing"

run apply
[ $rc = 2 ] && grep -q -- '--yes' <<<"$out"
check "apply without --yes, standard input not a terminal: usage error (exit 2)" $? \
  "exit status $rc" "$out"
unchanged "apply without --yes sends nothing"

# ------------------------------------------------------------------ apply
run apply --yes
[ $rc = 0 ] && grep -qx 'node1 → node2: remove_node: ok' <<<"$out" &&
  grep -qx 'node2 → node1: remove_node: ok' <<<"$out" &&
  grep -qx 'node1 → node2: add_node: ok' <<<"$out" &&
  grep -qx '3 ok, 0 failed; 0 changes still pending.' <<<"$out"
check "apply --yes sends it, one line per operation (exit 0)" $? "exit status $rc" "$out"
no_secret "apply prints neither password nor Basic authorization" "$out"

now=$(replication "$n1")
want="[[\"node2\", \"$repl_url2\", false, [[\"clidb\", \"dog\", false, true], [\"ctldb\", \"ctl\", true, true]]]]"
[ "$now" = "$want" ]
check "node1's cluster_status: clidb.dog publish off, subscribe on" $? "got:  $now" "want: $want"

does_not_flow "after apply: node1's records of clidb.dog no longer reach node2" "$n1" "$n2"
flows "after apply: node2's records still reach node1" "$n2" "$n1"

run pending
[ $rc = 0 ] && [ "$out" = "No pending changes." ]
check "pending is empty after a full success" $? "$out"

# ------------------------------------------------------------------ history
# A line: time, instance → peer, operation, result: changes (Harper's message)
time='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z'
run history
[ $rc = 0 ] && [ "$(grep -c . <<<"$out")" = 3 ] &&
  grep -Eq "^$time node1 → node2 remove_node ok: clidb\.dog: publish off \(.*\)$" <<<"$out" &&
  grep -Eq "^$time node2 → node1 remove_node ok: clidb\.dog: publish off \(.*\)$" <<<"$out" &&
  grep -Eq "^$time node1 → node2 add_node ok: clidb\.dog: publish off \(.*\)$" <<<"$out"
check "history shows what was applied (exit 0)" $? "exit status $rc" "$out"
no_secret "the history file holds no secret" "$(cat "$XDG_STATE_HOME/clusterdeck/history.jsonl")"

# ------------------------------------------------------------------ and back on
# One update_node where Harper changes a link in place; where it does not
# (4.5+, as the app's table says), the link is made anew: removed on both
# sides, then added with the new subscriptions.
in_place=$("${HARPER_CAPABILITIES:?}" "$HARPER_VERSION" updates_in_place)
run set node1 node2 clidb.dog --publish on
run plan
# Switching a direction on from off: the plan says what Harper does not send.
reopened="Switched on (from off):
  clidb.dog: $node1_label publishes to node2
Records written while this direction was off may never arrive: Harper does not send them when it is on again. Compare the record counts afterwards (Check Record Counts, or clusterdeck-cli check)."
if [ "$in_place" = yes ]; then
  want="First, cluster_status on $node1_label: nothing is sent if a link changed since it was loaded.
On $node1_label:
  1. update_node node2 ($repl_url2)
     authorization: (cluster user, hidden), retained (plain ws://)
     clidb.dog: publish on (changed, was off), subscribe on
     ctldb.ctl: publish on, subscribe on
$reopened
2 requests."
  sent_lines="node1 → node2: update_node: ok"
else
  want="First, cluster_status on $node1_label and node2: nothing is sent if a link changed since it was loaded.
The link of $node1_label and node2 is made anew: its Harper version does not change a link in place, so it is removed on both sides and added again with the new subscriptions. Sent in this order; a failure stops the rest:
  1. On $node1_label: remove_node node2 ($repl_url2)
     removes the link, to add it again with the new subscriptions (this Harper version does not change a link in place)
  2. On node2: remove_node node1 ($repl_url1)
     removes the link, to add it again with the new subscriptions (this Harper version does not change a link in place)
  3. On $node1_label: add_node node2 ($repl_url2)
     authorization: (cluster user, hidden), retained (plain ws://)
     clidb.dog: publish on (changed, was off), subscribe on
     ctldb.ctl: publish on, subscribe on
  4. Read back on $node1_label and node2 (cluster_status): every link compared with this plan
$reopened
7 requests."
  sent_lines="node1 → node2: remove_node: ok
node2 → node1: remove_node: ok
node1 → node2: add_node: ok"
fi
n_ops=$(grep -c . <<<"$sent_lines")
[ $rc = 0 ] && [ "$out" = "$want" ]
check "set DATABASE.TABLE --publish on: the plan (Harper $HARPER_VERSION changes a link in place: $in_place)" $? \
  "got:" "$out" "want:" "$want"
run apply --yes
sent=yes
while read -r line; do grep -qxF "$line" <<<"$out" || sent=no; done <<<"$sent_lines"
[ $rc = 0 ] && [ $sent = yes ]
check "apply --yes sends the $n_ops operation(s) of the plan (exit 0)" $? "exit status $rc" "$out"
flows "publish on again: node1's new records reach node2" "$n1" "$n2"
# Not guaranteed (Harper resumes a database's stream after the last record
# the peer received): reported, not asserted.
if wait_record "$n2" clidb dog "$held" 0; then
  diag "publish on again: the record held back ($held) caught up on node2"
else
  diag "publish on again: the record held back ($held) did not catch up on node2 (Harper does not guarantee it)"
fi
run history
[ "$(grep -c . <<<"$out")" = $((3 + n_ops)) ] &&
  grep -Eq "^$time node1 → node2 (update_node|add_node) ok: clidb\.dog: publish on \(.*\)$" <<<"$out"
check "history shows the publish on too" $? "$out"

# ------------------------------------------------------------------ discard
snapshot
run set node1 node2 clidb.dog --subscribe off
run discard
[ $rc = 0 ] && [ "$out" = "Discarded 1 pending change." ]
check "discard drops the staged change (exit 0)" $? "exit status $rc" "$out"
run pending
[ $rc = 0 ] && [ "$out" = "No pending changes." ]
check "pending is empty after discard" $? "$out"
run plan
[ $rc = 0 ] && [ "$out" = "Nothing to apply." ]
check "plan: nothing to apply (exit 0)" $? "exit status $rc" "$out"
run apply --yes
[ $rc = 0 ] && [ "$out" = "Nothing to apply." ]
check "apply --yes with nothing pending sends nothing (exit 0)" $? "exit status $rc" "$out"
unchanged "set + discard sent nothing"
flows "set + discard: node2's records still reach node1" "$n2" "$n1"

# ------------------------------------------------------------------ one side's table
# A table only node2 has is a row of the grid (missing on this instance):
# set stages it.
op "$n2" '{"operation":"create_database","database":"solodb"}' >/dev/null
op "$n2" '{"operation":"create_table","database":"solodb","table":"only","primary_key":"id"}' >/dev/null
on_node1=$(op "$n1" '{"operation":"describe_all"}' | /usr/bin/python3 -c 'import json, sys; print("solodb" in json.load(sys.stdin))' 2>&1)
run set node1 node2 solodb.only --subscribe on
[ $rc = 0 ] && grep -q '^Staged 1 table; 1 change is pending\.$' <<<"$out" && [ "$on_node1" = False ]
check "set on a table only the peer has stages it, as the grid shows it (exit 0)" $? \
  "exit status $rc" "$out" "solodb on node1: $on_node1"
run discard
[ $rc = 0 ] && [ "$out" = "Discarded 1 pending change." ]
check "discard drops it" $? "exit status $rc" "$out"

# ------------------------------------------------------------------ two writers
# Two clusterdeck-cli processes staging 10 changes each at the same time
# (tables con01..con20 of clidb, on both nodes): all 20 end up pending.
for i in $(seq -w 1 20); do
  for url in "$n1" "$n2"; do
    op "$url" "{\"operation\":\"create_table\",\"database\":\"clidb\",\"table\":\"con$i\",\"primary_key\":\"id\"}" >/dev/null
  done
done
stager() { # stager FIRST LAST: one set per table, one process each
  local i rc_set
  for i in $(seq -w "$1" "$2"); do
    "$cli" set node1 node2 "clidb.con$i" --publish on </dev/null >/dev/null 2>"$base/set-$i.err"
    rc_set=$?
    [ $rc_set = 0 ] || echo "set clidb.con$i exited $rc_set: $(cat "$base/set-$i.err")"
  done
}
stager 01 10 >"$base/stager1.log" &
stager1=$!
stager 11 20 >"$base/stager2.log" &
stager2=$!
wait $stager1; wait $stager2
run --json pending
n=$(/usr/bin/python3 -c 'import json, sys; print(len([c for c in json.loads(sys.argv[1]) if c["table"].startswith("con")]))' "$out" 2>/dev/null)
[ "$n" = 20 ] && [ ! -s "$base/stager1.log" ] && [ ! -s "$base/stager2.log" ]
check "two clusterdeck-cli processes staging 10 changes each at once: all 20 pending" $? \
  "$n pending" "$(cat "$base/stager1.log" "$base/stager2.log")"
run discard
[ $rc = 0 ] && [ "$out" = "Discarded 20 pending changes." ]
check "discard drops all 20" $? "exit status $rc" "$out"

bad=
for c in pending discard plan history; do
  run "$c" extra
  [ $rc = 2 ] || bad="$bad $c:$rc"
done
[ -z "$bad" ]
check "pending, discard, plan and history take no arguments (exit 2)" $? "exit statuses:$bad"

# ------------------------------------------------------------------ missing tables
# tables NODE_URL: the node's non-system databases and tables, "db.table" sorted
tables() {
  op "$1" '{"operation":"describe_all"}' | /usr/bin/python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except ValueError:
    print("unreadable describe_all"); sys.exit(0)
print(" ".join(sorted(db + "." + t for db, ts in d.items() if db != "system" and isinstance(ts, dict)
                      for t in ts)))'
}
run enable node3 --cluster-user "$cluster_user"
[ $rc = 0 ]
check "enable node3 (no tables) (exit 0)" $? "exit status $rc" "$out"

snap1=$(replication "$n1"); snap3=$(replication "$n3")
# node1's tables (clidb.dog, ctldb.ctl and those of the two writers), which
# node3 lacks: "a.b c.d" and "a.b, c.d"
node1_tables=$(tables "$n1")
run connect node1 node3
want="clusterdeck-cli: “node3” lacks the tables ${node1_tables// /, }, which would not replicate (replication never creates them): create them there first, or run connect with --create-missing."
[ $rc = 1 ] && [ "$out" = "$want" ]
check "connect to a node that lacks tables: exit 1, one sentence naming them" $? \
  "exit status $rc" "got:  $out" "want: $want"
now1=$(replication "$n1"); now3=$(replication "$n3")
[ "$now1" = "$snap1" ] && [ "$now3" = "$snap3" ] && ! grep -q node3 <<<"$now1" && [ "$now3" = "[]" ]
check "nothing sent: no node added on node1 or node3 (cluster_status unchanged)" $? \
  "node1 was: $snap1" "node1 is:  $now1" "node3 was: $snap3" "node3 is:  $now3"
now3=$(tables "$n3")
[ -z "$now3" ]
check "nothing sent: node3 still has no table" $? "node3 has: $now3"

run connect node1 node3 --create-missing
[ $rc = 0 ] && grep -qxF "Created ${node1_tables// /, } on “node3”." <<<"$out" &&
  grep -q '^Connected “node1” (node node1) to “node3” (node node3)\.$' <<<"$out"
check "connect --create-missing creates the tables on node3, then connects (exit 0)" $? \
  "exit status $rc" "$out"
no_secret "connect --create-missing prints neither password nor Basic authorization" "$out"
now3=$(tables "$n3")
[ "$now3" = "$node1_tables" ]
check "node3 has the tables now" $? "node3 has: $now3" "node1 has: $node1_tables"
now1=$(replication "$n1"); now3=$(replication "$n3")
grep -q '"node3"' <<<"$now1" && grep -q '"node1"' <<<"$now3"
check "node1 and node3 list each other in cluster_status" $? "node1: $now1" "node3: $now3"
write "$n1" clidb dog
wait_record "$n3" clidb dog "$id" "$ARRIVE_S"
check "a record written on node1 after the connect reaches node3" $? "record $id"
tap_done
