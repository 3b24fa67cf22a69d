// gpu_model.cu: see gpu_model.h. The device twin of rv_model_gen_step / rv_net_fwd /
// rv_net_bwd / rv_model_adam, built from the CPU model's layer tables (read only).
#include <string.h>

#include "train/cuda/common.cuh"

extern "C" {
#include "core/error.h"
#include "core/log.h"
#include "train/cuda/gpu_model.h"
#include "train/nn/resunit.h"
}
#include "train/cuda/gdisc.cuh"

#define SLOPE ((float)RV_LRELU_SLOPE)

struct rv_gpu {
    rv_config cfg;
    int    B, T, Tl, L, K, crop_l, crop_r, nb;
    long   N, n_enc, total;
    gnet   enc, dec;
    // device memory: one block
    char  *block;
    size_t bytes;
    float *P, *G, *Mo, *Vo;
    rv_pqmf *pqmf;
    float *x, *noise, *prior, *x_mb, *zin, *y_mb, *y, *dy, *dy_mb, *ddec, *dzin, *dz, *scratch;
    float *bufs[4];
    const float *z, *dec_out;
    double *loss;                // mb, fb, mmd, total, adv, fm, disc
    rv_gdisc *disc;              // phase 2 (rv_gpu_init_disc), else NULL
    double *dsched;              // discriminator lr, t
    double *wts;                 // loss weights: 3 phase 1, 3 frozen encoder, 6 phase-2 G
    double *sched;               // lr, t
    double *mmd_scratch;
    rv_mss_cuda *mss_mb, *mss_fb;
    // host staging (pinned)
    float  *h_in;
    double *h_sched;
    // graphs
    int    use_graph;
    cudaGraphExec_t exec[8];
    int    seen[8];
    double flops, flops_disc;
    // profiling: events between the segments of one eager step
    int    prof, n_marks;
    cudaEvent_t ev[24];
    const char *ev_name[24];
};

static void mark(rv_gpu *g, const char *name) {
    if (!g->prof || g->n_marks >= 24) return;
    if (!g->ev[g->n_marks]) GD_CUDA_CHECK(cudaEventCreate(&g->ev[g->n_marks]));
    GD_CUDA_CHECK(cudaEventRecord(g->ev[g->n_marks], rv_cu_stream()));
    g->ev_name[g->n_marks++] = name;
}


// ---------------------------------------------------------------------------- init
static size_t up(size_t n) { return (n + 63) & ~(size_t)63; }   // 256-byte aligned floats

extern "C" int rv_gpu_init(rv_gpu **out, const rv_model *m, int B, long N, int train) {
    *out = NULL;
    char why[256];
    if (rv_cuda_init(why, sizeof(why))) {
        gd_error("cuda: %s", why);
        return GD_ERR_INTERNAL;
    }
    const rv_config *c = &m->cfg;
    int hop = rv_config_hop(c);
    if (N % hop || B <= 0) {
        gd_error("cuda: length %ld is not a multiple of the total stride %d", N, hop);
        return GD_ERR_ARG;
    }
    rv_gpu *g = (rv_gpu *)calloc(1, sizeof(*g));
    if (!g) return GD_ERR_NOMEM;
    g->cfg = *c;
    g->B = B; g->N = N; g->T = (int)(N / RV_PQMF_BANDS); g->Tl = (int)(N / hop);
    g->L = c->latent_size; g->K = c->noise_channels;
    g->crop_l = m->crop_l; g->crop_r = m->crop_r;
    g->n_enc = m->n_enc; g->total = m->P.total;
    g->nb = B;
    if (rv_gn_copy(&g->enc, &m->enc, B, g->T) || rv_gn_copy(&g->dec, &m->dec, B, g->Tl) ||
        g->enc.L[g->enc.n - 1].l.t_out != g->Tl || g->dec.L[g->dec.n - 1].l.t_out != g->T) {
        rv_gpu_free(g);
        return GD_ERR_ARG;
    }
    int T = g->T, Tl = g->Tl, Lz = g->L + g->K;
    size_t sb = (size_t)B * RV_PQMF_BANDS * T;
    size_t io = rv_gn_max_io(&g->enc, B) > rv_gn_max_io(&g->dec, B) ? rv_gn_max_io(&g->enc, B)
                                                                 : rv_gn_max_io(&g->dec, B);
    size_t scr = rv_gn_scratch(&g->enc) > rv_gn_scratch(&g->dec) ? rv_gn_scratch(&g->enc)
                                                             : rv_gn_scratch(&g->dec);
    scr *= (size_t)g->nb;
    size_t ntot = (size_t)g->total;
    size_t pq = (sizeof(rv_pqmf) + 3) / 4;
    size_t sizes[] = {ntot, ntot, ntot, ntot, (size_t)g->enc.w_total, (size_t)g->enc.w_total,
                      (size_t)g->dec.w_total, (size_t)g->dec.w_total, pq,
                      (size_t)B * N, (size_t)B * g->K * Tl, (size_t)B * g->L * Tl, sb,
                      (size_t)B * Lz * Tl, sb, (size_t)B * N, (size_t)B * N, sb, 2 * sb,
                      (size_t)B * Lz * Tl, (size_t)B * g->L * Tl, scr, io, io, io, io,
                      rv_gn_act_size(&g->enc, B), rv_gn_act_size(&g->dec, B),
                      16 /* loss */, 32 /* wts */, 8 /* sched, dsched */, 2 * (size_t)B * Tl};
    float **ptrs[] = {&g->P, &g->G, &g->Mo, &g->Vo, &g->enc.W, &g->enc.DW, &g->dec.W,
                      &g->dec.DW, (float **)&g->pqmf, &g->x, &g->noise, &g->prior, &g->x_mb,
                      &g->zin, &g->y_mb, &g->y, &g->dy, &g->dy_mb, &g->ddec, &g->dzin, &g->dz,
                      &g->scratch, &g->bufs[0], &g->bufs[1], &g->bufs[2], &g->bufs[3], NULL,
                      NULL, (float **)&g->loss, (float **)&g->wts, (float **)&g->sched,
                      (float **)&g->mmd_scratch};
    int n = (int)(sizeof(sizes) / sizeof(sizes[0]));
    size_t tot = 0;
    for (int i = 0; i < n; i++) tot += up(sizes[i]);
    g->bytes = tot * sizeof(float);
    if (cudaMalloc(&g->block, g->bytes) != cudaSuccess) {
        cudaGetLastError();
        gd_error("cuda: cannot allocate %.2f GiB of device memory for batch %d x %ld",
                 g->bytes / 1073741824.0, B, N);
        rv_gpu_free(g);
        return GD_ERR_NOMEM;
    }
    rv_cuda_memset0(g->block, g->bytes);   // stream-ordered (the stream is non-blocking)
    float *p = (float *)g->block;
    for (int i = 0; i < n; i++) {
        if (ptrs[i]) *ptrs[i] = p;
        else rv_gn_bind(i == 26 ? &g->enc : &g->dec, B, p);
        p += up(sizes[i]);
    }
    rv_cuda_upload(g->pqmf, &m->pqmf, sizeof(rv_pqmf));
    // loss weights: phase 1 (mb, fb, mmd), frozen encoder (mb, fb, 0), phase-2 generator
    // (mb, fb, mmd unused, total unused, adv, fm) -- dotted with loss[0..5]
    double w[12] = {c->loss_multiband, c->loss_fullband, c->loss_mmd,
                    c->loss_multiband, c->loss_fullband, 0,
                    c->loss_multiband, c->loss_fullband, 0, 0, c->loss_adversarial,
                    c->loss_feature_matching};
    rv_cuda_upload(g->wts, w, sizeof(w));
    size_t in_n = (size_t)B * N + (size_t)B * g->K * Tl + (size_t)B * g->L * Tl;
    GD_CUDA_CHECK(cudaMallocHost(&g->h_in, sizeof(float) * in_n));
    GD_CUDA_CHECK(cudaMallocHost(&g->h_sched, sizeof(double) * 4));
    g->dsched = g->sched + 2;
    if (train) {
        long nmb = T - g->crop_l - g->crop_r;
        int rc = rv_mss_init_cuda(&g->mss_mb, c->mb_scales, c->n_mb_scales, B * RV_PQMF_BANDS,
                                  nmb);
        if (!rc) rc = rv_mss_init_cuda(&g->mss_fb, c->fb_scales, c->n_fb_scales, B, N);
        if (rc || nmb <= 0) { rv_gpu_free(g); return rc ? rc : GD_ERR_ARG; }
    }
    g->flops = 2.0 * 3.0 * (rv_gn_macs(&g->enc, B) + rv_gn_macs(&g->dec, B));
    size_t mw = rv_gn_max_w(&g->enc) > rv_gn_max_w(&g->dec) ? rv_gn_max_w(&g->enc) : rv_gn_max_w(&g->dec);
    size_t ws = mw * (size_t)g->nb;
    if (rv_cu_dw_fold()) {   // GD_CUDA_DW=fold: room for one layer's transposed dout
        size_t io = rv_gn_max_io(&g->enc, B) > rv_gn_max_io(&g->dec, B) ? rv_gn_max_io(&g->enc, B)
                                                                         : rv_gn_max_io(&g->dec, B);
        if (io > ws) ws = io;
    }
    rv_cu_dw_reserve(ws < RV_CU_DW_MAX ? ws : RV_CU_DW_MAX);   // before any capture
    rv_gpu_upload_params(g, m);
    *out = g;
    return 0;
}

extern "C" void rv_gpu_free(rv_gpu *g) {
    if (!g) return;
    for (int i = 0; i < 8; i++)
        if (g->exec[i]) cudaGraphExecDestroy(g->exec[i]);
    for (int i = 0; i < 24; i++)
        if (g->ev[i]) cudaEventDestroy(g->ev[i]);
    rv_gd_free(g->disc);
    rv_mss_free_cuda(g->mss_mb);
    rv_mss_free_cuda(g->mss_fb);
    if (g->block) cudaFree(g->block);
    if (g->h_in) cudaFreeHost(g->h_in);
    if (g->h_sched) cudaFreeHost(g->h_sched);
    free(g->enc.L);
    free(g->dec.L);
    free(g);
}

extern "C" void rv_gpu_upload_params(rv_gpu *g, const rv_model *m) {
    size_t b = sizeof(float) * (size_t)g->total;
    rv_cuda_upload(g->P, m->P.data, b);
    rv_cuda_upload(g->Mo, m->M, b);
    rv_cuda_upload(g->Vo, m->V, b);
}

extern "C" void rv_gpu_download_params(const rv_gpu *g, rv_model *m) {
    size_t b = sizeof(float) * (size_t)g->total;
    GD_CUDA_CHECK(cudaStreamSynchronize(rv_cu_stream()));
    rv_cuda_download(m->P.data, g->P, b);
    rv_cuda_download(m->M, g->Mo, b);
    rv_cuda_download(m->V, g->Vo, b);
}

extern "C" void rv_gpu_download_grads(const rv_gpu *g, float *G) {
    GD_CUDA_CHECK(cudaStreamSynchronize(rv_cu_stream()));
    rv_cuda_download(G, g->G, sizeof(float) * (size_t)g->total);
}

extern "C" void rv_gpu_download_y(const rv_gpu *g, float *y) {
    GD_CUDA_CHECK(cudaStreamSynchronize(rv_cu_stream()));
    rv_cuda_download(y, g->y, sizeof(float) * (size_t)g->B * g->N);
}

// ---------------------------------------------------------------------------- step
static void concat(float *dst, const float *a, int na, const float *b, int nbc, int B, int Tl) {
    cudaStream_t st = rv_cu_stream();
    size_t row = sizeof(float) * (size_t)(na + nbc) * Tl;
    GD_CUDA_CHECK(cudaMemcpy2DAsync(dst, row, a, sizeof(float) * (size_t)na * Tl,
                                    sizeof(float) * (size_t)na * Tl, B, cudaMemcpyDeviceToDevice, st));
    if (nbc)
        GD_CUDA_CHECK(cudaMemcpy2DAsync(dst + (size_t)na * Tl, row, b,
                                        sizeof(float) * (size_t)nbc * Tl,
                                        sizeof(float) * (size_t)nbc * Tl, B,
                                        cudaMemcpyDeviceToDevice, st));
}

// Everything of a step after the batch upload (graph-capturable).
static void step_body(rv_gpu *g, int backward, int update, int train_encoder) {
    cudaStream_t st = rv_cu_stream();
    const rv_config *c = &g->cfg;
    int B = g->B, T = g->T, Tl = g->Tl, L = g->L, Lz = g->L + g->K;
    long N = g->N;
    size_t sb = (size_t)B * RV_PQMF_BANDS * T;
    mark(g, "start");
    rv_gn_weights(&g->enc, g->P);
    rv_gn_weights(&g->dec, g->P);
    mark(g, "weight_norm");
    rv_pqmf_analysis_fwd_cuda(g->x_mb, g->x, g->pqmf, B, N, NULL);
    mark(g, "pqmf_analysis");
    g->z = rv_gn_fwd(&g->enc, B, g->P, g->x_mb, g->scratch, g->nb);
    mark(g, "encoder_fwd");
    rv_cu_mmd_fwd(g->z, g->prior, B, L, Tl, g->mmd_scratch, g->loss + 2);
    concat(g->zin, g->z, L, g->noise, g->K, B, Tl);
    mark(g, "mmd_fwd");
    g->dec_out = rv_gn_fwd(&g->dec, B, g->P, g->zin, g->scratch, g->nb);
    mark(g, "decoder_fwd");
    rv_amod_fwd_cuda(g->y_mb, g->dec_out, B, RV_PQMF_BANDS, T);
    rv_pqmf_synthesis_fwd_cuda(g->y, g->y_mb, g->pqmf, B, N, NULL);
    mark(g, "amod_pqmf_synthesis");
    if (!g->mss_mb) return;
    long nmb = T - g->crop_l - g->crop_r;
    rv_cu_mss_fwd(g->mss_mb, g->x_mb + g->crop_l, g->y_mb + g->crop_l, B * RV_PQMF_BANDS, nmb,
                  T, g->loss + 0);
    rv_cu_mss_fwd(g->mss_fb, g->x, g->y, B, N, N, g->loss + 1);
    rv_cu_weighted(g->loss + 3, g->loss, g->wts + (train_encoder ? 0 : 3), 3);
    mark(g, "mss_fwd");
    if (!backward) return;
    GD_CUDA_CHECK(cudaMemsetAsync(g->G, 0, sizeof(float) * (size_t)g->total, st));
    GD_CUDA_CHECK(cudaMemsetAsync(g->dy, 0, sizeof(float) * (size_t)B * N, st));
    rv_mss_bwd_cuda(g->mss_fb, g->dy, c->loss_fullband);
    if (!train_encoder && g->disc) {   // phase-2 generator step: adversarial + feature matching
        rv_gd_g_step(g->disc, g->x, g->y, c->loss_adversarial, c->loss_feature_matching, g->dy,
                     g->loss + 4, g->loss + 5);
        rv_cu_weighted(g->loss + 3, g->loss, g->wts + 6, 6);   // mb, fb, 0, 0, adv, fm
        mark(g, "discriminator_g");
    }
    GD_CUDA_CHECK(cudaMemsetAsync(g->dy_mb, 0, sizeof(float) * sb, st));
    rv_pqmf_synthesis_bwd_cuda(g->dy_mb, g->dy, g->pqmf, B, N, NULL);
    rv_mss_bwd_cuda(g->mss_mb, g->dy_mb + g->crop_l, c->loss_multiband);
    mark(g, "mss_pqmf_bwd");
    GD_CUDA_CHECK(cudaMemsetAsync(g->ddec, 0, sizeof(float) * 2 * sb, st));
    rv_amod_bwd_cuda(g->ddec, g->dy_mb, g->dec_out, B, RV_PQMF_BANDS, T);
    if (train_encoder) {
        GD_CUDA_CHECK(cudaMemsetAsync(g->dzin, 0, sizeof(float) * (size_t)B * Lz * Tl, st));
        rv_gn_bwd(&g->dec, B, g->P, g->G, g->dzin, g->ddec, g->scratch, g->bufs, g->nb);
        mark(g, "decoder_bwd");
        GD_CUDA_CHECK(cudaMemcpy2DAsync(g->dz, sizeof(float) * (size_t)L * Tl, g->dzin,
                                        sizeof(float) * (size_t)Lz * Tl,
                                        sizeof(float) * (size_t)L * Tl, B,
                                        cudaMemcpyDeviceToDevice, st));
        rv_mmd_bwd_cuda(g->dz, c->loss_mmd, g->z, g->prior, B, L, Tl);
        mark(g, "mmd_bwd");
        rv_gn_bwd(&g->enc, B, g->P, g->G, NULL, g->dz, g->scratch, g->bufs, g->nb);
        mark(g, "encoder_bwd");
    } else {
        rv_gn_bwd(&g->dec, B, g->P, g->G, NULL, g->ddec, g->scratch, g->bufs, g->nb);
        mark(g, "decoder_bwd");
    }
    if (update) {
        long off = train_encoder ? 0 : g->n_enc;
        rv_cu_adam(g->P + off, g->Mo + off, g->Vo + off, g->G + off, g->total - off, c->beta1,
                   c->beta2, c->eps, g->sched);
        mark(g, "adam");
    }
}

extern "C" int rv_gpu_profile(rv_gpu *g, const float *x, const float *noise, const float *prior,
                              int train_encoder, const char **names, double *ms, int cap) {
    int saved = g->use_graph;
    g->use_graph = 0;
    g->prof = 1;
    g->n_marks = 0;
    rv_gpu_step(g, x, noise, prior, 1e-4, 1, 1, 1, train_encoder);
    GD_CUDA_CHECK(cudaStreamSynchronize(rv_cu_stream()));
    g->prof = 0;
    g->use_graph = saved;
    int n = 0;
    for (int i = 1; i < g->n_marks && n < cap; i++, n++) {
        float t = 0;
        GD_CUDA_CHECK(cudaEventElapsedTime(&t, g->ev[i - 1], g->ev[i]));
        names[n] = g->ev_name[i];
        ms[n] = t;
    }
    return n;
}

extern "C" void rv_gpu_step(rv_gpu *g, const float *x, const float *noise, const float *prior,
                            double lr, long t, int backward, int update, int train_encoder) {
    cudaStream_t st = rv_cu_stream();
    int B = g->B, Tl = g->Tl;
    size_t nx = (size_t)B * g->N, nn = (size_t)B * g->K * Tl, np = (size_t)B * g->L * Tl;
    // the previous step may still read the staging buffers
    GD_CUDA_CHECK(cudaStreamSynchronize(st));
    memcpy(g->h_in, x, sizeof(float) * nx);
    if (nn) memcpy(g->h_in + nx, noise, sizeof(float) * nn);
    memcpy(g->h_in + nx + nn, prior, sizeof(float) * np);
    g->h_sched[0] = lr; g->h_sched[1] = (double)t;
    GD_CUDA_CHECK(cudaMemcpyAsync(g->x, g->h_in, sizeof(float) * nx, cudaMemcpyHostToDevice, st));
    if (nn)
        GD_CUDA_CHECK(cudaMemcpyAsync(g->noise, g->h_in + nx, sizeof(float) * nn,
                                      cudaMemcpyHostToDevice, st));
    GD_CUDA_CHECK(cudaMemcpyAsync(g->prior, g->h_in + nx + nn, sizeof(float) * np,
                                  cudaMemcpyHostToDevice, st));
    GD_CUDA_CHECK(cudaMemcpyAsync(g->sched, g->h_sched, sizeof(double) * 2,
                                  cudaMemcpyHostToDevice, st));
    backward = backward && g->mss_mb;
    update = update && backward;
    int key = (backward ? 1 : 0) | (update ? 2 : 0) | (train_encoder ? 4 : 0);
    if (!g->use_graph || g->seen[key] < 1) {   // eager (and the warm-up before a capture)
        step_body(g, backward, update, train_encoder);
        g->seen[key]++;
        return;
    }
    if (!g->exec[key]) {
        cudaGraph_t graph;
        rv_cu_dw_freeze();   // the graph will hold the weight-gradient workspace pointer
        GD_CUDA_CHECK(cudaStreamBeginCapture(st, cudaStreamCaptureModeThreadLocal));
        step_body(g, backward, update, train_encoder);
        GD_CUDA_CHECK(cudaStreamEndCapture(st, &graph));
        GD_CUDA_CHECK(cudaGraphInstantiate(&g->exec[key], graph, 0));
        GD_CUDA_CHECK(cudaGraphDestroy(graph));
    }
    GD_CUDA_CHECK(cudaGraphLaunch(g->exec[key], st));
}

extern "C" void rv_gpu_losses(rv_gpu *g, rv_losses *out) {
    double h[7];
    GD_CUDA_CHECK(cudaMemcpyAsync(h, g->loss, sizeof(h), cudaMemcpyDeviceToHost, rv_cu_stream()));
    GD_CUDA_CHECK(cudaStreamSynchronize(rv_cu_stream()));
    memset(out, 0, sizeof(*out));
    out->mb = h[0]; out->fb = h[1]; out->mmd = h[2]; out->total = h[3];
    out->adv = h[4]; out->fm = h[5]; out->disc = h[6];
}

// ---------------------------------------------------------------------------- phase 2
extern "C" int rv_gpu_init_disc(rv_gpu *g, const rv_disc *d) {
    if (g->disc) return 0;
    g->disc = rv_gd_init(d, g->B, g->N);
    if (!g->disc) return GD_ERR_INTERNAL;
    for (int i = 0; i < 8; i++) {   // captured steps predate the discriminator: recapture
        if (g->exec[i]) GD_CUDA_CHECK(cudaGraphExecDestroy(g->exec[i]));
        g->exec[i] = NULL;
        g->seen[i] = 0;
    }
    g->flops_disc = 2.0 * 3.0 * rv_gd_macs(g->disc);
    return 0;
}

extern "C" void rv_gpu_upload_disc(rv_gpu *g, const rv_disc *d) { rv_gd_upload(g->disc, d); }
extern "C" void rv_gpu_download_disc(const rv_gpu *g, rv_disc *d) {
    rv_gd_download(g->disc, d);
}
extern "C" void rv_gpu_download_disc_grads(const rv_gpu *g, float *G) {
    rv_gd_download_grads(g->disc, G);
}

extern "C" void rv_gpu_d_step(rv_gpu *g, const float *x, const float *noise, const float *prior,
                              double d_lr, long d_t, int update) {
    const rv_config *c = &g->cfg;
    // upload the batch (and both schedules) as rv_gpu_step does, then forward + D step
    rv_gpu_step(g, x, noise, prior, 0, 1, 0, 0, 0);
    g->h_sched[2] = d_lr; g->h_sched[3] = (double)d_t;
    GD_CUDA_CHECK(cudaMemcpyAsync(g->dsched, g->h_sched + 2, sizeof(double) * 2,
                                  cudaMemcpyHostToDevice, rv_cu_stream()));
    rv_gd_d_step(g->disc, g->x, g->y, g->loss + 6);
    if (update) rv_gd_adam(g->disc, c->beta1, c->beta2, c->eps, g->dsched);
}

// ---------------------------------------------------------------------------- per-layer timing
static float ev_time(cudaEvent_t a, cudaEvent_t b) {
    float t = 0;
    GD_CUDA_CHECK(cudaEventSynchronize(b));
    GD_CUDA_CHECK(cudaEventElapsedTime(&t, a, b));
    return t;
}

static void layer_times(const rv_layer_ctx *c, gnet *n, const char *name, const float *in, int reps) {
    cudaStream_t st = rv_cu_stream();
    cudaEvent_t e[4];
    for (int i = 0; i < 4; i++) GD_CUDA_CHECK(cudaEventCreate(&e[i]));
    int B = c->rows;
    for (int i = 0; i < n->n; i++) {
        glayer *gl = &n->L[i];
        const rv_layer *l = &gl->l;
        const float *x = i ? n->L[i - 1].out : in;
        int fused = rv_gn_fused_pre(l);
        const float *xin = (l->flags & RV_PRE_ACT) && !fused ? gl->act : x;
        const float *w = rv_gn_wptr(l, c->P, n->W);
        float *dw = (l->flags & RV_WN) ? n->DW + l->w : c->G + l->w;
        float *dx = c->bufs[1];
        const float *dout = c->bufs[0];
        double macs;
        GD_CUDA_CHECK(cudaEventRecord(e[0], st));
        for (int r = 0; r < reps; r++) {
            if (l->kind == RV_L_CONV)
                rv_cu_conv1d_fwd(gl->out, xin, w, NULL, B, l->t_in, &l->cs, c->scratch, c->nb, 0.f,
                                 fused);
            else if (l->kind == RV_L_CONVT)
                rv_cu_convt1d_fwd(gl->out, xin, w, NULL, B, l->t_in, &l->ts, c->scratch, c->nb);
            else
                rv_cu_resunit_fwd(gl->out, gl->a1, gl->h1, gl->a2, x, n->W + l->w, n->W + l->w2, B,
                                  l->c_in, l->t_in, l->cs.k, l->cs.dil, c->scratch, c->nb);
        }
        GD_CUDA_CHECK(cudaEventRecord(e[1], st));
        for (int r = 0; r < reps; r++) {   // weight gradient only
            if (l->kind == RV_L_CONV)
                rv_cu_conv1d_bwd(NULL, dw, NULL, dout, xin, w, B, l->t_in, &l->cs, c->scratch, c->nb,
                                 fused);
            else if (l->kind == RV_L_CONVT)
                rv_cu_convt1d_bwd(NULL, dw, NULL, dout, xin, w, B, l->t_in, &l->ts, c->scratch, c->nb);
            else
                rv_cu_resunit_bwd(NULL, dw, n->DW + l->w2, dout, x, gl->a1, gl->h1, gl->a2,
                                  n->W + l->w, n->W + l->w2, B, l->c_in, l->t_in, l->cs.k,
                                  l->cs.dil, c->scratch, c->bufs[2], c->bufs[3], c->nb);
        }
        GD_CUDA_CHECK(cudaEventRecord(e[2], st));
        for (int r = 0; r < reps; r++) {   // both gradients
            if (l->kind == RV_L_CONV)
                rv_cu_conv1d_bwd(dx, dw, NULL, dout, xin, w, B, l->t_in, &l->cs, c->scratch, c->nb,
                                 fused);
            else if (l->kind == RV_L_CONVT)
                rv_cu_convt1d_bwd(dx, dw, NULL, dout, xin, w, B, l->t_in, &l->ts, c->scratch, c->nb);
            else
                rv_cu_resunit_bwd(dx, dw, n->DW + l->w2, dout, x, gl->a1, gl->h1, gl->a2,
                                  n->W + l->w, n->W + l->w2, B, l->c_in, l->t_in, l->cs.k,
                                  l->cs.dil, c->scratch, c->bufs[2], c->bufs[3], c->nb);
        }
        GD_CUDA_CHECK(cudaEventRecord(e[3], st));
        float f = ev_time(e[0], e[1]) / reps, bw = ev_time(e[1], e[2]) / reps;
        float bb = ev_time(e[2], e[3]) / reps;
        if (l->kind == RV_L_CONV) macs = (double)B * l->c_out * l->t_out * l->c_in * l->cs.k;
        else if (l->kind == RV_L_CONVT) macs = (double)B * l->c_in * l->t_in * l->c_out * l->ts.k;
        else macs = (double)B * l->t_out * l->c_in * l->c_in * (l->cs.k + 1);
        printf("{\"layer\": \"%s.%d\", \"kind\": \"%s\", \"c_in\": %d, \"c_out\": %d, "
               "\"t_in\": %d, \"t_out\": %d, \"k\": %d, \"gmac\": %.3f, \"ms_fwd\": %.4f, "
               "\"ms_bwd_w\": %.4f, \"ms_bwd\": %.4f, \"tflops_fwd\": %.1f, \"tflops_bwd\": %.1f}\n",
               name, i, l->kind == RV_L_CONV ? "conv" : l->kind == RV_L_CONVT ? "convt" : "res",
               l->c_in, l->c_out, l->t_in, l->t_out,
               l->kind == RV_L_CONVT ? l->ts.k : l->cs.k, macs / 1e9, f, bw, bb,
               2 * macs / (f * 1e-3) / 1e12, 4 * macs / (bb * 1e-3) / 1e12);
    }
    fflush(stdout);
    for (int i = 0; i < 4; i++) GD_CUDA_CHECK(cudaEventDestroy(e[i]));
}

extern "C" void rv_gpu_layer_profile(rv_gpu *g, int reps) {
    GD_CUDA_CHECK(cudaStreamSynchronize(rv_cu_stream()));
    rv_layer_ctx c = {g->B, g->nb, g->P, g->G, g->scratch, {g->bufs[0], g->bufs[1], g->bufs[2], g->bufs[3]}};
    layer_times(&c, &g->enc, "encoder", g->x_mb, reps);
    layer_times(&c, &g->dec, "decoder", g->zin, reps);
    if (g->disc) {   // after a D step: the layers hold its activations
        char name[32];
        for (int i = 0; i < rv_gd_n_sub(g->disc); i++) {
            gnet *n;
            const float *in;
            rv_gd_layer_ctx(g->disc, i, &c, &n, &in, name, sizeof(name));
            layer_times(&c, n, name, in, reps);
        }
    }
}

extern "C" void rv_gpu_encode(rv_gpu *g, float *z, const float *x) {
    cudaStream_t st = rv_cu_stream();
    rv_cuda_upload(g->x, x, sizeof(float) * (size_t)g->B * g->N);
    rv_gn_weights(&g->enc, g->P);
    rv_pqmf_analysis_fwd_cuda(g->x_mb, g->x, g->pqmf, g->B, g->N, NULL);
    g->z = rv_gn_fwd(&g->enc, g->B, g->P, g->x_mb, g->scratch, g->nb);
    GD_CUDA_CHECK(cudaStreamSynchronize(st));
    rv_cuda_download(z, g->z, sizeof(float) * (size_t)g->B * g->L * g->Tl);
}

extern "C" void rv_gpu_decode(rv_gpu *g, float *y, const float *z, const float *noise) {
    int B = g->B, Tl = g->Tl;
    rv_cuda_upload(g->dz, z, sizeof(float) * (size_t)B * g->L * Tl);
    if (g->K) rv_cuda_upload(g->noise, noise, sizeof(float) * (size_t)B * g->K * Tl);
    rv_gn_weights(&g->dec, g->P);
    concat(g->zin, g->dz, g->L, g->noise, g->K, B, Tl);
    g->dec_out = rv_gn_fwd(&g->dec, B, g->P, g->zin, g->scratch, g->nb);
    rv_amod_fwd_cuda(g->y_mb, g->dec_out, B, RV_PQMF_BANDS, g->T);
    rv_pqmf_synthesis_fwd_cuda(g->y, g->y_mb, g->pqmf, B, g->N, NULL);
    rv_cuda_download(y, g->y, sizeof(float) * (size_t)B * g->N);
}

extern "C" int rv_gpu_set_graph(rv_gpu *g, int on) { g->use_graph = on; return 0; }
extern "C" double rv_gpu_step_flops(const rv_gpu *g) { return g->flops; }
extern "C" double rv_gpu_disc_flops(const rv_gpu *g) { return g->flops_disc; }
extern "C" size_t rv_gpu_device_bytes(const rv_gpu *g) {
    return g->bytes + (g->disc ? rv_gd_bytes(g->disc) : 0);
}
