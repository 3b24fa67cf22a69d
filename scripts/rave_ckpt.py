#!/usr/bin/env python3
"""The PyTorch side of `gendang-train export --to rave` and `gendang-train import`.

gendang-train renames the tensors itself (train/rave_names.def); this script only moves them
between a safetensors file with acids-rave's key names and a PyTorch Lightning checkpoint,
which is a pickle that only Python can read or write. It needs torch; `unpack` also needs
acids-rave (and gin), to read the run's config.gin. scripts/rave_export.sh makes a venv with both.

  rave_ckpt.py pack IN.safetensors OUT.ckpt
      OUT.ckpt = {"state_dict": every tensor of IN, "global_step": IN's metadata "step",
      "epoch": 0, "pytorch-lightning_version": ...}: what `rave export` reads
      (checkpoint["state_dict"]). It carries no optimiser state, so acids-rave can export or
      load it but not resume its training run from it.
  rave_ckpt.py unpack IN.ckpt OUT.safetensors [--gin CONFIG.gin]
      OUT.safetensors = every float tensor of IN's state_dict (as float32), and in its
      metadata "gendang_config": the gendang config (YAML) of the run's config.gin (found
      beside IN.ckpt or one or two folders up, as `rave export` finds it) and "step".
      Refuses a model that is not v2 + wasserstein (EncoderV2 inside a WasserteinEncoder,
      GeneratorV2 with amplitude modulation and 16 PQMF bands).

Both write to a temporary name and rename. Exit 1 with one line on stderr on failure.
"""
import json
import os
import struct
import sys


def die(msg):
    print(f"rave_ckpt.py: {msg}", file=sys.stderr)
    sys.exit(1)


def read_safetensors(path):
    import torch
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        die(f"{path}: not a safetensors file")
    (hl,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + hl])
    meta = header.pop("__metadata__", {})
    base = 8 + hl
    tensors = {}
    for name, e in header.items():   # file order = data order
        if e["dtype"] != "F32":
            die(f"{path}: tensor {name} is {e['dtype']}, expected F32")
        a, b = e["data_offsets"]
        t = torch.frombuffer(bytearray(blob[base + a:base + b]), dtype=torch.float32)
        tensors[name] = t.reshape(e["shape"]).clone()
    order = sorted(header, key=lambda n: header[n]["data_offsets"][0])
    return {n: tensors[n] for n in order}, meta


def write_safetensors(path, tensors, meta):
    header, off, chunks = {"__metadata__": meta}, 0, []
    for name, t in tensors.items():
        b = t.detach().to("cpu").float().contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        off += len(b)
        chunks.append(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for c in chunks:
            f.write(c)
    os.replace(tmp, path)


def pack(src, dst):
    import collections
    import torch
    tensors, meta = read_safetensors(src)
    try:
        import pytorch_lightning
        plv = pytorch_lightning.__version__
    except ImportError:
        plv = "1.9.0"
    ckpt = {
        "state_dict": collections.OrderedDict(tensors),
        "global_step": int(meta.get("step", "0")),
        "epoch": 0,
        "pytorch-lightning_version": plv,
    }
    tmp = dst + ".tmp"
    torch.save(ckpt, tmp)
    os.replace(tmp, dst)


def find_gin(ckpt):
    d = os.path.dirname(os.path.abspath(ckpt))
    for up in ("", "..", os.path.join("..", "..")):
        p = os.path.normpath(os.path.join(d, up, "config.gin"))
        if os.path.isfile(p):
            return p
    return None


def gendang_config(gin_path):
    """The gendang YAML config of an acids-rave v2 + wasserstein run."""
    import gin
    import rave
    from gin.config import ConfigurableReference

    gin.parse_config_file(gin_path)

    def q(name, default=None):
        try:
            v = gin.query_parameter(name)
        except (ValueError, KeyError):
            return default
        while isinstance(v, ConfigurableReference) and str(v).startswith("%"):   # a macro
            v = gin.query_parameter(str(v))
        if isinstance(v, ConfigurableReference):
            return v.selector
        return v

    enc = q("RAVE.encoder")
    if enc not in ("blocks.WasserteinEncoder", "rave.blocks.WasserteinEncoder"):
        die(f"{gin_path}: encoder {enc}; gendang imports v2 + wasserstein models only")
    if q("WasserteinEncoder.encoder_cls") not in ("blocks.EncoderV2", "rave.blocks.EncoderV2"):
        die(f"{gin_path}: the Wasserstein encoder is not EncoderV2 (a v2 model)")
    if q("RAVE.decoder") not in ("blocks.GeneratorV2", "rave.blocks.GeneratorV2"):
        die(f"{gin_path}: decoder {q('RAVE.decoder')} is not GeneratorV2 (a v2 model)")
    if q("GeneratorV2.amplitude_modulation") is not True or q("GeneratorV2.noise_module"):
        die(f"{gin_path}: GeneratorV2 without amplitude modulation or with a noise module")
    if q("EncoderV2.data_size") != 16 or q("RAVE.n_channels", 1) not in (1, None):
        die(f"{gin_path}: not 16 PQMF bands of mono audio")
    periods = q("MultiPeriodDiscriminator.periods", [])
    n_scales = q("MultiScaleDiscriminator.n_discriminators", 0)
    cfg = {
        "sample_rate": q("RAVE.sampling_rate"),
        "capacity": q("EncoderV2.capacity"),
        "ratios": list(q("EncoderV2.ratios")),
        "dilations": [list(d) for d in q("EncoderV2.dilations")],
        "kernel_size": q("EncoderV2.kernel_size"),
        "latent_size": q("EncoderV2.latent_size"),
        "noise_channels": q("WasserteinEncoder.noise_augmentation", 0),
        "phase_1_duration": q("RAVE.phase_1_duration"),
        "update_discriminator_every": q("RAVE.update_discriminator_every"),
        "d_capacity": q("discriminator.ConvNet.capacity", q("ConvNet.capacity")),
        "d_layers": q("discriminator.ConvNet.n_layers", q("ConvNet.n_layers")),
        "d_periods": list(periods),
        "d_scales": n_scales,
    }
    if q("EncoderV2.n_out", 1) != 1:
        die(f"{gin_path}: EncoderV2.n_out is not 1 (not a Wasserstein latent)")
    missing = [k for k, v in cfg.items() if v is None]
    if missing:
        die(f"{gin_path}: cannot read {', '.join(missing)}")
    hop = 16
    for r in cfg["ratios"]:
        hop *= r
    # gendang's crop: the largest multiple of the hop up to acids-rave's default 131072
    n_signal = q("dataset.get_dataset.n_signal", q("N_SIGNAL", 131072)) or 131072
    cfg["n_signal"] = max(hop, n_signal // hop * hop)
    return "".join(f"{k}: {json.dumps(v)}\n" for k, v in cfg.items())


def unpack(src, dst, gin_path):
    import torch
    gin_path = gin_path or find_gin(src)
    if not gin_path:
        die(f"{src}: no config.gin beside it or one or two folders up (give --gin)")
    try:
        ckpt = torch.load(src, map_location="cpu", weights_only=False)
    except Exception as e:   # noqa: BLE001 (any unpickling failure is the same to the user)
        die(f"{src}: not a PyTorch checkpoint ({type(e).__name__}: {e})")
    sd = ckpt.get("state_dict") if isinstance(ckpt, dict) else None
    if sd is None:
        die(f"{src}: no state_dict in the checkpoint")
    yaml = gendang_config(gin_path)
    floats = {k: v for k, v in sd.items() if torch.is_tensor(v) and v.is_floating_point()}
    meta = {"gendang_config": yaml, "step": str(int(ckpt.get("global_step", 0) or 0)),
            "source": os.path.basename(src), "gin": gin_path}
    write_safetensors(dst, floats, meta)


def main(argv):
    if len(argv) >= 3 and argv[0] == "pack" and len(argv) == 3:
        pack(argv[1], argv[2])
    elif len(argv) in (3, 5) and argv[0] == "unpack":
        gin_path = None
        if len(argv) == 5:
            if argv[3] != "--gin":
                die("usage: rave_ckpt.py unpack IN.ckpt OUT.safetensors [--gin CONFIG.gin]")
            gin_path = argv[4]
        unpack(argv[1], argv[2], gin_path)
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv[1:])
