#!/bin/bash
# check-layers-selftest.sh SOURCE_ROOT
#
# check-layers.sh must fail, naming the file and the header, when a lower
# sub-layer of src/core includes a header of a higher one, or when hdb includes
# core. It runs on a copy of src/ with one deliberate violation at a time; the
# untouched copy must pass. Prints TAP.
set -u
. "$(dirname "$0")/tap.sh"

srcroot=$1
checker=$(cd "$(dirname "$0")" && pwd)/check-layers.sh
work=$(mktemp -d "${TMPDIR:-/tmp}/layers-selftest.XXXXXX")
trap 'rm -rf "$work"' EXIT

fresh_copy ()
{
  rm -rf "$work/tree"
  mkdir -p "$work/tree"
  cp -r "$srcroot/src" "$work/tree/src"
}

# run_check -> prints the checker's TAP; its status is the count of "not ok".
run_check ()
{
  local out
  out=$(bash "$checker" "$work/tree" 2>&1)
  printf '%s\n' "$out"
  return "$(printf '%s\n' "$out" | grep -c '^not ok')"
}

fresh_copy
out=$(run_check); n=$?
check "the tree as it is passes the layer check" $((n != 0)) "$out"

# violation FILE HEADER WHAT: FILE (under src/) includes HEADER; the check must
# fail and name both.
violation ()
{
  local file=$1 header=$2 what=$3 out n
  fresh_copy
  if [ ! -f "$work/tree/src/$file" ]; then
    not_ok "$what" "src/$file does not exist: update this self-test"
    return
  fi
  sed -i "0,/^#include/s//#include \"$header\"\n#include/" "$work/tree/src/$file"
  out=$(run_check); n=$?
  [ "$n" -gt 0 ] && printf '%s\n' "$out" | grep -q "forbidden include: src/$file:[0-9]*:$header"
  check "$what" $? "$out"
}

violation core/store/deck-store.c deck-applier.h \
  "store including a replication header fails the check, naming it"
violation core/util/deck-paths.c deck-instance.h \
  "util including a store header fails the check, naming it"
violation core/cluster/deck-engine.c deck-plan.h \
  "cluster including a replication header fails the check, naming it"
violation hdb/hdb-types.c deck-store.h \
  "hdb including a core header fails the check, naming it"
violation core/replication/deck-applier.c deck-context.h \
  "replication including the context (src/core itself) fails the check, naming it"
violation core/deck-context.c deck-cli-private.h \
  "the core including a command-line header fails the check, naming it"

tap_done
