// gain.c: the `gain` effect: dB gain coupled with brightness, as a softer hit is also darker.
//
// out = 10^(db/20) * highshelf(bright * db dB at bright_hz)(x). bright = 0 is a pure gain;
// bright = 0.5 makes a -6 dB hit also 3 dB darker above bright_hz (velocity layers of real
// drums get brighter with level; see docs/augment.md).
#include <math.h>

#include "augment/biquad.h"   // defines: aug_biquad_*
#include "augment/effect.h"   // defines: aug_effect
#include "core/simd.h"       // defines: GD_SIMD

// Parameter indices: positions in params[] and in aug_vals.num / aug_vals.str.
enum { GAIN_DB, GAIN_BRIGHT, GAIN_BRIGHT_HZ };

static const aug_param params[] = {
    [GAIN_DB]        = {"db",        AUG_P_NUM, 0,    -60, 24,    NULL, "gain in dB"},
    [GAIN_BRIGHT]    = {"bright",    AUG_P_NUM, 0,    0,   2,     NULL,
                        "high-shelf dB per dB of gain"},
    [GAIN_BRIGHT_HZ] = {"bright_hz", AUG_P_NUM, 2500, 200, 16000, NULL,
                        "shelf corner frequency, Hz"},
};

GD_SIMD
static int gain_apply(gd_audio *a, const aug_vals *v) {
    double db = v->num[GAIN_DB], bright = v->num[GAIN_BRIGHT];
    float g = (float)pow(10.0, db / 20.0);
    aug_biquad bq;
    int shelf = bright * db != 0;
    if (shelf)
        aug_biquad_design(&bq, AUG_BQ_HIGHSHELF, v->num[GAIN_BRIGHT_HZ], M_SQRT1_2, bright * db,
                          a->rate);
    if (shelf) {   // the gain rides on the shelf's numerator: one pass over the audio
        bq.b0 *= g; bq.b1 *= g; bq.b2 *= g;
    }
    for (int c = 0; c < a->n_channels; c++) {
        float *x = a->data + c * a->n_frames;
        if (shelf) aug_biquad_run(&bq, x, a->n_frames);
        else for (int64_t i = 0; i < a->n_frames; i++) x[i] *= g;
    }
    return 0;
}

const aug_effect aug_effect_gain = {
    "gain", "gain in dB with optional brightness coupling (velocity)",
    params, sizeof params / sizeof params[0], 0, gain_apply};
