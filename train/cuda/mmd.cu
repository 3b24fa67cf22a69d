// mmd.cu: CUDA twins of mmd.h (RBF MMD, Wasserstein regulariser) and adv.h (hinge and
// relative feature-matching losses), plus small deterministic reductions.
// MMD: one block per sample i, threads over j, double sums, fixed-order block reductions.
// Backward: per block (sample i), chunks of NT kernel values in shared memory, then one
// thread per latent dim accumulates in j order. D <= 256.
#include "train/cuda/common.cuh"

#define NT 256
#define NPART 264   // blocks of the adversarial reductions (RV_CU_ADV_PART / 2)

__device__ static inline double at(const float *a, int i, int c, int D, int T) {
    return a[((long)(i / T) * D + c) * T + i % T];
}
__device__ static double kern(const float *a, int i, const float *b, int j, int D, int T) {
    double s = 0;
    for (int c = 0; c < D; c++) {
        double d = at(a, i, c, D, T) - at(b, j, c, D, T);
        s += d * d;
    }
    return exp(-s / ((double)D * D));
}

__device__ static double block_sum(double v) {
    __shared__ double sh[NT];
    sh[threadIdx.x] = v;
    __syncthreads();
    for (int w = NT / 2; w > 0; w >>= 1) {
        if ((int)threadIdx.x < w) sh[threadIdx.x] += sh[threadIdx.x + w];
        __syncthreads();
    }
    double r = sh[0];
    __syncthreads();
    return r;
}

__global__ void k_mmd_rows(double *rows, const float *z, const float *y, int N, int D, int T) {
    int i = blockIdx.x;
    double s = 0;
    for (int j = threadIdx.x; j < N; j += NT)
        s += kern(z, i, z, j, D, T) + kern(y, i, y, j, D, T) - 2 * kern(z, i, y, j, D, T);
    s = block_sum(s);
    if (threadIdx.x == 0) rows[i] = s;
}

__global__ void k_sum(double *out, const double *in, int n, double scale) {
    double s = 0;
    for (int i = threadIdx.x; i < n; i += NT) s += in[i];
    s = block_sum(s);
    if (threadIdx.x == 0) *out = s * scale;
}

__global__ void k_mmd_bwd(float *dz, double a, const float *z, const float *y, int N, int D,
                          int T) {
    __shared__ double kzz[NT], kzy[NT];
    int i = blockIdx.x, c = threadIdx.x;
    double g = 0, zi = c < D ? at(z, i, c, D, T) : 0;
    for (int j0 = 0; j0 < N; j0 += NT) {
        int j = j0 + threadIdx.x;
        if (j < N) { kzz[threadIdx.x] = kern(z, i, z, j, D, T); kzy[threadIdx.x] = kern(z, i, y, j, D, T); }
        __syncthreads();
        if (c < D) {
            int m = N - j0 < NT ? N - j0 : NT;
            for (int q = 0; q < m; q++)
                g += kzz[q] * (zi - at(z, j0 + q, c, D, T)) - kzy[q] * (zi - at(y, j0 + q, c, D, T));
        }
        __syncthreads();
    }
    if (c < D) dz[((long)(i / T) * D + c) * T + i % T] += (float)(a * g);
}

void rv_cu_sum(double *out, const double *in, int n) {
    k_sum<<<1, NT, 0, rv_cu_stream()>>>(out, in, n, 1.0);
    GD_LAUNCH_CHECK();
}

void rv_cu_mmd_fwd(const float *z, const float *y, int B, int D, int T, double *scratch,
                   double *d_total) {
    int N = B * T;
    k_mmd_rows<<<N, NT, 0, rv_cu_stream()>>>(scratch, z, y, N, D, T);
    GD_LAUNCH_CHECK();
    k_sum<<<1, NT, 0, rv_cu_stream()>>>(d_total, scratch, N, 1.0 / ((double)N * N));
    GD_LAUNCH_CHECK();
}

static double *g_dscal;   // device scratch of the public twins returning a double:
static double *dscal(void) {   // [0..3] results, then 2 NPART partial sums
    if (!g_dscal) GD_CUDA_CHECK(cudaMalloc(&g_dscal, (4 + 2 * NPART) * sizeof(double)));
    return g_dscal;
}
static double read_back(const double *d) {
    double h;
    GD_CUDA_CHECK(cudaMemcpyAsync(&h, d, sizeof(double), cudaMemcpyDeviceToHost, rv_cu_stream()));
    GD_CUDA_CHECK(cudaStreamSynchronize(rv_cu_stream()));
    return h;
}

extern "C" double rv_mmd_fwd_cuda(const float *z, const float *y, int B, int D, int T,
                                  double *scratch) {
    rv_cu_mmd_fwd(z, y, B, D, T, scratch, dscal());
    return read_back(dscal());
}

extern "C" void rv_mmd_bwd_cuda(float *dz, double weight, const float *z, const float *y, int B,
                                int D, int T) {
    int N = B * T;
    if (D > NT) { fprintf(stderr, "rv_mmd_bwd_cuda: D %d > %d\n", D, NT); abort(); }
    double c = (double)D * D, a = -4.0 * weight / (c * N * N);
    k_mmd_bwd<<<N, NT, 0, rv_cu_stream()>>>(dz, a, z, y, N, D, T);
    GD_LAUNCH_CHECK();
}

// ---------------------------------------------------------------------------- adversarial
// mode 0: hinge_d = mean relu(1 - a) + mean relu(1 + b); 1: -mean b; 2: sum|a - b| / sum|a|
// Per-block partial sums (fixed grid of NPART blocks), then one block: deterministic.
__global__ void k_adv_part(double *part, const float *a, const float *b, long n, int mode) {
    double s = 0, t = 0;
    for (long i = blockIdx.x * (long)NT + threadIdx.x; i < n; i += (long)NPART * NT) {
        if (mode == 0) s += fmax(0.0, 1 - (double)a[i]) + fmax(0.0, 1 + (double)b[i]);
        else if (mode == 1) s += b[i];
        else { s += fabs((double)a[i] - b[i]); t += fabs((double)a[i]); }
    }
    s = block_sum(s);
    t = block_sum(t);
    if (threadIdx.x == 0) { part[2 * blockIdx.x] = s; part[2 * blockIdx.x + 1] = t; }
}
__global__ void k_adv_final(double *out, const double *part, long n, int mode) {
    double s = 0, t = 0;
    for (int i = threadIdx.x; i < NPART; i += NT) { s += part[2 * i]; t += part[2 * i + 1]; }
    s = block_sum(s);
    t = block_sum(t);
    if (threadIdx.x == 0) {
        out[0] = mode == 0 ? s / n : mode == 1 ? -s / n : s / t;
        out[1] = t;
    }
}

void rv_cu_adv_fwd(double *out, const float *a, const float *b, long n, int mode, double *part) {
    k_adv_part<<<NPART, NT, 0, rv_cu_stream()>>>(part, a, b, n, mode);
    GD_LAUNCH_CHECK();
    k_adv_final<<<1, NT, 0, rv_cu_stream()>>>(out, part, n, mode);
    GD_LAUNCH_CHECK();
}

__global__ void k_hinge_d_bwd(float *dr, float *df, double w, const float *sr, const float *sf,
                              long n) {
    for (long i = blockIdx.x * (long)NT + threadIdx.x; i < n; i += (long)gridDim.x * NT) {
        if (dr && 1 - sr[i] > 0) dr[i] -= (float)(w / n);
        if (df && 1 + sf[i] > 0) df[i] += (float)(w / n);
    }
}
__global__ void k_hinge_g_bwd(float *df, double w, long n) {
    for (long i = blockIdx.x * (long)NT + threadIdx.x; i < n; i += (long)gridDim.x * NT)
        df[i] -= (float)(w / n);
}
__global__ void k_fm_bwd(float *df, double w, const double *den, const float *fr,
                         const float *ff, long n) {
    double a = w / den[1];
    for (long i = blockIdx.x * (long)NT + threadIdx.x; i < n; i += (long)gridDim.x * NT) {
        double d = (double)ff[i] - fr[i];
        df[i] += (float)(d > 0 ? a : d < 0 ? -a : 0);
    }
}

static double adv_fwd(const float *a, const float *b, long n, int mode) {
    rv_cu_adv_fwd(dscal(), a, b, n, mode, dscal() + 4);
    return read_back(dscal());
}
static unsigned g1(long n) { unsigned b = rv_cu_blocks(n, NT); return b > 4096 ? 4096 : b; }

extern "C" double rv_hinge_d_fwd_cuda(const float *s_real, const float *s_fake, long n) {
    return adv_fwd(s_real, s_fake, n, 0);
}
extern "C" void rv_hinge_d_bwd_cuda(float *d_real, float *d_fake, double weight,
                                    const float *s_real, const float *s_fake, long n) {
    k_hinge_d_bwd<<<g1(n), NT, 0, rv_cu_stream()>>>(d_real, d_fake, weight, s_real, s_fake, n);
    GD_LAUNCH_CHECK();
}
extern "C" double rv_hinge_g_fwd_cuda(const float *s_fake, long n) {
    return adv_fwd(s_fake, s_fake, n, 1);
}
extern "C" void rv_hinge_g_bwd_cuda(float *d_fake, double weight, long n) {
    k_hinge_g_bwd<<<g1(n), NT, 0, rv_cu_stream()>>>(d_fake, weight, n);
    GD_LAUNCH_CHECK();
}
extern "C" double rv_fm_fwd_cuda(const float *f_real, const float *f_fake, long n) {
    return adv_fwd(f_real, f_fake, n, 2);
}
extern "C" void rv_fm_bwd_cuda(float *d_fake, double weight, const float *f_real,
                               const float *f_fake, long n) {
    rv_cu_adv_fwd(dscal(), f_real, f_fake, n, 2, dscal() + 4);   // den in [1]
    rv_cu_fm_bwd(d_fake, weight, dscal(), f_real, f_fake, n);
}

void rv_cu_fm_bwd(float *d_fake, double weight, const double *den, const float *f_real,
                  const float *f_fake, long n) {
    k_fm_bwd<<<g1(n), NT, 0, rv_cu_stream()>>>(d_fake, weight, den, f_real, f_fake, n);
    GD_LAUNCH_CHECK();
}

__global__ void k_weighted(double *out, const double *in, const double *w, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += w[i] * in[i];
    *out = s;
}
void rv_cu_weighted(double *out, const double *in, const double *w, int n) {
    k_weighted<<<1, 1, 0, rv_cu_stream()>>>(out, in, w, n);
    GD_LAUNCH_CHECK();
}
