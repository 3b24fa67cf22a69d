// fastlog.c: the vectorised log-ratio row kernel behind ev_sum_abs_logratio (fastlog.h).
// Kept out of line: GCC vectorises it here, but not always once inlined into the callers.
#include "eval/fastlog.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/simd.h"  // defines: GD_SIMD

GD_SIMD void ev_logratio(float *out, const float *a, const float *b, int n, float fl, float eps) {
    for (int k = 0; k < n; k++) {
        float x = a[k] > fl ? a[k] : fl, z = b[k] > fl ? b[k] : fl;
        out[k] = ev_logf((x + eps) / (z + eps));
    }
}

// Eight float lanes as one GCC vector (element-wise IEEE ops, so the same values as a loop
// over an array of eight floats); max(v, fl) through a compare mask (v > fl ? v : fl).
typedef float ev_v8f __attribute__((vector_size(32)));
typedef int32_t ev_v8i __attribute__((vector_size(32)));

// (Macros, not functions: a function returning a 32-byte vector trips GCC's -Wpsabi in the
// baseline clone.)
#define V8_LOAD(v, p) memcpy(&(v), (p), sizeof(v))
#define V8_MAX(v, fl) ((ev_v8f)(((ev_v8i)(v) & ((v) > (fl))) | ((ev_v8i)(fl) & ~((v) > (fl)))))

GD_SIMD void ev_row_sqdiff(const float *a, const float *b, int n, float fl, double *num, double *den) {
    // Eight float lanes over blocks of 64 values, flushed to double after each block.
    double A = 0, B = 0;
    const ev_v8f flv = {fl, fl, fl, fl, fl, fl, fl, fl};
    int k = 0;
    for (; k + 64 <= n; k += 64) {
        ev_v8f s0 = {0}, s1 = {0};
        for (int j = 0; j < 64; j += 8) {
            ev_v8f x, z;
            V8_LOAD(x, a + k + j);
            V8_LOAD(z, b + k + j);
            x = V8_MAX(x, flv);
            z = V8_MAX(z, flv);
            ev_v8f d = x - z;
            s0 += d * d;
            s1 += x * x;
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

GD_SIMD double ev_sum_logratio(const float *a, const float *b, int n, float fl, float eps, int power,
                       float *tmp) {
    // Eight float lanes over blocks of 64 values, flushed to double after each block, so a
    // lane never sums more than 8 terms (float rounding stays ~1e-7 relative even when every
    // term is equal, as in the gain validation vectors).
    ev_logratio(tmp, a, b, n, fl, eps);
    double acc = 0;
    int k = 0;
    for (; k + 64 <= n; k += 64) {
        ev_v8f s = {0};
        if (power == 2) {
            for (int j = 0; j < 64; j += 8) { ev_v8f v; V8_LOAD(v, tmp + k + j); s += v * v; }
        } else {
            const ev_v8i nosign = {INT32_MAX, INT32_MAX, INT32_MAX, INT32_MAX,
                                   INT32_MAX, INT32_MAX, INT32_MAX, INT32_MAX};
            for (int j = 0; j < 64; j += 8) {
                ev_v8f v;
                V8_LOAD(v, tmp + k + j);
                s += (ev_v8f)((ev_v8i)v & nosign);   // |v|
            }
        }
        acc += (((double)s[0] + s[1]) + ((double)s[2] + s[3])) + (((double)s[4] + s[5]) + ((double)s[6] + s[7]));
    }
    for (; k < n; k++) acc += power == 2 ? (double)tmp[k] * tmp[k] : fabsf(tmp[k]);
    return acc;
}

GD_SIMD int64_t ev_argmax_abs(const float *x, int64_t n, float *peak) {
    float pk = 0;
    for (int64_t i = 0; i < n; i++) {   // vector max of |x|
        float a = fabsf(x[i]);
        pk = a > pk ? a : pk;
    }
    *peak = pk;
    if (!(pk > 0)) return 0;
    for (int64_t i = 0; i < n; i++) if (fabsf(x[i]) == pk) return i;
    return 0;
}
