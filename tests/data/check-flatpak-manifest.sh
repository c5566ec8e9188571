#!/bin/bash
# check-flatpak-manifest.sh MANIFEST DESKTOP_FILE METAINFO_FILE
#
# Offline checks of the Flatpak manifest (no runtime can be installed here): the strict
# parse by flatpak-builder itself, then the fields it does not insist on, read with
# python3's json module. Prints TAP.
set -u
. "$(dirname "$0")/tap.sh"

manifest=$(realpath "$1") desktop=$2 metainfo=$3

required_finish_args=(
  --share=network
  --share=ipc
  --socket=wayland
  --socket=fallback-x11
  --device=dri
  --talk-name=org.freedesktop.secrets
)

# flatpak-builder's parser only warns about unknown keys, source types or wrongly typed
# values; G_DEBUG=fatal-warnings turns those into a failure (SIGTRAP). Any flatpak-builder
# call leaves a .flatpak-builder/ folder in the current directory, so run it in a temp one.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
if have flatpak-builder; then
  out=$(cd "$scratch" && G_DEBUG=fatal-warnings flatpak-builder --show-manifest "$manifest" 2>&1 >/dev/null)
  rc=$?
  check "flatpak-builder --show-manifest parses it without warnings" $rc "exit status $rc" "$out"
else
  missing_tool "flatpak-builder --show-manifest parses it without warnings" flatpak-builder
fi

if ! have python3; then
  missing_tool "manifest fields" python3
  tap_done
fi

# One "name=value" line per field; list values are joined with newlines under their name.
fields=$(python3 - "$manifest" "$metainfo" 2>"$scratch/python.err" <<'PY'
import json, sys
import xml.etree.ElementTree as ET
with open(sys.argv[1]) as f:
    m = json.load(f)
print("id=" + str(m.get("id", m.get("app-id", ""))))
for key in ("runtime", "runtime-version", "sdk", "command"):
    print(key + "=" + str(m.get(key, "")))
for arg in m.get("finish-args", []):
    print("finish-arg=" + arg)
modules = m.get("modules", [])
print("modules=%d" % len(modules))
for mod in modules:
    if isinstance(mod, dict):
        print("buildsystem=" + str(mod.get("buildsystem", "autotools")))
app = modules[-1] if modules and isinstance(modules[-1], dict) else {}
print("app-buildsystem=" + str(app.get("buildsystem", "")))
for src in app.get("sources", []):
    print("app-source=%s:%s" % (src.get("type", ""), src.get("path", "")))
print("metainfo-id=" + (ET.parse(sys.argv[2]).getroot().findtext("id") or "").strip())
PY
)
rc=$?
check "manifest is strict JSON" $rc "$(tail -n 1 "$scratch/python.err" 2>/dev/null)"
[ $rc -eq 0 ] || tap_done
field () { printf '%s\n' "$fields" | sed -n "s/^$1=//p"; }

id=$(field id)
[ -n "$id" ] && [ "$(basename "$desktop" .desktop)" = "$id" ]
check "app id '$id' equals the desktop file name" $? "desktop file is $(basename "$desktop")"

[ -n "$id" ] && [ "$(field metainfo-id)" = "$id" ]
check "app id '$id' equals the metainfo <id>" $? "metainfo <id> is '$(field metainfo-id)'"

[ "$(field runtime)" = org.gnome.Platform ] && [ "$(field sdk)" = org.gnome.Sdk ]
check "runtime is org.gnome.Platform with org.gnome.Sdk" $? \
  "runtime is '$(field runtime)', sdk is '$(field sdk)'"

rv=$(field runtime-version)
[[ "$rv" =~ ^[0-9]+$ ]] && [ "$rv" -ge 47 ]
check "runtime-version '$rv' is a GNOME release (47 or later)" $? \
  "use the number of a GNOME runtime Flathub still supports"

[ "$(field command)" = clusterdeck ]
check "command is clusterdeck" $? "command is '$(field command)'"

missing=()
for arg in "${required_finish_args[@]}"; do
  printf '%s\n' "$fields" | grep -qxF -- "finish-arg=$arg" || missing+=("missing finish-arg $arg")
done
[ ${#missing[@]} -eq 0 ]
check "finish-args grant network, ipc, wayland, fallback-x11, dri and the secret service" $? "${missing[@]}"

bad=$(field buildsystem | grep -vxE 'meson|cmake|cmake-ninja|autotools|simple|qmake')
[ "$(field modules)" -gt 0 ] && [ -z "$bad" ]
check "every module has a known buildsystem" $? "modules: $(field modules)" "unknown: $bad"

[ "$(field app-buildsystem)" = meson ] && printf '%s\n' "$fields" | grep -qxF "app-source=dir:.."
check "the app module is built with meson from the source tree (dir ..)" $? \
  "buildsystem '$(field app-buildsystem)'" "$(field app-source)"

tap_done
