#!/usr/bin/env bash
# fuzz.sh: runs each libFuzzer target DIR/fuzz_<target> for SECONDS on tests/fuzz/corpus/<target>/
# (new inputs are kept there, to be committed) and prints, per target, the executions, the
# executions per second, the corpus size and the crashes. A crashing input is saved as
# DIR/crashes/<target>/crash-* (leak-*, oom-*, timeout-*); the exit status is 1 if any target
# crashed (crash inputs of earlier runs stay there, not counted again). The full libFuzzer log of each target is DIR/<target>.log.
# SECONDS 0 runs nothing (libFuzzer would take 0 as no limit). An input that runs 60 s is a
# timeout: no parser input takes a tenth of that, and a shorter limit fired spuriously on a
# loaded machine (two such artifacts replayed in 0.1 s).
# Usage: tests/fuzz/fuzz.sh DIR SECONDS TARGET...
set -u
dir=$1; secs=$2; shift 2
case $secs in ''|*[!0-9]*) echo "fuzz.sh: FUZZ_S must be a whole number of seconds, not '$secs'" >&2; exit 2;; esac
[ "$secs" -eq 0 ] && { echo "fuzz: built $*; FUZZ_S=0, nothing run"; exit 0; }
crashed=0
printf '%-12s %10s %8s %7s %s\n' target execs exec/s corpus crashes
for t in "$@"; do
    corpus=tests/fuzz/corpus/$t; art=$dir/crashes/$t; log=$dir/$t.log
    mkdir -p "$corpus" "$art"; touch "$art/.start"
    "$dir/fuzz_$t" -max_total_time="$secs" -timeout=60 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$art/" "$corpus" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    found=$(find "$art" -type f -newer "$art/.start" | sort)
    n=$(find "$corpus" -type f | wc -l)
    printf '%-12s %10s %8s %7s %s\n' "$t" "${execs:-?}" "${rate:-?}" "$n" "$( [ -n "$found" ] && echo "$found" | wc -l || echo 0)"
    if [ $rc -ne 0 ] || [ -n "$found" ]; then
        crashed=1
        echo "  $t: exit $rc; input(s): ${found:-none saved}; log: $log"
        grep -m3 -E 'ERROR: |runtime error|FUZZ_CHECK' "$log" | sed 's/^/  /'
    fi
done
exit $crashed
