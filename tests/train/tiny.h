// tiny.h: the tiny RAVE configuration (train/configs/tiny.yaml) and a seeded input batch,
// shared by the trainer tests (tests/train) and the GPU parity tests (tests/cuda).
// Header-only: each test is a single translation unit.
#ifndef GD_TESTS_TINY_H
#define GD_TESTS_TINY_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/rng.h"
#include "train/config.h"
#include "train/model.h"

// c = defaults overlaid with the tiny config from $GD_ROOT (or .). 0 or GD_ERR_*.
static inline int load_tiny(rv_config *c) {
    rv_config_default(c);
    const char *root = getenv("GD_ROOT");
    char path[512];
    snprintf(path, sizeof(path), "%s/train/configs/tiny.yaml", root ? root : ".");
    return rv_config_load(c, path);
}

// c = the tiny config and m its model, parameters from seed, planned for B items of N samples
// (0: the config's batch and n_signal; train: with the backward pass). 0 or GD_ERR_*.
static inline int tiny_model(rv_config *c, rv_model *m, unsigned long long seed, int B, long N,
                             rv_plan_mode mode) {
    int rc = load_tiny(c);
    if (rc || (rc = rv_model_init(m, c))) return rc;
    rv_model_init_params(m, seed);
    return rv_model_plan(m, B ? B : c->batch, N ? N : c->n_signal, mode);
}

// Inputs of one training step: x (B, N), noise (B, noise_channels, N / hop), prior
// (B, latent_size, N / hop); malloc'd, released by free_batch.
typedef struct { float *x, *noise, *prior; } batch;

// A decaying noisy tone per item, like a drum hit, and normal noise and prior, from the
// stream (1234, step).
static inline batch make_batch(const rv_model *m, int B, long N, int step) {
    gd_rng r;
    gd_rng_init(&r, 1234, (uint64_t)step);
    int Tl = (int)(N / rv_config_hop(&m->cfg));
    long nx = (long)B * N, nn = (long)B * m->cfg.noise_channels * Tl, np = (long)B * m->cfg.latent_size * Tl;
    batch b = {malloc(sizeof(float) * nx), malloc(sizeof(float) * (nn ? nn : 1)), malloc(sizeof(float) * np)};
    for (long i = 0; i < nx; i++)
        b.x[i] = (float)(0.5 * sin(0.05 * (i % N)) * exp(-3.0 * (i % N) / N) + 0.05 * gd_rng_normal(&r));
    for (long i = 0; i < nn; i++) b.noise[i] = (float)gd_rng_normal(&r);
    for (long i = 0; i < np; i++) b.prior[i] = (float)gd_rng_normal(&r);
    return b;
}

static inline void free_batch(batch *b) { free(b->x); free(b->noise); free(b->prior); }

#endif
