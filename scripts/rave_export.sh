#!/usr/bin/env bash
# rave_export.sh DIR [VENV]: acids-rave's `rave export` on a folder written by
# `gendang-train export MODEL --to rave -o DIR`: DIR/<name>.ts (for nn~ and the RAVE VST, not
# streaming) and DIR/<name>_streaming.ts (--streaming, for real-time use). VENV (default
# $GENDANG_RAVE_VENV, else /work/venvs/rave) is created when missing, from PyPI, with the pins
# acids-rave 2.3.1 needs: acids-rave==2.3.1 (which pulls torch 2.5 through nn-tilde) and
# torchaudio==2.5.0 (unpinned, pip takes a torchaudio that does not match torch 2.5).
# The same venv serves `gendang-train import --python VENV/bin/python`.
set -eu
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: rave_export.sh DIR [VENV]" >&2; exit 2; }
dir=$1
venv=${2:-${GENDANG_RAVE_VENV:-/work/venvs/rave}}
[ -f "$dir/model.ckpt" ] && [ -f "$dir/config.gin" ] || {
    echo "rave_export.sh: $dir: no model.ckpt and config.gin (run gendang-train export --to rave first)" >&2; exit 1; }
if ! "$venv/bin/python" -c "import rave, torch, torchaudio" 2>/dev/null; then
    echo "rave_export.sh: making $venv (acids-rave 2.3.1, torch 2.5; a few GB)" >&2
    python3 -m venv "$venv"
    nice -n 15 "$venv/bin/pip" install -q acids-rave==2.3.1 torchaudio==2.5.0
fi
name=$(basename "$(cd "$dir" && pwd)")
cd "$dir"
"$venv/bin/rave" export --run . --name "$name"
"$venv/bin/rave" export --run . --name "$name" --streaming   # writes NAME_streaming.ts
ls -l ./*.ts
