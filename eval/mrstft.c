// mrstft.c: auraloss MultiResolutionSTFTLoss with its defaults (eval-metrics.md §1.2):
// resolutions (n_fft, hop, win) = (1024, 120, 600), (2048, 240, 1200), (512, 50, 240);
// magnitudes sqrt(max(re^2 + im^2, 1e-8)); per resolution
//   SC = ||R - T||_F / ||R||_F (reference in the denominator), LM = mean |ln R - ln T|;
// the loss is the mean over resolutions of SC + LM. sc and logmag are reported separately
// (the Parallel WaveGAN pair).
#include "eval/metrics.h"

#include <math.h>
#include <stdlib.h>

#include "eval/fastlog.h"  // defines: ev_sum_abs_logratio

void ev_mrstft(ev_sig *ref, ev_sig *est, ev_val *total, ev_val *sc, ev_val *logmag) {
    static const int res[3][3] = {{1024, 120, 600}, {2048, 240, 1200}, {512, 50, 240}};
    double sum_sc = 0, sum_lm = 0;
    float *tmp = malloc(sizeof(float) * 1025);
    if (!tmp) { *total = *sc = *logmag = ev_null("out of memory"); return; }
    for (int k = 0; k < 3; k++) {
        ev_stft_cfg cfg = {res[k][0], res[k][1], res[k][2], EV_PAD_REFLECT};
        const ev_spec *r = ev_sig_spec(ref, &cfg), *t = ev_sig_spec(est, &cfg);
        if (!r || !t) { free(tmp); *total = *sc = *logmag = ev_null("out of memory"); return; }
        int64_t cnt = r->n_frames * r->n_bins;
        double num = 0, den = 0, lm = 0;
        for (int64_t f = 0; f < r->n_frames; f++)   // magnitudes floored at sqrt(1e-8) = 1e-4
            ev_row_sqdiff(r->mag + f * r->n_bins, t->mag + f * r->n_bins, r->n_bins, 1e-4f, &num, &den);
        for (int64_t f = 0; f < r->n_frames; f++)   // floored magnitudes: max(|X|, 1e-4)
            lm += ev_sum_abs_logratio(r->mag + f * r->n_bins, t->mag + f * r->n_bins, r->n_bins,
                                      1e-4f, 0.0f, tmp);
        if (den <= (double)cnt * 1e-8 * (1 + 1e-6)) {   // every reference bin at the floor
            free(tmp);
            *total = *sc = *logmag = ev_null("reference is silent");
            return;
        }
        sum_sc += sqrt(num / den);
        sum_lm += lm / (double)cnt;
    }
    free(tmp);
    *sc = ev_ok(sum_sc / 3);
    *logmag = ev_ok(sum_lm / 3);
    *total = ev_ok((sum_sc + sum_lm) / 3);
}
