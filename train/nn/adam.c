// adam.c: see adam.h. Elementwise in the working precision, with the same operation order
// as torch.optim.Adam's single-tensor path (step size lr/bc1 and sqrt(bc2) in double).
#include "train/nn/adam.h"

#include <tgmath.h>   // sqrt in the working precision

void rv_adam_step(rv_real *p, rv_real *m, rv_real *v, const rv_real *g, long n,
                  const rv_adam_cfg *cfg, double lr, long t) {
    const rv_real b1 = (rv_real)cfg->beta1, b2 = (rv_real)cfg->beta2;
    const rv_real a1 = (rv_real)(1 - cfg->beta1), a2 = (rv_real)(1 - cfg->beta2);
    const rv_real step = (rv_real)(lr / (1 - pow(cfg->beta1, (double)t)));
    const rv_real bc2s = (rv_real)sqrt(1 - pow(cfg->beta2, (double)t)), eps = (rv_real)cfg->eps;
    #pragma omp parallel for schedule(dynamic, 16384) if(n > RV_PAR_MIN)
    for (long i = 0; i < n; i++) {
        rv_real mi = b1 * m[i] + a1 * g[i];
        rv_real vi = b2 * v[i] + a2 * g[i] * g[i];
        m[i] = mi;
        v[i] = vi;
        p[i] -= step * (mi / (sqrt(vi) / bc2s + eps));
    }
}
