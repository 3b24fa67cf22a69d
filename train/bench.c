// bench.c: see bench.h.
#include "train/bench.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/rng.h"
#include "train/model.h"
#include "train/nn/adam.h"
#include "train/prof.h"

int rv_bench(const rv_config *cfg, int batch, int steps) {
    rv_model m;
    int rc = rv_model_init(&m, cfg);
    if (!rc) rc = rv_model_plan(&m, batch, cfg->n_signal, RV_PLAN_TRAIN);
    if (rc) { rv_model_free(&m); return rc; }
    rv_model_init_params(&m, 1);
    long N = cfg->n_signal, nn = (long)batch * cfg->noise_channels * m.Tl;
    long np = (long)batch * cfg->latent_size * m.Tl;
    float *x = malloc(sizeof(float) * batch * N), *noise = malloc(sizeof(float) * (nn ? nn : 1));
    float *prior = malloc(sizeof(float) * np);
    gd_rng r;
    gd_rng_init(&r, 1, 2);
    for (long i = 0; i < batch * N; i++)
        x[i] = (float)(0.4 * sin(0.02 * i) * exp(-(i % 20000) / 8000.0) + 0.05 * gd_rng_range(&r, -1, 1));
    for (long i = 0; i < nn; i++) noise[i] = (float)gd_rng_normal(&r);
    for (long i = 0; i < np; i++) prior[i] = (float)gd_rng_normal(&r);
    double t0 = 0;
    for (int s = 0; s <= steps; s++) {   // step 0 is a warm-up
        if (s == 1) {
            rv_prof_on = 1;
            for (int k = 0; k < RV_P_N; k++) rv_prof_t[k] = 0;
            t0 = omp_get_wtime();
        }
        rv_model_gen_step(&m, x, noise, prior, NULL, RV_STEP_BACKWARD | RV_STEP_TRAIN_ENCODER);
        double lr = rv_lr_linear(cfg->lr, cfg->lr_end_factor, s, cfg->phase_1_duration);
        rv_model_adam(&m, lr, s + 1, RV_STEP_TRAIN_ENCODER);
    }
    double dt = omp_get_wtime() - t0, acc = 0;
    rv_prof_on = 0;
    printf("steps_per_s %.4f params %ld batch %d n_signal %d threads %d\n", steps / dt, m.P.total,
           batch, cfg->n_signal, omp_get_max_threads());
    for (int k = 0; k < RV_P_N; k++) acc += rv_prof_t[k];
    for (int k = 0; k < RV_P_N; k++)
        printf("op %s\t%.4f\t%.3f\n", rv_prof_name[k], rv_prof_t[k] / steps, rv_prof_t[k] / dt);
    printf("op unaccounted\t%.4f\t%.3f\n", (dt - acc) / steps, (dt - acc) / dt);
    free(x); free(noise); free(prior);
    rv_model_free(&m);
    return 0;
}
