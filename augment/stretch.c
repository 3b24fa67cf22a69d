// stretch.c: the `stretch` effect: phase-vocoder time stretch (pghi.c) to exactly
// round(N * ratio) samples, pitch kept. Meant for 0.8-1.25; ratio > 1 makes it longer.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "augment/effect.h"   // defines: aug_effect
#include "augment/pv.h"       // defines: aug__pv_mres
#include "core/error.h"       // defines: GD_ERR_*

// Parameter indices: positions in params[] and in aug_vals.num / aug_vals.str.
enum { STRETCH_RATIO };

static const aug_param params[] = {
    [STRETCH_RATIO] = {"ratio", AUG_P_NUM, 1, 0.5, 2, NULL, "output length / input length"},
};

static int stretch_apply(gd_audio *a, const aug_vals *v) {
    int64_t n = a->n_frames, n_out = (int64_t)llround((double)n * v->num[STRETCH_RATIO]);
    if (n == 0 || n_out == n) return 0;
    if (n_out < 1) n_out = 1;
    gd_audio b;
    int rc = gd_audio_alloc(&b, a->n_channels, n_out, a->rate);
    if (rc) return rc;
    rc = aug__pv_mres(b.data, n_out, a->data, n, a->n_channels, a->rate, 0);
    if (rc) { gd_audio_free(&b); return rc; }
    gd_audio_free(a);
    *a = b;
    return 0;
}

const aug_effect aug_effect_stretch = {
    "stretch", "phase-vocoder time stretch to an exact length (pitch kept)",
    params, sizeof params / sizeof params[0], 0, stretch_apply};
