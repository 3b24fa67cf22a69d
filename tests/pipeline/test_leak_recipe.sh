#!/usr/bin/env bash
# test_leak_recipe.sh: the pieces of a leak experiment (recipes/bells.yaml) without training:
# corpora that leave labels out (recipe map form, `data assemble --exclude-label`), probe
# inputs (`data probes`: repeatable, seeded), the plan's leak and compare rules and the
# report's timeline per transfer, `compare` on leak JSON lines, and the recipe errors.
. "$GD_ROOT/tests/cli/lib.sh"
cd "$GD_ROOT"

# ---- data assemble --exclude-label
mkdir -p "$T/p/train"
printf 'file_name,split,source_id,group,label,duration_s,sample_rate,sha256,seed,ops\n' > "$T/p/metadata.csv"
for n in drum1:d/head drum2:d/head bell1:d/Bell-mute bell2:k/bell; do
    f=${n%%:*}; l=${n#*:}
    sox -D -R -n -r 8000 -b 16 "$T/p/train/$f.wav" synth 0.1 sine 440 2>/dev/null
    printf 'train/%s.wav,train,%s,%s,%s,0.1,8000,%s,0,\n' "$f" "$f" "$f" "$l" \
        "$(sha256sum "$T/p/train/$f.wav" | cut -d' ' -f1)" >> "$T/p/metadata.csv"
done
check "assemble --exclude-label bell" gendang data assemble --exclude-label bell -o "$T/nb" "$T/p"
check_grep "  ... says how many it left out" "2 files left out \(label matches 'bell'\)" "$T/.out"
check "  ... keeps the 2 drum rows only (case-insensitive)" test "$(grep -c ',d/head,' "$T/nb/metadata.csv")/$(grep -ci bell "$T/nb/metadata.csv")" = 2/0
check "  ... and their files only" test "$(find "$T/nb/train" -name '*.wav' | wc -l)" = 2
check_exit "a bad expression is a usage error" 2 gendang data assemble --exclude-label '[' -o "$T/nb2" "$T/p"
check "  ... and writes nothing" test ! -e "$T/nb2"

# ---- data probes
check "data probes" gendang data probes --kinds chirps,sweep --n 2 --seed 5 --rate 22050 -o "$T/pr"
check "  ... the files and the list" test "$(cat "$T/pr/probes.txt" | tr '\n' ' ')" = "chirps_1.wav chirps_2.wav sweep_1.wav sweep_2.wav "
check "  ... at the rate asked" test "$(soxi -r "$T/pr/chirps_1.wav")" = 22050
check "same seed, same bytes" gendang data probes --kinds chirps,sweep --n 2 --seed 5 --rate 22050 -o "$T/pr2"
same_all() { for f in chirps_1 chirps_2 sweep_1 sweep_2; do cmp "$T/pr/$f.wav" "$T/pr2/$f.wav" || return 1; done; }
check "  ... chirps and sweeps" same_all
check "  ... two chirp files differ" bash -c "! cmp -s '$T/pr/chirps_1.wav' '$T/pr/chirps_2.wav'"
check "another seed, other chirps" gendang data probes --kinds chirps --n 1 --seed 6 --rate 22050 -o "$T/pr3"
check "  ... differ" bash -c "! cmp -s '$T/pr/chirps_1.wav' '$T/pr3/chirps_1.wav'"
# the chirps lie where a bird's would: >= 90 % of the energy within 1-6 kHz (sox's sinc
# band-pass, RMS before and after)
rms() { local f=$1; shift; sox "$f" -n "$@" stat 2>&1 | awk '/RMS +amplitude/ {print $3}'; }
check "  ... chirp energy within 1-6 kHz >= 90 %" awk -v a="$(rms "$T/pr/chirps_1.wav")" \
    -v b="$(rms "$T/pr/chirps_1.wav" sinc 1000-6000)" 'BEGIN {print (b / a)^2; exit !((b / a)^2 >= 0.9)}'
if command -v espeak-ng >/dev/null; then
    check "speech from espeak-ng" gendang data probes --kinds speech --n 2 -o "$T/sp"
    check "  ... two phrases of at least a second" awk -v a="$(soxi -D "$T/sp/speech_1.wav")" \
        -v b="$(soxi -D "$T/sp/speech_2.wav")" 'BEGIN {exit !(a > 1 && b > 1)}'
else
    echo "ok speech probes skipped: espeak-ng not installed (make deps installs it)"
fi
check_exit "an unknown kind is a usage error" 2 gendang data probes --kinds bells -o "$T/pr4"

# ---- the plan of recipes/bells.yaml
check "bells recipe plans" bash -c "gendang plan recipes/bells.yaml --sh > '$T/plan.sh'"
check_grep "  ... no_bells leaves bell labels out" 'data assemble .*--exclude-label bell -o out/bells/corpora/no_bells' "$T/plan.sh"
check_grep "  ... makes the probes" '"\$GENDANG" data probes --kinds chirps,speech,sweep' "$T/plan.sh"
check "  ... transfers every seed of both arms (6)" test "$(grep -c 'train transfer [^ ]* .*out/bells/probes -o' "$T/plan.sh")" = 6
check "  ... judges each in the with-bells model of the same seed (6)" test "$(grep -cE 'attribute -q out/bells/runs/bells/seed([123])/model.safetensors --corpus out/bells/corpora/bells --leak bell out/bells/eval/[a-z_]+/seed\1/transfer' "$T/plan.sh")" = 6
check_grep "  ... compares the leak with leak_share first" 'eval compare --primary leak_share .*leak.jsonl.*> out/bells/compare/leak_no_bells_vs_bells.txt.tmp' "$T/plan.sh"
check "  ... its report timelines show the bell labels as one (2 arms x 10 inputs)" test "$(grep -o 'train attribute -q --transfer --lump bell' "$T/plan.sh" | wc -l)" = 20
check "  ... the report: a timeline under each of 20 transfers" test "$(grep -o -- '--transfer [^ ]* --attribution [^ ]*' "$T/plan.sh" | wc -l)" = 20

# ---- compare on leak lines: B clearly lower in every clip and seed -> "B better"
for arm in a b; do for s in 1 2 3; do
    for c in 1 2 3 4 5 6 7 8; do
        v=$(awk -v a=$arm -v s=$s -v c=$c 'BEGIN {printf "%.4f", (a == "a" ? 0.4 : 0.1) + 0.01 * s + 0.003 * c}')
        printf '{"clip":"p%d.wav","leak_share":%s,"leak_band_share":null}\n' "$c" "$v"
    done > "$T/$arm$s.jsonl"; done; done
check "compare --primary leak_share" gendang eval compare --primary leak_share "$T/a1.jsonl,$T/a2.jsonl,$T/a3.jsonl" "$T/b1.jsonl,$T/b2.jsonl,$T/b3.jsonl"
check_grep "  ... B better" "^PRIMARY leak_share: B better" "$T/.out"
check "  ... no pair-metric rows (the inputs carry none)" bash -c "! grep -qE '^(rave_mss|mrstft|leak_band_share) ' '$T/.out'"

# ---- recipe errors
base="name: t
out: $T/o
sources:
  kits: [\"circAfrique v4\"]
train: {config: tiny, steps: 10}"
bad() {  # name, expected message regex, recipe text
    printf '%s\n' "$3" > "$T/bad.yaml"
    check_exit "$1 is refused" 1 gendang validate "$T/bad.yaml"
    check_grep "  ... explained" "$2" "$T/.err"
}
bad "a bad exclude_labels expression" "bad.yaml:7:41: corpora.x.exclude_labels: not a valid extended regular expression" "$base
corpora:
  x: {parts: [sources], exclude_labels: \"(\"}"
bad "an unknown corpus key" "bad.yaml:7:25: unknown key 'exclude' in corpora.x" "$base
corpora:
  x: {parts: [sources], exclude: bell}"
bad "a corpus map without parts" "bad.yaml:7:6: corpora.x: lacks required key 'parts'" "$base
corpora:
  x: {exclude_labels: bell}"
bad "an unknown probe" "unknown probe 'birds'" "$base
eval: {probes: [birds]}"
bad "a leak judge that is no corpus" "leak judge 'y' is not a corpus" "$base
corpora: {x: [sources]}
eval: {probes: [sweep], leak: {judge: y, labels: bell}}"
bad "a leak without inputs" "'leak' needs transfer inputs" "$base
corpora: {x: [sources]}
eval: {leak: {judge: x, labels: bell}}"
bad "more transfer examples than a report plays" "the report plays 36 transfer examples \(12 inputs x 3 corpora\); at most 32" "$base
corpora: {x: [sources], y: [sources], z: [sources]}
eval: {probes: [chirps, speech, sweep, chirps]}
compare: [x, y, z]
report: true"
