// test_visqol.c: ViSQOL's stages and rules (eval/visqol.h); agreement with visqol-python on
// real pairs is test_visqol_ref.sh.
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "eval/visqol.h"
#include "tests/test.h"

#define SR EV_VISQOL_RATE

// Drum-like test signal: decaying noise bursts and tones, n samples, repeatable.
static double *drums(int64_t n, uint64_t seed) {
    double *x = calloc(n, sizeof(double));
    gd_rng r;
    gd_rng_init(&r, seed, 1);
    for (int64_t t0 = 0; t0 < n; t0 += SR / 3) {
        double f = 60.0 + 400.0 * gd_rng_uniform(&r);
        for (int64_t i = 0; i < SR / 4 && t0 + i < n; i++) {
            double e = exp(-(double)i / (SR * 0.04));
            x[t0 + i] += e * (0.5 * sin(2 * M_PI * f * i / SR) + 0.2 * gd_rng_normal(&r));
        }
    }
    return x;
}

// The committed C arrays hold exactly the numbers of the model file (as strtod reads them).
static void test_model_matches_file(void) {
    const char *root = getenv("GD_ROOT");
    char path[1024], line[8192];
    snprintf(path, sizeof path, "%s/eval/data/visqol/libsvm_nu_svr_model.txt", root ? root : ".");
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f) return;
    int sv = -1, bad = 0;
    while (fgets(line, sizeof line, f)) {
        if (sv < 0) {
            double v;
            if (sscanf(line, "gamma %lf", &v) == 1) CHECK(v == ev_visqol_svr_gamma);
            if (sscanf(line, "rho %lf", &v) == 1) CHECK(v == ev_visqol_svr_rho);
            if (!strncmp(line, "SV", 2)) sv = 0;
            continue;
        }
        char *p = line, *end;
        if (sv >= EV_VISQOL_SVR_N) { bad++; break; }
        if (strtod(p, &end) != ev_visqol_svr_coef[sv]) bad++;
        for (int k = 0; k < EV_VISQOL_BANDS; k++) {
            p = strchr(end, ':');
            if (!p || strtod(p + 1, &end) != ev_visqol_svr_sv[sv][k]) { bad++; break; }
        }
        sv++;
    }
    fclose(f);
    CHECK(sv == EV_VISQOL_SVR_N);
    CHECK(bad == 0);
}

// All-1 NSIM (identical signals) maps to ViSQOL's 4.732101 (C++ and visqol-python).
static void test_svr_identity(void) {
    double one[EV_VISQOL_BANDS];
    for (int k = 0; k < EV_VISQOL_BANDS; k++) one[k] = 1.0;
    CHECK_NEAR(ev_visqol_svr(one), 4.732101, 5e-7);
}

static void test_identical_and_gain(void) {
    int64_t n = 3 * SR;
    double *x = drums(n, 1), *y = malloc(sizeof(double) * n);
    for (int64_t i = 0; i < n; i++) y[i] = 0.25 * x[i];
    ev_visqol_result a, b;
    CHECK(ev_visqol_48k(&a, x, n, x, n) == 0);
    CHECK(a.why == NULL);
    CHECK_NEAR(a.mos, 4.732101, 5e-7);
    CHECK_NEAR(a.vnsim, 1.0, 1e-12);
    CHECK(a.n_patches == (int)((1 + (n - EV_VISQOL_WIN) / EV_VISQOL_HOP - EV_VISQOL_PATCH - 15) / EV_VISQOL_PATCH) + 1);
    CHECK(ev_visqol_48k(&b, x, n, y, n) == 0);   // level-matched first: a gain changes nothing
    CHECK_NEAR(b.mos, a.mos, 1e-9);
    free(x); free(y);
}

// Noise on the estimate lowers the score, more noise lowers it more; same bits for any
// thread count.
static void test_monotone_and_threads(void) {
    int64_t n = 3 * SR;
    double *x = drums(n, 2), *y = malloc(sizeof(double) * n), *z = malloc(sizeof(double) * n);
    gd_rng r;
    gd_rng_init(&r, 9, 1);
    for (int64_t i = 0; i < n; i++) {
        double e = gd_rng_normal(&r);
        y[i] = x[i] + 0.003 * e;
        z[i] = x[i] + 0.05 * e;
    }
    ev_visqol_result a, b, c;
    CHECK(ev_visqol_48k(&a, x, n, y, n) == 0);
    CHECK(ev_visqol_48k(&b, x, n, z, n) == 0);
    CHECK(a.mos < 4.732101 && b.mos < a.mos && b.mos >= 1.0);
    int t = omp_get_max_threads();
    omp_set_num_threads(1);
    CHECK(ev_visqol_48k(&c, x, n, z, n) == 0);
    omp_set_num_threads(t);
    CHECK(c.mos == b.mos);
    CHECK(!memcmp(c.fvnsim, b.fvnsim, sizeof c.fvnsim));
    free(x); free(y); free(z);
}

// Too short, silent: null with a reason, never a number.
static void test_nulls(void) {
    int64_t n = SR;
    double *x = drums(n, 3), *s = calloc(n, sizeof(double));
    ev_visqol_result a;
    CHECK(ev_visqol_48k(&a, x, SR / 2, x, SR / 2) == 0);
    CHECK(a.why && strstr(a.why, "shorter") && isnan(a.mos));
    CHECK(ev_visqol_48k(&a, s, n, x, n) == 0);
    CHECK(a.why && strstr(a.why, "silent reference"));
    CHECK(ev_visqol_48k(&a, x, n, s, n) == 0);
    CHECK(a.why && strstr(a.why, "silent estimate"));
    CHECK(ev_visqol_48k(&a, x, n, x, n) == 0);   // 1 s: one patch
    CHECK(a.why == NULL && a.n_patches == 1);
    float xf[100] = {0};
    ev_val v = ev_visqol(xf, 100, xf, 100, 44100);
    CHECK(v.why != NULL && isnan(v.v));
    free(x); free(s);
}

// A sine's energy lands in the band whose centre is nearest; higher tones in higher bands.
static void test_gammatone_bands(void) {
    int64_t n = SR / 2;
    double *x = malloc(sizeof(double) * n);
    int prev = -1;
    const double f[] = {100, 1000, 4000, 15000};
    for (int t = 0; t < 4; t++) {
        for (int64_t i = 0; i < n; i++) x[i] = sin(2 * M_PI * f[t] * i / SR);
        double *s;
        int fr;
        CHECK(ev_visqol_spectrogram(&s, &fr, x, n) == 0);
        CHECK(fr == 1 + (int)((n - EV_VISQOL_WIN) / EV_VISQOL_HOP));
        int best = 0;
        for (int k = 1; k < EV_VISQOL_BANDS; k++) if (s[(int64_t)k * fr + fr / 2] > s[(int64_t)best * fr + fr / 2]) best = k;
        CHECK(best > prev);
        prev = best;
        free(s);
    }
    CHECK(prev >= EV_VISQOL_BANDS - 6);
    free(x);
}

// The envelope lag of a delayed copy is minus the delay (ViSQOL's sign).
static void test_lag(void) {
    int64_t n = SR, d = 1234;
    double *x = drums(n, 4), *y = calloc(n + d, sizeof(double));
    memcpy(y + d, x, sizeof(double) * n);
    int ok;
    CHECK(ev_visqol_best_lag(x, n, y, n + d, &ok) == -d);
    CHECK(ok);
    free(x); free(y);
}

int main(void) {
    RUN(test_model_matches_file);
    RUN(test_svr_identity);
    RUN(test_identical_and_gain);
    RUN(test_monotone_and_threads);
    RUN(test_nulls);
    RUN(test_gammatone_bands);
    RUN(test_lag);
    return TEST_REPORT();
}
