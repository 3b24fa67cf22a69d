// biquad.c: RBJ cookbook biquad design and filtering (see biquad.h).
#include <complex.h>
#include <math.h>

#include "augment/biquad.h"   // defines: aug_biquad_*

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

// Two samples per step in state-space form: with s = (z1, z2) of the transposed direct form
// II, s' = A s + B u and y = b0 u + s[0], A = [[-a1, 1], [-a2, 0]], B = (b1 - a1 b0, b2 - a2 b0).
// Stepping s'' = A^2 s + A B u0 + B u1 puts one multiply-add per state component on the
// recursion's critical path for every two samples instead of two dependent ones per sample;
// both outputs branch off it.
void aug_biquad_run(const aug_biquad *bq, float *x, int64_t n) {
    const double b0 = bq->b0, a1 = bq->a1, a2 = bq->a2;
    const double B0 = bq->b1 - a1 * b0, B1 = bq->b2 - a2 * b0;
    const double A00 = a1 * a1 - a2, A01 = -a1, A10 = a1 * a2, A11 = -a2;   // A^2
    const double AB0 = -a1 * B0 + B1, AB1 = -a2 * B0;                        // A B
    double s0 = 0, s1 = 0;
    int64_t i = 0;
    while (i < n) {
        int64_t e = n - i < 64 ? n : i + 64;
        for (; i + 1 < e; i += 2) {
            double u0 = x[i], u1 = x[i + 1];
            double y0 = b0 * u0 + s0;
            double y1 = b0 * u1 + (-a1 * s0 + s1 + B0 * u0);
            double n0 = A00 * s0 + A01 * s1 + (AB0 * u0 + B0 * u1);
            double n1 = A10 * s0 + A11 * s1 + (AB1 * u0 + B1 * u1);
            s0 = n0;
            s1 = n1;
            x[i] = (float)y0;
            x[i + 1] = (float)y1;
        }
        if (i < e) {   // odd sample at the end
            double u = x[i], y = b0 * u + s0;
            double n0 = -a1 * s0 + s1 + B0 * u, n1 = -a2 * s0 + B1 * u;
            s0 = n0;
            s1 = n1;
            x[i] = (float)y;
            i++;
        }
        // flush tiny states every 64 samples (not per sample: that sat on the critical
        // path), so silence tails stay cheap and decay exactly to zero
        if (fabs(s0) < 1e-30) s0 = 0;
        if (fabs(s1) < 1e-30) s1 = 0;
    }
}

double aug_biquad_mag(const aug_biquad *bq, double f, double rate) {
    double complex z1 = cexp(-I * 2 * M_PI * f / rate), z2 = z1 * z1;
    return cabs((bq->b0 + bq->b1 * z1 + bq->b2 * z2) / (1 + bq->a1 * z1 + bq->a2 * z2));
}
