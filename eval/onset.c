// onset.c: onset detection and onset F-measure (eval-metrics.md §5.1).
// Detector (clean-room, the same on reference and estimate): 512-point STFT with hop 128
// (shared with the RAVE 512 scale), L = ln(1 + 100 |X|), spectral flux
// sum_k max(0, L[t,k] - L[t-1,k]) with silence before the first frame, normalised to its
// maximum, then librosa-style peak picking: local max over [-30 ms, +1 frame], at least
// mean over [-100 ms, +100 ms + 1 frame] + 0.07, and 30 ms since the previous onset.
// Scoring follows mir_eval.onset.f_measure: a maximum one-to-one matching under |r - e| <= w
// (a greedy sweep is optimal for equal-width windows on sorted times).
#include "eval/metrics.h"

#include <math.h>
#include <stdlib.h>

#include "eval/fastlog.h"  // defines: ev_logf
#include "eval/scales.h"   // defines: ev_flux_row
#include "core/simd.h"     // defines: GD_SIMD

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

// One frame of the flux: lc = ln(1 + 100 |X|) of the current frame, returns
// sum_k max(0, lc[k] - lp[k]) (four double lanes; lane sums added in a fixed order).
GD_SIMD double ev_flux_row(float *restrict lc, const float *restrict lp, const float *restrict cur,
                           float *restrict pos, int F) {
    for (int k = 0; k < F; k++) lc[k] = ev_logf(1.0f + 100.0f * cur[k]);
    for (int k = 0; k < F; k++) {   // max(d, 0) (GCC turns this form into a vector max)
        float d = lc[k] - lp[k];
        pos[k] = d > 0.0f ? d : 0.0f;
    }
    double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    int k = 0;
    for (; k + 4 <= F; k += 4) { a0 += pos[k]; a1 += pos[k + 1]; a2 += pos[k + 2]; a3 += pos[k + 3]; }
    for (; k < F; k++) a0 += pos[k];
    return (a0 + a1) + (a2 + a3);
}

int ev_onsets(ev_sig *s, int rate, double *times, int max_onsets) {
    ev_stft_cfg cfg = {512, 128, 512, EV_PAD_REFLECT};
    const ev_spec *sp = ev_sig_spec(s, &cfg);
    if (!sp) return -1;
    const int64_t T = sp->n_frames;
    const int F = sp->n_bins;
    double *flux = malloc(sizeof(double) * T);
    float *lrow = calloc(3 * (size_t)F, sizeof(float));   // L of the previous and current frame, scratch
    if (!flux || !lrow) { free(flux); free(lrow); return -1; }
    for (int64_t t = 0; t < T; t++) {
        float *lc = lrow + (t & 1) * F, *lp = lrow + ((t + 1) & 1) * F;   // frame -1: silence
        flux[t] = ev_flux_row(lc, lp, sp->mag + t * F, lrow + 2 * (size_t)F, F);
    }
    free(lrow);
    int n = ev_onsets_flux(flux, T, rate, times, max_onsets);
    free(flux);
    return n;
}

int ev_onsets_flux(double *flux, int64_t T, int rate, double *times, int max_onsets) {
    const int hop = 128;
    double mx = 0;
    for (int64_t t = 0; t < T; t++) if (flux[t] > mx) mx = flux[t];
    int n = 0;
    if (mx > 0) {
        const double fr = (double)rate / hop;   // frames per second
        const int64_t pre_max = (int64_t)(0.03 * fr), post_max = 1;
        const int64_t pre_avg = (int64_t)(0.10 * fr), post_avg = (int64_t)(0.10 * fr) + 1;
        const int64_t wait = (int64_t)(0.03 * fr);
        int64_t last = -wait - 1;
        for (int64_t t = 0; t < T; t++) flux[t] /= mx;
        for (int64_t t = 0; t < T && n < max_onsets; t++) {
            int64_t a = t - pre_max < 0 ? 0 : t - pre_max, b = t + post_max > T ? T : t + post_max;
            int is_max = 1;
            for (int64_t i = a; i < b; i++) if (flux[i] > flux[t]) { is_max = 0; break; }
            if (!is_max || flux[t] <= 0) continue;
            a = t - pre_avg < 0 ? 0 : t - pre_avg; b = t + post_avg > T ? T : t + post_avg;
            double mean = 0;
            for (int64_t i = a; i < b; i++) mean += flux[i];
            mean /= (double)(b - a);
            if (flux[t] < mean + 0.07 || t - last <= wait) continue;
            times[n++] = (double)t * hop / rate;
            last = t;
        }
    }
    return n;
}

double ev_onset_f(const double *ref, int n_ref, const double *est, int n_est, double window,
                  double *offset_ms) {
    *offset_ms = NAN;
    if (n_ref == 0 || n_est == 0) return 0.0;
    double *r = malloc(sizeof(double) * n_ref), *e = malloc(sizeof(double) * n_est);
    if (!r || !e) { free(r); free(e); return NAN; }
    for (int i = 0; i < n_ref; i++) r[i] = ref[i];
    for (int i = 0; i < n_est; i++) e[i] = est[i];
    qsort(r, n_ref, sizeof(double), cmp_double);
    qsort(e, n_est, sizeof(double), cmp_double);
    int matched = 0, j = 0;
    double off = 0;
    for (int i = 0; i < n_ref && j < n_est; i++) {
        while (j < n_est && e[j] < r[i] - window - 1e-12) j++;
        if (j < n_est && fabs(e[j] - r[i]) <= window + 1e-12) {
            off += fabs(e[j] - r[i]); matched++; j++;
        }
    }
    free(r); free(e);
    if (matched == 0) return 0.0;
    double p = (double)matched / n_est, rc = (double)matched / n_ref;
    *offset_ms = 1000.0 * off / matched;
    return 2 * p * rc / (p + rc);
}
