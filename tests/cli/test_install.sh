#!/usr/bin/env bash
# test_install.sh: `make install PREFIX=...` gives working tools outside the repo: the
# front-end dispatches, synth finds its presets, train its configs and eval report the metric
# definitions it links to.
. "$(dirname "$0")/lib.sh"
cd "$GD_ROOT"
check "make install" make -s --no-print-directory install PREFIX="$T/inst"
cd "$T"
check "installed front-end dispatches" "$T/inst/bin/gendang" synth presets
check_grep "installed presets found" "kompang" "$T/.out"
check "installed synth renders a preset" "$T/inst/bin/gendang" synth render --preset kompang --n 1 --seed 1 -o "$T/k" -q
bash "$GD_ROOT/tests/train/make_corpus.sh" "$T/c" 2 1 >/dev/null 2>&1
check "installed train finds the tiny config" "$T/inst/bin/gendang" train fit --corpus "$T/c" --config tiny --steps 2 -o "$T/r" -q
sox -R -n -r 44100 -c 1 "$T/hit.wav" synth 0.3 pluck 220 fade 0 0.3 0.25 2>/dev/null
check "installed eval writes a report" "$T/inst/bin/gendang" eval report -q -o "$T/rep" "$T/hit.wav" "$T/hit.wav"
if cmp -s "$T/rep/eval-metrics.md" "$GD_ROOT/docs/eval-metrics.md"; then
    echo "ok installed report ships the definitions"; else echo "FAIL installed report ships the definitions"; fi
