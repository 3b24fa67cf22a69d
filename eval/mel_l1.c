// mel_l1.c: multi-scale log-mel L1 distance as configured in Descript DAC's base.yml
// (eval-metrics.md §2.2): window lengths 32..2048 with 5..320 mel bands, hop w/4, Hann,
// fmin 0, fmax Nyquist, mel of the magnitude spectrogram (pow 1), per scale the mean of
// |log10(max(M_r, 1e-5)) - log10(max(M_t, 1e-5))|, summed over the 7 scales.
#include "eval/metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eval/fastlog.h"  // defines: ev_logf
#include "eval/scales.h"   // defines: ev_scales_run, ev_mel_acc
#include "core/simd.h"     // defines: GD_SIMD

// acc->l4[l] += |ln(max(mr_i, clamp) / max(mt_i, clamp))| for i = l mod 4 (ratio rounded to
// float, fast log); a block that starts at a multiple of 4 of the whole array and is not its
// last has cnt % 4 == 0, so lane l sums the same values in the same order as one call over
// the whole array. q (cnt floats) is scratch.
GD_SIMD static void add_abs_log_ratio(ev_mel_acc *acc, const double *restrict mr,
                                      const double *restrict mt, float *restrict q, int64_t cnt,
                                      double clamp) {
    for (int64_t i = 0; i < cnt; i++) {
        double x = mr[i] > clamp ? mr[i] : clamp, y = mt[i] > clamp ? mt[i] : clamp;
        q[i] = (float)(x / y);
    }
    for (int64_t i = 0; i < cnt; i++) q[i] = ev_logf(q[i]);
    double *l4 = acc->l4;
    int64_t i = 0;
    for (; i + 4 <= cnt; i += 4)
        for (int l = 0; l < 4; l++) l4[l] += q[i + l] < 0 ? -q[i + l] : q[i + l];
    for (; i < cnt; i++) l4[0] += q[i] < 0 ? -q[i] : q[i];
    acc->cnt += cnt;
}

int ev_mel_acc_add(ev_mel_acc *acc, const double *mr, const double *mt, int64_t cnt) {
    float *q = malloc(sizeof(float) * (cnt > 0 ? cnt : 1));
    if (!q) return -1;
    add_abs_log_ratio(acc, mr, mt, q, cnt, 1e-5);
    free(q);
    return 0;
}

double ev_mel_acc_term(const ev_mel_acc *acc) {
    const double *l4 = acc->l4;
    return ((l4[0] + l4[1]) + (l4[2] + l4[3])) / M_LN10 / (double)acc->cnt;   // log10
}

// The mel L1 term of the 32- and 64-sample scales, which only this metric uses: spectrogram
// and mel rows are made and consumed in blocks (nothing of length T is kept), which gives the
// same value as whole spectrograms.
#define BLOCK 64
static double mel_streamed(ev_sig *ref, ev_sig *est, const ev_stft_cfg *cfg,
                           const ev_melbank *mb, int64_t T) {
    const int F = cfg->n_fft / 2 + 1, M = mb->n_mels;
    float *blk = malloc(sizeof(float) * BLOCK * F);
    double *mr = malloc(sizeof(double) * BLOCK * M), *mt = malloc(sizeof(double) * BLOCK * M);
    ev_mel_acc acc = {{0, 0, 0, 0}, 0};
    int rc = !blk || !mr || !mt;
    for (int64_t t0 = 0; t0 < T && !rc; t0 += BLOCK) {
        int64_t c = T - t0 < BLOCK ? T - t0 : BLOCK;
        rc = ev_stft_spec_range(blk, ref->x, ref->n, cfg, 1, t0, c);
        if (!rc) ev_melbank_apply(mb, mr, blk, c);
        if (!rc) rc = ev_stft_spec_range(blk, est->x, est->n, cfg, 1, t0, c);
        if (!rc) ev_melbank_apply(mb, mt, blk, c);
        if (!rc) rc = ev_mel_acc_add(&acc, mr, mt, c * M);
    }
    free(blk); free(mr); free(mt);
    return rc ? NAN : ev_mel_acc_term(&acc);
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
        double term = mel_streamed(ref, est, &cfg, mb, ev_stft_frames(&cfg, ref->n));
        if (isnan(term)) return ev_null("out of memory");
        total += term;
    }
    return ev_ok(total);
}

ev_val ev_mel_l1(ev_sig *ref, ev_sig *est, int rate) { return ev_mel_l1_scales(ref, est, rate, NULL); }
