// infer.c: see infer.h.
#include "train/infer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/rng.h"

int rv_infer_context(const rv_model *m) {
    int hop = rv_config_hop(&m->cfg);
    long r = m->lrf > m->rrf ? m->lrf : m->rrf;
    return (int)((r + hop - 1) / hop) + 1;
}

const char *rv_infer_nonfinite_tensor(const rv_model *m) {
    for (int i = 0; i < m->P.n; i++) {
        const float *w = m->P.data + m->P.t[i].off;
        for (long k = 0; k < m->P.t[i].n; k++)
            if (!isfinite(w[k])) return m->P.t[i].name;
    }
    return NULL;
}

static int all_finite(const float *v, long n) {
    int bad = 0;   // v - v is 0 for finite v and NaN otherwise; no branch, so it vectorises
    for (long i = 0; i < n; i++) bad |= (v[i] - v[i]) != 0.0f;
    return !bad;
}

static void frame_noise(float *noise, int K, int W, long f0, uint64_t seed) {
    if (seed == RV_INFER_NO_NOISE) {
        memset(noise, 0, sizeof(float) * (size_t)K * W);
        return;
    }
    for (int j = 0; j < W; j++) {
        char id[32];
        snprintf(id, sizeof(id), "%ld", f0 + j);
        gd_rng r;
        gd_rng_init(&r, seed, gd_rng_stream_id("infer-noise", id));
        for (int k = 0; k < K; k++) noise[(long)k * W + j] = (float)gd_rng_normal(&r);
    }
}

// mode: 0 encode (x -> z), 1 decode (z -> y), 2 transfer (x -> y)
static int run(rv_model *m, int mode, float *out, const float *x, long n, const float *z, long F,
               int Kb, uint64_t seed) {
    int hop = rv_config_hop(&m->cfg), L = m->cfg.latent_size, K = m->cfg.noise_channels;
    int c = rv_infer_context(m), W = Kb + 2 * c;
    if (mode != 1) F = (n + hop - 1) / hop;
    int rc = rv_model_plan(m, 1, (long)W * hop, RV_PLAN_INFER);
    if (rc) return rc;
    float *xin = calloc((size_t)W * hop, sizeof(float)), *zw = calloc((size_t)L * W, sizeof(float));
    float *nz = calloc((size_t)(K ? K : 1) * W, sizeof(float)), *yw = malloc(sizeof(float) * W * hop);
    if (!xin || !zw || !nz || !yw) { free(xin); free(zw); free(nz); free(yw); return GD_ERR_NOMEM; }
    for (long f0 = 0; f0 < F; f0 += Kb) {
        long ws = f0 - c;   // window start frame
        int keep = (int)(F - f0 < Kb ? F - f0 : Kb);
        if (mode != 1) {
            for (long i = 0; i < (long)W * hop; i++) {
                long t = ws * hop + i;
                xin[i] = t >= 0 && t < n ? x[t] : 0;
            }
            rv_model_encode(m, zw, xin);
            if (!all_finite(zw, (long)L * W)) { rc = GD_ERR_NUMERIC; break; }
            if (mode == 0) {
                for (int l = 0; l < L; l++)
                    memcpy(out + (long)l * F + f0, zw + (long)l * W + c, sizeof(float) * keep);
                continue;
            }
        } else {
            for (int l = 0; l < L; l++)
                for (int j = 0; j < W; j++) {
                    long f = ws + j;
                    zw[(long)l * W + j] = f >= 0 && f < F ? z[(long)l * F + f] : 0;
                }
        }
        frame_noise(nz, K, W, ws, seed);
        rv_model_decode(m, yw, zw, nz);
        if (!all_finite(yw + (long)c * hop, (long)keep * hop)) { rc = GD_ERR_NUMERIC; break; }
        memcpy(out + f0 * hop, yw + (long)c * hop, sizeof(float) * keep * hop);
    }
    free(xin); free(zw); free(nz); free(yw);
    return rc;
}

int rv_infer_encode(rv_model *m, float *z, const float *x, long n, int block_frames) {
    return run(m, 0, z, x, n, NULL, 0, block_frames, 0);
}
int rv_infer_decode(rv_model *m, float *y, const float *z, long F, int block_frames,
                    uint64_t seed) {
    return run(m, 1, y, NULL, 0, z, F, block_frames, seed);
}
int rv_infer_transfer(rv_model *m, float *y, const float *x, long n, int block_frames,
                      uint64_t seed) {
    return run(m, 2, y, x, n, NULL, 0, block_frames, seed);
}
