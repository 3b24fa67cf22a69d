// lsd.c: log-spectral distance in dB (eval-metrics.md §2.4, super-resolution definition in
// its dB form): n_fft 2048, hop 512, periodic Hann, power floored at max(reference power)
// * 1e-8 (-80 dB relative) for both signals;
//   LSD_dB = mean_frames sqrt(mean_bins (10 log10 Pr - 10 log10 Pt)^2).
// LSD_log10 = LSD_dB / 10. "active" keeps frames within 60 dB of the loudest reference frame.
#include "eval/metrics.h"

#include <math.h>
#include <stdlib.h>

#include "eval/fastlog.h"  // defines: ev_sum_logratio

void ev_lsd(ev_sig *ref, ev_sig *est, ev_val *all, ev_val *active) {
    ev_stft_cfg cfg = {2048, 512, 2048, EV_PAD_REFLECT};
    const ev_spec *r = ev_sig_spec(ref, &cfg), *t = ev_sig_spec(est, &cfg);
    if (!r || !t) { *all = *active = ev_null("out of memory"); return; }
    const int64_t T = r->n_frames;
    const int F = r->n_bins;
    float mmax = 0;   // the largest magnitude (a float max is exact)
    for (int64_t i = 0; i < T * F; i++) mmax = r->mag[i] > mmax ? r->mag[i] : mmax;
    double pmax = (double)mmax * mmax, emax = 0;
    if (pmax <= 0) { *all = *active = ev_null("reference is silent"); return; }
    double *fe = malloc(sizeof(double) * T);   // frame energies of the reference
    if (!fe) { *all = *active = ev_null("out of memory"); return; }
    for (int64_t f = 0; f < T; f++) {
        const float *mr = r->mag + f * F;
        double e0 = 0, e1 = 0, e2 = 0, e3 = 0;   // four chains, added in a fixed order
        int k = 0;
        for (; k + 4 <= F; k += 4) {
            e0 += (double)mr[k] * mr[k]; e1 += (double)mr[k + 1] * mr[k + 1];
            e2 += (double)mr[k + 2] * mr[k + 2]; e3 += (double)mr[k + 3] * mr[k + 3];
        }
        for (; k < F; k++) e0 += (double)mr[k] * mr[k];
        fe[f] = (e0 + e1) + (e2 + e3);
        if (fe[f] > emax) emax = fe[f];
    }
    // Power floored at pmax * 1e-8 is magnitude floored at sqrt(pmax) * 1e-4, and
    // 10 log10(Pr / Pt) = (20 / ln 10) ln(|R| / |T|).
    const float fl_mag = (float)(sqrt(pmax) * 1e-4);
    float *d = malloc(sizeof(float) * F);
    if (!d) { free(fe); *all = *active = ev_null("out of memory"); return; }
    double sum_all = 0, sum_act = 0;
    int64_t n_act = 0;
    for (int64_t f = 0; f < T; f++) {
        const float *mr = r->mag + f * F;
        double acc = ev_sum_logratio(mr, t->mag + f * F, F, fl_mag, 0.0f, 2, d), e = fe[f];
        double v = (20.0 / M_LN10) * sqrt(acc / F);
        sum_all += v;
        if (e >= emax * 1e-6) { sum_act += v; n_act++; }
    }
    free(d); free(fe);
    *all = ev_ok(sum_all / (double)T);
    *active = n_act ? ev_ok(sum_act / (double)n_act) : ev_null("no active frames");
}
