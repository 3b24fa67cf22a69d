# test_fit_cli.sh: gendang-synth fit on files: bad hits, split guard, fitted preset round trip,
# and the default data's non-test djembe hits (fit vs generic preset, MR-STFT, per hit).
. tests/cli/lib.sh
S=gendang-synth
sox -R -n -r 44100 -c 1 -b 16 "$T/silent.wav" trim 0 0.5
sox -R -n -r 44100 -c 1 -b 16 "$T/short.wav" synth 0.005 sine 440
sox -R -n -r 44100 -c 1 -b 16 "$T/hit.wav" synth 0.6 pluck 220 fade 0 0.6 0.5
check_exit fit_silent 1 $S fit "$T/silent.wav" -o "$T/p.yaml"
check_grep fit_silent_msg 'silent.wav: cannot fit: silent' "$T/.err"
check_exit fit_5ms 1 $S fit "$T/short.wav" -o "$T/p.yaml"
check_grep fit_5ms_msg 'short.wav: cannot fit: .*too short' "$T/.err"
check_exit fit_missing 1 $S fit "$T/nope.wav" -o "$T/p.yaml"
check_exit fit_no_output 2 $S fit "$T/hit.wav"
check_exit fit_split_test 1 $S fit --split test "$T/hit.wav" -o "$T/p.yaml"
printf 'file_name,split,source_id,group,label,duration_s,sample_rate,sha256,seed,ops\nhit.wav,test,h,g,l,0.6,44100,x,0,\n' > "$T/metadata.csv"
check_exit fit_meta_test 1 $S fit --meta "$T/metadata.csv" "$T/hit.wav" -o "$T/p.yaml"
check_grep fit_meta_test_msg 'refusing to fit a hit of the test split' "$T/.err"
printf 'version: 1\nroots:\n  here: .\nentries:\n  - id: h\n    root: here\n    path: "hit.wav"\n    split: test\n' > "$T/m.yaml"
check_exit fit_manifest_test 1 $S fit --manifest "$T/m.yaml" "$T/hit.wav" -o "$T/p.yaml"
check_grep fit_manifest_test_msg 'hit.wav: refusing to fit a hit of the test split \(.*m.yaml\)' "$T/.err"
sed -i 's/split: test/split: train/' "$T/m.yaml"
check fit_manifest_train $S fit -q --manifest "$T/m.yaml" "$T/hit.wav" -o "$T/p.yaml"
check fit_ok $S fit --split train --name plucked "$T/hit.wav" -o "$T/p.yaml"
check_grep fit_preset_modes '^      - \[2[12][0-9]\.' "$T/p.yaml"
check render_fitted $S render --preset "$T/p.yaml" --n 2 --seed 1 -o "$T/out"
check_grep render_fitted_meta 'plucked/hit' "$T/out/metadata.csv"
# more hits than a preset holds strokes (32): fit clusters them (k-medoids) into weighted
# strokes that render. 40 short 8 kHz hits of three stroke kinds, tuned and damped apart.
cat > "$T/three.yaml" <<'EOF2'
name: three
rate: 8000
duration_s: 0.15
modes: 0
peak_db: [-12, -6]
tune_cents: [-40, 40]
decay_scale: [0.7, 1.3]
strokes:
  - {name: low, modes: [[180, 0.25, 1.0, 0], [290, 0.18, 0.5, 0]]}
  - {name: mid, modes: [[620, 0.15, 1.0, 0], [1010, 0.1, 0.4, 0]]}
  - {name: high, modes: [[1500, 0.08, 1.0, 0], [2300, 0.06, 0.5, 0]]}
EOF2
# "kind count" of the input hits, and of the fitted strokes' weights by the kind in their name
kinds_in() { ls "$T/h40/train" | sed 's/.*_//; s/\.wav$//' | sort | uniq -c | awk '{print $2, $1}'; }
kinds_out() { awk '/^  - name:/ {gsub(/"/, "", $3); n = split($3, a, "_"); k = a[n]}
                   /^    weight:/ {w[k] += $2} END {for (k in w) print k, w[k]}' "$1" | sort; }
check render_40_hits $S render --preset "$T/three.yaml" --n 40 --seed 1 -o "$T/h40"
check fit_40_hits $S fit --no-manifest --max-modes 8 "$T"/h40/train/*.wav -o "$T/p40.yaml"
check_grep fit_40_note 'clustered the 40 hits into 32 strokes' "$T/.err"
check fit_40_has_32_strokes test "$(grep -c '^  - name:' "$T/p40.yaml")" -eq 32
check fit_40_weights_are_the_hits_of_each_kind cmp <(kinds_in) <(kinds_out "$T/p40.yaml")
check render_fit_40 $S render --preset "$T/p40.yaml" --n 8 --seed 1 -o "$T/o40"
check fit_3_strokes $S fit -q --no-manifest --max-modes 8 --max-strokes 3 "$T"/h40/train/*.wav -o "$T/p3.yaml"
check fit_3_strokes_one_per_kind cmp <(kinds_in) <(kinds_out "$T/p3.yaml")
check fit_3_strokes_count test "$(grep -c '^  - name:' "$T/p3.yaml")" -eq 3
check_exit fit_max_strokes_33 2 $S fit --max-strokes 33 "$T/hit.wav" -o "$T/p.yaml"
D="/usr/share/hydrogen/data/drumkits/circAfrique v4"
if [ -f "$D/Djembe1 Tone.wav" ] && [ -f data_manifest.yaml ]; then
    # the default manifest puts Djembe1 Bass in the test split: fitting it is refused
    check_exit djembe_test_split_refused 1 $S fit "$D"/Djembe*.wav -o "$T/dj.yaml"
    check_grep djembe_test_split_msg 'Djembe1 Bass.wav: refusing to fit a hit of the test split' "$T/.err"
    awk '/^  - id:/ { p = "" } /^    path:/ { sub(/^    path: "?/, ""); sub(/"$/, ""); p = $0 }
         /^    split: test/ { print p }' data_manifest.yaml > "$T/test_paths"
    hits=()
    for f in "$D"/Djembe*.wav; do
        grep -qxF "circAfrique v4/$(basename "$f")" "$T/test_paths" || hits+=("$f")
    done
    $S fit -q "${hits[@]}" -o "$T/dj.yaml" --report "$T/report.tsv" >/dev/null 2>&1
    n=$(awk -F'\t' '$8 == "yes"' "$T/report.tsv" | wc -l)
    echo "# djembe: fit closer than the best of 8 generic strokes on $n of ${#hits[@]} non-test hits"
    check djembe_fit_beats_generic test "$n" -ge $(( ${#hits[@]} - 2 ))
else
    echo "# skipped djembe comparison: hydrogen-drumkits or data_manifest.yaml missing"
fi
