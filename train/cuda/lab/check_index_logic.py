#!/usr/bin/python3
# check_index_logic.py: numpy replicas of the gather loops of train/cuda/{conv1d,mss,pqmf}.cu
# (same integer arithmetic) checked against scatter / dense-adjoint references. Runs on the
# CPU in ~1 min; it checks the index math, not the CUDA code itself (no GPU here).
# Usage: /usr/bin/python3 train/cuda/lab/check_index_logic.py
import numpy as np
rng = np.random.default_rng(0)

def col2im_scatter(col, C, T_in, K, s, d, pl, T_out):
    x = np.zeros((C, T_in))
    for c in range(C):
        for k in range(K):
            for t in range(T_out):
                j = t*s + k*d - pl
                if 0 <= j < T_in: x[c, j] += col[c*K+k, t]
    return x

def col2im_gather(col, C, T_in, K, s, d, pl, T_out):
    x = np.zeros((C, T_in))
    for c in range(C):
        for tj in range(T_in):
            acc = 0.0
            for k in range(K):
                num = tj + pl - k*d
                if num < 0: break
                if num % s: continue
                t = num // s
                if t < T_out: acc += col[c*K+k, t]
            x[c, tj] = acc
    return x

for (C, T_in, K, s, d, pl) in [(2, 17, 3, 1, 1, 1), (3, 61, 8, 4, 1, 3), (2, 31, 3, 1, 9, 9), (1, 1, 4, 2, 1, 1), (2, 36, 8, 4, 1, 2), (2, 18, 4, 2, 1, 1)]:
    pr = pl + 1 if K % 2 == 0 else pl
    T_out = (T_in + pl + pr - d*(K-1) - 1)//s + 1
    col = rng.standard_normal((C*K, T_out))
    a = col2im_scatter(col, C, T_in, K, s, d, pl, T_out); b = col2im_gather(col, C, T_in, K, s, d, pl, T_out)
    assert np.allclose(a, b), (C, T_in, K, s, d, pl)
print("col2im gather == scatter")

# MSS overlap-add with reflect padding
def reflect(j, n):
    if j < 0: j = -j
    if j >= n: j = 2*(n-1) - j
    return j
def ola_scatter(fr, win, n, nfft, hop, Tf):
    d = np.zeros(n)
    for t in range(Tf):
        start = t*hop - nfft//2
        for i in range(nfft): d[reflect(start+i, n)] += win[i]*fr[t, i]
    return d
def gpad(fr, win, p, Tf, nfft, hop):
    hi = (p + nfft//2)//hop
    lo_num = p + nfft//2 - nfft + 1
    lo = 0 if lo_num <= 0 else (lo_num + hop - 1)//hop
    hi = min(hi, Tf-1)
    s = 0.0
    for t in range(lo, hi+1):
        k = p - (t*hop - nfft//2)
        s += win[k]*fr[t, k]
    return s
def ola_gather(fr, win, n, nfft, hop, Tf):
    pmax = (Tf-1)*hop + nfft//2 - 1
    d = np.zeros(n)
    for j in range(n):
        s = gpad(fr, win, j, Tf, nfft, hop)
        if 1 <= j <= nfft//2: s += gpad(fr, win, -j, Tf, nfft, hop)
        q = 2*(n-1) - j
        if j <= n-2 and q <= pmax: s += gpad(fr, win, q, Tf, nfft, hop)
        d[j] = s
    return d
for (n, nfft) in [(1000, 256), (257, 512), (300, 64), (129, 256), (4099, 128), (33, 32)]:
    hop = nfft//4; Tf = 1 + n//hop
    fr = rng.standard_normal((Tf, nfft)); win = rng.standard_normal(nfft)
    assert np.allclose(ola_scatter(fr, win, n, nfft, hop, Tf), ola_gather(fr, win, n, nfft, hop, Tf)), (n, nfft)
print("mss OLA gather == scatter")

# PQMF: analysis fwd/bwd and synthesis fwd/bwd kernels vs dense operators
M, KA, KS = 16, 513, 33
ana = rng.standard_normal((M, KA)); syn = rng.standard_normal((M, M, KS))
def rh(k, n): return -1.0 if (k & 1) and not (n & 1) else 1.0
for T in [1, 3, 67]:
    N = 16*T
    A = np.zeros((M*T, N))   # analysis operator incl. reverse_half
    for k in range(M):
        for n in range(T):
            for j in range(KA):
                i = 16*n - 256 + j
                if 0 <= i < N: A[k*T+n, i] += rh(k, n)*ana[k, j]
    dy = rng.standard_normal(M*T)
    ref = A.T @ dy
    # kernel k_ana_bwd logic (per sample)
    AS = 1024; AFB = AS//M + KA//M + 2
    out = np.zeros(N)
    for i0 in range(0, N, AS):
        nlo = (i0 + 256 - 512 + 15)//M
        if i0 + 256 - 512 < 0: nlo = 0
        g = np.zeros((M, AFB))
        for k in range(M):
            for f in range(AFB):
                n = nlo + f
                g[k, f] = rh(k, n)*dy[k*T+n] if n < T else 0
        for i in range(i0, min(i0+AS, N)):
            hi = min((i + 256)//M, T-1)
            lo = 0 if i + 256 - 512 <= 0 else (i + 256 - 512 + 15)//M
            acc = 0.0
            for k in range(M):
                for n in range(lo, hi+1):
                    acc += ana[k, i + 256 - M*n]*g[k, n - nlo]
            out[i] = acc
    assert np.allclose(out, ref), T
    # synthesis: x[16n + j] = 16 sum_c sum_t syn[15-j][c][t] rh(c, n+t-16) y[c][n+t-16]
    S = np.zeros((N, M*T))
    for n in range(T):
        for j in range(M):
            m = M-1-j
            for c in range(M):
                for t in range(KS):
                    q = n + t - 16
                    if 0 <= q < T: S[16*n+j, c*T+q] += 16*syn[m, c, t]*rh(c, q)
    dx = rng.standard_normal(N)
    ref = S.T @ dx
    # k_syn_bwd logic
    SF = 128
    out = np.zeros(M*T)
    for n0 in range(0, T, SF):
        gs = np.zeros((M, SF+KS))
        for f in range(SF+KS):
            for m in range(M):
                q = n0 - 16 + f
                gs[m, f] = M*dx[q*M + (M-1-m)] if 0 <= q < T else 0
        for c in range(M):
            for f in range(SF):
                n = n0 + f
                if n >= T: break
                acc = 0.0
                for m in range(M):
                    for t in range(KS):
                        acc += syn[m, c, t]*gs[m, f + 32 - t]
                out[c*T+n] = rh(c, n)*acc
    assert np.allclose(out, ref), T
print("pqmf analysis bwd / synthesis bwd gathers == adjoints")

# conv1d with GD_CUDA_DW=fold (conv1d.cu): k_im2col with fold = n writes col (C*K, n, T_out);
# the forward is one GEMM then k_swap01 back to (n, Co, T_out); the input gradient is one GEMM
# on dout swapped to (Co, n, T_out), then k_col2im with fold = n. Against per-item references.
def im2col_k(x, n, C, T_in, K, s, d, pl, T_out, fold):
    col = np.zeros(n*C*K*T_out)
    for i in range(n*C*K*T_out):
        t = i % T_out; r = i // T_out; k = r % K; bc = r // K
        j = t*s + k*d - pl
        v = x.reshape(-1)[bc*T_in + j] if 0 <= j < T_in else 0.0
        ck = r % (C*K); b = r // (C*K)
        col[(ck*fold + b)*T_out + t if fold else i] = v
    return col
def swap01_k(src, nb, R, T):   # dst (R, nb, T) = src (nb, R, T)
    dst = np.zeros(nb*R*T)
    for i in range(nb*R*T):
        t = i % T; q = i // T; r = q % R; b = q // R
        dst[(r*nb + b)*T + t] = src[i]
    return dst
def col2im_k(col, n, C, T_in, K, s, d, pl, T_out, fold):
    x = np.zeros(n*C*T_in)
    for i in range(n*C*T_in):
        tj = i % T_in; bc = i // T_in
        base = ((bc % C)*K*fold + bc//C)*T_out if fold else bc*K*T_out
        ks = fold*T_out if fold else T_out
        acc = 0.0
        for k in range(K):
            num = tj + pl - k*d
            if num < 0: break
            if num % s: continue
            t = num // s
            if t < T_out: acc += col[base + k*ks + t]
        x[i] = acc
    return x
for (n, Ci, Co, T_in, K, s, d, pl) in [(3, 2, 4, 17, 5, 3, 1, 2), (2, 1, 3, 40, 5, 4, 1, 2), (4, 3, 2, 9, 3, 1, 2, 2)]:
    T_out = (T_in + 2*pl - d*(K-1) - 1)//s + 1
    x = rng.standard_normal((n, Ci, T_in)); w = rng.standard_normal((Co, Ci*K))
    dout = rng.standard_normal((n, Co, T_out))
    ref_y = np.stack([w @ im2col_k(x[b], 1, Ci, T_in, K, s, d, pl, T_out, 0).reshape(Ci*K, T_out) for b in range(n)])
    colf = im2col_k(x, n, Ci, T_in, K, s, d, pl, T_out, n).reshape(Ci*K, n*T_out)
    y = swap01_k((w @ colf).reshape(-1), Co, n, T_out).reshape(n, Co, T_out)
    assert np.allclose(y, ref_y), ("fold fwd", n, Ci, Co, T_in, K, s, d, pl)
    ref_dx = np.stack([col2im_k((w.T @ dout[b]).reshape(-1), 1, Ci, T_in, K, s, d, pl, T_out, 0) for b in range(n)])
    dt = swap01_k(dout.reshape(-1), n, Co, T_out).reshape(Co, n*T_out)
    dx = col2im_k((w.T @ dt).reshape(-1), n, Ci, T_in, K, s, d, pl, T_out, n).reshape(n, Ci*T_in)
    assert np.allclose(dx, ref_dx.reshape(n, -1)), ("fold din", n, Ci, Co, T_in, K, s, d, pl)
    ref_dw = sum(dout[b] @ im2col_k(x[b], 1, Ci, T_in, K, s, d, pl, T_out, 0).reshape(Ci*K, T_out).T for b in range(n))
    assert np.allclose(dt @ colf.T, ref_dw), ("fold dw", n)
print("conv1d fold: forward, input and weight gradients == per item")
