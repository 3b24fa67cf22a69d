# test_cli.sh: gendang-synth render/presets from the command line, bad input, determinism.
. tests/cli/lib.sh
S=gendang-synth
check help $S --help
check_exit no_command 2 $S
check presets $S presets
check_grep presets_list hadrah "$T/.out"
for p in djembe kompang rebana_ubi hadrah gendang_ibu gendang_anak; do
    check render_$p $S render --preset $p --n 3 --seed 11 -o "$T/all"
done
check_grep meta_rows 'gendang_anak/' "$T/all/metadata.csv"
check meta_count test "$(wc -l < "$T/all/metadata.csv")" = 19
check_grep ops_params 'synth:preset=hadrah,stroke=[a-z]+,f01=[0-9.]+,.*jingles=4' "$T/all/metadata.csv"
# byte-identical whatever the thread count
OMP_NUM_THREADS=1 $S render --preset hadrah --n 6 --seed 5 -o "$T/t1" 2>/dev/null
OMP_NUM_THREADS=2 $S render --preset hadrah --n 6 --seed 5 -o "$T/t2" 2>/dev/null
check threads_identical diff -r "$T/t1" "$T/t2"
OMP_NUM_THREADS=2 $S render --preset hadrah --n 6 --seed 6 -o "$T/t3" 2>/dev/null
check_exit other_seed_differs 1 cmp -s "$T/t1/metadata.csv" "$T/t3/metadata.csv"
# bad input
check_exit unknown_preset 1 $S render --preset tabla --n 1 --seed 1 -o "$T/x"
check_grep unknown_names_available 'available: djembe, gendang_anak, gendang_ibu, hadrah, kompang, rebana_ubi' "$T/.err"
check_exit n_zero 2 $S render --preset djembe --n 0 --seed 1 -o "$T/x"
check_exit n_negative 2 $S render --preset djembe --n -3 --seed 1 -o "$T/x"
check_exit no_seed 2 $S render --preset djembe --n 1 -o "$T/x"
check_exit test_split_refused 2 $S render --preset djembe --n 1 --seed 1 --split test -o "$T/x"
printf 'name: bad\nt60_low: -0.3\n' > "$T/neg.yaml"
check_exit negative_decay 1 $S render --preset "$T/neg.yaml" --n 1 --seed 1 -o "$T/x"
check_grep negative_decay_msg 'neg.yaml:2:10: t60_low: must be in \[0.001, 30\] \(got -0.3\)' "$T/.err"
printf 'name: fitneg\nmodes: 0\nstrokes:\n  - name: a\n    modes: [[200, -0.5, 1, 0]]\n' > "$T/negm.yaml"
check_exit negative_mode_decay 1 $S render --preset "$T/negm.yaml" --n 1 --seed 1 -o "$T/x"
check_grep negative_mode_msg 't60 must be > 0' "$T/.err"
printf 'name: nyq\nrate: 16000\nmodes: 0\nstrokes:\n  - name: a\n    modes: [[200, 0.5, 1, 0], [9000, 0.1, 1, 0]]\n' > "$T/nyq.yaml"
check nyquist_dropped $S render --preset "$T/nyq.yaml" --n 1 --seed 1 -o "$T/nyq"
check_grep nyquist_logged 'mode at 9000 Hz is above 0.48 \* rate \(16000 Hz\): dropped' "$T/.err"
printf 'name: typo\nf0l: 200\n' > "$T/typo.yaml"
check_exit unknown_key 1 $S render --preset "$T/typo.yaml" --n 1 --seed 1 -o "$T/x"
check_grep unknown_key_msg "typo.yaml:2:1: unknown key 'f0l' \\(expected one of: name, rate," "$T/.err"
printf 'f01: [300, 200]\n' > "$T/range.yaml"
check_exit empty_range 1 $S render --preset "$T/range.yaml" --n 1 --seed 1 -o "$T/x"
check_grep empty_range_msg 'range.yaml:1:6: f01: empty range \(lo > hi\)$' "$T/.err"
printf 'name: x\nmodes: 0\nstrokes:\n  - {name: a, modes: [[100, 0.2, 1]]}\n' > "$T/m3.yaml"
check_exit mode_needs_four 1 $S render --preset "$T/m3.yaml" --n 1 --seed 1 -o "$T/x"
# --shard K/M: the union of the shards is the unsharded run, file for file
for k in 1 2 3; do $S render --preset kompang --n 7 --seed 4 --shard $k/3 -o "$T/sh" -q & done; wait
$S render --preset kompang --n 7 --seed 4 -o "$T/full" -q
check shards_equal_full diff -r "$T/sh" "$T/full"   # and no lock file left behind
check_exit shard_bad 2 $S render --preset kompang --n 7 --seed 4 --shard 0/3 -o "$T/x"
