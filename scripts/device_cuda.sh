#!/usr/bin/env bash
# device_cuda.sh: the ONE script to run on the GPU machine. Builds gendang with the
# CUDA backend against the Debian libraries unpacked in .deps/root (DEPS_ROOT in the
# Makefile; copy .deps to the GPU machine with the tree), runs the CPU-vs-GPU parity test,
# then times the training step: ours
# (eager and CUDA graph) against the same model in PyTorch (eager, torch.compile), for `tiny`
# and `v2_wasserstein` (batch 8 x 131072; phase 1, and phase 2 as separate generator and
# discriminator steps), and writes every log under $OUT.
# Each part has its own timeout, cut to what is left of BUDGET seconds (default 330; the
# build and parity come first and are not cut); optional parts (torch.compile, memcheck) run
# only with time to spare. The summary table is printed last (the device tool returns the
# tail of the output); every part's log is under $OUT as soon as it ends.
# Usage (repo root, on the device): OUT=/some/dir bash scripts/device_cuda.sh
set -u
OUT=${OUT:-/tmp/gd_out}
mkdir -p "$OUT"
T0=$(date +%s)
el() { echo $(( $(date +%s) - T0 )); }
log() { echo "[$(el)s] $*" | tee -a "$OUT/progress.txt"; }
left() { echo $(( ${BUDGET:-330} - $(el) )); }   # seconds left of the whole-run budget

# ---------------------------------------------------------------------------- environment
export PATH="$PATH:/usr/local/cuda/bin"
NVCC_BIN=$(command -v nvcc || true)
[ -x /usr/local/cuda/bin/nvcc ] && NVCC_BIN=/usr/local/cuda/bin/nvcc
CUDA_HOME=$(dirname "$(dirname "${NVCC_BIN:-/usr/local/cuda/bin/nvcc}")")
{
    echo "nvcc: $NVCC_BIN  CUDA_HOME: $CUDA_HOME"
    ls "$CUDA_HOME"/lib64/libcublas.so* "$CUDA_HOME"/lib64/libcufft.so* "$CUDA_HOME"/lib64/libcudart.so* 2>&1
    gcc --version 2>&1 | head -1; ldd --version 2>&1 | head -1
    date -u; uname -a
    nvidia-smi 2>&1 | head -20
    nvcc --version 2>&1 | tail -2
    python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name())' 2>&1
    nproc; free -g | head -2
} > "$OUT/env.txt" 2>&1
log "env: $(grep -m1 -o 'NVIDIA H[0-9]*[^|]*' "$OUT/env.txt" | head -1) / $(grep -m1 torch "$OUT/env.txt")"

# ---------------------------------------------------------------------------- build
DEPS=.deps/root
if [ ! -d "$DEPS" ] && [ -f .deps/root.tar.xz ]; then tar -C .deps -xJf .deps/root.tar.xz; fi
[ -d "$DEPS" ] || log "WARNING: $DEPS missing (carry .deps): the C libraries will not be found"
# Only what this script runs (the CUDA test and bench programs and the libraries under them),
# with -k so that one failing object does not stop the rest.
MK=(make -k -j"$(nproc)" DEPS_ROOT="$DEPS" CUDA=1 NVCC="$NVCC_BIN" CUDA_HOME="$CUDA_HOME")
timeout 240 "${MK[@]}" build/cuda/parity_cuda build/cuda/parity_model build/cuda/bench_step \
    bin/gendang-train > "$OUT/build.log" 2>&1
rc=$?
log "build rc=$rc ($(grep -c -i 'warning' "$OUT/build.log") warning lines)"
if [ $rc -ne 0 ]; then tail -30 "$OUT/build.log"; fi
export LD_LIBRARY_PATH="$PWD/$DEPS/usr/lib/x86_64-linux-gnu:$PWD/$DEPS/usr/lib/x86_64-linux-gnu/openblas-pthread:$PWD/$DEPS/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}"
# Fallback: binaries built on the development machine (make cuda-prebuilt) if this build failed.
PARITY=build/cuda/parity_cuda; MPARITY=build/cuda/parity_model; STEP=build/cuda/bench_step
if [ ! -x $PARITY ] && [ -x .deps/prebuilt/parity_cuda ]; then
    PARITY=.deps/prebuilt/parity_cuda; MPARITY=.deps/prebuilt/parity_model
    STEP=.deps/prebuilt/bench_step
    log "using the prebuilt binaries in .deps/prebuilt"
fi
# resource report of the kernels (registers, spills) for later tuning
for f in build/cuda/*.o; do cuobjdump -res-usage "$f" 2>/dev/null; done > "$OUT/res_usage.txt" 2>&1

# ---------------------------------------------------------------------------- parity
for P in $PARITY $MPARITY; do
    name=$(basename $P)
    if [ -x $P ]; then
        GD_ROOT=$PWD timeout 90 $P > "$OUT/$name.log" 2>&1
        log "$name rc=$? : $(grep -c '^ok ' "$OUT/$name.log") ok, $(grep -c '^FAIL ' "$OUT/$name.log") FAIL"
        grep -E '^(ok|FAIL) |FAIL|skipped|Error|error' "$OUT/$name.log" | head -30
    else
        log "$name: not built"
    fi
done

# The opt-in weight-gradient mode GD_CUDA_DW=fold (one GEMM over items x time for conv1d,
# train/cuda/conv1d.cu): the same parity programs once more with it (a few seconds each).
for P in $PARITY $MPARITY; do
    name=$(basename $P)
    if [ -x $P ]; then
        GD_CUDA_DW=fold GD_ROOT=$PWD timeout 60 $P > "$OUT/${name}_fold.log" 2>&1
        log "$name GD_CUDA_DW=fold rc=$? : $(grep -c '^ok ' "$OUT/${name}_fold.log") ok, $(grep -c '^FAIL ' "$OUT/${name}_fold.log") FAIL"
    fi
done

# ---------------------------------------------------------------------------- fit end to end
# gendang-train fit --device cuda on a small corpus (tiny, 300 steps, phases 1 and 2), the
# checkpoint loaded and used on the CPU; see scripts/device_fit_e2e.sh. ~10-30 s.
GT=bin/gendang-train
[ ! -x $GT ] && [ -x .deps/prebuilt/gendang-train ] && GT=.deps/prebuilt/gendang-train
if [ -x $GT ]; then
    GT=$GT timeout 100 bash scripts/device_fit_e2e.sh "$OUT/fit_e2e" > "$OUT/fit_e2e.log" 2>&1
    log "fit_e2e rc=$? : $(grep -c '^ok ' "$OUT/fit_e2e.log") ok, $(grep -c '^FAIL ' "$OUT/fit_e2e.log") FAIL"
    grep -E '^(FAIL|step 0 loss|phase-1 loss|phase-2 rows|gpu fit wall|transfer output)' "$OUT/fit_e2e.log"
    rm -rf "$OUT/fit_e2e/corpus"   # keep the run folders and logs, not the audio
else
    log "fit_e2e: bin/gendang-train not built"
fi

# ---------------------------------------------------------------------------- bench
B=$OUT/bench.jsonl
: > "$B"
cap() {   # a part's timeout, cut to what is left of the budget (0: skip it)
    local t=$1 l; l=$(left)
    [ "$l" -lt 15 ] && { echo 0; return; }
    [ "$t" -gt "$l" ] && t=$l
    echo "$t"
}
ours() {   # timeout args...
    [ -x $STEP ] || return
    local t; t=$(cap "$1")
    [ "$t" -eq 0 ] && { log "ours ${*:2}: skipped (budget)"; return; }
    timeout "$t" $STEP "${@:2}" >> "$B" 2>> "$OUT/bench_step.log"
    log "ours ${*:2}: rc=$?"
}
torchb() {  # timeout args...
    local t; t=$(cap "$1")
    [ "$t" -eq 0 ] && { log "torch ${*:2}: skipped (budget)"; return; }
    timeout "$t" "${PY:-python3}" scripts/torch_rave_bench.py "${@:2}" >> "$B" 2>> "$OUT/torch.log"
    local rc=$?
    [ $rc -ne 0 ] && echo "{\"impl\": \"torch\", \"args\": \"${*:2}\", \"failed_rc\": $rc}" >> "$B"
    log "torch ${*:2}: rc=$rc"
}
# SMOKE=1 (CPU check of this script): v2 at batch 1 x 81920 and one step.
V2=(--steps 20 --warmup 3); [ -n "${SMOKE:-}" ] && V2=(--batch 1 --n 81920 --steps 1 --warmup 1)
P2=(--phase 2 --steps 10 --warmup 2); [ -n "${SMOKE:-}" ] && P2=(--phase 2 --batch 1 --n 81920 --steps 1 --warmup 1)
ours 30 --ceilings
ours 60 train/configs/tiny.yaml --steps 50 --warmup 5
torchb 60 --config tiny --steps 50 --warmup 5
ours 120 train/configs/v2_wasserstein.yaml "${V2[@]}" --profile
torchb 120 --config v2_wasserstein "${V2[@]}"
ours 90 train/configs/v2_wasserstein.yaml --steps 10 --warmup 2 --fp32 --no-graph
GD_CUDA_DW=loop ours 60 train/configs/v2_wasserstein.yaml --steps 10 --warmup 2 --no-graph
ours 150 train/configs/v2_wasserstein.yaml "${P2[@]}" --profile   # + per-layer, discriminator too
torchb 150 --config v2_wasserstein "${P2[@]}"
GD_CUDA_DW=fold ours 90 train/configs/v2_wasserstein.yaml "${P2[@]}"
GD_CUDA_DW=fold ours 60 train/configs/v2_wasserstein.yaml --steps 10 --warmup 2
[ "$(left)" -gt 150 ] && torchb $(( $(left) - 60 )) --config v2_wasserstein "${V2[@]}" --compile
[ "$(left)" -gt 60 ] && torchb 50 --config tiny --steps 50 --warmup 5 --compile
nvidia-smi --query-gpu=name,memory.total,clocks.sm,clocks.max.sm,power.draw --format=csv >> "$OUT/env.txt" 2>&1

# ---------------------------------------------------------------------------- memcheck (if time)
for P in $MPARITY $PARITY; do
    if [ "$(left)" -gt 60 ] && [ -x $P ] && command -v compute-sanitizer >/dev/null; then
        name=$(basename $P)
        GD_ROOT=$PWD timeout $(( ($(left) - 20) / 2 + 10 )) compute-sanitizer --tool memcheck \
            --print-limit 20 $P > "$OUT/memcheck_$name.log" 2>&1
        log "memcheck $name rc=$? : $(grep -m1 'ERROR SUMMARY' "$OUT/memcheck_$name.log")"
    fi
done

# ---------------------------------------------------------------------------- summary
"${PY:-python3}" - "$B" <<'PY' | tee "$OUT/summary.md"
import json, sys
rows = []
extra, layers = [], []
for line in open(sys.argv[1]):
    try: r = json.loads(line)
    except Exception: continue
    if "layer" in r: layers.append(r)
    elif "ceilings" in r or "profile" in r: extra.append(r)
    else: rows.append(r)
print("| impl | config | mode | ms/step | steps/s | TFLOP/s | memory GiB: tensors (torch peak allocated / our model block), device in use - context (both) | loss |")
print("|---|---|---|---|---|---|---|---|")
for r in rows:
    if "skipped" in r or "failed_rc" in r:
        print(f"| {r.get('impl')} | {r.get('config', r.get('args'))} | {r.get('skipped', 'failed rc %s' % r.get('failed_rc'))} | | | | | |")
        continue
    t = r.get("peak_bytes") if r.get("peak_bytes") is not None else r.get("model_bytes")
    u = r.get("device_used_bytes") or 0
    beyond = u - r["context_bytes"] if u and r.get("context_bytes") is not None else None
    mem = ("-" if t is None else f"{t/2**30:.2f}") + " / " + ("-" if beyond is None else f"{beyond/2**30:.2f}")
    mode = r.get("mode", "") + (" tf32" if r.get("tf32") else " fp32") + (f" dw-{r['dw']}" if r.get("dw") not in (None, "batched") else "")
    print(f"| {r['impl']} | {r['config']} p{r['phase']} b{r['batch']} n{r['n']} | {mode} | {r['ms_median']} | {r['steps_per_s']} | {r['tflops']} | {mem} | {r['loss']} |")
for r in extra:
    print(json.dumps(r))
if layers:
    print("\nper layer (v2, batch as above; ms per call):\n")
    print("| layer | kind | c_in>c_out | t_in | k | GMAC | fwd ms | bwd-w ms | bwd ms | fwd TF/s | bwd TF/s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in layers:
        print(f"| {r['layer']} | {r['kind']} | {r['c_in']}>{r['c_out']} | {r['t_in']} | {r['k']} | {r['gmac']} | "
              f"{r['ms_fwd']} | {r['ms_bwd_w']} | {r['ms_bwd']} | {r['tflops_fwd']} | {r['tflops_bwd']} |")
PY
log "done in $(el)s"
