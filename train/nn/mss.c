// mss.c: see mss.h. Float STFTs via core/fftwise (half-size complex FFT + vectorised split,
// thread-safe), the double build's via FFTW (new-array execute, thread-safe after planning).
// The per-bin work runs in element-wise loops that vectorise (GD_SIMD clones, same bits in
// every clone); sums run in double over four fixed lanes, so no result depends on the
// instruction set or the thread count.
#include "train/nn/mss.h"

#include <fftw3.h>
#include <math.h>
#include <tgmath.h>   // log/sqrt in the working precision
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/simd.h"     // defines: GD_SIMD

#ifdef RV_F64
#define FFTW(x) fftw_##x
static inline double mss_log(double v) { return log(v); }
#else
#include "core/fastlog.h"  // defines: gd_logf
#include "core/fftwise.h"  // defines: gd_fftwise_plan_r2c, gd_fftwise_exec_r2c, gd_fftwise_c2r
#define FFTW(x) fftwf_##x
static inline float mss_log(float v) { return gd_logf(v); }
#endif

#define MSS_EPS 1e-7

typedef struct {
    int      n, hop;
    rv_real *win;         // (n)
#ifdef RV_F64
    FFTW(plan) r2c, c2r;
#else
    const void *r2c;      // fftwise plan; the inverse is looked up by size
#endif
} mss_scale;

static void fft_r2c(const mss_scale *c, rv_real *in, rv_real *out) {
#ifdef RV_F64
    FFTW(execute_dft_r2c)(c->r2c, in, (FFTW(complex) *)out);
#else
    gd_fftwise_exec_r2c(c->r2c, in, out);
#endif
}

// Unnormalised inverse; in is not modified.
static int fft_c2r(const mss_scale *c, rv_real *in, rv_real *out) {
#ifdef RV_F64
    FFTW(execute_dft_c2r)(c->c2r, (FFTW(complex) *)in, out);
    return 0;
#else
    return gd_fftwise_c2r(c->n, 1, in, out);
#endif
}

struct rv_mss {
    int       n_scales, max_rows, n_thr, nmax;
    long      max_n;
    mss_scale sc[RV_MSS_MAX_SCALES];
    rv_real **buf;        // per thread, SIMD-aligned: frame (nmax), spectrum (nmax + 4), then
                          // the estimate's magnitudes and |log ratio| (nmax / 2 + 4 each)
    rv_real  *xmag;       // (rows, frames, bins) per scale, concatenated
    rv_real  *yspec;      // (rows, frames, bins, 2)
    signed char *sgn;     // (rows, frames, bins): sign(log(Y + eps) - log(X + eps))
    size_t   *off;        // per scale: offset in xmag (yspec uses 2x)
    double   *fsum;       // (rows * frames, 3): per-frame partial sums of the forward
    rv_real  *gbuf;       // (rows * frames, n): per-frame input gradients of the backward
    double    inv_x2[RV_MSS_MAX_SCALES], inv_cnt[RV_MSS_MAX_SCALES];
    // last forward call
    const rv_real *x, *y;
    int  R;
    long n, ld;
};

static long n_frames(long n, int hop) { return 1 + n / hop; }

int rv_mss_init(rv_mss **out, const int *scales, int n_scales, int max_rows, long max_n) {
    GD_ASSERT(n_scales > 0 && n_scales <= RV_MSS_MAX_SCALES);
    rv_mss *m = calloc(1, sizeof(*m));
    if (!m) return GD_ERR_NOMEM;
    m->n_scales = n_scales; m->max_rows = max_rows; m->max_n = max_n;
    m->n_thr = omp_get_max_threads();
    int nmax = 0;
    size_t tot = 0;
    m->off = calloc(n_scales + 1, sizeof(size_t));
    for (int s = 0; s < n_scales; s++) {
        int n = scales[s];
        if (n > nmax) nmax = n;
        m->off[s] = tot;
        tot += (size_t)max_rows * n_frames(max_n, n / 4) * (n / 2 + 1);
    }
    m->off[n_scales] = tot;
    m->xmag = malloc(sizeof(rv_real) * tot);
    m->yspec = malloc(sizeof(rv_real) * 2 * tot);
    m->sgn = malloc(tot ? tot : 1);
    size_t nfr = 0, ng = 0;
    for (int s = 0; s < n_scales; s++) {
        size_t fr = (size_t)max_rows * n_frames(max_n, scales[s] / 4);
        if (fr > nfr) nfr = fr;
        if (fr * scales[s] > ng) ng = fr * scales[s];
    }
    m->fsum = malloc(sizeof(double) * 3 * (nfr ? nfr : 1));
    m->gbuf = FFTW(malloc)(sizeof(rv_real) * (ng ? ng : 1));   // aligned frames for the inverse FFT
    m->buf = calloc(m->n_thr, sizeof(rv_real *));
    if (!m->off || !m->xmag || !m->yspec || !m->sgn || !m->fsum || !m->gbuf || !m->buf) {
        rv_mss_free(m);
        return GD_ERR_NOMEM;
    }
    m->nmax = nmax;
    for (int t = 0; t < m->n_thr; t++) {
        m->buf[t] = FFTW(malloc)(sizeof(rv_real) * (3 * (size_t)nmax + 12));
        if (!m->buf[t]) { rv_mss_free(m); return GD_ERR_NOMEM; }
        memset(m->buf[t], 0, sizeof(rv_real) * (3 * (size_t)nmax + 12));
    }
    for (int s = 0; s < n_scales; s++) {
        mss_scale *c = &m->sc[s];
        c->n = scales[s]; c->hop = c->n / 4;
        c->win = malloc(sizeof(rv_real) * c->n);
        for (int i = 0; i < c->n; i++) c->win[i] = (rv_real)(0.5 - 0.5 * cos(2 * M_PI * i / c->n));
        rv_real *f = m->buf[0], *sp = f + nmax;
        int bad = !c->win;
#ifdef RV_F64
        c->r2c = FFTW(plan_dft_r2c_1d)(c->n, f, (FFTW(complex) *)sp, FFTW_ESTIMATE | FFTW_UNALIGNED);
        c->c2r = FFTW(plan_dft_c2r_1d)(c->n, (FFTW(complex) *)sp, f, FFTW_ESTIMATE | FFTW_UNALIGNED);
        bad = bad || !c->r2c || !c->c2r;
#else
        c->r2c = gd_fftwise_plan_r2c(c->n, 1);
        bad = bad || !c->r2c || fft_c2r(c, sp, f);   // makes the inverse plan now (zero buffers)
#endif
        if (bad) { rv_mss_free(m); return GD_ERR_NOMEM; }
    }
    *out = m;
    return 0;
}

void rv_mss_free(rv_mss *m) {
    if (!m) return;
    for (int s = 0; s < m->n_scales; s++) {
        free(m->sc[s].win);
#ifdef RV_F64
        if (m->sc[s].r2c) FFTW(destroy_plan)(m->sc[s].r2c);
        if (m->sc[s].c2r) FFTW(destroy_plan)(m->sc[s].c2r);
#endif
    }
    if (m->buf)
        for (int t = 0; t < m->n_thr; t++) FFTW(free)(m->buf[t]);
    free(m->buf); free(m->xmag); free(m->yspec); free(m->sgn); free(m->fsum); free(m->off);
    if (m->gbuf) FFTW(free)(m->gbuf);
    free(m);
}

// Reflect index into [0, n).
static inline long reflect(long j, long n) {
    if (j < 0) j = -j;
    if (j >= n) j = 2 * (n - 1) - j;
    return j;
}

// Windowed frame t of signal s (n samples) into f.
static void load_frame(rv_real *f, const rv_real *s, long n, const mss_scale *c, long t) {
    long start = t * c->hop - c->n / 2;
    if (start >= 0 && start + c->n <= n) {
        #pragma omp simd
        for (int i = 0; i < c->n; i++) f[i] = c->win[i] * s[start + i];
    } else {
        for (int i = 0; i < c->n; i++) f[i] = c->win[i] * s[reflect(start + i, n)];
    }
}

// mag[k] = |sp[k]| for F interleaved complex bins.
GD_SIMD
static void magnitudes(rv_real *restrict mag, const rv_real *restrict sp, long F) {
    #pragma omp simd
    for (long k = 0; k < F; k++) mag[k] = sqrt(sp[2 * k] * sp[2 * k] + sp[2 * k + 1] * sp[2 * k + 1]);
}

// mag = |FFT(in)| (F bins); scratch: n + 2 values. The float build's fused power pass gives
// the same bits as the FFT followed by magnitudes() (core/fftwise.h).
static void fft_mag(const mss_scale *c, rv_real *in, rv_real *scratch, rv_real *mag, long F) {
#ifdef RV_F64
    fft_r2c(c, in, scratch);
    magnitudes(mag, scratch, F);
#else
    (void)F;
    gd_fftwise_exec_r2c_power(c->r2c, in, scratch, mag, 1);
#endif
}

typedef double v4d __attribute__((vector_size(4 * sizeof(double))));

// v = (double) p[0..3] (a macro: a function returning a 32-byte vector would change the ABI
// of the baseline build).
#ifdef RV_F64
#define LOAD4(v, p) memcpy(&(v), (p), sizeof(v))
#else
typedef float v4f __attribute__((vector_size(4 * sizeof(float))));
#define LOAD4(v, p) do { v4f f4_; memcpy(&f4_, (p), sizeof f4_); (v) = __builtin_convertvector(f4_, v4d); } while (0)
#endif

// One frame's bins, X (target) and Y (estimate) magnitudes: sg[k] = sign(log(Y + eps) -
// log(X + eps)), and sum[0..2] = sums of X^2, (X - Y)^2 and |log(Y + eps) - log(X + eps)|,
// in double over four lanes (bin k in lane k % 4), added lane 0 to 3. al: F values of scratch.
GD_SIMD
static void frame_bins(const rv_real *restrict X, const rv_real *restrict Y, long F,
                       signed char *restrict sg, rv_real *restrict al, double sum[3]) {
    const rv_real eps = (rv_real)MSS_EPS;
    #pragma omp simd
    for (long k = 0; k < F; k++) {
        rv_real dl = mss_log(Y[k] + eps) - mss_log(X[k] + eps);
        sg[k] = (signed char)((dl > 0) - (dl < 0));
        al[k] = fabs(dl);
    }
    v4d sx2 = {0}, sd2 = {0}, slog = {0};
    long k = 0;
    for (; k + 4 <= F; k += 4) {
        v4d x, y, a;
        LOAD4(x, X + k); LOAD4(y, Y + k); LOAD4(a, al + k);
        v4d d = x - y;
        sx2 += x * x; sd2 += d * d; slog += a;
    }
    for (int l = 0; k < F; k++, l++) {
        double d = (double)X[k] - Y[k];
        sx2[l] += (double)X[k] * X[k]; sd2[l] += d * d; slog[l] += al[k];
    }
    sum[0] = sx2[0] + sx2[1] + sx2[2] + sx2[3];
    sum[1] = sd2[0] + sd2[1] + sd2[2] + sd2[3];
    sum[2] = slog[0] + slog[1] + slog[2] + slog[3];
}

// Backward of one frame's bins into the half spectrum sp (F bins, interleaved) for the
// inverse FFT: dD/dY = a_lin (Y - X) + a_log sg / (Y + eps), times Y / |Y| (0 at 0), halved
// for the inner bins (the unnormalised inverse counts them twice). In double, as the forward
// spectrum's rounding is amplified by 1 / (Y + eps) in quiet bins.
GD_SIMD
static void frame_grad(rv_real *restrict sp, const rv_real *restrict yr, const rv_real *restrict X,
                       const signed char *restrict sg, long F, double a_lin, double a_log) {
    #pragma omp simd
    for (long k = 0; k < F; k++) {
        double re = yr[2 * k], im = yr[2 * k + 1], Y = sqrt(re * re + im * im);
        double g = a_lin * (Y - X[k]) + a_log * sg[k] / (Y + MSS_EPS);
        double h = (k == 0) | (k == F - 1) ? 1 : 0.5;
        double u = g * h / (Y > 0 ? Y : 1);   // both sides computed: the loop stays branch-free
        u = Y > 0 ? u : 0;
        sp[2 * k] = (rv_real)(u * re); sp[2 * k + 1] = (rv_real)(u * im);
    }
}

double rv_mss_fwd(rv_mss *m, const rv_real *x, const rv_real *y, int R, long n, long ld,
                  double *per_scale) {
    GD_ASSERT(R <= m->max_rows && n <= m->max_n);
    m->x = x; m->y = y; m->R = R; m->n = n; m->ld = ld;
    double total = 0;
    for (int s = 0; s < m->n_scales; s++) {
        const mss_scale *c = &m->sc[s];
        GD_ASSERT(n > c->n / 2);
        long T = n_frames(n, c->hop), F = c->n / 2 + 1;
        rv_real *xm = m->xmag + m->off[s], *ys = m->yspec + 2 * m->off[s];
        // one task per (row, frame); partial sums per frame, reduced below in a fixed order
        #pragma omp parallel for schedule(dynamic, 4)
        for (long o = 0; o < (long)R * T; o++) {
            int r = (int)(o / T);
            long t = o % T;
            rv_real *f = m->buf[omp_get_thread_num()], *sp = f + m->nmax;
            rv_real *ym = sp + m->nmax + 4, *al = ym + m->nmax / 2 + 4;
            rv_real *xr = xm + o * F, *yr = ys + 2 * o * F;
            load_frame(f, x + r * ld, n, c, t);
            fft_mag(c, f, sp, xr, F);
            load_frame(f, y + r * ld, n, c, t);
            fft_r2c(c, f, sp);
            memcpy(yr, sp, sizeof(rv_real) * 2 * F);
            magnitudes(ym, sp, F);
            frame_bins(xr, ym, F, m->sgn + m->off[s] + o * F, al, m->fsum + 3 * o);
        }
        double sx2 = 0, sd2 = 0, slog = 0;
        for (long o = 0; o < (long)R * T; o++) {
            sx2 += m->fsum[3 * o]; sd2 += m->fsum[3 * o + 1]; slog += m->fsum[3 * o + 2];
        }
        double cnt = (double)R * T * F;
        // mean/mean: the counts cancel in lin. An all-silent target (sx2 = 0, e.g. muted
        // undithered batches) would make lin 0/0: it then contributes 0 and no gradient.
        m->inv_x2[s] = sx2 > 0 ? 1.0 / sx2 : 0; m->inv_cnt[s] = 1.0 / cnt;
        double lin = sd2 * m->inv_x2[s], lg = slog / cnt;
        if (per_scale) { per_scale[2 * s] = lin; per_scale[2 * s + 1] = lg; }
        total += lin + lg;
    }
    return total;
}

void rv_mss_bwd(rv_mss *m, rv_real *dy, double weight) {
    int R = m->R;
    long n = m->n, ld = m->ld;
    for (int s = 0; s < m->n_scales; s++) {
        const mss_scale *c = &m->sc[s];
        long T = n_frames(n, c->hop), F = c->n / 2 + 1;
        const rv_real *xm = m->xmag + m->off[s], *ys = m->yspec + 2 * m->off[s];
        double a_lin = weight * 2 * m->inv_x2[s], a_log = weight * m->inv_cnt[s];
        // per-frame input gradients in parallel, then overlap-add per row in frame order
        #pragma omp parallel for schedule(dynamic, 4)
        for (long o = 0; o < (long)R * T; o++) {
            rv_real *f = m->gbuf + o * c->n, *sp = m->buf[omp_get_thread_num()] + c->n;
            const rv_real *xr = xm + o * F, *yr = ys + 2 * o * F;
            const signed char *sg = m->sgn + m->off[s] + o * F;
            frame_grad(sp, yr, xr, sg, F, a_lin, a_log);
            fft_c2r(c, sp, f);   // cannot fail: the plan was made at init
            #pragma omp simd
            for (int i = 0; i < c->n; i++) f[i] *= c->win[i];
        }
        #pragma omp parallel for schedule(dynamic, 1)
        for (int r = 0; r < R; r++) {
            rv_real *d = dy + r * ld;
            for (long t = 0; t < T; t++) {
                const rv_real *f = m->gbuf + ((long)r * T + t) * c->n;
                long start = t * c->hop - c->n / 2;
                if (start >= 0 && start + c->n <= n) {
                    rv_real *ds = d + start;
                    #pragma omp simd
                    for (int i = 0; i < c->n; i++) ds[i] += f[i];
                } else
                    for (int i = 0; i < c->n; i++) d[reflect(start + i, n)] += f[i];
            }
        }
    }
}
