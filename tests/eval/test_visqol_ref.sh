# test_visqol_ref.sh: visqol_mos of `gendang-eval pair` against visqol-python (a port of
# Google's C++ ViSQOL v3) on the pairs of visqol_signals.sh (sox -R: the same signals on every
# run), reference values in visqol_ref.csv (written by visqol_ref.py). Every pair within
# 0.01 MOS; identical pairs 4.732101 (the C++ value); also the sequence mode's CLI.
source "$(dirname "$0")/../cli/lib.sh"
E=gendang-eval
here=$(dirname "$0")
"$here/visqol_signals.sh" "$T/sig" > "$T/pairs.txt"
mkdir -p "$T/R" "$T/D"
while read -r name ref est; do
    ln -s "$ref" "$T/R/$name.wav"; ln -s "$est" "$T/D/$name.wav"
done < "$T/pairs.txt"
check "pair --only visqol_mos on the validation pairs" $E pair --only visqol_mos --json "$T/R" "$T/D"
check_grep "the other metrics not computed" '"rave_mss":"not computed"' "$T/.out"
python3 - "$T/.out" "$here/visqol_ref.csv" <<'EOF'
import csv, json, sys
got = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    if "clip" in r:
        got[r["clip"][:-4]] = r["visqol_mos"]
ref = {r["pair"]: float(r["visqol_mos"]) for r in csv.DictReader(open(sys.argv[2]))}
worst, n = 0.0, 0
for name, mos in sorted(got.items()):
    want = ref.get(name)
    if want is None or mos is None:
        print(f"FAIL visqol {name}: {mos} (reference {want})")
        continue
    d = abs(mos - want)
    worst, n = max(worst, d), n + 1
    tol = 1e-6 if name.endswith("_ident") else 0.01
    print(f"{'ok' if d <= tol else 'FAIL'} visqol {name} {mos:.6f} vs {want:.6f} (|diff| {d:.2g})")
    if name.endswith("_ident"):
        print(f"{'ok' if abs(mos - 4.732101) < 5e-7 else 'FAIL'} visqol {name} is the C++ 4.732101")
print(f"{'ok' if n >= 14 else 'FAIL'} visqol: {n} pairs compared, max |diff| {worst:.3g}")
EOF
# sequence mode: one-shots joined; the same hits on both sides score as identical
mkdir -p "$T/A" "$T/B"
for x in k sn h t c; do cp "$T/sig/$x.wav" "$T/A/$x.wav"; done
for x in k sn h t c; do sox -R -V1 "$T/sig/$x.wav" "$T/B/$x.wav" lowpass 2000; done
check "short clips: visqol_mos null" $E pair --json "$T/A/k.wav" "$T/B/k.wav"
check_grep "null reason names the length" '"visqol_mos":"reference shorter than 0.96 s' "$T/.out"
check "sequence, identical" $E pair --json --visqol-sequence "$T/A" "$T/A"
check_grep "identical sequence 4.732101" '"visqol_sequence":\{"visqol_mos":4\.73210' "$T/.out"
check "sequence, lowpassed" $E pair --visqol-sequence --visqol-gap 0.1 "$T/A" "$T/B"
check_grep "text line" '^visqol_mos \(sequence of 5 clips, .* gaps 0\.10 s\): [1-4]\.' "$T/.out"
check_exit "--only other metric exits 2" 2 $E pair --only mel_l1 "$T/A" "$T/B"
check_exit "bad gap exits 2" 2 $E pair --visqol-sequence --visqol-gap x "$T/A" "$T/B"
