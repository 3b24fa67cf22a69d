// mss.c: RAVE-v1 multiscale spectral distance (eval-metrics.md §1.4), reimplemented from the
// written definition: per scale s in {2048, 1024, 512, 256, 128} (n_fft = win = s, hop s/4,
// reflect-padded centred periodic-Hann STFT, magnitudes R and T)
//   lin = mean((R - T)^2) / mean(R^2),  log = mean |ln(R + 1e-7) - ln(T + 1e-7)|,
// and the distance is the SUM over scales of lin + log (the value RAVE logs as "validation").
#include "eval/metrics.h"

#include <math.h>
#include <stdlib.h>

#include "eval/fastlog.h"  // defines: ev_sum_abs_logratio

ev_val ev_rave_mss(ev_sig *ref, ev_sig *est) {
    static const int scales[5] = {2048, 1024, 512, 256, 128};
    const double eps = 1e-7;
    double total = 0;
    float *tmp = malloc(sizeof(float) * 1025);
    if (!tmp) return ev_null("out of memory");
    for (int s = 0; s < 5; s++) {
        ev_stft_cfg cfg = {scales[s], scales[s] / 4, scales[s], EV_PAD_REFLECT};
        const ev_spec *r = ev_sig_spec(ref, &cfg), *t = ev_sig_spec(est, &cfg);
        if (!r || !t) { free(tmp); return ev_null("out of memory"); }
        int64_t cnt = r->n_frames * r->n_bins;
        double num = 0, den = 0, lg = 0;
        for (int64_t f = 0; f < r->n_frames; f++) {   // both sums per row, while it is in cache
            const float *rr = r->mag + f * r->n_bins, *tt = t->mag + f * r->n_bins;
            ev_row_sqdiff(rr, tt, r->n_bins, 0.0f, &num, &den);
            lg += ev_sum_abs_logratio(rr, tt, r->n_bins, 0.0f, (float)eps, tmp);
        }
        if (den <= 0) { free(tmp); return ev_null("reference is silent"); }
        total += num / den + lg / (double)cnt;
    }
    free(tmp);
    return ev_ok(total);
}
