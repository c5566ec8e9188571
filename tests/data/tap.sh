# tap.sh: tiny TAP helpers, sourced by the tests/data check scripts.
#
# Each check prints "ok N - what" or "not ok N - what" followed by "# " lines that say
# why; the plan ("1..N") comes last, which TAP allows. A missing tool is a failure, not
# a skip: the test setup installs every tool these checks use.

tap_n=0
tap_failed=0

# ok DESCRIPTION
ok ()
{
  tap_n=$((tap_n + 1))
  echo "ok $tap_n - $1"
}

# not_ok DESCRIPTION [REASON...]: each REASON line is printed as a TAP comment.
not_ok ()
{
  local desc=$1
  shift
  tap_n=$((tap_n + 1))
  tap_failed=1
  echo "not ok $tap_n - $desc"
  local line
  for line in "$@"; do
    printf '%s\n' "$line" | sed 's/^/# /'
  done
}

# check DESCRIPTION CONDITION-EXIT-STATUS [REASON...]
check ()
{
  local desc=$1 status=$2
  shift 2
  if [ "$status" -eq 0 ]; then ok "$desc"; else not_ok "$desc" "$@"; fi
}

# diag TEXT...: informational comment lines.
diag ()
{
  local line
  for line in "$@"; do
    [ -n "$line" ] && printf '%s\n' "$line" | sed 's/^/# /'
  done
  return 0
}

# have TOOL: whether TOOL is on PATH.
have ()
{
  command -v "$1" >/dev/null 2>&1
}

# missing_tool DESCRIPTION TOOL: a check that cannot run because TOOL is missing.
missing_tool ()
{
  not_ok "$1" "$2 is not installed (the test setup must install it)"
}

# tap_done: print the plan and exit. The result is in the TAP lines: meson reads a
# "not ok" as FAIL, and keeps ERROR (a non-zero exit) for a script that broke.
# TAP_EXIT_STATUS=1 makes a failed check exit 1 too, for running a script by hand.
tap_done ()
{
  echo "1..$tap_n"
  if [ "${TAP_EXIT_STATUS:-0}" = 1 ]; then
    exit "$tap_failed"
  fi
  exit 0
}
