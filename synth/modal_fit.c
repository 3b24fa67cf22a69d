// modal_fit.c: band-split matrix-pencil fitting of recorded hits (see modal_fit.h).
#include "synth/modal_fit.h"

#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"   // defines: GD_ERR_*
#include "core/log.h"     // defines: gd_debug
#include "core/stft.h"    // defines: gd_stft_mag
#include "synth/pencil.h"

#define N_BANDS 13
#define MAX_ORDER 30
#define MAX_N 600
#define MAX_BACK 6.9    // nepers: poles that decayed 60 dB before their window are dropped
static const double band_edges[N_BANDS + 1] = {30, 250, 450, 700, 1000, 1400, 2000, 2800,
                                               4000, 5600, 8000, 11000, 15000, 20000};

void syn_fit_opts_default(syn_fit_opts *o) {
    o->skip_s = 0.025;
    o->max_modes = 96;
    o->min_t60 = 0.005;
    o->rel_thr = 1e-4;
    o->keep_db = 50;
    o->back_db = 0;
}

void syn_fit_free(syn_fit_result *r) {
    if (!r) return;
    free(r->modes);
    r->modes = NULL;
    r->n_modes = 0;
}

typedef struct { double f, sigma, energy; double complex a; } cand;

// Blackman-windowed sinc low-pass, cutoff fc_norm (cycles/sample), odd length, unit DC gain.
static double *design_lp(int len, double fc_norm) {
    double *h = malloc(sizeof(double) * (size_t)len), sum = 0;
    if (!h) return NULL;
    int half = len / 2;
    for (int k = 0; k < len; k++) {
        double t = k - half, w = 0.42 - 0.5 * cos(2 * M_PI * k / (len - 1)) +
                                 0.08 * cos(4 * M_PI * k / (len - 1));
        h[k] = (t == 0 ? 2 * fc_norm : sin(2 * M_PI * fc_norm * t) / (M_PI * t)) * w;
        sum += h[k];
    }
    for (int k = 0; k < len; k++) h[k] /= sum;
    return h;
}

// Real gain of the symmetric filter h at offset df (Hz) from the band centre.
static double lp_gain(const double *h, int len, double df, int rate) {
    double g = 0;
    for (int k = 0; k < len; k++) g += h[k] * cos(2 * M_PI * df * (k - len / 2) / rate);
    return g;
}

// Analyses one band; appends candidates to c (returns the new count).
static int fit_band(cand *c, int nc, int cap, const float *x, int64_t n, int rate, int64_t onset,
                    int64_t start, int b, const syn_fit_opts *o) {
    double lo = band_edges[b], hi = band_edges[b + 1];
    if (hi > 0.45 * rate) hi = 0.45 * rate;
    if (lo >= hi) return nc;
    double W = 0.5 * (hi - lo), fc = 0.5 * (hi + lo);
    int D = (int)(rate / (4 * W));
    if (D < 1) D = 1;
    double fsd = (double)rate / D;
    int len = ((int)(5.5 * rate / (1.6 * W))) | 1;
    int half = len / 2;
    int64_t t0 = start + half;
    int64_t avail = (n - 1 - half - t0) / D + 1;
    int N = avail < MAX_N ? (int)avail : MAX_N;
    if (N < 24) return nc;
    double *h = design_lp(len, 2 * W / rate);
    int64_t xs = t0 - half, xn = (int64_t)(N - 1) * D + len;
    double complex *y = malloc(sizeof(double complex) * (size_t)N);
    double complex *xd = malloc(sizeof(double complex) * (size_t)xn);
    double complex poles[MAX_ORDER], amps[MAX_ORDER];
    if (!h || !y || !xd) { free(h); free(y); free(xd); return nc; }
    for (int64_t t = 0; t < xn; t++)   // shift the band to baseband
        xd[t] = x[xs + t] * cexp(-I * 2 * M_PI * fc * (double)(xs + t) / rate);
    for (int m = 0; m < N; m++) {
        const double complex *seg = xd + (int64_t)m * D;
        double complex acc = 0;
        for (int k = 0; k < len; k++) acc += h[k] * seg[k];
        y[m] = acc;
    }
    free(xd);
    int order = syn_pencil(poles, amps, y, N, MAX_ORDER, o->rel_thr);
    gd_debug("band %.0f-%.0f Hz: N %d, D %d, order %d", lo, hi, N, D, order);
    for (int i = 0; i < order && nc < cap; i++) {
        double mag = cabs(poles[i]);
        if (!(mag > 0) || mag >= 1) continue;
        double sigma = -log(mag) * fsd, f = fc + carg(poles[i]) * fsd / (2 * M_PI);
        if (f < lo || f >= hi || 6.907755278982137 / sigma < o->min_t60) continue;
        double g = lp_gain(h, len, f - fc, rate);
        if (fabs(g) < 0.5) continue;
        double tt = (double)(t0 - onset) / rate;   // refer back to the onset
        if (sigma * tt > MAX_BACK) continue;        // decayed > 60 dB before the window
        // back to the onset: the phase exactly, the level by at most back_db (default 0): on
        // real hits glide and the contact make the first ms non-modal, and extrapolating
        // levels back made the modal part overshoot the recording (measured on the djembe
        // hits); the attack is left to the residual (attack-noise) model instead.
        double complex a = 2.0 * amps[i] / g * cexp(I * 2 * M_PI * fc * (double)t0 / rate) *
                           cexp(-I * 2 * M_PI * f * tt) * exp(fmin(sigma * tt, o->back_db / 8.685889638));
        c[nc++] = (cand){f, sigma, cabs(a) * cabs(a) / (4 * sigma), a};
    }
    free(h);
    free(y);
    return nc;
}

static int cmp_energy(const void *a, const void *b) {
    double x = ((const cand *)a)->energy, y = ((const cand *)b)->energy;
    return (x < y) - (x > y);
}

static int cmp_freq(const void *a, const void *b) {
    double x = ((const syn_mode *)a)->freq, y = ((const syn_mode *)b)->freq;
    return (x > y) - (x < y);
}

// Glide: mean instantaneous-frequency excess of mode d over 3..18 ms after the onset,
// measured by demodulating at d->freq over boxes of 4 periods (<= 20 ms), and scaled to the
// peak-energy excess assuming it decays like the mode's energy, e^(-2 sigma t).
static double fit_glide(const float *x, int64_t n, int rate, int64_t onset, const syn_mode *d) {
    int box = (int)(4.0 * rate / d->freq);
    if (box > rate / 50) box = rate / 50;
    int64_t a = onset + (int64_t)(0.003 * rate), b = onset + (int64_t)(0.018 * rate);
    if (b + box >= n) return 0;
    double complex prev = 0;
    double wsum = 0, dsum = 0;
    for (int64_t t = a; t < b; t++) {
        double complex acc = 0;
        for (int k = 0; k < box; k++)
            acc += x[t + k] * cexp(-I * 2 * M_PI * d->freq * (double)(t + k) / rate);
        if (t > a) {
            double dph = carg(acc * conj(prev)), w = cabs(acc);
            dsum += w * dph * rate / (2 * M_PI);
            wsum += w;
        }
        prev = acc;
    }
    if (!(wsum > 0)) return 0;
    double centre = 0.0105 + 0.5 * box / rate, sigma = 6.907755278982137 / d->t60;
    double g = dsum / wsum / d->freq * exp(2 * sigma * centre);
    return g < 0 ? 0 : g > 0.1 ? 0.1 : g;
}

// Attack noise from the residual of the modal resynthesis over the first 30 ms.
static void fit_noise(syn_fit_result *r, const float *x, int64_t n) {
    int64_t len = (int64_t)(0.03 * r->rate);
    if (r->onset + len > n) len = n - r->onset;
    double pk = 0, zc = 0;
    int64_t at = 0;
    float *e = malloc(sizeof(float) * (size_t)(len > 0 ? len : 1));
    if (!e || len < 8) { free(e); return; }
    for (int64_t t = 0; t < len; t++) {
        double m = 0, tt = (double)t / r->rate;
        for (int k = 0; k < r->n_modes; k++) {
            const syn_mode *q = &r->modes[k];
            m += q->amp * exp(-6.907755278982137 / q->t60 * tt) *
                 cos(2 * M_PI * q->freq * tt + q->phase);
        }
        e[t] = (float)(x[r->onset + t] - m);
        if (fabs(e[t]) > pk) { pk = fabs(e[t]); at = t; }
    }
    int64_t zl = (int64_t)(0.01 * r->rate) < len ? (int64_t)(0.01 * r->rate) : len;
    for (int64_t t = 1; t < zl; t++) zc += (e[t] < 0) != (e[t - 1] < 0);
    // decay: time after the residual peak until a 1 ms RMS falls below 1/e of the peak's
    int w = r->rate / 1000;
    double ref = 0, tau = 0.003;
    for (int64_t t = at; t < len - w; t += w) {
        double s = 0;
        for (int k = 0; k < w; k++) s += (double)e[t + k] * e[t + k];
        s = sqrt(s / w);
        if (t == at) ref = s;
        else if (s < ref / M_E) { tau = (double)(t - at) / r->rate; break; }
    }
    r->noise_level = r->peak > 0 ? fmin(2.0, pk / r->peak) : 0;
    r->noise_s = tau < 0.0005 ? 0.0005 : tau;
    r->noise_hz = zc / (2.0 * zl / r->rate);
    if (r->noise_hz < 200) r->noise_hz = 200;
    free(e);
}

int syn_fit_signal(syn_fit_result *r, const float *x, int64_t n, int rate, const syn_fit_opts *o) {
    memset(r, 0, sizeof *r);
    r->rate = rate;
    for (int64_t t = 0; t < n; t++) if (fabsf(x[t]) > r->peak) r->peak = fabsf(x[t]);
    if (!(r->peak >= 1e-4)) { r->why = "silent (peak below -80 dBFS)"; return GD_ERR_EMPTY; }
    while (r->onset < n && fabsf(x[r->onset]) < 0.1 * r->peak) r->onset++;
    r->dur_s = (double)(n - r->onset) / rate;
    if (r->dur_s < 0.05) { r->why = "too short (less than 50 ms after the onset)"; return GD_ERR_EMPTY; }
    int cap = N_BANDS * MAX_ORDER, nc = 0;
    cand *c = malloc(sizeof(cand) * (size_t)cap);
    if (!c) return GD_ERR_NOMEM;
    int64_t start = r->onset + (int64_t)(o->skip_s * rate);
    for (int b = 0; b < N_BANDS; b++) nc = fit_band(c, nc, cap, x, n, rate, r->onset, start, b, o);
    qsort(c, (size_t)nc, sizeof(cand), cmp_energy);
    int keep = 0;
    double floor_e = nc ? c[0].energy * pow(10, -o->keep_db / 10) : 0;
    while (keep < nc && keep < o->max_modes && c[keep].energy >= floor_e) keep++;
    r->modes = malloc(sizeof(syn_mode) * (size_t)(keep > 0 ? keep : 1));
    if (!r->modes) { free(c); return GD_ERR_NOMEM; }
    for (int i = 0; i < keep; i++)
        r->modes[i] = (syn_mode){c[i].f, 6.907755278982137 / c[i].sigma, cabs(c[i].a), carg(c[i].a)};
    r->n_modes = keep;
    free(c);
    if (keep == 0) { r->why = "no decaying modes found"; return GD_ERR_EMPTY; }
    // glide is tracked on the strongest mode with at least 4 periods in 20 ms (>= 200 Hz)
    syn_mode dom = r->modes[0];
    for (int i = 0; i < keep; i++)
        if (r->modes[i].freq >= 200) { dom = r->modes[i]; break; }
    qsort(r->modes, (size_t)keep, sizeof(syn_mode), cmp_freq);
    r->glide = fit_glide(x, n, rate, r->onset, &dom);
    fit_noise(r, x, n);
    return 0;
}

double syn_mrstft(const float *x, const float *ref, int64_t n) {
    static const int cfg[3][3] = {{2048, 240, 1200}, {1024, 120, 600}, {512, 50, 240}};
    double total = 0;
    for (int i = 0; i < 3; i++) {
        gd_stft_cfg c = {.n_fft = cfg[i][0], .hop = cfg[i][1], .win_length = cfg[i][2],
                         .center = 1};
        int64_t T = gd_stft_n_frames(&c, n), F = gd_stft_n_bins(&c);
        float *A = malloc(sizeof(float) * (size_t)(T * F)), *B = malloc(sizeof(float) * (size_t)(T * F));
        if (!A || !B || gd_stft_mag(A, x, n, &c) || gd_stft_mag(B, ref, n, &c)) {
            free(A); free(B);
            return NAN;
        }
        double num = 0, den = 0, lm = 0;
        for (int64_t k = 0; k < T * F; k++) {
            double d = A[k] - B[k];
            num += d * d;
            den += (double)B[k] * B[k];
            lm += fabs(log(A[k] + 1e-7) - log(B[k] + 1e-7));
        }
        total += sqrt(num / (den > 0 ? den : 1e-30)) + lm / (double)(T * F);
        free(A); free(B);
    }
    return total / 3;
}
