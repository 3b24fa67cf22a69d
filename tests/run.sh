#!/usr/bin/env bash
# Runs the test program BUILD/tests/X/test_Y of every tests/X/test_Y.c (the list the Makefile
# builds; a program left in BUILD from a deleted source is not run, one not built fails) and
# every CLI test script under tests/*/, counts "ok"/"FAIL" lines, and ends with
# "N passed, N failed".
# Usage: tests/run.sh BUILD_DIR BIN_DIR
set -u
build=${1:-build}; bin=${2:-bin}
export GD_BIN=$(cd "$bin" && pwd) GD_ROOT=$(pwd)
passed=0; failed=0
log=$(mktemp); trap 'rm -f "$log"' EXIT

run_one() {  # name, command...
    local name=$1; shift
    "$@" >"$log" 2>&1; local rc=$?
    local ok bad
    ok=$(grep -c '^ok ' "$log"); bad=$(grep -c '^FAIL ' "$log")
    passed=$((passed + ok)); failed=$((failed + bad))
    if [ $rc -ne 0 ] && [ "$bad" -eq 0 ]; then
        failed=$((failed + 1)); echo "FAIL $name (exit $rc, no failing case reported)"
    fi
    if [ $rc -ne 0 ] || [ "$bad" -ne 0 ]; then
        echo "--- $name"; sed 's/^/    /' "$log" | tail -40
    else
        echo "ok   $name ($ok)"
    fi
}

for src in $(find tests -name 'test_*.c' | sort); do
    name=${src#tests/}; name=${name%.c}
    if [ -x "$build/tests/$name" ]; then
        run_one "$name" "$build/tests/$name"
    else
        failed=$((failed + 1)); echo "FAIL $name (not built: $build/tests/$name)"
    fi
done
for s in $(find tests -name 'test_*.sh' | sort); do
    run_one "$s" bash "$s"
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
