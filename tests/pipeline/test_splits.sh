#!/usr/bin/env bash
# test_splits.sh: group-safe splits. `data import` keeps every take of a stroke in one split
# (and gives every file its own id, refusing names a manifest cannot hold);
# `data verify`, `validate`, `run` and `data audit` refuse a group, a sha256 or a near-duplicate
# recording (a copy at -6 dB, 10 ms later) in two splits, naming both entries.
. "$GD_ROOT/tests/cli/lib.sh"
cd "$GD_ROOT"

# --- import: a kit whose takes are named in five styles ---------------------------------
K="$T/kit"; mkdir -p "$K/hats"
tone() {  # file freq gain
    sox -R -D -n -r 44100 -b 16 -c 1 "$1" synth 0.1 sine "$2" fade 0 0.1 0.08 vol "$3" 2>/dev/null
}
i=0
for name in "Snare_Hit_v%d" "snare-rim-rr%d" "Kick Hit %d" "hats/HatClosed_L%d" "Clap_0%d"; do
    i=$((i + 1))
    for v in 1 2 3 4; do tone "$K/$(printf "$name" "$v").wav" $((150 * i + 40)) "0.$((v + 4))"; done
done
for dyn in soft medium hard loud; do tone "$K/tom_low_$dyn.wav" 980 0.5; done
for dyn in pp mp mf ff; do tone "$K/RideBell_$dyn.wav" 1210 0.5; done
for n in 32 64 96 127; do tone "$K/Crash Vel $n.wav" 1530 0.5; done
# 8 strokes x 4 takes; each take of a stroke is the same tone at another level, so a stroke
# that straddled splits would also be a near-duplicate pair.
check "import a velocity-layered kit" gendang data import "$K" --kit k --manifest "$T/k.yaml"
check_grep "import lists its groups" "^  k-snare-hit +4 files -> (train|valid|test)$" "$T/.err"
check_grep "import counts 8 groups" "^8 groups$" "$T/.err"
n_groups=$(grep -c '^    group:' "$T/k.yaml")
check "32 entries" test "$n_groups" = 32
for stroke in Snare_Hit snare-rim "Kick Hit" HatClosed Clap_ tom_low RideBell "Crash Vel"; do
    n=$(grep -A9 "path: .*/$stroke[^/]*\"" "$T/k.yaml" | grep '^    split:' | sort -u | wc -l)
    check "every take of '$stroke' in one split" test "$n" = 1
done
check "8 distinct groups" test "$(grep '^    group:' "$T/k.yaml" | sort -u | wc -l)" = 8
check "test split: round(0.2 x 8) = 2 groups" \
    test "$(grep -B1 '^    split: test' "$T/k.yaml" | grep '^    group:' | sort -u | wc -l)" = 2
check "imported kit verifies (no near-duplicate across splits)" gendang data verify "$T/k.yaml"
# The same recordings again under another kit, all to test: each is a sha256 in two splits.
cp "$T/k.yaml" "$T/k_before.yaml"
check_exit "import of recordings already in another split fails" 1 gendang data import "$K" \
    --kit other --test-fraction 1 --valid-fraction 0 --manifest "$T/k.yaml"
check_grep "both entries named" "k.yaml:[0-9]+: sha256 .* is in two splits: 'k-clap-01' \(line [0-9]+, (train|valid)\) and 'other-clap-01' \(line [0-9]+, test\)" "$T/.err"
check "refused import leaves the manifest unchanged" cmp "$T/k.yaml" "$T/k_before.yaml"
# --group-by: 7 groups of 4 or 8 files; the split is cut between groups, never inside one.
check "import --group-by" gendang data import "$K" --kit g --group-by '^[^_ -]+' --manifest "$T/g.yaml"
pairs=$(grep -A1 '^    group:' "$T/g.yaml" | paste - - - | awk '{print $2, $4}' | sort -u | wc -l)
check "--group-by: 7 groups, each in one split" test "$pairs" = 7
check "import -q with fractions" gendang data import "$K" --kit k2 -q --test-fraction 0.5 \
    --valid-fraction 0.25 --manifest "$T/k2.yaml"
check "-q lists nothing" test ! -s "$T/.err"
check "test fraction 0.5: 4 of 8 groups" \
    test "$(grep -B1 '^    split: test' "$T/k2.yaml" | grep '^    group:' | sort -u | wc -l)" = 4
check_exit "fractions above 1 are usage" 2 gendang data import "$K" --kit k3 \
    --test-fraction 0.8 --valid-fraction 0.3 --manifest "$T/k3.yaml"
check_exit "fraction out of range is usage" 2 gendang data import "$K" --kit k3 \
    --test-fraction 1.5 --manifest "$T/k3.yaml"

# --- import: names that clean to one id get -2, -3 (path order); names YAML cannot hold ---
C="$T/clash"; mkdir -p "$C"
tone "$C/a b.wav" 300 0.5; tone "$C/a-b.wav" 420 0.5; tone "$C/A_B.wav" 530 0.5
check "names that clean to one id import" gendang data import "$C" --kit c --manifest "$T/c.yaml"
check "ids -2 and -3 in path order" test "$(grep -A1 '^  - id:' "$T/c.yaml" | paste -d' ' - - - | \
    sed 's/ *- id: \([^ ]*\) *path: "[^"]*\/\([^"]*\)".*/\1=\2/' | tr '\n' ' ')" = "c-a-b=A_B.wav c-a-b-2=a b.wav c-a-b-3=a-b.wav "
check "the manifest verifies" gendang data verify "$T/c.yaml"
check "importing them again adds nothing" gendang data import "$C" --kit c --manifest "$T/c.yaml"
check_grep "0 added" "added 0 entries \(3 already present\)" "$T/.out"
N="$T/newline"; mkdir -p "$N"; tone "$N/x"$'\n'"y.wav" 300 0.5
check_exit "a newline in a file name is refused" 1 gendang data import "$N" --kit n --manifest "$T/n.yaml"
check_grep "naming the file and the problem in one line" "newline/x\\\\x0ay.wav: the file name has a control character" "$T/.err"
check "no manifest written" test ! -e "$T/n.yaml"
check "--license with a newline reads back (escaped in the manifest)" \
    gendang data import "$C" --kit d --license "$(printf 'CC\nBY')" --manifest "$T/d.yaml"
check_grep "the newline is escaped, not folded into a space" 'license: "CC\\x0aBY"' "$T/d.yaml"
check "that manifest verifies" gendang data verify "$T/d.yaml"

# --- leaks: a clean manifest, then one group, one sha256, one near-duplicate straddling ---
L="$T/leak"; mkdir -p "$L"
sox -R -D -n -r 44100 -b 24 -c 1 "$L/snare.wav" synth 0.4 whitenoise fade q 0 0.4 0.38 vol 0.5 2>/dev/null
sox -R -D -n -r 44100 -b 24 -c 2 "$L/tom.wav" synth 0.5 sine 110 fade q 0 0.5 0.45 2>/dev/null
sox -R -D -n -r 48000 -b 16 -c 1 "$L/bell.wav" synth 0.6 sine 800 sine 1230 fade q 0 0.6 0.55 2>/dev/null
sox -R -D -n -r 44100 -b 16 -c 1 "$L/block.wav" synth 0.2 square 520 fade q 0 0.2 0.19 2>/dev/null
cp "$L/snare.wav" "$L/snare_copy.wav"
sox -D "$L/snare.wav" "$L/snare_quiet_late.wav" pad 0.010 0 vol -6dB 2>/dev/null
entry() {  # id group split file
    printf '  - id: %s\n    path: "%s"\n    sha256: %s\n    license: "test"\n    kit: "t"\n' \
        "$1" "$4" "$(sha256sum "$L/$4" | cut -d' ' -f1)"
    printf '    instrument: x\n    stroke: hit\n    velocity: 1.0\n    group: %s\n    split: %s\n' "$2" "$3"
}
{ echo "version: 1"; echo "entries:"
  entry snare g-snare test snare.wav; entry tom g-tom train tom.wav
  entry bell g-bell valid bell.wav; } > "$L/clean.yaml"
check "clean manifest verifies" gendang data verify "$L/clean.yaml"
check_grep "verify says the splits are clean" "splits ok" "$T/.out"

cp "$L/clean.yaml" "$L/group.yaml"; entry block g-tom test block.wav >> "$L/group.yaml"
check_exit "group in two splits fails verify" 1 gendang data verify "$L/group.yaml"
check_grep "group leak names both entries and lines" \
    "group.yaml:3[0-9]: group 'g-tom' is in two splits: 'tom' \(line 1[0-9], train\) and 'block' \(line 3[0-9], test\)" "$T/.out"

cp "$L/clean.yaml" "$L/sha.yaml"; entry again g-other train snare_copy.wav >> "$L/sha.yaml"
check_exit "sha256 in two splits fails verify" 1 gendang data verify "$L/sha.yaml"
check_grep "sha256 leak names both entries" "sha256 [0-9a-f]{16}\.\.\. is in two splits: 'snare' \(line 3, test\) and 'again' \(line 3[0-9], train\)" "$T/.out"
check "the identical copy is one problem, not two" test "$(grep -c "'again'" "$T/.out")" = 1

cp "$L/clean.yaml" "$L/near.yaml"; entry quiet g-quiet train snare_quiet_late.wav >> "$L/near.yaml"
entry block g-block train block.wav >> "$L/near.yaml"
check_exit "near-duplicate in two splits fails verify" 1 gendang data verify "$L/near.yaml"
check_grep "near-duplicate named with correlation, lag and gain" \
    "near.yaml:3[0-9]: near-duplicate recordings in two splits: 'snare' \(line 3, test\) and 'quiet' \(line 3[0-9], train\): correlation (0\.99[0-9]+|1\.0000) at lag \+10\.0[0-9] ms, gain -6\.0 dB" "$T/.out"
check "only the planted pair is a leak" test "$(grep -c 'two splits' "$T/.out")" = 1

printf 'name: leak\nsources:\n  manifest: %s\n' "$L/near.yaml" > "$T/leak_recipe.yaml"
check_exit "validate refuses a recipe whose manifest leaks" 1 gendang validate "$T/leak_recipe.yaml"
check_grep "validate names both entries" "'snare' \(line 3, test\) and 'quiet' \(line 3[0-9], train\)" "$T/.err"
printf 'name: leak\nsources:\n  manifest: %s\n' "$L/group.yaml" > "$T/leak_recipe.yaml"
check_exit "validate refuses a group in two splits" 1 gendang validate "$T/leak_recipe.yaml"
check_grep "validate names the group's entries" "group 'g-tom' is in two splits: 'tom'.* and 'block'" "$T/.err"
printf 'name: leak\nout: %s\nsources:\n  manifest: %s\n' "$T/leak_out" "$L/group.yaml" > "$T/leak_run.yaml"
check_exit "run refuses a manifest whose splits leak" 1 gendang run "$T/leak_run.yaml"
check_grep "naming the group's entries" "group 'g-tom' is in two splits: 'tom'.* and 'block'" "$T/.err"
check "before any work" test ! -e "$T/leak_out/sources"
printf 'name: clean\nsources:\n  manifest: %s\n' "$L/clean.yaml" > "$T/clean_recipe.yaml"
check "validate accepts a clean manifest" gendang validate "$T/clean_recipe.yaml"

check_exit "audit exits 1 on a near-duplicate" 1 gendang data audit --top 3 --manifest "$L/near.yaml"
cp "$T/.out" "$T/audit"
check "audit lists the planted pair first" grep -qE \
    "^(0\.99[0-9]+|1\.0000) +\+10\.0[0-9] +-6\.0 +snare +test +quiet +train" <(sed -n 3p "$T/audit")
check "audit lists 3 pairs" test "$(grep -cE '^[01]\.[0-9]{4} ' "$T/audit")" = 3
check_grep "audit summarises each split" "^test +1 +1$" "$T/audit"
check_grep "audit summarises train" "^train +3 +3$" "$T/audit"
OMP_NUM_THREADS=1 gendang data audit --manifest "$L/near.yaml" > "$T/a1" 2>&1
OMP_NUM_THREADS=3 gendang data audit --manifest "$L/near.yaml" > "$T/a3" 2>&1
check "audit is the same for 1 and 3 threads" cmp "$T/a1" "$T/a3"
check "audit of the clean manifest exits 0" gendang data audit --manifest "$L/clean.yaml"
check_exit "audit with an argument is usage" 2 gendang data audit extra
