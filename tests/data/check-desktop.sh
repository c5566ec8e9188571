#!/bin/bash
# check-desktop.sh DESKTOP_FILE APP_ID SOURCE_ROOT
#
# Validates the built desktop entry: desktop-file-validate, its name, what it starts and
# which icon it shows. Prints TAP.
set -u
. "$(dirname "$0")/tap.sh"

desktop=$1 app_id=$2 srcroot=$3

if [ ! -f "$desktop" ]; then
  not_ok "desktop file exists" "$desktop was not built"
  tap_done
fi
ok "desktop file exists"

if have desktop-file-validate; then
  out=$(desktop-file-validate "$desktop" 2>&1)
  rc=$?
  # Hints do not fail validation; show them anyway.
  check "desktop-file-validate accepts $(basename "$desktop")" $rc "$out"
  [ $rc -eq 0 ] && diag "$out"
else
  missing_tool "desktop-file-validate accepts $(basename "$desktop")" desktop-file-validate
fi

[ "$(basename "$desktop")" = "$app_id.desktop" ]
check "desktop file is named $app_id.desktop" $? "it is named $(basename "$desktop")"

# The first value of KEY in the [Desktop Entry] group.
value ()
{
  sed -n '/^\[Desktop Entry\]/,/^\[/{s/^'"$1"'=//p}' "$desktop" | head -n 1
}

exec_line=$(value Exec)
[ "${exec_line%% *}" = clusterdeck ]
check "Exec starts clusterdeck" $? "Exec=$exec_line"

icon=$(value Icon)
[ "$icon" = "$app_id" ]
check "Icon is the app id" $? "Icon=$icon"

missing=()
for f in "data/icons/$app_id.svg" "data/icons/$app_id-symbolic.svg"; do
  [ -s "$srcroot/$f" ] || missing+=("$f is missing")
done
[ ${#missing[@]} -eq 0 ]
check "the app icon and its symbolic variant exist" $? "${missing[@]}"

[ "$(value Type)" = Application ] && [ -n "$(value Name)" ] && [ -n "$(value Categories)" ]
check "Type, Name and Categories are set" $? "Type=$(value Type) Name=$(value Name) Categories=$(value Categories)"

tap_done
