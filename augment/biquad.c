// biquad.c: RBJ cookbook biquad design and filtering (see biquad.h).
#include <complex.h>
#include <math.h>
#include <string.h>

#include "augment/biquad.h"   // defines: aug_biquad_*
#include "core/simd.h"       // defines: GD_SIMD

void aug_biquad_design(aug_biquad *bq, aug_bq_type type, double freq, double q,
                       double gain_db, double rate) {
    if (freq < 1e-3) freq = 1e-3;
    if (freq > 0.49 * rate) freq = 0.49 * rate;
    double A = pow(10.0, gain_db / 40.0);
    double w0 = 2 * M_PI * freq / rate, cw = cos(w0), sw = sin(w0);
    double alpha = sw / (2 * q);
    double b0, b1, b2, a0, a1, a2, sA = 2 * sqrt(A) * alpha;
    switch (type) {
    case AUG_BQ_LOWPASS:  b0 = (1 - cw) / 2; b1 = 1 - cw; b2 = b0; a0 = 1 + alpha; a1 = -2 * cw; a2 = 1 - alpha; break;
    case AUG_BQ_HIGHPASS: b0 = (1 + cw) / 2; b1 = -(1 + cw); b2 = b0; a0 = 1 + alpha; a1 = -2 * cw; a2 = 1 - alpha; break;
    case AUG_BQ_BANDPASS: b0 = alpha; b1 = 0; b2 = -alpha; a0 = 1 + alpha; a1 = -2 * cw; a2 = 1 - alpha; break;
    case AUG_BQ_NOTCH:    b0 = 1; b1 = -2 * cw; b2 = 1; a0 = 1 + alpha; a1 = -2 * cw; a2 = 1 - alpha; break;
    case AUG_BQ_PEAK:     b0 = 1 + alpha * A; b1 = -2 * cw; b2 = 1 - alpha * A;
                          a0 = 1 + alpha / A; a1 = -2 * cw; a2 = 1 - alpha / A; break;
    case AUG_BQ_LOWSHELF:
        b0 = A * ((A + 1) - (A - 1) * cw + sA); b1 = 2 * A * ((A - 1) - (A + 1) * cw);
        b2 = A * ((A + 1) - (A - 1) * cw - sA); a0 = (A + 1) + (A - 1) * cw + sA;
        a1 = -2 * ((A - 1) + (A + 1) * cw); a2 = (A + 1) + (A - 1) * cw - sA; break;
    case AUG_BQ_HIGHSHELF:
        b0 = A * ((A + 1) + (A - 1) * cw + sA); b1 = -2 * A * ((A - 1) + (A + 1) * cw);
        b2 = A * ((A + 1) + (A - 1) * cw - sA); a0 = (A + 1) - (A - 1) * cw + sA;
        a1 = 2 * ((A - 1) - (A + 1) * cw); a2 = (A + 1) - (A - 1) * cw - sA; break;
    default:              b0 = 1 - alpha; b1 = -2 * cw; b2 = 1 + alpha; a0 = 1 + alpha; a1 = -2 * cw; a2 = 1 - alpha; break;
    }
    bq->b0 = b0 / a0; bq->b1 = b1 / a0; bq->b2 = b2 / a0; bq->a1 = a1 / a0; bq->a2 = a2 / a0;
}

// Eight samples per step in block state-space form. With the transposed direct form II state
// s = (z1, z2), the next K outputs and the state after them are linear in (s, u[0..K-1]):
//   y[k] = S0[k] z1 + S1[k] z2 + sum_{j<=k} h[k-j] u[j],   s' = A^K s + sum_j G[j] u[j].
// The matrices come from running the scalar recursion on unit states and unit impulses.
// Only s' = A^K s + (...) sits on the recursion's critical path, one multiply-add per state
// component for every K samples; the outputs are a small matrix-vector product that
// vectorises across k. Same operations in the same order on every instruction set.
#define BQ_K 8

typedef struct {
    double h[BQ_K][BQ_K];   // h[j][k]: output k from a unit input at j (0 for k < j)
    double s0[BQ_K], s1[BQ_K];   // output k from unit z1, unit z2
    double g0[BQ_K], g1[BQ_K];   // z1', z2' from a unit input at j
    double a00, a01, a10, a11;   // A^K
} bq_block;

// One scalar step of the transposed direct form II.
static inline double bq_step(const aug_biquad *bq, double u, double *z1, double *z2) {
    double y = bq->b0 * u + *z1;
    *z1 = bq->b1 * u - bq->a1 * y + *z2;
    *z2 = bq->b2 * u - bq->a2 * y;
    return y;
}

static void bq_block_init(bq_block *m, const aug_biquad *bq) {
    for (int j = 0; j < BQ_K; j++) {   // unit impulse at j from zero state
        double z1 = 0, z2 = 0;
        for (int k = 0; k < BQ_K; k++) m->h[j][k] = bq_step(bq, k == j, &z1, &z2);
        m->g0[j] = z1;
        m->g1[j] = z2;
    }
    for (int c = 0; c < 2; c++) {   // unit state, no input
        double z1 = c == 0, z2 = c == 1, *s = c == 0 ? m->s0 : m->s1;
        for (int k = 0; k < BQ_K; k++) s[k] = bq_step(bq, 0, &z1, &z2);
        if (c == 0) { m->a00 = z1; m->a10 = z2; } else { m->a01 = z1; m->a11 = z2; }
    }
}

// GCC/Clang vector types: element-wise IEEE operations, the same bits at every vector width.
typedef double bq_v8 __attribute__((vector_size(BQ_K * sizeof(double))));
typedef double bq_v4 __attribute__((vector_size(4 * sizeof(double))));
typedef double bq_v2 __attribute__((vector_size(2 * sizeof(double))));
typedef float bq_v8f __attribute__((vector_size(BQ_K * sizeof(float))));

GD_SIMD
void aug_biquad_run(const aug_biquad *bq, float *x, int64_t n) {
    bq_block m;
    bq_block_init(&m, bq);
    bq_v8f h[BQ_K], s0, s1;
    bq_v8 g0, g1;
    bq_v2 a0 = {m.a00, m.a10}, a1 = {m.a01, m.a11};
    for (int k = 0; k < BQ_K; k++) {
        for (int j = 0; j < BQ_K; j++) h[j][k] = (float)m.h[j][k];
        s0[k] = (float)m.s0[k];
        s1[k] = (float)m.s1[k];
        g0[k] = m.g0[k];
        g1[k] = m.g1[k];
    }
    double z1 = 0, z2 = 0;
    int64_t i = 0;
    for (int64_t flush = 0; i + BQ_K <= n; i += BQ_K) {
        bq_v8f u, y = {0};
        memcpy(&u, x + i, sizeof u);
        for (int j = 0; j < BQ_K; j++) y += h[j] * u[j];
        // the input's part of the next state (double), summed before the state's
        bq_v8 ud = __builtin_convertvector(u, bq_v8), w0 = g0 * ud, w1 = g1 * ud;
        bq_v8 p = __builtin_shufflevector(w0, w1, 0, 1, 2, 3, 8, 9, 10, 11) +
                  __builtin_shufflevector(w0, w1, 4, 5, 6, 7, 12, 13, 14, 15);
        bq_v4 q = __builtin_shufflevector(p, p, 0, 1, 4, 5) + __builtin_shufflevector(p, p, 2, 3, 6, 7);
        bq_v2 zu = __builtin_shufflevector(q, q, 0, 2) + __builtin_shufflevector(q, q, 1, 3);
        y += s0 * (float)z1 + s1 * (float)z2;
        bq_v2 z = a0 * z1 + a1 * z2 + zu;
        memcpy(x + i, &y, sizeof y);
        z1 = z[0];
        z2 = z[1];
        // flush tiny states now and then (not per block: that sat on the critical path), so
        // silent tails stay cheap and decay exactly to zero
        if (++flush == 8) {
            flush = 0;
            if (fabs(z1) < 1e-30) z1 = 0;
            if (fabs(z2) < 1e-30) z2 = 0;
        }
    }
    for (; i < n; i++) x[i] = (float)bq_step(bq, x[i], &z1, &z2);
}

double aug_biquad_mag(const aug_biquad *bq, double f, double rate) {
    double complex z1 = cexp(-I * 2 * M_PI * f / rate), z2 = z1 * z1;
    return cabs((bq->b0 + bq->b1 * z1 + bq->b2 * z2) / (1 + bq->a1 * z1 + bq->a2 * z2));
}
