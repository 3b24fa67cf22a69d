// visqol_gammatone.c: ViSQOL's gammatone spectrogram (Slaney's ERB filterbank as four
// cascaded biquads per band, Glasberg & Moore ERB) and the dB preparation of a pair.
// Operation order follows scipy.signal.lfilter (direct form II transposed), as visqol-python.
#include "eval/visqol.h"

#include <complex.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/simd.h"

#define NB EV_VISQOL_BANDS

typedef struct {
    double b0[4][NB], b1[4][NB];   // numerators per stage (b2 = 0: ViSQOL's A2 is 0)
    double a1[NB], a2[NB];         // shared denominator 1 + a1 z^-1 + a2 z^-2
} gt_coefs;

// Slaney's MakeERBFilters for 32 bands from 50 Hz to rate/2, band 0 the lowest.
static void gt_make(gt_coefs *c, double rate) {
    const double ear_q = 9.26449, min_bw = 24.7, lo = 50.0, hi = rate / 2.0, T = 1.0 / rate;
    const double aa = -(ear_q * min_bw), bb = -log(hi + ear_q * min_bw);
    const double cc = log(lo + ear_q * min_bw), dd = hi + ear_q * min_bw, ee = (bb + cc) / NB;
    for (int k = 0; k < NB; k++) {
        double cf = aa + exp((double)(NB - k) * ee) * dd;   // ERB order is high to low
        double erb = cf / ear_q + min_bw;
        double B = 1.019 * 2.0 * M_PI * erb;
        double expBT = exp(B * T);
        double cs = cos(2.0 * cf * M_PI * T), sn = sin(2.0 * cf * M_PI * T);
        double b1 = sn * T;
        double bpos = b1 * 2.0 * sqrt(3.0 + pow(2.0, 1.5));
        double bneg = b1 * 2.0 * sqrt(3.0 - pow(2.0, 1.5));
        double a = cs * 2.0 * T;
        double A11 = -(a / expBT + bpos / expBT) / 2.0;
        double A12 = -(a / expBT - bpos / expBT) / 2.0;
        double A13 = -(a / expBT + bneg / expBT) / 2.0;
        double A14 = -(a / expBT - bneg / expBT) / 2.0;
        double p1 = pow(2.0, 1.5), s1 = sqrt(3.0 - p1), s2 = sqrt(3.0 + p1);
        double complex xexp = cexp(4.0 * I * cf * M_PI * T);
        double complex x01 = -2.0 * xexp * T;
        double complex x02 = 2.0 * cexp((-B + 2.0 * I * cf * M_PI) * T) * T;
        double complex x1 = x01 + x02 * (cs - s1 * sn), x2 = x01 + x02 * (cs + s1 * sn);
        double complex x3 = x01 + x02 * (cs - s2 * sn), x4 = x01 + x02 * (cs + s2 * sn);
        double complex x5 = -2.0 / exp(2.0 * B * T) - 2.0 * xexp + 2.0 * (1.0 + xexp) / exp(B * T);
        double complex x52 = x5 * x5;
        double gain = cabs(x1 * x2 * x3 * x4 / (x52 * x52));
        c->b0[0][k] = T / gain; c->b1[0][k] = A11 / gain;
        c->b0[1][k] = T; c->b1[1][k] = A12;
        c->b0[2][k] = T; c->b1[2][k] = A13;
        c->b0[3][k] = T; c->b1[3][k] = A14;
        c->a1[k] = -2.0 * cs / expBT;
        c->a2[k] = exp(-2.0 * B * T);
    }
}

// One frame: w (n windowed samples) through every band's cascade from rest; out[k] = RMS.
// The band loop is innermost so it vectorises; each band's arithmetic is lfilter's.
GD_SIMD static void gt_frame(const gt_coefs *restrict c, const double *restrict w, int n,
                             double *restrict out) {
    double z0[4][NB], z1[4][NB], acc[NB];
    memset(z0, 0, sizeof z0); memset(z1, 0, sizeof z1); memset(acc, 0, sizeof acc);
    for (int i = 0; i < n; i++) {
        double v[NB];
        for (int k = 0; k < NB; k++) v[k] = w[i];
        for (int s = 0; s < 4; s++) {
            for (int k = 0; k < NB; k++) {
                double y = z0[s][k] + c->b0[s][k] * v[k];
                z0[s][k] = z1[s][k] + v[k] * c->b1[s][k] - y * c->a1[k];
                z1[s][k] = -(y * c->a2[k]);   // lfilter's x * 0 - y * a2
                v[k] = y;
            }
        }
        for (int k = 0; k < NB; k++) acc[k] += v[k] * v[k];
    }
    for (int k = 0; k < NB; k++) out[k] = sqrt(acc[k] / n);
}

int ev_visqol_spectrogram(double **out, int *frames, const double *x, int64_t n) {
    *out = NULL; *frames = 0;
    if (n <= EV_VISQOL_WIN) return GD_ERR_ARG;
    int nf = 1 + (int)((n - EV_VISQOL_WIN) / EV_VISQOL_HOP);
    double *s = malloc(sizeof(double) * NB * nf);
    gt_coefs *c = malloc(sizeof *c);
    double *hann = malloc(sizeof(double) * EV_VISQOL_WIN);
    if (!s || !c || !hann) { free(s); free(c); free(hann); return GD_ERR_NOMEM; }
    gt_make(c, EV_VISQOL_RATE);
    for (int i = 0; i < EV_VISQOL_WIN; i++)
        hann[i] = 0.5 - 0.5 * cos(2.0 * M_PI * i / (EV_VISQOL_WIN - 1));
#pragma omp parallel for schedule(static) if (nf > 64)
    for (int f = 0; f < nf; f++) {
        double w[EV_VISQOL_WIN], col[NB];
        const double *xf = x + (int64_t)f * EV_VISQOL_HOP;
        for (int i = 0; i < EV_VISQOL_WIN; i++) w[i] = xf[i] * hann[i];
        gt_frame(c, w, EV_VISQOL_WIN, col);
        for (int k = 0; k < NB; k++) s[(int64_t)k * nf + f] = col[k];
    }
    free(c); free(hann);
    *out = s; *frames = nf;
    return 0;
}

static double to_db(double v) {
    v = fabs(v);
    return 10.0 * log10(v == 0 ? DBL_EPSILON : v);
}

void ev_visqol_prepare(double *ref, int fr, double *deg, int fd) {
    for (int64_t i = 0; i < (int64_t)NB * fr; i++) ref[i] = fmax(to_db(ref[i]), -45.0);
    for (int64_t i = 0; i < (int64_t)NB * fd; i++) deg[i] = fmax(to_db(deg[i]), -45.0);
    int m = fr < fd ? fr : fd;
    for (int f = 0; f < m; f++) {
        double peak = -HUGE_VAL;
        for (int k = 0; k < NB; k++) {
            peak = fmax(peak, ref[(int64_t)k * fr + f]);
            peak = fmax(peak, deg[(int64_t)k * fd + f]);
        }
        double floor_db = peak - 45.0;
        for (int k = 0; k < NB; k++) {
            ref[(int64_t)k * fr + f] = fmax(ref[(int64_t)k * fr + f], floor_db);
            deg[(int64_t)k * fd + f] = fmax(deg[(int64_t)k * fd + f], floor_db);
        }
    }
    double lo = HUGE_VAL;
    for (int64_t i = 0; i < (int64_t)NB * fr; i++) lo = fmin(lo, ref[i]);
    for (int64_t i = 0; i < (int64_t)NB * fd; i++) lo = fmin(lo, deg[i]);
    for (int64_t i = 0; i < (int64_t)NB * fr; i++) ref[i] -= lo;
    for (int64_t i = 0; i < (int64_t)NB * fd; i++) deg[i] -= lo;
}
