// mss.cu: CUDA twin of mss.h, the multiscale spectral distance, with cuFFT.
//
// Per scale: one kernel frames x and y (periodic Hann, reflect padding, hop n/4) into one
// buffer, one batched R2C FFT transforms both, a bin kernel forms |X|, |Y| and per-block
// partial sums in double (sum X^2, sum (X-Y)^2, sum |log(X+eps) - log(Y+eps)|), and a
// one-block kernel reduces them in a fixed order. The backward forms the spectral gradient,
// runs a batched C2R and overlap-adds by GATHER (each sample sums the <= 4 frames covering
// it, reflections folded), so no atomics and a deterministic result. The normalisers stay on
// the device: no host round trip between forward and backward. Spectra of the last forward
// are cached per scale (2 R frames x (n/2+1) complex values). Plans are (re)made when R or
// n changes (not inside a graph capture; the model keeps shapes fixed).
#include "train/cuda/common.cuh"

#define NT 256
#define NPART 1024
#define MSS_EPS 1e-7

typedef struct {
    int     n, hop;
    float  *win;             // (n)
    cufftHandle r2c, c2r;
    long    batch;           // rows x frames the plans were made for (0: none)
    cufftComplex *spec;      // (2, max_rows, max_frames, n/2+1): x then y
} scale_t;

struct rv_mss_cuda {
    int      n_scales, max_rows;
    long     max_n;
    scale_t  sc[RV_MSS_MAX_SCALES];
    float   *frames;         // (2 max_rows max_frames nmax) real work
    cufftComplex *gspec;     // (max_rows max_frames (nmax/2+1)) gradient spectrum work
    double  *part;           // (NPART, 3)
    double  *sums;           // (n_scales, 3)
    double  *res;            // (2 n_scales + 1): lin, log per scale, then the total
    int      R;
    long     n, ld;
    const float *x, *y;
};

static long n_frames(long n, int hop) { return 1 + n / hop; }

__device__ static inline long reflect(long j, long n) {
    if (j < 0) j = -j;
    if (j >= n) j = 2 * (n - 1) - j;
    return j;
}

__global__ void k_frame(float *fr, const float *x, const float *y, const float *win, int R,
                        long Tf, int nfft, int hop, long n, long ld) {
    long total = 2L * R * Tf * nfft;
    for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < total;
         i += (long)gridDim.x * blockDim.x) {
        int k = (int)(i % nfft);
        long fr_i = i / nfft, t = fr_i % Tf, rr = fr_i / Tf;     // rr in [0, 2R)
        const float *s = rr < R ? x + rr * ld : y + (rr - R) * ld;
        fr[i] = win[k] * s[reflect(t * hop - nfft / 2 + k, n)];
    }
}

__global__ void k_bins(double *part, const cufftComplex *spec, long nb) {
    __shared__ double sh[3][NT];
    double sx2 = 0, sd2 = 0, slog = 0;
    for (long i = blockIdx.x * (long)NT + threadIdx.x; i < nb; i += (long)gridDim.x * NT) {
        cufftComplex a = spec[i], b = spec[nb + i];
        float X = hypotf(a.x, a.y), Y = hypotf(b.x, b.y);
        sx2 += (double)X * X;
        sd2 += ((double)X - Y) * ((double)X - Y);
        slog += fabs(log((double)X + MSS_EPS) - log((double)Y + MSS_EPS));
    }
    sh[0][threadIdx.x] = sx2; sh[1][threadIdx.x] = sd2; sh[2][threadIdx.x] = slog;
    __syncthreads();
    for (int w = NT / 2; w > 0; w >>= 1) {
        if ((int)threadIdx.x < w)
            for (int q = 0; q < 3; q++) sh[q][threadIdx.x] += sh[q][threadIdx.x + w];
        __syncthreads();
    }
    if (threadIdx.x < 3) part[blockIdx.x * 3 + threadIdx.x] = sh[threadIdx.x][0];
}

// sums[0..2] = column sums of part (np rows); res[0] = lin, res[1] = log.
__global__ void k_reduce3(double *sums, double *res, const double *part, int np, double cnt) {
    __shared__ double sh[3][NT];
    for (int q = 0; q < 3; q++) {
        double s = 0;
        for (int i = threadIdx.x; i < np; i += NT) s += part[i * 3 + q];
        sh[q][threadIdx.x] = s;
    }
    __syncthreads();
    for (int w = NT / 2; w > 0; w >>= 1) {
        if ((int)threadIdx.x < w)
            for (int q = 0; q < 3; q++) sh[q][threadIdx.x] += sh[q][threadIdx.x + w];
        __syncthreads();
    }
    if (threadIdx.x == 0) {
        for (int q = 0; q < 3; q++) sums[q] = sh[q][0];
        res[0] = sh[1][0] / sh[0][0];
        res[1] = sh[2][0] / cnt;
    }
}

__global__ void k_total(double *out, const double *res, int n_scales) {
    double t = 0;
    for (int s = 0; s < n_scales; s++) t += res[2 * s] + res[2 * s + 1];
    *out = t;
}

// Gradient spectrum of the y frames: g = a_lin (Y - X) + a_log sign(logY - logX) / (Y + eps),
// times Y/|Y| (0 at 0), halved on inner bins (the C2R counts them twice).
__global__ void k_grad_bins(cufftComplex *g, const cufftComplex *spec, long nb, int F,
                            int nfft, const double *sums, double weight, double a_log) {
    double a_lin = weight * 2 / sums[0];
    for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < nb;
         i += (long)gridDim.x * blockDim.x) {
        int k = (int)(i % F);
        cufftComplex a = spec[i], b = spec[nb + i];
        double X = hypotf(a.x, a.y), Y = hypot((double)b.x, (double)b.y);
        double dl = log(Y + MSS_EPS) - log(X + MSS_EPS);
        double gg = a_lin * (Y - X) + a_log * (dl > 0 ? 1 : dl < 0 ? -1 : 0) / (Y + MSS_EPS);
        double h = (k == 0 || 2 * k == nfft) ? 1 : 0.5;
        double u = Y > 0 ? gg * h / Y : 0;
        g[i].x = (float)(u * b.x);
        g[i].y = (float)(u * b.y);
    }
}

// Windowed overlap-add of the frames at padded position p (row r).
__device__ static inline float gpad(const float *fr, const float *win, long p, long Tf,
                                    int nfft, int hop) {
    long hi = (p + nfft / 2) / hop;                     // p + nfft/2 >= 0 always
    long lo_num = p + nfft / 2 - nfft + 1;
    long lo = lo_num <= 0 ? 0 : (lo_num + hop - 1) / hop;
    if (hi > Tf - 1) hi = Tf - 1;
    float s = 0.f;
    for (long t = lo; t <= hi; t++) {
        int k = (int)(p - (t * hop - nfft / 2));
        s += win[k] * fr[t * nfft + k];
    }
    return s;
}

__global__ void k_ola(float *dy, const float *fr, const float *win, int R, long Tf, int nfft,
                      int hop, long n, long ld) {
    long total = (long)R * n, pmax = (Tf - 1) * hop + nfft / 2 - 1;
    for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < total;
         i += (long)gridDim.x * blockDim.x) {
        long r = i / n, j = i % n;
        const float *f = fr + r * Tf * nfft;
        float s = gpad(f, win, j, Tf, nfft, hop);
        if (j >= 1 && j <= nfft / 2) s += gpad(f, win, -j, Tf, nfft, hop);
        long q = 2 * (n - 1) - j;
        if (j <= n - 2 && q <= pmax) s += gpad(f, win, q, Tf, nfft, hop);
        dy[r * ld + j] += s;
    }
}

static unsigned grid_of(long n) {
    long b = (n + NT - 1) / NT;
    return (unsigned)(b > 65535L * 8 ? 65535L * 8 : b);
}

extern "C" int rv_mss_init_cuda(rv_mss_cuda **out, const int *scales, int n_scales,
                                int max_rows, long max_n) {
    if (n_scales <= 0 || n_scales > RV_MSS_MAX_SCALES) return -4;
    rv_mss_cuda *m = (rv_mss_cuda *)calloc(1, sizeof(*m));
    if (!m) return -3;
    m->n_scales = n_scales; m->max_rows = max_rows; m->max_n = max_n;
    size_t fr_max = 0, g_max = 0;
    for (int s = 0; s < n_scales; s++) {
        scale_t *c = &m->sc[s];
        c->n = scales[s]; c->hop = c->n / 4;
        long Tf = n_frames(max_n, c->hop), F = c->n / 2 + 1;
        size_t fr = (size_t)2 * max_rows * Tf * c->n, g = (size_t)max_rows * Tf * F;
        if (fr > fr_max) fr_max = fr;
        if (g > g_max) g_max = g;
        float *w = (float *)malloc(sizeof(float) * c->n);
        for (int i = 0; i < c->n; i++) w[i] = (float)(0.5 - 0.5 * cos(2 * M_PI * i / c->n));
        GD_CUDA_CHECK(cudaMalloc(&c->win, sizeof(float) * c->n));
        rv_cuda_upload(c->win, w, sizeof(float) * c->n);
        free(w);
        GD_CUDA_CHECK(cudaMalloc(&c->spec, sizeof(cufftComplex) * 2 * g));
    }
    GD_CUDA_CHECK(cudaMalloc(&m->frames, sizeof(float) * fr_max));
    GD_CUDA_CHECK(cudaMalloc(&m->gspec, sizeof(cufftComplex) * g_max));
    GD_CUDA_CHECK(cudaMalloc(&m->part, sizeof(double) * NPART * 3));
    GD_CUDA_CHECK(cudaMalloc(&m->sums, sizeof(double) * 3 * n_scales));
    GD_CUDA_CHECK(cudaMalloc(&m->res, sizeof(double) * (2 * n_scales + 1)));
    *out = m;
    return 0;
}

extern "C" void rv_mss_free_cuda(rv_mss_cuda *m) {
    if (!m) return;
    for (int s = 0; s < m->n_scales; s++) {
        scale_t *c = &m->sc[s];
        if (c->batch) { cufftDestroy(c->r2c); cufftDestroy(c->c2r); }
        cudaFree(c->win); cudaFree(c->spec);
    }
    cudaFree(m->frames); cudaFree(m->gspec); cudaFree(m->part); cudaFree(m->sums);
    cudaFree(m->res);
    free(m);
}

static void plan(scale_t *c, long batch) {
    if (c->batch == batch) return;
    if (c->batch) { GD_CUFFT_CHECK(cufftDestroy(c->r2c)); GD_CUFFT_CHECK(cufftDestroy(c->c2r)); }
    int n = c->n, F = n / 2 + 1;
    GD_CUFFT_CHECK(cufftPlanMany(&c->r2c, 1, &n, NULL, 1, n, NULL, 1, F, CUFFT_R2C,
                                 (int)(2 * batch)));
    GD_CUFFT_CHECK(cufftPlanMany(&c->c2r, 1, &n, NULL, 1, F, NULL, 1, n, CUFFT_C2R,
                                 (int)batch));
    GD_CUFFT_CHECK(cufftSetStream(c->r2c, rv_cu_stream()));
    GD_CUFFT_CHECK(cufftSetStream(c->c2r, rv_cu_stream()));
    c->batch = batch;
}

void rv_cu_mss_fwd(rv_mss_cuda *m, const float *x, const float *y, int R, long n, long ld,
                   double *d_total) {
    if (R > m->max_rows || n > m->max_n) {
        fprintf(stderr, "rv_mss_fwd_cuda: %d rows of %ld exceed the capacity %d x %ld\n", R, n,
                m->max_rows, m->max_n);
        abort();
    }
    m->x = x; m->y = y; m->R = R; m->n = n; m->ld = ld;
    cudaStream_t st = rv_cu_stream();
    for (int s = 0; s < m->n_scales; s++) {
        scale_t *c = &m->sc[s];
        long Tf = n_frames(n, c->hop), F = c->n / 2 + 1, nb = (long)R * Tf * F;
        plan(c, (long)R * Tf);
        k_frame<<<grid_of(2L * R * Tf * c->n), NT, 0, st>>>(m->frames, x, y, c->win, R, Tf,
                                                            c->n, c->hop, n, ld);
        GD_LAUNCH_CHECK();
        GD_CUFFT_CHECK(cufftExecR2C(c->r2c, m->frames, c->spec));
        k_bins<<<NPART, NT, 0, st>>>(m->part, c->spec, nb);
        GD_LAUNCH_CHECK();
        k_reduce3<<<1, NT, 0, st>>>(m->sums + 3 * s, m->res + 2 * s, m->part, NPART, (double)nb);
        GD_LAUNCH_CHECK();
    }
    k_total<<<1, 1, 0, st>>>(m->res + 2 * m->n_scales, m->res, m->n_scales);
    GD_LAUNCH_CHECK();
    if (d_total)
        GD_CUDA_CHECK(cudaMemcpyAsync(d_total, m->res + 2 * m->n_scales, sizeof(double),
                                      cudaMemcpyDeviceToDevice, st));
}

extern "C" double rv_mss_fwd_cuda(rv_mss_cuda *m, const float *x, const float *y, int R, long n,
                                  long ld, double *per_scale) {
    rv_cu_mss_fwd(m, x, y, R, n, ld, NULL);
    double h[2 * RV_MSS_MAX_SCALES + 1];
    GD_CUDA_CHECK(cudaMemcpyAsync(h, m->res, sizeof(double) * (2 * m->n_scales + 1),
                                  cudaMemcpyDeviceToHost, rv_cu_stream()));
    GD_CUDA_CHECK(cudaStreamSynchronize(rv_cu_stream()));
    if (per_scale)
        for (int i = 0; i < 2 * m->n_scales; i++) per_scale[i] = h[i];
    return h[2 * m->n_scales];
}

extern "C" void rv_mss_bwd_cuda(rv_mss_cuda *m, float *dy, double weight) {
    cudaStream_t st = rv_cu_stream();
    int R = m->R;
    long n = m->n;
    for (int s = 0; s < m->n_scales; s++) {
        scale_t *c = &m->sc[s];
        long Tf = n_frames(n, c->hop), F = c->n / 2 + 1, nb = (long)R * Tf * F;
        k_grad_bins<<<grid_of(nb), NT, 0, st>>>(m->gspec, c->spec, nb, (int)F, c->n,
                                                 m->sums + 3 * s, weight, weight / (double)nb);
        GD_LAUNCH_CHECK();
        GD_CUFFT_CHECK(cufftExecC2R(c->c2r, m->gspec, m->frames));
        k_ola<<<grid_of((long)R * n), NT, 0, st>>>(dy, m->frames, c->win, R, Tf, c->n, c->hop,
                                                   n, m->ld);
        GD_LAUNCH_CHECK();
    }
}
