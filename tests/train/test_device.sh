#!/usr/bin/env bash
# test_device.sh: `gendang-train ... --device cuda` on a machine without a usable GPU (or
# without the CUDA backend built) fails cleanly: exit 1, exactly one error line naming the
# reason, nothing written. With a GPU the same commands fail on the missing corpus instead,
# still exit 1 with one line, so the test holds on either machine. Unknown devices are usage
# errors (exit 2); only fit runs on the GPU.
. "$(dirname "$0")/../cli/lib.sh"
gt="$GD_BIN/gendang-train"

one_line_exit1() {   # NAME CMD...: exit 1, one stderr line starting "gendang-train:"
    local n=$1; shift
    "$@" >"$T/.o" 2>"$T/.e"; local rc=$?
    local lines; lines=$(wc -l < "$T/.e")
    if [ $rc = 1 ] && [ "$lines" = 1 ] && grep -q '^gendang-train: ' "$T/.e"; then
        _result "$n" 0
    else
        echo "  $n: exit $rc, $lines stderr lines:"; sed 's/^/  /' "$T/.e" | head -5
        _result "$n" 1
    fi
}

one_line_exit1 "fit --device cuda fails with one line" \
    "$gt" fit --device cuda --corpus "$T/no_corpus" --config tiny --steps 2 -o "$T/run"
check "fit --device cuda wrote no run folder" test ! -e "$T/run"
if ! nvidia-smi -L >/dev/null 2>&1; then   # no GPU here: the message names the reason
    check_grep "the error says no usable GPU" '--device cuda: no usable GPU \(.+\)' "$T/.e"
fi
one_line_exit1 "encode --device cuda fails with one line" \
    "$gt" encode --device cuda "$T/m.safetensors" "$T/in.wav" -o "$T/z.csv"
check_grep "encode says only fit runs on the GPU" 'only fit runs on the GPU' "$T/.e"
check_exit "--device tpu is a usage error" 2 "$gt" fit --device tpu --corpus x --config tiny --steps 1 -o "$T/r2"
