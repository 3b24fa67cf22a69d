// test_metrics.c: pair metrics against the analytic validation vectors of eval-metrics.md §9
// (V1-V5, V18; V9 is test_loudness.c) plus alignment, onset scoring and the null-instead-of-NaN
// rule.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fft.h"
#include "core/json.h"
#include "core/rng.h"
#include "eval/eval.h"
#include "eval/metrics.h"
#include "tests/test.h"

#define SR 44100
#define NN 44100

static float *noise(int64_t n, double sigma, uint64_t seed) {
    float *x = malloc(sizeof(float) * n);
    gd_rng r;
    gd_rng_init(&r, seed, 1);
    for (int64_t i = 0; i < n; i++) x[i] = (float)(sigma * gd_rng_normal(&r));
    return x;
}

static float *scaled(const float *x, int64_t n, float g) {
    float *y = malloc(sizeof(float) * n);
    for (int64_t i = 0; i < n; i++) y[i] = g * x[i];
    return y;
}

static ev_pair_result pair(const float *r, int64_t nr, const float *t, int64_t nt, int rate) {
    ev_pair_result res;
    ev_pair_opts o;
    ev_pair_opts_default(&o);
    int rc = ev_pair_mono(&res, r, nr, t, nt, rate, &o);
    CHECK(rc == 0);
    return res;
}

// V1, V2, V3, V5: white noise sigma 0.3 against 0.5x and 2x copies.
static void test_gain_vectors(void) {
    float *x = noise(NN, 0.3, 7), *h = scaled(x, NN, 0.5f), *d = scaled(x, NN, 2.0f);
    ev_pair_result r = pair(x, NN, h, NN, SR);
    CHECK(r.lag == 0);
    CHECK_NEAR(r.value[EV_MRSTFT], 1.1931472, 1e-6);              // V1
    CHECK_NEAR(r.value[EV_MRSTFT_SC], 0.5, 1e-6);
    CHECK_NEAR(r.value[EV_MRSTFT_LOGMAG], 0.6931472, 1e-6);
    CHECK_NEAR(r.value[EV_RAVE_MSS], 4.7157359, 1e-6);             // V2
    CHECK_NEAR(r.value[EV_LSD_DB], 6.0206, 1e-4);                  // |20 log10 0.5|
    CHECK_NEAR(r.value[EV_MCD_DB], 0.0, 1e-6);                     // V5: gain invariance
    CHECK(r.why[EV_SI_SDR_DB] != NULL);                             // infinite: null with a reason
    CHECK_NEAR(r.value[EV_LOUD_DIFF], 20 * log10(0.5), 1e-3);
    CHECK_NEAR(r.value[EV_ENVELOPE_L1_DB], 6.0206, 1e-3);
    r = pair(x, NN, d, NN, SR);
    CHECK_NEAR(r.value[EV_MRSTFT], 1.6931472, 1e-6);
    CHECK_NEAR(r.value[EV_LSD_DB], 6.0206, 1e-4);                  // V3
    CHECK_NEAR(r.value[EV_RAVE_MSS], 5 * (1.0 + log(2.0)), 1e-5);
    // swapped arguments: SC becomes |1 - 1/g|
    r = pair(h, NN, x, NN, SR);
    CHECK_NEAR(r.value[EV_MRSTFT_SC], 1.0, 1e-6);
    free(x); free(h); free(d);
}

static void test_identity(void) {
    float *x = noise(NN / 2, 0.3, 3);
    ev_pair_result r = pair(x, NN / 2, x, NN / 2, SR);
    int zero[] = {EV_RAVE_MSS, EV_MRSTFT, EV_MEL_L1, EV_LSD_DB, EV_MCD_DB,
                  EV_LOUD_DIFF, EV_ENVELOPE_L1_DB, EV_ATTACK_MS_ERR};
    for (size_t i = 0; i < sizeof zero / sizeof zero[0]; i++) CHECK_NEAR(r.value[zero[i]], 0.0, 1e-9);
    CHECK(r.why[EV_SI_SDR_DB] != NULL);     // infinite SI-SDR is null with a reason
    free(x);
}

// V4: t = a r + n, n orthogonal to r with |n|^2 = 0.01 |a r|^2 gives 20 dB for any a.
static void test_si_sdr(void) {
    float r[NN], t[NN];
    const double as[3] = {0.5, 3.0, -2.0};
    for (int k = 0; k < 3; k++) {
        double a = as[k];
        for (int i = 0; i < NN; i++) {
            double s = sin(2 * M_PI * 440.0 * i / SR), nse = sin(2 * M_PI * 1000.0 * i / SR);
            r[i] = (float)s;
            t[i] = (float)(a * s + 0.1 * fabs(a) * nse);
        }
        ev_val v = ev_si_sdr(r, t, NN);
        CHECK(v.why == NULL);
        CHECK_NEAR(v.v, 20.0, 1e-3);
    }
}

// V18: attack, decay, f0.
static void test_attack(void) {
    const int sr = 44100;
    int64_t n = sr / 10;
    float *env = malloc(sizeof(float) * n);
    for (int64_t i = 0; i < n; i++) env[i] = (float)fmin(1.0, i / (0.005 * sr));
    ev_val a = ev_attack_ms(env, n, sr);
    CHECK_NEAR(a.v, 3.5, 1e-3);
    // a 10 ms one-pole follower on a unit step reaches 1 - 1/e after 10 ms
    float *step = malloc(sizeof(float) * n);
    for (int64_t i = 0; i < n; i++) step[i] = 1.0f;
    ev_envelope_follow(env, step, n, sr, 10.0, 1500.0);
    CHECK_NEAR(env[(int)(0.010 * sr) - 1], 1 - exp(-1.0), 1e-3);
    memset(env, 0, sizeof(float) * n);
    CHECK(ev_attack_ms(env, n, sr).why != NULL);
    free(env); free(step);
}

static void test_decay(void) {
    const int sr = 44100;
    const double tau = 0.1;
    int64_t n = 2 * sr;
    float *x = noise(n, 0.5, 11);
    for (int64_t i = 0; i < n; i++) x[i] *= (float)exp(-(double)i / (tau * sr));
    ev_val t = ev_decay_t60(x, n, sr);
    CHECK(t.why == NULL);
    CHECK_NEAR(t.v, tau * log(1000.0), 0.01 * tau * log(1000.0));
    // a clip too short to fall 25 dB gives null
    ev_val s = ev_decay_t60(x, sr / 50, sr);
    CHECK(s.why != NULL);
    free(x);
}

static void test_f0(void) {
    const int sr = 44100;
    int64_t n = sr;
    float *r = malloc(sizeof(float) * n), *t = malloc(sizeof(float) * n);
    double f = 200.0, fd = 200.0 * pow(2.0, 50.0 / 1200);
    for (int64_t i = 0; i < n; i++) {
        double e = exp(-(double)i / (0.3 * sr));
        r[i] = (float)(e * (sin(2 * M_PI * f * i / sr) + 0.5 * sin(2 * M_PI * 1.593 * f * i / sr)));
        t[i] = (float)(e * (sin(2 * M_PI * fd * i / sr) + 0.5 * sin(2 * M_PI * 1.593 * fd * i / sr)));
    }
    ev_val a, b, c;
    ev_f0(r, t, n, sr, &a, &b, &c);
    CHECK_NEAR(a.v, 200.0, 0.5);
    CHECK_NEAR(c.v, 50.0, 1.0);
    free(r); free(t);
}

static void test_alignment(void) {
    int64_t n = NN / 2, d = 300;
    float *x = noise(n, 0.3, 5), *y = calloc(n + d, sizeof(float));
    memcpy(y + d, x, sizeof(float) * n);    // est delayed by 300 samples (6.8 ms)
    ev_pair_result r = pair(x, n, y, n + d, SR);
    CHECK(r.lag == d);
    CHECK(r.n_used == n);
    CHECK_NEAR(r.value[EV_RAVE_MSS], 0.0, 1e-9);
    r = pair(y, n + d, x, n, SR);            // est early: lag -300, ref's first 300 cropped
    CHECK(r.lag == -d);
    CHECK(r.n_used == n);
    CHECK_NEAR(r.value[EV_MRSTFT], 0.0, 1e-9);
    // beyond +-50 ms the lag is not searched
    int64_t far = (int64_t)(0.08 * SR);
    float *z = calloc(n + far, sizeof(float));
    memcpy(z + far, x, sizeof(float) * n);
    r = pair(x, n, z, n + far, SR);
    CHECK(llabs(r.lag) <= (int64_t)(0.05 * SR));
    free(x); free(y); free(z);
}

static void test_onset_scoring(void) {
    double ref[3] = {0.1, 0.5, 1.0}, est[3] = {0.11, 0.53, 2.0}, off;
    CHECK_NEAR(ev_onset_f(ref, 3, est, 3, 0.05, &off), 2.0 / 3, 1e-12);
    CHECK_NEAR(off, 20.0, 1e-9);
    CHECK_NEAR(ev_onset_f(ref, 3, est, 3, 0.02, &off), 1.0 / 3, 1e-12);
    CHECK_NEAR(ev_onset_f(ref, 3, est, 0, 0.05, &off), 0.0, 0);
    // one est may match only one ref
    double r2[2] = {0.10, 0.12}, e2[1] = {0.11};
    CHECK_NEAR(ev_onset_f(r2, 2, e2, 1, 0.05, &off), 2 * 1.0 * 0.5 / 1.5, 1e-12);
}

static void test_onset_detection(void) {
    int64_t n = SR;
    float *x = calloc(n, sizeof(float));
    const double at[3] = {0.1, 0.4, 0.7};
    gd_rng g;
    gd_rng_init(&g, 1, 2);
    for (int k = 0; k < 3; k++) {
        int64_t s = (int64_t)(at[k] * SR);
        for (int64_t i = 0; i < SR / 10; i++) x[s + i] = (float)(gd_rng_normal(&g) * exp(-i / (0.01 * SR)));
    }
    ev_sig s;
    ev_sig_init(&s, x, n);
    double t[16];
    int c = ev_onsets(&s, SR, t, 16);
    CHECK(c == 3);
    for (int k = 0; k < c && k < 3; k++) CHECK_NEAR(t[k], at[k], 0.006);
    ev_sig_free(&s);
    free(x);
}

static void test_low_energy_share(void) {
    // 40 Hz at amplitude 0.3 plus 1 kHz at 0.4, DC offset 0.1 (removed), 1 s (whole periods):
    // share below 60 Hz = 0.09 / (0.09 + 0.16)
    float *x = malloc(sizeof(float) * NN), *y = malloc(sizeof(float) * NN);
    for (int i = 0; i < NN; i++) {
        x[i] = (float)(0.1 + 0.3 * sin(2 * M_PI * 40.0 * i / SR) + 0.4 * sin(2 * M_PI * 1000.0 * i / SR));
        y[i] = (float)(0.4 * sin(2 * M_PI * 1000.0 * i / SR));
    }
    ev_val a = ev_low_energy_share(x, NN, SR, 60.0), b = ev_low_energy_share(y, NN, SR, 60.0);
    CHECK(!a.why && !b.why);
    CHECK_NEAR(a.v, 0.09 / 0.25, 2e-3);   // zero padding leaks a little around each sine
    CHECK(b.v < 1e-4);
    ev_pair_result r;
    CHECK(ev_pair_mono(&r, x, NN, y, NN, SR, NULL) == 0);
    CHECK_NEAR(r.value[EV_LOW_SHARE_DIFF], r.value[EV_LOW_SHARE_EST] - r.value[EV_LOW_SHARE_REF], 1e-12);
    CHECK(r.value[EV_LOW_SHARE_DIFF] < -0.35);
    memset(y, 0, sizeof(float) * NN);
    CHECK(ev_low_energy_share(y, NN, SR, 60.0).why != NULL);
    free(x); free(y);
}

static void test_silence_is_null(void) {
    int64_t n = SR / 2;
    float *z = calloc(n, sizeof(float)), *x = noise(n, 0.1, 9);
    ev_pair_result r = pair(z, n, x, n, SR);
    CHECK(r.why[EV_RAVE_MSS] && r.why[EV_LOUD_REF] && r.why[EV_F0_ERR_CENTS]);
    CHECK(r.why[EV_MRSTFT] && r.why[EV_LSD_DB] && r.why[EV_MCD_DB] && r.why[EV_SI_SDR_DB]);
    // a single common sample: everything but loudness is null with a reason
    ev_pair_result one = pair(x, 1, x, 1, SR);
    CHECK(one.n_used == 1 && one.why[EV_MEL_L1] && one.why[EV_ONSET_F_50]);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    gd_json j;
    gd_json_init(&j, f);
    ev_pair_write_json(&j, &r, "silent", NULL, NULL);
    fclose(f);
    CHECK(strstr(buf, "nan") == NULL && strstr(buf, "inf\"") == NULL && strstr(buf, "NaN") == NULL);
    CHECK(strstr(buf, "\"rave_mss\":null") != NULL);
    CHECK(strstr(buf, "\"null_reasons\"") != NULL);
    free(buf); free(z); free(x);
}

int main(void) {
    RUN(test_gain_vectors);
    RUN(test_identity);
    RUN(test_si_sdr);
    RUN(test_attack);
    RUN(test_decay);
    RUN(test_f0);
    RUN(test_alignment);
    RUN(test_onset_scoring);
    RUN(test_onset_detection);
    RUN(test_low_energy_share);
    RUN(test_silence_is_null);
    gd_fft_cleanup();
    return TEST_REPORT();
}
