// act.c: see act.h.
#include "train/nn/act.h"

#include <math.h>

#include "core/simd.h"   // defines: GD_SIMD

// The element loops run in blocks of LRELU_BLOCK (one OpenMP task each) through kernels with
// AVX2/AVX-512F clones; element-wise, so the bits do not depend on the clone or the split.
// out may be in (same index): omp simd only asserts no dependence between iterations.
// (They vectorise thanks to -fno-trapping-math, train/module.mk.)
#define LRELU_BLOCK 16384

GD_SIMD
static void lrelu_fwd_block(rv_real *out, const rv_real *in, long n, rv_real slope) {
    #pragma omp simd
    for (long i = 0; i < n; i++) out[i] = in[i] > 0 ? in[i] : slope * in[i];
}

GD_SIMD
static void lrelu_bwd_block(rv_real *din, const rv_real *dout, const rv_real *in, long n, rv_real slope) {
    #pragma omp simd
    for (long i = 0; i < n; i++) din[i] += in[i] > 0 ? dout[i] : slope * dout[i];
}

void rv_lrelu_fwd(rv_real *out, const rv_real *in, long n, rv_real slope) {
    #pragma omp parallel for schedule(dynamic, 1) if(n > RV_PAR_MIN)
    for (long b = 0; b < n; b += LRELU_BLOCK)
        lrelu_fwd_block(out + b, in + b, n - b < LRELU_BLOCK ? n - b : LRELU_BLOCK, slope);
}

void rv_lrelu_bwd(rv_real *din, const rv_real *dout, const rv_real *in, long n, rv_real slope) {
    #pragma omp parallel for schedule(dynamic, 1) if(n > RV_PAR_MIN)
    for (long b = 0; b < n; b += LRELU_BLOCK)
        lrelu_bwd_block(din + b, dout + b, in + b, n - b < LRELU_BLOCK ? n - b : LRELU_BLOCK, slope);
}

static double sigm(double a) { return 1.0 / (1.0 + exp(-a)); }

void rv_amod_fwd(rv_real *out, const rv_real *in, int B, int C, int T) {
    long CT = (long)C * T;
    #pragma omp parallel for schedule(static) if((long)B * C * T > RV_PAR_MIN)
    for (int b = 0; b < B; b++) {
        const rv_real *x = in + 2 * CT * b, *a = x + CT;
        rv_real *y = out + CT * b;
        for (long i = 0; i < CT; i++) y[i] = (rv_real)tanh(x[i] * sigm(a[i]));
    }
}

void rv_amod_bwd(rv_real *din, const rv_real *dout, const rv_real *in, int B, int C, int T) {
    long CT = (long)C * T;
    #pragma omp parallel for schedule(static) if((long)B * C * T > RV_PAR_MIN)
    for (int b = 0; b < B; b++) {
        const rv_real *x = in + 2 * CT * b, *a = x + CT, *dy = dout + CT * b;
        rv_real *dx = din + 2 * CT * b, *da = dx + CT;
        for (long i = 0; i < CT; i++) {
            double s = sigm(a[i]), y = tanh(x[i] * s), g = dy[i] * (1 - y * y);
            dx[i] += (rv_real)(g * s);
            da[i] += (rv_real)(g * x[i] * s * (1 - s));
        }
    }
}
