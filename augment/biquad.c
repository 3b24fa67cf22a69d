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

void aug_biquad_run(const aug_biquad *bq, float *x, int64_t n) {
    const double b0 = bq->b0, b1 = bq->b1, b2 = bq->b2, a1 = bq->a1, a2 = bq->a2;
    double z1 = 0, z2 = 0;
    for (int64_t s = 0; s < n; s += 64) {
        int64_t e = n - s < 64 ? n : s + 64;
        for (int64_t i = s; i < e; i++) {   // recursion only: nothing else on its path
            double in = x[i], y = b0 * in + z1;
            z1 = b1 * in - a1 * y + z2;
            z2 = b2 * in - a2 * y;
            x[i] = (float)y;
        }
        // flush tiny states every 64 samples (not per sample: that sat on the recursion's
        // critical path), so silence tails stay cheap and decay exactly to zero
        if (fabs(z1) < 1e-30) z1 = 0;
        if (fabs(z2) < 1e-30) z2 = 0;
    }
}

double aug_biquad_mag(const aug_biquad *bq, double f, double rate) {
    double complex z1 = cexp(-I * 2 * M_PI * f / rate), z2 = z1 * z1;
    return cabs((bq->b0 + bq->b1 * z1 + bq->b2 * z2) / (1 + bq->a1 * z1 + bq->a2 * z2));
}
