// test_parity.c: the C trainer against PyTorch (llm.c style). tests/ref/rave_tiny.safetensors
// is written by scripts/gen_rave_ref.py (Debian python3-torch 1.13): the tiny model with fixed
// float32 weights, input, noise and prior, and, computed by torch in float64 from those
// numbers, its outputs, loss terms, every gradient and the losses of 10 Adam steps (lr 1e-4).
// CI runs this C side only, from the committed file.
// Tolerances, for our float32 against the float64 answer (torch's own float32 run is ~2.8e-3
// off in gradients and ~4.5e-3 off after 10 Adam steps: the log-magnitude term, eps 1e-7,
// amplifies rounding in quiet STFT bins, and Adam's first steps move every weight by ~lr
// whatever the size of its gradient, so tiny gradients' rounding shows up in the loss):
//   outputs z, y_mb, y:      |a - b| <= 1e-5 + 1e-4 |b|
//   loss terms:              relative 1e-5
//   gradients, per tensor:   max |a - b| <= 3 x torch float32's own max error on that tensor
//                            (grad32.*, from the same script) + 1e-3 max |b|, and cosine
//                            similarity > 0.99999
//   10 Adam-step losses:     |a - b| <= 2 x torch float32's own deviation at that step
//                            (steps.loss_f32) + 1e-3 |b|
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tests/test.h"
#include "tests/train/tiny.h"
#include "train/config.h"
#include "train/disc.h"
#include "train/model.h"
#include "train/nn/adam.h"
#include "train/safetensors.h"

static rv_st *ref;
static rv_model m;

static const float *get(const char *name, long n) {
    const rv_st_tensor *t = rv_st_get(ref, name);
    if (!t || t->n != n) {
        fprintf(stderr, "  reference tensor %s missing or of size %ld (want %ld)\n", name,
                t ? (long)t->n : -1L, n);
        exit(1);
    }
    return t->data;
}

static void test_forward_and_gradients(void) {
    rv_config *c = &m.cfg;
    int B = c->batch, Tl = m.Tl;
    long N = c->n_signal;
    CHECK(m.crop_l == atoi(rv_st_meta(ref, "crop_l")) && m.crop_r == atoi(rv_st_meta(ref, "crop_r")));
    const float *x = get("input.x", B * N), *noise = get("input.noise", (long)B * c->noise_channels * Tl);
    const float *prior = get("input.prior", (long)B * c->latent_size * Tl);
    rv_losses L;
    rv_model_gen_step(&m, x, noise, prior, &L, RV_STEP_BACKWARD | RV_STEP_TRAIN_ENCODER);
    CHECK_ARRAY_NEAR(m.z, get("out.z", (long)B * c->latent_size * Tl), (long)B * c->latent_size * Tl, 1e-5, 1e-4);
    CHECK_ARRAY_NEAR(m.y_mb, get("out.y_mb", (long)B * 16 * m.T), (long)B * 16 * m.T, 1e-5, 1e-4);
    CHECK_ARRAY_NEAR(m.y, get("out.y", B * N), B * N, 1e-5, 1e-4);
    const float *lr = get("loss", 4);
    double mine[4] = {L.mb, L.fb, L.mmd, L.total};
    for (int i = 0; i < 4; i++) CHECK_NEAR(mine[i], lr[i], 1e-5 * fabs(lr[i]));
    printf("  losses C vs torch: mb %.6f/%.6f fb %.6f/%.6f mmd %.6g/%.6g total %.6f/%.6f\n",
           L.mb, lr[0], L.fb, lr[1], L.mmd, lr[2], L.total, lr[3]);
    double worst = 0, worst32 = 0, worst_cos = 1;
    const char *wname = "";
    for (int i = 0; i < m.P.n; i++) {
        const rv_tensor *t = &m.P.t[i];
        char name[2 * RV_NAME_MAX];
        snprintf(name, sizeof(name), "grad.%s", t->name);
        const float *g = get(name, t->n), *a = m.G + t->off;
        snprintf(name, sizeof(name), "grad32.%s", t->name);
        const float *g32 = get(name, t->n);
        double md = 0, mr = 0, m32 = 0, ab = 0, aa = 0, bb = 0;
        for (long j = 0; j < t->n; j++) {
            md = fmax(md, fabs((double)a[j] - g[j]));
            m32 = fmax(m32, fabs((double)g32[j] - g[j]));
            mr = fmax(mr, fabs((double)g[j]));
            ab += (double)a[j] * g[j]; aa += (double)a[j] * a[j]; bb += (double)g[j] * g[j];
        }
        double rel = md / (mr > 0 ? mr : 1), cs = ab / sqrt(aa * bb + 1e-300);
        if (rel > worst) { worst = rel; wname = t->name; }
        if (m32 / (mr > 0 ? mr : 1) > worst32) worst32 = m32 / (mr > 0 ? mr : 1);
        if (cs < worst_cos) worst_cos = cs;
        if (!(md <= 3 * m32 + 1e-3 * mr && cs > 0.99999)) {
            fprintf(stderr, "  gradient %s: max diff %.3g (torch float32: %.3g) of max %.3g, cosine %.8f\n",
                    t->name, md, m32, mr, cs);
            t_case_failed = 1;
        }
    }
    printf("  gradients of %d tensors: worst relative max diff %.2e (%s; torch float32 worst "
           "%.2e), worst cosine %.8f\n", m.P.n, worst, wname, worst32, worst_cos);
}

static void test_adam_steps(void) {
    rv_config *c = &m.cfg;
    int B = c->batch, Tl = m.Tl;
    long N = c->n_signal;
    CHECK(rv_st_load_params(ref, &m.P, "", m.P.data, "ref") == 0);   // back to the initial weights
    memset(m.M, 0, sizeof(float) * m.P.total);
    memset(m.V, 0, sizeof(float) * m.P.total);
    const float *x = get("input.x", B * N), *noise = get("input.noise", (long)B * c->noise_channels * Tl);
    const float *prior = get("input.prior", (long)B * c->latent_size * Tl), *want = get("steps.loss", 10);
    const float *t32 = get("steps.loss_f32", 10);
    double worst = 0;
    for (int s = 0; s < 10; s++) {
        double l = rv_model_gen_step(&m, x, noise, prior, NULL,
                                     RV_STEP_BACKWARD | RV_STEP_TRAIN_ENCODER);
        rv_model_adam(&m, rv_lr_linear(1e-4, c->lr_end_factor, s, c->phase_1_duration), s + 1,
                      RV_STEP_TRAIN_ENCODER);
        double rel = fabs(l - want[s]) / fabs(want[s]);
        if (rel > worst) worst = rel;
        CHECK_NEAR(l, want[s], 2 * fabs(t32[s] - want[s]) + 1e-3 * fabs(want[s]));
        if (s == 0 || s == 9) printf("  Adam step %d: loss %.6f (torch %.6f)\n", s + 1, l, want[s]);
    }
    printf("  10 Adam steps: worst relative loss difference %.2e (torch float32: %.2e)\n", worst,
           fabs(t32[9] - want[9]) / fabs(want[9]));
}

// The phase-2 discriminator against tests/ref/rave_tiny_disc.safetensors (torch float64,
// real Conv2d for the period discriminators): hinge loss and every parameter gradient of the
// D step; adversarial and feature-matching terms and their gradient w.r.t. the fake input.
// Tolerances: losses relative 1e-5; gradients max |a - b| <= 1e-3 max |b| per tensor.
static void test_discriminator(void) {
    const char *root = getenv("GD_ROOT");
    char path[512];
    snprintf(path, sizeof(path), "%s/tests/ref/rave_tiny_disc.safetensors", root ? root : ".");
    rv_st *rd;
    CHECK(rv_st_read(&rd, path) == 0);
    if (!rd) return;
    rv_disc d;
    CHECK(rv_disc_init(&d, &m.cfg, 0) == 0);
    CHECK(rv_st_load_params(rd, &d.P, "", d.P.data, path) == 0);
    int B = 2;
    long N = 2048;
    CHECK(rv_disc_plan(&d, B, N) == 0);
    const rv_st_tensor *tx = rv_st_get(rd, "input.x"), *ty = rv_st_get(rd, "input.y");
    const rv_st_tensor *tl = rv_st_get(rd, "loss"), *tg = rv_st_get(rd, "grad.y");
    CHECK(tx && ty && tl && tg && tx->n == B * N && tg->n == B * N);
    if (!tx || !ty || !tl || !tg) return;
    double ld = rv_disc_d_step(&d, tx->data, ty->data);
    CHECK_NEAR(ld, tl->data[0], 1e-5 * fabs(tl->data[0]));
    double worst = 0;
    for (int i = 0; i < d.P.n; i++) {
        char name[2 * RV_NAME_MAX];
        snprintf(name, sizeof(name), "grad.%s", d.P.t[i].name);
        const rv_st_tensor *g = rv_st_get(rd, name);
        CHECK(g && g->n == d.P.t[i].n);
        if (!g) continue;
        double md = 0, mr = 0;
        for (long j = 0; j < g->n; j++) {
            md = fmax(md, fabs((double)d.G[d.P.t[i].off + j] - g->data[j]));
            mr = fmax(mr, fabs((double)g->data[j]));
        }
        if (md / (mr > 0 ? mr : 1) > worst) worst = md / (mr > 0 ? mr : 1);
    }
    CHECK(worst < 1e-3);
    float *dy = calloc(B * N, sizeof(float));
    double adv, fm, w_adv = atof(rv_st_meta(rd, "w_adv")), w_fm = atof(rv_st_meta(rd, "w_fm"));
    rv_disc_g_step(&d, tx->data, ty->data, w_adv, w_fm, dy, &adv, &fm);
    CHECK_NEAR(adv, tl->data[1], 1e-5 * fabs(tl->data[1]));
    CHECK_NEAR(fm, tl->data[2], 1e-5 * fabs(tl->data[2]));
    double md = 0, mr = 0;
    for (long j = 0; j < B * N; j++) {
        md = fmax(md, fabs((double)dy[j] - tg->data[j]));
        mr = fmax(mr, fabs((double)tg->data[j]));
    }
    printf("  discriminator (%d sub-discriminators): hinge %.6f/%.6f, adv %.6f/%.6f, fm %.6f/%.6f; "
           "worst param-gradient rel diff %.2e, d/dy rel diff %.2e\n", d.n_sub, ld, tl->data[0],
           adv, tl->data[1], fm, tl->data[2], worst, md / mr);
    CHECK(md <= 1e-3 * mr);
    free(dy);
    rv_disc_free(&d);
    rv_st_free(rd);
}

int main(void) {
    const char *root = getenv("GD_ROOT");
    char path[512];
    snprintf(path, sizeof(path), "%s/tests/ref/rave_tiny.safetensors", root ? root : ".");
    rv_config c;
    if (rv_st_read(&ref, path) || load_tiny(&c) || rv_model_init(&m, &c) ||
        rv_st_load_params(ref, &m.P, "", m.P.data, path) || rv_model_plan(&m, c.batch, c.n_signal, RV_PLAN_TRAIN)) {
        fprintf(stderr, "cannot set up the parity test from %s\n", path);
        return 1;
    }
    RUN(test_forward_and_gradients);
    RUN(test_adam_steps);
    RUN(test_discriminator);
    rv_model_free(&m);
    rv_st_free(ref);
    return TEST_REPORT();
}
