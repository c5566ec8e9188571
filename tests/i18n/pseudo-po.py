#!/usr/bin/env python3
# pseudo-po.py IN.po OUT.po
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Makes the pseudo-translation from an English catalogue (msgen's output):
# every msgstr, plural forms included, is wrapped in ⟦ ⟧, so that a string
# shown without the markers was never translated. Leading and trailing
# newlines stay outside the markers (msgfmt --check wants them to match
# the msgid's), and the header gets a real Plural-Forms.
import re
import sys

START, END = "\u27e6", "\u27e7"   # ⟦ ⟧


def wrap(escaped):
    lead = re.match(r"^(\\n)*", escaped).group(0)
    core = escaped[len(lead):]
    trail = re.search(r"(\\n)*$", core).group(0)
    core = core[:len(core) - len(trail)] if trail else core
    if core == "":
        return escaped
    return lead + START + core + END + trail


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8") as f:
        lines = f.read().split("\n")
    out = []
    i = 0
    header = True
    while i < len(lines):
        line = lines[i]
        m = re.match(r'^(msgstr(?:\[\d+\])?) "(.*)"$', line)
        if m is None:
            out.append(line)
            i += 1
            continue
        keyword, text = m.group(1), m.group(2)
        i += 1
        while i < len(lines) and re.match(r'^"(.*)"$', lines[i]):
            text += lines[i][1:-1]
            i += 1
        if header:
            # The first entry (msgid "") is the header, not a message.
            text = re.sub(r"Plural-Forms: [^\\]*\\n",
                          r"Plural-Forms: nplurals=2; plural=(n != 1);\\n", text)
            if "Plural-Forms:" not in text:
                text += r"Plural-Forms: nplurals=2; plural=(n != 1);\n"
            text = text.replace("charset=CHARSET", "charset=UTF-8")
            header = False
            out.append('%s "%s"' % (keyword, text))
            continue
        out.append('%s "%s"' % (keyword, wrap(text)))
    with open(dst, "w", encoding="utf-8") as f:
        f.write("\n".join(out))


main()
