// lowshare.c: share of a signal's energy below a cutoff (60 Hz for the pair suite): the
// one-sided power spectrum of the whole mean-removed signal, zero-padded to a power of two
// (rectangular window: a one-shot starts and ends near silence), gives
//   share = sum_{f_k < cutoff} w_k |X_k|^2 / sum_k w_k |X_k|^2,   w_k = 2 except DC and Nyquist.
// Rumble or missing body below 60 Hz shows here when the broadband metrics hardly move.
// Above EV_LOWSHARE_WHOLE_MAX points (long recordings) that FFT's buffers would grow with the
// length (320 MB for 10 minutes at 44.1 kHz), so the same sums come in pieces: the total by
// Parseval (sum_k w_k |X_k|^2 = N sum y^2), the low bins k < K by decimation in time,
//   X_k = sum_{d < D} e^{-2 pi i k d / N} Y_d[k],   Y_d = DFT_P of y[m D + d] (P = N / D >= 2K),
// D double-precision FFTs of P points in groups (one read of the signal per group), summed in
// double: the same share up to rounding (closer to a double FFT than the float one; README).
#include "eval/metrics.h"

#include <fftw3.h>
#include <math.h>
#include <stdlib.h>

#include "eval/visqol.h"   // defines: ev_fftw_r2c_plan

#include "core/fft.h"      // defines: gd_fft_alloc, gd_fft_free
#include "core/fftwise.h"  // defines: gd_fftwise_plan_r2c, gd_fftwise_exec_r2c_power

#define EV_LOWSHARE_WHOLE_MAX (1 << 21)
#define GROUP 16   // decimated phases per read of the signal

// The low and total sums of the header for nf > EV_LOWSHARE_WHOLE_MAX (K low bins);
// -1 on allocation failure.
static int share_decimated(const float *x, int64_t n, double mean, int64_t nf, int64_t K,
                           double *low, double *total) {
    int64_t P = 1 << 16;
    while (P < 2 * K && P < nf) P <<= 1;
    const int64_t D = nf / P, nb = P / 2 + 1;
    double *re = calloc(K, sizeof(double)), *im = calloc(K, sizeof(double));
    double *z = fftw_alloc_real(GROUP * P);
    fftw_complex *Z = fftw_alloc_complex(nb);
    int owned;
    fftw_plan plan = ev_fftw_r2c_plan((int)P, &owned);
    int rc = re && im && z && Z && plan ? 0 : -1;
    double sq = 0;
    for (int64_t i = 0; i < n; i++) { double v = (float)(x[i] - mean); sq += v * v; }
    for (int64_t d0 = 0; d0 < D && !rc; d0 += GROUP) {
        const int64_t g = D - d0 < GROUP ? D - d0 : GROUP;
        for (int64_t m = 0; m < P; m++)   // z[j P + m] = y[m D + d0 + j]
            for (int64_t j = 0; j < g; j++) {
                int64_t i = m * D + d0 + j;
                z[j * P + m] = i < n ? (float)(x[i] - mean) : 0.0f;
            }
        for (int64_t j = 0; j < g && !rc; j++) {
            fftw_execute_dft_r2c(plan, z + j * P, Z);
            const int64_t d = d0 + j;
            for (int64_t k = 0; k < K; k++) {   // e^{-2 pi i k d / nf}, the phase reduced exactly
                double ph = -2.0 * M_PI * (double)((k * d) % nf) / (double)nf;
                double c = cos(ph), s = sin(ph), yr = Z[k][0], yi = Z[k][1];
                re[k] += c * yr - s * yi;
                im[k] += c * yi + s * yr;
            }
        }
    }
    if (!rc) {
        *low = 0;
        for (int64_t k = 0; k < K; k++)
            *low += (k == 0 || k == nf / 2 ? 1.0 : 2.0) * (re[k] * re[k] + im[k] * im[k]);
        *total = (double)nf * sq;
    }
    free(re); free(im); fftw_free(z); fftw_free(Z);
    ev_fftw_plan_release(plan, owned);
    return rc;
}

ev_val ev_low_energy_share(const float *x, int64_t n, int rate, double cutoff_hz) {
    if (n <= 0 || rate <= 0) return ev_null("empty signal");
    int64_t nf = 16;
    while (nf < n) nf <<= 1;
    double mean = 0;
    for (int64_t i = 0; i < n; i++) mean += x[i];
    mean /= (double)n;
    if (nf > EV_LOWSHARE_WHOLE_MAX) {
        int64_t K = 0;
        while (K <= nf / 2 && (double)K * rate / (double)nf < cutoff_hz) K++;
        double low = 0, total = 0;
        if (K <= nf / 4 && 2 * K <= (int64_t)1 << 24) {
            if (share_decimated(x, n, mean, nf, K, &low, &total)) return ev_null("out of memory");
            if (!(total > 0)) return ev_null("silent (or constant) signal");
            return ev_ok(low / total);
        }
    }
    const void *plan = gd_fftwise_plan_r2c((int)nf, 1);
    float *in = gd_fft_alloc(nf), *scratch = gd_fft_alloc(nf + 2), *pw = gd_fft_alloc(nf / 2 + 1);
    if (!plan || !in || !scratch || !pw) {
        gd_fft_free(in); gd_fft_free(scratch); gd_fft_free(pw);
        return ev_null("out of memory");
    }
    for (int64_t i = 0; i < nf; i++) in[i] = i < n ? (float)(x[i] - mean) : 0.0f;
    gd_fftwise_exec_r2c_power(plan, in, scratch, pw, 0);
    double low = 0, total = 0;
    for (int64_t k = 0; k <= nf / 2; k++) {
        double e = (k == 0 || k == nf / 2 ? 1.0 : 2.0) * pw[k];
        total += e;
        if ((double)k * rate / (double)nf < cutoff_hz) low += e;
    }
    gd_fft_free(in); gd_fft_free(scratch); gd_fft_free(pw);
    if (!(total > 0)) return ev_null("silent (or constant) signal");
    return ev_ok(low / total);
}
