// mmd.c: see mmd.h. For sample i, the squared distances to a block of samples j (one batch
// item, consecutive time steps: contiguous in each channel row) are summed channel by channel
// with the block in SIMD lanes; each pair's sum still runs over the channels in order, and
// every kernel value enters its sum in the order of j, so the results are those of the
// pair-by-pair definition, bit for bit.
#include "train/nn/mmd.h"

#include <math.h>

#include "core/error.h"
#include "core/simd.h"   // defines: GD_SIMD

#define MMD_MAX_D 256
#define MMD_BLOCK 64

// v[c] = element (sample i, dim c) of a (B, D, T) tensor, c < D.
static void sample(double *v, const rv_real *a, int i, int D, int T) {
    const rv_real *p = a + (long)(i / T) * D * T + i % T;
    for (int c = 0; c < D; c++) v[c] = p[(long)c * T];
}

// s[t] = |u - a[:, t0 + t]|^2 for t < nt, a: one batch item (D, T), summed over c in order.
GD_SIMD
static void sqdist(double *restrict s, const double *restrict u, const rv_real *restrict a, int D,
                   int T, int t0, int nt) {
    for (int t = 0; t < nt; t++) s[t] = 0;
    for (int c = 0; c < D; c++) {
        const rv_real *p = a + (long)c * T + t0;
        #pragma omp simd
        for (int t = 0; t < nt; t++) {
            double d = u[c] - p[t];
            s[t] += d * d;
        }
    }
}

double rv_mmd_fwd(const rv_real *z, const rv_real *y, int B, int D, int T, double *scratch) {
    GD_ASSERT(D <= MMD_MAX_D);
    int N = B * T;
    double c2 = (double)D * D;
    #pragma omp parallel for schedule(dynamic, 8)
    for (int i = 0; i < N; i++) {
        double zi[MMD_MAX_D], yi[MMD_MAX_D], szz[MMD_BLOCK], syy[MMD_BLOCK], szy[MMD_BLOCK], s = 0;
        sample(zi, z, i, D, T); sample(yi, y, i, D, T);
        for (int b = 0; b < B; b++)
            for (int t0 = 0; t0 < T; t0 += MMD_BLOCK) {
                int nt = T - t0 < MMD_BLOCK ? T - t0 : MMD_BLOCK;
                const rv_real *zb = z + (long)b * D * T, *yb = y + (long)b * D * T;
                sqdist(szz, zi, zb, D, T, t0, nt);
                sqdist(syy, yi, yb, D, T, t0, nt);
                sqdist(szy, zi, yb, D, T, t0, nt);
                for (int t = 0; t < nt; t++)
                    s += exp(-szz[t] / c2) + exp(-syy[t] / c2) - 2 * exp(-szy[t] / c2);
            }
        scratch[i] = s;
    }
    double tot = 0;
    for (int i = 0; i < N; i++) tot += scratch[i];
    return tot / ((double)N * N);
}

void rv_mmd_bwd(rv_real *dz, double weight, const rv_real *z, const rv_real *y, int B, int D,
                int T) {
    GD_ASSERT(D <= MMD_MAX_D);
    int N = B * T;
    double c2 = (double)D * D, a = -4.0 * weight / (c2 * N * N);
    #pragma omp parallel for schedule(dynamic, 8)
    for (int i = 0; i < N; i++) {
        double g[MMD_MAX_D] = {0}, zi[MMD_MAX_D], kzz[MMD_BLOCK], kzy[MMD_BLOCK];
        sample(zi, z, i, D, T);
        for (int b = 0; b < B; b++)
            for (int t0 = 0; t0 < T; t0 += MMD_BLOCK) {
                int nt = T - t0 < MMD_BLOCK ? T - t0 : MMD_BLOCK;
                const rv_real *zb = z + (long)b * D * T, *yb = y + (long)b * D * T;
                sqdist(kzz, zi, zb, D, T, t0, nt);
                sqdist(kzy, zi, yb, D, T, t0, nt);
                for (int t = 0; t < nt; t++) { kzz[t] = exp(-kzz[t] / c2); kzy[t] = exp(-kzy[t] / c2); }
                // per channel, the terms still arrive in the order of j
                for (int ch = 0; ch < D; ch++) {
                    const rv_real *pz = zb + (long)ch * T + t0, *py = yb + (long)ch * T + t0;
                    for (int t = 0; t < nt; t++)
                        g[ch] += kzz[t] * (zi[ch] - pz[t]) - kzy[t] * (zi[ch] - py[t]);
                }
            }
        for (int ch = 0; ch < D; ch++) dz[((long)(i / T) * D + ch) * T + i % T] += (rv_real)(a * g[ch]);
    }
}
