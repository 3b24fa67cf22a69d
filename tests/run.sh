#!/usr/bin/env bash
# Runs every test program under BUILD/tests and every CLI test script under tests/*/,
# counts "ok"/"FAIL" lines, and ends with "N passed, N failed".
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

for t in $(find "$build/tests" -type f -name 'test_*' -perm -u+x 2>/dev/null | sort); do
    run_one "${t#$build/tests/}" "$t"
done
for s in $(find tests -name 'test_*.sh' | sort); do
    run_one "$s" bash "$s"
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
