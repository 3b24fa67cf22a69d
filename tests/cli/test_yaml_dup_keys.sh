#!/usr/bin/env bash
# test_yaml_dup_keys.sh: every YAML reader refuses a repeated mapping key with
# file:line:column (libyaml keeps both pairs; the readers used to take the first silently):
# recipes, data manifests, synth presets, the synth fit split guard and train configs.
. "$(dirname "$0")/lib.sh"
cd "$GD_ROOT"

printf 'name: t\nseed: 3\nout: %s/out\nsources:\n  kits: ["circAfrique v4"]\nseed: 4\n' "$T" > "$T/recipe.yaml"
check_exit "recipe: duplicate top-level key exits 1" 1 gendang validate "$T/recipe.yaml"
check_grep "recipe: named with line:col" "recipe.yaml:6:1: duplicate key 'seed' \(first at line 2\)" "$T/.err"
printf 'name: t\nseed: 3\nout: %s/out\nsources:\n  kits: ["circAfrique v4"]\n  kits: ["The Black Pearl 1.0"]\n' "$T" > "$T/recipe2.yaml"
check_exit "recipe: duplicate nested key exits 1" 1 gendang validate "$T/recipe2.yaml"
check_grep "recipe: nested one named" "recipe2.yaml:6:3: duplicate key 'kits' \(first at line 5\)" "$T/.err"

awk 'NR==12{print "    sha256: 0000"} {print}' data_manifest.yaml > "$T/manifest.yaml"
check_exit "manifest: duplicate key in an entry exits 1" 1 gendang data verify "$T/manifest.yaml"
check_grep "manifest: named with line:col" "manifest.yaml:12:5: duplicate key 'sha256' \(first at line 11\)" "$T/.err"

awk '{print} NR==6{print "duration_s: 2.0"}' synth/presets/djembe.yaml > "$T/preset.yaml"
check_exit "synth preset: duplicate key exits 1" 1 gendang-synth render --preset "$T/preset.yaml" --n 1 --seed 1 -o "$T/x"
check_grep "synth preset: named with line:col" "preset.yaml:7:1: duplicate key 'duration_s' \(first at line 6\)" "$T/.err"
check "  ... nothing rendered" test ! -e "$T/x"

sox -R -n -r 44100 -c 1 -b 16 "$T/hit.wav" synth 0.6 pluck 220 fade 0 0.6 0.5
printf 'version: 1\nroots:\n  here: .\nentries:\n  - id: h\n    root: here\n    path: "hit.wav"\n    split: train\n    split: test\n' > "$T/m.yaml"
check_exit "synth fit split guard: duplicate key exits 1" 1 gendang-synth fit --manifest "$T/m.yaml" "$T/hit.wav" -o "$T/p.yaml"
check_grep "synth fit split guard: named with line:col" "m.yaml:9:5: duplicate key 'split' \(first at line 8\)" "$T/.err"
check "  ... no preset written" test ! -e "$T/p.yaml"

{ cat train/configs/tiny.yaml; echo "batch: 4"; } > "$T/tiny.yaml"
line=$(grep -n '^batch:' train/configs/tiny.yaml | cut -d: -f1); last=$(($(wc -l < train/configs/tiny.yaml) + 1))
check_exit "train config: duplicate key exits 1" 1 gendang-train fit --corpus "$T/none" --config "$T/tiny.yaml" --steps 1 -o "$T/run"
check_grep "train config: named with line:col" "tiny.yaml:$last:1: duplicate key 'batch' \(first at line $line\)" "$T/.err"
