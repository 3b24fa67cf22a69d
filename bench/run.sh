#!/usr/bin/env bash
# bench/run.sh: runs every bench/bench_*.sh (each prints a Markdown section) and collects
# the output in bench/out/report.md. Peers (sox, rubberband, PyTorch) are measured in the
# same run on the same machine; results are ratios, never pass/fail timings.
set -u
mkdir -p bench/out
{
    echo "# gendang bench ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -m))"
    for b in bench/bench_*.sh; do
        [ -e "$b" ] || continue
        echo
        bash "$b" || echo "(bench $b failed with exit $?)"
    done
} 2>&1 | tee bench/out/report.md
