// pitch.c: the `pitch` effect. mode=resample (default): varispeed, so pitch and length change
// together (length / 2^(s/12)), like a re-tuned drum whose decay also shortens. mode=pv:
// length-keeping, phase-vocoder stretch by 2^(s/12) (pghi.c) then resampling back to the input
// length, so the output length equals the input length exactly. quality picks the resampler:
// sinc (default) is ours (resample.c: 100 dB Kaiser design, passband to 0.84 Nyquist); best
// and medium are libsamplerate's sinc converters; fast is kept as a synonym of sinc (it named
// an earlier, -70 dB version of ours).
#include <math.h>
#include <samplerate.h>
#include <stdlib.h>
#include <string.h>

#include "augment/effect.h"   // defines: aug_effect, aug__resample_sinc, aug__resample
#include "augment/pv.h"       // defines: aug__pv_mres
#include "core/error.h"       // defines: GD_ERR_*
#include "core/log.h"         // defines: gd_error

// Parameter indices: positions in params[] and in aug_vals.num / aug_vals.str.
enum { PITCH_SEMITONES, PITCH_MODE, PITCH_QUALITY };

static const aug_param params[] = {
    [PITCH_SEMITONES] = {"semitones", AUG_P_NUM,  0, -24, 24, NULL, "pitch shift, semitones"},
    [PITCH_MODE]      = {"mode",      AUG_P_ENUM, 0, 0,   0,  "resample|pv",
                         "resample: length changes; pv: length kept"},
    [PITCH_QUALITY]   = {"quality",   AUG_P_ENUM, 0, 0,   0,  "sinc|best|medium|fast",
                         "resampler: sinc (ours, 100 dB stopband, default), libsamplerate best or medium; fast = sinc"},
};

int aug__resample(float **out, int64_t n_out, const float *in, int64_t n_in, int quality) {
    *out = NULL;
    float *y = calloc((size_t)(n_out > 0 ? n_out : 1), sizeof(float));
    if (!y) return GD_ERR_NOMEM;
    if (n_out == n_in) {
        memcpy(y, in, (size_t)n_in * sizeof(float));
        *out = y;
        return 0;
    }
    if (quality == AUG_RS_SINC) {
        int rc = aug__resample_sinc(y, n_out, in, n_in, 1);
        if (rc) free(y);
        else *out = y;
        return rc;
    }
    quality = quality == AUG_RS_SRC_BEST ? SRC_SINC_BEST_QUALITY : SRC_SINC_MEDIUM_QUALITY;
    // libsamplerate's sinc converters are aligned (output time 0 = input time 0) once the
    // input is flushed with end_of_input; pad the input with zeros so the tail comes out.
    int err = 0;
    SRC_STATE *st = src_new(quality, 1, &err);
    if (!st) { free(y); gd_error("pitch: libsamplerate: %s", src_strerror(err)); return GD_ERR_INTERNAL; }
    double ratio = (double)n_out / (double)n_in;
    SRC_DATA d = {0};
    d.data_in = in;
    d.input_frames = (long)n_in;
    d.data_out = y;
    d.output_frames = (long)n_out;
    d.src_ratio = ratio;
    d.end_of_input = 1;
    err = src_process(st, &d);
    long got = d.output_frames_gen;
    while (!err && got < n_out) {   // drain what the converter still holds
        SRC_DATA e = {0};
        e.data_in = in + n_in;
        e.input_frames = 0;
        e.data_out = y + got;
        e.output_frames = (long)(n_out - got);
        e.src_ratio = ratio;
        e.end_of_input = 1;
        err = src_process(st, &e);
        if (e.output_frames_gen == 0) break;
        got += e.output_frames_gen;
    }
    src_delete(st);
    if (err) { free(y); gd_error("pitch: libsamplerate: %s", src_strerror(err)); return GD_ERR_INTERNAL; }
    *out = y;
    return 0;
}

static int pitch_apply(gd_audio *a, const aug_vals *v) {
    double f = pow(2.0, v->num[PITCH_SEMITONES] / 12.0);
    int mode = (int)v->num[PITCH_MODE], q = (int)v->num[PITCH_QUALITY];
    int rs = q == 1 ? AUG_RS_SRC_BEST : q == 2 ? AUG_RS_SRC_MEDIUM : AUG_RS_SINC;
    int64_t n = a->n_frames;
    if (v->num[PITCH_SEMITONES] == 0 || n == 0) return 0;
    int64_t n_out = mode == 0 ? (int64_t)llround((double)n / f) : n;
    if (n_out < 1) n_out = 1;
    gd_audio b;
    int rc = gd_audio_alloc(&b, a->n_channels, n_out, a->rate);
    if (rc) return rc;
    if (mode == 1) {   // pv: all channels stretched together (phase-linked), then resampled
        int64_t n_st = (int64_t)llround((double)n * f);
        float *st = malloc((size_t)(n_st > 0 ? n_st : 1) * a->n_channels * sizeof(float));
        if (!st) rc = GD_ERR_NOMEM;
        else {
            rc = aug__pv_mres(st, n_st, a->data, n, a->n_channels, a->rate, 1);
        }
        if (!rc) rc = aug__resample_sinc(b.data, n_out, st, n_st, a->n_channels);
        free(st);
    } else if (rs == AUG_RS_SINC) {
        rc = aug__resample_sinc(b.data, n_out, a->data, n, a->n_channels);
    } else {
        for (int c = 0; c < a->n_channels && !rc; c++) {
            float *y = NULL;
            rc = aug__resample(&y, n_out, a->data + c * n, n, rs);
            if (!rc) memcpy(b.data + c * n_out, y, (size_t)n_out * sizeof(float));
            free(y);
        }
    }
    if (rc) { gd_audio_free(&b); return rc; }
    gd_audio_free(a);
    *a = b;
    return 0;
}

const aug_effect aug_effect_pitch = {
    "pitch", "pitch shift: varispeed resample (length changes) or phase vocoder (length kept)",
    params, sizeof params / sizeof params[0], 0, pitch_apply};
