#!/bin/bash
# check-metainfo.sh METAINFO_FILE APP_ID PROJECT_VERSION
#
# Validates the built AppStream metainfo offline (appstreamcli --no-net), and checks the
# ids and binaries it declares against the build. Prints TAP.
set -u
. "$(dirname "$0")/tap.sh"

metainfo=$1 app_id=$2 version=$3

if [ ! -f "$metainfo" ]; then
  not_ok "metainfo file exists" "$metainfo was not built"
  tap_done
fi
ok "metainfo file exists"

if have appstreamcli; then
  out=$(appstreamcli validate --no-net "$metainfo" 2>&1)
  rc=$?
  check "appstreamcli validate --no-net" $rc "$out"

  # Pedantic run: errors and warnings fail, infos and pedantic notes are only shown
  # (the id has upper-case letters by design, and appstreamcli 0.16 does not know the
  # <developer> tag that AppStream 1.0 and Flathub want).
  out=$(appstreamcli validate --no-net --pedantic --no-color "$metainfo" 2>&1)
  bad=$(printf '%s\n' "$out" | grep -E '^[EW]: ')
  [ -z "$bad" ]
  check "appstreamcli validate --no-net --pedantic has no errors or warnings" $? "$out"
  [ -z "$bad" ] && diag "$(printf '%s\n' "$out" | grep -E '^[IP]: ')"
else
  missing_tool "appstreamcli validate --no-net" appstreamcli
  missing_tool "appstreamcli validate --no-net --pedantic has no errors or warnings" appstreamcli
fi

# Read the fields with a real XML parser; python3's standard library is enough.
if have python3; then
  fields=$(python3 - "$metainfo" <<'PY'
import sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
def texts(path):
    return ",".join((e.text or "").strip() for e in root.findall(path))
print("type=" + root.get("type", ""))
print("id=" + texts("id"))
print("launchable=" + texts("launchable[@type='desktop-id']"))
print("binaries=" + texts("provides/binary"))
print("releases=" + ",".join(r.get("version", "") for r in root.findall("releases/release")))
print("screenshots=" + texts("screenshots/screenshot/image"))
PY
)
  rc=$?
  check "metainfo parses as XML" $rc "$fields"
  field () { printf '%s\n' "$fields" | sed -n "s/^$1=//p"; }

  [ "$(field type)" = desktop-application ]
  check "component type is desktop-application" $? "type=$(field type)"
  [ "$(field id)" = "$app_id" ]
  check "<id> is $app_id" $? "<id> is '$(field id)'"
  [ "$(field launchable)" = "$app_id.desktop" ]
  check "launchable is $app_id.desktop" $? "launchable is '$(field launchable)'"
  missing=()
  for b in clusterdeck clusterdeck-cli; do
    [[ ",$(field binaries)," == *",$b,"* ]] || missing+=("<binary>$b</binary> is missing")
  done
  [ ${#missing[@]} -eq 0 ]
  check "provides the binaries clusterdeck and clusterdeck-cli" $? "${missing[@]}"
  [[ ",$(field releases)," == *",$version,"* ]]
  check "a <release> describes the project version $version" $? \
    "releases listed: $(field releases)" "add <release version=\"$version\" date=\"YYYY-MM-DD\"> to the metainfo"
  bad_shots=$(printf '%s\n' "$(field screenshots)" | tr ',' '\n' |
              grep -v '^https://raw.githubusercontent.com/clusterdeck/clusterdeck/main/docs/images/.*\.png$')
  [ -n "$(field screenshots)" ] && [ -z "$bad_shots" ]
  check "screenshots point at docs/images/*.png in the repository" $? "${bad_shots:-no screenshots}"
else
  missing_tool "metainfo parses as XML" python3
fi

tap_done
