#!/usr/bin/env bash
# install.sh: install a pinned Harper (harperdb) for the integration tests and
# print the absolute path of its bin/harperdb.js on stdout.
#
#   tests/harper/install.sh [VERSION]   one version (default: $HARPER_VERSION, else the
#                                       baseline of versions/matrix.txt)
#   tests/harper/install.sh --all       every version of versions/matrix.txt, one path a line
#   tests/harper/install.sh --list [ROLE]  the versions (with ROLE only), one a line
#   tests/harper/install.sh --role ROLE the first version with ROLE (baseline, newest, ...)
#
#   tests/harper/install.sh 4.7.29  -> /root/.cache/clusterdeck/harper/0862.../node_modules/harperdb/bin/harperdb.js
#
# Each version is pinned by its own lock file, versions/<VERSION>/package-lock.json
# (with its package.json), and installed with `npm ci --ignore-scripts` into a
# cache directory keyed by the sha256 of that lock file:
#   ${CLUSTERDECK_HARPER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/clusterdeck/harper}/<sha256[0:16]>/
# so a change of a lock file installs next to the old one, and an existing
# install is a fast no-op (a stamp file is checked, npm is not run).
#
# Install scripts are not needed: the native addons (lmdb, msgpackr-extract, ...)
# come as prebuilt optional packages and nats-server ships inside the harperdb
# tarball up to 4.4 (4.5 and later ship none: legacy NATS clustering cannot run
# there unless an administrator installs nats-server by hand; see
# docs/compatibility.md). Only node and npm (and a reachable npm registry, or a
# warm npm cache) are required. Concurrent runs are serialised with flock when it
# is available. Progress goes to stderr; stdout carries only the path(s).
#
# A new version: make versions/<VERSION>/package.json (as the others, with that
# version), write its lock file as below, and add a line to versions/matrix.txt.
#
# Regenerating a package-lock.json: some optional dependencies of harperdb are
# not on the registry (@cbor-extract/*@2.2.3, node-unix-socket-darwin-*,
# ...-arm*). npm >= 11.16 leaves them out of the lock and then `npm ci` rejects
# its own lock ("Missing: ... from lock file", npm/cli#9846). npm 11.13.0 writes
# inert placeholder entries (`"optional": true` only) that every npm 11 accepts:
#   cd versions/VERSION && npx npm@11.13.0 install --package-lock-only --ignore-scripts --no-audit --no-fund
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
MATRIX=$HERE/versions/matrix.txt

log() { printf '[harper-install] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

[ -f "$MATRIX" ] || die "$MATRIX missing"

# matrix_versions [ROLE]: the versions of the matrix (having ROLE), in its order
matrix_versions() {
  awk -v role="${1:-}" '
    /^[[:space:]]*(#|$)/ { next }
    { if (role == "") { print $1; next }
      for (k = 2; k <= NF; k++) if ($k == role) { print $1; next } }' "$MATRIX"
}

CACHE_ROOT=${CLUSTERDECK_HARPER_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/clusterdeck/harper}

# install_version VERSION: installs it if needed and prints its harperdb.js
install_version() {
  local version=$1 dir key dest bin stamp
  [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "not a version: '$version'"
  dir=$HERE/versions/$version
  [ -f "$dir/package-lock.json" ] && [ -f "$dir/package.json" ] ||
    die "Harper $version is not pinned here (no $dir/package-lock.json); pinned: $(matrix_versions | tr '\n' ' ')"
  key=$(sha256sum "$dir/package-lock.json" | cut -c1-16)
  dest=$CACHE_ROOT/$key
  bin=$dest/node_modules/harperdb/bin/harperdb.js
  stamp=$dest/.installed

  # Fast path: nothing to do (no npm, no node started).
  if [ -f "$stamp" ] && [ -f "$bin" ]; then
    echo "$bin"
    return 0
  fi

  command -v node >/dev/null || die "node not found (Harper needs Node.js >= 18)"
  command -v npm >/dev/null || die "npm not found"
  mkdir -p "$CACHE_ROOT"
  if command -v flock >/dev/null; then
    exec 9>"$CACHE_ROOT/.$key.lock"
    flock 9
    install_locked "$dir" "$dest" "$bin" "$stamp"
    flock -u 9
    exec 9>&-
  else
    install_locked "$dir" "$dest" "$bin" "$stamp"
  fi
  [ -f "$bin" ] || die "$bin missing after install"
  echo "$bin"
}

# install_locked DIR DEST BIN STAMP
install_locked() {
  local dir=$1 dest=$2 bin=$3 stamp=$4 t0 stage platform
  # Somebody else may have finished while we waited for the lock.
  if [ -f "$stamp" ] && [ -f "$bin" ]; then
    return 0
  fi
  t0=$(now)
  stage=$(mktemp -d "$CACHE_ROOT/.$(basename "$dest").XXXXXX")
  chmod 755 "$stage"
  cp "$dir/package.json" "$dir/package-lock.json" "$stage/"
  log "npm ci harperdb ($(node -p "require('$dir/package-lock.json').packages['node_modules/harperdb'].version")) into $dest"
  if ! (cd "$stage" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error \
          >"$stage/npm-ci.log" 2>&1 </dev/null); then
    tail -n 30 "$stage/npm-ci.log" >&2 || true
    rm -rf "$stage"
    die "npm ci failed"
  fi
  [ -f "$stage/node_modules/harperdb/bin/harperdb.js" ] \
    || { rm -rf "$stage"; die "npm ci did not install harperdb/bin/harperdb.js"; }
  platform=$(node -p 'process.platform + "-" + process.arch')
  if [ ! -x "$stage/node_modules/harperdb/dependencies/$platform/nats-server" ]; then
    log "note: this harperdb ships no nats-server for $platform: legacy NATS clustering cannot run on it"
  fi
  date -u +%Y-%m-%dT%H:%M:%SZ >"$stage/.installed"
  # node_modules has no absolute paths in it, so the staged tree can be renamed.
  rm -rf "$dest"
  mv "$stage" "$dest"
  log "installed in $(since "$t0") s ($(du -sm "$dest" | cut -f1) MB)"
}

case ${1:-} in
  --all)
    [ $# -eq 1 ] || die "usage: install.sh --all"
    for v in $(matrix_versions); do install_version "$v"; done
    ;;
  --list)
    [ $# -le 2 ] || die "usage: install.sh --list [ROLE]"
    matrix_versions "${2:-}"
    ;;
  --role)
    [ $# -eq 2 ] || die "usage: install.sh --role ROLE"
    v=$(matrix_versions "$2" | head -n 1)
    [ -n "$v" ] || die "no version of $MATRIX has the role '$2'"
    echo "$v"
    ;;
  -h|--help)
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    ;;
  -*)
    die "unknown option '$1' (try --help)"
    ;;
  *)
    [ $# -le 1 ] || die "usage: install.sh [VERSION]"
    version=${1:-${HARPER_VERSION:-}}
    if [ -z "$version" ]; then
      version=$(matrix_versions baseline | head -n 1)
      [ -n "$version" ] || die "no baseline version in $MATRIX"
    fi
    install_version "$version"
    ;;
esac
