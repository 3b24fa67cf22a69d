// lsd.c: log-spectral distance in dB (eval-metrics.md §2.4, super-resolution definition in
// its dB form): n_fft 2048, hop 512, periodic Hann, power floored at max(reference power)
// * 1e-8 (-80 dB relative) for both signals;
//   LSD_dB = mean_frames sqrt(mean_bins (10 log10 Pr - 10 log10 Pt)^2).
// LSD_log10 = LSD_dB / 10. "active" keeps frames within 60 dB of the loudest reference frame.
// The floor and the active threshold need the whole reference, so the spectrogram is read
// twice in blocks of rows (scales.h: ev_lsd_acc) instead of being kept.
#include "eval/metrics.h"

#include <math.h>
#include <stdlib.h>

#include "eval/fastlog.h"  // defines: ev_sum_logratio
#include "eval/scales.h"   // defines: ev_lsd_acc, ev_spec_blocks

int ev_lsd_init(ev_lsd_acc *a, int64_t T) {
    a->T = T; a->mmax = 0; a->emax = 0;
    a->sum_all = a->sum_act = 0; a->n_act = 0;
    a->fe = malloc(sizeof(double) * (T > 0 ? T : 1));
    a->d = malloc(sizeof(float) * 1025);
    return a->fe && a->d ? 0 : -1;
}

void ev_lsd_first(ev_lsd_acc *a, const float *rb, int64_t t0, int64_t n) {
    const int F = 1025;
    for (int64_t i = 0; i < n * F; i++) a->mmax = rb[i] > a->mmax ? rb[i] : a->mmax;   // exact
    for (int64_t f = 0; f < n; f++) {
        const float *mr = rb + f * F;
        double e0 = 0, e1 = 0, e2 = 0, e3 = 0;   // four chains, added in a fixed order
        int k = 0;
        for (; k + 4 <= F; k += 4) {
            e0 += (double)mr[k] * mr[k]; e1 += (double)mr[k + 1] * mr[k + 1];
            e2 += (double)mr[k + 2] * mr[k + 2]; e3 += (double)mr[k + 3] * mr[k + 3];
        }
        for (; k < F; k++) e0 += (double)mr[k] * mr[k];
        double e = (e0 + e1) + (e2 + e3);
        a->fe[t0 + f] = e;
        if (e > a->emax) a->emax = e;
    }
}

void ev_lsd_second(ev_lsd_acc *a, const float *rb, const float *tb, int64_t t0, int64_t n) {
    const int F = 1025;
    const double pmax = (double)a->mmax * a->mmax;
    if (pmax <= 0) return;
    // Power floored at pmax * 1e-8 is magnitude floored at sqrt(pmax) * 1e-4, and
    // 10 log10(Pr / Pt) = (20 / ln 10) ln(|R| / |T|).
    const float fl_mag = (float)(sqrt(pmax) * 1e-4);
    for (int64_t f = 0; f < n; f++) {
        double acc = ev_sum_logratio(rb + f * F, tb + f * F, F, fl_mag, 0.0f, 2, a->d);
        double v = (20.0 / M_LN10) * sqrt(acc / F);
        a->sum_all += v;
        if (a->fe[t0 + f] >= a->emax * 1e-6) { a->sum_act += v; a->n_act++; }
    }
}

void ev_lsd_finish(ev_lsd_acc *a, ev_val *all, ev_val *active) {
    if ((double)a->mmax * a->mmax <= 0) *all = *active = ev_null("reference is silent");
    else {
        *all = ev_ok(a->sum_all / (double)a->T);
        *active = a->n_act ? ev_ok(a->sum_act / (double)a->n_act) : ev_null("no active frames");
    }
    ev_lsd_free(a);
}

void ev_lsd_free(ev_lsd_acc *a) {
    free(a->fe); free(a->d);
    a->fe = NULL; a->d = NULL;
}

void ev_lsd(ev_sig *ref, ev_sig *est, ev_val *all, ev_val *active) {
    ev_lsd_acc a;
    if (ev_lsd_init(&a, ev_stft_frames(&ev_cfg_2048, ref->n)) ||
        ev_spec_2048_pass(ref, NULL, &a, NULL, 1) || ev_spec_2048_pass(ref, est, &a, NULL, 2)) {
        ev_lsd_free(&a);
        *all = *active = ev_null("out of memory");
        return;
    }
    ev_lsd_finish(&a, all, active);
}
