// test_infer.c: inference refuses a model with non-finite weights: the tensor is named, and
// encode / decode / transfer report GD_ERR_NUMERIC instead of returning NaN (or, after
// quantisation, silence) as audio.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "tests/test.h"
#include "tests/train/tiny.h"
#include "train/infer.h"

static int finite_all(const float *v, long n) {
    for (long i = 0; i < n; i++)
        if (!isfinite(v[i])) return 0;
    return 1;
}

static void test_nonfinite_weights(void) {
    rv_config c;
    rv_model m;
    CHECK(tiny_model(&c, &m, 7, 1, 0, RV_PLAN_INFER) == 0);
    int hop = rv_config_hop(&m.cfg), L = m.cfg.latent_size;
    long n = 20 * hop, F = n / hop;
    float *x = malloc(sizeof(float) * n), *y = malloc(sizeof(float) * n), *z = malloc(sizeof(float) * L * F);
    for (long i = 0; i < n; i++) x[i] = (float)(0.5 * sin(0.05 * i) * exp(-3.0 * i / n));
    CHECK(rv_infer_nonfinite_tensor(&m) == NULL);
    CHECK(rv_infer_transfer(&m, y, x, n, 4, 1) == 0 && finite_all(y, n));
    CHECK(rv_infer_encode(&m, z, x, n, 4) == 0 && finite_all(z, L * F));
    // a NaN in one decoder weight: named; decode and transfer refuse, encode is unaffected
    const rv_tensor *dt = NULL;
    for (int i = 0; i < m.P.n && !dt; i++)
        if (!strncmp(m.P.t[i].name, "decoder.", 8)) dt = &m.P.t[i];
    CHECK(dt != NULL);
    if (!dt) return;
    float keep = m.P.data[dt->off + dt->n - 1];
    m.P.data[dt->off + dt->n - 1] = NAN;
    const char *bad = rv_infer_nonfinite_tensor(&m);
    CHECK(bad && !strcmp(bad, dt->name));
    CHECK(rv_infer_transfer(&m, y, x, n, 4, 1) == GD_ERR_NUMERIC);
    CHECK(rv_infer_decode(&m, y, z, F, 4, 1) == GD_ERR_NUMERIC);
    CHECK(rv_infer_encode(&m, z, x, n, 4) == 0);
    m.P.data[dt->off + dt->n - 1] = keep;
    // an Inf in the first encoder tensor: encode refuses too
    m.P.data[0] = INFINITY;
    CHECK(rv_infer_nonfinite_tensor(&m) == m.P.t[0].name);
    CHECK(rv_infer_encode(&m, z, x, n, 4) == GD_ERR_NUMERIC);
    CHECK(rv_infer_transfer(&m, y, x, n, 4, 1) == GD_ERR_NUMERIC);
    free(x); free(y); free(z);
    rv_model_free(&m);
}

int main(void) {
    RUN(test_nonfinite_weights);
    return TEST_REPORT();
}
