// compress.c: the `compress` effect: feed-forward compressor and soft saturation.
//
// Level detector: peak over channels in dB; static curve with a soft knee of width knee dB
// (Giannoulis, Massberg & Reiss, JAES 2012, eq. 4); gain reduction smoothed in the dB domain
// with separate attack and release one-pole filters (branching detector), linked channels.
// Then tanh saturation: y = tanh(k x) / tanh(k), k = 1 + 9 sat (sat = 0: off), which keeps
// full scale at full scale and rounds off peaks.
#include <math.h>

#include "augment/effect.h"   // defines: aug_effect

static const aug_param params[] = {
    {"threshold", AUG_P_NUM, -20, -60, 0,    NULL, "threshold, dBFS"},
    {"ratio",     AUG_P_NUM, 4,   1,   50,   NULL, "compression ratio"},
    {"knee",      AUG_P_NUM, 6,   0,   24,   NULL, "soft-knee width, dB"},
    {"attack",    AUG_P_NUM, 5,   0.01, 500, NULL, "attack time, ms"},
    {"release",   AUG_P_NUM, 100, 1,   5000, NULL, "release time, ms"},
    {"makeup",    AUG_P_NUM, 0,   -24, 48,   NULL, "make-up gain, dB"},
    {"sat",       AUG_P_NUM, 0,   0,   1,    NULL, "tanh saturation amount (0 off)"},
};

static double gain_computer(double xl, double t, double r, double w) {
    double d = xl - t;
    if (2 * d < -w) return xl;
    if (2 * fabs(d) <= w && w > 0) return xl + (1 / r - 1) * (d + w / 2) * (d + w / 2) / (2 * w);
    return t + d / r;
}

static int compress_apply(gd_audio *a, const aug_vals *v) {
    double t = v->num[0], r = v->num[1], w = v->num[2];
    double aa = exp(-1.0 / (v->num[3] * 1e-3 * a->rate));
    double ar = exp(-1.0 / (v->num[4] * 1e-3 * a->rate));
    double makeup = v->num[5], sat = v->num[6];
    // below the knee the static curve is the identity: compare linear peaks, skip the log
    float lin_lo = (float)pow(10.0, (t - w / 2) / 20.0), g_makeup = (float)pow(10.0, makeup / 20.0);
    int64_t n = a->n_frames;
    double gs = 0;   // smoothed gain in dB (<= 0)
    for (int64_t i = 0; i < n; i++) {
        float peak = 0;
        for (int c = 0; c < a->n_channels; c++) peak = fmaxf(peak, fabsf(a->data[c * n + i]));
        double gc = 0;
        if (peak > lin_lo) {
            double xl = 6.020599913279624 * log2f(peak);   // dBFS
            gc = gain_computer(xl, t, r, w) - xl;
        }
        gs = gc < gs ? aa * gs + (1 - aa) * gc : ar * gs + (1 - ar) * gc;
        if (gs > -1e-7) gs = 0;   // released: exactly unity, and no exp below
        float g = gs == 0 ? g_makeup : exp2f((float)((gs + makeup) * 0.16609640474436813));
        for (int c = 0; c < a->n_channels; c++) a->data[c * n + i] *= g;
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
