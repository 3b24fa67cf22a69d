#!/usr/bin/env bash
# test_nan_model.sh: a checkpoint with a NaN weight (a 2-step tiny model with one float of
# decoder.6.weight_g overwritten in the file) is refused by transfer / encode / decode:
# exit 1, one line naming the model and the tensor, nothing written. Also: transfer to a
# .flac name writes that FLAC file (not a folder).
. "$(dirname "$0")/../cli/lib.sh"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
gt="$GD_BIN/gendang-train"
root=${GD_ROOT:-$(pwd)}
bash "$root/tests/train/make_corpus.sh" "$T/corpus" 2 1
check "fit 2 steps" "$gt" fit --corpus "$T/corpus" --config tiny --steps 2 -o "$T/run" -q
m="$T/run/model.safetensors"; src=$(ls "$T"/corpus/valid/*.wav | head -1)

# safetensors: 8-byte little-endian header length, JSON header, then the tensor bytes
hl=$(od -An -t u8 -N 8 "$m" | tr -d ' ')
off=$(head -c $((8 + hl)) "$m" | tail -c "$hl" | grep -o '"decoder.6.weight_g":{[^}]*}' |
      sed 's/.*"data_offsets":\[\([0-9]*\),.*/\1/')
cp "$m" "$T/nan.safetensors"
printf '\x00\x00\xc0\x7f' | dd of="$T/nan.safetensors" bs=1 seek=$((8 + hl + off + 8)) conv=notrunc 2>/dev/null
check "patched model differs from the original" bash -c "[ \$(cmp -l '$m' '$T/nan.safetensors' | wc -l) -ge 1 ]"

check "finite model transfers" "$gt" transfer "$m" "$src" -o "$T/ok.wav" -q
check "transfer -o NAME.flac" "$gt" transfer "$m" "$src" -o "$T/ok.flac" -q
check_grep "  ... writes one FLAC file" "^fLaC$" <(head -c 4 "$T/ok.flac"; echo)
check_exit "NaN model: transfer exits 1" 1 "$gt" transfer "$T/nan.safetensors" "$src" -o "$T/x.wav"
check_grep "  ... naming the model and the tensor" 'nan\.safetensors: unusable model: tensor decoder\.6\.weight_g holds NaN or Inf' "$T/.err"
check "  ... one line" test "$(wc -l < "$T/.err")" = 1
check "  ... nothing written" test ! -e "$T/x.wav"
check_exit "NaN model: folder transfer exits 1" 1 "$gt" transfer "$T/nan.safetensors" "$T/corpus/valid" -o "$T/xdir"
check "  ... no folder made" test ! -e "$T/xdir"
check_exit "NaN model: encode exits 1" 1 "$gt" encode "$T/nan.safetensors" "$src" -o "$T/z.csv"
check "  ... nothing written" test ! -e "$T/z.csv"
"$gt" encode "$m" "$src" -o "$T/z.csv" -q
check_exit "NaN model: decode exits 1" 1 "$gt" decode "$T/nan.safetensors" "$T/z.csv" -o "$T/y.wav"
check "  ... nothing written" test ! -e "$T/y.wav"
