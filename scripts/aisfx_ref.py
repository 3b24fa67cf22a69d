#!/usr/bin/env python3
"""The aisfx package's own embeddings, to check eval/aisfx.h against.

Needs a venv with aisfx 0.1.2 (pip install --no-deps: its pins are for Python <= 3.10),
torch (CPU), essentia and numpy. The pipeline is aisfx.inference.main's with its defaults
(Essentia spectrogram, 'original' normalisation, block hop 0.5, partial blocks dropped),
except that blocking is called directly: compute_hopSize asserts that a clip has more than
50 frames (about 1.16 s), which most drum hits do not. With torch >= 2.6 set
TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1: the package's torch.load of its own checkpoint (numpy
scalars in the pickle) predates weights_only loading.

  aisfx_ref.py embed OUT_DIR FILE...     OUT_DIR/<file stem, spaces as _>.npy, float32 (blocks, 512)
  aisfx_ref.py logmel OUT_DIR FILE...    OUT_DIR/<stem>.logmel.npy: the network's input, float32 (T, 96)
  aisfx_ref.py compare C.csv             package vs build/lab/aisfx_dump's CSV: errors
  aisfx_ref.py time FILE...              wall and CPU seconds of the package on one core (best of
                                         3; set OMP_NUM_THREADS=1), model loading excluded
  aisfx_ref.py manifest [MANIFEST]       the audio paths of data_manifest.yaml, one a line
"""
import csv
import os
import re
import sys
import time


def manifest_paths(path="data_manifest.yaml"):
    root = os.environ.get("GENDANG_ROOT_HYDROGEN_DRUMKITS")
    out = []
    for line in open(path):
        m = re.match(r'\s+hydrogen-drumkits:\s*(\S.*)$', line)
        if m and root is None:
            root = m.group(1).strip()
        m = re.match(r'\s+path:\s*"(.*)"\s*$', line)
        if m:
            out.append(os.path.join(root, m.group(1)))
    return out


def load_model():
    import torch
    torch.set_num_threads(1)
    from aisfx import inference
    weights, ds_dict = inference.load_weights("cpu")
    return inference.load_bestModel(weights, ds_dict, "cpu")


def package_logmel(path):
    from aisfx import inference, preprocessing
    from aisfx.spectrogram import spectrogram_essentia
    spec = spectrogram_essentia.compute_spectrogram(
        filename=path, sr=inference.SAMPLE_RATE, block_size=inference.SPEC_BLOCK_LENGTH,
        hop_size=inference.SPEC_HOP_LENGTH, n_mels=inference.MEL_BINS,
        f_min=inference.F_MIN, f_max=inference.F_MAX)
    return preprocessing.spectrogram_normalize(spec, spec_norm="original")


def package_embed(path, model):
    import torch
    from aisfx import inference, preprocessing
    spec = package_logmel(path)
    block = inference.EMB_BLOCK_LENGTH
    blocks = preprocessing.blocking(spec, block_size=block, hop_size=int(round(block * 0.5)),
                                    drop_partial_block=True)
    with torch.no_grad():
        return model.get_embedding(torch.Tensor(blocks)).numpy()


def read_c_csv(path):
    import numpy as np
    emb = {}
    with open(path) as f:
        r = csv.reader(f)
        next(r)
        for row in r:
            emb.setdefault(row[0], []).append([float(v) for v in row[2:]])
    return {k: np.array(v) for k, v in emb.items()}


def compare(c_csv):
    import numpy as np
    model = load_model()
    c = read_c_csv(c_csv)
    worst_clip, worst_entry, worst_name, blocks = 0.0, 0.0, "", 0
    per_clip = []
    for name, ce in c.items():
        pe = package_embed(name, model).astype(np.float64)
        if pe.shape != ce.shape:
            print(f"{name}: shape {ce.shape} here, {pe.shape} in the package")
            worst_clip = np.inf
            continue
        blocks += len(pe)
        scale = np.abs(pe).max(axis=1, keepdims=True)
        rel_clip = (np.abs(ce - pe) / scale).max()
        big = np.abs(pe) > 1e-3 * scale
        rel_entry = (np.abs(ce - pe)[big] / np.abs(pe)[big]).max()
        per_clip.append((rel_clip, rel_entry, name))
        if rel_clip > worst_clip:
            worst_clip, worst_name = rel_clip, name
        worst_entry = max(worst_entry, rel_entry)
    for rc, re_, name in sorted(per_clip)[-5:]:
        print(f"  {rc:.3g} per block, {re_:.3g} elementwise: {name}")
    print(f"{len(c)} clips, {blocks} blocks of 512")
    print(f"max |C - package| / max|package| per block: {worst_clip:.3g} ({worst_name})")
    print(f"max elementwise relative error (entries above 1e-3 of the block's max): {worst_entry:.3g}")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "manifest":
        print("\n".join(manifest_paths(*args)))
    elif cmd in ("embed", "logmel"):
        import numpy as np
        model = load_model() if cmd == "embed" else None
        os.makedirs(args[0], exist_ok=True)
        for p in args[1:]:
            stem = os.path.splitext(os.path.basename(p))[0].replace(" ", "_")
            if cmd == "embed":
                np.save(os.path.join(args[0], stem + ".npy"), package_embed(p, model).astype(np.float32))
            else:
                np.save(os.path.join(args[0], stem + ".logmel.npy"), package_logmel(p).astype(np.float32))
    elif cmd == "compare":
        compare(args[0])
    elif cmd == "time":
        model = load_model()
        best, best_cpu = None, None
        for _ in range(3):
            t0, c0 = time.perf_counter(), time.process_time()
            for p in args:
                package_embed(p, model)
            dt, dc = time.perf_counter() - t0, time.process_time() - c0
            best = dt if best is None or dt < best else best
            best_cpu = dc if best_cpu is None or dc < best_cpu else best_cpu
        print(f"{best:.4f} {best_cpu:.4f}")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
