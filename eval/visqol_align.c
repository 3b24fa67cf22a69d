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

// FFTW's planner is not thread-safe; execution with the new-array interface is.
static pthread_mutex_t g_plan_lock = PTHREAD_MUTEX_INITIALIZER;

static fftw_plan plan_dft(int n, fftw_complex *in, fftw_complex *out, int sign) {
    pthread_mutex_lock(&g_plan_lock);
    fftw_plan p = fftw_plan_dft_1d(n, in, out, sign, FFTW_ESTIMATE);
    pthread_mutex_unlock(&g_plan_lock);
    return p;
}
static fftw_plan plan_r2c(int n, double *in, fftw_complex *out) {
    pthread_mutex_lock(&g_plan_lock);
    fftw_plan p = fftw_plan_dft_r2c_1d(n, in, out, FFTW_ESTIMATE);
    pthread_mutex_unlock(&g_plan_lock);
    return p;
}
static fftw_plan plan_c2r(int n, fftw_complex *in, double *out) {
    pthread_mutex_lock(&g_plan_lock);
    fftw_plan p = fftw_plan_dft_c2r_1d(n, in, out, FFTW_ESTIMATE);
    pthread_mutex_unlock(&g_plan_lock);
    return p;
}
static void plan_free(fftw_plan p) {
    if (!p) return;
    pthread_mutex_lock(&g_plan_lock);
    fftw_destroy_plan(p);
    pthread_mutex_unlock(&g_plan_lock);
}

// Upper envelope of x (n) into env (n): |hilbert(x - mean)| + mean. 0 or -1 (memory).
static int upper_env(double *env, const double *x, int64_t n) {
    double mean = 0;
    for (int64_t i = 0; i < n; i++) mean += x[i];
    mean /= (double)n;
    fftw_complex *a = fftw_alloc_complex(n), *b = fftw_alloc_complex(n);
    fftw_plan pf = NULL, pb = NULL;
    int rc = -1;
    if (!a || !b) goto done;
    pf = plan_dft((int)n, a, b, FFTW_FORWARD);
    pb = plan_dft((int)n, b, a, FFTW_BACKWARD);
    if (!pf || !pb) goto done;
    for (int64_t i = 0; i < n; i++) a[i] = x[i] - mean;
    fftw_execute_dft(pf, a, b);
    // analytic spectrum: DC and Nyquist once, positive frequencies doubled, negative zero
    int64_t half = (n + 1) / 2;
    for (int64_t i = 1; i < half; i++) b[i] *= 2.0;
    for (int64_t i = n / 2 + 1; i < n; i++) b[i] = 0;
    fftw_execute_dft(pb, b, a);
    for (int64_t i = 0; i < n; i++) env[i] = cabs(a[i] / (double)n) + mean;
    rc = 0;
done:
    plan_free(pf); plan_free(pb);
    fftw_free(a); fftw_free(b);
    return rc;
}

int64_t ev_visqol_best_lag(const double *a, int64_t na, const double *b, int64_t nb, int *ok) {
    *ok = 0;
    int64_t n = na > nb ? na : nb, max_lag = n - 1, N = 1;
    while (N < 2 * n - 1) N *= 2;
    double *ea = fftw_alloc_real(N), *eb = fftw_alloc_real(N);
    fftw_complex *fa = fftw_alloc_complex(N / 2 + 1), *fb = fftw_alloc_complex(N / 2 + 1);
    fftw_plan pf = NULL, pb = NULL;
    int64_t best = 0;
    if (!ea || !eb || !fa || !fb) goto done;
    memset(ea, 0, sizeof(double) * N);
    memset(eb, 0, sizeof(double) * N);
    if (upper_env(ea, a, na) || upper_env(eb, b, nb)) goto done;
    pf = plan_r2c((int)N, ea, fa);
    pb = plan_c2r((int)N, fa, ea);
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
    plan_free(pf); plan_free(pb);
    fftw_free(ea); fftw_free(eb); fftw_free(fa); fftw_free(fb);
    return best;
}
