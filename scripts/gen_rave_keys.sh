#!/usr/bin/env bash
# gen_rave_keys.sh [VENV]: regenerates tests/ref/rave_keys_{tiny,v2_wasserstein}.tsv, acids-rave
# 2.3.1's state-dict keys for the config.gin gendang-train export writes for each config
# (test_rave_map checks train/rave_names.def against them without torch). Trains one step of
# each config (batch 1) on a small corpus to have a model to export. Run deliberately, from
# the repository root, after `make`; VENV as in scripts/rave_export.sh.
set -eu
venv=${1:-${GENDANG_RAVE_VENV:-/work/venvs/rave}}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
bash tests/train/make_corpus.sh "$T/corpus" 2 1
for c in tiny v2_wasserstein; do
    sed 's/^batch: .*/batch: 1/' "train/configs/$c.yaml" > "$T/$c.yaml"
    bin/gendang-train fit --corpus "$T/corpus" --config "$T/$c.yaml" --steps 1 -o "$T/$c" -q
    bin/gendang-train export "$T/$c/model.safetensors" --to rave -o "$T/$c.rave" --python "$venv/bin/python" -q
    "$venv/bin/python" scripts/rave_check.py keys "$T/$c.rave/config.gin" "tests/ref/rave_keys_$c.tsv" 2>/dev/null
done
