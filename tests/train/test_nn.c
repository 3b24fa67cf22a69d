// test_nn.c: float (trainer precision) checks of the train/nn ops against naive oracles and
// analytic values: conv/convT vs direct loops, PQMF constants, round trip and band
// selectivity, spectral distance vs core STFT, MMD vs brute force and its N(0,I) magnitude,
// Adam vs a hand-computed step, the LR schedule. Gradients are checked in test_nn_grad.c.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "core/stft.h"
#include "tests/test.h"
#include "train/nn/adam.h"
#include "train/nn/conv1d.h"
#include "train/nn/convt1d.h"
#include "train/nn/mmd.h"
#include "train/nn/mss.h"
#include "train/nn/pqmf.h"

static gd_rng rng;
static float *frnd(long n) {
    float *a = malloc(sizeof(float) * n);
    for (long i = 0; i < n; i++) a[i] = (float)gd_rng_range(&rng, -1, 1);
    return a;
}
static float *fnorm(long n) {
    float *a = malloc(sizeof(float) * n);
    for (long i = 0; i < n; i++) a[i] = (float)gd_rng_normal(&rng);
    return a;
}

static void check_conv_naive(rv_conv1d_shape sh, int B, int T) {
    int To = rv_conv1d_t_out(&sh, T), Ci = sh.c_in, Co = sh.c_out, K = sh.k;
    float *in = frnd(B * Ci * T), *w = frnd(Co * Ci * K), *b = frnd(Co), *out = malloc(sizeof(float) * B * Co * To);
    float *ref = calloc(B * Co * To, sizeof(float)), *scr = malloc(sizeof(float) * rv_conv1d_scratch(&sh, T));
    rv_conv1d_fwd(out, in, w, b, B, T, &sh, scr);
    for (int bb = 0; bb < B; bb++)
        for (int o = 0; o < Co; o++)
            for (int t = 0; t < To; t++) {
                double s = b[o];
                for (int c = 0; c < Ci; c++)
                    for (int k = 0; k < K; k++) {
                        int i = t * sh.stride + k * sh.dil - sh.pad_l;
                        if (i >= 0 && i < T) s += w[(o * Ci + c) * K + k] * in[(bb * Ci + c) * T + i];
                    }
                ref[(bb * Co + o) * To + t] = (float)s;
            }
    CHECK_ARRAY_NEAR(out, ref, B * Co * To, 1e-5, 1e-5);
    free(in); free(w); free(b); free(out); free(ref); free(scr);
}

static void test_conv1d_naive(void) {
    check_conv_naive((rv_conv1d_shape){6, 5, 3, 1, 3, 3, 3}, 2, 300);    // shifted-GEMM path
    check_conv_naive((rv_conv1d_shape){6, 5, 7, 1, 1, 3, 3}, 2, 5);      // short: im2col path
    rv_conv1d_shape sh = {5, 7, 3, 2, 3, 4, 1};
    int B = 3, T = 40, To = rv_conv1d_t_out(&sh, T);
    CHECK(To == (40 + 5 - 6 - 1) / 2 + 1);
    float *in = frnd(B * 5 * T), *w = frnd(7 * 5 * 3), *b = frnd(7), *out = malloc(sizeof(float) * B * 7 * To);
    float *ref = calloc(B * 7 * To, sizeof(float)), *scr = malloc(sizeof(float) * rv_conv1d_scratch(&sh, T));
    rv_conv1d_fwd(out, in, w, b, B, T, &sh, scr);
    for (int bb = 0; bb < B; bb++)
        for (int o = 0; o < 7; o++)
            for (int t = 0; t < To; t++) {
                double s = b[o];
                for (int c = 0; c < 5; c++)
                    for (int k = 0; k < 3; k++) {
                        int i = t * 2 + k * 3 - 4;
                        if (i >= 0 && i < T) s += w[(o * 5 + c) * 3 + k] * in[(bb * 5 + c) * T + i];
                    }
                ref[(bb * 7 + o) * To + t] = (float)s;
            }
    CHECK_ARRAY_NEAR(out, ref, B * 7 * To, 1e-5, 1e-5);
    free(in); free(w); free(b); free(out); free(ref); free(scr);
}

static void test_convt1d_naive(void) {
    rv_convt1d_shape sh = {6, 4, 8, 4, 2};
    int B = 2, T = 9, To = rv_convt1d_t_out(&sh, T);
    CHECK(To == 36);
    float *in = frnd(B * 6 * T), *w = frnd(6 * 4 * 8), *out = malloc(sizeof(float) * B * 4 * To);
    double *ref = calloc(B * 4 * To, sizeof(double));
    float *scr = malloc(sizeof(float) * rv_convt1d_scratch(&sh, T));
    rv_convt1d_fwd(out, in, w, NULL, B, T, &sh, scr);
    for (int bb = 0; bb < B; bb++)
        for (int c = 0; c < 6; c++)
            for (int t = 0; t < T; t++)
                for (int o = 0; o < 4; o++)
                    for (int k = 0; k < 8; k++) {
                        int u = t * 4 + k - 2;
                        if (u >= 0 && u < To)
                            ref[(bb * 4 + o) * To + u] += w[(c * 4 + o) * 8 + k] * in[(bb * 6 + c) * T + t];
                    }
    CHECK_ARRAY_NEAR(out, ref, B * 4 * To, 1e-5, 1e-5);
    free(in); free(w); free(out); free(ref); free(scr);
}

static void test_pqmf_constants(void) {
    static rv_pqmf p;
    rv_pqmf_init(&p);
    CHECK_NEAR(p.proto[188], 0.0342245, 1e-7);
    double s = 0;
    for (int i = 0; i < RV_PQMF_TAPS; i++) s += p.proto[i];
    CHECK_NEAR(s, 0.9999983, 2e-6);
    CHECK(p.proto[0] > 0 && p.proto[0] < 1e-5);   // Kaiser tail ~ 1/I0(beta)
}

// Round trip of white noise: SNR of out[t] vs in[t - 16], edges excluded.
static void test_pqmf_roundtrip(void) {
    static rv_pqmf p;
    rv_pqmf_init(&p);
    long N = 16 * 1024;
    float *x = frnd(N), *y = malloc(sizeof(float) * N), *z = malloc(sizeof(float) * N);
    float *scr = malloc(sizeof(float) * rv_pqmf_scratch(1, N));
    rv_pqmf_analysis_fwd(y, x, &p, 1, N, scr);
    rv_pqmf_synthesis_fwd(z, y, &p, 1, N, scr);
    double best = -1e9; int best_d = -1;
    for (int d = 0; d <= 32; d++) {
        double se = 0, sx = 0;
        for (long t = 1024; t < N - 1024; t++) {
            double e = z[t] - x[t - d];
            se += e * e; sx += (double)x[t - d] * x[t - d];
        }
        double snr = 10 * log10(sx / se);
        if (snr > best) { best = snr; best_d = d; }
    }
    printf("  pqmf round trip: %.2f dB at delay %d samples\n", best, best_d);
    CHECK(best_d == RV_PQMF_DELAY);
    CHECK(best > 55);
    free(x); free(y); free(z); free(scr);
}

// A sine at the centre of band k puts > 99 % of the sub-band energy in band k.
static void test_pqmf_band_energy(void) {
    static rv_pqmf p;
    rv_pqmf_init(&p);
    long N = 16 * 512, T = N / 16;
    float *x = malloc(sizeof(float) * N), *y = malloc(sizeof(float) * N);
    float *scr = malloc(sizeof(float) * rv_pqmf_scratch(1, N));
    int bands[3] = {0, 5, 15};
    for (int bi = 0; bi < 3; bi++) {
        int k = bands[bi];
        double f = (k + 0.5) / 32.0;   // cycles/sample, band centre
        for (long t = 0; t < N; t++) x[t] = (float)sin(2 * M_PI * f * t);
        rv_pqmf_analysis_fwd(y, x, &p, 1, N, scr);
        double e[16] = {0}, tot = 0;
        for (int c = 0; c < 16; c++)
            for (long t = 64; t < T - 64; t++) e[c] += (double)y[c * T + t] * y[c * T + t];
        for (int c = 0; c < 16; c++) tot += e[c];
        printf("  band %2d: %.4f of energy\n", k, e[k] / tot);
        CHECK(e[k] / tot > 0.99);
    }
    free(x); free(y); free(scr);
}

// Spectral distance vs a direct evaluation through core's torch-convention STFT.
static void test_mss_value(void) {
    int scales[3] = {256, 128, 64}, R = 2;
    long n = 1000;
    float *x = frnd(R * n), *y = frnd(R * n);
    for (long i = 0; i < R * n; i++) y[i] = 0.7f * x[i] + 0.3f * y[i];
    rv_mss *m;
    CHECK(rv_mss_init(&m, scales, 3, R, n) == 0);
    double ps[6], d = rv_mss_fwd(m, x, y, R, n, n, ps);
    double ref = 0;
    for (int s = 0; s < 3; s++) {
        gd_stft_cfg cfg = {.n_fft = scales[s], .hop = scales[s] / 4, .center = 1};
        long T = gd_stft_n_frames(&cfg, n), F = gd_stft_n_bins(&cfg);
        float *X = malloc(sizeof(float) * T * F), *Y = malloc(sizeof(float) * T * F);
        double sx2 = 0, sd2 = 0, sl = 0;
        for (int r = 0; r < R; r++) {
            gd_stft_mag(X, x + r * n, n, &cfg);
            gd_stft_mag(Y, y + r * n, n, &cfg);
            for (long i = 0; i < T * F; i++) {
                sx2 += (double)X[i] * X[i]; sd2 += ((double)X[i] - Y[i]) * ((double)X[i] - Y[i]);
                sl += fabs(log(X[i] + 1e-7) - log(Y[i] + 1e-7));
            }
        }
        CHECK_NEAR(ps[2 * s], sd2 / sx2, 1e-4 * sd2 / sx2);
        CHECK_NEAR(ps[2 * s + 1], sl / (R * T * F), 1e-4);
        ref += sd2 / sx2 + sl / (R * T * F);
        free(X); free(Y);
    }
    CHECK_NEAR(d, ref, 1e-4 * ref);
    CHECK_NEAR(rv_mss_fwd(m, x, x, R, n, n, NULL), 0, 1e-9);   // identical signals
    rv_mss_free(m);
    free(x); free(y);
}

static void test_mmd_brute(void) {
    int B = 8, D = 16, T = 64, N = B * T;
    float *z = fnorm(N * D), *y = fnorm(N * D);
    double *scr = malloc(sizeof(double) * N);
    double v = rv_mmd_fwd(z, y, B, D, T, scr);
    // brute force over (sample, dim) pairs with explicit layout
    double kzz = 0, kyy = 0, kzy = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            double a = 0, b = 0, c = 0;
            for (int ch = 0; ch < D; ch++) {
                long ii = ((long)(i / T) * D + ch) * T + i % T, jj = ((long)(j / T) * D + ch) * T + j % T;
                a += (z[ii] - z[jj]) * (z[ii] - z[jj]);
                b += (y[ii] - y[jj]) * (y[ii] - y[jj]);
                c += (z[ii] - y[jj]) * (z[ii] - y[jj]);
            }
            kzz += exp(-a / 256); kyy += exp(-b / 256); kzy += exp(-c / 256);
        }
    double ref = (kzz + kyy - 2 * kzy) / ((double)N * N);
    printf("  MMD(N(0,I), N(0,I)), N=512: %.3g (spec ~3e-4)\n", v);
    CHECK_NEAR(v, ref, 1e-9 + 1e-6 * fabs(ref));
    CHECK(v > 1e-4 && v < 1e-3);
    for (long i = 0; i < (long)N * D; i++) z[i] *= 0.5f;   // N(0, 0.25 I): spec ~2.3e-3
    v = rv_mmd_fwd(z, y, B, D, T, scr);
    printf("  MMD(N(0,0.25I), N(0,I)): %.3g (spec ~2.3e-3)\n", v);
    CHECK(v > 1.5e-3 && v < 3.5e-3);
    free(z); free(y); free(scr);
}

static void test_adam_and_lr(void) {
    rv_adam_cfg cfg = {1e-3, 0.5, 0.9, 1e-8};
    float p[2] = {1.0f, -2.0f}, m[2] = {0}, v[2] = {0}, g[2] = {0.5f, -0.1f};
    rv_adam_step(p, m, v, g, 2, &cfg, 1e-3, 1);
    // step 1: m_hat = g, v_hat = g^2, update = lr * g/(|g| + eps) = lr * sign(g)
    CHECK_NEAR(p[0], 1.0 - 1e-3, 1e-7);
    CHECK_NEAR(p[1], -2.0 + 1e-3, 1e-7);
    float g2[2] = {-0.5f, 0.3f};
    rv_adam_step(p, m, v, g2, 2, &cfg, 1e-3, 2);
    double m0 = 0.5 * (0.5 * 0.5) + 0.5 * -0.5, v0 = 0.9 * (0.1 * 0.25) + 0.1 * 0.25;
    double upd = 1e-3 / (1 - 0.25) * m0 / (sqrt(v0) / sqrt(1 - 0.81) + 1e-8);
    CHECK_NEAR(p[0], 1.0 - 1e-3 - upd, 1e-7);
    CHECK_NEAR(rv_lr_linear(1e-3, 0.1, 0, 200000), 1e-3, 1e-15);
    CHECK_NEAR(rv_lr_linear(1e-3, 0.1, 100000, 200000), 5.5e-4, 1e-15);
    CHECK_NEAR(rv_lr_linear(1e-3, 0.1, 200000, 200000), 1e-4, 1e-15);
    CHECK_NEAR(rv_lr_linear(1e-3, 0.1, 900000, 200000), 1e-4, 1e-15);
}

int main(void) {
    gd_rng_init(&rng, 1, 2);
    RUN(test_conv1d_naive);
    RUN(test_convt1d_naive);
    RUN(test_pqmf_constants);
    RUN(test_pqmf_roundtrip);
    RUN(test_pqmf_band_energy);
    RUN(test_mss_value);
    RUN(test_mmd_brute);
    RUN(test_adam_and_lr);
    return TEST_REPORT();
}
