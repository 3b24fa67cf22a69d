# test_nearest_cli.sh: gendang-eval nearest, the nearest-training-hit baseline: the right
# training clip is found, written at the test clip's rate and length, its recorded value is
# what `pair` measures on the written file, groups are carried, output does not depend on
# the thread count, and bad input fails cleanly.
source "$(dirname "$0")/../cli/lib.sh"
E=gendang-eval
mkdir -p "$T/train/sub" "$T/test"
sox -R -n -r 44100 -c 1 "$T/train/low.wav" synth 0.5 pluck 110 fade 0 0.5 0.4 2>/dev/null
sox -R -n -r 44100 -c 2 "$T/train/mid.wav" synth 0.4 pluck 330 fade 0 0.4 0.3 2>/dev/null
sox -R -n -r 48000 -c 1 "$T/train/sub/noise.wav" synth 0.3 pinknoise fade 0 0.3 0.25 2>/dev/null
sox -R -n -r 44100 -c 1 "$T/train/sine.wav" synth 0.6 sine 1000 fade 0 0.6 0.5 2>/dev/null
# test hits: a quieter, 3 ms late mid; a noise burst at 22.05 kHz; a longer low
sox -R "$T/train/mid.wav" "$T/test/a.wav" vol 0.8 pad 0.003 0
sox -R -n -r 22050 -c 1 "$T/test/b.wav" synth 0.35 pinknoise fade 0 0.35 0.3 2>/dev/null
sox -R "$T/train/low.wav" "$T/test/c.wav" pad 0 0.2
printf 'file_name,split,group\na.wav,test,drum-mid\nb.wav,test,noise\nc.wav,test,drum-low\n' > "$T/test/metadata.csv"

check_exit "help exits 0" 0 $E nearest --help
check_exit "no -o exits 2" 2 $E nearest "$T/test" "$T/train"
check_exit "bad primary exits 2" 2 $E nearest --primary loudness_ref_lufs -o "$T/x" "$T/test" "$T/train"
check_exit "missing train folder exits 1" 1 $E nearest -o "$T/x" "$T/test" "$T/nope"
check_grep "error names it" 'nope' "$T/.err"
check "nearest" $E nearest -q -o "$T/out" "$T/test/metadata.csv" "$T/train"
check_grep "metadata header" '^file_name,group,nearest_file_name,rave_mss$' "$T/out/metadata.csv"
check_grep "mid found for a" '^a\.wav,drum-mid,mid\.wav,' "$T/out/metadata.csv"
check_grep "noise found for b (other rate, subfolder)" '^b\.wav,noise,sub/noise\.wav,' "$T/out/metadata.csv"
check_grep "low found for c" '^c\.wav,drum-low,low\.wav,' "$T/out/metadata.csv"
for f in a b c; do
    [ "$(soxi -r "$T/out/$f.wav" 2>/dev/null)" = "$(soxi -r "$T/test/$f.wav")" ] && [ "$(soxi -s "$T/out/$f.wav" 2>/dev/null)" = "$(soxi -s "$T/test/$f.wav")" ] &&
        echo "ok $f.wav written at the test clip's rate and length" || echo "FAIL $f.wav written at the test clip's rate and length"
done
check_grep "training clip's channels kept" '^2$' <(soxi -c "$T/out/a.wav" 2>/dev/null)
check_grep "pairs.jsonl: full suite with groups" '^\{"clip":"a\.wav","group":"drum-mid","ref":.*"rave_mss":.*"loudness_diff_lu":' "$T/out/pairs.jsonl"
check_grep "pairs.jsonl summary line" '^\{"summary":' "$T/out/pairs.jsonl"
# the recorded value is what pair measures on the written files
check "pair on the written clips" $E pair --json "$T/test/metadata.csv" "$T/out/metadata.csv"
for f in a b c; do
    want=$(awk -F, -v f="$f.wav" '$1 == f {print $4}' "$T/out/metadata.csv")
    got=$(grep "^{\"clip\":\"$f.wav\"" "$T/.out" | sed 's/.*"rave_mss":\([^,]*\),.*/\1/')
    awk -v a="$want" -v b="$got" 'BEGIN {exit !(a != "" && (a - b) ^ 2 <= (1e-7 * a) ^ 2)}' &&
        echo "ok $f: metadata value $want = pair's $got" || echo "FAIL $f: metadata value $want = pair's $got"
done
cmp -s <(grep -v summary "$T/.out" | sed 's/"est":"[^"]*"//') <(grep -v summary "$T/out/pairs.jsonl" | sed 's/"est":"[^"]*"//') &&
    echo "ok pairs.jsonl equals pair's records" || echo "FAIL pairs.jsonl equals pair's records"
# same output for 1 and 2 threads
OMP_NUM_THREADS=1 $E nearest -q -o "$T/o1" "$T/test" "$T/train" 2>/dev/null
OMP_NUM_THREADS=2 $E nearest -q -o "$T/o2" "$T/test" "$T/train" 2>/dev/null
cmp -s "$T/o1/metadata.csv" "$T/o2/metadata.csv" && cmp -s <(sed 's/o1/oX/g' "$T/o1/pairs.jsonl") <(sed 's/o2/oX/g' "$T/o2/pairs.jsonl") &&
    cmp -s "$T/o1/a.wav" "$T/o2/a.wav" && echo "ok thread count does not change output" || echo "FAIL thread count does not change output"
check "another primary" $E nearest -q --primary mel_l1 -o "$T/o3" "$T/test" "$T/train"
check_grep "mel_l1 column" '^file_name,group,nearest_file_name,mel_l1$' "$T/o3/metadata.csv"
check_grep "mel_l1 finds mid for a" '^a\.wav,drum-mid,mid\.wav,' "$T/o3/metadata.csv"
echo garbage > "$T/train/bad.wav"
check_exit "unreadable training clip exits 1" 1 $E nearest -q -o "$T/o4" "$T/test" "$T/train"
check_grep "  ... named" 'bad\.wav' "$T/.err"
