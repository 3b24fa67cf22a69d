// mel_l1.c: multi-scale log-mel L1 distance as configured in Descript DAC's base.yml
// (eval-metrics.md §2.2): window lengths 32..2048 with 5..320 mel bands, hop w/4, Hann,
// fmin 0, fmax Nyquist, mel of the magnitude spectrogram (pow 1), per scale the mean of
// |log10(max(M_r, 1e-5)) - log10(max(M_t, 1e-5))|, summed over the 7 scales.
#include "eval/metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eval/fastlog.h"  // defines: ev_logf
#include "eval/scales.h"   // defines: ev_scales_run, ev_mel_l1_term
#include "core/simd.h"     // defines: GD_SIMD

// sum_i |ln(max(mr_i, clamp) / max(mt_i, clamp))| (ratio rounded to float, fast log), in
// four double lanes added in a fixed order; q (cnt floats) is scratch.
GD_SIMD static double sum_abs_log_ratio(const double *restrict mr, const double *restrict mt,
                                        float *restrict q, int64_t cnt, double clamp) {
    for (int64_t i = 0; i < cnt; i++) {
        double x = mr[i] > clamp ? mr[i] : clamp, y = mt[i] > clamp ? mt[i] : clamp;
        q[i] = (float)(x / y);
    }
    for (int64_t i = 0; i < cnt; i++) q[i] = ev_logf(q[i]);
    double l4[4] = {0, 0, 0, 0};
    int64_t i = 0;
    for (; i + 4 <= cnt; i += 4)
        for (int l = 0; l < 4; l++) l4[l] += q[i + l] < 0 ? -q[i + l] : q[i + l];
    for (; i < cnt; i++) l4[0] += q[i] < 0 ? -q[i] : q[i];
    return (l4[0] + l4[1]) + (l4[2] + l4[3]);
}

// Mel spectrogram rows (T, n_mels) of both signals for the 32- and 64-sample scales, which
// only this metric uses: spectrogram rows are made and projected in blocks (not cached),
// which gives the same values as whole spectrograms.
#define BLOCK 64
static int mel_streamed(double *mr, double *mt, ev_sig *ref, ev_sig *est, const ev_stft_cfg *cfg,
                        const ev_melbank *mb, int64_t T) {
    const int F = cfg->n_fft / 2 + 1, M = mb->n_mels;
    float *blk = malloc(sizeof(float) * BLOCK * F);
    if (!blk) return -1;
    for (int64_t t0 = 0; t0 < T; t0 += BLOCK) {
        int64_t c = T - t0 < BLOCK ? T - t0 : BLOCK;
        if (ev_stft_spec_range(blk, ref->x, ref->n, cfg, 1, t0, c)) { free(blk); return -1; }
        ev_melbank_apply(mb, mr + t0 * M, blk, c);
        if (ev_stft_spec_range(blk, est->x, est->n, cfg, 1, t0, c)) { free(blk); return -1; }
        ev_melbank_apply(mb, mt + t0 * M, blk, c);
    }
    free(blk);
    return 0;
}

double ev_mel_l1_term(const double *mr, const double *mt, int64_t cnt) {
    float *q = malloc(sizeof(float) * cnt);
    if (!q) return NAN;
    double acc = sum_abs_log_ratio(mr, mt, q, cnt, 1e-5);
    free(q);
    return acc / M_LN10 / (double)cnt;   // log10
}

ev_val ev_mel_l1_scales(ev_sig *ref, ev_sig *est, int rate, const ev_scales *sc) {
    static const int wins[7] = {32, 64, 128, 256, 512, 1024, 2048};
    static const int mels[7] = {5, 10, 20, 40, 80, 160, 320};
    ev_scales own;
    if (!sc) {   // the 128..2048 terms from a pass of our own
        memset(&own, 0, sizeof own);
        own.mel = 1; own.rate = rate;
        if (ev_scales_run(&own, ref, est)) return ev_null("out of memory");
        sc = &own;
    }
    double total = 0;
    for (int s = 0; s < 7; s++) {
        if (wins[s] >= 128) { total += sc->mel_term[6 - s]; continue; }   // index 0 = 2048
        ev_stft_cfg cfg = {wins[s], wins[s] / 4, wins[s], EV_PAD_REFLECT};
        const ev_melbank *mb = ev_melbank_get(rate, wins[s], mels[s]);
        if (!mb) return ev_null("out of memory");
        int64_t T = ev_stft_frames(&cfg, ref->n), cnt = T * mels[s];
        double *mr = malloc(sizeof(double) * cnt), *mt = malloc(sizeof(double) * cnt);
        if (!mr || !mt || mel_streamed(mr, mt, ref, est, &cfg, mb, T)) {
            free(mr); free(mt); return ev_null("out of memory");
        }
        double term = ev_mel_l1_term(mr, mt, cnt);
        free(mr); free(mt);
        if (isnan(term)) return ev_null("out of memory");
        total += term;
    }
    return ev_ok(total);
}

ev_val ev_mel_l1(ev_sig *ref, ev_sig *est, int rate) { return ev_mel_l1_scales(ref, est, rate, NULL); }
