#!/usr/bin/env bash
# build-aux/demo-cluster.sh start|stop|status [CLI]
#
# A local demo cluster for Clusterdeck: three real Harper 4.4.18 nodes on
# 127.0.0.1 (ports 29100, 29110, 29120), replication not yet enabled, started
# with the tests' own script (tests/harper/harper-cluster.sh), and registered
# with clusterdeck-cli as the organization "Demo" (node1, node2, node3) with
# their login in the keyring.
#
#   start [CLI]   start fresh nodes (a previous demo is stopped and wiped) and
#                 register them; CLI is the clusterdeck-cli to use
#   stop          stop the nodes
#   status        show the nodes
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
    log "starting 3 Harper nodes on 127.0.0.1:29100..29129 (first run: npm installs harperdb, ~30 s)"
    HARPER_BASE_PORT=29100 HARPER_REPLICATION=0 HARPER_USER=admin HARPER_PASS="$password" \
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
