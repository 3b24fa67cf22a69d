// wnorm.c: see wnorm.h.
#include "train/nn/wnorm.h"

#include <math.h>

static double row_norm(const rv_real *v, long n) {
    double s = 0;
    for (long i = 0; i < n; i++) s += (double)v[i] * v[i];
    return sqrt(s);
}

void rv_wnorm_fwd(rv_real *w, const rv_real *v, const rv_real *g, int rows, long n) {
    #pragma omp parallel for schedule(dynamic, 4) if((long)rows * n > RV_PAR_MIN)
    for (int r = 0; r < rows; r++) {
        const rv_real *vr = v + (long)r * n;
        double scale = g[r] / row_norm(vr, n);
        for (long i = 0; i < n; i++) w[(long)r * n + i] = (rv_real)(scale * vr[i]);
    }
}

void rv_wnorm_bwd(rv_real *dv, rv_real *dg, const rv_real *dw, const rv_real *v,
                  const rv_real *g, int rows, long n) {
    #pragma omp parallel for schedule(dynamic, 4) if((long)rows * n > RV_PAR_MIN)
    for (int r = 0; r < rows; r++) {
        const rv_real *vr = v + (long)r * n, *dwr = dw + (long)r * n;
        double nrm = row_norm(vr, n), dot = 0;
        for (long i = 0; i < n; i++) dot += (double)dwr[i] * vr[i];
        if (dg) dg[r] += (rv_real)(dot / nrm);
        if (dv) {
            double a = g[r] / nrm, c = a * dot / (nrm * nrm);
            for (long i = 0; i < n; i++) dv[(long)r * n + i] += (rv_real)(a * dwr[i] - c * vr[i]);
        }
    }
}

void rv_wnorm_init_g(rv_real *g, const rv_real *v, int rows, long n) {
    for (int r = 0; r < rows; r++) g[r] = (rv_real)row_norm(v + (long)r * n, n);
}
