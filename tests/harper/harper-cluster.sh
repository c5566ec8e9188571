#!/usr/bin/env bash
# harper-cluster.sh: run N real Harper (HarperDB) instances on 127.0.0.1 for tests.
#
#   harper-cluster.sh start N BASEDIR        install (or restore) and start node1..nodeN
#   harper-cluster.sh stop BASEDIR           stop every node of BASEDIR
#   harper-cluster.sh stop-node BASEDIR I    stop node I (1-based)
#   harper-cluster.sh start-node BASEDIR I   start node I again (same settings) and wait
#   harper-cluster.sh pid BASEDIR I          print the pid of running node I (exit 1 if down)
#   harper-cluster.sh status BASEDIR         one line per node: name url pid|down
#   harper-cluster.sh watch BASEDIR          read stdin until EOF, then stop BASEDIR and
#                                            delete it (watchdog used by the C fixture)
#
# Every node has its own root (BASEDIR/node<i>/hdb), HOME (BASEDIR/node<i>/home),
# process group (setsid) and ports, binds 127.0.0.1 only (plain mode), and is
# started with a clean environment (env -i: Harper reads any variable named like a
# config key, e.g. HTTP_PORT). `start` waits until every node answers
# {"operation":"user_info"} and writes BASEDIR/cluster.env (shell syntax, values in
# single quotes; g_shell_unquote() reads them):
#   HARPER_N HARPER_USER HARPER_PASS HARPER_TLS HARPER_REPLICATION HARPER_NATS
#   HARPER_VERSION (as node1 answered registration_info) HARPER_BASEDIR HARPER_BASE_PORT
#   HARPER_START_SECONDS HARPER_CLUSTER_USER HARPER_CLUSTER_PASS HARPER_ALL_INTERFACES
#   HARPER_NODE<i>_{NAME,URL,HTTP_URL,REPL_URL,PID,ROOT,PORT,HTTP_PORT,MQTT_PORT,VERSION}
#   HARPER_NODE<i>_NATS_{HUB,LEAFNODES,CLUSTER,LEAF}_PORT   (HARPER_NATS=1 only)
#
# Ports: node i uses ops = BASE+(i-1)*10, http = ops+1, mqtt = ops+2 and, with
# HARPER_NATS=1, NATS hub = ops+3, hub leafnodes = ops+4, hub cluster = ops+5,
# leaf = ops+6; a version before 4.4 also mqtt secure = ops+7.
#
# Knobs (environment, read by `start`; start-node reuses what start recorded):
#   HARPER_VERSION        the Harper version of every node: one of
#                         tests/harper/versions/matrix.txt, installed by install.sh
#                         (default: the matrix's baseline)
#   HARPER_NODE_VERSIONS  one version per node, separated by spaces or commas
#                         ("4.4.18 4.7.29": a mixed cluster); overrides HARPER_VERSION
#   HARPER_BIN            harperdb.js to use for every node (overrides both)
#   HARPER_BASE_PORT      first port (19100)
#   HARPER_TLS=1          operations API on HTTPS (self-signed), replication over
#                         wss:// on the same port. Harper then also listens on one
#                         random port on all interfaces (quirk Q1: no pin works in TLS
#                         mode); run inside `unshare -n` if that matters.
#   HARPER_REPLICATION=0  leave replication unconfigured (no replication.hostname/url),
#                         to test set_configuration + restart. Default 1: node i gets
#                         replication.hostname=node<i>, replication.url=ws(s)://127.0.0.1:<ops>
#   HARPER_NATS=1         legacy NATS clustering (clustering.enabled, nodeName node<i>,
#                         4 NATS ports per node). nats-server listens on ALL
#                         interfaces, so this is refused unless the only network
#                         interface is lo (i.e. inside `unshare -n`), or
#                         HARPER_NATS_ALLOW_HOST=1. Implies HARPER_REPLICATION=0.
#   HARPER_USER/HARPER_PASS            super_user created at install (admin / Harper-test-1)
#   HARPER_CLUSTER_USER/HARPER_CLUSTER_PASS  NATS cluster user (cluster_user / Cluster-test-1)
#   HARPER_THREADS        worker threads per node (1)
#   HARPER_START_TIMEOUT  seconds to wait for a node (120)
#   HARPER_STOP_TIMEOUT   seconds between SIGTERM and SIGKILL (15)
#   HARPER_TEMPLATES=0    do not use/create install templates (always `harperdb install`)
#   HARPER_TEMPLATE_DIR   where templates live (default: next to the harperdb install,
#                         i.e. <install.sh cache dir>/templates)
#   HARPER_ALL_INTERFACES_ALLOW_HOST=1  start a version whose installer refuses
#                         host:port bindings outside a private network namespace
#
# Versions: Harper before 4.4 (4.3.0) refuses `127.0.0.1:PORT` for its ports
# ("must be a number"), so its nodes get plain ports and listen on every
# interface: like NATS, that is refused unless the only network interface is lo
# (HARPER_ALL_INTERFACES=1 in cluster.env then). It has no native replication:
# HARPER_REPLICATION=1 (the default) is refused for it, as HARPER_NATS=1 is for a
# package without a nats-server (4.5 and later ship none), with exit status 5
# and the reason on stderr.
#
# Templates: a freshly installed, never started node root depends on the mode,
# the credentials and the node name (its certificates are issued to node<i>), but
# its absolute paths and ports appear only in two text files:
# hdb/harperdb-config.yaml and home/.harperdb/hdb_boot_properties.file. After an
# install the script keeps a copy of the node directory with those replaced by
# placeholders (@NODEDIR@, @P0@..@P6@); a later start restores the copy to any
# BASEDIR and any base port by filling the placeholders in, instead of running
# `harperdb install` again (≈4-7 s saved for 3 nodes).
#
# Exit status: 0 ok, 1 failure, 2 usage, 3 a port of the layout is already in use,
# 4 HARPER_NATS=1 (or a version that binds every interface) refused outside a
# private network namespace, 5 the version cannot do what was asked (see above).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
SELF=$HERE/$(basename "${BASH_SOURCE[0]}")

log() { printf '[harper-cluster] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
usage() {
  sed -n '2,11p' "$SELF" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
elapsed_gt() { awk -v a="$1" -v b="$(now)" -v t="$2" 'BEGIN { exit !(b - a > t) }'; }
# q VALUE: single-quoted shell word
q() { local s=${1//\'/\'\\\'\'}; printf "'%s'" "$s"; }

# ------------------------------------------------------------------ processes
# is_alive PID: exists and is not a zombie (the sandbox's PID 1 reaps late: Q12)
is_alive() {
  local s
  [ -n "${1:-}" ] && [ -r "/proc/$1/stat" ] || return 1
  s=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ -n "$s" ] && [ "$s" != Z ] && [ "$s" != X ]
}
# belongs PID ROOT: alive and started for that node root (never hit a recycled pid)
belongs() {
  local pid=$1 root=$2
  is_alive "$pid" || return 1
  # (process substitution, not a pipe: with pipefail an early grep -q exit
  # could turn a match into a failure through tr's SIGPIPE)
  grep -qxF "ROOTPATH=$root" < <(tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ") && return 0
  grep -qF -- "$root/" < <(tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline") && return 0
  return 1
}
pgid_of() { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f3; }
# root_processes ROOT: every alive process started for ROOT, in any process
# group: Harper's main process and workers have ROOTPATH=ROOT in their
# environment; nats-server (legacy clustering) is also matched by a ROOT/ path
# on its command line.
root_processes() {
  local root=$1 f p comm
  {
    grep -lzxF "ROOTPATH=$root" /proc/[0-9]*/environ 2>/dev/null || true
    grep -lzF "$root/" /proc/[0-9]*/cmdline 2>/dev/null || true
  } | while read -r f; do
    p=${f#/proc/}; p=${p%/*}
    [ "$p" = $$ ] && continue
    comm=$(cat "/proc/$p/comm" 2>/dev/null) || continue
    case $comm in node|nats-server|harperdb*) ;; *) continue ;; esac
    is_alive "$p" && echo "$p"
  done | sort -u
}
# busy_ports PORT...: prints those of PORT... that cannot be bound on
# 127.0.0.1 now, tried as Harper binds them (node's listen). A listener is
# not the only thing that makes a port busy: a client connection holding it
# as its local port, or one of those in TIME_WAIT (60 s), answers no connect,
# yet Harper cannot bind the port. Ports in the kernel's ephemeral range
# (ip_local_port_range, 32768-60999 by default) are handed to every outgoing
# connection; Harper then logs "Unable to bind to port", keeps running and
# never answers (wait_ready catches a port taken after this check).
busy_ports() {
  node -e '
    const net = require("net");
    (async () => {
      for (const p of process.argv.slice(1).map(Number)) {
        const busy = await new Promise((done) => {
          const s = net.createServer();
          s.once("error", () => done(true));
          s.listen({ port: p, host: "127.0.0.1", exclusive: true }, () => s.close(() => done(false)));
        });
        if (busy) console.log(p);
      }
    })();' "$@"
}

# ------------------------------------------------------------------ settings
# load_conf BASEDIR: the settings `start` recorded (C_* variables)
load_conf() {
  [ -f "$1/cluster.conf" ] || die "$1/cluster.conf missing: not a cluster made by harper-cluster.sh start"
  # shellcheck disable=SC1091
  . "$1/cluster.conf"
  read -r -a C_BINS <<<"${C_BINS[0]:-}"
  read -r -a C_PKGS <<<"${C_PKGS[0]:-}"
}
write_conf() {
  {
    echo "# written by harper-cluster.sh start; read by stop/start-node"
    echo "C_N=$(q "$C_N")"
    echo "C_BASE_PORT=$(q "$C_BASE_PORT")"
    echo "C_TLS=$(q "$C_TLS")"
    echo "C_REPL=$(q "$C_REPL")"
    echo "C_NATS=$(q "$C_NATS")"
    echo "C_THREADS=$(q "$C_THREADS")"
    echo "C_USER=$(q "$C_USER")"
    echo "C_PASS=$(q "$C_PASS")"
    echo "C_CUSER=$(q "$C_CUSER")"
    echo "C_CPASS=$(q "$C_CPASS")"
    echo "C_BINS=$(q "${C_BINS[*]}")"
    echo "C_PKGS=$(q "${C_PKGS[*]}")"
    echo "C_VERSION=$(q "${C_VERSION:-}")"
    echo "C_NODE_VERSIONS=$(q "${C_NODE_VERSIONS:-}")"
    echo "C_ALL_IF=$(q "${C_ALL_IF:-0}")"
    echo "C_START_SECONDS=$(q "${C_START_SECONDS:-}")"
  } >"$BASEDIR/cluster.conf.tmp"
  mv "$BASEDIR/cluster.conf.tmp" "$BASEDIR/cluster.conf"
}

ops_port() { echo $((C_BASE_PORT + ($1 - 1) * 10)); }
scheme() { if [ "$C_TLS" = 1 ]; then echo https; else echo http; fi; }
wsscheme() { if [ "$C_TLS" = 1 ]; then echo wss; else echo ws; fi; }
ops_url() { echo "$(scheme)://127.0.0.1:$(ops_port "$1")"; }
node_dir() { echo "$BASEDIR/node$1"; }
node_root() { echo "$BASEDIR/node$1/hdb"; }
layout_ports() { # layout_ports I -> the 8 ports of node I's layout
  local p k
  p=$(ops_port "$1")
  for k in 0 1 2 3 4 5 6 7; do echo $((p + k)); done
}
used_ports() { # used_ports I -> the ports node I listens on
  local p
  p=$(ops_port "$1")
  echo "$p $((p + 1)) $((p + 2))"
  [ "$C_NATS" = 1 ] && echo "$((p + 3)) $((p + 4)) $((p + 5)) $((p + 6))"
  binds_host "$1" || echo "$((p + 7))"
  return 0
}

# node_bin I: harperdb.js of node I
node_bin() { echo "${C_BINS[$(($1 - 1))]}"; }
# pkg_version BIN: the version of the harperdb package BIN belongs to
pkg_version() { node -p 'require(process.argv[1]).version' "$(dirname "$1")/../package.json"; }
# node_pkg I: the package version of node I (recorded by start in C_PKGS)
node_pkg() { echo "${C_PKGS[$(($1 - 1))]}"; }
# version_at_least VERSION MAJOR MINOR
version_at_least() {
  local major minor
  IFS=. read -r major minor _ <<<"$1"
  [ "${major:-0}" -gt "$2" ] || { [ "${major:-0}" -eq "$2" ] && [ "${minor:-0}" -ge "$3" ]; }
}
# Harper before 4.4 refuses host:port bindings at install ("must be a number").
binds_host() { version_at_least "$(node_pkg "$1")" 4 4; }
has_native() { version_at_least "$(node_pkg "$1")" 4 4; }
# Before 4.4 `harperdb install` goes on to start the server; `run` on an empty
# root installs it first, so such a node is installed by its first run.
install_returns() { version_at_least "$(node_pkg "$1")" 4 4; }
has_nats_server() {
  [ -x "$(dirname "$(node_bin "$1")")/../dependencies/$(node -p 'process.platform + "-" + process.arch')/nats-server" ]
}
# addr I PORT: how node I is told to listen on PORT
addr() { if binds_host "$1"; then echo "127.0.0.1:$2"; else echo "$2"; fi; }

# node_env I: fills NODE_ENV with the whole environment of node I (install and run)
node_env() {
  local i=$1 p d
  p=$(ops_port "$i")
  d=$(node_dir "$i")
  NODE_ENV=("PATH=$PATH" "LANG=C.UTF-8" "HOME=$d/home" "ROOTPATH=$d/hdb"
            "TC_AGREEMENT=yes" "HDB_ADMIN_USERNAME=$C_USER" "HDB_ADMIN_PASSWORD=$C_PASS")
  if [ "$C_TLS" = 1 ]; then
    NODE_ENV+=("OPERATIONSAPI_NETWORK_SECUREPORT=$(addr "$i" "$p")")
  else
    NODE_ENV+=("OPERATIONSAPI_NETWORK_PORT=$(addr "$i" "$p")")
  fi
  # MQTT defaults to 1883/8883 on all interfaces: give each node its own port
  # (before 4.4 the secure one cannot be null: "must be a number").
  NODE_ENV+=("HTTP_PORT=$(addr "$i" $((p + 1)))" "MQTT_NETWORK_PORT=$(addr "$i" $((p + 2)))"
             "THREADS_COUNT=$C_THREADS")
  if binds_host "$i"; then
    NODE_ENV+=("MQTT_NETWORK_SECUREPORT=null")
  else
    NODE_ENV+=("MQTT_NETWORK_SECUREPORT=$((p + 7))")
  fi
  # REPLICATION_SECUREPORT=null: no-op on 4.4; 4.5+ default 9933 on all
  # interfaces. Before 4.4 there is no replication section at all.
  has_native "$i" && NODE_ENV+=("REPLICATION_SECUREPORT=null")
  if [ "$C_REPL" = 1 ]; then
    NODE_ENV+=("REPLICATION_HOSTNAME=node$i" "REPLICATION_URL=$(wsscheme)://127.0.0.1:$p")
  fi
  if [ "$C_NATS" = 1 ]; then
    NODE_ENV+=("CLUSTERING_ENABLED=true" "CLUSTERING_NODENAME=node$i"
               "CLUSTERING_USER=$C_CUSER" "CLUSTERING_PASSWORD=$C_CPASS"
               "CLUSTERING_HUBSERVER_NETWORK_PORT=$((p + 3))"
               "CLUSTERING_HUBSERVER_LEAFNODES_NETWORK_PORT=$((p + 4))"
               "CLUSTERING_HUBSERVER_CLUSTER_NETWORK_PORT=$((p + 5))"
               "CLUSTERING_LEAFSERVER_NETWORK_PORT=$((p + 6))")
  fi
}

# Quirk Q1: the authentication component registers for port "all" and Harper
# opens an extra listener on a random port on all interfaces. In plain mode,
# pinning authentication.port to the operations port removes it (auth and
# replication keep working). Not possible in TLS mode (see the header).
pin_auth_port() { # pin_auth_port I
  local cfg
  [ "$C_TLS" = 1 ] && return 0
  # A version that binds every interface anyway runs in its own namespace.
  binds_host "$1" || return 0
  cfg="$(node_root "$1")/harperdb-config.yaml"
  sed -n '/^authentication:/,/^[^ ]/p' "$cfg" | grep -qE '^  (port|securePort):' && return 0
  awk -v line="  port: 127.0.0.1:$(ops_port "$1")" '{ print } /^authentication:/ { print line }' \
    "$cfg" >"$cfg.tmp" && mv "$cfg.tmp" "$cfg"
}

# ------------------------------------------------------------------ templates
template_key() { # template_key I
  printf 'v1|%s|tls=%s|repl=%s|nats=%s|threads=%s|%s|%s|%s|%s' "$(node_pkg "$1")" "$C_TLS" \
    "$C_REPL" "$C_NATS" "$C_THREADS" "$C_USER" "$C_PASS" "$C_CUSER" "$C_CPASS" \
    | sha256sum | cut -c1-16
}
# subst_files MODE NODEDIR PORTS... -- FILES...: MODE tokenise replaces the node
# directory and the ports by placeholders, MODE fill does the reverse.
# shellcheck disable=SC2016
subst_files() {
  node -e '
    const fs = require("fs");
    const [mode, dir, ...rest] = process.argv.slice(1);
    const sep = rest.indexOf("--");
    const ports = rest.slice(0, sep), files = rest.slice(sep + 1);
    const lit = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    for (const f of files) {
      if (!fs.existsSync(f)) continue;
      let t = fs.readFileSync(f, "utf8");
      if (mode === "tokenise") {
        t = t.split(dir).join("@NODEDIR@");
        ports.forEach((p, k) => {
          t = t.replace(new RegExp("(?<![0-9])" + lit(p) + "(?![0-9])", "g"), "@P" + k + "@");
        });
      } else {
        t = t.split("@NODEDIR@").join(dir);
        ports.forEach((p, k) => { t = t.split("@P" + k + "@").join(p); });
      }
      fs.writeFileSync(f, t);
    }' "$@"
}
TEMPLATE_FILES=(hdb/harperdb-config.yaml home/.harperdb/hdb_boot_properties.file)

# template_dir I: where node I's template lives (per harperdb install and settings)
template_dir() {
  echo "${HARPER_TEMPLATE_DIR:-$(cd "$(dirname "$(node_bin "$1")")/../../.." && pwd -P)/templates}/$(template_key "$1")"
}
template_save() { # template_save I
  local i=$1 d stage dest tpl
  [ "$USE_TEMPLATES" = 1 ] || return 0
  d=$(node_dir "$i")
  tpl=$(template_dir "$i")
  dest="$tpl/node$i"
  [ -d "$dest" ] && return 0
  mkdir -p "$tpl"
  stage=$(mktemp -d "$tpl/.node$i.XXXXXX")
  cp -a "$d/hdb" "$d/home" "$stage/"
  # shellcheck disable=SC2046
  (cd "$stage" && subst_files tokenise "$d" $(layout_ports "$i") -- "${TEMPLATE_FILES[@]}")
  if grep -rqF -- "$d" "$stage"; then
    log "node$i: template still contains $d; not keeping it"
    rm -rf "$stage"
    return 0
  fi
  mv -T "$stage" "$dest" 2>/dev/null || rm -rf "$stage"
}
template_restore() { # template_restore I -> 0 if restored
  local i=$1 d src
  [ "$USE_TEMPLATES" = 1 ] || return 1
  src="$(template_dir "$i")/node$i"
  [ -f "$src/hdb/harperdb-config.yaml" ] || return 1
  d=$(node_dir "$i")
  mkdir -p "$d"
  rm -rf "${d:?}/hdb" "${d:?}/home"
  cp -a "$src/hdb" "$src/home" "$d/"
  # shellcheck disable=SC2046
  (cd "$d" && subst_files fill "$d" $(layout_ports "$i") -- "${TEMPLATE_FILES[@]}")
}

# ------------------------------------------------------------------ start/stop
# launch I: start node I in the background in its own session
launch() {
  local i=$1 d
  d=$(node_dir "$i")
  rm -f "$d/hdb/hdb.pid"
  node_env "$i"
  # where this run's console output begins (start-node appends to the log)
  LOFF[$i]=$(($(stat -c %s "$d/console.log" 2>/dev/null || echo 0) + 1))
  # The backgrounded command is one simple command: env execs setsid, which
  # (not being a group leader) execs node, so $! is Harper's main process.
  env -i "${NODE_ENV[@]}" setsid node "$(node_bin "$i")" run >>"$d/console.log" 2>&1 </dev/null &
  LPID[$i]=$!
  echo "${LPID[$i]}" >"$d/launch.pid"
}

# live_pid I: pid of running node I, or nothing
live_pid() {
  local i=$1 root f c
  root=$(node_root "$i")
  for f in "$root/hdb.pid" "$(node_dir "$i")/launch.pid"; do
    [ -f "$f" ] || continue
    c=$(tr -dc '0-9' <"$f")
    if [ -n "$c" ] && belongs "$c" "$root"; then
      echo "$c"
      return 0
    fi
  done
  return 0
}

# wait_ready I T0 -> 0 when node I answers user_info as our super_user; 3 when
# it could not bind one of its ports (taken since check_ports_free looked)
wait_ready() {
  local i=$1 t0=$2 out pid
  while :; do
    if out=$(curl -s -k -m 2 -u "$C_USER:$C_PASS" -H 'Content-Type: application/json' \
               -d '{"operation":"user_info"}' "$(ops_url "$i")/" 2>/dev/null) \
       && [[ "$out" == *"\"username\":"* && "$out" == *"super_user"* ]]; then
      log "node$i answering after $(since "$t0") s"
      return 0
    fi
    if tail -c "+${LOFF[$i]:-1}" "$(node_dir "$i")/console.log" 2>/dev/null |
         grep -q 'Unable to bind to port'; then
      log "node$i could not bind a port (another socket holds it); last console lines:"
      tail -n 20 "$(node_dir "$i")/console.log" >&2 || true
      return 3
    fi
    pid=$(live_pid "$i")
    if [ -z "$pid" ] && ! is_alive "${LPID[$i]:-}"; then
      log "node$i exited during start; last lines of $(node_dir "$i")/console.log:"
      tail -n 20 "$(node_dir "$i")/console.log" >&2 || true
      return 1
    fi
    if elapsed_gt "$t0" "$START_TIMEOUT"; then
      log "node$i not answering after $START_TIMEOUT s; last console lines:"
      tail -n 20 "$(node_dir "$i")/console.log" >&2 || true
      return 1
    fi
    sleep 0.1
  done
}

# stop_nodes I...: SIGTERM to each node's main process, wait (SIGKILL to its
# process group after STOP_TIMEOUT), then stop whatever else still runs for that
# root: leftovers of its process group and nats-server processes (legacy
# clustering: they survive their Harper process).
stop_nodes() {
  local i pid root t f c
  local -a left
  declare -A SPID=() SROOT=()
  for i in "$@"; do
    root=$(node_root "$i")
    SROOT[$i]=$root
    pid=$(live_pid "$i")
    [ -n "$pid" ] || continue
    SPID[$i]=$pid
    kill -CONT "$pid" 2>/dev/null || true   # a paused node cannot act on SIGTERM
    kill -TERM "$pid" 2>/dev/null || true
  done
  for i in "${!SPID[@]}"; do
    pid=${SPID[$i]}
    t=$(now)
    while is_alive "$pid"; do
      if elapsed_gt "$t" "$STOP_TIMEOUT"; then
        log "node$i (pid $pid) still alive after $STOP_TIMEOUT s: SIGKILL to its process group"
        # setsid made pid the group leader; everything in the group is Harper's
        [ "$(pgid_of "$pid")" = "$pid" ] && kill -KILL -- "-$pid" 2>/dev/null
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.2
        break
      fi
      sleep 0.05
    done
  done
  for i in "$@"; do
    root=${SROOT[$i]}
    mapfile -t left < <(
      {
        root_processes "$root"
        for f in "$root"/clustering/*.pid; do
          [ -f "$f" ] || continue
          c=$(tr -dc '0-9' <"$f")
          if [ -n "$c" ] && belongs "$c" "$root"; then echo "$c"; fi
        done
      } | sort -u)
    if [ ${#left[@]} -gt 0 ]; then
      log "node$i: leftover processes ${left[*]}: SIGTERM"
      kill -CONT "${left[@]}" 2>/dev/null || true
      kill -TERM "${left[@]}" 2>/dev/null || true
      t=$(now)
      while :; do
        mapfile -t left < <(root_processes "$root")
        [ ${#left[@]} -eq 0 ] && break
        if elapsed_gt "$t" 5; then
          log "node$i: SIGKILL ${left[*]}"
          kill -KILL "${left[@]}" 2>/dev/null || true
          break
        fi
        sleep 0.1
      done
    fi
    rm -f "$root/hdb.pid"
  done
  STOPPED=${#SPID[@]}
}

# write_env: BASEDIR/cluster.env from the running nodes
write_env() {
  local i p d pid repl
  {
    echo "# written by harper-cluster.sh; shell syntax"
    echo "HARPER_N=$(q "$C_N")"
    echo "HARPER_USER=$(q "$C_USER")"
    echo "HARPER_PASS=$(q "$C_PASS")"
    echo "HARPER_TLS=$(q "$C_TLS")"
    echo "HARPER_REPLICATION=$(q "$C_REPL")"
    echo "HARPER_NATS=$(q "$C_NATS")"
    echo "HARPER_VERSION=$(q "${C_VERSION:-}")"
    echo "HARPER_BASEDIR=$(q "$BASEDIR")"
    echo "HARPER_BASE_PORT=$(q "$C_BASE_PORT")"
    echo "HARPER_START_SECONDS=$(q "${C_START_SECONDS:-}")"
    echo "HARPER_ALL_INTERFACES=$(q "${C_ALL_IF:-0}")"
    if [ "$C_NATS" = 1 ]; then
      echo "HARPER_CLUSTER_USER=$(q "$C_CUSER")"
      echo "HARPER_CLUSTER_PASS=$(q "$C_CPASS")"
    fi
    for i in $(seq 1 "$C_N"); do
      p=$(ops_port "$i")
      d=$(node_dir "$i")
      pid=$(live_pid "$i")
      repl="$(wsscheme)://127.0.0.1:$p"
      echo "HARPER_NODE${i}_NAME=node$i"
      echo "HARPER_NODE${i}_URL=$(q "$(ops_url "$i")")"
      echo "HARPER_NODE${i}_HTTP_URL=$(q "http://127.0.0.1:$((p + 1))")"
      echo "HARPER_NODE${i}_REPL_URL=$(q "$repl")"
      echo "HARPER_NODE${i}_PID=${pid:-0}"
      echo "HARPER_NODE${i}_ROOT=$(q "$d/hdb")"
      echo "HARPER_NODE${i}_PORT=$p"
      echo "HARPER_NODE${i}_HTTP_PORT=$((p + 1))"
      echo "HARPER_NODE${i}_MQTT_PORT=$((p + 2))"
      echo "HARPER_NODE${i}_VERSION=$(q "$(cut -d' ' -f"$i" <<<"${C_NODE_VERSIONS:-}")")"
      if [ "$C_NATS" = 1 ]; then
        echo "HARPER_NODE${i}_NATS_HUB_PORT=$((p + 3))"
        echo "HARPER_NODE${i}_NATS_LEAFNODES_PORT=$((p + 4))"
        echo "HARPER_NODE${i}_NATS_CLUSTER_PORT=$((p + 5))"
        echo "HARPER_NODE${i}_NATS_LEAF_PORT=$((p + 6))"
      fi
    done
  } >"$BASEDIR/cluster.env.tmp"
  mv "$BASEDIR/cluster.env.tmp" "$BASEDIR/cluster.env"
}

only_loopback() { # the only network interface is lo (private network namespace)
  # /proc/net/dev follows the caller's network namespace (/sys/class/net may not)
  awk -F: 'NR > 2 { gsub(/ /, "", $1); if ($1 != "lo") bad = 1 } END { exit bad }' /proc/net/dev
}

check_ports_free() { # check_ports_free I... -> exit 3 if one is busy
  local i q ports=()
  # tests only (test-harper-fixture's /harper-fixture/port-taken): a node
  # meets a port taken after this check
  [ "${HARPER_CLUSTER_SKIP_PORT_CHECK:-0}" = 1 ] && return 0
  for i in "$@"; do
    for q in $(used_ports "$i"); do ports+=("$q"); done
  done
  q=$(busy_ports "${ports[@]}" | head -n 1)
  if [ -n "$q" ]; then
    log "port $q on 127.0.0.1 is in use (choose another HARPER_BASE_PORT)"
    exit 3
  fi
}

# refuse CODE DIR MESSAGE: exit CODE with MESSAGE on stderr and, for the C
# fixture, in DIR/start-refused (when DIR exists)
refuse() {
  log "ERROR: $3"
  [ -d "$2" ] && printf '%s\n' "$3" >"$2/start-refused"
  exit "$1"
}

set_basedir() {
  [ -d "$1" ] || die "$1 does not exist"
  BASEDIR=$(cd "$1" && pwd -P)
}

STOP_TIMEOUT=${HARPER_STOP_TIMEOUT:-15}
START_TIMEOUT=${HARPER_START_TIMEOUT:-120}
declare -A LPID=() LOFF=()

cmd_start() {
  [ $# -eq 2 ] || usage
  local n=$1 i t_all t_prep t_run n_inst=0 n_tpl=0 n_reuse=0 fail=0 reg
  [[ "$n" =~ ^[1-9][0-9]?$ ]] || usage
  command -v node >/dev/null || die "node not found"
  command -v curl >/dev/null || die "curl not found"
  # Harper 4.4 checks its paths with a regular expression that takes time
  # exponential in the length of a run of [/A-Za-z0-9_:-] followed by any
  # other character: /tmp/clusterdeck-cli-repl-test.XXXXXX (30 such
  # characters, then ".") made a node take minutes to start.
  local where
  where="$(cd "$(dirname "$2")" 2>/dev/null && pwd -P)/$(basename "$2")/node1/hdb/components"
  if [[ "$where" =~ [/A-Za-z0-9_:-]{23,}[^/A-Za-z0-9_:-] ]]; then
    die "BASEDIR $2: a long run of letters, digits, / _ : - followed by another character (here \"${BASH_REMATCH[0]}\") makes Harper hang checking its paths; use another directory"
  fi

  t_all=$(now)
  C_N=$n
  C_BASE_PORT=${HARPER_BASE_PORT:-19100}
  C_TLS=${HARPER_TLS:-0}
  C_REPL=${HARPER_REPLICATION:-1}
  C_NATS=${HARPER_NATS:-0}
  C_THREADS=${HARPER_THREADS:-1}
  C_USER=${HARPER_USER:-admin}
  C_PASS=${HARPER_PASS:-Harper-test-1}
  C_CUSER=${HARPER_CLUSTER_USER:-cluster_user}
  C_CPASS=${HARPER_CLUSTER_PASS:-Cluster-test-1}
  [[ "$C_BASE_PORT" =~ ^[0-9]+$ ]] && [ "$C_BASE_PORT" -ge 1024 ] \
    && [ $((C_BASE_PORT + n * 10)) -le 65535 ] || die "bad HARPER_BASE_PORT $C_BASE_PORT"
  if [ "$C_NATS" = 1 ]; then
    C_REPL=0
    if ! only_loopback && [ "${HARPER_NATS_ALLOW_HOST:-0}" != 1 ]; then
      refuse 4 "$2" "HARPER_NATS=1: nats-server binds all interfaces; run inside 'unshare -n' (with lo up) or set HARPER_NATS_ALLOW_HOST=1"
    fi
  fi

  # ---- which harperdb each node runs
  local -a versions=()
  local bin
  if [ -n "${HARPER_BIN:-}" ]; then
    for i in $(seq 1 "$n"); do versions+=(""); done
  elif [ -n "${HARPER_NODE_VERSIONS:-}" ]; then
    read -r -a versions <<<"${HARPER_NODE_VERSIONS//,/ }"
    [ ${#versions[@]} -eq "$n" ] ||
      die "HARPER_NODE_VERSIONS names ${#versions[@]} version(s) for $n node(s)"
  else
    for i in $(seq 1 "$n"); do versions+=("${HARPER_VERSION:-}"); done
  fi
  C_BINS=()
  C_PKGS=()
  for i in $(seq 1 "$n"); do
    if [ -n "${HARPER_BIN:-}" ]; then
      bin=$HARPER_BIN
    else
      bin=$("$HERE/install.sh" ${versions[$((i - 1))]:+"${versions[$((i - 1))]}"}) ||
        die "install.sh ${versions[$((i - 1))]} failed"
    fi
    [ -f "$bin" ] || die "harperdb.js not found at $bin"
    bin=$(cd "$(dirname "$bin")" && pwd -P)/$(basename "$bin")
    [[ "$bin" != *[[:space:]]* ]] || die "the path of harperdb.js has white space: $bin"
    C_BINS+=("$bin")
    C_PKGS+=("$(pkg_version "$bin")")
  done
  USE_TEMPLATES=${HARPER_TEMPLATES:-1}

  # ---- what each version can do (exit 4: needs a namespace, 5: cannot)
  C_ALL_IF=0
  for i in $(seq 1 "$n"); do
    local v
    v=$(node_pkg "$i")
    if [ "$C_REPL" = 1 ] && ! has_native "$i"; then
      refuse 5 "$2" "Harper $v has no native replication (4.4 and later have it); use HARPER_REPLICATION=0 or HARPER_NATS=1"
    fi
    if [ "$C_NATS" = 1 ] && ! has_nats_server "$i"; then
      refuse 5 "$2" "Harper $v ships no nats-server (4.5 and later do not): legacy NATS clustering cannot run on it"
    fi
    if ! binds_host "$i"; then
      C_ALL_IF=1
      if ! only_loopback && [ "${HARPER_ALL_INTERFACES_ALLOW_HOST:-0}" != 1 ]; then
        refuse 4 "$2" "Harper $v's installer refuses 127.0.0.1:PORT, so it listens on every interface; run inside 'unshare -n' (with lo up) or set HARPER_ALL_INTERFACES_ALLOW_HOST=1"
      fi
    fi
  done

  mkdir -p "$2"
  set_basedir "$2"
  for i in $(seq 1 "$n"); do
    [ -z "$(live_pid "$i")" ] || die "node$i of $BASEDIR is already running; stop it first"
  done
  check_ports_free $(seq 1 "$n")
  write_conf

  # ---- prepare roots: reuse, restore a template, or install (in parallel)
  t_prep=$(now)
  declare -A IPID=()
  for i in $(seq 1 "$n"); do
    mkdir -p "$(node_dir "$i")"
    if [ -f "$(node_root "$i")/harperdb-config.yaml" ]; then
      n_reuse=$((n_reuse + 1))
      continue
    fi
    if template_restore "$i"; then
      n_tpl=$((n_tpl + 1))
      continue
    fi
    mkdir -p "$(node_dir "$i")/home"
    if ! install_returns "$i"; then
      n_inst=$((n_inst + 1))
      continue
    fi
    node_env "$i"
    (cd "$(node_dir "$i")" && exec env -i "${NODE_ENV[@]}" node "$(node_bin "$i")" install) \
      >"$(node_dir "$i")/install.log" 2>&1 </dev/null &
    IPID[$i]=$!
    n_inst=$((n_inst + 1))
  done
  for i in "${!IPID[@]}"; do
    wait "${IPID[$i]}" || fail=1
    grep -q 'installation was successful' "$(node_dir "$i")/install.log" || fail=1
    if [ $fail = 1 ]; then
      tail -n 20 "$(node_dir "$i")/install.log" >&2 || true
      die "node$i: harperdb install failed, see $(node_dir "$i")/install.log"
    fi
    template_save "$i"
  done
  log "roots ready after $(since "$t_prep") s ($n_inst installed, $n_tpl from template, $n_reuse reused)"
  for i in $(seq 1 "$n"); do pin_auth_port "$i"; done

  # ---- run
  t_run=$(now)
  for i in $(seq 1 "$n"); do launch "$i"; done
  for i in $(seq 1 "$n"); do wait_ready "$i" "$t_run" || { fail=$?; break; }; done
  if [ $fail != 0 ]; then
    log "start failed; stopping what was started"
    stop_nodes $(seq 1 "$n")
    # 3: a port was taken after all: the caller may choose another range
    [ $fail = 3 ] && exit 3
    exit 1
  fi
  C_NODE_VERSIONS=
  for i in $(seq 1 "$n"); do
    reg=$(curl -s -k -m 10 -u "$C_USER:$C_PASS" -H 'Content-Type: application/json' \
            -d '{"operation":"registration_info"}' "$(ops_url "$i")/" || true)
    v=$(printf '%s' "$reg" | node -e '
      let s = ""; process.stdin.on("data", (d) => s += d).on("end", () => {
        try { process.stdout.write(String(JSON.parse(s).version || "")); } catch (e) {} })')
    [ -n "$v" ] || v=$(node_pkg "$i")
    C_NODE_VERSIONS="${C_NODE_VERSIONS:+$C_NODE_VERSIONS }$v"
  done
  C_VERSION=${C_NODE_VERSIONS%% *}
  C_START_SECONDS=$(since "$t_all")
  write_conf
  write_env
  log "$n node(s) answering after $C_START_SECONDS s (Harper $C_NODE_VERSIONS, $(scheme)$( [ "$C_ALL_IF" = 1 ] && echo " on every interface")$( [ "$C_REPL" = 1 ] && echo ", replication configured")$( [ "$C_NATS" = 1 ] && echo ", NATS clustering"), ports $C_BASE_PORT..$((C_BASE_PORT + n * 10 - 1)), run phase $(since "$t_run") s)"
  echo "$BASEDIR/cluster.env"
}

cmd_stop() {
  [ $# -eq 1 ] || usage
  local t0 i dirs=()
  [ -d "$1" ] || { log "$1 does not exist, nothing to stop"; return 0; }
  set_basedir "$1"
  t0=$(now)
  if [ -f "$BASEDIR/cluster.conf" ]; then
    load_conf "$BASEDIR"
    mapfile -t dirs < <(seq 1 "$C_N")
  else
    for i in "$BASEDIR"/node*/; do
      i=${i%/}; i=${i##*/node}
      [[ "$i" =~ ^[0-9]+$ ]] && dirs+=("$i")
    done
  fi
  STOPPED=0
  [ ${#dirs[@]} -gt 0 ] && stop_nodes "${dirs[@]}"
  rm -f "$BASEDIR/cluster.env"
  log "stopped $STOPPED node(s) in $(since "$t0") s"
}

cmd_stop_node() {
  [ $# -eq 2 ] || usage
  local t0
  set_basedir "$1"
  load_conf "$BASEDIR"
  [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -ge 1 ] && [ "$2" -le "$C_N" ] || die "no node $2"
  t0=$(now)
  STOPPED=0
  stop_nodes "$2"
  [ -f "$BASEDIR/cluster.env" ] && write_env
  log "node$2 stopped in $(since "$t0") s"
}

cmd_start_node() {
  [ $# -eq 2 ] || usage
  local i=$2 t0
  set_basedir "$1"
  load_conf "$BASEDIR"
  [[ "$i" =~ ^[0-9]+$ ]] && [ "$i" -ge 1 ] && [ "$i" -le "$C_N" ] || die "no node $i"
  [ -z "$(live_pid "$i")" ] || die "node$i is already running (pid $(live_pid "$i"))"
  check_ports_free "$i"
  t0=$(now)
  launch "$i"
  wait_ready "$i" "$t0" || { fail=$?; stop_nodes "$i"; [ $fail = 3 ] && exit 3; exit 1; }
  write_env
  log "node$i restarted, pid $(live_pid "$i")"
  live_pid "$i"
}

cmd_pid() {
  [ $# -eq 2 ] || usage
  local pid
  set_basedir "$1"
  load_conf "$BASEDIR"
  pid=$(live_pid "$2")
  [ -n "$pid" ] || exit 1
  echo "$pid"
}

cmd_status() {
  [ $# -eq 1 ] || usage
  local i pid
  set_basedir "$1"
  load_conf "$BASEDIR"
  for i in $(seq 1 "$C_N"); do
    pid=$(live_pid "$i")
    echo "node$i $(ops_url "$i") ${pid:-down}"
  done
}

cmd_watch() {
  [ $# -eq 1 ] || usage
  local dir=$1
  trap '' HUP INT TERM PIPE
  cat >/dev/null 2>&1 || true
  [ -d "$dir" ] || exit 0
  cmd_stop "$dir" 2>/dev/null || true
  # only delete what start created; HARPER_FIXTURE_KEEP=1 keeps it for a post-mortem
  if [ -f "$dir/cluster.conf" ] && [ "${HARPER_FIXTURE_KEEP:-0}" != 1 ]; then
    rm -rf "$dir"
  fi
}

[ $# -ge 1 ] || usage
cmd=$1
shift
case $cmd in
  start) cmd_start "$@" ;;
  stop) cmd_stop "$@" ;;
  stop-node) cmd_stop_node "$@" ;;
  start-node) cmd_start_node "$@" ;;
  pid) cmd_pid "$@" ;;
  status) cmd_status "$@" ;;
  watch) cmd_watch "$@" ;;
  -h|--help|help) usage ;;
  *) usage ;;
esac
