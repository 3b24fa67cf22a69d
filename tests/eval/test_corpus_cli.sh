# test_corpus_cli.sh: gendang-eval corpus: a copy of the reference sits inside the
# real-vs-real floor, noise bursts do not; external embeddings; errors.
source "$(dirname "$0")/../cli/lib.sh"
E=gendang-eval
mkdir -p "$T/ref" "$T/copy" "$T/noise"
for i in 0 1 2 3 4 5 6 7 8 9; do
    f=$((90 + 23 * i))
    sox -R -n -r 22050 -c 1 "$T/ref/p$i.wav" synth 1.2 pluck $f fade 0 1.2 1.1 2>/dev/null
    sox -R -n -r 22050 -c 1 "$T/noise/n$i.wav" synth 1.2 whitenoise fade 0 1.2 1.1 vol 0.$((i + 1)) 2>/dev/null
done
cp "$T"/ref/*.wav "$T/copy/"
check_exit "help exits 0" 0 $E corpus --help
check_exit "one arg exits 2" 2 $E corpus "$T/ref"
check "copy" $E corpus --json --boot 50 --splits 40 "$T/ref" "$T/copy"
check_grep "copy: frechet 0" '"frechet":\{"value":(0|[0-9.e-]+e-[0-9]+),' "$T/.out"
check_grep "copy: inside floor" '"frechet":.*inside the real-vs-real floor' "$T/.out"
check_grep "copy: W1 0" '"centroid_hz":\{"ref_median":[0-9.e+-]+,"gen_median":[0-9.e+-]+,"w1":0,' "$T/.out"
check "noise" $E corpus --boot 50 --splits 40 "$T/ref" "$T/noise"
check_grep "noise: Frechet above floor" '^Frechet \(frames\).*above the real-vs-real floor' "$T/.out"
check_grep "noise: KAD above floor" '^KAD \(clip means\).*above the real-vs-real floor' "$T/.out"
check_grep "noise: flatness KS" '^flatness .* 1\.000 ' "$T/.out"
check "same seed same output" $E corpus --json --boot 20 --splits 10 --seed 3 "$T/ref" "$T/noise"
cp "$T/.out" "$T/c1"; $E corpus --json --boot 20 --splits 10 --seed 3 "$T/ref" "$T/noise" > "$T/c2"
cmp -s "$T/c1" "$T/c2" && echo "ok deterministic" || echo "FAIL deterministic"
# external embeddings: two frames per clip, 3 dims; gen shifted by 1 in dim 0
{ echo "file,e0,e1,e2"; for i in 0 1 2 3 4 5 6 7 8 9; do
    echo "p$i.wav,$i,0.$i,1"; echo "p$i.wav,$((i + 1)),0.$((9 - i)),0"; done; } > "$T/er.csv"
{ echo "file,e0,e1,e2"; for i in 0 1 2 3 4 5 6 7 8 9; do
    echo "p$i.wav,$((i + 1)),0.$i,1"; echo "p$i.wav,$((i + 2)),0.$((9 - i)),0"; done; } > "$T/eg.csv"
check "external embeddings" $E corpus --json --boot 10 --splits 10 --emb-ref "$T/er.csv" --emb-gen "$T/eg.csv" "$T/ref" "$T/copy"
check_grep "external: FD = shift^2 = 1" '"embedding":"external","dim":3,.*"frechet":\{"value":1(\.0+[0-9]*)?,' "$T/.out"
check_exit "emb-ref alone exits 2" 2 $E corpus --emb-ref "$T/er.csv" "$T/ref" "$T/copy"
echo "file,e0" > "$T/bad.csv"; echo "zzz.wav,1" >> "$T/bad.csv"
check_exit "unknown clip in embeddings exits 1" 1 $E corpus --emb-ref "$T/bad.csv" --emb-gen "$T/bad.csv" "$T/ref" "$T/copy"
check_grep "names the clip" 'zzz.wav' "$T/.err"
mkdir -p "$T/one"; cp "$T/ref/p0.wav" "$T/one/"
check_exit "too few clips exits 1" 1 $E corpus "$T/ref" "$T/one"
# too few frames for a 64-dimensional Gaussian at half N: undefined, not a number
mkdir -p "$T/short_r" "$T/short_g"
for i in 0 1 2 3; do
    sox -R -n -r 22050 -c 1 "$T/short_r/s$i.wav" synth 0.2 pluck 200 2>/dev/null
    sox -R -n -r 22050 -c 1 "$T/short_g/s$i.wav" synth 0.2 pluck 300 2>/dev/null
done
check "short clips" $E corpus --json --boot 5 --splits 5 "$T/short_r" "$T/short_g"
check_grep "frechet null when undefined" '"frechet":\{"value":null,.*"verdict":"undefined' "$T/.out"
OMP_NUM_THREADS=1 $E corpus --json --boot 20 --splits 10 "$T/ref" "$T/noise" > "$T/o1" 2>/dev/null
OMP_NUM_THREADS=2 $E corpus --json --boot 20 --splits 10 "$T/ref" "$T/noise" > "$T/o2" 2>/dev/null
cmp -s "$T/o1" "$T/o2" && echo "ok thread count does not change output" || echo "FAIL thread count does not change output"
# external embeddings as folders of .npy files (tests/ref/eval_npy, from scripts/gen_eval_ref.py)
NPY="$GD_ROOT/tests/ref/eval_npy"
check "npy embeddings" $E corpus --json --boot 10 --splits 10 --emb-ref "$NPY/ref" --emb-gen "$NPY/gen" "$T/ref" "$T/copy"
check_grep "npy: FD = 1" '"embedding":"external","dim":3,.*"frechet":\{"value":1(\.0+[0-9]*)?,' "$T/.out"
check_exit "npy file missing: exit 1" 1 $E corpus --emb-ref "$NPY" --emb-gen "$NPY/gen" "$T/ref" "$T/copy"
# KAD permutation test: noise vs plucks is significant, a copy is not
check "perm noise" $E corpus --json --boot 5 --splits 5 --perm 200 "$T/ref" "$T/noise"
check_grep "noise: p = 1/201" '"p_permutation":0\.00497' "$T/.out"
check "perm copy" $E corpus --json --boot 5 --splits 5 --perm 200 "$T/ref" "$T/copy"
check_grep "copy: p = 1" '"p_permutation":1,' "$T/.out"
