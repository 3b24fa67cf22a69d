// decay.c: decay time by Schroeder backward integration (eval-metrics.md §5.3). From the
// peak of |x|: E(i) = sum_{j >= i} x[j]^2, D(i) = 10 log10(E(i) / E(peak)); a least-squares
// line through D between its first -5 dB and first -25 dB samples (T20-style) gives the
// slope in dB/s; T60 = -60 / slope. An exponential amplitude e^(-t/tau) gives 6.908 tau.
#include "eval/metrics.h"

#include <math.h>
#include <stdlib.h>

#include "eval/fastlog.h"  // defines: ev_logf, ev_argmax_abs
#include "core/simd.h"     // defines: GD_SIMD

// E(p + i) for i in [0, m), the backward running sum, is not kept: a first backward run
// stores it at every CHUNK-th index (plus the sums' start, i = m); any chunk's values are then
// rebuilt, identically, by the same backward run from the checkpoint above it. Memory: a
// double per CHUNK samples plus one chunk.
#define CHUNK 65536

typedef struct {
    const float *x;      // x + p
    int64_t      m;
    double      *ck;     // ck[c] = E at index c * CHUNK (the sum over i >= c * CHUNK), c <= n_ck
    int64_t      n_ck;   // chunks
    double      *e;      // one chunk's values
    int64_t      c;      // the chunk in e, -1 none
} energy;

static int energy_init(energy *en, const float *x, int64_t m) {
    en->x = x; en->m = m; en->c = -1;
    en->n_ck = (m + CHUNK - 1) / CHUNK;
    en->ck = malloc(sizeof(double) * (en->n_ck + 1));
    en->e = malloc(sizeof(double) * CHUNK);
    if (!en->ck || !en->e) return -1;
    double acc = 0;
    en->ck[en->n_ck] = 0;
    for (int64_t i = m - 1; i >= 0; i--) {
        acc += (double)x[i] * x[i];
        if (i % CHUNK == 0) en->ck[i / CHUNK] = acc;
    }
    return 0;
}

static void energy_free(energy *en) { free(en->ck); free(en->e); }

// E at index i (0 <= i < m): the chunk holding i is rebuilt from the running sum above it.
static double energy_at(energy *en, int64_t i) {
    const int64_t c = i / CHUNK;
    if (c != en->c) {
        const int64_t a = c * CHUNK, b = a + CHUNK < en->m ? a + CHUNK : en->m;
        double acc = c + 1 < en->n_ck ? en->ck[c + 1] : 0;   // E at b, or nothing past the end
        for (int64_t j = b - 1; j >= a; j--) { acc += (double)en->x[j] * en->x[j]; en->e[j - a] = acc; }
        en->c = c;
    }
    return en->e[i - c * CHUNK];
}

// First index with E(i) <= thr (E never increases), -1 when none.
static int64_t first_at_or_below(energy *en, double thr) {
    const int64_t m = en->m;
    if (m <= 0 || energy_at(en, m - 1) > thr) return -1;
    int64_t lo = 0, hi = m - 1;   // E(hi) <= thr
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (energy_at(en, mid) <= thr) hi = mid; else lo = mid + 1;
    }
    return lo;
}

// out[i] = ln((float)(E(i0 + i) / e0)) for i < n.
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
    energy en;
    if (energy_init(&en, x + p, n - p)) { energy_free(&en); return ev_null("out of memory"); }
    const double e0 = energy_at(&en, 0);
    const double t5 = e0 * pow(10.0, -0.5), t25 = e0 * pow(10.0, -2.5);
    int64_t i5 = first_at_or_below(&en, t5), i25 = first_at_or_below(&en, t25);
    ev_val out;
    if (i5 < 0 || i25 < 0 || i25 - i5 < 2) out = ev_null("decay does not reach -25 dB");
    else {
        double sx = 0, sy = 0, sxx = 0, sxy = 0, k = (double)(i25 - i5 + 1);
        float *lg = malloc(sizeof(float) * CHUNK);
        if (!lg) { energy_free(&en); return ev_null("out of memory"); }
        for (int64_t a = i5; a <= i25;) {   // chunk by chunk, in index order
            energy_at(&en, a);
            const int64_t c_end = (a / CHUNK + 1) * CHUNK, b = c_end <= i25 ? c_end : i25 + 1;
            log_ratios(lg, en.e + (a - en.c * CHUNK), b - a, e0);
            for (int64_t i = a; i < b; i++) {
                double t = (double)i / rate, d = (10.0 / M_LN10) * lg[i - a];
                sx += t; sy += d; sxx += t * t; sxy += t * d;
            }
            a = b;
        }
        free(lg);
        double slope = (k * sxy - sx * sy) / (k * sxx - sx * sx);
        out = slope < 0 ? ev_ok(-60.0 / slope) : ev_null("energy does not decay");
    }
    energy_free(&en);
    return out;
}
