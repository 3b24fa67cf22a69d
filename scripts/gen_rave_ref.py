#!/usr/bin/python3
"""gen_rave_ref.py: PyTorch reference for the C trainer's parity test (tests/train/test_parity.c).

Builds the `tiny` RAVE v2 wasserstein model of train/configs/tiny.yaml in PyTorch, written from
docs/rave-v2.md (not from RAVE's code), with torch.nn.utils.weight_norm on nn.Conv1d /
nn.ConvTranspose1d (so the per-input-channel g of transposed convs is PyTorch's own), a PQMF
whose prototype comes from scipy.signal.firwin, torch.stft spectral distances and
torch.optim.Adam. Fixed weights (torch.manual_seed(0)), input, noise and prior.
The weights and inputs are drawn in float32; every reference value is then computed in
float64 from those same float32 numbers, so the file holds the exact answer (to ~1e-12) and
the C float32 trainer is judged by its own rounding only. (torch float32 itself is ~3e-3 off
in gradients and ~0.6 % off after 10 Adam steps here: the log-magnitude term with eps 1e-7
amplifies rounding in quiet STFT bins.) The float32 torch step losses are stored too.

Writes tests/ref/rave_tiny.safetensors (own writer; no safetensors package needed):
  <param name>           initial parameters (C layer names)
  input.x (B, N), input.noise (B, 8, Tl), input.prior (B, 8, Tl)
  out.z (B, 8, Tl), out.y_mb (B, 16, T), out.y (B, N)
  loss                   [multiband, fullband, mmd, total]
  grad.<param name>      gradients of the total loss
  grad32.<param name>    the same from torch float32 (its rounding sets the test's tolerance)
  steps.loss (10)        total loss before each of 10 Adam steps (lr 1e-4) on the same batch
  steps.loss_f32 (10)    the same in torch float32 (information)
  __metadata__: crop_l, crop_r, torch version
It also writes tests/ref/rave_tiny_disc.safetensors: the tiny phase-2 discriminator (real
Conv2d for the periods) with fixed weights, real and fake input, the hinge loss and its
parameter gradients, and the adversarial + feature-matching terms with their gradient with
respect to the fake input (float64, as above).
Usage: /usr/bin/python3 scripts/gen_rave_ref.py [OUT [OUT_DISC]]   (Debian python3-torch 1.13)
"""
import json, struct, sys
import numpy as np
import scipy.signal
import torch
import torch.nn as nn
import torch.nn.functional as F


# ---- tiny config (train/configs/tiny.yaml over the v2_wasserstein defaults)
B, N, CAP, RATIOS, DILS, K = 2, 8192, 8, [4, 2], [[1, 3], [1]], 3
LAT, NOISE = 8, 8
MB_SCALES, FB_SCALES = [128, 64, 32], [1024, 512, 256, 128]
W_MB, W_FB, W_MMD = 2.0, 2.0, 100.0
LR, LR_END, P1, BETAS, EPS = 1e-3, 0.1, 2000, (0.5, 0.9), 1e-8
# The 10-step check uses lr 1e-4 (with the same linear decay): Adam's first steps move every
# weight by ~lr whatever its gradient's size, so at 1e-3 float32 rounding in tiny gradients
# makes runs drift apart by ~2 % within 10 steps (even C on 1 vs 2 threads); at 1e-4 the
# trajectories stay comparable and the check still covers Adam, bias correction and schedule.
LR_STEPS = 1e-4
HOP = 16 * int(np.prod(RATIOS))
T, TL = N // 16, N // HOP


def configure(**kw):
    """Overrides the config constants above (used by bench/bench_train_torch.py)."""
    globals().update(kw)
    g = globals()
    g["HOP"] = 16 * int(np.prod(g["RATIOS"]))
    g["T"], g["TL"] = g["N"] // 16, g["N"] // g["HOP"]

# ---- PQMF (spec section 2)
M, TAPS, WC, BETA = 16, 377, 0.1075195312500001, 10.06126
h = scipy.signal.firwin(TAPS, WC, window=("kaiser", BETA), scale=False, fs=2 * np.pi)
t = np.arange(TAPS) - (TAPS - 1) // 2
hk = np.zeros((M, 512))
for k in range(M):
    hk[k, 67:67 + TAPS] = 2 * h * np.cos((2 * k + 1) * np.pi / (2 * M) * t + (-1) ** k * np.pi / 4)
ana = torch.tensor(np.concatenate([hk, np.zeros((M, 1))], 1)[:, None, :], dtype=torch.float32)
syn = np.zeros((M, M, 33))
for m in range(M):
    for c in range(M):
        for tt in range(32):
            syn[m, c, tt] = hk[c, 511 - (16 * tt + m)]
syn = torch.tensor(syn, dtype=torch.float32)


def reverse_half(y):
    s = torch.ones_like(y)
    s[:, 1::2, ::2] = -1
    return y * s


def pqmf_analysis(x):               # (B, N) -> (B, 16, N/16)
    return reverse_half(F.conv1d(x[:, None, :], ana.to(x.dtype), stride=16, padding=256))


def pqmf_synthesis(y):              # (B, 16, T) -> (B, N)
    y = F.conv1d(reverse_half(y), syn.to(y.dtype), padding=16) * M
    y = y.flip(1)
    return y.permute(0, 2, 1).reshape(y.shape[0], -1)


# ---- layers (spec sections 3-4); "pre" = LeakyReLU(0.2) on the input first
class Conv(nn.Module):
    def __init__(self, cin, cout, k, stride=1, dil=1, pad=None, pre=False):
        super().__init__()
        self.conv = nn.utils.weight_norm(nn.Conv1d(cin, cout, k, stride, dilation=dil, bias=False))
        p = (k - 1) * dil + 1
        self.pad = pad if pad is not None else ((p - 1) // 2, p // 2)
        self.pre = pre
        self.rf = ("conv", k, stride, dil, self.pad[0])

    def forward(self, x):
        if self.pre:
            x = F.leaky_relu(x, 0.2)
        return self.conv(F.pad(x, self.pad))

    def params(self):
        return {"weight_v": self.conv.weight_v, "weight_g": self.conv.weight_g}


class ConvT(nn.Module):
    def __init__(self, cin, cout, r):
        super().__init__()
        self.conv = nn.utils.weight_norm(nn.ConvTranspose1d(cin, cout, 2 * r, r, padding=r // 2, bias=False))
        self.rf = ("convt", 2 * r, r, r // 2)

    def forward(self, x):
        return self.conv(F.leaky_relu(x, 0.2))

    def params(self):
        return {"weight_v": self.conv.weight_v, "weight_g": self.conv.weight_g}


class Res(nn.Module):
    def __init__(self, c, k, d):
        super().__init__()
        self.conv1 = Conv(c, c, k, dil=d, pre=True)
        self.conv2 = Conv(c, c, 1, pre=True)
        self.rf = ("conv", k, 1, d, self.conv1.pad[0])

    def forward(self, x):
        return x + self.conv2(self.conv1(x))

    def params(self):
        p = {"conv1." + k: v for k, v in self.conv1.params().items()}
        p.update({"conv2." + k: v for k, v in self.conv2.params().items()})
        return p


def encoder():
    L, C = [Conv(16, CAP, 2 * K + 1)], CAP
    for r, ds in zip(RATIOS, DILS):
        L += [Res(C, K, d) for d in ds]
        L.append(Conv(C, 2 * C, 2 * r, stride=r, pad=(r - 1, r), pre=True))
        C *= 2
    L.append(Conv(C, LAT, K, pre=True))
    return nn.ModuleList(L)


def decoder():
    C = CAP << len(RATIOS)
    L = [Conv(LAT + NOISE, C, K)]
    for r, ds in zip(RATIOS[::-1], DILS[::-1]):
        L.append(ConvT(C, C // 2, r))
        C //= 2
        L += [Res(C, K, d) for d in ds]
    L.append(Conv(C, 32, 2 * K + 1, pre=True))
    return nn.ModuleList(L)


def rf_interval(net, a, b):          # same analytic receptive field as train/net.c
    for l in list(net)[::-1]:
        if l.rf[0] == "convt":
            _, k, s, p = l.rf
            a, b = -((-(a + p - k + 1)) // s), (b + p) // s
        else:
            _, k, s, d, pl = l.rf
            a, b = a * s - pl, b * s - pl + (k - 1) * d
    return a, b


def set_crop(enc, dec):
    """Multiband crop (sub-band frames) from the analytic receptive field, as train/model.c."""
    global CROP_L, CROP_R
    o = 1 << 30
    lo, hi = rf_interval(dec, o // 16 - 16, o // 16 + 16)
    lo, hi = rf_interval(enc, lo, hi)
    lrf, rrf = o - (lo * 16 - 256), (hi * 16 - 256 + 512) - o
    CROP_L, CROP_R = lrf // 16, -(-rrf // 16)
    return CROP_L, CROP_R


def mss(x, y, scales):              # rows (R, n): sum over scales of lin + log
    d = 0
    for n in scales:
        w = torch.hann_window(n, periodic=True, dtype=x.dtype)
        X = torch.stft(x, n, n // 4, window=w, center=True, pad_mode="reflect", return_complex=True).abs()
        Y = torch.stft(y, n, n // 4, window=w, center=True, pad_mode="reflect", return_complex=True).abs()
        d = d + ((X - Y) ** 2).mean() / (X ** 2).mean() + (torch.log(X + 1e-7) - torch.log(Y + 1e-7)).abs().mean()
    return d


def mmd(z, y):
    D = z.shape[1]
    a, b = z.permute(0, 2, 1).reshape(-1, D), y.permute(0, 2, 1).reshape(-1, D)
    k = lambda p, q: torch.exp(-((p[:, None, :] - q[None, :, :]) ** 2).sum(-1) / D ** 2)
    return k(a, a).mean() + k(b, b).mean() - 2 * k(a, b).mean()


def forward(enc, dec, x, noise, prior):
    x_mb = pqmf_analysis(x)
    z = x_mb
    for l in enc:
        z = l(z)
    reg = mmd(z, prior)
    h = torch.cat([z, noise], 1)
    for l in dec:
        h = l(h)
    y_mb = torch.tanh(h[:, :16] * torch.sigmoid(h[:, 16:]))
    y = pqmf_synthesis(y_mb)
    sl = slice(CROP_L, T - CROP_R)
    mb = mss(x_mb[:, :, sl].reshape(-1, T - CROP_L - CROP_R), y_mb[:, :, sl].reshape(-1, T - CROP_L - CROP_R), MB_SCALES)
    fb = mss(x, y, FB_SCALES)
    total = W_MB * mb + W_FB * fb + W_MMD * reg
    return total, (mb, fb, reg), z, y_mb, y


def write_safetensors(path, tensors, meta):
    """safetensors: 8-byte LE header size, JSON header, raw little-endian F32 data."""
    hdr, blobs, off = {"__metadata__": dict(meta, torch=torch.__version__,
                                            generator="scripts/gen_rave_ref.py")}, [], 0
    for k in sorted(tensors):
        a = tensors[k].detach().contiguous().double().numpy().astype("<f4")
        hdr[k] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [off, off + a.nbytes]}
        blobs.append(a.tobytes())
        off += a.nbytes
    hj = json.dumps(hdr).encode()
    hj += b" " * (-len(hj) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hj)) + hj + b"".join(blobs))
    return 8 + len(hj) + off


# ---- phase-2 discriminator (spec 6b), tiny: capacity 8, 3 layers, periods [2, 3], 2 scales
D_CAP, D_LAYERS, D_PERIODS, D_SCALES, D_N, W_ADV, W_FM = 8, 3, [2, 3], 2, 2048, 4.0, 400.0


class DNet(nn.Module):
    """ConvNet: weight-normed strided convs with bias and LeakyReLU, then a 1x1 score conv.
    Periods use real Conv2d with kernel (5, 1) on the (B, 1, T/p, p) view."""

    def __init__(self, period):
        super().__init__()
        self.period = period
        c, co, L = 1, D_CAP, []
        for i in range(D_LAYERS):
            if period:
                conv = nn.Conv2d(c, co, (5, 1), (4, 1), padding=(2, 0))
            else:
                conv = nn.Conv1d(c, co, 15, 4, padding=7)
            L.append(nn.utils.weight_norm(conv))
            c, co = co, co * 2
        self.convs = nn.ModuleList(L)
        self.final = nn.Conv2d(c, 1, 1) if period else nn.Conv1d(c, 1, 1)

    def forward(self, x):            # x (B, N) -> list of features, the last is the score
        if self.period:
            p = self.period
            x = F.pad(x, (0, -x.shape[-1] % p))
            x = x.view(x.shape[0], 1, -1, p)
        else:
            x = x[:, None, :]
        feats = []
        for i, c in enumerate(self.convs):
            x = c(x if i == 0 else F.leaky_relu(x, 0.2))
            feats.append(x)
        feats.append(self.final(F.leaky_relu(x, 0.2)))
        return feats

    def named(self, prefix):          # C names and shapes (2-D kernels (k, 1) -> (k))
        out = {}
        for i, c in enumerate(self.convs):
            out[f"{prefix}.{i}.weight_v"] = c.weight_v
            out[f"{prefix}.{i}.weight_g"] = c.weight_g
            out[f"{prefix}.{i}.bias"] = c.bias
        out[f"{prefix}.{len(self.convs)}.weight"] = self.final.weight
        out[f"{prefix}.{len(self.convs)}.bias"] = self.final.bias
        return out


def disc_inputs(x, i_scale):
    for _ in range(i_scale):
        x = F.avg_pool1d(x[:, None, :], 2, 2)[:, 0]
    return x


def main_disc(path):
    torch.manual_seed(2)
    subs = [(f"discriminator.period{p}", DNet(p), 0) for p in D_PERIODS]
    subs += [(f"discriminator.scale{i}", DNet(0), i) for i in range(D_SCALES)]
    g = torch.Generator().manual_seed(3)
    x = 0.5 * torch.randn(2, D_N, generator=g)
    y = 0.5 * torch.randn(2, D_N, generator=g)
    P = {}
    for name, net, _ in subs:
        P.update(net.named(name))
    init = {k: v.detach().clone() for k, v in P.items()}
    for _, net, _ in subs:
        net.double()
    P = {}
    for name, net, _ in subs:
        P.update(net.named(name))
    xd, yd = x.double(), y.double().requires_grad_(True)
    # discriminator step
    loss_d = 0
    for name, net, sc in subs:
        fr, ff = net(disc_inputs(xd, sc))[-1], net(disc_inputs(yd.detach(), sc))[-1]
        loss_d = loss_d + F.relu(1 - fr).mean() + F.relu(1 + ff).mean()
    loss_d.backward()
    gd = {k: v.grad.detach().clone() for k, v in P.items()}
    # generator step
    adv, fm = 0, 0
    for name, net, sc in subs:
        fr = [f.detach() for f in net(disc_inputs(xd, sc))]
        ff = net(disc_inputs(yd, sc))
        adv = adv - ff[-1].mean()
        fm = fm + sum((a - b).abs().mean() / a.abs().mean() for a, b in zip(fr[1:], ff[1:])) / (len(ff) - 1)
    fm = fm / len(subs)
    (W_ADV * adv + W_FM * fm).backward()
    tensors = {k: (v.reshape(v.shape[:-1]) if v.dim() == 4 else v) for k, v in init.items()}
    tensors.update({"grad." + k: (v.reshape(v.shape[:-1]) if v.dim() == 4 else v) for k, v in gd.items()})
    tensors.update({"input.x": x, "input.y": y, "grad.y": yd.grad,
                    "loss": torch.tensor([loss_d.item(), adv.item(), fm.item()])})
    size = write_safetensors(path, tensors, {"w_adv": str(W_ADV), "w_fm": str(W_FM)})
    print(f"{path}: {len(tensors)} tensors, {size} bytes; D hinge {loss_d.item():.6f}, "
          f"adv {adv.item():.6f}, fm {fm.item():.6f}")


def main():
    global x, noise, prior, init
    torch.set_num_threads(1)
    torch.manual_seed(0)
    enc, dec = encoder(), decoder()
    set_crop(enc, dec)
    named = {}
    for pre, net in (("encoder", enc), ("decoder", dec)):
        for i, l in enumerate(net):
            for k, v in l.params().items():
                named[f"{pre}.{i}.{k}"] = v
    g = torch.Generator().manual_seed(1)
    tt = torch.arange(N, dtype=torch.float32)
    x = (0.4 * torch.sin(2 * np.pi * torch.tensor([[110.0], [230.0]]) * tt / 44100) * torch.exp(-(tt % 3000) / 1500)
         + 0.1 * torch.randn(B, N, generator=g))
    noise = torch.randn(B, NOISE, TL, generator=g)
    prior = torch.randn(B, LAT, TL, generator=g)
    init = {k: v.detach().clone() for k, v in named.items()}


    def named_params(enc, dec):
        out = {}
        for pre, net in (("encoder", enc), ("decoder", dec)):
            for i, l in enumerate(net):
                for k, v in l.params().items():
                    out[f"{pre}.{i}.{k}"] = v
        return out


    def run(dtype):
        e, d = encoder().to(dtype), decoder().to(dtype)
        P = named_params(e, d)
        with torch.no_grad():
            for k, v in P.items():
                v.copy_(init[k])
        xs, ns, ps = x.to(dtype), noise.to(dtype), prior.to(dtype)
        total, terms, z, y_mb, y = forward(e, d, xs, ns, ps)
        total.backward()
        grads = {k: v.grad.detach().clone() for k, v in P.items()}
        opt = torch.optim.Adam(list(P.values()), lr=LR_STEPS, betas=BETAS, eps=EPS)
        losses = []
        for s in range(10):
            for gr in opt.param_groups:
                gr["lr"] = LR_STEPS * (1 + (LR_END - 1) * min(s, P1) / P1)
            opt.zero_grad()
            L, _, _, _, _ = forward(e, d, xs, ns, ps)
            L.backward()
            opt.step()
            losses.append(L.item())
        return total, terms, z, y_mb, y, grads, losses


    _, _, _, _, _, grads32, losses32 = run(torch.float32)
    total, terms, z, y_mb, y, grads, losses = run(torch.float64)

    tensors = dict(init)
    tensors.update({"input.x": x, "input.noise": noise, "input.prior": prior, "out.z": z.detach(),
                    "out.y_mb": y_mb.detach(), "out.y": y.detach(),
                    "loss": torch.tensor([terms[0].item(), terms[1].item(), terms[2].item(), total.item()]),
                    "steps.loss": torch.tensor(losses), "steps.loss_f32": torch.tensor(losses32)})
    tensors.update({"grad." + k: v for k, v in grads.items()})
    tensors.update({"grad32." + k: v for k, v in grads32.items()})

    out = sys.argv[1] if len(sys.argv) > 1 else "tests/ref/rave_tiny.safetensors"
    size = write_safetensors(out, tensors, {"crop_l": str(CROP_L), "crop_r": str(CROP_R)})
    print(f"{out}: {len(tensors)} tensors, {size} bytes; crop {CROP_L}+{CROP_R}; "
          f"loss {total.item():.6f} (mb {terms[0].item():.6f} fb {terms[1].item():.6f} mmd {terms[2].item():.3g}); "
          f"10 Adam steps: {losses[0]:.5f} -> {losses[-1]:.5f} (float32 torch: -> {losses32[-1]:.5f})")


if __name__ == "__main__":
    main()
    main_disc(sys.argv[2] if len(sys.argv) > 2 else "tests/ref/rave_tiny_disc.safetensors")
