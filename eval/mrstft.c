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

// Spectrogram rows are made and consumed in blocks of BLOCK frames (nothing else uses these
// three resolutions, so they are not cached); the sums run row by row in frame order.
#define BLOCK 32

void ev_mrstft(ev_sig *ref, ev_sig *est, ev_val *total, ev_val *sc, ev_val *logmag) {
    static const int res[3][3] = {{1024, 120, 600}, {2048, 240, 1200}, {512, 50, 240}};
    double sum_sc = 0, sum_lm = 0;
    float *tmp = malloc(sizeof(float) * 1025);
    float *R = malloc(sizeof(float) * BLOCK * 1025), *T = malloc(sizeof(float) * BLOCK * 1025);
    const char *why = NULL;
    if (!tmp || !R || !T) { why = "out of memory"; goto done; }
    for (int k = 0; k < 3 && !why; k++) {
        ev_stft_cfg cfg = {res[k][0], res[k][1], res[k][2], EV_PAD_REFLECT};
        const int64_t n_frames = ev_stft_frames(&cfg, ref->n);
        const int F = cfg.n_fft / 2 + 1;
        int64_t cnt = n_frames * F;
        double num = 0, den = 0, lm = 0;
        for (int64_t t0 = 0; t0 < n_frames && !why; t0 += BLOCK) {
            int64_t c = n_frames - t0 < BLOCK ? n_frames - t0 : BLOCK;
            if (ev_stft_spec_range(R, ref->x, ref->n, &cfg, 1, t0, c) ||
                ev_stft_spec_range(T, est->x, est->n, &cfg, 1, t0, c)) { why = "out of memory"; break; }
            for (int64_t f = 0; f < c; f++) {
                const float *rr = R + f * F, *tt = T + f * F;
                // magnitudes floored at sqrt(1e-8) = 1e-4: max(|X|, 1e-4)
                ev_row_sqdiff(rr, tt, F, 1e-4f, &num, &den);
                lm += ev_sum_abs_logratio(rr, tt, F, 1e-4f, 0.0f, tmp);
            }
        }
        if (why) break;
        if (den <= (double)cnt * 1e-8 * (1 + 1e-6)) why = "reference is silent";   // all at the floor
        else {
            sum_sc += sqrt(num / den);
            sum_lm += lm / (double)cnt;
        }
    }
done:
    free(tmp); free(R); free(T);
    if (why) { *total = *sc = *logmag = ev_null(why); return; }
    *sc = ev_ok(sum_sc / 3);
    *logmag = ev_ok(sum_lm / 3);
    *total = ev_ok((sum_sc + sum_lm) / 3);
}
