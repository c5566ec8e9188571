#!/bin/bash
# run-pseudo.sh SOURCE_ROOT GETTEXT_PACKAGE PSEUDO_PO_PY TEST_PROGRAM
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Builds the pseudo-translation "xx" from po/POTFILES.in (xgettext with the
# keywords of meson's glib preset, msgen, pseudo-po.py wrapping every msgstr
# in ⟦ ⟧, msgfmt --check, which checks each translation's format directives
# and plural forms), then runs TEST_PROGRAM with LANGUAGE=xx on its own Xvfb
# and a private session bus that activates nothing.
set -u
srcroot=$1 package=$2 pseudo=$3 program=$4

for tool in xgettext msgen msgfmt xvfb-run dbus-run-session python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "Bail out! $tool not found (install gettext, xvfb, dbus-daemon)"
    exit 1
  fi
done

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

xgettext --package-name="$package" -p "$scratch" -o "$package.pot" \
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
  --flag=g_sprintf:2:c-format --flag=g_snprintf:3:c-format 2>"$scratch/xgettext.err" ||
  { echo "Bail out! xgettext failed: $(tail -n 3 "$scratch/xgettext.err")"; exit 1; }
msgen -o "$scratch/en.po" "$scratch/$package.pot" ||
  { echo "Bail out! msgen failed"; exit 1; }
python3 "$pseudo" "$scratch/en.po" "$scratch/xx.po" ||
  { echo "Bail out! pseudo-po.py failed"; exit 1; }
mkdir -p "$scratch/locale/xx/LC_MESSAGES"
if ! out=$(msgfmt --check -o "$scratch/locale/xx/LC_MESSAGES/$package.mo" "$scratch/xx.po" 2>&1); then
  echo "Bail out! msgfmt --check refuses the pseudo-translation: $(printf '%s' "$out" | head -n 5 | tr '\n' ' ')"
  exit 1
fi

export CLUSTERDECK_PSEUDO_LOCALEDIR=$scratch/locale
export LANGUAGE=xx
xvfb-run -a -s '-screen 0 1280x900x24' \
  dbus-run-session --config-file "$srcroot/tests/dbus-no-services.conf" -- "$program"
