// decay.c: decay time by Schroeder backward integration (eval-metrics.md §5.3). From the
// peak of |x|: E(i) = sum_{j >= i} x[j]^2, D(i) = 10 log10(E(i) / E(peak)); a least-squares
// line through D between its first -5 dB and first -25 dB samples (T20-style) gives the
// slope in dB/s; T60 = -60 / slope. An exponential amplitude e^(-t/tau) gives 6.908 tau.
#include "eval/metrics.h"

#include <math.h>
#include <stdlib.h>

#include "eval/fastlog.h"  // defines: ev_logf, ev_argmax_abs
#include "core/simd.h"     // defines: GD_SIMD

// First index with e[i] <= thr of a nonincreasing e (n values), -1 when none.
static int64_t first_at_or_below(const double *e, int64_t n, double thr) {
    if (n <= 0 || e[n - 1] > thr) return -1;
    int64_t lo = 0, hi = n - 1;   // e[hi] <= thr
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (e[mid] <= thr) hi = mid; else lo = mid + 1;
    }
    return lo;
}

// out[i] = ln((float)(e[i] / e0)) for i < n.
GD_SIMD static void log_ratios(float *restrict out, const double *restrict e, int64_t n, double e0) {
    for (int64_t i = 0; i < n; i++) {
        float r = (float)(e[i] / e0);
        out[i] = ev_logf(r);
    }
}

ev_val ev_decay_t60(const float *x, int64_t n, int rate) {
    float pk;
    const int64_t p = ev_argmax_abs(x, n, &pk);
    if (pk <= 0) return ev_null("silent");
    const int64_t m = n - p;
    double *e = malloc(sizeof(double) * m);
    if (!e) return ev_null("out of memory");
    double acc = 0;
    for (int64_t i = m - 1; i >= 0; i--) { acc += (double)x[p + i] * x[p + i]; e[i] = acc; }
    const double e0 = e[0];
    const double t5 = e0 * pow(10.0, -0.5), t25 = e0 * pow(10.0, -2.5);
    // e never increases (a running sum of squares, built backwards), so the first samples at
    // or below each threshold are found by bisection.
    int64_t i5 = first_at_or_below(e, m, t5), i25 = first_at_or_below(e, m, t25);
    ev_val out;
    if (i5 < 0 || i25 < 0 || i25 - i5 < 2) out = ev_null("decay does not reach -25 dB");
    else {
        double sx = 0, sy = 0, sxx = 0, sxy = 0, k = (double)(i25 - i5 + 1);
        float *lg = malloc(sizeof(float) * (size_t)(i25 - i5 + 1));
        if (!lg) { free(e); return ev_null("out of memory"); }
        log_ratios(lg, e + i5, i25 - i5 + 1, e0);
        for (int64_t i = i5; i <= i25; i++) {
            double t = (double)i / rate, d = (10.0 / M_LN10) * lg[i - i5];
            sx += t; sy += d; sxx += t * t; sxy += t * d;
        }
        free(lg);
        double slope = (k * sxy - sx * sy) / (k * sxx - sx * sx);
        out = slope < 0 ? ev_ok(-60.0 / slope) : ev_null("energy does not decay");
    }
    free(e);
    return out;
}
