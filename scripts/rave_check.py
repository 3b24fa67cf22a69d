#!/usr/bin/env python3
"""acids-rave's side of `make test-rave` (tests/train/test_rave.sh); runs in the acids-rave venv.

  rave_check.py keys CONFIG.gin OUT.tsv
      acids-rave's state-dict keys of the model CONFIG.gin builds: "key<TAB>d0,d1,..<TAB>dtype"
      per line, after the gin text as "# " comment lines (tests/ref/rave_keys_*.tsv).
  rave_check.py forward DIR IN.wav OUT.wav
      Loads DIR/config.gin and DIR/model.ckpt into rave.RAVE (every key of the checkpoint
      must be a key of the model, and the model's keys it lacks must be derived buffers, or
      the discriminator's when the gendang model has none yet, in phase 1),
      then y = decode([encode(x); 0]) with the noise channels zero; OUT.wav is float32. x is
      zero-padded by PAD samples on both sides and y cropped back: acids-rave's non-streaming
      forward zero-pads every layer, so within a receptive field of the file's edges it
      differs from gendang's transfer, which computes as if the input went on in silence (as
      acids-rave's streaming export does); PAD beyond the receptive field makes them comparable.
  rave_check.py init CONFIG.gin SEED OUT.ckpt
      A freshly initialised acids-rave model of CONFIG.gin (torch seed SEED), every float
      parameter then scaled by 1 + N(0, 0.2) per element so that no tensor keeps the
      default weight norm (g = |v|), as a checkpoint.
  rave_check.py diff A.wav B.wav TOL
      The largest absolute sample difference of two files of equal length; exit 1 above TOL.
  rave_check.py same A.ckpt B.ckpt
      Every tensor of A's state_dict that B holds is bit-identical; prints what B lacks.
"""
import sys

import gin
import numpy as np
import soundfile as sf
import torch

import rave

# Buffers acids-rave rebuilds from its config or does not use for a Wasserstein model; a
# gendang export leaves them out (latent_pca and latent_mean it writes as RAVE's init).
DERIVED = ("pqmf.", "audio_distance.", "multiband_audio_distance.", "receptive_field",
           "fidelity", "encoder.warmed_up")


PAD = 1 << 15   # beyond v2's receptive field (27184 / 26496 samples), a multiple of its hop


def derived(k):
    return k.startswith(DERIVED)


def build(gin_path):
    gin.parse_config_file(gin_path)
    return rave.RAVE()


def keys(gin_path, out):
    m = build(gin_path)
    with open(gin_path) as f:
        text = f.read()
    with open(out, "w") as f:
        for line in text.splitlines():
            f.write(f"# {line}".rstrip() + "\n")
        for k, v in m.state_dict().items():
            f.write(f"{k}\t{','.join(map(str, v.shape))}\t{str(v.dtype).replace('torch.', '')}\n")


def forward(d, inp, out):
    m = build(f"{d}/config.gin")
    sd = torch.load(f"{d}/model.ckpt", map_location="cpu", weights_only=False)["state_dict"]
    res = m.load_state_dict(sd, strict=False)
    if res.unexpected_keys:
        sys.exit(f"unexpected keys: {res.unexpected_keys[:5]}")
    lacking = [k for k in res.missing_keys if not derived(k) and not k.startswith("discriminator.")]
    if lacking:
        sys.exit(f"keys the checkpoint lacks: {lacking[:5]} ({len(lacking)})")
    m.eval()
    x, sr = sf.read(inp, dtype="float32")
    with torch.no_grad():
        n = len(x)
        xt = torch.nn.functional.pad(torch.from_numpy(x).reshape(1, 1, -1), (PAD, PAD))
        z = m.encode(xt)
        noise = torch.zeros(1, m.encoder.noise_augmentation, z.shape[-1])
        y = m.decode(torch.cat([z, noise], 1))
    y = y.reshape(-1)[PAD:PAD + n]
    sf.write(out, y.numpy(), sr, subtype="FLOAT")
    n_d = sum(k.startswith("discriminator.") for k in res.missing_keys)
    print(f"acids-rave: {len(sd)} tensors loaded, {len(res.missing_keys) - n_d} derived buffers "
          f"rebuilt, {n_d} discriminator tensors left at their init, peak {float(y.abs().max()):.3f}")


def init(gin_path, seed, out):
    torch.manual_seed(int(seed))
    m = build(gin_path)
    sd = m.state_dict()
    for k, v in sd.items():
        if v.is_floating_point() and not derived(k) and k not in ("latent_pca", "latent_mean"):
            v.mul_(1 + 0.2 * torch.randn_like(v))
    torch.save({"state_dict": sd, "global_step": 1234}, out)


def same(a, b):
    sa = torch.load(a, map_location="cpu", weights_only=False)["state_dict"]
    sb = torch.load(b, map_location="cpu", weights_only=False)["state_dict"]
    n, lacking, bad = 0, [], []
    for k, v in sa.items():
        if k not in sb:
            lacking.append(k)
            continue
        n += 1
        if v.shape != sb[k].shape or v.dtype != sb[k].dtype or not torch.equal(v, sb[k]):
            bad.append(k)
    print(f"round trip: {n} tensors compared, {len(bad)} differ; not carried: "
          f"{len(lacking)} ({', '.join(sorted({k.split('.')[0] for k in lacking}))})")
    if bad or any(not derived(k) for k in lacking):
        sys.exit(f"differ: {bad[:5]}; lacking non-derived: {[k for k in lacking if not derived(k)][:5]}")


def diff(a, b, tol):
    x, _ = sf.read(a, dtype="float64")
    y, _ = sf.read(b, dtype="float64")
    if x.shape != y.shape:
        sys.exit(f"lengths differ: {x.shape} {y.shape}")
    d = float(np.abs(x - y).max())
    print(f"max |difference| {d:.3g} (peaks {np.abs(x).max():.3f}, {np.abs(y).max():.3f})")
    if not d <= float(tol):
        sys.exit(f"above {tol}")


if __name__ == "__main__":
    cmds = {"keys": keys, "forward": forward, "init": init, "same": same, "diff": diff}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[sys.argv[1]](*sys.argv[2:])
