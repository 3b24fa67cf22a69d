// sisdr.c: scale-invariant SDR (Le Roux et al. 2018; eval-metrics.md §2.5). Both signals are
// made zero-mean; alpha = <t, r> / ||r||^2; e = t - alpha r;
//   SI-SDR = 10 log10(||alpha r||^2 / ||e||^2) dB.
// A diagnostic only for phase-changing models such as RAVE (docs/eval-metrics.md §2.5).
#include "eval/metrics.h"

#include <math.h>

ev_val ev_si_sdr(const float *ref, const float *est, int64_t n) {
    if (n <= 0) return ev_null("empty signals");
    double mr = 0, mt = 0;
    for (int64_t i = 0; i < n; i++) { mr += ref[i]; mt += est[i]; }
    mr /= (double)n; mt /= (double)n;
    double rr = 0, tr = 0, tt = 0;
    for (int64_t i = 0; i < n; i++) {
        double a = ref[i] - mr, b = est[i] - mt;
        rr += a * a; tr += a * b; tt += b * b;
    }
    if (rr <= 0) return ev_null("reference is silent (or constant)");
    double alpha = tr / rr;
    double target = alpha * alpha * rr;
    double err = tt - 2 * alpha * tr + alpha * alpha * rr;   // ||t - alpha r||^2
    if (target <= 0) return ev_null("estimate is orthogonal to the reference");
    if (err <= target * 1e-14) return ev_null("estimate equals the scaled reference (infinite)");
    return ev_ok(10.0 * log10(target / err));
}
