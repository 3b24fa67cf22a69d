// aisfx_mel.c: the input of the aiSFX embedding (see aisfx.h): Essentia's mel spectrogram
// as aisfx computes it, in float32 with Essentia's order of operations (the filter bank is
// built in float as MelBands/TriangularBands build it), and the package's block count.
#include "eval/aisfx.h"

#include <math.h>
#include <samplerate.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"  // defines: GD_ERR_*
#include "core/fft.h"    // defines: gd_fft_r2c, gd_fft_alloc, gd_fft_free

#define NFFT 2048
#define HOP 1024
#define NBIN (NFFT / 2 + 1)
// aisfx.preprocessing.spectrogram_normalize 'original': min 0, max over the paper's data.
#define SPEC_MAX 9.457798957824707f

typedef struct { int lo[EV_AISFX_MELS], hi[EV_AISFX_MELS]; float w[EV_AISFX_MELS][NBIN]; float win[NFFT]; } mel_tables;

static float hz2mel(float hz) { return (float)(2595.0 * log10(1.0 + hz / 700.0)); }
static float mel2hz(float mel) { return (float)(700.0 * (pow(10.0, mel / 2595.0) - 1.0)); }

// MelBands (htkMel, weighting 'warping', unit_sum) for a 2048-point spectrum at 44.1 kHz,
// and the symmetric Hann window of Essentia's Windowing.
static void tables_init(mel_tables *t) {
    float f[EV_AISFX_MELS + 2];
    const float lo = hz2mel(0.0f), hi = hz2mel(EV_AISFX_RATE / 2.0f);
    const float inc = (hi - lo) / (EV_AISFX_MELS + 1);
    float m = lo;
    for (int i = 0; i < EV_AISFX_MELS + 2; i++) { f[i] = mel2hz(m); m += inc; }
    const float scale = (float)((EV_AISFX_RATE / 2.0) / (NBIN - 1));
    memset(t->w, 0, sizeof t->w);
    for (int i = 0; i < EV_AISFX_MELS; i++) {
        const float step1 = hz2mel(f[i + 1]) - hz2mel(f[i]), step2 = hz2mel(f[i + 2]) - hz2mel(f[i + 1]);
        // bins inside the triangle, both ends included (TriangularBands since Essentia 2.1b6)
        t->lo[i] = (int)ceilf(f[i] / scale);
        t->hi[i] = (int)floorf(f[i + 2] / scale) + 1;
        if (t->hi[i] > NBIN) t->hi[i] = NBIN;
        float sum = 0;
        for (int j = t->lo[i]; j < t->hi[i]; j++) {
            const float bf = j * scale;
            t->w[i][j] = bf < f[i + 1] ? (hz2mel(bf) - hz2mel(f[i])) / step1 : (hz2mel(f[i + 2]) - hz2mel(bf)) / step2;
            sum += t->w[i][j];
        }
        if (sum != 0)
            for (int j = t->lo[i]; j < t->hi[i]; j++) t->w[i][j] /= sum;
    }
    for (int i = 0; i < NFFT; i++) t->win[i] = (float)(0.5 - 0.5 * cos(2.0 * M_PI * i / (NFFT - 1.0)));
}

// x at 44.1 kHz: resampled copy (*tmp, caller frees) or x itself.
static const float *at_model_rate(float **tmp, int64_t *n, const float *x, int rate) {
    *tmp = NULL;
    if (rate == EV_AISFX_RATE) return x;
    const double ratio = (double)EV_AISFX_RATE / rate;
    const long cap = (long)((double)*n * ratio + 100.0);
    float *y = malloc(sizeof(float) * (size_t)cap);
    if (!y) return NULL;
    SRC_DATA d = {0};
    d.data_in = x;
    d.input_frames = (long)*n;
    d.data_out = y;
    d.output_frames = cap;
    d.src_ratio = ratio;
    if (src_simple(&d, SRC_SINC_MEDIUM_QUALITY, 1) || d.output_frames_gen < 1) { free(y); return NULL; }
    *n = d.output_frames_gen;
    *tmp = y;
    return y;
}

int64_t ev_aisfx_logmel(float **spec, const float *x, int64_t n, int rate) {
    if (n < 1 || rate < 1) return GD_ERR_ARG;
    float *tmp;
    const float *y = at_model_rate(&tmp, &n, x, rate);
    mel_tables *t = malloc(sizeof *t);
    const int64_t T = (n - 1) / HOP + 2;
    float *out = malloc(sizeof(float) * (size_t)T * EV_AISFX_MELS);
    float *fr = gd_fft_alloc(NFFT), *X = gd_fft_alloc(2 * NBIN);
    int rc = GD_ERR_NOMEM;
    if (!y || !t || !out || !fr || !X) goto done;
    tables_init(t);
    for (int64_t k = 0; k < T; k++) {
        const int64_t s = k * HOP - HOP;
        for (int i = 0; i < NFFT; i++) {
            const int64_t p = s + i;
            fr[i] = p >= 0 && p < n ? y[p] * t->win[i] : 0.0f;
        }
        if (gd_fft_r2c(NFFT, fr, X)) goto done;
        float pw[NBIN];
        for (int j = 0; j < NBIN; j++) {
            const float mag = sqrtf(X[2 * j] * X[2 * j] + X[2 * j + 1] * X[2 * j + 1]);
            pw[j] = mag * mag;   // Essentia's Spectrum gives magnitudes; MelBands squares them
        }
        float *row = out + k * EV_AISFX_MELS;
        for (int i = 0; i < EV_AISFX_MELS; i++) {
            float b = 0;
            for (int j = t->lo[i]; j < t->hi[i]; j++) b += pw[j] * t->w[i][j];
            row[i] = log10f(b * 1e4f + 1.0f) / SPEC_MAX;
        }
    }
    rc = 0;
done:
    free(tmp); free(t); gd_fft_free(fr); gd_fft_free(X);
    if (rc) { free(out); return rc; }
    *spec = out;
    return T;
}

int ev_aisfx_n_blocks(int64_t T) {
    // numpy: ceil((T - B) / H + 1), minus one when (T - B) mod H != 0 (Python's modulo,
    // never negative), at least 1.
    const int64_t B = EV_AISFX_BLOCK, H = EV_AISFX_BLOCK_HOP;
    int64_t nb = (int64_t)ceil((double)(T - B) / H + 1.0);
    if ((((T - B) % H) + H) % H != 0) nb--;
    return nb < 1 ? 1 : (int)nb;
}
