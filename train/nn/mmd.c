// mmd.c: see mmd.h.
#include "train/nn/mmd.h"

#include <math.h>

// Element (sample i, dim c) of a (B, D, T) tensor.
static inline double at(const rv_real *a, int i, int c, int D, int T) {
    return a[((long)(i / T) * D + c) * T + i % T];
}

static double kern(const rv_real *a, int i, const rv_real *b, int j, int D, int T) {
    double s = 0;
    for (int c = 0; c < D; c++) {
        double d = at(a, i, c, D, T) - at(b, j, c, D, T);
        s += d * d;
    }
    return exp(-s / ((double)D * D));
}

double RV(mmd_fwd)(const rv_real *z, const rv_real *y, int B, int D, int T, double *scratch) {
    int N = B * T;
    #pragma omp parallel for schedule(dynamic, 8)
    for (int i = 0; i < N; i++) {
        double s = 0;
        for (int j = 0; j < N; j++)
            s += kern(z, i, z, j, D, T) + kern(y, i, y, j, D, T) - 2 * kern(z, i, y, j, D, T);
        scratch[i] = s;
    }
    double tot = 0;
    for (int i = 0; i < N; i++) tot += scratch[i];
    return tot / ((double)N * N);
}

void RV(mmd_bwd)(rv_real *dz, double weight, const rv_real *z, const rv_real *y, int B, int D,
                 int T) {
    int N = B * T;
    double c = (double)D * D, a = -4.0 * weight / (c * N * N);
    #pragma omp parallel for schedule(dynamic, 8)
    for (int i = 0; i < N; i++) {
        double g[256] = {0};   // D <= 256
        for (int j = 0; j < N; j++) {
            double kzz = kern(z, i, z, j, D, T), kzy = kern(z, i, y, j, D, T);
            for (int ch = 0; ch < D; ch++) {
                double zi = at(z, i, ch, D, T);
                g[ch] += kzz * (zi - at(z, j, ch, D, T)) - kzy * (zi - at(y, j, ch, D, T));
            }
        }
        for (int ch = 0; ch < D; ch++) dz[((long)(i / T) * D + ch) * T + i % T] += (rv_real)(a * g[ch]);
    }
}
