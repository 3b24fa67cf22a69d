// mix.c: the `mix` effect: layers another hit at an offset and gain.
//
// The layer is read at the buffer's rate and channel count; the output is as long as the
// longer of the two. file=@pool in `augment run` draws the layer among the run's inputs.
#include <math.h>

#include "augment/effect.h"   // defines: aug_effect, aug__resize
#include "core/error.h"       // defines: GD_ERR_*
#include "core/log.h"         // defines: gd_error

// Parameter indices: positions in params[] and in aug_vals.num / aug_vals.str.
enum { MIX_FILE, MIX_OFFSET, MIX_DB };

static const aug_param params[] = {
    [MIX_FILE]   = {"file",   AUG_P_STR, 0,  0,   0,     NULL, "audio to layer (@pool in run)"},
    [MIX_OFFSET] = {"offset", AUG_P_NUM, 0,  0,   10000, NULL,
                    "layer start after the hit's start, ms"},
    [MIX_DB]     = {"db",     AUG_P_NUM, -6, -60, 12,    NULL, "layer gain, dB"},
};

static int mix_apply(gd_audio *a, const aug_vals *v) {
    if (!v->str[MIX_FILE][0]) {
        gd_error("mix: file= is required");
        return GD_ERR_ARG;
    }
    gd_audio f;
    int rc = gd_audio_read(&f, v->str[MIX_FILE], a->rate, a->n_channels);
    if (rc) return rc;
    int64_t off = (int64_t)llround(v->num[MIX_OFFSET] * 1e-3 * a->rate);
    int64_t n = off + f.n_frames > a->n_frames ? off + f.n_frames : a->n_frames;
    if (n != a->n_frames && (rc = aug__resize(a, n))) { gd_audio_free(&f); return rc; }
    float g = (float)pow(10.0, v->num[MIX_DB] / 20.0);
    for (int c = 0; c < a->n_channels; c++)
        for (int64_t i = 0; i < f.n_frames; i++)
            a->data[c * n + off + i] += g * f.data[c * f.n_frames + i];
    gd_audio_free(&f);
    return 0;
}

const aug_effect aug_effect_mix = {
    "mix", "layer another hit with an offset and gain",
    params, sizeof params / sizeof params[0], 0, mix_apply};
