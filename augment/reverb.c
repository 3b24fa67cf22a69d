// reverb.c: the `reverb` effect: impulse-response convolution (FFT overlap-add) with an IR
// file or a synthetic room IR (pre-delay, early reflections, RT60, brightness), wet/dry.
//
// out = (1 - wet) x + wet (x * h), length N + M - 1 (the tail is kept). An IR file is read at
// the buffer's rate, mixed to mono; norm=1 scales the IR to unit energy.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "augment/biquad.h"   // defines: aug_biquad_*
#include "augment/effect.h"   // defines: aug_effect, aug__convolve, aug__resize
#include "core/error.h"       // defines: GD_ERR_*
#include "core/rng.h"         // defines: gd_rng

// Parameter indices: positions in params[] and in aug_vals.num / aug_vals.str.
enum { REVERB_IR, REVERB_RT60, REVERB_PREDELAY, REVERB_BRIGHT, REVERB_ER, REVERB_WET, REVERB_NORM,
       REVERB_SEED };

static const aug_param params[] = {
    [REVERB_IR]       = {"ir",       AUG_P_STR, 0,   0,    0,    NULL,
                         "impulse-response file (empty: synthetic)"},
    [REVERB_RT60]     = {"rt60",     AUG_P_NUM, 0.5, 0.05, 8,    NULL,
                         "synthetic: decay time to -60 dB, s"},
    [REVERB_PREDELAY] = {"predelay", AUG_P_NUM, 10,  0,    200,  NULL, "synthetic: pre-delay, ms"},
    [REVERB_BRIGHT]   = {"bright",   AUG_P_NUM, 0.5, 0,    1,    NULL,
                         "synthetic: high-band decay (0 dark, 1 flat)"},
    [REVERB_ER]       = {"er",       AUG_P_NUM, 6,   0,    32,   NULL,
                         "synthetic: number of early reflections"},
    [REVERB_WET]      = {"wet",      AUG_P_NUM, 0.3, 0,    1,    NULL,
                         "wet fraction; dry is 1 - wet"},
    [REVERB_NORM]     = {"norm",     AUG_P_NUM, 1,   0,    1,    NULL,
                         "1: scale the IR to unit energy"},
    [REVERB_SEED]     = {"seed",     AUG_P_NUM, 0,   0,    4294967295.0, NULL, "synthetic IR seed"},
};

int aug__reverb_ir(float **h, int64_t *m, double rt60, double predelay_ms, double bright,
                   int n_er, int norm, uint64_t seed, int rate) {
    int64_t pd = (int64_t)llround(predelay_ms * 1e-3 * rate);
    int64_t late = (int64_t)ceil(1.5 * rt60 * rate);   // to -90 dB
    int64_t n = pd + late + 1;
    float *y = calloc((size_t)n, sizeof(float)), *hi = malloc((size_t)n * sizeof(float));
    if (!y || !hi) { free(y); free(hi); return GD_ERR_NOMEM; }
    gd_rng rng;
    gd_rng_init(&rng, seed, gd_rng_stream_id("augment/reverb", "ir"));
    for (int64_t i = 0; i < late; i++) hi[i] = (float)gd_rng_normal(&rng);
    memcpy(y + pd, hi, (size_t)late * sizeof(float));
    aug_biquad lp;
    aug_biquad_design(&lp, AUG_BQ_LOWPASS, 3000, M_SQRT1_2, 0, rate);
    aug_biquad_run(&lp, y + pd, late);
    double rt_hi = rt60 * (0.25 + 0.75 * bright);
    int64_t fade = rate / 200;   // 5 ms onset ramp of the late field
    // envelopes 10^(-3 t / rt) as running products (relative error < 1e-11 over the tail)
    double d_lo = pow(10.0, -3.0 / (rt60 * rate)), d_hi = pow(10.0, -3.0 / (rt_hi * rate));
    double e_lo = 1, e_hi = 1;
    for (int64_t i = 0; i < late; i++, e_lo *= d_lo, e_hi *= d_hi) {
        double lo_part = y[pd + i], hi_part = hi[i] - lo_part;
        double ramp = i < fade ? (double)i / fade : 1;
        y[pd + i] = (float)(ramp * 0.3 * (e_lo * lo_part + e_hi * hi_part));
    }
    for (int k = 0; k < n_er; k++) {
        int64_t at = pd + (int64_t)(gd_rng_range(&rng, 0.001, 0.040) * rate);
        double g = gd_rng_range(&rng, 0.3, 1.0) * (gd_rng_uniform(&rng) < 0.5 ? -1 : 1);
        if (at < n) y[at] += (float)g;
    }
    if (norm) {
        double e = 0;
        for (int64_t i = 0; i < n; i++) e += (double)y[i] * y[i];
        if (e > 0)
            for (int64_t i = 0; i < n; i++) y[i] = (float)(y[i] / sqrt(e));
    }
    free(hi);
    *h = y;
    *m = n;
    return 0;
}

static int reverb_apply(gd_audio *a, const aug_vals *v) {
    float *h = NULL;
    int64_t m = 0;
    double wet = v->num[REVERB_WET];
    int rc;
    if (v->str[REVERB_IR][0]) {
        gd_audio f;
        if ((rc = gd_audio_read(&f, v->str[REVERB_IR], a->rate, 1))) return rc;
        h = f.data;
        m = f.n_frames;
        if (v->num[REVERB_NORM]) {
            double e = 0;
            for (int64_t i = 0; i < m; i++) e += (double)h[i] * h[i];
            if (e > 0)
                for (int64_t i = 0; i < m; i++) h[i] = (float)(h[i] / sqrt(e));
        }
    } else if ((rc = aug__reverb_ir(&h, &m, v->num[REVERB_RT60], v->num[REVERB_PREDELAY],
                                    v->num[REVERB_BRIGHT], (int)v->num[REVERB_ER],
                                    (int)v->num[REVERB_NORM], (uint64_t)v->num[REVERB_SEED],
                                    a->rate))) {
        return rc;
    }
    int64_t n = a->n_frames, n_out = n + m - 1;
    if ((rc = aug__resize(a, n_out))) { free(h); return rc; }
    for (int c = 0; c < a->n_channels && !rc; c++)
        rc = aug__convolve_mix(a->data + c * n_out, n, h, m, 1 - wet, wet);
    free(h);
    return rc;
}

const aug_effect aug_effect_reverb = {
    "reverb", "convolution reverb with an IR file or a synthetic room IR; wet/dry",
    params, sizeof params / sizeof params[0], AUG_F_RANDOM, reverb_apply};
