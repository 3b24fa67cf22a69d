// test_fftwise.c: the wisdom FFT plans (core/fftwise.c) against core/fft.c's and
// against the definition, and eval's STFT built on them against a direct DFT.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/fft.h"
#include "core/fftwise.h"
#include "eval/spec.h"
#include "tests/test.h"

static void fill(float *x, int n, unsigned seed) {
    for (int i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        x[i] = (float)((seed >> 8) / 16777216.0 - 0.5);
    }
}

// Wisdom and estimate plans, r2c against core's plan (float rounding apart) and the
// inverse round trip (n * x), for every size the metrics use and an odd one.
static void test_plans_agree(void) {
    static const int sizes[] = {8, 14, 16, 18, 22, 30, 32, 64, 128, 256, 512, 1024, 2048, 8192, 65536, 1000, 999};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        const int n = sizes[s], nb = n / 2 + 1;
        float *x = gd_fft_alloc(n), *y = gd_fft_alloc(n), *X = gd_fft_alloc(2 * nb);
        float *W = gd_fft_alloc(2 * nb), *C = gd_fft_alloc(2 * nb);
        fill(x, n, 7u + (unsigned)n);
        CHECK(gd_fft_r2c(n, x, C) == 0);
        for (int wise = 0; wise <= 1; wise++) {
            CHECK(gd_fftwise_r2c(n, wise, x, wise ? W : X) == 0);
            double md = 0, scale = sqrt((double)n);
            for (int k = 0; k < 2 * nb; k++) {
                double d = fabs((double)(wise ? W : X)[k] - C[k]) / scale;
                if (d > md) md = d;
            }
            CHECK(md < 1e-5);
            CHECK(gd_fftwise_c2r(n, wise, wise ? W : X, y) == 0);
            md = 0;
            for (int i = 0; i < n; i++) md = fmax(md, fabs(y[i] / n - x[i]));
            CHECK(md < 1e-5);
        }
        gd_fft_free(x); gd_fft_free(y); gd_fft_free(X); gd_fft_free(W); gd_fft_free(C);
    }
}

// The fused split-and-power pass gives the same bits as squaring the complex bins (and
// sqrtf for magnitudes), for sizes that take every branch of it: scalar tails only (16, 18,
// 22), the four-bin steps (30, 32), the eight-bin steps, odd n (FFTW's real plan).
static void test_power_pass(void) {
    static const int sizes[] = {8, 16, 18, 22, 30, 32, 46, 64, 128, 512, 2048, 999};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        const int n = sizes[s], nb = n / 2 + 1;
        float *x = gd_fft_alloc(n), *X = gd_fft_alloc(2 * nb), *S = gd_fft_alloc(2 * nb);
        float *p = malloc(sizeof(float) * nb);
        fill(x, n, 11u + (unsigned)n);
        for (int wise = 0; wise <= 1; wise++) {
            const void *plan = gd_fftwise_plan_r2c(n, wise);
            gd_fftwise_exec_r2c(plan, x, X);
            for (int mag = 0; mag <= 1; mag++) {
                gd_fftwise_exec_r2c_power(plan, x, S, p, mag);
                int same = 1;
                for (int k = 0; k < nb; k++) {
                    float q = X[2 * k] * X[2 * k] + X[2 * k + 1] * X[2 * k + 1];
                    if (mag) q = sqrtf(q);
                    same &= memcmp(&q, &p[k], sizeof q) == 0;
                }
                CHECK(same);
            }
        }
        gd_fft_free(x); gd_fft_free(X); gd_fft_free(S); free(p);
    }
}

// Magnitude STFT (512 / 50 / 240, reflect) frames against a direct double DFT, and a block
// of rows from ev_stft_spec_range identical to the same rows of the whole spectrogram.
static void test_stft_direct(void) {
    enum { N = 3000 };
    float x[N];
    fill(x, N, 99u);
    ev_stft_cfg cfg = {512, 50, 240, EV_PAD_REFLECT};
    int64_t T = ev_stft_frames(&cfg, N);
    float *m = malloc(sizeof(float) * T * 257), *blk = malloc(sizeof(float) * 5 * 257);
    CHECK(ev_stft_spec(m, x, N, &cfg, 1) == 0);
    CHECK(ev_stft_spec_range(blk, x, N, &cfg, 1, 17, 5) == 0);
    CHECK(memcmp(blk, m + 17 * 257, sizeof(float) * 5 * 257) == 0);
    const int frames[3] = {0, 20, (int)T - 1};
    for (int f = 0; f < 3; f++) {
        double md = 0;
        for (int k = 0; k < 257; k++) {
            double re = 0, im = 0;
            for (int i = 0; i < 240; i++) {
                int64_t j = (int64_t)frames[f] * 50 - 256 + 136 + i;   // window start: (512-240)/2
                if (j < 0) j = -j;
                if (j >= N) j = 2 * (N - 1) - j;
                double v = x[j] * (0.5 - 0.5 * cos(2 * M_PI * i / 240)), a = -2 * M_PI * k * (136 + i) / 512;
                re += v * cos(a); im += v * sin(a);
            }
            md = fmax(md, fabs(hypot(re, im) - m[(int64_t)frames[f] * 257 + k]));
        }
        CHECK(md < 1e-4);
    }
    free(m); free(blk);
}

int main(void) {
    RUN(test_plans_agree);
    RUN(test_power_pass);
    RUN(test_stft_direct);
    gd_fft_cleanup();
    return TEST_REPORT();
}
