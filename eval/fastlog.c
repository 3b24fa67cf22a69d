// fastlog.c: the vectorised log-ratio row kernel behind ev_sum_abs_logratio (fastlog.h).
// Kept out of line: GCC vectorises it here, but not always once inlined into the callers.
#include "eval/fastlog.h"

#include <math.h>

#include "eval/simd.h"  // defines: EV_SIMD

EV_SIMD void ev_logratio(float *out, const float *a, const float *b, int n, float fl, float eps) {
    for (int k = 0; k < n; k++) {
        float x = a[k] > fl ? a[k] : fl, z = b[k] > fl ? b[k] : fl;
        out[k] = ev_logf((x + eps) / (z + eps));
    }
}

EV_SIMD void ev_row_sqdiff(const float *a, const float *b, int n, float fl, double *num, double *den) {
    // Eight float lanes over blocks of 64 values, flushed to double after each block.
    double A = 0, B = 0;
    int k = 0;
    for (; k + 64 <= n; k += 64) {
        float s0[8] = {0}, s1[8] = {0};
        for (int j = 0; j < 64; j += 8)
            for (int l = 0; l < 8; l++) {
                float x = a[k + j + l] > fl ? a[k + j + l] : fl, z = b[k + j + l] > fl ? b[k + j + l] : fl;
                float d = x - z;
                s0[l] += d * d;
                s1[l] += x * x;
            }
        for (int l = 0; l < 8; l++) { A += s0[l]; B += s1[l]; }
    }
    for (; k < n; k++) {
        float x = a[k] > fl ? a[k] : fl, z = b[k] > fl ? b[k] : fl;
        A += (double)(x - z) * (x - z);
        B += (double)x * x;
    }
    *num += A;
    *den += B;
}

EV_SIMD double ev_sum_logratio(const float *a, const float *b, int n, float fl, float eps, int power,
                       float *tmp) {
    // Eight float lanes over blocks of 64 values, flushed to double after each block, so a
    // lane never sums more than 8 terms (float rounding stays ~1e-7 relative even when every
    // term is equal, as in the gain validation vectors).
    ev_logratio(tmp, a, b, n, fl, eps);
    double acc = 0;
    int k = 0;
    for (; k + 64 <= n; k += 64) {
        float s[8] = {0};
        if (power == 2) {
            for (int j = 0; j < 64; j += 8)
                for (int l = 0; l < 8; l++) s[l] += tmp[k + j + l] * tmp[k + j + l];
        } else {
            for (int j = 0; j < 64; j += 8)
                for (int l = 0; l < 8; l++) s[l] += fabsf(tmp[k + j + l]);
        }
        acc += (((double)s[0] + s[1]) + ((double)s[2] + s[3])) + (((double)s[4] + s[5]) + ((double)s[6] + s[7]));
    }
    for (; k < n; k++) acc += power == 2 ? (double)tmp[k] * tmp[k] : fabsf(tmp[k]);
    return acc;
}
