#!/usr/bin/env python3
# build-aux/embed-text.py NAME INPUT OUTPUT
# Writes OUTPUT, a C header with INPUT's text as `static const char NAME[]`,
# so that a file installed for others (a JSON Schema) is also the one the
# program itself uses.
import sys

name, source, target = sys.argv[1:4]
with open(source, encoding="utf-8") as f:
    text = f.read()
body = "".join('  "' + line.replace("\\", "\\\\").replace('"', '\\"') + '\\n"\n'
               for line in text.splitlines())
with open(target, "w", encoding="utf-8") as f:
    f.write(f"/* Made from {source.split('/')[-1]} by build-aux/embed-text.py. */\n")
    f.write(f"static const char {name}[] =\n{body};\n")
