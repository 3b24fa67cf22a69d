// fastlog.h: a branch-free natural logarithm for positive normal floats, written so GCC can
// vectorise loops over it (eval's metric loops and the trainer's spectral distance spend
// most of their time in log()).
// ln x = e ln 2 + ln m with x = m 2^e, m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh(s) with
// s = (m - 1)/(m + 1), |s| <= 0.172, by its odd series up to s^11 (error < 1e-9 before float
// rounding). Accuracy about 1e-7 relative, like logf. Element-wise IEEE operations only, so
// every SIMD clone (core/simd.h) gives the same bits. Zero, negative, denormal, Inf and NaN
// inputs are the caller's responsibility (every caller floors its arguments first).
#ifndef GD_FASTLOG_H
#define GD_FASTLOG_H

#include <stdint.h>
#include <string.h>

static inline float gd_logf(float x) {
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

#endif
