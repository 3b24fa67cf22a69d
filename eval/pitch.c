// pitch.c: membrane f0 by lowest-spectral-peak tracking (eval-metrics.md §5.4: "more robust
// for inharmonic membranes" than YIN). Frames of win = next power of two >= 90 ms, Hann,
// zero-padded to 2 win, hop win/4, starting at the reference's peak and covering 500 ms.
// A frame is pitched when its energy is within 30 dB of the signal's loudest frame; its f0
// is the lowest local maximum in 30 Hz .. 5 kHz within 20 dB of the strongest bin there,
// refined by a parabola through the log powers. Error: median |1200 log2(f_est / f_ref)|
// over frames where both are pitched (a 50-cent detuned copy reports 50).
#include "eval/metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eval/fastlog.h"  // defines: ev_argmax_abs
#include "core/fft.h"      // defines: gd_fft_alloc, gd_fft_free
#include "core/fftwise.h"  // defines: gd_fftwise_r2c
#include "eval/spec.h"     // defines: ev_hann

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n) {
    qsort(v, n, sizeof(double), cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// f0 per frame (0 = unpitched) for frames starting at p0 + j*hop, j < n_fr.
static int track(double *f0, const float *x, int64_t n, int rate, int64_t p0, int n_fr, int win,
                 int hop) {
    const int nf = 2 * win, nb = nf / 2 + 1;
    float *buf = gd_fft_alloc(nf), *spec = gd_fft_alloc(2 * nb);
    double *energy = malloc(sizeof(double) * n_fr);
    double *pows = malloc(sizeof(double) * (size_t)n_fr * nb);
    if (!buf || !spec || !energy || !pows) {
        gd_fft_free(buf); gd_fft_free(spec); free(energy); free(pows); return -1;
    }
    const float *w = ev_hann(win);   // the same float periodic Hann, shared
    if (!w) { gd_fft_free(buf); gd_fft_free(spec); free(energy); free(pows); return -1; }
    double emax = 0;
    memset(buf, 0, sizeof(float) * nf);   // [win, nf) stays zero
    for (int j = 0; j < n_fr; j++) {
        for (int i = 0; i < win; i++) {
            int64_t s = p0 + (int64_t)j * hop + i;
            buf[i] = s < n ? x[s] * w[i] : 0.0f;
        }
        if (gd_fftwise_r2c(nf, 1, buf, spec)) {
            gd_fft_free(buf); gd_fft_free(spec); free(energy); free(pows); return -1;
        }
        double *P = pows + (size_t)j * nb;
        for (int k = 0; k < nb; k++)
            P[k] = (double)spec[2 * k] * spec[2 * k] + (double)spec[2 * k + 1] * spec[2 * k + 1];
        double e0 = 0, e1 = 0, e2 = 0, e3 = 0;   // four chains, added in a fixed order
        int k = 0;
        for (; k + 4 <= nb; k += 4) { e0 += P[k]; e1 += P[k + 1]; e2 += P[k + 2]; e3 += P[k + 3]; }
        for (; k < nb; k++) e0 += P[k];
        double e = (e0 + e1) + (e2 + e3);
        energy[j] = e;
        if (e > emax) emax = e;
    }
    const int k_lo = (int)ceil(30.0 * nf / rate), k_hi = (int)floor(5000.0 * nf / rate);
    for (int j = 0; j < n_fr; j++) {
        f0[j] = 0;
        if (emax <= 0 || energy[j] < emax * 1e-3) continue;
        const double *P = pows + (size_t)j * nb;
        double pm = 0;
        for (int k = k_lo; k <= k_hi && k < nb - 1; k++) if (P[k] > pm) pm = P[k];
        if (pm <= 0) continue;
        for (int k = k_lo > 1 ? k_lo : 1; k <= k_hi && k < nb - 1; k++) {
            if (P[k] > P[k - 1] && P[k] >= P[k + 1] && P[k] >= pm * 0.01) {
                double a = log(P[k - 1] + 1e-30), b = log(P[k]), c = log(P[k + 1] + 1e-30);
                double den = a - 2 * b + c, d = den < 0 ? 0.5 * (a - c) / den : 0.0;
                f0[j] = (k + d) * rate / nf;
                break;
            }
        }
    }
    gd_fft_free(buf); gd_fft_free(spec); free(energy); free(pows);
    return 0;
}

void ev_f0(const float *ref, const float *est, int64_t n, int rate, ev_val *f0_ref,
           ev_val *f0_est, ev_val *err_cents) {
    int win = 1;
    while (win < 0.09 * rate) win <<= 1;
    const int hop = win / 4;
    float pk;
    const int64_t p0 = ev_argmax_abs(ref, n, &pk);
    *f0_ref = *f0_est = *err_cents = ev_null("reference is silent");
    if (pk <= 0) return;
    int64_t span = (int64_t)(0.5 * rate);
    if (span > n - p0) span = n - p0;
    int n_fr = (int)(span / hop) + 1;
    double *fr = malloc(sizeof(double) * n_fr * 3), *fe = fr + n_fr, *tmp = fe + n_fr;
    *f0_ref = *f0_est = *err_cents = ev_null("out of memory");
    if (!fr) return;
    if (track(fr, ref, n, rate, p0, n_fr, win, hop) || track(fe, est, n, rate, p0, n_fr, win, hop)) {
        free(fr); return;
    }
    int c = 0;
    for (int j = 0; j < n_fr; j++) if (fr[j] > 0) tmp[c++] = fr[j];
    *f0_ref = c ? ev_ok(median(tmp, c)) : ev_null("no pitched frames in the reference");
    c = 0;
    for (int j = 0; j < n_fr; j++) if (fe[j] > 0) tmp[c++] = fe[j];
    *f0_est = c ? ev_ok(median(tmp, c)) : ev_null("no pitched frames in the estimate");
    c = 0;
    for (int j = 0; j < n_fr; j++)
        if (fr[j] > 0 && fe[j] > 0) tmp[c++] = fabs(1200.0 * log2(fe[j] / fr[j]));
    *err_cents = c ? ev_ok(median(tmp, c)) : ev_null("no frames pitched in both signals");
    free(fr);
}
