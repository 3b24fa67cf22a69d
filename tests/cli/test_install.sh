#!/usr/bin/env bash
# test_install.sh: `make install PREFIX=...` gives working tools outside the repo: the
# front-end dispatches, synth finds its presets and train its configs.
. "$(dirname "$0")/lib.sh"
cd "$GD_ROOT"
check "make install" make -s --no-print-directory install PREFIX="$T/inst"
cd "$T"
check "installed front-end dispatches" "$T/inst/bin/gendang" synth presets
check_grep "installed presets found" "kompang" "$T/.out"
check "installed synth renders a preset" "$T/inst/bin/gendang" synth render --preset kompang --n 1 --seed 1 -o "$T/k" -q
bash "$GD_ROOT/tests/train/make_corpus.sh" "$T/c" 2 1 >/dev/null 2>&1
check "installed train finds the tiny config" "$T/inst/bin/gendang" train fit --corpus "$T/c" --config tiny --steps 2 -o "$T/r" -q
