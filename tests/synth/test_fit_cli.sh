# test_fit_cli.sh: gendang-synth fit on files: bad hits, split guard, fitted preset round trip,
# and the default data's non-test djembe hits (fit vs generic preset, MR-STFT, per hit).
. tests/cli/lib.sh
S=gendang-synth
sox -n -r 44100 -c 1 -b 16 "$T/silent.wav" trim 0 0.5
sox -n -r 44100 -c 1 -b 16 "$T/short.wav" synth 0.005 sine 440
sox -n -r 44100 -c 1 -b 16 "$T/hit.wav" synth 0.6 pluck 220 fade 0 0.6 0.5
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
