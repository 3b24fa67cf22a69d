// resunit.h: the dilated residual unit of RAVE v2,
//   out = x + conv_1x1(lrelu(conv_kxd(lrelu(x)))),  LeakyReLU slope 0.2, no biases,
// the k-tap conv with dilation d and centered padding ((k-1)d/2 each side for odd k).
//
// Shapes: x, out, a1, h1, a2 are (B, C, T). w1 (C, C, k), w2 (C, C, 1) are the effective
// (already weight-normalised) weights. The forward stores the activations the backward needs
// in a1 = lrelu(x), h1 = conv1(a1), a2 = lrelu(h1); the caller owns them.
// scratch: C*k*T values. Backward: tmp1, tmp2 are (B, C, T) work buffers (overwritten);
// it ACCUMULATES into dx, dw1, dw2 (dx may be NULL).
#ifndef RV_RESUNIT_H
#define RV_RESUNIT_H

#include "train/nn/rv_real.h"

#define RV_LRELU_SLOPE 0.2

void rv_resunit_fwd(rv_real *out, rv_real *a1, rv_real *h1, rv_real *a2, const rv_real *x,
                    const rv_real *w1, const rv_real *w2, int B, int C, int T, int k, int d,
                    rv_real *scratch);
void rv_resunit_bwd(rv_real *dx, rv_real *dw1, rv_real *dw2, const rv_real *dout,
                    const rv_real *x, const rv_real *a1, const rv_real *h1, const rv_real *a2,
                    const rv_real *w1, const rv_real *w2, int B, int C, int T, int k, int d,
                    rv_real *scratch, rv_real *tmp1, rv_real *tmp2);

#endif
