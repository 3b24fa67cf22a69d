// embed.c: handcrafted frame embeddings for Frechet/kernel distances without a neural model
// (eval-metrics.md §3.6): 64 Slaney mel bands from 20 Hz to min(16 kHz, Nyquist)
// of a 2048/512 reflect-padded STFT, natural log of mel power + 1e-10, keeping frames whose
// energy is within 60 dB of the clip's loudest frame (drum tails would otherwise dominate).
#include "eval/corpus.h"

#include <math.h>
#include <stdlib.h>

#include "eval/spec.h"  // defines: ev_stft_power, ev_melbank_*

int ev_logmel_embed(double **emb, const float *x, int64_t n, int rate) {
    ev_stft_cfg cfg = {2048, 512, 2048, EV_PAD_REFLECT};
    const int64_t T = ev_stft_frames(&cfg, n);
    float *p = malloc(sizeof(float) * (size_t)T * 1025);
    double *mel = malloc(sizeof(double) * (size_t)T * EV_EMB_DIM);
    double f_hi = rate / 2.0 < 16000 ? rate / 2.0 : 16000;
    const ev_melbank *mb = ev_melbank_get_range(rate, 2048, EV_EMB_DIM, 20.0, f_hi);   // shared
    if (!p || !mel || !mb || ev_stft_power(p, x, n, &cfg)) { free(p); free(mel); return -1; }
    ev_melbank_apply(mb, mel, p, T);
    double emax = 0;
    double *e = malloc(sizeof(double) * T);
    if (!e) { free(p); free(mel); return -1; }
    for (int64_t t = 0; t < T; t++) {
        double s = 0;
        for (int k = 0; k < 1025; k++) s += p[t * 1025 + k];
        e[t] = s;
        if (s > emax) emax = s;
    }
    int64_t m = 0;
    for (int64_t t = 0; t < T; t++) {
        if (emax > 0 && e[t] < emax * 1e-6) continue;
        for (int k = 0; k < EV_EMB_DIM; k++) mel[m * EV_EMB_DIM + k] = log(mel[t * EV_EMB_DIM + k] + 1e-10);
        m++;
    }
    free(p); free(e);
    *emb = mel;
    return (int)m;
}
