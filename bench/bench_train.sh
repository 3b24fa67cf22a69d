#!/usr/bin/env bash
# bench_train.sh: RAVE v2 wasserstein training-step throughput and peak memory, gendang-train
# (C, OpenMP + OpenBLAS) against the same model and step in PyTorch (Debian python3-torch,
# bench/bench_train_torch.py), same thread count, same machine, same run. Phase 1 step
# (encoder + decoder, spectral distances, MMD, Adam) on synthetic input.
# Usage (repo root, after make): bench/bench_train.sh [THREADS]   (env: TINY_STEPS, V2_STEPS)
set -u
threads=${1:-$(nproc)}
tiny_steps=${TINY_STEPS:-30}; v2_steps=${V2_STEPS:-2}
gt=bin/gendang-train
[ -x "$gt" ] || { echo "bench_train.sh: run make first" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# Passive OpenMP waiting for both (libgomp): on a shared machine spinning idle threads starve
# the working ones, which punished whichever side happened to spin (see train/main.c).
export OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads OMP_WAIT_POLICY=passive

run() {  # name cmd... -> $tmp/name.out, $tmp/name.rss (KiB); best steps/s of 2 runs
    local name=$1; shift
    for k in 1 2; do
        /usr/bin/time -f "%M" -o "$tmp/$name.rss.$k" "$@" > "$tmp/$name.out.$k" 2> "$tmp/$name.err" ||
            { echo "bench_train.sh: $name failed:" >&2; tail -3 "$tmp/$name.err" >&2; return 1; }
    done
    local best=$(for k in 1 2; do echo "$(awk '/^steps_per_s/ {print $2}' "$tmp/$name.out.$k") $k"; done | sort -g | tail -1 | cut -d' ' -f2)
    cp "$tmp/$name.out.$best" "$tmp/$name.out"; cp "$tmp/$name.rss.$best" "$tmp/$name.rss"
}
sps() { awk '/^steps_per_s/ {print $2}' "$tmp/$1.out"; }
mib() { awk '{printf "%.0f", $1 / 1024}' "$tmp/$1.rss"; }

echo "## train: RAVE v2 wasserstein training step (CPU, $threads threads)"
echo
echo "| config | batch x samples | params | gendang steps/s | PyTorch steps/s | ratio | gendang peak MiB | PyTorch peak MiB |"
echo "|---|---|---|---|---|---|---|---|"
have_torch=1
/usr/bin/python3 -c 'import torch, yaml' 2>/dev/null || have_torch=0
for spec in "tiny 2 $tiny_steps" "v2_wasserstein 1 $v2_steps" "v2_wasserstein 2 $v2_steps"; do
    set -- $spec; cfg=$1; batch=$2; steps=$3; id=${cfg}_b$batch
    run "c_$id" "$gt" bench --config "$cfg" --batch "$batch" --steps "$steps" || continue
    n=$(awk '/^steps_per_s/ {print $8}' "$tmp/c_$id.out"); p=$(awk '/^steps_per_s/ {print $4}' "$tmp/c_$id.out")
    if [ $have_torch = 1 ] && run "t_$id" /usr/bin/python3 bench/bench_train_torch.py "train/configs/$cfg.yaml" "$batch" "$steps" "$threads"; then
        ts=$(sps "t_$id"); tm=$(mib "t_$id")
        ratio=$(awk -v a="$(sps "c_$id")" -v b="$ts" 'BEGIN {printf "%.2f", a / b}')
    else
        ts="n/a"; tm="n/a"; ratio="n/a"
    fi
    echo "| $cfg | $batch x $n | $p | $(sps "c_$id") | $ts | $ratio | $(mib "c_$id") | $tm |"
done
echo
echo "Time per step by op (gendang-train, seconds and share of the step):"
echo
echo "| op | tiny s | tiny share | v2 (batch 1) s | v2 share |"
echo "|---|---|---|---|---|"
paste <(awk -F'\t' '/^op / {sub(/^op /, "", $1); print $1 "\t" $2 "\t" $3}' "$tmp/c_tiny_b2.out" 2>/dev/null) \
      <(awk -F'\t' '/^op / {print $2 "\t" $3}' "$tmp/c_v2_wasserstein_b1.out" 2>/dev/null) |
    awk -F'\t' '{printf "| %s | %s | %.1f%% | %s | %.1f%% |\n", $1, $2, 100 * $3, $4, 100 * $5}'
