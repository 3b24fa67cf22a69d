// align.c: integer lag alignment (eval-metrics.md §0). The cross-correlation
// c[k] = sum_n ref[n] est[n + k] is computed with one FFT product and maximised over
// |k| <= max_lag; ties go to the smallest |k|. The circular correlation of size N equals the
// linear one for every |k| <= max_lag as soon as N >= max(n_ref, n_est) + max_lag (no term
// wraps around), so N is the next power of two above that, not above n_ref + n_est.
// Above EV_ALIGN_WHOLE_MAX points (long recordings) that FFT's buffers would grow with the
// length (4 x 128 MB for 10 minutes at 44.1 kHz), so the same lags are summed block by block
// (overlap-save: each block of the reference against the estimate around it, in double):
// the same correlation up to float rounding, and the same lag unless two lags tie to it.
#include "eval/metrics.h"

#include <stdlib.h>
#include <string.h>

#include "core/fft.h"      // defines: gd_fft_alloc, gd_fft_free
#include "core/fftwise.h"  // defines: gd_fftwise_r2c, gd_fftwise_c2r

#define EV_ALIGN_WHOLE_MAX (1 << 21)

// The lag in [-max_lag, max_lag] with the largest c (c[max_lag + k] = lag k); ties to the
// smallest |k|, 0 unless the best value is positive.
static int64_t best_lag(const double *c, int64_t max_lag, int64_t n_ref, int64_t n_est) {
    int64_t best = 0;
    double best_v = c[max_lag];
    for (int64_t k = 1; k <= max_lag; k++) {
        if (k < n_est && c[max_lag + k] > best_v) { best_v = c[max_lag + k]; best = k; }
        if (k < n_ref && c[max_lag - k] > best_v) { best_v = c[max_lag - k]; best = -k; }
    }
    return best_v > 0 ? best : 0;
}

// Blocks of B reference samples s .. s+B against est[s - max_lag .. s + B + max_lag) (zeros
// outside), FFT size M >= B + 2 max_lag: circular lag j = k + max_lag never wraps.
static int64_t lag_blocked(const float *ref, int64_t n_ref, const float *est, int64_t n_est,
                           int64_t max_lag, int *ok) {
    const int64_t L = max_lag;
    int64_t M = 1 << 16;
    while (M < 4 * (2 * L + 1)) M <<= 1;
    const int64_t B = M - 2 * L, nb = M / 2 + 1;
    float *a = gd_fft_alloc(M), *b = gd_fft_alloc(M), *A = gd_fft_alloc(2 * nb), *Bf = gd_fft_alloc(2 * nb);
    double *c = calloc(2 * L + 1, sizeof(double));
    int64_t best = 0;
    *ok = a && b && A && Bf && c;
    for (int64_t s = 0; *ok && s < n_ref; s += B) {
        for (int64_t i = 0; i < M; i++) a[i] = i < B && s + i < n_ref ? ref[s + i] : 0.0f;
        for (int64_t i = 0; i < M; i++) {
            int64_t j = s - L + i;
            b[i] = i < B + 2 * L && j >= 0 && j < n_est ? est[j] : 0.0f;
        }
        if (gd_fftwise_r2c((int)M, 1, a, A) || gd_fftwise_r2c((int)M, 1, b, Bf)) { *ok = 0; break; }
        for (int64_t k = 0; k < nb; k++) {  // conj(A) * B
            float ar = A[2 * k], ai = A[2 * k + 1], br = Bf[2 * k], bi = Bf[2 * k + 1];
            A[2 * k] = ar * br + ai * bi;
            A[2 * k + 1] = ar * bi - ai * br;
        }
        if (gd_fftwise_c2r((int)M, 1, A, a)) { *ok = 0; break; }
        for (int64_t j = 0; j <= 2 * L; j++) c[j] += a[j];
    }
    if (*ok) best = best_lag(c, L, n_ref, n_est);
    gd_fft_free(a); gd_fft_free(b); gd_fft_free(A); gd_fft_free(Bf); free(c);
    return best;
}

int64_t ev_align_lag(const float *ref, int64_t n_ref, const float *est, int64_t n_est,
                     int64_t max_lag, int *ok) {
    *ok = 1;
    if (max_lag < 0) max_lag = 0;
    int64_t nf = 1;
    while (nf < (n_ref > n_est ? n_ref : n_est) + max_lag) nf <<= 1;
    if (nf < 2) nf = 2;
    if (nf > EV_ALIGN_WHOLE_MAX && nf > 8 * (2 * max_lag + 1))
        return lag_blocked(ref, n_ref, est, n_est, max_lag, ok);
    const int64_t nb = nf / 2 + 1;
    float *a = gd_fft_alloc(nf), *b = gd_fft_alloc(nf);
    float *A = gd_fft_alloc(2 * nb), *B = gd_fft_alloc(2 * nb);
    if (!a || !b || !A || !B) {
        gd_fft_free(a); gd_fft_free(b); gd_fft_free(A); gd_fft_free(B);
        *ok = 0; return 0;
    }
    memcpy(a, ref, sizeof(float) * n_ref);
    memset(a + n_ref, 0, sizeof(float) * (nf - n_ref));
    memcpy(b, est, sizeof(float) * n_est);
    memset(b + n_est, 0, sizeof(float) * (nf - n_est));
    if (gd_fftwise_r2c((int)nf, 1, a, A) || gd_fftwise_r2c((int)nf, 1, b, B)) {
        gd_fft_free(a); gd_fft_free(b); gd_fft_free(A); gd_fft_free(B);
        *ok = 0; return 0;
    }
    for (int64_t k = 0; k < nb; k++) {  // conj(A) * B
        float ar = A[2 * k], ai = A[2 * k + 1], br = B[2 * k], bi = B[2 * k + 1];
        A[2 * k] = ar * br + ai * bi;
        A[2 * k + 1] = ar * bi - ai * br;
    }
    gd_fftwise_c2r((int)nf, 1, A, a);   // a[k] = c[k] * nf, negative k wrapped to nf + k
    int64_t best = 0;
    double best_v = a[0];
    for (int64_t k = 1; k <= max_lag; k++) {
        if (k < n_est && a[k] > best_v) { best_v = a[k]; best = k; }
        if (k < n_ref && a[nf - k] > best_v) { best_v = a[nf - k]; best = -k; }
    }
    if (!(best_v > 0)) best = 0;
    gd_fft_free(a); gd_fft_free(b); gd_fft_free(A); gd_fft_free(B);
    return best;
}
