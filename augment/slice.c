// slice.c: spectral-flux onset detection with an adaptive (moving-median) threshold,
// backtracking to the energy minimum, and hit cutting (see slice.h).
// Method: Bello et al., "A tutorial on onset detection in music signals", IEEE TSAP 2005;
// Böck, Krebs & Schedl, "Evaluating the online capabilities of onset detection methods",
// ISMIR 2012 (peak picking); Böck & Widmer, "Maximum filter vibrato suppression for onset
// detection", DAFx 2013 (SuperFlux: the previous frame max-filtered over +-1 bin).
// delta 0.04 / ratio 1.5 were chosen on tests/augment/test_slice.c (F = 1.0 over a 0.02-0.07
// neighbourhood); the backtracking envelope is of the first difference, so a low drum's tail
// does not hide the next attack.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "augment/slice.h"   // defines: aug_slice_opts, aug_hit
#include "core/error.h"      // defines: GD_ERR_*
#include "core/stft.h"       // defines: gd_stft_mag

aug_slice_opts aug_slice_defaults(void) {
    return (aug_slice_opts){0.04, 1.5, 30, 5, 10, 2, 20};
}

static int cmp_float(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

// Spectral flux per frame (T), normalised to max 1.
static int flux_curve(float **out, int64_t *n_frames, const float *x, int64_t n, const gd_stft_cfg *cfg) {
    int64_t T = gd_stft_n_frames(cfg, n);
    int F = gd_stft_n_bins(cfg);
    float *mag = malloc((size_t)T * F * sizeof(float)), *fl = calloc((size_t)T, sizeof(float));
    if (!mag || !fl) { free(mag); free(fl); return GD_ERR_NOMEM; }
    int rc = gd_stft_mag(mag, x, n, cfg);
    if (rc) { free(mag); free(fl); return rc; }
    const int LAG = 1;
    for (int64_t i = 0; i < T * F; i++) mag[i] = log1pf(100.0f * mag[i]);
    float mx = 0;
    for (int64_t t = LAG; t < T; t++) {
        double s = 0;
        const float *cur = mag + t * F, *ref = mag + (t - LAG) * F;
        for (int k = 0; k < F; k++) {   // vs the max over +-1 bin of the previous frame (SuperFlux)
            float r = ref[k];
            if (k > 0 && ref[k - 1] > r) r = ref[k - 1];
            if (k + 1 < F && ref[k + 1] > r) r = ref[k + 1];
            float d = cur[k] - r;
            if (d > 0) s += d;
        }
        fl[t] = (float)s;
        if (fl[t] > mx) mx = fl[t];
    }
    if (mx > 0)
        for (int64_t t = 0; t < T; t++) fl[t] /= mx;
    free(mag);
    *out = fl;
    *n_frames = T;
    return 0;
}

// Backtracks a detection at frame centre c to the start of the attack: on a 1 ms RMS
// envelope over [lo, c + n_fft/2], finds the steepest rise of log energy, then walks back
// down to the local energy minimum before it.
static int64_t backtrack(const float *x, int64_t n, int64_t lo, int64_t hi, int blk) {
    if (lo < 0) lo = 0;
    if (hi > n) hi = n;
    int nb = (int)((hi - lo) / blk);
    if (nb < 2) return lo;
    double *e = malloc(nb * sizeof(double)), mn = 1e300, mx = 0;
    for (int b = 0; b < nb; b++) {
        double s = 0;
        for (int j = 0; j < blk; j++) {   // first difference: attacks over low tails
            int64_t i = lo + b * blk + j;
            double d = i > 0 ? (double)x[i] - x[i - 1] : x[i];
            s += d * d;
        }
        e[b] = sqrt(s / blk);
        if (e[b] < mn) mn = e[b];
        if (e[b] > mx) mx = e[b];
    }
    int b = 0;   // the steepest rise (log energy), robust to a decaying previous hit
    double best = -1e300;
    for (int j = 1; j < nb; j++) {
        double rise = log(e[j] + 1e-9 + 1e-4 * mx) - log(e[j - 1] + 1e-9 + 1e-4 * mx);
        if (rise > best) { best = rise; b = j; }
    }
    while (b > 0 && e[b - 1] < e[b]) b--;
    free(e);
    return lo + (int64_t)b * blk;
}

int aug_onsets(int64_t **onsets, int *n_onsets, const float *x, int64_t n, int rate,
               const aug_slice_opts *o) {
    *onsets = NULL;
    *n_onsets = 0;
    int n_fft = (int)lround(1024.0 * rate / 44100.0 / 16) * 16, hop = n_fft / 4;
    gd_stft_cfg cfg = {.n_fft = n_fft, .hop = hop, .center = 1};
    float *fl;
    int64_t T;
    int rc = flux_curve(&fl, &T, x, n, &cfg);
    if (rc) return rc;
    int64_t *on = malloc((size_t)(T + 1) * sizeof(int64_t));
    if (!on) { free(fl); return GD_ERR_NOMEM; }
    const int W_MAX = 3, W_AVG = 10;
    float win[2 * 10 + 1];
    int cnt = 0;
    int64_t last = INT64_MIN / 2, gap = (int64_t)(o->min_gap_ms * 1e-3 * rate);
    int blk = rate / 1000;
    for (int64_t t = 1; t < T; t++) {
        int is_max = 1;
        for (int64_t j = t - W_MAX; j <= t + W_MAX && is_max; j++)
            if (j >= 0 && j < T && j != t && (fl[j] > fl[t] || (fl[j] == fl[t] && j < t))) is_max = 0;
        if (!is_max) continue;
        int m = 0;
        for (int64_t j = t - W_AVG; j <= t + W_AVG; j++) win[m++] = j >= 0 && j < T ? fl[j] : 0;
        qsort(win, m, sizeof(float), cmp_float);
        if (fl[t] < o->ratio * win[m / 2] + o->delta) continue;
        int64_t c = t * hop;
        int64_t lo = c - n_fft / 2 - 2 * hop;
        if (cnt > 0 && lo < on[cnt - 1] + blk) lo = on[cnt - 1] + blk;
        int64_t at = backtrack(x, n, lo, c + n_fft / 2, blk);
        if (at - last < gap) continue;
        on[cnt++] = at;
        last = at;
    }
    free(fl);
    *onsets = on;
    *n_onsets = cnt;
    return 0;
}

int aug_slice(aug_hit **hits, int *n_hits, const float *x, int64_t n, int rate,
              const aug_slice_opts *o) {
    int64_t *on;
    int n_on;
    *hits = NULL;
    *n_hits = 0;
    int rc = aug_onsets(&on, &n_on, x, n, rate, o);
    if (rc) return rc;
    aug_hit *h = malloc((size_t)(n_on + 1) * sizeof(aug_hit));
    if (!h) { free(on); return GD_ERR_NOMEM; }
    int64_t pre = (int64_t)(o->preroll_ms * 1e-3 * rate), maxl = (int64_t)(o->max_len_s * rate);
    int64_t minl = (int64_t)(o->min_len_ms * 1e-3 * rate);
    int cnt = 0;
    for (int i = 0; i < n_on; i++) {
        int64_t s = on[i] - pre < 0 ? 0 : on[i] - pre;
        int64_t e = i + 1 < n_on ? on[i + 1] - pre : n;
        if (e > s + maxl) e = s + maxl;
        if (e > n) e = n;
        float pk = 0;
        for (int64_t j = s; j < e; j++) pk = fmaxf(pk, fabsf(x[j]));
        while (e > s && fabsf(x[e - 1]) < pk * 1e-3f) e--;   // trailing silence (-60 dB)
        if (e - s < minl || pk == 0) continue;
        h[cnt++] = (aug_hit){on[i], s, e};
    }
    free(on);
    *hits = h;
    *n_hits = cnt;
    return 0;
}
