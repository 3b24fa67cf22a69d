# test_fit_cli.sh: gendang-synth fit on files: bad hits, split guard, fitted preset round trip,
# and the default data's djembe hits (fit vs generic preset, MR-STFT, per hit).
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
check fit_ok $S fit --split train --name plucked "$T/hit.wav" -o "$T/p.yaml"
check_grep fit_preset_modes '^      - \[2[12][0-9]\.' "$T/p.yaml"
check render_fitted $S render --preset "$T/p.yaml" --n 2 --seed 1 -o "$T/out"
check_grep render_fitted_meta 'plucked/hit' "$T/out/metadata.csv"
D="/usr/share/hydrogen/data/drumkits/circAfrique v4"
if [ -f "$D/Djembe1 Tone.wav" ]; then
    $S fit -q "$D"/Djembe*.wav -o "$T/dj.yaml" --report "$T/report.tsv" >/dev/null 2>&1
    n=$(awk -F'\t' '$8 == "yes"' "$T/report.tsv" | wc -l)
    echo "# djembe: fit closer than the best of 8 generic strokes on $n of 15 hits"
    check djembe_fit_beats_generic test "$n" -ge 13
else
    echo "# skipped djembe comparison: hydrogen-drumkits not installed"
fi
