// filter.c: the `filter` effect: one RBJ biquad (chain several `filter` ops for EQ colour).
#include "augment/biquad.h"   // defines: aug_biquad_*, AUG_BQ_NAMES
#include "augment/effect.h"   // defines: aug_effect

// Parameter indices: positions in params[] and in aug_vals.num / aug_vals.str.
enum { FILTER_TYPE, FILTER_FREQ, FILTER_Q, FILTER_DB, FILTER_ORDER };

static const aug_param params[] = {
    [FILTER_TYPE]  = {"type", AUG_P_ENUM, 0,    0,    0,     AUG_BQ_NAMES, "filter shape"},
    [FILTER_FREQ]  = {"freq", AUG_P_NUM,  1000, 10,   22000, NULL,
                      "corner or centre frequency, Hz (below rate/2)"},
    [FILTER_Q]     = {"q",    AUG_P_NUM,  0.7071067811865476, 0.1, 20, NULL, "quality factor"},
    [FILTER_DB]    = {"db",   AUG_P_NUM,  0,    -36,  36,    NULL, "gain for peak and shelves, dB"},
    [FILTER_ORDER] = {"order", AUG_P_NUM, 1,    1,    4,     NULL,
                      "number of cascaded identical biquads"},
};

static int filter_apply(gd_audio *a, const aug_vals *v) {
    aug_biquad bq;
    aug_biquad_design(&bq, (aug_bq_type)(int)v->num[FILTER_TYPE], v->num[FILTER_FREQ],
                      v->num[FILTER_Q], v->num[FILTER_DB], a->rate);
    int order = (int)v->num[FILTER_ORDER];
    for (int c = 0; c < a->n_channels; c++)
        for (int k = 0; k < order; k++) aug_biquad_run(&bq, a->data + c * a->n_frames, a->n_frames);
    return 0;
}

const aug_effect aug_effect_filter = {
    "filter", "RBJ biquad: lowpass, highpass, bandpass, notch, peak, shelves, allpass",
    params, sizeof params / sizeof params[0], 0, filter_apply};
