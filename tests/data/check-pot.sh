#!/bin/bash
# check-pot.sh SOURCE_ROOT GETTEXT_PACKAGE
#
# Runs xgettext over po/POTFILES.in the way meson's clusterdeck-pot target does (the
# glib preset), into a temp directory so the source tree is left alone, and checks that
# each listed file with translatable strings really gives messages: a file xgettext
# cannot read (unknown extension, broken XML) would otherwise drop out of translation
# without a word. Prints TAP.
set -u
. "$(dirname "$0")/tap.sh"

srcroot=$1 package=$2

if ! have xgettext; then
  missing_tool "xgettext extracts the strings listed in po/POTFILES.in" xgettext
  tap_done
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
pot=$scratch/$package.pot

# The keywords and flags of meson's i18n.gettext(preset: 'glib').
err=$(xgettext --package-name="$package" -p "$scratch" -o "$package.pot" \
        -D "$srcroot" -f "$srcroot/po/POTFILES.in" \
        --from-code=UTF-8 --add-comments \
        --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
        --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
        --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
        --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
        --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
        --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
        --flag=g_markup_printf_escaped:1:c-format --flag=g_log:3:c-format \
        --flag=g_print:1:c-format --flag=g_printerr:1:c-format \
        --flag=g_printf:1:c-format --flag=g_fprintf:2:c-format \
        --flag=g_sprintf:2:c-format --flag=g_snprintf:3:c-format 2>&1)
rc=$?
# xgettext goes on (exit status 0) past a file it cannot read; that is a failure here.
# Its other warnings (an unknown extension read as C, a format hint) are only shown.
errors=$(printf '%s\n' "$err" | grep -E '^xgettext: ' | grep -v '^xgettext: warning:')
[ $rc -eq 0 ] && [ -s "$pot" ] && [ -z "$errors" ]
check "xgettext reads every file in po/POTFILES.in" $? "exit status $rc" "$err"
[ -s "$pot" ] || tap_done
[ -z "$errors" ] && diag "$err"

# Files the template refers to ("#: file:line file:line").
refs=$(sed -n 's/^#: //p' "$pot" | tr ' ' '\n' | sed 's/:[0-9]*$//' | sort -u)

marker='(^|[^[:alnum:]_])(N?C?_)[[:space:]]*\([[:space:]]*"|ngettext[[:space:]]*\(|translatable[[:space:]]*=[[:space:]]*["'"'"']yes'
silent=()
while IFS= read -r f; do
  [ -f "$srcroot/$f" ] || continue
  case $f in
    *.desktop.in|*.metainfo.xml.in|*.gschema.xml) ;;
    *) grep -qIE -e "$marker" "$srcroot/$f" || continue ;;
  esac
  printf '%s\n' "$refs" | grep -qxF -- "$f" || silent+=("$f has translatable strings but xgettext extracted none")
done < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$srcroot/po/POTFILES.in")
[ ${#silent[@]} -eq 0 ]
check "xgettext extracts messages from each listed file that has translatable strings" $? "${silent[@]}"

# A string from each data file, found under that file's reference, so a broken ITS rule
# or a renamed key shows up by name. The pairs are "file|msgid".
pairs=$(awk '
  /^#: / { for (i = 2; i <= NF; i++) { r = $i; sub(/:[0-9]+$/, "", r); refs[r] = 1 } next }
  /^msgid "/ { id = substr($0, 8, length($0) - 8); for (r in refs) print r "|" id; delete refs }
' "$pot")
missing=()
for pair in 'data/io.github.clusterdeck.Clusterdeck.desktop.in|Clusterdeck' \
            'data/io.github.clusterdeck.Clusterdeck.desktop.in|Manage the clustering and replication of Harper instances' \
            'data/io.github.clusterdeck.Clusterdeck.metainfo.xml.in|Manage Harper database replication' \
            'data/io.github.clusterdeck.Clusterdeck.gschema.xml|Refresh interval'; do
  printf '%s\n' "$pairs" | grep -qxF -- "$pair" ||
    missing+=("msgid \"${pair#*|}\" from ${pair%%|*} is not in the template")
done
[ ${#missing[@]} -eq 0 ]
check "the template has the desktop entry, metainfo and schema strings" $? "${missing[@]}"

tap_done
