// mrstft.c: auraloss MultiResolutionSTFTLoss with its defaults (eval-metrics.md §1.2):
// resolutions (n_fft, hop, win) = (1024, 120, 600), (2048, 240, 1200), (512, 50, 240);
// magnitudes sqrt(max(re^2 + im^2, 1e-8)); per resolution
//   SC = ||R - T||_F / ||R||_F (reference in the denominator), LM = mean |ln R - ln T|;
// the loss is the mean over resolutions of SC + LM. sc and logmag are reported separately
// (the Parallel WaveGAN pair).
#include "eval/metrics.h"

#include <math.h>

void ev_mrstft(ev_sig *ref, ev_sig *est, ev_val *total, ev_val *sc, ev_val *logmag) {
    static const int res[3][3] = {{1024, 120, 600}, {2048, 240, 1200}, {512, 50, 240}};
    const double floor_pow = 1e-8;
    double sum_sc = 0, sum_lm = 0;
    for (int k = 0; k < 3; k++) {
        ev_stft_cfg cfg = {res[k][0], res[k][1], res[k][2], EV_PAD_REFLECT};
        const ev_spec *r = ev_sig_spec(ref, &cfg), *t = ev_sig_spec(est, &cfg);
        if (!r || !t) { *total = *sc = *logmag = ev_null("out of memory"); return; }
        int64_t cnt = r->n_frames * r->n_bins;
        double num = 0, den = 0, lm = 0;
        for (int64_t i = 0; i < cnt; i++) {
            double a = (double)r->mag[i] * r->mag[i] > floor_pow ? r->mag[i] : 1e-4;  // sqrt(floor)
            double b = (double)t->mag[i] * t->mag[i] > floor_pow ? t->mag[i] : 1e-4;
            num += (a - b) * (a - b);
            den += a * a;
            lm += fabs(log(a / b));
        }
        sum_sc += sqrt(num / den);
        sum_lm += lm / (double)cnt;
    }
    *sc = ev_ok(sum_sc / 3);
    *logmag = ev_ok(sum_lm / 3);
    *total = ev_ok((sum_sc + sum_lm) / 3);
}
