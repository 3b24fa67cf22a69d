# lib.sh: helpers for CLI tests. Source it; GD_BIN points at the tools.
# check NAME CMD...        passes when CMD exits 0
# check_exit NAME RC CMD... passes when CMD exits RC
# check_grep NAME PATTERN FILE
set -u
: "${GD_BIN:=$(pwd)/bin}"
PATH="$GD_BIN:$PATH"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
_result() { if [ "$2" = 0 ]; then echo "ok $1"; else echo "FAIL $1"; fi; }
check() { local n=$1; shift; "$@" >"$T/.out" 2>"$T/.err"; local rc=$?
    [ $rc = 0 ] || { echo "  $n: exit $rc"; sed 's/^/  /' "$T/.err" | head -5; }
    _result "$n" $([ $rc = 0 ] && echo 0 || echo 1); }
check_exit() { local n=$1 want=$2; shift 2; "$@" >"$T/.out" 2>"$T/.err"; local rc=$?
    [ $rc = "$want" ] || { echo "  $n: exit $rc, wanted $want"; sed 's/^/  /' "$T/.err" | head -5; }
    _result "$n" $([ $rc = "$want" ] && echo 0 || echo 1); }
check_grep() { if grep -qE -- "$2" "$3"; then _result "$1" 0; else
    echo "  $1: /$2/ not in $3:"; head -5 "$3" | sed 's/^/  /'; _result "$1" 1; fi; }
