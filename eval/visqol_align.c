// visqol_align.c: ViSQOL's alignment primitive: Hilbert upper envelopes (|analytic signal| of
// the mean-removed signal, plus the mean) cross-correlated through FFTW (double precision,
// FFTW_ESTIMATE: the same algorithm every run); the best lag.
#include "eval/visqol.h"

#include <complex.h>
#include <fftw3.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

// FFTW's planner is not thread-safe; execution with the new-array interface is. Plans are
// cached per (kind, n) for the life of the process (ViSQOL re-aligns every patch with
// transforms of the same sizes); past CACHE_N sizes they are made and freed per call.
// Every buffer comes from fftw_malloc, so the cached plans' alignment always holds.
enum { K_C2C_BACK, K_R2C, K_C2R, CACHE_N = 48 };
static pthread_mutex_t g_plan_lock = PTHREAD_MUTEX_INITIALIZER;
static struct { int kind, n; fftw_plan p; } g_cache[CACHE_N];
static int g_cached;

// A plan for kind and n, *owned = 1 when the caller must free it (plan_free); NULL on failure.
static fftw_plan plan_get(int kind, int n, int *owned) {
    fftw_plan p = NULL;
    *owned = 0;
    pthread_mutex_lock(&g_plan_lock);
    for (int i = 0; i < g_cached && !p; i++)
        if (g_cache[i].kind == kind && g_cache[i].n == n) p = g_cache[i].p;
    if (!p) {
        int nh = n / 2 + 1;
        double *r = fftw_alloc_real(n);
        fftw_complex *a = fftw_alloc_complex(n), *b = fftw_alloc_complex(kind == K_C2C_BACK ? n : nh);
        if (r && a && b) {
            if (kind == K_C2C_BACK) p = fftw_plan_dft_1d(n, a, b, FFTW_BACKWARD, FFTW_ESTIMATE);
            else if (kind == K_R2C) p = fftw_plan_dft_r2c_1d(n, r, b, FFTW_ESTIMATE);
            else p = fftw_plan_dft_c2r_1d(n, b, r, FFTW_ESTIMATE);
        }
        fftw_free(r); fftw_free(a); fftw_free(b);
        if (p && g_cached < CACHE_N) {
            g_cache[g_cached].kind = kind; g_cache[g_cached].n = n; g_cache[g_cached].p = p;
            g_cached++;
        } else if (p) *owned = 1;
    }
    pthread_mutex_unlock(&g_plan_lock);
    return p;
}
static void plan_free(fftw_plan p, int owned) {
    if (!p || !owned) return;
    pthread_mutex_lock(&g_plan_lock);
    fftw_destroy_plan(p);
    pthread_mutex_unlock(&g_plan_lock);
}

void *ev_fftw_r2c_plan(int n, int *owned) { return plan_get(K_R2C, n, owned); }
void ev_fftw_plan_release(void *plan, int owned) { plan_free(plan, owned); }

// Upper envelope of x (n) into env (n): |hilbert(x - mean)| + mean, as scipy.signal.hilbert
// (forward real FFT, the analytic spectrum, inverse complex FFT). 0 or -1 (memory).
static int upper_env(double *env, const double *x, int64_t n) {
    double mean = 0;
    for (int64_t i = 0; i < n; i++) mean += x[i];
    mean /= (double)n;
    double *r = fftw_alloc_real(n);
    fftw_complex *a = fftw_alloc_complex(n), *b = fftw_alloc_complex(n);
    int of = 0, ob = 0, rc = -1;
    fftw_plan pf = NULL, pb = NULL;
    if (!r || !a || !b) goto done;
    pf = plan_get(K_R2C, (int)n, &of);
    pb = plan_get(K_C2C_BACK, (int)n, &ob);
    if (!pf || !pb) goto done;
    for (int64_t i = 0; i < n; i++) r[i] = x[i] - mean;
    fftw_execute_dft_r2c(pf, r, b);   // bins 0 .. n/2
    // analytic spectrum: DC and Nyquist once, positive frequencies doubled, negative zero
    int64_t half = (n + 1) / 2;
    for (int64_t i = 1; i < half; i++) b[i] *= 2.0;
    for (int64_t i = n / 2 + 1; i < n; i++) b[i] = 0;
    fftw_execute_dft(pb, b, a);
    for (int64_t i = 0; i < n; i++) env[i] = cabs(a[i] / (double)n) + mean;
    rc = 0;
done:
    plan_free(pf, of); plan_free(pb, ob);
    fftw_free(r); fftw_free(a); fftw_free(b);
    return rc;
}

int64_t ev_visqol_best_lag(const double *a, int64_t na, const double *b, int64_t nb, int *ok) {
    *ok = 0;
    int64_t n = na > nb ? na : nb, max_lag = n - 1, N = 1;
    while (N < 2 * n - 1) N *= 2;
    double *ea = fftw_alloc_real(N), *eb = fftw_alloc_real(N);
    fftw_complex *fa = fftw_alloc_complex(N / 2 + 1), *fb = fftw_alloc_complex(N / 2 + 1);
    fftw_plan pf = NULL, pb = NULL;
    int of = 0, ob = 0;
    int64_t best = 0;
    if (!ea || !eb || !fa || !fb) goto done;
    memset(ea, 0, sizeof(double) * N);
    memset(eb, 0, sizeof(double) * N);
    if (upper_env(ea, a, na) || upper_env(eb, b, nb)) goto done;
    pf = plan_get(K_R2C, (int)N, &of);
    pb = plan_get(K_C2R, (int)N, &ob);
    if (!pf || !pb) goto done;
    fftw_execute_dft_r2c(pf, ea, fa);
    fftw_execute_dft_r2c(pf, eb, fb);
    for (int64_t i = 0; i <= N / 2; i++) fa[i] *= conj(fb[i]);
    fftw_execute_dft_c2r(pb, fa, ea);   // ea[k mod N] = N c[k]
    // first maximum in lag order -max_lag .. max_lag
    double top = -HUGE_VAL;
    for (int64_t k = -max_lag; k <= max_lag; k++) {
        double v = ea[k < 0 ? N + k : k];
        if (v > top) { top = v; best = k; }
    }
    *ok = 1;
done:
    plan_free(pf, of); plan_free(pb, ob);
    fftw_free(ea); fftw_free(eb); fftw_free(fa); fftw_free(fb);
    return best;
}
