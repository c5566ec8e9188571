#!/usr/bin/env bash
# test-cli-files.sh CLI_BINARY
#
# clusterdeck-cli and the app's own files, without Harper: run through
# tests/with-keyring.sh (fresh HOME, XDG dirs and an unlocked keyring).
# Prints TAP.
#
# - organizations.json, pending.json and history.jsonl that are nested 150 KB
#   deep, over the size limit, not UTF-8, or with a member of the wrong type:
#   set aside (renamed, byte for byte) or skipped, reported on stderr, no
#   critical warning, nothing overwritten;
# - of a newer format: left alone byte for byte, read-only; a change is
#   refused with a clear error (an older clusterdeck-cli must never move a
#   newer file aside);
# - unreadable (EACCES; as root, the CLI runs without CAP_DAC_OVERRIDE and
#   CAP_DAC_READ_SEARCH through setpriv): a clear error, nothing written;
# - two clusterdeck-cli processes adding 10 instances each at the same time:
#   all 20 are in the file afterwards. (Instances that do not answer:
#   `instance add` saves, then tests, and exits 1 when the test fails.)
set -uo pipefail

cli=$1
# shellcheck source-path=SCRIPTDIR source=tap.sh
. "$(dirname "$0")/tap.sh"

need_fresh_xdg
config=$XDG_CONFIG_HOME/clusterdeck
state=$XDG_STATE_HOME/clusterdeck
orgs=$config/organizations.json
pending=$state/pending.json
history=$state/history.jsonl
export CLUSTERDECK_PASSWORD=not-a-real-password
# Nothing listens there: connection refused at once.
dead_url=http://127.0.0.1:9

# run ARGS...: the CLI; stdout into out, stderr into err, exit status into rc
run() {
  local e
  e=$(mktemp)
  out=$("$cli" "$@" </dev/null 2>"$e"); rc=$?
  err=$(<"$e"); rm -f "$e"
}
# run_denied ARGS...: the same, unable to read files it has no permission for
run_denied() {
  if [ "$(id -u)" = 0 ]; then
    run_setpriv=(setpriv --bounding-set=-dac_override,-dac_read_search)
  else
    run_setpriv=()
  fi
  local e
  e=$(mktemp)
  out=$("${run_setpriv[@]}" "$cli" "$@" </dev/null 2>"$e"); rc=$?
  err=$(<"$e"); rm -f "$e"
}
# no_critical DESCRIPTION: stderr holds no GLib critical or warning
no_critical() {
  ! grep -Eq 'CRITICAL|WARNING|Bail out' <<<"$err"
}
# aside FILE TAG: the one file set aside next to FILE (FILE.TAG-*)
aside() {
  local found=("$1.$2"-*)
  [ ${#found[@]} = 1 ] && [ -e "${found[0]}" ] && printf '%s' "${found[0]}"
}
clean() { rm -rf "$config" "$state"; }

# Hostile contents, as files under $tmp.
tmp=$(mktemp -d)
trap 'chmod -R u+rwx "$tmp" "$config" "$state" 2>/dev/null; rm -rf "$tmp"' EXIT
head -c 153600 /dev/zero | tr '\0' '[' >"$tmp/nested"
printf '{"version": 1, "name": "Caf\xe9", "organizations": [], "changes": []}' >"$tmp/latin1"
# 16 MiB + 1: over the limits of organizations.json (8 MiB) and pending.json (16 MiB).
head_text='{"version": 1, "padding": "'
{ printf '%s' "$head_text"; head -c $((16 * 1024 * 1024 + 1 - ${#head_text} - 2)) /dev/zero | tr '\0' x; printf '"}'; } >"$tmp/large"
printf '{"version": 1, "organizations": [{"id": "o1", "name": "Acme", "cluster_user": 42, "instances": []}]}' >"$tmp/orgs-wrong-type"
printf '{"version": 1, "changes": [{"instance": "i", "peer": "p", "database": "d", "table": "t", "publish": "yes", "baseline": {"publish": false, "subscribe": false, "replicates": false}}]}' >"$tmp/pending-wrong-type"

# --------------------------------------------------------- organizations.json
for kind in nested large latin1 orgs-wrong-type; do
  clean; mkdir -p "$config"; cp "$tmp/$kind" "$orgs"
  run org list
  kept=$(aside "$orgs" corrupt)
  if [ $rc = 0 ] && [ -n "$kept" ] && cmp -s "$kept" "$tmp/$kind" && [ ! -e "$orgs" ] &&
     grep -q 'could not be read' <<<"$err" && grep -qF "$kept" <<<"$err" && no_critical; then
    ok "organizations.json $kind: org list sets it aside intact and says so"
  else
    not_ok "organizations.json $kind: set aside and reported (exit $rc)" "$err" "kept: ${kept:-none}"
  fi
done

clean; mkdir -p "$config"
newer='{"version": 9, "organizations": [{"id": "o1", "name": "Acme", "instances": [{"id": "i1", "name": "db1", "url": "https://db1:9925", "username": "u"}]}], "later": {"x": 1}}'
printf '%s' "$newer" >"$orgs"; cp "$orgs" "$tmp/newer"
run org list
if [ $rc = 0 ] && grep -q '^Acme' <<<"$out" && grep -q 'newer version' <<<"$err" &&
   cmp -s "$orgs" "$tmp/newer" && [ -z "$(ls "$config" | grep -v '^organizations.json$')" ]; then
  ok "organizations.json of a newer format: org list shows it and leaves it where it is"
else
  not_ok "newer organizations.json with org list (exit $rc)" "$out" "$err" "$(ls -a "$config")"
fi
run org add Other
if [ $rc = 1 ] && grep -q 'newer version' <<<"$err" && cmp -s "$orgs" "$tmp/newer"; then
  ok "organizations.json of a newer format: org add is refused, the file untouched"
else
  not_ok "newer organizations.json with org add (exit $rc)" "$err"
fi
run instance add --org Acme --name db2 --url "$dead_url" --username u
if [ $rc = 1 ] && grep -q 'newer version' <<<"$err" && cmp -s "$orgs" "$tmp/newer"; then
  ok "organizations.json of a newer format: instance add is refused, the file untouched"
else
  not_ok "newer organizations.json with instance add (exit $rc)" "$err"
fi

clean; mkdir -p "$config"
"$cli" org add Acme >/dev/null; cp "$orgs" "$tmp/orgs-good"; chmod 000 "$orgs"
run_denied org list
rc_list=$rc; err_list=$err
run_denied org add Other
if [ $rc_list = 1 ] && grep -q 'could not be read' <<<"$err_list" && [ $rc = 1 ] &&
   chmod 600 "$orgs" && cmp -s "$orgs" "$tmp/orgs-good" && [ -z "$(ls "$config" | grep -v '^organizations.json$')" ]; then
  ok "unreadable organizations.json (EACCES): org list and org add fail clearly, nothing written"
else
  chmod 600 "$orgs"
  not_ok "unreadable organizations.json (list exit $rc_list, add exit $rc)" "$err_list" "$err"
fi

# --------------------------------------------------------------- pending.json
for kind in nested large latin1 pending-wrong-type; do
  clean; mkdir -p "$state"; cp "$tmp/$kind" "$pending"
  run pending
  kept=$(aside "$pending" corrupt)
  if [ $rc = 0 ] && [ "$out" = "No pending changes." ] && [ -n "$kept" ] && cmp -s "$kept" "$tmp/$kind" &&
     grep -q 'could not be read' <<<"$err" && grep -qF "$kept" <<<"$err" && no_critical; then
    ok "pending.json $kind: pending sets it aside intact and says so"
  else
    not_ok "pending.json $kind: set aside and reported (exit $rc)" "$out" "$err" "kept: ${kept:-none}"
  fi
done

clean; mkdir -p "$state"
printf '{"version": 4, "changes": "a new shape"}' >"$pending"; cp "$pending" "$tmp/pending-newer"
run pending
rc_pending=$rc; err_pending=$err
run discard
if [ $rc_pending = 1 ] && grep -q 'newer version' <<<"$err_pending" && [ $rc = 1 ] &&
   cmp -s "$pending" "$tmp/pending-newer" && [ -z "$(ls "$state" | grep -v '^pending.json$')" ]; then
  ok "pending.json of a newer format: pending and discard refuse clearly, the file untouched"
else
  not_ok "newer pending.json (pending exit $rc_pending, discard exit $rc)" "$err_pending" "$err"
fi

clean; mkdir -p "$state"
printf '{"version": 1, "changes": [{"instance": "i", "peer": "p", "database": "d", "table": "t", "publish": false, "baseline": {"publish": true, "subscribe": true, "replicates": false}}]}' >"$pending"
cp "$pending" "$tmp/pending-good"; chmod 000 "$pending"
run_denied pending
rc_pending=$rc; err_pending=$err
run_denied discard
if [ $rc_pending = 1 ] && grep -q 'could not be read' <<<"$err_pending" && [ $rc = 1 ] &&
   chmod 600 "$pending" && cmp -s "$pending" "$tmp/pending-good"; then
  ok "unreadable pending.json (EACCES): pending and discard fail clearly, the staged change kept"
else
  chmod 600 "$pending"
  not_ok "unreadable pending.json (pending exit $rc_pending, discard exit $rc)" "$err_pending" "$err"
fi
run pending
if [ $rc = 0 ] && grep -q 'publish off' <<<"$out"; then
  ok "readable again: the staged change is still pending"
else
  not_ok "the staged change after the file is readable again (exit $rc)" "$out" "$err"
fi

# -------------------------------------------------------------- history.jsonl
clean; mkdir -p "$state"
good='{"version": 1, "time": "2026-01-02T10:00:00Z", "instance": "node1", "peer": "node2", "operation": "update_node", "changes": ["db.dog: publish off"], "result": "ok", "sent": true, "message": null}'
{ printf '%s\n' "$good"; cat "$tmp/nested"; printf '\n'; cat "$tmp/latin1"; printf '\n'
  printf '{"time": 7, "instance": "x", "peer": "y", "operation": "z"}\n'; printf '%s\n' "$good"; } >"$history"
cp "$history" "$tmp/history"
run history
if [ $rc = 0 ] && [ "$(grep -c 'node1 → node2 update_node ok' <<<"$out")" = 2 ] &&
   grep -q '3 lines' <<<"$err" && cmp -s "$history" "$tmp/history" && no_critical; then
  ok "history.jsonl with nested, non-UTF-8 and wrong-typed lines: the good entries, the others counted"
else
  not_ok "history.jsonl with hostile lines (exit $rc)" "$out" "$err"
fi
chmod 000 "$history"
run_denied history
if [ $rc = 1 ] && grep -q "$(basename "$history")" <<<"$err" && chmod 600 "$history" && cmp -s "$history" "$tmp/history"; then
  ok "unreadable history.jsonl (EACCES): a clear error, the file untouched"
else
  chmod 600 "$history"
  not_ok "unreadable history.jsonl (exit $rc)" "$err"
fi

# ------------------------------------------------------------- two writers
clean
"$cli" org add Demo >/dev/null
adder() { # adder PREFIX: 10 instances, one process each
  local i rc_add
  for i in 0 1 2 3 4 5 6 7 8 9; do
    "$cli" instance add --org Demo --name "$1-$i" --url "$dead_url" --username u </dev/null >/dev/null 2>&1
    rc_add=$?
    [ $rc_add = 1 ] || echo "instance add $1-$i exited $rc_add"
  done
}
adder left >"$tmp/left.log" &
left=$!
adder right >"$tmp/right.log" &
right=$!
wait $left; wait $right
n=$("$cli" --json instance list --org Demo | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
if [ "$n" = 20 ] && [ ! -s "$tmp/left.log" ] && [ ! -s "$tmp/right.log" ]; then
  ok "two clusterdeck-cli processes adding 10 instances each at once: all 20 saved"
else
  not_ok "concurrent instance add: $n instances" "$(cat "$tmp/left.log" "$tmp/right.log")"
fi
if [ -z "$(ls -a "$config" | grep -v -e '^\.\{1,2\}$' -e '^organizations.json$' -e '^\.organizations.json.lock$')" ]; then
  ok "no temporary file left beside organizations.json"
else
  not_ok "files beside organizations.json" "$(ls -a "$config")"
fi

tap_done
