// fastlog.h: eval's name (ev_logf) for the branch-free float log of core/fastlog.h, and the
// vectorised row kernels of fastlog.c (log ratios, squared differences, peak search), which
// have AVX2/AVX-512F clones (simd.h).
#ifndef EV_FASTLOG_H
#define EV_FASTLOG_H

#include <stdint.h>

#include "core/fastlog.h"   // defines: gd_logf

static inline float ev_logf(float x) { return gd_logf(x); }

// y[i] = ln x[i] for n values (x and y may alias).
static inline void ev_logf_n(float *y, const float *x, int64_t n) {
    for (int64_t i = 0; i < n; i++) y[i] = ev_logf(x[i]);
}

// out[k] = ln((max(a_k, fl) + eps) / (max(b_k, fl) + eps)) for k < n (fastlog.c; vectorised).
void ev_logratio(float *out, const float *a, const float *b, int n, float fl, float eps);

// num += sum (max(a_k, fl) - max(b_k, fl))^2, den += sum max(a_k, fl)^2 (fastlog.c).
void ev_row_sqdiff(const float *a, const float *b, int n, float fl, double *num, double *den);

// Sum over k < n of |ln((max(a_k, fl) + eps) / (max(b_k, fl) + eps))| (power = 1) or of its
// square (power = 2); tmp holds n floats. Partial sums in eight float lanes (fastlog.c).
double ev_sum_logratio(const float *a, const float *b, int n, float fl, float eps, int power,
                       float *tmp);
static inline double ev_sum_abs_logratio(const float *a, const float *b, int n, float fl, float eps,
                                         float *tmp) {
    return ev_sum_logratio(a, b, n, fl, eps, 1, tmp);
}

// First index of the largest |x[i]| (i < n) and that value in *peak; 0 and *peak = 0 when
// every sample is zero (the same as a scan keeping the first strict maximum).
int64_t ev_argmax_abs(const float *x, int64_t n, float *peak);

#endif
