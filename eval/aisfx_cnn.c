// aisfx_cnn.c: the aiSFX EmbeddingNet forward pass (see aisfx.h) on the package's weights:
// 3x3 convolutions as im2col + cblas_sgemm, eval-mode batch norm folded into a per-channel
// scale and shift (as torch's CPU kernel applies it), ReLU, 2x2 max pooling, then the mean
// over mel and the maximum over time.
#include "eval/aisfx.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"      // defines: GD_ERR_*
#include "core/fileio.h"     // defines: gd_path_exists, gd_find_beside_exe
#include "core/log.h"        // defines: gd_error
#include "core/sha256.h"     // defines: gd_sha256_file
#include "train/safetensors.h"  // defines: rv_st_read, rv_st_get, rv_st_free

#define N_CONV 8
#define BN_EPS 1e-5

typedef struct {
    int cin, cout;
    const float *w;          // (cout, cin, 3, 3): the GEMM's A (cout, cin * 9) as stored
    float *scale, *shift;    // (cout) batch norm: y = x * scale + shift
} conv_layer;

struct ev_aisfx {
    rv_st *st;               // owns the weights
    conv_layer conv[N_CONV];
};

void ev_aisfx_free(ev_aisfx *m) {
    if (!m) return;
    for (int i = 0; i < N_CONV; i++) { free(m->conv[i].scale); free(m->conv[i].shift); }
    rv_st_free(m->st);
    free(m);
}

// Tensor name (prefix + suffix) with the expected shape (ndim <= 4), or NULL (logged).
static const float *tensor(const rv_st *st, const char *path, const char *prefix, const char *suffix,
                           int ndim, const int64_t *shape) {
    char name[128];
    snprintf(name, sizeof name, "embedding_net.%s.%s", prefix, suffix);
    const rv_st_tensor *t = rv_st_get(st, name);
    int ok = t && t->ndim == ndim;
    for (int d = 0; ok && d < ndim; d++) ok = t->shape[d] == shape[d];
    if (!ok) { gd_error("%s: tensor %s missing or of another shape (not the aisfx 0.1.2 weights?)", path, name); return NULL; }
    return t->data;
}

static int load_layer(conv_layer *L, const rv_st *st, const char *path, int idx) {
    static const int ch[5] = {1, 64, 128, 256, 512};
    const int blk = idx / 2 + 1, second = idx % 2;
    L->cin = second ? ch[blk] : ch[blk - 1];
    L->cout = ch[blk];
    char conv[64], bn[64];
    snprintf(conv, sizeof conv, "conv_block%d.conv%d", blk, second + 1);
    snprintf(bn, sizeof bn, "conv_block%d.bn%d", blk, second + 1);
    const int64_t ws[4] = {L->cout, L->cin, 3, 3}, vs[1] = {L->cout};
    L->w = tensor(st, path, conv, "weight", 4, ws);
    const float *g = tensor(st, path, bn, "weight", 1, vs), *b = tensor(st, path, bn, "bias", 1, vs);
    const float *mu = tensor(st, path, bn, "running_mean", 1, vs), *var = tensor(st, path, bn, "running_var", 1, vs);
    if (!L->w || !g || !b || !mu || !var) return GD_ERR_FORMAT;
    L->scale = malloc(sizeof(float) * L->cout);
    L->shift = malloc(sizeof(float) * L->cout);
    if (!L->scale || !L->shift) return GD_ERR_NOMEM;
    for (int c = 0; c < L->cout; c++) {
        const float inv = (float)(1.0 / sqrt((double)var[c] + BN_EPS));
        L->scale[c] = inv * g[c];
        L->shift[c] = b[c] - mu[c] * L->scale[c];
    }
    return 0;
}

int ev_aisfx_load(ev_aisfx **out, const char *path) {
    char *found = NULL;
    if (!path) {
        static const char *const rel[] = {"../.deps/models/" EV_AISFX_WEIGHTS_NAME,
                                          "../share/gendang/models/" EV_AISFX_WEIGHTS_NAME};
        found = gd_find_beside_exe(rel, 2);
        if (!found) {
            gd_error("%s: aisfx weights not found beside the binary (../.deps/models or "
                     "../share/gendang/models); run `make aisfx-weights` (fetches the aisfx 0.1.2 "
                     "wheel from PyPI once) or give --aisfx-weights", EV_AISFX_WEIGHTS_NAME);
            return GD_ERR_IO;
        }
        path = found;
    }
    int rc = GD_ERR_IO;
    char hex[GD_SHA256_HEX_LEN];
    ev_aisfx *m = NULL;
    if (!gd_path_exists(path)) {
        gd_error("%s: no such file; run `make aisfx-weights` (fetches the aisfx 0.1.2 wheel from PyPI once)", path);
        goto done;
    }
    if (gd_sha256_file(hex, path)) goto done;
    if (strcmp(hex, EV_AISFX_WEIGHTS_SHA256)) {
        gd_error("%s: sha256 %s is not that of the converted aisfx 0.1.2 weights (%s)", path, hex, EV_AISFX_WEIGHTS_SHA256);
        rc = GD_ERR_FORMAT;
        goto done;
    }
    rc = GD_ERR_NOMEM;
    if (!(m = calloc(1, sizeof *m))) goto done;
    if ((rc = rv_st_read(&m->st, path))) goto done;
    for (int i = 0; i < N_CONV && !rc; i++) rc = load_layer(&m->conv[i], m->st, path, i);
done:
    free(found);
    if (rc) { ev_aisfx_free(m); return rc; }
    *out = m;
    return 0;
}

// col (cin * 9, H * W) of x (cin, H, W) for a 3x3 kernel with zero padding 1.
static void im2col3(float *col, const float *x, int cin, int H, int W) {
    for (int c = 0; c < cin; c++)
        for (int ky = 0; ky < 3; ky++)
            for (int kx = 0; kx < 3; kx++) {
                float *row = col + ((size_t)(c * 9 + ky * 3 + kx)) * H * W;
                for (int y = 0; y < H; y++) {
                    const int sy = y + ky - 1;
                    float *r = row + (size_t)y * W;
                    if (sy < 0 || sy >= H) { memset(r, 0, sizeof(float) * W); continue; }
                    // r[xx] = xs[xx + kx - 1], zero where that falls outside the row
                    const float *xs = x + ((size_t)c * H + sy) * W;
                    if (kx == 0) { r[0] = 0.0f; memcpy(r + 1, xs, sizeof(float) * (W - 1)); }
                    else if (kx == 1) memcpy(r, xs, sizeof(float) * W);
                    else { memcpy(r, xs + 1, sizeof(float) * (W - 1)); r[W - 1] = 0.0f; }
                }
            }
}

// out (cout, H, W) = relu(bn(conv(x))).
static void conv_bn_relu(float *out, float *col, const float *x, const conv_layer *L, int H, int W) {
    const int hw = H * W, k = L->cin * 9;
    im2col3(col, x, L->cin, H, W);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, L->cout, hw, k, 1.0f, L->w, k, col, hw, 0.0f, out, hw);
    for (int c = 0; c < L->cout; c++) {
        float *o = out + (size_t)c * hw;
        const float s = L->scale[c], b = L->shift[c];
        for (int i = 0; i < hw; i++) { const float v = o[i] * s + b; o[i] = v > 0 ? v : 0; }
    }
}

// out (C, H/2, W/2) = 2x2 max pooling of x (C, H, W), odd edges dropped.
static void maxpool2(float *out, const float *x, int C, int H, int W) {
    const int h = H / 2, w = W / 2;
    for (int c = 0; c < C; c++)
        for (int y = 0; y < h; y++)
            for (int xx = 0; xx < w; xx++) {
                const float *p = x + ((size_t)c * H + 2 * y) * W + 2 * xx;
                float m = p[0];
                if (p[1] > m) m = p[1];
                if (p[W] > m) m = p[W];
                if (p[W + 1] > m) m = p[W + 1];
                out[((size_t)c * h + y) * w + xx] = m;
            }
}

int ev_aisfx_forward(float out[EV_AISFX_DIM], const ev_aisfx *m, const float *in) {
    const size_t act = (size_t)64 * EV_AISFX_BLOCK * EV_AISFX_MELS;   // the largest activation
    float *a = malloc(sizeof(float) * act), *b = malloc(sizeof(float) * act);
    float *col = malloc(sizeof(float) * act * 9);
    if (!a || !b || !col) { free(a); free(b); free(col); return GD_ERR_NOMEM; }
    int H = EV_AISFX_BLOCK, W = EV_AISFX_MELS;
    memcpy(a, in, sizeof(float) * H * W);
    for (int blk = 0; blk < 4; blk++) {
        const conv_layer *L1 = &m->conv[2 * blk], *L2 = &m->conv[2 * blk + 1];
        conv_bn_relu(b, col, a, L1, H, W);
        conv_bn_relu(a, col, b, L2, H, W);
        if (blk < 3) {   // block 4 pools (1, 1): the identity
            maxpool2(b, a, L2->cout, H, W);
            H /= 2; W /= 2;
            float *t = a; a = b; b = t;
        }
    }
    for (int c = 0; c < EV_AISFX_DIM; c++) {   // mean over mel, then max over time
        float best = -INFINITY;
        for (int y = 0; y < H; y++) {
            const float *r = a + ((size_t)c * H + y) * W;
            float s = 0;
            for (int xx = 0; xx < W; xx++) s += r[xx];
            const float mean = s / W;
            if (mean > best) best = mean;
        }
        out[c] = best;
    }
    free(a); free(b); free(col);
    return 0;
}

int ev_aisfx_embed(double **emb, const ev_aisfx *m, const float *x, int64_t n, int rate) {
    float *spec;
    const int64_t T = ev_aisfx_logmel(&spec, x, n, rate);
    if (T < 0) return (int)T;
    const int nb = ev_aisfx_n_blocks(T);
    const size_t bs = (size_t)EV_AISFX_BLOCK * EV_AISFX_MELS;
    float *blk = malloc(sizeof(float) * bs);
    double *e = malloc(sizeof(double) * (size_t)nb * EV_AISFX_DIM);
    int rc = blk && e ? 0 : GD_ERR_NOMEM;
    for (int k = 0; k < nb && !rc; k++) {
        const int64_t t0 = (int64_t)k * EV_AISFX_BLOCK_HOP;
        int64_t rows = T - t0 < EV_AISFX_BLOCK ? T - t0 : EV_AISFX_BLOCK;
        if (rows < 0) rows = 0;
        memset(blk, 0, sizeof(float) * bs);
        memcpy(blk, spec + t0 * EV_AISFX_MELS, sizeof(float) * (size_t)rows * EV_AISFX_MELS);
        float o[EV_AISFX_DIM];
        rc = ev_aisfx_forward(o, m, blk);
        for (int c = 0; c < EV_AISFX_DIM && !rc; c++) e[(size_t)k * EV_AISFX_DIM + c] = o[c];
    }
    free(spec); free(blk);
    if (rc) { free(e); return rc; }
    *emb = e;
    return nb;
}
