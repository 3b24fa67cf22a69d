// leak_band.c: the band where the matching training clips' energy lies (leak_band.h).
#include "train/leak_band.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h" // defines: GD_ERR_*
#include "core/stft.h"  // defines: gd_stft_*

static const gd_stft_cfg k_cfg = {RV_LEAK_BAND_NFFT, RV_LEAK_BAND_NFFT / 4, 0, 1};

// Power summed over frames into p (n_bins); returns the total, or -1 on failure.
static double power_spectrum(double *p, const float *x, long n) {
    int F = gd_stft_n_bins(&k_cfg);
    int64_t T = gd_stft_n_frames(&k_cfg, n);
    float *mag = malloc(sizeof(float) * (size_t)(T * F));
    if (!mag || gd_stft_mag(mag, x, n, &k_cfg)) { free(mag); return -1; }
    double total = 0;
    memset(p, 0, sizeof(double) * F);
    for (int64_t t = 0; t < T; t++)
        for (int f = 0; f < F; f++) p[f] += (double)mag[t * F + f] * mag[t * F + f];
    for (int f = 0; f < F; f++) total += p[f];
    free(mag);
    return total;
}

int rv_leak_band_init(rv_leak_band *b) {
    memset(b, 0, sizeof *b);
    b->n_bins = RV_LEAK_BAND_NFFT / 2 + 1;
    b->mask = calloc((size_t)b->n_bins, 1);
    b->sum_match = calloc((size_t)b->n_bins, sizeof(double));
    b->sum_other = calloc((size_t)b->n_bins, sizeof(double));
    if (!b->mask || !b->sum_match || !b->sum_other) { rv_leak_band_free(b); return GD_ERR_NOMEM; }
    return 0;
}

int rv_leak_band_add(rv_leak_band *b, const float *x, long n, int match) {
    double *p = malloc(sizeof(double) * b->n_bins);
    if (!p) return GD_ERR_NOMEM;
    double total = power_spectrum(p, x, n);
    if (total < 0) { free(p); return GD_ERR_NOMEM; }
    if (total > 0) {   // a silent clip says nothing about where energy lies
        double *sum = match ? b->sum_match : b->sum_other;
        for (int f = 0; f < b->n_bins; f++) sum[f] += p[f] / total;
        if (match) b->n_match++;
        else b->n_other++;
    }
    free(p);
    return 0;
}

int rv_leak_band_finish(rv_leak_band *b) {
    if (!b->n_match || !b->n_other) return GD_ERR_FORMAT;
    b->n_in_band = 0;
    for (int f = 1; f < b->n_bins; f++) {
        b->mask[f] = b->sum_match[f] / b->n_match >= 4.0 * (b->sum_other[f] / b->n_other) &&
                     b->sum_match[f] > 0;
        b->n_in_band += b->mask[f];
    }
    return 0;
}

double rv_leak_band_share(const rv_leak_band *b, const float *x, long n) {
    double *p = malloc(sizeof(double) * b->n_bins), in = 0;
    if (!p) return NAN;
    double total = power_spectrum(p, x, n);
    for (int f = 0; total > 0 && f < b->n_bins; f++) in += b->mask[f] ? p[f] : 0;
    free(p);
    return total > 0 ? in / total : NAN;
}

void rv_leak_band_free(rv_leak_band *b) {
    free(b->mask); free(b->sum_match); free(b->sum_other);
    memset(b, 0, sizeof *b);
}
