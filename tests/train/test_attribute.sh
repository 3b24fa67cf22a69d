#!/usr/bin/env bash
# test_attribute.sh: gendang-train attribute on a tiny model trained on two constructed
# classes (decaying low sines labelled drum/low, inharmonic high partials labelled bell/high;
# tests/train/make_classes.sh): clips of the corpus and new clips of either class are
# attributed to their own label above the permutation floor and the other label at or below
# it; a drum-only corpus never reports bell; outputs, determinism over threads, bad input.
. "$(dirname "$0")/../cli/lib.sh"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
gt="$GD_BIN/gendang-train"
root=${GD_ROOT:-$(pwd)}
mk="$root/tests/train/make_classes.sh"
bash "$mk" corpus "$T/c" 10 10
for i in 9 13; do bash "$mk" clip drum $i "$T/d$i.wav"; bash "$mk" clip bell $i "$T/b$i.wav"; done
sed 's/^ckpt_every: .*/ckpt_every: 1000/; s/^val_every: .*/val_every: 1000/' \
    "$root/train/configs/tiny.yaml" > "$T/tiny.yaml"
check "fit two classes, 500 steps" "$gt" fit --corpus "$T/c" --config "$T/tiny.yaml" --steps 500 -o "$T/run" -q
M="$T/run/model.safetensors"

# attr NAME FILE LABEL yes|no [OPTIONS]: LABEL's share is above (yes) or not above (no) its
# floor's 95th percentile; prints the measured share and floor
attr() { local n=$1 f=$2 l=$3 want=$4; shift 4
    "$gt" attribute "$M" --corpus "$T/c" "$f" -q "$@" > "$T/a.txt" 2>"$T/a.err"
    echo "  $(basename "$f") $l: $(awk -v l="$l" '$1 == l {printf "share %s, floor mean %s, p95 %s", $2, $3, $4}' "$T/a.txt")"
    check_grep "$n" "^$l +[0-9.]+ +[0-9.]+ +[0-9.]+ +$want\$" "$T/a.txt"; }
attr "corpus bell clip: bell above the floor (itself left out)" "$T/c/train/bell08.wav" bell/high yes
check_grep "  ... says the clip equal to the input was left out" "19 train clips, the one equal to the input left out" "$T/a.txt"
check_grep "  ... and a plain sentence" "^[0-9]+ % of the input's energy is nearest to bell/high frames" "$T/a.txt"
attr "  ... drum not above its floor" "$T/c/train/bell08.wav" drum/low no
attr "corpus drum clip: drum above the floor" "$T/c/train/drum06.wav" drum/low yes
attr "  ... bell not above its floor" "$T/c/train/drum06.wav" bell/high no
attr "new drum: drum above the floor" "$T/d9.wav" drum/low yes
attr "  ... bell at or below its floor" "$T/d9.wav" bell/high no
check "  ... bell share under 0.1" awk '$1 == "bell/high" {exit !($2 < 0.1)}' "$T/a.txt"
attr "new bell: bell above the floor (group column)" "$T/b13.wav" bell yes --column group
attr "new bell: bell above the floor (instrument = label before /)" "$T/b13.wav" bell yes --column instrument

# drum-only corpus and model: bell is never reported
mkdir -p "$T/d"; cp -r "$T/c/train" "$T/c/valid" "$T/d/"
grep -v ',bell/' "$T/c/metadata.csv" > "$T/d/metadata.csv"
check "fit drum only, 100 steps" "$gt" fit --corpus "$T/d" --config "$T/tiny.yaml" --steps 100 -o "$T/drun" -q
check "drum-only model attributes a bell" "$gt" attribute "$T/drun/model.safetensors" --corpus "$T/d" "$T/b9.wav" -o "$T/do" --json
check "  ... never naming bell" bash -c "! grep -qi bell '$T/do/summary.json' '$T/do/frames.csv'"
check_grep "  ... only drum" '"label":"drum/low","share":1[,.]' "$T/do/summary.json"
check "  ... and the JSON parses" python3 -m json.tool "$T/do/summary.json"

# outputs and determinism: frames.csv has one row per latent frame; 1 and 2 threads agree
check "-o DIR with --transfer" "$gt" attribute "$M" --corpus "$T/c" "$T/d13.wav" -o "$T/o1" --transfer --seed 3
check_grep "frames.csv header" '^time_s,energy_db,kept,top,bell/high,drum/low$' "$T/o1/frames.csv"
check "frames.csv: one row per frame of 128 samples (0.25 s at 44.1 kHz: 87)" \
    test "$(($(wc -l < "$T/o1/frames.csv") - 1))" = 87
check_grep "summary.txt written" '^input: ' "$T/o1/summary.txt"
check "2 threads give the same output" bash -c "OMP_NUM_THREADS=2 '$gt' attribute '$M' --corpus '$T/c' '$T/d13.wav' -o '$T/o2' --transfer --seed 3 > '$T/o2.out'"
check "  ... frames.csv" cmp "$T/o1/frames.csv" "$T/o2/frames.csv"
check "  ... summary.txt" cmp "$T/o1/summary.txt" "$T/o2/summary.txt"
check "  ... stdout equals summary.txt" cmp "$T/o2.out" "$T/o2/summary.txt"
check "another permutation seed" "$gt" attribute "$M" --corpus "$T/c" "$T/d13.wav" -o "$T/o3" --seed 4
check "  ... changes the floor, not the shares" bash -c "! cmp -s '$T/o1/summary.txt' '$T/o3/summary.txt' && cmp '$T/o1/frames.csv' '$T/o3/frames.csv'"

# bad input
check_exit "--help exits 0" 0 "$gt" attribute --help
check_exit "no input is a usage error" 2 "$gt" attribute "$M" --corpus "$T/c"
check_exit "no --corpus is a usage error" 2 "$gt" attribute "$M" "$T/d9.wav"
check_exit "missing corpus exits 1" 1 "$gt" attribute "$M" --corpus "$T/none" "$T/d9.wav"
check_grep "  ... naming it" "none: no corpus here \(metadata.csv missing\)" "$T/.err"
check_exit "missing model exits 1" 1 "$gt" attribute "$T/none.safetensors" --corpus "$T/c" "$T/d9.wav"
check_exit "unknown column exits 1" 1 "$gt" attribute "$M" --corpus "$T/c" "$T/d9.wav" --column colour
check_grep "  ... naming it" "no column 'colour'" "$T/.err"
mkdir -p "$T/v"; grep -v ',train,' "$T/c/metadata.csv" > "$T/v/metadata.csv"
check_exit "corpus without train rows exits 1" 1 "$gt" attribute "$M" --corpus "$T/v" "$T/d9.wav"
check_grep "  ... saying so" "metadata.csv: no train rows" "$T/.err"
sox -n -r 44100 -b 16 "$T/silent.wav" trim 0 0.2
check_exit "a silent input exits 1" 1 "$gt" attribute "$M" --corpus "$T/c" "$T/silent.wav"
check_grep "  ... saying why" "no frame above -60 dBFS" "$T/.err"
check_exit "missing input exits 1" 1 "$gt" attribute "$M" --corpus "$T/c" "$T/none.wav"

# leak mode: new clips of each class scored in the two-class model; a bell's share nearest
# to bell frames and its energy in the bell band are high, a drum's are low
mkdir -p "$T/in"; cp "$T/d9.wav" "$T/d13.wav" "$T/b9.wav" "$T/b13.wav" "$T/in/"
check "--leak over a folder" bash -c "'$gt' attribute '$M' --corpus '$T/c' --leak 'BELL' '$T/in' -q > '$T/leak.jsonl'"
check "  ... one JSON line per file" test "$(wc -l < "$T/leak.jsonl")" = 4
leak() { python3 -c "import json,sys; r={j['clip']: j for j in map(json.loads, open(sys.argv[1]))}; print(r[sys.argv[2]][sys.argv[3]])" "$T/leak.jsonl" "$1" "$2"; }
leak_is() {  # CLIP KEY CONDITION, e.g. b9 leak_share "> 0.9"
    local v; v=$(leak "$1.wav" "$2")
    check "  ... $1.wav: $2 $3: $v" awk -v v="$v" "BEGIN {exit !(v $3)}"; }
for c in b9 b13; do leak_is $c leak_share "> 0.9"; leak_is $c leak_band_share "> 0.9"; done
for c in d9 d13; do leak_is $c leak_share "< 0.1"; leak_is $c leak_band_share "< 0.01"; done
check "  ... leak_chance is the bell clips' share of frames (0.3 to 0.7): $(leak d9.wav leak_chance)" \
    awk -v v="$(leak d9.wav leak_chance)" 'BEGIN {exit !(v > 0.3 && v < 0.7)}'
check "  ... the same with 2 threads" bash -c "OMP_NUM_THREADS=2 '$gt' attribute '$M' --corpus '$T/c' --leak BELL '$T/in' -q | cmp - '$T/leak.jsonl'"
check_exit "--leak with a bad expression is a usage error" 2 "$gt" attribute "$M" --corpus "$T/c" --leak '(' "$T/in"
check_exit "--leak that matches no train label exits 1" 1 "$gt" attribute "$M" --corpus "$T/c" --leak cymbal "$T/in"
check_grep "  ... saying so" "no train clips match 'cymbal'" "$T/.err"
check_exit "--leak with -o is a usage error" 2 "$gt" attribute "$M" --corpus "$T/c" --leak bell "$T/in" -o "$T/x"

# --lump: labels matching RE count as one label named RE (the report's timelines use it for a
# leak's labels); its share is the matching labels' share
check "--lump BELL" bash -c "'$gt' attribute '$M' --corpus '$T/c' '$T/b13.wav' --lump BELL -q > '$T/lump.txt'"
check_grep "  ... one label named BELL, above its floor" '^BELL +[0-9.]+ +[0-9.]+ +[0-9.]+ +yes$' "$T/lump.txt"
check "  ... bell/high is gone" bash -c "! grep -q '^bell/high' '$T/lump.txt'"
check "  ... and its share is bell/high's" test "$(awk '$1 == "BELL" {print $2}' "$T/lump.txt")" = \
    "$("$gt" attribute "$M" --corpus "$T/c" "$T/b13.wav" -q | awk '$1 == "bell/high" {print $2}')"
check_exit "--lump with a bad expression is a usage error" 2 "$gt" attribute "$M" --corpus "$T/c" "$T/b13.wav" --lump '('
