// test_fit.c: the matrix-pencil fitter on synthetic hits with known modes.
#include <math.h>
#include <stdlib.h>

#include "core/error.h"
#include "core/log.h"
#include "core/rng.h"
#include "synth/modal_fit.h"
#include "synth/physfit.h"
#include "synth/synth.h"
#include "tests/test.h"

// Index of the fitted mode nearest to f.
static int nearest(const syn_fit_result *r, double f) {
    int best = -1;
    for (int k = 0; k < r->n_modes; k++)
        if (best < 0 || fabs(r->modes[k].freq - f) < fabs(r->modes[best].freq - f)) best = k;
    return best;
}

// docs/drum-physmod.md 5.2: 8 modes at 180 Hz x Bessel ratios, T60 0.25-0.9 s, 40 dB SNR.
static void test_eight_modes_40db(void) {
    const double ratio[8] = {1, 1.593, 2.136, 2.295, 2.653, 2.917, 3.155, 3.5};
    const double t60[8] = {0.9, 0.7, 0.6, 0.5, 0.45, 0.35, 0.3, 0.25};
    const double amp[8] = {1.0, 0.7, 0.5, 0.6, 0.4, 0.35, 0.3, 0.25};
    int rate = 44100, n = (int)(1.5 * rate);
    float *x = malloc(sizeof(float) * (size_t)n);
    double pow_s = 0;
    for (int t = 0; t < n; t++) {
        double v = 0, tt = (double)t / rate;
        for (int k = 0; k < 8; k++)
            v += amp[k] * exp(-6.907755 / t60[k] * tt) * cos(2 * M_PI * 180 * ratio[k] * tt + k);
        x[t] = (float)v;
        if (t < rate) pow_s += v * v;
    }
    double noise = sqrt(pow_s / rate) * pow(10, -40.0 / 20);
    gd_rng r;
    gd_rng_init(&r, 42, 1);
    for (int t = 0; t < n; t++) x[t] += (float)(noise * gd_rng_normal(&r));
    syn_fit_opts o;
    syn_fit_opts_default(&o);
    o.skip_s = 0.003;
    o.back_db = 200;
    syn_fit_result fr;
    CHECK(syn_fit_signal(&fr, x, n, rate, &o) == 0);
    double worst_f = 0, worst_d = 0;
    for (int k = 0; k < 8; k++) {
        double f = 180 * ratio[k];
        int i = nearest(&fr, f);
        CHECK(i >= 0);
        if (i < 0) continue;
        double ef = fabs(fr.modes[i].freq - f) / f, ed = fabs(fr.modes[i].t60 - t60[k]) / t60[k];
        if (ef > worst_f) worst_f = ef;
        if (ed > worst_d) worst_d = ed;
        CHECK(ef < 1e-3);
        CHECK(ed < 0.05);
        CHECK_NEAR(fr.modes[i].amp, amp[k], 0.1 * amp[k]);
        double dph = remainder(fr.modes[i].phase - k, 2 * M_PI);
        CHECK_NEAR(dph, 0.0, 0.1);
    }
    printf("# 8 modes at 40 dB SNR: %d found, worst freq error %.2e, worst T60 error %.2f%%\n",
           fr.n_modes, worst_f, 100 * worst_d);
    syn_fit_free(&fr);
    free(x);
}

// Both ends: an ideal membrane rendered by the engine, analysed by the fitter, gives the
// Bessel-zero ratios to 1e-4 and the requested T60 to 2 %.
static void test_engine_roundtrip(void) {
    syn_zeros z;
    CHECK(syn_zeros_init(&z, 40) == 0);
    syn_stroke s;
    syn_stroke_default(&s);
    s.rate = 44100; s.n_modes = 7; s.split = 0; s.strike_r = 0.37; s.mic_theta = 0.3;
    s.f01 = 173; s.duration_s = 1.5; s.contact_s = 0.0005; s.radiation = 1;
    s.sigma0 = 6.907755 / 0.6; s.sigma1 = 0;
    int n = (int)(s.duration_s * s.rate);
    float *x = malloc(sizeof(float) * (size_t)n);
    syn_voice *v;
    CHECK(syn_voice_init(&v, 16, n) == 0);
    CHECK(syn_render(x, n, &s, &z, v, 1, 1) == 0);
    syn_fit_opts o;
    syn_fit_opts_default(&o);
    o.skip_s = 0.003;
    o.back_db = 200;
    syn_fit_result fr;
    CHECK(syn_fit_signal(&fr, x, n, s.rate, &o) == 0);
    const double ratio[4] = {1.0, 1.593340505, 2.135548, 2.295417};
    int i0 = nearest(&fr, s.f01);
    for (int k = 0; k < 4 && i0 >= 0; k++) {
        int i = nearest(&fr, s.f01 * ratio[k]);
        CHECK_NEAR(fr.modes[i].freq / fr.modes[i0].freq, ratio[k], 1e-4 * ratio[k]);
        CHECK_NEAR(fr.modes[i].t60, 0.6, 0.02 * 0.6);
    }
    syn_fit_free(&fr);
    syn_voice_free(v);
    syn_zeros_free(&z);
    free(x);
}

// Glide: a single 420 Hz mode rendered with a 3 % glide (frequency excess decaying with the
// energy) is fitted at its settled frequency with a glide estimate within 30 %.
static void test_glide(void) {
    syn_zeros z;
    CHECK(syn_zeros_init(&z, 40) == 0);
    syn_stroke s;
    syn_stroke_default(&s);
    s.rate = 44100; s.n_modes = 1; s.strike_r = 0; s.f01 = 420; s.duration_s = 1.0;
    s.contact_s = 0.0005; s.sigma0 = 6.907755 / 0.3; s.sigma1 = 0; s.glide = 0.03;
    int n = s.rate;
    float *x = malloc(sizeof(float) * (size_t)n);
    syn_voice *v;
    CHECK(syn_voice_init(&v, 8, n) == 0);
    CHECK(syn_render(x, n, &s, &z, v, 1, 1) == 0);
    syn_fit_opts o;
    syn_fit_opts_default(&o);
    syn_fit_result fr;
    CHECK(syn_fit_signal(&fr, x, n, s.rate, &o) == 0);
    int i = nearest(&fr, 420);
    CHECK(i >= 0 && fabs(fr.modes[i].freq - 420) < 0.5);
    printf("# glide: true 0.030, fitted %.4f\n", fr.glide);
    CHECK_NEAR(fr.glide, 0.03, 0.3 * 0.03);
    syn_fit_free(&fr);
    syn_voice_free(v);
    syn_zeros_free(&z);
    free(x);
}

// Physical interpretation: a stiff, air-loaded membrane rendered by the engine and fitted
// gives back f01, eps and B (grid: eps 0.25, B log grid) and the decay law.
static void test_physfit(void) {
    syn_zeros z;
    CHECK(syn_zeros_init(&z, 80) == 0);
    syn_stroke s;
    syn_stroke_default(&s);
    s.rate = 44100; s.n_modes = 30; s.split = 0; s.strike_r = 0.43; s.mic_theta = 0.4;
    s.f01 = 187; s.air_eps = 3.0; s.stiff_B = 1e-4; s.duration_s = 1.5; s.contact_s = 0.0004;
    s.radiation = 1; s.sigma0 = 4.0; s.sigma1 = 2e-6;
    int n = (int)(s.duration_s * s.rate);
    float *x = malloc(sizeof(float) * (size_t)n);
    syn_voice *v;
    CHECK(syn_voice_init(&v, 64, n) == 0);
    CHECK(syn_render(x, n, &s, &z, v, 1, 1) == 0);
    syn_fit_opts o;
    syn_fit_opts_default(&o);
    o.skip_s = 0.003;
    o.back_db = 200;
    syn_fit_result fr;
    CHECK(syn_fit_signal(&fr, x, n, s.rate, &o) == 0);
    syn_physfit_result pf;
    CHECK(syn_physfit(&pf, fr.modes, fr.n_modes, &z) == 0);
    printf("# physfit: f01 %.2f eps %.2f B %.0e score %.3f, %d/%d matched, median %.2f cents, "
           "sigma0 %.2f sigma1 %.2e\n", pf.f01, pf.eps, pf.B, pf.score, pf.n_matched,
           pf.n_strong, pf.cents_median, pf.sigma0, pf.sigma1);
    CHECK_NEAR(pf.f01, 187, 0.2);
    CHECK_NEAR(pf.eps, 3.0, 0.01);
    CHECK_NEAR(pf.B, 1e-4, 1e-9);
    CHECK(pf.cents_median < 2);
    CHECK_NEAR(pf.sigma0, 4.0, 0.2);
    CHECK_NEAR(pf.sigma1, 2e-6, 2e-7);
    syn_fit_free(&fr);
    syn_voice_free(v);
    syn_zeros_free(&z);
    free(x);
}

static void test_bad_hits(void) {
    int rate = 44100;
    float *x = calloc((size_t)rate, sizeof(float));
    syn_fit_opts o;
    syn_fit_opts_default(&o);
    syn_fit_result fr;
    gd_log_set_level(GD_LOG_QUIET);
    CHECK(syn_fit_signal(&fr, x, rate, rate, &o) == GD_ERR_EMPTY);   // silence
    for (int t = 0; t < rate * 5 / 1000; t++) x[t] = (float)sin(t * 0.1) * 0.5f;
    CHECK(syn_fit_signal(&fr, x, rate * 5 / 1000, rate, &o) == GD_ERR_EMPTY);   // 5 ms
    gd_log_set_level(GD_LOG_INFO);
    free(x);
}

static void test_mrstft(void) {
    int n = 8000;
    float *a = malloc(sizeof(float) * (size_t)n), *b = malloc(sizeof(float) * (size_t)n);
    for (int t = 0; t < n; t++) { a[t] = (float)sin(t * 0.05); b[t] = (float)sin(t * 0.07); }
    CHECK_NEAR(syn_mrstft(a, a, n), 0.0, 1e-9);
    CHECK(syn_mrstft(b, a, n) > 0.5);
    free(a); free(b);
}

int main(void) {
    RUN(test_eight_modes_40db);
    RUN(test_engine_roundtrip);
    RUN(test_glide);
    RUN(test_physfit);
    RUN(test_bad_hits);
    RUN(test_mrstft);
    return TEST_REPORT();
}
