// compress.c: the `compress` effect: feed-forward compressor and soft saturation.
//
// Level detector: peak over channels in dB; static curve with a soft knee of width knee dB
// (Giannoulis, Massberg & Reiss, JAES 2012, eq. 4); gain reduction smoothed in the dB domain
// with separate attack and release one-pole filters (branching detector), linked channels.
// Three passes per 1024-sample block: detector and gain computer (vectorised, own log2),
// smoothing (release in closed form 8 samples at a time, attack serial), gains (vectorised,
// own exp2). Then tanh saturation:
// y = tanh(k x) / tanh(k), k = 1 + 9 sat (sat = 0: off), which keeps full scale at full scale
// and rounds off peaks.
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "augment/effect.h"   // defines: aug_effect
#include "core/simd.h"       // defines: GD_SIMD

// Parameter indices: positions in params[] and in aug_vals.num / aug_vals.str.
enum { COMPRESS_THRESHOLD, COMPRESS_RATIO, COMPRESS_KNEE, COMPRESS_ATTACK, COMPRESS_RELEASE,
       COMPRESS_MAKEUP, COMPRESS_SAT };

static const aug_param params[] = {
    [COMPRESS_THRESHOLD] = {"threshold", AUG_P_NUM, -20, -60, 0,    NULL, "threshold, dBFS"},
    [COMPRESS_RATIO]     = {"ratio",     AUG_P_NUM, 4,   1,   50,   NULL, "compression ratio"},
    [COMPRESS_KNEE]      = {"knee",      AUG_P_NUM, 6,   0,   24,   NULL, "soft-knee width, dB"},
    [COMPRESS_ATTACK]    = {"attack",    AUG_P_NUM, 5,   0.01, 500, NULL, "attack time, ms"},
    [COMPRESS_RELEASE]   = {"release",   AUG_P_NUM, 100, 1,   5000, NULL, "release time, ms"},
    [COMPRESS_MAKEUP]    = {"makeup",    AUG_P_NUM, 0,   -24, 48,   NULL, "make-up gain, dB"},
    [COMPRESS_SAT]       = {"sat",       AUG_P_NUM, 0,   0,   1,    NULL,
                            "tanh saturation amount (0 off)"},
};

// log2 and exp2 without libm, branch-free so the block passes vectorise: log2 from the
// exponent plus the atanh series of the mantissa in [sqrt(1/2), sqrt(2)) (error < 1e-8);
// exp2 from 2^round(x) times the Taylor series of 2^f, |f| <= 1/2 (error < 1e-8 relative).
static inline float fast_log2f(float x) {
    union { float f; uint32_t u; } v = {x};
    int e = (int)((v.u >> 23) & 0xff) - 127;
    v.u = (v.u & 0x007fffffu) | 0x3f800000u;   // mantissa m in [1, 2)
    float m = v.f;
    int big = m > 1.41421356f;
    m = big ? 0.5f * m : m;
    e += big;
    float t = (m - 1.0f) / (m + 1.0f), t2 = t * t;
    float series = t * (2.0f + t2 * (0.666666667f + t2 * (0.4f + t2 * (0.285714286f + t2 * 0.222222222f))));
    return (float)e + series * 1.44269504f;
}

static inline float fast_exp2f(float x) {
    x = x < -126.0f ? -126.0f : x > 126.0f ? 126.0f : x;
    float n = (x + 12582912.0f) - 12582912.0f, f = (x - n) * 0.693147181f;
    float p = 1.0f + f * (1.0f + f * (0.5f + f * (0.166666667f + f * (0.0416666667f +
              f * (0.00833333333f + f * (0.00138888889f + f * 0.000198412698f))))));
    union { uint32_t u; float f; } s = {(uint32_t)((int)n + 127) << 23};
    return p * s.f;
}

// Static curve (dB in, dB out) with a soft knee of width w, branch-free: ir = 1 / r and
// kc = (1 / r - 1) / (2 w) (any finite value when w = 0) precomputed, so no division.
static inline float gain_computer(float xl, float t, float ir, float w, float kc) {
    float d = xl - t, above = t + d * ir, k = d + w / 2;
    float knee = xl + kc * k * k;
    float y = 2 * d < -w ? xl : above;
    return (w > 0) & (2 * fabsf(d) <= w) ? knee : y;
}

#define BLOCK 1024
#define K 8   // samples per step of the smoothing's release fast path

typedef float v8f __attribute__((vector_size(K * sizeof(float))));
typedef int32_t v8i __attribute__((vector_size(K * sizeof(int32_t))));

// Release smoothing over K samples at once: gs[k+1] = ar gs[k] + (1 - ar) c[k] is linear, so
// the K states after each step are R gs0 + T c, with R[k] = ar^(k+1) and
// T[j][k] = ar^(k-j) (1 - ar) for j <= k. Only one multiply-add per K samples is serial.
typedef struct { v8f rm1, t[K]; } release_block;   // rm1 = R - 1: R itself is too close to 1 for float

static void release_block_init(release_block *rb, double ar) {
    for (int k = 0; k < K; k++) rb->rm1[k] = (float)expm1((k + 1) * log(ar));
    for (int j = 0; j < K; j++)
        for (int k = 0; k < K; k++) rb->t[j][k] = k < j ? 0 : (float)(pow(ar, k - j) * -expm1(log(ar)));
}

// Attack/release smoothing of m gain changes gc (dB, <= 0) into g, from state *gs. Where a
// whole K-block releases (every c >= the state before it, the common case) the block form
// gives it; otherwise the plain branching one-pole runs for those K samples.
static inline void smooth(float *g, const float *gc, int m, float *gs_io, double aa, double ar,
                          const release_block *rb) {
    float gs = *gs_io;
    int i = 0;
    for (; i + K <= m; i += K) {
        v8f c, tc = {0};
        memcpy(&c, gc + i, sizeof c);
        for (int j = 0; j < K; j++) tc += rb->t[j] * c[j];
        // the state's term last; the next state also as a scalar (the same operations as
        // lane K - 1), so the serial path is one multiply-add per K samples
        v8f r = tc + (gs + rb->rm1 * gs);
        float next = tc[K - 1] + (gs + rb->rm1[K - 1] * gs);
        v8f before = __builtin_shufflevector(r, r, 0, 0, 1, 2, 3, 4, 5, 6);
        before[0] = gs;
        v8i lt = c < before;   // -1 in the lanes where the attack branch applies
        lt |= __builtin_shufflevector(lt, lt, 4, 5, 6, 7, 0, 1, 2, 3);
        lt |= __builtin_shufflevector(lt, lt, 2, 3, 0, 1, 6, 7, 4, 5);
        lt |= __builtin_shufflevector(lt, lt, 1, 0, 3, 2, 5, 4, 7, 6);
        if (!lt[0]) {
            memcpy(g + i, &r, sizeof r);
            gs = next;
        } else {
            for (int k = 0; k < K; k++) {
                float ck = c[k];
                gs = (float)(ck < gs ? aa * gs + (1 - aa) * ck : ar * gs + (1 - ar) * ck);
                g[i + k] = gs;
            }
        }
    }
    for (; i < m; i++) {
        float ck = gc[i];
        gs = (float)(ck < gs ? aa * gs + (1 - aa) * ck : ar * gs + (1 - ar) * ck);
        g[i] = gs;
    }
    *gs_io = gs > -1e-7f ? 0 : gs;   // released: exactly unity (and no denormals) from here on
}

// Clones for AVX-512 and AVX2 widen the vectorised passes only: the same float operations
// lane by lane (no FMA contraction in ISO C mode), so the same bits as the baseline build.
GD_SIMD
static int compress_apply(gd_audio *a, const aug_vals *v) {
    double ratio = v->num[COMPRESS_RATIO], knee = v->num[COMPRESS_KNEE];
    float t = (float)v->num[COMPRESS_THRESHOLD], w = (float)knee, ir = (float)(1 / ratio);
    float kc = w > 0 ? (float)((1 / ratio - 1) / (2 * knee)) : 0.0f;
    double aa = exp(-1.0 / (v->num[COMPRESS_ATTACK] * 1e-3 * a->rate));
    double ar = exp(-1.0 / (v->num[COMPRESS_RELEASE] * 1e-3 * a->rate));
    double makeup = v->num[COMPRESS_MAKEUP], sat = v->num[COMPRESS_SAT];
    // below the knee the static curve is the identity: compare linear peaks, skip the log
    float lin_lo = (float)pow(10.0, (t - w / 2) / 20.0), g_makeup = (float)pow(10.0, makeup / 20.0);
    float mk2 = (float)(makeup * 0.16609640474436813);
    int64_t n = a->n_frames;
    int C = a->n_channels;
    release_block rb;
    release_block_init(&rb, ar);
    float peak[BLOCK], gc[BLOCK], g[BLOCK];
    float gs = 0;   // smoothed gain in dB (<= 0)
    for (int64_t s0 = 0; s0 < n; s0 += BLOCK) {
        int m = (int)(n - s0 < BLOCK ? n - s0 : BLOCK);
        // 1. level detector (peak over channels) and static curve: gain change in dB
        for (int i = 0; i < m; i++) peak[i] = fabsf(a->data[s0 + i]);
        for (int c = 1; c < C; c++) {
            const float *x = a->data + c * n + s0;
            for (int i = 0; i < m; i++) peak[i] = fmaxf(peak[i], fabsf(x[i]));
        }
        for (int i = 0; i < m; i++) {
            int above = peak[i] > lin_lo;
            float xl = 6.02059991f * fast_log2f(above ? peak[i] : 1.0f);   // dBFS
            gc[i] = above ? gain_computer(xl, t, ir, w, kc) - xl : 0.0f;
        }
        // 2. attack / release smoothing in dB (the only serial part)
        smooth(g, gc, m, &gs, aa, ar, &rb);
        // 3. gains, applied to every channel alike
        for (int i = 0; i < m; i++)
            g[i] = g[i] > -1e-7f ? g_makeup : fast_exp2f(g[i] * 0.16609640474436813f + mk2);
        for (int c = 0; c < C; c++) {
            float *x = a->data + c * n + s0;
            for (int i = 0; i < m; i++) x[i] *= g[i];
        }
    }
    if (sat > 0) {
        double k = 1 + 9 * sat, norm = 1 / tanh(k);
        for (int64_t i = 0; i < n * a->n_channels; i++)
            a->data[i] = (float)(tanh(k * a->data[i]) * norm);
    }
    return 0;
}

const aug_effect aug_effect_compress = {
    "compress", "feed-forward compressor (soft knee, attack/release) and tanh saturation",
    params, sizeof params / sizeof params[0], 0, compress_apply};
