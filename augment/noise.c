// noise.c: the `noise` effect: room tone at a target SNR (white, pink, brown, or a file).
//
// Noise: xoshiro256+ seeded from the effect's Philox stream, near-Gaussian (sum of four
// uniforms). SNR is relative to the mean power of the whole input buffer; the noise is scaled from its
// own measured power so the realised SNR equals snr to float precision. Pink: Paul Kellet's
// refined filter (-3 dB/octave within 0.05 dB above 9 Hz at 44.1 kHz); brown: leaky
// integrator of white (-6 dB/octave above ~3 Hz). A file is read at the buffer's rate and
// channel count, looped, from a seeded random offset. Silent input stays silent (an SNR
// relative to nothing is undefined).
#include <math.h>
#include <stdlib.h>

#include "augment/effect.h"   // defines: aug_effect, aug__power, aug__sum_squares
#include "core/error.h"       // defines: GD_ERR_*
#include "core/log.h"         // defines: gd_error
#include "core/rng.h"         // defines: gd_rng
#include "core/simd.h"       // defines: GD_SIMD

static const aug_param params[] = {
    {"snr",   AUG_P_NUM,  40, -20, 120, NULL, "signal-to-noise ratio, dB"},
    {"color", AUG_P_ENUM, 0,  0,   0,   "white|pink|brown", "noise colour"},
    {"file",  AUG_P_STR,  0,  0,   0,   NULL, "noise file (overrides color; @pool in run)"},
    {"seed",  AUG_P_NUM,  0,  0,   4294967295.0, NULL, "noise seed"},
};

// xoshiro256+ (Blackman & Vigna), seeded from the Philox stream: a few ns per draw.
typedef struct { uint64_t s[4]; } xo256;

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t xo_next(xo256 *x) {
    uint64_t r = x->s[0] + x->s[3], t = x->s[1] << 17;
    x->s[2] ^= x->s[0]; x->s[3] ^= x->s[1]; x->s[1] ^= x->s[2]; x->s[0] ^= x->s[3];
    x->s[2] ^= t; x->s[3] = rotl(x->s[3], 45);
    return r;
}

// Unit-variance noise from the four 16-bit quarters of one draw (Irwin-Hall n = 4: close to
// Gaussian, bounded at +-3.46 sigma; white either way). Vectorisable given the draws.
static inline double draw_to_noise(uint64_t u) {
    double s = (double)(int32_t)(u & 0xffff) + (double)(int32_t)((u >> 16) & 0xffff) +
               (double)(int32_t)((u >> 32) & 0xffff) + (double)(int32_t)(u >> 48);   // exact
    return (s / 65536.0 - 2.0) * 1.7320508075688772;
}

GD_SIMD
static void gen_colour(float *y, int64_t n, int colour, gd_rng *rng) {
    xo256 xo;
    for (int i = 0; i < 4; i++) xo.s[i] = gd_rng_u64(rng) | (i == 0);
    if (colour == 0) {   // white: the serial generator alone, then the conversion vectorised
        uint64_t u[1024];
        for (int64_t s = 0; s < n; s += 1024) {
            int m = (int)(n - s < 1024 ? n - s : 1024);
            for (int i = 0; i < m; i++) u[i] = xo_next(&xo);
            for (int i = 0; i < m; i++) y[s + i] = (float)draw_to_noise(u[i]);
        }
        return;
    }
    double b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0, br = 0;
    for (int64_t i = 0; i < n; i++) {
        double w = draw_to_noise(xo_next(&xo));
        if (colour == 1) {
            b0 = 0.99886 * b0 + w * 0.0555179; b1 = 0.99332 * b1 + w * 0.0750759;
            b2 = 0.96900 * b2 + w * 0.1538520; b3 = 0.86650 * b3 + w * 0.3104856;
            b4 = 0.55000 * b4 + w * 0.5329522; b5 = -0.7616 * b5 - w * 0.0168980;
            y[i] = (float)(b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362);
            b6 = w * 0.115926;
        } else if (colour == 2) {
            br = 0.9995 * br + w * 0.05;
            y[i] = (float)br;
        } else {
            y[i] = (float)w;
        }
    }
}

GD_SIMD
static int noise_apply(gd_audio *a, const aug_vals *v) {
    double ps = aug__power(a);
    if (ps <= 0) return 0;
    int64_t total = a->n_frames * a->n_channels;
    float *nz = aug__signal_alloc((size_t)(total ? total : 1));
    if (!nz) return GD_ERR_NOMEM;
    gd_rng rng;
    gd_rng_init(&rng, (uint64_t)v->num[3], gd_rng_stream_id("augment/noise", "v1"));
    if (v->str[2][0]) {
        gd_audio f;
        int rc = gd_audio_read(&f, v->str[2], a->rate, a->n_channels);
        if (rc) { free(nz); return rc; }
        int64_t off = (int64_t)gd_rng_below(&rng, (uint64_t)f.n_frames);
        for (int c = 0; c < a->n_channels; c++)
            for (int64_t i = 0; i < a->n_frames; i++)
                nz[c * a->n_frames + i] = f.data[c * f.n_frames + (off + i) % f.n_frames];
        gd_audio_free(&f);
    } else {
        for (int c = 0; c < a->n_channels; c++)
            gen_colour(nz + c * a->n_frames, a->n_frames, (int)v->num[1], &rng);
    }
    double pn = aug__sum_squares(nz, total) / (double)total;
    if (pn <= 0) {
        gd_error("noise: noise file %s is silent", v->str[2]);
        free(nz);
        return GD_ERR_EMPTY;
    }
    double g = sqrt(ps / pn * pow(10.0, -v->num[0] / 10.0));
    for (int64_t i = 0; i < total; i++) a->data[i] += (float)(g * nz[i]);
    free(nz);
    return 0;
}

const aug_effect aug_effect_noise = {
    "noise", "room tone at a target SNR: white, pink, brown or from a file",
    params, sizeof params / sizeof params[0], AUG_F_RANDOM, noise_apply};
