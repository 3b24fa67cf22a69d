#!/usr/bin/env bash
# eval_example.sh: the eval stage on the default data. Every real hit of the two Debian
# hydrogen-drumkits kits is compared with a lightly changed copy made by sox (-1.5 dB, a
# -3 dB bell at 3 kHz, 2 ms later), then with a second copy (-1.5 dB, low-pass 6 kHz) to show
# `compare` and `corpus`, and a listening report is written. For the report's loss curve and
# transfer example, the `tiny` RAVE is trained for 600 steps (a few seconds) on 8 hits of the
# circAfrique kit, and a ride-cymbal bell is played through it.
# Usage (from the repo root, after `make`): scripts/eval_example.sh [OUT_DIR]
# Then open OUT_DIR/report/report.html in a browser (default: out/eval_example/report/report.html).
set -euo pipefail
out=${1:-out/eval_example}
kits=/usr/share/hydrogen/data/drumkits
E=bin/gendang-eval
[ -x "$E" ] || { echo "eval_example: run make first" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out/ref" "$out/eq" "$out/lp"
for kit in "circAfrique v4" "The Black Pearl 1.0"; do
    short=$(printf '%s' "$kit" | tr -d ' .')
    mkdir -p "$out/ref/$short" "$out/eq/$short" "$out/lp/$short"
    for f in "$kits/$kit"/*.wav; do
        b=$(basename "$f")
        cp "$f" "$out/ref/$short/$b"
        sox "$f" "$out/eq/$short/$b" gain -1.5 equalizer 3000 1q -3 pad 0.002 0 2>/dev/null
        sox "$f" "$out/lp/$short/$b" gain -1.5 lowpass 6000 2>/dev/null
    done
done
n=$(find "$out/ref" -name '*.wav' | wc -l)
echo "eval_example: $n real hits, two lightly changed copies each"
tests/train/make_corpus.sh "$out/corpus" 8 2
bin/gendang-train fit -q --corpus "$out/corpus" --config tiny --steps 600 -o "$out/run"
bin/gendang-train transfer -q "$out/run/model.safetensors" \
    "$kits/The Black Pearl 1.0/PaisteBell-Med.wav" -o "$out/bell_through_drums.wav"
$E pair --json "$out/ref" "$out/eq" > "$out/pair_eq.jsonl"
$E pair --json "$out/ref" "$out/lp" > "$out/pair_lp.jsonl"
$E compare --allow-single-seed "$out/pair_eq.jsonl" "$out/pair_lp.jsonl" > "$out/compare.txt"
$E corpus "$out/ref" "$out/eq" > "$out/corpus.txt"
$E report -q --title "Default data: real hits vs -1.5 dB, -3 dB at 3 kHz, +2 ms" \
    --log "$out/run/log.csv" --transfer "$out/bell_through_drums.wav" \
    -o "$out/report" "$out/ref" "$out/eq"
echo "eval_example: wrote $out/pair_eq.jsonl, $out/compare.txt, $out/corpus.txt"
echo "eval_example: open file://$(cd "$out/report" && pwd)/report.html in a browser"
