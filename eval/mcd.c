// mcd.c: mel-cepstral distortion, variant MCD-MFCC13-lnpow-noC0 (eval-metrics.md §2.3):
// 128 Slaney mel bands (librosa defaults) of the 2048/512 power spectrogram, natural log
// after a per-signal relative floor max(mel) * 1e-8 (keeps gain invariance near silence),
// DCT-II with orthonormal scaling, coefficients 1..13; per frame
//   (10 / ln 10) * sqrt(2 * sum_d (c_r[d] - c_t[d])^2) = 6.141851463713754 * sqrt(sum d^2),
// averaged over all frames. No DTW: pairs are aligned beforehand. The floors need each
// whole mel spectrogram, so the spectrograms are read twice in blocks of rows (scales.h).
#include "eval/metrics.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>

#include "eval/scales.h"   // defines: ev_mcd_acc, ev_spec_2048_pass

#define MCD_MELS 128
#define MCD_NCEP 13

// DCT-II (ortho) rows c1..c13, built once.
static double basis[MCD_NCEP][MCD_MELS];
static pthread_once_t basis_once = PTHREAD_ONCE_INIT;

static void basis_init(void) {
    for (int k = 0; k < MCD_NCEP; k++)
        for (int n = 0; n < MCD_MELS; n++)
            basis[k][n] = sqrt(2.0 / MCD_MELS) * cos(M_PI * (k + 1) * (2 * n + 1) / (2.0 * MCD_MELS));
}

int ev_mcd_init(ev_mcd_acc *a, int rate, int rows) {
    a->mx_r = a->mx_t = 0; a->sum = 0; a->T = 0;
    a->mb = ev_melbank_get(rate, 2048, MCD_MELS);
    a->mr = malloc(sizeof(double) * MCD_MELS * rows);
    a->mt = malloc(sizeof(double) * MCD_MELS * rows);
    return a->mb && a->mr && a->mt ? 0 : -1;
}

static double max_of(const double *x, int64_t cnt, double mx) {
    for (int64_t i = 0; i < cnt; i++) if (x[i] > mx) mx = x[i];
    return mx;
}

void ev_mcd_first(ev_mcd_acc *a, const float *rb, const float *tb, int64_t n) {
    ev_melbank_apply_pow(a->mb, a->mr, rb, n);
    ev_melbank_apply_pow(a->mb, a->mt, tb, n);
    a->mx_r = max_of(a->mr, n * MCD_MELS, a->mx_r);
    a->mx_t = max_of(a->mt, n * MCD_MELS, a->mx_t);
    a->T += n;
}

// The frames' distances, summed in frame order, with the log-mel floored at max * 1e-8 of
// each signal's whole mel spectrogram (the first pass's maxima).
void ev_mcd_second(ev_mcd_acc *a, const float *rb, const float *tb, int64_t n) {
    const double k_mcd = 6.141851463713754;
    if (a->mx_r <= 0 || a->mx_t <= 0) return;
    const int64_t cnt = n * MCD_MELS;
    const double fr = a->mx_r * 1e-8, ft = a->mx_t * 1e-8;
    ev_melbank_apply_pow(a->mb, a->mr, rb, n);
    ev_melbank_apply_pow(a->mb, a->mt, tb, n);
    for (int64_t i = 0; i < cnt; i++) {
        a->mr[i] = log(fmax(a->mr[i], fr));
        a->mt[i] = log(fmax(a->mt[i], ft));
    }
    pthread_once(&basis_once, basis_init);
    for (int64_t f = 0; f < n; f++) {
        const double *x = a->mr + f * MCD_MELS, *y = a->mt + f * MCD_MELS;
        double acc = 0;
        for (int k = 0; k < MCD_NCEP; k++) {
            double d = 0;
            for (int m = 0; m < MCD_MELS; m++) d += basis[k][m] * (x[m] - y[m]);
            acc += d * d;
        }
        a->sum += k_mcd * sqrt(acc);
    }
}

ev_val ev_mcd_finish(ev_mcd_acc *a) {
    ev_val out;
    if (a->mx_r <= 0) out = ev_null("reference is silent");
    else if (a->mx_t <= 0) out = ev_null("estimate is silent");
    else out = ev_ok(a->sum / (double)a->T);
    ev_mcd_free(a);
    return out;
}

void ev_mcd_free(ev_mcd_acc *a) {
    free(a->mr); free(a->mt);
    a->mr = a->mt = NULL;
}

ev_val ev_mcd(ev_sig *ref, ev_sig *est, int rate) {
    ev_mcd_acc a;
    if (ev_mcd_init(&a, rate, EV_SCALES_BLOCK) || ev_spec_2048_pass(ref, est, NULL, &a, 1) ||
        ev_spec_2048_pass(ref, est, NULL, &a, 2)) {
        ev_mcd_free(&a);
        return ev_null("out of memory");
    }
    return ev_mcd_finish(&a);
}
