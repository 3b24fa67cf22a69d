// test_stft.c: STFT against a naive DFT (torch conventions), ISTFT reconstruction, FFT.
#include "../test.h"
#include "core/fft.h"
#include "core/rng.h"
#include "core/stft.h"

#include <string.h>

// Naive oracle: periodic Hann of wl centred in nf, reflect padding, direct DFT in double.
static void naive_stft(double *re, double *im, const float *x, int64_t n, int nf, int hop,
                       int wl, int center, int64_t T) {
    int F = nf / 2 + 1, off = (nf - wl) / 2, pad = center ? nf / 2 : 0;
    for (int64_t t = 0; t < T; t++)
        for (int k = 0; k < F; k++) {
            double sr = 0, si = 0;
            for (int j = 0; j < nf; j++) {
                double w = (j >= off && j < off + wl) ? 0.5 - 0.5 * cos(2 * M_PI * (j - off) / wl) : 0;
                int64_t idx = t * hop + j - pad;
                if (idx < 0) idx = -idx;
                if (idx >= n) idx = 2 * (n - 1) - idx;
                double v = x[idx] * w;
                sr += v * cos(2 * M_PI * k * j / nf);
                si -= v * sin(2 * M_PI * k * j / nf);
            }
            re[t * F + k] = sr;
            im[t * F + k] = si;
        }
}

static void check_against_naive(int nf, int hop, int wl, int center, int64_t n) {
    float *x = malloc(sizeof(float) * (size_t)n);
    gd_rng r;
    gd_rng_init(&r, 3, (uint64_t)nf);
    for (int64_t i = 0; i < n; i++) x[i] = (float)gd_rng_normal(&r);
    gd_stft_cfg cfg = {.n_fft = nf, .hop = hop, .win_length = wl, .center = center};
    int64_t T = gd_stft_n_frames(&cfg, n);
    CHECK(T == (center ? 1 + n / hop : 1 + (n - nf) / hop));
    int F = gd_stft_n_bins(&cfg);
    float *spec = malloc(sizeof(float) * 2 * (size_t)(F * T));
    double *re = malloc(sizeof(double) * (size_t)(F * T)), *im = malloc(sizeof(double) * (size_t)(F * T));
    CHECK(gd_stft(spec, x, n, &cfg) == 0);
    naive_stft(re, im, x, n, nf, hop, wl ? wl : nf, center, T);
    double max_err = 0, max_ref = 0;
    for (int64_t i = 0; i < F * T; i++) {
        max_err = fmax(max_err, fabs(spec[2 * i] - re[i]) + fabs(spec[2 * i + 1] - im[i]));
        max_ref = fmax(max_ref, fabs(re[i]));
    }
    CHECK(max_err < 1e-5 * max_ref);
    free(x); free(spec); free(re); free(im);
}

static void test_stft_matches_naive_dft(void) {
    check_against_naive(64, 16, 0, 1, 1000);
    check_against_naive(128, 50, 100, 1, 777);   // win_length < n_fft, odd hop
    check_against_naive(32, 8, 0, 0, 301);       // no centring
    check_against_naive(48, 12, 0, 1, 200);      // non-power-of-two size
}

static void test_istft_reconstructs(void) {
    int64_t n = 5000;
    float *x = malloc(sizeof(float) * n), *y = malloc(sizeof(float) * n);
    gd_rng r;
    gd_rng_init(&r, 5, 0);
    for (int64_t i = 0; i < n; i++) x[i] = (float)gd_rng_normal(&r);
    gd_stft_cfg cfgs[] = {{512, 128, 0, 1}, {1024, 240, 600, 1}, {256, 64, 0, 1}};
    for (int c = 0; c < 3; c++) {
        int64_t T = gd_stft_n_frames(&cfgs[c], n);
        float *spec = malloc(sizeof(float) * 2 * (size_t)(T * gd_stft_n_bins(&cfgs[c])));
        CHECK(gd_stft(spec, x, n, &cfgs[c]) == 0);
        CHECK(gd_istft(y, n, spec, &cfgs[c]) == 0);
        double err = 0;
        for (int64_t i = 0; i < n; i++) err = fmax(err, fabs(x[i] - y[i]));
        CHECK(err < 1e-4);
        free(spec);
    }
    free(x); free(y);
}

static void test_magnitude_of_sine(void) {
    // A bin-centred sine of amplitude A under a periodic Hann gives |X| = A * n_fft / 4.
    int nf = 1024, n = 8192;
    float *x = malloc(sizeof(float) * n);
    for (int i = 0; i < n; i++) x[i] = (float)(0.8 * cos(2 * M_PI * 64 * i / nf));
    gd_stft_cfg cfg = {.n_fft = nf, .hop = 256, .center = 1};
    int64_t T = gd_stft_n_frames(&cfg, n);
    float *mag = malloc(sizeof(float) * (size_t)(T * 513));
    CHECK(gd_stft_mag(mag, x, n, &cfg) == 0);
    CHECK_NEAR(mag[10 * 513 + 64], 0.8 * nf / 4, 1e-3 * nf);
    CHECK(mag[10 * 513 + 80] < 1e-3);
    free(x); free(mag);
}

static void test_fft_round_trip_and_threads(void) {
    int n = 360;
    float *x = gd_fft_alloc(n), *X = gd_fft_alloc(n + 2), *y = gd_fft_alloc(n);
    for (int i = 0; i < n; i++) x[i] = (float)sin(0.1 * i * i);
    CHECK(gd_fft_r2c(n, x, X) == 0);
    float X0[2 * 181];
    memcpy(X0, X, sizeof X0);
    CHECK(gd_fft_c2r(n, X, y) == 0);
    CHECK(memcmp(X0, X, sizeof X0) == 0);   // inverse leaves its input alone
    for (int i = 0; i < n; i++) CHECK_NEAR(y[i] / n, x[i], 1e-5);
    // Many threads planning and executing sizes at once get identical results.
    int bad = 0;
#pragma omp parallel for reduction(+ : bad)
    for (int k = 0; k < 64; k++) {
        int m = 100 + (k % 8) * 7;
        float in[200], out[202], ref[202], spare[203], *unaligned = spare + 1;
        for (int i = 0; i < m; i++) in[i] = (float)cos(0.3 * i);
        gd_fft_r2c(m, in, out);
        gd_fft_r2c(m, in, ref);
        gd_fft_r2c(m, in, unaligned);
        bad += memcmp(unaligned, ref, sizeof(float) * 2 * (size_t)(m / 2 + 1)) != 0;
        bad += memcmp(out, ref, sizeof(float) * 2 * (size_t)(m / 2 + 1)) != 0;
    }
    CHECK(bad == 0);
    gd_fft_free(x); gd_fft_free(X); gd_fft_free(y);
}

int main(void) {
    RUN(test_stft_matches_naive_dft);
    RUN(test_istft_reconstructs);
    RUN(test_magnitude_of_sine);
    RUN(test_fft_round_trip_and_threads);
    gd_fft_cleanup();
    return TEST_REPORT();
}
