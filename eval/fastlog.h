// fastlog.h: a branch-free natural logarithm for positive normal floats, written so GCC can
// vectorise loops over it (the metric loops spend most of their time in log()).
// ln x = e ln 2 + ln m with x = m 2^e, m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh(s) with
// s = (m - 1)/(m + 1), |s| <= 0.172, by its odd series up to s^11 (error < 1e-9 before float
// rounding). Accuracy about 1e-7 relative, like logf. Zero, negative, denormal, Inf and NaN
// inputs are the caller's responsibility (every caller floors its arguments first).
// Also declares the vectorised row kernels of fastlog.c (log ratios, squared differences,
// peak search), which have AVX2/AVX-512F clones (simd.h).
#ifndef EV_FASTLOG_H
#define EV_FASTLOG_H

#include <stdint.h>
#include <string.h>

static inline float ev_logf(float x) {
    uint32_t b;
    memcpy(&b, &x, 4);
    int e = (int)((b >> 23) & 255) - 127;
    uint32_t mb = (b & 0x7FFFFFu) | 0x3F800000u;
    float m;
    memcpy(&m, &mb, 4);
    int adj = m > 1.41421356f;          // branch-free so loops vectorise
    m = m * (1.0f - 0.5f * (float)adj);
    e += adj;
    float s = (m - 1.0f) / (m + 1.0f), s2 = s * s;
    float p = 2.0f / 11;
    p = p * s2 + 2.0f / 9;
    p = p * s2 + 2.0f / 7;
    p = p * s2 + 2.0f / 5;
    p = p * s2 + 2.0f / 3;
    p = p * s2 + 2.0f;
    return (float)e * 0.693147180559945f + s * p;
}

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
