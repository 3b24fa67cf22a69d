# test_null_seeds.sh: the null check of `compare` on real training noise. Arms A and B are
# the SAME recipe (tiny config, same corpus, 100 steps) trained with seeds 1-3 and 4-6; ten
# held-out clips are reconstructed with `train transfer` and paired. Nothing differs but the
# seeds, so every metric must get "no evidence either way". The seed offsets are large at
# this stage of training, so the clip test alone calls a difference on some metrics: the
# check would fail without the between-seed criteria.
source "$(dirname "$0")/../cli/lib.sh"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
root=${GD_ROOT:-$(pwd)}
bash "$root/tests/train/make_corpus.sh" "$T/corpus" 8 10
sed 's/^val_every: .*/val_every: 1000000/; s/^ckpt_every: .*/ckpt_every: 1000000/' \
    "$root/train/configs/tiny.yaml" > "$T/tiny.yaml"
arm() {  # seed: train, reconstruct the held-out (valid) clips, pair them
    gendang-train fit --corpus "$T/corpus" --config "$T/tiny.yaml" --steps 100 --seed "$1" -o "$T/run$1" -q &&
    gendang-train transfer "$T/run$1/model.safetensors" "$T/corpus/valid" -o "$T/rec$1" -q &&
    gendang-eval pair --json "$T/corpus/valid" "$T/rec$1" > "$T/p$1.jsonl"
}
for pair in "1 4" "2 5" "3 6"; do   # two trainings at a time
    set -- $pair
    arm "$1" & a=$!
    arm "$2"; rb=$?
    wait $a; ra=$?
    [ $ra = 0 ] && [ $rb = 0 ] && echo "ok seeds $1 and $2 trained and evaluated" || echo "FAIL seeds $1 and $2 trained and evaluated"
done
check "compare 3 seeds vs 3 seeds" gendang-eval compare "$T/p1.jsonl,$T/p2.jsonl,$T/p3.jsonl" "$T/p4.jsonl,$T/p5.jsonl,$T/p6.jsonl"
check_grep "arms listed" '^arm B: 3 seeds, 10 clips' "$T/.out"
grep -E '^(PRIMARY )?[a-z0-9_]+: ' "$T/.out" | grep -v '^compare: ' > "$T/verdicts.txt"
n=$(wc -l < "$T/verdicts.txt")
bad=$(grep -vc ': no evidence either way (' "$T/verdicts.txt")
[ "$n" -ge 18 ] && [ "$bad" = 0 ] && echo "ok no evidence either way on all $n metrics" ||
    { grep -v ': no evidence either way (' "$T/verdicts.txt" | cut -c1-200; echo "FAIL no evidence either way on all metrics"; }
clip=$(grep -vc 'clip test failed' "$T/verdicts.txt")
[ "$clip" -ge 1 ] && echo "ok the clip test alone fires on $clip metrics; the seed criteria refuse them" ||
    echo "FAIL the clip test alone fires on some metric (else this check shows nothing)"
