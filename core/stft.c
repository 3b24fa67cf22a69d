// stft.c: STFT/ISTFT in the torch.stft convention (periodic Hann, centre reflect padding).
#include "core/stft.h"  // defines: gd_stft_*
#include "core/error.h" // defines: GD_ERR_*, GD_ASSERT
#include "core/fft.h"   // defines: gd_fft_r2c, gd_fft_c2r

#include <math.h>
#include <stdlib.h>
#include <string.h>

int64_t gd_stft_n_frames(const gd_stft_cfg *cfg, int64_t n) {
    if (cfg->center) return 1 + n / cfg->hop;
    return n < cfg->n_fft ? 0 : 1 + (n - cfg->n_fft) / cfg->hop;
}

int gd_stft_n_bins(const gd_stft_cfg *cfg) { return cfg->n_fft / 2 + 1; }

void gd_stft_window(float *w, const gd_stft_cfg *cfg) {
    int wl = cfg->win_length > 0 ? cfg->win_length : cfg->n_fft;
    int off = (cfg->n_fft - wl) / 2;
    memset(w, 0, sizeof(float) * (size_t)cfg->n_fft);
    for (int i = 0; i < wl; i++) w[off + i] = (float)(0.5 - 0.5 * cos(2.0 * M_PI * i / wl));
}

// Sample j of the (virtually) padded signal: reflect inside, zero beyond.
static inline float padded_at(const float *x, int64_t n, int64_t j) {
    if (j < 0) j = -j;
    if (j >= n) j = 2 * (n - 1) - j;
    return (j >= 0 && j < n) ? x[j] : 0.0f;
}

static int check_cfg(const gd_stft_cfg *cfg) {
    int wl = cfg->win_length > 0 ? cfg->win_length : cfg->n_fft;
    if (cfg->n_fft < 2 || cfg->hop < 1 || wl > cfg->n_fft) return GD_ERR_ARG;
    return GD_OK;
}

int gd_stft(float *spec, const float *x, int64_t n, const gd_stft_cfg *cfg) {
    if (check_cfg(cfg)) return GD_ERR_ARG;
    int nf = cfg->n_fft, F = gd_stft_n_bins(cfg);
    int64_t T = gd_stft_n_frames(cfg, n), pad = cfg->center ? nf / 2 : 0;
    float *w = gd_fft_alloc(nf), *frame = gd_fft_alloc(nf), *out = gd_fft_alloc(2 * F);
    if (!w || !frame || !out) {
        gd_fft_free(w); gd_fft_free(frame); gd_fft_free(out);
        return GD_ERR_NOMEM;
    }
    gd_stft_window(w, cfg);
    int err = GD_OK;
    for (int64_t t = 0; t < T && !err; t++) {
        int64_t start = t * cfg->hop - pad;
        if (start >= 0 && start + nf <= n)
            for (int k = 0; k < nf; k++) frame[k] = x[start + k] * w[k];
        else
            for (int k = 0; k < nf; k++) frame[k] = padded_at(x, n, start + k) * w[k];
        err = gd_fft_r2c(nf, frame, out);
        memcpy(spec + (size_t)t * 2 * F, out, sizeof(float) * 2 * (size_t)F);
    }
    gd_fft_free(w); gd_fft_free(frame); gd_fft_free(out);
    return err;
}

int gd_stft_mag(float *mag, const float *x, int64_t n, const gd_stft_cfg *cfg) {
    if (check_cfg(cfg)) return GD_ERR_ARG;
    int F = gd_stft_n_bins(cfg);
    int64_t T = gd_stft_n_frames(cfg, n);
    float *spec = malloc(sizeof(float) * 2 * (size_t)F * (size_t)(T > 0 ? T : 1));
    if (!spec) return GD_ERR_NOMEM;
    int err = gd_stft(spec, x, n, cfg);
    for (int64_t i = 0; i < T * F; i++)
        mag[i] = hypotf(spec[2 * i], spec[2 * i + 1]);
    free(spec);
    return err;
}

int gd_istft(float *y, int64_t n, const float *spec, const gd_stft_cfg *cfg) {
    if (check_cfg(cfg)) return GD_ERR_ARG;
    int nf = cfg->n_fft, F = gd_stft_n_bins(cfg);
    int64_t T = gd_stft_n_frames(cfg, n), pad = cfg->center ? nf / 2 : 0;
    int64_t n_full = (T - 1) * cfg->hop + nf;
    float *acc = calloc((size_t)n_full, sizeof(float)), *wsum = calloc((size_t)n_full, sizeof(float));
    float *w = gd_fft_alloc(nf), *frame = gd_fft_alloc(nf), *in = gd_fft_alloc(2 * F);
    int err = (acc && wsum && w && frame && in) ? GD_OK : GD_ERR_NOMEM;
    if (!err) gd_stft_window(w, cfg);
    for (int64_t t = 0; t < T && !err; t++) {
        memcpy(in, spec + (size_t)t * 2 * F, sizeof(float) * 2 * (size_t)F);
        err = gd_fft_c2r(nf, in, frame);
        int64_t start = t * cfg->hop;
        for (int k = 0; k < nf; k++) {
            acc[start + k] += frame[k] / (float)nf * w[k];
            wsum[start + k] += w[k] * w[k];
        }
    }
    if (!err)
        for (int64_t i = 0; i < n; i++) {
            int64_t j = i + pad;
            y[i] = (j < n_full && wsum[j] > 1e-11f) ? acc[j] / wsum[j] : 0.0f;
        }
    free(acc); free(wsum);
    gd_fft_free(w); gd_fft_free(frame); gd_fft_free(in);
    return err;
}
