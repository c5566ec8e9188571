#!/usr/bin/env bash
# build-aux/demo-cluster.sh start|stop|status [CLI]
#
# A local demo cluster for Clusterdeck: three real Harper nodes on 127.0.0.1
# (ports 29100, 29110, 29120), replication not yet enabled, started with the
# tests' own script (tests/harper/harper-cluster.sh), and registered with
# clusterdeck-cli as the organization "Demo" (node1, node2, node3) with their
# login in the keyring.
#
#   start [CLI]   start fresh nodes (a previous demo is stopped and wiped) and
#                 register them; CLI is the clusterdeck-cli to use
#   stop          stop the nodes
#   status        show the nodes
#
# The Harper version: CLUSTERDECK_DEMO_HARPER, one of the versions of
# tests/harper/versions/matrix.txt (default: the newest), or three of them
# separated by commas for a mixed cluster ("4.4.18,4.4.18,4.7.29": a rolling
# upgrade half-way). Harper before 4.4 (4.3.0) has no native replication: its
# nodes start with NATS clustering already enabled (distinct NATS ports), and
# since its installer refuses 127.0.0.1:PORT they listen on every interface
# of this machine, which needs CLUSTERDECK_DEMO_ALL_INTERFACES=1 to say so.
#
# The nodes get a new random admin password on every start. It goes to the
# keyring through clusterdeck-cli (CLUSTERDECK_PASSWORD, never argv) and is
# removed from the cluster's state file, so it is in no file afterwards.
set -euo pipefail

srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state=${XDG_STATE_HOME:-$HOME/.local/state}/clusterdeck-demo
cluster=$state/cluster
script=$srcdir/tests/harper/harper-cluster.sh
log() { printf 'demo-cluster: %s\n' "$*" >&2; }

cmd=${1:-status}
case $cmd in
  start)
    cli=${2:-$srcdir/_build/src/cli/clusterdeck-cli}
    [ -x "$cli" ] || { log "clusterdeck-cli not found at $cli (build first)"; exit 1; }
    if [ -d "$cluster" ]; then
      "$script" stop "$cluster" >/dev/null 2>&1 || true
      rm -rf "$cluster"
    fi
    mkdir -p "$state"
    password="Demo-$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20)"
    install=$srcdir/tests/harper/install.sh
    versions=${CLUSTERDECK_DEMO_HARPER:-$(bash "$install" --role newest)}
    IFS=, read -r -a list <<<"$versions"
    case ${#list[@]} in
      1) list=("${list[0]}" "${list[0]}" "${list[0]}") ;;
      3) ;;
      *) log "CLUSTERDECK_DEMO_HARPER: one version, or three separated by commas (got '$versions')"; exit 2 ;;
    esac
    known=" $(bash "$install" --list | tr '\n' ' ')"
    extra=(HARPER_REPLICATION=0)
    for v in "${list[@]}"; do
      if [[ $known != *" $v "* ]]; then
        log "Harper $v is not one of the supported versions:$known"
        exit 2
      fi
      if [ "$(printf '%s\n4.4.0\n' "$v" | sort -V | head -n 1)" != 4.4.0 ]; then
        if [ "${CLUSTERDECK_DEMO_ALL_INTERFACES:-0}" != 1 ]; then
          log "Harper $v refuses to listen on 127.0.0.1 only: its nodes would listen on every"
          log "interface of this machine. To run the demo with it anyway:"
          log "  CLUSTERDECK_DEMO_ALL_INTERFACES=1 CLUSTERDECK_DEMO_HARPER=$versions $0 start"
          exit 2
        fi
        # No native replication before 4.4: NATS, enabled at install with
        # distinct ports (three instances share this host).
        extra=(HARPER_NATS=1 HARPER_NATS_ALLOW_HOST=1 HARPER_ALL_INTERFACES_ALLOW_HOST=1)
      fi
    done
    log "starting 3 Harper nodes (${list[*]}) on 127.0.0.1:29100..29129 (first run: npm installs harperdb, ~30 s)"
    env HARPER_BASE_PORT=29100 HARPER_USER=admin HARPER_PASS="$password" \
      HARPER_NODE_VERSIONS="${list[*]}" "${extra[@]}" \
      "$script" start 3 "$cluster" >&2
    # Something to replicate: the same tables on every node (replication
    # never creates them). curl reads the login from its standard input
    # (-K -), never from argv.
    for i in 1 2 3; do
      port=$((29100 + (i - 1) * 10))
      for spec in "data dog" "data cat" "data owner" "shop product" "shop order"; do
        set -- $spec
        printf 'user = "admin:%s"\n' "$password" |
          curl -sS -K - -H 'Content-Type: application/json' -o /dev/null \
            -d "{\"operation\":\"create_table\",\"database\":\"$1\",\"table\":\"$2\",\"primary_key\":\"id\"}" \
            "http://127.0.0.1:$port/" || log "could not create $1.$2 on node$i"
      done
    done
    log "created data.{dog,cat,owner} and shop.{product,order} on every node"

    # The password now lives in the keyring only.
    sed -i '/^HARPER_PASS=/d; /^HARPER_CLUSTER_PASS=/d' "$cluster/cluster.env"

    "$cli" org remove Demo >/dev/null 2>&1 || true
    "$cli" org add Demo >/dev/null
    for i in 1 2 3; do
      url=http://127.0.0.1:$((29100 + (i - 1) * 10))
      CLUSTERDECK_PASSWORD=$password "$cli" instance add --org Demo --name "node$i" \
        --url "$url" --username admin </dev/null >&2
    done
    unset password
    log "organization Demo: node1 http://127.0.0.1:29100, node2 :29110, node3 :29120 (user admin)"
    log "stop the nodes with: $0 stop"
    ;;
  stop)
    if [ -d "$cluster" ]; then
      "$script" stop "$cluster" >&2
      log "demo nodes stopped"
    fi
    ;;
  status)
    [ -d "$cluster" ] && "$script" status "$cluster" || log "no demo cluster"
    ;;
  *)
    echo "usage: $0 start [CLI] | stop | status" >&2
    exit 2
    ;;
esac
