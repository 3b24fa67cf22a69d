// test_data.c: the training data path: all-pass phase mangle is all-pass (|H| = 1 within
// 1e-6), the compressor only attenuates, batches are a pure function of (seed, step), short
// files are padded, and the corpus loader reports bad input.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/fft.h"
#include "core/log.h"
#include "tests/test.h"
#include "train/config.h"
#include "train/data.h"

static void test_allpass_unit_magnitude(void) {
    int n = 8192;
    float *x = calloc(n, sizeof(float)), *X = malloc(sizeof(float) * (n + 2));
    double freqs[3] = {20, 300, 2000}, worst = 0;
    for (int k = 0; k < 3; k++) {
        memset(x, 0, sizeof(float) * n);
        x[0] = 1;
        rv_allpass(x, n, freqs[k], 44100, 0.99);
        gd_fft_r2c(n, x, X);
        for (int b = 0; b <= n / 2; b++) {
            double mag = hypot(X[2 * b], X[2 * b + 1]);
            if (fabs(mag - 1) > worst) worst = fabs(mag - 1);
        }
    }
    printf("  all-pass: max ||H| - 1| = %.2e over 3 pole frequencies\n", worst);
    CHECK(worst < 1e-6);
    free(x); free(X);
}

static void test_compressor_attenuates(void) {
    int n = 44100;
    float *x = malloc(sizeof(float) * n), *y = malloc(sizeof(float) * n);
    for (int i = 0; i < n; i++) x[i] = (float)(0.8 * sin(0.05 * i) * (i < n / 2 ? 1 : 0.01));
    memcpy(y, x, sizeof(float) * n);
    rv_compress(y, n, 44100, -20, 4);
    double ex = 0, ey = 0;
    int ok = 1;
    for (int i = 0; i < n; i++) {
        ok &= fabs(y[i]) <= fabs(x[i]) + 1e-7;
        if (i > 4410 && i < n / 2) { ex += (double)x[i] * x[i]; ey += (double)y[i] * y[i]; }
    }
    double gain_db = 10 * log10(ey / ex);
    printf("  compressor: loud part %.1f dB\n", gain_db);
    CHECK(ok);
    CHECK(gain_db < -6);                               // -3 dBFS sine, threshold -20, ratio 4
    CHECK_NEAR(y[n - 10], x[n - 10], 1e-6);            // quiet tail untouched (after release)
    free(x); free(y);
}

static void test_batches_deterministic(void) {
    rv_config c;
    rv_config_default(&c);
    c.gain_p = 0.5; c.mute_p = 0.2; c.compress_p = 0.5;
    rv_corpus cor = {0};
    long N = 4096;
    c.n_signal = (int)N;
    cor.n = 3;
    cor.audio = malloc(3 * sizeof(float *)); cor.len = malloc(3 * sizeof(int64_t));
    cor.energy = calloc(3, sizeof(double));
    cor.block_cum = calloc(3, sizeof(double *));
    for (int k = 0; k < 3; k++) {
        cor.len[k] = N + 1000 * k;
        cor.audio[k] = malloc(sizeof(float) * cor.len[k]);
        for (long i = 0; i < cor.len[k]; i++) cor.audio[k][i] = (float)sin(0.01 * (k + 1) * i);
        cor.block_cum[k] = rv_energy_blocks(cor.audio[k], cor.len[k], &cor.energy[k]);
    }
    float *a = malloc(sizeof(float) * 4 * N), *b = malloc(sizeof(float) * 4 * N);
    rv_batch_train(a, &cor, &c, 7, 123, 4, N);
    rv_batch_train(b, &cor, &c, 7, 123, 4, N);
    CHECK(!memcmp(a, b, sizeof(float) * 4 * N));
    rv_batch_train(b, &cor, &c, 7, 124, 4, N);
    CHECK(memcmp(a, b, sizeof(float) * 4 * N) != 0);
    rv_batch_train(b, &cor, &c, 8, 123, 4, N);
    CHECK(memcmp(a, b, sizeof(float) * 4 * N) != 0);
    for (int k = 0; k < 3; k++) { free(cor.audio[k]); free(cor.block_cum[k]); }
    free(cor.audio); free(cor.len); free(cor.energy); free(cor.block_cum); free(a); free(b);
}

static void test_corpus_errors(void) {
    rv_config c;
    rv_config_default(&c);
    rv_corpus cor;
    gd_log_set_level(GD_LOG_QUIET);
    CHECK(rv_corpus_load(&cor, "/nonexistent/corpus", "train", &c, 0) == GD_ERR_IO);
    gd_log_set_level(GD_LOG_INFO);
}

// A one-shot: a decaying burst in its first 1000 samples, then silence to 10x the crop.
// Uniform crops would miss the hit 9 times in 10; every crop must now hold it.
static void test_crops_hold_the_hit(void) {
    rv_config c;
    rv_config_default(&c);
    long N = 4096;
    c.n_signal = (int)N;
    rv_corpus cor = {0};
    cor.n = 1;
    cor.audio = malloc(sizeof(float *)); cor.len = malloc(sizeof(int64_t));
    cor.energy = calloc(1, sizeof(double));
    cor.block_cum = calloc(1, sizeof(double *));
    cor.len[0] = 10 * N;
    cor.audio[0] = calloc((size_t)cor.len[0], sizeof(float));
    for (long i = 0; i < 1000; i++) cor.audio[0][i] = (float)(exp(-i / 200.0) * sin(0.3 * i));
    cor.block_cum[0] = rv_energy_blocks(cor.audio[0], cor.len[0], &cor.energy[0]);
    float *x = malloc(sizeof(float) * 16 * N);
    int held = 0;
    for (long step = 0; step < 8; step++) {
        rv_batch_train(x, &cor, &c, 3, step, 16, N);
        for (int b = 0; b < 16; b++) {
            double e = 0;
            for (long i = 0; i < N; i++) e += (double)x[b * N + i] * x[b * N + i];
            held += e >= 0.01 * cor.energy[0];
        }
    }
    CHECK(held == 128);
    free(cor.audio[0]); free(cor.block_cum[0]); free(cor.audio); free(cor.len); free(cor.energy);
    free(cor.block_cum); free(x);
}

int main(void) {
    RUN(test_allpass_unit_magnitude);
    RUN(test_crops_hold_the_hit);
    RUN(test_compressor_attenuates);
    RUN(test_batches_deterministic);
    RUN(test_corpus_errors);
    return TEST_REPORT();
}
