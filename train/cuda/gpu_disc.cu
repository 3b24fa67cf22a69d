// gpu_disc.cu: see gdisc.cuh. The CUDA twin of train/disc.c.
#include "train/cuda/gdisc.cuh"

extern "C" {
#include "core/log.h"
}

#define NT 256
#define MAXL 16            // layers per sub-discriminator (d_layers + 1)
#define SCR_CAP ((size_t)32 << 20)   // scratch floats: bounds the items per GEMM call

struct rv_gdisc {
    int    n_sub, B, period[RV_DISC_MAX], scale[RV_DISC_MAX], nb[RV_DISC_MAX];
    long   N, rows[RV_DISC_MAX], len[RV_DISC_MAX], woff[RV_DISC_MAX], total, wt;
    gnet   nets[RV_DISC_MAX];
    char  *block;
    size_t bytes;
    float *P, *G, *M, *V, *W, *DW, *in[RV_DISC_MAX], *din[RV_DISC_MAX], *scratch, *bufs[4];
    float *g1, *g2;
    double *res;           // per sub: [0] hinge_d, [1] hinge_g, [2 + 2l] fm of layer l
    double *part;          // RV_CU_ADV_PART
    double macs;
};

static unsigned grid(long n) {
    long b = (n + NT - 1) / NT;
    return (unsigned)(b > 65535L * 8 ? 65535L * 8 : b);
}
#define LOOP(i, n) for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < (n); \
                        i += (long)gridDim.x * blockDim.x)

// in (2B rows x p columns, L): row ((h B + b) p + j), t -> (h ? y : x)[b][j + p t] or 0.
__global__ void k_fold(float *in, const float *x, const float *y, int B, long N, int p, long L) {
    long total = 2L * B * p * L;
    LOOP(i, total) {
        long t = i % L, r = i / L;
        int j = (int)(r % p);
        long hb = r / p;
        int h = (int)(hb / B), b = (int)(hb % B);
        long n = j + (long)p * t;
        in[i] = n < N ? (h ? y : x)[(long)b * N + n] : 0.f;
    }
}
__global__ void k_cat(float *in, const float *x, const float *y, long BN) {
    LOOP(i, 2 * BN) in[i] = i < BN ? x[i] : y[i - BN];
}
__global__ void k_pool(float *out, const float *in, long rows, long L) {
    LOOP(i, rows * L) {
        long r = i / L, t = i % L;
        out[i] = 0.5f * (in[r * 2 * L + 2 * t] + in[r * 2 * L + 2 * t + 1]);
    }
}
// dy[b][n] += fake-half gradient of the folded / pooled input (a gather: one source each).
__global__ void k_unfold_add(float *dy, const float *din, int B, long N, int p, long L) {
    LOOP(i, (long)B * N) {
        long b = i / N, n = i % N;
        dy[i] += din[((B + b) * p + n % p) * L + n / p];
    }
}
__global__ void k_unpool_add(float *dy, const float *din, int B, long N, int s, long L) {
    float w = 1.0f / (float)(1 << s);
    LOOP(i, (long)B * N) {
        long b = i / N, n = i % N;
        dy[i] += w * din[(B + b) * L + (n >> s)];
    }
}
// Totals in a fixed order: mode 0 -> out = sum_i res[i][0]; mode 1 -> out[0] = sum_i res[i][1],
// out[1] = (1/n_sub) sum_i (1/nf_i) sum_{l >= 1} res[i][2 + 2l].
__global__ void k_totals(double *out, const double *res, int n_sub, const int *nl, int mode) {
    double a = 0, f = 0;
    for (int i = 0; i < n_sub; i++) {
        const double *r = res + (long)i * (2 + 2 * MAXL);
        if (mode == 0) { a += r[0]; continue; }
        a += r[1];
        double fi = 0;
        for (int l = 1; l < nl[i]; l++) fi += r[2 + 2 * l];
        f += fi / (nl[i] - 1);
    }
    out[0] = a;
    if (mode == 1) out[1] = f / n_sub;
}

static size_t up(size_t n) { return (n + 63) & ~(size_t)63; }

static int *g_nl_dev;   // layer counts per sub (device), set at init

rv_gdisc *rv_gd_init(const rv_disc *d, int B, long N) {
    rv_gdisc *g = (rv_gdisc *)calloc(1, sizeof(*g));
    if (!g) return NULL;
    g->n_sub = d->n_sub; g->B = B; g->N = N; g->total = d->P.total;
    size_t scr = 1, io = 1, mw = 1, acts = 0, ins = 0;
    long wt = 0;
    int nl[RV_DISC_MAX];
    for (int i = 0; i < d->n_sub; i++) {
        int p = d->period[i];
        g->period[i] = p; g->scale[i] = d->scale[i];
        if (p) { g->rows[i] = 2L * B * p; g->len[i] = (N + p - 1) / p; }
        else {
            if (N % (1L << d->scale[i])) { rv_gd_free(g); return NULL; }
            g->rows[i] = 2L * B; g->len[i] = N >> d->scale[i];
        }
        gnet *n = &g->nets[i];
        if (rv_gn_copy(n, &d->nets[i], (int)g->rows[i], (int)g->len[i]) || n->n > MAXL) {
            rv_gd_free(g);
            return NULL;
        }
        nl[i] = n->n;
        g->woff[i] = wt; wt += n->w_total;
        size_t s1 = rv_gn_scratch(n);
        size_t nbi = SCR_CAP / s1;
        if (nbi < 1) nbi = 1;
        if (nbi > (size_t)g->rows[i]) nbi = (size_t)g->rows[i];
        g->nb[i] = (int)nbi;
        if (s1 * nbi > scr) scr = s1 * nbi;
        if (rv_gn_max_io(n, (int)g->rows[i]) > io) io = rv_gn_max_io(n, (int)g->rows[i]);
        if (rv_gn_max_w(n) * nbi > mw) mw = rv_gn_max_w(n) * nbi;
        acts += up(rv_gn_act_size(n, (int)g->rows[i]));
        ins += 2 * up((size_t)g->rows[i] * g->len[i]);
        g->macs += rv_gn_macs(n, (int)g->rows[i]);
    }
    g->wt = wt;
    size_t nres = up((size_t)d->n_sub * (2 + 2 * MAXL) * 2 + RV_CU_ADV_PART * 2);
    size_t tot = 4 * up(g->total) + 2 * up(wt ? wt : 1) + acts + ins + up(scr) + 6 * up(io) + nres;
    g->bytes = tot * sizeof(float);
    if (cudaMalloc(&g->block, g->bytes) != cudaSuccess) {
        cudaGetLastError();
        gd_error("cuda: cannot allocate %.2f GiB for the discriminator", g->bytes / 1073741824.0);
        g->block = NULL;
        rv_gd_free(g);
        return NULL;
    }
    rv_cuda_memset0(g->block, g->bytes);
    float *q = (float *)g->block;
    g->P = q; q += up(g->total);
    g->G = q; q += up(g->total);
    g->M = q; q += up(g->total);
    g->V = q; q += up(g->total);
    g->W = q; q += up(wt ? wt : 1);
    g->DW = q; q += up(wt ? wt : 1);
    for (int i = 0; i < g->n_sub; i++) {
        gnet *n = &g->nets[i];
        n->W = g->W + g->woff[i];
        n->DW = g->DW + g->woff[i];
        rv_gn_bind(n, (int)g->rows[i], q);
        q += up(rv_gn_act_size(n, (int)g->rows[i]));
        g->in[i] = q; q += up((size_t)g->rows[i] * g->len[i]);
        g->din[i] = q; q += up((size_t)g->rows[i] * g->len[i]);
    }
    g->scratch = q; q += up(scr);
    for (int k = 0; k < 4; k++) { g->bufs[k] = q; q += up(io); }
    g->g1 = q; q += up(io);
    g->g2 = q; q += up(io);
    g->res = (double *)q;
    g->part = g->res + (size_t)d->n_sub * (2 + 2 * MAXL);
    if (!g_nl_dev) GD_CUDA_CHECK(cudaMalloc(&g_nl_dev, sizeof(int) * RV_DISC_MAX));
    rv_cuda_upload(g_nl_dev, nl, sizeof(int) * d->n_sub);
    if (rv_cu_dw_fold() && io > mw) mw = io;   // GD_CUDA_DW=fold: a layer's transposed dout
    rv_cu_dw_reserve(mw < RV_CU_DW_MAX ? mw : RV_CU_DW_MAX);   // before any capture
    rv_gd_upload(g, d);
    return g;
}

void rv_gd_free(rv_gdisc *g) {
    if (!g) return;
    for (int i = 0; i < RV_DISC_MAX; i++) free(g->nets[i].L);
    if (g->block) cudaFree(g->block);
    free(g);
}

void rv_gd_upload(rv_gdisc *g, const rv_disc *d) {
    size_t b = sizeof(float) * (size_t)g->total;
    rv_cuda_upload(g->P, d->P.data, b);
    rv_cuda_upload(g->M, d->M, b);
    rv_cuda_upload(g->V, d->V, b);
}

void rv_gd_download(const rv_gdisc *g, rv_disc *d) {
    size_t b = sizeof(float) * (size_t)g->total;
    rv_cuda_download(d->P.data, g->P, b);
    rv_cuda_download(d->M, g->M, b);
    rv_cuda_download(d->V, g->V, b);
}

void rv_gd_download_grads(const rv_gdisc *g, float *G) {
    rv_cuda_download(G, g->G, sizeof(float) * (size_t)g->total);
}

double rv_gd_macs(const rv_gdisc *g) { return g->macs; }
int rv_gd_n_sub(const rv_gdisc *g) { return g->n_sub; }

void rv_gd_layer_ctx(rv_gdisc *g, int i, rv_layer_ctx *c, gnet **n, const float **in, char *name,
                     size_t cap) {
    *c = rv_layer_ctx{(int)g->rows[i], g->nb[i], g->P, g->G, g->scratch,
                      {g->bufs[0], g->bufs[1], g->bufs[2], g->bufs[3]}};
    *n = &g->nets[i];
    *in = g->in[i];
    if (g->period[i]) snprintf(name, cap, "period%d", g->period[i]);
    else snprintf(name, cap, "scale%d", g->scale[i]);
}
size_t rv_gd_bytes(const rv_gdisc *g) { return g->bytes; }

static void load_inputs(rv_gdisc *g, const float *x, const float *y) {
    cudaStream_t st = rv_cu_stream();
    int B = g->B;
    long N = g->N;
    for (int i = 0; i < g->n_sub; i++) {
        long L = g->len[i];
        if (g->period[i]) {
            k_fold<<<grid(2L * B * g->period[i] * L), NT, 0, st>>>(g->in[i], x, y, B, N,
                                                                  g->period[i], L);
        } else if (g->scale[i] == 0) {
            k_cat<<<grid(2L * B * N), NT, 0, st>>>(g->in[i], x, y, (long)B * N);
        } else {   // the previous sub-discriminator is the previous scale (disc.c order)
            k_pool<<<grid(g->rows[i] * L), NT, 0, st>>>(g->in[i], g->in[i - 1], g->rows[i], L);
        }
        GD_LAUNCH_CHECK();
    }
}

static const float *score(const gnet *n) { return n->L[n->n - 1].out; }
static long half_of(const rv_gdisc *g, int i, int l) {
    const rv_layer *L = &g->nets[i].L[l].l;
    return g->rows[i] / 2 * L->c_out * L->t_out;
}

void rv_gd_d_step(rv_gdisc *g, const float *x, const float *y, double *d_loss) {
    cudaStream_t st = rv_cu_stream();
    load_inputs(g, x, y);
    GD_CUDA_CHECK(cudaMemsetAsync(g->G, 0, sizeof(float) * (size_t)g->total, st));
    for (int i = 0; i < g->n_sub; i++) {
        gnet *n = &g->nets[i];
        int rows = (int)g->rows[i];
        rv_gn_weights(n, g->P);
        rv_gn_fwd(n, rows, g->P, g->in[i], g->scratch, g->nb[i]);
        long half = half_of(g, i, n->n - 1);
        const float *s = score(n);
        double *r = g->res + (long)i * (2 + 2 * MAXL);
        rv_cu_adv_fwd(r, s, s + half, half, 0, g->part);
        GD_CUDA_CHECK(cudaMemsetAsync(g->g1, 0, sizeof(float) * 2 * half, st));
        rv_hinge_d_bwd_cuda(g->g1, g->g1 + half, 1.0, s, s + half, half);
        rv_gn_bwd(n, rows, g->P, g->G, NULL, g->g1, g->scratch, g->bufs, g->nb[i]);
    }
    k_totals<<<1, 1, 0, st>>>(d_loss, g->res, g->n_sub, g_nl_dev, 0);
    GD_LAUNCH_CHECK();
}

void rv_gd_g_step(rv_gdisc *g, const float *x, const float *y, double w_adv, double w_fm,
                  float *dy, double *d_adv, double *d_fm) {
    cudaStream_t st = rv_cu_stream();
    load_inputs(g, x, y);
    for (int i = 0; i < g->n_sub; i++) {
        gnet *n = &g->nets[i];
        int rows = (int)g->rows[i], nf = n->n - 1;
        rv_gn_weights(n, g->P);
        rv_gn_fwd(n, rows, g->P, g->in[i], g->scratch, g->nb[i]);
        long half = half_of(g, i, n->n - 1);
        double *r = g->res + (long)i * (2 + 2 * MAXL);
        rv_cu_adv_fwd(r, score(n), score(n) + half, half, 1, g->part);       // r[1] = hinge_g
        GD_CUDA_CHECK(cudaMemcpyAsync(r + 1, r, sizeof(double), cudaMemcpyDeviceToDevice, st));
        for (int l = 1; l < n->n; l++) {
            long hl = half_of(g, i, l);
            rv_cu_adv_fwd(r + 2 + 2 * l, n->L[l].out, n->L[l].out + hl, hl, 2, g->part);
        }
        float *cur = g->g1, *nxt = g->g2;
        GD_CUDA_CHECK(cudaMemsetAsync(cur, 0, sizeof(float) * 2 * half, st));
        rv_hinge_g_bwd_cuda(cur + half, w_adv, half);
        GD_CUDA_CHECK(cudaMemsetAsync(g->din[i], 0, sizeof(float) * rows * g->len[i], st));
        for (int l = n->n - 1; l >= 0; l--) {
            glayer *L = &n->L[l];
            if (l >= 1) {
                long hl = half_of(g, i, l);
                rv_cu_fm_bwd(cur + hl, w_fm / ((double)nf * g->n_sub), r + 2 + 2 * l, L->out,
                             L->out + hl, hl);
            }
            gnet one = *n;      // one-layer view, as disc.c does
            one.L = L; one.n = 1;
            one.input = l ? n->L[l - 1].out : g->in[i];
            float *dx = l ? nxt : g->din[i];
            if (l)
                GD_CUDA_CHECK(cudaMemsetAsync(nxt, 0, sizeof(float) * rv_gn_io_in(rows, &L->l),
                                              st));
            rv_gn_bwd(&one, rows, g->P, g->G, dx, cur, g->scratch, g->bufs, g->nb[i]);
            float *t = cur; cur = nxt; nxt = t;
        }
        if (g->period[i])
            k_unfold_add<<<grid((long)g->B * g->N), NT, 0, st>>>(dy, g->din[i], g->B, g->N,
                                                                g->period[i], g->len[i]);
        else
            k_unpool_add<<<grid((long)g->B * g->N), NT, 0, st>>>(dy, g->din[i], g->B, g->N,
                                                                g->scale[i], g->len[i]);
        GD_LAUNCH_CHECK();
    }
    k_totals<<<1, 1, 0, st>>>(d_adv, g->res, g->n_sub, g_nl_dev, 1);
    GD_LAUNCH_CHECK();
    if (d_fm != d_adv + 1)
        GD_CUDA_CHECK(cudaMemcpyAsync(d_fm, d_adv + 1, sizeof(double), cudaMemcpyDeviceToDevice,
                                      st));
}

void rv_gd_adam(rv_gdisc *g, double beta1, double beta2, double eps, const double *sched) {
    rv_cu_adam(g->P, g->M, g->V, g->G, g->total, beta1, beta2, eps, sched);
}

// ---------------------------------------------------------------------------- C test API
// A discriminator on its own (gpu_model.h: rv_gpu_disc_*), for parity against
// tests/ref/rave_tiny_disc.safetensors. x, y, dy are device arrays (B, N).
struct rv_gpu_disc { rv_gdisc *g; double *d; };

extern "C" rv_gpu_disc *rv_gpu_disc_new(const rv_disc *d, int B, long N) {
    rv_gpu_disc *o = (rv_gpu_disc *)calloc(1, sizeof(*o));
    if (!o) return NULL;
    o->g = rv_gd_init(d, B, N);
    if (!o->g) { free(o); return NULL; }
    GD_CUDA_CHECK(cudaMalloc(&o->d, 4 * sizeof(double)));
    return o;
}
extern "C" void rv_gpu_disc_del(rv_gpu_disc *o) {
    if (!o) return;
    rv_gd_free(o->g);
    cudaFree(o->d);
    free(o);
}
extern "C" double rv_gpu_disc_d_step(rv_gpu_disc *o, const float *x, const float *y) {
    double h;
    rv_gd_d_step(o->g, x, y, o->d);
    rv_cuda_download(&h, o->d, sizeof(double));
    return h;
}
extern "C" void rv_gpu_disc_g_step(rv_gpu_disc *o, const float *x, const float *y, double w_adv,
                                   double w_fm, float *dy, double *adv, double *fm) {
    double h[2];
    rv_gd_g_step(o->g, x, y, w_adv, w_fm, dy, o->d, o->d + 1);
    rv_cuda_download(h, o->d, 2 * sizeof(double));
    *adv = h[0];
    *fm = h[1];
}
extern "C" void rv_gpu_disc_grads(const rv_gpu_disc *o, float *G) { rv_gd_download_grads(o->g, G); }
