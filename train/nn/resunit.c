// resunit.c: see resunit.h. Composed from conv1d and lrelu.
#include "train/nn/resunit.h"

#include <string.h>

#include "train/nn/act.h"
#include "train/nn/conv1d.h"

static void shapes(rv_conv1d_shape *s1, rv_conv1d_shape *s2, int C, int k, int d) {
    *s1 = (rv_conv1d_shape){C, C, k, 1, d, 0, 0};
    rv_conv1d_center_pad(s1);
    *s2 = (rv_conv1d_shape){C, C, 1, 1, 1, 0, 0};
}

void rv_resunit_fwd(rv_real *out, rv_real *a1, rv_real *h1, rv_real *a2, const rv_real *x,
                    const rv_real *w1, const rv_real *w2, int B, int C, int T, int k, int d,
                    rv_real *scratch) {
    rv_conv1d_shape s1, s2;
    shapes(&s1, &s2, C, k, d);
    long n = (long)B * C * T;
    rv_lrelu_fwd(a1, x, n, RV_LRELU_SLOPE);
    rv_conv1d_fwd(h1, a1, w1, NULL, B, T, &s1, scratch);
    rv_lrelu_fwd(a2, h1, n, RV_LRELU_SLOPE);
    rv_conv1d_fwd(out, a2, w2, NULL, B, T, &s2, scratch);
    #pragma omp parallel for schedule(dynamic, 16384) if(n > RV_PAR_MIN)
    for (long i = 0; i < n; i++) out[i] += x[i];
}

void rv_resunit_bwd(rv_real *dx, rv_real *dw1, rv_real *dw2, const rv_real *dout,
                    const rv_real *x, const rv_real *a1, const rv_real *h1, const rv_real *a2,
                    const rv_real *w1, const rv_real *w2, int B, int C, int T, int k, int d,
                    rv_real *scratch, rv_real *tmp1, rv_real *tmp2) {
    rv_conv1d_shape s1, s2;
    shapes(&s1, &s2, C, k, d);
    long n = (long)B * C * T;
    size_t bytes = sizeof(rv_real) * (size_t)n;
    memset(tmp1, 0, bytes);                                      // d a2
    rv_conv1d_bwd(tmp1, dw2, NULL, dout, a2, w2, B, T, &s2, scratch);
    memset(tmp2, 0, bytes);                                      // d h1
    rv_lrelu_bwd(tmp2, tmp1, h1, n, RV_LRELU_SLOPE);
    memset(tmp1, 0, bytes);                                      // d a1
    rv_conv1d_bwd(tmp1, dw1, NULL, tmp2, a1, w1, B, T, &s1, scratch);
    if (dx) {
        rv_lrelu_bwd(dx, tmp1, x, n, RV_LRELU_SLOPE);
        #pragma omp parallel for schedule(dynamic, 16384) if(n > RV_PAR_MIN)
        for (long i = 0; i < n; i++) dx[i] += dout[i];
    }
}
