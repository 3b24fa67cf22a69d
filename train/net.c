// net.c: see net.h.
#include "train/net.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/rng.h"
#include "train/prof.h"
#include "train/nn/act.h"
#include "train/nn/resunit.h"
#include "train/nn/wnorm.h"

void rv_net_init(rv_net *n, const char *prefix) {
    memset(n, 0, sizeof(*n));
    n->be = &rv_backend_cpu;
    snprintf(n->prefix, sizeof(n->prefix), "%s", prefix);
}

void rv_net_free(rv_net *n) {
    if (n) free(n->L);
    if (n) n->L = NULL;
}

static rv_layer *push(rv_net *n) {
    if (n->n == n->cap) {
        n->cap = n->cap ? 2 * n->cap : 32;
        n->L = realloc(n->L, sizeof(rv_layer) * n->cap);
        GD_ASSERT(n->L);
    }
    rv_layer *l = &n->L[n->n++];
    memset(l, 0, sizeof(*l));
    l->v = l->g = l->b = l->v2 = l->g2 = -1;
    return l;
}

// Registers weight (dim0, dim1, k) [+ g, bias] for layer index i, suffix sub ("" or ".conv1").
static void add_weight(rv_net *n, rv_params *p, int i, const char *sub, int d0, int d1, int k,
                       int flags, long *v, long *g, long *w, int *rows, long *nw, int bias_len,
                       long *b) {
    char name[RV_NAME_MAX];
    int shape[3] = {d0, d1, k};
    *rows = d0;
    *nw = (long)d0 * d1 * k;
    if (flags & RV_WN) {
        snprintf(name, sizeof(name), "%s.%d%s.weight_v", n->prefix, i, sub);
        *v = rv_params_add(p, name, 3, shape);
        snprintf(name, sizeof(name), "%s.%d%s.weight_g", n->prefix, i, sub);
        int gs[3] = {d0, 1, 1};
        *g = rv_params_add(p, name, 3, gs);
        *w = n->w_total;
        n->w_total += *nw;
    } else {
        snprintf(name, sizeof(name), "%s.%d%s.weight", n->prefix, i, sub);
        *v = rv_params_add(p, name, 3, shape);
        *w = *v;
    }
    if (flags & RV_BIAS) {
        snprintf(name, sizeof(name), "%s.%d%s.bias", n->prefix, i, sub);
        *b = rv_params_add(p, name, 1, &bias_len);
    }
}

void rv_net_conv(rv_net *n, rv_params *p, int c_in, int c_out, int k, int stride, int dil,
                 int pad_l, int pad_r, int flags) {
    rv_layer *l = push(n);
    l->kind = RV_L_CONV; l->flags = flags;
    l->cs = (rv_conv1d_shape){c_in, c_out, k, stride, dil, pad_l, pad_r};
    l->c_in = c_in; l->c_out = c_out;
    add_weight(n, p, n->n - 1, "", c_out, c_in, k, flags, &l->v, &l->g, &l->w, &l->rows, &l->nw,
               c_out, &l->b);
}

void rv_net_convt(rv_net *n, rv_params *p, int c_in, int c_out, int k, int stride, int pad,
                  int flags) {
    rv_layer *l = push(n);
    l->kind = RV_L_CONVT; l->flags = flags;
    l->ts = (rv_convt1d_shape){c_in, c_out, k, stride, pad};
    l->c_in = c_in; l->c_out = c_out;
    // PyTorch ConvTranspose1d weight is (C_in, C_out, K): weight norm per INPUT channel.
    add_weight(n, p, n->n - 1, "", c_in, c_out, k, flags, &l->v, &l->g, &l->w, &l->rows, &l->nw,
               c_out, &l->b);
}

void rv_net_res(rv_net *n, rv_params *p, int C, int k, int dil) {
    rv_layer *l = push(n);
    l->kind = RV_L_RES; l->flags = RV_WN;
    l->cs = (rv_conv1d_shape){C, C, k, 1, dil, 0, 0};
    rv_conv1d_center_pad(&l->cs);
    l->c_in = l->c_out = C;
    long nb = -1;
    add_weight(n, p, n->n - 1, ".conv1", C, C, k, RV_WN, &l->v, &l->g, &l->w, &l->rows, &l->nw, C,
               &nb);
    add_weight(n, p, n->n - 1, ".conv2", C, C, 1, RV_WN, &l->v2, &l->g2, &l->w2, &l->rows2,
               &l->nw2, C, &nb);
}

int rv_net_plan(rv_net *n, int B, int t_in) {
    n->B = B;
    int t = t_in;
    for (int i = 0; i < n->n; i++) {
        rv_layer *l = &n->L[i];
        l->t_in = t;
        if (l->kind == RV_L_CONVT) t = rv_convt1d_t_out(&l->ts, t);
        else if (l->kind == RV_L_CONV) t = rv_conv1d_t_out(&l->cs, t);
        if (t <= 0) return GD_ERR_ARG;
        l->t_out = t;
    }
    return 0;
}

static size_t io_in(const rv_net *n, const rv_layer *l) { return (size_t)n->B * l->c_in * l->t_in; }
static size_t io_out(const rv_net *n, const rv_layer *l) { return (size_t)n->B * l->c_out * l->t_out; }

size_t rv_net_act_size(const rv_net *n) {
    size_t s = 0;
    for (int i = 0; i < n->n; i++) {
        const rv_layer *l = &n->L[i];
        s += io_out(n, l);
        if (l->flags & RV_PRE_ACT) s += io_in(n, l);
        if (l->kind == RV_L_RES) s += 3 * io_out(n, l);
    }
    return s;
}

void rv_net_bind(rv_net *n, float *acts) {
    for (int i = 0; i < n->n; i++) {
        rv_layer *l = &n->L[i];
        l->out = acts; acts += io_out(n, l);
        l->act = NULL;
        if (l->flags & RV_PRE_ACT) { l->act = acts; acts += io_in(n, l); }
        if (l->kind == RV_L_RES) {
            l->a1 = acts; l->h1 = acts + io_out(n, l); l->a2 = acts + 2 * io_out(n, l);
            acts += 3 * io_out(n, l);
        }
    }
}

size_t rv_net_scratch(const rv_net *n) {
    size_t s = 1;
    for (int i = 0; i < n->n; i++) {
        const rv_layer *l = &n->L[i];
        size_t c = l->kind == RV_L_CONVT ? rv_convt1d_scratch(&l->ts, l->t_in)
                                         : rv_conv1d_scratch(&l->cs, l->t_in);
        if (c > s) s = c;
    }
    return s;
}

size_t rv_net_max_io(const rv_net *n) {
    size_t s = 1;
    for (int i = 0; i < n->n; i++) {
        if (io_in(n, &n->L[i]) > s) s = io_in(n, &n->L[i]);
        if (io_out(n, &n->L[i]) > s) s = io_out(n, &n->L[i]);
    }
    return s;
}

int rv_net_t_out(const rv_net *n) { return n->L[n->n - 1].t_out; }
int rv_net_c_out(const rv_net *n) { return n->L[n->n - 1].c_out; }

static void init_weight(float *P, long v, long g, long nw, int rows, int fan_in, int wn,
                        gd_rng *r) {
    double a = 1.0 / sqrt((double)fan_in);
    for (long i = 0; i < nw; i++) P[v + i] = (float)gd_rng_range(r, -a, a);
    if (wn) rv_wnorm_init_g(P + g, P + v, rows, nw / rows);
}

void rv_net_init_params(const rv_net *n, float *P, unsigned long long seed) {
    gd_rng r;
    gd_rng_init(&r, seed, gd_rng_stream_id("init", n->prefix));
    for (int i = 0; i < n->n; i++) {
        const rv_layer *l = &n->L[i];
        int wn = (l->flags & RV_WN) != 0;
        int fan_in = (int)(l->nw / l->rows);   // dim1 * k
        init_weight(P, l->v, l->g, l->nw, l->rows, fan_in, wn, &r);
        if (l->kind == RV_L_RES) init_weight(P, l->v2, l->g2, l->nw2, l->rows2, l->c_in, 1, &r);
        if (l->b >= 0) {
            double a = 1.0 / sqrt((double)fan_in);
            for (int o = 0; o < l->c_out; o++) P[l->b + o] = (float)gd_rng_range(&r, -a, a);
        }
    }
}

void rv_net_weights(const rv_net *n, const float *P, float *W) {
    double t0 = omp_get_wtime();
    for (int i = 0; i < n->n; i++) {
        const rv_layer *l = &n->L[i];
        if (!(l->flags & RV_WN)) continue;
        n->be->wnorm_fwd(W + l->w, P + l->v, P + l->g, l->rows, l->nw / l->rows);
        if (l->kind == RV_L_RES)
            n->be->wnorm_fwd(W + l->w2, P + l->v2, P + l->g2, l->rows2, l->nw2 / l->rows2);
    }
    if (rv_prof_on) rv_prof_t[RV_P_WNORM] += omp_get_wtime() - t0;
}

static const float *wptr(const rv_layer *l, const float *P, const float *W) {
    return (l->flags & RV_WN) ? W + l->w : P + l->w;
}

const float *rv_net_fwd(rv_net *n, const float *P, const float *W, const float *in,
                        float *scratch) {
    n->input = in;
    const float *x = in;
    for (int i = 0; i < n->n; i++) {
        rv_layer *l = &n->L[i];
        if (l->flags & RV_PRE_ACT) {
            n->be->lrelu_fwd(l->act, x, (long)io_in(n, l), RV_LRELU_SLOPE);
            x = l->act;
        }
        const float *bias = l->b >= 0 ? P + l->b : NULL;
        if (l->kind == RV_L_CONV)
            RV_PROF(RV_P_CONV_F, n->be->conv1d_fwd(l->out, x, wptr(l, P, W), bias, n->B, l->t_in,
                                               &l->cs, scratch));
        else if (l->kind == RV_L_CONVT)
            RV_PROF(RV_P_CONVT_F, n->be->convt1d_fwd(l->out, x, wptr(l, P, W), bias, n->B, l->t_in,
                                                 &l->ts, scratch));
        else
            RV_PROF(RV_P_RES_F, n->be->resunit_fwd(l->out, l->a1, l->h1, l->a2, x, W + l->w,
                                               W + l->w2, n->B, l->c_in, l->t_in, l->cs.k,
                                               l->cs.dil, scratch));
        x = l->out;
    }
    return x;
}

void rv_net_bwd(rv_net *n, const float *P, const float *W, float *G, float *DW, float *din,
                const float *dout, float *scratch, float *bufs[4]) {
    if (n->w_total) memset(DW, 0, sizeof(float) * n->w_total);
    const float *cur = dout;
    for (int i = n->n - 1; i >= 0; i--) {
        rv_layer *l = &n->L[i];
        const float *x = i ? n->L[i - 1].out : n->input;
        float *dx = i ? bufs[i % 2] : din;          // never equal to cur: cur is bufs[(i+1)%2]
        if (dx && i) memset(dx, 0, sizeof(float) * io_in(n, l));
        float *dw = (l->flags & RV_WN) ? DW + l->w : G + l->w;
        float *db = l->b >= 0 ? G + l->b : NULL;
        if (l->kind == RV_L_RES) {
            RV_PROF(RV_P_RES_B, n->be->resunit_bwd(dx, dw, DW + l->w2, cur, x, l->a1, l->h1, l->a2,
                                               W + l->w, W + l->w2, n->B, l->c_in, l->t_in,
                                               l->cs.k, l->cs.dil, scratch, bufs[2], bufs[3]));
        } else {
            const float *xin = (l->flags & RV_PRE_ACT) ? l->act : x;
            float *dxin = dx;
            if ((l->flags & RV_PRE_ACT) && dx) {
                dxin = bufs[2];
                memset(dxin, 0, sizeof(float) * io_in(n, l));
            }
            if (l->kind == RV_L_CONV)
                RV_PROF(RV_P_CONV_B, n->be->conv1d_bwd(dxin, dw, db, cur, xin, wptr(l, P, W), n->B,
                                                   l->t_in, &l->cs, scratch));
            else
                RV_PROF(RV_P_CONVT_B, n->be->convt1d_bwd(dxin, dw, db, cur, xin, wptr(l, P, W), n->B,
                                                     l->t_in, &l->ts, scratch));
            if ((l->flags & RV_PRE_ACT) && dx)
                n->be->lrelu_bwd(dx, dxin, x, (long)io_in(n, l), RV_LRELU_SLOPE);
        }
        cur = dx;
    }
    double t0 = omp_get_wtime();
    for (int i = 0; i < n->n; i++) {
        const rv_layer *l = &n->L[i];
        if (!(l->flags & RV_WN)) continue;
        n->be->wnorm_bwd(G + l->v, G + l->g, DW + l->w, P + l->v, P + l->g, l->rows, l->nw / l->rows);
        if (l->kind == RV_L_RES)
            n->be->wnorm_bwd(G + l->v2, G + l->g2, DW + l->w2, P + l->v2, P + l->g2, l->rows2,
                         l->nw2 / l->rows2);
    }
    if (rv_prof_on) rv_prof_t[RV_P_WNORM] += omp_get_wtime() - t0;
}

static long floor_div(long a, long b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

void rv_net_rf(const rv_net *n, long a, long b, long *lo, long *hi) {
    for (int i = n->n - 1; i >= 0; i--) {
        const rv_layer *l = &n->L[i];
        if (l->kind == RV_L_CONVT) {
            const rv_convt1d_shape *s = &l->ts;
            long na = -floor_div(-(a + s->pad - s->k + 1), s->stride);   // ceil
            long nb = floor_div(b + s->pad, s->stride);
            a = na; b = nb;
        } else {
            const rv_conv1d_shape *s = &l->cs;
            a = a * s->stride - s->pad_l;
            b = b * s->stride - s->pad_l + (long)(s->k - 1) * s->dil;
        }
    }
    *lo = a; *hi = b;
}
