// mmd.c: see mmd.h. Each sample is gathered once per use into D contiguous doubles (one
// division for its address, not one per element); every kernel value and sum is formed in
// the same order as the definition, so the results do not depend on the gathering.
#include "train/nn/mmd.h"

#include <math.h>

#include "core/error.h"

#define MMD_MAX_D 256

// v[c] = element (sample i, dim c) of a (B, D, T) tensor, c < D.
static inline void sample(double *v, const rv_real *a, int i, int D, int T) {
    const rv_real *p = a + (long)(i / T) * D * T + i % T;
    for (int c = 0; c < D; c++) v[c] = p[(long)c * T];
}

static inline double kern(const double *u, const double *v, int D) {
    double s = 0;
    for (int c = 0; c < D; c++) {
        double d = u[c] - v[c];
        s += d * d;
    }
    return exp(-s / ((double)D * D));
}

double RV(mmd_fwd)(const rv_real *z, const rv_real *y, int B, int D, int T, double *scratch) {
    GD_ASSERT(D <= MMD_MAX_D);
    int N = B * T;
    #pragma omp parallel for schedule(dynamic, 8)
    for (int i = 0; i < N; i++) {
        double zi[MMD_MAX_D], yi[MMD_MAX_D], zj[MMD_MAX_D], yj[MMD_MAX_D], s = 0;
        sample(zi, z, i, D, T); sample(yi, y, i, D, T);
        for (int j = 0; j < N; j++) {
            sample(zj, z, j, D, T); sample(yj, y, j, D, T);
            s += kern(zi, zj, D) + kern(yi, yj, D) - 2 * kern(zi, yj, D);
        }
        scratch[i] = s;
    }
    double tot = 0;
    for (int i = 0; i < N; i++) tot += scratch[i];
    return tot / ((double)N * N);
}

void RV(mmd_bwd)(rv_real *dz, double weight, const rv_real *z, const rv_real *y, int B, int D,
                 int T) {
    GD_ASSERT(D <= MMD_MAX_D);
    int N = B * T;
    double c = (double)D * D, a = -4.0 * weight / (c * N * N);
    #pragma omp parallel for schedule(dynamic, 8)
    for (int i = 0; i < N; i++) {
        double g[MMD_MAX_D] = {0}, zi[MMD_MAX_D], zj[MMD_MAX_D], yj[MMD_MAX_D];
        sample(zi, z, i, D, T);
        for (int j = 0; j < N; j++) {
            sample(zj, z, j, D, T); sample(yj, y, j, D, T);
            double kzz = kern(zi, zj, D), kzy = kern(zi, yj, D);
            for (int ch = 0; ch < D; ch++) g[ch] += kzz * (zi[ch] - zj[ch]) - kzy * (zi[ch] - yj[ch]);
        }
        for (int ch = 0; ch < D; ch++) dz[((long)(i / T) * D + ch) * T + i % T] += (rv_real)(a * g[ch]);
    }
}
