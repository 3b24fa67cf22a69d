# test_pair_cli.sh: gendang-eval pair from the command line: JSON keys, robustness rules
# (rates, channels, lengths, unreadable files, mismatched lists), exit codes.
source "$(dirname "$0")/../cli/lib.sh"
E=gendang-eval
sox -R -n -r 44100 -c 1 "$T/ref.wav" synth 0.6 pluck 220 fade 0 0.6 0.5 2>/dev/null
sox "$T/ref.wav" "$T/half.wav" vol 0.5
sox "$T/ref.wav" -r 22050 "$T/ref22k.wav"
sox "$T/ref.wav" -c 2 "$T/ref_stereo.wav"
sox "$T/ref.wav" "$T/delayed.wav" pad 0.004 0
echo "not audio" > "$T/bad.wav"

check_exit "help exits 0" 0 $E pair --help
check_exit "no args exits 2" 2 $E pair
check_exit "bad option exits 2" 2 $E pair --max-lag-ms abc "$T/ref.wav" "$T/half.wav"
check "pair json" $E pair --json "$T/ref.wav" "$T/half.wav"
cp "$T/.out" "$T/half.json"
for k in rave_mss mrstft mel_l1 lsd_db mcd_db si_sdr_db loudness_ref_lufs loudness_est_lufs \
         loudness_diff_lu momentary_max_diff_lu onset_f_50ms onset_f_20ms attack_ms_err \
         envelope_l1_db decay_t60_err f0_err_cents low_energy_share_ref low_energy_share_est \
         low_energy_share_diff lag_ms; do
    check_grep "json has $k" "\"$k\":" "$T/half.json"
done
check_grep "0.5x gives -6.02 LU" '"loudness_diff_lu":-6\.02' "$T/half.json"
check_grep "summary line" '^\{"summary":' "$T/half.json"
if grep -qiE 'nan|inf[^o]' "$T/half.json"; then echo "FAIL no NaN/Inf in JSON"; else echo "ok no NaN/Inf in JSON"; fi
check "delayed copy" $E pair --json "$T/ref.wav" "$T/delayed.wav"
check_grep "lag 4 ms found" '"lag_samples":176,' "$T/.out"
check "different rates resampled" $E pair --json "$T/ref.wav" "$T/ref22k.wav"
check_grep "resample note" 'resampled from 22050 to 44100' "$T/.out"
check "stereo vs mono" $E pair --json "$T/ref.wav" "$T/ref_stereo.wav"
check_grep "channels reported" '"channels_est":2' "$T/.out"
check_exit "unreadable est exits 1" 1 $E pair "$T/ref.wav" "$T/bad.wav"
check_grep "error names the file" 'bad.wav' "$T/.err"
check_exit "missing file exits 1" 1 $E pair "$T/ref.wav" "$T/nope.wav"
mkdir -p "$T/A/sub" "$T/B/sub"
cp "$T/ref.wav" "$T/A/a.wav"; cp "$T/ref.wav" "$T/A/sub/b.wav"
cp "$T/half.wav" "$T/B/a.wav"; cp "$T/delayed.wav" "$T/B/sub/b.wav"
check "folders" $E pair --json "$T/A" "$T/B"
check_grep "folder clip names" '"clip":"sub/b.wav"' "$T/.out"
check "folders table" $E pair "$T/A" "$T/B"
check_grep "table summary" 'summary over 2 pairs' "$T/.out"
cp "$T/ref.wav" "$T/A/extra.wav"
check_exit "mismatched folders exit 1" 1 $E pair "$T/A" "$T/B"
check_grep "mismatch named" 'extra.wav' "$T/.err"
rm "$T/A/extra.wav"
printf 'file_name,split\na.wav,test\nsub/b.wav,test\n' > "$T/A/metadata.csv"
printf 'file_name,split\nsub/b.wav,test\na.wav,test\n' > "$T/B/metadata.csv"
check "metadata.csv pairs" $E pair --json "$T/A/metadata.csv" "$T/B/metadata.csv"
check_grep "csv matched by file_name" '"clip":"a.wav"' "$T/.out"
# the reference's group column is carried into the records (folders: REF/metadata.csv)
printf 'file_name,split,group\na.wav,test,kick-1\nsub/b.wav,test,\n' > "$T/A/metadata.csv"
check "metadata.csv with groups" $E pair --json "$T/A/metadata.csv" "$T/B/metadata.csv"
check_grep "group carried" '^\{"clip":"a.wav","group":"kick-1","ref"' "$T/.out"
check_grep "empty group left out" '^\{"clip":"sub/b.wav","ref"' "$T/.out"
rm "$T/B/metadata.csv"
check "folders with the reference's metadata.csv" $E pair --json "$T/A" "$T/B"
check_grep "group carried from the folder's metadata.csv" '^\{"clip":"a.wav","group":"kick-1",' "$T/.out"
rm "$T/A/metadata.csv"
# same output whatever the thread count
OMP_NUM_THREADS=1 $E pair --json "$T/A" "$T/B" > "$T/t1.json" 2>/dev/null
OMP_NUM_THREADS=2 $E pair --json "$T/A" "$T/B" > "$T/t2.json" 2>/dev/null
cmp -s "$T/t1.json" "$T/t2.json" && echo "ok thread count does not change output" || echo "FAIL thread count does not change output"
check_exit "file vs folder exits 1" 1 $E pair "$T/ref.wav" "$T/B"
check "analysis rate option" $E pair --json --rate 22050 "$T/ref.wav" "$T/half.wav"
check_grep "analysis at 22050" '"rate":22050' "$T/.out"
# ViSQOL is bounded: beyond 90 s its whole-signal alignment would hold gigabytes (a 10-minute
# pair took 3.9 GB), so visqol_mos is null with the reason and the rest is computed
sox -R -n -r 16000 -b 16 "$T/long.wav" synth 91 pinknoise vol 0.3 2>/dev/null
check "a 91 s pair" $E pair --json "$T/long.wav" "$T/long.wav"
check_grep "  ... visqol_mos null" '"visqol_mos":null' "$T/.out"
check_grep "  ... saying why" 'longer than 90 s' "$T/.out"
check_grep "  ... the rest computed" '"rave_mss":0[,.]' "$T/.out"
