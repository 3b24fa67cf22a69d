// mss.c: see mss.h. STFTs via FFTW (new-array execute, thread-safe after planning).
#include "train/nn/mss.h"

#include <fftw3.h>
#include <math.h>
#include <tgmath.h>   // log/sqrt in the working precision
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

#ifdef RV_F64
#define FFTW(x) fftw_##x
#else
#define FFTW(x) fftwf_##x
#endif

#define MSS_EPS 1e-7

typedef struct {
    int      n, hop;
    rv_real *win;         // (n)
    FFTW(plan) r2c, c2r;
} mss_scale;

struct RV(mss) {
    int       n_scales, max_rows, n_thr;
    long      max_n;
    mss_scale sc[RV_MSS_MAX_SCALES];
    rv_real **buf;        // per thread: frame (n) + spectrum (n + 2)
    rv_real  *xmag;       // (rows, frames, bins) per scale, concatenated
    rv_real  *yspec;      // (rows, frames, bins, 2)
    signed char *sgn;     // (rows, frames, bins): sign(log(Y + eps) - log(X + eps))
    size_t   *off;        // per scale: offset in xmag (yspec uses 2x)
    double   *rowsum;     // (max_rows, 3)
    double    inv_x2[RV_MSS_MAX_SCALES], inv_cnt[RV_MSS_MAX_SCALES];
    // last forward call
    const rv_real *x, *y;
    int  R;
    long n, ld;
};

static long n_frames(long n, int hop) { return 1 + n / hop; }

int RV(mss_init)(RV(mss) **out, const int *scales, int n_scales, int max_rows, long max_n) {
    GD_ASSERT(n_scales > 0 && n_scales <= RV_MSS_MAX_SCALES);
    RV(mss) *m = calloc(1, sizeof(*m));
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
    m->rowsum = malloc(sizeof(double) * 3 * max_rows);
    m->buf = calloc(m->n_thr, sizeof(rv_real *));
    if (!m->off || !m->xmag || !m->yspec || !m->sgn || !m->rowsum || !m->buf) {
        RV(mss_free)(m);
        return GD_ERR_NOMEM;
    }
    for (int t = 0; t < m->n_thr; t++) m->buf[t] = FFTW(malloc)(sizeof(rv_real) * (2 * nmax + 2));
    for (int s = 0; s < n_scales; s++) {
        mss_scale *c = &m->sc[s];
        c->n = scales[s]; c->hop = c->n / 4;
        c->win = malloc(sizeof(rv_real) * c->n);
        for (int i = 0; i < c->n; i++) c->win[i] = (rv_real)(0.5 - 0.5 * cos(2 * M_PI * i / c->n));
        rv_real *f = m->buf[0], *sp = f + nmax;
        c->r2c = FFTW(plan_dft_r2c_1d)(c->n, f, (FFTW(complex) *)sp, FFTW_ESTIMATE | FFTW_UNALIGNED);
        c->c2r = FFTW(plan_dft_c2r_1d)(c->n, (FFTW(complex) *)sp, f, FFTW_ESTIMATE | FFTW_UNALIGNED);
    }
    *out = m;
    return 0;
}

void RV(mss_free)(RV(mss) *m) {
    if (!m) return;
    for (int s = 0; s < m->n_scales; s++) {
        free(m->sc[s].win);
        if (m->sc[s].r2c) FFTW(destroy_plan)(m->sc[s].r2c);
        if (m->sc[s].c2r) FFTW(destroy_plan)(m->sc[s].c2r);
    }
    if (m->buf)
        for (int t = 0; t < m->n_thr; t++) FFTW(free)(m->buf[t]);
    free(m->buf); free(m->xmag); free(m->yspec); free(m->sgn); free(m->rowsum); free(m->off);
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
    if (start >= 0 && start + c->n <= n)
        for (int i = 0; i < c->n; i++) f[i] = c->win[i] * s[start + i];
    else
        for (int i = 0; i < c->n; i++) f[i] = c->win[i] * s[reflect(start + i, n)];
}

double RV(mss_fwd)(RV(mss) *m, const rv_real *x, const rv_real *y, int R, long n, long ld,
                   double *per_scale) {
    GD_ASSERT(R <= m->max_rows && n <= m->max_n);
    m->x = x; m->y = y; m->R = R; m->n = n; m->ld = ld;
    double total = 0;
    for (int s = 0; s < m->n_scales; s++) {
        const mss_scale *c = &m->sc[s];
        GD_ASSERT(n > c->n / 2);
        long T = n_frames(n, c->hop), F = c->n / 2 + 1;
        rv_real *xm = m->xmag + m->off[s], *ys = m->yspec + 2 * m->off[s];
        #pragma omp parallel for schedule(dynamic, 1)
        for (int r = 0; r < R; r++) {
            rv_real *f = m->buf[omp_get_thread_num()], *sp = f + c->n;
            double sx2 = 0, sd2 = 0, slog = 0;
            for (long t = 0; t < T; t++) {
                long o = (long)r * T + t;
                rv_real *xr = xm + o * F, *yr = ys + 2 * o * F;
                signed char *sg = m->sgn + m->off[s] + o * F;
                load_frame(f, x + r * ld, n, c, t);
                FFTW(execute_dft_r2c)(c->r2c, f, (FFTW(complex) *)sp);
                for (long k = 0; k < F; k++) xr[k] = sqrt(sp[2 * k] * sp[2 * k] + sp[2 * k + 1] * sp[2 * k + 1]);
                load_frame(f, y + r * ld, n, c, t);
                FFTW(execute_dft_r2c)(c->r2c, f, (FFTW(complex) *)sp);
                memcpy(yr, sp, sizeof(rv_real) * 2 * F);
                for (long k = 0; k < F; k++) {
                    rv_real X = xr[k], Y = sqrt(sp[2 * k] * sp[2 * k] + sp[2 * k + 1] * sp[2 * k + 1]);
                    rv_real dl = log(Y + (rv_real)MSS_EPS) - log(X + (rv_real)MSS_EPS);
                    sx2 += (double)X * X;
                    sd2 += (double)(X - Y) * (X - Y);
                    slog += fabs(dl);
                    sg[k] = (signed char)(dl > 0 ? 1 : dl < 0 ? -1 : 0);
                }
            }
            m->rowsum[3 * r] = sx2; m->rowsum[3 * r + 1] = sd2; m->rowsum[3 * r + 2] = slog;
        }
        double sx2 = 0, sd2 = 0, slog = 0;
        for (int r = 0; r < R; r++) {
            sx2 += m->rowsum[3 * r]; sd2 += m->rowsum[3 * r + 1]; slog += m->rowsum[3 * r + 2];
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

void RV(mss_bwd)(RV(mss) *m, rv_real *dy, double weight) {
    int R = m->R;
    long n = m->n, ld = m->ld;
    for (int s = 0; s < m->n_scales; s++) {
        const mss_scale *c = &m->sc[s];
        long T = n_frames(n, c->hop), F = c->n / 2 + 1;
        const rv_real *xm = m->xmag + m->off[s], *ys = m->yspec + 2 * m->off[s];
        double a_lin = weight * 2 * m->inv_x2[s], a_log = weight * m->inv_cnt[s];
        #pragma omp parallel for schedule(dynamic, 1)
        for (int r = 0; r < R; r++) {
            rv_real *f = m->buf[omp_get_thread_num()], *sp = f + c->n, *d = dy + r * ld;
            for (long t = 0; t < T; t++) {
                long o = (long)r * T + t;
                const rv_real *xr = xm + o * F, *yr = ys + 2 * o * F;
                const signed char *sg = m->sgn + m->off[s] + o * F;
                for (long k = 0; k < F; k++) {
                    double re = yr[2 * k], im = yr[2 * k + 1], Y = sqrt(re * re + im * im);
                    double g = a_lin * (Y - xr[k]) + a_log * sg[k] / (Y + MSS_EPS);
                    double h = (k == 0 || 2 * k == c->n) ? 1 : 0.5;   // c2r doubles inner bins
                    double u = Y > 0 ? g * h / Y : 0;
                    sp[2 * k] = (rv_real)(u * re); sp[2 * k + 1] = (rv_real)(u * im);
                }
                FFTW(execute_dft_c2r)(c->c2r, (FFTW(complex) *)sp, f);
                long start = t * c->hop - c->n / 2;
                if (start >= 0 && start + c->n <= n)
                    for (int i = 0; i < c->n; i++) d[start + i] += c->win[i] * f[i];
                else
                    for (int i = 0; i < c->n; i++) d[reflect(start + i, n)] += c->win[i] * f[i];
            }
        }
    }
}
