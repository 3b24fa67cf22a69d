#!/usr/bin/env bash
# test_repro.sh: the same recipe and seed give a byte-identical corpus and metadata.csv with
# --jobs 1 and --jobs 2, and with OMP_NUM_THREADS 1 and 2; held-out hits never enter it.
. "$GD_ROOT/tests/cli/lib.sh"
cd "$GD_ROOT"

recipe() {  # out-dir
    cat <<EOT
name: repro
seed: 5
out: $1
sources:
  kits: ["circAfrique v4"]
  instruments: [djembe1, djembe2, djembe3, djembe4]
augment:
  variants: 2
  ops: "pitch:semitones=uniform(-2,2)|gain:db=uniform(-6,0)|reverb@0.5:rt60=uniform(0.2,0.5),wet=0.2|noise@0.5:snr=uniform(30,50)"
synth:
  presets: [djembe]
  n: 4
assemble:
  loudness_lufs: -20
EOT
}
recipe "$T/a" > "$T/a.yaml"
recipe "$T/b" > "$T/b.yaml"
check "run with --jobs 1, 1 thread" env OMP_NUM_THREADS=1 gendang run "$T/a.yaml" --jobs 1
check "run with --jobs 2, 2 threads" env OMP_NUM_THREADS=2 gendang run "$T/b.yaml" --jobs 2
check "corpus has train rows" grep -q ',train,' "$T/a/corpora/main/metadata.csv"
check "byte-identical corpus audio and metadata" diff -r "$T/a/corpora/main" "$T/b/corpora/main"
check "byte-identical augment metadata" cmp "$T/a/augment/metadata.csv" "$T/b/augment/metadata.csv"
# No corpus row comes from a test-split recording.
cut -d, -f3 "$T/a/sources/test/metadata.csv" | tail -n +2 > "$T/test_ids"
check "test split exported" test -s "$T/test_ids"
check "no test recording in the corpus" bash -c "! grep -F -f '$T/test_ids' '$T/a/corpora/main/metadata.csv'"
check "no test split rows in the corpus" bash -c "! grep -q ',test,' '$T/a/corpora/main/metadata.csv'"

# Sharded item-level work (plan --shard K/N as array jobs, then run) gives the same corpus.
recipe "$T/c" > "$T/c.yaml"
check "sources before the shards" gendang run "$T/c.yaml" --only sources
for k in 1 2 3; do gendang plan "$T/c.yaml" --shard $k/3 > "$T/shard$k.sh"; done
check_grep "shard script passes --shard" "augment run .* --shard 2/3" "$T/shard2.sh"
check "three shards run" bash -c "GENDANG='$GD_BIN/gendang'; export GENDANG; sh '$T/shard1.sh' & sh '$T/shard2.sh' & sh '$T/shard3.sh'; wait"
check "run after the shards" gendang run "$T/c.yaml"
check "sharded corpus identical" diff -r "$T/a/corpora/main" "$T/c/corpora/main"
check "the merge leaves no shard tables" test -z "$(ls "$T/c/augment" | grep shard)"
check "merged augment folder identical to the unsharded one" diff -r -x augment_sources.csv "$T/a/augment" "$T/c/augment"
check_exit "--shard out of range is usage" 2 gendang plan "$T/c.yaml" --shard 4/3
