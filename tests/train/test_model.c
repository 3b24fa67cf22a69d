// test_model.c: the v2 wasserstein architecture (parameter counts, shapes, receptive field
// against docs/rave-v2.md), the tiny config's receptive field by impulse probing, and a
// directional-derivative check of the whole tiny model's gradient in float.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "tests/test.h"
#include "tests/train/tiny.h"
#include "train/config.h"
#include "train/model.h"

static long count(const rv_params *p, const char *prefix) {
    long n = 0;
    for (int i = 0; i < p->n; i++)
        if (!strncmp(p->t[i].name, prefix, strlen(prefix))) n += p->t[i].n;
    return n;
}

static void test_v2_architecture(void) {
    rv_config c;
    rv_config_default(&c);
    rv_model m;
    CHECK(rv_model_init(&m, &c) == 0);
    long ne = count(&m.P, "encoder."), nd = count(&m.P, "decoder.");
    rv_disc d;
    CHECK(rv_disc_init(&d, &c, 1) == 0);
    printf("  v2 wasserstein: encoder %.3f M, decoder %.3f M, discriminator %.3f M parameters "
           "(spec 14.95 / 15.55 / 27.13)\n", ne / 1e6, nd / 1e6, d.P.total / 1e6);
    CHECK(fabs(d.P.total / 27.13e6 - 1) < 0.005);
    rv_disc_free(&d);
    CHECK(fabs(ne / 14.95e6 - 1) < 0.005);
    CHECK(fabs(nd / 15.55e6 - 1) < 0.005);
    CHECK(ne == m.n_enc);
    // shapes: 131072 -> (16, 8192) -> 64 latent frames -> (32, 8192) -> 131072
    CHECK(rv_net_plan(&m.enc, 1, 131072 / 16) == 0);
    CHECK(rv_net_t_out(&m.enc) == 64 && rv_net_c_out(&m.enc) == 16);
    CHECK(rv_net_plan(&m.dec, 1, 64) == 0);
    CHECK(rv_net_t_out(&m.dec) == 8192 && rv_net_c_out(&m.dec) == 32);
    CHECK(m.dec.L[0].c_in == 144);
    printf("  receptive field: %ld left, %ld right samples (spec ~27117 / ~26427 by probing); "
           "multiband crop %d + %d of 8192 frames\n", m.lrf, m.rrf, m.crop_l, m.crop_r);
    CHECK(fabs(m.lrf / 27117.0 - 1) < 0.03);
    CHECK(fabs(m.rrf / 26427.0 - 1) < 0.03);
    rv_model_free(&m);
}

// Perturb input sample i: outputs [i - rrf, i + lrf] may change, nothing outside.
static void test_tiny_receptive_field_probe(void) {
    rv_config c;
    rv_model m;
    long N = 16384;
    CHECK(tiny_model(&c, &m, 7, 1, N, RV_PLAN_INFER) == 0);
    gd_rng r;
    gd_rng_init(&r, 3, 4);
    float *x = malloc(sizeof(float) * N), *y0 = malloc(sizeof(float) * N), *y1 = malloc(sizeof(float) * N);
    float *z = malloc(sizeof(float) * c.latent_size * m.Tl), *noise = calloc(c.noise_channels * m.Tl, sizeof(float));
    for (long i = 0; i < N; i++) x[i] = (float)gd_rng_range(&r, -0.5, 0.5);
    rv_model_encode(&m, z, x);
    rv_model_decode(&m, y0, z, noise);
    long i0 = N / 2 + 5;
    x[i0] += 50.0f;
    rv_model_encode(&m, z, x);
    rv_model_decode(&m, y1, z, noise);
    long first = -1, last = -1;
    for (long i = 0; i < N; i++)
        if (y0[i] != y1[i]) { if (first < 0) first = i; last = i; }
    long rrf_meas = i0 - first, lrf_meas = last - i0;
    printf("  tiny receptive field: probed %ld left / %ld right, analytic %ld / %ld\n", lrf_meas,
           rrf_meas, m.lrf, m.rrf);
    CHECK(first >= 0);
    CHECK(lrf_meas <= m.lrf && rrf_meas <= m.rrf);              // analytic is an upper bound
    // ... and close: the gap is the PQMF zero taps and Kaiser tails below float resolution
    CHECK(lrf_meas > 0.75 * m.lrf && rrf_meas > 0.75 * m.rrf);
    free(x); free(y0); free(y1); free(z); free(noise);
    rv_model_free(&m);
}

// <grad, d> against (L(p + h d) - L(p - h d)) / 2h for a random direction d.
static void test_tiny_gradient_direction(void) {
    rv_config c;
    rv_model m;
    CHECK(tiny_model(&c, &m, 11, 0, 0, RV_PLAN_TRAIN) == 0);
    int B = c.batch;
    long N = c.n_signal;
    gd_rng r;
    gd_rng_init(&r, 5, 6);
    float *x = malloc(sizeof(float) * B * N);
    float *noise = malloc(sizeof(float) * B * c.noise_channels * m.Tl);
    float *prior = malloc(sizeof(float) * B * c.latent_size * m.Tl);
    for (long i = 0; i < B * N; i++) x[i] = (float)(0.3 * sin(i * 0.05) + gd_rng_range(&r, -0.1, 0.1));
    for (long i = 0; i < B * c.noise_channels * m.Tl; i++) noise[i] = (float)gd_rng_normal(&r);
    for (long i = 0; i < B * c.latent_size * m.Tl; i++) prior[i] = (float)gd_rng_normal(&r);
    rv_losses L;
    rv_model_gen_step(&m, x, noise, prior, &L, RV_STEP_BACKWARD | RV_STEP_TRAIN_ENCODER);
    long n = m.P.total;
    float *d = malloc(sizeof(float) * n), *p0 = malloc(sizeof(float) * n);
    memcpy(p0, m.P.data, sizeof(float) * n);
    double gd = 0;
    for (long i = 0; i < n; i++) {
        d[i] = (float)(gd_rng_range(&r, -1, 1) * (fabs(p0[i]) + 1e-2));
        gd += (double)d[i] * m.G[i];
    }
    double h = 3e-5;   // the log-magnitude term is very curved: small steps
    for (long i = 0; i < n; i++) m.P.data[i] = (float)(p0[i] + h * d[i]);
    double lp = rv_model_gen_step(&m, x, noise, prior, NULL, RV_STEP_TRAIN_ENCODER);
    for (long i = 0; i < n; i++) m.P.data[i] = (float)(p0[i] - h * d[i]);
    double lm = rv_model_gen_step(&m, x, noise, prior, NULL, RV_STEP_TRAIN_ENCODER);
    double num = (lp - lm) / (2 * h);
    printf("  tiny model: %ld params, loss %.4f (mb %.4f fb %.4f mmd %.3g); <g,d> %.6g vs FD %.6g\n",
           n, L.total, L.mb, L.fb, L.mmd, gd, num);
    CHECK(fabs(gd - num) < 0.02 * fabs(num));
    free(x); free(noise); free(prior); free(d); free(p0);
    rv_model_free(&m);
}

// Discriminator: D-step parameter gradient and G-step input gradient (hinge + feature
// matching through all sub-discriminators, period reshapes and average pools) against
// directional finite differences.
static void test_disc_gradients(void) {
    rv_config c;
    CHECK(load_tiny(&c) == 0);
    rv_disc d;
    CHECK(rv_disc_init(&d, &c, 3) == 0);
    int B = 1;
    long N = 1024;
    CHECK(rv_disc_plan(&d, B, N) == 0);
    gd_rng r;
    gd_rng_init(&r, 8, 9);
    float *x = malloc(sizeof(float) * B * N), *y = malloc(sizeof(float) * B * N);
    float *dy = calloc(B * N, sizeof(float)), *v = malloc(sizeof(float) * B * N);
    for (long i = 0; i < B * N; i++) {
        x[i] = (float)gd_rng_range(&r, -0.5, 0.5);
        y[i] = (float)gd_rng_range(&r, -0.5, 0.5);
        v[i] = (float)gd_rng_range(&r, -1, 1);
    }
    double adv, fm, w_adv = 1, w_fm = 10;
    rv_disc_g_step(&d, x, y, w_adv, w_fm, dy, &adv, &fm);
    double an = 0, h = 1e-4;   // FM has |.| kinks: small steps
    for (long i = 0; i < B * N; i++) an += (double)dy[i] * v[i];
    float *yp = malloc(sizeof(float) * B * N);
    double lp, lm, a2, f2;
    for (long i = 0; i < B * N; i++) yp[i] = (float)(y[i] + h * v[i]);
    memset(dy, 0, sizeof(float) * B * N);
    rv_disc_g_step(&d, x, yp, w_adv, w_fm, dy, &a2, &f2);
    lp = w_adv * a2 + w_fm * f2;
    for (long i = 0; i < B * N; i++) yp[i] = (float)(y[i] - h * v[i]);
    rv_disc_g_step(&d, x, yp, w_adv, w_fm, dy, &a2, &f2);
    lm = w_adv * a2 + w_fm * f2;
    double num = (lp - lm) / (2 * h);
    printf("  discriminator G step: adv %.4f fm %.4f; <dy,v> %.6g vs FD %.6g\n", adv, fm, an, num);
    CHECK(fabs(an - num) < 0.02 * fabs(num));
    // D step: parameter gradient
    double l0 = rv_disc_d_step(&d, x, y);
    h = 1e-3;
    long n = d.P.total;
    float *p0 = malloc(sizeof(float) * n), *u = malloc(sizeof(float) * n);
    memcpy(p0, d.P.data, sizeof(float) * n);
    double gu = 0;
    for (long i = 0; i < n; i++) {
        u[i] = (float)(gd_rng_range(&r, -1, 1) * (fabs(p0[i]) + 1e-2));
        gu += (double)u[i] * d.G[i];
    }
    for (long i = 0; i < n; i++) d.P.data[i] = (float)(p0[i] + h * u[i]);
    lp = rv_disc_d_step(&d, x, y);
    for (long i = 0; i < n; i++) d.P.data[i] = (float)(p0[i] - h * u[i]);
    lm = rv_disc_d_step(&d, x, y);
    num = (lp - lm) / (2 * h);
    printf("  discriminator D step: hinge %.4f (%d sub-discriminators, %ld params); <g,u> %.6g vs FD %.6g\n",
           l0, d.n_sub, n, gu, num);
    CHECK(fabs(gu - num) < 0.02 * fabs(num) + 1e-6);
    free(x); free(y); free(dy); free(v); free(yp); free(p0); free(u);
    rv_disc_free(&d);
}

int main(void) {
    RUN(test_v2_architecture);
    RUN(test_tiny_receptive_field_probe);
    RUN(test_tiny_gradient_direction);
    RUN(test_disc_gradients);
    return TEST_REPORT();
}
