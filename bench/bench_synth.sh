#!/usr/bin/env bash
# bench_synth.sh: speed of the modal synthesiser (x real time per core) and the fit-vs-generic
# comparison on the default data's djembe hits; renders listening examples (WAV + sox
# spectrogram PNG) next to the real recordings they imitate, under bench/out/synth/listen/.
# Run from the repo root after `make`. Prints a Markdown section.
set -u
S=bin/gendang-synth
[ -x "$S" ] || { echo "bench_synth: build first (make)"; exit 1; }
out=bench/out/synth
listen=$out/listen
rm -rf "$out"; mkdir -p "$listen"
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')

echo "## synth: modal drum synthesis"
echo
echo "One-second 48 kHz strokes (kompang-like head, glide, frame modes, attack noise), one thread,"
echo "median of 3 runs of 200 strokes each, on $cpu. 'culled' stops processing groups of 8 modes"
echo "once they are 110 dB below the peak (the default); 'all modes' runs every resonator to the end."
echo
echo "| modes | jingles | ms per s of audio (culled) | x real time (culled) | x real time (all modes) |"
echo "|---|---|---|---|---|"
med() { sort -g | sed -n 2p; }
for m in 64 128 256; do
    for j in "" "--jingles"; do
        ms=$(for r in 1 2 3; do $S bench --modes $m $j --n 200 | cut -f3; done | med)
        xa=$(for r in 1 2 3; do $S bench --modes $m $j --no-cull --n 200 | cut -f4; done | med)
        x=$(awk -v ms="$ms" 'BEGIN { printf "%.0f", 1000 / ms }')
        echo "| $m | $([ -n "$j" ] && echo yes || echo no) | $ms | **${x}x** | ${xa}x |"
    done
done
echo
# End to end through the CLI: drawing, rendering, 24-bit WAV writing, sha256, metadata.
t0=$(date +%s.%N)
OMP_NUM_THREADS=1 $S render --preset kompang --n 200 --seed 1 -o "$out/corpus" -q
t1=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" 'BEGIN { d = b - a; printf "CLI `render --preset kompang --n 200` (0.8 s strokes, files written), 1 thread: %.2f s, %.0fx real time.\n", d, 200 * 0.8 / d }'
echo

D="/usr/share/hydrogen/data/drumkits/circAfrique v4"
# hits of the default data outside the test split (data_manifest.yaml): fitting never sees test
nontest() {
    awk '/^  - id:/ { p = "" } /^    path:/ { sub(/^    path: "?/, ""); sub(/"$/, ""); p = $0 }
         /^    split: test/ { print p }' data_manifest.yaml > "$out/test_paths"
    for f in "$@"; do
        grep -qxF "circAfrique v4/$(basename "$f")" "$out/test_paths" || printf '%s\0' "$f"
    done
}
if [ -f "$D/Djembe1 Tone.wav" ] && [ -f data_manifest.yaml ]; then
    mapfile -d '' dj < <(nontest "$D"/Djembe*.wav)
    mapfile -d '' bells < <(nontest "$D"/*Bell*.wav)
    t0=$(date +%s.%N)
    $S fit -q "${dj[@]}" -o "$out/djembe_fit.yaml" --name djembe_fit \
        --report "$out/djembe_report.tsv" --resynth "$listen/djembe" >/dev/null 2>&1
    t1=$(date +%s.%N)
    echo "Fit of the ${#dj[@]} circAfrique djembe hits outside the test split of data_manifest.yaml"
    echo "(fit + resynthesis + 8 generic renders each):"
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f s. ", b - a }'
    echo "Multi-resolution STFT distance to the recording (lower is closer; spectral convergence +"
    echo "log-magnitude L1, FFT 2048/1024/512), the fit's resynthesis against the best and the"
    echo "median of 8 strokes of the generic \`djembe\` preset; both get the recording's noise floor:"
    echo
    echo "| hit | modes | fit | generic best of 8 | generic median | fit closer | membrane f01 Hz, eps, B | strong modes on the series (median cents) |"
    echo "|---|---|---|---|---|---|---|---|"
    awk -F'\t' 'NR > 1 && !/^#/ { printf "| %s | %s | %s | %s | %s | %s | %s, %s, %s | %s (%s) |\n", $1, $2, $5, $6, $7, $8, $9, $10, $11, $12, $13 }' "$out/djembe_report.tsv"
    echo
    grep '^#' "$out/djembe_report.tsv" | sed 's/^# /**/; s/$/**/'
    echo
    echo "The last two columns interpret each fit as an ideal stiff, air-loaded membrane (f01, eps, B"
    echo "on a grid): how many of the 16 strongest modes lie on that Bessel series, and their median"
    echo "error. Real djembe hits follow it only partly (body and shell modes, uneven hide)."
    echo
    # a few new strokes from the fitted preset
    $S render --preset "$out/djembe_fit.yaml" --n 6 --seed 7 -o "$listen/djembe_fit_render" -q
    # the kit's iron bells: fitted the same way (real vs fit examples; no generic bell preset)
    $S fit -q "${bells[@]}" -o "$out/bells_fit.yaml" --name bells_fit \
        --report /dev/null --resynth "$listen/bells" >/dev/null 2>&1
    rm -f "$listen"/bells/*_generic.wav
    $S render --preset "$out/bells_fit.yaml" --n 6 --seed 7 -o "$listen/bells_fit_render" -q
fi
for p in djembe kompang rebana_ubi hadrah gendang_ibu gendang_anak; do
    $S render --preset $p --n 4 --seed 3 -o "$listen/presets" -q
done
if command -v sox >/dev/null; then
    find "$listen" -name '*.wav' | while read -r f; do
        sox "$f" -n spectrogram -x 600 -y 257 -o "${f%.wav}.png" 2>/dev/null
    done
fi
echo "Listening examples: \`$listen/djembe/NAME_{real,fit,generic}.wav\` (the recording from its"
echo "onset, the fit's resynthesis, the closest generic stroke), new strokes of the fitted preset"
echo "in \`$listen/djembe_fit_render/\`, the kit's bells fitted the same way in \`$listen/bells/\` and"
echo "\`$listen/bells_fit_render/\`, and 4 strokes of every built-in preset in"
echo "\`$listen/presets/\`, each with a sox spectrogram PNG next to it."
