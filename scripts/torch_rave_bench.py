#!/usr/bin/env python3
"""torch_rave_bench.py: the gendang RAVE v2 (Wasserstein) generator training step in PyTorch,
timed, as the yardstick for the CUDA backend (train/cuda/; bench/bench_cuda.sh,
scripts/device_cuda.sh).

The same model and losses as train/model.c (docs/rave-v2.md; the layer code follows
scripts/gen_rave_ref.py, which the C parity test checks): PQMF analysis, EncoderV2, RBF MMD
against N(0, I) (weight 100), [z ; noise], GeneratorV2 with amplitude modulation, PQMF
synthesis, multiband (receptive-field cropped) and fullband multiscale spectral distances
(weights 2, 2), Adam (0.5, 0.9). Weight norm via torch.nn.utils.weight_norm (dim 0, so
per input channel for ConvTranspose1d, as in C).

Modes: eager, and with --compile the loss function wrapped in torch.compile (default mode).
TF32 is enabled for matmul and cuDNN convolutions (as our cuBLAS products). Adam uses
fused=True where available (else foreach). Inputs are generated on the device once (no
per-step host-to-device copy; the C bench uploads its batch every step).
Prints one JSON line per run: median ms/step (CUDA events or wall clock on CPU), steps/s,
matrix TFLOP/s from the same MAC count as the C bench, peak memory
(torch.cuda.max_memory_allocated), last loss.

Usage: python3 scripts/torch_rave_bench.py --config tiny|v2_wasserstein [--batch B] [--n N]
         [--steps S] [--warmup W] [--device cuda|cpu] [--compile] [--phase 1|2]
"""
import argparse, json, math, sys, time

import numpy as np
import scipy.signal
import torch
import torch.nn as nn
import torch.nn.functional as F

CONFIGS = {   # train/configs/*.yaml over the v2_wasserstein defaults
    "tiny": dict(B=2, N=8192, CAP=8, RATIOS=[4, 2], DILS=[[1, 3], [1]], K=3, LAT=8, NOISE=8,
                 MB=[128, 64, 32], FB=[1024, 512, 256, 128],
                 DCAP=8, DLAYERS=3, PERIODS=[2, 3], SCALES=2),
    "v2_wasserstein": dict(B=8, N=131072, CAP=96, RATIOS=[4, 4, 4, 2],
                           DILS=[[1, 3, 9], [1, 3, 9], [1, 3, 9], [1, 3]], K=3, LAT=16, NOISE=128,
                           MB=[2048, 1024, 512, 256, 128], FB=[2048, 1024, 512, 256, 128],
                           DCAP=96, DLAYERS=4, PERIODS=[2, 3, 5, 7, 11], SCALES=3),
}
W_MB, W_FB, W_MMD, BETAS, EPS = 2.0, 2.0, 100.0, (0.5, 0.9), 1e-8
W_ADV, W_FM, D_LR = 4.0, 400.0, 1e-4   # HEAD weights (train/configs/v2_wasserstein.yaml)


def pqmf_banks(dev):
    M, TAPS, WC, BETA = 16, 377, 0.1075195312500001, 10.06126
    h = scipy.signal.firwin(TAPS, WC, window=("kaiser", BETA), scale=False, fs=2 * np.pi)
    t = np.arange(TAPS) - (TAPS - 1) // 2
    hk = np.zeros((M, 512))
    for k in range(M):
        hk[k, 67:67 + TAPS] = 2 * h * np.cos((2 * k + 1) * np.pi / (2 * M) * t + (-1) ** k * np.pi / 4)
    ana = np.concatenate([hk, np.zeros((M, 1))], 1)[:, None, :]
    syn = np.zeros((M, M, 33))
    for m in range(M):
        for tt in range(32):
            syn[m, :, tt] = hk[:, 511 - (16 * tt + m)]
    f = lambda a: torch.tensor(a, dtype=torch.float32, device=dev)
    return f(ana), f(syn)


class Conv(nn.Module):
    def __init__(self, cin, cout, k, stride=1, dil=1, pad=None, pre=False):
        super().__init__()
        self.conv = nn.utils.weight_norm(nn.Conv1d(cin, cout, k, stride, dilation=dil, bias=False))
        p = (k - 1) * dil + 1
        self.pad = pad if pad is not None else ((p - 1) // 2, p // 2)
        self.pre = pre
        self.rf = ("conv", k, stride, dil, self.pad[0])
        self.macs = lambda B, t_out: B * cout * t_out * cin * k

    def forward(self, x):
        if self.pre:
            x = F.leaky_relu(x, 0.2)
        return self.conv(F.pad(x, self.pad))


class ConvT(nn.Module):
    def __init__(self, cin, cout, r):
        super().__init__()
        self.conv = nn.utils.weight_norm(nn.ConvTranspose1d(cin, cout, 2 * r, r, padding=r // 2, bias=False))
        self.rf = ("convt", 2 * r, r, r // 2)
        self.macs = lambda B, t_out: B * cin * (t_out // r) * cout * 2 * r

    def forward(self, x):
        return self.conv(F.leaky_relu(x, 0.2))


class Res(nn.Module):
    def __init__(self, c, k, d):
        super().__init__()
        self.conv1 = Conv(c, c, k, dil=d, pre=True)
        self.conv2 = Conv(c, c, 1, pre=True)
        self.rf = ("conv", k, 1, d, self.conv1.pad[0])
        self.macs = lambda B, t: B * t * c * c * (k + 1)

    def forward(self, x):
        return x + self.conv2(self.conv1(x))


class SubD(nn.Module):
    """One sub-discriminator (train/disc.c): d_layers WN strided convs with bias, LeakyReLU
    before all but the first, then a 1x1 conv to a score; features = every conv's output."""
    def __init__(self, cfg, k, pad, period):
        super().__init__()
        self.period = period
        C, Co, convs = 1, cfg["DCAP"], []
        for _ in range(cfg["DLAYERS"]):
            if period:
                c = nn.Conv2d(C, Co, (k, 1), (4, 1), padding=(pad, 0))
            else:
                c = nn.Conv1d(C, Co, k, 4, padding=pad)
            convs.append(nn.utils.weight_norm(c))
            C, Co = Co, 2 * Co
        self.convs = nn.ModuleList(convs)
        self.last = nn.Conv2d(C, 1, 1) if period else nn.Conv1d(C, 1, 1)

    def forward(self, x):          # x (R, N) -> list of features
        if self.period:
            p = self.period
            x = F.pad(x, (0, (-x.shape[-1]) % p))
            x = x.reshape(x.shape[0], 1, -1, p)
        else:
            x = x[:, None, :]
        feats = []
        for i, c in enumerate(self.convs):
            x = c(F.leaky_relu(x, 0.2) if i else x)
            feats.append(x)
        feats.append(self.last(F.leaky_relu(x, 0.2)))
        return feats


class Disc(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.subs = nn.ModuleList([SubD(cfg, 5, 2, p) for p in cfg["PERIODS"]] +
                                  [SubD(cfg, 15, 7, 0) for _ in range(cfg["SCALES"])])
        self.n_p = len(cfg["PERIODS"])

    def forward(self, x):          # x (2B, N): real then fake -> list of feature lists
        out, s = [], x
        for i, d in enumerate(self.subs):
            if i >= self.n_p:
                if i > self.n_p:
                    s = F.avg_pool1d(s[:, None, :], 2, 2)[:, 0]
                out.append(d(s))
            else:
                out.append(d(x))
        return out


def build(cfg):
    CAP, RATIOS, DILS, K = cfg["CAP"], cfg["RATIOS"], cfg["DILS"], cfg["K"]
    enc, C = [Conv(16, CAP, 2 * K + 1)], CAP
    for r, ds in zip(RATIOS, DILS):
        enc += [Res(C, K, d) for d in ds]
        enc.append(Conv(C, 2 * C, 2 * r, stride=r, pad=(r - 1, r), pre=True))
        C *= 2
    enc.append(Conv(C, cfg["LAT"], K, pre=True))
    dec = [Conv(cfg["LAT"] + cfg["NOISE"], C, K)]
    for r, ds in zip(RATIOS[::-1], DILS[::-1]):
        dec.append(ConvT(C, C // 2, r))
        C //= 2
        dec += [Res(C, K, d) for d in ds]
    dec.append(Conv(C, 32, 2 * K + 1, pre=True))
    return nn.Sequential(*enc), nn.Sequential(*dec)


def rf_interval(net, a, b):
    for l in list(net)[::-1]:
        if l.rf[0] == "convt":
            _, k, s, p = l.rf
            a, b = -((-(a + p - k + 1)) // s), (b + p) // s
        else:
            _, k, s, d, pl = l.rf
            a, b = a * s - pl, b * s - pl + (k - 1) * d
    return a, b


def step_macs(net, B, t_in):
    m, t = 0, t_in
    for l in net:
        if l.rf[0] == "convt":
            t = t * l.rf[2]
        elif l.rf[2] > 1:
            t = t // l.rf[2]
        m += l.macs(B, t)
    return m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="tiny", choices=sorted(CONFIGS))
    ap.add_argument("--batch", type=int, default=0)
    ap.add_argument("--n", type=int, default=0)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--compile", action="store_true")
    ap.add_argument("--phase", type=int, default=1, choices=[1, 2])
    a = ap.parse_args()
    cfg = CONFIGS[a.config]
    B, N = a.batch or cfg["B"], a.n or cfg["N"]
    dev = torch.device(a.device)
    cuda = dev.type == "cuda"
    if cuda:
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        torch.backends.cudnn.benchmark = True
        torch.cuda.init()
    # whole-device memory in use (context, caching allocator, cuDNN/cuBLAS workspaces); the
    # context's share is taken before any tensor exists, as bench_step does
    def device_used():
        free, total = torch.cuda.mem_get_info()
        return total - free
    context_bytes = device_used() if cuda else None
    torch.manual_seed(0)
    hop = 16 * int(np.prod(cfg["RATIOS"]))
    T, TL = N // 16, N // hop
    ana, syn = pqmf_banks(dev)
    enc, dec = build(cfg)
    enc, dec = enc.to(dev), dec.to(dev)
    o = 1 << 30
    lo, hi = rf_interval(dec, o // 16 - 16, o // 16 + 16)
    lo, hi = rf_interval(enc, lo, hi)
    crop_l, crop_r = (o - (lo * 16 - 256)) // 16, -(-((hi * 16 - 256 + 512) - o) // 16)
    nmb = T - crop_l - crop_r
    sign = torch.ones(1, 16, T, device=dev)
    sign[:, 1::2, ::2] = -1
    wins = {n: torch.hann_window(n, periodic=True, device=dev) for n in set(cfg["MB"] + cfg["FB"])}

    def mss(x, y, scales):
        d = 0
        for n in scales:
            X = torch.stft(x, n, n // 4, window=wins[n], center=True, pad_mode="reflect", return_complex=True).abs()
            Y = torch.stft(y, n, n // 4, window=wins[n], center=True, pad_mode="reflect", return_complex=True).abs()
            d = d + ((X - Y) ** 2).mean() / (X ** 2).mean() + (torch.log(X + 1e-7) - torch.log(Y + 1e-7)).abs().mean()
        return d

    def mmd(z, y):
        D = z.shape[1]
        p, q = z.permute(0, 2, 1).reshape(-1, D), y.permute(0, 2, 1).reshape(-1, D)
        k = lambda u, v: torch.exp(-torch.cdist(u, v).pow(2) / D ** 2)
        return k(p, p).mean() + k(q, q).mean() - 2 * k(p, q).mean()

    def loss_fn(x, noise, prior, train_encoder: bool):
        x_mb = F.conv1d(x[:, None, :], ana, stride=16, padding=256) * sign
        if train_encoder:
            z = enc(x_mb)
            reg = mmd(z, prior)
        else:
            with torch.no_grad():
                z = enc(x_mb)
            reg = torch.zeros((), device=x.device)
        h = dec(torch.cat([z, noise], 1))
        y_mb = torch.tanh(h[:, :16] * torch.sigmoid(h[:, 16:]))
        y = (F.conv1d(y_mb * sign, syn, padding=16) * 16).flip(1).permute(0, 2, 1).reshape(x.shape[0], -1)
        mb = mss(x_mb[:, :, crop_l:T - crop_r].reshape(-1, nmb), y_mb[:, :, crop_l:T - crop_r].reshape(-1, nmb), cfg["MB"])
        fb = mss(x, y, cfg["FB"])
        return W_MB * mb + W_FB * fb + W_MMD * reg

    if a.compile and not hasattr(torch, "compile"):
        print(json.dumps(dict(impl="torch-compile", torch=torch.__version__, config=a.config,
                              skipped="torch.compile not available in this torch")), flush=True)
        return
    disc = Disc(cfg).to(dev) if a.phase == 2 else None

    def decode_y(x, noise, train_decoder: bool):
        x_mb = F.conv1d(x[:, None, :], ana, stride=16, padding=256) * sign
        with torch.no_grad():
            z = enc(x_mb)
        with torch.set_grad_enabled(train_decoder):
            h = dec(torch.cat([z, noise], 1))
            y_mb = torch.tanh(h[:, :16] * torch.sigmoid(h[:, 16:]))
            y = (F.conv1d(y_mb * sign, syn, padding=16) * 16).flip(1).permute(0, 2, 1).reshape(x.shape[0], -1)
        return x_mb, y_mb, y

    def g_loss2(x, noise, prior, unused: bool):   # phase-2 generator step
        x_mb, y_mb, y = decode_y(x, noise, True)
        mb = mss(x_mb[:, :, crop_l:T - crop_r].reshape(-1, nmb), y_mb[:, :, crop_l:T - crop_r].reshape(-1, nmb), cfg["MB"])
        fb = mss(x, y, cfg["FB"])
        feats = disc(torch.cat([x, y], 0))
        Bx, adv, fm = x.shape[0], 0, 0
        for fs in feats:
            adv = adv - fs[-1][Bx:].mean()
            fm = fm + sum((f[:Bx].detach() - f[Bx:]).abs().mean() / f[:Bx].detach().abs().mean()
                          for f in fs[1:]) / (len(fs) - 1)
        fm = fm / len(feats)
        return W_MB * mb + W_FB * fb + W_ADV * adv + W_FM * fm

    def d_loss2(x, noise):
        with torch.no_grad():
            _, _, y = decode_y(x, noise, False)
        feats = disc(torch.cat([x, y], 0))
        Bx = x.shape[0]
        return sum(F.relu(1 - fs[-1][:Bx]).mean() + F.relu(1 + fs[-1][Bx:]).mean() for fs in feats)

    base = g_loss2 if a.phase == 2 else loss_fn
    fn = torch.compile(base) if a.compile else base
    dfn = (torch.compile(d_loss2) if a.compile else d_loss2) if a.phase == 2 else None
    te = a.phase == 1
    params = list(enc.parameters()) + list(dec.parameters()) if te else list(dec.parameters())
    try:
        opt = torch.optim.Adam(params, lr=1e-4, betas=BETAS, eps=EPS, fused=cuda)
        adam = "fused" if cuda else "default"
    except (TypeError, RuntimeError):
        opt = torch.optim.Adam(params, lr=1e-4, betas=BETAS, eps=EPS)
        adam = "default"
    g = torch.Generator(device="cpu").manual_seed(5)
    x = (0.3 * torch.randn(B, N, generator=g)).to(dev)
    noise = torch.randn(B, cfg["NOISE"], TL, generator=g).to(dev)
    prior = torch.randn(B, cfg["LAT"], TL, generator=g).to(dev)

    def step():
        opt.zero_grad(set_to_none=True)
        L = fn(x, noise, prior, te)
        L.backward()
        opt.step()
        return L

    if disc is not None:
        try:
            dopt = torch.optim.Adam(disc.parameters(), lr=D_LR, betas=BETAS, eps=EPS, fused=cuda)
        except (TypeError, RuntimeError):
            dopt = torch.optim.Adam(disc.parameters(), lr=D_LR, betas=BETAS, eps=EPS)

    def dstep():
        dopt.zero_grad(set_to_none=True)
        L = dfn(x, noise)
        L.backward()
        dopt.step()
        return L

    def timed(fn_, n):
        out = []
        for _ in range(n):
            if cuda:
                e0, e1 = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                e0.record()
                L = fn_()
                e1.record()
                e1.synchronize()
                out.append(e0.elapsed_time(e1))
            else:
                t1 = time.time()
                L = fn_()
                out.append(1000 * (time.time() - t1))
        out.sort()
        return out, L

    t0 = time.time()
    for _ in range(a.warmup):
        L = step()
        if disc is not None:
            dstep()
    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    warm_s = time.time() - t0
    ms, L = timed(step, a.steps)
    med = ms[len(ms) // 2]
    macs = step_macs(enc, B, T) + step_macs(dec, B, TL)
    dmacs = 0
    if disc is not None:   # same count as the C bench: every conv of every sub, 2B rows
        for i, d in enumerate(disc.subs):
            p = d.period
            rows, t = (2 * B * p, -(-N // p)) if p else (2 * B, N >> (i - disc.n_p))
            C = 1
            for c in list(d.convs) + [d.last]:
                k = c.kernel_size[0]
                s = c.stride[0]
                pad = c.padding[0]
                t = (t + 2 * pad - k) // s + 1
                dmacs += rows * c.out_channels * t * C * k
                C = c.out_channels
    flops = 6.0 * macs if te else 4.0 * macs + 6.0 * dmacs
    out = dict(impl="torch-compile" if a.compile else "torch-eager", torch=torch.__version__,
               device=torch.cuda.get_device_name() if cuda else "cpu", config=a.config, phase=a.phase,
               batch=B, n=N, tf32=int(cuda), adam=adam, ms_median=round(med, 3), ms_best=round(ms[0], 3),
               steps_per_s=round(1000.0 / med, 3), tflops=round(flops / (med * 1e-3) / 1e12, 2),
               peak_bytes=torch.cuda.max_memory_allocated() if cuda else None,
               device_used_bytes=device_used() if cuda else None, context_bytes=context_bytes,
               warmup_s=round(warm_s, 1), loss=round(float(L), 6), crop=[crop_l, crop_r],
               params=sum(p.numel() for p in list(enc.parameters()) + list(dec.parameters())))
    if disc is not None:
        out["mode"] = "G"
    print(json.dumps(out), flush=True)
    if disc is not None:
        md, Ld = timed(dstep, a.steps)
        out2 = dict(out, mode="dstep", ms_median=round(md[len(md) // 2], 3), ms_best=round(md[0], 3),
                    steps_per_s=round(1000.0 / md[len(md) // 2], 3),
                    tflops=round((6.0 * dmacs + 2.0 * macs) / (md[len(md) // 2] * 1e-3) / 1e12, 2),
                    peak_bytes=torch.cuda.max_memory_allocated() if cuda else None,
                    device_used_bytes=device_used() if cuda else None, loss=round(float(Ld), 6))
        print(json.dumps(out2), flush=True)


if __name__ == "__main__":
    main()
