#!/usr/bin/env bash
# bench_eval.sh: speed of gendang-eval (run from the repo root after `make`).
#  - pair: the full metric suite (alignment, RAVE MSS, MR-STFT, multi-scale mel, LSD, MCD,
#    SI-SDR, loudness, onsets, attack, envelope, decay, f0) over every real hit of the default
#    data against a lightly changed copy; x real time = seconds of reference audio / wall
#    seconds, with OMP_NUM_THREADS=1 (per core) and with all cores.
#  - peer: the same two spectral metrics (RAVE MSS + MR-STFT) in PyTorch (Debian
#    python3-torch, float32, 1 thread), when available.
#  - floor: build/lab/prof_pair --floor (eval/lab/prof_pair.c), only the work the metric
#    definitions cannot skip: the magnitude spectra of the ten STFT configurations the
#    metrics read and libebur128's loudness, both signals, no metric computed. Its x real
#    time bounds what the full suite can reach on this machine with these FFTs and meter.
#  - corpus: the real hits against 1000 generated clips (links to copies), default settings.
# Prints a Markdown section.
set -u
E=bin/gendang-eval
[ -x "$E" ] || { echo "## eval"; echo; echo "(skipped: bin/gendang-eval not built)"; exit 0; }
W=bench/out/eval
kits=/usr/share/hydrogen/data/drumkits
rm -rf "$W"; mkdir -p "$W/ref" "$W/est" "$W/gen"
for kit in "circAfrique v4" "The Black Pearl 1.0"; do
    for f in "$kits/$kit"/*.wav; do
        b="$(printf '%s' "$kit" | tr -d ' .')_$(basename "$f" | tr ' ' '_')"
        cp "$f" "$W/ref/$b"
        sox "$f" "$W/est/$b" gain -1 equalizer 2500 1q -2 2>/dev/null
    done
done
n=$(ls "$W/ref" | wc -l)
dur=$(soxi -D "$W"/ref/*.wav | awk '{s += $1} END {printf "%.3f", s}')
best() {  # best wall seconds of 3 runs of "$@"
    local b=""
    for _ in 1 2 3; do
        local t0 t1
        t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N)
        b=$(awk -v a="$t0" -v c="$t1" -v b="$b" 'BEGIN { d = c - a; if (b == "" || d < b) b = d; printf "%.4f", b }')
    done
    echo "$b"
}
cpu() {  # best user+sys CPU seconds of 3 runs of "$@" (robust on a shared, loaded machine)
    local b=""
    for _ in 1 2 3; do
        local c
        /usr/bin/time -o "$W/time.txt" -f "%U %S" "$@" >/dev/null 2>&1
        c=$(tail -1 "$W/time.txt" | awk '{ printf "%.4f", $1 + $2 }')
        b=$(awk -v c="$c" -v b="$b" 'BEGIN { if (b == "" || c < b) b = c; printf "%.4f", b }')
    done
    echo "$b"
}
t1=$(OMP_NUM_THREADS=1 best "$E" pair --json "$W/ref" "$W/est")
c1=$(OMP_NUM_THREADS=1 cpu "$E" pair --json "$W/ref" "$W/est")
cores=$(nproc)
tn=$(OMP_NUM_THREADS=$cores best "$E" pair --json "$W/ref" "$W/est")
floor="(skipped: build/lab/prof_pair not built)"
if [ -x build/lab/prof_pair ]; then
    fb=""
    for _ in 1 2 3; do
        f=$(OMP_NUM_THREADS=1 build/lab/prof_pair "$W/ref" "$W/est" --floor | sed -n 's/.* = \([0-9.]*\) s .*/\1/p')
        fb=$(awk -v f="$f" -v b="$fb" 'BEGIN { if (b == "" || f < b) b = f; printf "%.4f", b }')
    done
    floor=$(awk -v d="$dur" -v t="$fb" 'BEGIN { printf "%s | %.1f", t, d / t }')
fi
peer="(skipped: no python3-torch)"
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    cat > "$W/peer.py" <<'PY'
import glob, os, sys, time
import numpy as np, torch, wave
torch.set_num_threads(1)
def load(p):
    w = wave.open(p); n = w.getnframes(); ch = w.getnchannels(); sw = w.getsampwidth()
    raw = w.readframes(n)
    if sw == 2: x = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768
    elif sw == 3:
        b = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3)
        x = (b[:, 0].astype(np.int32) | (b[:, 1].astype(np.int32) << 8) | (b[:, 2].astype(np.int8).astype(np.int32) << 16)).astype(np.float32) / 8388608
    else: raise SystemExit("unsupported width")
    return torch.from_numpy(x.reshape(-1, ch).mean(axis=1).copy())
def mag(x, n, h, w):
    return torch.stft(x, n, h, w, window=torch.hann_window(w), center=True, pad_mode="reflect", return_complex=True).abs()
def metrics(r, t):
    d = 0.0
    for s in (2048, 1024, 512, 256, 128):
        R, T = mag(r, s, s // 4, s), mag(t, s, s // 4, s)
        d += float(((R - T) ** 2).mean() / (R ** 2).mean() + (torch.log(R + 1e-7) - torch.log(T + 1e-7)).abs().mean())
    m = 0.0
    for n, h, w in ((1024, 120, 600), (2048, 240, 1200), (512, 50, 240)):
        R = mag(r, n, h, w).clamp(min=1e-4); T = mag(t, n, h, w).clamp(min=1e-4)
        m += float(torch.linalg.norm(R - T) / torch.linalg.norm(R) + (R.log() - T.log()).abs().mean())
    return d, m / 3
d = sys.argv[1]
pairs = [(load(p), load(os.path.join(d, "est", os.path.basename(p)))) for p in sorted(glob.glob(os.path.join(d, "ref", "*.wav")))]
best = None
for _ in range(3):
    t0 = time.time()
    for r, t in pairs:
        n = min(len(r), len(t)); metrics(r[:n], t[:n])
    dt = time.time() - t0
    best = dt if best is None or dt < best else best
print("%.4f" % best)
PY
    tp=$(/usr/bin/python3 "$W/peer.py" "$W" 2>/dev/null || echo "")
    [ -n "$tp" ] && peer=$(awk -v d="$dur" -v t="$tp" 'BEGIN { printf "%.4f s, %.1fx real time", t, d / t }')
fi
# corpus: the real hits against 1000 generated clips (links cycling over the changed copies)
i=0
for k in $(seq 0 999); do
    set -- "$W"/est/*.wav; shift $((k % n)); ln -s "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")" "$W/gen/g$(printf '%04d' "$k").wav"
done
tc=$(best "$E" corpus "$W/ref" "$W/gen")
tc1=$(OMP_NUM_THREADS=1 best "$E" corpus --boot 200 --splits 100 "$W/ref" "$W/gen")
echo "## eval"
echo
echo "$n real hits of the default data ($dur s of reference audio) against copies changed with sox"
echo "(-1 dB, -2 dB bell at 2.5 kHz); $(nproc) cores."
echo
echo "| case | work | wall s | x real time |"
echo "|---|---|---|---|"
awk -v d="$dur" -v t="$t1" 'BEGIN { printf "| pair, full suite, 1 thread (per core) | %s s audio | %s | %.1f |\n", d, t, d / t }'
awk -v d="$dur" -v t="$c1" 'BEGIN { printf "| pair, full suite, 1 thread, CPU time (user+sys) | %s s audio | %s CPU s | %.1f |\n", d, t, d / t }'
awk -v d="$dur" -v t="$tn" -v c="$cores" 'BEGIN { printf "| pair, full suite, %d threads | %s s audio | %s | %.1f |\n", c, d, t, d / t }'
echo "| floor: the required spectra + libebur128 loudness only, 1 thread | $dur s audio | $floor |"
echo "| peer: PyTorch, RAVE MSS + MR-STFT only, 1 thread | $dur s audio | $peer | |"
echo "| corpus, $n real vs 1000 generated, $cores threads | 1000 clips | $tc | |"
echo "| corpus, $n real vs 1000 generated, 1 thread | 1000 clips | $tc1 | |"
echo
echo "Target (docs/design.md): full pair suite >= 200x real time per core. The floor row times only"
echo "the spectra the metrics read (our STFT on FFTW) and libebur128's loudness; where it is"
echo "under 200x, the suite cannot reach 200x with these FFTs and this meter."

# Memory of one long pair (a user's transfer against its input): 10 minutes of 44.1 kHz mono
# pink noise against a 5 kHz low-pass copy, 1 thread. The decoded mono signals (4 bytes per
# sample each) are what pair must hold; everything else is streamed (README "Memory").
L="$W/long"; mkdir -p "$L"
sox -R -n -r 44100 -b 16 "$L/r.wav" synth 600 pinknoise vol 0.3 2>/dev/null &&
    sox -R "$L/r.wav" "$L/e.wav" lowpass 5000 2>/dev/null
if [ -s "$L/e.wav" ]; then
    OMP_NUM_THREADS=1 /usr/bin/time -o "$L/time.txt" -f "%M %U %S" "$E" pair --json "$L/r.wav" "$L/e.wav" >/dev/null 2>&1
    read -r rss u sy < <(tail -1 "$L/time.txt")
    echo
    echo "| case | peak RSS MiB | decoded signals MiB | RSS / signals | CPU s (user+sys) |"
    echo "|---|---|---|---|---|"
    awk -v r="$rss" -v u="$u" -v s="$sy" 'BEGIN { a = 2 * 600 * 44100 * 4 / 1048576;
        printf "| pair, 10-minute pair (44.1 kHz mono), 1 thread | %.0f | %.0f | %.2f | %.1f |\n", r / 1024, a, r / 1024 / a, u + s }'
    echo
    echo "Target: peak RSS well under 500 MB for a 10-minute pair (before streaming: 1640 MiB)."
fi

# ViSQOL v3 audio mode (visqol_mos) against visqol-python (the peer; pure Python + scipy, no
# numba) on two validation pairs of tests/eval/visqol_signals.sh (48 kHz, 8 s and 13 s), one
# thread, CPU seconds, both including reading the files: `pair --only visqol_mos` (ViSQOL
# alone) and the whole `pair` suite. The peer's venv: GD_VISQOL_VENV, else made under
# bench/out (pip install visqol-python==3.8.0).
V=$(pwd)/$W/visqol
mkdir -p "$V/R" "$V/D"
tests/eval/visqol_signals.sh "$V/sig" > "$V/pairs.txt"
for p in synth_lp3k kit_noise30; do
    set -- $(grep "^$p " "$V/pairs.txt")
    [ $# = 3 ] && { ln -sf "$2" "$V/R/$p.wav"; ln -sf "$3" "$V/D/$p.wav"; }
done
vdur=$(soxi -D "$V"/R/*.wav | awk '{s += $1} END {printf "%.3f", s}')
vc=$(OMP_NUM_THREADS=1 cpu "$E" pair --only visqol_mos --json "$V/R" "$V/D")
vf=$(OMP_NUM_THREADS=1 cpu "$E" pair --json "$V/R" "$V/D")
venv=${GD_VISQOL_VENV:-bench/out/venv-visqol}
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import visqol' 2>/dev/null; then
    python3 -m venv "$venv" >/dev/null 2>&1 && "$venv/bin/pip" install -q visqol-python==3.8.0 >/dev/null 2>&1
fi
vpeer="(skipped: visqol-python not installable)"
if "$venv/bin/python" -c 'import visqol' 2>/dev/null; then
    vp=$(OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "$venv/bin/python" - "$V" <<'PY'
import glob, os, sys, time
from visqol import VisqolApi
api = VisqolApi(); api.create(mode="audio")
t0 = time.process_time()
for p in sorted(glob.glob(os.path.join(sys.argv[1], "R", "*.wav"))):
    api.measure(p, os.path.join(sys.argv[1], "D", os.path.basename(p)))
print("%.4f" % (time.process_time() - t0))
PY
)
    [ -n "$vp" ] && vpeer=$(awk -v d="$vdur" -v t="$vp" -v c="$vc" 'BEGIN { printf "%s CPU s | %.1f | ours %.1fx faster", t, d / t, t / c }')
fi
echo
echo "ViSQOL v3 audio mode, 2 pairs at 48 kHz ($vdur s of reference audio), 1 thread, CPU seconds:"
echo
echo "| case | work | CPU s | x real time | ratio |"
echo "|---|---|---|---|---|"
awk -v d="$vdur" -v t="$vc" 'BEGIN { printf "| pair --only visqol_mos | %s s audio | %s | %.1f | |\n", d, t, d / t }'
awk -v d="$vdur" -v t="$vf" 'BEGIN { printf "| pair, full suite incl. visqol_mos | %s s audio | %s | %.1f | |\n", d, t, d / t }'
echo "| peer: visqol-python 3.8.0, ViSQOL only | $vdur s audio | $vpeer |"
echo
echo "Target: ViSQOL >= 10x the Python implementation per core."
