// adam.c: see adam.h.
#include "train/nn/adam.h"

#include <math.h>

void RV(adam_step)(rv_real *p, rv_real *m, rv_real *v, const rv_real *g, long n,
                   const rv_adam_cfg *cfg, double lr, long t) {
    double b1 = cfg->beta1, b2 = cfg->beta2;
    double bc1 = 1 - pow(b1, (double)t), bc2s = sqrt(1 - pow(b2, (double)t));
    rv_real step = (rv_real)(lr / bc1);
    #pragma omp parallel for schedule(static) if(n > RV_PAR_MIN)
    for (long i = 0; i < n; i++) {
        m[i] = (rv_real)(b1 * m[i] + (1 - b1) * g[i]);
        v[i] = (rv_real)(b2 * v[i] + (1 - b2) * (double)g[i] * g[i]);
        rv_real denom = (rv_real)(sqrt((double)v[i]) / bc2s + cfg->eps);
        p[i] -= step * (m[i] / denom);
    }
}
