// noise.c: the `noise` effect: room tone at a target SNR (white, pink, brown, or a file).
//
// Noise: eight xoshiro256+ lanes seeded from the effect's Philox stream, near-Gaussian (sum
// of four uniforms). SNR is relative to the mean power of the whole input buffer; the noise is scaled from its
// own measured power so the realised SNR equals snr to float precision. Pink: Paul Kellet's
// refined filter (-3 dB/octave within 0.05 dB above 9 Hz at 44.1 kHz); brown: leaky
// integrator of white (-6 dB/octave above ~3 Hz). A file is read at the buffer's rate and
// channel count, looped, from a seeded random offset. Silent input stays silent (an SNR
// relative to nothing is undefined).
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "augment/effect.h"   // defines: aug_effect, aug__power, aug__sum_squares
#include "core/error.h"       // defines: GD_ERR_*
#include "core/log.h"         // defines: gd_error
#include "core/rng.h"         // defines: gd_rng
#include "core/simd.h"       // defines: GD_SIMD

// Parameter indices: positions in params[] and in aug_vals.num / aug_vals.str.
enum { NOISE_SNR, NOISE_COLOR, NOISE_FILE, NOISE_SEED };

static const aug_param params[] = {
    [NOISE_SNR]   = {"snr",   AUG_P_NUM,  40, -20, 120, NULL, "signal-to-noise ratio, dB"},
    [NOISE_COLOR] = {"color", AUG_P_ENUM, 0,  0,   0,   "white|pink|brown", "noise colour"},
    [NOISE_FILE]  = {"file",  AUG_P_STR,  0,  0,   0,   NULL,
                     "noise file (overrides color; @pool in run)"},
    [NOISE_SEED]  = {"seed",  AUG_P_NUM,  0,  0,   4294967295.0, NULL, "noise seed"},
};

// Eight xoshiro256+ generators (Blackman & Vigna) side by side in vector lanes, seeded from
// the Philox stream: draw i of a block comes from lane i % 8, so the generator vectorises.
typedef uint64_t v8u __attribute__((vector_size(8 * sizeof(uint64_t))));
#define BLOCK 1024   // samples per block, a multiple of 8

typedef struct {
    v8u s0, s1, s2, s3;                          // xoshiro256+ state, one generator per lane
    double b0, b1, b2, b3, b4, b5, b6, br;       // pink and brown filter state
} noise_src;

static void noise_seed(noise_src *x, gd_rng *rng) {
    memset(x, 0, sizeof *x);
    for (int l = 0; l < 8; l++) {
        x->s0[l] = gd_rng_u64(rng) | 1;   // never all zero
        x->s1[l] = gd_rng_u64(rng);
        x->s2[l] = gd_rng_u64(rng);
        x->s3[l] = gd_rng_u64(rng);
    }
}

static inline void xo_next(noise_src *x, uint64_t out[8]) {
    v8u r = x->s0 + x->s3, t = x->s1 << 17;
    x->s2 ^= x->s0; x->s3 ^= x->s1; x->s1 ^= x->s2; x->s0 ^= x->s3;
    x->s2 ^= t; x->s3 = (x->s3 << 45) | (x->s3 >> 19);
    memcpy(out, &r, sizeof r);
}

// Unit-variance noise from the four 16-bit quarters of one 64-bit draw, given as its two
// 32-bit halves (Irwin-Hall n = 4: close to Gaussian, bounded at +-3.46 sigma; white either
// way). The sum is below 2^18, so float holds it exactly. Vectorisable given the draws.
static inline float draw_to_noise(uint32_t lo, uint32_t hi) {
    int32_t s = (int32_t)((lo & 0xffff) + (lo >> 16) + (hi & 0xffff) + (hi >> 16));
    return ((float)s * (1.0f / 65536.0f) - 2.0f) * 1.73205081f;
}

// The next m (<= BLOCK) samples of unit-variance noise of the colour into y. White is the
// vectorised generator alone; pink and brown filter it (serial, state kept in x).
GD_SIMD
static void noise_block(noise_src *x, float *y, int m, int colour) {
    uint64_t u[BLOCK];
    uint32_t lo[BLOCK], hi[BLOCK];
    for (int i = 0; i < m; i += 8) xo_next(x, u + i);
    for (int i = 0; i < m; i++) {
        lo[i] = (uint32_t)u[i];
        hi[i] = (uint32_t)(u[i] >> 32);
    }
    if (colour == 0) {
        for (int i = 0; i < m; i++) y[i] = draw_to_noise(lo[i], hi[i]);
        return;
    }
    double b0 = x->b0, b1 = x->b1, b2 = x->b2, b3 = x->b3, b4 = x->b4, b5 = x->b5, b6 = x->b6;
    double br = x->br;
    for (int i = 0; i < m; i++) {
        double w = draw_to_noise(lo[i], hi[i]);
        if (colour == 1) {
            b0 = 0.99886 * b0 + w * 0.0555179; b1 = 0.99332 * b1 + w * 0.0750759;
            b2 = 0.96900 * b2 + w * 0.1538520; b3 = 0.86650 * b3 + w * 0.3104856;
            b4 = 0.55000 * b4 + w * 0.5329522; b5 = -0.7616 * b5 - w * 0.0168980;
            y[i] = (float)(b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362);
            b6 = w * 0.115926;
        } else {
            br = 0.9995 * br + w * 0.05;
            y[i] = (float)br;
        }
    }
    x->b0 = b0; x->b1 = b1; x->b2 = b2; x->b3 = b3; x->b4 = b4; x->b5 = b5; x->b6 = b6;
    x->br = br;
}

// A noise file, looped from a seeded random offset, into nz (the buffer's shape).
static int file_noise(float *nz, const gd_audio *a, const char *path, gd_rng *rng) {
    gd_audio f;
    int rc = gd_audio_read(&f, path, a->rate, a->n_channels);
    if (rc) return rc;
    int64_t off = (int64_t)gd_rng_below(rng, (uint64_t)f.n_frames);
    for (int c = 0; c < a->n_channels; c++)
        for (int64_t i = 0; i < a->n_frames; i++)
            nz[c * a->n_frames + i] = f.data[c * f.n_frames + (off + i) % f.n_frames];
    gd_audio_free(&f);
    return 0;
}

// Generated noise is made twice from the same seeds, once to measure its power and once to
// add it scaled: cheaper than a whole-signal buffer's fresh pages.
GD_SIMD
static int noise_apply(gd_audio *a, const aug_vals *v) {
    double ps = aug__power(a);
    if (ps <= 0) return 0;
    int64_t n = a->n_frames, total = n * a->n_channels;
    int colour = (int)v->num[NOISE_COLOR];
    const uint64_t stream = gd_rng_stream_id("augment/noise", "v1");
    gd_rng rng;
    gd_rng_init(&rng, (uint64_t)v->num[NOISE_SEED], stream);
    float *nz = NULL, y[BLOCK];
    double pn = 0;
    if (v->str[NOISE_FILE][0]) {
        if (!(nz = malloc(sizeof(float) * (size_t)(total ? total : 1)))) return GD_ERR_NOMEM;
        int rc = file_noise(nz, a, v->str[NOISE_FILE], &rng);
        if (rc) { free(nz); return rc; }
        pn = aug__sum_squares(nz, total);
    } else {
        for (int c = 0; c < a->n_channels; c++) {
            noise_src src;
            noise_seed(&src, &rng);
            for (int64_t s = 0; s < n; s += BLOCK) {
                int m = (int)(n - s < BLOCK ? n - s : BLOCK);
                noise_block(&src, y, m, colour);
                pn += aug__sum_squares(y, m);
            }
        }
    }
    pn /= (double)total;
    if (pn <= 0) {
        gd_error("noise: noise file %s is silent", v->str[NOISE_FILE]);
        free(nz);
        return GD_ERR_EMPTY;
    }
    float g = (float)sqrt(ps / pn * pow(10.0, -v->num[NOISE_SNR] / 10.0));
    if (nz) {
        for (int64_t i = 0; i < total; i++) a->data[i] += g * nz[i];
        free(nz);
        return 0;
    }
    gd_rng_init(&rng, (uint64_t)v->num[NOISE_SEED], stream);   // the same noise, added this time
    for (int c = 0; c < a->n_channels; c++) {
        noise_src src;
        noise_seed(&src, &rng);
        float *x = a->data + c * n;
        for (int64_t s = 0; s < n; s += BLOCK) {
            int m = (int)(n - s < BLOCK ? n - s : BLOCK);
            noise_block(&src, y, m, colour);
            for (int i = 0; i < m; i++) x[s + i] += g * y[i];
        }
    }
    return 0;
}

const aug_effect aug_effect_noise = {
    "noise", "room tone at a target SNR: white, pink, brown or from a file",
    params, sizeof params / sizeof params[0], AUG_F_RANDOM, noise_apply};
