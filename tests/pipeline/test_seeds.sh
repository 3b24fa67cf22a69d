#!/usr/bin/env bash
# test_seeds.sh: recipes with train.seeds: one run per corpus and seed, the nearest-training-hit
# baseline, compare over every seed with the baseline, the report's arms; seeds validation.
. "$GD_ROOT/tests/cli/lib.sh"
cd "$GD_ROOT"

# A FLAC transfer input: transfer writes <stem>.wav, which the report must find.
check "make a FLAC transfer input" gendang augment gain --db -3 \
    "/usr/share/hydrogen/data/drumkits/The Black Pearl 1.0/PaisteBell-Med.wav" -o "$T/bell.flac"
cat > "$T/s.yaml" <<EOF
name: seeds
seed: 5
out: $T/out
sources:
  kits: ["circAfrique v4"]
augment:
  variants: 1
  ops: "gain:db=uniform(-3,0)"
corpora:
  real: [sources]
  augmented: [sources, augment]
train:
  config: tiny
  steps: 20
  threads: 1
  seeds: [4, 9]
eval:
  transfer: ["$T/bell.flac"]
compare: [real, augmented]
report: true
EOF
check "recipe with seeds validates" gendang validate "$T/s.yaml"
check "plan --sh" gendang plan "$T/s.yaml" --sh
check_grep "one run per corpus and seed" "train fit .*--seed 9 .*-o $T/out/runs/augmented/seed9" "$T/.out"
check_grep "train steps resume a killed run" "train fit .*--resume auto" "$T/.out"
check_grep "baseline from the real train hits" "eval nearest $T/out/sources/test $T/out/sources/train" "$T/.out"
check_grep "compare joins the seeds and names the baseline" \
    "eval compare --baseline $T/out/eval/nearest/pairs.jsonl $T/out/eval/real/seed4/pairs.jsonl,$T/out/eval/real/seed9/pairs.jsonl" "$T/.out"
check_grep "report shows every corpus" "--arm augmented=$T/out/eval/augmented/seed4/pairs.jsonl,$T/out/eval/augmented/seed9/pairs.jsonl" "$T/.out"

check "run with seeds" gendang run "$T/s.yaml" --jobs 2
for c in real augmented; do
    for s in 4 9; do
        check "model $c/seed$s" test -s "$T/out/runs/$c/seed$s/model.safetensors"
        check "pairs $c/seed$s" test -s "$T/out/eval/$c/seed$s/pairs.jsonl"
    done
done
check "seeds give different models" bash -c "! cmp -s '$T/out/runs/real/seed4/model.safetensors' '$T/out/runs/real/seed9/model.safetensors'"
check "baseline pairs" test -s "$T/out/eval/nearest/pairs.jsonl"
check_grep "compare reads two seeds per arm" "seeds.*2" "$T/out/compare/augmented_vs_real.txt"
check_grep "report has the baseline" "nearest training hit" "$T/out/report/report.html"
check "transfer of the FLAC input written as WAV" test -s "$T/out/eval/real/seed4/transfer/bell.wav"
check_grep "report plays the FLAC input's transfer" "bell" "$T/out/report/report.html"
check "rerun is cached" gendang run "$T/s.yaml"
check_grep "rerun says up to date" "train/real/seed9: up to date" "$T/.err"

bad() {  # name, expected message regex, seeds value
    sed "s/seeds: \[4, 9\]/seeds: $3/" "$T/s.yaml" > "$T/bad.yaml"
    check_exit "$1 is refused" 1 gendang validate "$T/bad.yaml"
    check_grep "$1 is explained" "$2" "$T/.err"
}
bad "repeated seed" "bad.yaml:[0-9]+:[0-9]+: seed 4 is listed twice" "[4, 4]"
bad "empty seeds" "bad.yaml:16:10: train.seeds: must have at least 1 item" "[]"
bad "non-numeric seed" "bad.yaml:16:14: train.seeds\\[1\\]: must be a whole number \\(got 'x'\\)" "[1, x]"
