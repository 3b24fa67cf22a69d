#!/usr/bin/env bash
# bench_cuda.sh: the CUDA trainer step against the same model in PyTorch on the same
# GPU, same run: steps/s, matrix TFLOP/s, memory. Prints a Markdown section; without a GPU
# (or without the CUDA build) it says why and skips. Run from the repo root after `make`.
# BENCH_CUDA_COMPILE=1 also times torch.compile (minutes of compilation for v2).
# PY selects the Python with torch (default python3).
set -u
PY=${PY:-python3}
echo "## CUDA trainer step (gendang vs PyTorch)"
echo
step=build/cuda/bench_step
if [ ! -x $step ]; then echo "skipped: the CUDA backend is not built (no nvcc)"; exit 0; fi
probe=$($step --ceilings 2>/dev/null | head -1)
case "$probe" in *skipped*) echo "skipped: $(echo "$probe" | sed 's/.*"skipped": "\(.*\)".*/\1/')"; exit 0;; esac
echo "ceilings: $probe"
tmp=$(mktemp); trap 'rm -f "$tmp"' EXIT
for cfg in tiny v2_wasserstein; do
    timeout 300 $step train/configs/$cfg.yaml --steps 20 --warmup 3 >> "$tmp" 2>/dev/null
    timeout 300 "$PY" scripts/torch_rave_bench.py --config $cfg --steps 20 --warmup 3 >> "$tmp" 2>/dev/null
    [ -n "${BENCH_CUDA_COMPILE:-}" ] && \
        timeout 600 "$PY" scripts/torch_rave_bench.py --config $cfg --steps 20 --warmup 3 --compile >> "$tmp" 2>/dev/null
done
"$PY" - "$tmp" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
print("| impl | config | mode | ms/step | steps/s | TFLOP/s | tensors GiB | device in use - context GiB |")
print("|---|---|---|---|---|---|---|---|")
gib = lambda b: f"{b / 2**30:.2f}" if b else "-"
for r in rows:
    if "ms_median" not in r: continue
    # tensors: torch peak allocated / our model block; in use - context: the same measure
    # (cudaMemGetInfo) for both, workspaces and allocator caches included
    mem = r.get("peak_bytes") or r.get("model_bytes") or 0
    beyond = (r["device_used_bytes"] - r["context_bytes"]) if r.get("device_used_bytes") and r.get("context_bytes") is not None else 0
    print(f"| {r['impl']} | {r['config']} b{r['batch']} | {r.get('mode', '')} | {r['ms_median']} | "
          f"{r['steps_per_s']} | {r['tflops']} | {gib(mem)} | {gib(beyond)} |")
base = {r["config"]: r for r in rows if r.get("impl") == "torch-eager"}
for r in rows:
    if r.get("impl") == "gendang-cuda" and r.get("mode") == "graph" and r["config"].split(".")[0] in base:
        b = base[r["config"].split(".")[0]]
        print(f"\n{r['config']}: gendang (graph) / torch eager steps/s = {r['steps_per_s'] / b['steps_per_s']:.2f}")
PY
