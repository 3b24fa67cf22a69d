#!/usr/bin/env bash
# test_outdirs.sh: after a rerun, a stage's output folder holds exactly what its metadata.csv
# lists (data export, data assemble, augment run and its shards, synth render): files of
# earlier runs and temporaries of interrupted ones are removed, and a folder that is not an
# earlier output is refused untouched. `train transfer IN_DIR -o DIR` skips non-audio files,
# fails on audio that does not decode, and removes only outputs it wrote before.
. "$GD_ROOT/tests/cli/lib.sh"
cd "$GD_ROOT"

# listed DIR EXTRA...: DIR's visible files are exactly metadata.csv's file_name column + EXTRA.
listed() {
    local d=$1; shift
    diff <(cd "$d" && find . -mindepth 1 -name '.*' -prune -o -type f -print | sed 's|^\./||' | sort) \
         <( { tail -n +2 "$d/metadata.csv" | cut -d, -f1; printf '%s\n' metadata.csv "$@"; } | sort)
}
# stale DIR: what earlier and interrupted runs leave behind.
stale() {
    mkdir -p "$1/train/old"
    echo x > "$1/train/old/gone.wav"; echo x > "$1/gone.wav"; echo x > "$1/kept.wav.tmp.12345.0"
}

S="$T/src"
check "export two instruments" gendang data export --split train --instrument djembe1 --instrument djembe2 -o "$S"
stale "$S"
check "export one" gendang data export --split train --instrument djembe1 -o "$S"
check "export: only what metadata.csv lists" listed "$S"
check "export: the dropped instrument's files are gone" test -z "$(ls "$S" | grep djembe2)"
mkdir -p "$T/mine"; echo keep > "$T/mine/notes.txt"
check_exit "export into a folder that is no corpus is refused" 1 gendang data export --split train -o "$T/mine"
check_grep "the refusal names the folder" "mine: not empty \(notes.txt, ...\) and not an earlier output" "$T/.err"
check "that folder is untouched" test "$(ls "$T/mine")" = notes.txt

check "export valid" gendang data export --split valid --kit "circAfrique v4" -o "$T/srcv"
check "assemble two parts" gendang data assemble -o "$T/corp" "$S" "$T/srcv"
stale "$T/corp"
check "assemble one part" gendang data assemble -o "$T/corp" "$S"
check "assemble: only what metadata.csv lists" listed "$T/corp"
check_exit "assemble into a folder that is no corpus is refused" 1 gendang data assemble -o "$T/mine" "$S"

ops='gain:db=uniform(-6,0)'
check "augment 3 variants" gendang augment run --in "$S" --ops "$ops" --n 3 --seed 1 --out "$T/aug"
stale "$T/aug"
check "augment 1 variant" gendang augment run --in "$S" --ops "$ops" --n 1 --seed 1 --out "$T/aug"
check "augment: only what metadata.csv lists" listed "$T/aug" augment_sources.csv
check "augment: one journal entry per item" \
    test "$(ls -A "$T/aug/.journal" | wc -l)" = "$(($(wc -l < "$T/aug/metadata.csv") - 1))"
for k in 1 2; do gendang augment run --in "$S" --ops "$ops" --n 2 --seed 1 --shard $k/2 --out "$T/aug" -q; done
check "shards leave their tables" test -s "$T/aug/metadata.shard-2-of-2.csv"
check "the whole run merges the shards" gendang augment run --in "$S" --ops "$ops" --n 2 --seed 1 --out "$T/aug"
check_grep "reusing every shard's item" "2 of 2 items reused" "$T/.err"
check "after the merge: only what metadata.csv lists" listed "$T/aug" augment_sources.csv

check "render djembe" gendang synth render --preset djembe --n 4 --seed 1 -o "$T/syn" -q
check "render kompang beside it" gendang synth render --preset kompang --n 2 --seed 1 -o "$T/syn" -q
stale "$T/syn"
check "render djembe again: another seed, fewer strokes" gendang synth render --preset djembe --n 2 --seed 2 -o "$T/syn" -q
check "synth: only what metadata.csv lists" listed "$T/syn"
check "synth: djembe's rows are this run's 2" test "$(grep -c '^train/djembe_' "$T/syn/metadata.csv")" = 2
check "synth: kompang's rows stay" test "$(grep -c '^train/kompang_' "$T/syn/metadata.csv")" = 2
check_exit "render into a folder that is no corpus is refused" 1 gendang synth render --preset djembe --n 1 --seed 1 -o "$T/mine"

# transfer: an input folder with metadata.csv and a text file beside the audio.
check "train a one-step model" env OMP_NUM_THREADS=1 gendang train fit --corpus "$T/corp" --config tiny --steps 1 -o "$T/run" -q
m="$T/run/model.safetensors"
cp -r "$S" "$T/in"; echo notes > "$T/in/README.txt"
check "transfer a corpus folder" gendang train transfer "$m" "$T/in" -o "$T/xo" -q
check "no error about metadata.csv or README.txt" test ! -s "$T/.err"
check "one output per audio file" test "$(ls "$T/xo" | wc -l)" = "$(ls "$T/in" | grep -c '\.wav$')"
one=$(ls "$T/in" | grep '\.wav$' | head -1)
echo mine > "$T/xo/mine.txt"; echo x > "$T/xo/$one.tmp.12345.0"
check "transfer one file into the same folder" gendang train transfer "$m" "$T/in/$one" -o "$T/xo" -q
check "earlier outputs and the temporary gone, the user's file kept" test "$(ls "$T/xo" | tr '\n' ' ')" = "$one mine.txt "
echo "not audio" > "$T/in/broken.wav"
check_exit "audio that does not decode fails the transfer" 1 gendang train transfer "$m" "$T/in" -o "$T/xo2" -q
check_grep "naming the file" "broken.wav" "$T/.err"
