// gnet.cu: see gnet.cuh. Mirrors train/net.c (rv_net_plan, _act_size, _bind, _fwd, _bwd).
#include "train/cuda/gnet.cuh"

#define SLOPE ((float)RV_LRELU_SLOPE)

// ---------------------------------------------------------------------------- nets
int rv_gn_copy(gnet *g, const rv_net *n, int B, int t_in) {
    g->n = n->n;
    g->w_total = n->w_total;
    g->L = (glayer *)calloc(n->n, sizeof(glayer));
    if (!g->L) return GD_ERR_NOMEM;
    int t = t_in;
    for (int i = 0; i < n->n; i++) {
        rv_layer *l = &g->L[i].l;
        *l = n->L[i];
        l->t_in = t;
        if (l->kind == RV_L_CONVT) t = rv_convt1d_t_out(&l->ts, t);
        else if (l->kind == RV_L_CONV) t = rv_conv1d_t_out(&l->cs, t);
        if (t <= 0) return GD_ERR_ARG;
        l->t_out = t;
    }
    (void)B;
    return 0;
}

size_t rv_gn_act_size(const gnet *g, int B) {
    size_t s = 0;
    for (int i = 0; i < g->n; i++) {
        const rv_layer *l = &g->L[i].l;
        s += rv_gn_io_out(B, l);
        if ((l->flags & RV_PRE_ACT) && !rv_gn_fused_pre(l)) s += rv_gn_io_in(B, l);
        if (l->kind == RV_L_RES) s += (rv_gn_res_needs_a1(l) ? 3 : 2) * rv_gn_io_out(B, l);
    }
    return s;
}

void rv_gn_bind(gnet *g, int B, float *a) {
    for (int i = 0; i < g->n; i++) {
        glayer *gl = &g->L[i];
        const rv_layer *l = &gl->l;
        gl->out = a; a += rv_gn_io_out(B, l);
        gl->act = gl->a1 = gl->h1 = gl->a2 = NULL;
        if ((l->flags & RV_PRE_ACT) && !rv_gn_fused_pre(l)) { gl->act = a; a += rv_gn_io_in(B, l); }
        if (l->kind == RV_L_RES) {
            gl->h1 = a; gl->a2 = a + rv_gn_io_out(B, l);
            a += 2 * rv_gn_io_out(B, l);
            if (rv_gn_res_needs_a1(l)) { gl->a1 = a; a += rv_gn_io_out(B, l); }
        }
    }
}

size_t rv_gn_scratch(const gnet *g) {        // one batch item
    size_t s = 1;
    for (int i = 0; i < g->n; i++) {
        const rv_layer *l = &g->L[i].l;
        size_t c = l->kind == RV_L_CONVT ? rv_convt1d_scratch(&l->ts, l->t_in)
                                         : rv_conv1d_scratch(&l->cs, l->t_in);
        if (c > s) s = c;
    }
    return s;
}

size_t rv_gn_max_w(const gnet *g) {   // largest single weight tensor (dw partials)
    size_t s = 1;
    for (int i = 0; i < g->n; i++) {
        const rv_layer *l = &g->L[i].l;
        if ((size_t)l->nw > s) s = (size_t)l->nw;
        if (l->kind == RV_L_RES && (size_t)l->nw2 > s) s = (size_t)l->nw2;
    }
    return s;
}

size_t rv_gn_max_io(const gnet *g, int B) {
    size_t s = 1;
    for (int i = 0; i < g->n; i++) {
        if (rv_gn_io_in(B, &g->L[i].l) > s) s = rv_gn_io_in(B, &g->L[i].l);
        if (rv_gn_io_out(B, &g->L[i].l) > s) s = rv_gn_io_out(B, &g->L[i].l);
    }
    return s;
}

double rv_gn_macs(const gnet *g, int B) {
    double m = 0;
    for (int i = 0; i < g->n; i++) {
        const rv_layer *l = &g->L[i].l;
        if (l->kind == RV_L_CONV)
            m += (double)B * l->c_out * l->t_out * l->c_in * l->cs.k;
        else if (l->kind == RV_L_CONVT)
            m += (double)B * l->c_in * l->t_in * l->c_out * l->ts.k;
        else
            m += (double)B * l->t_out * l->c_in * l->c_in * (l->cs.k + 1);
    }
    return m;
}

void rv_gn_weights(gnet *g, const float *P) {
    for (int i = 0; i < g->n; i++) {
        const rv_layer *l = &g->L[i].l;
        if (!(l->flags & RV_WN)) continue;
        rv_wnorm_fwd_cuda(g->W + l->w, P + l->v, P + l->g, l->rows, l->nw / l->rows);
        if (l->kind == RV_L_RES)
            rv_wnorm_fwd_cuda(g->W + l->w2, P + l->v2, P + l->g2, l->rows2, l->nw2 / l->rows2);
    }
}

const float *rv_gn_fwd(gnet *g, int B, const float *P, const float *in, float *scratch,
                            int nb) {
    g->input = in;
    const float *x = in;
    for (int i = 0; i < g->n; i++) {
        glayer *gl = &g->L[i];
        const rv_layer *l = &gl->l;
        int fused = rv_gn_fused_pre(l);
        if ((l->flags & RV_PRE_ACT) && !fused) {
            rv_lrelu_fwd_cuda(gl->act, x, (long)rv_gn_io_in(B, l), SLOPE);
            x = gl->act;
        }
        const float *bias = l->b >= 0 ? P + l->b : NULL;
        if (l->kind == RV_L_CONV)
            rv_cu_conv1d_fwd(gl->out, x, rv_gn_wptr(l, P, g->W), bias, B, l->t_in, &l->cs, scratch,
                             nb, 0.f, fused);
        else if (l->kind == RV_L_CONVT)
            rv_cu_convt1d_fwd(gl->out, x, rv_gn_wptr(l, P, g->W), bias, B, l->t_in, &l->ts, scratch,
                              nb);
        else
            rv_cu_resunit_fwd(gl->out, gl->a1, gl->h1, gl->a2, x, g->W + l->w, g->W + l->w2, B,
                              l->c_in, l->t_in, l->cs.k, l->cs.dil, scratch, nb);
        x = gl->out;
    }
    return x;
}

void rv_gn_bwd(gnet *g, int B, const float *P, float *G, float *din, const float *dout,
                    float *scratch, float *bufs[4], int nb) {
    cudaStream_t st = rv_cu_stream();
    if (g->w_total) GD_CUDA_CHECK(cudaMemsetAsync(g->DW, 0, sizeof(float) * g->w_total, st));
    const float *cur = dout;
    for (int i = g->n - 1; i >= 0; i--) {
        glayer *gl = &g->L[i];
        const rv_layer *l = &gl->l;
        const float *x = i ? g->L[i - 1].out : g->input;
        float *dx = i ? bufs[i % 2] : din;
        int pre = (l->flags & RV_PRE_ACT) != 0;
        // PRE_ACT layers overwrite dx through the LeakyReLU backward; others accumulate.
        if (dx && i && !pre)
            GD_CUDA_CHECK(cudaMemsetAsync(dx, 0, sizeof(float) * rv_gn_io_in(B, l), st));
        float *dw = (l->flags & RV_WN) ? g->DW + l->w : G + l->w;
        float *db = l->b >= 0 ? G + l->b : NULL;
        if (l->kind == RV_L_RES) {
            rv_cu_resunit_bwd(dx, dw, g->DW + l->w2, cur, x, gl->a1, gl->h1, gl->a2,
                              g->W + l->w, g->W + l->w2, B, l->c_in, l->t_in, l->cs.k,
                              l->cs.dil, scratch, bufs[2], bufs[3], nb);
        } else {
            int fused = rv_gn_fused_pre(l);
            const float *xin = pre && !fused ? gl->act : x;
            float *dxin = dx;
            if (pre && dx) {
                dxin = bufs[2];
                GD_CUDA_CHECK(cudaMemsetAsync(dxin, 0, sizeof(float) * rv_gn_io_in(B, l), st));
            }
            if (l->kind == RV_L_CONV)
                rv_cu_conv1d_bwd(dxin, dw, db, cur, xin, rv_gn_wptr(l, P, g->W), B, l->t_in, &l->cs,
                                 scratch, nb, fused);
            else
                rv_cu_convt1d_bwd(dxin, dw, db, cur, xin, rv_gn_wptr(l, P, g->W), B, l->t_in, &l->ts,
                                  scratch, nb);
            if (pre && dx) rv_cu_lrelu_bwd(dx, dxin, x, (long)rv_gn_io_in(B, l), SLOPE, i ? 0.f : 1.f);
        }
        cur = dx;
    }
    for (int i = 0; i < g->n; i++) {
        const rv_layer *l = &g->L[i].l;
        if (!(l->flags & RV_WN)) continue;
        rv_wnorm_bwd_cuda(G + l->v, G + l->g, g->DW + l->w, P + l->v, P + l->g, l->rows,
                          l->nw / l->rows);
        if (l->kind == RV_L_RES)
            rv_wnorm_bwd_cuda(G + l->v2, G + l->g2, g->DW + l->w2, P + l->v2, P + l->g2,
                              l->rows2, l->nw2 / l->rows2);
    }
}
