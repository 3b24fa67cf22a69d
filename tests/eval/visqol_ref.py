#!/usr/bin/env python3
"""visqol_ref.py OUT.csv: ViSQOL v3 audio-mode MOS of the validation pairs by visqol-python
(a line-by-line port of Google's C++ ViSQOL, conformance-tested against it; identical pair
4.732101 as in C++), the reference tests/eval/test_visqol_ref.sh checks gendang-eval against.

    python3 -m venv /work/venvs/visqol && /work/venvs/visqol/bin/pip install visqol-python==3.8.0
    /work/venvs/visqol/bin/python tests/eval/visqol_ref.py tests/eval/visqol_ref.csv

Signals: tests/eval/visqol_signals.sh (48 kHz mono, repeatable), written to a temporary folder.
"""
import os
import subprocess
import sys
import tempfile

from visqol import VisqolApi


def main():
    out = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    with tempfile.TemporaryDirectory() as d:
        lines = subprocess.run([os.path.join(here, "visqol_signals.sh"), d], check=True,
                               capture_output=True, text=True).stdout.split("\n")
        api = VisqolApi()
        api.create(mode="audio")
        rows = []
        for ln in lines:
            if not ln.strip():
                continue
            name, ref, est = ln.split()
            r = api.measure(ref, est)
            rows.append((name, r.moslqo, r.vnsim))
            print(f"{name} {r.moslqo:.6f}", file=sys.stderr, flush=True)
    with open(out, "w") as f:
        f.write("pair,visqol_mos,vnsim\n")
        for name, mos, vnsim in rows:
            f.write(f"{name},{mos:.9f},{vnsim:.9f}\n")


if __name__ == "__main__":
    main()
