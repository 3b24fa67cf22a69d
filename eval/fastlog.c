// fastlog.c: the vectorised log-ratio row kernel behind ev_sum_abs_logratio (fastlog.h).
// Kept out of line: GCC vectorises it here, but not always once inlined into the callers.
#include "eval/fastlog.h"

void ev_logratio(float *out, const float *a, const float *b, int n, float fl, float eps) {
    for (int k = 0; k < n; k++) {
        float x = a[k] > fl ? a[k] : fl, z = b[k] > fl ? b[k] : fl;
        out[k] = ev_logf((x + eps) / (z + eps));
    }
}

void ev_row_sqdiff(const float *a, const float *b, int n, float fl, double *num, double *den) {
    // Eight float lanes (vectorised); a row is at most 1025 bins, so each lane sums ~128
    // terms (relative rounding ~1e-6); rows are then accumulated in double by the caller.
    float s0[8] = {0}, s1[8] = {0};
    int k = 0;
    for (; k + 8 <= n; k += 8)
        for (int l = 0; l < 8; l++) {
            float x = a[k + l] > fl ? a[k + l] : fl, z = b[k + l] > fl ? b[k + l] : fl;
            float d = x - z;
            s0[l] += d * d;
            s1[l] += x * x;
        }
    double A = 0, B = 0;
    for (int l = 0; l < 8; l++) { A += s0[l]; B += s1[l]; }
    for (; k < n; k++) {
        float x = a[k] > fl ? a[k] : fl, z = b[k] > fl ? b[k] : fl;
        A += (double)(x - z) * (x - z);
        B += (double)x * x;
    }
    *num += A;
    *den += B;
}
