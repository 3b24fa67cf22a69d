#!/usr/bin/python3
"""bench_train_torch.py CONFIG.yaml BATCH STEPS THREADS: PyTorch peer of `gendang-train bench`.

The same RAVE v2 wasserstein model and phase-1 training step (scripts/gen_rave_ref.py, written
from docs/rave-v2.md), float32, torch.optim.Adam, on synthetic input. Prints
"steps_per_s X" after one warm-up step. Debian python3-torch 1.13.
"""
import math, os, sys, time
import numpy as np
import torch
import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
import gen_rave_ref as R  # noqa: E402

cfg_path, batch, steps, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(threads)
defaults = yaml.safe_load(open(os.path.join(os.path.dirname(cfg_path), "v2_wasserstein.yaml")))
cfg = dict(defaults)
cfg.update(yaml.safe_load(open(cfg_path)) or {})
R.configure(B=batch, N=cfg["n_signal"], CAP=cfg["capacity"], RATIOS=cfg["ratios"],
            DILS=cfg["dilations"], K=cfg["kernel_size"], LAT=cfg["latent_size"],
            NOISE=cfg["noise_channels"], MB_SCALES=cfg["multiband_scales"],
            FB_SCALES=cfg["fullband_scales"], W_MB=cfg["loss_multiband"],
            W_FB=cfg["loss_fullband"], W_MMD=cfg["loss_mmd"])
torch.manual_seed(0)
enc, dec = R.encoder(), R.decoder()
R.set_crop(enc, dec)
params = list(enc.parameters()) + list(dec.parameters())
opt = torch.optim.Adam(params, lr=cfg["lr"], betas=(cfg["beta1"], cfg["beta2"]), eps=1e-8)
N = R.N
i = torch.arange(batch * N, dtype=torch.float32)
x = (0.4 * torch.sin(0.02 * i) * torch.exp(-(i % 20000) / 8000) + 0.05 * (torch.rand(batch * N) * 2 - 1)).reshape(batch, N)
noise = torch.randn(batch, R.NOISE, R.TL)
prior = torch.randn(batch, R.LAT, R.TL)
t0 = 0
for s in range(steps + 1):
    if s == 1:
        t0 = time.perf_counter()
    opt.zero_grad()
    loss = R.forward(enc, dec, x, noise, prior)[0]
    loss.backward()
    opt.step()
dt = time.perf_counter() - t0
print(f"steps_per_s {steps / dt:.4f} params {sum(p.numel() for p in params)} batch {batch} threads {threads}")
