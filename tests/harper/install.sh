#!/usr/bin/env bash
# install.sh: install the pinned Harper (harperdb, see package-lock.json) for the
# integration tests and print the absolute path of its bin/harperdb.js on stdout.
#
#   tests/harper/install.sh            -> /root/.cache/clusterdeck/harper/3f2a.../node_modules/harperdb/bin/harperdb.js
#
# The package is installed with `npm ci --ignore-scripts` into a cache directory
# keyed by the sha256 of package-lock.json:
#   ${CLUSTERDECK_HARPER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/clusterdeck/harper}/<sha256[0:16]>/
# so a change of the lock file installs next to the old one, and an existing
# install is a fast no-op (a stamp file is checked, npm is not run).
#
# Install scripts are not needed: the native addons (lmdb, msgpackr-extract, ...)
# come as prebuilt optional packages and nats-server ships inside the harperdb
# tarball. Only node and npm (and a reachable npm registry, or a warm npm cache)
# are required. Concurrent runs are serialised with flock when it is available.
# Progress goes to stderr; stdout carries only the path.
#
# Regenerating package-lock.json: some optional dependencies of harperdb 4.4.18
# are not on the registry (@cbor-extract/*@2.2.3, node-unix-socket-darwin-*,
# ...-arm*). npm >= 11.16 leaves them out of the lock and then `npm ci` rejects
# its own lock ("Missing: ... from lock file", npm/cli#9846). npm 11.13.0 writes
# inert placeholder entries (`"optional": true` only) that every npm 11 accepts:
#   npx npm@11.13.0 install --package-lock-only --ignore-scripts --no-audit --no-fund
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
LOCK_FILE=$HERE/package-lock.json
PKG_FILE=$HERE/package.json

log() { printf '[harper-install] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

[ -f "$LOCK_FILE" ] && [ -f "$PKG_FILE" ] || die "package.json/package-lock.json missing in $HERE"

CACHE_ROOT=${CLUSTERDECK_HARPER_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/clusterdeck/harper}
KEY=$(sha256sum "$LOCK_FILE" | cut -c1-16)
DEST=$CACHE_ROOT/$KEY
BIN=$DEST/node_modules/harperdb/bin/harperdb.js
STAMP=$DEST/.installed

# Fast path: nothing to do (no npm, no node started).
if [ -f "$STAMP" ] && [ -f "$BIN" ]; then
  echo "$BIN"
  exit 0
fi

command -v node >/dev/null || die "node not found (Harper needs Node.js >= 18)"
command -v npm >/dev/null || die "npm not found"

mkdir -p "$CACHE_ROOT"

install_locked() {
  # Somebody else may have finished while we waited for the lock.
  if [ -f "$STAMP" ] && [ -f "$BIN" ]; then
    return 0
  fi
  local t0 stage
  t0=$(now)
  stage=$(mktemp -d "$CACHE_ROOT/.$KEY.XXXXXX")
  chmod 755 "$stage"
  cp "$PKG_FILE" "$LOCK_FILE" "$stage/"
  log "npm ci harperdb ($(node -p "require('$LOCK_FILE').packages['node_modules/harperdb'].version")) into $DEST"
  if ! (cd "$stage" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error \
          >"$stage/npm-ci.log" 2>&1 </dev/null); then
    tail -n 30 "$stage/npm-ci.log" >&2 || true
    rm -rf "$stage"
    die "npm ci failed"
  fi
  [ -f "$stage/node_modules/harperdb/bin/harperdb.js" ] \
    || { rm -rf "$stage"; die "npm ci did not install harperdb/bin/harperdb.js"; }
  if [ ! -x "$stage/node_modules/harperdb/dependencies/$(node -p 'process.platform + "-" + process.arch')/nats-server" ]; then
    log "warning: no bundled nats-server for this platform (only legacy NATS clustering needs it)"
  fi
  date -u +%Y-%m-%dT%H:%M:%SZ >"$stage/.installed"
  # node_modules has no absolute paths in it, so the staged tree can be renamed.
  rm -rf "$DEST"
  mv "$stage" "$DEST"
  log "installed in $(since "$t0") s ($(du -sm "$DEST" | cut -f1) MB)"
}

if command -v flock >/dev/null; then
  exec 9>"$CACHE_ROOT/.$KEY.lock"
  flock 9
  install_locked
  flock -u 9
else
  install_locked
fi

[ -f "$BIN" ] || die "$BIN missing after install"
echo "$BIN"
