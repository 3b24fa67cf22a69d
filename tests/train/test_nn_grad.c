// test_nn_grad.c: every train/nn op's backward against central finite differences, in double
// precision (the rv_*_f64 build of the ops, see train/nn/rv_real.h). Each op is reduced to a
// scalar L = sum_i r_i out_i with fixed random r; the analytic gradient of every input and
// parameter element is compared with (L(p + h) - L(p - h)) / 2h, h = 1e-6.
// Pass: max |analytic - numeric| <= 1e-6 * max |numeric| (spec: rel err < 1e-6).
#define RV_F64
#include <stdlib.h>
#include <string.h>

#include "tests/test.h"
#include "train/nn/act.h"
#include "train/nn/adv.h"
#include "train/nn/conv1d.h"
#include "train/nn/convt1d.h"
#include "train/nn/mmd.h"
#include "train/nn/mss.h"
#include "train/nn/pqmf.h"
#include "train/nn/resunit.h"
#include "train/nn/wnorm.h"

static unsigned long long lcg = 12345;
static double urand(void) {   // uniform [-1, 1)
    lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(lcg >> 11) / (double)(1ULL << 52) - 1.0;
}
static double *rnd(long n) {
    double *a = malloc(sizeof(double) * n);
    for (long i = 0; i < n; i++) a[i] = urand();
    return a;
}
// Random values kept away from 0 (for LeakyReLU kinks).
static double *rnd_nz(long n) {
    double *a = rnd(n);
    for (long i = 0; i < n; i++) a[i] += a[i] >= 0 ? 0.05 : -0.05;
    return a;
}
static double *zeros(long n) { return calloc(n, sizeof(double)); }
static double dot(const double *a, const double *b, long n) {
    double s = 0;
    for (long i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

typedef double (*loss_fn)(void *ctx);

// Max relative error of analytic gradient g w.r.t. p (n elements) of f(ctx).
static double fd_err(loss_fn f, void *ctx, double *p, const double *g, long n, const char *name) {
    const double h = 1e-6;
    double maxd = 0, maxn = 0;
    for (long i = 0; i < n; i++) {
        double s = p[i];
        p[i] = s + h; double lp = f(ctx);
        p[i] = s - h; double lm = f(ctx);
        p[i] = s;
        double num = (lp - lm) / (2 * h), d = fabs(num - g[i]);
        if (d > maxd) maxd = d;
        if (fabs(num) > maxn) maxn = fabs(num);
    }
    double rel = maxd / (maxn > 1e-300 ? maxn : 1);
    printf("  %-28s n=%-5ld max|grad|=%.3g rel err=%.2e\n", name, n, maxn, rel);
    CHECK(maxn > 0);
    CHECK(rel < 1e-6);
    return rel;
}

// ---------------------------------------------------------------------------- conv1d
typedef struct { rv_conv1d_shape sh; int B, T; double *in, *w, *b, *r, *out, *scr; } conv_ctx;
static double conv_loss(void *c_) {
    conv_ctx *c = c_;
    rv_conv1d_fwd_f64(c->out, c->in, c->w, c->b, c->B, c->T, &c->sh, c->scr);
    return dot(c->out, c->r, (long)c->B * c->sh.c_out * rv_conv1d_t_out(&c->sh, c->T));
}
static void check_conv(rv_conv1d_shape sh, int B, int T, int bias) {
    conv_ctx c = {sh, B, T, 0, 0, 0, 0, 0, 0};
    int To = rv_conv1d_t_out(&sh, T);
    long ni = (long)B * sh.c_in * T, nw = (long)sh.c_out * sh.c_in * sh.k, no = (long)B * sh.c_out * To;
    c.in = rnd(ni); c.w = rnd(nw); c.b = bias ? rnd(sh.c_out) : NULL; c.r = rnd(no);
    c.out = zeros(no); c.scr = zeros(rv_conv1d_scratch(&sh, T));
    double *din = zeros(ni), *dw = zeros(nw), *db = zeros(sh.c_out);
    rv_conv1d_bwd_f64(din, dw, bias ? db : NULL, c.r, c.in, c.w, B, T, &sh, c.scr);
    fd_err(conv_loss, &c, c.in, din, ni, "conv1d d_in");
    fd_err(conv_loss, &c, c.w, dw, nw, "conv1d d_w");
    if (bias) fd_err(conv_loss, &c, c.b, db, sh.c_out, "conv1d d_bias");
    free(c.in); free(c.w); free(c.b); free(c.r); free(c.out); free(c.scr);
    free(din); free(dw); free(db);
}
static void test_conv1d_grad(void) {
    check_conv((rv_conv1d_shape){3, 4, 3, 2, 2, 2, 1}, 2, 11, 1);   // stride, dilation, asym pad
    check_conv((rv_conv1d_shape){3, 5, 8, 4, 1, 3, 4}, 2, 16, 0);   // RAVE strided k=2r
    check_conv((rv_conv1d_shape){4, 3, 1, 1, 1, 0, 0}, 2, 7, 0);    // pointwise fast path
    check_conv((rv_conv1d_shape){3, 4, 3, 1, 2, 3, 1}, 2, 20, 1);   // stride 1: shifted-GEMM path
    check_conv((rv_conv1d_shape){2, 3, 7, 1, 1, 3, 3}, 2, 9, 0);    // taps reaching past both ends
}

// ---------------------------------------------------------------------------- convt1d
typedef struct { rv_convt1d_shape sh; int B, T; double *in, *w, *b, *r, *out, *scr; } convt_ctx;
static double convt_loss(void *c_) {
    convt_ctx *c = c_;
    rv_convt1d_fwd_f64(c->out, c->in, c->w, c->b, c->B, c->T, &c->sh, c->scr);
    return dot(c->out, c->r, (long)c->B * c->sh.c_out * rv_convt1d_t_out(&c->sh, c->T));
}
static void check_convt(rv_convt1d_shape sh, int B, int T, int bias) {
    convt_ctx c = {sh, B, T, 0, 0, 0, 0, 0, 0};
    int To = rv_convt1d_t_out(&sh, T);
    long ni = (long)B * sh.c_in * T, nw = (long)sh.c_out * sh.c_in * sh.k, no = (long)B * sh.c_out * To;
    c.in = rnd(ni); c.w = rnd(nw); c.b = bias ? rnd(sh.c_out) : NULL; c.r = rnd(no);
    c.out = zeros(no); c.scr = zeros(rv_convt1d_scratch(&sh, T));
    double *din = zeros(ni), *dw = zeros(nw), *db = zeros(sh.c_out);
    rv_convt1d_bwd_f64(din, dw, bias ? db : NULL, c.r, c.in, c.w, B, T, &sh, c.scr);
    fd_err(convt_loss, &c, c.in, din, ni, "convt1d d_in");
    fd_err(convt_loss, &c, c.w, dw, nw, "convt1d d_w");
    if (bias) fd_err(convt_loss, &c, c.b, db, sh.c_out, "convt1d d_bias");
    free(c.in); free(c.w); free(c.b); free(c.r); free(c.out); free(c.scr);
    free(din); free(dw); free(db);
}
static void test_convt1d_grad(void) {
    check_convt((rv_convt1d_shape){3, 2, 4, 2, 1}, 2, 5, 1);
    check_convt((rv_convt1d_shape){2, 3, 8, 4, 2}, 2, 4, 0);
    CHECK(rv_convt1d_t_out(&(rv_convt1d_shape){2, 3, 8, 4, 2}, 4) == 16);
}

// ---------------------------------------------------------------------------- weight norm
typedef struct { int rows; long n; double *v, *g, *r, *w; } wn_ctx;
static double wn_loss(void *c_) {
    wn_ctx *c = c_;
    rv_wnorm_fwd_f64(c->w, c->v, c->g, c->rows, c->n);
    return dot(c->w, c->r, c->rows * c->n);
}
static void test_wnorm_grad(void) {
    wn_ctx c = {3, 5, rnd(15), rnd(3), rnd(15), zeros(15)};
    double *dv = zeros(15), *dg = zeros(3);
    rv_wnorm_bwd_f64(dv, dg, c.r, c.v, c.g, 3, 5);
    fd_err(wn_loss, &c, c.v, dv, 15, "wnorm d_v");
    fd_err(wn_loss, &c, c.g, dg, 3, "wnorm d_g");
    // init: g = |v| makes w == v
    rv_wnorm_init_g_f64(c.g, c.v, 3, 5);
    rv_wnorm_fwd_f64(c.w, c.v, c.g, 3, 5);
    CHECK_ARRAY_NEAR(c.w, c.v, 15, 1e-14, 1e-12);
    free(c.v); free(c.g); free(c.r); free(c.w); free(dv); free(dg);
}

// ---------------------------------------------------------------------------- activations
typedef struct { long n; int B, C, T; double *in, *r, *out; } act_ctx;
static double lrelu_loss(void *c_) {
    act_ctx *c = c_;
    rv_lrelu_fwd_f64(c->out, c->in, c->n, 0.2);
    return dot(c->out, c->r, c->n);
}
static double amod_loss(void *c_) {
    act_ctx *c = c_;
    rv_amod_fwd_f64(c->out, c->in, c->B, c->C, c->T);
    return dot(c->out, c->r, (long)c->B * c->C * c->T);
}
static void test_act_grad(void) {
    act_ctx c = {40, 0, 0, 0, rnd_nz(40), rnd(40), zeros(40)};
    double *din = zeros(40);
    rv_lrelu_bwd_f64(din, c.r, c.in, 40, 0.2);
    fd_err(lrelu_loss, &c, c.in, din, 40, "lrelu d_in");
    free(c.in); free(c.r); free(c.out); free(din);
    act_ctx a = {0, 2, 3, 5, rnd(60), rnd(30), zeros(30)};
    for (int i = 0; i < 60; i++) a.in[i] *= 2;
    din = zeros(60);
    rv_amod_bwd_f64(din, a.r, a.in, 2, 3, 5);
    fd_err(amod_loss, &a, a.in, din, 60, "amod d_in (x and a)");
    free(a.in); free(a.r); free(a.out); free(din);
}

// ---------------------------------------------------------------------------- residual unit
typedef struct { int B, C, T, k, d; double *x, *w1, *w2, *r, *out, *a1, *h1, *a2, *scr; } ru_ctx;
static double ru_loss(void *c_) {
    ru_ctx *c = c_;
    rv_resunit_fwd_f64(c->out, c->a1, c->h1, c->a2, c->x, c->w1, c->w2, c->B, c->C, c->T, c->k,
                       c->d, c->scr);
    return dot(c->out, c->r, (long)c->B * c->C * c->T);
}
static void test_resunit_grad(void) {
    int B = 2, C = 3, T = 9, k = 3, d = 3;
    long n = (long)B * C * T;
    ru_ctx c = {B, C, T, k, d, rnd(n), rnd(C * C * k), rnd(C * C), rnd(n), zeros(n), zeros(n),
                zeros(n), zeros(n), zeros((long)C * k * T)};
    double *dx = zeros(n), *dw1 = zeros(C * C * k), *dw2 = zeros(C * C), *t1 = zeros(n), *t2 = zeros(n);
    ru_loss(&c);
    rv_resunit_bwd_f64(dx, dw1, dw2, c.r, c.x, c.a1, c.h1, c.a2, c.w1, c.w2, B, C, T, k, d, c.scr,
                       t1, t2);
    fd_err(ru_loss, &c, c.x, dx, n, "resunit d_x");
    fd_err(ru_loss, &c, c.w1, dw1, C * C * k, "resunit d_w1 (k3 d3)");
    fd_err(ru_loss, &c, c.w2, dw2, C * C, "resunit d_w2 (1x1)");
    free(c.x); free(c.w1); free(c.w2); free(c.r); free(c.out); free(c.a1); free(c.h1); free(c.a2);
    free(c.scr); free(dx); free(dw1); free(dw2); free(t1); free(t2);
}

// ---------------------------------------------------------------------------- PQMF
typedef struct { rv_pqmf_f64 *p; int B; long N; double *in, *r, *out, *scr; int syn; } pq_ctx;
static double pq_loss(void *c_) {
    pq_ctx *c = c_;
    if (c->syn) rv_pqmf_synthesis_fwd_f64(c->out, c->in, c->p, c->B, c->N, c->scr);
    else rv_pqmf_analysis_fwd_f64(c->out, c->in, c->p, c->B, c->N, c->scr);
    return dot(c->out, c->r, (long)c->B * c->N);
}
static void test_pqmf_grad(void) {
    static rv_pqmf_f64 p;
    rv_pqmf_init_f64(&p);
    int B = 2; long N = 16 * 24;
    double *scr = zeros(rv_pqmf_scratch(B, N));
    for (int syn = 0; syn < 2; syn++) {
        pq_ctx c = {&p, B, N, rnd(B * N), rnd(B * N), zeros(B * N), scr, syn};
        double *din = zeros(B * N);
        if (syn) rv_pqmf_synthesis_bwd_f64(din, c.r, &p, B, N, scr);
        else rv_pqmf_analysis_bwd_f64(din, c.r, &p, B, N, scr);
        fd_err(pq_loss, &c, c.in, din, B * N, syn ? "pqmf synthesis d_in" : "pqmf analysis d_in");
        free(c.in); free(c.r); free(c.out); free(din);
    }
    free(scr);
}

// ---------------------------------------------------------------------------- spectral distance
typedef struct { rv_mss_f64 *m; int R; long n, ld; double *x, *y; } mss_ctx;
static double mss_loss(void *c_) {
    mss_ctx *c = c_;
    return rv_mss_fwd_f64(c->m, c->x, c->y, c->R, c->n, c->ld, NULL);
}
static void test_mss_grad(void) {
    int scales[2] = {64, 16}, R = 2;
    long n = 100, ld = 110;
    rv_mss_f64 *m;
    CHECK(rv_mss_init_f64(&m, scales, 2, R, n) == 0);
    mss_ctx c = {m, R, n, ld, rnd(R * ld), rnd(R * ld)};
    double *dy = zeros(R * ld);
    mss_loss(&c);
    rv_mss_bwd_f64(m, dy, 1.0);
    fd_err(mss_loss, &c, c.y, dy, R * ld, "mss d_y (cropped rows)");
    for (long i = n; i < ld; i++) CHECK(dy[i] == 0);   // outside the crop: untouched
    rv_mss_free_f64(m);
    free(c.x); free(c.y); free(dy);
}

// ---------------------------------------------------------------------------- MMD
typedef struct { int B, D, T; double *z, *y, *scr; } mmd_ctx;
static double mmd_loss(void *c_) {
    mmd_ctx *c = c_;
    return rv_mmd_fwd_f64(c->z, c->y, c->B, c->D, c->T, c->scr);
}
static void test_mmd_grad(void) {
    int B = 2, D = 3, T = 4;
    long n = B * D * T;
    mmd_ctx c = {B, D, T, rnd(n), rnd(n), zeros(B * T)};
    double *dz = zeros(n);
    rv_mmd_bwd_f64(dz, 1.0, c.z, c.y, B, D, T);
    fd_err(mmd_loss, &c, c.z, dz, n, "mmd d_z");
    free(c.z); free(c.y); free(c.scr); free(dz);
}

// ---------------------------------------------------------------------------- adversarial
typedef struct { long n; double *a, *b; int which; } adv_ctx;
static double adv_loss(void *c_) {
    adv_ctx *c = c_;
    if (c->which == 0) return rv_hinge_d_fwd_f64(c->a, c->b, c->n);
    if (c->which == 1) return rv_hinge_g_fwd_f64(c->b, c->n);
    return rv_fm_fwd_f64(c->a, c->b, c->n);
}
static void test_adv_grad(void) {
    long n = 30;
    adv_ctx c = {n, rnd(n), rnd(n), 0};
    for (long i = 0; i < n; i++) { c.a[i] *= 2; c.b[i] *= 2; }   // both sides of the hinges
    double *da = zeros(n), *db = zeros(n);
    rv_hinge_d_bwd_f64(da, db, 1.0, c.a, c.b, n);
    fd_err(adv_loss, &c, c.a, da, n, "hinge_d d_real");
    fd_err(adv_loss, &c, c.b, db, n, "hinge_d d_fake");
    c.which = 1; memset(db, 0, sizeof(double) * n);
    rv_hinge_g_bwd_f64(db, 1.0, n);
    fd_err(adv_loss, &c, c.b, db, n, "hinge_g d_fake");
    c.which = 2; memset(db, 0, sizeof(double) * n);
    rv_fm_bwd_f64(db, 1.0, c.a, c.b, n);
    fd_err(adv_loss, &c, c.b, db, n, "feature matching d_fake");
    free(c.a); free(c.b); free(da); free(db);
}

int main(void) {
    RUN(test_conv1d_grad);
    RUN(test_convt1d_grad);
    RUN(test_wnorm_grad);
    RUN(test_act_grad);
    RUN(test_resunit_grad);
    RUN(test_pqmf_grad);
    RUN(test_mss_grad);
    RUN(test_mmd_grad);
    RUN(test_adv_grad);
    return TEST_REPORT();
}
