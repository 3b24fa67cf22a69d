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
  rave_check.py ts DIR IN.wav REF.wav TOL
      Loads the TorchScript DIR/<DIR's name>.ts that `rave export` wrote (torch.jit.load) and
      compares its `forward` on IN (padded by PAD as `forward` above) with REF, gendang's
      `transfer --no-noise`; exit 1 above TOL. The exported decode draws its noise channels
      with torch.randn; the check first measures that (two calls differ), then zeroes the
      noise channels' columns of the decoder's first convolution (net.0.weight[:, latent:]),
      which makes conv([z; noise]) equal conv([z; 0]) exactly, and shows two calls agree.
  rave_check.py tsstream DIR IN.wav OUT
      Runs the streaming export DIR/<name>_streaming.ts (noise columns zeroed as above) block
      by block: `encode` and `forward` on consecutive BLOCK-sample buffers, caches carrying
      state, over PAD zeros (warm-up: the caches start with what `rave export`'s own test
      calls left, noise included), IN, then PAD zeros. Writes OUT_in.wav (that input) and
      OUT_y.wav (the streamed output) for gendang's `transfer` and `align`. Reports buffers of
      one hop against BLOCK, the cold start (no warm-up), and the two phases at which the
      streaming model differs from the non-streaming one, each checked against the
      non-streaming .ts's own modules (exit 1 above 1e-5):
      encoder: the streamed latents equal the non-streaming encoder's on its PQMF bands
      delayed by D band samples (D found by search). acids-rave's EncoderV2 builds its strided
      convolutions without the cumulative delay before them, so cached_conv aligns each
      stride as if no layer came before; for D not a multiple of the stride the latents sample
      other instants, and as RAVE's PQMF analysis is not shift-equivariant in band samples,
      no delay of the input reproduces that.
      decoder: the streamed output equals the non-streaming decoder and PQMF synthesis on the
      streamed latents with the bands delayed by an odd or an even count (the better of the
      two; RAVE's synthesis turns only even band delays into audio delays).
  rave_check.py align Y.wav REF.wav SKIP TOL
      REF[SKIP:len-SKIP] (the part after the warm-up) aligned to Y[SKIP:] by least squares
      (FFT cross-correlation over lags 0..SKIP) and compared; prints the lag, the largest
      difference, the peak and the relative RMS difference; exit 1 above TOL (TOL "-": report).
  rave_check.py diff A.wav B.wav TOL
      The largest absolute sample difference of two files of equal length; exit 1 above TOL.
  rave_check.py same A.ckpt B.ckpt
      Every tensor of A's state_dict that B holds is bit-identical; prints what B lacks.
"""
import os
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
BLOCK = 2048    # the streaming buffer: nn~'s usual size, a multiple of v2's hop (2048) and tiny's


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


def load_ts(d, streaming, silent=True):
    """DIR/<name>[_streaming].ts as rave_export.sh names it; silent: noise columns zeroed."""
    name = os.path.basename(os.path.abspath(d)) + ("_streaming" if streaming else "") + ".ts"
    ts = torch.jit.load(os.path.join(d, name), map_location="cpu")
    ts.eval()
    if silent:
        w = dict(ts.decoder.named_parameters())["net.0.weight"]
        w[:, int(ts.decode_params[0]):, :] = 0   # decode_params[0]: the latent size
    return ts


def n_noise(ts):
    """The decoder's noise channels: its first convolution's inputs beyond the latent."""
    return dict(ts.decoder.named_parameters())["net.0.weight"].shape[1] - int(ts.decode_params[0])


def ts_forward(ts, x):
    """The non-streaming .ts's forward on x zero-padded by PAD, cropped back (float64)."""
    xt = torch.nn.functional.pad(torch.from_numpy(x).reshape(1, 1, -1), (PAD, PAD))
    return ts(xt).reshape(-1)[PAD:PAD + len(x)].double().numpy()


def ts_stream(ts, x, block, warm):
    """The streaming .ts over warm zeros, x, PAD zeros, in consecutive block-sized buffers."""
    n = -(-(warm + len(x) + PAD) // block) * block
    inp = np.zeros(n, np.float32)
    inp[warm:warm + len(x)] = x
    out = [ts(torch.from_numpy(inp[i:i + block]).reshape(1, 1, -1)).reshape(-1)
           for i in range(0, n, block)]
    return torch.cat(out).double().numpy()[warm:]


def best_lag(y, ref, maxlag):
    """The lag L in [0, maxlag) minimising sum (y[L + t] - ref[t])^2 (by FFT correlation)."""
    m = len(ref)
    maxlag = min(maxlag, len(y) - m + 1)
    nfft = 1 << int(np.ceil(np.log2(len(y) + m)))
    c = np.fft.irfft(np.fft.rfft(y, nfft) * np.conj(np.fft.rfft(ref, nfft)), nfft)[:maxlag]
    e = np.concatenate([[0.0], np.cumsum(y * y)])
    lags = np.arange(maxlag)
    return int(np.argmin(e[lags + m] - e[lags] - 2 * c))


def ts_check(d, inp, ref_path, tol):
    x, _ = sf.read(inp, dtype="float32")
    ref, _ = sf.read(ref_path, dtype="float64")
    with torch.no_grad():
        ts = load_ts(d, False, silent=False)
        a, b = ts_forward(ts, x), ts_forward(ts, x)
        ts = load_ts(d, False)
        y, y2 = ts_forward(ts, x), ts_forward(ts, x)
    dd = float(np.abs(y - ref).max())
    print(f".ts forward: noise drawn (two calls differ by {np.abs(a - b).max():.3g}, "
          f"{np.abs(a - ref).max():.3g} from transfer); noise columns zeroed: two calls differ by "
          f"{np.abs(y - y2).max():.3g}; max |difference| to transfer {dd:.3g} at peak "
          f"{np.abs(ref).max():.3f}")
    if not dd <= float(tol):
        sys.exit(f"above {tol}")



def ts_stream_run(d, inp, out):
    x, sr = sf.read(inp, dtype="float32")
    with torch.no_grad():
        st = load_ts(d, True)
        hop = int(st.encode_params[3])
        n = -(-(PAD + len(x) + PAD) // BLOCK) * BLOCK
        xs = np.zeros(n, np.float32)
        xs[PAD:PAD + len(x)] = x
        zs = torch.cat([st.encode(torch.from_numpy(xs[i:i + BLOCK]).reshape(1, 1, -1))
                        for i in range(0, n, BLOCK)], -1)[0]
        y = ts_stream(load_ts(d, True), xs, BLOCK, 0)
        y_hop = ts_stream(load_ts(d, True), xs, hop, 0)
        y_cold = ts_stream(load_ts(d, True), xs[PAD:], BLOCK, 0)
        # the decimation phase: which delay of the non-streaming bands gives the streamed latents
        ns = load_ts(d, False)
        bands = ns.pqmf(torch.from_numpy(xs).reshape(1, 1, -1))
        stride = hop // bands.shape[1]
        phase = []
        for k in range(stride):
            zk = ns.encoder(torch.nn.functional.pad(bands, (k, 0)))[0]
            t = min(zs.shape[1], zk.shape[1]) - 8
            errs = [float((zs[:, j:j + t] - zk[:, :t]).abs().max()) for j in range(8)]
            phase.append((min(errs), k, int(np.argmin(errs))))
        # the synthesis phase: RAVE's PQMF synthesis delays the audio by 16 D samples for an
        # even band delay D only, so a band delay is one of two cases: try both
        b = ns.decoder(torch.cat([zs, torch.zeros(n_noise(ns), zs.shape[1])])[None])
        synth = []
        for k in range(2):
            r = ns.pqmf.inverse(torch.nn.functional.pad(b, (k, 0))).reshape(-1).double().numpy()
            r = r[PAD // 2:len(r) - PAD // 2]   # past the cold start, before the end
            lag = best_lag(y[PAD // 2:], r, PAD // 2)
            synth.append((float(np.abs(y[PAD // 2 + lag:PAD // 2 + lag + len(r)] - r).max()), k, lag))
    sf.write(f"{out}_in.wav", xs, sr, subtype="FLOAT")
    sf.write(f"{out}_y.wav", y, sr, subtype="FLOAT")
    e, k, j = min(phase)
    e0 = phase[0][0]
    m = min(len(y_cold), len(y) - PAD)   # the cold run starts where the warm-up ends
    cold = np.abs(y_cold[:m] - y[PAD:PAD + m])
    print(f"streaming .ts: {n // BLOCK} buffers of {BLOCK}; {hop}-sample buffers differ by "
          f"{np.abs(y_hop - y).max():.3g}; cold start (no warm-up) differs by {cold.max():.3g} "
          f"(last above 1e-5 at sample {np.nonzero(cold > 1e-5)[0][-1] if (cold > 1e-5).any() else 0}); "
          f"streamed latents = non-streaming encoder on bands delayed by {k} of {stride} band "
          f"samples (+{j} frames): {e:.3g} (undelayed: {e0:.3g}; latent peak "
          f"{float(zs.abs().max()):.3g}); output = non-streaming decoder and PQMF on those latents "
          f"with bands delayed by {'an odd' if synth[1] < synth[0] else 'an even'} number of band "
          f"samples: {min(synth)[0]:.3g} (the other parity: {max(synth)[0]:.3g}; output peak "
          f"{np.abs(y[PAD // 2:]).max():.3g} past the cold start)")
    if not max(e, min(synth)[0], float(np.abs(y_hop - y).max())) <= 1e-5:
        sys.exit("streamed output is not the non-streaming modules' within 1e-5")


def align(y_path, ref_path, skip, tol):
    y, _ = sf.read(y_path, dtype="float64")
    ref, _ = sf.read(ref_path, dtype="float64")
    skip = int(skip)
    r = ref[skip:len(ref) - skip]
    lag = best_lag(y[skip:], r, skip)
    e = y[lag + skip:lag + skip + len(r)] - r
    dd = float(np.abs(e).max())
    print(f"latency {lag} samples; max |difference| {dd:.3g} at peak {np.abs(r).max():.3f}; "
          f"relative RMS difference {np.sqrt((e ** 2).sum() / (r ** 2).sum()):.3g}")
    if tol != "-" and not dd <= float(tol):
        sys.exit(f"above {tol}")


if __name__ == "__main__":
    cmds = {"keys": keys, "forward": forward, "init": init, "same": same, "diff": diff,
            "ts": ts_check, "tsstream": ts_stream_run, "align": align}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[sys.argv[1]](*sys.argv[2:])
