#!/usr/bin/env python3
"""Converts aisfx's checkpoint.pth (from its PyPI wheel) to safetensors without torch.

Usage: aisfx_weights.py WHEEL OUT.safetensors

The wheel's aisfx/models/checkpoint.pth is torch's zip format: archive/data.pkl pickles the
tuple (state_dict, ds_dict); every tensor is a _rebuild_tensor_v2 call on a persistent
storage id whose bytes are archive/data/<id> (little-endian). A restricted unpickler turns
only the globals this file uses into inert stand-ins (anything else is refused), so no code
from the file runs. The embedding network's float32 tensors (embedding_net.*, 4.69 M
parameters; not the classifier heads, not num_batches_tracked) are written back to back in
name order, with the wheel's and the checkpoint's sha256 in __metadata__. The output is
the same bytes on every run (eval/aisfx.h records its sha256).
"""
import hashlib
import io
import json
import os
import pickle
import struct
import sys
import zipfile

MEMBER = "aisfx/models/checkpoint.pth"


class Storage:
    def __init__(self, kind, key, n):
        self.kind, self.key, self.n = kind, key, n


class Tensor:
    def __init__(self, storage, offset, shape, stride):
        self.storage, self.offset, self.shape, self.stride = storage, offset, tuple(shape), tuple(stride)


def rebuild_tensor(storage, offset, shape, stride, requires_grad=False, hooks=None, *rest):
    return Tensor(storage, offset, shape, stride)


class Inert:
    """Stand-in for numpy scalars and dtypes (ds_dict's class counts: not needed)."""
    def __init__(self, *args):
        self.args = args

    def __setstate__(self, state):
        self.state = state


class StateDict(dict):
    """OrderedDict stand-in: torch sets a _metadata attribute on it (pickle BUILD)."""


class StorageType:
    def __init__(self, name):
        self.name = name


ALLOWED = {
    ("collections", "OrderedDict"): StateDict,
    ("torch._utils", "_rebuild_tensor_v2"): rebuild_tensor,
    ("torch", "FloatStorage"): StorageType("float32"),
    ("torch", "LongStorage"): StorageType("int64"),
    ("numpy.core.multiarray", "scalar"): Inert,
    ("numpy", "dtype"): Inert,
    ("_codecs", "encode"): Inert,
}


class Restricted(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) not in ALLOWED:
            raise pickle.UnpicklingError(f"refusing global {module}.{name}")
        return ALLOWED[(module, name)]

    def persistent_load(self, pid):
        tag, kind, key, _location, n = pid
        if tag != "storage" or not isinstance(kind, StorageType):
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")
        return Storage(kind.name, key, n)


def contiguous(shape, stride):
    want = 1
    for size, st in reversed(list(zip(shape, stride))):
        if size != 1 and st != want:
            return False
        want *= size
    return True


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: aisfx_weights.py WHEEL OUT.safetensors")
    wheel, out = sys.argv[1], sys.argv[2]
    wheel_bytes = open(wheel, "rb").read()
    with zipfile.ZipFile(io.BytesIO(wheel_bytes)) as w:
        ckpt = w.read(MEMBER)
    z = zipfile.ZipFile(io.BytesIO(ckpt))
    prefix = z.namelist()[0].split("/")[0]
    state, _ds_dict = Restricted(io.BytesIO(z.read(f"{prefix}/data.pkl"))).load()
    tensors = []
    for name in sorted(state):
        t = state[name]
        if not name.startswith("embedding_net.") or t.storage.kind != "float32":
            continue
        n = 1
        for s in t.shape:
            n *= s
        if not contiguous(t.shape, t.stride) or t.offset + n > t.storage.n:
            sys.exit(f"{wheel}: tensor {name} is not a contiguous view of its storage")
        raw = z.read(f"{prefix}/data/{t.storage.key}")
        if len(raw) != 4 * t.storage.n:
            sys.exit(f"{wheel}: storage {t.storage.key} has {len(raw)} bytes, expected {4 * t.storage.n}")
        tensors.append((name, t.shape, raw[4 * t.offset:4 * (t.offset + n)]))
    header = {"__metadata__": {
        "source": "aisfx 0.1.2 (PyPI wheel), " + MEMBER + ", state_dict embedding_net.*",
        "wheel_sha256": hashlib.sha256(wheel_bytes).hexdigest(),
        "checkpoint_sha256": hashlib.sha256(ckpt).hexdigest(),
        "license": "CC-BY-4.0 (wheel LICENSE file; the wheel's metadata classifier says MIT)",
        "attribution": "A. B. Ma and A. Lerch, Representation Learning for the Automatic Indexing "
                       "of Sound Effects Libraries, ISMIR 2022",
    }}
    off = 0
    for name, shape, raw in tensors:
        header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [off, off + len(raw)]}
        off += len(raw)
    hj = json.dumps(header, separators=(",", ":")).encode()
    hj += b" " * (-len(hj) % 8)
    tmp = f"{out}.tmp.{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(hj)))
        f.write(hj)
        for _, _, raw in tensors:
            f.write(raw)
    os.replace(tmp, out)
    n_par = off // 4
    print(f"{out}: {len(tensors)} tensors, {n_par} parameters")


if __name__ == "__main__":
    main()
