// test_corpus.c: corpus statistics against eval-metrics.md §9: V6 (descriptors of white
// noise), V7 (Frechet), V8 (KAD toy value and the Gaussian closed form), the oracle's
// librosa-convention descriptors, and Wasserstein-1 / KS on small known samples.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/fft.h"
#include "core/rng.h"
#include "eval/corpus.h"
#include "eval/npy.h"
#include "tests/test.h"

static double oracle(const char *key) {
    const char *root = getenv("GD_ROOT");
    char path[1024], line[4096];
    snprintf(path, sizeof path, "%s/tests/ref/eval_oracle.txt", root ? root : ".");
    FILE *f = fopen(path, "r");
    double v = NAN;
    size_t kl = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, key, kl) && line[kl] == ' ') { v = strtod(line + kl, NULL); break; }
    if (f) fclose(f);
    return v;
}

static void test_descriptors_white_noise_v6(void) {
    const int sr = 44100;
    int64_t n = 2 * sr;
    float *x = malloc(sizeof(float) * n);
    gd_rng r;
    gd_rng_init(&r, 3, 3);
    for (int64_t i = 0; i < n; i++) x[i] = (float)(0.3 * gd_rng_normal(&r));
    double d[EV_N_DESC];
    ev_descriptors(d, x, n, sr);
    CHECK_NEAR(d[EV_DESC_FLATNESS], exp(-0.5772156649), 0.01);   // e^-gamma
    CHECK_NEAR(d[EV_DESC_CENTROID], sr / 4.0, 0.01 * sr / 4.0);
    CHECK_NEAR(d[EV_DESC_ROLLOFF], 0.85 * sr / 2, 0.01 * sr / 2);
    free(x);
}

// Same closed-form signal as test_oracle.c (scripts/gen_eval_ref.py, signal(1, 1, 1, 0.01)).
static void test_descriptors_oracle(void) {
    enum { RATE = 16000, N = 12000 };
    static const double ratios[6] = {1.0, 1.593, 2.136, 2.295, 2.653, 2.917};
    float *x = malloc(sizeof(float) * N);
    for (int n = 0; n < N; n++) {
        double v = 0;
        for (int k = 0; k < 6; k++)
            v += 0.5 / (k + 1) * exp(-n / (RATE * 0.25 / (k + 1))) * sin(2 * M_PI * 110.0 * ratios[k] * n / RATE + 0.3 * k);
        for (int j = 0; j < 30; j++)
            v += 0.01 * exp(-n / (RATE * 0.05)) * sin(2 * M_PI * (500.0 + 237.1 * j) * n / RATE + 1.7 * j);
        x[n] = (float)v;
    }
    double d[EV_N_DESC];
    ev_descriptors(d, x, N, RATE);
    CHECK_NEAR(d[EV_DESC_CENTROID], oracle("desc_centroid_hz"), 1e-4 * oracle("desc_centroid_hz"));
    CHECK_NEAR(d[EV_DESC_ROLLOFF], oracle("desc_rolloff_hz"), 1e-4 * oracle("desc_rolloff_hz"));
    CHECK_NEAR(d[EV_DESC_FLATNESS], oracle("desc_flatness"), 0.02 * oracle("desc_flatness"));
    free(x);
}

static void test_frechet_v7(void) {
    double m0 = 0, m1 = 1, c1 = 1, c4 = 4;
    CHECK_NEAR(ev_frechet(&m0, &c1, &m1, &c4, 1), 2.0, 1e-12);
    // identical statistics give 0; diagonal closed form; invariance under a common rotation
    double mu[3] = {1, -2, 0.5}, mu2[3] = {0, 0, 1};
    double cov[9] = {2, 0.3, 0.1, 0.3, 1, -0.2, 0.1, -0.2, 0.5};
    CHECK_NEAR(ev_frechet(mu, cov, mu, cov, 3), 0.0, 1e-9);
    double da[9] = {4, 0, 0, 0, 1, 0, 0, 0, 9}, db[9] = {1, 0, 0, 0, 1, 0, 0, 0, 4};
    double want = (1 + 4 + 0.25) + (1 + 0 + 1);   // |mu diff|^2 + sum (sd_a - sd_b)^2
    CHECK_NEAR(ev_frechet(mu, da, mu2, db, 3), want, 1e-9);
    double c = cos(0.7), s = sin(0.7), Q[9] = {c, -s, 0, s, c, 0, 0, 0, 1};
    double ra[9] = {0}, rb[9] = {0}, rm[3] = {0}, rm2[3] = {0}, t[9];
    const double *src[2] = {da, db};
    double *dst[2] = {ra, rb};
    for (int m = 0; m < 2; m++) {   // Q S Q^T
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) {
            t[i * 3 + j] = 0;
            for (int k = 0; k < 3; k++) t[i * 3 + j] += Q[i * 3 + k] * src[m][k * 3 + j];
        }
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) {
            dst[m][i * 3 + j] = 0;
            for (int k = 0; k < 3; k++) dst[m][i * 3 + j] += t[i * 3 + k] * Q[j * 3 + k];
        }
    }
    for (int i = 0; i < 3; i++) for (int k = 0; k < 3; k++) { rm[i] += Q[i * 3 + k] * mu[k]; rm2[i] += Q[i * 3 + k] * mu2[k]; }
    CHECK_NEAR(ev_frechet(rm, ra, rm2, rb, 3), want, 1e-9);
    // mean/covariance helper (unbiased)
    double x[8] = {1, 2, 3, 4, 5, 6, 7, 8}, m[2], cv[4];
    ev_mean_cov(m, cv, x, 4, 2);
    CHECK_NEAR(m[0], 4, 1e-12); CHECK_NEAR(cv[0], 20.0 / 3, 1e-12); CHECK_NEAR(cv[1], 20.0 / 3, 1e-12);
}

static void test_kad_v8(void) {
    double x[2] = {0, 1}, y[2] = {0, 2}, Kxx[4], Kyy[4], Kxy[4];
    int i2[2] = {0, 1};
    ev_rbf_matrix(Kxx, x, 2, x, 2, 1, 1.0);
    ev_rbf_matrix(Kyy, y, 2, y, 2, 1, 1.0);
    ev_rbf_matrix(Kxy, x, 2, y, 2, 1, 1.0);
    CHECK_NEAR(ev_kad_indexed(Kxx, 2, i2, 2, Kyy, 2, i2, 2, Kxy, 2), -43.23324, 1e-4);
    // N(0,1) vs N(1,1), sigma 1: MMD^2 = 0.1772676 (closed form); 600 vs 600 samples
    enum { M = 600 };
    double *a = malloc(sizeof(double) * M), *b = malloc(sizeof(double) * M);
    double *Ka = malloc(sizeof(double) * M * M), *Kb = malloc(sizeof(double) * M * M), *Kab = malloc(sizeof(double) * M * M);
    int *idx = malloc(sizeof(int) * M);
    gd_rng r;
    gd_rng_init(&r, 8, 8);
    for (int i = 0; i < M; i++) { a[i] = gd_rng_normal(&r); b[i] = 1 + gd_rng_normal(&r); idx[i] = i; }
    ev_rbf_matrix(Ka, a, M, a, M, 1, 1.0);
    ev_rbf_matrix(Kb, b, M, b, M, 1, 1.0);
    ev_rbf_matrix(Kab, a, M, b, M, 1, 1.0);
    double mmd2 = ev_kad_indexed(Ka, M, idx, M, Kb, M, idx, M, Kab, M) / 100;
    CHECK_NEAR(mmd2, 0.1772676, 0.05);   // Monte-Carlo SD at 500 vs 500 is 0.023
    // the median heuristic on {0, 1, 3}: distances 1, 2, 3 -> 2
    double z[3] = {0, 1, 3};
    CHECK_NEAR(ev_median_distance(z, 3, 1), 2.0, 1e-12);
    free(a); free(b); free(Ka); free(Kb); free(Kab); free(idx);
}

static void test_w1_ks(void) {
    double a[2] = {0, 1}, b[2] = {0.5, 1.5}, w, ks, p;
    CHECK(ev_w1_ks(a, 2, b, 2, &w, &ks, &p) == 0);
    CHECK_NEAR(w, 0.5, 1e-12);
    CHECK_NEAR(ks, 0.5, 1e-12);
    double c[4] = {1, 2, NAN, 3}, e[3] = {1, 2, 3};
    CHECK(ev_w1_ks(c, 4, e, 3, &w, &ks, &p) == 0);
    CHECK_NEAR(w, 0, 1e-12); CHECK_NEAR(ks, 0, 1e-12); CHECK_NEAR(p, 1, 1e-12);
    // unequal sizes: {0} vs {0, 2}: W1 = 1, KS = 0.5
    double f[1] = {0}, g[2] = {0, 2};
    CHECK(ev_w1_ks(f, 1, g, 2, &w, &ks, &p) == 0);
    CHECK_NEAR(w, 1.0, 1e-12); CHECK_NEAR(ks, 0.5, 1e-12);
}

static void test_logmel_embed(void) {
    const int sr = 44100;
    int64_t n = sr / 2;
    float *x = calloc(n, sizeof(float));
    for (int64_t i = 0; i < n / 2; i++) x[i] = (float)(sin(2 * M_PI * 440.0 * i / sr) * exp(-(double)i / (0.02 * sr)));
    double *e;
    int m = ev_logmel_embed(&e, x, n, sr);
    CHECK(m >= 1 && m < 44);   // frames of the silent second half are dropped
    int best = 0;
    for (int k = 1; k < EV_EMB_DIM; k++) if (e[k] > e[best]) best = k;
    CHECK(best >= 6 && best <= 9);   // 440 Hz: Slaney mel 6.6 of 0.3..55.3 over 65 steps -> band 7
    free(e); free(x);
}

static void test_npy(void) {
    const char *root = getenv("GD_ROOT");
    char path[1024];
    double *d = NULL;
    int r, c;
    snprintf(path, sizeof path, "%s/tests/ref/eval_npy/vec.npy", root ? root : ".");
    CHECK(ev_npy_read(path, &d, &r, &c) == 0);
    CHECK(r == 1 && c == 5);
    if (d) { CHECK_NEAR(d[4], 2.0, 0); free(d); d = NULL; }
    snprintf(path, sizeof path, "%s/tests/ref/eval_npy/gen/p3.npy", root ? root : ".");
    CHECK(ev_npy_read(path, &d, &r, &c) == 0);   // float64 (2, 3): [[4, .3, 1], [5, .6, 0]]
    CHECK(r == 2 && c == 3);
    if (d) { CHECK_NEAR(d[0], 4, 0); CHECK_NEAR(d[4], 0.6, 1e-15); CHECK_NEAR(d[5], 0, 0); free(d); }
    snprintf(path, sizeof path, "%s/tests/ref/eval_oracle.txt", root ? root : ".");
    CHECK(ev_npy_read(path, &d, &r, &c) == GD_ERR_FORMAT);
}

int main(void) {
    RUN(test_descriptors_white_noise_v6);
    RUN(test_descriptors_oracle);
    RUN(test_frechet_v7);
    RUN(test_kad_v8);
    RUN(test_w1_ks);
    RUN(test_logmel_embed);
    RUN(test_npy);
    gd_fft_cleanup();
    return TEST_REPORT();
}
