// test_overfit.c: an overfit smoke test: the tiny config trained on one
// fixed batch (two drum-like decaying tones with noise) for 200 steps at lr 2e-3 must at least
// halve the spectral distance (multiband + fullband), with fresh noise and prior draws every
// step. One thread: the suite shares a small machine and spin-waiting threads slow it down.
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <omp.h>

#include "core/progress.h"
#include "core/rng.h"
#include "tests/test.h"
#include "tests/train/tiny.h"
#include "train/config.h"
#include "train/model.h"
#include "train/nn/adam.h"

static void test_overfit_one_batch(void) {
    omp_set_num_threads(1);
    rv_config c;
    rv_model m;
    CHECK(tiny_model(&c, &m, 1, 0, 0, RV_PLAN_TRAIN) == 0);
    c.lr = 2e-3;
    c.phase_1_duration = 2000;   // the schedule this threshold was set with: lr decays 10 % over 200 steps
    int B = c.batch, steps = 200;
    long N = c.n_signal;
    gd_rng r;
    gd_rng_init(&r, 5, 6);
    long nn = (long)B * c.noise_channels * m.Tl, np = (long)B * c.latent_size * m.Tl;
    float *x = malloc(sizeof(float) * B * N), *noise = malloc(sizeof(float) * nn);
    float *prior = malloc(sizeof(float) * np);
    for (int b = 0; b < B; b++)
        for (long i = 0; i < N; i++) {
            long t = i % 4096;
            x[b * N + i] = (float)(0.5 * exp(-t / 800.0) *
                                   (sin(2 * M_PI * (120 + 60 * b) * t / 44100.0) +
                                    0.3 * gd_rng_range(&r, -1, 1)));
        }
    double first = 0, last = 0, t0 = gd_now();
    for (int s = 0; s < steps; s++) {
        for (long i = 0; i < nn; i++) noise[i] = (float)gd_rng_normal(&r);
        for (long i = 0; i < np; i++) prior[i] = (float)gd_rng_normal(&r);
        rv_losses L;
        rv_model_gen_step(&m, x, noise, prior, &L, RV_STEP_BACKWARD | RV_STEP_TRAIN_ENCODER);
        rv_model_adam(&m, rv_lr_linear(c.lr, c.lr_end_factor, s, c.phase_1_duration), s + 1,
                      RV_STEP_TRAIN_ENCODER);
        if (s < 10) first += (L.mb + L.fb) / 10;
        if (s >= steps - 10) last += (L.mb + L.fb) / 10;
    }
    printf("  spectral distance (mb + fb): first 10 steps %.3f, last 10 steps %.3f (x%.2f); "
           "%.1f steps/s on %d thread(s)\n", first, last, last / first, steps / (gd_now() - t0),
           omp_get_max_threads());
    CHECK(last < 0.5 * first);
    free(x); free(noise); free(prior);
    rv_model_free(&m);
}

int main(void) {
    RUN(test_overfit_one_batch);
    return TEST_REPORT();
}
