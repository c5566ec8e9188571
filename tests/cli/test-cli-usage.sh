#!/usr/bin/env bash
# test-cli-usage.sh CLI_BINARY
#
# clusterdeck-cli as a command-line citizen, without Harper: run through
# tests/with-keyring.sh (fresh HOME, XDG dirs and an unlocked keyring).
# Prints TAP.
#
# - every command and subcommand answers --help (exit 0, a usage line, no
#   file touched); an unknown option or an extra argument is a usage error
#   (exit 2, one sentence and the hint to use --help);
# - under --json every error is a JSON object on standard error;
# - the man page is built from the help, groff reads it without a warning,
#   and man renders every command; the bash completion completes a command,
#   an option value and an instance name;
# - what the CLI did not write is printed with its control characters
#   escaped: names from the organizations file, a server's error message and
#   a certificate's subject (cli-hostile-server), in text; JSON keeps them
#   exactly, escaped by JSON's rules;
# - the password variables are read once and removed from the environment:
#   a child the CLI starts (a D-Bus autolaunch of a fake dbus-launch) does
#   not inherit them, and no copy is left in the process's memory when it
#   exits, the early return of a refused `instance add` included
#   (cli-memscan, an LD_PRELOAD module);
# - Ctrl-C at the password prompt leaves the terminal's echo on
#   (cli-prompt-interrupt.py, on a pseudo-terminal).
#
# Environment (set by meson): CLI_MANPAGE, CLI_COMPLETION, CLI_HOSTILE_SERVER,
# CLI_MEMSCAN.
set -uo pipefail

cli=$1
tests_dir=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=tap.sh
. "$tests_dir/tap.sh"

need_fresh_xdg
config=$XDG_CONFIG_HOME/clusterdeck
state=$XDG_STATE_HOME/clusterdeck
orgs=$config/organizations.json
# Nothing listens there: connection refused at once.
dead_url=http://127.0.0.1:9
tmp=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

# run ARGS...: the CLI, no password in the environment; stdout into out,
# stderr into err, exit status into rc
run() {
  out=$(env -u CLUSTERDECK_PASSWORD -u CLUSTERDECK_CLUSTER_PASSWORD "$cli" "$@" </dev/null 2>"$tmp/err")
  rc=$?
  err=$(<"$tmp/err")
}
# raw_control TEXT: whether TEXT holds a byte a terminal acts on (C0 but
# newline and tab, DEL, and UTF-8 C1 or a bidirectional override)
raw_control() {
  LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]\|\xc2[\x80-\x9f]\|\xe2\x80[\xaa-\xae]' <<<"$1"
}

# ------------------------------------------------------------------ --help
commands=("org list" "org add" "org rename" "org remove" "instance list" "instance add"
          "instance remove" "instance test" "instance trust" status enable connect disconnect
          set pending discard plan apply history export check map)
bad=()
for c in "" org instance "${commands[@]}"; do
  # shellcheck disable=SC2086
  run $c --help
  if [ $rc != 0 ] || ! grep -q "^  clusterdeck-cli $c" <<<"$out" || [ -n "$err" ]; then
    bad+=("${c:-(none)} --help: exit $rc: $(head -3 <<<"$out$err")")
  fi
done
[ ${#bad[@]} = 0 ] && [ ! -e "$config" ] && [ ! -e "$state" ]
check "every command and subcommand answers --help (exit 0, its usage line, no file touched)" $? \
  "${bad[@]}" "$(ls -R "$XDG_CONFIG_HOME" "$XDG_STATE_HOME" 2>&1)"

run status -h
[ $rc = 0 ] && grep -q '^  clusterdeck-cli status \[OPTION…\] \[NAME\]$' <<<"$out" && ! grep -q instance <<<"$err"
check "status -h prints status's usage (it used to say: no instance '--help', exit 1)" $? "$out" "$err"

# Every command in --help's list has its own help, and the list is complete.
run --help
listed=$(sed -n '/^Commands:$/,/^$/p' <<<"$out" | grep -o '^  [a-z][a-z]*\( [a-z][a-z]*\)\?' | sed 's/^  //' | sort)
want=$(printf '%s\n' "${commands[@]}" | sort)
[ "$listed" = "$want" ]
check "--help lists every command" $? "listed:" "$listed"

# ------------------------------------------------------------------ usage errors
"$cli" org add Demo >/dev/null
bad=()
for c in "${commands[@]}"; do
  # shellcheck disable=SC2086
  run $c --frobnicate
  if [ $rc != 2 ] || [ -n "$out" ] || [ "$(wc -l <<<"$err")" != 2 ] ||
     ! grep -q -- '--frobnicate' <<<"$err" || ! grep -q -- "clusterdeck-cli $c --help" <<<"$err"; then
    bad+=("$c --frobnicate: exit $rc: $err")
  fi
done
[ ${#bad[@]} = 0 ]
check "an unknown option is a usage error for every command (exit 2, the option named, the hint to use --help)" $? "${bad[@]}"

# An extra argument: one more than each command takes.
declare -A extra=(
  ["org list"]="x" ["org add"]="a b" ["org rename"]="a b c" ["org remove"]="a b"
  ["instance list"]="x" ["instance add"]="x" ["instance remove"]="a b" ["instance test"]="a b"
  ["instance trust"]="a b" [status]="a b" [enable]="a b" [connect]="a b c"
  [disconnect]="a b c" [set]="a b c.d e --publish on" [pending]="x" [discard]="x" [plan]="x"
  [apply]="x" [history]="x" [export]="x" [check]="x" [map]="x")
bad=()
for c in "${commands[@]}"; do
  # shellcheck disable=SC2086
  run $c ${extra[$c]}
  if [ $rc != 2 ] || [ -n "$out" ] || ! grep -q 'argument too many' <<<"$err" ||
     ! grep -q -- '--help' <<<"$err"; then
    bad+=("$c ${extra[$c]}: exit $rc: $err")
  fi
done
[ ${#bad[@]} = 0 ]
check "an extra argument is a usage error for every command (exit 2, nothing done)" $? "${bad[@]}"
run org list
[ "$out" = "Demo	0" ]
check "... and nothing was added or renamed meanwhile" $? "$out"

run org add -- -dash
rc_add=$rc
run org list
[ $rc_add = 0 ] && grep -qx -- '-dash	0' <<<"$out"
check "after \"--\" an argument may start with a dash (org add -- -dash)" $? "exit $rc_add" "$out" "$err"
"$cli" org remove -- -dash >/dev/null

run frobnicate
[ $rc = 2 ] && grep -q '“frobnicate” is not a command' <<<"$err" && grep -q 'clusterdeck-cli --help' <<<"$err"
check "an unknown command is a usage error with the hint (exit 2)" $? "exit $rc" "$err"
run org frobnicate
[ $rc = 2 ] && grep -q 'clusterdeck-cli org --help' <<<"$err"
check "an unknown org command is a usage error with the hint (exit 2)" $? "exit $rc" "$err"

# ------------------------------------------------------------------ --json errors
# json_error STATUS CODE: err is one JSON error object with that code, exit STATUS
json_error() {
  [ "$rc" = "$1" ] && [ -z "$out" ] &&
    [ "$(jq -r '.error.code' <<<"$err" 2>/dev/null)" = "$2" ] &&
    [ -n "$(jq -r '.error.message' <<<"$err" 2>/dev/null)" ] &&
    [ "$(wc -l <<<"$err")" = 1 ]
}
run --json set --frobnicate
json_error 2 usage
check "--json: an unknown option is {\"error\": {\"code\": \"usage\", …}} on stderr (exit 2)" $? "exit $rc" "$out" "$err"
run status --json a b
json_error 2 usage
check "--json after the command: an extra argument is a JSON usage error (exit 2)" $? "exit $rc" "$err"
run --json frobnicate
json_error 2 usage
check "--json: an unknown command is a JSON usage error (exit 2)" $? "exit $rc" "$err"
run --json status nosuch
json_error 1 not-found
check "--json: an unknown instance is {\"error\": {\"code\": \"not-found\", …}} (exit 1)" $? "exit $rc" "$err"
run --json org add Demo
json_error 1 exists
check "--json: a name that is taken is a JSON error (code exists, exit 1)" $? "exit $rc" "$err"
run --json instance add --org Demo --name dead --url "$dead_url" --username u
[ $rc = 1 ] && [ "$(jq -r '.error.code' <<<"$err" 2>/dev/null)" = credentials ]
check "--json: no password given is a JSON error (exit 1)" $? "exit $rc" "$err"

# ------------------------------------------------------------------ man page
man_page=${CLI_MANPAGE:-}
if [ -z "$man_page" ] || [ ! -s "$man_page" ]; then
  not_ok "the man page is built" "CLI_MANPAGE=${man_page:-unset}"
else
  ok "the man page is built ($(basename "$man_page"))"
  warnings=$(groff -man -Tutf8 -ww -z "$man_page" 2>&1)
  [ -z "$warnings" ]
  check "groff reads the man page without a warning" $? "$warnings"
  rendered=$(MANWIDTH=100 LC_ALL=C.UTF-8 man -l "$man_page" 2>&1)
  missing=()
  for c in "${commands[@]}"; do
    grep -q "^   $c\$" <<<"$rendered" || missing+=("no section for $c")
  done
  for o in --create-missing --publish --subscribe --clear --cluster-user --node-name --yes --json \
           CLUSTERDECK_PASSWORD 'EXIT STATUS'; do
    grep -q -- "$o" <<<"$rendered" || missing+=("no $o")
  done
  [ ${#missing[@]} = 0 ]
  check "man -l renders it, with every command, its options, the environment and exit status" $? \
    "${missing[@]}"
fi

# ------------------------------------------------------------------ completion
CLUSTERDECK_PASSWORD=x "$cli" instance add --org Demo --name node1 --url "$dead_url" --username u </dev/null >/dev/null 2>&1
CLUSTERDECK_PASSWORD=x "$cli" instance add --org Demo --name other --url "$dead_url" --username u </dev/null >/dev/null 2>&1
completion=${CLI_COMPLETION:-$tests_dir/../../src/cli/clusterdeck-cli.bash}
# complete WORDS...: COMPREPLY for the last word, space-separated and sorted
complete_words() {
  bash -c '. "$1"; shift
           COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
           _clusterdeck_cli; printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' \
    completion "$completion" "$cli" "$@"
}
got=$(complete_words sta)
[ "$got" = "status " ]
check "completion: sta → status" $? "got: $got"
got=$(complete_words instance tr)
[ "$got" = "trust " ]
check "completion: instance tr → trust" $? "got: $got"
got=$(complete_words instance test no)
[ "$got" = "node1 " ]
check "completion: instance test no → node1 (an instance name)" $? "got: $got"
got=$(complete_words connect node1 Demo/)
[ "$got" = "Demo/node1 Demo/other " ]
check "completion: connect node1 Demo/ → the instances as ORG/NAME" $? "got: $got"
got=$(complete_words instance list --org "")
[ "$got" = "Demo " ]
check "completion: instance list --org → the organizations" $? "got: $got"
got=$(complete_words set node1 other db --publish "")
[ "$got" = "off on " ]
check "completion: set … --publish → on off" $? "got: $got"
got=$(complete_words connect --cr)
[ "$got" = "--create-missing " ]
check "completion: connect --cr → --create-missing" $? "got: $got"

# ------------------------------------------------------------------ escaping
# Names from the file: an organization and an instance whose names hold an
# OSC title sequence, a bell, C1 CSI, a right-to-left override and a CR.
hostile_org=$'Ev\e]0;pwned\aIl\u009b2J\u202eX'
hostile_name=$'node\rX\e[31m'
mkdir -p "$config"
jq -n --arg org "$hostile_org" --arg name "$hostile_name" '{version: 1, organizations: [
  {id: "o1", name: $org, instances: [{id: "i1", name: $name, url: "http://127.0.0.1:9", username: "u"}]}]}' >"$orgs"
run org list
all="$out$err"
[ $rc = 0 ] && ! raw_control "$all" && grep -qF 'Ev\x1b]0;pwned\x07Il\u009b2J\u202eX' <<<"$out"
check "org list: control characters of a name from the file are escaped" $? "$(od -c <<<"$all" | head -5)"
run instance list
[ $rc = 0 ] && ! raw_control "$out$err" && grep -qF 'node\x0dX\x1b[31m' <<<"$out"
check "instance list: the CR and the ESC of a name from the file are escaped" $? "$(od -c <<<"$out" | head -5)"
run --json org list
[ $rc = 0 ] && ! raw_control "$out" && [ "$(jq -r '.[0].name' <<<"$out")" = "$hostile_org" ]
check "org list --json: the name escaped by JSON's rules, the same characters once parsed" $? "$out"

# A server's error message.
hostile_server=${CLI_HOSTILE_SERVER:-}
start_server() { # start_server [CERT KEY]: server_url, server_pid
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  rm -f "$tmp/server-url"
  mkfifo "$tmp/server-url"
  "$hostile_server" "$@" >"$tmp/server-url" &
  server_pid=$!
  server_url=
  read -r -t 10 server_url <"$tmp/server-url"
}
rm -f "$orgs"
"$cli" org add Demo >/dev/null
if [ -z "$hostile_server" ] || ! start_server || [ -z "${server_url:-}" ]; then
  not_ok "cli-hostile-server started" "CLI_HOSTILE_SERVER=${hostile_server:-unset}"
else
  want_message=$'bad \e]0;pwned\a \e[31mred\e[0m\rover \u009b2J \u202eevil'
  out=$(CLUSTERDECK_PASSWORD=x "$cli" instance add --org Demo --name hostile --url "$server_url" --username u \
        </dev/null 2>&1); rc=$?
  [ $rc = 1 ] && ! raw_control "$out" && grep -qF 'bad \x1b]0;pwned\x07 \x1b[31mred\x1b[0m\x0dover \u009b2J \u202eevil' <<<"$out"
  check "a server's error message is printed escaped, on one line (instance add, exit 1)" $? "$(od -c <<<"$out" | head -8)"
  run --json status hostile
  message=$(jq -r '.[0].error' <<<"$out" 2>/dev/null)
  [[ $rc = 1 && $message == *"$want_message"* ]] && ! raw_control "$out"
  check "status --json: the server's message in JSON, the same characters once parsed" $? "$out" "$err"
  out=$(CLUSTERDECK_PASSWORD=x "$cli" --json instance add --org Demo --name hostile2 --url "$server_url" \
        --username u </dev/null 2>&1 >/dev/null); rc=$?
  message=$(jq -r 'select(.error) | .error.message' <<<"$out" 2>/dev/null)
  [[ $rc = 1 && $message == *"$want_message"* ]] && ! raw_control "$out"
  check "instance add --json: the error object carries the server's message, JSON-escaped" $? "$out"

  # A certificate's subject, over HTTPS.
  if start_server "$tests_dir/hostile-cert.pem" "$tests_dir/hostile-key.pem" && [ -n "${server_url:-}" ]; then
    CLUSTERDECK_PASSWORD=x "$cli" instance add --org Demo --name tls --url "$server_url" --username u \
      </dev/null >/dev/null 2>&1
    out=$(echo n | "$cli" instance trust tls 2>&1); rc=$?
    [ $rc = 1 ] && ! raw_control "$out" && grep -qF 'Subject:             CN=evil\x1b]0\;pwned\x07x\u009b2J,O=AT&T\u202egnp' <<<"$out"
    check "instance trust: the certificate's subject is printed escaped" $? "$(od -c <<<"$out" | head -12)"
  else
    not_ok "cli-hostile-server started over HTTPS"
  fi
fi

# ------------------------------------------------------------------ passwords
login_secret=Login-Secret-$RANDOM-5f8e2d71c4
cluster_secret=Cluster-Secret-$RANDOM-93a0b6e4f2
# A fake dbus-launch: GLib starts it to autolaunch a session bus when there
# is a display and no bus. It writes the environment it was given.
mkdir -p "$tmp/bin" "$tmp/run"
cat >"$tmp/bin/dbus-launch" <<EOF
#!/bin/sh
env >"$tmp/child-env"
exit 1
EOF
chmod +x "$tmp/bin/dbus-launch"
env -u DBUS_SESSION_BUS_ADDRESS DISPLAY=:99 PATH="$tmp/bin:$PATH" XDG_RUNTIME_DIR="$tmp/run" \
  CLUSTERDECK_PASSWORD=$login_secret CLUSTERDECK_CLUSTER_PASSWORD=$cluster_secret \
  "$cli" instance add --org Demo --name envchild --url "$dead_url" --username u </dev/null >"$tmp/out" 2>&1
if [ ! -e "$tmp/child-env" ]; then
  not_ok "a child the CLI starts inherits no password variable" "no child was started: $(cat "$tmp/out")"
else
  ! grep -q -e '^CLUSTERDECK_PASSWORD=' -e '^CLUSTERDECK_CLUSTER_PASSWORD=' -e "$login_secret" \
    -e "$cluster_secret" "$tmp/child-env"
  check "a child the CLI starts (dbus-launch) inherits neither CLUSTERDECK_PASSWORD nor CLUSTERDECK_CLUSTER_PASSWORD" $? \
    "$(grep -e '^CLUSTERDECK_PASSWORD=' -e '^CLUSTERDECK_CLUSTER_PASSWORD=' "$tmp/child-env")"
fi

memscan=${CLI_MEMSCAN:-}
if [ -n "${ASAN_OPTIONS:-}${UBSAN_OPTIONS:-}" ]; then
  ok "no password left in memory # SKIP under the sanitizers (their shadow memory is too large to scan)"
elif [ -z "$memscan" ] || [ ! -e "$memscan" ]; then
  not_ok "no password left in memory" "CLI_MEMSCAN=${memscan:-unset}"
else
  # needle SECRET: the file cli-memscan reads (each byte XOR 0x5a)
  needle() { python3 -c 'import sys; sys.stdout.buffer.write(bytes(b ^ 0x5a for b in sys.argv[1].encode()))' "$1" >"$tmp/needle"; }
  # scan SECRET ARGS...: the CLI under cli-memscan; scan holds its report
  scan() {
    local secret=$1
    shift
    needle "$secret"
    env LD_PRELOAD="$memscan" CLI_MEMSCAN_NEEDLE="$tmp/needle" CLI_MEMSCAN_OUT="$tmp/scan" \
      CLUSTERDECK_PASSWORD=$login_secret CLUSTERDECK_CLUSTER_PASSWORD=$cluster_secret \
      DBUS_SESSION_BUS_ADDRESS=disabled: "$cli" "$@" </dev/null >"$tmp/out" 2>&1
    scan_rc=$?
    scan=$(cat "$tmp/scan" 2>/dev/null)
  }
  # The store refuses the name (it is taken) after the password was read:
  # the early return must wipe it too.
  CLUSTERDECK_PASSWORD=x "$cli" instance add --org Demo --name taken --url "$dead_url" --username u \
    </dev/null >/dev/null 2>&1
  scan "$login_secret" instance add --org Demo --name taken --url "$dead_url" --username u
  [ $scan_rc = 1 ] && grep -q 'already' "$tmp/out" && [ "$(tail -1 <<<"$scan")" = "total 0" ]
  check "instance add refused by the store: no copy of CLUSTERDECK_PASSWORD left in memory at exit" $? \
    "exit $scan_rc: $(cat "$tmp/out")" "$scan"
  # The same with the password on standard input (no variable): nothing
  # keeps the line either, no stdio buffer included.
  needle "$login_secret"
  printf '%s\n' "$login_secret" |
    env -u CLUSTERDECK_PASSWORD LD_PRELOAD="$memscan" CLI_MEMSCAN_NEEDLE="$tmp/needle" \
      CLI_MEMSCAN_OUT="$tmp/scan" DBUS_SESSION_BUS_ADDRESS=disabled: \
      "$cli" instance add --org Demo --name taken --url "$dead_url" --username u >"$tmp/out" 2>&1
  scan_rc=$?
  scan=$(cat "$tmp/scan" 2>/dev/null)
  [ $scan_rc = 1 ] && grep -q 'already' "$tmp/out" && [ "$(tail -1 <<<"$scan")" = "total 0" ]
  check "... and with the password read from standard input: no copy left either" $? \
    "exit $scan_rc: $(cat "$tmp/out")" "$scan"
  scan "$cluster_secret" org list
  [ $scan_rc = 0 ] && [ "$(tail -1 <<<"$scan")" = "total 0" ]
  check "org list: no copy of CLUSTERDECK_CLUSTER_PASSWORD left in memory (the environment wiped)" $? "$scan"
fi

# Ctrl-C at the password prompt, on a pseudo-terminal.
report=$(python3 "$tests_dir/cli-prompt-interrupt.py" "$cli" instance add --org Demo --name pty \
         --url "$dead_url" --username u 2>&1)
grep -qx 'prompt=yes' <<<"$report" && grep -qx 'echo_at_prompt=off' <<<"$report" &&
  grep -qx 'ended=signal 2' <<<"$report" && grep -qx 'echo_after=on' <<<"$report"
check "Ctrl-C at the password prompt: the CLI dies of SIGINT and the terminal's echo is on again" $? "$report"

tap_done
