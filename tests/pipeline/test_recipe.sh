#!/usr/bin/env bash
# test_recipe.sh: `gendang validate|plan|run`: strict schema errors with positions, leak
# refusal, what run would fail on (presets, ops, manifest, out, fitted instruments, transfer
# inputs) refused first, plan forms, caching and failure reporting of the runner.
. "$GD_ROOT/tests/cli/lib.sh"
cd "$GD_ROOT"

for r in recipes/*.yaml; do
    check "shipped recipe $(basename "$r") validates" gendang validate "$r"
done

base='name: t
seed: 3
out: OUT
sources:
  kits: ["circAfrique v4"]'
printf '%s\n' "$base" | sed "s|OUT|$T/out|" > "$T/ok.yaml"
check "minimal recipe validates" gendang validate "$T/ok.yaml"

bad() {  # name, expected message regex, recipe text
    printf '%s\n' "$3" > "$T/bad.yaml"
    check_exit "$1 is refused" 1 gendang validate "$T/bad.yaml"
    check_grep "$1 is explained" "$2" "$T/.err"
}
bad "unknown top-level key" "bad.yaml:6:1: unknown key 'colour' \\(expected one of: name, seed, out," "$base
colour: red"
bad "unknown nested key" "bad.yaml:7:3: unknown key 'variantz' in augment" "$base
augment:
  variantz: 3
  ops: gain:db=-3"
bad "wrong type" "bad.yaml:2:7: seed: must be a whole number \\(got 'three'\\)" "$(printf '%s\n' "$base" | sed 's/seed: 3/seed: three/')"
bad "out of range" "rate: must be in \[8000, 192000\] \(got 5\)" "$base
rate: 5"
bad "stage without its input" "eval needs a trained model" "$base
eval: {}"
bad "corpus naming a missing part" "corpus 'x' uses 'augment' but the recipe has no augment section" "$base
corpora:
  x: [sources, augment]"
bad "compare of unknown corpus" "compare names 'nope'" "$base
train: {steps: 2}
eval: {}
compare: [main, nope]"
bad "augmenting the test split" "stage 'augment' would use the held-out test split" "$base
augment:
  ops: gain:db=-3
  splits: [train, test]"
bad "fitting on the test split" "stage 'synth' would use the held-out test split" "$base
synth:
  fit: [djembe1]
  splits: test"
# What `run` would fail on later is refused before any work, at the value's position.
bad "unknown preset" "bad.yaml:7:13: synth.presets: unknown preset 'nosuch' \(available: djembe, " "$base
synth:
  presets: [nosuch]"
bad "ops the augment parser refuses" "bad.yaml:7:8: augment.ops: bad ops string at character 1: unknown effect 'pitchh'" "$base
augment:
  ops: pitchh:semitones=2"
bad "ops out of range" "augment.ops: bad ops string at character 17: pitch: semitones=40 out of range" "$base
augment:
  ops: pitch:semitones=40"
bad "missing manifest" "bad.yaml:6:13: sources.manifest: $T/none.yaml: no such file" "$base
  manifest: $T/none.yaml"
bad "out: /" "bad.yaml:3:6: 'out' \(/\) is or holds the root folder" "$(printf '%s\n' "$base" | sed 's|^out: .*|out: /|')"
bad "out: the home folder" "'out' \($HOME\) is or holds your home folder" "$(printf '%s\n' "$base" | sed "s|^out: .*|out: $HOME|")"
bad "out: the repository" "'out' \(.\) is or holds the folder gendang runs from" "$(printf '%s\n' "$base" | sed 's|^out: .*|out: .|')"
touch "$T/afile"
bad "out: a file" "'out' \($T/afile\) is a file, not a folder" "$(printf '%s\n' "$base" | sed "s|^out: .*|out: $T/afile|")"
bad "fit of an instrument without train hits" "bad.yaml:7:9: synth.fit: instrument 'tuba' has no train recordings" "$base
synth:
  fit: [tuba]"
bad "sources that select nothing" "bad.yaml:5:3: sources select no train recordings" "$base
  instruments: [tuba]"
bad "transfer input that is missing" "bad.yaml:8:14: eval.transfer: $T/nope.wav: no such file" "$base
train: {steps: 2}
eval:
  transfer: [$T/nope.wav]"
printf '%s\nsynth:\n  presets: [nosuch]\n' "$base" | sed "s|OUT|$T/refused|" > "$T/refused.yaml"
check_exit "run checks the same first" 1 gendang run "$T/refused.yaml"
check_grep "run names the problem" "refused.yaml:7:13: synth.presets: unknown preset 'nosuch'" "$T/.err"
check_grep "and says nothing ran" "refused.yaml: 1 problem above; nothing was run" "$T/.err"
check "run made nothing" test ! -e "$T/refused"
printf 'name: t\nsources: [unclosed\n' > "$T/syntax.yaml"
check_exit "YAML syntax error is refused" 1 gendang validate "$T/syntax.yaml"
check_grep "syntax error has a position" "syntax.yaml:[0-9]+:[0-9]+: YAML syntax error" "$T/.err"
check_exit "missing recipe is a runtime error" 1 gendang run "$T/none.yaml"
check_exit "run without recipe is usage" 2 gendang run
check_exit "unknown stage is usage" 2 gendang run "$T/ok.yaml" --only sourcez

# Plan forms: the Makefile runs under make and makes the same sources as `run`.
check "plan --sh" gendang plan "$T/ok.yaml" --sh
check_grep "sh plan exports splits" "data export .* --split test" "$T/.out"
gendang plan "$T/ok.yaml" --make > "$T/plan.mk"
check "plan --make runs under make -j2" make -s -f "$T/plan.mk" -j2 GENDANG="$GD_BIN/gendang" \
    "$T/out/sources/train/metadata.csv" "$T/out/sources/test/metadata.csv"
mv "$T/out" "$T/out_make"
check "run makes the sources" gendang run "$T/ok.yaml" --jobs 2
check "make and run give identical sources" diff -r "$T/out_make/sources/train" "$T/out/sources/train"
check "rerun is cached" gendang run "$T/ok.yaml"
check_grep "rerun says up to date" "sources/train: up to date" "$T/.err"
check "--force redoes" gendang run "$T/ok.yaml" --force
check_grep "forced rerun runs" "sources/train: running" "$T/.err"
# A changed input (the manifest) invalidates the cache.
sed 's/^sources:/sources:\n  manifest: MANI/' "$T/ok.yaml" | sed "s|MANI|$T/m.yaml|" > "$T/ok2.yaml"
cp data_manifest.yaml "$T/m.yaml"
gendang run "$T/ok2.yaml" >/dev/null 2>&1
echo "# touched" >> "$T/m.yaml"
check "changed manifest reruns" gendang run "$T/ok2.yaml"
check_grep "changed input is not cached" "sources/train: running" "$T/.err"

# A rebuilt tool invalidates the cache: no stage is taken from an older build's output.
mkdir -p "$T/bin2" && cp "$GD_BIN"/gendang* "$T/bin2/"
"$T/bin2/gendang" run "$T/ok.yaml" >/dev/null 2>&1
check "same tools: cached" "$T/bin2/gendang" run "$T/ok.yaml"
check_grep "same tools say up to date" "sources/train: up to date" "$T/.err"
printf '\0' >> "$T/bin2/gendang-augment"   # still runs: bytes after the ELF image
check "changed tool reruns" "$T/bin2/gendang" run "$T/ok.yaml"
check_grep "changed tool is not cached" "sources/train: running" "$T/.err"

# A failing stage: command, exit status and error lines shown, finished work kept. (The ops
# parse, so validation passes; the impulse response is missing only when the effect runs.)
printf '%s\naugment:\n  ops: "reverb:ir=%s/no-such-ir.wav"\n' "$(cat "$T/ok.yaml")" "$T" > "$T/fail.yaml"
check_exit "failing stage fails the run" 1 gendang run "$T/fail.yaml"
check_grep "failure names the stage" "stage augment failed" "$T/.err"
check_grep "failure shows the command" "command: .*augment run" "$T/.err"
check_grep "failure shows the exit status" "exit status: [12]" "$T/.err"
check "finished work kept" test -s "$T/out/sources/train/metadata.csv"
