#!/usr/bin/python3
"""gen_eval_ref.py: oracle values for the eval stage's spectral metrics.

Writes tests/ref/eval_oracle.txt. Run with Debian's Python (numpy, scipy, torch, mir_eval
from python3-mir-eval):
    /usr/bin/python3 scripts/gen_eval_ref.py
The test signals are closed-form (sums of damped sines), defined identically in
tests/eval/test_oracle.c, so only the expected numbers are stored. STFTs come from
torch.stft (periodic Hann, centred, reflect pad, the convention of eval-metrics.md §0);
the Slaney mel filterbank and the metric formulas are written here from docs/eval-metrics.md,
in float64, independently of the C code. Regenerate only deliberately and review the diff.
"""
import math
import sys

import numpy as np
import scipy
import scipy.fft
import scipy.stats
import torch

RATE = 16000
N = 12000
RATIOS = [1.0, 1.593, 2.136, 2.295, 2.653, 2.917]


def signal(detune, amp, tau_mul, noise_amp):
    n = np.arange(N, dtype=np.float64)
    x = np.zeros(N)
    for k, r in enumerate(RATIOS):
        f = 110.0 * r * detune
        x += amp * 0.5 / (k + 1) * np.exp(-n / (RATE * 0.25 * tau_mul / (k + 1))) * \
            np.sin(2 * math.pi * f * n / RATE + 0.3 * k)
    for j in range(30):
        f = 500.0 + 237.1 * j
        x += noise_amp * np.exp(-n / (RATE * 0.05)) * np.sin(2 * math.pi * f * n / RATE + 1.7 * j)
    return x.astype(np.float32).astype(np.float64)


def stft_pow(x, n_fft, hop, win, pad="reflect"):
    """(F, T) power spectrogram via torch.stft."""
    t = torch.from_numpy(x)
    if pad == "constant":  # librosa >= 0.10 convention: zero padding
        t = torch.nn.functional.pad(t, (n_fft // 2, n_fft // 2))
        center = False
    else:
        center = True
    X = torch.stft(t, n_fft, hop_length=hop, win_length=win,
                   window=torch.hann_window(win, dtype=torch.float64), center=center,
                   pad_mode="reflect", normalized=False, return_complex=True)
    return (X.real ** 2 + X.imag ** 2).numpy()


def hz_to_mel(f):
    f = np.asarray(f, dtype=np.float64)
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, math.log(6.4) / 27.0
    return np.where(f >= min_log_hz, min_log_mel + np.log(np.maximum(f, 1e-30) / min_log_hz) / logstep, f / f_sp)


def mel_to_hz(m):
    m = np.asarray(m, dtype=np.float64)
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, math.log(6.4) / 27.0
    return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), f_sp * m)


def mel_bank(sr, n_fft, n_mels, fmin=0.0, fmax=None):
    """librosa.filters.mel(htk=False, norm='slaney') from its documented definition."""
    fmax = sr / 2 if fmax is None else fmax
    fft_f = np.linspace(0, sr / 2, 1 + n_fft // 2)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_f[None, :]
    w = np.zeros((n_mels, len(fft_f)))
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        w[i] = np.maximum(0, np.minimum(lower, upper))
    w *= (2.0 / (mel_f[2:n_mels + 2] - mel_f[:n_mels]))[:, None]
    return w


def rave_mss(r, t, f32=False):
    """f32: magnitudes from a float32 torch.stft, as RAVE computes them. The eps of 1e-7
    sits below float32 rounding noise in bins ~130 dB under a frame's peak, so the float32
    and float64 values differ for signals with that much dynamic range."""
    total = 0.0
    for s in [2048, 1024, 512, 256, 128]:
        if f32:
            def mag(x):
                X = torch.stft(torch.from_numpy(x.astype(np.float32)), s, s // 4, s,
                               window=torch.hann_window(s), center=True, pad_mode="reflect",
                               return_complex=True)
                return X.abs().numpy().astype(np.float64)
            R, T = mag(r), mag(t)
        else:
            R = np.sqrt(stft_pow(r, s, s // 4, s))
            T = np.sqrt(stft_pow(t, s, s // 4, s))
        total += np.mean((R - T) ** 2) / np.mean(R ** 2) + np.mean(np.abs(np.log(R + 1e-7) - np.log(T + 1e-7)))
    return total


def mrstft(r, t):
    sc = lm = 0.0
    for n_fft, hop, win in [(1024, 120, 600), (2048, 240, 1200), (512, 50, 240)]:
        R = np.sqrt(np.maximum(stft_pow(r, n_fft, hop, win), 1e-8))
        T = np.sqrt(np.maximum(stft_pow(t, n_fft, hop, win), 1e-8))
        sc += np.linalg.norm(R - T) / np.linalg.norm(R)
        lm += np.mean(np.abs(np.log(R) - np.log(T)))
    return (sc + lm) / 3, sc / 3, lm / 3


def mel_l1(r, t, sr):
    total = 0.0
    for w, m in zip([32, 64, 128, 256, 512, 1024, 2048], [5, 10, 20, 40, 80, 160, 320]):
        fb = mel_bank(sr, w, m)
        R = fb @ np.sqrt(stft_pow(r, w, w // 4, w))
        T = fb @ np.sqrt(stft_pow(t, w, w // 4, w))
        total += np.mean(np.abs(np.log10(np.maximum(R, 1e-5)) - np.log10(np.maximum(T, 1e-5))))
    return total


def lsd(r, t):
    Pr, Pt = stft_pow(r, 2048, 512, 2048), stft_pow(t, 2048, 512, 2048)
    fl = Pr.max() * 1e-8
    d = 10 * np.log10(np.maximum(Pr, fl)) - 10 * np.log10(np.maximum(Pt, fl))
    per = np.sqrt(np.mean(d ** 2, axis=0))
    e = Pr.sum(axis=0)
    act = e >= e.max() * 1e-6
    return per.mean(), per[act].mean()


def mcd(r, t, sr):
    fb = mel_bank(sr, 2048, 128)
    out = []
    for x in (r, t):
        M = fb @ stft_pow(x, 2048, 512, 2048)
        M = np.log(np.maximum(M, M.max() * 1e-8))
        out.append(scipy.fft.dct(M, type=2, norm="ortho", axis=0)[1:14])
    d = out[0] - out[1]
    return np.mean(10 / math.log(10) * np.sqrt(2 * np.sum(d ** 2, axis=0)))


def si_sdr(r, t):
    r = r - r.mean()
    t = t - t.mean()
    a = np.dot(t, r) / np.dot(r, r)
    e = t - a * r
    return 10 * math.log10(np.sum((a * r) ** 2) / np.sum(e ** 2))


def descriptors(x, sr):
    """librosa-convention centroid / roll-off (0.85) on magnitude, flatness on power
    (amin 1e-10), n_fft 2048, hop 512, zero padding; energy-weighted means over frames."""
    P = stft_pow(x, 2048, 512, 2048, pad="constant")
    S = np.sqrt(P)
    f = np.linspace(0, sr / 2, P.shape[0])
    e = P.sum(axis=0)
    w = e / e.sum()
    cen = (f[:, None] * S).sum(axis=0) / np.maximum(S.sum(axis=0), 1e-30)
    cs = np.cumsum(S, axis=0)
    roll = np.array([f[np.argmax(cs[:, j] >= 0.85 * cs[-1, j])] for j in range(S.shape[1])])
    Pf = np.maximum(P, 1e-10)
    flat = np.exp(np.mean(np.log(Pf), axis=0)) / np.mean(Pf, axis=0)
    return float((cen * w).sum()), float((flat * w).sum()), float((roll * w).sum())


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/ref/eval_oracle.txt"
    r = signal(1.0, 1.0, 1.0, 0.01)
    t = signal(1.01, 0.8, 2.0, 0.02)
    vals = {}
    vals["rave_mss"] = rave_mss(r, t)
    vals["rave_mss_f32"] = rave_mss(r, t, f32=True)
    vals["mrstft"], vals["mrstft_sc"], vals["mrstft_logmag"] = mrstft(r, t)
    vals["mel_l1"] = mel_l1(r, t, RATE)
    vals["lsd_db"], vals["lsd_db_active"] = lsd(r, t)
    vals["mcd_db"] = mcd(r, t, RATE)
    vals["si_sdr_db"] = si_sdr(r, t)
    c, fl, ro = descriptors(r, RATE)
    vals["desc_centroid_hz"], vals["desc_flatness"], vals["desc_rolloff_hz"] = c, fl, ro
    fb = mel_bank(44100, 2048, 128)
    # exact two-sided sign-flip test (scipy.stats.permutation_test, all 2^10 patterns)
    d10 = np.array([0.3, -0.1, 0.5, 0.2, -0.4, 0.6, 0.1, 0.25, -0.05, 0.45])
    res = scipy.stats.permutation_test((d10,), np.mean, permutation_type="samples",
                                       n_resamples=np.inf, alternative="two-sided")
    vals["signflip_d10_p"] = res.pvalue
    # exact Wilcoxon signed-rank test (no ties, so scipy uses the exact distribution)
    w10 = np.array([0.3, -0.15, 0.5, 0.2, -0.4, 0.6, 0.1, 0.25, -0.05, 0.45])
    vals["wilcoxon_w10_p"] = scipy.stats.wilcoxon(w10, mode="exact").pvalue
    # onset F-measure regression cases against mir_eval (Debian python3-mir-eval): random
    # onset lists with clusters closer than the window, so the matching must be maximal
    import mir_eval
    rng = np.random.default_rng(12345)
    onset_cases = []
    for c in range(8):
        n_r, n_e = int(rng.integers(3, 30)), int(rng.integers(0, 30))
        ref_on = np.sort(rng.uniform(0, 3, n_r))
        jit = rng.normal(0, 0.03, n_r)
        est_on = np.sort(np.concatenate([ref_on + jit, rng.uniform(0, 3, max(n_e - n_r, 0))])[:max(n_e, 1)])
        ref_on, est_on = np.round(ref_on, 6), np.round(est_on, 6)
        f50 = mir_eval.onset.f_measure(ref_on, est_on, window=0.05)[0]
        f20 = mir_eval.onset.f_measure(ref_on, est_on, window=0.02)[0]
        onset_cases.append((ref_on, est_on, f50, f20))
    with open(out, "w") as f:
        f.write("# gendang eval oracle v1: scripts/gen_eval_ref.py (numpy %s, scipy %s, torch %s)\n"
                % (np.__version__, scipy.__version__, torch.__version__))
        f.write("# signals: closed form, see tests/eval/test_oracle.c; rate %d, n %d\n" % (RATE, N))
        for k, v in vals.items():
            f.write("%s %.12g\n" % (k, v))
        # raw STFT power, auraloss resolution (512, 50, 240): frames 0 (reflect edge) and 7
        P = stft_pow(r, 512, 50, 240)
        for fr in (0, 7):
            f.write("stft512_50_240_frame%d %s\n" % (fr, " ".join("%.9g" % v for v in P[:, fr])))
        for c, (ro, eo, f50, f20) in enumerate(onset_cases):
            f.write("onset%d_ref %s\n" % (c, " ".join("%.6f" % v for v in ro)))
            f.write("onset%d_est %s\n" % (c, " ".join("%.6f" % v for v in eo)))
            f.write("onset%d_f %.12g %.12g\n" % (c, f50, f20))
        # Slaney mel bank at 44.1 kHz, n_fft 2048, 128 bands: first nonzero bin and row sum
        starts = [int(np.nonzero(row)[0][0]) if row.any() else -1 for row in fb]
        f.write("mel44100_2048_128_start %s\n" % " ".join(str(s) for s in starts))
        f.write("mel44100_2048_128_sum %s\n" % " ".join("%.9g" % s for s in fb.sum(axis=1)))
    print("wrote", out)
    # .npy embeddings for tests/eval/test_corpus_cli.sh: clips p0..p9, two frames of 3 dims;
    # the generated set is shifted by +1 in dim 0 (so FD = 1), stored as float64 to cover both.
    import os
    base = os.path.join(os.path.dirname(out), "eval_npy")
    for sub in ("ref", "gen"):
        os.makedirs(os.path.join(base, sub), exist_ok=True)
    for i in range(10):
        e = np.array([[i, i / 10, 1], [i + 1, (9 - i) / 10, 0]], dtype=np.float64)
        np.save(os.path.join(base, "ref", "p%d.npy" % i), e.astype(np.float32))
        e[:, 0] += 1
        np.save(os.path.join(base, "gen", "p%d.npy" % i), e)
    np.save(os.path.join(base, "vec.npy"), np.arange(5, dtype=np.float32) * 0.5)


if __name__ == "__main__":
    main()
