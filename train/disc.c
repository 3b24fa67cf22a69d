// disc.c: see disc.h.
#include "train/disc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "train/nn/adam.h"
#include "train/nn/adv.h"

static void build(rv_net *n, rv_params *p, const rv_config *c, int k, int pad) {
    int C = 1, Co = c->d_capacity;
    for (int i = 0; i < c->d_layers; i++) {
        rv_net_conv(n, p, C, Co, k, 4, 1, pad, pad, RV_WN | RV_BIAS | (i ? RV_PRE_ACT : 0));
        C = Co; Co *= 2;
    }
    rv_net_conv(n, p, C, 1, 1, 1, 1, 0, 0, RV_PRE_ACT | RV_BIAS);
}

int rv_disc_init(rv_disc *d, const rv_config *c, unsigned long long seed) {
    memset(d, 0, sizeof(*d));
    char name[48];
    for (int i = 0; i < c->n_periods; i++) {
        snprintf(name, sizeof(name), "discriminator.period%d", c->d_periods[i]);
        rv_net_init(&d->nets[d->n_sub], name);
        d->period[d->n_sub] = c->d_periods[i];
        build(&d->nets[d->n_sub++], &d->P, c, 5, 2);
    }
    for (int i = 0; i < c->d_scales; i++) {
        snprintf(name, sizeof(name), "discriminator.scale%d", i);
        rv_net_init(&d->nets[d->n_sub], name);
        d->scale[d->n_sub] = i;
        build(&d->nets[d->n_sub++], &d->P, c, 15, 7);
    }
    long wt = 0;
    for (int i = 0; i < d->n_sub; i++) { d->woff[i] = wt; wt += d->nets[i].w_total; }
    if (rv_params_alloc(&d->P)) return GD_ERR_NOMEM;
    long n = d->P.total;
    d->G = calloc(n, sizeof(float)); d->M = calloc(n, sizeof(float)); d->V = calloc(n, sizeof(float));
    d->W = calloc(wt ? wt : 1, sizeof(float)); d->DW = calloc(wt ? wt : 1, sizeof(float));
    if (!d->G || !d->M || !d->V || !d->W || !d->DW) return GD_ERR_NOMEM;
    for (int i = 0; i < d->n_sub; i++) rv_net_init_params(&d->nets[i], d->P.data, seed);
    return 0;
}

void rv_disc_free(rv_disc *d) {
    if (!d) return;
    for (int i = 0; i < d->n_sub; i++) rv_net_free(&d->nets[i]);
    rv_params_free(&d->P);
    free(d->G); free(d->M); free(d->V); free(d->W); free(d->DW); free(d->work);
    memset(d, 0, sizeof(*d));
}

int rv_disc_plan(rv_disc *d, int B, long N) {
    free(d->work); d->work = NULL;
    d->B = B; d->N = N;
    size_t tot = 0, scr = 1, io = 1, acts[RV_DISC_MAX];
    for (int i = 0; i < d->n_sub; i++) {
        int p = d->period[i];
        if (p) { d->rows[i] = 2L * B * p; d->len[i] = (N + p - 1) / p; }
        else {
            if (N % (1L << d->scale[i])) return GD_ERR_ARG;
            d->rows[i] = 2L * B; d->len[i] = N >> d->scale[i];
        }
        if (rv_net_plan(&d->nets[i], (int)d->rows[i], (int)d->len[i])) return GD_ERR_ARG;
        acts[i] = rv_net_act_size(&d->nets[i]);
        tot += acts[i] + 2 * (size_t)d->rows[i] * d->len[i];
        if (rv_net_scratch(&d->nets[i]) > scr) scr = rv_net_scratch(&d->nets[i]);
        if (rv_net_max_io(&d->nets[i]) > io) io = rv_net_max_io(&d->nets[i]);
    }
    tot += 2 * (size_t)B * N + scr + 6 * io;
    d->work = calloc(tot, sizeof(float));
    if (!d->work) return GD_ERR_NOMEM;
    float *p = d->work;
    for (int i = 0; i < d->n_sub; i++) {
        rv_net_bind(&d->nets[i], p); p += acts[i];
        d->in[i] = p; p += d->rows[i] * d->len[i];
        d->din[i] = p; p += d->rows[i] * d->len[i];
    }
    d->pool = p; p += 2 * (size_t)B * N;
    d->scratch = p; p += scr;
    for (int k = 0; k < 4; k++) { d->bufs[k] = p; p += io; }
    d->g1 = p; p += io;
    d->g2 = p;
    return 0;
}

// Fills every sub-discriminator's input from x (real rows first) and y.
static void load_inputs(rv_disc *d, const float *x, const float *y) {
    int B = d->B;
    long N = d->N;
    for (int i = 0; i < d->n_sub; i++) {
        int p = d->period[i];
        long L = d->len[i];
        float *in = d->in[i];
        if (p) {
            for (int h = 0; h < 2; h++)
                for (int b = 0; b < B; b++) {
                    const float *s = (h ? y : x) + (long)b * N;
                    for (int j = 0; j < p; j++) {
                        float *r = in + (((long)h * B + b) * p + j) * L;
                        for (long t = 0; t < L; t++) r[t] = j + p * t < N ? s[j + p * t] : 0;
                    }
                }
        } else {
            // pool holds the real then fake rows at the current scale; scale 0 is the input.
            if (d->scale[i] == 0) {
                memcpy(d->pool, x, sizeof(float) * B * N);
                memcpy(d->pool + (long)B * N, y, sizeof(float) * B * N);
            } else {
                long Lp = L * 2;   // previous scale's length; rows stay contiguous of length L
                for (long r = 0; r < 2L * B; r++)
                    for (long t = 0; t < L; t++)
                        d->pool[r * L + t] = 0.5f * (d->pool[r * Lp + 2 * t] + d->pool[r * Lp + 2 * t + 1]);
            }
            memcpy(in, d->pool, sizeof(float) * 2 * B * L);
        }
    }
}

// Scatters the fake half of sub-discriminator i's input gradient into dy (B, N).
static void scatter_grad(rv_disc *d, int i, float *dy) {
    int B = d->B, p = d->period[i];
    long N = d->N, L = d->len[i];
    const float *g = d->din[i];
    if (p) {
        for (int b = 0; b < B; b++)
            for (int j = 0; j < p; j++) {
                const float *r = g + (((long)B + b) * p + j) * L;
                for (long t = 0; t < L; t++)
                    if (j + p * t < N) dy[(long)b * N + j + p * t] += r[t];
            }
        return;
    }
    // average-pool adjoint, applied scale times: each sample gets 2^-s of its pooled grad
    int s = d->scale[i];
    float w = 1.0f / (float)(1 << s);
    for (int b = 0; b < B; b++) {
        const float *r = g + ((long)B + b) * L;
        for (long n = 0; n < N; n++) dy[(long)b * N + n] += w * r[n >> s];
    }
}

static const float *score(const rv_net *n) { return n->L[n->n - 1].out; }

double rv_disc_d_step(rv_disc *d, const float *x, const float *y) {
    load_inputs(d, x, y);
    memset(d->G, 0, sizeof(float) * d->P.total);
    double loss = 0;
    for (int i = 0; i < d->n_sub; i++) {
        rv_net *n = &d->nets[i];
        rv_net_weights(n, d->P.data, d->W + d->woff[i]);
        rv_net_fwd(n, d->P.data, d->W + d->woff[i], d->in[i], d->scratch);
        const rv_layer *last = &n->L[n->n - 1];
        long half = (long)d->rows[i] / 2 * last->t_out;
        const float *s = score(n);
        loss += d->nets[0].be->hinge_d_fwd(s, s + half, half);
        float *dsc = d->g1;
        memset(dsc, 0, sizeof(float) * 2 * half);
        d->nets[0].be->hinge_d_bwd(dsc, dsc + half, 1.0, s, s + half, half);
        rv_net_bwd(n, d->P.data, d->W + d->woff[i], d->G, d->DW + d->woff[i], NULL, dsc,
                   d->scratch, d->bufs);
    }
    return loss;
}

void rv_disc_g_step(rv_disc *d, const float *x, const float *y, double w_adv, double w_fm,
                    float *dy, double *adv, double *fm) {
    load_inputs(d, x, y);
    double a = 0, f = 0;
    for (int i = 0; i < d->n_sub; i++) {
        rv_net *n = &d->nets[i];
        rv_net_weights(n, d->P.data, d->W + d->woff[i]);
        rv_net_fwd(n, d->P.data, d->W + d->woff[i], d->in[i], d->scratch);
        const rv_layer *last = &n->L[n->n - 1];
        long half = (long)d->rows[i] / 2 * last->t_out;
        a += d->nets[0].be->hinge_g_fwd(score(n) + half, half);
        // The gradient of every feature map enters the backward at its own layer; rv_net_bwd
        // takes one output gradient, so run the chain by hand: accumulate the FM gradient of
        // layer l into the running gradient before stepping through layer l.
        double fi = 0;
        int nf = n->n - 1;   // features 1..n-1 (the first is skipped)
        for (int l = 1; l < n->n; l++) {
            long hl = (long)d->rows[i] / 2 * n->L[l].c_out * n->L[l].t_out;
            fi += d->nets[0].be->fm_fwd(n->L[l].out, n->L[l].out + hl, hl) / nf;
        }
        f += fi / d->n_sub;
        // backward: d(score) from the hinge, FM terms added layer by layer
        float *cur = d->g1, *nxt = d->g2;
        memset(cur, 0, sizeof(float) * 2 * half);
        d->nets[0].be->hinge_g_bwd(cur + half, w_adv, half);
        memset(d->din[i], 0, sizeof(float) * d->rows[i] * d->len[i]);
        for (int l = n->n - 1; l >= 0; l--) {
            rv_layer *L = &n->L[l];
            if (l >= 1) {
                long hl = (long)d->rows[i] / 2 * L->c_out * L->t_out;
                d->nets[0].be->fm_bwd(cur + hl, w_fm / (nf * d->n_sub), L->out, L->out + hl, hl);
            }
            // one-layer backward through a temporary single-layer view of the net
            rv_net one = *n;
            one.L = L; one.n = 1;
            one.input = l ? n->L[l - 1].out : d->in[i];
            float *dx = l ? nxt : d->din[i];
            if (l) memset(nxt, 0, sizeof(float) * (size_t)d->rows[i] * L->c_in * L->t_in);
            rv_net_bwd(&one, d->P.data, d->W + d->woff[i], d->G, d->DW + d->woff[i], dx, cur,
                       d->scratch, d->bufs);
            float *t = cur; cur = nxt; nxt = t;
        }
        scatter_grad(d, i, dy);
    }
    *adv = a;
    *fm = f;
}

void rv_disc_adam(rv_disc *d, const rv_config *c, double lr, long t) {
    rv_adam_cfg a = {c->d_lr, c->beta1, c->beta2, c->eps};
    d->nets[0].be->adam_step(d->P.data, d->M, d->V, d->G, d->P.total, &a, lr, t);
}
