// envelope.c: RMS-envelope distance in dB (eval-metrics.md §5.3). 5 ms frames with 1 ms hop
// (running sums), 10 log10 of the mean square, both envelopes floored at 60 dB below the
// reference's loudest frame; mean |difference| over frames where the reference is above
// that floor. Signals are already lag-aligned by the caller.
#include "eval/metrics.h"

#include <math.h>
#include <stdlib.h>

// Mean square per frame into ms (n_frames values); returns the frame count.
static int64_t rms_frames(double *ms, const float *x, int64_t n, int64_t len, int64_t hop) {
    int64_t nf = n >= len ? 1 + (n - len) / hop : 1;
    for (int64_t f = 0; f < nf; f++) {
        int64_t a = f * hop, b = a + len < n ? a + len : n;
        double a0 = 0, a1 = 0, a2 = 0, a3 = 0;   // four chains, added in a fixed order
        int64_t i = a;
        for (; i + 4 <= b; i += 4) {
            a0 += (double)x[i] * x[i]; a1 += (double)x[i + 1] * x[i + 1];
            a2 += (double)x[i + 2] * x[i + 2]; a3 += (double)x[i + 3] * x[i + 3];
        }
        for (; i < b; i++) a0 += (double)x[i] * x[i];
        ms[f] = ((a0 + a1) + (a2 + a3)) / (double)len;
    }
    return nf;
}

ev_val ev_envelope_l1_db(const float *ref, const float *est, int64_t n, int rate) {
    int64_t len = (int64_t)llround(0.005 * rate), hop = (int64_t)llround(0.001 * rate);
    if (len < 1) len = 1;
    if (hop < 1) hop = 1;
    int64_t cap = n >= len ? 1 + (n - len) / hop : 1;
    double *a = malloc(sizeof(double) * cap), *b = malloc(sizeof(double) * cap);
    if (!a || !b) { free(a); free(b); return ev_null("out of memory"); }
    int64_t nf = rms_frames(a, ref, n, len, hop);
    rms_frames(b, est, n, len, hop);
    double peak = 0;
    for (int64_t f = 0; f < nf; f++) if (a[f] > peak) peak = a[f];
    ev_val out;
    if (peak <= 0) out = ev_null("reference is silent");
    else {
        const double fl = peak * 1e-6;   // -60 dB
        double acc = 0;
        int64_t cnt = 0;
        for (int64_t f = 0; f < nf; f++) {
            if (a[f] <= fl) continue;
            acc += fabs(10.0 * log10(a[f]) - 10.0 * log10(fmax(b[f], fl)));
            cnt++;
        }
        out = ev_ok(acc / (double)cnt);
    }
    free(a); free(b);
    return out;
}
