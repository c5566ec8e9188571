#!/bin/bash
# check-metainfo.sh METAINFO_FILE APP_ID PROJECT_VERSION
#
# Validates the built AppStream metainfo offline (appstreamcli --no-net), and checks the
# ids and binaries it declares against the build. Checks that every picture the store
# listing shows, and every image the README and docs/ refer to, is a file in the source
# tree (build-aux/screenshots.sh renders them). Prints TAP.
set -u
. "$(dirname "$0")/tap.sh"

metainfo=$1 app_id=$2 version=$3
srcroot=$(cd "$(dirname "$0")/../.." && pwd)
shot_prefix=https://raw.githubusercontent.com/clusterdeck/clusterdeck/main/

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
  # What the URLs will serve once pushed: the files in this tree.
  missing_shots=()
  for url in $(printf '%s\n' "$(field screenshots)" | tr ',' '\n'); do
    path=${url#"$shot_prefix"}
    [ -f "$srcroot/$path" ] || missing_shots+=("$path does not exist (run build-aux/screenshots.sh)")
  done
  [ -n "$(field screenshots)" ] && [ ${#missing_shots[@]} -eq 0 ]
  check "every screenshot of the metainfo exists in the source tree" $? "${missing_shots[@]}"
else
  missing_tool "metainfo parses as XML" python3
fi

# Images of the README and docs/: Markdown ![alt](path) (the alt text may span lines)
# and <img src="path">, relative to the file that names them; web addresses are left
# alone.
if have python3; then
  out=$(cd "$srcroot" && python3 - README.md docs/*.md flatpak/*.md <<'PY'
import os, re, sys
pattern = re.compile(r'!\[[^\]]*\]\(\s*<?([^)\s>]+)|<img[^>]*\ssrc="([^"]+)"', re.S)
bad = 0
seen = 0
for doc in sys.argv[1:]:
    if not os.path.isfile(doc):
        continue
    text = open(doc, encoding="utf-8").read()
    for m in pattern.finditer(text):
        ref = m.group(1) or m.group(2)
        if re.match(r'^[a-z]+:', ref):
            continue
        seen += 1
        path = os.path.normpath(os.path.join(os.path.dirname(doc), ref.split('#')[0]))
        if not os.path.isfile(path):
            bad += 1
            print(f"{doc}: {ref} does not exist")
print(f"{seen} image references checked")
sys.exit(1 if bad else 0)
PY
)
  check "every image the README and docs/ refer to exists" $? "$out"
else
  missing_tool "every image the README and docs/ refer to exists" python3
fi

tap_done
