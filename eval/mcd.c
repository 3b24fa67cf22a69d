// mcd.c: mel-cepstral distortion, variant MCD-MFCC13-lnpow-noC0 (eval-metrics.md §2.3):
// 128 Slaney mel bands (librosa defaults) of the 2048/512 power spectrogram, natural log
// after a per-signal relative floor max(mel) * 1e-8 (keeps gain invariance near silence),
// DCT-II with orthonormal scaling, coefficients 1..13; per frame
//   (10 / ln 10) * sqrt(2 * sum_d (c_r[d] - c_t[d])^2) = 6.141851463713754 * sqrt(sum d^2),
// averaged over all frames. No DTW: pairs are aligned beforehand.
#include "eval/metrics.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>

#define MCD_MELS 128
#define MCD_NCEP 13

// Log-mel with the relative floor; returns the max mel power (0: silent).
static double log_mel(double *mel, int64_t cnt) {
    double mx = 0;
    for (int64_t i = 0; i < cnt; i++) if (mel[i] > mx) mx = mel[i];
    if (mx <= 0) return 0;
    double fl = mx * 1e-8;
    for (int64_t i = 0; i < cnt; i++) mel[i] = log(fmax(mel[i], fl));
    return mx;
}

// DCT-II (ortho) rows c1..c13, built once.
static double basis[MCD_NCEP][MCD_MELS];
static pthread_once_t basis_once = PTHREAD_ONCE_INIT;

static void basis_init(void) {
    for (int k = 0; k < MCD_NCEP; k++)
        for (int n = 0; n < MCD_MELS; n++)
            basis[k][n] = sqrt(2.0 / MCD_MELS) * cos(M_PI * (k + 1) * (2 * n + 1) / (2.0 * MCD_MELS));
}

ev_val ev_mcd(ev_sig *ref, ev_sig *est, int rate) {
    const double k_mcd = 6.141851463713754;
    ev_stft_cfg cfg = {2048, 512, 2048, EV_PAD_REFLECT};
    const ev_spec *r = ev_sig_spec(ref, &cfg), *t = ev_sig_spec(est, &cfg);
    const ev_melbank *mb = ev_melbank_get(rate, 2048, MCD_MELS);
    if (!r || !t || !mb) return ev_null("out of memory");
    const int64_t T = r->n_frames, cnt = T * MCD_MELS;
    double *mr = malloc(sizeof(double) * cnt), *mt = malloc(sizeof(double) * cnt);
    if (!mr || !mt) { free(mr); free(mt); return ev_null("out of memory"); }
    ev_melbank_apply_pow(mb, mr, r->mag, T);
    ev_melbank_apply_pow(mb, mt, t->mag, T);
    ev_val out;
    if (log_mel(mr, cnt) <= 0) out = ev_null("reference is silent");
    else if (log_mel(mt, cnt) <= 0) out = ev_null("estimate is silent");
    else {
        pthread_once(&basis_once, basis_init);
        double sum = 0;
        for (int64_t f = 0; f < T; f++) {
            const double *a = mr + f * MCD_MELS, *b = mt + f * MCD_MELS;
            double acc = 0;
            for (int k = 0; k < MCD_NCEP; k++) {
                double d = 0;
                for (int n = 0; n < MCD_MELS; n++) d += basis[k][n] * (a[n] - b[n]);
                acc += d * d;
            }
            sum += k_mcd * sqrt(acc);
        }
        out = ev_ok(sum / (double)T);
    }
    free(mr); free(mt);
    return out;
}
