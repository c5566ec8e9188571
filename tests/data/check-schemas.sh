#!/bin/bash
# check-schemas.sh SOURCE_DATA_DIR BUILD_DATA_DIR APP_ID
#
# Compiles the GSettings schemas strictly (dry run) from the source tree, then reads the
# schema compiled into the build directory, the way the uninstalled app and the tests
# use it (GSETTINGS_SCHEMA_DIR=<builddir>/data), and checks its keys and defaults.
# Prints TAP.
set -u
. "$(dirname "$0")/tap.sh"

srcdata=$1 builddata=$2 app_id=$3
schema_path=/$(printf '%s' "$app_id" | tr . /)/

if have glib-compile-schemas; then
  out=$(glib-compile-schemas --strict --dry-run "$srcdata" 2>&1)
  check "glib-compile-schemas --strict --dry-run $srcdata" $? "$out"
else
  missing_tool "glib-compile-schemas --strict --dry-run $srcdata" glib-compile-schemas
fi

grep -q "<schema id=\"$app_id\" path=\"$schema_path\"" "$srcdata/$app_id.gschema.xml" 2>/dev/null
check "schema $app_id has the path $schema_path" $? \
  "expected <schema id=\"$app_id\" path=\"$schema_path\"> in $srcdata/$app_id.gschema.xml"

[ -s "$builddata/gschemas.compiled" ]
check "gschemas.compiled is in the build directory" $? "$builddata/gschemas.compiled is missing"

if ! have gsettings; then
  missing_tool "the compiled schema has the expected keys and defaults" gsettings
  tap_done
fi

# The memory backend keeps gsettings away from dconf and $HOME.
gs ()
{
  GSETTINGS_SCHEMA_DIR=$builddata GSETTINGS_BACKEND=memory gsettings "$@" 2>&1
}

keys=$(gs list-keys "$app_id")
check "gsettings finds $app_id in $builddata" $? "$keys"

# key, expected default as gsettings prints it
expected=(
  "window-width|1100"
  "window-height|720"
  "window-maximized|false"
  "selected-organization|''"
  "selected-instance|''"
  "refresh-interval|uint32 10"
)
for pair in "${expected[@]}"; do
  key=${pair%%|*} want=${pair#*|}
  got=$(gs get "$app_id" "$key")
  [ "$got" = "$want" ]
  check "$key defaults to $want" $? "gsettings get $app_id $key gave: $got"
done

range=$(gs range "$app_id" refresh-interval | tr '\n' ' ')
[ "$range" = "range u 2 3600 " ]
check "refresh-interval is limited to 2..3600 seconds" $? "gsettings range gave: $range"

tap_done
