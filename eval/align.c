// align.c: integer lag alignment (eval-metrics.md §0). The cross-correlation
// c[k] = sum_n ref[n] est[n + k] is computed with one FFT product and maximised over
// |k| <= max_lag; ties go to the smallest |k|. The circular correlation of size N equals the
// linear one for every |k| <= max_lag as soon as N >= max(n_ref, n_est) + max_lag (no term
// wraps around), so N is the next power of two above that, not above n_ref + n_est.
#include "eval/metrics.h"

#include <string.h>

#include "core/fft.h"      // defines: gd_fft_alloc, gd_fft_free
#include "core/fftwise.h"  // defines: gd_fftwise_r2c, gd_fftwise_c2r

int64_t ev_align_lag(const float *ref, int64_t n_ref, const float *est, int64_t n_est,
                     int64_t max_lag, int *ok) {
    *ok = 1;
    if (max_lag < 0) max_lag = 0;
    int64_t nf = 1;
    while (nf < (n_ref > n_est ? n_ref : n_est) + max_lag) nf <<= 1;
    if (nf < 2) nf = 2;
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
