// pqmf.cu: CUDA twins of pqmf.h. Each direction is one direct kernel with the filter bank in
// shared memory (no im2col): analysis (513 taps, stride 16, pad 256, reverse_half) and the
// fused synthesis (reverse_half, 16x16x33 polyphase conv, x16, channel flip, interleave), and
// their adjoints as gathers (deterministic, no atomics). The filters come from a device copy
// of the rv_pqmf struct. Shared memory per block stays under 48 KB.
#include "train/cuda/common.cuh"

#define M 16
#define KA 513
#define KS 33
#define NT 256

__device__ static inline float rh_sign(int band, long n) {
    return ((band & 1) && !(n & 1)) ? -1.f : 1.f;
}

// ---------------------------------------------------------------------------- analysis
#define AF 64   // frames per block
__global__ void k_ana_fwd(float *y, const float *x, const float *ana, long N, long T) {
    __shared__ float h[M * KA];
    __shared__ float xs[AF * M + KA];
    int b = blockIdx.y;
    long n0 = (long)blockIdx.x * AF;
    const float *xb = x + (long)b * N;
    for (int i = threadIdx.x; i < M * KA; i += NT) h[i] = ana[i];
    long base = n0 * M - 256;
    for (int i = threadIdx.x; i < AF * M + KA; i += NT) {
        long j = base + i;
        xs[i] = (j >= 0 && j < N) ? xb[j] : 0.f;
    }
    __syncthreads();
    int k = threadIdx.x % M;
    for (int f = threadIdx.x / M; f < AF; f += NT / M) {
        long n = n0 + f;
        if (n >= T) break;
        const float *hk = h + k * KA, *xf = xs + f * M;
        float acc = 0.f;
        for (int j = 0; j < KA; j++) acc += hk[j] * xf[j];
        y[((long)b * M + k) * T + n] = rh_sign(k, n) * acc;
    }
}

#define AS 1024  // samples per block (backward)
#define AFB (AS / M + KA / M + 2)
__global__ void k_ana_bwd(float *dx, const float *dy, const float *ana, long N, long T) {
    __shared__ float h[M * KA];
    __shared__ float g[M * AFB];
    int b = blockIdx.y;
    long i0 = (long)blockIdx.x * AS;
    // frames n with j = i + 256 - 16 n in [0, 512] for some i in [i0, i0 + AS)
    long nlo = (i0 + 256 - 512 + 15) / M;  // ceil for the non-negative case
    if (i0 + 256 - 512 < 0) nlo = 0;
    for (int i = threadIdx.x; i < M * KA; i += NT) h[i] = ana[i];
    for (int i = threadIdx.x; i < M * AFB; i += NT) {
        int k = i / AFB, f = i % AFB;
        long n = nlo + f;
        g[i] = n < T ? rh_sign(k, n) * dy[((long)b * M + k) * T + n] : 0.f;
    }
    __syncthreads();
    for (int s = threadIdx.x; s < AS; s += NT) {
        long i = i0 + s;
        if (i >= N) break;
        // n in [ceil((i + 256 - 512)/16), floor((i + 256)/16)]
        long hi = (i + 256) / M, lo = i + 256 - 512 <= 0 ? 0 : (i + 256 - 512 + 15) / M;
        if (hi > T - 1) hi = T - 1;
        float acc = 0.f;
        for (int k = 0; k < M; k++)
            for (long n = lo; n <= hi; n++)
                acc += h[k * KA + (int)(i + 256 - M * n)] * g[k * AFB + (int)(n - nlo)];
        dx[(long)b * N + i] += acc;
    }
}

// ---------------------------------------------------------------------------- synthesis
#define SF 128  // frames per block
// t1[c][n] = rh(y)[c][n]; x[b][16 n + j] = 16 sum_c sum_t syn[15-j][c][t] t1[c][n + t - 16]
__global__ void k_syn_fwd(float *x, const float *y, const float *syn, long N, long T) {
    __shared__ float w[M * KS * M];          // [c][t][m]
    __shared__ float ys[M * (SF + KS)];      // [c][f], frame n0 - 16 + f
    int b = blockIdx.y;
    long n0 = (long)blockIdx.x * SF;
    for (int i = threadIdx.x; i < M * M * KS; i += NT) {
        int m = i / (M * KS), c = (i / KS) % M, t = i % KS;    // syn is [m][c][t]
        w[(c * KS + t) * M + m] = syn[i];
    }
    for (int i = threadIdx.x; i < M * (SF + KS); i += NT) {
        int c = i / (SF + KS), f = i % (SF + KS);
        long n = n0 - 16 + f;
        ys[i] = (n >= 0 && n < T) ? rh_sign(c, n) * y[((long)b * M + c) * T + n] : 0.f;
    }
    __syncthreads();
    int j = threadIdx.x % M, m = M - 1 - j;
    for (int f = threadIdx.x / M; f < SF; f += NT / M) {
        long n = n0 + f;
        if (n >= T) break;
        float acc = 0.f;
        for (int c = 0; c < M; c++) {
            const float *yc = ys + c * (SF + KS) + f, *wc = w + c * KS * M + m;
            for (int t = 0; t < KS; t++) acc += wc[t * M] * yc[t];
        }
        x[(long)b * N + n * M + j] = M * acc;
    }
}

// dy[c][n] += rh_sign(c, n) sum_m sum_t syn[m][c][t] g[m][n - t + 16],
// g[m][q] = 16 dx[b][16 q + 15 - m] for q in [0, T).
__global__ void k_syn_bwd(float *dy, const float *dx, const float *syn, long N, long T) {
    __shared__ float w[M * KS * M];          // [m][t][c]
    __shared__ float gs[M * (SF + KS)];      // [m][f], frame n0 - 16 + f
    int b = blockIdx.y;
    long n0 = (long)blockIdx.x * SF;
    for (int i = threadIdx.x; i < M * M * KS; i += NT) {
        int m = i / (M * KS), c = (i / KS) % M, t = i % KS;
        w[(m * KS + t) * M + c] = syn[i];
    }
    for (int i = threadIdx.x; i < M * (SF + KS); i += NT) {
        int f = i / M, m = i % M;             // coalesced read of dx
        long q = n0 - 16 + f;
        if (f < SF + KS)
            gs[m * (SF + KS) + f] = (q >= 0 && q < T) ? M * dx[(long)b * N + q * M + (M - 1 - m)]
                                                      : 0.f;
    }
    __syncthreads();
    int c = threadIdx.x % M;
    for (int f = threadIdx.x / M; f < SF; f += NT / M) {
        long n = n0 + f;
        if (n >= T) break;
        float acc = 0.f;
        for (int m = 0; m < M; m++) {
            const float *gm = gs + m * (SF + KS) + f + 32, *wm = w + m * KS * M + c;
            for (int t = 0; t < KS; t++) acc += wm[t * M] * gm[-t];
        }
        dy[((long)b * M + c) * T + n] += rh_sign(c, n) * acc;
    }
}

__global__ void k_reverse_half(float *y, long T, long n_odd) {
    for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < n_odd;
         i += (long)gridDim.x * blockDim.x) {
        long half = (T + 1) / 2, row = i / half, t = 2 * (i % half);   // row over (b, odd band)
        long b = row / (M / 2), k = 2 * (row % (M / 2)) + 1;
        y[(b * M + k) * T + t] = -y[(b * M + k) * T + t];
    }
}

// ---------------------------------------------------------------------------- public twins
extern "C" void rv_pqmf_analysis_fwd_cuda(float *y, const float *x, const rv_pqmf *p, int B,
                                          long N, float *scratch) {
    (void)scratch;
    long T = N / M;
    dim3 grid((unsigned)((T + AF - 1) / AF), B);
    k_ana_fwd<<<grid, NT, 0, rv_cu_stream()>>>(y, x, p->ana, N, T);
    GD_LAUNCH_CHECK();
}
extern "C" void rv_pqmf_analysis_bwd_cuda(float *dx, const float *dy, const rv_pqmf *p, int B,
                                          long N, float *scratch) {
    (void)scratch;
    long T = N / M;
    dim3 grid((unsigned)((N + AS - 1) / AS), B);
    k_ana_bwd<<<grid, NT, 0, rv_cu_stream()>>>(dx, dy, p->ana, N, T);
    GD_LAUNCH_CHECK();
}
extern "C" void rv_pqmf_synthesis_fwd_cuda(float *x, const float *y, const rv_pqmf *p, int B,
                                           long N, float *scratch) {
    (void)scratch;
    long T = N / M;
    dim3 grid((unsigned)((T + SF - 1) / SF), B);
    k_syn_fwd<<<grid, NT, 0, rv_cu_stream()>>>(x, y, p->syn, N, T);
    GD_LAUNCH_CHECK();
}
extern "C" void rv_pqmf_synthesis_bwd_cuda(float *dy, const float *dx, const rv_pqmf *p, int B,
                                           long N, float *scratch) {
    (void)scratch;
    long T = N / M;
    dim3 grid((unsigned)((T + SF - 1) / SF), B);
    k_syn_bwd<<<grid, NT, 0, rv_cu_stream()>>>(dy, dx, p->syn, N, T);
    GD_LAUNCH_CHECK();
}
extern "C" void rv_pqmf_reverse_half_cuda(float *y, int B, long T) {
    long n = (long)B * (M / 2) * ((T + 1) / 2);
    if (n <= 0) return;
    k_reverse_half<<<rv_cu_blocks(n, NT), NT, 0, rv_cu_stream()>>>(y, T, n);
    GD_LAUNCH_CHECK();
}
