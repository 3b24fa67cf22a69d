#!/usr/bin/env bash
# bench_aisfx.sh: speed of the aiSFX embedding (eval/aisfx.h) against the aisfx 0.1.2 package
# itself (Essentia spectrogram + torch CPU), one core each, same clips, same run:
#  - embeddings alone: build/lab/aisfx_dump (C, compute only) against
#    scripts/aisfx_ref.py time (the package, compute only, model loading excluded);
#  - the whole `gendang-eval corpus --embed aisfx` (reading, descriptors, embeddings, FD and
#    KAD with bootstrap CIs, floors and the permutation test) on the same clips as REF and GEN.
# Clips: the 133 default hits (data_manifest.yaml). The package runs in a venv: AISFX_VENV
# (default .venv/aisfx, made here when missing: torch from the CPU wheel index or PyPI,
# essentia, numpy, tqdm, and the aisfx wheel that `make deps` fetched, without its pins).
# OpenBLAS picks its kernels from the CPU model; a model it does not know (some VMs) gets
# its generic Prescott (SSE3) kernels: then a second row uses OPENBLAS_CORETYPE for the
# CPU's vector width. Results are CPU seconds (user + sys, best of 3) and their ratios.
# Prints a Markdown section.
set -u
E=bin/gendang-eval D=build/lab/aisfx_dump
WTS=.deps/models/aisfx-0.1.2.safetensors WHEEL=.deps/models/aisfx-0.1.2-py2.py3-none-any.whl
echo "## aisfx embedding"
echo
[ -x "$E" ] && [ -f "$WTS" ] || { echo "(skipped: needs make and the weights from make deps)"; exit 0; }
make -s "$D" >/dev/null || { echo "(skipped: cannot build $D)"; exit 0; }
W=bench/out/aisfx
rm -rf "$W"; mkdir -p "$W/ref" "$W/gen"
python3 scripts/aisfx_ref.py manifest > "$W/list.txt"
n=$(wc -l < "$W/list.txt")
i=0
while IFS= read -r f; do ln -s "$f" "$W/ref/h$(printf '%03d' $i).wav"; ln -s "$f" "$W/gen/h$(printf '%03d' $i).wav"; i=$((i + 1)); done < "$W/list.txt"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 OMP_WAIT_POLICY=passive
V=${AISFX_VENV:-.venv/aisfx}
if [ ! -x "$V/bin/python" ] || ! "$V/bin/python" -c 'import aisfx, torch, essentia' 2>/dev/null; then
    python3 -m venv "$V" && { "$V/bin/pip" install -q torch --index-url https://download.pytorch.org/whl/cpu 2>/dev/null ||
        "$V/bin/pip" install -q torch; } && "$V/bin/pip" install -q essentia numpy tqdm &&
        "$V/bin/pip" install -q --no-deps "$WHEEL" >/dev/null 2>&1 || echo "(venv $V incomplete: the package rows are skipped)"
fi
cpu() {  # best user+sys CPU seconds of 3 runs of "$@"
    local b=""
    for _ in 1 2 3; do
        /usr/bin/time -o "$W/time.txt" -f "%U %S" "$@" >/dev/null 2>&1 || { echo "failed"; return; }
        b=$(tail -1 "$W/time.txt" | awk -v b="$b" '{ c = $1 + $2; if (b == "" || c < b) b = c; printf "%.3f", b }')
    done
    echo "$b"
}
core=$(OPENBLAS_VERBOSE=2 "$D" --weights "$WTS" "$W/x.csv" "$(head -1 "$W/list.txt")" 2>&1 | sed -n 's/^Core: //p')
alt=""
if [ "$core" = Prescott ]; then
    grep -qw avx512f /proc/cpuinfo && alt=SkylakeX || { grep -qw avx2 /proc/cpuinfo && alt=Haswell; }
fi
mapfile -t files < "$W/list.txt"
pkg_cpu="(skipped)"
if "$V/bin/python" -c 'import aisfx, torch, essentia' 2>/dev/null; then
    r=$(TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 "$V/bin/python" scripts/aisfx_ref.py time "${files[@]}" 2>/dev/null | tail -1)
    pkg_cpu=$(echo "$r" | awk '{ print $2 }')
fi
row() {  # label coretype
    local ct=$2 emb cor
    emb=$(OPENBLAS_CORETYPE=$ct "$D" --weights "$WTS" "$W/c.csv" "${files[@]}" 2>&1 >/dev/null | sed -n 's/^total .*CPU \([0-9.]*\) s.*/\1/p')
    for _ in 1 2; do
        local e=$(OPENBLAS_CORETYPE=$ct "$D" --weights "$WTS" "$W/c.csv" "${files[@]}" 2>&1 >/dev/null | sed -n 's/^total .*CPU \([0-9.]*\) s.*/\1/p')
        emb=$(awk -v a="$e" -v b="$emb" 'BEGIN { printf "%.3f", a < b ? a : b }')
    done
    cor=$(OPENBLAS_CORETYPE=$ct cpu "$E" corpus --embed aisfx --aisfx-weights "$WTS" "$W/ref" "$W/gen")
    awk -v l="$1" -v e="$emb" -v c="$cor" -v p="$pkg_cpu" -v n="$n" 'BEGIN {
        printf "| %s | %s | %s | %s | %s |\n", l, e, (p + 0 > 0 ? sprintf("%.2f", p / e) : "-"), c,
               (p + 0 > 0 ? sprintf("%.2f", 2 * p / c) : "-") }'
}
echo "$n default hits, one thread each. C: OpenBLAS kernels \"$core\". Package: aisfx 0.1.2"
echo "(Essentia spectrogram, torch CPU), $( [ "$pkg_cpu" = "(skipped)" ] && echo "not measured" || echo "$pkg_cpu CPU s for the $n hits")."
echo "\"x package\" = package CPU s / ours for the same work (corpus: the package's time for"
echo "2 x $n clips, i.e. embeddings only, against the whole corpus command)."
echo
echo "| case | embeddings: CPU s | x package | corpus --embed aisfx (2 x $n clips): CPU s | x package (embeddings only) |"
echo "|---|---|---|---|---|"
row "C, OpenBLAS as detected ($core)" ""
[ -n "$alt" ] && row "C, OPENBLAS_CORETYPE=$alt" "$alt"
