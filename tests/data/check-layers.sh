#!/bin/bash
# check-layers.sh SOURCE_ROOT
#
# The layering rules of the source tree (DESIGN.md §3, STYLE.md 2), checked on the
# #include lines so a violation is named even when the build happens to compile:
#   - src/hdb/, src/core/ and src/cli/ include no GTK, GDK, libadwaita or src/ui/ header;
#   - src/hdb/ and src/core/ include no src/cli/ header (the command line, like the
#     window, stands on the core);
#   - src/hdb/ includes no src/core/ header (the client knows nothing of the domain);
#   - the sub-layers of src/core/ stand in this order, each including only its own
#     headers and those of the layers to its left:
#       util ← store ← cluster ← replication ← src/core/ itself (context, jobs);
#   - src/ui/ does not talk HTTP or libsecret directly;
#   - src/main.c holds only main().
# Prints TAP naming each offending file and line.
set -u
. "$(dirname "$0")/tap.sh"

srcroot=$1
cd "$srcroot" || { not_ok "source root $srcroot exists"; tap_done; }

# "file:line:path" for every #include in the C sources under the given directories.
includes ()
{
  local d
  for d in "$@"; do
    [ -d "$d" ] || continue
    grep -rnHE --include='*.c' --include='*.h' \
      '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"][^>"]+[>"]' "$d"
  done | sed -E 's/^([^:]+:[0-9]+):[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([^>"]+)[>"].*/\1:\2/'
}

# Header base names of a directory, as an alternation for grep -E.
headers_of ()
{
  find "$1" -name '*.h' -printf '%f\n' 2>/dev/null | sed 's/[.]/[.]/g' | paste -sd '|'
}

for d in src/hdb src/core src/ui src/main.c; do
  [ -e "$d" ] || not_ok "$d exists" "the layer checks expect $d"
done

ui_headers=$(headers_of src/ui)
pattern='^(gtk|gdk|gsk)/|^adwaita[.]h$|^ui/'
[ -n "$ui_headers" ] && pattern="$pattern|(^|/)($ui_headers)\$"
bad=$(includes src/hdb src/core src/cli | awk -F: -v re="$pattern" '$3 ~ re')
[ -z "$bad" ]
check "src/hdb, src/core and src/cli include no GTK, GDK, libadwaita or src/ui header" $? \
  "$(printf '%s\n' "$bad" | sed 's/^/forbidden include: /')"

cli_headers=$(headers_of src/cli)
bad=
if [ -n "$cli_headers" ]; then
  bad=$(includes src/hdb src/core | awk -F: -v re="^cli/|(^|/)($cli_headers)\$" '$3 ~ re')
fi
[ -z "$bad" ]
check "src/hdb and src/core include no src/cli header" $? \
  "$(printf '%s\n' "$bad" | sed 's/^/forbidden include: /')"

core_headers=$(headers_of src/core)
bad=
if [ -n "$core_headers" ]; then
  bad=$(includes src/hdb | awk -F: -v re="^core/|(^|/)($core_headers)\$" '$3 ~ re')
fi
[ -z "$bad" ]
check "src/hdb includes no src/core header" $? \
  "$(printf '%s\n' "$bad" | sed 's/^/forbidden include: /')"

# The sub-layers of src/core, lowest first. A file of a layer may include the
# headers of its own layer and of the layers before it, never of one after it.
core_layers=(util store cluster replication)
for ((i = 0; i < ${#core_layers[@]}; i++)); do
  layer=${core_layers[i]}
  [ -d "src/core/$layer" ] || { not_ok "src/core/$layer exists" "the layer checks expect it"; continue; }
  higher=
  for ((j = i + 1; j < ${#core_layers[@]}; j++)); do
    h=$(headers_of "src/core/${core_layers[j]}")
    [ -n "$h" ] && higher=${higher:+$higher|}$h
  done
  # Headers directly in src/core (the context and the jobs) stand above every layer.
  h=$(find src/core -maxdepth 1 -name '*.h' -printf '%f\n' 2>/dev/null | sed 's/[.]/[.]/g' | paste -sd '|')
  [ -n "$h" ] && higher=${higher:+$higher|}$h
  bad=
  if [ -n "$higher" ]; then
    bad=$(includes "src/core/$layer" | awk -F: -v re="(^|/)($higher)\$" '$3 ~ re')
  fi
  [ -z "$bad" ]
  check "src/core/$layer includes no header of a layer above it" $? \
    "$(printf '%s\n' "$bad" | sed 's/^/forbidden include: /')" \
    "the order is ${core_layers[*]} then src/core itself; move the code or the header"
done

bad=$(includes src/ui | awk -F: '$3 ~ /^(libsoup|libsecret)\//')
[ -z "$bad" ]
check "src/ui includes neither libsoup nor libsecret" $? \
  "$(printf '%s\n' "$bad" | sed 's/^/forbidden include: /')" \
  "the UI reaches the network and the keyring through src/core and src/hdb"

# Function definitions in main.c: at brace depth 0, a "{" whose previous token is ")"
# (after comments, strings and preprocessor lines are removed). Top-level initializers
# follow "=" and type definitions follow a name, so they do not count.
if have python3; then
  out=$(python3 - src/main.c <<'PY'
import re, sys
text = open(sys.argv[1]).read()
text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
text = re.sub(r'//[^\n]*', ' ', text)
text = re.sub(r'"(\\.|[^"\\])*"', '""', text)
text = re.sub(r"'(\\.|[^'\\])*'", "''", text)
text = re.sub(r'^[ \t]*#([^\n]*\\\n)*[^\n]*', ' ', text, flags=re.M)
depth = 0
names = []
for m in re.finditer(r'[{}]', text):
    if m.group() == '}':
        depth -= 1
        continue
    if depth == 0:
        before = text[:m.start()].rstrip()
        if before.endswith(')'):
            # Walk back over the parameter list to the function's name.
            level, i = 0, len(before) - 1
            while i >= 0:
                if before[i] == ')':
                    level += 1
                elif before[i] == '(':
                    level -= 1
                    if level == 0:
                        break
                i -= 1
            name = re.search(r'([A-Za-z_]\w*)\s*$', before[:i])
            names.append(name.group(1) if name else '?')
    depth += 1
print(' '.join(names))
PY
)
  rc=$?
  [ $rc -eq 0 ] && [ "$out" = main ]
  check "src/main.c defines exactly one function, main()" $? \
    "functions defined in src/main.c: ${out:-none}" \
    "everything but main() belongs in src/ui (DeckApplication)"
else
  missing_tool "src/main.c defines exactly one function, main()" python3
fi

tap_done
