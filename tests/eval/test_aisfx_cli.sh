# test_aisfx_cli.sh: gendang-eval corpus --embed aisfx: a copy of the reference is not told
# apart (KAD permutation p = 1), noise bursts are (above the floor, p = 1/201); 512-d
# Frechet on 8 clips is undefined, not a number; thread count does not change the output;
# errors. Needs the weights from `make deps` (aisfx-weights) and Debian's hydrogen-drumkits.
source "$(dirname "$0")/../cli/lib.sh"
E=gendang-eval
W="$GD_ROOT/.deps/models/aisfx-0.1.2.safetensors"
K="${GENDANG_ROOT_HYDROGEN_DRUMKITS:-/usr/share/hydrogen/data/drumkits}/circAfrique v4"
[ -f "$W" ] || echo "  $W missing: \`make deps\` (aisfx-weights) fetches it"
mkdir -p "$T/ref" "$T/copy" "$T/noise"
i=0
for f in "$K"/Djembe1*.wav "$K"/Djembe2*.wav "$K"/Dununba1*.wav; do
    [ $i -lt 8 ] || break
    cp "$f" "$T/ref/h$i.wav"; cp "$f" "$T/copy/h$i.wav"
    sox -R -n -r 44100 -c 1 "$T/noise/n$i.wav" synth 0.6 whitenoise fade 0 0.6 0.5 vol 0.$((i + 1)) 2>/dev/null
    i=$((i + 1))
done
A=(--embed aisfx --aisfx-weights "$W" --json --boot 20 --splits 10 --perm 200)
check "copy" env OMP_NUM_THREADS=1 $E corpus "${A[@]}" "$T/ref" "$T/copy"
cp "$T/.out" "$T/o1"
check_grep "copy: aisfx, 512-d, one block per hit" '"embedding":"aisfx[^"]*","dim":512,"frames_ref":8,"frames_gen":8,' "$T/.out"
check_grep "copy: KAD p = 1" '"kad":\{"value":[^}]*"p_permutation":1,' "$T/.out"
check_grep "copy: 512-d Frechet on 8 clips undefined" '"frechet":\{"value":null,.*"verdict":"undefined' "$T/.out"
check "noise" $E corpus "${A[@]}" "$T/ref" "$T/noise"
check_grep "noise: KAD p = 1/201" '"kad":\{"value":[^}]*"p_permutation":0\.00497' "$T/.out"
check_grep "noise: KAD above floor" '"kad":\{[^}]*"verdict":"above the real-vs-real floor' "$T/.out"
OMP_NUM_THREADS=2 $E corpus "${A[@]}" "$T/ref" "$T/copy" > "$T/o2" 2>/dev/null
cmp -s "$T/o1" "$T/o2" && echo "ok thread count does not change output" || echo "FAIL thread count does not change output"
check_exit "--embed bogus exits 2" 2 $E corpus --embed bogus "$T/ref" "$T/copy"
check_exit "--aisfx-weights without --embed aisfx exits 2" 2 $E corpus --aisfx-weights "$W" "$T/ref" "$T/copy"
check_exit "--embed with --emb-ref exits 2" 2 $E corpus --embed aisfx --emb-ref x --emb-gen y "$T/ref" "$T/copy"
check_exit "missing weights exit 1" 1 $E corpus --embed aisfx --aisfx-weights "$T/none.safetensors" "$T/ref" "$T/copy"
check_grep "names the missing file" "none.safetensors: no such file" "$T/.err"
[ "$(wc -l < "$T/.err")" = 1 ] && echo "ok one-line error" || echo "FAIL one-line error"
check_exit "wrong weights exit 1" 1 $E corpus --embed aisfx --aisfx-weights "$GD_ROOT/tests/ref/rave_tiny.safetensors" "$T/ref" "$T/copy"
check_grep "says the sha256 differs" 'rave_tiny.safetensors: sha256 [0-9a-f]+ is not' "$T/.err"
