#!/bin/bash
# check-potfiles.sh SOURCE_ROOT
#
# po/POTFILES.in must list every file under src/ and data/ that has translatable strings,
# and every file it lists must exist. Prints TAP naming the offending files.
set -u
. "$(dirname "$0")/tap.sh"

srcroot=$1
potfiles=$srcroot/po/POTFILES.in

if [ ! -f "$potfiles" ]; then
  not_ok "po/POTFILES.in exists"
  tap_done
fi
ok "po/POTFILES.in exists"

# Listed files, without comments and blank lines.
mapfile -t listed < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$potfiles")

missing=()
for f in "${listed[@]}"; do
  [ -f "$srcroot/$f" ] || missing+=("$f is listed but does not exist")
done
[ ${#missing[@]} -eq 0 ]
check "every file listed in po/POTFILES.in exists" $? "${missing[@]}"

dupes=$(printf '%s\n' "${listed[@]}" | sort | uniq -d)
[ -z "$dupes" ]
check "no file is listed twice" $? "$dupes"

is_listed ()
{
  local f
  for f in "${listed[@]}"; do
    [ "$f" = "$1" ] && return 0
  done
  return 1
}

# Translatable strings in code and UI files: _("…"), N_("…"), C_("…", …), NC_(…),
# the ngettext family and translatable="yes" in GtkBuilder files.
marker='(^|[^[:alnum:]_])(N?C?_)[[:space:]]*\([[:space:]]*"|ngettext[[:space:]]*\(|translatable[[:space:]]*=[[:space:]]*["'"'"']yes'
unlisted=()
while IFS= read -r -d '' rel; do
  is_listed "$rel" || unlisted+=("$rel has translatable strings but is not in po/POTFILES.in")
done < <(cd "$srcroot" && grep -rlIZE --exclude=meson.build -e "$marker" src data 2>/dev/null | sort -z)
[ ${#unlisted[@]} -eq 0 ]
check "every file under src/ and data/ with translatable strings is in po/POTFILES.in" $? "${unlisted[@]}"

# Files that are translatable by their kind, whatever their content.
unlisted=()
while IFS= read -r -d '' rel; do
  is_listed "$rel" || unlisted+=("$rel is translatable by its kind but is not in po/POTFILES.in")
done < <(cd "$srcroot" && find data -type f \( -name '*.desktop.in' -o -name '*.metainfo.xml.in' \
           -o -name '*.gschema.xml' \) -print0 | sort -z)
[ ${#unlisted[@]} -eq 0 ]
check "the desktop file, metainfo and schema under data/ are in po/POTFILES.in" $? "${unlisted[@]}"

tap_done
